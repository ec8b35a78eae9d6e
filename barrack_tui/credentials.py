"""Where the API key comes from, and where it is kept.

Lookup order for a profile:

1. the ``BARRACK_API_KEY`` environment variable;
2. the OS keyring (service ``barrack-tui``, user name = the profile name),
   reached through :mod:`barrack_tui.keystore` in a thread with a timeout;
3. a plaintext file ``<config dir>/credentials-<profile>``, written only after
   the user explicitly agreed, mode 0600, and refused if others can read it;
4. nothing: the app then shows its login modal.

The key is a :class:`pydantic.SecretStr` throughout; only :func:`mask` output
is ever shown.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Final

from pydantic import SecretStr

from barrack_tui.atomic_file import write_text_atomically
from barrack_tui.config import check_profile_name, config_dir
from barrack_tui.keystore import (
    DEFAULT_KEYRING_TIMEOUT,
    KeyringProblem,
    keyring_delete,
    keyring_get,
    keyring_set,
)

ENV_API_KEY: Final = "BARRACK_API_KEY"
KEY_PREFIX: Final = "sk_"
_MAX_KEY_FILE_BYTES: Final = 4096


class CredentialSource(Enum):
    ENV = "env"
    KEYRING = "keyring"
    FILE = "file"
    SESSION = "session"
    NONE = "none"

    @property
    def label(self) -> str:
        """Where the key came from, in words."""
        return _SOURCE_LABELS[self]


_SOURCE_LABELS: Final = {
    CredentialSource.ENV: f"the {ENV_API_KEY} environment variable",
    CredentialSource.KEYRING: "the OS keyring",
    CredentialSource.FILE: "a plaintext file",
    CredentialSource.SESSION: "this session only",
    CredentialSource.NONE: "nowhere (no key)",
}


@dataclass(frozen=True, slots=True)
class LoadedKey:
    """The outcome of a lookup that did not trip over the keyring.

    ``key`` is ``None`` exactly when ``source`` is ``NONE``. ``file_problem``
    says why an existing plaintext key file was refused, to show the user.
    """

    key: SecretStr | None
    source: CredentialSource
    file_problem: str | None = None


@dataclass(frozen=True, slots=True)
class KeyCheck:
    """Whether typed text looks like an API key: ``error`` blocks it, ``warning`` does not."""

    error: str | None = None
    warning: str | None = None


@dataclass(frozen=True, slots=True)
class LogoutOutcome:
    keyring_removed: bool
    file_removed: bool
    keyring_problem: KeyringProblem | None


class CredentialFileError(Exception):
    """The plaintext key file exists but must not or cannot be used."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"plaintext key file {path}: {problem}")


class PlaintextNotConfirmedError(ValueError):
    """Writing the key in plaintext was attempted without the user's explicit agreement."""


def mask(key: SecretStr | str) -> str:
    """A recognisable hint of ``key``: at most 4 leading and 4 trailing characters.

    Short keys show fewer (a quarter of their length each side), so the hint
    never gives most of a key away: ``"sk_d…0000"`` for a long key.
    """
    text = key.get_secret_value() if isinstance(key, SecretStr) else key
    if not text:
        return "(empty)"
    shown = min(4, len(text) // 4)
    if shown == 0:
        return "…"
    return f"{text[:shown]}…{text[-shown:]}"


def check_key(text: str) -> KeyCheck:
    """Judge what the user typed as an API key."""
    if not text:
        return KeyCheck(error="Enter your API key.")
    if any(character.isspace() for character in text):
        return KeyCheck(error="An API key has no spaces or line breaks.")
    if not text.startswith(KEY_PREFIX):
        return KeyCheck(warning=f"Barrack API keys usually start with {KEY_PREFIX!r}.")
    return KeyCheck()


def credentials_file(profile: str, env: Mapping[str, str] = os.environ) -> Path:
    """The plaintext key file's path for ``profile`` (it may not exist)."""
    return config_dir(env) / f"credentials-{check_profile_name(profile)}"


def read_key_file(path: Path) -> SecretStr | None:
    """The key stored in ``path``; ``None`` if there is no such file.

    Raises :class:`CredentialFileError` if the file is not a regular file
    owned by this user with mode 0600 or narrower (like ssh with private
    keys), or holds no key.
    """
    # O_NONBLOCK: opening a FIFO planted at this path must not hang.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise CredentialFileError(path, "is a symbolic link; refusing to follow it") from None
        raise CredentialFileError(path, f"cannot be read: {exc.strerror or exc}") from None
    try:
        _check_key_file_status(path, os.fstat(fd))
        raw = os.read(fd, _MAX_KEY_FILE_BYTES)
    finally:
        os.close(fd)
    try:
        text = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise CredentialFileError(path, "is not UTF-8 text") from None
    if not text:
        raise CredentialFileError(path, "is empty")
    return SecretStr(text)


def _check_key_file_status(path: Path, status: os.stat_result) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise CredentialFileError(path, "is not a regular file")
    if os.name != "posix":
        return  # no owner or mode bits to check
    if status.st_uid != os.getuid():
        raise CredentialFileError(path, "belongs to another user; refusing to use it")
    mode = stat.S_IMODE(status.st_mode)
    if mode & 0o077:
        raise CredentialFileError(
            path,
            f"has permissions {mode:04o}, so others may read it; refusing to use it. "
            f"Fix with: chmod 600 {path}",
        )


async def load_key(
    profile: str,
    *,
    env: Mapping[str, str] = os.environ,
    timeout: float = DEFAULT_KEYRING_TIMEOUT,
) -> LoadedKey | KeyringProblem:
    """Find the profile's key without ever blocking the event loop.

    Returns a :class:`LoadedKey` (possibly with ``key=None``), or, when no
    key was found anywhere and the keyring failed on the way, the
    :class:`KeyringProblem` so the login modal can explain why it cannot
    offer the keyring. A keyring problem does not stop the file lookup.
    """
    check_profile_name(profile)
    from_env = env.get(ENV_API_KEY, "").strip()
    if from_env:
        return LoadedKey(SecretStr(from_env), CredentialSource.ENV)

    from_keyring = await keyring_get(profile, timeout=timeout)
    if isinstance(from_keyring, SecretStr):
        return LoadedKey(from_keyring, CredentialSource.KEYRING)

    file_problem: str | None = None
    try:
        from_file = read_key_file(credentials_file(profile, env))
    except CredentialFileError as exc:
        from_file, file_problem = None, str(exc)
    if from_file is not None:
        return LoadedKey(from_file, CredentialSource.FILE)

    if isinstance(from_keyring, KeyringProblem):
        return replace(from_keyring, file_problem=file_problem)
    return LoadedKey(None, CredentialSource.NONE, file_problem)


def _delete_key_file(profile: str, env: Mapping[str, str]) -> bool:
    try:
        credentials_file(profile, env).unlink()
    except FileNotFoundError:
        return False
    return True


async def save_to_keyring(
    profile: str,
    key: SecretStr,
    *,
    env: Mapping[str, str] = os.environ,
    timeout: float = DEFAULT_KEYRING_TIMEOUT,
) -> KeyringProblem | None:
    """Store the key in the OS keyring; ``None`` on success, else the problem.

    On success a plaintext key file for the profile is deleted: it now holds
    a superseded copy, and a plaintext copy is only a liability.
    """
    problem = await keyring_set(check_profile_name(profile), key, timeout=timeout)
    if problem is None:
        _delete_key_file(profile, env)
    return problem


async def save_to_file(
    profile: str,
    key: SecretStr,
    *,
    confirmed: bool,
    forget_keyring: bool = True,
    env: Mapping[str, str] = os.environ,
    timeout: float = DEFAULT_KEYRING_TIMEOUT,
) -> Path:
    """Write the key to the profile's plaintext file (mode 0600) and return its path.

    Refuses (:class:`PlaintextNotConfirmedError`) unless the user explicitly
    agreed, i.e. ``confirmed is True``. Then, because the keyring comes first
    in the lookup order, an older key for the profile is removed from the
    keyring (best effort, within ``timeout``) so it cannot shadow the new
    one; pass ``forget_keyring=False`` when the keyring is known to be
    unusable, to skip that wait.
    """
    if confirmed is not True:
        raise PlaintextNotConfirmedError(
            "the API key is only written to a plaintext file after explicit confirmation"
        )
    secret = key.get_secret_value()
    verdict = check_key(secret)
    if verdict.error is not None:
        raise ValueError(verdict.error)
    path = credentials_file(profile, env)
    write_text_atomically(path, secret + "\n", mode=0o600)
    if forget_keyring:
        await keyring_delete(profile, timeout=timeout)
    return path


async def delete(
    profile: str,
    *,
    env: Mapping[str, str] = os.environ,
    timeout: float = DEFAULT_KEYRING_TIMEOUT,
) -> LogoutOutcome:
    """Log out: remove the profile's key from the keyring and its plaintext file."""
    file_removed = _delete_key_file(check_profile_name(profile), env)
    outcome = await keyring_delete(profile, timeout=timeout)
    if isinstance(outcome, KeyringProblem):
        return LogoutOutcome(keyring_removed=False, file_removed=file_removed, keyring_problem=outcome)
    return LogoutOutcome(keyring_removed=outcome, file_removed=file_removed, keyring_problem=None)
