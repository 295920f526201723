"""A ``<I>issuer<S>subject`` certificate name resolves to a certificate of the scope.

``report: unresolved`` (the default) yields when the name is malformed or no certificate has that
issuer and subject; ``report: ambiguous`` yields when several different certificates have them,
naming the one Exchange picks (the latest-expiring).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.domain.dn import format_tls_certificate_name
from linter.hybrid import topology as hybrid
from linter.model import Hit, Object, Ref
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
        yield from _ambiguous(name, found)
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


def _ambiguous(name: str, found: hybrid.Resolution) -> Iterator[Hit]:
    distinct = {c.thumbprint: c for c in sorted(found.matches, key=lambda c: (c.path, c.index))}
    chosen = found.chosen
    if len(distinct) < 2 or chosen is None:
        return  # one certificate (perhaps kept in two files) or none: nothing to choose
    others = sorted(
        (c for c in distinct.values() if c.thumbprint != chosen.thumbprint),
        key=lambda c: c.not_after,
        reverse=True,
    )
    tied = [c for c in others if c.not_after == chosen.not_after]
    when = chosen.not_after.strftime("%Y-%m-%d")
    listed = "; ".join(
        f"{c.path} (expires {c.not_after:%Y-%m-%d}, thumbprint {c.thumbprint})" for c in others
    )
    if tied:
        detail = (
            f"{len(distinct)} certificates have that issuer and subject and {len(tied) + 1} of them expire "
            f"last, on {when}; Exchange picks the latest-expiring one and the documentation does not say "
            "which of equals it takes"
        )
    else:
        detail = (
            f"{len(distinct)} certificates have that issuer and subject; Exchange uses the one that expires "
            f"last, {chosen.path} (thumbprint {chosen.thumbprint}, expires {when}), not {listed}"
        )
    values = {
        "detail": detail,
        "chosen": chosen.path,
        "chosen_thumbprint": chosen.thumbprint,
        "chosen_expires": when,
        "others": listed,
    }
    related = (
        Ref(chosen, message="the certificate Exchange uses (it expires last)"),
        *(
            Ref(c, message="has the same issuer and subject, expires earlier")
            for c in others
            if c not in tied
        ),
        *(Ref(c, message="has the same issuer and subject and expiry") for c in tied),
    )
    yield Hit((name,), detail, values, related)
