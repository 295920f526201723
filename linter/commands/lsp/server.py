"""The Language Server Protocol side: pygls features that turn a Session's answers into LSP.

Diagnostics are published on open and save at once and on change after a short pause
(``debounce``), for every open document of the changed document's deployment.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from linter import __version__
from linter.commands.lsp.positions import Columns, lines_of, smallest_change, span
from linter.commands.lsp.session import Session
from linter.errors import UsageError
from linter.load.files import find_root
from linter.load.loader import decode

if TYPE_CHECKING:
    from linter.model import Finding, Location

SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json", ".cer", ".crt", ".pem")


def path_of(uri: str) -> Path | None:
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


class ExolintServer(LanguageServer):
    def __init__(self, root: Path | None, config: Path | None, debounce: float) -> None:
        super().__init__("exolint", __version__)
        self.root_given = root
        self.config_path = config
        self.debounce = debounce
        self.session: Session | None = None
        self.findings: dict[str, list[Finding]] = {}  # rel -> the findings last published
        self.generation: dict[str, int] = {}
        self.last_error = ""
        self.on_disk: dict[str, list[str]] = {}  # rel -> lines of a file not open, read once a refresh

    @property
    def columns(self) -> Columns:
        """The client's column unit: the position encoding agreed at initialize."""
        return Columns(str(self.workspace.position_encoding or "utf-16"))

    def lines(self, rel: str) -> list[str]:
        """The lines of a file as linted: its open buffer, else the file on disk."""
        text = self.current().buffers.get(rel)
        if text is not None:
            return lines_of(text)
        if rel not in self.on_disk:
            try:
                self.on_disk[rel] = lines_of(decode((self.current().root / rel).read_bytes())[0] or "")
            except OSError:
                self.on_disk[rel] = []
        return self.on_disk[rel]

    def position(self, lines: list[str], line: int, column: int) -> types.Position:
        """A 0-based line and character column as the client counts it."""
        text = lines[line] if 0 <= line < len(lines) else ""
        return types.Position(line=line, character=self.columns.to_client(text, column))

    def range(self, rel: str, place: Location | Finding) -> types.Range:
        """The LSP range of a finding's or related location's 1-based span in ``rel``."""
        lines = self.lines(rel)
        start, end = span(place)
        return types.Range(start=self.position(lines, *start), end=self.position(lines, *end))

    def column(self, rel: str, position: types.Position) -> int:
        """The character column of a client's position in the open document ``rel``."""
        lines = self.lines(rel)
        text = lines[position.line] if 0 <= position.line < len(lines) else ""
        return self.columns.from_client(text, position.character)

    def replace(self, uri: str, rel: str, before: str, after: str) -> types.WorkspaceEdit:
        """The edit that turns ``before`` into ``after``, over the smallest range that differs."""
        change = smallest_change(before, after)
        lines = lines_of(before)
        where = types.Range(start=self.position(lines, *change.start), end=self.position(lines, *change.end))
        return types.WorkspaceEdit(changes={uri: [types.TextEdit(range=where, new_text=change.text)]})

    def current(self) -> Session:
        if self.session is None:
            start = self.root_given or Path(self.workspace.root_path or Path.cwd())
            root = self.root_given or find_root(start)
            self.session = Session.start(root, self.config_path)
        return self.session

    def uri(self, rel: str) -> str:
        return (self.current().root / rel).as_uri()

    def rel(self, uri: str) -> str | None:
        path = path_of(uri)
        if path is None or not path.name.lower().endswith(DOCUMENT_SUFFIXES):
            return None
        return self.current().relative(path)

    def diagnostic(self, finding: Finding) -> types.Diagnostic:
        related = [
            types.DiagnosticRelatedInformation(
                location=types.Location(uri=self.uri(r.path), range=self.range(r.path, r)),
                message=r.message or "related",
            )
            for r in finding.related
        ]
        return types.Diagnostic(
            range=self.range(finding.path, finding),
            severity=SEVERITY[finding.severity],
            code=finding.rule_id,
            source="exolint",
            message=finding.message,
            related_information=related or None,
            data={"fingerprint": finding.fingerprint},
        )

    def refresh(self, uri: str) -> None:
        """Lint the deployment of the document at ``uri`` with every open buffer, and publish."""
        try:
            rel = self.rel(uri)
            if rel is None:
                return
            session = self.current()
            self.on_disk.clear()
            documents = {
                r: document
                for u, document in self.workspace.text_documents.items()
                if (r := self.rel(u)) is not None
            }
            session.buffers = {r: document.source for r, document in documents.items()}
            linted = session.lint(rel)
        except UsageError as exc:  # a configuration or rule file that cannot be used: say so once
            if str(exc) != self.last_error:
                self.last_error = str(exc)
                message = types.ShowMessageParams(type=types.MessageType.Error, message=f"exolint: {exc}")
                self.window_show_message(message)
            return
        self.last_error = ""
        for path, found in linted.items():
            self.findings[path] = found
            if path in documents:  # with the version linted, so a client can drop a late answer
                self.text_document_publish_diagnostics(
                    types.PublishDiagnosticsParams(
                        uri=documents[path].uri,
                        version=documents[path].version,
                        diagnostics=[self.diagnostic(f) for f in found],
                    )
                )

    def finding_for(self, rel: str, diagnostic: types.Diagnostic) -> Finding | None:
        data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
        for finding in self.findings.get(rel, []):
            if finding.fingerprint == data.get("fingerprint") and finding.rule_id == diagnostic.code:
                return finding
        return None


def build(root: Path | None = None, config: Path | None = None, debounce: float = 0.05) -> ExolintServer:
    server = ExolintServer(root, config, debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ExolintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ExolintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: ExolintServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        generation = ls.generation.get(uri, 0) + 1
        ls.generation[uri] = generation
        await asyncio.sleep(ls.debounce)
        if ls.generation.get(uri) == generation:  # no newer change came while waiting
            ls.refresh(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ExolintServer, params: types.DidCloseTextDocumentParams) -> None:
        """Clear the document's findings; the rest of its deployment is linted again without its
        unsaved text (a buffer never saved is gone altogether)."""
        rel = ls.rel(params.text_document.uri)
        if rel is not None:
            beside = ls.current().open_beside(rel)
            ls.current().buffers.pop(rel, None)
            ls.findings.pop(rel, None)
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
            )
            if beside:
                ls.refresh(ls.uri(beside[0]))

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def code_action(ls: ExolintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        rel = ls.rel(uri)
        if rel is None:
            return []
        session = ls.current()
        session.buffers[rel] = ls.workspace.get_text_document(uri).source
        actions: list[types.CodeAction] = []
        for diagnostic in params.context.diagnostics:
            finding = ls.finding_for(rel, diagnostic)
            if finding is None:
                continue
            after = session.repaired(rel, finding)
            if after is not None and finding.repair is not None:
                what = "rename it" if finding.repair.rename else f"set it to {finding.repair.value}"
                actions.append(
                    types.CodeAction(
                        title=f"Repair {finding.rule_id}: {what}",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        is_preferred=True,
                        edit=ls.replace(uri, rel, session.buffers[rel], after),
                    )
                )
            comment = session.suppression(rel, finding)
            if comment is not None:
                line, text = comment
                at = ls.position(ls.lines(rel), line, 0)
                actions.append(
                    types.CodeAction(
                        title=f"Suppress {finding.rule_id} here (write the reason in the comment)",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        edit=types.WorkspaceEdit(
                            changes={
                                uri: [types.TextEdit(range=types.Range(start=at, end=at), new_text=text)]
                            }
                        ),
                    )
                )
        return actions

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: ExolintServer, params: types.HoverParams) -> types.Hover | None:
        rel = ls.rel(params.text_document.uri)
        if rel is None:
            return None
        position = params.position
        ls.current().buffers[rel] = ls.workspace.get_text_document(params.text_document.uri).source
        column = ls.column(rel, position)
        text = ls.current().hover(rel, position.line, column, ls.findings.get(rel, []))
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[":", " "]))
    def completion(ls: ExolintServer, params: types.CompletionParams) -> types.CompletionList:
        rel = ls.rel(params.text_document.uri)
        items: list[types.CompletionItem] = []
        if rel is not None:
            kinds = {
                "property": types.CompletionItemKind.Property,
                "value": types.CompletionItemKind.EnumMember,
                "kind": types.CompletionItemKind.Class,
            }
            session = ls.current()
            session.buffers[rel] = ls.workspace.get_text_document(params.text_document.uri).source
            column = ls.column(rel, params.position)
            for c in session.complete(rel, params.position.line, column):
                items.append(
                    types.CompletionItem(
                        label=c.label,
                        kind=kinds[c.kind],
                        detail=c.detail,
                        documentation=c.documentation or None,
                        insert_text=f"{c.label}: " if c.kind == "property" else c.label,
                    )
                )
        return types.CompletionList(is_incomplete=False, items=items)

    return server


def serve(root: Path | None, config: Path | None, debounce: float) -> Any:
    build(root, config, debounce).start_io()
