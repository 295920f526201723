"""``--format gitlab``: a GitLab Code Quality report (artifacts:reports:codequality).

GitLab shows only the first finding of a fingerprint, so each finding's fingerprint adds its
place to exolint's stable one. Suppressed findings are left out; a Code Quality report is a bare
list of issues with no place for a count, so another format's summary counts them.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linter.model import Report

SEVERITIES = {"error": "critical", "warning": "minor", "info": "info"}


def render(report: Report, color: bool = False, show_suppressed: bool = False) -> str:
    issues = []
    for f in report.findings:
        unique = hashlib.sha256(f"{f.fingerprint}\x1f{f.path}\x1f{f.message}".encode()).hexdigest()
        issues.append(
            {
                "description": f.message,
                "check_name": f"{f.rule_id} {f.rule_name}",
                "fingerprint": unique,
                "severity": SEVERITIES[f.severity],
                "location": {"path": f.path, "lines": {"begin": f.line, "end": f.end_line}},
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
