"""Every choice the simulator makes where the Barrack docs say nothing.

simulator-rules.md asks for these to live in one place so that a fact learned
from the real API is corrected here once. Documented values (prices, limits,
regions, tiers) are in ``barrack_tui.catalog``, not here.
"""

from __future__ import annotations

from typing import Final

# Seconds each move takes on the clock (simulator-rules.md: "typical duration").
CREATING_SECONDS: Final = (30, 90)  # seeded per instance, inclusive
TRANSITION_SECONDS: Final[dict[str, int]] = {
    "STOPPING": 10,
    "STARTING": 20,
    "REBOOTING": 20,
    "HIBERNATING": 30,
    "RESTORING": 60,
    "DELETING": 10,
}
VOLUME_CREATE_SECONDS: Final = 5
SNAPSHOT_CREATE_SECONDS: Final = 45
IMAGE_CREATE_SECONDS: Final = 30

# The state each transitional state ends in.
TRANSITION_ENDS_IN: Final[dict[str, str]] = {
    "CREATING": "ACTIVE",
    "STOPPING": "SHUTOFF",
    "STARTING": "ACTIVE",
    "REBOOTING": "ACTIVE",
    "HIBERNATING": "HIBERNATED",
    "RESTORING": "ACTIVE",
    "DELETING": "DELETED",
}
TRANSITIONAL: Final = frozenset({*TRANSITION_ENDS_IN, "BUILD"})
# States that hold GPUs: everything except HIBERNATED (hardware released).
# SHUTOFF keeps its GPUs (guide: "resources still reserved"), so start needs no stock.
RELEASED_STATES: Final = frozenset({"HIBERNATED"})
FULL_RATE_STATES: Final = frozenset({"ACTIVE", "SHUTOFF"})
# States an instance can be deleted from: the non-transitional ones.
DELETABLE_FROM: Final = frozenset({"ACTIVE", "SHUTOFF", "HIBERNATED", "ERROR"})

# Start and restore need the same one hour of full rate a deploy needs.
START_NEEDS_ONE_HOUR: Final = True

STATUS_HISTORY_MAX: Final = 20

# Defaults of the deploy request.
DEFAULT_OS_VOLUME_GB: Final = 100
DEFAULT_PUBLIC_IP: Final = True

# A cap on any request body (the docs give only the 16 KB cloud-init limit).
MAX_BODY_BYTES: Final = 1024 * 1024
# Guide: "a minimum balance of $1 is required to create volumes".
VOLUME_MIN_BALANCE: Final = 1.0
SCRIPT_MAX_BYTES: Final = 16 * 1024
DESCRIPTION_MAX_LEN: Final = 255

# Addresses: 198.18.0.0/15 (RFC 2544, reserved for benchmarking) split by region,
# so no simulated address is anybody's real host.
PUBLIC_IP_BLOCKS: Final[dict[str, tuple[str, int]]] = {
    # region: (first two octets, first third octet); each region owns 128 /24s.
    "CANADA-1": ("198.18", 0),
    "FINLAND-1": ("198.19", 0),
    "FINLAND-2": ("198.18", 128),
    "FINLAND-3": ("198.19", 128),
}
PRIVATE_IP_SECOND_OCTET: Final[dict[str, int]] = {
    "CANADA-1": 10,
    "FINLAND-1": 21,
    "FINLAND-2": 22,
    "FINLAND-3": 23,
}

COUNTRY_OF_REGION: Final[dict[str, str]] = {
    "CANADA-1": "Canada",
    "FINLAND-1": "Finland",
    "FINLAND-2": "Finland",
    "FINLAND-3": "Finland",
}

# GPU stock per region when a scenario does not set it: (low, high) GPUs, seeded.
STOCK_RANGE: Final = (0, 48)

# Firewall protocols and which take ports (guide: TCP, UDP, ICMP).
PROTOCOLS: Final[dict[str, bool]] = {"tcp": True, "udp": True, "icmp": False}

# The account.
ACCOUNT_EMAIL: Final = "demo@example.com"
ACCOUNT_NAME: Final = "Demo Lab"
CURRENCY: Final = "USD"

# AI assistant models and their price per 1,000 tokens (prompt + completion).
AI_MODELS: Final[dict[str, float]] = {
    "barrack-assistant-small": 0.0004,
    "barrack-assistant-large": 0.0030,
}
AI_MODEL_CREATED: Final = 1735689600  # 2025-01-01T00:00:00Z
