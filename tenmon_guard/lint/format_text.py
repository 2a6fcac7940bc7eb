"""``FILE:LINE:COL: RULE-ID message (suggest: ...)`` on stdout; notes, errors and a summary for stderr."""

from __future__ import annotations

from tenmon_guard.lint.results import LintFinding, LintReport
from tenmon_guard.verdict import Decision


def finding_line(finding: LintFinding) -> str:
    line = f"{finding.path}:{finding.start.line}:{finding.start.column}: {finding.rule} {finding.message}"
    return f"{line} (suggest: {finding.suggestion})" if finding.suggestion else line


def render(report: LintReport) -> str:
    return "".join(finding_line(f) + "\n" for f in report.findings)


def render_stderr(report: LintReport) -> str:
    """What a person reads besides the findings: skipped files, errors, and one summary line."""
    lines = [f"{note.path}: note: {note.message}" for note in report.notes]
    lines += [f"{note.path}: error: {note.message}" for note in report.all_errors]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def summary(report: LintReport) -> str:
    blocking = report.count(Decision.BLOCK)
    warnings = report.count(Decision.WARN)
    files = report.linted
    text = (
        f"tenmon-guard lint: {files} file{'s' if files != 1 else ''}, {blocking} blocking, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )
    if report.suppressed:
        text += f", {report.suppressed} suppressed"
    if report.all_errors:
        text += f", {len(report.all_errors)} error{'s' if len(report.all_errors) != 1 else ''}"
    if warnings and report.strict:
        text += " (--strict: warnings fail)"
    return text
