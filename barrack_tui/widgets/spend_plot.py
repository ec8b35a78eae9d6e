"""Spend over time, from instance billing records: the series and a plot of them.

Each billing record is one billed period of one instance (``total_cost`` over
``total_duration_minutes`` from ``start_time``); spend is spread evenly over
its period, so the curves end exactly at what the API says was billed.
``textual_plotext`` is imported only when the plot is first shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

HOUR = 3600.0


class BilledPeriod(Protocol):
    start_time: datetime
    total_duration_minutes: float
    total_cost: float


@dataclass(frozen=True, slots=True)
class SpendSeries:
    """Cumulative spend at each of ``hours`` (negative: hours before now)."""

    hours: list[float]
    lines: dict[str, list[float]]
    """Label -> cumulative spend; "All instances" first, then the biggest spenders."""

    @property
    def empty(self) -> bool:
        return not self.hours or not self.lines


def spent_by(records: Iterable[BilledPeriod], moment: datetime) -> float:
    """What these periods had cost by ``moment``."""
    total = 0.0
    for record in records:
        minutes = record.total_duration_minutes
        if minutes <= 0:
            if moment >= record.start_time:
                total += record.total_cost
            continue
        elapsed = (moment - record.start_time).total_seconds() / 60.0
        total += record.total_cost * min(max(elapsed / minutes, 0.0), 1.0)
    return total


def spend_series(
    records: Mapping[str, Sequence[BilledPeriod]], now: datetime, *, points: int = 49, top: int = 3
) -> SpendSeries:
    """Cumulative spend from the first billed minute to ``now``: in total and for the
    ``top`` instances that cost most (keyed by the label to show)."""
    starts = [r.start_time for rs in records.values() for r in rs]
    if not starts:
        return SpendSeries([], {})
    first = min(starts)
    span = max((now - first).total_seconds(), HOUR)
    moments = [now - timedelta(seconds=span * (1 - i / (points - 1))) for i in range(points)]
    hours = [round((m - now).total_seconds() / HOUR, 2) for m in moments]
    ranked = sorted(records, key=lambda name: spent_by(records[name], now), reverse=True)
    every = [r for rs in records.values() for r in rs]
    lines = {"All instances": [round(spent_by(every, m), 4) for m in moments]}
    for name in ranked[:top]:
        lines[name] = [round(spent_by(records[name], m), 4) for m in moments]
    return SpendSeries(hours, lines)


class SpendPlot(Widget):
    """Cumulative spend lines; shows a note instead while there is nothing to plot."""

    DEFAULT_CSS = """
    SpendPlot {
        height: 1fr;
        width: 1fr;
    }
    SpendPlot > #spend-note {
        color: $text-muted;
        padding: 1 2;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._series = SpendSeries([], {})
        self._currency = "USD"
        self._note = "Loading billing records…"

    def compose(self) -> ComposeResult:
        yield Static(Text(self._note), id="spend-note")

    def show_note(self, note: str) -> None:
        self._note = note
        self.query_one("#spend-note", Static).update(Text(note))

    def show(self, series: SpendSeries, currency: str) -> None:
        """Plot ``series`` (mounting the plot on first use)."""
        self._series, self._currency = series, currency
        if series.empty:
            self.show_note("No billing records yet")
            return
        from textual_plotext import PlotextPlot

        note = self.query_one("#spend-note", Static)
        note.display = False
        plots = self.query(PlotextPlot)
        if plots:
            self._draw(plots.first())
        else:
            plot = PlotextPlot(id="spend-chart")
            self.mount(plot)
            self.call_after_refresh(self._draw, plot)

    def _draw(self, plot: Any) -> None:
        plt = plot.plt
        plt.clear_figure()
        plt.title(f"cumulative, {self._currency}")
        for label, values in self._series.lines.items():
            plt.plot(self._series.hours, values, label=label, marker="braille")
        plt.xlabel("hours before now")
        plot.refresh()
