"""``exolint baseline write FILE [PATH ...]``: record today's findings, so that ``check
--baseline FILE`` reports only new ones."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from linter.commands.options import Parser, add_paths_argument, add_selection_arguments

    actions = parser.add_subparsers(dest="baseline_command", metavar="ACTION", parser_class=Parser)
    actions.required = True
    write = actions.add_parser("write", help="write the baseline of PATHs to FILE")
    add_selection_arguments(write)
    write.add_argument("file", type=Path, metavar="FILE")
    add_paths_argument(write)


def run(args: argparse.Namespace) -> bool:
    from linter.commands.check import lint
    from linter.load.files import write_atomic
    from linter.report.baseline import render

    report = lint(args)
    write_atomic(args.file, render(report))
    print(f"{args.file}: {len(report.findings)} findings recorded", file=sys.stderr)
    return False
