"""Resource groups of :class:`~barrack_tui.api.BarrackClient`, one method per operation."""

from __future__ import annotations

from barrack_tui.api.resources._resource import Resource, operation, operation_of
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

__all__ = [
    "AI",
    "Balance",
    "Catalog",
    "Firewalls",
    "Images",
    "Instances",
    "OsImages",
    "Pricing",
    "Resource",
    "Scripts",
    "Snapshots",
    "SshKeys",
    "Volumes",
    "operation",
    "operation_of",
]
