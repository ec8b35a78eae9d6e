"""How a resource status looks: a glyph and a tone that the theme colours."""

from __future__ import annotations

from textual.content import Content

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
_THEME_VARIABLE = {"success": "$success", "warning": "$warning", "error": "$error", "accent": "$accent", "muted": "$text-muted"}


def _changing(status: str) -> bool:
    return is_transitional(status) or status in {"CREATING", "ATTACHING"}


def status_tone(status: str) -> str:
    upper = status.upper()
    return "warning" if _changing(upper) else _TONE.get(upper, "")


def status_label(status: str) -> str:
    """``ACTIVE``; ``⟳ STOPPING`` marks a state that is still changing, ``✖ ERROR`` a failure."""
    upper = status.upper()
    if _changing(upper):
        return f"⟳ {status}"
    return f"✖ {status}" if upper == "ERROR" else status


def status_cell(status: str) -> Cell:
    return Cell(status_label(status), status_tone(status), status)


def status_content(status: str) -> Content:
    """The same look outside a table, coloured by the theme's variables."""
    return Content.styled(status_label(status), _THEME_VARIABLE.get(status_tone(status), ""))
