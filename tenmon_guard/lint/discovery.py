"""Which files to lint: shell scripts by extension or ``#!`` line, under the paths given, minus exclusions.

Files named on the command line are linted unless they are plainly something else (binary, another interpreter's
``#!``, another shell): pre-commit already filtered them, and a person who names a file means it. Directory walks
take only what looks like sh/bash. Scripts for shells the guard does not read (zsh, fish) are skipped with a note
rather than silently, so nobody believes they were checked.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field

from tenmon_guard.frozen import record
from tenmon_guard.lint.globs import matches, matches_with_parents
from tenmon_guard.lint.shebang import (
    OTHER_EXTENSIONS,
    OTHER_SHELLS,
    SH_FAMILY,
    SHELL_EXTENSIONS,
    interpreter,
    is_binary,
)

HEAD_BYTES = 8192
# directories a walk never enters: version control, dependency caches, virtualenvs
SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".bzr", "node_modules", ".venv", ".tox", ".nox", "__pycache__", ".mypy_cache"}
)


@record
class Note:
    """Something a person should know about a path that is not a finding (a skipped zsh script)."""

    path: str
    message: str


@record
class Discovery:
    files: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()
    errors: tuple[Note, ...] = ()


@dataclass
class _Collector:
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    root: str | None = None  # the repository root (absolute), which exclude globs may be relative to
    shell_only: bool = False  # files named are taken as a directory walk takes files
    files: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    errors: list[Note] = field(default_factory=list)
    seen: set[tuple[int, int]] = field(default_factory=set)

    def result(self) -> Discovery:
        return Discovery(tuple(self.files), tuple(self.notes), tuple(self.errors))


def discover(
    paths: Sequence[str],
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    root: str | None = None,
    *,
    shell_only: bool = False,
) -> Discovery:
    """The shell files under ``paths`` in a stable order, with notes on skipped files and errors on bad paths.
    ``root``: the repository root, for exclude globs written relative to it. ``shell_only``: a file named is
    linted only if a directory walk would lint it (pre-commit's hook hands over every file: its own file types
    know a ``#!`` line only in an executable file, and not ``env -i bash``, busybox or mksh)."""
    found = _Collector(tuple(include), tuple(exclude), os.path.abspath(root) if root is not None else None, shell_only)
    for path in paths:
        try:
            info = os.stat(path)
        except OSError as error:
            found.errors.append(Note(path, _reason(error)))
            continue
        if stat.S_ISDIR(info.st_mode):
            _walk(found, path)
        elif not stat.S_ISREG(info.st_mode):
            found.errors.append(Note(_display(path), "not a regular file"))  # a FIFO would block the read
        elif not _excluded(found, path, os.path.basename(path)):
            _consider(found, path, info, explicit=not found.shell_only)
    return found.result()


def _walk(found: _Collector, root: str) -> None:
    def on_error(error: OSError) -> None:
        found.errors.append(Note(_display(error.filename or root), _reason(error)))

    for directory, subdirs, names in os.walk(root, onerror=on_error):
        relative_dir = os.path.relpath(directory, root)
        subdirs[:] = sorted(
            d
            for d in subdirs
            if d not in SKIP_DIRS and not _excluded(found, os.path.join(directory, d), _join(relative_dir, d))
        )
        for name in sorted(names):
            path = os.path.join(directory, name)
            if _excluded(found, path, _join(relative_dir, name)):
                continue
            try:
                info = os.lstat(path)
            except OSError as error:
                found.errors.append(Note(_display(path), _reason(error)))
                continue
            if stat.S_ISREG(info.st_mode):  # symlinks are linted where they point, if that is in the tree
                _consider(found, path, info, explicit=False)


def _join(relative_dir: str, name: str) -> str:
    return name if relative_dir == "." else f"{relative_dir}/{name}"


def _excluded(found: _Collector, path: str, relative: str) -> bool:
    """Exclude globs are tried on the path relative to the argument, as displayed and relative to the repository
    root: never on the directories above those, which they are not about (``--exclude build`` excluded every
    file of a repository checked out under /home/ci/build/, and the run passed with 0 files)."""
    if not found.exclude:
        return False
    return any(matches_with_parents(form, found.exclude) for form in _exclude_forms(found, path, relative))


def _exclude_forms(found: _Collector, path: str, relative: str) -> list[str]:
    forms = [relative]
    display = _display(path)
    if _below(display):
        forms.append(display)
    if found.root is not None:
        inside = os.path.relpath(os.path.abspath(path), found.root)
        if _below(inside):
            forms.append(inside)
    return forms


def _below(path: str) -> bool:
    """Whether a path is relative and does not climb out of the directory it is relative to."""
    return not os.path.isabs(path) and path != ".." and not path.startswith("../")


def _display(path: str) -> str:
    return path[2:] if path.startswith("./") else path


def _consider(found: _Collector, path: str, info: os.stat_result, *, explicit: bool) -> None:
    key = (info.st_dev, info.st_ino)
    if key in found.seen:
        return
    verdict = classify(path, explicit=explicit, include=found.include, executable=bool(info.st_mode & 0o111))
    if isinstance(verdict, OSError):
        found.errors.append(Note(_display(path), _reason(verdict)))
        return
    kind, note = verdict
    if note:
        found.notes.append(Note(_display(path), note))
    if kind == "shell":
        found.seen.add(key)
        found.files.append(_display(path))


def classify(
    path: str, *, explicit: bool, include: tuple[str, ...] = (), executable: bool = True
) -> tuple[str, str | None] | OSError:
    """("shell", None) to lint, ("skip", note-or-None) otherwise; the OSError if the file cannot be read."""
    name = os.path.basename(path)
    extension = os.path.splitext(name)[1].lower()
    if not explicit and not executable and not _maybe_shell(extension, name, path, include):
        return "skip", None  # nothing but a #! line could make it a script: read only its first bytes
    try:
        head = _head(path)
    except OSError as error:
        return error
    if is_binary(head, extension):
        return "skip", "skipped: binary file" if explicit or extension in SHELL_EXTENSIONS else None
    first_line = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    shell = interpreter(first_line)
    if shell in OTHER_SHELLS or (shell is None and extension in OTHER_EXTENSIONS):
        return "skip", f"skipped: {shell or OTHER_EXTENSIONS[extension]} script (tenmon-guard reads sh and bash)"
    if shell in SH_FAMILY or (shell is None and extension in SHELL_EXTENSIONS):
        return "shell", None
    if include and (matches(_display(path), include) or matches(name, include)):
        return "shell", None
    if explicit and shell is None:
        return "shell", None
    if explicit or extension in SHELL_EXTENSIONS:  # a deploy.sh run as ``sh deploy.sh`` whatever its #! says
        return "skip", f"skipped: not a shell script (#! names {shell})"
    return "skip", None


def _maybe_shell(extension: str, name: str, path: str, include: tuple[str, ...]) -> bool:
    """Whether a walked, non-executable file is worth opening: a shell extension, an include glob, no extension
    or a packaging-script extension. Everything else (``.py``, ``.md``, ``.png``) is never opened."""
    if extension in SHELL_EXTENSIONS or extension in OTHER_EXTENSIONS or not extension:
        return True
    if include and (matches(_display(path), include) or matches(name, include)):
        return True
    return extension in _SCRIPTISH_EXTENSIONS


# extensions under which #! scripts are commonly found (everything else with an extension is not opened)
_SCRIPTISH_EXTENSIONS = frozenset(
    {".postinst", ".preinst", ".postrm", ".prerm", ".config", ".cron", ".hook", ".in", ".init", ".command", ".run"}
)


def _head(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(HEAD_BYTES)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)
