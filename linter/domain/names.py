"""DNS-name maths for connector-side names and certificate names.

Two different wildcard languages meet here. On the connector side (TlsSenderCertificateName,
TlsDomain, SenderDomains, RecipientDomains, accepted DomainName) ``*.contoso.com`` means the
domain *and all its subdomains*, and no other ``*`` is valid. On the certificate side a SAN
``*.contoso.com`` stands for exactly one more label (RFC 6125 section 6.4.3). Keeping the two
apart is what lets a rule tell a documented match from a lucky one.

Every comparison works on normalised names, so case, a trailing dot and the Unicode or A-label
spelling of an IDN never decide a result. IDNs follow IDNA 2008 with the UTS 46 mapping (the
``idna`` package), as registries and mail servers do today: ``straße.de`` and ``strasse.de`` are
two domains, which the standard library's IDNA 2003 codec would merge.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

__all__ = [
    "Coverage",
    "base",
    "best_coverage",
    "cert_name_matches_host",
    "connector_covers",
    "connector_name_problem",
    "is_wildcard",
    "normalize",
    "pattern_covers",
    "safe_name",
    "shown",
]

MAX_LABEL_OCTETS = 63
MAX_NAME_OCTETS = 253

_WILDCARD_LABEL = "*"
_WILDCARD_PREFIX = "*."
_HOST_LABEL = re.compile(r"[a-z0-9-]+")
_DOTS = re.compile("[.\u3002\uff0e\uff61]")  # the full stops UTS 46 maps to "."
_A_LABEL_PREFIX = "xn--"
_BAD_WILDCARD = "a wildcard is allowed only as a leading '*.'"
_LONE_WILDCARD = "a lone '*' is not a domain"


class Coverage(enum.Enum):
    """How a connector-side name covers a certificate name.

    ``WILDCARD_CERTIFICATE`` exists because Microsoft documents no rule for an exact connector
    name met only by a certificate wildcard: a rule must warn about it, not pass it silently.
    """

    NONE = "none"
    EXACT = "exact"
    WILDCARD_CERTIFICATE = "wildcard-certificate"


_STRENGTH = {Coverage.NONE: 0, Coverage.WILDCARD_CERTIFICATE: 1, Coverage.EXACT: 2}


@lru_cache(maxsize=16384)
def normalize(name: str) -> str:
    """Return the canonical form of a DNS name or a leading-wildcard pattern.

    Canonical means lower case, no trailing dot and A-labels, so that case, the root dot and
    the Unicode or A-label spelling of an IDN never decide a comparison (DESIGN.md "Matching
    semantics"). Unicode labels are mapped with UTS 46 (non-transitional, so ``ß`` stays ``ß``)
    and converted under IDNA 2008; an A-label must decode to a valid U-label.

    Raises ``ValueError`` whose text is the reason alone, so callers can prefix the value.
    """
    labels = _split_labels(name)
    _check_wildcards(labels)
    converted = [label if label == _WILDCARD_LABEL else _a_label(label) for label in labels]
    for label in converted:
        _check_label(label)
    canonical = ".".join(converted)
    if len(canonical) > MAX_NAME_OCTETS:
        raise ValueError(f"is longer than {MAX_NAME_OCTETS} octets")
    return canonical


def connector_name_problem(value: str) -> str | None:
    """Say why ``value`` is not a valid connector-side name, or return None when it is.

    A lone ``*`` is rejected even though EXO accepts it in SenderDomains: where it is valid is
    a property-level decision that belongs to the caller.
    """
    try:
        normalize(value)
    except ValueError as exc:
        return str(exc)
    return None


def is_wildcard(name: str) -> bool:
    """Whether ``name`` is a leading-wildcard pattern; raises ``ValueError`` like ``normalize``."""
    return _is_wildcard(normalize(name))


def safe_name(common_names: Iterable[str], names: Sequence[str]) -> str:
    """The name a connector can give to match a certificate by a documented rule.

    That is the certificate's subject CN (else its first DNS name) in lower case, and for a
    wildcard CN the wildcard over its base (``*.contoso.com``), which a connector-side wildcard
    covers. A CN that is not a DNS name comes back as it is, for a name rule to take up.
    """
    name = next((n for n in common_names if n), names[0] if names else "").lower()
    try:
        return f"*.{base(name)}" if is_wildcard(name) else name
    except ValueError:
        return name


def base(name: str) -> str:
    """The normalised domain under a leading wildcard, or the normalised name itself.

    Raises ``ValueError`` like ``normalize``.
    """
    return _base(normalize(name))


def cert_name_matches_host(cert_name: str, host: str) -> bool:
    """Whether a certificate name matches a host name under RFC 6125 section 6.4.3.

    Only a whole left-most ``*`` label is honoured and it stands for exactly one label;
    partial-label wildcards are not honoured because RFC 6125 only permits them and Exchange
    documents nothing about them. A wildcard host is a set of names, not a host, so it never
    matches. Invalid names never match instead of raising, because a certificate may carry
    a CN that is no DNS name at all.
    """
    cert, concrete = _normalized_or_none(cert_name), _normalized_or_none(host)
    if cert is None or concrete is None or _is_wildcard(concrete):
        return False
    if not _is_wildcard(cert):
        return cert == concrete
    _, _, parent = concrete.partition(".")
    return parent == _base(cert)


def connector_covers(connector_name: str, cert_name: str) -> Coverage:
    """How a connector-side name covers one certificate name (DESIGN.md "Matching semantics").

    A connector ``*.d`` covers ``d``, every name under it and certificate wildcards ``*.d`` and
    ``*.sub.d``. An exact connector name is covered by an equal certificate name; a certificate
    wildcard that merely matches it is reported apart, since Microsoft does not document it.
    """
    connector, cert = _normalized_or_none(connector_name), _normalized_or_none(cert_name)
    if connector is None or cert is None:
        return Coverage.NONE
    if _is_wildcard(connector):
        return Coverage.EXACT if _within(_base(cert), _base(connector)) else Coverage.NONE
    if cert == connector:
        return Coverage.EXACT
    if cert_name_matches_host(cert, connector):
        return Coverage.WILDCARD_CERTIFICATE
    return Coverage.NONE


def best_coverage(connector_name: str, cert_names: Iterable[str]) -> tuple[Coverage, str | None]:
    """The strongest coverage over ``cert_names`` and the first name, as given, that yields it.

    The name is returned unnormalised so a message can quote the certificate as it reads.
    """
    best: tuple[Coverage, str | None] = (Coverage.NONE, None)
    for cert_name in cert_names:
        coverage = connector_covers(connector_name, cert_name)
        if coverage is Coverage.EXACT:
            return coverage, cert_name
        if _STRENGTH[coverage] > _STRENGTH[best[0]]:
            best = (coverage, cert_name)
    return best


def pattern_covers(outer: str, inner: str) -> bool:
    """Whether the connector-side pattern ``outer`` covers every name that ``inner`` denotes.

    Used for accepted domains: ``*.d`` denotes ``d`` and all its subdomains, an exact name only
    itself, so an exact ``outer`` can never cover a wildcard ``inner``.
    """
    wide, narrow = _normalized_or_none(outer), _normalized_or_none(inner)
    if wide is None or narrow is None:
        return False
    if not _is_wildcard(wide):
        return wide == narrow
    return _within(_base(narrow), _base(wide))


def covering_patterns(normalized: str) -> list[str]:
    """Every pattern that covers the normalised name or pattern: the name itself (for an exact
    name), and the wildcard over its domain and over each parent domain. Looked up in a set of
    patterns, this answers "does any of them cover it" without comparing with each one."""
    labels = _base(normalized).split(".")
    wider = [_WILDCARD_PREFIX + ".".join(labels[i:]) for i in range(len(labels))]
    return wider if _is_wildcard(normalized) else [normalized, *wider]


def shown(name: str) -> str:
    """A name for a message: as written, and when it is an IDN both its Unicode and its A-label
    (``xn--``) form, so a reader recognises the domain whichever spelling their tools show."""
    try:
        canonical = normalize(name)
    except ValueError:
        return name
    if _A_LABEL_PREFIX not in canonical:
        return name
    unicode = ".".join(_u_label(label) for label in canonical.split("."))
    return f"{unicode} ({canonical})"


def _u_label(label: str) -> str:
    if not label.startswith(_A_LABEL_PREFIX):
        return label
    import idna

    try:
        return str(idna.ulabel(label))
    except idna.IDNAError:
        return label


def _split_labels(name: str) -> list[str]:
    """Labels of a stripped name, splitting on every full stop UTS 46 maps to a dot."""
    text = name.strip()
    if _DOTS.fullmatch(text[-1:]):
        text = text[:-1]
    if not text:
        raise ValueError("is empty")
    labels = _DOTS.split(text)
    if "" in labels:
        raise ValueError("has an empty label")
    return labels


def _check_wildcards(labels: list[str]) -> None:
    if labels == [_WILDCARD_LABEL]:
        raise ValueError(_LONE_WILDCARD)
    if any(_WILDCARD_LABEL in label for label in labels[1:]) or (
        _WILDCARD_LABEL in labels[0] and labels[0] != _WILDCARD_LABEL
    ):
        raise ValueError(_BAD_WILDCARD)


def _a_label(label: str) -> str:
    """One label in A-label form under IDNA 2008 and UTS 46; other ASCII labels are only
    lower-cased. An ``xn--`` label must decode to a valid U-label."""
    if label.isascii() and not label.lower().startswith(_A_LABEL_PREFIX):
        return label.lower()
    import idna  # only names with IDNs pay for the import

    try:
        if label.isascii():
            lowered = label.lower()
            idna.ulabel(lowered)
            return lowered
        mapped = idna.uts46_remap(label, std3_rules=False, transitional=False)
        return str(idna.alabel(mapped), "ascii")
    except (idna.IDNAError, UnicodeError) as exc:
        raise ValueError(f"label {label!r} is not a valid IDNA 2008 label ({exc})") from None


def _check_label(label: str) -> None:
    if label == _WILDCARD_LABEL:
        return
    if len(label) > MAX_LABEL_OCTETS:
        raise ValueError(f"label {label!r} is longer than {MAX_LABEL_OCTETS} octets")
    if not _HOST_LABEL.fullmatch(label):
        bad = next(char for char in label if not _HOST_LABEL.fullmatch(char))
        raise ValueError(
            f"label {label!r} contains {bad!r}; a host name allows only letters, digits and hyphens"
        )
    if label.startswith("-") or label.endswith("-"):
        raise ValueError(f"label {label!r} starts or ends with a hyphen")


def _normalized_or_none(name: str) -> str | None:
    try:
        return normalize(name)
    except ValueError:
        return None


def _is_wildcard(normalized: str) -> bool:
    return normalized.startswith(_WILDCARD_PREFIX)


def _base(normalized: str) -> str:
    return normalized.removeprefix(_WILDCARD_PREFIX)


def _within(name: str, domain: str) -> bool:
    """Whether ``name`` is ``domain`` or below it, compared on label boundaries."""
    return name == domain or name.endswith("." + domain)
