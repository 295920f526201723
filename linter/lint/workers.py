"""Linting scopes in several processes, for repositories of many scopes.

The process that starts the workers lints chunks too, so its share of the findings is never
pickled and sent back. Where processes are made by fork (Linux), a worker starts as a copy of
that process: the directory listings, the directories known to hold a Tenant and the files read
to find them, and the libraries imported, are there already and are not made again in each
worker. Without both, the split cost more CPU than the second core gave back.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from linter.load.certs import load_library
from linter.load.parse import AliasBudget
from linter.objects.scopes import ScopeFinder

T = TypeVar("T")

_Job = tuple[Callable[..., Any], ScopeFinder, Path, Mapping[str, bytes] | None, Collection[str]]
_INHERITED: dict[str, _Job] = {}
"""token -> the job and its arguments in the process that forks the workers, which find them in
their copy of that process; empty in a spawned worker."""


_PAUSES = [0, False]  # lints under way with the collector paused; whether it was on before
_PAUSES_LOCK = threading.Lock()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while scopes are linted. A lint allocates millions
    of containers and frees them by reference counting; the collector's passes over them, and
    over every document read so far, cost a fifth of the lint and free almost nothing. Workers
    forked meanwhile inherit the pause (they exit when done). Nested and concurrent lints (the
    language server) share one pause; the collector is on again when the last one ends."""
    with _PAUSES_LOCK:
        if _PAUSES[0] == 0:
            _PAUSES[1] = gc.isenabled()
            gc.disable()
        _PAUSES[0] += 1
    try:
        yield
    finally:
        with _PAUSES_LOCK:
            _PAUSES[0] -= 1
            if _PAUSES[0] == 0 and _PAUSES[1]:
                # what the lint made and kept (the findings) goes to the oldest generation
                # unscanned, as if it had survived the young passes it would get on resuming
                gc.freeze()
                gc.unfreeze()
                gc.enable()


PARALLEL_MIN_SCOPES = 64
"""Below this many scopes a second process costs more than it saves."""


def processes(scopes: int) -> int:
    """How many processes lint this many scopes."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cpus, 8) if scopes >= PARALLEL_MIN_SCOPES else 1


def _fresh(finder: ScopeFinder) -> ScopeFinder:
    """The finder with a new alias budget: each chunk had a loader, and so a budget, of its own."""
    finder.loader.aliases = AliasBudget()
    return finder


def _inherited_job(token: str, chunk: list[str]) -> Any:
    """In a forked worker: the job on one chunk, with the finder and arguments of the parent."""
    job, finder, root, overlay, named = _INHERITED[token]
    return job(root, chunk, overlay=overlay, named=named, finder=_fresh(finder))


def in_workers(
    job: Callable[..., list[T]],
    root: Path,
    directories: list[str],
    finder: ScopeFinder,
    workers: int,
    overlay: Mapping[str, bytes] | None,
    named: Collection[str],
) -> list[T]:
    """``job(root, chunk, overlay=, named=, finder=)`` over chunks of the directories, in
    ``workers`` processes, this one included: it lints chunks from the end while
    the others lint from the start, so its share is never sent between processes. The results
    come in the order of the chunks."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    token = ""
    if multiprocessing.get_start_method() == "fork":  # the job, rules and finder are not pickled
        token = f"{os.getpid()}:{id(finder)}"
        _INHERITED[token] = (job, finder, root, overlay, named)
        load_library()  # every process reads certificates: import the library once, before the fork
    pieces = workers * 16  # small chunks: the last ones, queued for a worker, decide when all are done
    chunks = [c for c in (directories[i::pieces] for i in range(pieces)) if c]
    results: list[T] = []
    try:
        with ProcessPoolExecutor(max_workers=workers - 1) as pool:
            futures = [
                pool.submit(_inherited_job, token, c)
                if token
                else pool.submit(job, root, c, overlay=overlay, named=named)
                for c in chunks
            ]
            mine: dict[int, list[T]] = {}
            for index in reversed(range(len(chunks))):
                if not futures[index].cancel():  # a worker has it: the chunks before are theirs
                    break
                mine[index] = job(root, chunks[index], overlay=overlay, named=named, finder=_fresh(finder))
            for index, future in enumerate(futures):
                results += mine[index] if index in mine else future.result()
    finally:
        _INHERITED.pop(token, None)
    return results
