"""In a git work tree exolint reads what git would commit: tracked files and untracked ones that
are not ignored. Outside one, every file under the lint root."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RENEWED = REPO / "examples" / "contoso-renewed-certificate"
AS_OF = ("--as-of", "2026-11-26")


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=root, check=True
    )


def test_ignored_files_are_not_linted_untracked_ones_are(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "repo"
    shutil.copytree(RENEWED, root / "tenant")
    git(root, "init", "-q")
    (root / ".gitignore").write_text("build/\nscratch.yaml\n", encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "tenant")
    shutil.copytree(RENEWED, root / "build" / "tenant")  # a build copy: ignored
    (root / "scratch.yaml").write_text(
        "kind: AcceptedDomain\nDomainName: [\n", encoding="utf-8"
    )  # ignored scratch file
    (root / "tenant" / "new.yaml").write_text("kind: AcceptedDomain\nDomainName: [\n", encoding="utf-8")
    (root / "tenant" / "onprem" / "transport-servers.yaml").unlink()  # deleted, still in the index
    code, out, err = cli(root, "check", *AS_OF)
    assert err == ""
    paths = {line.split(":")[0] for line in out.splitlines()[:-1]}
    assert "tenant/new.yaml" in paths  # untracked, not ignored: linted
    assert not any(p.startswith(("build/", "scratch")) for p in paths)
    assert "1 scope" in out.splitlines()[-1]
    code, out, _ = cli(root, "check", "scratch.yaml", *AS_OF)  # named: linted though ignored
    assert code == 1 and out.startswith("scratch.yaml:")
    (root / ".gitignore").unlink()
    code, out, _ = cli(root, "check", *AS_OF)
    assert code == 1
    paths = {line.split(":")[0] for line in out.splitlines()[:-1]}
    assert "scratch.yaml" in paths and any(p.startswith("build/") for p in paths)


def test_outside_a_work_tree_every_file_is_read(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(RENEWED, tmp_path / "tenant")
    (tmp_path / "tenant" / "scratch.yaml").write_text(
        "kind: AcceptedDomain\nDomainName: [\n", encoding="utf-8"
    )
    code, out, _ = cli(tmp_path, "check", "--root", str(tmp_path), *AS_OF)
    assert code == 1 and "tenant/scratch.yaml" in out
