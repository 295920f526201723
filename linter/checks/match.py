"""Every object the rule's scope selects is a finding: the rule's ``where`` is the whole test.

For combinations the documentation forbids ("TreatMessagesAsInternal cannot be true when
CloudServicesMailEnabled is true"): the scope names the combination, this primitive points at
the property to change.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.model import Hit, Object
from linter.scopes import Scope

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"property": {"description": "Where to point; the object when absent.", "type": "string"}},
}


def prepare(params: dict[str, Any]) -> str | None:
    value = params.get("property")
    return str(value) if value is not None else None


def check(name: str | None, obj: Object, scope: Scope) -> Iterator[Hit]:
    pointer = (name,) if name else ()
    shown = f"{name} is {obj.effective(name)!r}" if name else "matches"
    yield Hit(pointer, shown)
