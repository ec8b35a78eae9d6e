"""What a handler receives and returns, and list paging.

A handler is a plain function ``(world, call) -> Reply`` registered under its
operationId; the app does the HTTP (auth, faults, envelope, JSON).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from barrack_tui.sim.errors import invalid
from barrack_tui.sim.fields import Fields
from barrack_tui.sim.world import World

T = TypeVar("T")


@dataclass(slots=True)
class Call:
    params: dict[str, str]
    query: Fields
    body: Fields
    now: float
    headers: dict[str, str] = field(default_factory=dict)


class RawJson(str):
    """A value already serialised as JSON; the app splices it into the body as is."""


@dataclass(slots=True)
class Reply:
    """A success: ``payload`` holds ``message`` and the resource keys (top level)."""

    payload: dict[str, Any]
    status: int = 200


Handler = Callable[[World, Call], Reply]


def ok(message: str, http_status: int = 200, /, **keys: Any) -> Reply:
    """A success reply; ``keys`` become top-level fields (``status`` among them, if given)."""
    return Reply({"message": message, **keys}, http_status)


def paged(items: Sequence[T], call: Call) -> tuple[Sequence[T], dict[str, int]]:
    """Optional ``page`` (1-based) and ``limit``; without ``limit`` everything is one page."""
    page = call.query.number("page", default=1) or 1
    limit = call.query.number("limit")
    if page < 1:
        raise invalid(f"Query parameter 'page' must be 1 or more (got {page})")
    total = len(items)
    if limit is None:
        if page != 1 and total:
            raise invalid(f"page {page} asked without a limit: everything is on page 1")
        return items, {"total": total, "page": 1, "limit": total, "total_pages": 1}
    if limit < 1:
        raise invalid(f"Query parameter 'limit' must be 1 or more (got {limit})")
    start = (page - 1) * limit
    return items[start : start + limit], {
        "total": total,
        "page": page,
        "limit": limit,
        "total_pages": max(1, math.ceil(total / limit)),
    }
