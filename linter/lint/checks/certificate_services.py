"""The certificate a connector selects is enabled for a service (SMTP) by its ExchangeCertificate.

The certificate is the one Exchange selects: for a send connector the one its TlsCertificateName
names or, when that is empty, the one its Fqdn picks; for a receive connector the same, then the
one its server's FQDN picks (``hybrid.presented_certificate``, ``hybrid.receive_certificate``).
The services come from the scope's ExchangeCertificate definitions of that certificate (by
Thumbprint). Nothing is judged for a disabled connector, a certificate that cannot be told, or
one no definition describes with Services: the repository then does not say.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.hybrid import topology as hybrid
from linter.model import Hit, Object, Ref
from linter.objects.scopes import Scope

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["service"],
    "properties": {
        "service": {"description": "The service the certificate must be enabled for.", "type": "string"}
    },
}


def prepare(params: dict[str, Any]) -> str:
    return str(params["service"])


_HOW = {"TlsCertificateName": "TlsCertificateName", "Fqdn": "its Fqdn", "Server": "its server's FQDN"}


def check(service: str, obj: Object, scope: Scope) -> Iterator[Hit]:
    if not hybrid.is_enabled(obj):
        return
    if obj.kind == "ReceiveConnector":
        presented = hybrid.receive_certificate(scope, obj)
    else:
        presented = hybrid.presented_certificate(scope, obj)
    if presented is None:
        return
    cert = presented.certificate
    described = [
        e
        for e in scope.of("ExchangeCertificate")
        if "".join(str(e.get("Thumbprint", "")).split()).upper() == cert.thumbprint and e.has("Services")
    ]
    lacking = [
        e for e in described if service.lower() not in {s.lower() for s in hybrid.values(e, "Services")}
    ]
    if not described or len(lacking) < len(described):
        return  # not described, or some definition enables it (a duplicate is EX015's)
    entry = lacking[0]
    services = ", ".join(hybrid.values(entry, "Services")) or "none"
    servers = hybrid.values(entry, "Servers")
    values = {
        "certificate": cert.label,
        "thumbprint": cert.thumbprint,
        "services": services,
        "service": service,
        "selected_by": _HOW.get(presented.property, presented.property),
        "server": servers[0] if len(servers) == 1 else "<SERVER>",
    }
    related = (
        Ref(entry, ("Services",), f"enables the certificate for {services}, not {service}"),
        Ref(cert, message="the certificate the connector selects"),
    )
    yield Hit(
        (presented.property,),
        f"the certificate it selects, {cert.label}, is enabled for {services}, not {service}",
        values,
        related,
    )
