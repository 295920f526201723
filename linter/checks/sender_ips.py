"""Entries of an IP list: ``report: format`` yields each that is not a form Exchange Online accepts
(IPv4, a single address or CIDR /24 to /32); ``report: special`` yields each well-formed one that
lies in a private, shared, documentation or other non-public range; ``report: private`` reads the
entries in the wider forms EFSkipIPs takes (a single address, an ``a-b`` range or a CIDR block of
any prefix) and yields each that holds an RFC 1918 private address (malformed ones are skipped)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.model import Hit, Object
from linter.scopes import Scope

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["property"],
    "properties": {"property": {"type": "string"}, "report": {"enum": ["format", "special", "private"]}},
}


def prepare(params: dict[str, Any]) -> tuple[str, str]:
    return str(params["property"]), str(params.get("report", "format"))


def check(prepared: tuple[str, str], obj: Object, scope: Scope) -> Iterator[Hit]:
    from linter.ips import SenderIPError, parse_sender_ip, special_purpose

    name, report = prepared
    value = obj.get(name)
    if report == "private":
        yield from _private(name, value)
        return
    for index, entry in enumerate(value if isinstance(value, list) else []):
        try:
            network = parse_sender_ip(str(entry))
        except SenderIPError as exc:
            if report == "format":
                yield Hit(
                    (name, index),
                    f"{name} entry {entry!r}: {exc}",
                    {"value": entry, "reason": exc.reason, "reason_text": str(exc)},
                )
            continue
        label = special_purpose(network)
        if report == "special" and label is not None:
            yield Hit((name, index), f"{name} entry {entry!r} is {label}", {"value": entry, "range": label})


def _private(name: str, value: Any) -> Iterator[Hit]:
    from linter.ips import SenderIPError, parse_skip_entry, rfc1918_block

    for index, entry in enumerate(value if isinstance(value, list) else []):
        try:
            span = parse_skip_entry(str(entry))
        except SenderIPError:
            continue  # not a form Enhanced Filtering documents: nothing to say about its range
        block = rfc1918_block(*span) if span is not None else None
        if block is not None:
            yield Hit(
                (name, index),
                f"{name} entry {entry!r} holds private (RFC 1918) addresses of {block}",
                {"value": entry, "block": str(block)},
            )
