"""Report renderers, chosen by name. Each is pure: a report in, text out, standard library only.

A renderer's module is imported when it is first asked for, so a run pays only for the formats
it writes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from importlib import import_module

_MODULES = {
    "text": "text",
    "json": "json_format",
    "sarif": "sarif",
    "github": "github",
    "gitlab": "gitlab",
    "junit": "junit",
    "markdown": "markdown",
}


class _Formatters(Mapping[str, Callable[..., str]]):
    def __getitem__(self, name: str) -> Callable[..., str]:
        render: Callable[..., str] = import_module(f"linter.report.formatters.{_MODULES[name]}").render
        return render

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


FORMATTERS: Mapping[str, Callable[..., str]] = _Formatters()
