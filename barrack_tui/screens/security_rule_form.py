"""A modal form for one security rule, checked field by field as you type."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from barrack_tui import validation
from barrack_tui.api.models import VMSecurityRuleRequest
from barrack_tui.resources import style_path

PROTOCOLS = ("tcp", "udp", "icmp")


def rule_problems(protocol: str, ethertype: str, low: str, high: str, cidr: str) -> dict[str, str]:
    """Field id -> message for every invalid field of a rule."""
    problems: dict[str, str] = {}
    ports = validation.port_range(protocol, low, high)
    if ports:
        problems["ports"] = ports
    where = validation.cidr(cidr, ethertype)
    if where:
        problems["cidr"] = where
    return problems


class SecurityRuleForm(ModalScreen[VMSecurityRuleRequest | None]):
    CSS_PATH = style_path("security_rule_form.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Add a security rule", id="title")
            with Grid(id="fields"):
                yield Label("Direction")
                yield Select([("ingress", "ingress"), ("egress", "egress")], value="ingress", allow_blank=False, id="direction")
                yield Label("Protocol")
                yield Select([(p.upper(), p) for p in PROTOCOLS], value="tcp", allow_blank=False, id="protocol")
                yield Label("IP version")
                yield Select([("IPv4", "IPv4"), ("IPv6", "IPv6")], value="IPv4", allow_blank=False, id="ethertype")
                yield Label("Ports (min, max)")
                with Horizontal(id="port-fields"):
                    yield Input(placeholder="22", id="port-min", restrict=r"\d*")
                    yield Input(placeholder="22", id="port-max", restrict=r"\d*")
                yield Label("Remote CIDR")
                yield Input(value="0.0.0.0/0", id="cidr")
            yield Label("", id="ports-error", classes="error")
            yield Label("", id="cidr-error", classes="error")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Add rule", id="submit", variant="primary", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#port-min", Input).focus()
        self._check()

    def _values(self) -> tuple[str, str, str, str, str, str]:
        def sel(name: str) -> str:
            return str(self.query_one(f"#{name}", Select).value)

        def text(name: str) -> str:
            return self.query_one(f"#{name}", Input).value

        return sel("direction"), sel("protocol"), sel("ethertype"), text("port-min"), text("port-max"), text("cidr")

    @on(Input.Changed)
    @on(Select.Changed)
    def _check(self) -> None:
        problems = rule_problems(*self._values()[1:])  # the direction never makes a rule invalid
        for field in ("ports", "cidr"):
            self.query_one(f"#{field}-error", Label).update(problems.get(field, ""))
        self.query_one("#port-min").set_class("ports" in problems, "-invalid")
        self.query_one("#port-max").set_class("ports" in problems, "-invalid")
        self.query_one("#cidr").set_class("cidr" in problems, "-invalid")
        self.query_one("#submit", Button).disabled = bool(problems)

    @on(Button.Pressed, "#submit")
    @on(Input.Submitted)
    def _submit(self) -> None:
        direction, protocol, ethertype, low, high, cidr = self._values()
        if rule_problems(protocol, ethertype, low, high, cidr):
            return
        ports = protocol in validation.PORT_PROTOCOLS
        self.dismiss(
            VMSecurityRuleRequest(
                direction=direction,
                protocol=protocol,
                ethertype=ethertype,
                port_range_min=int(low) if ports else None,
                port_range_max=int(high) if ports else None,
                remote_ip_prefix=cidr.strip(),
            )
        )

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
