"""Start-up without a key: the keyring absent, raising or hung never freezes the UI."""

from __future__ import annotations

import asyncio
from typing import Any

from keyring.backends import fail
from textual.widgets import Input, RadioButton

from barrack_tui.screens.instances import InstancesScreen
from barrack_tui.screens.login import LoginScreen
from barrack_tui.screens.login_flow import obtain_key
from barrack_tui.sim import DEMO_API_KEY
from tests.keyring_fakes import (
    HangingKeyring,
    KeyringSwap,
    LockedKeyring,
    MemoryKeyring,
)
from tests.ui.harness import SIZE, click_button, make_app, wait_for_instances

# The fakes answer at once: only a stalled machine comes near this (and would
# then show the "did not answer" login instead of the one each test expects).
ANSWERS_WITHIN = 10.0
# The hanging keyring is given up on after this.
HANG_TIMEOUT = 0.2


def app_without_key(make_sim: Any, clock: Any, keyring_timeout: float = ANSWERS_WITHIN) -> Any:
    return make_app(
        make_sim(),
        clock,
        api_key=None,
        obtain_key=lambda app: obtain_key(app, "default", keyring_timeout=keyring_timeout),
    )


async def wait_for_login(pilot: Any) -> LoginScreen:
    for _ in range(200):
        if isinstance(pilot.app.screen, LoginScreen):
            await pilot.pause()
            return pilot.app.screen
        await pilot.pause(0.02)
    raise AssertionError("the login modal never appeared")


async def sign_in_for_this_session(pilot: Any) -> None:
    assert await pilot.click("#login-store-session")
    pilot.app.screen.query_one("#login-key", Input).value = DEMO_API_KEY
    await click_button(pilot, "#login-submit")
    await wait_for_instances(pilot)


async def test_no_keyring_backend_offers_the_fallbacks(make_sim: Any, clock: Any, use_keyring: KeyringSwap) -> None:
    use_keyring(fail.Keyring())
    app = app_without_key(make_sim, clock)
    async with app.run_test(size=SIZE) as pilot:
        login = await wait_for_login(pilot)
        assert login.query_one("#login-store-keyring", RadioButton).disabled
        assert "no keyring backend" in str(login.query_one("#login-keyring-reason").visual)
        assert not login.query_one("#login-store-session", RadioButton).disabled
        assert not login.query_one("#login-store-file", RadioButton).disabled
        await sign_in_for_this_session(pilot)
        assert isinstance(app.screen, InstancesScreen)


async def test_a_raising_keyring_is_reported_and_the_key_still_works(
    make_sim: Any, clock: Any, use_keyring: KeyringSwap
) -> None:
    use_keyring(LockedKeyring())
    app = app_without_key(make_sim, clock)
    async with app.run_test(size=SIZE) as pilot:
        login = await wait_for_login(pilot)
        assert "keyring error" in str(login.query_one("#login-keyring-reason").visual)
        await sign_in_for_this_session(pilot)
        assert isinstance(app.screen, InstancesScreen)


async def test_a_hung_keyring_keeps_the_ui_responsive(make_sim: Any, clock: Any, use_keyring: KeyringSwap) -> None:
    hanging = use_keyring(HangingKeyring())
    app = app_without_key(make_sim, clock, keyring_timeout=HANG_TIMEOUT)
    async with app.run_test(size=SIZE) as pilot:
        ticks = 0

        def tick() -> None:
            nonlocal ticks
            ticks += 1

        app.set_interval(0.01, tick)
        await asyncio.get_running_loop().run_in_executor(None, hanging.entered.wait, 2)
        assert hanging.entered.is_set()
        await pilot.pause(0.05)
        assert ticks > 0  # the event loop keeps running while the keyring thread hangs
        login = await wait_for_login(pilot)
        assert "did not answer" in str(login.query_one("#login-keyring-reason").visual)
        await sign_in_for_this_session(pilot)
        assert isinstance(app.screen, InstancesScreen)


async def test_a_key_in_the_keyring_skips_the_login(make_sim: Any, clock: Any, use_keyring: KeyringSwap) -> None:
    memory = use_keyring(MemoryKeyring())
    memory.set_password("barrack-tui", "default", DEMO_API_KEY)
    app = app_without_key(make_sim, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_instances(pilot)
        assert isinstance(app.screen, InstancesScreen)
