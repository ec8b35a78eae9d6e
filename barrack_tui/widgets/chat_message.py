"""One message of the chat transcript, and the writer that streams a reply into it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Final

from markdown_it import MarkdownIt
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Markdown, Static
from textual.widgets.markdown import MarkdownStream

from barrack_tui.chat_store import Turn

CANCELLED: Final = "cancelled"


def last_code_block(markdown: str) -> str | None:
    """The content of the last fenced (or indented) code block, as the Markdown widget parses it."""
    tokens = MarkdownIt("gfm-like").parse(markdown)
    blocks = [t.content for t in tokens if t.type in ("fence", "code_block")]
    return blocks[-1] if blocks else None


class ChatMessageView(Vertical):
    """A header line ("You", "Assistant · model"), the text, and the marker of an
    unfinished reply ("[cancelled]", "[interrupted: …]").

    User text is shown as typed; replies are Markdown with highlighted code blocks.
    """

    DEFAULT_CSS = """
    ChatMessageView {
        height: auto;
        margin: 0 0 1 0;
    }
    ChatMessageView > .chat-role {
        padding: 0 1;
        color: $text-muted;
        text-style: bold;
    }
    ChatMessageView > .chat-user-text {
        padding: 0 2;
    }
    ChatMessageView.-user {
        background: $boost;
    }
    ChatMessageView > Markdown {
        margin: 0;
        padding: 0 1;
    }
    ChatMessageView > .chat-marker {
        display: none;
        padding: 0 2;
        color: $error;
        text-style: bold;
    }
    ChatMessageView > .chat-marker.-cancelled {
        color: $warning;
    }
    ChatMessageView > .chat-marker.-shown {
        display: block;
    }
    """

    def __init__(self, turn: Turn) -> None:
        super().__init__(classes=f"-{turn.role}")
        self.turn = turn

    def compose(self) -> ComposeResult:
        turn = self.turn
        if turn.role == "user":
            yield Label("You · with account context" if turn.with_context else "You", classes="chat-role")
            yield Static(turn.content, markup=False, classes="chat-user-text")
        else:
            yield Label(f"Assistant · {turn.model}" if turn.model else "Assistant", classes="chat-role")
            yield Markdown(turn.content or None)
        yield Static("", markup=False, classes="chat-marker")

    def on_mount(self) -> None:
        self.show_outcome(self.turn.outcome)

    @property
    def markdown(self) -> Markdown:
        return self.query_one(Markdown)

    def show_outcome(self, outcome: str | None) -> None:
        """Show why the reply ended early (None hides the marker)."""
        marker = self.query_one(".chat-marker", Static)
        marker.update(f"[{outcome}]" if outcome else "")
        marker.set_class(outcome is not None, "-shown")
        marker.set_class(outcome == CANCELLED, "-cancelled")


class ReplyWriter:
    """Streams text deltas into a Markdown widget through its ``MarkdownStream``.

    ``MarkdownStream`` already merges fragments that arrive while it renders;
    this adds a floor between renders (``interval`` seconds), so a fast stream
    costs at most ~1/interval re-parses per second. That matters inside a long
    fenced code block, where every render re-highlights the whole block. The
    first fragment is shown at once.

    The ``MarkdownStream`` is started with the first fragment: stopping one
    whose task never got to run raises ``CancelledError`` (Textual 8.2.8).
    """

    def __init__(
        self, markdown: Markdown, interval: float = 0.05, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._markdown = markdown
        self._stream: MarkdownStream | None = None
        self._interval = interval
        self._clock = clock
        self._pending: list[str] = []
        self._last_flush = float("-inf")
        self._flusher: asyncio.Task[None] | None = None
        self.flushes = 0

    def write(self, fragment: str) -> None:
        """Queue a fragment; it is rendered within ``interval`` seconds."""
        if not fragment:
            return
        self._pending.append(fragment)
        if self._flusher is None:
            self._flusher = asyncio.create_task(self._flush_when_due())

    async def _flush_when_due(self) -> None:
        wait = self._last_flush + self._interval - self._clock()
        if wait > 0:
            await asyncio.sleep(wait)
        self._flusher = None
        await self._flush()

    async def _flush(self) -> None:
        if not self._pending:
            return
        text = "".join(self._pending)
        self._pending.clear()
        self._last_flush = self._clock()
        self.flushes += 1
        if self._stream is None:
            self._stream = Markdown.get_stream(self._markdown)
        await self._stream.write(text)

    async def close(self) -> None:
        """Render what is still queued and stop the stream (the text stays)."""
        if self._flusher is not None:
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
            self._flusher = None
        await self._flush()
        if self._stream is not None:
            await self._stream.stop()
