"""A script's ``#!`` line, read once as Linux reads it: the builder, the sudo door and the linter each used to read
it their own way (one took a NUL byte or a carriage return as part of the name, one split the whole line into words
where the kernel passes one argument), so the same file could be run by one interpreter and judged as another's."""

from __future__ import annotations

import os

from tenmon_guard.frozen import record

_BLANKS = " \t"
# env's options that take the next word as their value (skipped to find the command env runs)
_ENV_OPTIONS_WITH_ARGUMENT = frozenset({"-u", "--unset", "-C", "--chdir", "-a", "--argv0", "-P"})


@record
class HashBang:
    """``#!INTERPRETER [ARGUMENT]``: the interpreter is the first word after ``#!`` (blanks and tabs before it
    skipped), the argument the rest of the line without the blanks around it, one word whatever it holds
    (``#!/usr/bin/env -S python3 -u`` gives env the single word ``-S python3 -u``)."""

    interpreter: str
    argument: str | None

    @property
    def words(self) -> list[str]:
        """What the kernel runs before the script's path: the interpreter, and its argument when there is one."""
        return [self.interpreter] if self.argument is None else [self.interpreter, self.argument]


def read_hashbang(text: str) -> HashBang | None:
    """The ``#!`` line at the start of ``text`` as the kernel reads it (binfmt_script): it ends at a newline or,
    read as a C string, at a NUL byte (``#!/bin/sh<NUL>`` runs /bin/sh); only blanks and tabs separate (a carriage
    return is part of the name, and such a file does not run). None without ``#!`` or with nothing after it."""
    if not text.startswith("#!"):
        return None
    line = text[2:].split("\n", 1)[0].partition("\0")[0].strip(_BLANKS)
    end = next((i for i, c in enumerate(line) if c in _BLANKS), len(line))
    if end == 0:
        return None
    argument = line[end:].strip(_BLANKS)
    return HashBang(line[:end], argument or None)


def program_name(text: str) -> str | None:
    """The program that runs a script, as a bare name (``sh``, ``python3``): the interpreter the ``#!`` line
    names, or the command ``env`` or ``busybox`` is given to run there. None without a ``#!`` line."""
    bang = read_hashbang(text)
    if bang is None:
        return None
    name = os.path.basename(bang.interpreter)
    words = bang.argument.split() if bang.argument else []
    if name == "env":
        name = _after_env(words)
    elif name == "busybox" and words:
        name = words[0]
    return name or None


def _after_env(words: list[str]) -> str:
    """The command ``env`` runs: its options skipped (``-S`` may be glued to its string) and NAME=VALUE words. The
    line's argument is split as ``env -S`` splits it: without -S, env looks for a program named by the whole
    argument, which no file is; the script was still written for the first word's program."""
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":
            i += 1
            break
        if word.startswith("-S") and len(word) > 2:
            return os.path.basename(word[2:])
        if word.startswith("--split-string="):
            return os.path.basename(word.partition("=")[2])
        if word in _ENV_OPTIONS_WITH_ARGUMENT:
            i += 2
            continue
        if word.startswith("-") or ("=" in word and not word.startswith("=")):
            i += 1
            continue
        break
    return os.path.basename(words[i]) if i < len(words) else ""
