"""Every key on every screen, generated from the bindings themselves."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from barrack_tui.resources import style_path


def bindings_of(node: type[DOMNode]) -> Iterable[Binding]:
    for item in node.BINDINGS:
        if isinstance(item, Binding):
            yield item
        elif isinstance(item, tuple):
            yield Binding(*item)


def key_label(binding: Binding) -> str:
    return binding.key_display or binding.key.replace("question_mark", "?").replace("slash", "/")


def help_sections() -> list[tuple[str, type[DOMNode]]]:
    """(title, class) for every place that declares keys."""
    from barrack_tui.app import BarrackApp
    from barrack_tui.screens.deploy import DeployScreen
    from barrack_tui.screens.instance_details import InstanceDetailsScreen
    from barrack_tui.widgets.chat_input import ChatInput
    from barrack_tui.widgets.chat_panel import ChatPanel
    from barrack_tui.widgets.resource_table import ResourceTable

    sections: list[tuple[str, type[DOMNode]]] = [("Everywhere", BarrackApp)]
    for title, screen in BarrackApp.mode_screen_classes():
        sections.append((title, screen))
    sections.append(("Instance details", InstanceDetailsScreen))
    sections.append(("Deploy form", DeployScreen))
    sections.append(("AI chat and assistant pane", ChatPanel))
    sections.append(("Chat input", ChatInput))
    sections.append(("Any table", ResourceTable))
    return sections


class HelpScreen(ModalScreen[None]):
    CSS_PATH = style_path("help.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close"),
        Binding("question_mark", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Label("Keys", id="title")
            for title, node in help_sections():
                table = Table(title=title, title_justify="left", show_header=False, expand=True, box=None)
                table.add_column("key", style="bold", width=10, no_wrap=True)
                table.add_column("what", ratio=1)
                seen: set[str] = set()
                for binding in bindings_of(node):
                    key = key_label(binding)
                    if key in seen or not binding.description:
                        continue
                    seen.add(key)
                    table.add_row(key, binding.description)
                yield Static(table, classes="section")
            yield Static("ctrl+p opens the command palette: screens, actions, instances by name or id, themes.")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
