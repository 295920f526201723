"""``pip install .`` from a clean copy into a fresh virtualenv gives a working exolint.

The copy holds the files a checkout would (tracked files, and untracked files that .gitignore does
not exclude, since tests run in a working tree); the install is a regular one, not editable. The
installed ``exolint`` runs from a directory outside the copy, and once more after the copy is
deleted, so it cannot be reading rules or schemas from a source tree.
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
from worktree import clean_env, working_tree_files

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow  # builds a virtualenv and installs exolint into it

EX601_LOCATION = "contoso-renewed-certificate/exo/inbound-connector.yaml:10:1: EX601 [error]"
EX205_LOCATION = "contoso-renewed-certificate/exo/outbound-connector.yaml:10:1: EX205 [error]"
AS_OF = ("--as-of", "2026-11-26")  # the examples' certificates expire; judge them on a fixed day


def _env() -> dict[str, str]:
    # Nothing may lead the installed exolint back to a source tree or another environment.
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP", "PIP_USER")
    return clean_env(drop, PYTHONNOUSERSITE="1")


def run(cwd: Path, *cmd: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout
    )


@dataclass(frozen=True)
class Installed:
    src: Path  # the clean copy that was installed (test_source_tree_removed deletes it)
    venv: Path
    purelib: Path  # the venv's site-packages
    elsewhere: Path  # a directory outside the copy, holding copies of the examples
    version: str  # linter.__version__ in the copy
    rule_ids: frozenset[str]  # the ids of the rule files in the copy
    rule_files: frozenset[str]  # rules/**/*.yaml in the copy, relative to rules/
    schema_files: frozenset[str]  # schemas/*.json in the copy
    rules_output: str  # `exolint rules` right after the install (stdout and stderr)

    @property
    def exolint(self) -> Path:
        return self.venv / "bin" / "exolint"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("packaging")
    src = base / "src"
    for rel in working_tree_files(REPO):
        target = src / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, target, follow_symlinks=False)
    assert not (src / "build").exists() and not list(src.glob("*.egg-info")), "the copy must be clean"

    rules = sorted((src / "rules").rglob("*.yaml"))
    rule_ids = set()
    for path in rules:
        m = re.search(r"^id: (EX\d{3})\s*$", path.read_text(encoding="utf-8"), re.M)
        assert m, f"no id in {path}"
        rule_ids.add(m[1])
    version = re.search(
        r'^__version__ = "([^"]+)"', (src / "linter/__init__.py").read_text(encoding="utf-8"), re.M
    )
    assert version

    elsewhere = base / "elsewhere"
    for example in ("contoso-healthy", "contoso-renewed-certificate"):
        shutil.copytree(src / "examples" / example, elsewhere / example)

    venv = base / "venv"
    made = run(base, sys.executable, "-m", "venv", venv)
    assert made.returncode == 0, made.stderr
    pip = run(
        base,
        venv / "bin" / "python",
        "-m",
        "pip",
        "install",
        "--no-input",
        "--disable-pip-version-check",
        src,
        timeout=600,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    purelib = run(
        elsewhere, venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    )
    assert purelib.returncode == 0, purelib.stderr
    listed = run(elsewhere, venv / "bin" / "exolint", "rules")  # compared after the copy is gone
    return Installed(
        src=src,
        venv=venv,
        purelib=Path(purelib.stdout.strip()),
        elsewhere=elsewhere,
        version=version[1],
        rule_ids=frozenset(rule_ids),
        rule_files=frozenset(p.relative_to(src / "rules").as_posix() for p in rules),
        schema_files=frozenset(p.name for p in (src / "schemas").glob("*.json")),
        rules_output=listed.stdout + listed.stderr,
    )


def listed_ids(output: str) -> set[str]:
    return set(re.findall(r"^(EX\d{3})\s", output, re.M))


def test_installed_package_carries_rules_and_schemas(installed: Installed) -> None:
    package = installed.purelib / "linter"
    assert len(list(package.glob("rules/**/EX601-*.yaml"))) == 1
    schema = package / "schemas" / "inbound-connector.schema.json"
    assert schema.is_file()
    assert isinstance(json.loads(schema.read_text(encoding="utf-8")), dict)
    # every rule and schema of the source, at the same place
    shipped_rules = {p.relative_to(package / "rules").as_posix() for p in (package / "rules").rglob("*.yaml")}
    assert shipped_rules == installed.rule_files
    assert (package / "rules" / "compiled.json").is_file()  # a run reads the rules without parsing them
    assert {p.name for p in (package / "schemas").glob("*.json")} == installed.schema_files
    # linter.load.resources looks beside the package before inside it: nothing may land there
    assert not (installed.purelib / "rules").exists()
    assert not (installed.purelib / "schemas").exists()

    where = run(
        installed.elsewhere, installed.venv / "bin" / "python", "-c", "import linter; print(linter.__file__)"
    )
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).parent == package
    (dist_info,) = installed.purelib.glob("exolint-*.dist-info")
    direct_url = dist_info / "direct_url.json"
    if direct_url.exists():  # a regular install, not an editable one that reads the source
        assert not json.loads(direct_url.read_text(encoding="utf-8")).get("dir_info", {}).get("editable")


def test_version(installed: Installed) -> None:
    result = run(installed.elsewhere, installed.exolint, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"exolint {installed.version}"
    metadata = run(
        installed.elsewhere,
        installed.venv / "bin" / "python",
        "-c",
        "import importlib.metadata as m; print(m.version('exolint'))",
    )
    assert metadata.stdout.strip() == installed.version, metadata.stderr


def test_rules(installed: Installed) -> None:
    result = run(installed.elsewhere, installed.exolint, "rules")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^EX601\s+sender-certificate-covered\s+error\s", result.stdout, re.M), result.stdout
    assert listed_ids(result.stdout) == installed.rule_ids


def test_explain_ndr(installed: Installed) -> None:
    result = run(installed.elsewhere, installed.exolint, "explain", "5.7.64")
    assert result.returncode == 0, result.stderr
    assert "550 5.7.64" in result.stdout
    assert "EX601 sender-certificate-covered [error]" in result.stdout, result.stdout


def test_check_examples_outside_the_source(installed: Installed) -> None:
    elsewhere = installed.elsewhere
    renewed = run(
        elsewhere,
        installed.exolint,
        "check",
        *AS_OF,
        "--root",
        elsewhere,
        elsewhere / "contoso-renewed-certificate",
    )
    assert renewed.returncode == 1, renewed.stdout + renewed.stderr
    findings = [line for line in renewed.stdout.splitlines() if re.match(r"\S+:\d+:\d+: EX\d{3} ", line)]
    assert len(findings) == 2, renewed.stdout
    assert findings[0].startswith(EX601_LOCATION) and findings[1].startswith(EX205_LOCATION), renewed.stdout

    healthy = run(
        elsewhere, installed.exolint, "check", *AS_OF, "--root", elsewhere, elsewhere / "contoso-healthy"
    )
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert not re.search(r"^\S+:\d+:\d+: EX\d{3} ", healthy.stdout, re.M), healthy.stdout


def test_source_tree_removed(installed: Installed) -> None:
    shutil.rmtree(installed.src)
    assert not installed.src.exists()

    result = run(installed.elsewhere, installed.exolint, "rules")
    assert result.returncode == 0, result.stderr
    assert result.stdout + result.stderr == installed.rules_output
    assert "EX601" in listed_ids(result.stdout)

    # and it still lints, with its schemas, from its own package
    renewed = run(
        installed.elsewhere, installed.exolint, "check", *AS_OF, "--root", ".", "contoso-renewed-certificate"
    )
    assert renewed.returncode == 1, renewed.stdout + renewed.stderr
    assert EX601_LOCATION in renewed.stdout
