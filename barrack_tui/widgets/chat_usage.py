"""AI usage: totals, a per-day plot and the transaction history.

The plot uses textual-plotext, imported only when a plot is composed (it is
slow to import and most sessions never open the chat).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from rich.table import Table
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Static

from barrack_tui.format import money
from barrack_tui.widgets.resource_table import ResourceTable
from barrack_tui.widgets.table_model import Cell, Column

if TYPE_CHECKING:
    from textual_plotext import PlotextPlot

    from barrack_tui.api.models import (
        AITransaction,
        UsageHistoryResponse,
        UsageSummaryResponse,
    )

PLOT_DAYS: Final = 7
COST_DIGITS: Final = 4

HISTORY_COLUMNS = (
    Column("when", "When (UTC)", width=16),
    Column("model", "Model", min_width=12),
    Column("prompt", "Prompt", width=8, align="right"),
    Column("completion", "Reply", width=8, align="right"),
    Column("tokens", "Tokens", width=8, align="right"),
    Column("cost", "Cost", width=10, align="right"),
)


@dataclass(frozen=True)
class DayUsage:
    day: datetime
    tokens: int
    cost: float

    @property
    def label(self) -> str:
        return self.day.strftime("%a")[:2]


def daily_usage(transactions: Iterable[AITransaction], now: datetime, days: int = PLOT_DAYS) -> list[DayUsage]:
    """Tokens and cost per UTC day, for the ``days`` days ending today, oldest first."""
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    starts = [today - timedelta(days=days - 1 - i) for i in range(days)]
    tokens = [0] * days
    cost = [0.0] * days
    for tx in transactions:
        index = (tx.created_at - starts[0]).days
        if 0 <= index < days:
            tokens[index] += tx.prompt_tokens + tx.completion_tokens
            cost[index] += tx.cost
    return [DayUsage(start, t, c) for start, t, c in zip(starts, tokens, cost, strict=True)]


def history_row(tx: AITransaction) -> dict[str, object]:
    total = tx.prompt_tokens + tx.completion_tokens
    return {
        "when": Cell(tx.created_at.strftime("%Y-%m-%d %H:%M"), sort=tx.created_at),
        "model": tx.model,
        "prompt": Cell(f"{tx.prompt_tokens:,}", sort=tx.prompt_tokens),
        "completion": Cell(f"{tx.completion_tokens:,}", sort=tx.completion_tokens),
        "tokens": Cell(f"{total:,}", sort=total),
        "cost": Cell(f"{tx.cost:,.{COST_DIGITS}f}", sort=tx.cost),
    }


def totals_text(summary: UsageSummaryResponse) -> str:
    return (
        f"{summary.total_requests:,} requests · {summary.total_tokens:,} tokens\n"
        f"{money(summary.total_cost, summary.currency, COST_DIGITS)} in total"
    )


def by_model_table(summary: UsageSummaryResponse) -> Table:
    table = Table(box=None, expand=False, padding=(0, 2), header_style="bold")
    table.add_column("Model")
    table.add_column("Requests", justify="right")
    table.add_column("Tokens", justify="right")
    table.add_column(f"Cost ({summary.currency})", justify="right")
    for row in sorted(summary.by_model, key=lambda m: -m.cost):
        table.add_row(row.model, f"{row.requests:,}", f"{row.tokens:,}", f"{row.cost:,.{COST_DIGITS}f}")
    table.add_row(
        "Total",
        f"{summary.total_requests:,}",
        f"{summary.total_tokens:,}",
        f"{summary.total_cost:,.{COST_DIGITS}f}",
        style="bold",
    )
    return table


class UsagePlot(Vertical):
    """Tokens per day over the last week, as bars."""

    DEFAULT_CSS = """
    UsagePlot {
        height: 10;
    }
    UsagePlot > PlotextPlot {
        height: 1fr;
    }
    """

    def compose(self) -> ComposeResult:
        from textual_plotext import PlotextPlot

        yield PlotextPlot()

    def show(self, days: Sequence[DayUsage]) -> None:
        from textual_plotext import PlotextPlot

        plot: PlotextPlot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        positions = list(range(1, len(days) + 1))
        plt.bar(positions, [d.tokens for d in days], width=0.4)
        plt.xticks(positions, [d.label for d in days])
        plt.xlim(0.5, len(days) + 0.5)
        top = max([d.tokens for d in days] + [1])
        plt.yticks([0, top / 2, top], ["0", f"{top / 2:,.0f}", f"{top:,.0f}"])
        plt.title("Tokens per day")
        plot.refresh()


class UsageView(Vertical):
    """The whole picture: per-model totals and every transaction, newest first."""

    DEFAULT_CSS = """
    UsageView {
        height: 1fr;
    }
    UsageView > .usage-title {
        padding: 0 1;
        text-style: bold;
    }
    UsageView > #usage-by-model {
        height: auto;
        padding: 0 1 1 1;
    }
    UsageView > #usage-history {
        height: 1fr;
    }
    """

    def compose(self) -> ComposeResult:
        yield Label("AI usage by model", classes="usage-title")
        yield Static("Loading…", id="usage-by-model", markup=False)
        yield Label("Transactions", classes="usage-title")
        yield ResourceTable(HISTORY_COLUMNS, empty_text="No AI usage yet", id="usage-history")

    def show(self, history: UsageHistoryResponse, summary: UsageSummaryResponse) -> None:
        self.query_one("#usage-by-model", Static).update(by_model_table(summary))
        table = self.query_one(ResourceTable)
        table.set_rows({tx.id: history_row(tx) for tx in history.transactions})
        table.stale = False

    def show_error(self, error: Exception) -> None:
        self.query_one("#usage-by-model", Static).update(f"Could not load AI usage: {error}")
        self.query_one(ResourceTable).stale = True
