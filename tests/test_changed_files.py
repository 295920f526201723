"""A run given file paths (as pre-commit passes them) reports what the whole run reports about
those files: inside their scopes, and across scopes through the index of other tenants' claims."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

TENANTS = {
    "tenants/contoso/tenant.yaml": "kind: Tenant\nName: contoso.onmicrosoft.com\n",
    "tenants/contoso/exo/inbound.yaml": (
        "kind: InboundConnector\nName: Inbound from on-premises\nConnectorType: OnPremises\n"
        'SenderDomains: ["*"]\nSenderIPAddresses: [203.0.113.25]\n'
    ),
    "tenants/contoso/certs/broken.cer": "-----BEGIN CERTIFICATE-----\nnot base64\n"
    "-----END CERTIFICATE-----\n",
    "tenants/fabrikam/tenant.yaml": "kind: Tenant\nName: fabrikam.onmicrosoft.com\n",
    "tenants/fabrikam/exo/inbound.yaml": (
        "kind: InboundConnector\nName: Inbound from on-premises\nConnectorType: OnPremises\n"
        'SenderDomains: ["*"]\nSenderIPAddresses: [198.51.100.7, 203.0.113.0/27]\n'
    ),
    "tenants/northwind/tenant.yaml": "kind: Tenant\nName: northwind.onmicrosoft.com\n",
    "tenants/northwind/exo/inbound.yaml": (
        "kind: InboundConnector\nName: Inbound from on-premises\nConnectorType: OnPremises\n"
        'SenderDomains: ["*"]\nSenderIPAddresses: [192.0.2.10]\n'
    ),
}
FABRIKAM = "tenants/fabrikam/exo/inbound.yaml"
CONTOSO = "tenants/contoso/exo/inbound.yaml"


def lines(out: str, rule: str) -> list[str]:
    return sorted(line.split(f" {rule} ")[0] for line in out.splitlines() if f" {rule} " in line)


def test_changed_file_sees_a_clash_with_a_scope_it_does_not_lint(cli, write) -> None:  # type: ignore[no-untyped-def]
    root = write(TENANTS)
    _, whole, _ = cli(root, "check", "--select", "EX701")
    assert lines(whole, "EX701") == [f"{CONTOSO}:5:21:", f"{FABRIKAM}:5:35:"]

    code, out, _ = cli(root, "check", FABRIKAM, "--select", "EX701")
    assert code == 1, out
    # both sides involve the changed file: its own finding, and contoso's that names it
    assert lines(out, "EX701") == lines(whole, "EX701")
    assert "tenant contoso.onmicrosoft.com" in out

    code, out, _ = cli(root, "check", "tenants/northwind/exo/inbound.yaml")
    assert code == 0 and "EX701" not in out, out


def test_the_index_does_not_lint_the_other_scopes(cli, write, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from linter.load import loader

    read: list[str] = []
    original = loader.read_certificate_file

    def spy(path: str, data: bytes):  # type: ignore[no-untyped-def]
        read.append(path)
        return original(path, data)

    monkeypatch.setattr(loader, "read_certificate_file", spy)  # where the loader calls it
    root = write(TENANTS)
    code, out, _ = cli(root, "check", FABRIKAM)
    assert code == 1 and "EX701" in out
    assert "EX010" not in out  # contoso's unreadable certificate belongs to a scope not linted
    assert read == []
    cli(root, "check", CONTOSO)
    assert read == ["tenants/contoso/certs/broken.cer"]  # the spy sees what is read


def test_the_index_is_asked_only_for_what_the_linted_scopes_claim(
    cli, write, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from linter.lint import claims_index

    asked: list[list[str]] = []

    def spy(engine, finder, linted, near):  # type: ignore[no-untyped-def]
        asked.append(sorted(c.rule_id for c in near))
        return []

    monkeypatch.setattr(claims_index, "claims_elsewhere", spy)
    root = write(TENANTS)
    cli(root, "check", "tenants/contoso/tenant.yaml")
    assert asked == [["EX013", "EX701"]]  # its tenant's name, and the address it claims
    asked.clear()
    write({"tailspin/send.yaml": "kind: SendConnector\nName: Outbound\n"})  # no Tenant, no claim
    code, out, _ = cli(root, "check", "tailspin/send.yaml")
    assert code == 0 and "1 object" in out, out
    assert asked == []


def test_one_tenant_in_two_folders_is_the_whole_runs_matter(cli, write) -> None:  # type: ignore[no-untyped-def]
    """Two directories of one tenant are a finding about the repository's layout (EX013), which
    the whole run reports; a run of one of them stays about that deployment, as the shipped
    examples (one tenant before and after a renewal) need."""
    root = write(
        {**TENANTS, "tenants/contoso-eu/tenant.yaml": "kind: Tenant\nName: contoso.onmicrosoft.com\n"}
    )
    _, whole, _ = cli(root, "check", "--select", "EX013")
    assert "EX013" in whole
    code, out, _ = cli(root, "check", "tenants/contoso-eu/tenant.yaml", "--select", "EX013")
    assert code == 0 and "EX013" not in out, out


def test_directory_target_compares_with_the_rest(cli, write) -> None:  # type: ignore[no-untyped-def]
    root = write(TENANTS)
    code, out, _ = cli(root, "check", "tenants/fabrikam", "--select", "EX701")
    assert lines(out, "EX701") == [f"{CONTOSO}:5:21:", f"{FABRIKAM}:5:35:"]
    assert code == 1, out


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_the_index_reads_files_powershell_wrote(cli, write, encoding: str) -> None:  # type: ignore[no-untyped-def]
    root = write({k: v for k, v in TENANTS.items() if k != CONTOSO})
    (root / CONTOSO).parent.mkdir(parents=True)
    (root / CONTOSO).write_bytes(TENANTS[CONTOSO].encode(encoding))
    code, out, _ = cli(root, "check", FABRIKAM, "--select", "EX701")
    assert code == 1 and lines(out, "EX701") == [f"{CONTOSO}:5:21:", f"{FABRIKAM}:5:35:"], out


def test_the_index_finds_a_clash_of_certificate_domains(cli, write) -> None:  # type: ignore[no-untyped-def]
    inbound = (
        "kind: InboundConnector\nName: Inbound\nConnectorType: OnPremises\n"
        'SenderDomains: ["*"]\nTlsSenderCertificateName: {}\n'
    )
    root = write(
        {
            "a/tenant.yaml": "kind: Tenant\nName: a.onmicrosoft.com\n",
            "a/inbound.yaml": inbound.format("'*.Contoso.COM.'"),
            "b/tenant.yaml": "kind: Tenant\nName: b.onmicrosoft.com\n",
            "b/inbound.yaml": inbound.format("mail.contoso.com"),
            "c/tenant.yaml": "kind: Tenant\nName: c.onmicrosoft.com\n",
            "c/inbound.yaml": inbound.format("mail.fabrikam.com"),
        }
    )
    code, out, _ = cli(root, "check", "b/inbound.yaml", "--select", "EX702")
    assert code == 1 and lines(out, "EX702") == ["a/inbound.yaml:5:1:", "b/inbound.yaml:5:1:"], out


# --- deletions: what pre-commit never passes ---------------------------------------------------

HEALTHY = Path(__file__).resolve().parent.parent / "examples" / "contoso-healthy"


def git(cwd: Path, *args: str) -> str:
    import subprocess

    from worktree import clean_env

    proc = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args], cwd=cwd, env=clean_env(), capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import shutil

    from worktree import GIT_REDIRECTS

    for name in (*GIT_REDIRECTS, "PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF"):
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "repo"
    shutil.copytree(HEALTHY, root / "tenants" / "contoso", copy_function=shutil.copy)
    write_tenant = TENANTS["tenants/fabrikam/tenant.yaml"]
    (root / "tenants" / "fabrikam").mkdir()
    (root / "tenants" / "fabrikam" / "tenant.yaml").write_text(write_tenant, encoding="utf-8")
    (root / "tenants" / "fabrikam" / "broken.yaml").write_text(
        "kind: AcceptedDomain\nDomainName: [\n", encoding="utf-8"
    )
    git(root, "init", "-q", "--template=")
    git(root, "config", "user.name", "exolint tests")
    git(root, "config", "user.email", "tests@exolint.invalid")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "two tenants")
    return root


CERT = "tenants/contoso/certs/mail.contoso.com.cer"


def test_a_staged_deletion_lints_the_scope_it_leaves(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(repo, "check", "--git-deletions", "--as-of", "2026-11-26")
    assert code == 0 and "0 files" in out, out  # nothing staged: nothing to lint

    git(repo, "rm", "-q", CERT)
    code, out, _ = cli(repo, "check", "--git-deletions", "--as-of", "2026-11-26")
    assert code == 1, out
    assert "tenants/contoso/onprem/exchange-certificate.yaml:7:1: EX010" in out
    assert "tenants/fabrikam" not in out  # the other tenant's broken file is not this commit's

    # without the option, the same run with no paths is the whole repository
    code, out, _ = cli(repo, "check", "--as-of", "2026-11-26")
    assert "tenants/fabrikam/broken.yaml" in out


def test_a_moved_file_is_deleted_where_it_was(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    git(repo, "mv", CERT, "tenants/fabrikam/mail.contoso.com.cer")
    code, out, _ = cli(
        repo, "check", "--git-deletions", "--as-of", "2026-11-26", "tenants/fabrikam/tenant.yaml"
    )
    assert code == 1, out
    assert "tenants/contoso/onprem/exchange-certificate.yaml:7:1: EX010" in out


def test_deletions_between_refs_under_pre_commit(cli, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "rm", "-q", CERT)
    git(repo, "commit", "-q", "-m", "drop the certificate")
    code, out, _ = cli(repo, "check", "--git-deletions", "--as-of", "2026-11-26")
    assert code == 0, out  # nothing staged
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", base)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", "HEAD")
    code, out, _ = cli(repo, "check", "--git-deletions", "--as-of", "2026-11-26")
    assert code == 1 and "EX010" in out, out


def test_git_deletions_outside_git_is_a_usage_error(cli, write) -> None:  # type: ignore[no-untyped-def]
    root = write(TENANTS)
    code, _, err = cli(root, "check", "--git-deletions")
    assert code == 2 and "not inside a git work tree" in err


# --- a certificate folder several deployments share ------------------------------------------


def shared_certificate_repo(root: Path, name: str) -> Path:
    from files import write_files

    from linter.commands.test_rules.certgen import build

    generated = build({"cert": {"subject": f"CN={name}", "san": [name]}})
    first = build({"cert": {"subject": "CN=mail.contoso.com", "san": ["mail.contoso.com"]}})
    thumbprint = hashlib.sha1(first["cert"].der()).hexdigest().upper()
    return write_files(
        root,
        {
            "common/certs/transport.cer": generated["cert"].pem(),
            "tenants/contoso/tenant.yaml": "kind: Tenant\nName: contoso.onmicrosoft.com\n",
            "tenants/contoso/exo/inbound.yaml": (
                "kind: InboundConnector\nName: Inbound from on-premises\nConnectorType: OnPremises\n"
                'SenderDomains: ["*"]\nTlsSenderCertificateName: mail.contoso.com\n'
            ),
            "tenants/contoso/onprem/send.yaml": (
                "kind: SendConnector\nName: Outbound to Office 365\n"
                'AddressSpaces: ["smtp:contoso.mail.onmicrosoft.com;1"]\nFqdn: mail.contoso.com\n'
            ),
            "tenants/contoso/onprem/certificate.yaml": (
                f"kind: ExchangeCertificate\nThumbprint: {thumbprint}\n"
                "File: ../../../common/certs/transport.cer\n"
            ),
            "tenants/fabrikam/tenant.yaml": "kind: Tenant\nName: fabrikam.onmicrosoft.com\n",
        },
    )


def test_a_changed_shared_certificate_lints_the_deployments_that_name_it(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = shared_certificate_repo(tmp_path / "repo", "mail.contoso.com")
    code, out, _ = cli(root, "check", "common/certs/transport.cer", "--select", "EX512")
    assert code == 0, out
    # renewed in place: Contoso's definition still has the old thumbprint
    shared_certificate_repo(tmp_path / "repo", "smtp.contoso.com")
    code, out, _ = cli(root, "check", "common/certs/transport.cer", "--select", "EX512")
    assert code == 1, out
    assert out.startswith("tenants/contoso/onprem/certificate.yaml:2:1: EX512 [error]"), out


def test_a_deleted_shared_certificate_lints_the_deployments_that_name_it(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from worktree import GIT_REDIRECTS

    for name in (*GIT_REDIRECTS, "PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF"):
        monkeypatch.delenv(name, raising=False)
    root = shared_certificate_repo(tmp_path / "repo", "mail.contoso.com")
    git(root, "init", "-q", "--template=")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-q", "-m", "shared")
    git(root, "rm", "-q", "common/certs/transport.cer")
    code, out, _ = cli(root, "check", "--git-deletions")
    assert code == 1, out
    assert "tenants/contoso/onprem/certificate.yaml:3:1: EX010" in out
