"""Regenerate the certificates of the bundled examples, and the ExchangeCertificate definitions
that name them.

Keys are derived from fixed seeds and RSA signatures are deterministic, so running this again
gives the same bytes: a diff of the examples shows only what a change to this file meant.

    python scripts/make_example_certs.py
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cryptography.hazmat.primitives import hashes  # noqa: E402

from linter.commands.test_rules.certgen import Generated, build  # noqa: E402

ISSUING_CA = "CN=Fabrikam Trust TLS RSA CA 2025, O=Fabrikam Trust Services, C=US"
CONTOSO = "O=Contoso Ltd, L=Redmond, S=Washington, C=US"

SPECS = {
    "root": {
        "subject": "CN=Fabrikam Trust Root CA, O=Fabrikam Trust Services, C=US",
        "ca": True,
        "not_before": "2020-01-01",
        "not_after": "2045-01-01",
    },
    "issuing": {
        "subject": ISSUING_CA,
        "issuer": "root",
        "ca": True,
        "not_before": "2025-01-01",
        "not_after": "2035-01-01",
    },
    # The transport certificate HCW was run with.
    "mail": {
        "subject": f"CN=mail.contoso.com, {CONTOSO}",
        "san": ["mail.contoso.com", "autodiscover.contoso.com"],
        "issuer": "issuing",
        "not_before": "2026-03-01",
        "not_after": "2027-03-31",
    },
    # Its renewal, issued under a new host name.
    "smtp": {
        "subject": f"CN=smtp.contoso.com, {CONTOSO}",
        "san": ["smtp.contoso.com", "autodiscover.contoso.com"],
        "issuer": "issuing",
        "not_before": "2026-11-01",
        "not_after": "2027-11-30",
    },
}

EXAMPLES = {
    "contoso-healthy": "mail",
    "contoso-renewed-certificate": "smtp",
}

DEFINITION = """\
# Written by scripts/make_example_certs.py; compare with Get-ExchangeCertificate on EX01, EX02.
kind: ExchangeCertificate
Thumbprint: {thumbprint}
FriendlyName: {name} {year}
Services: [IIS, SMTP]
Servers: [EX01, EX02]
File: ../certs/{name}.cer
"""


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def main() -> int:
    generated: dict[str, Generated] = build(SPECS)
    for example, leaf in EXAMPLES.items():
        directory = REPO / "examples" / example
        certificate = generated[leaf]
        chain = certificate.pem() + generated["issuing"].pem()
        write(directory / "certs" / f"{leaf}.contoso.com.cer", chain)
        thumbprint = certificate.certificate.fingerprint(hashes.SHA1()).hex().upper()
        text = DEFINITION.format(
            thumbprint=thumbprint,
            name=f"{leaf}.contoso.com",
            year=certificate.certificate.not_valid_before_utc.year,
        )
        write(directory / "onprem" / "exchange-certificate.yaml", text.encode())
        print(f"examples/{example}: {leaf}.contoso.com {thumbprint}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
