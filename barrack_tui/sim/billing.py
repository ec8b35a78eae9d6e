"""The three documented billing responses, built from the meters' periods.

Shapes follow the docs' examples (endpoints.md 5.3, 8.x, 11.x): snake_case
records, a camelCase ``summary``, paging keys and ``currency`` at the top.
Records are newest first. Every record satisfies
``total_cost = total_duration_minutes x per_minute_rate`` (before rounding).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from barrack_tui.catalog import VOLUME_PRICES
from barrack_tui.sim.call import Call, Reply, ok, paged
from barrack_tui.sim.clock import iso
from barrack_tui.sim.meter import Period
from barrack_tui.sim.model import Instance, Snapshot, Volume
from barrack_tui.sim.world import World


def _times(p: Period, now: float) -> dict[str, Any]:
    minutes = p.minutes(now)
    return {
        "start_time": iso(p.start),
        "end_time": iso(p.end) if p.end is not None else None,
        "total_duration_minutes": round(minutes, 2),
        "per_minute_rate": round(p.hourly_rate / 60.0, 6),
        "total_cost": round(p.cost(now), 4),
    }


def _newest_first(periods: Iterable[tuple[Period, Any]]) -> list[tuple[Period, Any]]:
    return sorted(periods, key=lambda pair: pair[0].start, reverse=True)


def _reply(
    world: World,
    call: Call,
    message: str,
    periods: list[tuple[Period, Any]],
    record: Callable[[Period, Any], dict[str, Any]],
    summary: Callable[[list[dict[str, Any]]], dict[str, Any]],
    **extra: Any,
) -> Reply:
    records = [record(p, owner) for p, owner in _newest_first(periods)]
    page, paging = paged(records, call)
    return ok(message, records=list(page), summary=summary(records), **paging, currency=world.currency, **extra)


def _totals(records: list[dict[str, Any]]) -> tuple[float, float]:
    minutes = sum(r["total_duration_minutes"] for r in records)
    cost = sum(r["total_cost"] for r in records)
    return round(minutes, 2), round(cost, 4)


def instance_billing(world: World, inst: Instance, call: Call) -> Reply:
    now = call.now

    def record(p: Period, _: object) -> dict[str, Any]:
        times = _times(p, now)
        if p.state == "HIBERNATED":
            status = "hibernated"
        else:
            status = "active" if p.end is None else "completed"
        return {
            "billing_id": p.billing_id,
            "instance_id": inst.instance_id,
            "vm_name": inst.vm_name,
            "gpu_type": inst.gpu_model,
            "gpu_count": inst.gpu_count,
            "tier": inst.tier,
            **times,
            "currency": world.currency,
            "status": status,
            "description": (
                f"{p.state} billing - {times['total_duration_minutes']:.0f} minutes for "
                f"{inst.gpu_model} x{inst.gpu_count} ({inst.vm_name})"
            ),
        }

    def summary(records: list[dict[str, Any]]) -> dict[str, Any]:
        minutes, cost = _totals(records)
        statuses = [r["status"] for r in records]
        return {
            "totalMinutes": minutes,
            "activeCount": statuses.count("active"),
            "completedCount": statuses.count("completed"),
            "hibernatedCount": statuses.count("hibernated"),
            "averageUsage": round(minutes / len(records), 2) if records else 0,
            "totalCost": cost,
        }

    periods = [(p, inst) for p in inst.meter.periods()]
    return _reply(world, call, "Instance billing retrieved successfully", periods, record, summary)


def _storage_summary(records: list[dict[str, Any]], owner_key: str) -> dict[str, Any]:
    minutes, cost = _totals(records)
    sizes = {r[owner_key]: r["size_gb"] for r in records}
    return {
        "totalMinutes": minutes,
        "activeCount": sum(1 for r in records if r["end_time"] is None),
        "averageUsage": round(minutes / len(records), 2) if records else 0,
        "totalSizeGB": sum(sizes.values()),
        "totalCost": cost,
    }


def volume_billing(world: World, call: Call) -> Reply:
    """Volumes bill here while unattached; attached, they bill with their instance."""
    now = call.now

    def record(p: Period, vol: Volume) -> dict[str, Any]:
        times = _times(p, now)
        price = VOLUME_PRICES[vol.tier][vol.volume_type][world.currency]
        size = round(p.hourly_rate * 1024 / price)  # the size billed in that period
        return {
            "billing_id": p.billing_id,
            "volume_id": vol.volume_id,
            "volume_name": vol.name,
            "size_gb": size,
            "tier": vol.tier,
            **times,
            "currency": world.currency,
            "status": "available" if p.end is None else "completed",
            "description": f"Volume billing - {times['total_duration_minutes']:.0f} minutes at {size}GB ({vol.name})",
        }

    volumes = [*world.volumes.values(), *world.past_volumes]
    periods = [(p, v) for v in volumes for p in v.meter.periods()]
    return _reply(
        world,
        call,
        "Volume billing retrieved successfully",
        periods,
        record,
        lambda records: _storage_summary(records, "volume_id"),
    )


def snapshot_billing(world: World, call: Call) -> Reply:
    now = call.now

    def record(p: Period, snap: Snapshot) -> dict[str, Any]:
        times = _times(p, now)
        return {
            "billing_id": p.billing_id,
            "snapshot_id": snap.snapshot_id,
            "snapshot_name": snap.name,
            "size_gb": snap.size_gb,
            "tier": snap.tier,
            **times,
            "currency": world.currency,
            "status": "active" if p.end is None else "completed",
            "description": (
                f"Snapshot usage - {times['total_duration_minutes']:.0f} minutes for "
                f"{snap.size_gb}GB snapshot ({snap.name})"
            ),
        }

    snapshots = [*world.snapshots.values(), *world.past_snapshots]
    periods = [(p, s) for s in snapshots for p in s.meter.periods()]
    return _reply(
        world,
        call,
        "Snapshot billing retrieved successfully",
        periods,
        record,
        lambda records: _storage_summary(records, "snapshot_id"),
        tier="legacy",
    )
