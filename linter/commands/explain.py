"""``exolint explain ID|NDR``: a rule's documentation, or the rules that prevent an NDR code."""

from __future__ import annotations

import argparse
import sys

from linter.errors import UsageError

HELP = "show a rule's documentation, or the rules that prevent an NDR code"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("topic", metavar="ID|NDR", help="a rule id (EX101) or an NDR code (5.7.64, ATTR36)")


def run(args: argparse.Namespace) -> bool:
    from linter.commands.check import configuration, configured_rules
    from linter.report.docs import explain_ndr, rule_text

    rules = configured_rules(configuration(args))
    topic = args.topic.strip()
    rule = next((r for r in rules if topic.upper() in (r.id, r.name.upper())), None)
    if rule is not None:
        sys.stdout.write(rule_text(rule))
        return False
    text = explain_ndr(topic, rules)
    if text is None:
        raise UsageError(f"{topic}: neither a rule id nor an NDR code any rule prevents; see `exolint rules`")
    sys.stdout.write(text)
    return False
