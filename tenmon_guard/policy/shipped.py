"""Policy trees shipped ready-made: the bundled policies, parsed when the package was built.

Every one-shot use of the guard (a sudo through the door, an agent's tool call, a pre-commit run) loads its policy
again, and importing PyYAML alone costs about 20 ms of that, a fifth of the sudo door's budget. The bundled
policies change only with a release, so their trees are computed once (``scripts/gen_policy_trees.py``) and shipped
as JSON with the exact text each was parsed from *and* the source of the code that turned YAML into trees
(``yamlpos.py``, ``yamlcompose.py``). A tree is used only when both match exactly: a policy edited by one byte, or a
change to that code, simply misses and the text is parsed as before. Exact comparison, not a digest: hashlib loads
OpenSSL, itself a few ms. Nothing is ever written here at run time; tests/test_policy_trees.py fails when the
shipped file is stale.
"""

from __future__ import annotations

import json
import os
from typing import Any

from tenmon_guard.policy.yamlpos import Problem, YBad, YMap, YNode, YScalar, YSeq

DATA_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "policy_trees.json")
CONVERTER_FILES = ("yamlpos.py", "yamlcompose.py")

_loaded: dict[str, dict[str, Any]] = {}


def converter_sources() -> dict[str, str] | None:
    """The source of the code that turns YAML into trees, as the shipped trees must have been made by; ``None``
    when it cannot be read (then nothing is looked up, and the text is parsed)."""
    here = os.path.dirname(os.path.abspath(__file__))
    sources: dict[str, str] = {}
    try:
        for name in CONVERTER_FILES:
            with open(os.path.join(here, name), encoding="utf-8") as handle:
                sources[name] = handle.read()
    except (OSError, ValueError):
        return None
    return sources


def tree_of(text: str) -> tuple[YNode | None, list[Problem]] | None:
    """The shipped tree and problems for exactly ``text``, or ``None`` when none was shipped for it."""
    entry = _trees().get(text)
    if not isinstance(entry, dict):
        return None
    try:
        return _node(entry["tree"]), [Problem(line, path, message) for line, path, message in entry["problems"]]
    except (KeyError, TypeError, ValueError):
        return None  # a damaged entry is no entry: the text is parsed


def entry_for(text: str, tree: YNode | None, problems: list[Problem]) -> dict[str, Any]:
    """The JSON form of a parsed document (what the generator writes)."""
    return {"text": text, "tree": _json(tree), "problems": [[p.line, p.path, p.message] for p in problems]}


def _trees() -> dict[str, Any]:
    """Text -> entry, from the data file, or nothing when it is missing, damaged or made by other code."""
    if "trees" not in _loaded:
        trees: dict[str, Any] = {}
        try:
            with open(DATA_FILE, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            data = None
        if isinstance(data, dict) and data.get("converter") == converter_sources():
            for entry in data.get("trees") or []:
                if isinstance(entry, dict) and isinstance(entry.get("text"), str):
                    trees[entry["text"]] = entry
        _loaded["trees"] = trees
    return _loaded["trees"]


def _json(node: YNode | None) -> Any:
    if node is None:
        return None
    if isinstance(node, YScalar):
        return ["s", node.line, node.text, node.kind]
    if isinstance(node, YMap):
        return ["m", node.line, [[_json(key), _json(value)] for key, value in node.entries]]
    if isinstance(node, YSeq):
        return ["q", node.line, [_json(item) for item in node.items]]
    return ["b", node.line]


def _node(data: Any) -> YNode | None:
    return None if data is None else _child(data)


def _child(data: Any) -> YNode:
    kind, line = data[0], int(data[1])
    if kind == "s":
        return YScalar(str(data[2]), str(data[3]), line)
    if kind == "m":
        entries = []
        for key, value in data[2]:
            scalar = _child(key)
            if not isinstance(scalar, YScalar):
                raise ValueError("a key that is not a scalar")
            entries.append((scalar, _child(value)))
        return YMap(tuple(entries), line)
    if kind == "q":
        return YSeq(tuple(_child(item) for item in data[2]), line)
    if kind == "b":
        return YBad(line)
    raise ValueError(f"unknown node kind {kind!r}")
