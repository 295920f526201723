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

    def _check_value(self, action: argparse.Action, value: object) -> None:
        """An invalid choice (a subcommand, a format, a severity) names the closest valid one."""
        if action.choices is not None and value not in action.choices:
            from linter.domain.spelling import did_you_mean

            choices = [str(choice) for choice in action.choices]
            hint = did_you_mean(str(value), choices)
            raise argparse.ArgumentError(
                action, f"invalid choice: {value!r}{hint} (choose from {', '.join(choices)})"
            )


REPORT_FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "markdown")
"""linter.report.formatters' names, written out so that ``--help`` imports no formatter (a test
holds the two equal)."""


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
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="lint every scope afresh, neither reading nor writing the cache",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="keep the cache here (default: .exolint_cache at the lint root; "
        "EXOLINT_CACHE_DIR, and EXOLINT_NO_CACHE=1 to turn it off)",
    )


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="the configuration file (default: the nearest .exolint.yaml)",
    )
