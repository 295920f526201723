"""Rule files -> Rule values: validated against schemas/rule.schema.json and their primitive's params."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter.model import Rule

if TYPE_CHECKING:
    from linter.config import Config


class RuleError(Exception):
    """A rule file is wrong; the CLI prints ``path: message`` and exits 2."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


@cache
def _rule_validator() -> Any:
    from jsonschema import Draft202012Validator

    from linter.resources import data_dir

    schema = json.loads((data_dir("schemas") / "rule.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def rule_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.yaml") if p.is_file())


def load_rule(path: Path, label: str | None = None, trusted: bool = False) -> Rule:
    """Read one rule file. ``trusted`` (exolint's own rules, which the test suite validates in
    full) skips the JSON Schema validation of the file and its params: most of the start-up time."""
    from linter.checks import CHECKS
    from linter.parse import ParseError, parse_yaml

    shown = label or str(path)
    try:
        text = path.read_text(encoding="utf-8")
        document, problems = parse_yaml(shown, text)
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(shown, f"cannot be read: {exc}") from None
    except ParseError as exc:
        raise RuleError(shown, f"line {exc.problem.line + 1}: {exc.problem.message}") from None
    if problems:
        raise RuleError(shown, f"line {problems[0].line + 1}: {problems[0].message}")
    if len(document.data) != 1 or not isinstance(document.data[0], dict):
        raise RuleError(shown, "a rule file holds exactly one mapping")
    data: dict[str, Any] = document.data[0]
    errors = (
        [] if trusted else sorted(_rule_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    )
    if errors:
        error = errors[0]
        where = "/".join(str(p) for p in error.absolute_path) or "the rule"
        line = document.positions.get((0, *error.absolute_path), (0, 0, 0))[2] + 1
        raise RuleError(shown, f"line {line}: {where}: {error.message}")
    check = data["check"]
    name = check["name"]
    params = check.get("params", {})
    prepared = None
    if name != "builtin":
        primitive = CHECKS.get(name)
        if primitive is None:
            raise RuleError(
                shown,
                f"check {name!r} is not a primitive exolint has; use one of {', '.join(sorted(CHECKS))}",
            )
        if "scope" not in data:
            raise RuleError(shown, f"check {name!r} needs a scope (the kind of object it checks)")
        if not trusted:
            from jsonschema import Draft202012Validator

            params_errors = list(Draft202012Validator(primitive.PARAMS).iter_errors(params))
            if params_errors:
                raise RuleError(shown, f"check {name!r} params: {params_errors[0].message}")
        try:
            prepared = primitive.prepare(params)
        except ValueError as exc:
            raise RuleError(shown, f"check {name!r} params: {exc}") from None
    scope = data.get("scope", {})
    _check_where(shown, scope)
    examples = data["examples"]
    return Rule(
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
    )


def _check_where(shown: str, scope: dict[str, Any]) -> None:
    """A condition on a property the kind does not have would silently never hold."""
    kind = scope.get("kind")
    if not kind or kind == "Certificate":
        return
    from linter.definitions import kind_schema

    names = kind_schema(kind).names
    for name in scope.get("where", {}):
        if name.lower() not in names:
            raise RuleError(shown, f"scope.where names {name!r}, which {kind} does not have")
        if names[name.lower()] != name:
            raise RuleError(
                shown, f"scope.where names {name!r}; write it as documented: {names[name.lower()]}"
            )


def configure(rules: list[Rule], config: Config) -> list[Rule]:
    """Apply a configuration's severity and option overrides; options are merged over the rule's
    params, validated against its primitive and prepared again."""
    from dataclasses import replace

    from jsonschema import Draft202012Validator

    from linter.checks import CHECKS
    from linter.config import ConfigError

    by_id = {r.id: r for r in rules}
    for section, overrides in (("severity", config.severity), ("options", config.options)):
        for rule_id in overrides:
            if rule_id not in by_id:
                raise ConfigError(
                    f"{config.where(section, rule_id)}: {rule_id} is not a rule; see `exolint rules`"
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
            problems = list(Draft202012Validator(primitive.PARAMS).iter_errors(params))
            if problems:
                raise ConfigError(f"{where}: options of {rule.id}: {problems[0].message}")
            try:
                rule = replace(rule, params=params, prepared=primitive.prepare(params))
            except ValueError as exc:
                raise ConfigError(f"{where}: options of {rule.id}: {exc}") from None
        configured.append(rule)
    return configured


def load_rules(directories: list[Path] | None = None) -> list[Rule]:
    """The built-in rules (and those of any extra directories), ids and names unique."""
    from linter.resources import data_dir

    builtin = data_dir("rules")
    rules: list[Rule] = []
    for directory in [builtin, *(directories or [])]:
        for path in rule_files(directory):
            label = path.relative_to(directory.parent).as_posix() if directory == builtin else str(path)
            rules.append(load_rule(path, label, trusted=directory == builtin))
    seen: dict[str, str] = {}
    for rule in rules:
        for key in (rule.id, rule.name):
            if key in seen:
                raise RuleError(rule.path, f"{key} is already used by {seen[key]}")
            seen[key] = rule.path
    return sorted(rules, key=lambda r: r.id)
