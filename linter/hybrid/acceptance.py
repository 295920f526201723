"""Which names the tenant accepts, as every rule and command asks it: whether the repository
says (``knows_accepted_domains``), the accepted domains for a message, the accepted domain a name
lies under, and the one answer to what an OnPremises inbound connector should name for a
certificate (``name_advice``), which check, fix, diagnose and simulate all give.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property

from linter.domain.names import base, is_wildcard, normalize, safe_name, shown
from linter.hybrid.topology import accepted_cover, accepted_domains
from linter.objects.scopes import Scope
from linter.values import dataclass


class Acceptance:
    """Per-scope answers (``scope.derived(Acceptance)``), each computed on first use."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    @cached_property
    def knows(self) -> bool:
        return _knows_accepted(self.scope)


def knows_accepted_domains(scope: Scope) -> bool:
    """Whether the scope says which domains the tenant accepts: it defines accepted domains, and
    none of them has a DomainName or MatchSubDomains that is invalid or misspelt (the input and
    syntax rules report that once; the rules that ask "is this name accepted?" stay silent)."""
    return scope.derived(Acceptance).knows


def _knows_accepted(scope: Scope) -> bool:
    defined = scope.of("AcceptedDomain")
    for obj in defined:
        if scope.unsure_of(obj) & {"DomainName", "MatchSubDomains"}:
            return False
        try:
            normalize(str(obj.get("DomainName")))
        except ValueError:
            return False
    return bool(defined)


def accepted_shown(scope: Scope) -> str:
    """The accepted domains for a message: as ``accepted_domains`` has them, IDNs in both forms,
    a MatchSubDomains domain with its subdomains spelled out."""
    listed = []
    domains = accepted_domains(scope)
    for domain in domains[:SHOWN_ACCEPTED]:  # a tenant can have 5,000; a message names a few
        if _match_subdomains(scope, domain):
            listed.append(f"{shown(domain[2:])} and its subdomains (MatchSubDomains)")
        else:
            listed.append(shown(domain))
    more = len(domains) - SHOWN_ACCEPTED
    return ", ".join(listed) + (f" and {more:,} more" if more > 0 else "")


SHOWN_ACCEPTED = 20


def _match_subdomains(scope: Scope, domain: str) -> bool:
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


def under_accepted(scope: Scope, name: str) -> str | None:
    """The accepted domain ``name`` is, or lies under (the 2017 relay notice's "contains a
    registered domain", S21): weaker than ``accepted_cover``, and what the certificate-domain half
    of the relay requirement asks for (exchange-facts 7, S30)."""
    covering = accepted_cover(scope, name)
    if covering is not None:
        return covering
    try:
        host = base(name)
    except ValueError:
        return None
    parents = [domain for domain in accepted_domains(scope) if host.endswith("." + base(domain))]
    return max(parents, key=len) if parents else None  # the most specific


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
