"""Running lifecycle actions on instances: confirm, call the API, show the transition.

Shared by the instances table and the details screen. Must run inside a worker
(confirmation uses ``push_screen_wait``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from barrack_tui.api.errors import BarrackError
from barrack_tui.lifecycle import ENTERS, Action, allowed, why_not
from barrack_tui.live.costs import effect
from barrack_tui.live.topics import Topic

if TYPE_CHECKING:
    from barrack_tui.api.models import UserVM
    from barrack_tui.app import BarrackApp

NEEDS_CONFIRMATION = frozenset({Action.STOP, Action.HIBERNATE, Action.DELETE})
READ_ONLY_REASON = "Read-only mode: actions are disabled (started with --read-only)"


def blocked_reason(app: BarrackApp, action: Action, vms: Sequence[UserVM]) -> str | None:
    """Why ``action`` cannot run on any of ``vms`` now, or None when it can."""
    if app.services is not None and app.services.read_only:
        return READ_ONLY_REASON
    if not vms:
        return "No instance selected"
    if any(allowed(action, vm.status) for vm in vms):
        return None
    return why_not(action, vms[0].status)


async def _call(app: BarrackApp, action: Action, instance_id: str) -> Any:
    api = app.services.client.instances  # type: ignore[union-attr]
    calls = {
        Action.START: api.start,
        Action.STOP: api.stop,
        Action.REBOOT: api.reboot,
        Action.HIBERNATE: api.hibernate,
        Action.RESTORE: api.restore,
        Action.TOGGLE_IP: api.toggle_public_ip,
        Action.DELETE: api.delete,
    }
    return await calls[action](instance_id)


async def run_action(app: BarrackApp, action: Action, vms: Sequence[UserVM]) -> int:
    """Confirm if needed, then run ``action`` on every instance that allows it.

    Returns how many requests succeeded. Errors become toasts naming the
    instance, the status and the server's message; nothing is raised.
    """
    reason = blocked_reason(app, action, vms)
    if reason is not None:
        app.notify(reason, severity="warning")
        return 0
    services = app.services
    assert services is not None
    targets = [vm for vm in vms if allowed(action, vm.status)]
    skipped = len(vms) - len(targets)
    if action in NEEDS_CONFIRMATION:
        # Loaded on first use: the dialog's widgets are not needed to show the instances.
        from barrack_tui.screens.confirm import ConfirmActionScreen

        confirmed = await app.push_screen_wait(ConfirmActionScreen(action, targets, effect(action, targets)))
        if not confirmed:
            return 0
    done = 0
    for vm in targets:
        try:
            response = await _call(app, action, vm.instance_id)
        except BarrackError as error:
            app.notify(f"{action.label} {vm.vm_name} failed: {error}", severity="error", timeout=8)
            continue
        done += 1
        services.engine.patch(Topic.INSTANCES, vm.instance_id, _optimistic(action, response))
    if done:
        noun = targets[0].vm_name if len(targets) == 1 else f"{done} instances"
        app.notify(f"{action.label}: {noun}" + (f" ({skipped} skipped: not in a valid state)" if skipped else ""))
    services.engine.invalidate(Topic.INSTANCES, Topic.BALANCE)
    return done


def _optimistic(action: Action, response: Any) -> Any:
    """How the cached row changes at once, before the next poll confirms it."""

    def update(vm: UserVM) -> UserVM:
        if action is Action.TOGGLE_IP:
            return vm.model_copy(update={"public_ip": response.public_ip, "ip_address": response.ip_address})
        return vm.model_copy(update={"status": getattr(response, "status", None) or ENTERS[action]})

    return update
