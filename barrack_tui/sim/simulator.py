"""The running simulator: world, clock, faults and the request log, behind one lock."""

from __future__ import annotations

import asyncio
import hmac
import random
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Final

from barrack_tui.sim.clock import Clock
from barrack_tui.sim.faults import Faults
from barrack_tui.sim.world import World

# The simulator's default key. Deliberately not shaped like a live key (sk_live_/sk_prod_).
DEMO_API_KEY: Final = "sk_demo_barrack_tui_0000"


@dataclass(frozen=True, slots=True)
class RequestRecord:
    method: str
    path: str
    operation: str | None
    status: int
    at: str  # simulated time, ISO-8601
    request_id: str
    fault: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class RequestLog:
    """The API requests the simulator answered, oldest first (control routes excluded).

    Keeps the last ``limit`` so a demo left running does not grow without end.
    """

    def __init__(self, limit: int = 100_000) -> None:
        self._records: deque[RequestRecord] = deque(maxlen=limit)
        self._lock = threading.Lock()

    def append(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def of(self, operation: str) -> list[RequestRecord]:
        with self._lock:
            return [r for r in self._records if r.operation == operation]

    def __iter__(self) -> Iterator[RequestRecord]:
        with self._lock:
            return iter(list(self._records))

    def __len__(self) -> int:
        return len(self._records)

    def __getitem__(self, index: int) -> RequestRecord:
        return self._records[index]


class ChatTap:
    """A test's hand on the chat streams: a token is sent only once the tap lets it through.

    ``chat_token_delay`` paces a stream by the wall clock, which a busy machine
    can fall behind; with a tap, how far the server has got is what the test
    allowed, however slow either side runs. Thread-safe (the server runs in its
    own thread); the budget is shared by every stream, in order of arrival.
    """

    POLL: Final = 0.005

    def __init__(self, tokens: int = 0) -> None:
        self._lock = threading.Lock()
        self._left: int | None = tokens  # None: open

    def allow(self, tokens: int) -> None:
        """Let ``tokens`` more tokens through."""
        with self._lock:
            if self._left is not None:
                self._left += tokens

    def open(self) -> None:
        """Let everything through from now on."""
        with self._lock:
            self._left = None

    def _take(self) -> bool:
        with self._lock:
            if self._left is None:
                return True
            if self._left > 0:
                self._left -= 1
                return True
            return False

    async def take(self) -> None:
        """Wait until one token may be sent (on the server's event loop)."""
        # Polled rather than awaited on an event, which would belong to the
        # test's loop; like any await here it ends when the client goes away.
        while not self._take():
            await asyncio.sleep(self.POLL)


class Simulator:
    def __init__(
        self,
        world: World,
        clock: Clock,
        *,
        api_key: str,
        seed: int,
        chat_token_delay: float = 0.0,
    ) -> None:
        self.world = world
        self.clock = clock
        self.faults = Faults(seed)
        self.requests = RequestLog()
        self.chat_token_delay = chat_token_delay
        # Tests set a tap to decide how many tokens the chat streams may send.
        self.chat_tap: ChatTap | None = None
        # Held while the world is read or changed; handlers are short and synchronous.
        self.lock = threading.RLock()
        self._api_key = api_key.encode()
        self._request_ids = random.Random(f"request-ids:{seed}")

    def advance(self) -> float:
        """Bring the world to the clock's time (never backwards); returns the world's time."""
        with self.lock:
            self.world.advance(self.clock.now().timestamp())
            return self.world.t

    def authorised(self, headers: Mapping[str, str]) -> bool:
        """``X-API-Key: <key>``, or ``Authorization: Bearer <key>`` (OpenAI SDKs send that)."""
        given = headers.get("x-api-key")
        if given is None:
            auth = headers.get("authorization", "")
            if auth[:7].lower() == "bearer ":
                given = auth[7:].strip()
        return given is not None and hmac.compare_digest(given.encode(), self._api_key)

    def new_request_id(self) -> str:
        with self.lock:
            return f"{self._request_ids.getrandbits(32):08x}"

    def __repr__(self) -> str:
        return f"Simulator(seed={self.world.seed}, clock={self.clock!r}, instances={len(self.world.instances)})"
