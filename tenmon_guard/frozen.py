"""Frozen dataclasses that cost less: to declare (on every start of a door) and to build (millions per lint run).

Two costs, two tools:

- :func:`record` declares a frozen dataclass. Python's own ``@dataclass(frozen=True)`` compiles six or seven
  methods per class with ``exec`` (about 0.1 ms each): the 70 classes on the sudo door's path were about half of
  its import time, paid on every ``sudo`` an admin types. A record is registered as a dataclass all the same
  (``fields``, ``replace``, ``asdict``, ``__match_args__`` work), but shares generic methods for equality,
  hashing, ordering, ``repr`` and the frozen ``__setattr__``/``__delattr__``; only its ``__init__`` is compiled.
  Each behaves as the dataclass's own does, a test holds them side by side.
- :func:`fill_fields_directly` gives classes declared with ``@dataclass(frozen=True)`` the same ``__init__``. The
  modules the optional mypyc build compiles keep the standard decorator (mypyc only makes a class native when it
  sees ``dataclasses.dataclass``) and call it at their end; a class compiled native keeps its compiled ``__init__``.

That ``__init__`` stores the fields in the instance ``__dict__`` instead of calling ``object.__setattr__`` per
field as a frozen dataclass does: linting 134,000 lines creates about 1.35 million spans, words, atoms and syntax
records, and those setters were about a tenth of the time. Assigning or deleting a field still raises
``FrozenInstanceError``.

Only what the model's classes use is supported: plain fields with or without a default (records also take a
default factory). Anything else (``init=False`` fields, keyword-only fields, init-only variables, slots) is
refused when the module is imported, so no object is ever built differently than the dataclass would build it.
"""

from __future__ import annotations

import dataclasses
import operator
import reprlib
import sys
import types
from collections.abc import Callable
from typing import Any, TypeVar, overload

_C = TypeVar("_C", bound=type)

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # pragma: no cover - Python 3.10: type checkers run on 3.11

    def dataclass_transform(**_: Any) -> Callable[[_C], _C]:
        return lambda decorator: decorator


@overload
def record(cls: _C, /) -> _C: ...


@overload
def record(*, order: bool = False) -> Callable[[_C], _C]: ...


@dataclass_transform(frozen_default=True)
def record(cls: _C | None = None, /, *, order: bool = False) -> _C | Callable[[_C], _C]:
    """``@record`` or ``@record(order=True)``: ``@dataclass(frozen=True)`` (with ``order``), declared cheaply."""

    def declare(cls: _C) -> _C:
        return _declare(cls, order)

    return declare if cls is None else declare(cls)


def fill_fields_directly(*classes: type) -> None:
    for cls in classes:
        if not _interpreted(cls):
            continue
        params = getattr(cls, "__dataclass_params__", None)
        if params is None or not params.frozen:
            raise TypeError(f"{cls.__qualname__}: only frozen dataclasses are given a direct __init__")
        fields = dataclasses.fields(cls)
        _refuse_unsupported(cls, fields, factories=False)
        cls.__init__ = _init_for(cls, fields)  # type: ignore[misc]


def _interpreted(cls: type) -> bool:
    """A class compiled by mypyc has no instance ``__dict__`` and no Python-level ``__init__`` to replace."""
    return cls.__dictoffset__ != 0 and isinstance(cls.__dict__.get("__init__"), types.FunctionType)


def _declare(cls: _C, order: bool) -> _C:
    own = dict(cls.__dict__)
    for name in ("__setattr__", "__delattr__") + (_ORDER if order else ()):
        if name in own:
            raise TypeError(f"{cls.__qualname__}: a frozen record cannot define {name}")
    undocumented = own.get("__doc__") is None
    # Registered without generated methods: no exec. frozen=False only at this step; the methods below freeze it.
    dataclasses.dataclass(cls, init=False, repr=False, eq=False, frozen=False)
    fields = dataclasses.fields(cls)
    _refuse_unsupported(cls, fields, factories=True)
    names = tuple(field.name for field in fields)
    compared = _values([f.name for f in fields if f.compare])
    methods: dict[str, Any] = {
        "__setattr__": _frozen_setattr(cls, frozenset(names)),
        "__delattr__": _frozen_delattr(cls, frozenset(names)),
    }
    if "__init__" not in own:
        methods["__init__"] = _init_for(cls, fields)
    if "__repr__" not in own:
        methods["__repr__"] = _repr_for(tuple(f.name for f in fields if f.repr))
    if "__eq__" not in own:
        methods["__eq__"] = _compare_for(operator.eq, compared)
    # As dataclasses decides for eq=True, frozen=True: a __hash__ the class wrote stays; otherwise the fields'.
    if "__hash__" not in own or (own["__hash__"] is None and "__eq__" in own):
        methods["__hash__"] = _hash_for(_values([f.name for f in fields if (f.compare if f.hash is None else f.hash)]))
    if order:
        methods.update({name: _compare_for(test, compared) for name, test in zip(_ORDER, _ORDER_TESTS, strict=True)})
    for name, method in methods.items():
        method.__name__ = name
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        method.__module__ = cls.__module__
        setattr(cls, name, method)
    if undocumented:
        cls.__doc__ = f"{cls.__name__}({', '.join(names)})"
    return cls


_ORDER = ("__lt__", "__le__", "__gt__", "__ge__")
_ORDER_TESTS = (operator.lt, operator.le, operator.gt, operator.ge)


def _values(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The fields as a tuple, as the generated methods compare and hash them (a one-field class too)."""
    if not names:
        return lambda _: ()
    if len(names) == 1:
        one = operator.attrgetter(names[0])
        return lambda instance: (one(instance),)
    getter: Callable[[Any], tuple[Any, ...]] = operator.attrgetter(*names)
    return getter


def _compare_for(test: Callable[[Any, Any], Any], values: Callable[[Any], tuple[Any, ...]]) -> Callable[..., Any]:
    def compare(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return test(values(self), values(other))
        return NotImplemented

    return compare


def _hash_for(values: Callable[[Any], tuple[Any, ...]]) -> Callable[..., int]:
    def hash_(self: Any) -> int:
        return hash(values(self))

    return hash_


def _repr_for(names: tuple[str, ...]) -> Callable[..., str]:
    @reprlib.recursive_repr()
    def repr_(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    return repr_


def _frozen_setattr(owner: type[Any], names: frozenset[str]) -> Callable[..., None]:
    def setattr_(self: Any, name: str, value: Any) -> None:
        if type(self) is owner or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(owner, self).__setattr__(name, value)

    return setattr_


def _frozen_delattr(owner: type[Any], names: frozenset[str]) -> Callable[..., None]:
    def delattr_(self: Any, name: str) -> None:
        if type(self) is owner or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(owner, self).__delattr__(name)

    return delattr_


def _refuse_unsupported(cls: type, fields: tuple[dataclasses.Field[Any], ...], *, factories: bool) -> None:
    if len(fields) != len(getattr(cls, "__dataclass_fields__", {})):
        raise TypeError(f"{cls.__qualname__}: init-only variables are not supported")
    for field in fields:
        factory = field.default_factory is not dataclasses.MISSING
        if (factory and not factories) or not field.init or field.kw_only is True:
            raise TypeError(f"{cls.__qualname__}.{field.name}: only plain fields are supported")


def _init_for(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> types.FunctionType:
    namespace: dict[str, Any] = {"_no_value": _NO_VALUE}
    params = []
    body = ["    fields = self.__dict__"]
    for field in fields:
        if field.default_factory is not dataclasses.MISSING:
            namespace[f"_factory_{field.name}"] = field.default_factory
            params.append(f"{field.name}=_no_value")
            body.append(f"    if {field.name} is _no_value: {field.name} = _factory_{field.name}()")
        elif field.default is not dataclasses.MISSING:
            namespace[f"_default_{field.name}"] = field.default
            params.append(f"{field.name}=_default_{field.name}")
        else:
            params.append(field.name)
    body.extend(f"    fields[{field.name!r}] = {field.name}" for field in fields)
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    exec("\n".join([f"def __init__(self, {', '.join(params)}):", *body]), namespace)  # names: checked identifiers
    init: types.FunctionType = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init


class _NoValue:
    """The default of a parameter whose field has a default factory: the factory runs once per object."""

    def __repr__(self) -> str:
        return "<factory default>"


_NO_VALUE = _NoValue()
