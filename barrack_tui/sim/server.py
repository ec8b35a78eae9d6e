"""Serving the simulator over a real loopback socket with uvicorn.

``serve_in_thread`` is for tests and the demo (streaming and dropped
connections need a real socket); ``main_sim`` is ``barrack-tui sim``.
Only loopback addresses are accepted: the simulator has a well-known key.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from types import TracebackType
from typing import Final

import uvicorn
from starlette.applications import Starlette

from barrack_tui.sim.faults import ConnectionDropped

LOOPBACK: Final = frozenset({"127.0.0.1", "::1", "localhost"})
_START_TIMEOUT: Final = 10.0


class _HideDroppedConnections(logging.Filter):
    """Injected connection drops are intended; keep their tracebacks out of uvicorn's log."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        while exc is not None:
            if isinstance(exc, ConnectionDropped):
                return False
            exc = exc.__cause__ or exc.__context__ or _only_member(exc)
        return True


def _only_member(exc: BaseException) -> BaseException | None:
    members = getattr(exc, "exceptions", None)
    return members[0] if members and len(members) == 1 else None


def _quiet_drops() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _HideDroppedConnections) for f in logger.filters):
        logger.addFilter(_HideDroppedConnections())


def _bind(host: str, port: int) -> socket.socket:
    if host not in LOOPBACK:
        raise ValueError(f"The simulator serves on loopback only (127.0.0.1, ::1), not {host!r}")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1" if host == "localhost" else host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/api/"


class RunningServer:
    """The app served by uvicorn in a background thread, on a free port by default."""

    def __init__(self, app: Starlette, host: str = "127.0.0.1", port: int = 0, log_level: str = "warning") -> None:
        self.app = app
        self.host = host
        self._requested_port = port
        self._log_level = log_level
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/api/``, like ``https://barrack.ai/api/``."""
        return _url(self.host, self.port)

    def start(self) -> RunningServer:
        if self._thread is not None:
            raise RuntimeError("The server is already running")
        _quiet_drops()
        self._socket = _bind(self.host, self._requested_port)
        self.port = self._socket.getsockname()[1]
        config = uvicorn.Config(
            self.app, log_level=self._log_level, lifespan="off", access_log=False, timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name=f"barrack-sim:{self.port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"The simulator did not start on {self.base_url}")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=_START_TIMEOUT)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def __enter__(self) -> RunningServer:
        return self if self.running else self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve_in_thread(app: Starlette, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    """Start serving now; use as a context manager or call ``.stop()``."""
    return RunningServer(app, host, port).start()


def run_forever(app: Starlette, port: int, host: str = "127.0.0.1") -> None:
    """Serve in the foreground until interrupted (Ctrl+C)."""
    _serve(app, _bind(host, port))


def _serve(app: Starlette, sock: socket.socket) -> None:
    _quiet_drops()
    config = uvicorn.Config(app, log_level="info", lifespan="off")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()


def main_sim(port: int, seed: int, scenario: str, speed: float) -> int:
    """``barrack-tui sim``: print how to reach the simulator, then serve it until Ctrl+C."""
    from barrack_tui.sim.app import create_app
    from barrack_tui.sim.clock import RealClock
    from barrack_tui.sim.simulator import DEMO_API_KEY

    app = create_app(seed=seed, clock=RealClock(speed=speed), scenario=scenario)
    sock = _bind("127.0.0.1", port)
    base = _url("127.0.0.1", sock.getsockname()[1])
    print(f"Barrack API simulator ({scenario}, seed {seed}, clock x{speed:g}) on {base}")
    print(f"API key (demo): {DEMO_API_KEY}")
    print(f"Try: curl -s -H 'X-API-Key: {DEMO_API_KEY}' {base}instances/")
    print("Ctrl+C stops it.", flush=True)
    _serve(app, sock)
    return 0
