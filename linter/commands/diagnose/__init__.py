"""``exolint diagnose LOG...``: read SMTP protocol logs and explain each session with Exchange Online.

Logs are streamed (``protocol_log``). Each session to Exchange Online (or, in a receive log,
from it) is reported with the certificate presented, the TLS outcome and the SMTP reply, and a
failed one with why, against the repository's definitions (``log_diagnosis``), and what to
change. Sessions that show the same thing are reported once, with their count. Exit 0 when no
session with Exchange Online failed, 1 when one did, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter.domain.untrusted import printable_lines
from linter.values import dataclass

if TYPE_CHECKING:
    from linter.commands.diagnose.log_diagnosis import Diagnosis
    from linter.commands.diagnose.protocol_log import Session, Stats
    from linter.model import Object
    from linter.objects.scopes import Scope


SHOWN_IDS = 3  # session ids listed per group


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "logs",
        nargs="+",
        type=Path,
        metavar="LOG",
        help="SMTP send or receive protocol logs (SEND*.log, RECV*.log)",
    )
    parser.add_argument(
        "--root",
        type=Path,
        help="the repository of definitions (default: the enclosing git work tree, else here)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")


@dataclass
class Group:
    """Sessions that showed the same certificate, TLS outcome and reply on one connector."""

    session: Session  # the first of them
    diagnosis: Diagnosis
    count: int = 1
    ids: list[str] = field(default_factory=list)
    last_id: str = ""
    last_started: str = ""
    deployment: str = ""  # the scope judged against, named when the repository holds several


@dataclass(frozen=True)
class Match:
    """The deployment a session is judged against, and the connector the log names in it;
    ``candidates`` lists the deployments that could not be told apart (then ``scope`` is None)."""

    scope: Scope | None
    connector: Object | None
    candidates: tuple[str, ...] = ()


class Repository:
    """The definitions the sessions are judged against, loaded on first use.

    A repository of many deployments (one scope per tenant) may name a connector alike in
    several of them. A session is judged against the deployment of ``here`` (the scope of the
    working directory, or of ``--root`` itself) when it holds the connector; else against the one
    deployment that holds a connector of that name, narrowed by the certificate thumbprint the
    log shows when several do; still several, and no deployment is guessed."""

    def __init__(self, root: Path, here: str | None = None) -> None:
        self.root = root
        self.here = here  # root-relative directory of the working directory, if inside the root
        self._scopes: list[Scope] | None = None
        self._current: Scope | None = None
        self._connectors: dict[str, list[tuple[Scope, Object]]] = {}
        self._matches: dict[tuple[str, str], Match] = {}

    def scopes(self) -> list[Scope]:
        if self._scopes is None:
            from linter.load.loader import Loader
            from linter.objects.scopes import ScopeFinder, build_scope

            finder = ScopeFinder(Loader(self.root))
            current = finder.scope_of(self.here) if self.here is not None else None
            self._scopes = []
            for directory in finder.scopes_for([""]):
                scope, _ = build_scope(finder, directory)
                if not scope.objects:
                    continue
                self._scopes.append(scope)
                if directory == current:
                    self._current = scope
                for connector in (*scope.of("SendConnector"), *scope.of("ReceiveConnector")):
                    self._connectors.setdefault(connector.identity.lower(), []).append((scope, connector))
        return self._scopes

    def named(self, connector_id: str) -> list[tuple[Scope, Object]]:
        """Every deployment's connector of that name."""
        self.scopes()
        return self._connectors.get(connector_id.strip().lower(), [])

    def lookup(self, connector_id: str, thumbprint: str = "") -> Match:
        key = (connector_id.strip().lower(), thumbprint)
        if key not in self._matches:
            self._matches[key] = self._lookup(*key)
        return self._matches[key]

    def _lookup(self, name: str, thumbprint: str) -> Match:
        scopes = self.scopes()
        named = self._connectors.get(name, [])
        for scope, connector in named:
            if scope is self._current:
                return Match(scope, connector)
        if len(named) == 1:
            return Match(*named[0])
        if named:
            holding = [(s, c) for s, c in named if _holds(s, thumbprint)]
            if len(holding) == 1:
                return Match(*holding[0])
            return Match(None, None, tuple(_shown(s) for s, _ in (holding or named)))
        if self._current is not None:
            return Match(self._current, None)
        if len(scopes) == 1:
            return Match(scopes[0], None)
        holding_scopes = [s for s in scopes if _holds(s, thumbprint)]
        if len(holding_scopes) == 1:
            return Match(holding_scopes[0], None)
        return Match(None, None, tuple(_shown(s) for s in holding_scopes))


def _here(root: Path) -> str | None:
    """The working directory relative to the root ("" for the root), None when outside it."""
    here = Path.cwd().resolve()
    if here == root:
        return ""
    return here.relative_to(root).as_posix() if root in here.parents else None


def _holds(scope: Scope, thumbprint: str) -> bool:
    return bool(thumbprint) and any(c.thumbprint == thumbprint for c in scope.certificates)


def _shown(scope: Scope) -> str:
    tenant = scope.tenant
    where = scope.directory or "the repository root"
    return f"{where} (tenant {tenant.identity})" if tenant is not None else where


def run(args: argparse.Namespace) -> bool:
    from linter.commands.diagnose.protocol_log import LogError, Stats, read_sessions
    from linter.errors import UsageError
    from linter.load.files import find_root

    for path in args.logs:
        if not path.is_file():
            what = "is a directory, not a log file" if path.is_dir() else "no such file"
            raise UsageError(f"{path}: {what}")
    root = (args.root or find_root(Path.cwd())).resolve()
    if not root.is_dir():
        raise UsageError(f"{args.root}: the repository root must be a directory")
    repository = Repository(root, _here(root))
    stats = Stats()
    groups: dict[tuple[str, ...], Group] = {}
    to_exo = 0
    try:
        for session in read_sessions(list(args.logs), stats):
            to_exo += _take(session, repository, groups, stats)
    except LogError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"{exc.filename}: {exc.strerror}") from None
    failed = sum(g.count for g in groups.values() if g.session.failed) + stats.unlisted_failed
    if args.format == "json":
        print(json.dumps(as_json(list(groups.values()), stats, to_exo, failed), indent=2))
    else:
        print(printable_lines(as_text(list(groups.values()), stats, to_exo, failed)))
    return bool(failed)


def _deployment(repository: Repository, scope: Scope | None) -> str:
    return _shown(scope) if scope is not None and len(repository.scopes()) > 1 else ""


MAX_GROUPS = 1_000
"""Distinct outcomes reported; later sessions unlike any of them are counted together, so a log
of a million distinct sessions stays a readable report in bounded memory."""


def _take(
    session: Session, repository: Repository, groups: dict[tuple[str, ...], Group], stats: Stats
) -> int:
    from linter.commands.diagnose.log_diagnosis import diagnose, to_exo

    cert = session.presented if session.log_type != "receive" else session.received
    match = repository.lookup(session.connector_id, cert.thumbprint if cert else "")
    scope = match.scope
    # a receive log's connector-id tells the deployment; only a send connector is judged further
    connector = match.connector if match.connector and match.connector.kind == "SendConnector" else None
    named = [c for _, c in repository.named(session.connector_id) if c.kind == "SendConnector"]
    if not to_exo(session, connector) and not any(to_exo(session, c) for c in named):
        return 0
    final = session.final
    key = (
        session.log_type,
        session.connector_id.lower(),
        (cert.thumbprint or cert.subject) if cert else "",
        session.tls,
        session.tls_detail,
        final.code if final else "",
        final.text if final and session.failed else "",
    )
    group = groups.get(key)
    if group is None and len(groups) >= MAX_GROUPS:  # a log of endless distinct sessions
        stats.unlisted += 1
        stats.unlisted_failed += session.failed
        return 1
    if group is None:
        diagnosis = diagnose(scope, session, connector, match.candidates)
        groups[key] = Group(
            session, diagnosis, ids=[session.session_id], deployment=_deployment(repository, scope)
        )
    else:
        group.count += 1
        if len(group.ids) < SHOWN_IDS:
            group.ids.append(session.session_id)
        group.last_id, group.last_started = session.session_id, session.started
    return 1


# --- output ----------------------------------------------------------------------------------


def _remote(session: Session) -> str:
    names = ", ".join(session.remote_names)
    if names and session.remote_endpoint:
        return f"{names} ({session.remote_endpoint})"
    return names or session.remote_endpoint or "(not logged)"


def _summary(stats: Stats, to_exo: int, failed: int) -> str:
    parts = [
        f"{stats.sessions} session{'s' * (stats.sessions != 1)} read",
        f"{to_exo} with Exchange Online",
        f"{failed} failed",
    ]
    if stats.malformed:
        where = ", ".join(stats.malformed_lines)
        more = ", ..." if stats.malformed > len(stats.malformed_lines) else ""
        parts.append(
            f"{stats.malformed} malformed line{'s' * (stats.malformed != 1)} skipped ({where}{more})"
        )
    if stats.unended:
        parts.append(f"{stats.unended} without a disconnect event")
    if stats.unlisted:
        parts.append(
            f"{stats.unlisted} ({stats.unlisted_failed} failed) unlike the {MAX_GROUPS:,} outcomes shown, "
            "counted but not described"
        )
    if stats.closed_early:
        from linter.commands.diagnose.protocol_log import MAX_OPEN

        parts.append(
            f"{stats.closed_early} closed before their end because {MAX_OPEN:,} sessions were open "
            "(the oldest first)"
        )
    if stats.truncated:
        parts.append(f"{stats.truncated} too long to keep every event")
    return "; ".join(parts)


def as_text(groups: list[Group], stats: Stats, to_exo: int, failed: int) -> str:
    from linter.commands.diagnose.log_diagnosis import describe

    lines: list[str] = []
    for group in groups:
        s = group.session
        direction = "from" if s.log_type == "receive" else "to"
        count = f"{group.count} sessions, first" if group.count > 1 else "session"
        status = "FAILED" if s.failed else "ok"
        lines.append(
            f"{s.log}:{s.first_line}: {status}: {count} {s.session_id} at {s.started or '?'} on connector "
            f'"{s.connector_id}" {direction} {_remote(s)}'
        )
        if group.deployment:
            lines.append(f"  deployment: {group.deployment}")
        if group.count > 1:
            lines.append(
                f"  sessions: {', '.join(group.ids)}{', ...' if group.count > SHOWN_IDS else ''}"
                f" (last {group.last_id} at {group.last_started})"
            )
        role = "received" if s.log_type == "receive" else "presented"
        cert = s.received if s.log_type == "receive" else s.presented
        if cert is not None:
            lines.append(f"  certificate {role}: {describe(cert)}")
            lines.append(
                f"    issuer {cert.issuer or '(not logged)'}; thumbprint {cert.thumbprint or '(not logged)'}"
            )
        else:
            lines.append(f"  certificate {role}: none logged")
        tls = f"{s.tls} ({s.tls_detail})" if s.tls else "not negotiated (no TLS line in the log)"
        lines.append(f"  TLS: {tls}")
        final = s.final
        lines.append(f"  response: {final.text if final else '(none logged)'}")
        for reason in group.diagnosis.reasons:
            lines.append(f"  why: {reason}")
        for fix in group.diagnosis.fixes:
            lines.append(f"  fix: {fix}")
        for note in group.diagnosis.notes:
            lines.append(f"  note: {note}")
    lines.append(_summary(stats, to_exo, failed))
    return "\n".join(lines)


def as_json(groups: list[Group], stats: Stats, to_exo: int, failed: int) -> dict[str, Any]:
    results = []
    for group in groups:
        s = group.session
        cert = s.received if s.log_type == "receive" else s.presented
        final = s.final
        results.append(
            {
                "log": s.log,
                "line": s.first_line,
                "log_type": s.log_type or None,
                "connector_id": s.connector_id,
                "sessions": group.count,
                "session_ids": group.ids,
                "last_session_id": group.last_id or s.session_id,
                "started": s.started,
                "local_endpoint": s.local_endpoint,
                "remote_endpoint": s.remote_endpoint,
                "remote_names": s.remote_names,
                "certificate": None
                if cert is None
                else {
                    "role": cert.role or None,
                    "subject": cert.subject,
                    "issuer": cert.issuer,
                    "serial_number": cert.serial_number,
                    "thumbprint": cert.thumbprint,
                    "alternate_names": list(cert.alternate_names),
                },
                "tls": {"outcome": s.tls or None, "detail": s.tls_detail or None},
                "response": None
                if final is None
                else {"code": final.code, "text": final.text, "line": final.line},
                "mail_from": s.mail_from or None,
                "failed": s.failed,
                "reasons": group.diagnosis.reasons,
                "fixes": group.diagnosis.fixes,
                "connectors": group.diagnosis.connectors,
                "deployment": group.deployment or None,
                "notes": group.diagnosis.notes,
            }
        )
    return {
        "results": results,
        "summary": {
            "lines": stats.lines,
            "sessions": stats.sessions,
            "with_exchange_online": to_exo,
            "failed": failed,
            "malformed_lines": stats.malformed,
            "malformed_at": stats.malformed_lines,
            "unended_sessions": stats.unended,
            "truncated_sessions": stats.truncated,
            "closed_early": stats.closed_early,
            "unlisted_sessions": stats.unlisted,
        },
    }
