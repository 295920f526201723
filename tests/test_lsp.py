"""`exolint lsp` end to end: a real LSP client (pytest-lsp) drives the server over stdio."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from conftest import REPO  # noqa: E402
from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

RENEWED = REPO / "examples" / "contoso-renewed-certificate"
INBOUND = RENEWED / "exo" / "inbound-connector.yaml"
SEND = RENEWED / "onprem" / "send-connector.yaml"

SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "linter", "lsp", "--root", str(REPO), "--debounce", "20"],
    server_env={**os.environ, "PYTHONPATH": str(REPO)},
)


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=REPO.as_uri(),
        )
    )
    yield
    await lsp_client.shutdown_session()


async def _open(client: LanguageClient, path, text: str | None = None) -> list[types.Diagnostic]:  # type: ignore[no-untyped-def]
    uri = path.as_uri()
    client.diagnostics.clear()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="yaml", version=1, text=text if text is not None else path.read_text()
            )
        )
    )
    return await _published(client, uri)


async def _published(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    """Wait for the diagnostics of ``uri`` (the server publishes a deployment's files in turn)."""
    while uri not in client.diagnostics:
        await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 30)
    return client.diagnostics.pop(uri)


async def _change(client: LanguageClient, path, text: str, version: int) -> list[types.Diagnostic]:  # type: ignore[no-untyped-def]
    uri = path.as_uri()
    client.diagnostics.clear()
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    return await _published(client, uri)


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = offsets[edit.range.start.line] + edit.range.start.character
        end = offsets[edit.range.end.line] + edit.range.end.character
        text = text[:start] + edit.new_text + text[end:]
    return text


@pytest.mark.asyncio
async def test_repair_action_clears_the_finding(client: LanguageClient) -> None:
    diagnostics = await _open(client, INBOUND)
    ex601 = [d for d in diagnostics if d.code == "EX601"]
    assert len(ex601) == 1
    assert ex601[0].range.start.line == 9  # line 10, 0-based
    assert ex601[0].severity == types.DiagnosticSeverity.Error
    related = {r.location.uri for r in ex601[0].related_information or []}
    assert SEND.as_uri() in related  # the send connector that presents the certificate

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=INBOUND.as_uri()),
            range=ex601[0].range,
            context=types.CodeActionContext(diagnostics=ex601),
        )
    )
    assert actions is not None
    titles = [a.title for a in actions if isinstance(a, types.CodeAction)]
    assert any(t.startswith("Repair EX601") for t in titles)
    assert any(t.startswith("Suppress EX601") for t in titles)
    repair = next(a for a in actions if isinstance(a, types.CodeAction) and a.title.startswith("Repair"))
    assert repair.edit is not None and repair.edit.changes is not None
    fixed = _apply(INBOUND.read_text(), repair.edit.changes[INBOUND.as_uri()])
    assert "TlsSenderCertificateName: '*.contoso.com'" in fixed

    after = await _change(client, INBOUND, fixed, 2)
    assert [d for d in after if d.code == "EX601"] == []


@pytest.mark.asyncio
async def test_unsaved_change_in_one_file_updates_another(client: LanguageClient) -> None:
    diagnostics = await _open(client, INBOUND)
    assert any(d.code == "EX601" for d in diagnostics)
    send = SEND.read_text()
    await _open(client, SEND, send)
    # disabled, the send connector no longer relays: the inbound connector's finding goes away
    disabled = send.replace("kind: SendConnector\n", "kind: SendConnector\nEnabled: false\n")
    await _change(client, SEND, disabled, 2)
    inbound = await _published(client, INBOUND.as_uri()) if INBOUND.as_uri() in client.diagnostics else None
    assert inbound is not None and not any(d.code == "EX601" for d in inbound)
    assert SEND.read_text() == send  # nothing was written to disk


@pytest.mark.asyncio
async def test_suppression_action_needs_a_reason(client: LanguageClient) -> None:
    diagnostics = await _open(client, INBOUND)
    ex601 = [d for d in diagnostics if d.code == "EX601"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=INBOUND.as_uri()),
            range=ex601[0].range,
            context=types.CodeActionContext(diagnostics=ex601),
        )
    )
    suppress = next(
        a for a in actions or [] if isinstance(a, types.CodeAction) and a.title.startswith("Suppress")
    )
    assert suppress.edit is not None and suppress.edit.changes is not None
    text = _apply(INBOUND.read_text(), suppress.edit.changes[INBOUND.as_uri()])
    assert '# exolint: disable=EX601 reason=""\nTlsSenderCertificateName' in text
    codes = {d.code for d in await _change(client, INBOUND, text, 2)}
    assert "EX601" in codes and "EX921" in codes  # no reason yet: it suppresses nothing, and says so
    reasoned = text.replace('reason=""', 'reason="renewal tracked in CHG-1234"')
    codes = {d.code for d in await _change(client, INBOUND, reasoned, 3)}
    assert "EX601" not in codes and "EX921" not in codes


@pytest.mark.asyncio
async def test_hover_and_completion(client: LanguageClient) -> None:
    await _open(client, INBOUND)
    uri = types.TextDocumentIdentifier(uri=INBOUND.as_uri())
    on_key = await client.text_document_hover_async(
        types.HoverParams(text_document=uri, position=types.Position(line=3, character=3))
    )
    assert on_key is not None and isinstance(on_key.contents, types.MarkupContent)
    assert "ConnectorType" in on_key.contents.value and "OnPremises" in on_key.contents.value
    on_finding = await client.text_document_hover_async(
        types.HoverParams(text_document=uri, position=types.Position(line=9, character=30))
    )
    assert on_finding is not None and isinstance(on_finding.contents, types.MarkupContent)
    assert "EX601" in on_finding.contents.value

    text = INBOUND.read_text() + "Res"
    await _change(client, INBOUND, text, 2)
    names = await client.text_document_completion_async(
        types.CompletionParams(text_document=uri, position=types.Position(line=10, character=3))
    )
    assert isinstance(names, types.CompletionList)
    labels = {i.label for i in names.items}
    assert "RestrictDomainsToCertificate" in labels and "ConnectorType" not in labels  # already written

    text = INBOUND.read_text() + "ConnectorType: "
    await _change(client, INBOUND, text, 3)
    values = await client.text_document_completion_async(
        types.CompletionParams(text_document=uri, position=types.Position(line=10, character=15))
    )
    assert isinstance(values, types.CompletionList)
    assert {i.label for i in values.items} == {"OnPremises", "Partner"}


@pytest.mark.asyncio
async def test_finding_of_a_closed_file_shows_at_its_related_place(client: LanguageClient) -> None:
    diagnostics = await _open(client, SEND)
    shown = [d for d in diagnostics if d.code == "EX601"]
    assert len(shown) == 1 and shown[0].range.start.line == 11  # TlsCertificateName, line 12
    assert (
        "reported at examples/contoso-renewed-certificate/exo/inbound-connector.yaml:10" in shown[0].message
    )
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=SEND.as_uri()),
            range=shown[0].range,
            context=types.CodeActionContext(diagnostics=shown),
        )
    )
    assert not actions  # its repair and its suppression belong in the other file


BAD_CONFIG = REPO / "tests" / "fixtures" / "lsp" / "bad-config.yaml"


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[*SERVER.server_command, "--config", str(BAD_CONFIG)],
        server_env=SERVER.server_env,
    )
)
async def misconfigured(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=REPO.as_uri())
    )
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_a_configuration_that_cannot_be_used_is_shown_not_crashed_on(
    misconfigured: LanguageClient,
) -> None:
    misconfigured.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=INBOUND.as_uri(), language_id="yaml", version=1, text=INBOUND.read_text()
            )
        )
    )
    await asyncio.wait_for(misconfigured.wait_for_notification(types.WINDOW_SHOW_MESSAGE), 30)
    (message,) = misconfigured.messages
    assert message.type == types.MessageType.Error
    assert "bad-config.yaml:1: fail-on: 'sometimes'" in message.message
