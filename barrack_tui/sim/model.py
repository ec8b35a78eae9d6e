"""The things the simulated account holds. Plain records; the rules live elsewhere.

Times are epoch seconds (floats); the views turn them into ISO strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from barrack_tui.catalog import Tier
from barrack_tui.sim.meter import Meter


@dataclass(slots=True)
class SecurityRule:
    rule_id: str
    direction: str
    protocol: str
    ethertype: str
    port_range_min: int | None
    port_range_max: int | None
    remote_ip_prefix: str


@dataclass(slots=True)
class StatusChange:
    at: float
    from_status: str | None
    to_status: str


@dataclass(slots=True)
class Instance:
    instance_id: str
    vm_name: str
    region: str
    tier: Tier
    gpu_model: str
    gpu_count: int
    gpu_rate: float  # $/h for all its GPUs
    status: str
    created_at: float
    status_changed_at: float
    public_ip: bool
    private_ip: str
    boot_source: str  # image | volume
    operating_system: str
    ssh_key_id: str | None
    boot_volume_id: str
    meter: Meter
    storage_rate: float = 0.0  # $/h of every volume attached (boot included)
    ip_address: str | None = None
    image_name: str | None = None
    script_id: str | None = None
    cloud_init: str | None = None
    data_volume_ids: list[str] = field(default_factory=list)
    security_rules: list[SecurityRule] = field(default_factory=list)
    firewall_ids: list[str] = field(default_factory=list)
    history: list[StatusChange] = field(default_factory=list)
    holds_gpus: bool = True
    due: float | None = None  # when the current transition ends
    created_iso: str = ""
    changed_iso: str = ""
    # The serialised list entry without accrued_cost, and what it was built from.
    wire: tuple[tuple[object, ...], str] | None = None

    @property
    def full_rate(self) -> float:
        return self.gpu_rate + self.storage_rate


@dataclass(slots=True)
class Volume:
    volume_id: str
    name: str
    size_gb: int
    volume_type: str
    region: str
    tier: Tier
    status: str  # creating | available | in-use | error
    bootable: bool
    hourly_rate: float
    created_at: float
    meter: Meter
    image_name: str | None = None
    attached_to: str | None = None
    is_boot: bool = False
    # The OS disk of an image-booted instance: created and deleted with it.
    owned_by_instance: bool = False
    due: float | None = None


@dataclass(slots=True)
class FirewallAttachment:
    instance_id: str
    status: str = "SUCCESS"


@dataclass(slots=True)
class Firewall:
    firewall_id: str
    name: str
    description: str
    region: str
    created_at: float
    status: str = "SUCCESS"
    rules: list[SecurityRule] = field(default_factory=list)
    attachments: list[FirewallAttachment] = field(default_factory=list)


@dataclass(slots=True)
class SshKey:
    key_id: str
    name: str
    public_key: str
    key_type: str
    fingerprint: str
    created_at: float


@dataclass(slots=True)
class Script:
    script_id: str
    name: str
    description: str
    content: str
    created_at: float
    updated_at: float


@dataclass(slots=True)
class Snapshot:
    snapshot_id: str
    name: str
    description: str
    instance_id: str
    vm_name: str
    region: str
    tier: Tier
    size_gb: int
    gpu_model: str
    gpu_count: int
    operating_system: str
    ssh_key_id: str | None
    created_at: float
    meter: Meter
    status: str = "CREATING"
    image_id: str | None = None
    due: float | None = None


@dataclass(slots=True)
class Image:
    image_id: str
    name: str
    description: str
    region: str
    snapshot_id: str | None
    size_gb: int
    operating_system: str
    created_at: float
    status: str = "Creating"
    due: float | None = None


@dataclass(frozen=True, slots=True)
class OsImage:
    name: str
    description: str
    os: str
    cuda_version: str
    docker: bool
    regions: tuple[str, ...]


@dataclass(slots=True)
class AiTransaction:
    transaction_id: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    cost: float
    created_at: float


@dataclass(slots=True)
class Stock:
    total: int
    used: int = 0

    @property
    def available(self) -> int:
        return max(0, self.total - self.used)
