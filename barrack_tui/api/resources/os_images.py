"""``client.os_images``."""

from __future__ import annotations

from barrack_tui.api.models import OSImagesResponse
from barrack_tui.api.resources._resource import Resource, operation


class OsImages(Resource):
    @operation("listOsImages")
    async def list(
        self, *, region: str | None = None, page: int | None = None, limit: int | None = None
    ) -> OSImagesResponse:
        """OS images, only those offered in ``region`` when given."""
        return await self._requester.call(
            "listOsImages", OSImagesResponse, params={"region": region, "page": page, "limit": limit}
        )
