"""The words of the attribution model: outcomes, NDR codes, causes, and the records a verdict is
made of (a sender, the steps of the reasoning, the problems found and where each is fixed)."""

from __future__ import annotations

from dataclasses import field
from enum import StrEnum
from typing import Any

from linter import ids
from linter.model import Certificate, Object, Pointer, Ref
from linter.objects.definitions import KIND_LABELS, label_of
from linter.values import dataclass


class Outcome(StrEnum):
    """What Exchange Online does with a sender's mail."""

    ATTRIBUTED = "attributed"  # an OnPremises connector takes it, and nothing rejects it
    REJECTED = "rejected"  # some or all of it is refused with an NDR
    UNKNOWN = "unknown"  # the repository does not tell


ATTRIBUTED = Outcome.ATTRIBUTED
REJECTED = Outcome.REJECTED
UNKNOWN = Outcome.UNKNOWN


class Method(StrEnum):
    """How an OnPremises connector attributes a sender."""

    CERTIFICATE = "certificate"
    IP = "ip"


class CertificateState(StrEnum):
    """What is known of the certificate a sender presents."""

    KNOWN = "known"
    UNKNOWN = "unknown"  # it presents one, but which cannot be told
    NONE = "none"  # it presents none


class DomainStatus(StrEnum):
    """Whether a certificate carries an accepted domain (see senders.certificate_domain)."""

    ACCEPTED = "accepted"  # a name is an accepted domain, or lies under a wildcard one
    UNDER = "under"  # a name lies below an accepted domain (the 2017 notice's "contains" [S21])
    FOREIGN = "foreign"  # neither


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

REPORTED_ELSEWHERE = {
    NOTHING_TO_MATCH: ids.ONPREMISES_CONNECTOR_IDENTIFIES_SENDER,
    CERTIFICATE_NAME_NOT_ACCEPTED: ids.CERTIFICATE_NAME_ACCEPTED,
}
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
    certificate_state: CertificateState
    addresses: tuple[tuple[str, Ref], ...]  # egress address and where it is written
    addresses_complete: bool  # every address it sends from is known
    mail_from: tuple[tuple[str, int], ...] | None  # MAIL FROM domains and their index; None: unknown
    relays: bool | None  # sends to domains outside the tenant (send connectors); None: unknown
    relayed: tuple[str, ...] = ()  # the address spaces outside the tenant
    certificate_note: str = ""  # why the certificate is not known

    @property
    def label(self) -> str:
        """``the send connector "X"`` / ``the relay host "Y"``, for the middle of a sentence."""
        return f'the {KIND_LABELS[self.obj.kind].lower()} "{self.obj.identity}"'


@dataclass(frozen=True)
class Verdict:
    """What Exchange Online does with one sender, and how exolint got there."""

    sender: Sender
    outcome: Outcome
    connector: Object | None  # the OnPremises inbound connector that attributes it
    method: Method | None
    problems: tuple[Problem, ...]
    trail: tuple[Step, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The NDR codes the sender's mail will get, most important first."""
        return tuple(dict.fromkeys(p.code for p in self.problems if p.certain))


@dataclass
class Seen:
    """The scope's inbound connectors as the judgement of one sender sees them."""

    onprem: list[Object] = field(default_factory=list)  # enabled OnPremises
    exact: list[Object] = field(default_factory=list)  # cover the certificate by a documented match
    wildcard: list[Object] = field(default_factory=list)  # only through a certificate wildcard
    holders: dict[str, list[Object]] = field(default_factory=dict)  # address -> connectors listing it
    disabled_matches: list[Object] = field(default_factory=list)
    partners: list[Object] = field(default_factory=list)  # enabled restricting Partner connectors
    untyped: list[Object] = field(default_factory=list)  # enabled, ConnectorType not set
    unsure: list[Object] = field(default_factory=list)  # a property that decides is invalid or misspelt
    exchange_online: Object | None = None  # set when there is no inbound connector at all: what
    # shows the scope describes Exchange Online all the same (an outbound connector, say)


def has_name(connector: Object) -> bool:
    """Whether an inbound connector identifies senders by a certificate name."""
    return connector.has("TlsSenderCertificateName")
