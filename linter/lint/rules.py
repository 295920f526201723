"""Rule files -> Rule values: validated against schemas/rule.schema.json and their primitive's params.

exolint's own rules live in ``rules/``; an organisation's own rules live in the directories its
configuration names (``rules:``), in the same format, and are read as untrusted data: validated
in full, their templates limited to plain ``{name}`` fields, and nothing in them is executed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter.lint.checks import CHECKS
from linter.lint.config import ConfigError
from linter.lint.regex import untrusted
from linter.load.files import read_regular, stays_inside
from linter.load.parse import ParseError, parse_yaml
from linter.load.resources import data_dir
from linter.model import Document, Rule
from linter.objects.definitions import kind_schema

if TYPE_CHECKING:
    from linter.lint.config import Config

BUILTIN_PREFIX = "EX"
"""Ids of exolint's own rules start with EX; an organisation's rules take any other two letters.
cfn-lint reserves E9xxx for its users; a whole prefix does the same without a range to run out
of (EX9xx is already used), means an upgrade of exolint can never take an id a policy uses, and
lets ``select``/``ignore`` pick an organisation's rules by their prefix."""

RULE_SUFFIXES = (".yaml", ".yml")

COMPILED = "compiled.json"
"""In ``rules/``: every built-in rule file's mapping as the parser reads it, so a run need not
parse them (most of its start-up time); see ``compiled_rules``."""


class RuleError(Exception):
    """A rule file is wrong; the CLI prints ``path:line: message`` and exits 2."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line


def is_builtin(rule: Rule) -> bool:
    return rule.id.startswith(BUILTIN_PREFIX)


@cache
def _rule_validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads((data_dir("schemas") / "rule.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def rule_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.suffix.lower() in RULE_SUFFIXES and p.is_file())


def shown_path(path: Path) -> str:
    """How messages name an organisation's rule file: relative to the working directory when it
    lies below it, else in full."""
    absolute = path.resolve()
    try:
        return absolute.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return absolute.as_posix()


LineOf = Callable[[Sequence[Any]], int]


MAX_RULE_BYTES = 1024 * 1024
"""A rule file is a page of YAML; one from the repository may be anything (a FIFO, a giant)."""


def load_rule(path: Path, label: str | None = None, trusted: bool = False, custom: bool = False) -> Rule:
    """Read one rule file. ``trusted`` (exolint's own rules, which the test suite validates in
    full) skips the JSON Schema validation of the file and its params: most of the start-up time.
    ``custom`` (an organisation's rule) also refuses what only exolint's own rules may do."""
    return _load(path, label or str(path), trusted, custom)[0]


def _load(
    path: Path, shown: str, trusted: bool, custom: bool, compiled: dict[str, Any] | None = None
) -> tuple[Rule, LineOf]:
    try:
        raw = read_regular(path, MAX_RULE_BYTES)
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(shown, 1, f"cannot be read: {exc}") from None
    # a built-in file as rules/compiled.json holds it, when its bytes are those it was compiled
    # from: its positions are then read only when a message needs a line
    document = None
    data = _compiled_data(compiled, shown, raw) if trusted and compiled else None
    if data is None:
        document = _parse(shown, text)
        data = document.data[0]

    def line_of(pointer: Sequence[Any]) -> int:
        """The line of a key (of its value for a list item), else of the nearest parent."""
        nonlocal document
        if document is None:
            document = _parse(shown, text)
        pointer = tuple(pointer)
        while pointer:
            marks = document.positions.get((0, *pointer))
            if marks:
                return (marks[0] if marks[0] >= 0 else marks[2]) + 1
            pointer = pointer[:-1]
        return 1

    def fail(pointer: Sequence[Any], message: str) -> RuleError:
        return RuleError(shown, line_of(pointer), message)

    if not trusted:
        _validate(data, line_of, fail)
    if custom:
        _check_custom(data, fail)
    check = data["check"]
    name = check["name"]
    params = check.get("params", {})
    prepared = None
    if name != "builtin":
        primitive = CHECKS.get(name)
        if primitive is None:
            raise fail(
                ("check", "name"),
                f"check {name!r} is not a primitive exolint has; use one of {', '.join(sorted(CHECKS))}",
            )
        if "scope" not in data:
            raise fail(("check",), f"check {name!r} needs a scope (the kind of object it checks)")
        if not trusted:
            from jsonschema import Draft202012Validator

            where = ("check", "params")
            error = _first(Draft202012Validator(primitive.PARAMS).iter_errors(params), line_of, where)
            if error is not None:
                raise fail((*where, *_pointer(error)), f"check {name!r} params: {_message(error)}")
        try:
            with untrusted() if custom else nullcontext():
                prepared = primitive.prepare(params)
        except ValueError as exc:
            raise fail(("check", "params"), f"check {name!r} params: {exc}") from None
    scope = data.get("scope", {})
    _check_where(scope, fail)
    examples = data["examples"]
    rule = Rule(
        id=data["id"],
        name=data["name"],
        severity=data["severity"],
        summary=data["summary"].strip(),
        description=data["description"].strip(),
        why=data["why"].strip(),
        remediation=data["remediation"].strip(),
        ndr=tuple(data.get("ndr", ())),
        references=tuple(data["references"]),
        kind=scope.get("kind"),
        where=scope.get("where", {}),
        check=None if name == "builtin" else name,
        params=params,
        message=data.get("message"),
        fix=data.get("fix"),
        examples={k: tuple(v) for k, v in examples.items()},
        path=shown,
        prepared=prepared,
        repair=data.get("repair"),
    )
    return rule, line_of


def _parse(shown: str, text: str) -> Document:
    """The one mapping a rule file holds, with the position of every key."""
    try:
        document, problems = parse_yaml(shown, text)
    except ParseError as exc:
        raise RuleError(shown, exc.problem.line + 1, exc.problem.message) from None
    if problems:
        raise RuleError(shown, problems[0].line + 1, problems[0].message)
    if len(document.data) != 1 or not isinstance(document.data[0], dict):
        raise RuleError(shown, 1, "a rule file holds exactly one mapping (one YAML document)")
    return document


def _validate(data: dict[str, Any], line_of: LineOf, fail: Callable[..., RuleError]) -> None:
    """The rule file against schemas/rule.schema.json: the first mistake in the file, at its line."""
    error = _first(_rule_validator().iter_errors(data), line_of)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "the rule"
        raise fail(_pointer(error), f"{where}: {_message(error)}")
    for key in ("message", "fix"):
        if key in data:
            problem = _template_problem(data[key])
            if problem:
                raise fail((key,), f"{key}: {problem}")
    for key, template in data.get("repair", {}).items():
        problem = _template_problem(template)
        if problem:
            raise fail(("repair", key), f"repair/{key}: {problem}")
    for outcome, cases in data["examples"].items():
        for index, case in enumerate(cases):
            for rel in case["files"]:
                if not stays_inside(rel):
                    raise fail(
                        ("examples", outcome, index, "files", rel),
                        f"examples/{outcome}/{index}/files: {rel!r} must be a relative path inside "
                        "the example, with / separators and no ..",
                    )


def _first(errors: Any, line_of: LineOf, prefix: tuple[Any, ...] = ()) -> Any:
    """The schema error to report: the first in the file; a missing key has no line of its own,
    so what is written wrong (``severty:``) comes before it."""
    ordered = sorted(errors, key=lambda e: (e.validator == "required", line_of((*prefix, *_pointer(e)))))
    return ordered[0] if ordered else None


def _pointer(error: Any) -> tuple[Any, ...]:
    """Where a schema error lies; an unexpected key is pointed at itself, not at its parent."""
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        if extra:
            return (*path, extra[0])
    return path


def _message(error: Any) -> str:
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        if extra and allowed:
            return f"{extra[0]!r} is not a key here; the keys are {', '.join(allowed)}"
    if error.validator == "required":
        return str(error.message).replace("is a required property", "is required")
    return str(error.message)


def _template_problem(template: Any) -> str | None:
    """Message and fix templates name plain values (``{value}``, ``{value!r}``): ``{value.attr}``
    and ``{value[0]}`` would reach into exolint's objects, a format spec could blow up the output."""
    if not isinstance(template, str):
        return None
    import string

    try:
        fields = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f"is not a template ({exc}); write literal braces as {{{{ and }}}}"
    for _, field_name, spec, conversion in fields:
        if field_name is None:
            continue
        if not field_name.isidentifier() or spec:
            return (
                f"{{{field_name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}} "
                "is not a plain {name} field; templates fill in values by name only"
            )
    return None


def _check_custom(data: dict[str, Any], fail: Callable[..., RuleError]) -> None:
    """What exolint keeps for its own rules."""
    if str(data["id"]).startswith(BUILTIN_PREFIX):
        raise fail(
            ("id",),
            f"id {data['id']}: the prefix {BUILTIN_PREFIX} is exolint's own; give your rules two letters "
            f"of your own (ids like AB101), so a new exolint rule can never take one of yours",
        )
    if data["check"]["name"] == "builtin":
        raise fail(
            ("check", "name"),
            "check 'builtin' marks findings of exolint's own loading stages; "
            "name a primitive (see `exolint explain` of a built-in rule that does something similar)",
        )


def _check_where(scope: dict[str, Any], fail: Callable[..., RuleError]) -> None:
    """A condition on a property the kind does not have would silently never hold."""
    kind = scope.get("kind")
    if not kind or kind == "Certificate":
        return

    names = kind_schema(kind).names
    for name in scope.get("where", {}):
        pointer = ("scope", "where", name)
        if name.lower() not in names:
            raise fail(pointer, f"scope.where names {name!r}, which {kind} does not have")
        if names[name.lower()] != name:
            raise fail(pointer, f"scope.where names {name!r}; write it as documented: {names[name.lower()]}")


def configure(rules: list[Rule], config: Config) -> list[Rule]:
    """Apply a configuration's severity and option overrides; options are merged over the rule's
    params, validated against its primitive and prepared again."""
    by_id = {r.id: r for r in rules}
    for section, overrides in (("severity", config.severity), ("options", config.options)):
        for rule_id in overrides:
            if rule_id not in by_id:
                raise ConfigError(
                    f"{config.where(section, rule_id)}: {rule_id} is not a rule; see `exolint rules`"
                )
    for index, suppression in enumerate(config.suppressions):
        if suppression["rule"].upper() not in by_id:
            raise ConfigError(
                f"{config.where('suppressions', index, 'rule')}: {suppression['rule']} is not a rule; "
                "see `exolint rules`"
            )
    configured = []
    for rule in rules:
        if rule.id in config.severity:
            rule = replace(rule, severity=config.severity[rule.id])
        if rule.id in config.options:
            where = config.where("options", rule.id)
            if rule.check is None:
                raise ConfigError(f"{where}: {rule.id} is reported by exolint itself and has no options")
            primitive = CHECKS[rule.check]
            params = {**rule.params, **config.options[rule.id]}
            from jsonschema import Draft202012Validator

            problems = list(Draft202012Validator(primitive.PARAMS).iter_errors(params))
            if problems:
                raise ConfigError(_options_problem(config, rule.id, problems[0]))
            try:
                with untrusted():  # the configuration is the repository's
                    rule = replace(rule, params=params, prepared=primitive.prepare(params))
            except ValueError as exc:
                raise ConfigError(f"{where}: options of {rule.id}: {exc}") from None
        configured.append(rule)
    return configured


def configured_directories(config: Config) -> list[Path]:
    """The configuration's rule directories: each must exist and lie below the configuration
    file's own directory, since a pull request can change the configuration and exolint must not
    be pointed at files elsewhere on the machine (their text would show in error messages)."""
    if not config.rules or config.path is None:
        return []
    base = config.path.parent.resolve()
    written = config.data.get("rules", [])
    for index, directory in enumerate(config.rules):
        raw = written[index] if index < len(written) else str(directory)
        where = config.where("rules", index)
        resolved = directory.resolve()
        if resolved != base and base not in resolved.parents:
            raise ConfigError(
                f"{where}: rules: {raw!r} leads outside {base}; keep rule directories below the "
                "configuration file (a git submodule will do for policies shared between repositories)"
            )
        if not resolved.is_dir():
            raise ConfigError(f"{where}: rules: {raw!r} is not a directory (paths are relative to {base})")
    return list(config.rules)


def rule_label(path: Path) -> str:
    """How findings and messages name a rule file: ``rules/<area>/<file>`` for exolint's own."""
    builtin = data_dir("rules").resolve()
    resolved = path.resolve()
    if builtin in resolved.parents:
        return resolved.relative_to(builtin.parent).as_posix()
    return shown_path(path)


def load_rules(directories: Sequence[Path] | None = None, files: Sequence[Path] = ()) -> list[Rule]:
    """exolint's own rules and an organisation's, from ``directories`` and single ``files``; ids
    and names unique. An organisation's rules are validated in full, and so is a built-in rule
    file named in ``files`` (``exolint test-rules rules/...`` in a checkout of exolint)."""
    builtin = data_dir("rules")
    inside_builtin = builtin.resolve()
    own: list[tuple[Path, Path | None]] = [(p, d) for d in directories or () for p in rule_files(d)]
    own += [(path, None) for path in files]
    resolved = {path: path.resolve() for path, _ in own}
    # exolint's own files among them (a checkout of exolint) are loaded once, as its own, in full
    validate = {r for r in resolved.values() if inside_builtin in r.parents}
    loaded: list[tuple[Rule, LineOf]] = []
    compiled = _read_compiled(builtin)
    for path in rule_files(builtin):
        label = path.relative_to(builtin.parent).as_posix()
        trusted = not validate or path.resolve() not in validate
        loaded.append(_load(path, label, trusted=trusted, custom=False, compiled=compiled))
    done: set[Path] = set()
    for path, directory in own:
        real = resolved[path]
        if real in done or real in validate:
            continue
        done.add(real)
        if directory is not None and directory.resolve() not in real.parents:
            raise RuleError(str(path), 1, f"links to {real}, outside the rule directory {directory}")
        loaded.append(_load(path, shown_path(path), trusted=False, custom=True))
    seen: dict[str, Rule] = {}
    for rule, line_of in loaded:
        for what, key in (("id", rule.id), ("name", rule.name)):
            other = seen.setdefault(key, rule)
            if other is not rule:
                owner = "exolint's own rule" if is_builtin(other) else "the rule"
                raise RuleError(
                    rule.path,
                    line_of((what,)),
                    f"{what} {key} is already used by {owner} {other.id} ({other.path}); pick another",
                )
    return sorted((rule for rule, _ in loaded), key=lambda r: r.id)


def compiled_rules() -> str:
    """The text of rules/compiled.json (``pytest --update-golden`` writes it): each built-in rule
    file's mapping under the label findings give the file, with the SHA-256 of the bytes it was
    read from; one file a line, so a rule changed on two branches conflicts on its own line only.
    A file whose bytes are not those of its entry (one edited since) is parsed as before."""
    builtin = data_dir("rules")
    lines = []
    for path in rule_files(builtin):
        label = path.relative_to(builtin.parent).as_posix()
        raw = path.read_bytes()
        entry = {
            "sha256": hashlib.sha256(raw).hexdigest(),
            "data": _parse(label, raw.decode("utf-8")).data[0],
        }
        lines.append(f"{json.dumps(label)}: {json.dumps(entry, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _read_compiled(builtin: Path) -> dict[str, Any]:
    """rules/compiled.json; nothing when it is missing or unreadable (every file is parsed then).
    Read again by every load: the rules get values of their own, as from parsing."""
    try:
        compiled = json.loads((builtin / COMPILED).read_bytes())
    except (OSError, ValueError):
        return {}
    return compiled if isinstance(compiled, dict) else {}


def _compiled_data(compiled: dict[str, Any], label: str, raw: bytes) -> dict[str, Any] | None:
    entry = compiled.get(label)
    if not isinstance(entry, dict) or entry.get("sha256") != hashlib.sha256(raw).hexdigest():
        return None
    data = entry.get("data")
    return data if isinstance(data, dict) else None


def selected(rule_id: str, select: list[str], ignore: list[str]) -> bool:
    """The longest matching prefix decides; with --select, ids it does not match are off."""
    best_select = max((len(p) for p in select if rule_id.startswith(p)), default=-1)
    best_ignore = max((len(p) for p in ignore if rule_id.startswith(p)), default=-1)
    if select and best_select < 0:
        return False
    return best_select >= best_ignore


def _options_problem(config: Config, rule_id: str, error: Any) -> str:
    """``file:line: options of ID: ...``, at the line of an unknown option, with the closest one."""
    from linter.domain.spelling import did_you_mean

    if error.validator == "additionalProperties" and not error.path and isinstance(error.instance, dict):
        known = list(error.schema.get("properties", {}))
        unknown = next((key for key in error.instance if key not in known), None)
        if unknown is not None:
            return (
                f"{config.where('options', rule_id, unknown)}: options of {rule_id}: {unknown} is not an "
                f"option{did_you_mean(str(unknown), known)} (options: {', '.join(known)})"
            )
    return f"{config.where('options', rule_id)}: options of {rule_id}: {error.message}"
