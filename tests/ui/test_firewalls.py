"""Pilot tests of the firewalls mode against the in-process simulator."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, SelectionList

from barrack_tui.api.models import FirewallResponse, FirewallRule
from barrack_tui.app import BarrackApp
from barrack_tui.live.topics import Topic
from barrack_tui.screens.firewall_forms import (
    AttachFirewallForm,
    CreateFirewallForm,
    FirewallRuleForm,
)
from barrack_tui.screens.firewalls import (
    FirewallAction,
    FirewallsScreen,
    firewall_blocked,
)
from barrack_tui.screens.instance_actions import READ_ONLY_REASON
from barrack_tui.screens.resource_forms import ConfirmForm
from barrack_tui.sim import assumed
from barrack_tui.widgets.resource_table import ResourceTable
from tests.ui.harness import SIZE, make_app, refresh_now, wait_for_instances

# Helpers shared with the volumes tests (they would sit well in harness.py).
from tests.ui.test_volumes import (
    error_text,
    field_error,
    mutating,
    open_form,
    shown,
    submit,
    wait_until,
)


async def open_firewalls(pilot: Pilot[None]) -> FirewallsScreen:
    app: BarrackApp = pilot.app  # type: ignore[assignment]
    await wait_for_instances(pilot)
    await app.switch_mode("firewalls")
    screen = app.screen
    assert isinstance(screen, FirewallsScreen)
    await wait_until(pilot, lambda: screen.table.total_count > 0, "the firewalls")
    return screen


def firewall_id(sim: Any, name: str) -> str:
    return next(f.firewall_id for f in sim.world.firewalls.values() if f.name == name)


async def select(pilot: Pilot[None], screen: FirewallsScreen, name: str) -> FirewallResponse:
    key = next(k for k, f in screen.firewalls().items() if f.name == name)
    screen.table.cursor_key = key
    await pilot.pause()
    firewall = screen.current()
    assert firewall is not None and firewall.name == name
    return firewall


async def test_table_shows_each_firewall_with_its_rules_and_instances(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    world = sim_app.state.sim.world
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_firewalls(pilot)
        assert set(screen.table.row_keys) == set(world.firewalls)
        assert "3 of 25" in str(screen.table.border_title)
        firewall = await select(pilot, screen, "web-ingress")
        row = screen.table.get_row(firewall.firewall_id)
        assert row is not None and row["rules"].value == "3"
        assert row["attached"].value == "2: llama-finetune-01, llama-finetune-02"
        fw = world.firewalls[firewall.firewall_id]
        assert screen.rules_table.row_keys == [r.rule_id for r in fw.rules]
        attachments = screen.query_one("#attachments", ResourceTable)
        assert attachments.row_keys == [a.instance_id for a in fw.attachments]
        assert "cannot be deleted" in shown(screen.query_one("#actions"))


async def test_create_firewall_and_select_it(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_firewalls(pilot)
        form = await open_form(pilot, "n", CreateFirewallForm)
        assert "3 of 25" in shown(form.query_one("#note"))
        form.query_one("#name", Input).value = "db-access"
        form.query_one("#description", Input).value = "Postgres from the VPN"
        form.query_one("#region", Select).value = "FINLAND-2"
        await pilot.pause()
        await submit(pilot, form)
        await wait_until(pilot, lambda: pilot.app.screen is screen, "the form to close")
        created = sim.world.firewalls[firewall_id(sim, "db-access")]
        assert (created.region, created.description) == ("FINLAND-2", "Postgres from the VPN")
        assert [op for op, _ in mutating(sim)] == ["createFirewall"]
        await wait_until(
            pilot, lambda: screen.table.cursor_key == created.firewall_id, "the new row selected"
        )
        assert "4 of 25" in str(screen.table.border_title)


async def test_create_checks_name_and_description_before_sending(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_firewalls(pilot)
        form = await open_form(pilot, "n", CreateFirewallForm)
        form.query_one("#name", Input).value = "web-ingress"
        form.query_one("#description", Input).value = "x" * 256
        await pilot.pause()
        await submit(pilot, form)
        assert "already exists" in field_error(form, "name")
        assert "256 characters; at most 255" in field_error(form, "description")
        form.query_one("#description", Input).value = "x" * 255
        await pilot.pause()
        assert field_error(form, "description") == ""
        assert pilot.app.screen is form
        assert mutating(sim) == []


async def test_the_account_limit_disables_create_with_the_reason(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_firewalls(pilot)
        assert app.services is not None
        for n in range(25 - len(sim.world.firewalls)):
            await app.services.client.firewalls.create(f"fw-{n:02d}", "FINLAND-1")
        await refresh_now(pilot, Topic.FIREWALLS)
        sim.requests.clear()
        assert screen.check_action("act", ("create",)) is None
        assert "25 firewalls, the most allowed" in shown(screen.query_one("#actions"))
        await pilot.press("n")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert mutating(sim) == []


async def test_add_rule_offers_the_api_protocols_and_adds_the_rule(
    make_sim: Any, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(assumed.PROTOCOLS, "gre", False)
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_firewalls(pilot)
        firewall = await select(pilot, screen, "inference-api")
        form = await open_form(pilot, "plus", FirewallRuleForm)
        offered = [str(o[1]) for o in form.query_one("#protocol", Select)._options if o[1] is not Select.NULL]
        assert offered == list(assumed.PROTOCOLS)  # tcp, udp, icmp and gre: the API's list
        form.query_one("#port-min", Input).value = "5432"
        form.query_one("#port-max", Input).value = "5432"
        form.query_one("#cidr", Input).value = "10.0.0.0/8"
        await pilot.pause()
        await submit(pilot, form)
        await wait_until(pilot, lambda: pilot.app.screen is screen, "the form to close")
        rules = sim.world.firewalls[firewall.firewall_id].rules
        added = rules[-1]
        assert (added.protocol, added.port_range_min, added.remote_ip_prefix) == ("tcp", 5432, "10.0.0.0/8")
        assert screen.rules_table.has_row(added.rule_id)
        assert screen.rules_table.cursor_key == added.rule_id
        assert mutating(sim) == [("addFirewallRule", 200)]
        assert len(sim.requests.of("getSupportedProtocols")) == 1


async def test_rule_refused_by_the_server_keeps_the_form(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    sim.faults.add("addFirewallRule", "status", status=400, message="Rule overlaps rule BRK-H5VAYHR")
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_firewalls(pilot)
        firewall = await select(pilot, screen, "web-ingress")
        before = len(sim.world.firewalls[firewall.firewall_id].rules)
        form = await open_form(pilot, "plus", FirewallRuleForm)
        form.query_one("#port-min", Input).value = "22"
        form.query_one("#port-max", Input).value = "22"
        await pilot.pause()
        await submit(pilot, form)
        await wait_until(pilot, lambda: "overlaps" in error_text(form), "the server's message")
        assert "400" in error_text(form)
        assert pilot.app.screen is form
        assert form.query_one("#port-min", Input).value == "22"
        assert len(sim.world.firewalls[firewall.firewall_id].rules) == before


async def test_invalid_rule_is_never_sent(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_firewalls(pilot)
        await select(pilot, screen, "web-ingress")
        form = await open_form(pilot, "plus", FirewallRuleForm)
        form.query_one("#port-min", Input).value = "9000"
        form.query_one("#port-max", Input).value = "80"
        form.query_one("#cidr", Input).value = "10.0.0.300/8"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is form
        assert mutating(sim) == []


async def test_remove_rule_after_confirmation(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_firewalls(pilot)
        firewall = await select(pilot, screen, "web-ingress")
        rule = firewall.rules[1]
        screen.rules_table.focus()
        screen.rules_table.cursor_key = rule.rule_id
        await pilot.pause()
        form = await open_form(pilot, "minus", ConfirmForm)
        assert "ingress tcp 443 from 0.0.0.0/0" in shown(form.query_one("#title"))
        await submit(pilot, form)
        await wait_until(pilot, lambda: pilot.app.screen is screen, "the confirmation to close")
        assert rule.rule_id not in [r.rule_id for r in sim.world.firewalls[firewall.firewall_id].rules]
        assert not screen.rules_table.has_row(rule.rule_id)
        assert mutating(sim) == [("removeFirewallRule", 200)]


async def test_attach_offers_active_instances_of_the_region_not_yet_attached(
    make_sim: Any, clock: Any
) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    world = sim.world
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_firewalls(pilot)
        firewall = await select(pilot, screen, "inference-api")
        form = await open_form(pilot, "a", AttachFirewallForm)
        selections = form.query_one("#instances", SelectionList)
        await wait_until(pilot, lambda: form.candidates is not None, "the attachable instances")
        offered = [selections.get_option_at_index(i).value for i in range(selections.option_count)]
        assert offered == [world.instance_names["llama-serve-fi2"]]  # vllm-serve-70b already has it
        listed = sim.requests.of("listFirewallAttachableInstances")
        assert len(listed) == 1
        await submit(pilot, form)
        assert "Tick at least one" in field_error(form, "instances")
        assert mutating(sim) == []
        selections.select(offered[0])
        await pilot.pause()
        await submit(pilot, form)
        await wait_until(pilot, lambda: pilot.app.screen is screen, "the form to close")
        attached = [a.instance_id for a in world.firewalls[firewall.firewall_id].attachments]
        assert offered[0] in attached
        assert screen.query_one("#attachments", ResourceTable).has_row(offered[0])
        assert mutating(sim) == [("attachFirewall", 200)]


async def test_attach_says_why_when_no_instance_can_take_it(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_firewalls(pilot)
        assert app.services is not None
        created = (await app.services.client.firewalls.create("fi3-only", "FINLAND-3")).firewall
        await app.services.client.firewalls.attach(
            created.firewall_id, [sim.world.instance_names["rlhf-reward-fi3"]]
        )
        await refresh_now(pilot, Topic.FIREWALLS)
        await select(pilot, screen, "fi3-only")
        sim.requests.clear()
        form = await open_form(pilot, "a", AttachFirewallForm)
        await wait_until(pilot, lambda: form.candidates is not None, "the attachable instances")
        assert "Every ACTIVE instance in FINLAND-3 already has this firewall" in error_text(form)
        assert form.query_one("#submit").disabled
        assert mutating(sim) == []


async def test_delete_is_refused_while_attached_and_works_once_free(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_firewalls(pilot)
        await select(pilot, screen, "web-ingress")
        assert screen.check_action("act", ("delete",)) is None
        await pilot.press("delete")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert app.services is not None
        created = (await app.services.client.firewalls.create("scratch-fw", "CANADA-1")).firewall
        await refresh_now(pilot, Topic.FIREWALLS)
        sim.requests.clear()
        await select(pilot, screen, "scratch-fw")
        form = await open_form(pilot, "delete", ConfirmForm)
        await submit(pilot, form)
        await wait_until(pilot, lambda: pilot.app.screen is screen, "the confirmation to close")
        assert created.firewall_id not in sim.world.firewalls
        await wait_until(pilot, lambda: not screen.table.has_row(created.firewall_id), "the row to go")
        assert mutating(sim) == [("deleteFirewall", 200)]


async def test_delete_refused_by_the_server_shows_the_reason(make_sim: Any, clock: Any) -> None:
    """The console thinks it is free; someone attached it meanwhile."""
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_firewalls(pilot)
        assert app.services is not None
        created = (await app.services.client.firewalls.create("late-attach", "CANADA-1")).firewall
        await refresh_now(pilot, Topic.FIREWALLS)
        await select(pilot, screen, "late-attach")
        await app.services.client.firewalls.attach(
            created.firewall_id, [sim.world.instance_names["mixtral-dev"]]
        )
        form = await open_form(pilot, "delete", ConfirmForm)
        await submit(pilot, form)
        await wait_until(pilot, lambda: "cannot be deleted" in error_text(form), "the server's reason")
        assert "400" in error_text(form)
        assert pilot.app.screen is form
        assert created.firewall_id in sim.world.firewalls


async def test_read_only_sends_no_mutating_request(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    sim = sim_app.state.sim
    app = make_app(sim_app, clock, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_firewalls(pilot)
        await select(pilot, screen, "inference-api")
        for action in FirewallAction:
            assert screen.check_action("act", (action.value,)) is None
        await pilot.press("n", "plus", "minus", "a", "delete")
        screen.rules_table.focus()
        await pilot.press("minus")
        await pilot.pause()
        assert pilot.app.screen is screen
        screen.action_act("attach")  # e.g. from the palette: refused with the reason
        await pilot.pause()
        assert READ_ONLY_REASON in shown(screen.query_one("#actions"))
        assert mutating(sim) == []


def fw(**changes: Any) -> FirewallResponse:
    data = {
        "firewall_id": "BRK-FIREW1F",
        "name": "edge",
        "region": "FINLAND-1",
        "status": "SUCCESS",
        "rules": [],
        "attachments": [],
    }
    return FirewallResponse.model_validate({**data, **changes})


def test_firewall_rules() -> None:
    rule = FirewallRule(
        rule_id="BRK-RULE01R",
        direction="ingress",
        protocol="tcp",
        ethertype="IPv4",
        port_range_min=22,
        port_range_max=22,
        remote_ip_prefix="0.0.0.0/0",
    )
    attached = fw(
        attachments=[{"instance_id": "BRK-INST01D", "vm_name": "web", "status": "SUCCESS"}], rules=[rule]
    )
    assert firewall_blocked(FirewallAction.CREATE, None, None, 24, {}) is None
    assert "most allowed (25)" in (firewall_blocked(FirewallAction.CREATE, None, None, 25, {}) or "")
    assert firewall_blocked(FirewallAction.DELETE, attached, None, 3, {}) == (
        "Attached to web; a firewall with attachments cannot be deleted"
    )
    assert firewall_blocked(FirewallAction.DELETE, fw(), None, 3, {}) is None
    assert firewall_blocked(FirewallAction.REMOVE_RULE, fw(), None, 3, {}) == "The firewall has no rules"
    assert firewall_blocked(FirewallAction.REMOVE_RULE, attached, rule, 3, {}) is None
    assert firewall_blocked(FirewallAction.ATTACH, None, None, 3, {}) == "No firewall selected"
