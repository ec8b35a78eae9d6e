"""Fixtures for the client tests: a recording sleep, a request log, clients over a
scripted server (MockTransport) or over the simulator on a manual clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from api_helpers import TEST_KEY, RecordingSleep
from starlette.applications import Starlette

from barrack_tui.api import BarrackClient, RequestEvent
from barrack_tui.sim import DEMO_API_KEY, ManualClock, Simulator, create_app


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def events() -> list[RequestEvent]:
    return []


@pytest.fixture
def mock_client(sleep: RecordingSleep, events: list[RequestEvent]) -> Callable[..., BarrackClient]:
    """``mock_client(handler, **options)``: a client whose server is ``handler``
    (an ``httpx.MockTransport`` handler, sync or async)."""

    def make(handler: Callable[[httpx.Request], Any], **options: Any) -> BarrackClient:
        options.setdefault("sleep", sleep)
        options.setdefault("on_request", events.append)
        return BarrackClient(
            TEST_KEY, "http://barrack.test/api/", transport=httpx.MockTransport(handler), **options
        )

    return make


START = datetime(2025, 1, 15, 10, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def app(clock: ManualClock) -> Starlette:
    """The demo account on a manual clock."""
    return create_app(seed=0, clock=clock, scenario="demo")


@pytest.fixture
def sim(app: Starlette) -> Simulator:
    simulator: Simulator = app.state.sim
    return simulator


@pytest.fixture
async def client(
    app: Starlette, sleep: RecordingSleep, events: list[RequestEvent]
) -> AsyncIterator[BarrackClient]:
    """The client on the simulator in-process (httpx.ASGITransport)."""
    async with BarrackClient(
        DEMO_API_KEY,
        "http://sim/api/",
        transport=httpx.ASGITransport(app=app),
        sleep=sleep,
        on_request=events.append,
    ) as c:
        yield c
