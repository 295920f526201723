"""Configuration files: found upward, validated, located errors, and what each setting does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.load.globs import glob_matches

INBOUND = "kind: InboundConnector\nName: {name}\nConnectorType: OnPremises\nSenderDomains: ['*']\n"
ODD_CASE = "kind: Tenant\nname: contoso.onmicrosoft.com\n"  # EX012, a warning


def found(cli, root: Path, *args: str) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    code, out, err = cli(root, "check", "--format", "json", "--fail-on", "none", *args)
    assert code == 0, err
    return sorted((f["rule_id"], f["severity"], f["path"]) for f in json.loads(out)["findings"])


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("vendor/**", "vendor/a/b.yaml", True),
        ("vendor", "vendor/a/b.yaml", True),
        ("**/*.json", "a/b/c.json", True),
        ("**/*.json", "c.json", True),
        ("*.json", "a/c.json", False),
        ("tenants/*/exo/*.yaml", "tenants/contoso/exo/in.yaml", True),
        ("tenants/*/exo/*.yaml", "tenants/contoso/onprem/in.yaml", False),
        ("a?c.yaml", "abc.yaml", True),
        ("legacy/", "legacy/x.yaml", True),
        ("legacy", "legacyx/x.yaml", False),
    ],
)
def test_globs(pattern: str, path: str, expected: bool) -> None:
    assert glob_matches(pattern, path) is expected


def test_a_yaml_configuration_applies(cli, write) -> None:  # type: ignore[no-untyped-def]
    root = write(
        {
            ".exolint.yaml": (
                "exclude: [legacy/**]\nseverity: {EX012: error}\nignore: [EX1]\nfail-on: warning\n"
            ),
            "legacy/inbound.yaml": INBOUND.format(name="Old"),
            "tenant.yaml": ODD_CASE,
            "inbound.yaml": INBOUND.format(name="New"),
        }
    )
    assert found(cli, root) == [("EX012", "error", "tenant.yaml")]  # EX101 ignored, legacy/ excluded
    assert found(cli, root, "--ignore", "EX0") == [("EX101", "error", "inbound.yaml")]  # the CLI wins
    code, _, _ = cli(root, "check", "--select", "EX012", "--fail-on", "none")
    assert code == 0
    assert cli(root, "check", "--select", "EX012")[0] == 1  # error now, and fail-on from the file


def test_pyproject_table_is_found_from_a_subdirectory(cli, write) -> None:  # type: ignore[no-untyped-def]
    root = write(
        {
            "pyproject.toml": '[project]\nname = "x"\n\n[tool.exolint]\nignore = ["EX012"]\n',
            "sub/tenant.yaml": ODD_CASE,
        }
    )
    assert found(cli, root / "sub", "--root", str(root)) == []
    code, out, _ = cli(root / "sub", "config", "show")
    assert code == 0 and json.loads(out)["ignore"] == ["EX012"]


def test_options_change_a_threshold(cli, write) -> None:  # type: ignore[no-untyped-def]
    from linter.commands.test_rules.certgen import build

    cert = build(
        {
            "m": {
                "subject": "CN=mail.contoso.com",
                "san": ["mail.contoso.com"],
                "key": "ec256",
                "not_before": "2026-01-01",
                "not_after": "2026-08-01",
            }
        }
    )["m"]
    root = write({"certs/mail.cer": cert.pem()})
    assert ("EX503", "warning", "certs/mail.cer") not in found(cli, root, "--as-of", "2026-05-01")
    (root / ".exolint.yaml").write_text("options:\n  EX503: {within_days: 120}\n", encoding="utf-8")
    assert ("EX503", "warning", "certs/mail.cer") in found(cli, root, "--as-of", "2026-05-01")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "ignore: [EX1]\nseverity: {EX012: fatal}\n",
            ".exolint.yaml:2: severity/EX012: 'fatal' is not one of",
        ),
        ("nonsense: 1\n", ".exolint.yaml:1: nonsense: not a setting (settings here: include, exclude,"),
        ("severity: {EX999: error}\n", ".exolint.yaml:1: EX999 is not a rule"),
        (
            "options:\n  EX503: {dayz: 3}\n",
            ".exolint.yaml:2: options of EX503: dayz is not an option (options: within_days,",
        ),
        ("ignore: [EX1\n", ".exolint.yaml:2: "),
    ],
)
def test_configuration_mistakes_are_one_located_line(cli, write, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    root = write({".exolint.yaml": text, "tenant.yaml": ODD_CASE})
    code, out, err = cli(root, "check")
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and message in err, err


def test_config_option_names_a_file(cli, write) -> None:  # type: ignore[no-untyped-def]
    root = write({"ci/exolint.yaml": "ignore: [EX012]\n", "tenant.yaml": ODD_CASE})
    assert found(cli, root, "--config", "ci/exolint.yaml") == []
    assert found(cli, root) == [("EX012", "warning", "tenant.yaml")]
