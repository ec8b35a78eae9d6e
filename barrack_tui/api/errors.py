"""The client's exceptions: one base, one subclass per failure family.

Every error carries what a UI needs to show it and what a bug report needs:
``status`` (HTTP status or None), ``message`` (the server's own words where it
sent some), ``error_code`` (the envelope's ``error`` field, e.g.
``invalid_state``), ``request_id`` (envelope or ``X-Request-ID``), ``body``
(redacted, at most ~500 characters) and ``operation`` (the operationId).
``str(err)`` is one line for a toast: ``402 Insufficient Credits: Balance too
low (request a1b2c3d4)``. No error text ever contains the API key: every
string is passed through :func:`~barrack_tui.api.redaction.redact`.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import ClassVar

from barrack_tui.api.redaction import redact, truncate

BODY_LIMIT = 500


class BarrackError(Exception):
    """Base of every error raised by :class:`~barrack_tui.api.BarrackClient`."""

    title: ClassVar[str | None] = None
    """Status errors: the heading after the status; None means the HTTP reason phrase."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        request_id: str | None = None,
        body: str | None = None,
        operation: str | None = None,
        error_code: str | None = None,
    ) -> None:
        self.message = redact(message)
        self.status = status
        self.request_id = request_id
        self.body = truncate(redact(body), BODY_LIMIT) if body else body
        self.operation = operation
        self.error_code = error_code
        super().__init__(self._render())

    def _headline(self) -> str:
        """The message with whatever precedes it (only status errors add a heading)."""
        return self.message

    def _render(self) -> str:
        text = self._headline()
        return f"{text} (request {self.request_id})" if self.request_id else text

    def __str__(self) -> str:
        return self._render()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, message={self.message!r}, "
            f"error_code={self.error_code!r}, request_id={self.request_id!r}, "
            f"operation={self.operation!r})"
        )


class APIStatusError(BarrackError):
    """The server answered with an error status. Subclassed per status family."""

    def _headline(self) -> str:
        if self.status is None:
            return self.message
        title = self.title
        if title is None:
            try:
                title = HTTPStatus(self.status).phrase
            except ValueError:
                title = "HTTP error"
        if self.message.casefold().startswith(title.casefold()):
            return f"{self.status} {self.message}"  # the server already said it
        return f"{self.status} {title}: {self.message}"


class ValidationError(APIStatusError):
    """400 / 422: the request was refused as invalid (including an action from a
    state that does not allow it, error code ``invalid_state``)."""


class AuthError(APIStatusError):
    """401 / 403: missing, wrong or insufficient API key."""


class PaymentRequiredError(APIStatusError):
    """402: the credit balance does not cover the request."""

    title = "Insufficient Credits"


class NotFoundError(APIStatusError):
    """404: the resource (or one it references) does not exist."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's current state."""


class PayloadTooLargeError(APIStatusError):
    """413: a payload or resource limit was exceeded (e.g. cloud-init over 16 KB)."""


class RateLimitError(APIStatusError):
    """429: too many requests. ``retry_after`` is the server's hint in seconds."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        status: int | None = 429,
        request_id: str | None = None,
        body: str | None = None,
        operation: str | None = None,
        error_code: str | None = None,
    ) -> None:
        self.retry_after = retry_after
        super().__init__(
            message,
            status=status,
            request_id=request_id,
            body=body,
            operation=operation,
            error_code=error_code,
        )


class ServerError(APIStatusError):
    """5xx: the server failed (503 is also Barrack's "no GPU capacity")."""


class BarrackConnectionError(BarrackError):
    """The server could not be reached, or the connection broke before a full answer."""


class BarrackTimeoutError(BarrackConnectionError):
    """A network timeout or the call's overall deadline ran out."""


class StreamInterruptedError(BarrackConnectionError):
    """A chat stream broke off; ``partial_text`` holds what had arrived."""

    def __init__(
        self,
        message: str,
        *,
        partial_text: str,
        request_id: str | None = None,
        operation: str | None = None,
    ) -> None:
        self.partial_text = partial_text
        super().__init__(message, request_id=request_id, operation=operation)


class AmbiguousOutcomeError(BarrackError):
    """A creating request may have reached the server, but no complete answer came back.

    The resource may or may not exist now. Never resend: reconcile by listing
    (e.g. look for the instance name you asked for). Deliberately not a
    :class:`BarrackConnectionError`, so code that retries on network errors
    does not retry this one.
    """


class ResponseValidationError(BarrackError):
    """A response body was not the JSON the client expects (malformed or wrong shape).

    ``status`` is the HTTP status of that response; for a 2xx answer to a
    creating request the resource was very probably created.
    """


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: ValidationError,
    401: AuthError,
    402: PaymentRequiredError,
    403: AuthError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: ValidationError,
    429: RateLimitError,
}


def status_error_class(status: int) -> type[APIStatusError]:
    """The error class for an HTTP error status."""
    if status in _STATUS_CLASSES:
        return _STATUS_CLASSES[status]
    return ServerError if status >= 500 else APIStatusError


class ReadOnlyError(BarrackError):
    """A mutating operation refused by a read-only client; nothing was sent."""

    def __init__(self, operation: str) -> None:
        super().__init__(f"Read-only mode: {operation} was not sent", operation=operation)
