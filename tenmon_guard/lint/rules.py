"""The rule ids the linter itself reports (suppression problems) and descriptions of the engine's reserved ids.

Policy rules describe themselves (message, suggestion); these do not come from a policy, so their text is here.
"""

from __future__ import annotations

from tenmon_guard.lint.results import RuleInfo
from tenmon_guard.policy.types import Policy
from tenmon_guard.verdict import Decision

SUPPRESSION_NO_REASON = "suppression-without-reason"
SUPPRESSION_UNKNOWN_RULE = "suppression-unknown-rule"
SUPPRESSION_UNUSED = "suppression-unused"
SUPPRESSION_MALFORMED = "suppression-malformed"

SYNTAX = "# tenmon-guard: allow RULE-ID -- reason"

# id -> (decision, one-line description, help)
LINT_RULES: dict[str, tuple[Decision, str, str]] = {
    SUPPRESSION_NO_REASON: (
        Decision.WARN,
        "An inline suppression gives no reason, so it suppresses nothing.",
        f"Write the reason after two dashes: {SYNTAX}",
    ),
    SUPPRESSION_UNKNOWN_RULE: (
        Decision.WARN,
        "An inline suppression names a rule that no loaded policy defines, so it suppresses nothing.",
        "Use a rule id from the policy (tenmon-guard policy validate lists them) or remove the suppression.",
    ),
    SUPPRESSION_UNUSED: (
        Decision.WARN,
        "An inline suppression matches no finding on its line: it is stale or on the wrong line.",
        "Remove it, or move it onto the line of the finding or the line just before it.",
    ),
    SUPPRESSION_MALFORMED: (
        Decision.WARN,
        "A tenmon-guard comment that is not a suppression the linter understands.",
        f"The form is: {SYNTAX}",
    ),
}

RESERVED_RULES: dict[str, tuple[str, str]] = {
    "unread": (
        "Shell text that no parser reads, so nothing in it could be checked.",
        "Rewrite the construct in plain sh/bash, or suppress it with a reason after checking it by hand.",
    ),
    "unknown-command": (
        "A command name that cannot be known before the script runs (a variable or substitution).",
        "Name the command literally, or suppress the finding with a reason.",
    ),
    "unknown-target": (
        "A command that would break the service if an argument not known statically had a certain value.",
        "Make the argument literal so the guard can check it, or suppress the finding with a reason.",
    ),
    "guard-error": (
        "The guard failed while checking this file; it was not checked.",
        "Report the file to the tenmon-guard maintainers.",
    ),
}


def describe(policy: Policy) -> tuple[RuleInfo, ...]:
    """Every rule a finding may carry: the policy's own, the engine's reserved ids, the linter's own."""
    out = [
        RuleInfo(
            rule.id,
            rule.decision,
            _first_sentence(rule.message),
            _one_line(rule.message),
            f"Instead: {_one_line(rule.suggestion)}" if rule.suggestion else _one_line(rule.message),
        )
        for rule in policy.rules
    ]
    for rule_id, (text, help_text) in RESERVED_RULES.items():
        out.append(RuleInfo(rule_id, _reserved_decision(policy, rule_id), text, text, help_text))
    for rule_id, (decision, text, help_text) in LINT_RULES.items():
        out.append(RuleInfo(rule_id, decision, text, text, help_text))
    return tuple(out)


def _reserved_decision(policy: Policy, rule_id: str) -> Decision:
    """What the lint door's settings make of a reserved id (SARIF's default level for it)."""
    if rule_id == "unread":
        return policy.settings.unread.get("lint", Decision.BLOCK)
    if rule_id.startswith("unknown-"):
        return policy.settings.unknown.get("lint", Decision.WARN)
    return Decision.BLOCK


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "(no description)"


def _first_sentence(text: str) -> str:
    line = _one_line(text)
    for stop in (": ", ". "):
        head, found, _ = line.partition(stop)
        if found and head:
            return head + ("." if stop == ". " else "")
    return line
