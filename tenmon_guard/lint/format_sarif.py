"""SARIF 2.1.0 for GitHub code scanning: one run, every rule described, results with repository-relative URIs.

Columns are code points (``columnKind: unicodeCodePoints``), the unit the engine's spans are in. No property is
ever an empty string (GitHub rejects those); files outside the repository root get absolute ``file:`` URIs.
"""

from __future__ import annotations

import json
import os
import pathlib
import urllib.parse
from typing import Any

from tenmon_guard import __version__
from tenmon_guard.lint.discovery import Note
from tenmon_guard.lint.results import LintFinding, LintReport, RuleInfo
from tenmon_guard.verdict import Decision

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
ROOT_ID = "%SRCROOT%"
_LEVEL = {Decision.BLOCK: "error", Decision.WARN: "warning", Decision.ALLOW: "note"}


def render(report: LintReport) -> str:
    return json.dumps(document(report), ensure_ascii=False, indent=2) + "\n"


def document(report: LintReport) -> dict[str, Any]:
    index = {rule.id: n for n, rule in enumerate(report.rules)}
    root = os.path.abspath(report.root)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "tenmon-guard",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(rule) for rule in report.rules],
            }
        },
        "originalUriBaseIds": {ROOT_ID: {"uri": pathlib.Path(root).as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "invocations": [_invocation(report, root)],
        "results": [_result(f, index, root) for f in report.findings],
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _rule(rule: RuleInfo) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.replace("_", "-").split("-") if part),
        "shortDescription": {"text": rule.short},
        "fullDescription": {"text": rule.full},
        "help": {"text": rule.help},
        "defaultConfiguration": {"level": _LEVEL[rule.decision]},
        "properties": {"tags": ["tenmon-guard", "shell"]},
    }


def _result(finding: LintFinding, index: dict[str, int], root: str) -> dict[str, Any]:
    text = finding.message + (f" Instead: {finding.suggestion}" if finding.suggestion else "")
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": _LEVEL[finding.decision],
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact(finding.path, root),
                    "region": {
                        "startLine": finding.start.line,
                        "startColumn": finding.start.column,
                        "endLine": finding.end.line,
                        "endColumn": max(finding.end.column, 1),
                    },
                }
            }
        ],
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    return result


def _artifact(path: str, root: str) -> dict[str, str]:
    """A URI relative to the repository root (with its base id), or an absolute ``file:`` URI outside it."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, root)
    if relative == ".." or relative.startswith("../"):
        return {"uri": pathlib.Path(absolute).as_uri()}
    uri = urllib.parse.quote(relative.replace(os.sep, "/"), errors="surrogateescape")  # the bytes of the name
    return {"uri": uri, "uriBaseId": ROOT_ID}


def _invocation(report: LintReport, root: str) -> dict[str, Any]:
    notifications = [_notification(n, "note", root) for n in report.notes]
    notifications += [_notification(n, "error", root) for n in report.all_errors]
    invocation: dict[str, Any] = {"executionSuccessful": not report.all_errors}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def _notification(note: Note, level: str, root: str) -> dict[str, Any]:
    return {
        "level": level,
        "message": {"text": note.message or level},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact(note.path, root)}}],
    }
