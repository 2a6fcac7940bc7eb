"""``tenmon-guard exec -- ARGV...``: the sudo door. Check ARGV as the one command it is, then run exactly it.

Admins reach root only through this door (the sudoers snippet grants ``tenmon-guard-exec`` and nothing else), so
this module runs as root on behalf of someone else. Everything here follows from that:

- Policies come only from files root owns and only root can write: ``--policy``, ``--var`` and
  ``$TENMON_GUARD_POLICY`` count only when the real user is root (no ``SUDO_UID`` of someone else). The door's
  own rules (root shells, editors, pagers, interpreters: ``policies/doors/sudo.yaml``) are loaded on top.
- The command is found with a fixed PATH, then resolved component by component to its real file: ``sh`` is judged
  as ``sh`` *and* as ``dash``, and when running as root every directory, symlink and file on the way must be root's
  and writable only by root, since otherwise what was checked is not what would run.
- A shell running a script file is judged by the script's text (which must be root's too); a ``#!`` file is judged
  as its interpreter running it.
- Fail closed: a policy that does not load, a command that cannot be found or read, an error in the checker: nothing
  runs, the reason is printed, the exit code is 126 (127: command not found).
- What runs is exactly what was checked: ``os.execve`` of the resolved file with the same argv and the environment
  sudo gave us, untouched. The process is replaced, so exit codes, stdin/stdout/stderr and signals are the
  command's own. Every decision is audited (door ``sudo``; the audit record carries ``SUDO_USER``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shlex
import stat
import sys
from collections.abc import Mapping, Sequence
from dataclasses import field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from tenmon_guard.cli_common import HelpFormatter, add_policy_arguments, parse_vars
from tenmon_guard.errors import PolicyError, TenmonGuardError
from tenmon_guard.frozen import record
from tenmon_guard.hashbang import read_hashbang

if TYPE_CHECKING:
    from tenmon_guard.engine import Context, Guard
    from tenmon_guard.knowledge import CommandSpec
    from tenmon_guard.verdict import Finding, Verdict

DOOR = "sudo"
FIXED_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
DEFAULT_CONFIG_DIR = "/etc/tenmon-guard"
POLICY_SUBDIR = "policies.d"
DOOR_POLICY_SUBDIR = "sudo-door.d"
EXIT_REFUSED = 126
EXIT_NOT_FOUND = 127
MAX_SCRIPT_BYTES = 1024 * 1024
MAX_SYMLINKS = 40
ON_ERROR = EXIT_REFUSED  # main.py: a door that must fail closed with its own code

# bash/dash/zsh options that make a shell read commands from somewhere other than a script file operand
_ELF_MAGIC = b"\x7fELF"
_ENOEXEC_SHELL = "/bin/sh"  # what execvp runs a file without #! with (glibc, musl)


class Refusal(TenmonGuardError):
    """The door will not run the command, for a reason that is not a policy rule (not found, untrusted file...)."""

    def __init__(self, message: str, code: int = EXIT_REFUSED, rule: str = "sudo-door") -> None:
        super().__init__(message)
        self.code = code
        self.rule = rule


@record
class DoorConfig:
    """Where the door reads its trusted configuration. The generated launcher bakes these in (it is root's file);
    ``tenmon-guard exec`` uses the defaults."""

    config_dir: str = DEFAULT_CONFIG_DIR
    audit_log: str | None = None

    @property
    def policy_dir(self) -> Path:
        return Path(self.config_dir) / POLICY_SUBDIR

    @property
    def door_policy_dir(self) -> Path:
        return Path(self.config_dir) / DOOR_POLICY_SUBDIR


@record
class Invoker:
    """Who asked. ``trusted``: the real user is root (not root by way of sudo for someone else), so their
    ``--policy``/``--var``/environment may choose the policy. ``privileged``: we run with euid 0."""

    trusted: bool
    privileged: bool
    sudo_user: str | None

    @classmethod
    def current(cls, environ: Mapping[str, str]) -> Invoker:
        sudo_uid = environ.get("SUDO_UID", "")
        trusted = os.getuid() == 0 and sudo_uid in ("", "0")
        return cls(trusted=trusted, privileged=os.geteuid() == 0, sudo_user=environ.get("SUDO_USER") or None)


@record
class Plan:
    """What the door decided to run: the file to exec, the argv to give it, and the verdict that allowed it."""

    path: str
    argv: tuple[str, ...]
    verdict: Verdict
    notes: tuple[str, ...] = field(default=())


# ----------------------------------------------------------------------------------------------------------------
# CLI


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_policy_arguments(parser)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- ARGV...: the command to check and run")


def run(args: argparse.Namespace) -> int:
    return execute(list(args.command), args.policy, args.var, DoorConfig())


def launcher_main(argv: Sequence[str], *, config_dir: str, audit_log: str | None = None) -> int:
    """Entry point of the launcher ``tenmon-guard install`` writes (``#!PYTHON -ISB``). Refuses to work unless the
    interpreter runs isolated, so a launcher edited to drop ``-I`` fails closed instead of importing from
    $PYTHONPATH as root."""
    config = DoorConfig(config_dir=config_dir, audit_log=audit_log)
    try:
        if not sys.flags.isolated:
            raise Refusal("the launcher must run Python isolated (python3 -I); reinstall with tenmon-guard install")
        sys.dont_write_bytecode = True
        parser = _Parser(
            prog="tenmon-guard-exec",
            description="the sudo door: check ARGV, then run exactly it",
            formatter_class=HelpFormatter,
        )
        add_arguments(parser)
        args = parser.parse_args(list(argv))
    except (Refusal, TenmonGuardError) as error:
        _say(str(error))
        _audit_error(list(argv), str(error), config, Invoker.current(os.environ))
        return EXIT_REFUSED
    return execute(list(args.command), args.policy, args.var, config)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise TenmonGuardError(f"{self.prog}: {message}")


# ----------------------------------------------------------------------------------------------------------------
# The door


def execute(
    command: Sequence[str],
    policy_paths: Sequence[str],
    variables: Sequence[str],
    config: DoorConfig,
    *,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Check ``command`` and exec it, or say why not and return the exit code. Returns only when nothing runs."""
    exec_env = dict(os.environ if environ is None else environ)  # handed to the command untouched
    argv = list(command[1:] if command[:1] == ["--"] else command)
    invoker = Invoker.current(exec_env)
    _pin_audit_log(invoker, config)
    try:
        plan = prepare(argv, policy_paths, variables, config, invoker, exec_env)
    except Refusal as error:
        _say(str(error))
        _audit(argv, "block", [error.rule], str(error), None, invoker)
        return error.code
    except PolicyError as error:
        for message in error.messages:
            _say(message)
        _say("nothing was run: the policy could not be loaded")
        _audit_error(argv, "; ".join(error.messages), config, invoker)
        return EXIT_REFUSED
    except Exception as error:  # fail closed, one line, never a traceback
        reason = f"internal error: {type(error).__name__}: {error}"
        _say(f"{reason}; nothing was run")
        _audit_error(argv, reason, config, invoker)
        return EXIT_REFUSED
    return _act(plan, argv, invoker, exec_env)


def _act(plan: Plan, argv: list[str], invoker: Invoker, exec_env: dict[str, str]) -> int:
    from tenmon_guard.formatters.text import render_verdict
    from tenmon_guard.verdict import Decision

    verdict = plan.verdict
    rules = sorted({f.rule for f in verdict.findings})
    reason = verdict.findings[0].message if verdict.findings else None
    for note in plan.notes:
        _say(note)
    if verdict.decision == Decision.BLOCK:
        print(render_verdict(verdict), file=sys.stderr)
        _say(f"refused under sudo; nothing was run (exit {EXIT_REFUSED})")
        _audit(argv, "block", rules, reason, plan.path, invoker)
        return EXIT_REFUSED
    if verdict.decision == Decision.WARN:
        print(render_verdict(verdict), file=sys.stderr)
    _audit(argv, verdict.decision.label, rules, reason, plan.path, invoker)
    return _exec(plan, exec_env, invoker, argv)


def _exec(plan: Plan, exec_env: dict[str, str], invoker: Invoker, argv: list[str]) -> int:
    """Replace this process with the checked file. Python ignores SIGPIPE and SIGXFSZ for itself; ignored signals
    survive exec, so they are put back to the default the command expects (``yes | head`` must end ``yes``)."""
    import signal

    for name in ("SIGPIPE", "SIGXFSZ"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, signal.SIG_DFL)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    try:
        os.execve(plan.path, list(plan.argv), exec_env)
    except OSError as error:
        message = f"cannot run {plan.path}: {error.strerror or error}"
        _say(f"{message}; nothing was run")
        _audit(argv, "error", ["sudo-door"], message, plan.path, invoker)
    return EXIT_REFUSED


def prepare(
    argv: list[str],
    policy_paths: Sequence[str],
    variables: Sequence[str],
    config: DoorConfig,
    invoker: Invoker,
    environ: Mapping[str, str],
) -> Plan:
    """Everything but the exec: load the trusted policy, resolve the command, judge it. Raises on any failure."""
    if not argv:
        raise Refusal("no command given (usage: tenmon-guard exec -- COMMAND [ARGS...])", rule="sudo-door")
    if invoker.privileged and not invoker.trusted and not sys.flags.isolated:
        raise Refusal(
            "running as root for another user, but Python is not isolated from their environment; "
            "use the launcher that tenmon-guard install writes (python3 -I)"
        )
    from tenmon_guard.verdict import Decision

    notes: list[str] = []
    if not invoker.trusted and (policy_paths or variables or environ.get("TENMON_GUARD_POLICY")):
        notes.append(
            "tenmon-guard: --policy, --var and $TENMON_GUARD_POLICY are ignored under sudo: "
            "only root's policy files count"
        )
    main_guard, door_guard = load_guards(policy_paths, variables, config, invoker, environ)
    cwd = _cwd()
    # The command as typed first: a forbidden command is refused for what it is, installed here or not. What the
    # guard cannot tell from the argv alone (a doubt) waits for judge, which reads a shell's script file too.
    first = main_guard.check_argv(argv, _context(cwd))
    if any(f.decision == Decision.BLOCK and f.rule not in _DOUBTS for f in first.findings):
        return Plan(path="", argv=tuple(argv), verdict=first, notes=tuple(notes))
    enforce = invoker.privileged
    path = find_program(argv[0], cwd, enforce)
    verdict = judge(argv, path, cwd, main_guard, door_guard, enforce)
    return Plan(path=path, argv=tuple(argv), verdict=verdict, notes=tuple(notes))


def _context(cwd: str | None) -> Context:
    from tenmon_guard.engine import Context

    proc_root = "/proc" if os.path.isdir("/proc/self") else None
    # (an argv exec'd: any shell it starts is a new one, its directory stack the cwd alone)
    return Context(door=DOOR, cwd=cwd, proc_root=proc_root, disk=True, dirstack_known=True)


# ----------------------------------------------------------------------------------------------------------------
# Policies


def load_guards(
    policy_paths: Sequence[str],
    variables: Sequence[str],
    config: DoorConfig,
    invoker: Invoker,
    environ: Mapping[str, str],
) -> tuple[Guard, Guard]:
    """The guard of the trusted policy, and the same with the door's own rules added (one load, two rule sets)."""
    from tenmon_guard.engine import Guard
    from tenmon_guard.policy import load_policy, resolve_policy_paths

    trusted_only = not invoker.trusted
    chosen = resolve_policy_paths(
        list(policy_paths), environ, invoker.privileged, trusted_only=trusted_only, system_dir=config.policy_dir
    )
    overrides = {} if trusted_only else parse_vars(variables)
    door_files = door_policy_files(config)
    policy = load_policy(
        [*chosen.system, *door_files],
        overrides,
        user_paths=chosen.user,
        require_root_owned=chosen.require_root_owned or invoker.privileged,
    )
    door_sources = {os.fspath(p) for p in door_files}
    main = replace(policy, rules=tuple(r for r in policy.rules if _source_file(r.source) not in door_sources))
    return Guard(main), Guard(policy)


def door_policy_files(config: DoorConfig) -> list[Path]:
    """The door's own rules: ``CONFIG/sudo-door.d/*.yaml`` when installed, else the packaged
    ``policies/doors/sudo.yaml``. Missing both is an error (fail closed), not a door without its rules."""
    directory = config.door_policy_dir
    try:
        names = sorted(n for n in os.listdir(directory) if n.endswith(".yaml") and not n.startswith("."))
    except FileNotFoundError:
        names = []
    except OSError as error:
        raise Refusal(f"{directory}: cannot read: {error.strerror or error}") from None
    if names:
        return [directory / name for name in names]
    from tenmon_guard.policy import packaged_policy_dir

    packaged = packaged_policy_dir() / "doors" / "sudo.yaml"
    if not packaged.is_file():
        raise Refusal(f"the sudo door's own policy is missing ({directory}/*.yaml or {packaged})")
    return [packaged]


def _source_file(source: str) -> str:
    return source.rsplit(":", 1)[0] if ":" in source else source


# ----------------------------------------------------------------------------------------------------------------
# Finding and trusting files


def find_program(name: str, cwd: str | None, enforce: bool) -> str:
    """The real file ``name`` runs: a path as given (relative to cwd), else the first hit in FIXED_PATH. Never the
    caller's $PATH: what is found must not depend on anything the caller controls."""
    if not name:
        raise Refusal("empty command name", EXIT_NOT_FOUND)
    if "/" in name:
        if not name.startswith("/") and cwd is None:
            raise Refusal(f"{name}: relative path and the working directory is unknown")
        candidate = os.path.join(cwd or "/", name)
        return _executable(candidate, name, enforce)
    for directory in FIXED_PATH.split(":"):
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return _executable(candidate, name, enforce)
    raise Refusal(f"{name}: command not found (searched {FIXED_PATH})", EXIT_NOT_FOUND)


def _executable(candidate: str, name: str, enforce: bool) -> str:
    real = trusted_realpath(candidate, enforce, what="command")
    try:
        info = os.stat(real)
    except OSError as error:
        raise Refusal(f"{name}: {error.strerror or error}", EXIT_NOT_FOUND) from None
    if not stat.S_ISREG(info.st_mode) or not os.access(real, os.X_OK):
        raise Refusal(f"{name}: not an executable file ({real})")
    return real


def trusted_realpath(path: str, enforce: bool, *, what: str = "file") -> str:
    """Resolve ``path`` (absolute) the way the kernel will, one component at a time, following symlinks. With
    ``enforce``, every directory passed through, every symlink and the file itself must be owned by root and not
    writable by group or others (a sticky directory such as /tmp may be world-writable: its root-owned entries
    cannot be replaced). Then nobody but root can change what the path names between the check and the exec."""
    pending = [part for part in path.split("/") if part]
    current = "/"
    if enforce:
        _check_trusted("/", os.lstat("/"), what, path, container=True)
    hops = 0
    while pending:
        part = pending.pop(0)
        if part == ".":
            continue
        if part == "..":
            current = os.path.dirname(current) or "/"
            continue
        candidate = os.path.join(current, part)
        try:
            info = os.lstat(candidate)
        except OSError as error:
            raise Refusal(f"{path}: {error.strerror or error} ({candidate})", EXIT_NOT_FOUND) from None
        if stat.S_ISLNK(info.st_mode):
            hops += 1
            if hops > MAX_SYMLINKS:
                raise Refusal(f"{path}: too many levels of symbolic links")
            if enforce and info.st_uid != 0:
                raise Refusal(_untrusted(what, path, candidate, "a symlink not owned by root"))
            target = os.readlink(candidate)
            if target.startswith("/"):
                current = "/"
            pending[:0] = [p for p in target.split("/") if p]
            continue
        if enforce:
            _check_trusted(candidate, info, what, path, container=bool(pending))
        current = candidate
    return current


def _check_trusted(candidate: str, info: os.stat_result, what: str, path: str, *, container: bool) -> None:
    if info.st_uid != 0:
        raise Refusal(_untrusted(what, path, candidate, f"owned by uid {info.st_uid}, not root"))
    sticky_dir = container and stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_ISVTX
    if info.st_mode & 0o022 and not sticky_dir:
        mode = f"{stat.S_IMODE(info.st_mode):04o}"
        raise Refusal(_untrusted(what, path, candidate, f"writable by group or others (mode {mode})"))


def _untrusted(what: str, path: str, candidate: str, problem: str) -> str:
    where = "it is" if candidate == path else f"{candidate} is"
    return (
        f"{path}: refused: {where} {problem}; under sudo the guard runs a {what} only when root alone can change it "
        "(otherwise what was checked might not be what runs)"
    )


# ----------------------------------------------------------------------------------------------------------------
# Judging


def judge(argv: list[str], path: str, cwd: str | None, main_guard: Guard, door_guard: Guard, enforce: bool) -> Verdict:
    """The verdict on running ``path`` with ``argv``. Judged under every name it goes by (as typed, and as the file
    it resolves to: ``sh`` is ``dash``, ``editor`` is ``nano``); a ``#!`` script as its interpreter running it; a
    shell running a script file by the script's text."""
    from tenmon_guard.verdict import decide

    context = _context(cwd)
    program = [path, *argv[1:]]
    interpreter = shebang(path, enforce)
    if interpreter is not None:
        program = [*interpreter, path, *argv[1:]]
    verdicts: list[Verdict] = []
    script = _script_operand(program, cwd)
    if script is not None:
        text, real_script = read_script(script[0], enforce)
        # a #! file named itself is judged by its names too (valgrind, byobu and red are shell scripts); a shell
        # running a script file (bash x.sh) is no root shell: only what it runs counts
        names = _variants(argv, [path, *argv[1:]]) if interpreter is not None else [argv]
        guard = door_guard if interpreter is not None else main_guard
        # the text, read with its arguments where it runs, says what the script does: the argv's doubt that the
        # script is a program of unknown use (``bash build.sh`` in the live tree) is not a second verdict on it
        verdicts.extend(_without_doubts(guard.check_argv(variant, context)) for variant in names)
        verdicts.append(main_guard.check(text, replace(context, script_path=real_script, arguments=script[1])))
    elif _plainly_wrapped_script(argv, cwd, main_guard, door_guard, context):
        # wrappers that only run their command (sudo nice bash build.sh, timeout 60 bash build.sh): judged as the
        # bare form is, the argv by the pack without the doubts the script's text answers; the text is read where
        # the shell starts, by the runtime check (which also resolves each program and refuses unsafe variables)
        verdicts.append(_without_doubts(main_guard.check_argv(argv, context)))
        verdicts.append(runtime_verdict(program, cwd, enforce, main_guard, door_guard))
    else:
        verdicts.extend(door_guard.check_argv(v, context) for v in _variants(argv, [path, *argv[1:]], program))
        verdicts.append(runtime_verdict(program, cwd, enforce, main_guard, door_guard))
    return decide(shlex.join(argv), _unique(argv, [f for v in verdicts for f in v.findings]))


#: The findings that say the guard cannot tell (see matcher): a shell's script the door reads answers them.
_DOUBTS = frozenset({"unknown-target", "unknown-command", "unread"})


def _without_doubts(verdict: Verdict) -> Verdict:
    """The verdict on a shell running a script file, by its argv, without the doubts its script's text answers."""
    from tenmon_guard.verdict import decide

    return decide(verdict.command, [f for f in verdict.findings if f.rule not in _DOUBTS])


#: The keys of a wrapper's knowledge (commands.yaml) that only say how it reads its own words or where it starts
#: its command. A wrapper with another (a user, a root, a shell of its own, text it runs, stdin read as words) does
#: more than run its command.
_PLAIN_WRAPPER_KEYS = frozenset(
    {
        "options_with_value",
        "options_with_optional_value",
        "long_options",
        "numeric_dash_option",
        "skip_operands",
        "dash_option",
        "takes_assignments",
        "chdir_options",
        "split_string_options",
        "stop_options",
        "write_options",
    }
)


#: Keys of a wrapper that signals the command it starts (timeout): plain only where no signal option is given, the
#: default (timeout's TERM at the end of its time) being a stop the command handles.
_SIGNALLING_KEYS = frozenset({"command_targets", "signal_values"})


def _signal_given(spec: CommandSpec, words: Sequence[str | None]) -> bool:
    """Does a wrapper's own words give one of its signal options (``-s KILL``, ``--signal=9``, ``-k 1``, ``-sKILL``)?
    Read by the wrapper's option spec, as the engine reads it; a word not known may be one."""
    from tenmon_guard.model import Span, literal_word
    from tenmon_guard.options import parse_args

    if any(word is None for word in words):
        return True
    span = Span(0, 0)
    parsed = parse_args([literal_word(w or "", span) for w in words], spec.options, stop_at_first_operand=True)
    return parsed.has(*(str(o) for o in (spec.extra.get("signal_values") or {})))


def _plainly_wrapped_script(
    argv: list[str], cwd: str | None, main_guard: Guard, door_guard: Guard, context: Context
) -> bool:
    """Is ``argv`` wrappers that only run their command (nice, timeout, env ...: knowledge with none but
    :data:`_PLAIN_WRAPPER_KEYS`, a name the door's own rules do not refuse) around a shell running a script file?
    Each command started must be the last words of the one before (``env -S TEXT``, ``flock F -c TEXT`` are not)."""
    from itertools import pairwise

    from tenmon_guard.knowledge import load_knowledge
    from tenmon_guard.verdict import Decision

    knowledge = load_knowledge()
    chain = list(dict.fromkeys(started_programs(argv, cwd)))
    if len(chain) < 2 or chain[0].head != argv[0]:
        return False
    own_rules = {r.id for r in door_guard.policy.rules} - {r.id for r in main_guard.policy.rules}
    for outer, inner in pairwise(chain):
        spec = knowledge.spec(os.path.basename(outer.head or ""))
        if spec is None or spec.kind != "wrapper" or not set(spec.extra) <= _PLAIN_WRAPPER_KEYS | _SIGNALLING_KEYS:
            return False
        alone = door_guard.check_argv([outer.head or ""], context)
        if any(f.rule in own_rules and f.decision == Decision.BLOCK for f in alone.findings):
            return False  # (setpriv, setarch: the door refuses them by name)
        whole = (inner.head, *inner.args)
        if len(whole) > len(outer.args) or outer.args[len(outer.args) - len(whole) :] != whole:
            return False
        if _signal_given(spec, outer.args[: len(outer.args) - len(whole)]):
            return False  # (timeout -s KILL, -k 5: it may kill what the script starts, which its text alone hides)
    last = chain[-1]
    try:
        return _script_operand([last.head, *last.args], last.cwd) is not None
    except Refusal:
        return False


def _variants(*argvs: list[str]) -> list[list[str]]:
    """The argvs, each once (a command judged under several names: most names are the same)."""
    return [list(v) for v in dict.fromkeys(tuple(a) for a in argvs)]


# ----------------------------------------------------------------------------------------------------------------
# What runs inside: every program a wrapper or nested shell will start must be the one its name says

#: Names a command's own environment may set under sudo (``env VAR=x CMD``, ``VAR=x CMD``); anything else could change
#: what the command runs (``PAGER=sh``, ``LD_PRELOAD=``, ``BASH_ENV=``, ``SYSTEMD_PAGERSECURE=0`` ...).
SAFE_ENV_NAMES = re.compile(r"(LANG|LANGUAGE|LC_[A-Z]+|TZ|TERM|NO_COLOR|COLUMNS|LINES|NODE_ENV|DEBIAN_FRONTEND)\Z")
#: Shell variables that, set anywhere in nested shell text, change how later commands are found or run.
_RISKY_VARIABLES = re.compile(
    r"(PATH|IFS|CDPATH|ENV|BASH_ENV|SHELLOPTS|BASHOPTS|PS4|GLOBIGNORE|BASH_XTRACEFD|BASH_LOADABLES_PATH|"
    r"PROMPT_COMMAND|EDITOR|VISUAL|SUDO_EDITOR|LESSOPEN|LESSCLOSE|LESSSECURE|NODE_OPTIONS|PERLLIB|RUBYOPT|RUBYLIB|"
    r"GCONV_PATH|NLSPATH|HOSTALIASES|LD_\w+|BASH_FUNC_\w*|\w*PAGER\w*|PYTHON\w*|PERL5\w*|GIT_\w+|SYSTEMD_\w+)\Z"
)
_SHELL_BUILTINS = frozenset(
    [
        ":",
        ".",
        "[",
        "bg",
        "break",
        "builtin",
        "caller",
        "cd",
        "command",
        "continue",
        "declare",
        "dirs",
        "disown",
        "echo",
        "eval",
        "exec",
        "exit",
        "export",
        "false",
        "fg",
        "getopts",
        "hash",
        "help",
        "history",
        "jobs",
        "kill",
        "let",
        "local",
        "logout",
        "mapfile",
        "popd",
        "printf",
        "pushd",
        "pwd",
        "read",
        "readarray",
        "readonly",
        "return",
        "set",
        "shift",
        "shopt",
        "source",
        "suspend",
        "test",
        "times",
        "trap",
        "true",
        "type",
        "typeset",
        "ulimit",
        "umask",
        "unalias",
        "unset",
        "wait",
    ]
)
#: Builtins that run shell text later or load code, where the guard cannot see it.
_REFUSED_BUILTINS = {
    "alias": "an alias can make a later word run something else",
    "bind": "key bindings can run commands",
    "complete": "completion specs can run commands",
    "compopt": "completion specs can run commands",
    "enable": "enable -f loads code into the shell",
    "fc": "fc runs commands from the history",
}


@record
class _Started:
    """A program a nested shell or wrapper will start: its name word's value, where, and with what."""

    head: str | None
    args: tuple[str | None, ...]
    cwd: str | None
    assignments: tuple[str, ...]
    risky: tuple[str, ...]  # risky shell variables set before it, anywhere in the nested text


def started_programs(argv: list[str], cwd: str | None) -> list[_Started]:
    """Every command the argv will start, seen through wrappers and nested shell text by the engine's own lowering
    (both parsers), with what the shell state is when each starts. The engine's model keeps only the innermost
    command of a wrapper chain; the door needs each of them (``/home/u/nice kill`` runs /home/u/nice)."""
    from tenmon_guard.builder import Builder
    from tenmon_guard.engine import parse_nested_bashlex_first, parse_nested_tree_sitter_first

    found: list[_Started] = []

    class Recorder(Builder):
        def _dispatch(self, cmd, state, ctx, *more, **options):  # type: ignore[no-untyped-def]
            if cmd.argv:
                risky = tuple(sorted(name for name in state.env if _RISKY_VARIABLES.match(name)))
                found.append(
                    _Started(
                        head=cmd.argv[0].value,
                        args=tuple(w.value for w in cmd.argv[1:]),
                        cwd=state.cwd,
                        assignments=tuple(name for name, _ in cmd.assignments),
                        risky=risky,
                    )
                )
            super()._dispatch(cmd, state, ctx, *more, **options)  # (whatever else the builder passes, passed on)

    text = shlex.join(argv)
    for parse in (parse_nested_tree_sitter_first, parse_nested_bashlex_first):
        Recorder(parse).build_argv(text, list(argv), cwd)
    return found


def runtime_verdict(argv: list[str], cwd: str | None, enforce: bool, main_guard: Guard, door_guard: Guard) -> Verdict:
    """Findings for what runs inside ``argv``: every started program must resolve, in the fixed PATH or by its
    path, to a file root alone controls (else the name judged is not what runs); no nested text may change PATH,
    IFS, LD_*, pagers or the like; ``source FILE`` reads FILE, which is judged like a script."""
    from tenmon_guard.verdict import Decision, Finding, decide

    context = _context(cwd)
    problems: list[str] = []
    verdicts: list[Verdict] = []
    cache: dict[str, str] = {}
    for started in started_programs(argv, cwd):
        problems.extend(_started_problems(started, enforce, cache, verdicts, main_guard, door_guard, context))
    whole = (0, len(shlex.join(argv)))
    # one finding (findings are told apart by rule and span): every problem in its message
    unique = list(dict.fromkeys(problems))
    findings = [Finding("sudo-runtime", Decision.BLOCK, "; ".join(unique), None, whole)] if unique else []
    findings += [f for v in verdicts for f in v.findings]
    return decide(shlex.join(argv), findings)


def _started_problems(
    started: _Started,
    enforce: bool,
    cache: dict[str, str],
    verdicts: list[Verdict],
    main_guard: Guard,
    door_guard: Guard,
    context: Context,
) -> list[str]:
    head = started.head
    if started.risky:
        return [f"the command changes {', '.join(started.risky)}, which changes what later commands run"]
    unsafe = [name for name in started.assignments if not SAFE_ENV_NAMES.match(name)]
    if unsafe:
        return [f"setting {', '.join(unsafe)} for a command under sudo can change what it runs"]
    if head is None:
        return ["a command name is not known statically, so what would run cannot be checked"]
    if "=" in head and "/" not in head.split("=", 1)[0]:
        return [f"{head.split('=', 1)[0]}=...: an environment assignment where a command was expected"]
    if head in _REFUSED_BUILTINS:
        return [f"{head}: {_REFUSED_BUILTINS[head]}"]
    if head == "trap" and len(started.args) >= 2 and started.args[0] not in ("", "-"):
        return ["trap: its action is shell text run later, unchecked"]
    if head in ("source", "."):
        return _sourced(started, enforce, verdicts, main_guard, context)
    if "/" in head:
        if not head.startswith("/") and started.cwd is None:
            return [f"{head}: relative path and the working directory is not known statically"]
        candidate = os.path.join(started.cwd or "/", head)
    else:
        found = _in_fixed_path(head)
        if found is None:
            return [] if head in _SHELL_BUILTINS else [f"{head}: command not found (searched {FIXED_PATH})"]
        candidate = found
    try:
        real = cache.get(candidate) or trusted_realpath(candidate, enforce, what="command")
    except Refusal as error:
        return [str(error)]
    cache[candidate] = real
    name = os.path.basename(head)
    here = replace(context, cwd=started.cwd)
    if os.path.basename(real) != name:  # by the name of the file it resolves to (words not known left out)
        variant = [real, *(a for a in started.args if a is not None)]
        # a shell running a script file (sh build.sh is dash build.sh) is no root shell, as judge says of the argv
        verdicts.append(
            _without_doubts(main_guard.check_argv(variant, here))
            if _runs_a_script(real, started)
            else door_guard.check_argv(variant, here)
        )
    return _started_script(real, started, enforce, verdicts, main_guard, door_guard, here)


def _runs_a_script(real: str, started: _Started) -> bool:
    """Is the started program ``real`` a shell running a script file (its text is then judged, below)?"""
    try:
        return _script_operand([real, *started.args], started.cwd) is not None
    except Refusal:
        return False


def _started_script(
    real: str,
    started: _Started,
    enforce: bool,
    verdicts: list[Verdict],
    main_guard: Guard,
    door_guard: Guard,
    context: Context,
) -> list[str]:
    """A started file that is a script is judged as ``sudo ./x.sh`` judges it: the door runs exactly what it
    checked, and a wrapper or nested shell text (``nice ./x.sh``, ``bash -c ./x.sh``, ``nice bash ./x.sh``) runs
    the script's text as much as the door itself would. By its ``#!`` interpreter's name, and a shell's script by
    its text (which must be root's too)."""
    try:
        program = as_run(real, list(started.args), enforce)
        script = _script_operand(program, started.cwd)
        if script is None:
            if program[0] != real:  # by its interpreter's name (words not known statically left out)
                verdicts.append(door_guard.check_argv([a for a in program if a is not None], context))
            return []
        text, real_script = read_script(script[0], enforce)
    except Refusal as error:
        return [str(error)]
    verdicts.append(main_guard.check(text, replace(context, script_path=real_script, arguments=script[1])))
    return []


def _sourced(
    started: _Started, enforce: bool, verdicts: list[Verdict], main_guard: Guard, context: Context
) -> list[str]:
    name = started.args[0] if started.args else None
    if name is None:
        return [f"{started.head}: the file it reads is not known statically"]
    path = name if "/" in name else (_in_fixed_path(name) or os.path.join(started.cwd or "/", name))
    if not path.startswith("/"):
        if started.cwd is None:
            return [f"{started.head} {name}: relative path and the working directory is not known statically"]
        path = os.path.join(started.cwd, path)
    try:
        text, real = read_script(path, enforce)
    except Refusal as error:
        return [str(error)]
    verdicts.append(main_guard.check(text, replace(context, cwd=started.cwd, script_path=real)))
    return []


def _in_fixed_path(name: str) -> str | None:
    for directory in FIXED_PATH.split(":"):
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def _unique(argv: list[str], findings: list[Finding]) -> list[Finding]:
    """One finding per (rule, decision, message): the same rule seen under several names is said once, spanning the
    whole command as typed (the other names' texts are not what the person sees)."""
    whole = (0, len(shlex.join(argv)))
    out: dict[tuple[str, int, str], Finding] = {}
    for finding in findings:
        out.setdefault((finding.rule, finding.decision, finding.message), replace(finding, span=whole))
    return list(out.values())


def shebang(path: str, enforce: bool) -> list[str] | None:
    """``#!INTERP [ARG]`` of a script, as the kernel reads it (one optional argument, the rest of the line), with
    INTERP resolved. ``#!/usr/bin/env NAME`` becomes NAME found in the fixed PATH."""
    return _interpreter(_read_regular(path, 256) or b"", path, enforce)


def as_run(path: str, args: list[str | None], enforce: bool) -> list[str | None]:
    """The program that runs when a wrapper or a shell starts the file ``path`` with ``args``: its ``#!``
    interpreter running it; a file with neither ``#!`` nor an ELF header is run by ``/bin/sh`` (execvp's ENOEXEC
    fallback: nice, env, xargs, find -exec ...; bash runs it itself as a script); anything else as itself."""
    head = _read_regular(path, 256)
    if head is None or head.startswith(_ELF_MAGIC):
        return [path, *args]
    interpreter = _interpreter(head, path, enforce)
    if interpreter is not None:
        return [*interpreter, path, *args]
    return [trusted_realpath(_ENOEXEC_SHELL, enforce, what="shell"), path, *args]


def _read_regular(path: str, size: int) -> bytes | None:
    """Up to ``size`` bytes of ``path``; None when it is not a regular file (see scripts_run.read_regular); a file
    that cannot be read is a refusal."""
    from tenmon_guard.scripts_run import read_regular

    try:
        return read_regular(path, size)
    except OSError as error:
        raise Refusal(f"{path}: cannot read: {error.strerror or error}") from None


def _interpreter(head: bytes, path: str, enforce: bool) -> list[str] | None:
    if not head.startswith(b"#!"):
        return None
    bang = read_hashbang(head.decode("utf-8", "surrogateescape"))
    if bang is None:
        raise Refusal(f"{path}: empty #! line")
    interp, arg = bang.interpreter, bang.argument or ""
    if not interp.startswith("/"):
        raise Refusal(f"{path}: #! interpreter is not an absolute path ({interp})")
    real = trusted_realpath(interp, enforce, what="script interpreter")
    if os.path.basename(real) == "env" and arg and not arg.startswith("-") and "=" not in arg and " " not in arg:
        return [find_program(arg, None, enforce)]
    return [real, arg] if arg else [real]


def _script_operand(program: Sequence[str | None], cwd: str | None) -> tuple[str, tuple[str | None, ...]] | None:
    """When ``program`` is a shell running a script file (no -c/-s/-i, not stdin), the script's absolute path and
    the words it runs with (``$0`` as given, then ``$1``...: its text is judged with them). A lone ``-`` ends the
    options as ``--`` does (bash and dash; ``#!/bin/sh -``). ``None`` words are not known statically: where one
    could be an option or the script, what runs cannot be checked."""
    from tenmon_guard.knowledge import load_knowledge
    from tenmon_guard.scripts_run import NOT_KNOWN, script_index

    if os.path.basename(program[0] or "") not in load_knowledge().shells:
        return None
    args = program[1:]
    index = script_index(args)
    if index == NOT_KNOWN:
        raise Refusal(f"{program[0]}: an argument is not known statically, so the script it runs cannot be read")
    if index is None:
        return None
    script = args[index]
    if script is None:
        raise Refusal(f"{program[0]}: the script it runs is not known statically, so it cannot be read")
    arguments = tuple(args[index:])
    if not script.startswith("/"):
        if cwd is None:
            raise Refusal(f"{script}: relative script path and the working directory is unknown")
        script = os.path.join(cwd, script)
    return script, arguments


def read_script(path: str, enforce: bool) -> tuple[str, str]:
    """The text of a script a root shell is about to run, and its real path."""
    real = trusted_realpath(path, enforce, what="script")
    data = _read_regular(real, MAX_SCRIPT_BYTES + 1)
    if data is None:
        raise Refusal(f"{path}: not a regular file")
    if len(data) > MAX_SCRIPT_BYTES:
        raise Refusal(f"{path}: script larger than {MAX_SCRIPT_BYTES} bytes; not checked, not run")
    return data.decode("utf-8", "surrogateescape"), real


# ----------------------------------------------------------------------------------------------------------------
# Audit and output


def _pin_audit_log(invoker: Invoker, config: DoorConfig) -> None:
    """Under sudo for someone else, the audit log path is root's choice (the launcher's), never the caller's
    environment: root appending to a file the caller names would be a write anywhere."""
    from tenmon_guard import audit

    if config.audit_log:
        audit.pin_log_path(config.audit_log)
    elif not invoker.trusted:
        os.environ.pop(audit.ENV_PATH, None)


def _audit(
    argv: list[str], decision: str, rules: list[str], reason: str | None, path: str | None, invoker: Invoker
) -> None:
    from tenmon_guard import audit

    extra: dict[str, object] = {"path": path}
    if not invoker.trusted:
        extra["sudo_uid"] = os.environ.get("SUDO_UID")
    audit.record(DOOR, shlex.join(argv), decision, rules, reason=reason, cwd=_cwd(), extra=extra)


def _audit_error(argv: list[str], reason: str, config: DoorConfig, invoker: Invoker) -> None:
    _pin_audit_log(invoker, config)
    _audit(argv, "error", ["guard-error"], reason, None, invoker)


def _cwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:
        return None


def _say(message: str) -> None:
    text = message if message.startswith("tenmon-guard") else f"tenmon-guard: {message}"
    with contextlib.suppress(OSError, ValueError):
        print(text, file=sys.stderr, flush=True)
