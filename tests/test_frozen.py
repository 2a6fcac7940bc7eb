"""Records and the direct ``__init__`` behave exactly as ``@dataclass(frozen=True)`` would.

The reference is always a dataclass built by :mod:`dataclasses` itself from the same fields.
"""

from __future__ import annotations

import dataclasses
import importlib
import pickle
import pkgutil
from typing import Any

import pytest

import tenmon_guard
from tenmon_guard import builder, compiled, effects, model, options, syntax, words
from tenmon_guard.frozen import fill_fields_directly, record

GIVEN = [
    model.Span,
    model.Literal,
    model.Unknown,
    model.Word,
    model.Redirect,
    model.Wrapper,
    model.Invocation,
    model.Unread,
    model.CommandModel,
    syntax.SubstitutionSyntax,
    syntax.WordSyntax,
    syntax.RedirectSyntax,
    syntax.SimpleCommand,
    syntax.Pipeline,
    syntax.CommandList,
    syntax.Compound,
    syntax.UnreadSyntax,
    words._Atom,
    options.Option,
    options.ParsedArgs,
    effects.SignalEffect,
    effects.WriteTarget,
    effects.Effects,
    builder._Ctx,
    builder._Command,
]


def _reference(cls: type) -> Any:
    """``@dataclass(frozen=True)`` with the same fields (and ``order``), made by dataclasses itself."""
    specs = []
    for f in dataclasses.fields(cls):
        if f.default_factory is not dataclasses.MISSING:
            specs.append((f.name, Any, dataclasses.field(default_factory=f.default_factory)))
        elif f.default is not dataclasses.MISSING:
            specs.append((f.name, Any, dataclasses.field(default=f.default)))
        else:
            specs.append((f.name, Any))
    return dataclasses.make_dataclass(cls.__name__, specs, frozen=True, order="__lt__" in vars(cls))


@pytest.mark.parametrize("cls", GIVEN, ids=lambda c: c.__qualname__)
def test_same_fields_as_the_dataclass_init(cls: type) -> None:
    assert cls.__init__.__module__ == cls.__module__  # the direct one is in place (plain Python build)
    reference = _reference(cls)
    fields = dataclasses.fields(cls)
    required = [f for f in fields if f.default is dataclasses.MISSING]
    values = {f.name: ("value", i) for i, f in enumerate(fields)}
    # positional, by keyword, and with every default left out
    cases: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
        (tuple(values[f.name] for f in fields), {}),
        ((), dict(values)),
        (tuple(values[f.name] for f in required), {}),
    ]
    for args, kwargs in cases:
        ours, theirs = cls(*args, **kwargs), reference(*args, **kwargs)
        assert vars(ours) == vars(theirs)
        assert ours == cls(*args, **kwargs) and hash(ours) == hash(cls(*args, **kwargs))
    with pytest.raises(TypeError):
        cls(*(values[f.name] for f in fields), "one too many")
    if required:
        with pytest.raises(TypeError):
            cls()


def test_still_frozen_and_still_a_dataclass() -> None:
    span = model.Span(1, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        span.start = 3  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del span.end  # type: ignore[misc]
    assert dataclasses.replace(span, end=5) == model.Span(1, 5)
    assert model.Span(1, 2) < model.Span(1, 3)
    word = model.Word("/opt/x", model.Span(0, 6), (model.Literal("/opt/x"),))
    assert pickle.loads(pickle.dumps(word)) == word
    assert word.value == "/opt/x"  # the model's cached views still write to the instance


def test_refuses_what_it_does_not_support() -> None:
    @dataclasses.dataclass(frozen=True)
    class WithFactory:
        items: list[int] = dataclasses.field(default_factory=list)

    @dataclasses.dataclass(frozen=True)
    class WithoutInit:
        a: int
        b: int = dataclasses.field(default=0, init=False)

    @dataclasses.dataclass
    class NotFrozen:
        a: int

    for cls in (WithFactory, WithoutInit, NotFrozen):
        before = cls.__init__
        with pytest.raises(TypeError, match=cls.__qualname__):
            fill_fields_directly(cls)
        assert cls.__init__ is before


def _package_classes() -> list[type]:
    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(tenmon_guard.__path__, "tenmon_guard."):
        if info.name.endswith(".__main__"):
            continue
        for value in vars(importlib.import_module(info.name)).values():
            if isinstance(value, type) and value.__module__ == info.name:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


def test_frozen_dataclasses_outside_the_compiled_modules_are_records() -> None:
    """``@dataclass(frozen=True)`` costs every door's start-up about 0.6 ms per class; only the modules mypyc
    compiles need it (it makes a class native only for that decorator)."""
    standard = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in _package_classes()
        if getattr(getattr(cls, "__dataclass_params__", None), "frozen", False)
        and cls.__module__ not in compiled.MODULES
    ]
    assert standard == [], "declare these with tenmon_guard.frozen.record"


def _records() -> list[type]:
    """Every class in the package declared with :func:`record` (its frozen ``__setattr__`` is the shared one)."""
    shared = record(type("Probe", (), {"__annotations__": {}})).__setattr__.__code__
    return [c for c in _package_classes() if getattr(vars(c).get("__setattr__"), "__code__", None) is shared]


RECORDS = _records()


def test_the_package_declares_its_frozen_classes_as_records() -> None:
    assert len(RECORDS) >= 60, [c.__qualname__ for c in RECORDS]
    assert model.Span in RECORDS and model.Word in RECORDS


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_a_record_behaves_as_its_frozen_dataclass(cls: type) -> None:
    reference = _reference(cls)
    fields = dataclasses.fields(cls)
    assert [f.name for f in fields] == [f.name for f in dataclasses.fields(reference)]
    assert cls.__match_args__ == reference.__match_args__  # type: ignore[attr-defined]
    values = [("value", i) for i in range(len(fields))]
    ours, theirs = cls(*values), reference(*values)
    assert vars(ours) == vars(theirs)
    assert ours == cls(*values)
    assert hash(ours) == hash(theirs)  # the same hash, not only a consistent one: set order stays as it was
    assert repr(ours).replace(cls.__qualname__, cls.__name__, 1) == repr(theirs)
    assert (ours == theirs) is False  # another class is never equal, as with dataclasses
    assert dataclasses.replace(ours) == ours and pickle.loads(pickle.dumps(ours)) == ours
    name = fields[0].name
    with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot assign to field '{name}'"):
        setattr(ours, name, 1)
    with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot delete field '{name}'"):
        delattr(ours, name)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ours.not_a_field = 1  # type: ignore[attr-defined]
    if len(fields) > 1:
        other = [*values[:-1], ("value", -1)]
        assert (ours == cls(*other)) is (theirs == reference(*other)) is False
        if "__lt__" in vars(cls):
            for a, b in ((values, other), (other, values), (values, values)):
                for op in ("__lt__", "__le__", "__gt__", "__ge__"):
                    assert getattr(cls(*a), op)(cls(*b)) == getattr(reference(*a), op)(reference(*b))


def test_record_defaults_factories_and_class_methods() -> None:
    @record
    class Job:
        name: str
        tags: list[str] = dataclasses.field(default_factory=list)
        retries: int = 3

        def __hash__(self) -> int:  # written by the class: kept, as dataclasses keeps it
            return 7

    first, second = Job("a"), Job("a")
    assert first.tags == [] and first.tags is not second.tags and first.retries == 3
    assert Job("a", ["x"], retries=1).tags == ["x"] and hash(first) == 7
    assert Job.__doc__ == "Job(name, tags, retries)"
    with pytest.raises(TypeError):
        Job()  # type: ignore[call-arg]

    @record(order=True)
    class Version:
        major: int
        minor: int = dataclasses.field(default=0, compare=False)

    assert Version(1, 5) == Version(1, 9) and Version(1, 5) < Version(2, 0)
    assert hash(Version(1, 5)) == hash(Version(1, 9)) == hash((1,))
    assert repr(Version(1, 5)) == "test_record_defaults_factories_and_class_methods.<locals>.Version(major=1, minor=5)"

    class Tagged(Version):  # a plain subclass may add attributes that are not fields
        pass

    tagged = Tagged(1)
    tagged.note = "x"  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        tagged.major = 2  # type: ignore[misc]


def test_record_refuses_what_it_would_build_differently() -> None:
    def declare(body: dict[str, Any]) -> None:
        record(type("Bad", (), body))

    with pytest.raises(TypeError, match=r"Bad\.a: only plain fields"):
        declare({"__annotations__": {"a": "int"}, "a": dataclasses.field(kw_only=True)})
    with pytest.raises(TypeError, match="only plain fields"):
        declare({"__annotations__": {"a": "int"}, "a": dataclasses.field(default=0, init=False)})
    with pytest.raises(TypeError, match="init-only"):
        declare({"__annotations__": {"a": dataclasses.InitVar[int]}})
    with pytest.raises(TypeError, match="__setattr__"):
        declare({"__annotations__": {"a": "int"}, "__setattr__": lambda self, name, value: None})
