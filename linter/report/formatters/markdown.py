"""``--format markdown``: a report for a pull request comment or a CI job summary.

A summary line, a table of the findings, and the mail flow of each deployment the run touched as
a Mermaid flowchart (``report.pictures``, filled by the command), which GitHub and GitLab draw.
Every piece of text from the repository is escaped: it cannot break the table or inject markup.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from linter.domain.untrusted import printable
from linter.report.formatters.text import summary

if TYPE_CHECKING:
    from linter.model import Report

_SPECIAL = re.compile(r"([\\`*_\[\]|~#])")
_ICONS = {"error": "🔴 error", "warning": "🟠 warning", "info": "🔵 info"}


def escape(text: str) -> str:
    """Text for one Markdown table cell: no markup, no HTML, no line break, no control character."""
    text = printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = " ".join(text.split())
    return _SPECIAL.sub(r"\\\1", text)


def render(report: Report, color: bool = False, show_suppressed: bool = False) -> str:
    lines = ["## exolint", "", escape(summary(report)), ""]
    if report.findings:
        lines += ["| Where | Rule | Severity | Finding |", "| --- | --- | --- | --- |"]
        for f in report.findings:
            where = escape(f"{f.path}:{f.line}")
            lines.append(f"| {where} | {f.rule_id} | {_ICONS[f.severity]} | {escape(f.message)} |")
        lines.append("")
    if show_suppressed and report.suppressed:
        lines += ["<details><summary>Suppressed</summary>", ""]
        lines += [
            f"- {s.finding.rule_id} {escape(s.finding.path)}: {escape(s.reason)}" for s in report.suppressed
        ]
        lines += ["", "</details>", ""]
    for scope, mermaid in sorted(report.pictures.items()):
        lines += [
            f"### Mail flow of {escape(scope or '.')}",
            "",
            "```mermaid",
            mermaid.rstrip("\n"),
            "```",
            "",
        ]
    return "\n".join(lines)
