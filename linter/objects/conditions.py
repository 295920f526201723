"""Conditions on an object's properties: a rule's ``scope.where``, and the ``when`` of primitives
that test several combinations. All must hold. A plain value means "equals" (text without regard
to case, as PowerShell compares); a mapping takes one operator: equals, not, in, not_in, present.
An absent property takes its documented default."""

from __future__ import annotations

from typing import Any

from linter.model import Object

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
    for name, condition in where.items():
        actual = obj.effective(name)
        if not isinstance(condition, dict):
            condition = {"equals": condition}
        ((op, expected),) = condition.items()
        if op == "present":
            holds = obj.has(name) is expected
        elif op in ("equals", "not"):
            holds = _same(actual, expected) is (op == "equals")
        else:
            holds = any(_same(actual, e) for e in expected) is (op == "in")
        if not holds:
            return False
    return True


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(actual, str) and isinstance(expected, str):
        return actual.lower() == expected.lower()
    return bool(actual == expected and type(actual) is type(expected))
