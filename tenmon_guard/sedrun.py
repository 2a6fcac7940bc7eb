"""Running a sed script on text the line makes known, as GNU sed 4.9 does: what it prints, and the shell text its
``e`` command and ``s///e`` flag hand to ``sh -c`` (``echo 'rm -rf DIR' | sed e`` runs ``rm -rf DIR``; ``echo x |
sed 's/x/rm -rf DIR/' | bash`` feeds it to a shell).

Only a subset runs here: addresses (numbers, ``$``, ``/RE/``, ``first~step``, ranges, ``!``), blocks and the commands
that need no file and no jump (``s y p P d e q Q n N g G h H x z = a i c w W``). Anything else, a regular expression
outside the translated subset (alternation, a repeated group, back-references beyond the groups, equivalence
classes), text that is not ASCII or too long to search in bounded time, raises :class:`Unsupported`: the caller then
knows nothing of the output, never a wrong text. Imported only when such text is there to run (not at start-up).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from tenmon_guard.frozen import record
from tenmon_guard.programs import (
    NOT_KNOWN,
    ProgramInput,
    SedSite,
    Site,
    Text,
    line_end,
    merge,
    sed_part_end,
    sed_text,
    skip_chars,
)

MAX_INPUT = 64 * 1024
MAX_OUTPUT = 256 * 1024
SEARCH_BUDGET = 10_000_000  # a line's length to the power (unbounded repeats + 1) stays below this
_BLANKS = " \t"
_COMMAND_ENDS = ";\n}#"
_PLAIN = frozenset("=dgGhHnNpPxzD")  # no argument (D is refused when run: it restarts the cycle)
_REFUSED = frozenset("bBtT:vFlLrR")  # jumps, files read, output the subset does not produce
_CLASSES = {
    "alpha": "A-Za-z",
    "digit": "0-9",
    "alnum": "0-9A-Za-z",
    "upper": "A-Z",
    "lower": "a-z",
    "space": " \\t\\n\\r\\f\\v",
    "blank": " \\t",
    "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "xdigit": "0-9A-Fa-f",
    "cntrl": "\\x00-\\x1f\\x7f",
    "print": "\\x20-\\x7e",
    "graph": "\\x21-\\x7e",
}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_REGEX_ESCAPES = {
    "w": "[0-9A-Za-z_]",
    "W": "[^0-9A-Za-z_]",
    "s": "[ \\t\\n\\r\\f\\v]",
    "S": "[^ \\t\\n\\r\\f\\v]",
    "`": "\\A",
    "'": "\\Z",
    "n": "\\n",
    "t": "\\t",
}
# delimiters that mean something in a regular expression or a replacement: ``\%`` is plain only for the others
_PLAIN_DELIMITERS = frozenset("/,|#:@%!_;=\"'~<> ")


class Unsupported(Exception):
    """The script or its text is outside what this module runs exactly."""


@record
class SedRun:
    """What running a script did: ``output`` (None once an ``e`` put a command's output, not known, into it),
    ``commands``: the shell text ``e`` and ``s///e`` ran with the pattern space, in order, up to ``stopped``: the
    first such command, after which the pattern space holds that command's output (not known); later ones are not
    listed (the caller takes every site of the script as not known then)."""

    output: str | None
    commands: tuple[str, ...]
    stopped: bool


@record
class Address:
    kind: str  # line | last | regex | step | plus | zero
    number: int = 0
    step: int = 0
    regex: re.Pattern[str] | None = None


@dataclass
class Command:
    name: str
    first: Address | None = None
    second: Address | None = None
    negate: bool = False
    text: str = ""  # a, i, c: the text; e: the command (empty: the pattern space)
    regex: re.Pattern[str] | None = None
    replacement: tuple[str | int, ...] = ()  # s: text and group numbers (0: the whole match)
    occurrence: int = 1
    every: bool = False  # s///g
    prints: bool = False  # s///p
    executes: bool = False  # s///e
    table: dict[str, str] = field(default_factory=dict)  # y
    end: int = 0  # {: the index of its }
    active: bool = False  # a range: between its addresses
    closed: bool = False  # a range from a line number, ended: it does not start again
    last_line: int = 0  # a range: the line it started on (addr1,+N)


# -- parsing -----------------------------------------------------------------------------------------------------


def parse(script: str, extended: bool) -> list[Command]:
    """The commands of a script, blocks linked to their ends; Unsupported for what the runner does not run."""
    if script.startswith("#n") and script[2:3] in ("", "\n"):
        raise Unsupported("#n")  # the first line #n is -n
    commands: list[Command] = []
    opened: list[int] = []
    i, n = 0, len(script)
    while True:
        i = skip_chars(script, i, _BLANKS + "\n;")
        if i >= n:
            break
        if script[i] == "#":
            i = line_end(script, i)
            continue
        command, i = _one(script, i, extended)
        if command.name == "{":
            opened.append(len(commands))
        elif command.name == "}":
            if not opened or command.first is not None:
                raise Unsupported("}")
            commands[opened.pop()].end = len(commands)
        commands.append(command)
    if opened:
        raise Unsupported("{")
    return commands


def _one(script: str, i: int, extended: bool) -> tuple[Command, int]:
    first, i = _address(script, i, extended, second=False)
    second = None
    j = skip_chars(script, i, _BLANKS)
    if first is not None and j < len(script) and script[j] == ",":
        second, i = _address(script, skip_chars(script, j + 1, _BLANKS), extended, second=True)
        if second is None:
            raise Unsupported("address")
    if first is not None and first.kind == "zero" and (second is None or second.kind != "regex"):
        raise Unsupported("0 address")
    i = skip_chars(script, i, _BLANKS)
    negate = i < len(script) and script[i] == "!"
    if negate:
        i = skip_chars(script, i + 1, _BLANKS)
    if i >= len(script):
        raise Unsupported("no command")
    command = Command(script[i], first, second, negate)
    return command, _arguments(script, i + 1, command, extended)


def _arguments(script: str, i: int, command: Command, extended: bool) -> int:
    """Read the command's arguments from ``i``; return where the next command may start."""
    name = command.name
    if name in _REFUSED:
        raise Unsupported(name)
    if name == "{":
        return i  # a command may follow at once: /x/{p}
    if name == "}" or name in _PLAIN:
        return _command_end(script, i)
    if name in "qQ":
        return _command_end(script, skip_chars(script, skip_chars(script, i, _BLANKS), "0123456789"))
    if name in "aic":
        return _text(script, i, command)
    if name == "e":
        command.text, i = sed_text(script, i, command=True)
        return i
    if name in "wW":
        return _file(script, i)
    if name == "s":
        return _substitute(script, i, command, extended)
    if name == "y":
        return _transliterate(script, i, command)
    raise Unsupported(name)


def _text(script: str, i: int, command: Command) -> int:
    """``a TEXT``, ``a\\`` and the text on the next lines; escapes in the text (other than a line's end) are not
    run here."""
    j = skip_chars(script, i, _BLANKS)
    if j >= len(script) or script[j] == "\n" or (command.name == "c" and command.second is not None):
        raise Unsupported("text")
    command.text, end = sed_text(script, i)
    if not command.text:
        raise Unsupported("no text")
    body = script[j + 1 : end] if script[j] == "\\" else script[j:end]
    if "\\" in body.replace("\\\n", ""):
        raise Unsupported("text escape")
    return end


def _file(script: str, i: int) -> int:
    """``w FILE``: the name is the rest of the line; /dev/stdout would add to the output."""
    i = skip_chars(script, i, _BLANKS)
    end = line_end(script, i)
    if script[i:end] in ("/dev/stdout", "-"):
        raise Unsupported("w /dev/stdout")
    return end


def _substitute(script: str, i: int, command: Command, extended: bool) -> int:
    if i >= len(script) or script[i] in "\n\\":
        raise Unsupported("s")
    delimiter = script[i]
    if delimiter.isalnum() or delimiter == "&":
        raise Unsupported("delimiter")
    middle = sed_part_end(script, i + 1, delimiter, True)
    end = sed_part_end(script, middle, delimiter, False) if middle >= 0 else -1
    if end < 0:
        raise Unsupported("s")
    raw = script[i + 1 : middle - 1]
    i = end
    icase = False
    while i < len(script) and script[i] not in _BLANKS + _COMMAND_ENDS:
        flag = script[i]
        if flag.isdigit():
            digits = re.match(r"[0-9]+", script[i:])
            assert digits is not None
            command.occurrence = int(digits.group())
            i += len(digits.group())
            continue
        if flag == "g":
            command.every = True
        elif flag == "p":
            command.prints = True
        elif flag == "e":
            command.executes = True
        elif flag in "iI":
            icase = True
        elif flag == "w":
            i = _file(script, i + 1)
            break
        else:
            raise Unsupported("s flag " + flag)
        i += 1
    if command.prints and command.executes:
        raise Unsupported("s///pe")  # the order of p and e decides what is printed
    if command.occurrence < 1:
        raise Unsupported("s///0")
    command.regex = compile_regex(raw, delimiter, extended, icase)
    command.replacement = replacement(script[middle : end - 1], delimiter, command.regex.groups)
    return _command_end(script, i)


def _transliterate(script: str, i: int, command: Command) -> int:
    if i >= len(script) or script[i] in "\n\\":
        raise Unsupported("y")
    delimiter = script[i]
    middle = sed_part_end(script, i + 1, delimiter, False)
    end = sed_part_end(script, middle, delimiter, False) if middle >= 0 else -1
    if end < 0:
        raise Unsupported("y")
    source = _y_part(script[i + 1 : middle - 1], delimiter)
    target = _y_part(script[middle : end - 1], delimiter)
    if len(source) != len(target):
        raise Unsupported("y lengths")
    command.table = dict(zip(source, target, strict=True))
    return _command_end(script, end)


def _y_part(text: str, delimiter: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            nxt = text[i + 1 : i + 2]
            if nxt == "\\" or nxt == delimiter:
                out.append(nxt)
            elif nxt == "n":
                out.append("\n")
            else:
                raise Unsupported("y escape")
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _address(script: str, i: int, extended: bool, second: bool) -> tuple[Address | None, int]:
    n = len(script)
    if i >= n:
        return None, i
    c = script[i]
    if c == "$":
        return Address("last"), i + 1
    if c.isdigit():
        digits = re.match(r"[0-9]+", script[i:])
        assert digits is not None
        number, i = int(digits.group()), i + len(digits.group())
        if not second and i < n and script[i] == "~":
            step = re.match(r"[0-9]*", script[i + 1 :])
            assert step is not None
            return Address("step", number, int(step.group() or "0")), i + 1 + len(step.group())
        return Address("zero" if number == 0 and not second else "line", number), i
    if second and c == "+":
        digits = re.match(r"[0-9]+", script[i + 1 :])
        if digits is None:
            raise Unsupported("address")
        return Address("plus", int(digits.group())), i + 1 + len(digits.group())
    if c in "/\\":
        delimiter = "/" if c == "/" else script[i + 1 : i + 2]
        start = i + 1 if c == "/" else i + 2
        if delimiter in ("", "\n", "\\"):
            raise Unsupported("address")
        end = sed_part_end(script, start, delimiter, True)
        if end < 0:
            raise Unsupported("address")
        flags = skip_chars(script, end, "IM")
        if "M" in script[end:flags]:
            raise Unsupported("M")
        regex = compile_regex(script[start : end - 1], delimiter, extended, flags > end)
        return Address("regex", regex=regex), flags
    return None, i


def _command_end(script: str, i: int) -> int:
    i = skip_chars(script, i, _BLANKS)
    if i < len(script) and script[i] not in _COMMAND_ENDS:
        raise Unsupported("text after a command")
    return i


# -- regular expressions ------------------------------------------------------------------------------------------


def compile_regex(raw: str, delimiter: str, extended: bool, icase: bool) -> re.Pattern[str]:
    """A POSIX basic (or extended) regular expression as GNU sed reads it, as a Python pattern that matches the
    same text: ``.`` matches a newline too, ``^``/``$`` only the ends of the pattern space. Alternation and
    repeated groups are refused: there POSIX takes the longest match and Python the first found."""
    if raw == "":
        raise Unsupported("the last regex")
    translated = _Translation(raw, delimiter, extended).run()
    try:
        return re.compile(translated, re.DOTALL | (re.IGNORECASE if icase else 0))
    except re.error as error:
        raise Unsupported("regex") from error


class _Translation:
    """One regular expression translated, token by token."""

    def __init__(self, raw: str, delimiter: str, extended: bool) -> None:
        self.raw = raw
        self.delimiter = delimiter
        self.extended = extended
        self.out: list[str] = []
        self.atom = ""  # what a repeat applies to: "" (nothing: a * is plain), char, group, repeat, backref
        self.groups = 0
        self.closed = 0
        self.depth = 0
        self.repeats = 0  # unbounded repeats, for the search budget

    def run(self) -> str:
        i = 0
        while i < len(self.raw):
            i = self._token(i)
        if self.depth:
            raise Unsupported("unclosed group")
        return "".join(self.out) + ("" if not self.repeats else f"(?#{self.repeats})")

    def _token(self, i: int) -> int:
        c = self.raw[i]
        if c == "\\":
            return self._escape(i)
        if c == "[":
            return self._bracket(i)
        if c == ".":
            self._atom(".")
            return i + 1
        if c == "*":
            return self._repeat("*", i + 1) if self.atom else self._plain(c, i + 1)
        if c == "^":
            return self._caret(i)
        if c == "$":
            return self._dollar(i)
        if self.extended and c in "()+?{|":
            return self._extended(c, i)
        if self.extended and c == "}":
            raise Unsupported("}")
        return self._plain(c, i + 1)

    def _escape(self, i: int) -> int:
        nxt = self.raw[i + 1 : i + 2]
        if nxt == "":
            raise Unsupported("trailing backslash")
        if nxt == self.delimiter:
            if nxt not in _PLAIN_DELIMITERS:
                raise Unsupported("special delimiter")
            return self._plain(nxt, i + 2)
        if nxt in "(){}+?|":
            return self._plain(nxt, i + 2) if self.extended else self._extended(nxt, i + 1)
        if nxt in ".*[]^$\\/":
            return self._plain(nxt, i + 2)
        if nxt.isdigit() and nxt != "0":
            if int(nxt) > self.closed:
                raise Unsupported("back-reference")
            self.out.append("(?:\\" + nxt + ")")
            self.atom = "backref"  # a repeat of it is refused: its search cost has no bound the budget knows
            return i + 2
        if nxt in _REGEX_ESCAPES:
            anchor = nxt in "`'"
            self.out.append(_REGEX_ESCAPES[nxt])
            self.atom = "" if anchor else "char"
            return i + 2
        raise Unsupported("escape \\" + nxt)

    def _extended(self, c: str, i: int) -> int:
        """``(``, ``)``, ``{``, ``+``, ``?`` and ``|`` with their special meaning (ERE plain, BRE after ``\\``)."""
        after = i + 1
        if c == "(":
            if self.raw.startswith(")" if self.extended else "\\)", after):
                raise Unsupported("empty group")
            self.out.append("(")
            self.groups += 1
            self.depth += 1
            self.atom = ""
            return after
        if c == ")":
            if not self.depth:
                raise Unsupported("unopened group")
            self.out.append(")")
            self.depth -= 1
            self.closed += 1
            self.atom = "group"
            return after
        if c in "+?":
            if not self.atom:
                raise Unsupported("repeat of nothing")
            return self._repeat(c, after)
        if c == "{":
            return self._interval(after)
        raise Unsupported("alternation" if c == "|" else c)

    def _interval(self, i: int) -> int:
        close = "}" if self.extended else "\\}"
        end = self.raw.find(close, i)
        spec = self.raw[i:end] if end >= 0 else ""
        bounds = re.fullmatch(r"([0-9]*)(,?)([0-9]*)", spec)
        if end < 0 or bounds is None or not self.atom or not (bounds.group(1) or bounds.group(3)):
            raise Unsupported("interval")
        low, comma, high = bounds.groups()
        if high and int(low or "0") > int(high):
            raise Unsupported("interval")
        if (comma and not high) or int(high or low or "0") > 16:
            self.repeats += 1  # (a large bound costs a search as much as none)
        return self._repeat("{" + (low or "0") + comma + high + "}", end + len(close))

    def _repeat(self, quantifier: str, after: int) -> int:
        """A repeat of the atom before it; of a group or a repeat POSIX's longest match may differ from Python's."""
        if self.atom in ("group", "repeat", "backref"):
            raise Unsupported("repeated group, repeat or back-reference")
        if quantifier in "*+":
            self.repeats += 1
        self.out.append(quantifier)
        self.atom = "repeat"
        return after

    def _caret(self, i: int) -> int:
        at_start = i == 0 or self.raw[:i].endswith("\\(") or (self.extended and self.raw[i - 1] == "(")
        if at_start or self.extended:
            self.out.append("\\A")
            self.atom = ""
            return i + 1
        return self._plain("^", i + 1)

    def _dollar(self, i: int) -> int:
        rest = self.raw[i + 1 :]
        at_end = rest == "" or rest.startswith("\\)") or (self.extended and rest.startswith(")"))
        if at_end or self.extended:
            self.out.append("\\Z")
            self.atom = ""
            return i + 1
        return self._plain("$", i + 1)

    def _plain(self, c: str, after: int) -> int:
        self._atom(re.escape(c))
        return after

    def _atom(self, text: str) -> None:
        self.out.append(text)
        self.atom = "char"

    def _bracket(self, i: int) -> int:
        j = i + 1
        negate = self.raw[j : j + 1] == "^"
        j += negate
        items: list[str] = []
        first = True
        while j < len(self.raw) and (first or self.raw[j] != "]"):
            first = False
            c = self.raw[j]
            if c == "[" and self.raw[j + 1 : j + 2] in (":", ".", "="):
                j = self._class(j, items)
                continue
            if c == "\\":
                raise Unsupported("backslash in a bracket")  # GNU sed reads \n, \t there
            if self.raw[j + 1 : j + 2] == "-" and self.raw[j + 2 : j + 3] not in ("", "]"):
                end = self.raw[j + 2]
                if end < c or end in "[\\":
                    raise Unsupported("range")
                items.append(re.escape(c) + "-" + re.escape(end))
                j += 3
                continue
            items.append(re.escape(c) if c not in "-" else "\\-")
            j += 1
        if j >= len(self.raw):
            raise Unsupported("unclosed bracket")
        self._atom("[" + ("^" if negate else "") + "".join(items) + "]")
        return j + 1

    def _class(self, j: int, items: list[str]) -> int:
        kind = self.raw[j + 1]
        close = self.raw.find(kind + "]", j + 2)
        name = self.raw[j + 2 : close] if close >= 0 else ""
        if kind != ":" or name not in _CLASSES:
            raise Unsupported("bracket class")
        items.append(_CLASSES[name])
        return close + 2


def search_budget(pattern: re.Pattern[str], length: int) -> bool:
    """Whether searching a text of ``length`` stays within the budget: each unbounded repeat may multiply the
    steps of a backtracking search by the length."""
    found = re.search(r"\(\?#([0-9]+)\)$", pattern.pattern)
    repeats = int(found.group(1)) if found else 0
    return (length + 1) ** (repeats + 1) <= SEARCH_BUDGET


def replacement(raw: str, delimiter: str, groups: int) -> tuple[str | int, ...]:
    """The replacement of ``s``: text and group numbers (``&`` and ``\\0`` are 0). Case conversions (``\\U``) and
    numeric escapes are not run here."""
    pieces: list[str | int] = []
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == "&":
            pieces.append(0)
            i += 1
            continue
        if c != "\\":
            pieces.append(c)
            i += 1
            continue
        nxt = raw[i + 1 : i + 2]
        i += 2
        if nxt.isdigit():
            if int(nxt) > groups:
                raise Unsupported("reference")
            pieces.append(int(nxt))
        elif nxt in "LUluEcdox" or nxt == "":
            raise Unsupported("replacement escape")
        elif nxt == delimiter and nxt not in _PLAIN_DELIMITERS and nxt not in "&\\":
            raise Unsupported("special delimiter")
        else:
            pieces.append(_ESCAPES.get(nxt, nxt))
    return tuple(pieces)


# -- running -----------------------------------------------------------------------------------------------------


class _Output:
    """sed's output: a line read without its newline is written without one, and the next write adds it first."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.missing_newline = False

    def write(self, text: str, newline: bool = True) -> None:
        if self.missing_newline:
            self.parts.append("\n")
        self.parts.append(text + ("\n" if newline else ""))
        self.missing_newline = not newline
        self.size += len(text) + 1
        if self.size > MAX_OUTPUT:
            raise Unsupported("too much output")

    def end_line(self) -> None:
        """The newline a line written without one lacks, written now (sed's ``q`` ends its output so)."""
        if self.missing_newline:
            self.parts.append("\n")
            self.missing_newline = False


class _Stop(Exception):
    """``q``, ``Q``, ``n``/``N`` at the end of the input: sed exits."""


class _Run:
    def __init__(self, commands: list[Command], text: str, quiet: bool) -> None:
        self.commands = commands
        self.lines = text.split("\n") if text else []
        self.chomped = text.endswith("\n")  # the last line ends with a newline
        if self.chomped:
            self.lines.pop()
        self.quiet = quiet
        self.out = _Output()
        self.ran: list[str] = []
        self.known = True  # the output is known
        self.index = 0  # lines read
        self.space = ""
        self.hold = ""
        # whether each space ends with a newline when written: the line read (the last may have none), and what
        # g, G, h, H and x carry from one space to the other (the hold space starts with one)
        self.space_newline = True
        self.hold_newline = True
        self.appended: list[str] = []
        self.holds = any(c.name in "gGhHx" for c in commands)

    def run(self) -> SedRun:
        try:
            while self.index < len(self.lines):
                self.space = self._read()
                self._cycle()
        except _Stop:
            pass
        except _Executed:
            return SedRun(None, tuple(self.ran), True)
        return SedRun("".join(self.out.parts) if self.known else None, tuple(self.ran), False)

    def _read(self) -> str:
        line = self.lines[self.index]
        self.index += 1
        self.space_newline = self.index < len(self.lines) or self.chomped
        if len(line) > 4096:
            raise Unsupported("line too long")
        return line

    def _print(self) -> None:
        """The pattern space written, with a newline unless it holds a last line that had none."""
        self.out.write(self.space, self.space_newline)

    def _cycle(self) -> None:
        pc = 0
        printing = not self.quiet
        while pc < len(self.commands):
            command = self.commands[pc]
            if not self._selected(command):
                pc = command.end + 1 if command.name == "{" else pc + 1
                continue
            try:
                done = self._execute(command)
            except _Executed:
                self._after_command(pc)
                done = False
            if len(self.space) + len(self.hold) > MAX_OUTPUT:
                raise Unsupported("the spaces grow too large")  # (h;G doubles them on every line)
            if done is not None:
                printing = printing and done
                break
            pc += 1
        self._end_cycle(printing)

    def _after_command(self, pc: int) -> None:
        """The pattern space now holds a command's output, not known, for the rest of the cycle; the next line
        starts afresh. That holds only when nothing after ``pc`` can run it or carry it on (another ``e``, the hold
        space, ``n``/``N``): else the run stops there."""
        later = self.commands[pc + 1 :]
        if self.holds or any(c.name in "enNDqQ" or c.executes for c in later):
            raise _Executed
        self.known = False
        self.appended = []

    def _end_cycle(self, printing: bool, quitting: bool = False) -> None:
        if printing and quitting:
            self.out.write(self.space)  # q writes the pattern space with a newline, even the last line's
        elif printing:
            self._print()
        for text in self.appended:
            self.out.write(text)
        self.appended = []

    def _execute(self, command: Command) -> bool | None:
        """Run one command; None to go on, else the cycle ends (True: with the pattern space printed)."""
        name = command.name
        if name in "{}wW":
            return None
        if name in "dDc":
            if name == "D":
                raise Unsupported("D")
            if name == "c":
                self.out.write(command.text)
            return False
        if name in "qQ":
            self._end_cycle(name == "q" and not self.quiet, quitting=True)
            if name == "q":
                self.out.end_line()  # (GNU sed 4.9: printf 1 | sed -n 'p;q' prints 1 and a newline; Q does not)
            raise _Stop
        if name in "nN":
            return self._next(name)
        self._simple(command)
        return None

    def _simple(self, command: Command) -> None:
        name = command.name
        if name == "=":
            self.out.write(str(self.index))
        elif name == "a":
            self.appended.append(command.text)
        elif name == "i":
            self.out.write(command.text)
        elif name == "p":
            self._print()
        elif name == "P":
            if "\n" in self.space:
                self.out.write(self.space.split("\n", 1)[0])
            else:
                self._print()
        elif name in "gGhHxz":
            self._hold(name)
        elif name == "y":
            self.space = "".join(command.table.get(c, c) for c in self.space)
        elif name == "e":
            self._run_command(command.text)
        elif name == "s":
            self._substitute(command)

    def _hold(self, name: str) -> None:
        """g, G, h, H, x and z; what is copied or appended brings whether it ends with a newline along."""
        if name in "gG":
            self.space = self.hold if name == "g" else self.space + "\n" + self.hold
            self.space_newline = self.hold_newline
        elif name in "hH":
            self.hold = self.space if name == "h" else self.hold + "\n" + self.space
            self.hold_newline = self.space_newline
        elif name == "x":
            self.space, self.hold = self.hold, self.space
            self.space_newline, self.hold_newline = self.hold_newline, self.space_newline
        else:
            self.space = ""

    def _next(self, name: str) -> bool | None:
        """``n``: print, read the next line; ``N``: append it. At the end of the input GNU sed prints the pattern
        space (unless -n) and exits without running the rest."""
        if self.index >= len(self.lines):
            self._end_cycle(not self.quiet)
            raise _Stop
        if name == "n" and not self.quiet:
            self._print()
        for text in self.appended:  # GNU sed writes what a/r queued before it reads a line
            self.out.write(text)
        self.appended = []
        if name == "n":
            self.space = self._read()
        else:
            self.space += "\n" + self._read()
        return None

    def _run_command(self, text: str) -> None:
        """``e COMMAND`` prints the command's output (not known); a bare ``e`` replaces the pattern space with it."""
        if text:
            self.known = False
            return
        self.ran.append(self.space)
        raise _Executed

    def _substitute(self, command: Command) -> None:
        assert command.regex is not None
        if not search_budget(command.regex, len(self.space)):
            raise Unsupported("search budget")
        changed, replaced = substitute(self.space, command)
        if not replaced:
            return
        self.space = changed
        if command.prints:
            self._print()
        if command.executes:
            self.ran.append(self.space)
            raise _Executed

    def _selected(self, command: Command) -> bool:
        if command.first is None:
            return True
        hit = self._matches(command.first) if command.second is None else self._in_range(command)
        return hit != command.negate

    def _in_range(self, command: Command) -> bool:
        """GNU sed's ranges (its match_address_p). A first address that is a line number starts the range on any
        line at or past it, once (not when the line is past a second line number too); ``0,/RE/`` starts before
        the first line. The second address is looked for from the next line on; a line number or ``+N`` at or
        before the line that started the range ends it there; a line past a line number ends it without that line,
        a line past ``+N`` with it."""
        first, second = command.first, command.second
        assert first is not None and second is not None
        line = self.index
        if command.active:
            return self._range_goes_on(command, second)
        if command.closed:
            return False
        if first.kind == "line":
            past_both = line > first.number and second.kind == "line" and line > second.number
            if line < first.number or past_both:
                return False
        elif first.kind != "zero" and not self._matches(first):
            return False
        command.last_line = line
        command.active = True
        if first.kind == "zero":
            return self._range_goes_on(command, second)
        if second.kind == "line":
            command.active = line < second.number
        elif second.kind == "plus":
            command.active = second.number > 0
        command.closed = not command.active and first.kind == "line"
        return True

    def _range_goes_on(self, command: Command, second: Address) -> bool:
        """A range already started, on a later line: whether it selects the line, ending it where it ends."""
        line = self.index
        end = second.number if second.kind == "line" else command.last_line + second.number
        if second.kind in ("line", "plus"):
            selected, ends = line <= end or second.kind == "plus", line >= end
        else:
            selected, ends = True, self._matches(second)
        if ends:
            command.active = False
            command.closed = command.first is not None and command.first.kind in ("line", "zero")
        return selected

    def _matches(self, address: Address) -> bool:
        kind = address.kind
        if kind == "line":
            return self.index == address.number
        if kind == "last":
            return self.index >= len(self.lines)
        if kind == "step":
            if address.step <= 0:
                return self.index == address.number
            return self.index >= address.number and (self.index - address.number) % address.step == 0
        if kind == "regex":
            assert address.regex is not None
            if not search_budget(address.regex, len(self.space)):
                raise Unsupported("search budget")
            return address.regex.search(self.space) is not None
        return False


class _Executed(Exception):
    """A command ran with the pattern space: its output, not known, is the pattern space from here on."""


def substitute(space: str, command: Command) -> tuple[str, bool]:
    """``s`` on the pattern space as GNU sed does it: the N-th match (and with ``g`` every one after it) replaced;
    an empty match right where the previous match ended is skipped."""
    assert command.regex is not None
    out: list[str] = []
    position = count = 0
    previous_end = -1
    replaced = False
    while position <= len(space):
        match = command.regex.search(space, position)
        if match is None:
            break
        start, end = match.span()
        if start == end and start == previous_end:
            if start >= len(space):
                break
            out.append(space[start])
            position = start + 1
            continue
        out.append(space[position:start])
        count += 1
        if count >= command.occurrence:
            out.append(_expand(match, command.replacement))
            replaced = True
        else:
            out.append(match.group())
        previous_end = end
        position = end
        if replaced and not command.every:
            break
        if start == end:
            if start < len(space):
                out.append(space[start])
            position = start + 1
    out.append(space[position:])
    return "".join(out), replaced


def _expand(match: re.Match[str], pieces: tuple[str | int, ...]) -> str:
    return "".join(p if isinstance(p, str) else (match.group(p) or "") for p in pieces)


def run(script: str, text: str, quiet: bool = False, extended: bool = False) -> SedRun:
    """Run ``script`` on ``text``; Unsupported when either is outside what this module runs exactly."""
    if len(text) > MAX_INPUT or not (script + text).isascii():
        raise Unsupported("text")
    return _Run(parse(script, extended), text, quiet).run()


# -- sites -------------------------------------------------------------------------------------------------------

MAX_COMMANDS = 64


def site_commands(script: str, sites: Sequence[Site], inputs: ProgramInput) -> tuple[Text, ...]:
    """The shell text a script's ``e`` and ``s///e`` run: exactly, when the input is known and the script runs
    here; else (and after a command whose output became the pattern space) each site's command as far as the site
    alone tells it (:func:`substituted`)."""
    ran: list[Text] = []
    if inputs.text is not None:
        try:
            done: SedRun | None = run(script, inputs.text, inputs.quiet, inputs.extended)
        except Unsupported:
            done = None
        if done is not None:
            ran = [(command,) for command in dict.fromkeys(done.commands)]
            if len(ran) > MAX_COMMANDS:
                ran = [NOT_KNOWN]
            if not done.stopped:
                return tuple(ran)
    return tuple(ran) + tuple(substituted(site, inputs.extended) for site in sites if isinstance(site, SedSite))


def substituted(site: SedSite, extended: bool) -> Text:
    """What the pattern space holds after an ``s///e`` whatever the input: the replacement, its ``&`` and ``\\N``
    not known, with a part not known before it unless the expression matches from the start (``^``, ``.*``) and
    after it unless it matches to the end (``$``, ``.*``). A bare ``e`` runs what is not known."""
    if site.regex is None:
        return NOT_KNOWN
    regex, delimiter = (site.regex, site.delimiter) if site.regex else (site.address or ("", site.delimiter))
    try:
        groups = compile_regex(regex, delimiter, extended, False).groups
        pieces = replacement(site.replacement, site.delimiter, groups)
    except Unsupported:
        return NOT_KNOWN
    opening = "(" if extended else "\\("
    closing = ")" if extended else "\\)"
    from_start = regex.startswith(("^", ".*", opening + "^", opening + ".*"))
    to_end = any(regex.endswith(end) and not _escaped(regex, len(regex) - len(end)) for end in ("$", ".*"))
    to_end = to_end or (regex.endswith(".*" + closing) and not _escaped(regex, len(regex) - 2 - len(closing)))
    text = tuple(p if isinstance(p, str) else None for p in pieces)
    return merge((() if from_start else NOT_KNOWN) + text + (() if to_end else NOT_KNOWN))


def _escaped(text: str, i: int) -> bool:
    """Whether the character at ``i`` follows an odd number of backslashes."""
    count = 0
    while i - count - 1 >= 0 and text[i - count - 1] == "\\":
        count += 1
    return count % 2 == 1
