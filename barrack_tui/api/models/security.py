"""Security rules, shared by deploy, instances and firewalls (field names from the seed)."""

from __future__ import annotations

from pydantic import Field

from barrack_tui.api.models._base import BarrackModel, RequestModel
from barrack_tui.api.models.enums import Direction, Ethertype, ProtocolEnum


class VMSecurityRuleRequest(RequestModel):
    """A rule to add. Ports only for tcp/udp; both given together; min <= max."""

    direction: Direction
    protocol: ProtocolEnum
    ethertype: Ethertype = Ethertype.IPV4
    port_range_min: int | None = Field(default=None, ge=1, le=65535)
    port_range_max: int | None = Field(default=None, ge=1, le=65535)
    remote_ip_prefix: str | None = None
    """CIDR; ``0.0.0.0/0`` or ``::/0`` means anywhere."""


class VMSecurityRule(BarrackModel):
    """A rule as the server holds it."""

    rule_id: str
    direction: Direction
    protocol: ProtocolEnum
    ethertype: Ethertype
    port_range_min: int | None = None
    port_range_max: int | None = None
    remote_ip_prefix: str | None = None


class FirewallRule(VMSecurityRule):
    """A firewall's rule: the same shape as an instance rule (WIRE.md)."""
