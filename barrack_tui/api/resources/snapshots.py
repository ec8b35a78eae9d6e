"""``client.snapshots`` (and images made from them)."""

from __future__ import annotations

from barrack_tui.api.models import (
    CreateImageFromSnapshotRequest,
    CreateSnapshotRequest,
    CreateSnapshotResponse,
    DeleteSnapshotResponse,
    GetSnapshotDetailsResponse,
    ImageCreateResponse,
    ListSnapshotsResponse,
    RestoreSnapshotRequest,
    RestoreSnapshotResponse,
    SnapshotBillingResponse,
    SnapshotImageRelationshipResponse,
)
from barrack_tui.api.resources._resource import Resource, operation


class Snapshots(Resource):
    @operation("listSnapshots")
    async def list(self, *, page: int | None = None, limit: int | None = None) -> ListSnapshotsResponse:
        return await self._requester.call(
            "listSnapshots", ListSnapshotsResponse, params={"page": page, "limit": limit}
        )

    @operation("createSnapshot")
    async def create(
        self, instance_id: str, name: str, *, description: str | None = None
    ) -> CreateSnapshotResponse:
        """Snapshot an ACTIVE legacy-tier instance."""
        body = CreateSnapshotRequest(instance_id=instance_id, name=name, description=description)
        return await self._requester.call("createSnapshot", CreateSnapshotResponse, body=body.to_body())

    @operation("getSnapshot")
    async def get(self, snapshot_id: str) -> GetSnapshotDetailsResponse:
        return await self._requester.call(
            "getSnapshot", GetSnapshotDetailsResponse, path={"snapshot_id": snapshot_id}
        )

    @operation("deleteSnapshot")
    async def delete(self, snapshot_id: str) -> DeleteSnapshotResponse:
        return await self._requester.call(
            "deleteSnapshot",
            DeleteSnapshotResponse,
            path={"snapshot_id": snapshot_id},
            gone=DeleteSnapshotResponse(snapshot_id=snapshot_id, message="Snapshot already deleted"),
        )

    @operation("restoreSnapshot")
    async def restore(
        self, snapshot_id: str, *, instance_name: str | None = None, ssh_key: str | None = None
    ) -> RestoreSnapshotResponse:
        """A new instance from the snapshot (the snapshot's instance is untouched)."""
        body = RestoreSnapshotRequest(instance_name=instance_name, ssh_key=ssh_key)
        return await self._requester.call(
            "restoreSnapshot", RestoreSnapshotResponse, path={"snapshot_id": snapshot_id}, body=body.to_body()
        )

    @operation("getSnapshotBilling")
    async def billing(self, *, page: int | None = None, limit: int | None = None) -> SnapshotBillingResponse:
        return await self._requester.call(
            "getSnapshotBilling", SnapshotBillingResponse, params={"page": page, "limit": limit}
        )

    @operation("createImageFromSnapshot")
    async def create_image(
        self, snapshot_id: str, name: str, *, description: str | None = None
    ) -> ImageCreateResponse:
        body = CreateImageFromSnapshotRequest(name=name, description=description)
        return await self._requester.call(
            "createImageFromSnapshot",
            ImageCreateResponse,
            path={"snapshot_id": snapshot_id},
            body=body.to_body(),
        )

    @operation("getSnapshotImageRelationshipBySnapshot")
    async def image_of(self, snapshot_id: str) -> SnapshotImageRelationshipResponse:
        """The image made from this snapshot, if any."""
        return await self._requester.call(
            "getSnapshotImageRelationshipBySnapshot",
            SnapshotImageRelationshipResponse,
            path={"snapshot_id": snapshot_id},
        )
