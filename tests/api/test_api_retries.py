"""Retry rules, deadlines and error mapping, against a scripted server (httpx.MockTransport).

Each fake server answers from a script, one entry per attempt, so the tests
pin exactly how many requests went out and how long the client asked to wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from api_helpers import RecordingSleep, envelope, error_body, load

from barrack_tui.api import (
    AmbiguousOutcomeError,
    AuthError,
    BarrackClient,
    BarrackConnectionError,
    BarrackError,
    BarrackTimeoutError,
    NotFoundError,
    PayloadTooLargeError,
    PaymentRequiredError,
    RateLimitError,
    RequestEvent,
    ResponseValidationError,
    ServerError,
    ValidationError,
)
from barrack_tui.api._retry import (
    BACKOFF_CAP,
    OperationKind,
    backoff_delay,
    kind_of,
    parse_retry_after,
)
from barrack_tui.api.models import DeploymentRequest

MakeClient = Callable[..., BarrackClient]
Step = httpx.Response | Exception


class Script:
    """A fake server: answers (or raises) the next step for each request it sees."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, Exception):
            raise step
        return step


def ok(**keys: Any) -> httpx.Response:
    return httpx.Response(200, json=envelope(**keys))


def balance_ok() -> httpx.Response:
    return ok(balance=12.5, currency="USD")


def fail(
    status: int, code: str = "x", message: str = "failed", headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(status, json=error_body(code, message), headers=headers)


DEPLOY = DeploymentRequest(gpu_model="L40", gpu_count=1, region="CANADA-1", image_name="ubuntu", ssh_key="k")


def test_operation_kinds() -> None:
    assert kind_of("listInstances") is OperationKind.IDEMPOTENT
    assert kind_of("deleteVolume") is OperationKind.IDEMPOTENT
    assert kind_of("updateScript") is OperationKind.IDEMPOTENT
    assert kind_of("postPricing") is OperationKind.IDEMPOTENT
    assert kind_of("stopInstance") is OperationKind.ACTION
    assert kind_of("createInstance") is OperationKind.CREATING
    assert kind_of("chatWithAi") is OperationKind.CREATING


async def test_429_retry_after_is_honoured(mock_client: MakeClient, sleep: RecordingSleep) -> None:
    server = Script(fail(429, "rate_limited", headers={"Retry-After": "3"}), balance_ok())
    async with mock_client(server) as client:
        resp = await client.balance.get()
    assert resp.balance == 12.5
    assert len(server.requests) == 2
    assert sleep.delays == [3.0]


async def test_429_with_a_retry_after_beyond_the_cap_is_not_waited_for(
    mock_client: MakeClient, sleep: RecordingSleep
) -> None:
    server = Script(fail(429, "rate_limited", "Slow down", headers={"Retry-After": "120"}), balance_ok())
    async with mock_client(server) as client:
        with pytest.raises(RateLimitError) as caught:
            await client.balance.get()
    assert caught.value.retry_after == 120
    assert caught.value.status == 429
    assert len(server.requests) == 1 and sleep.delays == []


async def test_5xx_is_retried_at_most_twice(
    mock_client: MakeClient, sleep: RecordingSleep, events: list[RequestEvent]
) -> None:
    server = Script(fail(500, "internal_error", "boom"))
    async with mock_client(server) as client:
        with pytest.raises(ServerError) as caught:
            await client.instances.list()
    assert len(server.requests) == 3
    assert len(sleep.delays) == 2
    assert all(0 <= d <= BACKOFF_CAP for d in sleep.delays)
    assert [e.attempt for e in events] == [1, 2, 3] and {e.status for e in events} == {500}
    assert caught.value.message == "boom" and caught.value.operation == "listInstances"


async def test_max_retries_zero_sends_once(mock_client: MakeClient) -> None:
    server = Script(fail(503, "no_capacity"))
    async with mock_client(server, max_retries=0) as client:
        with pytest.raises(ServerError):
            await client.catalog.gpu_stocks()
    assert len(server.requests) == 1


async def test_a_get_recovers_from_read_errors_and_timeouts(mock_client: MakeClient) -> None:
    server = Script(httpx.ReadError("reset"), httpx.ReadTimeout("slow"), balance_ok())
    async with mock_client(server) as client:
        assert (await client.balance.get()).currency == "USD"
    assert len(server.requests) == 3


async def test_a_get_gives_up_with_a_typed_network_error(mock_client: MakeClient) -> None:
    async with mock_client(Script(httpx.ConnectError("refused"))) as client:
        with pytest.raises(BarrackConnectionError) as caught:
            await client.balance.get()
    assert "refused" in str(caught.value)
    async with mock_client(Script(httpx.ReadTimeout("slow"))) as client:
        with pytest.raises(BarrackTimeoutError):
            await client.balance.get()


async def test_deploy_is_never_resent_after_it_may_have_been_sent(mock_client: MakeClient) -> None:
    for lost in (httpx.ReadError("reset"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("closed")):
        server = Script(lost, httpx.Response(201, json=load("deploy_201_seed.json")))
        async with mock_client(server) as client:
            with pytest.raises(AmbiguousOutcomeError) as caught:
                await client.deploy(DEPLOY)
        assert len(server.requests) == 1
        assert caught.value.operation == "createInstance"
        assert not isinstance(caught.value, BarrackConnectionError)


async def test_deploy_is_not_retried_on_an_error_status(mock_client: MakeClient) -> None:
    server = Script(
        fail(503, "no_capacity", "No L40 left in CANADA-1"),
        httpx.Response(201, json=load("deploy_201_seed.json")),
    )
    async with mock_client(server) as client:
        with pytest.raises(ServerError) as caught:
            await client.deploy(DEPLOY)
    assert len(server.requests) == 1
    assert str(caught.value) == "503 Service Unavailable: No L40 left in CANADA-1 (request a1b2c3d4)"


async def test_deploy_is_retried_when_it_never_left_the_machine(
    mock_client: MakeClient, sleep: RecordingSleep
) -> None:
    server = Script(httpx.ConnectError("refused"), httpx.Response(201, json=load("deploy_201_seed.json")))
    async with mock_client(server) as client:
        resp = await client.deploy(DEPLOY)
    assert resp.data.instance_id == "BRK-A1B2C3D"
    assert len(server.requests) == 2 and len(sleep.delays) == 1
    assert server.requests[0].content == server.requests[1].content


async def test_actions_are_not_retried_once_sent(mock_client: MakeClient) -> None:
    server = Script(httpx.ReadError("reset"), ok(instance_id="BRK-1", status="STOPPING"))
    async with mock_client(server) as client:
        with pytest.raises(BarrackConnectionError):
            await client.instances.stop("BRK-1")
    assert len(server.requests) == 1
    server = Script(fail(502, "bad_gateway"), ok(instance_id="BRK-1", status="STOPPING"))
    async with mock_client(server) as client:
        with pytest.raises(ServerError):
            await client.instances.stop("BRK-1")
    assert len(server.requests) == 1


async def test_a_retried_delete_that_finds_nothing_has_succeeded(mock_client: MakeClient) -> None:
    server = Script(httpx.ReadTimeout("slow"), fail(404, "not_found", "Volume BRK-1V not found"))
    async with mock_client(server) as client:
        resp = await client.volumes.delete("BRK-1V")
    assert resp.volume_id == "BRK-1V" and resp.success
    assert [r.method for r in server.requests] == ["DELETE", "DELETE"]


async def test_a_first_delete_404_is_an_error(mock_client: MakeClient) -> None:
    async with mock_client(Script(fail(404, "not_found", "Volume BRK-1V not found"))) as client:
        with pytest.raises(NotFoundError):
            await client.volumes.delete("BRK-1V")


async def test_the_deadline_bounds_the_whole_call(mock_client: MakeClient) -> None:
    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return balance_ok()

    async with mock_client(hang, deadline=0.02) as client:
        with pytest.raises(BarrackTimeoutError) as caught:
            await client.balance.get()
        assert "0.02 s" in str(caught.value)
        with pytest.raises(AmbiguousOutcomeError):
            await client.deploy(DEPLOY)


async def test_no_retry_pause_runs_past_the_deadline(mock_client: MakeClient, sleep: RecordingSleep) -> None:
    server = Script(fail(429, "rate_limited", headers={"Retry-After": "15"}), balance_ok())
    async with mock_client(server, deadline=10) as client:
        with pytest.raises(RateLimitError):
            await client.balance.get()
    assert sleep.delays == [] and len(server.requests) == 1


@pytest.mark.parametrize(
    ("status", "cls", "heading"),
    [
        (400, ValidationError, "400 Bad Request"),
        (401, AuthError, "401 Unauthorized"),
        (402, PaymentRequiredError, "402 Insufficient Credits"),
        (403, AuthError, "403 Forbidden"),
        (404, NotFoundError, "404 Not Found"),
        (413, PayloadTooLargeError, "413 Request Entity Too Large"),
        (422, ValidationError, "422 Unprocessable Entity"),
    ],
)
async def test_error_statuses_map_to_typed_errors(
    mock_client: MakeClient, status: int, cls: type[BarrackError], heading: str
) -> None:
    async with mock_client(Script(fail(status, "some_code", "Balance too low"))) as client:
        with pytest.raises(cls) as caught:
            await client.volumes.create("data", 100, "SSD", "CANADA-1")
    err = caught.value
    assert str(err) == f"{heading}: Balance too low (request a1b2c3d4)"
    assert (err.status, err.error_code, err.request_id, err.operation) == (
        status,
        "some_code",
        "a1b2c3d4",
        "createVolume",
    )
    assert err.body is not None and '"error":"some_code"' in err.body


async def test_an_error_without_a_json_body_still_reads_well(mock_client: MakeClient) -> None:
    page = "<html>" + "x" * 2000 + "</html>"
    server = Script(httpx.Response(502, text=page, headers={"X-Request-ID": "hdr12345"}))
    async with mock_client(server, max_retries=0) as client:
        with pytest.raises(ServerError) as caught:
            await client.balance.get()
    assert str(caught.value) == "502 Bad Gateway (request hdr12345)"
    body = caught.value.body
    assert body is not None and len(body) <= 500 and body.startswith("<html>")


async def test_malformed_and_wrongly_shaped_bodies_raise_response_validation_errors(
    mock_client: MakeClient,
) -> None:
    async with mock_client(Script(httpx.Response(200, content=b'{"success": true, "bal'))) as client:
        with pytest.raises(ResponseValidationError) as caught:
            await client.balance.get()
    assert str(caught.value) == "The getCreditBalance response is not valid JSON"
    assert caught.value.status == 200 and (caught.value.body or "").startswith('{"success"')
    async with mock_client(Script(ok(balance="lots", currency="USD"))) as client:
        with pytest.raises(ResponseValidationError) as caught:
            await client.balance.get()
    assert "balance" in str(caught.value) and "CreditBalanceResponse" in str(caught.value)


def test_backoff_is_full_jitter_under_the_cap() -> None:
    import random

    rand = random.Random(7)
    for n in range(10):
        ceiling = min(BACKOFF_CAP, 0.5 * 2**n)
        delays = [backoff_delay(n, rand) for _ in range(50)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling / 2


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    from datetime import UTC, datetime

    now = datetime(2025, 1, 15, 10, 30, tzinfo=UTC)
    assert parse_retry_after({"retry-after": "2.5"}) == 2.5
    assert parse_retry_after({"retry-after": "Wed, 15 Jan 2025 10:30:07 GMT"}, now) == 7
    assert parse_retry_after({"retry-after": "Wed, 15 Jan 2025 10:29:00 GMT"}, now) == 0
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None


async def test_paths_and_bodies_go_out_as_routed(mock_client: MakeClient) -> None:
    server = Script(ok(volume_id="a/b"), ok(instances=[]))
    async with mock_client(server) as client:
        await client.volumes.delete("a/b")
        await client.instances.list(page=2)
    assert server.requests[0].url.raw_path == b"/api/volumes/a%2Fb/"
    assert server.requests[1].url.params == httpx.QueryParams({"page": "2"})
    assert all(r.headers["x-api-key"] == "sk_test_client_key_0001" for r in server.requests)


def test_a_server_message_that_repeats_the_heading_is_not_doubled() -> None:
    err = PaymentRequiredError("Insufficient Credits: balance 3.00 USD", status=402, request_id="r1")
    assert str(err) == "402 Insufficient Credits: balance 3.00 USD (request r1)"
    err = PaymentRequiredError("Balance 3.00 USD is below one hour", status=402)
    assert str(err) == "402 Insufficient Credits: Balance 3.00 USD is below one hour"
