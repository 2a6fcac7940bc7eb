"""Both parsers must lead to the same model wherever both read a command (DESIGN.md: a parser differential must
never become a way around the guard). Run over every command of the corpus and the held-out corpus."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest
import yaml

from tenmon_guard.backends.bashlex_backend import BashlexBackend
from tenmon_guard.backends.treesitter_backend import TreeSitterBackend
from tenmon_guard.builder import Builder
from tenmon_guard.engine import parse_bashlex_first, parse_tree_sitter_first
from tenmon_guard.model import CommandModel, ShellAtStart

ROOT = Path(__file__).parent


def _commands() -> list[str]:
    out: list[str] = []
    for path in sorted(glob.glob(str(ROOT / "corpus" / "*.yaml")) + glob.glob(str(ROOT / "heldout" / "*.yaml"))):
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        entries = data if isinstance(data, list) else data.get("entries", [])
        out.extend(e["cmd"] for e in entries)
    return out


COMMANDS = _commands()
BASHLEX = BashlexBackend()
TREE_SITTER = TreeSitterBackend()


def _shape(model: CommandModel) -> list[tuple[object, ...]]:
    """Everything a rule can see. Spans of commands inside substitutions are left out: inside backquotes with
    escapes, bashlex maps each word back to the text while tree-sitter's reading points at the whole backquote;
    they only place the message, never change a decision."""
    return [
        (
            tuple(w.parts for w in inv.argv),
            None if inv.in_substitution else tuple((w.span.start, w.span.end) for w in inv.argv),
            inv.cwd,
            tuple(w.name for w in inv.wrappers),
            tuple((r.op, r.fd, r.path, r.target.parts if r.target else None) for r in inv.redirects),
            tuple(inv.assignments),
            inv.in_substitution,
            len(inv.stdin_producers),
            None if inv.in_substitution else (inv.span.start, inv.span.end),
        )
        for inv in model.invocations
    ]


def test_corpus_is_large() -> None:
    assert len(COMMANDS) >= 300


@pytest.mark.parametrize("command", COMMANDS)
def test_both_parsers_give_the_same_model(command: str) -> None:
    if BASHLEX.parse(command).unread or TREE_SITTER.parse(command).unread:
        # Only one parser reads it whole: nothing to compare (the engine re-reads with the other).
        return
    root = ShellAtStart(cwd="/root")
    first = Builder(parse_tree_sitter_first).build(command, TREE_SITTER.parse(command), ("tree-sitter",), root)
    second = Builder(parse_bashlex_first).build(command, BASHLEX.parse(command), ("bashlex",), root)
    assert _shape(first) == _shape(second)


def test_most_of_the_corpus_is_compared() -> None:
    """The comparison above must not be vacuous: bashlex reads most one-line commands."""
    both = [c for c in COMMANDS if not BASHLEX.parse(c).unread and not TREE_SITTER.parse(c).unread]
    assert len(both) >= 0.7 * len(COMMANDS)
