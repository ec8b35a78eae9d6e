"""Checks several rules share: lookups, catalogue fit, capacity and credit."""

from __future__ import annotations

from barrack_tui.catalog import GPU_MODELS, REGIONS, GpuModelInfo, Tier, tier_of_region
from barrack_tui.sim.errors import (
    SimError,
    insufficient_credits,
    invalid,
    no_capacity,
    not_found,
)
from barrack_tui.sim.model import (
    Firewall,
    Image,
    Instance,
    Script,
    Snapshot,
    SshKey,
    Volume,
)
from barrack_tui.sim.world import World


def instance(world: World, instance_id: str) -> Instance:
    found = world.instances.get(instance_id)
    if found is None:
        raise not_found("Instance", instance_id)
    return found


def volume(world: World, volume_id: str) -> Volume:
    found = world.volumes.get(volume_id)
    if found is None:
        raise not_found("Volume", volume_id)
    return found


def firewall(world: World, firewall_id: str) -> Firewall:
    found = world.firewalls.get(firewall_id)
    if found is None:
        raise not_found("Firewall", firewall_id)
    return found


def ssh_key(world: World, ref: str) -> SshKey:
    found = world.find_ssh_key(ref)
    if found is None:
        names = ", ".join(k.name for k in world.ssh_keys.values()) or "none yet"
        raise SimError(404, f"SSH key {ref!r} not found (your keys: {names})")
    return found


def script(world: World, script_id: str) -> Script:
    found = world.scripts.get(script_id)
    if found is None:
        raise not_found("Startup script", script_id)
    return found


def snapshot(world: World, snapshot_id: str) -> Snapshot:
    found = world.snapshots.get(snapshot_id)
    if found is None:
        raise not_found("Snapshot", snapshot_id)
    return found


def image(world: World, image_id: str) -> Image:
    found = world.images.get(image_id)
    if found is None:
        raise not_found("Image", image_id)
    return found


def region(name: str) -> Tier:
    tier = tier_of_region(name)
    if tier is None:
        raise invalid(f"Unknown region {name!r}: choose one of {', '.join(REGIONS)}")
    return tier


def gpu_model(name: str) -> GpuModelInfo:
    info = GPU_MODELS.get(name)
    if info is None:
        raise invalid(f"Unknown GPU model {name!r}: choose one of {', '.join(GPU_MODELS)}")
    return info


def model_in_region(info: GpuModelInfo, region_name: str) -> None:
    region(region_name)
    if region_name not in info.regions:
        raise invalid(
            f"Region {region_name} is not valid for {info.name} ({info.tier} tier): use {' or '.join(info.regions)}"
        )


def gpu_count(info: GpuModelInfo, count: int) -> None:
    if count not in info.counts:
        allowed = [str(c) for c in info.counts]
        choices = allowed[0] if len(allowed) == 1 else f"{', '.join(allowed[:-1])} or {allowed[-1]}"
        raise invalid(f"gpu_count {count} is not allowed for {info.name}: choose {choices}")


def name_free(taken: bool, what: str, name: str) -> None:
    if taken:
        raise invalid(f"{what} name {name!r} is already used in this account: names are unique")


def capacity(world: World, info: GpuModelInfo, region_name: str, count: int) -> None:
    """503 naming what is free here and where else the model is in stock."""
    free = world.stock_of(info.name, region_name).available
    if free >= count:
        return
    elsewhere = [
        f"{r} ({world.stock_of(info.name, r).available})"
        for r in info.regions
        if r != region_name and world.stock_of(info.name, r).available >= count
    ]
    where = f"in stock elsewhere: {', '.join(elsewhere)}" if elsewhere else f"no region has {count} free right now"
    raise no_capacity(f"No capacity: {free} x {info.name} free in {region_name} (asked {count}); {where}")


def one_hour(world: World, hourly_rate: float, what: str) -> None:
    """An action that starts full-rate billing needs one hour of that rate in credit."""
    if world.balance < hourly_rate:
        raise insufficient_credits(world.balance, world.currency, hourly_rate, what)
