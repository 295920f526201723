"""Baselines and new-findings-only runs: which findings were already there.

A finding is known by its fingerprint (rule, scope, object identity, property), never its line,
so a baseline survives reformatting, reordering and moved lines, and a finding comes back when
the object or property it is about changes.
"""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linter.model import Finding, Report

VERSION = 1


class BaselineError(Exception):
    """A baseline file or a git reference that cannot be used: one line, exit 2."""


def render(report: Report) -> str:
    """The baseline of a report: each fingerprint with enough to recognise it in a review."""
    entries = {
        f.fingerprint: {"rule_id": f.rule_id, "path": f.path, "identity": f.identity, "property": f.pointer}
        for f in sorted(report.findings)
    }
    return (
        json.dumps({"exolint_baseline": VERSION, "findings": dict(sorted(entries.items()))}, indent=2) + "\n"
    )


def read(path: Path) -> frozenset[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: is not a baseline (not JSON: {exc})") from None
    if (
        not isinstance(data, dict)
        or data.get("exolint_baseline") != VERSION
        or not isinstance(data.get("findings"), dict)
    ):
        raise BaselineError(
            f"{path}: is not an exolint baseline; write one with `exolint baseline write {path}`"
        )
    return frozenset(data["findings"])


def name_deletions(
    findings: list[Finding],
    root: Path,
    base: Path,
    ref: str,
    globs: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
) -> list[Finding]:
    """The findings, each saying which definitions its deployment lost since ``ref`` (whose
    files lie under ``base``): a finding a change brought is most often the deletion's doing,
    as when the inbound connector is deleted and relay is refused."""
    from dataclasses import replace

    lost: dict[str, str] = {}
    named: list[Finding] = []
    for finding in findings:
        if finding.scope not in lost:
            lost[finding.scope] = _lost(root, base, finding.scope, globs)
        if lost[finding.scope]:
            finding = replace(finding, message=f"{finding.message} Since {ref}, {lost[finding.scope]}.")
        named.append(finding)
    return named


_NOT_LOST = ("Tenant", "ExchangeCertificate")
"""Kinds whose identity changes without a loss: a Tenant names the deployment, and every renewal
gives an ExchangeCertificate a new Thumbprint."""


def _lost(root: Path, base: Path, scope: str, globs: tuple[tuple[str, ...], tuple[str, ...]]) -> str:
    """What the deployment at ``scope`` defined at the base and defines no more, in words."""
    from linter.load.loader import Loader
    from linter.objects.definitions import label_of
    from linter.objects.scopes import ScopeFinder, build_scope

    now = ScopeFinder(Loader(root, *globs))
    before = ScopeFinder(Loader(base, *globs))
    kept = {(o.kind, o.identity.lower()) for o in build_scope(now, scope)[0].objects}
    gone = [
        o
        for o in build_scope(before, before.scope_of(scope))[0].objects
        if (o.kind, o.identity.lower()) not in kept and o.kind not in _NOT_LOST
    ]
    if not gone:
        return ""
    listed = "; ".join(f"{label_of(o)} ({o.path})" for o in gone[:5])
    more = f" and {len(gone) - 5} more" if len(gone) > 5 else ""
    return f"the change deleted {listed}{more}"


def new_findings(findings: list[Finding], known: frozenset[str]) -> tuple[list[Finding], int]:
    """The findings whose fingerprint is not known, and how many were."""
    kept = [f for f in findings if f.fingerprint not in known]
    return kept, len(findings) - len(kept)


def export_tree(root: Path, ref: str, destination: Path) -> None:
    """Write the lint root's files as they are at ``ref`` into ``destination``, from git's
    objects: the user's work tree and index are never touched."""

    def git(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)

    prefix = git("rev-parse", "--show-prefix")
    if prefix.returncode != 0:
        raise BaselineError(f"--diff-base {ref}: {root} is not inside a git work tree")
    subdirectory = prefix.stdout.decode().strip().rstrip("/")
    if git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        raise BaselineError(f"--diff-base {ref}: not a commit of this repository")
    tree = f"{ref}:{subdirectory}" if subdirectory else ref
    if subdirectory and git("cat-file", "-t", tree).stdout.decode().strip() != "tree":
        raise BaselineError(f"--diff-base {ref}: the lint root {subdirectory} did not exist in that commit")
    top = git("rev-parse", "--show-toplevel").stdout.decode().strip()
    archive = subprocess.run(
        ["git", "-C", top, "archive", "--format=tar", tree], capture_output=True, check=False
    )
    if archive.returncode != 0:
        raise BaselineError(f"--diff-base {ref}: git archive failed: {archive.stderr.decode().strip()}")

    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(destination, filter="data")
