"""Instance states move on the clock, per simulator-rules.md's table."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Sim, deploy_body, error_of


async def _deploy(sim: Sim, **overrides: Any) -> str:
    response = await sim.post("deploy-server/", deploy_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()["data"]["instance_id"]  # type: ignore[no-any-return]


async def _vm(sim: Sim, instance_id: str) -> dict[str, Any]:
    response = await sim.get(f"instances/{instance_id}/")
    assert response.status_code == 200, response.text
    return response.json()["instance"]  # type: ignore[no-any-return]


async def _active(sim: Sim, **overrides: Any) -> str:
    instance_id = await _deploy(sim, **overrides)
    sim.advance(90)
    assert (await _vm(sim, instance_id))["status"] == "ACTIVE"
    return instance_id


USER_VM_FIELDS = {
    "instance_id", "vm_name", "status", "region", "tier", "gpu_model", "gpu_count", "ip_address", "ip_status",
    "public_ip", "hourly_rate", "current_hourly_rate", "accrued_cost", "currency", "created_at", "status_changed_at",
    "boot_source", "operating_system", "ssh_key",
}  # fmt: skip


async def test_list_and_details_carry_the_wire_fields(demo: Sim) -> None:
    listed = (await demo.get("instances/")).json()["instances"]
    assert all(set(vm) == USER_VM_FIELDS for vm in listed)
    detail = await _vm(demo, listed[0]["instance_id"])
    assert set(detail) == USER_VM_FIELDS | {
        "specs", "billing", "volumes", "security_rules", "firewalls", "private_ip", "ssh_user", "script_id",
        "status_history",
    }  # fmt: skip
    assert {k: detail[k] for k in USER_VM_FIELDS} == listed[0]


async def test_creating_ends_in_active_between_30_and_90_seconds_with_an_ip(empty: Sim) -> None:
    instance_id = await _deploy(empty)
    due = empty.world.instances[instance_id].due - empty.world.t
    assert 30 <= due <= 90
    empty.advance(due - 1)
    vm = await _vm(empty, instance_id)
    assert (vm["status"], vm["ip_address"], vm["ip_status"]) == ("CREATING", None, "pending")
    empty.advance(1)
    vm = await _vm(empty, instance_id)
    assert vm["status"] == "ACTIVE"
    assert vm["ip_status"] == "assigned" and vm["ip_address"].startswith("198.18.")
    assert vm["status_changed_at"] == vm["status_history"][-1]["at"]
    assert [(h["from_status"], h["to_status"]) for h in vm["status_history"]] == [
        (None, "CREATING"),
        ("CREATING", "ACTIVE"),
    ]


async def test_no_public_ip_means_none(empty: Sim) -> None:
    instance_id = await _active(empty, public_ip=False)
    vm = await _vm(empty, instance_id)
    assert (vm["ip_address"], vm["ip_status"], vm["public_ip"]) == (None, "none", False)
    toggled = (await empty.post(f"instances/{instance_id}/toggle-public-ip/")).json()
    assert toggled["public_ip"] is True and toggled["ip_address"]
    off = (await empty.post(f"instances/{instance_id}/toggle-public-ip/", {"public_ip": False})).json()
    assert (off["public_ip"], off["ip_address"]) == (False, None)


@pytest.mark.parametrize(
    ("action", "setup", "through", "seconds", "ends_in"),
    [
        ("stop", [], "STOPPING", 10, "SHUTOFF"),
        ("start", ["stop"], "STARTING", 20, "ACTIVE"),
        ("reboot", [], "REBOOTING", 20, "ACTIVE"),
        ("hibernate", [], "HIBERNATING", 30, "HIBERNATED"),
        ("hibernate", ["stop"], "HIBERNATING", 30, "HIBERNATED"),
        ("restore", ["hibernate"], "RESTORING", 60, "ACTIVE"),
    ],
)
async def test_actions_move_through_their_state(
    empty: Sim, action: str, setup: list[str], through: str, seconds: int, ends_in: str
) -> None:
    instance_id = await _active(empty)
    for step in setup:
        assert (await empty.post(f"instances/{instance_id}/{step}/")).status_code == 200
        empty.advance(60)
    before = (await _vm(empty, instance_id))["status"]
    response = await empty.post(f"instances/{instance_id}/{action}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["instance_id"], body["status"], body["previous_status"]) == (instance_id, through, before)
    empty.advance(seconds - 1)
    assert (await _vm(empty, instance_id))["status"] == through
    empty.advance(1)
    assert (await _vm(empty, instance_id))["status"] == ends_in


async def test_delete_removes_the_instance_after_ten_seconds(empty: Sim) -> None:
    instance_id = await _active(empty)
    body = (await empty.delete(f"instances/{instance_id}/")).json()
    assert body["status"] == "DELETING"
    empty.advance(9)
    assert (await _vm(empty, instance_id))["status"] == "DELETING"
    empty.advance(1)
    status, code, text = error_of(await empty.get(f"instances/{instance_id}/"))
    assert (status, code) == (404, "not_found") and instance_id in text
    # Its OS disk went with it; its billing history stays.
    assert not any(v.attached_to == instance_id for v in empty.world.volumes.values())
    assert (await empty.get(f"instances/{instance_id}/billing/")).status_code == 200


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("start", "is ACTIVE; start needs SHUTOFF"),
        ("restore", "is ACTIVE; restore needs HIBERNATED"),
    ],
)
async def test_an_action_from_the_wrong_state_names_the_state(empty: Sim, action: str, message: str) -> None:
    instance_id = await _active(empty)
    status, code, text = error_of(await empty.post(f"instances/{instance_id}/{action}/"))
    assert (status, code) == (400, "invalid_state")
    assert text == f"Instance {instance_id} {message}"


async def test_stop_from_shutoff_and_delete_while_transitional(empty: Sim) -> None:
    instance_id = await _deploy(empty)
    status, code, text = error_of(await empty.delete(f"instances/{instance_id}/"))
    assert (status, code) == (400, "invalid_state")
    assert "is CREATING (wait for it to finish); delete needs ACTIVE, SHUTOFF, HIBERNATED or ERROR" in text
    empty.advance(90)
    await empty.post(f"instances/{instance_id}/stop/")
    empty.advance(10)
    _, _, text = error_of(await empty.post(f"instances/{instance_id}/stop/"))
    assert text == f"Instance {instance_id} is SHUTOFF; stop needs ACTIVE"
    _, _, text = error_of(await empty.post(f"instances/{instance_id}/toggle-public-ip/"))
    assert "toggle public IP needs ACTIVE" in text


async def _free(sim: Sim, model: str = "RTX-A6000", region: str = "CANADA-1") -> int:
    stocks = (await sim.get("gpu-stocks/")).json()["stocks"]
    return next(s["available"] for s in stocks if (s["gpu_model"], s["region"]) == (model, region))  # type: ignore[no-any-return]


async def test_hibernation_returns_gpus_and_restore_takes_them_back(empty: Sim) -> None:
    instance_id = await _active(empty, gpu_count=4)
    assert await _free(empty) == 4
    await empty.post(f"instances/{instance_id}/hibernate/")
    empty.advance(29)
    assert await _free(empty) == 4  # released when HIBERNATED, not before
    empty.advance(1)
    assert await _free(empty) == 8
    empty.world.set_free("RTX-A6000", "CANADA-1", 2)
    status, code, text = error_of(await empty.post(f"instances/{instance_id}/restore/"))
    assert (status, code) == (503, "no_capacity")
    assert "2 x RTX-A6000 free in CANADA-1 (asked 4)" in text
    empty.world.set_free("RTX-A6000", "CANADA-1", 4)
    assert (await empty.post(f"instances/{instance_id}/restore/")).status_code == 200
    assert await _free(empty) == 0


async def test_delete_returns_gpus(empty: Sim) -> None:
    instance_id = await _active(empty, gpu_count=2)
    assert await _free(empty) == 6
    await empty.delete(f"instances/{instance_id}/")
    empty.advance(10)
    assert await _free(empty) == 8


async def test_start_needs_one_hour_of_credit(empty: Sim) -> None:
    instance_id = await _active(empty)
    await empty.post(f"instances/{instance_id}/stop/")
    empty.advance(10)
    empty.world.set_balance(0.5)
    status, code, text = error_of(await empty.post(f"instances/{instance_id}/start/"))
    assert (status, code) == (402, "insufficient_balance")
    assert "Insufficient Credits: balance 0.50 USD, start of test-vm needs 0.60 USD for one hour" in text


async def test_security_rules_and_firewalls_of_an_instance(empty: Sim) -> None:
    instance_id = await _active(empty)
    rule = {"direction": "ingress", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22}
    added = (await empty.post(f"instances/{instance_id}/security-rules/", rule)).json()
    assert added["tier"] == "legacy"
    assert added["rule"]["remote_ip_prefix"] == "0.0.0.0/0"
    rule_id = added["rule"]["rule_id"]
    assert (await _vm(empty, instance_id))["security_rules"] == [added["rule"]]
    removed = (await empty.delete(f"instances/{instance_id}/security-rules/{rule_id}/")).json()
    assert {k: removed[k] for k in ("instance_id", "rule_id", "tier")} == {
        "instance_id": instance_id,
        "rule_id": rule_id,
        "tier": "legacy",
    }
    assert error_of(await empty.delete(f"instances/{instance_id}/security-rules/{rule_id}/"))[0] == 404
    assert (await empty.get(f"instances/{instance_id}/firewalls/")).json()["firewalls"] == []


async def test_counts_and_eligibility(demo: Sim) -> None:
    assert (await demo.get("instances/hibernated/count/")).json()["count"] == 1
    eligible = (await demo.get("instances/snapshot-eligible/")).json()["instances"]
    assert eligible and all(vm["status"] == "ACTIVE" and vm["tier"] == "legacy" for vm in eligible)


async def test_list_paging(demo: Sim) -> None:
    everything = (await demo.get("instances/")).json()
    assert (everything["total"], everything["page"], everything["total_pages"]) == (13, 1, 1)
    page = (await demo.get("instances/", page=2, limit=5)).json()
    assert (page["total"], page["page"], page["limit"], page["total_pages"]) == (13, 2, 5, 3)
    assert [vm["instance_id"] for vm in page["instances"]] == [
        vm["instance_id"] for vm in everything["instances"][5:10]
    ]
    status, _, text = error_of(await demo.get("instances/", limit=0))
    assert status == 400 and "'limit' must be 1 or more" in text
    status, _, text = error_of(await demo.get("instances/", page="x"))
    assert status == 400 and "'page' must be a whole number" in text
