"""The file system around the lint: where the repository starts, and writes a reader never sees
half done."""

from __future__ import annotations

import os
import stat
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


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write through a temporary file in the same directory and rename, so a reader never sees half.

    A file that exists keeps its mode (an edited file does not become private, nor a script lose
    its execute bit); a new file gets the mode ``open()`` would give it (0666 less the umask). Text
    is written as UTF-8, byte for byte: no line-ending translation."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as tmp:
        tmp.write(data)
    try:
        os.chmod(tmp.name, mode)
        os.replace(tmp.name, path)
    except OSError:
        os.unlink(tmp.name)
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
