"""Rule fixtures: tests/fixtures/rules/<ID>/{pass,fail}/<case>.yaml, found by discovery.

A case file has the shape of a rule example (title, files, certificates, as_of). A failing case
has its expected findings of that rule beside it in <case>.expected, one per line as
``path:line:col: ID message``; `pytest --update-golden` rewrites them from the current code.
A passing case marked ``healthy: true`` is a whole healthy deployment: it gives no finding of
any rule, warnings and information included. A failing case marked ``alone: true`` gives
findings of its rule only: the cause is reported once, and no rule downstream of it speaks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.commands.test_rules.cases import INPUT_ERRORS, run_case
from linter.load.parse import parse_yaml

FIXTURES = Path(__file__).parent / "fixtures" / "rules"


def discover() -> list[object]:
    return [
        pytest.param(path, id=f"{path.parent.parent.name}-{path.parent.name}-{path.stem}")
        for path in sorted(FIXTURES.glob("*/*/*.yaml"))
    ]


def load_case(path: Path) -> dict:  # type: ignore[type-arg]
    document, problems = parse_yaml(str(path), path.read_text(encoding="utf-8"))
    assert problems == []
    return document.data[0]  # type: ignore[no-any-return]


@pytest.mark.parametrize("path", discover())
def test_fixture(path: Path, rules, tmp_path: Path, update_golden: bool) -> None:  # type: ignore[no-untyped-def]
    rule_id, outcome = path.parent.parent.name, path.parent.name
    assert outcome in ("pass", "fail"), path
    case = load_case(path)
    findings = run_case(case, tmp_path, rules)
    own = [f"{f.path}:{f.line}:{f.column}: {f.rule_id} {f.message}" for f in findings if f.rule_id == rule_id]
    if rule_id not in INPUT_ERRORS:
        assert [f for f in findings if f.rule_id in INPUT_ERRORS] == [], "the case's own files are malformed"
    if outcome == "pass":
        assert own == []
        if case.get("healthy"):
            assert [f"{f.path}:{f.line}: {f.rule_id} [{f.severity}] {f.message}" for f in findings] == []
        return
    golden = path.with_suffix(".expected")
    if update_golden:
        golden.write_text("".join(line + "\n" for line in own), encoding="utf-8")
    assert own, f"{path} gives no {rule_id} finding"
    if case.get("alone"):
        assert [f"{f.rule_id} {f.message}" for f in findings if f.rule_id != rule_id] == []
    assert golden.is_file(), f"{golden} is missing; run pytest --update-golden"
    assert own == golden.read_text(encoding="utf-8").splitlines()
