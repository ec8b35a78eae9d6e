"""The kinds of account data the refresh engine keeps, one fetch each."""

from __future__ import annotations

from enum import Enum


class Topic(Enum):
    INSTANCES = "instances"
    BALANCE = "balance"
    VOLUMES = "volumes"
    FIREWALLS = "firewalls"
    SNAPSHOTS = "snapshots"
    IMAGES = "images"
    OS_IMAGES = "os_images"
    SSH_KEYS = "ssh_keys"
    SCRIPTS = "scripts"
    STOCKS = "stocks"
    PRICING = "pricing"
    SPECS = "specs"
    AI_USAGE = "ai_usage"
