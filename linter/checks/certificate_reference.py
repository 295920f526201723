"""A ``<I>issuer<S>subject`` certificate name resolves to a certificate of the scope."""

from __future__ import annotations

from collections.abc import Iterator

from linter import hybrid
from linter.checks.params import ONE_PROPERTY, one_property
from linter.model import Hit, Object, Ref
from linter.scopes import Scope

PARAMS = ONE_PROPERTY
prepare = one_property


def check(name: str, obj: Object, scope: Scope) -> Iterator[Hit]:
    from linter.dn import format_tls_certificate_name

    value = obj.get(name)
    if not isinstance(value, str) or not value.strip():
        return
    found = hybrid.resolve_certificate_name(scope, value)
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
