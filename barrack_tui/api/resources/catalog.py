"""``client.catalog``: GPU stock, GPU specifications, regions."""

from __future__ import annotations

from barrack_tui.api.models import GPUSpecsResponse, GPUStocksResponse, RegionsResponse
from barrack_tui.api.resources._resource import Resource, operation


class Catalog(Resource):
    @operation("getGpuStocks")
    async def gpu_stocks(self) -> GPUStocksResponse:
        return await self._requester.call("getGpuStocks", GPUStocksResponse)

    @operation("getGpuSpecs")
    async def gpu_specs(self) -> GPUSpecsResponse:
        return await self._requester.call("getGpuSpecs", GPUSpecsResponse)

    @operation("listRegions")
    async def regions(self) -> RegionsResponse:
        return await self._requester.call("listRegions", RegionsResponse)
