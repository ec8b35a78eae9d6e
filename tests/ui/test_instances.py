"""Flows on the instances screen, through Pilot, against the in-process simulator."""

from __future__ import annotations

from typing import Any

from textual.widgets import Button, Footer, Input

from barrack_tui.live.engine import Connection
from barrack_tui.live.topics import Topic
from barrack_tui.screens.confirm import ConfirmActionScreen
from barrack_tui.screens.instances import InstancesScreen
from barrack_tui.widgets.account_bar import AccountBar
from barrack_tui.widgets.resource_table import ResourceTable
from tests.ui.harness import (
    SIZE,
    click_button,
    make_app,
    refresh_now,
    wait_for_instances,
    wait_for_refreshes,
    wait_until,
)


def world_instances(sim_app: Any) -> dict[str, Any]:
    return sim_app.state.sim.world.instances


def mutating(sim_app: Any) -> list[Any]:
    return [r for r in sim_app.state.sim.requests if r.method != "GET" and r.operation != "postPricing"]


def first_with_status(sim_app: Any, status: str) -> Any:
    return next(vm for vm in world_instances(sim_app).values() if vm.status == status)


def table(app: Any) -> ResourceTable:
    return app.screen.query_one("#instances", ResourceTable)


async def test_demo_start_shows_the_seeded_instances(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_instances(pilot)
        assert isinstance(app.screen, InstancesScreen)
        shown = set(table(app).row_keys)
        assert shown == set(world_instances(sim_app))
        assert len(shown) >= 10
        some = next(iter(world_instances(sim_app).values()))
        assert table(app).get_row(some.instance_id) is not None
        bar = str(app.screen.query_one(AccountBar).visual)
        assert "Balance $" in bar and "live" in bar
        # One list request per cycle, never one per row.
        assert len(sim_app.state.sim.requests.of("listInstances")) == 1
        assert not sim_app.state.sim.requests.of("getInstance")


async def test_stop_asks_first_shows_the_transition_and_ends_shutoff(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    vm = first_with_status(sim_app, "ACTIVE")
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_instances(pilot)
        table(app).cursor_key = vm.instance_id
        await pilot.press("x")
        # Asked from a worker, which Pilot's pauses do not wait for.
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen), "the confirmation")
        assert "billed at the full rate" in str(app.screen.query_one("#note").visual)
        assert not sim_app.state.sim.requests.of("stopInstance")
        await click_button(pilot, "#confirm")
        await wait_until(pilot, lambda: isinstance(app.screen, InstancesScreen), "the confirmation to close")
        # The request runs in a worker, which Pilot's pauses do not wait for.
        await wait_until(
            pilot, lambda: "STOPPING" in str(table(app).get_row(vm.instance_id)), "the row to show STOPPING"
        )
        assert len(sim_app.state.sim.requests.of("stopInstance")) == 1
        assert app.services.engine.data(Topic.INSTANCES)[vm.instance_id].status == "STOPPING"
        await wait_for_refreshes(pilot)
        clock.advance(15)
        await refresh_now(pilot)
        assert app.services.engine.data(Topic.INSTANCES)[vm.instance_id].status == "SHUTOFF"
        assert table(app).cursor_key == vm.instance_id


async def test_cancelled_confirmation_sends_nothing(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    vm = first_with_status(sim_app, "ACTIVE")
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_instances(pilot)
        table(app).cursor_key = vm.instance_id
        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen), "the confirmation")
        await pilot.press("escape")
        await pilot.pause()
        assert mutating(sim_app) == []


async def test_delete_needs_the_typed_name(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    vm = first_with_status(sim_app, "SHUTOFF")
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_instances(pilot)
        table(app).cursor_key = vm.instance_id
        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen), "the confirmation")
        screen = app.screen
        assert isinstance(screen, ConfirmActionScreen)
        confirm = screen.query_one("#confirm", Button)
        assert confirm.disabled
        await pilot.press(*"wrong-name", "enter")
        await pilot.pause()
        assert confirm.disabled and app.screen is screen
        screen.query_one("#typed", Input).value = ""
        await pilot.press(*vm.vm_name)
        await pilot.pause()
        assert not confirm.disabled
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: "DELETING" in str(table(app).get_row(vm.instance_id)), "the row to show DELETING"
        )
        assert len(sim_app.state.sim.requests.of("deleteInstance")) == 1
        await wait_for_refreshes(pilot)
        clock.advance(30)
        await refresh_now(pilot)
        assert vm.instance_id not in table(app).row_keys


async def test_filter_as_you_type_and_sort(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_instances(pilot)
        total = len(table(app).row_keys)
        await pilot.press("slash", *"llama")
        await pilot.pause()
        names = {world_instances(sim_app)[k].vm_name for k in table(app).row_keys}
        assert names and all("llama" in n for n in names)
        assert len(names) < total
        await pilot.press("escape")
        await pilot.pause()
        assert len(table(app).row_keys) == total

        table(app).sort_by("rate", reverse=True)
        await pilot.pause()
        cached = app.services.engine.data(Topic.INSTANCES)
        rates = [cached[k].hourly_rate for k in table(app).row_keys]
        assert rates == sorted(rates, reverse=True)


async def test_read_only_sends_no_mutating_request(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    active = first_with_status(sim_app, "ACTIVE")
    app = make_app(sim_app, clock, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_instances(pilot)
        assert "READ-ONLY" in str(app.screen.query_one(AccountBar).visual)
        table(app).cursor_key = active.instance_id
        for key in ("x", "u", "b", "h", "w", "i", "delete", "d"):
            await pilot.press(key)
            await pilot.pause()
            if isinstance(app.screen, ConfirmActionScreen):
                await pilot.click("#confirm")
        await pilot.press("enter")  # details screen: same keys
        await pilot.pause()
        for key in ("x", "h", "delete", "plus", "minus"):
            await pilot.press(key)
            await pilot.pause()
        assert mutating(sim_app) == []


async def test_a_500_during_refresh_shows_stale_data_then_recovers(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_instances(pilot)
        keys = list(table(app).row_keys)
        sim_app.state.sim.faults.add("listInstances", "status", status=500, times=None)
        await refresh_now(pilot)
        await refresh_now(pilot)
        assert app.services.engine.connection is Connection.STALE
        assert table(app).stale
        assert list(table(app).row_keys) == keys  # nothing lost
        bar = str(app.screen.query_one(AccountBar).visual)
        assert "stale since" in bar and "500" in bar

        sim_app.state.sim.faults.clear()
        await refresh_now(pilot)
        assert app.services.engine.connection is Connection.LIVE
        assert not table(app).stale
        assert "live" in str(app.screen.query_one(AccountBar).visual)


async def test_the_palette_offers_the_screens_actions_and_every_instance(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    vm = first_with_status(sim_app, "ACTIVE")
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_instances(pilot)
        titles = {command.title: command for command in app.get_system_commands(app.screen)}
        assert {"Go to Volumes", "Deploy a new instance", "Stop", "Hibernate", "Delete"} <= set(titles)
        assert f"Instance {vm.vm_name} ({vm.instance_id})" in titles
        table(app).cursor_key = vm.instance_id
        await titles["Stop"].callback()
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen), "the confirmation")
        await pilot.press("escape")
        titles[f"Instance {vm.vm_name} ({vm.instance_id})"].callback()
        await pilot.pause()
        from barrack_tui.screens.instance_details import InstanceDetailsScreen

        assert isinstance(app.screen, InstanceDetailsScreen) and app.screen.instance_id == vm.instance_id


async def test_a_big_fleet_is_shown_a_pass_at_a_time_then_kept_up_to_date(
    make_sim: Any, clock: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(InstancesScreen, "ROWS_PER_PASS", 7)
    monkeypatch.setattr(InstancesScreen, "FIRST_PASS_ROWS", 3)
    passes: list[int] = []
    update_rows = ResourceTable.update_rows

    def counted(self: ResourceTable, rows: Any, *args: Any) -> None:
        passes.append(len(rows))
        update_rows(self, rows, *args)

    monkeypatch.setattr(ResourceTable, "update_rows", counted)
    sim_app = make_sim(scenario="fleet", fleet_size=30)
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_instances(pilot)
        await wait_until(pilot, lambda: len(table(app).row_keys) == 30, "every row")
        assert passes[:6] == [3, 7, 7, 7, 6]
        assert table(app).row_keys == list(world_instances(sim_app))  # the API's order

        # Later polls rebuild only the rows whose text moved, and drop deleted ones.
        passes.clear()
        gone = first_with_status(sim_app, "ACTIVE")
        assert app.services is not None
        await app.services.client.instances.delete(gone.instance_id)
        clock.advance(3600)
        await refresh_now(pilot)
        await wait_until(pilot, lambda: gone.instance_id not in table(app).row_keys, "the deleted row to go")
        assert len(table(app).row_keys) == len(world_instances(sim_app)) == 29
        assert passes and all(size <= 7 for size in passes)


async def test_the_collector_is_tuned_once_after_the_first_instances(
    make_sim: Any, clock: Any, monkeypatch: Any
) -> None:
    import barrack_tui.app
    import barrack_tui.gc_tuning

    settled: list[str] = []
    monkeypatch.setattr(barrack_tui.gc_tuning, "settle_after_startup", lambda: settled.append("frozen"))
    monkeypatch.setattr(barrack_tui.app, "SETTLE_DELAY", 0.01)
    app = make_app(make_sim(), clock, tune_gc=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_instances(pilot)
        await wait_until(pilot, lambda: "frozen" in settled, "the collector tuned")
        await refresh_now(pilot)
        await pilot.pause(0.05)
    assert settled == ["frozen"]


async def test_the_footer_follows_the_first_rows_and_comes_without_them_too(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_instances(pilot)
        await wait_until(pilot, lambda: app.screen.query(Footer), "the footer after the rows")

    slow = make_sim()
    slow.state.sim.faults.add("listInstances", "latency", seconds=5.0, times=None)
    app = make_app(slow, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.screen.query(Footer), "the footer while the list is late")
        assert table(app).total_count == 0
