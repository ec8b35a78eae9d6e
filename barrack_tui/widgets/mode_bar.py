"""The row of mode keys under the account bar, with the current mode highlighted."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class ModeBar(Static):
    """``1 Instances  2 Volumes …``: every area is one key away."""

    def __init__(self, current: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.current = current

    def on_mount(self) -> None:
        from barrack_tui.app import MODE_INFO

        parts: list[str | tuple[str, str]] = []
        for mode in MODE_INFO:
            active = mode.name == self.current
            parts.append((f" {mode.key} ", "bold $accent" if not active else "bold reverse $accent"))
            parts.append((f"{mode.title} ", "bold $foreground" if active else "$text-muted"))
        self.update(Content.assemble(*parts))
