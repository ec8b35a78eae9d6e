"""One instance in full: specs, billing, network, volumes, firewalls, security rules."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Label, Static

from barrack_tui.api.errors import BarrackError
from barrack_tui.catalog import DEFAULT_SSH_USER
from barrack_tui.format import duration, money, rate
from barrack_tui.lifecycle import Action, why_not
from barrack_tui.live.engine import TopicUpdate
from barrack_tui.live.topics import Topic
from barrack_tui.resources import style_path
from barrack_tui.screens.base import LiveScreen
from barrack_tui.screens.instance_actions import READ_ONLY_REASON, run_action
from barrack_tui.screens.instances import open_ssh
from barrack_tui.screens.security_rule_form import SecurityRuleForm
from barrack_tui.widgets.account_bar import AccountBar
from barrack_tui.widgets.resource_table import Column, ResourceTable
from barrack_tui.widgets.status import status_content

if TYPE_CHECKING:
    from barrack_tui.api.models import (
        InstanceBillingResponse,
        VMInstance,
        VMSecurityRule,
    )

RULE_COLUMNS = (
    Column("direction", "Direction", width=9),
    Column("protocol", "Proto", width=6),
    Column("ethertype", "IP", width=5),
    Column("ports", "Ports", width=13),
    Column("cidr", "Remote", min_width=18),
    Column("id", "Rule ID", width=12),
)


def rule_row(rule: VMSecurityRule) -> dict[str, str]:
    if rule.port_range_min is None:
        ports = "any"
    elif rule.port_range_min == rule.port_range_max:
        ports = str(rule.port_range_min)
    else:
        ports = f"{rule.port_range_min}-{rule.port_range_max}"
    return {
        "direction": rule.direction,
        "protocol": rule.protocol,
        "ethertype": rule.ethertype,
        "ports": ports,
        "cidr": rule.remote_ip_prefix or "any",
        "id": rule.rule_id,
    }


class InstanceDetailsScreen(LiveScreen):
    """Pushed inside the instances mode; follows the instance live."""

    CSS_PATH = style_path("instance_details.tcss")
    TOPICS: ClassVar = (Topic.INSTANCES,)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("u", "act('start')", "Start"),
        Binding("x", "act('stop')", "Stop"),
        Binding("b", "act('reboot')", "Reboot"),
        Binding("h", "act('hibernate')", "Hibernate"),
        Binding("w", "act('restore')", "Restore"),
        Binding("i", "act('toggle_public_ip')", "Public IP"),
        Binding("delete", "act('delete')", "Delete", key_display="del"),
        Binding("s", "ssh", "SSH"),
        Binding("plus", "add_rule", "Add rule", key_display="+"),
        Binding("minus", "remove_rule", "Remove rule", key_display="-"),
        Binding("y", "copy_ssh", "Copy ssh cmd"),
    ]

    def __init__(self, instance_id: str) -> None:
        super().__init__()
        self.instance_id = instance_id
        self.detail: VMInstance | None = None
        self.billing: InstanceBillingResponse | None = None
        self._seen_status: str | None = None

    def compose(self) -> ComposeResult:
        yield AccountBar(id="account-bar")
        yield Label(self.instance_id, id="title")
        with VerticalScroll(id="body"):
            with Horizontal(id="top"):
                yield Static("Loading…", id="specs", classes="panel")
                yield Static("", id="billing", classes="panel")
            with Horizontal(id="middle"):
                yield Static("", id="network", classes="panel")
                yield Static("", id="actions", classes="panel")
            yield Label("Security rules  (+ add, - remove the selected rule)", classes="section")
            yield ResourceTable(RULE_COLUMNS, empty_text="No security rules", id="rules")
            yield Static("", id="volumes", classes="panel")
            yield Static("", id="firewalls", classes="panel")
            yield Static("", id="records", classes="panel")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def apply_update(self, update: TopicUpdate) -> None:
        vm = (update.state.data or {}).get(self.instance_id)
        if vm is None:
            if update.state.loaded and self.detail is not None and not update.state.failures:
                self.notify(f"{self.detail.vm_name} is gone (deleted)")
                self.dismiss()
            return
        if vm.status != self._seen_status:
            self._seen_status = vm.status
            self.load()
        self._show_actions(vm.status)

    @work(group="instance-details", exclusive=True)
    async def load(self) -> None:
        """Fetch the details, billing and firewalls together."""
        api = self.services.client.instances
        try:
            details, billing = await asyncio.gather(
                api.get(self.instance_id), api.billing(self.instance_id)
            )
        except BarrackError as error:
            self.query_one("#specs", Static).update(Text(f"Could not load details: {error}", style="bold"))
            return
        self.detail = details.instance
        self.billing = billing
        self._show_details()

    # -- rendering ------------------------------------------------------------

    def _show_details(self) -> None:
        vm = self.detail
        if vm is None:
            return
        title = Content.assemble((f"{vm.vm_name}  ", "bold"), status_content(vm.status), f"  {vm.instance_id}")
        self.query_one("#title", Label).update(title)

        specs = Table.grid(padding=(0, 2))
        specs.add_row("GPU", f"{vm.gpu_model} x{vm.gpu_count}")
        if vm.specs is not None:
            specs.add_row("vCPUs", str(vm.specs.vcpus))
            specs.add_row("RAM", f"{vm.specs.ram_gb} GB")
            specs.add_row("Storage", f"{vm.specs.storage_gb} GB")
        specs.add_row("Tier / region", f"{vm.tier} · {vm.region}")
        specs.add_row("Boot", f"{vm.boot_source} · {vm.operating_system or '—'}")
        specs.add_row("Created", vm.created_at.strftime("%Y-%m-%d %H:%M UTC") if vm.created_at else "—")
        self.query_one("#specs", Static).update(specs)

        self.query_one("#billing", Static).update(self._billing_table(vm))

        net = Table.grid(padding=(0, 2))
        net.add_row("Public IP", vm.ip_address or ("pending" if vm.ip_status == "pending" else "none"))
        net.add_row("Private IP", vm.private_ip or "—")
        net.add_row("Public IP on", "yes" if vm.public_ip else "no")
        net.add_row("SSH key", vm.ssh_key or "—")
        net.add_row("SSH", f"ssh {vm.ssh_user or DEFAULT_SSH_USER}@{vm.ip_address}" if vm.ip_address else "—")
        self.query_one("#network", Static).update(net)

        self.query_one("#rules", ResourceTable).set_rows({r.rule_id: rule_row(r) for r in vm.security_rules})

        volumes = Table("Volume", "Size", "Type", "Boot", title="Volumes", title_justify="left", expand=True)
        for v in vm.volumes:
            volumes.add_row(v.name, f"{v.size_gb} GB", v.volume_type, "yes" if v.is_boot else "")
        self.query_one("#volumes", Static).update(volumes)

        firewalls = Table("Firewall", "ID", "Status", title="Firewalls", title_justify="left", expand=True)
        for f in vm.firewalls:
            firewalls.add_row(f.name, f.firewall_id, f.status or "")
        self.query_one("#firewalls", Static).update(firewalls)

        self.query_one("#records", Static).update(self._records_table(vm.currency))
        self._show_actions(vm.status)

    def _billing_table(self, vm: VMInstance) -> Table:
        table = Table.grid(padding=(0, 2))
        currency = vm.currency
        breakdown = vm.billing.breakdown if vm.billing else None
        if breakdown is not None:
            gpu = breakdown.compute.gpu
            table.add_row("GPU", f"{gpu.count} x {gpu.model}", rate(gpu.hourly_rate, currency))
            os_volume = breakdown.storage.os_volume
            if os_volume is not None:
                table.add_row("OS volume", f"{os_volume.size_gb} GB {os_volume.type}", rate(os_volume.hourly_rate, currency))
            table.add_row("Data volumes", "", rate(breakdown.storage.data_volumes_total, currency))
        table.add_row(Text("Total", style="bold"), "", Text(rate(vm.hourly_rate, currency), style="bold"))
        table.add_row("Billed now", vm.status, rate(vm.current_hourly_rate, currency))
        table.add_row("Cost so far", "", money(vm.accrued_cost, currency))
        return table

    def _records_table(self, currency: str | None) -> Table:
        table = Table("Period", "State", "Minutes", "$/min", "Cost", title="Billing records", title_justify="left", expand=True)
        if self.billing is None:
            return table
        for record in self.billing.records:
            end = record.end_time.strftime("%m-%d %H:%M") if record.end_time else "now"
            start = record.start_time.strftime("%m-%d %H:%M") if record.start_time else "?"
            table.add_row(
                f"{start} → {end}",
                record.status or "",
                f"{record.total_duration_minutes:,.0f}",
                f"{record.per_minute_rate:.4f}",
                money(record.total_cost, record.currency or currency),
            )
        summary = self.billing.summary
        if summary.total_cost is not None:
            minutes = duration(summary.total_minutes * 60)
            table.add_row(Text("Total", style="bold"), "", minutes, "", Text(money(summary.total_cost, currency), style="bold"))
        return table

    def _show_actions(self, status: str) -> None:
        lines: list[tuple[str, str]] = [("Actions\n", "bold")]
        read_only = self.services.read_only
        for action in Action:
            reason = READ_ONLY_REASON if read_only else why_not(action, status)
            if reason is None:
                lines.append((f"✓ {action.label}\n", "$success"))
            else:
                lines.append((f"· {action.label}: {reason}\n", "$text-muted"))
        self.query_one("#actions", Static).update(Content.assemble(*lines))
        self.refresh_bindings()

    # -- actions --------------------------------------------------------------

    def _current(self) -> list:
        vm = self.instances().get(self.instance_id)
        return [vm] if vm is not None else []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("act", "add_rule", "remove_rule") and self.is_mounted:
            if self.services.read_only:
                return None
            if action == "act":
                vms = self._current()
                return True if vms and why_not(Action(str(parameters[0])), vms[0].status) is None else None
        return True

    def action_act(self, action: str) -> None:
        self._run(Action(action))

    @work(group="instance-action")
    async def _run(self, action: Action) -> None:
        if await run_action(self.barrack, action, self._current()):
            self.load()

    def action_ssh(self) -> None:
        vms = self._current()
        open_ssh(self.barrack, vms[0] if vms else None)

    def action_copy_ssh(self) -> None:
        vm = self.detail
        if vm is None or not vm.ip_address:
            self.notify("This instance has no public IP", severity="warning")
            return
        command = f"ssh {vm.ssh_user or DEFAULT_SSH_USER}@{vm.ip_address}"
        self.app.copy_to_clipboard(command)
        self.notify(f"Copied: {command}")

    def action_add_rule(self) -> None:
        self._add_rule()

    @work(group="security-rules")
    async def _add_rule(self) -> None:
        request = await self.app.push_screen_wait(SecurityRuleForm())
        if request is None:
            return
        try:
            await self.services.client.instances.add_security_rule(self.instance_id, request)
        except BarrackError as error:
            self.notify(f"Adding the rule failed: {error}", severity="error", timeout=8)
            return
        self.notify("Rule added (it can take a few minutes to apply)")
        self.load()

    def action_remove_rule(self) -> None:
        rule_id = self.query_one("#rules", ResourceTable).cursor_key
        if rule_id is None:
            self.notify("Select a rule in the table first", severity="warning")
            return
        self._remove_rule(rule_id)

    @work(group="security-rules")
    async def _remove_rule(self, rule_id: str) -> None:
        try:
            await self.services.client.instances.remove_security_rule(self.instance_id, rule_id)
        except BarrackError as error:
            self.notify(f"Removing rule {rule_id} failed: {error}", severity="error", timeout=8)
            return
        self.notify(f"Rule {rule_id} removed")
        self.load()
