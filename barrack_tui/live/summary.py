"""Account-level figures derived from the cached state: burn rate and runway."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from barrack_tui.format import runway
from barrack_tui.lifecycle import FULL_RATE, TRANSITIONAL


class BilledInstance(Protocol):
    status: str
    hourly_rate: float | None
    current_hourly_rate: float | None


@dataclass(frozen=True)
class FleetSummary:
    count: int
    running: int
    changing: int
    burn_per_hour: float
    runway: timedelta | None

    def runs_out_at(self, now: datetime) -> datetime | None:
        return None if self.runway is None else now + self.runway


def summarise(instances: Iterable[BilledInstance], balance: float | None) -> FleetSummary:
    """Counts and burn of the fleet.

    An instance burns the API's own ``current_hourly_rate``; without it, the
    guide's rule: the full rate while ACTIVE or SHUTOFF, nothing otherwise.
    This runs on every poll, so each distinct status is looked up once.
    """
    count = running = changing = 0
    burn = 0.0
    kinds: dict[str, tuple[bool, bool, bool]] = {}
    for vm in instances:
        status = vm.status
        kind = kinds.get(status)
        if kind is None:
            upper = status.upper()
            kind = kinds[status] = (upper == "ACTIVE", upper in TRANSITIONAL, upper in FULL_RATE)
        count += 1
        running += kind[0]
        changing += kind[1]
        rate = vm.current_hourly_rate
        if rate is not None:
            burn += rate
        elif kind[2]:
            burn += vm.hourly_rate or 0.0
    left = runway(balance, burn) if balance is not None else None
    return FleetSummary(count, running, changing, burn, left)
