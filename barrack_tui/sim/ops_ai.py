"""AI chat (OpenAI-compatible, assumed) and AI usage.

Each completion is priced per 1,000 tokens (prompt + completion), recorded as
an AI transaction and charged to the balance. A stream records what was
actually sent, so a client that disconnects pays only for that.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from barrack_tui.sim import assumed, chat, ids, views
from barrack_tui.sim.call import Call, Reply, ok, paged
from barrack_tui.sim.errors import invalid
from barrack_tui.sim.model import AiTransaction
from barrack_tui.sim.world import World

_ROLES = ("system", "user", "assistant")


@dataclass(slots=True)
class ChatStream:
    """A streamed completion: the app sends ``tokens`` as SSE chunks, then calls ``on_done``."""

    completion_id: str
    created: int
    model: str
    tokens: list[str]
    finish_reason: str
    prompt_tokens: int
    include_usage: bool
    on_done: Callable[[int], None]

    def chunk(self, delta: dict[str, str], finish_reason: str | None = None) -> bytes:
        return _event(
            {
                "id": self.completion_id,
                "object": "chat.completion.chunk",
                "created": self.created,
                "model": self.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
            }
        )

    def usage_chunk(self, completion_tokens: int) -> bytes:
        return _event(
            {
                "id": self.completion_id,
                "object": "chat.completion.chunk",
                "created": self.created,
                "model": self.model,
                "choices": [],
                "usage": _usage(self.prompt_tokens, completion_tokens),
            }
        )


def _event(payload: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(payload, separators=(",", ":")).encode() + b"\n\n"


DONE = b"data: [DONE]\n\n"


def _usage(prompt: int, completion: int) -> dict[str, int]:
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def record_usage(world: World, model: str, prompt_tokens: int, completion_tokens: int) -> AiTransaction:
    cost = (prompt_tokens + completion_tokens) / 1000.0 * assumed.AI_MODELS[model]
    tx = AiTransaction(world.ids.new(ids.AI_TRANSACTION), model, prompt_tokens, completion_tokens, cost, world.t)
    world.ai_transactions.append(tx)
    world.charge(cost)
    return tx


def _messages(call: Call) -> list[tuple[str, str]]:
    raw = call.body.items("messages")
    if not raw:
        raise invalid("Field 'messages' must list at least one message {role, content}")
    messages = []
    for item in raw:
        if not isinstance(item, dict):
            raise invalid("Each message must be an object {role, content}")
        role, content = item.get("role"), item.get("content")
        if role not in _ROLES:
            raise invalid(f"Message role {role!r} is not valid: use system, user or assistant")
        if not isinstance(content, str):
            raise invalid("Message content must be a string")
        messages.append((role, content))
    if not any(role == "user" for role, _ in messages):
        raise invalid("The conversation needs at least one user message")
    return messages


def chat_completion(world: World, call: Call) -> Reply | ChatStream:
    body = call.body
    model = body.req_text("model")
    if model not in assumed.AI_MODELS:
        raise invalid(f"Unknown model {model!r}: use {' or '.join(assumed.AI_MODELS)}")
    messages = _messages(call)
    max_tokens = body.number("max_tokens")
    if max_tokens is not None and max_tokens < 1:
        raise invalid(f"max_tokens must be 1 or more (got {max_tokens})")
    stream = body.flag("stream", False)
    include_usage = bool(body.sub("stream_options").flag("include_usage", False))

    last_user = next(c for r, c in reversed(messages) if r == "user")
    filler = chat.tokens_trigger(last_user)
    if filler is not None:
        tokens = chat.filler_tokens(filler)
    else:
        tokens = chat.tokenize(chat.answer(world, messages, call.now))
    finish_reason = "stop"
    if max_tokens is not None and len(tokens) > max_tokens:
        tokens, finish_reason = tokens[:max_tokens], "length"
    prompt_tokens = sum(chat.count_tokens(c) + 4 for _, c in messages)
    completion_id = "chatcmpl-" + world.ids.hex(24)
    created = int(call.now)

    if stream:
        return ChatStream(
            completion_id,
            created,
            model,
            tokens,
            finish_reason,
            prompt_tokens,
            include_usage,
            lambda sent: record_usage(world, model, prompt_tokens, sent),
        )
    tx = record_usage(world, model, prompt_tokens, len(tokens))
    return ok(
        "Chat completion created",
        id=completion_id,
        object="chat.completion",
        created=created,
        model=model,
        choices=[
            {"index": 0, "message": {"role": "assistant", "content": "".join(tokens)}, "finish_reason": finish_reason}
        ],
        usage={**_usage(prompt_tokens, len(tokens)), "cost": round(tx.cost, 6)},
    )


def list_models(world: World, call: Call) -> Reply:
    data = [
        {"id": name, "object": "model", "created": assumed.AI_MODEL_CREATED, "owned_by": "barrack"}
        for name in assumed.AI_MODELS
    ]
    return ok("AI models retrieved successfully", object="list", data=data)


def usage_history(world: World, call: Call) -> Reply:
    order = sorted(enumerate(world.ai_transactions), key=lambda pair: (pair[1].created_at, pair[0]), reverse=True)
    newest_first = [tx for _, tx in order]
    page, paging = paged(newest_first, call)
    return ok("AI usage history retrieved", transactions=[views.ai_transaction(t) for t in page], **paging)


def usage_summary(world: World, call: Call) -> Reply:
    by_model: dict[str, dict[str, Any]] = {}
    for tx in world.ai_transactions:
        entry = by_model.setdefault(tx.model, {"model": tx.model, "requests": 0, "tokens": 0, "cost": 0.0})
        entry["requests"] += 1
        entry["tokens"] += tx.prompt_tokens + tx.completion_tokens
        entry["cost"] += tx.cost
    for entry in by_model.values():
        entry["cost"] = round(entry["cost"], 6)
    return ok(
        "AI usage summary retrieved",
        total_requests=len(world.ai_transactions),
        total_tokens=sum(t.prompt_tokens + t.completion_tokens for t in world.ai_transactions),
        total_cost=round(sum(t.cost for t in world.ai_transactions), 6),
        currency=world.currency,
        by_model=list(by_model.values()),
    )


HANDLERS = {
    "chatWithAi": chat_completion,
    "listAiModels": list_models,
    "getAiUsageHistory": usage_history,
    "getAiUsageSummary": usage_summary,
}
