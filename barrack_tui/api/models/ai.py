"""AI chat and usage (assumed OpenAI-compatible, WIRE.md "AI")."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from barrack_tui.api.models._base import (
    BarrackModel,
    Envelope,
    Pagination,
    RequestModel,
)
from barrack_tui.api.models.enums import ChatRole, Currency


class ChatMessage(BarrackModel):
    role: ChatRole
    content: str


class ChatMessageInput(RequestModel):
    role: ChatRole
    content: str


class StreamOptions(RequestModel):
    include_usage: bool = False
    """Ask for a last chunk carrying the token usage (OpenAI's option)."""


class ChatCompletionsRequest(RequestModel):
    model: str
    messages: list[ChatMessageInput]
    stream: bool = False
    stream_options: StreamOptions | None = None
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1)


class ChatChoice(BarrackModel):
    index: int = 0
    message: ChatMessage
    finish_reason: str | None = None


class ChatUsage(BarrackModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    cost: float | None = None
    """In the account's currency, when the server says."""


class ChatCompletionsResponse(BarrackModel):
    id: str
    object: str = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: ChatUsage | None = None

    @property
    def text(self) -> str:
        """The first choice's answer."""
        return self.choices[0].message.content if self.choices else ""


class ChatDelta(BarrackModel):
    role: ChatRole | None = None
    content: str | None = None


class ChunkChoice(BarrackModel):
    index: int = 0
    delta: ChatDelta
    finish_reason: str | None = None


class ChatCompletionChunk(BarrackModel):
    """One ``data:`` event of a streamed answer (the usage chunk has no choices)."""

    id: str
    object: str = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    usage: ChatUsage | None = None


class AIModel(BarrackModel):
    id: str
    object: str = "model"
    created: int | None = None
    owned_by: str | None = None


class ModelsResponse(Envelope):
    object: str = "list"
    data: list[AIModel]


class AITransaction(BarrackModel):
    id: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    cost: float
    created_at: datetime


class UsageHistoryResponse(Envelope, Pagination):
    transactions: list[AITransaction]


class ModelUsage(BarrackModel):
    model: str
    requests: int
    tokens: int
    cost: float


class UsageSummaryResponse(Envelope):
    total_requests: int
    total_tokens: int
    total_cost: float
    currency: Currency
    by_model: list[ModelUsage] = []
