from __future__ import annotations

from pathlib import Path

import pytest
from files import write_files

REPO = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite expected outputs (fixture goldens, docs/rules.md, rules/compiled.json, "
        "schemas/exolint.schema.json)",
    )


@pytest.fixture(autouse=True, scope="session")
def cache_outside_the_repository(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every run of exolint in the suite (in this process or a child) keeps its cache in one
    temporary directory, never in the repository. ``EXOLINT_NO_CACHE=1 pytest`` runs the whole
    suite without the cache; by default it runs with it, as users do."""
    import os

    os.environ.setdefault("EXOLINT_CACHE_DIR", str(tmp_path_factory.mktemp("exolint-cache")))


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def rules():  # type: ignore[no-untyped-def]
    from linter.lint.rules import load_rules

    return load_rules()


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write {relative path: text or bytes} under tmp_path and return tmp_path."""

    def _write(files: dict[str, str | bytes]) -> Path:
        return write_files(tmp_path, files)

    return _write


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run exolint's main() in a directory; return (exit code, stdout, stderr)."""
    from linter.cli import main

    def _run(directory: Path, *args: str) -> tuple[int, str, str]:
        monkeypatch.chdir(directory)
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run
