"""The firewalls mode: every firewall, live, with its rules, its instances and its actions."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from enum import Enum
from typing import TYPE_CHECKING, ClassVar, Final, TypeVar

from rich.table import Table
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Footer, Label, Static

from barrack_tui.api.errors import APIStatusError, BarrackError
from barrack_tui.catalog import FIREWALLS_PER_ACCOUNT
from barrack_tui.live.engine import TopicUpdate
from barrack_tui.live.topics import Topic
from barrack_tui.resources import style_path
from barrack_tui.screens.action_panel import actions_text
from barrack_tui.screens.base import LiveScreen
from barrack_tui.screens.firewall_forms import (
    GUIDE_PROTOCOLS,
    AttachFirewallForm,
    CreateFirewallForm,
    FirewallRuleForm,
    limit_reached,
)
from barrack_tui.screens.instance_actions import READ_ONLY_REASON
from barrack_tui.screens.instance_details import RULE_COLUMNS, rule_row
from barrack_tui.screens.resource_forms import ConfirmForm
from barrack_tui.widgets.account_bar import AccountBar
from barrack_tui.widgets.filter_box import FilterBox
from barrack_tui.widgets.mode_bar import ModeBar
from barrack_tui.widgets.resource_table import ResourceTable
from barrack_tui.widgets.status import status_cell, status_content
from barrack_tui.widgets.table_model import Cell, Column

if TYPE_CHECKING:
    from barrack_tui.api.models import (
        AddFirewallRuleResponse,
        AttachFirewallResponse,
        CreateFirewallRequest,
        DeleteFirewallResponse,
        FirewallInstance,
        FirewallResponse,
        FirewallRule,
        Protocol,
        RemoveFirewallRuleResponse,
        UserVM,
        VMSecurityRuleRequest,
    )

T = TypeVar("T")

COLUMNS: Final = (
    Column("name", "Name", min_width=14, max_width=24),
    Column("id", "ID", width=11),
    Column("region", "Region", width=9),
    Column("status", "Status", width=10),
    Column("rules", "Rules", width=5, align="right"),
    Column("attached", "Attached instances", min_width=20, max_width=60),
)
ATTACHMENT_COLUMNS: Final = (
    Column("name", "Instance", min_width=16, max_width=28),
    Column("id", "ID", width=11),
    Column("status", "Attachment", width=11),
    Column("state", "Instance state", width=14),
)


class FirewallAction(Enum):
    CREATE = "create"
    ADD_RULE = "add_rule"
    REMOVE_RULE = "remove_rule"
    ATTACH = "attach"
    DELETE = "delete"


# Key and label of each action, as the actions panel lists them.
ACTION_KEYS: Final = {
    FirewallAction.CREATE: ("n", "New firewall"),
    FirewallAction.ADD_RULE: ("+", "Add rule"),
    FirewallAction.REMOVE_RULE: ("-", "Remove rule"),
    FirewallAction.ATTACH: ("a", "Attach"),
    FirewallAction.DELETE: ("del", "Delete"),
}


def attachment_names(firewall: FirewallResponse, instances: Mapping[str, UserVM]) -> list[str]:
    names = []
    for attachment in firewall.attachments:
        vm = instances.get(attachment.instance_id)
        names.append(attachment.vm_name or (vm.vm_name if vm else attachment.instance_id))
    return names


def firewall_blocked(
    action: FirewallAction,
    firewall: FirewallResponse | None,
    rule: FirewallRule | None,
    count: int,
    instances: Mapping[str, UserVM],
) -> str | None:
    """Why ``action`` cannot run now (the guide's rules), or None when it can."""
    if action is FirewallAction.CREATE:
        return limit_reached(count)
    if firewall is None:
        return "No firewall selected"
    if action is FirewallAction.REMOVE_RULE:
        if not firewall.rules:
            return "The firewall has no rules"
        return None if rule is not None else "Select a rule in the rules table"
    if action is FirewallAction.DELETE and firewall.attachments:
        names = ", ".join(attachment_names(firewall, instances))
        return f"Attached to {names}; a firewall with attachments cannot be deleted"
    return None


def firewall_row(firewall: FirewallResponse, instances: Mapping[str, UserVM]) -> dict[str, object]:
    names = attachment_names(firewall, instances)
    attached = f"{len(names)}: {', '.join(names)}" if names else "—"
    return {
        "name": firewall.name,
        "id": firewall.firewall_id,
        "region": firewall.region,
        "status": status_cell(str(firewall.status)),
        "rules": Cell(str(len(firewall.rules)), sort=len(firewall.rules)),
        "attached": Cell(attached, "" if names else "muted", len(names)),
    }


def describe_rule(rule: FirewallRule) -> str:
    """``ingress tcp 22 from 0.0.0.0/0``."""
    ports = rule_row(rule)["ports"]
    where = "to" if rule.direction == "egress" else "from"
    return f"{rule.direction} {rule.protocol} {ports} {where} {rule.remote_ip_prefix or 'any'} ({rule.ethertype})"


class FirewallsScreen(LiveScreen):
    """Firewalls in a keyed table; the selected one's rules and instances below it."""

    CSS_PATH = style_path("firewalls.tcss")
    TOPICS: ClassVar = (Topic.FIREWALLS, Topic.INSTANCES)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "act('create')", "New"),
        Binding("plus", "act('add_rule')", "Add rule", key_display="+"),
        Binding("minus", "act('remove_rule')", "Remove rule", key_display="-"),
        Binding("a", "act('attach')", "Attach"),
        Binding("delete", "act('delete')", "Delete", key_display="del"),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._protocols: list[Protocol] | None = None
        self._select_when_listed: str | None = None
        self._enabled: tuple[bool | None, ...] = ()

    def compose(self) -> ComposeResult:
        yield AccountBar(id="account-bar")
        yield ModeBar("firewalls", id="mode-bar")
        yield FilterBox("Filter: name, id, region, status, instance…")
        yield ResourceTable(COLUMNS, empty_text="Loading firewalls…", id="firewalls")
        with Horizontal(id="detail"):
            with Vertical(id="info-panel", classes="panel"):
                yield Label("", id="info-title")
                yield Static("", id="info")
                yield Static("", id="actions")
            with Vertical(id="parts"):
                yield ResourceTable(RULE_COLUMNS, empty_text="No rules: press + to add one", id="rules")
                yield ResourceTable(
                    ATTACHMENT_COLUMNS, empty_text="Not attached: press a to attach", id="attachments"
                )
        yield Footer()

    def on_mount(self) -> None:
        # LiveScreen.on_mount runs after this one (Textual calls both) and renders the cache.
        self.query_one("#rules", ResourceTable).border_title = "Rules  (+ add, - remove)"
        self.query_one("#attachments", ResourceTable).border_title = "Attached instances  (a attach)"
        self._update_title()
        self.table.focus()
        self._show_detail()

    # -- data -----------------------------------------------------------------

    @property
    def table(self) -> ResourceTable:
        return self.query_one("#firewalls", ResourceTable)

    @property
    def rules_table(self) -> ResourceTable:
        return self.query_one("#rules", ResourceTable)

    def firewalls(self) -> dict[str, FirewallResponse]:
        return self.services.engine.data(Topic.FIREWALLS) or {}

    def current(self) -> FirewallResponse | None:
        key = self.table.cursor_key
        return self.firewalls().get(key) if key else None

    def current_rule(self) -> FirewallRule | None:
        firewall, key = self.current(), self.rules_table.cursor_key
        if firewall is None or key is None:
            return None
        return next((rule for rule in firewall.rules if rule.rule_id == key), None)

    def apply_update(self, update: TopicUpdate) -> None:
        state = self.services.engine.states[Topic.FIREWALLS]
        self.table.stale = state.failures > 0
        if not state.loaded:
            if state.error is not None:
                self.table.empty_text = f"Could not load firewalls: {state.error}"
            return
        self.table.empty_text = "No firewalls yet: press n to create one"
        instances = self.instances()
        self.table.set_rows({key: firewall_row(f, instances) for key, f in self.firewalls().items()})
        if self._select_when_listed is not None and self.table.has_row(self._select_when_listed):
            self.table.cursor_key = self._select_when_listed
            self._select_when_listed = None
        self._update_title()
        self._show_detail()

    def _update_title(self) -> None:
        count = len(self.firewalls())
        self.table.border_title = f"Firewalls  {count} of {FIREWALLS_PER_ACCOUNT} allowed"

    @on(ResourceTable.CursorMoved, "#firewalls")
    def _firewall_moved(self) -> None:
        self._show_detail()

    @on(ResourceTable.CursorMoved, "#rules")
    def _rule_moved(self) -> None:
        self._show_actions()

    # -- the detail pane --------------------------------------------------------

    def _show_detail(self) -> None:
        firewall, instances = self.current(), self.instances()
        title = self.query_one("#info-title", Label)
        info = self.query_one("#info", Static)
        if firewall is None:
            loaded = self.services.engine.states[Topic.FIREWALLS].loaded
            title.update(Content.styled("No firewall selected" if loaded else "Loading…", "italic"))
            info.update("")
            self.rules_table.set_rows({})
            self.query_one("#attachments", ResourceTable).set_rows({})
            self._show_actions()
            return
        title.update(Content.assemble((firewall.name, "bold"), "  ", status_content(str(firewall.status))))
        grid = Table.grid(padding=(0, 2))
        grid.add_row("ID", firewall.firewall_id)
        grid.add_row("Region", firewall.region)
        grid.add_row("About", firewall.description or "—")
        grid.add_row(
            "Created", firewall.created_at.strftime("%Y-%m-%d %H:%M UTC") if firewall.created_at else "—"
        )
        grid.add_row("Rules", f"{len(firewall.rules)} · attached to {len(firewall.attachments)}")
        info.update(grid)
        self.rules_table.set_rows({rule.rule_id: rule_row(rule) for rule in firewall.rules})
        attachments = {}
        for attachment in firewall.attachments:
            vm = instances.get(attachment.instance_id)
            attachments[attachment.instance_id] = {
                "name": attachment.vm_name or (vm.vm_name if vm else "?"),
                "id": attachment.instance_id,
                "status": status_cell(str(attachment.status)),
                "state": status_cell(str(vm.status)) if vm else Cell("unknown", "muted"),
            }
        self.query_one("#attachments", ResourceTable).set_rows(attachments)
        self._show_actions()

    def _show_actions(self) -> None:
        """What can be done now; why not, for the rest."""
        text = actions_text(
            ACTION_KEYS,
            {action: self._reason(action) for action in ACTION_KEYS},
            read_only=self.services.read_only,
        )
        self.query_one("#actions", Static).update(text)
        self._refresh_keys()

    def _refresh_keys(self) -> None:
        """Refresh the footer only when an action became possible or impossible
        (a footer refresh rebuilds every key: too dear for each cursor move)."""
        enabled = tuple(self.check_action("act", (action.value,)) for action in FirewallAction)
        if enabled != self._enabled:
            self._enabled = enabled
            self.refresh_bindings()

    # -- actions --------------------------------------------------------------

    def _reason(self, action: FirewallAction) -> str | None:
        return firewall_blocked(
            action, self.current(), self.current_rule(), len(self.firewalls()), self.instances()
        )

    def blocked(self, action: FirewallAction) -> str | None:
        return READ_ONLY_REASON if self.services.read_only else self._reason(action)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "act" and self.is_mounted and self.app.services is not None:
            return None if self.blocked(FirewallAction(str(parameters[0]))) else True
        return True

    def action_act(self, action: str) -> None:
        kind = FirewallAction(action)
        reason = self.blocked(kind)
        if reason is not None:
            self.notify(reason, severity="warning")
            return
        self._run(kind)

    @work(group="firewall-action")
    async def _run(self, kind: FirewallAction) -> None:
        if kind is FirewallAction.CREATE:
            await self._create_firewall()
            return
        firewall = self.current()
        if firewall is None:
            return
        if kind is FirewallAction.ADD_RULE:
            await self._add_rule(firewall)
        elif kind is FirewallAction.REMOVE_RULE:
            rule = self.current_rule()
            if rule is not None:
                await self._remove_rule(firewall, rule)
        elif kind is FirewallAction.ATTACH:
            await self._attach_firewall(firewall)
        else:
            await self._delete_firewall(firewall)

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
            self.services.engine.invalidate(*topics)
            raise
        self.services.engine.invalidate(*topics)
        return result

    async def _supported_protocols(self) -> list[Protocol]:
        if self._protocols is None:
            try:
                self._protocols = list((await self.services.client.firewalls.protocols()).protocols)
            except BarrackError as error:
                self.notify(
                    f"Could not fetch the supported protocols ({error}); offering TCP, UDP, ICMP",
                    severity="warning",
                )
                return list(GUIDE_PROTOCOLS)
        return self._protocols

    async def _create_firewall(self) -> None:
        client = self.services.client.firewalls
        current = self.current()

        async def create(request: CreateFirewallRequest) -> FirewallResponse:
            call = client.create(request.name, request.region, description=request.description)
            return (await self._send(call, Topic.FIREWALLS)).firewall

        firewalls = self.firewalls()
        form = CreateFirewallForm(
            create,
            taken_names=[f.name for f in firewalls.values()],
            count=len(firewalls),
            region=current.region if current is not None else None,
        )
        firewall = await self.app.push_screen_wait(form)
        if firewall is not None:
            self._select_when_listed = firewall.firewall_id
            self.notify(f"Created firewall {firewall.name} ({firewall.firewall_id}); add its rules with +")

    async def _add_rule(self, firewall: FirewallResponse) -> None:
        client = self.services.client.firewalls
        firewall_id = firewall.firewall_id

        async def add(request: VMSecurityRuleRequest) -> AddFirewallRuleResponse:
            response = await self._send(client.add_rule(firewall_id, request), Topic.FIREWALLS)
            self.services.engine.patch(
                Topic.FIREWALLS,
                firewall_id,
                lambda f: f.model_copy(update={"rules": [*f.rules, response.rule]}),
            )
            return response

        form = FirewallRuleForm(firewall, await self._supported_protocols(), add)
        if await self.app.push_screen_wait(form) is not None and form.response is not None:
            self.rules_table.cursor_key = form.response.rule.rule_id
            self.notify(
                f"Rule added to {firewall.name}: {describe_rule(form.response.rule)} (applies within ~10 minutes)"
            )

    async def _remove_rule(self, firewall: FirewallResponse, rule: FirewallRule) -> None:
        client = self.services.client.firewalls
        firewall_id, rule_id = firewall.firewall_id, rule.rule_id

        async def remove() -> RemoveFirewallRuleResponse:
            response = await self._send(client.remove_rule(firewall_id, rule_id), Topic.FIREWALLS)
            self.services.engine.patch(
                Topic.FIREWALLS,
                firewall_id,
                lambda f: f.model_copy(update={"rules": [r for r in f.rules if r.rule_id != rule_id]}),
            )
            return response

        names = attachment_names(firewall, self.instances())
        note = f"From firewall {firewall.name}. " + (
            f"Its instances ({', '.join(names)}) lose it within about 10 minutes."
            if names
            else "It is attached to no instance."
        )
        form = ConfirmForm(
            f"Remove rule {describe_rule(rule)}?",
            remove,
            note=note,
            submit_label="Remove",
            busy_label="Removing…",
        )
        if await self.app.push_screen_wait(form) is not None:
            self.notify(f"Rule {rule_id} removed from {firewall.name}")

    async def _attach_firewall(self, firewall: FirewallResponse) -> None:
        client = self.services.client.firewalls
        firewall_id = firewall.firewall_id

        async def load() -> list[FirewallInstance]:
            return list((await client.attachable_instances(region=firewall.region)).instances)

        async def attach(instance_ids: list[str]) -> AttachFirewallResponse:
            response = await self._send(client.attach(firewall_id, instance_ids), Topic.FIREWALLS)
            self.services.engine.patch(
                Topic.FIREWALLS,
                firewall_id,
                lambda f: f.model_copy(update={"attachments": response.attachments}),
            )
            return response

        form = AttachFirewallForm(firewall, load, attach, instances=self.instances())
        response = await self.app.push_screen_wait(form)
        if response is not None:
            self.notify(f"{firewall.name} attached; now on {len(response.attachments)} instance(s)")

    async def _delete_firewall(self, firewall: FirewallResponse) -> None:
        client = self.services.client.firewalls

        async def delete() -> DeleteFirewallResponse:
            return await self._send(client.delete(firewall.firewall_id), Topic.FIREWALLS)

        note = f"{len(firewall.rules)} rule(s) in {firewall.region}; it is attached to no instance."
        form = ConfirmForm(f"Delete firewall {firewall.name}?", delete, note=note, busy_label="Deleting…")
        if await self.app.push_screen_wait(form) is not None:
            self.notify(f"Deleted firewall {firewall.name}")

    def action_filter(self) -> None:
        self.query_one(FilterBox).open()

    def action_clear_filter(self) -> None:
        self.query_one(FilterBox).close()