"""Policy trees shipped ready-made: the bundled policies, parsed when the package was built.

Every one-shot use of the guard (a sudo through the door, an agent's tool call, a pre-commit run) loads its policy
again, and importing PyYAML alone costs about 20 ms of that, a fifth of the sudo door's budget. The bundled
policies change only with a release, so their trees are computed once (``scripts/gen_policy_trees.py``) and shipped
as JSON, keyed by a digest of the exact text *and* of the code that turns YAML into a tree (``yamlcompose.py``,
``yamlpos.py``). A policy edited by one byte, or a change to that code, simply misses and is parsed as before;
nothing is ever written here at run time. tests/test_policy_trees.py fails when the shipped file is stale.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from tenmon_guard.policy.yamlpos import Problem, YBad, YMap, YNode, YScalar, YSeq

DATA_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "policy_trees.json")
CONVERTER_FILES = ("yamlpos.py", "yamlcompose.py")

_loaded: dict[str, Any] = {}


def digest(text: str) -> str | None:
    """What a shipped tree is keyed by; ``None`` when the converter's source cannot be read (then nothing is
    looked up, and the text is parsed)."""
    here = os.path.dirname(os.path.abspath(__file__))
    sha = hashlib.sha256()
    try:
        for name in CONVERTER_FILES:
            with open(os.path.join(here, name), "rb") as handle:
                sha.update(handle.read())
    except OSError:
        return None
    sha.update(b"\0")
    sha.update(text.encode("utf-8", errors="surrogatepass"))
    return sha.hexdigest()


def tree_of(text: str) -> tuple[YNode | None, list[Problem]] | None:
    """The shipped tree and problems for exactly ``text``, or ``None`` when none was shipped for it."""
    trees = _trees()
    if not trees:
        return None
    key = digest(text)
    entry = trees.get(key) if key is not None else None
    if not isinstance(entry, dict):
        return None
    try:
        return _node(entry["tree"]), [Problem(line, path, message) for line, path, message in entry["problems"]]
    except (KeyError, TypeError, ValueError):
        return None  # a damaged entry is no entry: the text is parsed


def entry_for(tree: YNode | None, problems: list[Problem]) -> dict[str, Any]:
    """The JSON form of a parsed document (what the generator writes)."""
    return {"tree": _json(tree), "problems": [[p.line, p.path, p.message] for p in problems]}


def _trees() -> dict[str, Any]:
    if "trees" not in _loaded:
        try:
            with open(DATA_FILE, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            data = None
        trees = data.get("trees") if isinstance(data, dict) else None
        _loaded["trees"] = trees if isinstance(trees, dict) else {}
    trees_found: dict[str, Any] = _loaded["trees"]
    return trees_found


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
