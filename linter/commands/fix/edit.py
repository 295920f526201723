"""Repairs applied to a YAML definition file through ruamel.yaml's round trip.

Comments, key order, quoting and flow lists survive because the file is loaded into ruamel.yaml's
commented containers and written back with the layout it was written in. That layout is found, not
assumed: a file is edited only when a round trip without changes gives back exactly its text, so an
edit can never rewrite lines it was not meant to touch.
"""

from __future__ import annotations

import io
from typing import Any

from linter.model import Finding, Repair
from linter.values import dataclass

LAYOUTS = (
    (2, 4, 2),  # mapping 2, sequence 4, offset 2: how exolint's examples are written
    (2, 2, 0),  # list items at their parent's column ("- kind: ..." at the top of a file)
    (4, 4, 2),
    (4, 6, 4),
    (4, 4, 0),
    (2, 4, 0),
)
"""(mapping, sequence, offset) indentations tried in turn, with and without a leading ``---``."""


class EditError(Exception):
    """The file cannot be edited faithfully; the message says why, for ``path: message``."""


@dataclass(frozen=True)
class Refused:
    finding: Finding
    reason: str


def apply_repairs(text: str, findings: list[Finding]) -> tuple[str, list[Finding], list[Refused]]:
    """The text with the findings' repairs made, the findings repaired and those refused."""
    yaml, documents = _load(text)
    applied: list[Finding] = []
    refused: list[Refused] = []
    groups: dict[tuple[bool, tuple[Any, ...]], list[Finding]] = {}
    for finding in findings:
        assert finding.repair is not None
        groups.setdefault((finding.repair.rename, finding.repair.pointer), []).append(finding)
    for _, group in sorted(groups.items(), key=lambda item: item[0][0]):  # values first, then keys
        wanted = {f.repair.value for f in group if f.repair}
        if len(wanted) > 1:
            ids = ", ".join(sorted({f.rule_id for f in group}))
            values = " and ".join(sorted(repr(v) for v in wanted))
            reason = f"{ids} want different values here ({values}); choose one by hand"
            refused += [Refused(f, reason) for f in group]
            continue
        first = group[0]
        assert first.repair is not None
        problem = _apply(documents, first.repair)
        if problem:
            refused += [Refused(f, problem) for f in group]
        else:
            applied += group
    return (_dump(yaml, documents) if applied else text), applied, refused


def _load(text: str) -> tuple[Any, list[Any]]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    for explicit_start in (False, True):
        for mapping, sequence, offset in LAYOUTS:
            yaml = YAML(typ="rt")
            yaml.preserve_quotes = True
            yaml.width = 1 << 16  # never fold a long line the file did not fold
            yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
            yaml.explicit_start = explicit_start
            try:
                documents = list(yaml.load_all(text))
                if _dump(yaml, documents) == text:
                    return yaml, documents
            except YAMLError as exc:
                raise EditError(
                    f"ruamel.yaml cannot read it ({type(exc).__name__}); repair it by hand"
                ) from None
    raise EditError(
        "ruamel.yaml would not write it back unchanged (its indentation, line endings or layout are "
        "not one exolint can keep), so an edit could change other lines; repair it by hand"
    )


def _dump(yaml: Any, documents: list[Any]) -> str:
    out = io.StringIO()
    yaml.dump_all(documents, out)
    return out.getvalue()


def _apply(documents: list[Any], repair: Repair) -> str | None:
    """Make one repair in place; the reason when the file does not hold what ``check`` read."""
    from ruamel.yaml.comments import CommentedMap

    *parents, key = repair.pointer
    container: Any = documents
    for part in parents:
        try:
            container = container[part]
        except (IndexError, KeyError, TypeError):
            return "the file changed since it was checked (the object is not where it was); run fix again"
    if not isinstance(container, CommentedMap):
        return "the file changed since it was checked (the object is not where it was); run fix again"
    present = key in container
    current = container[key] if present else None
    changed = f"the file changed since it was checked ({key} is not as it was); run fix again"
    if repair.line is None:
        moved = current is not None  # check read no such key; now there is one
    else:
        moved = not present or container.lc.key(key)[0] + 1 != repair.line
        moved = moved or (current != repair.current and not repair.rename)
    if moved:
        return changed
    path = _path(documents, repair.pointer)  # from the document down to the container
    anchor = _shared_anchor(path[0], [*path, current])
    if anchor is not None:
        return (
            f"the value is shared through the anchor &{anchor}, which an alias repeats elsewhere; "
            "a repair here would change every place that repeats it, so write the values out and "
            "run fix again, or repair it by hand"
        )
    if repair.rename:
        return _rename(container, str(key), str(repair.value))
    if present and isinstance(current, str) and type(current) is not str:
        container[key] = type(current)(repair.value)  # the same quotes as before
    else:
        container[key] = repair.value
    return None


def _path(documents: list[Any], pointer: tuple[Any, ...]) -> list[Any]:
    """The containers from the document down to the one holding the repaired key."""
    found: list[Any] = []
    node: Any = documents
    for part in pointer[:-1]:
        node = node[part]
        found.append(node)
    return found


def _anchor(node: Any) -> str | None:
    anchor = getattr(node, "anchor", None)
    return getattr(anchor, "value", None) if anchor is not None else None


def _shared_anchor(document: Any, nodes: list[Any]) -> str | None:
    """The anchor of one of ``nodes`` that the document reaches more than once (an alias repeats
    it), else None. An anchor no alias uses is not shared."""
    anchored = {id(n): name for n in nodes if (name := _anchor(n))}
    if not anchored:
        return None
    seen: set[int] = set()
    stack = [document]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            if id(node) in anchored:
                return anchored[id(node)]
            continue  # reached again through an alias: its contents were walked already
        if isinstance(node, (dict, list)) or id(node) in anchored:
            seen.add(id(node))
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return None


def _rename(container: Any, old: str, new: str) -> str | None:
    """Write key ``old`` as ``new`` where it stands, with its value and comments."""
    if new in container:
        return f"the object has {new} already, beside {old}; keep one by hand"
    position = list(container).index(old)
    comment = container.ca.items.pop(old, None)
    value = container.pop(old)
    container.insert(position, new, value)
    if comment is not None:
        container.ca.items[new] = comment
    return None
