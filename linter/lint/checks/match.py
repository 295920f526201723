"""Every object the rule's scope selects is a finding: the rule's ``where`` is the whole test.

For combinations the documentation forbids ("TreatMessagesAsInternal cannot be true when
CloudServicesMailEnabled is true"): the scope names the combination, this primitive points at
the property to change.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.model import Hit, Object, shown
from linter.objects.scopes import Scope

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "property": {
            "description": (
                "Where to point; the object when absent. A list names several places: the first "
                "that the definition writes (a combination whose culprit may be left at its default)."
            ),
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}],
        }
    },
}


def prepare(params: dict[str, Any]) -> tuple[str, ...]:
    value = params.get("property")
    if value is None:
        return ()
    return (str(value),) if isinstance(value, str) else tuple(str(v) for v in value)


def check(names: tuple[str, ...], obj: Object, scope: Scope) -> Iterator[Hit]:
    name = next((n for n in names if n in obj.props), names[0] if names else None)
    pointer = (name,) if name else ()
    yield Hit(pointer, f"{name} is {shown(obj.effective(name))}" if name else "matches")
