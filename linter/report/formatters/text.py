"""One finding per line, ``path:line:col: ID [severity] message``, then a summary line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from linter.domain.untrusted import line_start, printable
from linter.model import SuppressedBy

if TYPE_CHECKING:
    from linter.model import Finding, Report, Suppressed

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD, _RESET = "\033[1m", "\033[0m"


def counts(report: Report) -> dict[str, int]:
    result = {"error": 0, "warning": 0, "info": 0}
    for finding in report.findings:
        result[finding.severity] += 1
    return result


def summary(report: Report) -> str:
    c = counts(report)
    total = sum(c.values())
    found = "no findings" if not total else f"{total} finding{'s' if total != 1 else ''}"
    parts = ", ".join(f"{n} {s}{'s' if n != 1 and s != 'info' else ''}" for s, n in c.items() if n)
    detail = f" ({parts})" if parts else ""
    known = f"; {report.known} more already known (baseline or --diff-base)" if report.known else ""
    suppressed = f"; {len(report.suppressed)} suppressed" if report.suppressed else ""
    return (
        f"{found}{detail}{suppressed}{known} in {report.files} file{'s' if report.files != 1 else ''}: "
        f"{report.objects} object{'s' if report.objects != 1 else ''}, "
        f"{report.certificates} certificate{'s' if report.certificates != 1 else ''}, "
        f"{report.scopes} scope{'s' if report.scopes != 1 else ''}"
    )


def suppression_note(s: Suppressed) -> str:
    """``suppressed: <reason> (expires YYYY-MM-DD)``, as JUnit and the text listing show it."""
    expires = f" (expires {s.until.isoformat()})" if s.until else ""
    return f"suppressed: {printable(s.reason)}{expires}"


def line(f: Finding) -> str:
    """``path:line:col: ID [severity] message``, safe to print whatever the repository holds:
    control characters escaped, key material redacted, and no line that starts as a CI command."""
    return f"{line_start(f.path)}:{f.line}:{f.column}: {f.rule_id} [{f.severity}] {printable(f.message)}"


def render(report: Report, color: bool = False, show_suppressed: bool = False) -> str:
    lines = []
    for f in report.findings:
        where = f"{line_start(f.path)}:{f.line}:{f.column}:"
        severity = f"[{f.severity}]"
        if color:
            where = f"{_BOLD}{where}{_RESET}"
            severity = f"{_COLORS[f.severity]}{severity}{_RESET}"
        lines.append(f"{where} {f.rule_id} {severity} {printable(f.message)}")
    if show_suppressed:
        for s in report.suppressed:
            configured = s.kind is SuppressedBy.CONFIGURATION
            where = f"{printable(str(s.path))}:{s.line}" if configured else "an inline comment"
            lines.append(f"{line(s.finding)} [{suppression_note(s)}; by {where}]")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
