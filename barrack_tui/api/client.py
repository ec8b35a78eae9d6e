"""``BarrackClient``: the one object the rest of the app talks to the API through."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from functools import cached_property
from importlib import import_module
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final

import httpx
from pydantic import SecretStr

from barrack_tui import __version__
from barrack_tui.api import models
from barrack_tui.api._base import Requester, RequestHook, Sleep
from barrack_tui.api.redaction import install_log_redaction
from barrack_tui.api.resources._resource import operation, operation_of

if TYPE_CHECKING:
    from barrack_tui.api.resources.account import Balance
    from barrack_tui.api.resources.ai import AI
    from barrack_tui.api.resources.catalog import Catalog
    from barrack_tui.api.resources.firewalls import Firewalls
    from barrack_tui.api.resources.images import Images
    from barrack_tui.api.resources.instances import Instances
    from barrack_tui.api.resources.os_images import OsImages
    from barrack_tui.api.resources.pricing import Pricing
    from barrack_tui.api.resources.scripts import Scripts
    from barrack_tui.api.resources.snapshots import Snapshots
    from barrack_tui.api.resources.ssh_keys import SshKeys
    from barrack_tui.api.resources.volumes import Volumes

DEFAULT_BASE_URL: Final = "https://barrack.ai/api/"
DEFAULT_TIMEOUT: Final = httpx.Timeout(connect=5.0, read=20.0, write=10.0, pool=5.0)
DEFAULT_DEADLINE: Final = 30.0


def _secret(api_key: str | SecretStr) -> SecretStr:
    raw = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
    raw = raw.strip()
    if not raw:
        raise ValueError("The API key is empty")
    if not raw.isascii() or not raw.isprintable():
        # Refused before it reaches a header, where httpx/h11 would quote it in an error.
        raise ValueError("The API key contains characters a header cannot carry")
    return SecretStr(raw)


class BarrackClient:
    """Async client of the Barrack REST API.

    One ``httpx.AsyncClient`` per instance; use ``async with`` or call
    :meth:`aclose`. The key goes only into the ``X-API-Key`` header and never
    into a repr, log record or error message.

    ``timeout`` bounds each network phase; ``deadline`` (seconds, None for none)
    bounds a whole call including retries and their pauses. ``max_retries``
    applies to idempotent operations (and to any request that failed to
    connect). ``sleep`` waits between retries (inject a fake in tests).
    ``on_request`` is called after every HTTP attempt with a
    :class:`~barrack_tui.api.RequestEvent` (it must not block). ``read_only``
    refuses every operation that changes the account (``paths.MUTATING_OPERATIONS``)
    with :class:`~barrack_tui.api.errors.ReadOnlyError` before sending it.
    """

    def __init__(
        self,
        api_key: str | SecretStr,
        base_url: str = DEFAULT_BASE_URL,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        deadline: float | None = DEFAULT_DEADLINE,
        max_retries: int = 2,
        sleep: Sleep = asyncio.sleep,
        on_request: RequestHook | None = None,
        read_only: bool = False,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self._api_key = _secret(api_key)
        install_log_redaction(self._api_key.get_secret_value())
        self.base_url = base_url
        self._requester = Requester(
            api_key=self._api_key,
            base_url=base_url,
            transport=transport,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
            sleep=sleep,
            on_request=on_request,
            read_only=read_only,
            headers={"Accept": "application/json", "User-Agent": f"barrack-tui/{__version__}"},
        )

    # Resource groups are built on first use, so a group's module (and the
    # models it parses into) load only when something calls it.

    @cached_property
    def balance(self) -> Balance:
        return self._group("account", "Balance")

    @cached_property
    def catalog(self) -> Catalog:
        return self._group("catalog", "Catalog")

    @cached_property
    def pricing(self) -> Pricing:
        return self._group("pricing", "Pricing")

    @cached_property
    def instances(self) -> Instances:
        return self._group("instances", "Instances")

    @cached_property
    def os_images(self) -> OsImages:
        return self._group("os_images", "OsImages")

    @cached_property
    def ssh_keys(self) -> SshKeys:
        return self._group("ssh_keys", "SshKeys")

    @cached_property
    def volumes(self) -> Volumes:
        return self._group("volumes", "Volumes")

    @cached_property
    def firewalls(self) -> Firewalls:
        return self._group("firewalls", "Firewalls")

    @cached_property
    def scripts(self) -> Scripts:
        return self._group("scripts", "Scripts")

    @cached_property
    def snapshots(self) -> Snapshots:
        return self._group("snapshots", "Snapshots")

    @cached_property
    def images(self) -> Images:
        return self._group("images", "Images")

    @cached_property
    def ai(self) -> AI:
        return self._group("ai", "AI")

    def _group(self, module: str, name: str) -> Any:
        return getattr(import_module(f"barrack_tui.api.resources.{module}"), name)(self._requester)

    @operation("createInstance")
    async def deploy(self, request: models.DeploymentRequest) -> models.DeploymentResponse:
        """Create an instance (201). Never resent once it may have reached the
        server: when the answer is lost this raises
        :class:`~barrack_tui.api.errors.AmbiguousOutcomeError`; list instances
        to find out whether it exists instead of sending it again."""
        return await self._requester.call("createInstance", models.DeploymentResponse, body=request.to_body())

    @property
    def deadline(self) -> float | None:
        return self._requester.deadline

    @property
    def max_retries(self) -> int:
        return self._requester.max_retries

    async def aclose(self) -> None:
        await self._requester.aclose()

    async def __aenter__(self) -> BarrackClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"BarrackClient(base_url={self.base_url!r})"

    def operations(self) -> dict[str, list[Callable[..., Any]]]:
        """operationId -> the bound methods that perform it (``chatWithAi`` has two)."""
        found: dict[str, list[Callable[..., Any]]] = {}
        groups = (name for name, value in vars(type(self)).items() if isinstance(value, cached_property))
        holders: list[object] = [self, *(getattr(self, name) for name in groups)]
        for holder in holders:
            for _, method in inspect.getmembers(holder, callable):
                op = operation_of(method)
                if op is not None:
                    found.setdefault(op, []).append(method)
        return found
