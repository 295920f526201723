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

The package, by job: ``terms`` (the outcomes, codes, causes and records), ``senders`` (who
relays, and what Exchange Online sees of each), ``verdicts`` (how Exchange Online judges each,
one function per ConnectorType) and ``messages`` (how a problem becomes a message and a fix).
"""

from linter.hybrid.attribution.messages import connector_name
from linter.hybrid.attribution.senders import SIMULATED, certificate_domain, message_sender, senders
from linter.hybrid.attribution.terms import (
    ATTR36,
    ATTRIBUTED,
    CAUSES,
    CERTIFICATE_DOMAIN_NOT_ACCEPTED,
    CERTIFICATE_NAME_NOT_ACCEPTED,
    CERTIFICATE_NOT_COVERED,
    CERTIFICATE_WILDCARD_ONLY,
    CODES,
    IP_NOT_LISTED,
    MAIL_FROM_NOT_ACCEPTED,
    NO_CONNECTOR,
    NOTHING_TO_MATCH,
    PARTNER_DENIED,
    PARTNER_RESTRICTED,
    REJECTED,
    RELAY_DENIED,
    RELAY_HOST_UNMATCHED,
    REPORTED_ELSEWHERE,
    UNKNOWN,
    Fix,
    Problem,
    Sender,
    Step,
    Verdict,
)
from linter.hybrid.attribution.verdicts import judge, judge_message, verdicts

__all__ = [
    "ATTR36",
    "ATTRIBUTED",
    "CAUSES",
    "CERTIFICATE_DOMAIN_NOT_ACCEPTED",
    "CERTIFICATE_NAME_NOT_ACCEPTED",
    "CERTIFICATE_NOT_COVERED",
    "CERTIFICATE_WILDCARD_ONLY",
    "CODES",
    "IP_NOT_LISTED",
    "MAIL_FROM_NOT_ACCEPTED",
    "NOTHING_TO_MATCH",
    "NO_CONNECTOR",
    "PARTNER_DENIED",
    "PARTNER_RESTRICTED",
    "REJECTED",
    "RELAY_DENIED",
    "RELAY_HOST_UNMATCHED",
    "REPORTED_ELSEWHERE",
    "SIMULATED",
    "UNKNOWN",
    "Fix",
    "Problem",
    "Sender",
    "Step",
    "Verdict",
    "certificate_domain",
    "connector_name",
    "judge",
    "judge_message",
    "message_sender",
    "senders",
    "verdicts",
]
