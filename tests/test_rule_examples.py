"""Every rule's own examples hold: the failing ones give exactly the findings they list, the
passing ones give none of the rule, and no example is malformed by accident."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.commands.test_rules.cases import run_case, verdict
from linter.lint.rules import load_rules

CASES = [
    pytest.param(rule, outcome, index, id=f"{rule.id}-{outcome}-{index}")
    for rule in load_rules()
    for outcome in ("fail", "pass")
    for index in range(len(rule.examples[outcome]))
]


@pytest.mark.parametrize(("rule", "outcome", "index"), CASES)
def test_example(rule, outcome, index, rules, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = rule.examples[outcome][index]
    findings = run_case(case, tmp_path, rules)
    assert verdict(rule, outcome, case, findings) == []
