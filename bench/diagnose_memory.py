"""Peak memory and time of `exolint diagnose` on a large send protocol log. Run by hand:

    python bench/diagnose_memory.py            # 1 GiB
    python bench/diagnose_memory.py 200M       # or 500000000, 2G ...

The log is written to a temporary file as it is generated (nothing big is held in memory): many
sessions to Exchange Online through the seed scenario's send connector, interleaved eight at a
time, one in fifty refused with 550 5.7.64, a malformed line now and then. Then diagnose runs in
a child process against examples/contoso-renewed-certificate, and its peak RSS
(resource.getrusage RUSAGE_CHILDREN, ru_maxrss) and wall time are printed.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONNECTOR = "Outbound to Office 365 - 4f2c8a6e-1d3b-4c5a-9e7f-2b8d0c6a1e94"
HEADER = (
    "#Software: Microsoft Exchange Server\n"
    "#Version: 15.02.1544.004\n"
    "#Log-Type: SMTP Send Protocol Log\n"
    "#Date: 2026-11-26T00:00:00.000Z\n"
    "#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,"
    "event,data,context\n"
)
CERTIFICATE = [
    ("*", "", "Sending certificate"),
    ("*", '"CN=smtp.contoso.com, O=Contoso Ltd, L=Redmond, S=Washington, C=US"', "Certificate subject"),
    ("*", '"CN=Fabrikam Trust TLS RSA CA 2025, O=Fabrikam Trust Services, C=US"', "Certificate issuer name"),
    ("*", "71BD0385D33B12100C75EBAD4763B626", "Certificate serial number"),
    ("*", "7961288E604115A984EE61F02A3E8D66D1B03699", "Certificate thumbprint"),
    ("*", "smtp.contoso.com;autodiscover.contoso.com", "Certificate alternate names"),
]


def size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = text.strip().upper().removesuffix("IB").removesuffix("B")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def session(number: int) -> list[tuple[str, str, str]]:
    refused = number % 50 == 0
    steps = [
        ("*", "", "attempting to connect"),
        ("+", "", ""),
        ("<", '"220 AM0EUR02FT012.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready"', ""),
        (">", "EHLO smtp.contoso.com", ""),
        ("<", "250  AM0EUR02FT012.mail.protection.outlook.com Hello [203.0.113.25] STARTTLS", ""),
        (">", "STARTTLS", ""),
        ("<", "220 2.0.0 SMTP server ready", ""),
        *CERTIFICATE,
        ("*", "", "TLS protocol SP_PROT_TLS1_2_CLIENT negotiation succeeded using bulk encryption algorithm"),
    ]
    for message in range(1 if refused else 3):
        steps += [
            (">", f"MAIL FROM:<user{message}@contoso.com> SIZE=4096", ""),
            (">", "RCPT TO:<partner@fabrikam.com>", ""),
        ]
        if refused:
            steps.append(("<", '"550 5.7.64 TenantAttribution; Relay Access Denied"', ""))
            break
        steps += [
            ("<", "250 2.1.0 Sender OK", ""),
            ("<", "250 2.1.5 Recipient OK", ""),
            (">", "BDAT 4096 LAST", ""),
            ("<", f"250 2.6.0 <{number}.{message}@smtp.contoso.com> Queued mail for delivery", ""),
        ]
    steps += [
        (">", "QUIT", ""),
        ("<", "221 2.0.0 Service closing transmission channel", ""),
        ("-", "", "Local"),
    ]
    return steps


def generate(path: Path, wanted: int) -> tuple[int, int]:
    """Write sessions until the file holds ``wanted`` bytes; returns (sessions, lines)."""
    written = sessions = lines = 0
    with path.open("w", encoding="utf-8", newline="\r\n") as out:
        out.write(HEADER)
        while written < wanted:
            batch = [(sessions + i, session(sessions + i)) for i in range(8)]
            sessions += 8
            chunk: list[str] = []
            for step in range(max(len(s) for _, s in batch)):
                for number, steps in batch:
                    if step >= len(steps):
                        continue
                    event, data, context = steps[step]
                    chunk.append(
                        f"2026-11-26T09:{number % 60:02d}:{step % 60:02d}.123Z,{CONNECTOR},"
                        f"08DE2C1A{number:08X},{step},10.0.0.11:{20000 + number % 40000},104.47.11.202:25,"
                        f"{event},{data},{context}\n"
                    )
            if sessions % 4000 == 0:
                chunk.append("this line is not a protocol log line\n")
            text = "".join(chunk)
            out.write(text)
            written += len(text) + text.count("\n")
            lines += len(chunk)
    return sessions, lines


def main(argv: list[str]) -> int:
    wanted = size(argv[0]) if argv else 1 << 30
    with tempfile.TemporaryDirectory(prefix="exolint-diagnose-") as directory:
        log = Path(directory) / "SEND20261126-1.log"
        started = time.perf_counter()
        sessions, lines = generate(log, wanted)
        made = time.perf_counter() - started
        actual = log.stat().st_size
        print(
            f"generated {actual / (1 << 20):,.0f} MiB: {sessions:,} sessions, {lines:,} lines in {made:.1f} s"
        )
        root = REPO / "examples" / "contoso-renewed-certificate"
        command = [sys.executable, "-m", "linter", "diagnose", str(log), "--root", str(root)]
        started = time.perf_counter()
        result = subprocess.run(
            command, capture_output=True, text=True, cwd=REPO, env=os.environ, check=False
        )
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
        print(result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr.strip())
        print(
            f"diagnose: exit {result.returncode}, {elapsed:.1f} s, {actual / (1 << 20) / elapsed:.1f} MiB/s, "
            f"peak RSS {peak:.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
