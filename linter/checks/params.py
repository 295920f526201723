"""Parameter shapes that several primitives share."""

from __future__ import annotations

from typing import Any

ONE_PROPERTY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["property"],
    "properties": {"property": {"type": "string"}},
}
"""``params: {property: Name}``: the one property a primitive reads."""


def one_property(params: dict[str, Any]) -> str:
    return str(params["property"])
