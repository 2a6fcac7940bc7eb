"""Decisions, findings and the one function that turns findings into a verdict."""

from __future__ import annotations

import enum
from dataclasses import field
from typing import Any

from tenmon_guard.frozen import record


class Decision(enum.IntEnum):
    """Ordered by severity so that combining findings is ``max``."""

    ALLOW = 0
    WARN = 1
    BLOCK = 2

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Decision:
        return cls[text.upper()]


@record
class Finding:
    """One reason for a decision. ``rule`` is a policy rule id or a reserved id (``unread``, ``unknown-command``,
    ``unknown-target``, ``guard-error``). ``confirm`` is the token a person may type to go ahead in an interactive
    door; every other door treats such a finding as its decision. ``at``: for a caller that places findings on
    lines (the linter), where a command of nested shell text is written when ``span`` is the outer command's."""

    rule: str
    decision: Decision
    message: str
    suggestion: str | None
    span: tuple[int, int]
    confirm: str | None = None
    at: tuple[int, int] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "decision": self.decision.label,
            "message": self.message,
            "suggestion": self.suggestion,
            "span": [self.span[0], self.span[1]],
        }
        if self.confirm is not None:
            out["confirm"] = self.confirm
        return out


@record
class Verdict:
    command: str
    decision: Decision
    findings: tuple[Finding, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "decision": self.decision.label,
            "findings": [f.to_json() for f in self.findings],
        }


def decide(command: str, findings: list[Finding] | tuple[Finding, ...]) -> Verdict:
    """The most severe finding decides; no finding means allow. Findings are de-duplicated (same rule, same span,
    same place in nested text) and ordered most severe first, then by position, so output is stable whichever
    parser found them."""
    unique = {(f.rule, f.span, f.decision, f.at): f for f in findings}
    ordered = sorted(unique.values(), key=lambda f: (-f.decision, f.span, f.at or f.span, f.rule))
    decision = max((f.decision for f in ordered), default=Decision.ALLOW)
    return Verdict(command=command, decision=decision, findings=tuple(ordered))
