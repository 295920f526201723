"""Options several commands share, so each is spelled and checked once."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import NoReturn

from linter.errors import UsageError


class Parser(argparse.ArgumentParser):
    """An argument mistake is a UsageError (one line, exit 2), not argparse's own exit."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


REPORT_FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "markdown")


def _ids(text: str) -> list[str]:
    return [part.strip().upper() for part in text.split(",") if part.strip()]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-26") from None


def add_paths_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or directories (default: the lint root)"
    )


def add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every command that lints shares: which rules, which root, which day, which
    configuration."""
    parser.add_argument(
        "--select",
        type=_ids,
        default=[],
        metavar="IDS",
        help="only these rule ids or prefixes (comma-separated)",
    )
    parser.add_argument(
        "--ignore",
        type=_ids,
        default=[],
        metavar="IDS",
        help="skip these rule ids or prefixes (comma-separated)",
    )
    parser.add_argument(
        "--root",
        type=Path,
        help="the lint root (default: the enclosing git work tree, else the current directory)",
    )
    parser.add_argument(
        "--as-of", type=_date, metavar="DATE", help="evaluate dates as of this day (default: today)"
    )
    add_config_argument(parser)


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="the configuration file (default: the nearest .exolint.yaml)",
    )
