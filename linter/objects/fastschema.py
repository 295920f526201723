"""A JSON Schema subset compiled to a plain predicate, for the common case of a valid object.

The kind schemas use a handful of keywords; checking them directly is some twenty times faster
than a full validator, which then runs only for objects that fail, to say why. A schema with a
keyword this module does not know compiles to ``None`` and the caller validates it fully.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Predicate = Callable[[Any], bool]

_ANNOTATIONS = frozenset({"$id", "$schema", "title", "description", "default", "examples", "$comment"})
_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())
    ),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


class Unsupported(Exception):
    """The schema uses a keyword outside the subset."""


def compile_schema(schema: dict[str, Any]) -> Predicate | None:
    try:
        return _compile(schema)
    except Unsupported:
        return None


def _compile(schema: Any) -> Predicate:
    if schema is True:
        return lambda v: True
    if not isinstance(schema, dict):
        raise Unsupported(str(schema))
    checks: list[Predicate] = []
    for keyword, value in schema.items():
        if keyword in _ANNOTATIONS:
            continue
        checks.append(_keyword(keyword, value, schema))
    return all_of(checks)


def all_of(checks: list[Predicate]) -> Predicate:
    """All of the checks, as one call when there is one (most schemas hold a type alone); a
    loop, not all() over a generator, which resumes a frame per check."""
    if len(checks) == 1:
        return checks[0]

    def every(v: Any) -> bool:
        for check in checks:  # noqa: SIM110 (all() of a generator: a frame resumed per check)
            if not check(v):
                return False
        return True

    return every


def any_of(checks: list[Predicate]) -> Predicate:
    if len(checks) == 1:
        return checks[0]

    def some(v: Any) -> bool:
        for check in checks:  # noqa: SIM110 (as in all_of)
            if check(v):
                return True
        return False

    return some


def _keyword(keyword: str, value: Any, schema: dict[str, Any]) -> Predicate:
    if keyword == "type":
        return any_of([_TYPES[t] for t in (value if isinstance(value, list) else [value])])
    if keyword == "enum":
        return _enum(list(value))
    if keyword == "const":
        return lambda v: _equal(v, value)
    if keyword == "pattern":
        search = re.compile(value).search
        return lambda v: not isinstance(v, str) or search(v) is not None
    if keyword == "minLength":
        return lambda v: not isinstance(v, str) or len(v) >= value
    if keyword == "maxLength":
        return lambda v: not isinstance(v, str) or len(v) <= value
    if keyword == "minimum":
        return lambda v: not _number(v) or v >= value
    if keyword == "maximum":
        return lambda v: not _number(v) or v <= value
    if keyword == "anyOf":
        return any_of([_compile(option) for option in value])
    if keyword == "items":
        return _items(_compile(value))
    if keyword == "required":
        names = list(value)
        return lambda v: not isinstance(v, dict) or all(n in v for n in names)
    if keyword == "properties":
        return _properties({name: _compile(sub) for name, sub in value.items()})
    if keyword == "additionalProperties" and value is False:
        known = frozenset(schema.get("properties", {}))
        return lambda v: not isinstance(v, dict) or known.issuperset(v)
    raise Unsupported(keyword)


def _enum(allowed: list[Any]) -> Predicate:
    """Text is looked up in a set: ``_equal`` holds between text and only the same text."""
    texts = frozenset(a for a in allowed if isinstance(a, str))
    return lambda v: v in texts if isinstance(v, str) else any(_equal(v, a) for a in allowed)


def _items(item: Predicate) -> Predicate:
    def items(v: Any) -> bool:
        if isinstance(v, list):
            for i in v:
                if not item(i):
                    return False
        return True

    return items


def _properties(props: dict[str, Predicate]) -> Predicate:
    def properties(v: Any) -> bool:
        if isinstance(v, dict):
            for k, x in v.items():
                check = props.get(k)
                if check is not None and not check(x):
                    return False
        return True

    return properties


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _equal(value: Any, expected: Any) -> bool:
    """JSON equality: true is not 1, and 1 equals 1.0."""
    if isinstance(value, bool) or isinstance(expected, bool):
        return type(value) is type(expected) and value == expected
    return bool(value == expected)
