"""What a shell word means, decided once from its source text, whichever parser found it.

Quote removal, backslash escapes, ``$'..'`` decoding, parameter expansion (from same-line assignments), field
splitting of unquoted expansions, brace expansion and glob marking all happen here, so that both backends give the
same :class:`~tenmon_guard.model.Word` for the same text. Substitutions are not expanded: the caller lowers their
bodies and passes their spans in, and they become :class:`~tenmon_guard.model.Unknown` parts naming their
producers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Union

from tenmon_guard import arith
from tenmon_guard.frozen import fill_fields_directly
from tenmon_guard.model import Literal, Matches, Part, Span, Unknown, Word, plain_word
from tenmon_guard.paths import bash_glob
from tenmon_guard.shellscan import paren_end, skip_quoted

MAX_BRACE_WORDS = 256
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPECIAL_NAME = re.compile(r"[@*]|[0-9]+")  # the positional parameters, as ``${...}`` names them
_SPECIAL_PARAMS = "@*#?-$!0123456789"
# ${a[@]}, ${a[3]}, ${m[key]}, ${a[$i]}, ${a[i]}
_ARRAY_REF = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\[([^][$`'\"\\\s]+|\$[A-Za-z_][A-Za-z0-9_]*)\]")
_DEFAULT_IFS = " \t\n"
POSITIONAL = "@"  # the env key of the positional parameters, an array (``set -- a b``)
# the key ``~-`` is read by first: given (None) where bash's ``~-`` ($OLDPWD) and zsh's (the directory the shell
# left, whatever OLDPWD was set to) may differ, else missing, and $OLDPWD is read
LEFT = "~-"
ASSIGNED_ANYWHERE = ""  # in ``assigned``: a variable whose name is not known was set (``${!r:=d}``)
SCRIPT_NAME = "0"  # the env key of ``$0`` when it is known (``bash -c TEXT NAME``); no variable is named so
# the env key of ``$!`` when the text started the job it names (an Unknown of kind ``job``); no variable is named so
BACKGROUND_PID = "!"
_DOUBLE_QUOTED_STOP = re.compile(r'["\\$`]')  # what ends plain text inside double quotes
_STACK_TILDE = re.compile(r"([+-]?)([0-9]+)")  # ``~1``, ``~+2``, ``~-0``: an entry of the directory stack
_NAME_EQUALS = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(\+?)=")  # how an assignment (or a word written like one) starts
_INDIRECT_ASSIGNMENT = re.compile(r"!(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+)(?:\[[^\]]*\])?:?=")  # ``${!r:=d}``
_FORCED_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)::=(.*)", re.DOTALL)  # zsh's ``${X::=w}``
_WHOLE = re.compile(r'([A-Za-z_][A-Za-z0-9_]*):\+"\$\{([A-Za-z_][A-Za-z0-9_]*)\}"')  # ``${x:+"${x}"}``
_PARAM_OP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(:?[-?=+].*)?", re.DOTALL)
_POSITIONAL_SLICE = re.compile(r"([@*]):([0-9]+)(?::([0-9]+))?")  # ``${@:2}``, ``${*:1:3}``
# ``${a[@]:1}``, ``${a[*]:0:2}``, ``${a[@]: -2:1}``, ``${a[@]:(-1)}``: an indexed array's slice, by plain numbers
_ARRAY_SLICE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\[([@*])\]:(?: *(-?[0-9]+)|\( *(-?[0-9]+) *\))(?::([0-9]+))?")
_POSITIONAL_OP = re.compile(r"([0-9]+)(:?[-?=+])(.*)", re.DOTALL)  # ``${1:-d}``, ``${10+a}``
_TRANSFORM = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)@([A-Za-z])")  # ``${x@E}``, ``${x@P}``
# ``${a[0]@P}``, ``${m[k]@P}``, ``${1@P}``, ``${@@P}``, ``${!n@P}``: a prompt of an element, a positional parameter or
# an indirection
_OTHER_PROMPT = re.compile(r"!?(?:[A-Za-z_][A-Za-z0-9_]*(?:\[[^]]*\])?|[0-9]+|[@*])@P")
_ANSI_SIMPLE = {
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}
# What ``echo -e`` and ``printf %b`` decode with one letter: ``$'...'``'s escapes but the quotes and ``?``
ECHO_ESCAPES = {k: v for k, v in _ANSI_SIMPLE.items() if k not in "'\"?"}


@dataclass(frozen=True)
class Keyed:
    """An array whose indexes are not ``0..n-1`` (``x=([5]=a)``: bash keeps index 5, ``${x[0]}`` is empty), or an
    associative array (``declare -A``). A dense indexed array is a plain tuple of its elements."""

    items: tuple[tuple[str, str | None], ...]  # (index or key, value or None when not known); indexes in order
    associative: bool = False

    def values(self) -> tuple[str | None, ...] | None:
        """The elements in ``${a[@]}`` order; None when that order is not known (an associative array's is its
        hash table's)."""
        if self.associative and len(self.items) > 1:
            return None
        return tuple(v for _, v in self.items)


Array = Union[tuple[Union[str, Unknown, None], ...], Keyed]  # (Unknown: a call's argument made by a command)
# What a variable holds: its text, an unknown part with its producers, an array, or None: set to something not known.
Value = Union[str, Unknown, Array, None]
# An environment maps a variable name to its known value, or None when it is set to something not known statically.
Env = Mapping[str, Value]
_INDEX = re.compile(r"[0-9]+")
_NEGATIVE_INDEX = re.compile(r"-[0-9]+")  # (counts back from the end of an indexed array: ``${a[-1]}``, its last)
_KEY = re.compile(r"[A-Za-z0-9_./:@%+,-]+")  # an associative array's key written plainly (no quote, space, $)


def element_of(value: Value, index: str) -> str | Unknown | None:
    """``${a[INDEX]}`` of an array (or of a scalar, its element 0): "" when there is no such element, None when it
    is not known (an index that needs arithmetic, an element not known)."""
    if isinstance(value, Keyed) and value.associative:
        return dict(value.items).get(index, "") if _KEY.fullmatch(index) else None
    if _NEGATIVE_INDEX.fullmatch(index) and isinstance(value, (tuple, Keyed)):
        at = past_last(value) + int(index)  # (bash and zsh alike; before the first: an error, not known)
        if at < 0:
            return None
        return dict(value.items).get(str(at), "") if isinstance(value, Keyed) else value[at]
    if not _INDEX.fullmatch(index):
        return None
    if isinstance(value, Keyed):
        return dict(value.items).get(str(int(index)), "")
    if isinstance(value, tuple):
        return value[int(index)] if int(index) < len(value) else ""
    if isinstance(value, str):
        return value if int(index) == 0 else ""
    return None


def past_last(array: Array) -> int:
    """One past an indexed array's highest index: where a negative subscript or offset counts back from."""
    if isinstance(array, Keyed):
        return max((int(k) for k, _ in array.items), default=-1) + 1
    return len(array)


def array_items(value: Value) -> tuple[dict[str, str | None], bool]:
    """An array's elements by index or key, and whether it is associative, to change it (``x[1]=v``, ``x+=(v)``).
    A scalar is its element 0; an empty one (the model keeps ``unset x`` so) or one not known is an element 0 not
    known."""
    if isinstance(value, Keyed):
        return dict(value.items), value.associative
    if isinstance(value, tuple):
        return {str(i): v if not isinstance(v, Unknown) else None for i, v in enumerate(value)}, False
    return {"0": value if isinstance(value, str) and value else None}, False


def make_array(items: Mapping[str, str | None], associative: bool) -> Array:
    """The value of an array with these elements: a tuple when its indexes are 0..n-1."""
    if associative:
        return Keyed(tuple(items.items()), True)
    keys = sorted(items, key=int)
    if keys == [str(i) for i in range(len(keys))]:
        return tuple(items[k] for k in keys)
    return Keyed(tuple((k, items[k]) for k in keys))


def array_key(written: str, associative: bool) -> str | None:
    """The element a subscript names when it is written plainly: a number for an indexed array (``x[05]`` is
    ``x[5]``), a plain word for an associative one; None when bash would have to evaluate it."""
    if associative:
        return written if _KEY.fullmatch(written) else None
    return str(int(written)) if _INDEX.fullmatch(written) else None


def next_index(items: Mapping[str, str | None]) -> int:
    """Where ``x+=(v)`` puts its first element: after the highest index."""
    return max((int(k) for k in items), default=-1) + 1


# Looks up the substitution starting at an offset: (end offset, producer indexes, its output when known).
SubstitutionLookup = Callable[[int], "tuple[int, tuple[int, ...], str | None] | None"]


@dataclass(frozen=True)
class _Atom:
    """One piece of a word before brace expansion and field splitting."""

    part: Part
    brace: str | None = None  # "{", ",", "}" when an unquoted brace character
    splittable: bool = False  # came from an unquoted expansion: subject to field splitting
    field_break: bool = False  # between two elements of "${array[@]}": a new word starts here


def escaped_byte(value: int) -> str:
    """The character for one byte an escape gives (``\\xff``, ``\\377``): a byte of 0x80 or more is no character
    of its own, so it is held as the file system layer holds an undecodable byte (``surrogateescape``), and
    ``os.fsencode`` gives back the byte bash passes. Decoding 0xff as U+00FF would name another file on disk
    (UTF-8 ``c3 bf``)."""
    value &= 0xFF
    return chr(value) if value < 0x80 else chr(0xDC00 + value)


def as_file_names(text: str) -> str:
    """``text`` with the bytes it holds read as the text of a file name is: escaped bytes that make UTF-8 characters
    become those characters (``$'\\xc3\\xbf'`` is ``ÿ``, as typed), the others stay escaped bytes."""
    if not any(0xDC80 <= ord(c) <= 0xDCFF for c in text):  # (mypyc takes no surrogate in a literal)
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate of another kind (``\\ud800``): left as it is
        return text


def decode_ansi_c(body: str) -> str:
    """Decode the inside of ``$'...'`` as bash does (``\\x72`` -> ``r``, ``\\162`` -> ``r``, ``\\u263a`` ...)."""
    out: list[str] = []
    i, n = 0, len(body)
    while i < n:
        ch = body[i]
        if ch != "\\" or i + 1 >= n:
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in _ANSI_SIMPLE:
            out.append(_ANSI_SIMPLE[nxt])
            i += 2
        elif nxt in "01234567":
            m = re.match(r"[0-7]{1,3}", body[i + 1 :])
            assert m is not None
            out.append(escaped_byte(int(m.group(), 8)))
            i += 1 + len(m.group())
        elif nxt in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[nxt]
            m = re.match(rf"[0-9A-Fa-f]{{1,{width}}}", body[i + 2 :])
            if m is None:
                out.append("\\" + nxt)
                i += 2
            else:
                code = int(m.group(), 16)
                out.append(escaped_byte(code) if nxt == "x" else chr(code) if code < 0x110000 else "\ufffd")
                i += 2 + len(m.group())
        elif nxt == "c" and i + 2 < n:
            out.append(chr(ord(body[i + 2].upper()) ^ 0x40))
            i += 3
        else:
            out.append("\\" + nxt)
            i += 2
    return as_file_names("".join(out))


# Characters the lexer stops at: quotes, escapes, expansions, brace expansion, process substitution.
_SPECIAL = "\\'\"$`{,}<>"


class _Lexer:
    """Turns the source text of one word into atoms. Kept small: one method per quoting context."""

    def __init__(self, text: str, start: int, end: int, env: Env, subs: SubstitutionLookup, assignment: bool) -> None:
        self.text = text
        self.start = start
        self.i = start
        self.end = end
        self.env = env
        self.subs = subs
        self.assignment = assignment
        self.atoms: list[_Atom] = []
        self.assigned: dict[str, str | Unknown] | None = None  # what ``${X:=d}`` set
        self.prompted: list[str | None] | None = None  # the values ``${X@P}`` expands as a prompt (None: not known)
        self.arithmetic: list[str] | None = None  # what ``${...}`` evaluates as arithmetic (see _note_arithmetic)
        self.vanished = False  # a quoted ``"${a[@]}"`` of no elements: no word, not an empty one

    def lit(self, text: str, quoted: bool, brace: str | None = None, splittable: bool = False) -> None:
        text = text.replace("\0", "")  # bash drops NUL bytes from its input
        if text or (quoted and not splittable):  # ``""``, ``''``, ``"$empty"``: bash keeps an empty argument
            self.atoms.append(_Atom(Literal(text, quoted), brace, splittable))

    def expanded(self, value: str, quoted: bool, name: str) -> None:
        """The text an expansion gives. Unquoted, it is split into fields by the characters of ``IFS`` (see
        :func:`_split_fields`: ``IFS=,`` makes ``/tmp,/opt/x`` two paths); with an ``IFS`` not known, a value
        that could split is not known."""
        if quoted:
            self.lit(value, quoted=not isinstance(value, Matches))  # ("$f" of a loop over a glob: a path it matches)
            return
        ifs = self.env.get("IFS", _DEFAULT_IFS)
        if ifs == "":
            self.lit(value, quoted=False)  # no splitting at all
        elif isinstance(ifs, str):
            self.lit(value, quoted=False, splittable=True)
        else:
            self.unknown(Unknown("variable", name=name))

    def unknown(self, part: Unknown) -> None:
        self.atoms.append(_Atom(part))

    def run(self) -> list[_Atom]:
        text = self.text
        if self.i < self.end and text[self.i] == "~":
            self._tilde()
        while self.i < self.end:
            ch = text[self.i]
            if ch == "\\":
                self._escape_unquoted()
            elif ch == "'":
                self._single_quoted()
            elif ch == '"':
                self._double_quoted()
            elif ch == "$" and self.i + 1 < self.end and text[self.i + 1] == "'":
                self._ansi_c()
            elif ch == "$" and self.i + 1 < self.end and text[self.i + 1] == '"':
                self.i += 1
                self._double_quoted()
            elif ch in "$`" or (ch in "<>" and self.i + 1 < self.end and text[self.i + 1] == "("):
                self._expansion(quoted=False)
            elif ch in "{,}" and not self.assignment:
                self.lit(ch, quoted=False, brace=ch)
                self.i += 1
            else:
                if ch == "~" and self._tilde_may_follow():
                    before = self.i
                    self._tilde()
                    if self.i != before:
                        continue
                j = self.i
                while j < self.end and text[j] not in _SPECIAL and text[j] != "~":
                    j += 1
                if j == self.i:
                    j += 1
                self.lit(text[self.i : j], quoted=False)
                self.i = j
        return self.atoms

    def _tilde_may_follow(self) -> bool:
        """bash expands a tilde after the ``=`` or a ``:`` of an assignment, and of an argument written like one
        (``of=~/x``, ``PATH=~/bin:~/sbin``)."""
        if self.i == self.start or self.text[self.i - 1] not in "=:":
            return False
        return self.assignment or _NAME_EQUALS.match(self.text, self.start, self.end) is not None

    def _tilde(self) -> None:
        j = self.i + 1
        if j < self.end and self.text[j] in "+-" and (j + 1 == self.end or self.text[j + 1] in "/:"):
            # ``~+`` is $PWD, ``~-`` $OLDPWD (in zsh, the directory left)
            value = self.env.get("PWD") if self.text[j] == "+" else self.env.get(LEFT, self.env.get("OLDPWD"))
            if isinstance(value, str) and value:
                self.lit(value, quoted=True)
            else:
                self.unknown(Unknown("tilde", name=self.text[j]))
            self.i = j + 1
            return
        stacked = _STACK_TILDE.match(self.text, j, self.end)
        if stacked is not None and (stacked.end() == self.end or self.text[stacked.end()] in "/:"):
            self._stack_entry(stacked.group(1), int(stacked.group(2)))
            self.i = stacked.end()
            return
        while j < self.end and (self.text[j].isalnum() or self.text[j] in "._-"):
            j += 1
        if j < self.end and self.text[j] not in "/:" and not self.text.startswith("=~", j):
            return  # not a tilde prefix (e.g. ~foo'bar'): leave it literal; bash also ends one at ``:`` and ``=~``
        user = self.text[self.i + 1 : j]
        home = self.env.get("HOME")
        if user == "" and isinstance(home, str) and home:
            self.lit(home, quoted=True)
        elif user == "root":
            self.lit("/root", quoted=True)
        else:
            self.unknown(Unknown("tilde", name=user or "HOME"))
        self.i = j

    def _stack_entry(self, sign: str, n: int) -> None:
        """``~N`` and ``~+N`` (``dirs +N``), ``~-N`` (``dirs -N``): an entry of the directory stack, DIRSTACK (the
        cwd first); not known when the stack is not, or has no such entry (bash then leaves the word as it is)."""
        stack = self.env.get("DIRSTACK")
        index = (n if sign != "-" else len(stack) - 1 - n) if isinstance(stack, tuple) else -1
        entry = stack[index] if isinstance(stack, tuple) and 0 <= index < len(stack) else None
        if isinstance(entry, str) and entry:
            self.lit(entry, quoted=True)
        else:
            self.unknown(Unknown("tilde", name=sign + str(n)))

    def _escape_unquoted(self) -> None:
        if self.i + 1 >= self.end:
            self.lit("\\", quoted=True)
            self.i += 1
            return
        nxt = self.text[self.i + 1]
        if nxt != "\n":  # backslash-newline is a line continuation: nothing
            self.lit(nxt, quoted=True)
        self.i += 2

    def _single_quoted(self) -> None:
        close = self.text.find("'", self.i + 1, self.end)
        close = self.end if close < 0 else close
        self.lit(self.text[self.i + 1 : close], quoted=True)
        self.i = close + 1

    def _ansi_c(self) -> None:
        j = self.i + 2
        while j < self.end and self.text[j] != "'":
            j += 2 if self.text[j] == "\\" else 1
        # bash keeps the decoded string as a C string: a NUL (``\0``, ``\x00``, ``\c@``) ends it, the rest of the
        # quotes is lost (``rm -rf /opt/x$'\0-old'`` removes /opt/x)
        decoded = decode_ansi_c(self.text[self.i + 2 : min(j, self.end)]).split("\0", 1)[0]
        self.lit(decoded, quoted=True)
        self.i = j + 1

    def _double_quoted(self) -> None:
        self.i += 1
        first = len(self.atoms)
        self.vanished = False
        buf: list[str] = []
        while self.i < self.end and self.text[self.i] != '"':
            ch = self.text[self.i]
            if ch == "\\" and self.i + 1 < self.end and self.text[self.i + 1] in '$`"\\\n':
                if self.text[self.i + 1] != "\n":
                    buf.append(self.text[self.i + 1])
                self.i += 2
            elif ch in "$`":
                before = len(self.atoms)
                pending = "".join(buf)
                if pending:
                    self.lit(pending, quoted=True)
                buf = []
                start = self.i
                self._expansion(quoted=True)
                if self.i == start:  # a lone '$' is itself: the text before it stays ("a/$" is a/$, not $)
                    del self.atoms[before:]
                    buf = [pending, ch]
                    self.i += 1
            else:  # plain text up to the next character that means something here, in one piece
                stop = _DOUBLE_QUOTED_STOP.search(self.text, self.i + 1, self.end)
                after = self.end if stop is None else stop.start()
                buf.append(self.text[self.i : after])
                self.i = after
        rest = "".join(buf)
        if rest or (len(self.atoms) == first and not self.vanished):  # ``""`` is still an (empty) quoted part
            self.lit(rest, quoted=True)
        self.i += 1

    def _expansion(self, quoted: bool) -> None:
        """``$name``, ``${...}``, ``$(...)``, backticks, ``$((...))``, ``<(...)``; a lone ``$`` is literal."""
        text, i = self.text, self.i
        found = self.subs(i)
        if found is not None:
            end, producers, output = found
            kind = "arith" if text.startswith("$((", i) and not producers else "command"
            if output is not None:
                self.expanded(output.rstrip("\n"), quoted, "$(...)")  # bash drops the trailing newlines
            else:
                self.unknown(Unknown(kind, producers=producers))
            self.i = max(end, i + 1)
            return
        if text[i] == "`" or text.startswith("$(", i) or text[i] in "<>":
            self.unknown(Unknown("command"))
            self.i = _skip_balanced(text, i, self.end)
            return
        nxt = text[i + 1] if i + 1 < self.end else ""
        if nxt == "{":
            close = _find_brace_close(text, i + 2, self.end)
            inner = text[i + 2 : close]
            self.i = close + 1
            if "[" in inner or ":" in inner or inner.startswith("!"):
                self._note_arithmetic(inner)
            element = _ARRAY_REF.fullmatch(inner)
            if element and isinstance(self.env.get(element.group(1)), (tuple, Keyed)):
                self._array(element.group(1), element.group(2), quoted)
                return
            held = self.env.get(element.group(1)) if element else None
            if element and isinstance(held, Unknown):
                # what a command made (``mapfile -t P < <(pgrep node)``): each element of it comes from there
                if element.group(2) in ("@", "*", "0"):
                    self._parameter(element.group(1), quoted)
                else:
                    self.unknown(Unknown(held.kind, held.name, held.producers))
                return
            transform = _TRANSFORM.fullmatch(inner) if "@" in inner else None
            if transform:
                self._transform(transform.group(1), transform.group(2), quoted, inner)
                return
            if "@" in inner and _OTHER_PROMPT.fullmatch(inner):
                self.prompted = [*(self.prompted or ()), None]  # its value is not read here: it may run anything
                self.unknown(Unknown("variable", name=inner))
                return
            forced = _FORCED_ASSIGNMENT.fullmatch(inner) if "::=" in inner else None
            if forced:  # zsh's ``${X::=w}``: X is w, set or not (in bash an error: nothing after it runs)
                self._use_word(forced.group(1), forced.group(2), quoted, inner, assigns=True)
                return
            if inner == BACKGROUND_PID:
                self._background_pid()
                return
            if inner.startswith("!") and _INDIRECT_ASSIGNMENT.match(inner):
                self._assign(ASSIGNED_ANYWHERE, Unknown("variable", name=inner))  # (the name r holds)
                self.unknown(Unknown("variable", name=inner))
                return
            whole = _WHOLE.fullmatch(inner) if ":+" in inner else None
            if whole and whole.group(1) == whole.group(2):
                # ``${x:+"${x}"}``, how the zsh reading writes zsh's unquoted $x: the value as one word, no word
                # where it is empty
                value = self.env.get(whole.group(1))
                self._parameter(whole.group(1), quoted=value != "")
                return
            if inner.startswith("!") and self._indirect(inner[1:], quoted):
                return
            m = _PARAM_OP.fullmatch(inner)
            if (inner.isdigit() or inner in ("@", "*", "#")) and self._positional(inner, quoted):
                return
            positional = _POSITIONAL_OP.fullmatch(inner) if inner[:1].isdigit() else None
            if positional and self._positional_operator(positional, quoted, inner):
                return
            sliced = _POSITIONAL_SLICE.fullmatch(inner)
            if sliced and self._positional_slice(sliced, quoted):
                return
            sliced = _ARRAY_SLICE.fullmatch(inner) if "]:" in inner else None
            if sliced and self._array_slice(sliced, quoted):
                return
            if m and m.group(2) and isinstance(self.env.get(m.group(1)), str):
                self._operator(m.group(1), m.group(2), quoted, inner)
            elif m and m.group(2) is None:
                self._parameter(inner, quoted)
            elif not self._string_operator(inner, quoted):
                self.unknown(Unknown("variable", name=inner))
            return
        m = _NAME.match(text, i + 1, self.end)
        if m and not quoted and not self.assignment and text.startswith("{", m.end()) and m.end() < self.end:
            # ``$x{a,b}``: bash expands the braces first, so the names are xa and xb, not x
            self.unknown(Unknown("variable", name=m.group()))
            self.i = m.end()
        elif m:
            self._parameter(m.group(), quoted)
            self.i = m.end()
        elif nxt == BACKGROUND_PID:
            self._background_pid()
            self.i = i + 2
        elif nxt and nxt in _SPECIAL_PARAMS:
            if not self._positional(nxt, quoted):
                self.unknown(Unknown("variable", name=nxt))
            self.i = i + 2
        else:
            if not quoted:
                self.lit("$", quoted=False)
                self.i = i + 1

    def _background_pid(self) -> None:
        """``$!``: one PID, never split (digits), so quoted or not it is the one piece the builder keeps when the
        text started the job it names, or the PID a hook sent; otherwise not known."""
        held = self.env.get(BACKGROUND_PID)
        if isinstance(held, str):  # (a hook sends the PID of the job an earlier prompt started)
            self.expanded(held, False, BACKGROUND_PID)
            return
        self.unknown(held if isinstance(held, Unknown) else Unknown("variable", name=BACKGROUND_PID))

    def _indirect(self, name: str, quoted: bool) -> bool:
        """``${!x}`` with x holding a known variable name: bash expands the variable so named (x=LIVE: ``$LIVE``).
        False when x holds no plain name known here (then its value is not known)."""
        target = self.env.get(name) if _NAME.fullmatch(name) else None
        if not isinstance(target, str) or not _NAME.fullmatch(target):
            return False
        self._parameter(target, quoted)
        return True

    def _note_arithmetic(self, inner: str) -> None:
        """Keep in ``arithmetic`` the text bash evaluates as arithmetic as it expands ``${inner}``: an element's
        subscript (``${a[i]}``), an offset and a length (``${y:i:n}``, ``${a[@]:i}``), and the variable an
        indirection reads a name from (``${!x}`` with x='a[i]': the subscript of that name). Arithmetic evaluates
        the value of each variable it names in turn, so the builder judges the substitutions those values hold
        (``x='b[$(pkill node)]'; echo ${a[x]}`` runs pkill)."""
        start = 1 if inner[:1] in "!#" else 0
        m = _NAME.match(inner, start) or _SPECIAL_NAME.match(inner, start)  # (``${@:i}``, ``${1:i}``)
        if m is None:
            return
        found = [m.group()] if start and inner[0] == "!" and not inner.startswith(("*", "@"), m.end()) else []
        at = m.end()
        if inner.startswith("[", at):
            close = _subscript_close(inner, at + 1, len(inner))
            subscript = inner[at + 1 : close] if close is not None else inner[at + 1 :]
            array = self.env.get(m.group())
            # an associative array's keys are strings, not arithmetic; so, most likely, is a whole quoted key of an
            # array the line does not make known as indexed (``${SEEN["$name"]}``)
            indexed = isinstance(array, tuple) or (isinstance(array, Keyed) and not array.associative)
            associative = (isinstance(array, Keyed) and array.associative) or (
                not indexed and len(subscript) > 1 and subscript.startswith('"') and subscript.endswith('"')
            )
            if subscript not in ("@", "*") and not associative:
                found.append(subscript)
            at = len(inner) if close is None else close + 1
        if inner.startswith(":", at) and not inner.startswith((":-", ":=", ":?", ":+"), at):
            found.append(inner[at + 1 :])
        found = [t for t in found if _NAME.search(t)]  # (digits alone name no variable)
        if found:
            self.arithmetic = [*(self.arithmetic or ()), *found]

    def _positional(self, which: str, quoted: bool) -> bool:
        """``$@``, ``$*``, ``$#``, ``$1``... once ``set -- a b`` on the line made them known (the builder keeps
        them as the array ``@``): False when they are not known."""
        params = self.env.get(POSITIONAL)
        if not isinstance(params, tuple) or not (which.isdigit() or which in "@*#"):
            return False
        if which == "#":
            self.expanded(str(len(params)), quoted, which)
        elif which.isdigit():
            index = int(which)
            if index == 0:  # the shell's name: known where ``bash -c TEXT NAME`` gave it (or what produced it)
                name = self.env.get(SCRIPT_NAME)
                if isinstance(name, Unknown):
                    self.unknown(name)
                    return True
                if not isinstance(name, str):
                    return False
                self.expanded(name, quoted, which)
                return True
            self._element(params[index - 1] if index <= len(params) else "", which, quoted)
        else:
            self._array(POSITIONAL, which, quoted)
        return True

    def _positional_operator(self, op: re.Match[str], quoted: bool, inner: str) -> bool:
        """``${1:-d}``, ``${10+a}``, ``${2:?m}`` of known positional parameters (a call's arguments): whether one is
        set is known, up to the first argument not known. bash cannot assign to them: ``${1:=d}`` with $1 unset
        stops the command (not known here). False when they are not known."""
        params = self.env.get(POSITIONAL)
        index = int(op.group(1))
        if not isinstance(params, tuple) or index == 0:
            return False  # ($0 is the shell's name)
        colon, kind, word = op.group(2).startswith(":"), op.group(2)[-1], op.group(3)
        if not all(isinstance(p, str) for p in params[:index]):
            held = params[index - 1] if index <= len(params) else None
            self.unknown(held if isinstance(held, Unknown) and kind != "+" else Unknown("variable", name=inner))
            return True
        value = params[index - 1] if index <= len(params) else None
        missing = not isinstance(value, str) or (colon and value == "")
        if kind != "+" and not missing:
            self.expanded(value if isinstance(value, str) else "", quoted, inner)
            return True
        used = ("" if missing else word) if kind == "+" else word if kind == "-" else None
        if used is not None and _plain_operand(used):
            self.expanded(used, quoted, inner)
        else:  # a word with quotes or expansions is not read here; ``=`` and ``?`` stop the command
            self.unknown(Unknown("variable", name=inner))
        return True

    def _positional_slice(self, sliced: re.Match[str], quoted: bool) -> bool:
        """``${@:N}`` and ``${@:N:M}`` (``${*:...}`` joined) of known positional parameters: from ``$N`` on, M of
        them. An offset of 0 starts at ``$0``, the shell's name, which is not known."""
        params = self.env.get(POSITIONAL)
        offset = int(sliced.group(2))
        if not isinstance(params, tuple) or offset == 0:
            return False
        length = sliced.group(3)
        chosen = params[offset - 1 :] if length is None else params[offset - 1 : offset - 1 + int(length)]
        self._array(POSITIONAL, sliced.group(1), quoted, chosen)
        return True

    def _array_slice(self, sliced: re.Match[str], quoted: bool) -> bool:
        """``${a[@]:OFFSET:LENGTH}`` of an indexed array whose elements are known: LENGTH of the elements whose index
        is OFFSET or more; a negative OFFSET counts back from the highest index plus one. False where it is not
        read here (an associative array, an offset before the first index: bash's error)."""
        name, which = sliced.group(1), sliced.group(2)
        value = self.env.get(name)
        if not isinstance(value, (tuple, Keyed)) or (isinstance(value, Keyed) and value.associative):
            return False
        indexed = [(int(k), v) for k, v in value.items] if isinstance(value, Keyed) else list(enumerate(value))
        offset = int(sliced.group(3) or sliced.group(4))
        if offset < 0:
            offset += past_last(value)
            if offset < 0:
                return False
        chosen = tuple(v for k, v in indexed if k >= offset)
        length = sliced.group(5)
        self._array(name, which, quoted, chosen if length is None else chosen[: int(length)])
        return True

    def _operator(self, name: str, written: str, quoted: bool, inner: str) -> None:
        """``${X-d}``, ``${X:-d}``, ``${X=d}``, ``${X:=d}``, ``${X?m}``, ``${X:?m}``, ``${X+a}``, ``${X:+a}`` for an X
        whose value is known (so X is set): with ``:``, an empty X counts as unset. The word after the operator is
        used when it is a plain word; otherwise the result is not known. ``=`` also assigns it to X (``assigned``)."""
        value = self.env.get(name)
        assert isinstance(value, str)
        colon = written.startswith(":")
        kind, word = written[1:2] if colon else written[:1], written[2:] if colon else written[1:]
        unset = colon and value == ""
        if not colon and value == "":
            used: str | None = None  # the model keeps ``unset X`` as an empty X: set-but-empty and unset differ here
        elif kind in "-=?" and not unset:
            self._parameter(name, quoted)
            return
        elif kind == "+":
            used = "" if unset else word
        else:
            used = None if kind == "?" else word  # ``${X:?m}`` with X empty stops the shell
        self._use_word(name, used, quoted, inner, assigns=kind == "=")

    def _use_word(self, name: str, word: str | None, quoted: bool, inner: str, assigns: bool) -> None:
        """The word an operator expands to in X's place (and, ``assigns``, sets X to): known when it is a plain
        word; a word with quotes or expansions is not read here (nor one that is not known: None)."""
        if word is not None and _plain_operand(word):
            self.expanded(word, quoted, inner)
            if assigns:
                self._assign(name, word)
        else:
            self.unknown(Unknown("variable", name=inner))
            if assigns:
                self._assign(name, Unknown("variable", name=name))

    def _string_operator(self, inner: str, quoted: bool) -> bool:
        """``${#X}``, ``${X#P}``, ``${X##P}``, ``${X%P}``, ``${X%%P}``, ``${X^P}``, ``${X^^P}``, ``${X,P}``,
        ``${X,,P}``, ``${X:OFFSET}``, ``${X:OFFSET:LENGTH}`` and ``${X/P/R}`` (``//``, ``/#``, ``/%``) of an X whose
        value is known: computed as bash does
        (``D=/opt/x/y; rm -rf "${D%/*}"`` removes /opt/x). False when ``inner`` is none of them. A result not
        computed is not known; a pattern removed from what a command printed keeps its producers (``p=$(pgrep
        node); kill ${p%% *}``: the first of node's PIDs)."""
        if inner.startswith("#"):
            name = inner[1:]
            if not _NAME.fullmatch(name):
                return False
            value = self._scalar(name)
            self._computed(str(len(value)) if isinstance(value, str) else None, quoted, inner)
            return True
        op = _STRING_OP.fullmatch(inner)
        if op is None:
            return False
        name, subscript, operator, operand = op.groups()
        value = self._scalar(name, subscript)
        if isinstance(value, Unknown) and operator[0] in "#%" and value.producers:
            self.unknown(Unknown(value.kind, producers=value.producers))
            return True
        if not isinstance(value, str):
            self._computed(None, quoted, inner)
        elif operator == ":":
            self._computed(substring(value, operand, self._known_text), quoted, inner)
        elif operator[0] in "#%":
            self._computed(remove_pattern(value, operator, operand), quoted, inner)
        elif operator[0] == "/":
            self._computed(replace_pattern(value, operator, operand), quoted, inner)
        else:
            self._computed(change_case(value, operator, operand), quoted, inner)
        return True

    def _scalar(self, name: str, subscript: str | None = None) -> str | Unknown | None:
        """What ``$NAME`` expands to: its value, element 0 of an array (``subscript``: that element,
        ``${NAME[SUBSCRIPT]}``); None when not known. A value with pattern characters is not known here: a loop over
        a glob keeps the pattern as its variable's value (``for d in /proc/[0-9]*``), which stands for each path it
        matches, and ``${d#/proc/}`` is not ``[0-9]*``."""
        value = self.env.get(name) if name != "IFS" else self.env.get(name, _DEFAULT_IFS)
        if subscript is not None:
            value = element_of(value, self._subscript(value, subscript)) if value is not None else None
        elif isinstance(value, (tuple, Keyed)):
            value = element_of(value, "0")
        if isinstance(value, str) and (isinstance(value, Matches) or any(c in value for c in "*?[")):
            return None
        return value if isinstance(value, (str, Unknown)) else None

    def _known_text(self, name: str) -> str | None:
        """A variable's known text, for arithmetic in ``${X:OFFSET}``."""
        value = self.env.get(name)
        return value if isinstance(value, str) else None

    def _computed(self, result: str | None, quoted: bool, inner: str) -> None:
        if result is None:
            self.unknown(Unknown("variable", name=inner))
        else:
            self.expanded(result, quoted, inner)

    def _transform(self, name: str, op: str, quoted: bool, inner: str) -> None:
        """``${X@E}`` (backslash escapes decoded as in ``$'...'``), ``${X@U}``, ``${X@u}``, ``${X@L}`` of a known X
        are known: ``x='pkill node'; ${x@E}`` runs pkill. ``${X@P}`` expands X as a prompt, which runs the
        command substitutions X holds: its value is kept in ``prompted`` for the builder to judge them."""
        value = self.env.get(name)
        if op == "P":
            self.prompted = [*(self.prompted or ()), value if isinstance(value, str) else None]
        if isinstance(value, str) and op in _CASE_TRANSFORMS:
            self.expanded(_CASE_TRANSFORMS[op](value), quoted, inner)
        elif isinstance(value, str) and op == "E":
            self.expanded(decode_ansi_c(value).split("\0", 1)[0], quoted, inner)
        else:
            self.unknown(Unknown("variable", name=inner))

    def _assign(self, name: str, value: str | Unknown) -> None:
        """``${X:=d}`` sets X for the rest of the word and after it (the caller applies ``assigned``)."""
        if self.assigned is None:
            self.assigned = {}
        self.assigned[name] = value
        self.env = {**self.env, name: value}  # a copy: the caller's state changes only through ``assigned``

    def _array(
        self, name: str, index: str, quoted: bool, elements: tuple[str | Unknown | None, ...] | None = None
    ) -> None:
        """``${a[@]}`` (each element its own word), ``${a[*]}`` (joined), ``${a[N]}``, ``${m[key]}``; ``elements`` in
        place of the array's own (a slice of it)."""
        value = self.env.get(name) if elements is None else elements
        if index not in ("@", "*"):
            self._element(element_of(value, self._subscript(value, index)), name, quoted)
            return
        listed = value.values() if isinstance(value, Keyed) else value
        ifs = self.env.get("IFS", _DEFAULT_IFS)
        joined = " "  # (``"${a[*]}"`` joins the elements with IFS's first character, none for an empty IFS)
        if index == "*" and ifs != _DEFAULT_IFS:
            if not quoted or not isinstance(ifs, str):
                listed = None  # (unquoted, each element is then split at IFS: not read here)
            joined = ifs[:1] if isinstance(ifs, str) else joined
        if not isinstance(listed, tuple):
            self.unknown(Unknown("variable", name=name))  # an order not known, or split as it is not read here
            return
        self.vanished = self.vanished or (quoted and index == "@" and not listed)
        for k, element in enumerate(listed):
            if k:
                if index == "@":
                    self.atoms.append(_Atom(Literal("", quoted), field_break=True))
                elif joined:
                    self.expanded(joined, quoted, name)
            self._element(element, name, quoted)

    def _subscript(self, value: Value, index: str) -> str:
        """A subscript that names a variable: ``${m[$k]}`` is the key k holds; an indexed array's subscript is
        arithmetic, so ``${a[i]}`` is the number i holds too. Other subscripts are returned as written."""
        associative = isinstance(value, Keyed) and value.associative
        name = index[1:] if index.startswith("$") else index if not associative else ""
        held = self.env.get(name) if _NAME.fullmatch(name) else None
        if isinstance(held, str) and (associative or _INDEX.fullmatch(held) or _NEGATIVE_INDEX.fullmatch(held)):
            return held
        if not associative and not index.startswith("$") and not _INDEX.fullmatch(index):
            computed = arith.evaluate(index, self._known_text)  # (``${a[i+1]}``, ``${a[0+1]}``)
            if computed is not None:
                return str(computed)
        return "$" if index.startswith("$") else index  # ("$" names no element: not known)

    def _element(self, element: str | Unknown | None, name: str, quoted: bool) -> None:
        if isinstance(element, Unknown):
            self.unknown(element)
        elif element is None:
            self.unknown(Unknown("variable", name=name))
        else:
            self.expanded(element, quoted, name)

    def _parameter(self, name: str, quoted: bool) -> None:
        # an IFS never set on the line is the default one: ``rm${IFS}-rf${IFS}/opt/x`` is three words
        value = self.env.get(name) if name != "IFS" else self.env.get(name, _DEFAULT_IFS)
        if isinstance(value, (tuple, Keyed)):  # $a is element 0
            self._element(element_of(value, "0"), name, quoted)
        elif isinstance(value, Unknown):
            if value.prefix:  # known text, then the piece that stands for the rest (see Unknown.prefix)
                self.expanded(value.prefix, quoted, name)
                value = Unknown(value.kind, value.name, value.producers)
            self.unknown(value)
        elif value is None:
            self.unknown(Unknown("variable", name=name))
        else:
            self.expanded(value, quoted, name)


def _skip_balanced(text: str, i: int, end: int) -> int:
    """Skip a substitution that no backend reported (a fallback: find its close, minding quotes): ``$(...)`` and
    backquotes as :func:`shellscan.skip_quoted` steps over them, ``<(...)`` to its matching parenthesis."""
    return skip_quoted(text, i, end) if text[i] in "`$" else paren_end(text, i, end)


def _find_brace_close(text: str, i: int, end: int) -> int:
    depth = 1
    while i < end:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return end - 1 if end > 0 else 0


def _merge(parts: list[Part]) -> tuple[Part, ...]:
    out: list[Part] = []
    for part in parts:
        if isinstance(part, Literal) and out and isinstance(out[-1], Literal) and out[-1].quoted == part.quoted:
            out[-1] = Literal(out[-1].text + part.text, part.quoted)
        elif not (isinstance(part, Literal) and part.text == ""):
            out.append(part)
    return tuple(out)


def _first_group(atoms: list[_Atom]) -> tuple[int, int, list[list[_Atom]]] | None:
    """The first brace group that expands: (open index, close index, its alternatives). As in bash, ``{}`` at the
    start of a word is two plain characters (``find -exec cmd {} +``: ``{}a,b}`` is one word, ``{}{a,b}`` is {}a
    and {}b); elsewhere its ``{`` opens as any does and its ``}`` closes only as any does (``a{},b}`` is ``a}`` and
    ``ab``). An alternative and what follows a group are expanded on their own (:func:`_expand_braces`), as bash
    does, so the rule holds at their start too."""
    braces = [a.brace for a in atoms]
    if braces[:2] == ["{", "}"]:
        braces[0] = braces[1] = None
    for open_i, brace in enumerate(braces):
        if brace != "{":
            continue
        depth, close_i = 0, -1
        commas: list[int] = []
        sequence: list[list[_Atom]] | None = None
        for j in range(open_i, len(atoms)):
            b = braces[j]
            if b == "{":
                depth += 1
            elif b == "}" and depth == 1:
                # as bash does: this brace closes the group only if a comma or a sequence came first; otherwise
                # it is a plain character (``{x}a,b}`` is ``x}a`` and ``b``)
                sequence = None if commas else _sequence(atoms[open_i + 1 : j])
                if commas or sequence is not None:
                    close_i = j
                    break
            elif b == "}":
                depth -= 1
            elif b == "," and depth == 1:
                commas.append(j)
        if close_i < 0:
            continue  # ``{{a,b}``: an opening brace with no match is a plain character; bash tries the next one
        if sequence is not None:
            return open_i, close_i, sequence
        bounds = [open_i, *commas, close_i]
        return open_i, close_i, [atoms[bounds[k] + 1 : bounds[k + 1]] for k in range(len(bounds) - 1)]
    return None


def _count_braces(atoms: list[_Atom], cap: int) -> int:
    """How many words brace expansion makes, without making them (capped): groups are balanced, so the count
    of ``prefix {a,b} suffix`` is (count(a) + count(b)) * count(suffix)."""
    group = _first_group(atoms)
    if group is None:
        return 1
    _open, close_i, alternatives = group
    inner = sum(min(_count_braces(alt, cap), cap + 1) for alt in alternatives)
    if inner > cap:
        return cap + 1
    return min(inner * _count_braces(atoms[close_i + 1 :], cap), cap + 1)


def _expand_braces(atoms: list[_Atom]) -> list[list[_Atom]]:
    """Bash brace expansion over atoms (only unquoted brace characters count). Call only when
    :func:`_count_braces` is within bounds."""
    group = _first_group(atoms)
    if group is None:
        return [atoms]
    open_i, close_i, alternatives = group
    prefix, tails = atoms[:open_i], _expand_braces(atoms[close_i + 1 :])
    results: list[list[_Atom]] = []
    for alt in alternatives:
        for middle in _expand_braces(alt):
            results.extend(prefix + middle + tail for tail in tails)
    return results


def _sequence(inner: list[_Atom]) -> list[list[_Atom]] | None:
    """``{1..5}``, ``{a..e}``, ``{1..10..2}``: None when the text is not a sequence expression."""
    if not inner or any(not isinstance(a.part, Literal) or a.brace for a in inner):
        return None
    body = "".join(a.part.text for a in inner if isinstance(a.part, Literal))
    m = re.fullmatch(r"(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(?:\.\.(-?\d+))?", body)
    if not m:
        return None
    lo, hi, step_text = m.groups()
    step = abs(int(step_text)) if step_text else 1
    step = step or 1
    if lo.lstrip("-").isdigit() and hi.lstrip("-").isdigit():
        a, b = int(lo), int(hi)
        values = [str(v) for v in range(a, b + (1 if b >= a else -1), step if b >= a else -step)]
    elif lo.isalpha() and hi.isalpha():
        a, b = ord(lo), ord(hi)
        values = [chr(v) for v in range(a, b + (1 if b >= a else -1), step if b >= a else -step)]
    else:
        return None
    return [[_Atom(Literal(v, quoted=False))] for v in values[:MAX_BRACE_WORDS]]


def _ifs_delimiter(ifs: str) -> re.Pattern[str]:
    """What separates fields for an ``IFS``: a run of its blanks, or one of its other characters with the blanks
    around it (bash: ``IFS=' :'`` splits ``a : b`` into a and b, ``a::b`` into a, an empty word and b)."""
    blanks = "".join(re.escape(c) for c in dict.fromkeys(ifs) if c in _DEFAULT_IFS)
    hard = "".join(re.escape(c) for c in dict.fromkeys(ifs) if c not in _DEFAULT_IFS)
    around = f"[{blanks}]*" if blanks else ""
    choices = ([f"{around}[{hard}]{around}"] if hard else []) + ([f"[{blanks}]+"] if blanks else [])
    return re.compile("|".join(choices))


_DEFAULT_DELIMITER = _ifs_delimiter(_DEFAULT_IFS)


def _split_fields(atoms: list[_Atom], ifs: str = _DEFAULT_IFS) -> list[list[Part]]:
    """Field splitting of the text of unquoted expansions by ``IFS``. A run of blanks ends a word that has begun;
    any other ``IFS`` character ends the word even when it is empty (``IFS=:; x=:a; $x`` is an empty word and
    a)."""
    delimiter = _DEFAULT_DELIMITER if ifs == _DEFAULT_IFS else _ifs_delimiter(ifs)
    fields: list[list[Part]] = [[]]
    for atom in atoms:
        part = atom.part
        if atom.field_break:
            fields.append([])
        elif atom.splittable and isinstance(part, Literal):
            pos = 0
            for found in delimiter.finditer(part.text):
                if found.start() > pos:
                    fields[-1].append(Literal(part.text[pos : found.start()], quoted=False))
                hard = any(c not in _DEFAULT_IFS for c in found.group())
                if hard and not fields[-1]:
                    fields[-1].append(Literal("", quoted=True))
                if fields[-1]:
                    fields.append([])
                pos = found.end()
            if pos < len(part.text):
                fields[-1].append(Literal(part.text[pos:], quoted=False))
        else:
            fields[-1].append(part)
    had_quoted = any(not a.splittable for a in atoms)
    return [f for f in fields if f] or ([[Literal("", quoted=True)]] if had_quoted else [])


# A word with none of these (and no leading ``~``, no NUL) is one unquoted literal: most words of a script.
_PLAIN_WORD = re.compile("[^" + re.escape(_SPECIAL) + "~\0]+")


def plain_source(text: str, span: Span) -> str | None:
    """The text of a word written as one unquoted piece, which :func:`expand_word` makes one plain word of and
    sets, evaluates or prompts for nothing; None for any other word. Lets a caller with nothing to learn from
    such a word skip the bookkeeping an expansion needs (most words of a script are plain)."""
    if span.end > len(text):
        return None
    source = text[span.start : span.end]
    return source if source and _PLAIN_WORD.fullmatch(source) else None


def expand_word(
    text: str,
    span: Span,
    env: Env,
    subs: SubstitutionLookup,
    *,
    assignment: bool = False,
    assigned: dict[str, str | Unknown] | None = None,
    prompted: list[str | None] | None = None,
    at: Span | None = None,
    arithmetic: list[str] | None = None,
    fields: bool = True,
    zsh: bool = False,
) -> list[Word]:
    """All the words one written word becomes (brace expansion and field splitting can make several, an
    unquoted empty expansion none; ``fields`` False: neither is done, as inside ``[[ ]]``: one word; ``zsh``: zsh
    reads the text, which joins ``"$@"`` there with IFS's first character, where bash uses a space). Words share
    the written span, or ``at`` when given (the span nested text's words are placed at). Variables the word sets
    (``${X:=d}``) are added to ``assigned`` when given, the values it expands as prompts (``${X@P}``) to
    ``prompted``, the arithmetic its expansions evaluate to ``arithmetic``."""
    if span.end > len(text):  # a node a parser made up past the end (tree-sitter's missing heredoc end: ``ls 0<<A``)
        span = Span(min(span.start, len(text)), len(text))
    source = text[span.start : span.end]
    placed = span if at is None else at
    if source and _PLAIN_WORD.fullmatch(source):
        return [plain_word(source, placed)]  # what the lexer makes of it, sooner
    lexer = _Lexer(text, span.start, span.end, env, subs, assignment)
    atoms = lexer.run()
    if lexer.assigned and assigned is not None:
        assigned.update(lexer.assigned)
    if lexer.prompted and prompted is not None:
        prompted.extend(lexer.prompted)
    if lexer.arithmetic and arithmetic is not None:
        arithmetic.extend(lexer.arithmetic)
    if fields and "{" in source and any(a.brace == "{" for a in atoms):  # (only the lexer's unquoted "{" opens one)
        if _count_braces(atoms, MAX_BRACE_WORDS) > MAX_BRACE_WORDS:
            first = next(i for i, a in enumerate(atoms) if a.brace == "{")
            known = _merge([a.part for a in atoms[:first]])
            return [Word(source, placed, (*known, Unknown("brace")))]
        variants = _expand_braces(atoms)
    else:
        variants = [atoms]
    ifs = lexer.env.get("IFS", _DEFAULT_IFS)
    ifs = ifs if isinstance(ifs, str) else _DEFAULT_IFS  # not known: the lexer made the expansions unknown
    words: list[Word] = []
    for variant in variants:  # (field splitting reads no brace marks: the atoms are taken as they are)
        joined = ifs[:1] if zsh else " "
        for field in _split_fields(variant, ifs) if fields and not assignment else [_joined(variant, joined)]:
            words.append(Word(source, placed, _merge(field) or _EMPTY))
    if not words and (assignment or not fields):
        words.append(Word(source, placed, _EMPTY))
    return words


_EMPTY = (Literal("", quoted=True),)


def _joined(atoms: list[_Atom], joined: str) -> list[Part]:
    """A word where no field splitting is done (an assignment, ``[[ ]]``, a case's subject): bash joins the
    elements of ``"$@"`` and ``"${a[@]}"`` there with a space, whatever IFS is (``set -- a b; x="$@"`` is "a b");
    zsh with IFS's first character."""
    between = Literal(joined, quoted=True)
    return [between if atom.field_break else atom.part for atom in atoms]


_CASE_TRANSFORMS: dict[str, Callable[[str], str]] = {
    "U": str.upper,
    "L": str.lower,
    "u": lambda v: v[:1].upper() + v[1:],
}  # the parts of an empty word (``""``, ``x=``)


_STRING_OP = re.compile(
    r"([A-Za-z_][A-Za-z0-9_]*)(?:\[([^][@*$`'\"\\\s][^][$`'\"\\\s]*)\])?(##?|%%?|\^\^?|,,?|:(?![-=?+])|/[/#%]?)(.*)",
    re.DOTALL,
)  # (``${X%P}``, and of one element: ``${a[1]%P}``, ``${a[i],,}``)
_MAX_PATTERN_VALUE = 4096  # a value searched for a pattern's shortest or longest match at each of its offsets
# what makes a pattern more than it is written: quotes and escapes, expansions, a tilde, extglob's ``@(...)``, and
# zsh's EXTENDED_GLOB operators (set in most zshrc files; the hook does not send it): ``q#`` is any number of q,
# ``^x`` anything but x (``x=pkillqq; ${x//q#/} node`` runs pkill node in such a zsh)
_NOT_PLAIN_PATTERN = frozenset("'\"$`\\~(#^")


def _pattern(pattern: str) -> re.Pattern[str] | None:
    """A pattern of a parameter operator, written plainly, as bash matches it (``*`` also matches ``/``); None for
    one with quotes, expansions, a tilde or parentheses (extglob may be on), or one not read (paths.bash_glob)."""
    if any(c in _NOT_PLAIN_PATTERN for c in pattern):
        return None
    matcher = bash_glob(pattern)
    return matcher if isinstance(matcher, re.Pattern) else None  # (an extended pattern has a parenthesis)


def remove_pattern(value: str, operator: str, pattern: str) -> str | None:
    """``${X#P}`` removes the shortest start of X that P matches, ``##`` the longest, ``%`` the shortest end, ``%%``
    the longest (X unchanged when none matches); None when the pattern is not read here."""
    matcher = _pattern(pattern)
    if matcher is None or len(value) > _MAX_PATTERN_VALUE:
        return None
    n = len(value)
    if operator[0] == "#":
        for end in range(n + 1) if operator == "#" else range(n, -1, -1):
            if matcher.match(value, 0, end):
                return value[end:]
    else:
        for start in range(n, -1, -1) if operator == "%" else range(n + 1):
            if matcher.match(value, start):
                return value[:start]
    return value


def replace_pattern(value: str, operator: str, operand: str) -> str | None:
    """``${X/P/R}`` replaces the longest match of P at the first place it matches with R, ``//`` each such match,
    ``/#`` one at the start, ``/%`` one at the end (X unchanged when none matches; no ``/R``: R is empty). None
    where P or R is not plain text (R is expanded, and bash 5.2's patsub_replacement makes ``&`` the match), where
    P matches the empty text, or for a long value (each place is tried for each length). None too where matching
    without regard to case makes another value: bash does so under ``shopt -s nocasematch``, an option the hook does
    not send (``x=pkillQ; ${x/q} node`` runs pkill node there)."""
    pattern, _, replacement = operand.partition("/")
    matcher = _pattern(pattern)
    if matcher is None or matcher.fullmatch("") or len(value) > _MAX_REPLACED_VALUE:
        return None
    if any(c in _NOT_PLAIN_PATTERN or c == "&" for c in replacement):
        return None
    replaced = _replaced(value, operator, matcher, replacement)
    any_case = re.compile(matcher.pattern, matcher.flags | re.IGNORECASE)
    return replaced if _replaced(value, operator, any_case, replacement) == replaced else None


def _replaced(value: str, operator: str, matcher: re.Pattern[str], replacement: str) -> str:
    n = len(value)
    if operator == "/#":
        end = next((e for e in range(n, 0, -1) if matcher.fullmatch(value, 0, e)), None)
        return value if end is None else replacement + value[end:]
    if operator == "/%":
        start = next((b for b in range(n) if matcher.fullmatch(value, b, n)), None)
        return value if start is None else value[:start] + replacement
    out: list[str] = []
    i = 0
    while i < n:
        end = next((e for e in range(n, i, -1) if matcher.fullmatch(value, i, e)), None)
        if end is None:
            out.append(value[i])
            i += 1
            continue
        out.append(replacement)
        i = end
        if operator == "/":
            out.append(value[i:])
            break
    return "".join(out)


_MAX_REPLACED_VALUE = 256  # (each offset tried with each length: a square of the length)


def change_case(value: str, operator: str, pattern: str) -> str | None:
    """``${X^}`` upper-cases X's first character, ``${X^^}`` every one, ``,`` and ``,,`` lower-case; with a pattern,
    only the characters it matches. None for a value that is not ASCII (the locale decides) or a pattern not
    read here."""
    matcher = _pattern(pattern or "?")
    if matcher is None or not value.isascii():
        return None
    count = 1 if len(operator) == 1 else len(value)
    change = str.upper if operator[0] == "^" else str.lower
    return "".join(change(c) if k < count and matcher.match(c) else c for k, c in enumerate(value))


def substring(value: str, operand: str, lookup: arith.Lookup) -> str | None:
    """``${X:OFFSET}`` and ``${X:OFFSET:LENGTH}``: both arithmetic; a negative offset counts from the end, a
    negative length is an end counted from the end; an offset out of range is an empty word. None when the
    arithmetic is not computed or bash would stop (an end before the offset)."""
    if any(c in operand for c in "$`?"):
        return None  # an expansion in it, or ``?:`` (bash finds the second ``:`` past it)
    offset_text, colon, length_text = operand.partition(":")
    offset = arith.evaluate(offset_text, lookup)
    if offset is None:
        return None
    n = len(value)
    offset += n if offset < 0 else 0
    if not 0 <= offset <= n:
        return ""
    if not colon:
        return value[offset:]
    length = arith.evaluate(length_text, lookup)
    if length is None:
        return None
    end = n + length if length < 0 else min(offset + length, n)
    return value[offset:end] if end >= offset else None


def _plain_operand(word: str) -> bool:
    """The word after a parameter operator is read as it is: empty, or no quote, expansion, escape or tilde."""
    return not word or _PLAIN_WORD.fullmatch(word) is not None


def split_assignment(text: str, span: Span) -> tuple[str, Span, bool] | None:
    """``NAME=value`` / ``NAME+=value``: the name, the span of the value and whether it appends; None otherwise."""
    m = _NAME_EQUALS.match(text, span.start, span.end)
    if not m:
        return None
    return m.group(1), Span(m.end(), span.end), bool(m.group(2))


def split_element_assignment(text: str, span: Span) -> tuple[str, Span, Span, bool] | None:
    """``NAME[SUBSCRIPT]=value`` / ``NAME[SUBSCRIPT]+=value``: the name, the span of the subscript (bash expands
    it: ``a[$(cmd)]=1`` runs cmd), the span of the value and whether it appends; None otherwise."""
    m = _NAME.match(text, span.start, span.end)
    if not m or not text.startswith("[", m.end()):
        return None
    close = _subscript_close(text, m.end() + 1, span.end)
    if close is None:
        return None
    eq = close + 1
    append = text.startswith("+=", eq)
    if not append and not text.startswith("=", eq):
        return None
    return m.group(), Span(m.end() + 1, close), Span(eq + (2 if append else 1), span.end), append


def _subscript_close(text: str, i: int, end: int) -> int | None:
    """The ``]`` that ends a subscript starting at ``i`` (brackets, quotes and substitutions inside are skipped)."""
    depth = 0
    while i < end:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "'":
            close = text.find("'", i + 1, end)
            i = end if close < 0 else close + 1
            continue
        if (ch == "$" and text.startswith("$(", i)) or ch == "`":
            i = _skip_balanced(text, i + (ch == "$"), end)
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return None


def no_substitutions(_offset: int) -> tuple[int, tuple[int, ...], str | None] | None:
    return None


fill_fields_directly(_Atom)
