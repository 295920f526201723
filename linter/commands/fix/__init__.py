"""``exolint fix [PATH ...]``: make the repository repairs the rules declare, as a diff or in place.

The findings are those ``exolint check`` reports for the same PATHs and selection (configuration,
--select/--ignore and suppressions included); each carries the edit its rule declares
(``repair:`` in the rule file). Only YAML files under the PATHs are edited, through
``linter.commands.fix.edit``; a file that changed since it was read is left alone.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from linter.domain.untrusted import printable

if TYPE_CHECKING:
    from linter.model import Finding


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from linter.commands.options import add_paths_argument, add_selection_arguments

    add_paths_argument(parser)
    parser.add_argument("--write", action="store_true", help="apply the repairs instead of printing the diff")
    add_selection_arguments(parser)


def run(args: argparse.Namespace) -> bool:
    import difflib

    from linter.commands.check import lint, lint_root, targets
    from linter.commands.fix.edit import EditError, apply_repairs
    from linter.load.files import write_atomic
    from linter.load.textfile import decode_text, encode_text
    from linter.objects.scopes import under_any

    report = lint(args)
    root = lint_root(args)
    given = under_any(targets(root, args.paths))
    by_file: dict[str, list[Finding]] = {}
    for finding in report.findings:
        if finding.repair is None:
            continue
        if not given(finding.path):
            _skip(finding, f"{finding.path} is not under the PATHs given; name it to repair it")
        elif finding.path.lower().endswith(".json"):
            _skip(finding, "exolint edits YAML only; change the JSON by hand or import it as YAML")
        else:
            by_file.setdefault(finding.path, []).append(finding)
    changed: list[tuple[str, str, list[Finding]]] = []
    refused = False
    for rel, findings in sorted(by_file.items()):
        path = root / rel
        try:
            before = path.read_bytes()
            text, form = decode_text(before)
            after, applied, problems = apply_repairs(text, findings)
        except (OSError, UnicodeDecodeError, EditError) as exc:
            if isinstance(exc, UnicodeDecodeError):
                reason = "neither UTF-8 nor UTF-16 with a byte-order mark; repair it by hand"
            else:
                reason = (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)
            for finding in findings:
                _skip(finding, f"{rel}: {reason}")
            refused = True
            continue
        for problem in problems:
            _skip(problem.finding, problem.reason)
            refused = True
        if after == text:
            continue
        if not args.write:
            diff = difflib.unified_diff(
                text.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{rel}", f"b/{rel}"
            )
            # the file's own lines, shown as check shows values: no key material, no control character
            sys.stdout.writelines(printable(line.rstrip("\n")) + "\n" for line in diff)
        elif path.read_bytes() != before:
            for finding in applied:
                _skip(finding, f"{rel} changed while exolint was editing it; run fix again")
            refused = True
            continue
        else:
            write_atomic(path, encode_text(after, form))  # its own encoding, BOM and line endings
        changed.append((rel, after, applied))
    for rel, _, applied in changed:
        ids = ", ".join(sorted({f.rule_id for f in applied}))
        verb = "repaired" if args.write else "would repair"
        print(f"{rel}: {verb} {len(applied)} finding{'s' * (len(applied) != 1)} ({ids})", file=sys.stderr)
        for finding in applied:
            if finding.repair is not None and finding.repair.note:
                print(f"{rel}:{finding.line}: {finding.rule_id} {finding.repair.note}", file=sys.stderr)
    if not changed:
        print("nothing to repair", file=sys.stderr)
    elif not args.write:
        print("run `exolint fix --write` with the same arguments to apply this", file=sys.stderr)
    if args.write:
        return refused
    return bool(changed)


def _skip(finding: Finding, reason: str) -> None:
    where = f"{finding.path}:{finding.line}:{finding.column}"
    print(f"{where}: {finding.rule_id} not repaired: {reason}", file=sys.stderr)
