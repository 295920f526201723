"""Who relays into Exchange Online, and what Exchange Online can see of each sender.

A sender is an enabled on-premises send connector that routes to Exchange Online (with the
certificate it presents and the egress addresses of its source servers), a RelayHost (its
addresses, MAIL FROM domains and optional certificate), or one hypothetical message
(``exolint simulate``). Pure: reads a Scope, opens no file.
"""

from __future__ import annotations

import posixpath
from typing import Any

from linter.domain.names import normalize, pattern_covers
from linter.hybrid import acceptance
from linter.hybrid import topology as hybrid
from linter.hybrid.attribution.terms import CertificateState, DomainStatus, Sender
from linter.model import Certificate, Document, Object, Pointer, Ref
from linter.objects.scopes import Scope


def senders(scope: Scope) -> list[Sender]:
    return [
        *(_send_connector(scope, c) for c in hybrid.send_connectors_to_exo(scope)),
        *(_relay_host(scope, h) for h in scope.of("RelayHost")),
    ]


def _send_connector(scope: Scope, connector: Object) -> Sender:
    unsure = scope.unsure_of(connector) & {"TlsCertificateName", "Fqdn"}
    presented = None if unsure else hybrid.presented_certificate(scope, connector)
    pointer: Pointer = (presented.property,) if presented else ("TlsCertificateName",)
    addresses, complete = _egress(scope, connector)
    relayed = _relayed(scope, connector)
    note = ""
    if presented is None:
        named = connector.get("TlsCertificateName")
        if unsure:
            note = f"its {', '.join(sorted(unsure))} is invalid or misspelt (reported where it is written)"
        elif not scope.certificates:
            note = "the scope holds no certificate files"
        elif isinstance(named, str) and named.strip():
            note = "its TlsCertificateName names no certificate of the scope (454 4.7.5, rule EX401)"
        else:
            note = "no certificate of the scope covers its Fqdn"
    return Sender(
        obj=connector,
        certificate=presented.certificate if presented else None,
        certificate_pointer=pointer,
        certificate_state=CertificateState.KNOWN if presented else CertificateState.UNKNOWN,
        addresses=addresses,
        addresses_complete=complete,
        mail_from=None,
        relays=None if relayed is None else bool(relayed),
        relayed=tuple(relayed or ()),
        certificate_note=note,
    )


def _egress(scope: Scope, connector: Object) -> tuple[tuple[tuple[str, Ref], ...], bool]:
    """The source servers' ExternalIPAddresses, and whether every source server has them."""
    found: list[tuple[str, Ref]] = []
    wanted = hybrid.values(connector, "SourceTransportServers")
    complete = bool(wanted)
    for name in wanted:
        server = next(
            (
                s
                for s in scope.of("TransportServer")
                if name.lower() in {str(s.get("Name", "")).lower(), str(s.get("Fqdn", "")).lower()}
            ),
            None,
        )
        listed = _strings(server, "ExternalIPAddresses") if server else []
        if not listed or server is None:
            complete = False
            continue
        found.extend((a, Ref(server, ("ExternalIPAddresses", i), "egress address")) for i, a in listed)
    return tuple(found), complete


def _strings(obj: Object, name: str) -> list[tuple[int, str]]:
    value = obj.get(name)
    items = value if isinstance(value, list) else [value]
    return [(i, v.strip()) for i, v in enumerate(items) if isinstance(v, str) and v.strip()]


def _relayed(scope: Scope, connector: Object) -> list[str] | None:
    """The address spaces for domains outside the tenant (relay to the internet or to partners);
    None when that cannot be told (no address spaces, or no accepted domains to compare with)."""
    spaces = hybrid.values(connector, "AddressSpaces")
    if not spaces or not acceptance.knows_accepted_domains(scope):
        return None
    accepted = hybrid.accepted_domains(scope)
    found: list[str] = []
    for space in spaces:
        domain = hybrid.address_space_domain(space).rstrip(".")
        if not domain or hybrid.COEXISTENCE_DOMAIN.match(domain):
            continue  # a non-SMTP space, or the tenant's routing domain (its cloud mailboxes)
        if domain != "*":
            try:
                normalize(domain)
            except ValueError:
                continue
            if any(pattern_covers(a, domain) for a in accepted):
                continue
        found.append(domain)
    return found


def _relay_host(scope: Scope, host: Object) -> Sender:
    ref = host.get("File")
    certificate: Certificate | None = None
    state = CertificateState.NONE
    note = ""
    if isinstance(ref, str) and ref.strip():
        state = CertificateState.UNKNOWN
        target = posixpath.normpath(posixpath.join(posixpath.dirname(host.path), ref.replace("\\", "/")))
        in_file = [c for c in scope.certificates if c.path == target]
        leaves = [c for c in in_file if not c.is_ca] or in_file
        if leaves:
            certificate, state = leaves[0], CertificateState.KNOWN
        else:
            note = f"its File {ref} holds no certificate exolint could read"
    listed = _strings(host, "ExternalIPAddresses")
    domains = _strings(host, "MailFromDomains")
    return Sender(
        obj=host,
        certificate=certificate,
        certificate_pointer=("File",),
        certificate_state=state,
        addresses=tuple((a, Ref(host, ("ExternalIPAddresses", i), "egress address")) for i, a in listed),
        addresses_complete=True,  # the definition describes the host: what it lists is all it uses
        mail_from=tuple((d, i) for i, d in domains) if "MailFromDomains" in host.props else None,
        relays=True,
        certificate_note=note,
    )


def certificate_domain(scope: Scope, cert: Certificate) -> tuple[DomainStatus, str | None, str | None]:
    """Whether the certificate's domain is accepted: the status, the name and the accepted domain.

    ACCEPTED: a name is an accepted domain, or lies under a wildcard one; UNDER: a name lies
    below an accepted domain (the 2017 notice's "contains a registered domain" [S21])."""
    for name in cert.names:
        covering = hybrid.accepted_cover(scope, name)
        if covering is not None:
            return DomainStatus.ACCEPTED, name, covering
    for name in cert.names:
        parent = acceptance.under_accepted(scope, name)
        if parent is not None:
            return DomainStatus.UNDER, name, parent
    return DomainStatus.FOREIGN, None, None


SIMULATED = "simulated message"


def message_sender(
    scope: Scope, address: str | None, certificate: Certificate | None, mail_from: str | None
) -> Sender:
    """A sender that is one message: its source address, the certificate it presents and its
    MAIL FROM domain ("" for a null sender such as an NDR; None when not given). It is judged as a
    relay host is, since everything Exchange Online sees of it is known."""
    props: dict[str, Any] = {"Name": SIMULATED}
    if address:
        props["ExternalIPAddresses"] = [address]
    if mail_from is not None:
        props["MailFromDomains"] = [mail_from] if mail_from else []
    obj = Object("RelayHost", props, Document("", (), {}), (), {}, scope.directory)
    return Sender(
        obj=obj,
        certificate=certificate,
        certificate_pointer=("File",),
        certificate_state=CertificateState.KNOWN if certificate is not None else CertificateState.NONE,
        addresses=((address, Ref(obj, ("ExternalIPAddresses", 0))),) if address else (),
        addresses_complete=True,
        mail_from=None if mail_from is None else (((mail_from, 0),) if mail_from else ()),
        relays=True,
    )


def exchange_online_side(scope: Scope) -> Object | None:
    """An object that shows the scope describes Exchange Online's mail flow: an OnPremises
    outbound connector (the hybrid's other direction) first, else any inbound or outbound
    connector or accepted domain; None for a repository of the on-premises side alone. A
    Tenant by itself does not count: it only names the deployment a directory holds."""
    outbound = scope.of("OutboundConnector")
    onprem = [c for c in outbound if str(c.get("ConnectorType", "")).lower() == "onpremises"]
    for found in (onprem, outbound, scope.of("InboundConnector"), scope.of("AcceptedDomain")):
        if found:
            return found[0]
    return None
