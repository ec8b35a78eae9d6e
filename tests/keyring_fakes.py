"""Keyring backends for tests: in memory, locked (raises), and hanging (never answers).

Installed with ``keyring.set_keyring`` through the ``use_keyring`` fixture
(tests/conftest.py), which restores the previous backend and releases hung
threads afterwards.
"""

from __future__ import annotations

import threading
from typing import TypeVar

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError


class FakeBackend(KeyringBackend):
    """Base for test backends; never picked by keyring's own backend discovery."""

    priority = -1


class MemoryKeyring(FakeBackend):
    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


class LockedKeyring(FakeBackend):
    """Raises like a Secret Service that refuses to unlock, echoing what it was given."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked(f"cannot store {password}\nsecond line")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")


class HangingKeyring(FakeBackend):
    """Blocks every call until released, like a locked Secret Service waiting for a prompt.

    The wait is bounded only so that a regression that calls the keyring on the
    event loop fails its test instead of hanging the suite.
    """

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def _block(self, *args: str) -> None:
        self.entered.set()
        self.release.wait(timeout=5)

    get_password = set_password = delete_password = _block  # type: ignore[assignment]


Backend = TypeVar("Backend", bound=KeyringBackend)


class KeyringSwap:
    """Installs test backends with ``keyring.set_keyring``; see the ``use_keyring`` fixture."""

    def __init__(self) -> None:
        self.installed: list[KeyringBackend] = []

    def __call__(self, backend: Backend) -> Backend:
        self.installed.append(backend)
        keyring.set_keyring(backend)
        return backend
