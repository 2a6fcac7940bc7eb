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
    not a signal. Real-time signals (``RTMIN+3``, ``SIGRTMAX-2``, ``40``) are ``RT<number>`` (``RT37``)."""
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
    return _realtime(t)


# The real-time signals a kill can name: glibc keeps 32 and 33 for itself (its threads' handlers), so bash's and
# procps' RTMIN is 34; RTMAX is 64. Each is called RT<number> here, however it was spelled.
RTMIN, RTMAX = 34, 64


def _realtime(name: str) -> str | None:
    """``RTMIN``, ``RTMIN+3``, ``RTMAX-2``, ``RTMAX`` (upper case, no SIG) as ``RT34``, ``RT37``, ``RT62``, ``RT64``;
    ``RT<number>`` (the canonical name itself) from 32 to 64; None for anything else."""
    if name.startswith("RTMIN"):
        number = _offset(RTMIN, name[5:], "+")
    elif name.startswith("RTMAX"):
        number = _offset(RTMAX, name[5:], "-")
    elif name.startswith("RT") and _digits(name[2:]):
        return name if 32 <= int(name[2:]) <= RTMAX else None
    else:
        return None
    return f"RT{number}" if number is not None and RTMIN <= number <= RTMAX else None


def _offset(base: int, rest: str, sign: str) -> int | None:
    """``RTMIN`` + ``+3`` is 37, ``RTMAX`` + ``-2`` is 62: the only sign each takes; None for anything else."""
    if not rest:
        return base
    if rest[0] != sign or not _digits(rest[1:]):
        return None
    return base + int(rest[1:]) if sign == "+" else base - int(rest[1:])


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def signal_range(text: str) -> list[str] | None:
    """``FIRST..LAST`` (``RTMIN..RTMAX``, ``34..40``): every signal from FIRST to LAST by number, canonical names;
    None when it is no such range (an end that is no signal, or LAST before FIRST)."""
    first, dots, last = text.partition("..")
    low, high = _number(first), _number(last)
    if not dots or low is None or high is None or high < low:
        return None
    return [NUMBERS.get(n) or ("0" if n == 0 else f"RT{n}") for n in range(low, high + 1)]


def _number(text: str) -> int | None:
    """The number of the signal a name or number stands for; None if it is no signal."""
    name = normalise_signal(text)
    if name is None:
        return None
    if name.startswith("RT"):
        return int(name[2:])
    return 0 if name == "0" else next(n for n, s in NUMBERS.items() if s == name)


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
