"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

GitHub keeps at most 10 error, 10 warning and 10 notice annotations per step (50 per job) and
drops the rest silently, so the most severe findings come first and a notice says how many
were not shown as annotations. Suppressed findings are not annotated; the summary line counts them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from linter.domain.untrusted import printable
from linter.model import SEVERITY_RANK
from linter.report.formatters.text import line, summary

if TYPE_CHECKING:
    from linter.model import Finding, Report

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
PER_STEP = 10


def escape_data(text: str) -> str:
    """GitHub's escaping of a command's data; other control characters are shown escaped."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    props = [f"file={escape_property(finding.path)}", f"line={finding.line}"]
    if finding.end_line > finding.line:
        props.append(f"endLine={finding.end_line}")
    else:  # the runner accepts columns only on single-line annotations
        props.append(f"col={finding.column}")
        if finding.end_column > finding.column:
            props.append(f"endColumn={finding.end_column}")
    props.append(f"title={escape_property(f'{finding.rule_id} {finding.rule_name}')}")
    return f"::{COMMANDS[finding.severity]} {','.join(props)}::{escape_data(finding.message)}"


def render(report: Report, color: bool = False, show_suppressed: bool = False) -> str:
    ordered = sorted(report.findings, key=lambda f: (-SEVERITY_RANK[f.severity], f))
    lines = [annotation(f) for f in ordered]
    shown = {s: min(PER_STEP, sum(f.severity == s for f in ordered)) for s in COMMANDS}
    dropped = len(ordered) - sum(shown.values())
    if dropped:
        lines.append(
            f"::notice title=exolint::{dropped} more findings are not shown as annotations (GitHub keeps "
            f"{PER_STEP} per severity in a step); the job log and a SARIF upload list them all"
        )
    lines += [line(f) for f in ordered]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
