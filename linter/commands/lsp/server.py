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
from linter.commands.lsp.session import Session
from linter.errors import UsageError
from linter.load.files import find_root

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


def _range(line: int, column: int, end_line: int, end_column: int) -> types.Range:
    start = types.Position(line=max(line - 1, 0), character=max(column - 1, 0))
    end = types.Position(line=max(end_line - 1, 0), character=max(end_column - 1, 0))
    if (end.line, end.character) <= (start.line, start.character):
        end = types.Position(line=start.line + 1, character=0)  # the whole line
    return types.Range(start=start, end=end)


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
                location=types.Location(uri=self.uri(r.path), range=_range(*_span(r))),
                message=r.message or "related",
            )
            for r in finding.related
        ]
        return types.Diagnostic(
            range=_range(finding.line, finding.column, finding.end_line, finding.end_column),
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
            session.buffers = {
                r: document.source
                for u, document in self.workspace.text_documents.items()
                if (r := self.rel(u)) is not None
            }
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
            if path in session.buffers:
                self.text_document_publish_diagnostics(
                    types.PublishDiagnosticsParams(
                        uri=self.uri(path), diagnostics=[self.diagnostic(f) for f in found]
                    )
                )

    def finding_for(self, rel: str, diagnostic: types.Diagnostic) -> Finding | None:
        data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
        for finding in self.findings.get(rel, []):
            if finding.fingerprint == data.get("fingerprint") and finding.rule_id == diagnostic.code:
                return finding
        return None


def _span(location: Location) -> tuple[int, int, int, int]:
    return location.line, location.column, location.end_line, location.end_column


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
        rel = ls.rel(params.text_document.uri)
        if rel is not None:
            ls.current().buffers.pop(rel, None)
            ls.findings.pop(rel, None)
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
            )

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
                        edit=_replace_all(uri, session.buffers[rel], after),
                    )
                )
            comment = session.suppression(rel, finding)
            if comment is not None:
                line, text = comment
                at = types.Position(line=line, character=0)
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
        text = ls.current().hover(rel, position.line, position.character, ls.findings.get(rel, []))
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
            for c in session.complete(rel, params.position.line, params.position.character):
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


def _replace_all(uri: str, before: str, after: str) -> types.WorkspaceEdit:
    """One edit over the whole document: exact whatever the repair changed."""
    lines = before.split("\n")
    end = types.Position(line=len(lines) - 1, character=len(lines[-1]))
    whole = types.Range(start=types.Position(line=0, character=0), end=end)
    return types.WorkspaceEdit(changes={uri: [types.TextEdit(range=whole, new_text=after)]})


def serve(root: Path | None, config: Path | None, debounce: float) -> Any:
    build(root, config, debounce).start_io()
