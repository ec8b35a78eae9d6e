"""Snapshot of the pricing & stock screen at 120x36 on the demo world (fixed seed and clock)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from barrack_tui.screens.pricing import PricingScreen
from barrack_tui.widgets.spend_plot import SpendPlot
from tests.ui.harness import SIZE, make_app, wait_for_instances


def test_pricing_screen(snap_compare: Any, make_sim: Any, clock: Any) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await wait_for_instances(pilot)
        await pilot.press("6")
        for _ in range(250):
            screen = pilot.app.screen
            if isinstance(screen, PricingScreen) and screen.query_one(SpendPlot).query("#spend-chart"):
                break
            await pilot.pause(0.02)
        await pilot.pause()

    assert snap_compare(make_app(make_sim(), clock), terminal_size=SIZE, run_before=run_before)
