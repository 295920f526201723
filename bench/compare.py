"""exolint beside its peers on the same generated repositories, as ratios (never by the tests).

    python bench/compare.py                 # 5 alternating rounds, 500 and 5,000 tenants
    python bench/compare.py --rounds 3 --no-large

Every command runs in a child process of its own, the commands of one measurement alternating
round after round so a change of load on the machine hits them alike; a time is the median of
the rounds and peak RSS is the child's own (os.wait4). Each ratio is given twice: of wall-clock
times, and of CPU times (user + system, the child's own children included), which a machine
shared with other work disturbs less. Byte-code caching is on for every child
(PYTHONDONTWRITEBYTECODE is removed), as on a developer's machine.

Peers: ``python -c pass``; yamllint (``-d relaxed``); check-jsonschema (a schema that only asks
for a mapping or a list, so it measures reading and a minimal validation); the bare parse
(PyYAML's CSafeLoader loading every YAML file and ``cryptography`` every certificate file, which
is the least any linter of these files must do); ``csv.reader`` merely reading a protocol log.
yamllint and check-jsonschema are for benchmarking only: ``pip install yamllint check-jsonschema``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
AS_OF = "2026-06-01"  # the generated certificates are valid through 2026

BARE = """
import os, sys, yaml
from cryptography import x509
for directory, subdirs, names in os.walk(sys.argv[1]):
    subdirs[:] = [s for s in subdirs if not s.startswith(".")]
    for name in names:
        path = os.path.join(directory, name)
        if name.endswith((".yaml", ".yml")):
            with open(path, "rb") as stream:
                list(yaml.load_all(stream, Loader=yaml.CSafeLoader))
        elif name.endswith((".cer", ".crt", ".pem")):
            with open(path, "rb") as stream:
                x509.load_pem_x509_certificates(stream.read())
"""

TOGGLE = """
import sys
path = sys.argv[1]
with open(path, encoding="utf-8") as stream:
    text = stream.read()
mark = "# changed for the benchmark\\n"
with open(path, "w", encoding="utf-8") as stream:
    stream.write(text.replace(mark, "") if mark in text else text + mark)
"""

CSV_READ = """
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8", errors="replace") as stream:
    for row in csv.reader(stream):
        pass
"""


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    env["PYTHONPATH"] = str(REPO)
    return env


def run(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MiB) of one child (its own children included)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=cwd, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, _, usage = os.wait4(child.pid, 0)
    child.returncode = 0
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


class Measured(NamedTuple):
    wall: float  # median seconds
    cpu: float  # median CPU seconds (user + system)
    peak: float  # largest peak RSS, MiB


def measure(
    commands: dict[str, tuple[list[str], Path]], rounds: int, before: dict[str, list[str]] | None = None
) -> dict[str, Measured]:
    """name -> its measurement, running the commands in turn, round by round; ``before[name]``
    runs (unmeasured) right before each measured run of ``name``."""
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, float] = dict.fromkeys(commands, 0.0)
    for _ in range(rounds):
        for name, (command, cwd) in commands.items():
            if before and name in before:
                run(before[name], cwd)
            wall, cpu, peak = run(command, cwd)
            walls[name].append(wall)
            cpus[name].append(cpu)
            peaks[name] = max(peaks[name], peak)
    return {
        name: Measured(statistics.median(walls[name]), statistics.median(cpus[name]), peaks[name])
        for name in commands
    }


def make_repo(directory: Path, tenants: int) -> Path:
    if not directory.exists():
        subprocess.run(
            [sys.executable, str(BENCH / "make_msp_repo.py"), str(directory), "--tenants", str(tenants)],
            check=True,
            env=environment(),
            stdout=subprocess.DEVNULL,
        )
    return directory


def yaml_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.yaml") if ".exolint_cache" not in p.parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--work", type=Path, help="keep the generated repositories here (default: a temp dir)"
    )
    parser.add_argument("--no-large", action="store_true", help="skip the 5,000-tenant point")
    args = parser.parse_args()
    py = sys.executable
    for tool in ("yamllint", "check-jsonschema"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed: pip install yamllint check-jsonschema", file=sys.stderr)
            return 2
    work = args.work or Path(tempfile.mkdtemp(prefix="exolint-bench-"))
    small = make_repo(work / "small", 1)
    msp = make_repo(work / "msp500", 500)
    exolint = [py, "-m", "linter", "check", "--as-of", AS_OF, "--format", "json"]
    cold = [*exolint, "--no-cache"]
    schema = work / "schema.json"
    schema.write_text(json.dumps({"type": ["object", "array"]}), encoding="utf-8")
    rounds = args.rounds
    rows: list[tuple[str, float, float, str, str]] = []

    def ratio(label: str, a: Measured, b: Measured, goal: str) -> None:
        rows.append((label, a.wall / b.wall, a.cpu / b.cpu, goal, f"{a.wall:.3f} s / {b.wall:.3f} s"))

    start = measure(
        {"pass": ([py, "-c", "pass"], REPO), "version": ([py, "-m", "linter", "--version"], REPO)}, rounds * 4
    )
    ratio("exolint --version / python -c pass", start["version"], start["pass"], "<= 2x")

    few = measure(
        {
            "exolint": ([*cold, "--root", str(small), str(small)], small),
            "exolint-cached": ([*exolint, "--root", str(small), str(small)], small),
            "yamllint": (["yamllint", "-d", "relaxed", "."], small),
        },
        rounds * 2,
    )
    ratio("small repo (10 files) / yamllint -d relaxed .", few["exolint"], few["yamllint"], "<= 1.0x")
    ratio("  the same, second run (cache)", few["exolint-cached"], few["yamllint"], "")

    files = [str(msp / p) for p in yaml_files(msp)] + [str(p) for p in sorted(msp.rglob("*.cer"))]
    big = measure(
        {
            "bare": ([py, "-c", BARE, str(msp)], msp),
            "cold": ([*cold, "--root", str(msp), str(msp)], msp),
            "warm": ([*exolint, "--root", str(msp), str(msp)], msp),
            "changed": ([*exolint, "--root", str(msp), str(msp)], msp),
            "args": ([*cold, "--root", str(msp), *files], msp),
            "yamllint": (["yamllint", "-d", "relaxed", "."], msp),
            "check-jsonschema": (["check-jsonschema", "--schemafile", str(schema), *yaml_files(msp)], msp),
        },
        rounds,
        before={
            "warm": [*exolint, "--root", str(msp), str(msp)],
            "changed": [py, "-c", TOGGLE, str(msp / "tenant0100" / "onprem" / "send.yaml")],
        },
    )
    ratio("500-tenant repo / bare parse", big["cold"], big["bare"], "<= 3x")
    ratio(
        f"the same as {len(files):,} file arguments / as one directory", big["args"], big["cold"], "<= 1.2x"
    )
    ratio("second run, nothing changed / bare parse", big["warm"], big["bare"], "<= 0.5x")
    ratio("  one file of one tenant changed / bare parse", big["changed"], big["bare"], "")
    ratio("  yamllint -d relaxed / bare parse", big["yamllint"], big["bare"], "")
    ratio("  check-jsonschema / bare parse", big["check-jsonschema"], big["bare"], "")

    sys.path.insert(0, str(BENCH))
    from diagnose_memory import generate

    log = work / "SEND20261126-1.log"
    if not log.exists():
        generate(log, 50 << 20)
    renewed = REPO / "examples" / "contoso-renewed-certificate"
    logs = measure(
        {
            "csv": ([py, "-c", CSV_READ, str(log)], REPO),
            "diagnose": ([py, "-m", "linter", "diagnose", str(log), "--root", str(renewed)], REPO),
        },
        max(3, rounds // 2),
    )
    ratio("diagnose of a 50 MiB send log / csv.reader reading it", logs["diagnose"], logs["csv"], "<= 3x")

    width = max(len(r[0]) for r in rows)
    print(f"{'ratio':<{width}}  {'wall':>6}  {'CPU':>6}  {'goal':>7}  wall medians")
    for label, wall, cpu, goal, detail in rows:
        print(f"{label:<{width}}  {wall:>5.2f}x  {cpu:>5.2f}x  {goal:>7}  {detail}")
    print(
        f"peak RSS: 500 tenants {big['cold'].peak:.0f} MiB cold, {big['warm'].peak:.0f} MiB cached; "
        f"diagnose {logs['diagnose'].peak:.0f} MiB; bare parse {big['bare'].peak:.0f} MiB"
    )
    if not args.no_large:
        large = make_repo(work / "msp5000", 5000)
        growth = measure(
            {
                "500": ([*cold, "--root", str(msp), str(msp)], msp),
                "5000": ([*cold, "--root", str(large), str(large)], large),
            },
            max(3, rounds // 2),
            # each repository read once just before, so both are timed with their files in the page
            # cache (a machine that reclaims idle cache would otherwise time the disk instead)
            before={"500": [py, "-c", BARE, str(msp)], "5000": [py, "-c", BARE, str(large)]},
        )
        small_run, large_run = growth["500"], growth["5000"]
        print(
            f"5,000 tenants: {large_run.wall:.2f} s, {large_run.wall / small_run.wall:.1f}x the 500-tenant "
            f"time ({large_run.cpu / small_run.cpu:.1f}x its CPU; goal <= 11x), "
            f"peak RSS {large_run.peak:.0f} MiB (goal <= 150 MB)"
        )
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
