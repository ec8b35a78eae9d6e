"""Reading request fields and checking them against the documented limits.

Every failure raises a 400 :class:`SimError` whose message names the field and
what was wrong with it.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from barrack_tui.catalog import NAME_MAX_LEN
from barrack_tui.sim import assumed, ids
from barrack_tui.sim.errors import invalid
from barrack_tui.sim.model import SecurityRule

_RESOURCE_NAME: Final = re.compile(r"[A-Za-z0-9 _.\-]+")
_KEY_NAME: Final = re.compile(r"[A-Za-z0-9_.\-]+")


class Fields:
    """Typed access to a JSON object (a request body or a query string)."""

    def __init__(self, data: Mapping[str, Any], where: str = "body") -> None:
        self.data = data
        self.where = where

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def text(self, key: str, *, required: bool = False, default: str | None = None) -> str | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise invalid(f"Field '{key}' is required")
            return default
        if not isinstance(value, str):
            raise invalid(f"Field '{key}' must be a string (got {_kind(value)})")
        return value

    def req_text(self, key: str) -> str:
        value = self.text(key, required=True)
        assert value is not None
        return value

    def number(self, key: str, *, required: bool = False, default: int | None = None) -> int | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise invalid(f"Field '{key}' is required")
            return default
        if isinstance(value, str) and self.where == "query":
            try:
                return int(value)
            except ValueError:
                raise invalid(f"Query parameter '{key}' must be a whole number (got {value!r})") from None
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise invalid(f"Field '{key}' must be a whole number (got {_kind(value)})")
        return value

    def req_number(self, key: str) -> int:
        value = self.number(key, required=True)
        assert value is not None
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, str) and self.where == "query":
            if value.lower() in ("true", "1", "yes"):
                return True
            if value.lower() in ("false", "0", "no"):
                return False
        if not isinstance(value, bool):
            raise invalid(f"Field '{key}' must be true or false (got {_kind(value)})")
        return value

    def items(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise invalid(f"Field '{key}' must be a list (got {_kind(value)})")
        return value

    def id_list(self, key: str, *, required: bool = False) -> list[str]:
        values = self.items(key)
        if required and not values:
            raise invalid(f"Field '{key}' must list at least one id")
        for value in values:
            if not isinstance(value, str) or not value:
                raise invalid(f"Field '{key}' must be a list of ids (strings)")
        return values

    def sub(self, key: str) -> Fields:
        value = self.data.get(key)
        if value is None:
            return Fields({}, key)
        if not isinstance(value, dict):
            raise invalid(f"Field '{key}' must be an object (got {_kind(value)})")
        return Fields(value, key)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "a list"
    return "an object"


def resource_name(value: str, what: str) -> str:
    """Instances, volumes, firewalls, snapshots, images: 1-50 of letters, digits, space, - _ ."""
    if not value.strip():
        raise invalid(f"{what} name must not be blank")
    if len(value) > NAME_MAX_LEN:
        raise invalid(f"{what} name is {len(value)} characters long; at most {NAME_MAX_LEN} are allowed")
    if not _RESOURCE_NAME.fullmatch(value):
        raise invalid(f"{what} name {value!r} may use only letters, digits, spaces, '-', '_' and '.'")
    return value


def key_name(value: str) -> str:
    """SSH key names: 1-50 of letters, digits, '_', '-', '.' (guide: no spaces)."""
    if len(value) > NAME_MAX_LEN:
        raise invalid(f"SSH key name is {len(value)} characters long; at most {NAME_MAX_LEN} are allowed")
    if not _KEY_NAME.fullmatch(value):
        raise invalid(f"SSH key name {value!r} may use only letters, digits, '-', '_' and '.'")
    return value


def description(value: str | None) -> str:
    text = value or ""
    if len(text) > assumed.DESCRIPTION_MAX_LEN:
        raise invalid(f"Description is {len(text)} characters long; at most {assumed.DESCRIPTION_MAX_LEN} are allowed")
    return text


def security_rule(raw: object, rule_id: str) -> SecurityRule:
    """One firewall or instance rule (guide: ports for TCP/UDP only, 1-65535, min <= max, a CIDR)."""
    if not isinstance(raw, dict):
        raise invalid("A security rule must be an object")
    fields = Fields(raw, "rule")
    direction = fields.req_text("direction").lower()
    if direction not in ("ingress", "egress"):
        raise invalid(f"Rule direction {direction!r} is not valid: use ingress or egress")
    protocol = fields.req_text("protocol").lower()
    if protocol not in assumed.PROTOCOLS:
        raise invalid(f"Rule protocol {protocol!r} is not supported: use {', '.join(assumed.PROTOCOLS)}")
    ethertype_raw = fields.text("ethertype", default="IPv4") or "IPv4"
    ethertype = {"ipv4": "IPv4", "ipv6": "IPv6"}.get(ethertype_raw.lower())
    if ethertype is None:
        raise invalid(f"Rule ethertype {ethertype_raw!r} is not valid: use IPv4 or IPv6")
    low, high = fields.number("port_range_min"), fields.number("port_range_max")
    if assumed.PROTOCOLS[protocol]:
        if (low is None) != (high is None):
            raise invalid("Give port_range_min and port_range_max together (equal for a single port)")
        for name, port in (("port_range_min", low), ("port_range_max", high)):
            if port is not None and not 1 <= port <= 65535:
                raise invalid(f"{name} {port} is out of range: ports are 1-65535")
        if low is not None and high is not None and low > high:
            raise invalid(f"port_range_min {low} is above port_range_max {high}")
    elif low is not None or high is not None:
        raise invalid(f"{protocol.upper()} rules take no ports: ports apply to tcp and udp only")
    default_prefix = "0.0.0.0/0" if ethertype == "IPv4" else "::/0"
    prefix = fields.text("remote_ip_prefix", default=default_prefix) or default_prefix
    try:
        network = ipaddress.ip_network(prefix, strict=False)
    except ValueError:
        raise invalid(f"remote_ip_prefix {prefix!r} is not a valid CIDR (e.g. 203.0.113.0/24 or 0.0.0.0/0)") from None
    if (network.version == 4) != (ethertype == "IPv4"):
        raise invalid(f"remote_ip_prefix {prefix} is IPv{network.version} but the rule's ethertype is {ethertype}")
    return SecurityRule(rule_id, direction, protocol, ethertype, low, high, str(network))


def security_rules(raws: Sequence[object], id_factory: ids.IdFactory) -> list[SecurityRule]:
    """Check every rule first, then give them ids (a bad rule consumes no ids)."""
    checked = [security_rule(raw, "") for raw in raws]
    for rule in checked:
        rule.rule_id = id_factory.new(ids.RULE)
    return checked
