"""Identifiers in Barrack's style: ``BRK-`` + six random characters + a type letter.

The docs show ``BRK-123456D`` (instance), ``BRK-123456V`` (volume) and
``BRK-123456S`` (snapshot); the seed shows ``BRK-A1B2C3D``. The other type
letters are ours (WIRE.md). Billing records are named after what they bill:
``<owner id>B<period number>`` (the docs' ``BRK-123456DB``).
"""

from __future__ import annotations

import random
import string
from typing import Final

INSTANCE: Final = "D"
VOLUME: Final = "V"
SNAPSHOT: Final = "S"
IMAGE: Final = "I"
FIREWALL: Final = "F"
SSH_KEY: Final = "K"
SCRIPT: Final = "T"
RULE: Final = "R"
AI_TRANSACTION: Final = "A"

_ALPHABET: Final = string.ascii_uppercase + string.digits
_SPACE: Final = 36**6


class IdFactory:
    """Unique ids from a seeded random generator (deterministic per seed)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._issued: set[str] = set()

    def new(self, kind: str) -> str:
        while True:
            n = self._rng.randrange(_SPACE)
            chars = []
            for _ in range(6):
                n, digit = divmod(n, 36)
                chars.append(_ALPHABET[digit])
            candidate = "BRK-" + "".join(chars) + kind
            if candidate not in self._issued:
                self._issued.add(candidate)
                return candidate

    def hex(self, length: int = 8) -> str:
        """A lowercase hex token (request ids, completion ids)."""
        return f"{self._rng.getrandbits(4 * length):0{length}x}"


def billing_id(owner_id: str, period: int) -> str:
    return f"{owner_id}B{period}"
