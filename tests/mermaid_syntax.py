"""A structural parser for the Mermaid flowchart subset exolint writes, so tests need no browser.

It accepts exactly the statements linter/report/flow/mermaid.py emits and checks what Mermaid's
grammar requires of them: one ``flowchart`` header, subgraphs closed by ``end``, node ids
declared before edges use them, quoted labels with no raw quote inside, ``linkStyle`` indexes
that name an edge. Anything else is a syntax error with its line number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ID = r"[A-Za-z][A-Za-z0-9_]*"
LABEL = r'"(?P<label>[^"\n]*)"'
_HEADER = re.compile(r"flowchart (LR|RL|TB|TD|BT)")
_SUBGRAPH = re.compile(rf"subgraph (?P<id>{ID})\[{LABEL}\]")
_DIRECTION = re.compile(r"direction (LR|RL|TB|TD|BT)")
_NODE = re.compile(rf"(?P<id>{ID})(?:\[{LABEL}\]|\(\({LABEL.replace('label', 'round')}\)\))")
_EDGE = re.compile(rf"(?P<source>{ID}) (?P<arrow>-->|-\.->)\|{LABEL}\| (?P<target>{ID})")
_LINK_STYLE = re.compile(r"linkStyle (?P<index>\d+) (?P<style>[a-z-]+:[^;\s]+(?:,[a-z-]+:[^,;\n]+)*)")
_STYLE = re.compile(rf"style (?P<id>{ID}) [a-z-]+:[^;\s]+(?:,[a-z-]+:[^,;\n]+)*")
_ENTITY_OR_TEXT = re.compile(r"(?:#\d+;|<br/>|[^#<>])*")


class MermaidSyntaxError(ValueError):
    pass


@dataclass
class Chart:
    nodes: dict[str, str] = field(default_factory=dict)  # id -> label (entities decoded)
    subgraphs: dict[str, str] = field(default_factory=dict)
    edges: list[tuple[str, str, str, str]] = field(default_factory=list)  # source, arrow, label, target
    link_styles: dict[int, str] = field(default_factory=dict)

    def red_edges(self) -> list[tuple[str, str, str]]:
        """(source label, edge label, target label) of every edge drawn in red."""
        return [
            (self.nodes[s], label, self.nodes[t])
            for i, (s, _, label, t) in enumerate(self.edges)
            if "stroke:#d1242f" in self.link_styles.get(i, "")
        ]


def _text(label: str, number: int) -> str:
    if not _ENTITY_OR_TEXT.fullmatch(label):
        raise MermaidSyntaxError(f"line {number}: raw markup or a stray # in label {label!r}")
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), label).replace("<br/>", "\n")


def parse(text: str) -> Chart:
    chart = Chart()
    lines = text.rstrip("\n").split("\n")
    if not lines or not _HEADER.fullmatch(lines[0].strip()):
        raise MermaidSyntaxError("line 1: a flowchart must start with `flowchart LR` (or another direction)")
    depth = 0
    for number, raw in enumerate(lines[1:], start=2):
        line = raw.strip()
        if match := _SUBGRAPH.fullmatch(line):
            if match["id"] in chart.nodes or match["id"] in chart.subgraphs:
                raise MermaidSyntaxError(f"line {number}: id {match['id']} used twice")
            chart.subgraphs[match["id"]] = _text(match["label"], number)
            depth += 1
        elif line == "end":
            depth -= 1
            if depth < 0:
                raise MermaidSyntaxError(f"line {number}: `end` without a subgraph")
        elif _DIRECTION.fullmatch(line):
            if depth == 0:
                raise MermaidSyntaxError(f"line {number}: direction outside a subgraph")
        elif match := _NODE.fullmatch(line):
            if match["id"] in chart.nodes or match["id"] in chart.subgraphs or match["id"] == "end":
                raise MermaidSyntaxError(f"line {number}: node id {match['id']} declared twice or reserved")
            chart.nodes[match["id"]] = _text(match["label"] or match["round"], number)
        elif match := _EDGE.fullmatch(line):
            for end in (match["source"], match["target"]):
                if end not in chart.nodes:
                    raise MermaidSyntaxError(f"line {number}: edge to undeclared node {end}")
            chart.edges.append(
                (match["source"], match["arrow"], _text(match["label"], number), match["target"])
            )
        elif match := _LINK_STYLE.fullmatch(line):
            chart.link_styles[int(match["index"])] = match["style"]
        elif match := _STYLE.fullmatch(line):
            if match["id"] not in chart.nodes:
                raise MermaidSyntaxError(f"line {number}: style of undeclared node {match['id']}")
        else:
            raise MermaidSyntaxError(f"line {number}: not a flowchart statement: {line!r}")
    if depth:
        raise MermaidSyntaxError(f"{depth} subgraph(s) not closed with `end`")
    for index in chart.link_styles:
        if index >= len(chart.edges):
            raise MermaidSyntaxError(f"linkStyle {index}: there are only {len(chart.edges)} edges")
    return chart
