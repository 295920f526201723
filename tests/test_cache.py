"""The cache never replays a stale result: every part of its key, changed alone, relints.

Each test lints once to fill the cache, then plants a marker finding in every entry (as the
cache would hold it, under the same key). A second unchanged run must show the marker (the
entry is replayed); a run after changing one part of the key must not (the scope was linted
afresh) and must report what a run without the cache reports.
"""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import linter
import linter.lint.engine
from linter.lint.cache import FORMAT
from linter.model import Finding

REPO = Path(__file__).resolve().parent.parent
RENEWED = REPO / "examples" / "contoso-renewed-certificate"
POLICIES = REPO / "examples" / "policies"
MARKER = "replayed from the cache"
AS_OF = "2026-11-26"


@pytest.fixture(autouse=True)
def cache_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the cache: on even when the suite runs without it."""
    monkeypatch.delenv("EXOLINT_NO_CACHE", raising=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Two tenants (a and b), exolint's example policies, and a configuration that uses them."""
    root = tmp_path / "repo"
    shutil.copytree(RENEWED, root / "a")
    shutil.copytree(RENEWED, root / "b")
    shutil.copytree(POLICIES, root / "policies")
    (root / ".exolint.yaml").write_text("rules: [policies]\n", encoding="utf-8")
    return root


def run(cli, root: Path, *extra: str) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    code, out, err = cli(
        root, "check", "--format", "json", "--as-of", AS_OF, "--cache-dir", str(root.parent / "cache"), *extra
    )
    assert code in (0, 1), err
    findings: list[dict[str, object]] = json.loads(out)["findings"]
    return findings


def messages(findings: list[dict[str, object]]) -> list[object]:
    return [f["message"] for f in findings]


def plant_marker(cache: Path) -> int:
    """Add a marker finding to every cache entry (of each scope, and of each whole run), keeping
    its key; return how many scope entries there are."""
    entries = sorted(cache.glob("[0-9a-f]*.pickle"))
    for entry in entries:
        with entry.open("rb") as stream:
            header = stream.readline() + stream.readline()
            outside, partial = pickle.load(stream)
        path = min(partial.files) if partial.files else "tenant.yaml"
        partial.findings.append(marker(path))
        entry.write_bytes(header + pickle.dumps((outside, partial)))
    for entry in cache.glob("run-*.pickle"):
        with entry.open("rb") as stream:
            header = stream.readline() + stream.readline()
            files, outside, report = pickle.load(stream)
            checked = pickle.load(stream)
        path = min(
            (f for f in files if f.startswith("a/")), default=min(files)
        )  # so a stale replay shows in a/
        report = replace(report, findings=[*report.findings, marker(path)])
        entry.write_bytes(header + pickle.dumps((files, outside, report)) + pickle.dumps(checked))
    return len(entries)


def marker(path: str) -> Finding:
    return Finding(path, 1000, 1, "EX001", 1000, 2, "marker", "error", MARKER)


def replayed(findings: list[dict[str, object]], scope: str = "") -> bool:
    """Whether a marker of this scope ("" for any) is among the findings."""
    return any(f["message"] == MARKER and str(f["path"]).startswith(scope) for f in findings)


def without_markers(findings: list[dict[str, object]]) -> list[dict[str, object]]:
    return [f for f in findings if f["message"] != MARKER]


def fresh(cli, repo: Path, *extra: str) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    return run(cli, repo, "--no-cache", *extra)


def test_an_unchanged_run_replays_and_the_cache_stays_out_of_git(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    first = run(cli, repo)
    assert first == fresh(cli, repo) and first
    cache = repo.parent / "cache"
    assert plant_marker(cache) == 3  # one entry per scope: a, b and the root (the policies)
    assert MARKER in messages(run(cli, repo))
    assert (cache / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert not list(cache.glob("*.tmp"))


def test_the_default_place_is_the_lint_root(cli, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("EXOLINT_CACHE_DIR", raising=False)
    monkeypatch.delenv("EXOLINT_NO_CACHE", raising=False)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    code, _, _ = cli(repo, "check", "--as-of", AS_OF)
    assert code == 1 and len(list((repo / ".exolint_cache").glob("*.pickle"))) == 4  # 3 scopes, 1 run
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=repo, capture_output=True, text=True
    )
    assert ".exolint_cache" not in status.stdout
    shutil.rmtree(repo / ".exolint_cache")
    assert cli(repo, "check", "--as-of", AS_OF, "--no-cache")[0] == 1
    assert not (repo / ".exolint_cache").exists()


def _change_definition(repo: Path) -> None:
    path = repo / "a" / "exo" / "inbound-connector.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "Comment: changed\n", encoding="utf-8")


def _change_certificate(repo: Path) -> None:
    renewed = REPO / "examples" / "contoso-healthy" / "certs" / "mail.contoso.com.cer"
    shutil.copy(renewed, repo / "a" / "certs" / "smtp.contoso.com.cer")  # same name, other certificate


def _change_rule(repo: Path) -> None:
    path = next((repo / "policies").glob("CO101-*.yaml"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("severity: error", "severity: info"), encoding="utf-8")


def _change_configuration(repo: Path) -> None:
    (repo / ".exolint.yaml").write_text("rules: [policies]\nseverity: {EX601: warning}\n", encoding="utf-8")


@pytest.mark.parametrize(
    "change",
    [_change_definition, _change_certificate, _change_rule, _change_configuration],
    ids=["definition", "certificate", "rule", "configuration"],
)
def test_a_change_gives_fresh_findings(cli, repo: Path, change) -> None:  # type: ignore[no-untyped-def]
    # the policies lint nothing of the example unless told; make CO101 find something
    outbound = repo / "a" / "exo" / "outbound-connector.yaml"
    text = outbound.read_text(encoding="utf-8")
    outbound.write_text(text.replace("ConnectorType: OnPremises", "ConnectorType: Partner"), encoding="utf-8")
    run(cli, repo)
    plant_marker(repo.parent / "cache")
    assert MARKER in messages(run(cli, repo))
    change(repo)
    after = run(cli, repo)
    assert not replayed(after, "a/")  # b's entry may replay: nothing of b changed...
    if change in (_change_rule, _change_configuration):
        assert not replayed(after)  # ...unless what changed is part of every scope's key
    assert without_markers(after) == fresh(cli, repo)


def test_as_of_and_version_are_part_of_the_key(cli, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    run(cli, repo)
    plant_marker(repo.parent / "cache")
    assert MARKER not in messages(run(cli, repo, "--as-of", "2026-11-27"))  # the later --as-of wins
    run(cli, repo)
    plant_marker(repo.parent / "cache")
    monkeypatch.setattr(linter, "__version__", "99.0.0")
    assert MARKER not in messages(run(cli, repo))


def test_a_shared_certificate_outside_the_scope_is_checked(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    shared = repo / "common"
    shared.mkdir()
    (repo / "a" / "certs" / "smtp.contoso.com.cer").rename(shared / "smtp.contoso.com.cer")
    definition = repo / "a" / "onprem" / "exchange-certificate.yaml"
    text = definition.read_text(encoding="utf-8")
    definition.write_text(text.replace("../certs/", "../../common/"), encoding="utf-8")
    run(cli, repo, "a")
    plant_marker(repo.parent / "cache")
    assert MARKER in messages(run(cli, repo, "a"))
    renewed = REPO / "examples" / "contoso-healthy" / "certs" / "mail.contoso.com.cer"
    shutil.copy(renewed, shared / "smtp.contoso.com.cer")
    after = run(cli, repo, "a")
    assert not replayed(after) and after == fresh(cli, repo, "a")


def test_one_changed_file_relints_its_scope_only(cli, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """...and reads, to find the scopes, only the changed file: the run entry knows which of the
    others define a Tenant."""
    from linter.objects.scopes import ScopeFinder

    run(cli, repo)
    built: list[str] = []
    looked: list[str] = []
    build_scope, defines_tenant = linter.lint.engine.build_scope, ScopeFinder._defines_tenant

    def building(finder, directory):  # type: ignore[no-untyped-def]
        built.append(directory)
        return build_scope(finder, directory)

    def looking(self, rel):  # type: ignore[no-untyped-def]
        looked.append(rel)
        return defines_tenant(self, rel)

    monkeypatch.setattr(linter.lint.engine, "build_scope", building)
    monkeypatch.setattr(ScopeFinder, "_defines_tenant", looking)
    assert run(cli, repo) == fresh(cli, repo)
    built.clear()
    run(cli, repo)
    assert built == []
    _change_definition(repo)
    assert run(cli, repo) == fresh(cli, repo)
    built.clear()
    looked.clear()
    _change_definition(repo)
    run(cli, repo)
    assert built == ["a"] and looked == ["a/exo/inbound-connector.yaml"]


def test_corrupt_and_foreign_entries_are_ignored(cli, repo: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    expected = run(cli, repo)
    entries = sorted((repo.parent / "cache").glob("*.pickle"))  # the scopes', then the run's
    entries[0].write_bytes(b"\x00garbage")
    entries[-1].write_bytes(b"\x00garbage")
    evidence = tmp_path / "ran"

    class Exploit:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (Path.touch, (evidence,))

    header = entries[1].read_bytes().split(b"\n", 2)
    entries[1].write_bytes(header[0] + b"\n" + header[1] + b"\n" + pickle.dumps(({}, Exploit())))
    assert run(cli, repo) == expected
    assert not evidence.exists()
    assert entries[0].read_bytes().startswith(FORMAT)  # rewritten
    assert entries[-1].read_bytes().startswith(FORMAT)


def test_concurrent_runs_leave_a_usable_cache(repo: Path) -> None:
    command = [
        sys.executable, "-m", "linter", "check", "--format", "json", "--as-of", AS_OF,
        "--cache-dir", str(repo.parent / "cache"),
    ]  # fmt: skip
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    runs = [subprocess.Popen(command, cwd=repo, env=env, stdout=subprocess.PIPE) for _ in range(3)]
    outputs = [json.loads(p.communicate()[0])["findings"] for p in runs]
    again = json.loads(subprocess.run(command, cwd=repo, env=env, capture_output=True, check=False).stdout)
    assert outputs[0] == outputs[1] == outputs[2] == again["findings"]
    assert not list((repo.parent / "cache").glob("*.tmp"))


# --- the run entry: a whole run replayed from one entry ------------------------------------------


def test_an_unchanged_run_loads_no_rules(cli, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import linter.commands.check

    first = run(cli, repo)
    loaded: list[int] = []
    original = linter.commands.check.rule_definitions

    def counting(config):  # type: ignore[no-untyped-def]
        loaded.append(1)
        return original(config)

    monkeypatch.setattr(linter.commands.check, "rule_definitions", counting)
    assert run(cli, repo) == first and loaded == []
    _change_definition(repo)
    assert run(cli, repo) == fresh(cli, repo) and loaded


def test_times_vouch_only_for_files_older_than_their_hash(  # type: ignore[no-untyped-def]
    cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file system whose clock ticks coarsely gives a file changed twice within one tick the
    same times: such a file (as young as its hash) is hashed again, never taken as unchanged."""
    import linter.lint.cache

    tick = linter.lint.cache.time.time_ns()

    def coarse(path: str) -> tuple[int, int, int, int]:  # every file: changed in the same tick
        size = Path(path).stat().st_size
        return (size, tick, tick, 1)

    monkeypatch.setattr(linter.lint.cache, "_stamp", coarse)
    path = repo / "a" / "exo" / "inbound-connector.yaml"
    before = path.read_text(encoding="utf-8")
    run(cli, repo)
    plant_marker(repo.parent / "cache")
    assert MARKER in messages(run(cli, repo))  # unchanged: replayed (after hashing every file)
    path.write_text(before.replace("mail.contoso.com", "mail.contoso.net"), encoding="utf-8")  # same size
    after = run(cli, repo)
    assert not replayed(after, "a/") and without_markers(after) == fresh(cli, repo)


def test_new_times_alone_replay_and_are_kept(cli, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import os

    import linter.lint.cache

    monkeypatch.setattr(linter.lint.cache, "TICK_NS", -(10**18))  # trust times however young
    run(cli, repo)
    plant_marker(repo.parent / "cache")
    os.utime(repo / "a" / "tenant.yaml")  # touched: new times, the same content
    hashed: list[str] = []
    original = linter.lint.cache.Loader.digest if hasattr(linter.lint.cache, "Loader") else None
    assert original is None  # the cache imports the loader for types only

    import linter.load.loader

    digest = linter.load.loader.Loader.digest

    def recording(self, rel):  # type: ignore[no-untyped-def]
        hashed.append(rel)
        return digest(self, rel)

    monkeypatch.setattr(linter.load.loader.Loader, "digest", recording)
    assert MARKER in messages(run(cli, repo)) and "a/tenant.yaml" in hashed
    hashed.clear()
    assert MARKER in messages(run(cli, repo)) and hashed == []  # its new times were kept


def test_a_new_scope_is_a_miss(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    run(cli, repo)
    plant_marker(repo.parent / "cache")
    shutil.copytree(RENEWED, repo / "c")
    after = run(cli, repo)
    assert any(str(f["path"]).startswith("c/") for f in after)
    assert without_markers(after) == fresh(cli, repo)


def test_a_deleted_file_is_a_miss(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    run(cli, repo)
    plant_marker(repo.parent / "cache")
    (repo / "a" / "exo" / "inbound-connector.yaml").unlink()  # the outage of a deleted connector
    after = run(cli, repo)
    assert not replayed(after, "a/") and without_markers(after) == fresh(cli, repo)
    assert "EX605" in {f["rule_id"] for f in after}


def test_junit_from_a_replayed_run_has_every_test_case(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    cache = str(repo.parent / "cache")
    cli(repo, "check", "--as-of", AS_OF, "--cache-dir", cache, "--format", "json")  # fills the run entry
    replayed_junit = cli(repo, "check", "--as-of", AS_OF, "--cache-dir", cache, "--format", "junit")[1]
    fresh_junit = cli(repo, "check", "--as-of", AS_OF, "--no-cache", "--format", "junit")[1]

    def cases(xml: str) -> list[str]:
        return sorted(line.strip() for line in xml.splitlines() if "<testcase" in line)

    assert cases(replayed_junit) == cases(fresh_junit) and len(cases(fresh_junit)) > 10


def test_run_entries_are_kept_for_a_few_target_sets(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    import linter.lint.cache

    paths = ["a", "b", "a/exo", "b/exo", "a/onprem", "b/onprem", "a/certs", "b/certs", "a/tenant.yaml", "."]
    for path in paths:
        run(cli, repo, path)
    entries = list((repo.parent / "cache").glob("run-*.pickle"))
    assert len(entries) == linter.lint.cache.RUNS_KEPT < len(paths)


def test_a_file_that_stops_defining_a_tenant_moves_the_scopes(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    run(cli, repo)
    plant_marker(repo.parent / "cache")
    tenant = repo / "b" / "tenant.yaml"
    tenant.write_text(
        tenant.read_text(encoding="utf-8").replace("kind: Tenant", "kind: Tenant2"), encoding="utf-8"
    )
    after = run(cli, repo)
    assert not replayed(after, "b/") and without_markers(after) == fresh(cli, repo)


def test_a_changed_file_run_compares_claims_with_scopes_known_from_the_cache(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    """The claims index reads the other tenants' claims with what the run entry knows of their
    files (which define a Tenant), not from files the run parsed."""
    tenant = repo / "b" / "tenant.yaml"
    documents = tenant.read_text(encoding="utf-8").split("\n---\n")
    (repo / "b" / "domains.yaml").write_text("\n---\n".join(documents[1:]), encoding="utf-8")
    tenant.write_text("kind: Tenant\nName: fabrikam.onmicrosoft.com\n", encoding="utf-8")  # no claims
    run(cli, repo)  # the whole repository: the run entry learns where the Tenants are
    changed = "a/exo/inbound-connector.yaml"
    _change_definition(repo)
    after = run(cli, repo, changed)
    assert after == fresh(cli, repo, changed)
    assert any(f["rule_id"] in ("EX701", "EX702") and "fabrikam" in str(f["message"]) for f in after)
