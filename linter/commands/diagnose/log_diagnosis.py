"""Why Exchange Online answered a logged session as it did, read against the repository.

The session's facts come from the protocol log (linter.commands.diagnose.protocol_log): the certificate the
on-premises server presented, the TLS outcome, the SMTP reply. The repository supplies what
Exchange Online compares them with: its OnPremises inbound connectors, accepted domains and the
send connector the log names (exchange-facts.md sections 4, 6, 7 and 9). Pure: no file is opened.
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING

from linter.domain.dn import format_tls_certificate_name
from linter.domain.names import Coverage, best_coverage
from linter.domain.ndr import NDRS
from linter.domain.powershell import double_quoted as q
from linter.hybrid import acceptance
from linter.hybrid import topology as hybrid
from linter.values import dataclass

if TYPE_CHECKING:
    from linter.commands.diagnose.protocol_log import SeenCertificate, Session
    from linter.model import Certificate, Object
    from linter.objects.scopes import Scope

NO_CREDENTIALS = frozenset({"unknowncredentials", "nocredentials"})


@dataclass
class Diagnosis:
    """Why a session went as it did, and what to change (empty for a session that went well)."""

    reasons: list[str] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)  # PowerShell commands
    connectors: list[str] = field(default_factory=list)  # identities of the objects to change
    notes: list[str] = field(default_factory=list)


def to_exo(session: Session, send_connector: Object | None) -> bool:
    """Whether a session went to (or, in a receive log, came from) Exchange Online: the log
    names an Exchange Online endpoint, the remote side's certificate is Exchange Online's, or the
    connector-id is a send connector of the repository meant for Exchange Online."""
    if session.remote_names:
        return True
    received = session.received
    if received is not None and "mail.protection.outlook.com" in received.names:
        return True
    return send_connector is not None and hybrid.meant_for_exo(send_connector)


def describe(cert: SeenCertificate) -> str:
    san = ", ".join(cert.alternate_names)
    return f"{cert.subject or '(no subject)'}" + (f" (SAN {san})" if san else "")


def _in_repository(scope: Scope, cert: SeenCertificate) -> Certificate | None:
    if not cert.thumbprint:
        return None
    return next((c for c in scope.certificates if c.thumbprint == cert.thumbprint), None)


def suggested_name(scope: Scope, cert: SeenCertificate) -> acceptance.NameAdvice:
    """The TlsSenderCertificateName to name for the certificate, the one answer check and fix
    give too (``topology.name_advice``), read from the repository's copy of the certificate when it
    holds one."""
    known = _in_repository(scope, cert)
    if known is not None:
        return acceptance.name_advice(scope, known.common_names, known.names)
    return acceptance.name_advice(scope, (cert.common_name,), cert.names)


def diagnose(
    scope: Scope | None, session: Session, send_connector: Object | None, candidates: tuple[str, ...] = ()
) -> Diagnosis:
    """``candidates``: the deployments that hold the connector but could not be told apart."""
    found = Diagnosis()
    if not session.failed:
        return found
    if scope is None and candidates:
        cert = session.presented if session.log_type != "receive" else session.received
        thumbprint = f"thumbprint {cert.thumbprint}" if cert and cert.thumbprint else "no thumbprint"
        found.notes.append(
            f'connector "{session.connector_id}" is defined in {len(candidates)} deployments of the '
            f"repository ({'; '.join(candidates)}) and the log's certificate ({thumbprint}) does not tell "
            "which one wrote this log, so none was compared; run diagnose in that deployment's directory "
            "or pass it as --root"
        )
    elif scope is None:
        found.notes.append(
            "no definitions were found to compare with; run diagnose inside the repository or pass --root"
        )
    if session.tls == "failed":
        _tls_failed(scope, session, send_connector, found)
    rejection = session.rejection
    if rejection is not None:
        if rejection.code == "550 5.7.64" and "ATTR36" in rejection.text.upper():
            _attr36(scope, session, found)
        elif rejection.code == "550 5.7.64":
            _relay_denied(scope, session, send_connector, found)
        else:
            _other_reply(rejection.code, rejection.text, found)
    return found


def _tls_failed(scope: Scope | None, session: Session, connector: Object | None, found: Diagnosis) -> None:
    error = session.tls_detail
    if error.lower() not in NO_CREDENTIALS:
        found.reasons.append(f"TLS negotiation failed with error {error}")
        return
    found.reasons.append(
        f"TLS negotiation failed with error {error}: the server had no certificate it could present "
        "for this connector, as when the certificate is not enabled for SMTP or TlsCertificateName "
        "names no installed certificate (exchange-facts 4, S36)"
    )
    if scope is None or connector is None:
        if session.log_type == "send":
            found.notes.append(
                f'the repository has no send connector named "{session.connector_id}" to check its '
                "TlsCertificateName against"
            )
        return
    value = connector.get("TlsCertificateName")
    if not isinstance(value, str) or not value.strip():
        found.reasons.append(
            f'Send connector "{connector.identity}" sets no TlsCertificateName, so Exchange picks a '
            f"certificate by its Fqdn {connector.get('Fqdn') or '(none set)'}; name the certificate "
            "with TlsCertificateName"
        )
        found.connectors.append(connector.identity)
        return
    resolution = hybrid.resolve_certificate_name(scope, value)
    chosen = resolution.chosen
    found.connectors.append(connector.identity)
    if chosen is None:
        found.reasons.append(
            f'Send connector "{connector.identity}" has TlsCertificateName {value}, which names no '
            "certificate of the repository (rule EX401): point it at the renewed certificate's "
            "issuer and subject"
        )
        candidates = [c for c in resolution.same_subject if not c.is_ca] or [
            c for c in resolution.same_issuer if not c.is_ca
        ]
        if len(candidates) == 1:
            new = format_tls_certificate_name(candidates[0].issuer, candidates[0].subject)
            found.fixes.append(
                f"Set-SendConnector -Identity {q(connector.identity)} -TlsCertificateName {q(new)}"
            )
        return
    services = [
        e
        for e in scope.of("ExchangeCertificate")
        if "".join(str(e.get("Thumbprint", "")).split()).upper() == chosen.thumbprint
    ]
    if services and not any("smtp" in (s.lower() for s in hybrid.values(e, "Services")) for e in services):
        found.reasons.append(
            f"TlsCertificateName resolves to {chosen.label} (thumbprint {chosen.thumbprint}), but its "
            "ExchangeCertificate definition does not list SMTP in Services: enable the certificate for "
            "the SMTP service on the source servers"
        )
    else:
        found.reasons.append(
            f'TlsCertificateName of send connector "{connector.identity}" resolves to {chosen.label} '
            f"(thumbprint {chosen.thumbprint}) in the repository, so the server itself lacks it: check "
            "that the certificate is installed with its private key and enabled for SMTP on the "
            "source servers (Get-ExchangeCertificate)"
        )


def _relay_denied(scope: Scope | None, session: Session, connector: Object | None, found: Diagnosis) -> None:
    cert = session.presented
    if cert is None:
        found.reasons.append(
            "Exchange Online refused to relay (550 5.7.64) and the log shows no certificate presented, "
            "so only the source IP address could attribute the mail: check SenderIPAddresses of the "
            "OnPremises inbound connector against the servers' public addresses"
        )
        return
    if scope is None:
        found.reasons.append(
            f"Exchange Online refused to relay (550 5.7.64) for the certificate {describe(cert)}"
        )
        return
    if connector is not None:
        _compare_with_repository(scope, cert, connector, found)
    onprem = hybrid.onpremises_inbound(scope)
    named = [c for c in onprem if hybrid.has_text(c, "TlsSenderCertificateName")]
    advice = suggested_name(scope, cert)
    suggested = advice.value
    if not named:
        what = "no enabled OnPremises inbound connector"
        if onprem:
            what += " that sets TlsSenderCertificateName"
        found.reasons.append(
            f"the repository has {what}, so nothing attributes the certificate {describe(cert)} to the tenant"
        )
        found.fixes.append(
            f"New-InboundConnector -Name {q('Inbound from on-premises')} -ConnectorType OnPremises "
            f"-SenderDomains {q('*')} -TlsSenderCertificateName {suggested}"
        )
        return
    coverages = [(c, *best_coverage(str(c.get("TlsSenderCertificateName")), cert.names)) for c in named]
    exact = [c for c, coverage, _ in coverages if coverage is Coverage.EXACT]
    if exact:
        _covered_anyway(scope, cert, exact[0], found)
        return
    for inbound, coverage, matched in coverages:
        value = inbound.get("TlsSenderCertificateName")
        if coverage is Coverage.WILDCARD_CERTIFICATE:
            found.reasons.append(
                f'Inbound connector "{inbound.identity}" accepts TLS certificate name {value}, which the '
                f"presented certificate {describe(cert)} matches only through its wildcard {matched}; "
                "that match is not documented"
            )
        else:
            found.reasons.append(
                f'Inbound connector "{inbound.identity}" accepts TLS certificate name {value}, but the '
                f"on-premises server presented {describe(cert)} "
                f"(thumbprint {cert.thumbprint or 'not logged'}); "
                "no enabled OnPremises connector covers it, so Exchange Online answers 550 5.7.64"
            )
        found.connectors.append(inbound.identity)
        found.fixes.append(
            f"Set-InboundConnector -Identity {q(inbound.identity)} -TlsSenderCertificateName {suggested}"
        )
    if advice.note:
        found.notes.append(advice.note)


def _compare_with_repository(
    scope: Scope, cert: SeenCertificate, connector: Object, found: Diagnosis
) -> None:
    presented = hybrid.presented_certificate(scope, connector)
    if presented is None or not cert.thumbprint or presented.certificate.thumbprint == cert.thumbprint:
        return
    found.notes.append(
        f'the repository says send connector "{connector.identity}" presents '
        f"{presented.certificate.label} (thumbprint {presented.certificate.thumbprint}, selected by "
        f"{presented.property}), but the log shows thumbprint {cert.thumbprint}: the repository does not "
        "describe the server as it is"
    )


def _covered_anyway(scope: Scope, cert: SeenCertificate, inbound: Object, found: Diagnosis) -> None:
    accepted = [n for n in cert.names if _under_accepted(scope, n)]
    if not accepted:
        found.reasons.append(
            f"the certificate {describe(cert)} carries no name under an accepted domain of the tenant, "
            "so unless the MAIL FROM domain is accepted the relay is refused (ATTR36): add the "
            "certificate's domain as an accepted domain"
        )
        return
    found.reasons.append(
        f'Inbound connector "{inbound.identity}" in the repository accepts TLS certificate name '
        f"{inbound.get('TlsSenderCertificateName')}, which covers the presented certificate "
        f"{describe(cert)}: the tenant's live connector differs from the repository (compare with "
        "Get-InboundConnector), or it is disabled or of another ConnectorType there"
    )
    found.connectors.append(inbound.identity)


def _under_accepted(scope: Scope, name: str) -> bool:
    """Whether a certificate name is, or lies under, an accepted domain: the certificate domain
    the relay requirement asks for (exchange-facts 7, S21, S30)."""
    return acceptance.under_accepted(scope, name) is not None


def _attr36(scope: Scope | None, session: Session, found: Diagnosis) -> None:
    cert = session.presented
    domain = session.mail_from.rpartition("@")[2]
    found.reasons.append(
        "Exchange Online could not tell the tenant (ATTR36): neither the certificate domain nor the "
        f"MAIL FROM domain ({domain or 'empty'}) is an accepted domain"
    )
    if scope is not None and cert is not None and not any(_under_accepted(scope, n) for n in cert.names):
        found.fixes.append(
            f"add an accepted domain that covers {suggested_name(scope, cert).exact} (the certificate "
            "domain), so mail with any MAIL FROM is attributed"
        )


def _other_reply(code: str, text: str, found: Diagnosis) -> None:
    known = NDRS.get(code)
    if known is not None:
        found.reasons.append(f"{text}: {known[1]}")
    else:
        found.reasons.append(f"Exchange Online answered {text}")
