"""``NAME=value`` before a command that runs in this shell (eval, ``.``, a function, mapfile's callback, cd) is set
while it runs, and a POSIX shell keeps it after a special builtin (``:``, eval, ``.``, export ...).

The guard took such an assignment for the environment of a new process only, so what ran in this shell read the
value before it: ``x=ssh; x=node eval 'pkill $x'`` and ``x=ssh; f() { pkill $x; }; x=node f`` were allowed, and
bash runs ``pkill node``; so was ``x=ssh; x=node :; pkill $x`` in a script dash reads (dash keeps x node). Each
program here is run by the real shell named (a logging stand-in for pkill first on PATH) and must run ``pkill
node``; the linter and both parsers, told which shell reads the text, must refuse it. The mirrors are what bash
gives back after the command: allowed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from judged import lint_decisions, policy_guard
from stand_ins import logged, pkill_stand_in

from tenmon_guard.engine import Context
from tenmon_guard.verdict import Decision

IN_THIS_SHELL = [
    ("bash", "x=ssh; x=node eval 'pkill $x'"),
    ("bash", "x=ssh; f() { pkill $x; }; x=node f"),
    ("bash", "x=ssh; x=node source /dev/stdin <<< 'pkill $x'"),
    ("bash", "x=ssh; x=node command eval 'pkill $x'"),
    ("bash", "x=ssh; x=node builtin eval 'pkill $x'"),
    ("bash", "x=ssh; x=node mapfile -C 'pkill $x #' -c 1 <<< a"),
    # bash in POSIX mode keeps them too (set -o posix, shopt -so posix, POSIXLY_CORRECT; text built at run time)
    ("bash", "set -o posix; x=ssh; x=node :; pkill $x"),
    ("bash", "shopt -so posix; x=ssh; x=node eval :; pkill $x"),
    ("bash", "POSIXLY_CORRECT=1; x=ssh; x=node export y; pkill $x"),
    ("bash", 'm=posi; eval "set -o ${m}x"; x=ssh; x=node :; pkill $x'),
    ("dash", "x=ssh; x=node eval 'pkill $x'"),
    ("dash", "x=ssh; x=node :; pkill $x"),
    ("dash", "x=ssh; x=node eval :; pkill $x"),
    ("dash", "x=ssh; x=node export y=1; pkill $x"),
    ("dash", "x=ssh; x=node . /dev/null; pkill $x"),
]
# bash gives the value back after the command: pkill ssh
GIVEN_BACK = [
    'x=ssh; x=node :; pkill "$x"',
    'x=ssh; x=node eval :; pkill "$x"',
    'x=ssh; f() { :; }; x=node f; pkill "$x"',
    'x=ssh; x=node true; pkill "$x"',
]


def _ran(shell: str, program: str, tmp_path: Path) -> str:
    found = shutil.which(shell)
    assert found is not None, f"{shell} is needed: the project installs it (scripts/bootstrap.sh)"
    bin_dir, log = pkill_stand_in(tmp_path)
    done = subprocess.run(
        [found, "-c", program],
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "LC_ALL": "C"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert "not found" not in done.stderr, done.stderr
    return logged(log)


def _decisions(program: str, shell: str) -> set[Decision]:
    return lint_decisions(policy_guard(), program, shell="sh" if shell == "dash" else shell)


@pytest.mark.parametrize(("shell", "program"), IN_THIS_SHELL)
def test_an_assignment_before_it_is_what_runs_in_this_shell_sees(shell: str, program: str, tmp_path: Path) -> None:
    assert "node" in _ran(shell, program, tmp_path).split(), (shell, program)
    assert _decisions(program, shell) == {Decision.BLOCK}, (shell, program)


@pytest.mark.parametrize("program", GIVEN_BACK)
def test_bash_gives_the_value_back(program: str, tmp_path: Path) -> None:
    assert _ran("bash", program, tmp_path).split() == ["ssh"], program
    assert _decisions(program, "bash") == {Decision.ALLOW}, program


# cd reads its own assignments too (HOME for a bare cd, OLDPWD for cd -): the directory it goes to stays
MOVING = [
    "cd /tmp; HOME=LIVE cd; rm -rf dist",
    "cd /tmp; OLDPWD=LIVE cd - >/dev/null; rm -rf dist",
]


@pytest.mark.parametrize("program", MOVING)
def test_cd_goes_where_its_own_assignments_say(program: str, tmp_path: Path) -> None:
    live = tmp_path / "live"
    (live / "dist").mkdir(parents=True)
    script = program.replace("LIVE", str(live))
    subprocess.run([shutil.which("bash") or "bash", "-c", script], capture_output=True, timeout=30, check=False)
    assert not (live / "dist").exists(), f"bash left the dist: {script}"
    guard = policy_guard(live)
    for both in (False, True):
        context = Context(door="hook", cwd="/tmp", home="/root", oldpwd="/var", shell="bash", both_parsers=both)
        assert guard.check(script, context).decision == Decision.BLOCK, (script, both)
