"""Real certificates from a small spec, the same bytes on every run.

Rule examples and test fixtures describe certificates as data (subject, SAN names, issuer, dates,
key) instead of committing opaque PEM files nobody can review. Keys are derived from the spec's
name, never from the system's randomness, and every signature scheme used is deterministic
(PKCS#1 v1.5, RFC 6979 ECDSA, Ed25519), so regenerated files do not churn in git.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from linter.commands.test_rules.keys import KEY_TYPES, private_key
from linter.domain.dn import read_dn
from linter.values import dataclass

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    from linter.commands.test_rules.keys import PrivateKey

SPEC_KEYS = frozenset(
    {
        "subject",
        "san",
        "issuer",
        "ca",
        "not_before",
        "not_after",
        "key",
        "hash",
        "serial",
        "eku",
        "private_key",
        "seed",
    }
)
HASHES = ("sha1", "sha256", "sha384")
EKU_NAMES = (
    "serverAuth",
    "clientAuth",
    "codeSigning",
    "emailProtection",
    "timeStamping",
    "OCSPSigning",
    "anyExtendedKeyUsage",
)

_DEFAULT_NOT_BEFORE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
_DEFAULT_NOT_AFTER = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
_DOTTED_OID = re.compile(r"^[0-2](\.(0|[1-9][0-9]*))+$")


@dataclass(frozen=True)
class Generated:
    """One built certificate with its private key, ready to be written by the caller."""

    name: str
    certificate: x509.Certificate
    key: PrivateKey
    include_key: bool  # the spec's ``private_key``: the key belongs in the certificate's file

    def pem(self) -> bytes:
        """The certificate as PEM, followed by the key when the spec asked for ``private_key``.

        A spec says ``private_key: true`` to model the mistake of committing a key beside its
        certificate, so the file a caller writes from ``pem()`` must carry it.
        """
        from cryptography.hazmat.primitives import serialization

        text = self.certificate.public_bytes(serialization.Encoding.PEM)
        return text + self.key_pem() if self.include_key else text

    def der(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return self.certificate.public_bytes(serialization.Encoding.DER)

    def key_pem(self) -> bytes:
        """The private key as unencrypted PKCS#8 PEM (``BEGIN PRIVATE KEY``)."""
        from cryptography.hazmat.primitives import serialization

        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


@dataclass(frozen=True)
class _Spec:
    """A validated spec with every default filled in."""

    name: str
    subject: x509.Name
    san: tuple[str, ...]
    issuer: str | None
    ca: bool
    not_before: dt.datetime
    not_after: dt.datetime
    key: str
    hash: str | None
    serial: int
    eku: tuple[str, ...]
    private_key: bool
    seed: str


def build(specs: Mapping[str, Mapping[str, Any]]) -> dict[str, Generated]:
    """Build every certificate of a set; issuers are built before what they sign.

    Raises ValueError naming the spec and the field for anything it cannot honour.
    """
    parsed = {name: _parse_spec(name, spec) for name, spec in specs.items()}
    built: dict[str, Generated] = {}
    for name in _issuers_first(parsed):
        spec = parsed[name]
        issuer = built[spec.issuer] if spec.issuer is not None else None
        built[name] = _generate(spec, issuer)
    return {name: built[name] for name in specs}


def _issuers_first(specs: dict[str, _Spec]) -> list[str]:
    """Topological order of the issuer relation, with unknown issuers and cycles named."""
    for spec in specs.values():
        if spec.issuer is not None and spec.issuer not in specs:
            raise ValueError(f"certificate spec {spec.name!r}: unknown issuer {spec.issuer!r}")
    order: list[str] = []
    done: set[str] = set()
    for name in specs:
        chain: list[str] = []
        current: str | None = name
        while current is not None and current not in done:
            if current in chain:
                cycle = " -> ".join([*chain[chain.index(current) :], current])
                raise ValueError(f"certificate specs issue each other in a cycle: {cycle}")
            chain.append(current)
            current = specs[current].issuer
        for link in reversed(chain):
            order.append(link)
            done.add(link)
    return order


def _parse_spec(name: str, spec: Mapping[str, Any]) -> _Spec:
    if not isinstance(spec, Mapping):
        raise ValueError(f"certificate spec {name!r}: expected a mapping, got {type(spec).__name__}")
    unknown = sorted(str(key) for key in spec if key not in SPEC_KEYS)
    if unknown:
        allowed = ", ".join(sorted(SPEC_KEYS))
        raise ValueError(
            f"certificate spec {name!r}: unknown field {', '.join(unknown)} (allowed: {allowed})"
        )
    if "subject" not in spec:
        raise ValueError(f"certificate spec {name!r}: subject is required")
    get = functools.partial(_field, name, spec)
    ca = get("ca", bool, False)
    hash_name = get("hash", str, None)
    not_before = _when(name, "not_before", spec.get("not_before", _DEFAULT_NOT_BEFORE))
    not_after = _when(name, "not_after", spec.get("not_after", _DEFAULT_NOT_AFTER))
    if not_before >= not_after:
        span = (
            f"not_before {not_before:%Y-%m-%d %H:%M:%S} is not before not_after {not_after:%Y-%m-%d %H:%M:%S}"
        )
        raise ValueError(f"certificate spec {name!r}: {span}")
    return _Spec(
        name=name,
        subject=_subject(name, get("subject", str, "")),
        san=_strings(name, "san", spec.get("san", [])),
        issuer=get("issuer", str, None),
        ca=ca,
        not_before=not_before,
        not_after=not_after,
        key=_choice(name, "key", get("key", str, "rsa2048"), KEY_TYPES),
        hash=None if hash_name is None else _choice(name, "hash", hash_name, HASHES),
        serial=_serial(name, spec.get("serial")),
        eku=_eku(name, spec.get("eku", [] if ca else ["serverAuth"])),
        private_key=get("private_key", bool, False),
        seed=_seed(name, spec.get("seed", "")),
    )


def _field(name: str, spec: Mapping[str, Any], key: str, kind: type, default: Any) -> Any:
    value = spec.get(key, default)
    if value is not default and not isinstance(value, kind):
        raise ValueError(f"certificate spec {name!r}: {key} must be a {kind.__name__}, got {value!r}")
    return value


def _choice(name: str, key: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"certificate spec {name!r}: {key} {value!r} is not one of {', '.join(allowed)}")
    return value


def _strings(name: str, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"certificate spec {name!r}: {key} must be a list of strings, got {value!r}")
    return tuple(value)


def _subject(name: str, text: str) -> x509.Name:
    """Parse a Windows or RFC 4514 subject, written most specific first, into an x509.Name.

    The values land in the certificate as written, case included, as a CA would issue them.
    """
    from cryptography import x509

    try:
        rdns = read_dn(text)
        written = [
            x509.RelativeDistinguishedName(_attribute(attr, value) for attr, value in rdn) for rdn in rdns
        ]
    except ValueError as exc:
        raise ValueError(f"certificate spec {name!r}: subject {text!r}: {exc}") from exc
    return x509.Name(list(reversed(written)))


def _attribute(attr: str, value: str) -> x509.NameAttribute[str]:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    oids = {
        "CN": NameOID.COMMON_NAME,
        "OU": NameOID.ORGANIZATIONAL_UNIT_NAME,
        "O": NameOID.ORGANIZATION_NAME,
        "L": NameOID.LOCALITY_NAME,
        "ST": NameOID.STATE_OR_PROVINCE_NAME,
        "C": NameOID.COUNTRY_NAME,
        "E": NameOID.EMAIL_ADDRESS,
        "STREET": NameOID.STREET_ADDRESS,
        "DC": NameOID.DOMAIN_COMPONENT,
        "SERIALNUMBER": NameOID.SERIAL_NUMBER,
    }
    if attr not in oids:
        raise ValueError(f"attribute {attr} is not one of {', '.join(oids)}")
    if value.startswith("#"):
        raise ValueError(f"the hex-encoded value of {attr} cannot be generated; write it as text")
    return x509.NameAttribute(oids[attr], value)


def _when(name: str, key: str, value: Any) -> dt.datetime:
    """Dates as YAML gives them (date, datetime or ISO text); naive times are UTC."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"certificate spec {name!r}: {key} {value!r} is not an ISO date") from exc
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    raise ValueError(f"certificate spec {name!r}: {key} must be a date, got {value!r}")


def _serial(name: str, value: Any) -> int:
    """A fixed serial, or one derived from the spec's name: unique in a set, stable in git."""
    if value is None:
        digest = hashlib.sha256(f"exolint-serial:{name}".encode()).digest()
        return int.from_bytes(digest[:16], "big") >> 1 or 1
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**159:
        raise ValueError(f"certificate spec {name!r}: serial must be a positive integer below 2**159")
    return value


def _eku(name: str, value: Any) -> tuple[str, ...]:
    usages = _strings(name, "eku", value)
    for usage in usages:
        if usage not in EKU_NAMES and not _DOTTED_OID.match(usage):
            allowed = ", ".join(EKU_NAMES)
            raise ValueError(
                f"certificate spec {name!r}: eku {usage!r} is not one of {allowed} or a dotted OID"
            )
    return usages


def _seed(name: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"certificate spec {name!r}: seed must be a string or an integer")
    return f"{name}\x00{value}"


def _generate(spec: _Spec, issuer: Generated | None) -> Generated:
    from cryptography import x509

    key = private_key(spec.key, spec.seed)
    signer = issuer.key if issuer is not None else key
    issuer_name = issuer.certificate.subject if issuer is not None else spec.subject
    try:
        builder = (
            x509.CertificateBuilder()
            .subject_name(spec.subject)
            .issuer_name(issuer_name)
            .public_key(key.public_key())
            .serial_number(spec.serial)
            .not_valid_before(spec.not_before)
            .not_valid_after(spec.not_after)
        )
        for extension, critical in _extensions(spec, key, signer):
            builder = builder.add_extension(extension, critical=critical)
        certificate = _sign(builder, signer, spec)
    except ValueError as exc:
        raise ValueError(f"certificate spec {spec.name!r}: {exc}") from exc
    return Generated(spec.name, certificate, key, spec.private_key)


def _sign(builder: x509.CertificateBuilder, signer: PrivateKey, spec: _Spec) -> x509.Certificate:
    """Sign with a deterministic scheme; Ed25519 has its hash built in."""
    from cryptography.hazmat.primitives.asymmetric import ed25519

    if isinstance(signer, ed25519.Ed25519PrivateKey):
        if spec.hash is not None:
            raise ValueError(f"hash {spec.hash} cannot be chosen for an Ed25519 issuer key; drop it")
        return builder.sign(signer, None)
    if spec.hash == "sha1":
        return _resign_sha1(_sign_with(builder, signer, _hash("sha256")), signer)
    return _sign_with(builder, signer, _hash(spec.hash or "sha256"))


def _sign_with(
    builder: x509.CertificateBuilder,
    signer: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    algorithm: hashes.SHA256 | hashes.SHA384,
) -> x509.Certificate:
    from cryptography.hazmat.primitives.asymmetric import ec

    if isinstance(signer, ec.EllipticCurvePrivateKey):
        return builder.sign(signer, algorithm, ecdsa_deterministic=True)
    return builder.sign(signer, algorithm)


_SHA1_WITH_RSA = bytes.fromhex("300d06092a864886f70d0101050500")  # 1.2.840.113549.1.1.5, NULL
_ECDSA_WITH_SHA1 = bytes.fromhex("300906072a8648ce3d0401")  # 1.2.840.10045.4.1


def _resign_sha1(certificate: x509.Certificate, signer: PrivateKey) -> x509.Certificate:
    """The same certificate signed with SHA-1, which CertificateBuilder no longer offers.

    Legacy SHA-1 certificates still sit on on-premises servers, so rules about them need real
    ones to test against: the TBS part is kept, its signature algorithm swapped, and it is
    signed again with the primitive API, which still accepts SHA-1.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    version, serial, _, *rest = _der_elements(_der_content(certificate.tbs_certificate_bytes))
    if isinstance(signer, rsa.RSAPrivateKey):
        algorithm = _SHA1_WITH_RSA
        tbs = _der_sequence(version, serial, algorithm, *rest)
        signature = signer.sign(tbs, padding.PKCS1v15(), hashes.SHA1())
    elif isinstance(signer, ec.EllipticCurvePrivateKey):
        algorithm = _ECDSA_WITH_SHA1
        tbs = _der_sequence(version, serial, algorithm, *rest)
        signature = signer.sign(tbs, ec.ECDSA(hashes.SHA1(), deterministic_signing=True))
    else:
        raise ValueError(f"hash sha1 cannot be used with a {type(signer).__name__} issuer key")
    bit_string = b"\x03" + _der_length(len(signature) + 1) + b"\x00" + signature
    return x509.load_der_x509_certificate(_der_sequence(tbs, algorithm, bit_string))


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(octets)]) + octets


def _der_sequence(*elements: bytes) -> bytes:
    content = b"".join(elements)
    return b"\x30" + _der_length(len(content)) + content


def _der_header(data: bytes, offset: int) -> tuple[int, int]:
    """Where the content of the element at ``offset`` starts, and where the element ends."""
    first = data[offset + 1]
    if first < 0x80:
        return offset + 2, offset + 2 + first
    count = first & 0x7F
    length = int.from_bytes(data[offset + 2 : offset + 2 + count], "big")
    return offset + 2 + count, offset + 2 + count + length


def _der_content(data: bytes) -> bytes:
    start, end = _der_header(data, 0)
    return data[start:end]


def _der_elements(data: bytes) -> list[bytes]:
    elements = []
    offset = 0
    while offset < len(data):
        _, end = _der_header(data, offset)
        elements.append(data[offset:end])
        offset = end
    return elements


def _hash(name: str) -> hashes.SHA256 | hashes.SHA384:
    from cryptography.hazmat.primitives import hashes

    return hashes.SHA384() if name == "sha384" else hashes.SHA256()


def _extensions(spec: _Spec, key: PrivateKey, signer: PrivateKey) -> list[tuple[x509.ExtensionType, bool]]:
    """What a public CA puts in: constraints, usages, names, and the key identifiers chains use."""
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import rsa

    extensions: list[tuple[x509.ExtensionType, bool]] = []
    if spec.ca:
        extensions.append((x509.BasicConstraints(ca=True, path_length=None), True))
    extensions.append((_key_usage(spec.ca, isinstance(key, rsa.RSAPrivateKey)), True))
    if spec.eku:
        extensions.append((x509.ExtendedKeyUsage([_eku_oid(usage) for usage in spec.eku]), False))
    if spec.san:
        names = [x509.DNSName(name) for name in spec.san]
        extensions.append((x509.SubjectAlternativeName(names), False))
    extensions.append((x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False))
    authority = x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key())
    extensions.append((authority, False))
    return extensions


def _key_usage(ca: bool, rsa_key: bool) -> x509.KeyUsage:
    from cryptography import x509

    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=rsa_key and not ca,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _eku_oid(usage: str) -> x509.ObjectIdentifier:
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    oids = {
        "serverAuth": ExtendedKeyUsageOID.SERVER_AUTH,
        "clientAuth": ExtendedKeyUsageOID.CLIENT_AUTH,
        "codeSigning": ExtendedKeyUsageOID.CODE_SIGNING,
        "emailProtection": ExtendedKeyUsageOID.EMAIL_PROTECTION,
        "timeStamping": ExtendedKeyUsageOID.TIME_STAMPING,
        "OCSPSigning": ExtendedKeyUsageOID.OCSP_SIGNING,
        "anyExtendedKeyUsage": ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE,
    }
    return oids[usage] if usage in oids else x509.ObjectIdentifier(usage)
