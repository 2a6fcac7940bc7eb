"""Signal names in every spelling: ``9``, ``KILL``, ``kill``, ``SIGKILL``, ``-9`` all mean ``KILL``."""

from __future__ import annotations

NUMBERS = {
    1: "HUP", 2: "INT", 3: "QUIT", 4: "ILL", 5: "TRAP", 6: "ABRT", 7: "BUS", 8: "FPE", 9: "KILL", 10: "USR1",
    11: "SEGV", 12: "USR2", 13: "PIPE", 14: "ALRM", 15: "TERM", 16: "STKFLT", 17: "CHLD", 18: "CONT", 19: "STOP",
    20: "TSTP", 21: "TTIN", 22: "TTOU", 23: "URG", 24: "XCPU", 25: "XFSZ", 26: "VTALRM", 27: "PROF", 28: "WINCH",
    29: "IO", 30: "PWR", 31: "SYS",
}  # fmt: skip
ALIASES = {"IOT": "ABRT", "POLL": "IO", "CLD": "CHLD", "UNUSED": "SYS"}
NAMES = frozenset(NUMBERS.values()) | frozenset(ALIASES)


def signal_number(text: str) -> int | None:
    """A number as bash's kill and trap read a signal number (``legal_number``: ``strtoimax``, then blanks): white
    space before it, a sign, blanks after it (``+9`` and `` 9`` are 9, ``-0`` is 0); None for anything else or a
    negative number (no signal)."""
    body = text.lstrip(_LEADING).rstrip(_TRAILING)
    sign = body[:1] if body[:1] in ("+", "-") else ""
    digits = body[len(sign) :]
    if not (digits.isascii() and digits.isdigit()):
        return None
    number = int(digits)
    return None if sign == "-" and number else number


_LEADING = " \t\n\v\f\r"  # what strtoimax skips (isspace)
_TRAILING = " \t"  # what bash skips after the number


def normalise_signal(text: str) -> str | None:
    """The canonical name of a signal given as a number or name (any case, with or without SIG); None if it is
    not a signal. Real-time signals (``RTMIN+3``, 34..64) keep a readable name."""
    number = signal_number(text)
    if number is not None:
        if number in NUMBERS:
            return NUMBERS[number]
        if number == 0:
            return "0"
        return f"RT{number}" if 32 <= number <= 64 else None
    t = text.strip().upper()  # (bash refuses `` KILL``; taken as KILL, it is judged as what it means)
    if t.startswith("SIG"):
        t = t[3:]
    if t in NUMBERS.values():
        return t
    if t in ALIASES:
        return ALIASES[t]
    if t.startswith("RTMIN") or t.startswith("RTMAX"):
        return t
    return None


def listed(operands: list[str]) -> str | None:
    """What ``kill -l OPERAND...`` prints: the number of each signal named (``KILL`` -> ``9``), the name of each
    number (``9`` or the exit status ``137`` -> ``KILL``), one a line; None for anything else (a real-time signal,
    a word that is no signal, no operand: the whole table)."""
    lines = []
    for operand in operands:
        number = signal_number(operand)
        if number is not None:
            name = NUMBERS.get(number - 128 if number > 128 else number)
        else:
            named = normalise_signal(operand)
            name = next((str(n) for n, s in NUMBERS.items() if s == named), None)
        if name is None:
            return None
        lines.append(name)
    return "".join(line + "\n" for line in lines) or None


def dash_signal(text: str | None) -> str | None:
    """``-9`` / ``-KILL`` / ``-SIGKILL`` / ``-kill`` as an option word: the signal, or None."""
    if text is None or not text.startswith("-") or text.startswith("--") or len(text) < 2:
        return None
    return normalise_signal(text[1:])
