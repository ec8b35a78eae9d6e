"""Human formats for money, rates, durations and times (no UI imports)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

_SYMBOLS: Final = {"USD": "$", "EUR": "€", "INR": "₹"}


def amount(value: float | None, digits: int = 2) -> str:
    """A number of money without its currency, for columns whose header names it."""
    return "—" if value is None else f"{value:,.{digits}f}"


def money(value: float | None, currency: str | None = "USD", digits: int = 2) -> str:
    """``$1,234.56``; an unknown currency is named after the number. None currency means USD."""
    if value is None:
        return "—"
    currency = currency or "USD"
    sign = "-" if value < 0 else ""
    text = f"{abs(value):,.{digits}f}"
    mark = _SYMBOLS.get(currency.upper())
    return f"{sign}{mark}{text}" if mark else f"{sign}{text} {currency}"


def rate(value: float | None, currency: str | None = "USD") -> str:
    """An hourly rate; sub-dime rates keep four decimals so storage is visible."""
    if value is None:
        return "—"
    digits = 4 if 0 < abs(value) < 0.1 else 2
    return f"{money(value, currency, digits)}/h"


def duration(delta: timedelta | float | None) -> str:
    """'3d 4h', '5h 12m', '7m', '42s': the two largest units."""
    if delta is None:
        return "—"
    seconds = int(delta.total_seconds() if isinstance(delta, timedelta) else delta)
    seconds = max(seconds, 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m"
    return f"{secs}s"


def duration_changes_at(seconds: float) -> int:
    """The first elapsed time after ``seconds`` at which `duration`'s text changes.

    Lets a caller keep a shown duration until then without formatting it again.
    """
    whole = max(0, int(seconds))
    if whole < 60:
        return whole + 1
    if whole < 86400:
        return (whole // 60 + 1) * 60
    return (whole // 3600 + 1) * 3600


def clock_time(moment: datetime | None) -> str:
    return "—" if moment is None else moment.astimezone().strftime("%H:%M:%S")


def runway(balance: float, burn_per_hour: float) -> timedelta | None:
    """How long the balance lasts at the current burn rate (None: forever)."""
    if burn_per_hour <= 0:
        return None
    return timedelta(hours=max(balance, 0.0) / burn_per_hour)
