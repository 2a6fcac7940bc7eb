"""Policy YAML to a positioned tree (:mod:`tenmon_guard.policy.yamlpos`), through PyYAML's composed nodes.

The tree is built from ``yaml``'s *composed* nodes (SafeLoader, libyaml's when present: 20x faster), so no tag ever
constructs an object. Things that would make a policy mean something other than what it shows are refused here:
duplicate keys (YAML keeps the last one silently), aliases and merge keys (a rule's meaning spread over the file;
also billion-laughs expansion), and tags other than the plain scalar ones.
"""

from __future__ import annotations

import yaml

from tenmon_guard.policy.yamlpos import Problem, YamlError, YBad, YMap, YNode, YScalar, YSeq, join_index, join_key

_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_KINDS = {
    "tag:yaml.org,2002:str": "string",
    "tag:yaml.org,2002:int": "integer",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:bool": "boolean",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "date",
}
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"


def compose(text: str) -> tuple[YNode | None, list[Problem]]:
    """Parse one YAML document into a positioned tree. ``None`` for an empty document (only comments, blank).

    Raises :class:`YamlError` for text that is not YAML; returns the problems that still leave a tree."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise YamlError(*_describe_marked(exc)) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else 1
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        raise YamlError(line, f"YAML: character U+{char:04X} is not allowed ({exc.reason})") from None
    except yaml.YAMLError as exc:
        raise YamlError(1, f"YAML: {exc}") from None
    except RecursionError:
        raise YamlError(1, "YAML: nested too deeply") from None
    finally:
        loader.dispose()
    if node is None:
        return None, []
    problems: list[Problem] = []
    try:
        tree = _Converter(problems).convert(node, "", node.start_mark.line + 1)
    except RecursionError:
        raise YamlError(node.start_mark.line + 1, "YAML: nested too deeply") from None
    return tree, problems


def _describe_marked(exc: yaml.MarkedYAMLError) -> tuple[int, str]:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    if exc.context and "single document" in exc.context:
        return line, "YAML: a policy file holds one document; found a second one here"
    problem = exc.problem or exc.context or "not valid YAML"
    message = f"YAML syntax error: {problem}"
    if exc.problem and exc.context:
        where = f" at line {exc.context_mark.line + 1}" if exc.context_mark is not None else ""
        message += f" ({exc.context}{where})"
    if mark is not None:
        message += f", column {mark.column + 1}"
    return line, message


class _Converter:
    """Walks composed nodes once. ``seen`` holds the ids of nodes already converted: meeting one again is an alias
    (libyaml gives no position of its own to an alias, so the line is where it is used)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.seen: set[int] = set()

    def convert(self, node: yaml.Node, path: str, use_line: int) -> YNode:
        line = node.start_mark.line + 1
        if id(node) in self.seen:
            self._problem(use_line, path, f"aliases (*name) are not supported in policy files (anchor at line {line})")
            return YBad(use_line)
        self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            kind = _KINDS.get(node.tag)
            if kind is None:
                self._problem(line, path, f"unsupported YAML tag {_short_tag(node.tag)}")
                return YBad(line)
            return YScalar(node.value, kind, line)
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
            return YSeq(tuple(self.convert(item, join_index(path, i), line) for i, item in enumerate(node.value)), line)
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG:
            return self._mapping(node, path, line)
        self._problem(line, path, f"unsupported YAML tag {_short_tag(node.tag)}")
        return YBad(line)

    def _mapping(self, node: yaml.MappingNode, path: str, line: int) -> YMap:
        entries: list[tuple[YScalar, YNode]] = []
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:null":
                self._problem(key_line, path, "a key must be a plain name")
                continue
            if key_node.tag == _MERGE_TAG:
                self._problem(key_line, join_key(path, "<<"), "merge keys (<<) are not supported in policy files")
                continue
            key = YScalar(key_node.value, _KINDS.get(key_node.tag, "string"), key_line)
            key_path = join_key(path, key.text)
            if key.text in first:
                self._problem(key_line, key_path, f"duplicate key (first at line {first[key.text]})")
                continue
            first[key.text] = key_line
            entries.append((key, self.convert(value_node, key_path, key_line)))
        return YMap(tuple(entries), line)

    def _problem(self, line: int, path: str, message: str) -> None:
        self.problems.append(Problem(line, path, message))


def _short_tag(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag
