"""X.500 distinguished names as Windows/Exchange and RFC 4514 write them.

An on-premises connector's TlsCertificateName is ``<I>issuer<S>subject`` copied from
Get-ExchangeCertificate, which prints names the CryptoAPI way (``CertNameToStr``: ``, ``
between RDNs, ``S=`` and ``E=`` labels, double-quoted values). Certificate files read with
``cryptography`` give RFC 4514 strings (``ST=``, dotted OIDs, backslash escapes). The two
must compare equal when they name the same thing, and unequal when any attribute differs,
because a renewal under a new issuing CA silently breaks the connector.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from linter.values import dataclass

if TYPE_CHECKING:
    from cryptography import x509

__all__ = [
    "DN",
    "RDN",
    "DNError",
    "dn_equal",
    "format_tls_certificate_name",
    "parse_dn",
    "parse_tls_certificate_name",
    "windows_dn",
]

RDN = tuple[tuple[str, str], ...]
DN = tuple[RDN, ...]


class DNError(ValueError):
    """A distinguished name or ``<I>..<S>..`` value that cannot be read; the text is the reason."""


_NAME_BY_OID = {
    "2.5.4.3": "CN",
    "2.5.4.4": "SN",
    "2.5.4.5": "SERIALNUMBER",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.9": "STREET",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "2.5.4.12": "T",
    "2.5.4.17": "POSTALCODE",
    "2.5.4.42": "G",
    "0.9.2342.19200300.100.1.1": "UID",
    "0.9.2342.19200300.100.1.25": "DC",
    "1.2.840.113549.1.9.1": "E",
}

_NAME_BY_ALIAS = {
    **{name: name for name in _NAME_BY_OID.values()},
    "COMMONNAME": "CN",
    "SURNAME": "SN",
    "COUNTRYNAME": "C",
    "LOCALITYNAME": "L",
    "S": "ST",
    "STATEORPROVINCENAME": "ST",
    "STREETADDRESS": "STREET",
    "ORGANIZATIONNAME": "O",
    "ORGANIZATIONALUNITNAME": "OU",
    "TITLE": "T",
    "G": "G",
    "GN": "G",
    "GIVENNAME": "G",
    "USERID": "UID",
    "DOMAINCOMPONENT": "DC",
    "EMAIL": "E",
    "EMAILADDRESS": "E",
}

_WINDOWS_LABEL_BY_OID = {
    oid: "S" if name == "ST" else name
    for oid, name in _NAME_BY_OID.items()
    if name not in {"UID", "POSTALCODE"}
}

_OID = re.compile(r"(?:oid\.)?([0-9]+(?:\.[0-9]+)+)", re.IGNORECASE)
_KEYWORD = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_HEX_VALUE = re.compile(r"#(?:[0-9A-Fa-f]{2})+")
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_ESCAPABLE = frozenset('"+,;<>\\ #=')
_RDN_SEPARATORS = frozenset(",;")
_SEPARATORS = _RDN_SEPARATORS | {"+"}
_WINDOWS_QUOTE_TRIGGERS = frozenset(',+="<>;\n')
_TLS_TAGS = ("<I>", "<S>")


@lru_cache(maxsize=8192)
def parse_dn(text: str) -> DN:
    """Read a DN in Windows or RFC 4514 form into comparable RDNs, most specific first.

    Each RDN is a sorted tuple of (canonical attribute, normalised value) pairs, so the order
    inside a multi-valued RDN does not matter while the order of RDNs does.
    """
    if not text.strip():
        raise DNError("is empty")
    return _DNReader(text).read()


def read_dn(text: str) -> DN:
    """Read a DN like ``parse_dn`` but keep each value as written (unquoted and unescaped, not
    case folded): what a certificate built from the text should carry."""
    if not text.strip():
        raise DNError("is empty")
    return _DNReader(text, keep_case=True).read()


def dn_equal(a: str, b: str) -> bool:
    """Whether two DN strings name the same thing; a malformed one equals nothing."""
    try:
        return parse_dn(a) == parse_dn(b)
    except DNError:
        return False


def parse_tls_certificate_name(text: str) -> tuple[str, str]:
    """Split ``<I>issuer<S>subject`` into (issuer, subject), tags matched case-insensitively.

    Tags inside a quoted or backslash-escaped value are part of the value, not tags, so an
    issuer with ``"<S>"`` in a value is not cut in two.
    """
    stripped = _strip(text)
    if not stripped:
        raise DNError("is empty")
    tags = _tag_positions(stripped)
    for tag in _TLS_TAGS:
        found = [position for position, name in tags if name == tag]
        if not found:
            raise DNError(f"has no {tag} tag")
        if len(found) > 1:
            raise DNError(f"has more than one {tag} tag")
    (first, first_tag), (second, _) = tags
    if first_tag != "<I>":
        raise DNError("has <S> before <I>; write <I>issuer<S>subject")
    if stripped[:first].strip():
        raise DNError("has text before <I>")
    issuer = _strip(stripped[first + len("<I>") : second])
    subject = _strip(stripped[second + len("<S>") :])
    if not issuer:
        raise DNError("has an empty issuer")
    if not subject:
        raise DNError("has an empty subject")
    return issuer, subject


def _strip(text: str) -> str:
    """Surrounding white space, except a space escaped by the backslash before it (``CN=\\ ``)."""
    stripped = text.strip()
    backslashes = len(stripped) - len(stripped.rstrip("\\"))
    if backslashes % 2 and text.rstrip() != text:
        stripped += " "
    return stripped


def format_tls_certificate_name(issuer: str, subject: str) -> str:
    """The TlsCertificateName value Exchange expects for a certificate."""
    return f"<I>{issuer}<S>{subject}"


def windows_dn(name: x509.Name) -> str:
    """Render a name the way Windows and Get-ExchangeCertificate show it.

    Windows prints the most specific RDN first and quotes a value, doubling inner quotes,
    when it is empty, has leading or trailing spaces, starts with ``#`` or holds one of
    ``, + = " < > ;`` or a newline (CertNameToStr). A backslash stays unquoted, as on
    Windows. Only attributes of ``name`` are read, so ``cryptography`` need not be imported.
    """
    return ", ".join(
        " + ".join(
            f"{_windows_label(attribute.oid.dotted_string)}={_windows_value(attribute.value)}"
            for attribute in rdn
        )
        for rdn in reversed(name.rdns)
    )


def _windows_label(dotted: str) -> str:
    return _WINDOWS_LABEL_BY_OID.get(dotted, f"OID.{dotted}")


def _windows_value(value: str | bytes) -> str:
    """A value as CertNameToStr writes it; bytes become ``#`` and hex, as in RFC 4514."""
    if isinstance(value, bytes):
        return "#" + value.hex()
    needs_quotes = (
        not value or value[0] in " #" or value[-1] == " " or not _WINDOWS_QUOTE_TRIGGERS.isdisjoint(value)
    )
    if needs_quotes:
        return '"' + value.replace('"', '""') + '"'
    return value


def _tag_positions(text: str) -> list[tuple[int, str]]:
    """Where ``<I>`` and ``<S>`` tags stand outside quoted values and escapes, in order."""
    positions: list[tuple[int, str]] = []
    quoted = False
    index = 0
    while index < len(text):
        char = text[index]
        if char == '"':
            quoted = not quoted
        elif char == "\\" and not quoted:
            index += 1
        elif char == "<" and not quoted and text[index : index + 3].upper() in _TLS_TAGS:
            positions.append((index, text[index : index + 3].upper()))
            index += 2
        index += 1
    return positions


def _canonical_attribute(name: str) -> str:
    """The canonical upper-case short name of an attribute type, or ``OID.<dotted>``."""
    oid = _OID.fullmatch(name)
    if oid:
        dotted = oid.group(1)
        return _NAME_BY_OID.get(dotted, f"OID.{dotted}")
    if not _KEYWORD.fullmatch(name):
        raise DNError(f"attribute name {name!r} is not valid")
    upper = name.upper()
    return _NAME_BY_ALIAS.get(upper, upper)


def _normalize_value(value: str) -> str:
    """caseIgnoreMatch preparation (RFC 4517/4518): case fold, NFKC, insignificant spaces."""
    return " ".join(unicodedata.normalize("NFKC", value.casefold()).split())


@dataclass
class _DNReader:
    """A one-pass reader for both renderings: Windows quoting and RFC 4514 escapes."""

    text: str
    index: int = 0
    keep_case: bool = False

    def _value(self, raw: str) -> str:
        return raw.strip() if self.keep_case else _normalize_value(raw)

    def read(self) -> DN:
        rdns: list[RDN] = []
        pairs: list[tuple[str, str]] = []
        after_plus = False
        while True:
            pairs.append(self._attribute_and_value(after_plus))
            separator = self._separator()
            after_plus = separator == "+"
            if after_plus:
                continue
            rdns.append(tuple(sorted(pairs)))
            pairs = []
            if not separator:
                return tuple(rdns)

    def _peek(self) -> str:
        return self.text[self.index : self.index + 1]

    def _skip_spaces(self) -> None:
        """Only the space is insignificant around values (RFC 4514); a control character that
        looks like white space to Python is part of the value."""
        while self._peek() == " ":
            self.index += 1

    def _attribute_and_value(self, after_plus: bool) -> tuple[str, str]:
        start = self.index
        while self._peek() and self._peek() not in _SEPARATORS and self._peek() != "=":
            self.index += 1
        chunk = self.text[start : self.index].strip()
        if self._peek() != "=":
            if chunk:
                raise DNError(f"{chunk!r} has no '='")
            raise DNError("has an empty attribute after '+'" if after_plus else "has an empty RDN")
        if not chunk:
            raise DNError("has an empty attribute name")
        attribute = _canonical_attribute(chunk)
        self.index += 1
        self._skip_spaces()
        if self._peek() == '"':
            return attribute, self._value(self._quoted_value())
        if self._peek() == "#":
            return attribute, self._hex_value()
        return attribute, self._value(self._plain_value())

    def _separator(self) -> str:
        self._skip_spaces()
        separator = self._peek()
        self.index += len(separator)
        return separator

    def _quoted_value(self) -> str:
        """A Windows quoted value: ``""`` is a literal quote and a backslash is plain text."""
        self.index += 1
        chars: list[str] = []
        while True:
            char = self._peek()
            if not char:
                raise DNError("has an unterminated quote")
            self.index += 1
            if char != '"':
                chars.append(char)
            elif self._peek() == '"':
                chars.append(char)
                self.index += 1
            else:
                break
        self._skip_spaces()
        if self._peek() and self._peek() not in _SEPARATORS:
            raise DNError(f"has text after a quoted value: {self.text[self.index :]!r}")
        return "".join(chars)

    def _hex_value(self) -> str:
        """An RFC 4514 ``#`` value: the BER encoding in hex, kept as lower-case text."""
        start = self.index
        while self._peek() and self._peek() not in _SEPARATORS:
            self.index += 1
        value = self.text[start : self.index].strip()
        if not _HEX_VALUE.fullmatch(value):
            raise DNError(f"has a '#' value that is not pairs of hex digits: {value!r}")
        return value.lower()

    def _plain_value(self) -> str:
        """An unquoted value with RFC 4514 escapes; runs of ``\\XX`` decode as UTF-8."""
        parts: list[str] = []
        octets = bytearray()
        while self._peek() and self._peek() not in _SEPARATORS:
            char = self._peek()
            if char != "\\":
                parts.append(_decoded(octets) + char)
                self.index += 1
                continue
            pair = self.text[self.index + 1 : self.index + 3]
            if len(pair) == 2 and _HEX_DIGITS.issuperset(pair):
                octets.append(int(pair, 16))
                self.index += 3
            elif pair[:1] and pair[0] in _ESCAPABLE:
                parts.append(_decoded(octets) + pair[0])
                self.index += 2
            elif pair:
                raise DNError(f"has a bad escape '\\{pair[0]}'")
            else:
                raise DNError("has a bad escape: a backslash ends the value")
        parts.append(_decoded(octets))
        return "".join(parts)


def _decoded(octets: bytearray) -> str:
    """Empty ``octets`` into text; escaped bytes must form UTF-8, as RFC 4514 requires."""
    try:
        text = octets.decode("utf-8")
    except UnicodeDecodeError:
        raise DNError(f"has escaped bytes that are not UTF-8: {octets.hex()}") from None
    octets.clear()
    return text
