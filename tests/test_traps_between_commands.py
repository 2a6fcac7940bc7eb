"""A trap on anything but EXIT may run between any two later commands: before each (DEBUG), after one that fails
(ERR), as a function returns (RETURN), when a signal comes. What its action changes is then what the next command
sees. The action was judged where it was set, in a copy of the shell that was dropped, so ``trap 'x=node' DEBUG;
x=ssh; pkill $x`` was allowed, and bash runs ``pkill node``. Each program here is run by a real bash (a logging
stand-in for pkill first on PATH) and must make it run ``pkill node`` or remove the live dist; the linter (and both
parsers) must then never allow it. The mirrors are the same actions where they cannot run before the command: on
EXIT, or ending in ``exit``. A callback of mapfile (``-C``) runs in this shell as lines are read, as a trap does.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from judged import lint_decisions, policy_guard
from stand_ins import logged, pkill_stand_in, run_bash

from tenmon_guard.engine import Context
from tenmon_guard.verdict import Decision

BETWEEN = [
    "trap 'x=node' DEBUG; x=ssh; pkill $x",
    "trap 'x=node' ERR; x=ssh; false; pkill $x",
    "set -T; trap 'x=node' RETURN; f() { :; }; x=ssh; f; pkill $x",
    "x=ssh; f() { x=node; }; trap f DEBUG; pkill $x",
    "trap f DEBUG; f() { x=node; }; x=ssh; pkill $x",
    "trap 'y=node' DEBUG; y=ssh; for x in 1; do pkill $y; done",
    "trap 'x=node' USR1; x=ssh; kill -USR1 $$; pkill $x",
    "trap 'x=node; [ -e /nonexistent ] && exit' ERR; x=ssh; false; pkill $x",
    "trap 'cd LIVE' DEBUG; cd /tmp; rm -rf dist",
    # mapfile's callback runs in this shell too, as lines are read (it was judged in a copy that was dropped)
    "y=ssh; mapfile -C 'y=node #' -c 1 <<< x; pkill $y",
    "y=ssh; f() { y=node; }; mapfile -C f -c 1 <<< x; pkill $y",
]

# the action cannot run before the command: on EXIT, or it ends the shell
AT_EXIT = [
    "trap 'x=node' EXIT; x=ssh; pkill \"$x\"",
    "trap 'x=node; exit 1' ERR; x=ssh; pkill \"$x\"",
    "trap 'x=node\nexit 2' INT TERM; x=ssh; pkill \"$x\"",
    "x=ssh; mapfile -C 'echo >/dev/null #' -c 1 <<< a; pkill \"$x\"",
]


@pytest.fixture
def live(tmp_path: Path) -> Path:
    (tmp_path / "live" / "dist").mkdir(parents=True)
    return tmp_path / "live"


def _bash_ran(program: str, tmp_path: Path) -> str:
    bin_dir, log = pkill_stand_in(tmp_path)
    done = run_bash(["-c", program], bin_dir)
    assert "command not found" not in done.stderr, done.stderr
    return logged(log)


@pytest.mark.parametrize("program", BETWEEN)
def test_what_a_trap_changes_reaches_later_commands(program: str, tmp_path: Path, live: Path) -> None:
    script = program.replace("LIVE", str(live))
    ran = _bash_ran(script, tmp_path)
    assert "node" in ran.split() or not (live / "dist").exists(), f"bash did not break the app: {script}"
    guard = policy_guard(live)
    decided = lint_decisions(guard, script)
    assert Decision.ALLOW not in decided, (script, decided)


@pytest.mark.parametrize("program", AT_EXIT)
def test_an_action_that_cannot_run_before_is_not_a_doubt(program: str, tmp_path: Path, live: Path) -> None:
    assert _bash_ran(program, tmp_path).split() == ["ssh"], program
    guard = policy_guard(live)
    assert lint_decisions(guard, program) == {Decision.ALLOW}, program


# zsh runs a function named TRAPDEBUG after each command, TRAPZERR after a failing one, chpwd at each cd: as ``trap
# TEXT DEBUG``
ZSH_TRAP_FUNCTIONS = [
    "TRAPDEBUG() { x=node; }; x=ssh; pkill $x",
    "TRAPZERR() { x=node; }; x=ssh; false; pkill $x",
    "chpwd() { x=node; }; x=ssh; cd /; pkill $x",  # (chpwd runs at each cd)
]


@pytest.mark.parametrize("program", ZSH_TRAP_FUNCTIONS)
def test_a_zsh_trap_function_changes_later_commands(program: str, tmp_path: Path) -> None:
    zsh = shutil.which("zsh")
    assert zsh is not None, "zsh is needed: the project installs it (scripts/bootstrap.sh)"
    bin_dir, log = pkill_stand_in(tmp_path)
    done = subprocess.run(
        [zsh, "-f", "-c", program],
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "LC_ALL": "C"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert "node" in logged(log).split(), (program, done.stderr)
    guard = policy_guard()
    verdict = guard.check(program, Context(cwd=str(tmp_path), shell="zsh", door="hook"))
    assert verdict.decision != Decision.ALLOW, (program, verdict)


# A trap's action that calls a function runs that body in the shell as it is then: the variables the body reads
# count, not only those the action's own text names (they were a doubt: the action was not judged again after X
# changed, and the body, read where it was defined, saw X unset)
FUNCTION_READS = [
    "f() { pkill $X; }; trap f EXIT; X=node",
    "f() { g; }; g() { pkill $X; }; trap f EXIT; X=ssh; X=node",
    "f() { pkill $X; }; X=ssh; trap 'f' USR1; X=node; kill -USR1 $$",
]


@pytest.mark.parametrize("program", FUNCTION_READS)
def test_a_trap_function_reads_the_variables_as_they_are_when_it_runs(program: str, tmp_path: Path) -> None:
    assert "node" in _bash_ran(program, tmp_path).split(), program
    assert lint_decisions(policy_guard(), program) == {Decision.BLOCK}, program


def test_a_trap_function_reading_a_harmless_value_is_allowed(tmp_path: Path) -> None:
    program = "X=ssh; f() { pkill $X; }; trap f EXIT; X=sshd"
    assert _bash_ran(program, tmp_path).split() == ["sshd"]
    assert lint_decisions(policy_guard(), program) == {Decision.ALLOW}
