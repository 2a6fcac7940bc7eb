"""Regenerate tenmon_guard/data/commands.json from commands.yaml (the file people edit).

The JSON copy is what the guard loads: parsing YAML costs ~15 ms on every one-shot check, sudo exec and agent hook.
tests/test_knowledge.py fails when the two disagree.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "tenmon_guard" / "data"


class _UniqueKeys(yaml.SafeLoader):
    """YAML keeps the last of two equal keys silently: two entries for one command (two branches merged, each
    adding one) would lose one without a word. Refused instead, with both lines."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        first: dict[object, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
            line = key_node.start_mark.line + 1
            if key in first:
                raise ValueError(f"commands.yaml:{line}: duplicate key {key!r} (first at line {first[key]})")
            first[key] = line
        return super().construct_mapping(node, deep)


def compiled(text: str | None = None) -> str:
    """The JSON of ``text`` (commands.yaml's by default)."""
    source = (DATA / "commands.yaml").read_text(encoding="utf-8") if text is None else text
    data = yaml.load(source, Loader=_UniqueKeys)  # (a SafeLoader)
    return json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n"


if __name__ == "__main__":
    try:
        text = compiled()
    except (ValueError, yaml.YAMLError) as error:
        raise SystemExit(f"gen_knowledge: {error}") from None
    (DATA / "commands.json").write_text(text, encoding="utf-8")
    print(f"wrote {DATA / 'commands.json'}")
