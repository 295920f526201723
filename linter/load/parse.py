"""YAML and JSON text -> plain data plus the position of every key, value and list item.

Positions come from a compose-level parse (libyaml through ruamel.yaml's C extension when it is
installed), never from a round-trip load: it is an order of magnitude cheaper and gives the same
marks. Marks are stored 0-based as the parsers give them; ``locate.py`` turns them into 1-based
spans.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from json.decoder import JSONDecodeError, scanstring  # type: ignore[attr-defined]
from typing import Any

from linter.model import Document, Pointer

MAX_NODES = 200_000  # per file, aliases counted each time they are expanded
MAX_DEPTH = 64

Marks = tuple[int, int, int, int, int, int]
"""0-based (key line, key column, value line, value column, end line, end column); key -1 if none."""


@dataclass(frozen=True)
class ParseProblem:
    """A problem in the text itself, at a 0-based line and column."""

    code: str  # "syntax", "duplicate-key", "limit"
    line: int
    column: int
    message: str


class ParseError(Exception):
    """The text cannot be read at all."""

    def __init__(self, problem: ParseProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class _Builder:
    positions: dict[Pointer, Marks] = field(default_factory=dict)
    problems: list[ParseProblem] = field(default_factory=list)
    nodes: int = 0

    def count(self, line: int, column: int, depth: int) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ParseError(
                ParseProblem(
                    "limit",
                    line,
                    column,
                    f"the file expands to more than {MAX_NODES:,} values (aliases included); "
                    "split it or remove alias chains",
                )
            )
        if depth > MAX_DEPTH:
            raise ParseError(
                ParseProblem("limit", line, column, f"values are nested deeper than {MAX_DEPTH} levels")
            )


# --- YAML -------------------------------------------------------------------------------------

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "false": False, "$true": True, "$false": False}
_INT = re.compile(r"[-+]?[0-9]+|0x[0-9a-fA-F]+|0o[0-7]+")
_FLOAT = re.compile(
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
)


def _plain_scalar(text: str) -> Any:
    """Resolve a plain scalar with the YAML 1.2 core schema (so ``yes``/``no``/``on`` stay text).

    PowerShell's ``$true``/``$false`` are read as booleans because administrators paste them.
    """
    if text in _NULLS:
        return None
    lowered = text.lower()
    if lowered in _BOOLS:
        return _BOOLS[lowered]
    if _INT.fullmatch(text):
        return int(text, 0) if text[:2] in ("0x", "0o") else int(text)
    if _FLOAT.fullmatch(text):
        return float(text.replace(".inf", "inf").replace(".nan", "nan").lower())
    return text


def _loader(text: str) -> Any:
    try:
        from ruamel.yaml.cyaml import CBaseLoader
    except ImportError:  # no C extension for this interpreter: the pure parser gives the same marks
        from ruamel.yaml.loader import BaseLoader

        return BaseLoader(text)
    return CBaseLoader(text)


def parse_yaml(path: str, text: str) -> tuple[Document, list[ParseProblem]]:
    """Parse every document of a YAML stream; raise ParseError when the text is not YAML."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    builder = _Builder()
    documents: list[Any] = []
    lines = text.splitlines()
    try:
        loader = _loader(text)
        while loader.check_node():
            node = loader.get_node()
            documents.append(_build_node(node, (len(documents),), builder, lines, 0, None))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line, mark.column) if mark is not None else (0, 0)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        context = exc.context_mark
        if exc.context and context is not None and (context.line, context.column) != (line, column):
            problem += f" ({exc.context.strip()} that starts on line {context.line + 1})"
        raise ParseError(ParseProblem("syntax", line, column, problem)) from None
    except YAMLError as exc:
        raise ParseError(ParseProblem("syntax", 0, 0, str(exc).strip())) from None
    return Document(path, tuple(documents), builder.positions), builder.problems


def _end(node: Any, lines: list[str]) -> tuple[int, int]:
    """Block collections end at column 0 of the next line; pull that back to the last character."""
    line, column = node.end_mark.line, node.end_mark.column
    if column == 0 and line > node.start_mark.line:
        line -= 1
        column = len(lines[line]) if line < len(lines) else 0
    return line, column


def _build_node(node: Any, pointer: Pointer, b: _Builder, lines: list[str], depth: int, key: Any) -> Any:
    start = node.start_mark
    b.count(start.line, start.column, depth)
    end_line, end_column = _end(node, lines)
    key_marks = (key.start_mark.line, key.start_mark.column) if key is not None else (-1, -1)
    b.positions[pointer] = (*key_marks, start.line, start.column, end_line, end_column)
    node_id = node.id
    if node_id == "scalar":
        return _plain_scalar(node.value) if not node.style else node.value
    if node_id == "sequence":
        return [
            _build_node(item, (*pointer, i), b, lines, depth + 1, None) for i, item in enumerate(node.value)
        ]
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if key_node.id != "scalar":
            b.problems.append(
                ParseProblem(
                    "syntax",
                    key_node.start_mark.line,
                    key_node.start_mark.column,
                    "a mapping key must be a plain name, not a list or mapping",
                )
            )
            continue
        name = key_node.value
        if name in result:
            first = b.positions[(*pointer, name)]
            b.problems.append(
                ParseProblem(
                    "duplicate-key",
                    key_node.start_mark.line,
                    key_node.start_mark.column,
                    f"key {name!r} appears again (first on line {first[0] + 1}); keep one of them",
                )
            )
            continue
        result[name] = _build_node(value_node, (*pointer, name), b, lines, depth + 1, key_node)
    return result


# --- JSON -------------------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_LITERALS = {"true": True, "false": False, "null": None}


class _Json:
    """A small recursive-descent JSON reader that remembers where each value stands."""

    def __init__(self, text: str, builder: _Builder) -> None:
        self.text = text
        self.b = builder
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def where(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line, offset - self.line_starts[line]

    def fail(self, offset: int, message: str) -> ParseError:
        line, column = self.where(offset)
        return ParseError(ParseProblem("syntax", line, column, message))

    def skip(self, offset: int) -> int:
        match = _WS.match(self.text, offset)
        return match.end() if match else offset

    def value(self, offset: int, pointer: Pointer, depth: int, key_at: int) -> tuple[Any, int]:
        text = self.text
        offset = self.skip(offset)
        line, column = self.where(offset)
        self.b.count(line, column, depth)
        if offset >= len(text):
            raise self.fail(offset, "the JSON text ends where a value was expected")
        char = text[offset]
        result: Any
        if char == "{":
            result, end = self.mapping(offset + 1, pointer, depth)
        elif char == "[":
            result, end = self.sequence(offset + 1, pointer, depth)
        elif char == '"':
            try:
                result, end = scanstring(text, offset + 1, True)
            except JSONDecodeError as exc:
                raise self.fail(exc.pos, exc.msg) from None
        else:
            match = _NUMBER.match(text, offset)
            word = next((w for w in _LITERALS if text.startswith(w, offset)), None)
            if word is not None:
                result, end = _LITERALS[word], offset + len(word)
            elif match:
                number = match.group()
                result = float(number) if any(c in number for c in ".eE") else int(number)
                end = match.end()
            else:
                raise self.fail(offset, f"unexpected character {char!r}")
        key = self.where(key_at) if key_at >= 0 else (-1, -1)
        self.b.positions[pointer] = (*key, line, column, *self.where(end))
        return result, end

    def mapping(self, offset: int, pointer: Pointer, depth: int) -> tuple[dict[str, Any], int]:
        result: dict[str, Any] = {}
        offset = self.skip(offset)
        if self.text.startswith("}", offset):
            return result, offset + 1
        while True:
            offset = self.skip(offset)
            if not self.text.startswith('"', offset):
                raise self.fail(offset, "expected a property name in double quotes")
            key_at = offset
            try:
                name, offset = scanstring(self.text, offset + 1, True)
            except JSONDecodeError as exc:
                raise self.fail(exc.pos, exc.msg) from None
            offset = self.skip(offset)
            if not self.text.startswith(":", offset):
                raise self.fail(offset, "expected ':' after the property name")
            duplicate = name in result
            # a repeated key's value is read under a pointer no real key can have, so the kept
            # (first) value keeps its positions
            target = (*pointer, f"\x00duplicate@{key_at}") if duplicate else (*pointer, name)
            value, offset = self.value(offset + 1, target, depth + 1, key_at)
            if duplicate:
                line, column = self.where(key_at)
                first = self.b.positions[(*pointer, name)][0]
                self.b.problems.append(
                    ParseProblem(
                        "duplicate-key",
                        line,
                        column,
                        f"key {name!r} appears again (first on line {first + 1}); keep one of them",
                    )
                )
            else:
                result[name] = value
            offset = self.skip(offset)
            if self.text.startswith(",", offset):
                offset += 1
                continue
            if self.text.startswith("}", offset):
                return result, offset + 1
            raise self.fail(offset, "expected ',' or '}'")

    def sequence(self, offset: int, pointer: Pointer, depth: int) -> tuple[list[Any], int]:
        result: list[Any] = []
        offset = self.skip(offset)
        if self.text.startswith("]", offset):
            return result, offset + 1
        while True:
            value, offset = self.value(offset, (*pointer, len(result)), depth + 1, -1)
            result.append(value)
            offset = self.skip(offset)
            if self.text.startswith(",", offset):
                offset += 1
                continue
            if self.text.startswith("]", offset):
                return result, offset + 1
            raise self.fail(offset, "expected ',' or ']'")


def parse_json(path: str, text: str) -> tuple[Document, list[ParseProblem]]:
    """Parse one JSON value; raise ParseError when the text is not JSON."""
    builder = _Builder()
    reader = _Json(text, builder)
    value, end = reader.value(0, (0,), 0, -1)
    end = reader.skip(end)
    if end != len(text):
        raise reader.fail(end, "unexpected text after the JSON value")
    return Document(path, (value,), builder.positions), builder.problems
