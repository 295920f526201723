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


def property_and_report(*reports: str, **extra: Any) -> dict[str, Any]:
    """``params: {property: Name, report: one of reports, ...}``: a primitive that reports one
    of several outcomes about one property; ``extra`` adds optional params."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["property", "report"],
        "properties": {"property": {"type": "string"}, "report": {"enum": list(reports)}, **extra},
    }
