"""Where the rules and schemas that ship with exolint live, in a checkout and in a wheel."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path


@cache
def data_dir(name: str) -> Path:
    """``rules`` or ``schemas``: inside the package in a wheel, beside it in a checkout.

    Inside first: installed, "beside" is site-packages, where another distribution's folder of
    the same name could stand."""
    here = Path(__file__).resolve().parent.parent  # the linter package, above load/
    for candidate in (here / name, here.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"exolint's {name}/ folder is missing from {here.parent}; reinstall exolint")


@cache
def kind_schemas() -> dict[str, str]:
    """Every kind of definition and the stem of its schema file (``InboundConnector`` ->
    ``inbound-connector``), read from schemas/: a kind's schema is one whose ``kind`` property is
    a const. Ordered as schemas/rule.schema.json lists the kinds a rule may scope, which is the
    order messages name them in; a kind it does not list comes last."""
    folder = data_dir("schemas")
    found: dict[str, str] = {}
    for path in sorted(folder.glob("*.schema.json")):
        text = path.read_text(encoding="utf-8")
        if '"const"' not in text and "\\u" not in text:
            continue  # no const, so no kind (the editor's schema, the largest, is one): not parsed
        kind = json.loads(text).get("properties", {}).get("kind", {}).get("const")
        if isinstance(kind, str):
            found[kind] = path.name.removesuffix(".schema.json")
    rule = json.loads((folder / "rule.schema.json").read_text(encoding="utf-8"))
    order: list[str] = rule["properties"]["scope"]["properties"]["kind"]["enum"]
    return dict(
        sorted(found.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))
    )
