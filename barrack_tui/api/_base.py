"""The HTTP core under every resource method: send, retry, map errors, parse.

One :class:`Requester` owns the ``httpx.AsyncClient``. A call names its
operationId; the route (method and path) comes from :data:`ROUTES`, the retry
behaviour from :func:`~barrack_tui.api._retry.kind_of`. Each call runs under an
overall deadline (``asyncio.timeout``) that covers every attempt and every
backoff pause, on top of httpx's per-phase timeouts.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Awaitable, Callable, Generator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final, TypeVar
from urllib.parse import quote

import httpx
import pydantic
from pydantic import SecretStr

from barrack_tui.api._retry import (
    MAX_RETRY_AFTER,
    NOT_SENT_ERRORS,
    RETRYABLE_STATUSES,
    OperationKind,
    backoff_delay,
    kind_of,
    parse_retry_after,
)
from barrack_tui.api.errors import (
    AmbiguousOutcomeError,
    APIStatusError,
    BarrackConnectionError,
    BarrackTimeoutError,
    RateLimitError,
    ReadOnlyError,
    ResponseValidationError,
    status_error_class,
)
from barrack_tui.api.models import ErrorResponse
from barrack_tui.api.paths import MUTATING_OPERATIONS, ROUTES
from barrack_tui.api.redaction import redact

logger: Final = logging.getLogger("barrack_tui.api")

M = TypeVar("M", bound=pydantic.BaseModel)
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RequestEvent:
    """What happened on one HTTP attempt (passed to the ``on_request`` hook).

    ``status`` is None when no response came (then ``error`` says why).
    ``elapsed`` is in seconds on the event loop's clock.
    """

    operation: str
    method: str
    url: str
    attempt: int
    status: int | None
    elapsed: float
    request_id: str | None = None
    error: str | None = None


RequestHook = Callable[[RequestEvent], None]


class ApiKeyAuth(httpx.Auth):
    """Adds ``X-API-Key`` to each request at send time, so the key is not kept in
    the client's default headers (which httpx prints unmasked)."""

    def __init__(self, api_key: SecretStr) -> None:
        self._api_key = api_key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["X-API-Key"] = self._api_key.get_secret_value()
        yield request

    def __repr__(self) -> str:
        return "ApiKeyAuth(api_key=**********)"


def _tls_context_in_background() -> Future[ssl.SSLContext]:
    """Start building httpx's default TLS context on a thread; return its future.

    Reading the CA bundle takes 50-90 ms, nearly all of it in OpenSSL with the
    GIL released. Started when the client is made, it is ready by the first
    request (the console builds its first screen meanwhile) instead of holding
    up the event loop. It is the context ``httpx.AsyncClient()`` would build
    itself (certifi, or ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``).
    """
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="barrack-tls")
    try:
        return executor.submit(httpx.create_ssl_context)
    finally:
        executor.shutdown(wait=False)  # its thread ends once the context is built


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return redact(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)


class Requester:
    """Sends operations by id; shared by every resource of one client."""

    def __init__(
        self,
        *,
        api_key: SecretStr,
        base_url: str,
        transport: httpx.AsyncBaseTransport | None,
        timeout: httpx.Timeout,
        deadline: float | None,
        max_retries: int,
        sleep: Sleep,
        on_request: RequestHook | None,
        headers: Mapping[str, str],
        read_only: bool = False,
    ) -> None:
        self.read_only = read_only
        self.deadline = deadline
        self.max_retries = max_retries
        self._sleep = sleep
        self._on_request = on_request
        self._http_options: dict[str, Any] = {
            "base_url": base_url,
            "transport": transport,
            "timeout": timeout,
            "auth": ApiKeyAuth(api_key),
            "headers": dict(headers),
            "follow_redirects": False,  # a redirect would carry X-API-Key to wherever it points
        }
        # An injected transport (tests) never uses the default TLS context, and
        # a plain-HTTP base URL (the bundled simulator on loopback) never uses
        # TLS at all: requests go only to the base URL, redirects are refused.
        speaks_tls = transport is None and httpx.URL(base_url).scheme != "http"
        self._tls = _tls_context_in_background() if speaks_tls else None
        self._closed = False

    @cached_property
    def http(self) -> httpx.AsyncClient:
        """The ``httpx.AsyncClient``, made on first use with the TLS context built meanwhile.

        A TLS setting that cannot be loaded (a bad ``SSL_CERT_FILE``) therefore
        fails the first request rather than the constructor.
        """
        if self._closed:
            raise RuntimeError("Cannot send a request, as the client has been closed.")
        # Without TLS in use, a context that trusts no certificate: free to make
        # (httpx's default would read the CA bundle), and it fails closed.
        verify = self._tls.result() if self._tls is not None else ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        return httpx.AsyncClient(verify=verify, **self._http_options)

    async def aclose(self) -> None:
        self._closed = True
        if "http" in self.__dict__:  # never made: nothing is open
            await self.http.aclose()

    # -- public entry points ----------------------------------------------------------

    async def call(
        self,
        operation: str,
        model: type[M],
        *,
        path: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        gone: M | None = None,
    ) -> M:
        """Send ``operation`` and parse the answer as ``model``.

        ``gone`` is what a DELETE returns when a retry finds the resource already
        gone (404): the earlier attempt deleted it.
        """
        response = await self._exchange(operation, path, params, body, stream=False, gone=gone is not None)
        if response is None:
            assert gone is not None
            return gone
        return self.parse(response, model, operation)

    async def open_stream(self, operation: str, *, body: Any) -> httpx.Response:
        """Send ``operation`` and return the open 2xx response, its body unread.

        The deadline covers getting the response head; reading the body is
        bounded by httpx's read timeout between chunks. The caller closes it.
        """
        response = await self._exchange(operation, None, None, body, stream=True, gone=False)
        assert response is not None
        return response

    def parse(self, response: httpx.Response, model: type[M], operation: str) -> M:
        """Validate a body straight from its bytes (pydantic's fast JSON path)."""
        try:
            return model.model_validate_json(response.content)
        except pydantic.ValidationError as exc:
            raise ResponseValidationError(
                _validation_summary(exc, model, operation),
                status=response.status_code,
                request_id=response.headers.get("x-request-id"),
                body=response.text,
                operation=operation,
            ) from None

    # -- the retry loop -----------------------------------------------------------------

    async def _exchange(
        self,
        operation: str,
        path: Mapping[str, str] | None,
        params: Mapping[str, Any] | None,
        body: Any,
        *,
        stream: bool,
        gone: bool,
    ) -> httpx.Response | None:
        if self.read_only and operation in MUTATING_OPERATIONS:
            raise ReadOnlyError(operation)
        route = ROUTES[operation]
        kind = kind_of(operation)
        url = route.url(**{k: quote(str(v), safe="") for k, v in (path or {}).items()})
        query = {k: v for k, v in (params or {}).items() if v is not None}
        may_have_sent = False
        loop = asyncio.get_running_loop()
        scope = asyncio.timeout(self.deadline)
        try:
            async with scope:
                attempt = 0
                while True:
                    attempt += 1
                    request = self.http.build_request(route.method, url, params=query or None, json=body)
                    started = loop.time()
                    may_have_sent = True
                    try:
                        response = await self.http.send(request, stream=stream)
                    except NOT_SENT_ERRORS as exc:
                        may_have_sent = False
                        self._emit(operation, request, attempt, started, None, exc)
                        if attempt <= self.max_retries and await self._pause(
                            scope, backoff_delay(attempt - 1), operation, exc
                        ):
                            continue
                        raise _network_error(exc, operation, "Could not connect to Barrack") from exc
                    except httpx.TransportError as exc:
                        self._emit(operation, request, attempt, started, None, exc)
                        if kind is OperationKind.CREATING:
                            raise _ambiguous(exc, operation) from exc
                        may_have_sent = False
                        if (
                            kind is OperationKind.IDEMPOTENT
                            and attempt <= self.max_retries
                            and await self._pause(scope, backoff_delay(attempt - 1), operation, exc)
                        ):
                            continue
                        raise _network_error(exc, operation, "Connection to Barrack failed") from exc
                    may_have_sent = False
                    self._emit(operation, request, attempt, started, response, None)
                    if response.is_success:
                        return response
                    if gone and attempt > 1 and response.status_code == 404:
                        await response.aclose()
                        return None
                    if (
                        kind is OperationKind.IDEMPOTENT
                        and response.status_code in RETRYABLE_STATUSES
                        and attempt <= self.max_retries
                    ):
                        retry_after = parse_retry_after(response.headers)
                        if retry_after is None or retry_after <= MAX_RETRY_AFTER:
                            delay = retry_after if retry_after is not None else backoff_delay(attempt - 1)
                            if await self._pause(scope, delay, operation, response.status_code):
                                await response.aclose()
                                continue
                    raise await self._status_error(response, operation)
        except TimeoutError as exc:
            if not scope.expired():
                raise
            if kind is OperationKind.CREATING and may_have_sent:
                raise _ambiguous(
                    exc, operation, f"no answer within the {self.deadline:g} s deadline"
                ) from exc
            raise BarrackTimeoutError(
                f"Barrack did not answer {operation} within {self.deadline:g} s",
                operation=operation,
            ) from exc

    async def _pause(self, scope: asyncio.Timeout, delay: float, operation: str, cause: object) -> bool:
        """Sleep before a retry, unless that would run past the deadline."""
        when = scope.when()
        if when is not None and asyncio.get_running_loop().time() + delay >= when:
            return False
        logger.info("retrying %s in %.2f s after %s", operation, delay, cause)
        await self._sleep(delay)
        return True

    async def _status_error(self, response: httpx.Response, operation: str) -> APIStatusError:
        try:
            content = await response.aread()
        except httpx.TransportError:  # the error body itself broke off: the status still counts
            content = b""
        finally:
            await response.aclose()
        message: str | None = None
        code: str | None = None
        request_id = response.headers.get("x-request-id")
        try:
            envelope = ErrorResponse.model_validate_json(content) if content else None
        except pydantic.ValidationError:
            envelope = None
        if envelope is not None:
            message, code = envelope.message, envelope.error
            request_id = envelope.request_id or request_id
        cls = status_error_class(response.status_code)
        common: dict[str, Any] = {
            "status": response.status_code,
            "request_id": request_id,
            "body": content.decode("utf-8", "replace"),
            "operation": operation,
            "error_code": code,
        }
        text = message or response.reason_phrase or "HTTP error"
        if cls is RateLimitError:
            return RateLimitError(text, retry_after=parse_retry_after(response.headers), **common)
        return cls(text, **common)

    def _emit(
        self,
        operation: str,
        request: httpx.Request,
        attempt: int,
        started: float,
        response: httpx.Response | None,
        error: BaseException | None,
    ) -> None:
        elapsed = asyncio.get_running_loop().time() - started
        status = response.status_code if response is not None else None
        logger.debug(
            "%s %s -> %s (attempt %d, %.0f ms)",
            request.method,
            request.url.path,
            status if status is not None else _describe(error) if error else "?",
            attempt,
            elapsed * 1000,
        )
        if self._on_request is not None:
            self._on_request(
                RequestEvent(
                    operation=operation,
                    method=request.method,
                    url=str(request.url),
                    attempt=attempt,
                    status=status,
                    elapsed=elapsed,
                    request_id=response.headers.get("x-request-id") if response is not None else None,
                    error=_describe(error) if error is not None else None,
                )
            )


def _network_error(exc: Exception, operation: str, what: str) -> BarrackConnectionError:
    cls = BarrackTimeoutError if isinstance(exc, httpx.TimeoutException) else BarrackConnectionError
    return cls(f"{what} ({_describe(exc)})", operation=operation)


def _ambiguous(exc: BaseException, operation: str, why: str | None = None) -> AmbiguousOutcomeError:
    return AmbiguousOutcomeError(
        f"No complete answer to {operation} ({why or _describe(exc)}); it may have been "
        "carried out. Refresh the list before trying again.",
        operation=operation,
    )


def _validation_summary(exc: pydantic.ValidationError, model: type[Any], operation: str) -> str:
    errors = exc.errors(include_input=False, include_url=False)
    first = errors[0]
    if first["type"] == "json_invalid":
        return f"The {operation} response is not valid JSON"
    where = ".".join(str(part) for part in first["loc"]) or "body"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"The {operation} response does not match {model.__name__}: {where}: {first['msg']}{more}"
