"""Include/exclude globs of the configuration, matched against repository-relative paths."""

from __future__ import annotations

import re
from functools import cache


@cache
def _glob(pattern: str) -> re.Pattern[str]:
    """A glob over repository-relative paths: ``*`` within one directory, ``**`` across them."""
    out = []
    i = 0
    pattern = pattern.strip("/")
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def glob_matches(pattern: str, path: str) -> bool:
    """The path, or a directory above it, matches the glob."""
    regex = _glob(pattern)
    parts = path.split("/")
    return any(regex.fullmatch("/".join(parts[:n])) for n in range(len(parts), 0, -1))
