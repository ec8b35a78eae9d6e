"""A row's stamp holds exactly as long as what the row shows stays the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from barrack_tui.api.models import UserVM
from barrack_tui.screens.instances import RowStamp, instance_row

START = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def vm(**fields: object) -> UserVM:
    base: dict[str, object] = {
        "instance_id": "BRK-000001A", "vm_name": "trainer", "status": "ACTIVE", "region": "CANADA-1",
        "tier": "advanced", "gpu_model": "H100-SXM5-80GB", "gpu_count": 8, "hourly_rate": 21.52,
        "created_at": START, "status_changed_at": START, "accrued_cost": 0.0, "ip_address": "203.0.113.7",
    }
    return UserVM.model_validate({**base, **fields})


def test_a_stamp_holds_while_costs_and_uptimes_move_within_the_shown_cent_and_minute() -> None:
    made_at = START + timedelta(seconds=30)
    stamp_vm = vm(accrued_cost=21.52 * 30 / 3600)
    stamp, row = RowStamp.of(stamp_vm, made_at.timestamp()), instance_row(stamp_vm, made_at)
    held = 0
    for step in range(30, 3 * 3600, 7):
        now = START + timedelta(seconds=step)
        instance = vm(accrued_cost=21.52 * step / 3600)
        same = instance_row(instance, now) == row
        assert stamp.holds(instance, now.timestamp()) == same, step
        held += same
        if not same:
            stamp, row = RowStamp.of(instance, now.timestamp()), instance_row(instance, now)
    assert 0 < held < 3 * 3600 / 7  # some polls kept the row, others moved it


def test_every_shown_field_breaks_the_stamp() -> None:
    now = (START + timedelta(hours=1)).timestamp()
    stamp = RowStamp.of(vm(), now)
    assert stamp.holds(vm(), now)
    for change in (
        {"vm_name": "other"}, {"status": "SHUTOFF"}, {"ip_address": None}, {"public_ip": True},
        {"gpu_count": 4}, {"tier": "standard"}, {"region": "NORWAY-1"}, {"hourly_rate": 9.0},
        {"accrued_cost": 0.01}, {"status_changed_at": START + timedelta(minutes=1)},
    ):
        assert not stamp.holds(vm(**change), now), change


def test_a_cost_crossing_100_breaks_the_stamp_with_its_format() -> None:
    below, above = vm(accrued_cost=99.999), vm(accrued_cost=100.2)
    assert instance_row(below, START)["cost"] != instance_row(above, START)["cost"]
    assert not RowStamp.of(below, START.timestamp()).holds(above, START.timestamp())


def test_an_instance_that_is_not_active_shows_no_uptime_and_its_stamp_holds_forever() -> None:
    stopped = vm(status="SHUTOFF")
    assert instance_row(stopped, START)["uptime"].value == "—"
    assert RowStamp.of(stopped, START.timestamp()).holds(stopped, (START + timedelta(days=30)).timestamp())


def test_a_stamp_holds_exactly_when_the_shown_cost_is_the_same_near_every_rounding_edge() -> None:
    now = START.timestamp()
    costs: list[float | None] = [None, 0.0, 0.004, 0.005, 0.0051, 12.345, 12.3449, 12.3451, 99.994,
                                 99.995, 99.9951, 99.999, 100.0, 100.49, 100.5, 100.51, 101.4999, 2500.5]
    costs += [round(99.98 + step * 0.0007, 6) for step in range(60)]
    for made in costs:
        stamp, row = RowStamp.of(vm(accrued_cost=made), now), instance_row(vm(accrued_cost=made), START)
        for cost in costs:
            same = instance_row(vm(accrued_cost=cost), START)["cost"] == row["cost"]
            assert stamp.holds(vm(accrued_cost=cost), now) == same, (made, cost)
