"""Commands beyond checking, one module each: an explicit table, name -> module.

Each module has ``HELP`` (one line for ``exolint --help``), ``add_arguments(parser)`` and
``run(args) -> int`` (an exit code: 0, 1, or 2 through ``linter.cli.UsageError``). Modules are
imported only when the parser is built, and keep their own heavy imports inside ``run``.
"""

from __future__ import annotations

COMMANDS: dict[str, str] = {
    "import": "importer",
    "diagnose": "diagnose",
    "fix": "fix",
    "simulate": "simulate",
    "plan": "plan",
}
"""Subcommand name -> module path under linter.commands."""
