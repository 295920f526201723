"""Which certificate carries mail: the one Exchange selects for each enabled connector on each
server it runs on (the latest-expiring match, S38; each server has its own store), the one a
relay host presents, the certificate that takes over from another in a renewal, and the CA
certificates above them. The certificate rules judge these and leave the rest alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from linter.domain.dn import dn_equal
from linter.domain.names import normalize
from linter.hybrid.topology import (
    candidates,
    certificate_holders,
    certificate_uses,
    chosen_on_servers,
    covers_names,
    is_enabled,
    issuers_in_scope,
    leaf_certificates,
    receive_certificate,
)
from linter.model import Certificate
from linter.objects.scopes import Scope


class Selection:
    """Per-scope answers (``scope.derived(Selection)``), each computed on first use."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    @cached_property
    def selected(self) -> frozenset[Certificate]:
        return _selected(self.scope)

    @cached_property
    def leaves_by_name(self) -> dict[str, list[Certificate]]:
        by_name: dict[str, list[Certificate]] = {}
        for leaf in leaf_certificates(self.scope):
            for key in _name_keys([*leaf.names, *leaf.common_names]):
                by_name.setdefault(key, []).append(leaf)
        return by_name

    @cached_property
    def judged(self) -> dict[bool, frozenset[Certificate]]:
        return {}

    @cached_property
    def chains(self) -> dict[bool, frozenset[Certificate]]:
        return {}


def selected_certificates(scope: Scope) -> frozenset[Certificate]:
    """The certificates that carry mail: for each enabled send and receive connector, the one
    Exchange selects on each of its servers (``chosen_on_servers``), and the certificates relay
    hosts present (their File or Thumbprint). Empty when no object selects a certificate."""
    return scope.derived(Selection).selected


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


def _name_keys(names: Iterable[str]) -> set[str]:
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


def _name_neighbours(scope: Scope, cert: Certificate) -> list[Certificate]:
    """The end-entity certificates that share a name with ``cert``, or carry the wildcard one label
    above one of its names: the only ones that can take over from it. An index keeps a scope of
    many certificates linear."""
    by_name = scope.derived(Selection).leaves_by_name
    found: dict[str, Certificate] = {}
    for key in _name_keys([*cert.names, *cert.common_names]):
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


def judged_certificates(scope: Scope, replaced: bool) -> frozenset[Certificate]:
    """The end-entity certificates whose expiry matters: those selected; when no object selects
    any, every one (and when ``replaced`` is asked, only those no later certificate replaces)."""
    judged = scope.derived(Selection).judged
    if replaced not in judged:
        judged[replaced] = selected_certificates(scope) or frozenset(
            c for c in leaf_certificates(scope) if not replaced or successor(scope, c) is None
        )
    return judged[replaced]


def judged_chains(scope: Scope, replaced: bool) -> frozenset[Certificate]:
    """The CA certificates above the ``judged_certificates``."""
    chains = scope.derived(Selection).chains
    if replaced not in chains:
        leaves = judged_certificates(scope, replaced)
        chains[replaced] = frozenset(c for leaf in leaves for c in chain_of(scope, leaf))
    return chains[replaced]
