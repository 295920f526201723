"""The certificate each on-premises sender presents is covered by the connector's certificate name.

``report: mismatch`` yields when no enabled OnPremises inbound connector covers the presented
certificate at all (and IP attribution does not save the sender); ``report: wildcard`` yields when
this connector matches only through a wildcard on the certificate, which is not a documented match.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter import hybrid
from linter.model import Certificate, Hit, Object, Ref
from linter.scopes import Scope

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["property", "report"],
    "properties": {
        "property": {"type": "string"},
        "report": {"enum": ["mismatch", "wildcard"]},
    },
}


def prepare(params: dict[str, Any]) -> tuple[str, str]:
    return str(params["property"]), str(params["report"])


def safe_name(cert: Certificate) -> str:
    """The value a connector can name to match this certificate by a documented rule."""
    from linter.names import base, is_wildcard

    first = cert.names[0] if cert.names else ""
    cn = next((n.lower() for n in cert.common_names), first)
    return f"*.{base(cn)}" if is_wildcard(cn) else cn


def check(params: tuple[str, str], obj: Object, scope: Scope) -> Iterator[Hit]:
    from linter.names import Coverage, best_coverage

    name, report = params
    mine = obj.get(name)
    if not hybrid.is_enabled(obj) or not isinstance(mine, str) or not mine.strip():
        return
    others = [c for c in hybrid.onpremises_inbound(scope) if isinstance(c.get(name), str)]
    for sender in hybrid.send_connectors_to_exo(scope):
        presented = hybrid.presented_certificate(scope, sender)
        if presented is None:
            continue  # nothing to compare: the certificate reference rules say why
        cert = presented.certificate
        coverages = [best_coverage(c.get(name), cert.names)[0] for c in others]
        if Coverage.EXACT in coverages:
            continue
        coverage, matched = best_coverage(mine, cert.names)
        values = {
            "sender": sender.identity,
            "certificate": cert.label,
            "suggested": safe_name(cert),
            "matched": matched or "",
            "selected_by": presented.property,
        }
        related = (
            Ref(cert, message="the certificate the send connector presents"),
            Ref(sender, (presented.property,), "the send connector that selects it"),
        )
        if hybrid.attributed_by_ip(scope, sender) is not None:
            continue  # the sender is recognised by its address whatever its certificate says
        if report == "wildcard" and coverage is Coverage.WILDCARD_CERTIFICATE:
            yield Hit((name,), f"matches {cert.label} only through its wildcard {matched}", values, related)
        elif report == "mismatch" and all(c is Coverage.NONE for c in coverages):
            yield Hit((name,), f"does not cover {cert.label}", values, related)
