"""Shared pieces of bench_console.py: the simulator in its own process, frame
counting, a freezable clock, statistics and the printed table.

Only the standard library is imported at module level: the start-up case runs
this module in every child it times, so it must cost the same (next to
nothing) for our app and for the bare one.

Run as a script it is the simulator process:

    python bench/_harness.py serve --scenario fleet --fleet 10000 --seed 7 --port 8765 --shift 120

``--shift`` moves the world's clock forward that many seconds once the world
is built, so every CREATING/STOPPING/... instance has settled before the
first request (the engine then polls at the plain refresh interval instead of
its fast one). SIGUSR1 freezes the clock (every later response is identical),
SIGUSR2 lets it run again from where it stopped.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Self

HERE = Path(__file__).resolve().parent
FREEZE_SIGNAL = signal.SIGUSR1
THAW_SIGNAL = signal.SIGUSR2


# ---- a clock both processes can freeze


class BenchClock:
    """Wall-clock UTC plus ``shift`` seconds, which can be frozen and thawed.

    The simulator reads it for the world's time; the app under test gets its
    own copy as ``Launch.now`` (uptime, runway), frozen at the same moment.
    """

    def __init__(self, shift: float = 0.0) -> None:
        self._shift = timedelta(seconds=shift)
        self._frozen: datetime | None = None

    def now(self) -> datetime:
        if self._frozen is not None:
            return self._frozen
        return datetime.now(UTC) + self._shift

    def move(self, seconds: float) -> None:
        self._shift += timedelta(seconds=seconds)

    def freeze(self) -> None:
        if self._frozen is None:
            self._frozen = self.now()

    def thaw(self) -> None:
        """Run on from the frozen moment (time never goes back)."""
        if self._frozen is not None:
            self._shift = self._frozen - datetime.now(UTC)
            self._frozen = None


# ---- the simulator process


def serve(scenario: str, seed: int, fleet: int, port: int, shift: float) -> None:
    """Build the world, then serve it on 127.0.0.1:port until terminated."""
    import logging

    from barrack_tui.sim import create_app
    from barrack_tui.sim.server import run_forever

    logging.disable(logging.INFO)  # no access log
    clock = BenchClock()
    app = create_app(seed=seed, clock=clock, scenario=scenario, fleet_size=fleet)
    clock.move(shift)
    signal.signal(FREEZE_SIGNAL, lambda *_: clock.freeze())
    signal.signal(THAW_SIGNAL, lambda *_: clock.thaw())
    run_forever(app, port)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SimProcess:
    """``serve`` in a child process on a free loopback port (a context manager)."""

    def __init__(self, scenario: str, *, seed: int = 7, fleet: int = 0, shift: float = 0.0) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api/"
        command = [
            sys.executable,
            str(HERE / "_harness.py"),
            "serve",
            "--scenario",
            scenario,
            "--seed",
            str(seed),
            "--fleet",
            str(fleet),
            "--port",
            str(self.port),
            "--shift",
            str(shift),
        ]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    @property
    def pid(self) -> int:
        return self._process.pid

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                error = self._process.stderr.read().decode() if self._process.stderr else ""
                raise RuntimeError(f"the simulator exited:\n{error}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("the simulator did not start")

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def __enter__(self) -> Self:
        self.wait_ready()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def demo_key() -> str:
    from barrack_tui.sim import DEMO_API_KEY

    return DEMO_API_KEY


# ---- children


def run_child(arguments: Sequence[str], *, env: dict[str, str] | None = None, timeout: float = 300) -> dict[str, Any]:
    """Run ``bench_console.main`` with ``arguments`` in a fresh interpreter; its last stdout line is JSON.

    The module is imported (not run as a script) so its bytecode is cached and
    the start-up case does not time the compilation of this benchmark.
    """
    entry = f"import sys; sys.path.insert(0, {str(HERE)!r}); from bench_console import main; main()"
    command = [sys.executable, "-c", entry, *arguments]
    done = subprocess.run(command, check=False, capture_output=True, text=True, env=env, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_env(key: str) -> dict[str, str]:
    """The parent's environment plus the (public, simulator-only) demo key, never on argv."""
    return {**os.environ, "BARRACK_API_KEY": key}


# ---- counting frames


@dataclass(slots=True)
class Frame:
    """One frame as a terminal would get it: when, CPU so far, bytes, table lines
    painted, and the kinds of widget that asked for it."""

    at: float
    cpu: float
    size: int
    lines: int = 0
    sources: tuple[str, ...] = ()


@dataclass
class FrameLog:
    frames: list[Frame] = field(default_factory=list)
    #: Called with each frame's terminal text (after it is recorded).
    listeners: list[Callable[[str], None]] = field(default_factory=list)
    #: Incremented by whoever counts painted lines; reset at each frame.
    lines: int = 0


def counting(app_class: type) -> type:
    """A subclass of ``app_class`` that records every frame in ``self.frame_log``.

    Headless Textual writes nothing; here each compositor update is turned into
    the exact text a real terminal would receive (what ``App._display`` does
    with a real driver), to count its bytes, and the clock stops there.
    """

    class Counting(app_class):  # type: ignore[misc, valid-type]
        frame_log: FrameLog

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.frame_log = FrameLog()

        def _display(self, screen: Any, renderable: Any) -> None:
            from textual._compositor import CompositorUpdate

            if isinstance(renderable, CompositorUpdate) and not self._batch_count:
                text = renderable.render_segments(self.console)
                log = self.frame_log
                sources = tuple(sorted({type(widget).__name__ for widget in screen._dirty_widgets})) or ("layout",)
                log.frames.append(
                    Frame(time.perf_counter(), time.process_time(), len(text.encode()), log.lines, sources)
                )
                log.lines = 0
                for listener in log.listeners:
                    listener(text)
            super()._display(screen, renderable)

    Counting.__name__ = f"Counting{app_class.__name__}"
    return Counting


# ---- statistics and printing


def median_p95(values: Sequence[float]) -> tuple[float, float]:
    import statistics

    if not values:
        return float("nan"), float("nan")
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def mp(values: Sequence[float], digits: int = 1) -> str:
    """``median / p95`` (``-`` when there are no values)."""
    if not values:
        return "-"
    median, p95 = median_p95(values)
    return f"{median:,.{digits}f} / {p95:,.{digits}f}"


def print_table(title: str, rows: Sequence[tuple[str, ...]], header: tuple[str, ...]) -> None:
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    print(f"\n{title}")
    line = "  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(header))
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))
    sys.stdout.flush()


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="The simulator process of bench_console.py.")
    commands = parser.add_subparsers(dest="command", required=True)
    server = commands.add_parser("serve")
    server.add_argument("--scenario", default="demo")
    server.add_argument("--seed", type=int, default=7)
    server.add_argument("--fleet", type=int, default=0)
    server.add_argument("--port", type=int, required=True)
    server.add_argument("--shift", type=float, default=0.0)
    args = parser.parse_args()
    serve(args.scenario, args.seed, args.fleet, args.port, args.shift)


if __name__ == "__main__":
    main()
