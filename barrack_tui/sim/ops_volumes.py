"""Volumes (guide rules): sizes, types per tier, attach/detach preconditions, grow-only resize."""

from __future__ import annotations

from barrack_tui.catalog import VOLUME_MAX_GB
from barrack_tui.sim import assumed, billing, checks, fields, views
from barrack_tui.sim.call import Call, Reply, ok, paged
from barrack_tui.sim.errors import insufficient_credits, invalid, invalid_state
from barrack_tui.sim.model import Instance, Volume
from barrack_tui.sim.ops_deploy import image_os, volume_size, volume_type
from barrack_tui.sim.ops_instances import require_state
from barrack_tui.sim.world import World

_ACTIVE = frozenset({"ACTIVE"})


def _min_balance(world: World) -> None:
    if world.balance < assumed.VOLUME_MIN_BALANCE:
        raise insufficient_credits(world.balance, world.currency, assumed.VOLUME_MIN_BALANCE, "a new volume")


def _free_name(world: World, name: str) -> str:
    fields.resource_name(name, "Volume")
    checks.name_free(name in world.volume_names, "Volume", name)
    return name


def list_volumes(world: World, call: Call) -> Reply:
    region = call.query.text("region")
    vols = [v for v in world.volumes.values() if region is None or v.region == region]
    page, paging = paged(vols, call)
    return ok("Volumes retrieved successfully", volumes=[views.volume(v) for v in page], **paging)


def create_volume(world: World, call: Call) -> Reply:
    body = call.body
    name = _free_name(world, body.req_text("name"))
    region = body.req_text("region")
    tier = checks.region(region)
    size = volume_size(body.req_number("size"))
    vtype = volume_type(tier, body.text("volume_type"))
    bootable = body.flag("bootable", False)
    image_name = body.text("image_name")
    if bootable:
        if image_name is None:
            raise invalid("A bootable volume needs image_name: the OS image to install on it")
        image_os(world, image_name, region)
    _min_balance(world)
    vol = world.add_volume(
        name=name,
        size_gb=size,
        volume_type=vtype,
        region=region,
        bootable=bootable,
        image_name=image_name,
        creating_seconds=assumed.VOLUME_CREATE_SECONDS,
    )
    return ok(f"Volume {name} is being created", volume=views.volume(vol))


def get_volume(world: World, call: Call) -> Reply:
    vol = checks.volume(world, call.params["volume_id"])
    return ok("Volume details retrieved successfully", volume=views.volume(vol))


def delete_volume(world: World, call: Call) -> Reply:
    vol = checks.volume(world, call.params["volume_id"])
    if vol.attached_to is not None:
        raise invalid_state(f"Volume {vol.volume_id} ({vol.name}) is attached to {vol.attached_to}; detach it first")
    world.remove_volume(vol)
    return ok(f"Volume {vol.name} deleted", volume_id=vol.volume_id)


def resize_volume(world: World, call: Call) -> Reply:
    vol = checks.volume(world, call.params["volume_id"])
    size = call.body.req_number("size")
    if size <= vol.size_gb:
        raise invalid(f"Volume {vol.volume_id} is {vol.size_gb} GB; a resize can only grow it (asked {size} GB)")
    if size > VOLUME_MAX_GB:
        raise invalid(f"Volume size {size} GB is above the maximum of {VOLUME_MAX_GB:,} GB")
    world.resize_volume(vol, size)
    return ok(f"Volume {vol.name} resized to {size} GB", volume=views.volume(vol))


def clone_volume(world: World, call: Call) -> Reply:
    source = checks.volume(world, call.params["volume_id"])
    name = _free_name(world, call.body.req_text("name"))
    if source.status == "creating":
        raise invalid_state(f"Volume {source.volume_id} is still being created; clone it once it is available")
    _min_balance(world)
    clone = world.add_volume(
        name=name,
        size_gb=source.size_gb,
        volume_type=source.volume_type,
        region=source.region,
        bootable=source.bootable,
        image_name=source.image_name,
        creating_seconds=assumed.VOLUME_CREATE_SECONDS,
    )
    return ok(f"Volume {source.name} is being cloned to {name}", volume=views.volume(clone))


def _check_attach(vol: Volume, inst: Instance) -> None:
    if vol.region != inst.region:
        raise invalid(
            f"Volume {vol.volume_id} ({vol.name}) is in {vol.region} but instance {inst.instance_id} "
            f"is in {inst.region}: volumes attach only in their own region"
        )
    if vol.attached_to is not None:
        raise invalid_state(f"Volume {vol.volume_id} ({vol.name}) is already attached to {vol.attached_to}")
    if vol.status != "available":
        raise invalid_state(f"Volume {vol.volume_id} ({vol.name}) is {vol.status}; it must be available")


def attach_volumes(world: World, call: Call) -> Reply:
    inst = checks.instance(world, call.params["instance_id"])
    require_state(inst, _ACTIVE, "attaching volumes")
    volume_ids = call.body.id_list("volume_ids", required=True)
    vols = [checks.volume(world, v) for v in dict.fromkeys(volume_ids)]
    for vol in vols:
        _check_attach(vol, inst)
    for vol in vols:
        world.attach_volume(vol, inst)
    return ok(
        f"{len(vols)} volume(s) attached to {inst.vm_name}",
        instance_id=inst.instance_id,
        attached=[v.volume_id for v in vols],
    )


def detach_volumes(world: World, call: Call) -> Reply:
    inst = checks.instance(world, call.params["instance_id"])
    require_state(inst, _ACTIVE, "detaching volumes")
    volume_ids = call.body.id_list("volume_ids", required=True)
    vols = [checks.volume(world, v) for v in dict.fromkeys(volume_ids)]
    for vol in vols:
        if vol.attached_to != inst.instance_id:
            raise invalid(f"Volume {vol.volume_id} ({vol.name}) is not attached to instance {inst.instance_id}")
        if vol.is_boot:
            raise invalid(
                f"Volume {vol.volume_id} ({vol.name}) is the boot volume of {inst.vm_name}; it cannot be detached"
            )
    for vol in vols:
        world.detach_volume(vol, inst)
    return ok(
        f"{len(vols)} volume(s) detached from {inst.vm_name}",
        instance_id=inst.instance_id,
        detached=[v.volume_id for v in vols],
    )


def volume_billing(world: World, call: Call) -> Reply:
    return billing.volume_billing(world, call)


HANDLERS = {
    "listVolumes": list_volumes,
    "createVolume": create_volume,
    "getVolume": get_volume,
    "deleteVolume": delete_volume,
    "resizeVolume": resize_volume,
    "cloneVolume": clone_volume,
    "attachVolumes": attach_volumes,
    "detachVolumes": detach_volumes,
    "getVolumeBilling": volume_billing,
}
