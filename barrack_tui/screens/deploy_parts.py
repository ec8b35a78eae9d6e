"""What the deploy form shows: option labels, the price breakdown, stock and balance lines.

Rendering only (Rich text and tables from the rules' values); the form's state
and its requests live in ``deploy.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from barrack_tui.catalog import GPU_COUNTS, REGIONS
from barrack_tui.deploy_rules import (
    AccountView,
    Alternative,
    Catalogue,
    ImageChoice,
    PricePreview,
    VolumeLike,
    covers,
    tier_of,
)
from barrack_tui.format import duration, money, rate

NEW_KEY: Final = "+new"
"""The SSH key choice that reveals the inline "add a key" fields."""
SCRIPT_PREFIX: Final = "script:"

Options = list[tuple[RenderableType, Any]]


def _dim_if(text: str, dim: bool) -> Text:
    return Text(text, style="dim" if dim else "")


def model_options(catalogue: Catalogue, region: str | None) -> Options:
    """Every model with its price; greyed where it has no stock in ``region``."""
    options: Options = []
    for offer in catalogue.models.values():
        label = f"{offer.name:<22} {money(offer.price, catalogue.currency)}/h"
        if region and region in offer.regions:
            free = catalogue.free(offer.name, region)
            suffix = "" if free is None else f"  {free} free"
            options.append((_dim_if(label + suffix, free == 0), offer.name))
        elif region:
            options.append((_dim_if(f"{label}  not in {region}", True), offer.name))
        else:
            options.append((Text(label), offer.name))
    return options


def count_options(catalogue: Catalogue, model: str | None) -> Options:
    offer = catalogue.models.get(model or "")
    counts = sorted({*GPU_COUNTS, *(offer.counts if offer else ())})
    options: Options = []
    for count in counts:
        label = f"{count} GPU" + ("s" if count > 1 else "")
        if offer is not None and count not in offer.counts:
            options.append((_dim_if(f"{label} (max {offer.max_count})", True), count))
        else:
            options.append((Text(label), count))
    return options


def region_options(catalogue: Catalogue, model: str | None) -> Options:
    """Every region with its tier; for a chosen model, its stock there (greyed at 0)."""
    offer = catalogue.models.get(model or "")
    options: Options = []
    for region in REGIONS:
        label = f"{region:<10} {tier_of(region) or ''}"
        if offer is None:
            options.append((Text(label), region))
        elif region not in offer.regions:
            options.append((_dim_if(f"{label}  (not {offer.tier})", True), region))
        else:
            free = catalogue.free(offer.name, region)
            options.append((_dim_if(label + ("" if free is None else f"  {free} free"), free == 0), region))
    return options


def image_options(images: Iterable[ImageChoice]) -> Options:
    return [(Text(image.label), image.name) for image in images]


def volume_label(volume: VolumeLike, region: str | None = None) -> Text:
    text = f"{volume.name} · {volume.size_gb} GB {volume.volume_type} · {volume.region}"
    return _dim_if(text, region is not None and volume.region != region)


def boot_volume_options(volumes: Sequence[VolumeLike], region: str | None) -> Options:
    ordered = sorted(volumes, key=lambda v: (v.region != region, v.name))
    return [(volume_label(v, region), v.volume_id) for v in ordered]


def ssh_key_options(names: Iterable[str]) -> Options:
    return [*((Text(name), name) for name in sorted(names)), (Text("+ Add a new key…"), NEW_KEY)]


def startup_options(scripts: Iterable[tuple[str, str]]) -> Options:
    """None, cloud-init text, then each saved script as ``(id, name)``."""
    return [
        (Text("None"), "none"),
        (Text("cloud-init text"), "cloud_init"),
        *((Text(f"Script: {name}"), f"{SCRIPT_PREFIX}{script_id}") for script_id, name in scripts),
    ]


def volume_type_options(catalogue: Catalogue, tier: str | None) -> Options:
    types = (
        catalogue.volume_types(tier)
        if tier
        else tuple(dict.fromkeys(t for ts in catalogue.volume_prices.values() for t in ts))
    )
    return [(Text(kind), kind) for kind in types]


def stock_line(catalogue: Catalogue, model: str | None, region: str | None, count: int) -> str:
    """The stock of the chosen machine, once model and region fit together."""
    offer = catalogue.models.get(model or "")
    if offer is None or region not in offer.regions:
        return ""
    free = catalogue.free(offer.name, region or "")
    if free is None:
        return "Stock: checking…"
    if free >= count:
        return f"In stock: {free} x {offer.name} free in {region}"
    return ""


def alternative_label(alt: Alternative, currency: str) -> str:
    return f"{alt.gpu_model:<21} {alt.region:<9} {alt.free:>3} free  {money(alt.price, currency)}"


def price_table(preview: PricePreview | None) -> RenderableType:
    """The hourly rate broken down like the API's billing breakdown."""
    if preview is None:
        return Text("Choose a GPU model to see the price.", style="dim")
    table = Table(box=None, show_header=False, expand=True, padding=(0, 1, 0, 0))
    table.add_column("what", overflow="fold", ratio=1)
    table.add_column("per hour", justify="right", no_wrap=True)
    currency = preview.currency

    def row(label: str, detail: str, hourly: float, bold: bool = False) -> None:
        what = Text.assemble((label, "bold"), " ", detail)
        table.add_row(what, Text(rate(hourly, currency), style="bold" if bold else ""))

    row("GPU", preview.gpu.detail, preview.gpu.hourly)
    if preview.os_volume is not None:
        row("OS disk", preview.os_volume.detail, preview.os_volume.hourly)
    for line in preview.data_volumes:
        row("Volume", f"{line.label}: {line.detail}", line.hourly)
    if len(preview.data_volumes) > 1:
        row("Data volumes", "total", preview.data_total)
    row("Total", "", preview.total, bold=True)
    return table


def balance_line(account: AccountView, currency: str, preview: PricePreview | None) -> Text:
    if account.balance is None:
        return Text("Balance: checking…", style="dim")
    line = Text()
    line.append("Balance ")
    line.append(money(account.balance, currency), style="bold")
    span = covers(account.balance, preview.total) if preview else None
    if span is not None:
        line.append(" covers ")
        line.append(duration(span), style="bold")
        line.append(f" ({span.total_seconds() / 86400:.1f} days) of this instance")
    return line
