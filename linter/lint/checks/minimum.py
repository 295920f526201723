"""A number-valued property is at least a minimum (a key size in bits, a count). Values that are
not numbers are left to the schema; an absent value is not judged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.model import Hit, Object
from linter.objects.scopes import Scope

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["property", "minimum"],
    "properties": {"property": {"type": "string"}, "minimum": {"type": "integer"}},
}


def prepare(params: dict[str, Any]) -> tuple[str, int]:
    return str(params["property"]), int(params["minimum"])


def check(prepared: tuple[str, int], obj: Object, scope: Scope) -> Iterator[Hit]:
    name, minimum = prepared
    value = obj.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    if value < minimum:
        yield Hit((name,), f"{name} is {value}, below {minimum}", {"minimum": minimum})
