"""Baselines and --diff-base with real git: only new findings, surviving reformatting."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from worktree import clean_env

REPO = Path(__file__).resolve().parent.parent
HEALTHY = REPO / "examples" / "contoso-healthy"
RENEWED = REPO / "examples" / "contoso-renewed-certificate"
INBOUND = "exo/inbound-connector.yaml"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, env=clean_env(), capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The healthy example committed, plus a pre-existing warning (a key in an odd case)."""
    root = tmp_path / "repo"
    shutil.copytree(HEALTHY, root)
    tenant = root / "tenant.yaml"
    tenant.write_text(
        tenant.read_text(encoding="utf-8").replace("Name: contoso", "name: contoso"), encoding="utf-8"
    )
    git(root, "init", "-q")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "user.name", "Test")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "healthy")
    return root


def renew(root: Path) -> None:
    """The renewal: the on-premises side moves to the smtp.contoso.com certificate."""
    for rel in (
        "onprem/send-connector.yaml",
        "onprem/receive-connector.yaml",
        "onprem/exchange-certificate.yaml",
    ):
        shutil.copy(RENEWED / rel, root / rel)
    (root / "certs" / "mail.contoso.com.cer").unlink()
    shutil.copy(RENEWED / "certs" / "smtp.contoso.com.cer", root / "certs" / "smtp.contoso.com.cer")


def findings(cli, root: Path, *args: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    code, out, err = cli(root, "check", "--format", "json", "--fail-on", "none", *args)
    assert code == 0, err
    return sorted((f["rule_id"], f["path"]) for f in json.loads(out)["findings"])


def test_diff_base_reports_only_what_the_change_adds(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    before = findings(cli, repo)
    assert ("EX012", "tenant.yaml") in before
    renew(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "renew")
    everything = findings(cli, repo)
    new = findings(cli, repo, "--diff-base", "HEAD~1")
    assert ("EX601", INBOUND) in new
    assert ("EX012", "tenant.yaml") in everything and ("EX012", "tenant.yaml") not in new
    assert set(new) == set(everything) - set(before)
    # the user's work tree and index are untouched
    assert git(repo, "status", "--porcelain") == ""
    assert (repo / "certs" / "smtp.contoso.com.cer").exists()


def test_diff_base_of_uncommitted_changes(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    renew(repo)
    new = findings(cli, repo, "--diff-base", "HEAD")
    assert ("EX601", INBOUND) in new and ("EX012", "tenant.yaml") not in new


def test_baseline_written_before_the_break_survives_a_reformat(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli(repo, "baseline", "write", "exolint-baseline.json")
    assert code == 0 and "findings recorded" in err
    assert findings(cli, repo, "--baseline", "exolint-baseline.json") == []
    # reformat: comments, another key order, flow lists, blank lines
    tenant = repo / "tenant.yaml"
    documents = tenant.read_text(encoding="utf-8").split("---\n")
    documents[0] = "# reformatted\n\nname: contoso.onmicrosoft.com\nkind: Tenant\n"
    tenant.write_text("---\n".join(documents), encoding="utf-8")
    assert findings(cli, repo, "--baseline", "exolint-baseline.json") == []
    renew(repo)
    assert ("EX601", INBOUND) in findings(cli, repo, "--baseline", "exolint-baseline.json")


def test_a_changed_property_is_a_new_finding(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    renew(repo)
    cli(repo, "baseline", "write", "b.json")
    assert findings(cli, repo, "--baseline", "b.json") == []
    inbound = repo / INBOUND
    inbound.write_text(
        inbound.read_text(encoding="utf-8").replace("Name: Inbound from", "Name: Inbound via"),
        encoding="utf-8",
    )
    assert ("EX601", INBOUND) in findings(cli, repo, "--baseline", "b.json")  # another object now


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--baseline", "missing.json"], "missing.json: cannot be read"),
        (["--diff-base", "no-such-ref"], "--diff-base no-such-ref: not a commit"),
    ],
)
def test_bad_baselines_are_usage_errors(cli, repo: Path, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli(repo, "check", *args)
    assert code == 2 and message in err


def test_a_file_that_is_not_a_baseline(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    (repo / "b.json").write_text('{"findings": []}', encoding="utf-8")
    code, _, err = cli(repo, "check", "--baseline", "b.json")
    assert code == 2 and "is not an exolint baseline" in err


def test_diff_base_with_a_lint_root_below_the_repository(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    top = tmp_path / "top"
    shutil.copytree(HEALTHY, top / "tenants" / "contoso")
    git(top, "init", "-q")
    git(top, "config", "user.email", "test@example.com")
    git(top, "config", "user.name", "Test")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "healthy")
    root = top / "tenants"
    renew(root / "contoso")
    code, out, err = cli(root, "check", "--root", str(root), "--diff-base", "HEAD", "--format", "json")
    assert code == 1, err
    assert ("EX601", f"contoso/{INBOUND}") in {(f["rule_id"], f["path"]) for f in json.loads(out)["findings"]}


def test_diff_base_names_the_deleted_inbound_connector(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    (repo / INBOUND).unlink()
    git(repo, "commit", "-qam", "drop the inbound connector")
    code, out, _ = cli(repo, "check", "--diff-base", "HEAD~1")
    assert code == 1, out
    (line,) = [line for line in out.splitlines() if " EX605 " in line]
    assert line.startswith("onprem/send-connector.yaml:4:1: EX605 [error]")
    assert "has no inbound connector at all" in line
    assert line.endswith(
        'Since HEAD~1, the change deleted Inbound connector "Inbound from '
        f'4f2c8a6e-1d3b-4c5a-9e7f-2b8d0c6a1e94" ({INBOUND}).'
    )


def test_diff_base_does_not_call_a_renewal_a_deletion(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    renew(repo)
    code, out, _ = cli(repo, "check", "--diff-base", "HEAD")
    assert code == 1 and "EX601" in out
    assert "deleted" not in out
