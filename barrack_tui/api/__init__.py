"""The async client of the Barrack REST API (no Textual here).

    async with BarrackClient(api_key) as client:
        vms = await client.instances.list()

Paths: :mod:`barrack_tui.api.paths`; models: :mod:`barrack_tui.api.models`;
errors: :mod:`barrack_tui.api.errors`.
"""

from __future__ import annotations

from barrack_tui.api._base import RequestEvent, RequestHook
from barrack_tui.api.client import (
    DEFAULT_BASE_URL,
    DEFAULT_DEADLINE,
    DEFAULT_TIMEOUT,
    BarrackClient,
)
from barrack_tui.api.errors import (
    AmbiguousOutcomeError,
    APIStatusError,
    AuthError,
    BarrackConnectionError,
    BarrackError,
    BarrackTimeoutError,
    ConflictError,
    NotFoundError,
    PayloadTooLargeError,
    PaymentRequiredError,
    RateLimitError,
    ReadOnlyError,
    ResponseValidationError,
    ServerError,
    StreamInterruptedError,
    ValidationError,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_DEADLINE",
    "DEFAULT_TIMEOUT",
    "APIStatusError",
    "AmbiguousOutcomeError",
    "ReadOnlyError",
    "AuthError",
    "BarrackClient",
    "BarrackConnectionError",
    "BarrackError",
    "BarrackTimeoutError",
    "ConflictError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PaymentRequiredError",
    "RateLimitError",
    "RequestEvent",
    "RequestHook",
    "ResponseValidationError",
    "ServerError",
    "StreamInterruptedError",
    "ValidationError",
]
