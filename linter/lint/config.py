"""Configuration: ``.exolint.yaml`` or ``[tool.exolint]`` in ``pyproject.toml``, found by
searching upward from the working directory (``--config`` names one). Validated against
schemas/config.schema.json; a mistake is exit 2 with ``file:line: what is wrong``.

Command-line options win over the file: ``--select``/``--ignore`` replace the file's lists,
``--fail-on`` its fail-on.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Callable
from dataclasses import field
from functools import cache
from pathlib import Path
from typing import Any

from linter.load.files import read_regular
from linter.load.parse import ParseError, parse_yaml
from linter.load.resources import data_dir
from linter.values import dataclass

NAMES = (".exolint.yaml", ".exolint.yml", "pyproject.toml")


class ConfigError(Exception):
    """``file:line: what is wrong``; the CLI prints it and exits 2."""


@dataclass(frozen=True)
class Config:
    """The configuration file's settings (the defaults when there is none)."""

    path: Path | None = None  # None: no file, the defaults
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail_on: str | None = None
    rules: tuple[Path, ...] = ()  # extra rule directories, absolute
    suppressions: tuple[dict[str, Any], ...] = ()
    inline_suppressions: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)  # as written, for `exolint config show`
    line_of: Callable[[tuple[Any, ...]], int] = field(default=lambda pointer: 1, compare=False, repr=False)

    def where(self, *pointer: Any) -> str:
        """``file:line`` of a setting, for messages."""
        return f"{self.path}:{self.line_of(pointer)}"

    def effective(self) -> dict[str, Any]:
        """What `exolint config show` prints: every setting with the value in force."""
        return {
            "file": str(self.path) if self.path else None,
            "include": list(self.include),
            "exclude": list(self.exclude),
            "select": list(self.select),
            "ignore": list(self.ignore),
            "severity": dict(self.severity),
            "options": dict(self.options),
            "fail-on": self.fail_on or "error",
            "rules": [str(p) for p in self.rules],
            "suppressions": list(self.suppressions),
            "inline-suppressions": dict(self.inline_suppressions),
        }


def find(start: Path) -> Path | None:
    """The nearest configuration file at or above ``start``; a pyproject.toml counts only when it
    has a [tool.exolint] table."""
    for directory in (start.resolve(), *start.resolve().parents):
        for name in NAMES:
            candidate = directory / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml" or re.search(r"(?m)^\[tool\.exolint\]", _text(candidate)):
                return candidate
    return None


MAX_CONFIG_BYTES = 1024 * 1024


def _text(path: Path) -> str:
    try:
        return read_regular(path, MAX_CONFIG_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from None


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads((data_dir("schemas") / "config.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def load(path: Path | None) -> Config:
    if path is None:
        return Config()
    text = _text(path)
    if path.name == "pyproject.toml":
        data, line_of = _toml(path, text)
    else:
        data, line_of = _yaml(path, text)
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise ConfigError(_explained(path, errors[0], line_of))
    for index, suppression in enumerate(data.get("suppressions", ())):
        if "until" in suppression:
            try:
                dt.date.fromisoformat(suppression["until"])
            except ValueError:
                raise ConfigError(
                    f"{path}:{line_of(('suppressions', index, 'until'))}: suppressions/{index}/until: "
                    f"{suppression['until']} is not a date"
                ) from None
    base = path.parent
    return Config(
        path=path,
        include=tuple(data.get("include", ())),
        exclude=tuple(data.get("exclude", ())),
        select=tuple(p.upper() for p in data.get("select", ())),
        ignore=tuple(p.upper() for p in data.get("ignore", ())),
        severity={k.upper(): v for k, v in data.get("severity", {}).items()},
        options={k.upper(): v for k, v in data.get("options", {}).items()},
        fail_on=data.get("fail-on"),
        rules=tuple((base / p).resolve() for p in data.get("rules", ())),
        suppressions=tuple(data.get("suppressions", ())),
        inline_suppressions=dict(data.get("inline-suppressions", {})),
        data=data,
        line_of=line_of,
    )


def _explained(path: Path, error: Any, line_of: Callable[[tuple[Any, ...]], int]) -> str:
    """``file:line: setting: what is wrong``, at the line of the mistaken key or value, with the
    closest valid spelling for an unknown key or enum value."""
    from linter.domain.spelling import did_you_mean

    pointer = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = list(error.schema.get("properties", {}))
        unknown = next(key for key in error.instance if key not in known)
        where = "/".join(str(p) for p in (*pointer, unknown))
        hint = did_you_mean(str(unknown), known)
        return (
            f"{path}:{line_of((*pointer, unknown))}: {where}: not a setting{hint}"
            f" (settings here: {', '.join(known)})"
        )
    where = "/".join(str(p) for p in pointer) or "the configuration"
    if error.validator == "enum" and isinstance(error.instance, str):
        choices = [str(choice) for choice in error.validator_value]
        return (
            f"{path}:{line_of(pointer)}: {where}: {error.instance!r} is not one of {', '.join(choices)}"
            f"{did_you_mean(error.instance, choices)}"
        )
    return f"{path}:{line_of(pointer)}: {where}: {error.message}"


def _yaml(path: Path, text: str) -> tuple[dict[str, Any], Any]:
    try:
        document, problems = parse_yaml(str(path), text)
    except ParseError as exc:
        raise ConfigError(f"{path}:{exc.problem.line + 1}: {exc.problem.message}") from None
    if problems:
        raise ConfigError(f"{path}:{problems[0].line + 1}: {problems[0].message}")
    data = document.data[0] if document.data else {}
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: the configuration must be a mapping of settings")

    def line_of(pointer: tuple[Any, ...]) -> int:
        while pointer:
            marks = document.positions.get((0, *pointer))
            if marks:
                return (marks[0] if marks[0] >= 0 else marks[2]) + 1
            pointer = pointer[:-1]
        return 1

    return data, line_of


def _toml(path: Path, text: str) -> tuple[dict[str, Any], Any]:
    import tomllib  # only a pyproject.toml configuration needs it; most repositories use YAML

    try:
        data = tomllib.loads(text).get("tool", {}).get("exolint", {})
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"{path}:{line.group(1) if line else 1}: {exc}") from None
    except ValueError:  # an integer of more than 4,300 digits; tomllib gives no line
        digits = sys.get_int_max_str_digits()
        long = re.search(f"[0-9_]{{{digits},}}", text)
        where = text.count("\n", 0, long.start()) + 1 if long else 1
        raise ConfigError(
            f"{path}:{where}: a number has more than the {digits:,} digits exolint reads; shorten it"
        ) from None
    start = text.count("\n", 0, text.index("[tool.exolint]")) + 1

    def line_of(pointer: tuple[Any, ...]) -> int:
        """tomllib gives no positions: the line of the key's first mention in the table."""
        key = next((p for p in reversed(pointer) if isinstance(p, str)), None)
        if key is not None:
            found = re.search(rf"(?m)^\s*\"?{re.escape(key)}\"?\s*=", text[text.index("[tool.exolint]") :])
            if found:
                return start + text[text.index("[tool.exolint]") :].count("\n", 0, found.start())
        return start

    return data, line_of


# --- paths -------------------------------------------------------------------------------
