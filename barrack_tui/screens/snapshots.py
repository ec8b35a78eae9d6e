"""The snapshots & images mode: snapshots, custom images and OS images, live.

Snapshots can be created (from the instances the API calls eligible),
restored as a new instance, turned into a custom image and deleted; custom
images can be deleted. The detail pane under each table shows the
snapshot <-> image link from the two relationship endpoints, and what
snapshots cost from the snapshot billing endpoint.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Footer, Label, Static, TabbedContent, TabPane

from barrack_tui.api.errors import BarrackError
from barrack_tui.catalog import SNAPSHOT_SIZE_GB
from barrack_tui.format import duration, money, rate
from barrack_tui.live.engine import TopicUpdate
from barrack_tui.live.topics import Topic
from barrack_tui.resources import style_path
from barrack_tui.screens.base import LiveScreen
from barrack_tui.screens.resource_forms import ConfirmForm
from barrack_tui.screens.snapshot_forms import (
    CreateImageForm,
    CreateSnapshotForm,
    RestoreSnapshotForm,
    snapshot_price,
)
from barrack_tui.widgets.account_bar import AccountBar
from barrack_tui.widgets.filter_box import FilterBox
from barrack_tui.widgets.mode_bar import ModeBar
from barrack_tui.widgets.resource_table import ResourceTable
from barrack_tui.widgets.status import status_cell, status_content
from barrack_tui.widgets.table_model import Cell, Column

if TYPE_CHECKING:
    from barrack_tui.api.models import (
        CreateImageFromSnapshotRequest,
        CreateSnapshotRequest,
        Image,
        OSImage,
        RestoreSnapshotRequest,
        Snapshot,
        SnapshotBillingResponse,
        SnapshotImageRelationshipResponse,
        UserVM,
    )

READ_ONLY_TEXT = (
    "Read-only mode: creating, restoring and deleting snapshots and images is disabled (started with --read-only)"
)

SNAPSHOT_COLUMNS = (
    Column("name", "Name", min_width=12, max_width=24),
    Column("id", "ID", width=11),
    Column("source", "Instance", min_width=12, max_width=20),
    Column("region", "Region", width=9),
    Column("tier", "Tier", width=6),
    Column("size", "Size", width=6, align="right"),
    Column("status", "Status", width=11),
    Column("created", "Created (UTC)", width=16),
    Column("image", "Image", min_width=8, max_width=20),
)
IMAGE_COLUMNS = (
    Column("name", "Name", min_width=12, max_width=28),
    Column("id", "ID", width=11),
    Column("region", "Region", width=9),
    Column("status", "Status", width=11),
    Column("snapshot", "Source snapshot", min_width=15, max_width=28),
    Column("size", "Size", width=6, align="right"),
    Column("created", "Created (UTC)", width=16),
)
OS_IMAGE_COLUMNS = (
    Column("name", "Name", min_width=20, max_width=36),
    Column("description", "Description", min_width=20, max_width=52),
    Column("regions", "Regions", min_width=10, max_width=30),
)
TABS = ("snapshots-tab", "images-tab", "os-images-tab")
TABLE_OF_TAB = {"snapshots-tab": "snapshots", "images-tab": "images", "os-images-tab": "os-images"}


def stamp(moment: datetime | None) -> Cell:
    """A UTC time as ``2026-11-26 10:00``, sorting by the instant."""
    if moment is None:
        return Cell("—", "muted")
    return Cell(moment.strftime("%Y-%m-%d %H:%M"), sort=moment.timestamp())


def snapshot_row(snap: Snapshot, image_names: dict[str, str]) -> dict[str, object]:
    if snap.image_id:
        image: object = image_names.get(snap.image_id, snap.image_id)
    else:
        image = Cell("—", "muted")
    return {
        "name": snap.name,
        "id": snap.snapshot_id,
        "source": snap.vm_name or snap.instance_id or "—",
        "region": snap.region,
        "tier": str(snap.tier or "—"),
        "size": Cell(f"{snap.size_gb} GB", sort=snap.size_gb) if snap.size_gb else "—",
        "status": status_cell(snap.status),
        "created": stamp(snap.created_at),
        "image": image,
    }


def image_row(image: Image, snapshot_names: dict[str, str]) -> dict[str, object]:
    if image.snapshot_id:
        source: object = snapshot_names.get(image.snapshot_id, image.snapshot_id)
    else:
        source = Cell("deleted", "muted")
    return {
        "name": image.name,
        "id": image.image_id,
        "region": image.region,
        "status": status_cell(image.status),
        "snapshot": source,
        "size": Cell(f"{image.size_gb} GB", sort=image.size_gb) if image.size_gb else "—",
        "created": stamp(image.created_at),
    }


def compact_regions(regions: Iterable[str]) -> str:
    """``CANADA-1, FINLAND-1/2/3``: one entry per region family."""
    families: dict[str, list[str]] = {}
    for region in regions:
        family, _, number = region.rpartition("-")
        if family and number:
            families.setdefault(family, []).append(number)
        else:
            families.setdefault(region, [])
    return ", ".join(f"{family}-{'/'.join(numbers)}" if numbers else family for family, numbers in families.items())


def os_image_row(image: OSImage) -> dict[str, object]:
    return {
        "name": image.name,
        "description": image.description or "",
        "regions": compact_regions(image.regions),
    }


LABEL_WIDTH = 14


def detail(title: Content | None, rows: Iterable[tuple[str, str | Content]]) -> Content:
    """A panel's text: an optional title line, then ``label  value`` lines."""
    lines = [title] if title is not None else []
    lines.extend(Content.assemble((f"{label:<{LABEL_WIDTH}}", "bold"), value) for label, value in rows)
    return Content("\n").join(lines)


def billing_rows(
    snap: Snapshot | None, billing: SnapshotBillingResponse, currency: str, hourly_price: float
) -> list[tuple[str, str]]:
    """This snapshot's running cost and all snapshots' together (snapshot billing endpoint)."""
    currency = str(billing.currency or currency)
    rows: list[tuple[str, str]] = []
    if snap is not None:
        own = [r for r in billing.records if r.snapshot_id == snap.snapshot_id]
        running = [r for r in own if r.end_time is None]
        if own:
            hourly = rate(sum(r.per_minute_rate for r in running) * 60, currency) if running else "not billing"
            since = min(r.start_time for r in own).strftime("%m-%d %H:%M")
            minutes = sum(r.total_duration_minutes for r in own)
            cost = money(sum(r.total_cost for r in own), currency)
            rows.append(("This snapshot", f"{hourly} since {since}"))
            rows.append(("", f"{duration(minutes * 60)} billed · {cost}"))
        else:
            rows.append(("This snapshot", "no billing record yet"))
    open_hourly = sum(r.per_minute_rate for r in billing.records if r.end_time is None) * 60
    summary = billing.summary
    rows.append(("All snapshots", f"{summary.active_count} billing now · {rate(open_hourly, currency)}"))
    rows.append(("", f"{duration(summary.total_minutes * 60)} · {money(summary.total_cost, currency)} in total"))
    price = rate(hourly_price, currency)
    rows.append(("Price", f"{price} each, fixed {SNAPSHOT_SIZE_GB} GB, legacy only"))
    return rows


class SnapshotsScreen(LiveScreen):
    """Snapshots, custom images and OS images in three tabs, each row keyed by id."""

    CSS_PATH = style_path("snapshots.tcss")
    TOPICS: ClassVar = (Topic.SNAPSHOTS, Topic.IMAGES, Topic.OS_IMAGES)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "create_snapshot", "New snapshot"),
        Binding("r", "restore", "Restore"),
        Binding("i", "create_image", "Make image"),
        Binding("delete", "delete", "Delete", key_display="del"),
        Binding("t", "next_tab", "Next tab"),
        Binding("y", "copy_id", "Copy ID", show=False),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.billing: SnapshotBillingResponse | None = None
        self.billing_error: str | None = None
        self._links: dict[str, SnapshotImageRelationshipResponse] = {}
        self._sources: dict[str, SnapshotImageRelationshipResponse] = {}
        self._pending_cursor: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield AccountBar(id="account-bar")
        yield ModeBar("snapshots", id="mode-bar")
        yield Label(READ_ONLY_TEXT, id="read-only")
        yield FilterBox("Filter every tab: name, id, region, status…")
        with TabbedContent(id="tabs", initial="snapshots-tab"):
            with TabPane("Snapshots", id="snapshots-tab"):
                yield ResourceTable(
                    SNAPSHOT_COLUMNS,
                    empty_text="No snapshots: press n to snapshot an ACTIVE legacy-tier instance",
                    id="snapshots",
                )
                with Horizontal(classes="detail"):
                    yield Static("", id="snapshot-info", classes="panel")
                    yield Static("", id="snapshot-billing", classes="panel")
            with TabPane("Custom images", id="images-tab"):
                yield ResourceTable(
                    IMAGE_COLUMNS,
                    empty_text="No custom images: select a SUCCESS snapshot and press i",
                    id="images",
                )
                with Horizontal(classes="detail"):
                    yield Static("", id="image-info", classes="panel")
                    yield Static("", id="image-source", classes="panel")
            with TabPane("OS images", id="os-images-tab"):
                yield ResourceTable(OS_IMAGE_COLUMNS, empty_text="No OS images", id="os-images")
        yield Footer()

    def on_mount(self) -> None:
        # LiveScreen.on_mount runs after this one (Textual calls each class's
        # handler) and shows whatever the engine already holds.
        self.query_one("#read-only", Label).display = self.services.read_only
        self.query_one("#snapshot-info", Static).border_title = "Snapshot"
        self.query_one("#snapshot-billing", Static).border_title = "Billing"
        self.query_one("#image-info", Static).border_title = "Image"
        self.query_one("#image-source", Static).border_title = "Source snapshot"
        self.table("snapshots").focus()

    # -- data -----------------------------------------------------------------

    def table(self, name: str) -> ResourceTable:
        return self.query_one(f"#{name}", ResourceTable)

    def snapshots(self) -> dict[str, Snapshot]:
        return self.services.engine.data(Topic.SNAPSHOTS) or {}

    def images(self) -> dict[str, Image]:
        return self.services.engine.data(Topic.IMAGES) or {}

    def os_images(self) -> dict[str, OSImage]:
        return self.services.engine.data(Topic.OS_IMAGES) or {}

    def current_snapshot(self) -> Snapshot | None:
        key = self.table("snapshots").cursor_key
        return self.snapshots().get(key) if key else None

    def current_image(self) -> Image | None:
        key = self.table("images").cursor_key
        return self.images().get(key) if key else None

    def active_tab(self) -> str:
        return self.query_one("#tabs", TabbedContent).active

    def currency(self) -> str:
        balance = self.services.engine.data(Topic.BALANCE)
        return str(balance.currency) if balance is not None else "USD"

    def snapshot_hourly(self) -> float:
        """One snapshot's $/h: live when another screen fetched the prices, else the list price."""
        return snapshot_price(self.currency(), self.services.engine.data(Topic.PRICING))

    def apply_update(self, update: TopicUpdate) -> None:
        name = {Topic.SNAPSHOTS: "snapshots", Topic.IMAGES: "images", Topic.OS_IMAGES: "os-images"}[update.topic]
        table = self.table(name)
        table.stale = update.state.failures > 0
        if update.state.failures and not update.changed:
            if not update.state.loaded:
                table.empty_text = f"Could not load the {name.replace('-', ' ')}: {update.state.error}"
            return
        if update.topic is Topic.OS_IMAGES:
            table.set_rows({key: os_image_row(image) for key, image in self.os_images().items()})
            return
        # Each table names rows of the other (a snapshot's image, an image's snapshot).
        self._render_snapshots()
        self._render_images()
        if update.topic is Topic.SNAPSHOTS:
            self.load_billing()
        self._apply_pending_cursors()
        self._render_snapshot_detail()
        self._render_image_detail()
        self.refresh_bindings()

    def _render_snapshots(self) -> None:
        image_names = {key: image.name for key, image in self.images().items()}
        self.table("snapshots").set_rows(
            {key: snapshot_row(snap, image_names) for key, snap in self.snapshots().items()}
        )

    def _render_images(self) -> None:
        snapshot_names = {key: snap.name for key, snap in self.snapshots().items()}
        self.table("images").set_rows(
            {key: image_row(image, snapshot_names) for key, image in self.images().items()}
        )

    def select_later(self, table: str, key: str) -> None:
        """Put the cursor on ``key`` as soon as that row shows up."""
        self._pending_cursor[table] = key
        self._apply_pending_cursors()

    def _apply_pending_cursors(self) -> None:
        for name, key in list(self._pending_cursor.items()):
            table = self.table(name)
            if table.has_row(key):
                table.cursor_key = key
                del self._pending_cursor[name]

    # -- detail panes ---------------------------------------------------------

    @work(group="snapshot-billing", exclusive=True)
    async def load_billing(self) -> None:
        try:
            self.billing = await self.services.client.snapshots.billing()
            self.billing_error = None
        except BarrackError as error:
            self.billing_error = str(error)
        self._render_snapshot_detail()

    @on(ResourceTable.CursorMoved, "#snapshots")
    def _snapshot_cursor(self) -> None:
        self._render_snapshot_detail()
        self.refresh_bindings()

    @on(ResourceTable.CursorMoved, "#images")
    def _image_cursor(self) -> None:
        self._render_image_detail()
        self.refresh_bindings()

    def _render_snapshot_detail(self) -> None:
        snap = self.current_snapshot()
        billing = self.query_one("#snapshot-billing", Static)
        if self.billing_error is not None:
            billing.update(f"Could not load snapshot billing: {self.billing_error}")
        elif self.billing is None:
            billing.update("Loading…")
        else:
            billing.update(detail(None, billing_rows(snap, self.billing, self.currency(), self.snapshot_hourly())))
        info = self.query_one("#snapshot-info", Static)
        if snap is None:
            info.update("")
            info.border_title = "Snapshot"
            return
        link = self._links.get(snap.snapshot_id)
        if link is None or link.image_id != snap.image_id:
            link = None
            self.load_link(snap.snapshot_id)
        info.border_title = f"Snapshot {snap.snapshot_id}"
        info.update(self._snapshot_info(snap, link))

    def _snapshot_info(self, snap: Snapshot, link: SnapshotImageRelationshipResponse | None) -> Content:
        rows: list[tuple[str, str | Content]] = []
        if snap.description:
            rows.append(("About", snap.description))
        source = f"{snap.vm_name or '—'} ({snap.instance_id or '?'})"
        instances = self.instances()
        if snap.instance_id and instances and snap.instance_id not in instances:
            source += ", deleted since"
        rows.append(("Source", source))
        rows.append(("Machine", f"{snap.gpu_model or '?'} x{snap.gpu_count or '?'} · {snap.region} · {snap.tier or '?'}"))
        rows.append(("Taken", f"{stamp(snap.created_at).value} UTC · {snap.size_gb or '?'} GB"))
        if link is None:
            rows.append(("Image", "loading…"))
        elif link.image is None:
            hint = "press i to make one" if snap.status == "SUCCESS" else "possible once it is SUCCESS"
            rows.append(("Image", f"none ({hint})"))
        else:
            live = self.images().get(link.image.image_id)
            status = (live or link.image).status
            rows.append(("Image", Content.assemble(f"{link.image.name} ({link.image.image_id}) ", status_content(status))))
        if snap.status == "SUCCESS":
            rows.append(("Restore", "r: a NEW instance, billed like any other"))
        return detail(Content.assemble((snap.name, "bold"), "  ", status_content(snap.status)), rows)

    @work(group="snapshot-link", exclusive=True)
    async def load_link(self, snapshot_id: str) -> None:
        """The image made from this snapshot (getSnapshotImageRelationshipBySnapshot)."""
        try:
            self._links[snapshot_id] = await self.services.client.snapshots.image_of(snapshot_id)
        except BarrackError as error:
            if self.table("snapshots").cursor_key == snapshot_id:
                self.query_one("#snapshot-info", Static).update(f"Could not load the image link: {error}")
            return
        if self.table("snapshots").cursor_key == snapshot_id:
            self._render_snapshot_detail()

    def _render_image_detail(self) -> None:
        info = self.query_one("#image-info", Static)
        source = self.query_one("#image-source", Static)
        image = self.current_image()
        if image is None:
            info.update("")
            info.border_title = "Image"
            source.update("")
            return
        info.border_title = f"Image {image.image_id}"
        rows: list[tuple[str, str | Content]] = []
        if image.description:
            rows.append(("About", image.description))
        rows.append(("Region", f"{image.region}, private to this account"))
        rows.append(("Created", f"{stamp(image.created_at).value} UTC · {image.size_gb or '?'} GB"))
        rows.append(("Deploy", f"image {image.name} in {image.region}"))
        info.update(detail(Content.assemble((image.name, "bold"), "  ", status_content(image.status)), rows))

        link = self._sources.get(image.image_id)
        if link is None or link.snapshot_id != image.snapshot_id:
            source.update("Loading…")
            self.load_source(image.image_id)
            return
        source.update(self._source_info(link))

    def _source_info(self, link: SnapshotImageRelationshipResponse) -> Content:
        snap = link.snapshot
        if snap is None:
            return Content("The source snapshot was deleted; the image is kept and still deploys.")
        rows: list[tuple[str, str | Content]] = [
            ("Snapshot", Content.assemble(f"{snap.name} ({snap.snapshot_id}) ", status_content(snap.status))),
            ("Of", f"{snap.vm_name or '—'} ({snap.instance_id or '?'})"),
            ("Machine", f"{snap.gpu_model or '?'} x{snap.gpu_count or '?'} · {snap.region}"),
            ("Taken", f"{stamp(snap.created_at).value} UTC"),
        ]
        return detail(None, rows)

    @work(group="image-source", exclusive=True)
    async def load_source(self, image_id: str) -> None:
        """The snapshot this image came from (getSnapshotImageRelationshipByImage)."""
        try:
            self._sources[image_id] = await self.services.client.images.snapshot_of(image_id)
        except BarrackError as error:
            if self.table("images").cursor_key == image_id:
                self.query_one("#image-source", Static).update(f"Could not load the source snapshot: {error}")
            return
        if self.table("images").cursor_key == image_id:
            self._render_image_detail()

    # -- actions --------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        if action == "clear_filter":
            return self.query_one(FilterBox).display
        tab = self.active_tab()
        read_only = self.services.read_only
        if action in ("restore", "create_image"):
            if tab != "snapshots-tab":
                return False
            snap = self.current_snapshot()
            return None if read_only or snap is None or snap.status != "SUCCESS" else True
        if action == "delete":
            if tab == "os-images-tab":
                return False
            current = self.current_snapshot() if tab == "snapshots-tab" else self.current_image()
            return None if read_only or current is None else True
        if action == "create_snapshot":
            return None if read_only else True
        return True

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.table(TABLE_OF_TAB[self.active_tab()]).focus()
        self.refresh_bindings()

    def action_next_tab(self) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.active = TABS[(TABS.index(tabs.active) + 1) % len(TABS)]

    def action_create_snapshot(self) -> None:
        self._create_snapshot()

    @work(group="snapshot-action", exclusive=True)
    async def _create_snapshot(self) -> None:
        services = self.services
        try:
            eligible = (await services.client.instances.snapshot_eligible()).instances
        except BarrackError as error:
            self.notify(f"Could not list the instances that can be snapshotted: {error}", severity="error", timeout=8)
            return
        if not eligible:
            self.notify(
                "No instance can be snapshotted now: a snapshot needs an ACTIVE legacy-tier instance",
                severity="warning",
            )
            return

        async def create(request: CreateSnapshotRequest) -> Snapshot:
            response = await services.client.snapshots.create(
                request.instance_id, request.name, description=request.description
            )
            services.engine.invalidate(Topic.SNAPSHOTS, Topic.BALANCE)
            return response.snapshot

        snapshots = self.snapshots()
        form = CreateSnapshotForm(
            create,
            eligible,
            taken_names={s.name for s in snapshots.values()},
            snapshot_count=len(snapshots),
            now=services.now(),
            hourly_price=self.snapshot_hourly(),
            currency=self.currency(),
        )
        snap = await self.app.push_screen_wait(form)
        if snap is None:
            return
        self.query_one("#tabs", TabbedContent).active = "snapshots-tab"
        self.select_later("snapshots", snap.snapshot_id)
        price = rate(self.snapshot_hourly(), self.currency())
        self.notify(f"Creating snapshot {snap.name} of {snap.vm_name or snap.instance_id}: {price} from now on")

    def action_restore(self) -> None:
        snap = self.current_snapshot()
        if snap is not None:
            self._restore(snap)

    @work(group="snapshot-action", exclusive=True)
    async def _restore(self, snap: Snapshot) -> None:
        services = self.services
        client = services.client
        keys = services.engine.data(Topic.SSH_KEYS)
        if keys is None:
            try:
                keys = {k.key_id: k for k in (await client.ssh_keys.list()).ssh_keys}
            except BarrackError:
                keys = {}  # the form still offers the snapshot's own key
        currency = self.currency()

        async def quote() -> float | None:
            if snap.gpu_model is None or snap.gpu_count is None:
                return None
            answer = await client.pricing.get(gpu_model=snap.gpu_model, gpu_count=snap.gpu_count, currency=currency)
            return answer.pricing_data.quote.hourly_rate if answer.pricing_data.quote else None

        async def restore(request: RestoreSnapshotRequest) -> UserVM:
            response = await client.snapshots.restore(
                snap.snapshot_id, instance_name=request.instance_name, ssh_key=request.ssh_key
            )
            services.engine.invalidate(Topic.INSTANCES, Topic.BALANCE)
            return response.instance

        instances = services.engine.data(Topic.INSTANCES) or {}
        form = RestoreSnapshotForm(
            restore,
            snap,
            key_names=sorted(k.name for k in keys.values()),
            taken_names={vm.vm_name for vm in instances.values()},
            gpu_quote=quote,
            currency=currency,
        )
        vm = await self.app.push_screen_wait(form)
        if vm is None:
            return
        self.notify(
            f"Restoring {snap.name} as the new instance {vm.vm_name} ({vm.instance_id}, {vm.status}). "
            f"It bills like any instance: {rate(vm.hourly_rate, str(vm.currency or currency))}. "
            "See it under Instances (key 1).",
            title="New instance",
            timeout=12,
        )

    def action_create_image(self) -> None:
        snap = self.current_snapshot()
        if snap is not None:
            self._create_image(snap)

    @work(group="snapshot-action", exclusive=True)
    async def _create_image(self, snap: Snapshot) -> None:
        services = self.services

        async def create(request: CreateImageFromSnapshotRequest) -> Image:
            response = await services.client.snapshots.create_image(
                snap.snapshot_id, request.name, description=request.description
            )
            services.engine.invalidate(Topic.IMAGES, Topic.SNAPSHOTS)
            return response.image

        taken = {i.name for i in self.images().values()} | set(self.os_images())
        image = await self.app.push_screen_wait(CreateImageForm(create, snap, taken_names=taken))
        if image is None:
            return
        self.select_later("images", image.image_id)
        self.notify(f"Creating image {image.name} from {snap.name} in {image.region} (Custom images tab: t)")

    def action_delete(self) -> None:
        if self.active_tab() == "snapshots-tab":
            snap = self.current_snapshot()
            if snap is not None:
                self._delete_snapshot(snap)
        else:
            image = self.current_image()
            if image is not None:
                self._delete_image(image)

    @work(group="snapshot-action", exclusive=True)
    async def _delete_snapshot(self, snap: Snapshot) -> None:
        services = self.services
        note = f"{snap.snapshot_id}, of {snap.vm_name or snap.instance_id} in {snap.region}. This cannot be undone; its charge stops."
        if snap.image_id:
            image = self.images().get(snap.image_id)
            note += f" The image {image.name if image else snap.image_id} made from it is kept."

        async def delete() -> str:
            await services.client.snapshots.delete(snap.snapshot_id)
            services.engine.invalidate(Topic.SNAPSHOTS, Topic.IMAGES, Topic.BALANCE)
            return snap.snapshot_id

        form = ConfirmForm(f"Delete snapshot {snap.name}?", delete, note=note, submit_label="Delete snapshot")
        if await self.app.push_screen_wait(form):
            self.notify(f"Snapshot {snap.name} deleted")

    @work(group="snapshot-action", exclusive=True)
    async def _delete_image(self, image: Image) -> None:
        services = self.services
        note = (
            f"{image.image_id} in {image.region}. New instances can no longer be deployed from it; "
            "instances already deployed from it keep running."
        )
        if image.snapshot_id:
            snap = self.snapshots().get(image.snapshot_id)
            note += f" Its snapshot {snap.name if snap else image.snapshot_id} is kept."

        async def delete() -> str:
            await services.client.images.delete(image.image_id)
            services.engine.invalidate(Topic.IMAGES, Topic.SNAPSHOTS)
            return image.image_id

        form = ConfirmForm(f"Delete image {image.name}?", delete, note=note, submit_label="Delete image")
        if await self.app.push_screen_wait(form):
            self.notify(f"Image {image.name} deleted")

    def action_copy_id(self) -> None:
        key = self.table(TABLE_OF_TAB[self.active_tab()]).cursor_key
        if key is None:
            return
        self.app.copy_to_clipboard(key)
        self.notify(f"Copied {key}")

    def action_filter(self) -> None:
        self.query_one(FilterBox).open()
        self.refresh_bindings()

    def action_clear_filter(self) -> None:
        self.query_one(FilterBox).close()
        self.refresh_bindings()