"""The login modal: ask for the API key and how to keep it.

The screen only collects the answer; the caller stores the key (the keyring
save in a thread worker, via :mod:`barrack_tui.credentials`). The keyring
choice is disabled, with the reason shown, when the caller's lookup came
back with a :class:`KeyringProblem`; the plaintext choice needs an explicit
confirmation tick next to a visible warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import SecretStr
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Static,
)

from barrack_tui.credentials import ENV_API_KEY, KEY_PREFIX, check_key, credentials_file
from barrack_tui.keystore import KeyringProblem
from barrack_tui.resources import style_path

StorageChoice = Literal["keyring", "session", "file"]


@dataclass(frozen=True, slots=True)
class LoginResult:
    key: SecretStr
    storage: StorageChoice


class LoginScreen(ModalScreen[LoginResult | None]):
    """Dismisses with a :class:`LoginResult`, or ``None`` when cancelled (Escape)."""

    CSS_PATH = style_path("login.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        profile: str,
        *,
        keyring_problem: KeyringProblem | None = None,
        file_problem: str | None = None,
        plaintext_path: Path | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``keyring_problem`` disables the keyring choice; ``file_problem`` (why an
        existing key file was refused; defaults to ``keyring_problem.file_problem``)
        is shown as is. ``plaintext_path`` is where
        a plaintext key would go, by default the profile's credentials file."""
        super().__init__(name=name, id=id, classes=classes)
        self._profile = profile
        self._keyring_problem = keyring_problem
        self._file_problem = file_problem or (keyring_problem.file_problem if keyring_problem else None)
        self._plaintext_path = plaintext_path or credentials_file(profile)

    def compose(self) -> ComposeResult:
        keyring_usable = self._keyring_problem is None
        with Vertical(id="login-dialog"):
            yield Label("Sign in to Barrack", id="login-title")
            yield Static(f"Profile: {self._profile}", id="login-profile", classes="login-muted")
            if self._file_problem is not None:
                yield Static(self._file_problem, id="login-file-problem")
            yield Input(
                placeholder=f"API key ({KEY_PREFIX}…)",
                password=True,
                id="login-key",
            )
            yield Static("", id="login-key-message")
            yield Label("Keep the key:", id="login-storage-label")
            with RadioSet(id="login-storage"):
                yield RadioButton(
                    "Save in the OS keyring",
                    value=keyring_usable,
                    disabled=not keyring_usable,
                    id="login-store-keyring",
                )
                yield RadioButton(
                    "Use for this session only",
                    value=not keyring_usable,
                    id="login-store-session",
                )
                yield RadioButton("Save to a plaintext file (0600)", id="login-store-file")
            if self._keyring_problem is not None:
                yield Static(
                    f"OS keyring unavailable: {self._keyring_problem.message}",
                    id="login-keyring-reason",
                )
            with Vertical(id="login-file-confirm"):
                yield Static(
                    f"Warning: the key will be stored UNENCRYPTED in {self._plaintext_path}. "
                    "Mode 0600 keeps other users out, not anyone who gets at your "
                    "account, backups or disk.",
                    id="login-file-warning",
                )
                yield Checkbox(
                    "I understand; store the key in plaintext",
                    compact=True,
                    id="login-file-confirmed",
                )
                yield Static(
                    "Tick the box to store the key in plaintext, or choose another option.",
                    id="login-file-required",
                )
            yield Static(
                f"Tip: set {ENV_API_KEY} in your shell to skip this screen.",
                id="login-env-hint",
                classes="login-muted",
            )
            with Horizontal(id="login-buttons"):
                yield Button("Sign in", variant="primary", id="login-submit")
                yield Button("Cancel", id="login-cancel")

    def on_mount(self) -> None:
        self.query_one("#login-key", Input).focus()

    def _storage(self) -> StorageChoice:
        pressed = self.query_one("#login-storage", RadioSet).pressed_button
        if pressed is not None and pressed.id == "login-store-keyring":
            return "keyring"
        if pressed is not None and pressed.id == "login-store-file":
            return "file"
        return "session"

    def _show_key_message(self, text: str, kind: Literal["error", "warning", ""]) -> None:
        message = self.query_one("#login-key-message", Static)
        message.update(text)
        message.set_class(kind == "error", "-error")
        message.set_class(kind == "warning", "-warning")

    @on(Input.Changed, "#login-key")
    def _key_changed(self, event: Input.Changed) -> None:
        text = event.value.strip()
        verdict = check_key(text)
        if not text:
            self._show_key_message("", "")
        elif verdict.error is not None:
            self._show_key_message(verdict.error, "error")
        else:
            self._show_key_message(verdict.warning or "", "warning")

    @on(RadioSet.Changed, "#login-storage")
    def _storage_changed(self) -> None:
        confirm = self.query_one("#login-file-confirm")
        confirm.set_class(self._storage() == "file", "-shown")
        if self._storage() == "file":
            self.call_after_refresh(confirm.scroll_visible, animate=False)

    @on(Checkbox.Changed, "#login-file-confirmed")
    def _confirmation_changed(self) -> None:
        self.query_one("#login-file-confirm").remove_class("-unconfirmed")

    @on(Input.Submitted, "#login-key")
    @on(Button.Pressed, "#login-submit")
    def _submit(self) -> None:
        key_input = self.query_one("#login-key", Input)
        text = key_input.value.strip()
        verdict = check_key(text)
        if verdict.error is not None:
            self._show_key_message(verdict.error, "error")
            key_input.focus()
            return
        storage = self._storage()
        if storage == "file" and not self.query_one("#login-file-confirmed", Checkbox).value:
            # The warning box turns to the error colour until the box is ticked.
            self.query_one("#login-file-confirm").add_class("-unconfirmed")
            self.query_one("#login-file-confirmed", Checkbox).focus()
            return
        self.dismiss(LoginResult(key=SecretStr(text), storage=storage))

    @on(Button.Pressed, "#login-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
