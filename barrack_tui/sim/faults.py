"""Fault injection: make chosen operations slow, fail, or break the connection.

Faults are matched per request by operationId (or ``"*"`` for every API
operation), in the order they were added, each for ``times`` requests
(``None``: until cleared) and, with ``probability`` below 1, by a seeded
random draw. All matching ``latency`` faults apply; then the first matching
fault of another kind decides the outcome:

- ``status``: an error envelope with that status; the operation is not run.
- ``rate_limit``: 429 with ``Retry-After: retry_after``; not run.
- ``malformed``: the operation runs, the body is not JSON (status 200).
- ``truncated``: the operation runs, the JSON is cut in half (status 200).
- ``commit_then_drop``: the operation runs (a deploy creates the VM), then the
  connection breaks after the status line and half the body.
- ``drop_mid_stream``: for chat, ``after_tokens`` tokens are sent, then the
  connection breaks; on other operations it acts like ``commit_then_drop``.
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass
from typing import Any, Final, Literal

import httpx

from barrack_tui.api.paths import ROUTES

FaultKind = Literal["latency", "status", "rate_limit", "malformed", "truncated", "commit_then_drop", "drop_mid_stream"]
KINDS: Final[tuple[str, ...]] = (
    "latency",
    "status",
    "rate_limit",
    "malformed",
    "truncated",
    "commit_then_drop",
    "drop_mid_stream",
)


class ConnectionDropped(httpx.RemoteProtocolError):
    """Raised inside the app to break the connection after the response started.

    Over a socket the server closes the connection, and the client sees an
    incomplete response. In-process (``httpx.ASGITransport``) the exception
    reaches the client as is; it is an ``httpx.RemoteProtocolError``, the same
    error httpx raises over a socket, so client code handles both alike.
    """


@dataclass(slots=True)
class Fault:
    kind: str
    operation: str = "*"
    times: int | None = 1
    probability: float = 1.0
    status: int = 500
    seconds: float = 0.0
    retry_after: int = 1
    after_tokens: int = 3
    message: str | None = None
    hits: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Faults:
    def __init__(self, seed: int = 0) -> None:
        self._rng = random.Random(f"faults:{seed}")
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(
        self,
        operation: str = "*",
        kind: str = "status",
        *,
        status: int = 500,
        seconds: float = 0.0,
        retry_after: int = 1,
        times: int | None = 1,
        probability: float = 1.0,
        after_tokens: int = 3,
        message: str | None = None,
    ) -> Fault:
        if kind not in KINDS:
            raise ValueError(f"Unknown fault kind {kind!r}: use {', '.join(KINDS)}")
        if operation != "*" and operation not in ROUTES:
            raise ValueError(f"Unknown operation {operation!r}: use an operationId of ROUTES or '*'")
        if kind == "status" and not 400 <= status <= 599:
            raise ValueError(f"A status fault needs a 4xx or 5xx status (got {status})")
        if times is not None and times < 1:
            raise ValueError(f"times must be 1 or more, or None for every request (got {times})")
        if not 0.0 < probability <= 1.0:
            raise ValueError(f"probability must be in (0, 1] (got {probability})")
        if seconds < 0 or retry_after < 0 or after_tokens < 0:
            raise ValueError("seconds, retry_after and after_tokens cannot be negative")
        fault = Fault(kind, operation, times, probability, status, seconds, retry_after, after_tokens, message)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> int:
        with self._lock:
            count = len(self._faults)
            self._faults.clear()
        return count

    @property
    def active(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, operation: str) -> tuple[float, Fault | None]:
        """For one request: the total injected latency and the deciding fault, if any."""
        latency, deciding = 0.0, None
        with self._lock:
            for fault in list(self._faults):
                if fault.operation not in ("*", operation):
                    continue
                if fault.kind != "latency" and deciding is not None:
                    continue
                if fault.probability < 1.0 and self._rng.random() >= fault.probability:
                    continue
                fault.hits += 1
                if fault.times is not None and fault.hits >= fault.times:
                    self._faults.remove(fault)
                if fault.kind == "latency":
                    latency += fault.seconds
                else:
                    deciding = fault
        return latency, deciding
