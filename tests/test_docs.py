"""Every ``exolint`` command the README and docs/ show runs, as written, in a repository laid out
as the pages assume: this repository's examples, git history with an ``origin/main``, and the
files a reader brings (PowerShell exports, protocol logs) where the commands name them."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from test_custom_rules import MINIMAL
from test_diagnose import QUEUED, RELAY_DENIED, certificate, session_rows, write_log
from worktree import clean_env

from linter.cli import main

REPO = Path(__file__).resolve().parent.parent
IMPORTS = REPO / "tests" / "fixtures" / "import"
RENEWED = REPO / "examples" / "contoso-renewed-certificate"
PAGES = ["README.md", *sorted(p.relative_to(REPO).as_posix() for p in (REPO / "docs").glob("*.md"))]
BRINGS = {
    # what a reader's own PowerShell export is called on the pages, and the fixture that stands for it
    "inbound.json": "inbound.json",
    "outbound.json": "outbound.json",
    "accepted-domains.json": "accepted-domains.json",
    "send-connectors.json": "send-connectors.json",
    "receive-connectors.json": "receive-connectors.json",
    "certs-ex01.json": "exchange-certificates.json",
    "M365TenantConfig.ps1": "M365TenantConfig.ps1",
}


def commands(page: str) -> list[list[str]]:
    """The exolint command lines of the page's ``sh`` blocks, continuation lines joined and
    comments dropped."""
    text = (REPO / page).read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"^```sh\n(.*?)^```$", text, re.M | re.S):
        for line in block.replace("\\\n", " ").splitlines():
            for part in line.split("&&"):
                words = shlex.split(part, comments=True)
                if words[:1] == ["exolint"]:
                    found.append(words[1:])
    return found


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        env=clean_env(),
        check=True,
        capture_output=True,
    )


@pytest.fixture
def reader_repository(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "examples", root / "examples")
    for name, fixture in BRINGS.items():
        shutil.copy(IMPORTS / fixture, root / name)
    # an organisation's own rules, as docs/custom-rules.md sets them up
    shutil.copytree(REPO / "examples" / "policies", root / "policies")
    (root / "policies" / "AB101-inbound-comment.yaml").write_text(MINIMAL, encoding="utf-8")
    (root / ".exolint.yaml").write_text("rules: [policies]\n", encoding="utf-8")
    cert = certificate(RENEWED)
    write_log(root, session_rows("08DE2C1A5B3F7D01", cert, RELAY_DENIED), "SEND20261126-1.log")
    write_log(root, session_rows("08DE2C1A5B3F7D02", cert, QUEUED), "SEND20261126-2.log")
    git(root, "init", "-q", "--template=")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "docs")
    git(root, "update-ref", "refs/remotes/origin/main", "HEAD")
    return root


def test_the_pages_show_commands() -> None:
    shown = {page: len(commands(page)) for page in PAGES}
    assert sum(shown.values()) > 30, shown
    assert shown["README.md"] >= 15


@pytest.mark.parametrize("page", PAGES)
def test_every_command_shown_runs(
    page: str, reader_repository: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(reader_repository)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    for argv in commands(page):
        if argv[:1] == ["lsp"] and "--help" not in argv:
            continue  # a server that waits for its editor
        try:
            code = main(argv)
        except SystemExit as exit:  # --help, --version
            code = int(exit.code or 0)
        _, err = capsys.readouterr()
        assert code in (0, 1), f"{page}: exolint {shlex.join(argv)} exited {code}:\n{err}"
        assert "internal error" not in err and "Traceback" not in err, f"{page}: exolint {shlex.join(argv)}"
