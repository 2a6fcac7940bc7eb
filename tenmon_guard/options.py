"""GNU-style option parsing over model words, driven by a command's :class:`OptionSpec`.

Rules ask "is ``-k`` given?"; this answers it the same way for ``-k``, ``-km``, ``-vk``, ``--kill`` and
``--signal=9``, so no rule ever compares raw strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tenmon_guard.frozen import fill_fields_directly
from tenmon_guard.knowledge import OptionSpec
from tenmon_guard.model import Word


@dataclass(frozen=True)
class Option:
    """One option as given: ``name`` (``-k``, ``--kill``), its value word if it takes one, the word it came from."""

    name: str
    value: Word | str | None
    word: Word


@dataclass(frozen=True)
class ParsedArgs:
    options: tuple[Option, ...]
    operands: tuple[Word, ...]
    # option-looking words that are not known statically (``-$X``): they could be anything
    unknown_options: tuple[Word, ...] = ()
    # how many operands came before ``--`` (None: no ``--``): those after it are never options
    before_dashes: int | None = None

    @property
    def optional_operands(self) -> tuple[Word, ...]:
        """The operands where an option could still have been (before ``--``)."""
        count = self.before_dashes
        return self.operands if count is None else self.operands[:count]

    def has(self, *names: str) -> bool:
        return any(o.name in names for o in self.options)

    def values(self, *names: str) -> list[Word | str]:
        return [o.value for o in self.options if o.name in names and o.value is not None]


def parse_args(
    words: Sequence[Word],
    spec: OptionSpec,
    *,
    stop_at_first_operand: bool = False,
    dash_special: frozenset[str] = frozenset(),
    negative_operands: bool = False,
) -> ParsedArgs:
    """Split words into options and operands. ``stop_at_first_operand`` is for wrappers (``sudo -u x cmd -rf``:
    options after ``cmd`` are cmd's). Words in ``dash_special`` (e.g. ``-9`` for kill) are returned as options
    with their own text as name. ``negative_operands``: ``-1234`` and ``-$(...)`` are operands (kill's process
    groups), not options."""
    options: list[Option] = []
    operands: list[Word] = []
    unknown: list[Word] = []
    dashes: int | None = None
    i, n = 0, len(words)
    if spec.old_style and words and words[0].value and not words[0].value.startswith("-"):
        i = _old_style_bundle(words, spec, options)
    while i < n:
        word = words[i]
        text = word.value
        if text is None:
            prefix = word.literal_prefix
            if prefix.startswith("--") and "=" in prefix:
                options.extend(_long_option_valued(word, prefix, spec))  # --pid=$(pidof node): a known name
                i += 1
                continue
            if prefix.startswith("-") and not operands and not (negative_operands and prefix == "-"):
                unknown.append(word)
                i += 1
                continue
            if stop_at_first_operand:
                operands.extend(words[i:])
                break
            operands.append(word)
            i += 1
            continue
        if text == "--":
            dashes = len(operands)
            operands.extend(words[i + 1 :])
            break
        if negative_operands and len(text) > 1 and text[0] == "-" and text[1:].isdigit() and text not in dash_special:
            operands.append(word)
            i += 1
            continue
        if text in dash_special:
            options.append(Option(text, None, word))
            i += 1
            continue
        if text.startswith("--") and len(text) > 2:
            following = words[i + 1] if i + 1 < n else None
            given, took_next = _long_options(word, text, following, spec)
            options.extend(given)
            i += 2 if took_next else 1
            continue
        attached = _attached_whole(text, spec) if spec.attached_whole else None
        if attached is not None:  # (zip -TT=CMD)
            options.append(Option(attached[0], attached[1], word))
            i += 1
            continue
        if len(text) > 2 and text[0] == "-" and (spec.takes_value(text) or spec.single_dash or text in spec.whole):
            # a one-dash long option the spec names whole (find -fprint FILE, xxd -cols N), or any option of a
            # command that has no bundles (ip -all): not a bundle of letters
            valued = spec.takes_value(text)
            options.append(Option(text, words[i + 1] if valued and i + 1 < n else None, word))
            i += 2 if valued else 1
            continue
        if text.startswith("-") and len(text) > 1:
            j = 1
            while j < len(text):
                name = "-" + text[j]
                if spec.value_attached_only(name):
                    options.append(Option(name, text[j + 1 :] or None, word))
                    break
                if spec.takes_value(name):
                    rest = text[j + 1 :]
                    if rest:
                        options.append(Option(name, rest, word))
                    elif i + 1 < n:
                        options.append(Option(name, words[i + 1], word))
                        i += 1
                    else:
                        options.append(Option(name, None, word))
                    break
                options.append(Option(name, None, word))
                j += 1
            i += 1
            continue
        if stop_at_first_operand:
            operands.extend(words[i:])
            break
        operands.append(word)
        i += 1
    return ParsedArgs(tuple(options), tuple(operands), tuple(unknown), dashes)


def _attached_whole(text: str, spec: OptionSpec) -> tuple[str, str] | None:
    """``-TT=CMD``, ``-TTCMD``: a one-dash option of several letters that takes a value, with its value attached
    (after an = or not), for a command whose parser reads it so (``attached_whole``); the longest name wins."""
    if len(text) < 3 or text[0] != "-" or text[1] == "-" or spec.takes_value(text):
        return None
    names = [n for n in spec.with_value if len(n) > 2 and n[1] != "-" and text.startswith(n)]
    if not names:
        return None
    name = max(names, key=len)
    return name, text[len(name) :].removeprefix("=")


def _old_style_bundle(words: Sequence[Word], spec: OptionSpec, options: list[Option]) -> int:
    """``tar xfC ARCHIVE DIR``: each letter of the first word is an option, and those that take a value take the
    words after the bundle in order. Returns the index of the first word left."""
    word = words[0]
    following = 1
    for letter in word.value or "":
        name = "-" + letter
        if spec.takes_value(name) and following < len(words):
            options.append(Option(name, words[following], word))
            following += 1
        else:
            options.append(Option(name, None, word))
    return following


def _long_options(word: Word, text: str, following: Word | None, spec: OptionSpec) -> tuple[list[Option], bool]:
    """``--name``, ``--name=value`` or ``--name VALUE``, with ``name`` resolved as the command's parser resolves it
    (getopt_long prefixes). An ambiguous prefix gives every option it could be, and takes the next word only if
    all of them would: the tool refuses it, and the guard sees whatever any reading would do. Returns the options
    and whether the next word was their value."""
    name, eq, value = text.partition("=")
    names = spec.long_option(name)
    if eq:
        return [Option(known, value, word) for known in names], False
    if following is not None and all(spec.takes_value(known) for known in names):
        return [Option(known, following, word) for known in names], True
    return [Option(known, None, word) for known in names], False


def _long_option_valued(word: Word, prefix: str, spec: OptionSpec) -> list[Option]:
    """``--name=VALUE`` where VALUE is not known statically: the option (resolved as ``_long_options`` does) is
    known, and its value is the rest of the word."""
    name = prefix.partition("=")[0]
    value = word.without_prefix(len(name) + 1)
    return [Option(known, value, word) for known in spec.long_option(name)]


def value_text(value: Word | str | None) -> str | None:
    """The static text of an option value, None when unknown."""
    if value is None or isinstance(value, str):
        return value
    return value.value


fill_fields_directly(Option, ParsedArgs)
