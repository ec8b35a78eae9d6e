"""Server-sent events and the streamed chat answer.

:class:`SSEDecoder` parses an event stream incrementally from raw bytes,
following the WHATWG rules: lines end in CR, LF or CRLF (even when a chunk
boundary splits CRLF), ``data:`` lines of one event are joined with ``\\n``, a
blank line dispatches, ``:`` lines are comments, one leading space after the
colon is dropped, an unfinished event at end of stream is discarded. Lines are
split on bytes and decoded one by one, so a UTF-8 character split across
chunks is never broken.

:class:`ChatStream` turns the OpenAI-style chunks of ``chatWithAi`` into text
deltas. Use it as an async context manager so the HTTP stream is closed however
the loop ends::

    async with client.ai.chat_stream(model, messages) as stream:
        async for delta in stream:
            ...

Leaving the block early, ``aclose()`` or cancelling the task closes the
connection. A connection that breaks before ``data: [DONE]`` (or a final chunk
with a ``finish_reason``) raises :class:`StreamInterruptedError` carrying the
text received so far; a chunk that is not valid JSON of the chunk shape raises
:class:`ResponseValidationError`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Final

import httpx
import pydantic

from barrack_tui.api.errors import ResponseValidationError, StreamInterruptedError
from barrack_tui.api.models import ChatCompletionChunk, ChatUsage
from barrack_tui.api.redaction import redact

DONE_MARKER: Final = "[DONE]"
_BOM: Final = "\ufeff"


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    data: str
    event: str = "message"
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Feed bytes with :meth:`feed`; get back the events they completed."""

    def __init__(self) -> None:
        self._buffer = b""
        self._data: list[str] = []
        self._event = ""
        self._last_id: str | None = None
        self._retry: int | None = None
        self._first_line = True

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        self._buffer += chunk
        events: list[ServerSentEvent] = []
        while True:
            cr, lf = self._buffer.find(b"\r"), self._buffer.find(b"\n")
            ends = [i for i in (cr, lf) if i >= 0]
            if not ends:
                break
            end = min(ends)
            if end == cr:
                if end + 1 == len(self._buffer):
                    break  # a lone CR at the end: wait to see whether LF follows
                width = 2 if self._buffer[end + 1 : end + 2] == b"\n" else 1
            else:
                width = 1
            line, self._buffer = self._buffer[:end], self._buffer[end + width :]
            event = self._line(line.decode("utf-8", "replace"))
            if event is not None:
                events.append(event)
        return events

    def end(self) -> list[ServerSentEvent]:
        """The stream has ended: a trailing CR still ends its line; an event
        without its closing blank line is dropped."""
        if self._buffer.endswith(b"\r"):
            self._buffer = self._buffer[:-1]
            event = self._line(self._buffer.decode("utf-8", "replace"))
            self._buffer = b""
            return [event] if event is not None else []
        return []

    def _line(self, line: str) -> ServerSentEvent | None:
        if self._first_line:
            self._first_line = False
            line = line.removeprefix(_BOM)
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "data":
            self._data.append(value)
        elif field == "event":
            self._event = value
        elif field == "id" and "\0" not in value:
            self._last_id = value
        elif field == "retry" and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        if not self._data:
            self._event = ""
            return None
        event = ServerSentEvent(
            data="\n".join(self._data),
            event=self._event or "message",
            id=self._last_id,
            retry=self._retry,
        )
        self._data, self._event = [], ""
        return event


class ChatStream:
    """The text deltas of one streamed chat answer (see the module docstring).

    After (or during) iteration: ``text`` is everything received,
    ``finish_reason``/``response_id``/``model``/``usage`` come from the chunks
    and ``request_id`` from the response header.
    """

    def __init__(self, open_response: Callable[[], Awaitable[httpx.Response]], operation: str) -> None:
        self._open_response = open_response
        self._operation = operation
        self._response: httpx.Response | None = None
        self._chunks: AsyncIterator[bytes] | None = None
        self._decoder = SSEDecoder()
        self._pending: deque[ServerSentEvent] = deque()
        self._finished = False
        self.text = ""
        self.finish_reason: str | None = None
        self.usage: ChatUsage | None = None
        self.response_id: str | None = None
        self.model: str | None = None
        self.request_id: str | None = None

    async def __aenter__(self) -> ChatStream:
        try:
            await self._ensure_open()
        except BaseException:
            await self.aclose()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __aiter__(self) -> ChatStream:
        return self

    async def __anext__(self) -> str:
        if self._finished:
            raise StopAsyncIteration
        try:
            await self._ensure_open()
            return await self._next_delta()
        except BaseException:  # finished, failed or cancelled: release the connection
            await self.aclose()
            raise

    async def aclose(self) -> None:
        """Stop reading and close the HTTP stream (idempotent)."""
        self._finished = True
        if self._response is not None:
            await self._response.aclose()

    @property
    def closed(self) -> bool:
        return self._finished

    async def _ensure_open(self) -> None:
        if self._response is not None or self._finished:
            return
        response = await self._open_response()
        self._response = response
        self.request_id = response.headers.get("x-request-id")
        if "text/event-stream" not in response.headers.get("content-type", ""):
            body = (await response.aread()).decode("utf-8", "replace")
            raise ResponseValidationError(
                f"The {self._operation} response is not an event stream",
                status=response.status_code,
                request_id=self.request_id,
                body=body,
                operation=self._operation,
            )
        self._chunks = response.aiter_bytes()

    async def _next_delta(self) -> str:
        assert self._chunks is not None
        while True:
            while self._pending:
                event = self._pending.popleft()
                if event.data == DONE_MARKER:
                    raise StopAsyncIteration
                delta = self._apply(event.data)
                if delta:
                    self.text += delta
                    return delta
            try:
                chunk = await anext(self._chunks)
            except StopAsyncIteration:
                self._pending.extend(self._decoder.end())
                if self._pending:
                    continue
                if self.finish_reason is not None:
                    raise
                raise self._interrupted("the stream ended before the answer was complete") from None
            except httpx.TransportError as exc:
                raise self._interrupted(
                    f"the connection broke ({redact(str(exc)) or type(exc).__name__})"
                ) from exc
            self._pending.extend(self._decoder.feed(chunk))

    def _apply(self, data: str) -> str | None:
        try:
            chunk = ChatCompletionChunk.model_validate_json(data)
        except pydantic.ValidationError as exc:
            first = exc.errors(include_input=False, include_url=False)[0]
            raise ResponseValidationError(
                f"Malformed chunk in the {self._operation} stream ({first['msg']})",
                status=self._response.status_code if self._response is not None else None,
                request_id=self.request_id,
                body=data,
                operation=self._operation,
            ) from None
        self.response_id, self.model = chunk.id, chunk.model
        if chunk.usage is not None:
            self.usage = chunk.usage
        for choice in chunk.choices:
            if choice.index != 0:
                continue
            if choice.finish_reason is not None:
                self.finish_reason = choice.finish_reason
            return choice.delta.content
        return None

    def _interrupted(self, why: str) -> StreamInterruptedError:
        received = f"{len(self.text)} characters received" if self.text else "nothing received"
        return StreamInterruptedError(
            f"The answer stopped: {why}; {received}",
            partial_text=self.text,
            request_id=self.request_id,
            operation=self._operation,
        )
