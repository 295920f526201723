"""``exolint simulate``: what Exchange Online would do with one hypothetical message.

The message is judged by the attribution model the rules use (linter.hybrid.attribution), against one
scope of the repository: its source address, the certificate it presents and its MAIL FROM domain,
each optional. Exit 0 when the message is attributed, 1 when it is rejected or the verdict cannot be
told, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter.domain.untrusted import printable_lines

if TYPE_CHECKING:
    from linter.hybrid.attribution import Sender, Step, Verdict
    from linter.model import Certificate
    from linter.objects.scopes import Scope


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "scope",
        nargs="?",
        metavar="SCOPE",
        help="a directory of the deployment to judge against (default: the scope of the current directory)",
    )
    parser.add_argument("--ip", metavar="ADDRESS", help="the public address the message comes from")
    parser.add_argument(
        "--cert", type=Path, metavar="FILE", help="the certificate the sender presents (PEM or DER)"
    )
    parser.add_argument(
        "--mail-from",
        metavar="ADDRESS",
        help="the P1 MAIL FROM address or domain; '<>' or '' for a null sender such as an NDR",
    )
    parser.add_argument(
        "--root",
        type=Path,
        help="the lint root (default: the enclosing git work tree, else the current directory)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> bool:
    from linter.hybrid import attribution

    if args.ip is None and args.cert is None and args.mail_from is None:
        from linter.errors import UsageError

        raise UsageError("simulate: describe the message with --ip, --cert and/or --mail-from")
    address = _address(args.ip)
    certificate = _certificate(args.cert) if args.cert is not None else None
    mail_from = _mail_from_domain(args.mail_from)
    scope = _scope(args)
    sender = attribution.message_sender(scope, address, certificate, mail_from)
    verdict = attribution.judge_message(scope, sender)
    if args.format == "json":
        print(json.dumps(as_json(scope, verdict, args.mail_from), indent=2))
    else:
        print(printable_lines(as_text(scope, verdict, args.mail_from)))
    return verdict.outcome != attribution.ATTRIBUTED


# --- arguments -------------------------------------------------------------------------------


def _address(text: str | None) -> str | None:
    from ipaddress import ip_address

    from linter.errors import UsageError

    if text is None:
        return None
    try:
        return str(ip_address(text.strip()))
    except ValueError:
        raise UsageError(f"--ip {text}: not an IP address (give one address, such as 198.51.100.7)") from None


def _mail_from_domain(text: str | None) -> str | None:
    """The domain of a MAIL FROM address; "" for the null sender ``<>``; None when not given."""
    from linter.domain.names import normalize
    from linter.errors import UsageError

    if text is None:
        return None
    value = text.strip().removeprefix("<").removesuffix(">").strip()
    if not value:
        return ""
    domain = value.rpartition("@")[2]
    try:
        normalize(domain)
    except ValueError as exc:
        raise UsageError(f"--mail-from {text}: {domain!r} is not a domain name ({exc})") from None
    return domain.lower().rstrip(".")


def _certificate(path: Path) -> Certificate:
    from linter.errors import UsageError
    from linter.load.certs import read_certificate_file

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the certificate: {exc.strerror}") from None
    found, problems = read_certificate_file(path.as_posix(), data)
    leaves = [c for c in found if not c.is_ca]
    if leaves:
        return leaves[0]
    why = problems[0].message if problems else "it holds only CA certificates"
    raise UsageError(f"{path}: no server certificate to present: {why}")


def _scope(args: argparse.Namespace) -> Scope:
    import os

    from linter.errors import UsageError
    from linter.load.files import find_root
    from linter.load.loader import Loader
    from linter.objects.scopes import ScopeFinder, build_scope

    root = (args.root or find_root(Path.cwd())).resolve()
    if not root.is_dir():
        raise UsageError(f"{args.root}: the lint root must be a directory")
    target = Path(os.path.abspath(args.scope or "."))
    if not target.exists():
        raise UsageError(f"{args.scope}: no such directory")
    if target != root and root not in target.parents:
        raise UsageError(f"{args.scope}: outside the lint root {root}; pass --root")
    if not target.is_dir():
        target = target.parent
    rel = target.relative_to(root).as_posix()
    finder = ScopeFinder(Loader(root))
    scope, _ = build_scope(finder, finder.scope_of("" if rel == "." else rel))
    return scope


# --- output ----------------------------------------------------------------------------------


def _subject(step: Step, sender: Sender) -> str:
    from linter.model import Certificate, Object
    from linter.objects.definitions import label_of

    if step.subject is sender.obj:
        return "Message"
    if isinstance(step.subject, Object):
        return f"{label_of(step.subject)} ({step.subject.path})"
    if isinstance(step.subject, Certificate):
        return f"Certificate {step.subject.subject}"
    return "Model"


def _describe_mail_from(raw: str | None, sender: Sender) -> str:
    if sender.mail_from is None:
        return "not given (the MAIL FROM check is not judged)"
    if not sender.mail_from:
        return "<> (a null sender, such as an NDR)"
    return f"{raw} (domain {sender.mail_from[0][0]})"


def as_text(scope: Scope, verdict: Verdict, raw_mail_from: str | None) -> str:
    from linter.domain.ndr import NDRS
    from linter.hybrid import attribution
    from linter.objects.definitions import label_of

    sender = verdict.sender
    cert = sender.certificate
    lines = [
        f"Scope: {scope.directory or '.'}" + (f" (tenant {scope.tenant.identity})" if scope.tenant else ""),
        f"Source IP: {sender.addresses[0][0] if sender.addresses else 'not given'}",
        f"Certificate: {cert.label + ' from ' + cert.path if cert else 'none presented'}",
        f"MAIL FROM: {_describe_mail_from(raw_mail_from, sender)}",
        "",
        "Reasoning:",
    ]
    lines.extend(
        f"  {n}. {_subject(step, sender)}: {step.result}: {step.reason}"
        for n, step in enumerate(verdict.trail, 1)
    )
    lines.append("")
    if verdict.outcome == attribution.ATTRIBUTED and verdict.connector is not None:
        lines.append(f"Verdict: attributed by {verdict.method} through {label_of(verdict.connector)}")
    elif verdict.outcome == attribution.REJECTED:
        lines.append("Verdict: rejected with " + ", ".join(NDRS[c][0] for c in verdict.codes))
    else:
        lines.append("Verdict: unknown: the repository does not say enough to decide (see the reasoning)")
    for problem in verdict.problems:
        status = "" if problem.certain else " (may apply; the sources do not settle it)"
        lines.append(f"  {problem.code}{status}: {problem.detail}")
        for fix in problem.fixes:
            advice = fix.values.get("advice")
            if advice:
                lines.append(f"    fix: {advice}")
            if fix.command:
                lines.append(f"    {fix.command}")
    return "\n".join(lines)


def as_json(scope: Scope, verdict: Verdict, raw_mail_from: str | None) -> dict[str, Any]:
    from linter.model import Certificate, Object

    sender = verdict.sender
    cert = sender.certificate

    def subject(step: Step) -> dict[str, Any] | None:
        if step.subject is sender.obj:
            return {"kind": "Message"}
        if isinstance(step.subject, Object):
            return {"kind": step.subject.kind, "identity": step.subject.identity, "path": step.subject.path}
        if isinstance(step.subject, Certificate):
            return {"kind": "Certificate", "subject": step.subject.subject, "path": step.subject.path}
        return None

    return {
        "scope": scope.directory,
        "message": {
            "ip": sender.addresses[0][0] if sender.addresses else None,
            "certificate": None
            if cert is None
            else {
                "path": cert.path,
                "subject": cert.subject,
                "issuer": cert.issuer,
                "names": list(cert.names),
                "thumbprint": cert.thumbprint,
            },
            "mail_from": raw_mail_from,
            "mail_from_domain": None
            if sender.mail_from is None
            else (sender.mail_from[0][0] if sender.mail_from else ""),
        },
        "trail": [{"subject": subject(s), "result": s.result, "reason": s.reason} for s in verdict.trail],
        "outcome": verdict.outcome,
        "method": verdict.method,
        "connector": None
        if verdict.connector is None
        else {"identity": verdict.connector.identity, "path": verdict.connector.path},
        "codes": list(verdict.codes),
        "problems": [
            {
                "code": p.code,
                "cause": p.cause,
                "certain": p.certain,
                "detail": p.detail,
                "fixes": [
                    {
                        "kind": f.target.kind if f.target is not sender.obj else "Message",
                        "identity": f.target.identity,
                        "property": "/".join(str(x) for x in f.pointer),
                        "advice": f.values.get("advice") or None,
                        "command": f.command,
                    }
                    for f in p.fixes
                ],
            }
            for p in verdict.problems
        ],
    }
