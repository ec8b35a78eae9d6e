"""Per-minute billing, the balance draining on the clock, and the three billing responses."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Sim, deploy_body

OS_SSD_100 = 0.10 * 100 / 1024  # legacy OS disk, $/h
A6000 = 0.59


async def _active(sim: Sim, **overrides: Any) -> str:
    response = await sim.post("deploy-server/", deploy_body(**overrides))
    instance_id: str = response.json()["data"]["instance_id"]
    sim.advance(sim.world.instances[instance_id].due - sim.world.t)
    return instance_id


async def _vm(sim: Sim, instance_id: str) -> dict[str, Any]:
    return (await sim.get(f"instances/{instance_id}/")).json()["instance"]  # type: ignore[no-any-return]


async def _balance(sim: Sim) -> float:
    return (await sim.get("balance/")).json()["balance"]  # type: ignore[no-any-return]


async def test_rates_per_state(empty: Sim) -> None:
    response = await empty.post("deploy-server/", deploy_body())
    instance_id = response.json()["data"]["instance_id"]
    creating = await _vm(empty, instance_id)
    assert creating["hourly_rate"] == round(A6000 + OS_SSD_100, 4)
    assert creating["current_hourly_rate"] == round(OS_SSD_100, 4)  # transitional: storage only
    empty.advance(90)
    active = await _vm(empty, instance_id)
    assert active["current_hourly_rate"] == active["hourly_rate"]
    await empty.post(f"instances/{instance_id}/hibernate/")
    empty.advance(30)
    hibernated = await _vm(empty, instance_id)
    assert hibernated["status"] == "HIBERNATED"
    assert hibernated["current_hourly_rate"] == round(OS_SSD_100 + 0.01, 4)


async def test_accrued_cost_is_per_minute_without_rounding(empty: Sim) -> None:
    instance_id = await _active(empty)
    start = (await _vm(empty, instance_id))["accrued_cost"]
    empty.advance(60)
    one_minute = (await _vm(empty, instance_id))["accrued_cost"] - start
    assert one_minute == pytest.approx((A6000 + OS_SSD_100) / 60, abs=1e-4)
    empty.advance(30)
    half = (await _vm(empty, instance_id))["accrued_cost"] - start - one_minute
    assert half == pytest.approx((A6000 + OS_SSD_100) / 120, abs=1e-4)


async def test_balance_drains_at_the_burn_rate(empty: Sim) -> None:
    instance_id = await _active(empty)
    before = await _balance(empty)
    empty.advance(3600)
    after = await _balance(empty)
    assert before - after == pytest.approx(A6000 + OS_SSD_100, abs=1e-3)
    assert (await _vm(empty, instance_id))["status"] == "ACTIVE"


async def test_running_out_of_credit_hibernates_running_instances(empty: Sim) -> None:
    first = await _active(empty, instance_name="first")
    second = await _active(empty, instance_name="second")
    await empty.post(f"instances/{second}/stop/")
    empty.advance(10)
    empty.sim.advance()  # bring the world to the clock before changing it
    burn = 2 * (A6000 + OS_SSD_100)
    empty.world.set_balance(burn * 2)  # two hours left
    empty.advance(2 * 3600 - 1)
    assert (await _vm(empty, first))["status"] == "ACTIVE"
    assert await _balance(empty) == pytest.approx(burn / 3600, abs=1e-4)
    empty.advance(2)
    assert {(await _vm(empty, i))["status"] for i in (first, second)} == {"HIBERNATING"}
    assert await _balance(empty) == 0.0
    empty.advance(30)
    assert {(await _vm(empty, i))["status"] for i in (first, second)} == {"HIBERNATED"}
    stocks = (await empty.get("gpu-stocks/")).json()["stocks"]
    assert next(s["available"] for s in stocks if s["gpu_model"] == "RTX-A6000") == 8
    # An instance that finishes creating after that goes straight to hibernation.
    empty.world.set_balance(10)
    third = (await empty.post("deploy-server/", deploy_body(instance_name="third"))).json()["data"]["instance_id"]
    empty.world.set_balance(0)
    empty.advance(90)
    assert (await _vm(empty, third))["status"] == "HIBERNATING"


async def test_instance_billing_records_one_per_state_period(empty: Sim) -> None:
    instance_id = await _active(empty)
    empty.advance(600)
    await empty.post(f"instances/{instance_id}/stop/")
    empty.advance(10 + 300)
    doc = (await empty.get(f"instances/{instance_id}/billing/")).json()
    assert {"records", "summary", "total", "page", "limit", "total_pages", "currency"} <= set(doc)
    records = doc["records"]
    assert [r["description"].split(" ")[0] for r in records] == ["SHUTOFF", "STOPPING", "ACTIVE", "CREATING"]
    assert [r["status"] for r in records] == ["active", "completed", "completed", "completed"]
    assert records[0]["end_time"] is None
    for record in records:
        assert record["billing_id"].startswith(instance_id + "B")
        assert record["total_cost"] == pytest.approx(
            record["total_duration_minutes"] * record["per_minute_rate"], abs=1e-3
        )
        assert record["gpu_type"] == "RTX-A6000" and record["tier"] == "legacy" and record["currency"] == "USD"
    active = records[2]
    assert active["total_duration_minutes"] == 10.0
    assert active["per_minute_rate"] == round((A6000 + OS_SSD_100) / 60, 6)
    summary = doc["summary"]
    assert (summary["activeCount"], summary["completedCount"], summary["hibernatedCount"]) == (1, 3, 0)
    assert summary["totalCost"] == pytest.approx((await _vm(empty, instance_id))["accrued_cost"], abs=1e-3)


async def test_hibernation_periods_are_marked(empty: Sim) -> None:
    instance_id = await _active(empty)
    await empty.post(f"instances/{instance_id}/hibernate/")
    empty.advance(30 + 3600)
    records = (await empty.get(f"instances/{instance_id}/billing/")).json()["records"]
    assert records[0]["status"] == "hibernated"
    assert records[0]["per_minute_rate"] == round((0.01 + OS_SSD_100) / 60, 6)


async def test_attached_volumes_bill_with_their_instance(empty: Sim) -> None:
    instance_id = await _active(empty)
    volume = (
        await empty.post("volumes/", {"name": "data", "size": 1024, "volume_type": "SSD", "region": "CANADA-1"})
    ).json()["volume"]
    assert volume["status"] == "creating" and volume["hourly_rate"] == 0.1
    empty.advance(5)
    empty.advance(3600)
    attached = await empty.post(f"instances/{instance_id}/volumes/attach/", {"volume_ids": [volume["volume_id"]]})
    assert attached.json()["attached"] == [volume["volume_id"]]
    vm = await _vm(empty, instance_id)
    assert vm["hourly_rate"] == round(A6000 + OS_SSD_100 + 0.1, 4)
    assert vm["billing"]["breakdown"]["storage"]["data_volumes_total"] == 0.1
    empty.advance(3600)
    records = (await empty.get("volumes/billing/")).json()
    mine = [r for r in records["records"] if r["volume_id"] == volume["volume_id"]]
    assert len(mine) == 1  # billed on its own only while detached
    assert mine[0]["status"] == "completed"
    assert mine[0]["total_cost"] == pytest.approx(0.1 * 3605 / 3600, abs=1e-3)
    assert mine[0]["size_gb"] == 1024
    instance_records = (await empty.get(f"instances/{instance_id}/billing/")).json()["records"]
    assert instance_records[0]["per_minute_rate"] == round((A6000 + OS_SSD_100 + 0.1) / 60, 6)
    assert set(records["summary"]) >= {"totalMinutes", "activeCount", "averageUsage", "totalSizeGB", "totalCost"}


async def test_snapshot_billing(demo: Sim) -> None:
    doc = (await demo.get("snapshots/billing/")).json()
    assert doc["tier"] == "legacy"
    assert doc["records"]
    for record in doc["records"]:
        assert record["per_minute_rate"] == round(0.10 / 60, 6)
        assert record["size_gb"] == 100
        assert record["description"].startswith("Snapshot usage - ")


async def test_billing_of_an_unknown_instance_is_404(demo: Sim) -> None:
    assert (await demo.get("instances/BRK-NOPE00D/billing/")).status_code == 404
