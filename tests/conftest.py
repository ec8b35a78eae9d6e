"""Shared fixtures: a fixed clock, the simulator in-process, and the app wired to it."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import keyring
import pytest

from tests.keyring_fakes import HangingKeyring, KeyringSwap

os.environ["TZ"] = "UTC"
time.tzset()
# Never touch the developer's real settings, keyring file or chat history.
os.environ.pop("BARRACK_API_KEY", None)

FIXED_START = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SEED = 7


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    base = tmp_path_factory.mktemp("barrack-home")
    monkeypatch.setenv("BARRACK_TUI_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("BARRACK_TUI_DATA_DIR", str(base / "data"))
    for name in ("BARRACK_API_KEY", "BARRACK_API_URL", "BARRACK_PROFILE", "BARRACK_REFRESH", "BARRACK_READ_ONLY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _pilot_waits_for_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pilot waits for queued messages rather than an idle CPU (see tests/pilot_settle.py)."""
    from textual.pilot import Pilot

    from tests.pilot_settle import patches

    for name, replacement in patches():
        monkeypatch.setattr(Pilot, name, replacement)


@pytest.fixture
def clock() -> Any:
    from barrack_tui.sim.clock import ManualClock

    return ManualClock(FIXED_START)


@pytest.fixture
def make_sim(clock: Any) -> Callable[..., Any]:
    """Build a simulator ASGI app on the shared fixed clock."""
    from barrack_tui.sim import create_app

    def build(**kwargs: Any) -> Any:
        kwargs.setdefault("seed", SEED)
        kwargs.setdefault("scenario", "demo")
        return create_app(clock=clock, **kwargs)

    return build


@pytest.fixture
def use_keyring() -> Iterator[KeyringSwap]:
    """Install keyring backends for one test; restore the previous one afterwards."""
    previous = keyring.get_keyring()
    swap = KeyringSwap()
    yield swap
    for backend in swap.installed:
        if isinstance(backend, HangingKeyring):
            backend.release.set()  # let the abandoned daemon thread finish
    keyring.set_keyring(previous)
