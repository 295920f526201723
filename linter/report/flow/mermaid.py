"""A Flow as a Mermaid flowchart, which GitHub and GitLab draw inside Markdown.

Names come from the repository's files, so every label is written inside double quotes with
each character outside a small safe set replaced by Mermaid's entity code (``#34;`` for ``"``):
no name can end a label, start a directive, inject HTML or close a subgraph. Node ids are the
flow's own (``n0``, ``n1``...), never a name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from linter.domain.untrusted import redact
from linter.report.flow.model import BROKEN, DOUBT, OK, TO_EXO, TO_ONPREM, Flow, Node

_SAFE = re.compile(r"[A-Za-z0-9 .,:_/()@*=+\-]")

STYLES = {
    BROKEN: "stroke:#d1242f,stroke-width:3px,color:#d1242f",
    DOUBT: "stroke:#9a6700,stroke-width:2px,stroke-dasharray:4 3,color:#9a6700",
    OK: "stroke:#1a7f37,stroke-width:2px,color:#1a7f37",
}
"""linkStyle per edge state; plain edges keep Mermaid's default."""


def label(text: str) -> str:
    """Text as a quoted Mermaid label: key material redacted, safe characters kept, every other
    one as ``#NNN;``."""
    return '"' + "".join(c if _SAFE.fullmatch(c) else f"#{ord(c)};" for c in redact(text)) + '"'


def _node_label(node: Node) -> str:
    rules = f"<br/>{' '.join(node.rules)}" if node.rules else ""
    # <br/> is ours, between two escaped parts: the user's text cannot produce markup.
    return label(node.title)[:-1] + "<br/>" + label(node.name)[1:-1] + rules + '"'


def render(flows: Sequence[Flow]) -> str:
    """One flowchart; each deployment a subgraph holding one subgraph per direction."""
    lines = ["flowchart LR"]
    styles: list[str] = []
    edge_index = 0
    for i, flow in enumerate(flows):
        prefix = f"d{i}_"
        lines.append(f"  subgraph {prefix}scope[{label(flow.title)}]")
        lines.append("    direction LR")
        for j, section in enumerate((TO_EXO, TO_ONPREM)):
            nodes = [n for n in flow.nodes if n.section == section]
            if not nodes:
                continue
            lines.append(f"    subgraph {prefix}s{j}[{label(section)}]")
            lines.append("      direction LR")
            for node in nodes:
                shape = ("((", "))") if node.kind == "NDR" else ("[", "]")
                lines.append(f"      {prefix}{node.id}{shape[0]}{_node_label(node)}{shape[1]}")
                if node.kind == "NDR":
                    styles.append(f"  style {prefix}{node.id} fill:#ffebe9,stroke:#d1242f,color:#d1242f")
            lines.append("    end")
        lines.append("  end")
        for edge in flow.edges:
            arrow = "-.->" if edge.state == DOUBT else "-->"
            lines.append(f"  {prefix}{edge.source} {arrow}|{label(edge.text)}| {prefix}{edge.target}")
            if edge.state in STYLES:
                styles.append(f"  linkStyle {edge_index} {STYLES[edge.state]}")
            edge_index += 1
    return "\n".join(lines + styles) + "\n"
