"""Formatter and position details that the end-to-end tests do not reach: escaping, LINE:COL at edges."""

from __future__ import annotations

from tenmon_guard.lint import format_github, format_text
from tenmon_guard.lint.positions import LineIndex, count_lines
from tenmon_guard.lint.results import LintFinding, Position
from tenmon_guard.verdict import Decision


def _finding(path: str = "a,b:c.sh", message: str = "50% of\nit", suggestion: str | None = None) -> LintFinding:
    return LintFinding(path, "sigkill-app", Decision.WARN, message, suggestion, Position(3, 2), Position(3, 9))


def test_github_annotation_escapes_properties_and_data() -> None:
    line = format_github.annotation(_finding())
    assert line == ("::warning file=a%2Cb%3Ac.sh,line=3,col=2,endLine=3,endColumn=9,title=sigkill-app::50%25 of%0Ait")


def test_text_line_with_and_without_suggestion() -> None:
    assert format_text.finding_line(_finding("x.sh", "m")) == "x.sh:3:2: sigkill-app m"
    assert format_text.finding_line(_finding("x.sh", "m", "do y")) == "x.sh:3:2: sigkill-app m (suggest: do y)"


def test_line_index_edges() -> None:
    text = "ab\n\ncd"
    index = LineIndex(text)
    assert index.position(0) == Position(1, 1)
    assert index.position(2) == Position(1, 3)  # the newline itself ends line 1
    assert index.position(3) == Position(2, 1)
    assert index.position(4) == Position(3, 1)
    assert index.position(len(text)) == Position(3, 3)
    assert index.position(999) == Position(3, 3)
    assert count_lines(text) == 3 and count_lines("a\n") == 1 and count_lines("") == 0
