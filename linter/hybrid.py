"""How the objects of one scope relate, as Exchange sees them: which send connectors reach EXO,
which certificate each presents, which domains the tenant accepts, where mail leaves from.

Every answer is memoised on the scope, so a rule that asks for each connector costs one pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from linter.model import Certificate, Object
from linter.scopes import Scope

if TYPE_CHECKING:
    from ipaddress import IPv4Network

T = TypeVar("T")

# Health Checker's patterns for connectors that send to Exchange Online (exchange-facts 4.1, S42).
EOP_ENDPOINT = re.compile(
    r"^[^.]+\.mail\.protection\.(outlook\.com|partner\.outlook\.cn|office365\.us)$", re.I
)
COEXISTENCE_DOMAIN = re.compile(
    r"^[^.]+\.mail\.(onmicrosoft\.com|partner\.onmschina\.cn|onmicrosoft\.us)$", re.I
)


def memo(scope: Scope, key: str, compute: Callable[[], T]) -> T:
    if key not in scope.memo:
        scope.memo[key] = compute()
    result: T = scope.memo[key]
    return result


def is_enabled(obj: Object) -> bool:
    return obj.effective("Enabled") is not False


def values(obj: Object, name: str) -> list[str]:
    """A property as a list of non-empty strings, whether it was written as a list or a scalar."""
    value = obj.get(name)
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, str) and v.strip()]


def address_space_domain(entry: str) -> str:
    """``SMTP:contoso.mail.onmicrosoft.com;1`` -> ``contoso.mail.onmicrosoft.com``."""
    text = entry.strip()
    if ":" in text:
        kind, _, text = text.partition(":")
        if kind.strip().lower() != "smtp":
            return ""
    return text.split(";", 1)[0].strip()


def sends_to_exo(connector: Object) -> bool:
    """Health Checker's test: a smart host is an EOP endpoint, or with no smart hosts an
    address space is a coexistence (``*.mail.onmicrosoft.com``) domain."""
    hosts = values(connector, "SmartHosts")
    if hosts:
        return any(EOP_ENDPOINT.match(h.strip().rstrip(".")) for h in hosts)
    return any(COEXISTENCE_DOMAIN.match(address_space_domain(a)) for a in values(connector, "AddressSpaces"))


def send_connectors_to_exo(scope: Scope) -> list[Object]:
    return memo(
        scope,
        "send-to-exo",
        lambda: [c for c in scope.of("SendConnector") if is_enabled(c) and sends_to_exo(c)],
    )


def accepted_domains(scope: Scope) -> list[str]:
    """Accepted domain names of the tenant, normalised; the initial onmicrosoft.com domain counts."""

    def compute() -> list[str]:
        from linter.names import normalize

        found: list[str] = []
        for obj in (*scope.of("AcceptedDomain"), *scope.of("Tenant")):
            raw = obj.get("DomainName") if obj.kind == "AcceptedDomain" else obj.get("Name")
            try:
                found.append(normalize(str(raw)))
            except ValueError:
                continue
        return found

    return memo(scope, "accepted", compute)


def accepted_cover(scope: Scope, name: str) -> str | None:
    """The accepted domain that makes ``name`` acceptable: it equals or covers the name, or for a
    wildcard (``*.contoso.com``) it equals or covers the wildcard's domain (``contoso.com``).

    A wildcard that merely contains an accepted domain is not enough: ``*.co.uk`` holds
    ``contoso.co.uk`` but names every domain under co.uk, which the tenant does not own."""
    from linter.names import base, normalize, pattern_covers

    try:
        wanted = base(normalize(name))
    except ValueError:
        return None
    for domain in accepted_domains(scope):
        if pattern_covers(domain, wanted):
            return domain
    return None


def leaf_certificates(scope: Scope) -> list[Certificate]:
    return memo(scope, "leaves", lambda: [c for c in scope.certificates if not c.is_ca])


@dataclass(frozen=True)
class Resolution:
    """What a ``<I>issuer<S>subject`` value names among the scope's certificates."""

    error: str | None  # the value is malformed
    issuer: str
    subject: str
    matches: tuple[Certificate, ...]
    same_subject: tuple[Certificate, ...]  # the subject matches but the issuer differs
    same_issuer: tuple[Certificate, ...]  # the issuer matches but the subject differs

    @property
    def chosen(self) -> Certificate | None:
        """Exchange uses the matching certificate that expires last (S38)."""
        return max(self.matches, key=lambda c: c.not_after) if self.matches else None


def resolve_certificate_name(scope: Scope, value: str) -> Resolution:
    return memo(scope, f"resolve:{value}", lambda: _resolve(scope, value))


def _resolve(scope: Scope, value: str) -> Resolution:
    from linter.dn import DNError, dn_equal, parse_tls_certificate_name

    try:
        issuer, subject = parse_tls_certificate_name(value)
    except DNError as exc:
        return Resolution(str(exc), "", "", (), (), ())
    matches, same_subject, same_issuer = [], [], []
    for cert in scope.certificates:
        subject_ok = dn_equal(cert.subject, subject)
        issuer_ok = dn_equal(cert.issuer, issuer)
        if subject_ok and issuer_ok:
            matches.append(cert)
        elif subject_ok:
            same_subject.append(cert)
        elif issuer_ok:
            same_issuer.append(cert)
    return Resolution(None, issuer, subject, tuple(matches), tuple(same_subject), tuple(same_issuer))


@dataclass(frozen=True)
class Presented:
    """The certificate a send connector presents, and the property that selects it."""

    certificate: Certificate
    property: str  # "TlsCertificateName" or "Fqdn"


def presented_certificate(scope: Scope, connector: Object) -> Presented | None:
    """The certificate Exchange presents on this connector: the one TlsCertificateName names, or
    when that is empty the one whose names cover Fqdn; the latest-expiring on a tie (S38, S42)."""
    from linter.names import cert_name_matches_host

    value = connector.get("TlsCertificateName")
    if isinstance(value, str) and value.strip():
        chosen = resolve_certificate_name(scope, value).chosen
        return Presented(chosen, "TlsCertificateName") if chosen else None
    fqdn = connector.get("Fqdn")
    if not isinstance(fqdn, str) or not fqdn.strip():
        return None
    covering = [c for c in leaf_certificates(scope) if any(cert_name_matches_host(n, fqdn) for n in c.names)]
    if not covering:
        return None
    return Presented(max(covering, key=lambda c: c.not_after), "Fqdn")


def egress_addresses(scope: Scope, connector: Object) -> list[str] | None:
    """The public addresses mail on this connector leaves from: its source servers'
    ExternalIPAddresses; None when a source server or its addresses are not described, since
    then nobody can tell where all of its mail comes from."""
    wanted = values(connector, "SourceTransportServers")
    if not wanted:
        return None
    found: list[str] = []
    for name in wanted:
        server = next(
            (
                s
                for s in scope.of("TransportServer")
                if name.lower() in {str(s.get("Name", "")).lower(), str(s.get("Fqdn", "")).lower()}
            ),
            None,
        )
        addresses = values(server, "ExternalIPAddresses") if server else []
        if not addresses:
            return None
        found.extend(addresses)
    return found


def onpremises_inbound(scope: Scope) -> list[Object]:
    return memo(
        scope,
        "onprem-inbound",
        lambda: [
            c
            for c in scope.of("InboundConnector")
            if is_enabled(c) and c.get("ConnectorType") == "OnPremises"
        ],
    )


def attributed_by_ip(scope: Scope, connector: Object) -> Object | None:
    """An enabled OnPremises inbound connector whose SenderIPAddresses hold every egress address
    of this send connector (attribution by IP works then whatever the certificate says)."""
    from linter.ips import SenderIPError, parse_sender_ip

    addresses = egress_addresses(scope, connector)
    if not addresses:
        return None
    for inbound in onpremises_inbound(scope):
        networks = []
        for entry in values(inbound, "SenderIPAddresses"):
            try:
                networks.append(parse_sender_ip(entry))
            except SenderIPError:
                continue
        if networks and all(_listed(networks, a) for a in addresses):
            return inbound
    return None


def _listed(networks: list[IPv4Network], address: str) -> bool:
    from linter.ips import SenderIPError, contains

    try:
        return contains(networks, address) is not None
    except SenderIPError:
        return False  # not an IPv4 address: no SenderIPAddresses entry can hold it
