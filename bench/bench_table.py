"""Benchmark ResourceTable against the stock DataTable.

Run on demand, never from the test suite:

    python bench/bench_table.py            # all cases, 5 fresh processes each
    python bench/bench_table.py --runs 3   # quicker

Every case runs in a fresh Python process (`--case ...` re-invokes this file)
in a headless app at a fixed 160x50 terminal. Frames are timed, not key
presses: the app counts a frame when the compositor's update has been turned
into the bytes a real terminal would receive, and the clock stops there.

Cases:
- first paint: `set_rows(N)` (DataTable: `add_columns` + `add_rows`) until
  the frame showing them is rendered: wall ms and CPU ms.
- refresh 5%: 10k rows loaded, then `set_rows` with 5% of the rows changed
  (a new status and price), until the frame is rendered; also the same with
  the table sorted by status, where the changes reorder rows.
- cursor down: one `action_cursor_down()` at 10k rows until its frame,
  including the moves that scroll the view.
- identical: `set_rows` with equal data (fresh dicts): the cost of the diff,
  then what the terminal gets in the next 150 ms (expected: no frame, 0 bytes).
- bytes/frame: what a frame writes to the terminal (median).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

SIZE = (160, 50)
STATUSES = ("ACTIVE", "CREATING", "STOPPING", "SHUTOFF", "HIBERNATED", "ERROR")
TONE_OF = {"ACTIVE": "success", "ERROR": "error", "SHUTOFF": "muted"}


# ---- fixtures shared by the cases


def instance_rows(count: int, seed: int = 1) -> dict[str, dict[str, Any]]:
    """Rows that look like the instances screen: 8 columns, a toned status."""
    from barrack_tui.widgets.resource_table import Cell

    rng = random.Random(seed)
    rows: dict[str, dict[str, Any]] = {}
    for number in range(count):
        status = rng.choice(STATUSES)
        rows[f"inst-{number:06d}"] = {
            "name": f"train-{rng.choice(('a100', 'h100', 'l40s'))}-{number}",
            "status": Cell(status, TONE_OF.get(status, "warning")),
            "model": rng.choice(("H100-80G", "A100-40G", "L40S-48G", "RTX-6000")),
            "gpus": rng.choice((1, 2, 4, 8)),
            "region": rng.choice(("FIN-01", "ICE-01", "US-02", "JP-01")),
            "ip": f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}",
            "price": round(rng.uniform(0.4, 30.0), 2),
            "uptime": rng.randint(0, 10_000_000),
        }
    return rows


def change_some(rows: dict[str, dict[str, Any]], fraction: float, seed: int) -> dict[str, dict[str, Any]]:
    """A copy of `rows` where `fraction` of them have a new status and price."""
    from barrack_tui.widgets.resource_table import Cell

    rng = random.Random(seed)
    changed = dict(rows)
    for key in rng.sample(sorted(rows), int(len(rows) * fraction)):
        status = rng.choice(STATUSES)
        changed[key] = {
            **rows[key],
            "status": Cell(status, TONE_OF.get(status, "warning")),
            "price": round(rng.uniform(0.4, 30.0), 2),
        }
    return changed


def columns() -> list[Any]:
    from barrack_tui.widgets.resource_table import Column

    return [
        Column("name", "Name", max_width=28),
        Column("status", "Status"),
        Column("model", "GPU"),
        Column("gpus", "GPUs", align="right"),
        Column("region", "Region"),
        Column("ip", "IP"),
        Column("price", "$/h", align="right", formatter=lambda value: f"{value:.2f}"),
        Column("uptime", "Uptime (s)", align="right", formatter=lambda value: f"{value:,}"),
    ]


def make_app(widget: str) -> Any:
    """A headless-ready app holding one table and counting rendered frames."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    from barrack_tui.widgets.resource_table import ResourceTable

    class BenchApp(App[None]):
        def __init__(self) -> None:
            super().__init__()
            self.frames = 0
            self.bytes_written = 0
            self.frame_event = asyncio.Event()

        def compose(self) -> ComposeResult:
            if widget == "resource":
                yield ResourceTable(columns(), id="table")
            else:
                yield DataTable(id="table", cursor_type="row")

        def _display(self, screen: Any, renderable: Any) -> None:
            # The headless driver writes nothing; render the update exactly as
            # a real terminal would get it, to count its bytes.
            from textual._compositor import CompositorUpdate

            if isinstance(renderable, CompositorUpdate) and not self._batch_count:
                self.bytes_written += len(renderable.render_segments(self.console).encode())
                self.frames += 1
                self.frame_event.set()
            super()._display(screen, renderable)

    return BenchApp()


@contextmanager
def clocks() -> Iterator[dict[str, float]]:
    result: dict[str, float] = {}
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield result
    finally:
        result["wall_ms"] = (time.perf_counter() - wall) * 1000
        result["cpu_ms"] = (time.process_time() - cpu) * 1000


async def next_frame(app: Any, timeout: float = 60.0) -> None:
    app.frame_event.clear()
    await asyncio.wait_for(app.frame_event.wait(), timeout)


async def settle(app: Any) -> None:
    """Let pending frames go out, so the next measurement starts clean."""
    for _ in range(3):
        await asyncio.sleep(0.05)
    app.frame_event.clear()


# ---- cases (each runs inside a fresh child process)


async def case_first_paint(widget: str, count: int) -> list[dict[str, float]]:
    rows = instance_rows(count)
    app = make_app(widget)
    async with app.run_test(size=SIZE):
        await settle(app)
        table = app.query_one("#table")
        if widget == "resource":
            with clocks() as measured:
                table.set_rows(rows)
                await next_frame(app)
        else:
            labels = [(column.label, column.key) for column in columns()]
            data = [
                [cell.value if isinstance(cell, tuple) else cell for cell in row.values()]
                for row in rows.values()
            ]
            with clocks() as measured:
                for label, key in labels:
                    table.add_column(label, key=key)
                table.add_rows(data)
                await next_frame(app)
    return [measured]


async def case_refresh(widget: str, count: int, sort: str | None) -> list[dict[str, float]]:
    rows = instance_rows(count)
    app = make_app(widget)
    samples: list[dict[str, float]] = []
    async with app.run_test(size=SIZE):
        table = app.query_one("#table")
        table.set_rows(rows)
        if sort:
            table.sort_by(sort)
        await next_frame(app)
        for run in range(15):
            await settle(app)
            changed = change_some(rows, 0.05, seed=run)
            before = app.bytes_written
            with clocks() as measured:
                table.set_rows(changed)
                await next_frame(app)
            measured["bytes"] = app.bytes_written - before
            samples.append(measured)
            rows = changed
    return samples


async def case_identical(widget: str, count: int) -> list[dict[str, float]]:
    rows = instance_rows(count)
    app = make_app(widget)
    samples: list[dict[str, float]] = []
    async with app.run_test(size=SIZE):
        table = app.query_one("#table")
        table.set_rows(rows)
        await next_frame(app)
        for _ in range(10):
            await settle(app)
            frames, before = app.frames, app.bytes_written
            same = {key: dict(row) for key, row in rows.items()}
            with clocks() as measured:
                table.set_rows(same)
            await settle(app)
            measured["bytes"] = app.bytes_written - before
            measured["frames"] = app.frames - frames
            samples.append(measured)
    return samples


async def case_cursor(widget: str, count: int) -> list[dict[str, float]]:
    rows = instance_rows(count)
    app = make_app(widget)
    samples: list[dict[str, float]] = []
    async with app.run_test(size=SIZE):
        table = app.query_one("#table")
        table.set_rows(rows)
        table.focus()
        await next_frame(app)
        for _ in range(60):
            await settle(app)
            with clocks() as measured:
                table.action_cursor_down()
                await next_frame(app)
            samples.append(measured)
    return samples


CASES: dict[str, Callable[..., Any]] = {
    "first_paint": case_first_paint,
    "refresh": case_refresh,
    "identical": case_identical,
    "cursor": case_cursor,
}


# ---- the parent: fresh process per run, then a table of medians and p95s


def run_child(case: str, widget: str, count: int, sort: str | None) -> list[dict[str, float]]:
    command = [sys.executable, __file__, "--case", case, "--widget", widget, "--count", str(count)]
    if sort:
        command += ["--sort", sort]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def summarise(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per case")
    parser.add_argument("--case", choices=sorted(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--widget", choices=("resource", "datatable"), help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sort", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.case:
        function = CASES[args.case]
        extra = (args.sort,) if args.case == "refresh" else ()
        samples = asyncio.run(function(args.widget, args.count, *extra))
        print(json.dumps(samples))
        return

    plan: list[tuple[str, str, str, int, str | None]] = [
        ("first paint, 1k rows", "first_paint", "resource", 1_000, None),
        ("first paint, 10k rows", "first_paint", "resource", 10_000, None),
        ("DataTable first paint, 1k rows", "first_paint", "datatable", 1_000, None),
        ("DataTable first paint, 10k rows", "first_paint", "datatable", 10_000, None),
        ("refresh, 5% of 10k changed", "refresh", "resource", 10_000, None),
        ("refresh, 5% of 10k, sorted by status", "refresh", "resource", 10_000, "status"),
        ("identical set_rows, 10k (diff only)", "identical", "resource", 10_000, None),
        ("cursor down, 10k rows", "cursor", "resource", 10_000, None),
    ]
    print(f"terminal {SIZE[0]}x{SIZE[1]}, {args.runs} fresh processes per case; ms are median / p95")
    header = f"{'case':40} {'n':>5} {'wall ms':>15} {'cpu ms':>15} {'bytes/frame':>13} {'frames':>7}"
    print(header)
    print("-" * len(header))
    for label, case, widget, count, sort in plan:
        samples: list[dict[str, float]] = []
        for _ in range(args.runs):
            samples += run_child(case, widget, count, sort)
        wall = summarise([sample["wall_ms"] for sample in samples])
        cpu = summarise([sample["cpu_ms"] for sample in samples])
        written = (
            f"{statistics.median(sample['bytes'] for sample in samples):>13,.0f}"
            if "bytes" in samples[0]
            else f"{'':>13}"
        )
        frames = (
            f"{sum(sample['frames'] for sample in samples):>7.0f}" if "frames" in samples[0] else f"{'':>7}"
        )
        print(
            f"{label:40} {len(samples):>5} {wall[0]:>7.1f} / {wall[1]:>5.1f} "
            f"{cpu[0]:>7.1f} / {cpu[1]:>5.1f} {written} {frames}",
            flush=True,
        )


if __name__ == "__main__":
    main()
