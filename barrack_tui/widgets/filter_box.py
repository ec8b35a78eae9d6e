"""The `/` filter of a list screen: hidden until opened, narrows its tables as you type."""

from __future__ import annotations

from textual.widgets import Input

from barrack_tui.widgets.resource_table import ResourceTable


class FilterBox(Input):
    """Filters every ``ResourceTable`` matching ``tables`` (a CSS selector) on its screen.

    Enter hands the focus back to the table that is showing; ``close`` clears
    the filter as well.
    """

    DEFAULT_CSS = """
    FilterBox {
        display: none;
        margin: 0 1;
    }
    """

    def __init__(self, placeholder: str, tables: str = "ResourceTable", *, id: str = "filter") -> None:
        super().__init__(placeholder=placeholder, id=id)
        self.tables = tables

    def _targets(self) -> list[ResourceTable]:
        return list(self.screen.query(self.tables).results(ResourceTable))

    def _home(self) -> None:
        """Focus the target table that is on screen (the active tab's, on tabbed screens)."""
        shown = next((table for table in self._targets() if table.region), None)
        if shown is not None:
            shown.focus()

    def open(self) -> None:
        self.display = True
        self.focus()

    def close(self) -> None:
        self.value = ""
        self.display = False
        self._home()

    def on_input_changed(self, event: Input.Changed) -> None:
        for table in self._targets():
            table.set_filter(event.value)

    def on_input_submitted(self) -> None:
        self._home()
