"""Without the `lsp` extra, `exolint lsp` says what to install (exit 2), and nothing else needs it."""

from __future__ import annotations

import sys

import pytest
from conftest import REPO


def test_lsp_without_pygls_says_what_to_install(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "pygls", None)  # import pygls now fails as if absent
    monkeypatch.setitem(sys.modules, "pygls.lsp", None)
    monkeypatch.setitem(sys.modules, "pygls.lsp.server", None)
    monkeypatch.delitem(sys.modules, "linter.commands.lsp.server", raising=False)
    code, out, err = cli(REPO, "lsp")
    assert code == 2 and out == ""
    assert (
        err
        == "exolint: the language server needs pygls, which is not installed: pip install 'exolint[lsp]'\n"
    )


def test_core_commands_do_not_import_pygls() -> None:
    import subprocess

    probe = "import sys; from linter.cli import build_parser; build_parser(); print('pygls' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
