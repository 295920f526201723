"""What the scopes a changed-file run does not lint claim: enough to compare across tenants.

A run given file paths lints only the scopes of those files, yet a value one of them claims
(a sender IP, a certificate domain) may clash with a tenant elsewhere in the repository. Instead
of linting every other scope, this lists the repository once and reads the bytes of each
definition file: only a file that names a kind a cross-scope rule looks at *and* mentions the
text of a value the linted scopes claim (the first three octets of an address, a domain; any
file that is not plain ASCII, whose spelling may differ) is parsed, and only its objects are
built. Their scope and tenant come from the directories above them, as in a full run.
"""

from __future__ import annotations

import codecs
import posixpath
import re
from typing import TYPE_CHECKING, Any, Protocol

from linter.load.loader import CERTIFICATE_SUFFIXES, DEFINITION_SUFFIXES, MAX_DEFINITION_BYTES, Loader
from linter.objects.definitions import build_objects
from linter.objects.scopes import Scope, ScopeFinder, parent

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterator, Mapping, Sequence

    from linter.model import Rule


class Claim(Protocol):
    """A claim as linter.lint.engine makes it (this module is below the engine)."""

    @property
    def rule_id(self) -> str: ...

    @property
    def value(self) -> Any: ...


class Engine(Protocol):
    """What of linter.lint.engine.Engine the index uses."""

    @property
    def rules(self) -> Mapping[str, Rule]: ...

    @property
    def across(self) -> Mapping[str, Sequence[Rule]]: ...

    def claims(self, scope: Scope) -> Sequence[Any]: ...


def claims_elsewhere(
    engine: Engine, finder: ScopeFinder, linted: set[str], near: Sequence[Claim]
) -> list[Any]:
    """The claims of every scope outside ``linted`` that fall in a bucket of ``near``; ``finder``
    is the run's, which knows the scopes it found.

    Only the claims of rules are looked up. The engine's claim of a scope's own tenant (two
    directories of one tenant, EX013) is not: that is a finding about the repository's layout,
    reported when both directories are linted, and a changed-file run of one of them (the
    shipped examples are one tenant before and after a renewal) stays about that deployment."""
    from linter.lint.checks import CHECKS

    def primitive(claim: Claim) -> Any:
        rule = engine.rules.get(claim.rule_id)
        return CHECKS[rule.check] if rule is not None and rule.check else None

    near = [c for c in near if primitive(c) is not None]
    if not near or not engine.across:
        return []

    def bucket_of(claim: Claim) -> tuple[str, str]:
        return claim.rule_id, primitive(claim).bucket(claim.value)

    wanted = {bucket_of(c) for c in near}
    hints: set[bytes] | None = set()
    for claim in near:
        hint = primitive(claim).hint(claim.value)
        if hint is None or hints is None:
            hints = None  # a value without a textual hint: every candidate file is read
        else:
            hints.add(hint.lower().encode())
    kinds = re.compile(rb"""(?i)kind["']?\s*:\s*["']?(""" + "|".join(engine.across).encode() + rb""")\b""")
    by_scope: dict[str, Scope] = {}
    for rel, data in _definitions(
        finder.loader, lambda rel: finder.known_scope_of(parent(rel)) not in linted
    ):
        plain = data.isascii()
        if plain and not kinds.search(data):
            continue
        if plain and hints is not None:
            lowered = data.lower()
            if not any(h in lowered for h in hints):
                continue
        directory = finder.scope_of(parent(rel))
        if directory in linted:
            continue
        document = finder.loader.load(rel).document
        if document is None:
            continue
        scope = by_scope.get(directory)
        if scope is None:
            scope = by_scope[directory] = _with_tenant(finder, directory)
        for obj in build_objects(document, directory)[0]:
            if obj.kind in engine.across:
                scope.objects.append(obj)
                scope.by_kind.setdefault(obj.kind, []).append(obj)
    found = [c for scope in by_scope.values() for c in engine.claims(scope) if primitive(c) is not None]
    return [c for c in found if bucket_of(c) in wanted]


def referring_scopes(
    finder: ScopeFinder, certificates: Sequence[str], known: Collection[str] = ()
) -> set[str]:
    """The scopes (beyond the ``known`` ones, whose files are not read) whose ExchangeCertificate
    or RelayHost definitions name one of these certificate files in ``File`` (a folder of
    certificates several deployments share): only the definitions whose text mentions a file's
    name are parsed."""
    from linter.objects.scopes import resolve_file

    wanted = {c for c in certificates if c.lower().endswith(CERTIFICATE_SUFFIXES)}
    if not wanted:
        return set()
    names = {posixpath.basename(c).lower().encode() for c in wanted}
    found: set[str] = set()
    unknown = lambda rel: finder.known_scope_of(parent(rel)) not in known  # noqa: E731
    for rel, data in _definitions(finder.loader, unknown, keep=True):
        lowered = data.lower()
        if data.isascii() and not any(n in lowered for n in names):
            finder.loader.forget(rel)  # names none of them: not kept for a lint that may not need it
            continue
        document = finder.loader.load(rel).document
        if document is None:
            continue
        directory = finder.scope_of(parent(rel))
        for obj in build_objects(document, directory)[0]:
            if resolve_file(obj) in wanted:
                found.add(directory)
    return found


def _definitions(
    loader: Loader, wanted: Callable[[str], bool], keep: bool = False
) -> Iterator[tuple[str, bytes]]:
    """Every definition file the run would read (that is ``wanted``), scope boundaries aside, with
    the bytes to search. The bytes stay with the loader while the caller looks at a file (it may
    load it); ``keep``: after that too, for the lint to come."""
    for rel in loader.everything()[0]:
        if not rel.lower().endswith(DEFINITION_SUFFIXES) or not wanted(rel):
            continue  # a certificate, or a file of a scope the run has linted already: not read
        raw = loader.content(rel, keep=True)
        data = _plain(raw) if raw is not None else None
        if data is not None:
            yield rel, data
        if not keep:
            loader.forget(rel)


def _plain(data: bytes) -> bytes | None:
    """The bytes to search: without a UTF-8 byte order mark, and UTF-16 (as PowerShell's
    Out-File writes it) as ASCII when it is; None for a file over the size limit."""
    if len(data) > MAX_DEFINITION_BYTES:
        return None
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return data
        return text.encode() if text.isascii() else data
    return data


def _with_tenant(finder: ScopeFinder, directory: str) -> Scope:
    """An empty scope that knows its Tenant (the definitions of its top directory name it)."""
    scope = Scope(directory)
    if not finder.is_tenant_dir(directory):
        return scope
    files, _, _ = finder.loader.listing(directory)
    for rel in files:
        if not finder.tenant_files.get(rel):
            continue  # is_tenant_dir knows the files that define a Tenant
        document = finder.loader.load(rel).document
        if document is None:
            continue
        for obj in build_objects(document, directory)[0]:
            if obj.kind == "Tenant":
                scope.objects.append(obj)
                scope.by_kind.setdefault("Tenant", []).append(obj)
    return scope
