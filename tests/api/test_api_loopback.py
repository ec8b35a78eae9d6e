"""The client over a real loopback socket: streaming, dropped connections, and no key in logs.

``httpx.ASGITransport`` buffers whole responses, so token-by-token streaming
and a connection cut after the server committed can only be seen over a
socket (the simulator served by uvicorn in a thread).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest
from api_helpers import RecordingSleep

from barrack_tui.api import (
    AmbiguousOutcomeError,
    BarrackClient,
    BarrackError,
    NotFoundError,
    StreamInterruptedError,
)
from barrack_tui.api.models import DeploymentRequest
from barrack_tui.sim import ChatTap, ManualClock, Simulator, create_app
from barrack_tui.sim.server import RunningServer, serve_in_thread

SENTINEL_KEY = "sk_SENTINEL_9f8e7d6c5b4a"
TOKEN_DELAY = 0.01
STREAMED_TOKENS = 40


@pytest.fixture
def server() -> Iterator[RunningServer]:
    clock = ManualClock(datetime(2025, 1, 15, 10, 30, tzinfo=UTC))
    app = create_app(seed=0, clock=clock, api_key=SENTINEL_KEY, chat_token_delay=TOKEN_DELAY)
    with serve_in_thread(app) as running:
        yield running


@pytest.fixture
def sim(server: RunningServer) -> Simulator:
    simulator: Simulator = server.app.state.sim
    return simulator


@pytest.fixture
async def client(server: RunningServer, sleep: RecordingSleep) -> AsyncIterator[BarrackClient]:
    async with BarrackClient(SENTINEL_KEY, server.base_url, sleep=sleep) as c:
        yield c


def transactions(sim: Simulator) -> int:
    with sim.lock:
        return len(sim.world.ai_transactions)


async def recorded_after(sim: Simulator, before: int) -> int:
    """Wait for the server thread to record a chat's usage; the completion tokens.

    At most 10 s: far more than it takes, even on a starved machine; only a failing test waits that long.
    """
    for _ in range(1000):
        if transactions(sim) > before:
            break
        await asyncio.sleep(0.01)
    with sim.lock:
        assert len(sim.world.ai_transactions) == before + 1
        return sim.world.ai_transactions[-1].completion_tokens


async def test_chat_streams_token_by_token(client: BarrackClient, sim: Simulator) -> None:
    before = transactions(sim)
    # The first token, then the server waits for the test: however slowly the client
    # runs, the rest cannot have been sent before it has read the first.
    sim.chat_tap = ChatTap(1)
    messages = [{"role": "user", "content": f"/tokens {STREAMED_TOKENS}"}]
    async with client.ai.chat_stream("barrack-assistant-small", messages) as stream:
        first = await anext(stream)
        # The server records usage once it has sent its last token: not yet.
        assert transactions(sim) == before
        sim.chat_tap.open()
        rest = [delta async for delta in stream]
    assert first and len(rest) == STREAMED_TOKENS - 1
    assert stream.text == first + "".join(rest) and stream.finish_reason == "stop"
    assert await recorded_after(sim, before) == STREAMED_TOKENS


async def test_a_chat_stream_dropped_mid_way_keeps_what_arrived(
    client: BarrackClient, sim: Simulator
) -> None:
    sim.faults.add("chatWithAi", "drop_mid_stream", after_tokens=3)
    received: list[str] = []
    with pytest.raises(StreamInterruptedError) as caught:
        async with client.ai.chat_stream(
            "barrack-assistant-small", [{"role": "user", "content": "/tokens 10"}]
        ) as stream:
            async for delta in stream:
                received.append(delta)
    assert len(received) == 3
    assert caught.value.partial_text == "".join(received)
    assert caught.value.request_id == sim.requests.of("chatWithAi")[-1].request_id


async def test_closing_a_stream_early_stops_the_server(client: BarrackClient, sim: Simulator) -> None:
    before = transactions(sim)
    stream = client.ai.chat_stream("barrack-assistant-small", [{"role": "user", "content": "/tokens 5000"}])
    await anext(stream)
    await stream.aclose()
    assert stream.closed
    # The server sees the connection close and bills only what it had sent, long before 5000 tokens.
    assert await recorded_after(sim, before) < 5000


async def test_a_deploy_dropped_after_commit_is_ambiguous_and_made_once(
    client: BarrackClient, sim: Simulator
) -> None:
    sim.world.set_free("L40", "CANADA-1", 8)
    sim.faults.add("createInstance", "commit_then_drop")
    request = DeploymentRequest(
        gpu_model="L40",
        gpu_count=1,
        region="CANADA-1",
        instance_name="loop-dropped",
        image_name="Ubuntu-22.04-R550-CUDA-12.4-Docker",
        ssh_key="laptop-ed25519",
    )
    with pytest.raises(AmbiguousOutcomeError) as caught:
        await client.deploy(request)
    assert caught.value.operation == "createInstance"
    assert len(sim.requests.of("createInstance")) == 1
    listed = await client.instances.list()
    assert [vm.vm_name for vm in listed.instances].count("loop-dropped") == 1


async def test_the_key_never_reaches_logs_or_error_text(
    client: BarrackClient, sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "barrack_tui"):
        caplog.set_level(logging.DEBUG, logger=name)
    errors: list[BarrackError] = []

    await client.balance.get()
    try:
        await client.instances.get("BRK-NOTHERE")
    except NotFoundError as exc:
        errors.append(exc)
    sim.faults.add("createScript", "commit_then_drop")
    try:
        await client.scripts.create("loop-script", "#!/bin/sh\n")
    except AmbiguousOutcomeError as exc:
        errors.append(exc)
    logging.getLogger("barrack_tui.api").warning("careless log of %s", SENTINEL_KEY)
    logging.getLogger("httpcore.http11").debug("headers [(b'X-API-Key', b'%s')]", SENTINEL_KEY)

    assert len(errors) == 2
    assert any(r.name.startswith("httpcore") for r in caplog.records), (
        "httpcore debug logging was not captured"
    )
    assert any(r.name == "httpx" for r in caplog.records)
    assert SENTINEL_KEY not in caplog.text
    assert all(SENTINEL_KEY not in r.getMessage() for r in caplog.records)
    for err in errors:
        assert SENTINEL_KEY not in f"{err}{err!r}{err.body}{err.__cause__!r}"
    assert SENTINEL_KEY not in repr(client)
