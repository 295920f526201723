"""Positions of keys, values and list items, and how scalars are read: tables of cases."""

from __future__ import annotations

import pytest

from linter.load.locate import span
from linter.load.parse import ParseError, parse_json, parse_yaml
from linter.model import Span

YAML = """\
kind: InboundConnector
Name: Inbound from on-premises
SenderIPAddresses:
  - 203.0.113.25
  - "198.51.100.0/24"
SenderDomains: [contoso.com, "*.contoso.com"]
---
- kind: Tenant
  Name: contoso.onmicrosoft.com
"""


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        ((0, "kind"), Span(1, 1, 1, 23)),
        ((0, "Name"), Span(2, 1, 2, 31)),
        ((0, "SenderIPAddresses"), Span(3, 1, 5, 22)),
        ((0, "SenderIPAddresses", 0), Span(4, 5, 4, 17)),
        ((0, "SenderIPAddresses", 1), Span(5, 5, 5, 22)),
        ((0, "SenderDomains", 1), Span(6, 30, 6, 45)),
        ((1, 0, "Name"), Span(9, 3, 9, 32)),
        ((1, 0), Span(8, 3, 9, 32)),
        # a pointer to something not written falls back to its nearest written ancestor
        ((0, "SenderIPAddresses", 7), Span(3, 1, 5, 22)),
        ((0, "TlsSenderCertificateName"), Span(1, 1, 6, 46)),
        ((5,), Span(1, 1, 1, 1)),
    ],
)
def test_yaml_positions(pointer, expected) -> None:  # type: ignore[no-untyped-def]
    document, problems = parse_yaml("x.yaml", YAML)
    assert problems == []
    assert span(document, pointer) == expected


JSON = """{
  "kind": "InboundConnector",
  "SenderIPAddresses": [
    "203.0.113.25",
    "198.51.100.0/24"
  ],
  "Enabled": true
}"""


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        ((0, "kind"), Span(2, 3, 2, 29)),
        ((0, "SenderIPAddresses", 1), Span(5, 5, 5, 22)),
        ((0, "SenderIPAddresses"), Span(3, 3, 6, 4)),
        ((0, "Enabled"), Span(7, 3, 7, 18)),
        ((0,), Span(1, 1, 8, 2)),
    ],
)
def test_json_positions(pointer, expected) -> None:  # type: ignore[no-untyped-def]
    document, problems = parse_json("x.json", JSON)
    assert problems == []
    assert span(document, pointer) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("v: true", True),
        ("v: False", False),
        ("v: $true", True),
        ("v: $False", False),
        ("v: yes", "yes"),  # YAML 1.2: not a boolean
        ("v: on", "on"),
        ("v: ~", None),
        ("v:", None),
        ("v: null", None),
        ("v: 25", 25),
        ("v: 0x1F", 31),
        ("v: 1.5", 1.5),
        ("v: 00:10:00", "00:10:00"),  # not base-60
        ("v: 2026-11-26", "2026-11-26"),  # not a timestamp
        ("v: '25'", "25"),
        ('v: "true"', "true"),
        ("v: 203.0.113.25", "203.0.113.25"),
        ("v: smtp:*;1", "smtp:*;1"),
    ],
)
def test_yaml_scalars(text: str, value: object) -> None:
    document, _ = parse_yaml("x.yaml", text)
    assert document.data[0]["v"] == value


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a: [1, 2\n", 1, 0),
        ("a: b\n  c: d\n", 1, 3),
        ("a: 'unterminated\n", 1, 0),
        ("\ta: b\n", 0, 0),
    ],
)
def test_yaml_syntax_errors_are_located(text: str, line: int, column: int) -> None:
    with pytest.raises(ParseError) as caught:
        parse_yaml("x.yaml", text)
    assert (caught.value.problem.line, caught.value.problem.column) == (line, column)
    assert caught.value.problem.code == "syntax"


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('{"a": 1,}', 0, 8),
        ('{"a": [1, 2}', 0, 11),
        ('{"a": tru}', 0, 6),
        ('{"a": 1} x', 0, 9),
        ("", 0, 0),
        ('{\n  "a": "unterminated\n}', 1, 20),  # the line break inside the string
    ],
)
def test_json_syntax_errors_are_located(text: str, line: int, column: int) -> None:
    with pytest.raises(ParseError) as caught:
        parse_json("x.json", text)
    assert (caught.value.problem.line, caught.value.problem.column) == (line, column)


@pytest.mark.parametrize(
    ("parser", "text", "line"),
    [
        (parse_yaml, "a: 1\nb: 2\na: 3\n", 2),
        (parse_json, '{"a": 1,\n "a": 2}', 1),
    ],
)
def test_duplicate_keys_are_problems_not_errors(parser, text: str, line: int) -> None:  # type: ignore[no-untyped-def]
    document, problems = parser("x", text)
    assert [(p.code, p.line) for p in problems] == [("duplicate-key", line)]
    assert document.data[0]["a"] == 1


def test_alias_expansion_is_limited() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)]
    with pytest.raises(ParseError) as caught:
        parse_yaml("bomb.yaml", "\n".join(lines))
    assert caught.value.problem.code == "limit"


def test_depth_is_limited() -> None:
    with pytest.raises(ParseError) as caught:
        parse_json("deep.json", "[" * 100 + "]" * 100)
    assert caught.value.problem.code == "limit"
