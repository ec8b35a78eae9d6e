"""``client.pricing``: the same filters by query string (GET) or JSON body (POST)."""

from __future__ import annotations

from barrack_tui.api.models import PricingRequest, PricingResponse
from barrack_tui.api.resources._resource import Resource, operation


def _filters(
    tier: str | None,
    currency: str | None,
    resource_type: str | None,
    volume_size_gb: int | None,
    volume_type: str | None,
    gpu_model: str | None,
    gpu_count: int | None,
) -> PricingRequest:
    return PricingRequest.model_validate(
        {
            "tier": tier,
            "currency": currency,
            "resource_type": resource_type,
            "volume_size_gb": volume_size_gb,
            "volume_type": volume_type,
            "gpu_model": gpu_model,
            "gpu_count": gpu_count,
        }
    )


class Pricing(Resource):
    @operation("getPricing")
    async def get(
        self,
        *,
        tier: str | None = None,
        currency: str | None = None,
        resource_type: str | None = None,
        volume_size_gb: int | None = None,
        volume_type: str | None = None,
        gpu_model: str | None = None,
        gpu_count: int | None = None,
    ) -> PricingResponse:
        """Prices, narrowed by the filters given. With ``gpu_model`` and
        ``gpu_count``, ``pricing_data.quote`` holds the hourly rate of that machine."""
        filters = _filters(tier, currency, resource_type, volume_size_gb, volume_type, gpu_model, gpu_count)
        return await self._requester.call("getPricing", PricingResponse, params=filters.to_body())

    @operation("postPricing")
    async def quote(
        self,
        *,
        tier: str | None = None,
        currency: str | None = None,
        resource_type: str | None = None,
        volume_size_gb: int | None = None,
        volume_type: str | None = None,
        gpu_model: str | None = None,
        gpu_count: int | None = None,
    ) -> PricingResponse:
        """The documented POST form of :meth:`get` (filters in the JSON body)."""
        body = _filters(tier, currency, resource_type, volume_size_gb, volume_type, gpu_model, gpu_count)
        return await self._requester.call("postPricing", PricingResponse, body=body.to_body())
