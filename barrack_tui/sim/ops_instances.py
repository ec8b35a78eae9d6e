"""Instances: list, details, the lifecycle actions, public IP and security rules.

The state table is simulator-rules.md's; an action from any other state is a
400 ``invalid_state`` naming the current state.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from barrack_tui.sim import assumed, billing, checks, fields, views
from barrack_tui.sim.call import Call, Handler, Reply, ok, paged
from barrack_tui.sim.errors import SimError, invalid_state
from barrack_tui.sim.model import Instance
from barrack_tui.sim.world import World


class Action(NamedTuple):
    verb: str
    allowed_from: frozenset[str]
    enters: str


ACTIONS: Final[dict[str, Action]] = {
    "start": Action("start", frozenset({"SHUTOFF"}), "STARTING"),
    "stop": Action("stop", frozenset({"ACTIVE"}), "STOPPING"),
    "reboot": Action("reboot", frozenset({"ACTIVE"}), "REBOOTING"),
    "hibernate": Action("hibernate", frozenset({"ACTIVE", "SHUTOFF"}), "HIBERNATING"),
    "restore": Action("restore", frozenset({"HIBERNATED"}), "RESTORING"),
    "delete": Action("delete", assumed.DELETABLE_FROM, "DELETING"),
}
_ORDER: Final = ("ACTIVE", "SHUTOFF", "HIBERNATED", "ERROR")


def _needs(allowed: frozenset[str]) -> str:
    names = [s for s in _ORDER if s in allowed]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def require_state(inst: Instance, allowed: frozenset[str], verb: str) -> None:
    if inst.status not in allowed:
        wait = " (wait for it to finish)" if inst.status in assumed.TRANSITIONAL else ""
        raise invalid_state(f"Instance {inst.instance_id} is {inst.status}{wait}; {verb} needs {_needs(allowed)}")


def act(world: World, inst: Instance, verb: str) -> str:
    """Run a lifecycle action; returns the state it left."""
    action = ACTIONS[verb]
    require_state(inst, action.allowed_from, verb)
    previous = inst.status
    if verb in ("start", "restore") and assumed.START_NEEDS_ONE_HOUR:
        if verb == "restore":
            checks.capacity(world, checks.gpu_model(inst.gpu_model), inst.region, inst.gpu_count)
        checks.one_hour(world, inst.full_rate, f"{verb} of {inst.vm_name}")
    if verb == "restore":
        world.take_gpus(inst)
    world.begin(inst, action.enters)
    return previous


def list_instances(world: World, call: Call) -> Reply:
    page, paging = paged(list(world.instances.values()), call)
    now = call.now
    return ok("Instances retrieved successfully", instances=views.user_vms_json(world, page, now), **paging)


def get_instance(world: World, call: Call) -> Reply:
    inst = checks.instance(world, call.params["instance_id"])
    return ok("Instance details retrieved successfully", instance=views.instance_detail(world, inst, call.now))


def delete_instance(world: World, call: Call) -> Reply:
    inst = checks.instance(world, call.params["instance_id"])
    act(world, inst, "delete")
    return ok(f"Instance {inst.vm_name} is being deleted", instance_id=inst.instance_id, status=inst.status)


def _action_handler(verb: str) -> Handler:
    def handler(world: World, call: Call) -> Reply:
        inst = checks.instance(world, call.params["instance_id"])
        previous = act(world, inst, verb)
        return ok(
            f"Instance {inst.vm_name}: {verb} accepted ({previous} -> {inst.status})",
            instance_id=inst.instance_id,
            status=inst.status,
            previous_status=previous,
        )

    handler.__name__ = f"{verb}_instance"
    return handler


def toggle_public_ip(world: World, call: Call) -> Reply:
    """Flips the public IP, or sets it when the body gives ``public_ip`` (undocumented body)."""
    inst = checks.instance(world, call.params["instance_id"])
    require_state(inst, frozenset({"ACTIVE"}), "toggle public IP")
    wanted = call.body.flag("public_ip", not inst.public_ip)
    if wanted and not inst.public_ip:
        inst.public_ip = True
        world.assign_public_ip(inst)
    elif not wanted and inst.public_ip:
        inst.public_ip = False
        if inst.ip_address:
            world.release_ip(inst.ip_address)
        inst.ip_address = None
    state = "on" if inst.public_ip else "off"
    return ok(
        f"Public IP of {inst.vm_name} is {state}",
        instance_id=inst.instance_id,
        public_ip=inst.public_ip,
        ip_address=inst.ip_address,
    )


def add_security_rule(world: World, call: Call) -> Reply:
    inst = checks.instance(world, call.params["instance_id"])
    if inst.status == "DELETING":
        raise invalid_state(f"Instance {inst.instance_id} is DELETING; rules cannot be added")
    (rule,) = fields.security_rules([call.body.data], world.ids)
    inst.security_rules.append(rule)
    return ok("Security rule added", instance_id=inst.instance_id, rule=views.rule(rule), tier=inst.tier)


def remove_security_rule(world: World, call: Call) -> Reply:
    inst = checks.instance(world, call.params["instance_id"])
    rule_id = call.params["rule_id"]
    rule = next((r for r in inst.security_rules if r.rule_id == rule_id), None)
    if rule is None:
        raise SimError(404, f"Security rule {rule_id} not found on instance {inst.instance_id}")
    inst.security_rules.remove(rule)
    return ok("Security rule removed", instance_id=inst.instance_id, rule_id=rule_id, tier=inst.tier)


def hibernated_count(world: World, call: Call) -> Reply:
    count = sum(1 for i in world.instances.values() if i.status == "HIBERNATED")
    return ok("Hibernated instances counted", count=count)


def instance_firewalls(world: World, call: Call) -> Reply:
    inst = checks.instance(world, call.params["instance_id"])
    firewalls = [
        views.attached_firewall(world.firewalls[f], inst.instance_id) for f in inst.firewall_ids if f in world.firewalls
    ]
    return ok("Attached firewalls retrieved", instance_id=inst.instance_id, firewalls=firewalls)


def snapshot_eligible(world: World, call: Call) -> Reply:
    eligible = [i for i in world.instances.values() if i.status == "ACTIVE" and i.tier == "legacy"]
    page, paging = paged(eligible, call)
    return ok(
        "Instances eligible for a snapshot (ACTIVE, legacy tier)",
        instances=views.user_vms_json(world, page, call.now),
        **paging,
    )


def instance_billing(world: World, call: Call) -> Reply:
    instance_id = call.params["instance_id"]
    inst = world.instances.get(instance_id) or world.past_instances.get(instance_id)
    if inst is None:
        raise SimError(404, f"Instance {instance_id} not found (and has no billing history)")
    return billing.instance_billing(world, inst, call)


HANDLERS = {
    "listInstances": list_instances,
    "getInstance": get_instance,
    "deleteInstance": delete_instance,
    "getInstanceBilling": instance_billing,
    "startInstance": _action_handler("start"),
    "stopInstance": _action_handler("stop"),
    "rebootInstance": _action_handler("reboot"),
    "hibernateInstance": _action_handler("hibernate"),
    "restoreInstance": _action_handler("restore"),
    "togglePublicIp": toggle_public_ip,
    "addInstanceSecurityRule": add_security_rule,
    "removeInstanceSecurityRule": remove_security_rule,
    "getHibernatedCount": hibernated_count,
    "getInstanceFirewalls": instance_firewalls,
    "listSnapshotEligibleInstances": snapshot_eligible,
}
