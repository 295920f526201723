"""The picture's data: nodes, edges and what Exchange does on each edge (see ``linter.report.flow``)."""

from __future__ import annotations

from dataclasses import field

from linter.model import Location
from linter.values import dataclass

OK, BROKEN, DOUBT, PLAIN = "ok", "broken", "doubt", "plain"
"""Edge states: Exchange accepts; Exchange rejects (red); exolint cannot tell or only warns; a
plain relation that has no verdict of its own (a server behind a connector)."""

TO_EXO, TO_ONPREM = "to Exchange Online", "to on-premises"


@dataclass(frozen=True)
class Node:
    id: str  # unique inside the flow, safe in every output format ([a-z0-9_])
    kind: str  # an object kind, "Certificate", "Server", "NDR" or "Unknown"
    title: str  # what the node is ("Send connector")
    name: str  # which one: the user's text, escaped by each renderer
    section: str  # TO_EXO or TO_ONPREM
    column: int  # 0.. from left to right, for a layered layout
    location: Location | None = None
    rules: tuple[str, ...] = ()  # ids of findings on the object itself


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str
    state: str = PLAIN
    codes: tuple[str, ...] = ()  # NDR codes, most important first
    rules: tuple[str, ...] = ()  # rule ids of the findings that report this edge

    @property
    def text(self) -> str:
        """The label with the NDR and the rule ids, as every format shows it."""
        if self.state != BROKEN or not (self.codes or self.rules):
            return self.label
        rules = f" ({', '.join(self.rules)})" if self.rules else ""
        return f"{self.label}: {' / '.join(self.codes)}{rules}"


@dataclass
class Flow:
    scope: str  # the deployment's directory, repo-relative ("" for the lint root)
    title: str  # the tenant's name, else the directory
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    @property
    def broken(self) -> list[Edge]:
        return [e for e in self.edges if e.state == BROKEN]
