"""Human formats, and when a duration's text moves."""

from __future__ import annotations

from datetime import timedelta

import pytest

from barrack_tui.format import amount, duration, duration_changes_at, money, rate


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(-5, "0s"), (42, "42s"), (60, "1m"), (3599, "59m"), (3600, "1h 00m"), (18720, "5h 12m"), (273600, "3d 4h")],
)
def test_duration_shows_the_two_largest_units(seconds: int, text: str) -> None:
    assert duration(seconds) == text
    assert duration(timedelta(seconds=seconds)) == text


def test_a_duration_keeps_its_text_until_it_says_it_changes() -> None:
    for seconds in [-5.5, -0.2, *(step / 3 for step in range(0, 3 * 86400 * 3, 23))]:
        until = duration_changes_at(seconds)
        assert until > seconds
        assert duration(until - 0.001) == duration(seconds) != duration(until), seconds


def test_money_and_rates() -> None:
    assert amount(None) == "—" and amount(1234.5) == "1,234.50"
    assert money(-3.5) == "-$3.50" and money(2, "GBP") == "2.00 GBP"
    assert rate(0.05) == "$0.0500/h" and rate(2.5, "EUR") == "€2.50/h"
