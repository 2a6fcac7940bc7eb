"""``tenmon-guard policy validate|test [PATH...]``: check policy files, and run every rule's examples.

With no PATH, the policy the guard would use here (DESIGN.md's lookup) is checked.
"""

from __future__ import annotations

import argparse
import sys

from tenmon_guard.cli_common import EXIT_BLOCK, EXIT_OK, add_policy_arguments, load_from_args
from tenmon_guard.policy.types import Policy, Rule
from tenmon_guard.verdict import Decision


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("validate", "test"))
    parser.add_argument("paths", nargs="*", metavar="PATH", help="policy files or directories")
    add_policy_arguments(parser)


def run(args: argparse.Namespace) -> int:
    args.policy = list(args.policy) + list(args.paths)
    policy = load_from_args(args)
    if args.action == "validate":
        print(f"ok: {len(policy.rules)} rules from {', '.join(policy.sources)}")
        return EXIT_OK
    return _test(policy)


def example_failures(policy: Policy) -> tuple[int, list[str]]:
    """Run each rule's examples through the engine; returns (examples run, failure lines)."""
    from tenmon_guard.engine import Context, Guard

    guard = Guard(policy)
    context = Context(door="check", cwd="/")
    failures: list[str] = []
    count = 0
    for rule in policy.rules:
        for expected, commands in (
            (Decision.BLOCK, rule.examples.block),
            (Decision.WARN, rule.examples.warn),
            (Decision.ALLOW, rule.examples.allow),
        ):
            for command in commands:
                count += 1
                problem = _example_problem(guard.check(command, context), rule, expected)
                if problem:
                    failures.append(f"{rule.source}: {rule.id}: {expected.label} example {command!r}: {problem}")
    return count, failures


def _example_problem(verdict: object, rule: Rule, expected: Decision) -> str | None:
    from tenmon_guard.verdict import Verdict

    assert isinstance(verdict, Verdict)
    mine = [f for f in verdict.findings if f.rule == rule.id]
    got = ", ".join(f"{f.rule}={f.decision.label}" for f in verdict.findings) or "no findings"
    if expected == Decision.ALLOW:
        return None if verdict.decision == Decision.ALLOW else f"expected allow, got {verdict.decision.label} ({got})"
    if not any(f.decision == expected for f in mine):
        return f"expected {rule.id} to {expected.label}, got {verdict.decision.label} ({got})"
    return None


def _test(policy: Policy) -> int:
    count, failures = example_failures(policy)
    for line in failures:
        print(line, file=sys.stderr)
    print(f"{count - len(failures)} passed, {len(failures)} failed")
    return EXIT_BLOCK if failures else EXIT_OK
