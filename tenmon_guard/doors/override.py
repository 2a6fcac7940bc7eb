"""``tenmon-guard override --reason "..." -- COMMAND``: break-glass, one refused command run on purpose.

The command is judged exactly as the interactive hook judges it; the verdict is shown; then, if the policy allows
break-glass, the command runs (``bash -c``, in the current directory, replacing this process so its exit status,
signals and terminal are the command's) and an ``override`` record with the reason goes to the audit log first.
Both are binding: when the record cannot be written to the log file, nothing runs (exit 2); and bash runs in an
environment without what would make it run anything besides the recorded text (``BASH_ENV``, exported functions...).
A policy refuses break-glass with the variable ``break_glass: refuse`` (default ``allow``), read from the policy
files only (``--var break_glass=...`` is ignored); a refusal is audited too. Override only ever runs as the
person typing it: it is no way around the sudo door (a ``sudo`` inside the command still goes through sudo and its
guard).

``--confirm TOKEN`` (used by the shell hooks, repeatable) asks the person to type TOKEN instead, and exits 0 when
they did, 1 when not; it does not run COMMAND (the shell that asked runs it).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import Any

from tenmon_guard.cli_common import (
    EXIT_BLOCK,
    EXIT_ERROR,
    EXIT_OK,
    UsageError,
    add_policy_arguments,
    load_from_args,
)

DOOR = "hook"
BREAK_GLASS = "break_glass"
REFUSE_VALUES = frozenset({"refuse", "block", "no", "never", "false", "off"})
# What bash reads from its environment that runs code or changes how the text runs (see scrubbed_environment).
SCRUBBED_NAMES = frozenset({"BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS", "PS4"})
EXPORTED_FUNCTION_PREFIX = "BASH_FUNC_"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_policy_arguments(parser)
    parser.add_argument("--reason", help="why this refused command must run now (required; goes to the audit log)")
    parser.add_argument("--cwd", help="directory the command runs in (default: this one)")
    parser.add_argument(
        "--confirm", action="append", default=[], metavar="TOKEN", help="(for the shell hooks) ask for TOKEN"
    )
    parser.add_argument("--rule", action="append", default=[], metavar="ID", help="(with --confirm) the rules asked")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command line")


def run(args: argparse.Namespace) -> int:
    words = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not words:
        raise UsageError('override: no COMMAND given (tenmon-guard override --reason "..." -- COMMAND)')
    text = " ".join(words)
    cwd = args.cwd or _cwd()
    if args.confirm:
        from tenmon_guard.doors.confirm import run_confirmation

        return run_confirmation(args.confirm, args.rule, text, cwd)
    reason = (args.reason or "").strip()
    if not reason:
        raise UsageError('override: say why with --reason "..." (it goes to the audit log)')
    return break_glass(args, text, reason, cwd)


def break_glass(args: argparse.Namespace, text: str, reason: str, cwd: str | None) -> int:
    from tenmon_guard import audit
    from tenmon_guard.engine import Context, Guard

    args.var = without_break_glass(args.var)
    policy = load_from_args(args)
    verdict = Guard(policy).check(text, Context(door=DOOR, cwd=cwd, proc_root=_proc_root(), disk=True))
    verdict_json = verdict.to_json()
    rules = [str(f["rule"]) for f in verdict_json["findings"]]
    if verdict_json["decision"] != "allow":
        _show(verdict_json)
    if refuses_break_glass(policy):
        audit.record(DOOR, text, "block", rules, reason=reason, cwd=cwd, extra={"override": "refused"})
        _say("tenmon-guard: break-glass is refused by the policy (break_glass: refuse). Nothing was run.")
        return EXIT_BLOCK
    extra = {"override": "run", "verdict": verdict_json["decision"]}
    problem = audit.try_record(DOOR, text, "override", rules, reason=reason, cwd=cwd, extra=extra)
    if problem is not None:  # break-glass is the audited way or no way: fail closed on the record
        _say(f"tenmon-guard: {problem}: the override record could not be written, so nothing was run.")
        return EXIT_ERROR
    if verdict_json["decision"] != "allow":
        _say(f"tenmon-guard: OVERRIDE by {_user()}: running it anyway (reason: {reason}). This is in the audit log.")
    return _exec(text, cwd)


def without_break_glass(items: list[str]) -> list[str]:
    """``--var`` items minus any ``break_glass=...``: only the policy files decide break-glass. The hook passes
    the person's own arguments after its checker's, so a ``--var break_glass=allow`` would undo a policy's
    ``refuse``; a tightening one is dropped too (one rule is simpler to trust), with a note."""
    kept = [item for item in items if item.partition("=")[0] != BREAK_GLASS]
    if len(kept) != len(items):
        _say("tenmon-guard: --var break_glass=... is ignored: only the policy files decide break-glass.")
    return kept


def refuses_break_glass(policy: Any) -> bool:
    """The policy says no with the variable ``break_glass`` set to ``refuse`` (or ``block``, ``no``...)."""
    value = str(getattr(policy, "variables", {}).get(BREAK_GLASS, "allow")).strip().lower()
    return value in REFUSE_VALUES


def scrubbed_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment minus what makes bash run something besides the recorded text: startup files
    (``BASH_ENV``, ``ENV``), inherited options (``SHELLOPTS``, ``BASHOPTS``: xtrace, posix...), ``PS4`` (expanded,
    command substitutions and all, under xtrace) and exported functions (``BASH_FUNC_name%%``, which would shadow
    the commands of the line). Everything else (PATH, HOME, ...) is the person's and stays."""
    return {
        name: value
        for name, value in environ.items()
        if name not in SCRUBBED_NAMES and not name.startswith(EXPORTED_FUNCTION_PREFIX)
    }


def _exec(text: str, cwd: str | None) -> int:
    """Replace this process with ``bash --norc --noprofile -c TEXT`` in a scrubbed environment (see above), so what
    runs is what was recorded (``--norc``/``--noprofile`` keep it so should bash ever read its startup files)."""
    sys.stdout.flush()
    sys.stderr.flush()
    if cwd:
        try:
            os.chdir(cwd)
        except OSError as error:
            raise UsageError(f"override: cannot enter {cwd}: {error.strerror}") from None
    try:
        os.execvpe("bash", ["bash", "--norc", "--noprofile", "-c", text], scrubbed_environment(os.environ))
    except OSError as error:
        raise UsageError(f"override: cannot run bash: {error.strerror}") from None
    return EXIT_OK  # not reached


def _show(verdict_json: dict[str, Any]) -> None:
    if sys.stderr.isatty() and not os.environ.get("NO_COLOR"):
        try:
            from tenmon_guard.render import render_rich

            render_rich(verdict_json)
            return
        except Exception:  # rich is a nicety here; the plain text says the same
            pass
    from tenmon_guard.render import render_ansi

    _say(render_ansi(verdict_json, color=False, break_glass=False))


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (KeyError, ImportError):
        return str(os.geteuid())


def _cwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:
        return None


def _proc_root() -> str | None:
    return "/proc" if os.path.isdir("/proc/self") else None
