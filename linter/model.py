"""The data that flows through exolint: documents, objects, certificates, rules, findings.

Everything here is a frozen value. Positions are 1-based (``locate.py`` is the one place that
converts from the parser's 0-based marks).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import field
from enum import StrEnum
from functools import cached_property
from typing import Any, NamedTuple

from linter.values import dataclass

Pointer = tuple[str | int, ...]
"""A path into a parsed document or an object: mapping keys and list indexes."""

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}


def shown(value: Any) -> Any:
    """A value as the definition file writes it: true/false, not Python's True/False."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def pointer_text(pointer: Pointer) -> str:
    """Render a pointer as an RFC 6901 JSON pointer (``/SenderIPAddresses/1``)."""
    parts = (str(p).replace("~", "~0").replace("/", "~1") for p in pointer)
    return "".join("/" + p for p in parts)


@dataclass(frozen=True, order=True)
class Span:
    """A 1-based region of a file: start line and column, end line and column (exclusive)."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Position:
    """Where one node of a document stands: its key (for mapping values) and its value."""

    key: Span | None
    value: Span

    @property
    def span(self) -> Span:
        """From the key (when there is one) to the end of the value."""
        start = self.key or self.value
        return Span(start.line, start.column, self.value.end_line, self.value.end_column)


@dataclass(frozen=True)
class Document:
    """One parsed definition file: its plain data and the position of every node."""

    path: str  # repo-relative, '/' separators
    data: tuple[Any, ...]  # one entry per YAML document (JSON: one)
    positions: dict[Pointer, tuple[int, int, int, int, int, int]]
    """(document index, *path) -> 0-based marks: key line and column (-1 when the node is not a
    mapping value), value line and column, end line and column. ``locate.py`` reads them."""


@dataclass(frozen=True)
class Location:
    """A place in a file that a finding names besides its own, with what happens there."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str = ""

    @classmethod
    def at(cls, path: str, span: Span, message: str = "") -> Location:
        return cls(path, span.line, span.column, span.end_line, span.end_column, message)


@dataclass(frozen=True)
class Object:
    """One definition (a mapping with a ``kind``) with canonical property names.

    ``props`` holds the values under the names the kind's schema spells (the cmdlet parameter
    names); ``raw_keys`` maps each canonical name back to the key as written, so a pointer in
    canonical terms can be located in the document.
    """

    kind: str
    props: dict[str, Any]
    document: Document
    base: Pointer  # pointer of the mapping inside the document: (doc index, [list index])
    raw_keys: dict[str, str]
    scope: str  # the scope directory, repo-relative ('' for the lint root)
    defaults: dict[str, Any] = field(default_factory=dict)
    certificate: Certificate | None = None  # for kind "Certificate": the certificate it describes

    @property
    def path(self) -> str:
        return self.document.path

    @cached_property
    def identity(self) -> str:
        """Asked for every rule an object meets; its props are never changed once it is made."""
        return identity_of(self.kind, self.props)

    def get(self, name: str, default: Any = None) -> Any:
        """The value as written, or ``default``."""
        return self.props.get(name, default)

    def effective(self, name: str) -> Any:
        """The value as written, or the documented default when it is absent."""
        if name in self.props:
            return self.props[name]
        return self.defaults.get(name)

    def has(self, name: str) -> bool:
        """True when the property is set to something other than null or an empty list."""
        value = self.props.get(name)
        if isinstance(value, str):
            return bool(value.strip())
        return value is not None and value != []

    def raw_pointer(self, pointer: Pointer) -> Pointer:
        """Translate a canonical pointer into the document's own keys."""
        if pointer and isinstance(pointer[0], str):
            pointer = (self.raw_keys.get(pointer[0], pointer[0]), *pointer[1:])
        return (*self.base, *pointer)

    def ref(self, pointer: Pointer = (), message: str = "") -> Ref:
        return Ref(self, pointer, message)


UNNAMED = "(unnamed)"


def identity_of(kind: str, props: dict[str, Any]) -> str:
    """How Exchange names an object of this kind (the value ``-Identity`` takes)."""
    if kind == "AcceptedDomain":
        value = props.get("DomainName") or props.get("Name")
    elif kind in ("ExchangeCertificate", "Certificate"):
        value = props.get("Thumbprint") or props.get("Name")
    elif kind == "ReceiveConnector" and props.get("Server") and props.get("Name"):
        value = f"{props['Server']}\\{props['Name']}"
    else:
        value = props.get("Name")
    return str(value) if value not in (None, "") else UNNAMED


@dataclass(frozen=True)
class Certificate:
    """One X.509 certificate found in a certificate file of the scope."""

    path: str  # repo-relative file
    index: int  # position in the file (0 for the first certificate)
    line: int  # 1-based line of its BEGIN marker (1 for DER)
    end_line: int
    subject: str  # as Windows and Get-ExchangeCertificate render it: "CN=mail.contoso.com, O=Contoso, C=US"
    issuer: str
    subject_rfc4514: str
    issuer_rfc4514: str
    common_names: tuple[str, ...]  # subject CN values
    dns_names: tuple[str, ...]  # SAN dNSName entries, as written in the certificate
    not_before: dt.datetime  # timezone-aware UTC
    not_after: dt.datetime
    key_type: str  # "RSA", "EC", "Ed25519", "Ed448", "DSA"
    key_size: int | None
    signature_hash: str | None  # "sha256", "sha1", ... or None (Ed25519)
    self_signed: bool  # issuer equals subject and the signature verifies with its own key
    is_ca: bool  # basicConstraints CA=true
    thumbprint: str  # SHA-1 of the DER, upper-case hex, as Get-ExchangeCertificate shows it
    serial_number: str  # upper-case hex
    der: bytes = field(default=b"", repr=False, compare=False)  # the encoded certificate, for signatures

    @property
    def names(self) -> tuple[str, ...]:
        """Every DNS name the certificate answers to: SAN entries first, then CN."""
        seen = dict.fromkeys(n.lower().rstrip(".") for n in (*self.dns_names, *self.common_names))
        return tuple(seen)

    @property
    def location(self) -> Location:
        return Location(self.path, self.line, 1, self.end_line, 1)

    @property
    def label(self) -> str:
        """Short human text for messages: subject plus SAN names."""
        san = ", ".join(self.dns_names)
        return f"{self.subject} (SAN {san})" if san else self.subject


@dataclass(frozen=True)
class Problem:
    """Something wrong in a file or a definition before any rule runs (it cannot be read, parsed,
    or made an object of its kind); the engine turns it into a finding of ``rule_id``."""

    rule_id: str
    path: str
    span: Span
    message: str
    obj: Object | None = None  # the definition it is about, once there is one
    pointer: Pointer = ()  # the property inside ``obj``
    about: tuple[str, ...] = ()  # properties whose value it leaves unknown (Scope.unsure)
    related: tuple[Location, ...] = ()  # other places it names (the first of two definitions)


@dataclass(frozen=True)
class Ref:
    """A place inside an object (a canonical pointer), or a certificate, that a finding names."""

    target: Object | Certificate
    pointer: Pointer = ()
    message: str = ""


@dataclass(frozen=True)
class Hit:
    """What a check yields: where in the object, what is wrong, and what else is involved."""

    pointer: Pointer
    message: str
    values: dict[str, Any] = field(default_factory=dict)  # for the rule's message and fix templates
    related: tuple[Ref, ...] = ()
    at_most: str | None = None
    """A severity this hit never exceeds (a problem that carries no mail: "info"). Such a hit
    keeps its own message, since the rule's template describes the problem at full severity."""


@dataclass(frozen=True)
class Rule:
    """One rule as its file defines it, with its primitive's params compiled (``prepared``)."""

    id: str
    name: str
    severity: str
    summary: str
    description: str
    why: str
    remediation: str
    ndr: tuple[str, ...]
    references: tuple[dict[str, str], ...]
    kind: str | None  # the object kind the rule applies to; None for file-level rules
    where: dict[str, Any]
    check: str | None  # the primitive's name; None for findings the pipeline itself reports
    params: dict[str, Any]
    message: str | None
    fix: str | None
    examples: dict[str, tuple[dict[str, Any], ...]]
    path: str  # the rule file
    prepared: Any = None  # the primitive's compiled params
    repair: dict[str, str] | None = None  # the repository repair `exolint fix` makes: templates


@dataclass(frozen=True)
class Repair:
    """An edit of the definition file that repairs a finding: ``exolint fix`` makes it.

    ``pointer`` is in the document's own keys, from the YAML document index (as
    ``Object.raw_pointer`` gives it); ``current`` is what ``check`` read there, so an edit is
    refused when the file no longer holds it."""

    pointer: Pointer
    current: Any  # the value as written; for a rename, the key as written
    value: Any  # the value to write; for a rename, the key to write instead
    rename: bool = False
    line: int | None = None  # 1-based line of the key as check read it; None when it is not written
    note: str = ""  # said beside the edit: what it changes beyond the finding (a widened acceptance)


@dataclass(frozen=True, order=True)
class Finding:
    """One problem a rule reports, where it is and what to do; sorts by path, line, column and rule."""

    path: str
    line: int
    column: int
    rule_id: str
    end_line: int
    end_column: int
    rule_name: str = field(compare=False)
    severity: str = field(compare=False)
    message: str = field(compare=False)
    kind: str | None = field(compare=False, default=None)
    identity: str | None = field(compare=False, default=None)
    pointer: str | None = field(compare=False, default=None)  # JSON pointer into the object
    ndr: tuple[str, ...] = field(compare=False, default=())
    related: tuple[Location, ...] = field(compare=False, default=())
    fix: str | None = field(compare=False, default=None)
    fingerprint: str = field(compare=False, default="")
    scope: str = field(compare=False, default="")
    object_line: int | None = field(compare=False, default=None)  # first line of the object, if any
    repair: Repair | None = field(compare=False, default=None)  # the file edit `exolint fix` makes

    @property
    def paths(self) -> tuple[str, ...]:
        """Every file the finding involves: its own and its related locations'."""
        return (self.path, *(r.path for r in self.related))


@dataclass(frozen=True)
class SuppressionComment:
    """One ``# exolint: disable=ID[,ID] reason="..." until=YYYY-MM-DD`` comment, as written.

    The loader reads these from the text; ``linter/report/suppress.py`` decides what they suppress."""

    line: int  # 1-based line of the comment
    column: int  # 1-based column of ``exolint:``
    end_column: int  # end of the comment text (exclusive)
    own_line: bool  # nothing but white space before the ``#``
    text: str  # from ``exolint:`` to the end of the line
    ids: tuple[str, ...] = ()  # upper-case rule ids
    blanket: bool = False  # ``disable`` without ids, or ``disable=all``
    reason: str | None = None
    until: dt.date | None = None
    problem: str | None = None  # what is wrong with the comment's syntax, if anything


class SuppressedBy(StrEnum):
    """Where the suppression of a finding is written."""

    INLINE = "inline"  # a comment in the definition file
    CONFIGURATION = "configuration"  # an entry of the configuration file


@dataclass(frozen=True)
class Suppressed:
    """A finding left out of the report, and the suppression that left it out."""

    finding: Finding
    reason: str
    until: dt.date | None
    kind: SuppressedBy
    path: str  # where the suppression is written: the definition file or the configuration file
    line: int


@dataclass(frozen=True)
class Report:
    """What one lint gives: the findings and what was looked at. Each stage after the engine
    (suppressions, baseline) returns a new Report (``dataclasses.replace``), never edits one."""

    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    objects: int = 0
    certificates: int = 0
    scopes: int = 0
    rules: list[Rule] = field(default_factory=list)
    checked: list[Checked] = field(default_factory=list)  # every (rule, object) evaluated, for JUnit
    known: int = 0  # findings left out because a baseline or the --diff-base commit has them
    comments: dict[str, tuple[SuppressionComment, ...]] = field(default_factory=dict)  # by file
    suppressed: list[Suppressed] = field(default_factory=list)  # left out by linter/report/suppress.py
    pictures: dict[str, str] = field(default_factory=dict)  # scope -> Mermaid flowchart (markdown report)


class Checked(NamedTuple):
    """One rule evaluated on one object: a test case that passed unless a finding says otherwise.
    A tuple: a run makes one per rule and object, and a cached run loads them all again."""

    rule_id: str
    kind: str
    identity: str
    path: str
