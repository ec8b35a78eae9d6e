"""Instances as listed: the shapes every poll parses (WIRE.md "Instances").

Details and the answers to actions live in ``instance_details`` and
``instance_actions``: the console's first screen needs only these.
"""

from __future__ import annotations

from datetime import datetime

from barrack_tui.api.models._base import Envelope, Pagination
from barrack_tui.api.models._record import Record, record
from barrack_tui.api.models.enums import BootSource, Currency, IpStatus, Tier, VMStatus


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


class ListVMsForSnapshotResponse(Envelope, Pagination):
    instances: list[UserVM]
