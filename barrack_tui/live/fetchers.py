"""One fetch per topic: which client call feeds which part of the cache.

Keyed resources are cached as ``{id: model}`` so the engine can tell which
rows changed; the rest are cached as the response model itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from operator import attrgetter
from typing import Any, TypeVar

from barrack_tui.api.client import BarrackClient
from barrack_tui.api.paging import PagedList
from barrack_tui.lifecycle import is_transitional
from barrack_tui.live.engine import Fetcher
from barrack_tui.live.topics import Topic

T = TypeVar("T")


def _by(items: Iterable[T], attr: str) -> dict[str, T]:
    return {getattr(item, attr): item for item in items}


def build_fetchers(client: BarrackClient) -> dict[Topic, Fetcher]:
    def every(group: str, field: str, key: str) -> Fetcher:
        """A fetcher for the whole paged list of ``client.<group>``, cached by ``key``.

        The group is looked up on the first fetch: the client loads a group's
        models only then, and most screens are never opened.
        """
        pages: PagedList[Any, Any] | None = None

        async def fetch() -> dict[str, Any]:
            nonlocal pages
            if pages is None:
                list_page: Callable[..., Awaitable[Any]] = getattr(client, group).list
                pages = PagedList(
                    lambda page, limit: list_page(page=page, limit=limit), attrgetter(field), attrgetter(key)
                )
            return await pages.read()

        return fetch

    async def balance() -> Any:
        return await client.balance.get()

    async def pricing() -> Any:
        return await client.pricing.get()

    async def stocks() -> list[Any]:
        return list((await client.catalog.gpu_stocks()).stocks)

    async def specs() -> dict[str, Any]:
        return _by((await client.catalog.gpu_specs()).specs, "gpu_model")

    async def ai_usage() -> tuple[Any, Any]:
        return (await client.ai.usage_history(), await client.ai.usage_summary())

    return {
        Topic.INSTANCES: every("instances", "instances", "instance_id"),
        Topic.BALANCE: balance,
        Topic.VOLUMES: every("volumes", "volumes", "volume_id"),
        Topic.FIREWALLS: every("firewalls", "firewalls", "firewall_id"),
        Topic.SNAPSHOTS: every("snapshots", "snapshots", "snapshot_id"),
        Topic.IMAGES: every("images", "images", "image_id"),
        Topic.OS_IMAGES: every("os_images", "images", "name"),
        Topic.SSH_KEYS: every("ssh_keys", "ssh_keys", "key_id"),
        Topic.SCRIPTS: every("scripts", "scripts", "script_id"),
        Topic.STOCKS: stocks,
        Topic.PRICING: pricing,
        Topic.SPECS: specs,
        Topic.AI_USAGE: ai_usage,
    }


# Statuses of other resources that settle by themselves within seconds.
_SETTLING = frozenset({"CREATING", "ATTACHING", "DETACHING", "DELETING"})


def is_busy(topic: Topic, data: Any) -> bool:
    """True while something in ``topic`` is changing state: the engine then polls it faster."""
    if not isinstance(data, dict):
        return False
    if topic is Topic.INSTANCES:
        # Runs on every poll: look at each distinct status once, not at each instance.
        return any(is_transitional(status) for status in {vm.status for vm in data.values()})
    return any(_settling(item) or any(_settling(a) for a in getattr(item, "attachments", ())) for item in data.values())


def _settling(item: Any) -> bool:
    return str(getattr(item, "status", "")).upper() in _SETTLING
