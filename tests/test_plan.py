"""`exolint plan --live`: the repository against an export of the live tenant."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from linter.commands import plan
from linter.domain.powershell import argument

REPO = Path(__file__).resolve().parent.parent
SEND = "Outbound to Office 365 - 4f2c8a6e-1d3b-4c5a-9e7f-2b8d0c6a1e94"


@pytest.mark.parametrize(
    ("name", "old", "new", "risk"),
    [
        ("TlsSettings", "DomainValidation", "CertificateValidation", "high"),
        ("TlsSettings", "DomainValidation", "EncryptionOnly", "high"),
        ("TlsSettings", "DomainValidation", None, "high"),
        ("TlsSettings", "CertificateValidation", None, "high"),
        ("tlssettings", "domainvalidation", "ENCRYPTIONONLY", "high"),
        ("TlsSettings", None, "DomainValidation", "medium"),  # stricter: may fail where the peer cannot pass
        ("TlsSettings", "EncryptionOnly", "DomainValidation", "medium"),
        ("TlsAuthLevel", "DomainValidation", "EncryptionOnly", "high"),
        ("TlsAuthLevel", "CertificateValidation", "DomainValidation", "medium"),
        ("RequireTls", True, False, "high"),
        ("RequireTLS", True, None, "high"),
        ("RequireTls", False, True, "medium"),
        ("Enabled", True, False, "high"),
        ("Enabled", None, False, "high"),  # absent means enabled
        ("Enabled", False, True, "medium"),
        ("TlsSenderCertificateName", "mail.contoso.com", "smtp.contoso.com", "high"),
        ("TlsCertificateName", "<I>CN=A<S>CN=mail.contoso.com", "<I>CN=B<S>CN=mail.contoso.com", "high"),
        ("TlsDomain", "mail.contoso.com", "smtp.contoso.com", "high"),
        ("Fqdn", "mail.contoso.com", "smtp.contoso.com", "high"),
        ("ConnectorType", "OnPremises", "Partner", "high"),
        ("SmartHosts", ["mail.contoso.com"], ["smtp.contoso.com"], "high"),
        ("SenderIPAddresses", ["203.0.113.25"], ["203.0.113.25", "203.0.113.26"], "medium"),
        ("SenderIPAddresses", ["203.0.113.25", "203.0.113.26"], ["203.0.113.25"], "medium"),
        ("SenderDomains", ["*"], ["contoso.com"], "medium"),
        ("RecipientDomains", ["contoso.com"], ["contoso.com", "fabrikam.com"], "medium"),
        ("Comment", "old", "new", "low"),
        ("CloudServicesMailEnabled", False, True, "low"),
    ],
)
def test_risk_ratings(name: str, old: Any, new: Any, risk: str) -> None:
    assert plan.rate(name, old, new)[0] == risk


def test_every_rated_property_says_why() -> None:
    for name, (risk, why) in plan.RISKS.items():
        assert name == name.lower() and risk in plan.RANK and why


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("mail.contoso.com", "'mail.contoso.com'"),
        ("O'Brien's relay", "'O''Brien''s relay'"),
        ("costs $5 `now`", "'costs $5 `now`'"),  # nothing inside single quotes is expanded
        ("it\u2019s", "'it\u2019\u2019s'"),  # a typographic quote ends a string too
        ("", "''"),
        (True, "$true"),
        (False, "$false"),
        (None, "$null"),
        ([], "$null"),
        (25, "25"),
        (["a", "b"], "'a','b'"),
        (["203.0.113.25", "198.51.100.0/24"], "'203.0.113.25','198.51.100.0/24'"),
        (["x'y"], "'x''y'"),
    ],
)
def test_powershell_quoting(value: Any, shown: str) -> None:
    assert argument(value) == shown


@pytest.mark.parametrize(
    ("name", "a", "b", "equal"),
    [
        ("SenderDomains", ["smtp:*;1"], ["*"], True),
        ("SenderDomains", ["SMTP:Contoso.COM;1"], ["contoso.com"], True),
        ("SenderIPAddresses", ["203.0.113.26", "203.0.113.25"], ["203.0.113.25", "203.0.113.26"], True),
        ("TlsSettings", "domainvalidation", "DomainValidation", True),
        ("TlsDomain", "Mail.Contoso.com.", "mail.contoso.com", True),
        ("Comment", "Hello", "hello", False),
        ("SenderIPAddresses", ["203.0.113.25"], ["203.0.113.26"], False),
        ("Enabled", True, False, False),
        ("SenderDomains", [], None, True),
    ],
)
def test_normalised_comparison(name: str, a: Any, b: Any, equal: bool) -> None:
    assert (plan.normalise(name, a) == plan.normalise(name, b)) is equal


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


LIVE = {
    "inbound-connector.yaml": """\
# exolint import: from Get-InboundConnector
- kind: InboundConnector
  Name: Inbound from on-premises
  ConnectorType: OnPremises
  SenderDomains: ["smtp:*;1"]
  SenderIPAddresses: [203.0.113.25, 203.0.113.26]
  RequireTls: true
  Comment: null
- kind: InboundConnector
  Name: Old scanner relay
  ConnectorType: OnPremises
  SenderDomains: ["smtp:*;1"]
  SenderIPAddresses: [192.0.2.10]
""",
    "outbound-connector.yaml": """\
kind: OutboundConnector
Name: Outbound to on-premises
ConnectorType: OnPremises
RecipientDomains: [contoso.com]
SmartHosts: [mail.contoso.com]
TlsSettings: DomainValidation
TlsDomain: mail.contoso.com
UseMXRecord: false
""",
    "accepted-domain.yaml": """\
kind: AcceptedDomain
DomainName: contoso.com
DomainType: Authoritative
""",
}

REPO_FILES = {
    "exo/inbound.yaml": """\
kind: InboundConnector
Name: inbound from ON-PREMISES
ConnectorType: onpremises
SenderDomains: ["*"]
SenderIPAddresses: [203.0.113.26, 203.0.113.25, 198.51.100.7]
RequireTls: false
Comment: Bob's connector
""",
    "exo/outbound.yaml": """\
kind: OutboundConnector
Name: Outbound to on-premises
ConnectorType: OnPremises
RecipientDomains: [CONTOSO.COM]
SmartHosts: [mail.contoso.com]
TlsSettings: DomainValidation
TlsDomain: mail.contoso.com
UseMXRecord: false
""",
    "exo/partner.yaml": """\
kind: OutboundConnector
Name: To Fabrikam
ConnectorType: Partner
RecipientDomains: [fabrikam.com]
TlsSettings: DomainValidation
TlsDomain: mail.fabrikam.com
UseMXRecord: true
""",
    "tenant.yaml": """\
kind: AcceptedDomain
DomainName: Contoso.com
DomainType: Authoritative
---
kind: AcceptedDomain
DomainName: fabrikam.com
DomainType: Authoritative
""",
}


def test_plan_lists_additions_changes_and_removals(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    live = _write(tmp_path / "live", LIVE)
    repo = _write(tmp_path / "repo", REPO_FILES)
    code, out, err = cli(tmp_path, "plan", "--live", str(live), str(repo), "--format", "json")
    assert (code, err) == (1, "")
    result = json.loads(out)
    by = {(c["action"], c["identity"]): c for c in result["changes"]}
    assert set(by) == {
        ("change", "inbound from ON-PREMISES"),
        ("add", "To Fabrikam"),
        ("add", "fabrikam.com"),
        ("remove", "Old scanner relay"),
    }
    inbound = by[("change", "inbound from ON-PREMISES")]
    # smtp:*;1 == *, the list order and the enum's case do not count; the new IP, TLS and comment do.
    assert [(p["property"], p["risk"]) for p in inbound["properties"]] == [
        ("SenderIPAddresses", "medium"),
        ("RequireTls", "high"),
        ("Comment", "low"),
    ]
    assert inbound["properties"][0]["added"] == ["198.51.100.7"]
    assert inbound["risk"] == "high"
    assert inbound["command"] == (
        "Set-InboundConnector -Identity 'inbound from ON-PREMISES' "
        "-SenderIPAddresses '203.0.113.26','203.0.113.25','198.51.100.7' -RequireTls $false "
        "-Comment 'Bob''s connector'"
    )
    partner = by[("add", "To Fabrikam")]
    assert partner["command"] == (
        "New-OutboundConnector -Name 'To Fabrikam' -ConnectorType 'Partner' -RecipientDomains 'fabrikam.com' "
        "-TlsSettings 'DomainValidation' -TlsDomain 'mail.fabrikam.com' -UseMXRecord $true"
    )
    domain = by[("add", "fabrikam.com")]
    assert domain["command"] is None
    assert "no New-AcceptedDomain" in domain["note"]
    removed = by[("remove", "Old scanner relay")]
    assert (removed["risk"], removed["destructive"]) == ("high", True)
    assert removed["command"] == "Remove-InboundConnector -Identity 'Old scanner relay'"

    code, text, _ = cli(tmp_path, "plan", "--live", str(live), str(repo))
    assert code == 1
    assert "# DESTRUCTIVE" in next(line for line in text.splitlines() if "Remove-InboundConnector" in line)
    assert "RequireTls: true -> false" in text
    assert (
        "Plan: 2 to add, 1 to change, 1 to remove (2 high, 2 medium, 0 low risk). Nothing was executed."
        in text
    )


def test_renewed_certificate_against_the_healthy_live_export(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    live = REPO / "examples" / "contoso-healthy"
    repo = REPO / "examples" / "contoso-renewed-certificate"
    code, out, _ = cli(tmp_path, "plan", "--live", str(live), str(repo), "--format", "json")
    assert code == 1
    changes = json.loads(out)["changes"]
    assert {(c["action"], c["kind"], c["identity"]) for c in changes} == {
        ("change", "ReceiveConnector", "EX01\\Default Frontend EX01"),
        ("change", "ReceiveConnector", "EX02\\Default Frontend EX02"),
        ("change", "SendConnector", SEND),
    }
    assert all(c["risk"] == "high" for c in changes)
    send = next(c for c in changes if c["kind"] == "SendConnector")
    assert [(p["property"], p["new"], p["risk"]) for p in send["properties"]] == [
        ("Fqdn", "smtp.contoso.com", "high"),
        (
            "TlsCertificateName",
            "<I>CN=Fabrikam Trust TLS RSA CA 2025, O=Fabrikam Trust Services, C=US"
            "<S>CN=smtp.contoso.com, O=Contoso Ltd, L=Redmond, S=Washington, C=US",
            "high",
        ),
    ]
    assert send["command"].startswith(f"Set-SendConnector -Identity '{SEND}' -Fqdn 'smtp.contoso.com' ")
    receive = next(c for c in changes if c["identity"] == "EX01\\Default Frontend EX01")
    assert receive["command"].startswith(
        "Set-ReceiveConnector -Identity 'EX01\\Default Frontend EX01' -TlsCertificateName '<I>CN=Fabrikam"
    )


def test_nothing_to_change_exits_0(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    healthy = REPO / "examples" / "contoso-healthy"
    code, out, _ = cli(tmp_path, "plan", "--live", str(healthy), str(healthy))
    assert code == 0
    assert out.startswith("No changes")
    live = _write(tmp_path / "live", LIVE)
    code, out, _ = cli(tmp_path, "plan", "--live", str(live), str(live), "--format", "json")
    assert (code, json.loads(out)) == (0, {"changes": [], "changed": False})


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--live", "missing"], "EXPORT_DIR must be a directory"),
        (["--live", "empty"], "holds no connector or accepted-domain definitions"),
        (["--live", "live", "missing"], "PATH must be a directory"),
        (["--live", "live", "twice"], 'Inbound connector "Inbound from on-premises" is defined in both'),
    ],
)
def test_usage_errors(cli, tmp_path: Path, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    _write(tmp_path / "live", LIVE)
    (tmp_path / "empty").mkdir()
    _write(
        tmp_path / "twice",
        {"a/x.yaml": LIVE["inbound-connector.yaml"], "b/y.yaml": LIVE["inbound-connector.yaml"]},
    )
    code, out, err = cli(tmp_path, "plan", *args)
    assert (code, out) == (2, "")
    assert message in err
