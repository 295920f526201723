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
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from linter.load.loader import Loader
    from linter.objects.scopes import Scope, ScopeFinder

T = TypeVar("T")

FORMAT = b"exolint-cache 1\n"
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


class Cache:
    """Entries of one lint root under one set of settings (all parts of the key but the files)."""

    def __init__(self, directory: Path, root: Path, settings: dict[str, str]) -> None:
        self.directory = directory
        self.root = str(root)
        self.settings = _digest(self.root, *(f"{k}={v}" for k, v in sorted(settings.items())))
        self._ready = False

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
        self, finder: ScopeFinder, directories: list[str], kind: type[T], forget: bool
    ) -> tuple[list[T], dict[str, str]]:
        """The stored results (of type ``kind``) of the scopes whose key matches, and the keys of
        the others. ``forget`` drops the bytes read to hash a scope that is not replayed."""
        loader = finder.loader
        found: list[T] = []
        keys: dict[str, str] = {}
        for directory in directories:
            files, problems, _ = finder.walk(directory)
            key = self.key(directory, [(f, loader.digest(f)) for f in files], [repr(p) for p in problems])
            stored = self.get(directory, key, lambda rel: present(loader, rel))
            if isinstance(stored, kind):
                found.append(stored)
            else:
                keys[directory] = key
            if forget or isinstance(stored, kind):
                for rel in files:
                    loader.forget(rel)
        return found, keys

    def store(self, finder: ScopeFinder, scope: Scope, key: str, result: Any) -> None:
        """Store a scope's result, with the hashes of the files it read beyond its own walk (a
        certificate in a shared folder) and of those it named that do not exist."""
        walked = set(finder.walk(scope.directory)[0])
        outside = [f for f in scope.files if f not in walked] + scope.missing
        self.put(scope.directory, key, {f: present(finder.loader, f) for f in outside}, result)

    def put(self, scope: str, key: str, outside: dict[str, str | None], result: Any) -> None:
        """Store a scope's result; a cache that cannot be written is no cache, not an error."""
        import tempfile

        temporary = None
        try:
            self._prepare()
            data = pickle.dumps((outside, result), protocol=pickle.HIGHEST_PROTOCOL)
            with tempfile.NamedTemporaryFile(
                "wb", dir=self.directory, prefix=".entry-", suffix=".tmp", delete=False
            ) as stream:
                temporary = stream.name
                stream.write(FORMAT + key.encode() + b"\n" + data)
            os.replace(temporary, self._entry(scope))
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
