"""GPU stock, GPU specifications and regions."""

from __future__ import annotations

from barrack_tui.api.models._base import BarrackModel, Envelope
from barrack_tui.api.models.enums import Tier


class GPUStockItem(BarrackModel):
    """Free GPUs of one model in one region."""

    gpu_model: str
    region: str
    tier: Tier
    available: int
    total: int | None = None


class GPUStocksResponse(Envelope):
    stocks: list[GPUStockItem]

    def available(self, gpu_model: str, region: str) -> int:
        """Free GPUs of ``gpu_model`` in ``region`` (0 when not listed)."""
        return next(
            (s.available for s in self.stocks if s.gpu_model == gpu_model and s.region == region),
            0,
        )


class GPUSpec(BarrackModel):
    """One GPU model's machine shape per GPU and the counts it can be ordered in."""

    gpu_model: str
    tier: Tier
    vram_gb: int
    vcpus_per_gpu: int
    ram_gb_per_gpu: int
    architecture: str | None = None
    max_count: int
    gpu_counts: list[int] = []


class GPUSpecsResponse(Envelope):
    specs: list[GPUSpec]


class Region(BarrackModel):
    name: str
    tier: Tier
    country: str | None = None
    available: bool = True


class RegionsResponse(Envelope):
    regions: list[Region]
