"""Instance states and which action is allowed from which state.

From the "VM States & Billing" guide; the allowed-from matrix itself is not
documented, so this mirrors the simulator's rules (simulator-rules.md). The
console uses it to enable only the actions that make sense for a row.
"""

from __future__ import annotations

from enum import Enum
from typing import Final


class Action(Enum):
    START = "start"
    STOP = "stop"
    REBOOT = "reboot"
    HIBERNATE = "hibernate"
    RESTORE = "restore"
    TOGGLE_IP = "toggle_public_ip"
    DELETE = "delete"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS: Final = {
    Action.START: "Start",
    Action.STOP: "Stop",
    Action.REBOOT: "Reboot",
    Action.HIBERNATE: "Hibernate",
    Action.RESTORE: "Restore",
    Action.TOGGLE_IP: "Toggle public IP",
    Action.DELETE: "Delete",
}

STABLE: Final[frozenset[str]] = frozenset({"ACTIVE", "SHUTOFF", "HIBERNATED", "ERROR"})
TRANSITIONAL: Final[frozenset[str]] = frozenset(
    {"CREATING", "BUILD", "STARTING", "STOPPING", "HIBERNATING", "RESTORING", "REBOOTING", "DELETING"}
)

ALLOWED_FROM: Final[dict[Action, frozenset[str]]] = {
    Action.START: frozenset({"SHUTOFF"}),
    Action.STOP: frozenset({"ACTIVE"}),
    Action.REBOOT: frozenset({"ACTIVE"}),
    Action.HIBERNATE: frozenset({"ACTIVE", "SHUTOFF"}),
    Action.RESTORE: frozenset({"HIBERNATED"}),
    Action.TOGGLE_IP: frozenset({"ACTIVE"}),
    Action.DELETE: STABLE,
}

# The state an accepted action moves the instance into, shown at once.
ENTERS: Final[dict[Action, str]] = {
    Action.START: "STARTING",
    Action.STOP: "STOPPING",
    Action.REBOOT: "REBOOTING",
    Action.HIBERNATE: "HIBERNATING",
    Action.RESTORE: "RESTORING",
    Action.DELETE: "DELETING",
}

# States billed at the full rate (guide): everything else bills storage only,
# plus the flat hibernation rate while HIBERNATED.
FULL_RATE: Final[frozenset[str]] = frozenset({"ACTIVE", "SHUTOFF"})


def is_transitional(status: str) -> bool:
    return status.upper() in TRANSITIONAL


def allowed(action: Action, status: str) -> bool:
    return status.upper() in ALLOWED_FROM[action]


def why_not(action: Action, status: str) -> str | None:
    """None when ``action`` is allowed from ``status``, else the reason to show."""
    if allowed(action, status):
        return None
    needs = " or ".join(sorted(ALLOWED_FROM[action]))
    if is_transitional(status):
        return f"{action.label} is unavailable while the instance is {status}"
    return f"{action.label} needs {needs}; the instance is {status}"
