"""An organisation's own rules: loaded from the configuration's rule directories as untrusted data,
documented and reported like exolint's own, and tested with `exolint test-rules`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from linter.lint.checks import pattern, sender_ips
from linter.model import Document, Object

REPO = Path(__file__).resolve().parent.parent
POLICIES = REPO / "examples" / "policies"
AS_OF = ("--as-of", "2026-11-26")

MINIMAL = """\
id: AB101
name: inbound-comment
severity: warning
summary: Every inbound connector says what it is for in Comment.
description: An inbound connector without a Comment.
why: Nobody knows what it is for, or whether it can go.
remediation: 'Set-InboundConnector -Identity "<name>" -Comment "<what it is for>"'
references:
  - title: Set-InboundConnector (cmdlet reference)
    url: https://learn.microsoft.com/powershell/module/exchangepowershell/set-inboundconnector
scope:
  kind: InboundConnector
check:
  name: require-any
  params: {properties: [Comment]}
examples:
  fail:
    - title: no Comment
      files:
        exo/inbound.yaml: |
          kind: InboundConnector
          Name: From Fabrikam
      expect: ["exo/inbound.yaml:1:1: AB101"]
  pass:
    - title: a Comment
      files:
        exo/inbound.yaml: |
          kind: InboundConnector
          Name: From Fabrikam
          Comment: mail from Fabrikam during the merger
"""
"""The minimal rule file of docs/custom-rules.md."""


def policy_repo(root: Path, rules: dict[str, str] | None = None, policies: Path | None = POLICIES) -> Path:
    """A repository with a policies/ directory (a copy of ``policies`` plus ``rules``) named in
    its .exolint.yaml."""
    target = root / "policies"
    if policies is not None:
        shutil.copytree(policies, target)
    target.mkdir(parents=True, exist_ok=True)
    for name, text in (rules or {}).items():
        (target / name).write_text(text, encoding="utf-8")
    (root / ".exolint.yaml").write_text("rules: [policies]\n", encoding="utf-8")
    return root


# --- exolint test-rules --------------------------------------------------------------------


@pytest.mark.parametrize("args", [(), ("policies",), ("policies/CO102-sender-ips-in-contoso-range.yaml",)])
def test_the_example_policies_hold(cli, tmp_path: Path, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    root = policy_repo(tmp_path)
    code, out, err = cli(root, "test-rules", *args)
    assert (code, err) == (0, "")
    expected = "1 rule, 4 examples: all hold\n" if args and args[0].endswith(".yaml") else None
    assert out == (expected or "4 rules, 16 examples: all hold\n")


def test_the_readme_minimal_rule_holds_and_is_the_readmes(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = policy_repo(tmp_path, {"AB101-inbound-comment.yaml": MINIMAL}, policies=None)
    assert cli(root, "test-rules") == (0, "1 rule, 2 examples: all hold\n", "")
    page = (REPO / "docs" / "custom-rules.md").read_text(encoding="utf-8")
    assert f"```yaml\n{MINIMAL}```" in page


@pytest.mark.parametrize(
    ("old", "new", "lines"),
    [
        # a failing example that names the wrong place
        (
            'expect: ["exo/inbound.yaml:1:1: AB101"]',
            'expect: ["exo/inbound.yaml:2:1: AB101"]',
            [
                "policies/AB101-inbound-comment.yaml: example 1 (fail) 'no Comment': expected "
                "['exo/inbound.yaml:2:1: AB101'], got ['exo/inbound.yaml:1:1: AB101']"
            ],
        ),
        # a passing example that fails
        (
            "          Comment: mail from Fabrikam during the merger\n",
            "",
            [
                "policies/AB101-inbound-comment.yaml: example 1 (pass) 'a Comment': expected no AB101 "
                "finding, got ['exo/inbound.yaml:1:1: AB101']"
            ],
        ),
        # a failing example that says nothing about what it gives
        (
            '      expect: ["exo/inbound.yaml:1:1: AB101"]\n',
            "",
            [
                "policies/AB101-inbound-comment.yaml: example 1 (fail) 'no Comment': a failing example "
                "lists the findings it gives: expect: ['path:line:col: AB101']",
                "policies/AB101-inbound-comment.yaml: example 1 (fail) 'no Comment': expected [], got "
                "['exo/inbound.yaml:1:1: AB101']",
            ],
        ),
        # an example whose own files are malformed
        (
            "          Name: From Fabrikam\n          Comment",
            "          Name: From Fabrikam\n          Comment: [a, b]\n          Remark",
            [
                "policies/AB101-inbound-comment.yaml: example 1 (pass) 'a Comment': the case's own files "
                'are malformed: exo/inbound.yaml:3:1: EX005 Inbound connector "From Fabrikam": Comment '
                "is ['a', 'b'], but must be text; exo/inbound.yaml:4:1: EX006 Inbound connector "
                "\"From Fabrikam\" has an unknown property 'Remark'; see `exolint explain EX006` for where "
                "the InboundConnector properties are listed"
            ],
        ),
        # a certificate the example does not specify
        (
            "    - title: a Comment\n      files:\n",
            "    - title: a Comment\n      files:\n        certs/mail.cer: {certificate: mail}\n",
            [
                "policies/AB101-inbound-comment.yaml: example 1 (pass) 'a Comment': certs/mail.cer: "
                "certificate spec 'mail' is not defined in the case"
            ],
        ),
    ],
)
def test_a_wrong_example_fails_with_its_line(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, old: str, new: str, lines: list[str]
) -> None:
    assert MINIMAL.count(old) == 1
    root = policy_repo(tmp_path, {"AB101-inbound-comment.yaml": MINIMAL.replace(old, new)})
    code, out, err = cli(root, "test-rules")
    assert (code, err) == (1, "")
    assert out.splitlines() == [*lines, "5 rules, 18 examples: 1 failed"]


def test_a_wrong_example_policy_fails(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = policy_repo(tmp_path)
    rule = root / "policies" / "CO102-sender-ips-in-contoso-range.yaml"
    text = rule.read_text(encoding="utf-8")
    rule.write_text(text.replace("[203.0.113.0/24]}", "[203.0.113.0/24, 198.51.100.0/24]}"), encoding="utf-8")
    code, out, _ = cli(root, "test-rules", "policies")
    assert code == 1
    assert out.splitlines() == [
        "policies/CO102-sender-ips-in-contoso-range.yaml: example 1 (fail) \"a test server's cloud address "
        "next to the gateways\": expected ['exo/inbound.yaml:7:5: CO102'], got []",
        "4 rules, 16 examples: 1 failed",
    ]


@pytest.mark.parametrize(
    "name", ["../outside.yaml", "/tmp/outside.yaml", "a/../../outside.yaml", "a\\..\\b.yaml"]
)
def test_an_example_never_writes_outside_its_directory(tmp_path: Path, name: str) -> None:
    from linter.commands.test_rules.cases import materialize

    with pytest.raises(ValueError, match="an example's files lie inside it"):
        materialize({"files": {name: "kind: Tenant\n"}}, tmp_path / "case")
    assert not (tmp_path / "outside.yaml").exists()
    assert not (tmp_path / "case").exists()


# --- rule files with mistakes: exit 2 and path:line: ---------------------------------------

RULE = "policies/AB101-inbound-comment.yaml"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "severity: warning",
            "severity: critical",
            "3: severity: 'critical' is not one of ['error', 'warning', 'info']",
        ),
        (
            "severity: warning",
            "severty: warning",
            "3: the rule: 'severty' is not a key here; the keys are id, name,",
        ),
        ("why: Nobody knows what it is for, or whether it can go.\n", "", "1: the rule: 'why' is required"),
        ("id: AB101", "id: ab101", "1: id: 'ab101' does not match '^[A-Z]{2}[0-9]{3}$'"),
        (
            "kind: InboundConnector\ncheck",
            "kind: Connector\ncheck",
            "12: scope/kind: 'Connector' is not one of",
        ),
        # a primitive exolint does not have
        (
            "name: require-any",
            "name: require-all",
            "14: check 'require-all' is not a primitive exolint has; use one of",
        ),
        # params of the primitive
        (
            "params: {properties: [Comment]}",
            "params: {property: Comment}",
            "15: check 'require-any' params: 'property' is not a key here; the keys are properties",
        ),
        # a where on a property the kind does not have, or spelt otherwise
        (
            "kind: InboundConnector\ncheck",
            "kind: InboundConnector\n  where: {comment: x}\ncheck",
            "13: scope.where names 'comment'; write it as documented: Comment",
        ),
        # templates name plain values only
        (
            "examples:\n",
            "message: '{label.__class__} has no Comment'\nexamples:\n",
            "16: message: {label.__class__} is not a plain {name} field",
        ),
        (
            "examples:\n",
            "fix: 'Set-InboundConnector {identity:>999999999}'\nexamples:\n",
            "16: fix: {identity:>999999999} is not a plain {name} field",
        ),
        # an example's files stay inside it
        (
            "no Comment\n      files:\n        exo/",
            "no Comment\n      files:\n        ../../",
            "20: examples/fail/0/files: '../../inbound.yaml' must be a relative path inside the example",
        ),
        (
            'expect: ["exo/inbound.yaml:1:1: AB101"]',
            'expect: ["exo/inbound.yaml:1: AB101"]',
            "23: examples/fail/0/expect/0: 'exo/inbound.yaml:1: AB101' does not match",
        ),
        # YAML itself
        ("summary: Every", "summary: [Every", "5: "),
        ("severity: warning\n", "severity: warning\nseverity: error\n", "4: "),
        # what only exolint's own rules may do
        (
            "id: AB101",
            "id: EX101",
            "1: id EX101: the prefix EX is exolint's own; give your rules two letters of your own",
        ),
        ("id: AB101", "id: EX999", "1: id EX999: the prefix EX is exolint's own"),
        (
            "name: require-any\n  params: {properties: [Comment]}",
            "name: builtin",
            "14: check 'builtin' marks findings of exolint's own loading stages",
        ),
        # names are unique across exolint's rules and the organisation's
        (
            "name: inbound-comment",
            "name: private-key",
            "2: name private-key is already used by exolint's own rule EX901 "
            "(rules/hygiene/EX901-private-key.yaml); pick another",
        ),
    ],
)
@pytest.mark.parametrize("command", [("test-rules",), ("check",), ("rules",), ("explain", "EX101")])
def test_a_rule_file_mistake_is_exit_2_at_its_line(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, old: str, new: str, message: str, command: tuple[str, ...]
) -> None:
    assert MINIMAL.count(old) == 1, old
    root = policy_repo(tmp_path, {"AB101-inbound-comment.yaml": MINIMAL.replace(old, new)}, policies=None)
    code, out, err = cli(root, *command)
    assert (code, out) == (2, "")
    assert err.startswith(f"exolint: {RULE}:{message}"), err
    assert len(err.splitlines()) == 1


def test_a_custom_id_used_twice_is_exit_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    second = MINIMAL.replace("name: inbound-comment", "name: inbound-comment-again")
    root = policy_repo(tmp_path, {"AB101-a.yaml": MINIMAL, "AB101-b.yaml": second}, policies=None)
    expected = (
        "exolint: policies/AB101-b.yaml:1: id AB101 is already used by the rule AB101 "
        "(policies/AB101-a.yaml); pick another\n"
    )
    assert cli(root, "check") == (2, "", expected)
    # given one file of the configured directory, test-rules loads the others with it
    assert cli(root, "test-rules", "policies/AB101-a.yaml") == (2, "", expected)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("rules: [policies, missing]\n", ".exolint.yaml:1: rules: 'missing' is not a directory"),
        ("rules:\n  - policies\n  - ..\n", ".exolint.yaml:3: rules: '..' leads outside"),
        ("rules: [/etc]\n", ".exolint.yaml:1: rules: '/etc' leads outside"),
    ],
)
def test_rule_directories_must_exist_below_the_configuration(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, config: str, message: str
) -> None:
    root = policy_repo(tmp_path / "repo")
    (root / ".exolint.yaml").write_text(config, encoding="utf-8")
    for command in (("check",), ("test-rules",)):
        code, out, err = cli(root, *command)
        assert (code, out) == (2, "")
        assert err.startswith(f"exolint: {root / message}"), err


def test_a_rule_file_linking_outside_its_directory_is_exit_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(MINIMAL, encoding="utf-8")
    root = policy_repo(tmp_path / "repo", policies=None)
    link = root / "policies" / "AB101-inbound-comment.yaml"
    link.symlink_to(outside)
    code, out, err = cli(root, "check")
    assert (code, out) == (2, "")
    assert err == f"exolint: {link}:1: links to {outside}, outside the rule directory {root / 'policies'}\n"


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [
        (
            {},
            (),
            "exolint: no rule directories to test: name them (exolint test-rules DIR) or under rules: in",
        ),
        ({}, ("nowhere",), "exolint: nowhere: no such file or directory"),
        ({"notes.txt": "x"}, ("notes.txt",), "exolint: notes.txt: not a rule file; give .yaml or .yml files"),
        ({"empty/.keep": ""}, ("empty",), "exolint: empty: holds no rule files (*.yaml, *.yml)"),
    ],
)
def test_test_rules_usage_mistakes_are_exit_2(  # type: ignore[no-untyped-def]
    cli, write, files: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    root = write({"README.md": "", **files})
    code, out, err = cli(root, "test-rules", *args)
    assert (code, out) == (2, "")
    assert err.startswith(message), err


def test_test_rules_runs_a_builtin_rule_file_of_a_checkout(cli) -> None:  # type: ignore[no-untyped-def]
    (rule,) = (REPO / "rules").glob("*/EX203-*.yaml")
    assert cli(REPO, "test-rules", str(rule.relative_to(REPO))) == (0, "1 rule, 2 examples: all hold\n", "")


# --- the example policies against small repositories ---------------------------------------

BROKEN = {
    "exo/outbound-fabrikam.yaml": """\
kind: OutboundConnector
Name: Outbound to Fabrikam
Comment: "CHG-311: mail to Fabrikam"
ConnectorType: Partner
RecipientDomains: [fabrikam.com]
TlsSettings: EncryptionOnly
""",
    "exo/inbound-onprem.yaml": """\
kind: InboundConnector
Name: Inbound from on-premises
ConnectorSource: HybridWizard
ConnectorType: OnPremises
SenderDomains: ["*"]
SenderIPAddresses:
  - 203.0.113.25
  - 192.0.2.10
""",
    "exo/inbound-fabrikam.yaml": """\
kind: InboundConnector
Name: Inbound from Fabrikam
Comment: Fabrikam's gateways, ask Dana
ConnectorType: Partner
SenderDomains: [fabrikam.com]
""",
    "exo/outbound-onprem.yaml": """\
kind: OutboundConnector
Name: Outbound to on-premises
ConnectorType: OnPremises
RecipientDomains: [contoso.com]
UseMXRecord: false
SmartHosts: [mail.contoso.com]
TlsSettings: DomainValidation
TlsDomain: mail.contoso.com
""",
}
FIXED = {
    "exo/outbound-fabrikam.yaml": (
        "TlsSettings: EncryptionOnly",
        "TlsSettings: DomainValidation\nTlsDomain: mail.fabrikam.com",
    ),
    "exo/inbound-onprem.yaml": ("192.0.2.10", "203.0.113.26"),
    "exo/inbound-fabrikam.yaml": ("Fabrikam's gateways", "CHG-312: Fabrikam's gateways"),
    "exo/outbound-onprem.yaml": ("ConnectorType", "ConnectorSource: HybridWizard\nConnectorType"),
}


def test_the_example_policies_find_what_they_forbid(cli, write) -> None:  # type: ignore[no-untyped-def]
    root = policy_repo(write(BROKEN))
    code, out, err = cli(root, "check", "--select", "CO", "--format", "json", *AS_OF)
    assert (code, err) == (1, "")
    findings = [(f["rule_id"], f["path"], f["line"], f["column"]) for f in json.loads(out)["findings"]]
    assert findings == [
        ("CO103", "exo/inbound-fabrikam.yaml", 3, 1),  # a Comment without a ticket
        ("CO102", "exo/inbound-onprem.yaml", 8, 5),  # 192.0.2.10, not Contoso's range
        ("CO101", "exo/outbound-fabrikam.yaml", 6, 1),  # TLS without domain validation
        ("CO104", "exo/outbound-onprem.yaml", 1, 1),  # made by hand, no Comment
    ]
    messages = {f["rule_id"]: f["message"] for f in json.loads(out)["findings"]}
    assert messages["CO102"] == (
        'Inbound connector "Inbound from on-premises" accepts mail as Contoso\'s own from 192.0.2.10, which '
        "lies outside Contoso's egress range 203.0.113.0/24; list only Contoso's gateways, or identify them "
        "by certificate."
    )
    assert "(sets no Comment)" in messages["CO104"]
    assert '(Comment has "Fabrikam\'s gateways, ask Dana")' in messages["CO103"]

    for path, (old, new) in FIXED.items():
        text = (root / path).read_text(encoding="utf-8")
        (root / path).write_text(text.replace(old, new), encoding="utf-8")
    code, out, _ = cli(root, "check", "--select", "CO", *AS_OF)
    assert code == 0, out


def test_custom_rules_are_documented_and_reported_like_exolints_own(cli, write) -> None:  # type: ignore[no-untyped-def]
    root = policy_repo(write(BROKEN))
    code, out, _ = cli(root, "rules")
    assert code == 0
    assert "CO102  sender-ips-in-contoso-range" in out
    code, out, _ = cli(root, "explain", "CO104")
    assert code == 0
    assert out.startswith(
        "# CO104 outbound-connector-change-ticket\n\n**Severity:** error · **Checks:** OutboundConnector"
    )
    assert "exo/outbound-fabrikam.yaml:1:1: CO104" in out  # its examples

    code, out, _ = cli(root, "check", "--format", "sarif", *AS_OF)
    run = json.loads(out)["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert {"CO101", "CO102", "CO103", "CO104"} <= set(rules)
    assert rules["CO101"]["helpUri"] == "https://wiki.contoso.com/security/mail-standard#partner-connectors"
    assert rules["CO101"]["properties"]["tags"] == ["exchange-online", "custom"]
    assert rules["EX101"]["helpUri"].endswith("/docs/rules.md#ex101-onpremises-connector-identifies-sender")
    result = next(r for r in run["results"] if r["ruleId"] == "CO101")
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "CO101"


# --- the primitives the policies use -------------------------------------------------------


def obj(**props: Any) -> Object:
    return Object("InboundConnector", props, Document("x.yaml", (), {}), (0,), {}, "")


@pytest.mark.parametrize(
    ("networks", "entries", "expected"),
    [
        (
            ["203.0.113.0/24"],
            ["203.0.113.0", "203.0.113.255", "203.0.113.128/25", "203.0.113.1-203.0.113.9"],
            [],
        ),
        (["203.0.113.0/24"], ["203.0.112.255", "203.0.114.0"], [(0, "lies outside"), (1, "lies outside")]),
        (
            ["203.0.113.0/24"],
            ["203.0.112.0/23", "203.0.113.250-203.0.114.1"],
            [(0, "reaches outside"), (1, "reaches outside")],
        ),
        (["203.0.113.0/24"], ["2001:db8::1"], [(0, "is IPv6, outside")]),
        (["203.0.113.0/24"], ["not an address", "203.0.113.07", 17], []),  # malformed: other rules say so
        # adjacent blocks allow what spans them, a gap does not
        (["203.0.113.0/25", "203.0.113.128/25"], ["203.0.113.0/24"], []),
        (["10.0.0.0/24", "10.0.2.0/24"], ["10.0.0.0/22"], [(0, "reaches outside")]),
    ],
)
def test_sender_ips_outside(networks: list[str], entries: list[Any], expected: list[tuple[int, str]]) -> None:
    prepared = sender_ips.prepare({"property": "EFSkipIPs", "report": "outside", "networks": networks})
    hits = list(sender_ips.check(prepared, obj(EFSkipIPs=entries), None))  # type: ignore[arg-type]
    assert [(h.pointer[1], h.values["where"]) for h in hits] == expected
    assert all(h.values["networks"] == ", ".join(networks) for h in hits)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"report": "outside"}, "networks goes with report: outside, and report: outside needs networks"),
        ({"networks": ["203.0.113.0/24"]}, "networks goes with report: outside"),
        (
            {"report": "outside", "networks": ["203.0.113.5/24"]},
            "networks entry '203.0.113.5/24' is not an IPv4 CIDR block",
        ),
        (
            {"report": "outside", "networks": ["2001:db8::/32"]},
            "networks entry '2001:db8::/32' is not an IPv4 CIDR block",
        ),
    ],
)
def test_sender_ips_outside_params(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        sender_ips.prepare({"property": "SenderIPAddresses", **params})


@pytest.mark.parametrize(
    ("props", "required", "expected"),
    [
        ({}, False, []),
        ({}, True, ["sets no Comment"]),
        ({"Comment": "   "}, True, ["sets no Comment"]),
        ({"Comment": None}, True, ["sets no Comment"]),
        ({"Comment": "no ticket"}, True, ["Comment has 'no ticket'"]),
        ({"Comment": "no ticket"}, False, ["Comment has 'no ticket'"]),
        ({"Comment": "CHG-12: partner"}, True, []),
        ({"Comment": "chg-12: partner"}, True, ["Comment has 'chg-12: partner'"]),  # (?-i:) keeps case
    ],
)
def test_pattern_required(props: dict[str, Any], required: bool, expected: list[str]) -> None:
    params = {"property": "Comment", "pattern": r"(?-i:\b[A-Z][A-Z0-9]*-[0-9]+\b)", "must": "match"}
    prepared = pattern.prepare({**params, "required": required})
    hits = list(pattern.check(prepared, obj(**props), None))  # type: ignore[arg-type]
    assert [h.message for h in hits] == expected
    assert all(h.pointer == ("Comment",) and h.values["found"] == h.message for h in hits)
