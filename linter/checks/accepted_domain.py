"""Each name in a property is an accepted domain of the tenant, or a wildcard over one."""

from __future__ import annotations

from collections.abc import Iterator

from linter import hybrid
from linter.checks.params import ONE_PROPERTY, one_property
from linter.model import Hit, Object
from linter.scopes import Scope

PARAMS = ONE_PROPERTY
prepare = one_property


def check(name: str, obj: Object, scope: Scope) -> Iterator[Hit]:
    from linter.names import connector_name_problem

    accepted = hybrid.accepted_domains(scope)
    if not scope.of("AcceptedDomain"):
        return  # the repository does not describe the tenant's domains: nothing to compare with
    value = obj.get(name)
    entries = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
    for index, entry in entries:
        if not isinstance(entry, str) or connector_name_problem(entry) is not None:
            continue  # empty or malformed: other rules say so
        if hybrid.accepted_cover(scope, entry) is None:
            pointer = (name,) if index is None else (name, index)
            yield Hit(
                pointer,
                f"{name} {entry} is not an accepted domain and no wildcard over one "
                f"(accepted: {', '.join(accepted) or 'none'})",
                {"value": entry, "accepted": ", ".join(accepted)},
            )
