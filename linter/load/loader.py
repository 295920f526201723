"""Files -> parsed documents and certificates, with every problem located; nothing else.

The loader reads each file at most once (results are cached), never follows a link out of the
lint root, and never raises for anything a repository can contain.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Collection, Mapping
from dataclasses import field
from functools import cache
from pathlib import Path
from typing import Literal

from linter import ids
from linter.load.certs import private_key_blocks, read_certificate_file
from linter.load.comments import read_comments
from linter.load.files import NotARegularFile, TooLarge, read_regular
from linter.load.globs import glob_matches
from linter.load.parse import AliasBudget, ParseError, parse_json, parse_yaml
from linter.load.resources import kind_schemas
from linter.model import Certificate, Document, Problem, Span, SuppressionComment
from linter.values import dataclass

DEFINITION_SUFFIXES = (".yaml", ".yml", ".json")
CERTIFICATE_SUFFIXES = (".cer", ".crt", ".pem", ".der")
PRIVATE_KEY_SUFFIXES = (".pfx", ".p12", ".key")
MAX_DEFINITION_BYTES = 4 * 1024 * 1024
MAX_CERTIFICATE_BYTES = 1024 * 1024
SKIPPED_DIRECTORIES = frozenset({"node_modules", "venv", "__pycache__"})
ALL_SUFFIXES = DEFINITION_SUFFIXES + CERTIFICATE_SUFFIXES + PRIVATE_KEY_SUFFIXES

_MENTIONS_KIND = re.compile(r"""(?i)(?:^|[\s{,\[])["']?kind["']?\s*:""")


@cache
def _names_our_kind() -> re.Pattern[str]:
    """``kind: <one of exolint's kinds>``, read from schemas/ (a file that fails to parse)."""
    kinds = "|".join(kind.lower() for kind in kind_schemas())
    return re.compile(rf"""(?i)kind["']?\s*:\s*["']?({kinds})\b""")


@cache
def _may_hide_kind(kind: str | None) -> re.Pattern[str]:
    """A file can hold a definition without the word kind in its text: an escaped key
    (``"\\u006bind"``), an alias used as a key, or a look-alike key beside one of the kinds
    (``kind``, else any of exolint's)."""
    kinds = kind or "|".join(k.lower() for k in kind_schemas())
    return re.compile(rf"""(?im)"[^"\n]*\\|\*[^\s\[\]{{}},]+\s*:|:\s*["']?(?:{kinds})["']?\s*(?:#.*)?$""")


def may_hide_kind(text: str, kind: str | None = None) -> bool:
    """The text might hold a kind key or a kind name (``kind``, lower case, else any of
    exolint's) that a plain search of the text misses."""
    return _may_hide_kind(kind).search(text) is not None


@dataclass
class LoadedFile:
    """One file as read: its document or certificates, its problems and its suppression comments."""

    path: str  # repo-relative, '/' separators
    document: Document | None = None
    certificates: list[Certificate] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    comments: list[SuppressionComment] = field(default_factory=list)  # `# exolint: disable=...`


def _git_listing(
    root: Path, named: Collection[str] = ()
) -> dict[str, tuple[list[str], list[str]]] | Literal[False]:
    """directory -> (file names, subdirectory names) of what git would commit under ``root``:
    tracked files and untracked ones its ignore rules leave, and the ``named`` files (given on the
    command line: read even when git ignores them); False outside a git work tree."""
    if not any((directory / ".git").exists() for directory in (root, *root.parents)):
        return False
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}  # a hook's GIT_DIR...
    try:
        done = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            env=env,
            capture_output=True,
            check=False,
        )
    except OSError:
        return False
    if done.returncode != 0:
        return False
    listing: dict[str, tuple[list[str], list[str]]] = {"": ([], [])}
    listed = [os.fsdecode(raw) for raw in done.stdout.split(b"\0") if raw]
    for rel in dict.fromkeys([*listed, *named]):  # a file with conflicts is listed once per stage
        directory, _, name = rel.rpartition("/")
        entry = listing.get(directory)
        if entry is None:
            entry = listing[directory] = ([], [])
            while directory:  # make every directory above it known to its parent
                parent, _, child = directory.rpartition("/")
                above = listing.get(parent)
                if above is None:
                    listing[parent] = ([], [child])
                    directory = parent
                    continue
                above[1].append(child)
                break
        entry[0].append(name)
    return listing


def named_files(root: Path, targets: Collection[str]) -> list[str]:
    """The targets (root-relative) that are files: read even where git ignores them."""
    return [t for t in targets if os.path.isfile(os.path.join(root, t))]


def _line_span(line: int, column: int = 0) -> Span:
    """A span from 0-based parser coordinates (the loader's only conversion, for whole lines)."""
    return Span(line + 1, column + 1, line + 1, column + 1)


FIRST_LINE = Span(1, 1, 1, 1)


def failed_file(rel: str, exc: Exception) -> Problem:
    """exolint's own failure on one file: that file's finding, and the run goes on."""
    return Problem(
        ids.UNREADABLE_FILE,
        rel,
        FIRST_LINE,
        f"{rel} could not be read: exolint failed with {type(exc).__name__}: {exc}; the rest of "
        "the repository was linted; please report this with the file",
    )


def decode(data: bytes) -> tuple[str | None, int]:
    """Text of a definition file; UTF-8 (with or without BOM) or UTF-16 with a BOM, as
    PowerShell's Out-File writes it. On failure: (None, byte offset of the first bad byte)."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16"), -1
        if b"\x00" in data:  # valid UTF-8, but no text file holds NUL: UTF-16 without a BOM
            return None, data.index(b"\x00")
        return data.decode("utf-8-sig"), -1
    except UnicodeDecodeError as exc:
        return None, exc.start


def _hash(data: bytes) -> str:
    import hashlib

    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Loader:
    """Reads files under one lint root; paths it returns are relative to that root."""

    def __init__(
        self,
        root: Path,
        include: tuple[str, ...] = (),
        exclude: tuple[str, ...] = (),
        overlay: Mapping[str, bytes] | None = None,
        named: Collection[str] = (),
    ) -> None:
        self.root = root.resolve()
        self._root = str(self.root)
        self.include = include  # globs from the configuration: only these files
        self.exclude = exclude  # globs of files and directories left out
        self.named = tuple(named)  # files given by name: read even where git ignores them
        self.overlay = overlay or {}  # rel -> content read instead of the file (an editor's buffers)
        self._files: dict[str, LoadedFile] = {}
        self._raw: dict[str, bytes] = {}  # read by peek() and not yet loaded
        self._digests: dict[str, str] = {}  # rel -> digest(), taken once
        self._listings: dict[str, tuple[list[str], list[str], list[Problem]]] = {}
        self._tracked: dict[str, tuple[list[str], list[str]]] | Literal[False] | None = None
        self.aliases = AliasBudget()  # shared by every file this loader reads

    # --- paths ---------------------------------------------------------------------------

    def relative(self, path: Path) -> str:
        rel = os.path.relpath(os.path.abspath(path), self.root)
        return "" if rel == "." else rel.replace(os.sep, "/")

    def absolute(self, rel: str) -> Path:
        return self.root / rel if rel else self.root

    def path(self, rel: str) -> str:
        """The file system path of a root-relative path, as a string (cheaper than a Path)."""
        return f"{self._root}/{rel}" if rel else self._root

    def inside_root(self, path: Path | str) -> bool:
        """Whether the path, links resolved, is the root or lies below it; compared as text
        (normalised as the platform compares paths), which is what Path's comparison does."""
        try:
            real = os.path.normcase(os.path.realpath(path))
        except (OSError, RuntimeError):
            return False
        root = os.path.normcase(self._root)
        return real == root or real.startswith(root.rstrip(os.sep) + os.sep)

    # --- directories ---------------------------------------------------------------------

    def listing(self, directory: str) -> tuple[list[str], list[str], list[Problem]]:
        """(files we read, subdirectories to descend into, problems) of one directory.

        In a git work tree only what git would commit is read: tracked files and untracked ones
        that are not ignored (a ``build/`` copy or a scratch file is not linted)."""
        cached = self._listings.get(directory)
        if cached is not None:
            return cached
        if self._tracked is None:
            self._tracked = _git_listing(self.root, self.named)
        base = self.path(directory)
        entries: list[tuple[str, int | None]] = []  # (name, file type as lstat gives it; None: look)
        if self._tracked is not False:
            names, dirnames = self._tracked.get(directory, ([], []))
            entries = [(n, stat.S_IFDIR) for n in dirnames] + [(n, None) for n in names]
        else:
            try:
                with os.scandir(base) as scanned:
                    for e in scanned:
                        kind = stat.S_IFLNK if e.is_symlink() else None
                        if kind is None:
                            kind = stat.S_IFDIR if e.is_dir(follow_symlinks=False) else stat.S_IFREG
                        entries.append((e.name, kind))
            except OSError:
                pass
        entries.sort()
        files: list[str] = []
        subdirs: list[str] = []
        problems: list[Problem] = []
        filtered = bool(self.include or self.exclude)
        for name, known in entries:
            rel = f"{directory}/{name}" if directory else name
            kind = known
            if kind is None:
                try:
                    kind = stat.S_IFMT(os.lstat(f"{base}/{name}").st_mode)
                except OSError:
                    continue  # gone since it was listed (a tracked file deleted in the work tree)
            if kind == stat.S_IFLNK:
                path = f"{base}/{name}"
                problem = self._link_problem(path, name, rel)
                if problem is not None:
                    problems.append(problem)
                    continue
                if os.path.isdir(path):
                    continue  # its target lies inside the root and is read where it stands
            if kind == stat.S_IFDIR:
                hidden = name.startswith(".") or name in SKIPPED_DIRECTORIES
                if not hidden and not (self.exclude and self._excluded(rel)):
                    subdirs.append(rel)
            elif name.lower().endswith(ALL_SUFFIXES) and (not filtered or self._wanted(rel)):
                files.append(rel)
        self._list_unsaved(directory, files, subdirs)
        result = (files, subdirs, problems)
        self._listings[directory] = result
        return result

    def everything(self) -> tuple[list[str], list[Problem]]:
        """Every file under the root that a run may read (scope boundaries aside), sorted, and
        the problems of the listings."""
        files: list[str] = []
        problems: list[Problem] = []
        pending = [""]
        while pending:
            found, subdirs, trouble = self.listing(pending.pop())
            files += found
            problems += trouble
            pending += subdirs
        return sorted(files), problems

    def _list_unsaved(self, directory: str, files: list[str], subdirs: list[str]) -> None:
        """Add the overlay's files that are not on disk (an editor's new, unsaved buffers), and
        the directories that lead to them, as if they had been saved."""
        prefix = f"{directory}/" if directory else ""
        for rel in self.overlay:
            if not rel.startswith(prefix) or rel in files:
                continue
            name, _, below = rel[len(prefix) :].partition("/")
            if below:
                sub = prefix + name
                hidden = name.startswith(".") or name in SKIPPED_DIRECTORIES
                if sub not in subdirs and not hidden and not self._excluded(sub):
                    subdirs.append(sub)
                    subdirs.sort()
            elif name.lower().endswith(DEFINITION_SUFFIXES + CERTIFICATE_SUFFIXES) and self._wanted(rel):
                files.append(rel)
                files.sort()

    def _excluded(self, rel: str) -> bool:
        return any(glob_matches(pattern, rel) for pattern in self.exclude)

    def _wanted(self, rel: str) -> bool:
        if self._excluded(rel):
            return False
        return not self.include or any(glob_matches(pattern, rel) for pattern in self.include)

    def _link_problem(self, path: str, name: str, rel: str) -> Problem | None:
        """A link is read only when it resolves, without a loop, to a place inside the root."""
        try:
            target = Path(path).resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            looped = isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP
            if looped:
                return Problem(
                    ids.PATH_OUTSIDE_ROOT, rel, FIRST_LINE, f"{rel} is a symbolic link loop; remove the link"
                )
            if name.lower().endswith(DEFINITION_SUFFIXES + CERTIFICATE_SUFFIXES):
                return Problem(
                    ids.PATH_OUTSIDE_ROOT,
                    rel,
                    FIRST_LINE,
                    f"{rel} is a symbolic link to a missing file; fix or remove the link",
                )
            return None
        if not (target == self.root or self.root in target.parents):
            return Problem(
                ids.PATH_OUTSIDE_ROOT,
                rel,
                FIRST_LINE,
                f"{rel} is a symbolic link to a place outside the lint root; exolint reads only "
                "files inside it, so copy the file in or remove the link",
            )
        return None

    # --- files ---------------------------------------------------------------------------

    def loaded(self, rel: str) -> LoadedFile | None:
        return self._files.get(rel)

    def peek(self, rel: str) -> str:
        """The text of a definition file, decoded leniently, for a cheap look before parsing;
        the bytes are kept for load(), so each file is read once."""
        raw = self._bytes(rel)
        if not isinstance(raw, bytes):
            return ""
        text, _ = decode(raw)
        return text if text is not None else raw.decode("utf-8", errors="replace")

    def digest(self, rel: str) -> str:
        """A short hash of what load() would read; the bytes are kept for load(), so a file is
        read once. A file over its size limit, or one that cannot be read, is named by that."""
        known = self._digests.get(rel)
        if known is not None:
            return known
        raw = self._bytes(rel)
        if isinstance(raw, TooLarge):
            digest = f"over the limit: {raw.size}"
        elif isinstance(raw, OSError):
            digest = f"unreadable: {type(raw).__name__} {raw.errno}"
        else:
            digest = _hash(raw)
        self._digests[rel] = digest
        return digest

    def trust(self, rel: str, digest: str) -> None:
        """Take ``digest`` as the file's digest() without reading it (the cache knows it unchanged)."""
        self._digests[rel] = digest

    def content(self, rel: str, keep: bool) -> bytes | None:
        """The bytes load() would read (an editor's buffer first); None for a file that cannot be
        read or is over its limit. ``keep``: leave them for load(), else they are not kept."""
        raw = self._bytes(rel)
        if not keep:
            self._raw.pop(rel, None)
        return raw if isinstance(raw, bytes) else None

    def release(self) -> None:
        """Drop every file read so far (bytes and parsed), keeping the directory listings."""
        self._raw.clear()
        self._files.clear()

    def forget(self, rel: str) -> None:
        """Drop what was read of a file (its bytes, and the parse): a scope linted, or replayed,
        needs it no more, and a run of thousands of scopes must not hold them all."""
        self._raw.pop(rel, None)
        self._files.pop(rel, None)

    def _bytes(self, rel: str) -> bytes | OSError:
        """The file's bytes (kept until load() takes them), or why they cannot be read: TooLarge
        over the limit for its kind of file, NotARegularFile, another OSError. One open, one read."""
        limit = MAX_CERTIFICATE_BYTES if rel.lower().endswith(CERTIFICATE_SUFFIXES) else MAX_DEFINITION_BYTES
        raw = self.overlay.get(rel) if self.overlay else None  # an editor's buffer, not yet saved
        if raw is not None:
            return TooLarge(self.absolute(rel), len(raw), limit) if len(raw) > limit else raw
        raw = self._raw.get(rel)
        if raw is None:
            try:
                raw = read_regular(self.path(rel), limit)
            except OSError as exc:
                return exc
            self._raw[rel] = raw
        return raw

    def load(self, rel: str) -> LoadedFile:
        cached = self._files.get(rel)
        if cached is None:
            try:
                cached = self._load(rel)
            except Exception as exc:  # exolint's own failure on one file must not end the run
                cached = LoadedFile(rel, problems=[failed_file(rel, exc)])
            self._files[rel] = cached
        return cached

    def _load(self, rel: str) -> LoadedFile:
        loaded = LoadedFile(rel)
        lower = rel.lower()
        if lower.endswith(PRIVATE_KEY_SUFFIXES):
            loaded.problems.append(
                Problem(
                    ids.PRIVATE_KEY,
                    rel,
                    FIRST_LINE,
                    f"{rel} is a private key or PFX/PKCS#12 bundle committed to the repository; "
                    "delete it, rewrite it out of the git history, rotate the key, "
                    "and commit only the public certificate",
                )
            )
            return loaded
        limit = MAX_CERTIFICATE_BYTES if lower.endswith(CERTIFICATE_SUFFIXES) else MAX_DEFINITION_BYTES
        try:
            data = self._bytes(rel)
            self._raw.pop(rel, None)
            if isinstance(data, OSError):
                raise data
            if rel not in self._digests:  # the cache's hash is of what was linted, not a later copy
                self._digests[rel] = _hash(data)
        except TooLarge as exc:
            loaded.problems.append(
                Problem(
                    ids.INPUT_LIMIT,
                    rel,
                    FIRST_LINE,
                    f"{rel} is {exc.size:,} bytes or more, over the {limit:,}-byte limit for this kind of "
                    "file; it was not read",
                )
            )
            return loaded
        except NotARegularFile as exc:
            loaded.problems.append(
                Problem(
                    ids.UNREADABLE_FILE,
                    rel,
                    FIRST_LINE,
                    f"{rel} is {exc.what}, not a regular file; exolint reads only regular files, "
                    "so it was skipped: remove it from the repository",
                )
            )
            return loaded
        except OSError as exc:
            loaded.problems.append(
                Problem(ids.UNREADABLE_FILE, rel, FIRST_LINE, f"{rel} cannot be read: {exc.strerror or exc}")
            )
            return loaded
        if lower.endswith(CERTIFICATE_SUFFIXES):
            self._read_certificates(loaded, data)
        else:
            self._read_definitions(loaded, data)
        return loaded

    def _read_certificates(self, loaded: LoadedFile, data: bytes) -> None:
        certificates, problems = read_certificate_file(loaded.path, data)
        loaded.certificates.extend(certificates)
        for problem in problems:
            rule = ids.PRIVATE_KEY if problem.code == "private-key" else ids.CERTIFICATE_UNREADABLE
            loaded.problems.append(
                Problem(rule, loaded.path, _line_span(problem.line - 1, problem.column - 1), problem.message)
            )

    def _read_definitions(self, loaded: LoadedFile, data: bytes) -> None:
        rel = loaded.path
        text, bad_offset = decode(data)
        if text is None:
            readable = data.decode("utf-8", errors="replace").replace("\x00", "")
            if _MENTIONS_KIND.search(readable):
                line = data.count(b"\n", 0, bad_offset)
                column = bad_offset - (data.rfind(b"\n", 0, bad_offset) + 1)
                hint = "; NUL bytes suggest UTF-16 without a byte order mark" if not data[bad_offset] else ""
                loaded.problems.append(
                    Problem(
                        ids.UNREADABLE_FILE,
                        rel,
                        _line_span(line, column),
                        f"{rel} is not UTF-8 text (byte 0x{data[bad_offset]:02X} at offset "
                        f"{bad_offset}{hint}); save it as UTF-8",
                    )
                )
            return
        if "PRIVATE KEY" in text:
            for line in private_key_blocks(text):
                loaded.problems.append(
                    Problem(
                        ids.PRIVATE_KEY,
                        rel,
                        Span(line, 1, line, 1),
                        f"{rel} holds a PEM private key block; remove it, rewrite it out of the git "
                        "history and rotate the key",
                    )
                )
        if not text.strip():
            loaded.problems.append(
                Problem(ids.EMPTY_FILE, rel, FIRST_LINE, f"{rel} is empty; delete it or add definitions")
            )
            return
        if not _MENTIONS_KIND.search(text) and not may_hide_kind(text):
            return  # no `kind` key anywhere: not an exolint file (CI configuration, charts, ...)
        is_json = rel.lower().endswith(".json")
        if not is_json and "exolint:" in text:  # JSON has no comments
            loaded.comments = read_comments(text)
        try:
            if is_json:
                document, parse_problems = parse_json(rel, text)
            else:
                document, parse_problems = parse_yaml(rel, text, self.aliases)
        except ParseError as exc:
            if not _names_our_kind().search(text):
                return  # another tool's file that happens to have a kind key (a Helm template, ...)
            p = exc.problem
            rule = ids.INPUT_LIMIT if p.code == "limit" else ids.YAML_SYNTAX
            loaded.problems.append(
                Problem(rule, rel, _line_span(p.line, p.column), f"{rel} cannot be parsed: {p.message}")
            )
            return
        except RecursionError:
            loaded.problems.append(
                Problem(ids.INPUT_LIMIT, rel, FIRST_LINE, f"{rel} is nested too deeply to read")
            )
            return
        loaded.document = document
        for p in parse_problems:
            rule = {"duplicate-key": ids.DUPLICATE_KEY, "limit": ids.INPUT_LIMIT}.get(p.code, ids.YAML_SYNTAX)
            loaded.problems.append(Problem(rule, rel, _line_span(p.line, p.column), p.message))
