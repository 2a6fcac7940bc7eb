"""Text that runs later or elsewhere, written in a language of its own: cron tables and the files cron runs.

The builder judges what they run as shell text; this module only reads the languages, from text to the commands
in it, so that what they are is said in one place. What each command is (``installed_files`` of ``crontab`` in
``data/commands.yaml``) is knowledge data.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from tenmon_guard.knowledge import CommandSpec, Knowledge

CRON_TIME_FIELDS = 5
SCRIPT = "script"
CRON_TABLE = "cron_table"
SYSTEM_CRON_TABLE = "system_cron_table"  # a table whose lines name a user after the time fields (/etc/crontab)


@dataclass(frozen=True)
class CronJob:
    """One line of a cron table: the ``command`` the shell runs, the text cron gives it on stdin (after a ``%``),
    and the ``shell`` the table's ``SHELL=`` line names (None: sh)."""

    command: str
    stdin: str | None
    shell: str | None


_ENVIRONMENT_LINE = re.compile(r"\s*(?:\"[^\"]*\"|'[^']*'|[^\s=]+)\s*=")
_FIELD = re.compile(r"\S+")


def cron_jobs(table: str, user_field: bool) -> list[CronJob]:
    """The jobs of a cron table. A line is a comment (``#``), a ``NAME=VALUE`` setting, or a job: five time fields
    (or one ``@reboot``-style keyword), the user in the system's tables (``user_field``), then the command. A line
    cron would refuse (too few fields) is left out: it runs nothing."""
    jobs: list[CronJob] = []
    shell: str | None = None
    for line in table.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _ENVIRONMENT_LINE.match(line) is not None:
            name, _, value = stripped.partition("=")
            if name.strip().strip("'\"") == "SHELL":
                shell = value.strip().strip("'\"")
            continue
        command = _after_fields(stripped, (1 if stripped.startswith("@") else CRON_TIME_FIELDS) + int(user_field))
        if command is not None:
            text, stdin = _percent_split(command)
            jobs.append(CronJob(text, stdin, shell))
    return jobs


def _after_fields(line: str, count: int) -> str | None:
    """The rest of ``line`` after ``count`` blank-separated fields; None when it has no more than that."""
    position = 0
    for _ in range(count):
        field = _FIELD.search(line, position)
        if field is None:
            return None
        position = field.end()
    rest = line[position:].strip()
    return rest or None


def _percent_split(command: str) -> tuple[str, str | None]:
    """cron's ``%``: the first one not escaped ends the command, the text after it is the command's stdin, with
    each further ``%`` a newline (``bash%pkill node`` runs bash reading ``pkill node``); ``\\%`` is a ``%``."""
    out: list[str] = []
    i = 0
    while i < len(command):
        ch = command[i]
        if ch == "\\" and command.startswith("%", i + 1):
            out.append("%")
            i += 2
            continue
        if ch == "%":
            rest = command[i + 1 :].replace("%", "\n")
            return "".join(out), rest + "\n"
        out.append(ch)
        i += 1
    return "".join(out), None


def interpreter(script: str) -> str | None:
    """The program a script's ``#!`` line names (through ``env``), as a bare name; None without one."""
    if not script.startswith("#!"):
        return None
    words = script[2:].split("\n", 1)[0].split()
    if words and posixpath.basename(words[0]) == "env":
        words = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
    return posixpath.basename(words[0]) if words else None


@dataclass(frozen=True)
class InstalledFiles:
    """The files whose text runs later (``installed_files`` in the knowledge base): path patterns, each with what
    the file holds and the command whose entry lists it; ``heads``: what every pattern starts with (a quick test)."""

    patterns: tuple[tuple[str, str, CommandSpec], ...]
    heads: tuple[str, ...]


def installed_files(knowledge: Knowledge) -> InstalledFiles:
    """Every ``installed_files`` entry of the knowledge base (read once per knowledge base)."""
    cached = _INSTALLED.get(id(knowledge))
    if cached is None:
        patterns = tuple(
            (str(pattern), str(kind), spec)
            for spec in knowledge.specs.values()
            for pattern, kind in (spec.extra.get("installed_files") or {}).items()
        )
        cached = InstalledFiles(patterns, tuple(p.partition("*")[0] for p, _, _ in patterns))
        _INSTALLED[id(knowledge)] = cached
    return cached


_INSTALLED: dict[int, InstalledFiles] = {}


def installed_kind(path: str, files: InstalledFiles) -> tuple[str, CommandSpec] | None:
    """What the file at ``path`` (absolute, normalised) holds when cron runs it, a table or a script, and the
    command whose entry says so; None for any other file. A ``*`` stands for one path component."""
    if not files.heads or not path.startswith(files.heads):
        return None
    for pattern, kind, owner in files.patterns:
        head, star, tail = pattern.partition("*")
        if not star:
            if path == pattern:
                return kind, owner
        elif _one_component(path, head, tail):
            return kind, owner
    return None


def _one_component(path: str, head: str, tail: str) -> bool:
    """Is path head, then one path component (not empty), then tail?"""
    if not (path.startswith(head) and path.endswith(tail) and len(path) > len(head) + len(tail)):
        return False
    return "/" not in path[len(head) : len(path) - len(tail)]
