"""Pilot tests of the volumes mode against the in-process simulator."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from textual.content import Content
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, OptionList, Select, Static

from barrack_tui.api.models import UserVM, VolumeResponse
from barrack_tui.app import BarrackApp
from barrack_tui.live.topics import Topic
from barrack_tui.screens.instance_actions import READ_ONLY_REASON
from barrack_tui.screens.instance_details import InstanceDetailsScreen
from barrack_tui.screens.resource_forms import ConfirmForm
from barrack_tui.screens.volume_forms import (
    AttachVolumeForm,
    CloneVolumeForm,
    CreateVolumeForm,
    ResizeVolumeForm,
    attach_candidates,
)
from barrack_tui.screens.volumes import VolumeAction, VolumesScreen, volume_blocked
from tests.ui.harness import SIZE, make_app, refresh_now, wait_for_instances, wait_until


async def open_volumes(pilot: Pilot[None]) -> VolumesScreen:
    app: BarrackApp = pilot.app  # type: ignore[assignment]
    await wait_for_instances(pilot)
    await app.switch_mode("volumes")
    screen = app.screen
    assert isinstance(screen, VolumesScreen)
    await wait_until(pilot, lambda: screen.table.total_count > 0, "the volumes")
    return screen


def mutating(sim: Any) -> list[tuple[str | None, int]]:
    return [(r.operation, r.status) for r in sim.requests if r.method != "GET"]


def volume_id(sim: Any, name: str) -> str:
    return sim.world.volume_names[name]


async def select(pilot: Pilot[None], screen: VolumesScreen, name: str) -> VolumeResponse:
    key = next(k for k, v in screen.volumes().items() if v.name == name)
    screen.table.cursor_key = key
    await pilot.pause()
    volume = screen.current()
    assert volume is not None and volume.name == name
    return volume


async def open_form(pilot: Pilot[None], key: str, form_type: type) -> Any:
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, form_type), form_type.__name__)
    return pilot.app.screen


def shown(widget: Widget) -> str:
    """The text a Static shows, unwrapped (Rich tables rendered wide)."""
    assert isinstance(widget, Static)
    content = widget.content
    if isinstance(content, Content):
        return content.plain
    if isinstance(content, str):
        return content
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def error_text(form: Any) -> str:
    return shown(form.query_one("#form-error"))


def field_error(form: Any, name: str) -> str:
    return shown(form.query_one(f"#{name}-error"))


async def submit(pilot: Pilot[None], form: Any) -> None:
    form.query_one("#submit", Button).press()
    await pilot.pause()


async def test_table_lists_every_volume_with_its_instance_and_billing_and_keeps_the_cursor(
    make_sim: Any, clock: Any
) -> None:
    sim_app = make_sim()
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_volumes(pilot)
        world = sim_app.state.sim.world
        assert set(screen.table.row_keys) == set(world.volumes)
        row = screen.table.get_row(volume_id(sim_app.state.sim, "checkpoints-fi1"))
        assert row is not None and row["attached"].value == "llama-finetune-01"
        await select(pilot, screen, "archive-canada")
        await wait_until(pilot, lambda: screen.billing is not None, "the volume billing")
        billing = shown(screen.query_one("#billing"))
        assert "$7.03" in billing  # archive-canada's own open period, not the other volumes'
        assert "$2.40" not in billing
        assert len(sim_app.state.sim.requests.of("getVolumeBilling")) == 1
        screen.table.sort_by("name")
        index = screen.table.cursor_index
        assert app.services is not None  # a refresh that adds a row above keeps the cursor on its row
        await app.services.client.volumes.create("aaa-first", 100, "SSD", "CANADA-1")
        await refresh_now(pilot, Topic.VOLUMES)
        assert screen.table.has_row(world.volume_names["aaa-first"])
        assert screen.table.row_keys[0] == world.volume_names["aaa-first"]
        assert screen.table.cursor_key == world.volume_names["archive-canada"]
        assert screen.table.cursor_index == (index or 0) + 1


async def test_create_volume_sends_one_request_and_shows_the_new_row(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_volumes(pilot)
        await select(pilot, screen, "scratch-fi3")
        form = await open_form(pilot, "n", CreateVolumeForm)
        assert form.query_one("#region", Select).value == "FINLAND-3"
        types = [
            str(option[1])
            for option in form.query_one("#volume_type", Select)._options
            if option[1] is not Select.NULL
        ]
        assert types == ["HDD", "NVMe"]  # the advanced tier's types only
        form.query_one("#name", Input).value = "bulk-data"
        form.query_one("#size", Input).value = "2048"
        form.query_one("#volume_type", Select).value = "NVMe"
        await pilot.pause()
        assert "$0.60/h" in shown(form.query_one("#preview"))
        await submit(pilot, form)
        await wait_until(pilot, lambda: pilot.app.screen is screen, "the form to close")
        created = sim.world.volumes[volume_id(sim, "bulk-data")]
        assert (created.size_gb, created.volume_type, created.region) == (2048, "NVMe", "FINLAND-3")
        assert mutating(sim) == [("createVolume", 201)] or mutating(sim) == [("createVolume", 200)]
        await wait_until(pilot, lambda: screen.table.has_row(created.volume_id), "the new row")
        assert screen.table.cursor_key == created.volume_id


async def test_bootable_volume_needs_an_os_image_of_its_region(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_volumes(pilot)
        await select(pilot, screen, "archive-canada")
        form = await open_form(pilot, "n", CreateVolumeForm)
        form.query_one("#name", Input).value = "boot-canada"
        form.query_one("#bootable", Checkbox).value = True
        await pilot.pause()
        assert form.query_one("#image_name-row").display
        await submit(pilot, form)
        assert "needs the OS image" in field_error(form, "image_name")
        assert mutating(sim) == []
        images = [
            str(option[1])
            for option in form.query_one("#image_name", Select)._options
            if option[1] is not Select.NULL
        ]
        assert "Ubuntu-20.04-R535-CUDA-12.2" in images  # offered in CANADA-1 only
        form.query_one("#image_name", Select).value = "Ubuntu-20.04-R535-CUDA-12.2"
        await pilot.pause()
        await submit(pilot, form)
        await wait_until(pilot, lambda: pilot.app.screen is screen, "the form to close")
        created = sim.world.volumes[volume_id(sim, "boot-canada")]
        assert created.bootable and created.image_name == "Ubuntu-20.04-R535-CUDA-12.2"


async def test_invalid_create_is_blocked_before_any_request(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_volumes(pilot)
        form = await open_form(pilot, "n", CreateVolumeForm)
        assert field_error(form, "name") == ""  # nothing shown before the user acts
        form.query_one("#name", Input).value = "archive-canada"  # taken
        form.query_one("#size", Input).value = "50"
        await pilot.pause()
        await submit(pilot, form)
        assert "already exists" in field_error(form, "name")
        assert "from 100" in field_error(form, "size")
        form.query_one("#name", Input).value = "bad/name"
        await pilot.pause()
        assert "letters, digits" in field_error(form, "name")
        assert pilot.app.screen is form
        assert mutating(sim) == []


async def test_server_refusal_shows_its_message_and_keeps_the_form(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    sim.faults.add("createVolume", "status", status=402, message="Balance too low for a new volume")
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_volumes(pilot)
        form = await open_form(pilot, "n", CreateVolumeForm)
        form.query_one("#name", Input).value = "bulk-data"
        form.query_one("#size", Input).value = "300"
        await pilot.pause()
        await submit(pilot, form)
        await wait_until(pilot, lambda: "Balance too low" in error_text(form), "the server's message")
        assert "402" in error_text(form)
        assert pilot.app.screen is form
        assert form.query_one("#name", Input).value == "bulk-data"
        assert form.query_one("#size", Input).value == "300"
        assert not form.query_one("#submit", Button).disabled
        assert "bulk-data" not in sim.world.volume_names
        await submit(pilot, form)  # the fault was one-shot: the same values now go through
        await wait_until(pilot, lambda: "bulk-data" in sim.world.volume_names, "the retry")


async def test_attach_lists_only_active_instances_of_the_region(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_volumes(pilot)
        volume = await select(pilot, screen, "archive-canada")
        form = await open_form(pilot, "a", AttachVolumeForm)
        options = form.query_one("#instance", OptionList)
        offered = [options.get_option_at_index(i).id for i in range(options.option_count)]
        world = sim.world
        expected = sorted(
            (i for i in world.instances.values() if i.region == "CANADA-1" and i.status == "ACTIVE"),
            key=lambda i: i.vm_name,
        )
        assert offered == [i.instance_id for i in expected]
        assert world.instance_names["whisper-batch"] not in offered  # SHUTOFF
        options.highlighted = offered.index(world.instance_names["mixtral-dev"])
        await submit(pilot, form)
        await wait_until(pilot, lambda: pilot.app.screen is screen, "the form to close")
        assert world.volumes[volume.volume_id].attached_to == world.instance_names["mixtral-dev"]
        await wait_until(
            pilot,
            lambda: screen.table.get_row(volume.volume_id)["attached"].value == "mixtral-dev",
            "the row",
        )
        assert mutating(sim) == [("attachVolumes", 200)]


async def test_attach_picker_says_why_when_no_instance_fits(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_volumes(pilot)
        assert app.services is not None
        await app.services.client.instances.stop(sim.world.instance_names["rlhf-reward-fi3"])
        clock.advance(30)
        await refresh_now(pilot, Topic.INSTANCES)
        await select(pilot, screen, "scratch-fi3")
        sim.requests.clear()
        form = await open_form(pilot, "a", AttachVolumeForm)
        assert form.query_one("#instance", OptionList).option_count == 0
        reason = error_text(form)
        assert "No ACTIVE instance in FINLAND-3" in reason and "rlhf-reward-fi3 is SHUTOFF" in reason
        assert form.query_one("#submit", Button).disabled
        await pilot.press("escape")
        await wait_until(pilot, lambda: pilot.app.screen is screen, "the picker to close")
        assert mutating(sim) == []


async def test_detach_needs_confirmation_and_updates_the_world(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_volumes(pilot)
        volume = await select(pilot, screen, "checkpoints-fi1")
        form = await open_form(pilot, "x", ConfirmForm)
        assert "llama-finetune-01" in shown(form.query_one("#title"))
        await submit(pilot, form)
        await wait_until(pilot, lambda: pilot.app.screen is screen, "the confirmation to close")
        assert sim.world.volumes[volume.volume_id].attached_to is None
        assert screen.table.get_row(volume.volume_id)["attached"].value == "—"
        assert mutating(sim) == [("detachVolumes", 200)]


async def test_detach_and_delete_are_refused_with_the_reason(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_volumes(pilot)
        await select(pilot, screen, "llama-finetune-01-os")
        assert screen.check_action("act", ("detach",)) is None
        assert screen.check_action("act", ("delete",)) is None
        await pilot.press("x", "delete")
        await pilot.pause()
        assert pilot.app.screen is screen
        actions = shown(screen.query_one("#actions"))
        assert "Boot volume of llama-finetune-01; boot volumes stay attached" in actions
        volume = await select(pilot, screen, "checkpoints-fi1")
        assert screen.check_action("act", ("detach",)) is True
        await pilot.press("i")  # its instance, in full
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, InstanceDetailsScreen), "the instance")
        assert pilot.app.screen.instance_id == volume.attached_to  # type: ignore[attr-defined]
        await pilot.press("escape")
        await wait_until(pilot, lambda: pilot.app.screen is screen, "the volumes again")
        assert app.services is not None
        await app.services.client.instances.stop(volume.attached_to or "")
        await refresh_now(pilot, Topic.INSTANCES)
        assert screen.check_action("act", ("detach",)) is None
        assert "llama-finetune-01 is STOPPING; detaching needs it ACTIVE" in shown(
            screen.query_one("#actions")
        )
        assert mutating(sim) == [("stopInstance", 200)]  # only the test's own request


async def test_clone_creates_a_copy_and_selects_it(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_volumes(pilot)
        source = await select(pilot, screen, "archive-canada")
        form = await open_form(pilot, "c", CloneVolumeForm)
        assert form.query_one("#name", Input).value == "archive-canada-clone"
        await submit(pilot, form)
        await wait_until(pilot, lambda: pilot.app.screen is screen, "the form to close")
        copy = sim.world.volumes[volume_id(sim, "archive-canada-clone")]
        assert (copy.size_gb, copy.region, copy.volume_type) == (source.size_gb, "CANADA-1", "SSD")
        await wait_until(pilot, lambda: screen.table.cursor_key == copy.volume_id, "the copy to be selected")


async def test_resize_grows_only_and_shows_the_new_rate(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_volumes(pilot)
        volume = await select(pilot, screen, "archive-canada")
        form = await open_form(pilot, "r", ResizeVolumeForm)
        form.query_one("#size", Input).value = "800"
        await pilot.pause()
        await submit(pilot, form)
        assert "only grow" in field_error(form, "size")
        assert mutating(sim) == []
        form.query_one("#size", Input).value = "2048"
        await pilot.pause()
        preview = shown(form.query_one("#preview"))
        assert "$0.0977/h" in preview and "$0.20/h" in preview  # before and after
        await submit(pilot, form)
        await wait_until(pilot, lambda: pilot.app.screen is screen, "the form to close")
        assert sim.world.volumes[volume.volume_id].size_gb == 2048
        assert screen.table.get_row(volume.volume_id)["size"].value == "2,048 GB"
        assert mutating(sim) == [("resizeVolume", 200)]


async def test_delete_asks_for_the_name_typed(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_volumes(pilot)
        volume = await select(pilot, screen, "archive-canada")
        form = await open_form(pilot, "delete", ConfirmForm)
        form.query_one("#typed", Input).value = "archive"
        await pilot.pause()
        await submit(pilot, form)
        assert "Type archive-canada exactly" in field_error(form, "typed")
        assert mutating(sim) == []
        form.query_one("#typed", Input).value = "archive-canada"
        await pilot.pause()
        await submit(pilot, form)
        await wait_until(pilot, lambda: pilot.app.screen is screen, "the confirmation to close")
        assert volume.volume_id not in sim.world.volumes
        await wait_until(pilot, lambda: not screen.table.has_row(volume.volume_id), "the row to go")


async def test_delete_refused_by_the_server_shows_why_and_keeps_the_form(make_sim: Any, clock: Any) -> None:
    """The console thinks the volume is detached; someone attached it meanwhile."""
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_volumes(pilot)
        volume = await select(pilot, screen, "archive-canada")
        assert app.services is not None
        await app.services.client.volumes.attach(sim.world.instance_names["mixtral-dev"], [volume.volume_id])
        form = await open_form(pilot, "delete", ConfirmForm)
        form.query_one("#typed", Input).value = "archive-canada"
        await pilot.pause()
        await submit(pilot, form)
        await wait_until(pilot, lambda: "detach it first" in error_text(form), "the server's message")
        assert "400" in error_text(form)
        assert pilot.app.screen is form
        assert form.query_one("#typed", Input).value == "archive-canada"
        assert volume.volume_id in sim.world.volumes


async def test_read_only_sends_no_mutating_request(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_volumes(pilot)
        for name in ("archive-canada", "checkpoints-fi1"):
            await select(pilot, screen, name)
            for action in VolumeAction:
                assert screen.check_action("act", (action.value,)) is None
            await pilot.press("n", "a", "x", "c", "r", "delete")
            await pilot.pause()
            assert pilot.app.screen is screen
        screen.action_act("create")  # e.g. from the palette: refused with the reason
        await pilot.pause()
        assert READ_ONLY_REASON in shown(screen.query_one("#actions"))
        assert mutating(sim) == []


def vm(name: str, region: str, status: str) -> UserVM:
    return UserVM.model_validate(
        {
            "instance_id": f"BRK-{name.upper()[:6]:0<6}D",
            "vm_name": name,
            "status": status,
            "region": region,
            "tier": "advanced",
            "gpu_model": "H100-SXM5-80GB",
            "gpu_count": 1,
            "hourly_rate": 2.69,
            "created_at": "2026-11-27T10:00:00Z",
        }
    )


def vol(**changes: Any) -> VolumeResponse:
    data = {
        "volume_id": "BRK-VOLUM1V",
        "name": "data",
        "size_gb": 500,
        "volume_type": "HDD",
        "region": "FINLAND-1",
        "status": "available",
    }
    return VolumeResponse.model_validate({**data, **changes})


def test_attach_candidates_and_reasons() -> None:
    volume = vol()
    busy = vm("trainer", "FINLAND-1", "SHUTOFF")
    assert attach_candidates(volume, [vm("a", "FINLAND-2", "ACTIVE")]) == (
        [],
        "No instance in FINLAND-1: volumes attach only to instances in their own region",
    )
    candidates, reason = attach_candidates(volume, [busy])
    assert candidates == [] and reason is not None and "trainer is SHUTOFF" in reason
    good = vm("server", "FINLAND-1", "ACTIVE")
    assert attach_candidates(volume, [busy, good, vm("x", "FINLAND-2", "ACTIVE")]) == ([good], None)


def test_volume_rules() -> None:
    owner = vm("server", "FINLAND-1", "ACTIVE")
    instances = {owner.instance_id: owner}
    attached = vol(attached_to=owner.instance_id, status="in-use")
    boot = vol(attached_to=owner.instance_id, status="in-use", is_boot=True)
    assert volume_blocked(VolumeAction.ATTACH, attached, instances) == "Already attached to server"
    assert volume_blocked(VolumeAction.DETACH, attached, instances) is None
    assert "Boot volume of server" in (volume_blocked(VolumeAction.DETACH, boot, instances) or "")
    assert volume_blocked(VolumeAction.DELETE, attached, instances) == "Attached to server; detach it first"
    assert volume_blocked(VolumeAction.DELETE, vol(), instances) is None
    assert volume_blocked(VolumeAction.CLONE, vol(status="creating"), instances) is not None
    assert volume_blocked(VolumeAction.RESIZE, vol(size_gb=1_048_576), instances) is not None
    assert volume_blocked(VolumeAction.ATTACH, None, instances) == "No volume selected"
    assert volume_blocked(VolumeAction.CREATE, None, instances) is None
