"""``tenmon-guard status``: is this shell guarded, by which policies, and how fast does its checker answer.

Only the shell knows whether it is guarded (its key bindings, its DEBUG trap, its checker's pipes), so the hooks
define a ``tenmon-guard`` shell function that answers ``status`` itself: it pings its checker, then calls this
command with what it found (``--hook-state KEY=VALUE``, repeated) for the printing. Called any other way (from a
shell without the hook, or as ``command tenmon-guard status``), there is no state, and the answer is "not guarded".
Exit status: 0 guarded and working, 1 not guarded or degraded.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys

EXIT_GUARDED = 0
EXIT_NOT_GUARDED = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--hook-state", action="append", default=[], metavar="KEY=VALUE", help="(from the shell hook) what it found"
    )
    parser.add_argument("--json", action="store_true", help="print the state as JSON")


def parse_state(items: list[str]) -> dict[str, str]:
    state: dict[str, str] = {}
    for item in items:
        key, _, value = item.partition("=")
        if key:
            state[key] = value
    return state


def pings_ms(state: dict[str, str]) -> list[float]:
    out = []
    for word in state.get("pings_us", "").split():
        try:
            out.append(int(word) / 1000)
        except ValueError:
            continue
    return out


def problems(state: dict[str, str]) -> list[str]:
    """What keeps the guard from working as designed in this shell."""
    found = []
    if state.get("checker_alive") != "yes":
        found.append(
            "the checker is not running: lines are judged by the policy's unknown setting"
            f" ({state.get('unknown', 'warn')}) until it restarts (on the next line)"
        )
    if state.get("enter_key") not in (None, "bound"):
        found.append("the Enter key is not bound to the guard (rebound by another tool?): only the backstop judges")
    if state.get("debug_trap") not in (None, "installed"):
        found.append("the DEBUG trap was replaced: lines accepted by keys the hook does not own are not judged")
    if state.get("ps0") not in (None, "set"):
        found.append("PS0 no longer marks the start of a line: the backstop cannot tell lines apart")
    return found


def run(args: argparse.Namespace) -> int:
    state = parse_state(args.hook_state)
    if not state:
        message = (
            "This shell is not guarded: no tenmon-guard hook is loaded in it.\n"
            "Turn it on with the line `tenmon-guard hook bash` (or zsh) prints, in ~/.bashrc or /etc/profile.d/."
        )
        if args.json:
            print(json.dumps({"guarded": False}))
        else:
            print(message)
        return EXIT_NOT_GUARDED
    found = problems(state)
    pings = pings_ms(state)
    if args.json:
        print(json.dumps({"guarded": True, "state": state, "pings_ms": pings, "problems": found}))
    else:
        print(render(state, pings, found))
    return EXIT_NOT_GUARDED if found else EXIT_GUARDED


def render(state: dict[str, str], pings: list[float], found: list[str]) -> str:
    lines = [f"This shell is guarded by tenmon-guard ({state.get('shell', '?')}, pid {state.get('shell_pid', '?')})."]
    lines.append(f"  hook:      {state.get('hook', '?')}")
    checker = state.get("checker_pid") or "-"
    lines.append(f"  checker:   pid {checker}, {'running' if state.get('checker_alive') == 'yes' else 'NOT running'}")
    policies = [p for p in state.get("policies", "").split(":") if p]
    lines.append(f"  policies:  {', '.join(policies) if policies else '(not known yet: the checker has not answered)'}")
    if pings:
        lines.append(
            f"  answers:   {statistics.median(pings):.2f} ms median, {max(pings):.2f} ms slowest"
            f" ({len(pings)} pings just now; timeout {state.get('timeout', '?')} s)"
        )
    checks = int(state.get("checks", "0") or 0)
    if checks:
        mean = int(state.get("check_total_us", "0") or 0) / checks / 1000
        slowest = int(state.get("check_max_us", "0") or 0) / 1000
        lines.append(f"  checks:    {checks} lines judged, {mean:.2f} ms mean round trip, {slowest:.2f} ms slowest")
    lines.append(f"  unknown:   {state.get('unknown', 'warn')} (what happens when the checker cannot answer)")
    for problem in found:
        lines.append(f"  PROBLEM:   {problem}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run(argparse.Namespace(hook_state=sys.argv[1:], json=False)))
