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


def billed_rate(vm: BilledInstance) -> float:
    """What the instance costs per hour in its current state.

    Prefers the API's own ``current_hourly_rate``; without it, the guide's rule:
    full rate while ACTIVE or SHUTOFF, nothing extra otherwise.
    """
    if vm.current_hourly_rate is not None:
        return vm.current_hourly_rate
    return (vm.hourly_rate or 0.0) if vm.status.upper() in FULL_RATE else 0.0


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
    count = running = changing = 0
    burn = 0.0
    for vm in instances:
        count += 1
        status = vm.status.upper()
        running += status == "ACTIVE"
        changing += status in TRANSITIONAL
        burn += billed_rate(vm)
    left = runway(balance, burn) if balance is not None else None
    return FleetSummary(count, running, changing, burn, left)
