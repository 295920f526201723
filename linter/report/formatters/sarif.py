"""``--format sarif``: SARIF 2.1.0 as GitHub code scanning ingests it.

URIs relative to the top of the repository (the git work tree), also under ``--root sub/dir``,
with ``uriBaseId`` %SRCROOT% (GitHub reads the relative URI itself; other viewers resolve it
against the base), a region on the offending property, each rule once
in ``driver.rules`` with its documentation, relatedLocations for the other side of a
cross-object finding, and exolint's stable fingerprint as a partialFingerprint so alerts survive
line moves. Suppressed findings are only counted (``run.properties.suppressed``): GitHub does not
honour ``suppressions`` and would open them as alerts. With ``--show-suppressed`` they are results
that carry ``suppressions`` (inSource for a comment, external for the configuration).
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from linter import __version__, ids
from linter.lint.rules import is_builtin
from linter.model import SuppressedBy
from linter.report.docs import rule_markdown

if TYPE_CHECKING:
    from linter.model import Finding, Location, Report, Rule, Suppressed

HOME = "https://github.com/exolint/exolint"
SRCROOT = "%SRCROOT%"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SECURITY_SEVERITY = {
    ids.PRIVATE_KEY: "8.0"
}  # GitHub ranks security alerts by this; only real exposures get one


def help_uri(rule: Rule) -> str:
    """exolint's documentation of its own rules; an organisation's rule, its first reference."""
    if not is_builtin(rule):
        return rule.references[0]["url"]
    return f"{HOME}/blob/main/docs/rules.md#{rule.id.lower()}-{rule.name}"


def _rule(rule: Rule) -> dict[str, Any]:
    area = rule.path.split("/")[-2] if is_builtin(rule) else "custom"
    properties: dict[str, Any] = {"tags": ["exchange-online", area], "precision": "very-high"}
    if rule.ndr:
        properties["ndr"] = list(rule.ndr)
    if rule.id in SECURITY_SEVERITY:
        properties["security-severity"] = SECURITY_SEVERITY[rule.id]
        properties["tags"].append("security")
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.description},
        "help": {"text": rule.remediation, "markdown": rule_markdown(rule)},
        "helpUri": help_uri(rule),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": properties,
    }


def _physical(location: Location | Finding) -> dict[str, Any]:
    region = {"startLine": location.line, "startColumn": location.column}
    if (location.end_line, location.end_column) > (location.line, location.column):
        region |= {"endLine": location.end_line, "endColumn": location.end_column}
    return {"artifactLocation": {"uri": location.path, "uriBaseId": SRCROOT}, "region": region}


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": _physical(finding)}],
        "partialFingerprints": {"exolint/v1": finding.fingerprint},
    }
    if finding.rule_id in index:
        result["ruleIndex"] = index[finding.rule_id]
    if finding.related:
        result["relatedLocations"] = [
            {"id": n, "message": {"text": r.message or "related"}, "physicalLocation": _physical(r)}
            for n, r in enumerate(finding.related, start=1)
        ]
    properties: dict[str, Any] = {"kind": finding.kind, "identity": finding.identity}
    properties |= {"property": finding.pointer, "ndr": list(finding.ndr), "fix": finding.fix}
    result["properties"] = {k: v for k, v in properties.items() if v}
    return result


def _uri(path: str) -> str:
    """Repository-relative paths as they are; a configuration file outside the lint root as a file URI."""
    return PurePosixPath(path).as_uri() if path.startswith("/") else path


def _suppressed(s: Suppressed, index: dict[str, int]) -> dict[str, Any]:
    result = _result(s.finding, index)
    suppression: dict[str, Any] = {
        "kind": "inSource" if s.kind is SuppressedBy.INLINE else "external",
        "status": "accepted",
        "justification": s.reason,
        "location": {
            "physicalLocation": {"artifactLocation": {"uri": _uri(s.path)}, "region": {"startLine": s.line}}
        },
    }
    if s.until:
        suppression["properties"] = {"until": s.until.isoformat()}
    result["suppressions"] = [suppression]
    return result


def render(report: Report, color: bool = False, show_suppressed: bool = False) -> str:
    rules = sorted(report.rules, key=lambda r: r.id)
    index = {rule.id: n for n, rule in enumerate(rules)}
    run = {
        "tool": {
            "driver": {
                "name": "exolint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": HOME,
                "rules": [_rule(r) for r in rules],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The top of the git repository."}}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index) for f in report.findings]
        # GitHub ignores `suppressions` and would open alerts for these: only when asked
        + ([_suppressed(s, index) for s in report.suppressed] if show_suppressed else []),
        "properties": {"suppressed": len(report.suppressed)},
    }
    sarif = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"
