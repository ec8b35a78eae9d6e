"""The HTTP surface: every operation of the path table is served, keyed, enveloped."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from barrack_tui.api.paths import ROUTES
from barrack_tui.sim import DEMO_API_KEY
from barrack_tui.sim.app import HANDLERS, Router

from .conftest import Sim, asgi_client, error_of


def _filled(path: str) -> str:
    return re.sub(r"\{\w+\}", "BRK-NOPE00X", path)


def test_every_operation_of_the_path_table_has_a_handler() -> None:
    assert set(HANDLERS) == set(ROUTES)
    assert len(ROUTES) == 68


def test_router_follows_the_path_table_and_prefers_literal_segments() -> None:
    router = Router(ROUTES)
    for operation, route in ROUTES.items():
        params = {name: f"BRK-{name.upper()[:6]}" for name in re.findall(r"\{(\w+)\}", route.path)}
        found, got = router.match(route.method, route.url(**params))
        assert (found, got) == (operation, params)
    assert router.match("GET", "/instances/snapshot-eligible")[0] == "listSnapshotEligibleInstances"
    assert router.match("GET", "/volumes/types/")[0] == "listVolumeTypes"


def test_a_moved_path_moves_the_simulator() -> None:
    from barrack_tui.api.paths import Route

    routes = dict(ROUTES, listInstances=Route("GET", "/vms/"))
    router = Router(routes)
    assert router.match("GET", "/vms/")[0] == "listInstances"


async def test_missing_or_wrong_key_is_401_on_every_route(demo: Sim) -> None:
    counts = (len(demo.world.instances), len(demo.world.volumes), len(demo.world.scripts))
    for key in (None, "sk_demo_wrong"):
        async with asgi_client(demo.app, key) as client:
            for operation, route in ROUTES.items():
                response = await client.request(route.method, _filled(route.path).lstrip("/"), json={})
                status, code, message = error_of(response)
                assert (status, code) == (401, "invalid_api_key"), operation
                assert "X-API-Key" in message
    assert all(r.status == 401 for r in demo.sim.requests)
    assert counts == (len(demo.world.instances), len(demo.world.volumes), len(demo.world.scripts))


async def test_every_route_answers_with_a_key(demo: Sim) -> None:
    """Unknown ids give 404/400 from the rules, never a routing 404/405."""
    for operation, route in ROUTES.items():
        response = await demo.client.request(route.method, _filled(route.path).lstrip("/"), json={})
        assert response.status_code != 405, operation
        if response.status_code == 404:
            assert "No API route" not in response.json()["message"], operation
    logged = {r.operation for r in demo.sim.requests}
    assert logged == set(ROUTES)


async def test_bearer_key_is_accepted_and_trailing_slash_is_optional(demo: Sim) -> None:
    async with asgi_client(demo.app, None) as client:
        client.headers["Authorization"] = f"Bearer {DEMO_API_KEY}"
        assert (await client.get("balance")).status_code == 200
        assert (await client.get("balance/")).status_code == 200


async def test_success_envelope_and_request_id(demo: Sim) -> None:
    response = await demo.get("balance/")
    body = response.json()
    assert body["success"] is True
    assert body["message"]
    assert re.fullmatch(r"[0-9a-f]{8}", body["request_id"])
    assert response.headers["x-request-id"] == body["request_id"]
    assert response.headers["content-type"].startswith("application/json")


async def test_unknown_route_and_wrong_method(demo: Sim) -> None:
    status, code, message = error_of(await demo.get("no-such-thing/"))
    assert (status, code) == (404, "not_found")
    assert "GET /no-such-thing/" in message
    response = await demo.client.patch("balance/")
    status, code, message = error_of(response)
    assert (status, code) == (405, "method_not_allowed")
    assert response.headers["allow"] == "GET"


async def test_body_must_be_a_json_object(demo: Sim) -> None:
    response = await demo.client.post("scripts/", content=b"{not json", headers={"Content-Type": "application/json"})
    status, code, message = error_of(response)
    assert (status, code) == (400, "validation_error")
    assert "not valid JSON" in message
    response = await demo.client.post("scripts/", json=[1, 2])
    assert "JSON object" in error_of(response)[2]


async def test_oversized_body_is_413(demo: Sim) -> None:
    response = await demo.client.post("scripts/", content=b"x" * (1024 * 1024 + 1))
    assert error_of(response)[:2] == (413, "payload_too_large")


async def test_request_log_records_operation_status_and_time(demo: Sim) -> None:
    demo.sim.requests.clear()
    await demo.get("instances/")
    await demo.get("instances/BRK-NOPE00D/")
    first, second = list(demo.sim.requests)
    assert (first.method, first.path, first.operation, first.status) == ("GET", "/instances/", "listInstances", 200)
    assert (second.operation, second.status) == ("getInstance", 404)
    assert first.at == "2025-06-01T12:00:00Z"


async def test_demo_key_is_not_shaped_like_a_live_key() -> None:
    assert not re.match(r"sk_(live|prod)_", DEMO_API_KEY)


async def test_the_key_never_appears_in_reprs_or_the_log(demo: Sim) -> None:
    await demo.get("balance/")
    assert DEMO_API_KEY not in repr(demo.sim)
    assert all(DEMO_API_KEY not in repr(r) for r in demo.sim.requests)


@pytest.mark.parametrize("module", ["barrack_tui.sim", "barrack_tui.sim.server"])
def test_simulator_never_imports_textual(module: str) -> None:
    code = f"import sys, {module}; sys.exit('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
