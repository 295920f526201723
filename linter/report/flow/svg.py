"""Flows as one self-contained HTML page: inline SVG laid out here, inline CSS, no script, no network.

The layout is layered: a node's column is given by the flow (server, connector, certificate,
Exchange Online side); inside a column nodes are ordered by the mean row of what points at them,
which keeps most edges from crossing. Every piece of user text goes through ``html.escape``.
Each edge is a ``<g class="edge STATE">`` with ``data-codes`` and ``data-rules``, so a reader (or
a test in a browser) can find the broken ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from linter.report.flow.model import BROKEN, DOUBT, OK, TO_EXO, TO_ONPREM, Flow, Node

NODE_WIDTH, NODE_HEIGHT = 260, 64
COLUMN_GAP, ROW_GAP = 230, 34
MARGIN, HEADING = 20, 34
LINE_CHARS = 36

_CSS = """
body { font: 14px system-ui, sans-serif; margin: 16px; color: #1f2328; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin: 24px 0 4px; }
.node rect { fill: #f6f8fa; stroke: #8c959f; rx: 6; }
.node.NDR rect, .node.Unknown rect { fill: #ffebe9; stroke: #d1242f; }
.node .title { font-weight: 600; font-size: 12px; fill: #59636e; }
.node .name { font-size: 12px; } .node .rules { font-size: 11px; fill: #d1242f; font-weight: 600; }
.edge path { fill: none; stroke: #8c959f; stroke-width: 1.5; }
.edge text { font-size: 11px; fill: #59636e; }
.edge .bg { fill: #ffffff; opacity: 0.9; }
.edge.ok path { stroke: #1a7f37; stroke-width: 2; } .edge.ok text { fill: #1a7f37; }
.edge.doubt path { stroke: #9a6700; stroke-dasharray: 5 4; } .edge.doubt text { fill: #9a6700; }
.edge.broken path { stroke: #d1242f; stroke-width: 3; } .edge.broken text { fill: #d1242f; font-weight: 600; }
.section { font-size: 13px; font-weight: 600; fill: #59636e; }
.legend span { margin-right: 16px; } .legend .broken { color: #d1242f; } .legend .ok { color: #1a7f37; }
.legend .doubt { color: #9a6700; }
"""


def _wrap(text: str, width: int = LINE_CHARS, lines: int = 2) -> list[str]:
    """At most ``lines`` lines of ``width`` characters; the last ends in an ellipsis when cut."""
    out: list[str] = []
    rest = text
    while rest and len(out) < lines:
        if len(rest) <= width:
            out.append(rest)
            rest = ""
            break
        cut = rest.rfind(" ", 0, width)
        cut = cut if cut > width // 2 else width
        out.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest and out:
        out[-1] = out[-1][: width - 1] + "…"
    return out


def _layout(flow: Flow, section: str) -> dict[str, tuple[int, int]]:
    """Node id -> (column, row) for one direction of a flow."""
    nodes = [n for n in flow.nodes if n.section == section]
    by_column: dict[int, list[Node]] = {}
    for node in nodes:
        by_column.setdefault(node.column, []).append(node)
    rows: dict[str, float] = {}
    for column in sorted(by_column):
        members = by_column[column]

        def weight(node: Node, at: int) -> float:
            before = [rows[e.source] for e in flow.edges if e.target == node.id and e.source in rows]
            return sum(before) / len(before) if before else float(at)

        ordered = sorted(enumerate(members), key=lambda item: (weight(item[1], item[0]), item[0]))
        for row, (_, node) in enumerate(ordered):
            rows[node.id] = row
    return {n.id: (n.column, int(rows[n.id])) for n in nodes}


def _node(node: Node, x: int, y: int) -> str:
    where = f"{node.location.path}:{node.location.line}" if node.location else node.title
    parts = [
        f'<g class="node {escape(node.kind)}" data-id="{node.id}">',
        f"<title>{escape(node.title)} {escape(node.name)} ({escape(where)})</title>",
        f'<rect x="{x}" y="{y}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}"/>',
        f'<text class="title" x="{x + 10}" y="{y + 17}">{escape(node.title)}</text>',
    ]
    for i, line in enumerate(_wrap(node.name)):
        parts.append(f'<text class="name" x="{x + 10}" y="{y + 34 + 14 * i}">{escape(line)}</text>')
    if node.rules:
        rules = escape(" ".join(node.rules))
        parts.append(
            f'<text class="rules" x="{x + NODE_WIDTH - 8}" y="{y + 17}" text-anchor="end">{rules}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _section(flow: Flow, section: str, top: int) -> tuple[list[str], int]:
    """SVG elements of one direction, and the height they take."""
    places = _layout(flow, section)
    if not places:
        return [], 0
    rows = max(row for _, row in places.values()) + 1
    out = [f'<text class="section" x="{MARGIN}" y="{top + 16}">{escape(section)}</text>']
    top += HEADING

    def at(node_id: str) -> tuple[int, int]:
        column, row = places[node_id]
        return MARGIN + column * (NODE_WIDTH + COLUMN_GAP), top + row * (NODE_HEIGHT + ROW_GAP)

    for edge in flow.edges:
        if edge.source not in places or edge.target not in places:
            continue
        (x1, y1), (x2, y2) = at(edge.source), at(edge.target)
        x1, y1, x2, y2 = x1 + NODE_WIDTH, y1 + NODE_HEIGHT // 2, x2, y2 + NODE_HEIGHT // 2
        middle = (x1 + x2) // 2
        state = {BROKEN: "broken", DOUBT: "doubt", OK: "ok"}.get(edge.state, "plain")
        label = _wrap(edge.text, 34, 3)
        lx, ly = middle, (y1 + y2) // 2 - 7 * (len(label) - 1)
        width = max(len(line) for line in label) * 6 + 8 if label else 0
        out.append(
            f'<g class="edge {state}" data-source="{edge.source}" data-target="{edge.target}" '
            f'data-codes="{escape(" ".join(edge.codes))}" data-rules="{escape(" ".join(edge.rules))}">'
            f"<title>{escape(edge.text)}</title>"
            f'<path d="M{x1},{y1} C{middle},{y1} {middle},{y2} {x2 - 6},{y2}" '
            f'marker-end="url(#arrow-{state})"/>'
            f'<rect class="bg" x="{lx - width // 2}" y="{ly - 11}" width="{width}" '
            f'height="{14 * len(label)}"/>'
            + "".join(
                f'<text x="{lx}" y="{ly + 14 * i}" text-anchor="middle">{escape(line)}</text>'
                for i, line in enumerate(label)
            )
            + "</g>"
        )
    for node in flow.nodes:
        if node.id in places:
            out.append(_node(node, *at(node.id)))
    return out, HEADING + rows * (NODE_HEIGHT + ROW_GAP)


_MARKERS = "".join(
    f'<marker id="arrow-{state}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" '
    'markerWidth="12" markerHeight="12" '
    f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{color}"/></marker>'
    for state, color in (("plain", "#8c959f"), ("ok", "#1a7f37"), ("doubt", "#9a6700"), ("broken", "#d1242f"))
)


def render_svg(flow: Flow) -> str:
    """One deployment as an SVG element."""
    body: list[str] = []
    height = 0
    for section in (TO_EXO, TO_ONPREM):
        elements, used = _section(flow, section, height)
        body += elements
        height += used
    columns = max((n.column for n in flow.nodes), default=0) + 1
    width = 2 * MARGIN + columns * NODE_WIDTH + (columns - 1) * COLUMN_GAP
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flow" width="{width}" height="{height + MARGIN}" '
        f'viewBox="0 0 {width} {height + MARGIN}" role="img" aria-label="{escape(flow.title)}">'
        f"<defs>{_MARKERS}</defs>{''.join(body)}</svg>"
    )


def render_html(flows: Sequence[Flow]) -> str:
    """One page with every deployment's picture; it loads nothing and runs no script."""
    sections = []
    for flow in flows:
        broken = len(flow.broken)
        state = f"{broken} broken edge{'s' * (broken != 1)}" if broken else "no broken edge"
        sections.append(
            f'<section class="deployment" data-scope="{escape(flow.scope)}">'
            f"<h2>{escape(flow.title)} — {state}</h2>{render_svg(flow)}</section>"
        )
    if not sections:
        sections.append("<p>No deployment with definitions under the paths given.</p>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>exolint mail flow</title><style>{_CSS}</style></head><body>"
        "<h1>Mail flow</h1>"
        '<p class="legend"><span class="broken">━ rejected (NDR, rule)</span>'
        '<span class="ok">━ accepted</span><span class="doubt">┅ cannot tell / warning</span>'
        "<span>━ relation</span></p>" + "".join(sections) + "</body></html>\n"
    )
