"""The keys & scripts mode: SSH keys and startup scripts, live.

SSH keys can be imported, generated (the private key is shown once, see
`PrivateKeyScreen`) and deleted when no instance uses them. Startup scripts
can be created, edited, previewed and deleted one at a time or several at
once (marked with space, deleted with the bulk endpoint).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.syntax import Syntax
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Label, Static, TabbedContent, TabPane

from barrack_tui.api.models import CreateScriptRequest
from barrack_tui.live.engine import TopicUpdate
from barrack_tui.live.topics import Topic
from barrack_tui.resources import style_path
from barrack_tui.screens.base import LiveScreen
from barrack_tui.screens.key_forms import (
    GenerateKeyForm,
    ImportKeyForm,
    PrivateKeyScreen,
    ScriptForm,
    byte_size,
    script_size_line,
)
from barrack_tui.screens.resource_forms import ConfirmForm
from barrack_tui.screens.snapshots import detail, stamp
from barrack_tui.widgets.account_bar import AccountBar
from barrack_tui.widgets.filter_box import FilterBox
from barrack_tui.widgets.mode_bar import ModeBar
from barrack_tui.widgets.resource_table import ResourceTable
from barrack_tui.widgets.table_model import Cell, Column

if TYPE_CHECKING:
    from barrack_tui.api.models import (
        BulkDeleteResponse,
        CreateSSHKeyRequest,
        CreateSSHKeyResponse,
        Script,
        SSHKeyResponse,
        UpdateScriptRequest,
        UserVM,
    )

READ_ONLY_TEXT = (
    "Read-only mode: importing, generating and deleting keys and changing scripts is disabled "
    "(started with --read-only)"
)

KEY_COLUMNS = (
    Column("name", "Name", min_width=10, max_width=24),
    Column("id", "ID", width=11),
    Column("type", "Type", min_width=7, max_width=19),
    Column("fingerprint", "Fingerprint", min_width=20, max_width=50),
    Column("created", "Created (UTC)", width=16),
    Column("in_use", "In use", width=7),
)
SCRIPT_COLUMNS = (
    Column("name", "Name", min_width=10, max_width=22),
    Column("id", "ID", width=11),
    Column("size", "Size", width=8, align="right"),
    Column("updated", "Updated (UTC)", width=16),
)
TABS = ("keys-tab", "scripts-tab")
TABLE_OF_TAB = {"keys-tab": "keys", "scripts-tab": "scripts"}


def users_of(key: SSHKeyResponse, instances: dict[str, UserVM]) -> list[str]:
    """Names of the instances deployed with this key (instances name their key by name)."""
    return sorted(vm.vm_name for vm in instances.values() if vm.ssh_key in (key.name, key.key_id))


def key_row(key: SSHKeyResponse, users: Sequence[str]) -> dict[str, object]:
    in_use = key.in_use or bool(users)
    label = f"yes ({len(users)})" if users else "yes" if in_use else "no"
    return {
        "name": key.name,
        "id": key.key_id,
        "type": key.key_type or "—",
        "fingerprint": key.fingerprint or "—",
        "created": stamp(key.created_at),
        "in_use": Cell(label, "accent" if in_use else "muted", len(users) if in_use else -1),
    }


def script_row(script: Script) -> dict[str, object]:
    size = len(script.content.encode())
    return {
        "name": script.name,
        "id": script.script_id,
        "size": Cell(byte_size(size), sort=size),
        "updated": stamp(script.updated_at or script.created_at),
    }


def script_language(content: str) -> str:
    return "yaml" if content.startswith("#cloud-config") else "bash"


class KeysScreen(LiveScreen):
    """SSH keys and startup scripts in two tabs, each row keyed by id."""

    CSS_PATH = style_path("keys.tcss")
    TOPICS: ClassVar = (Topic.SSH_KEYS, Topic.SCRIPTS, Topic.INSTANCES)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "import_key", "Import key"),
        Binding("g", "generate_key", "Generate key"),
        Binding("n", "new_script", "New script"),
        Binding("e", "edit_script", "Edit script"),
        Binding("delete", "delete", "Delete", key_display="del"),
        Binding("asterisk", "mark_all", "Mark all", key_display="*"),
        Binding("t", "next_tab", "Next tab"),
        Binding("y", "copy", "Copy public key / script id", show=False),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._pending_cursor: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield AccountBar(id="account-bar")
        yield ModeBar("keys", id="mode-bar")
        yield Label(READ_ONLY_TEXT, id="read-only")
        yield FilterBox("Filter both tabs: name, id, fingerprint…")
        with TabbedContent(id="tabs", initial="keys-tab"):
            with TabPane("SSH keys", id="keys-tab"):
                yield ResourceTable(
                    KEY_COLUMNS, empty_text="No SSH keys: press a to import one or g to generate one", id="keys"
                )
                with Horizontal(classes="detail"):
                    yield Static("", id="key-info", classes="panel")
                    yield Static("", id="key-public", classes="panel")
            with TabPane("Startup scripts", id="scripts-tab"), Horizontal(id="scripts-body"):
                yield ResourceTable(
                    SCRIPT_COLUMNS, empty_text="No startup scripts: press n to write one", id="scripts"
                )
                with VerticalScroll(id="script-preview"):
                    yield Static("", id="script-head")
                    yield Static("", id="script-content")
        yield Footer()

    def on_mount(self) -> None:
        # LiveScreen.on_mount runs after this one and shows the cached data.
        self.query_one("#read-only", Label).display = self.services.read_only
        self.query_one("#key-info", Static).border_title = "Key"
        self.query_one("#key-public", Static).border_title = "Fingerprint and public key"
        self.query_one("#script-preview").border_title = "Preview"
        self.table("keys").focus()

    # -- data -----------------------------------------------------------------

    def table(self, name: str) -> ResourceTable:
        return self.query_one(f"#{name}", ResourceTable)

    def keys(self) -> dict[str, SSHKeyResponse]:
        return self.services.engine.data(Topic.SSH_KEYS) or {}

    def scripts(self) -> dict[str, Script]:
        return self.services.engine.data(Topic.SCRIPTS) or {}

    def current_key(self) -> SSHKeyResponse | None:
        key = self.table("keys").cursor_key
        return self.keys().get(key) if key else None

    def current_script(self) -> Script | None:
        key = self.table("scripts").cursor_key
        return self.scripts().get(key) if key else None

    def script_targets(self) -> list[Script]:
        """The marked scripts, or else the one under the cursor."""
        table = self.table("scripts")
        keys = sorted(table.selected_keys) or ([table.cursor_key] if table.cursor_key else [])
        scripts = self.scripts()
        return [scripts[k] for k in keys if k in scripts]

    def active_tab(self) -> str:
        return self.query_one("#tabs", TabbedContent).active

    def apply_update(self, update: TopicUpdate) -> None:
        if update.topic is Topic.SCRIPTS:
            table = self.table("scripts")
        else:
            table = self.table("keys")
        if update.topic is not Topic.INSTANCES:
            table.stale = update.state.failures > 0
            if update.state.failures and not update.changed:
                if not update.state.loaded:
                    what = "startup scripts" if update.topic is Topic.SCRIPTS else "SSH keys"
                    table.empty_text = f"Could not load the {what}: {update.state.error}"
                return
        if update.topic is Topic.SCRIPTS:
            table.set_rows({key: script_row(script) for key, script in self.scripts().items()})
            self._render_script()
        else:
            instances = self.instances()
            table.set_rows({key: key_row(k, users_of(k, instances)) for key, k in self.keys().items()})
            self._render_key()
        self._apply_pending_cursors()
        self.refresh_bindings()

    def select_later(self, table: str, key: str) -> None:
        """Put the cursor on ``key`` as soon as that row shows up."""
        self._pending_cursor[table] = key
        self._apply_pending_cursors()

    def _apply_pending_cursors(self) -> None:
        for name, key in list(self._pending_cursor.items()):
            table = self.table(name)
            if table.has_row(key):
                table.cursor_key = key
                del self._pending_cursor[name]

    # -- detail panes ---------------------------------------------------------

    @on(ResourceTable.CursorMoved, "#keys")
    def _key_cursor(self) -> None:
        self._render_key()
        self.refresh_bindings()

    @on(ResourceTable.CursorMoved, "#scripts")
    def _script_cursor(self) -> None:
        self._render_script()
        self.refresh_bindings()

    @on(ResourceTable.SelectionChanged, "#scripts")
    def _marks_changed(self) -> None:
        self.refresh_bindings()

    def _render_key(self) -> None:
        info = self.query_one("#key-info", Static)
        public = self.query_one("#key-public", Static)
        key = self.current_key()
        if key is None:
            info.update("")
            public.update("")
            return
        users = users_of(key, self.instances())
        if users:
            used = ", ".join(users[:2]) + (f" and {len(users) - 2} more" if len(users) > 2 else "")
            deletable = f"refused while {len(users)} instance{'s use' if len(users) > 1 else ' uses'} it"
        elif key.in_use:
            used, deletable = "an instance", "refused while it is in use"
        else:
            used, deletable = "no instance", "allowed"
        rows: list[tuple[str, str | Content]] = [
            ("ID", key.key_id),
            ("Type", key.key_type or "—"),
            ("Created", f"{stamp(key.created_at).value} UTC"),
            ("Used by", used),
            ("Delete", deletable),
        ]
        info.update(detail(Content.styled(key.name, "bold"), rows))
        public.update(Content("\n").join([Content(key.fingerprint or ""), Content(key.public_key or "—")]))

    def _render_script(self) -> None:
        head = self.query_one("#script-head", Static)
        body = self.query_one("#script-content", Static)
        preview = self.query_one("#script-preview")
        script = self.current_script()
        if script is None:
            head.update("")
            body.update("")
            preview.border_title = "Preview"
            return
        preview.border_title = f"{script.name} ({script.script_id})"
        lines = [Content.styled(script.description or "No description", "italic $text-muted")]
        lines.append(script_size_line(script.content))
        lines.append(Content(f"Updated {stamp(script.updated_at or script.created_at).value} UTC"))
        head.update(Content("\n").join(lines))
        body.update(
            Syntax(
                script.content,
                script_language(script.content),
                theme="ansi_dark",
                line_numbers=True,
                word_wrap=True,
                background_color="default",
            )
        )

    # -- actions --------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        if action == "clear_filter":
            return self.query_one(FilterBox).display
        tab = self.active_tab()
        read_only = self.services.read_only
        if action in ("import_key", "generate_key"):
            return False if tab != "keys-tab" else None if read_only else True
        if action in ("new_script", "mark_all"):
            return False if tab != "scripts-tab" else None if read_only else True
        if action == "edit_script":
            if tab != "scripts-tab":
                return False
            return None if read_only or self.current_script() is None else True
        if action == "delete":
            current = self.current_key() if tab == "keys-tab" else self.script_targets()
            return None if read_only or not current else True
        return True

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.table(TABLE_OF_TAB[self.active_tab()]).focus()
        self.refresh_bindings()

    def action_next_tab(self) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.active = TABS[(TABS.index(tabs.active) + 1) % len(TABS)]

    def action_mark_all(self) -> None:
        self.table("scripts").action_mark_all()

    # SSH keys

    def action_import_key(self) -> None:
        self._import_key()

    @work(group="key-action", exclusive=True)
    async def _import_key(self) -> None:
        services = self.services

        async def create(request: CreateSSHKeyRequest) -> SSHKeyResponse:
            response = await services.client.ssh_keys.create(request.name, request.public_key)
            services.engine.invalidate(Topic.SSH_KEYS)
            return response.ssh_key

        form = ImportKeyForm(create, taken_names={k.name for k in self.keys().values()})
        key = await self.app.push_screen_wait(form)
        if key is None:
            return
        self.select_later("keys", key.key_id)
        self.notify(f"SSH key {key.name} imported ({key.fingerprint})")

    def action_generate_key(self) -> None:
        self._generate_key()

    @work(group="key-action", exclusive=True)
    async def _generate_key(self) -> None:
        services = self.services

        async def create(request: CreateSSHKeyRequest) -> CreateSSHKeyResponse:
            response = await services.client.ssh_keys.create(request.name)
            services.engine.invalidate(Topic.SSH_KEYS)
            return response

        response = await self.app.push_screen_wait(
            GenerateKeyForm(create, taken_names={k.name for k in self.keys().values()})
        )
        if response is None:
            return
        key, secret = response.ssh_key, response.private_key
        del response  # the private key is held by the modal alone from here
        self.select_later("keys", key.key_id)
        if secret is None:
            self.notify(f"SSH key {key.name} was created but no private key came back", severity="warning")
            return
        await self.app.push_screen_wait(PrivateKeyScreen(key.name, secret, key.fingerprint))
        del secret

    # startup scripts

    def action_new_script(self) -> None:
        self._edit_script(None)

    def action_edit_script(self) -> None:
        script = self.current_script()
        if script is not None:
            self._edit_script(script)

    @on(ResourceTable.RowActivated, "#scripts")
    def _open_script(self) -> None:
        if self.check_action("edit_script", ()):
            self.action_edit_script()

    @work(group="script-action", exclusive=True)
    async def _edit_script(self, script: Script | None) -> None:
        services = self.services
        api = services.client.scripts

        async def save(request: CreateScriptRequest | UpdateScriptRequest) -> Script:
            if isinstance(request, CreateScriptRequest):
                saved = (await api.create(request.name, request.content, description=request.description)).script
            else:
                assert script is not None
                saved = (
                    await api.update(
                        script.script_id,
                        name=request.name,
                        content=request.content,
                        description=request.description,
                    )
                ).script
            services.engine.invalidate(Topic.SCRIPTS)
            return saved

        taken = {s.name for s in self.scripts().values()}
        saved = await self.app.push_screen_wait(ScriptForm(save, taken_names=taken, script=script))
        if saved is None:
            return
        self.select_later("scripts", saved.script_id)
        self.notify(f"Startup script {saved.name} {'saved' if script else 'created'}")

    # both tabs

    def action_delete(self) -> None:
        if self.active_tab() == "keys-tab":
            key = self.current_key()
            if key is not None:
                self._delete_key(key)
        else:
            scripts = self.script_targets()
            if scripts:
                self._delete_scripts(scripts)

    @work(group="key-action", exclusive=True)
    async def _delete_key(self, key: SSHKeyResponse) -> None:
        users = users_of(key, self.instances())
        if key.in_use or users:
            who = ", ".join(users) if users else "an instance"
            self.notify(
                f"SSH key {key.name} is used by {who}: a key in use cannot be deleted. "
                "Delete those instances first.",
                title="Cannot delete",
                severity="warning",
                timeout=8,
            )
            return
        services = self.services

        async def delete() -> str:
            await services.client.ssh_keys.delete(key.key_id)
            services.engine.invalidate(Topic.SSH_KEYS)
            return key.key_id

        note = (
            f"{key.key_id}, {key.key_type or 'key'} {key.fingerprint or ''}. New instances can no longer "
            "be deployed with it. Your copy of the private key is not affected."
        )
        form = ConfirmForm(f"Delete SSH key {key.name}?", delete, note=note, submit_label="Delete key")
        if await self.app.push_screen_wait(form):
            self.notify(f"SSH key {key.name} deleted")

    @work(group="script-action", exclusive=True)
    async def _delete_scripts(self, scripts: list[Script]) -> None:
        services = self.services
        api = services.client.scripts
        ids = [s.script_id for s in scripts]

        async def delete() -> BulkDeleteResponse | str:
            result: BulkDeleteResponse | str
            result = await api.delete_many(ids) if len(ids) > 1 else (await api.delete(ids[0])).script_id
            services.engine.invalidate(Topic.SCRIPTS)
            return result

        names = ", ".join(s.name for s in scripts[:6]) + (f" and {len(scripts) - 6} more" if len(scripts) > 6 else "")
        title = f"Delete startup script {scripts[0].name}?" if len(scripts) == 1 else f"Delete {len(scripts)} startup scripts?"
        note = f"{names}. Instances already deployed with them are not affected."
        result = await self.app.push_screen_wait(ConfirmForm(title, delete, note=note, submit_label="Delete"))
        if result is None:
            return
        self.table("scripts").clear_marks()
        if isinstance(result, str):
            self.notify(f"Startup script {scripts[0].name} deleted")
            return
        message = f"{len(result.deleted)} startup scripts deleted"
        if result.not_found:
            message += f"; {len(result.not_found)} were already gone"
        self.notify(message)

    def action_copy(self) -> None:
        if self.active_tab() == "keys-tab":
            key = self.current_key()
            if key is None or not key.public_key:
                return
            self.app.copy_to_clipboard(key.public_key)
            self.notify(f"Copied the public key of {key.name}")
            return
        script = self.current_script()
        if script is not None:
            self.app.copy_to_clipboard(script.script_id)
            self.notify(f"Copied {script.script_id}")

    def action_filter(self) -> None:
        self.query_one(FilterBox).open()
        self.refresh_bindings()

    def action_clear_filter(self) -> None:
        self.query_one(FilterBox).close()
        self.refresh_bindings()