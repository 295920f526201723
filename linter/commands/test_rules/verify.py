"""``exolint test-rules``: run the examples in rule files, as ``conftest verify`` runs a policy's
tests. Each example is written out into a temporary directory of its own and linted with every
rule; a failing example must give exactly the findings it lists, a passing one none of its rule."""

from __future__ import annotations

import tempfile
from dataclasses import field
from pathlib import Path

from linter.commands.test_rules.cases import Outcome, run_case, verdict
from linter.model import Rule
from linter.values import dataclass


@dataclass(frozen=True)
class ExampleFailure:
    path: str  # the rule file
    outcome: Outcome  # which list of examples
    number: int  # 1-based, within that list
    title: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: example {self.number} ({self.outcome}) {self.title!r}: {self.problem}"


@dataclass
class Verification:
    rules: int = 0
    examples: int = 0
    failures: list[ExampleFailure] = field(default_factory=list)

    def summary(self) -> str:
        rules = f"{self.rules} rule{'s' if self.rules != 1 else ''}"
        examples = f"{self.examples} example{'s' if self.examples != 1 else ''}"
        if not self.failures:
            return f"{rules}, {examples}: all hold"
        failed = len({(f.path, f.outcome, f.number) for f in self.failures})
        return f"{rules}, {examples}: {failed} failed"


def verify(tested: list[Rule], rules: list[Rule]) -> Verification:
    """Run every example of the ``tested`` rules, linting with all ``rules`` (so that input
    errors in an example's own files show)."""
    result = Verification(rules=len(tested))
    for rule in tested:
        for outcome in Outcome:
            for number, case in enumerate(rule.examples[outcome], start=1):
                result.examples += 1
                problems: list[str] = []
                if outcome is Outcome.FAIL and not case.get("expect"):
                    problems.append(
                        f"a failing example lists the findings it gives: expect: ['path:line:col: {rule.id}']"
                    )
                with tempfile.TemporaryDirectory(prefix="exolint-example-") as directory:
                    try:
                        findings = run_case(case, Path(directory), rules)
                    except ValueError as exc:  # a certificate spec exolint cannot build
                        problems.append(str(exc))
                    else:
                        problems += verdict(rule, outcome, case, findings)
                result.failures += [
                    ExampleFailure(rule.path, outcome, number, case["title"], problem) for problem in problems
                ]
    return result
