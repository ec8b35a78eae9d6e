"""The pricing & stock screen: prices, live stock, billing fetched once, deploy from a row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from textual.widgets import Select

from barrack_tui.app import BarrackApp
from barrack_tui.deploy_rules import Catalogue
from barrack_tui.live.topics import Topic
from barrack_tui.screens.deploy import DEPLOY_TOPICS, DeployScreen
from barrack_tui.screens.pricing import (
    BILLING_INSTANCES,
    PricingScreen,
    bar,
    price_chart,
    price_rows,
    row_key,
)
from barrack_tui.widgets.resource_table import ResourceTable
from barrack_tui.widgets.spend_plot import SpendPlot, spend_series, spent_by

from .harness import SIZE, make_app, refresh_now, wait_for_instances, wait_until


async def open_pricing(pilot: Any) -> PricingScreen:
    """Key 6: the pricing mode."""
    app: BarrackApp = pilot.app
    await wait_for_instances(pilot)
    await pilot.press("6")
    engine = app.services.engine  # type: ignore[union-attr]
    await wait_until(pilot, lambda: all(engine.states[t].loaded for t in PricingScreen.TOPICS), "the prices")
    screen = app.screen
    assert isinstance(screen, PricingScreen)
    return screen


def billing_requests(sim_app: Any) -> int:
    return len(sim_app.state.sim.requests.of("getInstanceBilling"))


async def test_every_model_and_region_with_live_stock(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    world = sim_app.state.sim.world
    world.set_free("H200-141GB", "FINLAND-3", 0)
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pricing(pilot)
        table = screen.query_one("#prices", ResourceTable)
        assert table.total_count == 17  # 5 legacy models x 1 region + 4 advanced x 3
        row = table.get_row(row_key("H100-SXM5-80GB", "FINLAND-1"))
        assert row is not None
        assert (row["tier"], row["price"].value, row["max"].value) == ("advanced", "$2.69", "8")
        assert (row["vram"].value, row["vcpus"].value, row["ram"].value) == ("80 GB", "44", "185 GB")
        sold_out = table.get_row(row_key("H200-141GB", "FINLAND-3"))
        assert sold_out is not None and (sold_out["stock"].value, sold_out["stock"].tone) == ("0", "error")

        world.set_free("H200-141GB", "FINLAND-3", 24)
        await refresh_now(pilot, Topic.STOCKS)
        restocked = table.get_row(row_key("H200-141GB", "FINLAND-3"))
        assert restocked is not None and (restocked["stock"].value, restocked["stock"].tone) == ("24", "success")

        await pilot.press("o")  # sortable like every table
        assert table.sort_column is not None


async def test_billing_is_fetched_once_and_plotted(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pricing(pilot)
        instances = len(app.services.engine.data(Topic.INSTANCES))  # type: ignore[union-attr]
        expected = min(instances, BILLING_INSTANCES)
        await wait_until(pilot, lambda: billing_requests(sim_app) == expected, "the billing records")
        plot = screen.query_one(SpendPlot)
        await wait_until(pilot, lambda: bool(plot.query("#spend-chart")), "the spend plot")
        assert "billing records, 12 costliest of 13 instances" in str(screen.query_one("#billing").content)

        # Refresh cycles and coming back to the screen do not fetch billing again.
        await refresh_now(pilot, Topic.INSTANCES, Topic.BALANCE, Topic.STOCKS)
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("6")
        await pilot.pause()
        assert billing_requests(sim_app) == expected

        await pilot.press("r")  # unless asked
        await wait_until(pilot, lambda: billing_requests(sim_app) == 2 * expected, "the reload")


async def test_d_on_a_row_opens_the_form_prefilled(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pricing(pilot)
        table = screen.query_one("#prices", ResourceTable)
        table.cursor_key = row_key("H200-141GB", "FINLAND-2")
        await pilot.press("d")
        engine = app.services.engine  # type: ignore[union-attr]
        await wait_until(pilot, lambda: isinstance(app.screen, DeployScreen), "the form")
        await wait_until(pilot, lambda: all(engine.states[t].loaded for t in DEPLOY_TOPICS), "the form's data")
        form = app.screen
        assert isinstance(form, DeployScreen)
        draft = form.draft()
        assert (draft.gpu_model, draft.region, draft.gpu_count) == ("H200-141GB", "FINLAND-2", 1)
        assert draft.instance_name.startswith("h200-x1-")

        form.query_one("#ssh_key", Select).value = "ci-deploy"
        await pilot.pause()
        assert form.can_submit(), form.problems
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "back on the pricing screen")
        (post,) = sim_app.state.sim.requests.of("createInstance")
        assert post.status == 201
        created = [i for i in sim_app.state.sim.world.instances.values() if i.vm_name == draft.instance_name]
        assert [(i.gpu_model, i.region, i.gpu_count) for i in created] == [("H200-141GB", "FINLAND-2", 1)]


# -- pure parts ------------------------------------------------------------------------


def test_rows_and_chart_follow_the_catalogue() -> None:
    catalogue = Catalogue.build("EUR")
    rows = price_rows(catalogue)
    assert rows[row_key("RTX-A6000", "CANADA-1")]["price"].sort == 0.64  # type: ignore[union-attr]
    assert rows[row_key("RTX-A6000", "CANADA-1")]["stock"].value == "…"  # type: ignore[union-attr]  # not known yet
    chart = price_chart(catalogue, 40, {"legacy": "", "advanced": ""}).plain.splitlines()
    assert chart[0].startswith("RTX-A6000") and chart[0].endswith("€0.64")
    assert chart[8].startswith("B300-262GB") and "████" in chart[8]
    assert all(len(line) <= 40 for line in chart)


def test_bars_are_drawn_in_eighths() -> None:
    assert bar(1.0, 1.0, 4) == "████"
    assert bar(0.5, 1.0, 4) == "██"
    assert bar(1 / 32, 1.0, 4) == "▏"
    assert bar(1.0, 0.0, 4) == ""


@dataclass
class Period:
    start_time: datetime
    total_duration_minutes: float
    total_cost: float


NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def test_spend_is_spread_over_each_billed_period() -> None:
    record = Period(NOW - timedelta(hours=2), 120.0, 10.0)
    assert spent_by([record], NOW - timedelta(hours=3)) == 0.0
    assert spent_by([record], NOW - timedelta(hours=1)) == pytest.approx(5.0)
    assert spent_by([record], NOW) == pytest.approx(10.0)
    assert spent_by([record], NOW + timedelta(hours=1)) == pytest.approx(10.0)


def test_the_series_ends_at_what_was_billed_and_ranks_the_spenders() -> None:
    records = {
        "small": [Period(NOW - timedelta(hours=4), 240.0, 4.0)],
        "big": [Period(NOW - timedelta(hours=10), 300.0, 50.0), Period(NOW - timedelta(hours=5), 300.0, 25.0)],
        "tiny": [Period(NOW - timedelta(hours=1), 60.0, 1.0)],
        "none": [Period(NOW - timedelta(hours=1), 60.0, 0.5)],
    }
    series = spend_series(records, NOW, points=11, top=2)
    assert series.hours[0] == -10.0 and series.hours[-1] == 0.0
    assert list(series.lines) == ["All instances", "big", "small"]
    assert series.lines["All instances"][-1] == pytest.approx(80.5)
    assert series.lines["big"][-1] == pytest.approx(75.0)
    assert series.lines["All instances"] == sorted(series.lines["All instances"])  # cumulative
    assert spend_series({}, NOW).empty
