"""Every server a connector runs on holds the certificate its ``<I>issuer<S>subject`` name picks.

The servers come from a property of the connector (SourceTransportServers of a send connector,
Server of a receive connector); which server holds which certificate comes from the scope's
ExchangeCertificate definitions (Thumbprint and Servers). Nothing is judged when the repository
has no definition of the certificate the name picks (by Thumbprint, with its Servers), or when the
name does not resolve (the certificate-reference rules report that).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.hybrid import topology as hybrid
from linter.model import Hit, Object, Pointer, Ref
from linter.objects.scopes import Scope

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["property", "servers"],
    "properties": {
        "property": {"description": "The certificate name (TlsCertificateName).", "type": "string"},
        "servers": {"description": "The property that lists the connector's servers.", "type": "string"},
    },
}


def prepare(params: dict[str, Any]) -> tuple[str, str]:
    return str(params["property"]), str(params["servers"])


def check(prepared: tuple[str, str], obj: Object, scope: Scope) -> Iterator[Hit]:
    name, servers_property = prepared
    value = obj.get(name)
    if not isinstance(value, str) or not value.strip():
        return
    found = hybrid.resolve_certificate_name(scope, value)
    chosen = found.chosen
    if chosen is None:
        return
    holders = hybrid.certificate_holders(scope, found.matches)
    if holders is None:
        return
    thumbprints = {c.thumbprint for c in found.matches}
    listed = [
        e
        for e in scope.of("ExchangeCertificate")
        if "".join(str(e.get("Thumbprint", "")).split()).upper() in thumbprints
    ]
    related = (
        Ref(chosen, message="the certificate the name picks"),
        *(Ref(e, ("Servers",), "the servers that hold it") for e in listed),
    )
    written = obj.get(servers_property)
    entries = list(enumerate(written)) if isinstance(written, list) else [(None, written)]
    for index, server in entries:
        if not isinstance(server, str) or not server.strip():
            continue
        if hybrid.server_aliases(scope, server) & holders:
            continue
        pointer: Pointer = (servers_property,) if index is None else (servers_property, index)
        where = f"the ExchangeCertificate definitions list it only on {', '.join(_servers(listed))}"
        values = {
            "server": server,
            "certificate": chosen.subject,
            "thumbprint": chosen.thumbprint,
            "where": where,
        }
        yield Hit(pointer, f"{server} does not hold {chosen.subject}: {where}", values, related)


def _servers(listed: list[Object]) -> list[str]:
    return sorted({s for e in listed for s in hybrid.values(e, "Servers")}, key=str.lower)
