"""Snapshot tests of the keys & scripts mode (120x36, fixed seed and clock).

No generated private key appears in any of them: the form shown imports a
public key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from barrack_tui.screens.key_forms import ImportKeyForm
from tests.ui.harness import wait_until
from tests.ui.test_keys import PUBLIC_KEY, build, open_mode

SIZE = (120, 36)


def test_ssh_keys_tab(snap_compare: Any, make_sim: Callable[..., Any], clock: Any) -> None:
    app, _ = build(make_sim, clock)
    assert snap_compare(app, terminal_size=SIZE, run_before=open_mode)


def test_startup_scripts_tab(snap_compare: Any, make_sim: Callable[..., Any], clock: Any) -> None:
    app, _ = build(make_sim, clock)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_mode(pilot)
        await pilot.press("t", "space")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_import_key_form(snap_compare: Any, make_sim: Callable[..., Any], clock: Any) -> None:
    app, _ = build(make_sim, clock)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_mode(pilot)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ImportKeyForm))
        form = pilot.app.screen
        form.query_one("#public-key", TextArea).load_text(PUBLIC_KEY)
        form.query_one("#name", Input).value = "my laptop"
        for field in form.query(Input):
            field.cursor_blink = False  # a blinking cursor would make the picture flaky
        form.query_one("#public-key", TextArea).cursor_blink = False

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
