"""The certificate the on-premises receive side presents carries an outbound connector's TlsDomain.

Exchange Online delivers to on-premises on the receive connectors that take cloud mail (see
``hybrid.cloud_receive_connectors``); with DomainValidation it checks that the certificate each
presents carries TlsDomain. ``report: mismatch`` yields once per connector when some reachable
receive connector's certificate does not carry it at all; ``report: wildcard`` yields when one
carries it only through a certificate wildcard, which is not a documented match for an exact name.
Receive connectors whose certificate cannot be told (no certificate files, a name that does not
resolve) are left to the certificate-reference rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.domain.names import (
    Coverage,
    base,
    best_coverage,
    connector_name_problem,
    is_wildcard,
    safe_name,
    shown,
)
from linter.hybrid import topology as hybrid
from linter.lint.checks.params import property_and_report
from linter.model import Certificate, Hit, Object, Ref
from linter.objects.scopes import Scope

PARAMS = property_and_report("mismatch", "wildcard")


def prepare(params: dict[str, Any]) -> tuple[str, str]:
    return str(params["property"]), str(params["report"])


def check(params: tuple[str, str], obj: Object, scope: Scope) -> Iterator[Hit]:
    name, report = params
    wanted = obj.get(name)
    if not hybrid.is_enabled(obj) or not isinstance(wanted, str) or connector_name_problem(wanted):
        return  # disabled, unset or malformed (the syntax rule says so)
    reached: list[tuple[Object, hybrid.Presented]] = []
    for receiver in hybrid.cloud_receive_connectors(scope):
        presented = hybrid.receive_certificate(scope, receiver)
        if presented is not None:
            reached.append((receiver, presented))
    wanted_coverage = Coverage.NONE if report == "mismatch" else Coverage.WILDCARD_CERTIFICATE
    failing = [(r, p) for r, p in reached if best_coverage(wanted, p.certificate.names)[0] is wanted_coverage]
    if not failing:
        return
    certificates = list(dict.fromkeys(p.certificate for _, p in failing))
    values: dict[str, Any] = {
        "value": shown(wanted),
        "receivers": ("receive connectors " if len(failing) > 1 else "receive connector ")
        + ", ".join(f'"{r.identity}"' for r, _ in failing),
        "present": "present" if len(failing) > 1 else "presents",
        "certificate": "; ".join(c.label for c in certificates),
    }
    plain = safe_name(certificates[0].common_names, certificates[0].names)
    suggested = _common_name([p.certificate for _, p in reached], plain)
    if report == "mismatch":
        values["lacks"] = "which does not carry it" if len(certificates) == 1 else "none of which carries it"
        needed = f"a name under {shown(base(wanted))}" if is_wildcard(wanted) else shown(wanted)
        holder = "the certificate" if len(certificates) == 1 else "each of these certificates"
        if suggested:
            values["suggested"] = suggested
            values["advice"] = (
                f"Set {name} to {suggested}, which every receiving certificate carries, "
                f"or put {needed} on {holder}"
            )
        else:
            values["advice"] = f"Put {needed} on {holder}"
    else:
        values["matched"] = best_coverage(wanted, certificates[0].names)[1] or ""
        values["suggested"] = suggested or plain
    related: list[Ref] = []
    for receiver, presented in failing:
        related.append(
            Ref(receiver, (presented.property,), "the receive connector Exchange Online delivers to")
        )
    related.extend(Ref(c, message="the certificate it presents") for c in certificates)
    detail = "does not carry" if report == "mismatch" else "matches only through a wildcard"
    yield Hit((name,), f"{name} {wanted}: {values['certificate']} {detail} it", values, tuple(related))


def _common_name(certificates: list[Certificate], candidate: str) -> str | None:
    """``candidate`` when every certificate carries it by an exact match, else None."""
    if candidate and all(best_coverage(candidate, c.names)[0] is Coverage.EXACT for c in certificates):
        return candidate
    return None
