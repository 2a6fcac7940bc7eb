"""The direct ``__init__`` of the model's frozen dataclasses builds exactly what the dataclass's own would."""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any

import pytest

from tenmon_guard import builder, effects, model, options, syntax, words
from tenmon_guard.frozen import fill_fields_directly

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


def _twin(cls: type) -> Any:
    """The same fields through dataclasses' own frozen ``__init__``: the reference."""
    specs = []
    for f in dataclasses.fields(cls):
        if f.default is dataclasses.MISSING:
            specs.append((f.name, Any))
        else:
            specs.append((f.name, Any, dataclasses.field(default=f.default)))
    return dataclasses.make_dataclass(f"Reference{cls.__name__}", specs, frozen=True)


@pytest.mark.parametrize("cls", GIVEN, ids=lambda c: c.__qualname__)
def test_same_fields_as_the_dataclass_init(cls: type) -> None:
    assert cls.__init__.__module__ == cls.__module__  # the direct one is in place (plain Python build)
    reference = _twin(cls)
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
