"""rules/compiled.json: the built-in rule files as the parser reads them, so a run need not parse
them. Current with the files, giving the very rules parsing gives, and used only for a file whose
bytes are those it was compiled from."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest

from linter.lint import rules as rules_module
from linter.lint.rules import COMPILED, RuleError, compiled_rules, load_rules
from linter.load.resources import data_dir

REPO = Path(__file__).resolve().parent.parent
EX301 = "rules/accepted/EX301-match-subdomains-needs-internal-relay.yaml"


def test_the_compiled_rules_are_current(update_golden: bool) -> None:
    committed = REPO / "rules" / COMPILED
    generated = compiled_rules()
    if update_golden:
        committed.write_text(generated, encoding="utf-8")
    assert committed.read_text(encoding="utf-8") == generated, (
        "rules/compiled.json is stale: run pytest --update-golden"
    )


def test_compiled_and_parsed_rules_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = load_rules()
    monkeypatch.setattr(rules_module, "_read_compiled", lambda builtin: {})
    parsed = load_rules()
    assert compiled == parsed
    for a, b in zip(compiled, parsed, strict=True):
        # repr tells 1 from 1.0 and True, and a tuple from a list, where == does not
        assert repr(dataclasses.replace(a, prepared=None)) == repr(dataclasses.replace(b, prepared=None))


def _entry(path: Path, **changes: object) -> dict[str, object]:
    raw = path.read_bytes()
    data = rules_module._parse(EX301, raw.decode("utf-8")).data[0]
    return {"sha256": hashlib.sha256(raw).hexdigest(), "data": {**data, **changes}}


def test_an_entry_is_used_only_for_the_bytes_it_was_compiled_from(tmp_path: Path) -> None:
    original = data_dir("rules").parent / EX301
    copy = tmp_path / "EX301.yaml"
    copy.write_bytes(original.read_bytes())
    compiled = {EX301: _entry(original, summary="As compiled.")}
    rule, _ = rules_module._load(copy, EX301, trusted=True, custom=False, compiled=compiled)
    assert rule.summary == "As compiled."
    copy.write_bytes(original.read_bytes().replace(b"summary: ", b"summary: Edited. "))
    rule, _ = rules_module._load(copy, EX301, trusted=True, custom=False, compiled=compiled)
    assert rule.summary.startswith("Edited. ")
    # an organisation's rule is never taken from it
    rule, _ = rules_module._load(original, EX301, trusted=False, custom=False, compiled=compiled)
    assert rule.summary != "As compiled."


def test_a_mistake_in_a_compiled_rule_is_reported_at_its_line() -> None:
    original = data_dir("rules").parent / EX301
    text = original.read_text(encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.strip() == "name: match")
    data = _entry(original)["data"]
    assert isinstance(data, dict)
    compiled = {EX301: _entry(original, check={**data["check"], "name": "no-such-check"})}
    with pytest.raises(RuleError, match="no-such-check") as caught:
        rules_module._load(original, EX301, trusted=True, custom=False, compiled=compiled)
    assert caught.value.line == line
