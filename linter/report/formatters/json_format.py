"""``--format json``: the contract in schemas/findings.schema.json."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from linter import __version__
from linter.report.formatters.text import counts

if TYPE_CHECKING:
    from linter.model import Finding, Report, Suppressed


def finding_data(f: Finding) -> dict[str, Any]:
    return {
        "rule_id": f.rule_id,
        "rule_name": f.rule_name,
        "severity": f.severity,
        "message": f.message,
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line,
        "end_column": f.end_column,
        "kind": f.kind,
        "identity": f.identity,
        "property": f.pointer,
        "ndr": list(f.ndr),
        "related": [
            {
                "path": r.path,
                "line": r.line,
                "column": r.column,
                "end_line": r.end_line,
                "end_column": r.end_column,
                "message": r.message,
            }
            for r in f.related
        ],
        "fix": f.fix,
        "fingerprint": f.fingerprint,
    }


def suppressed_data(s: Suppressed) -> dict[str, Any]:
    return {
        "finding": finding_data(s.finding),
        "suppression": {
            "kind": s.kind,
            "reason": s.reason,
            "until": s.until.isoformat() if s.until else None,
            "path": s.path,
            "line": s.line,
        },
    }


def render(report: Report, color: bool = False, show_suppressed: bool = False) -> str:
    c = counts(report)
    data = {
        "tool": {"name": "exolint", "version": __version__},
        "findings": [finding_data(f) for f in report.findings],
        "suppressed": [suppressed_data(s) for s in report.suppressed],
        "summary": {
            "errors": c["error"],
            "warnings": c["warning"],
            "info": c["info"],
            "files": report.files,
            "objects": report.objects,
            "certificates": report.certificates,
            "scopes": report.scopes,
            "known": report.known,
            "suppressed": len(report.suppressed),
        },
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
