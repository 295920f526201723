"""Diagnostics latency of `exolint lsp`: a change sent -> its diagnostics published. Run by hand:

    python bench/lsp_latency.py                                   # the renewed example
    python bench/make_msp_repo.py /tmp/msp --tenants 500
    python bench/lsp_latency.py /tmp/msp tenant0001/exo/inbound.yaml

A real client (pytest-lsp's) starts the server over stdio, opens the file and sends 20 changes
one at a time (a comment line added, then taken away), each waiting for its diagnostics. The
median and worst time include the server's debounce (--debounce, 50 ms by default).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


async def measure(root: Path, rel: str, debounce: int, changes: int) -> list[float]:
    from lsprotocol import types
    from pytest_lsp import make_test_lsp_client

    client = make_test_lsp_client()
    command = [sys.executable, "-m", "linter", "lsp", "--root", str(root), "--debounce", str(debounce)]
    await client.start_io(*command, env={**os.environ, "PYTHONPATH": str(REPO)})
    await client.initialize_session(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=root.as_uri())
    )
    path = root / rel
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    item = types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    times = []
    for version in range(2, changes + 2):
        changed = text + ("# edited\n" if version % 2 else "")
        start = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=changed)],
            )
        )
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        times.append((time.perf_counter() - start) * 1000)
    await client.shutdown_session()
    await client.stop()
    return sorted(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", type=Path, default=REPO)
    parser.add_argument(
        "file", nargs="?", default="examples/contoso-renewed-certificate/exo/inbound-connector.yaml"
    )
    parser.add_argument("--debounce", type=int, default=50, metavar="MS")
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()
    times = asyncio.run(measure(args.root.resolve(), args.file, args.debounce, args.changes))
    print(f"{len(times)} changes: median {times[len(times) // 2]:.0f} ms, worst {times[-1]:.0f} ms")


if __name__ == "__main__":
    main()
