"""Balance, stock, specs, regions, pricing, volume types, OS images, protocols.

Pricing follows the documented ``pricing_data`` example (endpoints.md 3.2),
filled from ``barrack_tui.catalog`` so every model is listed.
"""

from __future__ import annotations

from typing import Any, Final

from barrack_tui.catalog import (
    CURRENCIES,
    GPU_MODELS,
    REGIONS,
    SNAPSHOT_PRICE,
    SNAPSHOT_SIZE_GB,
    TIERS,
    VOLUME_MIN_GB,
    VOLUME_PRICES,
    Currency,
    Tier,
)
from barrack_tui.sim import assumed, checks, views
from barrack_tui.sim.call import Call, Reply, ok, paged
from barrack_tui.sim.errors import invalid
from barrack_tui.sim.fields import Fields
from barrack_tui.sim.world import World

RESOURCE_TYPES: Final = ("gpus", "volumes", "snapshots")
# The pricing example's metadata names the key that asked; the demo key's name.
API_KEY_NAME: Final = "barrack-tui-demo"


def balance(world: World, call: Call) -> Reply:
    return ok(
        "Credit balance retrieved successfully",
        balance=round(world.balance, 4),
        currency=world.currency,
        account={"email": world.account_email, "name": world.account_name},
    )


def gpu_stocks(world: World, call: Call) -> Reply:
    stocks = []
    for info in GPU_MODELS.values():
        for region in info.regions:
            stock = world.stock_of(info.name, region)
            stocks.append(
                {
                    "gpu_model": info.name,
                    "region": region,
                    "tier": info.tier,
                    "available": stock.available,
                    "total": stock.total,
                }
            )
    return ok("GPU stock retrieved successfully", stocks=stocks)


def gpu_specs(world: World, call: Call) -> Reply:
    specs = [
        {
            "gpu_model": info.name,
            "tier": info.tier,
            "vram_gb": info.vram_gb,
            "vcpus_per_gpu": info.vcpus_per_gpu,
            "ram_gb_per_gpu": info.ram_gb_per_gpu,
            "architecture": info.architecture,
            "max_count": info.max_count,
            "gpu_counts": list(info.counts),
        }
        for info in GPU_MODELS.values()
    ]
    return ok("GPU specifications retrieved successfully", specs=specs)


def regions(world: World, call: Call) -> Reply:
    listed = []
    for region in REGIONS:
        tier = checks.region(region)
        free = any(world.stock_of(m.name, region).available > 0 for m in GPU_MODELS.values() if m.tier == tier)
        listed.append({"name": region, "tier": tier, "country": assumed.COUNTRY_OF_REGION[region], "available": free})
    return ok("Regions retrieved successfully", regions=listed)


def _choice(value: str | None, allowed: tuple[str, ...], what: str) -> str | None:
    if value is None:
        return None
    match = next((a for a in allowed if a.lower() == value.lower()), None)
    if match is None:
        raise invalid(f"Unknown {what} {value!r}: use {', '.join(allowed)}")
    return match


def _prices(prices: dict[Currency, float], currency: str | None) -> dict[str, float]:
    return {c: v for c, v in prices.items() if currency is None or c == currency}


def pricing_data(world: World, query: Fields, now: float) -> dict[str, Any]:
    tier = _choice(query.text("tier"), TIERS, "tier")
    currency = _choice(query.text("currency"), CURRENCIES, "currency")
    resource = _choice(query.text("resource_type"), RESOURCE_TYPES, "resource_type")
    gpu_model = query.text("gpu_model")
    gpu_count = query.number("gpu_count")
    size = query.number("volume_size_gb")
    if size is not None and size < VOLUME_MIN_GB:
        raise invalid(f"volume_size_gb {size} is below the minimum of {VOLUME_MIN_GB} GB")
    vol_type = query.text("volume_type")
    if vol_type is not None and not any(vol_type in types for types in VOLUME_PRICES.values()):
        raise invalid(f"Unknown volume_type {vol_type!r}: use SSD (legacy), HDD or NVMe (advanced)")
    if gpu_model is not None:
        checks.gpu_model(gpu_model)
    tiers: tuple[Tier, ...] = TIERS if tier is None else (tier,)  # type: ignore[assignment]

    data: dict[str, Any] = {}
    if resource in (None, "volumes"):
        data["volumes"] = {
            "pricing": {
                t: {
                    vt: {"prices": _prices(prices, currency), "unit": "per TB per hour"}
                    for vt, prices in VOLUME_PRICES[t].items()
                    if vol_type is None or vt == vol_type
                }
                for t in tiers
            },
            "minimum_size_gb": VOLUME_MIN_GB,
            "description": "Volume storage pricing based on tier and volume type",
        }
    if resource in (None, "snapshots"):
        data["snapshots"] = {
            "pricing": {
                "legacy": {
                    "prices": _prices(SNAPSHOT_PRICE, currency),
                    "fixed_size_gb": SNAPSHOT_SIZE_GB,
                    "unit": f"per hour (fixed {SNAPSHOT_SIZE_GB}GB)",
                }
            }
            if "legacy" in tiers
            else {},
            "description": f"Snapshot pricing - fixed {SNAPSHOT_SIZE_GB}GB per snapshot, legacy tier only",
        }
    if resource in (None, "gpus"):
        data["gpus"] = {
            "pricing": {
                t: {
                    info.name: {
                        "prices": _prices(info.prices, currency),
                        "max_count": info.max_count,
                        "unit": "per GPU per hour",
                    }
                    for info in GPU_MODELS.values()
                    if info.tier == t and (gpu_model is None or info.name == gpu_model)
                }
                for t in tiers
            },
            "description": "GPU pricing by model and tier",
        }
    if gpu_model is not None and gpu_count is not None:
        info = checks.gpu_model(gpu_model)
        checks.gpu_count(info, gpu_count)
        quote_currency: Currency = currency or world.currency  # type: ignore[assignment]
        data["quote"] = {
            "gpu_model": info.name,
            "gpu_count": gpu_count,
            "tier": info.tier,
            "currency": quote_currency,
            "hourly_rate": views.money(info.prices[quote_currency] * gpu_count),
        }
    data["metadata"] = {
        "supported_currencies": list(CURRENCIES),
        "supported_tiers": list(TIERS),
        "volume_minimum_size_gb": VOLUME_MIN_GB,
        "authenticated_user": API_KEY_NAME,
        "authentication_type": "api_key",
        "timestamp": int(now),
    }
    return data


def get_pricing(world: World, call: Call) -> Reply:
    return ok("Pricing information retrieved successfully", pricing_data=pricing_data(world, call.query, call.now))


def post_pricing(world: World, call: Call) -> Reply:
    """The documented sample sends the fields both as query parameters and in the body."""
    merged = {k: v for k, v in call.query.data.items() if v != ""}
    merged.update({k: v for k, v in call.body.data.items() if v is not None and v != ""})
    fields = Fields(merged, "query")
    return ok("Pricing information retrieved successfully", pricing_data=pricing_data(world, fields, call.now))


def volume_types(world: World, call: Call) -> Reply:
    types = [
        {"tier": tier, "volume_type": vt, "price_per_tb_hour": prices[world.currency], "currency": world.currency}
        for tier in TIERS
        for vt, prices in VOLUME_PRICES[tier].items()
    ]
    return ok("Volume types retrieved successfully", volume_types=types)


def os_images(world: World, call: Call) -> Reply:
    region = call.query.text("region")
    if region is not None:
        checks.region(region)
    images = [o for o in world.os_images if region is None or region in o.regions]
    page, paging = paged(images, call)
    return ok("OS images retrieved successfully", images=[views.os_image(o) for o in page], **paging)


def protocols(world: World, call: Call) -> Reply:
    listed = [{"name": name, "supports_ports": ports} for name, ports in assumed.PROTOCOLS.items()]
    return ok("Supported protocols retrieved successfully", protocols=listed)


HANDLERS = {
    "getCreditBalance": balance,
    "getGpuStocks": gpu_stocks,
    "getGpuSpecs": gpu_specs,
    "listRegions": regions,
    "getPricing": get_pricing,
    "postPricing": post_pricing,
    "listVolumeTypes": volume_types,
    "listOsImages": os_images,
    "getSupportedProtocols": protocols,
}
