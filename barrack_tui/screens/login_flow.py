"""Finding the API key at start-up: env, keyring, file, then the login modal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import SecretStr

from barrack_tui.credentials import (
    LoadedKey,
    credentials_file,
    load_key,
    save_to_file,
    save_to_keyring,
)
from barrack_tui.keystore import DEFAULT_KEYRING_TIMEOUT, KeyringProblem
from barrack_tui.screens.login import LoginScreen

if TYPE_CHECKING:
    from barrack_tui.app import BarrackApp


async def obtain_key(app: BarrackApp, profile: str, keyring_timeout: float = DEFAULT_KEYRING_TIMEOUT) -> SecretStr | None:
    """The key to use, or None when the user cancelled. Runs inside a worker.

    Keyring access happens in threads with a timeout, so a missing or hung
    Secret Service never freezes the UI; the modal then says what went wrong
    and offers the other ways to keep the key.
    """
    found = await load_key(profile, timeout=keyring_timeout)
    if isinstance(found, LoadedKey) and found.key is not None:
        return found.key
    problem = found if isinstance(found, KeyringProblem) else None
    result = await app.push_screen_wait(
        LoginScreen(
            profile,
            keyring_problem=problem,
            file_problem=found.file_problem,
            plaintext_path=credentials_file(profile),
        )
    )
    if result is None:
        return None
    if result.storage == "keyring":
        failed = await save_to_keyring(profile, result.key, timeout=keyring_timeout)
        if failed is not None:
            app.notify(f"Could not save to the keyring ({failed.message}); using the key for this session only", severity="warning")
    elif result.storage == "file":
        path = await save_to_file(profile, result.key, confirmed=True, timeout=keyring_timeout)
        app.notify(f"Key saved in plaintext at {path} (mode 0600)", severity="warning")
    return result.key
