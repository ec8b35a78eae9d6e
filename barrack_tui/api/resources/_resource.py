"""What every resource group shares, and the operationId each method is declared with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, TypeVar

from barrack_tui.api._base import Requester
from barrack_tui.api.paths import ROUTES

F = TypeVar("F", bound=Callable[..., Any])

OPERATION_ATTR: Final = "__barrack_operation__"


def operation(operation_id: str) -> Callable[[F], F]:
    """Declare which operationId of ROUTES a method performs (checked at import)."""
    if operation_id not in ROUTES:
        raise KeyError(f"unknown operationId {operation_id!r}")

    def mark(method: F) -> F:
        setattr(method, OPERATION_ATTR, operation_id)
        return method

    return mark


def operation_of(method: Callable[..., Any]) -> str | None:
    """The operationId a method was declared with, if any."""
    return getattr(method, OPERATION_ATTR, None)


class Resource:
    """A group of methods over one requester (``client.instances``, ``client.volumes``...)."""

    def __init__(self, requester: Requester) -> None:
        self._requester = requester

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"
