"""EFSkipIPs entries: a single address, an a-b range or a CIDR block, and the RFC 1918 blocks."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linter.domain.ips import SenderIPError, parse_skip_entry, rfc1918_block


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        ("10.1.2.3", "10.1.2.3", "10.1.2.3"),
        ("  131.107.0.25 ", "131.107.0.25", "131.107.0.25"),
        ("131.107.1.10-131.107.1.20", "131.107.1.10", "131.107.1.20"),
        ("131.107.1.10 - 131.107.1.20", "131.107.1.10", "131.107.1.20"),
        ("131.107.1.10-131.107.1.10", "131.107.1.10", "131.107.1.10"),
        ("172.16.0.0/12", "172.16.0.0", "172.31.255.255"),
        ("172.20.1.1/16", "172.20.0.0", "172.20.255.255"),
        ("0.0.0.0/0", "0.0.0.0", "255.255.255.255"),
        ("131.107.0.25/32", "131.107.0.25", "131.107.0.25"),
    ],
)
def test_parse_skip_entry_reads_the_three_forms(value: str, first: str, last: str) -> None:
    assert parse_skip_entry(value) == (IPv4Address(first), IPv4Address(last))


@pytest.mark.parametrize("value", ["2001:db8::1", "2001:db8::/32", "fd00::1-fd00::9", "::ffff:10.0.0.1"])
def test_ipv6_entries_are_not_judged(value: str) -> None:
    assert parse_skip_entry(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "invalid"),
        ("10.0.0.300", "invalid"),
        ("010.0.0.1", "invalid"),
        ("gateway.contoso.com", "invalid"),
        ("1.2.3.4/33", "prefix"),
        ("10.0.0.9-10.0.0.1", "range"),
        ("10.0.0.0/8-11.0.0.0", "invalid"),
        ("10.0.0.1-", "invalid"),
    ],
)
def test_parse_skip_entry_refuses(value: str, reason: str) -> None:
    with pytest.raises(SenderIPError) as raised:
        parse_skip_entry(value)
    assert raised.value.reason == reason


@pytest.mark.parametrize(
    ("first", "last", "block"),
    [
        ("10.0.0.0", "10.0.0.0", "10.0.0.0/8"),
        ("10.255.255.255", "10.255.255.255", "10.0.0.0/8"),
        ("9.255.255.255", "10.0.0.0", "10.0.0.0/8"),
        ("172.15.255.255", "172.16.0.0", "172.16.0.0/12"),
        ("172.31.255.255", "172.32.0.0", "172.16.0.0/12"),
        ("192.168.255.255", "192.169.0.0", "192.168.0.0/16"),
        ("0.0.0.0", "255.255.255.255", "10.0.0.0/8"),
        ("9.255.255.255", "9.255.255.255", None),
        ("11.0.0.0", "11.0.0.0", None),
        ("172.15.255.255", "172.15.255.255", None),
        ("172.32.0.0", "172.32.0.0", None),
        ("192.167.255.255", "192.167.255.255", None),
        ("192.169.0.0", "192.169.0.0", None),
        ("100.64.0.1", "100.64.0.1", None),  # shared address space is not RFC 1918
    ],
)
def test_rfc1918_block_edges(first: str, last: str, block: str | None) -> None:
    found = rfc1918_block(IPv4Address(first), IPv4Address(last))
    assert found == (IPv4Network(block) if block else None)


@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=0, max_value=32))
def test_a_block_holds_private_addresses_exactly_when_it_overlaps_rfc1918(address: int, prefix: int) -> None:
    network = IPv4Network((address, prefix), strict=False)
    span = parse_skip_entry(str(network))
    assert span == (network.network_address, network.broadcast_address)
    private = any(network.overlaps(IPv4Network(b)) for b in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
    assert (rfc1918_block(*span) is not None) is private
