"""Regenerate tenmon_guard/data/policy_trees.json: the parsed trees of the bundled policies (policies/**/*.yaml).

The guard takes a policy's tree from there when the file's text is exactly the bundled one, and so does not import
PyYAML (about 20 ms of every one-shot check, sudo exec and agent hook; see tenmon_guard/policy/shipped.py).
tests/test_policy_trees.py fails when this file is stale: run this after editing a bundled policy or the YAML
converter (tenmon_guard/policy/yamlpos.py, yamlcompose.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tenmon_guard.policy import shipped, yamlcompose  # noqa: E402
from tenmon_guard.policy.yamlpos import decode  # noqa: E402


def bundled_policies() -> list[Path]:
    return sorted((ROOT / "policies").rglob("*.yaml"))


def compiled() -> str:
    converter = shipped.converter_sources()
    if converter is None:
        raise SystemExit(f"cannot read the YAML converter's source next to {shipped.__file__}")
    trees = []
    for path in bundled_policies():
        text = decode(path.read_bytes())
        trees.append(shipped.entry_for(text, *yamlcompose.compose(text)))
    data = {"converter": converter, "trees": trees}
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


if __name__ == "__main__":
    Path(shipped.DATA_FILE).write_text(compiled(), encoding="utf-8")
    print(f"wrote {shipped.DATA_FILE}")
