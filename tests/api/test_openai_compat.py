"""The chat wire format is really OpenAI-compatible: the official SDK, pointed at the
simulator on a loopback socket, reads what our client reads.

The SDK appends ``/chat/completions`` and ``/models`` to its base URL without a
trailing slash; the simulator (like our path table, which has them) treats the
trailing slash as optional, so ``base_url=<server>/api/ai`` works as is.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import openai
import pytest
from starlette.applications import Starlette

from barrack_tui.api.client import BarrackClient
from barrack_tui.sim import DEMO_API_KEY, ManualClock, create_app
from barrack_tui.sim.chat import filler_tokens
from barrack_tui.sim.server import RunningServer, serve_in_thread

MODEL = "barrack-assistant-small"
SSH = [{"role": "user", "content": "how do I ssh?"}]


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Starlette, RunningServer]]:
    sim_app = create_app(seed=7, clock=ManualClock(datetime(2026, 11, 27, 12, 0, tzinfo=UTC)), scenario="demo")
    with serve_in_thread(sim_app) as server:
        yield sim_app, server


@pytest.fixture
def sdk(served: tuple[Starlette, RunningServer]) -> openai.OpenAI:
    return openai.OpenAI(base_url=served[1].base_url + "ai", api_key=DEMO_API_KEY, max_retries=0)


def last_request(sim_app: Starlette) -> Any:
    return list(sim_app.state.sim.requests)[-1]


async def our_deltas(server: RunningServer, messages: list[dict[str, str]], **options: Any) -> list[str]:
    async with (
        BarrackClient(DEMO_API_KEY, base_url=server.base_url) as client,
        client.ai.chat_stream(MODEL, messages, **options) as stream,
    ):
        return [delta async for delta in stream]


def test_the_sdk_lists_the_models_our_client_lists(
    served: tuple[Starlette, RunningServer], sdk: openai.OpenAI
) -> None:
    sim_app, _ = served
    models = list(sdk.models.list())
    assert [m.id for m in models] == ["barrack-assistant-small", "barrack-assistant-large"]
    assert all(m.object == "model" and m.owned_by == "barrack" for m in models)
    assert last_request(sim_app).path == "/ai/models"  # no trailing slash, still routed
    assert last_request(sim_app).status == 200


async def test_a_streamed_completion_reads_the_same_through_the_sdk_and_our_client(
    served: tuple[Starlette, RunningServer], sdk: openai.OpenAI
) -> None:
    sim_app, server = served
    chunks = list(
        sdk.chat.completions.create(model=MODEL, messages=SSH, stream=True, stream_options={"include_usage": True})  # type: ignore[arg-type]
    )
    request = last_request(sim_app)
    assert (request.method, request.path, request.status) == ("POST", "/ai/chat/completions", 200)

    content = [c for c in chunks if c.choices]
    deltas = [c.choices[0].delta.content for c in content if c.choices[0].delta.content]
    assert content[0].choices[0].delta.role == "assistant"
    assert content[-1].choices[0].finish_reason == "stop"
    assert all(c.object == "chat.completion.chunk" and c.id == chunks[0].id and c.model == MODEL for c in chunks)
    usage = chunks[-1].usage
    assert usage is not None and not chunks[-1].choices
    assert usage.completion_tokens == len(deltas)
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    assert "```bash\nssh -i" in "".join(deltas)

    assert await our_deltas(server, SSH) == deltas


def test_the_whole_answer_matches_the_stream(sdk: openai.OpenAI) -> None:
    whole = sdk.chat.completions.create(model=MODEL, messages=SSH)  # type: ignore[arg-type]
    streamed = "".join(
        c.choices[0].delta.content or ""
        for c in sdk.chat.completions.create(model=MODEL, messages=SSH, stream=True)  # type: ignore[arg-type]
        if c.choices
    )
    assert whole.object == "chat.completion"
    assert whole.choices[0].message.role == "assistant"
    assert whole.choices[0].message.content == streamed
    assert whole.choices[0].finish_reason == "stop"
    assert whole.usage is not None and whole.usage.completion_tokens > 0
    assert (whole.usage.model_extra or {}).get("cost", 0) > 0  # Barrack's extra field survives


async def test_max_tokens_cuts_the_answer_with_finish_reason_length(served: tuple[Starlette, RunningServer]) -> None:
    _, server = served
    async_sdk = openai.AsyncOpenAI(base_url=server.base_url + "ai", api_key=DEMO_API_KEY, max_retries=0)
    stream = await async_sdk.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "/tokens 40"}], stream=True, max_tokens=7
    )
    chunks = [c async for c in stream]
    deltas = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert deltas == filler_tokens(7)
    assert chunks[-1].choices[0].finish_reason == "length"
    assert await our_deltas(server, [{"role": "user", "content": "/tokens 40"}], max_tokens=7) == deltas
    await async_sdk.close()


def test_errors_arrive_as_the_sdk_s_own_exceptions(
    served: tuple[Starlette, RunningServer], sdk: openai.OpenAI
) -> None:
    sim_app, server = served
    with pytest.raises(openai.BadRequestError) as bad:
        sdk.chat.completions.create(model="gpt-nope", messages=SSH)  # type: ignore[arg-type]
    # Errors keep Barrack's envelope ({"message", "error": "<code>"}), not OpenAI's
    # {"error": {"message", ...}}: the SDK still raises by status, but its str() is
    # only "Error code: 400"; the server's words are in the body.
    assert bad.value.status_code == 400
    assert bad.value.response.json()["error"] == "validation_error"
    assert "Unknown model 'gpt-nope'" in bad.value.response.json()["message"]

    sim_app.state.sim.faults.add("chatWithAi", "rate_limit", retry_after=3)
    with pytest.raises(openai.RateLimitError) as limited:
        sdk.chat.completions.create(model=MODEL, messages=SSH, stream=True)  # type: ignore[arg-type]
    assert limited.value.response.headers["retry-after"] == "3"

    stranger = openai.OpenAI(base_url=server.base_url + "ai", api_key="sk_wrong_key_0000", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        stranger.models.list()


def test_a_dropped_stream_fails_in_the_sdk_after_the_tokens_sent(
    served: tuple[Starlette, RunningServer], sdk: openai.OpenAI
) -> None:
    sim_app, _ = served
    sim_app.state.sim.faults.add("chatWithAi", "drop_mid_stream", after_tokens=5)
    received: list[str] = []
    with pytest.raises((httpx.RemoteProtocolError, openai.APIConnectionError)):
        for chunk in sdk.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "/tokens 50"}], stream=True
        ):
            if chunk.choices and chunk.choices[0].delta.content:
                received.append(chunk.choices[0].delta.content)
    assert received == filler_tokens(5)
