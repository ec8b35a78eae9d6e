"""The Barrack API simulator: a deterministic in-memory world behind an ASGI app.

``create_app(...)`` builds it; ``barrack_tui.sim.server`` serves it over a
loopback socket (imported separately: it pulls in uvicorn).
"""

from barrack_tui.sim.app import create_app
from barrack_tui.sim.clock import Clock, ManualClock, RealClock
from barrack_tui.sim.faults import ConnectionDropped, Fault, Faults
from barrack_tui.sim.simulator import DEMO_API_KEY, ChatTap, RequestRecord, Simulator

__all__ = [
    "DEMO_API_KEY",
    "ChatTap",
    "Clock",
    "ConnectionDropped",
    "Fault",
    "Faults",
    "ManualClock",
    "RealClock",
    "RequestRecord",
    "Simulator",
    "create_app",
]
