"""One module (or folder) per subcommand, listed in one table: name -> module.

Each module has ``HELP`` (one line for ``exolint --help``), ``add_arguments(parser)`` and
``run(args) -> bool``: True when what the command found should fail the run. A mistake in how
the command was called is ``linter.errors.UsageError``. Only ``linter.cli`` turns these into exit
codes. Every module listed here is imported to build the parser, so each keeps its imports of
the lower layers inside ``run`` and its helpers: ``exolint --version`` and ``--help`` load none
of the engine, the YAML parser or cryptography. The command's own helper modules (``cases.py``,
``exports.py``, ...) are imported only from there and import at the top.
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
