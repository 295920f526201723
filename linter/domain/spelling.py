"""The valid spelling closest to a mistaken one, for "did you mean" in messages."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def _folded(text: str) -> str:
    return text.casefold().replace("_", "-").replace(" ", "-")


def closest(value: str, choices: Iterable[str]) -> str | None:
    """The choice that differs from ``value`` only in case, ``_`` for ``-`` or a few letters."""
    by_folded = {_folded(choice): choice for choice in choices}
    folded = _folded(value)
    if folded in by_folded:
        return by_folded[folded]
    matches = difflib.get_close_matches(folded, list(by_folded), n=1, cutoff=0.75)
    return by_folded[matches[0]] if matches else None


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """``; did you mean X?`` when one of ``choices`` is close to ``value``, else ``""``."""
    match = closest(value, choices)
    return f"; did you mean {match}?" if match is not None and match != value else ""
