"""``exolint explain ID|PREFIX|NDR``: a rule's documentation, the rules whose id starts with a
prefix, or the rules that prevent an NDR code."""

from __future__ import annotations

import argparse
import re
import sys

from linter.errors import UsageError

PREFIX = re.compile(r"^[A-Za-z]{2}[0-9]{0,2}$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "topic",
        metavar="ID|PREFIX|NDR",
        help="a rule id (EX101), an id prefix to list its rules (EX6), or an NDR code (5.7.64, ATTR36)",
    )


def run(args: argparse.Namespace) -> bool:
    from linter.commands.check import configuration, configured_rules
    from linter.report.docs import explain_ndr, rule_text, rules_table

    rules = configured_rules(configuration(args))
    topic = args.topic.strip()
    rule = next((r for r in rules if topic.upper() in (r.id, r.name.upper())), None)
    if rule is not None:
        sys.stdout.write(rule_text(rule))
        return False
    prefixed = [r for r in rules if r.id.startswith(topic.upper())] if PREFIX.match(topic) else []
    if prefixed:
        sys.stdout.write(rules_table(prefixed))
        return False
    text = explain_ndr(topic, rules)
    if text is None:
        from linter.domain.spelling import did_you_mean

        hint = did_you_mean(topic, [r.name for r in rules])
        raise UsageError(
            f"{topic}: neither a rule id or prefix nor an NDR code any rule prevents "
            f"(see `exolint rules`){hint}"
        )
    sys.stdout.write(text)
    return False
