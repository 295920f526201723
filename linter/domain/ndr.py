"""The NDR and deferral codes rules prevent: what Exchange says, and what causes it.

Facts and sources: reference/exchange-facts.md section 6.
"""

from __future__ import annotations

NDRS: dict[str, tuple[str, str]] = {
    "550 5.7.64": (
        "550 5.7.64 TenantAttribution; Relay Access Denied",
        "Exchange Online refused to relay: no OnPremises inbound connector matched the sending "
        "server, by the certificate it presented or by its public IP address. Typical causes: the "
        "on-premises certificate was renewed under another name, the send connector names another "
        "certificate, or the egress IP address changed.",
    ),
    "ATTR36": (
        "550 5.7.64 Relay Access Denied ATTR36",
        "Exchange Online could not tell which tenant the mail belongs to: neither the certificate "
        "domain nor the MAIL FROM domain is an accepted domain of the tenant.",
    ),
    "550 5.7.51": (
        "550 5.7.51 TenantInboundAttribution",
        "A restricting Partner connector (RestrictDomainsToIPAddresses or "
        "RestrictDomainsToCertificate) matched the message and the source did not satisfy it; "
        "also seen when a non-wildcard TlsSenderCertificateName is not an accepted domain.",
    ),
    "454 4.7.5": (
        "454 4.7.5 The certificate specified in TlsCertificateName of the SendConnector could not be found",
        "The on-premises send connector names a certificate (issuer and subject) that no installed "
        "certificate has, typically after a renewal that changed the issuer or the subject.",
    ),
    "451 4.4.62": (
        "451 4.4.62 Mail sent to the wrong Office 365 region. ATTR35",
        "A smart host points at a legacy FOPE name or a Microsoft 365 IP address, or relay had no "
        "matching inbound connector.",
    ),
    "450 4.4.317": (
        "450 4.4.317 Cannot connect to remote server (SubjectMismatch, UntrustedRoot)",
        "Exchange Online could not complete TLS with the on-premises server: its certificate does "
        "not carry the outbound connector's TlsDomain, or the chain is incomplete.",
    ),
    "450 4.7.320": (
        "450 4.7.320 Certificate validation failed",
        "The on-premises receive certificate is expired, does not match TlsDomain, or a receiving "
        "server lacks TlsCertificateName.",
    ),
    "550 5.4.1": (
        "550 5.4.1 Relay Access Denied / 550 5.4.1 Recipient address rejected: Access denied",
        "The receiving side does not accept mail for the recipient's domain: the MX record is wrong, "
        "the domain is not accepted or not active, or the hybrid connectors are wrong; the second "
        "form is Directory Based Edge Blocking rejecting a recipient unknown in an Authoritative "
        "domain whose recipients still live on-premises (make it InternalRelay, with an outbound "
        "connector to on-premises).",
    ),
    "451 4.4.0": (
        "451 4.4.0 Primary target IP address responded with: 421 4.4.1 Connection timed out",
        "The on-premises server could not start TLS with the certificate the send connector selects: "
        "it is not enabled for SMTP (Enable-ExchangeCertificate -Services SMTP), and the send "
        "protocol log shows TLS negotiation failed with error UnknownCredentials; mail queues.",
    ),
}


def code_matches(query: str, code: str) -> bool:
    """``5.7.64`` and ``550 5.7.64`` both name ``550 5.7.64``; ``attr36`` names ``ATTR36``."""
    wanted = query.strip().lower().split()
    have = code.lower().split()
    return bool(wanted) and (wanted == have or (len(wanted) == 1 and wanted[0] in have))
