"""``client.ai``: chat (whole answer or streamed) and usage."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from barrack_tui.api.models import (
    ChatCompletionsRequest,
    ChatCompletionsResponse,
    ChatMessageInput,
    ModelsResponse,
    StreamOptions,
    UsageHistoryResponse,
    UsageSummaryResponse,
)
from barrack_tui.api.resources._resource import Resource, operation
from barrack_tui.api.streaming import ChatStream

Message = ChatMessageInput | Mapping[str, str]


def _chat_body(
    model: str,
    messages: Iterable[Message],
    temperature: float | None,
    max_tokens: int | None,
    *,
    stream: bool = False,
    include_usage: bool = False,
) -> dict[str, object]:
    request = ChatCompletionsRequest(
        model=model,
        messages=[
            m if isinstance(m, ChatMessageInput) else ChatMessageInput.model_validate(m) for m in messages
        ],
        stream=stream,
        stream_options=StreamOptions(include_usage=True) if include_usage else None,
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
        body = _chat_body(model, messages, temperature, max_tokens)
        return await self._requester.call("chatWithAi", ChatCompletionsResponse, body=body)

    @operation("chatWithAi")
    def chat_stream(
        self,
        model: str,
        messages: Iterable[Message],
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
        include_usage: bool = False,
    ) -> ChatStream:
        """The answer as it is written: iterate the returned :class:`ChatStream`
        (preferably inside ``async with``) for text deltas. Nothing is sent until
        the stream is entered or iterated. With ``include_usage`` the server ends
        with the token usage, found in ``stream.usage`` afterwards."""
        body = _chat_body(model, messages, temperature, max_tokens, stream=True, include_usage=include_usage)
        return ChatStream(lambda: self._requester.open_stream("chatWithAi", body=body), "chatWithAi")

    @operation("getAiUsageHistory")
    async def usage_history(
        self, *, page: int | None = None, limit: int | None = None
    ) -> UsageHistoryResponse:
        """AI requests, newest first."""
        return await self._requester.call(
            "getAiUsageHistory", UsageHistoryResponse, params={"page": page, "limit": limit}
        )

    @operation("getAiUsageSummary")
    async def usage_summary(self) -> UsageSummaryResponse:
        return await self._requester.call("getAiUsageSummary", UsageSummaryResponse)
