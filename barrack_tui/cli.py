"""The command line: the console, the demo, the simulator, auth and screenshots."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="barrack-tui",
        description="A keyboard-driven terminal console for the Barrack GPU cloud.",
    )
    parser.add_argument("--demo", action="store_true", help="run against the bundled simulator: no key, no network")
    parser.add_argument("--profile", help="settings profile to use (see the README)")
    parser.add_argument("--api-url", help="API base URL (default https://barrack.ai/api/; env BARRACK_API_URL)")
    parser.add_argument("--read-only", action="store_true", default=None, help="never send a mutating request")
    parser.add_argument("--refresh", type=float, metavar="SECONDS", help="how often the instance list is polled (default 5)")
    parser.add_argument("--seed", type=int, default=7, help="demo world seed (with --demo)")
    commands = parser.add_subparsers(dest="command")

    sim = commands.add_parser("sim", help="serve the Barrack API simulator on 127.0.0.1")
    sim.add_argument("--port", type=int, default=8765)
    sim.add_argument("--seed", type=int, default=7)
    sim.add_argument("--scenario", default="demo", choices=("demo", "empty"))
    sim.add_argument("--speed", type=float, default=1.0, help="simulated seconds per real second")

    auth = commands.add_parser("auth", help="where the API key comes from: status, login, logout")
    auth.add_argument("auth_args", nargs=argparse.REMAINDER)

    shots = commands.add_parser("screenshots", help="regenerate screenshots/ from the demo")
    shots.add_argument("--out", default="screenshots")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "sim":
        from barrack_tui.sim.server import main_sim

        return main_sim(port=args.port, seed=args.seed, scenario=args.scenario, speed=args.speed)
    if args.command == "auth":
        from barrack_tui.auth_cli import run_auth

        profile = ["--profile", args.profile] if args.profile else []
        return run_auth([*args.auth_args, *profile])
    if args.command == "screenshots":
        from barrack_tui.screenshots import regenerate

        return regenerate(args.out)
    # Before the console's imports: with the default thresholds, starting it
    # ran ~140 collections (one of them full) while modules were loading.
    from barrack_tui.gc_tuning import collect_less_often

    collect_less_often()
    if args.demo:
        from barrack_tui.launch import run_demo

        return run_demo(seed=args.seed, read_only=bool(args.read_only), refresh=args.refresh)
    from barrack_tui.launch import run_real

    return run_real(profile=args.profile, api_url=args.api_url, read_only=args.read_only, refresh=args.refresh)


if __name__ == "__main__":
    sys.exit(main())
