"""The OpenAI-compatible chat: answers from the account, SSE framing, usage records."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from barrack_tui.sim.chat import filler_tokens, tokenize

from .conftest import Sim, error_of

SMALL = "barrack-assistant-small"


def _ask(text: str, **extra: Any) -> dict[str, Any]:
    return {"model": SMALL, "messages": [{"role": "user", "content": text}], **extra}


async def _answer(sim: Sim, text: str, **extra: Any) -> str:
    response = await sim.post("ai/chat/completions/", _ask(text, **extra))
    assert response.status_code == 200, response.text
    return response.json()["choices"][0]["message"]["content"]  # type: ignore[no-any-return]


def _events(body: str) -> list[str]:
    assert body.endswith("\n\n")
    frames = body.split("\n\n")[:-1]
    assert all(frame.startswith("data: ") for frame in frames)
    return [frame[len("data: ") :] for frame in frames]


def test_tokens_rebuild_the_text_exactly() -> None:
    text = "Hello, **world**!\n\n```bash\nssh ubuntu@198.18.0.2\n```\n- a list  \n"
    assert "".join(tokenize(text)) == text
    assert len(filler_tokens(777)) == 777
    filler = "".join(filler_tokens(400))
    assert "```python" in filler and "\n- " in filler


async def test_models(demo: Sim) -> None:
    doc = (await demo.get("ai/models/")).json()
    assert doc["object"] == "list"
    assert [m["id"] for m in doc["data"]] == ["barrack-assistant-small", "barrack-assistant-large"]
    assert all(m["object"] == "model" and m["owned_by"] == "barrack" for m in doc["data"])


async def test_what_is_running_and_what_it_costs(demo: Sim) -> None:
    text = await _answer(demo, "What is running right now and what does it cost per hour?")
    assert "You have **13 instances**" in text
    assert "| llama-finetune-01 | ACTIVE | 8 x H100-SXM5-80GB | FINLAND-1 |" in text
    assert "lasts about" in text


async def test_cheapest_way_uses_live_stock_and_prices(demo: Sim) -> None:
    world = demo.world
    for region in ("FINLAND-1", "FINLAND-2", "FINLAND-3"):
        world.set_free("H100-SXM5-80GB", region, 0)
    world.set_free("H100-SXM5-80GB", "FINLAND-2", 4)
    world.set_free("H100-PCIe-80GB", "CANADA-1", 0)
    world.set_free("H100-PCIe-NVLink-80GB", "CANADA-1", 0)
    text = await _answer(demo, "What's the cheapest way to run 4 x H100 now?")
    assert "**4 x H100-SXM5-80GB in FINLAND-2** at **$10.79/h**" in text
    assert "```bash" in text and '"gpu_count": 4' in text and "deploy-server" in text
    world.set_free("H100-PCIe-80GB", "CANADA-1", 4)
    text = await _answer(demo, "cheapest 4 x H100?")
    assert "**4 x H100-PCIe-80GB in CANADA-1**" in text
    text = await _answer(demo, "cheapest way to run 3 x B200")
    assert "3 GPUs is not a size" in text


async def test_why_is_it_still_creating(demo: Sim) -> None:
    text = await _answer(demo, "Why is b200-bench still creating?")
    assert "**b200-bench**" in text and "CREATING for 10 s" in text and "30-90 s" in text
    assert "```bash" in text
    instance_id = demo.id_of("b200-bench")
    context = {"role": "system", "content": f"The user is looking at instance {instance_id}."}
    body = {"model": SMALL, "messages": [context, {"role": "user", "content": "why is it stuck?"}]}
    text = (await demo.post("ai/chat/completions/", body)).json()["choices"][0]["message"]["content"]
    assert instance_id in text
    demo.advance(120)
    text = await _answer(demo, f"why is {instance_id} still creating?")
    assert "not creating any more: it is **ACTIVE**" in text


async def test_ssh_and_generic_answers(demo: Sim) -> None:
    text = await _answer(demo, "how do I ssh into llama-finetune-01?")
    ip = demo.world.instances[demo.id_of("llama-finetune-01")].ip_address
    assert f"ssh -i ~/.ssh/laptop-ed25519 ubuntu@{ip}" in text
    text = await _answer(demo, "hello there")
    assert "I can help you with" in text and "```bash" in text


async def test_tokens_trigger_and_max_tokens(demo: Sim) -> None:
    doc = (await demo.post("ai/chat/completions/", _ask("/tokens 250"))).json()
    assert doc["usage"]["completion_tokens"] == 250
    assert doc["choices"][0]["finish_reason"] == "stop"
    doc = (await demo.post("ai/chat/completions/", _ask("/tokens 250", max_tokens=10))).json()
    assert doc["usage"]["completion_tokens"] == 10
    assert doc["choices"][0]["finish_reason"] == "length"


async def test_stream_is_server_sent_events_token_by_token(demo: Sim) -> None:
    response = await demo.post(
        "ai/chat/completions/", _ask("/tokens 20", stream=True, stream_options={"include_usage": True})
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    payloads = _events(response.text)
    assert payloads[-1] == "[DONE]"
    chunks = [json.loads(p) for p in payloads[:-1]]
    content = [c["choices"][0]["delta"].get("content") for c in chunks if c["choices"]]
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert all(c["object"] == "chat.completion.chunk" and c["id"] == chunks[0]["id"] for c in chunks)
    assert content[:-1] == filler_tokens(20)
    final = chunks[-2]
    assert (final["choices"][0]["delta"], final["choices"][0]["finish_reason"]) == ({}, "stop")
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] == 20


async def test_usage_is_recorded_and_charged(demo: Sim) -> None:
    before = (await demo.get("ai/usage/summary/")).json()
    balance = demo.world.balance
    await demo.post("ai/chat/completions/", _ask("/tokens 1000"))
    await demo.post("ai/chat/completions/", _ask("/tokens 10", stream=True))
    after = (await demo.get("ai/usage/summary/")).json()
    assert after["total_requests"] == before["total_requests"] + 2
    history = (await demo.get("ai/usage/history/", limit=2)).json()["transactions"]
    assert [t["completion_tokens"] for t in history] == [10, 1000]
    assert history[1]["cost"] == pytest.approx((1000 + history[1]["prompt_tokens"]) / 1000 * 0.0004, abs=1e-6)
    assert demo.world.balance < balance
    small = next(m for m in after["by_model"] if m["model"] == SMALL)
    assert small["requests"] >= 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"model": "gpt-4", "messages": [{"role": "user", "content": "hi"}]}, "Unknown model 'gpt-4'"),
        ({"model": SMALL, "messages": []}, "at least one message"),
        ({"model": SMALL, "messages": [{"role": "robot", "content": "hi"}]}, "role 'robot' is not valid"),
        ({"model": SMALL, "messages": [{"role": "system", "content": "hi"}]}, "at least one user message"),
    ],
)
async def test_bad_chat_requests(demo: Sim, body: dict[str, Any], message: str) -> None:
    status, _, text = error_of(await demo.post("ai/chat/completions/", body))
    assert status == 400 and message in text


async def test_drop_mid_stream_in_process(demo: Sim) -> None:
    demo.sim.faults.add("chatWithAi", "drop_mid_stream", after_tokens=4)
    with pytest.raises(httpx.RemoteProtocolError):
        await demo.post("ai/chat/completions/", _ask("/tokens 20", stream=True))
    assert demo.world.ai_transactions[-1].completion_tokens == 4


async def test_stream_faults(demo: Sim) -> None:
    demo.sim.faults.add("chatWithAi", "truncated", after_tokens=3)
    payloads = _events((await demo.post("ai/chat/completions/", _ask("/tokens 20", stream=True))).text)
    assert len(payloads) == 3 and "[DONE]" not in payloads
    demo.sim.faults.add("chatWithAi", "malformed", after_tokens=2)
    payloads = _events((await demo.post("ai/chat/completions/", _ask("/tokens 5", stream=True))).text)
    with pytest.raises(json.JSONDecodeError):
        json.loads(payloads[2])
    assert payloads[-1] == "[DONE]"
