"""Fixtures for the simulator's own tests: a manual clock and an in-process HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from barrack_tui.sim import DEMO_API_KEY, ManualClock, Simulator, create_app

START = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
SEED = 3


@dataclass
class Sim:
    """One simulator and a client talking to it through ``httpx.ASGITransport``."""

    app: Starlette
    clock: ManualClock
    client: httpx.AsyncClient

    @property
    def sim(self) -> Simulator:
        return self.app.state.sim  # type: ignore[no-any-return]

    @property
    def world(self) -> Any:
        return self.sim.world

    async def get(self, path: str, **params: Any) -> httpx.Response:
        return await self.client.get(path, params=params)

    async def post(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return await self.client.post(path, json=body or {})

    async def put(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return await self.client.put(path, json=body)

    async def delete(self, path: str) -> httpx.Response:
        return await self.client.delete(path)

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def id_of(self, vm_name: str) -> str:
        return self.world.instance_names[vm_name]  # type: ignore[no-any-return]


def asgi_client(app: Starlette, key: str | None = DEMO_API_KEY) -> httpx.AsyncClient:
    headers = {"X-API-Key": key} if key is not None else {}
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://sim/api/", headers=headers)


@pytest.fixture
def sim_clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def build(sim_clock: ManualClock) -> Callable[..., Starlette]:
    def make(scenario: str = "demo", **kwargs: Any) -> Starlette:
        kwargs.setdefault("seed", SEED)
        return create_app(clock=sim_clock, scenario=scenario, **kwargs)

    return make


async def _harness(app: Starlette, clock: ManualClock) -> AsyncIterator[Sim]:
    async with asgi_client(app) as client:
        yield Sim(app, clock, client)


@pytest.fixture
async def demo(build: Callable[..., Starlette], sim_clock: ManualClock) -> AsyncIterator[Sim]:
    async for harness in _harness(build("demo"), sim_clock):
        yield harness


@pytest.fixture
async def empty(build: Callable[..., Starlette], sim_clock: ManualClock) -> AsyncIterator[Sim]:
    """The empty account, with stock set so that deploys fit: 8 free of every model everywhere."""
    app = build("empty")
    world = app.state.sim.world
    from barrack_tui.catalog import GPU_MODELS

    for info in GPU_MODELS.values():
        for region in info.regions:
            world.set_free(info.name, region, 8)
    async for harness in _harness(app, sim_clock):
        yield harness


def deploy_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "gpu_model": "RTX-A6000",
        "gpu_count": 1,
        "region": "CANADA-1",
        "instance_name": "test-vm",
        "image_name": "Ubuntu-24.04-CUDA-12.8-Open-Docker",
        "ssh_key": "laptop-ed25519",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def error_of(response: httpx.Response) -> tuple[int, str, str]:
    """(status, error code, message) of an error envelope, checking its shape on the way."""
    body = response.json()
    assert body["success"] is False
    assert body["request_id"] == response.headers["x-request-id"]
    return response.status_code, body["error"], body["message"]
