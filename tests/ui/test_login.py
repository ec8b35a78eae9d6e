"""Pilot tests of the login modal in a tiny host app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import SecretStr
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, RadioButton, RadioSet, Static

from barrack_tui.keystore import KeyringProblem, KeyringProblemKind
from barrack_tui.resources import style_path
from barrack_tui.screens.login import LoginResult, LoginScreen
from tests.ui.harness import click_button

KEY = "sk_demo_4f9c2a7b1e3d5f60a8c9b0d1e2f30000"
HANGING = KeyringProblem(KeyringProblemKind.TIMEOUT, "keyring did not answer within 3 s")
SIZE = (100, 40)


class LoginHost(App[None]):
    """Pushes the login screen and records what it dismisses with."""

    def __init__(self, screen: LoginScreen) -> None:
        super().__init__()
        self.login = screen
        self.results: list[LoginResult | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.login, self.results.append)


@pytest.fixture
def plaintext_path(tmp_path: Path) -> Path:
    return tmp_path / "credentials-work"


def host(plaintext_path: Path, **kwargs: object) -> LoginHost:
    return LoginHost(LoginScreen("work", plaintext_path=plaintext_path, **kwargs))  # type: ignore[arg-type]


def text_of(screen: LoginScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def paste(pilot: Pilot[None], text: str) -> None:
    """Paste into the focused widget, as people enter API keys (and fast in tests)."""
    focused = pilot.app.focused
    assert focused is not None
    focused.post_message(events.Paste(text))
    await pilot.pause()


async def choose(pilot: Pilot[None], storage: str) -> None:
    await pilot.click(f"#login-store-{storage}")
    await pilot.pause()


async def test_keyring_is_the_default_when_it_works(plaintext_path: Path) -> None:
    app = host(plaintext_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.login
        keyring_choice = screen.query_one("#login-store-keyring", RadioButton)
        assert not keyring_choice.disabled and keyring_choice.value
        assert not screen.query("#login-keyring-reason")
        assert "BARRACK_API_KEY" in text_of(screen, "#login-env-hint")
        assert screen.query_one("#login-key", Input).has_focus
        await paste(pilot, KEY)
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [LoginResult(key=SecretStr(KEY), storage="keyring")]


async def test_keyring_choice_is_disabled_with_the_reason(plaintext_path: Path) -> None:
    app = host(plaintext_path, keyring_problem=HANGING)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.login
        assert screen.query_one("#login-store-keyring", RadioButton).disabled
        assert screen.query_one("#login-store-session", RadioButton).value
        reason = text_of(screen, "#login-keyring-reason")
        assert "keyring did not answer within 3 s" in reason

        # Keyboard navigation through the choices skips the disabled one.
        await pilot.press("tab")
        radio_set = screen.query_one("#login-storage", RadioSet)
        assert radio_set.has_focus
        for _ in range(3):
            await pilot.press("down", "enter")
            await pilot.pause()
            assert radio_set.pressed_button is not None
            assert radio_set.pressed_button.id != "login-store-keyring"

        # Clicking it does nothing either.
        await choose(pilot, "session")
        await choose(pilot, "keyring")
        assert screen.query_one("#login-store-session", RadioButton).value
        assert not screen.query_one("#login-store-keyring", RadioButton).value


async def test_session_only(plaintext_path: Path) -> None:
    app = host(plaintext_path, keyring_problem=HANGING)
    async with app.run_test(size=SIZE) as pilot:
        await paste(pilot, KEY)
        await click_button(pilot, "#login-submit")
        await pilot.pause()
    assert app.results == [LoginResult(key=SecretStr(KEY), storage="session")]


async def test_plaintext_needs_the_confirmation(plaintext_path: Path) -> None:
    app = host(plaintext_path, keyring_problem=HANGING)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.login
        confirm = screen.query_one("#login-file-confirm")
        assert not confirm.display  # the warning appears with the choice
        await paste(pilot, KEY)
        await choose(pilot, "file")
        assert confirm.display
        warning = text_of(screen, "#login-file-warning")
        assert "UNENCRYPTED" in warning and str(plaintext_path) in warning

        await click_button(pilot, "#login-submit")
        await pilot.pause()
        assert app.results == []  # not without the tick
        assert app.screen is screen
        assert confirm.has_class("-unconfirmed")
        assert screen.query_one("#login-file-required").display
        checkbox = screen.query_one("#login-file-confirmed", Checkbox)
        assert checkbox.has_focus

        await pilot.press("space")  # tick it
        await pilot.pause()
        assert checkbox.value
        assert not confirm.has_class("-unconfirmed")
        await click_button(pilot, "#login-submit")
        await pilot.pause()
    assert app.results == [LoginResult(key=SecretStr(KEY), storage="file")]


async def test_escape_cancels(plaintext_path: Path) -> None:
    app = host(plaintext_path)
    async with app.run_test(size=SIZE) as pilot:
        await paste(pilot, KEY)  # focus is in the key input
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not app.login
    assert app.results == [None]


async def test_cancel_button(plaintext_path: Path) -> None:
    app = host(plaintext_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#login-cancel")
        await pilot.pause()
    assert app.results == [None]


@pytest.mark.parametrize("typed", ["", "sk_a b"])
async def test_an_invalid_key_is_not_accepted(plaintext_path: Path, typed: str) -> None:
    app = host(plaintext_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.login
        await pilot.press(*typed)
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == []
        message = screen.query_one("#login-key-message", Static)
        assert message.has_class("-error") and str(message.render())
        assert screen.query_one("#login-key", Input).has_focus


async def test_a_key_without_the_prefix_only_warns(plaintext_path: Path) -> None:
    app = host(plaintext_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.login
        await pilot.press(*"pk_live_0123")  # typed, key by key
        message = screen.query_one("#login-key-message", Static)
        assert message.has_class("-warning") and "sk_" in str(message.render())
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [LoginResult(key=SecretStr("pk_live_0123"), storage="keyring")]


async def test_a_refused_key_file_is_explained(plaintext_path: Path) -> None:
    problem = f"plaintext key file {plaintext_path}: has permissions 0644 ... chmod 600"
    app = host(plaintext_path, file_problem=problem)
    async with app.run_test(size=SIZE):
        assert text_of(app.login, "#login-file-problem") == problem


async def test_the_key_never_reaches_the_screen(plaintext_path: Path) -> None:
    app = host(plaintext_path)
    async with app.run_test(size=SIZE) as pilot:
        await paste(pilot, KEY)
        await choose(pilot, "file")
        screenshot = app.export_screenshot()
    assert KEY not in screenshot and KEY[:12] not in screenshot
    assert "sk_demo" not in screenshot


def test_the_stylesheet_is_found_and_scoped_to_the_screen() -> None:
    path = style_path("login.tcss")
    assert path.is_absolute() and path == LoginScreen.CSS_PATH
    css = path.read_text(encoding="utf-8")
    selectors = re.findall(r"^([^\s/*}][^{]*)\{", css, flags=re.MULTILINE)
    assert selectors and all(selector.startswith("LoginScreen") for selector in selectors)
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b|rgb\(|hsl\(", css)  # theme variables only
    with pytest.raises(FileNotFoundError, match=r"no-such\.tcss"):
        style_path("no-such.tcss")
