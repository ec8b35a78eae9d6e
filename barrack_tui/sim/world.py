"""The simulated account and how it moves with time.

Nothing happens between requests: each request first calls :meth:`World.advance`
with the clock's time, which replays, in order, every transition that ended
since the last request (CREATING -> ACTIVE ...) and drains the balance at the
hourly burn of everything billed. Between two events the balance falls in a
straight line, so the moment it reaches zero is computed exactly and running
instances are hibernated at that moment ("to prevent data loss", guide).

Cost: events sit in a heap, the burn is kept as a running sum, so a request
costs O(events since the last one), not O(instances).

This module holds the mechanics (state moves, meters, stock, addresses). The
request rules and their messages are in the ``ops_*`` modules.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random

from barrack_tui.catalog import (
    GPU_MODELS,
    HIBERNATION_PRICE,
    NAME_MAX_LEN,
    OS_VOLUME_TYPE,
    SNAPSHOT_PRICE,
    SNAPSHOT_SIZE_GB,
    VOLUME_PRICES,
    Currency,
    Tier,
    tier_of_region,
    volume_hourly_rate,
)
from barrack_tui.sim import assumed, ids
from barrack_tui.sim.clock import iso
from barrack_tui.sim.meter import Meter
from barrack_tui.sim.model import (
    AiTransaction,
    Firewall,
    Image,
    Instance,
    OsImage,
    Script,
    Snapshot,
    SshKey,
    StatusChange,
    Stock,
    Volume,
)

_INSTANCE, _VOLUME, _SNAPSHOT, _IMAGE = "instance", "volume", "snapshot", "image"


class World:
    def __init__(self, seed: int, start: float, currency: Currency = "USD") -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.ids = ids.IdFactory(random.Random(f"ids:{seed}"))
        self.t = start
        self.currency: Currency = currency
        self.balance = 0.0
        self.burn = 0.0  # $/h of everything billed right now
        self.depleted = False
        self.account_email = assumed.ACCOUNT_EMAIL
        self.account_name = assumed.ACCOUNT_NAME

        self.instances: dict[str, Instance] = {}
        self.instance_names: dict[str, str] = {}
        self.volumes: dict[str, Volume] = {}
        self.volume_names: dict[str, str] = {}
        self.firewalls: dict[str, Firewall] = {}
        self.ssh_keys: dict[str, SshKey] = {}
        self.scripts: dict[str, Script] = {}
        self.snapshots: dict[str, Snapshot] = {}
        self.images: dict[str, Image] = {}
        self.os_images: list[OsImage] = []
        self.ai_transactions: list[AiTransaction] = []
        self.stock: dict[tuple[str, str], Stock] = {}
        # Gone things keep their billing history.
        self.past_instances: dict[str, Instance] = {}
        self.past_volumes: list[Volume] = []
        self.past_snapshots: list[Snapshot] = []

        self._events: list[tuple[float, int, str, str]] = []
        self._seq = itertools.count()
        self._used_ips: set[str] = set()
        self._private_ips: dict[str, int] = {}

    # ----------------------------------------------------------- time and money

    def advance(self, now: float) -> None:
        """Bring the world to ``now``: finish due transitions, drain the balance."""
        while True:
            due = self._events[0][0] if self._events else math.inf
            zero = self._zero_balance_at()
            upcoming = min(due, zero)
            if upcoming > now:
                break
            self._settle(max(upcoming, self.t))
            if zero <= due:
                self._deplete()
            else:
                self._fire(heapq.heappop(self._events))
        self._settle(now)

    def _settle(self, to: float) -> None:
        if to > self.t:
            if self.burn > 0:
                self.balance = max(0.0, self.balance - self.burn * (to - self.t) / 3600.0)
            self.t = to

    def _zero_balance_at(self) -> float:
        if self.depleted or self.burn <= 0:
            return math.inf
        return self.t + max(0.0, self.balance) / self.burn * 3600.0

    def _deplete(self) -> None:
        """The balance reached zero: hibernate everything that runs."""
        self.balance = 0.0
        self.depleted = True
        for inst in list(self.instances.values()):
            if inst.status in ("ACTIVE", "SHUTOFF"):
                self.begin(inst, "HIBERNATING")

    def set_balance(self, amount: float) -> None:
        """Sim control: the account's balance from now on (a top-up or a drain)."""
        self.balance = max(0.0, amount)
        self.depleted = False

    def charge(self, amount: float) -> None:
        """A one-off charge (AI usage)."""
        self.balance = max(0.0, self.balance - amount)
        if self.balance == 0.0 and not self.depleted:
            self._deplete()

    def open_meter(self, owner_id: str, rate: float, state: str) -> Meter:
        self.burn += rate
        return Meter(owner_id, self.t, rate, state)

    def set_rate(self, meter: Meter, rate: float, state: str) -> None:
        self.burn += meter.change(self.t, rate, state)

    def stop_meter(self, meter: Meter) -> None:
        self.burn += meter.stop(self.t)

    def _schedule(self, due: float, kind: str, ident: str) -> None:
        heapq.heappush(self._events, (due, next(self._seq), kind, ident))

    def _fire(self, event: tuple[float, int, str, str]) -> None:
        due, _, kind, ident = event
        if kind == _INSTANCE:
            inst = self.instances.get(ident)
            if inst is not None and inst.due == due:
                self._finish_transition(inst)
        elif kind == _VOLUME:
            vol = self.volumes.get(ident)
            if vol is not None and vol.due == due:
                vol.due = None
                vol.status = "in-use" if vol.attached_to else "available"
        elif kind == _SNAPSHOT:
            snap = self.snapshots.get(ident)
            if snap is not None and snap.due == due:
                snap.due, snap.status = None, "SUCCESS"
        elif kind == _IMAGE:
            image = self.images.get(ident)
            if image is not None and image.due == due:
                image.due, image.status = None, "SUCCESS"

    # ------------------------------------------------------------- instances

    def instance_rate(self, inst: Instance, status: str) -> float:
        """What the instance bills per hour in ``status``."""
        if status in assumed.FULL_RATE_STATES:
            return inst.full_rate
        if status == "HIBERNATED":
            return inst.storage_rate + HIBERNATION_PRICE[self.currency]
        return inst.storage_rate  # transitional states bill nothing extra

    def gpu_price(self, gpu_model: str) -> float:
        return GPU_MODELS[gpu_model].prices[self.currency]

    def volume_rate(self, tier: Tier, volume_type: str, size_gb: int) -> float:
        return volume_hourly_rate(VOLUME_PRICES[tier][volume_type][self.currency], size_gb)

    def add_instance(
        self,
        *,
        vm_name: str,
        region: str,
        gpu_model: str,
        gpu_count: int,
        status: str,
        operating_system: str,
        ssh_key_id: str | None,
        public_ip: bool,
        image_name: str | None = None,
        boot_volume: Volume | None = None,
        os_volume_gb: int = assumed.DEFAULT_OS_VOLUME_GB,
        script_id: str | None = None,
        cloud_init: str | None = None,
        due: float | None = None,
    ) -> Instance:
        """A new instance in ``status`` from now; takes its GPUs unless HIBERNATED.

        Image boot creates its OS disk (a volume owned by the instance); volume
        boot attaches ``boot_volume``.
        """
        tier = tier_of_region(region)
        assert tier is not None, region
        instance_id = self.ids.new(ids.INSTANCE)
        if boot_volume is None:
            boot_volume = self.add_volume(
                name=self.free_volume_name(f"{vm_name}-os"),
                size_gb=os_volume_gb,
                volume_type=OS_VOLUME_TYPE[tier],
                region=region,
                bootable=True,
                image_name=image_name,
                status="in-use",
                owned_by_instance=True,
                attached_to=instance_id,
            )
        now = self.t
        stamp = iso(now)
        inst = Instance(
            instance_id=instance_id,
            vm_name=vm_name,
            region=region,
            tier=tier,
            gpu_model=gpu_model,
            gpu_count=gpu_count,
            gpu_rate=self.gpu_price(gpu_model) * gpu_count,
            status=status,
            created_at=now,
            status_changed_at=now,
            public_ip=public_ip,
            private_ip=self._new_private_ip(region),
            boot_source="volume" if not boot_volume.owned_by_instance else "image",
            operating_system=operating_system,
            ssh_key_id=ssh_key_id,
            boot_volume_id=boot_volume.volume_id,
            meter=Meter(instance_id, now, 0.0, status),
            image_name=image_name,
            script_id=script_id,
            cloud_init=cloud_init,
            history=[StatusChange(now, None, status)],
            holds_gpus=status not in assumed.RELEASED_STATES,
            created_iso=stamp,
            changed_iso=stamp,
        )
        self.instances[instance_id] = inst
        self.instance_names[vm_name] = instance_id
        self._attach(boot_volume, inst, is_boot=True)
        if inst.holds_gpus:
            self.stock_of(gpu_model, region).used += gpu_count
        if status == "ACTIVE" and public_ip:
            inst.ip_address = self._new_public_ip(region)
        self.set_rate(inst.meter, self.instance_rate(inst, status), status)
        if due is not None:
            inst.due = due
            self._schedule(due, _INSTANCE, instance_id)
        return inst

    def set_status(self, inst: Instance, status: str) -> None:
        inst.history.append(StatusChange(self.t, inst.status, status))
        if len(inst.history) > assumed.STATUS_HISTORY_MAX:
            del inst.history[0]
        inst.status = status
        inst.status_changed_at = self.t
        inst.changed_iso = iso(self.t)
        self.set_rate(inst.meter, self.instance_rate(inst, status), status)

    def begin(self, inst: Instance, transitional: str, seconds: float | None = None) -> None:
        """Enter a transitional state; it ends after its duration on the clock."""
        self.set_status(inst, transitional)
        duration = assumed.TRANSITION_SECONDS[transitional] if seconds is None else seconds
        inst.due = self.t + duration
        self._schedule(inst.due, _INSTANCE, inst.instance_id)

    def creating_seconds(self) -> int:
        low, high = assumed.CREATING_SECONDS
        return self.rng.randint(low, high)

    def _finish_transition(self, inst: Instance) -> None:
        inst.due = None
        target = assumed.TRANSITION_ENDS_IN[inst.status]
        if target == "DELETED":
            self._remove_instance(inst)
            return
        if target == "HIBERNATED":
            self.release_gpus(inst)
        if target == "ACTIVE" and inst.public_ip and inst.ip_address is None:
            inst.ip_address = self._new_public_ip(inst.region)
        self.set_status(inst, target)
        if target == "ACTIVE" and self.depleted:
            self.begin(inst, "HIBERNATING")

    def _remove_instance(self, inst: Instance) -> None:
        self.release_gpus(inst)
        if inst.ip_address:
            self.release_ip(inst.ip_address)
        for volume_id in [inst.boot_volume_id, *inst.data_volume_ids]:
            vol = self.volumes.get(volume_id)
            if vol is None:
                continue
            self._detach(vol, inst)
            if vol.owned_by_instance:
                self.remove_volume(vol)
        for firewall_id in inst.firewall_ids:
            firewall = self.firewalls.get(firewall_id)
            if firewall is not None:
                firewall.attachments = [a for a in firewall.attachments if a.instance_id != inst.instance_id]
        inst.history.append(StatusChange(self.t, inst.status, "DELETED"))
        inst.status = "DELETED"
        self.stop_meter(inst.meter)
        del self.instances[inst.instance_id]
        self.instance_names.pop(inst.vm_name, None)
        self.past_instances[inst.instance_id] = inst

    def take_gpus(self, inst: Instance) -> None:
        if not inst.holds_gpus:
            self.stock_of(inst.gpu_model, inst.region).used += inst.gpu_count
            inst.holds_gpus = True

    def release_gpus(self, inst: Instance) -> None:
        if inst.holds_gpus:
            stock = self.stock_of(inst.gpu_model, inst.region)
            stock.used = max(0, stock.used - inst.gpu_count)
            inst.holds_gpus = False

    def set_free(self, gpu_model: str, region: str, free: int) -> None:
        """Sim control: ``free`` GPUs of the model available in the region from now on."""
        stock = self.stock_of(gpu_model, region)
        stock.total = stock.used + max(0, free)

    def stock_of(self, gpu_model: str, region: str) -> Stock:
        key = (gpu_model, region)
        stock = self.stock.get(key)
        if stock is None:
            stock = self.stock[key] = Stock(total=0)
        return stock

    # --------------------------------------------------------------- addresses

    def _new_public_ip(self, region: str) -> str:
        first_two, third_base = assumed.PUBLIC_IP_BLOCKS[region]
        while True:
            candidate = f"{first_two}.{third_base + self.rng.randrange(128)}.{self.rng.randrange(2, 255)}"
            if candidate not in self._used_ips:
                self._used_ips.add(candidate)
                return candidate

    def assign_public_ip(self, inst: Instance) -> None:
        if inst.ip_address is None:
            inst.ip_address = self._new_public_ip(inst.region)

    def release_ip(self, address: str) -> None:
        self._used_ips.discard(address)

    def _new_private_ip(self, region: str) -> str:
        n = self._private_ips.get(region, 0)
        self._private_ips[region] = n + 1
        return f"10.{assumed.PRIVATE_IP_SECOND_OCTET[region]}.{n // 250}.{n % 250 + 2}"

    # ----------------------------------------------------------------- volumes

    def add_volume(
        self,
        *,
        name: str,
        size_gb: int,
        volume_type: str,
        region: str,
        bootable: bool = False,
        image_name: str | None = None,
        status: str = "available",
        owned_by_instance: bool = False,
        attached_to: str | None = None,
        creating_seconds: float = 0,
    ) -> Volume:
        tier = tier_of_region(region)
        assert tier is not None, region
        volume_id = self.ids.new(ids.VOLUME)
        rate = self.volume_rate(tier, volume_type, size_gb)
        vol = Volume(
            volume_id=volume_id,
            name=name,
            size_gb=size_gb,
            volume_type=volume_type,
            region=region,
            tier=tier,
            status=status,
            bootable=bootable,
            hourly_rate=rate,
            created_at=self.t,
            # An attached volume bills as part of its instance.
            meter=self.open_meter(volume_id, 0.0 if attached_to else rate, "available"),
            image_name=image_name if bootable else None,
            owned_by_instance=owned_by_instance,
        )
        self.volumes[volume_id] = vol
        self.volume_names[name] = volume_id
        if creating_seconds > 0:
            vol.status = "creating"
            vol.due = self.t + creating_seconds
            self._schedule(vol.due, _VOLUME, volume_id)
        return vol

    def free_volume_name(self, wanted: str) -> str:
        name, n = wanted[:NAME_MAX_LEN], 2
        while name in self.volume_names:
            suffix = f"-{n}"
            name = wanted[: NAME_MAX_LEN - len(suffix)] + suffix
            n += 1
        return name

    def attach_volume(self, vol: Volume, inst: Instance) -> None:
        self._attach(vol, inst, is_boot=False)
        self.reprice(inst)

    def detach_volume(self, vol: Volume, inst: Instance) -> None:
        self._detach(vol, inst)
        self.reprice(inst)

    def _attach(self, vol: Volume, inst: Instance, *, is_boot: bool) -> None:
        vol.attached_to = inst.instance_id
        vol.is_boot = is_boot
        if vol.status != "creating":
            vol.status = "in-use"
        if not is_boot:
            inst.data_volume_ids.append(vol.volume_id)
        inst.storage_rate += vol.hourly_rate
        self.set_rate(vol.meter, 0.0, "in-use")

    def _detach(self, vol: Volume, inst: Instance) -> None:
        vol.attached_to = None
        vol.is_boot = False
        if vol.status != "creating":
            vol.status = "available"
        if vol.volume_id in inst.data_volume_ids:
            inst.data_volume_ids.remove(vol.volume_id)
        inst.storage_rate = max(0.0, inst.storage_rate - vol.hourly_rate)
        self.set_rate(vol.meter, vol.hourly_rate, "available")

    def resize_volume(self, vol: Volume, size_gb: int) -> None:
        old_rate = vol.hourly_rate
        vol.size_gb = size_gb
        vol.hourly_rate = self.volume_rate(vol.tier, vol.volume_type, size_gb)
        inst = self.instances.get(vol.attached_to) if vol.attached_to else None
        if inst is not None:
            inst.storage_rate += vol.hourly_rate - old_rate
            self.reprice(inst)
        else:
            self.set_rate(vol.meter, vol.hourly_rate, "available")

    def remove_volume(self, vol: Volume) -> None:
        self.stop_meter(vol.meter)
        del self.volumes[vol.volume_id]
        self.volume_names.pop(vol.name, None)
        self.past_volumes.append(vol)

    def reprice(self, inst: Instance) -> None:
        """The instance's rate changed (a volume came or went): open a new period."""
        self.set_rate(inst.meter, self.instance_rate(inst, inst.status), inst.status)

    # ---------------------------------------------------- snapshots and images

    def add_snapshot(self, inst: Instance, name: str, description: str, *, ready: bool = False) -> Snapshot:
        snapshot_id = self.ids.new(ids.SNAPSHOT)
        snap = Snapshot(
            snapshot_id=snapshot_id,
            name=name,
            description=description,
            instance_id=inst.instance_id,
            vm_name=inst.vm_name,
            region=inst.region,
            tier=inst.tier,
            size_gb=SNAPSHOT_SIZE_GB,
            gpu_model=inst.gpu_model,
            gpu_count=inst.gpu_count,
            operating_system=inst.operating_system,
            ssh_key_id=inst.ssh_key_id,
            created_at=self.t,
            meter=self.open_meter(snapshot_id, SNAPSHOT_PRICE[self.currency], "SNAPSHOT"),
        )
        self.snapshots[snapshot_id] = snap
        if ready:
            snap.status = "SUCCESS"
        else:
            snap.due = self.t + assumed.SNAPSHOT_CREATE_SECONDS
            self._schedule(snap.due, _SNAPSHOT, snapshot_id)
        return snap

    def remove_snapshot(self, snap: Snapshot) -> None:
        self.stop_meter(snap.meter)
        del self.snapshots[snap.snapshot_id]
        self.past_snapshots.append(snap)
        image = self.images.get(snap.image_id) if snap.image_id else None
        if image is not None:
            image.snapshot_id = None

    def add_image(self, snap: Snapshot, name: str, description: str, *, ready: bool = False) -> Image:
        image_id = self.ids.new(ids.IMAGE)
        image = Image(
            image_id=image_id,
            name=name,
            description=description,
            region=snap.region,
            snapshot_id=snap.snapshot_id,
            size_gb=snap.size_gb,
            operating_system=snap.operating_system,
            created_at=self.t,
        )
        self.images[image_id] = image
        snap.image_id = image_id
        if ready:
            image.status = "SUCCESS"
        else:
            image.due = self.t + assumed.IMAGE_CREATE_SECONDS
            self._schedule(image.due, _IMAGE, image_id)
        return image

    def remove_image(self, image: Image) -> None:
        del self.images[image.image_id]
        snap = self.snapshots.get(image.snapshot_id) if image.snapshot_id else None
        if snap is not None:
            snap.image_id = None

    # -------------------------------------------------------------- lookups

    def key_in_use(self, key_id: str) -> bool:
        return any(inst.ssh_key_id == key_id for inst in self.instances.values())

    def find_ssh_key(self, ref: str) -> SshKey | None:
        """A key by id or by name (a deploy's ``ssh_key`` may be either)."""
        key = self.ssh_keys.get(ref)
        if key is not None:
            return key
        return next((k for k in self.ssh_keys.values() if k.name == ref), None)
