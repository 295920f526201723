"""A text file's encoding, byte-order mark and line endings, so that a file exolint edits is
written back as Windows tools wrote it: UTF-8 or UTF-16, with or without a BOM, CRLF or LF."""

from __future__ import annotations

import codecs

from linter.values import dataclass


@dataclass(frozen=True)
class TextFormat:
    """How a text file is written, so an edit writes it back the same way."""

    encoding: str = "utf-8"  # utf-8, utf-16-le or utf-16-be
    bom: bool = False
    newline: str = "\n"  # "\r\n" when every line of the file ends so


_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(data: bytes) -> tuple[str, TextFormat]:
    """The text with ``\\n`` line endings, and how the file wrote it. UnicodeDecodeError when the
    bytes are neither UTF-8 nor UTF-16 with a BOM."""
    encoding, bom = "utf-8", b""
    for mark, name in _BOMS:
        if data.startswith(mark):
            encoding, bom = name, mark
            break
    text = data[len(bom) :].decode(encoding)
    crlf = text.count("\r\n")
    newline = "\r\n" if crlf and crlf == text.count("\n") else "\n"
    if newline == "\r\n":
        text = text.replace("\r\n", "\n")
    return text, TextFormat(encoding, bool(bom), newline)


def encode_text(text: str, form: TextFormat) -> bytes:
    """``text`` (with ``\\n`` line endings) as the file had it."""
    if form.newline != "\n":
        text = text.replace("\n", form.newline)
    bom = next(mark for mark, name in _BOMS if name == form.encoding) if form.bom else b""
    return bom + text.encode(form.encoding)
