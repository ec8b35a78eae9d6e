"""How a resource status looks: a glyph and a tone that the theme colours."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text

from barrack_tui.lifecycle import is_transitional
from barrack_tui.widgets.table_model import Cell

_TONE = {
    "ACTIVE": "success",
    "SUCCESS": "success",
    "AVAILABLE": "success",
    "IN-USE": "accent",
    "HIBERNATED": "accent",
    "SHUTOFF": "muted",
    "ERROR": "error",
}
# Tone -> the theme variable that colours it outside tables.
_THEME_VARIABLE = {"success": "success", "warning": "warning", "error": "error", "accent": "accent", "muted": "text-muted"}


def _changing(status: str) -> bool:
    return is_transitional(status) or status in {"CREATING", "ATTACHING"}


def status_tone(status: str) -> str:
    upper = status.upper()
    return "warning" if _changing(upper) else _TONE.get(upper, "")


def status_label(status: str) -> str:
    """``● ACTIVE``; ``⟳ STOPPING`` marks a state that is still changing."""
    upper = status.upper()
    glyph = "⟳" if _changing(upper) else "✖" if upper == "ERROR" else "●"
    return f"{glyph} {status}"


def status_cell(status: str) -> Cell:
    return Cell(status_label(status), status_tone(status), status)


def status_text(status: str, theme: Mapping[str, str]) -> Text:
    """The same look outside a table, coloured from the theme's variables."""
    tone = status_tone(status)
    return Text(status_label(status), style=theme.get(_THEME_VARIABLE.get(tone, "foreground"), ""))
