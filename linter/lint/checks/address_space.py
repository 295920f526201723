"""Each address space of a send connector is ``[Type:]AddressSpace[;Cost]`` as New-SendConnector
documents it: an SMTP space is ``*``, ``*.com``, ``*.contoso.com`` or ``contoso.com`` and its cost
a whole number from 1 to 100; a space of another type needs smart hosts and DNS routing off."""

from __future__ import annotations

from collections.abc import Iterator

from linter.domain.address_space import parse_address_space
from linter.lint.checks.params import ONE_PROPERTY, one_property
from linter.model import Hit, Object
from linter.objects.scopes import Scope

PARAMS = ONE_PROPERTY
prepare = one_property


def check(name: str, obj: Object, scope: Scope) -> Iterator[Hit]:
    value = obj.get(name)
    entries = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
    for index, entry in entries:
        if not isinstance(entry, str):
            continue
        pointer = (name,) if index is None else (name, index)
        space = parse_address_space(entry)
        problem = space.problem
        if problem is None and not space.is_smtp:
            missing = []
            if not obj.has("SmartHosts"):
                missing.append("smart hosts")
            if obj.effective("DNSRoutingEnabled") is not False:
                missing.append("DNSRoutingEnabled false")
            if missing:
                problem = f"is of type {space.type} and so needs {' and '.join(missing)}"
        if problem is not None:
            yield Hit(pointer, f"{name} {entry!r} {problem}", {"value": entry, "problem": problem})
