"""Bases shared by every model: tolerant responses, strict requests, the envelope."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class BarrackModel(BaseModel):
    """Base of response models: unknown fields are kept in ``model_extra``, never fatal."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)


class RequestModel(BaseModel):
    """Base of request bodies: a misspelt field fails at construction, not on the server."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)

    def to_body(self) -> dict[str, Any]:
        """The JSON body: fields left at None are not sent."""
        return self.model_dump(mode="json", exclude_none=True, by_alias=True)


class Envelope(BarrackModel):
    """The success envelope every response carries (README §7)."""

    success: bool = True
    message: str | None = None
    request_id: str | None = None


class Pagination(BarrackModel):
    """Paging keys beside a list (README §9): ``page`` is 1-based."""

    total: int | None = None
    page: int | None = None
    limit: int | None = None
    total_pages: int | None = None


class ErrorResponse(BarrackModel):
    """Error body (assumed shape, WIRE.md): ``error`` is a machine-readable code."""

    success: bool = False
    message: str | None = None
    error: str | None = None
    request_id: str | None = None
