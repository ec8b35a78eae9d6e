"""Snapshots of the deploy form at 120x36 on the demo world (fixed seed and clock)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button, Input, Select

from barrack_tui.screens.deploy import DEPLOY_TOPICS, DeployScreen
from tests.ui.harness import SIZE, make_app, wait_for_instances, wait_until


async def _open_form(pilot: Pilot[None]) -> DeployScreen:
    await wait_for_instances(pilot)
    await pilot.press("d")
    engine = pilot.app.services.engine  # type: ignore[attr-defined]
    for _ in range(250):
        if all(engine.states[t].loaded for t in DEPLOY_TOPICS) and isinstance(pilot.app.screen, DeployScreen):
            break
        await pilot.pause(0.02)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DeployScreen)
    return screen


async def _set(pilot: Pilot[None], screen: DeployScreen, **values: Any) -> None:
    for name, value in values.items():
        widget = screen.query_one(f"#{name}")
        assert isinstance(widget, (Select, Input))
        widget.value = value
        await pilot.pause()
    for _ in range(4):
        await pilot.pause(0.01)


def test_empty_form(snap_compare: Any, make_sim: Any, clock: Any) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await _open_form(pilot)

    assert snap_compare(make_app(make_sim(), clock), terminal_size=SIZE, run_before=run_before)


def test_valid_form_with_price_and_request(snap_compare: Any, make_sim: Any, clock: Any) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        screen = await _open_form(pilot)
        await _set(pilot, screen, gpu_model="H100-SXM5-80GB", gpu_count=4, region="FINLAND-1", ssh_key="laptop-ed25519")
        await _set(pilot, screen, **{"vol-name": "weights", "vol-size": "500"})
        await pilot.click("#vol-add")
        add = screen.query_one("#vol-add", Button)
        # The pressed look lasts 0.2 s: shoot the form after it, however slow the machine.
        await wait_until(pilot, lambda: not add.has_class("-active"), "the button to come back up")
        await pilot.press("ctrl+t")
        screen.query_one("#gpu_model").focus()
        assert screen.can_submit(), screen.problems

    assert snap_compare(make_app(make_sim(), clock), terminal_size=SIZE, run_before=run_before)


def test_invalid_form_names_every_problem(snap_compare: Any, make_sim: Any, clock: Any) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        screen = await _open_form(pilot)
        await _set(pilot, screen, region="FINLAND-2", gpu_model="L40", gpu_count=8, instance_name="bad/name")
        await _set(pilot, screen, os_volume="20")
        screen.query_one("#gpu_model").focus()
        assert not screen.can_submit()

    assert snap_compare(make_app(make_sim(), clock), terminal_size=SIZE, run_before=run_before)
