"""``# exolint: disable=ID[,ID] reason="..." until=YYYY-MM-DD`` comments, read from the text.

A regular expression over the lines that contain ``exolint:``, never a comment-preserving parse:
the loader calls this only for files that hold the token, so everything else pays nothing. What
looks like a comment but stands inside a scalar (a block scalar, a quoted string) is text, not a
comment: YAML's scanner says where the scalars are, and a "comment" inside one is dropped, so a
value cannot suppress a finding. What
a comment suppresses, and whether it may, is decided later by ``linter/report/suppress.py``; here each
comment is only read, and what is wrong with how it is written is noted in ``problem``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import replace

from linter.load.parse import yaml_scanner
from linter.model import SuppressionComment

TOKEN = "exolint:"

_COMMENT = re.compile(r"(?:^|(?<=\s))#\s*(exolint:)(.*)$")
_DIRECTIVE = re.compile(r"\s*(?P<word>[^\s=]*)(?:=(?P<ids>[^\s,]*(?:\s*,\s*[^\s,]+)*))?")
_OPTION = re.compile(r"""\s+(?P<key>[A-Za-z_-]+)=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"']+))""")
_RULE_ID = re.compile(r"[A-Z]{2}[0-9]{3}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
BLANKET_WORDS = frozenset({"", "ALL", "*"})
USAGE = 'write `# exolint: disable=EX101 reason="why" until=YYYY-MM-DD`'


def read_comments(text: str) -> list[SuppressionComment]:
    """Every exolint comment of a YAML text, with its 1-based line."""
    if TOKEN not in text:
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if TOKEN not in line:
            continue
        match = _COMMENT.search(line)
        if match is not None:
            found.append((number - 1, match.start(), _parse(number, line, match)))
    if not found:
        return []
    inside = _inside_scalars(text, [(line, column) for line, column, _ in found])
    return [comment for (line, column, comment) in found if (line, column) not in inside]


def _inside_scalars(text: str, places: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which of the 0-based (line, column) places lie inside a scalar of the YAML text.

    Places after a point the scanner cannot read past are taken as comments: the file is then a
    syntax error (EX001), which stays reported whatever they say."""
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.tokens import ScalarToken

    inside: set[tuple[int, int]] = set()
    scanner = yaml_scanner(text)
    try:
        while scanner.check_token():
            token = scanner.get_token()
            if not isinstance(token, ScalarToken):
                continue
            start = (token.start_mark.line, token.start_mark.column)
            end = (token.end_mark.line, token.end_mark.column)
            inside.update(place for place in places if start <= place < end)
    except YAMLError:
        pass
    return inside


def _parse(number: int, line: str, match: re.Match[str]) -> SuppressionComment:
    rest = match.group(2)
    base = SuppressionComment(
        line=number,
        column=match.start(1) + 1,
        end_column=len(line.rstrip()) + 1,
        own_line=not line[: match.start()].strip(),
        text=(match.group(1) + rest).strip(),
    )
    directive = _DIRECTIVE.match(rest)
    assert directive is not None  # every part of the pattern may match nothing
    word = directive.group("word")
    if word.lower() != "disable":
        shown = f"{word!r}" if word else "nothing"
        return replace(base, problem=f"exolint: is followed by {shown}, not disable; {USAGE}")
    problems: list[str] = []
    raw_ids = directive.group("ids")
    ids = [part.strip().upper() for part in (raw_ids or "").split(",")]
    blanket = raw_ids is None or any(part in BLANKET_WORDS for part in ids)
    if not blanket:
        wrong = [part for part in ids if not _RULE_ID.fullmatch(part)]
        if wrong:
            problems.append(f"{wrong[0]} is not a rule id; name each rule in full (EX101)")
    options: dict[str, str] = {}
    position = directive.end()
    while rest[position:].strip():
        option = _OPTION.match(rest, position)
        if option is None:
            problems.append(f"cannot read {rest[position:].strip()!r}; {USAGE}")
            break
        key = option.group("key").lower()
        values = (option.group("dq"), option.group("sq"), option.group("bare"))
        if key not in ("reason", "until"):
            problems.append(f"{key}= is not an option; the options are reason= and until=")
        elif key in options:
            problems.append(f"{key}= is given twice; keep one")
        options[key] = next(v for v in values if v is not None)
        position = option.end()
    until = None
    if "until" in options:
        written = options["until"]
        with contextlib.suppress(ValueError):
            until = dt.date.fromisoformat(written) if _DATE.fullmatch(written) else None
        if until is None:
            problems.append(f"until={written} is not a date; write until=YYYY-MM-DD (2026-12-31)")
    reason = options.get("reason")
    return replace(
        base,
        ids=() if blanket else tuple(dict.fromkeys(ids)),
        blanket=blanket,
        reason=reason.strip() if reason is not None else None,
        until=until,
        problem=problems[0] if problems else None,
    )
