"""Invariants of the rule set and of the generated documentation."""

from __future__ import annotations

import re
from pathlib import Path

from linter.domain.ndr import NDRS
from linter.lint.checks import CHECKS
from linter.load.parse import parse_yaml
from linter.report.docs import rules_markdown

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "rules"
NO_FAILING_INPUT = {"EX014": "reports exolint's own defects; tests/test_engine.py provokes it"}


def test_every_builtin_rule_validates_in_full(rules) -> None:  # type: ignore[no-untyped-def]
    from linter.lint.rules import load_rule

    for rule in rules:
        assert load_rule(REPO / rule.path, rule.path) == rule  # schema and params validated, not trusted


def test_rule_files_are_named_by_id_and_name(rules) -> None:  # type: ignore[no-untyped-def]
    for rule in rules:
        path = Path(rule.path)
        assert path.name == f"{rule.id}-{rule.name}.yaml", rule.path
        assert path.parent.parent.name == "rules", rule.path


def test_rule_id_constants_are_named_by_their_rule(rules) -> None:  # type: ignore[no-untyped-def]
    from linter import ids

    names = {rule.id: rule.name for rule in rules}
    constants = {k: v for k, v in vars(ids).items() if k.isupper()}
    assert constants
    for constant, rule_id in constants.items():
        assert constant.lower().replace("_", "-") == names.get(rule_id), (constant, rule_id)


def test_every_primitive_is_used(rules) -> None:  # type: ignore[no-untyped-def]
    assert {r.check for r in rules if r.check} == set(CHECKS)


def test_every_rule_has_failing_and_passing_examples_and_fixtures(rules) -> None:  # type: ignore[no-untyped-def]
    for rule in rules:
        fail_cases = list((FIXTURES / rule.id / "fail").glob("*.yaml"))
        pass_cases = list((FIXTURES / rule.id / "pass").glob("*.yaml"))
        assert rule.examples["pass"], rule.id
        assert pass_cases, f"{rule.id} has no passing fixture"
        if rule.id in NO_FAILING_INPUT:
            continue
        assert rule.examples["fail"], rule.id
        assert fail_cases, f"{rule.id} has no failing fixture"


def test_fixture_folders_name_existing_rules(rules) -> None:  # type: ignore[no-untyped-def]
    ids = {r.id for r in rules}
    assert {p.name for p in FIXTURES.iterdir() if p.is_dir()} <= ids


def test_rule_ids_in_the_code_exist_and_builtin_rules_are_reported(rules) -> None:  # type: ignore[no-untyped-def]
    code = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "linter").rglob("*.py"))
    used = set(re.findall(r'"(EX\d{3})"', code))
    ids = {r.id for r in rules}
    assert used <= ids
    assert {r.id for r in rules if r.check is None} <= used


def test_every_ndr_a_rule_names_is_explained(rules) -> None:  # type: ignore[no-untyped-def]
    assert {code for r in rules for code in r.ndr} <= set(NDRS)


def test_docs_are_current(rules, update_golden: bool) -> None:  # type: ignore[no-untyped-def]
    docs = REPO / "docs" / "rules.md"
    generated = rules_markdown(rules)
    if update_golden:
        docs.parent.mkdir(exist_ok=True)
        docs.write_text(generated, encoding="utf-8")
    assert docs.read_text(encoding="utf-8") == generated, "docs/rules.md is stale: run pytest --update-golden"


def test_every_docs_page_is_in_the_tables_of_contents() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    index = (REPO / "docs" / "README.md").read_text(encoding="utf-8")
    for page in sorted((REPO / "docs").glob("*.md")):
        if page.name == "README.md":
            continue
        assert f"](docs/{page.name})" in readme, f"list docs/{page.name} in the README's Documentation table"
        assert f"]({page.name})" in index, f"list {page.name} in docs/README.md"


def test_every_hook_is_in_the_readme() -> None:
    document, _ = parse_yaml(
        ".pre-commit-hooks.yaml", (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    )
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    hooks = [hook["id"] for hook in document.data[0]]
    assert hooks == ["exolint", "exolint-all", "exolint-rules"]
    for hook in hooks:
        assert f"id: {hook} " in readme


def test_readme_quick_start_is_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    assert block.splitlines() == [
        "pip install . && exolint check examples/contoso-renewed-certificate",
        'pip install -e ".[test]" && python -m pytest -n auto',
    ]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.rstrip().splitlines()[-1] == block.splitlines()[1], "CI must run the README's test command"


def test_every_python_package_is_in_the_wheel() -> None:
    import tomllib

    listed = set(
        tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    )
    packages = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "linter").rglob("__init__.py")}
    assert packages <= listed, (
        f"add {sorted(packages - listed)} to [tool.setuptools] packages in pyproject.toml"
    )


def test_license_changelog_and_version_agree() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    from linter import __version__

    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog
    # Keep a Changelog: the newest released version first, with its date
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", changelog, re.M)
    assert versions and versions[0] == __version__, "add a CHANGELOG.md section for the version"


def test_readme_installs_and_pins_only_what_exists() -> None:
    """No package index holds exolint and no release is tagged: install from git, pin a commit."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert not re.search(r"pip install exolint\b", readme)
    assert not re.search(r"^\s*rev: v\d", readme, re.M)
