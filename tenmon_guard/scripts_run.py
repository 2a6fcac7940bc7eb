"""Script files a command line runs, read from disk: a door's second look at what the line hands to a shell.

An agent writes a file with its file tool in one call (a path no rule protects: allowed) and runs it with its
shell tool in the next (``bash /tmp/fix.sh``). The engine reads a script the line itself writes; one already on
disk is only a name to it, so ``pkill node`` inside ran unjudged. A door that runs on this machine, just before the
command, can read each script file the line runs (a shell given a script operand, or reading one on its stdin:
``bash < FILE``, ``cat FILE | sh``; a file run by its path whose ``#!`` names a shell or that has none; ``source
FILE``) and judge its text as the linter does: with the working
directory the line runs it in and the words it runs with as ``$0``, ``$1``... What such a script runs in turn is
read too, a few levels deep.

The same goes for the shell text a command runs from its project: the ``package.json`` scripts ``npm test``,
``npm run NAME`` (and pnpm's, yarn's, bun's) run with their ``pre``/``post`` scripts, and the hooks of the git
repository a ``git`` command works in (``.git/hooks/pre-commit`` at ``git commit``): an agent writes those with its
file tool just as well. Any git command may reach a hook (``reference-transaction`` runs at every ref update,
``post-index-change`` at every index write), so every hook git would run is read for each.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from tenmon_guard.effects import listed_subcommand
from tenmon_guard.hashbang import read_hashbang
from tenmon_guard.knowledge import CommandSpec
from tenmon_guard.model import Invocation
from tenmon_guard.options import ParsedArgs, parse_args, value_text

if TYPE_CHECKING:
    from tenmon_guard.engine import Context, Guard
    from tenmon_guard.knowledge import Knowledge
    from tenmon_guard.verdict import Finding

MAX_SCRIPT_BYTES = 1 << 20  # a larger file is not read here (the line's own verdict stands)
MAX_DEPTH = 3  # scripts run by scripts run by the line
_SHELLS = frozenset({"sh", "bash", "dash", "rbash", "ksh", "mksh", "zsh", "busybox"})
_NOT_A_SCRIPT = frozenset("csi")  # options by which a shell reads no script file (-c TEXT, stdin, interactive)
_LONG_WITH_VALUE = frozenset({"--rcfile", "--init-file"})
NOT_KNOWN = -1  # see script_index
_SOURCING = frozenset({".", "source"})


def script_findings(guard: Guard, text: str, context: Context, depth: int = 0) -> list[Finding]:
    """The findings in the text of each script file ``text`` runs that is on disk, judged in ``context`` (where the
    line runs, the door it runs through), as the linter judges a script. Files the line itself writes are left to
    the engine, which judges what was written."""
    found: list[Finding] = []
    if depth >= MAX_DEPTH:
        return found
    seen: set[tuple[str, tuple[str | None, ...] | None]] = set()
    for model in guard.models(text, context):
        written = {r.path for inv in model.invocations for r in inv.redirects if r.path is not None and r.writes}
        for path, arguments, cwd in _runs(model.invocations):
            if (path, arguments) in seen or path in written:
                continue
            seen.add((path, arguments))
            script = _read(path)
            if script is None:
                continue
            inner = replace(context, cwd=cwd, script_path=path, arguments=arguments, dirstack_known=True)
            named = [*guard.check(script, inner).findings, *script_findings(guard, script, inner, depth + 1)]
            found.extend(replace(f, message=f"(in the script {path}) {f.message}") for f in named)
        for label, script, cwd in _project_texts(model.invocations, guard.knowledge):
            if (label, None) in seen:
                continue
            seen.add((label, None))
            inner = replace(context, cwd=cwd, script_path=None, arguments=None, dirstack_known=True)
            named = [*guard.check(script, inner).findings, *script_findings(guard, script, inner, depth + 1)]
            found.extend(replace(f, message=f"(in {label}) {f.message}") for f in named)
    return found


def _project_texts(invocations: Sequence[Invocation], knowledge: Knowledge) -> list[tuple[str, str, str | None]]:
    """(what it is, its text, the directory it runs in) for each piece of shell text a package manager or git runs
    from the project the line works in (knowledge: ``project_scripts`` with ``script_subcommands`` and its kin,
    ``hook_names``)."""
    out: list[tuple[str, str, str | None]] = []
    for inv in invocations:
        spec = knowledge.specs.get(inv.name or "")
        if spec is None:
            continue
        if "package.json" in (spec.extra.get("project_scripts") or {}) and "lifecycle_scripts" in spec.extra:
            out.extend(_package_scripts(inv, spec))
        elif spec.list("hook_names"):
            out.extend(_git_hooks(inv, spec))
    return out


def _package_scripts(inv: Invocation, spec: CommandSpec) -> list[tuple[str, str, str | None]]:
    """The package.json scripts a package manager's command runs (``npm test``: pretest, test, posttest)."""
    args = parse_args(inv.args, spec.options)
    if args.unknown_options or any(w.value is None for w in args.operands[:2]):
        return []  # (a word not known: the engine says it cannot tell)
    directory = _directory(inv.cwd, args, spec.list("chdir_options"))
    listed = listed_subcommand(spec, args)
    if directory is None or listed is None:
        return []
    subcommand, taken = listed
    operands = [w.value or "" for w in args.operands[taken:]]
    by_subcommand: dict[str, str] = spec.extra.get("script_subcommands") or {}
    if subcommand in spec.list("script_operand_subcommands"):
        names = operands[:1]
    elif subcommand in by_subcommand:
        names = [by_subcommand[subcommand]]
    elif subcommand in spec.list("lifecycle_subcommands"):
        names = [] if operands else list(spec.list("lifecycle_scripts"))  # (installing the project itself)
    elif subcommand not in spec.list("subcommands"):
        names = [subcommand]  # (scripts_by_name: yarn NAME)
    else:
        names = []
    if subcommand not in spec.list("lifecycle_subcommands"):  # (a script runs with its pre and post scripts)
        names = [n for name in names for n in (f"pre{name}", name, f"post{name}")]
    where = os.path.join(directory, "package.json")
    scripts = _scripts_of(where) if names else {}
    return [(f"the {where} script {n}", scripts[n], directory) for n in dict.fromkeys(names) if n in scripts]


def _directory(cwd: str | None, args: ParsedArgs, options: Sequence[str]) -> str | None:
    """Where a command works: its cwd, or where its chdir options (``npm --prefix DIR``, ``git -C DIR``: each
    taken from the one before) send it; None when one is not known."""
    directory = cwd
    for value in args.values(*options):
        text = value_text(value)
        directory = _absolute(text, directory) if text is not None and directory is not None else None
    return directory


def _scripts_of(path: str) -> dict[str, str]:
    """The ``scripts`` of a package.json (none when it cannot be read as one)."""
    text = _read(path)
    try:
        scripts = json.loads(text).get("scripts") if text is not None else None
    except (ValueError, AttributeError):
        return {}
    if not isinstance(scripts, dict):
        return {}
    return {k: v for k, v in scripts.items() if isinstance(k, str) and isinstance(v, str)}


def _git_hooks(inv: Invocation, spec: CommandSpec) -> list[tuple[str, str, str | None]]:
    """The hooks of the repository a git command works in (``git -C DIR``, else its cwd, and the directories
    above it), that git would run: executable shell scripts named as hooks (``hook_names``), in .git/hooks or where
    the repository's core.hooksPath points."""
    args = parse_args(inv.args, spec.options, stop_at_first_operand=True)  # (git's own options)
    directory = None if args.unknown_options else _directory(inv.cwd, args, ("-C",))
    git_dir = _git_dir(directory) if directory is not None else None
    if git_dir is None:
        return []
    hooks = _hooks_path(git_dir) or os.path.join(_common_dir(git_dir), "hooks")
    try:
        names = sorted(os.listdir(hooks))
    except OSError:
        return []
    out: list[tuple[str, str, str | None]] = []
    for name in names:
        path = os.path.join(hooks, name)
        if name not in spec.list("hook_names") or not os.access(path, os.X_OK) or not _runs_as_shell_script(path):
            continue  # (git runs an executable hook only; one in another language is a program to the door)
        text = _read(path)
        if text is not None:
            out.append((f"the git hook {path}", text, directory))
    return out


def _git_dir(directory: str) -> str | None:
    """The git directory of the repository ``directory`` is in: a ``.git`` directory, or the one a ``.git`` file
    names (``gitdir: PATH``: a worktree, a submodule), found from ``directory`` up."""
    here = directory
    while True:
        candidate = os.path.join(here, ".git")
        if os.path.isdir(candidate):
            return candidate
        if os.path.isfile(candidate):
            text = _read(candidate, 4096) or ""
            if text.startswith("gitdir:"):
                return _absolute(text[len("gitdir:") :].strip(), here)
            return None
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def _common_dir(git_dir: str) -> str:
    """Where a worktree's hooks and config are: the main repository's git directory (its ``commondir`` file)."""
    common = (_read(os.path.join(git_dir, "commondir"), 4096) or "").strip()
    return os.path.normpath(os.path.join(git_dir, common)) if common else git_dir


def _hooks_path(git_dir: str) -> str | None:
    """The repository's own ``core.hooksPath`` (its config file; a relative path is taken from the work tree)."""
    text = _read(os.path.join(_common_dir(git_dir), "config"), 65536) or ""
    section = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped.strip("[]").strip().lower()
            continue
        key, eq, value = stripped.partition("=")
        if eq and section == "core" and key.strip().lower() == "hookspath":
            value = os.path.expanduser(value.strip().strip('"'))
            return _absolute(value, os.path.dirname(git_dir)) if value else None
    return None


def _runs(invocations: Sequence[Invocation]) -> list[tuple[str, tuple[str | None, ...] | None, str | None]]:
    """(the script's absolute path, the words it runs with from ``$0`` on (None: those of the shell that sources
    it, not known), the cwd it runs in) for each invocation that runs a script file."""
    out: list[tuple[str, tuple[str | None, ...] | None, str | None]] = []
    for inv in invocations:
        head = inv.argv[0].value if inv.argv else None
        if head is None:
            continue
        values = [w.value for w in inv.args]
        if inv.name in _SOURCING:
            operand = values[1] if values[:1] == ["--"] else values[0] if values else None
            path = _absolute(operand, inv.cwd) if operand is not None and "/" in operand else None
            if path is not None:
                out.append((path, None, inv.cwd))
        elif inv.name in _SHELLS:
            found = _script_operand(values, inv.cwd)
            if found is not None:
                out.append((found[0], found[1], inv.cwd))
            elif not any(v is not None and v.startswith("-") and "c" in v for v in values):
                # (no script operand: the shell reads its stdin, ``bash < FILE`` or ``cat FILE | bash``)
                out.extend((path, None, inv.cwd) for path in _stdin_files(inv, invocations))
        elif "/" in head:
            path = _absolute(head, inv.cwd)
            if path is not None and _runs_as_shell_script(path):
                out.append((path, (head, *values), inv.cwd))
    return out


def _stdin_files(inv: Invocation, invocations: Sequence[Invocation]) -> list[str]:
    """The files a shell reads its commands from on stdin: a ``<`` redirection's, or those ``cat`` (with no
    options) prints into the pipe."""
    given = [r.path for r in inv.redirects if r.op == "<" and r.fd in (None, 0) and r.path is not None]
    if given:
        return given[-1:]
    feeding = [invocations[i] for i in inv.stdin_producers if i < len(invocations)]
    if len(feeding) != 1 or feeding[0].name != "cat":
        return []
    cat = feeding[0]
    files = [w.value for w in cat.args]
    if not files or any(f is None or f.startswith("-") for f in files):
        return []
    return [p for p in (_absolute(f or "", cat.cwd) for f in files) if p is not None]


def script_index(args: Sequence[str | None]) -> int | None:
    """Where, among a shell's words after its name, is the script file it runs: its index (the word there may be
    not known); None when it reads none (``-c``, ``-s``, ``-i``, nothing after the options); NOT_KNOWN when a word
    not known statically stands where that is decided. A lone ``-`` ends the options as ``--`` does (bash and
    dash; ``#!/bin/sh -``)."""
    index = 0
    while index < len(args):
        word = args[index]
        if word is None:
            return NOT_KNOWN
        if word in ("--", "-"):
            index += 1
            break
        if word.startswith("--"):
            index += 2 if word in _LONG_WITH_VALUE else 1
            continue
        if len(word) > 1 and word[0] in "-+":
            if set(word[1:]) & _NOT_A_SCRIPT:
                return None
            index += 2 if set(word[1:]) & {"o", "O"} else 1
            continue
        break
    return index if index < len(args) else None


def _script_operand(args: list[str | None], cwd: str | None) -> tuple[str, tuple[str | None, ...]] | None:
    """The script a shell given ``args`` runs, and its words from ``$0`` on; None when it reads no script file or
    a word that decides is not known (the engine already says it cannot tell)."""
    index = script_index(args)
    if index is None or index == NOT_KNOWN or args[index] is None:
        return None
    path = _absolute(args[index] or "", cwd)
    return (path, tuple(args[index:])) if path is not None else None


def _absolute(path: str, cwd: str | None) -> str | None:
    if path.startswith("/"):
        return os.path.normpath(path)
    return os.path.normpath(os.path.join(cwd, path)) if cwd is not None else None


def _runs_as_shell_script(path: str) -> bool:
    """Is ``path`` a file that runs as shell text: a ``#!`` line naming a shell (directly or through env), or no
    ``#!`` and no machine code (execve refuses it; the shell that runs it then reads it as a script)?"""
    head = _read(path, 256)
    if head is None or head.startswith("\x7fELF"):
        return False
    bang = read_hashbang(head)
    if bang is None:
        return not head.startswith("#!")
    return any(os.path.basename(word) in _SHELLS for word in bang.words[:3])


def _read(path: str, limit: int = MAX_SCRIPT_BYTES) -> str | None:
    """The text of a regular file, up to ``limit`` bytes; None when it is not one, cannot be read, or (a whole
    script) is larger than MAX_SCRIPT_BYTES: the line's own verdict then stands."""
    try:
        data = read_regular(path, limit + 1 if limit == MAX_SCRIPT_BYTES else limit)
    except OSError:
        return None
    if data is None or len(data) > MAX_SCRIPT_BYTES:
        return None
    return data.decode("utf-8", "surrogateescape")


def read_regular(path: str, size: int) -> bytes | None:
    """Up to ``size`` bytes of ``path``; None when it is not a regular file (OSError when it cannot be read).
    Opened without blocking: a FIFO named as a command or script must not hang the door."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks: list[bytes] = []
        while size > 0:
            chunk = os.read(fd, size)
            if not chunk:
                break
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
