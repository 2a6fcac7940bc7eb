"""What a test decides, where the words it is given are known: ``[ ARGS ]`` and ``test ARGS`` (bash's, zsh's, and
coreutils' alike for what is decided here), and ``[[ WORDS ]]``.

An ``if`` or ``&&`` on such a test then runs one way only. An admin's helper from an rc file, ``svc() { if [ "$1" =
stop ]; then pkill -f dist/index.js; else systemctl status tenmon-ark-api; fi; }``, called as ``svc status``, runs
systemctl alone: refusing it as if it killed the app would teach the admin to turn the guard off. Only what is
certain is decided; anything else (a file test, a word not known, an operator this does not know, a pattern) is
None, and both ways are judged, as before.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence

# a plain decimal integer, as bash, zsh and coreutils all read it (no blanks, no leading zero, no base, and short
# enough for a 64-bit integer): other text is compared some other way by each, or is an error
_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
_NUMERIC: dict[str, Callable[[int, int], bool]] = {
    "-eq": operator.eq,
    "-ne": operator.ne,
    "-lt": operator.lt,
    "-le": operator.le,
    "-gt": operator.gt,
    "-ge": operator.ge,
}
# what may make the right side of ``[[ X == Y ]]`` a pattern matching more than itself (zsh's extended globs too)
_PATTERN = re.compile(r"[][*?#^~()<>|\\]|[!@+]\(")
# words that are operators of ``[[ ]]`` when written bare: a form holding one of these is not decided here
_CONDITIONAL_SYNTAX = frozenset({"&&", "||", "(", ")", "<", ">", "=~"})


def outcome_of_test(args: Sequence[str], zsh: bool) -> bool | None:
    """``test ARGS``, or ``[ ARGS ]`` without the ``]``: what it decides by the number of its arguments, as POSIX has
    it (three with a comparison in the middle compare, whatever the other two are: ``[ ! = x ]`` is false). In zsh,
    ``==`` is not decided: a bare ``==`` is ``=`` expansion there, and the line stops with "= not found"."""
    count = len(args)
    if count == 0:
        return False
    if count == 1:
        return args[0] != ""
    if count == 2:
        if args[0] == "!":
            return args[1] == ""
        if args[0] in ("-z", "-n"):
            return (args[1] == "") == (args[0] == "-z")
        return None  # (a file test, or an error: "unary operator expected")
    if count == 3:
        if args[1] in ("=", "!=", "==") or args[1] in _NUMERIC:
            if args[1] == "==" and zsh:
                return None
            return _compared(args[0], args[1], args[2])
        if args[0] == "!":
            return _negated(outcome_of_test(args[1:], zsh))
        if args[0] == "(" and args[2] == ")":
            return args[1] != ""
        return None
    if count == 4 and args[0] == "!":
        return _negated(outcome_of_test(args[1:], zsh))
    return None  # (-a, -o, parentheses: left to the shell)


def outcome_of_conditional(words: Sequence[tuple[str, str | None]]) -> bool | None:
    """``[[ WORDS ]]``, each word as written and its value (None: not known). Bare operators are told by how they are
    written, so a quoted ``"=="`` is a string. The right side of ``==``, ``=`` and ``!=`` is a pattern: it is
    decided only where neither what is written nor its value holds what may make it match more than itself, and
    then as ``shopt -s nocasematch`` may be on (:func:`same_ignoring_case`)."""
    written = [w for w, _ in words]
    if any(w in _CONDITIONAL_SYNTAX for w in written):
        return None
    values = [v for _, v in words]
    if written[:1] == ["!"]:
        return _negated(outcome_of_conditional(words[1:])) if len(words) > 1 else None
    if len(words) == 1:
        return None if values[0] is None or written[0].startswith("-") else values[0] != ""
    if len(words) == 2 and written[0] in ("-z", "-n"):
        return None if values[1] is None else (values[1] == "") == (written[0] == "-z")
    if len(words) != 3 or values[0] is None or values[2] is None:
        return None
    left, op, right = values[0], written[1], values[2]
    if op in _NUMERIC:
        return _compared(left, op, right)
    if op not in ("==", "=", "!=") or holds_pattern_syntax(written[2]) or holds_pattern_syntax(right):
        return None
    matched = same_ignoring_case(left, right)
    return None if matched is None else matched == (op != "!=")


def holds_pattern_syntax(text: str) -> bool:
    """Whether a pattern's text (as written, or a value an expansion puts in it) holds what may make it match more
    than itself: a glob character, zsh's extended globs, extglob's ``@(``, or a backslash, which escapes what comes
    after it (``p='st\\atus'; case status in $p)`` matches)."""
    return _PATTERN.search(text) is not None


def same_ignoring_case(value: str, pattern: str) -> bool | None:
    """Does a pattern with nothing special in it match the value, where ``shopt -s nocasematch`` may be on? True
    where they are equal; False where they differ in more than the case of ASCII letters; None otherwise (they
    differ only in case, or hold other letters, whose case the locale decides)."""
    if value == pattern:
        return True
    if not (value.isascii() and pattern.isascii()):
        return None
    return None if value.lower() == pattern.lower() else False


def _compared(left: str, op: str, right: str) -> bool | None:
    if op in ("=", "=="):
        return left == right
    if op == "!=":
        return left != right
    if _INTEGER.fullmatch(left) and _INTEGER.fullmatch(right):
        return _NUMERIC[op](int(left), int(right))
    return None


def _negated(outcome: bool | None) -> bool | None:
    return None if outcome is None else not outcome
