"""How Exchange Online judges each sender: attributed to an OnPremises connector, caught by a
restricting Partner connector, refused, or not known, with every step of the reasoning kept.

Each inbound connector is looked at by a function for its ConnectorType (OnPremises, Partner,
or not set); what they saw decides the verdict; linter.hybrid.attribution.messages words the
problems found. Pure: reads a Scope, opens no file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cached_property
from ipaddress import IPv4Network

from linter.domain.ips import SenderIPError, contains, parse_sender_ip
from linter.domain.names import Coverage, best_coverage, connector_name_problem, is_wildcard, pattern_covers
from linter.hybrid import acceptance
from linter.hybrid import topology as hybrid
from linter.hybrid.attribution import messages
from linter.hybrid.attribution.senders import certificate_domain, exchange_online_side, senders
from linter.hybrid.attribution.terms import (
    ATTRIBUTED,
    REJECTED,
    RELAY_HOST_UNMATCHED,
    UNKNOWN,
    CertificateState,
    DomainStatus,
    Fix,
    Method,
    Problem,
    Seen,
    Sender,
    Step,
    Verdict,
    has_name,
)
from linter.model import Certificate, Object, Ref
from linter.objects.scopes import Scope


def verdicts(scope: Scope) -> tuple[Verdict, ...]:
    """A verdict for every sender of the scope, computed once per scope."""
    return scope.derived(_Answers).verdicts


class _Answers:
    """The attribution of one scope, computed on first use (``scope.derived(_Answers)``)."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.networks: dict[int, list[IPv4Network]] = {}  # by id() of an inbound connector

    @cached_property
    def verdicts(self) -> tuple[Verdict, ...]:
        found = tuple(judge(self.scope, s) for s in senders(self.scope))
        return messages.one_command_per_list(found)


def _networks(scope: Scope, connector: Object) -> list[IPv4Network]:
    """The connector's SenderIPAddresses as networks (what cannot be read left out)."""
    networks = scope.derived(_Answers).networks
    if id(connector) not in networks:
        found = []
        for entry in hybrid.values(connector, "SenderIPAddresses"):
            try:
                found.append(parse_sender_ip(entry))
            except SenderIPError:
                continue
        networks[id(connector)] = found
    return networks[id(connector)]


def _listed(networks: list[IPv4Network], address: str) -> bool:
    try:
        return contains(networks, address) is not None
    except SenderIPError:
        return False  # IPv6 or malformed: no SenderIPAddresses entry can hold it


def _coverage(connector: Object, certificate: Certificate | None) -> tuple[Coverage | None, str | None]:
    """How the connector's certificate name covers the certificate; None when either is missing."""
    name = connector.get("TlsSenderCertificateName")
    if certificate is None or not isinstance(name, str) or not name.strip():
        return None, None
    coverage, matched = best_coverage(name, certificate.names)
    return coverage, matched


DECIDING = frozenset({"ConnectorType", "Enabled", "TlsSenderCertificateName", "SenderIPAddresses"})
"""The inbound connector properties that decide whether it takes a sender: when one of them is
invalid or misspelt (EX005, EX006), the connector is not judged and neither is a sender it might
take; the input rule reports the cause, once."""


def _malformed(connector: Object) -> frozenset[str]:
    """A TlsSenderCertificateName that is no valid name (rule EX104 reports it)."""
    name = connector.get("TlsSenderCertificateName")
    if isinstance(name, str) and name.strip() and connector_name_problem(name) is not None:
        return frozenset({"TlsSenderCertificateName"})
    return frozenset()


def judge(scope: Scope, sender: Sender) -> Verdict:
    """Decide what Exchange Online does with one sender; every step is kept in the trail."""
    trail: list[Step] = [Step(sender.obj, "sender", _describe(sender))]
    inbound = scope.of("InboundConnector")
    side = exchange_online_side(scope)
    if side is None:
        trail.append(
            Step(
                None,
                "unknown",
                "the scope defines no Exchange Online connector or accepted domain, so Exchange "
                "Online's side is not known",
            )
        )
        return Verdict(sender, UNKNOWN, None, None, (), tuple(trail))
    seen = Seen()
    if not inbound:
        seen.exchange_online = side
        trail.append(
            Step(side, "not used", "the scope describes Exchange Online but has no inbound connector")
        )
    for candidate in inbound:
        unsure = sorted(scope.unsure_of(candidate) & DECIDING | _malformed(candidate))
        if unsure:
            seen.unsure.append(candidate)
            trail.append(
                Step(
                    candidate,
                    "unknown",
                    f"{', '.join(unsure)} is invalid or misspelt (reported where it is written), so "
                    "what the connector does is not known",
                )
            )
            continue
        _CONSIDER.get(candidate.get("ConnectorType"), _consider_untyped)(
            scope, sender, candidate, seen, trail
        )
    addresses = [a for a, _ in sender.addresses]
    unlisted = [a for a in addresses if not seen.holders.get(a)]
    ip_proven = bool(addresses) and sender.addresses_complete and not unlisted
    problems: list[Problem] = []
    connector: Object | None = None
    method: Method | None = None
    good = [c for c in seen.exact if not _name_not_accepted(scope, c)]
    if good or ip_proven or seen.exact or seen.wildcard:
        # The certificate is the recommended identification and the first step of tenant
        # attribution (MC1226222), so a documented certificate match is named first.
        if good:
            connector, method = good[0], Method.CERTIFICATE
            trail.append(Step(connector, "attributed", "by the certificate the sender presents"))
        elif ip_proven:
            connector, method = seen.holders[addresses[0]][0], Method.IP
            trail.append(Step(connector, "attributed", "every egress address lies in SenderIPAddresses"))
        else:
            matched = seen.exact or seen.wildcard
            connector, method = matched[0], Method.CERTIFICATE
            trail.append(Step(connector, "attributed", "by the certificate the sender presents"))
            if not seen.exact:
                problems.append(messages.wildcard_problem(scope, sender, seen.wildcard))
            if not [c for c in matched if not _name_not_accepted(scope, c)]:
                problems.append(messages.name_problem(scope, sender, matched))
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
    elif sender.certificate_state is CertificateState.UNKNOWN:
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


_RESTRICTIONS = ("RestrictDomainsToIPAddresses", "RestrictDomainsToCertificate")


def _consider_partner(scope: Scope, sender: Sender, connector: Object, seen: Seen, trail: list[Step]) -> None:
    """A Partner connector never relays; an enabled restricting one may catch the sender later."""
    enabled = hybrid.is_enabled(connector)
    restricting = [n for n in _RESTRICTIONS if connector.effective(n) is True]
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


def _consider_untyped(scope: Scope, sender: Sender, connector: Object, seen: Seen, trail: list[Step]) -> None:
    """A connector without ConnectorType: Microsoft documents no default, so it is not used."""
    if hybrid.is_enabled(connector):
        seen.untyped.append(connector)
    trail.append(Step(connector, "not used", "ConnectorType is not set and its default is not documented"))


def _consider_onpremises(
    scope: Scope, sender: Sender, connector: Object, seen: Seen, trail: list[Step]
) -> None:
    """An OnPremises connector attributes the sender by certificate name or by source address."""
    coverage, matched = _coverage(connector, sender.certificate)
    networks = _networks(scope, connector)
    held = [a for a, _ in sender.addresses if _listed(networks, a)]
    reasons = _certificate_reasons(sender, connector, coverage, matched)
    if networks:
        reasons.append(f"SenderIPAddresses hold {', '.join(held) or 'none of its addresses'}")
    matches = coverage in (Coverage.EXACT, Coverage.WILDCARD_CERTIFICATE) or bool(held)
    if not hybrid.is_enabled(connector):
        if matches:
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
    trail.append(
        Step(connector, "matched" if matches else "no match", "; ".join(reasons) or "identifies no sender")
    )


def _certificate_reasons(
    sender: Sender, connector: Object, coverage: Coverage | None, matched: str | None
) -> list[str]:
    """How the connector's TlsSenderCertificateName meets the sender's certificate, for the trail."""
    name = connector.get("TlsSenderCertificateName")
    if coverage is Coverage.EXACT:
        return [f"TlsSenderCertificateName {name} covers {matched}"]
    if coverage is Coverage.WILDCARD_CERTIFICATE:
        return [f"TlsSenderCertificateName {name} matches only the certificate wildcard {matched}"]
    if coverage is Coverage.NONE and sender.certificate is not None:
        return [f"TlsSenderCertificateName {name} covers none of {', '.join(sender.certificate.names)}"]
    if isinstance(name, str) and name.strip():
        unknown = (
            "its certificate is not known"
            if sender.certificate_state is CertificateState.UNKNOWN
            else "it has none"
        )
        return [f"TlsSenderCertificateName {name}, but the sender's certificate cannot match: {unknown}"]
    return []


_CONSIDER: dict[object, Callable[[Scope, Sender, Object, Seen, list[Step]], None]] = {
    "OnPremises": _consider_onpremises,
    "Partner": _consider_partner,
}
"""How each ConnectorType is looked at; any other value (or none) is ``_consider_untyped``."""


def _unattributed(
    scope: Scope, sender: Sender, seen: Seen, unlisted: list[str], trail: list[Step]
) -> Problem | None:
    """Why no OnPremises connector takes the sender, or None when that cannot be told."""
    if seen.unsure:
        return None  # a connector whose deciding values are not known might take it
    if not seen.onprem:
        return messages.no_connector(scope, sender, seen)
    cert_conns = [c for c in seen.onprem if has_name(c)]
    ip_conns = [c for c in seen.onprem if _networks(scope, c)]
    if not cert_conns and not ip_conns:
        return messages.nothing_to_match(seen.onprem)
    if sender.certificate_state is CertificateState.UNKNOWN and cert_conns:
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
            return messages.certificate_problem(scope, sender, cert_conns)
        if unlisted:
            return messages.ip_problem(scope, sender, seen, ip_conns, unlisted)
        trail.append(Step(None, "unknown", "its source servers' egress addresses are not all recorded"))
        return None
    if ip_conns and unlisted:
        return messages.ip_problem(scope, sender, seen, ip_conns, unlisted)
    if not sender.addresses and sender.certificate is None:
        trail.append(Step(None, "unknown", "the relay host lists neither addresses nor a certificate"))
        return None
    return messages.relay_host_problem(scope, sender, cert_conns)


def _sender_domains(scope: Scope, sender: Sender) -> list[str] | None:
    if sender.obj.kind == "SendConnector":
        return hybrid.accepted_domains(scope)  # on-premises mailboxes send from the tenant's domains
    return [d for d, _ in sender.mail_from] if sender.mail_from is not None else None


def _catches(scope: Scope, sender: Sender, partner: Object) -> str | None:
    """The SenderDomains entry through which the Partner connector takes the sender's mail."""
    domains = _sender_domains(scope, sender)
    for entry in hybrid.values(partner, "SenderDomains"):
        domain = hybrid.address_space_domain(entry)
        if domain == "*":
            return entry
        if domains and any(pattern_covers(domain, d) for d in domains):
            return entry
    return None


def _satisfies(scope: Scope, sender: Sender, partner: Object) -> tuple[bool | None, str]:
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
            known = sender.certificate_state is CertificateState.NONE
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


def _partner_check(scope: Scope, sender: Sender, seen: Seen, base: Problem, trail: list[Step]) -> Problem:
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
        return messages.partner_problem(sender, partner, entry, why, base)
    return base


def _name_not_accepted(scope: Scope, connector: Object) -> bool:
    """An exact TlsSenderCertificateName that is not an accepted domain (Microsoft, 2025 [S32])."""
    name = connector.get("TlsSenderCertificateName")
    if (
        not acceptance.knows_accepted_domains(scope)
        or not isinstance(name, str)
        or connector_name_problem(name)
    ):
        return False
    return not is_wildcard(name) and hybrid.accepted_cover(scope, name) is None


def _accepted_domain_problems(
    scope: Scope, sender: Sender, seen: Seen, trail: list[Step], attributing: tuple[Ref, ...]
) -> list[Problem]:
    if not acceptance.knows_accepted_domains(scope):
        why = (
            "an accepted domain's name is invalid or misspelt"
            if scope.of("AcceptedDomain")
            else "the scope defines no accepted domains"
        )
        trail.append(Step(None, "not judged", f"{why}, so ATTR36 is not judged"))
        return []
    status: DomainStatus | None = None
    cert = sender.certificate
    if cert is not None:
        status, name, domain = certificate_domain(scope, cert)
        if status is DomainStatus.ACCEPTED:
            trail.append(
                Step(cert, "accepted", f"certificate name {name} is covered by accepted domain {domain}")
            )
        elif status is DomainStatus.UNDER:
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
        if cert is None or status is not DomainStatus.FOREIGN:
            return []
        return [messages.certificate_domain_problem(scope, sender, seen, attributing)]
    if sender.mail_from is None:
        trail.append(Step(sender.obj, "not judged", "its MAIL FROM domains are not listed"))
        return []
    if (
        status in (DomainStatus.ACCEPTED, DomainStatus.UNDER)
        or sender.certificate_state is CertificateState.UNKNOWN
    ):
        return []
    fixes: list[Fix] = []
    for domain, index in sender.mail_from:
        covering = hybrid.accepted_cover(scope, domain)
        if covering is not None:
            trail.append(Step(sender.obj, "accepted", f"MAIL FROM domain {domain} is accepted ({covering})"))
            continue
        trail.append(Step(sender.obj, "not accepted", f"MAIL FROM domain {domain} is not an accepted domain"))
        fixes.append(messages.mail_from_fix(sender, domain, index))
    return [messages.mail_from_problem(sender, fixes, attributing)] if fixes else []


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
            if c.get("ConnectorType") == "OnPremises" and hybrid.is_enabled(c) and has_name(c)
        ]
        problems = tuple(
            replace(p, fixes=(*messages.certificate_problem(scope, sender, named).fixes, *p.fixes))
            if p.cause == RELAY_HOST_UNMATCHED and named
            else p
            for p in verdict.problems
        )
        verdict = replace(verdict, problems=problems)
    if sender.mail_from != () or not acceptance.knows_accepted_domains(scope):
        return verdict
    cert = sender.certificate
    if cert is not None and certificate_domain(scope, cert)[0] is not DomainStatus.FOREIGN:
        return verdict
    problem = messages.null_sender_problem(sender)
    step = Step(sender.obj, "not accepted", f"{problem.detail}; ATTR36 applies")
    return replace(
        verdict, outcome=REJECTED, problems=(*verdict.problems, problem), trail=(*verdict.trail, step)
    )
