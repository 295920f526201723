"""Rule documentation, generated from the rule files: ``exolint explain``, ``exolint rules`` and
docs/rules.md all come from here, so they never disagree."""

from __future__ import annotations

from typing import Any

from linter.domain.ndr import NDRS, code_matches
from linter.model import Rule


def rules_table(rules: list[Rule]) -> str:
    width = max((len(r.name) for r in rules), default=0)
    lines = [f"{r.id}  {r.name:<{width}}  {r.severity:<7}  {r.summary}" for r in rules]
    return "\n".join(lines) + "\n"


def _case_text(case: dict[str, Any]) -> list[str]:
    lines = [f"_{case['title']}_", ""]
    specs = case.get("certificates", {})
    for path, content in case["files"].items():
        if isinstance(content, str):
            lang = "json" if path.endswith(".json") else "yaml"
            lines += [f"`{path}`:", "", f"```{lang}", content.rstrip("\n"), "```", ""]
            continue
        if "text" in content:
            encoding = content.get("encoding", "utf-8")
            lines += [f"`{path}` ({encoding}):", "", "```yaml", content["text"].rstrip("\n"), "```", ""]
            continue
        names = [content[k] for k in ("certificate", "private_key") if k in content]
        names += content.get("certificates", [])
        described = "; ".join(_spec_text(n, specs.get(n, {})) for n in names)
        what = "private key" if "private_key" in content else "certificate"
        lines += [f"`{path}`: {what} {described}", ""]
    if case.get("expect"):
        lines += ["Findings:", "", "```text", *case["expect"], "```", ""]
    return lines


def _spec_text(name: str, spec: dict[str, Any]) -> str:
    parts = [f"subject {spec.get('subject', '?')}"]
    if spec.get("san"):
        parts.append("SAN " + ", ".join(spec["san"]))
    parts.append(f"issued by {spec['issuer']}" if spec.get("issuer") else "self-signed")
    return f"{name} ({', '.join(parts)})"


def rule_markdown(rule: Rule, heading: str = "##") -> str:
    lines = [f"{heading} {rule.id} {rule.name}", "", f"**Severity:** {rule.severity}"]
    if rule.kind:
        lines[-1] += f" · **Checks:** {rule.kind}"
    if rule.ndr:
        lines[-1] += " · **Prevents:** " + ", ".join(f"`{c}`" for c in rule.ndr)
    lines += ["", rule.summary, "", "### What it checks", "", rule.description, ""]
    lines += ["### Why it matters", "", rule.why, ""]
    lines += ["### How to fix it", "", rule.remediation, ""]
    if rule.fix:
        lines += ["Suggested command:", "", "```powershell", rule.fix, "```", ""]
    lines += ["### Examples", "", "Fails:", ""]
    for case in rule.examples["fail"]:
        lines += _case_text(case)
    lines += ["Passes:", ""]
    for case in rule.examples["pass"]:
        lines += _case_text(case)
    lines += ["### Sources", ""]
    lines += [f"- [{ref['title']}]({ref['url']})" for ref in rule.references]
    return "\n".join(lines) + "\n"


def rules_markdown(rules: list[Rule]) -> str:
    head = [
        "# exolint rules",
        "",
        "Generated from `rules/` by `exolint rules --format markdown`; do not edit by hand.",
        "",
        "| Id | Name | Severity | Summary |",
        "| --- | --- | --- | --- |",
    ]
    head += [f"| [{r.id}](#{r.id.lower()}-{r.name}) | {r.name} | {r.severity} | {r.summary} |" for r in rules]
    body = [rule_markdown(r) for r in rules]
    return "\n".join(head) + "\n\n" + "\n".join(body)


def rule_text(rule: Rule) -> str:
    """What ``exolint explain ID`` prints: the same text as docs/rules.md."""
    return rule_markdown(rule, heading="#")


def explain_ndr(query: str, rules: list[Rule]) -> str | None:
    """The rules that prevent an NDR code, with what Exchange says and what causes it."""

    def names(code: str) -> bool:
        full = NDRS.get(code, (code, ""))[0]
        return code_matches(query, code) or code_matches(query, full)

    codes = sorted({c for r in rules for c in r.ndr if names(c)} | {c for c in NDRS if names(c)})
    preventing = [r for r in rules if any(names(c) for c in r.ndr)]
    if not preventing:
        return None
    lines: list[str] = []
    for code in codes:
        text, cause = NDRS.get(code, (code, ""))
        lines += [f"{text}", ""]
        if cause:
            lines += [cause, ""]
    lines += ["Rules that prevent it:", ""]
    lines += [f"  {r.id} {r.name} [{r.severity}]: {r.summary}" for r in preventing]
    return "\n".join(lines) + "\n"
