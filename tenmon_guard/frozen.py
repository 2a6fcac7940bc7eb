"""A cheaper ``__init__`` for the frozen dataclasses every command and script is made of.

A frozen dataclass sets each field through ``object.__setattr__`` (its own ``__setattr__`` refuses), a generic
call per field. Linting 134,000 lines of scripts creates about 1.35 million spans, words, atoms and syntax
records, and those setters were about a tenth of the time. :func:`fill_fields_directly` gives such classes an
``__init__`` that stores the fields in the instance ``__dict__`` instead. Everything else stays the dataclass's
own: assigning or deleting a field still raises ``FrozenInstanceError``, and equality, ordering, hashing and
``dataclasses.replace`` are unchanged (the parameters keep the fields' names, order and defaults).

Only what the model's classes use is supported: plain fields with or without a default. Anything else (a
default factory, ``init=False``, keyword-only fields, init-only variables, slots) is refused when the module is
imported, so the shortcut can never build an object the dataclass would have built differently. Classes a
compiled build made native (no instance ``__dict__``) keep their compiled ``__init__``, already fast.
"""

from __future__ import annotations

import dataclasses
import types
from typing import Any


def fill_fields_directly(*classes: type) -> None:
    for cls in classes:
        if not _interpreted(cls):
            continue
        fields = dataclasses.fields(cls)
        _refuse_unsupported(cls, fields)
        cls.__init__ = _init_for(cls, fields)  # type: ignore[misc]


def _interpreted(cls: type) -> bool:
    """A class compiled by mypyc has no instance ``__dict__`` and no Python-level ``__init__`` to replace."""
    return cls.__dictoffset__ != 0 and isinstance(cls.__dict__.get("__init__"), types.FunctionType)


def _refuse_unsupported(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> None:
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen:
        raise TypeError(f"{cls.__qualname__}: only frozen dataclasses are given a direct __init__")
    if len(fields) != len(getattr(cls, "__dataclass_fields__", {})):
        raise TypeError(f"{cls.__qualname__}: init-only variables are not supported")
    for field in fields:
        if field.default_factory is not dataclasses.MISSING or not field.init or field.kw_only is True:
            raise TypeError(f"{cls.__qualname__}.{field.name}: only plain fields are supported")


def _init_for(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> types.FunctionType:
    defaults: dict[str, Any] = {}
    params = []
    for field in fields:
        if field.default is dataclasses.MISSING:
            params.append(field.name)
        else:
            defaults[f"_default_{field.name}"] = field.default
            params.append(f"{field.name}=_default_{field.name}")
    lines = [f"def __init__(self, {', '.join(params)}):", "    fields = self.__dict__"]
    lines.extend(f"    fields[{field.name!r}] = {field.name}" for field in fields)
    if hasattr(cls, "__post_init__"):
        lines.append("    self.__post_init__()")
    namespace: dict[str, Any] = dict(defaults)
    exec("\n".join(lines), namespace)  # the names are the class's own field names, checked identifiers
    init: types.FunctionType = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init
