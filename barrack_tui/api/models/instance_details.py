"""One instance in full: details, attached firewalls, security rule answers (WIRE.md "Instances")."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from barrack_tui.api.models._base import BarrackModel, Envelope
from barrack_tui.api.models._record import record
from barrack_tui.api.models.deploy import Billing, InstanceSpecs
from barrack_tui.api.models.enums import FirewallStatus, Tier, VMStatus, VolumeType
from barrack_tui.api.models.instances import UserVM
from barrack_tui.api.models.security import VMSecurityRule


class VMVolumeAttachment(BarrackModel):
    volume_id: str
    name: str
    size_gb: int
    volume_type: VolumeType
    is_boot: bool = False


class AttachedFirewall(BarrackModel):
    firewall_id: str
    name: str
    status: FirewallStatus | None = None


class StatusChange(BarrackModel):
    at: datetime
    from_status: VMStatus | None = None
    to_status: VMStatus


@record
class VMInstance(UserVM):
    """Full details of one instance."""

    specs: InstanceSpecs
    billing: Billing
    volumes: list[VMVolumeAttachment] = Field(default_factory=list)
    security_rules: list[VMSecurityRule] = Field(default_factory=list)
    firewalls: list[AttachedFirewall] = Field(default_factory=list)
    private_ip: str | None = None
    ssh_user: str | None = None
    script_id: str | None = None
    status_history: list[StatusChange] = Field(default_factory=list)
    """Latest last, at most 20."""


class VMDetailsResponse(Envelope):
    instance: VMInstance


class GetVMAttachedFirewallsResponse(Envelope):
    instance_id: str
    firewalls: list[AttachedFirewall]


class AddVMSecurityRuleResponse(Envelope):
    instance_id: str
    rule: VMSecurityRule
    tier: Tier | None = None


class RemoveVMSecurityRuleResponse(Envelope):
    """Documented schema page."""

    instance_id: str
    rule_id: str
    tier: Tier | None = None
