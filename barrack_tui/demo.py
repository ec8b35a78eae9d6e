"""The console wired to a simulator running in this process (screenshots, tests, benchmarks).

In-process means ``httpx.ASGITransport``: fast and deterministic, but it
buffers whole responses, so chat arrives in one piece. ``barrack-tui --demo``
serves the simulator on a loopback socket instead (see launch.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import httpx
from pydantic import SecretStr

from barrack_tui.api.client import BarrackClient
from barrack_tui.app import BarrackApp, Launch

DEMO_LABEL = "demo account (simulated)"
IN_PROCESS_URL = "http://sim/api/"


def in_process_app(
    sim_app: Any,
    now: Callable[[], datetime],
    *,
    read_only: bool = False,
    refresh: float = 5.0,
    sleep: Callable[[float], Awaitable[None]] | None = None,
    **launch: Any,
) -> BarrackApp:
    """A ``BarrackApp`` whose client talks to ``sim_app`` (a ``create_app`` result)."""
    from barrack_tui.sim import DEMO_API_KEY

    def client(key: SecretStr) -> BarrackClient:
        extra: dict[str, Any] = {"sleep": sleep} if sleep is not None else {}
        return BarrackClient(
            key, base_url=IN_PROCESS_URL, transport=httpx.ASGITransport(app=sim_app), read_only=read_only, **extra
        )

    launch.setdefault("api_key", SecretStr(DEMO_API_KEY))
    return BarrackApp(
        Launch(client_factory=client, label=DEMO_LABEL, read_only=read_only, refresh_seconds=refresh, now=now, **launch)
    )
