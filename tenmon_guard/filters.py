"""What a few common commands print when what they are given is known: ``echo``, ``printf``, ``cat``, ``tee``,
``base64 -d``, ``tr``, ``head``, ``tail``, ``rev``, ``cut``, ``basename`` and ``dirname`` (and sed's scripts:
:mod:`tenmon_guard.sedrun`).

Their output matters when it is fed to a shell (``base64 -d <<< cGtpbGwgbm9kZQ== | bash`` runs ``pkill node``):
text the guard knows is judged as commands, text it does not know is only an unknown command. Each function
answers None as soon as anything is outside what it models (an option it does not know, a ``%d`` directive, a
character class it does not read), so the caller falls back to "not known" rather than to a wrong text.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Sequence

from tenmon_guard.words import ECHO_ESCAPES, as_file_names, decode_ansi_c, escaped_byte

_ECHO_OPTIONS = re.compile(r"-[neE]+")
_OCTAL_AFTER_ZERO = re.compile(r"0[0-7]{0,3}")
_OCTAL = re.compile(r"[0-7]{1,3}")
_HEX = {
    "x": re.compile(r"[0-9A-Fa-f]{1,2}"),
    "u": re.compile(r"[0-9A-Fa-f]{1,4}"),
    "U": re.compile(r"[0-9A-Fa-f]{1,8}"),
}
_DIRECTIVES = re.compile(r"%%|%s|%b")
_BASE64_OPTIONS = frozenset({"-d", "--decode", "-i", "--ignore-garbage"})
_TEE_OPTIONS = frozenset({"-a", "--append", "-i", "--ignore-interrupts", "-p"})
_TR_CLASSES = {"[:lower:]": "abcdefghijklmnopqrstuvwxyz", "[:upper:]": "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def decode_echo_escapes(text: str, bare_octal: bool) -> tuple[str, bool]:
    """``echo -e`` (octal only as ``\\0nnn``) or ``printf %b`` (``\\nnn`` too) escapes decoded; True as the second
    value when ``\\c`` ends all output there."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch != "\\" or i + 1 >= n:
            out.append(ch)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "c":
            return "".join(out), True
        if nxt in ECHO_ESCAPES:
            out.append(ECHO_ESCAPES[nxt])
            i += 2
            continue
        if nxt == "0" or (bare_octal and nxt in "1234567"):
            octal = (_OCTAL_AFTER_ZERO if nxt == "0" else _OCTAL).match(text, i + 1)
            assert octal is not None
            digits = octal.group()[1:] if nxt == "0" else octal.group()
            out.append(escaped_byte(int(digits or "0", 8)))
            i = octal.end()
            continue
        hexa = _HEX[nxt].match(text, i + 2) if nxt in _HEX else None
        if hexa is not None:
            code = int(hexa.group(), 16)
            out.append(escaped_byte(code) if nxt == "x" else chr(code) if code < 0x110000 else "\ufffd")
            i = hexa.end()
            continue
        out.append("\\" + nxt)
        i += 2
    return as_file_names("".join(out)), False


def echo_output(words: Sequence[str], newline: bool = False) -> str:
    """What bash's ``echo WORDS`` prints, without the final newline unless ``newline`` (then exactly: none after
    ``-n`` or ``\\c``): leading ``-n``/``-e``/``-E`` words are options, the last of ``-e``/``-E`` deciding whether
    escapes are decoded."""
    words = list(words)
    decode = ends = False
    while words and _ECHO_OPTIONS.fullmatch(words[0]):
        for flag in words[0][1:]:
            if flag in "eE":
                decode = flag == "e"
            ends = ends or flag == "n"
        words = words[1:]
    text, stopped = " ".join(words), False
    if decode:
        text, stopped = decode_echo_escapes(text, bare_octal=False)
    return text + ("\n" if newline and not ends and not stopped else "")


def printf_output(fmt: str, args: Sequence[str]) -> str | None:
    """What ``printf FORMAT ARGS...`` prints when the format has no directive but ``%s``, ``%b`` and ``%%`` (the
    format is used again while arguments are left, as printf does); None for any other directive."""
    if fmt == "-v":
        return ""  # printf -v NAME assigns, prints nothing
    if fmt == "--":
        return printf_output(args[0], args[1:]) if args else None
    pieces = _DIRECTIVES.split(fmt)
    directives = _DIRECTIVES.findall(fmt)
    if any("%" in piece for piece in pieces):
        return None
    out: list[str] = []
    left = list(args)
    consumes = any(d != "%%" for d in directives)
    while True:
        for k, piece in enumerate(pieces):
            out.append(decode_ansi_c(piece))
            if k == len(directives):
                break
            directive = directives[k]
            if directive == "%%":
                out.append("%")
                continue
            value = left.pop(0) if left else ""
            if directive == "%b":
                value, stopped = decode_echo_escapes(value, bare_octal=True)
                if stopped:
                    out.append(value)
                    return "".join(out)
            out.append(value)
        if not left or not consumes:
            return "".join(out)


def passthrough_output(name: str, args: Sequence[str], stdin: str) -> str | None:
    """``cat`` with no file (or ``-``) and ``tee FILE...`` print what they read."""
    if name == "cat" and all(a == "-" for a in args):
        return stdin
    if name == "tee" and all(not a.startswith("-") or a in _TEE_OPTIONS for a in args):
        return stdin
    return None


def head_output(name: str, args: Sequence[str], stdin: str) -> str | None:
    """``head -n N`` (``-N``, ``--lines=N``, ``-n -N``: all but the last N) and ``tail -n N`` (``-N``, ``-n +N``:
    from line N) of known text; any other option or a file operand is not modelled."""
    count = _line_count(args, 10)
    if count is None:
        return None
    number, sign = count
    lines = re.findall(_LINES, stdin)
    if name == "head":
        return "".join(lines[:-number] if sign == "-" else lines[:number])
    if sign == "+":
        return "".join(lines[max(number - 1, 0) :])
    return "".join(lines[-number:]) if number else ""


_CUT_RANGE = re.compile(r"([0-9]*)(-?)([0-9]*)")


def cut_output(args: Sequence[str], stdin: str) -> str | None:
    """``cut -d C -f LIST`` and ``cut -c LIST`` (GNU's; ``-dC``, ``-fLIST``, ``-s``; LIST of N, N-M, N-, -M joined by
    commas) of known text: each line's fields (or characters, ASCII text only) in order; a line without the
    delimiter whole (none with -s). None for another option or form."""
    delimiter, fields, chars, only = "\t", None, None, False
    words = list(args)
    k = 0
    while k < len(words):
        word = words[k]
        value = word[2:] or (words[k + 1] if k + 1 < len(words) else None)
        step = 1 if word[2:] else 2
        if word.startswith("-d") and value is not None and len(value) == 1:
            delimiter = value
        elif word.startswith("-f") and value is not None:
            fields = _cut_list(value)
        elif word.startswith("-c") and value is not None:
            chars = _cut_list(value)
        elif word == "-s":
            only, step = True, 1
        else:
            return None
        k += step
    chosen = fields or chars
    if chosen is None or (fields is not None and chars is not None) or not stdin.isascii():
        return None
    out: list[str] = []
    lines = stdin.split("\n")
    for line in lines[:-1] if stdin.endswith("\n") or not stdin else lines:
        if chars is not None:
            out.append("".join(c for n, c in enumerate(line, 1) if chosen(n)))
        elif delimiter not in line:
            if not only:
                out.append(line)
        else:
            out.append(delimiter.join(f for n, f in enumerate(line.split(delimiter), 1) if chosen(n)))
    return "".join(o + "\n" for o in out)


def _cut_list(spec: str) -> Callable[[int], bool] | None:
    """Whether position N (from 1) is in cut's LIST; None for a list not read here."""
    ranges: list[tuple[int, int]] = []
    for part in spec.split(","):
        m = _CUT_RANGE.fullmatch(part)
        if m is None or not (m.group(1) or m.group(3)) or (not m.group(2) and m.group(3)):
            return None
        low = int(m.group(1)) if m.group(1) else 1
        high = int(m.group(3)) if m.group(3) else (low if not m.group(2) else 1 << 30)
        if low < 1 or high < low:
            return None
        ranges.append((low, high))
    return lambda n: any(low <= n <= high for low, high in ranges)


def _operands_only(args: Sequence[str]) -> list[str] | None:
    """The operands of a command given no option (after a ``--`` that may end them); None where one is given."""
    operands = list(args[1:]) if args[:1] == ["--"] else list(args)
    return None if any(a.startswith("-") and a != "-" for a in args if a != "--") else operands


def basename_output(args: Sequence[str]) -> str | None:
    """``basename NAME [SUFFIX]`` (GNU's, without options): NAME's last part, with trailing slashes and SUFFIX
    removed (not the whole of it)."""
    operands = _operands_only(args)
    if operands is None or not 1 <= len(operands) <= 2:
        return None
    name = operands[0]
    stripped = name.rstrip("/")
    if not stripped:
        return "/" if name else ""
    base = stripped.rsplit("/", 1)[-1]
    suffix = operands[1] if len(operands) == 2 else ""
    return base[: -len(suffix)] if suffix and base.endswith(suffix) and base != suffix else base


def dirname_output(args: Sequence[str]) -> str | None:
    """``dirname NAME...`` (GNU's, without options): each NAME less its last part and the slashes before it
    (``.`` where nothing is left, ``/`` at the root), one a line."""
    operands = _operands_only(args)
    if not operands:
        return None
    out = []
    for name in operands:
        stripped = name.rstrip("/")
        if not stripped:
            out.append("/" if name else ".")
        elif "/" not in stripped:
            out.append(".")
        else:
            out.append(stripped.rsplit("/", 1)[0].rstrip("/") or "/")
    return "\n".join(out) + "\n"


def rev_output(args: Sequence[str], stdin: str) -> str | None:
    """``rev``: each line's characters in reverse order (ASCII text only: rev reverses characters as the locale
    reads them)."""
    if args or not stdin.isascii():
        return None
    return "".join(line.rstrip("\n")[::-1] + line[len(line.rstrip("\n")) :] for line in re.findall(_LINES, stdin))


_LINES = r"[^\n]*\n|[^\n]+$"  # (patterns compiled on first use, by re's own cache: not at start-up)
_COUNT = r"([-+]?)([0-9]+)"


def _line_count(args: Sequence[str], default: int) -> tuple[int, str] | None:
    """The line count of head's or tail's options and its sign (``-`` head's all-but, ``+`` tail's from-line);
    None for another option or an operand other than ``-``."""
    count: tuple[int, str] | None = (default, "")
    words = list(args)
    while words:
        word = words.pop(0)
        value: str | None = None
        if word in ("-n", "--lines"):
            value = words.pop(0) if words else None
        elif word.startswith("--lines="):
            value = word[len("--lines=") :]
        elif word.startswith("-n"):
            value = word[2:]
        elif word[:1] == "-" and word[1:].isdigit():
            value = word[1:]
        elif word in ("-q", "--quiet", "--silent", "-", "--"):
            continue
        else:
            return None
        match = re.fullmatch(_COUNT, value or "")
        if match is None:
            return None
        count = (int(match.group(2)), match.group(1))
    return count


def base64_output(args: Sequence[str], stdin: str) -> str | None:
    """``base64 -d`` of known text, when it decodes to text."""
    if not args or not all(a in _BASE64_OPTIONS for a in args) or not ({"-d", "--decode"} & set(args)):
        return None
    ignore_garbage = bool({"-i", "--ignore-garbage"} & set(args))
    data = re.sub(r"[^A-Za-z0-9+/=]" if ignore_garbage else r"\s", "", stdin)
    try:
        return base64.b64decode(data, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def tr_output(args: Sequence[str], stdin: str) -> str | None:
    """``tr SET1 SET2`` and ``tr -d SET1`` with sets of plain characters, ranges, ``\\`` escapes and the
    lower/upper classes."""
    if len(args) == 2 and args[0] == "-d":
        gone = _tr_set(args[1])
        return None if gone is None else "".join(c for c in stdin if c not in gone)
    if len(args) != 2 or args[0].startswith("-"):
        return None
    source, target = _tr_set(args[0]), _tr_set(args[1])
    if source is None or not target:
        return None
    target += target[-1] * max(0, len(source) - len(target))  # GNU tr pads SET2 with its last character
    table: dict[str, str] = {}
    for a, b in zip(source, target, strict=False):
        table[a] = b  # a character given twice maps as its last mention says
    return "".join(table.get(c, c) for c in stdin)


def _tr_set(spec: str) -> str | None:
    out: list[str] = []
    i = 0
    while i < len(spec):
        for name, chars in _TR_CLASSES.items():
            if spec.startswith(name, i):
                out.append(chars)
                i += len(name)
                break
        else:
            if spec[i] == "[":
                return None  # other classes, [=c=], [c*n]: not read here
            ch, i = _tr_char(spec, i)
            if ch is None:
                return None
            if i + 1 < len(spec) and spec[i] == "-":
                end, after = _tr_char(spec, i + 1)
                if end is None or end < ch:
                    return None
                out.append("".join(chr(c) for c in range(ord(ch), ord(end) + 1)))
                i = after
            else:
                out.append(ch)
    return "".join(out)


def _tr_char(spec: str, i: int) -> tuple[str | None, int]:
    if spec[i] != "\\":
        return spec[i], i + 1
    if i + 1 >= len(spec):
        return "\\", i + 1
    decoded, stopped = decode_echo_escapes(spec[i : i + 2], bare_octal=False)
    if stopped or spec[i + 1] in "0123456789xuU":
        return None, i
    return (decoded if decoded != spec[i : i + 2] else spec[i + 1]), i + 2


_XARGS_TOKEN = re.compile(r"""[^\s'"\\]+|'[^'\n]*'|"[^"\n]*"|\\.""", re.DOTALL)


def xargs_words(text: str) -> list[str] | None:
    """The words GNU xargs reads from ``text`` by default (no -0, -d, -E, -L, -n ...): blank- and newline-separated,
    with ``'...'``, ``"..."`` and backslash quoting. ``echo -k 3000/tcp | xargs fuser`` runs ``fuser -k 3000/tcp``.
    None where xargs would refuse the input (an unmatched quote)."""
    words: list[str] = []
    current: list[str] | None = None
    i = 0
    while i < len(text):
        if text[i] in " \t\n":
            if current is not None:
                words.append("".join(current))
                current = None
            i += 1
            continue
        m = _XARGS_TOKEN.match(text, i)
        if m is None:
            return None  # an unmatched quote, or a backslash at the very end
        token = m.group()
        piece = token[1:-1] if token[0] in "'\"" else token[1:] if token[0] == "\\" else token
        current = [*(current or []), piece]
        i = m.end()
    if current is not None:
        words.append("".join(current))
    return words
