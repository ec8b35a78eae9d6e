"""The models parse the documented examples completely, and stay tolerant of the unknown."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pydantic
import pytest
from api_helpers import assert_fully_typed, load

from barrack_tui.api.models import (
    BillingStatus,
    Currency,
    DeploymentRequest,
    DeploymentResponse,
    InstanceBillingResponse,
    ListUserVMsResponse,
    PricingResponse,
    RemoveVMSecurityRuleResponse,
    SnapshotBillingResponse,
    Tier,
    VMStatus,
    VolumeHourlyBillingResponse,
    VolumeType,
)


def test_seed_deploy_201_parses_with_every_field_typed() -> None:
    raw = load("deploy_201_seed.json")
    resp = DeploymentResponse.model_validate_json(json.dumps(raw))
    assert_fully_typed(resp)
    data = resp.data
    assert resp.tier is Tier.ADVANCED
    assert resp.request_id == "a1b2c3d4"
    assert resp.timestamp == datetime(2025, 1, 15, 10, 30, tzinfo=UTC)
    assert data.instance_id == "BRK-A1B2C3D"
    assert data.status is VMStatus.CREATING and data.status.is_transitional
    assert data.ip_address is None and data.ip_status == "pending"
    gpu = data.billing.breakdown.compute.gpu
    assert (gpu.model, gpu.count, gpu.hourly_rate) == ("H100-SXM5-80GB", 4, 9.96)
    os_volume = data.billing.breakdown.storage.os_volume
    assert os_volume is not None and os_volume.type is VolumeType.NVME and os_volume.size_gb == 100
    assert data.billing.breakdown.storage.data_volumes == []
    assert data.billing.total_hourly_rate == pytest.approx(gpu.hourly_rate + os_volume.hourly_rate)
    assert data.billing.currency is Currency.USD
    assert (data.specs.ram_gb, data.specs.vcpus, data.specs.storage_gb) == (740, 176, 100)
    assert data.features.startup_script_configured is False
    assert data.boot_source == "image"


def test_seed_deploy_request_round_trips_to_the_same_body() -> None:
    raw = load("deploy_request_seed.json")
    request = DeploymentRequest.model_validate(raw)
    assert request.to_body() == raw


def test_deploy_request_rejects_a_misspelt_field() -> None:
    with pytest.raises(pydantic.ValidationError):
        DeploymentRequest.model_validate(
            {"gpu_model": "L40", "gpu_count": 1, "region": "CANADA-1", "ssh_kye": "k"}
        )


def test_documented_pricing_example_parses_with_every_field_typed() -> None:
    resp = PricingResponse.model_validate_json(json.dumps(load("pricing_post_200.json")))
    assert_fully_typed(resp)
    data = resp.pricing_data
    assert data.gpus is not None and data.volumes is not None and data.snapshots is not None
    h100 = data.gpus.pricing[Tier.ADVANCED]["H100-SXM5-80GB"]
    assert (h100.prices.USD, h100.prices.EUR, h100.prices.INR, h100.max_count) == (2.49, 2.69, 209.0, 8)
    assert isinstance(h100.prices.INR, float)
    a6000 = data.gpu_price("RTX-A6000")
    assert a6000 is not None and a6000.max_count == 4
    assert data.gpu_price("nope") is None
    assert data.volumes.pricing[Tier.ADVANCED][VolumeType.NVME].prices.in_currency("EUR") == 0.35
    assert data.snapshots.pricing[Tier.LEGACY].fixed_size_gb == 100
    assert data.metadata is not None and data.metadata.timestamp == 1702234567
    assert data.metadata.supported_tiers == [Tier.LEGACY, Tier.ADVANCED]
    assert data.quote is None


def test_documented_instance_billing_example_parses_with_every_field_typed() -> None:
    resp = InstanceBillingResponse.model_validate_json(json.dumps(load("instance_billing_200.json")))
    assert_fully_typed(resp)
    record = resp.records[0]
    assert record.status is BillingStatus.ACTIVE and record.end_time is None
    assert record.total_cost == pytest.approx(record.total_duration_minutes * record.per_minute_rate)
    assert (resp.summary.total_minutes, resp.summary.hibernated_count, resp.summary.total_cost) == (
        19110,
        1,
        1810.95,
    )
    assert (resp.total, resp.page, resp.limit, resp.total_pages) == (17, 1, 20, 1)


def test_documented_volume_billing_example_parses_with_every_field_typed() -> None:
    resp = VolumeHourlyBillingResponse.model_validate_json(json.dumps(load("volume_billing_200.json")))
    assert_fully_typed(resp)
    record = resp.records[0]
    assert record.tier is Tier.ADVANCED  # the example writes "Advanced"
    assert record.start_time == datetime(2025, 1, 15, 10, 0)  # no zone in this example
    assert resp.summary.total_size_gb == 1000


def test_documented_snapshot_billing_example_parses_with_every_field_typed() -> None:
    resp = SnapshotBillingResponse.model_validate_json(json.dumps(load("snapshot_billing_200.json")))
    assert_fully_typed(resp)
    assert resp.tier is Tier.LEGACY
    assert resp.records[0].status is BillingStatus.COMPLETED
    assert resp.summary.total_cost == 2


def test_documented_remove_rule_schema_parses() -> None:
    resp = RemoveVMSecurityRuleResponse.model_validate(load("remove_security_rule_200.json"))
    assert (resp.instance_id, resp.rule_id) == ("string", "string")
    assert resp.tier == "string" and not resp.tier.known


def _vm(i: int, **changes: Any) -> dict[str, Any]:
    row = {
        "instance_id": f"BRK-{i:07d}",
        "vm_name": f"vm-{i}",
        "status": "ACTIVE",
        "region": "CANADA-1",
        "tier": "legacy",
        "gpu_model": "L40",
        "gpu_count": 1,
        "ip_address": "10.0.0.1",
        "ip_status": "assigned",
        "public_ip": True,
        "hourly_rate": 1.2,
        "current_hourly_rate": 1.2,
        "accrued_cost": 0.5,
        "currency": "USD",
        "created_at": "2025-01-15T10:30:00Z",
        "status_changed_at": "2025-01-15T10:31:00Z",
        "boot_source": "image",
        "operating_system": "Ubuntu",
        "ssh_key": "laptop",
    }
    return row | changes


def test_unknown_fields_and_values_are_kept_not_fatal() -> None:
    body = {
        "success": True,
        "instances": [_vm(1, status="MIGRATING", gpu_topology="nvlink", tier="Legacy")],
        "next_cursor": "abc",
    }
    resp = ListUserVMsResponse.model_validate_json(json.dumps(body))
    vm = resp.instances[0]
    assert vm.status == "MIGRATING" and isinstance(vm.status, VMStatus) and not vm.status.known
    assert vm.status.allowed_actions == {"delete"}
    assert vm.tier is Tier.LEGACY
    assert vm.model_extra == {"gpu_topology": "nvlink"}
    assert resp.model_extra == {"next_cursor": "abc"}


def test_vm_status_helpers_follow_the_state_table() -> None:
    assert VMStatus("ACTIVE").allowed_actions == {"stop", "reboot", "hibernate", "delete"}
    assert VMStatus.SHUTOFF.allowed_actions == {"start", "hibernate", "delete"}
    assert VMStatus.HIBERNATED.allowed_actions == {"restore", "delete"}
    assert VMStatus.STOPPING.allowed_actions == frozenset()
    assert VMStatus("weird") is VMStatus("weird")


def test_a_list_of_ten_thousand_instances_parses_from_bytes() -> None:
    rows = [_vm(i) for i in range(10_000)]
    body = json.dumps(
        {"success": True, "instances": rows, "total": 10_000, "page": 1, "limit": 10_000}
    ).encode()
    resp = ListUserVMsResponse.model_validate_json(body)
    assert len(resp.instances) == 10_000
    assert resp.instances[-1].instance_id == "BRK-0009999"
    assert resp.instances[0].status is VMStatus.ACTIVE


def test_every_model_is_exported_by_name_and_loaded_on_first_use() -> None:
    import importlib
    import inspect
    import subprocess
    import sys

    from barrack_tui.api import models

    for module_name in set(models._MODULE_OF.values()):
        module = importlib.import_module(f"barrack_tui.api.models.{module_name}")
        defined = {
            name
            for name, value in vars(module).items()
            if inspect.isclass(value) and value.__module__ == module.__name__ and not name.startswith("_")
        }
        assert defined <= set(models._MODULE_OF), f"add {sorted(defined - set(models._MODULE_OF))} to _NAMES"
    assert all(getattr(models, name).__name__ == name for name in models.__all__)
    # A fresh interpreter that lists instances loads none of the other resources' models.
    probe = (
        "import sys; from barrack_tui.api.models import ListUserVMsResponse; "
        "print(sorted(m for m in sys.modules if m.startswith('barrack_tui.api.models.')))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    prefix = "barrack_tui.api.models."
    assert f"'{prefix}instances'" in loaded
    assert f"'{prefix}volumes'" not in loaded and f"'{prefix}ai'" not in loaded
    # Nor the details, the actions' answers or the deploy shapes.
    for later in ("instance_details", "instance_actions", "deploy"):
        assert f"'{prefix}{later}'" not in loaded
