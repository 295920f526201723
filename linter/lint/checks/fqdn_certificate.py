"""A connector that leaves TlsCertificateName empty picks its certificate by its Fqdn: some
end-entity certificate of the scope must carry that name (its CN or a SAN entry, with a
certificate wildcard matching one label, RFC 6125). Nothing is judged when the scope holds no
end-entity certificates, since the repository then does not describe the server's certificates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from linter.domain.names import cert_name_matches_host
from linter.hybrid import topology as hybrid
from linter.lint.checks.hybrid_role import ROLES
from linter.model import Hit, Object, Ref
from linter.objects.scopes import Scope

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "role": {
            "description": "Judge only objects in this hybrid role (see the hybrid-role primitive).",
            "enum": sorted(ROLES),
        }
    },
}


def prepare(params: dict[str, Any]) -> Callable[[Object], bool] | None:
    role = params.get("role")
    return ROLES[role] if role else None


def check(role: Callable[[Object], bool] | None, obj: Object, scope: Scope) -> Iterator[Hit]:
    if (role is not None and not role(obj)) or obj.has("TlsCertificateName") or not obj.has("Fqdn"):
        return
    fqdn = str(obj.get("Fqdn")).strip()
    leaves = hybrid.leaf_certificates(scope)
    if not leaves or any(cert_name_matches_host(n, fqdn) for c in leaves for n in c.names):
        return
    carried = sorted({n for c in leaves for n in c.names})
    values = {"carried": ", ".join(carried)}
    related = tuple(Ref(c, message="a certificate of the repository") for c in leaves[:5])
    yield Hit(("Fqdn",), f"no certificate of the repository carries {fqdn}", values, related)
