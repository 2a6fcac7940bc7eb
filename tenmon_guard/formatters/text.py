"""Plain text for verdicts: short, for people, no dependencies (the fast path never imports rich)."""

from __future__ import annotations

from tenmon_guard.verdict import Decision, Verdict

_LABEL = {Decision.ALLOW: "ALLOW", Decision.WARN: "WARN", Decision.BLOCK: "BLOCK"}


def render_verdict(verdict: Verdict) -> str:
    lines = [f"{_LABEL[verdict.decision]}: {verdict.command}"]
    for finding in verdict.findings:
        lines.append(f"  [{finding.decision.label}] {finding.rule}: {finding.message}")
        if finding.suggestion:
            lines.append(f"    instead: {finding.suggestion}")
    return "\n".join(lines)
