"""The wire shapes of WIRE.md, built from the world's records.

Plain dicts, built cheaply: the instance list of a 10k fleet is serialised on
every poll.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from barrack_tui.catalog import DEFAULT_SSH_USER, GPU_MODELS
from barrack_tui.sim.call import RawJson
from barrack_tui.sim.clock import iso
from barrack_tui.sim.model import (
    AiTransaction,
    Firewall,
    Image,
    Instance,
    OsImage,
    Script,
    SecurityRule,
    Snapshot,
    SshKey,
    Volume,
)
from barrack_tui.sim.world import World

_text = json.encoder.encode_basestring  # a JSON string literal, quotes included


def money(value: float) -> float:
    return round(value, 4)


def ip_status(inst: Instance) -> str:
    if not inst.public_ip:
        return "none"
    return "assigned" if inst.ip_address else "pending"


def _user_vm_prefix(world: World, inst: Instance) -> str:
    """A UserVM's JSON up to ``"accrued_cost":`` (the one field that moves on every request).

    This is the single definition of the UserVM shape; :func:`user_vm` parses it.
    """
    key = world.ssh_keys.get(inst.ssh_key_id) if inst.ssh_key_id else None
    ip = _text(inst.ip_address) if inst.ip_address is not None else "null"
    return (
        f'{{"instance_id":{_text(inst.instance_id)},"vm_name":{_text(inst.vm_name)},'
        f'"status":{_text(inst.status)},"region":{_text(inst.region)},"tier":{_text(inst.tier)},'
        f'"gpu_model":{_text(inst.gpu_model)},"gpu_count":{inst.gpu_count:d},'
        f'"ip_address":{ip},"ip_status":{_text(ip_status(inst))},'
        f'"public_ip":{"true" if inst.public_ip else "false"},'
        f'"hourly_rate":{round(inst.gpu_rate + inst.storage_rate, 4)!r},'
        f'"current_hourly_rate":{round(inst.meter.rate, 4)!r},"currency":{_text(world.currency)},'
        f'"created_at":{_text(inst.created_iso)},"status_changed_at":{_text(inst.changed_iso)},'
        f'"boot_source":{_text(inst.boot_source)},"operating_system":{_text(inst.operating_system)},'
        f'"ssh_key":{_text(key.name) if key is not None else "null"},"accrued_cost":'
    )


def user_vm_json(world: World, inst: Instance, now: float) -> str:
    """One UserVM as JSON. Only ``accrued_cost`` changes from one request to the next,
    so the rest is built once and reused until a field it shows changes.
    """
    key = (inst.status, inst.changed_iso, inst.ip_address, inst.public_ip, inst.storage_rate, inst.meter.rate)
    cached = inst.wire
    if cached is None or cached[0] != key:
        inst.wire = cached = (key, _user_vm_prefix(world, inst))
    return f"{cached[1]}{round(inst.meter.accrued(now), 4)!r}}}"


def user_vm(world: World, inst: Instance, now: float) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(user_vm_json(world, inst, now))
    return result


def user_vms_json(world: World, instances: Iterable[Instance], now: float) -> RawJson:
    """A JSON list of UserVMs, fast enough for a 10k fleet on every poll."""
    return RawJson("[" + ",".join([user_vm_json(world, inst, now) for inst in instances]) + "]")


def specs(world: World, inst: Instance) -> dict[str, Any]:
    info = GPU_MODELS[inst.gpu_model]
    boot = world.volumes.get(inst.boot_volume_id)
    return {
        "gpu_type": inst.gpu_model,
        "gpu_count": inst.gpu_count,
        "ram_gb": info.ram_gb_per_gpu * inst.gpu_count,
        "vcpus": info.vcpus_per_gpu * inst.gpu_count,
        "storage_gb": boot.size_gb if boot is not None else 0,
    }


def billing(world: World, inst: Instance) -> dict[str, Any]:
    """The seed's billing block: GPU, OS volume and data volumes, per hour."""
    data = [world.volumes[v] for v in inst.data_volume_ids if v in world.volumes]
    storage: dict[str, Any] = {
        "data_volumes": [
            {"name": v.name, "size_gb": v.size_gb, "type": v.volume_type, "hourly_rate": money(v.hourly_rate)}
            for v in data
        ],
        "data_volumes_total": money(sum(v.hourly_rate for v in data)),
    }
    boot = world.volumes.get(inst.boot_volume_id)
    if boot is not None:  # without a boot volume there is no OS-volume line (rather than one with no type)
        storage["os_volume"] = {"size_gb": boot.size_gb, "type": boot.volume_type, "hourly_rate": money(boot.hourly_rate)}
    return {
        "breakdown": {
            "compute": {"gpu": {"model": inst.gpu_model, "count": inst.gpu_count, "hourly_rate": money(inst.gpu_rate)}},
            "storage": storage,
        },
        "total_hourly_rate": money(inst.full_rate),
        "currency": world.currency,
    }


def rule(r: SecurityRule) -> dict[str, Any]:
    return {
        "rule_id": r.rule_id,
        "direction": r.direction,
        "protocol": r.protocol,
        "ethertype": r.ethertype,
        "port_range_min": r.port_range_min,
        "port_range_max": r.port_range_max,
        "remote_ip_prefix": r.remote_ip_prefix,
    }


def attached_firewall(fw: Firewall, instance_id: str) -> dict[str, Any]:
    status = next((a.status for a in fw.attachments if a.instance_id == instance_id), fw.status)
    return {"firewall_id": fw.firewall_id, "name": fw.name, "status": status}


def instance_detail(world: World, inst: Instance, now: float) -> dict[str, Any]:
    volumes = [world.volumes[v] for v in [inst.boot_volume_id, *inst.data_volume_ids] if v in world.volumes]
    firewalls = [world.firewalls[f] for f in inst.firewall_ids if f in world.firewalls]
    return {
        **user_vm(world, inst, now),
        "specs": specs(world, inst),
        "billing": billing(world, inst),
        "volumes": [
            {
                "volume_id": v.volume_id,
                "name": v.name,
                "size_gb": v.size_gb,
                "volume_type": v.volume_type,
                "is_boot": v.is_boot,
            }
            for v in volumes
        ],
        "security_rules": [rule(r) for r in inst.security_rules],
        "firewalls": [attached_firewall(f, inst.instance_id) for f in firewalls],
        "private_ip": inst.private_ip,
        "ssh_user": DEFAULT_SSH_USER,
        "script_id": inst.script_id,
        "status_history": [
            {"at": iso(h.at), "from_status": h.from_status, "to_status": h.to_status} for h in inst.history
        ],
    }


def volume(v: Volume) -> dict[str, Any]:
    return {
        "volume_id": v.volume_id,
        "name": v.name,
        "size_gb": v.size_gb,
        "volume_type": v.volume_type,
        "region": v.region,
        "tier": v.tier,
        "status": v.status,
        "bootable": v.bootable,
        "image_name": v.image_name,
        "attached_to": v.attached_to,
        "is_boot": v.is_boot,
        "hourly_rate": money(v.hourly_rate),
        "created_at": iso(v.created_at),
    }


def firewall(world: World, fw: Firewall) -> dict[str, Any]:
    return {
        "firewall_id": fw.firewall_id,
        "name": fw.name,
        "description": fw.description,
        "region": fw.region,
        "status": fw.status,
        "rules": [rule(r) for r in fw.rules],
        "attachments": [
            {
                "instance_id": a.instance_id,
                "vm_name": world.instances[a.instance_id].vm_name if a.instance_id in world.instances else None,
                "status": a.status,
            }
            for a in fw.attachments
        ],
        "created_at": iso(fw.created_at),
    }


def ssh_key(world: World, key: SshKey) -> dict[str, Any]:
    return {
        "key_id": key.key_id,
        "name": key.name,
        "fingerprint": key.fingerprint,
        "public_key": key.public_key,
        "key_type": key.key_type,
        "created_at": iso(key.created_at),
        "in_use": world.key_in_use(key.key_id),
    }


def script(s: Script) -> dict[str, Any]:
    return {
        "script_id": s.script_id,
        "name": s.name,
        "description": s.description,
        "content": s.content,
        "created_at": iso(s.created_at),
        "updated_at": iso(s.updated_at),
    }


def snapshot(s: Snapshot) -> dict[str, Any]:
    return {
        "snapshot_id": s.snapshot_id,
        "name": s.name,
        "description": s.description,
        "instance_id": s.instance_id,
        "vm_name": s.vm_name,
        "region": s.region,
        "tier": s.tier,
        "size_gb": s.size_gb,
        "status": s.status,
        "gpu_model": s.gpu_model,
        "gpu_count": s.gpu_count,
        "created_at": iso(s.created_at),
        "image_id": s.image_id,
    }


def image(i: Image) -> dict[str, Any]:
    return {
        "image_id": i.image_id,
        "name": i.name,
        "description": i.description,
        "region": i.region,
        "status": i.status,
        "snapshot_id": i.snapshot_id,
        "size_gb": i.size_gb,
        "created_at": iso(i.created_at),
    }


def os_image(o: OsImage) -> dict[str, Any]:
    return {
        "name": o.name,
        "description": o.description,
        "os": o.os,
        "cuda_version": o.cuda_version,
        "docker": o.docker,
        "regions": list(o.regions),
    }


def ai_transaction(t: AiTransaction) -> dict[str, Any]:
    return {
        "id": t.transaction_id,
        "model": t.model,
        "prompt_tokens": t.prompt_tokens,
        "completion_tokens": t.completion_tokens,
        "cost": round(t.cost, 6),
        "created_at": iso(t.created_at),
    }
