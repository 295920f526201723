"""The composite GitHub Action (action.yml), its run lines executed here as a runner would.

The ``uses:`` step (setup-python) is GitHub's; every ``run:`` step is executed with bash, with
the environment GitHub gives a composite step: GITHUB_ACTION_PATH (a copy of this working tree,
as the runner checks the action out), GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, RUNNER_TEMP, and the
step's ``env:`` with the inputs substituted. The install step runs for real, into a virtualenv
that borrows this environment's dependencies.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from worktree import clean_env, working_tree_files

from linter.load.parse import parse_yaml

REPO = Path(__file__).resolve().parent.parent
RENEWED = REPO / "examples" / "contoso-renewed-certificate"
EXPRESSION = re.compile(r"^\$\{\{ inputs\.([a-z-]+) \}\}$")


def action() -> dict:  # type: ignore[type-arg]
    document, problems = parse_yaml("action.yml", (REPO / "action.yml").read_text(encoding="utf-8"))
    assert not problems
    data: dict = document.data[0]  # type: ignore[type-arg]
    return data


def test_inputs_reach_scripts_only_through_the_environment() -> None:
    """``${{ }}`` pasted into a script is a script injection; inputs go through ``env:``."""
    steps = action()["runs"]["steps"]
    assert action()["runs"]["using"] == "composite"
    assert steps[0]["uses"].startswith("actions/setup-python@")
    for step in steps:
        assert "${{" not in step.get("run", "")
        for value in step.get("env", {}).values():
            assert EXPRESSION.match(value), value
    assert set(action()["inputs"]) >= {"paths", "fail-on", "formats", "sarif-file"}


@dataclass(frozen=True)
class Runner:
    """A runner with the action checked out (a copy of this working tree) and its install step run."""

    base: Path
    env: dict[str, str]

    def steps(self) -> list[dict]:  # type: ignore[type-arg]
        return [step for step in action()["runs"]["steps"] if "run" in step]

    def run_step(
        self, step: dict, workspace: Path, inputs: dict[str, str]
    ) -> subprocess.CompletedProcess[str]:  # type: ignore[type-arg]
        assert step["shell"] == "bash"
        values = {name: str(i.get("default", "")) for name, i in action()["inputs"].items()} | inputs
        env = self.env | {k: values[EXPRESSION.match(v)[1]] for k, v in step.get("env", {}).items()}  # type: ignore[index]
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Runner:
    base = tmp_path_factory.mktemp("runner")
    action_path = base / "action"
    for rel in working_tree_files(REPO):
        (action_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, action_path / rel, follow_symlinks=False)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", venv], check=True)
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "GITHUB_ACTIONS", "PIP_USER")
    env = clean_env(
        drop,
        PATH=f"{venv / 'bin'}:{clean_env()['PATH']}",
        PYTHONNOUSERSITE="1",
        GITHUB_ACTION_PATH=str(action_path),
    )
    made = Runner(base, env)
    install, *_ = made.steps()
    assert install["name"] == "Install exolint"
    installed = made.run_step(install, base, {})
    assert installed.returncode == 0, installed.stdout + installed.stderr
    # the step installed the action's copy into the virtualenv: nothing else answers to `linter`
    where = subprocess.run(
        ["python", "-c", "import linter; print(linter.__file__)"],
        cwd=base,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(venv)), where
    return made


def run_action(
    runner: Runner, tmp_path: Path, workspace: Path, inputs: dict[str, str]
) -> tuple[int, str, Path]:
    """Run the action's steps after the install in ``workspace``, with the files GitHub gives a
    step; (exit code of the last step, log, job summary)."""
    summary, outputs = tmp_path / "step-summary.md", tmp_path / "output.txt"
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    files = {
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "RUNNER_TEMP": str(runner_temp),
    }
    step_runner = Runner(runner.base, runner.env | files)
    log, code = "", 0
    _, *steps = step_runner.steps()
    for step in steps:
        proc = step_runner.run_step(step, workspace, inputs)
        log += proc.stdout + proc.stderr
        code = proc.returncode
        if code and step is not steps[-1]:
            raise AssertionError(f"step {step.get('name')} failed:\n{log}")
    assert f"exit-code={code}\n" in outputs.read_text(encoding="utf-8")
    return code, log, summary


@pytest.mark.slow
def test_the_action_on_the_renewed_example(runner: Runner, tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    shutil.copytree(RENEWED, workspace / "tenants" / "contoso")
    (workspace / ".git").mkdir()  # the top of the repository, as actions/checkout leaves it
    code, log, summary = run_action(
        runner, tmp_path, workspace, {"args": "--as-of 2026-11-26", "paths": "tenants"}
    )
    assert code == 1, log

    # annotations in the log, on the connectors' lines
    assert "::error file=tenants/contoso/exo/inbound-connector.yaml,line=10" in log
    assert "::error file=tenants/contoso/exo/outbound-connector.yaml,line=10" in log

    # the SARIF report: valid, repository-relative URIs of files that exist
    sarif = json.loads((workspace / "exolint.sarif").read_text(encoding="utf-8"))
    schema = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    Draft4Validator(schema).validate(sarif)
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"EX601", "EX205"}
    for result in results:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location["uriBaseId"] == "%SRCROOT%"
        assert (workspace / location["uri"]).is_file()

    # the job summary: the verdict, every finding, and the mail flow with the broken edge in red
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## exolint\n\nA finding reaches fail-on error: this step fails.\n")
    assert text.count("## exolint") == 1
    assert "| tenants/contoso/exo/inbound-connector.yaml:10 | EX601 |" in text
    assert "| tenants/contoso/exo/outbound-connector.yaml:10 | EX205 |" in text
    assert "2 findings (2 errors)" in text
    assert "### Mail flow of tenants/contoso" in text
    chart = text.split("```mermaid\n", 1)[1].split("\n```", 1)[0]
    assert "5.7.64" in chart and "EX601" in chart


@pytest.mark.slow
def test_the_action_passes_a_healthy_repository_and_stops_a_wrong_folder(
    runner: Runner, tmp_path: Path
) -> None:
    workspace = tmp_path / "workspace"
    shutil.copytree(REPO / "examples" / "contoso-healthy", workspace / "contoso")
    (workspace / "empty").mkdir()
    (workspace / ".git").mkdir()
    code, log, summary = run_action(runner, tmp_path, workspace, {"args": "--as-of 2026-11-26"})
    assert code == 0, log
    assert "No finding reaches fail-on error." in summary.read_text(encoding="utf-8")
    assert json.loads((workspace / "exolint.sarif").read_text(encoding="utf-8"))["runs"][0]["results"] == []

    again = tmp_path / "again"
    again.mkdir()
    code, log, summary = run_action(runner, again, workspace, {"paths": "empty"})
    assert code == 2, log
    text = summary.read_text(encoding="utf-8")
    assert "exolint could not run (exit 2)" in text and "no definitions or certificates found" in text


def yaml_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```$", markdown, re.M | re.S)


@pytest.mark.parametrize("page", ["docs/ci.md", "README.md"])
def test_ci_recipes_are_complete(page: str) -> None:
    """Each recipe parses, and each exolint command in it is one exolint accepts."""
    from linter.cli import build_parser

    text = (REPO / page).read_text(encoding="utf-8")
    recipes = [
        block
        for block in yaml_blocks(text)
        if "exolint" in block and ("steps:" in block or "script" in block)
    ]
    assert recipes
    checked: list[str] = []
    for recipe in recipes:
        _, problems = parse_yaml(page, recipe)
        assert not problems, recipe
        for command in re.findall(r"(?:run:|script:|- ) ?(exolint check[^\n]*)", recipe):
            build_parser().parse_args(command.split()[1:])
            checked.append(command)
        if "upload-sarif" in recipe:
            assert re.search(r"security-events: write", recipe)
            assert re.search(r"fetch-depth: 0", recipe)
    if page == "docs/ci.md":
        assert len(checked) == 3, checked
        joined = "\n".join(recipes)
        for needed in (
            "codequality: gl-code-quality.json",
            "junit: exolint.xml",
            "PublishTestResults@2",
            "image:",
        ):
            assert needed in joined
