"""`exolint graph` and the Markdown report's pictures: the mail flow with the verdict on each edge."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO
from mermaid_syntax import MermaidSyntaxError, parse

RENEWED = REPO / "examples" / "contoso-renewed-certificate"
HEALTHY = REPO / "examples" / "contoso-healthy"
HOSTILE = (
    'Evil"] --> x["pwned #quot; <img src=x onerror=alert(1)> %%{init: {}}%%'
    '\nend\nsubgraph z[""] | click x call alert() ; classDef a fill:red'
)


def _graph(cli, root: Path, *args: str) -> str:  # type: ignore[no-untyped-def]
    code, out, err = cli(root, "graph", "--root", str(root), *args)
    assert code == 0, err
    return str(out)


def _hostile_copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(RENEWED, root)
    path = root / "onprem" / "send-connector.yaml"
    text = path.read_text().replace(
        "Name: Outbound to Office 365 - 4f2c8a6e-1d3b-4c5a-9e7f-2b8d0c6a1e94", f"Name: {json.dumps(HOSTILE)}"
    )
    path.write_text(text)
    return root


def test_renewed_example_shows_the_rejected_certificate_edge_in_red(cli) -> None:  # type: ignore[no-untyped-def]
    chart = parse(_graph(cli, RENEWED))
    senders = [i for i, label in chart.nodes.items() if label.startswith("Send connector\n")]
    assert len(senders) == 1
    certificates = [
        t for s, _, _, t in chart.edges if s == senders[0] and chart.nodes[t].startswith("Certificate")
    ]
    assert [chart.nodes[c] for c in certificates] == [
        "Certificate\nCN=smtp.contoso.com, O=Contoso Ltd, L=Redmond, S=Washington, C=US"
    ]
    red = chart.red_edges()
    onward = [(label, target) for source, label, target in red if source == chart.nodes[certificates[0]]]
    assert len(onward) == 1
    label, target = onward[0]
    assert "550 5.7.64" in label and "EX601" in label
    assert target.startswith("Inbound connector\nInbound from 4f2c8a6e")
    # the other direction: Exchange Online's TLS check of the receive side (EX205)
    assert any("EX205" in label and source.startswith("Outbound connector") for source, label, _ in red)


def test_healthy_example_has_no_red_edge(cli) -> None:  # type: ignore[no-untyped-def]
    chart = parse(_graph(cli, HEALTHY))
    assert chart.edges and not chart.red_edges()
    attributed = [label for _, _, label, _ in chart.edges if label.startswith("attributed")]
    assert attributed == ["attributed by certificate"]


def test_parser_rejects_what_mermaid_rejects() -> None:
    good = 'flowchart LR\n  a["x"]\n  b["y"]\n  a -->|"z"| b\n  linkStyle 0 stroke:#d1242f\n'
    parse(good)
    for broken in (
        good.replace("flowchart LR", "graph"),
        good.replace('a["x"]', 'a["x"y"]'),
        good.replace("a -->", "c -->"),
        good.replace("linkStyle 0", "linkStyle 1"),
        good.replace('b["y"]', 'b["<b>y</b>"]'),
        'flowchart LR\n  subgraph s["t"]\n  a["x"]\n',
    ):
        with pytest.raises(MermaidSyntaxError):
            parse(broken)


def test_names_from_files_cannot_break_the_chart(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = _hostile_copy(tmp_path)
    text = _graph(cli, root)
    chart = parse(text)  # still one well-formed chart
    assert "<img" not in text and "%%" not in text and "\nend\nsubgraph z" not in text
    sender = next(label for label in chart.nodes.values() if label.startswith("Send connector"))
    assert sender == "Send connector\n" + HOSTILE
    html = _graph(cli, root, "--format", "html")
    assert "<img" not in html and "<script" not in html.lower()


def test_markdown_report_draws_each_touched_deployment(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(REPO, "check", "--root", str(REPO), str(RENEWED), "--format", "markdown")
    assert code == 1
    assert "| EX601 |" in out
    blocks = out.split("```mermaid\n")[1:]
    assert len(blocks) == 1
    chart = parse(blocks[0].split("```")[0])
    assert any("5.7.64" in label for _, label, _ in chart.red_edges())


def test_html_is_self_contained(cli) -> None:  # type: ignore[no-untyped-def]
    html = _graph(cli, RENEWED, "--format", "html")
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html and "<link" not in html


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(_chromium() is None, reason="no Chromium on this machine (apt-get install chromium)")
@pytest.mark.parametrize(("example", "broken"), [(RENEWED, True), (HEALTHY, False)])
def test_html_in_a_real_browser_shows_the_broken_edge(
    cli,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    example: Path,
    broken: bool,
) -> None:
    from html.parser import HTMLParser

    page = tmp_path / "flow.html"
    _graph(cli, example, "--format", "html", "--output", str(page))
    browser = _chromium()
    assert browser is not None
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    class Edges(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[dict[str, str | None]] = []
            self.svg = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = dict(attrs)
            self.svg += tag == "svg"
            if tag == "g" and "edge" in (values.get("class") or "").split():
                self.found.append(values)

    edges = Edges()
    edges.feed(done.stdout)  # the DOM as Chromium built it from the file
    assert edges.svg == 1 and edges.found
    red = [e for e in edges.found if "broken" in (e.get("class") or "").split()]
    if broken:
        assert any(
            "550 5.7.64" in (e.get("data-codes") or "") and "EX601" in (e.get("data-rules") or "")
            for e in red
        )
    else:
        assert red == []


def test_relay_host_without_connector_and_partner_that_catches(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import test_scenarios as sc
    from files import write_files

    root = write_files(tmp_path / "relay", {**sc.hybrid_repo(), "devices/mfp.yaml": sc.MFP})
    red = parse(_graph(cli, root)).red_edges()
    assert ("no connector matches: 550 5.7.64 (EX604)", "NDR\n550 5.7.64") in {(e[1], e[2]) for e in red}
    assert all(source.startswith("Relay host") for source, _, _ in red)

    root = write_files(
        tmp_path / "partner", {**sc.hybrid_repo(leaf="smtp"), "exo/mail-filter.yaml": sc.FILTER}
    )
    red = parse(_graph(cli, root)).red_edges()
    caught = [(label, target) for _, label, target in red if "5.7.51" in label]
    assert len(caught) == 1
    assert "EX608" in caught[0][0] and caught[0][1].startswith(
        "Inbound connector\nInbound from the mail filter"
    )


def test_markdown_with_diff_base_draws_only_the_changed_deployment(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from worktree import clean_env

    root = tmp_path / "repo"
    shutil.copytree(HEALTHY, root / "healthy")
    shutil.copytree(RENEWED, root / "renewed")

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, env=clean_env(), capture_output=True, check=True)

    git("init", "-q")
    git("-c", "user.email=t@example.com", "-c", "user.name=T", "add", "-A")
    git("-c", "user.email=t@example.com", "-c", "user.name=T", "commit", "-qm", "two deployments")
    _, out, _ = cli(root, "check", "--diff-base", "HEAD", "--format", "markdown")
    assert "```mermaid" not in out  # nothing changed: nothing to draw
    inbound = root / "renewed" / "exo" / "inbound-connector.yaml"
    inbound.write_text(inbound.read_text() + "# reviewed\n")
    _, out, _ = cli(root, "check", "--diff-base", "HEAD", "--format", "markdown")
    assert out.count("```mermaid") == 1 and "### Mail flow of renewed" in out
