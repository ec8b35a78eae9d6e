"""SSH keys. A generated private key is returned once; it is held as a SecretStr."""

from __future__ import annotations

from datetime import datetime

from pydantic import SecretStr

from barrack_tui.api.models._base import (
    BarrackModel,
    Envelope,
    Pagination,
    RequestModel,
)


class SSHKeyResponse(BarrackModel):
    key_id: str
    name: str
    fingerprint: str | None = None
    public_key: str | None = None
    key_type: str | None = None
    created_at: datetime | None = None
    in_use: bool = False


class GetSSHKeysResponse(Envelope, Pagination):
    ssh_keys: list[SSHKeyResponse]


class CreateSSHKeyRequest(RequestModel):
    """Without ``public_key`` the server generates a pair and returns the private key."""

    name: str
    public_key: str | None = None


class CreateSSHKeyResponse(Envelope):
    ssh_key: SSHKeyResponse
    private_key: SecretStr | None = None
    """Only when the server generated the key; shown once, never logged."""


class GetSSHKeyDetailResponse(Envelope):
    ssh_key: SSHKeyResponse


class DeleteSSHKeyResponse(Envelope):
    key_id: str
