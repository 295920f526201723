"""Tables for the on-premises helpers of linter/hybrid/topology.py and the chain check of
linter/load/certs.py:
send connector address spaces, certificate signatures (SHA-1 included) and successor names."""

from __future__ import annotations

from typing import Any

import pytest

from linter.commands.test_rules.certgen import build
from linter.domain.address_space import parse_address_space
from linter.hybrid.topology import covers_names
from linter.load.certs import read_certificate_file, signed_by
from linter.model import Certificate


@pytest.mark.parametrize(
    ("entry", "kind", "space", "cost"),
    [
        ("contoso.com", "SMTP", "contoso.com", 1),
        ("smtp:contoso.com;1", "smtp", "contoso.com", 1),
        ("SMTP:*;100", "SMTP", "*", 100),
        ("*.com", "SMTP", "*.com", 1),
        ("*.contoso.com", "SMTP", "*.contoso.com", 1),
        ("smtp: contoso.com ; 7", "smtp", "contoso.com", 7),
        ("smtp:bücher.example;1", "smtp", "bücher.example", 1),
        ("X400:c=US;a= ;p=Contoso;5", "X400", "c=US;a= ;p=Contoso;5", None),
    ],
)
def test_valid_address_spaces(entry: str, kind: str, space: str, cost: int | None) -> None:
    parsed = parse_address_space(entry)
    assert (parsed.type, parsed.space, parsed.cost, parsed.problem) == (kind, space, cost, None)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("*contoso.com", "has the domain '*contoso.com': a wildcard is allowed only as a leading '*.'"),
        (
            "smtp:mail.*.contoso.com",
            "has the domain 'mail.*.contoso.com': a wildcard is allowed only as a leading '*.'",
        ),
        ("smtp:contoso.com;0", "has cost '0', not a whole number from 1 to 100"),
        ("smtp:contoso.com;101", "has cost '101', not a whole number from 1 to 100"),
        ("smtp:contoso.com;-1", "has cost '-1', not a whole number from 1 to 100"),
        ("smtp:contoso.com;\u0661", "has cost '\u0661', not a whole number from 1 to 100"),
        ("smtp:contoso.com;", "has an empty cost, not a whole number from 1 to 100"),
        ("smtp:;1", "has no address space"),
        (":contoso.com", "has the type '', not an address type"),
        ("s m t p:contoso.com", "has the type 's m t p', not an address type"),
    ],
)
def test_invalid_address_spaces(entry: str, problem: str) -> None:
    assert parse_address_space(entry).problem == problem


def certificates(specs: dict[str, dict[str, Any]], *names: str) -> list[Certificate]:
    built = build(specs)
    pem = b"".join(built[n].pem() for n in names)
    found, problems = read_certificate_file("certs/test.pem", pem)
    assert problems == []
    return found


ROOT = {"subject": "CN=Root", "ca": True, "key": "ec256"}


@pytest.mark.parametrize("hash_name", ["sha1", "sha256", "sha384"])
@pytest.mark.parametrize("key", ["ec256", "rsa1024"])
def test_signature_verifies_whatever_the_hash(hash_name: str, key: str) -> None:
    specs = {
        "root": {**ROOT, "key": key},
        "leaf": {"subject": "CN=mail.contoso.com", "issuer": "root", "key": "ec256", "hash": hash_name},
    }
    leaf, root = certificates(specs, "leaf", "root")
    assert signed_by(leaf.der, root.der) is True
    assert signed_by(root.der, leaf.der) is False


def test_same_name_other_key_does_not_verify() -> None:
    specs = {
        "root": ROOT,
        "rekeyed": {**ROOT, "seed": "other"},
        "leaf": {"subject": "CN=mail.contoso.com", "issuer": "root", "key": "ec256"},
    }
    leaf, rekeyed = certificates(specs, "leaf", "rekeyed")
    assert leaf.issuer == rekeyed.subject
    assert signed_by(leaf.der, rekeyed.der) is False


def test_unreadable_input_is_unknown() -> None:
    (leaf,) = certificates({"leaf": {"subject": "CN=a", "key": "ec256"}}, "leaf")
    assert signed_by(b"", leaf.der) is None
    assert signed_by(leaf.der, b"not a certificate") is None


@pytest.mark.parametrize(
    ("old", "new", "covered"),
    [
        (["mail.contoso.com"], ["mail.contoso.com"], True),
        (
            ["mail.contoso.com", "autodiscover.contoso.com"],
            ["autodiscover.contoso.com", "MAIL.contoso.com."],
            True,
        ),
        (["mail.contoso.com", "autodiscover.contoso.com"], ["mail.contoso.com"], False),
        (["mail.contoso.com"], ["*.contoso.com"], True),
        (["mail.eu.contoso.com"], ["*.contoso.com"], False),
        (["contoso.com"], ["*.contoso.com"], False),
        (["*.contoso.com"], ["*.contoso.com"], True),
        (["*.contoso.com"], ["mail.contoso.com"], False),
    ],
)
def test_successor_covers_names(old: list[str], new: list[str], covered: bool) -> None:
    specs = {
        "old": {"subject": f"CN={old[0]}", "san": old, "key": "ec256"},
        "new": {"subject": f"CN={new[0]}", "san": new, "key": "ec256", "seed": 2},
    }
    first, second = certificates(specs, "old", "new")
    assert covers_names(second, first) is covered
