"""Suppressions as governed data: where an inline comment reaches, what the configuration
suppresses, the findings about suppressions themselves, and how every report format counts them."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema
from jsonschema import Draft4Validator, Draft202012Validator

from linter.lint.config import Config, load
from linter.lint.engine import lint
from linter.load.comments import read_comments
from linter.model import Report
from linter.report.formatters import FORMATTERS
from linter.report.suppress import finish

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO / "tests" / "data"
AS_OF = dt.date(2026, 6, 1)
REASON = 'reason="the filtering service needs both"'

# EX111 (warning) fires on line 6, the TlsSenderCertificateName of a Partner connector.
PARTNER = [
    "kind: InboundConnector",
    "Name: Inbound from filtering service",
    "ConnectorType: Partner",
    'SenderDomains: ["*"]',
    "SenderIPAddresses: [131.107.0.0/24]",
    'TlsSenderCertificateName: "*.filtering.example"',
    "RestrictDomainsToIPAddresses: true",
]
FINDING_LINE = 6


def placed(comment: str, line: int, own_line: bool, lines: list[str] = PARTNER) -> str:
    """The object with the comment on its own line before ``line`` or at the end of ``line``."""
    out = list(lines)
    if own_line:
        out.insert(line - 1, f"# {comment}")
    else:
        out[line - 1] += f"  # {comment}"
    return "\n".join(out) + "\n"


def run(
    tmp_path: Path,
    rules,  # type: ignore[no-untyped-def]
    files: dict[str, str],
    config: str | None = None,
    as_of: dt.date = AS_OF,
    targets: tuple[str, ...] = (),
) -> Report:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    settings = Config()
    if config is not None:
        (tmp_path / ".exolint.yaml").write_text(config, encoding="utf-8")
        settings = load(tmp_path / ".exolint.yaml")
    report = lint(tmp_path, list(targets), rules, as_of)
    return finish(report, settings, as_of, targets=list(targets), root=tmp_path)


def ids(report: Report) -> list[str]:
    return [f"{f.path}:{f.line}:{f.column}: {f.rule_id}" for f in report.findings]


# --- where a comment reaches --------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "own_line", "suppressed"),
    [
        pytest.param(FINDING_LINE, False, True, id="same-line"),
        pytest.param(FINDING_LINE, True, True, id="line-above"),
        pytest.param(1, False, True, id="object-first-line"),
        pytest.param(1, True, True, id="line-above-the-object"),
        pytest.param(FINDING_LINE - 1, True, False, id="two-lines-above"),
        pytest.param(FINDING_LINE - 1, False, False, id="end-of-the-line-above"),
        pytest.param(FINDING_LINE + 1, False, False, id="line-below"),
        pytest.param(2, False, False, id="second-line-of-the-object"),
    ],
)
def test_comment_positions(tmp_path: Path, rules, line: int, own_line: bool, suppressed: bool) -> None:  # type: ignore[no-untyped-def]
    text = placed(f"exolint: disable=EX111 {REASON}", line, own_line)
    report = run(tmp_path, rules, {"exo/inbound.yaml": text})
    if suppressed:
        assert [s.finding.rule_id for s in report.suppressed] == ["EX111"]
        assert report.findings == []
        assert report.suppressed[0].reason == "the filtering service needs both"
        assert report.suppressed[0].kind == "inline"
    else:
        assert report.suppressed == []
        assert sorted(f.rule_id for f in report.findings) == ["EX111", "EX924"]


@pytest.mark.parametrize(
    ("text", "finding_line"),
    [
        pytest.param(
            "kind: Tenant\nName: contoso.onmicrosoft.com\n---\n"
            + placed(f"exolint: disable=EX111 {REASON}", 1, True),
            10,
            id="second-document-above-the-object",
        ),
        pytest.param(
            "- kind: Tenant\n  Name: contoso.onmicrosoft.com\n"
            + f"# exolint: disable=EX111 {REASON}\n"
            + "".join(("- " if n == 0 else "  ") + line + "\n" for n, line in enumerate(PARTNER)),
            9,
            id="list-item-above-the-object",
        ),
        pytest.param(
            "".join(
                ("- " if n == 0 else "  ")
                + line
                + (f"  # exolint: disable=EX111 {REASON}" if n == 0 else "")
                + "\n"
                for n, line in enumerate(PARTNER)
            ),
            6,
            id="list-item-first-line",
        ),
    ],
)
def test_whole_object_in_streams_and_lists(tmp_path: Path, rules, text: str, finding_line: int) -> None:  # type: ignore[no-untyped-def]
    report = run(tmp_path, rules, {"exo/inbound.yaml": text})
    assert [(s.finding.rule_id, s.finding.line) for s in report.suppressed] == [("EX111", finding_line)]
    assert report.findings == []


def test_a_whole_object_comment_does_not_reach_the_next_object(tmp_path: Path, rules) -> None:  # type: ignore[no-untyped-def]
    first = placed(f"exolint: disable=EX111 {REASON}", 1, True)
    second = "\n".join(PARTNER).replace("filtering service", "second service") + "\n"
    report = run(tmp_path, rules, {"exo/inbound.yaml": first + "---\n" + second})
    assert [s.finding.identity for s in report.suppressed] == ["Inbound from filtering service"]
    assert [(f.rule_id, f.identity) for f in report.findings] == [("EX111", "Inbound from second service")]


def test_findings_carry_their_objects_first_line(tmp_path: Path, rules) -> None:  # type: ignore[no-untyped-def]
    text = "kind: Tenant\nName: contoso.onmicrosoft.com\n---\n" + "\n".join(PARTNER) + "\n"
    report = run(tmp_path, rules, {"exo/inbound.yaml": text})
    [finding] = report.findings
    assert (finding.line, finding.object_line) == (9, 4)


def test_several_ids_in_one_comment(tmp_path: Path, rules) -> None:  # type: ignore[no-untyped-def]
    lines = [*PARTNER[:4], "SenderIPAddresses: [131.107.0.0/24, 10.1.0.0/24]", *PARTNER[5:]]
    text = placed(f"exolint: disable=EX106,EX111 {REASON}", 1, True, lines)
    report = run(tmp_path, rules, {"exo/inbound.yaml": text})
    assert sorted(s.finding.rule_id for s in report.suppressed) == ["EX106", "EX111"]
    assert report.findings == []


def test_a_comment_suppresses_only_the_rules_it_names(tmp_path: Path, rules) -> None:  # type: ignore[no-untyped-def]
    lines = [*PARTNER[:4], "SenderIPAddresses: [131.107.0.0/24, 10.1.0.0/24]", *PARTNER[5:]]
    report = run(
        tmp_path, rules, {"exo/inbound.yaml": placed(f"exolint: disable=EX111 {REASON}", 1, True, lines)}
    )
    assert [s.finding.rule_id for s in report.suppressed] == ["EX111"]
    assert [f.rule_id for f in report.findings] == ["EX106"]


# --- findings about inline suppressions ------------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "config", "expected"),
    [
        pytest.param("exolint: disable", None, "EX920", id="blanket"),
        pytest.param(f"exolint: disable=all {REASON}", None, "EX920", id="disable-all"),
        pytest.param("exolint: disable=EX111", None, "EX921", id="no-reason"),
        pytest.param('exolint: disable=EX111 reason="  "', None, "EX921", id="blank-reason"),
        pytest.param(
            f"exolint: disable=EX111 {REASON} until=2026-02-30", None, "EX922", id="until-not-a-date"
        ),
        pytest.param(f"exolint: disable=EX1 {REASON}", None, "EX922", id="id-cut-short"),
        pytest.param(f"exolint: disable=EX111,EX998 {REASON}", None, "EX922", id="unknown-id"),
        pytest.param(f"exolint: disable=EX111 {REASON} until=2026-05-31", None, "EX923", id="expired"),
        pytest.param(
            f"exolint: disable=EX111 {REASON}",
            "inline-suppressions: {max-days: 30}",
            "EX926",
            id="max-days-no-until",
        ),
        pytest.param(
            f"exolint: disable=EX111 {REASON} until=2026-07-02",
            "inline-suppressions: {max-days: 30}",
            "EX926",
            id="max-days-exceeded",
        ),
        pytest.param(
            f"exolint: disable=EX111 {REASON}",
            "inline-suppressions: {forbid-at-or-above: warning}",
            "EX925",
            id="forbidden-severity",
        ),
    ],
)
def test_a_suppression_that_does_not_hold_is_a_finding_and_suppresses_nothing(
    tmp_path: Path, rules, comment: str, config: str | None, expected: str
) -> None:  # type: ignore[no-untyped-def]
    report = run(tmp_path, rules, {"exo/inbound.yaml": placed(comment, FINDING_LINE, True)}, config)
    assert ids(report) == [f"exo/inbound.yaml:6:3: {expected}", "exo/inbound.yaml:7:1: EX111"]
    assert report.suppressed == []
    [about] = [f for f in report.findings if f.rule_id == expected]
    assert "# " + comment.strip() in about.message


@pytest.mark.parametrize(
    ("comment", "config"),
    [
        pytest.param(
            f"exolint: disable=EX111 {REASON} until=2026-06-01", None, id="until-the-day-of-the-run"
        ),
        pytest.param(
            f"exolint: disable=EX111 {REASON} until=2026-07-01",
            "inline-suppressions: {max-days: 30}",
            id="max-days-last-day",
        ),
        pytest.param(
            f"exolint: disable=EX111 {REASON}",
            "inline-suppressions: {forbid-at-or-above: error}",
            id="below-the-forbidden-severity",
        ),
        pytest.param(
            "exolint: disable=ex111 reason='lower case, single quotes'", None, id="lower-case-single-quotes"
        ),
    ],
)
def test_a_suppression_that_holds(tmp_path: Path, rules, comment: str, config: str | None) -> None:  # type: ignore[no-untyped-def]
    report = run(tmp_path, rules, {"exo/inbound.yaml": placed(comment, FINDING_LINE, True)}, config)
    assert report.findings == []
    assert [s.finding.rule_id for s in report.suppressed] == ["EX111"]


def test_stale_comment_names_the_unused_ids_only(tmp_path: Path, rules) -> None:  # type: ignore[no-untyped-def]
    report = run(
        tmp_path, rules, {"exo/inbound.yaml": placed(f"exolint: disable=EX111,EX106 {REASON}", 1, True)}
    )
    [stale] = report.findings
    assert (stale.rule_id, stale.line, stale.column) == ("EX924", 1, 3)
    assert "disables EX106 (sender-ip-private)" in stale.message
    assert "remove EX106 from it" in stale.message


def test_stale_is_not_judged_for_rules_the_selection_turns_off(tmp_path: Path, rules) -> None:  # type: ignore[no-untyped-def]
    text = placed(f"exolint: disable=EX106 {REASON}", 1, True)
    (tmp_path / "exo").mkdir()
    (tmp_path / "exo" / "inbound.yaml").write_text(text, encoding="utf-8")
    report = lint(tmp_path, [], rules, AS_OF)
    on = finish(lint(tmp_path, [], rules, AS_OF), Config(), AS_OF)
    off = finish(report, Config(), AS_OF, active=lambda rule_id: rule_id != "EX106")
    assert "EX924" in [f.rule_id for f in on.findings]
    assert "EX924" not in [f.rule_id for f in off.findings]


def test_only_the_linted_files_comments_are_judged(tmp_path: Path, rules) -> None:  # type: ignore[no-untyped-def]
    stale = placed(f"exolint: disable=EX106 {REASON}", 1, True)
    files = {"exo/a.yaml": stale, "exo/b.yaml": stale.replace("filtering service", "other service")}
    report = run(tmp_path, rules, files, targets=("exo/b.yaml",))
    assert [(f.path, f.rule_id) for f in report.findings if f.rule_id.startswith("EX92")] == [
        ("exo/b.yaml", "EX924")
    ]


def test_findings_about_suppressions_cannot_be_suppressed(tmp_path: Path, rules) -> None:  # type: ignore[no-untyped-def]
    text = placed(
        f"exolint: disable=EX106 {REASON}",
        1,
        True,
        placed(f"exolint: disable=EX924 {REASON}", 1, False).splitlines(),
    )
    report = run(tmp_path, rules, {"exo/inbound.yaml": text})
    assert ids(report) == [
        "exo/inbound.yaml:1:3: EX924",
        "exo/inbound.yaml:2:27: EX922",
        "exo/inbound.yaml:7:1: EX111",
    ]
    assert "EX924, a finding about suppressions, which cannot be suppressed" in report.findings[1].message


def test_json_files_hold_no_comments(tmp_path: Path, rules) -> None:  # type: ignore[no-untyped-def]
    text = json.dumps(dict(line.split(": ", 1) for line in PARTNER[:4]) | {"Comment": "# exolint: disable"})
    report = run(tmp_path, rules, {"exo/inbound.json": text})
    assert not [f for f in report.findings if f.rule_id.startswith("EX92")]


# --- the comment syntax ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "ids", "reason", "until", "problem"),
    [
        (
            'a: 1  # exolint: disable=EX101 reason="x y" until=2026-12-31',
            ("EX101",),
            "x y",
            "2026-12-31",
            None,
        ),
        ("# exolint: disable=ex101, EX102 reason=CHG-1", ("EX101", "EX102"), "CHG-1", None, None),
        ("#exolint: disable=EX101 reason='it, is'", ("EX101",), "it, is", None, None),
        ("# exolint: disable=EX101,EX101 reason=x", ("EX101",), "x", None, None),
        (
            "# exolint: disable=EX101 reason=x until=2026-13-01",
            ("EX101",),
            "x",
            None,
            "until=2026-13-01 is not a date",
        ),
        (
            "# exolint: disable=EX101 reason=x until=20261201",
            ("EX101",),
            "x",
            None,
            "until=20261201 is not a date",
        ),
        ("# exolint: disable=EX101 reason=x reason=y", ("EX101",), "y", None, "reason= is given twice"),
        ("# exolint: disable=E101 reason=x", ("E101",), "x", None, "E101 is not a rule id"),
        ("# exolint: ignore=EX101", (), None, None, "followed by 'ignore', not disable"),
        ("# exolint:", (), None, None, "followed by nothing"),
    ],
)
def test_comment_syntax(
    line: str, ids: tuple[str, ...], reason: str | None, until: str | None, problem: str | None
) -> None:
    [comment] = read_comments(f"kind: Tenant\n{line}\n")
    assert comment.line == 2
    assert (comment.ids, comment.reason) == (ids, reason)
    assert comment.until == (dt.date.fromisoformat(until) if until else None)
    assert (comment.problem is None) if problem is None else (problem in (comment.problem or ""))


@pytest.mark.parametrize(
    "text",
    [
        'Comment: "see exolint: disable=EX101"',  # not after a '#'
        "Comment: ticket#exolint: disable=EX101",  # a '#' inside a word is not a YAML comment
        "# exolint disable=EX101",  # no colon: not ours
    ],
)
def test_text_that_is_not_an_exolint_comment(text: str) -> None:
    assert read_comments(text + "\n") == []


@pytest.mark.parametrize(
    ("line", "blanket", "own_line", "column"),
    [
        ("# exolint: disable", True, True, 3),
        ("  # exolint: disable=all reason=x", True, True, 5),
        ("a: 1 # exolint: disable=* reason=x", True, False, 8),
        ("a: 1 # exolint: disable=EX101 reason=x", False, False, 8),
    ],
)
def test_blanket_and_place(line: str, blanket: bool, own_line: bool, column: int) -> None:
    [comment] = read_comments(line)
    assert (comment.blanket, comment.own_line, comment.column) == (blanket, own_line, column)


# --- configuration suppressions ------------------------------------------------------------------

TWO_CONNECTORS = {
    "exo/filtering.yaml": "\n".join(PARTNER) + "\n",
    "legacy/partner.yaml": "\n".join(PARTNER).replace("filtering service", "legacy partner") + "\n",
}


def entry(**fields: str) -> str:
    lines = [f"    {key}: {json.dumps(value)}" for key, value in fields.items()]
    return "suppressions:\n  - " + "\n".join(lines).lstrip() + "\n"


@pytest.mark.parametrize(
    ("config", "suppressed", "reported"),
    [
        pytest.param(
            entry(rule="EX111", path="legacy/**", reason="retired in July"),
            ["legacy/partner.yaml"],
            ["exo/filtering.yaml"],
            id="path-glob",
        ),
        pytest.param(
            entry(rule="EX111", path="legacy", reason="retired in July"),
            ["legacy/partner.yaml"],
            ["exo/filtering.yaml"],
            id="directory",
        ),
        pytest.param(
            entry(rule="EX111", identity="INBOUND FROM FILTERING SERVICE", reason="accepted, CHG-1"),
            ["exo/filtering.yaml"],
            ["legacy/partner.yaml"],
            id="identity-without-regard-to-case",
        ),
        pytest.param(
            entry(
                rule="EX111", path="exo/*.yaml", identity="Inbound from legacy partner", reason="wrong place"
            ),
            [],
            ["exo/filtering.yaml", "legacy/partner.yaml"],
            id="path-and-identity-both-must-match",
        ),
        pytest.param(
            entry(rule="ex111", reason="accepted everywhere"),
            ["exo/filtering.yaml", "legacy/partner.yaml"],
            [],
            id="rule-everywhere",
        ),
        pytest.param(
            entry(rule="EX111", path="**", reason="until July", until="2026-07-31"),
            ["exo/filtering.yaml", "legacy/partner.yaml"],
            [],
            id="until-in-force",
        ),
    ],
)
def test_configuration_suppressions(
    tmp_path: Path, rules, config: str, suppressed: list[str], reported: list[str]
) -> None:  # type: ignore[no-untyped-def]
    report = run(tmp_path, rules, TWO_CONNECTORS, config)
    assert [s.finding.path for s in report.suppressed] == suppressed
    assert all(
        s.kind == "configuration" and (s.path, s.line) == (".exolint.yaml", 2) for s in report.suppressed
    )
    assert [f.path for f in report.findings if f.rule_id == "EX111"] == reported
    stale = [f for f in report.findings if f.rule_id == "EX924"]
    assert len(stale) == (0 if suppressed else 1)


def test_an_expired_configuration_suppression_is_reported_at_its_entry(tmp_path: Path, rules) -> None:  # type: ignore[no-untyped-def]
    config = "fail-on: warning\n" + entry(
        rule="EX111", path="legacy/**", reason="retired in May", until="2026-05-31"
    )
    report = run(tmp_path, rules, TWO_CONNECTORS, config)
    assert ids(report) == [
        ".exolint.yaml:3:1: EX923",
        "exo/filtering.yaml:6:1: EX111",
        "legacy/partner.yaml:6:1: EX111",
    ]
    assert report.suppressed == []


def test_stale_configuration_suppressions_are_judged_on_whole_runs_only(tmp_path: Path, rules) -> None:  # type: ignore[no-untyped-def]
    config = entry(rule="EX111", path="nowhere/**", reason="left over")
    whole = run(tmp_path, rules, TWO_CONNECTORS, config)
    assert [f.path for f in whole.findings if f.rule_id == "EX924"] == [".exolint.yaml"]
    some = run(tmp_path, rules, {}, config, targets=("exo/filtering.yaml",))
    assert [f.rule_id for f in some.findings] == ["EX111"]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (entry(rule="EX999", reason="no such rule"), ".exolint.yaml:2: EX999 is not a rule"),
        (
            entry(rule="EX111", reason="a date", until="2026-02-30"),
            ".exolint.yaml:4: suppressions/0/until: 2026-02-30 is not a date",
        ),
        (entry(rule="EX111"), ".exolint.yaml:2: suppressions/0: 'reason' is a required property"),
    ],
)
def test_configuration_mistakes_are_exit_2(cli, write, config: str, message: str) -> None:  # type: ignore[no-untyped-def]
    root = write({".exolint.yaml": config, "exo/inbound.yaml": "\n".join(PARTNER) + "\n", ".git/HEAD": ""})
    code, _, err = cli(root, "check")
    assert code == 2
    assert err.startswith("exolint: ") and message in err, err
    assert len(err.splitlines()) == 1


# --- the command line and every report format --------------------------------------------------


def test_suppressed_findings_do_not_fail_the_run(cli, write) -> None:  # type: ignore[no-untyped-def]
    text = placed(f"exolint: disable=EX111 {REASON}", FINDING_LINE, True)
    root = write({"exo/inbound.yaml": text, ".git/HEAD": ""})
    assert cli(root, "check", "--fail-on", "warning", "--as-of", "2026-06-01")[0] == 0
    root = write({"exo/inbound.yaml": placed("exolint: disable=EX111", FINDING_LINE, True)})
    code, out, _ = cli(root, "check", "--as-of", "2026-06-01")
    assert code == 1  # EX921 is an error
    assert "EX921 [error]" in out and "EX111 [warning]" in out


def test_baseline_write_records_what_check_reports(cli, write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = placed(f"exolint: disable=EX111 {REASON}", FINDING_LINE, True)
    root = write(
        {
            "exo/inbound.yaml": text,
            "exo/stale.yaml": placed(f"exolint: disable=EX106 {REASON}", 1, True).replace(
                "filtering", "other"
            ),
            ".git/HEAD": "",
        }
    )
    cli(root, "baseline", "write", "baseline.json", "--as-of", "2026-06-01")
    recorded = json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))["findings"]
    assert sorted(f["rule_id"] for f in recorded.values()) == ["EX111", "EX924"]
    code, out, _ = cli(root, "check", "--baseline", "baseline.json", "--as-of", "2026-06-01")
    assert code == 0
    assert out.startswith("no findings; 1 suppressed; 2 more already known")


@pytest.fixture
def mixed(tmp_path: Path, rules) -> Report:  # type: ignore[no-untyped-def]
    """One finding reported, one suppressed inline (with an expiry), one in the configuration."""
    files = dict(TWO_CONNECTORS)
    files["exo/filtering.yaml"] = placed(
        f"exolint: disable=EX111 {REASON} until=2026-12-31", FINDING_LINE, True
    )
    files["onprem/inbound.yaml"] = "\n".join(PARTNER[:3]).replace("Partner", "OnPremises").replace(
        "filtering service", "on-premises"
    ) + ('\nSenderDomains: ["*"]\nSenderIPAddresses: [131.107.0.25, 10.0.0.25]\n')
    return run(tmp_path, rules, files, entry(rule="EX111", path="legacy/**", reason="retired in July"))


def test_the_mixed_report(mixed: Report) -> None:
    assert [f.rule_id for f in mixed.findings] == ["EX106"]
    assert [(s.kind, s.finding.path) for s in mixed.suppressed] == [
        ("inline", "exo/filtering.yaml"),
        ("configuration", "legacy/partner.yaml"),
    ]


def test_text_counts_and_lists_on_request(mixed: Report) -> None:
    text = FORMATTERS["text"](mixed)
    assert text.splitlines()[-1].startswith("1 finding (1 warning); 2 suppressed in 4 files")
    assert "EX111" not in text
    shown = FORMATTERS["text"](mixed, show_suppressed=True)
    assert (
        "[suppressed: the filtering service needs both (expires 2026-12-31); by an inline comment]" in shown
    )
    assert "[suppressed: retired in July; by .exolint.yaml:2]" in shown


def test_json_lists_suppressed_findings_with_their_reasons(mixed: Report) -> None:
    data = json.loads(FORMATTERS["json"](mixed))
    schema = json.loads((REPO / "schemas" / "findings.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(data)
    assert data["summary"]["suppressed"] == 2
    assert [f["rule_id"] for f in data["findings"]] == ["EX106"]
    assert [s["suppression"] for s in data["suppressed"]] == [
        {
            "kind": "inline",
            "reason": "the filtering service needs both",
            "until": "2026-12-31",
            "path": "exo/filtering.yaml",
            "line": 6,
        },
        {
            "kind": "configuration",
            "reason": "retired in July",
            "until": None,
            "path": ".exolint.yaml",
            "line": 2,
        },
    ]
    assert data["suppressed"][0]["finding"]["identity"] == "Inbound from filtering service"


def test_sarif_counts_and_leaves_them_out_unless_asked(mixed: Report) -> None:
    validator = Draft4Validator(
        json.loads((REFERENCE / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    )
    plain = json.loads(FORMATTERS["sarif"](mixed))
    validator.validate(plain)
    assert [r["ruleId"] for r in plain["runs"][0]["results"]] == ["EX106"]
    assert plain["runs"][0]["properties"] == {"suppressed": 2}
    shown = json.loads(FORMATTERS["sarif"](mixed, show_suppressed=True))
    validator.validate(shown)
    results = shown["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["EX106", "EX111", "EX111"]
    assert "suppressions" not in results[0]
    assert [r["suppressions"][0]["kind"] for r in results[1:]] == ["inSource", "external"]
    assert results[1]["suppressions"][0]["justification"] == "the filtering service needs both"
    assert results[1]["suppressions"][0]["properties"] == {"until": "2026-12-31"}


def test_junit_marks_them_skipped_with_the_reason(mixed: Report) -> None:
    xml = FORMATTERS["junit"](mixed)
    xmlschema.XMLSchema(str(REFERENCE / "junit.xsd")).validate(xml)
    root = ET.fromstring(xml)
    skipped = {
        case.get("name"): case.find("skipped").get("message")  # type: ignore[union-attr]
        for case in root.iter("testcase")
        if case.find("skipped") is not None
    }
    assert skipped == {
        "Inbound from filtering service": "suppressed: the filtering service needs both (expires 2026-12-31)",
        "Inbound from legacy partner": "suppressed: retired in July",
    }
    assert sum(int(suite.get("skipped", "0")) for suite in root.iter("testsuite")) == 2
    failing = [c.get("name") for c in root.iter("testcase") if c.find("failure") is not None]
    assert failing == ["Inbound from on-premises"]


def test_github_annotates_only_reported_findings_and_counts_the_rest(mixed: Report) -> None:
    out = FORMATTERS["github"](mixed)
    assert [line.split(" ", 1)[0] for line in out.splitlines() if line.startswith("::")] == ["::warning"]
    assert "; 2 suppressed in 4 files" in out.splitlines()[-1]


def test_gitlab_leaves_them_out(mixed: Report) -> None:
    assert [issue["check_name"] for issue in json.loads(FORMATTERS["gitlab"](mixed))] == [
        "EX106 sender-ip-private"
    ]


@pytest.mark.parametrize("name", sorted(FORMATTERS))
def test_every_format_takes_the_show_suppressed_option(mixed: Report, name: str) -> None:
    assert FORMATTERS[name](mixed, color=False, show_suppressed=True)


def test_show_suppressed_on_the_command_line(cli, write) -> None:  # type: ignore[no-untyped-def]
    root = write({"exo/inbound.yaml": placed(f"exolint: disable=EX111 {REASON}", 1, True), ".git/HEAD": ""})
    code, out, _ = cli(root, "check", "--show-suppressed", "--as-of", "2026-06-01")
    assert code == 0
    assert out.splitlines() == [
        "exo/inbound.yaml:7:1: EX111 [warning] " + out.splitlines()[0].split("[warning] ", 1)[1],
        "no findings; 1 suppressed in 1 file: 1 object, 0 certificates, 1 scope",
    ]
    assert "[suppressed: the filtering service needs both; by an inline comment]" in out


def test_acceptance_no_reason_expired_and_stale_each_give_a_finding(cli, write) -> None:  # type: ignore[no-untyped-def]
    """The issue's acceptance line, end to end through `exolint check --format json`."""
    second = [line.replace("filtering service", "second service") for line in PARTNER]
    third = [line.replace("filtering service", "third service") for line in PARTNER[:5]]
    root = write(
        {
            "exo/no-reason.yaml": placed("exolint: disable=EX111", FINDING_LINE, True),
            "exo/expired.yaml": placed(f"exolint: disable=EX111 {REASON} until=2026-05-31", 1, True, second),
            "exo/stale.yaml": placed(f"exolint: disable=EX111 {REASON}", 1, True, third),
            ".git/HEAD": "",
        }
    )
    code, out, _ = cli(root, "check", "--format", "json", "--as-of", "2026-06-01")
    assert code == 1
    found = [
        (f["path"], f["rule_id"]) for f in json.loads(out)["findings"] if f["rule_id"].startswith("EX92")
    ]
    assert found == [
        ("exo/expired.yaml", "EX923"),
        ("exo/no-reason.yaml", "EX921"),
        ("exo/stale.yaml", "EX924"),
    ]
