"""The Textual app: modes, global keys, the command palette and the connection."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from pydantic import SecretStr
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.signal import Signal
from textual.widgets import Static

from barrack_tui.live.engine import TopicUpdate
from barrack_tui.live.topics import Topic
from barrack_tui.resources import style_path
from barrack_tui.services import Services, build_engine

if TYPE_CHECKING:
    from barrack_tui.api.client import BarrackClient


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Launch:
    """How this run connects, decided by the command line (or a test)."""

    client_factory: Callable[[SecretStr], BarrackClient]
    api_key: SecretStr | None = None
    # Finds a key when none was given: keyring, file, then the login modal.
    obtain_key: Callable[[BarrackApp], Awaitable[SecretStr | None]] | None = None
    label: str = "barrack.ai"
    profile: str = "default"
    read_only: bool = False
    refresh_seconds: float = 5.0
    # Polling while something is changing state (never slower than refresh_seconds).
    fast_refresh_seconds: float = 1.5
    # The deploy form wants the balance to cover at least this many hours.
    budget_min_hours: float = 1.0
    now: Callable[[], datetime] = field(default=_utcnow)
    # Freeze what start-up built once the first instances are shown
    # (gc_tuning.py; the entry point has already raised the thresholds): for a
    # process that runs only the console, never inside tests.
    tune_gc: bool = False


@dataclass(frozen=True)
class ModeInfo:
    key: str
    name: str
    title: str


#: Seconds from the first instances to tuning the collector (gc_tuning.py).
SETTLE_DELAY = 1.0

MODE_INFO: tuple[ModeInfo, ...] = (
    ModeInfo("1", "instances", "Instances"),
    ModeInfo("2", "volumes", "Volumes"),
    ModeInfo("3", "firewalls", "Firewalls"),
    ModeInfo("4", "snapshots", "Snapshots & images"),
    ModeInfo("5", "keys", "Keys & scripts"),
    ModeInfo("6", "pricing", "Pricing & stock"),
    ModeInfo("7", "chat", "AI chat"),
)


_MODE_MODULES: dict[str, tuple[str, str]] = {
    "instances": ("barrack_tui.screens.instances", "InstancesScreen"),
    "volumes": ("barrack_tui.screens.volumes", "VolumesScreen"),
    "firewalls": ("barrack_tui.screens.firewalls", "FirewallsScreen"),
    "snapshots": ("barrack_tui.screens.snapshots", "SnapshotsScreen"),
    "keys": ("barrack_tui.screens.keys", "KeysScreen"),
    "pricing": ("barrack_tui.screens.pricing", "PricingScreen"),
    "chat": ("barrack_tui.screens.chat", "ChatScreen"),
}


def _mode_class(mode: str) -> type[Screen[None]]:
    import importlib

    module, name = _MODE_MODULES[mode]
    return getattr(importlib.import_module(module), name)


def _mode_screens() -> dict[str, type[Screen[None]]]:
    """The screen class of each mode that exists, by mode name."""
    return {mode: _mode_class(mode) for mode in _MODE_MODULES}


class BarrackApp(App[None]):
    """The Barrack console."""

    TITLE = "Barrack"
    CSS_PATH = style_path("app.tcss")
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(m.key, f"go('{m.name}')", m.title, show=False)
            for m in MODE_INFO
        ),
        Binding("d", "deploy", "Deploy"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, launch: Launch) -> None:
        super().__init__()
        self.launch = launch
        self.services: Services | None = None
        self._settled = False
        self._css_refresh_paused = False
        self.topic_updates: Signal[TopicUpdate] = Signal(self, "topic-updates")
        for name in _MODE_MODULES:
            # A factory: a mode's module is imported when it is first shown.
            self.add_mode(name, partial(lambda mode: _mode_class(mode)(), name))

    def compose(self) -> ComposeResult:
        yield Static("Connecting to Barrack…", id="splash")

    def on_mount(self) -> None:
        self.run_worker(self._connect(), name="connect", group="connect", exclusive=True)

    async def _connect(self) -> None:
        key = self.launch.api_key
        if key is None and self.launch.obtain_key is not None:
            key = await self.launch.obtain_key(self)
        if key is None:
            self.exit(message="No API key: set BARRACK_API_KEY, run `barrack-tui auth login`, or try --demo.")
            return
        self.connect_with(key)

    def connect_with(self, key: SecretStr) -> None:
        """Build the client and the refresh engine, then show the instances."""
        client = self.launch.client_factory(key)
        engine = build_engine(client, self.launch.refresh_seconds, self.launch.fast_refresh_seconds)
        engine.add_listener(self.topic_updates.publish)
        self.services = Services(client, engine, self.launch.read_only, self.launch.now)
        # The account bar needs the fleet and the balance on every screen.
        engine.watch(Topic.INSTANCES, self)
        engine.watch(Topic.BALANCE, self)
        self.run_worker(engine.run(), name="refresh-engine", group="engine", exclusive=True)
        self._replace_splash("instances")
        if self.launch.tune_gc:
            engine.add_listener(self._settle_once_loaded)

    def _replace_splash(self, mode: str) -> None:
        """Show ``mode``'s screen in place of the splash, restyling nothing but that screen.

        Showing a mode's screen for the first time, Textual 8 (``App._init_mode``,
        ``App.switch_mode``) calls ``refresh_css`` twice after loading the screen's
        stylesheet; each re-parses every stylesheet and restyles the screens
        already mounted. Here that is only the splash, which is never shown
        again; the new screen is styled as it mounts. Skipping both took this
        switch from ~40 ms to ~10 ms. Later switches are left alone.
        """
        self._css_refresh_paused = True
        try:
            self.switch_mode(mode)
        finally:
            self._css_refresh_paused = False

    def refresh_css(self, animate: bool = True) -> None:
        if not self._css_refresh_paused:  # see _replace_splash
            super().refresh_css(animate)

    def _settle_once_loaded(self, update: TopicUpdate) -> None:
        """Tune the collector a second after the first instances arrive: after
        the frame that shows them, which its one full collection (~50 ms at
        start-up, more with a big fleet) would otherwise delay."""
        if update.topic is Topic.INSTANCES and update.state.loaded and not self._settled:
            from barrack_tui.gc_tuning import settle_after_startup

            self._settled = True
            self.set_timer(SETTLE_DELAY, settle_after_startup)

    async def on_unmount(self) -> None:
        if self.services is not None:
            await self.services.client.aclose()

    @classmethod
    def mode_screen_classes(cls) -> list[tuple[str, type[Screen[None]]]]:
        screens = _mode_screens()
        return [(m.title, screens[m.name]) for m in MODE_INFO if m.name in screens]

    # -- navigation -----------------------------------------------------------

    def action_go(self, mode: str) -> None:
        if self.services is None:
            return
        if mode not in self._modes:
            self.notify(f"{mode.title()} is not available yet", severity="warning")
            return
        self.switch_mode(mode)

    def action_deploy(self) -> None:
        if self.services is None:
            return
        if self.services.read_only:
            from barrack_tui.screens.instance_actions import READ_ONLY_REASON

            self.notify(READ_ONLY_REASON, severity="warning")
            return
        from barrack_tui.screens.deploy import open_deploy

        open_deploy(self)

    def action_help(self) -> None:
        from barrack_tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    # -- command palette ------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.services is None:
            return
        for mode in MODE_INFO:
            if mode.name in self._modes:
                yield SystemCommand(f"Go to {mode.title}", f"Key {mode.key}", partial(self.action_go, mode.name))
        yield SystemCommand("Deploy a new instance", "Key d", self.action_deploy)
        yield SystemCommand("Keys", "Every key, on every screen", self.action_help)
        yield from self._screen_commands(screen)
        yield from self._instance_commands()

    def _screen_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every action of the screen the palette was opened from, by its key's description."""
        from barrack_tui.screens.help import bindings_of, key_label

        for binding in bindings_of(type(screen)):
            if binding.description and binding.action not in {"app.pop_screen", "dismiss"}:
                yield SystemCommand(
                    binding.description,
                    f"Key {key_label(binding)} on this screen",
                    partial(self.run_action, binding.action, screen),
                )

    def _instance_commands(self) -> Iterable[SystemCommand]:
        from barrack_tui.screens.instances import instance_commands

        yield from instance_commands(self)
