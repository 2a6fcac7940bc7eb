"""YAML with line numbers, for policy files.

A policy error must name the line a person has to edit, so the loader never sees plain Python values: it sees a
small tree of :class:`YScalar`, :class:`YMap` and :class:`YSeq`, each with its 1-based line. The tree is built from
``yaml``'s *composed* nodes (:mod:`tenmon_guard.policy.yamlcompose`), or, for a policy shipped with the guard and
not edited since, taken ready-made from the package's data (:mod:`tenmon_guard.policy.shipped`): importing PyYAML
costs about 20 ms, a fifth of the sudo door's whole budget. Importing this module does not import ``yaml``.
"""

from __future__ import annotations

from tenmon_guard.frozen import record


@record
class YScalar:
    """A scalar as written (``text``) with the type YAML resolves it to (``kind``: string, integer, number,
    boolean, null, date). Keeping the text means ``3000`` and ``"3000"`` can be told apart and shown as written."""

    text: str
    kind: str
    line: int


@record
class YMap:
    """A mapping in file order; keys are unique (duplicates were reported and dropped)."""

    entries: tuple[tuple[YScalar, YNode], ...]
    line: int


@record
class YSeq:
    items: tuple[YNode, ...]
    line: int


@record
class YBad:
    """A value already reported as a problem (an alias, an unsupported tag). The loader skips it silently, so one
    mistake gives one message, not a cascade."""

    line: int


YNode = YScalar | YMap | YSeq | YBad


@record
class Problem:
    """A mistake found while building the tree; ``path`` is the key path (``rules[0].match``), ``""`` for the root."""

    line: int
    path: str
    message: str


class YamlError(Exception):
    """The file cannot be read as YAML at all (encoding, syntax, several documents). One line, one message."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def join_key(path: str, key: str) -> str:
    """``rules[0]`` + ``match`` -> ``rules[0].match``; the root path is ``""``."""
    return f"{path}.{key}" if path else key


def join_index(path: str, index: int) -> str:
    return f"{path}[{index}]"


def decode(data: bytes) -> str:
    """Strict UTF-8 (a leading BOM is allowed); the error names the line of the first bad byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlError(line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at column {column})") from None


def parse(text: str) -> tuple[YNode | None, list[Problem]]:
    """Parse one YAML document into a positioned tree. ``None`` for an empty document (only comments, blank).

    Raises :class:`YamlError` for text that is not YAML; returns the problems that still leave a tree."""
    from tenmon_guard.policy import shipped

    known = shipped.tree_of(text)
    if known is not None:
        return known
    from tenmon_guard.policy import yamlcompose

    return yamlcompose.compose(text)
