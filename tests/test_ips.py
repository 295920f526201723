"""SenderIPAddresses and egress addresses: IPv4 only, single address or CIDR /24 to /32."""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Network

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linter.domain.ips import SenderIPError, contains, parse_address, parse_sender_ip, special_purpose


@pytest.mark.parametrize(
    ("value", "network"),
    [
        ("1.2.3.4", "1.2.3.4/32"),
        ("  1.2.3.4\t", "1.2.3.4/32"),
        ("1.2.3.4/32", "1.2.3.4/32"),
        ("1.2.3.0/24", "1.2.3.0/24"),
        ("1.2.3.4/24", "1.2.3.0/24"),
        ("192.168.0.1/25", "192.168.0.0/25"),
        ("203.0.113.77/31", "203.0.113.76/31"),
        ("0.0.0.0", "0.0.0.0/32"),
        ("255.255.255.255/24", "255.255.255.0/24"),
        ("10.0.0.0/30", "10.0.0.0/30"),
    ],
)
def test_parse_sender_ip_accepts(value: str, network: str) -> None:
    assert parse_sender_ip(value) == IPv4Network(network)


@pytest.mark.parametrize(
    ("value", "reason", "message"),
    [
        ("1.2.3.0/23", "prefix", "/23"),
        ("1.2.3.0/19", "prefix", "/24 to /32"),
        ("1.2.3.0/0", "prefix", "/0"),
        ("1.2.3.4/33", "prefix", "/33"),
        ("1.2.3.4/99", "prefix", "/99"),
        ("::1", "ipv6", "IPv6"),
        ("2001:db8::/64", "ipv6", "IPv6"),
        ("::ffff:1.2.3.4", "ipv6", "IPv6"),
        ("1.2.3.4-1.2.3.9", "range", "range"),
        (" 1.2.3.4 - 1.2.3.9 ", "range", "range"),
        ("2001:db8::1-2001:db8::9", "range", "range"),
        ("", "invalid", "empty"),
        ("   ", "invalid", "empty"),
        ("01.2.3.4", "invalid", "leading zero"),
        ("1.2.3.04/24", "invalid", "leading zero"),
        ("1.2.3.0/024", "invalid", "leading zero"),
        ("256.1.1.1", "invalid", "256"),
        ("1.2.3.999/24", "invalid", "999"),
        ("1.2.3", "invalid", "not an IPv4 address"),
        ("1.2.3.4.5", "invalid", "not an IPv4 address"),
        ("1.2.3.4/", "invalid", "not an IPv4 address"),
        ("1.2.3.4/24/25", "invalid", "not an IPv4 address"),
        ("1.2.3.4/255.255.255.0", "invalid", "not an IPv4 address"),
        ("1.2.3.4 /24", "invalid", "not an IPv4 address"),
        ("1.2.3.4/ 24", "invalid", "not an IPv4 address"),
        ("mail.contoso.com", "invalid", "not an IPv4 address"),
        ("1.2.3.x", "invalid", "not an IPv4 address"),
        ("\uff11.2.3.4", "invalid", "not an IPv4 address"),
        ("a-b", "invalid", "not an IPv4 address"),
        ("1.2.3.4-", "invalid", "not an IPv4 address"),
        ("::1::2", "invalid", "not an IPv4 address"),
        ("0x7f.0.0.1", "invalid", "not an IPv4 address"),
    ],
)
def test_parse_sender_ip_rejects(value: str, reason: str, message: str) -> None:
    with pytest.raises(SenderIPError, match=re.escape(message)) as caught:
        parse_sender_ip(value)
    assert caught.value.reason == reason


def test_sender_ip_error_is_a_value_error() -> None:
    assert issubclass(SenderIPError, ValueError)


def test_prefix_message_names_the_allowed_range_and_the_value_prefix() -> None:
    with pytest.raises(SenderIPError) as caught:
        parse_sender_ip("192.168.0.0/22")
    assert "/22" in str(caught.value)
    assert "/24 to /32" in str(caught.value)


@pytest.mark.parametrize(
    ("value", "address"),
    [
        ("198.51.100.7", "198.51.100.7"),
        (" 198.51.100.7 ", "198.51.100.7"),
        ("10.1.1.1", "10.1.1.1"),
    ],
)
def test_parse_address_accepts(value: str, address: str) -> None:
    assert parse_address(value) == IPv4Address(address)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("198.51.100.7/32", "prefix"),
        ("198.51.100.0/24", "prefix"),
        ("2001:db8::1", "ipv6"),
        ("1.2.3.4-1.2.3.9", "range"),
        ("", "invalid"),
        ("01.2.3.4", "invalid"),
        ("256.1.1.1", "invalid"),
        ("host.contoso.com", "invalid"),
    ],
)
def test_parse_address_rejects(value: str, reason: str) -> None:
    with pytest.raises(SenderIPError) as caught:
        parse_address(value)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("network", "label"),
    [
        ("0.0.0.0/32", "this network"),
        ("0.255.255.255/32", "this network"),
        ("10.0.0.0/24", "private (RFC 1918)"),
        ("10.255.255.255/32", "private (RFC 1918)"),
        ("172.16.0.0/24", "private (RFC 1918)"),
        ("172.31.255.0/24", "private (RFC 1918)"),
        ("192.168.0.1/32", "private (RFC 1918)"),
        ("100.64.0.0/24", "shared address space (RFC 6598)"),
        ("100.127.255.255/32", "shared address space (RFC 6598)"),
        ("127.0.0.1/32", "loopback"),
        ("169.254.10.0/24", "link-local"),
        ("192.0.2.0/24", "documentation (RFC 5737)"),
        ("198.51.100.7/32", "documentation (RFC 5737)"),
        ("203.0.113.128/25", "documentation (RFC 5737)"),
        ("224.0.0.1/32", "multicast"),
        ("239.255.255.255/32", "multicast"),
        ("240.0.0.1/32", "reserved"),
        ("255.255.255.255/32", "reserved"),
        ("192.0.0.8/32", "reserved"),
        ("198.18.0.1/32", "reserved"),
        ("198.19.255.0/24", "reserved"),
        ("192.88.99.1/32", "reserved"),
        ("10.0.0.0/7", "private (RFC 1918)"),
        ("192.0.0.0/22", "reserved"),
        ("1.2.3.4/32", None),
        ("8.8.8.0/24", None),
        ("9.255.255.255/32", None),
        ("11.0.0.0/24", None),
        ("100.63.255.255/32", None),
        ("100.128.0.0/24", None),
        ("172.15.255.255/32", None),
        ("172.32.0.0/24", None),
        ("192.0.3.0/24", None),
        ("192.167.255.0/24", None),
        ("192.169.0.0/24", None),
        ("198.17.255.255/32", None),
        ("198.20.0.0/24", None),
        ("198.51.99.0/24", None),
        ("198.51.101.0/24", None),
        ("203.0.112.0/24", None),
        ("203.0.114.0/24", None),
        ("223.255.255.0/24", None),
        ("52.96.0.0/24", None),
    ],
)
def test_special_purpose(network: str, label: str | None) -> None:
    assert special_purpose(IPv4Network(network)) == label


NETWORKS = [IPv4Network("198.51.100.0/24"), IPv4Network("203.0.113.8/29")]


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("198.51.100.0", NETWORKS[0]),
        ("198.51.100.255", NETWORKS[0]),
        (IPv4Address("198.51.100.17"), NETWORKS[0]),
        (" 203.0.113.15 ", NETWORKS[1]),
        ("203.0.113.8", NETWORKS[1]),
        ("203.0.113.16", None),
        ("203.0.113.7", None),
        ("198.51.101.0", None),
    ],
)
def test_contains(address: str | IPv4Address, expected: IPv4Network | None) -> None:
    assert contains(NETWORKS, address) == expected


def test_contains_returns_the_first_holding_network() -> None:
    wide, narrow = IPv4Network("198.51.100.0/24"), IPv4Network("198.51.100.0/28")
    assert contains([narrow, wide], "198.51.100.1") is narrow
    assert contains([wide, narrow], "198.51.100.1") is wide
    assert contains(iter([narrow, wide]), "198.51.100.200") is wide
    assert contains([], "198.51.100.1") is None


def test_contains_rejects_a_bad_address() -> None:
    with pytest.raises(SenderIPError):
        contains(NETWORKS, "198.51.100.300")


FIRST_ADDRESS, LAST_ADDRESS = IPv4Address(0), IPv4Address(2**32 - 1)
addresses = st.integers(min_value=0, max_value=2**32 - 1).map(IPv4Address)
special_first_octets = st.sampled_from([0, 10, 100, 127, 169, 172, 192, 198, 203, 224, 240, 255])
near_special_addresses = special_first_octets.flatmap(
    lambda first: st.integers(min_value=0, max_value=2**24 - 1).map(
        lambda rest: IPv4Address(first << 24 | rest)
    )
)
allowed_prefixes = st.integers(min_value=24, max_value=32)


@given(addresses, allowed_prefixes)
def test_every_allowed_network_parses_and_holds_its_addresses(address: IPv4Address, prefix: int) -> None:
    network = parse_sender_ip(f"{address}/{prefix}")
    assert network == IPv4Network(f"{address}/{prefix}", strict=False)
    assert address in network
    assert contains([network], address) == network
    assert contains([network], str(network.network_address)) == network
    assert contains([network], str(network.broadcast_address)) == network


@given(addresses, allowed_prefixes, st.integers(min_value=0, max_value=255))
def test_every_address_of_a_parsed_network_is_contained(
    address: IPv4Address, prefix: int, offset: int
) -> None:
    network = parse_sender_ip(f"{address}/{prefix}")
    member = network.network_address + offset % network.num_addresses
    assert contains([network], str(member)) == network
    if network.broadcast_address < LAST_ADDRESS:
        assert contains([network], network.broadcast_address + 1) is None
    if network.network_address > FIRST_ADDRESS:
        assert contains([network], network.network_address - 1) is None


@given(addresses, st.integers(min_value=0, max_value=23) | st.integers(min_value=33, max_value=99))
def test_every_other_prefix_is_rejected_as_prefix(address: IPv4Address, prefix: int) -> None:
    with pytest.raises(SenderIPError) as caught:
        parse_sender_ip(f"{address}/{prefix}")
    assert caught.value.reason == "prefix"
    assert f"/{prefix}" in str(caught.value)


@given(addresses)
def test_single_addresses_round_trip(address: IPv4Address) -> None:
    assert parse_address(str(address)) == address
    assert parse_sender_ip(str(address)) == IPv4Network(address)


@given(addresses | near_special_addresses, allowed_prefixes)
def test_a_network_is_labelled_when_any_member_is(address: IPv4Address, prefix: int) -> None:
    network = parse_sender_ip(f"{address}/{prefix}")
    if special_purpose(IPv4Network(address)) is not None:
        assert special_purpose(network) is not None


@given(addresses | near_special_addresses)
def test_every_address_python_calls_non_global_is_labelled(address: IPv4Address) -> None:
    if not address.is_global:
        assert special_purpose(IPv4Network(address)) is not None
