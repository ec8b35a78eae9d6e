"""Snapshots of the chat mode at 120x36 (demo world, seed 7, fixed clock).

In-process simulator: only the final text matters here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from barrack_tui.chat_store import ChatStore, Turn, new_conversation
from barrack_tui.widgets.chat_panel import ChatPanel
from tests.ui.harness import SIZE, still, wait_until
from tests.ui.test_chat import SSH_QUESTION, ask, chat_app, open_chat


def test_chat_with_a_finished_reply_with_a_code_block(snap_compare: Any, make_sim: Any, clock: Any) -> None:
    app, _ = chat_app(make_sim(), clock)

    async def answered(pilot: Any) -> None:
        panel = await open_chat(pilot)
        await ask(pilot, panel, SSH_QUESTION)
        await wait_until(pilot, lambda: app.screen.query_one("#chat-conversations").option_count == 1, what="list")
        still(app)

    assert snap_compare(app, terminal_size=SIZE, run_before=answered)


def test_reopened_conversation_with_a_cancelled_reply(snap_compare: Any, make_sim: Any, clock: Any) -> None:
    start = clock.now() - timedelta(hours=3)
    chat = new_conversation(start, "barrack-assistant-large")
    chat.turns += [
        Turn("user", "Which GPUs are free in FINLAND-2?", start, with_context=True),
        Turn(
            "assistant",
            "Right now **FINLAND-2** has:\n\n| Model | Free |\n|---|---|\n| H100-SXM5-80GB | 48 |\n",
            start,
            model="barrack-assistant-large",
            outcome="cancelled",
        ),
    ]
    ChatStore.for_profile("default").save(chat)
    app, _ = chat_app(make_sim(), clock)

    async def reopened(pilot: Any) -> None:
        panel = await open_chat(pilot)
        await wait_until(pilot, lambda: app.screen.query_one("#chat-conversations").option_count == 1, what="list")
        await pilot.press("ctrl+l", "enter")
        await wait_until(pilot, lambda: app.screen.query_one(ChatPanel).conversation.id == chat.id, what="open")
        panel.context_enabled = True
        await pilot.pause()
        still(app)

    assert snap_compare(app, terminal_size=SIZE, run_before=reopened)


def test_ai_usage_view(snap_compare: Any, make_sim: Any, clock: Any) -> None:
    app, _ = chat_app(make_sim(), clock)

    async def usage(pilot: Any) -> None:
        await open_chat(pilot)
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: app.screen.query_one("#usage-history").total_count > 0, what="usage")
        still(app)

    assert snap_compare(app, terminal_size=SIZE, run_before=usage)
