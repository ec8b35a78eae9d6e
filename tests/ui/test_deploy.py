"""The deploy form on the simulator: one POST per intent, every refusal at its field."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx
from pydantic import SecretStr
from rich.console import Console
from rich.text import Text
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    OptionList,
    Select,
    SelectionList,
    Static,
    TextArea,
)

from barrack_tui.api.client import BarrackClient
from barrack_tui.app import BarrackApp, Launch
from barrack_tui.live.topics import Topic
from barrack_tui.screens.deploy import DEPLOY_TOPICS, DeployScreen, open_deploy
from barrack_tui.screens.deploy_parts import NEW_KEY
from barrack_tui.screens.security_rule_form import SecurityRuleForm
from barrack_tui.sim import DEMO_API_KEY
from barrack_tui.sim.fields import Fields
from barrack_tui.sim.ops_deploy import execute, plan
from barrack_tui.sim.server import serve_in_thread
from barrack_tui.widgets.resource_table import ResourceTable

from .harness import (
    SIZE,
    click_button,
    make_app,
    refresh_now,
    wait_for_instances,
    wait_until,
)

UBUNTU = "Ubuntu-24.04-CUDA-12.8-Open-Docker"
ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGm1kqXe0c7n6aE5o2h1WcQyq8r0c0kJ3y1v9e4XfYkq me@laptop"


def deploy_posts(sim_app: Any) -> list[Any]:
    return sim_app.state.sim.requests.of("createInstance")


async def settle(pilot: Any, rounds: int = 6) -> None:
    """Let workers and messages run (each round yields to the event loop a few times)."""
    for _ in range(rounds):
        await pilot.pause(0.01)



async def open_form(pilot: Any) -> DeployScreen:
    """``d`` on the instances screen, then wait for every list the form reads."""
    await wait_for_instances(pilot)
    await pilot.press("d")
    engine = pilot.app.services.engine
    await wait_until(pilot, lambda: all(engine.states[t].loaded for t in DEPLOY_TOPICS), "the form's data")
    screen = pilot.app.screen
    assert isinstance(screen, DeployScreen)
    await settle(pilot)
    return screen


async def choose(pilot: Any, screen: DeployScreen, **values: Any) -> None:
    """Set form fields directly (the keyboard path is tested once, end to end)."""
    for name, value in values.items():
        widget = screen.query_one(f"#{name}")
        if isinstance(widget, TextArea):
            widget.text = value
        else:
            assert isinstance(widget, (Select, Input, Checkbox)), f"#{name} is not a field"
            widget.value = value
        await pilot.pause()
    await settle(pilot, 2)


async def fill_valid(pilot: Any, screen: DeployScreen, **values: Any) -> None:
    defaults: dict[str, Any] = {"gpu_model": "RTX-A6000", "region": "CANADA-1", "ssh_key": "ci-deploy"}
    await choose(pilot, screen, **{**defaults, **values})
    assert screen.can_submit(), screen.problems


def error_text(screen: DeployScreen, field: str) -> str:
    label = screen.query_one(f"#err-{field}", Label)
    return str(label.render()) if label.display else ""


def shown(widget: Static) -> str:
    """The plain text a Static shows (Rich tables included)."""
    console = Console(width=max(widget.size.width, 40), record=True, file=io.StringIO())
    content = widget.content
    console.print(Text.from_markup(content) if isinstance(content, str) else content)
    return console.export_text()


def reason(screen: DeployScreen) -> str:
    return shown(screen.query_one("#reason", Static)).replace("\n", " ")


def instance_named(sim_app: Any, name: str) -> list[Any]:
    return [i for i in sim_app.state.sim.world.instances.values() if i.vm_name == name]


def hold_cache(app: BarrackApp) -> None:
    """Stop polling, so the form's cache stays as it was and only the server can refuse."""
    app.services.engine.pause(True)  # type: ignore[union-attr]


async def focus_by_tab(pilot: Any, widget_id: str) -> None:
    for _ in range(30):
        if pilot.app.focused is not None and pilot.app.focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"tab never reached #{widget_id}")


# -- the happy path, keyboard only --------------------------------------------------


async def test_a_keyboard_only_deploy_sends_one_post_and_the_row_appears(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        assert app.focused is screen.query_one("#gpu_model", Select)
        assert not screen.can_submit()
        assert screen.query_one("#submit", Button).disabled
        depth = len(app.screen_stack)
        await pilot.press("d")  # the global key does not stack a second form
        assert app.screen is screen and len(app.screen_stack) == depth

        await pilot.press("enter", "down", "enter")  # the first model: RTX-A6000
        await settle(pilot)
        assert screen.draft().gpu_model == "RTX-A6000"
        assert screen.draft().region == "CANADA-1"  # filled in: the model's in-stock region
        name = screen.draft().instance_name
        assert name.startswith("rtx-a6000-x1-")
        assert screen.draft().image_name == UBUNTU
        assert "Choose an SSH key" in reason(screen)  # the one thing missing

        await focus_by_tab(pilot, "ssh_key")
        await pilot.press("enter", "down", "enter")
        await settle(pilot)
        assert screen.draft().ssh_key == "ci-deploy"
        assert screen.can_submit()
        assert reason(screen).startswith(f"Ready: ctrl+s deploys {name} at $0.60/h")
        assert deploy_posts(sim_app) == []

        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, DeployScreen), "the form to close")
        posts = deploy_posts(sim_app)
        assert [(p.method, p.path, p.status) for p in posts] == [("POST", "/deploy-server/", 201)]
        created = instance_named(sim_app, name)
        assert len(created) == 1
        instance_id = created[0].instance_id

        table = app.screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: table.has_row(instance_id), "the new row")
        assert "CREATING" in str(table.get_row(instance_id))

        clock.advance(120)  # CREATING lasts 30-90 s on the simulator's clock
        await refresh_now(pilot)
        row = str(table.get_row(instance_id))
        assert "ACTIVE" in row and "pending" not in row
        assert len(deploy_posts(sim_app)) == 1


# -- blocked before any request ------------------------------------------------------


async def test_machine_combinations_are_blocked_with_a_reason(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim_app.state.sim.world.set_free("H200-141GB", "FINLAND-3", 0)
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)

        # Wrong region for the model's tier.
        await choose(pilot, screen, region="FINLAND-1", gpu_model="RTX-A6000", ssh_key="ci-deploy")
        assert "RTX-A6000 is legacy tier, offered in CANADA-1 only" in error_text(screen, "region")
        assert screen.query_one("#region").has_class("-invalid")
        assert shown(screen.query_one("#tier", Static)).strip() == "tier legacy · max 4"
        assert screen.query_one("#submit", Button).disabled
        assert "legacy tier" in reason(screen)
        await pilot.press("ctrl+s")

        # A count above the model's maximum.
        await choose(pilot, screen, gpu_model="L40", region="CANADA-1", gpu_count=8)
        assert "L40 comes in 1, 2 or 4 GPUs (max 4), not 8" in error_text(screen, "gpu_count")
        assert not screen.can_submit()
        await pilot.press("ctrl+s")

        # Out of stock: greyed, with what is in stock instead; enter on one switches to it.
        await choose(pilot, screen, gpu_count=1, gpu_model="H200-141GB", region="FINLAND-3")
        assert error_text(screen, "stock") == "Out of stock: no H200-141GB free in FINLAND-3"
        region_labels = {value: label for label, value in screen.query_one("#region", Select)._options}
        assert "0 free" in str(region_labels["FINLAND-3"]) and region_labels["FINLAND-3"].style == "dim"
        alternatives = screen.query_one("#alternatives", OptionList)
        assert alternatives.display
        first = alternatives.get_option_at_index(0)
        assert first.id is not None and first.id.startswith("H200-141GB@")  # same model elsewhere first
        assert not screen.can_submit()
        await pilot.press("ctrl+s")
        alternatives.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert (screen.draft().gpu_model, screen.draft().region) == tuple(first.id.split("@"))
        assert error_text(screen, "stock") == ""
        assert screen.can_submit()

        # A missing SSH key, and a bad one to add.
        await choose(pilot, screen, ssh_key=NEW_KEY)
        assert screen.query_one("#new-key-row").display
        await choose(pilot, screen, new_key_name="fresh", new_public_key="not a key")
        assert "OpenSSH public key" in error_text(screen, "new_public_key")
        assert not screen.can_submit()
        screen.query_one("#ssh_key", Select).clear()
        await settle(pilot)
        assert reason(screen).startswith("Can't deploy yet: Choose an SSH key (or add one)")
        await pilot.press("ctrl+s")
        assert deploy_posts(sim_app) == []


async def test_storage_rules_startup_and_balance_are_blocked_with_a_reason(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        await fill_valid(pilot, screen, gpu_model="H100-SXM5-80GB", region="FINLAND-1")

        # An existing volume from another region.
        attach: SelectionList[str] = screen.query_one("#existing_volumes", SelectionList)
        archive = next(v.volume_id for v in sim_app.state.sim.world.volumes.values() if v.name == "archive-canada")
        attach.select(archive)
        await settle(pilot)
        assert "archive-canada is in CANADA-1, not FINLAND-1" in error_text(screen, "existing_volumes")
        assert not screen.can_submit()
        attach.deselect(archive)
        await settle(pilot)
        assert screen.can_submit()

        # Rules go through the shared rule form, which refuses a bad CIDR or port range.
        await click_button(pilot, "#rule-add")
        await wait_until(pilot, lambda: isinstance(app.screen, SecurityRuleForm), "the rule form")
        form = app.screen
        assert isinstance(form, SecurityRuleForm)
        form.query_one("#port-min", Input).value = "443"
        form.query_one("#port-max", Input).value = "80"
        form.query_one("#cidr", Input).value = "10.0.0.300/8"
        await settle(pilot)
        assert form.query_one("#submit", Button).disabled
        assert "above max port" in str(form.query_one("#ports-error", Label).render())
        assert "not a valid CIDR" in str(form.query_one("#cidr-error", Label).render())
        form.query_one("#port-max", Input).value = "443"
        form.query_one("#cidr", Input).value = "203.0.113.0/24"
        await settle(pilot)
        await click_button(pilot, "#submit")
        await wait_until(pilot, lambda: app.screen is screen, "the rule form to close")
        assert [r.remote_ip_prefix for r in screen.draft().security_rules] == ["203.0.113.0/24"]
        await pilot.press("ctrl+t")
        assert screen.query_one("#json-box").display
        assert '"port_range_min": 443' in shown(screen.query_one("#json", Static))

        # cloud-init over 16 KB.
        await choose(pilot, screen, startup="cloud_init")
        assert screen.query_one("#cloud_init").display
        await choose(pilot, screen, cloud_init="#cloud-config\n" + "x" * 17_000)
        assert "the limit is 16 KB" in error_text(screen, "cloud_init")
        assert not screen.can_submit()
        await choose(pilot, screen, cloud_init="#cloud-config\n")
        assert screen.can_submit()

        # A balance below one hour of the machine.
        await choose(pilot, screen, gpu_model="B200-180GB", gpu_count=8)
        sim_app.state.sim.world.set_balance(20.0)
        await refresh_now(pilot, Topic.BALANCE)
        await settle(pilot)
        assert error_text(screen, "balance").startswith("Balance $20.00 is below 1 h of $37.")
        assert not screen.can_submit()
        await pilot.press("ctrl+s")
        assert deploy_posts(sim_app) == []


async def test_read_only_mode_never_sends(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    app = make_app(sim_app, clock, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_instances(pilot)
        open_deploy(app)
        await settle(pilot)
        assert not isinstance(app.screen, DeployScreen)
        # Even when pushed directly (not through open_deploy), it cannot send.
        app.push_screen(DeployScreen())
        engine = app.services.engine  # type: ignore[union-attr]
        await wait_until(pilot, lambda: all(engine.states[t].loaded for t in DEPLOY_TOPICS), "the form's data")
        screen = app.screen
        assert isinstance(screen, DeployScreen)
        await choose(pilot, screen, gpu_model="RTX-A6000", region="CANADA-1", ssh_key="ci-deploy")
        assert "Read-only mode" in reason(screen)
        assert "$0.60/h" in shown(screen.query_one("#price", Static))
        await pilot.press("ctrl+s")
        assert deploy_posts(sim_app) == []


# -- refusals from the server keep the form ---------------------------------------------


async def refused(pilot: Any, screen: DeployScreen, sim_app: Any, count: int) -> None:
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: screen.phase == "editing" and len(deploy_posts(sim_app)) == count, "the refusal")


async def test_server_refusals_land_on_their_fields_and_keep_every_value(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    app = make_app(sim_app, clock)
    world = sim_app.state.sim.world
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        await fill_valid(pilot, screen, instance_name="render-box", public_ip=False)
        await choose(pilot, screen, os_volume="250", startup="cloud_init", cloud_init="#cloud-config\n")
        before = screen.draft()
        hold_cache(app)
        balance = world.balance

        # 402: the balance was drained behind the form's back.
        world.set_balance(0.25)
        await refused(pilot, screen, sim_app, 1)
        assert [p.status for p in deploy_posts(sim_app)] == [402]
        assert app.screen is screen
        assert screen.draft() == before
        message = error_text(screen, "balance")
        assert message.startswith("402 Insufficient Credits") and "request" in message
        assert screen.can_submit(), screen.problems  # topping up and trying again is a new intent
        await choose(pilot, screen, instance_name="render-box-2")
        assert error_text(screen, "balance") == ""  # an edit retires the refusal
        world.set_balance(balance)

        # 503: sold out meanwhile; the alternatives are offered.
        world.set_free("RTX-A6000", "CANADA-1", 0)
        await refused(pilot, screen, sim_app, 2)
        assert error_text(screen, "stock").startswith("503 Service Unavailable: No capacity")
        assert screen.query_one("#alternatives", OptionList).option_count > 0
        assert screen.draft().region == "CANADA-1"
        world.set_free("RTX-A6000", "CANADA-1", 8)

        # 400: the name was taken meanwhile.
        body = {"gpu_model": "RTX-A6000", "gpu_count": 1, "region": "CANADA-1", "instance_name": "render-box-2"}
        execute(world, plan(world, Fields({**body, "image_name": UBUNTU, "ssh_key": "ci-deploy"})))
        await refused(pilot, screen, sim_app, 3)
        assert "Instance name 'render-box-2' is already used" in error_text(screen, "instance_name")
        assert screen.query_one("#instance_name").has_class("-invalid")

        # 413: on cloud-init.
        await choose(pilot, screen, instance_name="render-box-3")
        sim_app.state.sim.faults.add("createInstance", "status", status=413, message="cloud_init is too large here")
        await refused(pilot, screen, sim_app, 4)
        assert "413" in error_text(screen, "cloud_init") and "too large" in error_text(screen, "cloud_init")

        assert [p.status for p in deploy_posts(sim_app)] == [402, 503, 400, 413]
        assert screen.draft() == replace(before, instance_name="render-box-3")
        assert instance_named(sim_app, "render-box") == [] and instance_named(sim_app, "render-box-3") == []


# -- lost answers are reconciled, never resent --------------------------------------------


async def test_commit_then_drop_gives_one_vm_and_a_reconciled_row(make_sim: Any, clock: Any) -> None:
    """Over a real loopback socket: the server commits, then the connection breaks mid-body."""
    sim_app = make_sim()
    with serve_in_thread(sim_app) as server:
        app = socket_app(server.base_url, clock)
        await _drop_and_reconcile(app, sim_app)


async def _drop_and_reconcile(app: BarrackApp, sim_app: Any) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        await fill_valid(pilot, screen, instance_name="dropped-answer")
        sim = sim_app.state.sim
        sim.faults.add("createInstance", "commit_then_drop")
        sim.requests.clear()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, DeployScreen), "the form to close")
        operations = [
            (r.operation, r.fault) for r in sim.requests if r.operation in ("createInstance", "listInstances")
        ]
        assert operations[:2] == [("createInstance", "commit_then_drop"), ("listInstances", None)]
        assert len(deploy_posts(sim_app)) == 1
        created = instance_named(sim_app, "dropped-answer")
        assert len(created) == 1
        table = app.screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: table.has_row(created[0].instance_id), "the reconciled row")


async def test_when_the_check_fails_the_outcome_stays_unknown_until_checked_again(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    app = fast_retry_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        screen.RECONCILE_DELAYS = (0.0,)  # one listing (with the client's own retries), no waiting
        await fill_valid(pilot, screen, instance_name="lost-twice")
        hold_cache(app)  # the engine's own polling must not take the listing faults
        sim = sim_app.state.sim
        sim.faults.add("createInstance", "commit_then_drop")
        sim.faults.add("listInstances", "status", status=503, times=3)  # the first listing and its 2 retries
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: screen.phase == "unknown", "the unknown outcome")
        assert reason(screen).startswith("Outcome unknown: could not list instances")
        assert "Nothing was resent" in reason(screen)
        assert screen.query_one("#submit", Button).disabled
        assert screen.query_one("#check-again").display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(deploy_posts(sim_app)) == 1

        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: not isinstance(app.screen, DeployScreen), "the form to close")
        assert len(deploy_posts(sim_app)) == 1
        assert len(instance_named(sim_app, "lost-twice")) == 1


async def test_a_lost_answer_with_nothing_created_allows_a_new_intent(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    app = fast_retry_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        screen.RECONCILE_DELAYS = (0.0,)
        await fill_valid(pilot, screen, instance_name="never-made")
        # A gateway timeout before the server did anything: ambiguous to the client.
        sim_app.state.sim.faults.add("createInstance", "status", status=504)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: screen.phase == "editing" and deploy_posts(sim_app), "the check")
        assert "no instance named never-made exists" in reason(screen)
        assert instance_named(sim_app, "never-made") == []
        assert len(deploy_posts(sim_app)) == 1
        assert screen.can_submit()


# -- other boot sources and keys ---------------------------------------------------------


async def test_a_volume_boot_and_a_key_added_inline(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    bootable = sim.world.add_volume(
        name="boot-fi3", size_gb=200, volume_type="NVMe", region="FINLAND-3", bootable=True, image_name=UBUNTU
    )
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        await choose(pilot, screen, gpu_model="H100-SXM5-80GB", region="FINLAND-3", boot="volume")
        assert screen.query_one("#volume_id").display and not screen.query_one("#image_name").display
        await choose(pilot, screen, volume_id=bootable.volume_id)
        assert screen.can_submit(), screen.problems
        assert "boot-fi3 200 GB NVMe" in shown(screen.query_one("#price", Static))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, DeployScreen), "the form to close")
        assert sim.world.instances[bootable.attached_to].boot_source == "volume"

        screen = await open_form(pilot)
        await choose(pilot, screen, gpu_model="RTX-A6000", region="CANADA-1", ssh_key=NEW_KEY)
        await choose(pilot, screen, new_key_name="travel-laptop", new_public_key=ED25519)
        assert screen.can_submit(), screen.problems
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, DeployScreen), "the form to close")
        order = [r.operation for r in sim.requests if r.operation in ("createSshKey", "createInstance")]
        assert order == ["createInstance", "createSshKey", "createInstance"]
        key = next(k for k in sim.world.ssh_keys.values() if k.name == "travel-laptop")
        (instance,) = [i for i in sim.world.instances.values() if i.ssh_key_id == key.key_id]
        assert instance.gpu_model == "RTX-A6000"


def quiet_app(client: Callable[[SecretStr], BarrackClient], clock: Any) -> BarrackApp:
    """The demo account on `client`, polled only once a minute, also while
    instances are CREATING: a poll must not slip in between what a test sends."""
    return BarrackApp(
        Launch(
            client_factory=client,
            api_key=SecretStr(DEMO_API_KEY),
            label="demo",
            refresh_seconds=60.0,
            fast_refresh_seconds=60.0,
            now=clock.now,
        )
    )


def socket_app(base_url: str, clock: Any) -> BarrackApp:
    """The app talking HTTP to the simulator served on 127.0.0.1."""

    def client(key: SecretStr) -> BarrackClient:
        return BarrackClient(key, base_url=base_url)

    return quiet_app(client, clock)


def fast_retry_app(sim_app: Any, clock: Any) -> BarrackApp:
    """The app with a client that retries without really sleeping."""

    async def no_sleep(_: float) -> None:
        return None

    def client(key: SecretStr) -> BarrackClient:
        transport = httpx.ASGITransport(app=sim_app)
        return BarrackClient(key, base_url="http://sim/api/", transport=transport, sleep=no_sleep)

    return quiet_app(client, clock)
