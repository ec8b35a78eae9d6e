"""Firewalls (guide rules): 25 per account, region-scoped, attach to ACTIVE instances only."""

from __future__ import annotations

from barrack_tui.catalog import FIREWALLS_PER_ACCOUNT
from barrack_tui.sim import checks, fields, ids, views
from barrack_tui.sim.call import Call, Reply, ok, paged
from barrack_tui.sim.errors import SimError, invalid, invalid_state
from barrack_tui.sim.model import Firewall, FirewallAttachment
from barrack_tui.sim.world import World


def list_firewalls(world: World, call: Call) -> Reply:
    page, paging = paged(list(world.firewalls.values()), call)
    return ok("Firewalls retrieved successfully", firewalls=[views.firewall(world, f) for f in page], **paging)


def create_firewall(world: World, call: Call) -> Reply:
    body = call.body
    name = fields.resource_name(body.req_text("name"), "Firewall")
    checks.name_free(any(f.name == name for f in world.firewalls.values()), "Firewall", name)
    region = body.req_text("region")
    checks.region(region)
    description = fields.description(body.text("description"))
    if len(world.firewalls) >= FIREWALLS_PER_ACCOUNT:
        raise invalid(f"This account already has {FIREWALLS_PER_ACCOUNT} firewalls, the most allowed: delete one first")
    rules = fields.security_rules(body.items("rules"), world.ids)
    fw = Firewall(world.ids.new(ids.FIREWALL), name, description, region, world.t, rules=rules)
    world.firewalls[fw.firewall_id] = fw
    return ok(f"Firewall {name} created", firewall=views.firewall(world, fw))


def get_firewall(world: World, call: Call) -> Reply:
    fw = checks.firewall(world, call.params["firewall_id"])
    return ok("Firewall details retrieved successfully", firewall=views.firewall(world, fw))


def delete_firewall(world: World, call: Call) -> Reply:
    fw = checks.firewall(world, call.params["firewall_id"])
    if fw.attachments:
        attached = ", ".join(a.instance_id for a in fw.attachments)
        raise invalid_state(
            f"Firewall {fw.name} is attached to {attached}; a firewall with attachments cannot be deleted"
        )
    del world.firewalls[fw.firewall_id]
    return ok(f"Firewall {fw.name} deleted", firewall_id=fw.firewall_id)


def attachable_instances(world: World, call: Call) -> Reply:
    region = call.query.text("region")
    if region is not None:
        checks.region(region)
    found = [
        {"instance_id": i.instance_id, "vm_name": i.vm_name, "region": i.region}
        for i in world.instances.values()
        if i.status == "ACTIVE" and (region is None or i.region == region)
    ]
    page, paging = paged(found, call)
    return ok("Instances available for firewall attachment", instances=list(page), **paging)


def add_rule(world: World, call: Call) -> Reply:
    fw = checks.firewall(world, call.params["firewall_id"])
    (rule,) = fields.security_rules([call.body.data], world.ids)
    fw.rules.append(rule)
    return ok(f"Rule added to firewall {fw.name}", firewall_id=fw.firewall_id, rule=views.rule(rule))


def remove_rule(world: World, call: Call) -> Reply:
    fw = checks.firewall(world, call.params["firewall_id"])
    rule_id = call.params["rule_id"]
    rule = next((r for r in fw.rules if r.rule_id == rule_id), None)
    if rule is None:
        raise SimError(404, f"Rule {rule_id} not found in firewall {fw.firewall_id}")
    fw.rules.remove(rule)
    return ok(f"Rule removed from firewall {fw.name}", firewall_id=fw.firewall_id, rule_id=rule_id)


def attach(world: World, call: Call) -> Reply:
    fw = checks.firewall(world, call.params["firewall_id"])
    instance_ids = list(dict.fromkeys(call.body.id_list("instance_ids", required=True)))
    instances = [checks.instance(world, i) for i in instance_ids]
    for inst in instances:
        if inst.status != "ACTIVE":
            raise invalid_state(f"Instance {inst.instance_id} is {inst.status}; attaching a firewall needs ACTIVE")
        if inst.region != fw.region:
            raise invalid(
                f"Instance {inst.instance_id} is in {inst.region} but firewall {fw.name} is in {fw.region}: "
                "firewalls attach only in their own region"
            )
    attach_to(world, fw, [i.instance_id for i in instances])
    return ok(
        f"Firewall {fw.name} attached to {len(instances)} instance(s)",
        firewall_id=fw.firewall_id,
        attachments=views.firewall(world, fw)["attachments"],
    )


def attach_to(world: World, fw: Firewall, instance_ids: list[str]) -> None:
    """Attach (already checked); attaching twice changes nothing."""
    attached = {a.instance_id for a in fw.attachments}
    for instance_id in instance_ids:
        if instance_id not in attached:
            fw.attachments.append(FirewallAttachment(instance_id))
            world.instances[instance_id].firewall_ids.append(fw.firewall_id)


HANDLERS = {
    "listFirewalls": list_firewalls,
    "createFirewall": create_firewall,
    "getFirewall": get_firewall,
    "deleteFirewall": delete_firewall,
    "listFirewallAttachableInstances": attachable_instances,
    "addFirewallRule": add_rule,
    "removeFirewallRule": remove_rule,
    "attachFirewall": attach,
}
