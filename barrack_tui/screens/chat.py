"""The chat mode: saved conversations, the chat itself, and what the AI has cost."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, ContentSwitcher, Footer, Label, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from barrack_tui.chat_store import ChatStoreError, ConversationInfo
from barrack_tui.live.engine import TopicUpdate
from barrack_tui.live.topics import Topic
from barrack_tui.resources import style_path
from barrack_tui.screens.base import LiveScreen
from barrack_tui.widgets.account_bar import AccountBar
from barrack_tui.widgets.chat_panel import ChatPanel, app_closing
from barrack_tui.widgets.chat_usage import (
    UsagePlot,
    UsageView,
    daily_usage,
    totals_text,
)
from barrack_tui.widgets.mode_bar import ModeBar


def conversation_option(info: ConversationInfo) -> Option:
    label = Text(info.title, style="bold", no_wrap=True, overflow="ellipsis")
    count = f"{info.turns} message{'s' if info.turns != 1 else ''}"
    label.append(f"\n{info.updated_at:%d %b %H:%M} · {count}", style="dim")
    return Option(label, id=info.id)


class ConfirmDeleteChat(ModalScreen[bool]):
    """Deleting a conversation cannot be undone, so it asks first."""

    CSS_PATH = style_path("chat.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(False)", "Cancel")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.conversation_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Delete this conversation?", id="title")
            yield Static(self.conversation_title, markup=False, id="which")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Delete", id="delete", variant="error")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "delete")


class ChatScreen(LiveScreen):
    """Conversations on the left with the AI usage; the chat (or the usage detail) on the right."""

    CSS_PATH = style_path("chat.tcss")
    TOPICS: ClassVar = (Topic.AI_USAGE,)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+l", "focus_conversations", "Chats"),
        Binding("ctrl+g", "toggle_usage", "Usage"),
        Binding("delete", "delete_conversation", "Delete chat", key_display="del"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._titles: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield AccountBar(id="account-bar")
        yield ModeBar("chat", id="mode-bar")
        with Horizontal(id="chat-body"):
            with Vertical(id="chat-sidebar"):
                yield Label("Conversations", classes="chat-section")
                yield OptionList(id="chat-conversations")
                yield Label("AI usage", classes="chat-section")
                yield Static("Loading…", id="chat-usage-totals", markup=False)
                yield UsagePlot(id="chat-usage-plot")
            with ContentSwitcher(initial="chat-panel", id="chat-main"):
                yield ChatPanel(id="chat-panel")
                yield UsageView(id="chat-usage")
        yield Footer()

    def on_mount(self) -> None:
        # LiveScreen.on_mount runs too (Textual calls every class's handler).
        if app_closing(self):
            return  # quit while the screen was mounting: its widgets are gone, or never came
        self.panel.focus_input()
        self.reload_conversations()

    def on_screen_resume(self, _: events.ScreenResume) -> None:
        # The side-pane chat may have saved conversations while this was hidden.
        if self.is_mounted:
            self.reload_conversations()

    @property
    def panel(self) -> ChatPanel:
        return self.query_one("#chat-panel", ChatPanel)

    @property
    def conversations(self) -> OptionList:
        return self.query_one("#chat-conversations", OptionList)

    # -- AI usage ---------------------------------------------------------------

    def apply_update(self, update: TopicUpdate) -> None:
        state = update.state
        view = self.query_one(UsageView)
        totals = self.query_one("#chat-usage-totals", Static)
        if state.data is None:
            if state.error is not None:
                totals.update(f"Could not load AI usage: {state.error}")
                view.show_error(state.error)
            return
        history, summary = state.data
        stale = f"\n(not refreshed: {state.error})" if state.error is not None else ""
        totals.update(totals_text(summary) + stale)
        self.query_one(UsagePlot).show(daily_usage(history.transactions, self.services.now()))
        view.show(history, summary)

    def action_toggle_usage(self) -> None:
        switcher = self.query_one(ContentSwitcher)
        if switcher.current == "chat-usage":
            switcher.current = "chat-panel"
            self.panel.focus_input()
        else:
            switcher.current = "chat-usage"
            self.query_one("#usage-history").focus()
            self.services.engine.invalidate(Topic.AI_USAGE)

    # -- conversations ----------------------------------------------------------

    @work(exclusive=True, group="chat-list")
    async def reload_conversations(self) -> None:
        # A worker starts a moment later, and reads in a thread: the app may have
        # begun to quit meanwhile (say right after a reply was saved). This worker
        # is cancelled only once the screen unmounts, after its widgets are removed.
        if app_closing(self):
            return
        store = self.panel.store
        try:
            infos = await asyncio.to_thread(store.conversations)
        except OSError as error:
            self.notify(f"Cannot list saved conversations: {error}", severity="error")
            return
        if app_closing(self):
            return
        self._show_conversations(infos)

    def _show_conversations(self, infos: Sequence[ConversationInfo]) -> None:
        self._titles = {info.id: info.title for info in infos}
        options = self.conversations
        options.set_options(conversation_option(info) for info in infos)
        self._highlight(self.panel.conversation.id)

    def _highlight(self, conversation_id: str) -> None:
        options = self.conversations
        try:
            options.highlighted = options.get_option_index(conversation_id)
        except OptionDoesNotExist:  # a new conversation is not saved until its first question
            options.highlighted = None

    def action_focus_conversations(self) -> None:
        options = self.conversations
        if options.highlighted is None and options.option_count:
            options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#chat-conversations")
    def _open(self, event: OptionList.OptionSelected) -> None:
        if event.option_id is not None and event.option_id != self.panel.conversation.id:
            self.panel.open_conversation(event.option_id)
        self.query_one(ContentSwitcher).current = "chat-panel"
        self.panel.focus_input()

    @on(ChatPanel.ConversationSaved)
    def _saved(self) -> None:
        self.reload_conversations()

    @on(ChatPanel.ConversationChanged)
    def _changed(self, event: ChatPanel.ConversationChanged) -> None:
        self._highlight(event.conversation_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete_conversation" and self.is_mounted:
            return self.focused is self.conversations and self.conversations.highlighted is not None
        return True

    @work(group="chat-delete")
    async def action_delete_conversation(self) -> None:
        options = self.conversations
        if options.highlighted is None:
            return
        conversation_id = options.get_option_at_index(options.highlighted).id
        if conversation_id is None:
            return
        if not await self.app.push_screen_wait(ConfirmDeleteChat(self._titles.get(conversation_id, ""))):
            return
        try:
            await asyncio.to_thread(self.panel.store.delete, conversation_id)
        except ChatStoreError as error:
            self.notify(str(error), severity="error")
            return
        if conversation_id == self.panel.conversation.id:
            self.panel.new_conversation()
        self.reload_conversations()
        options.focus()
