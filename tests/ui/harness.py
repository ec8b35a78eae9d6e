"""Running the console against the in-process simulator, for Pilot and snapshot tests."""

from __future__ import annotations

from typing import Any

from barrack_tui.app import BarrackApp
from barrack_tui.demo import in_process_app
from barrack_tui.live.topics import Topic

SIZE = (120, 36)


async def _no_sleep(_: float) -> None:
    """Retries back off instantly in tests."""


def make_app(sim_app: Any, clock: Any, *, read_only: bool = False, refresh: float = 60.0, **launch: Any) -> BarrackApp:
    """The app on the simulator's ASGI app, in-process (fast; streaming is buffered).

    A long refresh interval (also while something is changing state) keeps
    polling out of the way: tests ask the engine to refresh when they move the clock.
    """
    launch.setdefault("fast_refresh_seconds", refresh)
    return in_process_app(sim_app, clock.now, read_only=read_only, refresh=refresh, sleep=_no_sleep, **launch)


async def wait_for_instances(pilot: Any, timeout: float = 5.0) -> None:
    """Wait until the first instances fetch has landed on screen."""
    app: BarrackApp = pilot.app
    for _ in range(int(timeout / 0.02)):
        if app.services is not None and app.services.engine.states[Topic.INSTANCES].loaded:
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError("instances never loaded")


async def refresh_now(pilot: Any, *topics: Topic) -> None:
    """Fetch topics now (after moving the simulator's clock) and let the UI settle."""
    app: BarrackApp = pilot.app
    assert app.services is not None
    for topic in topics or (Topic.INSTANCES,):
        await app.services.engine.refresh(topic)
    await pilot.pause()


async def wait_for_refreshes(pilot: Any, *topics: Topic) -> None:
    """Wait until the engine has fetched the topics an action invalidated (none is due any more).

    An action asks for a refresh of what it changed, which the engine's own loop
    does while the test goes on. Moving the clock before it lands could let an
    answer from before the move arrive after the one ``refresh_now`` fetches.
    """
    app: BarrackApp = pilot.app
    assert app.services is not None
    engine = app.services.engine
    await wait_until(
        pilot,
        lambda: all(engine.seconds_until(topic) > 0 for topic in topics or (Topic.INSTANCES,)),
        "the refresh the action asked for",
    )


def still(app: BarrackApp) -> None:
    """No blinking cursors, so a snapshot is the same on every run."""
    from textual.widgets import Input, TextArea

    for screen in app.screen_stack:
        for widget in screen.query(Input):
            widget.cursor_blink = False
        for area in screen.query(TextArea):
            area.cursor_blink = False


async def wait_until(pilot: Any, condition: Any, what: str = "condition", timeout: float = 5.0) -> None:
    """Poll ``condition()`` while the app runs; fail with ``what`` after ``timeout``."""
    for _ in range(int(timeout / 0.02)):
        if condition():
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def ready_panel(app: BarrackApp) -> Any:
    """The chat panel on the current screen once composed and with a model to ask, else None.

    A mode or a pane shows the panel at once; its children, and the model list
    (fetched by a worker), come a moment later.
    """
    from barrack_tui.widgets.chat_panel import ChatPanel

    found = app.screen.query(ChatPanel)
    panel = found.first() if found else None
    return panel if panel is not None and panel.is_mounted and panel.selected_model else None


async def click_button(pilot: Any, selector: str) -> None:
    """Click a button once it can take the click.

    A Button ignores clicks while its pressed effect (0.2 s) is showing, so a
    second click soon after the first is dropped; wait it out, like a person would.
    """
    from textual.widgets import Button

    button = pilot.app.screen.query_one(selector, Button)
    await wait_until(pilot, lambda: not button.has_class("-active") and not button.disabled, f"{selector} ready")
    assert await pilot.click(button), f"the click missed {selector}"


def record_notes(app: Any) -> list[str]:
    """Every notification from now on (widgets notify through the app)."""
    notes: list[str] = []
    notify = app.notify

    def spy(message: str, **kwargs: Any) -> None:
        notes.append(str(message))
        notify(message, **kwargs)

    app.notify = spy
    return notes
