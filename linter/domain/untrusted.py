"""Text that came from a repository, made safe to show: key material redacted, control
characters escaped, nothing that a CI log would run as a command.

A pull request is untrusted, and what exolint prints lands in public CI logs and annotations:
a private key pasted into a value must not be echoed, and a newline, an escape sequence or a
``::error`` in a file name or value must not forge lines, colour the terminal or become a
GitHub workflow command.
"""

from __future__ import annotations

import re

REDACTED = "... (redacted)"

_PEM = re.compile(
    r"(-----BEGIN [^-\r\n]{1,64}-----).*?(?:-----END [^-\r\n]{1,64}-----|\Z)", re.DOTALL | re.IGNORECASE
)
_BASE64 = re.compile(r"[A-Za-z0-9+/]{40,}={0,2}")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _base64_body(match: re.Match[str]) -> str:
    """A long run of base64 with letters and digits, and with both cases or a ``+`` or ``/`` (a
    body shown in lower case is still the key): a key or certificate body. Hex thumbprints and
    hashes (one case, no ``+``/``/``) and names (dots, dashes) stay."""
    run = match.group()
    if not (any(c.isdigit() for c in run) and any(c.isalpha() for c in run)):
        return run
    cases = any(c.isupper() for c in run) and any(c.islower() for c in run)
    return REDACTED if cases or "+" in run or "/" in run else run


def redact(text: str) -> str:
    """PEM blocks shown as their first line; long base64 bodies (a key pasted without its
    header) replaced. Cheap when there is nothing to redact."""
    if "-----" in text:
        text = _PEM.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    return _BASE64.sub(_base64_body, text) if len(text) >= 40 else text


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """One line of plain text: key material redacted, control characters (and the Unicode line
    separators and bidirectional overrides) written as ``\\n``, ``\\x1b``, ``\\u202e``, and the
    ``##[`` that GitHub's runner reads as a command anywhere in a line broken up."""
    text = _CONTROL.sub(_escape, redact(text))
    return text.replace("##[", "#\\x23[") if "##[" in text else text


def line_start(text: str) -> str:
    """``printable``, and safe to start a line with: GitHub's runner reads a line that starts,
    after blanks, with ``::`` as a workflow command, so such a path is written ``./::...``."""
    text = printable(text)
    return f"./{text}" if text[:1].isspace() or text.lstrip().startswith(":") else text


def printable_lines(text: str) -> str:
    """A report of many lines, each made ``printable``: the line breaks are the report's own."""
    return "\n".join(printable(line) for line in text.split("\n"))
