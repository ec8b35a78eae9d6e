"""Per-minute billing of one thing (an instance, a volume, a snapshot).

A meter bills a rate per hour from the moment it was set; every change of rate
or state closes the current period and opens the next. Periods with a rate
of zero are not billed and leave no record. Cost is continuous in time
(per-minute billing without rounding, no minimum), so
``total_cost = total_duration_minutes x per_minute_rate`` holds for every record.
"""

from __future__ import annotations

from dataclasses import dataclass

from barrack_tui.sim.ids import billing_id


@dataclass(slots=True)
class Period:
    """One billed stretch at one rate: a billing record."""

    billing_id: str
    start: float
    end: float | None
    hourly_rate: float
    state: str

    def minutes(self, now: float) -> float:
        return ((self.end if self.end is not None else now) - self.start) / 60.0

    def cost(self, now: float) -> float:
        return self.minutes(now) * self.hourly_rate / 60.0


class Meter:
    __slots__ = ("_issued", "_open_id", "base", "closed", "owner_id", "rate", "since", "state")

    def __init__(self, owner_id: str, now: float, rate: float, state: str) -> None:
        self.owner_id = owner_id
        self.rate = 0.0
        self.since = now
        self.state = state
        self.base = 0.0
        self.closed: list[Period] = []
        self._open_id: str | None = None
        self._issued = 0
        self.change(now, rate, state)

    def accrued(self, now: float) -> float:
        """Everything billed so far, up to ``now``."""
        return self.base + self.rate * (now - self.since) / 3600.0

    def change(self, now: float, rate: float, state: str) -> float:
        """Bill at ``rate`` from ``now``; returns how much the hourly burn changed."""
        unused_id = None
        if self._open_id is not None:
            if now > self.since:
                period = Period(self._open_id, self.since, now, self.rate, self.state)
                self.closed.append(period)
                self.base += period.cost(now)
            else:  # a period of no length: its id goes to the next one
                unused_id = self._open_id
        delta = rate - self.rate
        self.rate, self.since, self.state = rate, now, state
        if rate > 0:
            if unused_id is None:
                self._issued += 1
                unused_id = billing_id(self.owner_id, self._issued)
            self._open_id = unused_id
        else:
            self._open_id = None
        return delta

    def stop(self, now: float) -> float:
        """The thing is gone: close the last period."""
        return self.change(now, 0.0, "GONE")

    def periods(self) -> list[Period]:
        """Every billed period, the open one (``end`` None) last."""
        if self._open_id is None:
            return list(self.closed)
        return [*self.closed, Period(self._open_id, self.since, None, self.rate, self.state)]
