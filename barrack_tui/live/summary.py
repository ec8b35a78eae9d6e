"""Account-level figures derived from the cached state: burn rate and runway."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Protocol

from barrack_tui.format import runway
from barrack_tui.lifecycle import FULL_RATE, TRANSITIONAL


class BilledInstance(Protocol):
    """What the fleet summary reads of an instance (read-only: instances are frozen records)."""

    @property
    def status(self) -> str: ...
    @property
    def hourly_rate(self) -> float | None: ...
    @property
    def current_hourly_rate(self) -> float | None: ...


@dataclass(frozen=True)
class FleetSummary:
    count: int
    running: int
    changing: int
    burn_per_hour: float
    runway: timedelta | None

    def runs_out_at(self, now: datetime) -> datetime | None:
        return None if self.runway is None else now + self.runway


_STATUS = attrgetter("status")
_CURRENT_RATE = attrgetter("current_hourly_rate")


def summarise(instances: Iterable[BilledInstance], balance: float | None) -> FleetSummary:
    """Counts and burn of the fleet.

    An instance burns the API's own ``current_hourly_rate``; without it, the
    guide's rule: the full rate while ACTIVE or SHUTOFF, nothing otherwise.
    This runs on every poll over the whole fleet, so each pass over it is a
    builtin (counting statuses, summing rates), not a Python loop.
    """
    fleet = list(instances)
    statuses = Counter(map(_STATUS, fleet))
    running = changing = 0
    for status, number in statuses.items():
        upper = status.upper()
        running += number if upper == "ACTIVE" else 0
        changing += number if upper in TRANSITIONAL else 0
    rates = list(map(_CURRENT_RATE, fleet))
    burn = sum(filter(None, rates), 0.0)
    if None in rates:
        burn += sum(
            vm.hourly_rate or 0.0
            for vm, rate in zip(fleet, rates)
            if rate is None and vm.status.upper() in FULL_RATE
        )
    left = runway(balance, burn) if balance is not None else None
    return FleetSummary(len(fleet), running, changing, burn, left)
