"""``exolint lsp``: a language server over standard input and output, for editors.

Findings appear as you type, from the unsaved buffers laid over the files on disk, for the whole
deployment the document belongs to; code actions make the rule's repair or add a suppression;
hover shows a property's description and a finding's rule; completion offers property names and
enum values. It needs the ``lsp`` extra (``pip install 'exolint[lsp]'``), imported only here.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from linter.errors import UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from linter.commands.options import add_config_argument

    parser.add_argument(
        "--root",
        type=Path,
        help="the lint root (default: the git work tree around the editor's workspace folder)",
    )
    parser.add_argument(
        "--debounce",
        type=int,
        default=50,
        metavar="MS",
        help="wait this long after a keystroke before linting again (default: 50)",
    )
    add_config_argument(parser)
    parser.add_argument(
        "--stdio", action="store_true", help="accepted for editors that pass it; stdio is the default"
    )


def run(args: argparse.Namespace) -> bool:
    try:
        from linter.commands.lsp.server import serve
    except ImportError:
        raise UsageError(
            "the language server needs pygls, which is not installed: pip install 'exolint[lsp]'"
        ) from None
    serve(args.root.resolve() if args.root else None, args.config, args.debounce / 1000)
    return False
