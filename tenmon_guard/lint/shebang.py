"""Which shell a file is written for, to the linter: by its ``#!`` line (see :mod:`tenmon_guard.hashbang`), else
by its extension; and whether it is a binary file a shell would refuse."""

from __future__ import annotations

import os
import re

from tenmon_guard.hashbang import program_name

# shells whose scripts the guard reads (their grammar is sh/bash's) and shells it does not
SH_FAMILY = frozenset({"sh", "bash", "dash", "ash", "ksh", "mksh", "pdksh", "posh", "rbash"})
OTHER_SHELLS = frozenset({"zsh", "fish", "csh", "tcsh", "rc", "es", "nu", "elvish", "xonsh", "pwsh"})
SHELL_EXTENSIONS = {".sh": "sh", ".bash": "bash", ".ksh": "ksh", ".dash": "dash"}
OTHER_EXTENSIONS = {".zsh": "zsh", ".fish": "fish", ".csh": "csh", ".tcsh": "tcsh"}

_VERSION_SUFFIX = re.compile(r"[-.\d]+\Z")


def interpreter(first_line: str) -> str | None:
    """The interpreter's name (``bash``, ``python``, its version dropped) from a script's first line, or None
    without a ``#!``. A UTF-8 byte order mark before ``#!`` makes the kernel refuse the file, and the shell that
    asked runs it itself (bash and dash do, and so does ``execvp``), so the line still says which shell it was
    written for. So does a line ending in a carriage return (a file saved with CRLF): the kernel looks for
    ``bash\r`` and fails, but ``bash deploy.sh`` runs the file all the same (a ``pkill node; `` line in it ran)."""
    name = program_name(first_line.removeprefix("\ufeff").removesuffix("\r"))
    return _VERSION_SUFFIX.sub("", name) or None if name else None


def script_shell(text: str, path: str) -> str | None:
    """The shell a script is written for: the one its ``#!`` line names, else the one its extension names
    (``lib.bash``, sourced, has none), else None. The linter tells the engine, so that a bash script's ``(( ))``
    is read as bash reads it."""
    if text.startswith("#!") or text.startswith("\ufeff#!"):
        return interpreter(text.split("\n", 1)[0])
    return SHELL_EXTENSIONS.get(os.path.splitext(path)[1])


BASH_SAMPLE_BYTES = 80  # what bash looks at before it calls a file binary


def is_binary(head: bytes, extension: str) -> bool:
    """Whether a file is binary, not a script with stray NUL bytes. Shells drop NUL bytes as they read a script
    (``ec<NUL>ho hi`` runs echo; the guard drops them too), so a NUL alone must not make the linter skip a file a
    shell runs. dash runs any file; bash refuses only an ELF file or one with a NUL in its first line (its first
    two after ``#!``) within the first 80 bytes. A file that claims to be a sh or bash script (by extension or
    ``#!``) is therefore always read; any other file is binary when bash would refuse it."""
    if b"\0" not in head:
        return False
    if extension in SHELL_EXTENSIONS or interpreter(head.split(b"\n", 1)[0].decode("utf-8", "replace")) in SH_FAMILY:
        return False
    if head.startswith(b"\x7fELF"):
        return True
    lines = 2 if head.startswith(b"#!") else 1
    sample = head[:BASH_SAMPLE_BYTES]
    newline = -1
    for _ in range(lines):
        newline = sample.find(b"\n", newline + 1)
        if newline < 0:
            break
    return b"\0" in (sample if newline < 0 else sample[:newline])
