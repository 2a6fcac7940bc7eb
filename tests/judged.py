"""How the linter judges a script, for the tests that run the same script in a real shell first."""

from __future__ import annotations

from pathlib import Path

from tenmon_guard.engine import Context, Guard
from tenmon_guard.policy import load_policy
from tenmon_guard.verdict import Decision

POLICY = Path(__file__).resolve().parent.parent / "policies" / "tenmon-ark.yaml"


def policy_guard(live: Path | None = None) -> Guard:
    """The bundled policy, with the live tree at ``live`` where a test makes one."""
    return Guard(load_policy([str(POLICY)], {"live_dir": str(live)} if live is not None else {}))


def lint_decisions(guard: Guard, script: str, cwd: str = "/tmp", shell: str | None = None) -> set[Decision]:
    """The linter's verdict (tree-sitter, as it runs) and the same script read by both parsers, in ``cwd``, read
    by ``shell`` where the test says which."""
    return {
        guard.check(
            script,
            Context(
                door="lint",
                cwd=cwd,
                script_path=f"{cwd}/ops.sh",
                shell=shell,
                both_parsers=both,
                findings_only=True,
            ),
        ).decision
        for both in (False, True)
    }
