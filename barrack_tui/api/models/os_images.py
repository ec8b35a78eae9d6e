"""OS images (listOsImages)."""

from __future__ import annotations

from barrack_tui.api.models._base import BarrackModel, Envelope, Pagination


class OSImage(BarrackModel):
    name: str
    description: str | None = None
    os: str | None = None
    cuda_version: str | None = None
    docker: bool = False
    regions: list[str] = []


class OSImagesResponse(Envelope, Pagination):
    images: list[OSImage]
