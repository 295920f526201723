"""One module (or folder) per subcommand, listed in one table: name -> (module, help line).

Each module has ``add_arguments(parser)`` and ``run(args) -> bool``: True when what the command
found should fail the run. A mistake in how the command was called is
``linter.errors.UsageError``. Only ``linter.cli`` turns these into exit codes. ``linter.cli``
imports only the module of the command being run (``exolint --help`` lists the names and help
lines of this table without importing any), so each keeps its imports of the lower layers inside
``run`` and its helpers: ``exolint --version`` and ``--help`` load none of the engine, the YAML
parser or cryptography. The command's own helper modules (``cases.py``, ``exports.py``, ...) are
imported only from there and import at the top.
"""

from __future__ import annotations

COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("check", "lint definition and certificate files"),
    "baseline": ("baseline", "record the current findings, to report only new ones later"),
    "config": ("config", "the configuration in force"),
    "test-rules": (
        "test_rules",
        "run the pass and fail examples of your own rules (exit 1 when one does not hold)",
    ),
    "rules": ("rules", "list the rules"),
    "explain": (
        "explain",
        "show a rule's documentation, the rules of an id prefix, or the rules that prevent an NDR code",
    ),
    "schema": ("schema", "print the JSON Schema of definitions for editors (all kinds, or one)"),
    "import": ("importer", "turn Get-* | ConvertTo-Json and Microsoft365DSC exports into definition files"),
    "diagnose": (
        "diagnose",
        "explain SMTP protocol log sessions with Exchange Online (certificate, TLS, 550 5.7.64) and the fix",
    ),
    "fix": (
        "fix",
        "repair findings with a mechanical fix in the YAML definitions (a diff; --write applies it)",
    ),
    "simulate": (
        "simulate",
        "show how Exchange Online would attribute one message (source IP, certificate, MAIL FROM)",
    ),
    "plan": (
        "plan",
        "compare the repository with an export of the live tenant and print the commands that would apply it",
    ),
    "graph": ("graph", "draw each deployment's mail flow, with the verdict on every edge (Mermaid or HTML)"),
    "lsp": ("lsp", "run the language server (stdio) for editors: live findings, repairs, hover, completion"),
}
"""Subcommand name -> (module under linter.commands, its line in ``exolint --help``), in the order
``exolint --help`` lists them; the help lines are here so that ``--help`` imports no module."""
