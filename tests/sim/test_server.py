"""The simulator on a real loopback socket: what an HTTP client really sees."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from starlette.applications import Starlette

from barrack_tui.sim import DEMO_API_KEY, ChatTap
from barrack_tui.sim.server import RunningServer, serve_in_thread

from .conftest import deploy_body

CHAT = "barrack-assistant-small"


@pytest.fixture
def served(build: Callable[..., Starlette]) -> Iterator[tuple[Starlette, RunningServer, httpx.Client]]:
    app = build("demo")
    with (
        serve_in_thread(app) as server,
        httpx.Client(base_url=server.base_url, headers={"X-API-Key": DEMO_API_KEY}, timeout=10) as client,
    ):
        yield app, server, client


def _wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_serves_on_loopback_with_a_free_port(served: tuple[Starlette, RunningServer, httpx.Client]) -> None:
    app, server, client = served
    assert server.base_url == f"http://127.0.0.1:{server.port}/api/"
    assert server.port > 0
    response = client.get("instances/")
    assert response.status_code == 200
    assert response.json()["total"] == len(app.state.sim.world.instances)
    assert httpx.get(server.base_url + "balance/").status_code == 401


def test_stop_frees_the_port(build: Callable[..., Starlette]) -> None:
    server = serve_in_thread(build("empty"))
    port = server.port
    server.stop()
    assert not server.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/api/balance/", timeout=2)


def test_only_loopback(build: Callable[..., Starlette]) -> None:
    with pytest.raises(ValueError, match="loopback only"):
        serve_in_thread(build("empty"), host="0.0.0.0")


def test_commit_then_drop_breaks_the_connection_after_creating(
    served: tuple[Starlette, RunningServer, httpx.Client],
) -> None:
    app, _, client = served
    world = app.state.sim.world
    world.set_free("RTX-A6000", "CANADA-1", 4)
    app.state.sim.faults.add("createInstance", "commit_then_drop")
    with pytest.raises(httpx.RemoteProtocolError, match=r"incomplete|without sending complete"):
        client.post("deploy-server/", json=deploy_body())
    assert "test-vm" in world.instance_names
    # The connection is gone, the server is not: the next request works.
    assert client.get("instances/").status_code == 200


def test_stream_arrives_token_by_token_and_stops_when_the_client_leaves(
    served: tuple[Starlette, RunningServer, httpx.Client],
) -> None:
    app, _, client = served
    sim = app.state.sim
    sim.chat_tap = ChatTap(3)  # then the stream waits: only the client leaving can end it
    before = len(sim.world.ai_transactions)
    body = {"model": CHAT, "stream": True, "messages": [{"role": "user", "content": "/tokens 1000"}]}
    with client.stream("POST", "ai/chat/completions/", json=body) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = []
        for line in response.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[6:]))
            if len(events) == 3:
                # Three tokens are here while the server is still producing the rest.
                assert len(sim.world.ai_transactions) == before
                break  # leaving the stream closes the connection
    assert events[0]["choices"][0]["delta"] == {"role": "assistant", "content": "##"}
    assert _wait_for(lambda: len(sim.world.ai_transactions) == before + 1)
    assert sim.world.ai_transactions[-1].completion_tokens == 3


def test_drop_mid_stream(served: tuple[Starlette, RunningServer, httpx.Client]) -> None:
    app, _, client = served
    app.state.sim.faults.add("chatWithAi", "drop_mid_stream", after_tokens=5)
    body = {"model": CHAT, "stream": True, "messages": [{"role": "user", "content": "/tokens 50"}]}
    received = []
    with pytest.raises(httpx.RemoteProtocolError), client.stream("POST", "ai/chat/completions/", json=body) as stream:
        for line in stream.iter_lines():
            if line.startswith("data: "):
                received.append(line)
    assert len(received) == 5
    assert _wait_for(lambda: app.state.sim.world.ai_transactions[-1].completion_tokens == 5)


def test_openai_sdk_reads_the_stream(served: tuple[Starlette, RunningServer, httpx.Client]) -> None:
    openai = pytest.importorskip("openai")
    _, server, _ = served
    sdk = openai.OpenAI(base_url=server.base_url + "ai/", api_key=DEMO_API_KEY, max_retries=0)
    models = [m.id for m in sdk.models.list()]
    assert CHAT in models
    stream = sdk.chat.completions.create(model=CHAT, messages=[{"role": "user", "content": "/tokens 30"}], stream=True)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    from barrack_tui.sim.chat import filler_tokens

    assert text == "".join(filler_tokens(30))
