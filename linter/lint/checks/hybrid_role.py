"""Send connectors that carry mail to Exchange Online, as Microsoft's Health Checker recognises
them, satisfy conditions that only hold for that part: CloudServicesMailEnabled, a certificate, a
TLS level, smart hosts that are not IP addresses. A rule's ``where`` cannot select the part (it is
a relation to Exchange Online, not a property value), so this primitive does, then applies
``when`` (conditions in the format of a rule's ``where``) and, optionally, a pattern to the values
of ``property``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from linter.hybrid import topology as hybrid
from linter.lint.regex import Searcher, compile_pattern
from linter.model import Hit, Object, Pointer
from linter.objects.conditions import SCHEMA as CONDITIONS
from linter.objects.conditions import matches
from linter.objects.scopes import Scope

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["role"],
    "properties": {
        "role": {
            "description": (
                "send-to-exo: an enabled send connector with a smart host under "
                "mail.protection.outlook.com, or with no smart hosts an address space under "
                "mail.onmicrosoft.com (Health Checker's test); meant-for-exo: that, or an enabled send "
                "connector with CloudServicesMailEnabled true, ConnectorType XPremises or a "
                "mail.onmicrosoft.com address space whatever its smart hosts."
            ),
            "enum": ["send-to-exo", "meant-for-exo"],
        },
        "when": {
            **CONDITIONS,
            "description": "Conditions in the format of a rule's where: the finding's combination.",
        },
        "property": {
            "description": "Where to point; with pattern, the property whose values are tested.",
            "type": "string",
        },
        "pattern": {
            "description": "A Python regular expression, searched without regard to case, in each value.",
            "type": "string",
        },
        "must": {
            "description": (
                "match: every value must match, and an absent property is a finding (pointed at "
                "'anchor'); not-match: no value may match."
            ),
            "enum": ["match", "not-match"],
            "default": "not-match",
        },
        "anchor": {"description": "Where to point when the tested property is absent.", "type": "string"},
    },
}


class Prepared(NamedTuple):
    role: Callable[[Object], bool]
    when: dict[str, Any]
    property: str | None
    pattern: Searcher | None
    must_match: bool
    anchor: str | None


def _send_to_exo(obj: Object) -> bool:
    return obj.kind == "SendConnector" and hybrid.is_enabled(obj) and hybrid.sends_to_exo(obj)


def _meant_for_exo(obj: Object) -> bool:
    return obj.kind == "SendConnector" and hybrid.is_enabled(obj) and hybrid.meant_for_exo(obj)


ROLES: dict[str, Callable[[Object], bool]] = {
    "send-to-exo": _send_to_exo,
    "meant-for-exo": _meant_for_exo,
}


def prepare(params: dict[str, Any]) -> Prepared:
    pattern = None
    if "pattern" in params:
        if "property" not in params:
            raise ValueError("pattern needs the property whose values it tests")
        pattern = compile_pattern(params["pattern"])
    return Prepared(
        ROLES[params["role"]],
        dict(params.get("when", {})),
        params.get("property"),
        pattern,
        params.get("must", "not-match") == "match",
        params.get("anchor"),
    )


def check(prepared: Prepared, obj: Object, scope: Scope) -> Iterator[Hit]:
    if not prepared.role(obj) or not matches(prepared.when, obj):
        return
    name = prepared.property
    if prepared.pattern is None:
        pointer: Pointer = (name,) if name else ()
        shown = _shown(obj.effective(name)) if name else ""
        yield Hit(pointer, f"{name} is {shown}" if name else "matches", {"shown": shown})
        return
    assert name is not None  # prepare() insists
    value = obj.get(name)
    entries = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
    written = [(i, e) for i, e in entries if isinstance(e, str) and e.strip()]
    if not written:
        if prepared.must_match:
            where: Pointer = (prepared.anchor,) if prepared.anchor else ()
            yield Hit(where, f"{name} is not set", {"value": "", "shown": "not set"})
        return
    for index, entry in written:
        if (prepared.pattern.search(entry.strip()) is not None) is not prepared.must_match:
            at: Pointer = (name,) if index is None else (name, index)
            yield Hit(at, f"{name} has {entry!r}", {"value": entry, "shown": entry})


def _shown(value: Any) -> str:
    """A value as PowerShell writes it: $true, $false, text as is; "not set" when absent."""
    if value is None or value == "" or value == []:
        return "not set"
    if isinstance(value, bool):
        return "$true" if value else "$false"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
