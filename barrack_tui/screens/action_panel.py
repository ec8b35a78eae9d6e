"""The "Actions" panel beside a resource list: what can be done to the
selection now, and for the rest, why not (a disabled key never goes unexplained)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TypeVar

from textual.content import Content

from barrack_tui.screens.instance_actions import READ_ONLY_REASON

A = TypeVar("A")


def actions_text(
    keys: Mapping[A, tuple[str, str]],
    reasons: Mapping[A, str | None],
    *,
    read_only: bool,
    unexplained: Collection[A] = (),
) -> Content:
    """The panel's text.

    ``keys`` maps each action to its (key, label) in display order, ``reasons``
    says why each is blocked (None: it is not). Blocked actions in
    ``unexplained`` are left out rather than listed with their reason.
    """
    lines: list[tuple[str, str]] = [("Actions\n", "bold")]
    if read_only:
        lines.append((f"{READ_ONLY_REASON}\n", "$warning"))
        return Content.assemble(*lines).rstrip()
    ready = [f"{key} {label.lower()}" for action, (key, label) in keys.items() if reasons[action] is None]
    if ready:
        lines.append(("✓ " + " · ".join(ready) + "\n", "$success"))
    for action, (key, label) in keys.items():
        reason = reasons[action]
        if reason is not None and action not in unexplained:
            lines.append((f"✗ {key} {label.lower()}: {reason}\n", "$text-muted"))
    return Content.assemble(*lines).rstrip()
