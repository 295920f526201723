"""The definition schema for editors (``exolint schema``, schemas/exolint.schema.json): draft-07 as
yaml-language-server reads it, one schema chosen per document by ``kind``, and in agreement with
exolint's own reading of every example and fixture definition."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from linter.load.parse import parse_yaml
from linter.load.resources import kind_schemas
from linter.objects.definitions import build_objects, candidates
from linter.objects.editor_schema import combined_schema

REPO = Path(__file__).resolve().parent.parent
COMMITTED = REPO / "schemas" / "exolint.schema.json"
SCHEMA_RULES = {"EX002", "EX005", "EX006", "EX007", "EX008", "EX012"}
"""exolint's findings that a JSON Schema can see: the editor flags a document exactly when one fires."""
NEWER_THAN_DRAFT_07 = {
    "$defs",
    "prefixItems",
    "unevaluatedProperties",
    "dependentRequired",
    "dependentSchemas",
}


@pytest.fixture(scope="module")
def validator() -> Draft7Validator:
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def keywords(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = set(node) - {"properties"} if "properties" not in node else set(node)
        children = node["properties"].values() if "properties" in node else ()
        return found.union(
            *(keywords(v) for k, v in node.items() if k not in ("properties", "enum", "default")),
            *(keywords(v) for v in children),
        )
    if isinstance(node, list):
        return set().union(*(keywords(v) for v in node))
    return set()


def test_the_committed_schema_is_current(update_golden: bool) -> None:
    generated = json.dumps(combined_schema(), indent=2, ensure_ascii=False) + "\n"
    if update_golden:
        COMMITTED.write_text(generated, encoding="utf-8")
    assert COMMITTED.read_text(encoding="utf-8") == generated, "run pytest --update-golden"


def test_draft_07_and_help_for_every_property(validator: Draft7Validator) -> None:
    schema = validator.schema
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert not keywords(schema) & NEWER_THAN_DRAFT_07
    assert schema["definitions"]["definition"]["properties"]["kind"]["anyOf"][0]["enum"] == list(
        kind_schemas()
    )
    for kind in kind_schemas():
        for name, prop in schema["definitions"][kind]["properties"].items():
            assert prop.get("description"), f"{kind}.{name} has no description to show on hover"
    # completion offers the documented choices
    tls = schema["definitions"]["OutboundConnector"]["properties"]["TlsSettings"]
    assert "DomainValidation" in json.dumps(tls["anyOf"][0]["anyOf"][0]["enum"])


def definition_texts() -> list[Any]:
    """(where, file name, text) of every definition file of the examples and the rule fixtures."""
    found = []
    for path in sorted((REPO / "examples").rglob("*")):
        if path.suffix in (".yaml", ".yml", ".json"):
            found.append(
                pytest.param(path.name, path.read_text(encoding="utf-8"), id=str(path.relative_to(REPO)))
            )
    for case in sorted((REPO / "tests" / "fixtures" / "rules").rglob("*.yaml")):
        document, _ = parse_yaml(str(case), case.read_text(encoding="utf-8"))
        data = document.data[0] if document.data else None
        files = data.get("files", {}) if isinstance(data, dict) else {}
        for name, text in files.items():
            if isinstance(text, str) and name.lower().endswith((".yaml", ".yml", ".json")):
                rel = case.relative_to(REPO / "tests" / "fixtures" / "rules")
                found.append(pytest.param(name, text, id=f"{rel}:{name}"))
    return found


DEFINITIONS = definition_texts()


def test_there_are_many_definitions_to_check() -> None:
    assert len(DEFINITIONS) > 900


@pytest.mark.parametrize(("name", "text"), DEFINITIONS)
def test_the_editor_agrees_with_exolint(validator: Draft7Validator, name: str, text: str) -> None:
    """Every example and fixture definition: the schema flags it exactly when exolint's reading of
    it gives a finding a schema can see (a wrong value, an unknown or missing property, a spelling)."""
    try:
        document, problems = parse_yaml(name, text)
    except Exception:  # the YAML syntax and input-limit fixtures: no editor schema applies
        return
    if problems:
        return
    _, found = build_objects(document, "scope")
    exolint_flags = sorted({p.rule_id for p in found if p.rule_id in SCHEMA_RULES})
    # the editor asks for the key `kind` as every example writes it; exolint reads Kind too
    other_kind_key = {
        key for _, mapping in candidates(document) for key in mapping if str(key).lower() == "kind"
    }
    flagged = exolint_flags or other_kind_key - {"kind"}
    errors = [e.message for d in definitions(document) for e in validator.iter_errors(d)]
    assert bool(errors) == bool(flagged), (exolint_flags, errors[:3])


def definitions(document: Any) -> list[Any]:
    """The documents that hold definitions (a mapping with a kind, or a list of them); exolint
    passes over the others, and so does this test."""
    pointers = {pointer[0] for pointer, _ in candidates(document)}
    return [data for index, data in enumerate(document.data) if index in pointers]


def test_every_example_is_valid(validator: Draft7Validator) -> None:
    checked = 0
    for path in sorted((REPO / "examples").rglob("*.yaml")):
        document, _ = parse_yaml(path.name, path.read_text(encoding="utf-8"))
        for data in definitions(document):
            assert list(validator.iter_errors(data)) == [], path
            checked += 1
    assert checked > 20


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "kind: InboundConnector\nName: x\nTlsSenderCertificateNam: mail.contoso.com\n", id="key-typo"
        ),
        pytest.param("kind: InboundConnector\nName: x\nConnectorType: OnPremise\n", id="value-typo"),
        pytest.param("kind: InboundConector\nName: x\n", id="kind-typo"),
        pytest.param("kind: InboundConnector\nConnectorType: Partner\n", id="no-name"),
        pytest.param(
            "- kind: AcceptedDomain\n  DomainName: contoso.com\n  DomainType: Authoritive\n", id="in-a-list"
        ),
    ],
)
def test_a_typo_is_rejected(validator: Draft7Validator, text: str) -> None:
    document, _ = parse_yaml("x.yaml", text)
    assert list(validator.iter_errors(document.data[0]))
    _, found = build_objects(document, "scope")
    assert {p.rule_id for p in found} & SCHEMA_RULES  # and exolint says so too


def test_a_tenant_file_of_several_kinds_and_lists(validator: Draft7Validator) -> None:
    text = (
        "kind: Tenant\nName: contoso.onmicrosoft.com\n---\n"
        "kind: AcceptedDomain\nDomainName: contoso.com\nDomainType: authoritative\n---\n"
        "- kind: AcceptedDomain\n  DomainName: fabrikam.com\n"
        "- kind: AcceptedDomain\n  DomainName: x.contoso.com\n"
    )
    document, _ = parse_yaml("tenant.yaml", text)
    assert len(document.data) == 3
    for data in document.data:
        assert list(validator.iter_errors(data)) == []


def test_exolint_schema_command(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli(tmp_path, "schema")
    assert (code, err) == (0, "")
    assert out == COMMITTED.read_text(encoding="utf-8")
    code, out, err = cli(tmp_path, "schema", "inboundconnector", "--output", "inbound.schema.json")
    assert (code, out, err) == (0, "", "")
    one = json.loads((tmp_path / "inbound.schema.json").read_text(encoding="utf-8"))
    Draft7Validator.check_schema(one)
    assert one["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert Draft7Validator(one).is_valid(
        {"kind": "InboundConnector", "Name": "x", "ConnectorType": "partner"}
    )
    assert not Draft7Validator(one).is_valid({"kind": "InboundConnector", "Name": "x", "Comments": "x"})
    code, out, err = cli(tmp_path, "schema", "InboundConector")
    assert code == 2 and "did you mean InboundConnector?" in err


def test_the_editor_page_snippets(validator: Draft7Validator) -> None:
    import re

    page = (REPO / "docs" / "schema.md").read_text(encoding="utf-8")
    [modeline] = re.findall(r"^```yaml\n(.*?)^```$", page, re.M | re.S)
    assert modeline.startswith("# yaml-language-server: $schema=")
    document, _ = parse_yaml("inbound-connector.yaml", modeline)
    assert list(validator.iter_errors(document.data[0])) == []
    [settings] = re.findall(r"^```json\n(.*?)^```$", page, re.M | re.S)
    assert "./.vscode/exolint.schema.json" in json.loads(settings)["yaml.schemas"]
