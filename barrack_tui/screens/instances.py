"""The instances mode: every VM, live, with lifecycle actions on a few keys."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from itertools import islice
from operator import attrgetter
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal
from textual.timer import Timer
from textual.widgets import Footer

from barrack_tui.catalog import DEFAULT_SSH_USER
from barrack_tui.format import amount, duration, duration_changes_at
from barrack_tui.lifecycle import Action
from barrack_tui.live.engine import TopicUpdate
from barrack_tui.live.topics import Topic
from barrack_tui.resources import style_path
from barrack_tui.screens.base import LiveScreen
from barrack_tui.screens.instance_actions import blocked_reason, run_action
from barrack_tui.widgets.account_bar import AccountBar
from barrack_tui.widgets.filter_box import FilterBox
from barrack_tui.widgets.mode_bar import ModeBar
from barrack_tui.widgets.resource_table import ResourceTable
from barrack_tui.widgets.status import status_cell
from barrack_tui.widgets.table_model import Cell, Column

if TYPE_CHECKING:
    from barrack_tui.api.models import UserVM
    from barrack_tui.app import BarrackApp
    from barrack_tui.widgets.chat_panel import ChatPanel

COLUMNS = (
    Column("name", "Name", min_width=8, max_width=18),
    Column("id", "ID", width=11),
    Column("status", "Status", min_width=8, max_width=13),
    Column("gpu", "GPU", min_width=8, max_width=19),
    Column("tier", "Tier", max_width=8),
    Column("region", "Region", max_width=9),
    Column("ip", "IP", min_width=7, max_width=15),
    Column("rate", "Rate/h", min_width=5, align="right"),
    Column("uptime", "Uptime", min_width=6, align="right"),
    Column("cost", "Cost", min_width=6, align="right"),
)
_MEMORY_SUFFIX = re.compile(r"-\d+GB$")


def short_gpu(model: str, count: int) -> str:
    """``H100-SXM5 x8``, ``H100-NVL x2``: the table drops the memory suffix (details show it)."""
    return f"{_MEMORY_SUFFIX.sub('', model).replace('PCIe-NVLink', 'NVL')} x{count}"


def ssh_command(vm: UserVM) -> str | None:
    return f"ssh {DEFAULT_SSH_USER}@{vm.ip_address}" if vm.ip_address else None


def _uptime(vm: UserVM, now: datetime) -> str:
    up = now - vm.status_changed_at if vm.status == "ACTIVE" and vm.status_changed_at else None
    return duration(up) if up is not None else "—"


def _cost(vm: UserVM) -> str:
    return amount(vm.accrued_cost, 2 if (vm.accrued_cost or 0) < 100 else 0)


#: The fields a row shows as they are (costs and uptimes are checked apart).
_SHOWN_FIELDS = attrgetter(
    "vm_name", "status", "status_changed_at", "ip_address", "public_ip", "gpu_model",
    "gpu_count", "tier", "region", "hourly_rate",
)


def _shown_cost(cost: float | None) -> tuple[float, int] | None:
    """The cost as `_cost` rounds it (and how), without formatting it."""
    return None if cost is None else (round(cost, 2), 2) if cost < 100 else (round(cost), 0)


def _same_shown_cost_between(shown: tuple[float, int] | None) -> tuple[float, float]:
    """Costs strictly between these two round to ``shown`` (a margin kept clear of
    the rounding edges and of the switch to whole dollars at 100)."""
    if shown is None:
        return (0.0, 0.0)
    value, digits = shown
    if digits == 2:
        return (value - 0.0049, min(value + 0.0049, 100.0))
    return (max(value - 0.49, 100.0), value + 0.49)


class RowStamp(NamedTuple):
    """What a row was built from, to tell cheaply whether a newer poll moves it.

    Costs move on every poll and uptimes with the clock, but only a change of
    the shown cent or minute makes a row worth rebuilding: a check costs under
    a microsecond, building the row twenty.
    """

    fields: tuple[object, ...]
    cost: tuple[float, int] | None
    #: A cost strictly between these shows as ``cost`` (two compares instead of a rounding).
    cost_low: float
    cost_high: float
    #: The clock (a POSIX timestamp) at which the shown uptime next changes.
    until: float

    @classmethod
    def of(cls, vm: UserVM, now: float) -> RowStamp:
        changed_at = vm.status_changed_at
        until = float("inf")
        if changed_at is not None and vm.status == "ACTIVE":
            since = changed_at.timestamp()
            until = since + duration_changes_at(now - since)
        shown = _shown_cost(vm.accrued_cost)
        return cls(_SHOWN_FIELDS(vm), shown, *_same_shown_cost_between(shown), until)

    def holds(self, vm: UserVM, now: float) -> bool:
        """True if `vm` at `now` shows exactly the row this stamp was made for."""
        if now >= self.until or self.fields != _SHOWN_FIELDS(vm):
            return False
        cost = vm.accrued_cost
        if cost is not None and self.cost_low < cost < self.cost_high:
            return True
        return self.cost == _shown_cost(cost)


def instance_row(vm: UserVM, now: datetime) -> dict[str, object]:
    """One table row. Uptime counts from the last change into ACTIVE.

    Sort values depend only on what is shown (or on fixed times), so a poll
    that moves nothing on screen gives an equal row.
    """
    active = vm.status == "ACTIVE" and vm.status_changed_at is not None
    if vm.ip_address:
        ip = vm.ip_address
    elif vm.public_ip and vm.status in ("CREATING", "BUILD"):
        ip = "pending"
    else:
        ip = "—"
    cost = vm.accrued_cost or 0.0
    return {
        "name": vm.vm_name,
        "id": vm.instance_id,
        "status": status_cell(vm.status),
        "gpu": short_gpu(vm.gpu_model, vm.gpu_count),
        "tier": vm.tier,
        "region": vm.region,
        "ip": ip,
        "rate": Cell(amount(vm.hourly_rate), sort=vm.hourly_rate or 0.0),
        "uptime": Cell(_uptime(vm, now), sort=-vm.status_changed_at.timestamp() if active else float("-inf")),
        "cost": Cell(_cost(vm), sort=round(cost, 2 if cost < 100 else 0)),
    }


@dataclass
class _Sweep:
    """A pass-by-pass walk over the instances of one poll, in the API's order."""

    keys: list[str]
    position: int = 0
    #: Rows were added on the way (the last pass then sets the whole order).
    came: bool = False


class InstancesScreen(LiveScreen):
    """All instances in one keyed, virtualised table that never jumps on refresh."""

    CSS_PATH = style_path("instances.tcss")
    TOPICS: ClassVar = (Topic.INSTANCES,)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "details", "Details"),
        Binding("u", "act('start')", "Start"),
        Binding("x", "act('stop')", "Stop"),
        Binding("b", "act('reboot')", "Reboot", show=False),
        Binding("h", "act('hibernate')", "Hibernate"),
        Binding("w", "act('restore')", "Restore"),
        Binding("i", "act('toggle_public_ip')", "Toggle public IP", show=False),
        Binding("delete", "act('delete')", "Delete", key_display="del"),
        Binding("s", "ssh", "SSH"),
        Binding("y", "copy_ip", "Copy IP", show=False),
        Binding("Y", "copy_ssh", "Copy ssh cmd", show=False),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("a", "toggle_assistant", "Assistant"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]
    #: Per pass, at most this many instances are checked and this many rows
    #: built (~5 ms each on a slow core), so however big the fleet, no pass
    #: holds the event loop long enough to delay a key press. The first pass
    #: into an empty table builds only a screenful, to paint it at once.
    CHECKS_PER_PASS: ClassVar[int] = 2500
    ROWS_PER_PASS: ClassVar[int] = 250
    FIRST_PASS_ROWS: ClassVar[int] = 100
    #: Seconds after mounting by which the footer is shown even if no list came.
    FOOTER_AT_THE_LATEST: ClassVar[float] = 0.3

    def __init__(self) -> None:
        super().__init__()
        self._stamps: dict[str, RowStamp] = {}
        self._sweep: _Sweep | None = None
        self._catching_up = False
        self._key_states: frozenset[str] | None = None
        self._keys_timer: Timer | None = None
        self._footer_shown = False

    def compose(self) -> ComposeResult:
        yield AccountBar(id="account-bar")
        yield ModeBar("instances", id="mode-bar")
        yield FilterBox("Filter: name, id, status, GPU, region, IP…")
        with Horizontal(id="body"):
            yield ResourceTable(COLUMNS, empty_text="No instances yet: press d to deploy one", id="instances")
        yield Container(id="footer-slot")

    def on_mount(self) -> None:
        self.query_one(ResourceTable).focus()
        self.set_timer(self.FOOTER_AT_THE_LATEST, self._show_footer)

    def _show_footer(self) -> None:
        """Put the footer in its slot, once: after the frame with the first rows.

        Composing the footer's dozen keys took ~40 ms of the ~300 ms from the
        app being built to its first rows; they follow a frame later. The slot
        holds the footer's line from the start, so nothing moves when it comes.
        """
        slots = self.query("#footer-slot")
        if not self._footer_shown and slots and slots.first().is_attached:  # not while closing
            self._footer_shown = True
            slots.first().mount(Footer())

    # -- data -----------------------------------------------------------------

    @property
    def table(self) -> ResourceTable:
        return self.query_one("#instances", ResourceTable)

    def apply_update(self, update: TopicUpdate) -> None:
        self.table.stale = update.state.failures > 0
        if not update.state.failures:
            self._sweep = _Sweep(list(self.instances()))
            self._sync_rows()
        if not self._footer_shown:
            self.call_after_refresh(self._show_footer)

    def _sync_rows(self) -> None:
        """One pass of the sweep over the instances: rebuild the rows whose shown
        values changed, then come back after the next frame for the rest.

        A first load of 10,000 instances paints its first rows at once and
        the rest over the next frames; a poll that moves a few rows costs a
        few short passes. Deleted rows go in the first pass; the last one sets
        the order if rows came.
        """
        sweep = self._sweep
        if sweep is None:
            return
        instances = self.instances()
        now = self.services.now()
        clock = now.timestamp()
        stamps = self._stamps
        table = self.table
        limit = self.ROWS_PER_PASS if table.total_count else self.FIRST_PASS_ROWS
        removed: set[str] = set()
        if sweep.position == 0:
            removed = stamps.keys() - instances.keys()
            for key in removed:
                del stamps[key]
        rows: dict[str, dict[str, object]] = {}
        keys, position = sweep.keys, sweep.position
        for key in islice(keys, position, position + self.CHECKS_PER_PASS):
            vm = instances.get(key)
            if vm is not None:
                stamp = stamps.get(key)
                if stamp is None or not stamp.holds(vm, clock):
                    if len(rows) == limit:
                        break
                    stamps[key] = RowStamp.of(vm, clock)
                    rows[key] = instance_row(vm, now)
            position += 1
        sweep.position = position
        sweep.came |= any(not table.has_row(key) for key in rows)
        done = position == len(keys)
        order = [key for key in instances if key in stamps] if done and sweep.came else None
        table.update_rows(rows, removed, order)
        if done:
            self._sweep = None
        else:
            self._catch_up()
        if self._target_states() != self._key_states:
            self._refresh_keys_soon()

    def _catch_up(self) -> None:
        """Run another pass once the screen has painted this one (once, however often asked)."""
        if not self._catching_up:
            self._catching_up = True
            self.call_after_refresh(self._caught_up)

    def _caught_up(self) -> None:
        self._catching_up = False
        self._sync_rows()

    def _refresh_keys(self) -> None:
        """Re-check which action keys are enabled, only when the targets' states changed.

        Rebuilding the footer is not free; most refreshes change no state.
        """
        states = self._target_states()
        if states != self._key_states:
            self._key_states = states
            self.refresh_bindings()

    def _refresh_keys_soon(self) -> None:
        """`_refresh_keys` once the cursor rests and new rows are on screen.

        The footer is rebuilt whole on every bindings refresh (10-35 ms): a held
        arrow key moves at full speed, and a first load paints its rows first.
        Pressing a key checks its action anyway; only the footer's look waits.
        """
        if self._keys_timer is not None:
            self._keys_timer.stop()
        self._keys_timer = self.set_timer(0.15, self._refresh_keys)

    def _target_states(self) -> frozenset[str]:
        """The statuses the action keys are enabled for."""
        return frozenset(vm.status for vm in self.targets())

    def targets(self) -> list[UserVM]:
        """The marked rows, or else the row under the cursor."""
        instances = self.instances()
        keys = self.table.selected_keys or ([self.table.cursor_key] if self.table.cursor_key else [])
        return [instances[k] for k in keys if k in instances]

    def current(self) -> UserVM | None:
        key = self.table.cursor_key
        return self.instances().get(key) if key else None

    # -- actions --------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "act" and self.is_mounted:
            kind = Action(str(parameters[0]))
            return None if blocked_reason(self.barrack, kind, self.targets()) else True
        return True

    @on(ResourceTable.SelectionChanged)
    def _marks_changed(self) -> None:
        self._refresh_keys()

    @on(ResourceTable.CursorMoved)
    def _cursor_moved(self) -> None:
        self._refresh_keys_soon()
        panel = self._assistant()
        if panel is not None and panel.display:
            panel.refresh_context()

    def _assistant(self) -> ChatPanel | None:
        found = self.query("#assistant")
        return found.first() if found else None  # type: ignore[return-value]

    def action_toggle_assistant(self) -> None:
        """Show the AI assistant beside the table (mounted on first use: it is heavy)."""
        panel = self._assistant()
        if panel is None:
            from barrack_tui.widgets.chat_panel import ChatPanel

            panel = ChatPanel(self._describe_selection, id="assistant")
            self.query_one("#body").mount(panel)
            self.call_after_refresh(panel.focus_input)
            return
        panel.display = not panel.display
        if panel.display:
            panel.focus_input()
        else:
            self.table.focus()

    def _describe_selection(self) -> str | None:
        from barrack_tui.chat_context import describe_instance

        vm = self.current()
        return describe_instance(vm, self.services.now()) if vm is not None else None

    @on(ResourceTable.RowActivated)
    def action_details(self) -> None:
        vm = self.current()
        if vm is None:
            return
        from barrack_tui.screens.instance_details import InstanceDetailsScreen

        self.app.push_screen(InstanceDetailsScreen(vm.instance_id))

    def action_act(self, action: str) -> None:
        self._run(Action(action), self.targets())

    @work(group="instance-action")
    async def _run(self, action: Action, vms: list[UserVM]) -> None:
        if await run_action(self.barrack, action, vms):
            self.table.clear_marks()

    def action_filter(self) -> None:
        self.query_one(FilterBox).open()

    def action_clear_filter(self) -> None:
        self.query_one(FilterBox).close()

    def action_copy_ip(self) -> None:
        vm = self.current()
        if vm is None or not vm.ip_address:
            self.notify("This instance has no public IP", severity="warning")
            return
        self.app.copy_to_clipboard(vm.ip_address)
        self.notify(f"Copied {vm.ip_address}")

    def action_copy_ssh(self) -> None:
        vm = self.current()
        command = ssh_command(vm) if vm else None
        if command is None:
            self.notify("This instance has no public IP", severity="warning")
            return
        self.app.copy_to_clipboard(command)
        self.notify(f"Copied: {command}")

    def action_ssh(self) -> None:
        open_ssh(self.barrack, self.current())


def open_ssh(app: BarrackApp, vm: UserVM | None) -> None:
    """Suspend the console, run ssh in the terminal, and come back."""
    command = ssh_command(vm) if vm else None
    if command is None:
        app.notify("This instance has no public IP to ssh to", severity="warning")
        return
    if shutil.which("ssh") is None:
        app.notify("No ssh client found on PATH", severity="error")
        return
    from textual.app import SuspendNotSupported

    assert app.services is not None
    app.services.engine.pause(True)
    try:
        with app.suspend():
            subprocess.run(command.split(), check=False)
    except SuspendNotSupported:
        app.notify("This terminal cannot suspend the app; copy the command with Y", severity="warning")
    finally:
        app.services.engine.pause(False)


def instance_commands(app: BarrackApp) -> Iterable[SystemCommand]:
    """Palette entries: jump to any instance by name or id."""
    from barrack_tui.screens.instance_details import InstanceDetailsScreen

    if app.services is None:
        return
    instances: dict[str, UserVM] = app.services.engine.data(Topic.INSTANCES) or {}

    def open_details(instance_id: str) -> None:
        app.switch_mode("instances")
        app.push_screen(InstanceDetailsScreen(instance_id))

    for vm in instances.values():
        yield SystemCommand(
            f"Instance {vm.vm_name} ({vm.instance_id})",
            f"{vm.status} · {vm.gpu_model} x{vm.gpu_count} · {vm.region}",
            partial(open_details, vm.instance_id),
            discover=False,
        )
