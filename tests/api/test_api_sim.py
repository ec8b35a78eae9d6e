"""Every operation through the client against the simulator, in-process.

The world runs on a ManualClock: tests move time and check that states,
addresses, balances and billing follow, and that refusals arrive as typed
errors carrying the server's message and request id.
"""

from __future__ import annotations

import pytest
from api_helpers import RecordingSleep, assert_fully_typed
from pydantic import SecretStr
from starlette.applications import Starlette

from barrack_tui.api import (
    AmbiguousOutcomeError,
    AuthError,
    BarrackClient,
    NotFoundError,
    PayloadTooLargeError,
    PaymentRequiredError,
    RequestEvent,
    ResponseValidationError,
    ServerError,
    StreamInterruptedError,
    ValidationError,
)
from barrack_tui.api.models import (
    DeploymentRequest,
    IpStatus,
    SnapshotStatus,
    Tier,
    UserVM,
    VMSecurityRuleRequest,
    VMStatus,
    VolumeStatus,
)
from barrack_tui.catalog import GPU_MODELS, HIBERNATION_PRICE
from barrack_tui.sim import ManualClock, Simulator

LEGACY_IMAGE = "Ubuntu-22.04-R550-CUDA-12.4-Docker"
SSH_RULE = VMSecurityRuleRequest.model_validate(
    {
        "direction": "ingress",
        "protocol": "tcp",
        "port_range_min": 22,
        "port_range_max": 22,
        "remote_ip_prefix": "0.0.0.0/0",
    }
)


def l40(name: str = "api-test-l40", **changes: object) -> DeploymentRequest:
    fields: dict[str, object] = {
        "gpu_model": "L40",
        "gpu_count": 1,
        "region": "CANADA-1",
        "instance_name": name,
        "image_name": LEGACY_IMAGE,
        "ssh_key": "laptop-ed25519",
    }
    return DeploymentRequest.model_validate(fields | changes)


async def by_name(client: BarrackClient, name: str) -> UserVM:
    listed = await client.instances.list()
    return next(vm for vm in listed.instances if vm.vm_name == name)


async def deployed_active(client: BarrackClient, sim: Simulator, clock: ManualClock, name: str) -> str:
    sim.world.set_free("L40", "CANADA-1", 8)
    created = await client.deploy(l40(name))
    clock.advance(90)
    return created.data.instance_id


# ---------------------------------------------------------------- account and catalogue


async def test_balance_drains_at_the_burn_rate_as_time_passes(
    client: BarrackClient, sim: Simulator, clock: ManualClock
) -> None:
    clock.advance(300)  # let the demo's transitions finish, so the burn is steady
    before = await client.balance.get()
    assert_fully_typed(before)
    assert before.currency == "USD" and before.account is not None and before.account.email
    burn = sim.world.burn
    assert burn > 0
    clock.advance(3600)
    after = await client.balance.get()
    assert before.balance - after.balance == pytest.approx(burn, abs=0.02)


async def test_catalogue_matches_the_documented_tiers_and_models(client: BarrackClient) -> None:
    regions = await client.catalog.regions()
    assert {r.name: r.tier for r in regions.regions} == {
        "CANADA-1": Tier.LEGACY,
        "FINLAND-1": Tier.ADVANCED,
        "FINLAND-2": Tier.ADVANCED,
        "FINLAND-3": Tier.ADVANCED,
    }
    specs = await client.catalog.gpu_specs()
    assert_fully_typed(specs)
    by_model = {s.gpu_model: s for s in specs.specs}
    assert set(by_model) == set(GPU_MODELS)
    assert by_model["H100-SXM5-80GB"].vcpus_per_gpu * 4 == 176  # the seed's 4-GPU machine
    assert by_model["RTX-A6000"].max_count == 4 and by_model["RTX-A6000"].gpu_counts == [1, 2, 4]
    stocks = await client.catalog.gpu_stocks()
    assert_fully_typed(stocks)
    assert {(s.gpu_model, s.region) for s in stocks.stocks} == {
        (m.name, r) for m in GPU_MODELS.values() for r in m.regions
    }


async def test_pricing_quotes_the_list_price_and_filters_narrow_it(client: BarrackClient) -> None:
    priced = await client.pricing.get(gpu_model="H200-141GB", gpu_count=2)
    assert_fully_typed(priced)
    quote = priced.pricing_data.quote
    assert quote is not None and quote.tier is Tier.ADVANCED
    assert quote.hourly_rate == pytest.approx(2 * GPU_MODELS["H200-141GB"].prices["USD"])
    legacy = await client.pricing.quote(tier="legacy", currency="EUR")
    gpus = legacy.pricing_data.gpus
    assert gpus is not None and set(gpus.pricing) == {Tier.LEGACY}
    l40_price = gpus.pricing[Tier.LEGACY]["L40"].prices
    assert GPU_MODELS["L40"].prices["EUR"] == l40_price.EUR and l40_price.USD is None


# ---------------------------------------------------------------- deploy and the lifecycle


async def test_deploy_answers_like_the_seed_and_takes_stock(
    client: BarrackClient, sim: Simulator, clock: ManualClock
) -> None:
    sim.world.set_free("L40", "CANADA-1", 4)
    created = await client.deploy(l40(security_rules=[SSH_RULE]))
    assert_fully_typed(created)
    data = created.data
    assert created.tier is Tier.LEGACY and data.status is VMStatus.CREATING
    assert data.ip_address is None and data.ip_status is IpStatus.PENDING
    gpu = data.billing.breakdown.compute.gpu
    assert (gpu.model, gpu.count, gpu.hourly_rate) == ("L40", 1, GPU_MODELS["L40"].prices["USD"])
    os_volume = data.billing.breakdown.storage.os_volume
    assert os_volume is not None and os_volume.type == "SSD" and os_volume.size_gb == 100
    assert data.billing.total_hourly_rate == pytest.approx(gpu.hourly_rate + os_volume.hourly_rate, abs=1e-4)
    stocks = await client.catalog.gpu_stocks()
    assert stocks.available("L40", "CANADA-1") == 3

    clock.advance(90)
    detail = (await client.instances.get(data.instance_id)).instance
    assert_fully_typed(detail)
    assert detail.status is VMStatus.ACTIVE
    assert detail.ip_status is IpStatus.ASSIGNED and detail.ip_address
    assert [(c.from_status, c.to_status) for c in detail.status_history][-1] == (
        VMStatus.CREATING,
        VMStatus.ACTIVE,
    )
    assert [(r.protocol, r.port_range_min) for r in detail.security_rules] == [("tcp", 22)]
    assert detail.ssh_user == "ubuntu"


async def test_lifecycle_actions_move_states_on_the_clock(
    client: BarrackClient, sim: Simulator, clock: ManualClock
) -> None:
    vm_id = await deployed_active(client, sim, clock, "api-life")

    stopped = await client.instances.stop(vm_id)
    assert (stopped.status, stopped.previous_status) == (VMStatus.STOPPING, VMStatus.ACTIVE)
    clock.advance(10)
    assert (await client.instances.get(vm_id)).instance.status is VMStatus.SHUTOFF

    started = await client.instances.start(vm_id)
    assert started.status is VMStatus.STARTING
    clock.advance(20)
    assert (await client.instances.get(vm_id)).instance.status is VMStatus.ACTIVE

    rebooted = await client.instances.reboot(vm_id)
    assert rebooted.status is VMStatus.REBOOTING
    clock.advance(20)

    hibernated_before = (await client.instances.hibernated_count()).count
    assert (await client.instances.hibernate(vm_id)).status is VMStatus.HIBERNATING
    clock.advance(30)
    vm = await by_name(client, "api-life")
    assert vm.status is VMStatus.HIBERNATED
    assert (await client.instances.hibernated_count()).count == hibernated_before + 1
    assert vm.current_hourly_rate is not None and vm.current_hourly_rate < vm.hourly_rate
    assert vm.current_hourly_rate >= HIBERNATION_PRICE["USD"]

    assert (await client.instances.restore(vm_id)).status is VMStatus.RESTORING
    clock.advance(60)
    assert (await by_name(client, "api-life")).status is VMStatus.ACTIVE

    deleted = await client.instances.delete(vm_id)
    assert deleted.status is VMStatus.DELETING
    clock.advance(10)
    with pytest.raises(NotFoundError) as caught:
        await client.instances.get(vm_id)
    assert vm_id in caught.value.message and caught.value.request_id


async def test_an_action_from_the_wrong_state_is_refused_with_the_state_named(
    client: BarrackClient, sim: Simulator
) -> None:
    vm = await by_name(client, "whisper-batch")
    assert vm.status is VMStatus.SHUTOFF
    with pytest.raises(ValidationError) as caught:
        await client.instances.reboot(vm.instance_id)
    err = caught.value
    assert err.status == 400 and err.error_code == "invalid_state" and "SHUTOFF" in err.message
    assert err.request_id == sim.requests.of("rebootInstance")[-1].request_id
    assert str(err).startswith("400 Bad Request: Instance ") and str(err).endswith(
        f"(request {err.request_id})"
    )


async def test_public_ip_and_security_rules_change_the_instance(
    client: BarrackClient, sim: Simulator, clock: ManualClock
) -> None:
    vm_id = await deployed_active(client, sim, clock, "api-net")
    toggled = await client.instances.toggle_public_ip(vm_id)
    assert toggled.public_ip is False and toggled.ip_address is None
    assert (await client.instances.get(vm_id)).instance.ip_status is IpStatus.NONE
    assert (await client.instances.toggle_public_ip(vm_id, public_ip=False)).public_ip is False
    switched_on = await client.instances.toggle_public_ip(vm_id, public_ip=True)
    assert switched_on.public_ip is True and switched_on.ip_address

    added = await client.instances.add_security_rule(vm_id, SSH_RULE)
    assert added.rule.port_range_max == 22 and added.tier is Tier.LEGACY
    rules = (await client.instances.get(vm_id)).instance.security_rules
    assert [r.rule_id for r in rules] == [added.rule.rule_id]

    removed = await client.instances.remove_security_rule(vm_id, added.rule.rule_id)
    assert_fully_typed(removed)
    assert removed.rule_id == added.rule.rule_id
    assert (await client.instances.get(vm_id)).instance.security_rules == []


async def test_instance_billing_records_cost_by_the_minute(
    client: BarrackClient, sim: Simulator, clock: ManualClock
) -> None:
    vm_id = await deployed_active(client, sim, clock, "api-bill")
    clock.advance(600)
    bill = await client.instances.billing(vm_id)
    assert_fully_typed(bill)
    assert bill.records and all(r.instance_id == vm_id for r in bill.records)
    for record in bill.records:
        # on the wire the rate is rounded to 6 places and the cost to 4
        assert record.total_cost == pytest.approx(
            record.total_duration_minutes * record.per_minute_rate, rel=1e-3, abs=1e-3
        )
    open_record = next(r for r in bill.records if r.end_time is None)
    assert open_record.status == "active"
    detail = (await client.instances.get(vm_id)).instance
    assert open_record.per_minute_rate == pytest.approx(detail.hourly_rate / 60, rel=1e-3)
    assert detail.status_changed_at is not None and open_record.start_time == detail.status_changed_at
    active_minutes = (clock.now() - detail.status_changed_at).total_seconds() / 60
    assert active_minutes >= 10
    assert open_record.total_duration_minutes == pytest.approx(active_minutes, abs=0.01)


async def test_deploy_refusals_are_typed(client: BarrackClient, sim: Simulator) -> None:
    sim.world.set_free("L40", "CANADA-1", 0)
    with pytest.raises(ServerError) as no_stock:
        await client.deploy(l40("api-nostock"))
    assert no_stock.value.status == 503 and no_stock.value.error_code == "no_capacity"

    sim.world.set_free("L40", "CANADA-1", 8)
    with pytest.raises(PayloadTooLargeError):
        await client.deploy(l40("api-big", cloud_init="#" * (16 * 1024 + 1)))
    with pytest.raises(ValidationError) as wrong_region:
        await client.deploy(l40("api-region", region="FINLAND-1"))
    assert "CANADA-1" in wrong_region.value.message
    with pytest.raises(NotFoundError):
        await client.deploy(l40("api-nokey", ssh_key="no-such-key"))

    sim.world.set_balance(0.5)
    with pytest.raises(PaymentRequiredError) as broke:
        await client.deploy(l40("api-broke"))
    assert str(broke.value).startswith("402 Insufficient Credits")
    assert all(vm.vm_name.startswith("api-") is False for vm in (await client.instances.list()).instances)


async def test_a_wrong_key_is_an_auth_error(app: Starlette, sleep: RecordingSleep) -> None:
    import httpx

    async with BarrackClient(
        SecretStr("sk_wrong_key_123"), "http://sim/api/", transport=httpx.ASGITransport(app=app), sleep=sleep
    ) as client:
        with pytest.raises(AuthError) as caught:
            await client.balance.get()
    assert caught.value.status == 401 and caught.value.error_code == "invalid_api_key"
    assert "sk_wrong_key_123" not in str(caught.value) + repr(caught.value)


async def test_paging_follows_page_and_limit(client: BarrackClient) -> None:
    everything = await client.instances.list()
    page2 = await client.instances.list(page=2, limit=5)
    assert page2.total == everything.total and page2.total_pages == -(-(everything.total or 0) // 5)
    assert [vm.instance_id for vm in page2.instances] == [vm.instance_id for vm in everything.instances[5:10]]
    keys = await client.ssh_keys.list(limit=1)
    assert len(keys.ssh_keys) == 1 and keys.total is not None and keys.total > 1


# ---------------------------------------------------------------- volumes


async def test_volume_lifecycle(client: BarrackClient, sim: Simulator, clock: ManualClock) -> None:
    created = (await client.volumes.create("api-data", 100, "SSD", "CANADA-1")).volume
    assert created.status is VolumeStatus.CREATING
    clock.advance(5)
    assert (await client.volumes.get(created.volume_id)).volume.status is VolumeStatus.AVAILABLE

    resized = (await client.volumes.resize(created.volume_id, 200)).volume
    assert resized.size_gb == 200
    with pytest.raises(ValidationError, match="only grow"):
        await client.volumes.resize(created.volume_id, 150)

    clone = (await client.volumes.clone(created.volume_id, "api-data-copy")).volume
    assert clone.volume_id != created.volume_id and clone.size_gb == 200 and clone.region == "CANADA-1"

    vm_id = await deployed_active(client, sim, clock, "api-vol-host")
    attached = await client.volumes.attach(vm_id, [created.volume_id])
    assert attached.attached == [created.volume_id]
    volume = (await client.volumes.get(created.volume_id)).volume
    assert volume.attached_to == vm_id and volume.status is VolumeStatus.IN_USE
    with pytest.raises(ValidationError, match="detach it first"):
        await client.volumes.delete(created.volume_id)
    detached = await client.volumes.detach(vm_id, [created.volume_id])
    assert detached.detached == [created.volume_id]

    deleted = await client.volumes.delete(created.volume_id)
    assert deleted.volume_id == created.volume_id
    listed = await client.volumes.list()
    assert_fully_typed(listed)
    assert created.volume_id not in {v.volume_id for v in listed.volumes}
    finnish = await client.volumes.list(region="FINLAND-1")
    assert finnish.volumes and {v.region for v in finnish.volumes} == {"FINLAND-1"}


async def test_volume_types_and_billing(client: BarrackClient) -> None:
    types = await client.volumes.types()
    assert {(t.tier, t.volume_type) for t in types.volume_types} == {
        (Tier.LEGACY, "SSD"),
        (Tier.ADVANCED, "HDD"),
        (Tier.ADVANCED, "NVMe"),
    }
    bill = await client.volumes.billing()
    assert_fully_typed(bill)
    assert bill.records and bill.summary.total_size_gb
    for record in bill.records:
        assert record.total_cost == pytest.approx(
            record.total_duration_minutes * record.per_minute_rate, rel=1e-3, abs=1e-3
        )


# ---------------------------------------------------------------- firewalls


async def test_firewall_rules_and_attachment(
    client: BarrackClient, sim: Simulator, clock: ManualClock
) -> None:
    protocols = await client.firewalls.protocols()
    assert {p.name: p.supports_ports for p in protocols.protocols} == {
        "tcp": True,
        "udp": True,
        "icmp": False,
    }

    created = (
        await client.firewalls.create("api-fw", "CANADA-1", description="test", rules=[SSH_RULE])
    ).firewall
    assert [r.port_range_min for r in created.rules] == [22]
    rule = (
        await client.firewalls.add_rule(
            created.firewall_id, SSH_RULE.model_copy(update={"port_range_min": 443, "port_range_max": 443})
        )
    ).rule
    assert rule.port_range_max == 443
    removed = await client.firewalls.remove_rule(created.firewall_id, rule.rule_id)
    assert removed.rule_id == rule.rule_id

    vm_id = await deployed_active(client, sim, clock, "api-fw-host")
    attachable = await client.firewalls.attachable_instances(region="CANADA-1")
    assert vm_id in {i.instance_id for i in attachable.instances}
    assert all(i.region == "CANADA-1" for i in attachable.instances)
    attached = await client.firewalls.attach(created.firewall_id, [vm_id])
    assert [a.instance_id for a in attached.attachments] == [vm_id]
    on_vm = await client.instances.firewalls(vm_id)
    assert created.firewall_id in {f.firewall_id for f in on_vm.firewalls}

    with pytest.raises(ValidationError, match="cannot be deleted"):
        await client.firewalls.delete(created.firewall_id)
    detail = (await client.firewalls.get(created.firewall_id)).firewall
    assert_fully_typed(detail)
    assert len(detail.rules) == 1 and detail.attachments[0].instance_id == vm_id

    other = (await client.firewalls.create("api-fw-2", "FINLAND-1")).firewall
    assert (await client.firewalls.delete(other.firewall_id)).firewall_id == other.firewall_id
    names = {f.name for f in (await client.firewalls.list()).firewalls}
    assert "api-fw" in names and "api-fw-2" not in names


# ---------------------------------------------------------------- keys and scripts


async def test_ssh_keys_generated_imported_and_deleted(client: BarrackClient) -> None:
    generated = await client.ssh_keys.create("api-gen")
    assert generated.private_key is not None
    private = generated.private_key.get_secret_value()
    assert "PRIVATE KEY" in private and private not in repr(generated)
    public = generated.ssh_key.public_key
    assert public is not None

    await client.ssh_keys.delete(generated.ssh_key.key_id)
    imported = await client.ssh_keys.create("api-imported", public_key=public)
    assert imported.private_key is None and imported.ssh_key.fingerprint == generated.ssh_key.fingerprint
    fetched = await client.ssh_keys.get(imported.ssh_key.key_id)
    assert fetched.ssh_key.name == "api-imported"
    listed = await client.ssh_keys.list()
    assert_fully_typed(listed)
    assert "api-imported" in {k.name for k in listed.ssh_keys}

    in_use = next(k for k in listed.ssh_keys if k.in_use)
    with pytest.raises(ValidationError, match="in use"):
        await client.ssh_keys.delete(in_use.key_id)


async def test_scripts_crud_and_bulk_delete(client: BarrackClient) -> None:
    made = (await client.scripts.create("api-script", "#!/bin/sh\necho hi\n", description="hello")).script
    assert (await client.scripts.get(made.script_id)).script.content.endswith("echo hi\n")
    updated = (await client.scripts.update(made.script_id, content="#!/bin/sh\necho bye\n")).script
    assert (
        updated.content.endswith("bye\n") and updated.name == "api-script" and updated.description == "hello"
    )
    other = (await client.scripts.create("api-script-2", "#!/bin/sh\n")).script

    assert (await client.scripts.delete(made.script_id)).script_id == made.script_id
    bulk = await client.scripts.delete_many([other.script_id, made.script_id])
    assert bulk.deleted == [other.script_id] and bulk.not_found == [made.script_id]
    listed = await client.scripts.list()
    assert_fully_typed(listed)
    assert not {s.script_id for s in listed.scripts} & {made.script_id, other.script_id}


# ---------------------------------------------------------------- snapshots and images


async def test_snapshot_restore_and_image(client: BarrackClient, clock: ManualClock) -> None:
    eligible = await client.instances.snapshot_eligible()
    assert eligible.instances and all(
        vm.status is VMStatus.ACTIVE and vm.tier is Tier.LEGACY for vm in eligible.instances
    )
    source = eligible.instances[0]
    snap = (await client.snapshots.create(source.instance_id, "api-snap", description="t")).snapshot
    assert snap.status is SnapshotStatus.CREATING
    with pytest.raises(ValidationError, match="needs SUCCESS"):
        await client.snapshots.restore(snap.snapshot_id)
    clock.advance(45)
    assert (await client.snapshots.get(snap.snapshot_id)).snapshot.status is SnapshotStatus.SUCCESS

    restored = (await client.snapshots.restore(snap.snapshot_id, instance_name="api-restored")).instance
    assert restored.status is VMStatus.CREATING and restored.region == source.region
    assert restored.instance_id != source.instance_id

    image = (await client.snapshots.create_image(snap.snapshot_id, "api-image")).image
    assert image.snapshot_id == snap.snapshot_id
    by_snapshot = await client.snapshots.image_of(snap.snapshot_id)
    assert by_snapshot.image_id == image.image_id and by_snapshot.image is not None
    by_image = await client.images.snapshot_of(image.image_id)
    assert by_image.snapshot_id == snap.snapshot_id
    assert (await client.images.get(image.image_id)).image.name == "api-image"
    assert image.image_id in {i.image_id for i in (await client.images.list()).images}

    assert (await client.images.delete(image.image_id)).image_id == image.image_id
    assert (await client.snapshots.delete(snap.snapshot_id)).snapshot_id == snap.snapshot_id
    listed = await client.snapshots.list()
    assert_fully_typed(listed)
    assert snap.snapshot_id not in {s.snapshot_id for s in listed.snapshots}
    bill = await client.snapshots.billing()
    assert_fully_typed(bill)
    assert snap.snapshot_id in {r.snapshot_id for r in bill.records}


# ---------------------------------------------------------------- AI


async def test_chat_answers_and_usage_is_recorded(client: BarrackClient) -> None:
    models = await client.ai.models()
    assert_fully_typed(models)
    model = models.data[0].id
    summary_before = await client.ai.usage_summary()
    history_before = await client.ai.usage_history()

    answer = await client.ai.chat(
        model, [{"role": "user", "content": "What is running and what does it cost?"}]
    )
    assert answer.text and answer.model == model and answer.usage is not None
    assert answer.usage.total_tokens == answer.usage.prompt_tokens + answer.usage.completion_tokens

    history = await client.ai.usage_history()
    assert_fully_typed(history)
    assert len(history.transactions) == len(history_before.transactions) + 1
    summary = await client.ai.usage_summary()
    assert summary.total_requests == summary_before.total_requests + 1
    assert summary.total_tokens == summary_before.total_tokens + answer.usage.total_tokens


async def test_a_buffered_chat_stream_yields_the_same_answer(client: BarrackClient) -> None:
    messages = [{"role": "user", "content": "/tokens 25"}]
    async with client.ai.chat_stream("barrack-assistant-small", messages, include_usage=True) as stream:
        deltas = [d async for d in stream]
    assert len(deltas) == 25 and stream.finish_reason == "stop"
    assert stream.usage is not None and stream.usage.completion_tokens == 25
    whole = await client.ai.chat("barrack-assistant-small", messages)
    assert "".join(deltas) == whole.text
    assert whole.usage is not None and whole.usage.cost is not None and whole.usage.cost > 0


async def test_a_garbled_or_cut_chat_stream_is_reported(client: BarrackClient, sim: Simulator) -> None:
    messages = [{"role": "user", "content": "/tokens 10"}]
    sim.faults.add("chatWithAi", "malformed", after_tokens=2)
    with pytest.raises(ResponseValidationError, match="Malformed chunk"):
        async for _ in client.ai.chat_stream("barrack-assistant-small", messages):
            pass
    sim.faults.add("chatWithAi", "truncated", after_tokens=4)
    with pytest.raises(StreamInterruptedError) as caught:
        async for _ in client.ai.chat_stream("barrack-assistant-small", messages):
            pass
    assert len(caught.value.partial_text) > 0


# ---------------------------------------------------------------- injected faults


async def test_a_rate_limited_list_is_retried_after_the_servers_wait(
    client: BarrackClient, sim: Simulator, sleep: RecordingSleep
) -> None:
    sim.faults.add("listInstances", "rate_limit", retry_after=2)
    listed = await client.instances.list()
    assert listed.instances
    assert sleep.delays == [2.0]
    assert [r.status for r in sim.requests.of("listInstances")] == [429, 200]


async def test_server_errors_are_retried_twice_then_raised(
    client: BarrackClient, sim: Simulator, events: list[RequestEvent]
) -> None:
    sim.faults.add("getGpuStocks", "status", status=502, times=None)
    with pytest.raises(ServerError) as caught:
        await client.catalog.gpu_stocks()
    assert caught.value.status == 502 and "simulated fault" in caught.value.message
    assert len(sim.requests.of("getGpuStocks")) == 3
    assert [e.attempt for e in events if e.operation == "getGpuStocks"] == [1, 2, 3]


async def test_a_failed_deploy_is_not_resent(client: BarrackClient, sim: Simulator) -> None:
    sim.world.set_free("L40", "CANADA-1", 8)
    sim.faults.add("createInstance", "status", status=500)
    with pytest.raises(ServerError):
        await client.deploy(l40("api-once"))
    assert len(sim.requests.of("createInstance")) == 1


async def test_a_malformed_body_is_a_response_validation_error(client: BarrackClient, sim: Simulator) -> None:
    sim.faults.add("getCreditBalance", "malformed")
    with pytest.raises(ResponseValidationError) as caught:
        await client.balance.get()
    assert caught.value.status == 200 and caught.value.request_id
    assert "<html>" in (caught.value.body or "")


async def test_a_deploy_dropped_after_commit_is_ambiguous_in_process(
    client: BarrackClient, sim: Simulator
) -> None:
    sim.world.set_free("L40", "CANADA-1", 8)
    sim.faults.add("createInstance", "commit_then_drop")
    with pytest.raises(AmbiguousOutcomeError):
        await client.deploy(l40("api-dropped"))
    assert len(sim.requests.of("createInstance")) == 1
    names = [vm.vm_name for vm in (await client.instances.list()).instances]
    assert names.count("api-dropped") == 1
