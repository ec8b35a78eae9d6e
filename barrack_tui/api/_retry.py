"""When a failed request may be sent again, and how long to wait first.

Three kinds of operation (decided from ROUTES and ``CREATING_OPERATIONS``):

* ``IDEMPOTENT`` — GET, PUT, DELETE and the read-only pricing POST: retried on
  network errors, timeouts and 408/429/5xx answers. A DELETE whose retry
  answers 404 has succeeded (the first attempt did the work).
* ``ACTION`` — a POST that changes state without creating (start, stop,
  attach...): resent only when it cannot have left the machine (connect
  failure); any later failure is raised as is.
* ``CREATING`` — a POST that creates something (deploy, volumes, snapshots,
  chat...): the same, but a failure after the request may have been sent is an
  :class:`~barrack_tui.api.errors.AmbiguousOutcomeError`.

Backoff is exponential with full jitter (0.5 s, 1 s, 2 s ... capped at 8 s,
each drawn uniformly below that). A ``Retry-After`` header is honoured exactly
when it is at most :data:`MAX_RETRY_AFTER`; a longer wait is not attempted and
the error goes to the caller, who can show it.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import Enum
from typing import Final

import httpx

from barrack_tui.api.paths import CREATING_OPERATIONS, ROUTES

BACKOFF_BASE: Final = 0.5
BACKOFF_CAP: Final = 8.0
MAX_RETRY_AFTER: Final = 20.0
RETRYABLE_STATUSES: Final = frozenset({408, 429}) | frozenset(range(500, 600))

# POSTs that only read: safe to resend.
QUERY_POSTS: Final = frozenset({"postPricing"})

# Failures that happen before a single byte of the request left this machine.
NOT_SENT_ERRORS: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class OperationKind(Enum):
    IDEMPOTENT = "idempotent"
    ACTION = "action"
    CREATING = "creating"


def kind_of(operation: str) -> OperationKind:
    route = ROUTES[operation]
    if operation in CREATING_OPERATIONS:
        return OperationKind.CREATING
    if route.method in {"GET", "PUT", "DELETE"} or operation in QUERY_POSTS:
        return OperationKind.IDEMPOTENT
    return OperationKind.ACTION


def backoff_delay(retry_number: int, rand: random.Random | None = None) -> float:
    """Full-jitter delay before retry ``retry_number`` (0 for the first retry)."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2**retry_number)
    return (rand or random).uniform(0.0, ceiling)


def parse_retry_after(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds asked by a ``Retry-After`` header (delta-seconds or HTTP-date), or None."""
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, seconds) if seconds == seconds else None  # NaN -> None
