"""The file system around the lint: where the repository starts, and writes a reader never sees
half done."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path, PurePosixPath


def find_root(start: Path) -> Path:
    """The enclosing git work tree, else the starting directory."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


def stays_inside(rel: str) -> bool:
    """Whether ``rel`` is a relative path with / separators that stays inside its folder: not
    empty, not absolute, no ``..`` part and no backslash (which Windows would take as a separator)."""
    parts = PurePosixPath(rel).parts
    return bool(parts) and parts[0] != "/" and ".." not in parts and "\\" not in rel


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file in the same directory and rename, so a reader never sees half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
    ) as tmp:
        tmp.write(text)
    os.replace(tmp.name, path)
