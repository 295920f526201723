"""Write a synthetic MSP repository for timing exolint by hand (never run by the tests).

    python bench/make_msp_repo.py /tmp/msp --tenants 500
    time exolint check --root /tmp/msp /tmp/msp

Each tenant: a Tenant with 3 accepted domains, inbound and outbound connectors, a send and two
receive connectors, two transport servers and an Exchange certificate, in 8 YAML files, and two
certificate files (a leaf and its chain). Every tenant's objects are healthy except one in ten,
whose certificate was renewed under another name (one EX601 each), so the run does real work.
The default of 500 tenants gives the DESIGN.md figure: 5,000 objects in 4,000 YAML files and
1,000 certificate files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives import hashes

from linter.commands.test_rules.certgen import build

FILES = {
    "tenant.yaml": "kind: Tenant\nName: {t}.onmicrosoft.com\n",
    "domains.yaml": (
        "kind: AcceptedDomain\nDomainName: {t}.com\n---\n"
        "kind: AcceptedDomain\nDomainName: mail.{t}.com\n---\n"
        "kind: AcceptedDomain\nDomainName: {t}.mail.onmicrosoft.com\n"
    ),
    "exo/inbound.yaml": (
        "kind: InboundConnector\nName: Inbound from {guid}\nConnectorType: OnPremises\n"
        "ConnectorSource: HybridWizard\nCloudServicesMailEnabled: true\nRequireTls: true\n"
        "SenderDomains: ['*']\nTlsSenderCertificateName: mail.{t}.com\n"
    ),
    "exo/outbound.yaml": (
        "kind: OutboundConnector\nName: Outbound to {guid}\nConnectorType: OnPremises\n"
        "RecipientDomains: [{t}.com]\nSmartHosts: [mail.{t}.com]\nUseMXRecord: false\n"
        "TlsSettings: DomainValidation\nTlsDomain: mail.{t}.com\n"
    ),
    "onprem/send.yaml": (
        "kind: SendConnector\nName: Outbound to Office 365 - {guid}\n"
        "AddressSpaces: ['smtp:{t}.mail.onmicrosoft.com;1']\nFqdn: mail.{t}.com\nRequireTLS: true\n"
        "TlsAuthLevel: DomainValidation\nTlsDomain: mail.protection.outlook.com\n"
        "CloudServicesMailEnabled: true\nTlsCertificateName: '<I>CN=Bench CA, O=Bench<S>CN={leaf}.{t}.com'\n"
        "SourceTransportServers: [EX01, EX02]\n"
    ),
    "onprem/receive.yaml": (
        "kind: ReceiveConnector\nServer: EX01\nName: Default Frontend EX01\n"
        "TlsCertificateName: '<I>CN=Bench CA, O=Bench<S>CN=mail.{t}.com'\n"
        "TlsDomainCapabilities: ['mail.protection.outlook.com:AcceptCloudServicesMail']\n---\n"
        "kind: ReceiveConnector\nServer: EX02\nName: Default Frontend EX02\n"
        "TlsCertificateName: '<I>CN=Bench CA, O=Bench<S>CN=mail.{t}.com'\n"
        "TlsDomainCapabilities: ['mail.protection.outlook.com:AcceptCloudServicesMail']\n"
    ),
    "onprem/servers.yaml": (
        "- kind: TransportServer\n  Name: EX01\n  ExternalIPAddresses: [203.0.113.{n}]\n"
        "- kind: TransportServer\n  Name: EX02\n  ExternalIPAddresses: [198.51.100.{n}]\n"
    ),
    "onprem/certificate.yaml": (
        "kind: ExchangeCertificate\nThumbprint: {thumbprint}\nServices: [IIS, SMTP]\n"
        "File: ../certs/leaf.cer\n"
    ),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--tenants", type=int, default=500)
    args = parser.parse_args()
    ca = {"ca": {"subject": "CN=Bench CA, O=Bench", "ca": True, "key": "ec256"}}
    for i in range(args.tenants):
        tenant = f"tenant{i:04d}"
        leaf = "smtp" if i % 10 == 9 else "mail"
        specs = {
            **ca,
            "leaf": {
                "subject": f"CN={leaf}.{tenant}.com",
                "san": [f"{leaf}.{tenant}.com"],
                "issuer": "ca",
                "key": "ec256",
            },
        }
        generated = build(specs)
        thumbprint = generated["leaf"].certificate.fingerprint(hashes.SHA1()).hex()
        root = args.directory / tenant
        values = {"t": tenant, "guid": f"{i:08x}-0000-4000-8000-000000000000", "leaf": leaf, "n": i % 250 + 1}
        for rel, text in FILES.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text.format(**values, thumbprint=thumbprint.upper()), encoding="utf-8")
        (root / "certs").mkdir(exist_ok=True)
        (root / "certs" / "leaf.cer").write_bytes(generated["leaf"].pem())
        (root / "certs" / "chain.cer").write_bytes(generated["ca"].pem())
    print(f"{args.tenants} tenants in {args.directory}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
