"""``exolint graph [PATH ...]``: the mail flow of each deployment as a picture.

Mermaid text (GitHub and GitLab draw it in Markdown) or one self-contained HTML file with an
inline SVG. The findings laid on the edges are those ``exolint check`` reports for the same PATHs
and selection, so a red edge is always a finding of the run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linter.model import Report
    from linter.report.flow import Flow


GRAPH_FORMATS = ("mermaid", "html")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from linter.commands.options import add_paths_argument, add_selection_arguments

    add_paths_argument(parser)
    parser.add_argument(
        "--format", choices=GRAPH_FORMATS, default="mermaid", help="mermaid (default) or html"
    )
    parser.add_argument(
        "--output", type=Path, metavar="FILE", help="write to FILE instead of standard output"
    )
    add_selection_arguments(parser)


def run(args: argparse.Namespace) -> bool:
    from linter.commands.check import lint
    from linter.load.files import write_atomic

    found = flows(args, lint(args))
    if args.format == "html":
        from linter.report.flow.svg import render_html

        text = render_html(found)
    else:
        from linter.report.flow.mermaid import render

        text = render(found)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_atomic(args.output, text)
    return False  # a picture never fails the run; `check` decides that


def flows(args: argparse.Namespace, report: Report, limit: int | None = None) -> list[Flow]:
    """The flow of every deployment the PATHs touch (at most ``limit``), with the report's findings."""
    from linter.commands.check import configuration, lint_root, targets
    from linter.report.flow import deployments

    config = configuration(args)
    root = lint_root(args)
    found = targets(root, args.paths)
    return deployments(root, found, (config.include, config.exclude), report.findings, limit)
