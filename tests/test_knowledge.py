"""The command knowledge base: the JSON the guard loads is the YAML people edit."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from gen_knowledge import compiled  # noqa: E402

from tenmon_guard.knowledge import load_knowledge  # noqa: E402


def test_commands_json_is_generated_from_commands_yaml() -> None:
    shipped = (ROOT / "tenmon_guard" / "data" / "commands.json").read_text(encoding="utf-8")
    assert json.loads(shipped) == json.loads(compiled()), "run: python scripts/gen_knowledge.py"


def test_every_command_kind_is_known() -> None:
    knowledge = load_knowledge()
    kinds = {spec.kind for spec in knowledge.specs.values()}
    assert kinds == {
        "wrapper",
        "shell",
        "su",
        "eval",
        "source",
        "alias",
        "deferred",
        "find",
        "signal",
        "writer",
        "stdin_runner",
    }
    assert knowledge.spec("rm") is not None and knowledge.spec("rm").kind == "writer"  # type: ignore[union-attr]
    assert "ls" in knowledge.readers and "pgrep" in knowledge.pid_selectors


def test_every_name_is_a_string() -> None:
    """YAML reads a bare ``true``, ``false``, ``yes``, ``no``, ``on`` or ``off`` as a boolean: such a command name
    must be quoted in commands.yaml, or the command silently drops out of its list."""
    knowledge = load_knowledge()
    for kind in ("readers", "pid_selectors", "path_producers"):
        names = getattr(knowledge, kind)
        assert all(isinstance(n, str) for n in names), (kind, [n for n in names if not isinstance(n, str)])
    assert {"true", "false", "yes"} <= knowledge.readers
