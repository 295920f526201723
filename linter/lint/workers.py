"""Linting scopes in worker processes, for repositories of many scopes.

Where processes are made by fork (Linux), a worker starts as a copy of the process that made
it: the directory listings, the directories known to hold a Tenant and the files read to find
them, and the libraries imported, are there already. They are left to the workers instead of
being made again in each, which used to cost more CPU than the second core gave back.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import TypeVar

from linter.load.certs import load_library
from linter.load.parse import AliasBudget
from linter.objects.scopes import ScopeFinder

T = TypeVar("T")

_INHERITED: dict[str, ScopeFinder] = {}
"""token -> the finder of the process that forks the workers; empty in a spawned worker."""


def inherited(token: str) -> ScopeFinder | None:
    """The finder a forked worker finds in its copy of the parent; None when it must make one."""
    finder = _INHERITED.get(token) if token else None
    if finder is not None:  # each chunk had a loader, and so an alias budget, of its own
        finder.loader.aliases = AliasBudget()
    return finder


def in_workers(
    job: Callable[..., list[T]],
    root: Path,
    directories: list[str],
    finder: ScopeFinder,
    workers: int,
    overlay: Mapping[str, bytes] | None,
    named: Collection[str],
) -> list[T]:
    """``job(root, chunk, overlay=, named=, inherit=)`` over chunks of the directories, in
    ``workers`` processes; the results in the order of the chunks."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    token = ""
    if multiprocessing.get_start_method() == "fork":
        token = f"{os.getpid()}:{id(finder)}"
        _INHERITED[token] = finder
        load_library()  # every worker reads certificates: import the library once, before the fork
    else:
        finder.loader.release()  # a spawned worker reads the files itself
    pieces = workers * 4  # more chunks than workers, so one slow chunk does not hold the run up
    chunks = [c for c in (directories[i::pieces] for i in range(pieces)) if c]
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(job, root, c, overlay=overlay, named=named, inherit=token) for c in chunks]
            results: list[T] = []
            for future in futures:
                results += future.result()
            return results
    finally:
        _INHERITED.pop(token, None)
