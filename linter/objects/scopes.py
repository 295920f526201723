"""Which files form one hybrid deployment, and the objects and certificates each one holds.

A directory holding a ``kind: Tenant`` definition starts a scope that reaches down to the next
such directory; with no Tenant above a file, the lint root is its scope. Cross-object rules look
only inside one scope, which is how one repository holds many tenants.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import posixpath
import re
from collections.abc import Callable, Collection
from dataclasses import field
from functools import cached_property
from typing import Any, TypeVar

from linter import ids
from linter.load.loader import DEFINITION_SUFFIXES, Loader, failed_file, may_hide_kind
from linter.load.locate import span
from linter.model import Certificate, Object, Problem
from linter.objects.definitions import (
    build_objects,
    candidates,
    certificate_object,
    kind_value,
    label_of,
)
from linter.objects.identities import duplicate_identities
from linter.values import dataclass

T = TypeVar("T")

_NAMES_TENANT = re.compile(r"""(?i)kind["']?\s*:\s*["']?tenant\b""")


def is_under(path: str, directory: str) -> bool:
    return directory == "" or path == directory or path.startswith(directory + "/")


def under_any(targets: Collection[str]) -> Callable[[str], bool]:
    """A test of whether a path is one of the targets or lies below one: a set lookup per
    directory above the path, so 5,000 file targets cost about what one directory does."""
    wanted = frozenset(targets)
    if not wanted or "" in wanted:
        return lambda path: True

    def involved(path: str) -> bool:
        while path not in wanted:
            if "/" not in path:
                return False
            path = path.rpartition("/")[0]
        return True

    return involved


def parent(directory: str) -> str:
    return posixpath.dirname(directory)


@dataclass
class Scope:
    """One deployment: the objects and certificates of the files below a directory."""

    directory: str
    objects: list[Object] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # files its objects name that do not exist
    by_kind: dict[str, list[Object]] = field(default_factory=dict)
    derived_answers: dict[Callable[[Scope], Any], Any] = field(
        default_factory=dict, repr=False, compare=False
    )
    by_object: dict[tuple[Callable[[Scope, Object], Any], int], Any] = field(
        default_factory=dict, repr=False, compare=False
    )  # (build, id(obj)) -> (obj, answer): see per_object
    as_of: dt.date = field(default_factory=dt.date.today)  # "now" for rules about dates
    unsure: dict[int, frozenset[str]] = field(default_factory=dict)
    """Per object (by id): the properties whose value exolint cannot know, because an input rule
    reported them (an invalid value, or an unknown key that is close to the property's name).
    Rules downstream stay silent about them instead of judging a value that is not there."""

    def unsure_of(self, obj: Object) -> frozenset[str]:
        return self.unsure.get(id(obj), frozenset())

    @cached_property
    def certificate_objects(self) -> list[Object]:
        """The scope's certificates as objects of kind Certificate, for the rules about them."""
        return [certificate_object(c, self.directory) for c in self.certificates]

    def derived(self, build: Callable[[Scope], T]) -> T:
        """``build(self)``, made once per scope: a higher layer's typed answers about this scope
        (linter.hybrid.topology, linter.hybrid.attribution), each computed on first use."""
        if build not in self.derived_answers:
            self.derived_answers[build] = build(self)
        found: T = self.derived_answers[build]
        return found

    def of(self, kind: str) -> list[Object]:
        return self.by_kind.get(kind, [])

    @property
    def tenant(self) -> Object | None:
        tenants = self.of("Tenant")
        return tenants[0] if tenants else None


class ScopeFinder:
    def __init__(self, loader: Loader) -> None:
        self.loader = loader
        self._tenant_dirs: dict[str, bool] = {}
        self.tenant_files: dict[str, bool] = {}  # definition file -> defines a Tenant (or known to)

    def is_tenant_dir(self, directory: str) -> bool:
        known = self._tenant_dirs.get(directory)
        if known is None:
            files, _, _ = self.loader.listing(directory)
            known = any(self._has_tenant(f) for f in files if f.lower().endswith(DEFINITION_SUFFIXES))
            self._tenant_dirs[directory] = known
        return known

    def _has_tenant(self, rel: str) -> bool:
        known = self.tenant_files.get(rel)
        if known is None:
            known = self.tenant_files[rel] = self._defines_tenant(rel)
        return known

    def _defines_tenant(self, rel: str) -> bool:
        loaded = self.loader.loaded(rel)
        if loaded is None:
            text = self.loader.peek(rel)
            if not _NAMES_TENANT.search(text) and not may_hide_kind(text, "tenant"):
                return False  # decided without parsing: the text names no Tenant
        document = (loaded or self.loader.load(rel)).document
        if document is None:
            return False
        return any(
            isinstance(kind, str) and kind.lower() == "tenant"
            for kind in (kind_value(m) for _, m in candidates(document))
        )

    def known_scope_of(self, directory: str) -> str | None:
        """scope_of(directory) when the directories it asks about are known already (nothing is
        read); else None."""
        current = directory
        while current:
            known = self._tenant_dirs.get(current)
            if known is None:
                return None
            if known:
                return current
            current = parent(current)
        return current

    def scope_of(self, directory: str) -> str:
        current = directory
        while not self.is_tenant_dir(current) and current:
            current = parent(current)
        return current

    def walk(self, scope_dir: str) -> tuple[list[str], list[Problem], list[str]]:
        """Files of one scope, listing problems, and the scopes nested below it."""
        files: list[str] = []
        problems: list[Problem] = []
        nested: list[str] = []
        stack = [scope_dir]
        while stack:
            directory = stack.pop()
            found, subdirs, listing_problems = self.loader.listing(directory)
            files.extend(found)
            problems.extend(listing_problems)
            for sub in reversed(subdirs):
                (nested if self.is_tenant_dir(sub) else stack).append(sub)
        return sorted(files), problems, nested

    def scopes_for(self, targets: list[str]) -> list[str]:
        """Every scope a target touches: its own, and for a directory every scope below it."""
        wanted: dict[str, None] = {}
        files = set(self.loader.named)  # the targets that are files, known without a stat
        for target in targets:
            is_dir = target not in files and os.path.isdir(self.loader.path(target))
            queue = [self.scope_of(target if is_dir else parent(target))]
            while queue:
                scope = queue.pop()
                if scope in wanted:
                    continue
                wanted[scope] = None
                if is_dir:
                    queue.extend(n for n in self.walk(scope)[2] if is_under(n, target))
        return list(wanted)


def per_object(build: Callable[[Scope, Object], T]) -> Callable[[Scope, Object], T]:
    """``build(scope, obj)`` made once for each object of a scope: a higher layer's answer about
    one object (the certificate a connector presents) that several rules ask for."""

    @functools.wraps(build)
    def answer(scope: Scope, obj: Object) -> T:
        key = (build, id(obj))
        known = scope.by_object.get(key)
        if known is None or known[0] is not obj:  # kept with the object, so its id stays its own
            known = scope.by_object[key] = (obj, build(scope, obj))
        found: T = known[1]
        return found

    return answer


def build_scope(finder: ScopeFinder, directory: str) -> tuple[Scope, list[Problem]]:
    """Load one scope: its objects, its certificates, and every problem found on the way."""
    loader = finder.loader
    files, problems_found, _ = finder.walk(directory)
    problems: list[Problem] = list(problems_found)
    scope = Scope(directory, files=files)
    tenant_files: list[str] = []
    for rel in files:
        loaded = loader.load(rel)
        problems.extend(loaded.problems)
        scope.certificates.extend(loaded.certificates)
        if loaded.document is not None:
            try:
                objects, found = build_objects(loaded.document, directory)
            except Exception as exc:  # exolint's own failure on one file must not end the run
                problems.append(failed_file(rel, exc))
                continue
            problems.extend(found)
            scope.objects.extend(objects)
            if any(o.kind == "Tenant" for o in objects):
                tenant_files.append(rel)
    _add_referenced_certificates(loader, scope, problems)
    for obj in scope.objects:
        scope.by_kind.setdefault(obj.kind, []).append(obj)
    for problem in problems:
        if problem.obj is not None and problem.about:
            key = id(problem.obj)
            scope.unsure[key] = scope.unsure.get(key, frozenset()) | frozenset(problem.about)
    problems.extend(duplicate_identities(scope.objects))
    tenants = scope.of("Tenant")
    for extra in tenants[1:]:
        problems.append(
            Problem(
                ids.DUPLICATE_TENANT,
                extra.path,
                span(extra.document, extra.raw_pointer(())),
                f'Tenant "{extra.identity}" shares its scope ({directory or "the lint root"}) with '
                f'Tenant "{tenants[0].identity}" of {tenants[0].path}; rules would mix their objects, '
                "so put each tenant in a directory of its own",
                extra,
            )
        )
    return scope, problems


def resolve_file(obj: Object) -> str | None:
    """The root-relative path an object's ``File`` names (relative to its definition file), or
    None when it names none."""
    ref = obj.get("File")
    if not isinstance(ref, str) or not ref:
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(obj.path), ref.replace("\\", "/")))


def _add_referenced_certificates(loader: Loader, scope: Scope, problems: list[Problem]) -> None:
    """Certificates named by ``File:`` that lie outside the scope directory (a shared folder)."""
    for obj in scope.objects:
        ref, target = obj.get("File"), resolve_file(obj)
        if not isinstance(ref, str) or target is None:
            continue
        where = span(obj.document, obj.raw_pointer(("File",)))
        drive = len(ref) > 1 and ref[1] == ":"  # C:\Certificates\...
        if (
            ref.startswith(("/", "\\"))
            or drive
            or target.startswith("../")
            or target == ".."
            or not loader.inside_root(loader.path(target))
        ):
            problems.append(
                Problem(
                    ids.PATH_OUTSIDE_ROOT,
                    obj.path,
                    where,
                    f"{label_of(obj)}: File {ref} points outside the lint root; keep the certificate "
                    "inside the repository and give a path relative to this file",
                    obj,
                    ("File",),
                )
            )
            continue
        path = loader.path(target)
        if not os.path.exists(path) or os.path.isdir(path):
            scope.missing.append(target)
            problems.append(
                Problem(
                    ids.CERTIFICATE_UNREADABLE,
                    obj.path,
                    where,
                    f"{label_of(obj)}: File {ref} does not exist (looked for {target}); commit the "
                    "public certificate there or correct the path",
                    obj,
                    ("File",),
                )
            )
            continue
        if target not in scope.files:
            loaded = loader.load(target)
            scope.files.append(target)
            scope.certificates.extend(loaded.certificates)
            problems.extend(loaded.problems)
