"""An accepted domain is routed to on-premises by an enabled OnPremises outbound connector.

The domain (with ``subdomains`` naming a flag such as MatchSubDomains: when it is true, the domain
and all its subdomains) must be covered by a connector's RecipientDomains, with connector-side
wildcard semantics, or by AllAcceptedDomains true. A scope without any outbound connector is not
judged: the repository then does not describe that part of the tenant.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.domain.names import is_wildcard, normalize
from linter.hybrid import topology as hybrid
from linter.model import Hit, Object, Ref
from linter.objects.scopes import Scope

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["property", "at"],
    "properties": {
        "property": {"description": "The domain name.", "type": "string"},
        "at": {"description": "The property the finding points at.", "type": "string"},
        "subdomains": {
            "description": "A boolean property that extends the domain to its subdomains.",
            "type": "string",
        },
    },
}


def prepare(params: dict[str, Any]) -> tuple[str, str, str | None]:
    subdomains = params.get("subdomains")
    return str(params["property"]), str(params["at"]), str(subdomains) if subdomains else None


def check(params: tuple[str, str, str | None], obj: Object, scope: Scope) -> Iterator[Hit]:
    name, at, subdomains = params
    everything = scope.of("OutboundConnector")
    if not everything:
        return  # no outbound connector described at all: nothing to judge by
    try:
        domain = normalize(str(obj.get(name, "")))
        wildcard = is_wildcard(domain)
    except ValueError:
        return  # malformed: the syntax rule says so
    wide = bool(subdomains) and obj.effective(subdomains or "") is True and not wildcard
    route = f"*.{domain}" if wide else domain
    routing = hybrid.onpremises_outbound(scope)
    if any(hybrid.routes_to_onpremises(c, route) for c in routing):
        return
    related: list[Ref] = []
    notes: list[str] = []
    for connector in everything:
        if not hybrid.routes_to_onpremises(connector, domain):
            continue
        if connector not in routing:
            why = "is disabled" if not hybrid.is_enabled(connector) else "is not of type OnPremises"
            notes.append(f'"{connector.identity}" covers it but {why}')
            related.append(
                Ref(connector, ("ConnectorType",) if hybrid.is_enabled(connector) else ("Enabled",), why)
            )
        elif wide:
            notes.append(f'"{connector.identity}" covers {domain} but not its subdomains')
            related.append(Ref(connector, ("RecipientDomains",), "covers the domain, not its subdomains"))
    values: dict[str, Any] = {
        "route": route,
        "detail": "; ".join(notes) if notes else "no connector covers it",
    }
    if len(routing) == 1:
        values["connector"] = routing[0].identity
    yield Hit((at,), f"no enabled OnPremises outbound connector routes {route}", values, tuple(related))
