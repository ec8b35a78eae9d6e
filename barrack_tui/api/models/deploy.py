"""Deploy (createInstance): request and 201 response exactly as the seed page shows."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from barrack_tui.api.models._base import BarrackModel, Envelope, RequestModel
from barrack_tui.api.models.enums import (
    BootSource,
    Currency,
    IpStatus,
    Tier,
    VMStatus,
    VolumeType,
)
from barrack_tui.api.models.security import VMSecurityRuleRequest


class OsVolume(RequestModel):
    size: int
    """GB."""


class VolumeCreate(RequestModel):
    """A new data volume created and attached at deploy."""

    name: str
    size: int
    volume_type: VolumeType | None = None


class DeploymentRequest(RequestModel):
    """The deploy body. Image boot needs ``image_name`` and ``ssh_key``; volume boot
    needs ``volume_id`` and ``boot_from_volume=True`` (seed). The server checks the
    rest (model/region/count, stock, balance, limits)."""

    gpu_model: str
    gpu_count: int = Field(ge=1)
    region: str
    instance_name: str | None = None
    image_name: str | None = None
    volume_id: str | None = None
    boot_from_volume: bool = False
    ssh_key: str | None = None
    """Name or id of a registered key."""
    public_ip: bool = True
    security_rules: list[VMSecurityRuleRequest] | None = None
    cloud_init: str | None = None
    os_volume: OsVolume | None = None
    existing_volumes: list[str] | None = None
    volumes: list[VolumeCreate] | None = None
    script_id: str | None = None


class GpuBilling(BarrackModel):
    model: str
    count: int
    hourly_rate: float


class ComputeBilling(BarrackModel):
    gpu: GpuBilling


class OsVolumeBilling(BarrackModel):
    size_gb: int
    type: VolumeType
    hourly_rate: float


class DataVolumeBilling(BarrackModel):
    name: str
    size_gb: int
    type: VolumeType
    hourly_rate: float


class StorageBilling(BarrackModel):
    os_volume: OsVolumeBilling | None = None
    data_volumes: list[DataVolumeBilling] = []
    data_volumes_total: float = 0.0


class BillingBreakdown(BarrackModel):
    compute: ComputeBilling
    storage: StorageBilling


class Billing(BarrackModel):
    """An instance's rate: GPUs + OS volume + data volumes = ``total_hourly_rate``."""

    breakdown: BillingBreakdown
    total_hourly_rate: float
    currency: Currency


class InstanceSpecs(BarrackModel):
    gpu_type: str
    gpu_count: int
    ram_gb: int
    vcpus: int
    storage_gb: int


class InstanceFeatures(BarrackModel):
    startup_script_configured: bool = False


class DeploymentData(BarrackModel):
    instance_id: str
    vm_name: str
    region: str
    ip_address: str | None = None
    ip_status: IpStatus
    billing: Billing
    specs: InstanceSpecs
    status: VMStatus
    boot_source: BootSource
    operating_system: str | None = None
    # A factory, not an instance: building one at import would build the schema then.
    features: InstanceFeatures = Field(default_factory=InstanceFeatures)
    created_at: datetime


class DeploymentResponse(Envelope):
    timestamp: datetime | None = None
    data: DeploymentData
    tier: Tier
