"""Volumes (WIRE.md "Volumes")."""

from __future__ import annotations

from datetime import datetime

from barrack_tui.api.models._base import (
    BarrackModel,
    Envelope,
    Pagination,
    RequestModel,
)
from barrack_tui.api.models.enums import Currency, Tier, VolumeStatus, VolumeType


class VolumeResponse(BarrackModel):
    """One volume. ``attached_to`` is an instance id or None."""

    volume_id: str
    name: str
    size_gb: int
    volume_type: VolumeType
    region: str
    tier: Tier | None = None
    status: VolumeStatus
    bootable: bool = False
    image_name: str | None = None
    attached_to: str | None = None
    is_boot: bool = False
    hourly_rate: float | None = None
    created_at: datetime | None = None


class ListVolumesResponse(Envelope, Pagination):
    """The docs call this schema ``GetVolumesWithNextNameResponse``."""

    volumes: list[VolumeResponse]


class CreateVolumeRequest(RequestModel):
    name: str
    size: int
    """GB, at least 100."""
    volume_type: VolumeType
    region: str
    bootable: bool | None = None
    image_name: str | None = None
    """Bootable volumes only: the OS image to put on it."""


class CreateVolumeResponse(Envelope):
    volume: VolumeResponse


class GetVolumeDetailsResponse(Envelope):
    volume: VolumeResponse


class DeleteVolumeResponse(Envelope):
    volume_id: str


class ResizeVolumeRequest(RequestModel):
    size: int
    """New size in GB (grow only)."""


class ResizeVolumeResponse(Envelope):
    volume: VolumeResponse


class CloneVolumeRequest(RequestModel):
    name: str


class CloneVolumeResponse(Envelope):
    volume: VolumeResponse


class AttachVolumesRequest(RequestModel):
    volume_ids: list[str]


class AttachVolumesResponse(Envelope):
    instance_id: str
    attached: list[str]


class DetachVolumesRequest(RequestModel):
    volume_ids: list[str]


class DetachVolumesResponse(Envelope):
    instance_id: str
    detached: list[str]


class VolumeTypeItem(BarrackModel):
    tier: Tier
    volume_type: VolumeType
    price_per_tb_hour: float
    currency: Currency


class GetVolumeTypesResponse(Envelope):
    volume_types: list[VolumeTypeItem]
