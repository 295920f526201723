"""Parsed documents -> objects with canonical property names, validated against their kind's schema.

Keys match case-insensitively, as PowerShell matches parameter names, and are stored under the
spelling the schema (the cmdlet documentation) uses. A scalar given for a multi-valued property
becomes a one-item list. Enum values match case-insensitively too and take the documented spelling.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from typing import Any

from linter import ids
from linter.load.locate import position, span
from linter.load.resources import data_dir, kind_schemas
from linter.model import UNNAMED, Certificate, Document, Object, Pointer, Problem, Span
from linter.objects.fastschema import compile_schema
from linter.values import dataclass


@cache
def _kinds_lower() -> dict[str, str]:
    return {kind.lower(): kind for kind in kind_schemas()}


@dataclass(frozen=True)
class KindSchema:
    """A kind's JSON Schema and what the definitions need from it at hand."""

    kind: str
    schema: dict[str, Any]
    names: dict[str, str]  # lower-case -> documented spelling
    arrays: frozenset[str]
    enums: dict[str, dict[str, str]]  # property -> lower-case value -> documented spelling
    defaults: dict[str, Any]
    identity: str


def _enum_of(prop: dict[str, Any]) -> list[Any]:
    if "enum" in prop:
        return list(prop["enum"])
    return [v for option in prop.get("anyOf", []) + prop.get("oneOf", []) for v in option.get("enum", [])]


@cache
def kind_schema(kind: str) -> KindSchema:
    path = data_dir("schemas") / f"{kind_schemas()[kind]}.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    props: dict[str, Any] = schema.get("properties", {})
    enums: dict[str, dict[str, str]] = {}
    arrays = set()
    for name, prop in props.items():
        if prop.get("type") == "array":
            arrays.add(name)
            prop = prop.get("items", {})
        values = [v for v in _enum_of(prop) if isinstance(v, str)]
        if values:
            enums[name] = {v.lower(): v for v in values}
    identity = next((r for r in schema.get("required", []) if r != "kind"), "Name")
    return KindSchema(
        kind=kind,
        schema=schema,
        names={name.lower(): name for name in props},
        arrays=frozenset(arrays),
        enums=enums,
        defaults={k: v["default"] for k, v in props.items() if "default" in v},
        identity=identity,
    )


@cache
def _quick_check(kind: str) -> Any:
    return compile_schema(kind_schema(kind).schema)


@cache
def _validator(kind: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(kind_schema(kind).schema)


def _mappings(document: Document) -> list[tuple[Pointer, dict[str, Any]]]:
    """The mappings at the top of each document, or as items of a top-level list."""
    found: list[tuple[Pointer, dict[str, Any]]] = []
    for index, data in enumerate(document.data):
        items: list[tuple[Pointer, Any]] = [((index,), data)] if isinstance(data, dict) else []
        if isinstance(data, list):
            items = [((index, i), item) for i, item in enumerate(data) if isinstance(item, dict)]
        found.extend(items)
    return found


def candidates(document: Document) -> list[tuple[Pointer, dict[str, Any]]]:
    """Every mapping with a ``kind`` key: at the top of a document, or as an item of a top-level list."""
    return [
        (base, mapping)
        for base, mapping in _mappings(document)
        if any(isinstance(k, str) and k.lower() == "kind" for k in mapping)
    ]


# letters that look like those of "kind" in other scripts (Cyrillic, Greek, Latin small capitals)
_LOOKALIKE = str.maketrans("кκᴋіıιɪⅰпոɴԁⅾ", "kkkiiiiinnndd")


def _skeleton(key: str) -> str:
    """A key as it looks: compatibility forms folded (fullwidth, ligatures), format characters
    (zero-width spaces, bidirectional marks), blanks and punctuation dropped, look-alikes mapped."""
    folded = unicodedata.normalize("NFKC", key).casefold().translate(_LOOKALIKE)
    return "".join(c for c in folded if c.isalnum())


def _lookalike(document: Document, base: Pointer, mapping: dict[str, Any]) -> Problem | None:
    """A mapping without a ``kind`` key that looks like a definition (a key that reads as kind,
    or a key that names one of exolint's kinds): a finding, never silently skipped."""
    for key in mapping:
        if isinstance(key, str) and _skeleton(key) == "kind":
            odd = ", ".join(f"U+{ord(c):04X}" for c in key if not (c.isascii() and c.isalpha()))
            return Problem(
                ids.UNKNOWN_KIND,
                document.path,
                span(document, (*base, key)),
                f"the key {key!r} reads as kind but is not the word kind (it holds {odd}); "
                "exolint cannot tell that this mapping is a definition and would skip it: "
                "write the key as plain kind",
            )
    return None


def _kind_key(mapping: dict[str, Any]) -> tuple[str | None, bool]:
    """The first key that is ``kind`` without regard to case, and whether a key is apiVersion
    (a Kubernetes-style manifest): one pass over the keys."""
    kind_key, manifest = None, False
    for key in mapping:
        if isinstance(key, str):
            lowered = key.lower()
            if lowered == "kind":
                kind_key = key if kind_key is None else kind_key
            elif lowered == "apiversion":
                manifest = True
    return kind_key, manifest


def kind_value(mapping: dict[str, Any]) -> Any:
    return next((v for k, v in mapping.items() if isinstance(k, str) and k.lower() == "kind"), None)


def build_objects(document: Document, scope: str) -> tuple[list[Object], list[Problem]]:
    objects: list[Object] = []
    lookalikes: list[Problem] = []  # reported before the definitions' own problems
    problems: list[Problem] = []
    for base, mapping in _mappings(document):
        kind_key, manifest = _kind_key(mapping)
        if kind_key is None:
            lookalike = _lookalike(document, base, mapping)
            if lookalike is not None:
                lookalikes.append(lookalike)
            continue
        if manifest:
            continue  # a Kubernetes-style manifest kept in the same repository
        obj, found = _build(document, base, mapping, scope, kind_key)
        problems.extend(found)
        if obj is not None:
            objects.append(obj)
    return objects, lookalikes + problems


def _build(
    document: Document, base: Pointer, mapping: dict[str, Any], scope: str, kind_key: str
) -> tuple[Object | None, list[Problem]]:
    path = document.path
    raw_kind = mapping[kind_key]
    kinds = _kinds_lower()
    kind = kinds.get(raw_kind.lower()) if isinstance(raw_kind, str) else None
    if kind is None:
        import difflib

        near = difflib.get_close_matches(str(raw_kind).lower(), list(kinds), n=1, cutoff=0.8)
        hint = f"did you mean {kinds[near[0]]}?" if near else f"use one of {', '.join(kind_schemas())}"
        return None, [
            Problem(
                ids.UNKNOWN_KIND,
                path,
                span(document, (*base, kind_key)),
                f"kind {raw_kind!r} is not a kind exolint knows; {hint}",
            )
        ]
    ks = kind_schema(kind)
    props: dict[str, Any] = {}
    raw_keys: dict[str, str] = {}
    problems: list[Problem] = []
    unknown: list[str] = []
    duplicates: list[tuple[str, str]] = []
    for key, value in mapping.items():
        if key is kind_key:
            continue
        name = ks.names.get(key.lower()) if isinstance(key, str) else None
        if name is None:
            unknown.append(key)
            continue
        if name in raw_keys:
            duplicates.append((key, name))
            continue
        raw_keys[name] = key
        if value is not None:  # null is PowerShell's $null: the property is not set
            props[name] = _canonical_value(ks, name, value)
    obj = Object(kind, props, document, base, raw_keys, scope, ks.defaults)
    written = [(name, key) for name, key in raw_keys.items() if key != name]
    if not (written or duplicates or unknown):
        return obj, _schema_problems(obj)  # the common case: no label to write
    label = label_of(obj)

    def at_key(rule: str, key: str, name: str, message: str) -> Problem:
        return Problem(rule, path, _key_span(document, (*base, key)), message, obj, (name,))

    problems += [
        at_key(
            ids.PROPERTY_SPELLING,
            key,
            name,
            f"{label} spells {name} as {key!r}; PowerShell reads it the same, but write it "
            f"as documented ({name}) so it matches Get-{kind} output and catches real typos",
        )
        for name, key in written
    ]
    problems += [
        at_key(
            ids.DUPLICATE_KEY,
            key,
            name,
            f"{label} has {name} twice, as {raw_keys[name]!r} and {key!r}; keys match without "
            "regard to case, as in PowerShell, so keep one",
        )
        for key, name in duplicates
    ]
    for key in unknown:
        import difflib

        near = difflib.get_close_matches(str(key).lower(), list(ks.names), n=1, cutoff=0.7)
        hint = (
            f"did you mean {ks.names[near[0]]}?"
            if near
            else f"see `exolint explain EX006` for where the {kind} properties are listed"
        )
        problems.append(
            Problem(
                ids.UNKNOWN_PROPERTY,
                path,
                _key_span(document, (*base, key)),
                f"{label} has an unknown property {key!r}; {hint}",
                obj,
                about=(ks.names[near[0]],) if near and ks.names[near[0]] not in props else (),
            )
        )
    problems.extend(_schema_problems(obj, label))
    return obj, problems


def _canonical_value(ks: KindSchema, name: str, value: Any) -> Any:
    if name in ks.arrays and value is not None and not isinstance(value, list):
        value = [value]
    enum = ks.enums.get(name)
    if enum:
        if isinstance(value, list):
            return [enum.get(v.lower(), v) if isinstance(v, str) else v for v in value]
        if isinstance(value, str):
            return enum.get(value.lower(), value)
    return value


def _key_span(document: Document, pointer: Pointer) -> Span:
    pos = position(document, pointer)
    return pos.key or pos.value


KIND_LABELS = {
    "Tenant": "Tenant",
    "AcceptedDomain": "Accepted domain",
    "InboundConnector": "Inbound connector",
    "OutboundConnector": "Outbound connector",
    "SendConnector": "Send connector",
    "ReceiveConnector": "Receive connector",
    "ExchangeCertificate": "Exchange certificate",
    "TransportServer": "Transport server",
    "RelayHost": "Relay host",
    "Certificate": "Certificate",
}


def _named(obj: Object) -> str:
    return "" if obj.identity == UNNAMED else f'"{obj.identity}" '


def property_text(pointer: Pointer) -> str:
    """``("AuthMechanism", 2)`` -> ``AuthMechanism item 3``: counted as people count."""
    return " ".join(str(p) if isinstance(p, str) else f"item {p + 1}" for p in pointer)


def label_of(obj: Object) -> str:
    if obj.certificate is not None:
        return f'Certificate "{obj.certificate.subject}" ({obj.path})'
    if obj.identity == UNNAMED:
        return f"{KIND_LABELS[obj.kind]} without {kind_schema(obj.kind).identity}"
    return f'{KIND_LABELS[obj.kind]} "{obj.identity}"'


_TYPE_WORDS = {
    "string": "text",
    "boolean": "true or false",
    "integer": "a whole number",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
    "number": "a number",
}


def _describe(error: Any) -> str:
    validator = error.validator
    value = error.instance
    if validator == "enum":
        return f"is {value!r}, not one of {', '.join(str(v) for v in error.validator_value)}"
    if validator == "type":
        wanted = error.validator_value
        wanted_list = wanted if isinstance(wanted, list) else [wanted]
        words = " or ".join(_TYPE_WORDS.get(str(w), str(w)) for w in wanted_list)
        return f"is {value!r}, but must be {words}"
    if validator == "pattern":
        return f"is {value!r}, which does not match the documented form {error.validator_value}"
    if validator == "maxLength":
        return f"is {len(value)} characters long; the limit is {error.validator_value}"
    if validator == "minLength":
        return "is empty"
    if validator in ("minimum", "maximum"):
        bound = "at least" if validator == "minimum" else "at most"
        return f"is {value!r}, but must be {bound} {error.validator_value}"
    if validator == "const":
        return f"is {value!r}, but must be {error.validator_value!r}"
    if validator == "anyOf":
        options: dict[str, str] = {}  # lower-case -> shown; choices match without regard to case
        for option in error.validator_value:
            types = option.get("type", [])
            shown = [str(v) for v in option["enum"]] if "enum" in option else None
            if shown is None:
                shown = [
                    _TYPE_WORDS.get(str(t), str(t)) for t in (types if isinstance(types, list) else [types])
                ]
            options.update((s.lower(), s) for s in shown if s.lower() not in options)
        return f"is {value!r}, but must be {' or '.join(options.values())}"
    return str(error.message)


def _schema_problems(obj: Object, label: str | None = None) -> list[Problem]:
    problems: list[Problem] = []
    instance = {"kind": obj.kind, **obj.props}
    quick = _quick_check(obj.kind)
    if quick is not None and quick(instance):
        return problems
    label = label or label_of(obj)
    for error in _validator(obj.kind).iter_errors(instance):
        if error.validator == "additionalProperties":
            continue  # reported above with a suggestion
        pointer: Pointer = tuple(error.absolute_path)
        if error.validator == "required":
            missing = [r for r in error.validator_value if r not in instance]
            for name in missing:
                problems.append(
                    Problem(
                        ids.MISSING_PROPERTY,
                        obj.path,
                        span(obj.document, obj.raw_pointer(())),
                        f"{KIND_LABELS[obj.kind]} {_named(obj)}has no {name}; add {name}, which Exchange "
                        "requires to identify it",
                        obj,
                        (name,),
                    )
                )
            continue
        prop = property_text(pointer) or "the object"
        problems.append(
            Problem(
                ids.INVALID_VALUE,
                obj.path,
                span(obj.document, obj.raw_pointer(pointer)),
                f"{label}: {prop} {_describe(error)}",
                obj,
                pointer,
                about=(str(pointer[0]),) if pointer else (),
            )
        )
    return problems


def certificate_object(cert: Certificate, scope: str) -> Object:
    """A certificate as an object of kind ``Certificate``, so rules select and locate it like any
    definition: its properties are what Get-ExchangeCertificate shows, its span its PEM block."""
    marks = (-1, -1, cert.line - 1, 0, cert.end_line - 1, 0)
    document = Document(cert.path, (), {(cert.index,): marks})
    props = {
        "Subject": cert.subject,
        "Issuer": cert.issuer,
        "CertificateDomains": list(cert.names),
        "NotBefore": cert.not_before.isoformat(),
        "NotAfter": cert.not_after.isoformat(),
        "KeyType": cert.key_type,
        "PublicKeySize": cert.key_size,
        "SignatureHash": cert.signature_hash,
        "IsSelfSigned": cert.self_signed,
        "IsCA": cert.is_ca,
        "Thumbprint": cert.thumbprint,
        "SerialNumber": cert.serial_number,
    }
    return Object("Certificate", props, document, (cert.index,), {}, scope, {}, cert)
