"""Shipped policy trees: bundled policies load without PyYAML, and only when their text is exactly the shipped one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from gen_policy_trees import bundled_policies, compiled  # noqa: E402

from tenmon_guard.policy import load_policy, shipped, yamlcompose  # noqa: E402
from tenmon_guard.policy.yamlpos import decode  # noqa: E402

PACK = ROOT / "policies" / "tenmon-ark.yaml"


def test_policy_trees_json_is_generated_from_the_bundled_policies() -> None:
    on_disk = Path(shipped.DATA_FILE).read_text(encoding="utf-8")
    assert json.loads(on_disk) == json.loads(compiled()), "run: python scripts/gen_policy_trees.py"


@pytest.mark.parametrize("path", bundled_policies(), ids=lambda p: p.name)
def test_a_shipped_tree_is_the_tree_yaml_gives(path: Path) -> None:
    text = decode(path.read_bytes())
    found = shipped.tree_of(text)
    assert found is not None, f"{path} has no shipped tree: run python scripts/gen_policy_trees.py"
    assert found == yamlcompose.compose(text)


def test_a_policy_edited_by_one_byte_is_parsed_not_taken_from_the_shipped_trees(tmp_path: Path) -> None:
    text = PACK.read_text(encoding="utf-8")
    assert "force-kills whatever holds the port" in text
    edited = text.replace("force-kills whatever holds the port", "force-kills WHATEVER holds the port", 1)
    assert shipped.tree_of(edited) is None
    assert shipped.tree_of(text + "\n") is None
    (tmp_path / "edited.yaml").write_text(edited, encoding="utf-8")
    original = {rule.id: rule.message for rule in load_policy([PACK]).rules}
    changed = {rule.id: rule.message for rule in load_policy([tmp_path / "edited.yaml"]).rules}
    assert original != changed
    assert "WHATEVER" in changed["force-kill-by-port"]


def test_a_damaged_or_foreign_shipped_file_only_means_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = decode(PACK.read_bytes())
    converter = shipped.converter_sources()
    good = shipped.entry_for(text, *yamlcompose.compose(text))
    cases = {
        "damaged tree": {"converter": converter, "trees": [{**good, "tree": ["x", 1]}]},
        "other converter": {"converter": {**(converter or {}), "yamlpos.py": "# another version"}, "trees": [good]},
        "not json": None,
    }
    for name, data in cases.items():
        damaged = tmp_path / f"{name}.json"
        damaged.write_text("{" if data is None else json.dumps(data), encoding="utf-8")
        monkeypatch.setattr(shipped, "DATA_FILE", str(damaged))
        monkeypatch.setattr(shipped, "_loaded", {})
        assert shipped.tree_of(text) is None, name
        assert {rule.id for rule in load_policy([PACK]).rules}, name  # parsed from the YAML instead


def test_loading_the_bundled_policy_does_not_import_yaml_and_an_edited_one_does(tmp_path: Path) -> None:
    code = (
        "import sys; from tenmon_guard.policy import load_policy; load_policy([sys.argv[1]]); "
        "print('yaml' in sys.modules)"
    )
    edited = tmp_path / "edited.yaml"
    edited.write_text(PACK.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    for path, expected in ((PACK, "False"), (edited, "True")):
        out = subprocess.run([sys.executable, "-I", "-c", code, str(path)], capture_output=True, text=True, check=True)
        assert out.stdout.strip() == expected, path
