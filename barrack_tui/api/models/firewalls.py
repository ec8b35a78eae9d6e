"""Firewalls (WIRE.md "Firewalls")."""

from __future__ import annotations

from datetime import datetime

from barrack_tui.api.models._base import (
    BarrackModel,
    Envelope,
    Pagination,
    RequestModel,
)
from barrack_tui.api.models.enums import AttachmentStatus, FirewallStatus
from barrack_tui.api.models.security import FirewallRule, VMSecurityRuleRequest


class FirewallAttachment(BarrackModel):
    instance_id: str
    vm_name: str | None = None
    status: AttachmentStatus


class FirewallResponse(BarrackModel):
    firewall_id: str
    name: str
    description: str | None = None
    region: str
    status: FirewallStatus
    rules: list[FirewallRule] = []
    attachments: list[FirewallAttachment] = []
    created_at: datetime | None = None


class ListFirewallsResponse(Envelope, Pagination):
    firewalls: list[FirewallResponse]


class CreateFirewallRequest(RequestModel):
    name: str
    region: str
    description: str | None = None
    rules: list[VMSecurityRuleRequest] | None = None


class CreateFirewallResponse(Envelope):
    firewall: FirewallResponse


class GetFirewallDetailsResponse(Envelope):
    firewall: FirewallResponse


class DeleteFirewallResponse(Envelope):
    firewall_id: str


class Protocol(BarrackModel):
    """A protocol a rule may use; ports apply only where ``supports_ports``."""

    name: str
    supports_ports: bool


class GetSupportedProtocolsResponse(Envelope):
    protocols: list[Protocol]


class FirewallInstance(BarrackModel):
    instance_id: str
    vm_name: str
    region: str


class ListFirewallInstancesResponse(Envelope, Pagination):
    instances: list[FirewallInstance]


class AddFirewallRuleResponse(Envelope):
    firewall_id: str
    rule: FirewallRule


class RemoveFirewallRuleResponse(Envelope):
    firewall_id: str
    rule_id: str


class AttachFirewallRequest(RequestModel):
    instance_ids: list[str]


class AttachFirewallResponse(Envelope):
    firewall_id: str
    attachments: list[FirewallAttachment]
