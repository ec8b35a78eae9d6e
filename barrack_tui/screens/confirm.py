"""Confirm an action on instances, showing what it does to the bill."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from barrack_tui.format import rate
from barrack_tui.lifecycle import Action
from barrack_tui.live.costs import CostEffect
from barrack_tui.resources import style_path

if TYPE_CHECKING:
    from barrack_tui.api.models import UserVM


def delete_phrase(vms: Sequence[UserVM]) -> str:
    """What the user must type to delete: the name, or the count for several."""
    return vms[0].vm_name if len(vms) == 1 else f"delete {len(vms)}"


class ConfirmActionScreen(ModalScreen[bool]):
    """Stop, hibernate and delete ask first. Delete asks for the name typed out."""

    CSS_PATH = style_path("confirm.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, action: Action, vms: Sequence[UserVM], cost: CostEffect) -> None:
        super().__init__()
        self.action_kind = action
        self.vms = list(vms)
        self.cost = cost

    def compose(self) -> ComposeResult:
        currency = self.vms[0].currency if self.vms else "USD"
        names = ", ".join(vm.vm_name for vm in self.vms[:6])
        if len(self.vms) > 6:
            names += f" and {len(self.vms) - 6} more"
        with Vertical(id="dialog"):
            yield Label(f"{self.action_kind.label} {names}?", id="title")
            yield Static(self.cost.note, id="note")
            with Horizontal(id="money"):
                yield Static(f"Saves [b]{rate(self.cost.saves_per_hour, currency)}[/b]", id="saves")
                yield Static(f"Keeps costing [b]{rate(self.cost.keeps_per_hour, currency)}[/b]", id="keeps")
            if self.action_kind is Action.DELETE:
                phrase = delete_phrase(self.vms)
                yield Label(f"Type [b]{phrase}[/b] to confirm:", id="type-prompt")
                yield Input(placeholder=phrase, id="typed")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(
                    self.action_kind.label,
                    id="confirm",
                    variant="error" if self.action_kind is Action.DELETE else "warning",
                    disabled=self.action_kind is Action.DELETE,
                )

    def on_mount(self) -> None:
        target = "#typed" if self.action_kind is Action.DELETE else "#cancel"
        self.query_one(target).focus()

    @on(Input.Changed, "#typed")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#confirm", Button).disabled = event.value != delete_phrase(self.vms)

    @on(Input.Submitted, "#typed")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value == delete_phrase(self.vms):
            self.dismiss(True)

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
