"""Helpers for the tests that run exolint as users install it: a copy of this working tree,
and an environment that cannot lead a subprocess back into the caller's git repository."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_REDIRECTS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
)


def clean_env(drop: tuple[str, ...] = (), **extra: str) -> dict[str, str]:
    """os.environ without git's redirections and the names in ``drop``, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in GIT_REDIRECTS and k not in drop}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", **extra)
    return env


def working_tree_files(repo: Path) -> list[str]:
    """Tracked files plus untracked files that .gitignore does not exclude, as tests see them."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=repo,
        env=clean_env(),
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sorted({f for f in out.split("\0") if f and os.path.lexists(repo / f)})
