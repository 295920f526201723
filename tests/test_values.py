"""linter.values.dataclass behaves as the standard library's dataclass: each class shape exolint
uses is declared both ways and the two are compared method by method."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import operator
import re
from typing import Any

import pytest

from linter import values

OPTIONS = [
    {},
    {"frozen": True},
    {"frozen": True, "order": True},
    {"order": True},
    {"eq": False},
    {"frozen": True, "eq": False},
    {"repr": False},
    {"slots": True},
    {"frozen": True, "order": True, "slots": True},
]


def declare(decorator: Any, options: dict[str, bool], documented: bool = True) -> type:
    class Sample:
        name: str
        size: int
        items: tuple[int, ...] = ()
        extra: dict[str, Any] = dataclasses.field(default_factory=dict)
        hidden: bytes = dataclasses.field(default=b"", repr=False, compare=False)
        later: list[int] = dataclasses.field(default_factory=list, init=False)

    if documented:
        Sample.__doc__ = "A sample."
    return decorator(**options)(Sample)  # type: ignore[no-any-return]


def declare_both(options: dict[str, bool], documented: bool = True) -> tuple[type, type]:
    ours = declare(values.dataclass, options, documented)
    theirs = declare(dataclasses.dataclass, options, documented)
    return ours, theirs


def outcome(action: Any, *args: Any) -> Any:
    try:
        return ("value", action(*args))
    except Exception as exc:  # the kind and message of an error are behaviour too
        return ("raises", type(exc).__name__, str(exc))


@pytest.mark.parametrize("options", OPTIONS, ids=repr)
def test_the_same_as_the_standard_library(options: dict[str, bool]) -> None:
    ours, theirs = declare_both(options)
    assert dataclasses.is_dataclass(ours)
    assert [(f.name, f.type, f.default, f.repr, f.compare, f.init) for f in dataclasses.fields(ours)] == [
        (f.name, f.type, f.default, f.repr, f.compare, f.init) for f in dataclasses.fields(theirs)
    ]
    assert str(inspect.signature(ours)) == str(inspect.signature(theirs))
    assert ours.__match_args__ == theirs.__match_args__  # type: ignore[attr-defined]
    assert ours.__doc__ == theirs.__doc__
    assert (ours.__hash__ is None) == (theirs.__hash__ is None)
    assert (ours.__hash__ is object.__hash__) == (theirs.__hash__ is object.__hash__)
    assert (ours.__repr__ is object.__repr__) == (theirs.__repr__ is object.__repr__)
    for name in ("__init__", "__repr__", "__eq__", "__lt__", "__setattr__", "__hash__"):
        assert (name in ours.__dict__) == (name in theirs.__dict__), name
    cases = [
        ("a", 1),
        ("a", 1, (2,)),
        ("a", 1, (2,), {"k": 1}),
        ("a", 1, (2,), {"k": 1}, b"x"),
        ("b", 0),
        ("a", 1.0),
        ("a", float("nan")),
    ]
    for left in cases:
        for right in cases:
            a, b = ours(*left), ours(*right)
            x, y = theirs(*left), theirs(*right)
            for op in ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"):
                assert outcome(getattr(a, op), b) == outcome(getattr(x, op), y), (op, left, right)
            assert outcome(operator.eq, a, 1) == outcome(operator.eq, x, 1)
            assert outcome(operator.lt, a, 1) == outcome(operator.lt, x, 1)
        one, two = ours(*left), theirs(*left)
        if options.get("repr", True):
            assert repr(one) == repr(two)
        if theirs.__hash__ is not object.__hash__:  # else both hash by identity
            assert outcome(hash, one) == outcome(hash, two)
        assert outcome(setattr, one, "name", "z") == outcome(setattr, two, "name", "z")
        if not (options.get("slots") and options.get("frozen")):
            # CPython 3.11's own guard of a frozen class with slots fails with a TypeError here
            # (it names the class before slots were added); this one refuses as it should
            assert outcome(setattr, one, "other", 1) == outcome(setattr, two, "other", 1)
        assert outcome(delattr, one, "size") == outcome(delattr, two, "size")
        assert len(left) > 3 or ours(*left).extra is not ours(*left).extra  # a fresh default each time
        assert dataclasses.asdict(ours(*left)) == dataclasses.asdict(theirs(*left))
        changed = dataclasses.replace(ours(*left), size=9)
        assert changed == ours(left[0], 9, *left[2:]) or not options.get("eq", True)
        assert repr(copy.deepcopy(ours(*left))) == repr(ours(*left)) or not options.get("repr", True)
    assert outcome(ours) == outcome(theirs)
    assert outcome(lambda: ours("a", 1, later=[])) == outcome(lambda: theirs("a", 1, later=[]))


@pytest.mark.parametrize("options", [{}, {"frozen": True}], ids=repr)
def test_an_undocumented_class_is_described_as_the_standard_library_does(options: dict[str, bool]) -> None:
    ours, theirs = declare_both(options, documented=False)
    assert ours.__doc__ == theirs.__doc__
    assert ours.__doc__.startswith("Sample(name: 'str', size: 'int'")


def test_a_recursive_value_repr_stops() -> None:
    @values.dataclass
    class Node:
        children: list[Any]

    node = Node([])
    node.children.append(node)
    assert repr(node) == "test_a_recursive_value_repr_stops.<locals>.Node(children=[...])"


def test_order_needs_eq_as_in_the_standard_library() -> None:
    with pytest.raises(ValueError, match="eq must be true if order is true"):

        @values.dataclass(order=True, eq=False)
        class Ordered:
            a: int


def test_what_it_does_not_offer_is_refused() -> None:
    with pytest.raises(TypeError, match="__post_init__"):

        @values.dataclass
        class Later:
            a: int

            def __post_init__(self) -> None:
                pass


def test_exolint_declares_its_dataclasses_with_it() -> None:
    """No class of exolint pays the standard library's price by accident."""
    from pathlib import Path

    for path in (Path(values.__file__).parent).rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "@dataclasses.dataclass" not in text, path
        if re.search(r"^@dataclass(\(|$)", text, re.MULTILINE):
            assert "from linter.values import dataclass" in text, path
