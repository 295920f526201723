"""Plain definitions -> YAML text: a small emitter for the values definitions hold.

Strings stay plain only when every YAML reader takes them back as the same string (no YAML 1.1
booleans like ``no``, no numbers, no indicators); everything else is double-quoted. Lists are
written in flow style when they fit on one line, else as a block.
"""

from __future__ import annotations

import json
import re
from typing import Any

LINE_LENGTH = 110
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._@/()+=-]*")
_YAML11_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"})
_NUMBER_LIKE = re.compile(r"[-+]?[0-9_]*\.?[0-9_]*(?:[eE][-+]?[0-9]+)?|0[xXoObB][0-9a-fA-F_]+")
_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if (
        _PLAIN.fullmatch(text)
        and not text.endswith(" ")
        and "  " not in text
        and text.lower() not in _YAML11_WORDS
        and not _NUMBER_LIKE.fullmatch(text)
    ):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def mapping(props: dict[str, Any]) -> str:
    lines: list[str] = []
    for key, value in props.items():
        if isinstance(value, list):
            flow = f"{key}: [{', '.join(scalar(item) for item in value)}]"
            if len(flow) <= LINE_LENGTH or not value:
                lines.append(flow)
            else:
                lines.append(f"{key}:")
                lines.extend(f"  - {scalar(item)}" for item in value)
        else:
            lines.append(f"{key}: {scalar(value)}")
    return "\n".join(lines) + "\n"


def documents(header: str, items: list[dict[str, Any]]) -> str:
    """A comment header, then one YAML document per mapping."""
    return header + "---\n".join(mapping(item) for item in items)
