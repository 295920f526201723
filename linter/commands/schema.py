"""``exolint schema [KIND] [--output FILE]``: the definition schema for editors (draft-07)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "kind",
        nargs="?",
        metavar="KIND",
        help="one kind (InboundConnector, ...); default: every kind, chosen by each document's kind",
    )
    parser.add_argument(
        "--output", type=Path, metavar="FILE", help="write to FILE instead of standard output"
    )


def run(args: argparse.Namespace) -> bool:
    from linter.domain.spelling import did_you_mean
    from linter.errors import UsageError
    from linter.load.files import write_atomic
    from linter.load.resources import kind_schemas
    from linter.objects.editor_schema import combined_schema, kind_schema_07

    if args.kind is None:
        schema = combined_schema()
    else:
        kind = next((k for k in kind_schemas() if k.lower() == args.kind.lower()), None)
        if kind is None:
            raise UsageError(
                f"{args.kind}: not a kind{did_you_mean(args.kind, kind_schemas())} "
                f"(kinds: {', '.join(kind_schemas())})"
            )
        schema = kind_schema_07(kind)
    text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return False
