"""``client.ai``: chat (whole answer or streamed) and usage."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from barrack_tui.api.models import (
    ChatCompletionsRequest,
    ChatCompletionsResponse,
    ChatMessageInput,
    ModelsResponse,
    UsageHistoryResponse,
    UsageSummaryResponse,
)
from barrack_tui.api.resources._resource import Resource, operation
from barrack_tui.api.streaming import ChatStream

Message = ChatMessageInput | Mapping[str, str]


def _chat_body(
    model: str, messages: Iterable[Message], stream: bool, temperature: float | None, max_tokens: int | None
) -> dict[str, object]:
    request = ChatCompletionsRequest(
        model=model,
        messages=[
            m if isinstance(m, ChatMessageInput) else ChatMessageInput.model_validate(m) for m in messages
        ],
        stream=stream,
        temperature=temperature,
        max_tokens=max_tokens,
    )
    return request.to_body()


class AI(Resource):
    @operation("listAiModels")
    async def models(self) -> ModelsResponse:
        return await self._requester.call("listAiModels", ModelsResponse)

    @operation("chatWithAi")
    async def chat(
        self,
        model: str,
        messages: Iterable[Message],
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> ChatCompletionsResponse:
        """The whole answer at once. ``messages``: ``{"role", "content"}`` mappings
        or :class:`ChatMessageInput`. Never resent (each request is billed)."""
        body = _chat_body(model, messages, False, temperature, max_tokens)
        return await self._requester.call("chatWithAi", ChatCompletionsResponse, body=body)

    @operation("chatWithAi")
    def chat_stream(
        self,
        model: str,
        messages: Iterable[Message],
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> ChatStream:
        """The answer as it is written: iterate the returned :class:`ChatStream`
        (preferably inside ``async with``) for text deltas. Nothing is sent until
        the stream is entered or iterated."""
        body = _chat_body(model, messages, True, temperature, max_tokens)
        return ChatStream(lambda: self._requester.open_stream("chatWithAi", body=body), "chatWithAi")

    @operation("getAiUsageHistory")
    async def usage_history(self) -> UsageHistoryResponse:
        return await self._requester.call("getAiUsageHistory", UsageHistoryResponse)

    @operation("getAiUsageSummary")
    async def usage_summary(self) -> UsageSummaryResponse:
        return await self._requester.call("getAiUsageSummary", UsageSummaryResponse)
