"""What one scope gave last time, so an unchanged scope is not parsed and linted again.

One entry per scope, in ``.exolint_cache/`` at the lint root (the directory writes its own
``.gitignore``). An entry is used only when its key matches, and the key holds everything the
scope's findings depend on:

- ``version``: exolint's version and a fingerprint of its code, rules and schemas on disk;
- ``rules``: the definitions of the rules run (before the configuration's overrides);
- ``configuration``: the configuration in force (severity and option overrides, globs, ...);
- ``as_of``: the day dates are evaluated on (``--as-of``, else today, for the expiry rules);
- ``files``: the path and content hash of every file in the scope (and the listing problems).

Files a scope reads outside its directory (a certificate in a shared folder, or one it names that
does not exist) are recorded in the entry with their hashes and checked before it is used.

An entry is written to a temporary file and renamed into place, so concurrent runs never see
half of one. A corrupt, foreign or unreadable entry is a miss, never an error. Entries are read
with an unpickler that builds only exolint's own finding types and plain values, so a cache
directory planted in a repository cannot run code.

Beside them, a run entry holds a whole run's report, keyed by the settings, the targets and the
selection, and checked against every file under the lint root: an unchanged second run reads it
and nothing else, without loading the rules. A file's content hash is taken again unless its
size, times and inode are what they were, and those are trusted only for a file last changed
well before its hash was taken (a file changed twice within the file system's clock tick keeps
its times; it is hashed again until it is older).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from linter.load.loader import Loader
    from linter.model import Report
    from linter.objects.scopes import Scope, ScopeFinder

T = TypeVar("T")
Stamp = tuple[int, int, int, int]  # size, mtime and ctime in ns, inode
FileEntry = tuple[Stamp | None, str, bool | None]  # times (if they vouch), hash, defines a Tenant

FORMAT = b"exolint-cache 3\n"
DIRECTORY = ".exolint_cache"

_ALLOWED = {
    "linter.model": {
        "Certificate",
        "Checked",
        "Document",
        "Finding",
        "Location",
        "Object",
        "Repair",
        "Report",
        "Rule",
        "Suppressed",
        "SuppressedBy",
        "SuppressionComment",
    },
    "linter.lint.engine": {"Claim", "_Partial"},
    "datetime": {"date", "datetime", "timedelta", "timezone"},
    "ipaddress": {"IPv4Address", "IPv4Network", "IPv6Address", "IPv6Network"},
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a cache type")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def code_fingerprint() -> str:
    """exolint's version and the size and time of every file of its code, rules and schemas,
    so a changed checkout (a development install) never replays what older code found."""
    from linter import __version__
    from linter.load.resources import data_dir

    parts = [__version__]
    for top in (Path(__file__).resolve().parent.parent, data_dir("rules"), data_dir("schemas")):
        for directory, subdirs, names in os.walk(top):
            subdirs[:] = sorted(d for d in subdirs if d != "__pycache__")
            for name in sorted(names):
                if name.endswith((".py", ".yaml", ".json")):
                    stat = os.stat(os.path.join(directory, name))
                    parts.append(f"{directory}/{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return _digest(*parts)


def present(loader: Loader, rel: str) -> str | None:
    """The content hash of a file, None when there is none."""
    return loader.digest(rel) if os.path.isfile(loader.path(rel)) else None


TICK_NS = 2_000_000_000
"""How much older than its hash a file must be for its times to stand for its content: more than
any file system's clock tick (FAT's is two seconds)."""

RUNS_KEPT = 8
"""Run entries kept (one per set of targets and selection: a hook's, CI's); the oldest go."""


def _stamp(path: str) -> Stamp | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def listed(loader: Loader) -> tuple[list[str], list[str]]:
    """Every file under the lint root that a run may read, and the listing's problems, as keys."""
    files, problems = loader.everything()
    return files, [repr(p) for p in problems]


def tree_digest(directories: list[Path]) -> str:
    """The names and contents of every file below some directories (an organisation's rules)."""
    parts = []
    for top in directories:
        for directory, subdirs, names in os.walk(top):
            subdirs.sort()
            for name in sorted(names):
                path = os.path.join(directory, name)
                with contextlib.suppress(OSError), open(path, "rb") as stream:
                    parts.append(f"{path}:{hashlib.blake2b(stream.read(), digest_size=16).hexdigest()}")
    return _digest(*parts)


class Cache:
    """Entries of one lint root under one set of settings (all parts of the key but the files)."""

    def __init__(self, directory: Path, root: Path, settings: dict[str, str]) -> None:
        self.directory = directory
        self.root = str(root)
        self._settings: dict[str, str] = {}
        self.settle(**settings)
        self.outside: dict[str, str | None] = {}  # files the run read beyond the lint root's walk
        self._ready = False

    def settle(self, **more: str) -> None:
        """Add settings that a scope's entries depend on and the run's need not (the rules, once
        they are loaded: the run's key holds what they are loaded from)."""
        self._settings |= more
        self.settings = _digest(self.root, *(f"{k}={v}" for k, v in sorted(self._settings.items())))

    # --- the whole run ----------------------------------------------------------------------

    def _run_entry(self, run: str) -> Path:
        return self.directory / f"run-{_digest(self.root, run)[:32]}.pickle"

    def recall(
        self, run: str, finder: ScopeFinder, files: list[str], problems: list[str], checked: bool = True
    ) -> Report | None:
        """The report a run stored under ``run`` (its targets and selection) if every file under
        the lint root (``files``, as listed now) and every file it read beyond them is as it was;
        else None. What is known of each unchanged file is left with the finder (its hash, and
        whether it defines a Tenant), so a run that goes on reads none whose times say it is
        unchanged except to lint it. The report's ``checked`` (one item per rule and object, for
        JUnit; the bulk of an entry) is read only when asked for."""
        loader = finder.loader
        self._run, self._files, self._hashed_at = run, files, time.time_ns()
        self._run_key = _digest(self.settings, run, *problems)
        stored, outside, report = self._read_run(checked)
        same = report is not None and stored.keys() == set(files)
        self._stamps: dict[str, Stamp | None] = {}
        for rel in files:
            stamp = self._stamps[rel] = _stamp(loader.path(rel))
            entry = stored.get(rel)
            if entry is not None and stamp is not None and entry[0] == stamp:
                loader.trust(rel, entry[1])
                unchanged = True
            else:  # hashed now, before the run reads it
                unchanged = entry is not None and loader.digest(rel) == entry[1]
                same = same and unchanged
            if unchanged and entry is not None and entry[2] is not None:
                finder.tenant_files[rel] = entry[2]
        if report is None or not same or any(present(loader, p) != d for p, d in outside.items()):
            return None
        if any(stored[rel][0] != self._stamps[rel] for rel in files):  # hashed again: keep the times
            whole = report if checked else self._read_run(True)[2]
            if whole is not None:
                self.remember(finder, whole, outside)
        return report

    def _read_run(self, checked: bool) -> tuple[dict[str, FileEntry], dict[str, str | None], Report | None]:
        """(files, outside, report) of the run entry under the current key; empty on a miss."""
        from linter.model import Checked, Report

        with contextlib.suppress(Exception), open(self._run_entry(self._run), "rb") as stream:
            if stream.readline() == FORMAT and stream.readline() == self._run_key.encode() + b"\n":
                stored, outside, report = _Unpickler(stream).load()
                if isinstance(stored, dict) and isinstance(outside, dict) and isinstance(report, Report):
                    if checked:  # a pickle of its own, after the report's
                        items = [tuple.__new__(Checked, c) for c in _Unpickler(stream).load()]
                        report = replace(report, checked=items)
                    return stored, outside, report
        return {}, {}, None

    def remember(
        self, finder: ScopeFinder, report: Report, outside: dict[str, str | None] | None = None
    ) -> None:
        """Store a run's report under what recall() saw. The hashes are those taken before the
        run read the files, so a file changed while it ran is a miss next time, never a stale hit."""
        young = self._hashed_at - TICK_NS
        files: dict[str, FileEntry] = {}
        for rel in self._files:
            stamp = self._stamps.get(rel)
            if stamp is not None and (stamp[1] >= young or stamp[2] >= young):
                stamp = None  # too young for its times to vouch for it
            files[rel] = (stamp, finder.loader.digest(rel), finder.tenant_files.get(rel))
        outside = self.outside if outside is None else outside
        rules = [replace(r, prepared=None) for r in report.rules]  # compiled forms are made anew
        head = (files, outside, replace(report, rules=rules, checked=[]))
        self._write(self._run_entry(self._run), self._run_key, head, list(map(tuple, report.checked)))
        self._prune()

    def _prune(self) -> None:
        with contextlib.suppress(OSError):
            runs = sorted(self.directory.glob("run-*.pickle"), key=lambda p: p.stat().st_mtime_ns)
            for old in runs[:-RUNS_KEPT]:
                old.unlink()

    # --- one scope ----------------------------------------------------------------------------

    def _entry(self, scope: str) -> Path:
        return self.directory / f"{_digest(self.root, scope)[:32]}.pickle"

    def key(self, scope: str, files: list[tuple[str, str]], problems: list[str]) -> str:
        """The key of one scope: the settings, and its files with their content hashes."""
        return _digest(self.settings, scope, *(f"{p}\x1e{d}" for p, d in files), *problems)

    def get(self, scope: str, key: str, digest: Callable[[str], str | None]) -> Any:
        """The scope's result stored under ``key``, if the files it read outside its own directory
        still hash as they did (``digest(path)``); else None."""
        try:
            with open(self._entry(scope), "rb") as stream:
                if stream.readline() != FORMAT or stream.readline() != key.encode() + b"\n":
                    return None
                outside, result = _Unpickler(stream).load()
            if not isinstance(outside, dict):
                return None
            for path, stored in outside.items():
                if digest(path) != stored:
                    return None
        except Exception:  # corrupt, foreign, half-deleted: a miss
            return None
        return result

    def replay(
        self, finder: ScopeFinder, directories: list[str], kind: type[T]
    ) -> tuple[list[T], dict[str, str]]:
        """The stored results (of type ``kind``) of the scopes whose key matches, and the keys of
        the others. The bytes read to hash a replayed scope are dropped; the others' are kept for
        the lint (a forked worker reads them from its copy of this process)."""
        loader = finder.loader
        found: list[T] = []
        keys: dict[str, str] = {}
        for directory in directories:
            files, problems, _ = finder.walk(directory)
            key = self.key(directory, [(f, loader.digest(f)) for f in files], [repr(p) for p in problems])
            stored = self.get(directory, key, lambda rel: present(loader, rel))
            if isinstance(stored, kind):
                found.append(stored)
                for rel in files:
                    loader.forget(rel)
            else:
                keys[directory] = key
        return found, keys

    def outside_of(self, finder: ScopeFinder, scope: Scope) -> dict[str, str | None]:
        """The hashes of the files a scope read beyond its own walk (a certificate in a shared
        folder) and of those it named that do not exist (None), to be checked before a replay."""
        walked = set(finder.walk(scope.directory)[0])
        return {
            f: present(finder.loader, f) for f in [f for f in scope.files if f not in walked] + scope.missing
        }

    def put(self, scope: str, key: str, outside: dict[str, str | None], result: Any) -> None:
        """Store a scope's result."""
        self._write(self._entry(scope), key, (outside, result))

    def _write(self, entry: Path, key: str, *values: Any) -> None:
        """Write an entry (its values pickled one after the other); a cache that cannot be written
        is no cache, not an error."""
        import tempfile

        temporary = None
        try:
            self._prepare()
            data = b"".join(pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL) for v in values)
            with tempfile.NamedTemporaryFile(
                "wb", dir=self.directory, prefix=".entry-", suffix=".tmp", delete=False
            ) as stream:
                temporary = stream.name
                stream.write(FORMAT + key.encode() + b"\n" + data)
            os.replace(temporary, entry)
        except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)

    def _prepare(self) -> None:
        if self._ready:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        ignore = self.directory / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# written by exolint: its cache, never committed\n*\n", encoding="utf-8")
        self._ready = True
