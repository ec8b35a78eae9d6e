"""The OS keyring, reached only from a daemon thread and always with a timeout.

On a headless SSH box the keyring may have no backend at all, may raise, or
may block forever waiting for a locked Secret Service to be unlocked by a
prompt nobody can see. Every call here therefore runs ``keyring`` in its own
daemon thread (a hung backend then neither blocks the event loop nor keeps
the interpreter from exiting) and turns every failure into a
:class:`KeyringProblem` value instead of an exception.

``keyring`` itself is imported inside that thread: importing it costs about
0.2 s, and choosing a backend can itself talk to D-Bus.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Final, TypeVar

from pydantic import SecretStr

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

KEYRING_SERVICE: Final = "barrack-tui"
DEFAULT_KEYRING_TIMEOUT: Final = 3.0
_MAX_DETAIL: Final = 200

T = TypeVar("T")


class KeyringProblemKind(Enum):
    NO_BACKEND = "no_backend"
    ERROR = "error"
    TIMEOUT = "timeout"


@dataclass(frozen=True, slots=True)
class KeyringProblem:
    """Why the keyring could not be used; ``message`` is one line, safe to show.

    ``file_problem`` is set by :func:`barrack_tui.credentials.load_key` when
    the plaintext key file also exists but was refused (e.g. mode too wide).
    """

    kind: KeyringProblemKind
    message: str
    file_problem: str | None = None


def _timeout_problem(timeout: float) -> KeyringProblem:
    return KeyringProblem(KeyringProblemKind.TIMEOUT, f"keyring did not answer within {timeout:g} s")


def _with_backend(operation: Callable[[KeyringBackend], T], secret: str | None) -> T | KeyringProblem:
    """Run ``operation`` on the current keyring backend (in the worker thread).

    Never raises: any failure becomes a problem whose text has ``secret``
    blanked out, in case a backend echoes what it was given.
    """
    try:
        import keyring
        from keyring.backends import fail, null
        from keyring.errors import NoKeyringError
    except Exception as exc:  # a broken install or a backend plugin failing to import
        return KeyringProblem(KeyringProblemKind.NO_BACKEND, f"no keyring backend ({exc})")
    try:
        backend = keyring.get_keyring()
        if isinstance(backend, (fail.Keyring, null.Keyring)):
            return KeyringProblem(KeyringProblemKind.NO_BACKEND, "no keyring backend")
        return operation(backend)
    except NoKeyringError:
        return KeyringProblem(KeyringProblemKind.NO_BACKEND, "no keyring backend")
    except Exception as exc:  # a backend may raise anything (D-Bus, OS errors ...)
        detail = str(exc) or type(exc).__name__
        if secret:
            detail = detail.replace(secret, "***")
        detail = " ".join(detail.split())[:_MAX_DETAIL]  # one line for a status bar
        return KeyringProblem(KeyringProblemKind.ERROR, f"keyring error: {detail}")


async def _run_in_daemon_thread(call: Callable[[], T], timeout: float) -> T:
    """Await ``call()`` run in a fresh daemon thread; raise ``TimeoutError`` after ``timeout``.

    ``call`` must not raise. On timeout the thread is abandoned: being a daemon
    it cannot keep the process alive, and its late answer is dropped.
    """
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[T] = loop.create_future()

    def deliver(outcome: T) -> None:
        if not answer.done():
            answer.set_result(outcome)

    def work() -> None:
        outcome = call()
        # RuntimeError: the event loop closed while the keyring was blocked.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(deliver, outcome)

    threading.Thread(target=work, name="barrack-tui-keyring", daemon=True).start()
    return await asyncio.wait_for(answer, timeout)


async def _keyring_call(
    operation: Callable[[KeyringBackend], T], *, timeout: float, secret: str | None = None
) -> T | KeyringProblem:
    try:
        return await _run_in_daemon_thread(lambda: _with_backend(operation, secret), timeout)
    except TimeoutError:
        return _timeout_problem(timeout)


async def keyring_get(
    profile: str, *, timeout: float = DEFAULT_KEYRING_TIMEOUT
) -> SecretStr | KeyringProblem | None:
    """The profile's stored key, ``None`` if there is none, or the problem."""

    def get(backend: KeyringBackend) -> SecretStr | None:
        value = backend.get_password(KEYRING_SERVICE, profile)
        return SecretStr(value) if value else None

    return await _keyring_call(get, timeout=timeout)


async def keyring_set(
    profile: str, key: SecretStr, *, timeout: float = DEFAULT_KEYRING_TIMEOUT
) -> KeyringProblem | None:
    """Store the profile's key; ``None`` on success."""
    secret = key.get_secret_value()

    def store(backend: KeyringBackend) -> None:
        backend.set_password(KEYRING_SERVICE, profile, secret)

    return await _keyring_call(store, timeout=timeout, secret=secret)


async def keyring_delete(profile: str, *, timeout: float = DEFAULT_KEYRING_TIMEOUT) -> bool | KeyringProblem:
    """Remove the profile's key: ``True`` if one was removed, ``False`` if none was stored."""

    def remove(backend: KeyringBackend) -> bool:
        from keyring.errors import PasswordDeleteError

        if backend.get_password(KEYRING_SERVICE, profile) is None:
            return False
        try:
            backend.delete_password(KEYRING_SERVICE, profile)
        except PasswordDeleteError:
            return False  # removed meanwhile by someone else
        return True

    return await _keyring_call(remove, timeout=timeout)


async def probe_keyring(profile: str, *, timeout: float = DEFAULT_KEYRING_TIMEOUT) -> KeyringProblem | None:
    """Whether the keyring answers for ``profile``: ``None`` if usable, else the problem.

    Use before offering "save in the keyring" when no lookup has been made
    yet (e.g. signing in again after the server rejected the key).
    """
    outcome = await keyring_get(profile, timeout=timeout)
    return outcome if isinstance(outcome, KeyringProblem) else None
