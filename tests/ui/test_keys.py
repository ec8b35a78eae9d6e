"""Pilot tests of the keys & scripts mode against the in-process simulator."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import SecretStr
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Input, Label, Static, TextArea

from barrack_tui.app import BarrackApp
from barrack_tui.live.topics import Topic
from barrack_tui.screens.key_forms import (
    GenerateKeyForm,
    ImportKeyForm,
    PrivateKeyScreen,
    ScriptForm,
)
from barrack_tui.screens.keys import KeysScreen
from barrack_tui.screens.resource_forms import ConfirmForm
from barrack_tui.sim import ops_keys, sshkeys
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
# A real OpenSSH Ed25519 public key (nobody holds its private half).
PUBLIC_KEY = sshkeys.ed25519_pair(bytes(range(32)), b"\0\0\0\0", "me@laptop").public.line


def build(make_sim: Callable[..., Any], clock: Any, **launch: Any) -> tuple[BarrackApp, Any]:
    sim_app = make_sim()
    app = make_app(sim_app, clock, **launch)
    return app, sim_app.state.sim



async def open_mode(pilot: Pilot[None]) -> KeysScreen:
    await wait_for_instances(pilot)
    await pilot.press("5")
    screen = pilot.app.screen
    assert isinstance(screen, KeysScreen)
    await wait_until(pilot, lambda: screen.table("keys").total_count and screen.table("scripts").total_count)
    return screen


def text_of(widget: Static) -> str:
    content = widget.content
    return content.plain if isinstance(content, Content) else str(content)


def key_named(sim: Any, name: str) -> Any:
    return next((k for k in sim.world.ssh_keys.values() if k.name == name), None)


def script_named(sim: Any, name: str) -> Any:
    return next((s for s in sim.world.scripts.values() if s.name == name), None)


def mutations(sim: Any) -> list[Any]:
    return [r for r in sim.requests if r.method in MUTATING]



async def test_keys_table_and_detail(make_sim: Callable[..., Any], clock: Any) -> None:
    app, sim = build(make_sim, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mode(pilot)
        table = screen.table("keys")
        assert set(table.row_keys) == set(sim.world.ssh_keys)
        rsa = key_named(sim, "workstation-rsa")
        row = table.get_row(rsa.key_id)
        assert row is not None and row["type"] == "ssh-rsa" and row["fingerprint"] == rsa.fingerprint
        assert str(row["in_use"][0]).startswith("yes")  # type: ignore[index]
        table.cursor_key = rsa.key_id
        await pilot.pause()
        info = text_of(screen.query_one("#key-info", Static))
        assert "mixtral-dev" in info and "refused" in info
        assert rsa.public_key in text_of(screen.query_one("#key-public", Static))


async def test_import_a_public_key(make_sim: Callable[..., Any], clock: Any) -> None:
    app, sim = build(make_sim, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mode(pilot)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportKeyForm))
        form = app.screen
        form.query_one("#name", Input).value = "my-laptop"
        form.query_one("#public-key", TextArea).load_text(PUBLIC_KEY + "\n")
        await click_button(pilot, "#submit")
        await wait_until(pilot, lambda: app.screen is screen)

        key = key_named(sim, "my-laptop")
        assert key is not None and key.key_type == "ssh-ed25519"
        assert [r.status for r in sim.requests.of("createSshKey")] == [200]
        table = screen.table("keys")
        await wait_until(pilot, lambda: table.cursor_key == key.key_id)
        assert table.get_row(key.key_id)["in_use"][0] == "no"  # type: ignore[index]


async def test_import_is_checked_before_any_request(make_sim: Callable[..., Any], clock: Any) -> None:
    app, sim = build(make_sim, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_mode(pilot)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportKeyForm))
        form = app.screen
        name = form.query_one("#name", Input)
        area = form.query_one("#public-key", TextArea)
        cases = [
            ("my key", PUBLIC_KEY, "name", "letters, digits"),
            ("ci-deploy", PUBLIC_KEY, "name", "already exists"),
            ("ok-name", "ssh-ed25519 not base64!", "public-key", "not valid base64"),
            ("ok-name", "ssh-rsa AAAA", "public-key", "not an ssh-rsa key"),
            ("ok-name", "hello", "public-key", "OpenSSH public key"),
            ("ok-name", "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----", "public-key", "PRIVATE"),
        ]
        for typed_name, typed_key, field, message in cases:
            name.value = typed_name
            area.load_text(typed_key)
            await click_button(pilot, "#submit")
            await pilot.pause()
            assert message in str(form.query_one(f"#{field}-error", Label).content), (typed_name, typed_key)
        assert app.screen is form
        assert not sim.requests.of("createSshKey")


async def test_a_refused_import_shows_the_server_message_and_keeps_the_form(
    make_sim: Callable[..., Any], clock: Any
) -> None:
    app, sim = build(make_sim, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_mode(pilot)
        registered = key_named(sim, "workstation-rsa").public_key
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportKeyForm))
        form = app.screen
        form.query_one("#name", Input).value = "same-key-again"
        form.query_one("#public-key", TextArea).load_text(registered)
        await click_button(pilot, "#submit")
        error = form.query_one("#form-error", Static)
        await wait_until(pilot, lambda: "400" in text_of(error))
        assert "already registered as 'workstation-rsa'" in text_of(error)
        assert app.screen is form
        assert form.text("name") == "same-key-again" and form.text("public-key") == registered
        assert key_named(sim, "same-key-again") is None


def _holders_of(secret: str) -> list[str]:
    """Live objects that still hold the private key (strings are found through their containers)."""
    marker = secret.splitlines()[2]  # a line of the key body, nothing else contains it

    def holds(obj: object) -> bool:
        if isinstance(obj, SecretStr):
            return marker in obj.get_secret_value()
        if isinstance(obj, dict):
            obj = list(obj.values())
        return isinstance(obj, (list, tuple)) and any(isinstance(x, str) and marker in x for x in obj)

    gc.collect()
    return [type(obj).__name__ for obj in gc.get_objects() if holds(obj)]


async def test_generated_private_key_is_shown_once_never_logged_then_gone(
    make_sim: Callable[..., Any], clock: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    app, sim = build(make_sim, clock)
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mode(pilot)
        await pilot.press("g")
        await wait_until(pilot, lambda: isinstance(app.screen, GenerateKeyForm))
        await pilot.press(*"fresh-key", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PrivateKeyScreen))
        modal = app.screen
        secret = modal.query_one("#private-key", TextArea).text
        assert secret.startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
        assert key_named(sim, "fresh-key") is not None
        assert _holders_of(secret)  # the detector sees the key while the modal shows it

        await pilot.press("escape")  # not copied yet: a first escape only warns
        assert app.screen is modal
        assert "cannot be shown again" in str(modal.query_one("#close-warning", Label).content)
        await pilot.press("c")
        assert app.clipboard == secret
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        await wait_until(pilot, lambda: screen.table("keys").has_row(key_named(sim, "fresh-key").key_id))

        marker = secret.splitlines()[2]
        assert marker not in caplog.text
        assert all(marker not in note for note in notes)
        assert app.clipboard == ""
        for shown in app.screen_stack:
            for widget in shown.walk_children():
                if isinstance(widget, TextArea):
                    assert marker not in widget.text
                if isinstance(widget, Static):
                    assert marker not in text_of(widget)
        assert _holders_of(secret) == []


async def test_a_key_in_use_is_not_deleted(make_sim: Callable[..., Any], clock: Any) -> None:
    app, sim = build(make_sim, clock)
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mode(pilot)
        key = key_named(sim, "ci-deploy")
        screen.table("keys").cursor_key = key.key_id
        await pilot.press("delete")
        await pilot.pause()
        assert app.screen is screen
        assert any("ci-deploy is used by" in note and "cannot be deleted" in note for note in notes)
        assert not sim.requests.of("deleteSshKey")
        assert key.key_id in sim.world.ssh_keys


async def test_delete_an_unused_key(make_sim: Callable[..., Any], clock: Any) -> None:
    app, sim = build(make_sim, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mode(pilot)
        with sim.lock:
            spare, _ = ops_keys.add_key(sim.world, "spare", PUBLIC_KEY)
        await refresh_now(pilot, Topic.SSH_KEYS)
        table = screen.table("keys")
        table.cursor_key = spare.key_id
        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmForm))
        await click_button(pilot, "#submit")
        await wait_until(pilot, lambda: app.screen is screen)
        assert spare.key_id not in sim.world.ssh_keys
        assert [r.status for r in sim.requests.of("deleteSshKey")] == [200]
        await wait_until(pilot, lambda: not table.has_row(spare.key_id))


async def test_create_a_script_within_the_size_limit(make_sim: Callable[..., Any], clock: Any) -> None:
    app, sim = build(make_sim, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mode(pilot)
        await pilot.press("t", "n")
        await wait_until(pilot, lambda: isinstance(app.screen, ScriptForm))
        form = app.screen
        form.query_one("#name", Input).value = "warm-cache"
        area = form.query_one("#content", TextArea)
        area.load_text("#" * (16 * 1024 + 1))
        await click_button(pilot, "#submit")
        await pilot.pause()
        assert "the limit is 16 KB" in str(form.query_one("#content-error", Label).content)
        assert "16.0 KB of 16 KB" in text_of(form.query_one("#preview", Static))
        assert app.screen is form
        assert not sim.requests.of("createScript")  # refused before any request

        content = "#!/bin/bash\necho warming\n" + "# pad\n" * 100
        area.load_text(content)
        await pilot.pause()
        assert "625 B of 16 KB" in text_of(form.query_one("#preview", Static))
        await click_button(pilot, "#submit")
        await wait_until(pilot, lambda: app.screen is screen)
        script = script_named(sim, "warm-cache")
        assert script is not None and script.content == content
        table = screen.table("scripts")
        await wait_until(pilot, lambda: table.cursor_key == script.script_id)
        assert "echo warming" in str(screen.query_one("#script-content", Static).content.code)  # type: ignore[union-attr]


async def test_edit_a_script_and_see_a_server_error(make_sim: Callable[..., Any], clock: Any) -> None:
    app, sim = build(make_sim, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mode(pilot)
        script = script_named(sim, "install-vllm")
        await pilot.press("t")
        screen.table("scripts").cursor_key = script.script_id
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ScriptForm))
        form = app.screen
        await click_button(pilot, "#submit")  # nothing changed: nothing is sent
        await pilot.pause()
        assert "Nothing changed" in str(form.query_one("#content-error", Label).content)
        edited = script.content + "echo done\n"
        form.query_one("#content", TextArea).load_text(edited)
        sim.faults.add("updateScript", "status", status=400, message="Script storage is read-only right now")
        await click_button(pilot, "#submit")
        error = form.query_one("#form-error", Static)
        await wait_until(pilot, lambda: "Script storage is read-only right now" in text_of(error))
        assert "400" in text_of(error) and form.text("content") == edited
        await click_button(pilot, "#submit")  # the fault was for one request: now it saves
        await wait_until(pilot, lambda: app.screen is screen)
        assert script.content == edited and script.name == "install-vllm"
        assert [r.status for r in sim.requests.of("updateScript")] == [400, 200]


async def test_delete_several_scripts_at_once(make_sim: Callable[..., Any], clock: Any) -> None:
    app, sim = build(make_sim, clock)
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mode(pilot)
        await pilot.press("t", "asterisk")
        table = screen.table("scripts")
        assert table.selected_keys == set(sim.world.scripts)
        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmForm))
        assert "Delete 2 startup scripts?" in str(app.screen.query_one("#title", Label).content)
        await click_button(pilot, "#submit")
        await wait_until(pilot, lambda: app.screen is screen)
        assert sim.world.scripts == {}
        assert [r.status for r in sim.requests.of("deleteScripts")] == [200]
        assert not sim.requests.of("deleteScript")
        assert "2 startup scripts deleted" in notes
        await wait_until(pilot, lambda: table.total_count == 0)
        assert table.selected_keys == frozenset()


async def test_read_only_sends_no_mutating_request(make_sim: Callable[..., Any], clock: Any) -> None:
    app, sim = build(make_sim, clock, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mode(pilot)
        banner = screen.query_one("#read-only", Label)
        assert banner.display and "Read-only mode" in str(banner.content)
        for action in ("import_key", "generate_key", "delete"):
            assert screen.check_action(action, ()) is None, action
        await pilot.press("a", "g", "delete")
        await pilot.press("t")
        for action in ("new_script", "edit_script", "delete", "mark_all"):
            assert screen.check_action(action, ()) is None, action
        await pilot.press("n", "e", "enter", "asterisk", "delete")
        await pilot.pause()
        assert app.screen is screen
        assert mutations(sim) == []
