"""``exolint check`` and ``exolint baseline write``: lint the repository and report.

``lint(args)`` is the one way a command lints: the configuration, the rules it leaves on, the
engine over the targets, then suppressions. ``fix`` and ``baseline write`` call it too, so
they see exactly what ``check`` reports.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from linter.errors import UsageError

if TYPE_CHECKING:
    from linter.lint.cache import Cache
    from linter.lint.config import Config
    from linter.model import Finding, Report, Rule
    from linter.objects.scopes import ScopeFinder


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from linter.commands.options import REPORT_FORMATS, add_paths_argument, add_selection_arguments

    add_selection_arguments(parser)
    add_paths_argument(parser)
    parser.add_argument(
        "--format",
        dest="outputs",
        action=_OutputsAction,
        choices=REPORT_FORMATS,
        help="text (github under GitHub Actions), json, sarif, junit, github, gitlab, markdown; repeatable",
    )
    parser.add_argument(
        "--output",
        dest="outputs",
        action=_OutputsAction,
        metavar="FILE",
        help="write the format named just before to FILE instead of standard output",
    )
    parser.add_argument(
        "--fail-on",
        choices=("error", "warning", "info", "none"),
        help="exit 1 when a finding has at least this severity (default: error, or the configuration's)",
    )
    parser.add_argument(
        "--baseline", type=Path, metavar="FILE", help="report only findings that are not in this baseline"
    )
    parser.add_argument(
        "--show-suppressed",
        action="store_true",
        help="list suppressed findings too (text) and include them, marked, in SARIF",
    )
    parser.add_argument(
        "--git-deletions",
        action="store_true",
        help="also lint the deployments that lose a file in the commit being made (staged deletions, or "
        "PRE_COMMIT_FROM_REF...PRE_COMMIT_TO_REF); with no PATH, only those (the pre-commit hook's mode)",
    )
    parser.add_argument(
        "--diff-base",
        metavar="REF",
        help="report only findings that the git commit REF does not have (for pull requests)",
    )
    parser.add_argument(
        "--allow-empty",
        action="store_true",
        help="exit 0 when the directories hold no definitions or certificates (default: exit 2)",
    )


class _OutputsAction(argparse.Action):
    """--format F [--output FILE] ...: each --output belongs to the --format before it."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option: str | None = None,
    ) -> None:
        outputs = list(getattr(namespace, self.dest, None) or [])
        if option == "--format":
            outputs.append([values, None])
        elif not outputs or outputs[-1][1] is not None:
            raise UsageError(f"--output {values}: name the --format it is for just before it")
        else:
            outputs[-1][1] = values
        setattr(namespace, self.dest, outputs)


def run(args: argparse.Namespace) -> bool:
    """Lint and write every requested format; True when a finding reaches the fail-on severity."""
    from linter.load.files import write_atomic
    from linter.model import SEVERITY_RANK
    from linter.report.formatters import FORMATTERS

    report = lint(args)
    config, root = configuration(args), lint_root(args)
    globs = (config.include, config.exclude)
    if not (args.allow_empty or args.git_deletions) and _nothing_found(report, args.paths):
        where = " ".join(args.paths) or f"the lint root {root}"
        raise UsageError(
            f"{where}: no definitions or certificates found, so nothing was checked; point exolint at "
            "the folder that holds them, or pass --allow-empty to accept an empty run"
        )
    if args.baseline or args.diff_base:
        import tempfile

        from linter.report.baseline import name_deletions, new_findings

        with tempfile.TemporaryDirectory(prefix="exolint-base-") as directory:
            base = Path(directory)
            findings, known = new_findings(report.findings, _known_before(args, base))
            if args.diff_base and findings:
                findings = name_deletions(findings, root, base, args.diff_base, globs)
        report = replace(report, findings=findings, known=known)
    outputs = args.outputs or [["github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text", None]]
    if any(name == "markdown" for name, _ in outputs):
        from linter.report.flow import pictures

        drawn = pictures(root, targets(root, args.paths), globs, report, args.diff_base)
        report = replace(report, pictures=drawn)
    for name, destination in outputs:
        shown = _rebased(report, root, _path_base(name, root))
        if destination is None:
            color = name == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
            sys.stdout.write(FORMATTERS[name](shown, color=color, show_suppressed=args.show_suppressed))
        else:
            text = FORMATTERS[name](shown, color=False, show_suppressed=args.show_suppressed)
            write_atomic(Path(destination), text)
    fail_on = args.fail_on or config.fail_on or "error"
    if fail_on == "none":
        return False
    threshold = SEVERITY_RANK[fail_on]
    return any(SEVERITY_RANK[f.severity] >= threshold for f in report.findings)


CI_FORMATS = ("sarif", "github", "gitlab", "junit")


def _path_base(format_name: str, root: Path) -> Path:
    """What a format's paths are relative to. Text: the working directory, as ruff prints them, so
    that a terminal or an editor opens them from where exolint ran. The formats a CI service reads:
    the top of the git work tree, which is how GitHub and GitLab name a repository's files, also
    under ``--root sub/dir``. JSON: the lint root, as findings and baselines name files."""
    from linter.load.files import find_root

    if format_name == "text":
        return Path.cwd().resolve()
    if format_name in CI_FORMATS:
        return find_root(root)
    return root


def _rebased(report: Report, root: Path, base: Path) -> Report:
    """The report with its findings' root-relative paths made relative to ``base``."""
    import dataclasses

    if base == root:
        return report

    def moved(path: str) -> str:
        """A root-relative path made relative to the base; an absolute one (a configuration file
        outside the root) is left as it is."""
        return path if os.path.isabs(path) else Path(os.path.relpath(root / path, base)).as_posix()

    def finding_moved(f: Finding) -> Finding:
        related = tuple(dataclasses.replace(r, path=moved(r.path)) for r in f.related)
        return dataclasses.replace(f, path=moved(f.path), related=related)

    findings = [finding_moved(f) for f in report.findings]
    suppressed = [
        dataclasses.replace(s, finding=finding_moved(s.finding), path=moved(s.path))
        for s in report.suppressed
    ]
    return dataclasses.replace(report, findings=findings, suppressed=suppressed)


def _nothing_found(report: Report, paths: list[str]) -> bool:
    """A run over directories (the default) that found nothing to lint: a CI gate pointed at the
    wrong folder must not pass quietly. Named files, as pre-commit passes them, may hold none, and
    so may a commit that touches no definition (--git-deletions, the hook's run on every commit)."""
    if report.objects or report.certificates or report.findings or report.suppressed:
        return False
    return all(Path(p).is_dir() for p in paths)


def lint_root(args: argparse.Namespace) -> Path:
    """--root, else the enclosing git work tree, else the working directory."""
    from linter.load.files import find_root

    return (args.root or find_root(Path.cwd())).resolve()


def targets(root: Path, paths: list[str]) -> list[str]:
    """The PATHs as root-relative POSIX paths ("" for the root itself). Plain strings: thousands
    of file arguments (a pre-commit hook's) cost little."""
    found: list[str] = []
    root_text = str(root)
    prefix = root_text.rstrip(os.sep) + os.sep
    for raw in paths:
        absolute = os.path.abspath(raw)
        if not os.path.lexists(absolute):
            raise UsageError(f"{raw}: no such file or directory")
        if absolute != root_text and not absolute.startswith(prefix):
            raise UsageError(
                f"{raw}: outside the lint root {root}; run exolint from inside the repository or pass --root"
            )
        rel = "." if absolute == root_text else absolute[len(prefix) :].replace(os.sep, "/")
        found.append("" if rel == "." else rel)
    return found


def configuration(args: argparse.Namespace) -> Config:
    """The configuration file named by --config, else the nearest one above the working directory."""
    from linter.lint.config import ConfigError, find, load

    try:
        return load(getattr(args, "config", None) or find(Path.cwd()))
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def configured_rules(config: Config) -> list[Rule]:
    """The built-in rules and the configuration's own, with its severity and option overrides."""
    return configure_rules(rule_definitions(config), config)


def rule_definitions(config: Config) -> list[Rule]:
    """The built-in rules and the configuration's own, as their files define them."""
    from linter.lint.config import ConfigError
    from linter.lint.rules import RuleError, configured_directories, load_rules

    try:
        return load_rules(configured_directories(config))
    except (ConfigError, RuleError) as exc:
        raise UsageError(str(exc)) from None


def configure_rules(definitions: list[Rule], config: Config) -> list[Rule]:
    """The rules with the configuration's severity and option overrides."""
    from linter.lint.config import ConfigError
    from linter.lint.rules import RuleError, configure

    try:
        return configure(definitions, config)
    except (ConfigError, RuleError) as exc:
        raise UsageError(str(exc)) from None


def _cache(args: argparse.Namespace, root: Path, config: Config) -> Cache | None:
    """The cache of this lint root for these settings, unless --no-cache or EXOLINT_NO_CACHE."""
    import datetime as dt

    from linter.lint.config import ConfigError

    if getattr(args, "no_cache", False) or os.environ.get("EXOLINT_NO_CACHE", "") not in ("", "0"):
        return None
    # with pickle: not for --no-cache
    from linter.lint.cache import DIRECTORY, Cache, code_fingerprint, tree_digest

    own_rules: list[Path] = []
    if config.rules:  # rules.py is not imported for a run replayed whole without them
        from linter.lint.rules import configured_directories

        try:
            own_rules = configured_directories(config)
        except ConfigError:
            return None  # reported when the rules are loaded
    directory = getattr(args, "cache_dir", None) or os.environ.get("EXOLINT_CACHE_DIR") or root / DIRECTORY
    settings = {
        "version": code_fingerprint(),
        "own rules": tree_digest(own_rules),
        "configuration": repr(config),
        "as_of": (args.as_of or dt.date.today()).isoformat(),
    }
    return Cache(Path(os.path.abspath(directory)), root, settings)


def lint(args: argparse.Namespace, root_override: Path | None = None) -> Report:
    """Run the rules the selection options and the configuration leave on over the targets. A run
    the cache saw with the same settings, targets and files is replayed without loading the rules."""
    config = configuration(args)
    root = lint_root(args)
    if not root.is_dir():
        raise UsageError(f"{args.root}: the lint root must be a directory")
    found = targets(root, args.paths)
    select = args.select or list(config.select)
    ignore = args.ignore or list(config.ignore)
    deleted = _deleted(root) if getattr(args, "git_deletions", False) else None
    globs = (config.include, config.exclude)
    cache = None if root_override else _cache(args, root, config)
    junit = any(name == "junit" for name, _ in getattr(args, "outputs", None) or ())  # its test cases
    finder = None
    if cache is not None:
        from linter.lint.cache import listed
        from linter.load.loader import Loader, named_files
        from linter.objects.scopes import ScopeFinder

        finder = ScopeFinder(Loader(root, *globs, named=named_files(root, found)))
        recalled = cache.recall(
            repr((found, select, ignore, deleted, junit)), finder, *listed(finder.loader), checked=junit
        )
        if recalled is not None:
            return recalled
    report = _lint(args, config, root, found, (select, ignore, junit), deleted, cache, finder, root_override)
    if cache is not None and finder is not None:
        cache.remember(finder, report)
    return report


def _lint(
    args: argparse.Namespace,
    config: Config,
    root: Path,
    found: list[str],
    selection: tuple[list[str], list[str], bool],
    deleted: list[str] | None,
    cache: Cache | None,
    finder: ScopeFinder | None,
    root_override: Path | None,
) -> Report:
    from linter.lint.engine import lint as lint_scopes
    from linter.lint.rules import selected
    from linter.report.suppress import finish

    definitions = rule_definitions(config)
    all_rules = configure_rules(definitions, config)
    select, ignore, junit = selection
    known = {r.id for r in all_rules}
    for prefix in (*select, *ignore):
        if not any(rule_id.startswith(prefix) for rule_id in known):
            raise UsageError(f"{prefix}: no rule id starts with this; see `exolint rules`")
    rules = [r for r in all_rules if r.check is None or selected(r.id, select, ignore)]
    globs = (config.include, config.exclude)
    run = {r.id for r in rules}
    if cache is not None:
        cache.settle(rules=repr([_definition(r) for r in definitions if r.id in run]), checked=str(junit))
    report = lint_scopes(
        root_override or root,
        found,
        rules,
        args.as_of,
        globs,
        deleted=deleted,
        cache=cache,
        finder=finder,
        checked=junit,
    )
    return finish(
        report,
        config,
        args.as_of,
        active=lambda rule_id: selected(rule_id, select, ignore),
        known=all_rules,
        targets=found,
        root=root,
    )


def _definition(r: Rule) -> tuple[object, ...]:
    """What of a rule its findings depend on."""
    return (r.id, r.name, r.severity, r.kind, r.where, r.check, r.params, r.message, r.fix, r.repair, r.ndr)


def _deleted(root: Path) -> list[str]:
    """The definition and certificate files under the root that the commit being made deletes."""
    from linter.load.files import deleted_in_git
    from linter.load.loader import CERTIFICATE_SUFFIXES, DEFINITION_SUFFIXES

    deleted = deleted_in_git(root)
    if deleted is None:
        raise UsageError(f"--git-deletions: {root} is not inside a git work tree")
    return [d for d in deleted if d.lower().endswith(DEFINITION_SUFFIXES + CERTIFICATE_SUFFIXES)]


def _known_before(args: argparse.Namespace, directory: Path) -> frozenset[str]:
    """Fingerprints of the baseline file and of the --diff-base commit's findings; that commit's
    files are written into ``directory``."""
    from linter.report.baseline import BaselineError, export_tree, read

    known: frozenset[str] = frozenset()
    try:
        if args.baseline:
            known |= read(args.baseline)
        if args.diff_base:
            root = lint_root(args)
            export_tree(root, args.diff_base, directory)
            base = argparse.Namespace(**vars(args))
            base.paths = [p for p in args.paths if (directory / targets(root, [p])[0]).exists()]
            if args.paths and not base.paths:
                return known  # the files are new: everything in them is new
            known |= {f.fingerprint for f in lint(base, directory).findings}
    except BaselineError as exc:
        raise UsageError(str(exc)) from None
    return known
