"""Snapshot tests of the snapshots & images mode (120x36, fixed seed and clock)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Static

from barrack_tui.screens.snapshot_forms import CreateSnapshotForm
from tests.ui.harness import wait_until
from tests.ui.test_snapshots import build, open_mode, text_of

SIZE = (120, 36)


async def _show_link(pilot: Pilot[None]) -> None:
    screen = await open_mode(pilot)
    info = screen.query_one("#snapshot-info", Static)
    await wait_until(pilot, lambda: "sdxl-render-image (" in text_of(info))


def test_snapshots_tab(snap_compare: Any, make_sim: Callable[..., Any], clock: Any) -> None:
    app, _ = build(make_sim, clock)
    assert snap_compare(app, terminal_size=SIZE, run_before=_show_link)


def test_custom_images_tab(snap_compare: Any, make_sim: Callable[..., Any], clock: Any) -> None:
    app, _ = build(make_sim, clock)

    async def run_before(pilot: Pilot[None]) -> None:
        screen = await open_mode(pilot)
        await pilot.press("t")
        source = screen.query_one("#image-source", Static)
        await wait_until(pilot, lambda: "sdxl-render-base (" in text_of(source))

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_os_images_tab(snap_compare: Any, make_sim: Callable[..., Any], clock: Any) -> None:
    app, _ = build(make_sim, clock)

    async def run_before(pilot: Pilot[None]) -> None:
        await _show_link(pilot)
        await pilot.press("t", "t")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_create_snapshot_form(snap_compare: Any, make_sim: Callable[..., Any], clock: Any) -> None:
    app, _ = build(make_sim, clock)

    async def run_before(pilot: Pilot[None]) -> None:
        await _show_link(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CreateSnapshotForm))
        form = pilot.app.screen
        form.query_one("#description", Input).value = "Before the driver upgrade"
        form.query_one("#name", Input).value = "bad/name"
        for field in form.query(Input):
            field.cursor_blink = False  # a blinking cursor would make the picture flaky

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_read_only_banner(snap_compare: Any, make_sim: Callable[..., Any], clock: Any) -> None:
    app, _ = build(make_sim, clock, read_only=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=_show_link)
