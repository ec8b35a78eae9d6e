"""The AI chat: model picker, streaming transcript, input, opt-in account context.

Self-contained, so it works as the chat mode's main area and as a side pane
beside a table. The host may pass ``context_provider``: a callable returning a
short description of what the user has selected (see
:func:`barrack_tui.chat_context.describe_instance`), or None.

Replies are text only. Nothing in a reply is ever run: an action the assistant
suggests is done by the user through the normal UI.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, ClassVar, Final

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.message import Message
from textual.message_pump import MessagePump
from textual.widget import Widget
from textual.widgets import Checkbox, Select, Static
from textual.worker import Worker, WorkerCancelled, WorkerFailed, WorkerState

from barrack_tui.api.errors import (
    AmbiguousOutcomeError,
    BarrackConnectionError,
    BarrackError,
    BarrackTimeoutError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    StreamInterruptedError,
)
from barrack_tui.chat_context import account_summary, system_message
from barrack_tui.chat_store import (
    ChatStore,
    ChatStoreError,
    Conversation,
    Turn,
    new_conversation,
)
from barrack_tui.live.topics import Topic
from barrack_tui.widgets.chat_input import ChatInput
from barrack_tui.widgets.chat_message import (
    CANCELLED,
    ChatMessageView,
    ReplyWriter,
    last_code_block,
)

if TYPE_CHECKING:
    from barrack_tui.app import BarrackApp
    from barrack_tui.services import Services

ContextProvider = Callable[[], str | None]

DEFAULT_PROFILE: Final = "default"
INTRO: Final = (
    "Ask about your instances, what they cost, the cheapest GPUs in stock, or how to connect.\n"
    "Replies are text only: the assistant never acts on your account. "
    "Turn on the context (ctrl+t) to share the selected resource and an account summary."
)
IDLE_STATUS: Final = "Replies are text only; any action they suggest is yours to run."
CONTEXT_OFF: Final = "Context off: only what you type is sent."


def outcome_of(error: BaseException) -> str:
    """The marker that ends a reply which did not finish, naming the problem."""
    if isinstance(error, StreamInterruptedError):
        return f"interrupted: {error}"
    if isinstance(error, AmbiguousOutcomeError):
        # Its own text speaks of resources to refresh; for a chat it means this.
        cause = type(error.__cause__).__name__ if error.__cause__ is not None else "no answer"
        return f"connection lost before the reply started ({cause}); the question may still be billed"
    if isinstance(error, RateLimitError):
        wait = f"; retry in {error.retry_after:g} s" if error.retry_after else ""
        return f"rate limited: {error}{wait}"
    if isinstance(error, ServerError):
        return f"server error: {error}"
    if isinstance(error, ResponseValidationError):
        return f"malformed reply: {error}"
    if isinstance(error, BarrackTimeoutError):
        return f"timed out: {error}"
    if isinstance(error, BarrackConnectionError):
        return f"connection failed: {error}"
    if isinstance(error, BarrackError):
        return f"error: {error}"
    return f"unexpected error: {type(error).__name__}: {error}"


def app_closing(node: MessagePump) -> bool:
    """True once the app is quitting, when its widgets are being removed, children first.

    A handler or worker that runs then may find children gone, or never
    composed (Textual mounts nothing once the app is told to exit). The app is
    told to exit (``is_attached`` turns False), then shuts down (``is_running``
    turns False); a test's ``run_test`` ends with the shutdown alone.
    """
    return not (node.is_attached and node.app.is_running)


class ChatPanel(Widget):
    """Chat with the Barrack assistant; conversations are saved per profile."""

    DEFAULT_CSS = """
    ChatPanel {
        layout: vertical;
        width: 1fr;
        height: 1fr;
    }
    ChatPanel > #chat-header {
        height: 1;
        margin: 0 1;
    }
    ChatPanel #chat-model {
        width: 1fr;
    }
    ChatPanel #chat-context {
        width: auto;
        margin-left: 2;
    }
    ChatPanel > #chat-context-preview {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    ChatPanel > #chat-transcript {
        height: 1fr;
        border-top: hkey $primary 30%;
    }
    ChatPanel #chat-empty {
        padding: 1 2;
        color: $text-muted;
    }
    ChatPanel > #chat-status {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    ChatPanel > #chat-status.-busy {
        color: $accent;
    }
    ChatPanel > ChatInput {
        height: auto;
        min-height: 2;
        max-height: 8;
        border-top: hkey $primary 40%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority so it works from the input, where ctrl+x is "cut"; when no
        # reply is streaming check_action passes the key on to the input.
        Binding("ctrl+x", "cancel", "Cancel reply", priority=True),
        Binding("escape", "escape", "Cancel reply / leave the input", show=False),
        Binding("ctrl+n", "new_conversation", "New chat"),
        Binding("ctrl+t", "toggle_context", "Context"),
        Binding("ctrl+r", "copy_reply", "Copy reply"),
        Binding("ctrl+b", "copy_code", "Copy code"),
    ]

    FLUSH_INTERVAL: ClassVar[float] = 0.05
    """At least this many seconds between two renders of a streaming reply (see :class:`ReplyWriter`)."""
    YIELD_EVERY: ClassVar[float] = 0.01
    """At most this long (seconds) reading a stream before the event loop gets a turn."""

    class ConversationChanged(Message):
        """Another conversation (or a new, empty one) is now shown."""

        def __init__(self, panel: ChatPanel, conversation_id: str) -> None:
            super().__init__()
            self.panel = panel
            self.conversation_id = conversation_id

        @property
        def control(self) -> ChatPanel:
            return self.panel

    class ConversationSaved(Message):
        """A conversation was written to disk (after a question, after a reply)."""

        def __init__(self, panel: ChatPanel, conversation_id: str) -> None:
            super().__init__()
            self.panel = panel
            self.conversation_id = conversation_id

        @property
        def control(self) -> ChatPanel:
            return self.panel

    class ReplyFinished(Message):
        """A reply ended; ``outcome`` is None when it completed, else its marker text."""

        def __init__(self, panel: ChatPanel, conversation_id: str, outcome: str | None) -> None:
            super().__init__()
            self.panel = panel
            self.conversation_id = conversation_id
            self.outcome = outcome

        @property
        def control(self) -> ChatPanel:
            return self.panel

    def __init__(
        self,
        context_provider: ContextProvider | None = None,
        *,
        store: ChatStore | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.context_provider = context_provider
        self._store = store
        self._conversation: Conversation | None = None
        self._stream_worker: Worker[None] | None = None
        self._streaming = False
        self._receiving = False
        self._models: list[str] = []

    # -- composition ------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="chat-header"):
            yield Select[str]([], prompt="Loading models…", id="chat-model", compact=True)
            yield Checkbox("Share context", False, id="chat-context", compact=True)
        yield Static(CONTEXT_OFF, id="chat-context-preview", markup=False)
        with VerticalScroll(id="chat-transcript"):
            yield Static(INTRO, id="chat-empty", markup=False)
        yield Static(IDLE_STATUS, id="chat-status", markup=False)
        yield ChatInput(id="chat-input")

    def on_mount(self) -> None:
        if app_closing(self):
            # The app began to quit while the panel was mounting: its children
            # are gone, or never came, and there is nothing to set up.
            return
        self.conversation = new_conversation(self.services.now())
        self.transcript.anchor()
        self.refresh_context()
        self._load_models()

    # -- public API -------------------------------------------------------------

    @property
    def services(self) -> Services:
        from barrack_tui.app import BarrackApp

        app = self.app
        assert isinstance(app, BarrackApp) and app.services is not None, "the chat needs a connected app"
        return app.services

    @property
    def store(self) -> ChatStore:
        """Where conversations are saved: the given store, else the profile's."""
        if self._store is None:
            self._store = ChatStore.for_profile(self._profile())
        return self._store

    @property
    def conversation(self) -> Conversation:
        assert self._conversation is not None, "set on mount"
        return self._conversation

    @conversation.setter
    def conversation(self, conversation: Conversation) -> None:
        self._conversation = conversation

    @property
    def streaming(self) -> bool:
        """True from sending a question until its reply is fully shown and saved."""
        return self._streaming

    @property
    def transcript(self) -> VerticalScroll:
        return self.query_one("#chat-transcript", VerticalScroll)

    @property
    def input(self) -> ChatInput:
        return self.query_one(ChatInput)

    @property
    def context_enabled(self) -> bool:
        return self.query_one("#chat-context", Checkbox).value

    @context_enabled.setter
    def context_enabled(self, enabled: bool) -> None:
        self.query_one("#chat-context", Checkbox).value = enabled

    def focus_input(self) -> None:
        if app_closing(self):
            return  # hosts call this after a refresh, which may come once the app is quitting
        self.input.focus()

    def send(self, text: str) -> bool:
        """Ask ``text`` in the current conversation; False (with a notice) when it cannot be sent now."""
        if not text.strip():
            return False
        if self._streaming:
            self.notify("A reply is still being written: ctrl+x cancels it", severity="warning")
            return False
        model = self.selected_model
        if model is None:
            self.notify("No AI model to ask: the model list has not loaded", severity="warning")
            return False
        conversation = self.conversation
        question = Turn("user", text, self.services.now(), with_context=self.context_enabled)
        conversation.turns.append(question)
        conversation.updated_at = question.at
        conversation.model = model
        reply_view = ChatMessageView(Turn("assistant", "", question.at, model=model))
        self.query_one("#chat-empty").display = False
        mounted = self.transcript.mount_all([ChatMessageView(question), reply_view])
        self.transcript.anchor()
        self._streaming = self._receiving = True
        self._set_status("Waiting for the assistant… (ctrl+x cancels)", busy=True)
        self.refresh_bindings()
        self._stream_worker = self._stream_reply(conversation, question, model, reply_view, mounted)
        return True

    def cancel(self) -> None:
        """Stop the reply in flight: the HTTP stream is closed, the partial reply kept.

        Once the whole reply has arrived there is nothing to cancel: what is
        left is showing it, which takes a moment after a very fast stream."""
        if self._receiving and self._stream_worker is not None:
            self._stream_worker.cancel()

    def new_conversation(self) -> None:
        """Start an empty conversation (a reply in flight is cancelled first)."""
        self._switch(None)

    def open_conversation(self, conversation_id: str) -> None:
        """Show a saved conversation (a reply in flight is cancelled first)."""
        self._switch(conversation_id)

    def refresh_context(self) -> None:
        """Re-read the context provider, e.g. after the host's selection moved."""
        preview = self.query_one("#chat-context-preview", Static)
        if not self.context_enabled:
            preview.update(CONTEXT_OFF)
            preview.tooltip = None
            return
        resource = self._resource_description()
        account = account_summary(self.services.engine)
        first = resource.strip().splitlines()[0] if resource and resource.strip() else "no resource selected"
        preview.update(f"Context on: {first} + account summary")
        preview.tooltip = system_message(resource, account)

    @property
    def selected_model(self) -> str | None:
        value = self.query_one("#chat-model", Select).value
        return value if isinstance(value, str) else None

    # -- actions ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            # False (not None) hides the key and lets ctrl+x reach the input as "cut".
            return self._receiving
        return True

    def action_cancel(self) -> None:
        self.cancel()

    def action_escape(self) -> None:
        """Cancel the reply in flight; otherwise leave the input, so single-key
        shortcuts (the mode keys 1-7) work again."""
        if self._receiving:
            self.cancel()
        elif self.input.has_focus:
            self.transcript.focus()

    def action_new_conversation(self) -> None:
        self.new_conversation()

    def action_toggle_context(self) -> None:
        self.context_enabled = not self.context_enabled

    def action_copy_reply(self) -> None:
        reply = self._last_reply()
        if reply is None:
            self.notify("No reply to copy yet", severity="warning")
            return
        self.app.copy_to_clipboard(reply)
        self.notify(f"Copied the last reply ({len(reply):,} characters)")

    def action_copy_code(self) -> None:
        reply = self._last_reply()
        code = last_code_block(reply) if reply is not None else None
        if code is None:
            self.notify("The last reply has no code block", severity="warning")
            return
        self.app.copy_to_clipboard(code)
        lines = code.count("\n") + (not code.endswith("\n"))
        self.notify(f"Copied the last code block ({lines} line{'s' if lines != 1 else ''})")

    # -- events -----------------------------------------------------------------

    @on(ChatInput.Submitted)
    def _submitted(self, event: ChatInput.Submitted) -> None:
        event.stop()
        if self.send(event.text):
            event.chat_input.clear()

    @on(Checkbox.Changed, "#chat-context")
    def _context_toggled(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.refresh_context()
        if event.value:
            self._prefetch_stock()

    @on(Select.Changed, "#chat-model")
    def _model_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str):
            self.conversation.model = event.value

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A safety net: if the stream worker ended without its own clean-up
        # (cancelled before it started), the panel must not stay "busy".
        finished = (WorkerState.CANCELLED, WorkerState.ERROR, WorkerState.SUCCESS)
        if event.worker is self._stream_worker and event.state in finished and self._streaming:
            self._streaming = self._receiving = False
            self._show_state(IDLE_STATUS)

    # -- the reply --------------------------------------------------------------

    @work(exclusive=True, group="chat-stream")
    async def _stream_reply(
        self,
        conversation: Conversation,
        question: Turn,
        model: str,
        reply_view: ChatMessageView,
        mounted: Awaitable[None],
    ) -> None:
        services = self.services
        parts: list[str] = []
        outcome: str | None = None
        cancelled = False
        writer: ReplyWriter | None = None
        first_save: asyncio.Future[None] | None = None
        try:
            await mounted
            writer = ReplyWriter(reply_view, self.FLUSH_INTERVAL)
            messages = conversation.api_messages()
            if question.with_context:
                messages.insert(0, {"role": "system", "content": await self._context_message()})
            # Keep the question even if the app dies mid-reply; written while we wait.
            first_save = asyncio.ensure_future(asyncio.to_thread(self.store.save, conversation.snapshot()))
            loop = asyncio.get_running_loop()
            async with services.client.ai.chat_stream(model, messages) as stream:
                yielded = loop.time()
                async for delta in stream:
                    if not parts:
                        self._set_status("Answering… (ctrl+x cancels)", busy=True)
                    parts.append(delta)
                    writer.write(delta)
                    # Buffered chunks are parsed without suspending: give the
                    # loop back now and then, or a fast stream freezes the UI.
                    if loop.time() - yielded > self.YIELD_EVERY:
                        await asyncio.sleep(0)
                        yielded = loop.time()
        except asyncio.CancelledError:
            outcome, cancelled = CANCELLED, True
        except BarrackError as error:
            outcome = outcome_of(error)
        except Exception as error:  # never let a reply crash the console
            self.log.error(f"chat stream failed: {error!r}")
            outcome = outcome_of(error)
        self._receiving = False
        self._show_state()
        reply = Turn("assistant", "".join(parts), services.now(), model=model, outcome=outcome)
        conversation.turns.append(reply)
        conversation.updated_at = reply.at
        await self._finish_reply(conversation, reply, reply_view, writer, first_save)
        if cancelled:
            raise asyncio.CancelledError

    async def _finish_reply(
        self,
        conversation: Conversation,
        reply: Turn,
        view: ChatMessageView,
        writer: ReplyWriter | None,
        first_save: asyncio.Future[None] | None,
    ) -> None:
        """Render what is left, show the marker, save; each step survives the others failing.

        Cancelled while rendering (the app is closing, another conversation is
        opened), it stops rendering but still saves, then lets the cancellation on.
        """
        interrupted = False
        try:
            if writer is not None:
                await writer.close()
            view.turn = reply
            view.show_outcome(reply.outcome)
        except asyncio.CancelledError:
            interrupted = True
        except Exception as error:  # the panel may be going away (app exit)
            self.log.warning(f"chat: could not finish rendering the reply: {error!r}")
        self._streaming = False
        self._show_state(IDLE_STATUS)
        if first_save is not None:
            try:
                await first_save
            except ChatStoreError:
                pass  # the save below reports the same problem
        await self._save(conversation)
        self.services.engine.invalidate(Topic.AI_USAGE)
        self.post_message(self.ReplyFinished(self, conversation.id, reply.outcome))
        if interrupted:
            raise asyncio.CancelledError

    async def _save(self, conversation: Conversation) -> None:
        try:
            await asyncio.to_thread(self.store.save, conversation.snapshot())
        except ChatStoreError as error:
            self.notify(f"The conversation was not saved: {error}", severity="error")
            return
        self.post_message(self.ConversationSaved(self, conversation.id))

    async def _context_message(self) -> str:
        engine = self.services.engine
        if not engine.states[Topic.STOCKS].loaded or engine.seconds_until(Topic.STOCKS) == 0:
            await engine.refresh(Topic.STOCKS)
        return system_message(self._resource_description(), account_summary(engine))

    def _resource_description(self) -> str | None:
        if self.context_provider is None:
            return None
        try:
            return self.context_provider()
        except Exception as error:  # the host's provider must not break the chat
            self.log.error(f"chat context provider failed: {error!r}")
            return None

    @work(group="chat-stock", exclusive=True)
    async def _prefetch_stock(self) -> None:
        """Fetch GPU stock once the user opts in, so the first question does not wait for it."""
        engine = self.services.engine
        if not engine.states[Topic.STOCKS].loaded:
            await engine.refresh(Topic.STOCKS)
            self.refresh_context()

    # -- conversations ----------------------------------------------------------

    @work(exclusive=True, group="chat-open")
    async def _switch(self, conversation_id: str | None) -> None:
        await self._stop_streaming()
        if conversation_id is None:
            conversation = new_conversation(self.services.now(), self.selected_model)
        else:
            try:
                conversation = await asyncio.to_thread(self.store.load, conversation_id)
            except ChatStoreError as error:
                self.notify(f"Cannot open the conversation: {error}", severity="error")
                return
        await self._show_conversation(conversation)
        self.post_message(self.ConversationChanged(self, conversation.id))

    async def _stop_streaming(self) -> None:
        worker = self._stream_worker
        if worker is None or worker.state not in (WorkerState.PENDING, WorkerState.RUNNING):
            return
        worker.cancel()
        try:
            await worker.wait()
        except (WorkerCancelled, WorkerFailed):
            pass

    async def _show_conversation(self, conversation: Conversation) -> None:
        self.conversation = conversation
        transcript = self.transcript
        with self.app.batch_update():
            await transcript.query(ChatMessageView).remove()
            self.query_one("#chat-empty").display = not conversation.turns
            await transcript.mount_all(ChatMessageView(turn) for turn in conversation.turns)
        if conversation.model in self._models:
            self.query_one("#chat-model", Select).value = conversation.model
        elif self.selected_model is not None:
            conversation.model = self.selected_model
        transcript.anchor()

    # -- models -----------------------------------------------------------------

    @work(group="chat-models", exclusive=True)
    async def _load_models(self) -> None:
        select: Select[str] = self.query_one("#chat-model", Select)
        try:
            response = await self.services.client.ai.models()
        except BarrackError as error:
            if app_closing(self):
                return  # the app quit during the request (see below)
            select.prompt = "No models"
            self._set_status(f"Could not list the AI models: {error}")
            return
        if app_closing(self):
            # The app quit during the request: this worker is cancelled only
            # once the panel unmounts, after the Select's parts are removed.
            return
        self._models = [model.id for model in response.data]
        select.set_options((model, model) for model in self._models)
        wanted = self.conversation.model
        choice = wanted if wanted in self._models else (self._models[0] if self._models else None)
        if choice is not None:
            select.value = choice
            self.conversation.model = choice
        else:
            select.prompt = "No models"

    # -- helpers ----------------------------------------------------------------

    def _last_reply(self) -> str | None:
        return next((t.content for t in reversed(self.conversation.turns) if t.role == "assistant" and t.content), None)

    def _show_state(self, status: str | None = None) -> None:
        """Update the status line and the keys shown; a no-op once the app is closing."""
        try:
            if status is not None:
                self._set_status(status)
            self.refresh_bindings()
        except (NoScreen, NoMatches):
            pass

    def _set_status(self, text: str, busy: bool = False) -> None:
        status = self.query_one("#chat-status", Static)
        status.update(text)
        status.set_class(busy, "-busy")

    def _profile(self) -> str:
        app: BarrackApp = self.app  # type: ignore[assignment]
        return app.launch.profile
