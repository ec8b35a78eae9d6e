"""The fleet's counts, burn rate and runway, as the account bar shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from barrack_tui.live.summary import summarise


@dataclass
class Billed:
    status: str
    hourly_rate: float | None
    current_hourly_rate: float | None = None


def test_the_api_rate_wins_and_without_it_only_active_and_shutoff_burn_the_full_rate() -> None:
    fleet = [
        Billed("ACTIVE", 10.0, 10.0),
        Billed("HIBERNATED", 10.0, 0.25),  # the API says what hibernation costs
        Billed("ACTIVE", 4.0),  # no API rate: the full rate
        Billed("shutoff", 2.0),  # statuses compare without case
        Billed("STOPPING", 8.0),  # transitional, no API rate: nothing
        Billed("ERROR", None),
    ]
    summary = summarise(fleet, balance=81.0)
    assert (summary.count, summary.running, summary.changing) == (6, 2, 1)
    assert summary.burn_per_hour == 10.0 + 0.25 + 4.0 + 2.0
    assert summary.runway == timedelta(hours=81.0 / 16.25)


def test_an_idle_fleet_never_runs_out_and_an_unknown_balance_has_no_runway() -> None:
    assert summarise([Billed("SHUTOFF", 3.0, 0.0)], balance=5.0).runway is None
    assert summarise([Billed("ACTIVE", 3.0, 3.0)], balance=None).runway is None
    empty = summarise([], balance=5.0)
    assert (empty.count, empty.burn_per_hour, empty.runway) == (0, 0.0, None)
