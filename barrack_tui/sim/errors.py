"""The simulator's error type: a status, a wire code and a message that names the problem."""

from __future__ import annotations

from typing import Final

# Wire error codes by status (WIRE.md); invalid_state is a 400 with its own code.
CODE_BY_STATUS: Final[dict[int, str]] = {
    400: "validation_error",
    401: "invalid_api_key",
    402: "insufficient_balance",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    429: "rate_limited",
    500: "internal_error",
    502: "bad_gateway",
    503: "no_capacity",
    504: "gateway_timeout",
}


def code_for(status: int) -> str:
    return CODE_BY_STATUS.get(status, "client_error" if status < 500 else "server_error")


class SimError(Exception):
    """Raised by any rule; the app turns it into the error envelope."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or code_for(status)
        self.headers = headers or {}


def invalid(message: str) -> SimError:
    return SimError(400, message)


def invalid_state(message: str) -> SimError:
    return SimError(400, message, "invalid_state")


def not_found(what: str, ident: str) -> SimError:
    return SimError(404, f"{what} {ident} not found")


def too_large(message: str) -> SimError:
    return SimError(413, message)


def insufficient_credits(balance: float, currency: str, needed: float, what: str) -> SimError:
    return SimError(
        402,
        f"Insufficient Credits: balance {balance:.2f} {currency}, {what} needs {needed:.2f} {currency} for one hour",
    )


def no_capacity(message: str) -> SimError:
    return SimError(503, message)
