"""zsh's reading of a line, written as bash text, so that the guard (whose parsers read bash) can judge what zsh runs.

The zsh hook sends its lines to ``tenmon-guard serve --shell zsh``. The parsers read them as bash would, and where
zsh runs something else for the same text, the guard judged a command that is not the one that runs:
``a=(fuser -k 3000/tcp); $a`` runs ``fuser -k 3000/tcp`` in zsh (bash: ``fuser``). :func:`zsh_reading` rewrites
the constructs zsh reads differently into the bash text that runs the same thing; serve judges both texts and the
stricter verdict stands (a zsh with SH_WORD_SPLIT or KSH_ARRAYS set reads like bash, so the bash reading stays
judged too). What it rewrites:

- an unquoted ``$a`` / ``${a}`` of a name the line assigns as an array: all its elements (``"${a[@]}"``);
- subscripts, braced or not and also in double quotes, 1-based: ``$a[1]`` is ``${a[0]}`` for an array, the first
  character (``${a:0:1}``) for a scalar; ranges ``$a[2,3]``; a subscript it cannot compute is an unknown value;
- ``$=a``, ``${=a}``, ``$~a``, ``${~a}`` and the splitting flags ``${(z)a}``, ``${(s: :)a}``, ``${(f)a}``: the
  unquoted (split) value; ``${(L)a}``, ``${(U)a}``, ``${(P)a}``: ``${a,,}``, ``${a^^}``, ``${!a}``;
- ``=cmd`` at the start of a word (the command's path; the guard knows commands by name): ``cmd``;
- the precommand modifiers ``noglob``, ``nocorrect``, ``-`` and ``repeat N`` before a command: removed.

Imported only for zsh requests; it imports nothing but ``re`` and the quote scanner.
"""

from __future__ import annotations

import re

from tenmon_guard.shellscan import skip_quoted

#: Arrays zsh has without an assignment on the line.
_SHELL_ARRAYS = frozenset({"path", "fpath", "cdpath", "manpath", "argv", "pipestatus", "mailpath", "module_path"})
_ARRAY_ASSIGNED = re.compile(r"(?:^|[\s;&|(){}])([A-Za-z_]\w*)\+?=\(|(?:-[aA]|set\s+-A)\s+([A-Za-z_]\w*)")
_NAME = re.compile(r"[A-Za-z_]\w*")
_BRACED = re.compile(r"([=~^]*)(?:\(([^)]*)\))?([A-Za-z_]\w*)(?:\[([^]]*)\])?\Z")
_UNBRACED = re.compile(r"([=~^]*)([A-Za-z_]\w*)")
_SEP_FLAG = re.compile(r"([sj])(.).*?\2")
_INDEX = re.compile(r"(-?\d+)(?:\s*,\s*(-?\d+))?")
_SPLIT_FLAGS = frozenset("zf0=")
_KNOWN_FLAGS = frozenset("zf0=@LUP")
_MODIFIERS = re.compile(r"(^|[;&|({\n]|\b(?:then|do|else)\s)(\s*)(?:(?:noglob|nocorrect|-|repeat\s+\w+)\s+)+")
_WORD_START = frozenset(" \t\n;&|(")
#: Stands for a value that cannot be known (serve judges it unknown, like any variable it has no value for).
UNKNOWN = '"${RANDOM}"'


def zsh_reading(text: str) -> str:
    """The bash text that runs what zsh runs for ``text`` (``text`` itself when nothing is read differently).

    A cheap test first: a line with no ``$``, no ``=`` and no modifier word is returned as is."""
    if "$" not in text and "=" not in text and not _MODIFIERS.search(text):
        return text
    arrays = _arrays(text)
    return _MODIFIERS.sub(r"\1\2", _rewrite(text, arrays))


def _arrays(text: str) -> frozenset[str]:
    """Names the text assigns as arrays (``a=(...)``, ``a+=(...)``, ``typeset -a a``, ``set -A a``)."""
    found = {m.group(1) or m.group(2) for m in _ARRAY_ASSIGNED.finditer(text)}
    return frozenset(found) | _SHELL_ARRAYS


def _rewrite(text: str, arrays: frozenset[str]) -> str:
    out: list[str] = []
    i, n, in_double = 0, len(text), False
    while i < n:
        c = text[i]
        if c == "\\" or (c in "'`" and not in_double) or text.startswith(("$'", "$(("), i):
            end = skip_quoted(text, i) if c != "$" or text[i + 1] == "'" else _arith_end(text, i)
            out.append(text[i:end])
            i = end
        elif c == '"':
            in_double = not in_double
            out.append(c)
            i += 1
        elif text.startswith("$(", i):
            end = skip_quoted(text, i)
            closed = text[end - 1 : end] == ")"
            out.append("$(" + _rewrite(text[i + 2 : end - 1 if closed else end], arrays) + (")" if closed else ""))
            i = end
        elif c == "$":
            piece, i = _parameter(text, i, arrays, in_double)
            out.append(piece)
        elif c == "=" and not in_double and (i == 0 or text[i - 1] in _WORD_START) and _NAME.match(text, i + 1):
            i += 1  # =cmd: the command's path
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _arith_end(text: str, i: int) -> int:
    """Past ``$(( ... ))`` (arithmetic is read alike)."""
    depth, j, n = 0, i + 1, len(text)
    while j < n:
        if text[j] == "(":
            depth += 1
        elif text[j] == ")":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return n


def _parameter(text: str, i: int, arrays: frozenset[str], in_double: bool) -> tuple[str, int]:
    """The bash text for the parameter expansion at ``text[i]`` (a ``$``) and the index after it."""
    if text.startswith("${", i):
        end = skip_quoted(text, i)
        m = _BRACED.match(text[i + 2 : end - 1]) if text[end - 1 : end] == "}" else None
        if m is None:
            return text[i:end], end
        prefix, flags, name, sub = m.groups()
    else:
        m = _UNBRACED.match(text, i + 1)
        if m is None:
            return "$", i + 1
        prefix, flags, name, sub = m.group(1), None, m.group(2), None
        end = m.end()
        if end < len(text) and text[end] == "[":
            close = text.find("]", end)
            if close > 0:
                sub, end = text[end + 1 : close], close + 1
    piece = _expansion(prefix, flags, name, sub, name in arrays, in_double)
    return (text[i:end] if piece is None else piece), end


def _expansion(prefix: str, flags: str | None, name: str, sub: str | None, array: bool, in_double: bool) -> str | None:
    """bash for one zsh expansion; None: read alike (or not understood: the bash reading stands alone)."""
    flagset = set(_SEP_FLAG.sub(lambda m: "z" if m.group(1) == "s" else "", flags or ""))
    if not flagset <= _KNOWN_FLAGS:
        return None
    split = bool(flagset & _SPLIT_FLAGS) or "=" in prefix or "~" in prefix
    if flagset & {"L", "U", "P"}:
        if sub is not None:
            return UNKNOWN
        body = "${!" + name + "}" if "P" in flagset else "${" + name + (",," if "L" in flagset else "^^") + "}"
        return body if split or in_double else f'"{body}"'
    if sub is not None:
        body = _subscript(name, sub.strip(), array)
        return body if split or in_double or body == UNKNOWN else f'"{body}"'
    if split:
        return "${" + name + "}"
    if not array:
        return None
    if in_double:
        return "${" + name + "[*]}"
    return '"${' + name + '[@]}"'


def _subscript(name: str, sub: str, array: bool) -> str:
    """``$name[sub]`` in zsh (1-based; a scalar's subscript counts characters) as bash."""
    if sub in ("@", "*"):
        return "${" + name + "[" + sub + "]}"
    m = _INDEX.fullmatch(sub)
    if m is None:
        return UNKNOWN
    first = int(m.group(1))
    last = int(m.group(2)) if m.group(2) is not None else None
    if first == 0 or (last is not None and (first < 0 or last < first)):
        return UNKNOWN
    start = first - 1 if first > 0 else first
    if last is None:
        return "${" + name + f"[{start}]" + "}" if array else "${" + name + f": {start}:1" + "}"
    count = last - first + 1
    return "${" + name + f"[@]:{start}:{count}" + "}" if array else "${" + name + f":{start}:{count}" + "}"
