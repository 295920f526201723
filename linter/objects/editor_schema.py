"""The definition schemas as editors read them: one JSON Schema (draft-07, which
yaml-language-server and the VS Code YAML extension support) that picks each document's schema by
its ``kind``, for a file of one definition, a top-level list of them, or several YAML documents.

Generated from schemas/<kind>.schema.json, never kept by hand: ``exolint schema`` prints it, and
schemas/exolint.schema.json is a copy that a test keeps current.
"""

from __future__ import annotations

from typing import Any

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
BASE = "https://exolint.dev/schemas/"

# JSON Schema keywords newer than draft-07; a kind schema that uses one cannot be offered as draft-07
_NEWER = frozenset(
    {
        "$defs",
        "prefixItems",
        "unevaluatedProperties",
        "unevaluatedItems",
        "dependentRequired",
        "dependentSchemas",
        "$anchor",
        "$dynamicRef",
        "$dynamicAnchor",
        "minContains",
        "maxContains",
    }
)


def _draft_07(schema: dict[str, Any]) -> dict[str, Any]:
    """A kind schema without its own ``$schema`` and ``$id``, checked to use only draft-07 keywords,
    whose properties accept what exolint reads as PowerShell does."""
    newer = _keywords(schema) & _NEWER
    if newer:
        raise ValueError(f"{schema.get('title')}: uses {sorted(newer)}, which draft-07 editors do not know")
    body = {k: v for k, v in schema.items() if k not in ("$schema", "$id")}
    properties = body.get("properties", {})
    body["properties"] = {
        name: _kind_in_any_case(prop) if name == "kind" else _as_exolint_reads(prop)
        for name, prop in properties.items()
    }
    return body


def _kind_in_any_case(prop: dict[str, Any]) -> dict[str, Any]:
    """``kind: InboundConnector``, and in any case as exolint reads it (the key itself is ``kind``)."""
    rest = {k: v for k, v in prop.items() if k != "const"}
    return {**rest, **_any_case({"enum": [prop["const"]]})}


def _as_exolint_reads(prop: dict[str, Any]) -> dict[str, Any]:
    """A property as exolint reads it: a choice in any case, one value where a list is documented,
    and null (PowerShell's $null: not set). Description and default stay on top, for hover; the
    documented choices stay an ``enum``, for completion. Property names stay as documented (EX012
    reports other spellings)."""
    prop = dict(prop)
    top: dict[str, Any] = {key: prop.pop(key) for key in ("description", "default", "title") if key in prop}
    if prop.get("type") == "array" and isinstance(prop.get("items"), dict):
        items = _any_case(prop["items"])
        alternatives = [{**prop, "items": items}, items]
    else:
        alternatives = [_any_case(prop)]
    return {**top, "anyOf": [*alternatives, {"type": "null"}]}


def _any_case(schema: dict[str, Any]) -> dict[str, Any]:
    if "anyOf" in schema:
        return {**schema, "anyOf": [_any_case(option) for option in schema["anyOf"]]}
    values = [value for value in schema.get("enum", []) if isinstance(value, str)]
    if not values:
        return schema
    spelled = "|".join("".join(_letter(c) for c in value) for value in values)
    return {"anyOf": [schema, {"type": "string", "pattern": f"^(?:{spelled})$"}]}


def _letter(char: str) -> str:
    """A regular-expression class for one character in either case (ECMA 262 has no (?i))."""
    import re

    if char.lower() != char.upper():
        return f"[{char.upper()}{char.lower()}]"
    return re.escape(char)


def _keywords(node: Any) -> set[str]:
    if isinstance(node, list):
        return set().union(*(_keywords(item) for item in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = set(node)
    for key, value in node.items():
        if key not in ("properties", "default", "enum", "const", "examples"):
            found |= _keywords(value)
        elif key == "properties" and isinstance(value, dict):
            found |= set().union(*(_keywords(v) for v in value.values())) if value else set()
    return found


def kind_schema_07(kind: str) -> dict[str, Any]:
    """One kind's schema, standing alone, as draft-07."""
    from linter.load.resources import kind_schemas
    from linter.objects.definitions import kind_schema

    body = _draft_07(kind_schema(kind).schema)
    return {"$schema": DRAFT_07, "$id": f"{BASE}{kind_schemas()[kind]}.schema.json", **body}


def combined_schema() -> dict[str, Any]:
    """Every kind's schema under ``definitions``, chosen by ``kind`` with if/then."""
    from linter.load.resources import kind_schemas
    from linter.objects.definitions import kind_schema

    kinds = list(kind_schemas())
    definitions: dict[str, Any] = {kind: _draft_07(kind_schema(kind).schema) for kind in kinds}
    definitions["definition"] = {
        "description": "An exolint definition: its kind names the schema its other properties follow.",
        "type": "object",
        "required": ["kind"],
        "properties": {
            "kind": {
                "description": "What the definition describes; it decides which properties it may have.",
                **_any_case({"enum": kinds}),
            }
        },
        "allOf": [
            {
                "if": {"properties": {"kind": _any_case({"enum": [kind]})}, "required": ["kind"]},
                "then": {"$ref": f"#/definitions/{kind}"},
            }
            for kind in kinds
        ],
    }
    return {
        "$schema": DRAFT_07,
        "$id": f"{BASE}exolint.schema.json",
        "title": "exolint definitions",
        "description": (
            "Exchange Online and Exchange hybrid mail-flow definitions checked by exolint: one "
            "definition, or a list of them, per YAML document. Generated by `exolint schema`."
        ),
        "anyOf": [
            {"$ref": "#/definitions/definition"},
            {"type": "array", "items": {"$ref": "#/definitions/definition"}},
        ],
        "definitions": definitions,
    }
