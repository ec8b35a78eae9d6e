"""Clocks that drive the simulated world.

The world never reads the system time itself: every state change is computed
lazily from the clock it was given. Tests pass a :class:`ManualClock` and move
it; the demo uses a :class:`RealClock`, optionally sped up.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class ManualClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        self._now = _aware(start)

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError(f"A clock only moves forward (asked {seconds} s)")
        self._now += timedelta(seconds=seconds)
        return self._now

    def __repr__(self) -> str:
        return f"ManualClock({self._now.isoformat()})"


class RealClock:
    """Wall-clock time, running ``speed`` times faster than real time.

    Time starts at ``start`` (default: the wall clock when created) and then
    moves with the monotonic clock, so it never jumps back.
    """

    def __init__(self, speed: float = 1.0, start: datetime | None = None) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be above 0 (got {speed})")
        self.speed = speed
        self._start = _aware(start) if start is not None else datetime.now(UTC)
        self._mono0 = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=(time.monotonic() - self._mono0) * self.speed)

    def __repr__(self) -> str:
        return f"RealClock(speed={self.speed})"


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso(ts: float) -> str:
    """An epoch timestamp as the wire's ISO-8601 UTC string, e.g. ``2025-01-15T10:30:00Z``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))
