"""Starting the console: against the bundled simulator (demo) or the real API."""

from __future__ import annotations

from pydantic import SecretStr

from barrack_tui.api.client import BarrackClient
from barrack_tui.app import BarrackApp, Launch
from barrack_tui.demo import DEMO_LABEL


def run_demo(seed: int, read_only: bool, refresh: float | None) -> int:
    """Serve the simulator on a free loopback port and open the console on it.

    Real HTTP (not an in-process transport), so chat streams token by token
    exactly as it would from the real API.
    """
    from barrack_tui.sim import DEMO_API_KEY, create_app
    from barrack_tui.sim.clock import RealClock
    from barrack_tui.sim.server import serve_in_thread

    clock = RealClock()
    server = serve_in_thread(create_app(seed=seed, clock=clock, scenario="demo", chat_token_delay=0.02))
    with server:
        launch = Launch(
            client_factory=lambda key: BarrackClient(key, base_url=server.base_url, read_only=read_only),
            api_key=SecretStr(DEMO_API_KEY),
            label=DEMO_LABEL,
            profile="demo",
            read_only=read_only,
            refresh_seconds=refresh or 2.0,
            now=clock.now,
            tune_gc=True,
        )
        BarrackApp(launch).run()
    return 0


def run_real(profile: str | None, api_url: str | None, read_only: bool | None, refresh: float | None) -> int:
    """Connect to the real API with the key from the env, the keyring or the login modal."""
    from barrack_tui.config import ConfigError, resolve_settings
    from barrack_tui.screens.login_flow import obtain_key

    try:
        settings = resolve_settings(profile=profile, api_url=api_url, refresh=refresh, read_only=read_only)
    except ConfigError as error:
        print(f"barrack-tui: {error}")
        return 2
    launch = Launch(
        client_factory=lambda key: BarrackClient(key, base_url=settings.api_url, read_only=settings.read_only),
        obtain_key=lambda app: obtain_key(app, settings.profile),
        label=f"{settings.profile} · {settings.api_url}",
        profile=settings.profile,
        read_only=settings.read_only,
        refresh_seconds=settings.refresh_seconds,
        budget_min_hours=settings.budget_min_hours,
        tune_gc=True,
    )
    app = BarrackApp(launch)
    app.run()
    return app.return_code or 0
