"""How the objects of one scope relate, as Exchange sees them: which send connectors reach EXO,
which certificate each presents, which domains the tenant accepts, where mail leaves from.

Every answer about a whole scope is computed once (``Answers``), so a rule that asks for each
connector costs one pass.
"""

from __future__ import annotations

import posixpath
import re
from functools import cached_property

from linter.domain.dn import DNError, dn_equal, parse_tls_certificate_name
from linter.domain.names import (
    base,
    cert_name_matches_host,
    covering_patterns,
    normalize,
    pattern_covers,
)
from linter.load.certs import signed_by
from linter.model import Certificate, Object
from linter.objects.scopes import Scope, per_object
from linter.values import dataclass

# Health Checker's patterns for connectors that send to Exchange Online (exchange-facts 4.1, S42).
EOP_ENDPOINT = re.compile(
    r"^[^.]+\.mail\.protection\.(outlook\.com|partner\.outlook\.cn|office365\.us)$", re.I
)
COEXISTENCE_DOMAIN = re.compile(
    r"^[^.]+\.mail\.(onmicrosoft\.com|partner\.onmschina\.cn|onmicrosoft\.us)$", re.I
)


class Answers:
    """The answers below for one scope, each computed on first use (``scope.derived(Answers)``),
    so a rule that asks for each connector costs one pass."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.resolutions: dict[str, Resolution] = {}  # by TlsCertificateName value
        self.issued_by: dict[tuple[int, int], tuple[Certificate, Certificate, bool]] = {}  # by ids

    @cached_property
    def send_to_exo(self) -> list[Object]:
        return [c for c in self.scope.of("SendConnector") if is_enabled(c) and sends_to_exo(c)]

    @cached_property
    def accepted(self) -> list[str]:
        return _accepted(self.scope)

    @cached_property
    def accepted_index(self) -> dict[str, int]:
        """Accepted domain -> its first place in ``accepted``: a look-up, not a scan."""
        return {domain: i for i, domain in reversed(list(enumerate(self.accepted)))}

    @cached_property
    def leaves(self) -> list[Certificate]:
        return [c for c in self.scope.certificates if not c.is_ca]

    @cached_property
    def onpremises_inbound(self) -> list[Object]:
        inbound = self.scope.of("InboundConnector")
        return [c for c in inbound if is_enabled(c) and c.get("ConnectorType") == "OnPremises"]

    @cached_property
    def onpremises_outbound(self) -> list[Object]:
        outbound = self.scope.of("OutboundConnector")
        return [
            c for c in outbound if is_enabled(c) and str(c.get("ConnectorType", "")).lower() == "onpremises"
        ]

    @cached_property
    def cloud_receive(self) -> list[Object]:
        return _cloud_receive(self.scope)

    @cached_property
    def by_file(self) -> dict[str, list[Certificate]]:
        return _by_file(self.scope)

    @cached_property
    def uses(self) -> dict[Certificate, list[Use]]:
        return _uses(self.scope)

    @cached_property
    def referenced(self) -> frozenset[Certificate]:
        return _referenced(self.scope)


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
    return scope.derived(Answers).send_to_exo


def accepted_domains(scope: Scope) -> list[str]:
    """What the tenant accepts, as normalised connector-side patterns: each accepted domain, the
    initial onmicrosoft.com domain, and for an accepted domain with ``MatchSubDomains: true`` the
    pattern ``*.domain`` (the domain and all its subdomains, S15). ``accepted_cover`` is the one
    answer to "is this name accepted?" that every rule asks."""
    return scope.derived(Answers).accepted


def _accepted(scope: Scope) -> list[str]:
    found: list[str] = []
    for obj in (*scope.of("AcceptedDomain"), *scope.of("Tenant")):
        raw = obj.get("DomainName") if obj.kind == "AcceptedDomain" else obj.get("Name")
        try:
            domain = normalize(str(raw))
        except ValueError:
            continue
        if (
            obj.kind == "AcceptedDomain"
            and obj.get("MatchSubDomains") is True
            and not domain.startswith("*.")
        ):
            domain = f"*.{domain}"
        found.append(domain)
    return found


def accepted_cover(scope: Scope, name: str) -> str | None:
    """The accepted domain that makes ``name`` acceptable: it equals or covers the name, or for a
    wildcard (``*.contoso.com``) it equals or covers the wildcard's domain (``contoso.com``).

    An accepted domain with MatchSubDomains covers its subdomains (``accepted_domains``). A
    wildcard that merely contains an accepted domain is not enough: ``*.co.uk`` holds
    ``contoso.co.uk`` but names every domain under co.uk, which the tenant does not own."""
    try:
        wanted = base(normalize(name))
    except ValueError:
        return None
    index = scope.derived(Answers).accepted_index
    found = [index[p] for p in covering_patterns(wanted) if p in index]
    return accepted_domains(scope)[min(found)] if found else None


def leaf_certificates(scope: Scope) -> list[Certificate]:
    return scope.derived(Answers).leaves


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
    resolutions = scope.derived(Answers).resolutions
    if value not in resolutions:
        resolutions[value] = _resolve(scope, value)
    return resolutions[value]


def _resolve(scope: Scope, value: str) -> Resolution:
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


@per_object
def presented_certificate(scope: Scope, connector: Object) -> Presented | None:
    """The certificate Exchange presents on this connector: the one TlsCertificateName names, or
    when that is empty the one whose names cover Fqdn; the latest-expiring on a tie (S38, S42).
    Only certificates held on a server the connector runs on count (``chosen_on_servers``); of
    the servers' choices, the latest-expiring stands for the connector."""
    found = candidates(scope, connector)
    if found is None:
        return None
    certificates, prop = found
    chosen = [here[0] for here in chosen_on_servers(scope, connector, certificates).values()]
    return Presented(max(chosen or certificates, key=lambda c: c.not_after), prop)


def candidates(scope: Scope, connector: Object) -> tuple[list[Certificate], str] | None:
    """Every certificate Exchange may select for this connector, and the property that selects
    them: those TlsCertificateName names (issuer and subject), or when it is empty those whose
    names cover Fqdn. None when nothing is selected."""
    value = connector.get("TlsCertificateName")
    if isinstance(value, str) and value.strip():
        matches = list(resolve_certificate_name(scope, value).matches)
        return (matches, "TlsCertificateName") if matches else None
    fqdn = connector.get("Fqdn")
    if not isinstance(fqdn, str) or not fqdn.strip():
        return None
    covering = [c for c in leaf_certificates(scope) if any(cert_name_matches_host(n, fqdn) for n in c.names)]
    return (covering, "Fqdn") if covering else None


def connector_servers(connector: Object) -> list[str]:
    """The servers a connector runs on, as written: a send connector's SourceTransportServers, a
    receive connector's Server."""
    if connector.kind == "ReceiveConnector":
        return values(connector, "Server")
    return values(connector, "SourceTransportServers")


def chosen_on_servers(
    scope: Scope, connector: Object, found: list[Certificate]
) -> dict[str, list[Certificate]]:
    """Which of ``found`` (the certificates a connector's name selects) each server of the
    connector holds, latest-expiring first: Exchange picks the first (S38). Each server has its
    own certificate store (an Edge server holds only its own certificate), so a certificate
    counts on a server when the scope's ExchangeCertificate definitions list it there, or when
    the repository does not say where it is held. The servers are the connector's own; when it
    names none, those the definitions list for any of ``found``; when nothing says, one
    anonymous server ("") holds them all."""
    ordered = sorted(found, key=lambda c: c.not_after, reverse=True)
    holders = {c: certificate_holders(scope, (c,)) for c in ordered}
    servers = connector_servers(connector)
    if not servers:
        wanted = {c.thumbprint for c in ordered}
        listed = [
            e for e in scope.of("ExchangeCertificate") if _thumbprint(e.get("Thumbprint", "")) in wanted
        ]
        seen: set[frozenset[str]] = set()
        for entry in listed:
            for server in values(entry, "Servers"):
                aliases = server_aliases(scope, server)
                if aliases not in seen:
                    seen.add(aliases)
                    servers.append(server)
    if not servers:
        return {"": ordered} if ordered else {}
    result: dict[str, list[Certificate]] = {}
    for server in servers:
        aliases = server_aliases(scope, server)
        here = [c for c in ordered if _held_here(holders[c], aliases)]
        if here:
            result[server] = here
    return result


def _held_here(holders: frozenset[str] | None, aliases: frozenset[str]) -> bool:
    return holders is None or bool(holders & aliases)


def onpremises_inbound(scope: Scope) -> list[Object]:
    return scope.derived(Answers).onpremises_inbound


def meant_for_exo(connector: Object) -> bool:
    """Whether a send connector is meant to reach Exchange Online, even when its smart hosts hide
    it from Health Checker's test: it does reach it (``sends_to_exo``), or it switches on
    CloudServicesMailEnabled or ConnectorType XPremises (both exist only for mail to Microsoft
    365), or an address space is a coexistence domain (``*.mail.onmicrosoft.com``)."""
    if sends_to_exo(connector):
        return True
    if connector.get("CloudServicesMailEnabled") is True:
        return True
    if str(connector.get("ConnectorType", "")).lower() == "xpremises":
        return True
    return any(COEXISTENCE_DOMAIN.match(address_space_domain(a)) for a in values(connector, "AddressSpaces"))


def is_hybrid_receive(connector: Object) -> bool:
    """Health Checker's test for a receive connector that takes mail from Exchange Online: it
    grants TlsDomainCapabilities (HCW writes mail.protection.outlook.com:AcceptCloudServicesMail)."""
    return bool(values(connector, "TlsDomainCapabilities"))


def server_aliases(scope: Scope, name: str) -> frozenset[str]:
    """The names one server goes by, lower-cased: as written, plus the Name and Fqdn of the
    TransportServer definition that has either (``EX01`` and ``ex01.corp.contoso.com``)."""
    wanted = name.strip().lower()
    found = {wanted}
    for server in scope.of("TransportServer"):
        names = {str(server.get(p, "")).strip().lower() for p in ("Name", "Fqdn")} - {""}
        if wanted in names:
            found |= names
    return frozenset(found)


def _thumbprint(text: object) -> str:
    return "".join(str(text).split()).upper()


def certificate_holders(scope: Scope, certificates: tuple[Certificate, ...]) -> frozenset[str] | None:
    """Every name of the servers that hold one of ``certificates`` by the scope's
    ExchangeCertificate definitions (matched by Thumbprint); None when the repository does not
    say: no ExchangeCertificate definition describes any of them (a renewal committed before its
    inventory entry, say), or one that does lists no Servers."""
    wanted = {c.thumbprint for c in certificates}
    described = [e for e in scope.of("ExchangeCertificate") if _thumbprint(e.get("Thumbprint", "")) in wanted]
    holders: set[str] = set()
    for entry in described:
        servers = values(entry, "Servers")
        if not servers:
            return None
        for server in servers:
            holders |= server_aliases(scope, server)
    return frozenset(holders) if described else None


def issued_by(scope: Scope, cert: Certificate, issuer: Certificate) -> bool:
    """Whether ``issuer`` issued ``cert``: its subject is the certificate's issuer (as
    distinguished names) and, where the signature can be checked, its key signed it."""
    cache = scope.derived(Answers).issued_by
    key = (id(cert), id(issuer))
    known = cache.get(key)
    if known is None or known[0] is not cert or known[1] is not issuer:
        answer = dn_equal(cert.issuer, issuer.subject) and signed_by(cert.der, issuer.der) is not False
        known = cache[key] = (cert, issuer, answer)
    return known[2]


def issuers_in_scope(scope: Scope, cert: Certificate) -> list[Certificate]:
    """The scope's certificates that issued ``cert`` (never the certificate itself)."""
    return [c for c in scope.certificates if c != cert and c.is_ca and issued_by(scope, cert, c)]


def issues_others(scope: Scope, cert: Certificate) -> bool:
    """Whether ``cert`` issued another certificate of the scope (a root or intermediate in use)."""
    return any(c != cert and issued_by(scope, c, cert) for c in scope.certificates)


def file_certificates(scope: Scope, path: str) -> list[Certificate]:
    """The certificates of one file, in the order they are written."""
    return scope.derived(Answers).by_file.get(path, [])


def _by_file(scope: Scope) -> dict[str, list[Certificate]]:
    found: dict[str, list[Certificate]] = {}
    for cert in scope.certificates:
        found.setdefault(cert.path, []).append(cert)
    for certs in found.values():
        certs.sort(key=lambda c: c.index)
    return found


def covers_names(successor: Certificate, cert: Certificate) -> bool:
    """Whether ``successor`` answers to every name ``cert`` answers to: the same name, or for an
    exact name a certificate wildcard one label above it (RFC 6125)."""

    def canonical(name: str) -> str | None:
        try:
            return normalize(name)
        except ValueError:
            return None

    theirs = {canonical(n) for n in successor.names} - {None}
    for name in cert.names:
        mine = canonical(name)
        if mine is None:
            continue
        if mine not in theirs and not any(cert_name_matches_host(str(t), mine) for t in theirs):
            return False
    return bool(cert.names)


@dataclass(frozen=True)
class Use:
    """An object that uses a certificate, and how."""

    obj: Object
    property: str  # TlsCertificateName, Fqdn, File or Thumbprint
    hybrid: bool  # the object carries mail between on-premises and Exchange Online


def certificate_uses(scope: Scope) -> dict[Certificate, list[Use]]:
    """Who refers to each certificate of the scope: a TlsCertificateName that resolves to it (a
    send or receive connector), a connector whose empty TlsCertificateName leaves the choice to
    its Fqdn and Exchange picks it, an ExchangeCertificate or RelayHost whose File holds it or
    whose Thumbprint is its own. Issuers are not listed here (see ``certificate_referenced``)."""
    return scope.derived(Answers).uses


def _uses(scope: Scope) -> dict[Certificate, list[Use]]:
    found: dict[Certificate, list[Use]] = {}

    def add(cert: Certificate, use: Use) -> None:
        found.setdefault(cert, []).append(use)

    for connector in (*scope.of("SendConnector"), *scope.of("ReceiveConnector")):
        hybrid = (
            is_enabled(connector) and sends_to_exo(connector)
            if connector.kind == "SendConnector"
            else is_enabled(connector) and is_hybrid_receive(connector)
        )
        value = connector.get("TlsCertificateName")
        if isinstance(value, str) and value.strip():
            for cert in resolve_certificate_name(scope, value).matches:
                add(cert, Use(connector, "TlsCertificateName", hybrid))
            continue
        presented = presented_certificate(scope, connector)
        if presented is not None:
            add(presented.certificate, Use(connector, "Fqdn", hybrid))
    by_thumbprint: dict[str, list[Certificate]] = {}
    for cert in scope.certificates:
        by_thumbprint.setdefault(cert.thumbprint, []).append(cert)
    for obj in (*scope.of("ExchangeCertificate"), *scope.of("RelayHost")):
        for cert in by_thumbprint.get(_thumbprint(obj.get("Thumbprint", "")), []):
            add(cert, Use(obj, "Thumbprint", False))
        ref = obj.get("File")
        if isinstance(ref, str) and ref.strip():
            target = posixpath.normpath(posixpath.join(posixpath.dirname(obj.path), ref.replace("\\", "/")))
            for cert in file_certificates(scope, target):
                if not cert.is_ca or cert.index == 0:
                    add(cert, Use(obj, "File", False))
    return found


def certificate_referenced(scope: Scope, cert: Certificate) -> bool:
    """Whether an object refers to ``cert``, or ``cert`` is a CA certificate kept for one that is
    referred to: in the same file as a referred certificate, or its issuer (at any depth)."""
    return cert in scope.derived(Answers).referenced


def _referenced(scope: Scope) -> frozenset[Certificate]:
    used = set(certificate_uses(scope))
    for cert in list(used):
        used.update(file_certificates(scope, cert.path))
    queue = list(used)
    while queue:
        for issuer in issuers_in_scope(scope, queue.pop()):
            if issuer not in used:
                used.add(issuer)
                queue.append(issuer)
    return frozenset(used)


# --- Exchange Online -> on-premises: outbound connectors and the receive side (EX2xx, EX3xx) ---

"""TlsDomainCapabilities that let Exchange Online's mail in: AcceptCloudServicesMail (Exchange
2013 and later), AcceptOorgProtocol (Exchange 2010); HCW grants the first to
mail.protection.outlook.com on ``Default Frontend <Server>`` (exchange-facts 4.2, S44)."""


def onpremises_outbound(scope: Scope) -> list[Object]:
    """Enabled Exchange Online outbound connectors of type OnPremises."""
    return scope.derived(Answers).onpremises_outbound


def cloud_receive_connectors(scope: Scope) -> list[Object]:
    """The enabled receive connectors that Exchange Online's mail to on-premises lands on: those
    that grant AcceptCloudServicesMail (or AcceptOorgProtocol); when none does, the ``Default
    Frontend <Server>`` connectors, the ones HCW configures for this mail. Smart hosts cannot be
    resolved to servers offline, so every such connector of the scope counts as reachable."""
    return scope.derived(Answers).cloud_receive


def _cloud_receive(scope: Scope) -> list[Object]:
    enabled = [c for c in scope.of("ReceiveConnector") if is_enabled(c)]
    granted = [c for c in enabled if is_hybrid_receive(c)]
    if granted:
        return granted
    return [c for c in enabled if str(c.get("Name", "")).strip().lower().startswith("default frontend")]


@per_object
def receive_certificate(scope: Scope, connector: Object) -> Presented | None:
    """The certificate a receive connector offers for STARTTLS: the one TlsCertificateName
    names, else the one whose names cover the connector's Fqdn, else the server's FQDN (the
    TransportServer whose Name is the connector's Server); the latest-expiring on a tie (S38).
    ``Presented.property`` is then ``Server``."""
    presented = presented_certificate(scope, connector)
    if presented is not None or has_text(connector, "TlsCertificateName") or has_text(connector, "Fqdn"):
        return presented
    server = str(connector.get("Server", "")).strip().lower()
    fqdn = next(
        (
            str(s.get("Fqdn"))
            for s in scope.of("TransportServer")
            if server
            and server in {str(s.get("Name", "")).lower(), str(s.get("Fqdn", "")).lower()}
            and has_text(s, "Fqdn")
        ),
        None,
    )
    if fqdn is None:
        return None
    covering = [c for c in leaf_certificates(scope) if any(cert_name_matches_host(n, fqdn) for n in c.names)]
    if not covering:
        return None
    return Presented(max(covering, key=lambda c: c.not_after), "Server")


def has_text(obj: Object, name: str) -> bool:
    value = obj.get(name)
    return isinstance(value, str) and bool(value.strip())


def routes_to_onpremises(connector: Object, pattern: str) -> bool:
    """Whether an outbound connector routes every name ``pattern`` denotes (a domain, or
    ``*.domain`` for it and its subdomains): AllAcceptedDomains is true, or a RecipientDomains
    entry covers it with connector-side wildcard semantics. A lone ``*`` is taken as every domain
    (the reference neither documents nor forbids it, so it is not held against the tenant)."""
    if connector.effective("AllAcceptedDomains") is True:
        return True
    return any(d.strip() == "*" or pattern_covers(d, pattern) for d in values(connector, "RecipientDomains"))
