"""Settings: the TOML file, profiles, overrides, atomic saves, clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from barrack_tui.config import (
    DEFAULT_API_URL,
    ConfigError,
    Profile,
    Settings,
    config_dir,
    config_file,
    data_dir,
    load_settings,
    resolve_settings,
    save_profile_setting,
    save_settings,
)

WORK_AND_DEMO = """
default_profile = "work"

[profiles.work]
api_url = "https://work.example/api"
refresh_seconds = 2.5
currency = "EUR"
theme = "nord"
budget_min_hours = 4

[profiles.demo]
read_only = true
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An environment whose config dir is a fresh temporary directory."""
    return {"BARRACK_TUI_CONFIG_DIR": str(tmp_path / "cfg")}


def write_config(env: dict[str, str], text: str) -> Path:
    path = config_file(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_means_defaults(env: dict[str, str]) -> None:
    resolved = resolve_settings(None, None, None, None, env=env)
    assert resolved.profile == "default"
    assert resolved.api_url == DEFAULT_API_URL
    assert resolved.refresh_seconds == 5.0
    assert resolved.read_only is False
    assert resolved.currency == "USD"
    assert resolved.theme is None
    assert resolved.budget_min_hours == 1.0
    assert resolved.config_file == config_file(env)
    assert not config_file(env).exists()


def test_default_profile_from_file(env: dict[str, str]) -> None:
    write_config(env, WORK_AND_DEMO)
    resolved = resolve_settings(None, None, None, None, env=env)
    assert resolved.profile == "work"
    assert resolved.api_url == "https://work.example/api/"  # trailing slash added
    assert resolved.refresh_seconds == 2.5
    assert resolved.currency == "EUR"
    assert resolved.theme == "nord"
    assert resolved.budget_min_hours == 4.0


def test_profile_choice_cli_beats_env_beats_file(env: dict[str, str]) -> None:
    write_config(env, WORK_AND_DEMO)
    assert resolve_settings(None, None, None, None, env={**env, "BARRACK_PROFILE": "demo"}).profile == "demo"
    chosen = resolve_settings("default", None, None, None, env={**env, "BARRACK_PROFILE": "demo"})
    assert chosen.profile == "default"
    assert chosen.api_url == DEFAULT_API_URL  # the implicit default profile


def test_profiles_keep_their_own_values(env: dict[str, str]) -> None:
    write_config(env, WORK_AND_DEMO)
    demo = resolve_settings("demo", None, None, None, env=env)
    assert demo.read_only is True
    assert demo.api_url == DEFAULT_API_URL
    assert demo.currency == "USD"


def test_env_overrides_profile_and_cli_overrides_env(env: dict[str, str]) -> None:
    write_config(env, WORK_AND_DEMO)
    overridden = {
        **env,
        "BARRACK_API_URL": "http://127.0.0.1:8765",
        "BARRACK_REFRESH": "0.5",
        "BARRACK_READ_ONLY": "yes",
    }
    from_env = resolve_settings(None, None, None, None, env=overridden)
    assert from_env.api_url == "http://127.0.0.1:8765/"
    assert from_env.refresh_seconds == 0.5
    assert from_env.read_only is True
    assert from_env.theme == "nord"  # untouched by overrides

    from_cli = resolve_settings(None, "http://localhost:9/api/", 10.0, False, env=overridden)
    assert from_cli.api_url == "http://localhost:9/api/"
    assert from_cli.refresh_seconds == 10.0
    assert from_cli.read_only is False


def test_empty_env_values_are_ignored(env: dict[str, str]) -> None:
    resolved = resolve_settings(
        None, None, None, None, env={**env, "BARRACK_REFRESH": "", "BARRACK_PROFILE": "  "}
    )
    assert resolved.refresh_seconds == 5.0
    assert resolved.profile == "default"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("BARRACK_REFRESH", "soon", "valid number"),
        ("BARRACK_REFRESH", "-1", "greater than 0"),
        ("BARRACK_READ_ONLY", "perhaps", "valid boolean"),
        ("BARRACK_API_URL", "ftp://x", "http"),
    ],
)
def test_bad_env_value_names_the_variable(
    env: dict[str, str], variable: str, value: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_settings(None, None, None, None, env={**env, variable: value})
    assert caught.value.source == variable
    assert expected in caught.value.problem


def test_bad_cli_value_names_the_option(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_settings(None, None, 0.0, None, env=env)
    assert caught.value.source == "--refresh"


def test_unknown_profile_lists_the_known_ones(env: dict[str, str]) -> None:
    write_config(env, WORK_AND_DEMO)
    with pytest.raises(ConfigError) as caught:
        resolve_settings("wrok", None, None, None, env=env)
    message = str(caught.value)
    assert message.startswith("--profile: ")
    assert "'wrok'" in message and "default, demo, work" in message
    assert "[profiles.wrok]" in message


def test_unsafe_profile_name_is_rejected(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_settings(None, None, None, None, env={**env, "BARRACK_PROFILE": "../etc"})
    assert caught.value.source == "BARRACK_PROFILE"
    assert "invalid profile name" in caught.value.problem


def test_malformed_toml_names_the_file_and_the_line(env: dict[str, str]) -> None:
    path = write_config(env, "[profiles.work]\napi_url = \n")
    with pytest.raises(ConfigError) as caught:
        load_settings(env=env)
    assert caught.value.source == str(path)
    assert "invalid TOML" in caught.value.problem
    assert "line 2" in caught.value.problem
    assert str(caught.value) == f"{path}: {caught.value.problem}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[profiles.work]\nrefresh_seconds = "often"\n', "profiles.work.refresh_seconds: "),
        ("[profiles.work]\nrefesh_seconds = 3\n", "profiles.work.refesh_seconds: unknown setting"),
        ('[profiles.work]\ncurrency = "GBP"\n', "profiles.work.currency: "),
        ('default_profile = "nope"\n', "no [profiles.nope] table"),
        ('[profiles."my work"]\n', "invalid profile name 'my work'"),
        ("profiles = 3\n", "profiles: "),
    ],
)
def test_invalid_values_are_located(env: dict[str, str], text: str, expected: str) -> None:
    write_config(env, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(env=env)
    assert expected in caught.value.problem
    assert "Value error," not in caught.value.problem


def test_non_utf8_and_unreadable_files_are_config_errors(env: dict[str, str]) -> None:
    path = config_file(env)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"theme = '\xff'\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_settings(env=env)
    path.unlink()
    path.mkdir()  # a directory where the file should be
    with pytest.raises(ConfigError, match="cannot read the file"):
        load_settings(env=env)


def test_save_profile_setting_round_trips_and_keeps_the_rest(env: dict[str, str]) -> None:
    path = write_config(env, WORK_AND_DEMO)
    settings = save_profile_setting("demo", "theme", "gruvbox", env=env)
    assert settings.profile("demo").theme == "gruvbox"
    on_disk = tomllib.loads(path.read_text(encoding="utf-8"))
    assert on_disk["default_profile"] == "work"
    assert on_disk["profiles"]["demo"] == {"read_only": True, "theme": "gruvbox"}
    assert on_disk["profiles"]["work"]["api_url"] == "https://work.example/api/"
    assert resolve_settings("demo", None, None, None, env=env).theme == "gruvbox"
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.toml"]  # no temp left


def test_saving_into_a_missing_file_writes_only_what_was_set(env: dict[str, str]) -> None:
    save_profile_setting("default", "theme", "nord", env=env)
    assert tomllib.loads(config_file(env).read_text(encoding="utf-8")) == {
        "profiles": {"default": {"theme": "nord"}}
    }


def test_saving_an_invalid_value_leaves_the_file_alone(env: dict[str, str]) -> None:
    path = write_config(env, WORK_AND_DEMO)
    with pytest.raises(ConfigError, match=r"profiles\.work\.refresh_seconds"):
        save_profile_setting("work", "refresh_seconds", -3, env=env)
    with pytest.raises(ConfigError, match="unknown setting"):
        save_profile_setting("work", "colour", "red", env=env)
    assert path.read_text(encoding="utf-8") == WORK_AND_DEMO


def test_a_failed_write_keeps_the_old_file_and_no_temp(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(env, WORK_AND_DEMO)

    def broken_replace(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(ConfigError) as caught:
        save_profile_setting("work", "theme", "dracula", env=env)
    assert "No space left on device" in caught.value.problem
    assert path.read_text(encoding="utf-8") == WORK_AND_DEMO
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.toml"]


def test_save_settings_keeps_the_file_mode(env: dict[str, str]) -> None:
    path = write_config(env, WORK_AND_DEMO)
    path.chmod(0o600)
    save_settings(load_settings(env=env), env=env)
    assert path.stat().st_mode & 0o777 == 0o600


def test_settings_models_defaults() -> None:
    assert Settings().profile("default") == Profile()
    with pytest.raises(KeyError):
        Settings().profile("work")


def test_config_and_data_dirs(env: dict[str, str], tmp_path: Path) -> None:
    assert config_dir(env) == tmp_path / "cfg"
    assert config_dir({}).name == "barrack-tui"  # the platform's directory

    target = tmp_path / "data" / "nested"
    assert data_dir({"BARRACK_TUI_DATA_DIR": str(target)}) == target
    assert target.is_dir()
    assert target.stat().st_mode & 0o777 == 0o700


def test_headless_modules_do_not_import_textual_or_keyring() -> None:
    """config/credentials/auth_cli stay free of Textual, and keyring loads lazily (~0.2 s)."""
    code = (
        "import sys, barrack_tui.config, barrack_tui.credentials, barrack_tui.auth_cli\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'keyring', 'httpx'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"
