"""A certificate's NotAfter lies within a number of days of the run's date (``--as-of``).

Days are counted from the start of the run's date (00:00 UTC): a certificate has expired when
its NotAfter is at or before that moment. ``within_days`` reports certificates whose remaining
time is at most that many days (0: expired ones); ``beyond_days`` leaves out those with at most
that many days left, which a stricter rule reports; ``without_successor`` reports only
certificates for which no other certificate of the scope, expiring later, carries every name.

Expiry is judged on the certificates that carry mail: the one Exchange selects for each enabled
connector on each of its servers (the latest-expiring match, S38) and those relay hosts present,
with the CA certificates of their chains. When a renewal leaves the old certificate beside the new
one, the old one is not selected: it is not reported while it is valid, and once expired only as
information, "remove it after the renewal". A CA certificate is judged only as a member of a chain.
When no object of the scope selects a certificate (a repository of certificates alone), every
end-entity certificate that no later one with its names replaces is judged, with its chain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, NamedTuple

from linter.hybrid import selection
from linter.hybrid import topology as hybrid
from linter.model import Certificate, Hit, Object, Ref
from linter.objects.scopes import Scope

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["within_days"],
    "properties": {
        "within_days": {"type": "integer", "minimum": 0},
        "beyond_days": {"type": "integer", "minimum": 0},
        "without_successor": {
            "description": "Only end-entity certificates no later certificate with their names follows.",
            "type": "boolean",
            "default": False,
        },
    },
}


class Prepared(NamedTuple):
    within: dt.timedelta
    beyond: dt.timedelta | None
    without_successor: bool


def prepare(params: dict[str, Any]) -> Prepared:
    within = dt.timedelta(days=params["within_days"])
    beyond = dt.timedelta(days=params["beyond_days"]) if "beyond_days" in params else None
    if beyond is not None and beyond >= within:
        raise ValueError("beyond_days must be smaller than within_days")
    return Prepared(within, beyond, bool(params.get("without_successor", False)))


def check(prepared: Prepared, obj: Object, scope: Scope) -> Iterator[Hit]:
    cert = obj.certificate
    if cert is None:
        return
    start = dt.datetime(scope.as_of.year, scope.as_of.month, scope.as_of.day, tzinfo=dt.UTC)
    left = cert.not_after - start
    if left > prepared.within or (prepared.beyond is not None and left <= prepared.beyond):
        return
    carrying = _carries_mail(scope, cert, replaced=not prepared.without_successor)
    if carrying is None:
        return  # a CA certificate in no chain that is judged
    if not carrying:
        if left <= dt.timedelta(0) and not prepared.without_successor:
            yield _superseded(scope, cert, left)
        return
    if prepared.without_successor:
        if cert.is_ca or not cert.names:
            return
        later = [c for c in scope.certificates if c.not_after > cert.not_after and not c.is_ca]
        if any(hybrid.covers_names(c, cert) for c in later):
            return
    days = left.days  # whole days; negative once expired
    if left <= dt.timedelta(0):
        remaining = "expired " + ("today" if days == 0 else f"{-days} day{'s' if days != -1 else ''} ago")
    else:
        remaining = f"expires in {days} day{'s' if days != 1 else ''}" if days else "expires within a day"
    values = {
        "not_after": cert.not_after.strftime("%Y-%m-%d %H:%M UTC"),
        "days": days,
        "remaining": remaining,
        "as_of": scope.as_of.isoformat(),
        "names": ", ".join(cert.names) or cert.subject,
    }
    related = tuple(
        Ref(u.obj, (u.property,), "uses it") for u in hybrid.certificate_uses(scope).get(cert, [])
    )
    yield Hit(("NotAfter",), f"NotAfter {values['not_after']}: {remaining}", values, related)


def _carries_mail(scope: Scope, cert: Certificate, replaced: bool) -> bool | None:
    """True when Exchange uses the certificate (or it is a CA of one it uses); False for an
    end-entity certificate no connector selects (or, when no object selects any and ``replaced``
    is asked, one that a later certificate with its names replaces); None for a CA certificate of
    no judged chain."""

    if cert.is_ca:
        return True if cert in selection.judged_chains(scope, replaced) else None
    return cert in selection.judged_certificates(scope, replaced)


def _superseded(scope: Scope, cert: Certificate, left: dt.timedelta) -> Hit:
    days = -left.days
    when = "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"
    after = selection.successor(scope, cert)
    instead = (
        f"Exchange selects the one in {after.path} instead (thumbprint {after.thumbprint}; it expires "
        f"later, on {after.not_after:%Y-%m-%d})"
        if after is not None
        else "no enabled connector selects it"
    )
    message = (
        f"expired {when}, but {instead}, so no mail depends on it; remove it from the servers "
        "(Remove-ExchangeCertificate) and from the repository after the renewal"
    )
    related = (Ref(after, message="the certificate Exchange selects"),) if after is not None else ()
    return Hit(("NotAfter",), message, {}, related, at_most="info")
