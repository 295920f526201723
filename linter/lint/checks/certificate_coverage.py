"""The certificate each on-premises sender presents is covered by the connector's certificate name.

``report: mismatch`` yields when no enabled OnPremises inbound connector covers the certificate a
send connector presents at all (and IP attribution does not save the sender, and no restricting
Partner connector answers 5.7.51 first); ``report: wildcard`` yields when this connector matches a
sender only through a wildcard on the certificate, which is not a documented match. The judgement
is the attribution model's (linter/hybrid/attribution); this primitive only selects from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.hybrid import attribution
from linter.lint.checks.params import property_and_report
from linter.model import Hit, Object
from linter.objects.scopes import Scope

PARAMS = property_and_report("mismatch", "wildcard")


def prepare(params: dict[str, Any]) -> tuple[str, str]:
    return str(params["property"]), str(params["report"])


def check(params: tuple[str, str], obj: Object, scope: Scope) -> Iterator[Hit]:
    name, report = params
    cause = (
        attribution.CERTIFICATE_NOT_COVERED if report == "mismatch" else attribution.CERTIFICATE_WILDCARD_ONLY
    )
    for verdict in attribution.verdicts(scope):
        certificate = verdict.sender.certificate
        if certificate is None:
            continue
        for problem in verdict.problems:
            if problem.cause != cause:
                continue
            for fix in problem.fixes:
                if fix.target is not obj or fix.pointer != (name,):
                    continue
                if report == "wildcard":
                    text = f"matches {certificate.label} only through its wildcard {fix.values['matched']}"
                else:
                    text = f"does not cover {certificate.label}"
                yield Hit((name,), text, fix.values, fix.related)
