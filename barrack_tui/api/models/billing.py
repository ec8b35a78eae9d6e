"""The three documented billing responses (instance, volume, snapshot).

Record keys are snake_case, summary keys camelCase on the wire; the summaries
expose snake_case attributes and accept either spelling.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from barrack_tui.api.models._base import BarrackModel, Envelope, Pagination
from barrack_tui.api.models.enums import BillingStatus, Currency, Tier


class _BillingRecordBase(BarrackModel):
    """``total_cost = total_duration_minutes x per_minute_rate``; ``end_time`` is
    None while the period is open."""

    billing_id: str
    tier: Tier | None = None
    start_time: datetime
    end_time: datetime | None = None
    total_duration_minutes: float
    per_minute_rate: float
    total_cost: float
    currency: Currency
    status: BillingStatus
    description: str | None = None


class BillingRecord(_BillingRecordBase):
    """One billed period of an instance (``per_minute_rate`` covers all its GPUs)."""

    instance_id: str
    vm_name: str | None = None
    gpu_type: str | None = None
    gpu_count: int | None = None


class VolumeBillingRecord(_BillingRecordBase):
    volume_id: str
    volume_name: str | None = None
    size_gb: float | None = None


class SnapshotBillingRecord(_BillingRecordBase):
    snapshot_id: str
    snapshot_name: str | None = None
    size_gb: float | None = None


class _BillingSummaryBase(BarrackModel):
    total_minutes: float = Field(default=0, alias="totalMinutes")
    active_count: int = Field(default=0, alias="activeCount")
    average_usage: float | None = Field(default=None, alias="averageUsage")
    total_cost: float | None = Field(default=None, alias="totalCost")


class BillingSummary(_BillingSummaryBase):
    completed_count: int = Field(default=0, alias="completedCount")
    hibernated_count: int = Field(default=0, alias="hibernatedCount")


class VolumeBillingSummary(_BillingSummaryBase):
    total_size_gb: float | None = Field(default=None, alias="totalSizeGB")


class SnapshotBillingSummary(_BillingSummaryBase):
    total_size_gb: float | None = Field(default=None, alias="totalSizeGB")


class InstanceBillingResponse(Envelope, Pagination):
    records: list[BillingRecord]
    summary: BillingSummary
    currency: Currency | None = None


class VolumeHourlyBillingResponse(Envelope, Pagination):
    records: list[VolumeBillingRecord]
    summary: VolumeBillingSummary
    currency: Currency | None = None


class SnapshotBillingResponse(Envelope, Pagination):
    records: list[SnapshotBillingRecord]
    summary: SnapshotBillingSummary
    currency: Currency | None = None
    tier: Tier | None = None
