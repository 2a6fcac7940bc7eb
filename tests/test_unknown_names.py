"""A variable written whose name is not known (``printf -v "$1"``, ``read "$1"``, ``declare "$1=v"``, a nameref to
``$1``, ``(( $1 = 1 ))``, ``unset "$1"``, ``${!1:=v}``) may be any variable: none is known after it. And what bash
itself sets is not what was assigned before: BASH_REMATCH after ``=~``, the descriptor ``{fd}>FILE`` opens,
FUNCNAME in a function.

These were each read as writing nothing, so the guard went on with the values it had: ``x=ssh; printf -v "$1" %s
node; pkill $x`` was allowed, and bash, given ``x`` as $1, runs ``pkill node``. Each program here is run by a real
bash with $1 = x (a logging stand-in for pkill first on PATH) and must make it run ``pkill node``; the linter (and
both parsers) must then never allow it. Where the name is known the write is followed as before: the mirrors are
allowed, so the doubt is not just every such command.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from judged import lint_decisions, policy_guard
from stand_ins import logged, pkill_stand_in, run_bash

from tenmon_guard.engine import Guard
from tenmon_guard.verdict import Decision

UNKNOWN_NAMES = [
    'x=ssh; printf -v "$1" %s node; pkill $x',
    'x=ssh; f() { printf -v "$1" %s node; }; f "$1"; pkill $x',
    'x=ssh; read -r "$1" <<< node; pkill $x',
    'x=ssh; read -ra "$1" <<< node; pkill $x',
    'x=ssh; mapfile -t "$1" <<< node; pkill $x',
    'x=ssh; declare "$1=node"; pkill $x',
    'x=ssh; declare -g "$1"=node; pkill $x',
    'x=ssh; export "$1=node"; pkill $x',
    'x=ssh; readonly "$1"=node; pkill $x',
    'x=ssh; typeset "$1"=node; pkill $x',
    'x=ssh; f() { local "$1=node"; pkill $x; }; f "$1"',
    'x=ssh; declare -n r="$1"; r=node; pkill $x',
    "a=(ssh node); x=0; (( $1 = 1 )); pkill ${a[x]}",
    'a=(ssh node); x=0; let "$1=1"; pkill ${a[x]}',
    "a=(ssh node); x=0; : $(( $1 += 1 )); pkill ${a[x]}",
    'x=ssh; unset "$1"; pkill ${x:-node}',
    'unset x; : ${!1:=node}; pkill "${x:-ssh}"',
    # and what bash itself sets, to a value not known here: the match of =~, a descriptor it opens (10 or more)
    "BASH_REMATCH=(ssh); [[ node =~ n.* ]]; pkill ${BASH_REMATCH[0]}",
    "a=(ssh ssh ssh ssh ssh ssh ssh ssh ssh ssh node); x=0; exec {x}>/dev/null; pkill ${a[x]}",
    "a=(ssh ssh ssh ssh ssh ssh ssh ssh ssh ssh node); x=0; : {x}>/dev/null; pkill ${a[x]}",
    # (FUNCNAME is the name of the function called: bash ignores what is assigned to it)
    "FUNCNAME=ssh; node() { pkill $FUNCNAME; }; node",
]

# and a name not known that the shell's other tables take: $1 given as written here (PKILL: the stand-in)
OTHER_TABLES = [
    ('hash -p /bin/true pkill; hash -d "$1"; pkill node', "pkill"),
    ('hash -p /bin/true pkill; hash "$1"; pkill node', "-r"),
    ('hash -p PKILL "$1"; ls node', "ls"),
    ('shopt -s expand_aliases\nalias pkill=true\nshopt -u "$1"\npkill node', "expand_aliases"),
    ('shopt -s expand_aliases\nalias "$1"\nls', "ls=pkill node"),
]

# the same writes to a name that is known: followed, and harmless
KNOWN_NAMES = [
    'x=ssh; printf -v y %s node; pkill "$x"',
    'x=ssh; f() { printf -v "$1" %s node; }; f y; pkill "$x"',
    'x=ssh; read -r y <<< node; pkill "$x"',
    'x=ssh; declare y=node; pkill "$x"',
    'x=ssh; declare -p "$1" >/dev/null; pkill "$x"',
    'x=ssh; f() { local -n r=$1; r=node; }; f y; pkill "$x"',
    'a=(ssh node); x=0; (( y = 1 )); pkill "${a[x]}"',
    'x=ssh; exec {y}>/dev/null; pkill "$x"',
    'ssh() { pkill "$FUNCNAME"; }; ssh',
]


@pytest.fixture(scope="module")
def guard() -> Guard:
    return policy_guard()


def _bash_ran(program: str, tmp_path: Path, argument: str = "x") -> str:
    bin_dir, log = pkill_stand_in(tmp_path)
    done = run_bash(["-c", program.replace("PKILL", str(bin_dir / "pkill")), "ops.sh", argument], bin_dir)
    assert "command not found" not in done.stderr, done.stderr
    return logged(log)


@pytest.mark.parametrize("program", UNKNOWN_NAMES)
def test_a_name_not_known_may_be_any_variable(program: str, guard: Guard, tmp_path: Path) -> None:
    assert "node" in _bash_ran(program, tmp_path).split(), f"bash did not run pkill node: {program}"
    decided = lint_decisions(guard, program)
    assert Decision.ALLOW not in decided, (program, decided)


@pytest.mark.parametrize(("program", "argument"), OTHER_TABLES)
def test_a_name_not_known_may_be_any_entry(program: str, argument: str, guard: Guard, tmp_path: Path) -> None:
    """Functions, the hash table, aliases and options, by a name not known: any may be the one changed."""
    assert "node" in _bash_ran(program, tmp_path, argument).split(), f"bash did not run pkill node: {program}"
    decided = lint_decisions(guard, program.replace("PKILL", "/usr/bin/pkill"))
    assert Decision.ALLOW not in decided, (program, decided)


@pytest.mark.parametrize("program", KNOWN_NAMES)
def test_a_known_name_is_followed(program: str, guard: Guard, tmp_path: Path) -> None:
    assert _bash_ran(program, tmp_path).split() == ["ssh"], program
    assert lint_decisions(guard, program) == {Decision.ALLOW}, program
