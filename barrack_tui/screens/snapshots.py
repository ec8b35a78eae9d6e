"""The snapshots & images mode: snapshots, custom images and OS images, live.

Snapshots can be created (from the instances the API calls eligible),
restored as a new instance, turned into a custom image and deleted; custom
images can be deleted. The detail pane under each table shows the
snapshot <-> image link from the two relationship endpoints, and what
snapshots cost from the snapshot billing endpoint.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Footer, Input, Label, Static, TabbedContent, TabPane

from barrack_tui.api.errors import BarrackError
from barrack_tui.catalog import SNAPSHOT_PRICE, SNAPSHOT_SIZE_GB
from barrack_tui.format import duration, money, rate
from barrack_tui.live.engine import TopicUpdate
from barrack_tui.live.topics import Topic
from barrack_tui.resources import style_path
from barrack_tui.screens.base import LiveScreen
from barrack_tui.screens.snapshot_forms import (
    ConfirmScreen,
    CreateImageForm,
    CreateSnapshotForm,
    RestoreSnapshotForm,
)
from barrack_tui.widgets.account_bar import AccountBar
from barrack_tui.widgets.resource_table import ResourceTable
from barrack_tui.widgets.status import status_cell, status_text
from barrack_tui.widgets.table_model import Cell, Column

if TYPE_CHECKING:
    from barrack_tui.api.models import (
        Image,
        OSImage,
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
    Column("source", "Source instance", min_width=15, max_width=20),
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
    Column("description", "Description", min_width=20, max_width=50),
    Column("cuda", "CUDA", width=5),
    Column("docker", "Docker", width=6),
    Column("regions", "Regions", min_width=10, max_width=40),
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


def os_image_row(image: OSImage) -> dict[str, object]:
    return {
        "name": image.name,
        "description": image.description or "",
        "cuda": image.cuda_version or "—",
        "docker": "yes" if image.docker else "no",
        "regions": ", ".join(image.regions),
    }


def _grid() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    return table


def billing_panel(snap: Snapshot | None, billing: SnapshotBillingResponse | None, currency: str) -> Table:
    """This snapshot's running cost and all snapshots' together (snapshot billing endpoint)."""
    table = _grid()
    if billing is None:
        table.add_row("Billing", "loading…")
        return table
    currency = str(billing.currency or currency)
    if snap is not None:
        own = [r for r in billing.records if r.snapshot_id == snap.snapshot_id]
        running = [r for r in own if r.end_time is None]
        if own:
            hourly = sum(r.per_minute_rate for r in running) * 60
            since = min(r.start_time for r in own).strftime("%m-%d %H:%M")
            minutes = sum(r.total_duration_minutes for r in own)
            table.add_row(
                "This snapshot",
                f"{rate(hourly, currency) if running else 'not billing'} · since {since}",
            )
            table.add_row("", f"{duration(minutes * 60)} billed · {money(sum(r.total_cost for r in own), currency)}")
        else:
            table.add_row("This snapshot", "no billing record yet")
    open_records = [r for r in billing.records if r.end_time is None]
    summary = billing.summary
    table.add_row(
        "All snapshots",
        f"{summary.active_count} billing now · {rate(sum(r.per_minute_rate for r in open_records) * 60, currency)}",
    )
    table.add_row("", f"{duration(summary.total_minutes * 60)} · {money(summary.total_cost, currency)} in total")
    price = SNAPSHOT_PRICE.get(currency, SNAPSHOT_PRICE["USD"])  # type: ignore[call-overload]
    table.add_row("Price", f"{rate(price, currency)} each (fixed {SNAPSHOT_SIZE_GB} GB), legacy tier only")
    return table


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
        Binding("y", "copy_id", "Copy ID"),
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
        yield Label(READ_ONLY_TEXT, id="read-only")
        yield Input(placeholder="Filter every tab: name, id, region, status…", id="filter")
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
        self.query_one("#filter", Input).display = False
        self.query_one("#read-only", Label).display = self.services.read_only
        super().on_mount()
        self.table("snapshots").focus()
        self._render_snapshot_detail()
        self._render_image_detail()

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

    def apply_update(self, update: TopicUpdate) -> None:
        name = {Topic.SNAPSHOTS: "snapshots", Topic.IMAGES: "images", Topic.OS_IMAGES: "os-images"}[update.topic]
        table = self.table(name)
        table.stale = update.state.failures > 0
        if update.state.failures and not update.changed:
            if not update.state.loaded:
                table.empty_text = f"Could not load {name.replace('-', ' ')}: {update.state.error}"
            return
        if update.topic is Topic.OS_IMAGES:
            table.set_rows({key: os_image_row(image) for key, image in self.os_images().items()})
        else:
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

    # -- detail pane ----------------------------------------------------------

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
        info = self.query_one("#snapshot-info", Static)
        billing = self.query_one("#snapshot-billing", Static)
        snap = self.current_snapshot()
        if self.billing_error is not None:
            billing.update(Text(f"Could not load snapshot billing: {self.billing_error}"))
        else:
            billing.update(billing_panel(snap, self.billing, self.currency()))
        billing.border_title = "Billing"
        if snap is None:
            info.update("")
            info.border_title = "Snapshot"
            return
        link = self._links.get(snap.snapshot_id)
        if link is None or link.image_id != snap.image_id:
            self.load_link(snap.snapshot_id)
        info.border_title = f"Snapshot {snap.snapshot_id}"
        info.update(self._snapshot_info(snap, link if link and link.image_id == snap.image_id else None))

    def _snapshot_info(self, snap: Snapshot, link: SnapshotImageRelationshipResponse | None) -> Group:
        theme = self.app.theme_variables
        title = Text.assemble((snap.name, "bold"), "  ", status_text(snap.status, theme))
        table = _grid()
        if snap.description:
            table.add_row("About", snap.description)
        instances: dict[str, UserVM] = self.services.engine.data(Topic.INSTANCES) or {}
        source = f"{snap.vm_name or '—'} ({snap.instance_id or '?'})"
        if snap.instance_id and instances and snap.instance_id not in instances:
            source += " · deleted since"
        table.add_row("Source", source)
        table.add_row("Machine", f"{snap.gpu_model or '?'} x{snap.gpu_count or '?'} · {snap.region} · {snap.tier or '?'}")
        table.add_row("Created", f"{stamp(snap.created_at).value} UTC · {snap.size_gb or '?'} GB")
        if link is None:
            table.add_row("Image", "loading…")
        elif link.image is None:
            hint = "press i to make one" if snap.status == "SUCCESS" else "possible once it is SUCCESS"
            table.add_row("Image", f"none ({hint})")
        else:
            live = self.images().get(link.image.image_id)
            status = live.status if live is not None else link.image.status
            table.add_row(
                "Image",
                Text.assemble(f"{link.image.name} ({link.image.image_id}) ", status_text(status, theme)),
            )
        if snap.status == "SUCCESS":
            table.add_row("Restore", "r: a new instance that bills like any instance")
        return Group(title, table)

    @work(group="snapshot-link", exclusive=True)
    async def load_link(self, snapshot_id: str) -> None:
        """The image made from this snapshot (getSnapshotImageRelationshipBySnapshot)."""
        try:
            self._links[snapshot_id] = await self.services.client.snapshots.image_of(snapshot_id)
        except BarrackError as error:
            if self.table("snapshots").cursor_key == snapshot_id:
                self.query_one("#snapshot-info", Static).update(Text(f"Could not load the image link: {error}"))
            return
        snap = self.current_snapshot()
        if snap is not None and snap.snapshot_id == snapshot_id:
            self._render_snapshot_detail()

    def _render_image_detail(self) -> None:
        info = self.query_one("#image-info", Static)
        source = self.query_one("#image-source", Static)
        source.border_title = "Source snapshot"
        image = self.current_image()
        if image is None:
            info.update("")
            info.border_title = "Image"
            source.update("")
            return
        info.border_title = f"Image {image.image_id}"
        theme = self.app.theme_variables
        table = _grid()
        if image.description:
            table.add_row("About", image.description)
        table.add_row("Region", f"{image.region} (private to this account)")
        table.add_row("Created", f"{stamp(image.created_at).value} UTC · {image.size_gb or '?'} GB")
        table.add_row("Deploy", f"image_name {image.name!r} in {image.region}")
        info.update(Group(Text.assemble((image.name, "bold"), "  ", status_text(image.status, theme)), table))

        link = self._sources.get(image.image_id)
        if link is None or link.snapshot_id != image.snapshot_id:
            source.update("loading…")
            self.load_source(image.image_id)
            return
        source.update(self._source_info(link))

    def _source_info(self, link: SnapshotImageRelationshipResponse) -> Group | Text:
        snap = link.snapshot
        if snap is None:
            return Text("The source snapshot was deleted; the image is kept and still deploys.")
        table = _grid()
        table.add_row("Snapshot", Text.assemble(f"{snap.name} ({snap.snapshot_id}) ", status_text(snap.status, self.app.theme_variables)))
        table.add_row("Of", f"{snap.vm_name or '—'} ({snap.instance_id or '?'})")
        table.add_row("Machine", f"{snap.gpu_model or '?'} x{snap.gpu_count or '?'} · {snap.region}")
        table.add_row("Taken", f"{stamp(snap.created_at).value} UTC")
        return Group(table)

    @work(group="image-source", exclusive=True)
    async def load_source(self, image_id: str) -> None:
        """The snapshot this image came from (getSnapshotImageRelationshipByImage)."""
        try:
            self._sources[image_id] = await self.services.client.images.snapshot_of(image_id)
        except BarrackError as error:
            if self.table("images").cursor_key == image_id:
                self.query_one("#image-source", Static).update(Text(f"Could not load the source snapshot: {error}"))
            return
        image = self.current_image()
        if image is not None and image.image_id == image_id:
            self._render_image_detail()

    # -- actions --------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        if action == "clear_filter":
            return self.query_one("#filter", Input).display
        tab = self.active_tab()
        if action in ("restore", "create_image"):
            if tab != "snapshots-tab":
                return False
            snap = self.current_snapshot()
            return None if self.services.read_only or snap is None or snap.status != "SUCCESS" else True
        if action == "delete":
            if tab == "os-images-tab":
                return False
            current = self.current_snapshot() if tab == "snapshots-tab" else self.current_image()
            return None if self.services.read_only or current is None else True
        if action == "create_snapshot":
            return None if self.services.read_only else True
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
        client = self.services.client
        try:
            eligible = (await client.instances.snapshot_eligible()).instances
        except BarrackError as error:
            self.notify(f"Could not list the instances that can be snapshotted: {error}", severity="error", timeout=8)
            return
        if not eligible:
            self.notify(
                "No instance can be snapshotted now: a snapshot needs an ACTIVE legacy-tier instance",
                severity="warning",
            )
            return
        snapshots = self.snapshots()
        form = CreateSnapshotForm(
            client,
            eligible,
            taken_names={s.name for s in snapshots.values()},
            snapshot_count=len(snapshots),
            now=self.services.now(),
            currency=self.currency(),
        )
        snap = await self.app.push_screen_wait(form)
        if snap is None:
            return
        self.services.engine.invalidate(Topic.SNAPSHOTS, Topic.BALANCE)
        self.query_one("#tabs", TabbedContent).active = "snapshots-tab"
        self.select_later("snapshots", snap.snapshot_id)
        self.notify(f"Creating snapshot {snap.name} of {snap.vm_name or snap.instance_id}: it bills from now on")

    def action_restore(self) -> None:
        snap = self.current_snapshot()
        if snap is not None:
            self._restore(snap)

    @work(group="snapshot-action", exclusive=True)
    async def _restore(self, snap: Snapshot) -> None:
        services = self.services
        keys = services.engine.data(Topic.SSH_KEYS)
        if keys is None:
            try:
                keys = {k.key_id: k for k in (await services.client.ssh_keys.list()).ssh_keys}
            except BarrackError:
                keys = {}  # the snapshot's own key is still offered
        instances = services.engine.data(Topic.INSTANCES) or {}
        form = RestoreSnapshotForm(
            services.client,
            snap,
            key_names=sorted(k.name for k in keys.values()),
            taken_names={vm.vm_name for vm in instances.values()},
            currency=self.currency(),
        )
        vm = await self.app.push_screen_wait(form)
        if vm is None:
            return
        services.engine.invalidate(Topic.INSTANCES, Topic.BALANCE)
        self.notify(
            f"Restoring {snap.name} as the new instance {vm.vm_name} ({vm.instance_id}, {vm.status}). "
            f"It bills like any instance: {rate(vm.hourly_rate, str(vm.currency or 'USD'))}. "
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
        taken = {i.name for i in self.images().values()} | set(self.os_images())
        image = await self.app.push_screen_wait(CreateImageForm(self.services.client, snap, taken))
        if image is None:
            return
        self.services.engine.invalidate(Topic.IMAGES, Topic.SNAPSHOTS)
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
        body = Text(f"{snap.snapshot_id}, of {snap.vm_name or snap.instance_id} in {snap.region}. ")
        body.append("This cannot be undone; its charge stops. ")
        if snap.image_id:
            image = self.images().get(snap.image_id)
            body.append(f"The image {image.name if image else snap.image_id} made from it is kept.")
        if not await self.app.push_screen_wait(ConfirmScreen(f"Delete snapshot {snap.name}?", body)):
            return
        try:
            await self.services.client.snapshots.delete(snap.snapshot_id)
        except BarrackError as error:
            self.notify(f"Deleting snapshot {snap.name} failed: {error}", severity="error", timeout=8)
            return
        self.services.engine.invalidate(Topic.SNAPSHOTS, Topic.IMAGES, Topic.BALANCE)
        self.notify(f"Snapshot {snap.name} deleted")

    @work(group="snapshot-action", exclusive=True)
    async def _delete_image(self, image: Image) -> None:
        body = Text(f"{image.image_id} in {image.region}. New instances can no longer be deployed from it; ")
        body.append("instances already deployed from it keep running.")
        if image.snapshot_id:
            snap = self.snapshots().get(image.snapshot_id)
            body.append(f" Its snapshot {snap.name if snap else image.snapshot_id} is kept.")
        if not await self.app.push_screen_wait(ConfirmScreen(f"Delete image {image.name}?", body)):
            return
        try:
            await self.services.client.images.delete(image.image_id)
        except BarrackError as error:
            self.notify(f"Deleting image {image.name} failed: {error}", severity="error", timeout=8)
            return
        self.services.engine.invalidate(Topic.IMAGES, Topic.SNAPSHOTS)
        self.notify(f"Image {image.name} deleted")

    def action_copy_id(self) -> None:
        key = self.table(TABLE_OF_TAB[self.active_tab()]).cursor_key
        if key is None:
            return
        self.app.copy_to_clipboard(key)
        self.notify(f"Copied {key}")

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()
        self.refresh_bindings()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        box.display = False
        self.table(TABLE_OF_TAB[self.active_tab()]).focus()
        self.refresh_bindings()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        for name in TABLE_OF_TAB.values():
            self.table(name).set_filter(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.table(TABLE_OF_TAB[self.active_tab()]).focus()
