"""The details screen's billing block with the parts the API may leave out."""

from __future__ import annotations

from typing import Any

from barrack_tui.api.models import VMInstance
from barrack_tui.screens.instance_details import InstanceDetailsScreen
from barrack_tui.sim import views


def billing_rows(detail: dict[str, Any]) -> list[str]:
    vm = VMInstance.model_validate(detail)
    table = InstanceDetailsScreen(vm.instance_id)._billing_table(vm)
    return [str(cell) for cell in table.columns[0].cells]


def a_detail(make_sim: Any, clock: Any) -> dict[str, Any]:
    world = make_sim().state.sim.world
    inst = next(iter(world.instances.values()))
    return views.instance_detail(world, inst, clock.now().timestamp())


def test_the_billing_block_shows_the_os_volume(make_sim: Any, clock: Any) -> None:
    assert "OS volume" in billing_rows(a_detail(make_sim, clock))


def test_a_breakdown_without_an_os_volume_shows_the_rest(make_sim: Any, clock: Any) -> None:
    detail = a_detail(make_sim, clock)
    del detail["billing"]["breakdown"]["storage"]["os_volume"]
    rows = billing_rows(detail)
    assert "OS volume" not in rows
    assert {"GPU", "Data volumes", "Billed now", "Cost so far"} <= set(rows)
