"""Domain-valued properties hold ``contoso.com`` or ``*.contoso.com`` and nothing else: the only
wildcard Exchange Online documents is a leading ``*.``, meaning the domain and all subdomains."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.domain.names import connector_name_problem
from linter.hybrid.topology import address_space_domain
from linter.model import Hit, Object
from linter.objects.scopes import Scope

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["properties"],
    "properties": {
        "properties": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "star_allowed_in": {
            "description": "Properties where a lone * (every domain) is allowed, as in SenderDomains.",
            "type": "array",
            "items": {"type": "string"},
        },
    },
}


def prepare(params: dict[str, Any]) -> tuple[tuple[str, ...], frozenset[str]]:
    return tuple(params["properties"]), frozenset(params.get("star_allowed_in", ()))


def check(prepared: tuple[tuple[str, ...], frozenset[str]], obj: Object, scope: Scope) -> Iterator[Hit]:
    names, star_allowed = prepared
    for name in names:
        value = obj.get(name)
        entries = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, entry in entries:
            if not isinstance(entry, str):
                continue
            domain = address_space_domain(entry) if name == "AddressSpaces" else entry.strip()
            if (name in star_allowed and domain == "*") or (name == "AddressSpaces" and not domain):
                continue  # every domain, or a non-SMTP address space this rule does not read
            problem = connector_name_problem(domain)
            if problem is not None:
                pointer = (name,) if index is None else (name, index)
                yield Hit(pointer, f"{name} {entry!r} {problem}", {"value": entry, "problem": problem})
