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


# --- positions: exolint counts characters, an LSP client counts code units -------------------


def _flow(text: str, key: str) -> str:
    """The block mapping ``text`` written as one flow mapping on one line, with a Comment that
    holds a character outside the BMP and one outside ASCII just before ``key``."""
    lines = text.splitlines()
    pairs = [line for line in lines if line and not line.startswith("#")]
    at = next(i for i, line in enumerate(pairs) if line.startswith(f"{key}:"))
    pairs.insert(at, 'Comment: "😀 ü"')
    return "\n".join([*(line for line in lines if line.startswith("#")), "{" + ", ".join(pairs) + "}"]) + "\n"


CODEC = {"utf-8": "utf-8", "utf-16": "utf-16-le", "utf-32": "utf-32-le"}


def _offset(text: str, position: types.Position, encoding: str) -> int:
    """The character offset of an LSP position, counted independently of the server."""
    lines = text.split("\n")
    unit = {"utf-8": 1, "utf-16": 2, "utf-32": 4}[encoding]
    head = lines[position.line].encode(CODEC[encoding])[: position.character * unit]
    return sum(len(line) + 1 for line in lines[: position.line]) + len(head.decode(CODEC[encoding]))


def _units(text: str, character: int, encoding: str) -> int:
    """The code units before 0-based ``character`` of a one-line ``text``."""
    return len(text[:character].encode(CODEC[encoding])) // {"utf-8": 1, "utf-16": 2, "utf-32": 4}[encoding]


def _slice(text: str, where: types.Range, encoding: str) -> str:
    return text[_offset(text, where.start, encoding) : _offset(text, where.end, encoding)]


def _apply_in(text: str, edits: list[types.TextEdit], encoding: str) -> str:
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = _offset(text, edit.range.start, encoding), _offset(text, edit.range.end, encoding)
        text = text[:start] + edit.new_text + text[end:]
    return text


@pytest_lsp.fixture(config=SERVER, params=[None, "utf-8", "utf-32"])
async def encoded(lsp_client: LanguageClient, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    offered = [request.param] if request.param else None  # None: the client says nothing, UTF-16
    result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                general=types.GeneralClientCapabilities(position_encodings=offered)
            ),
            root_uri=REPO.as_uri(),
        )
    )
    assert result.capabilities.position_encoding == (request.param or "utf-16")
    lsp_client.encoding = request.param or "utf-16"  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_positions_on_a_line_with_characters_outside_ascii_and_the_bmp(encoded: LanguageClient) -> None:
    encoding: str = encoded.encoding  # type: ignore[attr-defined]
    send, inbound = (
        _flow(SEND.read_text(), "TlsCertificateName"),
        _flow(INBOUND.read_text(), "TlsSenderCertificateName"),
    )
    certificate_name = next(p for p in SEND.read_text().splitlines() if p.startswith("TlsCertificateName:"))

    # the inbound connector is not open: its finding is shown where the send connector names the certificate
    (shown,) = [d for d in await _open(encoded, SEND, send) if d.code == "EX601"]
    assert _slice(send, shown.range, encoding) == certificate_name

    (ex601,) = [d for d in await _open(encoded, INBOUND, inbound) if d.code == "EX601"]
    assert ex601.range.start.line == 1
    assert _slice(inbound, ex601.range, encoding) == "TlsSenderCertificateName: mail.contoso.com"
    (selects,) = [r for r in ex601.related_information or [] if r.location.uri == SEND.as_uri()]
    assert _slice(send, selects.location.range, encoding) == certificate_name  # read from the buffer

    actions = await encoded.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=INBOUND.as_uri()),
            range=ex601.range,
            context=types.CodeActionContext(diagnostics=[ex601]),
        )
    )
    edits = {
        a.title.split()[0]: a.edit.changes[INBOUND.as_uri()]
        for a in actions or []
        if isinstance(a, types.CodeAction) and a.edit and a.edit.changes
    }
    repaired = _apply_in(inbound, edits["Repair"], encoding)
    assert repaired == inbound.replace("mail.contoso.com}", "'*.contoso.com'}")
    (repair,) = edits["Repair"]
    assert repair.range.start.line == 1 and repair.range.end.line == 1  # only what the repair changes
    suppressed = _apply_in(inbound, edits["Suppress"], encoding)
    assert suppressed.splitlines()[1:3] == ['# exolint: disable=EX601 reason=""', inbound.splitlines()[1]]

    line = inbound.splitlines()[1]
    key_end = line.index("TlsSenderCertificateName") + len("TlsSenderCertificateName") - 1
    hover = await encoded.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=INBOUND.as_uri()),
            position=types.Position(line=1, character=_units(line, key_end, encoding)),
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "**TlsSenderCertificateName** (InboundConnector)" in hover.contents.value
    last = await encoded.text_document_hover_async(  # the last character the finding covers
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=INBOUND.as_uri()),
            position=types.Position(line=1, character=_units(line, len(line) - 2, encoding)),
        )
    )
    assert last is not None and isinstance(last.contents, types.MarkupContent)
    assert "EX601" in last.contents.value

    typing = inbound.replace('"😀 ü", ', '"😀 ü", ConnectorType: , ')
    await _change(encoded, INBOUND, typing, 2)
    typed = typing.splitlines()[1]
    values = await encoded.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=INBOUND.as_uri()),
            position=types.Position(
                line=1, character=_units(typed, typed.index("ConnectorType: ") + 15, encoding)
            ),
        )
    )
    assert isinstance(values, types.CompletionList)
    assert {i.label for i in values.items} == {"OnPremises", "Partner"}


NEW = RENEWED / "exo" / "second-inbound-connector.yaml"


@pytest.mark.asyncio
async def test_a_new_file_never_saved_is_linted_with_the_files_on_disk(client: LanguageClient) -> None:
    assert not NEW.exists()
    assert any(d.code == "EX601" for d in await _open(client, INBOUND))
    # a second inbound connector, in a buffer only, that accepts the certificate the send connector
    # presents: it attributes the relay, so the first no longer fails; its own name is no accepted
    # domain of the tenant (tenant.yaml on disk)
    text = INBOUND.read_text().replace("Name: Inbound from", "Name: Second inbound from")
    text = text.replace("mail.contoso.com", "smtp.contoso.com")
    new = await _open(client, NEW, text)
    assert [d.code for d in new] == ["EX103"]
    assert new[0].range.start.line == 9
    inbound = await _published(client, INBOUND.as_uri())
    assert not any(d.code == "EX601" for d in inbound)

    client.diagnostics.clear()
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=NEW.as_uri()))
    )
    assert list(await _published(client, NEW.as_uri())) == []
    assert any(d.code == "EX601" for d in await _published(client, INBOUND.as_uri()))
    assert not NEW.exists()


class _Recorded(dict):  # type: ignore[type-arg]
    """The client's diagnostics that also keeps every publication, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[str, list[types.Diagnostic]]] = []

    def __setitem__(self, uri: str, diagnostics: list[types.Diagnostic]) -> None:
        self.log.append((uri, list(diagnostics)))
        super().__setitem__(uri, diagnostics)


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[*SERVER.server_command[:-1], "200"],  # a pause a burst of edits fits in
        server_env=SERVER.server_env,
    )
)
async def patient(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=REPO.as_uri())
    )
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_a_burst_of_edits_is_linted_once_in_its_last_state(patient: LanguageClient) -> None:
    assert any(d.code == "EX601" for d in await _open(patient, INBOUND))
    broken = INBOUND.read_text()
    repaired = broken.replace("mail.contoso.com", "'*.contoso.com'")
    recorded = _Recorded()
    patient.diagnostics = recorded
    states = [repaired, broken, repaired, broken, repaired, broken, repaired]
    for version, text in enumerate(states, start=2):
        patient.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=INBOUND.as_uri(), version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
    await _published(patient, INBOUND.as_uri())
    with pytest.raises(TimeoutError):  # nothing more comes, late or stale
        await asyncio.wait_for(patient.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 1)
    ((uri, diagnostics),) = recorded.log
    assert uri == INBOUND.as_uri() and not any(d.code == "EX601" for d in diagnostics)
