"""Reading certificate files: PEM (one or more blocks, PKCS#7 too), DER, and what must not be there.

A certificate file in a repository is read the way ``openssl`` would read it, but nothing in it
may stop the lint: every block that cannot be read becomes a located ``CertProblem``, and a private
key is reported by position only, never echoed, since the report may end up in a public CI log.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from linter.domain.dn import windows_dn
from linter.model import Certificate
from linter.values import dataclass

if TYPE_CHECKING:
    from cryptography import x509

PRIVATE_KEY_SUFFIXES = (".pfx", ".p12", ".key")
CERTIFICATE_SUFFIXES = (".cer", ".crt", ".pem", ".der")

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BEGIN = re.compile(r"^[\s\ufeff]*-----BEGIN ([^-]*)-----\s*$")
_END = re.compile(r"^\s*-----END ([^-]*)-----\s*$")
_KEY_MARKER = re.compile(r"-----BEGIN ([^-\r\n]*PRIVATE KEY)-----")
_CERTIFICATE_LABELS = frozenset({"CERTIFICATE", "X509 CERTIFICATE"})
_PKCS7_LABELS = frozenset({"PKCS7", "PKCS #7 SIGNED DATA", "CMS"})

T = TypeVar("T")

_KEY_ADVICE = (
    "delete it, rewrite it out of the git history, rotate the key (anyone who cloned the "
    "repository has it) and commit only the public certificate"
)


def _guarded(call: Callable[[], T], fallback: Callable[[BaseException], T]) -> T:
    """``call()``, or ``fallback(exc)`` when cryptography fails on what it was given.

    cryptography parses certificates in Rust, and a panic there reaches Python as pyo3's
    PanicException, which derives from BaseException, not Exception, so ``except Exception``
    lets it through. A damaged certificate in someone's repository must become a finding, never a
    traceback, so every call into cryptography on repository bytes goes through here: it catches
    everything but an interrupt or an exit.
    """
    try:
        return call()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # PanicException: see above
        return fallback(exc)


@dataclass(frozen=True)
class CertProblem:
    """Why (part of) a certificate file could not be used, and where."""

    line: int
    column: int
    code: str  # "garbage" or "private-key"
    message: str


@dataclass(frozen=True)
class _Block:
    """One PEM block: its label, its 1-based BEGIN and END lines, and its text."""

    label: str
    line: int
    end_line: int
    text: str


_Parsed = tuple[list[Certificate], list[CertProblem]]


def read_certificate_file(path: str, data: bytes) -> tuple[list[Certificate], list[CertProblem]]:
    """Every certificate in a file and every problem found on the way; it never raises.

    ``path`` is stored in each certificate as given (the repo-relative path) so findings can
    point back at the file.
    """
    data = _without_bom(data)
    if b"-----BEGIN" in data:
        certificates, problems, skipped = _read_pem(path, _text_lines(data))
    else:
        certificates, problems = _read_der(path, data)
        skipped = []
    if not certificates and not problems:
        problems.append(_no_certificate(skipped))
    return certificates, problems


def private_key_blocks(text: str) -> list[int]:
    """The 1-based lines where a PEM private key block begins, in any text file.

    The loader runs this over YAML and JSON too: a key pasted into a definition leaks as surely as
    a ``.key`` file, so the marker counts anywhere in a line (a JSON string holds it after a quote,
    with ``\\n`` escapes instead of line breaks).
    """
    lines = _LINE_BREAK.split(text)
    return [number for number, line in enumerate(lines, start=1) if _KEY_MARKER.search(line)]


def _without_bom(data: bytes) -> bytes:
    """UTF-8 without its BOM; Windows PowerShell 5 ``Out-File`` writes UTF-16, so that is converted."""
    if data.startswith(_UTF8_BOM):
        return data[len(_UTF8_BOM) :]
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", errors="replace").encode()
    return data


def _text_lines(data: bytes) -> list[str]:
    """Lines as an editor numbers them; undecodable bytes outside the blocks do not matter."""
    return _LINE_BREAK.split(data.decode("utf-8", errors="replace"))


def _is_private_key(label: str) -> bool:
    """RSA, EC, DSA, ENCRYPTED, OPENSSH, PGP and plain PKCS#8 keys all carry these words."""
    return "PRIVATE KEY" in label


def _blocks(lines: list[str]) -> tuple[list[_Block], list[CertProblem]]:
    """Split the text into complete PEM blocks; a BEGIN without its END is a problem."""
    blocks: list[_Block] = []
    problems: list[CertProblem] = []
    open_label: str | None = None
    start = 0
    for number, line in enumerate(lines, start=1):
        begin = _BEGIN.match(line)
        if begin:
            if open_label is not None:
                problems.append(_unterminated(open_label, start))
            open_label, start = begin.group(1).strip(), number
            continue
        end = _END.match(line)
        if end and open_label is not None:
            text = "".join(f"{row.strip()}\n" for row in lines[start - 1 : number])
            if end.group(1).strip() == open_label:
                blocks.append(_Block(open_label, start, number, text))
            else:
                problems.append(_mismatched(open_label, end.group(1).strip(), start))
            open_label = None
    if open_label is not None:
        problems.append(_unterminated(open_label, start))
    return blocks, problems


def _read_pem(path: str, lines: list[str]) -> tuple[list[Certificate], list[CertProblem], list[str]]:
    """Read each block by its label; returns the labels of blocks that hold no certificate."""
    blocks, problems = _blocks(lines)
    problems.extend(_stray_keys(lines))
    certificates: list[Certificate] = []
    skipped: list[str] = []
    for block in blocks:
        if _is_private_key(block.label):
            problems.append(_private_key(block.label, block.line))
        elif block.label in _CERTIFICATE_LABELS or block.label in _PKCS7_LABELS:
            found, problem = _read_block(path, block, len(certificates))
            certificates.extend(found)
            if problem is not None:
                problems.append(problem)
        elif block.label == "TRUSTED CERTIFICATE":
            problems.append(_trusted_certificate(block.line))
        else:
            skipped.append(block.label)
    problems.sort(key=lambda p: (p.line, p.column))
    return certificates, problems, skipped


def _stray_keys(lines: list[str]) -> list[CertProblem]:
    """Key markers that do not stand on a line of their own: missing a key costs more than noise."""
    stray: list[CertProblem] = []
    for number, line in enumerate(lines, start=1):
        marker = None if _BEGIN.match(line) else _KEY_MARKER.search(line)
        if marker:
            stray.append(_private_key(marker.group(1).strip(), number))
    return stray


def _read_block(path: str, block: _Block, index: int) -> tuple[list[Certificate], CertProblem | None]:
    """The certificates of one block, or the problem that stopped it (and none of its certs)."""

    def read() -> tuple[list[Certificate], CertProblem | None]:
        key = (block.label, block.text)
        facts = _BLOCK_FACTS.get(key)
        if facts is None:
            facts = [_facts(cert) for cert in _load_pem_block(block)]
            _remember(key, facts)
        if not facts:
            return [], _problem(block.line, "garbage", "the PKCS#7 block holds no certificate")
        return [
            Certificate(path, index + offset, block.line, block.end_line, *fields)
            for offset, fields in enumerate(facts)
        ], None

    return _guarded(read, lambda exc: ([], _unreadable(block.label, block.line, exc)))


def load_library() -> None:
    """Import the parts of cryptography that reading certificates uses, now rather than at the
    first certificate (a process about to fork workers that will all read certificates)."""
    from cryptography import exceptions, x509  # noqa: F401
    from cryptography.hazmat.primitives import hashes, serialization  # noqa: F401
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa  # noqa: F401


def _load_pem_block(block: _Block) -> list[x509.Certificate]:
    from cryptography import x509

    data = block.text.encode("ascii")
    if block.label in _PKCS7_LABELS:
        from cryptography.hazmat.primitives.serialization import pkcs7  # with email: only for bundles

        data = data.replace(f" {block.label}-----".encode(), b" PKCS7-----")
        return pkcs7.load_pem_pkcs7_certificates(data)
    return [x509.load_pem_x509_certificate(data)]


def _read_der(path: str, data: bytes) -> _Parsed:
    """A file without PEM markers: a DER certificate, a DER PKCS#7 bundle, or a DER key."""
    if not data.strip():
        return [], []

    def read() -> _Parsed:
        facts = _BLOCK_FACTS.get(("DER", data))
        if facts is None:
            facts = [_facts(cert) for cert in _load_der(data)]
            _remember(("DER", data), facts)
        return [Certificate(path, index, 1, 1, *fields) for index, fields in enumerate(facts)], []

    def not_a_certificate(exc: BaseException) -> _Parsed:
        if _is_der_private_key(data):
            return [], [_private_key("DER", 1)]
        return [], [_unreadable("DER", 1, exc)]

    return _guarded(read, not_a_certificate)


def _load_der(data: bytes) -> list[x509.Certificate]:
    from cryptography import x509

    try:
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        from cryptography.hazmat.primitives.serialization import pkcs7

        return pkcs7.load_der_pkcs7_certificates(data)


def _is_der_private_key(data: bytes) -> bool:
    """A key is recognised even when encrypted: loading it then asks for a password."""
    from cryptography.hazmat.primitives.serialization import load_der_private_key

    def loads() -> bool:
        try:
            load_der_private_key(data, password=None)
        except TypeError:  # encrypted: it wants a password
            return True
        return True

    return _guarded(loads, lambda _: False)


_Facts = tuple[Any, ...]
"""The fields of a ``Certificate`` after its place (path, index, line, end line), in order."""

_BLOCK_FACTS: dict[tuple[str, str | bytes], list[_Facts]] = {}
"""(PEM label, block text) or ("DER", file bytes) -> the facts of the certificates it holds. A
repository of many tenants copies the same issuing CA into each tenant's folder: it is read and
its signature verified once. Only what read without an exception is kept."""
_MAX_REMEMBERED = 4096


def _remember(key: tuple[str, str | bytes], facts: list[_Facts]) -> None:
    if len(_BLOCK_FACTS) >= _MAX_REMEMBERED:  # a long-lived process (the language server)
        _BLOCK_FACTS.clear()
    _BLOCK_FACTS[key] = facts


def _facts(cert: x509.Certificate) -> _Facts:
    """The linter's view of one certificate, without its place; raises when a field cannot be read."""
    key_type, key_size = _key_facts(cert)
    subject, issuer = cert.subject, cert.issuer
    return (
        windows_dn(subject),
        windows_dn(issuer),
        subject.rfc4514_string(),
        issuer.rfc4514_string(),
        _common_names(subject),
        _dns_names(cert),
        cert.not_valid_before_utc,
        cert.not_valid_after_utc,
        key_type,
        key_size,
        _signature_hash(cert),
        _self_signed(cert),
        _is_ca(cert),
        _thumbprint(cert),
        _serial_hex(cert.serial_number),
        _der(cert),
    )


def _common_names(name: x509.Name) -> tuple[str, ...]:
    from cryptography.x509.oid import NameOID

    attributes = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return tuple(a.value for a in attributes if isinstance(a.value, str))


def _dns_names(cert: x509.Certificate) -> tuple[str, ...]:
    from cryptography import x509

    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return ()
    return tuple(san.value.get_values_for_type(x509.DNSName))


class UnsupportedKey(ValueError):
    """The certificate parses but holds a key no mail server certificate uses."""


def _key_facts(cert: x509.Certificate) -> tuple[str, int | None]:
    """Key type and size as Get-ExchangeCertificate's PublicKeySize means it (bits)."""
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA", key.key_size
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "EC", key.curve.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", None
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", None
    if isinstance(key, dsa.DSAPublicKey):
        return "DSA", key.key_size
    kind = type(key).__name__.removesuffix("PublicKey")
    raise UnsupportedKey(f"its public key type ({kind}) is not one a TLS certificate for Exchange can have")


def _signature_hash(cert: x509.Certificate) -> str | None:
    algorithm = cert.signature_hash_algorithm
    return algorithm.name if algorithm is not None else None


def _self_signed(cert: x509.Certificate) -> bool:
    """Equal names are not enough: a CA may issue a leaf that repeats its own name."""
    from cryptography.exceptions import InvalidSignature

    if cert.issuer != cert.subject:
        return False

    def verifies() -> bool:
        try:
            cert.verify_directly_issued_by(cert)
        except InvalidSignature:
            return False
        return True

    return _guarded(verifies, lambda _: _signed_by_own_key(cert))


def _signed_by_own_key(cert: x509.Certificate) -> bool:
    """The signature check verify_directly_issued_by refuses for SHA-1, done with the key itself.

    Old self-signed Exchange certificates are SHA-1; they must still count as self-signed.
    """
    return _signed_with(cert, cert)


def signed_by(der: bytes, issuer_der: bytes) -> bool | None:
    """Whether the certificate ``der`` was signed with the key of the certificate ``issuer_der``;
    None when either cannot be read. Names are not compared here, and SHA-1 signatures are
    verified too (``verify_directly_issued_by`` refuses them), since chains of old certificates
    must be judged as well."""
    from cryptography import x509

    if not der or not issuer_der:
        return None

    def check() -> bool | None:
        cert = x509.load_der_x509_certificate(der)
        issuer = _ISSUERS.get(issuer_der)
        if issuer is None:
            issuer = x509.load_der_x509_certificate(issuer_der)
            if len(_ISSUERS) >= _MAX_ISSUERS:
                _ISSUERS.clear()
            _ISSUERS[issuer_der] = issuer
        return _signed_with(cert, issuer)

    return _guarded(check, lambda _: None)


_ISSUERS: dict[bytes, x509.Certificate] = {}
"""DER -> the issuer as cryptography loaded it, which keeps its parsed public key: one CA signs
the certificates of many scopes, and its key was parsed again for each."""
_MAX_ISSUERS = 256


def _der(cert: x509.Certificate) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return cert.public_bytes(serialization.Encoding.DER)


def _signed_with(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Whether the issuer's key verifies the certificate's signature (a bad one raises inside)."""
    return _guarded(lambda: _verify(cert, issuer), lambda _: False)


def _verify(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa

    key, signature, tbs = issuer.public_key(), cert.signature, cert.tbs_certificate_bytes
    algorithm, parameters = cert.signature_hash_algorithm, cert.signature_algorithm_parameters
    if isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        key.verify(signature, tbs)
    elif algorithm is None:
        return False
    elif isinstance(key, rsa.RSAPublicKey):
        scheme = parameters if isinstance(parameters, padding.PSS) else padding.PKCS1v15()
        key.verify(signature, tbs, scheme, algorithm)
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(signature, tbs, ec.ECDSA(algorithm))
    elif isinstance(key, dsa.DSAPublicKey):
        key.verify(signature, tbs, algorithm)
    else:
        return False
    return True


def _is_ca(cert: x509.Certificate) -> bool:
    from cryptography import x509

    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    except x509.ExtensionNotFound:
        return False
    return constraints.value.ca


def _thumbprint(cert: x509.Certificate) -> str:
    from cryptography.hazmat.primitives import hashes

    return cert.fingerprint(hashes.SHA1()).hex().upper()


def _serial_hex(serial: int) -> str:
    """The serial as Windows shows it: the DER integer's bytes, so a high first bit gets ``00``.

    ``Get-ExchangeCertificate`` and ``certutil`` print the encoded bytes, not the number: serial
    0x8A01 appears as ``008A01``. Compare serials with leading zeros stripped.
    """
    magnitude = serial if serial >= 0 else ~serial
    length = magnitude.bit_length() // 8 + 1
    return serial.to_bytes(length, "big", signed=True).hex().upper()


def _problem(line: int, code: str, message: str) -> CertProblem:
    return CertProblem(line=line, column=1, code=code, message=message)


def _private_key(label: str, line: int) -> CertProblem:
    what = "a DER private key" if label == "DER" else f"a PEM private key block ({label})"
    return _problem(line, "private-key", f"the file holds {what} at line {line}; {_KEY_ADVICE}")


def _unterminated(label: str, line: int) -> CertProblem:
    if _is_private_key(label):
        return _private_key(label, line)
    return _problem(line, "garbage", f"the {label} block has no END line; the file is truncated")


def _mismatched(label: str, end_label: str, line: int) -> CertProblem:
    if _is_private_key(label) or _is_private_key(end_label):
        return _private_key(label if _is_private_key(label) else end_label, line)
    message = f"the {label} block ends with END {end_label}; the file is damaged"
    return _problem(line, "garbage", message)


def _unreadable(label: str, line: int, exc: BaseException) -> CertProblem:
    """Say what is damaged in the user's terms; the library's own text names its internals."""
    if isinstance(exc, UnsupportedKey):
        return _problem(line, "garbage", f"the {label} block is a certificate exolint cannot use: {exc}")
    if label == "DER":
        message = "the file is neither PEM text nor a readable DER certificate"
    else:
        message = f"the {label} block is not a readable certificate (its base64 or DER content is damaged)"
    return _problem(line, "garbage", f"{message}; export the certificate again and commit it in its place")


def _trusted_certificate(line: int) -> CertProblem:
    message = (
        "the TRUSTED CERTIFICATE block carries OpenSSL trust settings and cannot be read; "
        "convert it with `openssl x509 -in FILE -out FILE` to a plain CERTIFICATE block"
    )
    return _problem(line, "garbage", message)


def _no_certificate(skipped: list[str]) -> CertProblem:
    if skipped:
        labels = ", ".join(dict.fromkeys(skipped))
        return _problem(1, "garbage", f"the file holds no certificate, only {labels} blocks")
    return _problem(1, "garbage", "the file holds no certificate")
