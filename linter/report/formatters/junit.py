"""``--format junit``: JUnit XML that GitLab, Jenkins and Azure DevOps all read.

One test case per rule and object, passes included, so a CI's test history shows fixed findings
as fixed: classname ``exolint.<kind>.<rule id>`` (Jenkins splits it at the last dot), name the
object's identity (never the message, which would make every run's names new), and one test suite
per rule area. Several findings of one rule on one object are one failure listing them all. The
output validates against the Ant JUnit schema; that schema has no ``file`` attribute on a test
case, so the path is in the failure text instead. A case whose only findings are suppressed is
skipped, with the reason and expiry as the message.
"""

from __future__ import annotations

import datetime as dt
import socket
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING

from linter.domain.untrusted import printable
from linter.report.formatters.sarif import help_uri
from linter.report.formatters.text import line, suppression_note

if TYPE_CHECKING:
    from linter.model import Finding, Report, Rule, Suppressed


def _area(rule: Rule | None) -> str:
    return rule.path.split("/")[-2] if rule else "other"


def _case(finding: Finding) -> tuple[str, str, str]:
    return (finding.rule_id, finding.kind or "file", finding.identity or finding.path)


def render(report: Report, color: bool = False, show_suppressed: bool = False) -> str:
    rules = {r.id: r for r in report.rules}
    cases: dict[tuple[str, str, str], list[Finding]] = {}  # (rule, kind, identity) -> findings
    for checked in report.checked:
        cases.setdefault((checked.rule_id, checked.kind, checked.identity), [])
    for finding in report.findings:
        cases.setdefault(_case(finding), []).append(finding)
    skipped: dict[tuple[str, str, str], Suppressed] = {}
    for suppressed in report.suppressed:
        cases.setdefault(_case(suppressed.finding), [])
        skipped.setdefault(_case(suppressed.finding), suppressed)
    suites: dict[str, list[tuple[tuple[str, str, str], list[Finding]]]] = defaultdict(list)
    for key in sorted(cases):
        suites[_area(rules.get(key[0]))].append((key, cases[key]))

    root = ET.Element("testsuites")
    timestamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    hostname = socket.gethostname() or "localhost"
    for number, (area, members) in enumerate(sorted(suites.items())):
        failures = sum(1 for _, found in members if found)
        skips = sum(1 for key, found in members if not found and key in skipped)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=f"exolint.{area}",
            package="exolint",
            id=str(number),
            timestamp=timestamp,
            hostname=hostname,
            tests=str(len(members)),
            failures=str(failures),
            errors="0",
            skipped=str(skips),
            time="0",
        )
        ET.SubElement(suite, "properties")
        for (rule_id, kind, identity), found in members:
            case = ET.SubElement(
                suite, "testcase", name=printable(identity), classname=f"exolint.{kind}.{rule_id}", time="0"
            )
            if not found:
                if (rule_id, kind, identity) in skipped:
                    ET.SubElement(case, "skipped", message=suppression_note(skipped[rule_id, kind, identity]))
                continue
            worst = min(found, key=lambda f: ("error", "warning", "info").index(f.severity))
            body = []
            for f in found:  # XML cannot hold most control characters: they are shown escaped
                body.append(line(f))
                if f.fix:
                    body.append(f"    fix: {printable(f.fix)}")
            rule = rules.get(rule_id)
            if rule is not None:
                body.append(f"docs: {help_uri(rule)}")
            failure = ET.SubElement(case, "failure", message=printable(worst.message), type=worst.severity)
            failure.text = "\n".join(body)
        ET.SubElement(suite, "system-out")
        ET.SubElement(suite, "system-err")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
