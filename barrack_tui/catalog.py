"""The Barrack catalogue as the docs state it: tiers, regions, GPU models, list prices.

This is reference data, not live data. The simulator serves it as the truth of
its world; the console uses it only as a fallback and for validation hints when
the pricing, regions or specs endpoints cannot be reached, and always prefers
what the API answers.

Sources: the seed page (tiers, regions, models, USD list prices), the pricing
example (storage and snapshot prices, ``max_count`` for four models, EUR/INR
ratios) and the old dashboard guide (hibernation rate). Values marked
``assumed`` are our choices where nothing is documented; they are kept here so
they can be corrected in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

Tier = Literal["legacy", "advanced"]
Currency = Literal["USD", "EUR", "INR"]

CURRENCIES: Final[tuple[Currency, ...]] = ("USD", "EUR", "INR")
TIERS: Final[tuple[Tier, ...]] = ("legacy", "advanced")

REGIONS_BY_TIER: Final[dict[Tier, tuple[str, ...]]] = {
    "legacy": ("CANADA-1",),
    "advanced": ("FINLAND-1", "FINLAND-2", "FINLAND-3"),
}
REGIONS: Final[tuple[str, ...]] = tuple(r for rs in REGIONS_BY_TIER.values() for r in rs)

# Allowed GPU counts (assumed: powers of two up to the model's max_count).
GPU_COUNTS: Final[tuple[int, ...]] = (1, 2, 4, 8)


@dataclass(frozen=True, slots=True)
class GpuModelInfo:
    """One GPU model: its tier, list price per GPU-hour and per-GPU machine shape."""

    name: str
    tier: Tier
    prices: dict[Currency, float]
    max_count: int
    vram_gb: int
    vcpus_per_gpu: int
    ram_gb_per_gpu: int
    architecture: str

    @property
    def regions(self) -> tuple[str, ...]:
        return REGIONS_BY_TIER[self.tier]

    @property
    def counts(self) -> tuple[int, ...]:
        return tuple(c for c in GPU_COUNTS if c <= self.max_count)


def _gpu(
    name: str,
    tier: Tier,
    usd: float,
    eur: float,
    inr: float,
    max_count: int,
    vram: int,
    vcpus: int,
    ram: int,
    arch: str,
) -> GpuModelInfo:
    return GpuModelInfo(name, tier, {"USD": usd, "EUR": eur, "INR": inr}, max_count, vram, vcpus, ram, arch)


# USD from the seed. EUR/INR: the pricing example's value where it has the model,
# else the example's ratios (assumed). max_count: pricing example for H100s,
# RTX-A6000 and B300, assumed for the others. vCPUs/RAM per GPU: the seed's
# H100-SXM5 x4 (176 vCPUs, 740 GB) for that model, scaled by class for the rest (assumed).
GPU_MODELS: Final[dict[str, GpuModelInfo]] = {
    g.name: g
    for g in (
        _gpu("RTX-A6000", "legacy", 0.59, 0.64, 42, 4, 48, 12, 58, "Ampere"),
        _gpu("L40", "legacy", 1.19, 1.26, 101, 4, 48, 16, 96, "Ada Lovelace"),
        _gpu("A100-PCIe-80GB", "legacy", 1.49, 1.58, 127, 8, 80, 24, 120, "Ampere"),
        _gpu("H100-PCIe-80GB", "legacy", 1.99, 2.11, 169, 8, 80, 28, 180, "Hopper"),
        _gpu("H100-PCIe-NVLink-80GB", "legacy", 2.29, 2.39, 199, 8, 80, 28, 180, "Hopper"),
        _gpu("H100-SXM5-80GB", "advanced", 2.69, 2.90, 226, 8, 80, 44, 185, "Hopper"),
        _gpu("H200-141GB", "advanced", 3.49, 3.70, 297, 8, 141, 44, 230, "Hopper"),
        _gpu("B200-180GB", "advanced", 4.69, 4.97, 399, 8, 180, 48, 280, "Blackwell"),
        _gpu("B300-262GB", "advanced", 5.89, 6.09, 508, 8, 262, 56, 350, "Blackwell"),
    )
}

# Storage per TB-hour by tier and type (pricing example).
VOLUME_PRICES: Final[dict[Tier, dict[str, dict[Currency, float]]]] = {
    "legacy": {"SSD": {"USD": 0.10, "EUR": 0.10, "INR": 10}},
    "advanced": {
        "HDD": {"USD": 0.08, "EUR": 0.10, "INR": 8},
        "NVMe": {"USD": 0.30, "EUR": 0.35, "INR": 30},
    },
}
# The OS volume's type: NVMe on advanced (seed example), SSD on legacy (assumed).
OS_VOLUME_TYPE: Final[dict[Tier, str]] = {"legacy": "SSD", "advanced": "NVMe"}
VOLUME_MIN_GB: Final = 100
VOLUME_MAX_GB: Final = 1_048_576

# Snapshots: per hour each, fixed 100 GB, legacy tier only (pricing example).
SNAPSHOT_PRICE: Final[dict[Currency, float]] = {"USD": 0.10, "EUR": 0.10, "INR": 10}
SNAPSHOT_SIZE_GB: Final = 100

# Flat hourly rate of a HIBERNATED instance (guide).
HIBERNATION_PRICE: Final[dict[Currency, float]] = {"USD": 0.01, "EUR": 0.01, "INR": 1.0}

CLOUD_INIT_MAX_BYTES: Final = 16 * 1024
NAME_MAX_LEN: Final = 50
FIREWALLS_PER_ACCOUNT: Final = 25
SSH_KEYS_PER_REGION: Final = 25
DEFAULT_SSH_USER: Final = "ubuntu"


def list_price(prices: Mapping[Any, float], currency: str | None) -> float:
    """A list price in ``currency`` (any string: the API's), in USD when it is not listed."""
    return prices.get(currency or "USD", prices["USD"])


def tier_of_region(region: str) -> Tier | None:
    for tier, regions in REGIONS_BY_TIER.items():
        if region in regions:
            return tier
    return None


def volume_hourly_rate(price_per_tb_hour: float, size_gb: int) -> float:
    """A volume's hourly rate: price per TB-hour x size in GB / 1024.

    The seed's 100 GB NVMe OS volume at 0.0293/h matches this to four places.
    """
    return price_per_tb_hour * size_gb / 1024
