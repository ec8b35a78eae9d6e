"""Pilot tests of the snapshots & images mode against the in-process simulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Input, Label, Static

from barrack_tui.app import BarrackApp
from barrack_tui.live.topics import Topic
from barrack_tui.screens.resource_forms import ConfirmForm
from barrack_tui.screens.snapshot_forms import (
    CreateImageForm,
    CreateSnapshotForm,
    RestoreSnapshotForm,
)
from barrack_tui.screens.snapshots import SnapshotsScreen
from barrack_tui.sim import ops_instances, ops_snapshots
from tests.ui.harness import (
    SIZE,
    click_button,
    make_app,
    record_notes,
    refresh_now,
    wait_for_instances,
    wait_until,
)

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}


def build(make_sim: Callable[..., Any], clock: Any, **launch: Any) -> tuple[BarrackApp, Any]:
    sim_app = make_sim()
    app = make_app(sim_app, clock, **launch)
    return app, sim_app.state.sim



async def open_mode(pilot: Pilot[None]) -> SnapshotsScreen:
    await wait_for_instances(pilot)
    await pilot.press("4")
    screen = pilot.app.screen
    assert isinstance(screen, SnapshotsScreen)
    await wait_until(pilot, lambda: screen.table("snapshots").total_count and screen.table("images").total_count)
    await wait_until(pilot, lambda: screen.billing is not None)
    return screen


def text_of(widget: Static) -> str:
    content = widget.content
    return content.plain if isinstance(content, Content) else str(content)


def snapshot_named(sim: Any, name: str) -> Any:
    return next((s for s in sim.world.snapshots.values() if s.name == name), None)


def mutations(sim: Any) -> list[Any]:
    return [r for r in sim.requests if r.method in MUTATING]



async def test_three_tables_show_the_account(make_sim: Callable[..., Any], clock: Any) -> None:
    app, sim = build(make_sim, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mode(pilot)
        base = snapshot_named(sim, "sdxl-render-base")
        snapshots = screen.table("snapshots")
        assert set(snapshots.row_keys) == set(sim.world.snapshots)
        row = snapshots.get_row(base.snapshot_id)
        assert row is not None
        assert row["image"] == "sdxl-render-image" and row["source"] == "sdxl-render-01"
        assert row["region"] == "CANADA-1" and row["tier"] == "legacy"
        images = screen.table("images")
        assert images.row_keys == [base.image_id]
        assert images.get_row(base.image_id)["snapshot"] == "sdxl-render-base"  # type: ignore[index]
        assert len(screen.table("os-images").row_keys) == len(sim.world.os_images)


async def test_detail_pane_shows_the_image_link_and_the_billing(make_sim: Callable[..., Any], clock: Any) -> None:
    app, sim = build(make_sim, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mode(pilot)
        base = snapshot_named(sim, "sdxl-render-base")
        screen.table("snapshots").cursor_key = base.snapshot_id
        info = screen.query_one("#snapshot-info", Static)
        await wait_until(pilot, lambda: "sdxl-render-image (" in text_of(info))
        assert sim.requests.of("getSnapshotImageRelationshipBySnapshot")
        assert sim.requests.of("getSnapshotBilling")
        billing = text_of(screen.query_one("#snapshot-billing", Static))
        assert "This snapshot" in billing and "$0.10/h" in billing
        assert "2 billing now" in billing and "$0.20/h" in billing

        await pilot.press("t")
        source = screen.query_one("#image-source", Static)
        await wait_until(pilot, lambda: "sdxl-render-base" in text_of(source))
        assert sim.requests.of("getSnapshotImageRelationshipByImage")


async def test_create_snapshot_after_inline_checks(make_sim: Callable[..., Any], clock: Any) -> None:
    app, sim = build(make_sim, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mode(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, CreateSnapshotForm))
        form = app.screen
        assert sim.requests.of("listSnapshotEligibleInstances")
        name = form.query_one("#name", Input)
        for bad, message in (("a/b", "letters, digits"), ("x" * 51, "at most 50"), ("sdxl-render-base", "already exists")):
            name.value = bad
            await pilot.press("enter")
            await pilot.pause()
            assert message in str(form.query_one("#name-error", Label).content)
        assert app.screen is form
        assert not sim.requests.of("createSnapshot")  # refused before any request

        name.value = "before-upgrade"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen)

        snap = snapshot_named(sim, "before-upgrade")
        assert snap is not None and snap.status == "CREATING"
        assert [r.status for r in sim.requests.of("createSnapshot")] == [200]
        table = screen.table("snapshots")
        await wait_until(pilot, lambda: table.cursor_key == snap.snapshot_id)
        assert screen.check_action("create_image", ()) is None  # not SUCCESS yet

        clock.advance(120)
        await refresh_now(pilot, Topic.SNAPSHOTS)
        assert "SUCCESS" in str(table.get_row(snap.snapshot_id)["status"])  # type: ignore[index]
        assert screen.check_action("create_image", ()) is True


async def test_server_refusal_shows_its_message_and_keeps_the_form(make_sim: Callable[..., Any], clock: Any) -> None:
    app, sim = build(make_sim, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_mode(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, CreateSnapshotForm))
        form = app.screen
        chosen = form.text("instance")
        form.query_one("#name", Input).value = "too-late"
        form.query_one("#description", Input).value = "kept on error"
        with sim.lock:  # the instance is stopped elsewhere while the form is open
            ops_instances.act(sim.world, sim.world.instances[chosen], "stop")
        await pilot.press("enter")
        error = form.query_one("#form-error", Static)
        await wait_until(pilot, lambda: "400" in text_of(error))
        assert "ACTIVE" in text_of(error)
        assert app.screen is form
        assert form.text("name") == "too-late" and form.text("description") == "kept on error"
        assert form.text("instance") == chosen
        assert snapshot_named(sim, "too-late") is None


async def test_restore_makes_a_new_instance(make_sim: Callable[..., Any], clock: Any) -> None:
    app, sim = build(make_sim, clock)
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mode(pilot)
        base = snapshot_named(sim, "sdxl-render-base")
        screen.table("snapshots").cursor_key = base.snapshot_id
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, RestoreSnapshotForm))
        form = app.screen
        assert form.text("instance-name") == "sdxl-render-base-restored"
        preview = form.query_one("#preview", Static)
        await wait_until(pilot, lambda: "live price" in text_of(preview))
        assert "bills like any new instance" in text_of(preview)
        instances_before = set(sim.world.instances)
        await click_button(pilot, "#submit")
        await wait_until(pilot, lambda: app.screen is screen)

        new = set(sim.world.instances) - instances_before
        assert len(new) == 1
        vm = sim.world.instances[new.pop()]
        assert vm.vm_name == "sdxl-render-base-restored" and vm.region == "CANADA-1"
        assert base.snapshot_id in sim.world.snapshots  # the snapshot stays
        assert [r.status for r in sim.requests.of("restoreSnapshot")] == [200]
        assert any("sdxl-render-base-restored" in note and "bills like any instance" in note for note in notes)
        services = app.services
        assert services is not None
        await wait_until(pilot, lambda: vm.instance_id in (services.engine.data(Topic.INSTANCES) or {}))


async def test_make_an_image_from_a_snapshot(make_sim: Callable[..., Any], clock: Any) -> None:
    app, sim = build(make_sim, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mode(pilot)
        ckpt = snapshot_named(sim, "mixtral-dev-ckpt")
        screen.table("snapshots").cursor_key = ckpt.snapshot_id
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, CreateImageForm))
        assert app.screen.text("name") == "mixtral-dev-ckpt-image"
        await click_button(pilot, "#submit")
        await wait_until(pilot, lambda: app.screen is screen)

        assert ckpt.image_id is not None
        image = sim.world.images[ckpt.image_id]
        assert image.name == "mixtral-dev-ckpt-image" and image.region == ckpt.region
        await wait_until(pilot, lambda: screen.table("images").has_row(image.image_id))
        await wait_until(pilot, lambda: screen.table("snapshots").get_row(ckpt.snapshot_id)["image"] == image.name)  # type: ignore[index]
        info = screen.query_one("#snapshot-info", Static)
        await wait_until(pilot, lambda: image.image_id in text_of(info))


async def test_delete_snapshot_asks_first_and_keeps_its_image(make_sim: Callable[..., Any], clock: Any) -> None:
    app, sim = build(make_sim, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mode(pilot)
        base = snapshot_named(sim, "sdxl-render-base")
        table = screen.table("snapshots")
        table.cursor_key = base.snapshot_id
        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmForm))
        assert "sdxl-render-image" in text_of(app.screen.query_one("#note", Static))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        assert not sim.requests.of("deleteSnapshot")

        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmForm))
        await click_button(pilot, "#submit")
        await wait_until(pilot, lambda: app.screen is screen)
        assert base.snapshot_id not in sim.world.snapshots
        image = sim.world.images[base.image_id]
        assert image.snapshot_id is None
        await wait_until(pilot, lambda: not table.has_row(base.snapshot_id))
        images = screen.table("images")
        await wait_until(pilot, lambda: "deleted" in str(images.get_row(image.image_id)["snapshot"]))  # type: ignore[index]


async def test_delete_image(make_sim: Callable[..., Any], clock: Any) -> None:
    app, sim = build(make_sim, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mode(pilot)
        await pilot.press("t")
        (image_id,) = sim.world.images
        assert screen.table("images").cursor_key == image_id
        assert screen.check_action("restore", ()) is False  # snapshot actions leave this tab
        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmForm))
        await click_button(pilot, "#submit")
        await wait_until(pilot, lambda: app.screen is screen)
        assert image_id not in sim.world.images
        assert [r.status for r in sim.requests.of("deleteImage")] == [200]
        await wait_until(pilot, lambda: not screen.table("images").has_row(image_id))


async def test_a_failed_delete_shows_the_server_message(make_sim: Callable[..., Any], clock: Any) -> None:
    app, sim = build(make_sim, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mode(pilot)
        sim.faults.add("deleteSnapshot", "status", status=409, message="Snapshot store is busy")
        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmForm))
        form = app.screen
        await click_button(pilot, "#submit")
        error = form.query_one("#form-error", Static)
        await wait_until(pilot, lambda: "Snapshot store is busy" in text_of(error))
        assert "409" in text_of(error)
        assert app.screen is form
        assert len(sim.world.snapshots) == 2
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)


async def test_refresh_keeps_the_cursor_on_its_row(make_sim: Callable[..., Any], clock: Any) -> None:
    app, sim = build(make_sim, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mode(pilot)
        table = screen.table("snapshots")
        ckpt = snapshot_named(sim, "mixtral-dev-ckpt")
        table.cursor_key = ckpt.snapshot_id
        with sim.lock:
            world = sim.world
            source = next(i for i in world.instances.values() if i.vm_name == "jupyter-research")
            ops_snapshots.take_snapshot(world, source, "aaa-first-by-name")
            world.remove_snapshot(snapshot_named(sim, "sdxl-render-base"))
        await refresh_now(pilot, Topic.SNAPSHOTS)
        assert table.total_count == 2
        assert table.cursor_key == ckpt.snapshot_id


async def test_read_only_sends_no_mutating_request(make_sim: Callable[..., Any], clock: Any) -> None:
    app, sim = build(make_sim, clock, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mode(pilot)
        banner = screen.query_one("#read-only", Label)
        assert banner.display and "Read-only mode" in str(banner.content)
        for action in ("create_snapshot", "restore", "create_image", "delete"):
            assert screen.check_action(action, ()) is None, action
        await pilot.press("n", "r", "i", "delete", "t")
        assert screen.check_action("delete", ()) is None  # images too
        await pilot.press("delete", "n")
        await pilot.pause()
        assert app.screen is screen
        assert mutations(sim) == []
