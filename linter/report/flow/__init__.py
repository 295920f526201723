"""The mail flow of one deployment as nodes and edges, each edge with what Exchange does on it.

Two directions are drawn, as a reviewer follows them:

- to Exchange Online: source servers -> send connector (or relay host) -> the certificate it
  presents -> the OnPremises inbound connector that attributes it, or the NDR its mail gets. The
  verdict is the attribution model's (``linter.hybrid.attribution.verdicts``): the same one the
  EX6xx rules report, so a red edge and a finding always agree.
- to on-premises: Exchange Online outbound connector -> the receive connectors its mail lands on
  -> the certificate each presents; the outbound connector's TlsDomain must be on it.

An edge names the rule ids of the findings that report it (from the report the run produced), so
a picture and the findings list point at the same thing. Everything here is pure: a Scope and
findings in, a Flow out; renderers (``mermaid``, ``svg``) turn it into text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from linter.domain.names import Coverage, best_coverage
from linter.hybrid import attribution
from linter.hybrid import topology as hybrid
from linter.load.loader import Loader
from linter.load.locate import span
from linter.model import Certificate, Finding, Location, Object, Report
from linter.objects.definitions import KIND_LABELS
from linter.objects.scopes import Scope, ScopeFinder, build_scope, under_any
from linter.report.changes import changed_since
from linter.report.flow.mermaid import render
from linter.report.flow.model import BROKEN, DOUBT, OK, PLAIN, TO_EXO, TO_ONPREM, Edge, Flow, Node

__all__ = ["BROKEN", "DOUBT", "OK", "PLAIN", "TO_EXO", "TO_ONPREM", "Edge", "Flow", "Node", "build"]


class _Builder:
    def __init__(self, scope: Scope, findings: Sequence[Finding]) -> None:
        self.scope = scope
        self.findings = [f for f in findings if f.scope == scope.directory or not f.scope]
        self.flow = Flow(scope.directory, _title(scope))
        self._ids: dict[tuple[str, int], str] = {}
        self._spans = {id(o): Location.at(o.path, span(o.document, o.raw_pointer(()))) for o in scope.objects}

    # --- findings ----------------------------------------------------------------------

    def owns(self, subject: Object | Certificate, location: Location) -> bool:
        """Whether a finding's location lies on the object (or certificate)."""
        where = subject.location if isinstance(subject, Certificate) else self._spans.get(id(subject))
        return (
            where is not None
            and where.path == location.path
            and where.line <= location.line <= max(where.end_line, where.line)
        )

    def on(self, subject: Object | Certificate) -> list[Finding]:
        found = []
        for f in self.findings:
            here = Location(f.path, f.line, f.column, f.end_line, f.end_column)
            if isinstance(subject, Object) and (f.kind, f.identity) != (subject.kind, subject.identity):
                continue
            if self.owns(subject, here):
                found.append(f)
        return found

    def reporting(self, codes: Iterable[str], subjects: Iterable[Object | Certificate]) -> tuple[str, ...]:
        """Rule ids of findings with one of the NDR codes on one of the subjects."""
        wanted = set(codes)
        ids = {f.rule_id for s in subjects for f in self.on(s) if wanted & set(f.ndr)}
        return tuple(sorted(ids))

    # --- nodes -------------------------------------------------------------------------

    def node(self, subject: Object | Certificate | str, section: str, column: int, name: str = "") -> str:
        key = (section, id(subject)) if not isinstance(subject, str) else (section + subject, 0)
        known = self._ids.get(key)
        if known is not None:
            return known
        node_id = f"n{len(self._ids)}"
        self._ids[key] = node_id
        if isinstance(subject, Certificate):
            node = Node(
                node_id,
                "Certificate",
                "Certificate",
                subject.subject,
                section,
                column,
                subject.location,
                tuple(sorted({f.rule_id for f in self.on(subject)})),
            )
        elif isinstance(subject, Object):
            node = Node(
                node_id,
                subject.kind,
                KIND_LABELS[subject.kind],
                subject.identity,
                section,
                column,
                self._spans.get(id(subject)),
                tuple(sorted({f.rule_id for f in self.on(subject)})),
            )
        else:
            kind, _, rest = subject.partition(":")
            node = Node(
                node_id,
                kind,
                {"Server": "Transport server", "NDR": "NDR"}.get(kind, kind),
                name or rest,
                section,
                column,
            )
        self.flow.nodes.append(node)
        return node_id

    def edge(self, edge: Edge) -> None:
        if edge not in self.flow.edges:
            self.flow.edges.append(edge)


def _title(scope: Scope) -> str:
    tenant = scope.tenant
    if tenant is not None:
        return f"{tenant.identity} ({scope.directory or '.'})"
    return scope.directory or "."


def build(scope: Scope, findings: Sequence[Finding] = ()) -> Flow:
    """The flow of one deployment, with the findings of the run laid on its edges."""
    builder = _Builder(scope, findings)
    _to_exchange_online(builder)
    _to_onpremises(builder)
    return builder.flow


MAX_PICTURES = 10
"""Deployments drawn in one Markdown report, so a change to many tenants stays readable."""


def deployments(
    root: Path,
    targets: list[str],
    globs: tuple[tuple[str, ...], tuple[str, ...]],
    findings: Sequence[Finding],
    limit: int | None = None,
) -> list[Flow]:
    """The flow of every deployment (scope) the targets touch, loaded as the engine loads it."""
    finder = ScopeFinder(Loader(root, *globs))
    found = []
    for directory in finder.scopes_for(targets or [""])[:limit]:
        scope, _ = build_scope(finder, directory)
        if scope.objects:
            found.append(build(scope, findings))
    return found


def pictures(
    root: Path,
    targets: list[str],
    globs: tuple[tuple[str, ...], tuple[str, ...]],
    report: Report,
    diff_base: str | None = None,
) -> dict[str, str]:
    """Mermaid text of each deployment the run touched, by scope, for the Markdown report; with
    ``diff_base``, of those among the targets that a file changed since that commit lies in."""
    if diff_base:
        involved = under_any(targets)
        targets = [p for p in changed_since(root, diff_base) if involved(p)]
        if not targets:
            return {}
    return {f.scope: render([f]) for f in deployments(root, targets, globs, report.findings, MAX_PICTURES)}


def _servers(scope: Scope, connector: Object) -> list[Object | str]:
    found: list[Object | str] = []
    for name in hybrid.values(connector, "SourceTransportServers"):
        server = next(
            (
                s
                for s in scope.of("TransportServer")
                if name.lower() in {str(s.get("Name", "")).lower(), str(s.get("Fqdn", "")).lower()}
            ),
            None,
        )
        found.append(server if server is not None else f"Server:{name}")
    return found


def _to_exchange_online(b: _Builder) -> None:
    for verdict in attribution.verdicts(b.scope):
        sender = verdict.sender
        sender_id = b.node(sender.obj, TO_EXO, 1)
        for server in _servers(b.scope, sender.obj):
            b.edge(Edge(b.node(server, TO_EXO, 0), sender_id, "sends through"))
        origin = sender_id
        if sender.certificate is not None:
            origin = b.node(sender.certificate, TO_EXO, 2)
            b.edge(Edge(sender_id, origin, f"presents ({sender.certificate_pointer[0]})"))
        certain = [p for p in verdict.problems if p.certain]
        subjects: list[Object | Certificate] = [sender.obj]
        if sender.certificate is not None:
            subjects.append(sender.certificate)
        if verdict.connector is not None:
            how = "attributed by certificate" if verdict.method == "certificate" else "attributed by IP"
            state = BROKEN if certain else (DOUBT if verdict.problems else OK)
            codes = tuple(dict.fromkeys(p.code for p in certain))
            rules = b.reporting(codes, [*subjects, verdict.connector, *_targets(certain)])
            b.edge(Edge(origin, b.node(verdict.connector, TO_EXO, 3), how, state, codes, rules))
            if state != BROKEN:
                continue
        for problem in certain if verdict.connector is None else ():
            targets = [t for t in _targets([problem]) if t.kind == "InboundConnector"]
            catching = [
                r.target
                for r in problem.related
                if isinstance(r.target, Object) and r.target.get("ConnectorType") == "Partner"
            ]
            if problem.cause == attribution.PARTNER_RESTRICTED and catching:
                targets = catching  # the Partner connector rejects it, not the one to repair
            rules = b.reporting((problem.code,), [*subjects, *_targets([problem])])
            label = _CAUSES.get(problem.cause, problem.cause.replace("-", " "))
            if not targets:
                ndr = b.node(f"NDR:{problem.code}", TO_EXO, 3)
                b.edge(Edge(origin, ndr, label, BROKEN, (problem.code,), rules))
            for target in targets:
                b.edge(Edge(origin, b.node(target, TO_EXO, 3), label, BROKEN, (problem.code,), rules))
        if verdict.outcome == attribution.UNKNOWN and verdict.connector is None:
            why = sender.certificate_note or "Exchange Online's side is not known"
            b.edge(Edge(origin, b.node("Unknown:not known", TO_EXO, 3), why, DOUBT))


_CAUSES = {
    "no-connector": "no OnPremises connector matches",
    "certificate-not-covered": "certificate not accepted",
    "certificate-wildcard-only": "matched only by a wildcard",
    "ip-not-listed": "egress address not listed",
    "relay-host-unmatched": "no connector matches",
    "partner-restricted": "caught by a Partner connector",
    "certificate-name-not-accepted": "certificate name not an accepted domain",
    "certificate-domain-not-accepted": "certificate domain not accepted",
    "mail-from-not-accepted": "MAIL FROM domain not accepted",
    "connector-identifies-nothing": "connector identifies nothing",
}


def _targets(problems: Iterable[object]) -> list[Object]:
    found: dict[int, Object] = {}
    for problem in problems:
        for fix in getattr(problem, "fixes", ()):
            found.setdefault(id(fix.target), fix.target)
    return list(found.values())


def _to_onpremises(b: _Builder) -> None:
    receivers = hybrid.cloud_receive_connectors(b.scope)
    for outbound in hybrid.onpremises_outbound(b.scope):
        outbound_id = b.node(outbound, TO_ONPREM, 0)
        wanted = outbound.get("TlsDomain")
        validates = isinstance(wanted, str) and bool(wanted.strip())
        validates = validates and str(outbound.get("TlsSettings", "")).lower() == "domainvalidation"
        for receiver in receivers:
            receiver_id = b.node(receiver, TO_ONPREM, 1)
            presented = hybrid.receive_certificate(b.scope, receiver)
            label, state = "delivers to", PLAIN
            codes: tuple[str, ...] = ()
            rules: tuple[str, ...] = ()
            if presented is not None:
                cert_id = b.node(presented.certificate, TO_ONPREM, 2)
                b.edge(Edge(receiver_id, cert_id, f"presents ({presented.property})"))
                if validates:
                    coverage, _ = best_coverage(str(wanted), presented.certificate.names)
                    reports = [
                        f for f in b.on(outbound) if any(b.owns(receiver, r) for r in f.related) and f.ndr
                    ]
                    codes = tuple(dict.fromkeys(c for f in reports for c in f.ndr))
                    rules = tuple(sorted({f.rule_id for f in reports}))
                    if coverage is Coverage.NONE:
                        label, state = f"TlsDomain {wanted} not on the certificate", BROKEN
                    elif coverage is Coverage.WILDCARD_CERTIFICATE or reports:
                        label, state = f"TlsDomain {wanted} only through a wildcard", DOUBT
                    else:
                        label, state = f"TlsDomain {wanted} on the certificate", OK
            b.edge(Edge(outbound_id, receiver_id, label, state, codes, rules))
