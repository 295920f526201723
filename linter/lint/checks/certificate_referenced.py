"""Some object of the scope refers to the certificate: a TlsCertificateName resolves to it, a
connector without one picks it by its Fqdn, an ExchangeCertificate or RelayHost names its file
(File) or its Thumbprint; or it is a CA certificate kept for one that is referred to (in the same
file, or its issuer). Nothing is judged in a scope without connectors, ExchangeCertificate or
RelayHost definitions: such a repository keeps certificates without describing their use, nor
while a referring property of one of them is invalid or misspelt (the input rules report that;
the reference it would make is not known).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.hybrid import topology as hybrid
from linter.model import Hit, Object
from linter.objects.scopes import Scope

PARAMS: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": {}}

REFERRING_KINDS = ("SendConnector", "ReceiveConnector", "ExchangeCertificate", "RelayHost")
REFERRING = frozenset({"TlsCertificateName", "Fqdn", "File", "Thumbprint"})


def prepare(params: dict[str, Any]) -> None:
    return None


def check(prepared: None, obj: Object, scope: Scope) -> Iterator[Hit]:
    cert = obj.certificate
    referring = [o for kind in REFERRING_KINDS for o in scope.of(kind)]
    if cert is None or not referring or any(scope.unsure_of(o) & REFERRING for o in referring):
        return
    if hybrid.certificate_referenced(scope, cert):
        return
    yield Hit((), "no definition refers to it", {"names": ", ".join(cert.names) or cert.subject})
