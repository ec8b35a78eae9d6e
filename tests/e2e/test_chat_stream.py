"""The chat against the simulator on a real loopback socket: tokens arrive one by one.

A test that needs the reply still in flight holds the stream with a tap
(``sim.chat_tap``): the server sends a token only when the tap lets it through,
so how far it has got is decided by the test, not by how fast either side runs
on a busy machine. The simulator records the AI transaction (with the number of
tokens it actually sent) only when its stream ends, by completing or because
the client went away. That record is how these tests see the server side.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from textual import events
from textual.app import InvalidModeError
from textual.widgets import Checkbox

from barrack_tui.api.client import BarrackClient
from barrack_tui.app import BarrackApp, Launch
from barrack_tui.chat_store import ChatStore, ChatStoreError, Conversation
from barrack_tui.screens.chat import ChatScreen
from barrack_tui.sim import DEMO_API_KEY, ChatTap, create_app
from barrack_tui.sim.chat import filler_tokens
from barrack_tui.sim.server import RunningServer, serve_in_thread
from barrack_tui.widgets.chat_input import ChatInput
from barrack_tui.widgets.chat_message import ChatMessageView
from barrack_tui.widgets.chat_panel import ChatPanel
from tests.conftest import SEED
from tests.ui.harness import SIZE, ready_panel, record_notes, wait_until


@pytest.fixture
def served(clock: Any) -> Iterator[tuple[Starlette, RunningServer]]:
    sim_app = create_app(seed=SEED, clock=clock, scenario="demo")
    with serve_in_thread(sim_app) as server:
        yield sim_app, server


def socket_app(server: RunningServer, clock: Any) -> BarrackApp:
    app = BarrackApp(
        Launch(
            client_factory=lambda key: BarrackClient(key, base_url=server.base_url),
            api_key=SecretStr(DEMO_API_KEY),
            label="demo account (simulated)",
            refresh_seconds=60.0,
            fast_refresh_seconds=60.0,  # no polling in the way, also while instances are CREATING
            now=clock.now,
        )
    )
    with contextlib.suppress(InvalidModeError):  # until app.py registers it
        app.add_mode("chat", ChatScreen)
    return app


async def key(pilot: Any, name: str) -> None:
    """Press a key without ``pilot.press``, which waits for the whole process to go
    idle (up to 2 s per key while a stream keeps it busy)."""
    pilot.app.post_message(events.Key(name, None))
    await pilot.pause()


async def saved_when(pilot: Any, conversation_id: str, done: Callable[[Conversation], bool]) -> Conversation:
    """The stored conversation once ``done`` (the panel saves in a thread after the stream ends)."""
    store = ChatStore.for_profile("default")

    def stored() -> Conversation | None:
        try:
            return store.load(conversation_id)
        except ChatStoreError:
            return None

    await wait_until(
        pilot, lambda: (conversation := stored()) is not None and done(conversation), "the saved conversation"
    )
    found = stored()
    assert found is not None
    return found


def transactions(sim_app: Starlette) -> list[Any]:
    return list(sim_app.state.sim.world.ai_transactions)


FOLLOWED = 200
"""Tokens let through at a time in the following test: some 30 lines of Markdown, more than the view holds."""


def tap(sim_app: Starlette, tokens: int) -> ChatTap:
    """From now on the server sends only ``tokens`` tokens, then more as the test allows."""
    sim_app.state.sim.chat_tap = ChatTap(tokens)
    return sim_app.state.sim.chat_tap


async def start_reply(pilot: Any, question: str) -> tuple[ChatPanel, ChatMessageView]:
    """Open the chat, ask, and wait for the first text of the reply on screen."""
    app: BarrackApp = pilot.app
    # Generous: a fresh, busy runner may take a while to start the app and import the chat.
    await wait_until(pilot, lambda: app.services is not None, "the app to connect", timeout=30.0)
    await pilot.press("7")
    await wait_until(pilot, lambda: ready_panel(app) is not None, "the chat panel and its models", timeout=30.0)
    panel = app.screen.query_one(ChatPanel)
    panel.input.text = question
    await key(pilot, "enter")
    await wait_until(pilot, lambda: len(panel.query(ChatMessageView)) == 2, "the question and the reply view")
    reply = panel.query(ChatMessageView).last()
    await wait_until(pilot, lambda: reply.source, "the first text of the reply")
    return panel, reply


async def test_the_first_token_is_on_screen_before_the_server_sends_the_last(
    served: tuple[Starlette, RunningServer], clock: Any
) -> None:
    sim_app, server = served
    # The server sends the first token and holds the other 59 until the test lets
    # them go: the reply can be on screen now only if the console shows it as it
    # arrives, rather than once the stream is complete.
    valve = tap(sim_app, 1)
    before = len(transactions(sim_app))
    tokens = filler_tokens(60)
    full = "".join(tokens)
    app = socket_app(server, clock)
    async with app.run_test(size=SIZE) as pilot:
        panel, reply = await start_reply(pilot, "/tokens 60")
        assert reply.source == tokens[0]
        assert len(transactions(sim_app)) == before, "the server had already finished"
        assert panel.streaming
        valve.open()  # the rest at once
        await wait_until(pilot, lambda: not panel.streaming, "the end of the reply")
        assert reply.source == full
        assert panel.conversation.turns[-1].content == full
        done = transactions(sim_app)[-1]
        assert len(transactions(sim_app)) == before + 1 and done.completion_tokens == 60


async def test_cancel_closes_the_stream_and_keeps_the_partial_reply(
    served: tuple[Starlette, RunningServer], clock: Any
) -> None:
    sim_app, server = served
    tap(sim_app, 1)  # then the stream waits: only the cancel can end it
    before = len(transactions(sim_app))
    full = "".join(filler_tokens(2000))
    app = socket_app(server, clock)
    async with app.run_test(size=SIZE) as pilot:
        panel, reply = await start_reply(pilot, "/tokens 2000")
        await key(pilot, "ctrl+x")
        await wait_until(pilot, lambda: not panel.streaming, "the cancelled reply to end")
        kept = panel.conversation.turns[-1]
        assert kept.outcome == "cancelled" and kept.content and full.startswith(kept.content)
        assert str(reply.query_one(".chat-marker").render()) == "[cancelled]"
        assert reply.source == kept.content
        # The server noticed the client leave and stopped producing.
        await wait_until(pilot, lambda: len(transactions(sim_app)) == before + 1, "the server to see the client leave")
        assert transactions(sim_app)[-1].completion_tokens == 1  # all the tap let through
        await pilot.pause(0.1)
        assert len(transactions(sim_app)) == before + 1
        stored = await saved_when(pilot, panel.conversation.id, lambda c: c.turns[-1].role == "assistant")
        assert stored.turns[-1] == kept
        # ctrl+x is "cut" again in the input once nothing streams.
        assert panel.check_action("cancel", ()) is False
        assert isinstance(app.focused, ChatInput)


async def test_a_drop_mid_stream_is_reported_and_the_partial_reply_kept(
    served: tuple[Starlette, RunningServer], clock: Any
) -> None:
    sim_app, server = served
    sim_app.state.sim.faults.add("chatWithAi", "drop_mid_stream", after_tokens=5)
    app = socket_app(server, clock)
    async with app.run_test(size=SIZE) as pilot:
        panel, reply = await start_reply(pilot, "/tokens 50")
        await wait_until(pilot, lambda: not panel.streaming, "the dropped reply to end")
        kept = panel.conversation.turns[-1]
        assert kept.content == "".join(filler_tokens(5))
        assert kept.outcome is not None and kept.outcome.startswith("interrupted: The answer stopped")
        assert "characters received" in kept.outcome
        marker = str(reply.query_one(".chat-marker").render())
        assert marker == f"[{kept.outcome}]"
        stored = await saved_when(pilot, panel.conversation.id, lambda c: c.turns[-1].role == "assistant")
        assert stored.turns[-1].outcome == kept.outcome
        # The conversation goes on.
        panel.input.text = "what is running?"
        await key(pilot, "enter")
        await wait_until(pilot, lambda: len(panel.conversation.turns) == 4 and not panel.streaming, "the next reply")
        assert panel.conversation.turns[-1].outcome is None


async def test_keys_answer_and_the_view_follows_the_bottom_during_a_stream(
    served: tuple[Starlette, RunningServer], clock: Any
) -> None:
    sim_app, server = served
    # The reply stays in flight until cancelled, and grows only when the test lets it.
    valve = tap(sim_app, 1)
    tokens = filler_tokens(2000)
    app = socket_app(server, clock)
    async with app.run_test(size=SIZE) as pilot:
        panel, reply = await start_reply(pilot, "/tokens 2000")
        transcript = panel.transcript
        context = panel.query_one("#chat-context", Checkbox)
        await key(pilot, "ctrl+t")
        await wait_until(pilot, lambda: context.value, "the context on")
        assert panel.streaming
        await key(pilot, "ctrl+t")
        await wait_until(pilot, lambda: not context.value, "the context off")
        assert panel.streaming
        # A second question waits for this reply: refused with a notice, the text kept.
        notes = record_notes(app)
        panel.input.text = "another"
        await key(pilot, "enter")
        await wait_until(pilot, lambda: any("still being written" in note for note in notes), "the notice")
        assert panel.input.text == "another" and len(panel.conversation.turns) == 1

        # Following: the reply outgrows the view and the view stays at the bottom.
        valve.allow(FOLLOWED)
        shown = 1 + FOLLOWED
        await wait_until(pilot, lambda: reply.source == "".join(tokens[:shown]), "the tokens let through")
        await wait_until(
            pilot, lambda: transcript.scroll_y == transcript.max_scroll_y > 10, "the view to follow the bottom"
        )
        # Scrolled up by the user, it stays put while text keeps arriving.
        transcript.scroll_up(animate=False, immediate=True)
        transcript.scroll_up(animate=False, immediate=True)
        held = transcript.scroll_y
        grown = transcript.max_scroll_y
        valve.allow(FOLLOWED)
        shown += FOLLOWED
        await wait_until(pilot, lambda: reply.source == "".join(tokens[:shown]), "the next tokens let through")
        await wait_until(pilot, lambda: transcript.max_scroll_y > grown + 5, "the reply to grow")
        assert transcript.scroll_y == held < transcript.max_scroll_y
        await key(pilot, "escape")  # escape cancels too
        await wait_until(pilot, lambda: not panel.streaming, "the cancelled reply to end")
        assert panel.conversation.turns[-1].outcome == "cancelled"

        # A new conversation mid-reply: the reply is cancelled and kept, then the view is cleared.
        first = panel.conversation.id
        valve.allow(1)
        panel.input.text = "/tokens 2000"
        await key(pilot, "enter")
        await wait_until(
            pilot,
            lambda: len(panel.conversation.turns) == 3 and panel.query(ChatMessageView).last().source,
            "the second reply to start",
        )
        await key(pilot, "ctrl+n")
        await wait_until(pilot, lambda: panel.conversation.id != first, "the new conversation")
        assert not panel.streaming and panel.conversation.turns == []
        stored = await saved_when(pilot, first, lambda c: len(c.turns) == 4)
        assert [t.outcome for t in stored.turns if t.role == "assistant"] == ["cancelled", "cancelled"]


async def test_quitting_during_a_stream_closes_it_without_hanging(
    served: tuple[Starlette, RunningServer], clock: Any
) -> None:
    sim_app, server = served
    tap(sim_app, 1)  # then the stream waits: only the client going away can end it
    before = len(transactions(sim_app))
    app = socket_app(server, clock)

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await start_reply(pilot, "/tokens 2000")

    # Only a guard against hanging for ever (the stream never ends by itself), not a measure of speed.
    await asyncio.wait_for(run(), timeout=120.0)
    # The server sees the connection close on its own thread, a moment later.
    deadline = time.monotonic() + 30.0
    while len(transactions(sim_app)) == before and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert len(transactions(sim_app)) == before + 1
    assert transactions(sim_app)[-1].completion_tokens == 1  # all the tap let through
