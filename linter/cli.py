"""Command line: the parser, one dispatch table (``linter.commands.COMMANDS``), and exit codes.

This is the only place that decides exit codes: 0 when nothing reaches the fail-on severity, 1
when something does, 2 for a usage, configuration or internal error, and 141 (as for SIGPIPE)
when the reader of standard output went away. Never a traceback unless ``--debug``.

Start-up is kept small: ``--version`` imports nothing else, ``--help`` lists the commands from
``linter.commands.COMMANDS`` without importing them, and only the module of the command being run is
imported and given its arguments (tests/test_startup.py holds the import budget).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from linter.errors import UsageError

if TYPE_CHECKING:
    import argparse

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a Unix tool whose reader went away


def _command_named(args: Sequence[str]) -> str | None:
    """The first word that is not an option: the command (exolint's own options take no value)."""
    return next((a for a in args if not a.startswith("-")), None)


def build_parser(command: str | None = None, *, every: bool = True) -> argparse.ArgumentParser:
    """The parser: every command listed, with the arguments of each (``every``), else ``command``
    alone with its arguments, which is how a run builds it (each command listed costs a parser;
    when ``command`` is not one, all are listed, for the message that names the closest)."""
    import argparse
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
    for name, (module_name, help_line) in COMMANDS.items():
        if not every and command in COMMANDS and name != command:
            continue  # a run of a known command: no other is named (an unknown one lists them all)
        subparser = commands.add_parser(name, help=help_line)
        if not every and name != command:
            continue
        module = import_module(f"linter.commands.{module_name}")
        module.add_arguments(subparser)
        subparser.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )
        subparser.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list
    command = _command_named(args_list)
    leading = args_list[: args_list.index(command)] if command is not None else args_list
    if "--version" in leading:  # before anything else, as argparse's version action would
        from linter import __version__

        print(f"exolint {__version__}")
        return EXIT_CLEAN
    try:
        parser = build_parser(command, every=False)
        args = parser.parse_args(args_list)
        if not hasattr(args, "run"):
            parser.print_help()
            return EXIT_USAGE
        failed = args.run(args)
        sys.stdout.flush()  # here, so that a closed pipe is seen here and not at exit
        return EXIT_FINDINGS if failed else EXIT_CLEAN
    except BrokenPipeError:
        # The reader (`| head`) has all it wanted: end quietly, and let nothing more be written
        # to the pipe when Python flushes standard output at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except UsageError as exc:
        from linter.domain.untrusted import printable  # only a run that fails needs it

        print(f"exolint: {printable(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:
        from linter.domain.untrusted import printable
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


def entry() -> NoReturn:
    """The program (``exolint``, ``python -m linter``): ``main`` with the command line, then an exit
    that does not tear the interpreter down. Freeing every module and object at exit was a sixth of
    a small run, and nothing of it shows: as at an ordinary exit, the exit handlers run and
    standard output and error are flushed first. With another thread still running, or output
    that cannot be flushed, it exits the ordinary way, which waits for the one and reports the
    other."""
    _first_collection_later()
    code = main()
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        raise SystemExit(code)
    import atexit

    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        raise SystemExit(code) from None
    os._exit(code)


STARTUP_OBJECTS = 40_000
"""Objects made before the cyclic garbage collector's first pass. A run starts by making objects
that live as long as it does (modules, classes, the rules, cryptography's and the YAML parser's
modules), and the collector's passes over them find nothing: they were a twentieth of a run of a
small repository, which makes some 33,000 objects in all and so now makes no pass."""


def _first_collection_later() -> None:
    """Hold the collector's first pass back until STARTUP_OBJECTS have been made; from that pass
    on it runs as configured, so a large run does not let its garbage grow. A worker process
    forked for a large run collects as configured from its start: its objects are its work."""
    import gc

    threshold = gc.get_threshold()

    def restore(phase: str = "stop", info: object = None) -> None:
        if phase == "stop" and restore in gc.callbacks:
            gc.callbacks.remove(restore)
            gc.set_threshold(*threshold)

    gc.set_threshold(max(threshold[0], STARTUP_OBJECTS), *threshold[1:])
    gc.callbacks.append(restore)
    if hasattr(os, "register_at_fork"):  # not on Windows, where workers are not forked
        os.register_at_fork(after_in_child=restore)
