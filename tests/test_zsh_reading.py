"""The zsh door judges what zsh runs, where zsh reads a line otherwise than bash.

The parsers read bash. ``a=(fuser -k 3000/tcp); $a`` runs ``fuser -k 3000/tcp`` in zsh (an unquoted array is all
its elements) and ``fuser`` in bash, so the hook's checker, which judged the bash reading, allowed it. A checker
serving zsh (``serve --shell zsh``) also judges zsh's reading (:mod:`tenmon_guard.zshread`) and the stricter
verdict stands. Each red-team line is run first in a real ``zsh -f`` with stand-ins that only log their argv (the
only programs on its PATH), so the test shows zsh does run the forbidden argv; near misses stay allowed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from test_hook_bash import require_program

from tenmon_guard.doors.serve import Checker, Request
from tenmon_guard.engine import Guard
from tenmon_guard.policy import load_policy
from tenmon_guard.zshread import zsh_reading

POLICY = Path(__file__).resolve().parents[1] / "policies" / "tenmon-ark.yaml"
STAND_INS = ("fuser", "pkill", "rm", "ls", "echo")

# (line, what zsh runs: the stand-in's name and arguments)
MISSES = [
    ("a=(fuser -k 3000/tcp); $a", "fuser -k 3000/tcp"),
    ("a=(rm -rf /opt/tenmon-ark-live/dist); $a", "rm -rf /opt/tenmon-ark-live/dist"),
    ("a=(x pkill); ${a[2]} node", "pkill node"),
    ("a=(x pkill); $a[2] node", "pkill node"),
    ("a=(x node); pkill $a[2]", "pkill node"),
    ("x='pkill node'; $=x", "pkill node"),
    ("x='pkill node'; ${(z)x}", "pkill node"),
    ("=pkill node", "pkill node"),
    ("=fuser -k 3000/tcp", "fuser -k 3000/tcp"),
    ("noglob pkill node", "pkill node"),
    ("repeat 1 pkill node", "pkill node"),
    ("x=/tmp/pkill; $x:t node", "pkill node"),
    ("x=PKILL; ${x:l} node", "pkill node"),
    ("x='$(pkill node)'; echo ${(e)x}", "pkill node"),
    ("a=(x y); a[1]=pkill; $a[1] node", "pkill node"),
    ("set -- x pkill; $argv[2] node", "pkill node"),
    ("l=/opt/tenmon-ark-live; rm -rf ~l/dist", "rm -rf /opt/tenmon-ark-live/dist"),
    ("hash -d l=/opt/tenmon-ark-live; rm -rf ~l/dist", "rm -rf /opt/tenmon-ark-live/dist"),
    ("a=(pkill node x); $a[1,2]", "pkill node"),
]

# the same constructs, aimed at nothing the policy protects
NEAR_MISSES = [
    "a=(ls -l); $a",
    "a=(x node); echo $a[2]",
    "=ls -l",
    "noglob echo *",
    "repeat 3 echo hi",
    "x='pkill nodex'; $=x",
    "files=(a b); rm -f $files",
    "a=(rm -rf /tmp/zsh-reading/dist); $a",
    "print -l $path",
    "x=/tmp/ls; $x:t -l",
    "x='$(echo hi)'; echo ${(e)x}",
    "l=/opt/tenmon-ark-live; ls ~l/dist",
    "set -- x ls; $argv[2] -l",
]


@pytest.fixture(scope="module")
def checkers() -> dict[str, Checker]:
    guard = Guard(load_policy([str(POLICY)], {}))
    return {"zsh": Checker(guard, "hook", "zsh"), "bash": Checker(guard, "hook")}


def judge(checker: Checker, line: str) -> str:
    return checker.judge(Request(id=1, command=line, cwd="/tmp", door="hook", audit=False)).decision


def zsh_runs(tmp_path: Path, line: str) -> str:
    """What a real ``zsh -f`` runs for ``line``: the stand-ins' log (PATH holds nothing else)."""
    zsh = require_program("zsh")
    bin_dir, log = tmp_path / "bin", tmp_path / "argv.log"
    bin_dir.mkdir()
    for name in STAND_INS:
        stand_in = bin_dir / name
        stand_in.write_text(f'#!/bin/sh\nprintf "%s\\n" "${{0##*/}} $*" >> {log}\n')
        stand_in.chmod(0o755)
    env = {"PATH": str(bin_dir), "LC_ALL": "C", "HOME": str(tmp_path)}
    subprocess.run([zsh, "-f", "-c", line], env=env, cwd=tmp_path, capture_output=True, timeout=30, check=False)
    return log.read_text() if log.exists() else ""


@pytest.mark.parametrize(("line", "runs"), MISSES)
def test_zsh_reading_is_judged(checkers: dict[str, Checker], tmp_path: Path, line: str, runs: str) -> None:
    assert zsh_runs(tmp_path, line) == runs + "\n", f"zsh does not run {runs!r} for {line!r}"
    assert judge(checkers["zsh"], line) == "block", zsh_reading(line)


@pytest.mark.parametrize("line", NEAR_MISSES)
def test_near_misses_stay_allowed(checkers: dict[str, Checker], line: str) -> None:
    assert judge(checkers["zsh"], line) == "allow", zsh_reading(line)


def test_a_bash_checker_reads_bash(checkers: dict[str, Checker]) -> None:
    """bash runs ``fuser`` alone for this line (``$a`` is the first element): a checker serving bash allows it."""
    assert judge(checkers["bash"], "a=(fuser -k 3000/tcp); $a") == "allow"


@pytest.mark.parametrize(
    ("line", "reading"),
    [
        ("a=(pkill node); $a", 'a=(pkill node); "${a[@]}"'),
        ("a=(x y); echo $a[1] ${a[-1]}", 'a=(x y); echo "${a[0]}" "${a[-1]}"'),
        ("x=pkill; echo $x[1,2]", 'x=pkill; echo "${x:0:2}"'),
        ("x='a b'; echo ${=x} $~x", "x='a b'; echo ${x} ${x}"),
        ("y=pkill; x=y; ${(P)x} node", 'y=pkill; x=y; "${!x}" node'),
        ("echo '$a[1]' \\=x \"=y\" $((a[1]))", "echo '$a[1]' \\=x \"=y\" $((a[1]))"),
        ("ls $HOME", "ls $HOME"),
        ("x=/a/b.c; ls $x:t ${x:r} $HOST:8080", 'x=/a/b.c; ls "${x##*/}" "${x%.*}" $HOST:8080'),
        ('a=(x y z); ls $a[1,2] "$a[2,3]"', 'a=(x y z); ls "${a[0]}" "${a[1]}" "${a[1]} ${a[2]}"'),
        ("a=(x); a[2]=y", "a=(x); a[1]=y"),
        ('set -- a b; ls $argv "$argv"', 'set -- a b; ls "$@" "$*"'),
        ("hash -d l=/srv/x; cd ~l/y ~ ~root", "hash -d l=/srv/x; cd /srv/x/y ~ ~root"),
    ],
)
def test_reading(line: str, reading: str) -> None:
    assert zsh_reading(line) == reading


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_an_interactive_shell_reads_double_parentheses_as_arithmetic(checkers: dict[str, Checker], shell: str) -> None:
    """FP round 16: ``(( n > 1 ))`` in the hook was also judged as sh reads it (two subshells, ``n`` run into a file
    ``1``), which in the live tree was a block; bash and zsh read arithmetic only. What runs inside still counts."""
    line = "cd /opt/tenmon-ark-live && (( n > 1 )) && echo many"
    assert judge(checkers[shell], line) == "allow"
    assert judge(checkers[shell], "(( $(pkill node) > 0 ))") == "block"
