"""Files -> parsed documents and certificates, with every problem located; nothing else.

The loader reads each file at most once (results are cached), never follows a link out of the
lint root, and never raises for anything a repository can contain.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from linter import ids
from linter.load.certs import private_key_blocks, read_certificate_file
from linter.load.comments import read_comments
from linter.load.files import NotARegularFile, TooLarge, read_regular
from linter.load.globs import glob_matches
from linter.load.parse import AliasBudget, ParseError, parse_json, parse_yaml
from linter.load.resources import kind_schemas
from linter.model import Certificate, Document, Problem, Span, SuppressionComment

DEFINITION_SUFFIXES = (".yaml", ".yml", ".json")
CERTIFICATE_SUFFIXES = (".cer", ".crt", ".pem", ".der")
PRIVATE_KEY_SUFFIXES = (".pfx", ".p12", ".key")
MAX_DEFINITION_BYTES = 4 * 1024 * 1024
MAX_CERTIFICATE_BYTES = 1024 * 1024
SKIPPED_DIRECTORIES = frozenset({"node_modules", "venv", "__pycache__"})

_MENTIONS_KIND = re.compile(r"""(?i)(?:^|[\s{,\[])["']?kind["']?\s*:""")


@cache
def _names_our_kind() -> re.Pattern[str]:
    """``kind: <one of exolint's kinds>``, read from schemas/ (a file that fails to parse)."""
    kinds = "|".join(kind.lower() for kind in kind_schemas())
    return re.compile(rf"""(?i)kind["']?\s*:\s*["']?({kinds})\b""")


@cache
def _may_hide_kind() -> re.Pattern[str]:
    """A file can hold a definition without the word kind in its text: an escaped key
    (``"\\u006bind"``), an alias used as a key, or a look-alike key beside one of the kinds."""
    kinds = "|".join(kind.lower() for kind in kind_schemas())
    return re.compile(rf"""(?im)"[^"\n]*\\|\*[^\s\[\]{{}},]+\s*:|:\s*["']?(?:{kinds})["']?\s*(?:#.*)?$""")


def may_hide_kind(text: str) -> bool:
    """The text might hold a kind key or a kind name that a plain search of the text misses."""
    return _may_hide_kind().search(text) is not None


@dataclass
class LoadedFile:
    path: str  # repo-relative, '/' separators
    document: Document | None = None
    certificates: list[Certificate] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    comments: list[SuppressionComment] = field(default_factory=list)  # `# exolint: disable=...`


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


class Loader:
    """Reads files under one lint root; paths it returns are relative to that root."""

    def __init__(
        self,
        root: Path,
        include: tuple[str, ...] = (),
        exclude: tuple[str, ...] = (),
        overlay: Mapping[str, bytes] | None = None,
    ) -> None:
        self.root = root.resolve()
        self.include = include  # globs from the configuration: only these files
        self.exclude = exclude  # globs of files and directories left out
        self.overlay = overlay or {}  # rel -> content read instead of the file (an editor's buffers)
        self._files: dict[str, LoadedFile] = {}
        self._raw: dict[str, bytes] = {}  # read by peek() and not yet loaded
        self._listings: dict[str, tuple[list[str], list[str], list[Problem]]] = {}
        self.aliases = AliasBudget()  # shared by every file this loader reads

    # --- paths ---------------------------------------------------------------------------

    def relative(self, path: Path) -> str:
        rel = os.path.relpath(os.path.abspath(path), self.root)
        return "" if rel == "." else rel.replace(os.sep, "/")

    def absolute(self, rel: str) -> Path:
        return self.root / rel if rel else self.root

    def inside_root(self, path: Path) -> bool:
        try:
            real = Path(os.path.realpath(path))
        except (OSError, RuntimeError):
            return False
        return real == self.root or self.root in real.parents

    # --- directories ---------------------------------------------------------------------

    def listing(self, directory: str) -> tuple[list[str], list[str], list[Problem]]:
        """(files we read, subdirectories to descend into, problems) of one directory."""
        cached = self._listings.get(directory)
        if cached is not None:
            return cached
        files: list[str] = []
        subdirs: list[str] = []
        problems: list[Problem] = []
        try:
            entries = sorted(os.scandir(self.absolute(directory)), key=lambda e: e.name)
        except OSError:
            entries = []
        for entry in entries:
            rel = f"{directory}/{entry.name}" if directory else entry.name
            if entry.is_symlink():
                problem = self._link_problem(entry, rel)
                if problem is not None:
                    problems.append(problem)
                    continue
                if entry.is_dir():
                    continue  # its target lies inside the root and is read where it stands
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                hidden = entry.name.startswith(".") or entry.name in SKIPPED_DIRECTORIES
                if not hidden and not self._excluded(rel):
                    subdirs.append(rel)
            elif entry.name.lower().endswith(
                DEFINITION_SUFFIXES + CERTIFICATE_SUFFIXES + PRIVATE_KEY_SUFFIXES
            ) and self._wanted(rel):
                files.append(rel)
        self._list_unsaved(directory, files, subdirs)
        result = (files, subdirs, problems)
        self._listings[directory] = result
        return result

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

    def _link_problem(self, entry: os.DirEntry[str], rel: str) -> Problem | None:
        """A link is read only when it resolves, without a loop, to a place inside the root."""
        try:
            target = Path(entry.path).resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            looped = isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP
            if looped:
                return Problem(
                    ids.PATH_OUTSIDE_ROOT, rel, FIRST_LINE, f"{rel} is a symbolic link loop; remove the link"
                )
            if entry.name.lower().endswith(DEFINITION_SUFFIXES + CERTIFICATE_SUFFIXES):
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
        raw = self.overlay[rel] if rel in self.overlay else self._raw.get(rel)
        if raw is None:
            try:
                raw = read_regular(self.absolute(rel), MAX_DEFINITION_BYTES)
            except OSError:
                return ""
            self._raw[rel] = raw
        text, _ = decode(raw)
        return text if text is not None else raw.decode("utf-8", errors="replace")

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
            if rel in self.overlay:  # an editor's buffer, not yet saved
                data = self.overlay[rel]
                if len(data) > limit:
                    raise TooLarge(self.absolute(rel), len(data), limit)
            else:
                data = self._raw.pop(rel, b"") or read_regular(self.absolute(rel), limit)
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
