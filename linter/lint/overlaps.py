"""Which claims of other tenants each claim overlaps, for the rules that compare scopes
(``shared_across_tenants``): by distinct value and through the primitive's index, so thousands of
tenants claiming values in one bucket are not compared pair by pair."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar


class _Claim(Protocol):
    """What is compared of ``linter.lint.engine.Claim`` (named here without importing it)."""

    @property
    def value(self) -> Any: ...
    @property
    def tenant(self) -> str: ...


Claim = TypeVar("Claim", bound=_Claim)


def tenant_key(tenant: str) -> str:
    return tenant.strip().rstrip(".").lower()


SHOWN_OTHERS = 10
"""Other claims a cross-scope finding names; thousands of tenants can claim one value."""


def overlapping_claims(primitive: Any, group: list[Claim]) -> Any:
    """claim -> (up to SHOWN_OTHERS overlapping claims of other scopes, how many more).

    Claims are compared by distinct value, through the primitive's index when it has one
    (``overlapping``), so a bucket of thousands of claims is not compared pair by pair."""
    by_value: dict[Any, list[Claim]] = {}
    for claim in group:
        by_value.setdefault(claim.value, []).append(claim)
    values = list(by_value)
    if hasattr(primitive, "overlapping"):
        near: dict[Any, list[Any]] = primitive.overlapping(values)
    else:
        near = {v: [w for w in values if primitive.overlap(v, w)] for v in values}
    # a claim's own tenant (its scope, or another scope of the same tenant, EX013) is no other
    own: dict[tuple[Any, str], int] = {}
    for claim in group:
        key = (claim.value, tenant_key(claim.tenant))
        own[key] = own.get(key, 0) + 1
    position = {id(claim): i for i, claim in enumerate(group)}

    def others(claim: Claim) -> tuple[list[Claim], int]:
        wider = near[claim.value]
        tenant = tenant_key(claim.tenant)
        total = sum(len(by_value[w]) - own.get((w, tenant), 0) for w in wider)
        shown: list[Claim] = []
        for w in wider:
            theirs = [o for o in by_value[w] if tenant_key(o.tenant) != tenant]
            shown += theirs[: SHOWN_OTHERS - len(shown)]
            if len(shown) == SHOWN_OTHERS:
                break
        return sorted(shown, key=lambda o: position[id(o)]), total - len(shown)

    return others
