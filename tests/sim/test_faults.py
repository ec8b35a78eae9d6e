"""Fault injection, in-process and through the /_sim/ control routes."""

from __future__ import annotations

import json

import httpx
import pytest

from barrack_tui.sim import ConnectionDropped, Faults, create_app
from barrack_tui.sim.clock import RealClock

from .conftest import Sim, asgi_client, deploy_body, error_of


async def test_status_fault_fails_the_operation_without_running_it(empty: Sim) -> None:
    empty.sim.faults.add(operation="createInstance", kind="status", status=500)
    status, code, text = error_of(await empty.post("deploy-server/", deploy_body()))
    assert (status, code) == (500, "internal_error")
    assert "simulated fault on createInstance" in text
    assert not empty.world.instances
    assert (await empty.post("deploy-server/", deploy_body())).status_code == 201  # times=1


async def test_rate_limit_sends_retry_after(empty: Sim) -> None:
    empty.sim.faults.add("listInstances", "rate_limit", retry_after=7, times=2)
    for _ in range(2):
        response = await empty.get("instances/")
        assert error_of(response)[:2] == (429, "rate_limited")
        assert response.headers["retry-after"] == "7"
    assert (await empty.get("instances/")).status_code == 200


async def test_wildcard_and_other_operations(empty: Sim) -> None:
    empty.sim.faults.add("getCreditBalance", "status", status=503)
    assert (await empty.get("instances/")).status_code == 200
    assert (await empty.get("balance/")).status_code == 503
    empty.sim.faults.add("*", "status", status=502, times=None)
    assert (await empty.get("regions/")).status_code == 502
    assert (await empty.get("instances/")).status_code == 502
    assert empty.sim.faults.clear() == 1
    assert (await empty.get("instances/")).status_code == 200


async def test_malformed_and_truncated_bodies_still_commit(empty: Sim) -> None:
    empty.sim.faults.add("createInstance", "malformed")
    response = await empty.post("deploy-server/", deploy_body(instance_name="one"))
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()
    empty.sim.faults.add("createInstance", "truncated")
    response = await empty.post("deploy-server/", deploy_body(instance_name="two"))
    assert response.status_code == 200
    assert response.content.startswith(b'{"success":true')
    with pytest.raises(json.JSONDecodeError):
        response.json()
    assert set(empty.world.instance_names) == {"one", "two"}


async def test_commit_then_drop_creates_the_vm_and_breaks_the_response(empty: Sim) -> None:
    empty.sim.faults.add("createInstance", "commit_then_drop")
    with pytest.raises(httpx.RemoteProtocolError):
        await empty.post("deploy-server/", deploy_body())
    assert list(empty.world.instance_names) == ["test-vm"]
    last = list(empty.sim.requests)[-1]
    assert (last.operation, last.status, last.fault) == ("createInstance", 201, "commit_then_drop")


async def test_latency_delays_then_answers(empty: Sim) -> None:
    empty.sim.faults.add("listRegions", "latency", seconds=0.01)
    empty.sim.faults.add("listRegions", "status", status=500)
    assert (await empty.get("regions/")).status_code == 500
    assert not empty.sim.faults.active


def test_probability_is_seeded() -> None:
    def pattern(seed: int) -> list[bool]:
        faults = Faults(seed)
        faults.add("listInstances", "status", times=None, probability=0.5)
        return [faults.take("listInstances")[1] is not None for _ in range(40)]

    assert pattern(1) == pattern(1)
    assert pattern(1) != pattern(2)
    assert 5 < sum(pattern(1)) < 35


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "explode"}, "Unknown fault kind"),
        ({"operation": "nope"}, "Unknown operation"),
        ({"kind": "status", "status": 200}, "4xx or 5xx"),
        ({"times": 0}, "times must be 1 or more"),
        ({"probability": 0}, "probability"),
    ],
)
def test_fault_arguments_are_checked(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Faults().add(**kwargs)  # type: ignore[arg-type]


async def test_control_routes(empty: Sim) -> None:
    added = await empty.post("_sim/faults", {"operation": "getCreditBalance", "kind": "status", "status": 504})
    assert added.status_code == 200
    assert added.json()["fault"]["status"] == 504
    assert len((await empty.get("_sim/faults")).json()["faults"]) == 1
    assert error_of(await empty.get("balance/"))[:2] == (504, "gateway_timeout")
    bad = await empty.post("_sim/faults", {"kind": "status", "status": 42})
    assert error_of(bad)[0] == 400
    await empty.post("_sim/faults", {"kind": "latency", "seconds": 0.001, "times": None})
    assert (await empty.delete("_sim/faults")).json()["cleared"] == 1

    before = (await empty.post("_sim/clock/advance", {"seconds": 0})).json()["now"]
    after = (await empty.post("_sim/clock/advance", {"seconds": 90})).json()["now"]
    assert (before, after) == ("2025-06-01T12:00:00Z", "2025-06-01T12:01:30Z")

    log = (await empty.get("_sim/requests")).json()["requests"]
    assert [r["operation"] for r in log] == ["getCreditBalance"]  # control routes are not logged
    assert log[0]["fault"] == "status"
    await empty.delete("_sim/requests")
    assert (await empty.get("_sim/requests")).json()["requests"] == []


async def test_control_routes_need_the_key(empty: Sim) -> None:
    async with asgi_client(empty.app, None) as client:
        assert (await client.post("_sim/faults", json={"kind": "status"})).status_code == 401
        assert (await client.get("_sim/requests")).status_code == 401


async def test_clock_advance_needs_a_manual_clock() -> None:
    app = create_app(scenario="empty", clock=RealClock())
    async with asgi_client(app) as client:
        status, _, text = error_of(await client.post("_sim/clock/advance", json={"seconds": 1}))
    assert status == 400 and "only a ManualClock can be advanced" in text


def test_dropped_connection_error_is_an_httpx_transport_error() -> None:
    assert issubclass(ConnectionDropped, httpx.TransportError)
