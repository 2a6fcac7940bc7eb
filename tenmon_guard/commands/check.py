"""``tenmon-guard check``: the contract of DESIGN.md, one-shot or ``--batch`` (the long-lived checker's protocol).

``--batch``: NUL-separated commands on stdin, one JSON verdict per line, flushed after each, so a shell can keep
one checker and talk to it. ``--requests json``: each request is instead a JSON object
``{"id": ..., "command": ..., "cwd": ..., "door": ..., "home": ...}`` and the reply carries the same ``id``.
``home`` is the HOME of the shell the line runs in (absolute; anything else is ignored): with it, ``~`` and
``$HOME`` name a known directory, as the shell hooks send it; without it they are not known statically.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING

from tenmon_guard.cli_common import EXIT_BLOCK, EXIT_OK, UsageError, add_policy_arguments, load_from_args
from tenmon_guard.frames import frames
from tenmon_guard.policy.types import DOORS
from tenmon_guard.verdict import Decision

if TYPE_CHECKING:  # the engine is imported only when a command is checked
    from tenmon_guard.engine import Context, Guard


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_policy_arguments(parser)
    parser.add_argument("--cwd", help="working directory the command runs in (default: this one)")
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON")
    parser.add_argument("--batch", action="store_true", help="NUL-separated commands on stdin, JSON lines out")
    parser.add_argument("--requests", choices=("text", "json"), default="text", help="batch request format")
    parser.add_argument("--door", choices=DOORS, default="check", help="judge as this door would")
    parser.add_argument("--fast", action="store_true", help="tree-sitter only (the linter's speed)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command line")


def run(args: argparse.Namespace) -> int:
    from tenmon_guard.engine import Context, Guard

    guard = Guard(load_from_args(args))
    cwd = args.cwd if args.cwd is not None else _cwd()
    context = Context(
        door=args.door,
        cwd=cwd,
        both_parsers=not args.fast,
        proc_root=_proc_root(args.door),
        disk=args.door in _ON_THIS_MACHINE,
    )
    if args.batch:
        if args.command:
            raise UsageError("--batch reads commands from stdin; give no COMMAND")
        return _batch(guard, context, args.requests == "json")
    words = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not words:
        raise UsageError("check: no COMMAND given")
    verdict = guard.check(" ".join(words), context)
    if args.json:
        print(json.dumps(verdict.to_json(), ensure_ascii=False))
    else:
        from tenmon_guard.formatters.text import render_verdict

        print(render_verdict(verdict), file=sys.stdout if verdict.decision == Decision.ALLOW else sys.stderr)
    return EXIT_BLOCK if verdict.decision == Decision.BLOCK else EXIT_OK


def _cwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:
        return None


# Doors whose command runs on this machine right after the check: its /proc and its disk are the command's.
_ON_THIS_MACHINE = ("hook", "sudo", "agent")


def _proc_root(door: str) -> str | None:
    return "/proc" if door in _ON_THIS_MACHINE and os.path.isdir("/proc/self") else None


def _batch(guard: Guard, context: Context, json_requests: bool) -> int:
    import dataclasses

    from tenmon_guard.engine import shell_state

    out = sys.stdout
    for frame in frames(sys.stdin.buffer):
        text = frame.decode("utf-8", errors="surrogateescape")
        reply: dict[str, object]
        if json_requests:
            try:
                request = json.loads(text)
                if not isinstance(request, dict) or not isinstance(request.get("command"), str):
                    raise ValueError("expected an object with a string 'command'")
                ctx = dataclasses.replace(
                    context,
                    cwd=request.get("cwd") if isinstance(request.get("cwd"), str) else context.cwd,
                    door=request["door"] if request.get("door") in DOORS else context.door,
                    **shell_state(request),
                )
                reply = guard.check(request["command"], ctx).to_json()
                reply["id"] = request.get("id")
            except ValueError as error:
                reply = _error_reply(text, f"bad request: {error}")
        else:
            reply = guard.check(text, context).to_json()
        out.write(json.dumps(reply, ensure_ascii=True) + "\n")
        out.flush()
    return EXIT_OK


def _error_reply(text: str, message: str) -> dict[str, object]:
    return {
        "command": text,
        "decision": "block",
        "findings": [
            {"rule": "guard-error", "decision": "block", "message": message, "suggestion": None, "span": [0, len(text)]}
        ],
    }
