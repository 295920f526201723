"""Command line: ``exolint check|rules|explain``. The only place that decides exit codes."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from linter.model import SEVERITY_RANK

if TYPE_CHECKING:
    from linter.config import Config
    from linter.engine import Report
    from linter.model import Rule

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in how exolint was called: one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


REPORT_FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab")


class _FormatAction(argparse.Action):
    """--format F [--output FILE] ...: each --output belongs to the --format before it."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option: str | None = None,
    ) -> None:
        outputs = list(getattr(namespace, self.dest, None) or [])
        outputs.append([values, None])
        setattr(namespace, self.dest, outputs)


class _OutputAction(argparse.Action):
    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option: str | None = None,
    ) -> None:
        outputs = list(getattr(namespace, self.dest, None) or [])
        if not outputs or outputs[-1][1] is not None:
            raise UsageError(f"--output {values}: name the --format it is for just before it")
        outputs[-1][1] = values
        setattr(namespace, self.dest, outputs)


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file in the same directory and rename, so a reader never sees half."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
    ) as tmp:
        tmp.write(text)
    os.replace(tmp.name, path)


def _ids(text: str) -> list[str]:
    return [part.strip().upper() for part in text.split(",") if part.strip()]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-26") from None


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
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="the configuration file (default: the nearest .exolint.yaml)",
    )
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    from linter import __version__

    parser = _Parser(
        prog="exolint",
        description="Lint Exchange Online and Exchange hybrid mail-flow definitions kept in git.",
    )
    parser.add_argument("--version", action="version", version=f"exolint {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    selection = _Parser(add_help=False)
    add_selection_arguments(selection)

    check = commands.add_parser("check", parents=[selection], help="lint definition and certificate files")
    check.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or directories (default: the lint root)"
    )
    check.add_argument(
        "--format",
        dest="outputs",
        action=_FormatAction,
        choices=REPORT_FORMATS,
        help="text (default; github under GitHub Actions), json, sarif, junit, github or gitlab; repeatable",
    )
    check.add_argument(
        "--output",
        dest="outputs",
        action=_OutputAction,
        metavar="FILE",
        help="write the format named just before to FILE instead of standard output",
    )
    check.add_argument(
        "--fail-on",
        choices=("error", "warning", "info", "none"),
        help="exit 1 when a finding has at least this severity (default: error, or the configuration's)",
    )
    check.add_argument(
        "--baseline", type=Path, metavar="FILE", help="report only findings that are not in this baseline"
    )
    check.add_argument(
        "--show-suppressed",
        action="store_true",
        help="list suppressed findings too (text) and include them, marked, in SARIF",
    )
    check.add_argument(
        "--diff-base",
        metavar="REF",
        help="report only findings that the git commit REF does not have (for pull requests)",
    )

    baseline = commands.add_parser(
        "baseline", help="record the current findings, to report only new ones later"
    )
    baseline_commands = baseline.add_subparsers(
        dest="baseline_command", metavar="ACTION", parser_class=_Parser
    )
    write = baseline_commands.add_parser(
        "write", parents=[selection], help="write the baseline of PATHs to FILE"
    )
    write.add_argument("file", type=Path, metavar="FILE")
    write.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or directories (default: the lint root)"
    )

    config = commands.add_parser("config", help="the configuration in force")
    config_commands = config.add_subparsers(dest="config_command", metavar="ACTION", parser_class=_Parser)
    show = config_commands.add_parser("show", help="print the effective configuration")
    show.add_argument("--config", type=Path, metavar="FILE", help="the configuration file")

    test_rules = commands.add_parser(
        "test-rules",
        help="run the pass and fail examples of your own rules (exit 1 when one does not hold)",
    )
    test_rules.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="rule directories or rule files (default: the configuration's rules: directories)",
    )
    test_rules.add_argument("--config", type=Path, metavar="FILE", help="the configuration file")
    test_rules.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    rules = commands.add_parser("rules", help="list the rules")
    rules.add_argument("--format", choices=("text", "markdown"), default="text")

    explain = commands.add_parser(
        "explain", help="show a rule's documentation, or the rules that prevent an NDR code"
    )
    explain.add_argument("topic", metavar="ID|NDR", help="a rule id (EX101) or an NDR code (5.7.64, ATTR36)")

    from importlib import import_module

    from linter.commands import COMMANDS

    for name, module_name in COMMANDS.items():
        module = import_module(f"linter.commands.{module_name}")
        command = commands.add_parser(name, help=module.HELP)
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list
    try:
        return _run(build_parser(), args_list)
    except UsageError as exc:
        print(f"exolint: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:
        from linter.rules import RuleError

        if debug:
            raise
        if isinstance(exc, RuleError):
            print(str(exc), file=sys.stderr)
        else:
            print(
                f"exolint: internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
                file=sys.stderr,
            )
        return EXIT_USAGE


def _run(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    args = parser.parse_args(argv)
    if args.command == "check":
        return _check(args)
    if args.command == "rules":
        return _rules(args)
    if args.command == "baseline" and args.baseline_command == "write":
        return _baseline_write(args)
    if args.command == "config" and args.config_command == "show":
        print(json.dumps(configuration(args).effective(), indent=2))
        return EXIT_CLEAN
    if args.command == "explain":
        return _explain(args)
    if args.command == "test-rules":
        return _test_rules(args)
    if hasattr(args, "run"):
        result: int = args.run(args)
        return result
    parser.print_help()
    return EXIT_USAGE


def find_root(start: Path) -> Path:
    """The enclosing git work tree, else the starting directory."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


def _targets(root: Path, paths: list[str]) -> list[str]:
    targets: list[str] = []
    for raw in paths:
        path = Path(raw)
        absolute = Path(os.path.abspath(path))
        if not absolute.exists() and not absolute.is_symlink():
            raise UsageError(f"{raw}: no such file or directory")
        if absolute != root and root not in absolute.parents:
            raise UsageError(
                f"{raw}: outside the lint root {root}; run exolint from inside the repository or pass --root"
            )
        rel = absolute.relative_to(root).as_posix()
        targets.append("" if rel == "." else rel)
    return targets


def selected(rule_id: str, select: list[str], ignore: list[str]) -> bool:
    """The longest matching prefix decides; with --select, ids it does not match are off."""
    best_select = max((len(p) for p in select if rule_id.startswith(p)), default=-1)
    best_ignore = max((len(p) for p in ignore if rule_id.startswith(p)), default=-1)
    if select and best_select < 0:
        return False
    return best_select >= best_ignore


def configuration(args: argparse.Namespace) -> Config:
    """The configuration file named by --config, else the nearest one above the working directory."""
    from linter.config import ConfigError, find, load

    try:
        return load(getattr(args, "config", None) or find(Path.cwd()))
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def configured_rules(config: Config) -> list[Rule]:
    """The built-in rules and the configuration's own, with its severity and option overrides."""
    from linter.config import ConfigError
    from linter.rules import RuleError, configure, configured_directories, load_rules

    try:
        return configure(load_rules(configured_directories(config)), config)
    except (ConfigError, RuleError) as exc:
        raise UsageError(str(exc)) from None


def _lint(args: argparse.Namespace, root_override: Path | None = None) -> Report:
    """Run the rules the selection options and the configuration leave on over the targets."""
    from linter.engine import lint

    config = configuration(args)
    root = (args.root or find_root(Path.cwd())).resolve()
    if not root.is_dir():
        raise UsageError(f"{args.root}: the lint root must be a directory")
    targets = _targets(root, args.paths)
    all_rules = configured_rules(config)
    select = args.select or list(config.select)
    ignore = args.ignore or list(config.ignore)
    known = {r.id for r in all_rules}
    for prefix in (*select, *ignore):
        if not any(rule_id.startswith(prefix) for rule_id in known):
            raise UsageError(f"{prefix}: no rule id starts with this; see `exolint rules`")
    rules = [r for r in all_rules if r.check is None or selected(r.id, select, ignore)]
    report = lint(root_override or root, targets, rules, args.as_of, (config.include, config.exclude))
    from linter.suppress import finish

    return finish(
        report,
        config,
        args.as_of,
        active=lambda rule_id: selected(rule_id, select, ignore),
        known=all_rules,
        targets=targets,
        root=root,
    )


def _known_before(args: argparse.Namespace) -> frozenset[str]:
    """Fingerprints of the baseline file and of the --diff-base commit's findings."""
    import tempfile

    from linter.baseline import BaselineError, export_tree, read

    known: frozenset[str] = frozenset()
    try:
        if args.baseline:
            known |= read(args.baseline)
        if args.diff_base:
            root = (args.root or find_root(Path.cwd())).resolve()
            with tempfile.TemporaryDirectory(prefix="exolint-base-") as directory:
                export_tree(root, args.diff_base, Path(directory))
                base = argparse.Namespace(**vars(args))
                base.paths = [p for p in args.paths if (Path(directory) / _targets(root, [p])[0]).exists()]
                if args.paths and not base.paths:
                    return known  # the files are new: everything in them is new
                known |= {f.fingerprint for f in _lint(base, Path(directory)).findings}
    except BaselineError as exc:
        raise UsageError(str(exc)) from None
    return known


def _check(args: argparse.Namespace) -> int:
    from linter.formatters import FORMATTERS

    report = _lint(args)
    if args.baseline or args.diff_base:
        from linter.baseline import new_findings

        report.findings, report.known = new_findings(report.findings, _known_before(args))
    outputs = args.outputs or [["github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text", None]]
    for name, destination in outputs:
        if destination is None:
            color = name == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
            sys.stdout.write(FORMATTERS[name](report, color=color, show_suppressed=args.show_suppressed))
        else:
            text = FORMATTERS[name](report, color=False, show_suppressed=args.show_suppressed)
            write_atomic(Path(destination), text)
    fail_on = args.fail_on or configuration(args).fail_on or "error"
    if fail_on == "none":
        return EXIT_CLEAN
    threshold = SEVERITY_RANK[fail_on]
    failing = any(SEVERITY_RANK[f.severity] >= threshold for f in report.findings)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def _baseline_write(args: argparse.Namespace) -> int:
    from linter.baseline import render

    report = _lint(args)
    write_atomic(args.file, render(report))
    print(f"{args.file}: {len(report.findings)} findings recorded", file=sys.stderr)
    return EXIT_CLEAN


def _rules(args: argparse.Namespace) -> int:
    from linter.docs import rules_markdown, rules_table

    rules = configured_rules(configuration(args))
    sys.stdout.write(rules_markdown(rules) if args.format == "markdown" else rules_table(rules))
    return EXIT_CLEAN


def _explain(args: argparse.Namespace) -> int:
    from linter.docs import explain_ndr, rule_text

    rules = configured_rules(configuration(args))
    topic = args.topic.strip()
    rule = next((r for r in rules if topic.upper() in (r.id, r.name.upper())), None)
    if rule is not None:
        sys.stdout.write(rule_text(rule))
        return EXIT_CLEAN
    text = explain_ndr(topic, rules)
    if text is None:
        raise UsageError(f"{topic}: neither a rule id nor an NDR code any rule prevents; see `exolint rules`")
    sys.stdout.write(text)
    return EXIT_CLEAN


def _test_rules(args: argparse.Namespace) -> int:
    """Run the examples of rule files. PATHs inside the configuration's rule directories are
    loaded with all of them, as `exolint check` would load them (ids must be unique across)."""
    from linter.config import ConfigError
    from linter.rules import (
        RULE_SUFFIXES,
        RuleError,
        configured_directories,
        load_rules,
        rule_files,
        rule_label,
    )
    from linter.verify import verify

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
    return EXIT_FINDINGS if result.failures else EXIT_CLEAN
