"""Snapshots of the volumes mode and its create form (120x36, demo world, fixed clock)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button, Input

from barrack_tui.screens.volume_forms import CreateVolumeForm
from tests.ui.harness import make_app, wait_until
from tests.ui.test_volumes import open_form, open_volumes, select

SIZE = (120, 36)


async def _show_checkpoints(pilot: Pilot[None]) -> None:
    screen = await open_volumes(pilot)
    await select(pilot, screen, "checkpoints-fi1")
    await wait_until(pilot, lambda: screen.billing is not None, "the volume billing")


def test_volumes_screen(snap_compare: Any, make_sim: Any, clock: Any) -> None:
    assert snap_compare(make_app(make_sim(), clock), terminal_size=SIZE, run_before=_show_checkpoints)


async def _create_form_with_a_mistake(pilot: Pilot[None]) -> None:
    await _show_checkpoints(pilot)
    form = await open_form(pilot, "n", CreateVolumeForm)
    for box in form.query(Input):
        box.cursor_blink = False
    form.query_one("#name", Input).value = "bulk-data"
    form.query_one("#size", Input).value = "50"
    await pilot.pause()
    submit = form.query_one("#submit", Button)
    submit.press()
    # The pressed look lasts 0.2 s: shoot the form after it, however slow the machine.
    await wait_until(pilot, lambda: not submit.has_class("-active"), "the button to come back up")


def test_create_volume_form(snap_compare: Any, make_sim: Any, clock: Any) -> None:
    assert snap_compare(
        make_app(make_sim(), clock), terminal_size=SIZE, run_before=_create_form_with_a_mistake
    )
