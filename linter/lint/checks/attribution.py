"""Senders Exchange Online will reject, from the attribution model (linter/hybrid/attribution).

``outcome`` is the NDR code to report (550 5.7.64, ATTR36 or 550 5.7.51) and ``causes`` narrows
it to some reasons. A hit lands on the object the rule checks when the model names that object
as the place to repair the problem: an inbound connector's SenderIPAddresses, a relay host, a
send connector. Causes another rule already reports at the same place (EX101, EX103) are left
to it unless a rule names them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.hybrid import attribution
from linter.model import Hit, Object
from linter.objects.scopes import Scope

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["outcome"],
    "properties": {
        "outcome": {"description": "The NDR code to report.", "enum": list(attribution.CODES)},
        "causes": {
            "description": "Only these reasons; all of the code's reasons when absent.",
            "type": "array",
            "items": {"enum": list(attribution.CAUSES)},
            "minItems": 1,
            "uniqueItems": True,
        },
    },
}


def prepare(params: dict[str, Any]) -> tuple[str, frozenset[str] | None]:
    causes = params.get("causes")
    return str(params["outcome"]), frozenset(causes) if causes else None


def check(prepared: tuple[str, frozenset[str] | None], obj: Object, scope: Scope) -> Iterator[Hit]:
    outcome, causes = prepared
    for verdict in attribution.verdicts(scope):
        for problem in verdict.problems:
            if problem.code != outcome or not problem.certain:
                continue
            if causes is None and problem.cause in attribution.REPORTED_ELSEWHERE:
                continue
            if causes is not None and problem.cause not in causes:
                continue
            for fix in problem.fixes:
                if fix.target is not obj:
                    continue
                values = {
                    "sender": verdict.sender.obj.identity,
                    "sender_label": verdict.sender.label,
                    "code": problem.code,
                    "clause": problem.detail,
                    "advice": "",
                    **fix.values,
                }
                if fix.command:
                    values["command"] = fix.command
                yield Hit(fix.pointer, str(values["clause"]), values, fix.related + problem.related)
