"""SenderIPAddresses and related IPv4 lists.

EXO documents SenderIPAddresses as IPv4 only, a single address or a CIDR block from /24 to
/32; IPv6 is not supported and no ``a-b`` range form is listed (exchange-facts section 1).
Host bits may be set: Microsoft's own example is ``192.168.0.1/25``. Parsing is stricter than
``ipaddress`` where the standard library would guess: octets with leading zeros (octal or
decimal?) and netmask suffixes are refused rather than silently reinterpreted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, ip_address, ip_network
from typing import Literal

__all__ = [
    "MAX_PREFIX",
    "MIN_PREFIX",
    "Reason",
    "SenderIPError",
    "contains",
    "parse_address",
    "parse_sender_ip",
    "parse_skip_entry",
    "rfc1918_block",
    "special_purpose",
]

MIN_PREFIX = 24
MAX_PREFIX = 32

Reason = Literal["ipv6", "range", "prefix", "invalid"]

_SENDER_FORMS = f"a single IPv4 address or a CIDR block from /{MIN_PREFIX} to /{MAX_PREFIX}"
_ADDRESS_FORM = "a single IPv4 address"
_IPV4 = re.compile(r"([0-9]+)\.([0-9]+)\.([0-9]+)\.([0-9]+)(?:/([0-9]+))?")

_SPECIAL_PURPOSE = (
    (IPv4Network("0.0.0.0/8"), "this network"),
    (IPv4Network("10.0.0.0/8"), "private (RFC 1918)"),
    (IPv4Network("100.64.0.0/10"), "shared address space (RFC 6598)"),
    (IPv4Network("127.0.0.0/8"), "loopback"),
    (IPv4Network("169.254.0.0/16"), "link-local"),
    (IPv4Network("172.16.0.0/12"), "private (RFC 1918)"),
    (IPv4Network("192.0.0.0/24"), "reserved"),
    (IPv4Network("192.0.2.0/24"), "documentation (RFC 5737)"),
    (IPv4Network("192.88.99.0/24"), "reserved"),
    (IPv4Network("192.168.0.0/16"), "private (RFC 1918)"),
    (IPv4Network("198.18.0.0/15"), "reserved"),
    (IPv4Network("198.51.100.0/24"), "documentation (RFC 5737)"),
    (IPv4Network("203.0.113.0/24"), "documentation (RFC 5737)"),
    (IPv4Network("224.0.0.0/4"), "multicast"),
    (IPv4Network("240.0.0.0/4"), "reserved"),
)
"""The IANA special-purpose blocks, written out because ``ipaddress``'s ``is_private`` and
``is_global`` group them differently between Python versions and cannot name the block."""


class SenderIPError(ValueError):
    """A value that is no acceptable IPv4 entry; ``reason`` lets a rule pick its wording."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason: Reason = reason


def parse_sender_ip(value: str) -> IPv4Network:
    """Read one SenderIPAddresses entry: an IPv4 address or a CIDR block from /24 to /32."""
    address, prefix = _parse(value, _SENDER_FORMS)
    if prefix is None:
        return IPv4Network(address)
    if not MIN_PREFIX <= prefix <= MAX_PREFIX:
        raise SenderIPError(
            "prefix",
            f"has prefix /{prefix}; SenderIPAddresses accepts /{MIN_PREFIX} to /{MAX_PREFIX}",
        )
    return IPv4Network(f"{address}/{prefix}", strict=False)


def parse_address(value: str) -> IPv4Address:
    """Read one egress address as TransportServer/RelayHost ExternalIPAddresses give it."""
    address, prefix = _parse(value, _ADDRESS_FORM)
    if prefix is not None:
        raise SenderIPError("prefix", f"is a network (/{prefix}); give {_ADDRESS_FORM}")
    return address


def special_purpose(net: IPv4Network) -> str | None:
    """Label the first special-purpose block ``net`` lies in or overlaps; None when public.

    SenderIPAddresses must be the sending server's Internet-facing address (exchange-facts
    section 1), which no address in these blocks can be.
    """
    return next((label for block, label in _SPECIAL_PURPOSE if net.overlaps(block)), None)


def contains(networks: Iterable[IPv4Network], address: str | IPv4Address) -> IPv4Network | None:
    """The first network holding ``address``, or None; a string is read by ``parse_address``."""
    wanted = parse_address(address) if isinstance(address, str) else address
    return next((network for network in networks if wanted in network), None)


def _parse(value: str, expected: str) -> tuple[IPv4Address, int | None]:
    text = value.strip()
    if not text:
        raise SenderIPError("invalid", f"is empty; give {expected}")
    if _is_range(text):
        raise SenderIPError("range", f"is an address range; give {expected}")
    if ":" in text and _is_ipv6(text):
        raise SenderIPError("ipv6", f"is IPv6, which is not supported; give {expected}")
    match = _IPV4.fullmatch(text)
    if not match:
        raise SenderIPError("invalid", f"is not an IPv4 address; give {expected}")
    *octets, prefix = match.groups()
    for octet in octets:
        _check_number(octet, f"octet {octet!r}", expected)
        if int(octet) > 255:
            raise SenderIPError("invalid", f"has octet {octet}, above 255; give {expected}")
    if prefix is not None:
        _check_number(prefix, f"prefix '/{prefix}'", expected)
    address = IPv4Address(".".join(octets))
    return address, None if prefix is None else int(prefix)


def _check_number(digits: str, what: str, expected: str) -> None:
    if len(digits) > 1 and digits.startswith("0"):
        raise SenderIPError(
            "invalid",
            f"has {what} with a leading zero, which is ambiguous (octal or decimal); give {expected}",
        )


def _is_range(text: str) -> bool:
    start, dash, end = text.partition("-")
    return bool(dash) and _is_ip(start.strip()) and _is_ip(end.strip())


def _is_ip(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True


def _is_ipv6(text: str) -> bool:
    try:
        return ip_network(text, strict=False).version == 6
    except ValueError:
        return False


# --- EFSkipIPs (Enhanced Filtering for Connectors) -------------------------------------------

_RFC1918 = (IPv4Network("10.0.0.0/8"), IPv4Network("172.16.0.0/12"), IPv4Network("192.168.0.0/16"))
_SKIP_FORMS = "a single IPv4 address, a range a-b or a CIDR block"


def parse_skip_entry(value: str) -> tuple[IPv4Address, IPv4Address] | None:
    """Read one EFSkipIPs entry, which Enhanced Filtering documents as a single address, an
    ``a-b`` range or a CIDR block (any prefix), as its first and last IPv4 address.

    Returns None for an IPv6 entry: the RFC 1918 rule this serves says nothing about IPv6.
    Raises ``SenderIPError`` for anything else that is not one of those forms."""
    text = value.strip()
    start, dash, end = text.partition("-")
    if dash:
        if _is_ipv6(start.strip()) and _is_ipv6(end.strip()):
            return None
        first, first_prefix = _parse(start, _SKIP_FORMS)
        last, last_prefix = _parse(end, _SKIP_FORMS)
        if first_prefix is not None or last_prefix is not None:
            raise SenderIPError("invalid", f"mixes a range with a prefix; give {_SKIP_FORMS}")
        if last < first:
            raise SenderIPError("range", f"ends before it starts; give {_SKIP_FORMS}")
        return first, last
    if ":" in text and _is_ipv6(text):
        return None
    address, prefix = _parse(text, _SKIP_FORMS)
    if prefix is None:
        return address, address
    if prefix > MAX_PREFIX:
        raise SenderIPError("prefix", f"has prefix /{prefix}, above /{MAX_PREFIX}; give {_SKIP_FORMS}")
    network = IPv4Network(f"{address}/{prefix}", strict=False)
    return network.network_address, network.broadcast_address


def rfc1918_block(first: IPv4Address, last: IPv4Address) -> IPv4Network | None:
    """The first RFC 1918 private block the range ``first``..``last`` reaches into; None when it
    holds no private address."""
    return next(
        (b for b in _RFC1918 if first <= b.broadcast_address and last >= b.network_address),
        None,
    )
