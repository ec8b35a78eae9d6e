"""POST /deploy-server/: the seed's rules, in the order the server checks them.

Body shape, boot sources and the 201 example come from the seed page; the
order of the checks is ours: the request itself (400/404/413), then GPU
stock (503), then credit (402), "before deploying" as the seed says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from barrack_tui.catalog import (
    CLOUD_INIT_MAX_BYTES,
    OS_VOLUME_TYPE,
    VOLUME_MAX_GB,
    VOLUME_MIN_GB,
    VOLUME_PRICES,
    GpuModelInfo,
    Tier,
)
from barrack_tui.sim import assumed, checks, fields, views
from barrack_tui.sim.call import Call, Reply, ok
from barrack_tui.sim.clock import iso
from barrack_tui.sim.errors import SimError, invalid, too_large
from barrack_tui.sim.fields import Fields
from barrack_tui.sim.model import Instance, Volume
from barrack_tui.sim.world import World

# Short model names for generated instance names, like the seed's "barrack-h100s-xyz".
_SHORT: Final[dict[str, str]] = {
    "RTX-A6000": "a6000",
    "L40": "l40",
    "A100-PCIe-80GB": "a100",
    "H100-PCIe-80GB": "h100p",
    "H100-PCIe-NVLink-80GB": "h100nv",
    "H100-SXM5-80GB": "h100s",
    "H200-141GB": "h200",
    "B200-180GB": "b200",
    "B300-262GB": "b300",
}


@dataclass(slots=True)
class _NewVolume:
    name: str
    size_gb: int
    volume_type: str


@dataclass(slots=True)
class Plan:
    """A checked deploy request, ready to become an instance."""

    info: GpuModelInfo
    gpu_count: int
    region: str
    tier: Tier
    vm_name: str
    public_ip: bool
    operating_system: str
    ssh_key_id: str | None
    image_name: str | None = None
    boot_volume: Volume | None = None
    os_volume_gb: int = assumed.DEFAULT_OS_VOLUME_GB
    existing: list[Volume] = field(default_factory=list)
    new_volumes: list[_NewVolume] = field(default_factory=list)
    script_id: str | None = None
    cloud_init: str | None = None
    rules: list[dict[str, object]] = field(default_factory=list)

    def hourly_rate(self, world: World) -> float:
        """The seed's total_hourly_rate: GPUs + OS volume + data volumes."""
        gpu = world.gpu_price(self.info.name) * self.gpu_count
        if self.boot_volume is not None:
            os_rate = self.boot_volume.hourly_rate
        else:
            os_rate = world.volume_rate(self.tier, OS_VOLUME_TYPE[self.tier], self.os_volume_gb)
        data = sum(v.hourly_rate for v in self.existing)
        data += sum(world.volume_rate(self.tier, v.volume_type, v.size_gb) for v in self.new_volumes)
        return gpu + os_rate + data


def plan(world: World, body: Fields) -> Plan:
    """Every check of the deploy request, without changing the world."""
    info = checks.gpu_model(body.req_text("gpu_model"))
    region = body.req_text("region")
    checks.model_in_region(info, region)
    count = body.req_number("gpu_count")
    checks.gpu_count(info, count)
    tier = info.tier

    name = body.text("instance_name")
    if name is None:
        vm_name = generated_name(world, info.name)
    else:
        vm_name = fields.resource_name(name, "Instance")
        checks.name_free(vm_name in world.instance_names, "Instance", vm_name)

    cloud_init = body.text("cloud_init")
    if cloud_init is not None and len(cloud_init.encode()) > CLOUD_INIT_MAX_BYTES:
        raise too_large(
            f"cloud_init is {len(cloud_init.encode()):,} bytes; the limit is {CLOUD_INIT_MAX_BYTES:,} bytes (16 KB)"
        )

    ssh_ref = body.text("ssh_key")
    p = Plan(
        info=info,
        gpu_count=count,
        region=region,
        tier=tier,
        vm_name=vm_name,
        public_ip=body.flag("public_ip", assumed.DEFAULT_PUBLIC_IP),
        operating_system="",
        ssh_key_id=None,
        cloud_init=cloud_init,
    )
    if body.flag("boot_from_volume", False):
        _volume_boot(world, body, p)
    else:
        if body.has("volume_id"):
            raise invalid(
                "volume_id is given but boot_from_volume is false: set boot_from_volume to true to boot from it"
            )
        _image_boot(world, body, p)
    if ssh_ref is not None:
        p.ssh_key_id = checks.ssh_key(world, ssh_ref).key_id

    claimed = {p.boot_volume.volume_id} if p.boot_volume else set()
    for volume_id in body.id_list("existing_volumes"):
        vol = checks.volume(world, volume_id)
        if vol.volume_id in claimed:
            raise invalid(f"Volume {volume_id} is listed twice")
        _attachable(vol, region)
        claimed.add(vol.volume_id)
        p.existing.append(vol)

    new_names: set[str] = set()
    for raw in body.items("volumes"):
        if not isinstance(raw, dict):
            raise invalid("Each entry of 'volumes' must be an object {name, size, volume_type}")
        spec = Fields(raw, "volumes")
        vol_name = fields.resource_name(spec.req_text("name"), "Volume")
        checks.name_free(vol_name in world.volume_names or vol_name in new_names, "Volume", vol_name)
        new_names.add(vol_name)
        size = volume_size(spec.req_number("size"))
        vol_type = volume_type(tier, spec.text("volume_type"))
        p.new_volumes.append(_NewVolume(vol_name, size, vol_type))

    script_id = body.text("script_id")
    if script_id is not None:
        p.script_id = checks.script(world, script_id).script_id

    raw_rules = body.items("security_rules")
    for raw in raw_rules:
        fields.security_rule(raw, "")  # checked now, given ids when created
    p.rules = list(raw_rules)

    checks.capacity(world, info, region, count)
    checks.one_hour(world, p.hourly_rate(world), "this instance")
    return p


def _image_boot(world: World, body: Fields, p: Plan) -> None:
    image_name = body.text("image_name")
    if image_name is None:
        raise invalid("Image-based deploy needs image_name and ssh_key (or boot_from_volume with volume_id)")
    if not body.has("ssh_key"):
        raise invalid("Image-based deploy needs ssh_key: the name or id of one of your SSH keys")
    p.image_name = image_name
    p.operating_system = image_os(world, image_name, p.region)
    size = body.sub("os_volume").number("size", default=assumed.DEFAULT_OS_VOLUME_GB)
    assert size is not None
    p.os_volume_gb = volume_size(size, "os_volume.size")


def _volume_boot(world: World, body: Fields, p: Plan) -> None:
    volume_id = body.text("volume_id")
    if volume_id is None:
        raise invalid("Volume boot needs volume_id: the id of a bootable volume in the region")
    vol = checks.volume(world, volume_id)
    if not vol.bootable:
        raise invalid(f"Volume {vol.volume_id} ({vol.name}) is not bootable: create it with bootable and an image")
    _attachable(vol, p.region)
    p.boot_volume = vol
    p.image_name = vol.image_name
    p.operating_system = _os_description(world, vol.image_name) or f"Booted from volume {vol.name}"


def _attachable(vol: Volume, region: str) -> None:
    if vol.region != region:
        raise invalid(
            f"Volume {vol.volume_id} ({vol.name}) is in {vol.region}, not {region}: volumes attach in their own region"
        )
    if vol.attached_to is not None:
        raise invalid(f"Volume {vol.volume_id} ({vol.name}) is already attached to {vol.attached_to}")
    if vol.status != "available":
        raise invalid(f"Volume {vol.volume_id} ({vol.name}) is {vol.status}; it must be available")


def image_os(world: World, image_name: str, region: str) -> str:
    """The operating system of an OS image or custom image usable in ``region``."""
    for os_image in world.os_images:
        if os_image.name == image_name:
            if region not in os_image.regions:
                raise invalid(f"Image {image_name} is not offered in {region} (only {', '.join(os_image.regions)})")
            return os_image.description
    for custom in world.images.values():
        if custom.name == image_name:
            if custom.region != region:
                raise invalid(
                    f"Image {image_name} is in {custom.region}, not {region}: custom images are region-scoped"
                )
            if custom.status != "SUCCESS":
                raise invalid(f"Image {image_name} is still being created ({custom.status})")
            return custom.operating_system
    offered = [o.name for o in world.os_images if region in o.regions]
    offered += [i.name for i in world.images.values() if i.region == region and i.status == "SUCCESS"]
    raise SimError(404, f"Image {image_name!r} not found in {region}; available there: {', '.join(offered) or 'none'}")


def _os_description(world: World, image_name: str | None) -> str | None:
    if image_name is None:
        return None
    for os_image in world.os_images:
        if os_image.name == image_name:
            return os_image.description
    return None


def volume_size(size: int, what: str = "Volume size") -> int:
    if not VOLUME_MIN_GB <= size <= VOLUME_MAX_GB:
        raise invalid(f"{what} {size} GB is out of range: {VOLUME_MIN_GB} to {VOLUME_MAX_GB:,} GB")
    return size


def volume_type(tier: Tier, wanted: str | None) -> str:
    types = list(VOLUME_PRICES[tier])
    if wanted is None:
        return types[0]
    match = next((t for t in types if t.lower() == wanted.lower()), None)
    if match is None:
        raise invalid(f"Volume type {wanted!r} is not offered on the {tier} tier: use {' or '.join(types)}")
    return match


def generated_name(world: World, gpu_model: str) -> str:
    short = _SHORT.get(gpu_model, "gpu")
    while True:
        suffix = "".join(world.rng.choices("abcdefghijklmnopqrstuvwxyz", k=3))
        name = f"barrack-{short}-{suffix}"
        if name not in world.instance_names:
            return name


def execute(world: World, p: Plan, *, status: str = "CREATING") -> Instance:
    """Create the planned instance, CREATING for its seeded 30-90 s."""
    due = world.t + world.creating_seconds() if status == "CREATING" else None
    inst = world.add_instance(
        vm_name=p.vm_name,
        region=p.region,
        gpu_model=p.info.name,
        gpu_count=p.gpu_count,
        status=status,
        operating_system=p.operating_system,
        ssh_key_id=p.ssh_key_id,
        public_ip=p.public_ip,
        image_name=p.image_name,
        boot_volume=p.boot_volume,
        os_volume_gb=p.os_volume_gb,
        script_id=p.script_id,
        cloud_init=p.cloud_init,
        due=due,
    )
    for vol in p.existing:
        world.attach_volume(vol, inst)
    for spec in p.new_volumes:
        vol = world.add_volume(
            name=spec.name,
            size_gb=spec.size_gb,
            volume_type=spec.volume_type,
            region=p.region,
            attached_to=inst.instance_id,
        )
        world.attach_volume(vol, inst)
    inst.security_rules = fields.security_rules(p.rules, world.ids)
    return inst


def deployment_response(world: World, inst: Instance) -> Reply:
    """The seed's 201 body: ``data`` wrapper, ``timestamp`` and a top-level ``tier``."""
    data = {
        "instance_id": inst.instance_id,
        "vm_name": inst.vm_name,
        "region": inst.region,
        "ip_address": inst.ip_address,
        "ip_status": views.ip_status(inst),
        "billing": views.billing(world, inst),
        "specs": views.specs(world, inst),
        "status": inst.status,
        "boot_source": inst.boot_source,
        "operating_system": inst.operating_system,
        "features": {"startup_script_configured": inst.script_id is not None or bool(inst.cloud_init)},
        "created_at": inst.created_iso,
    }
    return ok("VM deployed successfully", 201, timestamp=iso(world.t), data=data, tier=inst.tier)


def create_instance(world: World, call: Call) -> Reply:
    inst = execute(world, plan(world, call.body))
    return deployment_response(world, inst)


HANDLERS = {"createInstance": create_instance}
