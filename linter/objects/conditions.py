"""Conditions on an object's properties: a rule's ``scope.where``, and the ``when`` of primitives
that test several combinations. All must hold. A plain value means "equals" (text without regard
to case, as PowerShell compares); a mapping takes one operator: equals, not, in, not_in, present.
An absent property takes its documented default."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from linter.model import Object
from linter.objects.fastschema import all_of, any_of

Test = Callable[[Object], bool]

VALUE: dict[str, Any] = {"type": ["string", "boolean", "integer", "null"]}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {
        "oneOf": [
            VALUE,
            {
                "type": "object",
                "additionalProperties": False,
                "minProperties": 1,
                "maxProperties": 1,
                "properties": {
                    "equals": VALUE,
                    "not": VALUE,
                    "in": {"type": "array", "items": VALUE},
                    "not_in": {"type": "array", "items": VALUE},
                    "present": {"type": "boolean"},
                },
            },
        ]
    },
}
"""The JSON Schema of a set of conditions (schemas/rule.schema.json has the same for where)."""


def matches(where: dict[str, Any], obj: Object) -> bool:
    """Whether every condition holds for the object. The test of a set of conditions is made once
    and kept with it (primitives ask with the same ``when`` for every object they meet)."""
    made = _MADE.get(id(where))
    if made is None or made[0] is not where:
        if len(_MADE) >= _MAX_MADE:  # a long-lived process meeting many short-lived conditions
            _MADE.clear()
        made = _MADE[id(where)] = (where, condition_test(where))
    return made[1](obj)


_MADE: dict[int, tuple[dict[str, Any], Test]] = {}
"""id(conditions) -> (the conditions, which keeps the id theirs, and their test)."""
_MAX_MADE = 4096


def condition_test(where: dict[str, Any]) -> Test:
    """``matches`` made once for a set of conditions: the test of each condition is chosen and its
    text lowered when it is made, not for every object (a rule meets thousands of them)."""
    return all_of([_condition(name, condition) for name, condition in where.items()])


def _condition(name: str, condition: Any) -> Test:
    if not isinstance(condition, dict):
        condition = {"equals": condition}
    ((op, expected),) = condition.items()
    if op == "present":
        return lambda obj: obj.has(name) is expected
    equal = _equal_to(expected) if op in ("equals", "not") else any_of([_equal_to(e) for e in expected])
    wanted = op in ("equals", "in")
    if wanted:
        return lambda obj: equal(obj.effective(name))
    return lambda obj: not equal(obj.effective(name))


def _equal_to(expected: Any) -> Callable[[Any], bool]:
    """A test of whether a value is ``expected``: text without regard to case, as PowerShell
    compares it; anything else equal and of the same type (true is not 1)."""
    if isinstance(expected, str):
        lowered = expected.lower()
        return lambda actual: isinstance(actual, str) and actual.lower() == lowered
    kind = type(expected)
    return lambda actual: bool(actual == expected and type(actual) is kind)
