"""Inline suppressions: ``# tenmon-guard: allow RULE-ID[, RULE-ID] -- reason``, on the line or the line before.

Only the linter reads them (a command about to run is never suppressed by a comment). A suppression must say why;
one without a reason, or for a rule no policy defines, suppresses nothing and is reported, and one that matches no
finding is reported as unused, so stale suppressions do not pile up. A comment alone on its line applies to the
next line that is not itself such a comment (several can be stacked); a comment after code applies to its line.
The comment is recognised where a shell comment may start (line start or after a blank or operator); the linter
does not tell a comment from the same text inside a heredoc.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from tenmon_guard.lint.rules import (
    LINT_RULES,
    SUPPRESSION_MALFORMED,
    SUPPRESSION_NO_REASON,
    SUPPRESSION_UNKNOWN_RULE,
    SUPPRESSION_UNUSED,
    SYNTAX,
)
from tenmon_guard.verdict import Finding

MARKER = "tenmon-guard"
_DIRECTIVE = re.compile(r"(?:^|(?<=[\s;&|()]))#[ \t]*tenmon-guard[ \t]*:(?P<body>[^\n]*)")
_ID_SEPARATORS = re.compile(r"[\s,]+")


@dataclass(frozen=True)
class Suppression:
    """One comment: the line it applies to, the rules it names, its reason (None if missing), its own span."""

    target_line: int
    rules: tuple[str, ...]
    reason: str | None
    span: tuple[int, int]
    malformed: str | None = None


def parse(text: str) -> list[Suppression]:
    """Every tenmon-guard comment in ``text`` (cheap when there is none: one substring test)."""
    if MARKER not in text:
        return []
    out: list[Suppression] = []
    lines = text.split("\n")
    offset = 0
    starts = []
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    standalone = [bool(_DIRECTIVE.match(line.lstrip())) and line.lstrip().startswith("#") for line in lines]
    for number, line in enumerate(lines):
        if MARKER not in line:
            continue
        match = _DIRECTIVE.search(line)
        if match is None:
            continue
        span = (starts[number] + match.start(), starts[number] + len(line.rstrip()))
        target = _target_line(number, standalone) if standalone[number] else number + 1
        out.append(_parse_body(match.group("body"), target, span))
    return out


def _target_line(number: int, standalone: Sequence[bool]) -> int:
    """The 1-based line a comment alone on line ``number`` (0-based) applies to: the first line after the run of
    suppression comments it belongs to."""
    after = number + 1
    while after < len(standalone) and standalone[after]:
        after += 1
    return after + 1


def _parse_body(body: str, target: int, span: tuple[int, int]) -> Suppression:
    words = body.strip()
    verb, _, rest = words.partition(" ")
    if verb != "allow":
        return Suppression(target, (), None, span, malformed=f"unknown tenmon-guard comment; the form is: {SYNTAX}")
    ids_text, dashes, reason = rest.partition("--")
    rules = tuple(r for r in _ID_SEPARATORS.split(ids_text.strip()) if r)
    if not rules:
        return Suppression(target, (), None, span, malformed=f"no rule id in this suppression; the form is: {SYNTAX}")
    return Suppression(target, rules, reason.strip() or None if dashes else None, span)


@dataclass(frozen=True)
class Outcome:
    kept: list[Finding]
    problems: list[Finding]
    suppressed: int


def apply(
    findings: Sequence[Finding], lines: Sequence[int], suppressions: Sequence[Suppression], known: Collection[str]
) -> Outcome:
    """Drop each finding whose span starts on a line a valid suppression for its rule covers.

    ``lines[i]`` is the 1-based line where ``findings[i]`` starts. Returns the findings kept, the problems found
    with the suppressions themselves (as findings on the comment), and how many findings were suppressed."""
    active: dict[tuple[int, str], int] = {}
    problems: list[Finding] = []
    for index, item in enumerate(suppressions):
        problems.extend(_problems(item, known))
        if item.reason is None or item.malformed:
            continue
        for rule in item.rules:
            if rule in known:
                active.setdefault((item.target_line, rule), index)
    used: set[tuple[int, str]] = set()
    kept: list[Finding] = []
    for finding, line in zip(findings, lines, strict=True):
        key = (line, finding.rule)
        if key in active:
            used.add(key)
        else:
            kept.append(finding)
    for key, index in active.items():
        if key not in used:
            message = f"suppression of {key[1]} is unused: no such finding on line {key[0]}"
            problems.append(_problem(SUPPRESSION_UNUSED, suppressions[index], message))
    return Outcome(kept, problems, len(findings) - len(kept))


def _problems(item: Suppression, known: Collection[str]) -> list[Finding]:
    if item.malformed:
        return [_problem(SUPPRESSION_MALFORMED, item, item.malformed)]
    out = []
    if item.reason is None:
        out.append(_problem(SUPPRESSION_NO_REASON, item, f"suppression without a reason suppresses nothing: {SYNTAX}"))
    for rule in item.rules:
        if rule not in known:
            close = difflib.get_close_matches(rule, sorted(known), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            out.append(_problem(SUPPRESSION_UNKNOWN_RULE, item, f"suppression of unknown rule {rule!r}{hint}"))
    return out


def _problem(rule: str, item: Suppression, message: str) -> Finding:
    """A finding on the comment itself; the message says what to do, so there is no separate suggestion."""
    return Finding(rule, LINT_RULES[rule][0], message, None, item.span)
