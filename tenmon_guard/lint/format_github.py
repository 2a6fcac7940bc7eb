"""GitHub Actions workflow commands (``::error file=...,line=...::message``): annotations on the pull request."""

from __future__ import annotations

from tenmon_guard.lint.results import LintFinding, LintReport
from tenmon_guard.verdict import Decision

_LEVEL = {Decision.BLOCK: "error", Decision.WARN: "warning", Decision.ALLOW: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: LintFinding) -> str:
    place = (
        f"file={_property(finding.path)},line={finding.start.line},col={finding.start.column},"
        f"endLine={finding.end.line},endColumn={finding.end.column},title={_property(finding.rule)}"
    )
    message = finding.message + (f" (suggest: {finding.suggestion})" if finding.suggestion else "")
    return f"::{_LEVEL[finding.decision]} {place}::{_data(message)}"


def render(report: LintReport) -> str:
    lines = [annotation(f) for f in report.findings]
    lines += [f"::notice file={_property(n.path)}::{_data(n.message)}" for n in report.notes]
    lines += [f"::error file={_property(n.path)}::{_data(n.message)}" for n in report.all_errors]
    return "".join(line + "\n" for line in lines)
