"""The README's screenshots were made from the UI as it is now."""

from __future__ import annotations

from pathlib import Path

from barrack_tui.screenshots import DIGEST_FILE, ui_digest, ui_sources

SHOTS = Path(__file__).resolve().parent.parent / "screenshots"


def test_screenshots_were_regenerated_after_the_last_ui_change() -> None:
    recorded = (SHOTS / DIGEST_FILE).read_text().split()[0]
    assert recorded == ui_digest(), (
        "the UI changed since screenshots/ was made: run `barrack-tui screenshots --out screenshots` and commit"
    )


def test_the_digest_covers_screens_widgets_the_app_and_styles() -> None:
    names = {path.name for path in ui_sources()}
    assert {"app.py", "instances.py", "resource_table.py", "app.tcss", "instances.tcss"} <= names
