"""Benchmark the console end to end: start-up, live monitoring and key presses.

Run on demand, never from the test suite (about 5-6 minutes on 2 cores,
``--quick`` about 4):

    python bench/bench_console.py                       # every case, 3 fresh processes each
    python bench/bench_console.py --quick               # 2 runs, shorter windows
    python bench/bench_console.py --cases startup --runs 7
    python bench/bench_console.py --cases monitor --sizes 1000 --live 30
    python bench/bench_console.py --no-profile          # skip the "where the time goes" reruns

Everything runs on loopback: the simulator is served by uvicorn in its own
process (``_harness.py serve``), so its CPU is never counted, and every
measured run is a fresh Python process (this file re-invoked with a child
command). Apps run headless at 120x36. A frame is counted when the
compositor's update has been turned into the bytes a real terminal would
receive (see ``_harness.counting``); bytes are counted there.

Cases (bench/README.md says what each number means):

1. startup: time from just before the parent spawns the child to the first
   frame showing instance rows, for the real app (``Launch`` + ``BarrackClient``
   on the loopback simulator, as ``run_demo`` builds it minus the in-process
   server) and for a bare Textual app (httpx GET /instances/ into a DataTable).
2. monitor: the real app watching a 1,000 and a 10,000 instance fleet with a
   2 s refresh: a live window (the simulator's clock runs, costs accrue) and
   a quiet window (the simulator's and the app's clocks are frozen, so every
   poll returns the same data and nothing should be drawn).
3. keys: key press to frame at 10,000 instances while the refresh runs, and
   the same presses in a bare DataTable holding the same rows, for reference.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _harness import (  # the path line above makes bench/ importable
    FREEZE_SIGNAL,
    HERE,
    THAW_SIGNAL,
    BenchClock,
    Frame,
    FrameLog,
    SimProcess,
    child_env,
    counting,
    demo_key,
    median_p95,
    mp,
    print_table,
    run_child,
    verdict,
)

SIZE = (120, 36)
REFRESH = 2.0
SEED = 7
SETTLE_SHIFT = 120.0  # simulated seconds skipped after building the fleet: every transition has ended
TARGET_STARTUP_RATIO = 1.3
TARGET_IDLE_CPU_PERCENT = 1.0
TARGET_PAINT_MS = 100.0
TARGET_KEY_MS = 16.0
BARE_COLUMNS = (
    ("Name", "vm_name"),
    ("ID", "instance_id"),
    ("Status", "status"),
    ("GPU", "gpu_model"),
    ("Count", "gpu_count"),
    ("Tier", "tier"),
    ("Region", "region"),
    ("IP", "ip_address"),
    ("Rate/h", "hourly_rate"),
    ("Cost", "accrued_cost"),
)


# =============================================================== the apps


def bare_app(url: str, key: str, on_parsed: Callable[[], None]) -> Any:
    """A minimal Textual app: GET /instances/ with httpx, rows into a DataTable."""
    import httpx
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class BareApp(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable(cursor_type="row", id="table")

        def on_mount(self) -> None:
            self.run_worker(self._load(), exclusive=True)

        async def _load(self) -> None:
            async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": key}, timeout=30) as client:
                response = await client.get("instances/")
            instances = response.json()["instances"]
            on_parsed()
            table = self.query_one(DataTable)
            table.add_columns(*(label for label, _ in BARE_COLUMNS))
            table.add_rows([tuple(str(vm.get(name) or "—") for _, name in BARE_COLUMNS) for vm in instances])
            table.focus()

    return counting(BareApp)()


def ours_launch_kwargs(url: str, key: str, refresh: float) -> dict[str, Any]:
    """What ``launch.run_demo`` gives ``Launch``, pointed at the loopback simulator."""
    from pydantic import SecretStr

    from barrack_tui.api.client import BarrackClient
    from barrack_tui.demo import DEMO_LABEL

    return {
        "client_factory": lambda secret: BarrackClient(secret, base_url=url),
        "api_key": SecretStr(key),
        "label": DEMO_LABEL,
        "refresh_seconds": refresh,
        "tune_gc": True,
    }


@dataclass
class Cycle:
    """One poll of the instances topic and what followed it, times from perf_counter."""

    start: float
    cpu: float
    parse_ms: float = 0.0
    parsed: float = 0.0
    apply_end: float = 0.0
    apply_cpu_end: float = 0.0
    apply_ms: float = 0.0
    table_changed: int = 0
    bar_ms: float = 0.0


@dataclass
class Probe:
    """Hooks into the real app (engine, client, screen, table) for the monitor and keys children."""

    frame_log: FrameLog = field(default_factory=FrameLog)
    cycles: list[Cycle] = field(default_factory=list)

    @property
    def current(self) -> Cycle | None:
        return self.cycles[-1] if self.cycles else None

    def attach_services(self, services: Any) -> None:
        """Wrap the engine's refresh, the instances fetcher and the JSON parse."""
        from barrack_tui.live.topics import Topic

        engine = services.engine
        refresh, fetch = engine.refresh, engine.fetchers[Topic.INSTANCES]
        requester = services.client._requester
        parse = requester.parse

        async def timed_refresh(topic: Topic) -> Any:
            if topic is Topic.INSTANCES:
                self.cycles.append(Cycle(time.perf_counter(), time.process_time()))
            return await refresh(topic)

        async def timed_fetch() -> Any:
            data = await fetch()
            if self.current is not None:
                self.current.parsed = time.perf_counter()
            return data

        def timed_parse(response: Any, model: Any, operation: str) -> Any:
            if operation != "listInstances" or self.current is None:
                return parse(response, model, operation)
            started = time.perf_counter()
            result = parse(response, model, operation)
            self.current.parse_ms += (time.perf_counter() - started) * 1000  # one per page
            return result

        engine.refresh = timed_refresh
        engine.fetchers[Topic.INSTANCES] = timed_fetch
        requester.parse = timed_parse

    def patch_widgets(self) -> None:
        """Time the screen's apply, the account bar, and count table lines painted."""
        from barrack_tui.screens.instances import InstancesScreen
        from barrack_tui.widgets.account_bar import AccountBar
        from barrack_tui.widgets.resource_table import ResourceTable
        from barrack_tui.widgets.table_model import TableModel

        sync_rows, model_change = InstancesScreen._sync_rows, TableModel._change
        render_state, render_line = AccountBar.render_state, ResourceTable.render_line
        probe = self

        def timed_sync_rows(screen: Any) -> None:
            cycle = probe.current
            if cycle is None:
                sync_rows(screen)
                return
            started = time.perf_counter()
            sync_rows(screen)
            cycle.apply_end, cycle.apply_cpu_end = time.perf_counter(), time.process_time()
            cycle.apply_ms += (cycle.apply_end - started) * 1000

        def counted_model_change(model: Any, *args: Any) -> Any:
            result = model_change(model, *args)
            if probe.current is not None:
                probe.current.table_changed += len(result.added) + len(result.changed) + len(result.removed)
            return result

        def timed_render_state(bar: Any) -> None:
            started = time.perf_counter()
            render_state(bar)
            if probe.current is not None:
                probe.current.bar_ms += (time.perf_counter() - started) * 1000

        def counted_render_line(table: Any, y: int) -> Any:
            probe.frame_log.lines += 1
            return render_line(table, y)

        InstancesScreen._sync_rows = timed_sync_rows  # type: ignore[method-assign]
        TableModel._change = counted_model_change  # type: ignore[method-assign]
        AccountBar.render_state = timed_render_state  # type: ignore[method-assign]
        ResourceTable.render_line = counted_render_line  # type: ignore[method-assign]


def probed_app(url: str, key: str, clock: BenchClock) -> tuple[Any, Probe]:
    """The real ``BarrackApp`` (refresh 2 s, ``now`` from ``clock``) with a ``Probe`` attached."""
    from barrack_tui.gc_tuning import collect_less_often

    collect_less_often()  # what cli.main does before the console's imports
    from barrack_tui.app import BarrackApp, Launch

    probe = Probe()
    probe.patch_widgets()

    class ProbedApp(counting(BarrackApp)):  # type: ignore[misc]
        def connect_with(self, secret: Any) -> None:
            super().connect_with(secret)
            probe.attach_services(self.services)

    app = ProbedApp(Launch(**ours_launch_kwargs(url, key, REFRESH), now=clock.now))
    probe.frame_log = app.frame_log
    return app, probe


async def wait_for_rows(app: Any, probe: Probe, count: int, timeout: float = 120.0) -> Any:
    """Wait until the instances table holds ``count`` rows and a frame has painted them.

    Returns the table. The first frame that repainted table lines after the
    first list was parsed is the one that showed the rows (before it the table
    had nothing to show).
    """
    from barrack_tui.widgets.resource_table import ResourceTable

    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        tables = app.screen.query(ResourceTable)
        if tables and tables.first().total_count == count and first_rows_frame(app, probe) is not None:
            return tables.first()
        await asyncio.sleep(0.01)
    raise TimeoutError(f"{count} rows never appeared")


def first_rows_frame(app: Any, probe: Probe) -> Frame | None:
    parsed = probe.cycles[0].parsed if probe.cycles else 0.0
    return next((f for f in app.frame_log.frames if parsed and f.at > parsed and f.lines), None)


def profile_text(profiler: Any) -> str:
    import io
    import pstats

    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    out.write("-- top functions by own time (idle waits left out) --\n")
    stats.sort_stats("tottime").print_stats(19)
    out.write("-- barrack_tui functions by cumulative time --\n")
    stats.sort_stats("cumulative").print_stats("barrack_tui", 14)
    idle = ("select.epoll", "List reduced", "Ordered by", "function calls")
    return "\n".join(line for line in out.getvalue().splitlines() if line.strip() and not any(i in line for i in idle))


# ============================================================ child: startup


def child_startup(kind: str, url: str, expect: str) -> dict[str, float]:
    """Run one app until the frame showing the text ``expect``; return monotonic timestamps.

    ``imported`` is when the imports are done and the app object is built.
    """
    marks = {"main": time.monotonic()}
    key = os.environ["BARRACK_API_KEY"]

    def parsed() -> None:
        marks.setdefault("parsed", time.monotonic())

    app = bare_app(url, key, parsed) if kind == "bare" else timed_ours(url, key, parsed)
    marks["imported"] = time.monotonic()

    def on_frame(text: str) -> None:
        marks.setdefault("first_frame", time.monotonic())
        if expect in text and "rows" not in marks:
            marks["rows"] = time.monotonic()
            marks["cpu"] = time.process_time()  # CPU of the whole process so far (less sensitive to load)
            app.exit()

    app.frame_log.listeners.append(on_frame)
    app.run(headless=True, size=SIZE)
    return marks


def timed_ours(url: str, key: str, parsed: Callable[[], None]) -> Any:
    """The real app as ``barrack-tui --demo`` builds it, calling ``parsed`` when the instance list is parsed."""
    from barrack_tui.gc_tuning import collect_less_often

    collect_less_often()  # what cli.main does before the console's imports
    import barrack_tui.launch  # noqa: F401  (the module `barrack-tui --demo` runs)
    from barrack_tui.app import BarrackApp, Launch
    from barrack_tui.live.topics import Topic

    class TimedApp(counting(BarrackApp)):  # type: ignore[misc]
        def connect_with(self, secret: Any) -> None:
            super().connect_with(secret)
            assert self.services is not None
            fetchers = self.services.engine.fetchers
            fetch = fetchers[Topic.INSTANCES]

            async def timed() -> Any:
                data = await fetch()
                parsed()
                return data

            fetchers[Topic.INSTANCES] = timed

    return TimedApp(Launch(**ours_launch_kwargs(url, key, REFRESH)))


# ============================================================ child: monitor


def cpu_seconds() -> float:
    """User + system CPU of this process (all threads), from getrusage."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def child_monitor(url: str, count: int, sim_pid: int, live: float, quiet: float, profile: bool) -> dict[str, Any]:
    """First paint, then a live and a quiet window of monitoring; per-cycle numbers for each window."""
    from barrack_tui.live.topics import Topic

    clock = BenchClock(SETTLE_SHIFT)
    app, probe = probed_app(url, os.environ["BARRACK_API_KEY"], clock)
    result: dict[str, Any] = {"windows": {}, "profiles": {}}
    windows: list[tuple[str, float, float, float]] = []
    async with app.run_test(size=SIZE, tooltips=True, notifications=True):
        await wait_for_rows(app, probe, count)
        first = probe.cycles[0]
        frame = first_rows_frame(app, probe)
        assert frame is not None
        result["first_paint"] = {
            "parse_ms": first.parse_ms,
            "parsed_to_frame_ms": (frame.at - first.parsed) * 1000,
            "apply_ms": first.apply_ms,
        }
        await asyncio.sleep(2 * REFRESH)  # the first paint's leftovers (garbage, late layout) settle
        for phase, seconds in (("live", live), ("quiet", quiet)):
            if phase == "quiet":
                clock.freeze()
                os.kill(sim_pid, FREEZE_SIGNAL)
                # The balance is polled every 15 s: fetch it now, so its first
                # frozen value (which still differs) lands before the window.
                await asyncio.sleep(0.2)
                app.services.engine.invalidate(Topic.BALANCE)
                await asyncio.sleep(2.5 * REFRESH)  # the poll in flight and the first frozen one still differ
            profiler = start_profile() if profile else None
            started, cpu = time.perf_counter(), cpu_seconds()
            await asyncio.sleep(seconds)
            windows.append((phase, started, time.perf_counter(), cpu_seconds() - cpu))
            if profiler is not None:
                profiler.disable()
                result["profiles"][phase] = profile_text(profiler)
        await asyncio.sleep(REFRESH + 0.5)  # the window's last cycle ends when the next poll starts
        os.kill(sim_pid, THAW_SIGNAL)
    frames = app.frame_log.frames
    following = dict(zip(map(id, probe.cycles), probe.cycles[1:]))
    for phase, start, end, cpu_s in windows:
        cycles = []
        sources: dict[str, int] = {}
        for cycle in (c for c in probe.cycles if start <= c.start < end):
            after = following.get(id(cycle))
            if after is None:
                continue
            own = [f for f in frames if cycle.start <= f.at < after.start]
            for frame in own:
                for source in frame.sources:
                    sources[source] = sources.get(source, 0) + 1
            # Up to date on screen: the frame carrying the table's repaint, or
            # (when no line of the table had to change) the moment it was applied.
            shown = next((f.at for f in own if f.at >= cycle.apply_end and f.lines), cycle.apply_end)
            work_end_cpu = max([cycle.apply_cpu_end, *(f.cpu for f in own)])
            cycles.append(
                {
                    "period_s": after.start - cycle.start,
                    "cpu_ms": (after.cpu - cycle.cpu) * 1000,
                    "work_cpu_ms": (work_end_cpu - cycle.cpu) * 1000,
                    "parse_ms": cycle.parse_ms,
                    "parsed_to_applied_ms": (cycle.apply_end - cycle.parsed) * 1000,
                    "parsed_to_shown_ms": (shown - cycle.parsed) * 1000,
                    "apply_ms": cycle.apply_ms,
                    "bar_ms": cycle.bar_ms,
                    "table_changed": cycle.table_changed,
                    "frames": len(own),
                    "bytes": sum(f.size for f in own),
                    "lines": sum(f.lines for f in own),
                }
            )
        result["windows"][phase] = {"cpu_percent": cpu_s / (end - start) * 100, "cycles": cycles, "sources": sources}
    return result


def start_profile() -> Any:
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    return profiler


# =============================================================== child: keys


async def child_keys(url: str, count: int, presses: int, budget: float, bare: bool, profile: bool) -> dict[str, Any]:
    """Presses of down and up, each timed to the frame that shows the cursor on its new row.

    The cursor starts on the last row in view, then the keys repeat: 10 downs
    (each scrolls the view), 10 ups and 10 downs (inside the view), so a third
    of the presses scroll.
    """
    import random

    from textual import events

    key = os.environ["BARRACK_API_KEY"]
    rng = random.Random(SEED)
    probe = Probe()
    if bare:
        app: Any = bare_app(url, key, lambda: None)
    else:
        app, probe = probed_app(url, key, BenchClock(SETTLE_SHIFT))
    samples: list[dict[str, Any]] = []
    result: dict[str, Any] = {"samples": samples}
    async with app.run_test(size=SIZE, tooltips=True, notifications=True):
        if bare:
            from textual.widgets import DataTable

            while not (app.query(DataTable) and app.query_one(DataTable).row_count == count):
                await asyncio.sleep(0.05)
            table = app.query_one(DataTable)
            await asyncio.sleep(0.2)
            table.move_cursor(row=table.scrollable_content_region.height - 2)

            def position() -> tuple[int | None, int]:
                return table.cursor_row, int(table.scroll_offset.y)

        else:
            table = await wait_for_rows(app, probe, count)
            table.cursor_key = table.row_keys[table.scrollable_content_region.height - 2]

            def position() -> tuple[int | None, int]:
                return table.cursor_index, int(table.scroll_offset.y)

        await asyncio.sleep(1.5 * REFRESH)
        pending: dict[str, Any] = {}

        def on_frame(_text: str) -> None:
            waiter = pending.get("future")
            if waiter is not None and not waiter.done() and position()[0] == pending["expected"]:
                waiter.set_result(app.frame_log.frames[-1].at)

        app.frame_log.listeners.append(on_frame)
        profiler = start_profile() if profile else None
        stop_at = time.perf_counter() + budget
        for press in range(presses):
            if time.perf_counter() > stop_at:
                break
            name = "up" if 10 <= press % 30 < 20 else "down"
            row, scroll = position()
            assert row is not None
            pending["expected"] = row + (1 if name == "down" else -1)
            pending["future"] = asyncio.get_running_loop().create_future()
            pressed = time.perf_counter()
            app.post_message(events.Key(name, None))
            shown = await asyncio.wait_for(pending["future"], 10.0)
            samples.append({"at": pressed, "ms": (shown - pressed) * 1000, "scrolled": position()[1] != scroll})
            await asyncio.sleep(rng.uniform(0.02, 0.06))  # a fast typist; lets the screen's frame timer idle
        if profiler is not None:
            profiler.disable()
            result["profile"] = profile_text(profiler)
    # A press overlaps a refresh if it was pending at some moment between a
    # poll's start and the first frame after that poll's apply.
    frames = app.frame_log.frames
    following = dict(zip(map(id, probe.cycles), probe.cycles[1:]))
    busy = []
    for cycle in probe.cycles:
        after = following.get(id(cycle))
        end = after.start if after is not None else float("inf")
        own = [f.at for f in frames if cycle.start <= f.at < end and f.at >= cycle.apply_end]
        busy.append((cycle.start, own[0] if own else cycle.apply_end or end))
    for sample in samples:
        done = sample["at"] + sample["ms"] / 1000
        sample["during_refresh"] = any(start <= done and sample["at"] <= end for start, end in busy)
    return result


# ================================================================= the parent


def first_instance_id(url: str, key: str) -> str:
    """The id of the first instance listed: the first row of both tables, never cut short."""
    import httpx

    response = httpx.get(f"{url}instances/", headers={"X-API-Key": key}, timeout=30)
    response.raise_for_status()
    return str(response.json()["instances"][0]["instance_id"])


def compile_our_package() -> None:
    """Compile barrack_tui to bytecode, as ``pip install`` does for any package.

    Textual, httpx and pydantic were compiled when pip installed them. Our
    editable checkout is compiled on first import and cached, unless
    ``PYTHONDONTWRITEBYTECODE`` is set (it is on the machines this project is
    built on): then every timed child would compile our ~50 modules from
    source (40-70 ms) while the bare app loads cached bytecode.
    """
    import compileall

    compileall.compile_dir(HERE.parent / "barrack_tui", quiet=1)


def run_startup(runs: int, profile: bool) -> list[tuple[str, bool]]:
    import subprocess

    compile_our_package()
    key = demo_key()
    phases: dict[str, list[dict[str, float]]] = {"python": [], "bare": [], "ours": []}
    with SimProcess("demo", seed=SEED) as sim:
        expect = first_instance_id(sim.url, key)
        env = child_env(key)
        for _ in range(runs):
            started = time.monotonic()
            out = subprocess.run(
                [sys.executable, "-c", "import time; print(time.monotonic())"],
                capture_output=True,
                text=True,
                check=True,
            )
            phases["python"].append({"main": float(out.stdout) - started})
            for kind in ("bare", "ours"):
                started = time.monotonic()
                marks = run_child(["startup", "--app", kind, "--url", sim.url, "--expect", expect], env=env)
                cpu = marks.pop("cpu")
                phases[kind].append({**{name: at - started for name, at in marks.items()}, "cpu": cpu})
    labels = (
        ("main", "interpreter up"),
        ("imported", "imports + app built"),
        ("first_frame", "first frame"),
        ("parsed", "list parsed"),
        ("rows", "rows on screen"),
        ("cpu", "CPU to rows"),
    )
    rows = [("python -c pass (interpreter alone)", mp([p["main"] * 1000 for p in phases["python"]]), *[""] * 5)]
    for kind, title in (("bare", "bare Textual + httpx + DataTable"), ("ours", "barrack-tui (BarrackApp)")):
        rows.append((title, *(mp([p[name] * 1000 for p in phases[kind] if name in p]) for name, _ in labels)))
    print_table(
        f"1. Start-up: ms from just before spawning the process (CPU: the child's own), demo scenario "
        f"seed {SEED}, {SIZE[0]}x{SIZE[1]}, {runs} runs (median / p95); our package compiled to "
        f"bytecode first, as pip install does",
        rows,
        ("app", *(label for _, label in labels)),
    )
    ours = median_p95([p["rows"] for p in phases["ours"]])[0]
    bare = median_p95([p["rows"] for p in phases["bare"]])[0]
    ratio = ours / bare
    cpu_ratio = median_p95([p["cpu"] for p in phases["ours"]])[0] / median_p95([p["cpu"] for p in phases["bare"]])[0]
    ok = ratio <= TARGET_STARTUP_RATIO
    print(
        f"ratio barrack-tui / bare (medians): wall {ratio:.2f}x, CPU {cpu_ratio:.2f}x; "
        f"target <= {TARGET_STARTUP_RATIO}x: {verdict(ok)}"
    )
    if not ok and profile:
        explain_startup()
    return [(f"start-up within {TARGET_STARTUP_RATIO}x of bare ({ratio:.2f}x)", ok)]


def explain_startup() -> None:
    """Where start-up time goes: ``-X importtime`` of our imports, by top-level package."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import barrack_tui.launch"],
        check=False,
        capture_output=True,
        text=True,
    )
    by_package: dict[str, int] = {}
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            root = parts[2].strip().split(".")[0]
            by_package[root] = by_package.get(root, 0) + int(parts[0])
    top = sorted(by_package.items(), key=lambda item: -item[1])[:10]
    print("  where start-up goes: import of barrack_tui.launch, own time by top-level package (-X importtime):")
    print("   " + ", ".join(f"{name} {us / 1000:.0f} ms" for name, us in top))


@dataclass(frozen=True)
class Plan:
    """What the parent runs, from the command line."""

    runs: int
    sizes: tuple[int, ...]
    live: float
    quiet: float
    presses: int
    key_seconds: float
    monitor: bool
    keys: bool
    profile: bool


def run_fleets(plan: Plan) -> list[tuple[str, bool]]:
    """Cases 2 and 3: one simulator process per fleet size, fresh app processes against it."""
    key = demo_key()
    env = child_env(key)
    verdicts: list[tuple[str, bool]] = []
    for count in plan.sizes:
        with SimProcess("fleet", seed=SEED, fleet=count, shift=SETTLE_SHIFT) as sim:
            first_instance_id(sim.url, key)  # the first (slow) serialisation, outside every measurement
            target = ["--url", sim.url, "--count", str(count)]
            monitor = ["monitor", *target, "--sim-pid", str(sim.pid)]
            if plan.monitor:
                runs = [
                    run_child([*monitor, "--live", str(plan.live), "--quiet", str(plan.quiet)], env=env)
                    for _ in range(plan.runs)
                ]
                found = report_monitor(count, runs, plan)
                verdicts += found
                if plan.profile and not all(ok for _, ok in found):
                    result = run_child([*monitor, "--live", "6", "--quiet", "4", "--profile"], env=env)
                    for phase, text in result["profiles"].items():
                        print_profile(f"monitoring {count:,}, {phase} window", text)
            if plan.keys and count == max(plan.sizes):
                keys = ["keys", *target, "--presses", str(plan.presses), "--seconds", str(plan.key_seconds)]
                ours = [run_child(keys, env=env) for _ in range(plan.runs)]
                bare = [run_child([*keys[:-4], "--presses", "100", "--seconds", "8", "--bare"], env=env)]
                found = report_keys(count, ours, bare, plan)
                verdicts += found
                if plan.profile and not all(ok for _, ok in found):
                    result = run_child([*keys[:-4], "--presses", "150", "--seconds", "6", "--profile"], env=env)
                    print_profile(f"key presses at {count:,}", result["profile"])
    return verdicts


def print_profile(what: str, text: str) -> None:
    print(f"\n  where the time goes: {what} (a separate run under cProfile, so its times are inflated)")
    for line in text.splitlines():
        print(f"    {line}")


def report_monitor(count: int, runs: list[dict[str, Any]], plan: Plan) -> list[tuple[str, bool]]:
    def cycles(phase: str) -> list[dict[str, Any]]:
        return [c for run in runs for c in run["windows"][phase]["cycles"]]

    def values(phase: str, name: str, where: Any = None) -> list[float]:
        return [c[name] for c in cycles(phase) if c[name] is not None and (where is None or where(c))]

    def rows_changed(cycle: dict[str, Any]) -> bool:
        return cycle["table_changed"] > 0

    def no_row_changed(cycle: dict[str, Any]) -> bool:
        return cycle["table_changed"] == 0

    def sources(phase: str) -> str:
        total: dict[str, int] = {}
        for run in runs:
            for name, frames in run["windows"][phase]["sources"].items():
                total[name] = total.get(name, 0) + frames
        return ", ".join(f"{name} {frames}" for name, frames in sorted(total.items(), key=lambda item: -item[1])[:4])

    table: list[tuple[str, ...]] = []
    for title, name, where, digits in (
        ("CPU % of one core over the window", "cpu", None, 2),
        ("refresh cycles, all runs (with rows changed)", "count", None, 0),
        ("cycle period s", "period_s", None, 2),
        ("CPU ms per cycle (poll start to next poll)", "cpu_ms", None, 1),
        ("  of which poll start to its last frame", "work_cpu_ms", None, 1),
        ("  parse /instances/ JSON, ms", "parse_ms", None, 1),
        ("  InstancesScreen row passes, ms", "apply_ms", None, 1),
        ("  AccountBar.render_state, ms", "bar_ms", None, 1),
        ("rows the table re-formatted", "table_changed", None, 0),
        ("parsed -> applied to the table, ms", "parsed_to_applied_ms", None, 1),
        ("parsed -> table up to date on screen, ms", "parsed_to_shown_ms", None, 1),
        ("frames per cycle", "frames", None, 0),
        ("table lines painted per cycle", "lines", None, 0),
        ("bytes to the terminal per cycle", "bytes", None, 0),
        ("  cycles where table rows changed", "bytes", rows_changed, 0),
        ("  cycles where no table row changed", "bytes", no_row_changed, 0),
        ("frames came from (widget: frames)", "sources", None, 0),
    ):
        cells = []
        for phase in ("live", "quiet"):
            if name == "cpu":
                cells.append(mp([run["windows"][phase]["cpu_percent"] for run in runs], digits))
            elif name == "count":
                chosen = cycles(phase)
                cells.append(f"{len(chosen)} ({sum(1 for c in chosen if rows_changed(c))})")
            elif name == "sources":
                cells.append(sources(phase))
            else:
                data = values(phase, name, where)
                cells.append(f"{mp(data, digits)}  n={len(data)}" if where else mp(data, digits))
        table.append((title, *cells))
    first = [run["first_paint"] for run in runs]
    table.append(("first paint: parsed -> frame, ms", mp([f["parsed_to_frame_ms"] for f in first]), ""))
    parse_apply = f"{mp([f['parse_ms'] for f in first])} | {mp([f['apply_ms'] for f in first])}"
    table.append(("first paint: parse | row passes, ms", parse_apply, ""))
    print_table(
        f"2. Monitoring {count:,} instances, refresh {REFRESH:g} s, {SIZE[0]}x{SIZE[1]}, {len(runs)} runs, median / p95 "
        f"(live: {plan.live:g} s, the simulator's clock runs; quiet: {plan.quiet:g} s, both clocks frozen)",
        table,
        ("", "live", "quiet"),
    )
    quiet_bytes = values("quiet", "bytes")
    verdicts = [
        (
            f"{count:,}: no output while nothing changed (quiet: {max(quiet_bytes, default=0):,.0f} B/cycle at most)",
            bool(quiet_bytes) and max(quiet_bytes) == 0,
        )
    ]
    if count <= 1000:
        cpu = median_p95([run["windows"]["live"]["cpu_percent"] for run in runs])[0]
        verdicts.append(
            (
                f"{count:,}: under {TARGET_IDLE_CPU_PERCENT:g}% of a core at {REFRESH:g} s (live median {cpu:.2f}%)",
                cpu < TARGET_IDLE_CPU_PERCENT,
            )
        )
    else:
        first_ms = median_p95([f["parsed_to_frame_ms"] for f in first])[0]
        refresh_ms = median_p95(values("live", "parsed_to_shown_ms"))[1]
        label = (
            f"{count:,}: painted within {TARGET_PAINT_MS:g} ms of the parsed list "
            f"(first paint median {first_ms:.0f} ms, refresh p95 {refresh_ms:.0f} ms)"
        )
        verdicts.append((label, first_ms <= TARGET_PAINT_MS and refresh_ms <= TARGET_PAINT_MS))
    for label, ok in verdicts:
        print(f"{verdict(ok)}: {label}")
    return verdicts


def report_keys(
    count: int, ours: list[dict[str, Any]], bare: list[dict[str, Any]], plan: Plan
) -> list[tuple[str, bool]]:
    table: list[tuple[str, ...]] = []
    for runs, title in ((ours, "barrack-tui, 2 s refresh running"), (bare, "bare DataTable, same rows, no refresh")):
        samples = [s for run in runs for s in run["samples"]]
        for label, keep in (
            (f"{title} ({len(runs)} runs): all presses", lambda s: True),
            ("  cursor moved inside the view", lambda s: not s["scrolled"]),
            ("  view scrolled", lambda s: s["scrolled"]),
            ("  during a refresh (poll to its frame)", lambda s: s["during_refresh"]),
            ("  no refresh in progress", lambda s: not s["during_refresh"]),
        ):
            if runs is bare and label.endswith(("refresh (poll to its frame)", "no refresh in progress")):
                continue
            ms = [s["ms"] for s in samples if keep(s)]
            table.append((label, str(len(ms)), mp(ms), f"{max(ms, default=float('nan')):,.1f}"))
    print_table(
        f"3. Key press (events.Key posted to the app, as a terminal driver does) to the frame showing the "
        f"cursor moved, {count:,} instances, {SIZE[0]}x{SIZE[1]}",
        table,
        ("", "presses", "ms median / p95", "max"),
    )
    median, p95 = median_p95([s["ms"] for run in ours for s in run["samples"]])
    label = f"{count:,}: key press to frame within {TARGET_KEY_MS:g} ms (median {median:.1f}, p95 {p95:.1f})"
    ok = p95 <= TARGET_KEY_MS
    print(f"{verdict(ok)}: {label}")
    return [(label, ok)]


def parent(args: Any) -> None:
    cases = set(args.cases.split(","))
    if args.quick:
        args.runs, args.live, args.quiet, args.presses, args.key_seconds = 2, 10.0, 5.0, 150, 8.0
    plan = Plan(
        runs=args.runs,
        sizes=tuple(int(size) for size in args.sizes.split(",")),
        live=args.live,
        quiet=args.quiet,
        presses=args.presses,
        key_seconds=args.key_seconds,
        monitor="monitor" in cases,
        keys="keys" in cases,
        profile=not args.no_profile,
    )
    print(
        f"barrack-tui console benchmark: {plan.runs} fresh processes per case, {os.cpu_count()} CPUs, "
        f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f}"
    )
    started = time.monotonic()
    verdicts: list[tuple[str, bool]] = []
    if "startup" in cases:
        verdicts += run_startup(plan.runs, plan.profile)
    if plan.monitor or plan.keys:
        verdicts += run_fleets(plan)
    print("\nTargets")
    for label, ok in verdicts:
        print(f"  {verdict(ok):7} {label}")
    print(
        f"\n(total {time.monotonic() - started:.0f} s; load average now {os.getloadavg()[0]:.2f}: other processes "
        "on this machine inflate wall times, the CPU figures less so)"
    )


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per case (default 3)")
    parser.add_argument("--cases", default="startup,monitor,keys", help="comma-separated: startup,monitor,keys")
    parser.add_argument("--sizes", default="1000,10000", help="fleet sizes to monitor; keys use the largest")
    parser.add_argument("--live", type=float, default=12.0, help="seconds of live monitoring per run")
    parser.add_argument("--quiet", type=float, default=5.0, help="seconds of frozen-clock monitoring per run")
    parser.add_argument("--presses", type=int, default=300, help="key presses per run")
    parser.add_argument("--key-seconds", type=float, default=10.0, help="stop pressing after this long")
    parser.add_argument("--quick", action="store_true", help="2 runs and shorter windows")
    parser.add_argument("--no-profile", action="store_true", help="do not rerun a missed case under cProfile")
    commands = parser.add_subparsers(dest="child", help=argparse.SUPPRESS)
    startup = commands.add_parser("startup")
    startup.add_argument("--app", choices=("ours", "bare"), required=True)
    startup.add_argument("--url", required=True)
    startup.add_argument("--expect", required=True)
    monitor = commands.add_parser("monitor")
    keys = commands.add_parser("keys")
    for child in (monitor, keys):
        child.add_argument("--url", required=True)
        child.add_argument("--count", type=int, required=True)
        child.add_argument("--profile", action="store_true")
    monitor.add_argument("--sim-pid", type=int, required=True)
    monitor.add_argument("--live", type=float, required=True)
    monitor.add_argument("--quiet", type=float, required=True)
    keys.add_argument("--presses", type=int, required=True)
    keys.add_argument("--seconds", type=float, required=True)
    keys.add_argument("--bare", action="store_true")
    args = parser.parse_args()
    if args.child == "startup":
        result: Any = child_startup(args.app, args.url, args.expect)
    elif args.child == "monitor":
        result = asyncio.run(child_monitor(args.url, args.count, args.sim_pid, args.live, args.quiet, args.profile))
    elif args.child == "keys":
        result = asyncio.run(child_keys(args.url, args.count, args.presses, args.seconds, args.bare, args.profile))
    else:
        parent(args)
        return
    print(json.dumps(result))


if __name__ == "__main__":
    main()
