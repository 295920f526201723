"""Every kind of bad input is a located finding (or a one-line exit 2), never a traceback, and the
rest of the repository is still linted."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from linter.commands.test_rules.certgen import build

GOOD = "kind: InboundConnector\nName: Inbound from on-premises\nConnectorType: OnPremises\nSenderDomains: ['*']\n"  # noqa: E501
"""A healthy file beside the bad one: its own finding (EX101) proves the rest was linted."""


def findings(cli, root: Path, *args: str) -> list[dict]:  # type: ignore[no-untyped-def]
    code, out, err = cli(root, "check", "--format", "json", *args)
    assert err == "", err
    assert "Traceback" not in out
    assert code in (0, 1)
    return json.loads(out)["findings"]  # type: ignore[no-any-return]


def located(found: list[dict]) -> set[tuple[str, str, int, int]]:
    return {(f["rule_id"], f["path"], f["line"], f["column"]) for f in found}


CERT = build({"mail": {"subject": "CN=mail.contoso.com", "san": ["mail.contoso.com"]}})["mail"]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"bad.yaml": "kind: Tenant\nName: [x\n"}, ("EX001", "bad.yaml", 3, 1), id="yaml-syntax"),
        pytest.param(
            {"bad.json": '{"kind": "Tenant",\n "Name": }'}, ("EX001", "bad.json", 2, 10), id="json-syntax"
        ),
        pytest.param(
            {"bad.yaml": "kind: Tenant\nName: a\nName: b\n"}, ("EX002", "bad.yaml", 3, 1), id="duplicate-key"
        ),
        pytest.param(
            {"bad.json": '{"kind": "Tenant", "Name": "a",\n "name": "b"}'},
            ("EX002", "bad.json", 2, 2),
            id="duplicate-spelling",
        ),
        pytest.param(
            {"bad.yaml": b"kind: Tenant\nName: caf\xe9\n"}, ("EX003", "bad.yaml", 2, 10), id="not-utf8"
        ),
        pytest.param({"bad.yaml": ""}, ("EX011", "bad.yaml", 1, 1), id="empty"),
        pytest.param(
            {"bad.yaml": "kind: OutboundConnector\nConnectorType: Partner\n"},
            ("EX007", "bad.yaml", 1, 1),
            id="no-name",
        ),
        pytest.param(
            {"bad.yaml": "kind: Conector\nName: x\n"}, ("EX008", "bad.yaml", 1, 1), id="unknown-kind"
        ),
        pytest.param(
            {"certs/bad.cer": CERT.pem()[:200]}, ("EX010", "certs/bad.cer", 1, 1), id="truncated-certificate"
        ),
        pytest.param(
            {"certs/bad.der": b"\x30\x82garbage"}, ("EX010", "certs/bad.der", 1, 1), id="garbage-der"
        ),
        pytest.param({"certs/empty.cer": b""}, ("EX010", "certs/empty.cer", 1, 1), id="empty-certificate"),
        pytest.param(
            {
                "bad.yaml": "kind: ExchangeCertificate\nThumbprint: "
                + "A" * 40
                + "\nFile: ../../outside.cer\n"
            },
            ("EX009", "bad.yaml", 3, 1),
            id="file-outside-root",
        ),
        pytest.param(
            {
                "bad.yaml": "kind: ExchangeCertificate\nThumbprint: "
                + "A" * 40
                + "\nFile: /etc/ssl/cert.pem\n"
            },
            ("EX009", "bad.yaml", 3, 1),
            id="absolute-file",
        ),
        pytest.param(
            {"bad.yaml": "kind: ExchangeCertificate\nThumbprint: " + "A" * 40 + "\nFile: missing.cer\n"},
            ("EX010", "bad.yaml", 3, 1),
            id="file-missing",
        ),
        pytest.param(
            {"bad.yaml": "[" * 100 + "]" * 100 + "\nkind: Tenant"},
            ("EX004", "bad.yaml", 1, 66),
            id="deep-yaml",
        ),
        pytest.param(
            {"bad.json": '{"kind": "Tenant", "x": ' + "[" * 100 + "]" * 100 + "}"},
            ("EX004", "bad.json", 1, 89),
            id="too-deep",
        ),
        pytest.param({"secrets/mail.pfx": b"\x30\x82binary"}, ("EX901", "secrets/mail.pfx", 1, 1), id="pfx"),
        pytest.param(
            {"bad.yaml": "kind: InboundConnector\nName: x\nConnectorType: 7\n"},
            ("EX005", "bad.yaml", 3, 1),
            id="wrong-type",
        ),
    ],
)
def test_bad_input_is_a_located_finding(cli, write, files, expected) -> None:  # type: ignore[no-untyped-def]
    root = write({**files, "good/inbound.yaml": GOOD})
    found = located(findings(cli, root))
    assert expected in found
    assert ("EX101", "good/inbound.yaml", 1, 1) in found


def test_utf16_with_bom_is_read(cli, write) -> None:  # type: ignore[no-untyped-def]
    root = write({"inbound.yaml": GOOD.encode("utf-16")})
    assert located(findings(cli, root)) == {("EX101", "inbound.yaml", 1, 1)}


def test_private_key_block_is_reported_without_its_content(cli, write) -> None:  # type: ignore[no-untyped-def]
    generated = build({"mail": {"subject": "CN=mail.contoso.com"}})["mail"]
    key = generated.key_pem()
    root = write({"certs/mail.pem": generated.pem() + key, "good/inbound.yaml": GOOD})
    code, out, err = cli(root, "check")
    body = key.decode().splitlines()[1]
    assert body not in out and body not in err
    assert "certs/mail.pem:" in out and "EX901" in out
    assert code == 1


def test_private_key_in_a_definition_file(cli, write) -> None:  # type: ignore[no-untyped-def]
    key = build({"k": {"subject": "CN=k", "key": "ec256"}})["k"].key_pem().decode()
    text = "kind: Tenant\nName: contoso.onmicrosoft.com\nComment: |\n" + "".join(
        f"  {line}\n" for line in key.splitlines()
    )
    root = write({"tenant.yaml": text})
    assert ("EX901", "tenant.yaml", 4, 1) in located(findings(cli, root))


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_symlink_loop_and_escape(cli, write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = write(
        {"repo/good/inbound.yaml": GOOD, "outside.yaml": "kind: Tenant\nName: secret.onmicrosoft.com\n"}
    )
    repo = root / "repo"
    (repo / "loop.yaml").symlink_to("loop.yaml")
    (repo / "escape.yaml").symlink_to(root / "outside.yaml")
    (repo / "sub").mkdir()
    (repo / "sub" / "up").symlink_to(repo, target_is_directory=True)
    _, out, _ = cli(repo, "check", "--root", str(repo), "--format", "json")
    data = json.loads(out)
    found = located(data["findings"])
    assert ("EX009", "loop.yaml", 1, 1) in found
    assert ("EX009", "escape.yaml", 1, 1) in found
    assert ("EX101", "good/inbound.yaml", 1, 1) in found
    assert "secret" not in out
    assert data["summary"]["objects"] == 1


def test_unrelated_yaml_is_ignored(cli, write) -> None:  # type: ignore[no-untyped-def]
    root = write(
        {
            ".github/workflows/ci.yml": "on: push\njobs: {}\n",
            "chart/values.yaml": "image: {{ .Values.image }}\n",
            "docs/config.json": '{"a": [1, 2}',
            "good/inbound.yaml": GOOD,
        }
    )
    assert located(findings(cli, root)) == {("EX101", "good/inbound.yaml", 1, 1)}
