"""A ``<I>issuer<S>subject`` certificate name resolves to a certificate of the scope.

``report: unresolved`` (the default) yields when the name is malformed or no certificate has that
issuer and subject; ``report: ambiguous`` yields when Exchange's choice among the certificates
that have them is not documented: on one server of the connector, two or more different
certificates expire last at the same moment. Otherwise Exchange uses the latest-expiring one
(S38), which is how a renewal with the same names takes over; each server has its own store, so
certificates on different servers (Edge servers) are never compared.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.domain.dn import format_tls_certificate_name
from linter.hybrid import topology as hybrid
from linter.model import Certificate, Hit, Object, Ref
from linter.objects.scopes import Scope

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["property"],
    "properties": {
        "property": {"type": "string"},
        "report": {"enum": ["unresolved", "ambiguous"], "default": "unresolved"},
    },
}


def prepare(params: dict[str, Any]) -> tuple[str, str]:
    return str(params["property"]), str(params.get("report", "unresolved"))


def check(prepared: tuple[str, str], obj: Object, scope: Scope) -> Iterator[Hit]:
    name, report = prepared
    value = obj.get(name)
    if not isinstance(value, str) or not value.strip():
        return
    found = hybrid.resolve_certificate_name(scope, value)
    if report == "ambiguous":
        seen: set[frozenset[str]] = set()
        for server, here in hybrid.chosen_on_servers(scope, obj, list(found.matches)).items():
            distinct = {c.thumbprint: c for c in sorted(here, key=lambda c: (c.path, c.index))}
            if frozenset(distinct) not in seen:
                seen.add(frozenset(distinct))
                yield from _ambiguous(name, server, list(distinct.values()))
        return
    if found.error is not None:
        detail = f"it is not in Exchange's form <I>issuer<S>subject ({found.error})"
        yield Hit((name,), detail, {"detail": detail})
        return
    if found.matches or not scope.certificates:
        return  # resolved, or the repository keeps no certificates to resolve against
    if found.same_subject:
        newest = max(found.same_subject, key=lambda c: c.not_after)
        suggested = format_tls_certificate_name(newest.issuer, newest.subject)
        detail = (
            f"no certificate with that subject has issuer {found.issuer!r}; "
            f"{newest.path} has the subject but was "
            f"issued by {newest.issuer!r} (the issuer changed on renewal)"
        )
        related = tuple(Ref(c, message="same subject, other issuer") for c in found.same_subject)
        yield Hit((name,), detail, {"suggested": suggested, "detail": detail}, related)
        return
    if found.same_issuer:
        subjects = "; ".join(sorted({c.subject for c in found.same_issuer}))
        detail = f"no certificate from that issuer has subject {found.subject!r} (its subjects: {subjects})"
        related = tuple(Ref(c, message="same issuer, other subject") for c in found.same_issuer)
        yield Hit((name,), detail, {"detail": detail}, related)
        return
    detail = "no certificate in the scope has that issuer and subject"
    yield Hit((name,), detail, {"detail": detail})


def _ambiguous(name: str, server: str, distinct: list[Certificate]) -> Iterator[Hit]:
    if len(distinct) < 2:
        return  # one certificate (perhaps kept in two files) or none: nothing to choose
    latest = max(c.not_after for c in distinct)
    tied = sorted((c for c in distinct if c.not_after == latest), key=lambda c: (c.path, c.index))
    if len(tied) < 2:
        return  # Exchange uses the latest-expiring one (S38): a renewal beside the old one
    others = sorted((c for c in distinct if c not in tied), key=lambda c: c.not_after, reverse=True)
    where = f" on {server}" if server else ""
    when = latest.strftime("%Y-%m-%d")
    listed = "; ".join(f"{c.path} (thumbprint {c.thumbprint})" for c in tied)
    detail = (
        f"{len(distinct)} certificates{where} have that issuer and subject and {len(tied)} of them expire "
        f"last, on {when}: {listed}; Exchange picks the latest-expiring one and the documentation does not "
        "say which of equals it takes"
    )
    values = {
        "detail": detail,
        "chosen": tied[0].path,
        "chosen_thumbprint": tied[0].thumbprint,
        "chosen_expires": when,
        "others": listed,
    }
    related = (
        *(Ref(c, message="has the same issuer and subject and expiry") for c in tied),
        *(Ref(c, message="has the same issuer and subject, expires earlier") for c in others),
    )
    yield Hit((name,), detail, values, related)
