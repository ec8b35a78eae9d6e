"""A read-only client refuses every operation that changes the account, unsent."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from barrack_tui.api import BarrackClient, ReadOnlyError
from barrack_tui.api.paths import MUTATING_OPERATIONS, ROUTES
from barrack_tui.sim import DEMO_API_KEY


def test_every_non_get_but_the_read_only_posts_is_mutating() -> None:
    assert "createInstance" in MUTATING_OPERATIONS and "deleteInstance" in MUTATING_OPERATIONS
    assert "postPricing" not in MUTATING_OPERATIONS
    assert all(ROUTES[op].method != "GET" for op in MUTATING_OPERATIONS)


async def test_read_only_client_sends_nothing_that_mutates(make_sim: Any) -> None:
    sim_app = make_sim()
    vm = next(v for v in sim_app.state.sim.world.instances.values() if v.status == "ACTIVE")
    client = BarrackClient(
        DEMO_API_KEY, base_url="http://sim/api/", transport=httpx.ASGITransport(app=sim_app), read_only=True
    )
    async with client:
        listed = await client.instances.list()
        assert listed.instances
        quote = await client.pricing.quote(gpu_model="L40", gpu_count=1)
        assert quote.success
        for call in (client.instances.stop, client.instances.delete, client.instances.hibernate):
            with pytest.raises(ReadOnlyError) as raised:
                await call(vm.instance_id)
            assert "Read-only" in str(raised.value)
    assert all(r.method == "GET" or r.operation == "postPricing" for r in sim_app.state.sim.requests)
    assert sim_app.state.sim.world.instances[vm.instance_id].status == "ACTIVE"
