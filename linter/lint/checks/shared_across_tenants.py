"""Values that must belong to one tenant only: each object claims values (sender IP networks, a
certificate domain), and a claim that overlaps one from another scope is a finding.

The only primitive that looks across scopes: it yields claims instead of hits, and the engine
compares the claims of every scope it linted, and in a changed-file run those of the other
scopes that ``hint`` says may overlap (see ``linter.lint.claims_index``).
"""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Network
from typing import Any

from linter.domain.ips import SenderIPError, parse_sender_ip
from linter.domain.names import base, covering_patterns, normalize, pattern_covers
from linter.model import Object, Pointer
from linter.objects.scopes import Scope

CROSS_SCOPE = True

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["property", "as"],
    "properties": {
        "property": {"type": "string"},
        "as": {
            "enum": ["ip", "domain"],
            "description": "How values overlap: IPv4 networks, or connector-side names.",
        },
    },
}

Value = IPv4Network | str


def prepare(params: dict[str, Any]) -> tuple[str, str]:
    return str(params["property"]), str(params["as"])


def claims(prepared: tuple[str, str], obj: Object, scope: Scope) -> Iterator[tuple[Pointer, Value]]:
    name, kind = prepared
    value = obj.get(name)
    entries = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
    for index, entry in entries:
        if not isinstance(entry, str) or not entry.strip():
            continue
        pointer: Pointer = (name,) if index is None else (name, index)
        try:
            yield pointer, parse_sender_ip(entry) if kind == "ip" else normalize(entry)
        except (SenderIPError, ValueError):
            continue  # malformed: the format rules report it


def bucket(value: Value) -> str:
    """Claims can only overlap inside one bucket: a /24 (every SenderIPAddresses entry is /24 or
    narrower), or the last two labels of a domain."""
    if isinstance(value, IPv4Network):
        return str(value.supernet(new_prefix=24)) if value.prefixlen >= 24 else str(value)

    return ".".join(base(value).split(".")[-2:])


def hint(value: Value) -> str | None:
    """Text every definition that claims a value of this bucket writes: the first three octets
    of an address (``203.0.113.``), or the bucket's domain; None when there is none to name."""
    if isinstance(value, IPv4Network):
        if value.prefixlen < 24:
            return None
        return ".".join(str(value.network_address).split(".")[:3]) + "."
    return bucket(value)


def overlap(a: Value, b: Value) -> bool:
    if isinstance(a, IPv4Network) and isinstance(b, IPv4Network):
        return a.overlaps(b)
    if isinstance(a, str) and isinstance(b, str):
        return pattern_covers(a, b) or pattern_covers(b, a)
    return False


def overlapping(values: list[Value]) -> dict[Value, list[Value]]:
    """value -> the values it overlaps (itself included), for the distinct values of one bucket:
    networks pair by pair (a /24 holds at most 511 distinct ones), names through an index of
    the patterns that cover each name and the names under each wildcard."""
    nets = [v for v in values if isinstance(v, IPv4Network)]
    names = [v for v in values if isinstance(v, str)]
    near: dict[Value, list[Value]] = {a: [b for b in nets if a.overlaps(b)] for a in nets}
    present = set(names)
    under: dict[str, list[str]] = {}
    for name in names:
        labels = base(name).split(".")
        for i in range(len(labels)):
            under.setdefault(".".join(labels[i:]), []).append(name)
    for name in names:
        wider = [p for p in covering_patterns(name) if p in present]
        narrower = under.get(name[2:], []) if name.startswith("*.") else []
        near[name] = list(dict.fromkeys([*wider, *narrower]))
    return near
