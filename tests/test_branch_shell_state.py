"""After commands that may not run, what else of the shell they change (aliases, the hash table, attributes, the
positional parameters, the options, the directory stack) may be either way too.

Stop 26 joined the variables, the cwd and the functions where a part may not run; the rest of the shell was still
read straight through, and the path read last won. So ``alias pkill=true; [ -e F ] && unalias pkill; pkill node``
(in a script that expands aliases) and ``if [ -e F ]; then hash -p /bin/true pkill; else pkill node; fi`` were
allowed though bash runs ``pkill node`` on one of the paths, and ``unalias`` was not read at all. Each program here
is run by a real bash once with the file F and once without, a logging stand-in for pkill first on PATH, and must
make bash run ``pkill node`` (or remove the live dist) on at least one of them; the linter, which reads a script as
``bash FILE`` does, must then refuse it, or say it cannot tell (a warning) where the engine keeps no alternatives.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from stand_ins import logged, pkill_stand_in

from tenmon_guard.engine import Context, Guard
from tenmon_guard.policy import load_policy
from tenmon_guard.verdict import Decision

POLICY = Path(__file__).resolve().parent.parent / "policies" / "tenmon-ark.yaml"
BASH = shutil.which("bash") or "bash"  # no skip: without bash the run fails, and says why
ALIASES = "shopt -s expand_aliases\n"  # (a script expands no alias without it)

# judged exactly: refused
REFUSED = [
    ALIASES + "alias pkill=true\n[ -e F ] && unalias pkill\npkill node",
    ALIASES + "alias pkill=true\nif [ -e F ]; then :; else unalias pkill; fi\npkill node",
    ALIASES + "if [ -e F ]; then alias pkill=true; fi\npkill node",
    ALIASES + "alias k='pkill ssh'\n[ -e F ] || alias k='pkill node'\nk",
    ALIASES + "alias k='pkill node'\n[ -e F ] && alias k='pkill ssh'\nk",
    "if [ -e F ]; then shopt -s expand_aliases; fi\nalias pkill=true\npkill node",
    # unalias, read at all (not only where it may not run)
    ALIASES + "alias pkill=true\nunalias pkill\npkill node",
    ALIASES + "alias pkill=true\nunalias -a\npkill node",
    # (bash's manual: unsetting an element of BASH_ALIASES does not remove the alias; bash 5.2 keeps it)
    ALIASES + "alias k='pkill node'\nunset 'BASH_ALIASES[k]'\nk",
    # the hash table: the else branch starts from the table the condition left
    "if [ -e F ]; then hash -p /bin/true pkill; else pkill node; fi",
    "case $(ls F 2>/dev/null) in F) hash -p /bin/true pkill;; *) pkill node;; esac",
    "hash -p PKILL k; [ -e F ] && hash -r; k node",
    "hash -p /bin/true pkill; [ -e F ] && hash -d pkill; pkill node",
    "hash -p /bin/ls k; [ -e F ] && hash -p PKILL k; k node",
    "f() { hash -p /bin/true pkill; }; [ -e F ] && f() { :; }; f; pkill node",
    "f() { :; }; [ -e F ] && f() { hash -p /bin/true pkill; }; f; pkill node",
    # an alias's other text runs in this shell too: the cwd it leaves is joined
    ALIASES + "alias go='cd LIVE'\n[ -e F ] && alias go='cd OUT'\ngo\nrm -rf dist",
    # an attribute set in one branch is not the other's
    'if [ -e F ]; then declare -u x; else x=node; pkill "$x"; fi',
    # a case attribute that may not be given: what is assigned holds either value
    'x=NODE; declare -l x; [ -e F ] && declare +l x; x=NODE; pkill "$x"',
    'x=node; [ -e F ] && declare -u x; x=node; pkill "$x"',
    # what a function's body changes of the rest of the shell reaches its caller
    "f() { hash -p PKILL k; }; f; k node",
    "f() { declare -gn r=a; }; a=node; f; pkill $r",
    # a name a body or a trap runs is looked up in the hash table as it is when it runs, not where it was read
    "f() { k node; }; hash -p PKILL k; f",
    "f() { ls node; }; [ -e F ] || hash -p PKILL ls; f",
    "trap 'k node' EXIT; hash -p PKILL k",
    # IFS splits what the body expands, as it is when it runs
    "cmd='pkill:node'; f() { $cmd; }; [ -e F ] && IFS=:; f",
    # and the options as they are when it runs (xpg_echo: echo decodes \0151, an i)
    "f() { echo 'pk\\0151ll node' | sh; }; [ -e F ] && shopt -s xpg_echo; f",
    # a local that may not be made: after the call, the caller's value or the body's
    "x=ssh; f() { [ -e F ] && local x; x=node; }; f; pkill $x",
    "x=ssh; f() { if [ -e F ]; then declare x; fi; x=node; }; f; pkill $x",
    # a file the line wrote and wrote again where that may not run holds either text
    "echo 'pkill node' > run.sh; [ -e F ] && echo 'echo hi' > run.sh; . ./run.sh",
    "echo 'pkill node' > run.sh; if [ -e F ]; then echo 'echo hi' > run.sh; fi; bash run.sh",
    # a copy of a program made anew where that may not run: the copy made before may be what runs
    "cp PKILL k; [ -e F ] && cp /bin/true k; ./k node",
    "cp /bin/true k; [ -e F ] || cp PKILL k; ./k node",
    # (and, run anywhere: a text written over a copy runs as a script; ln -sf onto a link to a file replaces the
    # link, not the file it led to)
    "cp /bin/true k; echo 'pkill node' > k; ./k",
    "ln -s PKILL k; ln -sf /bin/true k; PKILL node",
    # a loop's next pass starts from where the last left: what a pass sets, the next reads
    "x=ssh; for i in $(seq 2); do pkill $x; x=node; done",
    "x=ssh; n=0; while [ $n -lt 2 ]; do pkill $x; x=node; n=$((n+1)); done",
    "x=ssh; n=0; until [ $n = 2 ]; do pkill $x; x=node; n=$((n+1)); done",
    "x=ssh; for ((i=0;i<2;i++)); do pkill $x; x=node; done",
    "a=ssh; b=$a; for i in $(seq 3); do pkill $b; b=$a; a=node; done",
    "a=ssh; b=$a; for i in z $(seq 2); do pkill $b; b=$a; a=node; done",
    # and a for ((...)) may run no pass at all
    "x=node; for ((i=0;i<0;i++)); do x=ssh; done; pkill $x",
    # the positional parameters hold either value, as variables do
    'set -- node; [ -e F ] && set -- ssh; pkill "$1"',
    'set -- node ssh; [ -e F ] && shift; pkill "$1"',
    'set -- ssh node; [ -e F ] && shift; pkill "$1"',
    'set -- node; [ -e F ] && set -- ssh; pkill "$@"',
    # IFS splits every expansion: the command is read with each value it may hold
    "IFS=:; [ -e F ] && IFS=' '; x='pkill node'; $x",
]

# where the engine keeps no alternatives (a reference, the stack, a link made anew, a text over a copy): a doubt
DOUBTED = [
    "ln -s PKILL k; [ -e F ] && ln -sf /bin/true k; ./k node",
    "cp /bin/true k; [ -e F ] && echo 'pkill node' > k; ./k",
    "r=node; [ -e F ] && declare -n r=a; a=ssh; pkill $r",
    # a write through a reference that may not be made, or is to a variable not known, lands where is not known
    "x=ssh; f() { [ -e F ] && local -n x=y; x=node; }; f; pkill $x",
    "y=ssh; [ -e F ] && declare -n x=y; x=node; pkill $y",
    "a=(ssh); [ -e F ] && declare -n x='a[0]'; x=node; pkill ${a[0]}",
    "x=ssh; declare -n r=$(ls F 2>/dev/null | tr F x); r=node; pkill $x",
    'x=ssh; f() { local -n r=$1; r=node; }; f "$(ls F 2>/dev/null | tr F x)"; pkill $x',
    "cd OUT; pushd LIVE; pushd /; [ -e F ] && popd; popd; rm -rf dist",
    "cd OUT; pushd LIVE; pushd /; if [ -e F ]; then popd -n; fi; popd; rm -rf dist",
    "cd OUT; pushd LIVE; pushd /; [ -e F ] && popd; cd ~1; rm -rf dist",
]


def _written(program: str, work: Path, live: Path, pkill: Path) -> str:
    return program.replace("PKILL", str(pkill)).replace("LIVE", str(live)).replace("OUT", str(work / "out"))


def _bash_breaks_the_app(script: str, work: Path, live: Path, bin_dir: Path, log: Path) -> bool:
    """Does bash, with F and without it, run ``pkill node`` or remove the live dist on either path?"""
    broke = False
    for present in (False, True):
        (live / "dist").mkdir(parents=True, exist_ok=True)
        (work / "out").mkdir(exist_ok=True)
        (work / "F").unlink(missing_ok=True)
        if present:
            (work / "F").touch()
        log.unlink(missing_ok=True)
        done = subprocess.run(
            [BASH, "--norc", "--noprofile", "-c", script],
            cwd=work,
            env={"PATH": f"{bin_dir}:/usr/bin:/bin", "LC_ALL": "C", "HOME": str(work)},
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert "pkill: command not found" not in done.stderr, done.stderr  # (the stand-in is there)
        broke = broke or "node" in logged(log).split() or not (live / "dist").exists()
    (work / "F").unlink(missing_ok=True)
    return broke


@pytest.fixture
def setting(tmp_path: Path) -> tuple[Guard, Path, Path, Path, Path]:
    live = tmp_path / "live"
    work = tmp_path / "work"
    work.mkdir()
    bin_dir, log = pkill_stand_in(tmp_path)
    guard = Guard(load_policy([str(POLICY)], {"live_dir": str(live)}))
    return guard, work, live, bin_dir, log


def _decisions(guard: Guard, script: str, work: Path) -> dict[str, Decision]:
    """The linter's verdict (tree-sitter, as it runs) and the same script read by both parsers."""
    decided = {}
    for both in (False, True):
        context = Context(
            door="lint", cwd=str(work), script_path=str(work / "ops.sh"), both_parsers=both, findings_only=True
        )
        decided["both parsers" if both else "linter"] = guard.check(script, context).decision
    return decided


@pytest.mark.parametrize(
    ("program", "exact"), [*((p, True) for p in REFUSED), *((p, False) for p in DOUBTED)], ids=[*REFUSED, *DOUBTED]
)
def test_what_may_not_run_is_judged_each_way(
    program: str, exact: bool, setting: tuple[Guard, Path, Path, Path, Path]
) -> None:
    """Refused where the engine keeps the alternatives (``exact``), else at least a doubt: never allowed."""
    guard, work, live, bin_dir, log = setting
    script = _written(program, work, live, bin_dir / "pkill")
    assert _bash_breaks_the_app(script, work, live, bin_dir, log), f"bash never broke the app: {script!r}"
    decided = _decisions(guard, script, work)
    if exact:
        assert set(decided.values()) == {Decision.BLOCK}, (script, decided)
    else:
        assert Decision.ALLOW not in decided.values(), (script, decided)
