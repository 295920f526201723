"""Files as Windows tools write them (CRLF, a UTF-8 BOM, UTF-16 from PowerShell's Out-File) come
back from ``fix --write`` as they were, and every writer keeps an existing file's mode."""

from __future__ import annotations

import codecs
import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from linter.load.files import write_atomic
from linter.load.textfile import TextFormat, decode_text, encode_text

REPO = Path(__file__).resolve().parent.parent
RENEWED = REPO / "examples" / "contoso-renewed-certificate"
AS_OF = ("--as-of", "2026-11-26")
EDITED = ("exo/inbound-connector.yaml", "exo/outbound-connector.yaml")

FORMS = {
    "crlf": TextFormat("utf-8", False, "\r\n"),
    "utf-8-bom": TextFormat("utf-8", True, "\n"),
    "utf-8-bom-crlf": TextFormat("utf-8", True, "\r\n"),
    "utf-16-le-crlf": TextFormat("utf-16-le", True, "\r\n"),  # Windows PowerShell's Out-File
    "utf-16-be": TextFormat("utf-16-be", True, "\n"),
}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("name", FORMS)
def test_fix_write_keeps_encoding_line_endings_and_mode(cli, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    form = FORMS[name]
    example = tmp_path / "contoso"
    shutil.copytree(RENEWED, example)
    (tmp_path / ".git").mkdir()
    for path in example.rglob("*.yaml"):
        path.write_bytes(encode_text(path.read_text(encoding="utf-8"), form))
    modes = {rel: 0o664 if rel.startswith("exo/in") else 0o640 for rel in EDITED}
    for rel, wanted in modes.items():
        os.chmod(example / rel, wanted)

    code, _, err = cli(tmp_path, "check", "contoso", *AS_OF)
    assert code == 1 and err == ""
    code, _, err = cli(tmp_path, "fix", "--write", "contoso", *AS_OF)
    assert code == 0, err
    assert "contoso/exo/inbound-connector.yaml: repaired 1 finding (EX601)" in err

    for rel in EDITED:
        data = (example / rel).read_bytes()
        text, found = decode_text(data)
        assert found == form, rel
        assert mode(example / rel) == modes[rel], rel
        assert data == encode_text(text, form)  # not one line written otherwise
        original = (RENEWED / rel).read_text(encoding="utf-8").splitlines()
        changed = [(a, b) for a, b in zip(original, text.splitlines(), strict=True) if a != b]
        assert len(changed) == 1, changed  # only the repaired line
    code, out, err = cli(tmp_path, "check", "contoso", *AS_OF)
    assert (code, err) == (0, ""), out


def test_a_file_of_mixed_line_endings_is_refused_not_rewritten(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(RENEWED, tmp_path / "contoso")
    (tmp_path / ".git").mkdir()
    inbound = tmp_path / "contoso" / EDITED[0]
    lines = inbound.read_text(encoding="utf-8").splitlines(keepends=True)
    mixed = "".join(line.replace("\n", "\r\n") if n % 2 else line for n, line in enumerate(lines)).encode()
    inbound.write_bytes(mixed)
    code, _, err = cli(tmp_path, "fix", "--write", "contoso", *AS_OF)
    assert code == 1
    assert "EX601 not repaired" in err and "would not write it back unchanged" in err
    assert inbound.read_bytes() == mixed


def test_a_file_in_no_known_encoding_is_left_alone(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(RENEWED, tmp_path / "contoso")
    (tmp_path / ".git").mkdir()
    inbound = tmp_path / "contoso" / EDITED[0]
    # UTF-16 whose last character was cut in half: the BOM says UTF-16, the bytes do not hold it
    broken = codecs.BOM_UTF16_LE + inbound.read_text(encoding="utf-8").encode("utf-16-le") + b"\x41"
    inbound.write_bytes(broken)
    code, _, err = cli(tmp_path, "fix", "--write", "contoso", *AS_OF)
    assert code == 0 and "codec" not in err
    assert "contoso/exo/outbound-connector.yaml: repaired 1 finding (EX205)" in err
    assert inbound.read_bytes() == broken


@pytest.mark.parametrize(
    ("data", "form"),
    [
        (b"a: 1\nb: 2\n", TextFormat()),
        (b"a: 1\r\nb: 2\r\n", TextFormat(newline="\r\n")),
        (b"a: 1\r\nb: 2\n", TextFormat()),  # mixed: left as it is
        (b"\xef\xbb\xbfa: 1\n", TextFormat(bom=True)),
        (codecs.BOM_UTF16_LE + "a: é\r\n".encode("utf-16-le"), TextFormat("utf-16-le", True, "\r\n")),
        (codecs.BOM_UTF16_BE + "a: é\n".encode("utf-16-be"), TextFormat("utf-16-be", True, "\n")),
        (b"", TextFormat()),
    ],
)
def test_decode_and_encode_round_trip(data: bytes, form: TextFormat) -> None:
    text, found = decode_text(data)
    assert found == form
    assert "\r\n" not in text or form.newline == "\n"
    assert encode_text(text, found) == data


# --- every writer keeps the mode -------------------------------------------------------------


def test_write_atomic_keeps_an_existing_mode_and_gives_a_new_file_the_umask(tmp_path: Path) -> None:
    existing = tmp_path / "script.sh"
    existing.write_text("old\n", encoding="utf-8")
    os.chmod(existing, 0o754)
    write_atomic(existing, "new\n")
    assert (existing.read_text(encoding="utf-8"), mode(existing)) == ("new\n", 0o754)
    old_umask = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.txt", "x")
    finally:
        os.umask(old_umask)
    assert mode(tmp_path / "new.txt") == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.txt", "script.sh"]  # no temporary left


def test_output_baseline_and_import_keep_modes(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(RENEWED, tmp_path / "contoso")
    (tmp_path / ".git").mkdir()
    outputs = {
        name: tmp_path / name for name in ("report.sarif", "baseline.json", "exo/inbound-connector.yaml")
    }
    for path in outputs.values():
        path.parent.mkdir(exist_ok=True)
        path.write_text("{}\n", encoding="utf-8")
        os.chmod(path, 0o664)
    cli(tmp_path, "check", "contoso", *AS_OF, "--format", "sarif", "--output", "report.sarif")
    cli(tmp_path, "baseline", "write", "baseline.json", "contoso", *AS_OF)
    export = tmp_path / "inbound.json"
    export.write_text(
        json.dumps({"Name": "From Fabrikam", "ConnectorType": "Partner", "SenderDomains": ["fabrikam.com"]}),
        encoding="utf-8",
    )
    code, _, err = cli(
        tmp_path, "import", "inbound.json", "--kind", "InboundConnector", "--output", "exo", "--force"
    )
    assert code == 0, err
    for name, path in outputs.items():
        assert path.read_text(encoding="utf-8") != "{}\n", name  # written
        assert mode(path) == 0o664, name
