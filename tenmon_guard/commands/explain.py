"""``tenmon-guard explain COMMAND``: what the guard sees (wrappers unwrapped, paths resolved) and what decided.

For policy authors: when a rule does or does not fire, this shows why.
"""

from __future__ import annotations

import argparse
import json
import os

from tenmon_guard.cli_common import EXIT_BLOCK, EXIT_OK, UsageError, add_policy_arguments, load_from_args
from tenmon_guard.knowledge import STDIN_CODE
from tenmon_guard.model import CommandModel, Invocation
from tenmon_guard.policy.types import DOORS
from tenmon_guard.verdict import Decision, decide


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_policy_arguments(parser)
    parser.add_argument("--cwd", help="working directory the command runs in (default: this one)")
    parser.add_argument("--door", choices=DOORS, default="check")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("command", nargs=argparse.REMAINDER)


def run(args: argparse.Namespace) -> int:
    from tenmon_guard.engine import Context, Guard

    words = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not words:
        raise UsageError("explain: no COMMAND given")
    text = " ".join(words)
    guard = Guard(load_from_args(args))
    context = Context(door=args.door, cwd=args.cwd if args.cwd is not None else os.getcwd())
    results = guard.explain(text, context)
    verdict = decide(text, [f for _, found in results for f, _ in found])
    if args.json:
        print(json.dumps({"verdict": verdict.to_json(), "models": [_model_json(m) for m, _ in results]}))
    else:
        for model, found in results:
            print(f"== as read by {', '.join(model.parsers)}")
            for index, inv in enumerate(model.invocations):
                print(f"  [{index}] {_describe(inv)}")
            for region in model.unread:
                print(f"  unread {region.span.start}-{region.span.end}: {region.reason}")
            for finding, hit in found:
                where = f" on [{hit.invocation}] ({hit.rule.source})" if hit else ""
                print(f"  -> {finding.decision.label} {finding.rule}{where}: {finding.message}")
        print(f"decision: {verdict.decision.label}")
    return EXIT_BLOCK if verdict.decision == Decision.BLOCK else EXIT_OK


def _describe(inv: Invocation) -> str:
    argv = " ".join(_shown(w.display()) for w in inv.argv) or "(no command)"
    bits = [argv]
    if inv.wrappers:
        bits.append("via " + " > ".join(w.name + (f"({w.user})" if w.user else "") for w in inv.wrappers))
    bits.append(f"cwd={inv.cwd or '?'}")
    for red in inv.redirects:
        bits.append(
            f"{red.fd if red.fd is not None else ''}{red.op} {red.path or (red.target.display() if red.target else '')}"
        )
    if inv.stdin_producers:
        bits.append(f"stdin from {list(inv.stdin_producers)}")
    if inv.in_substitution:
        bits.append("in $(...)")
    return "  ".join(bits)


def _model_json(model: CommandModel) -> dict[str, object]:
    return {
        "parsers": list(model.parsers),
        "invocations": [
            {
                "argv": [w.display() for w in inv.argv],
                "cwd": inv.cwd,
                "wrappers": [w.name for w in inv.wrappers],
                "redirects": [[r.op, r.path] for r in inv.redirects],
                "span": [inv.span.start, inv.span.end],
            }
            for inv in model.invocations
        ],
        "unread": [[u.span.start, u.span.end, u.reason] for u in model.unread],
    }


def _shown(word: str) -> str:
    """A word as written, quoted; the placeholder that stands for the code option of a program read on stdin
    (``tclsh <<< CODE`` is judged as ``tclsh OPTION CODE``) as what it is."""
    return "⟨code read on stdin⟩" if word == STDIN_CODE else repr(word)
