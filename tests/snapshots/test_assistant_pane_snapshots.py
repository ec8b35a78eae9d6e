"""The assistant side pane beside the instances table, after a finished reply."""

from __future__ import annotations

from typing import Any

from tests.ui.harness import SIZE, make_app, still
from tests.ui.test_assistant_pane import ask, first_creating, open_pane_on


def test_side_pane_snapshot(snap_compare: Any, make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    vm = first_creating(sim_app)
    app = make_app(sim_app, clock)

    async def converse(pilot: Any) -> None:
        panel = await open_pane_on(pilot, vm.instance_id)
        panel.context_enabled = True
        await ask(pilot, panel, "why is this one still CREATING?")
        await pilot.pause(0.2)
        still(app)

    assert snap_compare(app, terminal_size=SIZE, run_before=converse)
