"""What the language server knows and computes, without the protocol: pygls stays in server.py.

A Session holds the configuration and rules (read once), and the text of every open document.
Linting a document lints its deployment (its scope) only, with every open buffer read instead of
the file on disk, through the same engine and suppression stage ``exolint check`` uses; findings
come back for each open document of that deployment, so a change in one file updates the others.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter.commands.check import configured_rules
from linter.commands.fix.edit import EditError, apply_repairs
from linter.commands.lsp.positions import lines_of, span
from linter.errors import UsageError
from linter.lint.config import ConfigError, find, load
from linter.lint.engine import lint
from linter.lint.rules import selected
from linter.load.loader import Loader
from linter.load.resources import kind_schemas
from linter.model import Location
from linter.objects.definitions import kind_schema
from linter.objects.scopes import ScopeFinder, parent
from linter.report.docs import rule_markdown
from linter.report.suppress import finish
from linter.values import dataclass

if TYPE_CHECKING:
    from linter.lint.config import Config
    from linter.model import Finding, Location, Rule

_STARTS_KEY = r"""(?:^\s*(?:-\s+)?|(?<=[{,])\s*)"""  # a block key, or one inside {flow, mapping}
_KEY = re.compile(_STARTS_KEY + r"""(?P<quote>["']?)(?P<key>[A-Za-z][A-Za-z0-9_]*)(?P=quote)\s*:""")
_VALUE_BEING_WRITTEN = re.compile(_KEY.pattern + r"""[ \t]*[^,{}\[\]\s]*$""")
_KEY_BEING_WRITTEN = re.compile(_STARTS_KEY + r"""["']?[A-Za-z0-9_]*$""")
_KIND = re.compile(_STARTS_KEY + r"""["']?kind["']?\s*:\s*["']?(?P<kind>[A-Za-z]+)""")
_DOCUMENT_START = re.compile(r"^(---|\.\.\.)\s*$")
SUPPRESS_REASON = ""
"""The reason a new suppression comment starts with: empty, so it suppresses nothing (and EX921
says so) until the author writes why."""


@dataclass(frozen=True)
class Completion:
    label: str
    kind: str  # "property", "value" or "kind"
    detail: str
    documentation: str


class Session:
    def __init__(self, root: Path, config: Config, rules: list[Rule], as_of: dt.date | None = None) -> None:
        self.root = root.resolve()
        self.config = config
        self.rules = rules
        self.by_id = {r.id: r for r in rules}
        self.as_of = as_of
        self.select, self.ignore = list(config.select), list(config.ignore)
        self.active = [r for r in rules if r.check is None or selected(r.id, self.select, self.ignore)]
        self.buffers: dict[str, str] = {}  # rel -> text of each open document
        self.elsewhere: set[tuple[str, str]] = set()  # (path, fingerprint) shown away from their file

    @classmethod
    def start(cls, root: Path, config_path: Path | None = None) -> Session:
        """The session for a lint root, with the configuration ``check`` would use there."""
        try:
            config = load(config_path or find(root))
        except ConfigError as exc:
            raise UsageError(str(exc)) from None
        return cls(root, config, configured_rules(config))

    # --- documents ---------------------------------------------------------------------

    def relative(self, path: Path) -> str | None:
        """The path relative to the lint root, or None when it lies outside it."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None

    def scope_of(self, rel: str, finder: Any = None) -> str:
        finder = finder or ScopeFinder(Loader(self.root, self.config.include, self.config.exclude))
        result: str = finder.scope_of(parent(rel))
        return result

    def _overlay(self) -> dict[str, bytes]:
        return {r: text.encode("utf-8") for r, text in self.buffers.items()}

    def open_beside(self, rel: str) -> list[str]:
        """The open documents in the deployment of ``rel`` (saved or not), ``rel`` left out."""
        finder = ScopeFinder(Loader(self.root, self.config.include, self.config.exclude, self._overlay()))
        scope = self.scope_of(rel, finder)
        return sorted(r for r in self.buffers if r != rel and self.scope_of(r, finder) == scope)

    def lint(self, rel: str) -> dict[str, list[Finding]]:
        """Findings for every open document in the deployment of ``rel`` (``rel`` included); an
        open document that was never saved is linted as if it were on disk."""
        overlay = self._overlay()
        globs = (self.config.include, self.config.exclude)
        targets = sorted({rel, *self.open_beside(rel)})
        report = lint(self.root, targets, self.active, self.as_of, globs, overlay)
        report = finish(
            report,
            self.config,
            self.as_of,
            active=lambda rule_id: selected(rule_id, self.select, self.ignore),
            known=self.rules,
            targets=targets,
            root=self.root,
        )
        found: dict[str, list[Finding]] = {t: [] for t in targets}
        for finding in report.findings:
            if finding.path in found:
                found[finding.path].append(finding)
                continue
            for place in dict.fromkeys(r for r in finding.related if r.path in found):
                found[place.path].append(self._shown_at(finding, place))
        return found

    def _shown_at(self, finding: Finding, place: Location) -> Finding:
        """A finding of a file that is not open, shown at its related place in an open one (as
        ``check`` reports a finding that involves a file it was given); it has no quick fix here."""
        shown = replace(
            finding,
            path=place.path,
            line=place.line,
            column=place.column,
            end_line=place.end_line,
            end_column=place.end_column,
            message=f"{finding.message} (reported at {finding.path}:{finding.line})",
            related=(
                Location(finding.path, finding.line, finding.column, finding.end_line, finding.end_column),
            ),
            repair=None,
        )
        self.elsewhere.add((shown.path, shown.fingerprint))
        return shown

    # --- code actions ------------------------------------------------------------------

    def repaired(self, rel: str, finding: Finding) -> str | None:
        """The document's text with the finding's repair made (the edit ``exolint fix`` makes),
        or None when the rule has no repair or the text no longer holds what was checked."""
        text = self.buffers.get(rel)
        if finding.repair is None or text is None or rel.lower().endswith(".json"):
            return None
        try:
            after, applied, _ = apply_repairs(text, [finding])
        except EditError:
            return None
        return after if applied else None

    def suppression(self, rel: str, finding: Finding) -> tuple[int, str] | None:
        """(0-based line, text) of a comment that suppresses the finding once given a reason;
        None where comments cannot be written (JSON, certificates)."""
        text = self.buffers.get(rel)
        if (
            text is None
            or not rel.lower().endswith((".yaml", ".yml"))
            or (rel, finding.fingerprint) in self.elsewhere
        ):
            return None
        lines = lines_of(text)
        line = min(max(finding.line - 1, 0), max(len(lines) - 1, 0))
        current = lines[line] if lines else ""
        indent = len(current) - len(current.lstrip(" "))
        return line, f'{" " * indent}# exolint: disable={finding.rule_id} reason="{SUPPRESS_REASON}"\n'

    # --- hover and completion ----------------------------------------------------------

    def kind_at(self, rel: str, line: int) -> str | None:
        """The kind of the object that holds 0-based ``line``: the nearest ``kind:`` above it in
        the same YAML document (a list item's own kind for list files)."""
        lines = lines_of(self.buffers.get(rel, ""))
        for number in range(min(line, len(lines) - 1), -1, -1):
            if number < line and _DOCUMENT_START.match(lines[number]):
                break
            match = _KIND.search(lines[number])
            if match:
                wanted = match["kind"].lower()
                return next((k for k in kind_schemas() if k.lower() == wanted), None)
        return None

    def hover(self, rel: str, line: int, character: int, findings: list[Finding]) -> str | None:
        """Markdown: the rule doc of each finding at the position (0-based line, character
        column), and the description of the property whose name is under it."""
        parts: list[str] = []
        for finding in findings:
            start, end = span(finding)
            rule = self.by_id.get(finding.rule_id)
            if start <= (line, character) < end and rule is not None:
                parts.append(rule_markdown(rule, "###"))
        lines = lines_of(self.buffers.get(rel, ""))
        for match in _KEY.finditer(lines[line] if line < len(lines) else ""):
            if match.start("key") <= character <= match.end("key"):
                described = self._describe(rel, line, match["key"])
                if described:
                    parts.insert(0, described)
        return "\n\n---\n\n".join(parts) or None

    def _describe(self, rel: str, line: int, key: str) -> str | None:
        kind = self.kind_at(rel, line)
        if kind is None:
            return None
        schema = kind_schema(kind)
        name = schema.names.get(key.lower())
        if name is None:
            return None
        prop = schema.schema["properties"][name]
        text = [f"**{name}** ({kind})", "", str(prop.get("description", ""))]
        values = list(schema.enums.get(name, {}).values())
        if values:
            text += ["", "One of: " + ", ".join(f"`{v}`" for v in values)]
        if name in schema.defaults:
            text += ["", f"Default: `{schema.defaults[name]}`"]
        return "\n".join(text)

    def complete(self, rel: str, line: int, character: int) -> list[Completion]:
        """Property names of the document's kind at a key position; enum values after ``Key:``."""
        lines = lines_of(self.buffers.get(rel, ""))
        current = lines[line] if line < len(lines) else ""
        before = current[:character]
        key = _VALUE_BEING_WRITTEN.search(before)
        if key and key["key"].lower() == "kind":
            return [Completion(k, "kind", "definition kind", "") for k in kind_schemas()]
        kind = self.kind_at(rel, line)
        if kind is None:
            return []
        schema = kind_schema(kind)
        properties = schema.schema.get("properties", {})
        if key:
            name = schema.names.get(key["key"].lower())
            values = list(schema.enums.get(name, {}).values()) if name else []
            if name and properties[name].get("type") == "boolean":
                values = ["true", "false"]
            return [Completion(v, "value", f"{name} value", "") for v in values]
        if not _KEY_BEING_WRITTEN.search(before):
            return []
        around = [*self._object_lines(lines, line), before, current[character:]]
        written = {m["key"].lower() for text in around for m in _KEY.finditer(text)}
        return [
            Completion(name, "property", kind, str(prop.get("description", "")))
            for name, prop in properties.items()
            if name.lower() not in written and name != "kind"
        ]

    @staticmethod
    def _object_lines(lines: list[str], line: int) -> list[str]:
        """The lines of the YAML document around ``line``, to leave out keys already written."""
        start = line
        while start > 0 and not _DOCUMENT_START.match(lines[start - 1]):
            start -= 1
        end = line
        while end + 1 < len(lines) and not _DOCUMENT_START.match(lines[end + 1]):
            end += 1
        return [lines[i] for i in range(start, end + 1) if i != line]
