"""The forms of the snapshots & images mode: create, restore, make an image.

Each is a `ResourceForm`: checked as you type, one request on submit, and on
an API error it stays open with the server's message and the values kept.
The caller's ``submit`` performs the request and invalidates what changed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Select, Static

from barrack_tui import validation
from barrack_tui.api.errors import BarrackError
from barrack_tui.api.models import (
    CreateImageFromSnapshotRequest,
    CreateSnapshotRequest,
    RestoreSnapshotRequest,
)
from barrack_tui.catalog import (
    GPU_MODELS,
    NAME_MAX_LEN,
    OS_VOLUME_TYPE,
    SNAPSHOT_PRICE,
    SNAPSHOT_SIZE_GB,
    VOLUME_MIN_GB,
    VOLUME_PRICES,
    list_price,
    volume_hourly_rate,
)
from barrack_tui.format import rate
from barrack_tui.resources import style_path
from barrack_tui.screens.resource_forms import CssPaths, ResourceForm, field_row

if TYPE_CHECKING:
    from barrack_tui.api.models import Image, PricingResponse, Snapshot, UserVM

FORM_CSS: CssPaths = [style_path("resource_forms.tcss"), style_path("snapshots.tcss")]

# Descriptions: the guide caps firewall descriptions at 255 characters; the
# same cap is assumed for snapshots, images and scripts (the simulator agrees).
DESCRIPTION_MAX_LEN = 255


def description_problem(value: str) -> str | None:
    if len(value) > DESCRIPTION_MAX_LEN:
        return f"Description is {len(value)} characters; at most {DESCRIPTION_MAX_LEN}"
    return None


def unique_name(value: str, taken: Collection[str], what: str) -> str | None:
    """Names are unique per account: say so before the server does."""
    return f"{what} {value!r} already exists" if value in taken else None


def fit_name(base: str, suffix: str) -> str:
    """``base + suffix`` cut to the 50-character name limit, keeping the suffix."""
    return base[: NAME_MAX_LEN - len(suffix)] + suffix


def snapshot_price(currency: str, pricing: PricingResponse | None = None) -> float:
    """$/h of one snapshot: from the pricing endpoint when it was fetched, else the list price."""
    snapshots = pricing.pricing_data.snapshots if pricing is not None else None
    entry = snapshots.pricing.get("legacy") if snapshots is not None else None  # type: ignore[call-overload]
    live = entry.prices.in_currency(currency) if entry is not None else None
    if live is not None:
        return live
    return SNAPSHOT_PRICE.get(currency, SNAPSHOT_PRICE["USD"])  # type: ignore[call-overload,no-any-return]


def vm_choice(vm: UserVM) -> str:
    return f"{vm.vm_name} · {vm.gpu_model} x{vm.gpu_count} · {vm.instance_id}"


class CreateSnapshotForm(ResourceForm[CreateSnapshotRequest, "Snapshot"]):
    """Snapshot one of the instances the API calls eligible (ACTIVE, legacy tier)."""

    CSS_PATH: ClassVar = FORM_CSS
    FIELDS: ClassVar = ("instance", "name", "description")

    def __init__(
        self,
        submit: Callable[[CreateSnapshotRequest], Awaitable[Snapshot]],
        eligible: Sequence[UserVM],
        *,
        taken_names: Collection[str],
        snapshot_count: int,
        now: datetime,
        hourly_price: float,
        currency: str = "USD",
    ) -> None:
        super().__init__("Create a snapshot", submit, submit_label="Create snapshot", busy_label="Creating…")
        self.eligible = {vm.instance_id: vm for vm in eligible}
        self.taken_names = set(taken_names)
        self.snapshot_count = snapshot_count
        self.now = now
        self.hourly_price = hourly_price
        self.currency = currency
        self._instance: str | None = next(iter(self.eligible), None)

    def suggested_name(self, instance_id: str | None) -> str:
        vm = self.eligible.get(instance_id or "")
        return fit_name(vm.vm_name, f"-{self.now:%Y%m%d-%H%M}") if vm else ""

    def compose_body(self) -> ComposeResult:
        yield Static(
            f"Only ACTIVE legacy-tier instances can be snapshotted. A snapshot costs "
            f"{rate(self.hourly_price, self.currency)} (fixed {SNAPSHOT_SIZE_GB} GB) until you delete it.",
            id="note",
        )
        options = [(vm_choice(vm), vm.instance_id) for vm in self.eligible.values()]
        yield from field_row(
            "instance",
            "Instance",
            Select(options, value=self._instance or Select.NULL, prompt="Choose an instance", id="instance"),
        )
        yield from field_row("name", "Name", Input(self.suggested_name(self._instance), id="name"))
        yield from field_row("description", "Description", Input(placeholder="optional", id="description"))

    def ready(self) -> None:
        self.query_one("#name", Input).focus()

    def values_changed(self) -> None:
        """Follow the chosen instance with the suggested name, unless the user typed one."""
        chosen = self.text("instance") or None
        if chosen == self._instance:
            return
        name = self.query_one("#name", Input)
        if name.value in ("", self.suggested_name(self._instance)):
            name.value = self.suggested_name(chosen)
        self._instance = chosen

    def problems(self) -> Mapping[str, str]:
        problems: dict[str, str] = {}
        if not self.text("instance"):
            problems["instance"] = "Choose the instance to snapshot"
        name = self.text("name")
        found = validation.resource_name(name, "Name") or unique_name(name, self.taken_names, "Snapshot")
        if found:
            problems["name"] = found
        found = description_problem(self.text("description"))
        if found:
            problems["description"] = found
        return problems

    def preview(self) -> str:
        total = self.hourly_price * (self.snapshot_count + 1)
        return f"With this one, your {self.snapshot_count + 1} snapshots cost {rate(total, self.currency)}."

    def build(self) -> CreateSnapshotRequest:
        return CreateSnapshotRequest(
            instance_id=self.text("instance"),
            name=self.text("name"),
            description=self.text("description").strip() or None,
        )


def restore_estimate(snapshot: Snapshot, gpu_hourly: float | None, currency: str) -> tuple[float | None, str]:
    """The new instance's $/h (its GPUs + a minimum-size OS volume) and where the GPU price came from.

    ``gpu_hourly`` is the live quote for the snapshot's GPUs; without it the
    catalogue's list price stands in.
    """
    source = "live price"
    if gpu_hourly is None:
        model = GPU_MODELS.get(snapshot.gpu_model or "")
        if model is None or not snapshot.gpu_count:
            return None, "price unknown"
        gpu_hourly = list_price(model.prices, currency) * snapshot.gpu_count
        source = "list price"
    tier = str(snapshot.tier or "legacy")
    prices = VOLUME_PRICES.get(tier, VOLUME_PRICES["legacy"])  # type: ignore[call-overload]
    by_currency = prices.get(OS_VOLUME_TYPE.get(tier, "SSD"), {})  # type: ignore[call-overload]
    storage = volume_hourly_rate(by_currency.get(currency, 0.0), VOLUME_MIN_GB)
    return gpu_hourly + storage, source


class RestoreSnapshotForm(ResourceForm[RestoreSnapshotRequest, "UserVM"]):
    """Restoring makes a NEW instance from a SUCCESS snapshot; it bills like any instance."""

    CSS_PATH: ClassVar = FORM_CSS
    FIELDS: ClassVar = ("instance-name", "ssh-key")

    def __init__(
        self,
        submit: Callable[[RestoreSnapshotRequest], Awaitable[UserVM]],
        snapshot: Snapshot,
        *,
        key_names: Sequence[str],
        taken_names: Collection[str],
        gpu_quote: Callable[[], Awaitable[float | None]] | None = None,
        currency: str = "USD",
    ) -> None:
        super().__init__("Restore a snapshot as a new instance", submit, submit_label="Restore", busy_label="Restoring…")
        self.snapshot = snapshot
        self.key_names = list(key_names)
        self.taken_names = set(taken_names)
        self.gpu_quote = gpu_quote
        self.currency = currency
        self.gpu_hourly: float | None = None

    def compose_body(self) -> ComposeResult:
        snap = self.snapshot
        yield Static(
            f"{snap.name} ({snap.snapshot_id}) becomes a NEW instance in {snap.region} with "
            f"{snap.gpu_model} x{snap.gpu_count} and new IP addresses. The snapshot and "
            f"{snap.vm_name or 'its source instance'} are not changed.",
            id="note",
        )
        yield from field_row("instance-name", "Instance name", Input(fit_name(snap.name, "-restored"), id="instance-name"))
        keys = [(name, name) for name in self.key_names]
        yield from field_row("ssh-key", "SSH key", Select(keys, prompt="the snapshot's own key", id="ssh-key"))

    def ready(self) -> None:
        if self.gpu_quote is not None:
            self._fetch_quote()

    @work(group="restore-quote", exclusive=True)
    async def _fetch_quote(self) -> None:
        """The live price of the snapshot's GPUs; the list price stays if it fails."""
        assert self.gpu_quote is not None
        try:
            self.gpu_hourly = await self.gpu_quote()
        except BarrackError:
            return
        self.refresh_form()

    def problems(self) -> Mapping[str, str]:
        name = self.text("instance-name")
        found = validation.resource_name(name, "Name") or unique_name(name, self.taken_names, "Instance")
        return {"instance-name": found} if found else {}

    def preview(self) -> Content:
        total, source = restore_estimate(self.snapshot, self.gpu_hourly, self.currency)
        return Content.assemble(
            ("It bills like any new instance from the moment it is created: ", "bold $text-warning"),
            (f"about {rate(total, self.currency)}", "bold"),
            f" ({source} of the GPUs + a {VOLUME_MIN_GB} GB OS volume).",
        )

    def build(self) -> RestoreSnapshotRequest:
        return RestoreSnapshotRequest(instance_name=self.text("instance-name"), ssh_key=self.text("ssh-key") or None)


class CreateImageForm(ResourceForm[CreateImageFromSnapshotRequest, "Image"]):
    """A custom image from a SUCCESS snapshot, in the snapshot's region."""

    CSS_PATH: ClassVar = FORM_CSS
    FIELDS: ClassVar = ("name", "description")

    def __init__(
        self,
        submit: Callable[[CreateImageFromSnapshotRequest], Awaitable[Image]],
        snapshot: Snapshot,
        *,
        taken_names: Collection[str],
    ) -> None:
        super().__init__("Create a custom image", submit, submit_label="Create image", busy_label="Creating…")
        self.snapshot = snapshot
        self.taken_names = set(taken_names)

    def compose_body(self) -> ComposeResult:
        snap = self.snapshot
        yield Static(
            f"From snapshot {snap.name} ({snap.snapshot_id}). The image is private to this account and "
            f"lives in {snap.region}: deploy from it by name there. Deleting the snapshot later keeps the image.",
            id="note",
        )
        yield from field_row("name", "Image name", Input(fit_name(snap.name, "-image"), id="name"))
        yield from field_row("description", "Description", Input(snap.description or "", id="description"))

    def problems(self) -> Mapping[str, str]:
        problems: dict[str, str] = {}
        name = self.text("name")
        found = validation.resource_name(name, "Name") or unique_name(name, self.taken_names, "An image named")
        if found:
            problems["name"] = found
        found = description_problem(self.text("description"))
        if found:
            problems["description"] = found
        return problems

    def build(self) -> CreateImageFromSnapshotRequest:
        return CreateImageFromSnapshotRequest(
            name=self.text("name"), description=self.text("description").strip() or None
        )
