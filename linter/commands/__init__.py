"""One module (or folder) per subcommand, listed in one table: name -> module.

Each module has ``HELP`` (one line for ``exolint --help``), ``add_arguments(parser)`` and
``run(args) -> bool``: True when what the command found should fail the run. A mistake in how
the command was called is ``linter.errors.UsageError``. Only ``linter.cli`` turns these into exit
codes. Modules are imported when the parser is built and keep their heavy imports inside
``run``.
"""

from __future__ import annotations

COMMANDS: dict[str, str] = {
    "check": "check",
    "baseline": "baseline",
    "config": "config",
    "test-rules": "test_rules",
    "rules": "rules",
    "explain": "explain",
    "import": "importer",
    "diagnose": "diagnose",
    "fix": "fix",
    "simulate": "simulate",
    "plan": "plan",
    "graph": "graph",
    "lsp": "lsp",
}
"""Subcommand name -> module under linter.commands, in the order ``exolint --help`` lists them."""
