"""Domain names of objects of one kind in a scope, compared with each other.

``report: duplicate`` yields for an object whose name equals (after normalisation: case, trailing
dot, IDN spelling) the name of an earlier object of its kind; the earlier one is the related
location. ``report: covered`` yields for an object whose domain lies inside another's wider
pattern: a leading-wildcard name (``*.contoso.com``: the domain and all subdomains) or, with
``subdomains`` naming a flag such as MatchSubDomains, a name whose flag is true. Names that are
equal are left to ``duplicate``; two different spellings of the same set (``*.contoso.com`` and
``contoso.com`` with MatchSubDomains) yield once, for the later object.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.domain.names import normalize, pattern_covers
from linter.lint.checks.params import property_and_report
from linter.model import Hit, Object, Ref
from linter.objects.scopes import Scope

PARAMS = property_and_report(
    "duplicate",
    "covered",
    subdomains={"description": "A boolean property that extends a name to its subdomains.", "type": "string"},
)


def prepare(params: dict[str, Any]) -> tuple[str, str, str | None]:
    subdomains = params.get("subdomains")
    return str(params["property"]), str(params["report"]), str(subdomains) if subdomains else None


def _name(obj: Object, name: str) -> str | None:
    try:
        return normalize(str(obj.get(name, "")))
    except ValueError:
        return None


def _pattern(obj: Object, name: str, subdomains: str | None) -> str | None:
    """The set of names the object stands for, as a connector-side pattern."""
    domain = _name(obj, name)
    if domain is None or domain.startswith("*."):
        return domain
    return f"*.{domain}" if subdomains and obj.effective(subdomains) is True else domain


class _Index:
    """The names of one kind's objects in a scope, read once, so each object's check looks up
    its peers instead of comparing with all of them (5,000 accepted domains, Exchange Online's
    maximum, would otherwise take minutes)."""

    def __init__(self, peers: list[Object], name: str, subdomains: str | None) -> None:
        self.position = {id(p): i for i, p in enumerate(peers)}
        self.names: list[str | None] = [_name(p, name) for p in peers]
        self.patterns = [_pattern(p, name, subdomains) for p in peers]
        self.first: dict[str, int] = {}
        self.wide: dict[str, list[int]] = {}  # base domain of a wildcard pattern -> peers
        for i, (theirs, pattern) in enumerate(zip(self.names, self.patterns, strict=True)):
            if theirs is not None:
                self.first.setdefault(theirs, i)
            if pattern is not None and pattern.startswith("*."):
                self.wide.setdefault(pattern[2:], []).append(i)

    def wider(self, domain: str) -> list[int]:
        """Peers whose wildcard pattern's base is the domain or a parent of it, in order."""
        labels = domain.split(".")
        found = [i for n in range(len(labels)) for i in self.wide.get(".".join(labels[n:]), ())]
        return sorted(found)


class _Indexes:
    """One scope's indexes, by (kind, property, subdomains flag); made once per scope."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.made: dict[tuple[str, str, str | None], _Index] = {}

    def get(self, kind: str, name: str, subdomains: str | None) -> _Index:
        key = (kind, name, subdomains)
        if key not in self.made:
            self.made[key] = _Index(self.scope.of(kind), name, subdomains)
        return self.made[key]


def _index(scope: Scope, kind: str, name: str, subdomains: str | None) -> _Index:
    return scope.derived(_Indexes).get(kind, name, subdomains)


def check(params: tuple[str, str, str | None], obj: Object, scope: Scope) -> Iterator[Hit]:
    name, report, subdomains = params
    peers = scope.of(obj.kind)
    index = _index(scope, obj.kind, name, subdomains)
    me = index.position[id(obj)]
    mine = index.names[me]
    if mine is None:
        return  # malformed: the syntax rule says so
    if report == "duplicate":
        first_at = index.first[mine]
        if first_at < me:
            first = peers[first_at]
            where = first.path if first.path != obj.path else "an earlier definition in this file"
            yield Hit(
                (name,),
                f"{name} {mine} is already defined by {where}",
                {"other": first.identity, "other_path": where},
                (Ref(first, (name,), "the first definition of the domain"),),
            )
        return
    my_pattern = index.patterns[me]
    inner = my_pattern or mine
    for at in index.wider(inner[2:] if inner.startswith("*.") else inner):
        peer, theirs, their_pattern = peers[at], index.names[at], index.patterns[at]
        if peer is obj or theirs is None or their_pattern is None or theirs == mine:
            continue
        if not pattern_covers(their_pattern, inner):
            continue
        if their_pattern == my_pattern and at > me:
            continue  # the same set written two ways: reported once, for the later object
        how = "a wildcard" if theirs.startswith("*.") else f"{subdomains} true"
        yield Hit(
            (name,),
            f"{name} {mine} lies inside {theirs} ({how})",
            {"other": theirs, "how": how},
            (Ref(peer, (name,), "the accepted domain that already covers it"),),
        )
        return
