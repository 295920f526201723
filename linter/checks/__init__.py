"""The primitives rules are built from: an explicit table, name -> module.

Each module has ``PARAMS`` (a JSON Schema for the rule's params), ``prepare(params)`` (compiled
once per rule) and ``check(prepared, obj, scope)``, a generator of ``Hit`` values: a pointer into
the object, a message, values for the rule's templates and related places. A primitive never
opens a file and knows no line numbers. A primitive marked ``CROSS_SCOPE`` yields claims
instead (``claims(prepared, obj, scope)``), which the engine compares between scopes.
"""

from __future__ import annotations

from types import ModuleType

from linter.checks import (
    accepted_domain,
    certificate_coverage,
    certificate_reference,
    domain_syntax,
    match,
    pattern,
    require_any,
    sender_ips,
    shared_across_tenants,
)

CHECKS: dict[str, ModuleType] = {
    "accepted-domain": accepted_domain,
    "certificate-coverage": certificate_coverage,
    "certificate-reference": certificate_reference,
    "domain-syntax": domain_syntax,
    "match": match,
    "pattern": pattern,
    "require-any": require_any,
    "sender-ips": sender_ips,
    "shared-across-tenants": shared_across_tenants,
}
