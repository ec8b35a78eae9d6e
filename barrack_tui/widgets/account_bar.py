"""The status line: account, balance, burn rate, runway and connection state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from barrack_tui.format import clock_time, duration, money, rate
from barrack_tui.live.engine import Connection, TopicUpdate
from barrack_tui.live.summary import summarise
from barrack_tui.live.topics import Topic

if TYPE_CHECKING:
    from barrack_tui.app import BarrackApp

_CONNECTION_STYLE = {
    Connection.CONNECTING: ("◌ connecting", "warning"),
    Connection.LIVE: ("● live", "success"),
    Connection.RETRYING: ("◐ retrying", "warning"),
    Connection.STALE: ("○ stale", "error"),
}


class AccountBar(Static):
    """One line at the top of every screen, fed by the refresh engine's cache."""

    def on_mount(self) -> None:
        app = self._barrack
        app.topic_updates.subscribe(self, self._on_update)
        self.watch(app, "theme", lambda _: self.render_state(), init=False)
        self.render_state()

    @property
    def _barrack(self) -> BarrackApp:
        from barrack_tui.app import BarrackApp

        assert isinstance(self.app, BarrackApp)
        return self.app

    def _on_update(self, update: TopicUpdate) -> None:
        if update.topic in (Topic.INSTANCES, Topic.BALANCE):
            self.render_state()

    def render_state(self) -> None:
        app = self._barrack
        services = app.services
        if services is None:
            return
        colours = app.theme_variables
        engine = services.engine
        balance = engine.data(Topic.BALANCE)
        instances = engine.data(Topic.INSTANCES) or {}
        currency = balance.currency if balance is not None else "USD"
        amount = balance.balance if balance is not None else None
        fleet = summarise(instances.values(), amount)

        line = Text()
        label, colour = _CONNECTION_STYLE[engine.connection]
        line.append(f" {label}", style=f"bold {colours.get(colour, '')}")
        if engine.connection in (Connection.RETRYING, Connection.STALE):
            since = engine.states[Topic.INSTANCES].fetched_at
            error = engine.states[Topic.INSTANCES].error
            line.append(f" since {clock_time(since)}", style=colours.get(colour, ""))
            if error is not None:
                line.append(f" ({error})", style=colours.get("text-muted", ""))
        line.append(f"  {app.launch.label}", style="bold")
        if services.read_only:
            line.append("  READ-ONLY", style=f"bold {colours.get('warning', '')}")
        line.append("  Balance ")
        line.append(money(amount, currency), style="bold")
        line.append("  Burn ")
        line.append(rate(fleet.burn_per_hour, currency), style="bold")
        if fleet.runway is not None:
            ends = fleet.runs_out_at(services.now())
            line.append("  Runway ")
            line.append(duration(fleet.runway), style="bold")
            if ends is not None:
                line.append(f" (to {ends.strftime('%a %d %b %H:%M')} UTC)", style=colours.get("text-muted", ""))
        line.append(f"  {fleet.count} instances · {fleet.running} running")
        if fleet.changing:
            line.append(f" · {fleet.changing} changing", style=colours.get("warning", ""))
        self.update(line)
