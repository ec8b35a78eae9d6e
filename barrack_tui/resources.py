"""Locate files shipped with the package, whatever the working directory.

The stylesheets live in the repository's top-level ``styles/`` directory. A
wheel force-includes that directory as ``barrack_tui/styles/``; a source
checkout or an editable install has no such directory inside the package, so
the repository copy is used instead.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_STYLE_DIRS: tuple[Path, ...] = (
    _PACKAGE_DIR / "styles",  # installed wheel
    _PACKAGE_DIR.parent / "styles",  # source checkout / editable install
)


def style_path(name: str) -> Path:
    """The absolute path of the stylesheet ``name`` (e.g. ``"login.tcss"``).

    Raises ``FileNotFoundError`` naming every place that was searched, so a
    packaging mistake fails at import time with a clear message rather than
    as an unstyled screen.
    """
    for directory in _STYLE_DIRS:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(directory) for directory in _STYLE_DIRS)
    raise FileNotFoundError(f"stylesheet {name!r} not found in: {searched}")
