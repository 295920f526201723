"""``exolint test-rules [PATH ...]``: run the pass and fail examples of rule files.

Examples are written out as real files (``cases``), with certificates generated from their
specs (``certgen``), linted, and compared with what they expect (``verify``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from linter.errors import UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from linter.commands.options import add_config_argument

    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="rule directories or rule files (default: the configuration's rules: directories)",
    )
    add_config_argument(parser)


def run(args: argparse.Namespace) -> bool:
    """Run the examples of rule files. PATHs inside the configuration's rule directories are
    loaded with all of them, as `exolint check` would load them (ids must be unique across)."""
    from linter.commands.check import configuration
    from linter.commands.test_rules.verify import verify
    from linter.lint.config import ConfigError
    from linter.lint.rules import (
        RULE_SUFFIXES,
        RuleError,
        configured_directories,
        load_rules,
        rule_files,
        rule_label,
    )

    config = configuration(args)
    try:
        configured = configured_directories(config)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    paths = [Path(raw) for raw in args.paths]
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
        if path.is_file() and path.suffix.lower() not in RULE_SUFFIXES:
            raise UsageError(f"{path}: not a rule file; give .yaml or .yml files or directories")
    if not paths:
        if not configured:
            where = config.path or "the configuration (.exolint.yaml)"
            raise UsageError(
                f"no rule directories to test: name them (exolint test-rules DIR) or under rules: in {where}"
            )
        paths = configured

    def inside(path: Path, directory: Path) -> bool:
        return path.resolve() == directory.resolve() or directory.resolve() in path.resolve().parents

    context = configured if any(inside(p, d) for p in paths for d in configured) else []
    directories = [*context, *(p for p in paths if p.is_dir())]
    files = [p for p in paths if p.is_file()]
    tested: set[str] = set()
    for path in paths:
        found = rule_files(path) if path.is_dir() else [path]
        if not found:
            raise UsageError(f"{path}: holds no rule files (*.yaml, *.yml)")
        tested |= {rule_label(f) for f in found}
    try:
        rules = load_rules(directories, files)
    except RuleError as exc:
        raise UsageError(str(exc)) from None
    result = verify([r for r in rules if r.path in tested], rules)
    for failure in result.failures:
        print(failure)
    print(result.summary())
    return bool(result.failures)
