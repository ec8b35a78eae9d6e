"""``barrack-tui screenshots``: regenerate the README's SVGs from the demo account.

Every shot runs the console on the in-process simulator with a fixed seed and
clock at 120x36, so the pictures change only when the UI does. Beside them,
``UI-SOURCES.sha256`` records a digest of the UI's sources (screens, widgets,
app, styles) they were made from; a test compares it with the working tree,
so a UI change that forgot to regenerate them fails with the command to run.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot

from barrack_tui.app import BarrackApp
from barrack_tui.demo import in_process_app
from barrack_tui.live.topics import Topic
from barrack_tui.resources import style_path

DIGEST_FILE = "UI-SOURCES.sha256"
SIZE = (120, 36)
SEED = 7
START = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)

Steps = Callable[[Pilot[None]], Awaitable[None]]


async def _until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    for _ in range(250):
        if condition():
            await pilot.pause(0.1)
            return
        await pilot.pause(0.02)
    raise RuntimeError(f"screenshot: timed out waiting for {what}")


async def _connected(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, BarrackApp)
    await _until(
        pilot,
        lambda: app.services is not None and app.services.engine.states[Topic.INSTANCES].loaded,
        "the instances",
    )


def _press(*keys: str, wait: Callable[[BarrackApp], bool] | None = None, what: str = "") -> Steps:
    async def steps(pilot: Pilot[None]) -> None:
        await _connected(pilot)
        await pilot.press(*keys)
        app = pilot.app
        assert isinstance(app, BarrackApp)
        if wait is not None:
            await _until(pilot, lambda: wait(app), what)
        await pilot.pause(0.3)

    return steps


def _details_loaded(app: BarrackApp) -> bool:
    return getattr(app.screen, "detail", None) is not None


def _screen_named(name: str) -> Callable[[BarrackApp], bool]:
    return lambda app: type(app.screen).__name__ == name


SHOTS: dict[str, Steps] = {
    "instances": _press(),
    "instance-details": _press("enter", wait=_details_loaded, what="the details"),
    "deploy": _press("d", wait=_screen_named("DeployScreen"), what="the deploy form"),
    "pricing": _press("6", wait=_screen_named("PricingScreen"), what="the pricing screen"),
    "volumes": _press("2", wait=_screen_named("VolumesScreen"), what="the volumes"),
    "firewalls": _press("3", wait=_screen_named("FirewallsScreen"), what="the firewalls"),
    "snapshots": _press("4", wait=_screen_named("SnapshotsScreen"), what="the snapshots"),
    "keys": _press("5", wait=_screen_named("KeysScreen"), what="the keys"),
    "chat": _press("7", wait=_screen_named("ChatScreen"), what="the chat"),
    "assistant-pane": _press(
        "a", wait=lambda app: bool(app.screen.query("#assistant")), what="the assistant beside the table"
    ),
    "help": _press("question_mark"),
}


async def _shoot(name: str, steps: Steps, out: Path) -> Path:
    from barrack_tui.sim import create_app
    from barrack_tui.sim.clock import ManualClock

    clock = ManualClock(START)
    sim_app = create_app(seed=SEED, clock=clock, scenario="demo")
    app = in_process_app(sim_app, clock.now, refresh=3600, fast_refresh_seconds=3600)
    async with app.run_test(size=SIZE) as pilot:
        await steps(pilot)
        return Path(app.save_screenshot(filename=f"{name}.svg", path=str(out)))


def ui_sources() -> list[Path]:
    """The files the pictures depend on, in a fixed order."""
    package = Path(__file__).parent
    sources = [package / "app.py", *package.glob("screens/**/*.py"), *package.glob("widgets/**/*.py")]
    sources += style_path("app.tcss").parent.glob("*.tcss")
    return sorted(sources, key=lambda path: path.relative_to(path.parent.parent).as_posix())


def ui_digest() -> str:
    """One SHA-256 over every UI source's name and bytes."""
    digest = hashlib.sha256()
    for path in ui_sources():
        digest.update(path.relative_to(path.parent.parent).as_posix().encode() + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()


def regenerate(out_dir: str) -> int:
    """Write one SVG per entry of ``SHOTS`` into ``out_dir``.

    Settings and chat history come from an empty temporary home, never the
    user's own, so the pictures are the same on every machine.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="barrack-shots-") as home:
        os.environ["BARRACK_TUI_CONFIG_DIR"] = str(Path(home, "config"))
        os.environ["BARRACK_TUI_DATA_DIR"] = str(Path(home, "data"))
        for name, steps in SHOTS.items():
            path = asyncio.run(_shoot(name, steps, out))
            print(f"wrote {path}")
    (out / DIGEST_FILE).write_text(f"{ui_digest()}  screens, widgets, app.py and styles these shots show\n")
    print(f"wrote {out / DIGEST_FILE}")
    return 0
