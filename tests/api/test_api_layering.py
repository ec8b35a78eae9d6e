"""The headless layers never import Textual (DESIGN.md "Layers")."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

HEADLESS = ["barrack_tui.api", "barrack_tui.sim", "barrack_tui.live"]


def test_headless_packages_do_not_import_textual() -> None:
    present = [name for name in HEADLESS if importlib.util.find_spec(name) is not None]
    if "barrack_tui.api" not in present:
        pytest.fail("barrack_tui.api is missing")
    code = (
        "import importlib, pkgutil, sys\n"
        f"for name in {present!r}:\n"
        "    package = importlib.import_module(name)\n"
        "    for info in pkgutil.walk_packages(package.__path__, name + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "assert not loaded, loaded[:5]\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
