"""The command knowledge base (``data/commands.yaml``), loaded once and typed."""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class OptionSpec:
    """How one command reads its options (GNU style): which take a value."""

    with_value: frozenset[str] = frozenset()

    def takes_value(self, option: str) -> bool:
        return option in self.with_value


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
    pid_selectors: frozenset[str] = frozenset()
    path_producers: frozenset[str] = frozenset()
    deferred_variables: dict[str, str] = field(default_factory=dict)  # NAME -> shell | prompt
    stdin_files: frozenset[str] = frozenset()  # /dev/stdin and its other names

    def spec(self, name: str | None) -> CommandSpec | None:
        return self.specs.get(name) if name is not None else None


def _options(entry: dict[str, Any]) -> OptionSpec:
    return OptionSpec(frozenset(str(o) for o in entry.get("options_with_value", ()) or ()))


@functools.lru_cache(maxsize=1)
def load_knowledge() -> Knowledge:
    # commands.json is generated from commands.yaml (scripts/gen_knowledge.py): JSON loads in a fraction of the time
    # a plain path next to this module: importlib.resources would import zipfile & co. on every check
    with open(os.path.join(os.path.dirname(__file__), "data", "commands.json"), encoding="utf-8") as handle:
        text = handle.read()
    data = json.loads(text)
    specs: dict[str, CommandSpec] = {}
    for name, entry in data["wrappers"].items():
        specs[name] = CommandSpec(name, "wrapper", _options(entry or {}), dict(entry or {}))
    shells = data["shells"]
    for name in shells["names"]:
        specs[name] = CommandSpec(name, "shell", _options(shells), dict(shells))
    specs["su"] = CommandSpec("su", "su", _options(data["su"]), dict(data["su"]))
    for name, entry in (data.get("stdin_runners") or {}).items():
        specs[name] = CommandSpec(name, "stdin_runner", _options(entry or {}), dict(entry or {}))
    for name in data["eval"]:
        specs[name] = CommandSpec(name, "eval")
    for name in data.get("aliases", ()):
        specs[name] = CommandSpec(name, "alias")
    for name in data.get("sources", ()):
        specs[name] = CommandSpec(name, "source")
    for name, entry in (data.get("deferred") or {}).items():
        specs[name] = CommandSpec(name, "deferred", OptionSpec(), dict(entry or {}))
    specs["find"] = CommandSpec("find", "find", OptionSpec(), dict(data["find"]))
    for name, entry in data["signals"].items():
        specs[name] = CommandSpec(name, "signal", _options(entry), dict(entry))
    for name, entry in data["writers"].items():
        specs[name] = CommandSpec(name, "writer", _options(entry), dict(entry))
    return Knowledge(
        specs=specs,
        readers=frozenset(data["readers"]),
        shells=frozenset(shells["names"]),
        pid_selectors=frozenset(data.get("pid_selectors", ())),
        path_producers=frozenset(data.get("path_producers", ())),
        stdin_files=frozenset(data.get("stdin_files", ())),
        deferred_variables={str(k): str(v) for k, v in (data.get("deferred_variables") or {}).items()},
    )
