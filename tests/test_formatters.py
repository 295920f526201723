"""Report formats, validated against the official SARIF schema and the Ant JUnit schema that
GitLab, Jenkins and Azure DevOps document."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import xmlschema
from jsonschema import Draft4Validator

from linter.lint.engine import lint
from linter.report.formatters import FORMATTERS
from linter.report.formatters.github import escape_data, escape_property

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO / "tests" / "data"
RENEWED = REPO / "examples" / "contoso-renewed-certificate"
HEALTHY = REPO / "examples" / "contoso-healthy"
TWO_TENANTS = {
    "contoso/tenant.yaml": "kind: Tenant\nName: contoso.onmicrosoft.com\n",
    "contoso/inbound.yaml": (
        "kind: InboundConnector\nName: Inbound, on-premises\nConnectorType: OnPremises\n"
        "SenderDomains: ['*']\n"
        "SenderIPAddresses: [203.0.113.25, '2001:db8::1']\n"
    ),
    "fabrikam/tenant.yaml": "kind: Tenant\nName: fabrikam.onmicrosoft.com\n",
    "fabrikam/inbound.yaml": (
        "kind: InboundConnector\nName: Inbound from on-premises\nConnectorType: OnPremises\n"
        "SenderDomains: ['*']\n"
        "SenderIPAddresses: [203.0.113.25]\n"
    ),
    "fabrikam/bad.yaml": "kind: Tenant\nname: x\nName: y\n",
}


@pytest.fixture(scope="module")
def sarif_schema() -> Draft4Validator:
    schema = json.loads((REFERENCE / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return Draft4Validator(schema)


@pytest.fixture(scope="module")
def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(REFERENCE / "junit.xsd"))


def report_of(directory: Path, rules):  # type: ignore[no-untyped-def]
    return lint(directory, [], rules, dt.date(2026, 11, 26))  # the examples' certificates expire


def copy(source: Path, tmp_path: Path) -> Path:
    """The example under a fresh lint root; returns the root."""
    shutil.copytree(source, tmp_path / source.name)
    return tmp_path


def test_sarif_of_the_renewed_example(sarif_schema, rules, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sarif = json.loads(FORMATTERS["sarif"](report_of(copy(RENEWED, tmp_path), rules)))
    sarif_schema.validate(sarif)
    run = sarif["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids == sorted(set(ids)) and "EX601" in ids
    [result] = [r for r in run["results"] if r["ruleId"] == "EX601"]
    assert ids[result["ruleIndex"]] == "EX601"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "contoso-renewed-certificate/exo/inbound-connector.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    assert set(run["originalUriBaseIds"]) == {"%SRCROOT%"}
    assert location["region"] == {"startLine": 10, "startColumn": 1, "endLine": 10, "endColumn": 43}
    assert len(result["partialFingerprints"]["exolint/v1"]) == 16
    related = {r["physicalLocation"]["artifactLocation"]["uri"] for r in result["relatedLocations"]}
    assert "contoso-renewed-certificate/certs/smtp.contoso.com.cer" in related
    rule = run["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert rule["helpUri"].endswith("#ex601-sender-certificate-covered")
    assert "### Why it matters" in rule["help"]["markdown"]


def test_ci_formats_name_files_from_the_top_of_the_repository(cli, sarif_schema, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """With --root sub/dir, GitHub and GitLab still need paths from the repository's top."""
    shutil.copytree(RENEWED, tmp_path / "tenants" / "contoso")
    (tmp_path / ".git").mkdir()
    out = tmp_path / "out"
    code, annotations, _ = cli(
        tmp_path,
        *("check", "--root", "tenants/contoso", "--as-of", "2026-11-26"),
        *("--format", "sarif", "--output", str(out / "x.sarif"), "--format", "github"),
        *(
            "--format",
            "gitlab",
            "--output",
            str(out / "cq.json"),
            "--format",
            "junit",
            "--output",
            str(out / "j.xml"),
        ),
        *("--format", "json", "--output", str(out / "x.json")),
    )
    assert code == 1
    assert "file=tenants/contoso/exo/inbound-connector.yaml,line=10" in annotations
    sarif = json.loads((out / "x.sarif").read_text(encoding="utf-8"))
    sarif_schema.validate(sarif)
    result = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "EX601")
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "tenants/contoso/exo/inbound-connector.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    assert (tmp_path / result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]).is_file()
    related = {r["physicalLocation"]["artifactLocation"]["uri"] for r in result["relatedLocations"]}
    assert "tenants/contoso/certs/smtp.contoso.com.cer" in related
    gitlab = json.loads((out / "cq.json").read_text(encoding="utf-8"))
    assert {i["location"]["path"] for i in gitlab} == {
        "tenants/contoso/exo/inbound-connector.yaml",
        "tenants/contoso/exo/outbound-connector.yaml",
    }
    assert "tenants/contoso/exo/inbound-connector.yaml:10:1: EX601" in (out / "j.xml").read_text(
        encoding="utf-8"
    )
    # JSON keeps lint-root paths, as baselines and fingerprints name files
    findings = json.loads((out / "x.json").read_text(encoding="utf-8"))["findings"]
    assert findings[0]["path"] == "exo/inbound-connector.yaml"


def test_sarif_of_a_clean_run_has_empty_results(sarif_schema, rules, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sarif = json.loads(FORMATTERS["sarif"](report_of(copy(HEALTHY, tmp_path), rules)))
    sarif_schema.validate(sarif)
    assert sarif["runs"][0]["results"] == []


def test_sarif_of_cross_tenant_and_file_findings(sarif_schema, rules, write) -> None:  # type: ignore[no-untyped-def]
    sarif = json.loads(FORMATTERS["sarif"](report_of(write(TWO_TENANTS), rules)))
    sarif_schema.validate(sarif)
    by_rule = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert {"EX701", "EX102", "EX002"} <= by_rule


def test_junit_validates_and_lists_passes(junit_schema, rules, write) -> None:  # type: ignore[no-untyped-def]
    import xml.etree.ElementTree as ET

    text = FORMATTERS["junit"](report_of(write(TWO_TENANTS), rules))
    junit_schema.validate(text)
    root = ET.fromstring(text)
    cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    assert cases[("exolint.InboundConnector.EX102", "Inbound, on-premises")].find("failure") is not None
    assert cases[("exolint.InboundConnector.EX101", "Inbound, on-premises")].find("failure") is None
    assert any(
        c == "exolint.Tenant.EX002" and case.find("failure") is not None for (c, _), case in cases.items()
    )
    for suite in root.iter("testsuite"):
        assert int(suite.get("tests", "0")) == len(suite.findall("testcase"))
        assert int(suite.get("failures", "0")) == len(
            [c for c in suite.findall("testcase") if c.find("failure") is not None]
        )
    failure = cases[("exolint.InboundConnector.EX102", "Inbound, on-premises")].find("failure")
    assert failure is not None and "contoso/inbound.yaml:5:" in (failure.text or "")


def test_junit_of_a_clean_run_validates(junit_schema, rules, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = FORMATTERS["junit"](report_of(copy(HEALTHY, tmp_path), rules))
    junit_schema.validate(text)
    assert "<failure" not in text and "<testcase" in text


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("a%b", "a%25b", "a%25b"),
        ("line\nbreak\r", "line%0Abreak%0D", "line%0Abreak%0D"),
        ("k: v, w", "k: v, w", "k%3A v%2C w"),
    ],
)
def test_github_escaping(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop


def test_github_puts_errors_first_and_says_what_it_drops(rules, write) -> None:  # type: ignore[no-untyped-def]
    files = {
        f"c{i}.yaml": f"kind: InboundConnector\nName: C{i}\nConnectorType: OnPremises\nSenderDomains: ['*']\n"
        for i in range(12)
    }
    files["w.yaml"] = "kind: Tenant\nname: contoso.onmicrosoft.com\n"  # one warning
    lines = FORMATTERS["github"](report_of(write(files), rules)).splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert [c.split(" ", 1)[0] for c in commands[:13]] == ["::error"] * 12 + ["::warning"]
    assert commands[-1].startswith("::notice title=exolint::2 more findings")
    # a finding over several lines carries no columns, which the runner rejects there
    assert commands[0].startswith("::error file=c0.yaml,line=1,endLine=4,title=EX101 ")


def test_gitlab_fingerprints_are_unique(rules, write) -> None:  # type: ignore[no-untyped-def]
    issues = json.loads(FORMATTERS["gitlab"](report_of(write(TWO_TENANTS), rules)))
    assert len({i["fingerprint"] for i in issues}) == len(issues) >= 4
    assert {i["severity"] for i in issues} <= {"critical", "minor", "info"}
    assert all(i["location"]["lines"]["begin"] >= 1 for i in issues)


def test_formats_to_files_and_stdout(cli, write) -> None:  # type: ignore[no-untyped-def]
    root = write(TWO_TENANTS)
    code, out, _ = cli(root, "check", "--format", "sarif", "--output", "reports/x.sarif", "--format", "text")
    assert code == 1
    assert json.loads((root / "reports" / "x.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert "EX701 [error]" in out and not out.startswith("{")
    assert not list((root / "reports").glob("*.tmp"))


def test_output_without_a_format_is_a_usage_error(cli, write) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli(write(TWO_TENANTS), "check", "--output", "x.sarif")
    assert code == 2 and "--output x.sarif: name the --format" in err


def test_github_is_the_default_under_github_actions(cli, write, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, out, _ = cli(write(TWO_TENANTS), "check")
    assert out.startswith("::error ")


def test_a_suppression_is_named_from_the_top_of_the_repository_too(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Under --root sub/dir a suppressed result, its related locations and the suppression's own
    place are all named from the repository's top, as the results are."""
    shutil.copytree(RENEWED, tmp_path / "tenants" / "contoso")
    (tmp_path / ".git").mkdir()
    inbound = tmp_path / "tenants" / "contoso" / "exo" / "inbound-connector.yaml"
    lines = inbound.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(9, '# exolint: disable=EX601 reason="CHG-1: renewal under way"\n')
    inbound.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "x.sarif"
    cli(tmp_path, "check", "--root", "tenants/contoso", "--as-of", "2026-11-26", "--show-suppressed",
        "--format", "sarif", "--output", str(out))  # fmt: skip
    result = next(
        r for r in json.loads(out.read_text(encoding="utf-8"))["runs"][0]["results"] if r.get("suppressions")
    )
    place = result["suppressions"][0]["location"]["physicalLocation"]["artifactLocation"]["uri"]
    assert place == result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert place == "tenants/contoso/exo/inbound-connector.yaml"
    related = {r["physicalLocation"]["artifactLocation"]["uri"] for r in result["relatedLocations"]}
    assert "tenants/contoso/certs/smtp.contoso.com.cer" in related


def test_every_format_is_offered_and_every_offered_format_renders() -> None:
    from linter.commands.options import REPORT_FORMATS
    from linter.report.formatters import FORMATTERS

    assert sorted(REPORT_FORMATS) == sorted(FORMATTERS)
