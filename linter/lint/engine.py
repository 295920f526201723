"""Rules x objects -> findings: selects the objects in each rule's scope, runs its primitive,
stamps rule metadata and locations, and turns every failure into a finding of its own."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import string
from collections.abc import Collection, Mapping
from dataclasses import field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter import ids, values
from linter.domain.untrusted import redact
from linter.lint.checks import CHECKS
from linter.lint.overlaps import overlapping_claims, tenant_key
from linter.lint.reach import reach
from linter.lint.workers import collector_paused, in_workers, processes
from linter.load.loader import Loader, named_files
from linter.load.locate import span
from linter.model import (
    SEVERITY_RANK,
    Certificate,
    Checked,
    Finding,
    Hit,
    Location,
    Object,
    Pointer,
    Problem,
    Ref,
    Repair,
    Report,
    Rule,
    Span,
    SuppressionComment,
    pointer_text,
    shown,
)
from linter.objects.conditions import condition_test, matches
from linter.objects.definitions import label_of as label
from linter.objects.scopes import Scope, ScopeFinder, build_scope, under_any

if TYPE_CHECKING:
    from linter.lint.cache import Cache


def fingerprint(*parts: str) -> str:
    """Stable identity of a finding: rule, scope, object and property, never the line."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


class _Template(string.Formatter):
    def get_value(self, key: int | str, args: Any, kwargs: Any) -> Any:
        return kwargs[key]  # a KeyError tells the caller the template does not fit this hit


def fill(template: str, values: dict[str, Any]) -> str | None:
    try:
        return _Template().vformat(template, (), values)
    except (KeyError, IndexError, ValueError, AttributeError):
        return None


class Engine:
    def __init__(self, rules: list[Rule], as_of: dt.date | None = None) -> None:
        self.rules = {r.id: r for r in rules}

        self.by_kind: dict[str, list[Rule]] = {}
        self.across: dict[str, list[Rule]] = {}  # rules whose primitive compares scopes
        for rule in rules:
            if rule.kind and rule.check:
                table = self.across if getattr(CHECKS[rule.check], "CROSS_SCOPE", False) else self.by_kind
                table.setdefault(rule.kind, []).append(rule)
        self.as_of = as_of or dt.date.today()
        # per kind: each rule with its scope test, primitive and judged properties, made once
        self._plans = {
            kind: [(r, condition_test(r.where), CHECKS[r.check or ""], _judged(r)) for r in kind_rules]
            for kind, kind_rules in self.by_kind.items()
        }

    # --- findings from the pipeline -------------------------------------------------------

    def from_problem(self, problem: Problem, scope: str) -> Finding:
        rule = self.rules[problem.rule_id]
        obj, pointer = problem.obj, problem.pointer
        identity = obj.identity if obj else ""
        return self._finding(
            rule,
            problem.path,
            problem.span,
            problem.message,
            scope,
            obj=obj,
            pointer=pointer,
            related=problem.related,
            key=(identity or problem.path, pointer_text(pointer) if obj else problem.message),
            repair=_repair(rule, obj, pointer, {"property": str(pointer[0])}) if obj and pointer else None,
        )

    def _finding(
        self,
        rule: Rule,
        path: str,
        where: Span,
        message: str,
        scope: str,
        *,
        obj: Object | None = None,
        pointer: Pointer = (),
        related: tuple[Location, ...] = (),
        fix: str | None = None,
        key: tuple[str, str],
        repair: Repair | None = None,
    ) -> Finding:
        # everything a finding shows may hold what a definition holds: a pasted private key
        # never leaves the engine (the fingerprint is a hash, and keeps the identity as written)
        return Finding(
            path=path,
            line=where.line,
            column=where.column,
            rule_id=rule.id,
            end_line=where.end_line,
            end_column=where.end_column,
            rule_name=rule.name,
            severity=rule.severity,
            message=redact(message),
            kind=obj.kind if obj else None,
            identity=redact(obj.identity) if obj else None,
            pointer=redact(pointer_text(pointer)) if obj else None,
            ndr=rule.ndr,
            related=tuple(replace(r, message=redact(r.message)) for r in related),
            fix=redact(fix) if fix else None,
            fingerprint=fingerprint(rule.id, scope, obj.kind if obj else "", *key),
            scope=scope,
            object_line=span(obj.document, obj.raw_pointer(())).line if obj else None,
            repair=repair,
        )

    # --- rules over objects ---------------------------------------------------------------

    def run_scope(self, scope: Scope, checked: list[Checked] | None = None) -> list[Finding]:
        scope.as_of = self.as_of
        findings: list[Finding] = []
        targets = scope.objects + (scope.certificate_objects if "Certificate" in self.by_kind else [])
        for obj in targets:
            plan = self._plans.get(obj.kind)
            if not plan:
                continue
            unsure = scope.unsure_of(obj)
            for rule, applies, primitive, judged in plan:
                if not applies(obj) or (unsure and unsure & judged):
                    continue  # out of scope, or it would judge a value an input rule reported

                if checked is not None:
                    checked.append(Checked(rule.id, obj.kind, obj.identity, obj.path))
                try:
                    hits = list(primitive.check(rule.prepared, obj, scope))
                except Exception as exc:  # a primitive's bug must not hide the other findings
                    findings.append(self._crash(rule, obj, scope, exc))
                    continue
                if hits:  # most pairs find nothing: no generator for them
                    findings.extend(self._from_hit(rule, obj, scope, hit) for hit in hits)
        return findings

    def claims(self, scope: Scope) -> list[Claim]:
        """What this scope's objects claim for rules that compare scopes (see cross_findings)."""
        found: list[Claim] = []
        tenant = scope.tenant.identity if scope.tenant else (scope.directory or "the lint root")
        if scope.tenant is not None:  # one tenant in two directories is EX013 (see _same_tenant)
            where = Location.at(scope.tenant.path, span(scope.tenant.document, scope.tenant.raw_pointer(())))
            found.append(
                Claim(
                    SAME_TENANT, scope.directory, tenant, label(scope.tenant), scope.tenant, (), where, None
                )
            )
        for obj in scope.objects:
            for rule in self.across.get(obj.kind, ()):
                if not matches(rule.where, obj):
                    continue
                for pointer, value in CHECKS[rule.check or ""].claims(rule.prepared, obj, scope):
                    where = Location.at(obj.path, span(obj.document, obj.raw_pointer(pointer)))
                    found.append(
                        Claim(rule.id, scope.directory, tenant, label(obj), obj, pointer, where, value)
                    )
        return found

    def cross_findings(self, claims: list[Claim]) -> list[Finding]:
        """A claim that overlaps a claim of another scope is a finding, with the others related.

        Scopes of one tenant (one Tenant Name in two directories) are one EX013 finding, never a
        clash of the tenant with itself."""
        findings = self._same_tenant([c for c in claims if c.rule_id == SAME_TENANT])
        groups: dict[tuple[str, str], list[Claim]] = {}
        for claim in claims:
            if claim.rule_id == SAME_TENANT:
                continue
            primitive = CHECKS[self.rules[claim.rule_id].check or ""]
            groups.setdefault((claim.rule_id, primitive.bucket(claim.value)), []).append(claim)
        for (rule_id, _), group in groups.items():
            rule = self.rules[rule_id]
            near = overlapping_claims(CHECKS[rule.check or ""], group)
            for claim in group:
                others, more = near(claim)
                if not others:
                    continue
                values = {
                    "identity": claim.obj.identity,
                    "kind": claim.obj.kind,
                    "label": claim.label,
                    "property": str(claim.pointer[0]),
                    "value": claim.written,
                    "tenant": claim.tenant,
                    "others": "; ".join(f"{o.label} of tenant {o.tenant} ({o.written})" for o in others)
                    + (f" and {more:,} more" if more else ""),
                }
                message = (fill(rule.message, values) if rule.message else None) or (
                    f"{claim.label} of tenant {claim.tenant} claims {claim.written}, as do {values['others']}"
                )
                related = tuple(
                    Location(*_span_of(o.location), f"{o.label} of tenant {o.tenant}") for o in others
                )
                findings.append(
                    self._finding(
                        rule,
                        claim.location.path,
                        Span(
                            claim.location.line,
                            claim.location.column,
                            claim.location.end_line,
                            claim.location.end_column,
                        ),
                        message,
                        claim.scope,
                        obj=claim.obj,
                        pointer=claim.pointer,
                        related=related,
                        fix=fill(rule.fix, values) if rule.fix else None,
                        key=(claim.obj.identity, pointer_text(claim.pointer)),
                    )
                )
        return findings

    def _same_tenant(self, tenants: list[Claim]) -> list[Finding]:
        """A Tenant whose Name another directory's Tenant also has: one finding at each later
        definition, the first as related location."""
        by_name: dict[str, list[Claim]] = {}
        for claim in sorted(tenants, key=lambda c: (c.location.path, c.location.line)):
            by_name.setdefault(tenant_key(claim.tenant), []).append(claim)
        findings: list[Finding] = []
        rule = self.rules["EX013"]
        for group in by_name.values():
            first = group[0]
            for claim in group[1:]:
                message = (
                    f'Tenant "{claim.tenant}" is also defined in {first.location.path}, so one tenant has '
                    f"two scopes ({claim.scope or 'the lint root'} and {first.scope or 'the lint root'}); "
                    "rules "
                    "check each directory's connectors, domains and certificates apart and cannot see the "
                    "whole deployment. Keep one tenant in one directory (one Tenant definition), or remove "
                    "the copy that no longer describes it"
                )
                related = (Location(*_span_of(first.location), "the same tenant, defined first"),)
                findings.append(
                    self._finding(
                        rule,
                        claim.location.path,
                        Span(*_span_of(claim.location)[1:]),
                        message,
                        claim.scope,
                        obj=claim.obj,
                        related=related,
                        key=(claim.obj.identity, "two scopes"),
                    )
                )
        return findings

    def _crash(self, rule: Rule, obj: Object, scope: Scope, exc: Exception) -> Finding:
        message = (
            f"{label(obj)}: rule {rule.id} ({rule.name}) failed with {type(exc).__name__}: {exc}; "
            "the object was not checked by it; please report this with the definition"
        )
        return self._finding(
            self.rules[ids.CHECK_FAILED],
            obj.path,
            span(obj.document, obj.raw_pointer(())),
            message,
            scope.directory,
            obj=obj,
            key=(obj.identity, rule.id),
        )

    def _from_hit(self, rule: Rule, obj: Object, scope: Scope, hit: Hit) -> Finding:
        current = _value_at(obj.props, hit.pointer)
        values = {
            "identity": obj.identity,
            "kind": obj.kind,
            "label": label(obj),
            "property": str(hit.pointer[0]) if hit.pointer else "",
            "value": shown(current),
            **hit.values,
        }
        templated = fill(rule.message, values) if rule.message and hit.at_most is None else None
        message = templated or f"{label(obj)}: {hit.message}"
        fix = fill(rule.fix, values) if rule.fix and hit.at_most is None else None
        if hit.at_most is not None and SEVERITY_RANK[hit.at_most] < SEVERITY_RANK[rule.severity]:
            rule = replace(rule, severity=hit.at_most)
        return self._finding(
            rule,
            obj.path,
            span(obj.document, obj.raw_pointer(hit.pointer)),
            message,
            scope.directory,
            obj=obj,
            pointer=hit.pointer,
            related=tuple(_location(r) for r in hit.related),
            fix=fix,
            key=(obj.identity, pointer_text(hit.pointer)),
            repair=_repair(rule, obj, hit.pointer, values),
        )


def _repair(rule: Rule, obj: Object, pointer: Pointer, values: dict[str, Any]) -> Repair | None:
    """The rule's ``repair`` filled for this finding; None when the values do not fill it, or
    when it would write what is already there."""
    if not rule.repair:
        return None
    if "key" in rule.repair:  # write the finding's property key as the template says
        if not pointer or not isinstance(pointer[0], str) or pointer[0] not in obj.raw_keys:
            return None
        written, key = obj.raw_keys[pointer[0]], fill(rule.repair["key"], values)
        if not key or key == written:
            return None
        raw = obj.raw_pointer(pointer[:1])
        return Repair(raw, written, key, rename=True, line=_key_line(obj, raw))
    name = rule.repair.get("property") or (str(pointer[0]) if pointer else "")
    value = fill(rule.repair.get("value", ""), values)
    if not name or not value:
        return None
    raw = obj.raw_pointer((name,))
    current = _value_at(obj.document.data, raw)
    if current == value:
        return None
    note = (fill(rule.repair.get("note", ""), values) or "").strip()
    return Repair(raw, current, value, line=_key_line(obj, raw), note=note)


def _key_line(obj: Object, raw: Pointer) -> int | None:
    marks = obj.document.positions.get(raw)
    return marks[0] + 1 if marks is not None and marks[0] >= 0 else None


def _value_at(props: Any, pointer: Pointer) -> Any:
    value: Any = props
    for part in pointer:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _location(ref: Ref) -> Location:
    target = ref.target
    if isinstance(target, Certificate):
        loc = target.location
        return Location(loc.path, loc.line, loc.column, loc.end_line, loc.end_column, ref.message)
    return Location.at(target.path, span(target.document, target.raw_pointer(ref.pointer)), ref.message)


# --- one run ---------------------------------------------------------------------------------


def _judged(rule: Rule) -> frozenset[str]:
    """The property names a rule's scope and params mention: what its verdict depends on (for
    objects with an unsure property)."""
    names: set[str] = set(rule.where)

    def walk(value: Any) -> None:
        if isinstance(value, str):
            names.add(value)
        elif isinstance(value, dict):
            names.update(k for k in value if isinstance(k, str))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(rule.params)
    return frozenset(names)


SAME_TENANT = "EX013"
"""The claim every scope with a Tenant makes: its tenant name, which no other scope may have."""


def _span_of(location: Location) -> tuple[str, int, int, int, int]:
    return (location.path, location.line, location.column, location.end_line, location.end_column)


@values.dataclass(frozen=True)
class Claim:
    """A value an object claims for its tenant alone (see checks/shared_across_tenants.py)."""

    rule_id: str
    scope: str
    tenant: str
    label: str
    obj: Object
    pointer: Pointer
    location: Location
    value: Any

    @property
    def written(self) -> str:
        """The value as the definition writes it."""
        return str(_value_at(self.obj.props, self.pointer))


@values.dataclass
class _Partial:
    findings: list[Finding] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    checked: list[Checked] = field(default_factory=list)
    files: set[str] = field(default_factory=set)
    comments: dict[str, tuple[SuppressionComment, ...]] = field(default_factory=dict)
    outside: dict[str, str | None] = field(default_factory=dict)  # read beyond its walk (the cache's)
    objects: int = 0
    certificates: int = 0
    scopes: int = 0


def _lint_scopes(
    root: Path,
    directories: list[str],
    rules: list[Rule],
    as_of: dt.date | None,
    globs: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
    cache: Cache | None = None,
    keys: dict[str, str] | None = None,
    finder: ScopeFinder | None = None,
    overlay: Mapping[str, bytes] | None = None,
    named: Collection[str] = (),
    checked: bool = True,
) -> list[_Partial]:
    """Lint some scopes in this process, each on its own; store each result in the cache. The
    (rule, object) pairs checked are kept if ``checked`` (JUnit's test cases)."""
    finder = finder or ScopeFinder(Loader(root, *globs, overlay=overlay, named=named))
    engine = Engine(rules, as_of)
    partials: list[_Partial] = []
    for directory in directories:
        partial = _Partial()
        scope, problems = build_scope(finder, directory)
        partial.scopes += bool(scope.files)
        partial.objects += len(scope.objects)
        partial.certificates += len(scope.certificates)
        partial.files.update(scope.files)
        for rel in scope.files:  # carried along for the suppression stage, which reads them
            loaded = finder.loader.loaded(rel)
            if loaded is not None and loaded.comments:
                partial.comments[rel] = tuple(loaded.comments)
        partial.findings += [engine.from_problem(p, directory) for p in problems]
        partial.findings += engine.run_scope(scope, partial.checked if checked else None)
        partial.claims += engine.claims(scope)
        partials.append(partial)
        if cache is not None and keys is not None:
            partial.outside = cache.outside_of(finder, scope)
            cache.put(directory, keys[directory], partial.outside, partial)
        scope.derived_answers.clear()  # they refer to the scope: freed now, with the collector paused
        for rel in scope.files:
            finder.loader.forget(rel)
    return partials


def lint(
    root: Path,
    targets: list[str],
    rules: list[Rule],
    as_of: dt.date | None = None,
    globs: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
    overlay: Mapping[str, bytes] | None = None,
    deleted: list[str] | None = None,
    cache: Cache | None = None,
    finder: ScopeFinder | None = None,
    checked: bool = True,
) -> Report:
    """Lint every scope the targets touch (and those ``deleted`` files leave, see ``reach``); keep
    the findings that involve a target. ``overlay``: content read instead of the disk (an editor's
    buffers). A scope the cache saw with the same files and settings is replayed."""
    if finder is None:
        finder = ScopeFinder(Loader(root, *globs, overlay=overlay, named=named_files(root, targets)))
    named = list(finder.loader.named)
    extent = reach(finder, targets, deleted)
    reached, bereaved, targets = extent.directories, extent.bereaved, extent.targets
    directories, partials, keys = reached, list[_Partial](), None
    if cache is not None:
        partials, keys = cache.replay(finder, reached, _Partial)
        directories = [d for d in reached if d in keys]
    workers = processes(len(directories))
    job = functools.partial(
        _lint_scopes, rules=rules, as_of=as_of, globs=globs, cache=cache, keys=keys, checked=checked
    )
    with collector_paused():
        if workers == 1:
            partials += job(root, directories, finder=finder, overlay=overlay, named=named)
        else:
            partials += in_workers(job, root, directories, finder, workers, overlay, named)
        finder.loader.release()  # the documents read, freed before the collector resumes, not by it
    involved = under_any(targets)
    seen: set[tuple[str, str, int, int, str]] = set()
    files, outside = set[str](), cache.outside if cache is not None else {}
    claims = [c for p in partials for c in p.claims]
    if claims:
        engine = Engine(rules, as_of)
        if targets and "" not in targets:
            # a changed-file run: compare with what the other scopes claim, read from an index
            from linter.lint.claims_index import claims_elsewhere

            claims += claims_elsewhere(engine, finder, set(reached), claims)
        partials.append(_Partial(findings=engine.cross_findings(claims)))
    findings: list[Finding] = []
    comments: dict[str, tuple[SuppressionComment, ...]] = {}
    for partial in partials:
        files |= partial.files
        comments |= partial.comments
        outside |= partial.outside
        for finding in partial.findings:
            if finding.scope not in bereaved and not any(involved(p) for p in finding.paths):
                continue
            key = (finding.fingerprint, finding.path, finding.line, finding.column, finding.message)
            if key not in seen:
                seen.add(key)
                findings.append(finding)
    report = Report(
        findings=sorted(findings),
        files=len(files),
        objects=sum(p.objects for p in partials),
        certificates=sum(p.certificates for p in partials),
        scopes=sum(p.scopes for p in partials),
        rules=rules,
        checked=[c for p in partials for c in p.checked if involved(c.path)],
        comments=comments,
    )
    return report
