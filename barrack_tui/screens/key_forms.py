"""The forms of the keys & scripts mode, and the one-time private key modal.

Forms are `ResourceForm`s (checked as you type, one request, the server's
message shown and the values kept on error). A generated private key lives
only in `PrivateKeyScreen` while it is open: it is never logged, never
written anywhere, and wiped from the screen and the app's own clipboard copy
when the modal closes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import TYPE_CHECKING, ClassVar, TypeVar

from pydantic import SecretStr
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from barrack_tui import validation
from barrack_tui.api.models import (
    CreateScriptRequest,
    CreateSSHKeyRequest,
    UpdateScriptRequest,
)
from barrack_tui.catalog import CLOUD_INIT_MAX_BYTES
from barrack_tui.resources import style_path
from barrack_tui.screens.resource_forms import CssPaths, ResourceForm, field_row
from barrack_tui.screens.snapshot_forms import description_problem, unique_name

if TYPE_CHECKING:
    from barrack_tui.api.models import CreateSSHKeyResponse, Script, SSHKeyResponse

FORM_CSS: CssPaths = [style_path("resource_forms.tcss"), style_path("keys.tcss")]
RequestT = TypeVar("RequestT")
ResultT = TypeVar("ResultT")
PRIVATE_KEY_MARKER = "PRIVATE KEY-----"


def byte_size(size: int) -> str:
    """``278 B``, ``2.3 KB``."""
    return f"{size} B" if size < 1024 else f"{size / 1024:.1f} KB"


class TextAreaForm(ResourceForm[RequestT, ResultT]):
    """A `ResourceForm` whose fields may include `TextArea`s (their value is the text)."""

    CSS_PATH: ClassVar = FORM_CSS
    _areas_ready = False

    def value(self, name: str) -> object:
        widget = self.query_one(f"#{name}")
        return widget.text if isinstance(widget, TextArea) else super().value(name)

    def ready(self) -> None:
        self._areas_ready = True

    @on(TextArea.Changed)
    def _area_changed(self) -> None:
        if self._areas_ready:
            self.refresh_form()


# ------------------------------------------------------------------ SSH keys


class ImportKeyForm(TextAreaForm[CreateSSHKeyRequest, "SSHKeyResponse"]):
    """Register an existing OpenSSH public key under a name."""

    FIELDS: ClassVar = ("name", "public-key")

    def __init__(
        self,
        submit: Callable[[CreateSSHKeyRequest], Awaitable[SSHKeyResponse]],
        *,
        taken_names: Collection[str],
    ) -> None:
        super().__init__("Import an SSH public key", submit, submit_label="Import key", busy_label="Importing…")
        self.taken_names = set(taken_names)

    def compose_body(self) -> ComposeResult:
        yield Static(
            "Paste one public key line, e.g. the contents of ~/.ssh/id_ed25519.pub "
            "(ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp*). Never paste a private key.",
            id="note",
        )
        yield from field_row("name", "Name", Input(placeholder="letters, digits, - _ .", id="name"))
        yield from field_row(
            "public-key",
            "Public key",
            TextArea(id="public-key", soft_wrap=True, show_line_numbers=False, tab_behavior="focus"),
        )

    def problems(self) -> Mapping[str, str]:
        problems: dict[str, str] = {}
        name = self.text("name")
        found = validation.ssh_key_name(name) or unique_name(name, self.taken_names, "A key named")
        if found:
            problems["name"] = found
        key = self.text("public-key").strip()
        if PRIVATE_KEY_MARKER in key:
            problems["public-key"] = "This is a PRIVATE key: paste the .pub file's line instead"
        elif "\n" in key:
            problems["public-key"] = "A public key is one line"
        else:
            found = validation.public_key(key)
            if found:
                problems["public-key"] = found
        return problems

    def build(self) -> CreateSSHKeyRequest:
        return CreateSSHKeyRequest(name=self.text("name"), public_key=self.text("public-key").strip())


class GenerateKeyForm(ResourceForm[CreateSSHKeyRequest, "CreateSSHKeyResponse"]):
    """Have the server generate a key pair; its private key comes back this once."""

    CSS_PATH: ClassVar = FORM_CSS
    FIELDS: ClassVar = ("name",)

    def __init__(
        self,
        submit: Callable[[CreateSSHKeyRequest], Awaitable[CreateSSHKeyResponse]],
        *,
        taken_names: Collection[str],
    ) -> None:
        super().__init__("Generate an SSH key pair", submit, submit_label="Generate", busy_label="Generating…")
        self.taken_names = set(taken_names)

    def compose_body(self) -> ComposeResult:
        yield Static(
            "Barrack generates the pair and keeps only the public key. The private key is shown to "
            "you once, next: save it then. barrack-tui never stores or logs it.",
            id="note",
        )
        yield from field_row("name", "Name", Input(placeholder="letters, digits, - _ .", id="name"))

    def problems(self) -> Mapping[str, str]:
        name = self.text("name")
        found = validation.ssh_key_name(name) or unique_name(name, self.taken_names, "A key named")
        return {"name": found} if found else {}

    def build(self) -> CreateSSHKeyRequest:
        return CreateSSHKeyRequest(name=self.text("name"))


class PrivateKeyScreen(ModalScreen[None]):
    """Shows a generated private key once, with a copy key and a clear warning.

    Closing asks twice unless the key was copied or "I have saved it" was
    pressed. On close the text area is emptied, the secret dropped, and the
    app's own copy of the clipboard cleared if it still holds the key (the
    terminal's clipboard, where the user pastes from, keeps it).
    """

    CSS_PATH = style_path("keys.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", "Copy private key"),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self, key_name: str, private_key: SecretStr, fingerprint: str | None = None) -> None:
        super().__init__()
        self.key_name = key_name
        self.fingerprint = fingerprint
        self._secret: SecretStr | None = private_key
        self._copied = False
        self._warned = False

    def compose(self) -> ComposeResult:
        assert self._secret is not None
        with Vertical(id="dialog"):
            yield Label(f"Private key of {self.key_name}", id="title")
            yield Static(
                Content.assemble(
                    ("Shown only this once. ", "bold"),
                    "Barrack does not keep it and barrack-tui does not store it: save it now. "
                    "If it is lost, delete the key and generate a new one.",
                ),
                id="warning",
            )
            yield TextArea(
                self._secret.get_secret_value(),
                read_only=True,
                soft_wrap=False,
                show_cursor=False,
                highlight_cursor_line=False,
                id="private-key",
            )
            fingerprint = f"Fingerprint {self.fingerprint}. " if self.fingerprint else ""
            yield Static(
                f"{fingerprint}Save it as ~/.ssh/{self.key_name} and run: chmod 600 ~/.ssh/{self.key_name}",
                id="hint",
            )
            yield Label("", id="close-warning")
            with Horizontal(id="buttons"):
                yield Button("Copy (c)", id="copy")
                yield Button("I have saved it", id="done", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#copy", Button).focus()

    @on(Button.Pressed, "#copy")
    def action_copy(self) -> None:
        if self._secret is None:
            return
        self.app.copy_to_clipboard(self._secret.get_secret_value())
        self._copied = True
        self.notify(f"Private key of {self.key_name} copied: paste it into a file now")

    def action_close(self) -> None:
        if not self._copied and not self._warned:
            self._warned = True
            self.query_one("#close-warning", Label).update(
                "Not copied yet: press escape again to close. The key cannot be shown again."
            )
            return
        self._close()

    @on(Button.Pressed, "#done")
    def _close(self) -> None:
        secret, self._secret = self._secret, None
        self.query_one("#private-key", TextArea).load_text("")
        if secret is not None and self.app.clipboard == secret.get_secret_value():
            # Textual keeps an in-app copy for pasting inside the app; the
            # public API can only overwrite the terminal clipboard too, which
            # the user is about to paste from.
            self.app._clipboard = ""
        self.dismiss(None)


# ------------------------------------------------------------ startup scripts


def script_size_line(content: str) -> Content:
    """The live size against the cloud-init limit, coloured as it nears it."""
    size = len(content.encode())
    style = "$text-error" if size > CLOUD_INIT_MAX_BYTES else "$text-warning" if size > CLOUD_INIT_MAX_BYTES * 0.9 else ""
    return Content.assemble(
        "Size ",
        (f"{byte_size(size)} of {CLOUD_INIT_MAX_BYTES // 1024} KB", style or "bold"),
        " (the cloud-init limit)",
    )


class ScriptForm(TextAreaForm["CreateScriptRequest | UpdateScriptRequest", "Script"]):
    """Create a startup script, or edit one (only the changed fields are sent)."""

    FIELDS: ClassVar = ("name", "description", "content")

    def __init__(
        self,
        submit: Callable[[CreateScriptRequest | UpdateScriptRequest], Awaitable[Script]],
        *,
        taken_names: Collection[str],
        script: Script | None = None,
    ) -> None:
        title = f"Edit startup script {script.name}" if script else "New startup script"
        super().__init__(title, submit, submit_label="Save" if script else "Create script", busy_label="Saving…")
        self.script = script
        self.taken_names = set(taken_names) - ({script.name} if script else set())

    def compose_body(self) -> ComposeResult:
        script = self.script
        yield from field_row("name", "Name", Input(script.name if script else "", id="name"))
        yield from field_row(
            "description", "Description", Input((script.description or "") if script else "", id="description")
        )
        area = TextArea(
            script.content if script else "#!/bin/bash\n",
            id="content",
            soft_wrap=False,
            show_line_numbers=True,
            tab_behavior="indent",
        )
        yield from field_row("content", "Content", area)

    def changes(self) -> dict[str, str]:
        """The fields that differ from the script being edited (all of them for a new one)."""
        values = {"name": self.text("name"), "description": self.text("description"), "content": self.text("content")}
        if self.script is None:
            return values
        before = {"name": self.script.name, "description": self.script.description or "", "content": self.script.content}
        return {key: value for key, value in values.items() if value != before[key]}

    def problems(self) -> Mapping[str, str]:
        problems: dict[str, str] = {}
        name = self.text("name")
        found = validation.resource_name(name, "Name") or unique_name(name, self.taken_names, "A script named")
        if found:
            problems["name"] = found
        found = description_problem(self.text("description"))
        if found:
            problems["description"] = found
        content = self.text("content")
        if not content.strip():
            problems["content"] = "The script is empty"
        else:
            found = validation.cloud_init(content)
            if found:
                problems["content"] = found
        if self.script is not None and not problems and not self.changes():
            problems["content"] = "Nothing changed yet"
        return problems

    def preview(self) -> Content:
        return script_size_line(self.text("content"))

    def build(self) -> CreateScriptRequest | UpdateScriptRequest:
        if self.script is None:
            return CreateScriptRequest(
                name=self.text("name"),
                content=self.text("content"),
                description=self.text("description").strip() or None,
            )
        return UpdateScriptRequest(**self.changes())
