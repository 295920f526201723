"""Include/exclude globs of the configuration, matched against repository-relative paths.

The configuration is the repository's, so a glob may be hostile: translated to a backtracking
regular expression, ``**a**a**a**...b`` takes time exponential in the path. Globs are matched
here by running all the places the pattern could be at once (a Thompson simulation), with the
steps cached as they are met: time linear in the path, whatever the pattern.
"""

from __future__ import annotations

from functools import cache

_ANY_DIRS, _ANY, _ANY_IN_DIR, _ONE = "**/", "**", "*", "?"
_CACHE_LIMIT = 4096  # steps kept per glob; a hostile glob cannot grow the cache without bound


class _Glob:
    def __init__(self, pattern: str) -> None:
        self.tokens: list[str] = []
        i, pattern = 0, pattern.strip("/")
        while i < len(pattern):
            token = next((t for t in (_ANY_DIRS, _ANY, _ANY_IN_DIR) if pattern.startswith(t, i)), pattern[i])
            if token in (_ANY, _ANY_IN_DIR) and self.tokens and self.tokens[-1] in (_ANY, _ANY_IN_DIR):
                self.tokens[-1] = _ANY if _ANY in (token, self.tokens[-1]) else _ANY_IN_DIR
            else:
                self.tokens.append(token)
            i += len(token)
        self.accept = len(self.tokens)
        self.start = self._closure({0})
        self._steps: dict[tuple[frozenset[int], str], frozenset[int]] = {}

    def _closure(self, states: set[int]) -> frozenset[int]:
        """The places reached without reading a character: every star may match nothing."""
        todo = list(states)
        while todo:
            state = todo.pop()
            star = 0 <= state < self.accept and self.tokens[state] in (_ANY_DIRS, _ANY, _ANY_IN_DIR)
            if star and state + 1 not in states:
                states.add(state + 1)
                todo.append(state + 1)
        return frozenset(states)

    def _step(self, states: frozenset[int], char: str) -> frozenset[int]:
        key = (states, char)
        found = self._steps.get(key)
        if found is not None:
            return found
        after: set[int] = set()
        for state in states:
            if state < 0:  # inside the directories of a ``**/`` at -state - 1: wait for a '/'
                after.add(-state - 1 if char == "/" else state)
                continue
            if state == self.accept:
                continue
            token = self.tokens[state]
            if token == _ANY or (token == _ANY_IN_DIR and char != "/"):
                after.add(state)
            elif token == _ANY_DIRS:  # whole directories: back here (and past) after each '/'
                after.add(state if char == "/" else -state - 1)
            elif token == char or (token == _ONE and char != "/"):
                after.add(state + 1)
        result = self._closure(after)
        if len(self._steps) >= _CACHE_LIMIT:
            self._steps.clear()
        self._steps[key] = result
        return result

    def matches(self, path: str) -> bool:
        """The path, or a directory above it, matches."""
        states = self.start
        for char in path:
            if char == "/" and self.accept in states:
                return True
            states = self._step(states, char)
            if not states:
                return False
        return self.accept in states


@cache
def _glob(pattern: str) -> _Glob:
    return _Glob(pattern)


def glob_matches(pattern: str, path: str) -> bool:
    """The path, or a directory above it, matches the glob: ``*`` within one directory, ``**``
    across them, ``**/`` any number of whole directories, ``?`` one character but ``/``."""
    return _glob(pattern).matches(path)
