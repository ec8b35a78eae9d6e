"""One message of the chat transcript, and the writer that streams a reply into it."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, ClassVar, Final, Protocol

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Static

from barrack_tui.chat_store import Turn

if TYPE_CHECKING:
    from textual.widgets import Markdown

CANCELLED: Final = "cancelled"


def last_code_block(markdown: str) -> str | None:
    """The content of the last fenced (or indented) code block, as the Markdown widget parses it."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("gfm-like").parse(markdown)
    blocks = [t.content for t in tokens if t.type in ("fence", "code_block")]
    return blocks[-1] if blocks else None


class BlockBoundaries:
    """Finds, in Markdown that arrives piece by piece, where a new top-level block
    surely starts: at a line after a blank line, outside a fenced code block, that
    does not continue a list, a table or an indented block.

    :meth:`feed` returns those offsets in the piece it is given. A line whose
    start came in an earlier piece, or whose first characters are not known yet,
    is never a boundary (one is missed rather than guessed).
    """

    _FENCE: Final = re.compile(r" {0,3}(`{3,}|~{3,})")
    _CONTINUES: Final = re.compile(r"\s|[-*+](\s|$)|\d{1,9}[.)](\s|$)|\|")
    _UNSURE_START: Final = frozenset("-*+|0123456789")  # may open a list item or a table row
    _DECIDE: Final = 4  # characters needed to judge a line that starts like one

    def __init__(self) -> None:
        self._line = ""
        self._fence: str | None = None
        self._after_blank = False

    def feed(self, text: str) -> list[int]:
        cuts: list[int] = []
        offset = 0
        for piece in text.splitlines(keepends=True):
            starts_here = not self._line
            line = self._line + piece
            complete = piece.endswith(("\n", "\r"))
            known = complete or line[:1] not in self._UNSURE_START or len(line) >= self._DECIDE
            opens_block = self._fence is None and self._after_blank and line.strip() != ""
            if starts_here and known and opens_block and not self._CONTINUES.match(line):
                cuts.append(offset)
            if complete:
                self._finish(line.rstrip("\r\n"))
                self._line = ""
            else:
                self._line = line
            offset += len(piece)
        return cuts

    def _finish(self, line: str) -> None:
        fence = self._FENCE.match(line)
        if self._fence is None:
            if fence:
                self._fence = fence.group(1)
            self._after_blank = not line.strip() and self._fence is None
            return
        marker = fence.group(1) if fence else ""
        if marker[:1] == self._fence[0] and len(marker) >= len(self._fence) and not line.strip()[len(marker) :]:
            self._fence = None
        self._after_blank = False


class ChatMessageView(Vertical):
    """A header line ("You", "Assistant · model"), the text, and the marker of an
    unfinished reply ("[cancelled]", "[interrupted: …]").

    User text is shown as typed; replies are Markdown with highlighted code
    blocks. A streamed reply is split over several Markdown widgets of about
    ``SEGMENT_BLOCKS`` blocks each (cut only between top-level blocks, so it
    reads the same): every append lays out its Markdown widget's blocks again,
    so one ever-growing widget would make each token cost more than the last.
    """

    SEGMENT_BLOCKS: ClassVar[int] = 24

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
        self._boundaries = BlockBoundaries()
        self._boundaries.feed(turn.content)

    def compose(self) -> ComposeResult:
        # Markdown (and markdown-it) are imported on first use: they are slow to import.
        from textual.widgets import Markdown

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
    def segments(self) -> list[Markdown]:
        """The reply's Markdown widgets, in order (none for a user message)."""
        from textual.widgets import Markdown

        return list(self.query_children(Markdown))

    @property
    def source(self) -> str:
        """The Markdown shown so far (a reply), across its segments."""
        return "".join(segment.source for segment in self.segments)

    async def append(self, text: str) -> None:
        """Add streamed Markdown to the reply, starting a new segment at a block boundary when due."""
        from textual.widgets import Markdown

        cuts = self._boundaries.feed(text)
        segments = self.segments
        if not segments:  # removed meanwhile (another conversation opened, the app closing)
            return
        segment = segments[-1]
        if cuts and len(segment.children) >= self.SEGMENT_BLOCKS:
            head, text = text[: cuts[0]], text[cuts[0] :]
            if head:
                await segment.append(head)
            segment = Markdown()
            await self.mount(segment, before=self.query_one(".chat-marker"))
        await segment.append(text)

    def show_outcome(self, outcome: str | None) -> None:
        """Show why the reply ended early (None hides the marker)."""
        marker = self.query_one(".chat-marker", Static)
        marker.update(f"[{outcome}]" if outcome else "")
        marker.set_class(outcome is not None, "-shown")
        marker.set_class(outcome == CANCELLED, "-cancelled")


class MarkdownSink(Protocol):
    """What a reply streams into: ``Markdown`` itself, or a :class:`ChatMessageView`."""

    def append(self, markdown: str) -> Awaitable[None]: ...


class ReplyWriter:
    """Streams text deltas into Markdown, keeping the UI responsive.

    ``Markdown.append`` re-parses only from the last block, and the view keeps
    each Markdown widget small (:class:`ChatMessageView`), so an append costs
    about the same however long the reply already is. Two costs remain, and
    this paces the appends against them:

    - Every append is followed by a layout of the whole screen, which Textual
      does for every widget, on screen or not: it grows with the transcript.
      So a render starts at most every ``interval`` seconds, and no sooner than
      twice the process CPU time the previous render cycle took (the append,
      its layout and frames, anything else): rendering keeps to about half of
      one core, the rest answers keys, and as a cycle gets dearer more tokens
      share it, so the cost per token stays flat.
    - Every new block is mounted and styled synchronously, so a big backlog
      handed over at once freezes the event loop for as long as that takes.
      So a render takes at most ``max_chars`` (cut at a line end when
      possible). Textual's ``MarkdownStream`` instead merges everything that
      piled up into one append, which is what grows behind a stream faster
      than the screen (see bench/bench_chat.py).

    The first fragment is shown at once; one render is in flight at a time.
    """

    def __init__(
        self,
        sink: MarkdownSink,
        interval: float = 0.05,
        max_chars: int = 512,
        *,
        clock: Callable[[], float] = time.monotonic,
        cpu_clock: Callable[[], float] = time.process_time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._sink = sink
        self._interval = interval
        self._max_chars = max_chars
        self._clock = clock
        self._cpu_clock = cpu_clock
        self._sleep = sleep
        self._pending: list[str] = []
        self._wake = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self.renders = 0

    def write(self, fragment: str) -> None:
        """Queue a fragment; it is rendered at the next render (see the class docstring)."""
        if not fragment:
            return
        self._pending.append(fragment)
        self._wake.set()
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    async def close(self) -> None:
        """Render everything still queued (in bounded, paced steps), then stop."""
        if self._task is None:
            return
        self._closing = True
        self._wake.set()
        await self._task

    def _take(self) -> str:
        text = "".join(self._pending)
        if len(text) <= self._max_chars:
            self._pending = []
            return text
        cut = text.rfind("\n", 0, self._max_chars) + 1 or self._max_chars
        self._pending = [text[cut:]]
        return text[:cut]

    async def _pace(self, started: float, cpu_at_start: float) -> None:
        """Wait out the interval, then until the last cycle's CPU time is matched by idle time.

        The CPU is read after the first wait, once the layout and frames of the
        last render have happened."""
        wait = started + self._interval - self._clock()
        if wait > 0:
            await self._sleep(wait)
        wait = started + 2 * (self._cpu_clock() - cpu_at_start) - self._clock()
        if wait > 0:
            await self._sleep(wait)

    async def _run(self) -> None:
        started: float | None = None
        cpu_at_start = 0.0
        while True:
            await self._wake.wait()
            if self._closing and not self._pending:
                return
            if started is not None:
                await self._pace(started, cpu_at_start)
            text = self._take()
            if not self._pending:
                self._wake.clear()
            if text:
                started, cpu_at_start = self._clock(), self._cpu_clock()
                self.renders += 1
                # Shielded: a cancelled writer must not leave a half-applied append.
                await asyncio.shield(self._sink.append(text))
            if self._closing and not self._pending:
                return
