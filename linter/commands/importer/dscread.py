"""Microsoft365DSC exports (``.ps1``) -> records, read by a tokenizer, never executed.

Only the subset an export writes is understood: resource blocks ``EXOInboundConnector "name"
{ Prop = value ... }`` holding strings (single quotes with ``''`` doubling, double quotes with
backtick escapes), numbers, ``$true``/``$false``/``$null`` and ``@(...)`` arrays of those.
Anything else, a variable above all, is left out and named with its line: exolint does not
evaluate PowerShell.
"""

from __future__ import annotations

import re
from typing import Any

from linter.commands.importer.exports import Note, Record
from linter.values import dataclass

RESOURCES = {
    "exoinboundconnector": ("EXOInboundConnector", "InboundConnector", "Name"),
    "exooutboundconnector": ("EXOOutboundConnector", "OutboundConnector", "Name"),
    "exoaccepteddomain": ("EXOAcceptedDomain", "AcceptedDomain", "DomainName"),
}
#: How Microsoft365DSC signs in (exchange-facts section 10): not part of the Exchange object.
AUTH = frozenset(
    {
        "credential",
        "applicationid",
        "tenantid",
        "certificatethumbprint",
        "certificatepassword",
        "certificatepath",
        "managedidentity",
        "applicationsecret",
        "accesstokens",
        "psdscrunascredential",
        "dependson",
        "ensure",
    }
)
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.\\:-]*")
_VARIABLE = re.compile(r"\$(?:\{[^}]*\}|[A-Za-z0-9_?:]+)(?:\.[A-Za-z0-9_]+)*")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?\b")
_INTERPOLATION = re.compile(r"\$[A-Za-z_{(?:]")
_BLANKS = re.compile(r"[ \t\r\ufeff\n]+")


MAX_TOKENS = 1_000_000
"""Words, strings and signs read from one configuration: an export of the Exchange Online
components holds a small fraction of it; past it time and memory grow for nothing."""


class TooLarge(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # word, str, var, num, punct, nl, other
    text: str
    line: int
    value: Any = None
    unresolved: bool = False  # a double-quoted string with $variables in it


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.line = 1
        self.tokens: list[Token] = []

    def add(self, kind: str, text: str, value: Any = None, unresolved: bool = False, line: int = 0) -> None:
        if len(self.tokens) >= MAX_TOKENS:
            raise TooLarge(self.line)
        self.tokens.append(Token(kind, text, line or self.line, value, unresolved))

    def run(self) -> list[Token]:
        text = self.text
        while self.at < len(text):
            char = text[self.at]
            if char in " \t\r\ufeff\n":  # a run of blanks and line breaks at once
                end = _BLANKS.match(text, self.at).end()  # type: ignore[union-attr]
                breaks = text.count("\n", self.at, end)
                if breaks and (not self.tokens or self.tokens[-1].kind != "nl"):
                    self.add("nl", "\n")  # blank lines separate nothing more than one break does
                self.line += breaks
                self.at = end
            elif char == "`" and text[self.at + 1 : self.at + 2] in ("\n", "\r"):
                self.at += 1  # a line continuation
                if text.startswith("\r", self.at):
                    self.at += 1
                if text.startswith("\n", self.at):
                    self.at += 1
                    self.line += 1
            elif text.startswith("<#", self.at):
                end = text.find("#>", self.at + 2)
                end = len(text) if end < 0 else end + 2
                self.line += text.count("\n", self.at, end)
                self.at = end
            elif char == "#":
                end = text.find("\n", self.at)
                self.at = len(text) if end < 0 else end
            elif text.startswith(("@'", '@"'), self.at) and text[self.at + 2 : self.at + 3] in ("\n", "\r"):
                self.here_string(text[self.at + 1])
            elif char == "'":
                self.single_quoted()
            elif char == '"':
                self.double_quoted()
            elif char == "$":
                match = _VARIABLE.match(text, self.at)
                word = match.group() if match else "$"
                self.add("var", word)
                self.at += len(word)
            elif text.startswith(("@(", "@{"), self.at):
                self.add("punct", text[self.at : self.at + 2])
                self.at += 2
            elif char in "{}()[]=;,":
                self.add("punct", char)
                self.at += 1
            else:
                number = _NUMBER.match(text, self.at)
                bare = _WORD.match(text, self.at)
                if number:
                    raw = number.group()
                    try:
                        self.add("num", raw, float(raw) if "." in raw else int(raw))
                    except ValueError:  # over 4,300 digits: not a number any property takes
                        self.add("other", raw)
                    self.at = number.end()
                elif bare:
                    self.add("word", bare.group())
                    self.at = bare.end()
                else:
                    self.add("other", char)
                    self.at += 1
        return self.tokens

    def single_quoted(self) -> None:
        text, start_line = self.text, self.line
        out: list[str] = []
        self.at += 1
        while self.at < len(text):
            char = text[self.at]
            if char == "'":
                if text.startswith("''", self.at):
                    out.append("'")
                    self.at += 2
                    continue
                self.at += 1
                break
            if char == "\n":
                self.line += 1
            out.append(char)
            self.at += 1
        self.add("str", "'", "".join(out), line=start_line)

    def double_quoted(self) -> None:
        text, start_line = self.text, self.line
        out: list[str] = []
        unresolved = False
        self.at += 1
        while self.at < len(text):
            char = text[self.at]
            if char == "`" and self.at + 1 < len(text):
                following = text[self.at + 1]
                out.append(_ESCAPES.get(following, following))
                self.at += 2
                continue
            if char == '"':
                if text.startswith('""', self.at):
                    out.append('"')
                    self.at += 2
                    continue
                self.at += 1
                break
            if char == "$" and _INTERPOLATION.match(text, self.at):
                unresolved = True
            if char == "\n":
                self.line += 1
            out.append(char)
            self.at += 1
        self.add("str", '"', "".join(out), unresolved, line=start_line)

    def here_string(self, quote: str) -> None:
        text, start_line = self.text, self.line
        body_start = text.index("\n", self.at) + 1
        end = text.find(f"\n{quote}@", body_start - 1)
        end = len(text) if end < 0 else end
        body = text[body_start:end].rstrip("\r")
        self.line += text.count("\n", self.at, min(end + 1, len(text)))
        self.at = min(end + 3, len(text))
        unresolved = quote == '"' and bool(_INTERPOLATION.search(body))
        self.add("str", quote, body, unresolved, line=start_line)


def tokenize(text: str) -> list[Token]:
    return _Reader(text).run()


class _Unresolved(Exception):
    def __init__(self, shown: str) -> None:
        super().__init__(shown)
        self.shown = shown


def _literal(token: Token) -> Any:
    if token.kind == "str":
        if token.unresolved:
            raise _Unresolved(f'"{token.value}", a string with variables in it')
        return token.value
    if token.kind == "num":
        return token.value
    if token.kind == "var":
        lowered = token.text.lower()
        if lowered in ("$true", "$false"):
            return lowered == "$true"
        if lowered == "$null":
            return None
        raise _Unresolved(f"{token.text}, a variable")
    if token.kind == "word":  # a bare word is a string argument in PowerShell's command mode
        raise _Unresolved(f"{token.text}, a command or bare word")
    raise _Unresolved(f"{token.text!r}, an expression")


def _value(tokens: list[Token]) -> Any:
    """The literal a statement's right-hand side spells, or _Unresolved."""
    significant = [t for t in tokens if t.kind != "nl"]
    if not significant:
        raise _Unresolved("empty")
    if len(significant) == 1:
        return _literal(significant[0])
    first, last = significant[0], significant[-1]
    if first.text == "@(" and last.text == ")":
        items = [t for t in significant[1:-1] if t.text != ","]
        if any(t.kind == "punct" for t in items):
            raise _Unresolved("an array holding an expression")
        return [_literal(t) for t in items]
    if all(t.kind in ("str", "num", "var") or t.text == "," for t in significant):
        return [_literal(t) for t in significant if t.text != ","]  # "a", "b": an array without @()
    raise _Unresolved(" ".join(t.text if t.kind != "str" else repr(t.value) for t in significant)[:60])


@dataclass
class DscResult:
    records: list[Record]
    problems: list[Note]
    notes: list[Note]  # not problems: what was skipped on purpose
    others: int  # resource blocks of other types, not read


def read(path: str, text: str) -> DscResult:
    result = DscResult([], [], [], 0)
    try:
        tokens = tokenize(text)
    except TooLarge as exc:
        result.problems.append(
            Note(
                path,
                exc.line,
                f"holds more than {MAX_TOKENS:,} words and signs, more than exolint reads; export only "
                "the Exchange Online components (Export-M365DSCConfiguration -Components "
                "EXOInboundConnector, EXOOutboundConnector, EXOAcceptedDomain)",
                refused=True,
            )
        )
        return result
    i = 0
    while i < len(tokens):
        token = tokens[i]
        header = _block_header(tokens, i)
        if header is None:
            i += 1
            continue
        title, body_start = header
        resource = RESOURCES.get(token.text.lower())
        end = _matching_brace(tokens, body_start)
        if resource is None:
            result.others += 1
        else:
            _block(path, resource, title, token.line, tokens[body_start + 1 : end], result)
        i = end + 1
    return result


def _block_header(tokens: list[Token], i: int) -> tuple[str, int] | None:
    """``Word "title" {`` at i: (title, index of the brace); Node/Configuration blocks are entered."""
    token = tokens[i]
    if token.kind != "word" or i + 1 >= len(tokens) or token.text.lower() in ("node", "configuration"):
        return None
    title = tokens[i + 1]
    if title.kind not in ("str", "word"):
        return None
    j = i + 2
    while j < len(tokens) and tokens[j].kind == "nl":
        j += 1
    if j < len(tokens) and tokens[j].text == "{":
        return str(title.value if title.kind == "str" else title.text), j
    return None


def _matching_brace(tokens: list[Token], start: int) -> int:
    depth = 0
    for j in range(start, len(tokens)):
        if tokens[j].text in ("{", "@{"):
            depth += 1
        elif tokens[j].text == "}":
            depth -= 1
            if depth == 0:
                return j
    return len(tokens)


def _block(
    path: str, resource: tuple[str, str, str], title: str, line: int, body: list[Token], result: DscResult
) -> None:
    resource_name, kind, identity = resource
    label = f'{resource_name} "{title}"'
    record = Record(path, line, label, kind=kind, renames={"identity": identity}, silent=AUTH)
    absent = False
    for name, statement, at in _statements(body):
        if name is None:
            result.problems.append(
                Note(
                    path,
                    at,
                    f"{label}: expected `Property = value`, found {statement[0].text!r}; skipped that line",
                )
            )
            continue
        lowered = name.lower()
        try:
            value = _value(statement)
        except _Unresolved as exc:
            if lowered in AUTH and lowered != "ensure":
                continue
            result.problems.append(
                Note(
                    path,
                    at,
                    f"{label}: {name} is {exc.shown} that exolint does not evaluate; left out: write its "
                    "value in the definition",
                )
            )
            continue
        if lowered == "ensure" and isinstance(value, str) and value.lower() == "absent":
            absent = True
        record.fields.append((name, value, at))
    if absent:
        result.notes.append(Note(path, line, f'{label} has Ensure = "Absent" (to be removed); skipped'))
        return
    result.records.append(record)


def _statements(body: list[Token]) -> list[tuple[str | None, list[Token], int]]:
    """``Name = value`` statements, ended by a newline or ``;`` outside brackets."""
    statements: list[tuple[str | None, list[Token], int]] = []
    i = 0
    while i < len(body):
        token = body[i]
        if token.kind == "nl" or token.text == ";":
            i += 1
            continue
        depth = 0
        j = i
        while j < len(body):
            text = body[j].text
            if text in ("(", "@(", "{", "@{", "["):
                depth += 1
            elif text in (")", "}", "]"):
                depth -= 1
            elif depth <= 0 and (body[j].kind == "nl" or text == ";"):
                break
            j += 1
        statement = body[i:j]
        if len(statement) >= 2 and statement[0].kind == "word" and statement[1].text == "=":
            statements.append((statement[0].text, statement[2:], token.line))
        else:
            shown = " ".join(t.text for t in statement)[:40]
            statements.append((None, [Token("other", shown, token.line)], token.line))
        i = j
    return statements
