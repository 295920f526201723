"""`exolint fix`: the repairs rules declare, made through ruamel.yaml's round trip.

The acceptance runs against a real git repository: the diff git sees after `fix --write` is the
proof that only the intended lines changed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from linter.commands.fix.edit import EditError, apply_repairs
from linter.commands.test_rules.cases import materialize
from linter.load.parse import parse_yaml
from linter.model import Finding, Repair

REPO = Path(__file__).resolve().parent.parent
RENEWED = REPO / "examples" / "contoso-renewed-certificate"
FIXTURES = REPO / "tests" / "fixtures" / "rules"
AS_OF = ("--as-of", "2026-11-26")  # the examples' certificates expire; judge them on a fixed day
INBOUND = "exo/inbound-connector.yaml"
OUTBOUND = "exo/outbound-connector.yaml"


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=exolint", "-c", "user.email=exolint@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The renewed-certificate example committed to a fresh git repository."""
    root = tmp_path / "repo"
    shutil.copytree(RENEWED, root)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "as HCW left it")
    return root


def changed_lines(root: Path) -> list[str]:
    """The - and + lines of `git diff`, without its file headers."""
    return [
        line
        for line in git(root, "diff", "--unified=0").splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_fix_write_repairs_the_renewed_example_and_git_sees_only_those_lines(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli(repo, "check", *AS_OF, "--select", "EX601,EX205")
    assert code == 1 and "EX601" in out and "EX205" in out

    code, out, err = cli(repo, "fix", "--write", *AS_OF)

    assert code == 0, err
    assert f"{INBOUND}: repaired 1 finding (EX601)" in err
    assert f"{OUTBOUND}: repaired 1 finding (EX205)" in err
    numstat = sorted(git(repo, "diff", "--numstat").splitlines())
    assert numstat == [f"1\t1\t{INBOUND}", f"1\t1\t{OUTBOUND}"]
    assert changed_lines(repo) == [
        "-TlsSenderCertificateName: mail.contoso.com",
        "+TlsSenderCertificateName: '*.contoso.com'",
        "-TlsDomain: mail.contoso.com",
        "+TlsDomain: smtp.contoso.com",
    ]
    comment = git(repo, "show", f"HEAD:{INBOUND}").splitlines()[0]  # the edited file's own comment
    assert comment.startswith("# Created by the Hybrid Configuration Wizard")
    assert (repo / INBOUND).read_text(encoding="utf-8").splitlines()[0] == comment
    code, out, err = cli(repo, "check", *AS_OF, "--select", "EX601,EX205")
    assert code == 0, out


def test_fix_without_write_prints_the_diff_and_changes_nothing(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli(repo, "fix", *AS_OF)

    assert code == 1
    assert f"--- a/{INBOUND}\n+++ b/{INBOUND}\n" in out
    assert "-TlsSenderCertificateName: mail.contoso.com\n+TlsSenderCertificateName: '*.contoso.com'\n" in out
    assert "-TlsDomain: mail.contoso.com\n+TlsDomain: smtp.contoso.com\n" in out
    assert "fix --write" in err
    assert git(repo, "status", "--porcelain") == ""


def test_a_repair_is_idempotent(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli(repo, "fix", "--write", *AS_OF)[0] == 0
    after = {p: p.read_bytes() for p in repo.rglob("*.yaml")}

    code, out, err = cli(repo, "fix", *AS_OF)

    assert (code, out) == (0, "")
    assert "nothing to repair" in err
    assert cli(repo, "fix", "--write", *AS_OF)[0] == 0
    assert {p: p.read_bytes() for p in repo.rglob("*.yaml")} == after


def test_select_limits_the_repairs(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    code, _out, _err = cli(repo, "fix", "--write", *AS_OF, "--select", "EX205")

    assert code == 0
    assert [line.split("\t")[2] for line in git(repo, "diff", "--numstat").splitlines()] == [OUTBOUND]


def test_a_repair_in_a_file_outside_the_paths_is_skipped(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    # EX601 involves the send connector (onprem/), but its repair is in exo/inbound-connector.yaml
    code, _out, err = cli(repo, "fix", "--write", *AS_OF, "onprem")

    assert code == 0
    assert f"{INBOUND}:10:1: EX601 not repaired: {INBOUND} is not under the PATHs given" in err
    assert git(repo, "status", "--porcelain") == ""


QUOTED_INBOUND = """\
# Exported from Get-InboundConnector and kept as written.
kind: InboundConnector
Name: "Inbound from 4f2c8a6e-1d3b-4c5a-9e7f-2b8d0c6a1e94"
ConnectorType: 'OnPremises'
ConnectorSource: HybridWizard
CloudServicesMailEnabled: true
requireTls: true   # the wizard sets this
SenderDomains: ['*']
SenderIPAddresses: []
RestrictDomainsToIPAddresses: false
TlsSenderCertificateName: 'mail.contoso.com'  # renewed in November
"""


def test_quotes_flow_lists_and_comments_survive(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    (repo / INBOUND).write_text(QUOTED_INBOUND, encoding="utf-8")

    code, out, err = cli(repo, "fix", "--write", *AS_OF, "exo")

    assert code == 0, err
    assert f"{INBOUND}: repaired 2 findings (EX012, EX601)" in err
    assert (repo / INBOUND).read_text(encoding="utf-8") == QUOTED_INBOUND.replace(
        "requireTls: true   #", "RequireTls: true   #"
    ).replace("'mail.contoso.com'  #", "'*.contoso.com'     #")
    code, out, err = cli(repo, "check", *AS_OF, "--select", "EX012,EX601", "exo")
    assert code == 0, out


def test_send_connector_certificate_name_follows_the_renewed_issuer(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case, _ = parse_yaml("case", (FIXTURES / "EX401/fail/issuer-changed-new-intermediate.yaml").read_text())
    materialize(case.data[0], tmp_path)
    rel = "onprem/send-connector.yaml"
    before = (tmp_path / rel).read_text(encoding="utf-8")

    code, _out, err = cli(tmp_path, "fix", "--write", "--root", ".", "--select", "EX401")

    assert code == 0, err
    after = (tmp_path / rel).read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [
        (
            'TlsCertificateName: "<I>CN=Fabrikam Trust TLS RSA CA 2025, O=Fabrikam Trust Services, C=US'
            '<S>CN=mail.contoso.com, O=Contoso Ltd, L=Redmond, S=Washington, C=US"',
            'TlsCertificateName: "<I>CN=Fabrikam Trust TLS RSA CA 2026, O=Fabrikam Trust Services, C=US'
            '<S>CN=mail.contoso.com, O=Contoso Ltd, L=Redmond, S=Washington, C=US"',
        )
    ]
    assert 'AddressSpaces: ["smtp:contoso.mail.onmicrosoft.com;1"]' in after
    assert cli(tmp_path, "check", "--root", ".", "--select", "EX401")[0] == 0


def test_json_definitions_are_reported_not_edited(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case, _ = parse_yaml("case", (FIXTURES / "EX401/fail/json-definition.yaml").read_text())
    materialize(case.data[0], tmp_path)
    before = (tmp_path / "onprem/send-connector.json").read_bytes()

    code, _out, err = cli(tmp_path, "fix", "--write", "--root", ".", "--select", "EX401")

    assert code == 0
    assert "onprem/send-connector.json:5:3: EX401 not repaired: exolint edits YAML only" in err
    assert (tmp_path / "onprem/send-connector.json").read_bytes() == before


# --- linter.commands.fix.edit on its own ------------------------------------------------------------------


def finding(repair: Repair, rule_id: str = "EX601") -> Finding:
    return Finding("a.yaml", 1, 1, rule_id, 1, 1, "rule", "error", "message", repair=repair)


SERVERS = """\
# ExternalIPAddresses: where mail from these servers reaches Exchange Online, after NAT.
- kind: TransportServer
  Name: EX01
  fqdn: ex01.corp.contoso.com
  ExternalIPAddresses: [203.0.113.25]
- kind: TransportServer
  Name: EX02
  Fqdn: ex02.corp.contoso.com
"""


@pytest.mark.parametrize(
    ("text", "repair", "expected"),
    [
        pytest.param(
            SERVERS,
            Repair((0, 0, "fqdn"), "fqdn", "Fqdn", rename=True, line=4),
            SERVERS.replace("  fqdn:", "  Fqdn:"),
            id="rename-in-a-top-level-list-at-column-1",
        ),
        pytest.param(
            "---\nkind: OutboundConnector\nName: Out\nTlsDomain: mail.contoso.com\n",
            Repair((0, "TlsDomain"), "mail.contoso.com", "smtp.contoso.com", line=4),
            "---\nkind: OutboundConnector\nName: Out\nTlsDomain: smtp.contoso.com\n",
            id="explicit-document-start",
        ),
        pytest.param(
            "kind: Tenant\nName: t\n---\n# second\nkind: OutboundConnector\nName: Out\n",
            Repair((1, "TlsDomain"), None, "smtp.contoso.com"),
            "kind: Tenant\nName: t\n---\n# second\nkind: OutboundConnector\nName: Out\n"
            "TlsDomain: smtp.contoso.com\n",
            id="absent-property-is-added-in-the-second-document",
        ),
        pytest.param(
            "kind: OutboundConnector\nName: Out\nTlsDomain: mail.contoso.com  # keep\nUseMXRecord: false\n",
            Repair((0, "TlsDomain"), "mail.contoso.com", "smtp.contoso.com", line=3),
            "kind: OutboundConnector\nName: Out\nTlsDomain: smtp.contoso.com  # keep\nUseMXRecord: false\n",
            id="end-of-line-comment",
        ),
    ],
)
def test_apply_repairs(text: str, repair: Repair, expected: str) -> None:
    after, applied, refused = apply_repairs(text, [finding(repair)])
    assert (after, len(applied), refused) == (expected, 1, [])


@pytest.mark.parametrize(
    ("repair", "reason"),
    [
        pytest.param(
            Repair((0, "TlsDomain"), "other.contoso.com", "smtp.contoso.com", line=3),
            "the file changed since it was checked (TlsDomain is not as it was)",
            id="value-changed",
        ),
        pytest.param(
            Repair((0, "TlsDomain"), "mail.contoso.com", "smtp.contoso.com", line=2),
            "the file changed since it was checked (TlsDomain is not as it was)",
            id="line-moved",
        ),
        pytest.param(
            Repair((0, "UseMXRecord"), None, "true"),
            "the file changed since it was checked (UseMXRecord is not as it was)",
            id="property-added-since",
        ),
        pytest.param(
            Repair((3, "TlsDomain"), "mail.contoso.com", "smtp.contoso.com", line=3),
            "the file changed since it was checked (the object is not where it was)",
            id="document-gone",
        ),
        pytest.param(
            Repair((0, "tlsdomain"), "tlsdomain", "TlsDomain", rename=True, line=3),
            "the file changed since it was checked (tlsdomain is not as it was)",
            id="key-renamed-since",
        ),
    ],
)
def test_a_repair_is_refused_when_the_file_is_not_what_check_read(repair: Repair, reason: str) -> None:
    text = "kind: OutboundConnector\nName: Out\nTlsDomain: mail.contoso.com\nUseMXRecord: false\n"
    after, applied, refused = apply_repairs(text, [finding(repair)])
    assert after == text and applied == []
    assert [r.reason.split(";")[0] for r in refused] == [reason]


def test_conflicting_repairs_of_one_value_are_both_refused() -> None:
    text = "kind: OutboundConnector\nName: Out\nTlsDomain: mail.contoso.com\n"
    first = finding(Repair((0, "TlsDomain"), "mail.contoso.com", "a.contoso.com", line=3), "EX205")
    second = finding(Repair((0, "TlsDomain"), "mail.contoso.com", "b.contoso.com", line=3), "EX206")
    after, applied, refused = apply_repairs(text, [first, second])
    assert after == text and applied == []
    assert {r.finding.rule_id for r in refused} == {"EX205", "EX206"}
    assert "want different values" in refused[0].reason


def test_a_rename_onto_an_existing_key_is_refused() -> None:
    text = "kind: OutboundConnector\nName: Out\ntlsdomain: a.contoso.com\nTlsDomain: b.contoso.com\n"
    repair = Repair((0, "tlsdomain"), "tlsdomain", "TlsDomain", rename=True, line=3)
    after, _applied, refused = apply_repairs(text, [finding(repair, "EX012")])
    assert after == text and "has TlsDomain already" in refused[0].reason


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("kind: OutboundConnector\r\nName: Out\r\nTlsDomain: mail.contoso.com\r\n", id="crlf"),
        pytest.param("kind: OutboundConnector\nName:   Out\nTlsDomain: mail.contoso.com\n", id="odd-spacing"),
        pytest.param("kind: OutboundConnector\nSmartHosts:\n   - a.contoso.com\n", id="three-space-list"),
    ],
)
def test_a_file_ruamel_cannot_write_back_unchanged_is_not_edited(text: str) -> None:
    repair = Repair((0, "TlsDomain"), "mail.contoso.com", "smtp.contoso.com", line=3)
    with pytest.raises(EditError, match="would not write it back unchanged"):
        apply_repairs(text, [finding(repair)])


# --- the rule format -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("repair", "valid"),
    [
        ({"property": "TlsDomain", "value": "{suggested}"}, True),
        ({"value": "{suggested}"}, True),
        ({"key": "{property}"}, True),
        ({"key": "{property}", "value": "{suggested}"}, False),
        ({"key": "{property}", "property": "TlsDomain"}, False),
        ({"property": "TlsDomain"}, False),
        ({"property": "Tls Domain", "value": "x"}, False),
        ({"value": ""}, False),
    ],
)
def test_rule_schema_repair(rules, repair: dict[str, str], valid: bool) -> None:  # type: ignore[no-untyped-def]
    import json

    from jsonschema import Draft202012Validator

    schema = json.loads((REPO / "schemas" / "rule.schema.json").read_text(encoding="utf-8"))
    rule = json.loads(
        json.dumps(
            parse_yaml(
                "r",
                (REPO / "rules/outbound")
                .joinpath("EX205-tls-domain-on-receive-certificate.yaml")
                .read_text(encoding="utf-8"),
            )[0].data[0]
        )
    )
    rule["repair"] = repair
    assert Draft202012Validator(schema).is_valid(rule) is valid


def test_the_rules_with_a_mechanical_repair_declare_it(rules) -> None:  # type: ignore[no-untyped-def]
    declared = {r.id for r in rules if r.repair}
    assert declared == {"EX012", "EX205", "EX206", "EX401", "EX512", "EX601", "EX602"}


def fail_cases() -> list[object]:
    return [
        pytest.param(path, id=f"{path.parent.parent.name}-{path.stem}")
        for rule_id in ("EX012", "EX205", "EX206", "EX401", "EX512", "EX601", "EX602")
        for path in sorted((FIXTURES / rule_id / "fail").glob("*.yaml"))
    ]


@pytest.mark.parametrize("path", fail_cases())
def test_every_repair_removes_its_finding(cli, tmp_path: Path, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Over every failing fixture of the repairing rules: what fix says it repairs is gone after
    --write, what it leaves is still reported, and a second run has nothing more to do."""
    case = parse_yaml(str(path), path.read_text(encoding="utf-8"))[0].data[0]
    materialize(case, tmp_path)
    rule_id = path.parent.parent.name
    args = ("--root", ".", "--select", rule_id, *(("--as-of", str(case["as_of"])) if "as_of" in case else ()))

    before = cli(tmp_path, "check", *args)[1].count(f": {rule_id} [")
    code, out, err = cli(tmp_path, "fix", *args)
    repaired = sum(
        int(line.split(" would repair ")[1].split()[0])
        for line in err.splitlines()
        if " would repair " in line
    )
    assert code == (1 if repaired else 0) and bool(out) == bool(repaired)
    assert cli(tmp_path, "fix", "--write", *args)[0] == 0

    assert before > 0
    assert cli(tmp_path, "check", *args)[1].count(f": {rule_id} [") == before - repaired
    assert cli(tmp_path, "fix", *args)[:2] == (0, "")


def test_write_refuses_a_file_that_changed_while_it_was_being_edited(cli, repo: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import linter.commands.fix.edit

    original = linter.commands.fix.edit.apply_repairs

    def meanwhile(text: str, findings: list[Finding]):  # type: ignore[no-untyped-def]
        with (repo / INBOUND).open("a", encoding="utf-8") as handle:
            handle.write("# an editor saved this meanwhile\n")
        return original(text, findings)

    monkeypatch.setattr(linter.commands.fix.edit, "apply_repairs", meanwhile)
    code, _out, err = cli(repo, "fix", "--write", *AS_OF, "exo/inbound-connector.yaml")

    assert code == 1
    assert f"{INBOUND}:10:1: EX601 not repaired: {INBOUND} changed while exolint was editing it" in err
    assert (
        (repo / INBOUND)
        .read_text(encoding="utf-8")
        .endswith("TlsSenderCertificateName: mail.contoso.com\n# an editor saved this meanwhile\n")
    )
