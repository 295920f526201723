"""Several combinations, each a finding at its own property: ``match`` for rules that name more
than one forbidden setting ("RestrictDomainsToCertificate or RestrictDomainsToIPAddresses true on
an OnPremises connector", "MtaStsMode or SmtpDaneMode None").

Each case has ``when`` (conditions written like a rule's ``scope.where``: a plain value means
equals, text without regard to case; an absent property takes its documented default), the
``property`` to point at, an optional ``set`` (the value the fix writes; templates get it as
``{set}`` in PowerShell's spelling and as ``{target}`` as a definition writes it) and an optional
``note`` (``{note}``). ``{shown}`` is the property's current value as a definition writes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.model import Hit, Object
from linter.objects.conditions import SCHEMA as CONDITIONS
from linter.objects.conditions import VALUE as _VALUE
from linter.objects.conditions import matches
from linter.objects.scopes import Scope
from linter.values import dataclass

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["cases"],
    "properties": {
        "cases": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["when", "property"],
                "properties": {
                    "when": {**CONDITIONS, "minProperties": 1},
                    "property": {"description": "Where the finding points.", "type": "string"},
                    "set": {"description": "The value the fix sets ({set}).", **_VALUE},
                    "note": {"description": "Text for the message ({note}).", "type": "string"},
                },
            },
        }
    },
}


@dataclass(frozen=True)
class Case:
    """One case of the rule: when the object is so, the property's values and what each means."""

    when: dict[str, Any]
    property: str
    values: dict[str, Any]


def powershell(value: Any) -> str:
    """A value as a PowerShell argument: ``$true``, ``$false``, ``$null``, or the text."""
    if value is None:
        return "$null"
    if isinstance(value, bool):
        return "$true" if value else "$false"
    return str(value)


def shown(value: Any) -> str:
    """A value as the definition writes it: ``true``, ``false``, ``null``, or the text."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def prepare(params: dict[str, Any]) -> tuple[Case, ...]:
    cases = []
    for case in params["cases"]:
        values: dict[str, Any] = {}
        if "set" in case:
            values["set"] = powershell(case["set"])
            values["target"] = shown(case["set"])
        if "note" in case:
            values["note"] = str(case["note"])
        cases.append(Case(dict(case["when"]), str(case["property"]), values))
    return tuple(cases)


def check(cases: tuple[Case, ...], obj: Object, scope: Scope) -> Iterator[Hit]:
    for case in cases:
        if matches(case.when, obj):
            current = shown(obj.effective(case.property))
            yield Hit(
                (case.property,),
                f"{case.property} is {current}",
                {"shown": current, **case.values},
            )
