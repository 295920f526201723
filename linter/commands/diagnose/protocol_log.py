"""Exchange SMTP send and receive protocol logs, read as a stream of sessions.

The format (exchange-facts.md section 9, [S35][S36][S63]): header lines ``#Software``,
``#Version``, ``#Log-Type``, ``#Date`` and ``#Fields`` (the column names), then CSV lines with
quoted values. Lines of one session share a session-id and are ordered by sequence-number;
sessions of one connector interleave. Certificate items are ``*`` events whose context names
the item (``Certificate subject``) and whose data holds the value, after a ``Sending
certificate`` or ``Received certificate`` marker; one published sample shows them collapsed
onto one line, which is read too [S60b].

Logs can be gigabytes, so a file is read a megabyte at a time and split into lines, a line over
a length cap is skipped without being held, only open sessions are kept, each keeps a bounded
number of events, and a session is handed out as soon as its ``-`` (disconnect) event is read.
Lines that are not protocol log lines are counted.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import field
from functools import cached_property
from pathlib import Path
from typing import BinaryIO, NamedTuple, cast

from linter.hybrid.topology import EOP_ENDPOINT
from linter.values import dataclass

REQUIRED_FIELDS = ("session-id", "sequence-number", "event", "data", "context")
EVENTS = frozenset("+-<>*")
MAX_LINE = 64 * 1024  # bytes; a longer line is malformed and skipped
MAX_EVENTS = 256  # events stored per session before it is ordered; later ones only update summaries
MAX_TEXT = 2048  # characters of data or context kept per event
MAX_REJECTIONS = 16  # 4xx/5xx responses kept per session beyond the stored events
MAX_OPEN = 5_000  # open sessions; beyond it the oldest is closed early (each keeps MAX_EVENTS)
MALFORMED_SHOWN = 10  # line numbers of malformed lines kept for the report

CERTIFICATE_ITEMS = {
    "certificate subject": "subject",
    "certificate issuer name": "issuer",
    "certificate serial number": "serial_number",
    "certificate thumbprint": "thumbprint",
    "certificate alternate names": "alternate_names",
}
MARKERS = {"sending certificate": "sending", "received certificate": "received"}
_LABELS = re.compile(
    r"(Sending certificate|Received certificate|Certificate subject|Certificate issuer name|"
    r"Certificate serial number|Certificate thumbprint|Certificate alternate names)",
    re.I,
)
_TLS_OK = re.compile(r"TLS protocol (\S+) negotiation succeeded", re.I)
_TLS_FAILED = re.compile(r"TLS negotiation failed with error (\w+)", re.I)
_RESPONSE = re.compile(r"^([2-5]\d\d)(?:[ -]+(\d\.\d{1,3}\.\d{1,3}))?")
_EOP_HINT = re.compile(r"\.mail\.protection\.", re.I)  # in every name _names keeps
_REPLY_CODE = re.compile(r"^[2-5]\d\d-")
_CN = re.compile(r"(?:^|[,/]\s*)CN=(\"[^\"]*\"|[^,/+]+)", re.I)


class LogError(ValueError):
    """The file is not an SMTP protocol log (the message says why)."""


@dataclass
class SeenCertificate:
    """A certificate as the log shows it."""

    role: str  # "sending" (ours, presented) or "received" (the remote side's), "" when unmarked
    subject: str = ""
    issuer: str = ""
    serial_number: str = ""
    thumbprint: str = ""
    alternate_names: tuple[str, ...] = ()

    @property
    def common_name(self) -> str:
        found = _CN.search(self.subject)
        return found.group(1).strip().strip('"') if found else ""

    @property
    def names(self) -> tuple[str, ...]:
        """The DNS names it answers to: alternate names first, then the subject CN."""
        seen = dict.fromkeys(n.lower().rstrip(".") for n in (*self.alternate_names, self.common_name) if n)
        return tuple(seen)

    def set(self, item: str, value: str) -> None:
        value = value.strip().strip(",").strip().strip('"').strip()
        if item == "alternate_names":
            self.alternate_names = tuple(n.strip() for n in re.split(r"[;,]", value) if n.strip())
        elif item == "thumbprint":
            self.thumbprint = "".join(value.split()).upper()
        else:
            setattr(self, item, value)


class Response(NamedTuple):
    """An SMTP reply; a tuple, as a log holds hundreds of thousands."""

    sequence: int
    line: int
    text: str

    @property
    def code(self) -> str:
        """``550 5.7.64``, ``250``, or "" when the text starts with no reply code."""
        found = _RESPONSE.match(self.text)
        if not found:
            return ""
        return f"{found.group(1)} {found.group(2)}" if found.group(2) else found.group(1)

    @property
    def failed(self) -> bool:
        return self.text[:1] in ("4", "5") and bool(self.code)


@dataclass
class Session:
    """One SMTP session: what it showed, once its events are put in sequence order."""

    session_id: str
    connector_id: str
    log: str
    log_type: str  # "send", "receive" or "" (from #Log-Type)
    first_line: int
    started: str = ""
    local_endpoint: str = ""
    remote_endpoint: str = ""
    ended: bool = False  # its "-" event was read
    events: list[tuple[int, int, str, str, str]] = field(
        default_factory=list
    )  # seq, line, event, data, context
    dropped: int = 0  # events beyond MAX_EVENTS
    late_rejections: list[Response] = field(default_factory=list)
    last_late: Response | None = None
    # filled in by finish():
    certificates: list[SeenCertificate] = field(default_factory=list)
    tls: str = ""  # "succeeded" or "failed"
    tls_detail: str = ""  # the protocol, or the error (UnknownCredentials)
    tls_line: int = 0
    responses: list[Response] = field(default_factory=list)
    mail_from: str = ""
    remote_names: list[str] = field(default_factory=list)

    def add(self, sequence: int, line: int, event: str, data: str, context: str) -> None:
        if len(self.events) < MAX_EVENTS:
            self.events.append((sequence, line, event, data[:MAX_TEXT], context[:MAX_TEXT]))
            return
        self.dropped += 1
        if event == self.reply_event:
            response = Response(sequence, line, data[:MAX_TEXT])
            if response.failed and len(self.late_rejections) < MAX_REJECTIONS:
                self.late_rejections.append(response)
            if self.last_late is None or sequence > self.last_late.sequence:
                self.last_late = response

    @property
    def reply_event(self) -> str:
        """SMTP replies are what a send log receives (``<``) and what a receive log sends (``>``)."""
        return ">" if self.log_type == "receive" else "<"

    @property
    def presented(self) -> SeenCertificate | None:
        """The certificate this side presented: ``Sending certificate`` in a send log."""
        return next((c for c in self.certificates if c.role == "sending"), None)

    @property
    def received(self) -> SeenCertificate | None:
        return next((c for c in self.certificates if c.role == "received"), None)

    @cached_property
    def rejection(self) -> Response | None:
        """The first 4xx or 5xx reply (asked for once the session is finished)."""
        return next((r for r in self.responses if r.failed), None)

    @property
    def final(self) -> Response | None:
        """The response that tells how the session went: its first rejection, else the last
        reply other than the closing 221."""
        rejection = self.rejection
        if rejection is not None:
            return rejection
        meaningful = [r for r in self.responses if not r.text.startswith("221")]
        return meaningful[-1] if meaningful else (self.responses[-1] if self.responses else None)

    @property
    def failed(self) -> bool:
        return self.tls == "failed" or self.rejection is not None

    def finish(self) -> None:
        """Put the stored events in sequence order and read what they show."""
        current: SeenCertificate | None = None
        reply, responses = self.reply_event, self.responses
        for sequence, line, event, data, context in sorted(self.events):
            if event == reply:
                responses.append(Response(sequence, line, data))
            elif event in "<>":
                if not self.mail_from and data[:10].upper() == "MAIL FROM:":
                    self.mail_from = data[10:].strip().split(" ", 1)[0].strip("<>")
            elif event == "*":
                current = self._information(data, context, line, current)
                continue
            else:
                continue
            self._names(data)
        self.responses.extend(self.late_rejections)
        if self.last_late is not None:
            self.responses.append(self.last_late)
        self.responses.sort(key=lambda r: r.sequence)
        self.events = []

    def _information(
        self, data: str, context: str, line: int, current: SeenCertificate | None
    ) -> SeenCertificate | None:
        label = context.strip().lower()
        if label in MARKERS and not _LABELS.search(data):
            current = SeenCertificate(MARKERS[label])
            self.certificates.append(current)
            return current
        item = CERTIFICATE_ITEMS.get(label)
        if item is not None:
            if current is None:
                current = SeenCertificate("")
                self.certificates.append(current)
            current.set(item, data)
            return current
        text = f"{data} {context}".strip()
        if len(_LABELS.findall(text)) >= 2:
            return self._collapsed(text)
        ok, failed = _TLS_OK.search(text), _TLS_FAILED.search(text)
        if failed:
            self.tls, self.tls_detail, self.tls_line = "failed", failed.group(1), line
        elif ok and self.tls != "failed":
            self.tls, self.tls_detail, self.tls_line = "succeeded", ok.group(1), line
        self._names(text)
        return current

    def _collapsed(self, text: str) -> SeenCertificate:
        """``Sending certificate Certificate subject CN=..., Certificate issuer name ...``."""
        parts = _LABELS.split(text)
        certificate = SeenCertificate("")
        for label, value in zip(parts[1::2], parts[2::2], strict=True):
            key = label.lower()
            if key in MARKERS:
                certificate.role = MARKERS[key]
            else:
                certificate.set(CERTIFICATE_ITEMS[key], value)
        self.certificates.append(certificate)
        return certificate

    def _names(self, text: str) -> None:
        if len(self.remote_names) >= 4 or not _EOP_HINT.search(text):
            return
        for token in re.findall(r"[A-Za-z0-9][A-Za-z0-9.-]+\.[A-Za-z]{2,}", text):
            name = _REPLY_CODE.sub("", token).rstrip(".").lower()  # "250-am4pepf..." of an EHLO reply
            if EOP_ENDPOINT.match(name) and name not in self.remote_names:
                self.remote_names.append(name)


@dataclass
class Stats:
    """What reading the logs came across, for the summary."""

    lines: int = 0
    sessions: int = 0
    malformed: int = 0
    malformed_lines: list[str] = field(default_factory=list)  # "path:line" of the first few
    unended: int = 0  # sessions with no "-" event, closed at the end
    closed_early: int = 0  # sessions closed because MAX_OPEN were open
    truncated: int = 0  # sessions with more than MAX_EVENTS events
    unlisted: int = 0  # sessions with Exchange Online unlike every outcome already shown
    unlisted_failed: int = 0

    def malformed_line(self, path: str, line: int) -> None:
        self.malformed += 1
        if len(self.malformed_lines) < MALFORMED_SHOWN:
            self.malformed_lines.append(f"{path}:{line}")


@dataclass
class _Header:
    columns: dict[str, int] = field(default_factory=dict)
    log_type: str = ""
    width: int = 0
    at: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)  # session-id, sequence, event, data, context


def _split(line: str) -> list[str] | None:
    if '"' not in line:
        return line.split(",")
    try:
        return next(csv.reader([line], strict=True))
    except (csv.Error, StopIteration):
        return None


CHUNK = 1 << 20  # bytes read at a time


def _chunks(stream: BinaryIO) -> Iterator[Sequence[str | None]]:
    """The file's lines a megabyte at a time, each without its line end; None for a line longer
    than MAX_LINE bytes (its text is never held whole)."""
    tail = b""
    long_line = False  # inside a line over MAX_LINE, skipping to its end
    while True:
        block = stream.read(CHUNK)
        if not block:
            if tail and not long_line:
                yield _decoded(tail)  # the last line, with no line end
            return
        data = tail + block
        cut = data.rfind(b"\n") + 1
        if cut == 0:  # no line end yet
            if len(data) > MAX_LINE:
                if not long_line:
                    yield [None]
                long_line, tail = True, b""
            else:
                tail = data
            continue
        body, tail = data[:cut], data[cut:]
        if long_line:  # the end of the long line: skip it
            body, long_line = body[body.find(b"\n") + 1 :], False
        if body:
            yield _decoded(body)


def _decoded(body: bytes) -> Sequence[str | None]:
    """Lines of whole lines' bytes, decoded at once: a line over MAX_LINE bytes is None."""
    text = body.decode("utf-8", errors="replace")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    measure = max(map(len, lines), default=0) * 4 > MAX_LINE  # UTF-8: at most 4 bytes a character
    if "\r" in text:
        lines = [line.rstrip("\r") for line in lines]
    return _measured(body, lines) if measure else lines


def _measured(body: bytes, lines: list[str]) -> list[str | None]:
    parts = body.split(b"\n")
    if parts[-1] == b"":
        parts.pop()
    return [None if len(part) > MAX_LINE else line for part, line in zip(parts, lines, strict=True)]


def read_sessions(paths: list[Path], stats: Stats, shown: list[str] | None = None) -> Iterator[Session]:
    """Every session of the logs, in the order they end; sessions may span files (a log rolls
    over in the middle of one). Raises LogError for a file that is not a protocol log."""
    names = shown or [str(p) for p in paths]
    open_sessions: dict[str, Session] = {}
    for path, name in zip(paths, names, strict=True):
        yield from _read_file(path, name, stats, open_sessions)
    for session in open_sessions.values():
        stats.unended += 1
        yield _closed(session, stats)
    open_sessions.clear()


def _closed(session: Session, stats: Stats) -> Session:
    stats.sessions += 1
    stats.truncated += session.dropped > 0
    session.finish()
    return session


def _read_file(path: Path, name: str, stats: Stats, open_sessions: dict[str, Session]) -> Iterator[Session]:
    header = _Header()
    number = 0
    with path.open("rb") as handle:
        for lines in _chunks(cast(BinaryIO, handle)):
            for text in lines:
                number += 1
                if text is None:
                    if not header.columns:
                        raise _not_a_log(name, number)
                    stats.malformed_line(name, number)
                    continue
                if number == 1:
                    text = text.lstrip("\ufeff")
                if text.startswith("#"):
                    _header_line(text, header, name, number)
                    continue
                if not header.columns:
                    if text.strip():
                        raise _not_a_log(name, number)
                    continue
                fields = text.split(",") if '"' not in text else []  # the common line: split here
                parsed = _record(fields, header.at) if len(fields) == header.width else _parse(text, header)
                if parsed is None:
                    if text.strip():
                        stats.malformed_line(name, number)
                    continue
                session_id, sequence, event, data, context, fields = parsed
                session = open_sessions.get(session_id)
                if session is None:
                    if len(open_sessions) >= MAX_OPEN:
                        oldest = next(iter(open_sessions))
                        stats.closed_early += 1
                        yield _closed(open_sessions.pop(oldest), stats)
                    session = open_sessions[session_id] = _opened(session_id, fields, header, name, number)
                if not session.local_endpoint:
                    session.local_endpoint = _column(fields, header, "local-endpoint")
                    session.remote_endpoint = _column(fields, header, "remote-endpoint")
                if len(session.events) < MAX_EVENTS:  # Session.add, inline: this runs for every line
                    session.events.append((sequence, number, event, data[:MAX_TEXT], context[:MAX_TEXT]))
                else:
                    session.add(sequence, number, event, data, context)
                if event == "-":
                    session.ended = True
                    yield _closed(open_sessions.pop(session_id), stats)
    stats.lines += number


def _not_a_log(name: str, number: int) -> LogError:
    return LogError(
        f"{name}:{number}: not an SMTP protocol log: no #Fields header before the first line "
        "(give the SEND*.log or RECV*.log files Exchange writes)"
    )


def _opened(session_id: str, fields: list[str], header: _Header, name: str, number: int) -> Session:
    return Session(
        session_id,
        _column(fields, header, "connector-id"),
        name,
        header.log_type,
        number,
        started=_column(fields, header, "date-time"),
    )


def _header_line(text: str, header: _Header, name: str, number: int) -> None:
    key, _, value = text[1:].partition(":")
    key = key.strip().lower()
    if key == "fields":
        columns = [c.strip().lower() for c in value.split(",")]
        missing = [f for f in REQUIRED_FIELDS if f not in columns]
        if missing:
            raise LogError(f"{name}:{number}: not an SMTP protocol log: #Fields lacks {', '.join(missing)}")
        header.columns = {c: i for i, c in enumerate(columns)}
        header.width = len(columns)
        header.at = tuple(header.columns[f] for f in REQUIRED_FIELDS)  # type: ignore[assignment]
    elif key == "log-type":
        lowered = value.lower()
        header.log_type = "send" if "send" in lowered else "receive" if "receive" in lowered else ""


def _column(fields: list[str], header: _Header, name: str) -> str:
    index = header.columns.get(name)
    return fields[index] if index is not None and index < len(fields) else ""


def _parse(text: str, header: _Header) -> tuple[str, int, str, str, str, list[str]] | None:
    fields = _split(text)
    if fields is None:
        return None
    columns = header.columns
    event_at = columns["event"]
    if len(fields) != header.width:
        data_at, context_at = columns["data"], columns["context"]
        tail = max(data_at, context_at)
        # the collapsed certificate line: unquoted commas after the event split the value
        if (
            len(fields) > header.width
            and {data_at, context_at} == {header.width - 2, header.width - 1}
            and fields[event_at] == "*"
            and "certificate" in ",".join(fields[tail - 1 :]).lower()
        ):
            joined = ",".join(fields[header.width - 2 :]).strip(",")
            fields = [*fields[: header.width - 2], "", joined]
            fields[data_at], fields[context_at] = "", joined
        else:
            return None
    return _record(fields, header.at)


def _record(
    fields: list[str], at: tuple[int, int, int, int, int]
) -> tuple[str, int, str, str, str, list[str]] | None:
    """(session id, sequence number, event, data, context, fields) of a line's fields, with
    ``at`` the columns of the first five (``_Header.at``); None when they are not an event's."""
    at_id, at_sequence, at_event, at_data, at_context = at
    session_id, sequence_text, event = fields[at_id].strip(), fields[at_sequence].strip(), fields[at_event]
    if event not in EVENTS or not session_id or not sequence_text.isdigit():
        return None
    return session_id, int(sequence_text), event, fields[at_data], fields[at_context], fields
