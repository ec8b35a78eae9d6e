"""What makes the engine poll a topic fast, and what each fetch caches."""

from __future__ import annotations

from types import SimpleNamespace as Item

import httpx

from barrack_tui.api import BarrackClient
from barrack_tui.live.fetchers import build_fetchers, is_busy
from barrack_tui.live.topics import Topic
from barrack_tui.sim import DEMO_API_KEY


def test_instances_are_busy_while_any_changes_state() -> None:
    settled = {str(n): Item(status=s) for n, s in enumerate(["ACTIVE", "SHUTOFF", "HIBERNATED"] * 50)}
    assert not is_busy(Topic.INSTANCES, settled)
    assert is_busy(Topic.INSTANCES, {**settled, "x": Item(status="stopping")})


def test_other_resources_are_busy_while_they_or_their_attachments_settle() -> None:
    ready = {"v": Item(status="AVAILABLE", attachments=[Item(status="ATTACHED")])}
    assert not is_busy(Topic.VOLUMES, ready)
    assert is_busy(Topic.VOLUMES, {"v": Item(status="AVAILABLE", attachments=[Item(status="ATTACHING")])})
    assert is_busy(Topic.SNAPSHOTS, {"s": Item(status="CREATING")})
    assert not is_busy(Topic.BALANCE, Item(balance=3.0))


async def test_keyed_fetchers_cache_every_item_by_its_id(make_sim: object) -> None:
    sim_app = make_sim(scenario="fleet", fleet_size=1200)  # type: ignore[operator]
    world = sim_app.state.sim.world
    async with BarrackClient(DEMO_API_KEY, "http://sim/api/", transport=httpx.ASGITransport(app=sim_app)) as client:
        fetchers = build_fetchers(client)
        instances = await fetchers[Topic.INSTANCES]()
        volumes = await fetchers[Topic.VOLUMES]()
    assert list(instances) == list(world.instances)  # two pages, in the API's order
    assert len(sim_app.state.sim.requests.of("listInstances")) == 2
    assert set(volumes) == set(world.volumes)
