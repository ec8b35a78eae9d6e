"""Human formats for money, rates, durations and times (no UI imports)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

_SYMBOLS: Final = {"USD": "$", "EUR": "€", "INR": "₹"}


def money(amount: float | None, currency: str = "USD", digits: int = 2) -> str:
    if amount is None:
        return "—"
    symbol = _SYMBOLS.get(currency.upper(), "")
    text = f"{abs(amount):,.{digits}f}"
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


def rate(amount: float | None, currency: str = "USD") -> str:
    """An hourly rate; sub-cent rates keep four decimals so storage is visible."""
    if amount is None:
        return "—"
    digits = 4 if 0 < abs(amount) < 0.1 else 2
    return f"{money(amount, currency, digits)}/h"


def duration(delta: timedelta | float | None) -> str:
    """'3d 4h', '5h 12m', '7m', '42s': the two largest units."""
    if delta is None:
        return "—"
    seconds = int(delta.total_seconds() if isinstance(delta, timedelta) else delta)
    if seconds < 0:
        seconds = 0
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


def clock_time(moment: datetime | None) -> str:
    return "—" if moment is None else moment.astimezone().strftime("%H:%M:%S")


def runway(balance: float, burn_per_hour: float) -> timedelta | None:
    """How long the balance lasts at the current burn rate (None: forever)."""
    if burn_per_hour <= 0:
        return None
    return timedelta(hours=max(balance, 0.0) / burn_per_hour)
