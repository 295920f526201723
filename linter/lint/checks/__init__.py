"""The primitives rules are built from: an explicit table, name -> module.

Each module has ``PARAMS`` (a JSON Schema for the rule's params), ``prepare(params)`` (compiled
once per rule) and ``check(prepared, obj, scope)``, a generator of ``Hit`` values: a pointer into
the object, a message, values for the rule's templates and related places. A primitive never
opens a file and knows no line numbers. A primitive marked ``CROSS_SCOPE`` yields claims
instead (``claims(prepared, obj, scope)``), which the engine compares between scopes.
"""

from __future__ import annotations

from types import ModuleType

from linter.lint.checks import (
    accepted_domain,
    address_space,
    attribution,
    certificate_chain,
    certificate_coverage,
    certificate_expiry,
    certificate_on_servers,
    certificate_reference,
    certificate_referenced,
    certificate_services,
    certificate_thumbprint,
    domain_overlap,
    domain_syntax,
    fqdn_certificate,
    hybrid_role,
    match,
    match_each,
    minimum,
    onpremises_route,
    pattern,
    receive_certificate_coverage,
    receiving_servers,
    require_any,
    sender_ips,
    shared_across_tenants,
)

CHECKS: dict[str, ModuleType] = {
    "accepted-domain": accepted_domain,
    "address-space": address_space,
    "attribution": attribution,
    "certificate-chain": certificate_chain,
    "certificate-coverage": certificate_coverage,
    "certificate-expiry": certificate_expiry,
    "certificate-on-servers": certificate_on_servers,
    "certificate-reference": certificate_reference,
    "certificate-referenced": certificate_referenced,
    "certificate-services": certificate_services,
    "certificate-thumbprint": certificate_thumbprint,
    "domain-overlap": domain_overlap,
    "domain-syntax": domain_syntax,
    "fqdn-certificate": fqdn_certificate,
    "hybrid-role": hybrid_role,
    "match": match,
    "match-each": match_each,
    "minimum": minimum,
    "onpremises-route": onpremises_route,
    "pattern": pattern,
    "receive-certificate-coverage": receive_certificate_coverage,
    "receiving-servers": receiving_servers,
    "require-any": require_any,
    "sender-ips": sender_ips,
    "shared-across-tenants": shared_across_tenants,
}
