"""Columns as exolint counts them (characters, i.e. code points) and as an LSP client counts them
(code units of the position encoding agreed at initialize: UTF-16 unless the client offers
UTF-8 or UTF-32). Lines are 0-based on both sides here; only the column unit differs.

No pygls here: the server turns these into lsprotocol types.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from linter.values import dataclass

if TYPE_CHECKING:
    from linter.model import Finding, Location

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the line ends LSP knows (not YAML's U+2028 and U+0085)


def lines_of(text: str) -> list[str]:
    """The lines of a document as an LSP client numbers them, without their line ends."""
    return _LINE_BREAK.split(text)


def span(place: Location | Finding) -> tuple[tuple[int, int], tuple[int, int]]:
    """The 0-based (line, column) start and exclusive end of a 1-based span; a span that ends
    where it starts (a finding about a whole line or file) covers its first line."""
    start = (max(place.line - 1, 0), max(place.column - 1, 0))
    end = (max(place.end_line - 1, 0), max(place.end_column - 1, 0))
    return start, end if end > start else (start[0] + 1, 0)


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-32":
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass(frozen=True)
class Columns:
    """The client's column unit, from the ``positionEncoding`` the server answered with."""

    encoding: str = "utf-16"

    def to_client(self, line: str, column: int) -> int:
        """A 0-based character column in ``line`` as the client's code units."""
        return _units(line[: max(column, 0)], self.encoding)

    def from_client(self, line: str, units: int) -> int:
        """The 0-based character column at ``units`` code units into ``line``; a position inside
        a character (half a surrogate pair, part of a UTF-8 sequence) counts as that character."""
        if self.encoding == "utf-32":
            return min(max(units, 0), len(line))
        counted = 0
        for index, char in enumerate(line):
            if counted >= units:
                return index
            counted += _units(char, self.encoding)
        return len(line)


@dataclass(frozen=True)
class Change:
    """One replacement in character coordinates (0-based lines and columns), ``end`` exclusive."""

    start: tuple[int, int]
    end: tuple[int, int]
    text: str


def smallest_change(before: str, after: str) -> Change:
    """The one replacement that turns ``before`` into ``after``, touching no more than it must:
    an editor keeps its cursor, folds and undo history outside it."""
    limit = min(len(before), len(after))
    head = 0
    while head < limit and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < limit - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    start, end = head, len(before) - tail
    if start > 0 and before[start - 1] == "\r" and before[start : start + 1] == "\n":
        start -= 1  # never between the two halves of a CRLF line end: no position lies there
    if end < len(before) and before[end] == "\n" and end > 0 and before[end - 1] == "\r":
        end += 1
    inserted = after[start : len(after) - (len(before) - end)]
    return Change(_place(before, start), _place(before, end), inserted)


def _place(text: str, offset: int) -> tuple[int, int]:
    """(0-based line, 0-based character column) of a character offset in ``text``."""
    line, start = 0, 0
    for match in _LINE_BREAK.finditer(text, 0, offset):
        if match.end() > offset:
            break
        line, start = line + 1, match.end()
    return line, offset - start
