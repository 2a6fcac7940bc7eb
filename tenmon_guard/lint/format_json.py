"""One JSON document: findings with positions, notes, errors and counts (for scripts and editors)."""

from __future__ import annotations

import json
from typing import Any

from tenmon_guard.lint.results import LintFinding, LintReport
from tenmon_guard.verdict import Decision


def finding_json(finding: LintFinding) -> dict[str, Any]:
    return {
        "path": finding.path,
        "line": finding.start.line,
        "column": finding.start.column,
        "end_line": finding.end.line,
        "end_column": finding.end.column,
        "rule": finding.rule,
        "decision": finding.decision.label,
        "message": finding.message,
        "suggestion": finding.suggestion,
    }


def render(report: LintReport) -> str:
    document = {
        "findings": [finding_json(f) for f in report.findings],
        "notes": [{"path": n.path, "message": n.message} for n in report.notes],
        "errors": [{"path": n.path, "message": n.message} for n in report.all_errors],
        "summary": {
            "files": report.linted,
            "lines": report.lines,
            "block": report.count(Decision.BLOCK),
            "warn": report.count(Decision.WARN),
            "suppressed": report.suppressed,
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
