"""An ExchangeCertificate's Thumbprint is the SHA-1 of a certificate in its File.

The definition names the installed certificate twice: by Thumbprint (how Exchange and every
``-Thumbprint`` cmdlet find it) and by File (the public certificate kept in the repository).
When a renewal replaces the file and not the Thumbprint, the two describe different
certificates. Nothing is judged when File is unset, does not resolve, or holds no readable
certificate: the loading rules (EX009, EX010, EX003) say so.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from linter.hybrid import topology as hybrid
from linter.model import Certificate, Hit, Object, Ref
from linter.objects.scopes import Scope

PARAMS: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": {}}


def prepare(params: dict[str, Any]) -> None:
    return None


def file_target(obj: Object) -> str | None:
    """The repo-relative path ``File`` names, relative to the definition file."""
    ref = obj.get("File")
    if not isinstance(ref, str) or not ref.strip():
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(obj.path), ref.strip().replace("\\", "/")))


def check(prepared: None, obj: Object, scope: Scope) -> Iterator[Hit]:
    written = obj.get("Thumbprint")
    target = file_target(obj)
    if not isinstance(written, str) or target is None:
        return
    thumbprint = "".join(written.split()).upper()
    held = hybrid.file_certificates(scope, target)
    if not held or any(c.thumbprint == thumbprint for c in held):
        return
    leaves = [c for c in held if not c.is_ca] or held[:1]
    elsewhere = [c for c in scope.certificates if c.thumbprint == thumbprint]
    values: dict[str, Any] = {
        "file": obj.get("File"),
        "held": "; ".join(_described(c) for c in leaves),
        "elsewhere": (
            f"; that thumbprint belongs to {elsewhere[0].path} ({_described(elsewhere[0])})"
            if elsewhere
            else ""
        ),
    }
    if len(leaves) == 1:
        values["suggested"] = leaves[0].thumbprint
    related = (
        *(Ref(c, message="the certificate File holds") for c in leaves),
        *(Ref(c, message="the certificate the Thumbprint names") for c in elsewhere[:1]),
    )
    yield Hit(
        ("Thumbprint",),
        f"Thumbprint {written} is not the SHA-1 of the certificate in File {values['file']}",
        values,
        related,
    )


def _described(cert: Certificate) -> str:
    return f"{cert.subject}, thumbprint {cert.thumbprint}, expires {cert.not_after:%Y-%m-%d}"
