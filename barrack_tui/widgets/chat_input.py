"""The chat's multi-line input: enter sends, ctrl+j (or shift+enter) starts a new line."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import TextArea

PLACEHOLDER = "Ask the assistant (enter sends · ctrl+j or shift+enter: new line)"


class ChatInput(TextArea):
    """A TextArea whose enter key submits.

    Terminals send the same byte for enter and shift+enter unless they speak
    the kitty keyboard protocol (Textual asks for it), so ctrl+j (a bare line
    feed, distinct from enter everywhere) is the newline key that always works.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: TextArea would otherwise take enter as a newline.
        Binding("enter", "submit", "Send", priority=True),
        Binding("ctrl+j,shift+enter", "newline", "New line"),
    ]

    class Submitted(Message):
        """Enter was pressed with some text; the input is cleared by the receiver."""

        def __init__(self, chat_input: ChatInput, text: str) -> None:
            super().__init__()
            self.chat_input = chat_input
            self.text = text

        @property
        def control(self) -> ChatInput:
            return self.chat_input

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(
            id=id,
            classes=classes,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            placeholder=PLACEHOLDER,
            compact=True,
            highlight_cursor_line=False,
        )

    def action_submit(self) -> None:
        if self.text.strip():
            self.post_message(self.Submitted(self, self.text))

    def action_newline(self) -> None:
        start, end = self.selection
        self.replace("\n", start, end, maintain_selection_offset=False)
