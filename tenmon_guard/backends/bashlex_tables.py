"""Loads bashlex with its LALR tables precomputed.

bashlex 0.18 rebuilds its parse tables on every import (its bundled yacc never reads ``parsetab.py``): about
80 ms of CPU on every one-shot check, sudo exec and agent hook. The tables depend only on bashlex's grammar, so they
are computed once (``scripts/gen_bashlex_tables.py``), shipped as data, and used only when the grammar they were
computed from is exactly the one being loaded; otherwise bashlex builds its own, as before. Nothing is written.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys
from typing import Any

TABLES_FILE = "data/bashlex_lr.json"


def grammar_key(grammar: Any) -> list[str]:
    """What the tables depend on: every production, and the precedence of each terminal."""
    productions = [str(p) for p in grammar.Productions]
    precedence = [f"{term}:{assoc}:{level}" for term, (assoc, level) in sorted(grammar.Precedence.items())]
    return productions + precedence


class _CachedTable:
    """Quacks like bashlex.yacc.LRTable for what yacc() and LRParser read from it."""

    def __init__(self, grammar: Any, action: dict[int, dict[str, int]], goto: dict[int, dict[str, int]]) -> None:
        self.grammar = grammar
        self.lr_action = action
        self.lr_goto = goto
        self.lr_productions = grammar.Productions
        self.sr_conflicts: list[Any] = []
        self.rr_conflicts: list[Any] = []
        self.sr_conflict = 0
        self.rr_conflict = 0
        self.conflicts: list[Any] = []

    def bind_callables(self, pdict: dict[str, Any]) -> None:
        for production in self.lr_productions:
            production.bind(pdict)


def _load_tables() -> dict[str, Any] | None:
    try:
        path = os.path.join(os.path.dirname(os.path.dirname(__file__)), TABLES_FILE)
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        data = json.loads(text)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _int_keys(table: dict[str, dict[str, int]]) -> dict[int, dict[str, int]]:
    return {int(state): dict(row) for state, row in table.items()}


def _yacc_without_parser() -> tuple[Any, Any]:
    """``bashlex/__init__`` imports the parser (which builds its tables) at once: create the package module
    without running it, so ``bashlex.yacc`` can be patched first. Returns (package module, its spec)."""
    spec = importlib.util.find_spec("bashlex")
    if spec is None or spec.loader is None:
        raise ImportError("bashlex is not installed")
    package = importlib.util.module_from_spec(spec)
    sys.modules["bashlex"] = package
    try:
        yacc = importlib.import_module("bashlex.yacc")
    except BaseException:
        del sys.modules["bashlex"]
        raise
    return package, yacc


def import_bashlex() -> None:
    """Import bashlex using the shipped tables when they match its grammar."""
    if "bashlex" in sys.modules:
        return
    package, yacc = _yacc_without_parser()
    load_with_tables(package, yacc)


def load_with_tables(package: Any, yacc: Any) -> None:
    """Run bashlex's ``__init__`` with ``yacc.LRTable`` answering from the shipped tables when they match."""
    spec = package.__spec__
    tables = _load_tables()
    original = yacc.LRTable

    def table_factory(grammar: Any, log: Any = None) -> Any:
        if tables is not None and tables.get("grammar") == grammar_key(grammar):
            return _CachedTable(grammar, _int_keys(tables["action"]), _int_keys(tables["goto"]))
        return original(grammar, log)

    yacc.LRTable = table_factory
    try:
        spec.loader.exec_module(package)  # runs bashlex/__init__: imports the parser with the patched yacc
    except BaseException:
        for name in [n for n in sys.modules if n == "bashlex" or n.startswith("bashlex.")]:
            del sys.modules[name]
        raise
    finally:
        yacc.LRTable = original
