"""`exolint diagnose`: SMTP protocol logs read as sessions and explained against the repository."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from linter.cli import main
from linter.commands.diagnose.protocol_log import LogError, Stats, _split, read_sessions

REPO = Path(__file__).resolve().parent.parent
RENEWED = REPO / "examples" / "contoso-renewed-certificate"
HEALTHY = REPO / "examples" / "contoso-healthy"
CONNECTOR = "Outbound to Office 365 - 4f2c8a6e-1d3b-4c5a-9e7f-2b8d0c6a1e94"
INBOUND = "Inbound from 4f2c8a6e-1d3b-4c5a-9e7f-2b8d0c6a1e94"
FIELDS = "date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context"
HEADER = [
    "#Software: Microsoft Exchange Server",
    "#Version: 15.02.1544.004",
    "#Log-Type: SMTP Send Protocol Log",
    "#Date: 2026-11-26T09:00:01.000Z",
    f"#Fields: {FIELDS}",
]


def certificate(example: Path) -> object:
    """The leaf certificate of an example, read (not pasted) from its certificate file."""
    from linter.load.certs import read_certificate_file

    path = next((example / "certs").iterdir())
    certs, _ = read_certificate_file(path.name, path.read_bytes())
    return next(c for c in certs if not c.is_ca)


def row(
    session: str, seq: int, event: str, data: str = "", context: str = "", connector: str = CONNECTOR
) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(
        [
            f"2026-11-26T09:00:{seq:02d}.100Z",
            connector,
            session,
            seq,
            "10.0.0.11:28411" if event != "*" or seq else "",
            "104.47.11.202:25",
            event,
            data,
            context,
        ]
    )
    return out.getvalue()


TLS_OK = (
    "TLS protocol SP_PROT_TLS1_2_CLIENT negotiation succeeded using bulk encryption algorithm CALG_AES_256"
)


def session_rows(
    session: str,
    cert: object | None,
    reply: str,
    collapsed: bool = False,
    tls: str = TLS_OK,
    connector: str = CONNECTOR,
    greeting: str = "220 AM0EUR02FT012.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready",
) -> list[str]:
    """One send session in the documented shape: connect, STARTTLS, certificate block, TLS line,
    MAIL FROM, the reply to it, QUIT and disconnect."""
    steps: list[tuple[str, str, str]] = [
        ("*", "", "attempting to connect"),
        ("+", "", ""),
        ("<", greeting, ""),
        (">", "EHLO smtp.contoso.com", ""),
        ("<", f"250  {greeting.split()[1]} Hello [203.0.113.25] STARTTLS", ""),
        (">", "STARTTLS", ""),
        ("<", "220 2.0.0 SMTP server ready", ""),
    ]
    if cert is not None:
        subject, issuer = cert.subject, cert.issuer  # type: ignore[attr-defined]
        serial, thumbprint = cert.serial_number, cert.thumbprint  # type: ignore[attr-defined]
        names = ";".join(cert.dns_names)  # type: ignore[attr-defined]
        if collapsed:
            steps.append(("*", "", "COLLAPSED"))
        else:
            steps += [
                ("*", "", "Sending certificate"),
                ("*", subject, "Certificate subject"),
                ("*", issuer, "Certificate issuer name"),
                ("*", serial, "Certificate serial number"),
                ("*", thumbprint, "Certificate thumbprint"),
                ("*", names, "Certificate alternate names"),
            ]
    if tls:
        steps.append(("*", "", tls))
    steps += [
        (">", "MAIL FROM:<alice@contoso.com> SIZE=4096", ""),
        ("<", reply, ""),
        (">", "QUIT", ""),
        ("<", "221 2.0.0 Service closing transmission channel", ""),
        ("-", "", "Local"),
    ]
    lines = [row(session, i, e, d, c, connector) for i, (e, d, c) in enumerate(steps)]
    if collapsed and cert is not None:
        # as one blog shows it: the items run on in the context column, their commas unquoted
        text = (
            f"Sending certificate Certificate subject {subject}, Certificate issuer name {issuer}, "
            f"Certificate serial number {serial}, Certificate thumbprint {thumbprint}, "
            f"Certificate alternate names {names}"
        )
        lines = [line.replace('"COLLAPSED"', text).replace("COLLAPSED", text) for line in lines]
    return lines


RELAY_DENIED = (
    "550 5.7.64 TenantAttribution; Relay Access Denied [AM0EUR02FT012.eop-EUR02.prod.protection.outlook.com]"
)
QUEUED = "250 2.6.0 <0a1b@smtp.contoso.com> [InternalId=1234] Queued mail for delivery"


@pytest.fixture
def renewed(tmp_path: Path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(RENEWED, target)
    return target


def write_log(tmp_path: Path, lines: list[str], name: str = "SEND20261126-1.log") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([*HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["diagnose", *argv])
    out, err = capsys.readouterr()
    return code, out, err


# --- the seed scenario -----------------------------------------------------------------------


@pytest.mark.parametrize("collapsed", [False, True], ids=["certificate-block", "collapsed-line"])
def test_seed_scenario_names_connector_certificate_and_fix(
    tmp_path: Path, renewed: Path, capsys: pytest.CaptureFixture[str], collapsed: bool
) -> None:
    cert = certificate(RENEWED)
    log = write_log(tmp_path, session_rows("08DE2C1A5B3F7D01", cert, RELAY_DENIED, collapsed=collapsed))
    code, out, _ = run(capsys, str(log), "--root", str(renewed))
    assert code == 1
    assert "FAILED" in out
    assert f'connector "{CONNECTOR}"' in out
    assert "certificate presented: CN=smtp.contoso.com, O=Contoso Ltd" in out
    assert "SAN smtp.contoso.com, autodiscover.contoso.com" in out
    assert f"thumbprint {cert.thumbprint}" in out  # type: ignore[attr-defined]
    assert "TLS: succeeded (SP_PROT_TLS1_2_CLIENT)" in out
    assert "response: 550 5.7.64 TenantAttribution; Relay Access Denied" in out
    assert f'Inbound connector "{INBOUND}" accepts TLS certificate name mail.contoso.com' in out
    assert f'fix: Set-InboundConnector -Identity "{INBOUND}" -TlsSenderCertificateName *.contoso.com' in out
    # the wildcard widens what the connector accepts: the note says so and gives the narrow way
    assert "add smtp.contoso.com as an accepted domain" in out and "550 5.7.51" in out
    assert out.rstrip().endswith("1 session read; 1 with Exchange Online; 1 failed")


def test_one_answer_to_the_renewed_certificate_outage(
    tmp_path: Path, renewed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """check, fix, diagnose and simulate give the same primary fix and the same NDR for the seed
    outage; the fix widens what the connector accepts (a wildcard), so each says so and gives the
    narrow alternative: the exact host, added as an accepted domain."""
    command = f'Set-InboundConnector -Identity "{INBOUND}" -TlsSenderCertificateName *.contoso.com'
    narrow = "add smtp.contoso.com as an accepted domain"
    as_of = ["--as-of", "2026-12-01", "--root", str(renewed)]

    assert main(["check", str(renewed), "--format", "json", *as_of]) == 1
    (finding,) = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["rule_id"] == "EX601"]
    assert finding["fix"] == command and "550 5.7.64" in finding["ndr"]
    assert "widens" in finding["message"] and narrow in finding["message"]

    assert main(["fix", str(renewed), *as_of]) == 1
    out, err = capsys.readouterr()
    assert "+TlsSenderCertificateName: '*.contoso.com'" in out and narrow in err

    log = write_log(tmp_path, session_rows("08DE2C1A5B3F7D01", certificate(RENEWED), RELAY_DENIED))
    code, out, _ = run(capsys, str(log), "--root", str(renewed))
    assert code == 1 and f"fix: {command}" in out and narrow in out and "550 5.7.64" in out

    cert_file = next((renewed / "certs").iterdir())
    simulate = ["simulate", str(renewed), "--root", str(renewed), "--cert", str(cert_file)]
    assert main([*simulate, "--mail-from", "user@contoso.com"]) == 1
    out = capsys.readouterr().out
    assert "rejected with 550 5.7.64" in out and command in out and narrow in out


def test_seed_scenario_json(tmp_path: Path, renewed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cert = certificate(RENEWED)
    log = write_log(tmp_path, session_rows("08DE2C1A5B3F7D01", cert, RELAY_DENIED))
    code, out, _ = run(capsys, str(log), "--root", str(renewed), "--format", "json")
    assert code == 1
    report = json.loads(out)
    (result,) = report["results"]
    assert result["certificate"]["role"] == "sending"
    assert result["certificate"]["alternate_names"] == ["smtp.contoso.com", "autodiscover.contoso.com"]
    assert result["certificate"]["thumbprint"] == cert.thumbprint  # type: ignore[attr-defined]
    assert result["tls"] == {"outcome": "succeeded", "detail": "SP_PROT_TLS1_2_CLIENT"}
    assert result["response"]["code"] == "550 5.7.64"
    assert result["mail_from"] == "alice@contoso.com"
    assert result["connectors"] == [INBOUND]
    assert result["fixes"] == [
        f'Set-InboundConnector -Identity "{INBOUND}" -TlsSenderCertificateName *.contoso.com'
    ]
    assert result["remote_names"] == ["am0eur02ft012.mail.protection.outlook.com"]
    assert report["summary"]["failed"] == 1 and report["summary"]["malformed_lines"] == 0


def test_successful_session_reports_no_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(HEALTHY, repo)
    cert = certificate(HEALTHY)
    log = write_log(tmp_path, session_rows("08DE2C1A5B3F7D02", cert, QUEUED))
    code, out, _ = run(capsys, str(log), "--root", str(repo))
    assert code == 0
    assert ": ok: session 08DE2C1A5B3F7D02" in out
    assert "response: 250 2.6.0" in out
    assert "why:" not in out and "fix:" not in out
    assert "1 with Exchange Online; 0 failed" in out


def test_identical_sessions_are_reported_once_with_their_count(
    tmp_path: Path, renewed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cert = certificate(RENEWED)
    lines = [line for n in range(5) for line in session_rows(f"08DE2C1A5B3F7D1{n}", cert, RELAY_DENIED)]
    code, out, _ = run(capsys, str(write_log(tmp_path, lines)), "--root", str(renewed))
    assert code == 1
    assert "FAILED: 5 sessions, first 08DE2C1A5B3F7D10" in out
    assert "(last 08DE2C1A5B3F7D14" in out
    assert out.count("fix:") == 1


def test_sessions_are_ordered_by_sequence_number_and_interleave(
    tmp_path: Path, renewed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cert = certificate(RENEWED)
    first = session_rows("08DE2C1A5B3F7D01", cert, RELAY_DENIED)
    second = session_rows(
        "08DE2C1A5B3F7D02", None, QUEUED, connector="Internet", greeting="220 mx.fabrikam.com"
    )
    # the certificate marker is logged after its items here; only sequence numbers tell the order
    first[7:9] = [first[8], first[7]]
    lines = [line for pair in zip(first, second, strict=False) for line in pair]
    lines += first[len(second) :] + second[len(first) :]
    code, out, _ = run(capsys, str(write_log(tmp_path, lines)), "--root", str(renewed))
    assert code == 1
    assert "certificate presented: CN=smtp.contoso.com" in out
    assert "2 sessions read; 1 with Exchange Online; 1 failed" in out  # the Internet session is not EXO's


def test_unknown_credentials_points_at_tls_certificate_name(
    tmp_path: Path, renewed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    connector = renewed / "onprem" / "send-connector.yaml"
    text = connector.read_text(encoding="utf-8")
    connector.write_text(text.replace("Fabrikam Trust TLS RSA CA 2025", "Fabrikam Trust TLS RSA CA 2023"))
    lines = session_rows(
        "08DE2C1A5B3F7D03",
        None,
        "421 4.4.1 Connection timed out",
        tls="TLS negotiation failed with error UnknownCredentials",
    )
    code, out, _ = run(capsys, str(write_log(tmp_path, lines)), "--root", str(renewed))
    assert code == 1
    assert "TLS: failed (UnknownCredentials)" in out
    assert "certificate presented: none logged" in out
    assert "names no certificate of the repository (rule EX401)" in out
    assert (
        f'fix: Set-SendConnector -Identity "{CONNECTOR}" -TlsCertificateName '
        '"<I>CN=Fabrikam Trust TLS RSA CA 2025, '
        'O=Fabrikam Trust Services, C=US<S>CN=smtp.contoso.com, O=Contoso Ltd, L=Redmond, S=Washington, C=US"'
    ) in out


def test_connector_id_alone_marks_a_session_to_exchange_online(
    tmp_path: Path, renewed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cert = certificate(RENEWED)
    lines = session_rows("08DE2C1A5B3F7D04", cert, RELAY_DENIED, greeting="220 relay ready")
    code, out, _ = run(capsys, str(write_log(tmp_path, lines)), "--root", str(renewed))
    assert code == 1 and "1 with Exchange Online" in out
    other = session_rows(
        "08DE2C1A5B3F7D05", cert, RELAY_DENIED, greeting="220 relay ready", connector="Internet"
    )
    code, out, _ = run(capsys, str(write_log(tmp_path, other, "SEND2.log")), "--root", str(renewed))
    assert code == 0 and "0 with Exchange Online" in out


# --- robustness ------------------------------------------------------------------------------


def test_malformed_lines_are_counted_not_fatal(
    tmp_path: Path, renewed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cert = certificate(RENEWED)
    lines = session_rows("08DE2C1A5B3F7D01", cert, RELAY_DENIED)
    lines[3:3] = [
        "2026-11-26T09:00:03.100Z,Outbound,08DE,not-a-number,,,*,,x",  # sequence-number
        "2026-11-26T09:00:03.100Z,Outbound,08DE,4,,,?,,x",  # event
        "too,few,fields",
        '2026-11-26T09:00:03.100Z,Outbound,08DE,5,,,<,"unterminated,',  # quote
    ]
    log = write_log(tmp_path, lines)
    code, out, _ = run(capsys, str(log), "--root", str(renewed))
    assert code == 1
    assert f"4 malformed lines skipped ({log}:9, {log}:10, {log}:11, {log}:12)" in out
    assert "fix: Set-InboundConnector" in out


def test_over_long_line_is_malformed(tmp_path: Path) -> None:
    from linter.commands.diagnose.protocol_log import MAX_LINE

    log = write_log(tmp_path, ["x" * (MAX_LINE + 10), row("08DE", 0, "+"), row("08DE", 1, "-")])
    stats = Stats()
    sessions = list(read_sessions([log], stats))
    assert len(sessions) == 1 and sessions[0].ended
    assert stats.malformed == 1 and stats.malformed_lines == [f"{log}:6"]


def test_session_spanning_files_and_unended_sessions(tmp_path: Path) -> None:
    first = write_log(tmp_path, [row("A", 0, "+"), row("B", 0, "+")], "SEND1.log")
    second = write_log(tmp_path, [row("A", 1, "<", "250 OK"), row("A", 2, "-")], "SEND2.log")
    stats = Stats()
    sessions = list(read_sessions([first, second], stats))
    assert [(s.session_id, s.ended) for s in sessions] == [("A", True), ("B", False)]
    assert sessions[0].final is not None and sessions[0].final.text == "250 OK"
    assert stats.unended == 1 and stats.sessions == 2


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        ("a,b,,c", ["a", "b", "", "c"]),
        ('a,"CN=x, O=y",c', ["a", "CN=x, O=y", "c"]),
        ('a,"say ""hi"", then",c', ["a", 'say "hi", then', "c"]),
        ('a,"open', None),
    ],
)
def test_split_reads_quoted_values(line: str, fields: list[str] | None) -> None:
    assert _split(line) == fields


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("kind: SendConnector\nName: x\n", "not an SMTP protocol log: no #Fields header"),
        ("#Software: Microsoft Exchange Server\n#Fields: date-time,event\n", "#Fields lacks session-id"),
    ],
)
def test_not_a_protocol_log_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "x.log"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, str(path), "--root", str(tmp_path))
    assert code == 2 and out == ""
    assert err.startswith(f"exolint: {path}:") and message in err


def test_missing_log_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, str(tmp_path / "SEND.log"), "--root", str(tmp_path))
    assert code == 2
    assert err.strip() == f"exolint: {tmp_path / 'SEND.log'}: no such file"


def test_read_sessions_raises_log_error(tmp_path: Path) -> None:
    path = tmp_path / "x.log"
    path.write_text("hello\n", encoding="utf-8")
    with pytest.raises(LogError):
        list(read_sessions([path], Stats()))


def test_receive_log_reads_replies_from_the_server_side(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frontend = "EX01\\Default Frontend EX01"
    steps = [
        ("+", "", ""),
        (">", "220 ex01.corp.contoso.com Microsoft ESMTP MAIL Service ready", ""),
        ("<", "EHLO NAM12-BN8-obe.outbound.protection.outlook.com", ""),
        ("<", "STARTTLS", ""),
        (">", "220 2.0.0 SMTP server ready", ""),
        ("*", "", "Received certificate"),
        ("*", "CN=mail.protection.outlook.com, O=Microsoft Corporation, C=US", "Certificate subject"),
        ("*", "mail.protection.outlook.com;*.mail.protection.outlook.com", "Certificate alternate names"),
        ("<", "MAIL FROM:<bob@fabrikam.com>", ""),
        (">", "250 2.1.0 Sender OK", ""),
        (">", "250 2.6.0 Queued mail for delivery", ""),
        ("-", "", "Remote(SocketError)"),
    ]
    lines = [row("08DE2C1A5B3F7E01", i, e, d, c, frontend) for i, (e, d, c) in enumerate(steps)]
    path = tmp_path / "RECV20261126-1.log"
    header = [h.replace("SMTP Send Protocol Log", "SMTP Receive Protocol Log") for h in HEADER]
    path.write_text("\n".join([*header, *lines]) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, str(path), "--root", str(tmp_path))
    assert code == 0, out
    assert f'ok: session 08DE2C1A5B3F7E01 at 2026-11-26T09:00:00.100Z on connector "{frontend}" from' in out
    assert "certificate received: CN=mail.protection.outlook.com" in out
    assert "response: 250 2.6.0 Queued mail for delivery" in out


# --- which deployment a log belongs to --------------------------------------------------------


@pytest.fixture
def msp(tmp_path: Path) -> Path:
    """Two deployments whose send connectors have one name: Contoso as the wizard left it, and
    Northwind after the renewal under a new name."""
    root = tmp_path / "msp"
    shutil.copytree(HEALTHY, root / "tenants" / "contoso")
    shutil.copytree(RENEWED, root / "tenants" / "northwind")
    tenant = root / "tenants" / "northwind" / "tenant.yaml"
    tenant.write_text(tenant.read_text(encoding="utf-8").replace("Name: contoso.", "Name: northwind."))
    return root


def test_the_log_certificate_picks_the_deployment(
    tmp_path: Path, msp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = write_log(tmp_path, session_rows("08DE2C1A5B3F7D01", certificate(RENEWED), RELAY_DENIED))
    code, out, _ = run(capsys, str(log), "--root", str(msp))
    assert code == 1
    assert "deployment: tenants/northwind (tenant northwind.onmicrosoft.com)" in out
    assert "-TlsSenderCertificateName smtp.contoso.com" in out  # the first deployment would say "covered"


def test_the_current_deployment_comes_first(
    tmp_path: Path, msp: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    log = write_log(tmp_path, session_rows("08DE2C1A5B3F7D01", certificate(RENEWED), RELAY_DENIED))
    monkeypatch.chdir(msp / "tenants" / "contoso" / "exo")
    code, out, _ = run(capsys, str(log), "--root", str(msp))
    assert code == 1
    assert "deployment: tenants/contoso (tenant contoso.onmicrosoft.com)" in out
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, str(log), "--root", str(msp / "tenants" / "contoso"))
    assert "deployment:" not in out  # one deployment under that root: nothing to choose
    assert f'Inbound connector "{INBOUND}" accepts TLS certificate name mail.contoso.com' in out


def test_a_deployment_that_cannot_be_told_is_not_guessed(
    tmp_path: Path, msp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from linter.commands.test_rules.certgen import build
    from linter.load.certs import read_certificate_file

    generated = build({"other": {"subject": "CN=relay.contoso.com", "san": ["relay.contoso.com"]}})
    (unknown,), _ = read_certificate_file("other.cer", generated["other"].pem())
    log = write_log(tmp_path, session_rows("08DE2C1A5B3F7D01", unknown, RELAY_DENIED))
    code, out, _ = run(capsys, str(log), "--root", str(msp), "--format", "json")
    assert code == 1
    (result,) = json.loads(out)["results"]
    assert result["deployment"] is None and result["fixes"] == []
    (note,) = result["notes"]
    assert f'connector "{CONNECTOR}" is defined in 2 deployments' in note
    assert "tenants/contoso (tenant contoso.onmicrosoft.com); tenants/northwind" in note
    assert f"thumbprint {unknown.thumbprint}" in note


def test_ehlo_reply_names_the_remote_host_without_its_reply_code(
    tmp_path: Path, renewed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = session_rows("08DE2C1A5B3F7D01", certificate(RENEWED), RELAY_DENIED)
    reply = "250-AM4PEPF00012345.mail.protection.outlook.com Hello [203.0.113.25]"
    lines = [
        line.replace("250  AM0EUR02FT012.mail.protection.outlook.com Hello [203.0.113.25] STARTTLS", reply)
        for line in lines
    ]
    lines = [
        line.replace("220 AM0EUR02FT012.mail.protection.outlook.com Microsoft", "220 Microsoft")
        for line in lines
    ]
    _, out, _ = run(capsys, str(write_log(tmp_path, lines)), "--root", str(renewed), "--format", "json")
    (result,) = json.loads(out)["results"]
    assert result["remote_names"] == ["am4pepf00012345.mail.protection.outlook.com"]
