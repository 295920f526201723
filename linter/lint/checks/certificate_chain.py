"""How a certificate relates to its issuers among the scope's certificates.

``report: self-signed``: a self-signed certificate that a hybrid connector uses (a send connector
to Exchange Online or a receive connector with TlsDomainCapabilities names it, or picks it by its
Fqdn). A self-signed CA that issues other certificates of the scope is a root, not reported.

``report: issuer-missing``: a certificate a hybrid connector uses whose issuer is nowhere in the
scope, so the chain it must send cannot be checked.

``report: order``: in a file that holds a CA certificate, each certificate is followed by the one
that issued it (its subject is the issuer's name and its key verifies the signature, SHA-1
included). Certificates that share one PKCS#7 block have no order and are not judged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.domain.dn import dn_equal
from linter.hybrid import topology as hybrid
from linter.model import Certificate, Hit, Object, Ref
from linter.objects.definitions import label_of
from linter.objects.scopes import Scope

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["report"],
    "properties": {"report": {"enum": ["self-signed", "issuer-missing", "order"]}},
}


def prepare(params: dict[str, Any]) -> str:
    return str(params["report"])


def check(report: str, obj: Object, scope: Scope) -> Iterator[Hit]:
    cert = obj.certificate
    if cert is None:
        return
    if report == "order":
        yield from _order(cert, scope)
        return
    uses = [u for u in hybrid.certificate_uses(scope).get(cert, []) if u.hybrid]
    if not uses:
        return
    related = tuple(Ref(u.obj, (u.property,), "a hybrid connector that uses it") for u in uses)
    users = "; ".join(f"{label_of(u.obj)} by its {u.property}" for u in uses)
    values = {"users": users}
    if report == "self-signed":
        if cert.self_signed and not hybrid.issues_others(scope, cert):
            yield Hit(("IsSelfSigned",), f"is self-signed and used by {users}", values, related)
        return
    if not cert.self_signed and not hybrid.issuers_in_scope(scope, cert):
        yield Hit(("Issuer",), f"its issuer {cert.issuer} is not in the repository", values, related)


def _order(cert: Certificate, scope: Scope) -> Iterator[Hit]:
    certs = hybrid.file_certificates(scope, cert.path)
    if not any(c.is_ca for c in certs):
        return
    position = certs.index(cert)
    if position + 1 >= len(certs):
        return
    following = certs[position + 1]
    if following.line == cert.line:
        return  # one PKCS#7 block: a set, not a sequence
    if hybrid.issued_by(scope, cert, following):
        return
    number = position + 1
    values = {"position": number, "next": following.subject, "next_position": number + 1}
    if cert.self_signed:
        detail = (
            f"it is self-signed (a root), yet certificate {number + 1} ({following.subject}) follows it; "
            "a root ends the chain"
        )
    elif hybrid.issued_by(scope, following, cert):
        detail = (
            f"it issued certificate {number + 1} ({following.subject}), which follows it: the file lists "
            "the chain from the top down, and the server certificate comes first"
        )
    elif dn_equal(cert.issuer, following.subject):
        detail = (
            f"certificate {number + 1} has its issuer's name ({following.subject}) but not the key that "
            "signed it: another CA certificate of the same name, such as a re-keyed or cross-signed one"
        )
    else:
        elsewhere = [c for c in certs if c != cert and c.is_ca and hybrid.issued_by(scope, cert, c)]
        if elsewhere:
            detail = (
                f"its issuer is certificate {certs.index(elsewhere[0]) + 1} of the file, not the "
                f"certificate {number + 1} that follows it ({following.subject})"
            )
        else:
            detail = (
                f"it was issued by {cert.issuer}, which the file does not hold; certificate "
                f"{number + 1} ({following.subject}) follows it instead"
            )
    values["detail"] = detail
    yield Hit(("Issuer",), detail, values, (Ref(following, message="the certificate that follows it"),))
