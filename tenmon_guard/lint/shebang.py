"""Which interpreter a ``#!`` line names, seeing through ``env`` and its options (``env -S bash -e``)."""

from __future__ import annotations

import os
import re

# shells whose scripts the guard reads (their grammar is sh/bash's) and shells it does not
SH_FAMILY = frozenset({"sh", "bash", "dash", "ash", "ksh", "mksh", "pdksh", "posh", "rbash"})
OTHER_SHELLS = frozenset({"zsh", "fish", "csh", "tcsh", "rc", "es", "nu", "elvish", "xonsh", "pwsh"})
SHELL_EXTENSIONS = {".sh": "sh", ".bash": "bash", ".ksh": "ksh", ".dash": "dash"}
OTHER_EXTENSIONS = {".zsh": "zsh", ".fish": "fish", ".csh": "csh", ".tcsh": "tcsh"}

_ENV_OPTIONS_WITH_ARGUMENT = frozenset({"-u", "--unset", "-C", "--chdir", "-P", "--default-signal"})
_VERSION_SUFFIX = re.compile(r"[-.\d]+\Z")


def interpreter(first_line: str) -> str | None:
    """The interpreter's name (``bash``, ``python``) from a script's first line, or None without a ``#!``."""
    if not first_line.startswith("#!"):
        return None
    words = first_line[2:].strip().split()
    if not words:
        return None
    name = os.path.basename(words[0])
    if name == "env":
        name = _after_env(words[1:])
    elif name == "busybox" and len(words) > 1:
        name = words[1]
    return _VERSION_SUFFIX.sub("", name) if name else None


def _after_env(words: list[str]) -> str:
    """The command ``env`` runs: skip its options (``-S`` may be glued to its string) and NAME=VALUE words."""
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
