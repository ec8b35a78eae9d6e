"""The command line: what the entry point does before the console starts."""

from __future__ import annotations

from typing import Any

import barrack_tui.gc_tuning
import barrack_tui.launch
from barrack_tui import cli


def test_the_console_raises_the_collector_thresholds_before_it_starts(monkeypatch: Any) -> None:
    calls: list[str] = []
    monkeypatch.setattr(barrack_tui.gc_tuning, "collect_less_often", lambda: calls.append("thresholds"))
    monkeypatch.setattr(barrack_tui.launch, "run_demo", lambda **_: calls.append("demo") or 0)
    monkeypatch.setattr(barrack_tui.launch, "run_real", lambda **_: calls.append("real") or 0)
    assert cli.main(["--demo"]) == 0
    assert cli.main([]) == 0
    assert calls == ["thresholds", "demo", "thresholds", "real"]


def test_the_other_commands_leave_the_collector_alone(monkeypatch: Any) -> None:
    import barrack_tui.screenshots

    calls: list[str] = []
    monkeypatch.setattr(barrack_tui.gc_tuning, "collect_less_often", lambda: calls.append("thresholds"))
    monkeypatch.setattr(barrack_tui.screenshots, "regenerate", lambda out: calls.append(out) or 0)
    assert cli.main(["screenshots", "--out", "shots"]) == 0
    assert calls == ["shots"]
