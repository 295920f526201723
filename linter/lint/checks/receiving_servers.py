"""Every server an OnPremises outbound connector delivers to offers a certificate with TlsDomain.

For each enabled OnPremises outbound connector with DomainValidation, the servers it reaches and
the receive connector its mail lands on on each come from ``linter.hybrid.receiving``. A hit is
yielded for the receive connector being checked when it is where the mail lands on a reached
server and the certificate it offers there does not carry TlsDomain: the one its
TlsCertificateName names, else the latest-expiring certificate of that server that covers its
Fqdn (or the server's FQDN); when none of the server's certificates covers that name, the server
offers its own self-signed certificate. Receive connectors rule EX205 judges (those that take
cloud mail with a certificate it can tell) and those that grant TlsDomainCapabilities without a
TlsCertificateName (rule EX416) are left to those rules. Nothing is judged in a scope without
certificate files.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.hybrid import receiving
from linter.hybrid import topology as hybrid
from linter.model import Certificate, Hit, Object, Pointer, Ref
from linter.objects.scopes import Scope

PARAMS: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": {}}


def prepare(params: dict[str, Any]) -> None:
    return None


def check(prepared: None, obj: Object, scope: Scope) -> Iterator[Hit]:
    from linter.domain.names import connector_name_problem

    if not hybrid.is_enabled(obj) or not scope.certificates or _judged_elsewhere(scope, obj):
        return
    for outbound in hybrid.onpremises_outbound(scope):
        wanted = outbound.get("TlsDomain")
        if outbound.get("TlsSettings") != "DomainValidation" or not isinstance(wanted, str):
            continue
        if connector_name_problem(wanted):
            continue
        for reached in receiving.reached_servers(scope, outbound):
            if receiving.landing_connector(scope, reached.server) is not obj:
                continue
            hit = _judge(scope, obj, outbound, wanted, reached)
            if hit is not None:
                yield hit
                return


def _judged_elsewhere(scope: Scope, connector: Object) -> bool:
    if connector not in hybrid.cloud_receive_connectors(scope):
        return False
    return hybrid.is_hybrid_receive(connector) or hybrid.receive_certificate(scope, connector) is not None


def _carries(wanted: str, cert: Certificate) -> bool:
    from linter.domain.names import Coverage, best_coverage

    return best_coverage(wanted, cert.names)[0] is not Coverage.NONE


def _judge(
    scope: Scope, connector: Object, outbound: Object, wanted: str, reached: receiving.Reached
) -> Hit | None:
    from linter.domain.dn import format_tls_certificate_name

    server = reached.server
    offered = receiving.offered_certificate(scope, connector, server)
    held = receiving.on_server(scope, server)
    if offered is None:
        if connector.has("TlsCertificateName") or any(_carries(wanted, c) for c in held):
            return None  # the name does not resolve (EX417), or the server's FQDN is not known
        offers = f"no certificate of {server} carries {wanted}, whichever one Exchange picks"
        pointer: Pointer = ()
    elif offered.certificate is None:
        offers = (
            f"it names no TlsCertificateName and no certificate of {server} covers "
            f"{'its Fqdn' if offered.property == 'Fqdn' else 'the server FQDN'} {offered.looked_for}, so "
            f"it offers the server's own self-signed certificate, which does not carry {wanted}"
        )
        pointer = ("Fqdn",) if offered.property == "Fqdn" else ()
    elif _carries(wanted, offered.certificate):
        return None
    else:
        how = {"TlsCertificateName": "its TlsCertificateName names", "Fqdn": "its Fqdn picks"}
        offers = (
            f"{how.get(offered.property, 'the server FQDN picks')} {offered.certificate.label}, which "
            f"does not carry {wanted}"
        )
        pointer = (offered.property,) if offered.property != "Server" else ()
    carriers = [c for c in hybrid.leaf_certificates(scope) if _carries(wanted, c)]
    values: dict[str, Any] = {
        "server": server,
        "outbound": outbound.identity,
        "tls_domain": wanted,
        "reached": reached.why,
        "offers": offers,
    }
    related = [Ref(outbound, ("TlsDomain",), "the outbound connector that validates TlsDomain")]
    if carriers:
        best = max(carriers, key=lambda c: c.not_after)
        values["suggested"] = format_tls_certificate_name(best.issuer, best.subject)
        values["advice"] = (
            f"Install the certificate that carries {wanted} on {server}, enable it for SMTP and set "
            f'TlsCertificateName to "{values["suggested"]}"'
        )
        related.append(Ref(best, message=f"a certificate that carries {wanted}"))
    else:
        values["advice"] = (
            f"Give {server} a certificate that carries {wanted} and name it in TlsCertificateName"
        )
    message = f"Exchange Online delivers to {server} ({reached.why}), but {offers}"
    return Hit(pointer, message, values, tuple(related))
