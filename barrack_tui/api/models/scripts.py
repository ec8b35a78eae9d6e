"""Startup scripts."""

from __future__ import annotations

from datetime import datetime

from barrack_tui.api.models._base import (
    BarrackModel,
    Envelope,
    Pagination,
    RequestModel,
)


class Script(BarrackModel):
    script_id: str
    name: str
    description: str | None = None
    content: str
    created_at: datetime | None = None
    updated_at: datetime | None = None


class ScriptListResponse(Envelope, Pagination):
    scripts: list[Script]


class CreateScriptRequest(RequestModel):
    name: str
    content: str
    description: str | None = None


class UpdateScriptRequest(RequestModel):
    """Only the fields given are changed."""

    name: str | None = None
    content: str | None = None
    description: str | None = None


class ScriptCreateResponse(Envelope):
    script: Script


class ScriptDetailResponse(Envelope):
    script: Script


class ScriptUpdateResponse(Envelope):
    script: Script


class ScriptDeleteResponse(Envelope):
    script_id: str


class BulkDeleteScriptsRequest(RequestModel):
    script_ids: list[str]


class BulkDeleteResponse(Envelope):
    deleted: list[str]
    not_found: list[str] = []
