"""``client.balance``."""

from __future__ import annotations

from barrack_tui.api.models import CreditBalanceResponse
from barrack_tui.api.resources._resource import Resource, operation


class Balance(Resource):
    @operation("getCreditBalance")
    async def get(self) -> CreditBalanceResponse:
        return await self._requester.call("getCreditBalance", CreditBalanceResponse)
