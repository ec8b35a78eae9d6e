"""The starting worlds: deterministic, realistic, and the 10k fleet for benchmarks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
from starlette.applications import Starlette

from barrack_tui.catalog import REGIONS
from barrack_tui.sim import ManualClock, create_app
from barrack_tui.sim.scenarios import projected_burn

from .conftest import START, asgi_client

LISTS = (
    "instances/",
    "volumes/",
    "firewalls/",
    "ssh-keys/",
    "scripts/",
    "snapshots/",
    "images/",
    "gpu-stocks/",
    "balance/",
)


async def _snapshot(app: Starlette) -> dict[str, object]:
    async with asgi_client(app) as client:
        docs = {}
        for path in LISTS:
            doc = (await client.get(path)).json()
            doc.pop("request_id")
            docs[path] = doc
        return docs


async def test_same_seed_same_world() -> None:
    first = await _snapshot(create_app(seed=11, clock=ManualClock(START)))
    second = await _snapshot(create_app(seed=11, clock=ManualClock(START)))
    other = await _snapshot(create_app(seed=12, clock=ManualClock(START)))
    assert first == second
    assert first["instances/"] != other["instances/"]


async def test_same_seed_same_answers_to_the_same_requests() -> None:
    async def run() -> list[object]:
        app = create_app(seed=5, clock=ManualClock(START), scenario="empty")
        async with asgi_client(app) as client:
            deployed = await client.post(
                "deploy-server/",
                json={
                    "gpu_model": "L40",
                    "gpu_count": 1,
                    "region": "CANADA-1",
                    "image_name": "Ubuntu-24.04-CUDA-12.8-Open",
                    "ssh_key": "laptop-ed25519",
                },
            )
            app.state.sim.clock.advance(120)
            listed = await client.get("instances/")
            return [deployed.json(), listed.json(), deployed.headers["x-request-id"]]

    assert await run() == await run()


async def test_demo_is_a_living_account(demo_app: Starlette) -> None:
    world = demo_app.state.sim.world
    instances = list(world.instances.values())
    states = Counter(i.status for i in instances)
    assert 10 <= len(instances) <= 14
    assert states["CREATING"] == 1 and states["SHUTOFF"] == 1 and states["HIBERNATED"] == 1
    assert states["ACTIVE"] >= 3
    assert {i.region for i in instances} == set(REGIONS)
    assert {i.tier for i in instances} == {"legacy", "advanced"}
    names = [i.vm_name for i in instances]
    assert "llama-finetune-01" in names
    attached = [v for v in world.volumes.values() if v.attached_to and not v.owned_by_instance]
    assert attached and any(v.is_boot for v in attached)  # a bootable volume boots an instance
    assert any(not v.attached_to for v in world.volumes.values())
    assert len(world.firewalls) >= 2 and all(f.rules and f.attachments for f in world.firewalls.values())
    assert world.snapshots and world.images
    assert 2 <= len(world.ssh_keys) <= 3
    assert len(world.scripts) == 2
    assert world.ai_transactions
    # "Lasts a few days": three at the burn it has once b200-bench (CREATING) is up, more until then.
    assert world.balance / projected_burn(world) == pytest.approx(72, abs=1)
    assert world.balance / world.burn > 72


@pytest.fixture
def demo_app(build: Callable[..., Starlette]) -> Starlette:
    return build("demo")


async def test_empty_scenario(build: Callable[..., Starlette]) -> None:
    app = build("empty")
    async with asgi_client(app) as client:
        assert (await client.get("instances/")).json()["instances"] == []
        assert (await client.get("balance/")).json()["balance"] > 0
        assert len((await client.get("ssh-keys/")).json()["ssh_keys"]) == 1
        assert (await client.get("os-images/")).json()["images"]


def test_unknown_scenario_and_fleet_bounds() -> None:
    with pytest.raises(ValueError, match="Unknown scenario 'nope'"):
        create_app(scenario="nope", clock=ManualClock(START))
    with pytest.raises(ValueError, match="fleet_size"):
        create_app(scenario="fleet", fleet_size=-1, clock=ManualClock(START))


async def test_fleet_of_ten_thousand(build: Callable[..., Starlette]) -> None:
    app = build("fleet", fleet_size=10_000)
    world = app.state.sim.world
    assert len(world.instances) == 10_000
    assert len(set(world.instance_names)) == 10_000
    states = Counter(i.status for i in world.instances.values())
    assert states["ACTIVE"] > 7_000 and states["CREATING"] > 0 and states["HIBERNATED"] > 0
    for stock in world.stock.values():
        assert stock.used <= stock.total
    async with asgi_client(app) as client:
        doc = (await client.get("instances/")).json()
        assert doc["total"] == 10_000 and len(doc["instances"]) == 10_000
        app.state.sim.clock.advance(120)
        again = (await client.get("instances/")).json()["instances"]
    by_id = {vm["instance_id"]: vm for vm in doc["instances"]}
    moved = [vm for vm in again if vm["status"] != by_id[vm["instance_id"]]["status"]]
    assert moved  # transitions finished and the cached entries were rebuilt
    assert all(vm["status"] != "CREATING" for vm in again)
    active = next(vm for vm in again if vm["status"] == "ACTIVE" and vm["current_hourly_rate"] > 0)
    assert active["accrued_cost"] > by_id[active["instance_id"]]["accrued_cost"]
