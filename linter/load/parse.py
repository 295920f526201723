"""YAML and JSON text -> plain data plus the position of every key, value and list item.

Positions come from a compose-level parse (libyaml through ruamel.yaml's C extension when it is
installed), never from a round-trip load: it is an order of magnitude cheaper and gives the same
marks. Marks are stored 0-based as the parsers give them; ``locate.py`` turns them into 1-based
spans.
"""

from __future__ import annotations

import re
import sys
from dataclasses import field
from json.decoder import JSONDecodeError, scanstring  # type: ignore[attr-defined]
from typing import Any

from linter.model import Document, Pointer
from linter.values import dataclass

MAX_NODES = 200_000  # per file, aliases counted each time they are expanded
MAX_DEPTH = 64
MAX_ALIAS_NODES = 500_000
"""Values that aliases add across a whole run (see AliasBudget): a few hundred bytes of nested
aliases expand to MAX_NODES values (some 45 MB), and a repository can hold many such files."""
PRESCAN_DEPTH = 1_000
"""Nesting refused before the C parser composes the text: it recurses once per level and runs
out of stack (SIGSEGV) somewhere past 10,000 levels. Past MAX_DEPTH, but far from that."""

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
class AliasBudget:
    """How many values aliases may still add; one instance is shared by every file of a run."""

    remaining: int = MAX_ALIAS_NODES


@dataclass
class _Builder:
    """The state of one parse: positions, problems and the counts the limits need."""

    positions: dict[Pointer, Marks] = field(default_factory=dict)
    problems: list[ParseProblem] = field(default_factory=list)
    nodes: int = 0
    aliases: AliasBudget = field(default_factory=AliasBudget)
    sizes: dict[int, int] = field(default_factory=dict)  # id(node) -> values it built, for aliases
    expanding: bool = False

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


_MAY_RESOLVE = frozenset("~nNtTfF$+-.0123456789") | {""}
"""The first characters of the nulls, booleans and numbers above."""


class _LongNumber(Exception):
    """An integer of more digits than Python converts (sys.get_int_max_str_digits())."""


def _plain_scalar(text: str) -> Any:
    """Resolve a plain scalar with the YAML 1.2 core schema (so ``yes``/``no``/``on`` stay text).

    PowerShell's ``$true``/``$false`` are read as booleans because administrators paste them.
    """
    if text[:1] not in _MAY_RESOLVE:  # most values: text that is no null, boolean or number
        return text
    if text in _NULLS:
        return None
    lowered = text.lower()
    if lowered in _BOOLS:
        return _BOOLS[lowered]
    if _INT.fullmatch(text):
        try:
            return int(text, 0) if text[:2] in ("0x", "0o") else int(text)
        except ValueError:  # over 4,300 digits: Python will not read it
            raise _LongNumber from None
    if _FLOAT.fullmatch(text):
        return float(lowered.replace(".inf", "inf").replace(".nan", "nan"))
    return text


def _too_deep(text: str) -> tuple[int, int] | None:
    """Where the text may nest deeper than PRESCAN_DEPTH (0-based line, column), found without
    parsing; None when it cannot.

    An upper bound: flow collections cannot nest deeper than the brackets opened and not yet
    closed, and every block level needs one more character of indentation or of the indicators
    (``- ``, ``? ``, ``: ``, anchors, tags) that lead its first line. Brackets inside quotes and
    comments are counted too, which only makes the bound looser."""
    if text.count("[") + text.count("{") > PRESCAN_DEPTH:
        depth = 0
        for bracket in _BRACKET.finditer(text):
            depth += 1 if bracket.group() in "[{" else -1
            if depth > PRESCAN_DEPTH:
                return _offset_to_line(text, bracket.start())
    prefix = _BLOCK_PREFIX.search(text)
    return None if prefix is None else _offset_to_line(text, prefix.end())


_BRACKET = re.compile(r"[\[\]{}]")
# a line that starts with PRESCAN_DEPTH / 2 blanks, block indicators, anchors or tags; the
# alternatives start with different characters, so matching is linear
_BLOCK_PREFIX = re.compile(
    r"(?m)^(?:[ \t]|[?:-](?=[ \t])|[&!][^ \t\r\n]*(?=[ \t]))" + f"{{{PRESCAN_DEPTH // 2}}}"
)


def _offset_to_line(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset)
    return line, offset - (text.rfind("\n", 0, offset) + 1)


def yaml_scanner(text: str) -> Any:
    """A loader whose tokens (``check_token``/``get_token``) show where each scalar stands."""
    return _loader(text)


_C_LOADER: Any = None


def _loader(text: str) -> Any:
    global _C_LOADER
    if _C_LOADER is None:
        try:
            from ruamel.yaml.cyaml import CBaseLoader
        except ImportError:  # no C extension for this interpreter: the pure parser gives the same marks
            from ruamel.yaml.loader import BaseLoader

            return BaseLoader(text)
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        tags = {
            ScalarNode: CBaseLoader.DEFAULT_SCALAR_TAG,
            SequenceNode: CBaseLoader.DEFAULT_SEQUENCE_TAG,
            MappingNode: CBaseLoader.DEFAULT_MAPPING_TAG,
        }

        parser: Any = CBaseLoader.__bases__[0]  # the C parser and composer

        class Loader(parser):  # type: ignore[misc]
            """The C parser and composer without the constructor and resolver parts of
            CBaseLoader (set up for every file, never used here). Tags are not read (plain
            scalars are resolved by _plain_scalar), so the composer's call for each node's tag
            returns at once, and the resolver's path tracking does nothing."""

            def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
                return tags[kind]

            def descend_resolver(self, current_node: Any, current_index: Any) -> None:
                pass

            def ascend_resolver(self) -> None:
                pass

        try:  # another build of the C parser may ask for more of CBaseLoader: then keep all of it
            _compose_all(Loader("a: &x [1, {b: *x}]\n--- !t\n- c\n"))
        except AttributeError:

            class Loader(CBaseLoader):  # type: ignore[no-redef]
                def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
                    return tags[kind]

        _C_LOADER = Loader
    return _C_LOADER(text)


def _compose_all(loader: Any) -> None:
    while loader.check_node():
        loader.get_node()


def parse_yaml(
    path: str, text: str, aliases: AliasBudget | None = None
) -> tuple[Document, list[ParseProblem]]:
    """Parse every document of a YAML stream; raise ParseError when the text is not YAML."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    deep = _too_deep(text)
    if deep is not None:
        raise ParseError(ParseProblem("limit", *deep, f"values are nested deeper than {MAX_DEPTH} levels"))
    builder = _Builder(aliases=aliases or AliasBudget())
    documents: list[Any] = []
    lines = text.splitlines()
    try:
        loader = _loader(text)
        while loader.check_node():
            node = loader.get_node()
            builder.sizes.clear()  # ids of the last document's nodes may be reused
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


def _build_node(node: Any, pointer: Pointer, b: _Builder, lines: list[str], depth: int, key: Any) -> Any:
    node_id = node.id
    if node_id != "scalar":
        size = b.sizes.get(id(node))
        if size is None:  # the first time: measure it
            before = b.nodes
            value = _build_collection(node, node_id, pointer, b, lines, depth, key)
            b.sizes[id(node)] = b.nodes - before
            return value
        if b.expanding:  # inside an alias already paid for
            return _build_collection(node, node_id, pointer, b, lines, depth, key)
        if size > b.aliases.remaining:  # an alias: refuse before expanding it
            start = node.start_mark
            raise ParseError(
                ParseProblem(
                    "limit",
                    start.line,
                    start.column,
                    f"the value anchored here is repeated by aliases past {MAX_ALIAS_NODES:,} values "
                    "(counted over every file of the run); write the values out or remove alias chains",
                )
            )
        b.aliases.remaining -= size
        b.expanding = True
        try:
            return _build_collection(node, node_id, pointer, b, lines, depth, key)
        finally:
            b.expanding = False
    _place(node, pointer, b, lines, depth, key)
    if node.style:
        return node.value
    try:
        return _plain_scalar(node.value)
    except _LongNumber:
        start = node.start_mark
        b.problems.append(_long_number(node.value, start.line, start.column))
        return node.value


def _long_number(text: str, line: int, column: int) -> ParseProblem:
    return ParseProblem(
        "limit",
        line,
        column,
        f"a number of {len(text):,} characters ({text[:12]}...) is longer than the "
        f"{sys.get_int_max_str_digits():,} digits exolint reads; write a shorter value, or quote it as text",
    )


def _place(node: Any, pointer: Pointer, b: _Builder, lines: list[str], depth: int, key: Any) -> None:
    """Count the node and record its marks. Block collections (and block scalars) end at column
    0 of the next line: that is pulled back to the last character of the line before."""
    start, end = node.start_mark, node.end_mark
    line, column = start.line, start.column
    b.nodes += 1
    if b.nodes > MAX_NODES or depth > MAX_DEPTH:
        b.nodes -= 1
        b.count(line, column, depth)  # raises
    end_line, end_column = end.line, end.column
    if end_column == 0 and end_line > line:
        end_line -= 1
        end_column = len(lines[end_line]) if end_line < len(lines) else 0
    if key is None:
        b.positions[pointer] = (-1, -1, line, column, end_line, end_column)
    else:
        key_start = key.start_mark
        b.positions[pointer] = (key_start.line, key_start.column, line, column, end_line, end_column)


def _build_collection(
    node: Any, node_id: str, pointer: Pointer, b: _Builder, lines: list[str], depth: int, key: Any
) -> Any:
    _place(node, pointer, b, lines, depth, key)
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
        self._at, self._line, self._line_start = 0, 0, 0  # the last place asked for

    def where(self, offset: int) -> tuple[int, int]:
        """0-based line and column. The reader asks in increasing order, so each call counts only
        the newlines since the last: no table of line starts (a file of blank lines would make
        one of millions of entries)."""
        text = self.text
        if offset < self._at:  # going back: only for a problem, once
            self._at, self._line, self._line_start = 0, 0, 0
        newlines = text.count("\n", self._at, offset)
        if newlines:
            self._line += newlines
            self._line_start = text.rfind("\n", self._at, offset) + 1
        self._at = offset
        return self._line, offset - self._line_start

    def fail(self, offset: int, message: str) -> ParseError:
        line, column = self.where(offset)
        return ParseError(ParseProblem("syntax", line, column, message))

    def skip(self, offset: int) -> int:
        match = _WS.match(self.text, offset)
        return match.end() if match else offset

    def value(self, offset: int, pointer: Pointer, depth: int, key_at: tuple[int, int]) -> tuple[Any, int]:
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
                end = match.end()
                try:
                    result = float(number) if any(c in number for c in ".eE") else int(number)
                except ValueError:  # over 4,300 digits
                    self.b.problems.append(_long_number(number, line, column))
                    result = number
            else:
                raise self.fail(offset, f"unexpected character {char!r}")
        self.b.positions[pointer] = (*key_at, line, column, *self.where(end))
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
            key_marks = self.where(key_at)
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
            value, offset = self.value(offset + 1, target, depth + 1, key_marks)
            if duplicate:
                line, column = key_marks
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
            value, offset = self.value(offset, (*pointer, len(result)), depth + 1, (-1, -1))
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
    value, end = reader.value(0, (0,), 0, (-1, -1))
    end = reader.skip(end)
    if end != len(text):
        raise reader.fail(end, "unexpected text after the JSON value")
    return Document(path, (value,), builder.positions), builder.problems
