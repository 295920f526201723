"""The command line as users meet it: exit codes, formats, selection, file targets, explain."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from linter.cli import main
from linter.lint.rules import selected

REPO = Path(__file__).resolve().parent.parent
HEALTHY = REPO / "examples" / "contoso-healthy"
RENEWED = REPO / "examples" / "contoso-renewed-certificate"
INBOUND_LINE = "exo/inbound-connector.yaml:10:1"
OUTBOUND_LINE = "exo/outbound-connector.yaml:10:1"
AS_OF = ("--as-of", "2026-11-26")  # the examples' certificates expire; judge them on a fixed day


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    """Both examples copied into a fresh lint root."""
    for source in (HEALTHY, RENEWED):
        shutil.copytree(source, tmp_path / source.name)
    return tmp_path


def findings_schema() -> Draft202012Validator:
    schema = json.loads((REPO / "schemas" / "findings.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_healthy_example_is_clean(cli, examples: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli(examples, "check", "contoso-healthy", *AS_OF)
    assert (code, err) == (0, "")
    assert out.startswith("no findings in 8 files: 12 objects, 2 certificates, 1 scope")


def test_renewed_example_reports_the_outage_at_the_connector_line(cli, examples: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(examples, "check", "contoso-renewed-certificate", "--format", "json", *AS_OF)
    assert code == 1
    report = json.loads(out)
    findings_schema().validate(report)
    # the renewal breaks both directions: relay into EXO (EX601) and EXO's TLS to on-premises (EX205)
    assert [(f["rule_id"], f["path"], f["line"]) for f in report["findings"]] == [
        ("EX601", f"contoso-renewed-certificate/{INBOUND_LINE.rsplit(':', 2)[0]}", 10),
        ("EX205", f"contoso-renewed-certificate/{OUTBOUND_LINE.rsplit(':', 2)[0]}", 10),
    ]
    finding = report["findings"][0]
    assert finding["rule_id"] == "EX601"
    assert "550 5.7.64" in finding["ndr"]
    assert (finding["path"], finding["line"], finding["column"]) == (
        "contoso-renewed-certificate/exo/inbound-connector.yaml",
        10,
        1,
    )
    assert finding["property"] == "/TlsSenderCertificateName"
    assert finding["kind"] == "InboundConnector"
    assert finding["identity"] == "Inbound from 4f2c8a6e-1d3b-4c5a-9e7f-2b8d0c6a1e94"
    related = {(r["path"], r["line"]) for r in finding["related"]}
    assert ("contoso-renewed-certificate/certs/smtp.contoso.com.cer", 1) in related
    assert finding["fix"] == (
        'Set-InboundConnector -Identity "Inbound from 4f2c8a6e-1d3b-4c5a-9e7f-2b8d0c6a1e94" '
        "-TlsSenderCertificateName *.contoso.com"
    )
    assert "mail.contoso.com" in finding["message"] and "smtp.contoso.com" in finding["message"]


def test_text_output_line_format(cli, examples: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(examples, "check", "contoso-renewed-certificate", *AS_OF)
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith(
        f"contoso-renewed-certificate/{INBOUND_LINE}: EX601 [error] Inbound connector "
    )
    assert lines[1].startswith(
        f"contoso-renewed-certificate/{OUTBOUND_LINE}: EX205 [error] Outbound connector "
    )
    assert lines[-1].startswith("2 findings (2 errors) in 8 files")
    assert "\033[" not in out  # no colour when not on a terminal


def test_a_changed_certificate_file_reports_the_connector_it_breaks(cli, examples: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(examples, "check", "contoso-renewed-certificate/certs/smtp.contoso.com.cer", *AS_OF)
    assert code == 1
    assert f"contoso-renewed-certificate/{INBOUND_LINE}: EX601" in out


def test_a_file_that_no_finding_involves_is_clean(cli, examples: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(examples, "check", "contoso-renewed-certificate/tenant.yaml", *AS_OF)
    assert code == 0
    assert out.startswith("no findings")


def test_fingerprints_ignore_line_moves(cli, examples: Path) -> None:  # type: ignore[no-untyped-def]
    def fingerprint() -> tuple[str, int]:
        _, out, _ = cli(examples, "check", "contoso-renewed-certificate", "--format", "json", *AS_OF)
        [finding] = [f for f in json.loads(out)["findings"] if f["rule_id"] == "EX601"]
        return finding["fingerprint"], finding["line"]

    before = fingerprint()
    inbound = examples / "contoso-renewed-certificate" / "exo" / "inbound-connector.yaml"
    inbound.write_text("# moved down\n\n" + inbound.read_text(encoding="utf-8"), encoding="utf-8")
    after = fingerprint()
    assert before[0] == after[0] and after[1] == before[1] + 2


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--fail-on", "error"], 1),
        (["--fail-on", "none"], 0),
        (["--ignore", "EX601"], 1),  # EX205 remains
        (["--ignore", "EX601,EX205"], 0),
        (["--ignore", "EX6,EX2"], 0),
        (["--ignore", "EX6,EX2", "--select", "EX601"], 1),  # the longer prefix wins
        (["--select", "EX1"], 0),
    ],
)
def test_selection_and_fail_on(cli, examples: Path, args: list[str], code: int) -> None:  # type: ignore[no-untyped-def]
    assert cli(examples, "check", "contoso-renewed-certificate", *AS_OF, *args)[0] == code


def test_fail_on_warning(cli, write) -> None:  # type: ignore[no-untyped-def]
    root = write({"x.yaml": "kind: Tenant\nname: contoso.onmicrosoft.com\n"})  # EX012, a warning
    assert cli(root, "check")[0] == 0
    assert cli(root, "check", "--fail-on", "warning")[0] == 1
    assert cli(root, "check", "--fail-on", "info")[0] == 1


@pytest.mark.parametrize(
    ("rule_id", "select", "ignore", "expected"),
    [
        ("EX601", [], [], True),
        ("EX601", ["EX6"], [], True),
        ("EX601", ["EX1"], [], False),
        ("EX601", [], ["EX60"], False),
        ("EX601", ["EX601"], ["EX60"], True),
        ("EX601", ["EX6"], ["EX601"], False),
    ],
)
def test_longest_prefix_wins(rule_id: str, select: list[str], ignore: list[str], expected: bool) -> None:
    assert selected(rule_id, select, ignore) is expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "no-such-dir"], "no-such-dir: no such file or directory"),
        (["check", "--format", "xml"], "invalid choice: 'xml'"),
        (["check", "--select", "ZZ9"], "ZZ9: no rule id starts with this"),
        (["check", "--as-of", "tomorrow"], "'tomorrow' is not a date"),
        (["explain", "EX999"], "EX999: neither a rule id or prefix nor an NDR code"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(cli, write, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    root = write({"x.yaml": "kind: Tenant\nName: contoso.onmicrosoft.com\n"})
    code, out, err = cli(root, *args)
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1 and message in err


def test_path_outside_the_root_is_a_usage_error(cli, write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = write({"repo/.git/HEAD": "ref: refs/heads/main\n", "other/x.yaml": "kind: Tenant\nName: a\n"})
    code, _, err = cli(root / "repo", "check", str(root / "other"))
    assert code == 2 and "outside the lint root" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from linter import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"exolint {__version__}"


def test_rules_lists_every_rule(cli, tmp_path: Path, rules) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(tmp_path, "rules")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == [r.id for r in rules]


@pytest.mark.parametrize(
    ("topic", "must_list", "must_not_list"),
    [
        ("5.7.64", {"EX101", "EX102", "EX103", "EX601", "EX602"}, {"EX401"}),
        ("550 5.7.64", {"EX601"}, {"EX401"}),
        ("ATTR36", {"EX103"}, {"EX601"}),
        ("attr36", {"EX103"}, {"EX601"}),
        ("4.7.5", {"EX401"}, {"EX601"}),
    ],
)
def test_explain_an_ndr(
    cli, tmp_path: Path, topic: str, must_list: set[str], must_not_list: set[str]
) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(tmp_path, "explain", topic)
    assert code == 0
    listed = {line.split()[0] for line in out.splitlines() if line.startswith("  EX")}
    assert must_list <= listed
    assert not (must_not_list & listed)


def test_explain_a_rule_prints_its_doc(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(tmp_path, "explain", "ex601")
    assert code == 0
    for heading in (
        "# EX601 sender-certificate-covered",
        "### What it checks",
        "### Why it matters",
        "### How to fix it",
        "### Examples",
        "### Sources",
    ):
        assert heading in out


def test_internal_error_is_one_line_without_debug(cli, write, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import linter.lint.engine

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(linter.lint.engine, "lint", broken)
    root = write({"x.yaml": "kind: Tenant\nName: a\n"})
    code, _, err = cli(root, "check")
    assert code == 2 and "Traceback" not in err and "internal error: RuntimeError: boom" in err
    with pytest.raises(RuntimeError):
        cli(root, "--debug", "check")


def test_the_examples_as_a_whole_are_one_tenant_in_two_directories(cli, examples: Path) -> None:  # type: ignore[no-untyped-def]
    """Both examples describe contoso.onmicrosoft.com: one EX013, never a clash of the tenant
    with itself (EX701/EX702)."""
    code, out, _ = cli(examples, "check", ".", "--format", "json", *AS_OF)
    assert code == 1
    rules = [f["rule_id"] for f in json.loads(out)["findings"]]
    assert rules.count("EX013") == 1
    assert not {"EX701", "EX702"} & set(rules)
