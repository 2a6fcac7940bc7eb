"""Where a quoted or nested piece of shell text ends, read as bash reads it.

One scanner for the places that must step over such a piece without parsing the whole text: the hook's alias
expansion (before any parser runs), and the builder's question whether a substitution lies in double quotes; and
one for the quotes open around each unknown piece of text known in part. It imports nothing (but the abstract
Sequence), so the hook's start-up does not grow for it.
"""

from __future__ import annotations

from collections.abc import Sequence


def paren_end(text: str, i: int, limit: int | None = None) -> int:
    """Index after the ``)`` matching the first ``(`` at or after ``i`` (for ``((``, the ``))`` closing it), stepping
    over what :func:`skip_quoted` steps over. Unterminated: ``limit`` (default the end of the text)."""
    n = len(text) if limit is None else limit
    depth, j = 0, i
    while j < n:
        ch = text[j]
        if ch in "\"'`\\" or (ch == "$" and j + 1 < n and text[j + 1] in "({'"):
            j = skip_quoted(text, j, n)
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return n


def skip_quoted(text: str, i: int, limit: int | None = None) -> int:
    """Index after the quoted or nested construct starting at ``text[i]``: a backslash escape, ``'...'``,
    ``$'...'``, ``"..."``, a backquote, ``$(...)`` or ``${...}`` (with what is nested in them). Unterminated, or
    running past ``limit``: ``limit`` (default the end of the text)."""
    n = len(text) if limit is None else limit
    c = text[i]
    if c == "\\":
        return min(i + 2, n)
    if c == "'":
        end = text.find("'", i + 1, n)
        return n if end < 0 else end + 1
    if c == "$" and i + 1 < n and text[i + 1] == "'":
        j = i + 2
        while j < n and text[j] != "'":
            j += 2 if text[j] == "\\" else 1
        return min(j + 1, n)
    if c == '"':
        j = i + 1
        while j < n and text[j] != '"':
            j = skip_quoted(text, j, n) if text[j] in "\\$`" else j + 1
        return min(j + 1, n)
    if c == "`":
        j = i + 1
        while j < n and text[j] != "`":
            j += 2 if text[j] == "\\" else 1
        return min(j + 1, n)
    if c == "$" and i + 1 < n and text[i + 1] in "({":
        close = ")" if text[i + 1] == "(" else "}"
        depth, j = 0, i + 1
        while j < n:
            ch = text[j]
            if ch in "\"'`\\" or (ch == "$" and j + 1 < n and text[j + 1] in "({'"):
                j = skip_quoted(text, j, n)
                continue
            if (ch == "(" and close == ")") or j == i + 1:  # (in ``${``, a ``{`` opens nothing: ``${y:-a{b}``)
                depth += 1
            elif ch == close:
                depth -= 1
                if depth == 0:
                    return j + 1
            j += 1
        return n
    return i + 1


# -- the quotes open around the pieces of text known in part ------------------------------------------------------
# Text known in part (``bash -c "rm -rf '$D'"``) is read with each unknown piece standing in as a variable. A
# stand-in written as ``${NAME}`` is only expanded where the shell reading the text expands: inside single quotes it
# is the literal text ``${NAME}``, and ``rm -rf '/opt/tenmon-ark-live'`` was allowed as a relative path of no interest.

EXPANDED = ""  # outside quotes, in double quotes, in a comment: a ``${NAME}`` there is read as the piece
SINGLE = "'"
ANSI_C = "$'"

# frames of the scan: a context the text has open
_NORMAL, _DOUBLE, _SINGLE, _ANSI, _PARAMETER, _BACKQUOTE, _COMMENT = range(7)
_WORD_START = " \t\n;&|()<>"


def piece_quoting(parts: Sequence[str | None]) -> list[str | None]:
    """Shell text known in part, given as its known pieces with None for each piece not known: for each of those,
    in order, :data:`EXPANDED`, :data:`SINGLE` or :data:`ANSI_C` as the quotes open around it; None where the
    scan cannot tell (inside backquotes, after a here-document's start, past a parenthesis it cannot pair)."""
    frames: list[list[int]] = [[_NORMAL, 0]]  # kind, open parentheses (for ``$(`` frames: pops at depth 0)
    lost = False
    found: list[str | None] = []
    previous = "\n"
    for part in parts:
        if part is None:
            found.append(None if lost else _quoting(frames[-1][0]))
            previous = "x"
            continue
        if lost:
            continue
        text = part
        i = 0
        while i < len(text):
            kind = frames[-1][0]
            char = text[i]
            ahead = text[i + 1 : i + 2]
            if kind == _SINGLE:
                if char == "'":
                    frames.pop()
            elif kind == _COMMENT:
                if char == "\n":
                    frames.pop()
            elif kind == _ANSI:
                if char == "\\":
                    i += 1
                elif char == "'":
                    frames.pop()
            elif kind == _BACKQUOTE:
                lost = True
                break
            elif char == "\\":
                i += 1
            elif char == "$" and ahead == "(":
                frames.append([_NORMAL, 0])
                i += 1
            elif char == "$" and ahead == "{":
                frames.append([_PARAMETER, 0])
                i += 1
            elif char == "`":
                frames.append([_BACKQUOTE, 0])
            elif kind == _DOUBLE:
                if char == '"':
                    frames.pop()
            elif kind == _PARAMETER and char == "}":
                frames.pop()
            elif char == "$" and ahead == "'":
                frames.append([_ANSI, 0])
                i += 1
            elif char == "'":
                frames.append([_SINGLE, 0])
            elif char == '"':
                frames.append([_DOUBLE, 0])
            elif char == "#" and kind == _NORMAL and previous in _WORD_START:
                frames.append([_COMMENT, 0])
            elif char == "<" and text.startswith("<<", i) and not text.startswith("<<<", i):
                lost = True  # a here-document: its body's quoting is another matter
                break
            elif char == "(":
                frames[-1][1] += 1
            elif char == ")":
                if frames[-1][1]:
                    frames[-1][1] -= 1
                elif len(frames) > 1 and kind == _NORMAL:
                    frames.pop()
                else:
                    lost = True
                    break
            previous = text[i] if i < len(text) else previous
            i += 1
    return found


def _quoting(kind: int) -> str | None:
    if kind == _SINGLE:
        return SINGLE
    if kind == _ANSI:
        return ANSI_C
    if kind == _BACKQUOTE:
        return None
    return EXPANDED
