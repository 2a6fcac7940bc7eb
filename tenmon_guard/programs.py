"""sed scripts and awk programs: two small languages whose writes and commands the guard reads.

sed's ``w FILE`` and ``s/a/b/w FILE`` and awk's ``print > "FILE"`` write a file; sed's ``e COMMAND`` and awk's
``system("CMD")``, ``print | "CMD"`` and ``"CMD" | getline`` run shell text with ``sh -c``. Where a program names
them literally what it does is certain, and the builder judges it as bash would run it: the text as a nested
shell's, the file as a redirection of the command.

Where the program computes them (sed's ``e`` alone and ``s///e`` flag run the pattern space; awk's ``system("rm "
$0)``, ``print > ARGV[1]``, ``"\\057opt" "/x"``) the reader records a *site*, and :func:`computed_effects` works
out what it runs or writes from what the line makes known: the input (a here-string, an ``echo`` piped in), the
operands, the environment, ``-v`` values. A part it cannot know is a piece not known (None in a :data:`Text`): the
builder judges the command or file with that part unknown, so that ``awk '{system($0)}' FILE`` is an unknown
command, never a silent one.

Both readers are conservative: anything they cannot place (an unknown sed command, awk text their tokenizer does
not read) ends the reading as incomplete, keeping only what was certain before it; the matcher then keeps looking
for protected names in the code (:func:`tenmon_guard.effects.inline_code`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tenmon_guard.frozen import record

Text = tuple[str | None, ...]  # a computed string: its known pieces, None for a piece not known
NOT_KNOWN: Text = (None,)


@record
class Token:
    kind: str  # string | name | number | op | newline | regex
    text: str


@record
class SedSite:
    """A command sed runs with its pattern space: a bare ``e`` (``regex`` None), or an ``s`` with the ``e`` flag
    (its regular expression and replacement as written; ``address``: the command's own ``/RE/`` and its delimiter,
    which an empty regular expression stands for)."""

    regex: str | None = None
    replacement: str = ""
    delimiter: str = "/"
    address: tuple[str, str] | None = None


@record
class AwkSite:
    """A command or file an awk program computes: ``kind`` command (``system(E)``, ``E | getline``), write
    (``print > E``, ``op`` > or >>) or pipe (``print ARGS | E``: ``printed`` the tokens of ARGS, None for print
    alone; ``formatted`` for printf). ``where``: BEGIN, END, main (a rule run for each record) or other."""

    kind: str
    target: tuple[Token, ...]
    op: str = ""
    printed: tuple[Token, ...] | None = None
    formatted: bool = False
    where: str = "main"


@record
class AwkFacts:
    """What an awk program does to the values a site may read: ``definitions``, the expressions each variable is
    given by a plain ``NAME = EXPR`` statement; ``modified``, names changed any other way (``getline NAME``,
    ``+=``, ``sub()``, a function's parameters); ``fields_changed``: $0 or a field may not hold the record read;
    ``arrays_changed``: ARGV or ENVIRON assigned or deleted; ``functions``: the functions it defines."""

    definitions: Mapping[str, tuple[tuple[Token, ...], ...]]
    modified: frozenset[str]
    fields_changed: bool
    arrays_changed: bool
    functions: frozenset[str] = frozenset()


Site = SedSite | AwkSite


@record
class ProgramEffects:
    """What a program certainly does: ``commands`` (shell text run with ``sh -c``), ``writes`` (``>`` or ``>>``
    and the file name as written), and the ``sites`` where it computes a command or file; ``complete``: every write
    and command it may do is among those."""

    commands: tuple[str, ...] = ()
    writes: tuple[tuple[str, str], ...] = ()
    complete: bool = True
    sites: tuple[Site, ...] = ()
    facts: AwkFacts | None = None


@dataclass
class _Found:
    commands: list[str] = field(default_factory=list)
    writes: list[tuple[str, str]] = field(default_factory=list)
    complete: bool = True
    sites: list[Site] = field(default_factory=list)
    facts: AwkFacts | None = None

    def effects(self) -> ProgramEffects:
        return ProgramEffects(tuple(self.commands), tuple(self.writes), self.complete, tuple(self.sites), self.facts)


@functools.lru_cache(maxsize=256)
def read_program(language: str, text: str) -> ProgramEffects:
    """Read ``text`` as a program of ``language`` (``sed`` or ``awk``); another language is never complete.
    Cached: the builder reads a program for its effects, the matcher again to know whether it was read whole."""
    reader = _READERS.get(language)
    return reader(text) if reader is not None else ProgramEffects(complete=False)


@record
class ProgramInput:
    """What the line makes known about a run of a program. ``text``: its input (None: not known); ``records``: awk's
    input records with the file each is read from (a record None: not known; a file None: stdin or not known);
    ``operands``: awk's ARGV[1]...; ``environment``: the known values of its environment; ``variables``: awk's
    ``-v`` and operand assignments (NAME, VALUE as written); ``separator``: awk's -F value (None: the default);
    ``quiet``, ``extended``: sed's -n and -E."""

    text: str | None = None
    records: tuple[tuple[str | None, str | None], ...] = ((None, None),)
    operands: tuple[str | None, ...] = ()
    environment: Mapping[str, str] = field(default_factory=dict)
    variables: tuple[tuple[str, str | None], ...] = ()
    separator: str | None = None
    quiet: bool = False
    extended: bool = False


@record
class Computed:
    """What a program's sites run and write for one input: ``commands`` (shell text), ``writes`` (op, file) and
    ``feeds`` (a command and the text printed into it: ``print "rm x" | "sh"``)."""

    commands: tuple[Text, ...] = ()
    writes: tuple[tuple[str, Text], ...] = ()
    feeds: tuple[tuple[Text, Text], ...] = ()


def computed_effects(language: str, script: str, effects: ProgramEffects, inputs: ProgramInput) -> Computed:
    """The commands and files the program's sites compute for ``inputs`` (the evaluators are imported here, on the
    rare line that has a site)."""
    if not effects.sites:
        return Computed()
    if language == "sed":
        from tenmon_guard import sedrun

        return Computed(commands=sedrun.site_commands(script, effects.sites, inputs))
    from tenmon_guard import awkvalues

    return awkvalues.evaluate(effects, inputs)


def merge(pieces: Text) -> Text:
    """Adjacent known pieces joined, adjacent unknown ones made one: the same text in its shortest form."""
    out: list[str | None] = []
    for piece in pieces:
        if piece is None and out and out[-1] is None:
            continue
        if piece is not None and out and out[-1] is not None:
            out[-1] = out[-1] + piece
            continue
        out.append(piece)
    return tuple(out) if out else ("",)


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
        i = skip_chars(text, i, _BLANKS + "\n;")
        if i >= n:
            return found.effects()
        start, i = i, _sed_addresses(text, i)
        address = _sed_regex_address(text, start, i)
        while 0 <= i < n and text[i] in _BLANKS + "!":
            i += 1
        if i < 0 or i >= n:
            break
        i = _sed_command(text, i, found, address)
        if i < 0:
            break
    found.complete = False
    return found.effects()


def _sed_regex_address(text: str, start: int, end: int) -> tuple[str, str] | None:
    """The regular expression of an address that is one ``/RE/`` (or ``\\cREc``), and its delimiter: the one an
    ``s`` with an empty regular expression after it uses (``/^(.*)\\.py$/s,,rm \\1.pyc,e``)."""
    if end <= start or text[start] not in "/\\":
        return None
    delimiter = "/" if text[start] == "/" else text[start + 1 : start + 2]
    first = start + 1 if text[start] == "/" else start + 2
    close = sed_part_end(text, first, delimiter, True)
    if close < 0 or skip_chars(text, close, "IM") != end:
        return None
    return text[first : close - 1], delimiter


def _sed_command(text: str, i: int, found: _Found, address: tuple[str, str] | None = None) -> int:
    """Read the command at ``i``; return where the next one may start, -1 when it cannot be read."""
    c = text[i]
    i += 1
    if c in "{}":
        return i
    if c == "#":
        return line_end(text, i)
    if c in _SED_PLAIN:
        return i
    if c in _SED_NUMBERED:
        i = skip_chars(text, i, _BLANKS)
        while i < len(text) and text[i].isdigit():
            i += 1
        return i
    if c in _SED_LABELLED:
        i = skip_chars(text, i, _BLANKS)
        while i < len(text) and text[i] not in _BLANKS + "\n;":
            i += 1
        return i
    if c in _SED_FILES:
        return _sed_file(text, i, c in "wW", found)
    if c in _SED_TEXT:
        return sed_text(text, i)[1]
    if c == "e":
        command, i = sed_text(text, i, command=True)
        if command:
            found.commands.append(command)
        else:
            found.sites.append(SedSite())  # the pattern space is run
        return i
    if c == "s":
        return _sed_substitute(text, i, found, address)
    if c == "y":
        return _sed_two_parts(text, i, regex=False)
    return -1


def _sed_file(text: str, i: int, writes: bool, found: _Found) -> int:
    """``w FILE``: the name is the rest of the line after blanks (``;`` and ``}`` included)."""
    i = skip_chars(text, i, _BLANKS)
    end = line_end(text, i)
    name = text[i:end]
    if writes and name:
        found.writes.append((">", name))
    return end


def sed_text(text: str, i: int, command: bool = False) -> tuple[str, int]:
    r"""The text of ``a``, ``i``, ``c`` and ``e``: after blanks, an optional ``\`` (and the newline after it), then
    up to a newline no backslash escapes; a backslash keeps the character after it. For ``e`` a newline right after
    the blanks means no text (the pattern space runs)."""
    i = skip_chars(text, i, _BLANKS)
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


def _sed_substitute(text: str, i: int, found: _Found, address: tuple[str, str] | None) -> int:
    """``s/RE/REPLACEMENT/FLAGS``: the ``w FILE`` flag writes FILE, the ``e`` flag runs the pattern space after
    the substitution (a site: what it holds is worked out from the input, or from the replacement alone)."""
    start = i
    i = _sed_two_parts(text, i, regex=True)
    while 0 <= i < len(text):
        c = text[i]
        if c in "gpiImM" + _BLANKS or c.isdigit():
            i += 1
        elif c == "e":
            found.sites.append(_sed_site(text, start, address))
            i += 1
        elif c == "w":
            return _sed_file(text, i + 1, True, found)
        else:
            break
    return i


def _sed_site(text: str, i: int, address: tuple[str, str] | None) -> SedSite:
    """The ``s`` command whose delimiter is at ``i`` (its parts are known to be closed), as a site."""
    delimiter = text[i]
    middle = sed_part_end(text, i + 1, delimiter, True)
    end = sed_part_end(text, middle, delimiter, False)
    return SedSite(text[i + 1 : middle - 1], text[middle : end - 1], delimiter, address)


def _sed_two_parts(text: str, i: int, regex: bool) -> int:
    """``s/RE/REPLACEMENT/`` or ``y/FROM/TO/`` from the delimiter at ``i``: the index after them, -1 when they are
    not closed. The first part of ``s`` is a regular expression (a bracket expression may hold the delimiter)."""
    if i >= len(text) or text[i] in "\n\\":
        return -1
    delimiter = text[i]
    i = sed_part_end(text, i + 1, delimiter, regex)
    return sed_part_end(text, i, delimiter, False) if i >= 0 else -1


def sed_part_end(text: str, i: int, delimiter: str, regex: bool) -> int:
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
        i = bracket_end(text, i) if regex and c == "[" else i + 1
        if i < 0:
            return -1
    return -1


def bracket_end(text: str, i: int) -> int:
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
    j = skip_chars(text, i, _BLANKS)
    if j < len(text) and text[j] == ",":
        return _sed_address(text, skip_chars(text, j + 1, _BLANKS), second=True)
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
        i = sed_part_end(text, start, delimiter, True) if delimiter != "\n" else -1
        while 0 <= i < n and text[i] in "IM":
            i += 1
        return i
    if c.isdigit() or (second and c in "+~"):
        i += 1
        while i < n and (text[i].isdigit() or text[i] == "~"):
            i += 1
    return i


def skip_chars(text: str, i: int, chars: str) -> int:
    while i < len(text) and text[i] in chars:
        i += 1
    return i


def line_end(text: str, i: int) -> int:
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


def _read_awk(text: str) -> ProgramEffects:
    """The shell commands and files an awk program runs and writes: ``system(CMD)``, ``CMD | getline``, ``print
    ... | CMD`` (and ``|&``), ``print ... > FILE`` (and ``>>``). A literal string is certain; any other expression
    is a site, computed by :mod:`tenmon_guard.awkvalues` from what the line makes known. An expression whose
    extent the reader cannot place, and gawk's ``@load``, leave the reading incomplete."""
    tokens = _awk_tokens(text)
    if tokens is None:
        return ProgramEffects(complete=False)
    found = _Found()
    regions = _awk_regions(tokens)
    for k, token in enumerate(tokens):
        if token.kind == "name" and token.text == "system":
            _awk_system(tokens, k, found, regions[k])
        elif token.kind == "name" and token.text == "getline":
            _awk_getline(tokens, k, found, regions[k])
        elif token.kind == "name" and token.text in ("print", "printf"):
            _awk_print(tokens, k, found, regions[k])
        elif token.kind == "op" and token.text == "@":
            found.complete = False  # @load "rwarray" and the like: functions the guard does not know
    if found.sites:
        found.facts = _awk_facts(tokens)
    return found.effects()


def _awk_tokens(text: str) -> list[Token] | None:
    """The program's tokens, blanks and comments left out; a regex literal is one token. None when some text is
    not a token (the guard's tokenizer and awk would disagree on the rest)."""
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        if text[i] == "/" and _awk_regex_may_start(tokens):
            end = _awk_regex_end(text, i)
            if end < 0:
                return None
            tokens.append(Token("regex", text[i:end]))
            i = end
            continue
        match = _AWK_TOKEN.match(text, i)
        if match is None:
            return None
        kind = match.lastgroup or ""
        continued = kind == "newline" and tokens and _key(tokens[-1]) in _AWK_CONTINUED
        if kind != "space" and not continued:
            tokens.append(Token(kind, match.group()))
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
            j = bracket_end(text, j)
            if j < 0:
                return -1
        else:
            j += 1
    return -1


def _awk_regex_may_start(tokens: list[Token]) -> bool:
    if not tokens:
        return True
    last = tokens[-1]
    if last.kind == "name":
        return last.text in _AWK_KEYWORDS_BEFORE_VALUE
    return _key(last) not in _AWK_VALUE_ENDS


def _key(token: Token | None) -> str:
    """A token as the tables above name it: operators and keywords by their text, values by their kind."""
    if token is None:
        return ""
    if token.kind in ("op", "newline") or (token.kind == "name" and token.text in _AWK_KEYWORDS):
        return token.text
    return token.kind


def _awk_string(token: Token | None) -> str | None:
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


def _at(tokens: list[Token], k: int) -> Token | None:
    return tokens[k] if 0 <= k < len(tokens) else None


def _awk_system(tokens: list[Token], k: int, found: _Found, where: str) -> None:
    """``system(CMD)``: CMD as a literal string, or a site."""
    if _key(_at(tokens, k + 1)) != "(":
        return
    close = closing(tokens, k + 1)
    if close < 0:
        found.complete = False
        return
    _awk_command(tuple(tokens[k + 2 : close]), found, where)


def _awk_command(expression: tuple[Token, ...], found: _Found, where: str) -> None:
    command = _awk_string(expression[0]) if len(expression) == 1 else None
    if command is not None:
        found.commands.append(command)
    else:
        found.sites.append(AwkSite("command", expression, where=where))


def _awk_getline(tokens: list[Token], k: int, found: _Found, where: str) -> None:
    """``CMD | getline``. awks differ on a concatenation before the pipe: gawk runs all of it (``"echo " "date" |
    getline`` runs ``echo date``), mawk its last value (``date``); both are judged."""
    if _key(_at(tokens, k - 1)) not in ("|", "|&"):
        return  # getline from the input or from a file (< FILE)
    last = _primary_start(tokens, k - 2)
    start = _expression_start(tokens, k - 2)
    if last < 0 or start < 0:
        found.complete = False
        return
    _awk_command(tuple(tokens[start : k - 1]), found, where)
    if last != start:
        _awk_command(tuple(tokens[last : k - 1]), found, where)


def _awk_print(tokens: list[Token], k: int, found: _Found, where: str) -> None:
    """``print ... > FILE`` (``>>``, ``|``, ``|&``): the first of those operators outside parentheses ends the
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
    end = _statement_end(tokens, j + 1)
    target = tuple(tokens[j + 1 : end])
    literal = _awk_string(target[0]) if len(target) == 1 else None
    if end < 0 or not target:
        found.complete = False
    elif literal is not None and op in (">", ">>"):
        found.writes.append((op, literal))
    elif op in (">", ">>"):
        found.sites.append(AwkSite("write", target, op, where=where))
    else:
        printed = tuple(tokens[k + 1 : j]) or None
        found.sites.append(AwkSite("pipe", target, op, printed, tokens[k].text == "printf", where))


def _statement_end(tokens: list[Token], j: int) -> int:
    """The index of the token that ends the statement going on at ``j`` (or the end of the program); -1 when a
    bracket closes first (the statement was inside it: awk refuses the program)."""
    depth = 0
    while j < len(tokens):
        key = _key(tokens[j])
        if key in ("(", "["):
            depth += 1
        elif key in (")", "]"):
            depth -= 1
            if depth < 0:
                return -1
        elif depth == 0 and key in _AWK_STATEMENT_ENDS:
            return j
        j += 1
    return j if depth == 0 else -1


def closing(tokens: list[Token], k: int) -> int:
    """The index of the bracket that closes the one at ``k``; -1 when none does."""
    return _matching(tokens, k, 1)


def _opening(tokens: list[Token], k: int) -> int:
    """The index of the bracket that opens the one closing at ``k``; -1 when none does."""
    return _matching(tokens, k, -1)


def _matching(tokens: list[Token], k: int, step: int) -> int:
    """The bracket matching the one at ``k``, looking forward (``step`` 1, from an opener) or back (-1, from a
    closer); -1 when none does."""
    depth = 0
    for j in range(k, len(tokens) if step > 0 else -1, step):
        key = _key(tokens[j])
        if key in ("(", "["):
            depth += step
        elif key in (")", "]"):
            depth -= step
        else:
            continue
        if depth == 0:
            return j
    return -1


def _primary_start(tokens: list[Token], end: int) -> int:
    """The index where the value that ends at ``end`` starts (a string, number, name, field, call, subscript or
    parenthesized expression); -1 when the token there ends no value the reader places."""
    key = _key(_at(tokens, end))
    if key in (")", "]"):
        start = _opening(tokens, end)
        before = _at(tokens, start - 1)
        if start > 0 and before is not None and before.kind == "name" and _key(before) == "name":
            start -= 1  # a call or a subscript
    elif key in ("string", "number", "name"):
        start = end
    else:
        return -1
    while start > 0 and _key(tokens[start - 1]) == "$":
        start -= 1
    return start


def _expression_start(tokens: list[Token], end: int) -> int:
    """The index where the concatenation that ends at ``end`` starts: values follow each other back to a token
    that starts a value of its own (``x = "a" "b" | getline``: ``"a"``); -1 when one is not placed."""
    while True:
        start = _primary_start(tokens, end)
        if start < 0:
            return -1
        before = _key(_at(tokens, start - 1))
        if before in _AWK_VALUE_STARTS:
            return start
        if before not in ("string", "number", "name", ")", "]"):
            return -1
        end = start - 1


def _awk_regions(tokens: list[Token]) -> list[str]:
    """Where each token is: in a BEGIN or END action, in a main rule (pattern or action, run for each record), or
    elsewhere (a function's body, gawk's BEGINFILE and ENDFILE)."""
    regions: list[str] = []
    depth = 0
    pending = current = "main"
    for token in tokens:
        key = _key(token)
        if depth == 0 and token.kind == "name" and token.text in ("BEGIN", "END"):
            pending = token.text
        elif depth == 0 and token.kind == "name" and token.text in ("function", "func", "BEGINFILE", "ENDFILE"):
            pending = "other"
        if key == "{":
            if depth == 0:
                current = pending
            depth += 1
        regions.append(current if depth else pending)
        if key == "}" and depth:
            depth -= 1
            if depth == 0:
                pending = current = "main"
    return regions


_AWK_ASSIGNMENTS = frozenset({"=", "+=", "-=", "*=", "/=", "%=", "^=", "++", "--"})
_AWK_CHANGING_CALLS = frozenset({"sub", "gsub", "split", "patsplit", "match", "asort", "asorti"})
_AWK_STATEMENT_BEFORE = frozenset({"", "{", "}", ";", "\n", ")", "do", "else"})


def _awk_facts(tokens: list[Token]) -> AwkFacts:
    """What the program does to variables, fields, ARGV and ENVIRON (see :class:`AwkFacts`): read once, for a
    program that has a site."""
    definitions: dict[str, list[tuple[Token, ...]]] = {}
    modified: set[str] = set()
    functions: set[str] = set()
    fields_changed = arrays_changed = False
    for k, token in enumerate(tokens):
        after, before = _key(_at(tokens, k + 1)), _key(_at(tokens, k - 1))
        if token.kind == "name" and _key(token) == "name":
            name = token.text
            if after == "=" and before in _AWK_STATEMENT_BEFORE:
                end = _statement_end(tokens, k + 2)
                definitions.setdefault(name, []).append(tuple(tokens[k + 2 : end]) if end >= 0 else ())
            elif after in _AWK_ASSIGNMENTS or before in ("++", "--", "getline", "for", "function", "func", "delete"):
                modified.add(name)
            elif name in _AWK_CHANGING_CALLS and after == "(":
                modified.update(_names_in(tokens, k + 1))
                fields_changed = fields_changed or name in ("sub", "gsub")
            elif name in ("function", "func"):
                modified.update(_names_in(tokens, k + 2))
                functions.add(tokens[k + 1].text if k + 1 < len(tokens) else "")
            elif name == "getline" and _key(_at(tokens, k + 1)) != "name":
                fields_changed = True  # $0 from a file or a command
            elif name in ("ARGV", "ENVIRON") and (after == "[" or before == "delete"):
                arrays_changed = arrays_changed or _subscript_assigned(tokens, k + 1) or before == "delete"
            elif name == "NF" and (after in _AWK_ASSIGNMENTS or before in ("++", "--")):
                fields_changed = True
        elif _key(token) == "$":
            fields_changed = fields_changed or _field_assigned(tokens, k)
    return AwkFacts(
        {name: tuple(values) for name, values in definitions.items()},
        frozenset(modified),
        fields_changed,
        arrays_changed,
        frozenset(functions),
    )


def _names_in(tokens: list[Token], k: int) -> set[str]:
    """The names between the bracket at ``k`` and the one closing it (all of them, if it is not closed)."""
    close = closing(tokens, k)
    inside = tokens[k + 1 : close] if close >= 0 else tokens[k + 1 :]
    return {t.text for t in inside if t.kind == "name"}


def _subscript_assigned(tokens: list[Token], k: int) -> bool:
    close = closing(tokens, k)
    return close < 0 or _key(_at(tokens, close + 1)) in _AWK_ASSIGNMENTS


def _field_assigned(tokens: list[Token], k: int) -> bool:
    """Whether the field at ``$`` (index ``k``) is assigned, incremented or decremented."""
    if _key(_at(tokens, k - 1)) in ("++", "--"):
        return True
    j = k + 1
    while _key(_at(tokens, j)) == "$":
        j += 1
    key = _key(_at(tokens, j))
    if key == "(":
        j = closing(tokens, j)
        if j < 0:
            return True
    elif key not in ("number", "name"):
        return True  # not read here: taken as changed
    return _key(_at(tokens, j + 1)) in _AWK_ASSIGNMENTS


_READERS: dict[str, Callable[[str], ProgramEffects]] = {"sed": _read_sed, "awk": _read_awk}
