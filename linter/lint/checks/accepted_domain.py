"""Each name in a property is an accepted domain of the tenant, or a wildcard over one.

``wildcards: domain`` (the default) lets a wildcard entry pass when its domain is accepted
(``*.contoso.com`` over an accepted ``contoso.com``), as a certificate name may; ``wildcards:
pattern`` asks that the whole set a wildcard entry names be accepted (an accepted
``*.contoso.com`` or wider), for properties whose values must themselves be accepted domains.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.domain.names import connector_name_problem, covering_patterns, normalize, shown
from linter.hybrid import acceptance
from linter.hybrid import topology as hybrid
from linter.model import Hit, Object
from linter.objects.scopes import Scope

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["property"],
    "properties": {"property": {"type": "string"}, "wildcards": {"enum": ["domain", "pattern"]}},
}


def prepare(params: dict[str, Any]) -> tuple[str, bool]:
    return str(params["property"]), params.get("wildcards", "domain") == "pattern"


def check(prepared: tuple[str, bool], obj: Object, scope: Scope) -> Iterator[Hit]:
    name, whole_pattern = prepared
    if not acceptance.knows_accepted_domains(scope):
        return  # the repository does not describe the tenant's domains (or one is invalid): no judging
    value = obj.get(name)
    entries = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
    for at, entry in entries:
        if not isinstance(entry, str) or connector_name_problem(entry) is not None:
            continue  # empty or malformed: other rules say so
        if whole_pattern:
            index = scope.derived(hybrid.Answers).accepted_index
            covered = any(p in index for p in covering_patterns(normalize(entry)))
        else:
            covered = hybrid.accepted_cover(scope, entry) is not None
        if not covered:
            pointer = (name,) if at is None else (name, at)
            listed = acceptance.accepted_shown(scope)
            advice = acceptance.name_advice(scope, [entry], [entry])
            todo = f"Set {name} to {advice.value}." if advice.widens else ""
            note = f"Note: {advice.note}." if advice.note else ""
            yield Hit(
                pointer,
                f"{name} {shown(entry)} is not an accepted domain and no wildcard over one "
                f"(accepted: {listed or 'none'})",
                {
                    "value": shown(entry),
                    "accepted": listed,
                    "advice": " ".join(p for p in (todo, note) if p)
                    or f"Add {shown(advice.exact.removeprefix('*.'))} as an accepted domain, or use a "
                    "wildcard over one.",
                },
            )
