"""The status line: account, balance, burn rate, runway and connection state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from barrack_tui.format import clock_time, duration, money, rate
from barrack_tui.live.engine import Connection, TopicUpdate
from barrack_tui.live.summary import FleetSummary, summarise
from barrack_tui.live.topics import Topic

if TYPE_CHECKING:
    from barrack_tui.app import BarrackApp

_CONNECTION_STYLE = {
    Connection.CONNECTING: ("◌ connecting", "$warning"),
    Connection.LIVE: ("● live", "$success"),
    Connection.RETRYING: ("◐ retrying", "$warning"),
    Connection.STALE: ("○ stale", "$error"),
}
_MUTED = "$text-muted"


class AccountBar(Static):
    """One line at the top of every screen, fed by the refresh engine's cache."""

    # What was last drawn and summarised: an identical refresh draws nothing.
    _shown: tuple[object, ...] = ()
    _summarised: object = None
    _summarised_balance: float | None = None
    _fleet: FleetSummary | None = None

    def on_mount(self) -> None:
        self._barrack.topic_updates.subscribe(self, self._on_update)
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
        engine = services.engine
        balance = engine.data(Topic.BALANCE)
        instances = engine.data(Topic.INSTANCES) or {}
        currency = balance.currency if balance is not None else "USD"
        amount = balance.balance if balance is not None else None
        if instances is not self._summarised or amount != self._summarised_balance:
            self._fleet = summarise(instances.values(), amount)
            self._summarised, self._summarised_balance = instances, amount
        fleet = self._fleet
        assert fleet is not None

        label, colour = _CONNECTION_STYLE[engine.connection]
        parts: list[str | tuple[str, str]] = [(f" {label}", f"bold {colour}")]
        if engine.connection in (Connection.RETRYING, Connection.STALE):
            state = engine.states[Topic.INSTANCES]
            parts.append((f" since {clock_time(state.fetched_at)}", colour))
            if state.error is not None:
                parts.append((f" ({state.error})", _MUTED))
        parts.append((f"  {app.launch.label}", "bold"))
        if services.read_only:
            parts.append(("  READ-ONLY", "bold $warning"))
        parts += ["  Balance ", (money(amount, currency), "bold")]
        parts += ["  Burn ", (rate(fleet.burn_per_hour, currency), "bold")]
        ends = fleet.runs_out_at(services.now())
        if fleet.runway is not None and ends is not None:
            parts += ["  Runway ", (duration(fleet.runway), "bold")]
            parts.append((f" → {ends.strftime('%a %d %b %H:%M')} UTC", _MUTED))
        shown = tuple(parts)  # (Content compares its text only, not its styles)
        if shown != self._shown:
            # One line, always: a layout pass would repaint the table's scrollbar too.
            self._shown = shown
            self.update(Content.assemble(*parts), layout=False)
