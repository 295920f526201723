"""Suppressions as governed data: findings -> (kept, suppressed with a reason, findings about
the suppressions themselves).

Two sources: ``# exolint: disable=ID reason="..." until=YYYY-MM-DD`` comments in YAML definitions
(read by the loader, see ``linter/load/comments.py``) and the configuration's ``suppressions``. A
comment covers a finding on its own line, on the line below it (when the comment stands on a line
of its own), and every finding of an object when it stands on the object's first line or on its
own line just above it.

A suppression must name its rules and give a reason. One that does not, that cannot be read,
that has expired or that breaks the configuration's ``inline-suppressions`` policy suppresses
nothing and is a finding; so is one that suppresses nothing (like ruff's RUF100). Findings about
suppressions cannot be suppressed: turn their rules off or down in the configuration instead.

The stage runs after rule selection and before baselines and formatting; the engine knows
nothing of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from linter import ids
from linter.domain.untrusted import redact
from linter.lint.checks import CHECKS
from linter.lint.engine import fingerprint
from linter.load.globs import glob_matches
from linter.model import SEVERITY_RANK, Finding, Rule, Suppressed, SuppressedBy, SuppressionComment
from linter.objects.definitions import KIND_LABELS
from linter.objects.scopes import is_under
from linter.values import dataclass

if TYPE_CHECKING:
    from linter.lint.config import Config
    from linter.model import Report

OWN_RULES = frozenset(
    {
        ids.SUPPRESSION_BLANKET,
        ids.SUPPRESSION_WITHOUT_REASON,
        ids.SUPPRESSION_MALFORMED,
        ids.SUPPRESSION_EXPIRED,
        ids.SUPPRESSION_UNUSED,
        ids.SUPPRESSION_SEVERITY_FORBIDDEN,
        ids.SUPPRESSION_LIFETIME,
    }
)

MIN_REASON = 3
"""A reason shorter than this says nothing (the configuration schema asks the same)."""


@dataclass
class _Inline:
    """An inline suppression comment and the ids it has matched."""

    path: str
    comment: SuppressionComment
    used: set[str] = field(default_factory=set)  # the ids that matched a finding


@dataclass
class _Entry:
    """A suppression of the configuration file."""

    index: int
    rule: str
    path: str | None
    identity: str | None
    reason: str
    until: dt.date | None
    used: bool = False


class _Stage:
    def __init__(
        self,
        config: Config,
        as_of: dt.date,
        rules: Iterable[Rule],
        active: Callable[[str], bool],
        targets: tuple[str, ...],
        root: Path | None,
    ) -> None:
        self.config = config
        self.as_of = as_of
        self.rules = {r.id: r for r in rules}
        self.active = active
        self.targets = targets
        self.config_path = _config_path(config, root)
        self.new: list[Finding] = []
        policy = config.inline_suppressions
        self.forbid: str | None = policy.get("forbid-at-or-above")
        self.max_days: int | None = policy.get("max-days")

    # --- findings about suppressions ------------------------------------------------------

    def report(
        self, rule_id: str, path: str, line: int, column: int, end: int, message: str, *key: str
    ) -> None:
        rule = self.rules.get(rule_id)
        if rule is None:  # a rule list without the suppression rules (a unit test's): say nothing
            return
        self.new.append(
            Finding(
                path=path,
                line=line,
                column=column,
                rule_id=rule.id,
                end_line=line,
                end_column=max(end, column),
                rule_name=rule.name,
                severity=rule.severity,
                message=message,
                fingerprint=fingerprint(rule.id, path, *key),
            )
        )

    def about_comment(self, inline: _Inline, rule_id: str, message: str, *key: str) -> None:
        c = inline.comment
        if self._reportable(inline.path):
            self.report(rule_id, inline.path, c.line, c.column, c.end_column, message, c.text, *key)

    def about_entry(self, entry: _Entry, rule_id: str, message: str) -> None:
        line = self.config.line_of(("suppressions", entry.index))
        key = (entry.rule, entry.path or "", entry.identity or "")
        self.report(rule_id, self.config_path, line, 1, 1, message, *key)

    def where(self, *pointer: str) -> str:
        """``file:line`` of a setting, the file named as findings name it."""
        return f"{self.config_path}:{self.config.line_of(pointer)}"

    def _reportable(self, path: str) -> bool:
        return not self.targets or any(is_under(path, t) for t in self.targets)

    # --- which suppressions hold ----------------------------------------------------------

    def inline(self, comments: dict[str, tuple[SuppressionComment, ...]]) -> list[_Inline]:
        """The comments that may suppress; the others are reported here."""
        valid = []
        for path, found in sorted(comments.items()):
            for comment in found:
                inline = _Inline(path, comment)
                if self._comment_holds(inline):
                    valid.append(inline)
        return valid

    def _comment_holds(self, inline: _Inline) -> bool:
        c = inline.comment
        quoted = f"The comment `# {c.text}`"
        until_then = "it suppresses nothing until then"
        if c.problem:
            self.about_comment(
                inline, ids.SUPPRESSION_MALFORMED, f"{quoted} cannot be read: {c.problem}; {until_then}"
            )
            return False
        if c.blanket:
            self.about_comment(
                inline,
                ids.SUPPRESSION_BLANKET,
                f"{quoted} disables every rule, which would hide any new problem here too; name the "
                f'rules it is for (disable=EX101) with reason="..."; {until_then}',
            )
            return False
        unknown = [i for i in c.ids if i not in self.rules]
        if unknown:
            self.about_comment(
                inline,
                ids.SUPPRESSION_MALFORMED,
                f"{quoted} names {unknown[0]}, which is not a rule exolint has (see `exolint rules`); "
                f"correct or remove it; {until_then}",
            )
            return False
        own = [i for i in c.ids if i in OWN_RULES]
        if own:
            self.about_comment(
                inline,
                ids.SUPPRESSION_MALFORMED,
                f"{quoted} names {own[0]}, a finding about suppressions, which cannot be suppressed; "
                f"remove it, and turn {own[0]} off or down in the configuration if you must; {until_then}",
            )
            return False
        if not c.reason or len(c.reason.strip()) < MIN_REASON:
            self.about_comment(
                inline,
                ids.SUPPRESSION_WITHOUT_REASON,
                f'{quoted} gives no reason for disabling {_and(c.ids)}; add reason="..." saying why '
                f"the finding is accepted (at least {MIN_REASON} characters); {until_then}",
            )
            return False
        if c.until is not None and c.until < self.as_of:
            self.about_comment(
                inline,
                ids.SUPPRESSION_EXPIRED,
                f"{quoted} expired after {c.until.isoformat()}, so {_and(c.ids)} findings here are "
                "reported again; fix them, or renew until= if the reason still holds",
            )
            return False
        if self.max_days is not None:
            limit = self.as_of + dt.timedelta(days=self.max_days)
            where = self.where("inline-suppressions", "max-days")
            if c.until is None:
                self.about_comment(
                    inline,
                    ids.SUPPRESSION_LIFETIME,
                    f"{quoted} has no until=, but the configuration ({where}) lets inline suppressions "
                    f"last at most {self.max_days} days; add until= no later than {limit.isoformat()}; "
                    f"{until_then}",
                )
                return False
            if c.until > limit:
                self.about_comment(
                    inline,
                    ids.SUPPRESSION_LIFETIME,
                    f"{quoted} lasts until {c.until.isoformat()}, but the configuration ({where}) lets "
                    f"inline suppressions last at most {self.max_days} days; set until= no later than "
                    f"{limit.isoformat()}; {until_then}",
                )
                return False
        return True

    def entries(self) -> list[_Entry]:
        """The configuration's suppressions that are still in force; expired ones are reported."""
        valid = []
        for index, data in enumerate(self.config.suppressions):
            until = dt.date.fromisoformat(data["until"]) if data.get("until") else None
            entry = _Entry(
                index, data["rule"].upper(), data.get("path"), data.get("identity"), data["reason"], until
            )
            if until is not None and until < self.as_of:
                self.about_entry(
                    entry,
                    ids.SUPPRESSION_EXPIRED,
                    f"The configuration's suppression of {entry.rule} for {_covers(entry)} expired after "
                    f"{until.isoformat()}, so its findings are reported again; fix them, or renew "
                    "until if the reason still holds",
                )
                continue
            valid.append(entry)
        return valid

    # --- matching ---------------------------------------------------------------------------

    def run(
        self, findings: list[Finding], comments: dict[str, tuple[SuppressionComment, ...]]
    ) -> tuple[list[Finding], list[Suppressed]]:
        inline = self.inline(comments)
        entries = self.entries()
        by_line: dict[tuple[str, int], list[_Inline]] = {}
        for item in inline:
            by_line.setdefault((item.path, item.comment.line), []).append(item)
        kept: list[Finding] = []
        suppressed: list[Suppressed] = []
        for finding in findings:
            if finding.rule_id in OWN_RULES:
                kept.append(finding)
                continue
            comments_for = [i for i in _covering(finding, by_line) if finding.rule_id in i.comment.ids]
            entries_for = [e for e in entries if _entry_matches(e, finding)]
            for item in comments_for:
                item.used.add(finding.rule_id)
            for entry in entries_for:
                entry.used = True
            allowed = [i for i in comments_for if not self._forbidden(i, finding)]
            if allowed:
                c = allowed[0].comment
                reason = redact(c.reason or "")
                suppressed.append(
                    Suppressed(finding, reason, c.until, SuppressedBy.INLINE, finding.path, c.line)
                )
            elif entries_for:
                e = entries_for[0]
                line = self.config.line_of(("suppressions", e.index))
                suppressed.append(
                    Suppressed(
                        finding, redact(e.reason), e.until, SuppressedBy.CONFIGURATION, self.config_path, line
                    )
                )
            else:
                kept.append(finding)
        self.unused(inline, entries)
        return kept, suppressed

    def _forbidden(self, item: _Inline, finding: Finding) -> bool:
        if self.forbid is None or SEVERITY_RANK[finding.severity] < SEVERITY_RANK[self.forbid]:
            return False
        where = self.where("inline-suppressions", "forbid-at-or-above")
        self.about_comment(
            item,
            ids.SUPPRESSION_SEVERITY_FORBIDDEN,
            f"The comment `# {item.comment.text}` may not suppress {finding.rule_id} [{finding.severity}] "
            f"on {_subject(finding)}: the configuration ({where}) forbids inline suppressions of "
            f"{self.forbid} findings and above; fix the finding, or suppress it in the configuration "
            "with a reason",
            finding.fingerprint,
        )
        return True

    def unused(self, inline: list[_Inline], entries: list[_Entry]) -> None:
        """Suppressions that matched nothing, judged only where this run could have found it."""
        for item in inline:
            stale = [i for i in item.comment.ids if i not in item.used and self._judged(i, whole_run=False)]
            if stale:
                everything = len(stale) == len(item.comment.ids)
                what = "remove the comment" if everything else f"remove {_and(stale)} from it"
                names = _and([f"{i} ({self.rules[i].name})" for i in stale])
                self.about_comment(
                    item,
                    ids.SUPPRESSION_UNUSED,
                    f"The comment `# {item.comment.text}` disables {names}, but there is no such finding "
                    f"for it to suppress (fixed, or the comment is on the wrong line); {what}",
                    *stale,
                )
        for entry in entries:
            if not entry.used and self._judged(entry.rule, whole_run=True):
                self.about_entry(
                    entry,
                    ids.SUPPRESSION_UNUSED,
                    f"The configuration suppresses {entry.rule} ({self.rules[entry.rule].name}) for "
                    f"{_covers(entry)}, but there is no such finding for it to suppress; remove the "
                    "suppression",
                )

    def _judged(self, rule_id: str, whole_run: bool) -> bool:
        """Could this run have found the rule's findings? Not when the rule is off, and, when only
        some files are linted, not for configuration entries or rules that compare tenants."""
        rule = self.rules.get(rule_id)
        if rule is None or rule_id in OWN_RULES or not self.active(rule_id):
            return False
        if not self.targets:
            return True
        if whole_run:
            return False
        return not (rule.check and getattr(CHECKS[rule.check], "CROSS_SCOPE", False))


def _covering(finding: Finding, by_line: dict[tuple[str, int], list[_Inline]]) -> list[_Inline]:
    """The comments whose place covers the finding: its line, the line above, the object's first
    line and the line above that (a comment above a line stands on its own line)."""
    found: list[_Inline] = []
    for line in dict.fromkeys((finding.line, finding.object_line)):
        if line is None:
            continue
        found += by_line.get((finding.path, line), [])
        found += [i for i in by_line.get((finding.path, line - 1), []) if i.comment.own_line]
    return list({id(i): i for i in found}.values())


def _entry_matches(entry: _Entry, finding: Finding) -> bool:
    if entry.rule != finding.rule_id:
        return False
    if entry.path is not None and not glob_matches(entry.path, finding.path):
        return False
    if entry.identity is not None:
        return (finding.identity or "").casefold() == entry.identity.casefold()
    return True


def _covers(entry: _Entry) -> str:
    parts = []
    if entry.identity is not None:
        parts.append(f'object "{entry.identity}"')
    if entry.path is not None:
        parts.append(f"path {entry.path}")
    return " in ".join(parts) if parts else "every file"


def _subject(finding: Finding) -> str:
    if finding.kind and finding.identity:
        return f'{KIND_LABELS.get(finding.kind, finding.kind)} "{finding.identity}"'
    return finding.path


def _and(items: Iterable[str]) -> str:
    items = list(items)
    return ", ".join(items[:-1]) + f" and {items[-1]}" if len(items) > 1 else "".join(items)


def _config_path(config: Config, root: Path | None) -> str:
    """The configuration file as findings name it: relative to the lint root when inside it."""
    if config.path is None:
        return ""
    if root is not None:
        try:
            return config.path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return config.path.as_posix()


def suppress(
    findings: list[Finding],
    comments: dict[str, tuple[SuppressionComment, ...]],
    config: Config,
    as_of: dt.date,
    rules: Iterable[Rule],
    *,
    active: Callable[[str], bool] = lambda rule_id: True,
    targets: tuple[str, ...] = (),
    root: Path | None = None,
) -> tuple[list[Finding], list[Suppressed], list[Finding]]:
    """(findings kept, findings suppressed with the reason, findings about the suppressions)."""
    stage = _Stage(config, as_of, rules, active, targets, root)
    kept, suppressed = stage.run(findings, comments)
    return kept, suppressed, stage.new


def finish(
    report: Report,
    config: Config,
    as_of: dt.date | None = None,
    *,
    active: Callable[[str], bool] = lambda rule_id: True,
    known: Iterable[Rule] = (),
    targets: tuple[str, ...] | list[str] = (),
    root: Path | None = None,
) -> Report:
    """A linted report made final: the selection applied, then the suppressions. The one way from
    the engine's report to the reported one, for the CLI and for rule cases alike.

    ``known`` adds rules that did not run (those the selection turned off) so that a comment that
    names one is not taken for a typo."""
    rules: dict[str, Rule] = {r.id: r for r in known}
    rules |= {r.id: r for r in report.rules}
    kept, suppressed, new = suppress(
        [f for f in report.findings if active(f.rule_id)],
        report.comments,
        config,
        as_of or dt.date.today(),
        rules.values(),
        active=active,
        targets=() if "" in targets else tuple(targets),
        root=root,
    )
    return replace(
        report,
        findings=sorted(kept + [f for f in new if active(f.rule_id)]),
        suppressed=sorted(suppressed, key=lambda s: s.finding),
    )
