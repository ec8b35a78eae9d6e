"""The one refresh engine: polls the API, diffs, and holds the cached account state.

Screens do not poll. They tell the engine which topics they show (``watch``),
and listen for updates. The engine fetches each watched topic on its own
schedule (fast while an instance is changing state, backing off on errors),
one request per topic per cycle, and tells listeners which keys changed.

No Textual here: the app bridges updates to the UI with a Signal.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from functools import cached_property
from typing import Any

from barrack_tui.live.topics import Topic

Fetcher = Callable[[], Awaitable[Any]]
Listener = Callable[["TopicUpdate"], None]


class Connection(Enum):
    """How fresh the primary data (instances) is."""

    CONNECTING = "connecting"
    LIVE = "live"
    RETRYING = "retrying"
    STALE = "stale"


@dataclass
class TopicState:
    """The cached value of one topic and how it was last fetched."""

    data: Any = None
    fetched_at: datetime | None = None
    error: Exception | None = None
    failures: int = 0
    next_due: float = 0.0

    @property
    def loaded(self) -> bool:
        return self.fetched_at is not None


@dataclass(frozen=True)
class TopicUpdate:
    """What a listener receives after a fetch of ``topic`` (good or failed).

    ``before`` and ``after`` are the cached data this update replaced and
    brought. When they are mappings, ``changed`` holds the keys whose value
    changed or appeared and ``removed`` the keys that disappeared; both are
    worked out on first use (a listener that does its own diffing never pays
    for this one) and both are empty after a failed fetch.
    """

    topic: Topic
    state: TopicState
    before: Any = None
    after: Any = None

    @classmethod
    def whole(cls, topic: Topic, state: TopicState) -> TopicUpdate:
        """An update that treats every cached key as changed (a first render)."""
        return cls(topic, state, None, state.data)

    @cached_property
    def _diff(self) -> tuple[frozenset[str], frozenset[str]]:
        if not isinstance(self.after, Mapping):
            return frozenset(), frozenset()
        return diff_mapping(self.before if isinstance(self.before, Mapping) else None, self.after)

    @property
    def changed(self) -> frozenset[str]:
        return self._diff[0]

    @property
    def removed(self) -> frozenset[str]:
        return self._diff[1]


@dataclass
class Schedule:
    """Polling intervals in seconds.

    Instances follow ``interval``. The balance moves by per-minute billing,
    so polling it more often than ``balance_interval`` shows nothing new.
    The rest change only through actions (which invalidate them).
    """

    interval: float = 5.0
    fast_interval: float = 1.5
    balance_interval: float = 15.0
    slow_interval: float = 30.0
    max_backoff: float = 60.0
    stale_after_failures: int = 2

    def period(self, topic: Topic, busy: bool) -> float:
        """Fast while something in the topic is changing state, else its usual pace."""
        if busy:
            return self.fast_interval
        if topic is Topic.INSTANCES:
            return self.interval
        if topic is Topic.BALANCE:
            return max(self.interval, self.balance_interval)
        return self.slow_interval


def diff_mapping(
    old: Mapping[str, Any] | None, new: Mapping[str, Any]
) -> tuple[frozenset[str], frozenset[str]]:
    """Keys of ``new`` that are new or changed, and keys of ``old`` now gone."""
    if old is None:
        return frozenset(new), frozenset()
    missing = object()
    changed = frozenset(k for k, v in new.items() if (was := old.get(k, missing)) is not v and was != v)
    return changed, frozenset(old.keys() - new.keys())


@dataclass
class RefreshEngine:
    """Polls watched topics and publishes what changed.

    ``is_busy(topic, data)`` is asked after each fetch: while it returns true
    (an instance changing state, a volume being created...) that topic is
    polled at the fast interval.
    """

    fetchers: Mapping[Topic, Fetcher]
    schedule: Schedule = field(default_factory=Schedule)
    is_busy: Callable[[Topic, Any], bool] = lambda topic, data: False
    monotonic: Callable[[], float] = time.monotonic
    wall_clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)

    def __post_init__(self) -> None:
        self.states: dict[Topic, TopicState] = {t: TopicState() for t in self.fetchers}
        self._watchers: dict[Topic, set[object]] = {t: set() for t in self.fetchers}
        self._listeners: list[Listener] = []
        self._wake = asyncio.Event()
        self._busy: set[Topic] = set()
        self._paused = False

    # -- interest -------------------------------------------------------------

    def watch(self, topic: Topic, watcher: object) -> None:
        """Start polling ``topic`` on behalf of ``watcher`` (a shown screen)."""
        first = not self._watchers[topic]
        self._watchers[topic].add(watcher)
        if first and not self._fresh(topic):
            self.invalidate(topic)

    def unwatch(self, topic: Topic, watcher: object) -> None:
        self._watchers[topic].discard(watcher)

    def unwatch_all(self, watcher: object) -> None:
        for watchers in self._watchers.values():
            watchers.discard(watcher)

    def watched(self) -> set[Topic]:
        return {t for t, w in self._watchers.items() if w}

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def pause(self, paused: bool) -> None:
        """Stop all polling (e.g. while the app is suspended for ssh)."""
        self._paused = paused
        if not paused:
            self._wake.set()

    # -- state ----------------------------------------------------------------

    def data(self, topic: Topic) -> Any:
        return self.states[topic].data

    @property
    def connection(self) -> Connection:
        state = self.states[Topic.INSTANCES]
        if state.failures == 0:
            return Connection.LIVE if state.loaded else Connection.CONNECTING
        if state.failures < self.schedule.stale_after_failures and state.loaded:
            return Connection.RETRYING
        return Connection.STALE

    def seconds_until(self, topic: Topic) -> float:
        return max(0.0, self.states[topic].next_due - self.monotonic())

    def invalidate(self, *topics: Topic) -> None:
        """Fetch these topics at the next opportunity (after an action changed them)."""
        now = self.monotonic()
        for topic in topics or tuple(self.states):
            if topic in self.states:
                self.states[topic].next_due = now
        self._wake.set()

    def patch(self, topic: Topic, key: str, update: Callable[[Any], Any]) -> None:
        """Apply an optimistic change to one keyed item and publish it at once.

        Used after an action succeeds, so the row shows the transition before
        the next poll confirms it.
        """
        state = self.states[topic]
        if not isinstance(state.data, dict) or key not in state.data:
            return
        before = state.data
        state.data = {**before, key: update(before[key])}
        self._publish(TopicUpdate(topic, state, before, state.data))

    # -- the loop -------------------------------------------------------------

    async def run(self) -> None:
        """Poll forever. Cancel the task to stop."""
        while True:
            due = self._due_topics()
            if due:
                await asyncio.gather(*(self.refresh(t) for t in due))
            await self._sleep_until_next()

    async def refresh(self, topic: Topic) -> TopicUpdate:
        """Fetch one topic now and publish the result."""
        state = self.states[topic]
        now = self.monotonic()
        try:
            data = await self.fetchers[topic]()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # an API error must never kill the loop
            state.error = exc
            state.failures += 1
            backoff = self.schedule.period(topic, topic in self._busy) * 2 ** (state.failures - 1)
            state.next_due = now + min(backoff, self.schedule.max_backoff)
            update = TopicUpdate(topic, state)
        else:
            before = state.data
            state.data = data
            state.error = None
            state.failures = 0
            state.fetched_at = self.wall_clock()
            busy = self.is_busy(topic, data)
            if busy:
                self._busy.add(topic)
            else:
                self._busy.discard(topic)
            state.next_due = now + self.schedule.period(topic, busy)
            update = TopicUpdate(topic, state, before, data)
        self._publish(update)
        return update

    def _fresh(self, topic: Topic) -> bool:
        state = self.states[topic]
        return state.loaded and state.next_due > self.monotonic()

    def _due_topics(self) -> list[Topic]:
        if self._paused:
            return []
        now = self.monotonic()
        return [t for t in self.watched() if self.states[t].next_due <= now]

    async def _sleep_until_next(self) -> None:
        self._wake.clear()
        watched = self.watched()
        if self._paused or not watched:
            timeout = None
        else:
            nearest = min(self.states[t].next_due for t in watched)
            timeout = max(0.0, nearest - self.monotonic())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)

    def _publish(self, update: TopicUpdate) -> None:
        for listener in self._listeners:
            listener(update)
