"""``client.scripts``: startup scripts."""

from __future__ import annotations

from collections.abc import Sequence

from barrack_tui.api.models import (
    BulkDeleteResponse,
    BulkDeleteScriptsRequest,
    CreateScriptRequest,
    ScriptCreateResponse,
    ScriptDeleteResponse,
    ScriptDetailResponse,
    ScriptListResponse,
    ScriptUpdateResponse,
    UpdateScriptRequest,
)
from barrack_tui.api.resources._resource import Resource, operation


class Scripts(Resource):
    @operation("listScripts")
    async def list(self, *, page: int | None = None, limit: int | None = None) -> ScriptListResponse:
        return await self._requester.call(
            "listScripts", ScriptListResponse, params={"page": page, "limit": limit}
        )

    @operation("createScript")
    async def create(
        self, name: str, content: str, *, description: str | None = None
    ) -> ScriptCreateResponse:
        body = CreateScriptRequest(name=name, content=content, description=description)
        return await self._requester.call("createScript", ScriptCreateResponse, body=body.to_body())

    @operation("getScript")
    async def get(self, script_id: str) -> ScriptDetailResponse:
        return await self._requester.call("getScript", ScriptDetailResponse, path={"script_id": script_id})

    @operation("updateScript")
    async def update(
        self,
        script_id: str,
        *,
        name: str | None = None,
        content: str | None = None,
        description: str | None = None,
    ) -> ScriptUpdateResponse:
        """Change the fields given; the others stay."""
        body = UpdateScriptRequest(name=name, content=content, description=description)
        return await self._requester.call(
            "updateScript", ScriptUpdateResponse, path={"script_id": script_id}, body=body.to_body()
        )

    @operation("deleteScript")
    async def delete(self, script_id: str) -> ScriptDeleteResponse:
        return await self._requester.call(
            "deleteScript",
            ScriptDeleteResponse,
            path={"script_id": script_id},
            gone=ScriptDeleteResponse(script_id=script_id, message="Script already deleted"),
        )

    @operation("deleteScripts")
    async def delete_many(self, script_ids: Sequence[str]) -> BulkDeleteResponse:
        """Delete several; ids that did not exist come back in ``not_found``."""
        body = BulkDeleteScriptsRequest(script_ids=list(script_ids))
        return await self._requester.call("deleteScripts", BulkDeleteResponse, body=body.to_body())
