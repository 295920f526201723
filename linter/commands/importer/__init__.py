"""``exolint import``: PowerShell exports -> definition files.

Reads ``Get-* | ConvertTo-Json`` output (EXO and on-premises) and Microsoft365DSC ``.ps1``
exports, writes one YAML file per kind (or per object with ``--split``) into ``--output``. The
files start with a provenance comment and hold no timestamps, so a second run gives the same
bytes; a file exolint did not write is never overwritten without ``--force``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from linter.domain.untrusted import printable

if TYPE_CHECKING:
    from linter.commands.importer.exports import Imported, Outcome

IMPORTABLE = (
    "InboundConnector",
    "OutboundConnector",
    "AcceptedDomain",
    "SendConnector",
    "ReceiveConnector",
    "ExchangeCertificate",
)
MARKER = "# Written by exolint import"
MAX_INPUT_BYTES = 64 * 1024 * 1024


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "sources",
        nargs="+",
        metavar="EXPORT",
        help="ConvertTo-Json exports (.json, UTF-8 or UTF-16) and Microsoft365DSC configurations (.ps1)",
    )
    parser.add_argument(
        "--kind",
        choices=IMPORTABLE,
        help="the kind of every record in the JSON exports (default: told from each record's properties)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="directory the definitions are written to (default: the current directory)",
    )
    parser.add_argument("--split", action="store_true", help="one file per object instead of one per kind")
    parser.add_argument(
        "--force", action="store_true", help="overwrite files that exolint import did not write"
    )


def run(args: argparse.Namespace) -> bool:
    from linter.commands.importer.exports import Note, Outcome, json_records, merge_certificates, normalise

    outcome = Outcome()
    notes: list[Note] = []
    for raw in args.sources:
        path = Path(raw)
        text, problem = _read(path, raw)
        if problem is not None:
            outcome.problems.append(Note(raw, 1, problem))
            continue
        assert text is not None
        if path.suffix.lower() == ".ps1":
            from linter.commands.importer import dscread

            result = dscread.read(raw, text)
            outcome.problems.extend(result.problems)
            notes.extend(result.notes)
            if not result.records and not result.notes and not result.problems:
                outcome.problems.append(
                    Note(
                        raw,
                        1,
                        "holds no EXOInboundConnector, EXOOutboundConnector or EXOAcceptedDomain block",
                    )
                )
            for record in result.records:
                normalise(record, outcome)
        else:
            records, problems = json_records(raw, text)
            outcome.problems.extend(problems)
            for record in records:
                normalise(record, outcome, args.kind)
    outcome.objects = _unique(merge_certificates(outcome.objects), outcome)
    notes.extend(
        Note(
            o.path,
            o.line,
            f'ExchangeCertificate "{o.props["Thumbprint"]}": add File, the public certificate '
            "(Export-ExchangeCertificate), so rules can read its names and dates",
        )
        for o in outcome.objects
        if o.kind == "ExchangeCertificate"
    )
    order = {raw: i for i, raw in enumerate(args.sources)}
    for line in sorted([*notes, *outcome.problems], key=lambda p: (order.get(p.path, 0), p.line)):
        print(printable(str(line)))
    _print_dropped(outcome)
    if any(p.refused for p in outcome.problems):
        print("exolint import: nothing written; export again as the lines above say")
        return True
    files = _files(args, outcome.objects)
    if args.output.exists() and not args.output.is_dir():
        from linter.errors import UsageError

        raise UsageError(f"{args.output}: --output must name a directory")
    _guard(files, args.force)
    from linter.load.files import write_atomic

    for target, text, count in files:
        write_atomic(target, text)
        print(f"wrote {target.as_posix()} ({count} object{'s' if count != 1 else ''})")
    if outcome.problems:
        print(f"{len(outcome.problems)} problem(s) above: the definitions leave those values out")
        return True
    return False


def _read(path: Path, raw: str) -> tuple[str | None, str | None]:
    from linter.errors import UsageError
    from linter.load.files import NotARegularFile, TooLarge, read_regular
    from linter.load.loader import decode

    try:
        data = read_regular(path, MAX_INPUT_BYTES)
    except TooLarge:
        return None, f"is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB; export fewer objects per file"
    except NotARegularFile as exc:
        raise UsageError(f"{raw}: is {exc.what}, not a file; save the export to a file first") from None
    except FileNotFoundError:
        raise UsageError(f"{raw}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{raw}: cannot be read ({exc.strerror})") from None
    text, bad = decode(data)
    if text is None:
        return None, (
            f"is not UTF-8 or UTF-16 text with a byte-order mark (byte {bad}); write it with "
            "Out-File or Set-Content -Encoding utf8"
        )
    return text, None


def _unique(objects: list[Imported], outcome: Outcome) -> list[Imported]:
    from linter.commands.importer.exports import Note
    from linter.model import identity_of

    seen: dict[tuple[str, str], Imported] = {}
    kept: list[Imported] = []
    for obj in objects:
        key = (obj.kind, identity_of(obj.kind, obj.props).casefold())
        first = seen.get(key)
        if first is not None:
            outcome.problems.append(
                Note(
                    obj.path,
                    obj.line,
                    f'{obj.kind} "{identity_of(obj.kind, obj.props)}" is also in {first.path}:{first.line}; '
                    "kept that one: remove one of the two exports",
                )
            )
            continue
        seen[key] = obj
        kept.append(obj)
    return kept


def _print_dropped(outcome: Outcome) -> None:
    for path, names in outcome.dropped.items():
        if names:
            shown = ", ".join(sorted(names, key=str.casefold))
            print(
                f"{path}: left out {len(names)} propert{'ies' if len(names) != 1 else 'y'} that "
                f"definitions do not carry (read-only, not modelled, or reserved and unset): {shown}"
            )


def _ordered(obj: Imported) -> dict[str, object]:
    from linter.objects.definitions import kind_schema

    ks = kind_schema(obj.kind)
    names = [ks.identity, *(n for n in ks.schema["properties"] if n not in ("kind", ks.identity))]
    return {"kind": obj.kind, **{n: obj.props[n] for n in names if n in obj.props}}


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "unnamed"


def _command(args: argparse.Namespace) -> str:
    parts = ["exolint import", *(Path(s).name for s in args.sources)]
    if args.kind:
        parts.append(f"--kind {args.kind}")
    if args.split:
        parts.append("--split")
    return " ".join(parts)


def _files(args: argparse.Namespace, objects: list[Imported]) -> list[tuple[Path, str, int]]:
    from linter.commands.importer.yamlemit import documents
    from linter.load.resources import kind_schemas
    from linter.model import identity_of

    groups: dict[str, list[Imported]] = {}
    for obj in objects:
        groups.setdefault(obj.kind, []).append(obj)
    batches: list[tuple[str, list[Imported]]] = []
    used: set[str] = set()
    for kind in IMPORTABLE:
        members = sorted(
            groups.get(kind, []),
            key=lambda o: (identity_of(kind, o.props).casefold(), identity_of(kind, o.props)),
        )
        stem = kind_schemas()[kind]
        if not args.split:
            if members:
                batches.append((f"{stem}.yaml", members))
            continue
        for obj in members:
            name = f"{stem}-{_slug(identity_of(kind, obj.props))}"
            candidate, n = name, 2
            while candidate in used:
                candidate, n = f"{name}-{n}", n + 1
            used.add(candidate)
            batches.append((f"{candidate}.yaml", [obj]))
    files: list[tuple[Path, str, int]] = []
    for filename, members in batches:
        sources = ", ".join(dict.fromkeys(Path(o.path).name for o in members))
        header = f"{MARKER} from {sources}; a new import overwrites this file.\n# {_command(args)}\n"
        files.append(
            (args.output / filename, documents(header, [_ordered(o) for o in members]), len(members))
        )
    return files


def _guard(files: list[tuple[Path, str, int]], force: bool) -> None:
    """Refuse, before writing anything, to replace a file exolint import did not write."""
    from linter.errors import UsageError

    if force:
        return
    for target, _, _ in files:
        if not target.exists():
            continue
        try:
            with target.open("rb") as handle:
                first = handle.readline().decode("utf-8", "replace")
        except OSError as exc:
            raise UsageError(f"{target}: cannot be read ({exc.strerror})") from None
        if not first.startswith(MARKER):
            raise UsageError(
                f"{target}: exists and was not written by exolint import; pass --force to replace it, "
                "or choose another --output"
            )
