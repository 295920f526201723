"""``dataclass``: the standard library's dataclasses, made cheaper to create.

The standard library writes each method of each dataclass as source text and compiles it when the
class is created (CPython 3.11: some 100 µs a method, six to ten methods a frozen class); for the
fifty-odd dataclasses a run of ``exolint check`` imports, that was a fifth of the start-up of a
small run. Here the standard library still collects the fields (``dataclasses.fields``,
``replace``, ``asdict`` and ``is_dataclass`` work as ever), ``__init__`` is compiled as it would
be (instances are created by the thousand), and ``__repr__``, ``__eq__``, ``__hash__``, the order
methods and the frozen guards are shared functions over the class's fields, which give what the
standard library's give. Only what exolint uses is offered: no ``__post_init__``, ``InitVar`` or
keyword-only fields.

One difference shows only to introspection: ``__dataclass_params__`` records init, repr and eq as
false and frozen as false, since the standard library wrote none of those methods.
"""

from __future__ import annotations

import dataclasses
import inspect
import operator
import reprlib
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")


class _Factory:
    """The default an ``__init__`` parameter shows for a field with a default factory."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


@overload
def dataclass(cls: type[T], /) -> type[T]: ...


@overload
def dataclass(
    *, repr: bool = True, eq: bool = True, order: bool = False, frozen: bool = False, slots: bool = False
) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def dataclass(
    cls: type[T] | None = None,
    /,
    *,
    repr: bool = True,
    eq: bool = True,
    order: bool = False,
    frozen: bool = False,
    slots: bool = False,
) -> type[T] | Callable[[type[T]], type[T]]:
    """``@dataclass`` or ``@dataclass(frozen=True, order=True, ...)``, as the standard library's."""

    def wrap(cls: type[T]) -> type[T]:
        return _process(cls, repr, eq, order, frozen, slots)

    return wrap if cls is None else wrap(cls)


def _process(cls: type[T], repr: bool, eq: bool, order: bool, frozen: bool, slots: bool) -> type[T]:
    own = dict(cls.__dict__)
    if "__post_init__" in own:
        raise TypeError(f"{cls.__qualname__}: __post_init__ needs dataclasses.dataclass")
    if order and not eq:
        raise ValueError("eq must be true if order is true")
    documented = bool(own.get("__doc__"))
    if not documented:  # described below, once __init__ is there (and at less cost)
        cls.__doc__ = cls.__name__
    cls = dataclasses.dataclass(cls, init=False, repr=False, eq=False, slots=slots)  # the fields only
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if len(fields) != len(cls.__dataclass_fields__) or any(f.kw_only is True for f in fields):  # type: ignore[attr-defined]
        raise TypeError(f"{cls.__qualname__}: InitVar and keyword-only fields need dataclasses.dataclass")

    def add(name: str, method: Any, refuse: bool = False) -> None:
        if name in own:
            if refuse:
                raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
            return
        if callable(method):
            method.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, method)

    add("__init__", _init(cls, fields, frozen))
    if repr:
        add("__repr__", _repr([f.name for f in fields if f.repr]))
    compared = _key([f.name for f in fields if f.compare])
    if eq:
        add("__eq__", _comparison(compared, operator.eq))
        if "__hash__" not in own:
            hashed = [f.name for f in fields if (f.compare if f.hash is None else f.hash)]
            cls.__hash__ = _hash(_key(hashed)) if frozen else None  # type: ignore[assignment,method-assign]
    if order:
        for name, op in (("__lt__", operator.lt), ("__le__", operator.le), ("__gt__", operator.gt)):
            add(name, _comparison(compared, op), refuse=True)
        add("__ge__", _comparison(compared, operator.ge), refuse=True)
    if frozen:
        add("__setattr__", _frozen_setattr(cls, frozenset(f.name for f in fields)), refuse=True)
        add("__delattr__", _frozen_delattr(cls, frozenset(f.name for f in fields)), refuse=True)
        if slots:  # pickle and copy set slots with setattr, which the guard refuses
            add("__getstate__", _getstate([f.name for f in fields]))
            add("__setstate__", _setstate([f.name for f in fields]))
    if not documented:  # as the standard library words it
        signature = inspect.signature(cls.__init__)
        shown = signature.replace(parameters=list(signature.parameters.values())[1:])
        cls.__doc__ = cls.__name__ + str(shown).replace(" -> None", "")
    return cls


def _init(cls: type, fields: tuple[dataclasses.Field[Any], ...], frozen: bool) -> Any:
    """The one method compiled: a parameter per field, a default where the field has one."""
    scope: dict[str, Any] = {"_FACTORY": _FACTORY, "_set": object.__setattr__}
    params = ["self"]
    lines = []
    for f in fields:
        if f.default is not dataclasses.MISSING:
            scope[f"_default_{f.name}"] = f.default
        if f.default_factory is not dataclasses.MISSING:
            scope[f"_factory_{f.name}"] = f.default_factory
        if f.init:
            if f.default_factory is not dataclasses.MISSING:
                params.append(f"{f.name}=_FACTORY")
                value = f"_factory_{f.name}() if {f.name} is _FACTORY else {f.name}"
            else:
                params.append(f.name if f.default is dataclasses.MISSING else f"{f.name}=_default_{f.name}")
                value = f.name
        elif f.default_factory is not dataclasses.MISSING:
            value = f"_factory_{f.name}()"
        elif f.default is not dataclasses.MISSING:
            value = f"_default_{f.name}"
        else:
            continue
        lines.append(f"_set(self, {f.name!r}, {value})" if frozen else f"self.{f.name} = {value}")
    source = f"def __init__({', '.join(params)}):\n " + "\n ".join(lines or ["pass"])
    exec(source, scope)  # text made of the field names alone
    init = scope["__init__"]
    init.__annotations__ = {f.name: f.type for f in fields if f.init} | {"return": None}
    return init


def _key(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of an instance's values that the standard library's methods compare and hash."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    if names:
        get = operator.attrgetter(names[0])
        return lambda value: (get(value),)
    return lambda value: ()


def _repr(names: list[str]) -> Any:
    @reprlib.recursive_repr()
    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    return __repr__


def _comparison(key: Callable[[Any], tuple[Any, ...]], op: Callable[[Any, Any], Any]) -> Any:
    def compare(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return op(key(self), key(other))
        return NotImplemented

    compare.__name__ = f"__{op.__name__}__"
    return compare


def _hash(key: Callable[[Any], tuple[Any, ...]]) -> Any:
    def __hash__(self: Any) -> int:
        return hash(key(self))

    return __hash__


def _frozen_setattr(cls: type[Any], names: frozenset[str]) -> Any:
    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    return __setattr__


def _frozen_delattr(cls: type[Any], names: frozenset[str]) -> Any:
    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __delattr__


def _getstate(names: list[str]) -> Any:
    def __getstate__(self: Any) -> list[Any]:
        return [getattr(self, name) for name in names]

    return __getstate__


def _setstate(names: list[str]) -> Any:
    def __setstate__(self: Any, state: list[Any]) -> None:
        for name, value in zip(names, state, strict=False):
            object.__setattr__(self, name, value)

    return __setstate__
