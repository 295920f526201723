"""How the objects of one scope relate, as Exchange sees them: which send connectors reach EXO,
which certificate each presents, which domains the tenant accepts, where mail leaves from.

Every answer is memoised on the scope, so a rule that asks for each connector costs one pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from linter.model import Certificate, Object
from linter.objects.scopes import Scope

if TYPE_CHECKING:
    pass

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
    """What the tenant accepts, as normalised connector-side patterns: each accepted domain, the
    initial onmicrosoft.com domain, and for an accepted domain with ``MatchSubDomains: true`` the
    pattern ``*.domain`` (the domain and all its subdomains, S15). ``accepted_cover`` is the one
    answer to "is this name accepted?" that every rule asks."""

    def compute() -> list[str]:
        from linter.domain.names import normalize

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

    return memo(scope, "accepted", compute)


def knows_accepted_domains(scope: Scope) -> bool:
    """Whether the scope says which domains the tenant accepts: it defines accepted domains, and
    none of them has a DomainName or MatchSubDomains that is invalid or misspelt (the input and
    syntax rules report that once; the rules that ask "is this name accepted?" stay silent)."""

    def compute() -> bool:
        from linter.domain.names import normalize

        defined = scope.of("AcceptedDomain")
        for obj in defined:
            if scope.unsure_of(obj) & {"DomainName", "MatchSubDomains"}:
                return False
            try:
                normalize(str(obj.get("DomainName")))
            except ValueError:
                return False
        return bool(defined)

    return memo(scope, "knows-accepted", compute)


def accepted_shown(scope: Scope) -> str:
    """The accepted domains for a message: as ``accepted_domains`` has them, IDNs in both forms,
    a MatchSubDomains domain with its subdomains spelled out."""
    from linter.domain.names import shown

    listed = []
    for domain in accepted_domains(scope):
        if _match_subdomains(scope, domain):
            listed.append(f"{shown(domain[2:])} and its subdomains (MatchSubDomains)")
        else:
            listed.append(shown(domain))
    return ", ".join(listed)


def _match_subdomains(scope: Scope, domain: str) -> bool:
    from linter.domain.names import normalize

    if not domain.startswith("*."):
        return False
    for obj in scope.of("AcceptedDomain"):
        try:
            written = normalize(str(obj.get("DomainName")))
        except ValueError:
            continue
        if obj.get("MatchSubDomains") is True and f"*.{written}" == domain:
            return True
    return False


def accepted_cover(scope: Scope, name: str) -> str | None:
    """The accepted domain that makes ``name`` acceptable: it equals or covers the name, or for a
    wildcard (``*.contoso.com``) it equals or covers the wildcard's domain (``contoso.com``). An
    accepted domain with MatchSubDomains covers its subdomains (``accepted_domains``).

    A wildcard that merely contains an accepted domain is not enough: ``*.co.uk`` holds
    ``contoso.co.uk`` but names every domain under co.uk, which the tenant does not own."""
    from linter.domain.names import base, normalize, pattern_covers

    try:
        wanted = base(normalize(name))
    except ValueError:
        return None
    for domain in accepted_domains(scope):
        if pattern_covers(domain, wanted):
            return domain
    return None


@dataclass(frozen=True)
class NameAdvice:
    """What an OnPremises inbound connector should name in TlsSenderCertificateName for a
    certificate, decided once for check, fix, diagnose and simulate.

    ``value`` is the certificate's own name (its CN, else its first DNS name) when that is an
    accepted domain, or lies under an accepted wildcard or MatchSubDomains domain. Otherwise a
    non-wildcard name fails with 550 5.7.51 (exchange-facts 7, S32), so when the name lies under
    an accepted domain the value is the wildcard over that domain, which the 2017 relay notice
    advises (S21) and which works at once; ``note`` then says that the wildcard accepts every
    certificate name under that domain and gives the narrow alternative: the exact name, added
    as an accepted domain (S52 recommends it, for NDRs and system mail too). When no accepted
    domain is above the name, the value is the name and ``note`` says it must be added."""

    value: str
    exact: str
    note: str

    @property
    def widens(self) -> bool:
        return self.value != self.exact


def name_advice(scope: Scope, common_names: Iterable[str], names: Sequence[str]) -> NameAdvice:
    from linter.domain.names import base, is_wildcard, normalize, safe_name

    exact = safe_name(common_names, names)
    try:
        plain = normalize(exact)
        wildcard = is_wildcard(plain)
    except ValueError:
        return NameAdvice(exact, exact, "")
    if not knows_accepted_domains(scope) or wildcard or accepted_cover(scope, plain) is not None:
        return NameAdvice(exact, exact, "")
    under = under_accepted(scope, plain)
    if under is None:
        return NameAdvice(
            exact,
            exact,
            f"{exact} is not an accepted domain of the tenant: add it as one (and verify it in the "
            "Microsoft 365 admin center), since a TlsSenderCertificateName that is no wildcard must be "
            "accepted or on-premises mail fails with 550 5.7.51 (rule EX103)",
        )
    parent = base(under)
    return NameAdvice(
        f"*.{parent}",
        exact,
        f"*.{parent} widens what the connector accepts to every certificate name under {parent}, not "
        f"only {exact}; to accept just {exact}, add {exact} as an accepted domain (verify it in the "
        f"Microsoft 365 admin center) and set TlsSenderCertificateName to {exact} instead, since a name "
        "that is no wildcard must be accepted or on-premises mail fails with 550 5.7.51",
    )


def under_accepted(scope: Scope, name: str) -> str | None:
    """The accepted domain ``name`` is, or lies under (the 2017 relay notice's "contains a
    registered domain", S21): weaker than ``accepted_cover``, and what the certificate-domain half
    of the relay requirement asks for (exchange-facts 7, S30)."""
    from linter.domain.names import base

    covering = accepted_cover(scope, name)
    if covering is not None:
        return covering
    try:
        host = base(name)
    except ValueError:
        return None
    parents = [domain for domain in accepted_domains(scope) if host.endswith("." + base(domain))]
    return max(parents, key=len) if parents else None  # the most specific


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
    from linter.domain.dn import DNError, dn_equal, parse_tls_certificate_name

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
    from linter.domain.names import cert_name_matches_host

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


def selected_certificates(scope: Scope) -> frozenset[Certificate]:
    """The certificates that carry mail: for each enabled send and receive connector, the one
    Exchange selects on each of its servers (``chosen_on_servers``), and the certificates relay
    hosts present (their File or Thumbprint). Empty when no object selects a certificate."""
    return memo(scope, "selected-certificates", lambda: _selected(scope))


def _selected(scope: Scope) -> frozenset[Certificate]:
    chosen: set[Certificate] = set()
    for connector in (*scope.of("SendConnector"), *scope.of("ReceiveConnector")):
        if not is_enabled(connector):
            continue
        found = candidates(scope, connector)
        if found is None and connector.kind == "ReceiveConnector":
            presented = receive_certificate(scope, connector)
            found = ([presented.certificate], presented.property) if presented else None
        if found is None:
            continue
        for here in chosen_on_servers(scope, connector, found[0]).values():
            chosen.add(here[0])
    for cert, uses in certificate_uses(scope).items():
        if any(u.obj.kind == "RelayHost" for u in uses):
            chosen.add(cert)
    return frozenset(chosen)


def successor(scope: Scope, cert: Certificate) -> Certificate | None:
    """The end-entity certificate that takes over from ``cert`` when a renewal leaves both in
    place: one that expires later with the same issuer and subject (a connector's
    TlsCertificateName then selects it, S38) or with every name of ``cert`` (selection by Fqdn),
    held on the same servers where the repository says which server holds which."""
    from linter.domain.dn import dn_equal

    mine = certificate_holders(scope, (cert,))
    for other in sorted(_name_neighbours(scope, cert), key=lambda c: c.not_after, reverse=True):
        if other.not_after <= cert.not_after or other.thumbprint == cert.thumbprint:
            continue
        same_name = dn_equal(other.subject, cert.subject) and dn_equal(other.issuer, cert.issuer)
        if not same_name and not covers_names(other, cert):
            continue
        theirs = certificate_holders(scope, (other,))
        if mine is None or theirs is None or mine <= theirs:
            return other
    return None


def _name_neighbours(scope: Scope, cert: Certificate) -> list[Certificate]:
    """The end-entity certificates that share a name with ``cert``, or carry the wildcard one label
    above one of its names: the only ones that can take over from it. An index keeps a scope of
    many certificates linear."""
    from linter.domain.names import normalize

    def keys(names: Iterable[str]) -> set[str]:
        found = set()
        for name in names:
            try:
                canonical = normalize(name)
            except ValueError:
                continue
            found.add(canonical)
            if not canonical.startswith("*."):
                found.add("*." + canonical.partition(".")[2])
        return found

    def index() -> dict[str, list[Certificate]]:
        by_name: dict[str, list[Certificate]] = {}
        for leaf in leaf_certificates(scope):
            for key in keys([*leaf.names, *leaf.common_names]):
                by_name.setdefault(key, []).append(leaf)
        return by_name

    by_name: dict[str, list[Certificate]] = memo(scope, "leaves-by-name", index)
    found: dict[str, Certificate] = {}
    for key in keys([*cert.names, *cert.common_names]):
        for other in by_name.get(key, []):
            found.setdefault(other.thumbprint, other)
    return list(found.values())


def chain_of(scope: Scope, cert: Certificate) -> list[Certificate]:
    """The CA certificates of the scope above ``cert``, nearest first (every issuer at each level)."""
    found: list[Certificate] = []
    queue = [cert]
    while queue:
        for issuer in issuers_in_scope(scope, queue.pop(0)):
            if issuer not in found and issuer != cert:
                found.append(issuer)
                queue.append(issuer)
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


@dataclass(frozen=True)
class AddressSpace:
    """One ``[Type:]AddressSpace[;Cost]`` entry of a send connector, read as New-SendConnector
    documents it; ``problem`` says why it is not valid (None when it is)."""

    type: str  # "SMTP" when no type is written
    space: str
    cost: int | None
    problem: str | None

    @property
    def is_smtp(self) -> bool:
        return self.type.lower() == "smtp"


_ADDRESS_TYPE = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")


def parse_address_space(entry: str) -> AddressSpace:
    """Split and check one address space. Only SMTP spaces are checked in depth: their domain
    follows RFC 1035 (``*``, ``*.com``, ``*.contoso.com``; not ``*contoso.com``) and the cost is
    a whole number from 1 to 100. Other types (X400 and the like) have their own syntax, which
    exolint does not read beyond the type."""
    from linter.domain.names import connector_name_problem

    text = entry.strip()
    kind, colon, rest = text.partition(":")
    if not colon:
        kind, rest = "SMTP", text
    kind = kind.strip()
    if not _ADDRESS_TYPE.match(kind):
        return AddressSpace(kind, rest, None, f"has the type {kind!r}, not an address type")
    if kind.lower() != "smtp":
        return AddressSpace(kind, rest.strip(), None, None)
    space, semicolon, cost_text = rest.partition(";")
    space = space.strip()
    cost: int | None = 1
    if semicolon:
        digits = cost_text.strip()
        cost = int(digits) if digits.isascii() and digits.isdigit() else None
        if cost is None or not 1 <= cost <= 100:
            shown = f"cost {digits!r}" if digits else "an empty cost"
            return AddressSpace(kind, space, None, f"has {shown}, not a whole number from 1 to 100")
    if not space:
        return AddressSpace(kind, space, cost, "has no address space")
    problem = None if space == "*" else connector_name_problem(space)
    return AddressSpace(kind, space, cost, f"has the domain {space!r}: {problem}" if problem else None)


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
    from linter.domain.dn import dn_equal
    from linter.load.certs import signed_by

    cache: dict[tuple[Certificate, Certificate], bool] = memo(scope, "issued-by", dict)
    key = (cert, issuer)
    if key not in cache:
        cache[key] = dn_equal(cert.issuer, issuer.subject) and signed_by(cert.der, issuer.der) is not False
    return cache[key]


def issuers_in_scope(scope: Scope, cert: Certificate) -> list[Certificate]:
    """The scope's certificates that issued ``cert`` (never the certificate itself)."""
    return [c for c in scope.certificates if c != cert and c.is_ca and issued_by(scope, cert, c)]


def issues_others(scope: Scope, cert: Certificate) -> bool:
    """Whether ``cert`` issued another certificate of the scope (a root or intermediate in use)."""
    return any(c != cert and issued_by(scope, c, cert) for c in scope.certificates)


def file_certificates(scope: Scope, path: str) -> list[Certificate]:
    """The certificates of one file, in the order they are written."""
    by_file: dict[str, list[Certificate]] = memo(scope, "by-file", lambda: _by_file(scope))
    return by_file.get(path, [])


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
    from linter.domain.names import cert_name_matches_host, normalize

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
    return memo(scope, "certificate-uses", lambda: _uses(scope))


def _uses(scope: Scope) -> dict[Certificate, list[Use]]:
    import posixpath

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
    referenced: frozenset[Certificate] = memo(scope, "certificates-referenced", lambda: _referenced(scope))
    return cert in referenced


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
    return memo(
        scope,
        "onprem-outbound",
        lambda: [
            c
            for c in scope.of("OutboundConnector")
            if is_enabled(c) and str(c.get("ConnectorType", "")).lower() == "onpremises"
        ],
    )


def cloud_receive_connectors(scope: Scope) -> list[Object]:
    """The enabled receive connectors that Exchange Online's mail to on-premises lands on: those
    that grant AcceptCloudServicesMail (or AcceptOorgProtocol); when none does, the ``Default
    Frontend <Server>`` connectors, the ones HCW configures for this mail. Smart hosts cannot be
    resolved to servers offline, so every such connector of the scope counts as reachable."""

    def compute() -> list[Object]:
        enabled = [c for c in scope.of("ReceiveConnector") if is_enabled(c)]
        granted = [c for c in enabled if is_hybrid_receive(c)]
        if granted:
            return granted
        return [c for c in enabled if str(c.get("Name", "")).strip().lower().startswith("default frontend")]

    return memo(scope, "cloud-receive", compute)


def receive_certificate(scope: Scope, connector: Object) -> Presented | None:
    """The certificate a receive connector offers for STARTTLS: the one TlsCertificateName
    names, else the one whose names cover the connector's Fqdn, else the server's FQDN (the
    TransportServer whose Name is the connector's Server); the latest-expiring on a tie (S38).
    ``Presented.property`` is then ``Server``."""
    from linter.domain.names import cert_name_matches_host

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
    from linter.domain.names import pattern_covers

    if connector.effective("AllAcceptedDomains") is True:
        return True
    return any(d.strip() == "*" or pattern_covers(d, pattern) for d in values(connector, "RecipientDomains"))
