"""Pointers -> 1-based spans: the one place where the parsers' 0-based marks become positions."""

from __future__ import annotations

from linter.model import Document, Pointer, Position, Span


def position(document: Document, pointer: Pointer) -> Position:
    """The position of the node at ``pointer``, or of its nearest ancestor that has one.

    A pointer can name a node that is not in the text (a default, or the item of a scalar that
    was read as a one-item list); the finding then points at the closest written thing, and at
    worst at the first line of the document, never at line 0.
    """
    while pointer:
        marks = document.positions.get(pointer)
        if marks is not None:
            key_line, key_column, line, column, end_line, end_column = marks
            key = None
            if key_line >= 0:
                key = Span(key_line + 1, key_column + 1, key_line + 1, key_column + 1)
            return Position(key, Span(line + 1, column + 1, end_line + 1, end_column + 1))
        pointer = pointer[:-1]
    return Position(None, Span(1, 1, 1, 1))


def span(document: Document, pointer: Pointer) -> Span:
    """From the property's key (when it has one) to the end of its value."""
    return position(document, pointer).span
