"""Each name in a property is an accepted domain of the tenant, or a wildcard over one.

``wildcards: domain`` (the default) lets a wildcard entry pass when its domain is accepted
(``*.contoso.com`` over an accepted ``contoso.com``), as a certificate name may; ``wildcards:
pattern`` asks that the whole set a wildcard entry names be accepted (an accepted
``*.contoso.com`` or wider), for properties whose values must themselves be accepted domains.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.domain.names import connector_name_problem, pattern_covers, shown
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
    accepted = hybrid.accepted_domains(scope)
    if not acceptance.knows_accepted_domains(scope):
        return  # the repository does not describe the tenant's domains (or one is invalid): no judging
    value = obj.get(name)
    entries = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
    for index, entry in entries:
        if not isinstance(entry, str) or connector_name_problem(entry) is not None:
            continue  # empty or malformed: other rules say so
        if whole_pattern:
            covered = any(pattern_covers(domain, entry) for domain in accepted)
        else:
            covered = hybrid.accepted_cover(scope, entry) is not None
        if not covered:
            pointer = (name,) if index is None else (name, index)
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
