"""A pull request is untrusted input: whatever a repository holds, exolint neither crashes, hangs,
leaks nor is fooled. Each case is generated in a temporary directory beside a copy of the renewed
example, whose EX601 must still be reported, and runs in a subprocess with a memory limit and a
timeout (generous bounds: they catch hangs and blow-ups, they do not time anything)."""

from __future__ import annotations

import json
import os
import resource
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from files import write_files

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "contoso-renewed-certificate"
MEMORY = 1536 * 1024 * 1024  # address space, bytes
TIMEOUT = 60  # seconds
EXIT_CODES = (0, 1, 2)  # documented: clean, findings, usage or configuration error


def exolint(cwd: Path, *args: str, timeout: float = TIMEOUT, memory: int = MEMORY) -> tuple[int, str, str]:
    """Run exolint in a subprocess under the bounds; (exit code, stdout, stderr)."""

    def _limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    result = subprocess.run(
        [sys.executable, "-m", "linter", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        timeout=timeout,
        preexec_fn=_limit,
        check=False,
    )
    out, err = result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out + err, err
    assert result.returncode in EXIT_CODES, (result.returncode, err)
    return result.returncode, out, err


def beside_example(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """A copy of the renewed example with the hostile files added."""
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE, root)
    return write_files(root, files)


def check_json(root: Path, *args: str, timeout: float = TIMEOUT) -> list[dict]:  # type: ignore[type-arg]
    code, out, _ = exolint(root, "check", "--root", str(root), "--format", "json", *args, timeout=timeout)
    assert code == 1
    found: list[dict] = json.loads(out)["findings"]  # type: ignore[type-arg]
    assert any(f["rule_id"] == "EX601" and f["path"] == "exo/inbound-connector.yaml" for f in found)
    return found


def rules_at(found: list[dict], path: str) -> set[tuple[str, int]]:  # type: ignore[type-arg]
    return {(f["rule_id"], f["line"]) for f in found if f["path"] == path}


# --- 1-3: crashes that would drop every finding --------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("kind: Tenant\nx: " + "[" * 100_000, id="flow-sequences"),
        pytest.param("kind: Tenant\nx: " + "{a: " * 100_000, id="flow-mappings"),
        pytest.param("kind: Tenant\nx:\n" + "- " * 100_000 + "a\n", id="block-sequences"),
        pytest.param("kind: Tenant\nx:\n" + "? " * 100_000 + "a\n", id="complex-keys"),
        pytest.param("kind: Tenant\nx:\n" + "- &a !t " * 30_000 + "a\n", id="anchors-and-tags"),
    ],
)
def test_deep_nesting_is_refused_before_the_parser(tmp_path: Path, text: str) -> None:
    root = beside_example(tmp_path, {"deep.yaml": text})
    found = check_json(root)
    assert {rule for rule, _ in rules_at(found, "deep.yaml")} == {"EX004"}


def test_deep_nesting_in_the_diff_base(tmp_path: Path) -> None:
    root = beside_example(tmp_path, {"deep.yaml": "kind: Tenant\nx: " + "[" * 100_000})
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=root, check=True)
    code, out, _ = exolint(root, "check", "--diff-base", "HEAD", "--format", "json")
    assert code == 0
    assert json.loads(out)["findings"] == []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"nan.yaml": "kind: InboundConnector\nName: x\nRequireTls: .NaN\n"},
            ("nan.yaml", "EX005", 3),
            id="nan",
        ),
        pytest.param(
            {"inf.yaml": "kind: InboundConnector\nName: .Inf\n"}, ("inf.yaml", "EX005", 2), id="inf"
        ),
        pytest.param(
            {"inf.yaml": "kind: InboundConnector\nName: x\nComment: -.INF\n"},
            ("inf.yaml", "EX005", 3),
            id="minus-inf",
        ),
        pytest.param(
            {"big.yaml": "kind: InboundConnector\nName: x\nComment: " + "9" * 5000 + "\n"},
            ("big.yaml", "EX004", 3),
            id="long-integer-yaml",
        ),
        pytest.param(
            {"big.json": '{"kind": "InboundConnector",\n"Name": "x",\n"Comment": ' + "9" * 5000 + "}"},
            ("big.json", "EX004", 3),
            id="long-integer-json",
        ),
    ],
)
def test_special_numbers_are_located_findings(
    tmp_path: Path, files: dict[str, str | bytes], expected: tuple[str, str, int]
) -> None:
    root = beside_example(tmp_path, files)
    path, rule, line = expected
    assert (rule, line) in rules_at(check_json(root), path)


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        (".exolint.yaml", "fail-on: .NaN\n", 1),
        (".exolint.yaml", "fail-on: error\nexclude: [" + "9" * 5000 + "]\n", 2),
        ("pyproject.toml", "[tool.exolint]\nfail-on = 'error'\nx = " + "9" * 5000 + "\n", 3),
    ],
)
def test_special_numbers_in_configuration(tmp_path: Path, name: str, text: str, line: int) -> None:
    root = beside_example(tmp_path, {name: text})
    code, _, err = exolint(root, "check", "--root", str(root))
    assert code == 2
    assert err.startswith(f"exolint: {root / name}:{line}: ")
    assert len(err.splitlines()) == 1


def test_a_failure_on_one_file_is_that_files_finding(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import linter.load.loader as loader
    import linter.load.parse as parse

    real = parse.parse_yaml

    def failing(path: str, text: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if path.endswith("send-connector.yaml"):
            raise ValueError("injected")
        return real(path, text, *args, **kwargs)

    monkeypatch.setattr(parse, "parse_yaml", failing)
    monkeypatch.setattr(loader, "parse_yaml", failing)  # where the loader took it from
    root = beside_example(tmp_path, {})
    code, out, err = cli(root, "check", "--root", str(root), "--format", "json")
    assert code == 1, err
    found = json.loads(out)["findings"]
    assert rules_at(found, "onprem/send-connector.yaml") == {("EX003", 1)}
    message = next(f["message"] for f in found if f["path"] == "onprem/send-connector.yaml")
    assert "ValueError: injected" in message
    assert ("EX205", 10) in rules_at(found, "exo/outbound-connector.yaml")  # the others still linted


# --- 11: special files ----------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_special_files_are_skipped_as_findings(tmp_path: Path) -> None:
    root = beside_example(tmp_path, {})
    os.mkfifo(root / "certs" / "fifo.cer")
    os.mkfifo(root / "exo" / "fifo.yaml")
    expected = {("certs/fifo.cer", "a FIFO"), ("exo/fifo.yaml", "a FIFO")}
    try:
        os.mknod(root / "certs" / "zero.cer", 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero
        expected.add(("certs/zero.cer", "a character device"))
    except (OSError, AttributeError):
        pass  # not allowed here: the FIFOs still make the point
    found = check_json(root)
    special = {(f["path"], f["rule_id"]) for f in found if f["path"] in {p for p, _ in expected}}
    assert special == {(path, "EX003") for path, _ in expected}
    for path, what in expected:
        assert any(f["path"] == path and what in f["message"] for f in found)


def test_size_limit_applies_to_what_is_read(tmp_path: Path) -> None:
    from linter.load.files import TooLarge, read_regular

    big = tmp_path / "big.cer"
    big.write_bytes(b"x" * 100)
    with pytest.raises(TooLarge):
        read_regular(big, 99)
    assert read_regular(big, 100) == b"x" * 100


# --- 9: alias amplification -----------------------------------------------------------------------


def _alias_bomb(levels: int) -> str:
    """kind: Tenant and a chain of anchors, each repeating the one before ten times."""
    lines = ["kind: Tenant", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_alias_expansion_is_counted_across_the_run(tmp_path: Path) -> None:
    bomb = _alias_bomb(5)  # under 400 bytes, some 111,000 values: under the per-file limit
    assert len(bomb) < 400
    root = beside_example(tmp_path, {f"t{i:02}/bomb.yaml": bomb for i in range(20)})
    found = check_json(root)
    refused = {f["path"] for f in found if f["rule_id"] == "EX004" and "aliases" in f["message"]}
    assert 10 <= len(refused) < 20  # the first files are read; the budget of the run then runs out


def test_alias_budget_refuses_before_expanding() -> None:
    from linter.load.parse import MAX_ALIAS_NODES, AliasBudget, ParseError, parse_yaml

    budget = AliasBudget()
    parse_yaml("a.yaml", _alias_bomb(4), budget)
    spent = MAX_ALIAS_NODES - budget.remaining
    assert spent == 10 * 11 + 10 * 111 + 10 * 1111  # each alias pays for what it repeats
    budget.remaining = 10
    with pytest.raises(ParseError) as raised:
        parse_yaml("a.yaml", _alias_bomb(4), budget)
    assert raised.value.problem.code == "limit"
    assert budget.remaining == 10  # nothing was expanded past the budget


# --- 4: key material is never printed -------------------------------------------------------------

FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "markdown")


def _key_lines() -> list[str]:
    from linter.commands.test_rules.certgen import build

    key = build({"k": {"subject": "CN=k"}})["k"].key_pem().decode()
    return key.splitlines()


def test_key_material_is_redacted_in_every_format(tmp_path: Path) -> None:
    lines = _key_lines()
    block = "\\n".join(lines)
    body = "".join(lines[1:-1])
    files = {
        "exo/pasted.yaml": (
            "kind: InboundConnector\nName: pasted\nConnectorType: Partner\nSenderDomains: [fabrikam.com]\n"
            f'RequireTls: "{body}"\nCloudServicesMailEnabled: "{block}"\n'
        ),
        "exo/kind.yaml": f'kind: "{block}"\nName: "{body[:200]}"\n',
        "exo/folded.yaml": "kind: InboundConnector\nName: folded\nRequireTls: |\n"
        + "".join(f"  {line}\n" for line in lines),
    }
    root = beside_example(tmp_path, files)
    for fmt in FORMATS:
        code, out, err = exolint(root, "check", "--root", str(root), "--format", fmt)
        assert code == 1
        assert "EX601" in out
        for secret in lines[1:-1]:
            assert secret[:40].lower() not in (out + err).lower(), fmt
        assert "(redacted)" in out
    found = check_json(root)
    assert {"EX005", "EX008"} <= {f["rule_id"] for f in found if f["path"].startswith("exo/")}


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("thumbprint 3F2A9C0D4E5B6A7C8D9E0F1A2B3C4D5E6F7A8B9C", True),
        ("sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", True),
        ("Inbound from 4f2c8a6e-1d3b-4c5a-9e7f-2b8d0c6a1e94", True),
        ("mail.contoso.com, autodiscover.contoso.com", True),
        ("MC4CAQAwBQYDK2VwBCIEIJ4jP2dyAmJ8Ekq9mxQb0qWLyq2Xe1pfz7lYdI1rTr1X", False),
        ("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY----- after", False),
    ],
)
def test_redaction_keeps_what_is_not_key_material(text: str, kept: bool) -> None:
    from linter.domain.untrusted import redact

    assert (redact(text) == text) is kept
    if not kept:
        assert "MHcCAQEE" not in redact(text) and "MC4CAQAw" not in redact(text)
        assert "(redacted)" in redact(text)


def test_redaction_of_a_key_shown_in_lower_case() -> None:
    from linter.domain.untrusted import redact

    lines = _key_lines()
    shown = redact(f"label {chr(10).join(lines).lower()!r} is not a name")
    assert all(line.lower()[:40] not in shown for line in lines[1:-1])
    assert shown.endswith("is not a name")


# --- 7: nothing from the input forges a line, a command or a colour ------------------------------

INJECTED = "x\n::add-mask::hidden\n::error file=forged.yaml,line=1::forged\n##[error]v1 forged"
INBOUND = "kind: InboundConnector\nName: {name}\nConnectorType: OnPremises\nSenderDomains: ['*']\n"


@pytest.mark.skipif(os.name != "posix", reason="newlines in file names")
def test_output_injection_is_escaped(tmp_path: Path) -> None:
    name = '"' + INJECTED.replace("\n", "\\n") + '\\x1b[2J\\0"'
    files = {
        "exo/evil\n::error file=forged.yaml,line=1::forged.yaml": INBOUND.format(name="by file name"),
        "::warning::starts a line.yaml": INBOUND.format(name="at the start"),
        "exo/value.yaml": INBOUND.format(name=name),
    }
    root = beside_example(tmp_path, files)
    found = check_json(root)
    expected = sum(min(10, sum(f["severity"] == s for f in found)) for s in ("error", "warning", "info"))
    for fmt in ("text", "github", "junit", "markdown"):
        _, out, _ = exolint(root, "check", "--root", str(root), "--format", fmt)
        assert "\x1b" not in out and "\x00" not in out, fmt
        assert "##[error]" not in out, fmt
        commands = [line for line in out.splitlines() if line.lstrip().startswith("::")]
        if fmt == "github":
            assert len(commands) == expected
            assert all(
                line.startswith(("::error file=", "::warning file=", "::notice file=")) for line in commands
            )
            properties = [
                dict(p.split("=", 1) for p in line[2:].split("::")[0].split(" ", 1)[1].split(","))
                for line in commands
            ]
            assert "forged.yaml" not in {p["file"] for p in properties}
        else:
            assert commands == [], fmt
    _, out, _ = exolint(root, "check", "--root", str(root), "--format", "text")
    assert "./::warning::starts a line.yaml:" in out
    assert "evil\\n::error file=forged.yaml" in out


# --- 5: a suppression comes from a real comment only ----------------------------------------------

INBOUND_HEAD = (EXAMPLE / "exo" / "inbound-connector.yaml").read_text(encoding="utf-8").splitlines()[:8]
DISABLE = '# exolint: disable=EX601 reason="CHG-1: accepted for the test"'


@pytest.mark.parametrize(
    ("between", "suppressed"),
    [
        pytest.param(["RestrictDomainsToIPAddresses: false", DISABLE], True, id="real-comment"),
        pytest.param(["Comment: |", f"  {DISABLE}"], False, id="block-scalar"),
        pytest.param(["Comment: >-", "  text", f"  {DISABLE}"], False, id="folded-scalar"),
        pytest.param(
            ['Comment: "text', f'  {DISABLE.replace(chr(34), chr(39))}"'], False, id="double-quoted"
        ),
        pytest.param(["Comment: 'text", f"  {DISABLE}'"], False, id="single-quoted"),
    ],
)
def test_suppression_only_from_a_real_comment(tmp_path: Path, between: list[str], suppressed: bool) -> None:
    text = "\n".join([*INBOUND_HEAD, *between, "TlsSenderCertificateName: mail.contoso.com", ""])
    root = beside_example(tmp_path, {"exo/inbound-connector.yaml": text})
    code, out, _ = exolint(root, "check", "--root", str(root), "--format", "json")
    data = json.loads(out)
    reported = {f["rule_id"] for f in data["findings"]}
    hidden = {s["finding"]["rule_id"] for s in data["suppressed"]}
    assert ("EX601" in hidden) is suppressed
    assert ("EX601" in reported) is not suppressed
    assert code == 1  # EX205 of the outbound connector stays either way


# --- 6: a definition cannot hide behind an escaped or look-alike key ------------------------------

ESCAPED_INBOUND = "Name: hidden\nConnectorType: OnPremises\nSenderDomains: ['*']\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"exo/escaped.yaml": '"\\u006bind": InboundConnector\n' + ESCAPED_INBOUND},
            ("EX101", 1),
            id="escaped-key",
        ),
        pytest.param(
            {"exo/escaped.yaml": '"\\x6bind": "\\x49nboundConnector"\n' + ESCAPED_INBOUND},
            ("EX101", 1),
            id="escaped-key-and-value",
        ),
        pytest.param(
            {
                "exo/escaped.json": '{"\\u006bind": "InboundConnector", "Name": "hidden",'
                ' "ConnectorType": "OnPremises", "SenderDomains": ["*"]}'
            },
            ("EX101", 1),
            id="escaped-json-key",
        ),
        pytest.param(
            {"exo/alias.yaml": "Comment: &k kind\n*k : InboundConnector\n" + ESCAPED_INBOUND},
            ("EX101", 1),
            id="alias-as-key",
        ),
        pytest.param(
            {"exo/lookalike.yaml": "k\u0456nd: InboundConnector\n" + ESCAPED_INBOUND},
            ("EX008", 1),
            id="cyrillic-i",
        ),
        pytest.param(
            {"exo/lookalike.yaml": '"kind\u200b": InboundConnector\n' + ESCAPED_INBOUND},
            ("EX008", 1),
            id="zero-width-space",
        ),
        pytest.param(
            {"exo/lookalike.yaml": "\uff4b\uff49\uff4e\uff44: InboundConnector\n" + ESCAPED_INBOUND},
            ("EX008", 1),
            id="fullwidth",
        ),
    ],
)
def test_hidden_kind_is_read_or_reported(
    tmp_path: Path, files: dict[str, str | bytes], expected: tuple[str, int]
) -> None:
    root = beside_example(tmp_path, files)
    [path] = files
    assert expected in rules_at(check_json(root), path)


# --- 8: patterns and globs from the repository match in linear time -------------------------------


def _pattern_rule(pattern: str) -> str:
    """The README's minimal rule, checking Comment against a pattern instead."""
    from test_custom_rules import MINIMAL

    check = "  name: require-any\n  params: {properties: [Comment]}\n"
    assert check in MINIMAL
    return MINIMAL.replace(
        check, f"  name: pattern\n  params: {{property: Comment, pattern: '{pattern}', must: match}}\n"
    )


def test_catastrophic_pattern_in_an_own_rule(tmp_path: Path) -> None:
    files = {
        ".exolint.yaml": "rules: [policies]\n",
        "policies/AB101-inbound-comment.yaml": _pattern_rule("^(a+)+$"),
        "exo/slow.yaml": INBOUND.format(name="slow") + "Comment: " + "a" * 34 + "b\n",
    }
    root = beside_example(tmp_path, files)
    found = check_json(root)
    assert ("AB101", 5) in rules_at(found, "exo/slow.yaml")


def test_pattern_that_cannot_run_in_linear_time_is_refused(tmp_path: Path) -> None:
    files = {
        ".exolint.yaml": "rules: [policies]\n",
        "policies/AB101-inbound-comment.yaml": _pattern_rule("^(a)\\1$"),
    }
    root = beside_example(tmp_path, files)
    code, _, err = exolint(root, "check", "--root", str(root))
    assert code == 2
    assert "AB101-inbound-comment.yaml:" in err and "linear time" in err


def test_catastrophic_pattern_in_options(tmp_path: Path) -> None:
    files = {
        ".exolint.yaml": "options: {EX402: {pattern: '^(a|a)*$'}}\n",
        "onprem/slow.yaml": "kind: SendConnector\nName: slow\nSmartHosts: [" + "a" * 40 + "b]\n",
    }
    root = beside_example(tmp_path, files)
    check_json(root)


def test_hostile_globs(tmp_path: Path) -> None:
    deep = "/".join(["a" * 60] * 30)
    glob = "**a" * 40 + "**b"
    files = {
        ".exolint.yaml": f"exclude: ['{glob}', '{'*a' * 40}*b']\nsuppressions:\n"
        f"  - {{rule: EX101, path: '{glob}', reason: the glob is the point here}}\n",
        f"{deep}/x.yaml": INBOUND.format(name="deep"),
    }
    root = beside_example(tmp_path, files)
    found = check_json(root)
    assert ("EX101", 1) in rules_at(found, f"{deep}/x.yaml")


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("legacy/**", "legacy/a/b.yaml", True),
        ("legacy", "legacy/a/b.yaml", True),
        ("legacy/*", "legacy/a/b.yaml", True),
        ("legacy/*.yaml", "legacy/a/b.yaml", False),
        ("**/b.yaml", "b.yaml", True),
        ("**/b.yaml", "legacy/a/b.yaml", True),
        ("**/b.yaml", "legacy/ab.yaml", False),
        ("a/**/b.yaml", "a/b.yaml", True),
        ("a/**/b.yaml", "a/x/y/b.yaml", True),
        ("a?c", "abc", True),
        ("a?c", "a/c", False),
        ("*.yaml", "x.yaml", True),
        ("*.yaml", "d/x.yaml", False),
        ("**a" * 40 + "**b", "a" * 5000, False),
    ],
)
def test_glob_table(pattern: str, path: str, expected: bool) -> None:
    from linter.load.globs import glob_matches

    assert glob_matches(pattern, path) is expected


# --- 10: cross-object rules use an index ----------------------------------------------------------


def _many_domains(count: int) -> dict[str, str | bytes]:
    """A tenant at Exchange Online's maximum of accepted domains, wildcards and subdomains mixed."""
    docs = []
    for i in range(count):
        domain = f"d{i}.example.com" if i % 3 else f"x.d{i - 1}.example.com"
        sub = "true" if i % 7 == 0 else "false"
        docs.append(
            f"kind: AcceptedDomain\nName: {domain}\nDomainName: {domain}\nDomainType: InternalRelay\n"
            f"MatchSubDomains: {sub}\n"
        )
    return {
        "tenant/tenant.yaml": "kind: Tenant\nName: contoso.onmicrosoft.com\n",
        "tenant/domains.yaml": "---\n".join(docs),
    }


def test_five_thousand_accepted_domains(tmp_path: Path) -> None:
    root = beside_example(tmp_path, _many_domains(5000))
    found = check_json(root, timeout=120)  # was over 200 s; a generous bound, not a timing
    assert any(f["rule_id"] == "EX305" for f in found)


def test_overlap_checks_do_not_compare_every_pair(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import linter.domain.names as names
    import linter.hybrid.topology
    import linter.lint.checks.accepted_domain
    import linter.lint.checks.domain_overlap  # noqa: F401

    calls = 0
    real = names.pattern_covers

    def counted(outer: str, inner: str) -> bool:
        nonlocal calls
        calls += 1
        return real(outer, inner)

    monkeypatch.setattr(names, "pattern_covers", counted)
    for module in ("linter.lint.checks.domain_overlap", "linter.hybrid.topology"):
        monkeypatch.setattr(f"{module}.pattern_covers", counted)
    count = 2000
    root = write_files(tmp_path, _many_domains(count))
    code, _, err = cli(root, "check", "--root", str(root), "--format", "json")
    assert code in (0, 1), err
    assert 0 < calls < 10 * count  # all pairs would be 4,000,000


# --- 12: operator inputs stay bounded -------------------------------------------------------------


def test_import_of_a_json_of_blank_lines(tmp_path: Path) -> None:
    export = tmp_path / "inbound.json"
    blank = " \n" * 15_000_000  # 30 MB: a table of its line starts alone took over 1 GB
    export.write_text(f'[{{"Name": "x", "ConnectorType": "Partner",\n{blank}"SenderDomains": ["*"]}}]')
    code, out, _ = exolint(
        tmp_path, "import", str(export), "--output", str(tmp_path / "exo"), memory=MEMORY // 4
    )
    assert code == 0, out
    assert (tmp_path / "exo" / "inbound-connector.yaml").is_file()


def test_import_of_a_configuration_of_blank_lines(tmp_path: Path) -> None:
    config = tmp_path / "M365TenantConfig.ps1"
    body = "  \n" * 5_000_000
    config.write_text(
        "Configuration M365TenantConfig\n{\n" + body + "  EXOInboundConnector 'a'\n  {\n    Identity = 'a'\n"
        "    ConnectorType = 'Partner'\n  }\n}\n"
    )
    code, out, _ = exolint(tmp_path, "import", str(config), "--output", str(tmp_path / "exo"))
    assert (tmp_path / "exo" / "inbound-connector.yaml").is_file(), out
    assert code in (0, 1)


def test_import_refuses_a_configuration_past_the_token_cap(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from linter.cli import main
    from linter.commands.importer import dscread

    monkeypatch.setattr(dscread, "MAX_TOKENS", 1000)
    config = tmp_path / "M365TenantConfig.ps1"
    config.write_text("Configuration M365TenantConfig\n{\n" + "word " * 2000 + "\n}\n")
    assert main(["import", str(config), "--output", str(tmp_path / "exo")]) == 1
    out = capsys.readouterr().out
    assert "more than 1,000 words and signs" in out and "nothing written" in out
    assert not (tmp_path / "exo").exists()


def test_diagnose_of_endless_distinct_sessions(tmp_path: Path) -> None:
    import csv
    import io

    from linter.commands.diagnose import MAX_GROUPS

    lines = [
        "#Software: Microsoft Exchange Server",
        "#Log-Type: SMTP Send Protocol Log",
        "#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,"
        "event,data,context",
    ]
    connector = "Outbound to Office 365 - 4f2c8a6e-1d3b-4c5a-9e7f-2b8d0c6a1e94"
    sessions = MAX_GROUPS + 500
    for n in range(sessions):
        for seq, (event, data) in enumerate(
            [
                ("*", ""),
                ("+", ""),
                ("<", "220 x.mail.protection.outlook.com ready"),
                ("<", f"550 5.7.64 TenantAttribution; Relay Access Denied [{n}]"),
                ("-", ""),
            ]
        ):
            out = io.StringIO()
            csv.writer(out, lineterminator="").writerow(
                [
                    "2026-11-26T09:00:00.100Z",
                    connector,
                    f"S{n:08X}",
                    seq,
                    "10.0.0.11:1",
                    "104.47.11.202:25",
                    event,
                    data,
                    "",
                ]
            )
            lines.append(out.getvalue())
    log = tmp_path / "SEND20261126-1.log"
    log.write_text("\n".join(lines) + "\n")
    root = beside_example(tmp_path, {})
    code, out, _ = exolint(root, "diagnose", str(log), "--root", str(root))
    assert code == 1
    assert f"500 (500 failed) unlike the {MAX_GROUPS:,} outcomes shown" in out
    assert f"{sessions} failed" in out
    assert out.count("FAILED") == MAX_GROUPS


# --- 13: fix never changes what an alias repeats ---------------------------------------------------

SHARED = [
    "- kind: InboundConnector",
    "  Name: Inbound from 4f2c8a6e-1d3b-4c5a-9e7f-2b8d0c6a1e94",
    "  ConnectorType: OnPremises",
    "  SenderDomains: ['*']",
    "  TlsSenderCertificateName: {value}",
    "- kind: InboundConnector",
    "  Name: Partner fabrikam",
    "  ConnectorType: Partner",
    "  SenderDomains: [fabrikam.com]",
    "  TlsSenderCertificateName: {alias}",
]


@pytest.mark.parametrize(
    ("value", "alias", "refused"),
    [
        ("&cert mail.contoso.com", "*cert", True),
        ("&cert mail.contoso.com", "mail.contoso.com", False),  # an anchor no alias uses
    ],
)
def test_fix_refuses_a_shared_anchor(tmp_path: Path, value: str, alias: str, refused: bool) -> None:
    text = "\n".join(SHARED).format(value=value, alias=alias) + "\n"
    root = beside_example(tmp_path, {"exo/inbound-connector.yaml": text})
    code, _, err = exolint(root, "fix", "--write", "--root", str(root), str(root))
    after = (root / "exo" / "inbound-connector.yaml").read_text()
    if refused:
        assert after == text
        assert "EX601 not repaired" in err and "anchor &cert" in err
        assert code == 1
    else:
        assert after.splitlines()[4] == "  TlsSenderCertificateName: '*.contoso.com'"
        assert after.splitlines()[9:] == text.splitlines()[9:]  # the other object as it was


# --- properties: the loader and the importers take any text -----------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = [
    "kind: ",
    "InboundConnector",
    "Tenant",
    "AcceptedDomain",
    "Name: ",
    "DomainName: ",
    "\n",
    "  ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ": ",
    "&a ",
    "*a",
    "!!str ",
    "|\n",
    ">-\n",
    "'",
    '"',
    "\\u006b",
    "\\x00",
    "# exolint: disable=EX101 reason=x\n",
    ".NaN",
    "-.INF",
    "9" * 5000,
    "0x1F",
    "~",
    "$true",
    "---\n",
    "\x00",
    "\x1b[2J",
    "\u202e",
    "\ufeff",
    "-----BEGIN PRIVATE KEY-----",
    "*.contoso.com",
    "10.0.0.0/24",
]
_KINDS = [
    "Tenant",
    "AcceptedDomain",
    "InboundConnector",
    "OutboundConnector",
    "SendConnector",
    "ReceiveConnector",
    "ExchangeCertificate",
    "TransportServer",
    "RelayHost",
    "Nothing",
]
_KEYS = [
    "Name",
    "DomainName",
    "ConnectorType",
    "SenderDomains",
    "SenderIPAddresses",
    "TlsSenderCertificateName",
    "RecipientDomains",
    "SmartHosts",
    "TlsDomain",
    "Thumbprint",
    "File",
    "Server",
    "Fqdn",
    "Comment",
    "MatchSubDomains",
    "DomainType",
    "ExternalIPAddresses",
    "Servers",
    "TlsCertificateName",
    "Enabled",
]
_SCALARS = st.one_of(
    st.sampled_from([p for p in _PIECES if "\n" not in p]),
    st.text(max_size=30).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.from_regex(r"[a-z0-9*.<>=/\\-]{0,30}", fullmatch=True),
)
_VALUES = st.one_of(_SCALARS, st.lists(_SCALARS, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"))
_DEFINITIONS = st.builds(
    lambda kind, props: f"kind: {kind}\n" + "".join(f"{k}: {v}\n" for k, v in props),
    st.sampled_from(_KINDS),
    st.lists(st.tuples(st.sampled_from(_KEYS), _VALUES), max_size=8),
)
_TEXT = st.one_of(
    _DEFINITIONS,
    st.lists(_DEFINITIONS, min_size=2, max_size=4).map("---\n".join),
    st.lists(st.sampled_from(_PIECES), max_size=40).map("".join),
    st.text(max_size=300),
)
_SETTINGS = settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@_SETTINGS
@given(text=_TEXT, name=st.sampled_from(["a.yaml", "a.json", "certs/a.pem"]))
def test_loader_and_rules_take_any_text(rules, text: str, name: str) -> None:  # type: ignore[no-untyped-def]
    import tempfile

    from linter.lint.engine import lint

    with tempfile.TemporaryDirectory() as directory:
        root = write_files(Path(directory), {name: text.encode("utf-8", "surrogatepass")})
        report = lint(root, [], rules)
    assert all(f.line >= 1 and f.column >= 1 for f in report.findings)
    failed = [
        f.message for f in report.findings if f.rule_id == "EX014" or "exolint failed with" in f.message
    ]
    assert not failed, "exolint's own failure, caught"


@_SETTINGS
@given(text=_TEXT)
def test_importers_take_any_text(text: str) -> None:
    from linter.commands.importer import dscread
    from linter.commands.importer.exports import Outcome, json_records, normalise

    outcome = Outcome()
    records, _ = json_records("export.json", text)
    for record in records:
        normalise(record, outcome, None)
    result = dscread.read(
        "config.ps1", "Configuration C\n{\n EXOInboundConnector 'a'\n {\n" + text + "\n }\n}\n"
    )
    for record in result.records:
        normalise(record, outcome, None)


def test_import_of_special_numbers(tmp_path: Path) -> None:
    export = tmp_path / "inbound.json"
    export.write_text('[{"Name": "x", "ConnectorType": "Partner",\n "MaxMessageSize": ' + "9" * 5000 + "}]")
    config = tmp_path / "M365TenantConfig.ps1"
    config.write_text(
        "Configuration C\n{\n  EXOInboundConnector 'a'\n  {\n    Identity = 'a'\n    Comment = "
        + "9" * 5000
        + "\n  }\n}\n"
    )
    for source in (export, config):
        code, out, _ = exolint(tmp_path, "import", str(source), "--output", str(tmp_path / source.stem))
        assert code == 1, out
        assert f"{source}:" in out


def test_diagnose_evicts_the_oldest_open_session_and_says_so(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import csv
    import io

    from linter.commands.diagnose import protocol_log

    monkeypatch.setattr(protocol_log, "MAX_OPEN", 3)
    lines = [
        "#Log-Type: SMTP Send Protocol Log",
        "#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,"
        "event,data,context",
    ]
    for n in range(10):  # sessions that never end
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(
            [
                "2026-11-26T09:00:00.100Z",
                "Outbound",
                f"S{n}",
                0,
                "10.0.0.11:1",
                "104.47.11.202:25",
                "*",
                "",
                "",
            ]
        )
        lines.append(out.getvalue())
    log = tmp_path / "SEND20261126-1.log"
    log.write_text("\n".join(lines) + "\n")
    root = beside_example(tmp_path, {})
    code, out, err = cli(root, "diagnose", str(log), "--root", str(root))
    assert code == 0, err
    assert "10 sessions read" in out
    assert "7 closed before their end because 3 sessions were open (the oldest first)" in out
