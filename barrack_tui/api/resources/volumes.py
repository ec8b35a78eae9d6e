"""``client.volumes`` (attach/detach are per instance but live here, by subject)."""

from __future__ import annotations

from collections.abc import Sequence

from barrack_tui.api.models import (
    AttachVolumesRequest,
    AttachVolumesResponse,
    CloneVolumeRequest,
    CloneVolumeResponse,
    CreateVolumeRequest,
    CreateVolumeResponse,
    DeleteVolumeResponse,
    DetachVolumesRequest,
    DetachVolumesResponse,
    GetVolumeDetailsResponse,
    GetVolumeTypesResponse,
    ListVolumesResponse,
    ResizeVolumeRequest,
    ResizeVolumeResponse,
    VolumeHourlyBillingResponse,
)
from barrack_tui.api.resources._resource import Resource, operation


class Volumes(Resource):
    @operation("listVolumes")
    async def list(
        self, *, region: str | None = None, page: int | None = None, limit: int | None = None
    ) -> ListVolumesResponse:
        """Volumes (OS disks included), only those in ``region`` when given."""
        return await self._requester.call(
            "listVolumes", ListVolumesResponse, params={"region": region, "page": page, "limit": limit}
        )

    @operation("createVolume")
    async def create(
        self,
        name: str,
        size: int,
        volume_type: str,
        region: str,
        *,
        bootable: bool | None = None,
        image_name: str | None = None,
    ) -> CreateVolumeResponse:
        """A new volume of ``size`` GB (at least 100); a bootable one needs ``image_name``."""
        body = CreateVolumeRequest.model_validate(
            {
                "name": name,
                "size": size,
                "volume_type": volume_type,
                "region": region,
                "bootable": bootable,
                "image_name": image_name,
            }
        )
        return await self._requester.call("createVolume", CreateVolumeResponse, body=body.to_body())

    @operation("getVolume")
    async def get(self, volume_id: str) -> GetVolumeDetailsResponse:
        return await self._requester.call(
            "getVolume", GetVolumeDetailsResponse, path={"volume_id": volume_id}
        )

    @operation("deleteVolume")
    async def delete(self, volume_id: str) -> DeleteVolumeResponse:
        """Delete a detached volume, permanently."""
        return await self._requester.call(
            "deleteVolume",
            DeleteVolumeResponse,
            path={"volume_id": volume_id},
            gone=DeleteVolumeResponse(volume_id=volume_id, message="Volume already deleted"),
        )

    @operation("resizeVolume")
    async def resize(self, volume_id: str, size: int) -> ResizeVolumeResponse:
        """Grow to ``size`` GB."""
        body = ResizeVolumeRequest(size=size)
        return await self._requester.call(
            "resizeVolume", ResizeVolumeResponse, path={"volume_id": volume_id}, body=body.to_body()
        )

    @operation("cloneVolume")
    async def clone(self, volume_id: str, name: str) -> CloneVolumeResponse:
        """A copy named ``name`` in the same region."""
        body = CloneVolumeRequest(name=name)
        return await self._requester.call(
            "cloneVolume", CloneVolumeResponse, path={"volume_id": volume_id}, body=body.to_body()
        )

    @operation("attachVolumes")
    async def attach(self, instance_id: str, volume_ids: Sequence[str]) -> AttachVolumesResponse:
        body = AttachVolumesRequest(volume_ids=list(volume_ids))
        return await self._requester.call(
            "attachVolumes", AttachVolumesResponse, path={"instance_id": instance_id}, body=body.to_body()
        )

    @operation("detachVolumes")
    async def detach(self, instance_id: str, volume_ids: Sequence[str]) -> DetachVolumesResponse:
        body = DetachVolumesRequest(volume_ids=list(volume_ids))
        return await self._requester.call(
            "detachVolumes", DetachVolumesResponse, path={"instance_id": instance_id}, body=body.to_body()
        )

    @operation("listVolumeTypes")
    async def types(self) -> GetVolumeTypesResponse:
        return await self._requester.call("listVolumeTypes", GetVolumeTypesResponse)

    @operation("getVolumeBilling")
    async def billing(
        self, *, page: int | None = None, limit: int | None = None
    ) -> VolumeHourlyBillingResponse:
        return await self._requester.call(
            "getVolumeBilling", VolumeHourlyBillingResponse, params={"page": page, "limit": limit}
        )
