"""Everyday manners of the command line: no silent green, paths a terminal opens, a closed pipe,
and "did you mean" for mistaken names."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from worktree import clean_env

from linter.domain.spelling import closest

REPO = Path(__file__).resolve().parent.parent
RENEWED = REPO / "examples" / "contoso-renewed-certificate"
AS_OF = ("--as-of", "2026-11-26")


# --- no silent green ------------------------------------------------------------------------


def test_a_run_that_finds_nothing_to_lint_is_exit_2(cli, write) -> None:  # type: ignore[no-untyped-def]
    root = write({"README.md": "not a definition\n", "deploy/notes.txt": "nor this\n", "ci.yaml": "a: 1\n"})
    for args in ((), (".",), ("deploy",)):
        code, out, err = cli(root, "check", *args)
        assert (code, out) == (2, ""), args
        assert "no definitions or certificates found, so nothing was checked" in err
        assert "--allow-empty" in err and len(err.splitlines()) == 1


def test_allow_empty_accepts_an_empty_run(cli, write) -> None:  # type: ignore[no-untyped-def]
    root = write({"README.md": "not a definition\n"})
    code, out, err = cli(root, "check", "--allow-empty")
    assert (code, err) == (0, "")
    assert out.startswith("no findings in 0 files")


def test_named_files_without_definitions_pass(cli, write) -> None:  # type: ignore[no-untyped-def]
    # what pre-commit passes when a commit changes only other YAML files, such as a CI workflow
    root = write({"ci.yaml": "a: 1\n"})
    code, _, err = cli(root, "check", "ci.yaml")
    assert (code, err) == (0, "")


def test_the_hooks_run_on_a_commit_without_definitions_passes(cli, write) -> None:  # type: ignore[no-untyped-def]
    # the pre-commit hook runs on every commit with --git-deletions, also when it touches no definition
    root = write({"README.md": "notes\n"})
    subprocess.run(["git", "init", "-q", "--template="], cwd=root, env=clean_env(), check=True)
    code, _, err = cli(root, "check", "--git-deletions")
    assert (code, err) == (0, "")


def test_one_certificate_is_something_to_lint(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(RENEWED / "certs", tmp_path / "certs")
    code, _, err = cli(tmp_path, "check", "certs", *AS_OF)
    assert code in (0, 1) and "nothing was checked" not in err


# --- paths relative to the working directory --------------------------------------------------


def test_text_paths_are_relative_to_the_working_directory(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(RENEWED, tmp_path / "tenants" / "contoso")
    (tmp_path / ".git").mkdir()  # the lint root
    exo = tmp_path / "tenants" / "contoso" / "exo"
    code, out, _ = cli(exo, "check", "..", *AS_OF)
    assert code == 1
    assert [line.split(": ")[0] for line in out.splitlines()[:2]] == [
        "inbound-connector.yaml:10:1",
        "outbound-connector.yaml:10:1",
    ]
    # opened from the shown path, the line is the connector's
    assert (
        (exo / "inbound-connector.yaml").read_text(encoding="utf-8").splitlines()[9].startswith("TlsSender")
    )
    # machine formats keep repository-relative paths
    code, out, _ = cli(exo, "check", "..", "--format", "json", *AS_OF)
    assert '"path": "tenants/contoso/exo/inbound-connector.yaml"' in out
    # from a sibling directory, the way back up
    (tmp_path / "docs").mkdir()
    code, out, _ = cli(tmp_path / "docs", "check", "../tenants", *AS_OF)
    assert out.startswith("../tenants/contoso/exo/inbound-connector.yaml:10:1: EX601")


# --- a closed pipe --------------------------------------------------------------------------


def test_a_closed_pipe_ends_quietly() -> None:
    command = [sys.executable, "-m", "linter", "check", str(RENEWED), "--root", str(REPO), *AS_OF]
    with subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader goes away before exolint writes, as `| head -0` would
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=120) == 141
    assert err == ""


# --- did you mean ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "choices", "expected"),
    [
        ("fail_on", ["select", "fail-on"], "fail-on"),
        ("FAIL-ON", ["fail-on"], "fail-on"),
        ("warnings", ["error", "warning", "info", "none"], "warning"),
        ("sraif", ["text", "sarif", "junit"], "sarif"),
        ("chek", ["check", "baseline", "config"], "check"),
        ("frobnicate", ["check", "baseline", "config"], None),
        ("x", ["error", "warning"], None),
    ],
)
def test_closest(value: str, choices: list[str], expected: str | None) -> None:
    assert closest(value, choices) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["chek"], "invalid choice: 'chek'; did you mean check? (choose from check, "),
        (["check", "--format", "sraif"], "invalid choice: 'sraif'; did you mean sarif?"),
        (["check", "--fail-on", "warnings"], "invalid choice: 'warnings'; did you mean warning?"),
        (["explain", "sender-certificate-coverd"], "did you mean sender-certificate-covered?"),
    ],
)
def test_mistaken_names_get_a_suggestion(cli, write, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    root = write({"x.yaml": "kind: Tenant\nName: contoso.onmicrosoft.com\n"})
    code, out, err = cli(root, *args)
    assert (code, out) == (2, "")
    assert message in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "# settings\nselect: [EX6]\nfail_on: warning\n",
            ".exolint.yaml:3: fail_on: not a setting; did you mean fail-on?",
        ),
        (
            "select: [EX6]\ninline-suppressions:\n  forbid-at-or-above: error\n  max_days: 30\n",
            ".exolint.yaml:4: inline-suppressions/max_days: not a setting; did you mean max-days?",
        ),
        (
            "select: [EX6]\n\nfail-on: warnings\n",
            ".exolint.yaml:3: fail-on: 'warnings' is not one of error, warning, info, none; "
            "did you mean warning?",
        ),
        (
            "select: [EX5]\noptions:\n  EX503:\n    within_dayz: 3\n",
            ".exolint.yaml:4: options of EX503: within_dayz is not an option; did you mean within_days?",
        ),
        (
            "severity:\n  EX601: eror\n",
            ".exolint.yaml:2: severity/EX601: 'eror' is not one of error, warning, info; did you mean error?",
        ),
    ],
)
def test_configuration_mistakes_at_their_own_line(cli, write, config: str, message: str) -> None:  # type: ignore[no-untyped-def]
    root = write({".exolint.yaml": config, "x.yaml": "kind: Tenant\nName: contoso.onmicrosoft.com\n"})
    code, _, err = cli(root, "check")
    assert code == 2
    assert message in err and len(err.splitlines()) == 1


def test_pyproject_key_mistakes_name_their_line(cli, write) -> None:  # type: ignore[no-untyped-def]
    root = write(
        {
            "pyproject.toml": '[project]\nname = "x"\n\n[tool.exolint]\nselect = ["EX6"]\n'
            'fail_on = "warning"\n',
            "x.yaml": "kind: Tenant\nName: contoso.onmicrosoft.com\n",
        }
    )
    code, _, err = cli(root, "check")
    assert code == 2
    assert "pyproject.toml:6: fail_on: not a setting; did you mean fail-on?" in err


# --- explain a prefix -----------------------------------------------------------------------


def test_explain_a_prefix_lists_its_rules(cli, write) -> None:  # type: ignore[no-untyped-def]
    root = write({"x.yaml": "kind: Tenant\nName: contoso.onmicrosoft.com\n"})
    code, out, err = cli(root, "explain", "EX6")
    assert (code, err) == (0, "")
    ids = [line.split()[0] for line in out.splitlines()]
    assert ids and all(i.startswith("EX6") for i in ids) and "EX601" in ids and "EX608" in ids
    assert "sender-certificate-covered" in out
    code, out, _ = cli(root, "explain", "ex60")
    assert code == 0 and {line.split()[0] for line in out.splitlines()} == {i for i in ids if i < "EX610"}
    # a whole id is still the rule's documentation
    code, out, _ = cli(root, "explain", "EX601")
    assert code == 0 and out.startswith("# EX601")
