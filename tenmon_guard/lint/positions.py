"""Character offsets to LINE:COL. Built only for files that have findings, so clean files cost nothing here."""

from __future__ import annotations

import bisect

from tenmon_guard.lint.results import Position


class LineIndex:
    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        at = find("\n")
        while at >= 0:
            starts.append(at + 1)
            at = find("\n", at + 1)
        self._starts = starts
        self._length = len(text)

    def position(self, offset: int) -> Position:
        """1-based line and column of ``offset`` (clamped to the text)."""
        offset = max(0, min(offset, self._length))
        line = bisect.bisect_right(self._starts, offset) - 1
        return Position(line + 1, offset - self._starts[line] + 1)

    def line_of(self, offset: int) -> int:
        return self.position(offset).line


def count_lines(text: str) -> int:
    """Lines as ``wc -l`` counts them, plus a last line without a newline."""
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)
