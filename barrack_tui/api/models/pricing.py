"""Pricing (getPricing / postPricing): the documented ``pricing_data`` shape."""

from __future__ import annotations

from barrack_tui.api.models._base import BarrackModel, Envelope, RequestModel
from barrack_tui.api.models.enums import Currency, ResourceType, Tier, VolumeType


class Price(BarrackModel):
    """One price per currency; a ``currency`` filter leaves only that one."""

    USD: float | None = None
    EUR: float | None = None
    INR: float | None = None

    def in_currency(self, currency: str) -> float | None:
        value = getattr(self, str(currency), None)
        return float(value) if value is not None else None


class PriceEntry(BarrackModel):
    prices: Price
    unit: str
    max_count: int | None = None
    """GPU entries only."""
    fixed_size_gb: int | None = None
    """Snapshot entries only."""


class VolumePricing(BarrackModel):
    pricing: dict[Tier, dict[VolumeType, PriceEntry]]
    """tier -> volume type -> price per TB-hour."""
    minimum_size_gb: int | None = None
    description: str | None = None


class SnapshotPricing(BarrackModel):
    pricing: dict[Tier, PriceEntry]
    """tier -> price per snapshot-hour (legacy only)."""
    description: str | None = None


class GpuPricing(BarrackModel):
    pricing: dict[Tier, dict[str, PriceEntry]]
    """tier -> GPU model -> price per GPU-hour."""
    description: str | None = None


class PricingMetadata(BarrackModel):
    supported_currencies: list[Currency] = []
    supported_tiers: list[Tier] = []
    volume_minimum_size_gb: int | None = None
    authenticated_user: str | None = None
    authentication_type: str | None = None
    timestamp: int | None = None
    """Unix epoch seconds."""


class PriceQuote(BarrackModel):
    """Present when the request named ``gpu_model`` and ``gpu_count`` (WIRE.md)."""

    gpu_model: str
    gpu_count: int
    tier: Tier
    currency: Currency
    hourly_rate: float


class PricingData(BarrackModel):
    volumes: VolumePricing | None = None
    snapshots: SnapshotPricing | None = None
    gpus: GpuPricing | None = None
    metadata: PricingMetadata | None = None
    quote: PriceQuote | None = None

    def gpu_price(self, gpu_model: str) -> PriceEntry | None:
        """The GPU-hour price entry of ``gpu_model`` in whichever tier lists it."""
        if self.gpus is None:
            return None
        for models in self.gpus.pricing.values():
            if gpu_model in models:
                return models[gpu_model]
        return None


class PricingResponse(Envelope):
    pricing_data: PricingData


class PricingRequest(RequestModel):
    """Filters of the pricing endpoint (documented sample body)."""

    tier: Tier | None = None
    currency: Currency | None = None
    resource_type: ResourceType | None = None
    volume_size_gb: int | None = None
    volume_type: VolumeType | None = None
    gpu_model: str | None = None
    gpu_count: int | None = None
