"""Rule cases (the examples in rule files and the test fixtures): written out as real files, with
real certificates generated from their specs, then linted like any repository."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Any

from linter.commands.test_rules.certgen import build
from linter.lint.config import Config, load
from linter.lint.engine import lint
from linter.lint.rules import configure, selected
from linter.load.files import stays_inside
from linter.model import Finding, Rule
from linter.report.suppress import finish


class Outcome(StrEnum):
    """Which list of a rule's examples (or fixtures folder) a case belongs to."""

    FAIL = "fail"  # gives exactly the findings it expects
    PASS = "pass"  # gives no finding of its rule


INPUT_ERRORS = tuple(f"EX{n:03d}" for n in range(1, 11))
"""Findings that mean a case's own files are malformed: no case may give them by accident."""


def materialize(case: dict[str, Any], directory: Path) -> None:
    """Write the case's files into ``directory``; certificates are generated, never pasted."""
    specs = case.get("certificates", {})
    generated = build(specs) if specs else {}
    for rel, content in case["files"].items():
        if not stays_inside(rel):
            raise ValueError(
                f"file {rel!r}: an example's files lie inside it; give a relative path without .."
            )
        target = directory / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
            continue
        if "text" in content:
            target.write_bytes(content["text"].encode(content.get("encoding", "utf-8")))
            continue
        if "private_key" in content:
            target.write_bytes(generated[content["private_key"]].key_pem())
            continue
        names = [content["certificate"]] if "certificate" in content else list(content["certificates"])
        missing = [n for n in names if n not in generated]
        if missing:
            raise ValueError(f"{rel}: certificate spec {missing[0]!r} is not defined in the case")
        if content.get("format") == "der":
            target.write_bytes(generated[names[0]].der())
        else:
            target.write_bytes(b"".join(generated[n].pem() for n in names))


CONFIG = ".exolint.yaml"
"""A case may hold a configuration file at its root; its settings apply as in a real run."""


def run_case(case: dict[str, Any], directory: Path, rules: list[Rule]) -> list[Finding]:
    """The findings ``exolint check`` reports for the case: linted, then selected and suppressed."""
    materialize(case, directory)
    as_of = dt.date.fromisoformat(case["as_of"]) if case.get("as_of") else dt.date(2026, 6, 1)
    config = load(directory / CONFIG) if (directory / CONFIG).is_file() else Config()
    if config.path is not None:
        rules = configure(rules, config)
    paths = [str(p) for p in case.get("paths", [])]  # the changed files a run is given
    deleted = [str(p) for p in case["deleted"]] if case.get("deleted") else None
    report = lint(directory, paths, rules, as_of, (config.include, config.exclude), deleted=deleted)
    active = lambda rule_id: selected(rule_id, list(config.select), list(config.ignore))  # noqa: E731
    return finish(report, config, as_of, active=active, targets=paths, root=directory).findings


def short(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}:{finding.column}: {finding.rule_id}"


def verdict(rule: Rule, outcome: str, case: dict[str, Any], findings: list[Finding]) -> list[str]:
    """What is wrong with a case's result; empty when it holds."""
    problems: list[str] = []
    own = [short(f) for f in findings if f.rule_id == rule.id]
    if outcome == Outcome.FAIL:
        expected = list(case.get("expect", []))
        if sorted(own) != sorted(expected):
            problems.append(f"expected {expected}, got {own}")
    elif own:
        problems.append(f"expected no {rule.id} finding, got {own}")
    if rule.id not in INPUT_ERRORS:
        broken = [f"{short(f)} {f.message}" for f in findings if f.rule_id in INPUT_ERRORS]
        if broken:
            problems.append(f"the case's own files are malformed: {'; '.join(broken)}")
    return problems
