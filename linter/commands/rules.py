"""``exolint rules``: the rules in force, as a table or as Markdown."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "markdown"), default="text")


def run(args: argparse.Namespace) -> bool:
    from linter.commands.check import configuration, configured_rules
    from linter.report.docs import rules_markdown, rules_table

    rules = configured_rules(configuration(args))
    sys.stdout.write(rules_markdown(rules) if args.format == "markdown" else rules_table(rules))
    return False
