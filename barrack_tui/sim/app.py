"""The simulator as an ASGI app: every operation of the path table under ``/api``.

Routes are built from ``barrack_tui.api.paths.ROUTES``, so correcting a path
there moves the simulator too. A trailing slash is optional. Each request:
key check (401), route (404/405), injected faults, body (400/413), then the
world is brought to the clock's time and the handler runs under the lock.

Sim-only control routes live under ``/api/_sim/`` (same key, not in ROUTES).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Mapping
from http import HTTPStatus
from typing import Any, Final

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.types import Receive, Scope, Send

from barrack_tui.api.paths import ROUTES
from barrack_tui.api.paths import Route as ApiRoute
from barrack_tui.sim import (
    assumed,
    ops_ai,
    ops_catalogue,
    ops_deploy,
    ops_firewalls,
    ops_instances,
    ops_keys,
    ops_snapshots,
    ops_volumes,
    scenarios,
)
from barrack_tui.sim.call import Call, Handler, RawJson
from barrack_tui.sim.clock import Clock, ManualClock, RealClock, iso
from barrack_tui.sim.errors import SimError, code_for, invalid
from barrack_tui.sim.faults import ConnectionDropped, Fault
from barrack_tui.sim.fields import Fields
from barrack_tui.sim.simulator import DEMO_API_KEY, RequestRecord, Simulator

HANDLERS: Final[dict[str, Handler]] = {
    **ops_catalogue.HANDLERS,
    **ops_deploy.HANDLERS,
    **ops_instances.HANDLERS,
    **ops_volumes.HANDLERS,
    **ops_firewalls.HANDLERS,
    **ops_keys.HANDLERS,
    **ops_snapshots.HANDLERS,
    **ops_ai.HANDLERS,  # type: ignore[dict-item]  # chat may answer with a stream
}
_missing = set(ROUTES) ^ set(HANDLERS)
assert not _missing, f"operations without a handler, or handlers without a route: {sorted(_missing)}"

_METHODS: Final = ["GET", "POST", "PUT", "PATCH", "DELETE"]
_JSON: Final = "application/json"
_MALFORMED_BODY: Final = b'{"success": true, "message": <html>502 Bad Gateway</html>'


class Router:
    """Matches a method and path to an operationId; literal segments win over placeholders."""

    def __init__(self, routes: Mapping[str, ApiRoute]) -> None:
        compiled = []
        for operation, route in routes.items():
            pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(route.path.rstrip("/")))
            compiled.append((route.path.count("{"), re.compile(f"^{pattern}/?$"), route.method, operation))
        compiled.sort(key=lambda entry: entry[0])
        self._routes = compiled

    def match(self, method: str, path: str) -> tuple[str, dict[str, str]]:
        allowed: list[str] = []
        for _, regex, route_method, operation in self._routes:
            found = regex.match(path)
            if found is None:
                continue
            if route_method == method:
                return operation, found.groupdict()
            allowed.append(route_method)
        if allowed:
            methods = ", ".join(sorted(set(allowed)))
            raise SimError(405, f"{method} is not allowed on {path}: use {methods}", headers={"Allow": methods})
        raise SimError(404, f"No API route for {method} {path} (see barrack_tui/api/paths.py)")


ROUTER: Final = Router(ROUTES)


def _dumps(payload: dict[str, Any]) -> bytes:
    """Compact JSON; values that are already JSON (:class:`RawJson`) are spliced in unchanged."""
    raw = {key: value for key, value in payload.items() if isinstance(value, RawJson)}
    if not raw:
        return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    marks = {key: f"\x00raw:{key}\x00" for key in raw}
    text = json.dumps({k: marks.get(k, v) for k, v in payload.items()}, separators=(",", ":"), ensure_ascii=False)
    for key, value in raw.items():
        text = text.replace(json.dumps(marks[key]), value, 1)
    return text.encode()


def _error_body(exc: SimError, request_id: str) -> bytes:
    return _dumps({"success": False, "message": exc.message, "error": exc.code, "request_id": request_id})


def _fault_error(fault: Fault, operation: str) -> SimError:
    if fault.kind == "rate_limit":
        return SimError(
            429,
            fault.message or f"Too many requests: retry {operation} after {fault.retry_after} s (simulated fault)",
            headers={"Retry-After": str(fault.retry_after)},
        )
    phrase = HTTPStatus(fault.status).phrase if fault.status in HTTPStatus._value2member_map_ else "Error"
    return SimError(fault.status, fault.message or f"{phrase} (simulated fault on {operation})", code_for(fault.status))


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > assumed.MAX_BODY_BYTES:
        raise SimError(413, f"Request body is {len(raw):,} bytes; the limit is {assumed.MAX_BODY_BYTES:,} bytes")
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid(f"Request body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise invalid("Request body must be a JSON object")
    return data


class DroppedResponse(Response):
    """Sends the status line, a full Content-Length and half the body, then breaks the connection."""

    def __init__(self, status_code: int, body: bytes, headers: dict[str, str], operation: str) -> None:
        super().__init__(body, status_code, headers, _JSON)
        self.operation = operation

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        await send({"type": "http.response.body", "body": self.body[: len(self.body) // 2], "more_body": True})
        raise ConnectionDropped(f"Simulated: connection dropped after the server committed {self.operation}")


def _sse(sim: Simulator, stream: ops_ai.ChatStream, fault: Fault | None) -> AsyncIterator[bytes]:
    """The chat stream as server-sent events, token by token; faults can cut it."""

    async def events() -> AsyncIterator[bytes]:
        cut_after = fault.after_tokens if fault is not None else None
        sent = 0
        try:
            for index, token in enumerate(stream.tokens):
                if fault is not None and index == cut_after:
                    if fault.kind == "malformed":
                        yield b'data: {"choices": [{"delta": <garbled>\n\n'
                        cut_after = None
                    elif fault.kind == "truncated":
                        return
                    else:
                        raise ConnectionDropped("Simulated: chat stream dropped mid-way")
                if index and sim.chat_token_delay > 0:
                    await asyncio.sleep(sim.chat_token_delay)
                if sim.chat_tap is not None:
                    await sim.chat_tap.take()
                delta = {"role": "assistant", "content": token} if index == 0 else {"content": token}
                yield stream.chunk(delta)
                sent += 1
            if not stream.tokens:
                yield stream.chunk({"role": "assistant", "content": ""})
            yield stream.chunk({}, stream.finish_reason)
            if stream.include_usage:
                yield stream.usage_chunk(sent)
            yield ops_ai.DONE
        finally:
            with sim.lock:
                stream.on_done(sent)

    return events()


async def api(request: Request) -> Response:
    sim: Simulator = request.app.state.sim
    request_id = sim.new_request_id()
    method, path = request.method, "/" + request.path_params["path"]
    operation: str | None = None
    fault: Fault | None = None
    headers = {"X-Request-ID": request_id}
    result: Any = None
    try:
        if not sim.authorised(request.headers):
            raise SimError(401, "Missing or invalid API key: send your key in the X-API-Key header")
        operation, params = ROUTER.match(method, path)
        latency, fault = sim.faults.take(operation)
        if latency > 0:
            await asyncio.sleep(latency)
        if fault is not None and fault.kind in ("status", "rate_limit"):
            raise _fault_error(fault, operation)
        body = await _json_body(request)
        call = Call(params, Fields(request.query_params, "query"), Fields(body), 0.0)
        with sim.lock:
            call.now = sim.advance()
            result = HANDLERS[operation](sim.world, call)
    except SimError as exc:
        status, content = exc.status, _error_body(exc, request_id)
        headers.update(exc.headers)
    else:
        if isinstance(result, ops_ai.ChatStream):
            _log(sim, method, path, operation, 200, request_id, fault)
            return StreamingResponse(_sse(sim, result, fault), media_type="text/event-stream", headers=headers)
        status = result.status
        content = _dumps({"success": True, **result.payload, "request_id": request_id})

    _log(sim, method, path, operation, status, request_id, fault)
    if fault is not None and operation is not None:
        if fault.kind == "malformed":
            return Response(_MALFORMED_BODY, 200, headers, _JSON)
        if fault.kind == "truncated":
            return Response(content[: len(content) // 2], 200, headers, _JSON)
        if fault.kind in ("commit_then_drop", "drop_mid_stream"):
            return DroppedResponse(status, content, headers, operation)
    return Response(content, status, headers, _JSON)


def _log(
    sim: Simulator, method: str, path: str, operation: str | None, status: int, request_id: str, fault: Fault | None
) -> None:
    at = iso(sim.world.t) if operation else iso(sim.clock.now().timestamp())
    sim.requests.append(RequestRecord(method, path, operation, status, at, request_id, fault.kind if fault else None))


# ------------------------------------------------------------ control routes


def _control(handler: Any) -> Any:
    """Sim-only routes: same key as the API, JSON in and out, errors in the envelope."""

    async def endpoint(request: Request) -> Response:
        sim: Simulator = request.app.state.sim
        request_id = sim.new_request_id()
        try:
            if not sim.authorised(request.headers):
                raise SimError(401, "Missing or invalid API key: send your key in the X-API-Key header")
            payload = await handler(sim, request)
        except SimError as exc:
            return Response(_error_body(exc, request_id), exc.status, {"X-Request-ID": request_id}, _JSON)
        return JSONResponse(
            {"success": True, **payload, "request_id": request_id}, headers={"X-Request-ID": request_id}
        )

    return endpoint


async def _add_fault(sim: Simulator, request: Request) -> dict[str, Any]:
    body = await _json_body(request)
    allowed = {
        "operation",
        "kind",
        "status",
        "seconds",
        "retry_after",
        "times",
        "probability",
        "after_tokens",
        "message",
    }
    unknown = set(body) - allowed
    if unknown:
        raise invalid(f"Unknown fault fields: {', '.join(sorted(unknown))}")
    try:
        fault = sim.faults.add(**body)
    except (TypeError, ValueError) as exc:
        raise invalid(str(exc)) from None
    return {"message": f"Fault {fault.kind} added for {fault.operation}", "fault": fault.as_dict()}


async def _list_faults(sim: Simulator, request: Request) -> dict[str, Any]:
    return {"message": "Active faults", "faults": [f.as_dict() for f in sim.faults.active]}


async def _clear_faults(sim: Simulator, request: Request) -> dict[str, Any]:
    return {"message": "Faults cleared", "cleared": sim.faults.clear()}


async def _advance_clock(sim: Simulator, request: Request) -> dict[str, Any]:
    if not isinstance(sim.clock, ManualClock):
        raise invalid(f"The clock is a {type(sim.clock).__name__}; only a ManualClock can be advanced")
    seconds = Fields(await _json_body(request)).req_number("seconds")
    if seconds < 0:
        raise invalid(f"seconds must be 0 or more (got {seconds})")
    with sim.lock:
        sim.clock.advance(seconds)
        now = sim.advance()
    return {"message": f"Clock advanced by {seconds} s", "now": iso(now)}


async def _list_requests(sim: Simulator, request: Request) -> dict[str, Any]:
    return {"message": "Request log", "requests": [r.as_dict() for r in sim.requests]}


async def _clear_requests(sim: Simulator, request: Request) -> dict[str, Any]:
    sim.requests.clear()
    return {"message": "Request log cleared"}


async def _index(request: Request) -> Response:
    return JSONResponse({"message": "Barrack API simulator: the API is under /api/ (header X-API-Key)"})


def create_app(
    seed: int = 0,
    clock: Clock | None = None,
    scenario: str = "demo",
    fleet_size: int = 0,
    api_key: str = DEMO_API_KEY,
    chat_token_delay: float = 0.0,
) -> Starlette:
    """The simulator app; ``app.state.sim`` is its :class:`Simulator`.

    The same seed, scenario and clock give the same world, ids and answers.
    """
    clock = clock if clock is not None else RealClock()
    world = scenarios.build(scenario, seed=seed, now=clock.now().timestamp(), fleet_size=fleet_size)
    sim = Simulator(world, clock, api_key=api_key, seed=seed, chat_token_delay=chat_token_delay)
    control = [
        Route("/_sim/faults", _control(_add_fault), methods=["POST"]),
        Route("/_sim/faults", _control(_list_faults), methods=["GET"]),
        Route("/_sim/faults", _control(_clear_faults), methods=["DELETE"]),
        Route("/_sim/clock/advance", _control(_advance_clock), methods=["POST"]),
        Route("/_sim/requests", _control(_list_requests), methods=["GET"]),
        Route("/_sim/requests", _control(_clear_requests), methods=["DELETE"]),
    ]
    app = Starlette(
        routes=[
            Route("/", _index),
            Mount("/api", routes=[*control, Route("/{path:path}", api, methods=_METHODS)]),
        ]
    )
    app.state.sim = sim
    return app
