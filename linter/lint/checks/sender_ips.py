"""Entries of an IP list: ``report: format`` yields each that is not a form Exchange Online accepts
(IPv4, a single address or CIDR /24 to /32); ``report: special`` yields each well-formed one that
lies in a private, shared, documentation or other non-public range; ``report: private`` reads the
entries in the wider forms EFSkipIPs takes (a single address, an ``a-b`` range or a CIDR block of
any prefix) and yields each that holds an RFC 1918 private address (malformed ones are skipped);
``report: outside`` reads the same wider forms and yields each that reaches outside the
``networks`` the params allow (an organisation's "our senders are 203.0.113.0/24"; malformed
entries are skipped, IPv6 ones are outside any IPv4 network)."""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Network
from typing import Any

from linter.domain.ips import SenderIPError, parse_sender_ip, parse_skip_entry, rfc1918_block, special_purpose
from linter.model import Hit, Object
from linter.objects.scopes import Scope
from linter.values import dataclass

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["property"],
    "properties": {
        "property": {"type": "string"},
        "report": {"enum": ["format", "special", "private", "outside"]},
        "networks": {
            "description": "With report: outside, the IPv4 CIDR blocks every entry must lie in.",
            "type": "array",
            "items": {"type": "string"},
            "minItems": 1,
        },
    },
}

Span = tuple[int, int]  # first and last address as integers


@dataclass(frozen=True)
class Prepared:
    """The params of a sender-ips rule, compiled."""

    name: str
    report: str
    allowed: tuple[Span, ...] = ()  # merged, sorted
    shown: str = ""  # the networks as the rule writes them


def prepare(params: dict[str, Any]) -> Prepared:
    name, report = str(params["property"]), str(params.get("report", "format"))
    networks = params.get("networks")
    if (report == "outside") is (networks is None):
        raise ValueError("networks goes with report: outside, and report: outside needs networks")
    if networks is None:
        return Prepared(name, report)
    spans: list[Span] = []
    for text in networks:
        try:
            network = IPv4Network(text.strip())
        except ValueError as exc:
            raise ValueError(f"networks entry {text!r} is not an IPv4 CIDR block: {exc}") from None
        spans.append((int(network.network_address), int(network.broadcast_address)))
    merged: list[Span] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return Prepared(name, report, tuple(merged), ", ".join(networks))


def check(prepared: Prepared, obj: Object, scope: Scope) -> Iterator[Hit]:
    name, report = prepared.name, prepared.report
    value = obj.get(name)
    if report == "private":
        yield from _private(name, value)
        return
    if report == "outside":
        yield from _outside(prepared, value)
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


def _outside(prepared: Prepared, value: Any) -> Iterator[Hit]:
    name = prepared.name
    for index, entry in enumerate(value if isinstance(value, list) else []):
        try:
            span = parse_skip_entry(str(entry))
        except SenderIPError:
            continue  # malformed: the rules on the property's form say so
        if span is None:
            where = "is IPv6, outside"
        elif any(first <= int(span[0]) and int(span[1]) <= last for first, last in prepared.allowed):
            continue
        elif any(first <= int(span[1]) and int(span[0]) <= last for first, last in prepared.allowed):
            where = "reaches outside"
        else:
            where = "lies outside"
        yield Hit(
            (name, index),
            f"{name} entry {entry!r} {where} {prepared.shown}",
            {"value": entry, "networks": prepared.shown, "where": where},
        )
