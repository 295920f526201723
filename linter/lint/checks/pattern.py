"""Each value of a property (a scalar, or every item of a list) matches, or does not match, a
regular expression: host names that must not be legacy endpoints, values of a documented form.
An absent property passes, unless ``required`` (a policy such as "a Comment naming a ticket")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.lint.regex import Searcher, compile_pattern
from linter.model import Hit, Object
from linter.objects.scopes import Scope

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["property", "pattern"],
    "properties": {
        "property": {"type": "string"},
        "pattern": {
            "description": "A regular expression (RE2 in your own rules), searched ignoring case.",
            "type": "string",
        },
        "must": {"enum": ["match", "not-match"], "default": "not-match"},
        "required": {
            "description": "A finding, too, when the property is not set (default: absent passes).",
            "type": "boolean",
            "default": False,
        },
    },
}


Prepared = tuple[str, Searcher, bool, bool]


def prepare(params: dict[str, Any]) -> Prepared:
    compiled = compile_pattern(params["pattern"])
    must_match = params.get("must", "not-match") == "match"
    return str(params["property"]), compiled, must_match, bool(params.get("required", False))


def check(prepared: Prepared, obj: Object, scope: Scope) -> Iterator[Hit]:
    name, pattern, must_match, required = prepared
    if required and not obj.has(name):
        yield Hit((name,), f"sets no {name}", {"value": "", "found": f"sets no {name}"})
        return
    value = obj.get(name)
    entries = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
    for index, entry in entries:
        if not isinstance(entry, str):
            continue
        if (pattern.search(entry.strip()) is not None) is not must_match:
            pointer = (name,) if index is None else (name, index)
            yield Hit(pointer, f"{name} has {entry!r}", {"value": entry, "found": f"{name} has {entry!r}"})
