"""A row's signature moves exactly when what the row shows moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from barrack_tui.api.models import UserVM
from barrack_tui.screens.instances import instance_row, row_signature

START = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def vm(**fields: object) -> UserVM:
    base: dict[str, object] = {
        "instance_id": "BRK-000001A", "vm_name": "trainer", "status": "ACTIVE", "region": "CANADA-1",
        "tier": "advanced", "gpu_model": "H100-SXM5-80GB", "gpu_count": 8, "hourly_rate": 21.52,
        "created_at": START, "status_changed_at": START, "accrued_cost": 0.0, "ip_address": "203.0.113.7",
    }
    return UserVM.model_validate({**base, **fields})


def test_costs_and_uptimes_change_the_signature_only_when_the_text_changes() -> None:
    rows: dict[tuple[object, ...], dict[str, object]] = {}
    for step in range(0, 24 * 3600, 97):
        now = START + timedelta(seconds=step)
        instance = vm(accrued_cost=21.52 * step / 3600)
        signature, row = row_signature(instance, now), instance_row(instance, now)
        assert rows.setdefault(signature, row) == row, (step, signature)


def test_every_shown_field_is_in_the_signature() -> None:
    now = START + timedelta(hours=1)
    base = row_signature(vm(), now)
    for change in (
        {"vm_name": "other"}, {"status": "SHUTOFF"}, {"ip_address": None}, {"public_ip": True},
        {"gpu_count": 4}, {"tier": "standard"}, {"region": "NORWAY-1"}, {"hourly_rate": 9.0},
        {"accrued_cost": 0.01}, {"status_changed_at": START + timedelta(minutes=1)},
    ):
        assert row_signature(vm(**change), now) != base, change


def test_a_cost_crossing_100_changes_the_signature_with_its_format() -> None:
    now = START
    below, above = vm(accrued_cost=99.999), vm(accrued_cost=100.2)
    assert instance_row(below, now)["cost"] != instance_row(above, now)["cost"]
    assert row_signature(below, now) != row_signature(above, now)
