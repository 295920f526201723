"""Report renderers, chosen by name. Each is pure: a report in, text out, standard library only."""

from __future__ import annotations

from collections.abc import Callable

from linter.model import Report
from linter.report.formatters import github, gitlab, json_format, junit, markdown, sarif, text

FORMATTERS: dict[str, Callable[..., str]] = {
    "text": text.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "github": github.render,
    "gitlab": gitlab.render,
    "junit": junit.render,
    "markdown": markdown.render,
}

__all__ = ["FORMATTERS", "Report"]
