"""Snapshots of the firewalls mode and its attach picker (120x36, demo world, fixed clock)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import SelectionList

from barrack_tui.screens.firewall_forms import AttachFirewallForm
from tests.ui.harness import make_app, wait_until
from tests.ui.test_firewalls import open_firewalls, select
from tests.ui.test_volumes import open_form

SIZE = (120, 36)


async def _show_web_ingress(pilot: Pilot[None]) -> None:
    screen = await open_firewalls(pilot)
    await select(pilot, screen, "web-ingress")


def test_firewalls_screen(snap_compare: Any, make_sim: Any, clock: Any) -> None:
    assert snap_compare(make_app(make_sim(), clock), terminal_size=SIZE, run_before=_show_web_ingress)


async def _attach_picker(pilot: Pilot[None]) -> None:
    screen = await open_firewalls(pilot)
    await select(pilot, screen, "ssh-only-canada")
    form = await open_form(pilot, "a", AttachFirewallForm)
    await wait_until(pilot, lambda: form.candidates is not None, "the attachable instances")
    form.query_one("#instances", SelectionList).select_all()
    await pilot.pause()


def test_attach_firewall_form(snap_compare: Any, make_sim: Any, clock: Any) -> None:
    assert snap_compare(make_app(make_sim(), clock), terminal_size=SIZE, run_before=_attach_picker)
