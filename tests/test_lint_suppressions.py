"""Inline suppressions: parsing the comment, which line it covers, and what is wrong with it."""

from __future__ import annotations

from tenmon_guard.backends.treesitter_backend import TreeSitterBackend
from tenmon_guard.lint import suppressions
from tenmon_guard.lint.rules import (
    SUPPRESSION_MALFORMED,
    SUPPRESSION_NO_REASON,
    SUPPRESSION_UNKNOWN_RULE,
    SUPPRESSION_UNUSED,
)
from tenmon_guard.verdict import Decision, Finding

KNOWN = {"force-kill-by-port", "sigkill-app", "unread"}


def parse(text: str, unread: tuple[tuple[int, int], ...] = ()) -> list[suppressions.Suppression]:
    """The suppressions of ``text``, with its comments as tree-sitter reads them (what the linter gives)."""
    return suppressions.parse(text, TreeSitterBackend().parse(text).comments, unread)


def _finding(rule: str) -> Finding:
    return Finding(rule, Decision.BLOCK, "m", None, (0, 1))


def test_no_marker_costs_nothing() -> None:
    assert parse("echo hi\nfuser -k 3000/tcp\n") == []


def test_comment_alone_covers_the_next_line_and_trailing_covers_its_own() -> None:
    text = (
        "# tenmon-guard: allow force-kill-by-port -- test server\n"
        "fuser -k 1/tcp\n"
        "x  # tenmon-guard: allow sigkill-app -- r\n"
    )
    first, second = parse(text)
    assert (first.target_line, first.rules, first.reason) == (2, ("force-kill-by-port",), "test server")
    assert (second.target_line, second.rules) == (3, ("sigkill-app",))


def test_stacked_comments_cover_the_first_line_after_them() -> None:
    text = "# tenmon-guard: allow a -- r\n  # tenmon-guard: allow b -- r\ncmd\n"
    assert [s.target_line for s in parse(text)] == [3, 3]


def test_several_rules_and_missing_reason() -> None:
    (item,) = parse("# tenmon-guard: allow sigkill-app, force-kill-by-port\n")
    assert item.rules == ("sigkill-app", "force-kill-by-port")
    assert item.reason is None
    (dashes_only,) = parse("# tenmon-guard: allow sigkill-app --   \n")
    assert dashes_only.reason is None


def test_a_reason_of_punctuation_only_is_no_reason() -> None:
    """Red team 15: ``-- --``, ``---`` (rule, then ``--``, then a reason ``-``) and ``-- .`` suppressed the finding."""
    for tail in ("-- --", "---", "-- .", "-- ?!"):
        (item,) = parse(f"# tenmon-guard: allow sigkill-app {tail}\n")
        assert item.reason is None, tail
    (item,) = parse("# tenmon-guard: allow sigkill-app -- 42\n")
    assert item.reason == "42"


def test_marker_inside_a_word_is_not_a_comment() -> None:
    assert parse("echo a#tenmon-guard: allow x -- y\n") == []


def test_apply_drops_only_the_named_rule_on_the_covered_line() -> None:
    found = parse("# tenmon-guard: allow force-kill-by-port -- test server\nfuser -k 1/tcp; kill -9 1\n")
    findings = [_finding("force-kill-by-port"), _finding("sigkill-app"), _finding("force-kill-by-port")]
    outcome = suppressions.apply(findings, [2, 2, 3], found, KNOWN)
    assert [f.rule for f in outcome.kept] == ["sigkill-app", "force-kill-by-port"]
    assert outcome.suppressed == 1
    assert outcome.problems == []


def test_without_reason_or_unknown_rule_suppresses_nothing_and_is_reported() -> None:
    text = (
        "# tenmon-guard: allow force-kill-by-port\n"
        "fuser -k 1/tcp\n"
        "# tenmon-guard: allow force-kil-by-port -- r\n"
        "fuser -k 1/tcp\n"
    )
    outcome = suppressions.apply(
        [_finding("force-kill-by-port"), _finding("force-kill-by-port")], [2, 4], parse(text), KNOWN
    )
    assert len(outcome.kept) == 2 and outcome.suppressed == 0
    rules = [p.rule for p in outcome.problems]
    assert rules == [SUPPRESSION_NO_REASON, SUPPRESSION_UNKNOWN_RULE]
    assert "did you mean force-kill-by-port" in outcome.problems[1].message
    assert all(p.decision == Decision.WARN for p in outcome.problems)


def test_unused_and_malformed_are_reported_on_the_comment() -> None:
    text = "echo fine  # tenmon-guard: allow sigkill-app -- nothing here\n# tenmon-guard: disable all\n"
    outcome = suppressions.apply([], [], parse(text), KNOWN)
    assert [p.rule for p in outcome.problems] == [SUPPRESSION_MALFORMED, SUPPRESSION_UNUSED]
    unused = next(p for p in outcome.problems if p.rule == SUPPRESSION_UNUSED)
    assert text[unused.span[0] : unused.span[1]].startswith("# tenmon-guard: allow sigkill-app")


def test_reserved_rules_can_be_suppressed() -> None:
    found = parse("# tenmon-guard: allow unread -- checked by hand\nweird syntax here\n")
    outcome = suppressions.apply([_finding("unread")], [2], found, KNOWN)
    assert outcome.kept == [] and outcome.suppressed == 1


def test_a_line_of_a_quoted_string_is_not_a_comment() -> None:
    """Red team 4 (lint-suppression-inside-a-string): the second line of ``echo "..."`` starts with ``#`` after
    blanks, but it is text that echo prints; it was taken for a comment covering line 3, where bash runs pkill."""
    text = 'echo "usage notes:\n# tenmon-guard: allow sigkill-app, kill-app-bypassing-systemd -- see\n"; kill -9 1\n'
    assert parse(text) == []
    assert parse("echo ' # tenmon-guard: allow sigkill-app -- x'; kill -9 1\n") == []


def test_a_heredoc_no_shell_reads_holds_no_comment() -> None:
    text = "cat > notes <<'EOF'\n# tenmon-guard: allow sigkill-app -- text, not a comment\nEOF\nkill -9 1\n"
    assert parse(text) == []


def test_a_real_comment_after_a_string_on_its_line_counts() -> None:
    (item,) = parse('echo " # tenmon-guard: x" # tenmon-guard: allow sigkill-app -- r\n')
    assert (item.target_line, item.rules, item.reason) == (1, ("sigkill-app",), "r")


def test_in_unread_text_a_suppression_is_reported_not_applied() -> None:
    """Where no parser read the text, the linter cannot tell a comment from a string: such a suppression is
    reported (it suppresses nothing), so a suppression that does not work is never silent."""
    text = "if then fi  # tenmon-guard: allow unread -- checked\n"
    (item,) = parse(text, unread=((0, len(text) - 1),))
    assert item.malformed is not None and "could not read" in item.malformed
    outcome = suppressions.apply([_finding("unread")], [1], [item], KNOWN)
    assert outcome.suppressed == 0 and [p.rule for p in outcome.problems] == [SUPPRESSION_MALFORMED]
