"""sed scripts and awk programs: two small languages whose writes and commands the guard reads.

sed's ``w FILE`` and ``s/a/b/w FILE`` and awk's ``print > "FILE"`` write a file; sed's ``e COMMAND`` and awk's
``system("CMD")``, ``print | "CMD"`` and ``"CMD" | getline`` run shell text with ``sh -c``. Where a program names
them literally what it does is certain, and the builder judges it as bash would run it: the text as a nested
shell's, the file as a redirection of the command. Where the program computes them (``system(cmd)``,
``print > $1``) the reading is incomplete, and the matcher keeps looking for protected names in the code
(:func:`tenmon_guard.effects.inline_code`).

Both readers are conservative: anything they cannot place (an unknown sed command, an awk string with an escape
they do not decode) ends the reading as incomplete, keeping only what was certain before it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ProgramEffects:
    """What a program certainly does: ``commands`` (shell text run with ``sh -c``), ``writes`` (``>`` or ``>>``
    and the file name as written); ``complete``: every write and command it may do is among those. A command made
    from the input (sed's ``e`` alone, the ``s///e`` flag: Debian's dh_python3 prerm scripts run
    ``s,,rm "\1/__pycache__/\2".*,e``) is not known: the reading is incomplete, and the code is left to the
    matcher's look for protected names, as code the guard does not read is."""

    commands: tuple[str, ...] = ()
    writes: tuple[tuple[str, str], ...] = ()
    complete: bool = True


@dataclass
class _Found:
    commands: list[str] = field(default_factory=list)
    writes: list[tuple[str, str]] = field(default_factory=list)
    complete: bool = True

    def effects(self) -> ProgramEffects:
        return ProgramEffects(tuple(self.commands), tuple(self.writes), self.complete)


@functools.lru_cache(maxsize=256)
def read_program(language: str, text: str) -> ProgramEffects:
    """Read ``text`` as a program of ``language`` (``sed`` or ``awk``); another language is never complete.
    Cached: the builder reads a program for its effects, the matcher again to know whether it was read whole."""
    reader = _READERS.get(language)
    return reader(text) if reader is not None else ProgramEffects(complete=False)


# -- sed (GNU sed 4.9's compile.c, read the way it reads a script) ------------------------------------------------

_SED_PLAIN = frozenset("=dDFgGhHnNpPxz")  # commands without an argument
_SED_NUMBERED = frozenset("lLqQ")  # an optional number
_SED_LABELLED = frozenset(":btTv")  # a label (or version) up to a blank or ';'
_SED_TEXT = frozenset("aic")  # text to the end of the line
_SED_FILES = frozenset("rRwW")  # a file name to the end of the line
_BLANKS = " \t"


def _read_sed(text: str) -> ProgramEffects:
    """Every command of a sed script, in order; an unknown one (or a syntax error: sed refuses the script, but the
    guard cannot be sure how) ends the reading as incomplete."""
    found = _Found()
    i, n = 0, len(text)
    while True:
        i = _skip(text, i, _BLANKS + "\n;")
        if i >= n:
            return found.effects()
        i = _sed_addresses(text, i)
        while 0 <= i < n and text[i] in _BLANKS + "!":
            i += 1
        if i < 0 or i >= n:
            break
        i = _sed_command(text, i, found)
        if i < 0:
            break
    found.complete = False
    return found.effects()


def _sed_command(text: str, i: int, found: _Found) -> int:
    """Read the command at ``i``; return where the next one may start, -1 when it cannot be read."""
    c = text[i]
    i += 1
    if c in "{}":
        return i
    if c == "#":
        return _line_end(text, i)
    if c in _SED_PLAIN:
        return i
    if c in _SED_NUMBERED:
        i = _skip(text, i, _BLANKS)
        while i < len(text) and text[i].isdigit():
            i += 1
        return i
    if c in _SED_LABELLED:
        i = _skip(text, i, _BLANKS)
        while i < len(text) and text[i] not in _BLANKS + "\n;":
            i += 1
        return i
    if c in _SED_FILES:
        return _sed_file(text, i, c in "wW", found)
    if c in _SED_TEXT:
        return _sed_text(text, i)[1]
    if c == "e":
        command, i = _sed_text(text, i, command=True)
        if command:
            found.commands.append(command)
        else:
            found.complete = False  # the pattern space is run
        return i
    if c == "s":
        return _sed_substitute(text, i, found)
    if c == "y":
        return _sed_two_parts(text, i, regex=False)
    return -1


def _sed_file(text: str, i: int, writes: bool, found: _Found) -> int:
    """``w FILE``: the name is the rest of the line after blanks (``;`` and ``}`` included)."""
    i = _skip(text, i, _BLANKS)
    end = _line_end(text, i)
    name = text[i:end]
    if writes and name:
        found.writes.append((">", name))
    return end


def _sed_text(text: str, i: int, command: bool = False) -> tuple[str, int]:
    r"""The text of ``a``, ``i``, ``c`` and ``e``: after blanks, an optional ``\`` (and the newline after it), then
    up to a newline no backslash escapes; a backslash keeps the character after it. For ``e`` a newline right after
    the blanks means no text (the pattern space runs)."""
    i = _skip(text, i, _BLANKS)
    if command and (i >= len(text) or text[i] == "\n"):
        return "", i
    if i < len(text) and text[i] == "\\":
        i += 1
        if i < len(text) and text[i] == "\n":
            i += 1
    out: list[str] = []
    while i < len(text) and text[i] != "\n":
        if text[i] == "\\" and i + 1 < len(text):
            i += 1
        out.append(text[i])
        i += 1
    return "".join(out), i


def _sed_substitute(text: str, i: int, found: _Found) -> int:
    """``s/RE/REPLACEMENT/FLAGS``: the ``w FILE`` flag writes FILE, the ``e`` flag runs the pattern space."""
    i = _sed_two_parts(text, i, regex=True)
    while 0 <= i < len(text):
        c = text[i]
        if c in "gpiImM" + _BLANKS or c.isdigit():
            i += 1
        elif c == "e":
            found.complete = False  # the pattern space is run
            i += 1
        elif c == "w":
            return _sed_file(text, i + 1, True, found)
        else:
            break
    return i


def _sed_two_parts(text: str, i: int, regex: bool) -> int:
    """``s/RE/REPLACEMENT/`` or ``y/FROM/TO/`` from the delimiter at ``i``: the index after them, -1 when they are
    not closed. The first part of ``s`` is a regular expression (a bracket expression may hold the delimiter)."""
    if i >= len(text) or text[i] in "\n\\":
        return -1
    delimiter = text[i]
    i = _sed_delimited(text, i + 1, delimiter, regex)
    return _sed_delimited(text, i, delimiter, False) if i >= 0 else -1


def _sed_delimited(text: str, i: int, delimiter: str, regex: bool) -> int:
    """The index after the part that ``delimiter`` ends; -1 when no delimiter ends it on its line (a backslash
    escapes the next character, a newline too). In a regular expression GNU sed skips bracket expressions whole
    (``s/[/]/x/``)."""
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == delimiter:
            return i + 1
        if c == "\n":
            return -1
        i = _bracket_end(text, i) if regex and c == "[" else i + 1
        if i < 0:
            return -1
    return -1


def _bracket_end(text: str, i: int) -> int:
    """The index after the bracket expression that opens at ``i`` (``[]/]``, ``[^]a]``, ``[[:alpha:]/]``); -1 when
    it is not closed on its line."""
    j = i + 1
    if j < len(text) and text[j] == "^":
        j += 1
    if j < len(text) and text[j] == "]":
        j += 1
    while j < len(text) and text[j] != "\n":
        if text[j] == "]":
            return j + 1
        if text[j] == "[" and j + 1 < len(text) and text[j + 1] in ":.=":
            close = text.find(text[j + 1] + "]", j + 2)
            if close < 0:
                return -1
            j = close + 2
            continue
        j += 1
    return -1


def _sed_addresses(text: str, i: int) -> int:
    """Skip ``ADDR``, ``ADDR,ADDR`` (numbers, ``$``, ``/RE/`` or ``\\cREc`` with I/M flags, ``first~step``,
    ``+N``, ``~N``); -1 when a regular expression is not closed."""
    i = _sed_address(text, i, second=False)
    if i < 0:
        return i
    j = _skip(text, i, _BLANKS)
    if j < len(text) and text[j] == ",":
        return _sed_address(text, _skip(text, j + 1, _BLANKS), second=True)
    return i


def _sed_address(text: str, i: int, second: bool) -> int:
    n = len(text)
    if i >= n:
        return i
    c = text[i]
    if c == "$":
        return i + 1
    if c in "/\\":
        delimiter = "/" if c == "/" else (text[i + 1] if i + 1 < n else "\n")
        start = i + 1 if c == "/" else i + 2
        i = _sed_delimited(text, start, delimiter, True) if delimiter != "\n" else -1
        while 0 <= i < n and text[i] in "IM":
            i += 1
        return i
    if c.isdigit() or (second and c in "+~"):
        i += 1
        while i < n and (text[i].isdigit() or text[i] == "~"):
            i += 1
    return i


def _skip(text: str, i: int, chars: str) -> int:
    while i < len(text) and text[i] in chars:
        i += 1
    return i


def _line_end(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end


# -- awk ---------------------------------------------------------------------------------------------------------

_AWK_TOKEN = re.compile(
    r"""(?P<space>[ \t\r]+|\\\n|\#[^\n]*)
    |(?P<newline>\n)
    |(?P<string>"(?:[^"\\\n]|\\.)*")
    |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<number>[0-9]+\.?[0-9]*(?:[eE][-+]?[0-9]+)?|\.[0-9]+)
    |(?P<op>\|&|\|\||&&|>>|[<>!=]=|\+\+|--|[-+*/%^]=|\$|@|[-+*/%^!<>|?:~,;(){}\[\]=])
    """,
    re.VERBOSE,
)
# tokens after which a value ends, so that a ``/`` divides (``$1/2``); after anything else it opens a regex
_AWK_VALUE_ENDS = frozenset({"string", "name", "number", ")", "]", "$", "++", "--"})
_AWK_KEYWORDS_BEFORE_VALUE = frozenset({"print", "printf", "return", "in", "case", "do", "else", "getline"})
# where a string literal starts a value of its own (not the end of a concatenation: ``x "cmd" | getline``)
_AWK_VALUE_STARTS = frozenset({"", "{", "}", ";", "\n", "(", ",", "&&", "||", "=", "do", "else"})
_AWK_ESCAPES = {"\\": "\\", '"': '"', "/": "/", "n": "\n", "t": "\t"}
_AWK_STATEMENT_ENDS = frozenset({";", "}", "\n", ""})
_AWK_STATEMENT_STARTS = frozenset({"print", "printf", "{"})
_AWK_KEYWORDS = frozenset({"do", "else", "print", "printf"})  # names the tables above give by their text
_AWK_CONTINUED = frozenset({",", "{", "&&", "||", "do", "else"})  # a newline after these goes on with the statement


@dataclass(frozen=True)
class _Token:
    kind: str  # string | name | number | op | newline | regex
    text: str


def _read_awk(text: str) -> ProgramEffects:
    """The shell commands and files an awk program names literally: ``system("CMD")``, ``"CMD" | getline``,
    ``print ... | "CMD"`` (and ``|&``), ``print ... > "FILE"`` (and ``>>``). Any of them with a computed command
    or file, and gawk's ``@load``, leave the reading incomplete."""
    tokens = _awk_tokens(text)
    if tokens is None:
        return ProgramEffects(complete=False)
    found = _Found()
    for k, token in enumerate(tokens):
        if token.kind == "name" and token.text == "system":
            _awk_system(tokens, k, found)
        elif token.kind == "name" and token.text == "getline":
            _awk_getline(tokens, k, found)
        elif token.kind == "name" and token.text in ("print", "printf"):
            _awk_print(tokens, k, found)
        elif token.kind == "op" and token.text == "@":
            found.complete = False  # @load "rwarray" and the like: functions the guard does not know
    return found.effects()


def _awk_tokens(text: str) -> list[_Token] | None:
    """The program's tokens, blanks and comments left out; a regex literal is one token. None when some text is
    not a token (the guard's tokenizer and awk would disagree on the rest)."""
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        if text[i] == "/" and _awk_regex_may_start(tokens):
            end = _awk_regex_end(text, i)
            if end < 0:
                return None
            tokens.append(_Token("regex", text[i:end]))
            i = end
            continue
        match = _AWK_TOKEN.match(text, i)
        if match is None:
            return None
        kind = match.lastgroup or ""
        continued = kind == "newline" and tokens and _key(tokens[-1]) in _AWK_CONTINUED
        if kind != "space" and not continued:
            tokens.append(_Token(kind, match.group()))
        i = match.end()
    return tokens


def _awk_regex_end(text: str, i: int) -> int:
    """The index after the regex literal that opens at ``i`` (a ``/`` in a bracket expression or escaped does not
    end it); -1 when the line ends first. A loop, not a regex: one with nested repeats backtracked exponentially
    on ``/[a[a[a...``."""
    j = i + 1
    while j < len(text):
        c = text[j]
        if c == "/":
            return j + 1
        if c == "\n":
            return -1
        if c == "\\":
            j += 2
        elif c == "[":
            j = _bracket_end(text, j)
            if j < 0:
                return -1
        else:
            j += 1
    return -1


def _awk_regex_may_start(tokens: list[_Token]) -> bool:
    if not tokens:
        return True
    last = tokens[-1]
    if last.kind == "name":
        return last.text in _AWK_KEYWORDS_BEFORE_VALUE
    return _key(last) not in _AWK_VALUE_ENDS


def _key(token: _Token | None) -> str:
    """A token as the tables above name it: operators and keywords by their text, values by their kind."""
    if token is None:
        return ""
    if token.kind in ("op", "newline") or (token.kind == "name" and token.text in _AWK_KEYWORDS):
        return token.text
    return token.kind


def _awk_string(token: _Token | None) -> str | None:
    """The value of a string literal token; None for another token or an escape not decoded here (awks differ on
    ``\\$`` and the like)."""
    if token is None or token.kind != "string":
        return None
    out: list[str] = []
    body = token.text[1:-1]
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            escaped = _AWK_ESCAPES.get(body[i + 1 : i + 2])
            if escaped is None:
                return None
            out.append(escaped)
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _at(tokens: list[_Token], k: int) -> _Token | None:
    return tokens[k] if 0 <= k < len(tokens) else None


def _awk_system(tokens: list[_Token], k: int, found: _Found) -> None:
    """``system("CMD")``: CMD when it is one literal string, else the command is computed."""
    opened, closed = _at(tokens, k + 1), _at(tokens, k + 3)
    command = _awk_string(_at(tokens, k + 2))
    if _key(opened) == "(" and _key(closed) == ")" and command is not None:
        found.commands.append(command)
    elif _key(opened) == "(":
        found.complete = False


def _awk_getline(tokens: list[_Token], k: int, found: _Found) -> None:
    """``"CMD" | getline``: CMD when a literal string alone is piped (not the end of a concatenation)."""
    pipe = _at(tokens, k - 1)
    if _key(pipe) not in ("|", "|&"):
        return  # getline from the input or from a file (< FILE)
    command = _awk_string(_at(tokens, k - 2))
    if command is not None and _key(_at(tokens, k - 3)) in _AWK_VALUE_STARTS:
        found.commands.append(command)
    else:
        found.complete = False


def _awk_print(tokens: list[_Token], k: int, found: _Found) -> None:
    """``print ... > "FILE"`` (``>>``, ``|``, ``|&``): the first of those operators outside parentheses ends the
    values printed; what follows up to the end of the statement is the file or the command."""
    depth = 0
    j = k + 1
    while j < len(tokens):
        key = _key(tokens[j])
        if key in ("(", "["):
            depth += 1
        elif key in (")", "]"):
            depth -= 1
            if depth < 0:
                return
        elif (depth == 0 and key in _AWK_STATEMENT_ENDS) or key in _AWK_STATEMENT_STARTS:
            return  # (another statement's keyword: awk refuses the program; the scan stays linear)
        elif depth == 0 and key in (">", ">>", "|", "|&"):
            break
        j += 1
    else:
        return
    op = _key(tokens[j])
    target = _awk_string(_at(tokens, j + 1))
    if target is None or _key(_at(tokens, j + 2)) not in _AWK_STATEMENT_ENDS:
        found.complete = False
    elif op in (">", ">>"):
        found.writes.append((op, target))
    else:
        found.commands.append(target)


_READERS: dict[str, Callable[[str], ProgramEffects]] = {"sed": _read_sed, "awk": _read_awk}
