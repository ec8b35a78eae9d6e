"""Pilot waits that hold on a loaded machine: for the messages, not for an idle CPU.

Textual's Pilot waits after a key press, click or ``pause()`` in two ways: for
the messages queued at that moment, then until the process looks idle (little
CPU used during 20 ms). The second is a guess. On a starved machine (a busy CI
runner) a process that gets no CPU for 20 ms looks idle with work still queued:
a key still bubbling to its binding, a screen still composing, a repaint still
on its way. The test then checks the screen before the app has caught up.

Patched here (for every test, through an autouse fixture in conftest.py):

* each wait is repeated until a round finds no message queued anywhere on the
  current screen or in the app, and no widget appeared or went during it: a
  message posted by a handler (a key bubbling up, a child mounted) is waited
  for too, however long the CPU is away;
* ``press`` sends its keys one at a time, each handled before the next, so a
  key that moves the focus (``/`` opening a filter, ``ctrl+l``) is done before
  the next key arrives, as it is for a person typing.

Work outside the message queues (a worker awaiting an HTTP answer, a thread)
is not covered: tests wait for its result with ``tests.ui.harness.wait_until``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.app import App, ScreenStackError, UnknownModeError
from textual.message_pump import MessagePump
from textual.pilot import Pilot

# A message chain is a few hops deep (a key bubbling to the app, a child's
# mount); a stream of updates (a chat reply) may keep the queues busy for
# longer: give up waiting for quiet after this many rounds, as Pilot would.
MAX_ROUNDS = 50

WaitForScreen = Callable[[Pilot[Any], float], Awaitable[bool]]
Press = Callable[..., Awaitable[None]]


def _nodes(app: App[Any]) -> list[MessagePump]:
    try:
        screen = app.screen
    except (ScreenStackError, UnknownModeError):  # no screen yet, or the app is closing
        return [app]
    return [app, *screen.walk_children(with_self=True)]


def _pending(node: MessagePump) -> bool:
    """Messages or ``call_next`` callbacks not yet handled (private, Textual 8)."""
    return not node._message_queue.empty() or node._pending_message is not None or bool(node._next_callbacks)


def drained(wait_for_screen: WaitForScreen) -> WaitForScreen:
    """Repeat Pilot's wait for the screen until nothing is queued and no widget came or went."""

    async def wait(pilot: Pilot[Any], timeout: float = 30.0) -> bool:
        before = [id(node) for node in _nodes(pilot.app)]
        for _ in range(MAX_ROUNDS):
            if not await wait_for_screen(pilot, timeout):
                return False  # an exception in the app: Pilot reports it
            nodes = _nodes(pilot.app)
            after = [id(node) for node in nodes]
            if after == before and not any(_pending(node) for node in nodes):
                return True
            before = after
        return True

    return wait


def one_key_at_a_time(press: Press) -> Press:
    async def press_keys(pilot: Pilot[Any], *keys: str) -> None:
        for key in keys:
            await press(pilot, key)

    return press_keys


def patches() -> list[tuple[str, Any]]:
    """(attribute of Pilot, replacement) pairs, for ``monkeypatch.setattr``."""
    return [
        ("_wait_for_screen", drained(Pilot._wait_for_screen)),
        ("press", one_key_at_a_time(Pilot.press)),
    ]
