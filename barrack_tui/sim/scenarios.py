"""The worlds the simulator starts from: ``empty``, ``demo`` and ``fleet``.

``demo`` is not drawn by hand: it replays three days of an account's life
through the same rules the API uses (deploys, stops, snapshots ...), advancing
the world's clock between steps, so its billing records, status histories
and stock are consistent by construction. ``fleet`` builds N instances
directly, for benchmarks (10k in well under a second).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Final

from barrack_tui.catalog import GPU_MODELS, REGIONS
from barrack_tui.sim import (
    assumed,
    ids,
    ops_firewalls,
    ops_instances,
    ops_keys,
    ops_snapshots,
    seed_data,
    sshkeys,
)
from barrack_tui.sim.fields import Fields, security_rules
from barrack_tui.sim.model import AiTransaction, Firewall, Instance
from barrack_tui.sim.ops_deploy import execute, plan
from barrack_tui.sim.world import World

HOUR: Final = 3600.0
DAY: Final = 24 * HOUR
# While a scenario is built, nothing may run out; real values are set at the end.
_SETUP_BALANCE: Final = 1e12
_SETUP_STOCK: Final = 100_000
FLEET_MAX: Final = 50_000


def build(scenario: str, *, seed: int, now: float, fleet_size: int = 0) -> World:
    builders: dict[str, Callable[[int, float, int], World]] = {
        "empty": lambda s, n, _: empty(s, n),
        "demo": lambda s, n, _: demo(s, n),
        "fleet": fleet,
    }
    builder = builders.get(scenario)
    if builder is None:
        raise ValueError(f"Unknown scenario {scenario!r}: use {', '.join(builders)}")
    return builder(seed, now, fleet_size)


# ------------------------------------------------------------------ helpers


def _base(seed: int, start: float) -> World:
    world = World(seed, start)
    world.os_images = list(seed_data.OS_IMAGES)
    world.set_balance(_SETUP_BALANCE)
    for info in GPU_MODELS.values():
        for region in info.regions:
            world.stock_of(info.name, region).total = _SETUP_STOCK
    return world


def _settle_stock(world: World) -> None:
    """Give every (model, region) its seeded number of free GPUs on top of what is in use.

    Some pairs are sold out, but every model has at least 8 free somewhere.
    """
    for info in GPU_MODELS.values():
        free = [world.rng.choice((0, 2, 4, 8, 16, 24, 32, 48)) for _ in info.regions]
        if max(free) < 8:
            free[world.rng.randrange(len(free))] = 8
        for region, count in zip(info.regions, free, strict=True):
            world.set_free(info.name, region, count)


def _key(world: World, name: str) -> str:
    """A generated Ed25519 key (the private half is discarded)."""
    key, _ = ops_keys.add_key(world, name, None)
    return key.key_id


def _rsa_key(world: World, name: str) -> str:
    modulus = world.rng.getrandbits(2048) | (1 << 2047) | 1
    line = sshkeys.rsa_public_line(modulus, f"{name}@workstation").line
    key, _ = ops_keys.add_key(world, name, line)
    return key.key_id


def projected_burn(world: World) -> float:
    """The burn once transitions end (a CREATING instance soon bills in full)."""
    burn = world.burn
    for inst in world.instances.values():
        if assumed.TRANSITION_ENDS_IN.get(inst.status) == "ACTIVE":
            burn += inst.full_rate - inst.meter.rate
    return burn


# ------------------------------------------------------------------ scenarios


def empty(seed: int, now: float) -> World:
    """A balance, one SSH key and the OS images; nothing else."""
    world = _base(seed, now)
    _key(world, "laptop-ed25519")
    _settle_stock(world)
    world.set_balance(250.0)
    return world


def demo(seed: int, now: float) -> World:
    """A living account: 13 instances in varied states across all regions, three days of history."""
    world = _base(seed, now - 3 * DAY)
    deployed: dict[str, Instance] = {}

    def at(offset: float) -> None:
        world.advance(now + offset)

    def deploy(name: str, model: str, count: int, region: str, **extra: Any) -> Instance:
        body = {"gpu_model": model, "gpu_count": count, "region": region, "instance_name": name, **extra}
        if "volume_id" not in body:
            body.setdefault("image_name", seed_data.DEFAULT_IMAGE)
            body.setdefault("ssh_key", "laptop-ed25519")
        inst = execute(world, plan(world, Fields(body)))
        deployed[name] = inst
        return inst

    at(-72 * HOUR)
    _key(world, "laptop-ed25519")
    _key(world, "ci-deploy")
    _rsa_key(world, "workstation-rsa")
    vllm = ops_keys.add_script(world, "install-vllm", seed_data.INSTALL_VLLM, "Install vLLM and serve on :8000")
    mount = ops_keys.add_script(world, "mount-datasets", seed_data.MOUNT_DATASETS, "Mount the data volume at /data")
    datasets = world.add_volume(name="datasets-canada", size_gb=2048, volume_type="SSD", region="CANADA-1")
    world.add_volume(name="archive-canada", size_gb=1000, volume_type="SSD", region="CANADA-1")
    checkpoints = world.add_volume(name="checkpoints-fi1", size_gb=1024, volume_type="NVMe", region="FINLAND-1")
    boot_fi2 = world.add_volume(
        name="ubuntu-boot-fi2",
        size_gb=200,
        volume_type="NVMe",
        region="FINLAND-2",
        bootable=True,
        image_name=seed_data.DEFAULT_IMAGE,
    )
    world.add_volume(name="scratch-fi3", size_gb=500, volume_type="HDD", region="FINLAND-3")
    deploy("old-experiment", "RTX-A6000", 1, "CANADA-1", image_name=seed_data.LEGACY_IMAGE)

    at(-70 * HOUR)
    deploy(
        "llama-finetune-01",
        "H100-SXM5-80GB",
        8,
        "FINLAND-1",
        existing_volumes=[checkpoints.volume_id],
        script_id=vllm.script_id,
    )
    at(-60 * HOUR)
    deploy(
        "sdxl-render-01",
        "RTX-A6000",
        2,
        "CANADA-1",
        image_name=seed_data.LEGACY_IMAGE,
        existing_volumes=[datasets.volume_id],
        script_id=mount.script_id,
    )
    at(-54 * HOUR)
    deploy("mixtral-dev", "H100-PCIe-80GB", 1, "CANADA-1", ssh_key="workstation-rsa")
    at(-50 * HOUR)
    deploy("whisper-batch", "L40", 1, "CANADA-1", ssh_key="ci-deploy")
    at(-48 * HOUR)
    ops_instances.act(world, deployed["old-experiment"], "delete")
    at(-40 * HOUR)
    deploy("bert-eval", "A100-PCIe-80GB", 1, "CANADA-1", image_name=seed_data.LEGACY_IMAGE)
    at(-36 * HOUR)
    deploy(
        "vllm-serve-70b",
        "H200-141GB",
        2,
        "FINLAND-2",
        script_id=vllm.script_id,
        cloud_init="#cloud-config\npackages: [htop]\n",
    )
    at(-30 * HOUR)
    deploy("llama-serve-fi2", "H100-SXM5-80GB", 1, "FINLAND-2", volume_id=boot_fi2.volume_id, boot_from_volume=True)
    at(-26 * HOUR)
    base = ops_snapshots.take_snapshot(
        world, deployed["sdxl-render-01"], "sdxl-render-base", "SDXL with weights cached"
    )
    at(-25 * HOUR)
    ops_snapshots.make_image(world, base, "sdxl-render-image", "Ubuntu 22.04 + SDXL, weights cached")
    at(-24 * HOUR)
    deploy(
        "llama-finetune-02",
        "H100-SXM5-80GB",
        4,
        "FINLAND-1",
        volumes=[{"name": "llama-02-data", "size": 500, "volume_type": "HDD"}],
    )
    at(-20 * HOUR)
    deploy("qwen-sft-03", "H100-PCIe-NVLink-80GB", 2, "CANADA-1", ssh_key="ci-deploy")
    at(-12 * HOUR)
    ops_snapshots.take_snapshot(world, deployed["mixtral-dev"], "mixtral-dev-ckpt", "Before the tokenizer change")
    at(-10 * HOUR)
    ops_instances.act(world, deployed["bert-eval"], "hibernate")
    at(-8 * HOUR)
    deploy("rlhf-reward-fi3", "H200-141GB", 1, "FINLAND-3", ssh_key="ci-deploy")
    at(-6 * HOUR)
    ops_instances.act(world, deployed["whisper-batch"], "stop")
    at(-5 * HOUR)
    jupyter = deploy("jupyter-research", "RTX-A6000", 1, "CANADA-1", image_name=seed_data.LEGACY_IMAGE, public_ip=False)
    jupyter.security_rules.extend(
        security_rules(
            [
                {
                    "direction": "ingress",
                    "protocol": "tcp",
                    "port_range_min": 8888,
                    "port_range_max": 8888,
                    "remote_ip_prefix": "10.0.0.0/8",
                }
            ],
            world.ids,
        )
    )
    at(-4 * HOUR)
    deploy("sdxl-render-02", "RTX-A6000", 1, "CANADA-1", image_name="sdxl-render-image")
    at(-3 * HOUR)
    _firewall(
        world,
        "web-ingress",
        "FINLAND-1",
        "SSH and HTTPS from anywhere, API from the VPN",
        [
            _tcp(22),
            _tcp(443),
            _tcp(8000, 8001, "10.0.0.0/8"),
        ],
        [deployed["llama-finetune-01"], deployed["llama-finetune-02"]],
    )
    _firewall(
        world,
        "ssh-only-canada",
        "CANADA-1",
        "SSH only",
        [_tcp(22)],
        [
            deployed["sdxl-render-01"],
            deployed["mixtral-dev"],
        ],
    )
    _firewall(
        world,
        "inference-api",
        "FINLAND-2",
        "OpenAI-compatible API and ping",
        [
            _tcp(8000),
            {"direction": "ingress", "protocol": "icmp", "ethertype": "IPv4"},
        ],
        [deployed["vllm-serve-70b"]],
    )
    at(-15)
    ops_instances.act(world, deployed["qwen-sft-03"], "reboot")
    at(-10)
    deploy("b200-bench", "B200-180GB", 8, "FINLAND-3", ssh_key="ci-deploy")
    at(0)

    for hours, model, prompt, completion in seed_data.AI_HISTORY:
        cost = (prompt + completion) / 1000.0 * assumed.AI_MODELS[model]
        world.ai_transactions.append(
            AiTransaction(world.ids.new(ids.AI_TRANSACTION), model, prompt, completion, cost, now - hours * HOUR)
        )
    _settle_stock(world)
    # About three days at the burn the account will have once b200-bench is up.
    world.set_balance(round(projected_burn(world) * 72, -1))
    return world


def _tcp(low: int, high: int | None = None, prefix: str = "0.0.0.0/0") -> dict[str, Any]:
    return {
        "direction": "ingress",
        "protocol": "tcp",
        "ethertype": "IPv4",
        "port_range_min": low,
        "port_range_max": high if high is not None else low,
        "remote_ip_prefix": prefix,
    }


def _firewall(
    world: World, name: str, region: str, description: str, rules: list[dict[str, Any]], attach: list[Instance]
) -> None:
    fw = Firewall(
        world.ids.new(ids.FIREWALL), name, description, region, world.t, rules=security_rules(rules, world.ids)
    )
    world.firewalls[fw.firewall_id] = fw
    ops_firewalls.attach_to(world, fw, [i.instance_id for i in attach])


def fleet(seed: int, now: float, size: int) -> World:
    """``size`` instances spread over every model and region, most ACTIVE, for benchmarks.

    Settled instances were created over the last 29 days; transitional ones
    entered their state seconds ago, CREATING ones were deployed seconds ago.
    """
    if not 0 <= size <= FLEET_MAX:
        raise ValueError(f"fleet_size must be 0 to {FLEET_MAX:,} (got {size})")
    with _gc_paused():
        return _fleet(seed, now, size)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Bulk construction without the cyclic collector rescanning every new object (~2x faster)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _fleet(seed: int, now: float, size: int) -> World:
    world = _base(seed, now - 30 * DAY)
    keys = [_key(world, "laptop-ed25519"), _key(world, "ci-deploy")]
    rng = world.rng
    models = [(info, info.regions, info.counts[:3]) for info in GPU_MODELS.values()]
    states = ("ACTIVE", "SHUTOFF", "HIBERNATED", "CREATING", "STOPPING", "REBOOTING", "STARTING")
    weights = (80, 7, 7, 3, 1, 1, 1)
    images = {r: [o for o in world.os_images if r in o.regions] for r in REGIONS}
    plans = []
    for _ in range(size):
        status = rng.choices(states, weights)[0]
        created = now - rng.uniform(0, 25) if status == "CREATING" else now - 60 - rng.random() * 29 * DAY
        plans.append((created, status))
    plans.sort()
    moving: list[tuple[Instance, str]] = []
    for number, (created, status) in enumerate(plans, 1):
        world.advance(created)
        info, regions, counts = rng.choice(models)
        region = rng.choice(regions)
        image = rng.choice(images[region])
        initial = {"STOPPING": "ACTIVE", "REBOOTING": "ACTIVE", "STARTING": "SHUTOFF"}.get(status, status)
        inst = world.add_instance(
            vm_name=f"{seed_data.FLEET_PREFIXES[number % len(seed_data.FLEET_PREFIXES)]}-{number:05d}",
            region=region,
            gpu_model=info.name,
            gpu_count=rng.choice(counts),
            status=initial,
            operating_system=image.description,
            ssh_key_id=rng.choice(keys),
            public_ip=rng.random() < 0.9,
            image_name=image.name,
            due=created + world.creating_seconds() if status == "CREATING" else None,
        )
        if initial != status:
            moving.append((inst, status))
    world.advance(now - 5)
    for inst, status in moving:
        world.begin(inst, status)
    world.advance(now)
    _settle_stock(world)
    world.set_balance(round(projected_burn(world) * 72, -1))
    return world
