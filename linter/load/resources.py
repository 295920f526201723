"""Where the rules and schemas that ship with exolint live, in a checkout and in a wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def data_dir(name: str) -> Path:
    """``rules`` or ``schemas``: inside the package in a wheel, beside it in a checkout.

    Inside first: installed, "beside" is site-packages, where another distribution's folder of
    the same name could stand."""
    here = Path(__file__).resolve().parent.parent  # the linter package, above load/
    for candidate in (here / name, here.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"exolint's {name}/ folder is missing from {here.parent}; reinstall exolint")
