"""What Exchange Online does with each sender that relays into it: a verdict with its reasons.

Senders are the enabled on-premises send connectors that route to Exchange Online (with the
certificate each presents and the egress addresses of its source servers) and every RelayHost
(its addresses, MAIL FROM domains and optional certificate). For each, the model follows
exchange-facts.md sections 1, 6, 7 and 8:

1. Only an enabled **OnPremises** inbound connector attributes relayed mail, by the certificate
   the sender presents (the connector's TlsSenderCertificateName covers a CN or SAN name) or by
   its source address (every egress address lies in SenderIPAddresses) [S30][S51].
2. When none does, a restricting **Partner** connector (RestrictDomainsToIPAddresses or
   RestrictDomainsToCertificate) whose SenderDomains cover the sender's domains catches the mail
   and rejects it with 550 5.7.51 unless the sender satisfies it [S32][S57]; an OnPremises match
   takes precedence, since both kinds may coexist for the same sender [S48]. Otherwise relay is
   refused with 550 5.7.64 [S20][S22].
3. Independently, the certificate domain or the P1 MAIL FROM domain must be an accepted domain,
   or relay fails with 550 5.7.64 ATTR36 [S30][S21].

What the model assumes where the repository cannot know, and says so in the trail:

- A send connector's MAIL FROM domains are not known. On-premises mailboxes send from the
  tenant's accepted domains, so those are its sender domains for Partner connectors. But a
  connector that relays to domains outside the tenant also carries NDRs and system mail with an
  empty MAIL FROM, and forwarded mail with a foreign one: that mail relies on the certificate
  domain alone. A connector whose address spaces are only the tenant's own domains (the
  Hybrid Configuration Wizard's ``<tenant>.mail.onmicrosoft.com``) relays nothing: its mail is
  attributed by the recipient domain too (MC1226222's third step [S31]), so ATTR36 is not judged.
- "The certificate domain is accepted" holds when a certificate name is, or lies under, an
  accepted domain: the 2017 notice asks for a CN or SAN that *contains* a registered domain and
  a connector wildcard over it [S21]. A community answer recommends adding the exact host as
  well [S52]; the trail notes it.
- Attribution by IP counts only when it is shown for every egress address; attribution by
  certificate needs the presented certificate. When the certificate is known not to match and
  the addresses are not all known, the sender is judged unattributed (the certificate is the
  documented, recommended identification); when the certificate itself is unknown, the verdict
  is ``unknown``.

Everything here is pure: it reads a Scope, opens no file and knows no line numbers.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from ipaddress import IPv4Network
from typing import TYPE_CHECKING, Any

from linter.domain.powershell import double_quoted as q
from linter.hybrid import topology as hybrid
from linter.model import Certificate, Object, Pointer, Ref
from linter.objects.scopes import Scope

if TYPE_CHECKING:
    from linter.domain.names import Coverage

ATTRIBUTED = "attributed"
REJECTED = "rejected"
UNKNOWN = "unknown"

RELAY_DENIED = "550 5.7.64"
ATTR36 = "ATTR36"
PARTNER_DENIED = "550 5.7.51"
CODES = (RELAY_DENIED, ATTR36, PARTNER_DENIED)

# Why a sender fails; a rule reports the causes it names.
NO_CONNECTOR = "no-connector"
NOTHING_TO_MATCH = "connector-identifies-nothing"
CERTIFICATE_NOT_COVERED = "certificate-not-covered"
CERTIFICATE_WILDCARD_ONLY = "certificate-wildcard-only"
IP_NOT_LISTED = "ip-not-listed"
RELAY_HOST_UNMATCHED = "relay-host-unmatched"
PARTNER_RESTRICTED = "partner-restricted"
CERTIFICATE_NAME_NOT_ACCEPTED = "certificate-name-not-accepted"
CERTIFICATE_DOMAIN_NOT_ACCEPTED = "certificate-domain-not-accepted"
MAIL_FROM_NOT_ACCEPTED = "mail-from-not-accepted"
CAUSES = (
    NO_CONNECTOR,
    NOTHING_TO_MATCH,
    CERTIFICATE_NOT_COVERED,
    CERTIFICATE_WILDCARD_ONLY,
    IP_NOT_LISTED,
    RELAY_HOST_UNMATCHED,
    PARTNER_RESTRICTED,
    CERTIFICATE_NAME_NOT_ACCEPTED,
    CERTIFICATE_DOMAIN_NOT_ACCEPTED,
    MAIL_FROM_NOT_ACCEPTED,
)

REPORTED_ELSEWHERE = {NOTHING_TO_MATCH: "EX101", CERTIFICATE_NAME_NOT_ACCEPTED: "EX103"}
"""Causes another rule already reports at the same place; the attribution rules leave them alone."""


@dataclass(frozen=True)
class Step:
    """One line of the reasoning: what was looked at, what came of it, and why."""

    subject: Object | Certificate | None
    result: str  # "sender", "matched", "no match", "not used", "caught", "passed", "accepted", ...
    reason: str

    @property
    def text(self) -> str:
        """``Inbound connector "X": matched: TlsSenderCertificateName ...``, for printing."""
        from linter.objects.definitions import label_of

        if isinstance(self.subject, Object):
            return f"{label_of(self.subject)}: {self.result}: {self.reason}"
        if isinstance(self.subject, Certificate):
            return f"Certificate {self.subject.subject} ({self.subject.path}): {self.result}: {self.reason}"
        return f"{self.result}: {self.reason}"


@dataclass(frozen=True)
class Fix:
    """Where a problem is repaired: the property to change, the command, and message values."""

    target: Object
    pointer: Pointer
    command: str | None
    values: dict[str, Any] = field(default_factory=dict)
    related: tuple[Ref, ...] = ()


@dataclass(frozen=True)
class Problem:
    """Why Exchange Online rejects (or may reject) some or all of a sender's mail."""

    code: str  # a key of linter.domain.ndr.NDRS
    cause: str
    detail: str  # one clause, for the trail and for a rule's fallback message
    fixes: tuple[Fix, ...]
    related: tuple[Ref, ...] = ()
    certain: bool = True  # False: the sources do not settle it (a rule reports it as a warning)


@dataclass(frozen=True)
class Sender:
    """Something that relays mail into Exchange Online, with what Exchange Online can see of it."""

    obj: Object  # a SendConnector or a RelayHost
    certificate: Certificate | None
    certificate_pointer: Pointer  # the property that selects it (TlsCertificateName, Fqdn, File)
    certificate_state: str  # "known", "unknown" (cannot be told) or "none" (presents none)
    addresses: tuple[tuple[str, Ref], ...]  # egress address and where it is written
    addresses_complete: bool  # every address it sends from is known
    mail_from: tuple[tuple[str, int], ...] | None  # MAIL FROM domains and their index; None: unknown
    relays: bool | None  # sends to domains outside the tenant (send connectors); None: unknown
    relayed: tuple[str, ...] = ()  # the address spaces outside the tenant
    certificate_note: str = ""  # why the certificate is not known

    @property
    def label(self) -> str:
        """``the send connector "X"`` / ``the relay host "Y"``, for the middle of a sentence."""
        from linter.objects.definitions import KIND_LABELS

        return f'the {KIND_LABELS[self.obj.kind].lower()} "{self.obj.identity}"'


@dataclass(frozen=True)
class Verdict:
    """What Exchange Online does with one sender, and how exolint got there."""

    sender: Sender
    outcome: str  # ATTRIBUTED, REJECTED or UNKNOWN
    connector: Object | None  # the OnPremises inbound connector that attributes it
    method: str | None  # "certificate" or "ip"
    problems: tuple[Problem, ...]
    trail: tuple[Step, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The NDR codes the sender's mail will get, most important first."""
        return tuple(dict.fromkeys(p.code for p in self.problems if p.certain))


# --- senders ---------------------------------------------------------------------------------


def senders(scope: Scope) -> list[Sender]:
    return [
        *(_send_connector(scope, c) for c in hybrid.send_connectors_to_exo(scope)),
        *(_relay_host(scope, h) for h in scope.of("RelayHost")),
    ]


def _send_connector(scope: Scope, connector: Object) -> Sender:
    presented = hybrid.presented_certificate(scope, connector)
    pointer: Pointer = (presented.property,) if presented else ("TlsCertificateName",)
    addresses, complete = _egress(scope, connector)
    relayed = _relayed(scope, connector)
    note = ""
    if presented is None:
        named = connector.get("TlsCertificateName")
        if not scope.certificates:
            note = "the scope holds no certificate files"
        elif isinstance(named, str) and named.strip():
            note = "its TlsCertificateName names no certificate of the scope (454 4.7.5, rule EX401)"
        else:
            note = "no certificate of the scope covers its Fqdn"
    return Sender(
        obj=connector,
        certificate=presented.certificate if presented else None,
        certificate_pointer=pointer,
        certificate_state="known" if presented else "unknown",
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
    from linter.domain.names import normalize, pattern_covers

    spaces = hybrid.values(connector, "AddressSpaces")
    if not spaces or not scope.of("AcceptedDomain"):
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
    state = "none"
    note = ""
    if isinstance(ref, str) and ref.strip():
        state = "unknown"
        target = posixpath.normpath(posixpath.join(posixpath.dirname(host.path), ref.replace("\\", "/")))
        in_file = [c for c in scope.certificates if c.path == target]
        leaves = [c for c in in_file if not c.is_ca] or in_file
        if leaves:
            certificate, state = leaves[0], "known"
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


# --- verdicts --------------------------------------------------------------------------------


def verdicts(scope: Scope) -> tuple[Verdict, ...]:
    """A verdict for every sender of the scope, computed once per scope."""
    return hybrid.memo(
        scope, "attribution", lambda: _one_command_per_list(tuple(judge(scope, s) for s in senders(scope)))
    )


def _one_command_per_list(found: tuple[Verdict, ...]) -> tuple[Verdict, ...]:
    """When several senders miss from one connector's SenderIPAddresses, every finding there
    suggests the same command, which adds all of them: the parameter replaces the whole list, so
    one command per sender would each undo the others."""
    adds: dict[int, list[str]] = {}
    for verdict in found:
        for problem in verdict.problems:
            for fix in problem.fixes:
                if fix.pointer == ("SenderIPAddresses",) and fix.values.get("add"):
                    wanted = adds.setdefault(id(fix.target), [])
                    wanted.extend(a for a in fix.values["add"] if a not in wanted)

    def merged(fix: Fix) -> Fix:
        wanted = adds.get(id(fix.target)) if fix.pointer == ("SenderIPAddresses",) else None
        if not wanted or not fix.values.get("add") or len(wanted) == len(fix.values["add"]):
            return fix
        entries = hybrid.values(fix.target, "SenderIPAddresses")
        command = _set_inbound(fix.target, "SenderIPAddresses", ",".join([*entries, *wanted]))
        return replace(fix, command=command)

    return tuple(
        replace(v, problems=tuple(replace(p, fixes=tuple(merged(f) for f in p.fixes)) for p in v.problems))
        for v in found
    )


@dataclass
class _Connectors:
    """The scope's inbound connectors as the judgement of one sender sees them."""

    onprem: list[Object] = field(default_factory=list)  # enabled OnPremises
    exact: list[Object] = field(default_factory=list)  # cover the certificate by a documented match
    wildcard: list[Object] = field(default_factory=list)  # only through a certificate wildcard
    holders: dict[str, list[Object]] = field(default_factory=dict)  # address -> connectors listing it
    disabled_matches: list[Object] = field(default_factory=list)
    partners: list[Object] = field(default_factory=list)  # enabled restricting Partner connectors
    untyped: list[Object] = field(default_factory=list)  # enabled, ConnectorType not set


def _networks(scope: Scope, connector: Object) -> list[IPv4Network]:
    from linter.domain.ips import SenderIPError, parse_sender_ip

    def compute() -> list[IPv4Network]:
        found = []
        for entry in hybrid.values(connector, "SenderIPAddresses"):
            try:
                found.append(parse_sender_ip(entry))
            except SenderIPError:
                continue
        return found

    return hybrid.memo(scope, f"attribution-ips:{id(connector)}", compute)


def _listed(networks: list[IPv4Network], address: str) -> bool:
    from linter.domain.ips import SenderIPError, contains

    try:
        return contains(networks, address) is not None
    except SenderIPError:
        return False  # IPv6 or malformed: no SenderIPAddresses entry can hold it


def _coverage(connector: Object, certificate: Certificate | None) -> tuple[Coverage | None, str | None]:
    """How the connector's certificate name covers the certificate; None when either is missing."""
    from linter.domain.names import best_coverage

    name = connector.get("TlsSenderCertificateName")
    if certificate is None or not isinstance(name, str) or not name.strip():
        return None, None
    coverage, matched = best_coverage(name, certificate.names)
    return coverage, matched


def judge(scope: Scope, sender: Sender) -> Verdict:
    """Decide what Exchange Online does with one sender; every step is kept in the trail."""
    trail: list[Step] = [Step(sender.obj, "sender", _describe(sender))]
    inbound = scope.of("InboundConnector")
    if not inbound:
        trail.append(
            Step(
                None,
                "unknown",
                "the scope defines no inbound connector, so Exchange Online's side is not known",
            )
        )
        return Verdict(sender, UNKNOWN, None, None, (), tuple(trail))
    seen = _Connectors()
    for candidate in inbound:
        _consider(scope, sender, candidate, seen, trail)
    addresses = [a for a, _ in sender.addresses]
    unlisted = [a for a in addresses if not seen.holders.get(a)]
    ip_proven = bool(addresses) and sender.addresses_complete and not unlisted
    problems: list[Problem] = []
    connector: Object | None = None
    method: str | None = None
    good = [c for c in seen.exact if not _name_not_accepted(scope, c)]
    if good or ip_proven or seen.exact or seen.wildcard:
        # The certificate is the recommended identification and the first step of tenant
        # attribution (MC1226222), so a documented certificate match is named first.
        if good:
            connector, method = good[0], "certificate"
            trail.append(Step(connector, "attributed", "by the certificate the sender presents"))
        elif ip_proven:
            connector, method = seen.holders[addresses[0]][0], "ip"
            trail.append(Step(connector, "attributed", "every egress address lies in SenderIPAddresses"))
        else:
            matched = seen.exact or seen.wildcard
            connector, method = matched[0], "certificate"
            trail.append(Step(connector, "attributed", "by the certificate the sender presents"))
            if not seen.exact:
                problems.append(_wildcard_problem(scope, sender, seen.wildcard))
            if not [c for c in matched if not _name_not_accepted(scope, c)]:
                problems.append(_name_problem(scope, sender, matched))
    else:
        problem = _unattributed(scope, sender, seen, unlisted, trail)
        if problem is not None:
            problems.append(_partner_check(scope, sender, seen, problem, trail))
    attributing = (Ref(connector, (), "the OnPremises connector that attributes it"),) if connector else ()
    problems.extend(_accepted_domain_problems(scope, sender, seen, trail, attributing))
    if any(p.certain for p in problems):
        outcome = REJECTED
    elif connector is not None:
        outcome = ATTRIBUTED
    else:
        outcome = UNKNOWN
    return Verdict(sender, outcome, connector, method, tuple(problems), tuple(trail))


def _describe(sender: Sender) -> str:
    parts: list[str] = []
    if sender.certificate is not None:
        parts.append(f"presents {sender.certificate.label} (selected by {sender.certificate_pointer[0]})")
    elif sender.certificate_state == "unknown":
        why = f": {sender.certificate_note}" if sender.certificate_note else ""
        parts.append(f"presents a certificate exolint cannot determine{why}")
    else:
        parts.append("presents no certificate")
    if sender.addresses:
        more = "" if sender.addresses_complete else " (some source servers' addresses are not recorded)"
        parts.append(f"sends from {', '.join(a for a, _ in sender.addresses)}{more}")
    else:
        parts.append("sends from addresses that are not recorded")
    if sender.mail_from is not None:
        parts.append(f"as MAIL FROM {', '.join(d for d, _ in sender.mail_from) or 'nothing'}")
    return "; ".join(parts)


def _consider(scope: Scope, sender: Sender, connector: Object, seen: _Connectors, trail: list[Step]) -> None:
    from linter.domain.names import Coverage

    kind = connector.get("ConnectorType")
    enabled = hybrid.is_enabled(connector)
    if kind == "Partner":
        restricting = [
            n
            for n in ("RestrictDomainsToIPAddresses", "RestrictDomainsToCertificate")
            if connector.effective(n) is True
        ]
        if enabled and restricting:
            seen.partners.append(connector)
            trail.append(
                Step(connector, "not used", f"Partner connector restricting by {', '.join(restricting)}")
            )
        else:
            why = "disabled" if not enabled else "not restricting"
            trail.append(
                Step(connector, "not used", f"Partner connector ({why}); only OnPremises connectors relay")
            )
        return
    if kind != "OnPremises":
        if enabled:
            seen.untyped.append(connector)
        trail.append(
            Step(connector, "not used", "ConnectorType is not set and its default is not documented")
        )
        return
    coverage, matched = _coverage(connector, sender.certificate)
    networks = _networks(scope, connector)
    held = [a for a, _ in sender.addresses if _listed(networks, a)]
    reasons = []
    name = connector.get("TlsSenderCertificateName")
    if coverage is Coverage.EXACT:
        reasons.append(f"TlsSenderCertificateName {name} covers {matched}")
    elif coverage is Coverage.WILDCARD_CERTIFICATE:
        reasons.append(f"TlsSenderCertificateName {name} matches only the certificate wildcard {matched}")
    elif coverage is Coverage.NONE and sender.certificate is not None:
        reasons.append(
            f"TlsSenderCertificateName {name} covers none of {', '.join(sender.certificate.names)}"
        )
    elif isinstance(name, str) and name.strip():
        unknown = "its certificate is not known" if sender.certificate_state == "unknown" else "it has none"
        reasons.append(
            f"TlsSenderCertificateName {name}, but the sender's certificate cannot match: {unknown}"
        )
    if networks:
        reasons.append(f"SenderIPAddresses hold {', '.join(held) or 'none of its addresses'}")
    if not enabled:
        if coverage in (Coverage.EXACT, Coverage.WILDCARD_CERTIFICATE) or held:
            seen.disabled_matches.append(connector)
        trail.append(
            Step(connector, "not used", "disabled OnPremises connector; " + "; ".join(reasons or ["-"]))
        )
        return
    seen.onprem.append(connector)
    if coverage is Coverage.EXACT:
        seen.exact.append(connector)
    elif coverage is Coverage.WILDCARD_CERTIFICATE:
        seen.wildcard.append(connector)
    for address in held:
        seen.holders.setdefault(address, []).append(connector)
    matches = coverage in (Coverage.EXACT, Coverage.WILDCARD_CERTIFICATE) or held
    trail.append(
        Step(connector, "matched" if matches else "no match", "; ".join(reasons) or "identifies no sender")
    )


# --- why a sender is not attributed ----------------------------------------------------------


def _has_name(connector: Object) -> bool:
    return connector.has("TlsSenderCertificateName")


def _unattributed(
    scope: Scope, sender: Sender, seen: _Connectors, unlisted: list[str], trail: list[Step]
) -> Problem | None:
    """Why no OnPremises connector takes the sender, or None when that cannot be told."""
    if not seen.onprem:
        return _no_connector(sender, seen)
    cert_conns = [c for c in seen.onprem if _has_name(c)]
    ip_conns = [c for c in seen.onprem if _networks(scope, c)]
    if not cert_conns and not ip_conns:
        return _nothing_to_match(seen.onprem)
    if sender.certificate_state == "unknown" and cert_conns:
        trail.append(
            Step(
                None,
                "unknown",
                "the certificate it presents is not known, so a certificate name may match it",
            )
        )
        return None
    if sender.obj.kind == "SendConnector":
        if cert_conns and sender.certificate is not None:
            return _certificate_problem(scope, sender, cert_conns)
        if unlisted:
            return _ip_problem(scope, sender, seen, ip_conns, unlisted)
        trail.append(Step(None, "unknown", "its source servers' egress addresses are not all recorded"))
        return None
    if ip_conns and unlisted:
        return _ip_problem(scope, sender, seen, ip_conns, unlisted)
    if not sender.addresses and sender.certificate is None:
        trail.append(Step(None, "unknown", "the relay host lists neither addresses nor a certificate"))
        return None
    return _relay_host_problem(sender, cert_conns)


def _set_inbound(connector: Object, parameter: str, value: str) -> str:
    return f"Set-InboundConnector -Identity {q(connector.identity)} -{parameter} {value}"


def safe_name(cert: Certificate) -> str:
    """The value a connector can name to match this certificate by a documented rule."""
    from linter.domain.names import base, is_wildcard

    first = cert.names[0] if cert.names else ""
    cn = next((n.lower() for n in cert.common_names), first)
    return f"*.{base(cn)}" if is_wildcard(cn) else cn


def connector_name(scope: Scope, cert: Certificate) -> str:
    """What an OnPremises inbound connector should name for this certificate: its own name when
    that is an accepted domain; else a wildcard over the accepted domain it lies under, as the
    2017 relay notice advises when the host name is not a registered domain [S21] (a wildcard
    also passes the accepted-domain rules, an unaccepted exact host does not [S32]); else its own
    name, for the accepted-domain rule to take up."""
    from linter.domain.names import normalize

    plain = safe_name(cert)
    if not scope.of("AcceptedDomain") or hybrid.accepted_cover(scope, plain) == normalize(plain):
        return plain
    if hybrid.accepted_cover(scope, plain) is not None:
        return plain  # under an accepted wildcard domain
    under = [d for d in hybrid.accepted_domains(scope) if not d.startswith("*.") and plain.endswith("." + d)]
    return f"*.{max(under, key=len)}" if under else plain


def _ipv4(addresses: Iterable[str]) -> list[str]:
    from linter.domain.ips import SenderIPError, parse_address

    found = []
    for address in addresses:
        try:
            parse_address(address)
        except SenderIPError:
            continue
        found.append(address)
    return found


def _new_connector(sender: Sender) -> str | None:
    """The New-InboundConnector command that would attribute the sender (certificate preferred)."""
    name = (
        f"Relay from {sender.obj.identity}" if sender.obj.kind == "RelayHost" else "Inbound from on-premises"
    )
    head = f"New-InboundConnector -Name {q(name)} -ConnectorType OnPremises -SenderDomains {q('*')}"
    if sender.certificate is not None:
        return f"{head} -TlsSenderCertificateName {safe_name(sender.certificate)}"
    addresses = _ipv4(a for a, _ in sender.addresses)
    if addresses and sender.addresses_complete:
        return f"{head} -SenderIPAddresses {','.join(addresses)}"
    return None


def _sender_refs(sender: Sender) -> tuple[Ref, ...]:
    refs: list[Ref] = []
    if sender.certificate is not None:
        refs.append(Ref(sender.certificate, message=f"the certificate {sender.label} presents"))
        refs.append(Ref(sender.obj, sender.certificate_pointer, "the sender that presents it"))
    else:
        refs.append(Ref(sender.obj, message="the sender"))
    return tuple(refs)


def _route_pointer(sender: Sender) -> Pointer:
    if sender.obj.kind == "SendConnector":
        return ("SmartHosts",) if sender.obj.has("SmartHosts") else ("AddressSpaces",)
    if sender.addresses:
        return ("ExternalIPAddresses",)
    return ("File",) if sender.certificate is not None else ()


def _evidence(sender: Sender) -> str:
    if sender.certificate is not None:
        return f"presents {sender.certificate.label}"
    if sender.addresses:
        return f"sends from {', '.join(a for a, _ in sender.addresses)}"
    return "sends"


def _no_connector(sender: Sender, seen: _Connectors) -> Problem:
    if seen.disabled_matches:
        disabled = seen.disabled_matches[0]
        command: str | None = _set_inbound(disabled, "Enabled", "$true")
        advice = f'Enable the OnPremises connector "{disabled.identity}", which would match it.'
    else:
        command = _new_connector(sender)
        advice = "Create an OnPremises inbound connector that names its certificate or its addresses."
    untyped = ", ".join(f'"{c.identity}"' for c in seen.untyped)
    hint = f" ({untyped} sets no ConnectorType)" if untyped else ""
    clause = (
        f"{_evidence(sender)} to Exchange Online, but the scope has no enabled OnPremises inbound "
        f"connector{hint}, and only such a connector lets Exchange Online relay its mail"
    )
    fix = Fix(sender.obj, _route_pointer(sender), command, {"clause": clause, "advice": advice})
    related = tuple(Ref(c, ("Enabled",), "disabled OnPremises connector") for c in seen.disabled_matches)
    return Problem(RELAY_DENIED, NO_CONNECTOR, clause, (fix,), related + _sender_refs(sender))


def _nothing_to_match(onprem: list[Object]) -> Problem:
    clause = "no enabled OnPremises connector sets TlsSenderCertificateName or SenderIPAddresses"
    fixes = tuple(Fix(c, (), None, {"clause": clause, "advice": ""}) for c in onprem)
    return Problem(RELAY_DENIED, NOTHING_TO_MATCH, clause + " (rule EX101)", fixes)


def _certificate_problem(scope: Scope, sender: Sender, cert_conns: list[Object]) -> Problem:
    cert = sender.certificate
    assert cert is not None
    suggested = connector_name(scope, cert)
    fixes = []
    for connector in cert_conns:
        value = str(connector.get("TlsSenderCertificateName"))
        clause = f"accepts TLS certificate name {value}, but {sender.label} presents {cert.label}"
        values = {
            "sender": sender.obj.identity,
            "sender_label": sender.label,
            "certificate": cert.label,
            "suggested": suggested,
            "matched": "",
            "selected_by": sender.certificate_pointer[0],
            "clause": clause,
            "advice": f"Set TlsSenderCertificateName to {suggested}, or give the sender a certificate "
            f"that carries {value}.",
        }
        command = _set_inbound(connector, "TlsSenderCertificateName", suggested)
        fixes.append(
            Fix(connector, ("TlsSenderCertificateName",), command, values, _certificate_related(sender))
        )
    detail = f"no enabled OnPremises connector's TlsSenderCertificateName covers {cert.label}"
    return Problem(RELAY_DENIED, CERTIFICATE_NOT_COVERED, detail, tuple(fixes))


def _certificate_related(sender: Sender) -> tuple[Ref, ...]:
    """The certificate and the property that selects it, worded as rule EX601 always has."""
    assert sender.certificate is not None
    if sender.obj.kind == "SendConnector":
        return (
            Ref(sender.certificate, message="the certificate the send connector presents"),
            Ref(sender.obj, sender.certificate_pointer, "the send connector that selects it"),
        )
    return (
        Ref(sender.certificate, message="the certificate the relay host presents"),
        Ref(sender.obj, sender.certificate_pointer, "the relay host's certificate file"),
    )


def _wildcard_problem(scope: Scope, sender: Sender, wildcard: list[Object]) -> Problem:
    from linter.domain.names import best_coverage

    cert = sender.certificate
    assert cert is not None
    suggested = connector_name(scope, cert)
    fixes = []
    for connector in wildcard:
        value = str(connector.get("TlsSenderCertificateName"))
        matched = best_coverage(value, cert.names)[1] or ""
        values = {
            "sender": sender.obj.identity,
            "sender_label": sender.label,
            "certificate": cert.label,
            "suggested": suggested,
            "matched": matched,
            "selected_by": sender.certificate_pointer[0],
        }
        command = _set_inbound(connector, "TlsSenderCertificateName", suggested)
        fixes.append(
            Fix(connector, ("TlsSenderCertificateName",), command, values, _certificate_related(sender))
        )
    detail = f"matches {cert.label} only through a certificate wildcard, which Microsoft does not document"
    return Problem(RELAY_DENIED, CERTIFICATE_WILDCARD_ONLY, detail, tuple(fixes), certain=False)


def _ip_problem(
    scope: Scope, sender: Sender, seen: _Connectors, ip_conns: list[Object], unlisted: list[str]
) -> Problem:
    near = [c for c in ip_conns if any(c in seen.holders.get(a, []) for a, _ in sender.addresses)]
    missing = ", ".join(unlisted)
    v4 = _ipv4(unlisted)
    if sender.obj.kind == "SendConnector" or sender.certificate_state == "unknown":
        why_not = "and no OnPremises connector names a certificate it presents"
    elif sender.certificate is not None:
        why_not = f"and no OnPremises connector names its certificate {sender.certificate.label}"
    else:
        why_not = "and it presents no certificate"
    if sender.obj.kind == "SendConnector" and not any(_has_name(c) for c in seen.onprem):
        why_not = "and no OnPremises connector names a certificate, so only its address can attribute it"
    fixes = []
    for connector in near or ip_conns:
        entries = hybrid.values(connector, "SenderIPAddresses")
        listed = ", ".join(entries) or "none"
        clause = (
            f"lists SenderIPAddresses {listed}, but {sender.label} reaches Exchange Online from "
            f"{missing}, which no enabled OnPremises inbound connector lists, {why_not}"
        )
        if v4:
            advice = f"Add {', '.join(v4)} to SenderIPAddresses."
            command: str | None = _set_inbound(connector, "SenderIPAddresses", ",".join([*entries, *v4]))
        else:
            advice = "SenderIPAddresses takes IPv4 only: attribute the sender by its certificate instead."
            command = None
        values = {
            "sender": sender.obj.identity,
            "sender_label": sender.label,
            "listed": listed,
            "missing": missing,
            "clause": clause,
            "advice": advice,
            "add": tuple(v4),
        }
        fixes.append(Fix(connector, ("SenderIPAddresses",), command, values))
    related = tuple(ref for a, ref in sender.addresses if a in unlisted) + _sender_refs(sender)
    detail = f"{missing} lies in no enabled OnPremises connector's SenderIPAddresses"
    return Problem(RELAY_DENIED, IP_NOT_LISTED, detail, tuple(fixes), related)


def _relay_host_problem(sender: Sender, cert_conns: list[Object]) -> Problem:
    parts = []
    if sender.addresses:
        parts.append(f"no enabled OnPremises connector lists {', '.join(a for a, _ in sender.addresses)}")
    if sender.certificate is not None:
        names = ", ".join(sorted({str(c.get("TlsSenderCertificateName")) for c in cert_conns}))
        named = f"they name {names}" if names else "none names a certificate"
        parts.append(f"no enabled OnPremises connector names its certificate ({named})")
    clause = f"{_evidence(sender)} to Exchange Online, but " + ", and ".join(parts)
    if sender.certificate is not None:
        advice = (
            "Create an OnPremises inbound connector that names its certificate; changing another "
            "connector's certificate name would cut off the servers it is for."
        )
    else:
        advice = (
            "Create an OnPremises inbound connector that lists its addresses; no enabled OnPremises "
            "connector identifies senders by address."
        )
    fix = Fix(
        sender.obj, _route_pointer(sender), _new_connector(sender), {"clause": clause, "advice": advice}
    )
    related = tuple(
        Ref(c, ("TlsSenderCertificateName",), "OnPremises connector that names another certificate")
        for c in (cert_conns if sender.certificate is not None else [])
    )
    return Problem(RELAY_DENIED, RELAY_HOST_UNMATCHED, clause, (fix,), _sender_refs(sender) + related)


# --- restricting Partner connectors (5.7.51) -------------------------------------------------


def _sender_domains(scope: Scope, sender: Sender) -> list[str] | None:
    if sender.obj.kind == "SendConnector":
        return hybrid.accepted_domains(scope)  # on-premises mailboxes send from the tenant's domains
    return [d for d, _ in sender.mail_from] if sender.mail_from is not None else None


def _catches(scope: Scope, sender: Sender, partner: Object) -> str | None:
    """The SenderDomains entry through which the Partner connector takes the sender's mail."""
    from linter.domain.names import pattern_covers

    domains = _sender_domains(scope, sender)
    for entry in hybrid.values(partner, "SenderDomains"):
        domain = hybrid.address_space_domain(entry)
        if domain == "*":
            return entry
        if domains and any(pattern_covers(domain, d) for d in domains):
            return entry
    return None


def _satisfies(scope: Scope, sender: Sender, partner: Object) -> tuple[bool | None, str]:
    from linter.domain.names import Coverage, best_coverage

    results: list[bool | None] = []
    reasons: list[str] = []
    if partner.effective("RestrictDomainsToIPAddresses") is True:
        networks = _networks(scope, partner)
        outside = [a for a, _ in sender.addresses if not _listed(networks, a)]
        if outside:
            results.append(False)
            verb = "is" if len(outside) == 1 else "are"
            reasons.append(f"{', '.join(outside)} {verb} not among its SenderIPAddresses")
        elif sender.addresses and sender.addresses_complete:
            results.append(True)
            reasons.append("every egress address is among its SenderIPAddresses")
        else:
            results.append(None)
            reasons.append("the sender's addresses are not all recorded")
    if partner.effective("RestrictDomainsToCertificate") is True:
        name = partner.get("TlsSenderCertificateName")
        if sender.certificate is None:
            known = sender.certificate_state == "none"
            results.append(False if known else None)
            reasons.append("the sender presents no certificate" if known else "the certificate is not known")
        elif isinstance(name, str) and best_coverage(name, sender.certificate.names)[0] is Coverage.EXACT:
            results.append(True)
            reasons.append(f"its TlsSenderCertificateName {name} covers the certificate")
        else:
            results.append(False)
            reasons.append(
                f"its TlsSenderCertificateName {name or '(none)'} does not cover {sender.certificate.label}"
            )
    if False in results:
        return False, "; ".join(reasons)
    if results and all(results):
        return True, "; ".join(reasons)
    return None, "; ".join(reasons)


def _partner_check(
    scope: Scope, sender: Sender, seen: _Connectors, base: Problem, trail: list[Step]
) -> Problem:
    """A restricting Partner connector that catches the unattributed sender answers 5.7.51."""
    for partner in seen.partners:
        entry = _catches(scope, sender, partner)
        if entry is None:
            trail.append(Step(partner, "not caught", "its SenderDomains do not cover the sender's domains"))
            continue
        satisfied, why = _satisfies(scope, sender, partner)
        if satisfied is None:
            trail.append(Step(partner, "unknown", f"SenderDomains {entry} catch the sender; {why}"))
            continue
        if satisfied:
            trail.append(
                Step(partner, "passed", f"{why}; but only an OnPremises connector lets Exchange Online relay")
            )
            continue
        trail.append(Step(partner, "caught", f"SenderDomains {entry} catch the sender and {why}"))
        switches = [
            n
            for n in ("RestrictDomainsToIPAddresses", "RestrictDomainsToCertificate")
            if partner.effective(n) is True
        ]
        caught = (
            f'the restricting Partner connector "{partner.identity}" (SenderDomains {entry}, '
            f"{' and '.join(switches)}) therefore catches its mail, and {why}"
        )
        fixes = [
            Fix(
                f.target,
                f.pointer,
                f.command,
                {
                    **f.values,
                    "partner": partner.identity,
                    "clause": f"{f.values.get('clause', '')}; {caught}",
                },
                f.related,
            )
            for f in base.fixes
            if f.target.kind == "InboundConnector"
        ]
        if not fixes:
            clause = (
                f"restricts SenderDomains {entry} with {' and '.join(switches)} and catches the mail of "
                f"{sender.label}, which no OnPremises connector attributes; {why}"
            )
            command = base.fixes[0].command if base.fixes else None
            advice = (
                "Create an OnPremises inbound connector that attributes the sender, so it is not caught here."
            )
            values = {"partner": partner.identity, "clause": clause, "advice": advice}
            fixes = [Fix(partner, (switches[0],), command, values)]
        related = (Ref(partner, ("SenderDomains",), "the restricting Partner connector"), *base.related)
        detail = f'{base.detail}; the restricting Partner connector "{partner.identity}" catches it: {why}'
        return Problem(PARTNER_DENIED, PARTNER_RESTRICTED, detail, tuple(fixes), related)
    return base


# --- accepted domains (ATTR36, and the 2025 guidance behind 5.7.51) --------------------------


def _name_not_accepted(scope: Scope, connector: Object) -> bool:
    """An exact TlsSenderCertificateName that is not an accepted domain (Microsoft, 2025 [S32])."""
    from linter.domain.names import connector_name_problem, is_wildcard

    name = connector.get("TlsSenderCertificateName")
    if not scope.of("AcceptedDomain") or not isinstance(name, str) or connector_name_problem(name):
        return False
    return not is_wildcard(name) and hybrid.accepted_cover(scope, name) is None


def _name_problem(scope: Scope, sender: Sender, matched: list[Object]) -> Problem:
    names = ", ".join(str(c.get("TlsSenderCertificateName")) for c in matched)
    clause = (
        f"names {names} in TlsSenderCertificateName, which is not a wildcard and not an accepted domain; "
        "Microsoft's 2025 guidance says on-premises mail then fails with 5.7.51 (rule EX103)"
    )
    fixes = tuple(
        Fix(c, ("TlsSenderCertificateName",), None, {"clause": clause, "advice": ""}) for c in matched
    )
    return Problem(PARTNER_DENIED, CERTIFICATE_NAME_NOT_ACCEPTED, clause, fixes, _sender_refs(sender))


def certificate_domain(scope: Scope, cert: Certificate) -> tuple[str, str | None, str | None]:
    """Whether the certificate's domain is accepted: ("accepted" | "under" | "foreign", name, domain).

    "accepted": a name is an accepted domain, or lies under a wildcard one; "under": a name lies
    below an accepted domain (the 2017 notice's "contains a registered domain" [S21])."""
    from linter.domain.names import base

    for name in cert.names:
        covering = hybrid.accepted_cover(scope, name)
        if covering is not None:
            return "accepted", name, covering
    for name in cert.names:
        try:
            host = base(name)
        except ValueError:
            continue
        for domain in hybrid.accepted_domains(scope):
            try:
                parent = base(domain)
            except ValueError:
                continue
            if host.endswith("." + parent):
                return "under", name, domain
    return "foreign", None, None


def _accepted_domain_problems(
    scope: Scope, sender: Sender, seen: _Connectors, trail: list[Step], attributing: tuple[Ref, ...]
) -> list[Problem]:
    if not scope.of("AcceptedDomain"):
        trail.append(
            Step(None, "not judged", "the scope defines no accepted domains, so ATTR36 is not judged")
        )
        return []
    status: str | None = None
    cert = sender.certificate
    if cert is not None:
        status, name, domain = certificate_domain(scope, cert)
        if status == "accepted":
            trail.append(
                Step(cert, "accepted", f"certificate name {name} is covered by accepted domain {domain}")
            )
        elif status == "under":
            trail.append(
                Step(
                    cert,
                    "accepted",
                    f"certificate name {name} lies under accepted domain {domain}; Microsoft's 2017 notice "
                    "counts that; a 2023 answer recommends adding the exact host as an accepted domain",
                )
            )
        else:
            trail.append(
                Step(cert, "not accepted", f"no name of {cert.label} is at or under an accepted domain")
            )
    if sender.obj.kind == "SendConnector":
        if sender.relays is None:
            trail.append(Step(sender.obj, "not judged", "its address spaces do not tell where it relays"))
            return []
        if not sender.relays:
            trail.append(
                Step(
                    sender.obj,
                    "not judged",
                    "its address spaces are the tenant's own domains: its mail is attributed by recipient",
                )
            )
            return []
        if cert is None or status != "foreign":
            return []
        return [_certificate_domain_problem(scope, sender, seen, attributing)]
    if sender.mail_from is None:
        trail.append(Step(sender.obj, "not judged", "its MAIL FROM domains are not listed"))
        return []
    if status in ("accepted", "under") or sender.certificate_state == "unknown":
        return []
    fixes = []
    for domain, index in sender.mail_from:
        covering = hybrid.accepted_cover(scope, domain)
        if covering is not None:
            trail.append(Step(sender.obj, "accepted", f"MAIL FROM domain {domain} is accepted ({covering})"))
            continue
        trail.append(Step(sender.obj, "not accepted", f"MAIL FROM domain {domain} is not an accepted domain"))
        cert_note = (
            f"its certificate {cert.label} carries no accepted domain"
            if cert
            else "it presents no certificate"
        )
        clause = f"sends as MAIL FROM domain {domain}, which is not an accepted domain, and {cert_note}"
        values = {"sender": sender.obj.identity, "domain": domain, "clause": clause, "advice": ""}
        fixes.append(Fix(sender.obj, ("MailFromDomains", index), None, values))
    if not fixes:
        return []
    detail = "mail from a MAIL FROM domain that is not accepted has no accepted certificate domain either"
    related = (_sender_refs(sender) if cert else ()) + attributing
    return [Problem(ATTR36, MAIL_FROM_NOT_ACCEPTED, detail, tuple(fixes), related)]


def _certificate_domain_problem(
    scope: Scope, sender: Sender, seen: _Connectors, attributing: tuple[Ref, ...]
) -> Problem:
    from linter.domain.dn import format_tls_certificate_name
    from linter.domain.names import Coverage, best_coverage

    cert = sender.certificate
    assert cert is not None
    accepted = ", ".join(hybrid.accepted_domains(scope))
    spaces = ", ".join(sender.relayed)
    better = [
        c
        for c in hybrid.leaf_certificates(scope)
        if certificate_domain(scope, c)[0] != "foreign"
        and any(
            best_coverage(str(o.get("TlsSenderCertificateName", "")), c.names)[0] is Coverage.EXACT
            for o in seen.onprem
            if _has_name(o)
        )
    ]
    command = None
    if better:
        chosen = max(better, key=lambda c: c.not_after)
        value = format_tls_certificate_name(chosen.issuer, chosen.subject)
        command = f"Set-SendConnector -Identity {q(sender.obj.identity)} -TlsCertificateName {q(value)}"
    clause = (
        f"relays mail for {spaces} through Exchange Online and presents {cert.label}, none of whose "
        f"names is at or under an accepted domain (accepted: {accepted})"
    )
    values = {
        "sender": sender.obj.identity,
        "certificate": cert.label,
        "accepted": accepted,
        "spaces": spaces,
        "clause": clause,
        "advice": "",
    }
    fix = Fix(sender.obj, sender.certificate_pointer, command, values, _certificate_related(sender)[:1])
    detail = (
        "NDRs and system mail with an empty MAIL FROM rely on the certificate domain, which is not accepted"
    )
    return Problem(ATTR36, CERTIFICATE_DOMAIN_NOT_ACCEPTED, detail, (fix,), attributing)


# --- one hypothetical message (exolint simulate) ---------------------------------------------

SIMULATED = "simulated message"


def message_sender(
    scope: Scope, address: str | None, certificate: Certificate | None, mail_from: str | None
) -> Sender:
    """A sender that is one message: its source address, the certificate it presents and its
    MAIL FROM domain ("" for a null sender such as an NDR; None when not given). It is judged as a
    relay host is, since everything Exchange Online sees of it is known."""
    from linter.model import Document

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
        certificate_state="known" if certificate is not None else "none",
        addresses=((address, Ref(obj, ("ExternalIPAddresses", 0))),) if address else (),
        addresses_complete=True,
        mail_from=None if mail_from is None else (((mail_from, 0),) if mail_from else ()),
        relays=True,
    )


def judge_message(scope: Scope, sender: Sender) -> Verdict:
    """``judge`` for a message_sender, plus the null-sender case a relay host never has: with an
    empty MAIL FROM only the certificate domain can be accepted [S30][S52]."""
    verdict = judge(scope, sender)
    if sender.certificate is not None:
        # A message is not a device of its own: renaming the connector's certificate name is as
        # likely the repair as a new connector, so both are offered.
        named = [
            c
            for c in scope.of("InboundConnector")
            if c.get("ConnectorType") == "OnPremises" and hybrid.is_enabled(c) and _has_name(c)
        ]
        problems = tuple(
            replace(p, fixes=(*_certificate_problem(scope, sender, named).fixes, *p.fixes))
            if p.cause == RELAY_HOST_UNMATCHED and named
            else p
            for p in verdict.problems
        )
        verdict = replace(verdict, problems=problems)
    if sender.mail_from != () or not scope.of("AcceptedDomain"):
        return verdict
    cert = sender.certificate
    if cert is not None and certificate_domain(scope, cert)[0] != "foreign":
        return verdict
    has = f"its certificate {cert.label} carries no accepted domain" if cert else "it presents no certificate"
    clause = f"has an empty MAIL FROM (a null sender, such as an NDR), and {has}"
    advice = (
        "Present a certificate whose name is at or under an accepted domain, or add the certificate's "
        "domain as an accepted domain (verified in the Microsoft 365 admin center)."
    )
    fix = Fix(sender.obj, ("File",), None, {"clause": clause, "advice": advice})
    problem = Problem(ATTR36, MAIL_FROM_NOT_ACCEPTED, clause, (fix,))
    step = Step(sender.obj, "not accepted", f"{clause}; ATTR36 applies")
    return replace(
        verdict, outcome=REJECTED, problems=(*verdict.problems, problem), trail=(*verdict.trail, step)
    )
