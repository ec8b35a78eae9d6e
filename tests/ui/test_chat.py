"""The chat mode and the chat panel, through Pilot, against the in-process simulator.

In-process the simulator's stream arrives in one piece (httpx's ASGI transport
buffers it); token-by-token behaviour and cancelling are in tests/e2e.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

import httpx
from pydantic import SecretStr
from textual.app import ComposeResult
from textual.widgets import Checkbox, Markdown, OptionList, Select

from barrack_tui.api.client import BarrackClient
from barrack_tui.app import BarrackApp, Launch
from barrack_tui.chat_context import ASSISTANT_RULES
from barrack_tui.chat_store import ChatStore, ChatStoreError
from barrack_tui.live.topics import Topic
from barrack_tui.screens.base import LiveScreen
from barrack_tui.screens.chat import ChatScreen, ConfirmDeleteChat
from barrack_tui.sim import DEMO_API_KEY
from barrack_tui.sim.chat import filler_tokens
from barrack_tui.widgets.chat_input import ChatInput
from barrack_tui.widgets.chat_message import (
    BlockBoundaries,
    ChatMessageView,
    ReplyWriter,
    last_code_block,
)
from barrack_tui.widgets.chat_panel import ChatPanel
from barrack_tui.widgets.chat_usage import UsageView, daily_usage
from barrack_tui.widgets.resource_table import ResourceTable
from tests.ui.harness import SIZE, click_button, ready_panel, wait_until

SSH_QUESTION = "how do I ssh?"


class Recorder(httpx.AsyncBaseTransport):
    """The in-process simulator, keeping the body of every chat request."""

    def __init__(self, sim_app: Any) -> None:
        self.inner = httpx.ASGITransport(app=sim_app)
        self.chat_bodies: list[dict[str, Any]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.rstrip("/").endswith("/ai/chat/completions"):
            self.chat_bodies.append(json.loads(request.content))
        return await self.inner.handle_async_request(request)


class PaneScreen(LiveScreen):
    """A host like the instances screen: the panel with a context provider."""

    DESCRIPTION: ClassVar[str] = "Selected instance: llama-finetune-01 (BRK-TEST01D)"

    def compose(self) -> ComposeResult:
        yield ChatPanel(context_provider=lambda: self.DESCRIPTION, id="pane")


def chat_app(sim_app: Any, clock: Any, **launch: Any) -> tuple[BarrackApp, Recorder]:
    recorder = Recorder(sim_app)

    def client(key: SecretStr) -> BarrackClient:
        return BarrackClient(key, base_url="http://sim/api/", transport=recorder)

    launch.setdefault("api_key", SecretStr(DEMO_API_KEY))
    app = BarrackApp(
        Launch(
            client_factory=client,
            label="demo account (simulated)",
            refresh_seconds=60.0,
            fast_refresh_seconds=60.0,  # no polling in the way, also while instances are CREATING
            now=clock.now,
            **launch,
        )
    )
    app.add_mode("pane", PaneScreen)
    return app, recorder


async def open_chat(pilot: Any, mode: str = "chat") -> ChatPanel:
    app: BarrackApp = pilot.app
    await wait_until(pilot, lambda: app.services is not None)
    if mode == "chat":
        await pilot.press("7")
    else:
        app.switch_mode(mode)
    await wait_until(pilot, lambda: ready_panel(app) is not None)
    return app.screen.query_one(ChatPanel)


async def ask(pilot: Any, panel: ChatPanel, text: str) -> None:
    panel.input.focus()
    panel.input.text = text
    await pilot.press("enter")
    await wait_until(pilot, lambda: not panel.streaming and len(panel.conversation.turns) % 2 == 0 and is_saved(panel))


def is_saved(panel: ChatPanel) -> bool:
    """The panel's conversation is on disk as shown (the panel saves in a thread
    after the reply stops streaming)."""
    try:
        return saved().load(panel.conversation.id).turns == panel.conversation.turns
    except ChatStoreError:
        return False


def views(panel: ChatPanel) -> list[ChatMessageView]:
    return list(panel.query(ChatMessageView))


def markers(panel: ChatPanel) -> list[str]:
    return [str(v.query_one(".chat-marker").render()) for v in views(panel) if v.turn.outcome]


def saved(profile: str = "default") -> ChatStore:
    return ChatStore.for_profile(profile)


# -- asking and answering -----------------------------------------------------------


async def test_a_question_gets_a_markdown_reply_that_is_saved(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    app, recorder = chat_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_chat(pilot)
        assert isinstance(app.screen, ChatScreen)
        assert isinstance(app.focused, ChatInput)
        await pilot.press(*SSH_QUESTION)
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(panel.conversation.turns) == 2 and not panel.streaming and is_saved(panel))
        assert panel.input.text == ""
        question, reply = panel.conversation.turns
        assert (question.role, question.content, question.with_context) == ("user", SSH_QUESTION, False)
        assert reply.role == "assistant" and reply.outcome is None and "```bash\nssh -i" in reply.content
        assert views(panel)[1].query_one(Markdown).source == reply.content
        # Exactly one request, the whole conversation, no system message: context is off.
        assert recorder.chat_bodies == [
            {"model": "barrack-assistant-small", "messages": [{"role": "user", "content": SSH_QUESTION}], "stream": True}
        ]
        stored = saved().load(panel.conversation.id)
        assert stored.turns == panel.conversation.turns
        await wait_until(pilot, lambda: app.screen.query_one(OptionList).option_count == 1)


async def test_input_keys_enter_sends_ctrl_j_breaks_the_line_ctrl_x_cuts(make_sim: Any, clock: Any) -> None:
    app, recorder = chat_app(make_sim(), clock)
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_chat(pilot)
        await pilot.press("space", "enter")
        assert recorder.chat_bodies == [] and panel.conversation.turns == []  # blank: nothing sent

        panel.input.text = "draft"
        panel.input.select_all()
        await pilot.press("ctrl+x")  # nothing streams: ctrl+x is the input's "cut"
        assert panel.input.text == "" and app.clipboard == "draft"

        await pilot.press("a", "ctrl+j", "b")
        assert panel.input.text == "a\nb"
        assert panel.input.cursor_location == (1, 1)
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(panel.conversation.turns) == 2 and not panel.streaming)
        assert recorder.chat_bodies[0]["messages"][-1]["content"] == "a\nb"
        assert panel.input.text == ""


async def test_the_model_picker_and_the_history_sent_with_each_question(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    app, recorder = chat_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_chat(pilot)
        select = panel.query_one("#chat-model", Select)
        assert [str(option[0]) for option in select._options if option[1] != Select.NULL] == [
            "barrack-assistant-small",
            "barrack-assistant-large",
        ]
        await ask(pilot, panel, "what is running?")
        select.value = "barrack-assistant-large"
        await ask(pilot, panel, SSH_QUESTION)
        assert [body["model"] for body in recorder.chat_bodies] == ["barrack-assistant-small", "barrack-assistant-large"]
        assert [t.model for t in panel.conversation.turns if t.role == "assistant"] == [
            "barrack-assistant-small",
            "barrack-assistant-large",
        ]
        assert sim_app.state.sim.world.ai_transactions[-1].model == "barrack-assistant-large"
        # Each request carries the conversation so far.
        assert [m["role"] for m in recorder.chat_bodies[-1]["messages"]] == ["user", "assistant", "user"]
        assert len(views(panel)) == 4


# -- context ------------------------------------------------------------------------


async def test_context_is_opt_in_and_sent_as_one_system_message(make_sim: Any, clock: Any) -> None:
    app, recorder = chat_app(make_sim(), clock)
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_chat(pilot, "pane")
        preview = panel.query_one("#chat-context-preview")
        assert "Context off" in str(preview.render())
        await ask(pilot, panel, "hello")
        assert all(m["role"] != "system" for m in recorder.chat_bodies[-1]["messages"])

        await pilot.press("ctrl+t")
        assert panel.context_enabled and panel.query_one("#chat-context", Checkbox).value
        assert "Context on: Selected instance: llama-finetune-01" in str(preview.render())
        await ask(pilot, panel, SSH_QUESTION)
        messages = recorder.chat_bodies[-1]["messages"]
        assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
        system = messages[0]["content"]
        assert system.startswith(ASSISTANT_RULES)
        assert "Selected instance: llama-finetune-01 (BRK-TEST01D)" in system
        assert "Account: balance $" in system and "Instances: " in system and "GPU stock now: " in system
        assert DEMO_API_KEY not in system
        assert panel.conversation.turns[-2].with_context is True
        assert "You · with account context" in str(views(panel)[-2].query_one(".chat-role").render())

        await pilot.press("ctrl+t")
        await ask(pilot, panel, "and now?")
        assert recorder.chat_bodies[-1]["messages"][0]["role"] == "user"


async def test_context_without_a_selection_or_with_a_failing_provider(make_sim: Any, clock: Any) -> None:
    app, recorder = chat_app(make_sim(), clock)
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_chat(pilot, "pane")
        panel.context_provider = lambda: None
        panel.context_enabled = True
        await pilot.pause()
        assert "no resource selected" in str(panel.query_one("#chat-context-preview").render())
        await ask(pilot, panel, "what is running?")
        system = recorder.chat_bodies[-1]["messages"][0]["content"]
        assert "Selected instance" not in system and "Account: balance" in system

        def broken() -> str:
            raise RuntimeError("selection gone")

        panel.context_provider = broken
        await ask(pilot, panel, "and now?")
        assert panel.conversation.turns[-1].outcome is None
        assert recorder.chat_bodies[-1]["messages"][0]["role"] == "system"


# -- failures -----------------------------------------------------------------------


async def failing_reply(make_sim: Any, clock: Any, **fault: Any) -> tuple[ChatPanel, str, list[str]]:
    sim_app = make_sim()
    sim_app.state.sim.faults.add("chatWithAi", **fault)
    app, _ = chat_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_chat(pilot)
        await ask(pilot, panel, "what is running?")
        shown = markers(panel)
        stored = saved().load(panel.conversation.id)
        assert [t.role for t in stored.turns] == ["user", "assistant"]
        assert stored.turns[-1].outcome == panel.conversation.turns[-1].outcome
        # The conversation goes on after a failure.
        await ask(pilot, panel, SSH_QUESTION)
        assert panel.conversation.turns[-1].outcome is None
        return panel, panel.conversation.turns[1].outcome or "", shown


async def test_a_429_ends_the_reply_with_a_rate_limit_marker(make_sim: Any, clock: Any) -> None:
    _, outcome, shown = await failing_reply(make_sim, clock, kind="rate_limit", retry_after=7)
    assert outcome.startswith("rate limited: 429") and outcome.endswith("retry in 7 s")
    assert shown == [f"[{outcome}]"]


async def test_a_5xx_ends_the_reply_with_a_server_error_marker(make_sim: Any, clock: Any) -> None:
    _, outcome, shown = await failing_reply(make_sim, clock, kind="status", status=503)
    assert outcome.startswith("server error: 503")
    assert shown == [f"[{outcome}]"]


async def test_a_malformed_chunk_keeps_the_text_before_it(make_sim: Any, clock: Any) -> None:
    panel, outcome, _ = await failing_reply(make_sim, clock, kind="malformed", after_tokens=4)
    assert outcome.startswith("malformed reply: Malformed chunk")
    partial = panel.conversation.turns[1].content
    assert partial and len(partial.split()) <= 4


async def test_a_connection_lost_before_the_reply_is_named_as_such(make_sim: Any, clock: Any) -> None:
    # In-process the stream is buffered, so the drop surfaces before any text.
    panel, outcome, shown = await failing_reply(make_sim, clock, kind="drop_mid_stream", after_tokens=3)
    assert outcome.startswith("connection lost before the reply started (")
    assert shown == [f"[{outcome}]"] and panel.conversation.turns[1].content == ""


async def test_a_failed_model_list_is_shown_and_sending_is_refused(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim_app.state.sim.faults.add("listAiModels", "status", status=500, times=None)
    app, recorder = chat_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.services is not None)
        await pilot.press("7")
        await wait_until(pilot, lambda: any(panel.is_mounted for panel in app.screen.query(ChatPanel)))
        panel = app.screen.query_one(ChatPanel)
        status = panel.query_one("#chat-status")
        await wait_until(pilot, lambda: "Could not list the AI models: 500" in str(status.render()))
        assert panel.send("hello") is False
        assert recorder.chat_bodies == []


# -- keys ---------------------------------------------------------------------------


async def test_copy_the_last_reply_and_its_last_code_block(make_sim: Any, clock: Any) -> None:
    app, _ = chat_app(make_sim(), clock)
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_chat(pilot)
        await pilot.press("ctrl+b")
        assert app.clipboard == ""
        await ask(pilot, panel, SSH_QUESTION)
        reply = panel.conversation.turns[-1].content
        await pilot.press("ctrl+r")
        assert app.clipboard == reply
        await pilot.press("ctrl+b")
        assert app.clipboard.startswith("ssh -i ~/.ssh/") and app.clipboard.endswith("\n")
        assert app.clipboard == last_code_block(reply)


# -- streaming into Markdown ---------------------------------------------------------


def test_block_boundaries_are_found_however_the_text_is_cut() -> None:
    text = (
        "Intro\n\n- a\n- b\n\n- c\n\n   indented\n\n1. one\n\n2026 was good\n\n"
        "| a | b |\n|---|---|\n\n| c |\n\n~~~\nx\n\ny\n~~~\n\n````py\n```\nin\n\n````\n\nend\n"
    )
    whole = BlockBoundaries().feed(text)
    # Paragraphs and fences start blocks; list items, indented lines and table rows
    # after a blank line may continue what came before; fence contents never split.
    assert [text[c:].split("\n")[0] for c in whole] == ["2026 was good", "~~~", "````py", "end"]
    for size in (1, 2, 3, 7):
        boundaries, found = BlockBoundaries(), []
        for start in range(0, len(text), size):
            found += [start + c for c in boundaries.feed(text[start : start + size])]
        assert set(found) <= set(whole)
        assert text.index("````py") in found and text.index("end\n") in found


class Sink:
    def __init__(self) -> None:
        self.parts: list[str] = []

    async def append(self, text: str) -> None:
        self.parts.append(text)
        await asyncio.sleep(0)


class Clocks:
    """A fake wall clock and CPU clock; sleeping moves the wall clock (and is recorded)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.cpu = 0.0
        self.sleeps: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds
        await asyncio.sleep(0)

    def writer(self, sink: Sink, **options: Any) -> ReplyWriter:
        return ReplyWriter(sink, clock=lambda: self.now, cpu_clock=lambda: self.cpu, sleep=self.sleep, **options)


async def test_the_writer_renders_the_first_piece_at_once_then_batches() -> None:
    clocks, sink = Clocks(), Sink()
    writer = clocks.writer(sink, interval=0.05)
    writer.write("first")
    for _ in range(3):
        await asyncio.sleep(0)
    assert sink.parts == ["first"] and clocks.sleeps == []
    for word in (" a", " b", " c"):
        writer.write(word)
    await writer.close()
    assert sink.parts == ["first", " a b c"]
    assert clocks.sleeps == [0.05]  # the next render waited for the interval


async def test_the_writer_keeps_rendering_to_about_half_the_cpu() -> None:
    clocks, sink = Clocks(), Sink()

    class Costly(Sink):
        async def append(self, text: str) -> None:
            await super().append(text)
            clocks.cpu += 0.2  # an append (and its layout) that costs 200 ms of CPU

    sink = Costly()
    writer = clocks.writer(sink, interval=0.05)
    writer.write("one")
    for _ in range(3):
        await asyncio.sleep(0)
    writer.write("two")
    await writer.close()
    assert sink.parts == ["one", "two"]
    assert clocks.sleeps == [0.05, 0.35]  # the interval, then up to twice the 200 ms spent


async def test_a_backlog_is_rendered_in_bounded_pieces_cut_at_line_ends() -> None:
    clocks, sink = Clocks(), Sink()
    writer = clocks.writer(sink, interval=0.0, max_chars=30)
    lines = [f"line {n:02d} of the answer\n" for n in range(10)]
    for line in lines:
        writer.write(line)
    await writer.close()
    assert "".join(sink.parts) == "".join(lines)
    assert all(len(part) <= 30 and part.endswith("\n") for part in sink.parts)
    assert writer.renders == len(sink.parts) > 5


async def test_closing_an_unused_writer_does_nothing() -> None:
    sink = Sink()
    await ReplyWriter(sink).close()
    assert sink.parts == []


async def test_a_long_streamed_reply_is_split_over_several_markdown_widgets(make_sim: Any, clock: Any) -> None:
    app, _ = chat_app(make_sim(), clock)
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_chat(pilot)
        await ask(pilot, panel, "/tokens 1500")
        reply = views(panel)[-1]
        segments = list(reply.query(Markdown))
        content = panel.conversation.turns[-1].content
        assert content == "".join(filler_tokens(1500))
        assert len(segments) > 1 and reply.source == content
        assert all(len(s.children) <= ChatMessageView.SEGMENT_BLOCKS + 4 for s in segments)
        assert [s.source.lstrip().startswith(("## ", "GPU", "```")) for s in segments[1:]] == [True] * (len(segments) - 1)


def test_last_code_block_reads_fences_like_the_markdown_widget() -> None:
    text = "a\n\n```python\nfirst()\n```\n\n~~~\nsecond\n~~~\n\n`inline` only"
    assert last_code_block(text) == "second\n"
    assert last_code_block("no code at all, `inline` only") is None


# -- conversations ------------------------------------------------------------------


async def test_new_reopen_and_delete_conversations(make_sim: Any, clock: Any) -> None:
    app, _ = chat_app(make_sim(), clock)
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_chat(pilot)
        await ask(pilot, panel, SSH_QUESTION)
        first = panel.conversation.id
        clock.advance(60)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: panel.conversation.id != first)
        assert views(panel) == [] and panel.query_one("#chat-empty").display
        await ask(pilot, panel, "what is running?")
        options = app.screen.query_one(OptionList)
        await wait_until(pilot, lambda: options.option_count == 2)
        assert options.get_option_at_index(0).id == panel.conversation.id  # newest first

        await pilot.press("ctrl+l")
        assert app.focused is options and options.highlighted == 0
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: panel.conversation.id == first)
        assert views(panel)[0].turn.content == SSH_QUESTION
        assert isinstance(app.focused, ChatInput)

        await pilot.press("ctrl+l", "delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDeleteChat))
        await pilot.press("escape")
        await pilot.pause()
        assert len(saved().conversations()) == 2

        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDeleteChat))
        await click_button(pilot, "#delete")
        await wait_until(pilot, lambda: options.option_count == 1)
        assert first not in {i.id for i in saved().conversations()}
        assert panel.conversation.id != first  # the open conversation was the one deleted


async def test_conversations_survive_a_restart_per_profile(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    app, _ = chat_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_chat(pilot)
        await ask(pilot, panel, SSH_QUESTION)
        conversation_id = panel.conversation.id
    again, _ = chat_app(sim_app, clock)
    async with again.run_test(size=SIZE) as pilot:
        panel = await open_chat(pilot)
        options = again.screen.query_one(OptionList)
        await wait_until(pilot, lambda: options.option_count == 1)
        assert options.get_option_at_index(0).id == conversation_id
        await pilot.press("ctrl+l", "enter")
        await wait_until(pilot, lambda: panel.conversation.id == conversation_id)
        assert [v.turn.role for v in views(panel)] == ["user", "assistant"]
    assert Path(saved().directory).parts[-2:] == ("chats", "default")


# -- AI usage -----------------------------------------------------------------------


async def test_usage_totals_plot_and_history_follow_new_replies(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    world = sim_app.state.sim.world
    app, _ = chat_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_chat(pilot)
        totals = app.screen.query_one("#chat-usage-totals")
        before = len(world.ai_transactions)
        await wait_until(pilot, lambda: f"{before} requests" in str(totals.render()))
        await ask(pilot, panel, "what is running?")
        await wait_until(pilot, lambda: f"{before + 1} requests" in str(totals.render()))

        await pilot.press("ctrl+g")
        usage = app.screen.query_one(UsageView)
        assert usage.display and app.focused is usage.query_one(ResourceTable)
        table = usage.query_one(ResourceTable)
        await wait_until(pilot, lambda: table.total_count == before + 1)
        newest = max(world.ai_transactions, key=lambda t: t.created_at)
        assert table.row_keys[0] == newest.transaction_id
        await pilot.press("ctrl+g")
        assert isinstance(app.focused, ChatInput)

        # AI usage is polled only while the chat mode is shown.
        assert app.services is not None
        assert Topic.AI_USAGE in app.services.engine.watched()
        await pilot.press("1")  # typed: the input has the focus
        assert panel.input.text == "1"
        await pilot.press("escape", "1")  # escape leaves the input, so the mode key works
        await pilot.pause()
        assert Topic.AI_USAGE not in app.services.engine.watched()


def test_daily_usage_buckets_by_utc_day(clock: Any) -> None:
    now = clock.now()

    class Tx:
        def __init__(self, hours: float, tokens: int, cost: float) -> None:
            self.created_at = now - timedelta(hours=hours)
            self.prompt_tokens, self.completion_tokens, self.cost = tokens, 0, cost

    days = daily_usage([Tx(1, 10, 0.5), Tx(2, 5, 0.25), Tx(30, 7, 1.0), Tx(24 * 9, 99, 9.0)], now)  # type: ignore[list-item]
    assert len(days) == 7 and days[-1].day.date() == now.date()
    assert (days[-1].tokens, days[-1].cost) == (15, 0.75)
    assert days[-2].tokens == 7
    assert sum(d.tokens for d in days) == 22  # nine days ago is outside the week
