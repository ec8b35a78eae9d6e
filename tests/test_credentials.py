"""Where the key comes from, the keyring in a thread with a timeout, the 0600 file, `auth`."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from keyring.backends import fail
from pydantic import SecretStr

from barrack_tui.auth_cli import run_auth
from barrack_tui.credentials import (
    CredentialFileError,
    CredentialSource,
    LoadedKey,
    PlaintextNotConfirmedError,
    check_key,
    credentials_file,
    delete,
    load_key,
    mask,
    read_key_file,
    save_to_file,
    save_to_keyring,
)
from barrack_tui.keystore import (
    KEYRING_SERVICE,
    KeyringProblem,
    KeyringProblemKind,
    keyring_set,
    probe_keyring,
)
from tests.keyring_fakes import (
    HangingKeyring,
    KeyringSwap,
    LockedKeyring,
    MemoryKeyring,
)

KEY = "sk_demo_4f9c2a7b1e3d5f60a8c9b0d1e2f30000"
OTHER_KEY = "sk_other_11112222333344445555"
SHORT_TIMEOUT = 0.05


@pytest.fixture
def memory(use_keyring: KeyringSwap) -> MemoryKeyring:
    return use_keyring(MemoryKeyring())


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"BARRACK_TUI_CONFIG_DIR": str(tmp_path / "cfg")}


def write_key_file(env: dict[str, str], key: str, mode: int = 0o600, profile: str = "default") -> Path:
    path = credentials_file(profile, env)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(key + "\n", encoding="utf-8")
    path.chmod(mode)
    return path


# --- lookup order ------------------------------------------------------------------


async def test_env_comes_first_and_skips_the_keyring(use_keyring: KeyringSwap, env: dict[str, str]) -> None:
    hanging = use_keyring(HangingKeyring())
    write_key_file(env, OTHER_KEY)
    loaded = await load_key("default", env={**env, "BARRACK_API_KEY": f" {KEY}\n"}, timeout=5)
    assert loaded == LoadedKey(SecretStr(KEY), CredentialSource.ENV)
    assert not hanging.entered.is_set()


async def test_keyring_beats_the_file(memory: MemoryKeyring, env: dict[str, str]) -> None:
    memory.passwords[(KEYRING_SERVICE, "work")] = KEY
    write_key_file(env, OTHER_KEY, profile="work")
    loaded = await load_key("work", env=env, timeout=5)
    assert isinstance(loaded, LoadedKey)
    assert loaded.source is CredentialSource.KEYRING
    assert loaded.key is not None and loaded.key.get_secret_value() == KEY


async def test_the_keyring_is_per_profile(memory: MemoryKeyring, env: dict[str, str]) -> None:
    memory.passwords[(KEYRING_SERVICE, "work")] = KEY
    loaded = await load_key("default", env=env, timeout=5)
    assert loaded == LoadedKey(None, CredentialSource.NONE)


async def test_file_is_used_when_the_keyring_has_nothing(memory: MemoryKeyring, env: dict[str, str]) -> None:
    write_key_file(env, KEY)
    loaded = await load_key("default", env=env, timeout=5)
    assert isinstance(loaded, LoadedKey)
    assert loaded.source is CredentialSource.FILE
    assert loaded.key is not None and loaded.key.get_secret_value() == KEY


async def test_file_is_used_when_there_is_no_keyring(use_keyring: KeyringSwap, env: dict[str, str]) -> None:
    use_keyring(fail.Keyring())
    write_key_file(env, KEY)
    loaded = await load_key("default", env=env, timeout=5)
    assert isinstance(loaded, LoadedKey) and loaded.source is CredentialSource.FILE


async def test_nothing_anywhere(memory: MemoryKeyring, env: dict[str, str]) -> None:
    assert await load_key("default", env=env, timeout=5) == LoadedKey(None, CredentialSource.NONE)


async def test_the_key_never_shows_in_reprs(memory: MemoryKeyring, env: dict[str, str]) -> None:
    loaded = await load_key("default", env={**env, "BARRACK_API_KEY": KEY})
    assert KEY not in repr(loaded) and KEY not in str(loaded)


# --- keyring failures ----------------------------------------------------------------


async def test_no_keyring_backend(use_keyring: KeyringSwap, env: dict[str, str]) -> None:
    use_keyring(fail.Keyring())
    problem = await load_key("default", env=env, timeout=5)
    assert problem == KeyringProblem(KeyringProblemKind.NO_BACKEND, "no keyring backend")


async def test_keyring_that_raises(use_keyring: KeyringSwap, env: dict[str, str]) -> None:
    use_keyring(LockedKeyring())
    problem = await load_key("default", env=env, timeout=5)
    assert isinstance(problem, KeyringProblem)
    assert problem.kind is KeyringProblemKind.ERROR
    assert problem.message == "keyring error: Failed to unlock the collection!"


async def test_keyring_error_text_never_carries_the_key(use_keyring: KeyringSwap) -> None:
    use_keyring(LockedKeyring())
    problem = await keyring_set("default", SecretStr(KEY), timeout=5)
    assert problem is not None
    assert KEY not in problem.message
    assert "\n" not in problem.message
    assert problem.message == "keyring error: cannot store *** second line"


async def test_hanging_keyring_times_out_while_the_loop_keeps_running(
    use_keyring: KeyringSwap, env: dict[str, str]
) -> None:
    hanging = use_keyring(HangingKeyring())
    ticks = 0
    stop = asyncio.Event()

    async def tick() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(tick())
    problem = await load_key("default", env=env, timeout=SHORT_TIMEOUT)
    stop.set()
    await ticker

    # The backend really was called (its thread may start late on a busy machine), and never answered.
    assert await asyncio.to_thread(hanging.entered.wait, 5)
    assert problem == KeyringProblem(
        KeyringProblemKind.TIMEOUT, f"keyring did not answer within {SHORT_TIMEOUT:g} s"
    )
    # The ticker first ran once load_key was waiting, so any tick means other tasks ran
    # meanwhile: the loop was not blocked. (How many depends on the machine's speed.)
    assert ticks > 0


async def test_probe_of_a_hanging_keyring(use_keyring: KeyringSwap) -> None:
    use_keyring(HangingKeyring())
    problem = await probe_keyring("default", timeout=SHORT_TIMEOUT)
    assert problem is not None and problem.kind is KeyringProblemKind.TIMEOUT


async def test_hanging_keyring_still_falls_back_to_the_file(
    use_keyring: KeyringSwap, env: dict[str, str]
) -> None:
    use_keyring(HangingKeyring())
    write_key_file(env, KEY)
    loaded = await load_key("default", env=env, timeout=SHORT_TIMEOUT)
    assert isinstance(loaded, LoadedKey) and loaded.source is CredentialSource.FILE


async def test_probe_of_a_working_keyring(memory: MemoryKeyring) -> None:
    assert await probe_keyring("default", timeout=5) is None


def test_a_hung_keyring_does_not_keep_the_process_alive(tmp_path: Path) -> None:
    """The worker is a daemon thread: the interpreter exits though the keyring never answers."""
    code = f"""
import asyncio, threading, keyring
from keyring.backend import KeyringBackend
from barrack_tui.credentials import load_key

class Hang(KeyringBackend):
    priority = -1
    def get_password(self, service, username):
        threading.Event().wait()
    set_password = delete_password = get_password

keyring.set_keyring(Hang())
env = {{"BARRACK_TUI_CONFIG_DIR": {str(tmp_path)!r}}}
print(asyncio.run(load_key("default", env=env, timeout=0.05)).kind.name)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "TIMEOUT"


# --- the plaintext file --------------------------------------------------------------


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
async def test_a_file_readable_by_others_is_refused(
    memory: MemoryKeyring, env: dict[str, str], mode: int
) -> None:
    path = write_key_file(env, KEY, mode=mode)
    loaded = await load_key("default", env=env, timeout=5)
    assert isinstance(loaded, LoadedKey)
    assert loaded.key is None and loaded.source is CredentialSource.NONE
    assert loaded.file_problem is not None
    assert str(path) in loaded.file_problem
    assert f"{mode:04o}" in loaded.file_problem and "chmod 600" in loaded.file_problem
    assert KEY not in loaded.file_problem


async def test_refused_file_and_broken_keyring_report_both(
    use_keyring: KeyringSwap, env: dict[str, str]
) -> None:
    use_keyring(fail.Keyring())
    write_key_file(env, KEY, mode=0o644)
    problem = await load_key("default", env=env, timeout=5)
    assert isinstance(problem, KeyringProblem)
    assert problem.kind is KeyringProblemKind.NO_BACKEND
    assert problem.file_problem is not None and "0644" in problem.file_problem


def test_narrower_modes_are_accepted(env: dict[str, str]) -> None:
    path = write_key_file(env, KEY, mode=0o400)
    assert read_key_file(path) == SecretStr(KEY)


def test_symlinks_empty_files_and_directories_are_refused(env: dict[str, str], tmp_path: Path) -> None:
    real = write_key_file(env, KEY, profile="real")
    link = credentials_file("linked", env)
    link.symlink_to(real)
    with pytest.raises(CredentialFileError, match="symbolic link"):
        read_key_file(link)
    empty = write_key_file(env, "  ", profile="empty")
    with pytest.raises(CredentialFileError, match="is empty"):
        read_key_file(empty)
    folder = credentials_file("folder", env)
    folder.mkdir(mode=0o700)
    with pytest.raises(CredentialFileError, match="not a regular file"):
        read_key_file(folder)
    fifo = credentials_file("fifo", env)
    os.mkfifo(fifo, 0o600)
    with pytest.raises(CredentialFileError, match="not a regular file"):
        read_key_file(fifo)  # and does not block waiting for a writer
    assert read_key_file(tmp_path / "absent") is None


async def test_save_to_file_refuses_without_confirmation(memory: MemoryKeyring, env: dict[str, str]) -> None:
    with pytest.raises(PlaintextNotConfirmedError):
        await save_to_file("default", SecretStr(KEY), confirmed=False, env=env)
    with pytest.raises(PlaintextNotConfirmedError):
        await save_to_file("default", SecretStr(KEY), confirmed="yes", env=env)  # type: ignore[arg-type]
    assert not credentials_file("default", env).exists()


async def test_save_to_file_writes_0600_and_forgets_the_keyring_copy(
    memory: MemoryKeyring, env: dict[str, str]
) -> None:
    memory.passwords[(KEYRING_SERVICE, "work")] = OTHER_KEY
    path = await save_to_file("work", SecretStr(KEY), confirmed=True, env=env, timeout=5)
    assert path == credentials_file("work", env)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_text(encoding="utf-8") == KEY + "\n"
    assert memory.passwords == {}  # an older keyring key would otherwise shadow the file
    loaded = await load_key("work", env=env, timeout=5)
    assert isinstance(loaded, LoadedKey) and loaded.source is CredentialSource.FILE


async def test_save_to_file_rejects_keys_with_spaces(env: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="no spaces"):
        await save_to_file("default", SecretStr("sk_a b"), confirmed=True, forget_keyring=False, env=env)


async def test_save_to_keyring_replaces_the_plaintext_copy(
    memory: MemoryKeyring, env: dict[str, str]
) -> None:
    path = write_key_file(env, OTHER_KEY)
    assert await save_to_keyring("default", SecretStr(KEY), env=env, timeout=5) is None
    assert memory.passwords == {(KEYRING_SERVICE, "default"): KEY}
    assert not path.exists()


async def test_failed_keyring_save_keeps_the_file(use_keyring: KeyringSwap, env: dict[str, str]) -> None:
    use_keyring(fail.Keyring())
    path = write_key_file(env, OTHER_KEY)
    problem = await save_to_keyring("default", SecretStr(KEY), env=env, timeout=5)
    assert problem is not None and problem.kind is KeyringProblemKind.NO_BACKEND
    assert path.exists()


async def test_delete_removes_keyring_and_file(memory: MemoryKeyring, env: dict[str, str]) -> None:
    memory.passwords[(KEYRING_SERVICE, "default")] = KEY
    memory.passwords[(KEYRING_SERVICE, "work")] = OTHER_KEY
    write_key_file(env, KEY)
    outcome = await delete("default", env=env, timeout=5)
    assert (outcome.keyring_removed, outcome.file_removed, outcome.keyring_problem) == (True, True, None)
    assert memory.passwords == {(KEYRING_SERVICE, "work"): OTHER_KEY}
    again = await delete("default", env=env, timeout=5)
    assert (again.keyring_removed, again.file_removed) == (False, False)


# --- masking and checking ------------------------------------------------------------


def test_mask_shows_first_and_last_four() -> None:
    assert mask(SecretStr("sk_d" + "x" * 30 + "0000")) == "sk_d…0000"


@pytest.mark.parametrize("length", range(0, 80))
def test_mask_never_reveals_more_than_8_characters(length: int) -> None:
    key = "".join(chr(ord("a") + i % 26) for i in range(length))
    masked = mask(key)
    revealed = len(masked.replace("…", "")) if masked != "(empty)" else 0
    assert revealed <= 8
    assert revealed <= length // 2  # never most of a short key
    if length:
        assert key not in masked


@pytest.mark.parametrize(
    ("text", "error", "warning"),
    [
        ("", True, False),
        ("sk_has space", True, False),
        ("sk_tab\there", True, False),
        ("pk_live_123", False, True),
        (KEY, False, False),
    ],
)
def test_check_key(text: str, error: bool, warning: bool) -> None:
    verdict = check_key(text)
    assert (verdict.error is not None, verdict.warning is not None) == (error, warning)


# --- `barrack-tui auth` --------------------------------------------------------------


def no_prompt(prompt: str) -> str:
    raise AssertionError(f"unexpected prompt: {prompt}")


def test_auth_status_shows_only_the_masked_key(
    memory: MemoryKeyring, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    memory.passwords[(KEYRING_SERVICE, "default")] = KEY
    assert run_auth(["status"], env=env, keyring_timeout=5) == 0
    out = capsys.readouterr()
    assert KEY not in out.out + out.err
    assert KEY[4:-4] not in out.out + out.err
    assert "Profile:  default" in out.out
    assert f"{mask(KEY)} (from the OS keyring)" in out.out


def test_auth_status_from_env_and_from_file(
    use_keyring: KeyringSwap, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_keyring(fail.Keyring())
    assert run_auth(["status"], env={**env, "BARRACK_API_KEY": KEY}) == 0
    assert "(from the BARRACK_API_KEY environment variable)" in capsys.readouterr().out
    path = write_key_file(env, KEY)
    assert run_auth(["status"], env=env, keyring_timeout=5) == 0
    out = capsys.readouterr().out
    assert f"(from the plaintext file {path})" in out
    assert KEY not in out


def test_auth_status_without_a_key(
    memory: MemoryKeyring, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_auth(["status", "--profile", "default"], env=env, keyring_timeout=5) == 1
    assert "API key:  none" in capsys.readouterr().out


def test_auth_status_with_a_hanging_keyring_reports_it(
    use_keyring: KeyringSwap, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_keyring(HangingKeyring())
    write_key_file(env, KEY, mode=0o644)
    assert run_auth(["status"], env=env, keyring_timeout=SHORT_TIMEOUT) == 1
    out = capsys.readouterr().out
    assert "keyring did not answer within 0.05 s" in out
    assert "chmod 600" in out
    assert KEY not in out


def test_auth_with_an_unknown_profile_is_a_config_error(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_auth(["status", "--profile", "nope"], env=env) == 2
    assert "no profile 'nope'" in capsys.readouterr().err


def test_auth_usage_errors_return_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_auth([]) == 2
    assert run_auth(["dance"]) == 2
    assert run_auth(["--help"]) == 0
    assert "status" in capsys.readouterr().out


def test_auth_login_saves_to_the_keyring(
    memory: MemoryKeyring, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    prompts: list[str] = []

    def read_secret(prompt: str) -> str:
        prompts.append(prompt)
        return KEY + "\n"

    assert run_auth(["login"], env=env, read_secret=read_secret, ask=no_prompt, keyring_timeout=5) == 0
    assert memory.passwords == {(KEYRING_SERVICE, "default"): KEY}
    assert prompts == ["API key for profile 'default' (input hidden): "]
    out = capsys.readouterr()
    assert KEY not in out.out + out.err
    assert mask(KEY) in out.out


def test_auth_login_rejects_an_empty_key(memory: MemoryKeyring, env: dict[str, str]) -> None:
    assert run_auth(["login"], env=env, read_secret=lambda _: "", ask=no_prompt) == 1
    assert memory.passwords == {}


@pytest.mark.parametrize("answer", ["", "no", "y", "yes please"])
def test_auth_login_without_keyring_needs_an_explicit_yes(
    use_keyring: KeyringSwap, env: dict[str, str], capsys: pytest.CaptureFixture[str], answer: str
) -> None:
    use_keyring(fail.Keyring())
    code = run_auth(["login"], env=env, read_secret=lambda _: KEY, ask=lambda _: answer, keyring_timeout=5)
    assert code == 1
    assert not credentials_file("default", env).exists()
    out = capsys.readouterr().out
    assert "no keyring backend" in out
    assert "BARRACK_API_KEY" in out


def test_auth_login_without_keyring_writes_the_file_after_yes(
    use_keyring: KeyringSwap, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_keyring(fail.Keyring())
    questions: list[str] = []

    def ask(question: str) -> str:
        questions.append(question)
        return " YES "

    assert run_auth(["login", "--profile", "default"], env=env, read_secret=lambda _: KEY, ask=ask) == 0
    path = credentials_file("default", env)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_text(encoding="utf-8").strip() == KEY
    out = capsys.readouterr().out
    assert "WARNING" in out and "UNENCRYPTED" in out and str(path) in out
    assert KEY not in out
    assert len(questions) == 1 and '"yes"' in questions[0]


def test_auth_logout(memory: MemoryKeyring, env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    memory.passwords[(KEYRING_SERVICE, "default")] = KEY
    write_key_file(env, KEY)
    assert run_auth(["logout"], env={**env, "BARRACK_API_KEY": KEY}) == 0
    out = capsys.readouterr().out
    assert memory.passwords == {}
    assert not credentials_file("default", env).exists()
    assert "OS keyring" in out and "plaintext key file" in out
    assert "BARRACK_API_KEY is still set" in out
    assert run_auth(["logout"], env=env) == 0
    assert "No stored key" in capsys.readouterr().out


def test_auth_logout_with_a_locked_keyring_fails(
    use_keyring: KeyringSwap, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_keyring(LockedKeyring())
    assert run_auth(["logout"], env=env) == 1
    assert "A key may still be stored there" in capsys.readouterr().out
