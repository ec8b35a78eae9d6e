"""Answers to the lifecycle actions on an instance (WIRE.md "Instances")."""

from __future__ import annotations

from barrack_tui.api.models._base import Envelope
from barrack_tui.api.models.enums import VMStatus


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


class GetHibernatedVMsResponse(Envelope):
    count: int
