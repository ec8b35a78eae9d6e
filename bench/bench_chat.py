"""Benchmark the chat's streaming render.

Run on demand, never from the test suite:

    python bench/bench_chat.py               # both cases, both writers, 3 runs each
    python bench/bench_chat.py --runs 1 --tokens 1000

Every case runs in a fresh Python process (`--case ...` re-invokes this file),
headless at 120x36. Cases:

- stream: the console's chat against the simulator served by uvicorn in a
  separate process (so its CPU is not counted), `chat_token_delay` 0, asking
  "/tokens N" (N tokens of Markdown: headings, paragraphs, lists and short
  fenced code blocks). Reported: time to the first text on screen, tokens/s
  rendered (first to last text), frames drawn, and the render cost per token
  at the start and at the end of the reply (CPU of this process between two
  renders, divided by the tokens that render added, over the first and the
  last 10% of the tokens). While the reply streams, a key (ctrl+t, the context
  toggle) is posted every 100 ms and the time until its handler ran is
  measured, and a 5 ms ticker records how late the event loop wakes it.
- fence: the worst case DESIGN.md measured: one fenced code block growing to
  N tokens, written into a Markdown widget through `ReplyWriter` as fast as
  the loop allows (no network). Same numbers, without the keys.

Each case runs twice: with Textual's stock ``MarkdownStream`` fed every delta
(it merges whatever piled up during a render into the next append) and with
the panel's ``ReplyWriter`` (an append at most every 50 ms and no sooner than
twice the CPU time of the previous render cycle, at most 512 characters each;
in the stream case also the reply split over Markdown widgets of ~24 blocks).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SIZE = (120, 36)
WRITERS = ("stock", "ours")
SERVER_CODE = (
    "from barrack_tui.sim import create_app; from barrack_tui.sim.server import run_forever; "
    "import logging; logging.disable(logging.INFO); "
    "run_forever(create_app(seed=7, scenario='demo', chat_token_delay=0.0), {port})"
)


# ---- measuring


@dataclass
class Render:
    """One Markdown.append: when it started, what it cost, how many tokens it added."""

    at: float
    cpu: float
    tokens: int
    wall_ms: float = 0.0
    cpu_end: float = 0.0


@dataclass
class Renders:
    token_count: Callable[[str], int]
    items: list[Render] = field(default_factory=list)

    def wrap(self, markdown_class: Any) -> None:
        """Time every ``Markdown.append`` from now on (MarkdownStream awaits each)."""
        original = markdown_class.append
        items = self.items
        token_count = self.token_count

        def timed(widget: Any, fragment: str) -> Any:
            record = Render(time.perf_counter(), time.process_time(), token_count(fragment))
            items.append(record)
            pending = original(widget, fragment)

            async def run() -> None:
                await pending
                record.wall_ms = (time.perf_counter() - record.at) * 1000
                record.cpu_end = time.process_time()

            return run()

        markdown_class.append = timed

    def finish(self) -> None:
        """Close the last render's window when that render completed."""
        last = self.items[-1]
        self.items.append(Render(last.at + last.wall_ms / 1000, last.cpu_end, 0))

    def cost_per_token(self, first: bool, share: float = 0.1) -> dict[str, float]:
        """CPU ms per token and ms per render over the renders that drew the first
        (or the last) ``share`` of the tokens; each render's CPU runs to the next
        render's start, so it includes the frames it caused."""
        total = sum(r.tokens for r in self.items)
        edge = total * share
        done = 0
        picked: list[tuple[Render, Render]] = []
        for before, after in zip(self.items, self.items[1:], strict=False):
            start, done = done, done + before.tokens
            if before.tokens and (start < edge if first else done > total - edge):
                picked.append((before, after))
        tokens = sum(b.tokens for b, _ in picked) or 1
        cpu = sum(a.cpu - b.cpu for b, a in picked)
        return {
            "cpu_ms_per_token": cpu * 1000 / tokens,
            "render_ms": statistics.mean(b.wall_ms for b, _ in picked) if picked else 0.0,
            "tokens_per_render": tokens / max(len(picked), 1),
        }


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def loop_lag(samples: list[float], stop: asyncio.Event, period: float = 0.005) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(period)
        samples.append((time.perf_counter() - start - period) * 1000)


class StockWriter:
    """The baseline: every delta straight into Textual's own ``MarkdownStream`` on
    one Markdown widget, which merges whatever piles up while it renders into the
    next append."""

    def __init__(self, sink: Any, *_: Any) -> None:
        from textual.widgets import Markdown

        self._markdown = sink if isinstance(sink, Markdown) else sink.query_one(Markdown)
        self._stream: Any = None
        self._get_stream = Markdown.get_stream

    def write(self, fragment: str) -> None:
        if self._stream is None:
            self._stream = self._get_stream(self._markdown)
        self._stream._pending.append(fragment)  # what MarkdownStream.write does, minus its sleep(0)
        self._stream._new_markup.set()

    async def close(self) -> None:
        if self._stream is not None:
            await asyncio.sleep(0)  # let its task start: stopping one that never ran raises CancelledError
            await self._stream.stop()


def use_writer(name: str) -> Any:
    """The writer class a case runs with: ours (``ReplyWriter``) or ``StockWriter``."""
    from barrack_tui.widgets import chat_panel
    from barrack_tui.widgets.chat_message import ReplyWriter

    writer = ReplyWriter if name == "ours" else StockWriter
    chat_panel.ReplyWriter = writer  # type: ignore[misc]
    return writer


# ---- the stream case


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER_CODE.format(port=port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, f"http://127.0.0.1:{port}/api/"
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the simulator did not start")


def counting_app(base_url: str) -> Any:
    from pydantic import SecretStr
    from textual.app import InvalidModeError

    from barrack_tui.api.client import BarrackClient
    from barrack_tui.app import BarrackApp, Launch
    from barrack_tui.screens.chat import ChatScreen
    from barrack_tui.sim import DEMO_API_KEY

    class BenchApp(BarrackApp):
        frames = 0
        bytes_written = 0

        def _display(self, screen: Any, renderable: Any) -> None:
            from textual._compositor import CompositorUpdate

            if isinstance(renderable, CompositorUpdate) and not self._batch_count:
                self.bytes_written += len(renderable.render_segments(self.console).encode())
                self.frames += 1
            super()._display(screen, renderable)

    app = BenchApp(
        Launch(
            client_factory=lambda key: BarrackClient(key, base_url=base_url),
            api_key=SecretStr(DEMO_API_KEY),
            refresh_seconds=3600.0,
        )
    )
    try:
        app.add_mode("chat", ChatScreen)
    except InvalidModeError:
        pass
    return app


async def case_stream(tokens: int, writer_name: str) -> dict[str, Any]:
    import os
    import tempfile

    from textual import events
    from textual.widgets import Checkbox, Markdown

    from barrack_tui.sim.chat import count_tokens
    from barrack_tui.widgets.chat_panel import ChatPanel

    os.environ["BARRACK_TUI_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-chat-")
    use_writer(writer_name)
    server, base_url = start_server()
    try:
        app = counting_app(base_url)
        renders = Renders(count_tokens)
        async with app.run_test(size=SIZE) as pilot:
            while app.services is None:
                await asyncio.sleep(0.01)
            app.switch_mode("chat")
            await pilot.pause()
            panel = app.screen.query_one(ChatPanel)
            while panel.selected_model is None:
                await asyncio.sleep(0.01)
            toggle = panel.query_one("#chat-context", Checkbox)
            key_latencies: list[float] = []
            pressed_at: list[float] = []
            panel.watch(toggle, "value", lambda _: key_latencies.append((time.perf_counter() - pressed_at[-1]) * 1000), init=False)
            await asyncio.sleep(0.3)
            frames_before = app.frames
            renders.wrap(Markdown)  # only the reply appends
            started = time.perf_counter()
            panel.send(f"/tokens {tokens}")
            lags: list[float] = []
            stop = asyncio.Event()
            ticker = asyncio.create_task(loop_lag(lags, stop))
            while panel.streaming:
                if renders.items and (not pressed_at or time.perf_counter() - pressed_at[-1] > 0.1):
                    pressed_at.append(time.perf_counter())
                    app.post_message(events.Key("ctrl+t", None))
                await asyncio.sleep(0.01)
            finished = time.perf_counter()
            renders.finish()
            stop.set()
            await ticker
            assert panel.conversation.turns[-1].outcome is None, panel.conversation.turns[-1].outcome
            first = renders.items[0].at
            return {
                "first_text_ms": (first - started) * 1000,
                "tokens_per_s": tokens / max(finished - first, 1e-9),
                "total_s": finished - started,
                "renders": len(renders.items),
                "frames": app.frames - frames_before,
                "start": renders.cost_per_token(first=True),
                "end": renders.cost_per_token(first=False),
                "key_ms_median": statistics.median(key_latencies) if key_latencies else float("nan"),
                "key_ms_max": max(key_latencies, default=float("nan")),
                "keys": len(key_latencies),
                "lag_ms_p95": percentile(lags, 0.95),
                "lag_ms_max": max(lags, default=float("nan")),
            }
    finally:
        server.terminate()
        server.wait(timeout=10)


# ---- the fence case


def fence_tokens(count: int) -> list[str]:
    from barrack_tui.sim.chat import tokenize

    tokens = tokenize("Here is the script:\n\n```python\n")
    line = 0
    while len(tokens) < count:
        tokens += tokenize(f"def step_{line}(batch: int, seconds: float) -> float:\n    return batch / seconds\n")
        line += 1
    return tokens[:count]


async def case_fence(tokens: int, writer_name: str) -> dict[str, Any]:
    from textual.app import App, ComposeResult
    from textual.containers import VerticalScroll
    from textual.widgets import Markdown

    from barrack_tui.sim.chat import count_tokens

    writer_class = use_writer(writer_name)

    class FenceApp(App[None]):
        def compose(self) -> ComposeResult:
            with VerticalScroll():
                yield Markdown()

    app = FenceApp()
    renders = Renders(count_tokens)
    async with app.run_test(size=SIZE) as pilot:
        markdown = app.query_one(Markdown)
        app.query_one(VerticalScroll).anchor()
        renders.wrap(Markdown)
        writer = writer_class(markdown)
        lags: list[float] = []
        stop = asyncio.Event()
        ticker = asyncio.create_task(loop_lag(lags, stop))
        started = time.perf_counter()
        for token in fence_tokens(tokens):
            writer.write(token)
            await asyncio.sleep(0)
        await writer.close()
        finished = time.perf_counter()
        renders.finish()
        stop.set()
        await ticker
        await pilot.pause()
        return {
            "tokens_per_s": tokens / (finished - started),
            "total_s": finished - started,
            "renders": len(renders.items) - 1,
            "start": renders.cost_per_token(first=True),
            "end": renders.cost_per_token(first=False),
            "lag_ms_p95": percentile(lags, 0.95),
            "lag_ms_max": max(lags, default=float("nan")),
        }


# ---- driver


def run_case(case: str, tokens: int, writer: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--case", case, "--tokens", str(tokens), "--writer", writer],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{case}/{writer} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_of(runs: list[dict[str, Any]], *path: str) -> float:
    values = []
    for run in runs:
        value: Any = run
        for part in path:
            value = value[part]
        values.append(float(value))
    return statistics.median(values)


def report(case: str, writer: str, runs: list[dict[str, Any]]) -> None:
    def m(*path: str) -> float:
        return median_of(runs, *path)

    label = "ReplyWriter (paced, 512-char appends)" if writer == "ours" else "stock MarkdownStream"
    print(f"\n{case}, {label} (median of {len(runs)} fresh processes)")
    if case == "stream":
        print(f"  first text on screen    {m('first_text_ms'):8.1f} ms after sending")
    print(f"  rendered                {m('tokens_per_s'):8.0f} tokens/s  ({m('total_s'):.2f} s, {m('renders'):.0f} renders)")
    print(
        f"  start of reply          {m('start', 'cpu_ms_per_token'):8.3f} CPU ms/token, "
        f"{m('start', 'render_ms'):6.2f} ms/render, {m('start', 'tokens_per_render'):6.1f} tokens/render"
    )
    print(
        f"  end of reply            {m('end', 'cpu_ms_per_token'):8.3f} CPU ms/token, "
        f"{m('end', 'render_ms'):6.2f} ms/render, {m('end', 'tokens_per_render'):6.1f} tokens/render"
    )
    if case == "stream":
        print(f"  frames drawn            {m('frames'):8.0f}")
        print(f"  key during the stream   {m('key_ms_median'):8.1f} ms median, {m('key_ms_max'):.1f} ms worst ({m('keys'):.0f} keys)")
    print(f"  event-loop lag          {m('lag_ms_p95'):8.1f} ms p95, {m('lag_ms_max'):.1f} ms worst")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", choices=("stream", "fence"))
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--writer", choices=WRITERS)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.case:
        case = case_stream if args.case == "stream" else case_fence
        print(json.dumps(asyncio.run(case(args.tokens, args.writer or "ours"))))
        return
    print(f"Chat streaming benchmark: {args.tokens} tokens, terminal {SIZE[0]}x{SIZE[1]}")
    for case in ("stream", "fence"):
        for writer in WRITERS if args.writer is None else (args.writer,):
            runs = [run_case(case, args.tokens, writer) for _ in range(args.runs)]
            report(case, writer, runs)


if __name__ == "__main__":
    main()
