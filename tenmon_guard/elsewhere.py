"""Text that runs later or elsewhere, written in a language of its own: cron tables and the files cron runs, the
subcommands of terminal multiplexers and the keys they type into a shell.

The builder judges what they run as shell text; this module only reads the languages, from text to the commands
in it, so that what they are is said in one place. What each command is (``installed_files`` of ``crontab``,
``multiplexers`` in ``data/commands.yaml``) is knowledge data.
"""

from __future__ import annotations

import functools
import posixpath
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from tenmon_guard.frozen import record
from tenmon_guard.knowledge import CommandSpec, Knowledge, OptionSpec

CRON_TIME_FIELDS = 5
SCRIPT = "script"
CRON_TABLE = "cron_table"
SYSTEM_CRON_TABLE = "system_cron_table"  # a table whose lines name a user after the time fields (/etc/crontab)


@record
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


# The home directory of a user on another host, which the guard does not know: no rule protects it. A path that
# climbs out of it with .. lands one level below, at the root: what it reaches there it reaches from any real home.
UNKNOWN_HOME = "/~"
REMOTE, LOCAL = "r", "l"


@record
class BatchStep:
    """One command of a file-transfer batch (sftp -b): ``how`` it is judged, ``[COMMAND, SIDE...]`` from the
    knowledge base (COMMAND the shell command that does the same, ``cd`` for a change of directory), with its
    ``arguments`` as written; or ``shell``, text the local shell runs (``!CMD``)."""

    how: tuple[str, ...] = ()
    arguments: str = ""
    shell: str | None = None


def batch_steps(batch: str, spec: CommandSpec) -> list[BatchStep]:
    """The steps of a batch in ``spec``'s language (``batch_commands``, ``shell_escape``, ``shell_commands``,
    ``pipe_prefix``: an operand so marked is a command run in the local shell, as ftp's ``get FILE "|CMD"``). A
    line may start with ``-`` (go on after an error) or ``@`` (no echo); ``#`` starts a comment; a command the
    knowledge base does not list reads or lists (ls, pwd, df): none is a step."""
    commands = spec.extra.get("batch_commands") or {}
    shell_commands = spec.extra.get("shell_commands") or {}
    escape = str(spec.extra.get("shell_escape") or "")
    pipe = str(spec.extra.get("pipe_prefix") or "")
    steps: list[BatchStep] = []
    for raw in batch.splitlines():
        line = raw.strip()
        for mark in ("-", "@"):
            line = line[1:].lstrip() if line.startswith(mark) else line
        if not line or line.startswith("#"):
            continue
        if escape and line.startswith(escape):
            steps.append(BatchStep(shell=line[len(escape) :]))
            continue
        # sftp finds the command without regard to case (RM, Put) and splits the line at spaces or tabs
        first, *more = line.split(None, 1)
        name, rest = first.lower(), more[0] if more else ""
        if name in shell_commands:
            steps.append(BatchStep(shell=str(shell_commands[name]) + rest.strip()))
        elif name in commands:
            how = tuple(str(s) for s in commands[name])
            words = batch_words(rest) if pipe and pipe in rest else None
            if words is not None and any(w.startswith(pipe) for w in words):
                # (ftp's get FILE "|CMD" gives CMD the file on its stdin, put "|CMD" FILE sends what CMD prints:
                # CMD runs in the local shell, and no local file is read or written: /dev/null stands for it)
                steps.extend(BatchStep(shell=w[len(pipe) :]) for w in words if w.startswith(pipe))
                rest = shlex.join("/dev/null" if w.startswith(pipe) else w for w in words)
            steps.append(BatchStep(how=how, arguments=rest))
    return steps


def batch_words(arguments: str) -> list[str] | None:
    """A batch command's words, quoted as in the shell (sftp's own reader); None for an unclosed quote."""
    try:
        return shlex.split(arguments, posix=True)
    except ValueError:
        return None


_T = TypeVar("_T")


def placed(how: Sequence[str], words: Sequence[_T], text: Callable[[_T], str | None], here: _T) -> list[tuple[str, _T]]:
    """Each word of a batch command with its side: ``o`` for an option (they come first), then the operands with
    the sides ``how`` lists (``r`` remote, ``l`` local, ``-`` neither; the last repeats). Of two operands, one left
    out is the directory of its side (``put FILE``: the remote one), given as ``here``."""
    sides = list(how[1:]) or ["-"]
    options = [w for w in words if (text(w) or "").startswith("-")]
    operands = [w for w in words if not (text(w) or "").startswith("-")]
    out = [("o", w) for w in options] + [(sides[min(i, len(sides) - 1)], w) for i, w in enumerate(operands)]
    if len(sides) == 2 and len(operands) == 1:
        out.append((sides[1], here))
    return out


def remote_path_named(target: str | None) -> str | None:
    """The path a file-transfer target names, as written (``host:PATH``, ``sftp://host/PATH``); None without one."""
    if target is None:
        return None
    if target.startswith("sftp://"):
        return target[len("sftp://") :].partition("/")[2] or None
    after = target.partition("]")[2] if target.startswith("[") else target  # ([::1]:DIR: a host by IPv6 address)
    return after.partition(":")[2] or None


def remote_directory(target: str | None) -> str | None:
    """The directory a file-transfer target starts in: ``[user@]host:DIR`` or ``sftp://[user@]host[:port]/DIR``;
    :data:`UNKNOWN_HOME` without one (or under it, for a relative DIR); None when the target is not known."""
    if target is None:
        return None
    if target.startswith("sftp://"):
        _, slash, path = target[len("sftp://") :].partition("/")
        return "/" + path if slash else UNKNOWN_HOME
    named = remote_path_named(target)
    if named is None:
        return UNKNOWN_HOME
    return named if named.startswith("/") else posixpath.join(UNKNOWN_HOME, named)


@record
class InstalledFiles:
    """The files whose text runs later (``installed_files`` in the knowledge base): path patterns, each with what
    the file holds and the command whose entry lists it; ``heads``: what every pattern starts with (a quick test);
    ``mentioned``: a search for any head inside a word (one pass where a word against each head took hundreds of
    substring tests a check)."""

    patterns: tuple[tuple[str, str, CommandSpec], ...]
    heads: tuple[str, ...]
    mentioned: re.Pattern[str]


def installed_files(knowledge: Knowledge) -> InstalledFiles:
    """Every ``installed_files`` entry of the knowledge base (read once per knowledge base)."""
    cached = _INSTALLED.get(id(knowledge))
    if cached is None:
        patterns = tuple(
            (str(pattern), str(kind), spec)
            for spec in knowledge.specs.values()
            for pattern, kind in (spec.extra.get("installed_files") or {}).items()
        )
        heads = tuple(p.partition("*")[0] for p, _, _ in patterns)
        mentioned = re.compile("|".join(re.escape(h) for h in sorted(set(heads), key=len, reverse=True)) or "(?!)")
        cached = InstalledFiles(patterns, heads, mentioned)
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
        elif "*" in tail:
            if _components(pattern).fullmatch(path):
                return kind, owner
        elif _one_component(path, head, tail):
            return kind, owner
    return None


@functools.lru_cache(maxsize=64)
def _components(pattern: str) -> re.Pattern[str]:
    """A pattern with several ``*`` (``/etc/systemd/system/*/*.conf``), each one path component, as a regex."""
    return re.compile("[^/]+".join(re.escape(piece) for piece in pattern.split("*")))


SYSTEMD_UNIT = "systemd_unit"
LOGROTATE_CONFIG = "logrotate_config"
_LOGROTATE_SCRIPTS = frozenset({"prerotate", "postrotate", "firstaction", "lastaction", "preremove"})


TMPFILES_CONFIG = "tmpfiles_config"


def tmpfiles_paths(text: str) -> list[str | None]:
    """The paths a tmpfiles.d config acts on (``TYPE PATH MODE USER GROUP AGE ARG``: every type creates, writes,
    empties, removes or changes its PATH but x and X, which only exclude it from cleaning); None for a path with a
    specifier (``%h``), not known here. Comments and blank lines give none."""
    out: list[str | None] = []
    for raw in text.splitlines():
        fields = raw.split()
        if len(fields) < 2 or fields[0].startswith("#") or fields[0].rstrip("!-=~^+") in ("x", "X"):
            continue
        out.append(None if "%" in fields[1] else fields[1])
    return out


def logrotate_scripts(text: str) -> list[str]:
    """The scripts a logrotate config runs through /bin/sh: the lines between ``postrotate`` (prerotate,
    firstaction, lastaction, preremove) and ``endscript``, each script as one text (one not ended: to the end)."""
    scripts: list[str] = []
    lines: list[str] | None = None
    for raw in text.splitlines():
        word = raw.strip()
        if lines is None:
            if word in _LOGROTATE_SCRIPTS:
                lines = []
        elif word == "endscript":
            scripts.append("\n".join(lines))
            lines = None
        else:
            lines.append(raw)
    if lines:
        scripts.append("\n".join(lines))
    return [s for s in scripts if s.strip()]


def logrotate_paths(text: str) -> list[str | None]:
    """The log files a logrotate config rotates: the patterns (globs, quoted or not) before each block's ``{``.
    Rotating one renames it away (NAME.1), truncates it (copytruncate) or removes it (rotate 0); None for a header
    not read here (an unbalanced quote). Scripts are inside blocks, skipped with them."""
    import shlex

    found: list[str | None] = []
    header: list[str] = []
    depth = 0
    script = False
    for raw in text.splitlines():
        line = "" if raw.lstrip().startswith("#") else raw
        if script or (depth and line.strip() in _LOGROTATE_SCRIPTS):
            script = line.strip() != "endscript"
            continue
        if depth:
            depth = max(depth - line.count("}"), 0)
            continue
        before, brace, _ = line.partition("{")
        header.append(before)
        if not brace:
            continue
        depth = 0 if "}" in line.partition("{")[2] else 1
        try:
            found.extend(shlex.split(" ".join(header)))
        except ValueError:
            found.append(None)
        header = []
    return found


_OLDDIR = re.compile(r"\s*olddir\s+(\S+)")


def logrotate_olddirs(text: str) -> list[str]:
    """The directories a logrotate config moves rotated logs into (``olddir DIR``, in a block or before them; a
    relative DIR is under the directory of each log rotated: logrotate(8)), each as an absolute path when the logs'
    own are; scripts are skipped."""
    given: list[str] = []
    script = False
    for raw in text.splitlines():
        line = raw.strip()
        if script or line in _LOGROTATE_SCRIPTS:
            script = line != "endscript"
            continue
        found = _OLDDIR.match(line.partition("{")[2] if "{" in line else line)
        if found is not None:
            given.append(found.group(1).strip("'\""))
    logs = [p for p in logrotate_paths(text) if p is not None and p.startswith("/")]
    out: list[str] = []
    for directory in given:
        if directory.startswith("/"):
            out.append(directory)
        else:
            out.extend(posixpath.join(posixpath.dirname(p), directory) for p in logs)
    return out


# a unit's settings whose values are command lines systemd runs (ExecStart=, ExecStop=, ExecReload= ...), after the
# characters that may prefix one (- @ : + ! |)
_EXEC_LINE = re.compile(r"^[ \t]*Exec[A-Za-z]*[ \t]*=[ \t]*[-@:+!|]*(.*)$", re.MULTILINE)


def unit_commands(text: str) -> list[str]:
    """The command lines a systemd unit (or a drop-in of one) runs: each ``Exec...=`` setting's value, its
    prefixes removed (a line ending in a backslash goes on). systemd splits them itself (quotes, $VAR): read here
    as shell words, which gives the same program and arguments where it matters (``ExecStop=/usr/bin/pkill -9
    node``, ``ExecStart=/bin/sh -c 'CMD'``)."""
    joined = text.replace("\\\n", " ")
    return [m.group(1).strip() for m in _EXEC_LINE.finditer(joined) if m.group(1).strip()]


_UNIT_SETTING = re.compile(r"^[ \t]*(?!Exec)([A-Za-z][A-Za-z0-9]*)[ \t]*=[ \t]*(.*?)[ \t]*$", re.MULTILINE)


def unit_settings(text: str) -> list[str]:
    """The other settings of a systemd unit (or drop-in) as ``Key=Value``: those systemctl set-property UNIT
    Key=Value would give it at run time (``KillSignal=SIGKILL``, ``MemoryMax=1``), judged the same."""
    joined = text.replace("\\\n", " ")
    return [f"{m.group(1)}={m.group(2)}" for m in _UNIT_SETTING.finditer(joined)]


def unit_environment(settings: Sequence[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """What a unit's settings (:func:`unit_settings`) put in its processes' environment: the assignments of each
    ``Environment=`` (``Environment="NODE_OPTIONS=--require /tmp/x.js" A=1``: split as systemd does, at blanks
    outside quotes), and the files each ``EnvironmentFile=`` reads its assignments from (a leading ``-`` only makes
    the file optional)."""
    assigned: list[tuple[str, str]] = []
    files: list[str] = []
    for setting in settings:
        key, _, value = setting.partition("=")
        if key == "EnvironmentFile" and value.lstrip("-"):
            files.append(value.lstrip("-"))
        elif key == "Environment":
            try:
                words = shlex.split(value)
            except ValueError:
                words = value.split()
            assigned += [(n, v) for n, eq, v in (w.partition("=") for w in words) if eq and n]
    return assigned, files


def environment_file(text: str) -> list[tuple[str, str]]:
    """The assignments of an environment file (systemd's EnvironmentFile=, KEY=VALUE lines, ``export`` allowed,
    a value's quotes removed); comments and other lines give none."""
    out: list[tuple[str, str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        line = line[len("export ") :].lstrip() if line.startswith("export ") else line
        name, eq, value = line.partition("=")
        if eq and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name.strip()):
            value = value.strip()
            if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            out.append((name.strip(), value))
    return out


def line_commands(text: str, pattern: str) -> list[str]:
    """The command lines of a config whose lines that run a command ``pattern`` describes (knowledge
    ``installed_formats`` ``lines``, its group ``command``): anacrontab's ``PERIOD DELAY ID COMMAND``, modprobe.d's
    ``install MODULE COMMAND``. A line ending in a backslash goes on; comment lines give none."""
    found = re.compile(pattern)
    commands = []
    for line in text.replace("\\\n", " ").splitlines():
        match = None if line.lstrip().startswith("#") else found.match(line)
        if match is not None and match.group("command").strip():
            commands.append(match.group("command").strip())
    return commands


def manager_defaults(text: str, prefix: str) -> str:
    """systemd's manager config (system.conf and its drop-ins) as the unit settings it gives every unit:
    ``DefaultLimitCPU=1`` is each unit's ``LimitCPU=1`` (those of ``prefix``; its other settings are none)."""
    return "\n".join(s[len(prefix) :] for s in unit_settings(text) if s.startswith(prefix) and len(s) > len(prefix))


def unit_of(path: str) -> str | None:
    """The unit a unit file or drop-in at ``path`` configures: /etc/systemd/system/NAME.service, or a drop-in in
    NAME.service.d/. None when it is not one unit: a drop-in for every unit of a type (service.d/) or for those
    whose name starts with a prefix (tenmon-.service.d/), or a file of no unit type."""
    parent, name = posixpath.split(path)
    folder = posixpath.basename(parent)
    if folder.endswith(".d"):
        name = folder[:-2]
    stem, dot, kind = name.rpartition(".")
    if not dot or not stem or stem.endswith("-") or not kind.isalpha():
        return None
    return name


APT_CONFIG = "apt_config"
UDEV_RULES = "udev_rules"

# apt.conf(5): a quoted value, a scope's braces, the ; that ends a setting, a key; comments (// to the end of the
# line, /* ... */, and # lines: #include and #clear are directives, read as comments here) between them
_APT_TOKEN = re.compile(r'"(?P<value>[^"]*)"|//[^\n]*|/\*.*?\*/|#[^\n]*|(?P<mark>[{};])|(?P<key>[^\s{};"]+)', re.DOTALL)


def apt_settings(text: str) -> list[str]:
    """An apt config's settings as the ``-o`` values that give them for one run: ``DPkg::Post-Invoke
    {"CMD";};`` and ``DPkg { Post-Invoke { "CMD"; }; };`` are ``DPkg::Post-Invoke::=CMD`` (a list item: ``::``
    appends), ``APT::Get::Assume-Yes "true";`` is ``APT::Get::Assume-Yes=true``. A file it includes is not read."""
    out: list[str] = []
    scopes: list[str] = []
    key: str | None = None
    for token in _APT_TOKEN.finditer(text):
        value, mark, word = token.group("value"), token.group("mark"), token.group("key")
        if word is not None:
            key = word
        elif value is not None:
            out.append("::".join([*scopes, key]) + f"={value}" if key else "::".join(scopes) + f"::={value}")
            key = None
        elif mark == "{":
            scopes.append(key or "")
            key = None
        elif mark is not None:
            if mark == "}" and scopes:
                scopes.pop()
            key = None
    return [s.lstrip(":") for s in out]


# udev rules: the programs a rule runs (RUN{program}+=, RUN=, PROGRAM=, IMPORT{program}=), as udev(7) names them;
# RUN{builtin} and IMPORT{builtin}/{file}/{db} run none
_UDEV_PROGRAM = re.compile(r'(?:\bRUN(?:\{program\})?|\bPROGRAM|\bIMPORT\{program\})\s*\+?:?=\s*"([^"]*)"')


def udev_commands(text: str) -> list[str]:
    """The command lines udev runs for the rules of ``text`` (at the next event, ``udevadm trigger``): split at
    blanks by udev itself (read as shell words here, which gives the same program and arguments), a relative name
    found in /usr/lib/udev. Comment lines give none; a line ending in a backslash goes on."""
    joined = text.replace("\\\n", " ")
    return [
        m.group(1).strip()
        for line in joined.splitlines()
        if not line.lstrip().startswith("#")
        for m in _UDEV_PROGRAM.finditer(line)
        if m.group(1).strip()
    ]


_INI_SECTION = re.compile(r'\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]\s*(.*)$')
_INI_SETTING = re.compile(r"\s*([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$")


def config_settings(text: str, form: str) -> list[str]:
    """The settings of a config file as the option values they stand for: ``lines`` (ssh_config: each line
    ``Key value`` is ``-o 'Key value'``), ``ini`` (gitconfig: ``pager = less`` under ``[core]`` is ``-c
    core.pager=less``; ``[remote "o"]`` is remote.o; a value's quotes and a trailing comment are kept as they are,
    which a key's shell text then reads with them), ``apt`` (apt.conf: see :func:`apt_settings`). Comments and
    blank lines give none."""
    if form == "apt":
        return apt_settings(text)
    out: list[str] = []
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if form in ("lines", "options"):
            out.append(line)
            continue
        header = _INI_SECTION.match(line)
        if header is not None:
            section = header.group(1).lower() + (f".{header.group(2)}" if header.group(2) is not None else "")
            line = header.group(3).strip()
            if not line:
                continue
        setting = _INI_SETTING.match(line)
        if setting is not None and section:
            out.append(f"{section}.{setting.group(1)}={_ini_value(setting.group(2) or 'true')}")
    return out


def _ini_value(raw: str) -> str:
    """A gitconfig value as git reads it: double quotes removed (what they hold kept whole), \\" \\\\ \\n \\t undone,
    a # or ; outside quotes starting a comment."""
    out: list[str] = []
    quoted = False
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == "\\" and i + 1 < len(raw):
            out.append({"n": "\n", "t": "\t"}.get(raw[i + 1], raw[i + 1]))
            i += 2
            continue
        if c == '"':
            quoted = not quoted
        elif c in "#;" and not quoted:
            break
        else:
            out.append(c)
        i += 1
    return "".join(out).strip()


def _one_component(path: str, head: str, tail: str) -> bool:
    """Is path head, then one path component (not empty), then tail?"""
    if not (path.startswith(head) and path.endswith(tail) and len(path) > len(head) + len(tail)):
        return False
    return "/" not in path[len(head) : len(path) - len(tail)]


@record
class Subcommand:
    """One subcommand of a multiplexer (``tmux new-session``), as ``multiplexers`` in the knowledge base says."""

    name: str
    entry: Mapping[str, Any]
    options: OptionSpec

    def list(self, key: str) -> tuple[str, ...]:
        return tuple(str(v) for v in self.entry.get(key, ()) or ())


def subcommands(spec: CommandSpec, word: str | None) -> list[Subcommand]:
    """The subcommands a word names: the one of that name, else each it is a prefix of (tmux takes ``new-w`` for
    ``new-window``; a prefix of several is refused by tmux, and read here as each of them)."""
    table = spec.extra.get("subcommands") or {}
    if word is None or not word or word.startswith("-"):
        return []
    names = [word] if word in table else [n for n in table if n.startswith(word)]
    return [_subcommand(spec.name, n, table[n]) for n in names]


@functools.lru_cache(maxsize=256)
def _options_of(command: str, name: str, with_value: tuple[str, ...]) -> OptionSpec:
    return OptionSpec(with_value=frozenset(with_value))


def _subcommand(command: str, name: str, entry: Mapping[str, Any]) -> Subcommand:
    with_value = tuple(str(o) for o in entry.get("options_with_value", ()) or ())
    return Subcommand(name, entry, _options_of(command, name, with_value))


def own_command_lines(text: str | None, separator: str) -> list[list[str]] | None:
    """A multiplexer's command line in its own language (tmux's: words quoted as in the shell, ``;`` between
    commands), as the words of each command; None when it is not known or not read."""
    if text is None:
        return None
    try:
        words = shlex.split(text, comments=False, posix=True)
    except ValueError:
        return None
    lines: list[list[str]] = [[]]
    for word in words:
        ends = word.endswith(separator) and not word.endswith("\\" + separator)
        word = word[: -len(separator)] if ends else word
        if word:
            lines[-1].append(word)
        if ends:
            lines.append([])
    return [line for line in lines if line]


def readline_shell_binding(value: str) -> str | None:
    """The shell command of ``bind -x 'KEYSEQ: COMMAND'`` (bash's bind_keyseq_to_unix_command): after the key
    sequence (quoted, or a key name) and the colon, the rest of the value, or what a quote around it holds; None
    when there is no command."""
    at = _after_keyseq(value)
    if at is None:
        return None
    rest = value[at:]
    if rest[:1] in ("'", '"'):
        close = _closing_quote(rest, 1, rest[0])
        return rest[1:close]
    return rest or None


def readline_macro(line: str) -> str | None:
    """The text a readline binding line types (``"\\C-m": "TEXT"``, ``Control-o: 'TEXT'``: a macro), escapes
    decoded; None for a binding to a function (``"\\e[A": history-search-backward``), a ``set`` line, a
    conditional."""
    stripped = line.strip()
    if not stripped or stripped.startswith(("set ", "$", "#")):
        return None
    at = _after_keyseq(stripped)
    if at is None or stripped[at : at + 1] not in ("'", '"'):
        return None
    close = _closing_quote(stripped, at + 1, stripped[at])
    return readline_decoded(stripped[at + 1 : close])


def _after_keyseq(line: str) -> int | None:
    """Where a binding's value starts: after the key sequence (``"\\C-m"`` or a key name), the colon and blanks."""
    if line.startswith('"'):
        end = _closing_quote(line, 1, '"') + 1
    else:
        end = line.find(":")
        if end < 0:
            return None
    colon = line.find(":", end)
    if colon < 0:
        return None
    at = colon + 1
    while at < len(line) and line[at] in " \t":
        at += 1
    return at


def _closing_quote(text: str, start: int, quote: str) -> int:
    """The index of the quote that closes one opened before ``start`` (a backslash escapes); the end if none."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            return i
        i += 1
    return len(text)


_READLINE_SIMPLE = {"a": "\a", "b": "\b", "d": "\x7f", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
                    "v": "\v", "\\": "\\", '"': '"', "'": "'"}  # fmt: skip


def readline_decoded(text: str) -> str:
    """A readline macro's text as the keys it types: ``\\C-x`` (control), ``\\M-x`` (escape, then x), ``\\e``,
    ``\\n``, ``\\nnn`` (octal), ``\\xHH`` (hex) and the other backslash escapes of readline."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] != "\\" or i + 1 >= len(text):
            out.append(text[i])
            i += 1
            continue
        nxt = text[i + 1]
        if nxt in "CM" and text.startswith("-", i + 2) and i + 3 < len(text):
            out.append(_readline_key(nxt, text[i + 3]))
            i += 4
        elif nxt in _READLINE_SIMPLE:
            out.append(_READLINE_SIMPLE[nxt])
            i += 2
        elif nxt in "01234567":
            digits = re.match(r"[0-7]{1,3}", text[i + 1 :])
            assert digits is not None
            out.append(chr(int(digits.group(), 8)))
            i += 1 + len(digits.group())
        elif nxt == "x" and re.match(r"[0-9A-Fa-f]", text[i + 2 : i + 3]):
            digits = re.match(r"[0-9A-Fa-f]{1,2}", text[i + 2 :])
            assert digits is not None
            out.append(chr(int(digits.group(), 16)))
            i += 2 + len(digits.group())
        else:
            out.append(nxt)
            i += 2
    return "".join(out)


def _readline_key(modifier: str, key: str) -> str:
    r"""``\C-x`` (a control character; ``\C-?`` is delete) and ``\M-x`` (escape, then x)."""
    if modifier == "M":
        return "\x1b" + key
    return "\x7f" if key == "?" else chr(ord(key.upper()) & 0x1F)


def typed_lines(
    keys: Sequence[str | None], entry: Mapping[str, Any], literal: bool, waiting: str | None = ""
) -> tuple[list[str | None], str | None]:
    """The lines a shell runs when ``keys`` are typed into it (tmux send-keys, screen stuff) after the text
    ``waiting`` in it: each line an end (an enter key, a newline, ``^M``) follows, None for one the guard cannot
    know (a key not known statically, a control key); and the text typed after the last end, left waiting in the
    shell (this command does not run it; a later enter does)."""
    typing = _typing(entry)
    lines: list[str | None] = []
    line: list[str] | None = None if waiting is None else [waiting]
    text_only = literal or entry.get("types") == "text"
    for key in keys:
        if key is None:
            line = None
        elif not text_only and key in typing.enter_keys:
            lines.append(None if line is None else "".join(line))
            line = []
        elif not text_only and key in typing.reset_keys:
            line = []
        elif not text_only and key in typing.space_keys:
            line = None if line is None else [*line, " "]
        elif not text_only and typing.key_names is not None and typing.key_names.match(key):
            line = None
        else:
            line = _typed_text(key, typing, lines, line)
    return lines, None if line is None else "".join(line)


def _typed_text(text: str, typing: _Typing, lines: list[str | None], line: list[str] | None) -> list[str] | None:
    """Type ``text`` after ``line``: each line end in it runs the line (appended to ``lines``); what is left is
    the line being typed."""
    start = 0
    for found in typing.sequences.finditer(text) if typing.sequences is not None else ():
        if line is not None:
            line = [*line, text[start : found.start()]]
        if found.lastgroup == "end":
            lines.append(None if line is None else "".join(line))
            line = []
        elif found.lastgroup == "reset":
            line = []
        else:
            line = None
        start = found.end()
    return None if line is None else [*line, text[start:]]


@record
class _Typing:
    enter_keys: frozenset[str]
    reset_keys: frozenset[str]
    space_keys: frozenset[str]
    key_names: re.Pattern[str] | None
    sequences: re.Pattern[str] | None  # groups end, reset, control


def _typing(entry: Mapping[str, Any]) -> _Typing:
    def names(key: str) -> tuple[str, ...]:
        return tuple(str(v) for v in entry.get(key, ()) or ())

    return _compiled_typing(
        names("enter_keys"),
        names("reset_keys"),
        names("space_keys"),
        str(entry.get("key_names") or ""),
        names("line_ends"),
        names("reset_sequences"),
        str(entry.get("control_sequences") or ""),
    )


@functools.lru_cache(maxsize=16)
def _compiled_typing(
    enter: tuple[str, ...],
    reset: tuple[str, ...],
    space: tuple[str, ...],
    key_names: str,
    ends: tuple[str, ...],
    resets: tuple[str, ...],
    control: str,
) -> _Typing:
    groups = [
        f"(?P<{name}>{'|'.join(re.escape(s) for s in sorted(found, key=len, reverse=True))})"
        for name, found in (("end", ends), ("reset", resets))
        if found
    ]
    if control:
        groups.append(f"(?P<control>{control})")
    return _Typing(
        frozenset(enter),
        frozenset(reset),
        frozenset(space),
        re.compile(key_names) if key_names else None,
        re.compile("|".join(groups)) if groups else None,
    )
