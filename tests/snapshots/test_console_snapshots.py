"""Snapshots of the console's core screens at 120x36, fixed seed and clock."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from barrack_tui.screens.instance_details import InstanceDetailsScreen
from barrack_tui.screens.login import LoginScreen
from barrack_tui.widgets.resource_table import ResourceTable
from tests.ui.harness import SIZE, make_app, still, wait_for_instances, wait_until


def first_with_status(sim_app: Any, status: str) -> Any:
    return next(vm for vm in sim_app.state.sim.world.instances.values() if vm.status == status)


async def on_row(pilot: Any, instance_id: str) -> None:
    await wait_for_instances(pilot)
    pilot.app.screen.query_one("#instances", ResourceTable).cursor_key = instance_id
    await pilot.pause()


def test_instances_screen(snap_compare: Any, make_sim: Any, clock: Any) -> None:
    app = make_app(make_sim(), clock)
    assert snap_compare(app, terminal_size=SIZE, run_before=wait_for_instances)


def test_instance_details(snap_compare: Any, make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    vm = first_with_status(sim_app, "ACTIVE")
    app = make_app(sim_app, clock)

    async def open_details(pilot: Any) -> None:
        await on_row(pilot, vm.instance_id)
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, InstanceDetailsScreen) and app.screen.detail is not None,
            what="details",
        )

    assert snap_compare(app, terminal_size=SIZE, run_before=open_details)


def test_stop_confirmation(snap_compare: Any, make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    vm = first_with_status(sim_app, "ACTIVE")
    app = make_app(sim_app, clock)

    async def confirm_stop(pilot: Any) -> None:
        await on_row(pilot, vm.instance_id)
        await pilot.press("x")
        await pilot.pause()
        still(app)

    assert snap_compare(app, terminal_size=SIZE, run_before=confirm_stop)


def test_hibernate_confirmation(snap_compare: Any, make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    vm = first_with_status(sim_app, "ACTIVE")
    app = make_app(sim_app, clock)

    async def confirm_hibernate(pilot: Any) -> None:
        await on_row(pilot, vm.instance_id)
        await pilot.press("h")
        await pilot.pause()
        still(app)

    assert snap_compare(app, terminal_size=SIZE, run_before=confirm_hibernate)


def test_delete_confirmation_with_typed_name(snap_compare: Any, make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    vm = first_with_status(sim_app, "SHUTOFF")
    app = make_app(sim_app, clock)

    async def confirm_delete(pilot: Any) -> None:
        await on_row(pilot, vm.instance_id)
        await pilot.press("delete")
        await pilot.pause()
        app.screen.query_one("#typed", Input).value = vm.vm_name[:4]
        await pilot.pause()
        still(app)

    assert snap_compare(app, terminal_size=SIZE, run_before=confirm_delete)


def test_help_screen(snap_compare: Any, make_sim: Any, clock: Any) -> None:
    app = make_app(make_sim(), clock)

    async def open_help(pilot: Any) -> None:
        await wait_for_instances(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_help)


def test_login_modal(snap_compare: Any, make_sim: Any, clock: Any) -> None:
    """What a headless SSH box without a Secret Service sees at the first start."""
    from pathlib import Path

    from barrack_tui.keystore import KeyringProblem, KeyringProblemKind

    problem = KeyringProblem(KeyringProblemKind.NO_BACKEND, "no keyring backend")
    login = LoginScreen(
        "default", keyring_problem=problem, plaintext_path=Path("/home/you/.config/barrack-tui/credentials-default")
    )
    app = make_app(make_sim(), clock, api_key=None, obtain_key=lambda app: app.push_screen_wait(login))

    async def settle(pilot: Any) -> None:
        await wait_until(pilot, lambda: app.screen is login, what="the login modal")
        still(app)

    assert snap_compare(app, terminal_size=SIZE, run_before=settle)
