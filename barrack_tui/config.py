"""Settings and profiles: a TOML file in the user's config directory, plus overrides.

Precedence, lowest to highest: built-in defaults, the profile's table in
``config.toml``, environment variables, command-line options (passed in by
the caller). Every problem a user can cause (bad TOML, a wrong type, an
unknown profile, a malformed env var) surfaces as a :class:`ConfigError`
whose ``str()`` names where the problem is and what it is.

Example ``config.toml``::

    default_profile = "work"

    [profiles.work]
    api_url = "https://barrack.ai/api/"
    refresh_seconds = 3
    theme = "nord"

    [profiles.demo]
    read_only = true
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import platformdirs
import tomli_w
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from barrack_tui.atomic_file import write_text_atomically
from barrack_tui.catalog import Currency

APP_NAME: Final = "barrack-tui"
CONFIG_FILE_NAME: Final = "config.toml"
DEFAULT_API_URL: Final = "https://barrack.ai/api/"
DEFAULT_PROFILE: Final = "default"

ENV_CONFIG_DIR: Final = "BARRACK_TUI_CONFIG_DIR"
ENV_DATA_DIR: Final = "BARRACK_TUI_DATA_DIR"
ENV_API_URL: Final = "BARRACK_API_URL"
ENV_PROFILE: Final = "BARRACK_PROFILE"
ENV_REFRESH: Final = "BARRACK_REFRESH"
ENV_READ_ONLY: Final = "BARRACK_READ_ONLY"

# Profile names become file names (``credentials-<profile>``) and keyring
# user names, so they are kept to a safe, portable alphabet.
_PROFILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")


class ConfigError(Exception):
    """A settings problem the user can fix.

    ``source`` is where it is (the config file's path, an env var, a CLI
    option); ``problem`` says what is wrong. ``str(error)`` is both, ready to
    print without a traceback.
    """

    def __init__(self, source: str | Path, problem: str) -> None:
        self.source = str(source)
        self.problem = problem
        super().__init__(f"{self.source}: {problem}")


def check_profile_name(name: str) -> str:
    """Return ``name`` if it is a usable profile name, else raise ``ValueError``."""
    if not _PROFILE_NAME.fullmatch(name):
        raise ValueError(
            f"invalid profile name {name!r}: use 1-64 letters, digits, '_', '-' or '.', "
            "not starting with '.' or '-'"
        )
    return name


class Profile(BaseModel):
    """One account's settings: a ``[profiles.NAME]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    api_url: str = DEFAULT_API_URL
    refresh_seconds: float = Field(default=5.0, gt=0)
    read_only: bool = False
    currency: Currency = "USD"
    # None means "the app's default theme"; the app validates the name.
    theme: str | None = Field(default=None, min_length=1)
    # Deploy guardrail: the balance must cover at least this many hours.
    budget_min_hours: float = Field(default=1.0, ge=0)

    @field_validator("api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http:// or https:// URL with a host")
        # The client joins relative paths onto the base; keep the last segment.
        return value if value.endswith("/") else value + "/"


class Settings(BaseModel):
    """The whole ``config.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default_profile: str = DEFAULT_PROFILE
    profiles: dict[str, Profile] = Field(default_factory=dict)

    @field_validator("default_profile")
    @classmethod
    def _check_default_profile(cls, value: str) -> str:
        return check_profile_name(value)

    @field_validator("profiles")
    @classmethod
    def _check_profile_names(cls, value: dict[str, Profile]) -> dict[str, Profile]:
        for name in value:
            check_profile_name(name)
        return value

    @model_validator(mode="after")
    def _default_profile_exists(self) -> Settings:
        if self.default_profile != DEFAULT_PROFILE and self.default_profile not in self.profiles:
            raise ValueError(
                f"default_profile is {self.default_profile!r} but there is no "
                f"[profiles.{self.default_profile}] table"
            )
        return self

    def profile_names(self) -> list[str]:
        """Every usable profile: the configured ones, and always ``default``."""
        return sorted({DEFAULT_PROFILE, *self.profiles})

    def profile(self, name: str) -> Profile:
        """The named profile; ``default`` exists even when the file does not define it."""
        if name in self.profiles:
            return self.profiles[name]
        if name == DEFAULT_PROFILE:
            return Profile()
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class ResolvedSettings:
    """The effective settings for this run, after every override."""

    profile: str
    api_url: str
    refresh_seconds: float
    read_only: bool
    currency: Currency
    theme: str | None
    budget_min_hours: float
    config_file: Path


def _env_value(env: Mapping[str, str], name: str) -> str | None:
    """An env var's value, treating unset and empty alike."""
    value = env.get(name, "").strip()
    return value or None


def config_dir(env: Mapping[str, str] = os.environ) -> Path:
    """The config directory (not created): ``$BARRACK_TUI_CONFIG_DIR`` or the platform's."""
    override = _env_value(env, ENV_CONFIG_DIR)
    if override is not None:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def config_file(env: Mapping[str, str] = os.environ) -> Path:
    """The settings file's path (it may not exist)."""
    return config_dir(env) / CONFIG_FILE_NAME


def data_dir(env: Mapping[str, str] = os.environ) -> Path:
    """The data directory (chat history and the like), created 0700 if missing.

    ``$BARRACK_TUI_DATA_DIR`` overrides the platform's user data directory.
    """
    override = _env_value(env, ENV_DATA_DIR)
    path = (
        Path(override).expanduser()
        if override is not None
        else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    )
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _describe_validation_error(exc: ValidationError) -> str:
    """One line per problem, located by its dotted TOML key; values are not echoed."""
    lines = []
    for error in exc.errors():
        location = ".".join(str(part) for part in error["loc"])
        message = _error_message(error)
        lines.append(f"{location}: {message}" if location else message)
    return "; ".join(lines)


def _error_message(error: ErrorDetails) -> str:
    """pydantic's message, minus its "Value error, " prefix for our own checks."""
    if error["type"] == "extra_forbidden":
        return "unknown setting"
    if error["type"] == "value_error" and "ctx" in error:
        return str(error["ctx"]["error"])
    return error["msg"]


def load_settings(path: Path | None = None, *, env: Mapping[str, str] = os.environ) -> Settings:
    """Read and validate the settings file; a missing file means all defaults."""
    path = path if path is not None else config_file(env)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise ConfigError(path, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(path, "the file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"invalid TOML: {exc}") from None
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(path, _describe_validation_error(exc)) from None


def save_settings(
    settings: Settings, path: Path | None = None, *, env: Mapping[str, str] = os.environ
) -> Path:
    """Write ``settings`` atomically and return the path.

    Only values that were set (read from the file or saved since) are
    written, so built-in defaults can still change in later versions.
    Comments in the existing file are not preserved.
    """
    path = path if path is not None else config_file(env)
    data: dict[str, Any] = settings.model_dump(mode="json", exclude_unset=True, exclude_none=True)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    try:
        write_text_atomically(path, tomli_w.dumps(data), mode=mode)
    except OSError as exc:
        raise ConfigError(path, f"cannot write the file: {exc.strerror or exc}") from None
    return path


def save_profile_setting(
    profile: str,
    key: str,
    value: object,
    *,
    path: Path | None = None,
    env: Mapping[str, str] = os.environ,
) -> Settings:
    """Change one setting of one profile on disk (e.g. the theme) and return the new settings.

    The file is re-read first so that edits made meanwhile are kept.
    """
    path = path if path is not None else config_file(env)
    if key not in Profile.model_fields:
        raise ConfigError(path, f"profiles.{profile}.{key}: unknown setting")
    try:
        check_profile_name(profile)
    except ValueError as exc:
        raise ConfigError(path, str(exc)) from None
    settings = load_settings(path)
    current = settings.profiles.get(profile, Profile())
    try:
        updated = Profile.model_validate({**current.model_dump(exclude_unset=True), key: value})
    except ValidationError as exc:
        raise ConfigError(path, f"profiles.{profile}.{_describe_validation_error(exc)}") from None
    new_settings = settings.model_copy(update={"profiles": {**settings.profiles, profile: updated}})
    save_settings(new_settings, path)
    return new_settings


# Where each overridable field comes from, for error messages.
_ENV_OVERRIDES: Final = {
    "api_url": ENV_API_URL,
    "refresh_seconds": ENV_REFRESH,
    "read_only": ENV_READ_ONLY,
}
_CLI_OPTIONS: Final = {
    "api_url": "--api-url",
    "refresh_seconds": "--refresh",
    "read_only": "--read-only",
}


def _override(profile: Profile, values: Mapping[str, object], sources: Mapping[str, str]) -> Profile:
    """``profile`` with ``values`` applied; a bad value is blamed on its env var or option."""
    if not values:
        return profile
    try:
        return Profile.model_validate({**profile.model_dump(exclude_unset=True), **values})
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else ""
        raise ConfigError(sources.get(field, field), _error_message(error)) from None


def resolve_settings(
    profile: str | None,
    api_url: str | None,
    refresh: float | None,
    read_only: bool | None,
    env: Mapping[str, str] = os.environ,
) -> ResolvedSettings:
    """The effective settings: CLI arguments (non-None) > env vars > the profile > defaults.

    The profile is the ``profile`` argument, else ``$BARRACK_PROFILE``, else
    ``default_profile`` from the file. Raises :class:`ConfigError`.
    """
    path = config_file(env)
    settings = load_settings(path)

    env_profile = _env_value(env, ENV_PROFILE)
    if profile is not None:
        name, chosen_by = profile, "--profile"
    elif env_profile is not None:
        name, chosen_by = env_profile, ENV_PROFILE
    else:
        name, chosen_by = settings.default_profile, str(path)
    try:
        check_profile_name(name)
        base = settings.profile(name)
    except ValueError as exc:
        raise ConfigError(chosen_by, str(exc)) from None
    except KeyError:
        known = ", ".join(settings.profile_names())
        raise ConfigError(
            chosen_by,
            f"no profile {name!r} in {path} (known: {known}); add a [profiles.{name}] table",
        ) from None

    from_env = {
        field: value
        for field, variable in _ENV_OVERRIDES.items()
        if (value := _env_value(env, variable)) is not None
    }
    from_cli = {
        field: value
        for field, value in (
            ("api_url", api_url),
            ("refresh_seconds", refresh),
            ("read_only", read_only),
        )
        if value is not None
    }
    effective = _override(_override(base, from_env, _ENV_OVERRIDES), from_cli, _CLI_OPTIONS)
    return ResolvedSettings(
        profile=name,
        api_url=effective.api_url,
        refresh_seconds=effective.refresh_seconds,
        read_only=effective.read_only,
        currency=effective.currency,
        theme=effective.theme,
        budget_min_hours=effective.budget_min_hours,
        config_file=path,
    )
