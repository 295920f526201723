"""How a problem Exchange Online has with a sender becomes words and a repair: the clause a rule
message is built from, the advice, the PowerShell command that fixes it, and the places a
finding names beside the one it points at. Every Problem of the attribution model is built here;
linter.hybrid.attribution.verdicts decides when.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from linter.domain.dn import format_tls_certificate_name
from linter.domain.ips import SenderIPError, parse_address
from linter.domain.names import Coverage, best_coverage, shown
from linter.domain.powershell import double_quoted as q
from linter.hybrid import acceptance
from linter.hybrid import topology as hybrid
from linter.hybrid.attribution.senders import certificate_domain
from linter.hybrid.attribution.terms import (
    ATTR36,
    CERTIFICATE_DOMAIN_NOT_ACCEPTED,
    CERTIFICATE_NAME_NOT_ACCEPTED,
    CERTIFICATE_NOT_COVERED,
    CERTIFICATE_WILDCARD_ONLY,
    IP_NOT_LISTED,
    MAIL_FROM_NOT_ACCEPTED,
    NO_CONNECTOR,
    NOTHING_TO_MATCH,
    PARTNER_DENIED,
    PARTNER_RESTRICTED,
    RELAY_DENIED,
    RELAY_HOST_UNMATCHED,
    CertificateState,
    DomainStatus,
    Fix,
    Problem,
    Seen,
    Sender,
    Verdict,
    has_name,
)
from linter.model import Certificate, Object, Pointer, Ref
from linter.objects.definitions import label_of
from linter.objects.scopes import Scope


def one_command_per_list(found: tuple[Verdict, ...]) -> tuple[Verdict, ...]:
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


def _set_inbound(connector: Object, parameter: str, value: str) -> str:
    return f"Set-InboundConnector -Identity {q(connector.identity)} -{parameter} {value}"


def connector_name(scope: Scope, cert: Certificate) -> str:
    """What an OnPremises inbound connector should name for this certificate
    (``topology.name_advice``, the one answer every command gives)."""
    return acceptance.name_advice(scope, cert.common_names, cert.names).value


def _advice_note(scope: Scope, cert: Certificate) -> str:
    """The advice's note as a sentence to append to a message ("" when there is none)."""
    note = acceptance.name_advice(scope, cert.common_names, cert.names).note
    return f" Note: {note}." if note else ""


def _ipv4(addresses: Iterable[str]) -> list[str]:
    found = []
    for address in addresses:
        try:
            parse_address(address)
        except SenderIPError:
            continue
        found.append(address)
    return found


def _new_connector(scope: Scope, sender: Sender) -> str | None:
    """The New-InboundConnector command that would attribute the sender (certificate preferred)."""
    name = (
        f"Relay from {sender.obj.identity}" if sender.obj.kind == "RelayHost" else "Inbound from on-premises"
    )
    head = f"New-InboundConnector -Name {q(name)} -ConnectorType OnPremises -SenderDomains {q('*')}"
    if sender.certificate is not None:
        cert = sender.certificate
        return f"{head} -TlsSenderCertificateName {connector_name(scope, cert)}"
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


def no_connector(scope: Scope, sender: Sender, seen: Seen) -> Problem:
    if seen.disabled_matches:
        disabled = seen.disabled_matches[0]
        command: str | None = _set_inbound(disabled, "Enabled", "$true")
        advice = f'Enable the OnPremises connector "{disabled.identity}", which would match it.'
    else:
        command = _new_connector(scope, sender)
        advice = "Create an OnPremises inbound connector that names its certificate or its addresses."
    untyped = ", ".join(f'"{c.identity}"' for c in seen.untyped)
    hint = f" ({untyped} sets no ConnectorType)" if untyped else ""
    side = seen.exchange_online
    if side is not None:
        clause = (
            f"{_evidence(sender)} to Exchange Online, but the scope has no inbound connector at all, "
            f"though it describes Exchange Online ({label_of(side)}); only an OnPremises inbound "
            "connector lets Exchange Online relay its mail (was it deleted?)"
        )
    else:
        clause = (
            f"{_evidence(sender)} to Exchange Online, but the scope has no enabled OnPremises inbound "
            f"connector{hint}, and only such a connector lets Exchange Online relay its mail"
        )
    fix = Fix(sender.obj, _route_pointer(sender), command, {"clause": clause, "advice": advice})
    related = tuple(Ref(c, ("Enabled",), "disabled OnPremises connector") for c in seen.disabled_matches)
    if side is not None:
        related += (Ref(side, (), "shows the scope describes Exchange Online"),)
    return Problem(RELAY_DENIED, NO_CONNECTOR, clause, (fix,), related + _sender_refs(sender))


def nothing_to_match(onprem: list[Object]) -> Problem:
    clause = "no enabled OnPremises connector sets TlsSenderCertificateName or SenderIPAddresses"
    fixes = tuple(Fix(c, (), None, {"clause": clause, "advice": ""}) for c in onprem)
    return Problem(RELAY_DENIED, NOTHING_TO_MATCH, clause + " (rule EX101)", fixes)


def certificate_problem(scope: Scope, sender: Sender, cert_conns: list[Object]) -> Problem:
    cert = sender.certificate
    assert cert is not None
    suggested = connector_name(scope, cert)
    fixes = []
    for connector in cert_conns:
        value = str(connector.get("TlsSenderCertificateName"))
        clause = f"accepts TLS certificate name {shown(value)}, but {sender.label} presents {cert.label}"
        values = _name_values(scope, sender, cert, value, "")
        values["clause"] = clause
        values["advice"] = (
            f"Set TlsSenderCertificateName to {suggested}, or give the sender a certificate "
            f"that carries {value}.{values['widening']}"
        )
        fixes.append(_rename(connector, suggested, values, sender))
    detail = f"no enabled OnPremises connector's TlsSenderCertificateName covers {cert.label}"
    return Problem(RELAY_DENIED, CERTIFICATE_NOT_COVERED, detail, tuple(fixes))


def _name_values(
    scope: Scope, sender: Sender, cert: Certificate, value: str, matched: str
) -> dict[str, object]:
    """What the messages of EX601 and EX602 are filled with."""
    return {
        "value": shown(value),
        "sender": sender.obj.identity,
        "sender_label": sender.label,
        "certificate": cert.label,
        "suggested": connector_name(scope, cert),
        "matched": matched,
        "selected_by": sender.certificate_pointer[0],
        "widening": _advice_note(scope, cert),
    }


def _rename(connector: Object, suggested: str, values: dict[str, object], sender: Sender) -> Fix:
    command = _set_inbound(connector, "TlsSenderCertificateName", suggested)
    return Fix(connector, ("TlsSenderCertificateName",), command, values, _certificate_related(sender))


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


def wildcard_problem(scope: Scope, sender: Sender, wildcard: list[Object]) -> Problem:
    cert = sender.certificate
    assert cert is not None
    suggested = connector_name(scope, cert)
    fixes = []
    for connector in wildcard:
        value = str(connector.get("TlsSenderCertificateName"))
        matched = best_coverage(value, cert.names)[1] or ""
        fixes.append(_rename(connector, suggested, _name_values(scope, sender, cert, value, matched), sender))
    detail = f"matches {cert.label} only through a certificate wildcard, which Microsoft does not document"
    return Problem(RELAY_DENIED, CERTIFICATE_WILDCARD_ONLY, detail, tuple(fixes), certain=False)


def ip_problem(
    scope: Scope, sender: Sender, seen: Seen, ip_conns: list[Object], unlisted: list[str]
) -> Problem:
    near = [c for c in ip_conns if any(c in seen.holders.get(a, []) for a, _ in sender.addresses)]
    missing = ", ".join(unlisted)
    v4 = _ipv4(unlisted)
    if sender.obj.kind == "SendConnector" or sender.certificate_state is CertificateState.UNKNOWN:
        why_not = "and no OnPremises connector names a certificate it presents"
    elif sender.certificate is not None:
        why_not = f"and no OnPremises connector names its certificate {sender.certificate.label}"
    else:
        why_not = "and it presents no certificate"
    if sender.obj.kind == "SendConnector" and not any(has_name(c) for c in seen.onprem):
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


def relay_host_problem(scope: Scope, sender: Sender, cert_conns: list[Object]) -> Problem:
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
    command = _new_connector(scope, sender)
    fix = Fix(sender.obj, _route_pointer(sender), command, {"clause": clause, "advice": advice})
    related = tuple(
        Ref(c, ("TlsSenderCertificateName",), "OnPremises connector that names another certificate")
        for c in (cert_conns if sender.certificate is not None else [])
    )
    return Problem(RELAY_DENIED, RELAY_HOST_UNMATCHED, clause, (fix,), _sender_refs(sender) + related)


def name_problem(scope: Scope, sender: Sender, matched: list[Object]) -> Problem:
    names = ", ".join(str(c.get("TlsSenderCertificateName")) for c in matched)
    clause = (
        f"names {names} in TlsSenderCertificateName, which is not a wildcard and not an accepted domain; "
        "Microsoft's 2025 guidance says on-premises mail then fails with 5.7.51 (rule EX103)"
    )
    fixes = tuple(
        Fix(c, ("TlsSenderCertificateName",), None, {"clause": clause, "advice": ""}) for c in matched
    )
    return Problem(PARTNER_DENIED, CERTIFICATE_NAME_NOT_ACCEPTED, clause, fixes, _sender_refs(sender))


def certificate_domain_problem(
    scope: Scope, sender: Sender, seen: Seen, attributing: tuple[Ref, ...]
) -> Problem:
    cert = sender.certificate
    assert cert is not None
    accepted = ", ".join(hybrid.accepted_domains(scope))
    spaces = ", ".join(sender.relayed)
    better = [
        c
        for c in hybrid.leaf_certificates(scope)
        if certificate_domain(scope, c)[0] is not DomainStatus.FOREIGN
        and any(
            best_coverage(str(o.get("TlsSenderCertificateName", "")), c.names)[0] is Coverage.EXACT
            for o in seen.onprem
            if has_name(o)
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


def partner_problem(sender: Sender, partner: Object, entry: str, why: str, base: Problem) -> Problem:
    """The restricting Partner connector catches the mail no OnPremises connector attributes
    (through its SenderDomains ``entry``) and rejects it with 5.7.51 for the reason ``why``: the
    fixes of ``base`` (why no OnPremises connector took it) say so, or, when none of those is on an
    inbound connector, the fix is on the Partner connector."""
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


def mail_from_fix(sender: Sender, domain: str, index: int) -> Fix:
    """The relay host's MAIL FROM domain at ``index`` is not accepted, nor is its certificate's."""
    cert = sender.certificate
    cert_note = (
        f"its certificate {cert.label} carries no accepted domain" if cert else "it presents no certificate"
    )
    clause = f"sends as MAIL FROM domain {domain}, which is not an accepted domain, and {cert_note}"
    values = {"sender": sender.obj.identity, "domain": domain, "clause": clause, "advice": ""}
    return Fix(sender.obj, ("MailFromDomains", index), None, values)


def mail_from_problem(sender: Sender, fixes: list[Fix], attributing: tuple[Ref, ...]) -> Problem:
    detail = "mail from a MAIL FROM domain that is not accepted has no accepted certificate domain either"
    related = (_sender_refs(sender) if sender.certificate else ()) + attributing
    return Problem(ATTR36, MAIL_FROM_NOT_ACCEPTED, detail, tuple(fixes), related)


def null_sender_problem(sender: Sender) -> Problem:
    """A message with an empty MAIL FROM whose certificate carries no accepted domain (ATTR36)."""
    cert = sender.certificate
    has = f"its certificate {cert.label} carries no accepted domain" if cert else "it presents no certificate"
    clause = f"has an empty MAIL FROM (a null sender, such as an NDR), and {has}"
    advice = (
        "Present a certificate whose name is at or under an accepted domain, or add the certificate's "
        "domain as an accepted domain (verified in the Microsoft 365 admin center)."
    )
    fix = Fix(sender.obj, ("File",), None, {"clause": clause, "advice": advice})
    return Problem(ATTR36, MAIL_FROM_NOT_ACCEPTED, clause, (fix,))
