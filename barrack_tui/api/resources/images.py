"""``client.images``: custom images."""

from __future__ import annotations

from barrack_tui.api.models import (
    ImageDeleteResponse,
    ImageDetailResponse,
    ImageListResponse,
    SnapshotImageRelationshipResponse,
)
from barrack_tui.api.resources._resource import Resource, operation


class Images(Resource):
    @operation("listCustomImages")
    async def list(self, *, page: int | None = None, limit: int | None = None) -> ImageListResponse:
        return await self._requester.call(
            "listCustomImages", ImageListResponse, params={"page": page, "limit": limit}
        )

    @operation("getImage")
    async def get(self, image_id: str) -> ImageDetailResponse:
        return await self._requester.call("getImage", ImageDetailResponse, path={"image_id": image_id})

    @operation("deleteImage")
    async def delete(self, image_id: str) -> ImageDeleteResponse:
        return await self._requester.call(
            "deleteImage",
            ImageDeleteResponse,
            path={"image_id": image_id},
            gone=ImageDeleteResponse(image_id=image_id, message="Image already deleted"),
        )

    @operation("getSnapshotImageRelationshipByImage")
    async def snapshot_of(self, image_id: str) -> SnapshotImageRelationshipResponse:
        """The snapshot this image was made from, if it still exists."""
        return await self._requester.call(
            "getSnapshotImageRelationshipByImage",
            SnapshotImageRelationshipResponse,
            path={"image_id": image_id},
        )
