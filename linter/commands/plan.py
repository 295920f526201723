"""``exolint plan --live EXPORT_DIR [PATH]``: what applying the repository to the live tenant would change.

EXPORT_DIR holds definitions that describe the live tenant (as ``exolint import`` writes them);
PATH holds the repository's. Objects are matched by kind and identity, case-insensitively, and
every difference is listed with its risk and the PowerShell that would apply it. Nothing is
executed. Exit 0 when nothing would change, 1 when something would (terraform's
``plan -detailed-exitcode`` answers 2 there; exolint keeps 2 for usage errors), 2 for usage errors.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter.domain.powershell import argument, single_quoted
from linter.domain.untrusted import printable_lines
from linter.values import dataclass

if TYPE_CHECKING:
    from linter.model import Object


HIGH, MEDIUM, LOW = "high", "medium", "low"
RANK = {HIGH: 3, MEDIUM: 2, LOW: 1}

# The one place risks are rated. Property (lower-case) -> (risk of any change, why).
# Value-dependent ratings (a TLS downgrade, disabling) are in _rate below and cite the same facts.
RISKS: dict[str, tuple[str, str]] = {
    # exchange-facts.md s7/s8: attribution and TLS depend on these names matching the certificate;
    # a wrong one means 550 5.7.64 / 454 4.7.5 / 450 4.4.317 for every message.
    "tlssendercertificatename": (HIGH, "certificate name change: attribution by certificate (5.7.64)"),
    "tlscertificatename": (HIGH, "certificate name change: the send/receive certificate (454 4.7.5)"),
    "tlsdomain": (HIGH, "certificate name change: the name TLS must verify (450 4.4.317)"),
    # s4: the send connector's Fqdn is used during TLS and selects the certificate when
    # TlsCertificateName is empty.
    "fqdn": (HIGH, "certificate name change: the EHLO name that also selects the certificate"),
    # s1/s2: the type decides whether the connector relays for the tenant (OnPremises) or restricts (Partner).
    "connectortype": (HIGH, "connector type change: decides attribution and relay (5.7.64 / 5.7.51)"),
    # s2/s4: where mail is delivered; a wrong host loses or misroutes all of it.
    "smarthosts": (HIGH, "smart host change: where the connector delivers mail"),
    # s1: who may relay by address; adding opens relay to it, removing cuts it off (5.7.64).
    "senderipaddresses": (MEDIUM, "source addresses added or removed: attribution by IP (5.7.64)"),
    # s1/s2: which senders/recipients the connector applies to.
    "senderdomains": (MEDIUM, "sender domains change: which mail the connector takes (5.7.51)"),
    "recipientdomains": (MEDIUM, "recipient domains change: which mail the connector routes"),
    "addressspaces": (MEDIUM, "address spaces change: which mail the send connector routes"),
    # No effect on mail flow.
    "comment": (LOW, "comment only"),
}
"""Properties not listed here are LOW unless _rate says otherwise."""

# s2/s4: TlsSettings / TlsAuthLevel from weakest to strongest; None is opportunistic TLS.
TLS_LEVELS = {None: 0, "encryptiononly": 1, "certificatevalidation": 2, "domainvalidation": 3}
CASE_SENSITIVE = frozenset({"comment"})  # everything else in Exchange compares case-insensitively

NEW_OBJECT = (MEDIUM, "new object: it starts taking mail as soon as it exists")
REMOVED_OBJECT = (HIGH, "destructive: the live object would be deleted")

# kind -> the noun of its cmdlets; kinds absent here are not set by a cmdlet.
CMDLETS = {
    "InboundConnector": "InboundConnector",
    "OutboundConnector": "OutboundConnector",
    "AcceptedDomain": "AcceptedDomain",
    "SendConnector": "SendConnector",
    "ReceiveConnector": "ReceiveConnector",
}
NO_NEW = {
    # exchange-facts.md s3: New-AcceptedDomain is on-premises only.
    "AcceptedDomain": "Exchange Online has no New-AcceptedDomain: add and verify the domain in the "
    "Microsoft 365 admin center",
}
NOT_A_PARAMETER = {"ReceiveConnector": {"Server"}}  # part of the identity, not a Set- parameter


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--live",
        type=Path,
        required=True,
        metavar="EXPORT_DIR",
        help="definitions describing the live tenant, as `exolint import` writes them",
    )
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        metavar="PATH",
        help="the repository's definitions (default: the lint root)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")


# --- comparison ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PropertyChange:
    name: str
    old: Any
    new: Any
    risk: str
    why: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass
class Change:
    action: str  # "add", "change", "remove"
    kind: str
    identity: str
    path: str  # the repository file (add, change) or the export file (remove)
    properties: list[PropertyChange] = field(default_factory=list)
    risk: str = LOW
    why: str = ""
    command: str | None = None
    note: str = ""


def normalise_item(value: Any, case_sensitive: bool = False) -> Any:
    """One value as Exchange compares it: ``smtp:*;1`` is ``*``, case and a trailing dot do not count."""
    if isinstance(value, str):
        text = value.strip()
        match = re.fullmatch(r"(?i)smtp:(.*?)(;\d+)?", text)
        if match:
            text = match.group(1)
        if not case_sensitive:
            text = text.lower().rstrip(".") if text != "." else text
        return text
    return value


def normalise(name: str, value: Any) -> Any:
    sensitive = name.lower() in CASE_SENSITIVE
    if isinstance(value, list):
        items = [normalise_item(v, sensitive) for v in value]
        found = frozenset(json.dumps(i, sort_keys=True) for i in items if i not in ("", None))
        return found or None  # an empty list clears the property, as $null does
    if value == "":
        return None
    return normalise_item(value, sensitive)


def _level(value: Any) -> int | None:
    key = value.lower() if isinstance(value, str) else value
    return TLS_LEVELS.get(key) if key in TLS_LEVELS else None


def rate(name: str, old: Any, new: Any) -> tuple[str, str]:
    """The risk of changing one property from old to new, and why."""
    key = name.lower()
    if key in ("tlssettings", "tlsauthlevel"):
        before, after = _level(old), _level(new)
        if before is not None and after is not None and after < before:
            return HIGH, f"TLS downgrade: {name} {old} -> {new} weakens the certificate check"
        return (
            MEDIUM,
            f"TLS requirement changed: {name}; a stricter check fails where the peer cannot pass it",
        )
    if key == "requiretls":
        if old is True and new is not True:
            return HIGH, "TLS downgrade: TLS is no longer required"
        return MEDIUM, "TLS now required: a peer without TLS is refused"
    if key == "enabled":
        if old is not False and new is False:
            return HIGH, "disables the object: the mail it handles stops"
        return MEDIUM, "enables the object: it starts taking mail"
    return RISKS.get(key, (LOW, "no documented effect on attribution or TLS"))


def diff_object(live: Object, repo: Object) -> list[PropertyChange]:
    """Each property the repository sets to a value the live object does not have."""
    changes = []
    live_props = {k.lower(): (k, v) for k, v in live.props.items()}
    for name, new in repo.props.items():
        if name.lower() in ("kind", "name"):
            continue
        old = live_props.get(name.lower(), (name, None))[1]
        if normalise(name, old) == normalise(name, new):
            continue
        risk, why = rate(name, old, new)
        added: tuple[str, ...] = ()
        removed: tuple[str, ...] = ()
        if isinstance(new, list) or isinstance(old, list):
            before = _as_list(old)
            after = _as_list(new)
            seen_before = {normalise_item(v) for v in before}
            seen_after = {normalise_item(v) for v in after}
            added = tuple(str(v) for v in after if normalise_item(v) not in seen_before)
            removed = tuple(str(v) for v in before if normalise_item(v) not in seen_after)
        changes.append(PropertyChange(name, old, new, risk, why, added, removed))
    return changes


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _key(obj: Object) -> tuple[str, str]:
    return obj.kind, obj.identity.lower()


def by_key(objects: list[Object], what: str) -> dict[tuple[str, str], Object]:
    """The objects by kind and identity; one identity defined twice is a usage error, since the
    plan could not tell which of them is meant (typically PATH holds several tenants)."""
    from linter.errors import UsageError
    from linter.objects.definitions import label_of

    found: dict[tuple[str, str], Object] = {}
    for obj in objects:
        if obj.kind not in CMDLETS:
            continue
        other = found.setdefault(_key(obj), obj)
        if other is not obj:
            raise UsageError(
                f"{what}: {label_of(obj)} is defined in both {other.path} and {obj.path}; "
                "point it at the directory of one tenant"
            )
    return found


def plan(live: list[Object], repo: list[Object]) -> list[Change]:
    live_by_key = by_key(live, "EXPORT_DIR")
    repo_by_key = by_key(repo, "PATH")
    changes: list[Change] = []
    for key, obj in repo_by_key.items():
        current = live_by_key.get(key)
        if current is None:
            risk, why = NEW_OBJECT
            change = Change("add", obj.kind, obj.identity, obj.path, risk=risk, why=why)
            if obj.kind in NO_NEW:
                change.note = NO_NEW[obj.kind]
            else:
                change.command = new_command(obj)
            changes.append(change)
            continue
        found = diff_object(current, obj)
        if found:
            top = max(found, key=lambda p: RANK[p.risk])
            change = Change("change", obj.kind, obj.identity, obj.path, found, top.risk, top.why)
            change.command = set_command(obj, found)
            changes.append(change)
    for key, obj in live_by_key.items():
        if key not in repo_by_key:
            risk, why = REMOVED_OBJECT
            change = Change("remove", obj.kind, obj.identity, obj.path, risk=risk, why=why)
            if obj.kind == "AcceptedDomain":
                change.note = (
                    "the repository no longer lists this domain; domains are removed in the admin center"
                )
            else:
                change.command = f"Remove-{CMDLETS[obj.kind]} -Identity {single_quoted(obj.identity)}"
            changes.append(change)
    order = {"remove": 0, "change": 1, "add": 2}
    return sorted(changes, key=lambda c: (order[c.action], c.kind, c.identity.lower()))


# --- PowerShell ------------------------------------------------------------------------------


def set_command(obj: Object, changes: list[PropertyChange]) -> str:
    skip = NOT_A_PARAMETER.get(obj.kind, set())
    params = "".join(f" -{c.name} {argument(c.new)}" for c in changes if c.name not in skip)
    return f"Set-{CMDLETS[obj.kind]} -Identity {single_quoted(obj.identity)}{params}"


def new_command(obj: Object) -> str:
    params = "".join(
        f" -{name} {argument(value)}" for name, value in obj.props.items() if name not in ("kind", "Name")
    )
    return f"New-{CMDLETS[obj.kind]} -Name {single_quoted(str(obj.get('Name', obj.identity)))}{params}"


# --- loading and output ----------------------------------------------------------------------


def load(directory: Path, what: str) -> list[Object]:
    from linter.errors import UsageError
    from linter.load.loader import Loader
    from linter.objects.scopes import ScopeFinder, build_scope

    if not directory.is_dir():
        raise UsageError(f"{directory}: {what} must be a directory")
    finder = ScopeFinder(Loader(directory))
    objects: list[Object] = []
    for scope_dir in finder.scopes_for([""]):
        scope, _ = build_scope(finder, scope_dir)
        objects.extend(scope.objects)
    return objects


def run(args: argparse.Namespace) -> bool:
    from linter.errors import UsageError
    from linter.load.files import find_root

    live = load(args.live, "EXPORT_DIR")
    if not any(o.kind in CMDLETS for o in live):
        raise UsageError(
            f"{args.live}: holds no connector or accepted-domain definitions (run `exolint import`)"
        )
    repo_dir = args.path or find_root(Path.cwd())
    repo = load(repo_dir, "PATH")
    changes = plan(live, repo)
    if args.format == "json":
        print(json.dumps(as_json(changes), indent=2))
    else:
        print(printable_lines(as_text(changes)))
    return bool(changes)


def _shown(value: Any) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def as_text(changes: list[Change]) -> str:
    from linter.objects.definitions import KIND_LABELS

    if not changes:
        return "No changes: the live tenant already matches the repository. Nothing was executed."
    lines: list[str] = []
    sign = {"add": "+", "change": "~", "remove": "-"}
    for c in changes:
        label = f'{KIND_LABELS[c.kind]} "{c.identity}" ({c.path})'
        verb = {"add": "would be created", "change": "would change", "remove": "would be removed"}[c.action]
        lines.append(f"{sign[c.action]} {label} {verb} [{c.risk}: {c.why}]")
        for p in c.properties:
            detail = ""
            if p.added or p.removed:
                parts = [f"+{v}" for v in p.added] + [f"-{v}" for v in p.removed]
                detail = f" ({', '.join(parts)})"
            lines.append(f"    {p.name}: {_shown(p.old)} -> {_shown(p.new)}{detail}  [{p.risk}: {p.why}]")
        if c.note:
            lines.append(f"    {c.note}")
        if c.command:
            prefix = "# DESTRUCTIVE, not run by anyone but you: " if c.action == "remove" else ""
            lines.append(f"    {prefix}{c.command}")
        lines.append("")
    count = {a: sum(1 for c in changes if c.action == a) for a in ("add", "change", "remove")}
    risks = {r: sum(1 for c in changes if c.risk == r) for r in (HIGH, MEDIUM, LOW)}
    lines.append(
        f"Plan: {count['add']} to add, {count['change']} to change, {count['remove']} to remove "
        f"({risks[HIGH]} high, {risks[MEDIUM]} medium, {risks[LOW]} low risk). Nothing was executed."
    )
    return "\n".join(lines)


def as_json(changes: list[Change]) -> dict[str, Any]:
    return {
        "changes": [
            {
                "action": c.action,
                "kind": c.kind,
                "identity": c.identity,
                "path": c.path,
                "risk": c.risk,
                "why": c.why,
                "properties": [
                    {
                        "property": p.name,
                        "old": p.old,
                        "new": p.new,
                        "added": list(p.added),
                        "removed": list(p.removed),
                        "risk": p.risk,
                        "why": p.why,
                    }
                    for p in c.properties
                ],
                "command": c.command,
                "destructive": c.action == "remove",
                "note": c.note or None,
            }
            for c in changes
        ],
        "changed": bool(changes),
    }
