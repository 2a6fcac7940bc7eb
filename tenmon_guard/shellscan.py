"""Where a quoted or nested piece of shell text ends, read as bash reads it.

One scanner for the places that must step over such a piece without parsing the whole text: the hook's alias
expansion (before any parser runs), and the builder's question whether a substitution lies in double quotes. It
imports nothing, so the hook's start-up does not grow for it.
"""

from __future__ import annotations


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
