"""Regenerate tenmon_guard/data/commands.json from commands.yaml (the file people edit).

The JSON copy is what the guard loads: parsing YAML costs ~15 ms on every one-shot check, sudo exec and agent hook.
tests/test_knowledge.py fails when the two disagree.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "tenmon_guard" / "data"


def compiled() -> str:
    data = yaml.safe_load((DATA / "commands.yaml").read_text(encoding="utf-8"))
    return json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n"


if __name__ == "__main__":
    (DATA / "commands.json").write_text(compiled(), encoding="utf-8")
    print(f"wrote {DATA / 'commands.json'}")
