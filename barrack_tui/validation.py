"""Input checks shared by every form, stated as the docs and the guide state them.

Each check returns ``None`` when the value is fine, else the message to show
next to the field. No UI imports: forms and tests call these directly.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from typing import Final

from barrack_tui.catalog import (
    CLOUD_INIT_MAX_BYTES,
    NAME_MAX_LEN,
    VOLUME_MAX_GB,
    VOLUME_MIN_GB,
)

_RESOURCE_NAME: Final = re.compile(r"^[A-Za-z0-9 _.\-]+$")
_KEY_NAME: Final = re.compile(r"^[A-Za-z0-9_.\-]+$")
_PUBLIC_KEY: Final = re.compile(
    r"^(ssh-ed25519|ssh-rsa|ssh-dss|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+=*( .*)?$"
)
PORT_PROTOCOLS: Final = frozenset({"tcp", "udp"})


def resource_name(value: str, what: str = "Name") -> str | None:
    """Instances, volumes, firewalls, snapshots, images: 1-50 of letters, digits, space, - _ ."""
    if not value.strip():
        return f"{what} is required"
    if len(value) > NAME_MAX_LEN:
        return f"{what} is {len(value)} characters; at most {NAME_MAX_LEN}"
    if not _RESOURCE_NAME.match(value):
        return f"{what} may use letters, digits, spaces, '-', '_' and '.' only"
    return None


def ssh_key_name(value: str) -> str | None:
    if not value:
        return "Key name is required"
    if len(value) > NAME_MAX_LEN:
        return f"Key name is {len(value)} characters; at most {NAME_MAX_LEN}"
    if not _KEY_NAME.match(value):
        return "Key name may use letters, digits, '-', '_' and '.' only"
    return None


def public_key(value: str) -> str | None:
    """One OpenSSH public key line whose base64 data really is a key of the stated type."""
    line = value.strip()
    if not _PUBLIC_KEY.match(line):
        return "Paste one OpenSSH public key line (ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp*)"
    key_type, data = line.split()[:2]
    try:
        blob = base64.b64decode(data, validate=True)
    except binascii.Error:
        return "The key data is not valid base64: copy the whole line"
    length = int.from_bytes(blob[:4], "big") if len(blob) >= 4 else -1
    if blob[4 : 4 + length] != key_type.encode():
        return f"The key data is not an {key_type} key: copy the whole line"
    return None


def port(value: str, what: str = "Port") -> str | None:
    if not value.strip().isdigit():
        return f"{what} must be a whole number from 1 to 65535"
    if not 1 <= int(value) <= 65535:
        return f"{what} must be from 1 to 65535"
    return None


def port_range(protocol: str, low: str, high: str) -> str | None:
    """Ports apply to TCP and UDP only; both given, 1-65535, min <= max."""
    if protocol.lower() not in PORT_PROTOCOLS:
        if low.strip() or high.strip():
            return f"{protocol.upper()} rules take no ports"
        return None
    problem = port(low, "Min port") or port(high, "Max port")
    if problem:
        return problem
    if int(low) > int(high):
        return f"Min port {low} is above max port {high}"
    return None


def cidr(value: str, ethertype: str = "IPv4") -> str | None:
    """A CIDR of the rule's IP version; 0.0.0.0/0 and ::/0 mean anywhere."""
    text = value.strip()
    if "/" not in text:
        return "Use CIDR notation, e.g. 203.0.113.0/24 or 0.0.0.0/0"
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return f"{text!r} is not a valid CIDR"
    if (ethertype == "IPv6") != (network.version == 6):
        return f"{text} is not an {ethertype} range"
    return None


def volume_size(value: str) -> str | None:
    if not value.strip().isdigit():
        return "Size must be a whole number of GB"
    size = int(value)
    if not VOLUME_MIN_GB <= size <= VOLUME_MAX_GB:
        return f"Size must be from {VOLUME_MIN_GB} to {VOLUME_MAX_GB:,} GB"
    return None


def cloud_init(text: str) -> str | None:
    size = len(text.encode())
    if size > CLOUD_INIT_MAX_BYTES:
        return f"cloud-init is {size / 1024:.1f} KB; the limit is {CLOUD_INIT_MAX_BYTES // 1024} KB"
    return None
