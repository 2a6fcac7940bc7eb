"""The values of awk expressions where a program computes a command it runs or a file it writes
(:class:`tenmon_guard.programs.AwkSite`), from what the line makes known: ``system("rm -rf /opt/" "x")``, ``print >
"\\057opt\\057x"``, ``system(sprintf("rm %s", "x"))``, ``print > ARGV[1]``, ``print > ENVIRON["D"]``, ``system("rm "
$0)`` with the records known (``echo x | awk ...``).

An expression is read as awk concatenates values: strings (escapes decoded as awk does), numbers, fields of the
record, ``FILENAME``, ``ARGV[N]``, ``ENVIRON["NAME"]``, ``sprintf`` with ``%s``/``%d``, ``toupper``/``tolower``, and
variables the program gives only by plain assignments (``cmd = "date"; cmd | getline``), by ``-v`` or by an operand
``NAME=VALUE``: every value they are given is one the site may see, wherever it is given. Any other value is a piece
not known; any other operator (``+``, ``?:``, a comparison) makes the whole expression not known. A rule's pattern
is not evaluated: its action is taken to run for every record. Imported only for a program that has a site.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

from tenmon_guard.programs import (
    NOT_KNOWN,
    AwkFacts,
    AwkSite,
    Computed,
    ProgramEffects,
    ProgramInput,
    Text,
    Token,
    closing,
    merge,
)

MAX_ALTERNATIVES = 64
MAX_DEPTH = 32  # nested parentheses, calls and variables read in one expression
_ESCAPES = {
    "\\": "\\",
    '"': '"',
    "/": "/",  # gawk and onetrue awk; mawk keeps the backslash (the guard judges the path it may be)
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
}
_OCTAL = re.compile(r"[0-7]{1,3}")
_DIRECTIVE = re.compile(r"%([-+ #0]*)([0-9]*|\*)(\.[0-9]*|\.\*)?([a-zA-Z%])")
_BUILTIN_VARIABLES = frozenset(
    {"NR", "NF", "FNR", "FS", "OFS", "ORS", "RS", "RT", "SUBSEP", "CONVFMT", "OFMT", "RSTART", "RLENGTH", "ARGC"}
)
# builtins (a space may come before their parenthesis: a variable's name with one after it is a concatenation)
_FUNCTIONS = frozenset(
    [
        "sprintf",
        "toupper",
        "tolower",
        "substr",
        "length",
        "index",
        "split",
        "sub",
        "gsub",
        "match",
        "int",
        "sqrt",
        "exp",
        "log",
        "sin",
        "cos",
        "atan2",
        "rand",
        "srand",
        "system",
        "close",
        "fflush",
        "gensub",
        "strftime",
        "systime",
        "mktime",
        "and",
        "or",
        "xor",
        "lshift",
        "rshift",
        "compl",
        "strtonum",
        "asort",
        "asorti",
        "patsplit",
        "isarray",
        "typeof",
    ]
)
Record = tuple[str | None, str | None]  # the record's text and the file it is read from (None: not known)


def decode(body: str) -> Text:
    """The text between a string's quotes, escapes decoded as awk does (octal ``\\057`` included). An escape the
    awks decode differently (``\\q``, ``\\$``, ``\\x41``) or to a byte that is not ASCII text is a piece not known."""
    out: list[str | None] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\" or i + 1 >= len(body):
            out.append(c)
            i += 1
            continue
        nxt = body[i + 1]
        octal = _OCTAL.match(body, i + 1)
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif octal is not None:
            value = int(octal.group(), 8)
            out.append(chr(value) if 0 < value < 128 else None)
            i = octal.end()
        else:
            out.append(None)
            i += 2
    return merge(tuple(out))


def evaluate(effects: ProgramEffects, inputs: ProgramInput) -> Computed:
    """The commands, files and piped text of the program's sites for ``inputs``."""
    facts = effects.facts or AwkFacts({}, frozenset(), False, False)
    evaluator = _Evaluator(facts, inputs)
    commands: list[Text] = []
    writes: list[tuple[str, Text]] = []
    feeds: list[tuple[Text, Text]] = []
    for site in effects.sites:
        if not isinstance(site, AwkSite):
            continue
        targets = evaluator.site_values(site.target, site.where)
        if site.kind == "command":
            commands.extend(targets)
        elif site.kind == "write":
            writes.extend((site.op, target) for target in targets)
        else:
            printed = evaluator.printed(site)
            feeds.extend((target, printed) for target in targets)
    return Computed(tuple(_distinct(commands)), tuple(dict.fromkeys(writes)), tuple(dict.fromkeys(feeds)))


class _Evaluator:
    def __init__(self, facts: AwkFacts, inputs: ProgramInput) -> None:
        self.facts = facts
        self.inputs = inputs
        self.given: dict[str, list[Text]] = {}  # -v NAME=VALUE and NAME=VALUE operands
        for name, value in inputs.variables:
            self.given.setdefault(name, []).append(NOT_KNOWN if value is None else decode(value))
        self.evaluating: set[str] = set()
        self.variables: dict[tuple[str, Record], list[Text]] = {}
        self.depth = 0

    # -- sites -----------------------------------------------------------------------------------------------

    def site_values(self, tokens: Sequence[Token], where: str) -> list[Text]:
        """The values the expression takes over the records the site runs for."""
        values: list[Text] = []
        for record in self._records(where):
            values.extend(self.values(tokens, record))
        found = _distinct(values)
        return found if len(found) <= MAX_ALTERNATIVES else [NOT_KNOWN]

    def printed(self, site: AwkSite) -> Text:
        """All the text the site's ``print`` (or ``printf``) writes into its pipe, over the records."""
        pieces: list[str | None] = []
        for record in self._records(site.where):
            values = self._print_values(site, record)
            pieces.extend(values[0] if len(values) == 1 else NOT_KNOWN)
        return merge(tuple(pieces))

    def _print_values(self, site: AwkSite, record: Record) -> list[Text]:
        arguments = _arguments(_unwrapped(site.printed)) if site.printed is not None else []
        if site.formatted:
            return self._sprintf(arguments, record) if arguments else [NOT_KNOWN]
        if any(name in self.facts.definitions or name in self.given for name in ("OFS", "ORS")):
            return [NOT_KNOWN]
        if not arguments:
            lines = [self._field(("0",), record)]
        else:
            lines = self._product([self.values(a, record) for a in arguments], separator=" ")
        return [merge((*line, "\n")) for line in lines]

    def _records(self, where: str) -> list[Record]:
        """The records a site in ``where`` runs with: BEGIN none (empty $0 and FILENAME), END the last, a main rule
        each, anything else (a function) one not known."""
        records = list(dict.fromkeys(self.inputs.records))
        if where == "BEGIN":
            chosen: list[Record] = [("", "")]
        elif where == "END":
            chosen = records[-1:] or [("", "")]
        elif where == "main":
            chosen = records
        else:
            chosen = [(None, None)]
        if self.facts.fields_changed:
            chosen = list(dict.fromkeys((None, name) for _, name in chosen))
        return chosen

    # -- expressions -----------------------------------------------------------------------------------------

    def values(self, tokens: Sequence[Token], record: Record) -> list[Text]:
        """The values a concatenation takes; one not known when it holds any other operator (or nests deeper than
        :data:`MAX_DEPTH`)."""
        if not tokens or self.depth >= MAX_DEPTH:
            return [NOT_KNOWN]
        self.depth += 1
        try:
            return self._concatenation(tokens, record)
        finally:
            self.depth -= 1

    def _concatenation(self, tokens: Sequence[Token], record: Record) -> list[Text]:
        results: list[Text] = [()]
        k = 0
        while k < len(tokens):
            end, found = self._primary(tokens, k, record)
            if found is None:
                return [NOT_KNOWN]
            results = [a + b for a in results for b in found]
            if len(results) > MAX_ALTERNATIVES:
                return [NOT_KNOWN]
            k = end
        return _distinct(merge(r) for r in results)

    def _primary(self, tokens: Sequence[Token], k: int, record: Record) -> tuple[int, list[Text] | None]:
        """The value that starts at ``k`` and where it ends; None when no value starts there (an operator)."""
        token = tokens[k]
        if token.kind == "string":
            return k + 1, [decode(token.text[1:-1])]
        if token.kind == "number":
            return k + 1, [_number(token.text)]
        if token.kind == "op" and token.text == "$":
            end, found = self._primary(tokens, k + 1, record) if k + 1 < len(tokens) else (k + 1, None)
            return end, None if found is None else [self._field(value, record) for value in found]
        if token.kind == "op" and token.text == "(":
            close = closing(list(tokens), k)
            inside = tokens[k + 1 : close]
            if close < 0 or _arguments(inside) != [inside]:
                return k, None  # (a, b) in array
            return close + 1, self.values(inside, record)
        if token.kind == "name":
            return self._named(tokens, k, record)
        return k, None

    def _named(self, tokens: Sequence[Token], k: int, record: Record) -> tuple[int, list[Text] | None]:
        name = tokens[k].text
        after = tokens[k + 1] if k + 1 < len(tokens) else None
        called = name in _FUNCTIONS or name in self.facts.functions
        if after is not None and after.kind == "op" and (after.text == "[" or (after.text == "(" and called)):
            close = closing(list(tokens), k + 1)
            if close < 0:
                return k, None
            inside = tokens[k + 2 : close]
            if after.text == "(":
                return close + 1, self._call(name, _arguments(inside), record)
            return close + 1, self._element(name, inside, record)
        return k + 1, self._variable(name, record)

    def _variable(self, name: str, record: Record) -> list[Text]:
        """Every value the variable is given (remembered per record: a chain of variables made of the one before
        twice is read once each, not 2**N times); one given from itself is not known there."""
        if name == "FILENAME":
            return [(record[1],)] if record[1] is not None else [NOT_KNOWN]
        if name in _BUILTIN_VARIABLES or name in self.facts.modified or name in self.evaluating:
            return [NOT_KNOWN]
        known = self.variables.get((name, record))
        if known is not None:
            return known
        values = list(self.given.get(name, ())) + list(self.given.get("", ()))  # "": a -v whose name is not known
        self.evaluating.add(name)
        try:
            for definition in self.facts.definitions.get(name, ()):
                values.extend(self.values(definition, record))
        finally:
            self.evaluating.discard(name)
        found = _distinct(values)
        found = found if found and len(found) <= MAX_ALTERNATIVES else [NOT_KNOWN]
        self.variables[(name, record)] = found
        return found

    def _element(self, name: str, subscript: Sequence[Token], record: Record) -> list[Text]:
        """``ARGV[N]`` (the operands after the program) and ``ENVIRON["NAME"]``; any other array is not known."""
        if name not in ("ARGV", "ENVIRON") or self.facts.arrays_changed:
            return [NOT_KNOWN]
        found: list[Text] = []
        for key in self.values(subscript, record):
            text = _known(key)
            if text is None:
                found.append(NOT_KNOWN)
            elif name == "ENVIRON":
                value = self.inputs.environment.get(text)
                found.append((value,) if value is not None else NOT_KNOWN)
            else:
                found.append(self._argument(text))
        return _distinct(found)

    def _argument(self, index: str) -> Text:
        operands = self.inputs.operands
        if not index.isdigit() or not 1 <= int(index) <= len(operands):
            return NOT_KNOWN  # ARGV[0] is the awk's own name
        value = operands[int(index) - 1]
        return (value,) if value is not None else NOT_KNOWN

    def _field(self, value: Text, record: Record) -> Text:
        """``$N`` of the record: $0 the whole, others split as FS says (the default, or one plain character)."""
        index, line = _known(value), record[0]
        if index is None or not index.isdigit() or line is None:
            return NOT_KNOWN
        number = int(index)
        if number == 0:
            return (line,)
        fields = self._fields(line)
        if fields is None:
            return NOT_KNOWN
        return (fields[number - 1] if number <= len(fields) else "",)

    def _fields(self, line: str) -> list[str] | None:
        if "FS" in self.facts.definitions or "FS" in self.facts.modified or "FS" in self.given:
            return None
        separator = self.inputs.separator
        if separator is None or separator == " ":
            stripped = line.strip(" \t\n")
            return re.split(r"[ \t\n]+", stripped) if stripped else []
        decoded = _known(decode(separator))
        if decoded is None or len(decoded) != 1 or decoded in " t\\":
            return None  # a regular expression, or -Ft (a tab for some awks)
        return line.split(decoded)

    def _call(self, name: str, arguments: list[Sequence[Token]], record: Record) -> list[Text]:
        if name == "sprintf" and arguments:
            return self._sprintf(arguments, record)
        if name in ("toupper", "tolower") and len(arguments) == 1:
            change = str.upper if name == "toupper" else str.lower
            return [
                tuple(change(p) if p is not None and p.isascii() else None for p in value)
                for value in self.values(arguments[0], record)
            ]
        return [NOT_KNOWN]

    def _sprintf(self, arguments: list[Sequence[Token]], record: Record) -> list[Text]:
        found: list[Text] = []
        for form in self.values(arguments[0], record):
            text = _known(form)
            found.extend([NOT_KNOWN] if text is None else self._format(text, arguments[1:], record))
        return _distinct(found)

    def _format(self, form: str, arguments: list[Sequence[Token]], record: Record) -> list[Text]:
        """``%s``, ``%d``/``%i`` and ``%%`` without flags or width; another directive is a piece not known, one
        that takes its width from an argument (``%*d``) makes all of it not known."""
        parts: list[list[Text]] = []
        position = used = 0
        for match in _DIRECTIVE.finditer(form):
            between = form[position : match.start()]
            if "%" in between:
                return [NOT_KNOWN]
            parts.append([(between,)])
            position = match.end()
            flags, width, precision, conversion = match.groups()
            if conversion == "%":
                parts.append([("%",)])
                continue
            if "*" in width + (precision or ""):
                return [NOT_KNOWN]
            argument = arguments[used] if used < len(arguments) else None
            used += 1
            plain = not (flags or width or precision)
            values: list[Text] = self.values(argument, record) if argument is not None else [("",)]
            if plain and conversion == "s":
                parts.append(values)
            elif plain and conversion in "di":
                parts.append([_integer(v) for v in values])
            else:
                parts.append([NOT_KNOWN])
        if "%" in form[position:]:
            return [NOT_KNOWN]
        parts.append([(form[position:],)])
        return self._product(parts)

    def _product(self, parts: list[list[Text]], separator: str = "") -> list[Text]:
        combined: list[Text] = []
        for choice in itertools.product(*parts):
            joined: list[str | None] = []
            for k, value in enumerate(choice):
                joined.extend(((separator,) if k and separator else ()) + value)
            combined.append(merge(tuple(joined)))
            if len(combined) > MAX_ALTERNATIVES:
                return [NOT_KNOWN]
        return _distinct(combined)


def _known(value: Text) -> str | None:
    """The text of a value known whole; None otherwise."""
    return value[0] if len(value) == 1 and value[0] is not None else None


def _number(text: str) -> Text:
    """A number as awk turns it into a string: an integer as one, another as ``%.6g`` (CONVFMT's default)."""
    try:
        value = float(text)
    except ValueError:
        return NOT_KNOWN
    if value.is_integer() and abs(value) < 1e15:
        return (str(int(value)),)
    return (f"{value:.6g}",)


def _integer(value: Text) -> Text:
    text = _known(value)
    if text is None or not re.fullmatch(r"[-+]?[0-9]+", text.strip()):
        return NOT_KNOWN
    return (str(int(text)),)


def _arguments(tokens: Sequence[Token]) -> list[Sequence[Token]]:
    """Tokens split at the commas outside brackets."""
    out: list[Sequence[Token]] = []
    depth = start = 0
    for k, token in enumerate(tokens):
        if token.kind != "op":
            continue
        if token.text in "([":
            depth += 1
        elif token.text in ")]":
            depth -= 1
        elif token.text == "," and depth == 0:
            out.append(tokens[start:k])
            start = k + 1
    out.append(tokens[start:])
    return out if any(out) else []


def _unwrapped(tokens: Sequence[Token]) -> Sequence[Token]:
    """``print("a", "b")``: the list inside the parentheses that hold all of it."""
    if len(tokens) >= 2 and tokens[0].text == "(" and closing(list(tokens), 0) == len(tokens) - 1:
        return tokens[1:-1]
    return tokens


def _distinct(values: Iterable[Text]) -> list[Text]:
    return list(dict.fromkeys(values))
