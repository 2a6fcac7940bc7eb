"""Inline suppressions: ``# tenmon-guard: allow RULE-ID[, RULE-ID] -- reason``, on the line or the line before.

Only the linter reads them (a command about to run is never suppressed by a comment). A suppression must say why;
one without a reason, or for a rule no policy defines, suppresses nothing and is reported, and one that matches no
finding is reported as unused, so stale suppressions do not pile up. A comment alone on its line applies to the
next line that is not itself such a comment (several can be stacked); a comment after code applies to its line.
Only a shell comment is one, as the parser reads the text: the same words in a quoted string or in a heredoc's
body are text (``echo "notes:<newline># tenmon-guard: allow ...<newline>"; pkill -9 node`` suppresses nothing).
Nested shell text written as is in the file (a heredoc fed to a shell, ``ssh host '...'``) has comments of its
own, and its commands are placed on their own lines, so a suppression there covers the line it is next to.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import re
from collections.abc import Collection, Iterable, Sequence

from tenmon_guard.frozen import record
from tenmon_guard.lint.rules import (
    LINT_RULES,
    SUPPRESSION_MALFORMED,
    SUPPRESSION_NO_REASON,
    SUPPRESSION_UNKNOWN_RULE,
    SUPPRESSION_UNUSED,
    SYNTAX,
)
from tenmon_guard.model import Span
from tenmon_guard.verdict import Finding

MARKER = "tenmon-guard"
_DIRECTIVE = re.compile(r"(?:^|(?<=[\s;&|()]))#[ \t]*tenmon-guard[ \t]*:(?P<body>[^\n]*)")
_ID_SEPARATORS = re.compile(r"[\s,]+")


@record
class Suppression:
    """One comment: the line it applies to, the rules it names, its reason (None if missing), its own span."""

    target_line: int
    rules: tuple[str, ...]
    reason: str | None
    span: tuple[int, int]
    malformed: str | None = None


def parse(text: str, comments: Iterable[Span], unread: Iterable[tuple[int, int]] = ()) -> list[Suppression]:
    """Every tenmon-guard comment in ``text`` (cheap when there is none: one substring test). ``comments``: where
    the shell comments are, as the parser read them (``Guard.comments``); the same words anywhere else, in a
    quoted string or a heredoc's body that no shell reads, are text, not a comment. In ``unread`` text (no parser
    read it) they may be either: such a line is reported as a suppression that suppresses nothing."""
    if MARKER not in text:
        return []
    lines = text.split("\n")
    offset = 0
    starts = []
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    real = _Regions((c.start, c.end) for c in comments)
    unreadable = _Regions(unread)
    found: dict[int, re.Match[str]] = {}
    doubtful: dict[int, re.Match[str]] = {}
    for number, line in enumerate(lines):
        if MARKER not in line:
            continue
        match = _DIRECTIVE.search(line)
        while match is not None:  # (each match runs to the end of the line: the next may start inside it)
            if real.holds(starts[number] + match.start()):
                found[number] = match
                break
            if unreadable.holds(starts[number] + match.start()):
                doubtful.setdefault(number, match)
            match = _DIRECTIVE.search(line, match.start() + 1)
    standalone = {number for number, match in found.items() if not lines[number][: match.start()].strip()}
    out: list[Suppression] = []
    for number in sorted({*found, *doubtful}):
        match = found.get(number) or doubtful[number]
        span = (starts[number] + match.start(), starts[number] + len(lines[number].rstrip()))
        if number not in found:
            out.append(Suppression(number + 1, (), None, span, malformed=_NOT_KNOWN_COMMENT))
            continue
        target = _target_line(number, standalone) if number in standalone else number + 1
        out.append(_parse_body(match.group("body"), target, span))
    return out


_NOT_KNOWN_COMMENT = (
    "this suppression is in text the parser could not read, so it is not known to be a comment and suppresses "
    "nothing; write it on a line of its own before the command"
)


class _Regions:
    """Whether an offset lies in one of some regions of the text (given in any order, overlapping or repeated)."""

    def __init__(self, regions: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(set(regions))
        self._starts = [start for start, _ in ordered]
        self._reach = list(itertools.accumulate((end for _, end in ordered), max))  # the furthest end so far

    def holds(self, offset: int) -> bool:
        index = bisect.bisect_right(self._starts, offset) - 1
        return index >= 0 and offset < self._reach[index]


def _target_line(number: int, standalone: Collection[int]) -> int:
    """The 1-based line a comment alone on line ``number`` (0-based) applies to: the first line after the run of
    suppression comments it belongs to."""
    after = number + 1
    while after in standalone:
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
    return Suppression(target, rules, reason.strip() if dashes and _says_something(reason) else None, span)


def _says_something(reason: str) -> bool:
    """Whether a reason has a word in it: ``-- --``, ``---`` or ``-- .`` is punctuation, not a reason."""
    return any(char.isalnum() for char in reason)


@record
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
