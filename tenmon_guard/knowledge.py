"""The command knowledge base (``data/commands.yaml``), loaded once and typed."""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class OptionSpec:
    """How one command reads its options (GNU style).

    ``with_value``: options that take a value (the next word, ``=value`` or the rest of a short bundle).
    ``optional_value``: options whose value can only be attached (``--backup=numbered``, ``-i.bak``); the word after
    them is never theirs. ``long_names``: every long option known for the command. ``abbreviations``: its options
    are parsed by getopt_long, which takes an unambiguous prefix of a long option for that option (``--sig=9``).
    ``old_style``: a first word without a dash is a bundle of short options whose values are the words after it
    (``tar xfC ARCHIVE DIR``).
    """

    with_value: frozenset[str] = frozenset()
    optional_value: frozenset[str] = frozenset()
    long_names: frozenset[str] = frozenset()
    abbreviations: bool = False
    old_style: bool = False

    def takes_value(self, option: str) -> bool:
        return option in self.with_value

    def value_attached_only(self, option: str) -> bool:
        return option in self.optional_value

    def long_option(self, name: str) -> tuple[str, ...]:
        """The known long option(s) ``name`` stands for. An exact name is itself (getopt_long prefers it); a prefix
        of several is ambiguous (the tool refuses it), and all of them are returned so that no reading escapes."""
        if not self.abbreviations or name in self.long_names:
            return (name,)
        found = tuple(sorted(known for known in self.long_names if known.startswith(name)))
        return found or (name,)


@dataclass(frozen=True)
class CommandSpec:
    """Everything known about one command; ``extra`` keeps the role-specific keys of the data file."""

    name: str
    kind: str  # wrapper | shell | su | eval | source | alias | deferred | find | signal | writer | stdin_runner
    options: OptionSpec = OptionSpec()
    extra: dict[str, Any] = field(default_factory=dict)

    def list(self, key: str) -> tuple[str, ...]:
        return tuple(str(v) for v in self.extra.get(key, ()) or ())

    def flag(self, key: str) -> bool:
        return bool(self.extra.get(key, False))


@dataclass(frozen=True)
class Knowledge:
    specs: dict[str, CommandSpec]
    readers: frozenset[str]
    shells: frozenset[str]
    pid_selectors: dict[str, str] = field(default_factory=dict)  # name -> how it selects (selection.py)
    path_producers: frozenset[str] = frozenset()
    deferred_variables: dict[str, str] = field(default_factory=dict)  # NAME -> shell | prompt
    stdin_files: frozenset[str] = frozenset()  # /dev/stdin and its other names

    def spec(self, name: str | None) -> CommandSpec | None:
        return self.specs.get(name) if name is not None else None


def _long_names(entry: dict[str, Any]) -> frozenset[str]:
    """Every long option an entry names, in any of its lists: all of them count when a prefix is resolved."""
    names: set[str] = set()
    for value in entry.values():
        if isinstance(value, list):
            names.update(str(v) for v in value if str(v).startswith("--") and len(str(v)) > 2)
    return frozenset(names)


def _options(entry: dict[str, Any], abbreviations: bool = False, old_style: bool = False) -> OptionSpec:
    return OptionSpec(
        with_value=frozenset(str(o) for o in entry.get("options_with_value", ()) or ()),
        optional_value=frozenset(str(o) for o in entry.get("options_with_optional_value", ()) or ()),
        long_names=_long_names(entry),
        abbreviations=abbreviations,
        old_style=old_style,
    )


@functools.lru_cache(maxsize=1)
def load_knowledge() -> Knowledge:
    # commands.json is generated from commands.yaml (scripts/gen_knowledge.py): JSON loads in a fraction of the time
    # a plain path next to this module: importlib.resources would import zipfile & co. on every check
    with open(os.path.join(os.path.dirname(__file__), "data", "commands.json"), encoding="utf-8") as handle:
        text = handle.read()
    data = json.loads(text)
    specs: dict[str, CommandSpec] = {}
    getopt_long = frozenset(str(n) for n in data.get("getopt_long", ()) or ())
    old_style = frozenset(str(n) for n in data.get("old_style_options", ()) or ())

    def options(name: str, entry: dict[str, Any]) -> OptionSpec:
        return _options(entry, name in getopt_long, name in old_style)

    for name, entry in data["wrappers"].items():
        specs[name] = CommandSpec(name, "wrapper", options(name, entry or {}), dict(entry or {}))
    shells = data["shells"]
    for name in shells["names"]:
        specs[name] = CommandSpec(name, "shell", options(name, shells), dict(shells))
    for name, entry in data["su"].items():
        specs[name] = CommandSpec(name, "su", options(name, entry), dict(entry))
    for name, entry in (data.get("stdin_runners") or {}).items():
        specs[name] = CommandSpec(name, "stdin_runner", options(name, entry or {}), dict(entry or {}))
    for name in data["eval"]:
        specs[name] = CommandSpec(name, "eval")
    for name in data.get("aliases", ()):
        specs[name] = CommandSpec(name, "alias")
    for name in data.get("sources", ()):
        specs[name] = CommandSpec(name, "source")
    for name, entry in (data.get("deferred") or {}).items():
        specs[name] = CommandSpec(name, "deferred", OptionSpec(), dict(entry or {}))
    specs["find"] = CommandSpec("find", "find", options("find", data["find"]), dict(data["find"]))
    for name, entry in data["signals"].items():
        specs[name] = CommandSpec(name, "signal", options(name, entry), dict(entry))
    for name, entry in data["writers"].items():
        specs[name] = CommandSpec(name, "writer", options(name, entry), dict(entry))
    return Knowledge(
        specs=specs,
        readers=frozenset(data["readers"]),
        shells=frozenset(shells["names"]),
        pid_selectors={str(k): str(v) for k, v in (data.get("pid_selectors") or {}).items()},
        path_producers=frozenset(data.get("path_producers", ())),
        stdin_files=frozenset(data.get("stdin_files", ())),
        deferred_variables={str(k): str(v) for k, v in (data.get("deferred_variables") or {}).items()},
    )
