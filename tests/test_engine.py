"""The engine's own guarantees: a crashing primitive becomes a finding, scope conditions use
documented defaults, scopes never mix tenants, targets select what is reported."""

from __future__ import annotations

import os

import pytest

from linter.lint.checks import CHECKS
from linter.lint.engine import lint

INBOUND = "kind: InboundConnector\nName: {name}\nConnectorType: OnPremises\nSenderDomains: ['*']\n"


def test_a_crashing_primitive_becomes_a_finding_and_the_rest_still_runs(
    write, rules, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    root = write(
        {
            "a.yaml": INBOUND.format(name="A"),
            "b.yaml": "kind: InboundConnector\nName: B\nSenderIPAddresses: ['::1']\n",
        }
    )

    def explode(prepared: object, obj: object, scope: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(CHECKS["require-any"], "check", explode)
    found = {(f.rule_id, f.path, f.line) for f in lint(root, [], rules).findings}
    assert ("EX014", "a.yaml", 1) in found  # EX101 (require-any) crashed on A
    assert ("EX102", "b.yaml", 3) in found  # other rules still ran


def test_scopes_never_mix_tenants(write, rules) -> None:  # type: ignore[no-untyped-def]
    tenant = "kind: Tenant\nName: {t}.onmicrosoft.com\n---\nkind: AcceptedDomain\nDomainName: {t}.com\n"
    connector = INBOUND.format(name="Inbound from on-premises") + "TlsSenderCertificateName: '*.{t}.com'\n"
    root = write(
        {
            "contoso/tenant.yaml": tenant.format(t="contoso"),
            "fabrikam/tenant.yaml": tenant.format(t="fabrikam"),
            # fabrikam's connector names contoso's domain: accepted in contoso's scope only
            "fabrikam/exo/inbound.yaml": connector.format(t="contoso"),
            "contoso/exo/inbound.yaml": connector.format(t="contoso"),
        }
    )
    report = lint(root, [], rules)
    accepted = [(f.rule_id, f.path) for f in report.findings if f.rule_id == "EX103"]
    assert accepted == [("EX103", "fabrikam/exo/inbound.yaml")]
    assert report.scopes == 2


def test_a_file_target_loads_only_its_scope(write, rules) -> None:  # type: ignore[no-untyped-def]
    root = write(
        {
            "contoso/tenant.yaml": "kind: Tenant\nName: contoso.onmicrosoft.com\n",
            "contoso/inbound.yaml": INBOUND.format(name="C"),
            "fabrikam/tenant.yaml": "kind: Tenant\nName: fabrikam.onmicrosoft.com\n",
            "fabrikam/inbound.yaml": INBOUND.format(name="F"),
        }
    )
    report = lint(root, ["contoso/inbound.yaml"], rules)
    assert [(f.rule_id, f.path) for f in report.findings] == [("EX101", "contoso/inbound.yaml")]
    assert report.scopes == 1


def test_an_unsaved_file_is_read_where_it_would_stand(write, rules) -> None:  # type: ignore[no-untyped-def]
    """An editor's buffer of a file not on disk (in a folder not on disk either) joins its scope;
    one under a hidden folder stays out, as it would on disk."""
    root = write({"contoso/tenant.yaml": "kind: Tenant\nName: contoso.onmicrosoft.com\n"})
    overlay = {
        "contoso/exo/new/inbound.yaml": INBOUND.format(name="C").encode(),
        "contoso/.drafts/inbound.yaml": INBOUND.format(name="D").encode(),
    }
    report = lint(root, ["contoso/exo/new/inbound.yaml"], rules, overlay=overlay)
    assert [(f.rule_id, f.path) for f in report.findings] == [("EX101", "contoso/exo/new/inbound.yaml")]
    assert report.files == 2
    assert not (root / "contoso" / "exo").exists()


def test_files_without_a_tenant_above_them_form_the_root_scope(write, rules) -> None:  # type: ignore[no-untyped-def]
    root = write(
        {
            "domains.yaml": "kind: AcceptedDomain\nDomainName: contoso.com\n",
            "deep/er/inbound.yaml": INBOUND.format(name="I") + "TlsSenderCertificateName: '*.contoso.com'\n",
        }
    )
    report = lint(root, ["deep/er/inbound.yaml"], rules)
    assert report.findings == []  # the accepted domain two levels up was in scope
    assert report.scopes == 1


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("", []),  # Enabled defaults to true: the rule applies
        ("ConnectorType: partner\n", []),
    ],
)
def test_scope_conditions_match_without_case(write, rules, extra: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    text = "kind: InboundConnector\nName: X\nSenderDomains: ['*']\n" + extra
    root = write({"x.yaml": text})
    assert [f.rule_id for f in lint(root, [], rules).findings if f.rule_id == "EX101"] == expected


def test_onpremises_in_lower_case_is_in_scope(write, rules) -> None:  # type: ignore[no-untyped-def]
    root = write(
        {"x.yaml": "kind: InboundConnector\nName: X\nconnectortype: onpremises\nSenderDomains: ['*']\n"}
    )
    assert "EX101" in {f.rule_id for f in lint(root, [], rules).findings}


def test_parallel_and_serial_runs_agree(  # type: ignore[no-untyped-def]
    write, rules, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import linter.lint.engine
    import linter.lint.workers

    files = {}
    for i in range(12):
        files[f"t{i}/tenant.yaml"] = f"kind: Tenant\nName: t{i}.onmicrosoft.com\n"
        files[f"t{i}/exo/inbound.yaml"] = INBOUND.format(name=f"I{i}") + (
            "SenderIPAddresses: ['::1']\n" if i % 3 else ""
        )
    root = write(files)
    monkeypatch.setattr(linter.lint.workers, "PARALLEL_MIN_SCOPES", 10_000)
    serial = lint(root, [], rules)
    pids = tmp_path_factory.mktemp("pids")
    fresh = linter.lint.workers._fresh

    def noting(finder):  # type: ignore[no-untyped-def]
        (pids / str(os.getpid())).touch()  # a file: a forked worker's lists are its own
        return fresh(finder)

    monkeypatch.setattr(linter.lint.workers, "_fresh", noting)
    monkeypatch.setattr(linter.lint.engine, "processes", lambda scopes: 2)
    parallel = lint(root, [], rules)
    assert {p.name for p in pids.iterdir()} - {str(os.getpid())}  # a worker linted some scopes
    assert parallel.findings == serial.findings
    assert [f.message for f in parallel.findings] == [f.message for f in serial.findings]
    assert (
        (parallel.files, parallel.objects, parallel.scopes)
        == (serial.files, serial.objects, serial.scopes)
        == (24, 24, 12)
    )
    assert {f.rule_id for f in serial.findings} == {"EX101", "EX102"}


def test_claims_are_compared_across_scopes_in_parallel_runs_too(
    write, rules, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import linter.lint.engine

    files = {}
    for i in range(6):
        files[f"t{i}/tenant.yaml"] = f"kind: Tenant\nName: t{i}.onmicrosoft.com\n"
        # t0 and t5 share an address; the others have their own
        address = "203.0.113.9" if i in (0, 5) else f"198.51.100.{i}"
        files[f"t{i}/inbound.yaml"] = INBOUND.format(name=f"I{i}") + f"SenderIPAddresses: [{address}]\n"
    root = write(files)
    monkeypatch.setattr(linter.lint.engine, "processes", lambda scopes: 2)
    report = lint(root, [], rules)
    found = [
        (f.rule_id, f.path, [r.path for r in f.related]) for f in report.findings if f.rule_id == "EX701"
    ]
    assert found == [
        ("EX701", "t0/inbound.yaml", ["t5/inbound.yaml"]),
        ("EX701", "t5/inbound.yaml", ["t0/inbound.yaml"]),
    ]
    # a run over one tenant's file lints that tenant alone, and still compares its claims with
    # the others' (read from the index): both sides of the clash involve the file
    alone = [
        (f.path, f.scope) for f in lint(root, ["t0/inbound.yaml"], rules).findings if f.rule_id == "EX701"
    ]
    assert alone == [("t0/inbound.yaml", "t0"), ("t5/inbound.yaml", "t5")]
    assert [f for f in lint(root, ["t1/inbound.yaml"], rules).findings if f.rule_id == "EX701"] == []


def test_file_targets_are_matched_by_their_directories() -> None:
    from linter.objects.scopes import under_any

    involved = under_any(["a/b.yaml", "c", "d/e"])
    assert [involved(p) for p in ("a/b.yaml", "a/c.yaml", "c/x/y.yaml", "cc/x.yaml", "d/e/f", "d/ef")] == [
        True,
        False,
        True,
        False,
        True,
        False,
    ]
    assert under_any([])("anything") and under_any(["", "a"])("b/c")


def test_the_collector_is_paused_while_scopes_are_linted_and_left_as_it_was(
    write, rules, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import gc

    from linter.lint.workers import collector_paused

    seen: list[bool] = []
    original = CHECKS["require-any"].check

    def watching(prepared: object, obj: object, scope: object) -> object:
        seen.append(gc.isenabled())
        return original(prepared, obj, scope)  # type: ignore[arg-type]

    monkeypatch.setattr(CHECKS["require-any"], "check", watching)
    root = write({"a.yaml": INBOUND.format(name="A")})
    assert gc.isenabled()
    assert "EX101" in {f.rule_id for f in lint(root, [], rules).findings}
    assert seen and not any(seen)
    assert gc.isenabled()
    with collector_paused():  # nested pauses (a lint inside a lint) end with the outer one
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()  # a caller that turned the collector off keeps it off
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_test_made_for_conditions_is_never_taken_for_other_conditions() -> None:
    """matches() keeps the test it made with the conditions it made it for; a dict made later at
    the same address (the first one freed) gets its own test."""
    from linter.model import Document, Object
    from linter.objects import conditions

    obj = Object("InboundConnector", {"Enabled": False}, Document("x.yaml", (), {}), (0,), {}, "")
    enabled, disabled = {"Enabled": True}, {"Enabled": {"not": True}}
    assert not conditions.matches(enabled, obj)
    conditions._MADE[id(disabled)] = conditions._MADE[id(enabled)]  # as if the address were reused
    assert conditions.matches(disabled, obj)
    assert conditions.matches({}, obj)
    assert conditions.matches({"Name": {"present": False}, "enabled": {"in": [False, "x"]}}, obj) is False
    assert conditions.matches({"Name": {"present": False}, "Enabled": {"in": [False, "x"]}}, obj)
    assert conditions.matches({"Enabled": {"not_in": [0, "false"]}}, obj)  # false is not 0, nor text
