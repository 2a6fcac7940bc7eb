"""The modules an optional mypyc build compiles, and which of them this copy runs compiled.

Linting a fleet's repositories spends its time in the parser's tree walk, the builder and the matcher. mypyc
compiles those same source files to C (``TENMON_GUARD_COMPILE=1``, see setup.py); nothing else changes, and a
test holds the compiled copy to the same verdicts as the pure-Python one. ``tenmon_guard.model`` stays Python:
its cached views write to the instance ``__dict__``, which compiled classes do not have.
"""

from __future__ import annotations

import importlib

MODULES = (
    "tenmon_guard.spans",
    "tenmon_guard.syntax",
    "tenmon_guard.options",
    "tenmon_guard.paths",
    "tenmon_guard.words",
    "tenmon_guard.effects",
    "tenmon_guard.builder",
    "tenmon_guard.matcher",
    "tenmon_guard.backends.inert",
    "tenmon_guard.backends.treesitter_backend",
)


def source_files() -> list[str]:
    """The modules as paths relative to the repository root (what mypyc is given)."""
    return [name.replace(".", "/") + ".py" for name in MODULES]


def compiled_modules() -> list[str]:
    """The modules of :data:`MODULES` that this copy loaded from a compiled extension."""
    found = []
    for name in MODULES:
        origin = getattr(importlib.import_module(name), "__file__", None) or ""
        if not origin.endswith(".py"):
            found.append(name)
    return found
