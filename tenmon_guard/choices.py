"""What a variable may hold where the commands that set it may not have run.

The builder reads a script straight through, one state for the whole text. Commands that may run or not (after
``&&`` or ``||``, in a branch, a case item, a loop's body) were read as if they ran, and their assignments replaced
the value before: ``x=node; [ -e f ] && x=ssh; pkill "$x"`` was judged as ``pkill ssh``, and ``if c; then
x=/opt/app; else x=/tmp; fi; rm -rf "$x"`` as ``rm -rf /tmp``, though bash runs ``pkill node`` or removes /opt/app
on the other path. So where such a part ends, a variable it changed holds *either* value: the builder keeps the
possible values (:class:`Choices`), and a command that expands the variable is judged once with each of them.

A variable with possible values holds an :class:`~tenmon_guard.model.Unknown` in the shell's state, the value
not known that stands for all of them (the text they all start with, the commands whose output any of them is):
every reading that does not ask for the possible values sees a value not known, which is never less strict. Past a
few values, or a few combinations in one command, that is all a command is judged with.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator

from tenmon_guard.model import JOB, Unknown
from tenmon_guard.words import POSITIONAL, Value

MAX_CHOICES = 8  # values kept for one variable; past it, the value not known alone
MAX_READINGS = 16  # combinations of values one command is judged with; past it, the values not known alone
# a variable's name, a positional parameter (``$1``, ``${10}``, ``"$@"``, ``$*``, ``$#``: all of POSITIONAL), or ``$!``
_REFERENCE = re.compile(r"\$\{?[#!]?([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#!])")
ABSENT = Unknown("absent")  # not set in the state (expands as a value not known)


class Choices:
    """The possible values of the variables a build joined, by the identity of the value that stands for them.

    Keyed by identity, not kept per state: a state holds the standing value itself, and a copy of the state, a
    local that hides and gives it back, or a later join that keeps it, all hold the same object, so the values
    follow it wherever it goes; a variable set anew no longer holds it, so nothing stale is ever asked for."""

    def __init__(self) -> None:
        self._by_id: dict[int, tuple[Unknown, tuple[Value, ...]]] = {}
        # the value made for a variable and the values it stands for: a join of the same values again (a function's
        # body read at each call, a loop's passes, a trap's action judged again) gives the same one, not another
        # that compares unequal and makes the shell look changed
        self._made: dict[tuple[str, tuple[Value, ...]], Unknown] = {}

    def __bool__(self) -> bool:
        return bool(self._by_id)

    def of(self, value: Value) -> tuple[Value, ...] | None:
        """The possible values ``value`` stands for; None when it is one value."""
        if not isinstance(value, Unknown):
            return None
        known = self._by_id.get(id(value))
        return known[1] if known is not None and known[0] is value else None

    def either(self, name: str, first: Value | Unknown, second: Value | Unknown) -> Value:
        """What ``name`` holds where it may hold ``first`` or ``second`` (``ABSENT``: not set)."""
        values: list[Value] = []
        unknown: Unknown | None = None  # the values not known, as one: how many there are says nothing
        held = (self.of(first), self.of(second))
        for value, possible in zip((first, second), held, strict=True):
            for one in possible or (value,):
                if isinstance(one, Unknown) and one is not ABSENT:
                    unknown = one if unknown is None else _merged(name, unknown, one)
                    continue
                one = None if one is ABSENT else one
                if one not in values:
                    values.append(one)
        values.sort(key=_order)  # (in the order the text sets them, two readings of it could differ)
        if unknown is not None:
            values.append(unknown)
        found = tuple(values)
        for value, possible in zip((first, second), held, strict=True):
            if possible == found:  # (it stands for them all already: no new one, so later joins see no change)
                return value
        if len(values) > MAX_CHOICES:
            return _standing(name, values)
        key = (name, found)
        try:
            made = self._made.get(key)
        except TypeError:  # (a value that cannot be a key: a new one, as before)
            made, keyed = None, False
        else:
            keyed = True
        if made is not None:
            return made
        standing = _standing(name, values)
        self._by_id[id(standing)] = (standing, found)
        if keyed:
            self._made[key] = standing
        return standing

    def readings(self, text: str, env: dict[str, Value]) -> Iterator[dict[str, Value]] | None:
        """The values to judge a command written ``text`` with, one mapping per reading, when a variable it expands
        has possible values; None when none has, or past :data:`MAX_READINGS` readings (the values not known
        alone then stand)."""
        names: list[str] = []
        sets: list[tuple[Value, ...]] = []
        referred = (n if n[0] == "_" or n[0].isalpha() or n == "!" else POSITIONAL for n in _REFERENCE.findall(text))
        # (IFS splits every expansion, and joins ``$*``: ``IFS=:; [ -e F ] && IFS=' '; $x``)
        for name in dict.fromkeys((*referred, "IFS") if "$" in text else referred):
            possible = self.of(env.get(name))
            if possible is not None:
                names.append(name)
                sets.append(possible)
        if not names:
            return None
        count = 1
        for values in sets:
            count *= len(values)
        if count > MAX_READINGS:
            return None
        return (dict(zip(names, combination, strict=True)) for combination in itertools.product(*sets))


class Standing(Unknown):
    """The value not known that stands for several: equal only to itself. Two of them may be alike field by field
    and stand for different values (``a`` or ``b``, ``c`` or ``d``), and a shell compared with another
    (has a function's body changed a variable?) must see them differ."""

    __eq__ = object.__eq__
    __hash__ = object.__hash__


def _standing(name: str, values: list[Value]) -> Unknown:
    """The value not known that stands for ``values``: the text they all start with, the commands they come from."""
    producers: list[int] = []
    prefixes: list[str] = []
    for value in values:
        if isinstance(value, str):
            prefixes.append(value)
            continue
        prefixes.append(value.prefix if isinstance(value, Unknown) else "")
        for piece in _pieces(value):
            if piece.kind != JOB:  # (what a job's command prints is not its PID: the value is not known)
                producers.extend(i for i in piece.producers if i not in producers)
    return Standing("variable", name, tuple(producers), os.path.commonprefix(prefixes))  # noqa: RUF071 (text, not paths)


def _order(value: Value) -> tuple[int, str]:
    """The order values are judged in, whatever order the text set them in: a command judged with each reports
    the first reading's words where several give the same finding."""
    if isinstance(value, str):
        return (0, value)
    return (2, "") if value is None else (1, repr(value))


def _merged(name: str, first: Unknown, second: Unknown) -> Unknown:
    """Two values not known as one: each reading of a text makes its own (its producers are the commands it
    lowered, so a function read at each call makes one per call), and a count of them would differ between
    readings that judge the same."""
    if first == second:
        return first
    same = first.kind == second.kind and first.name == second.name
    pieces = (first, second) if same else [u for u in (first, second) if u.kind != JOB]  # (as in _standing)
    producers = tuple(dict.fromkeys(i for u in pieces for i in u.producers))
    return Unknown(
        first.kind if same else "variable",
        first.name if same else name,
        producers,
        os.path.commonprefix([first.prefix, second.prefix]),  # noqa: RUF071 (text, not paths)
        first.words or second.words,
        first.quoted and second.quoted,
    )


def _pieces(value: Value) -> list[Unknown]:
    """The values not known in a value: itself, or an array's elements (what they hold keeps their producers)."""
    if isinstance(value, Unknown):
        return [value]
    return [v for v in value if isinstance(v, Unknown)] if isinstance(value, tuple) else []
