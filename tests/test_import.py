"""exolint import: PowerShell exports (ConvertTo-Json, Microsoft365DSC) -> definition files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from linter.cli import main
from linter.objects.definitions import kind_schema

FIXTURES = Path(__file__).parent / "fixtures" / "import"
EXO = ("inbound.json", "outbound.json", "accepted-domains.json")
ONPREM = ("send-connectors.json", "receive-connectors.json", "exchange-certificates.json")


def _exports(tmp_path: Path, names: tuple[str, ...], utf16: tuple[str, ...] = ()) -> list[str]:
    """Copy fixtures as an admin's export folder; ``utf16`` ones as Windows PowerShell's Out-File writes."""
    folder = tmp_path / "exports"
    folder.mkdir(exist_ok=True)
    paths = []
    for name in names:
        target = folder / name
        if name in utf16:
            target.write_bytes((FIXTURES / name).read_text(encoding="utf-8").encode("utf-16"))
        else:
            shutil.copy(FIXTURES / name, target)
        paths.append(str(target))
    return paths


def _check(directory: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    capsys.readouterr()
    main(["check", str(directory), "--root", str(directory), "--format", "json"])
    findings: list[dict[str, Any]] = json.loads(capsys.readouterr().out)["findings"]
    return findings


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _load(path: Path) -> list[Any]:
    from linter.load.parse import parse_yaml

    document, problems = parse_yaml(path.name, path.read_text(encoding="utf-8"))
    assert problems == []
    return list(document.data)


# --- acceptance -------------------------------------------------------------------------------


def test_exo_and_onprem_exports_import_into_definitions_check_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = _exports(tmp_path, EXO + ONPREM, utf16=("inbound.json",))
    out = tmp_path / "defs"
    assert main(["import", *sources, "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == [
        "accepted-domain.yaml",
        "exchange-certificate.yaml",
        "inbound-connector.yaml",
        "outbound-connector.yaml",
        "receive-connector.yaml",
        "send-connector.yaml",
    ]
    # read-only properties are named in a summary line, not dropped silently
    assert "inbound.json: left out 23 properties" in printed
    assert "WhenChangedUTC" in printed and "DistinguishedName" in printed
    findings = _check(out, capsys)
    assert [f for f in findings if f["rule_id"].startswith("EX0")] == []
    assert (out / "inbound-connector.yaml").read_text(encoding="utf-8").splitlines()[:2] == [
        "# Written by exolint import from inbound.json; a new import overwrites this file.",
        "# exolint import inbound.json outbound.json accepted-domains.json send-connectors.json "
        "receive-connectors.json exchange-certificates.json",
    ]


def test_values_are_normalised_and_in_schema_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = _exports(tmp_path, EXO + ONPREM, utf16=("inbound.json",))
    out = tmp_path / "defs"
    main(["import", *sources, "--output", str(out)])
    inbound = {d["Name"]: d for d in _load(out / "inbound-connector.yaml")}
    hcw = inbound["Inbound from 4f2c8a6e-1d3b-4c5a-9e7f-2b8d0c6a1e94"]
    assert hcw["SenderDomains"] == ["*"]  # smtp:*;1
    assert inbound["Fabrikam partner relay"]["SenderDomains"] == ["fabrikam.com", "*.fabrikam.com"]
    assert "TlsSenderCertificateName" not in inbound["Fabrikam partner relay"]  # null: not set
    assert "EFTestMode" not in hcw and "SenderIPAddresses" not in hcw  # reserved at false; empty list
    assert list(hcw)[:2] == ["kind", "Name"]
    schema_order = [n for n in kind_schema("InboundConnector").schema["properties"] if n in hcw]
    assert list(hcw) == schema_order
    (outbound,) = _load(out / "outbound-connector.yaml")
    assert outbound["RecipientDomains"] == ["contoso.com"] and "LinkForModifiedConnector" not in outbound
    (send,) = _load(out / "send-connector.yaml")
    assert send["AddressSpaces"] == ["contoso.mail.onmicrosoft.com"]  # SMTP:...;1
    assert send["MaxMessageSize"] == "35 MB" and send["ErrorPolicies"] == ["Default"]
    assert "RequireOorg" not in send
    receive = {d["Name"]: d for d in _load(out / "receive-connector.yaml")}
    assert receive["Default Frontend EX02"]["Server"] == "EX02"  # Server null: read from Identity EX02\...
    assert receive["Default Frontend EX01"]["AuthMechanism"][:2] == ["Tls", "Integrated"]  # flags string
    assert receive["Default Frontend EX01"]["MaxInboundConnectionPerSource"] == "Unlimited"
    (certificate,) = _load(out / "exchange-certificate.yaml")  # one per thumbprint, all its servers
    assert certificate["Servers"] == ["EX01", "EX02"] and certificate["Services"] == ["IIS", "SMTP"]
    assert "add File" in capsys.readouterr().out


def test_second_run_gives_the_same_bytes(tmp_path: Path) -> None:
    sources = _exports(tmp_path, EXO + ONPREM + ("M365TenantConfig.ps1",), utf16=("inbound.json",))
    first, second = tmp_path / "one", tmp_path / "two"
    main(["import", *sources, "--output", str(first)])
    main(["import", *sources, "--output", str(second)])
    before = _snapshot(first)
    main(["import", *sources, "--output", str(first)])  # over its own files: no --force needed
    assert _snapshot(first) == before == _snapshot(second)


def test_numeric_enums_are_refused_with_the_enums_as_strings_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = _exports(tmp_path, ("inbound-numeric.json", "outbound.json"))
    out = tmp_path / "defs"
    assert main(["import", *sources, "--output", str(out)]) == 1
    printed = capsys.readouterr().out
    line = next(x for x in printed.splitlines() if "ConnectorType is 1" in x)
    assert line.startswith(f'{sources[0]}:4: the record ("Inbound from 4f2c8a6e')
    assert "-EnumsAsStrings" in line and "[string]$_.ConnectorType" in line
    assert "nothing written" in printed
    assert not out.exists()


def test_microsoft365dsc_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (source,) = _exports(tmp_path, ("M365TenantConfig.ps1",))
    out = tmp_path / "defs"
    assert main(["import", source, "--output", str(out)]) == 1  # the variable could not be mapped
    printed = capsys.readouterr().out
    assert (
        f'{source}:70: EXOInboundConnector "EXOInboundConnector-Inbound from '
        '4f2c8a6e-1d3b-4c5a-9e7f-2b8d0c6a1e94": '
        "SenderIPAddresses is $ConfigurationData.NonNodeData.OnPremisesEgressIPs, a variable" in printed
    )
    assert (
        f'{source}:74: EXOInboundConnector "EXOInboundConnector-Old scanner relay" has Ensure = "Absent"'
        in printed
    )
    assert "Credential" not in printed and "Ensure" not in printed.replace('Ensure = "Absent"', "")
    inbound = _load(out / "inbound-connector.yaml")
    assert [d["Name"] for d in inbound] == ["Inbound from 4f2c8a6e-1d3b-4c5a-9e7f-2b8d0c6a1e94"]
    assert inbound[0]["Comment"] == "Created by HCW; don't edit by hand"
    assert inbound[0]["SenderDomains"] == ["*"] and "SenderIPAddresses" not in inbound[0]
    (outbound,) = _load(out / "outbound-connector.yaml")
    assert outbound["Comment"] == 'Smart host: "mail.contoso.com"' and outbound["SmartHosts"] == [
        "mail.contoso.com"
    ]
    assert [d["DomainName"] for d in _load(out / "accepted-domain.yaml")] == [
        "contoso.com",
        "contoso.onmicrosoft.com",
    ]
    assert [f for f in _check(out, capsys) if f["rule_id"].startswith("EX0")] == []


# --- output files -----------------------------------------------------------------------------


def test_split_writes_one_file_per_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sources = _exports(tmp_path, ("inbound.json", "receive-connectors.json"))
    out = tmp_path / "defs"
    assert main(["import", *sources, "--output", str(out), "--split"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "inbound-connector-fabrikam-partner-relay.yaml",
        "inbound-connector-inbound-from-4f2c8a6e-1d3b-4c5a-9e7f-2b8d0c6a1e94.yaml",
        "receive-connector-ex01-default-frontend-ex01.yaml",
        "receive-connector-ex02-default-frontend-ex02.yaml",
    ]
    assert "--split" in (out / "inbound-connector-fabrikam-partner-relay.yaml").read_text(encoding="utf-8")
    assert [f for f in _check(out, capsys) if f["rule_id"].startswith("EX0")] == []


def test_a_file_exolint_did_not_write_is_kept_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = _exports(tmp_path, ("outbound.json",))
    out = tmp_path / "defs"
    out.mkdir()
    mine = out / "outbound-connector.yaml"
    mine.write_text("# kept by hand\nkind: OutboundConnector\nName: Mine\n", encoding="utf-8")
    assert main(["import", *sources, "--output", str(out)]) == 2
    assert "was not written by exolint import; pass --force" in capsys.readouterr().err
    assert mine.read_text(encoding="utf-8").startswith("# kept by hand")
    assert main(["import", *sources, "--output", str(out), "--force"]) == 0
    assert mine.read_text(encoding="utf-8").startswith("# Written by exolint import")


# --- records that cannot be mapped --------------------------------------------------------------


def test_kind_is_told_from_properties_or_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "connector.json"
    export.write_text(json.dumps([{"Name": "Relay", "Identity": "Relay", "Enabled": True}], indent=4))
    out = tmp_path / "defs"
    assert main(["import", str(export), "--output", str(out)]) == 1
    assert f'{export}:2: record 1 ("Relay") holds none of the properties' in capsys.readouterr().out
    assert main(["import", str(export), "--output", str(out), "--kind", "InboundConnector"]) == 0
    assert _load(out / "inbound-connector.yaml") == [
        {"kind": "InboundConnector", "Name": "Relay", "Enabled": True}
    ]


def test_receive_connector_without_server_is_skipped_and_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "receive.json"
    export.write_text(json.dumps({"Name": "Relay", "Identity": "Relay", "Bindings": ["0.0.0.0:25"]}))
    assert main(["import", str(export), "--output", str(tmp_path / "defs")]) == 1
    printed = capsys.readouterr().out
    assert "has no Server, so it cannot become a ReceiveConnector definition" in printed
    assert "Identity of the form SERVER\\Name" in printed


def test_same_object_twice_is_kept_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sources = _exports(tmp_path, ("outbound.json",))
    copy = tmp_path / "again.json"
    shutil.copy(sources[0], copy)
    assert main(["import", *sources, str(copy), "--output", str(tmp_path / "defs")]) == 1
    assert "is also in" in capsys.readouterr().out
    assert len(_load(tmp_path / "defs" / "outbound-connector.yaml")) == 1


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tmp_path / "missing.json")]) == 2
    assert "missing.json: no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"Name": "x"\xff}')
    assert main(["import", str(bad), "--output", str(tmp_path / "defs")]) == 1
    assert "is not UTF-8 or UTF-16" in capsys.readouterr().out
    source = _exports(tmp_path, ("outbound.json",))[0]
    assert main(["import", source, "--output", source]) == 2
    assert "--output must name a directory" in capsys.readouterr().err


def test_dsc_export_with_windows_line_endings(tmp_path: Path) -> None:
    from linter.commands.importer.dscread import read

    text = (FIXTURES / "M365TenantConfig.ps1").read_text(encoding="utf-8")
    crlf = read("c.ps1", text.replace("\n", "\r\n"))
    lf = read("c.ps1", text)
    assert [r.fields for r in crlf.records] == [r.fields for r in lf.records]
    assert [str(p) for p in crlf.problems] == [str(p) for p in lf.problems]


# --- value mapping, one property at a time -------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "name", "value", "expected"),
    [
        ("InboundConnector", "SenderDomains", ["smtp:*;1"], ["*"]),
        ("InboundConnector", "SenderDomains", ["SMTP:contoso.com;1"], ["contoso.com"]),
        ("InboundConnector", "SenderDomains", "smtp:*.contoso.com;1", ["*.contoso.com"]),
        ("InboundConnector", "SenderDomains", ["contoso.com"], ["contoso.com"]),
        ("OutboundConnector", "RecipientDomains", ["smtp:contoso.com;1"], ["contoso.com"]),
        ("SendConnector", "AddressSpaces", ["SMTP:*;1"], ["*"]),
        ("SendConnector", "AddressSpaces", ["smtp:contoso.com;5"], ["smtp:contoso.com;5"]),
        ("SendConnector", "AddressSpaces", ["X400:c=US;a= ;p=Contoso;5"], ["X400:c=US;a= ;p=Contoso;5"]),
        ("InboundConnector", "ConnectorType", "onpremises", "OnPremises"),
        ("InboundConnector", "SenderIPAddresses", [], None),
        ("InboundConnector", "Comment", None, None),
        ("InboundConnector", "Comment", "", None),
        (
            "ReceiveConnector",
            "PermissionGroups",
            "AnonymousUsers, ExchangeServers",
            ["AnonymousUsers", "ExchangeServers"],
        ),
        ("ReceiveConnector", "MaxInboundConnection", 5000, 5000),
        ("ReceiveConnector", "MaxInboundConnection", "Unlimited", "Unlimited"),
        ("SendConnector", "MaxMessageSize", "35 MB (36,700,160 bytes)", "35 MB"),
        ("SendConnector", "MaxMessageSize", "Unlimited", "Unlimited"),
        ("SendConnector", "Port", 25, 25),
        (
            "SendConnector",
            "TlsCertificateName",
            {
                "CertificateIssuer": "CN=Fabrikam CA, O=Fabrikam, C=US",
                "CertificateSubject": "CN=mail.contoso.com",
            },
            "<I>CN=Fabrikam CA, O=Fabrikam, C=US<S>CN=mail.contoso.com",
        ),
        (
            "SendConnector",
            "SourceTransportServers",
            [{"Name": "EX01", "DistinguishedName": "CN=EX01,..."}],
            ["EX01"],
        ),
        (
            "OutboundConnector",
            "TlsDomain",
            {"Address": "*.contoso.com", "Domain": "contoso.com"},
            "*.contoso.com",
        ),
        ("ExchangeCertificate", "Services", "IIS, SMTP", ["IIS", "SMTP"]),
    ],
)
def test_convert(kind: str, name: str, value: Any, expected: Any) -> None:
    from linter.commands.importer.exports import convert

    assert convert(kind_schema(kind), name, value) == expected


@pytest.mark.parametrize(
    ("kind", "name", "value", "says", "refused"),
    [
        ("InboundConnector", "ConnectorType", 1, "-EnumsAsStrings", True),
        ("OutboundConnector", "TlsSettings", 3, "-EnumsAsStrings", True),
        ("ReceiveConnector", "AuthMechanism", [40], "-EnumsAsStrings", True),
        (
            "InboundConnector",
            "TlsSenderCertificateName",
            {"Subject": "x"},
            "[string]$_.TlsSenderCertificateName",
            False,
        ),
        ("InboundConnector", "SenderDomains", ["smtp:contoso.com;5"], "cannot reduce to a domain", False),
        ("InboundConnector", "RequireTls", "maybe", "does not fit boolean", False),
        ("InboundConnector", "Name", ["a", "b"], "takes one", False),
    ],
)
def test_convert_refuses(kind: str, name: str, value: Any, says: str, refused: bool) -> None:
    from linter.commands.importer.exports import _Unmapped, convert

    with pytest.raises(_Unmapped) as caught:
        convert(kind_schema(kind), name, value)
    assert says in str(caught.value)
    assert caught.value.refused is refused


@pytest.mark.parametrize(
    ("fixture", "kind"),
    [
        ("inbound.json", "InboundConnector"),
        ("outbound.json", "OutboundConnector"),
        ("accepted-domains.json", "AcceptedDomain"),
        ("send-connectors.json", "SendConnector"),
        ("receive-connectors.json", "ReceiveConnector"),
        ("exchange-certificates.json", "ExchangeCertificate"),
    ],
)
def test_detect_kind_of_each_export(fixture: str, kind: str) -> None:
    from linter.commands.importer.exports import detect_kind, json_records

    records, problems = json_records(fixture, (FIXTURES / fixture).read_text(encoding="utf-8"))
    assert problems == [] and records
    assert {detect_kind(r.keys())[0] for r in records} == {kind}


def test_detect_kind_ambiguous() -> None:
    from linter.commands.importer.exports import detect_kind

    assert detect_kind({"senderdomains", "recipientdomains"}) == (
        None,
        "could be OutboundConnector or InboundConnector",
    )


# --- the Microsoft365DSC reader -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'don''t'", "don't"),
        ('"a `"b`" c"', 'a "b" c'),
        ('"say ""hi"""', 'say "hi"'),
        ('"tab`there"', "tab\there"),
        ("$True", True),
        ("$false", False),
        ("$null", None),
        ("42", 42),
        ("@(\"smtp:*;1\", 'b')", ["smtp:*;1", "b"]),
        ("@()", []),
        ('@(\n    "a"\n    "b"\n)', ["a", "b"]),
        ('"a", "b"', ["a", "b"]),
        ("@'\nline one\nline 'two'\n'@", "line one\nline 'two'"),
        ('"price: `$5"', "price: $5"),
    ],
)
def test_dsc_literals(text: str, expected: Any) -> None:
    from linter.commands.importer.dscread import read

    result = read("c.ps1", f'Node localhost {{\n EXOInboundConnector "x" {{\n  Comment = {text}\n }}\n}}\n')
    assert result.problems == []
    (record,) = result.records
    assert record.fields == [("Comment", expected, 3)]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("$ConfigurationData.NonNodeData.Comment", "$ConfigurationData.NonNodeData.Comment, a variable"),
        ('"$OrganizationName"', "a string with variables in it"),
        ('"mail.$($Domain)"', "a string with variables in it"),
        ("(Get-Date).ToString()", "that exolint does not evaluate"),
        ("@($a, 'b')", "$a, a variable"),
    ],
)
def test_dsc_values_not_evaluated(text: str, says: str) -> None:
    from linter.commands.importer.dscread import read

    result = read(
        "c.ps1", f'EXOAcceptedDomain "x"\n{{\n    Identity = "contoso.com"\n    Comment = {text}\n}}\n'
    )
    (problem,) = result.problems
    assert problem.line == 4 and says in problem.message
    assert [name for name, _, _ in result.records[0].fields] == ["Identity"]


def test_dsc_comments_and_other_resources_are_ignored() -> None:
    from linter.commands.importer.dscread import read

    text = (
        "<# EXOInboundConnector \"no\" { Identity = 'x' } #>\n"
        '# EXOInboundConnector "no" { }\n'
        'EXOTransportRule "r" { Identity = "r"; Comments = "EXOInboundConnector" }\n'
        'EXOInboundConnector "yes" { Identity = "Yes"; Credential = $Creds; ApplicationId = $App; '
        'Ensure = "Present" }\n'
    )
    result = read("c.ps1", text)
    assert result.problems == [] and result.others == 1
    (record,) = result.records
    assert record.line == 4 and [f[0] for f in record.fields] == ["Identity", "Ensure"]  # auth: left out


# --- the emitter ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "*",
        "*.contoso.com",
        "no",
        "On",
        "1.5",
        "25",
        "a: b",
        "#x",
        " lead",
        "trail ",
        "",
        "Ä-mail.例え.jp",
        "<I>CN=a, O=b<S>CN=c",
        "[::]:25",
        "x\u2028y",
        "null",
        "~",
        "0x1F",
        "1e5",
        "198.51.100.7",
        "@home",
        "`tick",
    ],
)
def test_emitted_strings_load_back_unchanged(value: str) -> None:
    from linter.commands.importer.yamlemit import mapping
    from linter.load.parse import parse_yaml

    text = mapping({"kind": "InboundConnector", "Comment": value, "SenderDomains": [value, "b"]})
    document, problems = parse_yaml("x.yaml", text)
    assert problems == []
    assert document.data[0] == {"kind": "InboundConnector", "Comment": value, "SenderDomains": [value, "b"]}


def test_import_check_fix_round_trip_leaves_valid_definitions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """import -> edit -> check -> fix --write -> check: fix edits the importer's output with a
    round trip and gives back exactly what import wrote."""
    sources = _exports(tmp_path, EXO + ONPREM, utf16=("inbound.json",))
    out = tmp_path / "defs"
    assert main(["import", *sources, "--output", str(out)]) == 0
    imported = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}
    before = _check(out, capsys)
    inbound = out / "inbound-connector.yaml"
    assert "TlsSenderCertificateName:" in imported[inbound.name]
    inbound.write_text(
        imported[inbound.name].replace("TlsSenderCertificateName:", "TlsSenderCertificatename:"),
        encoding="utf-8",
    )
    assert "EX012" in {f["rule_id"] for f in _check(out, capsys)}
    capsys.readouterr()
    assert main(["fix", str(out), "--root", str(out), "--write"]) == 0
    capsys.readouterr()
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == imported
    after = _check(out, capsys)
    assert after == before and not [f for f in after if f["rule_id"].startswith("EX0")]
