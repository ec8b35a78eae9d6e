"""Every documented operation is routed, served by the simulator and reached by a client method."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from barrack_tui.api import BarrackClient, RequestEvent
from barrack_tui.api.models import (
    DeploymentRequest,
    Direction,
    ProtocolEnum,
    VMSecurityRuleRequest,
)
from barrack_tui.api.paths import ROUTES
from barrack_tui.sim import ManualClock, Simulator

OPENAPI = Path("/work/shared/barrack-api/openapi.json")  # the team's reference copy, when present
DIGEST = Path(__file__).parent / "data" / "openapi_operations.json"  # vendored: operationId -> [METHOD, path]
RULE = VMSecurityRuleRequest(
    direction=Direction.INGRESS, protocol=ProtocolEnum.TCP, port_range_min=22, port_range_max=22
)


def documented_operations() -> dict[str, tuple[str, str]]:
    return {op: (method, path) for op, (method, path) in json.loads(DIGEST.read_text()).items()}


def test_the_vendored_digest_matches_the_reference_openapi() -> None:
    if not OPENAPI.exists():
        pytest.skip("the shared openapi.json is not on this machine; the vendored digest stands in")
    spec = json.loads(OPENAPI.read_text())
    live = {
        op["operationId"]: (method.upper(), path)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    }
    assert live == documented_operations()


def test_every_documented_operation_is_in_the_path_table() -> None:
    documented = documented_operations()
    assert len(documented) == 68
    assert set(ROUTES) == set(documented)
    for operation, (method, path) in documented.items():
        assert (ROUTES[operation].method, ROUTES[operation].path) == (method, path), operation


def test_every_operation_has_a_client_method() -> None:
    client = BarrackClient("sk_coverage_0001", "http://sim/api/")
    methods = client.operations()
    assert set(methods) == set(ROUTES)
    assert len(methods["chatWithAi"]) == 2  # chat and chat_stream
    assert all(len(found) == 1 for op, found in methods.items() if op != "chatWithAi")


async def tour(client: BarrackClient, sim: Simulator, clock: ManualClock) -> None:
    """One valid call of every operation, in an order where each has something to act on."""
    sim.world.set_free("L40", "CANADA-1", 8)
    await client.balance.get()
    await client.catalog.gpu_stocks()
    await client.catalog.gpu_specs()
    await client.catalog.regions()
    await client.pricing.get(tier="legacy")
    await client.pricing.quote(gpu_model="L40", gpu_count=1)
    await client.os_images.list(region="CANADA-1")

    key = (await client.ssh_keys.create("tour-key")).ssh_key
    await client.ssh_keys.get(key.key_id)
    await client.ssh_keys.list()
    script = (await client.scripts.create("tour-script", "#!/bin/sh\n")).script
    await client.scripts.get(script.script_id)
    await client.scripts.update(script.script_id, description="tour")
    await client.scripts.list()

    vm = (
        await client.deploy(
            DeploymentRequest(
                gpu_model="L40",
                gpu_count=1,
                region="CANADA-1",
                instance_name="tour-vm",
                image_name="Ubuntu-22.04-R550-CUDA-12.4-Docker",
                ssh_key="tour-key",
                script_id=script.script_id,
            )
        )
    ).data.instance_id
    clock.advance(90)
    await client.instances.list()
    await client.instances.get(vm)
    await client.instances.billing(vm)
    await client.instances.firewalls(vm)
    await client.instances.snapshot_eligible()
    await client.instances.hibernated_count()
    await client.instances.toggle_public_ip(vm)
    rule = (await client.instances.add_security_rule(vm, RULE)).rule
    await client.instances.remove_security_rule(vm, rule.rule_id)

    volume = (await client.volumes.create("tour-vol", 100, "SSD", "CANADA-1")).volume
    clock.advance(5)
    await client.volumes.get(volume.volume_id)
    await client.volumes.resize(volume.volume_id, 200)
    copy = (await client.volumes.clone(volume.volume_id, "tour-vol-copy")).volume
    await client.volumes.attach(vm, [volume.volume_id])
    await client.volumes.detach(vm, [volume.volume_id])
    await client.volumes.list()
    await client.volumes.types()
    await client.volumes.billing()
    await client.volumes.delete(volume.volume_id)
    await client.volumes.delete(copy.volume_id)

    firewall = (await client.firewalls.create("tour-fw", "CANADA-1")).firewall
    await client.firewalls.get(firewall.firewall_id)
    await client.firewalls.protocols()
    await client.firewalls.attachable_instances(region="CANADA-1")
    fw_rule = (await client.firewalls.add_rule(firewall.firewall_id, RULE)).rule
    await client.firewalls.remove_rule(firewall.firewall_id, fw_rule.rule_id)
    await client.firewalls.list()
    await client.firewalls.delete(firewall.firewall_id)
    other_fw = (await client.firewalls.create("tour-fw-attached", "CANADA-1")).firewall
    await client.firewalls.attach(other_fw.firewall_id, [vm])

    snap = (await client.snapshots.create(vm, "tour-snap")).snapshot
    clock.advance(45)
    await client.snapshots.get(snap.snapshot_id)
    await client.snapshots.list()
    await client.snapshots.restore(snap.snapshot_id, instance_name="tour-restored")
    image = (await client.snapshots.create_image(snap.snapshot_id, "tour-image")).image
    await client.snapshots.image_of(snap.snapshot_id)
    await client.images.snapshot_of(image.image_id)
    await client.images.get(image.image_id)
    await client.images.list()
    await client.images.delete(image.image_id)
    await client.snapshots.billing()
    await client.snapshots.delete(snap.snapshot_id)

    await client.instances.stop(vm)
    clock.advance(10)
    await client.instances.start(vm)
    clock.advance(20)
    await client.instances.reboot(vm)
    clock.advance(20)
    await client.instances.hibernate(vm)
    clock.advance(30)
    await client.instances.restore(vm)
    clock.advance(60)

    models = await client.ai.models()
    message = [{"role": "user", "content": "hello"}]
    await client.ai.chat(models.data[0].id, message)
    async with client.ai.chat_stream(models.data[0].id, message) as stream:
        assert [d async for d in stream]
    await client.ai.usage_history()
    await client.ai.usage_summary()

    await client.instances.delete(vm)
    await client.scripts.delete(script.script_id)
    extra = (await client.scripts.create("tour-script-2", "#!/bin/sh\n")).script
    await client.scripts.delete_many([extra.script_id])
    spare_key = (await client.ssh_keys.create("tour-key-2")).ssh_key
    await client.ssh_keys.delete(spare_key.key_id)


async def test_every_operation_is_served_by_the_simulator_through_the_client(
    client: BarrackClient, sim: Simulator, clock: ManualClock, events: list[RequestEvent]
) -> None:
    sim.requests.clear()
    await tour(client, sim, clock)
    records = list(sim.requests)
    assert len(records) == len(events)
    for event, record in zip(events, records, strict=True):
        # the path the client built is the one the simulator routes to the same operation
        assert record.operation == event.operation, (event.url, record.path)
        assert 200 <= record.status < 300 and event.status == record.status, (event, record)
    assert {e.operation for e in events} == set(ROUTES)
