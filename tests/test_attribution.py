"""The attribution model (linter/hybrid/attribution) as a table: a small repository per row, the
verdict Exchange Online would give its one sender, and the reasoning it leaves behind."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import pytest

from linter.commands.test_rules.certgen import Generated, build
from linter.hybrid import attribution
from linter.load.loader import Loader
from linter.model import Object
from linter.objects.scopes import ScopeFinder, build_scope

TENANT = """\
kind: Tenant
Name: contoso.onmicrosoft.com
---
kind: AcceptedDomain
DomainName: contoso.com
"""
HCW = """\
kind: InboundConnector
Name: Inbound from on-premises
ConnectorType: OnPremises
SenderDomains: ["*"]
TlsSenderCertificateName: {name}
"""
IP_CONNECTOR = """\
kind: InboundConnector
Name: Relay by address
ConnectorType: OnPremises
SenderDomains: ["*"]
SenderIPAddresses: [{ips}]
"""
SERVER = """\
kind: TransportServer
Name: EX01
ExternalIPAddresses: [{ip}]
"""
SEND = """\
kind: SendConnector
Name: Outbound to Office 365
AddressSpaces: ["{space}"]
DNSRoutingEnabled: false
SmartHosts: [contoso-com.mail.protection.outlook.com]
Fqdn: {fqdn}
SourceTransportServers: [EX01]
"""
FILTER = """\
kind: InboundConnector
Name: Inbound from the mail filter
ConnectorType: Partner
SenderDomains: [{domains}]
RestrictDomainsToIPAddresses: true
SenderIPAddresses: [{ips}]
"""


@functools.cache
def certificates() -> dict[str, Generated]:
    return build(
        {
            "mail": {"subject": "CN=mail.contoso.com", "san": ["mail.contoso.com"], "key": "ec256"},
            "smtp": {"subject": "CN=smtp.contoso.com", "san": ["smtp.contoso.com"], "key": "ec256"},
            "hoster": {"subject": "CN=relay.hoster.net", "san": ["relay.hoster.net"], "key": "ec256"},
        }
    )


def judge(tmp_path: Path, files: dict[str, str], certs: dict[str, str] | None = None) -> attribution.Verdict:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    for rel, name in (certs or {}).items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(certificates()[name].pem())
    finder = ScopeFinder(Loader(tmp_path))
    scope, _ = build_scope(finder, "")
    (verdict,) = attribution.verdicts(scope)
    return verdict


def send(
    space: str = "smtp:contoso.mail.onmicrosoft.com;1",
    fqdn: str = "mail.contoso.com",
    ip: str = "203.0.113.25",
) -> dict[str, str]:
    return {"onprem/send.yaml": SEND.format(space=space, fqdn=fqdn), "onprem/ex01.yaml": SERVER.format(ip=ip)}


CASES = [
    pytest.param(
        {**send(), "exo/in.yaml": HCW.format(name="mail.contoso.com")},
        {"certs/c.cer": "mail"},
        (attribution.ATTRIBUTED, "certificate", ()),
        id="certificate-exact",
    ),
    pytest.param(
        {**send(fqdn="smtp.contoso.com"), "exo/in.yaml": HCW.format(name='"*.contoso.com"')},
        {"certs/c.cer": "smtp"},
        (attribution.ATTRIBUTED, "certificate", ()),
        id="certificate-connector-wildcard",
    ),
    pytest.param(
        {**send(), "exo/in.yaml": IP_CONNECTOR.format(ips="203.0.113.0/24")},
        {},
        (attribution.ATTRIBUTED, "ip", ()),
        id="ip-in-cidr",
    ),
    pytest.param(
        {**send(fqdn="smtp.contoso.com"), "exo/in.yaml": HCW.format(name="mail.contoso.com")},
        {"certs/c.cer": "smtp"},
        (attribution.REJECTED, None, ((attribution.RELAY_DENIED, attribution.CERTIFICATE_NOT_COVERED),)),
        id="certificate-renamed",
    ),
    pytest.param(
        {
            **send(fqdn="smtp.contoso.com"),
            "exo/in.yaml": HCW.format(name="mail.contoso.com") + "SenderIPAddresses: [203.0.113.25]\n",
        },
        {"certs/c.cer": "smtp"},
        (attribution.ATTRIBUTED, "ip", ()),
        id="certificate-renamed-but-ip-listed",
    ),
    pytest.param(
        {**send(), "exo/in.yaml": IP_CONNECTOR.format(ips="203.0.113.26")},
        {},
        (attribution.REJECTED, None, ((attribution.RELAY_DENIED, attribution.IP_NOT_LISTED),)),
        id="ip-not-listed",
    ),
    pytest.param(
        {**send(), "exo/in.yaml": HCW.format(name="mail.contoso.com")},
        {},
        (attribution.UNKNOWN, None, ()),
        id="no-certificate-files",
    ),
    pytest.param(
        send(),
        {"certs/c.cer": "mail"},
        (attribution.UNKNOWN, None, ()),
        id="no-inbound-connectors",
    ),
    pytest.param(
        {**send(), "exo/in.yaml": HCW.format(name="mail.contoso.com") + "Enabled: false\n"},
        {"certs/c.cer": "mail"},
        (attribution.REJECTED, None, ((attribution.RELAY_DENIED, attribution.NO_CONNECTOR),)),
        id="only-connector-disabled",
    ),
    pytest.param(
        {**send(), "exo/in.yaml": "kind: InboundConnector\nName: Empty\nConnectorType: OnPremises\n"},
        {"certs/c.cer": "mail"},
        (attribution.REJECTED, None, ((attribution.RELAY_DENIED, attribution.NOTHING_TO_MATCH),)),
        id="connector-identifies-nothing",
    ),
    pytest.param(
        {
            **send(fqdn="smtp.contoso.com"),
            "exo/in.yaml": HCW.format(name="mail.contoso.com")
            + "---\n"
            + FILTER.format(domains='"*"', ips="192.0.2.1"),
        },
        {"certs/c.cer": "smtp"},
        (attribution.REJECTED, None, ((attribution.PARTNER_DENIED, attribution.PARTNER_RESTRICTED),)),
        id="partner-catches",
    ),
    pytest.param(
        {
            **send(fqdn="smtp.contoso.com"),
            "exo/in.yaml": HCW.format(name="mail.contoso.com")
            + "---\n"
            + FILTER.format(domains='"*"', ips="203.0.113.25"),
        },
        {"certs/c.cer": "smtp"},
        (attribution.REJECTED, None, ((attribution.RELAY_DENIED, attribution.CERTIFICATE_NOT_COVERED),)),
        id="partner-satisfied-still-needs-onpremises",
    ),
    pytest.param(
        {
            **send(),
            "tenant.yaml": TENANT,
            "exo/in.yaml": HCW.format(name="mail.contoso.com"),
        },
        {"certs/c.cer": "mail"},
        (
            attribution.REJECTED,
            "certificate",
            ((attribution.PARTNER_DENIED, attribution.CERTIFICATE_NAME_NOT_ACCEPTED),),
        ),
        id="exact-name-not-accepted-2025-guidance",
    ),
    pytest.param(
        {
            **send(space="*", fqdn="relay.hoster.net"),
            "tenant.yaml": TENANT,
            "exo/in.yaml": IP_CONNECTOR.format(ips="203.0.113.25"),
        },
        {"certs/c.cer": "hoster"},
        (attribution.REJECTED, "ip", ((attribution.ATTR36, attribution.CERTIFICATE_DOMAIN_NOT_ACCEPTED),)),
        id="relay-with-foreign-certificate-attr36",
    ),
    pytest.param(
        {
            **send(fqdn="relay.hoster.net"),
            "tenant.yaml": TENANT,
            "exo/in.yaml": IP_CONNECTOR.format(ips="203.0.113.25"),
        },
        {"certs/c.cer": "hoster"},
        (attribution.ATTRIBUTED, "ip", ()),
        id="coexistence-only-is-not-relay",
    ),
]


@pytest.mark.parametrize(("files", "certs", "expected"), CASES)
def test_verdict(
    tmp_path: Path, files: dict[str, str], certs: dict[str, str], expected: tuple[object, ...]
) -> None:
    verdict = judge(tmp_path, files, certs)
    got = (verdict.outcome, verdict.method, tuple((p.code, p.cause) for p in verdict.problems))
    assert got == expected, [s.text for s in verdict.trail]


def test_a_verdict_is_frozen_and_keeps_its_reasoning(tmp_path: Path) -> None:
    verdict = judge(
        tmp_path, {**send(), "exo/in.yaml": HCW.format(name="mail.contoso.com")}, {"certs/c.cer": "mail"}
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdict.outcome = attribution.REJECTED  # type: ignore[misc]
    texts = [step.text for step in verdict.trail]
    assert texts[0].startswith(
        'Send connector "Outbound to Office 365": sender: presents CN=mail.contoso.com'
    )
    assert (
        'Inbound connector "Inbound from on-premises": matched: TlsSenderCertificateName mail.contoso.com'
        in texts[1]
    )
    assert texts[2].endswith("attributed: by the certificate the sender presents")
    assert "the scope defines no accepted domains" in texts[-1]


def test_the_trail_names_each_connector_and_why_it_did_not_match(tmp_path: Path) -> None:
    files = {
        **send(fqdn="smtp.contoso.com"),
        "exo/in.yaml": HCW.format(name="mail.contoso.com")
        + "---\n"
        + FILTER.format(domains='"*"', ips="192.0.2.1")
        + "---\nkind: InboundConnector\nName: Untyped\nSenderIPAddresses: [203.0.113.25]\n",
    }
    verdict = judge(tmp_path, files, {"certs/c.cer": "smtp"})
    results = {
        (s.subject.identity if isinstance(s.subject, Object) else None, s.result) for s in verdict.trail
    }
    assert ("Inbound from on-premises", "no match") in results
    assert ("Inbound from the mail filter", "caught") in results
    assert ("Untyped", "not used") in results
    caught = next(s for s in verdict.trail if s.result == "caught")
    assert "203.0.113.25 is not among its SenderIPAddresses" in caught.reason


def test_a_relay_host_whose_certificate_file_is_missing_is_not_judged(tmp_path: Path) -> None:
    files = {
        "exo/in.yaml": HCW.format(name="mail.contoso.com"),
        "relay/app.yaml": "kind: RelayHost\nName: App\nFile: app.cer\nExternalIPAddresses: [198.51.100.8]\n",
    }
    verdict = judge(tmp_path, files)
    assert verdict.outcome == attribution.UNKNOWN
    assert "its File app.cer holds no certificate" in verdict.trail[0].reason


def test_a_relay_host_certificate_is_the_leaf_of_its_file(tmp_path: Path) -> None:
    chain = build(
        {
            "ca": {"subject": "CN=Devices CA", "ca": True, "key": "ec256"},
            "leaf": {
                "subject": "CN=app.contoso.com",
                "san": ["app.contoso.com"],
                "issuer": "ca",
                "key": "ec256",
            },
        }
    )
    (tmp_path / "relay").mkdir()
    (tmp_path / "relay" / "app.cer").write_bytes(chain["ca"].pem() + chain["leaf"].pem())
    files = {
        "exo/in.yaml": HCW.format(name='"*.contoso.com"'),
        "relay/app.yaml": "kind: RelayHost\nName: App\nFile: ./app.cer\n",
    }
    verdict = judge(tmp_path, files)
    assert verdict.sender.certificate is not None
    assert verdict.sender.certificate.subject == "CN=app.contoso.com"
    assert (verdict.outcome, verdict.method) == (attribution.ATTRIBUTED, "certificate")


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["contoso.com"], "accepted"),
        (["*.contoso.com"], "accepted"),
        (["mail.contoso.com"], "under"),
        (["relay.hoster.net", "smtp.contoso.com"], "under"),
        (["mail.notcontoso.com"], "foreign"),
        (["contoso.com.evil.net"], "foreign"),
    ],
)
def test_certificate_domain(tmp_path: Path, names: list[str], expected: str) -> None:
    generated = build({"c": {"subject": f"CN={names[0]}", "san": names, "key": "ec256"}})
    (tmp_path / "c.cer").write_bytes(generated["c"].pem())
    (tmp_path / "tenant.yaml").write_text(TENANT, encoding="utf-8")
    scope, _ = build_scope(ScopeFinder(Loader(tmp_path)), "")
    assert attribution.certificate_domain(scope, scope.certificates[0])[0] == expected


def test_senders_missing_from_one_list_share_one_command(tmp_path: Path) -> None:
    files = {
        "exo/in.yaml": IP_CONNECTOR.format(ips="198.51.100.5"),
        "devices/a.yaml": "kind: RelayHost\nName: A\nExternalIPAddresses: [198.51.100.7]\n",
        "devices/b.yaml": "kind: RelayHost\nName: B\nExternalIPAddresses: [198.51.100.8]\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    scope, _ = build_scope(ScopeFinder(Loader(tmp_path)), "")
    commands = {f.command for v in attribution.verdicts(scope) for p in v.problems for f in p.fixes}
    addresses = "198.51.100.5,198.51.100.7,198.51.100.8"
    assert commands == {f'Set-InboundConnector -Identity "Relay by address" -SenderIPAddresses {addresses}'}
