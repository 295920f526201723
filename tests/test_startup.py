"""Start-up stays small: ``exolint --version`` and ``--help`` import only what they need.

The budget is checked with ``python -X importtime`` in a child process (which modules load, never
how long they take): exolint's own modules against an allow-list, and no third-party module
beyond what the interpreter itself loads at start-up (``python -c pass``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def imported(*args: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *args], capture_output=True, text=True, env=env, check=False
    )
    return {
        line.split("|")[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and not line.rstrip().endswith("package")
    }


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (["--version"], {"linter", "linter.cli", "linter.errors"}),
        (
            ["--help"],
            {"linter", "linter.cli", "linter.errors", "linter.commands", "linter.commands.options"},
        ),
    ],
)
def test_import_budget(args: list[str], allowed: set[str]) -> None:
    interpreter = imported("-c", "pass")
    loaded = imported("-m", "linter", *args)
    assert "linter.cli" in loaded  # the measurement itself works
    own = {m for m in loaded if m.split(".")[0] == "linter"}
    assert own <= allowed, f"exolint {' '.join(args)} imports {sorted(own - allowed)}"
    third_party = {
        m
        for m in loaded - interpreter
        if m.split(".")[0] not in sys.stdlib_module_names and m.split(".")[0] != "linter"
    }
    assert not third_party, f"exolint {' '.join(args)} imports {sorted(third_party)}"


CHECK_LEAVES_OUT = {
    "pickle": "the cache, which --no-cache never opens",
    "linter.lint.cache": "the cache, which --no-cache never opens",
    "jsonschema": "valid definitions, which need no validator's message",
    "cryptography.hazmat.primitives.serialization.pkcs7": "PEM certificates, not a PKCS#7 bundle",
    "email.policy": "PEM certificates, not a PKCS#7 bundle",
    "difflib": "no misspelt kind or key to suggest a spelling for",
    "linter.report.baseline": "no --baseline or --diff-base",
    "linter.report.flow": "no markdown report",
}


def modules_after(*args: str) -> set[str]:
    """The modules loaded once ``exolint ARGS`` has run (beyond the bare interpreter's), seen from
    inside: -X importtime does not show modules loaded with importlib.import_module."""
    code = (
        "import contextlib, io, sys\n"
        "before = set(sys.modules)\n"
        "from linter.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main({list(args)!r})\n"
        "print('\\n'.join(sorted(set(sys.modules) - before)))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return set(done.stdout.split())


def test_a_plain_check_imports_only_what_it_uses() -> None:
    """``check --no-cache --format json`` of a clean repository with a PEM certificate: only the
    check command, and none of what that run has no use for."""
    example = str(REPO / "examples" / "contoso-healthy")
    loaded = modules_after(
        "check", "--no-cache", "--as-of", "2026-06-01", "--format", "json", "--root", example, example
    )
    assert "cryptography.x509" in loaded and "linter.lint.engine" in loaded  # it did lint
    commands = {m for m in loaded if m.startswith("linter.commands.")}
    assert commands == {"linter.commands.check", "linter.commands.options"}
    unused = {m: why for m, why in CHECK_LEAVES_OUT.items() if m in loaded}
    assert not unused, f"exolint check imports {unused}"


def test_a_command_gets_its_own_arguments(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(tmp_path, "rules", "--format", "markdown")
    assert code == 0 and out.startswith("# exolint rules")
    code, _, err = cli(tmp_path, "nosuchcommand")
    assert code == 2 and "nosuchcommand" in err


def _program(tmp_path: Path, *code: str) -> subprocess.CompletedProcess[str]:
    # buffered output, as a user's is (PYTHONUNBUFFERED would hide a missing flush)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"} | {"PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", "\n".join(code)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )


def test_the_program_exits_with_the_code_and_all_its_output(tmp_path: Path) -> None:
    """The program's quick exit keeps what an ordinary exit does: the exit code, every byte of
    output (here more than a pipe holds), and the exit handlers, which may still write."""
    done = _program(
        tmp_path,
        "import atexit, sys",
        "atexit.register(lambda: print('handler ran'))",
        "sys.argv = ['exolint', 'rules', '--format', 'markdown']",
        "from linter.cli import entry",
        "entry()",
    )
    in_process = subprocess.run(
        [sys.executable, "-c", "from linter.cli import main; main(['rules', '--format', 'markdown'])"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        cwd=tmp_path,
        check=True,
    )
    assert done.returncode == 0, done.stderr
    assert len(in_process.stdout) > 65536
    assert done.stdout == in_process.stdout + "handler ran\n"
    usage = _program(tmp_path, "import sys", "sys.argv = ['exolint', 'check']", "import linter.__main__")
    assert usage.returncode == 2
    assert usage.stderr.startswith("exolint: ") and usage.stdout == ""


def test_the_program_waits_for_a_thread_still_running(tmp_path: Path) -> None:
    done = _program(
        tmp_path,
        "import sys, threading, time",
        "threading.Thread(target=lambda: (time.sleep(0.2), print('thread done'))).start()",
        "sys.argv = ['exolint', '--version']",
        "from linter.cli import entry",
        "entry()",
    )
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == "thread done"


def test_the_collector_waits_for_start_up_then_runs_as_configured() -> None:
    import gc

    from linter.cli import STARTUP_OBJECTS, _first_collection_later

    configured = gc.get_threshold()
    callbacks = list(gc.callbacks)
    try:
        _first_collection_later()
        assert gc.get_threshold()[0] == max(configured[0], STARTUP_OBJECTS)
        gc.collect()  # the first pass, however it comes
        assert gc.get_threshold() == configured
        assert gc.callbacks == callbacks
    finally:
        gc.set_threshold(*configured)
        gc.callbacks[:] = callbacks


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked only where there is fork")
def test_a_forked_worker_collects_as_configured() -> None:
    code = "\n".join(
        [
            "import gc, os",
            "from linter.cli import _first_collection_later",
            "configured = gc.get_threshold()",
            "_first_collection_later()",
            "pid = os.fork()",
            "if pid == 0:",
            "    os._exit(0 if gc.get_threshold() == configured else 1)",
            "_, status = os.waitpid(pid, 0)",
            "assert gc.get_threshold() != configured  # the parent still waits",
            "raise SystemExit(os.waitstatus_to_exitcode(status))",
        ]
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
