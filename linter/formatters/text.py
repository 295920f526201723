"""One finding per line, ``path:line:col: ID [severity] message``, then a summary line."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linter.engine import Report

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
    return (
        f"{found}{detail}{known} in {report.files} file{'s' if report.files != 1 else ''}: "
        f"{report.objects} object{'s' if report.objects != 1 else ''}, "
        f"{report.certificates} certificate{'s' if report.certificates != 1 else ''}, "
        f"{report.scopes} scope{'s' if report.scopes != 1 else ''}"
    )


def render(report: Report, color: bool = False) -> str:
    lines = []
    for f in report.findings:
        where = f"{f.path}:{f.line}:{f.column}:"
        severity = f"[{f.severity}]"
        if color:
            where = f"{_BOLD}{where}{_RESET}"
            severity = f"{_COLORS[f.severity]}{severity}{_RESET}"
        lines.append(f"{where} {f.rule_id} {severity} {f.message}")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
