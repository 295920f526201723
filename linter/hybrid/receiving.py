"""Where Exchange Online's mail to on-premises lands: the servers an OnPremises outbound
connector reaches, the receive connector it lands on on each, and the certificate each offers.

Smart hosts cannot be resolved offline. A smart host that is a server's Name or Fqdn (or one of
its ExternalIPAddresses) names that server; any other (a load-balanced name, or MX routing)
reaches the deployment's hybrid servers: those with a receive connector that grants
TlsDomainCapabilities, and the source servers of the send connectors to Exchange Online (the
servers the Hybrid Configuration Wizard was given), as the certificate requirements ask the
hybrid certificate on every sending and receiving server (exchange-facts 4.4, S18; S62).
On a server, the mail lands on its enabled receive connector that grants TlsDomainCapabilities,
else on its ``Default Frontend`` connector. Pure: reads a Scope.
"""

from __future__ import annotations

from linter.hybrid import topology as hybrid
from linter.model import Certificate, Object
from linter.objects.scopes import Scope
from linter.values import dataclass


@dataclass(frozen=True)
class Reached:
    """A server an outbound connector delivers to, and why exolint thinks so."""

    server: str  # as the definitions write it
    why: str


def reached_servers(scope: Scope, outbound: Object) -> list[Reached]:
    found: dict[frozenset[str], Reached] = {}

    def add(name: str, why: str) -> None:
        found.setdefault(hybrid.server_aliases(scope, name), Reached(name, why))

    generic = outbound.effective("UseMXRecord") is not False or not hybrid.values(outbound, "SmartHosts")
    for host in hybrid.values(outbound, "SmartHosts"):
        server = _server_named(scope, host.strip().rstrip("."))
        if server is None:
            generic = True
        else:
            add(server, f"its smart host {host} is that server")
    if generic:
        for connector in scope.of("ReceiveConnector"):
            server = connector.get("Server")
            if (
                hybrid.is_enabled(connector)
                and hybrid.is_hybrid_receive(connector)
                and isinstance(server, str)
            ):
                add(server, f'receive connector "{connector.identity}" grants TlsDomainCapabilities')
        for send in hybrid.send_connectors_to_exo(scope):
            for server in hybrid.values(send, "SourceTransportServers"):
                add(server, f'it is a source server of send connector "{send.identity}"')
    return list(found.values())


def _server_named(scope: Scope, host: str) -> str | None:
    wanted = host.lower()
    for server in scope.of("TransportServer"):
        names = {str(server.get(p, "")).strip().lower() for p in ("Name", "Fqdn")} - {""}
        addresses = {a.strip() for a in hybrid.values(server, "ExternalIPAddresses")}
        if wanted in names or host in addresses:
            return str(server.get("Name") or server.get("Fqdn"))
    return None


def landing_connector(scope: Scope, server: str) -> Object | None:
    """The enabled receive connector of ``server`` that Exchange Online's mail lands on."""
    aliases = hybrid.server_aliases(scope, server)
    mine = [
        c
        for c in scope.of("ReceiveConnector")
        if hybrid.is_enabled(c) and str(c.get("Server", "")).strip().lower() in aliases
    ]
    granted = [c for c in mine if hybrid.is_hybrid_receive(c)]
    if granted:
        return granted[0]
    frontend = [c for c in mine if str(c.get("Name", "")).strip().lower().startswith("default frontend")]
    return frontend[0] if frontend else None


def on_server(scope: Scope, server: str) -> list[Certificate]:
    """The end-entity certificates ``server`` may hold: those the ExchangeCertificate
    definitions list it for, and those the repository does not say where they are held."""
    aliases = hybrid.server_aliases(scope, server)
    found = []
    for cert in hybrid.leaf_certificates(scope):
        holders = hybrid.certificate_holders(scope, (cert,))
        if holders is None or holders & aliases:
            found.append(cert)
    return found


def server_fqdn(scope: Scope, server: str) -> str | None:
    aliases = hybrid.server_aliases(scope, server)
    for definition in scope.of("TransportServer"):
        fqdn = definition.get("Fqdn")
        if isinstance(fqdn, str) and fqdn.strip() and fqdn.strip().lower() in aliases:
            return fqdn.strip()
    return None


@dataclass(frozen=True)
class Offered:
    """The certificate a receive connector offers on its server; None when it is none of the
    repository's (the server's own, self-signed one), with the name Exchange looked for."""

    certificate: Certificate | None
    property: str  # TlsCertificateName, Fqdn or Server
    looked_for: str  # the name or host it was selected by


def offered_certificate(scope: Scope, connector: Object, server: str) -> Offered | None:
    """What the connector offers for STARTTLS on ``server`` (S38): the certificate its
    TlsCertificateName names (None when that does not resolve: other rules say so), else the
    latest-expiring certificate of the server that covers its Fqdn, else the server's FQDN."""
    from linter.domain.names import cert_name_matches_host

    named = connector.get("TlsCertificateName")
    if isinstance(named, str) and named.strip():
        chosen = hybrid.resolve_certificate_name(scope, named).chosen
        return Offered(chosen, "TlsCertificateName", named) if chosen else None
    fqdn = connector.get("Fqdn")
    if isinstance(fqdn, str) and fqdn.strip():
        host, prop = fqdn.strip(), "Fqdn"
    else:
        found = server_fqdn(scope, server)
        if found is None:
            return None
        host, prop = found, "Server"
    covering = [c for c in on_server(scope, server) if any(cert_name_matches_host(n, host) for n in c.names)]
    return Offered(max(covering, key=lambda c: c.not_after) if covering else None, prop, host)
