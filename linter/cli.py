"""Command line: the parser, one dispatch table (``linter.commands.COMMANDS``), and exit codes.

This is the only place that decides exit codes: 0 when nothing reaches the fail-on severity, 1
when something does, 2 for a usage, configuration or internal error. Never a traceback unless
``--debug``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from linter.domain.untrusted import printable
from linter.errors import UsageError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    from importlib import import_module

    from linter import __version__
    from linter.commands import COMMANDS
    from linter.commands.options import Parser

    parser = Parser(
        prog="exolint",
        description="Lint Exchange Online and Exchange hybrid mail-flow definitions kept in git.",
    )
    parser.add_argument("--version", action="version", version=f"exolint {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name, module_name in COMMANDS.items():
        module = import_module(f"linter.commands.{module_name}")
        command = commands.add_parser(name, help=module.HELP)
        module.add_arguments(command)
        command.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )
        command.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list
    try:
        parser = build_parser()
        args = parser.parse_args(args_list)
        if not hasattr(args, "run"):
            parser.print_help()
            return EXIT_USAGE
        return EXIT_FINDINGS if args.run(args) else EXIT_CLEAN
    except UsageError as exc:
        print(f"exolint: {printable(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:
        from linter.lint.rules import RuleError

        if debug:
            raise
        if isinstance(exc, RuleError):
            print(printable(str(exc)), file=sys.stderr)
        else:
            print(
                f"exolint: internal error: {type(exc).__name__}: {printable(str(exc))} "
                "(run with --debug for details)",
                file=sys.stderr,
            )
        return EXIT_USAGE
