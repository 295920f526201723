"""The files a change touches, from git: what the Markdown report draws with ``--diff-base``."""

from __future__ import annotations

import subprocess
from pathlib import Path


def changed_since(root: Path, ref: str) -> list[str]:
    """Root-relative paths that differ from ``ref`` (committed, staged, unstaged or untracked);
    a deleted file is given as its nearest directory that still exists. Empty when git cannot
    tell (the baseline stage reports a bad REF on its own)."""

    def git(*args: str) -> list[str]:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
        if done.returncode != 0:
            return []
        return [line for line in done.stdout.decode("utf-8", "replace").splitlines() if line]

    changed = git("diff", "--name-only", "--relative", ref, "--")
    changed += git("ls-files", "--others", "--exclude-standard")
    found: dict[str, None] = {}
    for rel in changed:
        path = root / rel
        while not path.exists() and path != root:
            path = path.parent
        found[path.relative_to(root).as_posix() if path != root else ""] = None
    return list(found)
