"""Snapshots and custom images (WIRE.md "Snapshots and images")."""

from __future__ import annotations

from datetime import datetime

from barrack_tui.api.models._base import (
    BarrackModel,
    Envelope,
    Pagination,
    RequestModel,
)
from barrack_tui.api.models.enums import ImageStatus, SnapshotStatus, Tier
from barrack_tui.api.models.instances import UserVM


class Snapshot(BarrackModel):
    snapshot_id: str
    name: str
    description: str | None = None
    instance_id: str | None = None
    vm_name: str | None = None
    region: str
    tier: Tier | None = None
    size_gb: int | None = None
    status: SnapshotStatus
    gpu_model: str | None = None
    gpu_count: int | None = None
    created_at: datetime | None = None
    image_id: str | None = None


class ListSnapshotsResponse(Envelope, Pagination):
    snapshots: list[Snapshot]


class CreateSnapshotRequest(RequestModel):
    instance_id: str
    name: str
    description: str | None = None


class CreateSnapshotResponse(Envelope):
    snapshot: Snapshot


class GetSnapshotDetailsResponse(Envelope):
    snapshot: Snapshot


class DeleteSnapshotResponse(Envelope):
    snapshot_id: str


class RestoreSnapshotRequest(RequestModel):
    """Defaults: name ``<snapshot>-restored``; the snapshot's key."""

    instance_name: str | None = None
    ssh_key: str | None = None


class RestoreSnapshotResponse(Envelope):
    instance: UserVM
    """The new instance (CREATING)."""


class Image(BarrackModel):
    image_id: str
    name: str
    description: str | None = None
    region: str
    status: ImageStatus
    snapshot_id: str | None = None
    size_gb: int | None = None
    created_at: datetime | None = None


class ImageListResponse(Envelope, Pagination):
    images: list[Image]


class ImageDetailResponse(Envelope):
    image: Image


class ImageDeleteResponse(Envelope):
    image_id: str


class CreateImageFromSnapshotRequest(RequestModel):
    name: str
    description: str | None = None


class ImageCreateResponse(Envelope):
    image: Image


class SnapshotImageRelationshipResponse(Envelope):
    """Both relationship endpoints: by snapshot (``image_id``/``image``) or by image
    (``snapshot_id``/``snapshot``); the side asked about is always set."""

    snapshot_id: str | None = None
    image_id: str | None = None
    image: Image | None = None
    snapshot: Snapshot | None = None
