"""String enums for the API's known value sets, open to values the docs don't list.

The docs name most value sets only partly (README §5, §12, §13; WIRE.md), so
every enum here is *open*: an unknown string from the server becomes a
pseudo-member instead of failing validation, and a value that differs only in
case maps to the known member (one documented example writes ``"Advanced"``).
``member.known`` tells the two apart. Members are ``str``, so comparing with
plain strings works.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class OpenStrEnum(StrEnum):
    """A StrEnum that accepts any string (see the module docstring)."""

    @classmethod
    def _missing_(cls, value: object) -> OpenStrEnum | None:
        if not isinstance(value, str):
            return None
        folded = value.casefold()
        for member in cls:
            if member.value.casefold() == folded:
                return member
        unknown: dict[str, OpenStrEnum] | None = cls.__dict__.get("_open_unknown")
        if unknown is None:
            unknown = {}
            type.__setattr__(cls, "_open_unknown", unknown)
        found = unknown.get(value)
        if found is None:
            found = str.__new__(cls, value)
            found._name_ = value
            found._value_ = value
            unknown[value] = found
        return found

    @property
    def known(self) -> bool:
        """True for a documented member, False for a value only the server knew."""
        return self._name_ in type(self).__members__


class Tier(OpenStrEnum):
    LEGACY = "legacy"
    ADVANCED = "advanced"


class Currency(OpenStrEnum):
    USD = "USD"
    EUR = "EUR"
    INR = "INR"


class VMStatus(OpenStrEnum):
    """Instance states of the "VM States & Billing" guide."""

    ACTIVE = "ACTIVE"
    SHUTOFF = "SHUTOFF"
    HIBERNATED = "HIBERNATED"
    DELETED = "DELETED"
    CREATING = "CREATING"
    BUILD = "BUILD"
    STARTING = "STARTING"
    STOPPING = "STOPPING"
    HIBERNATING = "HIBERNATING"
    RESTORING = "RESTORING"
    REBOOTING = "REBOOTING"
    DELETING = "DELETING"
    ERROR = "ERROR"

    @property
    def is_transitional(self) -> bool:
        """A state the instance passes through on its own (no action accepted)."""
        return self in _TRANSITIONAL

    @property
    def allowed_actions(self) -> frozenset[str]:
        """Actions the docs' state table allows from here ("stop", "start", "reboot",
        "hibernate", "restore", "delete"). A hint for enabling UI actions; the
        server stays the authority."""
        return _ACTIONS.get(self, frozenset() if self.is_transitional else frozenset({"delete"}))


_TRANSITIONAL: Final = frozenset(
    {
        VMStatus.CREATING,
        VMStatus.BUILD,
        VMStatus.STARTING,
        VMStatus.STOPPING,
        VMStatus.HIBERNATING,
        VMStatus.RESTORING,
        VMStatus.REBOOTING,
        VMStatus.DELETING,
    }
)
_ACTIONS: Final[dict[VMStatus, frozenset[str]]] = {
    VMStatus.ACTIVE: frozenset({"stop", "reboot", "hibernate", "delete"}),
    VMStatus.SHUTOFF: frozenset({"start", "hibernate", "delete"}),
    VMStatus.HIBERNATED: frozenset({"restore", "delete"}),
    VMStatus.DELETED: frozenset(),
}


class IpStatus(OpenStrEnum):
    PENDING = "pending"
    ASSIGNED = "assigned"
    NONE = "none"


class BootSource(OpenStrEnum):
    IMAGE = "image"
    VOLUME = "volume"


class Direction(OpenStrEnum):
    INGRESS = "ingress"
    EGRESS = "egress"


class Ethertype(OpenStrEnum):
    IPV4 = "IPv4"
    IPV6 = "IPv6"


class ProtocolEnum(OpenStrEnum):
    """The guide's protocols; ``firewalls.protocols()`` may list more."""

    TCP = "tcp"
    UDP = "udp"
    ICMP = "icmp"


class VolumeType(OpenStrEnum):
    SSD = "SSD"
    HDD = "HDD"
    NVME = "NVMe"


class VolumeStatus(OpenStrEnum):
    CREATING = "creating"
    AVAILABLE = "available"
    IN_USE = "in-use"
    ERROR = "error"


class FirewallStatus(OpenStrEnum):
    SUCCESS = "SUCCESS"
    CREATING = "CREATING"
    ERROR = "ERROR"


class AttachmentStatus(OpenStrEnum):
    SUCCESS = "SUCCESS"
    ATTACHING = "ATTACHING"
    ERROR = "ERROR"


class SnapshotStatus(OpenStrEnum):
    CREATING = "CREATING"
    SUCCESS = "SUCCESS"
    ERROR = "ERROR"


class ImageStatus(OpenStrEnum):
    CREATING = "Creating"
    SUCCESS = "SUCCESS"


class BillingStatus(OpenStrEnum):
    """Status of a billing record: open, closed, hibernation period, or a volume's."""

    ACTIVE = "active"
    COMPLETED = "completed"
    HIBERNATED = "hibernated"
    AVAILABLE = "available"


class ResourceType(OpenStrEnum):
    GPUS = "gpus"
    VOLUMES = "volumes"
    SNAPSHOTS = "snapshots"


class ChatRole(OpenStrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"
