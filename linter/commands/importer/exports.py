"""PowerShell exports -> definition properties: one record at a time, every loss reported.

A record is what one ``Get-*`` object (through ``ConvertTo-Json``) or one Microsoft365DSC resource
block holds: property names, values and the line each stands on. ``normalise`` keeps what the
kind's schema knows, in the spelling the schema uses, and turns Exchange's display forms into the
values a definition is written with (``smtp:*;1`` -> ``*``); what it cannot map it names, with the
line and what to do. Nothing here opens a file.
"""

from __future__ import annotations

import re
from dataclasses import field
from typing import Any

from linter.load.locate import position
from linter.load.parse import ParseError, parse_json
from linter.objects.definitions import KindSchema, kind_schema
from linter.values import dataclass

#: Properties whose display form is an address space, ``[Type:]domain[;cost]`` (exchange-facts
#: section 1: HCW's ``*`` shows as ``smtp:*;1``; section 4.1: ``SMTP:contoso.com;1`` == ``contoso.com``).
DOMAIN_LISTS = frozenset({"SenderDomains", "RecipientDomains"})
ADDRESS_SPACES = frozenset({"AddressSpaces"})
#: Values typed ADObjectId (a server or connector): ConvertTo-Json in a local shell writes an object
#: whose Name is what Exchange shows.
_AD_OBJECTS = frozenset({"Server", "SourceTransportServers", "LinkedReceiveConnector"})
#: Values typed SmtpDomainWithSubdomains: the object's Address is the shown text.
_DOMAINS = frozenset({"TlsDomain", "DomainName", "DefaultDomain"})
_ADDRESS = re.compile(r"^(?:(?P<type>[A-Za-z0-9]+):)?(?P<space>[^;:]*)(?:;(?P<cost>[0-9]+))?$")
_BYTES = re.compile(r"^(?P<size>[0-9.,]+ ?[KMGT]?B) \([0-9,.]+ bytes\)$")
#: Properties read from other names: Identity carries a receive connector's server and name and
#: an Exchange certificate's server.
IDENTITY = "Identity"


@dataclass(frozen=True)
class Note:
    """What the import says about a line of an exported file, ``path:line: message``: something
    that could not be mapped, or was skipped on purpose. Not a finding: no rule is involved, and
    the import prints it instead of linting it (linter.model.Problem is the finding-to-be)."""

    path: str
    line: int
    message: str
    refused: bool = False  # the whole export is unusable as written (numeric enums)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Record:
    path: str  # as the user named the file
    line: int
    label: str  # how messages name the record before its identity is known
    fields: list[tuple[str, Any, int]] = field(default_factory=list)  # key, value, line
    kind: str | None = None  # named by the source (Microsoft365DSC resource) or --kind
    renames: dict[str, str] = field(default_factory=dict)  # lower-case source key -> schema name
    silent: frozenset[str] = frozenset()  # lower-case keys left out without a mention

    def keys(self) -> set[str]:
        return {key.lower() for key, _, _ in self.fields}


@dataclass
class Imported:
    kind: str
    props: dict[str, Any]
    path: str
    line: int


@dataclass
class Outcome:
    objects: list[Imported] = field(default_factory=list)
    problems: list[Note] = field(default_factory=list)
    dropped: dict[str, set[str]] = field(default_factory=dict)  # path -> property names left out


# --- kind detection ---------------------------------------------------------------------------

#: Properties only one kind's Get-* output carries; a record names its kind by holding them.
SIGNATURES: dict[str, frozenset[str]] = {
    "InboundConnector": frozenset(
        {
            "senderdomains",
            "tlssendercertificatename",
            "senderipaddresses",
            "restrictdomainstocertificate",
            "restrictdomainstoipaddresses",
            "treatmessagesasinternal",
            "efskiplastip",
            "associatedaccepteddomains",
        }
    ),
    "OutboundConnector": frozenset(
        {
            "recipientdomains",
            "usemxrecord",
            "tlssettings",
            "allaccepteddomains",
            "routeallmessagesviaonpremises",
            "istransportrulescoped",
            "senderrewritingenabled",
            "smtpdanemode",
            "mtastsmode",
        }
    ),
    "AcceptedDomain": frozenset(
        {
            "domainname",
            "domaintype",
            "matchsubdomains",
            "iscoexistencedomain",
            "outboundonly",
            "sendingfromdomaindisabled",
            "sendingtodomaindisabled",
            "addressbookenabled",
        }
    ),
    "SendConnector": frozenset(
        {
            "addressspaces",
            "dnsroutingenabled",
            "sourcetransportservers",
            "ignorestarttls",
            "smarthostauthmechanism",
            "isscopedconnector",
            "forcehelo",
            "tlsauthlevel",
        }
    ),
    "ReceiveConnector": frozenset(
        {
            "bindings",
            "remoteipranges",
            "permissiongroups",
            "authmechanism",
            "transportrole",
            "tlsdomaincapabilities",
            "maxinboundconnection",
            "banner",
        }
    ),
    "ExchangeCertificate": frozenset(
        {
            "thumbprint",
            "certificatedomains",
            "notafter",
            "notbefore",
            "issuer",
            "hasprivatekey",
            "rootcatype",
            "isselfsigned",
        }
    ),
}


def detect_kind(keys: set[str]) -> tuple[str | None, str]:
    """The kind whose signature properties the record holds most of, or (None, why not)."""
    scores = sorted(((len(keys & sig), kind) for kind, sig in SIGNATURES.items()), reverse=True)
    (best, kind), (second, other) = scores[0], scores[1]
    if best == 0:
        return None, "holds none of the properties that tell the kinds apart"
    if best == second:
        return None, f"could be {kind} or {other}"
    return kind, ""


# --- values -----------------------------------------------------------------------------------


def _types(prop: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for option in [prop, *prop.get("anyOf", []), *prop.get("oneOf", [])]:
        kind = option.get("type")
        found.update(kind if isinstance(kind, list) else [kind] if kind else [])
    return found


def _simplified_address(value: str, keep_other: bool) -> tuple[str, bool]:
    """``smtp:contoso.com;1`` -> ``contoso.com``; (value, whether it is a form we understand)."""
    match = _ADDRESS.match(value.strip())
    if match is None:
        return value, keep_other
    kind, space, cost = match.group("type"), match.group("space"), match.group("cost")
    if (kind is None or kind.lower() == "smtp") and cost in (None, "1") and space:
        return space, True
    return value, keep_other


class _Unmapped(Exception):
    def __init__(self, message: str, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused


def _cast_hint(name: str) -> str:
    return f"`Select-Object *, @{{n='{name}';e={{[string]$_.{name}}}}} -ExcludeProperty {name}`"


def _object_text(name: str, value: dict[str, Any]) -> str:
    lowered = {str(k).lower(): v for k, v in value.items()}
    issuer, subject = lowered.get("certificateissuer"), lowered.get("certificatesubject")
    if name == "TlsCertificateName" and isinstance(issuer, str) and isinstance(subject, str):
        return f"<I>{issuer}<S>{subject}"
    if name in _AD_OBJECTS and isinstance(lowered.get("name"), str):
        return str(lowered["name"])
    if name in _DOMAINS and isinstance(lowered.get("address"), str):
        return str(lowered["address"])
    keys = ", ".join(sorted(str(k) for k in value)[:4])
    raise _Unmapped(
        f"is an object ({keys}, ...), not the text Exchange shows; left out: export it as text with "
        f"{_cast_hint(name)} before ConvertTo-Json"
    )


def _numeric_enum(ks: KindSchema, name: str, value: Any) -> _Unmapped:
    choices = ", ".join(dict.fromkeys(ks.enums[name].values()))
    return _Unmapped(
        f"is {value}, a number where Exchange writes a name ({choices}): ConvertTo-Json wrote the enum's "
        "number. Export again with `ConvertTo-Json -Depth 5 -EnumsAsStrings` (PowerShell 7), or in "
        f"Windows PowerShell cast it first with {_cast_hint(name)}",
        refused=True,
    )


def _scalar(ks: KindSchema, name: str, value: Any, types: set[str]) -> Any:
    if isinstance(value, dict):
        value = _object_text(name, value)
    if isinstance(value, list):
        raise _Unmapped(f"is a list of {len(value)} values, but takes one; left out: write the one you mean")
    if name in ks.enums:
        if isinstance(value, int) and not isinstance(value, bool) and not types & {"integer", "number"}:
            raise _numeric_enum(ks, name, value)
        if isinstance(value, str):
            prop = ks.schema["properties"][name]
            written = {
                v
                for option in [prop, prop.get("items", {}), *prop.get("anyOf", [])]
                for v in option.get("enum", [])
            }
            return value if value in written else ks.enums[name].get(value.lower(), value)
    if isinstance(value, bool):
        if "boolean" in types:
            return value
        raise _Unmapped(f"is {str(value).lower()}, but takes {' or '.join(sorted(types))}; left out")
    if "boolean" in types and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if isinstance(value, str):
        match = _BYTES.match(value)
        if match and "string" in types:
            return match.group("size")  # ByteQuantifiedSize as shown: "35 MB (36,700,160 bytes)"
        if "string" in types or not types:
            return value
        if "integer" in types and value.strip().isdigit():
            return int(value)
    if isinstance(value, (int, float)) and ("integer" in types or "number" in types):
        return int(value) if isinstance(value, float) and value.is_integer() else value
    if isinstance(value, (int, float)) and "string" in types:
        return str(value)
    raise _Unmapped(f"is {value!r}, which does not fit {' or '.join(sorted(types))}; left out")


def convert(ks: KindSchema, name: str, value: Any) -> Any:
    """The definition value of one property, or None when it is not set; raises _Unmapped."""
    prop = ks.schema["properties"][name]
    if name in ks.arrays:
        items_schema = prop.get("items", {})
        items = value if isinstance(value, list) else [value]
        flat: list[Any] = []
        for item in items:
            if item is None:
                continue
            if name in ks.enums and isinstance(item, str) and "," in item:
                flat.extend(part.strip() for part in item.split(",") if part.strip())  # a flags enum
            else:
                flat.append(item)
        result = [_scalar(ks, name, item, _types(items_schema) or {"string"}) for item in flat]
        result = [item for item in result if item not in (None, "")]
        if name in DOMAIN_LISTS or name in ADDRESS_SPACES:
            result = [_address(name, item) for item in result]
        return result or None
    if value is None or value == "":
        return None
    return _scalar(ks, name, value, _types(prop))


def _address(name: str, item: Any) -> Any:
    if not isinstance(item, str):
        return item
    simple, understood = _simplified_address(item, name in ADDRESS_SPACES)
    if not understood:
        raise _Unmapped(
            f"holds {item!r}, an address-space form exolint cannot reduce to a domain; left out: write "
            "the domain (contoso.com or *.contoso.com)"
        )
    return simple


# --- records ----------------------------------------------------------------------------------


def normalise(record: Record, outcome: Outcome, kind_override: str | None = None) -> None:
    """Map one record into ``outcome``: an object, or problems saying why not."""
    kind = kind_override or record.kind
    if kind is None:
        kind, why = detect_kind(record.keys())
        if kind is None:
            outcome.problems.append(
                Note(
                    record.path,
                    record.line,
                    f"{record.label} {why}; name its kind with --kind (InboundConnector, OutboundConnector, "
                    "AcceptedDomain, SendConnector, ReceiveConnector, ExchangeCertificate)",
                )
            )
            return
    ks = kind_schema(kind)
    props: dict[str, Any] = {}
    lines: dict[str, int] = {}
    identity_text: tuple[str, int] | None = None
    dropped = outcome.dropped.setdefault(record.path, set())
    for key, value, line in record.fields:
        lowered = key.lower()
        name = record.renames.get(lowered) or ks.names.get(lowered)
        if name is None or name == "kind":
            if lowered == IDENTITY.lower() and isinstance(value, str):
                identity_text = (value, line)
            if lowered not in record.silent:
                dropped.add(key)
            continue
        lines[name] = line
        try:
            converted = convert(ks, name, value)
        except _Unmapped as exc:
            outcome.problems.append(
                Note(record.path, line, f"{record.label}: {name} {exc}", refused=exc.refused)
            )
            continue
        if converted is not None and _reserved_unset(ks, name, converted):
            dropped.add(key)  # every Get-* shows it; a definition that sets it draws EX113
        elif converted is not None:
            props[name] = converted
    _from_identity(kind, props, identity_text)
    if ks.identity not in props or (kind == "ReceiveConnector" and "Server" not in props):
        missing = ks.identity if ks.identity not in props else "Server"
        how = (
            "an Identity of the form SERVER\\Name, or add Server to the export"
            if missing == "Server"
            else f"a {missing}"
        )
        outcome.problems.append(
            Note(
                record.path,
                record.line,
                f"{record.label} has no {missing}, so it cannot become a {kind} definition; skipped: "
                f"export it with {how}",
            )
        )
        return
    outcome.objects.append(Imported(kind, props, record.path, record.line))


_ZERO_GUID = "00000000-0000-0000-0000-000000000000"


def _reserved_unset(ks: KindSchema, name: str, value: Any) -> bool:
    """A property Microsoft reserves for internal use, at the neutral value Get-* shows."""
    description = str(ks.schema["properties"][name].get("description", ""))
    return description.startswith("Reserved by Microsoft") and value in (False, [], "", _ZERO_GUID)


def _from_identity(kind: str, props: dict[str, Any], identity: tuple[str, int] | None) -> None:
    """Identity ``SERVER\\Name`` gives a receive connector its Server (and an Exchange certificate,
    ``SERVER\\Thumbprint``, its server); the identity itself is read-only and not kept."""
    if identity is None or "\\" not in identity[0]:
        return
    server, _, rest = identity[0].partition("\\")
    if not server or not rest:
        return
    if kind == "ReceiveConnector":
        props.setdefault("Server", server)
        props.setdefault("Name", rest)
    elif kind == "ExchangeCertificate" and "Servers" not in props:
        props["Servers"] = [server.split(".")[0]]  # exolint names servers as TransportServer does


def merge_certificates(objects: list[Imported]) -> list[Imported]:
    """Get-ExchangeCertificate run on each server lists one certificate once per server: one
    definition per thumbprint, with all the servers."""
    merged: list[Imported] = []
    by_thumbprint: dict[str, Imported] = {}
    for obj in objects:
        thumbprint = str(obj.props.get("Thumbprint", "")).upper()
        first = by_thumbprint.get(thumbprint) if obj.kind == "ExchangeCertificate" else None
        if first is None:
            if obj.kind == "ExchangeCertificate":
                by_thumbprint[thumbprint] = obj
            merged.append(obj)
            continue
        servers = list(first.props.get("Servers", []))
        servers += [s for s in obj.props.get("Servers", []) if s.lower() not in {x.lower() for x in servers}]
        if servers:
            first.props["Servers"] = servers
    return merged


_NAMING = ("Identity", "Name", "DomainName", "Thumbprint")


def json_records(path: str, text: str) -> tuple[list[Record], list[Note]]:
    """Records of one ``ConvertTo-Json`` export: a single object or an array of them."""
    try:
        document, parse_problems = parse_json(path, text)
    except ParseError as exc:
        where = exc.problem
        return [], [Note(path, where.line + 1, f"is not JSON ({where.message}); export with ConvertTo-Json")]
    problems = [Note(path, p.line + 1, p.message) for p in parse_problems]
    data = document.data[0]
    items: list[tuple[tuple[int, ...], Any]] = (
        [((0, i), item) for i, item in enumerate(data)] if isinstance(data, list) else [((0,), data)]
    )
    records: list[Record] = []
    for pointer, item in items:
        line = position(document, pointer).value.line
        label = f"record {pointer[1] + 1}" if len(pointer) > 1 else "the record"
        if isinstance(item, dict):
            named = next(
                (item[k] for k in _NAMING if isinstance(item.get(k), str) and item[k]),
                None,
            )
            label = f'{label} ("{named}")' if named else label
        if not isinstance(item, dict):
            problems.append(
                Note(path, line, f"{label} is not an object; export Get-* output with ConvertTo-Json")
            )
            continue
        record = Record(path, line, label)
        for key, value in item.items():
            at = position(document, (*pointer, key))
            record.fields.append((key, value, (at.key or at.value).line))
        records.append(record)
    return records, problems
