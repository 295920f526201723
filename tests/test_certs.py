"""certs: certificate files in every shape a repository holds them, and what must never be echoed."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, x25519
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.commands.test_rules.certgen import Generated, build
from linter.load.certs import (
    CERTIFICATE_SUFFIXES,
    PRIVATE_KEY_SUFFIXES,
    CertProblem,
    private_key_blocks,
    read_certificate_file,
)
from linter.model import Certificate

SPECS: dict[str, dict[str, Any]] = {
    "root": {"subject": "CN=Contoso Root CA, O=Contoso, C=US", "ca": True, "key": "ec256"},
    "intermediate": {
        "subject": "CN=Contoso Issuing CA, O=Contoso, C=US",
        "ca": True,
        "issuer": "root",
        "key": "ec256",
    },
    "leaf": {
        "subject": "CN=mail.contoso.com, O=Contoso, C=US",
        "san": ["mail.contoso.com", "Autodiscover.Contoso.com"],
        "issuer": "intermediate",
        "key": "rsa2048",
    },
    "wildcard": {
        "subject": "CN=*.contoso.com",
        "san": ["*.contoso.com", "contoso.com"],
        "issuer": "root",
        "key": "ec256",
    },
    "selfsigned": {"subject": "CN=edge01.contoso.local", "key": "rsa1024", "hash": "sha1"},
    "impostor": {"subject": "CN=Contoso Root CA, O=Contoso, C=US", "issuer": "root", "key": "ed25519"},
    "ed-root": {"subject": "CN=Ed Root", "ca": True, "key": "ed25519"},
    "ec-sha1": {"subject": "CN=legacy.contoso.local", "key": "ec256", "hash": "sha1"},
    "sha1-impostor": {
        "subject": "CN=legacy.contoso.local",
        "issuer": "ec-sha1",
        "key": "ec256",
        "hash": "sha1",
    },
    "high-serial": {"subject": "CN=serial.contoso.com", "key": "ec256", "serial": 0x8A01},
    "low-serial": {"subject": "CN=serial.contoso.com", "key": "ec256", "serial": 5},
}


@pytest.fixture(scope="module")
def made() -> dict[str, Generated]:
    return build(SPECS)


def read(data: bytes, path: str = "certs/file.pem") -> tuple[list[Certificate], list[CertProblem]]:
    return read_certificate_file(path, data)


def line_count(data: bytes) -> int:
    return len(data.splitlines())


def body_lines(pem: bytes) -> list[str]:
    return [line for line in pem.decode().splitlines() if line and not line.startswith("-----")]


def key_pem(key: Any, form: serialization.PrivateFormat, password: bytes | None = None) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    )
    pem: bytes = key.private_bytes(serialization.Encoding.PEM, form, encryption)
    return pem


# --- positions -----------------------------------------------------------------------------


def test_one_certificate(made: dict[str, Generated]) -> None:
    pem = made["leaf"].pem()
    certificates, problems = read(pem, "tenants/contoso/mail.pem")
    assert problems == []
    [cert] = certificates
    assert (cert.path, cert.index, cert.line, cert.end_line) == (
        "tenants/contoso/mail.pem",
        0,
        1,
        line_count(pem),
    )


def test_several_certificates_with_openssl_text_around(made: dict[str, Generated]) -> None:
    parts = [b"subject=CN = mail.contoso.com\n", b"issuer=CN = Contoso Issuing CA\n", made["leaf"].pem()]
    parts += [
        b"\n",
        b"subject=CN = Contoso Issuing CA\n",
        made["intermediate"].pem(),
        b"\n",
        made["root"].pem(),
    ]
    data = b"".join(parts)
    leaf_start = 3
    intermediate_start = leaf_start + line_count(made["leaf"].pem()) + 2
    root_start = intermediate_start + line_count(made["intermediate"].pem()) + 1
    certificates, problems = read(data)
    assert problems == []
    assert [(c.index, c.line, c.end_line, c.common_names) for c in certificates] == [
        (0, leaf_start, intermediate_start - 3, ("mail.contoso.com",)),
        (1, intermediate_start, root_start - 2, ("Contoso Issuing CA",)),
        (2, root_start, root_start + line_count(made["root"].pem()) - 1, ("Contoso Root CA",)),
    ]


def test_a_certificate_copied_into_several_files_is_placed_in_each(made: dict[str, Generated]) -> None:
    """One CA copied into every tenant's folder is read once, yet each copy keeps its own file,
    position and index, and a DER copy of it reads the same."""
    root = made["root"].pem()
    first, _ = read(root, "t1/certs/ca.pem")
    second, _ = read(made["leaf"].pem() + b"\n" + root, "t2/certs/chain.pem")
    der = made["root"].certificate.public_bytes(serialization.Encoding.DER)
    third, _ = read(der, "t3/certs/ca.cer")
    assert [(c.path, c.index, c.line) for c in (first[0], second[1], third[0])] == [
        ("t1/certs/ca.pem", 0, 1),
        ("t2/certs/chain.pem", 1, line_count(made["leaf"].pem()) + 2),
        ("t3/certs/ca.cer", 0, 1),
    ]
    assert first[0] == replace(second[1], path=first[0].path, index=0, line=1, end_line=first[0].end_line)
    assert first[0].thumbprint == third[0].thumbprint and first[0].subject == third[0].subject


def test_crlf_and_bom_keep_the_lines(made: dict[str, Generated]) -> None:
    plain = made["leaf"].pem() + made["root"].pem()
    certificates, problems = read(b"\xef\xbb\xbf" + plain.replace(b"\n", b"\r\n"))
    assert problems == []
    assert [(c.line, c.end_line) for c in certificates] == [(c.line, c.end_line) for c in read(plain)[0]]
    assert certificates[1].line == line_count(made["leaf"].pem()) + 1


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_from_windows_powershell_out_file(made: dict[str, Generated], codec: str) -> None:
    plain = b"subject=CN = mail.contoso.com\r\n" + made["leaf"].pem().replace(b"\n", b"\r\n")
    text = plain.decode()
    data = ("\ufeff" + text).encode(codec) if codec == "utf-16-be" else text.encode(codec)
    certificates, problems = read(data)
    assert problems == []
    assert [(c.line, c.end_line) for c in certificates] == [(2, line_count(plain))]


def test_der_certificate(made: dict[str, Generated]) -> None:
    certificates, problems = read(made["leaf"].der(), "mail.cer")
    assert problems == []
    [cert] = certificates
    assert (cert.index, cert.line, cert.end_line, cert.common_names) == (0, 1, 1, ("mail.contoso.com",))


def test_x509_certificate_label_is_read(made: dict[str, Generated]) -> None:
    data = made["root"].pem().replace(b" CERTIFICATE-----", b" X509 CERTIFICATE-----")
    certificates, problems = read(data)
    assert problems == []
    assert [c.common_names for c in certificates] == [("Contoso Root CA",)]


@pytest.mark.parametrize("encoding", [serialization.Encoding.PEM, serialization.Encoding.DER])
def test_pkcs7_bundle(made: dict[str, Generated], encoding: serialization.Encoding) -> None:
    bundle = pkcs7.serialize_certificates(
        [made["leaf"].certificate, made["intermediate"].certificate], encoding
    )
    data = b"bundle exported from the CA\n" + bundle if encoding is serialization.Encoding.PEM else bundle
    certificates, problems = read(data)
    assert problems == []
    first = 2 if encoding is serialization.Encoding.PEM else 1
    last = line_count(data) if encoding is serialization.Encoding.PEM else 1
    assert sorted(c.common_names[0] for c in certificates) == ["Contoso Issuing CA", "mail.contoso.com"]
    assert [(c.index, c.line, c.end_line) for c in certificates] == [(0, first, last), (1, first, last)]


# --- problems ------------------------------------------------------------------------------


def damaged(pem: bytes) -> bytes:
    """A real certificate block whose body lost its middle lines."""
    lines = pem.splitlines(keepends=True)
    return b"".join(lines[:3] + lines[-3:])


def truncated(pem: bytes) -> bytes:
    """A real certificate block cut off before its END line."""
    return b"".join(pem.splitlines(keepends=True)[:-4])


@pytest.mark.parametrize(
    ("bad", "bad_first", "message"),
    [
        (damaged, True, "the CERTIFICATE block is not a readable certificate"),
        (damaged, False, "the CERTIFICATE block is not a readable certificate"),
        (truncated, True, "the CERTIFICATE block has no END line"),
        (truncated, False, "the CERTIFICATE block has no END line"),
    ],
)
def test_a_bad_block_beside_a_good_one(
    made: dict[str, Generated], bad: Any, bad_first: bool, message: str
) -> None:
    good, broken = made["leaf"].pem(), bad(made["root"].pem())
    data = broken + good if bad_first else good + broken
    bad_line = 1 if bad_first else line_count(good) + 1
    good_line = line_count(broken) + 1 if bad_first else 1
    certificates, problems = read(data)
    assert [(c.common_names, c.line, c.index) for c in certificates] == [
        (("mail.contoso.com",), good_line, 0)
    ]
    assert [(p.line, p.column, p.code) for p in problems] == [(bad_line, 1, "garbage")]
    assert problems[0].message.startswith(message)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file holds no certificate"),
        (b"\n  \r\n", "the file holds no certificate"),
        (b"\xef\xbb\xbf", "the file holds no certificate"),
        (b"this is not a certificate\n", "the file is neither PEM text nor a readable DER certificate"),
        (b"\x30\x82\x01\x00\x02\x01", "the file is neither PEM text nor a readable DER certificate"),
    ],
)
def test_files_without_a_certificate(data: bytes, message: str) -> None:
    certificates, problems = read(data)
    assert certificates == []
    assert [(p.line, p.column, p.code) for p in problems] == [(1, 1, "garbage")]
    assert problems[0].message.startswith(message)


def test_blocks_of_other_kinds_are_named_when_no_certificate_remains() -> None:
    key = ec.derive_private_key(7, ec.SECP256R1())
    csr = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mail.contoso.com")])
    )
    request = csr.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    certificates, problems = read(request + public)
    assert certificates == []
    assert [(p.line, p.code, p.message) for p in problems] == [
        (1, "garbage", "the file holds no certificate, only CERTIFICATE REQUEST, PUBLIC KEY blocks")
    ]


def test_an_end_line_of_another_kind_is_a_located_problem(made: dict[str, Generated]) -> None:
    wrong_end = made["root"].pem().replace(b"-----END CERTIFICATE-----", b"-----END X509 CRL-----")
    certificates, problems = read(made["leaf"].pem() + wrong_end)
    assert [c.index for c in certificates] == [0]
    assert [(p.line, p.code) for p in problems] == [(line_count(made["leaf"].pem()) + 1, "garbage")]
    assert "ends with END X509 CRL" in problems[0].message


def test_trusted_certificate_label_is_a_located_problem(made: dict[str, Generated]) -> None:
    trusted = made["root"].pem().replace(b" CERTIFICATE-----", b" TRUSTED CERTIFICATE-----")
    certificates, problems = read(made["leaf"].pem() + trusted)
    assert [c.index for c in certificates] == [0]
    assert [(p.line, p.code) for p in problems] == [(line_count(made["leaf"].pem()) + 1, "garbage")]
    assert "TRUSTED CERTIFICATE" in problems[0].message


def test_a_certificate_with_an_unsupported_key_is_a_problem(made: dict[str, Generated]) -> None:
    issuer = made["root"]
    agreement_key = x25519.X25519PrivateKey.from_private_bytes(bytes(range(32))).public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "x25519.contoso.com")]))
        .issuer_name(issuer.certificate.subject)
        .public_key(agreement_key)
        .serial_number(1)
        .not_valid_before(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
        .sign(issuer.key, hashes.SHA256(), ecdsa_deterministic=True)
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    certificates, problems = read(made["leaf"].pem() + pem)
    assert len(certificates) == 1
    assert [(p.line, p.code) for p in problems] == [(line_count(made["leaf"].pem()) + 1, "garbage")]
    assert "X25519" in problems[0].message


# --- private keys --------------------------------------------------------------------------

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=1024)
EC_KEY = ec.derive_private_key(12345, ec.SECP256R1())
ED_KEY = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(32))
PKCS8 = serialization.PrivateFormat.PKCS8
TRADITIONAL = serialization.PrivateFormat.TraditionalOpenSSL
OPENSSH = serialization.PrivateFormat.OpenSSH

KEYS = [
    pytest.param(key_pem(RSA_KEY, TRADITIONAL), "RSA PRIVATE KEY", id="rsa"),
    pytest.param(key_pem(EC_KEY, TRADITIONAL), "EC PRIVATE KEY", id="ec"),
    pytest.param(key_pem(RSA_KEY, PKCS8), "PRIVATE KEY", id="pkcs8"),
    pytest.param(key_pem(EC_KEY, PKCS8, b"secret"), "ENCRYPTED PRIVATE KEY", id="encrypted"),
    pytest.param(key_pem(ED_KEY, OPENSSH), "OPENSSH PRIVATE KEY", id="openssh"),
]


def assert_not_leaked(pem: bytes, message: str) -> None:
    for line in (line for line in body_lines(pem) if len(line) >= 12):
        assert line[:12] not in message
        assert line[-12:] not in message


@pytest.mark.parametrize(("pem", "label"), KEYS)
def test_a_private_key_block_is_located_and_never_echoed(
    made: dict[str, Generated], pem: bytes, label: str
) -> None:
    leaf = made["leaf"].pem()
    certificates, problems = read(leaf + b"\n" + pem)
    assert [c.index for c in certificates] == [0]
    key_line = line_count(leaf) + 2
    assert [(p.line, p.column, p.code) for p in problems] == [(key_line, 1, "private-key")]
    message = problems[0].message
    assert f"({label})" in message
    assert f"line {key_line}" in message
    assert "rotate the key" in message
    assert "only the public certificate" in message
    assert_not_leaked(pem, message)


def test_rsa_key_in_a_pem_with_its_own_certificate() -> None:
    generated = build({"server": {"subject": "CN=mail.contoso.com", "key": "rsa1024"}})["server"]
    pem = key_pem(generated.key, TRADITIONAL)
    certificates, problems = read(pem + generated.pem(), "mail.contoso.com.pem")
    assert [c.line for c in certificates] == [line_count(pem) + 1]
    assert [(p.line, p.code) for p in problems] == [(1, "private-key")]
    assert_not_leaked(pem, problems[0].message)


def test_a_truncated_private_key_is_still_a_private_key() -> None:
    pem = key_pem(EC_KEY, TRADITIONAL)
    cut = b"".join(pem.splitlines(keepends=True)[:-1])
    certificates, problems = read(cut)
    assert certificates == []
    assert [(p.line, p.code) for p in problems] == [(1, "private-key")]
    assert_not_leaked(pem, problems[0].message)


def test_a_key_marker_inside_a_line_is_still_found(made: dict[str, Generated]) -> None:
    pem = key_pem(EC_KEY, TRADITIONAL)
    inline = b"key=" + pem
    certificates, problems = read(made["leaf"].pem() + inline)
    key_line = line_count(made["leaf"].pem()) + 1
    assert [c.index for c in certificates] == [0]
    assert [(p.line, p.code) for p in problems] == [(key_line, "private-key")]
    assert "(EC PRIVATE KEY)" in problems[0].message
    assert_not_leaked(pem, problems[0].message)


@pytest.mark.parametrize("password", [None, b"secret"])
def test_a_der_private_key_is_recognised(password: bytes | None) -> None:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    )
    der = EC_KEY.private_bytes(serialization.Encoding.DER, PKCS8, encryption)
    certificates, problems = read(der, "server.der")
    assert certificates == []
    assert [(p.line, p.code) for p in problems] == [(1, "private-key")]
    assert der.hex()[:16].upper() not in problems[0].message.upper()


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("kind: ExchangeCertificate\nName: x\n", []),
        ('{"a": 1,\n "key": "' + key_pem(ED_KEY, PKCS8).decode().replace("\n", "\\n") + '"}', [2]),
        ("\ufeff" + key_pem(ED_KEY, PKCS8).decode(), [1]),
        ("a: 1\r\nkey: |\r\n  " + key_pem(EC_KEY, TRADITIONAL).decode().replace("\n", "\n  "), [3]),
        (
            key_pem(RSA_KEY, PKCS8).decode() + "\n" + key_pem(EC_KEY, PKCS8, b"pw").decode(),
            [1, line_count(key_pem(RSA_KEY, PKCS8)) + 2],
        ),
    ],
    # the RSA key and the encryption salt are random: ids must not show them, or each pytest-xdist
    # worker would collect different tests
    ids=["no-key", "json-string", "bom", "yaml-block-crlf", "two-keys"],
)
def test_private_key_blocks_in_any_text(text: str, lines: list[int]) -> None:
    found = private_key_blocks(text)
    assert found == lines


def test_suffixes() -> None:
    assert ".pfx" in PRIVATE_KEY_SUFFIXES and ".key" in PRIVATE_KEY_SUFFIXES
    assert set(CERTIFICATE_SUFFIXES) == {".cer", ".crt", ".pem", ".der"}
    assert not set(PRIVATE_KEY_SUFFIXES) & set(CERTIFICATE_SUFFIXES)


# --- fields --------------------------------------------------------------------------------


def fields(made: dict[str, Generated], name: str) -> Certificate:
    [cert] = read(made[name].pem())[0]
    return cert


@pytest.mark.parametrize(
    ("name", "common_names", "dns_names"),
    [
        ("leaf", ("mail.contoso.com",), ("mail.contoso.com", "Autodiscover.Contoso.com")),
        ("wildcard", ("*.contoso.com",), ("*.contoso.com", "contoso.com")),
        ("root", ("Contoso Root CA",), ()),
    ],
)
def test_names(
    made: dict[str, Generated], name: str, common_names: tuple[str, ...], dns_names: tuple[str, ...]
) -> None:
    cert = fields(made, name)
    assert (cert.common_names, cert.dns_names) == (common_names, dns_names)


@pytest.mark.parametrize(
    ("name", "self_signed", "is_ca"),
    [
        ("root", True, True),
        ("ed-root", True, True),
        ("selfsigned", True, False),
        ("intermediate", False, True),
        ("leaf", False, False),
        ("impostor", False, False),
        ("ec-sha1", True, False),
        ("sha1-impostor", False, False),
    ],
)
def test_self_signed_needs_the_signature_too(
    made: dict[str, Generated], name: str, self_signed: bool, is_ca: bool
) -> None:
    cert = fields(made, name)
    assert (cert.self_signed, cert.is_ca) == (self_signed, is_ca)


def test_the_impostor_repeats_its_issuers_name(made: dict[str, Generated]) -> None:
    cert = fields(made, "impostor")
    assert cert.subject == cert.issuer == fields(made, "root").subject


@pytest.mark.parametrize(
    ("name", "key_type", "key_size", "signature_hash"),
    [
        ("leaf", "RSA", 2048, "sha256"),
        ("selfsigned", "RSA", 1024, "sha1"),
        ("root", "EC", 256, "sha256"),
        ("impostor", "Ed25519", None, "sha256"),
        ("ed-root", "Ed25519", None, None),
        ("ec-sha1", "EC", 256, "sha1"),
    ],
)
def test_key_and_signature(
    made: dict[str, Generated], name: str, key_type: str, key_size: int | None, signature_hash: str | None
) -> None:
    cert = fields(made, name)
    assert (cert.key_type, cert.key_size, cert.signature_hash) == (key_type, key_size, signature_hash)


@pytest.mark.parametrize("name", ["leaf", "root", "selfsigned"])
def test_thumbprint_is_sha1_of_the_der(made: dict[str, Generated], name: str) -> None:
    expected = made[name].certificate.fingerprint(hashes.SHA1()).hex().upper()
    assert fields(made, name).thumbprint == expected
    assert len(expected) == 40


@pytest.mark.parametrize(("name", "serial"), [("high-serial", "008A01"), ("low-serial", "05")])
def test_serial_number_as_windows_shows_it(made: dict[str, Generated], name: str, serial: str) -> None:
    assert fields(made, name).serial_number == serial


def test_dates_are_aware_utc(made: dict[str, Generated]) -> None:
    cert = fields(made, "leaf")
    assert cert.not_before == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert cert.not_after == dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    assert cert.not_before.utcoffset() == dt.timedelta(0)


def test_issuer_and_subject_renderings(made: dict[str, Generated]) -> None:
    cert = fields(made, "leaf")
    assert cert.subject == "CN=mail.contoso.com, O=Contoso, C=US"
    assert cert.issuer == "CN=Contoso Issuing CA, O=Contoso, C=US"
    assert cert.subject_rfc4514 == "CN=mail.contoso.com,O=Contoso,C=US"
    assert cert.issuer_rfc4514 == "CN=Contoso Issuing CA,O=Contoso,C=US"


def test_windows_rendering_with_state_email_and_a_quoted_comma(made: dict[str, Generated]) -> None:
    written_last_first = [
        (NameOID.EMAIL_ADDRESS, "admin@fabrikam.com"),
        (NameOID.COUNTRY_NAME, "US"),
        (NameOID.STATE_OR_PROVINCE_NAME, "Washington"),
        (NameOID.ORGANIZATION_NAME, "Fabrikam"),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, "Messaging, Transport"),
        (NameOID.COMMON_NAME, "mail.fabrikam.com"),
    ]
    name = x509.Name([x509.NameAttribute(oid, value) for oid, value in written_last_first])
    issuer = made["root"]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.certificate.subject)
        .public_key(issuer.key.public_key())
        .serial_number(2)
        .not_valid_before(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
        .sign(issuer.key, hashes.SHA256(), ecdsa_deterministic=True)
    )
    [cert] = read(certificate.public_bytes(serialization.Encoding.PEM))[0]
    rdns = ["CN=mail.fabrikam.com", 'OU="Messaging, Transport"', "O=Fabrikam", "S=Washington", "C=US"]
    expected = ", ".join([*rdns, "E=admin@fabrikam.com"])
    assert cert.subject == expected
    assert cert.subject_rfc4514 == name.rfc4514_string()
    assert cert.common_names == ("mail.fabrikam.com",)


# --- hostile input -------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_give_problems_not_exceptions(data: bytes) -> None:
    certificates, problems = read(data)
    assert certificates or problems
    assert all(p.line >= 1 and p.column >= 1 for p in problems)


@settings(max_examples=200, deadline=None)
@given(
    label=st.sampled_from(["CERTIFICATE", "X509 CERTIFICATE", "PKCS7", "TRUSTED CERTIFICATE"]),
    body=st.binary(max_size=400),
    prefix=st.integers(min_value=0, max_value=3),
)
def test_any_block_body_gives_problems_not_exceptions(label: str, body: bytes, prefix: int) -> None:
    import base64

    text = b"x\n" * prefix + f"-----BEGIN {label}-----\n".encode()
    text += base64.encodebytes(body) + f"-----END {label}-----\n".encode()
    certificates, problems = read(text)
    assert len(certificates) + len(problems) >= 1
    assert all(p.line == prefix + 1 for p in problems)
