"""The file system around the lint: where the repository starts, and writes a reader never sees
half done."""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath


class NotARegularFile(OSError):
    """A FIFO, device or socket where a file was expected: reading it could block or never end."""

    def __init__(self, path: Path | str, what: str) -> None:
        super().__init__(f"{path} is {what}, not a regular file")
        self.what = what


class TooLarge(OSError):
    """More bytes than the limit; ``size`` is at least limit + 1."""

    def __init__(self, path: Path | str, size: int, limit: int) -> None:
        super().__init__(f"{path} is {size:,} bytes, over the {limit:,}-byte limit")
        self.size = size
        self.limit = limit


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def read_regular(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Opened without blocking (a FIFO would wait for a writer for ever) and checked after opening,
    so what is read is what was checked; at most limit + 1 bytes are read, whatever the file
    system says its size is."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        status = os.fstat(fd)
        mode = status.st_mode
        if not stat.S_ISREG(mode):
            what = next((name for test, name in _KINDS if test(mode)), "a socket or other special file")
            raise NotARegularFile(path, what)
        # ask for what fstat says (plus one byte, to see a file that grew or a size of 0 that is
        # not true), not for limit + 1 bytes: that would allocate the whole limit for every file
        expected = min(status.st_size, limit) + 1
        data = _read(fd, expected)
        if len(data) == expected:
            data += _read(fd, limit + 1 - len(data))
        if len(data) > limit:
            raise TooLarge(path, max(os.fstat(fd).st_size, len(data)), limit)
        return data
    finally:
        os.close(fd)


def _read(fd: int, size: int) -> bytes:
    """Up to ``size`` bytes, fewer only at the end of the file (os.read may return less)."""
    chunks: list[bytes] = []
    while size > 0:
        chunk = os.read(fd, size)
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks) if len(chunks) != 1 else chunks[0]


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
    import tempfile

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


def deleted_in_git(root: Path) -> list[str] | None:
    """Files under ``root`` (relative to it, ``/`` separators) that the commit being made
    deletes: staged deletions, or between PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF when
    pre-commit runs on a range (``pre-commit run --from-ref A --to-ref B``, pre-push). A moved
    file counts as deleted where it was. None when ``root`` is not in a git work tree."""
    import subprocess

    from_ref, to_ref = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
    compared = [f"{from_ref}...{to_ref}"] if from_ref and to_ref else ["--cached"]
    command = ["git", "diff", *compared, "--name-only", "-z", "--no-renames", "--no-ext-diff"]
    try:
        proc = subprocess.run(
            [*command, "--diff-filter=D", "--relative"], cwd=root, capture_output=True, check=False
        )
    except OSError:
        return None
    if proc.returncode != 0:
        return None
    names = proc.stdout.decode("utf-8", "surrogateescape").split("\0")
    return [n for n in names if n and not (root / n).exists()]
