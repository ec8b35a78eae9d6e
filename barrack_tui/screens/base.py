"""What every screen that shows live account data shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.screen import Screen

from barrack_tui.live.engine import TopicUpdate
from barrack_tui.live.topics import Topic

if TYPE_CHECKING:
    from barrack_tui.api.models import UserVM
    from barrack_tui.app import BarrackApp
    from barrack_tui.services import Services


class LiveScreen(Screen[None]):
    """A screen fed by the refresh engine.

    ``TOPICS`` are polled while the screen is shown and paused when it is not.
    Updates that arrive while it is hidden are applied when it shows again,
    from the engine's cache, without a request.
    """

    TOPICS: ClassVar[tuple[Topic, ...]] = ()

    # Textual calls ``on_mount`` of every class in the MRO, subclass first:
    # subclasses define their own ``on_mount`` and must not call this one.

    def __init__(self) -> None:
        super().__init__()
        self._dirty: set[Topic] = set()

    @property
    def barrack(self) -> BarrackApp:
        from barrack_tui.app import BarrackApp

        assert isinstance(self.app, BarrackApp)
        return self.app

    @property
    def services(self) -> Services:
        services = self.barrack.services
        assert services is not None, "screens are shown only once connected"
        return services

    def instances(self) -> dict[str, UserVM]:
        """The cached instances by id (every screen names them; {} before the first fetch)."""
        return self.services.engine.data(Topic.INSTANCES) or {}

    def on_mount(self) -> None:
        self.barrack.topic_updates.subscribe(self, self._on_topic_update)
        for topic in self.TOPICS:
            state = self.services.engine.states[topic]
            if state.loaded or state.error is not None:
                self.apply_update(TopicUpdate.whole(topic, state))

    def on_screen_resume(self, _: events.ScreenResume) -> None:
        for topic in self.TOPICS:
            self.services.engine.watch(topic, self)
        for topic in sorted(self._dirty, key=lambda t: t.value):
            state = self.services.engine.states[topic]
            self.apply_update(TopicUpdate.whole(topic, state))
        self._dirty.clear()

    def on_screen_suspend(self, _: events.ScreenSuspend) -> None:
        self.services.engine.unwatch_all(self)

    def _on_topic_update(self, update: TopicUpdate) -> None:
        if update.topic not in self.TOPICS:
            return
        if self.is_current:
            self.apply_update(update)
        else:
            self._dirty.add(update.topic)

    def apply_update(self, update: TopicUpdate) -> None:
        """Show new data (or a failed fetch) for one of ``TOPICS``."""
