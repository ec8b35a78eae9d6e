"""The SSE decoder and the chat stream, over scripted byte streams."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Sequence

import httpx
import pytest

from barrack_tui.api import (
    BarrackClient,
    BarrackConnectionError,
    NotFoundError,
    ResponseValidationError,
    StreamInterruptedError,
)
from barrack_tui.api.streaming import ServerSentEvent, SSEDecoder

MakeClient = Callable[..., BarrackClient]
MESSAGES = [{"role": "user", "content": "What runs?"}]


def decode(*chunks: bytes) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    events = [e for c in chunks for e in decoder.feed(c)]
    return events + decoder.end()


def test_events_split_on_every_line_ending_even_across_chunks() -> None:
    events = decode(b"data: a\r", b"\n\r", b"\ndata: b\n\ndata: c\r\r")
    assert [e.data for e in events] == ["a", "b", "c"]


def test_multi_line_data_comments_and_fields() -> None:
    events = decode(b": keep-alive\n\nevent: delta\nid: 7\nretry: 1500\ndata: line one\ndata:line two\n\n")
    assert events == [ServerSentEvent(data="line one\nline two", event="delta", id="7", retry=1500)]


def test_a_utf8_character_split_between_chunks_survives() -> None:
    body = "data: héllo ✓\n\n".encode()
    cut = body.index("✓".encode()) + 1
    assert [e.data for e in decode(body[:cut], body[cut:])] == ["héllo ✓"]


def test_a_leading_bom_is_ignored_and_an_unfinished_event_dropped() -> None:
    assert [e.data for e in decode("\ufeffdata: x\n\ndata: partial".encode())] == ["x"]


def test_data_with_only_one_leading_space_removed() -> None:
    assert decode(b"data:  two spaces\n\n")[0].data == " two spaces"


def chunk(content: str | None, finish: str | None = None) -> bytes:
    delta = {} if content is None else {"content": content}
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1736937000,
        "model": "barrack-small",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


class ScriptedStream(httpx.AsyncByteStream):
    """A response body delivered chunk by chunk; an exception in the list is raised there."""

    def __init__(self, parts: Sequence[bytes | Exception]) -> None:
        self.parts = parts
        self.sent = 0
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self.parts:
            if isinstance(part, Exception):
                raise part
            self.sent += 1
            yield part

    async def aclose(self) -> None:
        self.closed = True


def sse_server(
    stream: ScriptedStream, seen: list[httpx.Request] | None = None
) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(
            200, headers={"content-type": "text/event-stream", "x-request-id": "chat0001"}, stream=stream
        )

    return handle


async def test_deltas_arrive_in_order_and_the_stream_closes(mock_client: MakeClient) -> None:
    stream = ScriptedStream(
        [
            chunk(None),
            chunk("Two "),
            chunk("instances"),
            chunk(" run."),
            chunk(None, "stop"),
            b"data: [DONE]\n\n",
        ]
    )
    seen: list[httpx.Request] = []
    async with mock_client(sse_server(stream, seen)) as client:
        async with client.ai.chat_stream("barrack-small", MESSAGES, temperature=0.2) as chat:
            deltas = [d async for d in chat]
    assert deltas == ["Two ", "instances", " run."]
    assert chat.text == "Two instances run." and chat.finish_reason == "stop"
    assert (chat.response_id, chat.model, chat.request_id) == ("chatcmpl-1", "barrack-small", "chat0001")
    assert stream.closed
    sent = json.loads(seen[0].content)
    assert sent == {"model": "barrack-small", "messages": MESSAGES, "stream": True, "temperature": 0.2}


async def test_nothing_is_sent_until_the_stream_is_used(mock_client: MakeClient) -> None:
    seen: list[httpx.Request] = []
    async with mock_client(sse_server(ScriptedStream([b"data: [DONE]\n\n"]), seen)) as client:
        chat = client.ai.chat_stream("barrack-small", MESSAGES)
        assert seen == []
        assert [d async for d in chat] == []
    assert len(seen) == 1


async def test_a_mid_stream_drop_keeps_the_partial_text(mock_client: MakeClient) -> None:
    stream = ScriptedStream(
        [chunk("Half "), chunk("an answer"), httpx.RemoteProtocolError("peer closed connection")]
    )
    async with mock_client(sse_server(stream)) as client:
        got: list[str] = []
        with pytest.raises(StreamInterruptedError) as caught:
            async with client.ai.chat_stream("barrack-small", MESSAGES) as chat:
                async for delta in chat:
                    got.append(delta)
    assert got == ["Half ", "an answer"]
    assert caught.value.partial_text == "Half an answer"
    assert isinstance(caught.value, BarrackConnectionError)
    assert stream.closed


async def test_a_stream_that_just_stops_is_interrupted(mock_client: MakeClient) -> None:
    async with mock_client(sse_server(ScriptedStream([chunk("Hel")]))) as client:
        with pytest.raises(StreamInterruptedError) as caught:
            async for _ in client.ai.chat_stream("barrack-small", MESSAGES):
                pass
    assert caught.value.partial_text == "Hel"


async def test_a_finished_answer_without_done_is_complete(mock_client: MakeClient) -> None:
    async with mock_client(sse_server(ScriptedStream([chunk("Hi"), chunk(None, "stop")]))) as client:
        assert [d async for d in client.ai.chat_stream("barrack-small", MESSAGES)] == ["Hi"]


async def test_a_malformed_chunk_is_a_validation_error(mock_client: MakeClient) -> None:
    stream = ScriptedStream([chunk("ok"), b"data: {not json\n\n", chunk("never")])
    async with mock_client(sse_server(stream)) as client:
        with pytest.raises(ResponseValidationError) as caught:
            async for _ in client.ai.chat_stream("barrack-small", MESSAGES):
                pass
    assert caught.value.body == "{not json" and caught.value.operation == "chatWithAi"
    assert stream.closed


async def test_closing_early_closes_the_http_stream(mock_client: MakeClient) -> None:
    stream = ScriptedStream([chunk(str(i)) for i in range(100)])
    async with mock_client(sse_server(stream)) as client:
        async with client.ai.chat_stream("barrack-small", MESSAGES) as chat:
            async for delta in chat:
                if delta == "2":
                    break
        assert chat.closed and stream.closed and stream.sent < 100
        with pytest.raises(StopAsyncIteration):
            await chat.__anext__()


async def test_cancelling_the_reader_closes_the_http_stream(mock_client: MakeClient) -> None:
    gate = asyncio.Event()

    class Stalling(ScriptedStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield chunk("first")
            gate.set()
            await asyncio.sleep(3600)

    stream = Stalling([])
    async with mock_client(sse_server(stream)) as client:

        async def read() -> None:
            async for _ in client.ai.chat_stream("barrack-small", MESSAGES):
                pass

        task = asyncio.create_task(read())
        await gate.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert stream.closed


async def test_an_error_status_raises_before_any_delta(mock_client: MakeClient) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            404, json={"success": False, "message": "Model nope not found", "error": "not_found"}
        )

    async with mock_client(handle) as client:
        with pytest.raises(NotFoundError, match="Model nope not found"):
            async with client.ai.chat_stream("nope", MESSAGES):
                pass


async def test_a_json_answer_where_a_stream_was_asked_is_refused(mock_client: MakeClient) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": "x"})

    async with mock_client(handle) as client:
        with pytest.raises(ResponseValidationError, match="not an event stream"):
            async for _ in client.ai.chat_stream("barrack-small", MESSAGES):
                pass
