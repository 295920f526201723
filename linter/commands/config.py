"""``exolint config show``: the configuration in force, every setting with its value."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from linter.commands.options import Parser

    actions = parser.add_subparsers(dest="config_command", metavar="ACTION", parser_class=Parser)
    actions.required = True
    show = actions.add_parser("show", help="print the effective configuration")
    show.add_argument("--config", type=Path, metavar="FILE", help="the configuration file")


def run(args: argparse.Namespace) -> bool:
    from linter.commands.check import configuration

    print(json.dumps(configuration(args).effective(), indent=2))
    return False
