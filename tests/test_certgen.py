"""certgen: certificates from specs, byte-identical across runs, with strict spec checking."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from linter.commands.test_rules.certgen import Generated, build

ROOT = Path(__file__).resolve().parent.parent
UTC = dt.UTC

CHAIN: dict[str, dict[str, Any]] = {
    "leaf": {
        "subject": "CN=mail.contoso.com, O=Contoso, C=US",
        "san": ["mail.contoso.com", "autodiscover.contoso.com"],
        "issuer": "intermediate",
        "key": "ec256",
    },
    "intermediate": {
        "subject": "CN=Contoso Issuing CA 1, O=Contoso, C=US",
        "issuer": "root",
        "ca": True,
        "key": "ec256",
    },
    "root": {"subject": "CN=Contoso Root CA, O=Contoso, C=US", "ca": True},
}

MIXED: dict[str, dict[str, Any]] = {
    "rsa-root": {"subject": "CN=RSA Root", "ca": True, "key": "rsa1024"},
    "rsa-leaf": {"subject": "CN=a.contoso.com", "issuer": "rsa-root", "key": "rsa1024", "hash": "sha1"},
    "rsa-sha384": {"subject": "CN=d.contoso.com", "issuer": "rsa-root", "key": "ec256", "hash": "sha384"},
    "ec-root": {"subject": "CN=EC Root", "ca": True, "key": "ec256"},
    "ec-leaf": {"subject": "CN=b.contoso.com", "issuer": "ec-root", "key": "ed25519"},
    "ed-root": {"subject": "CN=Ed Root", "ca": True, "key": "ed25519"},
    "ed-leaf": {"subject": "CN=c.contoso.com", "issuer": "ed-root", "private_key": True},
}


@pytest.fixture(scope="module")
def chain() -> dict[str, Generated]:
    return build(CHAIN)


def _dump(built: dict[str, Generated]) -> bytes:
    return b"".join(g.pem() + g.der() + g.key_pem() for g in built.values())


def test_the_same_specs_give_the_same_bytes_in_another_process() -> None:
    script = (
        "import sys\n"
        "from linter.commands.test_rules.certgen import build\n"
        f"built = build({MIXED!r})\n"
        "sys.stdout.buffer.write(b''.join(g.pem() + g.der() + g.key_pem() for g in built.values()))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, check=True)
    assert done.stdout == _dump(build(MIXED))


def test_building_twice_gives_identical_certificates() -> None:
    assert _dump(build(MIXED)) == _dump(build(MIXED))


def test_the_chain_verifies_link_by_link(chain: dict[str, Generated]) -> None:
    leaf, intermediate, root = (chain[n].certificate for n in ("leaf", "intermediate", "root"))
    leaf.verify_directly_issued_by(intermediate)
    intermediate.verify_directly_issued_by(root)
    root.verify_directly_issued_by(root)
    assert leaf.issuer == intermediate.subject
    assert intermediate.issuer == root.subject


def test_key_identifiers_link_the_chain(chain: dict[str, Generated]) -> None:
    leaf, intermediate = chain["leaf"].certificate, chain["intermediate"].certificate
    authority = leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    subject_key = intermediate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert authority.key_identifier == subject_key.digest


def test_the_result_keeps_the_order_of_the_specs(chain: dict[str, Generated]) -> None:
    assert list(chain) == ["leaf", "intermediate", "root"]
    assert [g.name for g in chain.values()] == ["leaf", "intermediate", "root"]


def test_subject_is_written_most_specific_first(chain: dict[str, Generated]) -> None:
    subject = chain["leaf"].certificate.subject
    assert [attribute.oid for attribute in subject] == [
        NameOID.COUNTRY_NAME,
        NameOID.ORGANIZATION_NAME,
        NameOID.COMMON_NAME,
    ]
    assert subject.rfc4514_string() == "CN=mail.contoso.com,O=Contoso,C=US"


@pytest.mark.parametrize(
    "text",
    [
        'CN=mail.fabrikam.com, OU="Messaging, Transport", O=Fabrikam, S=Washington, C=US, '
        "E=admin@fabrikam.com",
        "CN=mail.fabrikam.com,OU=Messaging\\, Transport,O=Fabrikam,ST=Washington,C=US,"
        "emailAddress=admin@fabrikam.com",
    ],
)
def test_windows_and_rfc4514_subjects(text: str) -> None:
    subject = build({"x": {"subject": text, "key": "ec256"}})["x"].certificate.subject
    values = [(attribute.oid, attribute.value) for attribute in reversed(list(subject))]
    assert values == [
        (NameOID.COMMON_NAME, "mail.fabrikam.com"),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, "Messaging, Transport"),
        (NameOID.ORGANIZATION_NAME, "Fabrikam"),
        (NameOID.STATE_OR_PROVINCE_NAME, "Washington"),
        (NameOID.COUNTRY_NAME, "US"),
        (NameOID.EMAIL_ADDRESS, "admin@fabrikam.com"),
    ]


def test_a_subject_renders_back_as_written() -> None:
    from linter.domain.dn import windows_dn

    text = 'CN=Mail.Contoso.com, OU="Messaging, Transport", O=Contoso Ltd, L=Redmond, S=WA, C=US'
    subject = build({"x": {"subject": text, "key": "ec256"}})["x"].certificate.subject
    assert windows_dn(subject) == text


def test_a_multi_valued_rdn_stays_one_rdn() -> None:
    subject = build({"x": {"subject": "CN=mail + OU=transport, O=contoso", "key": "ec256"}})[
        "x"
    ].certificate.subject
    assert [len(rdn) for rdn in subject.rdns] == [1, 2]


def test_san_names_are_written_as_given(chain: dict[str, Generated]) -> None:
    san = chain["leaf"].certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["mail.contoso.com", "autodiscover.contoso.com"]


def test_no_san_means_no_extension(chain: dict[str, Generated]) -> None:
    with pytest.raises(x509.ExtensionNotFound):
        chain["root"].certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)


@pytest.mark.parametrize(
    ("name", "ca", "eku"),
    [
        ("leaf", False, [ExtendedKeyUsageOID.SERVER_AUTH]),
        ("intermediate", True, None),
        ("root", True, None),
    ],
)
def test_ca_flag_and_usages(
    chain: dict[str, Generated], name: str, ca: bool, eku: list[x509.ObjectIdentifier] | None
) -> None:
    extensions = chain[name].certificate.extensions
    usage = extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign is ca
    if ca:
        assert extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    else:
        with pytest.raises(x509.ExtensionNotFound):
            extensions.get_extension_for_class(x509.BasicConstraints)
    if eku is None:
        with pytest.raises(x509.ExtensionNotFound):
            extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    else:
        assert list(extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == eku


def test_eku_names_and_dotted_oids() -> None:
    spec = {"subject": "CN=x", "key": "ec256", "eku": ["clientAuth", "1.3.6.1.4.1.311.20.2.2"]}
    certificate = build({"x": spec})["x"].certificate
    usages = list(certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    assert usages == [ExtendedKeyUsageOID.CLIENT_AUTH, x509.ObjectIdentifier("1.3.6.1.4.1.311.20.2.2")]


@pytest.mark.parametrize(
    ("key", "kind", "size"),
    [
        ("rsa1024", rsa.RSAPublicKey, 1024),
        ("rsa2048", rsa.RSAPublicKey, 2048),
        ("ec256", ec.EllipticCurvePublicKey, 256),
        ("ed25519", ed25519.Ed25519PublicKey, None),
    ],
)
def test_key_types(key: str, kind: type, size: int | None) -> None:
    public = build({"x": {"subject": "CN=x", "key": key}})["x"].certificate.public_key()
    assert isinstance(public, kind)
    assert getattr(public, "key_size", None) == size


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({}, "sha256"),
        ({"hash": "sha1"}, "sha1"),
        ({"hash": "sha384"}, "sha384"),
        ({"key": "ec256", "hash": "sha384"}, "sha384"),
        ({"key": "ed25519"}, None),
    ],
)
def test_signature_hash(spec: dict[str, Any], expected: str | None) -> None:
    certificate = build({"x": {"subject": "CN=x", **spec}})["x"].certificate
    algorithm = certificate.signature_hash_algorithm
    assert (algorithm.name if algorithm else None) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-04", dt.datetime(2025, 3, 4, tzinfo=UTC)),
        ("2025-03-04T05:06:07Z", dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)),
        ("2025-03-04T07:06:07+02:00", dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)),
        (dt.date(2025, 3, 4), dt.datetime(2025, 3, 4, tzinfo=UTC)),
        (dt.datetime(2025, 3, 4, 5, 6, 7), dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)),
    ],
)
def test_dates_as_yaml_gives_them(value: object, expected: dt.datetime) -> None:
    certificate = build({"x": {"subject": "CN=x", "key": "ec256", "not_before": value}})["x"].certificate
    assert certificate.not_valid_before_utc == expected
    assert certificate.not_valid_after_utc == dt.datetime(2027, 1, 1, tzinfo=UTC)


def test_default_validity_is_fixed(chain: dict[str, Generated]) -> None:
    certificate = chain["leaf"].certificate
    assert certificate.not_valid_before_utc == dt.datetime(2026, 1, 1, tzinfo=UTC)
    assert certificate.not_valid_after_utc == dt.datetime(2027, 1, 1, tzinfo=UTC)


def test_serials_are_stable_distinct_and_overridable(chain: dict[str, Generated]) -> None:
    serials = {g.certificate.serial_number for g in chain.values()}
    assert len(serials) == 3
    assert all(0 < serial < 2**159 for serial in serials)
    assert (
        build({"x": {"subject": "CN=x", "key": "ec256", "serial": 0x8A01}})["x"].certificate.serial_number
        == 0x8A01
    )


def test_keys_follow_the_name_and_the_seed() -> None:
    specs: dict[str, dict[str, Any]] = {
        "a": {"subject": "CN=x", "key": "ec256"},
        "b": {"subject": "CN=x", "key": "ec256"},
        "c": {"subject": "CN=x", "key": "ec256", "seed": 2},
    }
    keys = {name: g.certificate.public_key() for name, g in build(specs).items()}
    again = build({"a": {"subject": "CN=y", "key": "ec256"}})["a"].certificate.public_key()
    assert keys["a"] != keys["b"]
    assert keys["a"] != keys["c"]
    assert keys["a"] == again


def test_private_key_pem_matches_the_certificate(chain: dict[str, Generated]) -> None:
    generated = chain["leaf"]
    key = serialization.load_pem_private_key(generated.key_pem(), password=None)
    assert key.public_key() == generated.certificate.public_key()
    assert generated.key_pem().startswith(b"-----BEGIN PRIVATE KEY-----\n")
    assert b"PRIVATE KEY" not in generated.pem()


def test_private_key_flag_puts_the_key_after_the_certificate() -> None:
    generated = build({"x": {"subject": "CN=x", "key": "ec256", "private_key": True}})["x"]
    certificate_pem = generated.certificate.public_bytes(serialization.Encoding.PEM)
    assert generated.pem() == certificate_pem + generated.key_pem()
    assert x509.load_der_x509_certificate(generated.der()) == generated.certificate


@pytest.mark.parametrize("key", ["rsa1024", "ec256"])
def test_sha1_signatures_verify_with_the_issuer_key(key: str) -> None:
    specs: dict[str, dict[str, Any]] = {
        "root": {"subject": "CN=legacy root", "ca": True, "key": key, "hash": "sha1"},
        "leaf": {"subject": "CN=legacy.contoso.local", "issuer": "root", "key": "ec256", "hash": "sha1"},
    }
    built = build(specs)
    root, leaf = built["root"].certificate, built["leaf"].certificate
    issuer_key = root.public_key()
    assert leaf.signature_hash_algorithm is not None
    assert leaf.signature_hash_algorithm.name == "sha1"
    assert leaf.issuer == root.subject
    if isinstance(issuer_key, rsa.RSAPublicKey):
        issuer_key.verify(leaf.signature, leaf.tbs_certificate_bytes, padding.PKCS1v15(), hashes.SHA1())
    else:
        assert isinstance(issuer_key, ec.EllipticCurvePublicKey)
        issuer_key.verify(leaf.signature, leaf.tbs_certificate_bytes, ec.ECDSA(hashes.SHA1()))
    assert build(specs)["leaf"].der() == built["leaf"].der()


def test_rsa_keys_are_valid_and_consistent() -> None:
    key = build({"x": {"subject": "CN=x", "key": "rsa1024"}})["x"].key
    assert isinstance(key, rsa.RSAPrivateKey)
    numbers = key.private_numbers()
    assert numbers.public_numbers.e == 65537
    assert numbers.p * numbers.q == numbers.public_numbers.n
    assert numbers.public_numbers.n.bit_length() == 1024
    assert numbers.iqmp * numbers.q % numbers.p == 1


BAD_SPECS: list[tuple[dict[str, Any], str]] = [
    ({"subject": "CN=x", "colour": "blue"}, "unknown field colour"),
    ({"subject": "CN=x", "sans": ["a.example"]}, "unknown field sans"),
    ({"san": ["a.example"]}, "subject is required"),
    ({"subject": 5}, "subject must be a str"),
    ({"subject": "CN=x", "san": "a.example"}, "san must be a list of strings"),
    ({"subject": "CN=x", "ca": "yes"}, "ca must be a bool"),
    ({"subject": "CN=x", "key": "rsa4096"}, "key 'rsa4096' is not one of"),
    ({"subject": "CN=x", "hash": "md5"}, "hash 'md5' is not one of"),
    ({"subject": "CN=x", "key": "ed25519", "hash": "sha256"}, "Ed25519"),
    ({"subject": "CN=x", "key": "ed25519", "hash": "sha1"}, "Ed25519"),
    ({"subject": "CN=x", "not_after": "next year"}, "not_after 'next year' is not an ISO date"),
    ({"subject": "CN=x", "not_before": 2026}, "not_before must be a date"),
    ({"subject": "CN=x", "serial": 0}, "serial must be a positive integer"),
    ({"subject": "CN=x", "serial": True}, "serial must be a positive integer"),
    ({"subject": "CN=x", "eku": ["serverauthentication"]}, "eku 'serverauthentication' is not one of"),
    ({"subject": "CN=x", "private_key": 1}, "private_key must be a bool"),
    ({"subject": "CN=x", "seed": 1.5}, "seed must be a string or an integer"),
    ({"subject": "CN=x", "issuer": "nobody"}, "unknown issuer 'nobody'"),
    (
        {"subject": "CN=x", "not_before": "2027-06-01"},
        "not_before 2027-06-01 00:00:00 is not before not_after",
    ),
    ({"subject": "XX=x"}, "attribute XX is not one of CN, OU"),
    ({"subject": "CN=x, SN=y"}, "attribute SN is not one of"),
    ({"subject": "CN=#0c0178"}, "hex-encoded value"),
    ({"subject": "CN=x, O"}, "subject 'CN=x, O'"),
    ({"subject": ""}, "subject '': is empty"),
]


@pytest.mark.parametrize(("spec", "message"), BAD_SPECS)
def test_bad_specs_are_refused_by_name(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match="certificate spec 'x'") as caught:
        build({"x": {"key": "ec256", **spec}})
    assert message in str(caught.value)


def test_a_spec_must_be_a_mapping() -> None:
    with pytest.raises(ValueError, match="certificate spec 'x': expected a mapping"):
        build({"x": ["CN=x"]})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("issuers", "cycle"),
    [
        ({"a": "a"}, "a -> a"),
        ({"a": "b", "b": "a"}, "a -> b -> a"),
        ({"a": "b", "b": "c", "c": "b"}, "b -> c -> b"),
    ],
)
def test_issuer_cycles_are_refused(issuers: dict[str, str], cycle: str) -> None:
    specs = {
        name: {"subject": f"CN={name}", "key": "ec256", "issuer": issuer} for name, issuer in issuers.items()
    }
    with pytest.raises(ValueError, match="cycle") as caught:
        build(specs)
    assert cycle in str(caught.value)
