"""What linting produces: findings placed at LINE:COL in a file, per-file results, and the whole report.

Positions are 1-based lines and 1-based columns counted in characters (code points), the end exclusive, which is
what SARIF calls ``unicodeCodePoints`` columns and what editors show for ``FILE:LINE:COL``.
"""

from __future__ import annotations

from dataclasses import field

from tenmon_guard.frozen import record
from tenmon_guard.lint.discovery import Note
from tenmon_guard.verdict import Decision


@record(order=True)
class Position:
    line: int
    column: int


@record
class LintFinding:
    path: str
    rule: str
    decision: Decision
    message: str
    suggestion: str | None
    start: Position
    end: Position


@record
class FileResult:
    """One file's findings (sorted by position), how many were suppressed inline, and how many lines it has.
    ``skipped`` is a note when the file turned out not to be lintable (binary content past the first bytes)."""

    path: str
    findings: tuple[LintFinding, ...] = ()
    suppressed: int = 0
    lines: int = 0
    error: str | None = None
    skipped: str | None = None


@record
class RuleInfo:
    """A rule as the formatters describe it (SARIF ``reportingDescriptor``): every string non-empty."""

    id: str
    decision: Decision
    short: str
    full: str
    help: str


@record
class LintReport:
    files: tuple[FileResult, ...] = ()
    notes: tuple[Note, ...] = ()
    errors: tuple[Note, ...] = ()
    rules: tuple[RuleInfo, ...] = ()
    root: str = "."
    strict: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def findings(self) -> list[LintFinding]:
        return [f for result in self.files for f in result.findings]

    @property
    def all_errors(self) -> list[Note]:
        return list(self.errors) + [Note(r.path, r.error) for r in self.files if r.error]

    def count(self, decision: Decision) -> int:
        return sum(1 for f in self.findings if f.decision == decision)

    @property
    def suppressed(self) -> int:
        return sum(r.suppressed for r in self.files)

    @property
    def linted(self) -> int:
        return sum(1 for r in self.files if r.error is None and r.skipped is None)

    @property
    def lines(self) -> int:
        return sum(r.lines for r in self.files)
