"""The value of a bash arithmetic expression (``$((...))``, ``$[...]``) when the guard can compute it as bash does.

``kill -$((011)) PID`` is ``kill -9 PID``: bash reads a leading 0 as octal, ``0x`` as hex and ``BASE#DIGITS`` in
any base from 2 to 64, and computes in 64-bit integers that wrap. Only what bash does for certain is computed:
integer constants, the operators that change nothing (no assignment, no ``++``/``--``) and variables whose value
is known; anything else (an expansion in the text, a variable not known, a division by zero, a shift by more than
the width) gives None, a value not known.
"""

from __future__ import annotations

from collections.abc import Callable

_BITS = 64
_MASK = (1 << _BITS) - 1
_MAX_DEPTH = 32  # nested parentheses or variables whose values are expressions: deeper is not computed
_BLANKS = " \t\n"
# two-character operators first; ``++``, ``--``, assignments and anything else bash reads are not computed
_OPERATORS = ("**", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", *"+-*/%<>&|^!~?:,()")
_NOT_COMPUTED = ("++", "--", "<<=", ">>=", "+=", "-=", "*=", "/=", "%=", "&=", "^=", "|=")
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ@_"

Lookup = Callable[[str], "str | None"]


class _NotComputed(Exception):
    """What bash would refuse (a syntax or value error) or what the guard does not compute."""


def _wrap(value: int) -> int:
    """The value as a 64-bit two's complement integer (bash's intmax_t)."""
    value &= _MASK
    return value - (1 << _BITS) if value >> (_BITS - 1) else value


def evaluate(expression: str, lookup: Lookup | None = None) -> int | None:
    """The value bash gives the arithmetic expression; None when it is not computed (see the module docstring).
    ``lookup`` gives the known value of a variable (None: not known)."""
    try:
        return _Parser(expression, lookup, 0).whole()
    except (_NotComputed, RecursionError):
        return None


def constant(text: str) -> int:
    """An integer constant as bash reads it: ``011`` octal, ``0x1f`` hex, ``BASE#DIGITS``; overflow wraps."""
    base, digits = 10, text
    if "#" in text and text.startswith("0"):
        raise _NotComputed(text)  # bash: a base after a leading 0 (octal, hex) is an invalid number
    if "#" in text:
        written, _, digits = text.partition("#")
        if not written.isdigit() or not written.isascii():
            raise _NotComputed(text)
        base = int(written)
        if not 2 <= base <= 64 or not digits:
            raise _NotComputed(text)
    elif text[:2] in ("0x", "0X"):
        base, digits = 16, text[2:]
    elif text.startswith("0"):
        base = 8
    value = 0
    for char in digits:
        index = _DIGITS.find(char)
        if index >= 36 and base <= 36:
            index -= 26  # up to base 36 letters are read in either case
        if index < 0 or index >= base:
            raise _NotComputed(text)
        value = (value * base + index) & _MASK
    return _wrap(value)


class _Parser:
    """Recursive descent over bash's precedence (expr.c), evaluating as it reads. ``skipped`` counts the branches
    bash does not evaluate (``0 && 1/0`` is 0): errors of value there are not errors."""

    def __init__(self, text: str, lookup: Lookup | None, depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise _NotComputed(text)
        self.text = text
        self.lookup = lookup
        self.depth = depth
        self.i = 0
        self.skipped = 0
        self.token = self._next()

    def whole(self) -> int:
        if self.token is None:
            return 0  # ``$(())`` and a variable that is empty are 0
        value = self._comma()
        if self.token is not None:
            raise _NotComputed(self.text)
        return value

    # -- tokens ---------------------------------------------------------------------------------------------------

    def _next(self) -> str | None:
        text, i = self.text, self.i
        while i < len(text) and text[i] in _BLANKS:
            i += 1
        if i >= len(text):
            self.i = i
            return None
        j = i
        if text[i].isalnum() or text[i] == "_":
            while j < len(text) and (text[j].isalnum() or text[j] in "_#@"):
                j += 1
        else:
            if any(text.startswith(op, i) for op in _NOT_COMPUTED) or (text[i] == "=" and text[i : i + 2] != "=="):
                raise _NotComputed(text)
            j = i + next((len(op) for op in _OPERATORS if text.startswith(op, i)), 0)
            if j == i:
                raise _NotComputed(text)  # ``$``, a quote, a bracket: not computed here
        self.i = j
        return text[i:j]

    def _take(self, *wanted: str) -> str | None:
        token = self.token
        if token in wanted:
            self.token = self._next()
            return token
        return None

    # -- operators, loosest first ---------------------------------------------------------------------------------

    def _comma(self) -> int:
        value = self._conditional()
        while self._take(","):
            value = self._conditional()
        return value

    def _conditional(self) -> int:
        condition = self._binary(0)
        if not self._take("?"):
            return condition
        self.skipped += not condition
        chosen = self._comma()
        self.skipped -= not condition
        if not self._take(":"):
            raise _NotComputed(self.text)
        self.skipped += bool(condition)
        other = self._conditional()
        self.skipped -= bool(condition)
        return chosen if condition else other

    def _binary(self, level: int) -> int:
        if level == len(_LEVELS):
            return self._power()
        operators = _LEVELS[level]
        left = self._binary(level + 1)
        while True:
            op = self._take(*operators)
            if op is None:
                return left
            skip = (op == "&&" and not left) or (op == "||" and bool(left))
            self.skipped += skip
            right = self._binary(level + 1)
            self.skipped -= skip
            left = self._apply(op, left, right)

    def _power(self) -> int:
        base = self._unary()
        if not self._take("**"):
            return base
        exponent = self._power()  # right to left: 2**3**2 is 2**9
        if exponent < 0:  # bash refuses it even in a branch it does not evaluate (1 ? 0 : 0 ** -1)
            raise _NotComputed(self.text)
        return _wrap(pow(base, exponent, 1 << _BITS))

    def _unary(self) -> int:
        op = self._take("-", "+", "!", "~")
        if op is None:
            return self._operand()
        value = self._unary()
        return {"-": lambda v: _wrap(-v), "+": lambda v: v, "!": lambda v: int(not v), "~": lambda v: ~v}[op](value)

    def _operand(self) -> int:
        token = self.token
        if token is None:
            raise _NotComputed(self.text)
        if self._take("("):
            value = self._comma()
            if not self._take(")"):
                raise _NotComputed(self.text)
            return value
        self.token = self._next()
        if token[0].isdigit():
            return constant(token)
        if token[0].isalpha() or token[0] == "_":
            return self._variable(token)
        raise _NotComputed(self.text)

    def _variable(self, name: str) -> int:
        """bash evaluates a variable's value as an expression of its own (an empty one is 0)."""
        if not all(c.isascii() and (c.isalnum() or c == "_") for c in name):
            raise _NotComputed(name)
        value = self.lookup(name) if self.lookup is not None else None
        if value is None:
            raise _NotComputed(name)
        return _Parser(value, self.lookup, self.depth + 1).whole()

    def _unsure(self) -> int:
        """A value bash refuses (a division by zero) or that is not computed here (a shift by more than the
        width): in a branch bash does not evaluate any value does; elsewhere it is not computed."""
        if self.skipped:
            return 0
        raise _NotComputed(self.text)

    def _apply(self, op: str, left: int, right: int) -> int:
        if op in ("/", "%"):
            if right == 0:
                return self._unsure()
            quotient = abs(left) // abs(right) * (1 if (left < 0) == (right < 0) else -1)  # C truncates to zero
            return _wrap(quotient) if op == "/" else _wrap(left - quotient * right)
        if op in ("<<", ">>"):
            if not 0 <= right < _BITS:
                return self._unsure()
            return _wrap(left << right) if op == "<<" else left >> right
        return _wrap(_BINARY[op](left, right))


_LEVELS = (("||",), ("&&",), ("|",), ("^",), ("&",), ("==", "!="), ("<=", ">=", "<", ">"), ("<<", ">>"), ("+", "-"),
           ("*", "/", "%"))  # fmt: skip
_BINARY: dict[str, Callable[[int, int], int]] = {
    "||": lambda a, b: int(bool(a) or bool(b)),
    "&&": lambda a, b: int(bool(a) and bool(b)),
    "|": lambda a, b: a | b,
    "^": lambda a, b: a ^ b,
    "&": lambda a, b: a & b,
    "==": lambda a, b: int(a == b),
    "!=": lambda a, b: int(a != b),
    "<=": lambda a, b: int(a <= b),
    ">=": lambda a, b: int(a >= b),
    "<": lambda a, b: int(a < b),
    ">": lambda a, b: int(a > b),
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
}
