"""Instances: list rows, details, actions (WIRE.md "Instances")."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from barrack_tui.api.models._base import BarrackModel, Envelope, Pagination
from barrack_tui.api.models._record import Record, record
from barrack_tui.api.models.deploy import Billing, InstanceSpecs
from barrack_tui.api.models.enums import (
    BootSource,
    Currency,
    FirewallStatus,
    IpStatus,
    Tier,
    VMStatus,
    VolumeType,
)
from barrack_tui.api.models.security import VMSecurityRule


@record
class UserVM(Record):
    """One instance as listed. ``hourly_rate`` is the full rate; ``current_hourly_rate``
    what the current state bills; ``accrued_cost`` what it has cost so far.

    A record, not a BaseModel: every poll parses the whole list (see _record.py).
    """

    instance_id: str
    vm_name: str
    status: VMStatus
    region: str
    tier: Tier
    gpu_model: str
    gpu_count: int
    ip_address: str | None = None
    ip_status: IpStatus | None = None
    public_ip: bool = False
    hourly_rate: float
    current_hourly_rate: float | None = None
    accrued_cost: float | None = None
    currency: Currency | None = None
    created_at: datetime
    status_changed_at: datetime | None = None
    boot_source: BootSource | None = None
    operating_system: str | None = None
    ssh_key: str | None = None


class ListUserVMsResponse(Envelope, Pagination):
    instances: list[UserVM]


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


class DeleteVMResponse(Envelope):
    """``status`` is None when a retried delete found the instance already gone."""

    instance_id: str
    status: VMStatus | None = None


class VMActionResponse(Envelope):
    """Answer to start/stop/reboot/hibernate/restore: the transitional state entered."""

    instance_id: str
    status: VMStatus
    previous_status: VMStatus | None = None


class StartVMResponse(VMActionResponse):
    pass


class StopVMResponse(VMActionResponse):
    pass


class RebootVMResponse(VMActionResponse):
    pass


class HibernateVMResponse(VMActionResponse):
    pass


class RestoreVMResponse(VMActionResponse):
    pass


class ToggleVMPublicIPResponse(Envelope):
    instance_id: str
    public_ip: bool
    ip_address: str | None = None


class AddVMSecurityRuleResponse(Envelope):
    instance_id: str
    rule: VMSecurityRule
    tier: Tier | None = None


class RemoveVMSecurityRuleResponse(Envelope):
    """Documented schema page."""

    instance_id: str
    rule_id: str
    tier: Tier | None = None


class GetHibernatedVMsResponse(Envelope):
    count: int


class GetVMAttachedFirewallsResponse(Envelope):
    instance_id: str
    firewalls: list[AttachedFirewall]


class ListVMsForSnapshotResponse(Envelope, Pagination):
    instances: list[UserVM]
