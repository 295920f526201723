"""Regular expressions of rule params, matched in bounded time whatever the repository wrote.

exolint's own rules are reviewed and tested, and their patterns are compiled with Python's
``re``. A pattern from the repository (an organisation's own rule, or a rule's options in the
configuration, both of which a pull request can change) is compiled with RE2, whose matching
takes time linear in the text: with ``re``, ``^(a+)+$`` against 34 ``a`` and a ``b`` takes
minutes. RE2 has no lookarounds or backreferences; such a pattern is refused when the rule is
loaded, with a message that says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

_UNTRUSTED: ContextVar[bool] = ContextVar("exolint_untrusted_patterns", default=False)


class Searcher(Protocol):
    def search(self, text: str) -> Any: ...


@contextmanager
def untrusted() -> Iterator[None]:
    """Patterns compiled inside this block come from the repository: match them with RE2."""
    token = _UNTRUSTED.set(True)
    try:
        yield
    finally:
        _UNTRUSTED.reset(token)


class Linear:
    """A case-insensitive RE2 pattern; pickled as its text (rules travel to worker processes)."""

    def __init__(self, pattern: str) -> None:
        import re2

        options = re2.Options()
        options.case_sensitive = False
        options.log_errors = False
        self.pattern = pattern
        try:
            self._compiled = re2.compile(pattern, options)
        except re2.error as exc:
            reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
            raise ValueError(
                f"pattern {pattern!r} cannot be matched in linear time ({reason}); patterns of your "
                "own rules and options have no lookarounds or backreferences"
            ) from None

    def search(self, text: str) -> Any:
        return self._compiled.search(text)

    def __reduce__(self) -> tuple[type[Linear], tuple[str]]:
        return Linear, (self.pattern,)


def compile_pattern(pattern: str) -> Searcher:
    """A case-insensitive pattern; ValueError when it is not one."""
    if _UNTRUSTED.get():
        return Linear(pattern)
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"pattern {pattern!r} is not a regular expression: {exc}") from None
