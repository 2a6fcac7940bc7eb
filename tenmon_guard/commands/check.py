"""``tenmon-guard check``: the contract of DESIGN.md, one-shot or ``--batch`` (the long-lived checker's protocol).

``--batch``: NUL-separated commands on stdin, one JSON verdict per line, flushed after each, so a shell can keep
one checker and talk to it. ``--requests json``: each request is instead a JSON object
``{"id": ..., "command": ..., "cwd": ..., "door": ...}`` and the reply carries the same ``id``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator

from tenmon_guard.cli_common import EXIT_BLOCK, EXIT_OK, UsageError, add_policy_arguments, load_from_args
from tenmon_guard.policy.types import DOORS
from tenmon_guard.verdict import Decision, Verdict

READ_CHUNK = 65536


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
    context = Context(door=args.door, cwd=cwd, both_parsers=not args.fast, proc_root=_proc_root(args.door))
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


def _proc_root(door: str) -> str | None:
    return "/proc" if door in ("hook", "sudo", "agent") and os.path.isdir("/proc/self") else None


def _requests(fd: int) -> Iterator[bytes]:
    """NUL-separated frames from ``fd``, each yielded as soon as it is complete (no read-ahead waiting)."""
    buffer = b""
    while True:
        chunk = os.read(fd, READ_CHUNK)
        if not chunk:
            if buffer:
                yield buffer
            return
        buffer += chunk
        while b"\0" in buffer:
            frame, buffer = buffer.split(b"\0", 1)
            yield frame


def _batch(guard: object, context: object, json_requests: bool) -> int:
    import dataclasses

    from tenmon_guard.engine import Context, Guard

    assert isinstance(guard, Guard) and isinstance(context, Context)
    out = sys.stdout
    for frame in _requests(sys.stdin.fileno()):
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
                    door=request["door"]
                    if request.get("door") in ("check", "hook", "sudo", "lint", "agent")
                    else context.door,
                )
                reply = _verdict_json(guard.check(request["command"], ctx))
                reply["id"] = request.get("id")
            except ValueError as error:
                reply = _error_reply(text, f"bad request: {error}")
        else:
            reply = _verdict_json(guard.check(text, context))
        out.write(json.dumps(reply, ensure_ascii=True) + "\n")
        out.flush()
    return EXIT_OK


def _verdict_json(verdict: Verdict) -> dict[str, object]:
    return verdict.to_json()


def _error_reply(text: str, message: str) -> dict[str, object]:
    return {
        "command": text,
        "decision": "block",
        "findings": [
            {"rule": "guard-error", "decision": "block", "message": message, "suggestion": None, "span": [0, len(text)]}
        ],
    }
