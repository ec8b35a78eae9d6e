"""Small modal forms for account resources, checked inline, that send their own request.

Why the form sends the request itself instead of returning what was typed:
when the server refuses it (a name already taken, a balance too low, a rule
the console did not know), the form stays open with every value as typed and
shows the server's status and message above its buttons. Only a success
closes it, and the caller receives the server's answer.

A subclass lists its field ids in ``FIELDS``, composes each with
:func:`field_row` (the input widget's id is the field id), says what is wrong
in :meth:`ResourceForm.problems` and builds the request in
:meth:`ResourceForm.build`. Problems show under a field once the user has
changed it, and under every field after a first attempt to submit; nothing is
sent while any remains.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from pathlib import PurePath
from typing import ClassVar, Generic, Literal, TypeAlias, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    OptionList,
    Select,
    SelectionList,
    Static,
)

from barrack_tui.api.errors import AmbiguousOutcomeError, BarrackError
from barrack_tui.resources import style_path

RequestT = TypeVar("RequestT")
ResultT = TypeVar("ResultT")
ButtonVariant = Literal["default", "primary", "success", "warning", "error"]
# A screen's CSS_PATH made of several stylesheets (the list form Textual accepts).
CssPaths: TypeAlias = list[str | PurePath]

AMBIGUOUS_HINT = "The server may have done it anyway: the list refreshes now, check it before trying again."


def field_row(name: str, label: str, widget: Widget) -> Iterator[Widget]:
    """A labelled field and the line under it where its problem shows.

    ``widget.id`` must be ``name``: problems and values are looked up by it.
    """
    if widget.id != name:
        raise ValueError(f"the widget of field {name!r} must have id {name!r} (has {widget.id!r})")
    yield Horizontal(Label(label, classes="field-label"), widget, id=f"{name}-row", classes="field-row")
    error = Label("", id=f"{name}-error", classes="field-error")
    error.display = False
    yield error


def field_value(widget: Widget) -> object:
    """The current value of any widget a form uses as a field."""
    if isinstance(widget, (Input, Select, Checkbox)):
        return widget.value
    if isinstance(widget, SelectionList):
        return tuple(widget.selected)
    if isinstance(widget, OptionList):
        option = widget.highlighted_option
        return option.id if option is not None else None
    raise TypeError(f"{type(widget).__name__} is not a form field")


class ResourceForm(ModalScreen[ResultT | None], Generic[RequestT, ResultT]):
    """A modal form that validates, sends one request, and closes only on success.

    ``submit`` performs the request (and asks the engine to refresh what it
    changed); a :class:`BarrackError` it raises is shown in the form.
    """

    CSS_PATH = style_path("resource_forms.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    FIELDS: ClassVar[tuple[str, ...]] = ()
    SUBMIT_VARIANT: ClassVar[ButtonVariant] = "primary"

    def __init__(
        self,
        title: str,
        submit: Callable[[RequestT], Awaitable[ResultT]],
        *,
        submit_label: str = "Save",
        busy_label: str = "Sending…",
        submit_variant: ButtonVariant | None = None,
    ) -> None:
        super().__init__()
        self.form_title = title
        self.submit_label = submit_label
        self.submit_variant: ButtonVariant = submit_variant or self.SUBMIT_VARIANT
        self.busy_label = busy_label
        self._submit = submit
        self._pristine: dict[str, object] = {}
        self._ready = False
        self._revealed = False
        self._busy = False

    # -- what subclasses provide ----------------------------------------------

    @property
    def field_names(self) -> tuple[str, ...]:
        """The ids of the fields, in the order they show (``FIELDS`` unless overridden)."""
        return self.FIELDS

    def compose_body(self) -> ComposeResult:
        """The fields (use :func:`field_row`) and any explanatory lines."""
        yield from ()

    def problems(self) -> Mapping[str, str]:
        """Field id -> what is wrong with it; empty when the form can be sent.

        The key ``""`` is a problem of the whole form (shown above the buttons).
        """
        return {}

    def build(self) -> RequestT:
        """The request, from fields that have no problems."""
        raise NotImplementedError

    def preview(self) -> str | Text:
        """A line under the fields that follows the values (e.g. the new $/h)."""
        return ""

    def values_changed(self) -> None:
        """Called on mount and on every change, before the checks (e.g. to narrow
        one field's options by another)."""

    def ready(self) -> None:
        """Called once the form is mounted and checked (focus, initial messages).

        A hook rather than ``on_mount``: Textual calls every class's
        ``on_mount`` along the MRO, so subclasses must not define their own.
        """

    # -- the form -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.form_title, id="title")
            yield from self.compose_body()
            yield Static("", id="preview")
            yield Static("", id="form-error")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(self.submit_label, id="submit", variant=self.submit_variant)

    def on_mount(self) -> None:
        self.query_one("#form-error").display = False
        self.values_changed()
        self._pristine = {name: self.value(name) for name in self.field_names}
        self._ready = True
        self.refresh_form()
        fields = (self.query_one(f"#{name}") for name in self.field_names)
        first = next((widget for widget in fields if widget.focusable), None)
        (first or self.query_one("#submit")).focus()
        self.ready()

    def value(self, name: str) -> object:
        return field_value(self.query_one(f"#{name}"))

    def text(self, name: str) -> str:
        value = self.value(name)
        return "" if value is None or value is Select.NULL else str(value)

    @property
    def busy(self) -> bool:
        return self._busy

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(SelectionList.SelectedChanged)
    @on(OptionList.OptionHighlighted)
    def _changed(self) -> None:
        if self._ready:
            self.refresh_form()

    def refresh_form(self) -> Mapping[str, str]:
        """Re-check every field, show the problems due, update the preview."""
        self.values_changed()
        problems = self.problems()
        for name in self.field_names:
            message = problems.get(name, "")
            shown = message if self._revealed or self.value(name) != self._pristine.get(name) else ""
            error = self.query_one(f"#{name}-error", Label)
            error.update(shown)
            error.display = bool(shown)
            self.query_one(f"#{name}").set_class(bool(shown), "-invalid")
        self.query_one("#preview", Static).update(self.preview())
        if self._revealed and "" in problems:
            self.show_error(problems[""])
        return problems

    def show_error(self, message: str | Text) -> None:
        box = self.query_one("#form-error", Static)
        box.update(message)
        box.display = bool(message)

    @on(Button.Pressed, "#submit")
    @on(Input.Submitted)
    def action_submit(self) -> None:
        if self._busy:
            return
        self._revealed = True
        problems = self.refresh_form()
        if problems:
            first = next((name for name in self.field_names if name in problems), None)
            if first is not None:
                self.query_one(f"#{first}").focus()
            return
        self._send(self.build())

    @work(group="resource-form", exclusive=True)
    async def _send(self, request: RequestT) -> None:
        self._set_busy(True)
        try:
            result = await self._submit(request)
        except BarrackError as error:
            self._set_busy(False)
            message = f"✖ {error}"
            if isinstance(error, AmbiguousOutcomeError):
                message += f"\n{AMBIGUOUS_HINT}"
            self.show_error(message)
            return
        self.dismiss(result)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        button = self.query_one("#submit", Button)
        button.disabled = busy
        button.label = self.busy_label if busy else self.submit_label
        if busy:
            self.show_error("")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A request in flight is not abandoned half-way: wait for its answer.
        if action == "cancel":
            return not self._busy
        return True

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self._busy:
            self.dismiss(None)


class ConfirmForm(ResourceForm[None, ResultT]):
    """Asks before a destructive request; with ``phrase``, the user types it first."""

    SUBMIT_VARIANT: ClassVar[ButtonVariant] = "error"

    def __init__(
        self,
        title: str,
        action: Callable[[], Awaitable[ResultT]],
        *,
        note: str | Text = "",
        phrase: str | None = None,
        submit_label: str = "Delete",
        busy_label: str = "Working…",
        submit_variant: ButtonVariant | None = None,
    ) -> None:
        async def run(_: None) -> ResultT:
            return await action()

        super().__init__(
            title, run, submit_label=submit_label, busy_label=busy_label, submit_variant=submit_variant
        )
        self.note = note
        self.phrase = phrase

    @property
    def field_names(self) -> tuple[str, ...]:
        return ("typed",) if self.phrase is not None else ()

    def compose_body(self) -> ComposeResult:
        if self.note:
            yield Static(self.note, id="note")
        if self.phrase is not None:
            yield from field_row("typed", "Type the name", Input(placeholder=self.phrase, id="typed"))

    def ready(self) -> None:
        if self.phrase is None:
            self.query_one("#cancel").focus()

    def problems(self) -> Mapping[str, str]:
        if self.phrase is not None and self.text("typed") != self.phrase:
            return {"typed": f"Type {self.phrase} exactly to confirm"}
        return {}

    def build(self) -> None:
        return None
