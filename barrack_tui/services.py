"""What the UI talks to once connected: the client, the refresh engine, the flags."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from barrack_tui.api.client import BarrackClient
from barrack_tui.live.engine import RefreshEngine, Schedule
from barrack_tui.live.fetchers import build_fetchers, is_busy


@dataclass
class Services:
    client: BarrackClient
    engine: RefreshEngine
    read_only: bool
    now: Callable[[], datetime]


def build_engine(client: BarrackClient, refresh_seconds: float, fast_refresh_seconds: float = 1.5) -> RefreshEngine:
    schedule = Schedule(interval=refresh_seconds, fast_interval=min(fast_refresh_seconds, refresh_seconds))
    return RefreshEngine(build_fetchers(client), schedule, is_busy=is_busy)
