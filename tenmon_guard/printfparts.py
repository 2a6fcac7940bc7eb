"""What ``printf FORMAT ARGS...`` prints when some of its arguments are known only in part.

``printf 'rm -rf %s\\n' "$D" | sh`` feeds a shell the same text as ``echo "rm -rf $D" | sh``: ``rm -rf`` and a piece
not known. The builder reads such text known in part with a stand-in for each piece (see
``builder._partly_known_payload``), so the printed text is given here as one word of known and unknown parts.

Only what can be reasoned about is followed, as bash's printf does it (checked with bash 5.2): the format fully known
(or known in part with no argument: ``printf "rm -rf $D\\n"``), its directives ``%s``, ``%b``, ``%q``, ``%d`` and
``%%`` with no flag, width or precision, and each argument one word (``"$D"``, not ``$D``, which may split into
several, each taking the format again). The format is used again while arguments are left; a missing argument
prints nothing (``%s``, ``%b``), ``''`` (``%q``) or ``0`` (``%d``). ``%q`` quotes its argument so that a shell
reads it back as that one word: a piece not known is given as one word in double quotes, where its value stands,
never read as code. Anything else is None: the text stays not known.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

from tenmon_guard.filters import decode_echo_escapes
from tenmon_guard.model import Literal, Part, Unknown, Word, spreads
from tenmon_guard.words import decode_ansi_c

_DIRECTIVES = re.compile(r"%[%sbqd]")
_ONE_QUOTED_WORD = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_DOUBLE_QUOTED = re.compile(r'["$`\\]')  # what a backslash keeps literal in double quotes
_INTEGER = re.compile(r"([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")
_MAX_OUTPUT_PARTS = 512


def printf_in_part(args: Sequence[Word]) -> Word | None:
    """The text ``printf`` with these arguments prints, as one word of known and unknown parts; None when it is not
    known that way (see the module's doc). The word's text is the command's own, for where it is written."""
    words = list(args)
    if words and words[0].value == "--":
        words = words[1:]
    if not words or any(w.is_glob or spreads(w) for w in words):
        return None
    fmt, rest = words[0], words[1:]
    if fmt.value is None:
        return _format_in_part(fmt) if not rest else None
    if fmt.value.startswith("-") or any(w.value is None and not _ONE_QUOTED_WORD.fullmatch(w.text) for w in rest):
        return None
    pieces = _DIRECTIVES.split(fmt.value)
    directives = _DIRECTIVES.findall(fmt.value)
    if any("%" in piece for piece in pieces):
        return None  # (a directive not followed: %5s, %x, %(...)T)
    parts = _applied(pieces, directives, rest)
    if parts is None:
        return None
    return Word(" ".join(w.text for w in words), words[0].span, tuple(parts))


def _applied(pieces: list[str], directives: list[str], args: list[Word]) -> list[Part] | None:
    """The format's pieces and directives applied to the arguments, again while arguments are left."""
    out: list[Part] = []
    left = list(args)
    consumes = any(d != "%%" for d in directives)
    while True:
        for k, piece in enumerate(pieces):
            out.append(Literal(decode_ansi_c(piece)))
            if k == len(directives):
                break
            directive = directives[k]
            if directive == "%%":
                out.append(Literal("%"))
                continue
            converted = _converted(directive, left.pop(0) if left else None)
            if converted is None:
                return None
            out.extend(converted)
        if not left or not consumes or len(out) > _MAX_OUTPUT_PARTS:
            return out if not left or not consumes else None


def _converted(directive: str, arg: Word | None) -> list[Part] | None:
    """What one directive prints of one argument (None: the argument is missing)."""
    if arg is None:
        return [Literal({"%q": "''", "%d": "0"}.get(directive, ""))]
    value = arg.value
    if directive == "%d":
        if value is None:
            return list(arg.parts)  # (a number, or 0 with an error: text not known, as the piece is)
        number = _integer(value)
        return None if number is None else [Literal(number)]
    if directive == "%q":
        if value is not None:
            return [Literal(shlex.quote(value))]
        inside = (
            Literal(_DOUBLE_QUOTED.sub(r"\\\g<0>", p.text)) if isinstance(p, Literal) else _quoted(p) for p in arg.parts
        )
        return [Literal('"'), *inside, Literal('"')]
    if directive == "%b":
        return _escapes_decoded(arg)
    return [Literal(value)] if value is not None else list(arg.parts)


def _quoted(piece: Unknown) -> Unknown:
    """A piece ``%q`` quoted: spliced into shell text it is one word, never code (see ``builder._may_hold_code``)."""
    return Unknown(piece.kind, piece.name, piece.producers, piece.prefix, piece.words, quoted=True)


def _escapes_decoded(arg: Word) -> list[Part] | None:
    """``%b``: the argument's backslash escapes decoded as printf decodes them (an unknown piece's are not known,
    as the piece is); ``\\c``, which ends all output, is not followed."""
    out: list[Part] = []
    for part in arg.parts:
        if isinstance(part, Unknown):
            out.append(part)
            continue
        decoded, stopped = decode_echo_escapes(part.text, bare_octal=True)
        if stopped:
            return None
        out.append(Literal(decoded))
    return out


def _integer(value: str) -> str | None:
    """``%d`` of a known word as bash reads it (``010`` is octal 8, ``0x10`` 16); None for anything else (``'A``,
    a blank, a word that is no number)."""
    match = _INTEGER.fullmatch(value)
    if match is None:
        return None
    sign, digits = match.groups()
    base = 16 if digits[:2] in ("0x", "0X") else 8 if digits.startswith("0") and len(digits) > 1 else 10
    number = int(digits, base)
    return str(-number if sign == "-" else number)


def _format_in_part(fmt: Word) -> Word | None:
    """``printf "rm -rf $D\\n"``: a format known in part and no argument. Its known pieces are printed with their
    escapes decoded; the piece not known is printed as it is read as a format, which is text not known all the
    same. A known piece with a ``%`` in it (it may join the unknown piece into a directive) is not followed."""
    parts: list[Part] = []
    for part in fmt.parts:
        if isinstance(part, Literal):
            if "%" in part.text or part.text.endswith("\\"):
                return None
            parts.append(Literal(decode_ansi_c(part.text)))
        else:
            parts.append(part)
    return Word(fmt.text, fmt.span, tuple(parts))
