"""One fetch per topic: which client call feeds which part of the cache.

Keyed resources are cached as ``{id: model}`` so the engine can tell which
rows changed; the rest are cached as the response model itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from barrack_tui.api.client import BarrackClient
from barrack_tui.lifecycle import is_transitional
from barrack_tui.live.engine import Fetcher
from barrack_tui.live.topics import Topic

T = TypeVar("T")


def _by(items: Iterable[T], attr: str) -> dict[str, T]:
    return {getattr(item, attr): item for item in items}


def build_fetchers(client: BarrackClient) -> dict[Topic, Fetcher]:
    async def instances() -> dict[str, Any]:
        return _by((await client.instances.list()).instances, "instance_id")

    async def volumes() -> dict[str, Any]:
        return _by((await client.volumes.list()).volumes, "volume_id")

    async def firewalls() -> dict[str, Any]:
        return _by((await client.firewalls.list()).firewalls, "firewall_id")

    async def snapshots() -> dict[str, Any]:
        return _by((await client.snapshots.list()).snapshots, "snapshot_id")

    async def images() -> dict[str, Any]:
        return _by((await client.images.list()).images, "image_id")

    async def ssh_keys() -> dict[str, Any]:
        return _by((await client.ssh_keys.list()).ssh_keys, "key_id")

    async def scripts() -> dict[str, Any]:
        return _by((await client.scripts.list()).scripts, "script_id")

    async def os_images() -> dict[str, Any]:
        return _by((await client.os_images.list()).images, "name")

    async def stocks() -> list[Any]:
        return list((await client.catalog.gpu_stocks()).stocks)

    async def specs() -> dict[str, Any]:
        return _by((await client.catalog.gpu_specs()).specs, "gpu_model")

    async def ai_usage() -> tuple[Any, Any]:
        return (await client.ai.usage_history(), await client.ai.usage_summary())

    return {
        Topic.INSTANCES: instances,
        Topic.BALANCE: client.balance.get,
        Topic.VOLUMES: volumes,
        Topic.FIREWALLS: firewalls,
        Topic.SNAPSHOTS: snapshots,
        Topic.IMAGES: images,
        Topic.OS_IMAGES: os_images,
        Topic.SSH_KEYS: ssh_keys,
        Topic.SCRIPTS: scripts,
        Topic.STOCKS: stocks,
        Topic.PRICING: client.pricing.get,
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
        return any(is_transitional(vm.status) for vm in data.values())
    return any(_settling(item) or any(_settling(a) for a in getattr(item, "attachments", ())) for item in data.values())


def _settling(item: Any) -> bool:
    return str(getattr(item, "status", "")).upper() in _SETTLING
