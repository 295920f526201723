"""``pre-commit try-repo``, as a hook author runs it: on a fresh clone of this working tree, and
on one with an uncommitted edit. try-repo builds the hook environment in a temporary store of
its own on every call, so this module shares nothing with test_precommit.py and runs beside it."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_precommit import INBOUND, RENEWAL, RENEWED, commit, copy_tree, deployment, git, pre_commit, snapshot

pytestmark = pytest.mark.slow
__all__ = ["deployment", "snapshot"]  # fixtures


def test_try_repo_fresh_clone_and_dirty_tree(snapshot: Path, deployment: Path, tmp_path: Path) -> None:
    # try-repo builds the hook environment in a temporary store of its own on every call, so this
    # test needs no shared store and can run beside the others
    home = tmp_path / "home"
    copy_tree(RENEWED, deployment)
    commit(deployment, "Renew the transport certificate as smtp.contoso.com")

    # A fresh clone: try-repo uses its HEAD as it is.
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(snapshot), str(clone))
    clean = pre_commit(home, deployment, "try-repo", str(clone), "exolint", "--all-files", "--color", "never")
    assert "uncommitted changes" not in clean.output
    assert clean.code == 1, clean.output
    assert clean.hook_exit_code() == 1, clean.output
    # try-repo takes no hook arguments, so judge only the rules that do not depend on the date
    assert [f for f in clean.findings() if f[3] in ("EX601", "EX205")] == RENEWAL, clean.output

    # A dirty working tree: an uncommitted edit of a tracked file is part of what try-repo runs.
    (rule,) = (clone / "rules").glob("**/EX601-*.yaml")
    text = rule.read_text(encoding="utf-8")
    assert text.count("\nseverity: error\n") == 1
    rule.write_text(text.replace("\nseverity: error\n", "\nseverity: warning\n"), encoding="utf-8")
    dirty = pre_commit(
        home,
        deployment,
        "try-repo",
        str(clone),
        "exolint",
        "--all-files",
        "--verbose",
        "--color",
        "never",
    )
    assert "Creating temporary repo with uncommitted changes" in dirty.output, dirty.output
    assert dirty.code == 1, dirty.output  # EX205 still fails
    renewal = [f for f in dirty.findings() if f[3] in ("EX601", "EX205")]
    assert renewal == [(INBOUND, 10, 1, "EX601", "warning"), RENEWAL[1]], dirty.output
