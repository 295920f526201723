"""The real pre-commit framework running exolint's hooks, as a user's repository would.

Each test builds a throw-away git repository that holds one of the Contoso examples and runs
pre-commit in it, with the hooks that ``.pre-commit-hooks.yaml`` declares.

Two ways of pointing pre-commit at this repository:

- ``pre-commit try-repo PATH``: what a hook author types. It builds the hook environment in a
  *temporary store of its own* on every call (``Store(tempdir)`` in ``commands/try_repo.py``;
  ``PRE_COMMIT_HOME`` is not used for it), about ten seconds a call here. For a dirty working
  tree it clones HEAD and commits the staged files and the modified *tracked* files on top (a
  shadow commit); untracked files are left out. test_precommit_try_repo.py checks both cases once.
- ``pre-commit run --config`` with a configuration naming a snapshot of this working tree
  (tracked and untracked-but-not-ignored files, committed into a repository of its own) at its
  commit: the same ``run`` code path that try-repo ends in, but with the store in a
  ``PRE_COMMIT_HOME`` shared by the module, so the environment is built once per session.
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

pytestmark = pytest.mark.slow

HEALTHY = REPO / "examples" / "contoso-healthy"
RENEWED = REPO / "examples" / "contoso-renewed-certificate"
POLICIES = REPO / "examples" / "policies"

INBOUND = "exo/inbound-connector.yaml"
OUTBOUND = "exo/outbound-connector.yaml"
AS_OF = ["--as-of", "2026-11-26"]  # the examples' certificates expire; judge them on a fixed day
RENEWAL = [(INBOUND, 10, 1, "EX601", "error"), (OUTBOUND, 10, 1, "EX205", "error")]
"""Relay into Exchange Online breaks (EX601), and so does its TLS to on-premises (EX205)."""
SEND = "onprem/send-connector.yaml"
RENEWED_CERT = "certs/smtp.contoso.com.cer"

FINDING = re.compile(
    r"^(?P<path>\S[^:\n]*):(?P<line>\d+):(?P<col>\d+): (?P<id>EX\d{3}) \[(?P<severity>\w+)\]", re.M
)
# The environment variables that would point git somewhere else (set when tests run from a git hook).


def _env(home: Path) -> dict[str, str]:
    drop = ("PRE_COMMIT", "PRE_COMMIT_CONFIG", "VIRTUAL_ENV", "PYTHONPATH", "SKIP")
    return clean_env(drop, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false", *args],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, f"git {' '.join(args)} failed in {cwd}:\n{proc.stdout}{proc.stderr}"
    return proc.stdout


def init_repo(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "--template=")  # no template hooks: nothing but pre-commit runs
    git(path, "config", "user.name", "exolint tests")
    git(path, "config", "user.email", "tests@exolint.invalid")


def commit(path: Path, message: str) -> None:
    git(path, "add", "-A")
    git(path, "commit", "-q", "--no-verify", "-m", message)


def copy_tree(source: Path, target: Path) -> None:
    """Copy every file of ``source`` to ``target``, replacing what is there (but not .git)."""
    for item in target.iterdir() if target.exists() else ():
        if item.name == ".git":
            continue
        if item.is_dir() and not item.is_symlink():
            shutil.rmtree(item)
        else:
            item.unlink()
    # shutil.copy, not copy2: a copied file keeps no old mtime, which with an equal size would
    # let git's stat check take a changed file for unchanged
    shutil.copytree(source, target, dirs_exist_ok=True, copy_function=shutil.copy)


@dataclass(frozen=True)
class Hooks:
    home: Path  # PRE_COMMIT_HOME, shared by the module
    repo: Path  # the snapshot of this working tree, a git repository
    rev: str
    config: Path  # a .pre-commit-config.yaml naming every hook of the snapshot


@dataclass(frozen=True)
class Result:
    code: int
    output: str

    def findings(self) -> list[tuple[str, int, int, str, str]]:
        return [
            (m["path"], int(m["line"]), int(m["col"]), m["id"], m["severity"])
            for m in FINDING.finditer(self.output)
        ]

    def status(self, name: str) -> str | None:
        """Passed, Failed or Skipped, from pre-commit's ``name....Status`` line of the hook."""
        m = re.search(rf"^{re.escape(name)}\.+(?:\([^)\n]*\))?(\w+)$", self.output, re.M)
        return m[1] if m else None

    def hook_exit_code(self) -> int | None:
        """The hook's own exit code (pre-commit prints it for a failed hook, or with -v)."""
        m = re.search(r"^- exit code: (\d+)$", self.output, re.M)
        return int(m[1]) if m else None


def pre_commit(home: Path, cwd: Path, *args: str) -> Result:
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
    )
    return Result(proc.returncode, proc.stdout)


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This working tree, committed into a git repository of its own."""
    snapshot = tmp_path_factory.mktemp("snapshot") / "exolint"
    snapshot.mkdir()
    for rel in working_tree_files(REPO):
        target = snapshot / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, target, follow_symlinks=False)
    init_repo(snapshot)
    commit(snapshot, "snapshot of the working tree under test")
    return snapshot


@pytest.fixture(scope="module")
def hooks(tmp_path_factory: pytest.TempPathFactory, snapshot: Path) -> Hooks:
    base = tmp_path_factory.mktemp("pre-commit")
    home = base / "home"
    rev = git(snapshot, "rev-parse", "HEAD").strip()
    config = base / "pre-commit-config.yaml"
    hooks = [{"id": "exolint", "args": AS_OF}, {"id": "exolint-all", "args": AS_OF}, {"id": "exolint-rules"}]
    repo = {"repo": str(snapshot), "rev": rev, "hooks": hooks}
    config.write_text(json.dumps({"repos": [repo]}, indent=2), encoding="utf-8")  # JSON is YAML
    # Build the hook environment now (pip install of the snapshot and its dependencies), once.
    built = pre_commit(home, snapshot, "install-hooks", "--config", str(config))
    assert built.code == 0, built.output
    return Hooks(home, snapshot, rev, config)


def run_hook(hooks: Hooks, cwd: Path, hook: str, *args: str) -> Result:
    return pre_commit(hooks.home, cwd, "run", "--config", str(hooks.config), "--color", "never", hook, *args)


@pytest.fixture
def deployment(tmp_path: Path) -> Path:
    """A git repository holding the healthy Contoso deployment, committed."""
    path = tmp_path / "contoso"
    init_repo(path)
    copy_tree(HEALTHY, path)
    commit(path, "Contoso hybrid as the Hybrid Configuration Wizard left it")
    return path


def staged(path: Path) -> list[str]:
    return git(path, "diff", "--cached", "--name-only").split()


@pytest.mark.parametrize(
    ("hook", "name", "args"),
    [
        # the changed-files hook, given every file of the repository
        ("exolint", "exolint", ("--all-files",)),
        # the whole-repository hook on a commit that stages nothing: always_run must run it anyway
        ("exolint-all", "exolint (whole repository)", ()),
    ],
)
def test_hook_passes_healthy_and_fails_after_renewal(
    hooks: Hooks, deployment: Path, hook: str, name: str, args: tuple[str, ...]
) -> None:
    before = run_hook(hooks, deployment, hook, *args)
    assert before.code == 0, before.output
    assert before.status(name) == "Passed", before.output
    assert before.findings() == []

    # The same deployment after the renewal: the files of the renewed example, committed.
    copy_tree(RENEWED, deployment)
    commit(deployment, "Renew the transport certificate as smtp.contoso.com")
    assert staged(deployment) == []

    after = run_hook(hooks, deployment, hook, *args)
    assert after.code == 1, after.output
    assert after.status(name) == "Failed", after.output
    assert after.hook_exit_code() == 1, after.output  # a finding, not a usage error (2) or a crash
    assert after.findings() == RENEWAL, after.output
    assert f"{INBOUND}:10:1: EX601 [error]" in after.output
    assert "550 5.7.64" in after.output


def test_changed_file_reports_the_finding_of_its_scope(hooks: Hooks, deployment: Path) -> None:
    # The renewed certificate was imported and committed earlier; nothing uses it yet.
    shutil.copy(RENEWED / RENEWED_CERT, deployment / RENEWED_CERT)
    commit(deployment, "Import the renewed certificate")
    baseline = run_hook(hooks, deployment, "exolint", "--all-files")
    assert baseline.code == 0 and baseline.status("exolint") == "Passed", baseline.output

    # The outage in one staged file: the send connector switches to the renewed certificate.
    shutil.copy(RENEWED / SEND, deployment / SEND)
    git(deployment, "add", SEND)
    assert staged(deployment) == [SEND]

    result = run_hook(hooks, deployment, "exolint")  # no --all-files: only the staged file
    assert result.code == 1, result.output
    assert result.status("exolint") == "Failed", result.output
    assert result.hook_exit_code() == 1, result.output
    # reported where it stands, in a file that pre-commit did not pass to the hook
    assert result.findings() == [(INBOUND, 10, 1, "EX601", "error")], result.output

    # Control: with that change committed, staging an unrelated file of the same scope passes,
    # so the hook does use the file names it is given and does not lint the whole repository.
    commit(deployment, "Present the renewed certificate to Exchange Online")
    outbound = deployment / "exo/outbound-connector.yaml"
    outbound.write_text("# reviewed\n" + outbound.read_text(encoding="utf-8"), encoding="utf-8")
    git(deployment, "add", "exo/outbound-connector.yaml")
    assert staged(deployment) == ["exo/outbound-connector.yaml"]
    unrelated = run_hook(hooks, deployment, "exolint")
    assert unrelated.code == 0, unrelated.output
    assert unrelated.status("exolint") == "Passed", unrelated.output


def test_changed_files_hook_sees_upper_case_extensions(hooks: Hooks, deployment: Path) -> None:
    # exolint matches file extensions without regard to case; the hook's `files` must too, or a
    # PFX exported as EXPORT.PFX is committed without EX901 ever running on it.
    (deployment / "certs" / "EXPORT.PFX").write_bytes(b"\x30\x82\x0a\x00 not a real PKCS#12 bundle")
    git(deployment, "add", "certs/EXPORT.PFX")
    result = run_hook(hooks, deployment, "exolint")
    assert result.code == 1, result.output
    assert result.status("exolint") == "Failed", result.output
    assert [(f[0], f[3]) for f in result.findings()] == [("certs/EXPORT.PFX", "EX901")], result.output


def test_rules_hook_runs_the_examples_of_changed_rule_files(hooks: Hooks, deployment: Path) -> None:
    shutil.copytree(POLICIES, deployment / "policies")
    (deployment / ".exolint.yaml").write_text("rules: [policies]\n", encoding="utf-8")
    git(deployment, "add", "-A")
    name = "exolint rules (your own)"
    added = run_hook(hooks, deployment, "exolint-rules", "--verbose")
    assert added.code == 0, added.output
    assert added.status(name) == "Passed", added.output
    assert "4 rules, 16 examples: all hold" in added.output  # given files: the staged rule files
    commit(deployment, "Contoso's policies")

    # Widen the allowed range: the example that shows an address outside it no longer fails.
    rule = deployment / "policies" / "CO102-sender-ips-in-contoso-range.yaml"
    text = rule.read_text(encoding="utf-8")
    rule.write_text(text.replace("[203.0.113.0/24]}", "[203.0.113.0/24, 198.51.100.0/24]}"), encoding="utf-8")
    git(deployment, "add", "policies")
    widened = run_hook(hooks, deployment, "exolint-rules")
    assert widened.code == 1, widened.output
    assert widened.status(name) == "Failed", widened.output
    assert widened.hook_exit_code() == 1, widened.output
    assert (
        "policies/CO102-sender-ips-in-contoso-range.yaml: example 1 (fail) \"a test server's cloud address "
        "next to the gateways\": expected ['exo/inbound.yaml:7:5: CO102'], got []" in widened.output
    )
    assert "1 rule, 4 examples: 1 failed" in widened.output

    # A mistake in the rule file itself is exit 2, at its line.
    rule.write_text(text.replace("severity: error", "severity: fatal"), encoding="utf-8")
    git(deployment, "add", "policies")
    broken = run_hook(hooks, deployment, "exolint-rules")
    assert broken.hook_exit_code() == 2, broken.output
    assert (
        "policies/CO102-sender-ips-in-contoso-range.yaml:3: severity: 'fatal' is not one of" in broken.output
    )


FABRIKAM = {
    "tenants/fabrikam/tenant.yaml": "kind: Tenant\nName: fabrikam.onmicrosoft.com\n",
    "tenants/fabrikam/exo/inbound-connector.yaml": (
        "kind: InboundConnector\nName: Inbound from fabrikam on-premises\nConnectorType: OnPremises\n"
        'SenderDomains: ["*"]\nSenderIPAddresses: [203.0.113.25]\n'
    ),
}
CONTOSO_INBOUND = f"tenants/contoso/{INBOUND}"


@pytest.fixture
def msp(tmp_path: Path) -> Path:
    """An MSP repository: Contoso's healthy deployment and Fabrikam's, each under tenants/."""
    path = tmp_path / "msp"
    init_repo(path)
    shutil.copytree(HEALTHY, path / "tenants" / "contoso", copy_function=shutil.copy)
    for rel, text in FABRIKAM.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text, encoding="utf-8")
    commit(path, "Contoso and Fabrikam")
    return path


def test_changed_file_that_takes_another_tenants_address_is_blocked(hooks: Hooks, msp: Path) -> None:
    inbound = msp / CONTOSO_INBOUND
    inbound.write_text(
        inbound.read_text(encoding="utf-8") + "SenderIPAddresses: [203.0.113.25]\n", encoding="utf-8"
    )
    git(msp, "add", CONTOSO_INBOUND)
    assert staged(msp) == [CONTOSO_INBOUND]
    result = run_hook(hooks, msp, "exolint")  # only the staged file: Fabrikam's scope is not linted
    assert result.code == 1, result.output
    assert result.hook_exit_code() == 1, result.output
    clashes = [(f[0], f[3], f[4]) for f in result.findings() if f[3] == "EX701"]
    assert clashes == [
        (CONTOSO_INBOUND, "EX701", "error"),
        ("tenants/fabrikam/exo/inbound-connector.yaml", "EX701", "error"),
    ], result.output
    assert "tenant fabrikam.onmicrosoft.com" in result.output


def test_deleting_the_inbound_connector_is_blocked(hooks: Hooks, deployment: Path) -> None:
    # pre-commit passes no deleted file; the hook runs anyway and asks git for deletions
    unrelated = deployment / "README.md"
    unrelated.write_text("Contoso's mail flow\n", encoding="utf-8")
    git(deployment, "add", "README.md")
    control = run_hook(hooks, deployment, "exolint")
    assert control.code == 0 and control.status("exolint") == "Passed", control.output
    commit(deployment, "A README")

    git(deployment, "rm", "-q", INBOUND)
    assert staged(deployment) == [INBOUND]
    result = run_hook(hooks, deployment, "exolint")
    assert result.code == 1, result.output
    assert result.status("exolint") == "Failed", result.output
    assert result.hook_exit_code() == 1, result.output
    assert result.findings() == [(SEND, 4, 1, "EX605", "error")], result.output
    assert "has no inbound connector at all" in result.output and "550 5.7.64" in result.output
