"""`exolint simulate`: one hypothetical message judged by the attribution model.

The scenarios of tests/test_scenarios.py are reused: for each, the message the scenario's sender
would send is simulated, and the verdict must agree with the rules that fire there (outcome and
NDR codes) and with the model's verdict for the sender the repository describes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import test_scenarios as sc

from linter.commands.test_rules.certgen import build

Files = dict[str, str | bytes]


def _renewed() -> Files:
    return sc.hybrid_repo(leaf="smtp")


def _ip_moved() -> Files:
    files = sc.ip_only(sc.hybrid_repo())
    files["onprem/transport-servers.yaml"] = str(files["onprem/transport-servers.yaml"]).replace(
        "[203.0.113.26]", "[198.51.100.26]"
    )
    return files


def _name_not_accepted() -> Files:
    files = sc.hybrid_repo()
    files["tenant.yaml"] = str(files["tenant.yaml"]).replace(
        "---\nkind: AcceptedDomain\nDomainName: mail.contoso.com\nDomainType: Authoritative\n", ""
    )
    return files


def _mfp() -> Files:
    return {
        **sc.hybrid_repo(),
        "devices/mfp.yaml": sc.MFP,
        "exo/devices-connector.yaml": sc.DEVICES_CONNECTOR,
    }


def _mfp_alone() -> Files:
    return {**sc.hybrid_repo(), "devices/mfp.yaml": sc.MFP}


def _filter_harmless() -> Files:
    return {**sc.hybrid_repo(), "exo/mail-filter.yaml": sc.FILTER}


def _filter_catches() -> Files:
    return {**sc.hybrid_repo(leaf="smtp"), "exo/mail-filter.yaml": sc.FILTER}


HOSTS = "user@contoso.com"
MFP_FROM = "scan@scans.contoso-devices.net"

# scenario, repository, the message (ip, certificate, MAIL FROM), the sender kind it stands for,
# the attribution rules that fire, the outcome and codes simulate must give.
Message = tuple[str | None, str | None, str]
SCENARIOS: list[tuple[str, Callable[[], Files], Message, str, set[str], str, list[str]]] = [
    ("healthy", sc.hybrid_repo, ("203.0.113.25", "mail", HOSTS), "SendConnector", set(), "attributed", []),
    (
        "a renewed",
        _renewed,
        ("203.0.113.25", "smtp", HOSTS),
        "SendConnector",
        {"EX601"},
        "rejected",
        ["550 5.7.64"],
    ),
    (
        "c ip moved",
        _ip_moved,
        ("198.51.100.26", "mail", HOSTS),
        "SendConnector",
        {"EX603"},
        "rejected",
        ["550 5.7.64"],
    ),
    (
        "d not accepted",
        _name_not_accepted,
        ("203.0.113.25", "mail", HOSTS),
        "SendConnector",
        {"EX103"},
        "rejected",
        ["550 5.7.51"],
    ),
    (
        "e mfp",
        _mfp,
        ("198.51.100.7", None, MFP_FROM),
        "RelayHost",
        {"EX603", "EX606"},
        "rejected",
        ["550 5.7.64", "ATTR36"],
    ),
    (
        "e no connector",
        _mfp_alone,
        ("198.51.100.7", None, MFP_FROM),
        "RelayHost",
        {"EX604", "EX606"},
        "rejected",
        ["550 5.7.64", "ATTR36"],
    ),
    (
        "f harmless",
        _filter_harmless,
        ("203.0.113.25", "mail", HOSTS),
        "SendConnector",
        set(),
        "attributed",
        [],
    ),
    (
        "f caught",
        _filter_catches,
        ("203.0.113.25", "smtp", HOSTS),
        "SendConnector",
        {"EX608"},
        "rejected",
        ["550 5.7.51"],
    ),
]
# Scenario (b) (issuer changed, 454 4.7.5) and (g) (EX205, 450 4.4.317) fail before Exchange Online
# attributes anything: on-premises presents no certificate, or Exchange Online cannot reach it.


def _simulate(
    cli: Any, tmp_path: Path, files: Files, message: tuple[str | None, str | None, str]
) -> tuple[int, Any]:
    root = sc.write(tmp_path / "repo", files)
    ip, leaf, mail_from = message
    args = ["simulate", str(root), "--root", str(root), "--format", "json", "--mail-from", mail_from]
    if ip:
        args += ["--ip", ip]
    if leaf:
        cert = tmp_path / "new.cer"
        cert.write_bytes(sc.certificates()[leaf].pem())
        args += ["--cert", str(cert)]
    code, out, err = cli(tmp_path, *args)
    assert err == ""
    return code, json.loads(out)


@pytest.mark.parametrize(
    ("name", "files", "message", "kind", "fired", "outcome", "codes"),
    SCENARIOS,
    ids=[s[0] for s in SCENARIOS],
)
def test_simulate_agrees_with_the_rule_catalog(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, rules, name, files, message, kind, fired, outcome, codes
) -> None:
    repo = files()
    code, result = _simulate(cli, tmp_path, repo, message)
    findings = sc.run(tmp_path / "repo", rules)
    firing = [f for f in findings if f.rule_id.startswith("EX6") or f.rule_id == "EX103"]
    assert {f.rule_id for f in firing} == fired
    assert (result["outcome"], result["codes"]) == (outcome, codes)
    assert code == (0 if outcome == "attributed" else 1)
    # every code simulate gives is one the firing rules prevent
    assert set(result["codes"]) <= {n for f in firing for n in f.ndr}
    # and the model judges the repository's own sender the same way
    (verdict,) = [v for v in sc.verdicts(tmp_path / "repo") if v.sender.obj.kind == kind]
    assert (verdict.outcome, list(verdict.codes)) == (outcome, codes)


def test_renewed_certificate_trail_and_fixes(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, result = _simulate(cli, tmp_path, _filter_catches(), ("203.0.113.25", "smtp", HOSTS))
    assert code == 1
    steps = [
        (s["subject"] or {}).get("identity") and (s["subject"]["identity"], s["result"])
        for s in result["trail"]
    ]
    assert (f"Inbound from {sc.GUID}", "no match") in steps
    assert ("Inbound from the mail filter", "not used") in steps
    assert ("Inbound from the mail filter", "caught") in steps
    assert any(s["result"] == "accepted" for s in result["trail"])  # the accepted-domain check


def test_renewed_certificate_text_names_the_fix(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = sc.write(tmp_path / "repo", _renewed())
    cert = tmp_path / "smtp.cer"
    cert.write_bytes(sc.certificates()["smtp"].pem() + sc.certificates()["issuing"].pem())
    code, out, _ = cli(root, "simulate", "--root", str(root), "--ip", "203.0.113.25", "--cert", str(cert))
    assert code == 1
    assert f'Inbound connector "Inbound from {sc.GUID}" (exo/inbound-connector.yaml): no match:' in out
    assert "TlsSenderCertificateName mail.contoso.com covers none of smtp.contoso.com" in out
    assert "Verdict: rejected with 550 5.7.64 TenantAttribution; Relay Access Denied" in out
    assert (
        f'Set-InboundConnector -Identity "Inbound from {sc.GUID}" -TlsSenderCertificateName *.contoso.com'
    ) in out
    assert "MAIL FROM: not given" in out


FOREIGN = {
    "fabrikam": {
        "subject": "CN=relay.fabrikam.net, O=Fabrikam, C=US",
        "san": ["relay.fabrikam.net"],
        "not_before": "2026-01-01",
        "not_after": "2027-01-01",
    }
}
WILDCARD_CONNECTOR = """\
kind: InboundConnector
Name: Relay from Fabrikam
ConnectorType: OnPremises
SenderDomains: ["*"]
TlsSenderCertificateName: "*.fabrikam.net"
"""


@pytest.mark.parametrize(
    ("mail_from", "outcome", "codes"),
    [
        ("user@contoso.com", "attributed", []),  # the MAIL FROM domain is accepted
        ("<>", "rejected", ["ATTR36"]),  # a null sender has only the certificate domain
        ("", "rejected", ["ATTR36"]),
        ("user@fabrikam.net", "rejected", ["ATTR36"]),
    ],
)
def test_null_sender_relies_on_the_certificate_domain(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, mail_from: str, outcome: str, codes: list[str]
) -> None:
    root = sc.write(tmp_path / "repo", {**sc.hybrid_repo(), "exo/fabrikam.yaml": WILDCARD_CONNECTOR})
    cert = tmp_path / "fabrikam.cer"
    cert.write_bytes(build(FOREIGN)["fabrikam"].pem())
    code, out, _ = cli(
        root,
        "simulate",
        "--format",
        "json",
        "--cert",
        str(cert),
        "--ip",
        "192.0.2.9",
        "--mail-from",
        mail_from,
    )
    result = json.loads(out)
    assert (result["outcome"], result["codes"], result["connector"]["identity"]) == (
        outcome,
        codes,
        "Relay from Fabrikam",
    )
    assert code == (0 if outcome == "attributed" else 1)


def test_the_scope_defaults_to_the_current_directory(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = sc.write(tmp_path, sc.ip_only(sc.hybrid_repo()))
    code, out, _ = cli(
        root / "exo", "simulate", "--root", str(root), "--ip", "203.0.113.26", "--mail-from", HOSTS
    )
    assert code == 0, out
    assert "Verdict: attributed by ip" in out
    code, out, _ = cli(
        root / "exo", "simulate", "--root", str(root), "--ip", "203.0.113.26", "--mail-from", "<>"
    )
    assert code == 1  # a null sender without a certificate has no accepted domain at all
    assert "Verdict: rejected with 550 5.7.64 Relay Access Denied ATTR36" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "describe the message"),
        (["--ip", "203.0.113.300"], "not an IP address"),
        (["--cert", "missing.cer"], "cannot read the certificate"),
        (["--cert", "ca.cer"], "no server certificate"),
        (["--mail-from", "user@exa mple.com"], "is not a domain name"),
        (["--ip", "192.0.2.1", "nowhere"], "no such directory"),
    ],
)
def test_usage_errors(cli, tmp_path: Path, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    root = sc.write(tmp_path, sc.hybrid_repo())
    (root / "ca.cer").write_bytes(sc.certificates()["root"].pem())
    code, out, err = cli(root, "simulate", "--root", str(root), *args)
    assert code == 2
    assert message in err
    assert out == ""
