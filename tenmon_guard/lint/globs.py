"""Path globs for ``--include``/``--exclude``: ``*`` and ``?`` stay inside one path segment, ``**`` crosses them.

``fnmatch`` lets ``*`` cross ``/`` and has no ``**``, which makes ``vendor/*`` exclude ``vendor/a/b/c.sh`` and
``**/x.sh`` miss a top-level ``x.sh``; people write these globs as they would in a ``.gitignore``, so they are
read that way: a pattern without ``/`` matches a file or directory name at any depth.
"""

from __future__ import annotations

import functools
import re

from tenmon_guard.paths import bracket_expression


@functools.lru_cache(maxsize=256)
def compile_glob(pattern: str) -> re.Pattern[str]:
    """A regex matching whole relative paths (``/``-separated) against ``pattern``."""
    anchored = "/" in pattern.rstrip("/")
    body = pattern.strip("/") if anchored else pattern.rstrip("/")
    regex = _translate(body)
    if not anchored:
        regex = "(?:.*/)?" + regex
    return re.compile(regex + r"\Z", re.DOTALL)


def _translate(pattern: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[":
            bracket = bracket_expression(pattern, i + 1)  # as bash reads one (classes, ! and ^, escapes)
            if not bracket or not bracket[0]:
                out.append(re.escape(char))
                i += 1
            else:
                out.append(bracket[0])
                i = bracket[1]
        else:
            out.append(re.escape(char))
            i += 1
    return "".join(out)


def matches(path: str, patterns: tuple[str, ...]) -> bool:
    """Whether the relative ``path`` matches one of ``patterns``."""
    path = path.strip("/")
    return any(compile_glob(p).match(path) for p in patterns)


def matches_with_parents(path: str, patterns: tuple[str, ...]) -> bool:
    """Whether ``path`` or one of its parent directories matches: excluding ``vendor`` excludes what is in it."""
    parts = path.strip("/").split("/")
    return any(matches("/".join(parts[: n + 1]), patterns) for n in range(len(parts)))
