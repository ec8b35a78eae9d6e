"""``barrack-tui auth status|login|logout [--profile NAME]``.

Exit codes: 0 success (``status``: a key was found), 1 nothing done or no key,
2 a usage or configuration error, 130 interrupted. The key is only ever read
with ``getpass`` and only ever printed masked.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Callable, Mapping

from pydantic import SecretStr

from barrack_tui.config import ConfigError, ResolvedSettings, resolve_settings
from barrack_tui.credentials import (
    ENV_API_KEY,
    CredentialSource,
    check_key,
    credentials_file,
    delete,
    load_key,
    mask,
    save_to_file,
    save_to_keyring,
)
from barrack_tui.keystore import (
    DEFAULT_KEYRING_TIMEOUT,
    KEYRING_SERVICE,
    KeyringProblem,
    KeyringProblemKind,
)

Prompt = Callable[[str], str]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="barrack-tui auth", description="Manage the Barrack API key of a profile."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, summary in (
        ("status", "show where the key comes from (masked)"),
        ("login", "store a key in the OS keyring (or, if you agree, a 0600 file)"),
        ("logout", "remove the stored key from the keyring and the file"),
    ):
        command = commands.add_parser(name, help=summary, description=summary)
        command.add_argument("--profile", metavar="NAME", help="the profile (default: see config)")
    return parser


def run_auth(
    argv: list[str],
    *,
    env: Mapping[str, str] = os.environ,
    read_secret: Prompt = getpass.getpass,
    ask: Prompt = input,
    keyring_timeout: float = DEFAULT_KEYRING_TIMEOUT,
) -> int:
    """Run one ``auth`` sub-command; ``argv`` excludes ``barrack-tui auth`` itself."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help or a usage error, already printed by argparse
        return exc.code if isinstance(exc.code, int) else 2
    try:
        settings = resolve_settings(args.profile, None, None, None, env=env)
    except ConfigError as exc:
        print(f"barrack-tui: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "status":
            return asyncio.run(_status(settings, env, keyring_timeout))
        if args.command == "login":
            return _login(settings.profile, env, read_secret, ask, keyring_timeout)
        return asyncio.run(_logout(settings.profile, env, keyring_timeout))
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130


async def _status(settings: ResolvedSettings, env: Mapping[str, str], timeout: float) -> int:
    print(f"Profile:  {settings.profile}")
    print(f"API URL:  {settings.api_url}")
    loaded = await load_key(settings.profile, env=env, timeout=timeout)
    if loaded.file_problem is not None:
        print(f"Warning:  {loaded.file_problem}")
    if isinstance(loaded, KeyringProblem):
        print(f"API key:  none (OS keyring unavailable: {loaded.message})")
        print(f"Set {ENV_API_KEY}, or run `barrack-tui auth login` to store a key.")
        return 1
    if loaded.key is None:
        print(f"API key:  none. Run `barrack-tui auth login`, or set {ENV_API_KEY}.")
        return 1
    where = loaded.source.label
    if loaded.source is CredentialSource.FILE:
        where = f"the plaintext file {credentials_file(settings.profile, env)}"
    print(f"API key:  {mask(loaded.key)} (from {where})")
    return 0


def _read_key(profile: str, read_secret: Prompt) -> SecretStr | None:
    try:
        typed = read_secret(f"API key for profile {profile!r} (input hidden): ").strip()
    except EOFError:
        print("\nNo key entered.", file=sys.stderr)
        return None
    verdict = check_key(typed)
    if verdict.error is not None:
        print(verdict.error, file=sys.stderr)
        return None
    if verdict.warning is not None:
        print(f"Warning: {verdict.warning}")
    return SecretStr(typed)


def _login(profile: str, env: Mapping[str, str], read_secret: Prompt, ask: Prompt, timeout: float) -> int:
    if env.get(ENV_API_KEY, "").strip():
        print(f"Note: {ENV_API_KEY} is set in this shell and takes precedence over a stored key.")
    key = _read_key(profile, read_secret)
    if key is None:
        return 1

    had_file = credentials_file(profile, env).exists()
    problem = asyncio.run(save_to_keyring(profile, key, env=env, timeout=timeout))
    if problem is None:
        print(f"Saved {mask(key)} in the OS keyring (service {KEYRING_SERVICE!r}, user {profile!r}).")
        if had_file:
            print("Deleted the old plaintext key file.")
        return 0

    path = credentials_file(profile, env)
    print(f"Could not save to the OS keyring: {problem.message}.")
    print("You can store the key in a plaintext file instead:")
    print(f"    {path}")
    print("WARNING: the file is readable only by you (mode 0600) but NOT encrypted:")
    print("anyone with access to your account, your backups or this disk can read the key.")
    try:
        answer = ask('Type "yes" to write the plaintext file, anything else to cancel: ')
    except EOFError:
        answer = ""
    if answer.strip().lower() != "yes":
        print(f"Not saved. You can instead export {ENV_API_KEY} in your shell for each session.")
        return 1
    saved = asyncio.run(
        save_to_file(
            profile,
            key,
            confirmed=True,
            # The keyring just failed; do not wait on it again to clean up.
            forget_keyring=False,
            env=env,
            timeout=timeout,
        )
    )
    print(f"WARNING: saved {mask(key)} UNENCRYPTED in {saved} (mode 0600).")
    return 0


async def _logout(profile: str, env: Mapping[str, str], timeout: float) -> int:
    outcome = await delete(profile, env=env, timeout=timeout)
    if outcome.keyring_removed:
        print(f"Removed the key of profile {profile!r} from the OS keyring.")
    if outcome.file_removed:
        print(f"Deleted the plaintext key file {credentials_file(profile, env)}.")
    problem = outcome.keyring_problem
    if problem is not None and problem.kind is not KeyringProblemKind.NO_BACKEND:
        print(f"Could not reach the OS keyring: {problem.message}. A key may still be stored there.")
    elif not (outcome.keyring_removed or outcome.file_removed):
        print(f"No stored key for profile {profile!r}.")
    if env.get(ENV_API_KEY, "").strip():
        print(f"Note: {ENV_API_KEY} is still set in this shell; unset it to log out fully.")
    return 1 if problem is not None and problem.kind is not KeyringProblemKind.NO_BACKEND else 0
