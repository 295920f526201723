"""At least one of several properties is set."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.model import Hit, Object
from linter.objects.scopes import Scope

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["properties"],
    "properties": {"properties": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
}


def prepare(params: dict[str, Any]) -> tuple[str, ...]:
    return tuple(params["properties"])


def check(properties: tuple[str, ...], obj: Object, scope: Scope) -> Iterator[Hit]:
    if not any(obj.has(name) for name in properties):
        listed = " nor ".join(properties)
        yield Hit((), f"sets neither {listed}", {"properties": listed})
