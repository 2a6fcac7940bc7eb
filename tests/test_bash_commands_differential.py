"""Every guarded command bash really runs is in the model, with the arguments the model says it knows.

The word test (tests/test_bash_differential.py) checks expansions; this one checks what runs. A temporary
directory of stand-ins for the commands the rules name (rm, cp, mv, kill, pkill, fuser, rsync, systemctl) comes
first on PATH; each only appends its name and arguments to a log. Random command lines (wrappers, quoting of the
command name, eval, bash -c, xargs, pipelines) run in a real bash with that PATH, and each logged call must be an
invocation of the model with the same name, whose known arguments are the logged ones. A call bash makes that the
model does not have is a command the guard never judged.

Nothing here can touch the machine: the stand-ins only write the log, no wrapper in the pool searches another PATH
(no sudo, ``env -i`` or ``command -p``), and the arguments name paths that do not exist.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenmon_guard.builder import Builder
from tenmon_guard.engine import parse_bashlex_first, parse_tree_sitter_first
from tenmon_guard.model import Invocation, ShellAtStart

BASH = shutil.which("bash") or "bash"  # no skip: without bash the run fails, and says why
GUARDED = ("rm", "cp", "mv", "kill", "pkill", "fuser", "rsync", "systemctl")
# the program's own name is written in (``exec -a NAME`` changes $0, not what runs)
STAND_IN = "#!/bin/sh\n{{ printf '%s\\037' {name} \"$@\"; printf '\\036'; }} >> \"$TG_LOG\"\n"

NAMES = ["rm", "'rm'", '"r"m', "r\\m", "$'\\x72m'", "\\rm", "pkill", "kill", "cp", "mv", "rsync", "fuser", "$c"]
WRAPPERS = [
    "",
    "env ",
    "env X=1 ",
    "command ",
    "nice -n 5 ",
    "timeout 5 ",
    "exec ",
    "X=1 ",
    "builtin command ",
    "time ",
    "env -u X ",
    "env -- ",
    "nice -- ",
    "stdbuf -o0 ",
    "ionice -c3 ",
    "timeout -s KILL 5 ",
    "nohup ",
    "command -- ",
    "exec -a foo ",
]
ARGS = ["-rf", "-9", "-f", "/opt/tenmon-ark-live", "/opt/tenmon-ark-live/dist", "x", "$p", '"$p"', "--", "-k", "node"]
SHAPES = [
    "{w}{n} {a}",
    "eval '{w}{n} {a}'",
    "bash -c '{w}{n} {a}'",
    "sh -c '{w}{n} {a} \"$@\"' sh x",
    "echo {a} | xargs {n}",
    "true && {w}{n} {a}",
    "false || {w}{n} {a}",
    "( {w}{n} {a} )",
    "{{ {w}{n} {a}; }}",
    "if true; then {w}{n} {a}; fi",
    "for i in 1; do {w}{n} {a}; done",
    "f() {{ {w}{n} {a}; }}; f",
    'f() {{ "$@"; }}; f {w}{n} {a}',
    'f() {{ shift; "$@"; }}; f x {w}{n} {a}',
    'f() {{ {w}"${{@:2}}"; }}; f x {n} {a}',
    "f() {{ {w}$1 {a}; }}; f {n}",
    'f() {{ g "$@"; }}; g() {{ {w}"$@"; }}; f {n} {a}',
    # parameter forms of a call's arguments
    'f() {{ {w}"${{1:-rm}}" {a}; }}; f',
    'f() {{ {w}"${{1:-x}}" {a}; }}; f {n}',
    "f() {{ {w}${{1:+pkill}} {a}; }}; f x",
    'f() {{ {w}"${{2-rm}}" {a}; }}; f {n}',
    'f() {{ {w}"${{2:-rm}}" {a}; }}; f x ""; f y {n}',
    "f() {{ {w}${{10}} {a}; }}; f 1 2 3 4 5 6 7 8 9 {n}",
    "echo $({w}{n} {a})",
    "bash <<< '{w}{n} {a}'",
    "echo '{w}{n} {a}' | sh",
    "xargs -I{{}} {n} {{}} {a} <<< x",
    "find . -maxdepth 0 -exec {n} {a} {{}} \\;",
    "{w}{n} {a} >/dev/null 2>&1 & wait",
    "x=$({w}{n} {a})",
    "[ -d / ] && {w}{n} {a}",
    # arrays built every way, and a function that sets a variable for its caller
    'a=({n} {a}); {w}"${{a[@]}}"',
    'a[0]={n}; a[1]=-f; {w}"${{a[@]}}" {a}',
    "a=(); a+=({n}); a+=({a}); {w}${{a[@]}}",
    "a=([3]={n}); {w}${{a[3]}} {a}",
    'declare -a a=({n} {a}); {w}"${{a[@]}}"',
    "declare -A m=([k]={n} [j]=x); {w}${{m[k]}} {a}",
    "g() {{ c={n}; }}; g; {w}$c {a}",
    "g() {{ local c={n}; }}; g; {w}$c {a}",
    # read and mapfile from known text, a loop over the lines read
    "read -r x y <<< '{n} {a}'; {w}$x $y",
    'read -a a <<< "{n} {a}"; {w}"${{a[@]}}"',
    "mapfile -t a <<< '{n}'; {w}${{a[0]}} {a}",
    "while read l; do {w}$l; done <<< '{n} {a}'",
    "echo '{n} {a}' | while IFS= read -r l; do {w}$l; done",
    # substitutions bash runs while it evaluates a subscript or an arithmetic value
    "a[$({w}{n} {a})]=1",
    "printf -v 'a[$({w}{n} {a})]' %s x",
    "read 'a[$({w}{n} {a})]' <<< x",
    "declare 'a[$({w}{n} {a})]=1'",
    "test -v 'a[$({w}{n} {a})]'",
    "[[ -v 'a[$({w}{n} {a})]' ]]",
    # (``[[ ]]`` does not split what it expands: the name is the whole value)
    "x='a[$({w}{n} {a})]'; [[ -v $x ]]",
    "x='a[$({w}{n} {a})]'; [[ ! -v $x || -v $x ]]",
    "let 'a[$({w}{n} {a})]'",
    "unset 'a[$({w}{n} {a})]'",
    "x='a[$({w}{n} {a})]'; (( x ))",
    "x='a[$({w}{n} {a})]'; y=x; echo $(( y ))",
    "x='a[$({w}{n} {a})]'; [[ x -eq 0 ]]",
    # arithmetic evaluates the value of each variable it names: subscripts, offsets, indirections, namerefs
    "x='b[$({w}{n} {a})]'; echo ${{a[x]}}",
    "x='b[$({w}{n} {a})]'; s=abc; echo ${{s:x}}",
    "x='b[$({w}{n} {a})]'; r=(1 2); echo ${{r[@]:0:x}}",
    "x='a[$({w}{n} {a})]'; echo ${{!x}}",
    "declare -n r='a[$({w}{n} {a})]'; echo $r",
    "x='b[$({w}{n} {a})]'; a[x]=1",
    "x='b[$({w}{n} {a})]'; a=([x]=1)",
    "x='b[$({w}{n} {a})]'; declare a[x]=1",
    "x='b[$({w}{n} {a})]'; printf -v 'a[x]' %s 1",
    "x='b[$({w}{n} {a})]'; declare -a a; [[ -v a[x] ]]",
    "x='b[$({w}{n} {a})]'; for ((i = x; i < 0; i++)); do :; done",
    "x='c[$({w}{n} {a})]'; exec {{a[x]}}>/dev/null",
    "true & wait -p 'a[$({w}{n} {a})]' $!",
    "bash --rcfile <(echo '{w}{n} {a}') -i -c true </dev/null 2>/dev/null",
    "set -- a b; x='b[$({w}{n} {a})]'; echo \"${{@:x}}\"",
    # bash's aliases as an array, and a shell reading its commands on stdin
    "printf '%s\\n' 'shopt -s expand_aliases' 'BASH_ALIASES[k]={n}' 'k {a}' | bash",
    "bash -s <<< 'exec 0< <(echo {n} x)'",
]
PRELUDE = "c=rm; p=/opt/tenmon-ark-live/dist; "


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("commands")
    bin_dir = root / "bin"
    bin_dir.mkdir()
    for name in GUARDED:
        path = bin_dir / name
        path.write_text(STAND_IN.format(name=name), encoding="utf-8")
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    (root / "work").mkdir()
    return root


def _bash_calls(line: str, sandbox: Path) -> list[tuple[str, ...]] | None:
    log = sandbox / "log"
    log.write_bytes(b"")
    env = {
        "PATH": f"{sandbox / 'bin'}:/usr/bin:/bin",
        "TG_LOG": str(log),
        "HOME": str(sandbox / "work"),
        "LC_ALL": "C",
    }
    try:
        done = subprocess.run(
            [BASH, "--norc", "--noprofile", "-c", PRELUDE + line],
            capture_output=True,
            cwd=sandbox / "work",
            env=env,
            timeout=10,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    if b"syntax error" in done.stderr:
        return None
    records = log.read_bytes().split(b"\x1e")[:-1]
    return [tuple(r.decode("utf-8", "surrogateescape").split("\x1f")[:-1]) for r in records]


def _model(line: str, parse: object) -> list[Invocation] | None:
    text = PRELUDE + line
    model = Builder(parse).build(text, parse(text), ("test",), ShellAtStart(cwd="/tmp"))  # type: ignore[arg-type,operator]
    return None if model.unread else list(model.invocations)


def _matches(call: tuple[str, ...], inv: Invocation) -> bool:
    if inv.name != call[0]:
        return False
    args = [w.value for w in inv.args]
    if None in args:
        return True  # not all known: the guard judges it as not known, which is what matters here
    return tuple(args) == call[1:]


def _compare(line: str, sandbox: Path) -> int:
    """How many parsers' readings were held to what bash ran (0 when bash ran no stand-in or no parser read it)."""
    calls = _bash_calls(line, sandbox)
    if not calls:
        return 0
    compared = 0
    for parse in (parse_tree_sitter_first, parse_bashlex_first):
        invocations = _model(line, parse)
        if invocations is None:
            continue
        compared += 1
        missing = [c for c in calls if not any(_matches(c, inv) for inv in invocations)]
        seen = [(inv.name, [w.value for w in inv.args]) for inv in invocations]
        assert not missing, f"{parse.__name__}: {line!r}: bash ran {missing}, the model has {seen}"
    return compared


FIXED = [
    "rm -rf /opt/tenmon-ark-live",
    "env X=1 nice -n 5 timeout 5 rm -rf $p",
    "eval 'r''m -rf \"$p\"'",
    "bash -c 'pkill -9 node'",
    "echo /opt/tenmon-ark-live | xargs rm -rf",
    "$c -rf $p",
    "time -p rm -f x",
    "f() { pkill -9 node; }; f",  # (kill itself is bash's builtin: no stand-in sees it)
    'run() { echo "+ $*"; "$@"; }; run rm -rf "$p"',
    'f() { shift; "$@"; }; f x pkill -9 node',
    "x='b[$(pkill -9 node)]'; echo ${a[x]}",
    "x='a[$(pkill -9 node)]'; echo ${!x}",
    "x='a[$(pkill -9 node)]'; [[ -v $x ]]",
    "x='a[$(pkill -9 node)]'; [[ ! -v $x && 1 ]]",
    "IFS=k; x='pkill -9 node'; bash <<< $x",  # (a here-string is not split either)
    "declare -n r='a[$(pkill -9 node)]'; echo $r",
    "x='b[$(rm -rf /opt/tenmon-ark-live/dist)]'; a=([x]=1)",
    "x='b[$(pkill -9 node)]'; for ((i = x; i < 0; i++)); do :; done",
    "true & wait -p 'a[$(pkill -9 node)]' $!",
    "bash --rcfile <(echo pkill -9 node) -i -c true </dev/null 2>/dev/null",
    "bash -s <<< 'exec 0< <(echo pkill -9 node)'",
    "x=(pkill -9 node); ${x[-3]} ${x[-2]} ${x[-1]}",  # (back from the end: they were not known)
    "x=([3]=pkill [7]=node); i=-1; ${x[-5]} -9 ${x[i]}",
    "x=(pkill -9 node); ${x[@]:0:1} ${x[@]: -2:1} ${x[*]:(-1)}",  # (slices: they were not known either)
    "x=([2]=pkill [5]=-9 [6]=node); ${x[@]:1:1} ${x[@]:3}",
    "x=(pkill -9 node); i=1; ${x[i-1]} ${x[0+1]} ${x[i*2]}",  # (a subscript's arithmetic: not known either)
    "x=(PKILL -9 nodex); ${x[0],,} ${x[1]} ${x[2]%x}",  # (an element's operator: not known either)
    "a=$(echo pkill | cat); b=$(printf '%s\\n' x node | tail -1); $a -9 $b",  # (a pipeline's output: not known)
    'x=(pkill node); IFS=-; y="${x[*]}"; ${y%-*} -9 ${y#*-}',  # (joined by IFS: not known)
    "a=$(basename /x/pkill); b=$(dirname node/y); $a -9 $b",  # (what basename and dirname print: not known)
    "a=$(cut -d, -f1 <<< pkill,node); b=$(cut -d, -f2 <<< pkill,node); $a -9 $b",  # (and cut)
    'set -- pkill -9 node; IFS=:; x="$@"; IFS=" "; $x',  # ("$@" assigned: joined by a space; was pkill-9node)
    "a=(pkill -9 node); x=${a[@]}; $x",  # (and an array's elements)
    "a=(pkill x -9 node); unset 'a[1]'; ${a[@]}",  # (an element unset: it was a variable named a[1])
    "a=$(echo pkill 2>&1 >/dev/null); ${a:-rm} -9 node",  # (its output sent elsewhere: a was pkill)
]


@pytest.mark.parametrize("line", FIXED)
def test_fixed_lines(line: str, sandbox: Path) -> None:
    assert _compare(line, sandbox), "bash ran no stand-in, or no parser read the line: nothing was compared"


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    shape=st.sampled_from(SHAPES),
    wrapper=st.sampled_from(WRAPPERS),
    name=st.sampled_from(NAMES),
    args=st.lists(st.sampled_from(ARGS), max_size=3),
)
def test_random_lines(shape: str, wrapper: str, name: str, args: list[str], sandbox: Path) -> None:
    line = shape.format(w=wrapper, n=name, a=" ".join(args))
    _compare(line, sandbox)


def test_the_stand_ins_are_used(sandbox: Path) -> None:
    """The comparison is not empty: bash does run the stand-ins through wrappers."""
    calls = _bash_calls("env nice rm -rf /opt/tenmon-ark-live/x; bash -c 'pkill -0 x'", sandbox)
    assert calls == [("rm", "-rf", "/opt/tenmon-ark-live/x"), ("pkill", "-0", "x")]
    assert os.path.exists(sandbox / "bin" / "rm")
