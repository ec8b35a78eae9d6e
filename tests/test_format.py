"""Human formats, and the ticks that say when a duration's text moves."""

from __future__ import annotations

from datetime import timedelta

import pytest

from barrack_tui.format import amount, duration, duration_tick, money, rate


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(-5, "0s"), (42, "42s"), (60, "1m"), (3599, "59m"), (3600, "1h 00m"), (18720, "5h 12m"), (273600, "3d 4h")],
)
def test_duration_shows_the_two_largest_units(seconds: int, text: str) -> None:
    assert duration(seconds) == text
    assert duration(timedelta(seconds=seconds)) == text


def test_equal_ticks_mean_equal_text_and_every_change_of_text_moves_the_tick() -> None:
    text_of_tick: dict[int, str] = {}
    previous_tick, previous_text = None, None
    for seconds in range(0, 3 * 86400, 7):
        tick, text = duration_tick(seconds), duration(seconds)
        assert text_of_tick.setdefault(tick, text) == text
        if previous_text is not None and text != previous_text:
            assert tick != previous_tick
        previous_tick, previous_text = tick, text


def test_money_and_rates() -> None:
    assert amount(None) == "—" and amount(1234.5) == "1,234.50"
    assert money(-3.5) == "-$3.50" and money(2, "GBP") == "2.00 GBP"
    assert rate(0.05) == "$0.0500/h" and rate(2.5, "EUR") == "€2.50/h"
