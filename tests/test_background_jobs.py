"""``$!`` and ``$$`` as PIDs: a kill of the job a line started is judged by that job's own process.

What the builder and the knowledge base claim is checked against a real bash first: which process ``$!`` names
after ``WRAPPER CMD &`` (the command itself, for a wrapper that execs it; the wrapper, for one that stays its
parent; a subshell, for an ``&&`` list or a function), then the guard's verdicts rest on it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tenmon_guard.engine import Context, Guard
from tenmon_guard.knowledge import load_knowledge
from tenmon_guard.policy import load_policy

POLICY = Path(__file__).resolve().parent.parent / "policies" / "tenmon-ark.yaml"

# how each wrapper the knowledge base says execs its command is written before the command (its needed operands)
EXEC_WRAPPERS = {
    "nohup": "nohup",
    "env": "env",
    "nice": "nice",
    "ionice": "ionice",
    "chrt": "chrt -o 0",
    "taskset": "taskset -c 0",
    "stdbuf": "stdbuf -o0",
    "setpriv": "setpriv",
    "chroot": "chroot /",
    "exec": "exec",
    "command": "command",
}
# forms whose $! is another process than the command's: the wrapper itself (it stays the command's parent), or the
# subshell bash forks for an and-or list or a function
NOT_THE_COMMAND = {"sudo": "sudo", "timeout 60": "timeout", "true &&": "bash", "f() { sleep 9; }; f": "bash"}


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard(load_policy([str(POLICY)], {}))


def background_process_name(prefix: str) -> str:
    """The name (``/proc/PID/comm``) of the process ``$!`` names after ``PREFIX sleep 9 &`` in a real bash, once
    the sleep runs (that process itself, or a child of it: a fixed wait could read the forked shell's name first)."""
    running = '[ "$(cat /proc/"$p"/comm)" = sleep ] || pgrep -P "$p" > /dev/null'
    wait = f"for _ in $(seq 100); do {running} && break; sleep 0.05; done"
    cleanup = 'pkill -9 -P "$p"; kill -9 "$p" 2> /dev/null; true'  # (a parent may end with its child)
    script = f'{prefix} sleep 9 > /dev/null 2>&1 & p=$!; {wait}; cat /proc/"$p"/comm; {cleanup}'
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30, check=True)
    return done.stdout.strip()


def decision(guard: Guard, line: str, cwd: str = "/home/ops") -> str:
    return guard.check(line, Context(door="hook", cwd=cwd)).decision.label


def test_every_exec_wrapper_is_tried() -> None:
    assert load_knowledge().exec_wrappers == frozenset(EXEC_WRAPPERS)


@pytest.mark.parametrize("wrapper", sorted(EXEC_WRAPPERS))
def test_an_exec_wrappers_job_is_the_command_it_runs(guard: Guard, wrapper: str) -> None:
    prefix = EXEC_WRAPPERS[wrapper]
    assert background_process_name(prefix) == "sleep"
    assert decision(guard, f"{prefix} node dist/index.js & sleep 2; kill -9 $!") == "block"
    assert decision(guard, f"{prefix} sleep 30 & kill -9 $!") == "allow"


@pytest.mark.parametrize("prefix", sorted(NOT_THE_COMMAND))
def test_a_job_run_through_another_process_may_be_the_app(guard: Guard, prefix: str) -> None:
    assert background_process_name(prefix) == NOT_THE_COMMAND[prefix]
    # the process $! names is a parent of node or a shell that may exec it: not known, never allowed silently
    assert decision(guard, f"{prefix} node dist/index.js & kill -9 $!") == "warn"


def test_the_last_job_started_is_the_one_named(guard: Guard) -> None:
    assert decision(guard, "sleep 30 & node dist/index.js & kill -9 $!") == "block"
    assert decision(guard, "node dist/index.js & sleep 30 & kill -9 $!") == "allow"
    assert decision(guard, "node dist/index.js & p=$!; sleep 30 & kill -9 $p") == "block"
    assert decision(guard, "node dist/index.js | cat & kill -9 $!") == "allow"  # (the last stage's: cat's)
    assert decision(guard, "cat /dev/null | node dist/index.js & kill -9 $!") == "block"


def test_a_job_a_branch_may_not_start_is_not_known(guard: Guard) -> None:
    assert decision(guard, "if [ -e /run/x ]; then sleep 30 & fi; kill -9 $!") == "warn"
    assert decision(guard, "if [ -e /run/x ]; then node dist/index.js & fi; kill -9 $!") == "block"  # (either job)
    assert decision(guard, "if [ -e /run/x ]; then sleep 30 & else sleep 2 & fi; kill -9 $!") == "allow"
    assert decision(guard, "kill -9 $!") == "warn"  # (a job of an earlier line)
    assert decision(guard, "( node dist/index.js & ); kill -9 $!") == "warn"  # (a subshell's job is not the shell's)


def test_the_shell_itself_is_never_the_app(guard: Guard) -> None:
    assert decision(guard, "kill -9 $$") == "allow"
    assert decision(guard, "kill -9 ${$}") == "allow"
    assert decision(guard, "kill -9 $PPID") == "warn"  # (the parent may be node: a script node started)


def test_a_function_that_starts_no_job_is_not_read_again_for_it(guard: Guard) -> None:
    """Read where it is defined, a body's ``$!`` is not known; that alone is no change a call makes to the caller's
    shell (every call would be read again, and the budget of calls followed spent on nothing)."""
    model = guard.models("f() { echo a; }; f; f", Context(door="lint", both_parsers=False))[0]
    assert [inv.name for inv in model.invocations] == ["echo"]
    model = guard.models("f() { sleep 30 & }; f; kill -9 $!", Context(door="lint", both_parsers=False))[0]
    assert [inv.name for inv in model.invocations] == ["sleep", "sleep", "kill"]  # (the call's job is $!)


def test_a_job_spec_may_name_any_job_the_text_started(guard: Guard) -> None:
    """bash's kill takes job specs: one may name any job the line started (numbers are given again once jobs end)
    or one started before it (at an earlier prompt, in the shell that sources a file)."""
    assert decision(guard, "node dist/index.js & sleep 1; kill -9 %1") == "block"
    assert decision(guard, "node dist/index.js & sleep 100 & kill -9 %%") == "block"
    assert decision(guard, "node dist/index.js & command kill -9 %+") == "block"
    assert decision(guard, "sleep 100 & kill -9 %1") == "warn"  # (or a job of before)
    assert decision(guard, "kill -9 %1") == "warn"
    assert decision(guard, "f &\nkill -9 %1") == "warn"  # (a job whose process is not known)
    assert decision(guard, "sleep 100 & kill %1; kill -STOP %1; kill -l %1") == "allow"  # (no SIGKILL)
