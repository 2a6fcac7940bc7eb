"""``tenmon-guard override --reason "..." -- COMMAND``: break-glass, one refused command run on purpose.

The command is judged exactly as the interactive hook judges it; the verdict is shown; then, if the policy allows
break-glass, the command runs (``bash -c``, in the current directory, replacing this process so its exit status,
signals and terminal are the command's) and an ``override`` record with the reason goes to the audit log first.
A policy refuses break-glass with the variable ``break_glass: refuse`` (default ``allow``); a refusal is audited
too. Override only ever runs as the person typing it: it is no way around the sudo door (a ``sudo`` inside the
command still goes through sudo and its guard).

``--confirm TOKEN`` (used by the shell hooks, repeatable) asks the person to type TOKEN instead, and exits 0 when
they did, 1 when not; it does not run COMMAND (the shell that asked runs it).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from tenmon_guard.cli_common import EXIT_BLOCK, EXIT_OK, UsageError, add_policy_arguments, load_from_args

DOOR = "hook"
REFUSE_VALUES = frozenset({"refuse", "block", "no", "never", "false", "off"})


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
    audit.record(DOOR, text, "override", rules, reason=reason, cwd=cwd, extra=extra)
    if verdict_json["decision"] != "allow":
        _say(f"tenmon-guard: OVERRIDE by {_user()}: running it anyway (reason: {reason}). This is in the audit log.")
    return _exec(text, cwd)


def refuses_break_glass(policy: Any) -> bool:
    """The policy says no with the variable ``break_glass`` set to ``refuse`` (or ``block``, ``no``...)."""
    value = str(getattr(policy, "variables", {}).get("break_glass", "allow")).strip().lower()
    return value in REFUSE_VALUES


def _exec(text: str, cwd: str | None) -> int:
    sys.stdout.flush()
    sys.stderr.flush()
    if cwd:
        try:
            os.chdir(cwd)
        except OSError as error:
            raise UsageError(f"override: cannot enter {cwd}: {error.strerror}") from None
    try:
        os.execvp("bash", ["bash", "-c", text])
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
