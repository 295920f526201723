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


def check(params: tuple[str, str, str | None], obj: Object, scope: Scope) -> Iterator[Hit]:
    name, report, subdomains = params
    mine = _name(obj, name)
    if mine is None:
        return  # malformed: the syntax rule says so
    peers = scope.of(obj.kind)
    earlier = peers[: next(i for i, p in enumerate(peers) if p is obj)]
    if report == "duplicate":
        first = next((p for p in earlier if _name(p, name) == mine), None)
        if first is not None:
            where = first.path if first.path != obj.path else "an earlier definition in this file"
            yield Hit(
                (name,),
                f"{name} {mine} is already defined by {where}",
                {"other": first.identity, "other_path": where},
                (Ref(first, (name,), "the first definition of the domain"),),
            )
        return
    my_pattern = _pattern(obj, name, subdomains)
    for peer in peers:
        theirs, their_pattern = _name(peer, name), _pattern(peer, name, subdomains)
        if peer is obj or theirs is None or their_pattern is None or theirs == mine:
            continue
        if not pattern_covers(their_pattern, my_pattern or mine):
            continue
        if their_pattern == my_pattern and peer not in earlier:
            continue  # the same set written two ways: reported once, for the later object
        how = "a wildcard" if theirs.startswith("*.") else f"{subdomains} true"
        yield Hit(
            (name,),
            f"{name} {mine} lies inside {theirs} ({how})",
            {"other": theirs, "how": how},
            (Ref(peer, (name,), "the accepted domain that already covers it"),),
        )
        return
