"""The engine's own behaviour between parsers and doors."""

from __future__ import annotations

from pathlib import Path

from tenmon_guard.engine import Context, Guard
from tenmon_guard.policy import load_policy


def test_the_last_texts_models_are_read_once() -> None:
    """The hook door reads a line's command words, then checks it: the second reading is the first's models."""
    guard = Guard(load_policy([str(Path(__file__).resolve().parent.parent / "policies" / "tenmon-ark.yaml")], {}))
    first = guard.models("ls /tmp; pkill node", Context(door="hook"))
    again = guard.models("ls /tmp; pkill node", Context(door="hook"))
    assert again == first and all(a is b for a, b in zip(again, first, strict=True))
    other = guard.models("ls /tmp; pkill node", Context(door="hook", cwd="/opt"))
    assert all(a is not b for a, b in zip(other, first, strict=True))  # another context is another reading
    assert guard.check("ls /tmp; pkill node", Context(door="hook")).decision.label == "block"
