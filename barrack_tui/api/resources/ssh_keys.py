"""``client.ssh_keys``."""

from __future__ import annotations

from barrack_tui.api.models import (
    CreateSSHKeyRequest,
    CreateSSHKeyResponse,
    DeleteSSHKeyResponse,
    GetSSHKeyDetailResponse,
    GetSSHKeysResponse,
)
from barrack_tui.api.resources._resource import Resource, operation


class SshKeys(Resource):
    @operation("listSshKeys")
    async def list(self, *, page: int | None = None, limit: int | None = None) -> GetSSHKeysResponse:
        return await self._requester.call(
            "listSshKeys", GetSSHKeysResponse, params={"page": page, "limit": limit}
        )

    @operation("createSshKey")
    async def create(self, name: str, public_key: str | None = None) -> CreateSSHKeyResponse:
        """Import ``public_key``, or without one have the server generate a pair
        (``private_key`` in the answer, returned this once)."""
        body = CreateSSHKeyRequest(name=name, public_key=public_key)
        return await self._requester.call("createSshKey", CreateSSHKeyResponse, body=body.to_body())

    @operation("getSshKey")
    async def get(self, key_id: str) -> GetSSHKeyDetailResponse:
        return await self._requester.call("getSshKey", GetSSHKeyDetailResponse, path={"key_id": key_id})

    @operation("deleteSshKey")
    async def delete(self, key_id: str) -> DeleteSSHKeyResponse:
        return await self._requester.call(
            "deleteSshKey",
            DeleteSSHKeyResponse,
            path={"key_id": key_id},
            gone=DeleteSSHKeyResponse(key_id=key_id, message="SSH key already deleted"),
        )
