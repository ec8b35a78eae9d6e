"""Snapshots (legacy tier only, of ACTIVE instances) and the custom images made from them."""

from __future__ import annotations

from barrack_tui.catalog import NAME_MAX_LEN
from barrack_tui.sim import billing, checks, fields, views
from barrack_tui.sim.call import Call, Reply, ok, paged
from barrack_tui.sim.errors import invalid, invalid_state
from barrack_tui.sim.model import Image, Instance, Snapshot
from barrack_tui.sim.ops_deploy import Plan, execute
from barrack_tui.sim.world import World


def take_snapshot(world: World, inst: Instance, name: str, description: str = "") -> Snapshot:
    fields.resource_name(name, "Snapshot")
    checks.name_free(any(s.name == name for s in world.snapshots.values()), "Snapshot", name)
    if inst.tier != "legacy":
        raise invalid(
            f"Instance {inst.instance_id} is on the {inst.tier} tier; snapshots are available on the legacy tier only"
        )
    if inst.status != "ACTIVE":
        raise invalid_state(f"Instance {inst.instance_id} is {inst.status}; a snapshot needs ACTIVE")
    return world.add_snapshot(inst, name, fields.description(description))


def _restorable(snap: Snapshot, what: str) -> None:
    if snap.status != "SUCCESS":
        raise invalid_state(f"Snapshot {snap.snapshot_id} is {snap.status}; {what} needs SUCCESS")


def restore(world: World, snap: Snapshot, instance_name: str | None, ssh_ref: str | None) -> Instance:
    """A new instance (new IPs) in the snapshot's region, named ``<snapshot>-restored`` by default."""
    _restorable(snap, "a restore")
    if instance_name is None:
        base = f"{snap.name}-restored"[:NAME_MAX_LEN]
        instance_name, n = base, 2
        while instance_name in world.instance_names:
            suffix = f"-{n}"
            instance_name = base[: NAME_MAX_LEN - len(suffix)] + suffix
            n += 1
    else:
        fields.resource_name(instance_name, "Instance")
        checks.name_free(instance_name in world.instance_names, "Instance", instance_name)
    key_id = checks.ssh_key(world, ssh_ref).key_id if ssh_ref else snap.ssh_key_id
    if key_id is not None and key_id not in world.ssh_keys:
        key_id = None
    info = checks.gpu_model(snap.gpu_model)
    plan = Plan(
        info=info,
        gpu_count=snap.gpu_count,
        region=snap.region,
        tier=snap.tier,
        vm_name=instance_name,
        public_ip=True,
        operating_system=snap.operating_system,
        ssh_key_id=key_id,
    )
    checks.capacity(world, info, snap.region, snap.gpu_count)
    checks.one_hour(world, plan.hourly_rate(world), "the restored instance")
    return execute(world, plan)


def list_snapshots(world: World, call: Call) -> Reply:
    page, paging = paged(list(world.snapshots.values()), call)
    return ok("Snapshots retrieved successfully", snapshots=[views.snapshot(s) for s in page], **paging)


def create_snapshot(world: World, call: Call) -> Reply:
    body = call.body
    inst = checks.instance(world, body.req_text("instance_id"))
    snap = take_snapshot(world, inst, body.req_text("name"), body.text("description") or "")
    return ok(f"Snapshot {snap.name} of {inst.vm_name} is being created", snapshot=views.snapshot(snap))


def get_snapshot(world: World, call: Call) -> Reply:
    snap = checks.snapshot(world, call.params["snapshot_id"])
    return ok("Snapshot details retrieved successfully", snapshot=views.snapshot(snap))


def delete_snapshot(world: World, call: Call) -> Reply:
    snap = checks.snapshot(world, call.params["snapshot_id"])
    world.remove_snapshot(snap)
    return ok(f"Snapshot {snap.name} deleted (images made from it are kept)", snapshot_id=snap.snapshot_id)


def restore_snapshot(world: World, call: Call) -> Reply:
    snap = checks.snapshot(world, call.params["snapshot_id"])
    inst = restore(world, snap, call.body.text("instance_name"), call.body.text("ssh_key"))
    return ok(
        f"Snapshot {snap.name} is being restored as {inst.vm_name}", instance=views.user_vm(world, inst, call.now)
    )


def snapshot_billing(world: World, call: Call) -> Reply:
    return billing.snapshot_billing(world, call)


# ------------------------------------------------------------------ images


def make_image(world: World, snap: Snapshot, name: str, description: str = "") -> Image:
    _restorable(snap, "making an image")
    fields.resource_name(name, "Image")
    taken = any(i.name == name for i in world.images.values()) or any(o.name == name for o in world.os_images)
    checks.name_free(taken, "Image", name)
    if snap.image_id is not None:
        raise invalid(f"Snapshot {snap.snapshot_id} already has image {snap.image_id}")
    return world.add_image(snap, name, fields.description(description))


def list_images(world: World, call: Call) -> Reply:
    page, paging = paged(list(world.images.values()), call)
    return ok("Custom images retrieved successfully", images=[views.image(i) for i in page], **paging)


def get_image(world: World, call: Call) -> Reply:
    return ok("Image details retrieved successfully", image=views.image(checks.image(world, call.params["image_id"])))


def delete_image(world: World, call: Call) -> Reply:
    image = checks.image(world, call.params["image_id"])
    world.remove_image(image)
    return ok(f"Image {image.name} deleted", image_id=image.image_id)


def create_image(world: World, call: Call) -> Reply:
    snap = checks.snapshot(world, call.params["snapshot_id"])
    image = make_image(world, snap, call.body.req_text("name"), call.body.text("description") or "")
    return ok(f"Image {image.name} is being created from snapshot {snap.name}", image=views.image(image))


def image_of_snapshot(world: World, call: Call) -> Reply:
    snap = checks.snapshot(world, call.params["snapshot_id"])
    image = world.images.get(snap.image_id) if snap.image_id else None
    return ok(
        "Snapshot-image relationship retrieved",
        snapshot_id=snap.snapshot_id,
        image_id=image.image_id if image else None,
        image=views.image(image) if image else None,
    )


def snapshot_of_image(world: World, call: Call) -> Reply:
    image = checks.image(world, call.params["image_id"])
    snap = world.snapshots.get(image.snapshot_id) if image.snapshot_id else None
    return ok(
        "Snapshot-image relationship retrieved",
        image_id=image.image_id,
        snapshot_id=snap.snapshot_id if snap else None,
        snapshot=views.snapshot(snap) if snap else None,
    )


HANDLERS = {
    "listSnapshots": list_snapshots,
    "createSnapshot": create_snapshot,
    "getSnapshot": get_snapshot,
    "deleteSnapshot": delete_snapshot,
    "restoreSnapshot": restore_snapshot,
    "getSnapshotBilling": snapshot_billing,
    "listCustomImages": list_images,
    "getImage": get_image,
    "deleteImage": delete_image,
    "createImageFromSnapshot": create_image,
    "getSnapshotImageRelationshipBySnapshot": image_of_snapshot,
    "getSnapshotImageRelationshipByImage": snapshot_of_image,
}
