"""The pricing & stock mode: what each GPU costs and where it is free, and where the money goes.

GPU models x regions in one sortable table (price per GPU-hour in the
account's currency, tier, max count, live stock, machine shape per GPU), a
bar chart of $/GPU-h, storage and snapshot prices, the balance, and spend over
time from the per-instance billing records. Billing is fetched once when the
screen is first shown (``r`` reloads it), never on the refresh cycle. ``d`` (or
enter) on a row opens the deploy form for that model and region.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar, Final

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Static

from barrack_tui.api.errors import BarrackError
from barrack_tui.deploy_rules import Catalogue, DeployPrefill, ModelOffer, covers
from barrack_tui.format import duration, money, rate
from barrack_tui.live.engine import TopicUpdate
from barrack_tui.live.summary import summarise
from barrack_tui.live.topics import Topic
from barrack_tui.resources import style_path
from barrack_tui.screens.base import LiveScreen
from barrack_tui.widgets.account_bar import AccountBar
from barrack_tui.widgets.mode_bar import ModeBar
from barrack_tui.widgets.resource_table import ResourceTable
from barrack_tui.widgets.spend_plot import SpendPlot, spend_series
from barrack_tui.widgets.table_model import Cell, Column

if TYPE_CHECKING:
    from barrack_tui.api.models import BillingRecord, UserVM

# Free: GPUs in stock now; VRAM, vCPU and RAM are per GPU.
COLUMNS: Final = (
    Column("model", "GPU model", min_width=14, max_width=21),
    Column("region", "Region", width=9),
    Column("tier", "Tier", width=8),
    Column("price", "$/GPU-h", width=7, align="right"),
    Column("max", "Max", width=3, align="right"),
    Column("stock", "Free", width=4, align="right"),
    Column("vram", "VRAM", width=6, align="right"),
    Column("vcpus", "vCPU", width=4, align="right"),
    Column("ram", "RAM", width=6, align="right"),
)
# Billing is fetched for the instances that cost most, at most this many.
BILLING_INSTANCES: Final = 12
BILLING_CONCURRENCY: Final = 4
# Inner width of the chart panel (styles/pricing.tcss: #side is 40 wide, border and padding 4).
CHART_WIDTH: Final = 36
_BLOCKS: Final = " ▏▎▍▌▋▊▉█"


def row_key(model: str, region: str) -> str:
    return f"{model}@{region}"


def price_rows(catalogue: Catalogue) -> dict[str, dict[str, object]]:
    """One row per (model, region) the model is offered in."""
    rows: dict[str, dict[str, object]] = {}
    for offer in catalogue.models.values():
        for region in offer.regions:
            rows[row_key(offer.name, region)] = price_row(offer, region, catalogue)
    return rows


def price_row(offer: ModelOffer, region: str, catalogue: Catalogue) -> dict[str, object]:
    free = catalogue.free(offer.name, region)
    if free is None:
        stock = Cell("…", "muted", -1)
    elif free == 0:
        stock = Cell("0", "error", 0)
    else:
        stock = Cell(str(free), "warning" if free < offer.max_count else "success", free)
    return {
        "model": offer.name,
        "region": region,
        "tier": offer.tier,
        "price": Cell(money(offer.price, catalogue.currency), sort=offer.price),
        "max": Cell(str(offer.max_count), sort=offer.max_count),
        "stock": stock,
        "vram": Cell(f"{offer.vram_gb} GB", sort=offer.vram_gb),
        "vcpus": Cell(str(offer.vcpus_per_gpu), sort=offer.vcpus_per_gpu),
        "ram": Cell(f"{offer.ram_gb_per_gpu} GB", sort=offer.ram_gb_per_gpu),
    }


def bar(value: float, largest: float, width: int) -> str:
    """A horizontal bar in eighths of a cell."""
    if largest <= 0:
        return ""
    eighths = round(value / largest * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (_BLOCKS[part] if part else "")


def price_chart(catalogue: Catalogue, width: int, tier_styles: dict[str, str]) -> Text:
    """$/GPU-h of every model, cheapest first, one bar each."""
    offers = sorted(catalogue.models.values(), key=lambda o: o.price)
    largest = max((o.price for o in offers), default=0.0)
    names = max((len(o.name) for o in offers), default=0)
    prices = [money(o.price, catalogue.currency) for o in offers]
    price_width = max((len(p) for p in prices), default=0)
    bar_width = max(width - names - price_width - 2, 4)
    chart = Text()
    for offer, price in zip(offers, prices, strict=True):
        chart.append(f"{offer.name:<{names}} ")
        chart.append(f"{bar(offer.price, largest, bar_width):<{bar_width}}", style=tier_styles.get(offer.tier, ""))
        chart.append(f" {price:>{price_width}}\n")
    for tier, style in tier_styles.items():
        chart.append("█ ", style=style)
        chart.append(f"{tier}  ")
    return chart


def storage_text(catalogue: Catalogue) -> Text:
    """Volume prices per TB-hour by tier and type, what 100 GB costs, and snapshots."""
    currency = catalogue.currency
    text = Text()
    text.append("Volumes", style="bold")
    text.append(" per TB-hour (100 GB)\n")
    for tier, kinds in catalogue.volume_prices.items():
        for kind in kinds:
            per_tb = kinds[kind]
            text.append(f"  {tier:<8} {kind:<5} {money(per_tb, currency):>6}")
            text.append(f"  ({rate(catalogue.volume_rate(tier, kind, 100), currency)})\n")
    text.append("Snapshots", style="bold")
    if catalogue.snapshot_price is None:
        text.append("  not priced")
    else:
        text.append(f"  {rate(catalogue.snapshot_price, currency)} each\n  (100 GB, legacy tier only)")
    return text


def spend_by_instance(instances: Iterable[UserVM], limit: int = 5) -> list[tuple[str, float]]:
    """The instances that have cost most so far, biggest first."""
    costs = sorted(((vm.vm_name, vm.accrued_cost or 0.0) for vm in instances), key=lambda p: p[1], reverse=True)
    return [pair for pair in costs if pair[1] > 0][:limit]


class PricingScreen(LiveScreen):
    """Prices and stock per GPU model and region, storage prices, balance and spend."""

    CSS_PATH = style_path("pricing.tcss")
    TOPICS: ClassVar = (Topic.PRICING, Topic.SPECS, Topic.STOCKS, Topic.BALANCE, Topic.INSTANCES)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "deploy_row", "Deploy this"),
        Binding("r", "reload_billing", "Reload billing"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._billing: dict[str, list[BillingRecord]] = {}
        self._billing_started = False
        self._billing_note = ""

    def compose(self) -> ComposeResult:
        yield AccountBar(id="account-bar")
        yield ModeBar("pricing", id="mode-bar")
        with Horizontal(id="top"):
            yield ResourceTable(COLUMNS, empty_text="Loading prices…", id="prices")
            with Vertical(id="side"):
                yield Static(id="chart")
                yield Static(id="storage")
        with Horizontal(id="bottom"):
            yield Static(id="billing")
            yield SpendPlot(id="spend")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#chart").border_title = "$/GPU-hour"
        self.query_one("#storage").border_title = "Storage"
        self.query_one("#billing").border_title = "Balance & spend"
        self.query_one("#spend").border_title = "Spend over time"
        self.table.border_title = "GPU prices & live stock"
        self._render_prices()
        self._render_billing()
        self.table.focus()
        self._maybe_fetch_billing()

    @property
    def table(self) -> ResourceTable:
        return self.query_one("#prices", ResourceTable)

    def catalogue(self) -> Catalogue:
        engine = self.services.engine
        pricing = engine.data(Topic.PRICING)
        balance = engine.data(Topic.BALANCE)
        currency = str(balance.currency) if balance is not None else "USD"
        return Catalogue.build(
            currency,
            pricing.pricing_data if pricing is not None else None,
            engine.data(Topic.SPECS),
            engine.data(Topic.STOCKS),
        )

    # -- updates ----------------------------------------------------------------

    def apply_update(self, update: TopicUpdate) -> None:
        if update.topic in (Topic.PRICING, Topic.SPECS, Topic.STOCKS):
            self.table.stale = update.state.failures > 0
            self._render_prices()
        if update.topic in (Topic.BALANCE, Topic.INSTANCES, Topic.PRICING):
            self._render_billing()
        if update.topic is Topic.INSTANCES:
            self._maybe_fetch_billing()

    def _render_prices(self) -> None:
        catalogue = self.catalogue()
        self.table.set_rows(price_rows(catalogue))
        colours = self.app.theme_variables
        styles = {"legacy": colours.get("secondary", ""), "advanced": colours.get("primary", "")}
        chart = self.query_one("#chart", Static)
        chart.update(price_chart(catalogue, CHART_WIDTH, styles))
        self.query_one("#storage", Static).update(storage_text(catalogue))

    def _render_billing(self) -> None:
        engine = self.services.engine
        balance = engine.data(Topic.BALANCE)
        currency = str(balance.currency) if balance is not None else "USD"
        amount = balance.balance if balance is not None else None
        instances = self.instances()
        fleet = summarise(instances.values(), amount)
        text = Text()
        text.append("Balance ")
        text.append(money(amount, currency), style="bold")
        text.append("   burn ")
        text.append(rate(fleet.burn_per_hour, currency), style="bold")
        span = covers(amount, fleet.burn_per_hour)
        if span is not None:
            text.append(f"\nCovers {duration(span)} ({span.total_seconds() / 86400:.1f} days) at this burn")
        spenders = spend_by_instance(instances.values())
        if spenders:
            text.append("\n\nBilled so far, by instance\n", style="bold")
            largest = spenders[0][1]
            for name, cost in spenders:
                text.append(f"{name[:18]:<18} ")
                text.append(f"{bar(cost, largest, 10):<10}", style=self.app.theme_variables.get("warning", ""))
                text.append(f" {money(cost, currency):>10}\n")
        if self._billing_note:
            text.append(f"\n{self._billing_note}", style="dim")
        self.query_one("#billing", Static).update(text)

    # -- billing ------------------------------------------------------------------

    def _maybe_fetch_billing(self) -> None:
        if self._billing_started or not self.services.engine.states[Topic.INSTANCES].loaded:
            return
        self._billing_started = True
        self._fetch_billing()

    def action_reload_billing(self) -> None:
        self._billing_started = False
        self.query_one(SpendPlot).show_note("Loading billing records…")
        self._maybe_fetch_billing()

    @work(group="pricing-billing", exclusive=True)
    async def _fetch_billing(self) -> None:
        """Billing records of the instances that cost most, a few requests at a time."""
        client = self.services.client
        chosen = sorted(self.instances().values(), key=lambda vm: vm.accrued_cost or 0.0, reverse=True)
        chosen = chosen[:BILLING_INSTANCES]
        gate = asyncio.Semaphore(BILLING_CONCURRENCY)
        failures: list[str] = []

        async def one(vm: UserVM) -> tuple[str, list[BillingRecord]]:
            async with gate:
                try:
                    return vm.vm_name, list((await client.instances.billing(vm.instance_id)).records)
                except BarrackError as error:
                    failures.append(f"{vm.vm_name}: {error}")
                    return vm.vm_name, []

        results = await asyncio.gather(*(one(vm) for vm in chosen))
        self._billing = {name: records for name, records in results if records}
        total = len(self.instances())
        count = sum(len(r) for r in self._billing.values())
        self._billing_note = f"Plot: {count} billing records, {len(chosen)} costliest of {total} instances"
        if failures:
            self._billing_note += f"; {len(failures)} failed ({failures[0]})"
            self.notify(f"Billing could not be loaded for {len(failures)} instances: {failures[0]}", severity="error")
        currency = next((str(r.currency) for rs in self._billing.values() for r in rs), "USD")
        self.query_one(SpendPlot).show(spend_series(self._billing, self.services.now()), currency)
        self._render_billing()

    # -- deploy from a row --------------------------------------------------------

    @on(ResourceTable.RowActivated)
    def action_deploy_row(self) -> None:
        key = self.table.cursor_key
        if key is None:
            return
        model, _, region = key.partition("@")
        from barrack_tui.screens.deploy import open_deploy

        open_deploy(self.barrack, DeployPrefill(gpu_model=model, region=region, gpu_count=1))
