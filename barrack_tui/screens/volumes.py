"""The volumes mode: every volume, live, with its instance, its bill and its actions."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from enum import Enum
from typing import TYPE_CHECKING, ClassVar, Final, TypeVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Footer, Label, Static

from barrack_tui.api.errors import APIStatusError, BarrackError
from barrack_tui.catalog import VOLUME_MAX_GB, tier_of_region
from barrack_tui.format import duration, money, rate
from barrack_tui.live.engine import TopicUpdate
from barrack_tui.live.topics import Topic
from barrack_tui.resources import style_path
from barrack_tui.screens.action_panel import actions_text
from barrack_tui.screens.base import LiveScreen
from barrack_tui.screens.instance_actions import READ_ONLY_REASON
from barrack_tui.screens.resource_forms import ConfirmForm
from barrack_tui.screens.volume_forms import (
    AttachVolumeForm,
    CloneVolumeForm,
    CreateVolumeForm,
    ResizeVolumeForm,
    VolumePricing,
)
from barrack_tui.widgets.account_bar import AccountBar
from barrack_tui.widgets.filter_box import FilterBox
from barrack_tui.widgets.mode_bar import ModeBar
from barrack_tui.widgets.resource_table import ResourceTable
from barrack_tui.widgets.status import status_cell, status_content
from barrack_tui.widgets.table_model import Cell, Column

if TYPE_CHECKING:
    from barrack_tui.api.models import (
        AttachVolumesResponse,
        CreateVolumeRequest,
        DeleteVolumeResponse,
        DetachVolumesResponse,
        OSImage,
        UserVM,
        VolumeHourlyBillingResponse,
        VolumeResponse,
    )

T = TypeVar("T")

COLUMNS: Final = (
    Column("name", "Name", min_width=14, max_width=20),
    Column("id", "ID", width=11),
    Column("size", "Size", width=9, align="right"),
    Column("type", "Type", width=5),
    Column("tier", "Tier", width=8),
    Column("region", "Region", width=9),
    Column("status", "Status", width=10),
    Column("attached", "Attached to", min_width=12, max_width=17),
    Column("boot", "Boot", width=8),
    Column("rate", "$/h", width=9, align="right"),
)


class VolumeAction(Enum):
    CREATE = "create"
    ATTACH = "attach"
    DETACH = "detach"
    CLONE = "clone"
    RESIZE = "resize"
    DELETE = "delete"


RECORDS_SHOWN: Final = 4

# Key and label of each action, as the actions panel lists them.
ACTION_KEYS: Final = {
    VolumeAction.CREATE: ("n", "New volume"),
    VolumeAction.ATTACH: ("a", "Attach"),
    VolumeAction.DETACH: ("x", "Detach"),
    VolumeAction.CLONE: ("c", "Clone"),
    VolumeAction.RESIZE: ("r", "Resize"),
    VolumeAction.DELETE: ("del", "Delete"),
}


def _instance_name(instance_id: str, instances: Mapping[str, UserVM]) -> str:
    vm = instances.get(instance_id)
    return vm.vm_name if vm is not None else instance_id


def volume_blocked(
    action: VolumeAction, volume: VolumeResponse | None, instances: Mapping[str, UserVM]
) -> str | None:
    """Why ``action`` cannot run on ``volume`` now (the guide's rules), or None when it can."""
    if action is VolumeAction.CREATE:
        return None
    if volume is None:
        return "No volume selected"
    attached = volume.attached_to
    owner = _instance_name(attached, instances) if attached else ""
    creating = volume.status == "creating"
    if action is VolumeAction.ATTACH:
        if attached:
            return f"Already attached to {owner}"
        if volume.status != "available":
            return f"The volume is {volume.status}, not available"
        return None
    if action is VolumeAction.DETACH:
        if not attached:
            return "Not attached"
        if volume.is_boot:
            return f"Boot volume of {owner}; boot volumes stay attached"
        vm = instances.get(attached)
        if vm is None:
            return f"Instance {attached} is not listed yet"
        if vm.status != "ACTIVE":
            return f"{vm.vm_name} is {vm.status}; detaching needs it ACTIVE"
        return None
    if action is VolumeAction.CLONE:
        return "Still being created" if creating else None
    if action is VolumeAction.RESIZE:
        if creating:
            return "Still being created"
        if volume.size_gb >= VOLUME_MAX_GB:
            return f"Already at the maximum size ({VOLUME_MAX_GB:,} GB)"
        return None
    if attached:
        if volume.is_boot:
            return f"Boot volume of {owner}; deleted with the instance"
        return f"Attached to {owner}; detach it first"
    return None


def volume_row(volume: VolumeResponse, instances: Mapping[str, UserVM], currency: str) -> dict[str, object]:
    attached = _instance_name(volume.attached_to, instances) if volume.attached_to else "—"
    return {
        "name": volume.name,
        "id": volume.volume_id,
        "size": Cell(f"{volume.size_gb:,} GB", sort=volume.size_gb),
        "type": str(volume.volume_type),
        "tier": str(volume.tier or tier_of_region(volume.region) or ""),
        "region": volume.region,
        "status": status_cell(str(volume.status)),
        "attached": Cell(attached, "" if volume.attached_to else "muted"),
        "boot": "OS disk" if volume.is_boot else "bootable" if volume.bootable else "",
        "rate": Cell(rate(volume.hourly_rate, currency), sort=volume.hourly_rate or 0.0),
    }


class VolumesScreen(LiveScreen):
    """Volumes in a keyed table, the selected one in full below it."""

    CSS_PATH = style_path("volumes.tcss")
    TOPICS: ClassVar = (Topic.VOLUMES, Topic.INSTANCES)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "act('create')", "New"),
        Binding("a", "act('attach')", "Attach"),
        Binding("x", "act('detach')", "Detach"),
        Binding("c", "act('clone')", "Clone"),
        Binding("r", "act('resize')", "Resize"),
        Binding("delete", "act('delete')", "Delete", key_display="del"),
        Binding("i", "open_instance", "Instance"),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._billing: VolumeHourlyBillingResponse | None = None
        self._billing_error: str | None = None
        self._billing_stale = True
        self._billing_loading = False
        self._pricing: VolumePricing | None = None
        self._select_when_listed: str | None = None
        self._enabled: tuple[bool | None, ...] = ()

    def compose(self) -> ComposeResult:
        yield AccountBar(id="account-bar")
        yield ModeBar("volumes", id="mode-bar")
        yield FilterBox("Filter: name, id, type, region, status, instance…")
        yield ResourceTable(COLUMNS, empty_text="Loading volumes…", id="volumes")
        with Horizontal(id="detail"):
            with Vertical(id="info-panel", classes="panel"):
                yield Label("", id="info-title")
                yield Static("", id="info")
            yield Static("", id="billing", classes="panel")
            yield Static("", id="actions", classes="panel")
        yield Footer()

    def on_mount(self) -> None:
        # LiveScreen.on_mount runs after this one (Textual calls both) and renders the cache.
        self.table.border_title = "Volumes"
        self.table.focus()
        self._show_detail()

    # -- data -----------------------------------------------------------------

    @property
    def table(self) -> ResourceTable:
        return self.query_one("#volumes", ResourceTable)

    def volumes(self) -> dict[str, VolumeResponse]:
        return self.services.engine.data(Topic.VOLUMES) or {}

    def current(self) -> VolumeResponse | None:
        key = self.table.cursor_key
        return self.volumes().get(key) if key else None

    @property
    def billing(self) -> VolumeHourlyBillingResponse | None:
        """The account's volume billing, once fetched (the pane shows the selected volume's share)."""
        return self._billing

    @property
    def currency(self) -> str:
        balance = self.services.engine.data(Topic.BALANCE)
        return str(balance.currency) if balance is not None else "USD"

    def apply_update(self, update: TopicUpdate) -> None:
        state = self.services.engine.states[Topic.VOLUMES]
        self.table.stale = state.failures > 0
        if not state.loaded:
            if state.error is not None:
                self.table.empty_text = f"Could not load volumes: {state.error}"
            return
        self.table.empty_text = "No volumes yet: press n to create one"
        if update.topic is Topic.VOLUMES and (update.changed or update.removed):
            self._billing_stale = True
        instances, currency = self.instances(), self.currency
        self.table.set_rows({key: volume_row(v, instances, currency) for key, v in self.volumes().items()})
        if self._select_when_listed is not None and self.table.has_row(self._select_when_listed):
            self.table.cursor_key = self._select_when_listed
            self._select_when_listed = None
        self._show_detail()

    @on(ResourceTable.CursorMoved, "#volumes")
    def _cursor_moved(self) -> None:
        self._show_detail()

    # -- the detail pane --------------------------------------------------------

    def _show_detail(self) -> None:
        volume = self.current()
        self.query_one("#info-title", Label).update(self._title(volume))
        self.query_one("#info", Static).update(self._info(volume))
        self._render_billing()
        if volume is not None and self._billing_stale and not self._billing_loading:
            self._load_billing()
        self.query_one("#actions", Static).update(self._actions_text())
        self._refresh_keys()

    def _refresh_keys(self) -> None:
        """Refresh the footer only when an action became possible or impossible
        (a footer refresh rebuilds every key: too dear for each cursor move)."""
        enabled = tuple(self.check_action("act", (action.value,)) for action in VolumeAction)
        enabled += (self.check_action("open_instance", ()),)
        if enabled != self._enabled:
            self._enabled = enabled
            self.refresh_bindings()

    def _title(self, volume: VolumeResponse | None) -> Content:
        if volume is None:
            loaded = self.services.engine.states[Topic.VOLUMES].loaded
            return Content.styled("No volume selected" if loaded else "Loading…", "italic")
        return Content.assemble((volume.name, "bold"), "  ", status_content(str(volume.status)))

    def _info(self, volume: VolumeResponse | None) -> Table | str:
        if volume is None:
            return ""
        grid = Table.grid(padding=(0, 2))
        grid.add_row("ID", volume.volume_id)
        grid.add_row("Size", f"{volume.size_gb:,} GB {volume.volume_type}")
        grid.add_row("Region", f"{volume.region} ({volume.tier or tier_of_region(volume.region) or '?'})")
        attached = "—"
        if volume.attached_to:
            vm = self.instances().get(volume.attached_to)
            if vm is None:
                attached = volume.attached_to
            else:
                attached = vm.vm_name if vm.status == "ACTIVE" else f"{vm.vm_name} ({vm.status})"
        grid.add_row("Attached to", attached)
        if volume.is_boot:
            boot = f"boot · {volume.image_name or 'OS'}"
        elif volume.bootable:
            boot = f"bootable · {volume.image_name or 'OS image'}"
        else:
            boot = "data volume"
        grid.add_row("Boot", boot)
        grid.add_row(
            "Created", volume.created_at.strftime("%Y-%m-%d %H:%M UTC") if volume.created_at else "—"
        )
        grid.add_row("Rate", rate(volume.hourly_rate, self.currency))
        return grid

    @work(group="volume-billing", exclusive=True)
    async def _load_billing(self) -> None:
        """The volume billing of the account (one request; the pane shows one volume's share)."""
        self._billing_loading = True
        self._billing_stale = False
        try:
            self._billing = await self.services.client.volumes.billing()
            self._billing_error = None
        except BarrackError as error:
            self._billing_error = str(error)
        finally:
            self._billing_loading = False
        self._render_billing()

    def _render_billing(self) -> None:
        pane = self.query_one("#billing", Static)
        volume = self.current()
        if volume is None:
            pane.update("")
            return
        if self._billing_error is not None:
            pane.update(Content.styled(f"Billing unavailable: {self._billing_error}", "$error"))
            return
        if self._billing is None:
            pane.update(Content.styled("Billing: loading…", "italic"))
            return
        records = [r for r in self._billing.records if r.volume_id == volume.volume_id]
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        table.add_row(Text("Billed on its own", style="bold"), "")
        for record in records[:RECORDS_SHOWN]:
            start = record.start_time.strftime("%m-%d %H:%M")
            end = record.end_time.strftime("%m-%d %H:%M") if record.end_time else "now"
            table.add_row(f"{start} → {end}", money(record.total_cost, str(record.currency)))
        if len(records) > RECORDS_SHOWN:
            table.add_row(f"… {len(records) - RECORDS_SHOWN} older", "")
        if records:
            minutes = sum(r.total_duration_minutes for r in records)
            total = sum(r.total_cost for r in records)
            table.add_row(
                Text(f"Total, {duration(minutes * 60)}", style="bold"),
                Text(money(total, self.currency), style="bold"),
            )
        else:
            table.add_row(Text("No records of its own", style="italic"), "")
        if volume.attached_to:
            pane.update(Group(table, Text("While attached it bills with its instance.", style="italic")))
        else:
            pane.update(table)

    def _actions_text(self) -> Content:
        volume, instances = self.current(), self.instances()
        return actions_text(
            ACTION_KEYS,
            {action: volume_blocked(action, volume, instances) for action in ACTION_KEYS},
            read_only=self.services.read_only,
            unexplained=(VolumeAction.CREATE,),
        )

    # -- actions --------------------------------------------------------------

    def blocked(self, action: VolumeAction) -> str | None:
        if self.services.read_only:
            return READ_ONLY_REASON
        return volume_blocked(action, self.current(), self.instances())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted or self.app.services is None:
            return True
        if action == "act":
            return None if self.blocked(VolumeAction(str(parameters[0]))) else True
        if action == "open_instance":
            volume = self.current()
            return True if volume is not None and volume.attached_to else None
        return True

    def action_act(self, action: str) -> None:
        kind = VolumeAction(action)
        reason = self.blocked(kind)
        if reason is not None:
            self.notify(reason, severity="warning")
            return
        self._run(kind)

    @work(group="volume-action")
    async def _run(self, kind: VolumeAction) -> None:
        if kind is VolumeAction.CREATE:
            await self._create_volume()
            return
        volume = self.current()
        if volume is None:
            return
        if kind is VolumeAction.ATTACH:
            await self._attach_volume(volume)
        elif kind is VolumeAction.DETACH:
            await self._detach_volume(volume)
        elif kind is VolumeAction.CLONE:
            await self._clone_volume(volume)
        elif kind is VolumeAction.RESIZE:
            await self._resize_volume(volume)
        else:
            await self._delete_volume(volume)

    async def _send(self, call: Awaitable[T], *topics: Topic) -> T:
        """Send one mutating request; afterwards refresh what it changed.

        A refusal (an error status) changed nothing; any other failure may
        have reached the server, so the topics are refreshed then too.
        """
        try:
            result = await call
        except APIStatusError:
            raise
        except BarrackError:
            self._changed(*topics)
            raise
        self._changed(*topics)
        return result

    def _changed(self, *topics: Topic) -> None:
        self._billing_stale = True
        self.services.engine.invalidate(*topics)

    async def _volume_pricing(self) -> VolumePricing:
        if self._pricing is None:
            try:
                self._pricing = VolumePricing.from_response(await self.services.client.volumes.types())
            except BarrackError:
                return VolumePricing.from_catalog(self.currency)
        return self._pricing

    async def _os_images(self) -> list[OSImage]:
        engine = self.services.engine
        if not engine.states[Topic.OS_IMAGES].loaded:
            await engine.refresh(Topic.OS_IMAGES)
        return list((engine.data(Topic.OS_IMAGES) or {}).values())

    async def _create_volume(self) -> None:
        client = self.services.client.volumes
        current = self.current()

        async def create(request: CreateVolumeRequest) -> VolumeResponse:
            call = client.create(
                request.name,
                request.size,
                str(request.volume_type),
                request.region,
                bootable=request.bootable,
                image_name=request.image_name,
            )
            return (await self._send(call, Topic.VOLUMES, Topic.BALANCE)).volume

        form = CreateVolumeForm(
            create,
            pricing=await self._volume_pricing(),
            os_images=await self._os_images(),
            taken_names=[v.name for v in self.volumes().values()],
            region=current.region if current is not None else None,
        )
        volume = await self.app.push_screen_wait(form)
        if volume is not None:
            self._select_when_listed = volume.volume_id
            self.notify(f"Creating volume {volume.name} ({volume.volume_id})")

    async def _attach_volume(self, volume: VolumeResponse) -> None:
        client = self.services.client.volumes

        async def attach(instance_id: str) -> AttachVolumesResponse:
            call = client.attach(instance_id, [volume.volume_id])
            response = await self._send(call, Topic.VOLUMES, Topic.INSTANCES, Topic.BALANCE)
            self.services.engine.patch(
                Topic.VOLUMES,
                volume.volume_id,
                lambda v: v.model_copy(update={"attached_to": instance_id, "status": "in-use"}),
            )
            return response

        form = AttachVolumeForm(volume, self.instances().values(), attach, currency=self.currency)
        response = await self.app.push_screen_wait(form)
        if response is not None:
            self.notify(f"Attached {volume.name} to {_instance_name(response.instance_id, self.instances())}")

    async def _detach_volume(self, volume: VolumeResponse) -> None:
        instance_id = volume.attached_to
        if instance_id is None:
            return
        client = self.services.client.volumes
        name = _instance_name(instance_id, self.instances())

        async def detach() -> DetachVolumesResponse:
            response = await self._send(
                client.detach(instance_id, [volume.volume_id]), Topic.VOLUMES, Topic.INSTANCES, Topic.BALANCE
            )
            self.services.engine.patch(
                Topic.VOLUMES,
                volume.volume_id,
                lambda v: v.model_copy(update={"attached_to": None, "status": "available"}),
            )
            return response

        note = (
            f"Unmount it inside {name} first, or writes in flight are lost. Once detached it bills on its "
            f"own at {rate(volume.hourly_rate, self.currency)}."
        )
        form = ConfirmForm(
            f"Detach {volume.name} from {name}?",
            detach,
            note=note,
            submit_label="Detach",
            busy_label="Detaching…",
            submit_variant="warning",
        )
        if await self.app.push_screen_wait(form) is not None:
            self.notify(f"Detached {volume.name} from {name}")

    async def _clone_volume(self, volume: VolumeResponse) -> None:
        client = self.services.client.volumes

        async def clone(name: str) -> VolumeResponse:
            return (
                await self._send(client.clone(volume.volume_id, name), Topic.VOLUMES, Topic.BALANCE)
            ).volume

        form = CloneVolumeForm(
            volume, clone, taken_names=[v.name for v in self.volumes().values()], currency=self.currency
        )
        copy = await self.app.push_screen_wait(form)
        if copy is not None:
            self._select_when_listed = copy.volume_id
            self.notify(f"Cloning {volume.name} to {copy.name} ({copy.volume_id})")

    async def _resize_volume(self, volume: VolumeResponse) -> None:
        client = self.services.client.volumes
        topics = (
            (Topic.VOLUMES, Topic.INSTANCES, Topic.BALANCE)
            if volume.attached_to
            else (Topic.VOLUMES, Topic.BALANCE)
        )

        async def resize(size: int) -> VolumeResponse:
            grown = (await self._send(client.resize(volume.volume_id, size), *topics)).volume
            self.services.engine.patch(Topic.VOLUMES, volume.volume_id, lambda _: grown)
            return grown

        form = ResizeVolumeForm(volume, resize, pricing=await self._volume_pricing())
        grown = await self.app.push_screen_wait(form)
        if grown is not None:
            self.notify(
                f"Resized {grown.name} to {grown.size_gb:,} GB ({rate(grown.hourly_rate, self.currency)})"
            )

    async def _delete_volume(self, volume: VolumeResponse) -> None:
        client = self.services.client.volumes

        async def delete() -> DeleteVolumeResponse:
            return await self._send(client.delete(volume.volume_id), Topic.VOLUMES, Topic.BALANCE)

        note = (
            f"Permanent: the {volume.size_gb:,} GB of data on it are lost. "
            f"Saves {rate(volume.hourly_rate, self.currency)}."
        )
        form = ConfirmForm(
            f"Delete volume {volume.name}?", delete, note=note, phrase=volume.name, busy_label="Deleting…"
        )
        if await self.app.push_screen_wait(form) is not None:
            self.notify(f"Deleted volume {volume.name}")

    def action_open_instance(self) -> None:
        volume = self.current()
        if volume is None or not volume.attached_to:
            self.notify("This volume is not attached to an instance", severity="warning")
            return
        from barrack_tui.screens.instance_details import InstanceDetailsScreen

        self.app.push_screen(InstanceDetailsScreen(volume.attached_to))

    def action_filter(self) -> None:
        self.query_one(FilterBox).open()

    def action_clear_filter(self) -> None:
        self.query_one(FilterBox).close()