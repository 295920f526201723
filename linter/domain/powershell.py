"""Values as PowerShell arguments, for the commands exolint suggests."""

from __future__ import annotations

import re
from typing import Any


def double_quoted(text: str) -> str:
    """A double-quoted string, as the rules' fix templates write them: backtick, dollar and the
    quote are escaped, so nothing inside is expanded."""
    escaped = text.replace("`", "``").replace("$", "`$").replace('"', '`"')
    return f'"{escaped}"'


def single_quoted(text: str) -> str:
    """A single-quoted string: nothing inside is expanded; a quote is doubled (PowerShell also
    takes the typographic single quotes as quotes)."""
    escaped = re.sub("(['\u2018\u2019\u201a\u201b])", r"\1\1", text)
    return f"'{escaped}'"


def argument(value: Any) -> str:
    """$true/$false/$null, numbers bare, lists comma-separated, text single-quoted."""
    if isinstance(value, bool):
        return "$true" if value else "$false"
    if value is None or value == []:
        return "$null"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return ",".join(argument(v) for v in value)
    return single_quoted(str(value))
