"""The quick schema predicate agrees with the full validator on every kind's schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from linter.load.resources import kind_schemas
from linter.objects.fastschema import compile_schema

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 70000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        ["", "OnPremises", "onpremises", "Partner", "x" * 70, "A" * 40, "DomainValidation", "SMTP"]
    ),
    st.text(max_size=8),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3))


@pytest.mark.parametrize("kind", sorted(kind_schemas()))
def test_quick_check_agrees_with_jsonschema(kind: str) -> None:
    schema = json.loads((SCHEMAS / f"{kind_schemas()[kind]}.schema.json").read_text(encoding="utf-8"))
    quick = compile_schema(schema)
    assert quick is not None, "the kind schemas stay inside the quick subset"
    full = Draft202012Validator(schema)
    names = [*sorted(schema["properties"]), "Unknown"]

    @settings(max_examples=300, deadline=None)
    @given(st.dictionaries(st.sampled_from(names), values, max_size=6))
    def agree(props: dict[str, object]) -> None:
        instance = {"kind": kind, **props}
        assert quick(instance) == full.is_valid(instance), instance

    agree()


@pytest.mark.parametrize(
    ("schema", "instance", "valid"),
    [
        ({"type": "integer"}, True, False),
        ({"type": "integer"}, 1.0, True),  # JSON Schema: a number without a fraction is an integer
        ({"type": "integer"}, 1.5, False),
        ({"enum": [1]}, True, False),
        ({"const": False}, 0, False),
        ({"enum": [1]}, 1.0, True),
        ({"pattern": "^a"}, "ab", True),
        ({"pattern": "b"}, "ab", True),  # search, not match
        ({"maxLength": 2}, "abc", False),
        ({"type": ["string", "null"]}, None, True),
    ],
)
def test_quick_check_edge_cases(schema: dict[str, object], instance: object, valid: bool) -> None:
    quick = compile_schema(schema)
    assert quick is not None
    assert quick(instance) is valid
    assert Draft202012Validator(schema).is_valid(instance) is valid


def test_unknown_keywords_fall_back() -> None:
    assert compile_schema({"oneOf": [{"type": "string"}]}) is None
