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
from typing import Any

import pytest
from test_hook_bash import require_program

from tenmon_guard.doors.serve import Checker, Request
from tenmon_guard.engine import Guard
from tenmon_guard.policy import load_policy
from tenmon_guard.zshread import zsh_reading
from tenmon_guard.zshsyntax import zsh_syntax

POLICY = Path(__file__).resolve().parents[1] / "policies" / "tenmon-ark.yaml"
STAND_INS = ("fuser", "pkill", "rm", "ls", "echo", "sleep")

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
    ("autoload -U zargs; zargs -- node -- pkill", "pkill node"),  # round 18: zsh's xargs
    ("autoload -U zargs; zargs -I{} -- 3000/tcp -- fuser -k {}", "fuser -k 3000/tcp"),
    ("autoload -U zargs; x=$(zargs -n 1 -- node -- pkill)", "pkill node"),
    # zsh's echo decodes escapes (bash's needs -e): the text it makes is what runs
    ("eval \"$(echo 'pk\\x69ll node')\"", "pkill node"),
    ("echo 'pkill\\x20node' > f; . ./f", "pkill node"),
    # ${x::=w} assigns x whether or not it is set (${x:=w} only where it is empty)
    ("x=ssh; : ${x::=node}; pkill $x", "pkill node"),
    # as sh or ksh (POSIX_BUILTINS), zsh keeps an assignment before a special builtin (x=node :)
    ("x=ssh; emulate sh -c 'x=node :; pkill $x'", "pkill node"),
    ("x=ssh; emulate sh -c 'x=node :'; pkill $x", "pkill node"),
    ("emulate ksh; x=ssh; x=node :; pkill $x", "pkill node"),
    ("setopt POSIX_BUILTINS; x=ssh; x=node :; pkill $x", "pkill node"),
    # with EXTENDED_GLOB (an option the hook does not send), a case pattern matches more than itself: k# is any
    # number of k, ^x anything but x, A~B A but not B (a pattern compared as a string selected no item)
    ("setopt extendedglob; x=kkill; case $x in k#ill) pkill node;; esac", "pkill node"),
    ("setopt extendedglob; x=kill; case $x in ^x) pkill node;; esac", "pkill node"),
    ("setopt extendedglob; x=kill; case $x in kill~x) pkill node;; esac", "pkill node"),
    # zsh's unset -f: unfunction, unhash -f, disable -f (-m: patterns); the command of that name then runs
    ("pkill() { :; }; unfunction pkill; pkill node", "pkill node"),
    ("pkill() { :; }; unhash -f pkill; pkill node", "pkill node"),
    ("pkill() { :; }; disable -f pkill; pkill node", "pkill node"),
    ("pkill() { :; }; unfunction -m 'pk*'; pkill node", "pkill node"),
    # values zsh makes otherwise than bash, which then selected the case item or branch that does not run: echo's
    # ``-`` ends its options (and is dropped), a constant with leading zeros is decimal
    ("x=$(echo -); case $x in -) ;; *) pkill node;; esac", "pkill node"),
    ('x=$(echo - -n); [ "$x" = -n ] && pkill node', "pkill node"),
    ("x=$((010)); case $x in 8) ;; *) pkill node;; esac", "pkill node"),
    ('(( x = 010 + 1 )); [ "$x" = 11 ] && pkill node', "pkill node"),
    # an unquoted scalar is one word in zsh (bash splits it), an array's ${#a} counts its elements, "$@" assigned
    # is joined by a space
    ("x='a b'; set -- $x; [ $# = 1 ] && pkill node", "pkill node"),
    ("x='a b'; case $(printf '%s,' $x) in 'a b,') pkill node;; esac", "pkill node"),
    ("a=(x y z); x=${#a}; case $x in 3) pkill node;; esac", "pkill node"),
    ('set -- a b; x="$@"; [ "$x" = \'a b\' ] && pkill node', "pkill node"),
    # what zsh's builtins do otherwise than bash's: no namerefs, no mapfile, no read -a; unset of an element
    # empties it; the last command of a pipeline runs in this shell; print -v assigns; flags on a nested word
    ('x=a; typeset -n r=x; r=b; [ "$x" = a ] && pkill node', "pkill node"),
    ("mapfile -t arr <<< $'a\\nb'; case ${arr[1]} in '') pkill node;; esac", "pkill node"),
    ("read -a arr <<< 'a b c'; case $arr in '') pkill node;; esac", "pkill node"),
    ('x=a; echo b | read x; [ "$x" = b ] && pkill node', "pkill node"),
    ("a=(1 2 3); unset 'a[1]'; case \"${a[*]}\" in ' 2 3') pkill node;; esac", "pkill node"),
    ('x=a; print -v x b; [ "$x" = b ] && pkill node', "pkill node"),
    ("x=${(j:,:)${(s: :)$(echo a b)}}; case $x in a,b) pkill node;; esac", "pkill node"),
    ('IFS=:; set -- a b; x="$@"; IFS=" "; [ "$x" = a:b ] && pkill node', "pkill node"),
    ('f() { x=$FUNCNAME; }; f; [ -z "$x" ] && pkill node', "pkill node"),  # (zsh has no FUNCNAME)
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
    "autoload -U zargs; zargs -- **/*.txt -- wc -l",
    "echo -E 'pk\\x69ll node' > f; . ./f",
    "eval \"$(echo 'ls\\x20-l')\"",
    "x=ssh; : ${x:=node}; pkill $x",
    "x=ssh; x=node :; pkill $x",
    "x=status; case $x in kill) pkill node;; status) echo up;; esac",
    "pkill() { :; }; unfunction -m 'x*'; pkill node",
    "pkill() { :; }; unhash pkill; pkill node",
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


# a parameter's pattern with EXTENDED_GLOB's operators: zsh with the option (most zshrc files set it; the hook does
# not send it) matches more than bash would, and the value made is not known
EXTENDED_PATTERNS = [
    "x=kkill; y=${x/k#ill/pkill}; $y node",
    "x=pkill-zz; y=${x%-z#}; $y node",
    "x=pkillqq; ${x//q#/} node",
    "x=pkill_; ${x/%_#} node",
]


@pytest.mark.parametrize("line", EXTENDED_PATTERNS)
def test_a_parameter_pattern_with_extended_glob_operators_is_a_doubt(
    checkers: dict[str, Checker], tmp_path: Path, line: str
) -> None:
    """Each was allowed: its pattern matched as bash matches it (``#`` a character), a value that runs nothing
    forbidden. zsh with EXTENDED_GLOB runs pkill node for each."""
    assert zsh_runs(tmp_path, f"setopt extendedglob; {line}") == "pkill node\n", line
    assert judge(checkers["zsh"], line) == "warn", zsh_reading(line)


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
        ("echo '$a[1]' \\=x \"=y\" $((a[1]))", "echo -e '$a[1]' \\=x \"=y\" $((a[1]))"),  # (echo -e: zsh's)
        ("ls $HOME", "ls $HOME"),
        ("x=/a/b.c; ls $x:t ${x:r} $HOST:8080", "x=/a/b.c; ls 'b.c' \"${x%.*}\" $HOST:8080"),
        ("ls $x:t ${x:r}", 'ls "${x##*/}" "${x%.*}"'),  # (round 25: a value the line gives is computed)
        ('a=(x y z); ls $a[1,2] "$a[2,3]"', 'a=(x y z); ls "${a[0]}" "${a[1]}" "${a[1]} ${a[2]}"'),
        ("a=(x); a[2]=y", "a=(x); a[1]=y"),
        ('set -- a b; ls $argv "$argv"', 'set -- a b; ls "$@" "$*"'),
        ("hash -d l=/srv/x; cd ~l/y ~ ~root", "hash -d l=/srv/x; l=/srv/x; cd /srv/x/y ~ ~root"),
        ("zargs -- a b -- rm -f; zargs -n 1 -- a b -- rm", "rm -f a b; rm a; rm b"),
        ("zargs -i -- a b -- mv {} /x; zargs -- a", "mv a /x; mv b /x; zargs -- a"),
        # round 19
        ("zf_rm -f a; zf_mkdir b", "rm -f a; mkdir b"),
        ("exec - noglob ls; exec 3>&1", "exec ls; exec 3>&1"),
        ("emulate sh -c 'a b'; emulate -L zsh", "set -o posix; eval 'a b'; emulate -L zsh"),
        ("sched +1 a b; sched -1", "eval a b; sched -1"),
        ("zpty -b w a b; zpty -d w", "eval a b; zpty -d w"),
        ("functions[f]='a b'", "f () { eval 'a b'; }"),
        # (a call zsh makes later, with no line judged: kept to run later, as bash's PROMPT_COMMAND keeps it)
        (
            "precmd_functions+=(f g $h)",
            'precmd_functions+=(f g $h); PROMPT_COMMAND+=(f); PROMPT_COMMAND+=(g); "${RANDOM}"',
        ),
        (
            "add-zsh-hook chpwd f; zle -N w; zle -N w f",
            "add-zsh-hook chpwd f; PROMPT_COMMAND+=(f); zle -N w; PROMPT_COMMAND+=(w); zle -N w f; PROMPT_COMMAND+=(f)",
        ),
        ("cdpath=(/a b/c); cdpath+=(/d); cdpath=($x)", 'CDPATH=/a:b/c; CDPATH="${CDPATH}:/d"; CDPATH="${RANDOM}"'),
        ("/a; b", "shopt -s autocd; /a; b"),
        ("a b; c", "a b; c"),
        ("ls ${(e):-'$(a)'} ${(e)x:-y}", "ls $(eval printf %s '$(a)') $(eval printf %s \"${x}\")$(eval printf %s y)"),
    ],
)
def test_reading(line: str, reading: str) -> None:
    assert zsh_reading(line, True) == reading  # (a line typed at the prompt)


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_an_interactive_shell_reads_double_parentheses_as_arithmetic(checkers: dict[str, Checker], shell: str) -> None:
    """FP round 16: ``(( n > 1 ))`` in the hook was also judged as sh reads it (two subshells, ``n`` run into a file
    ``1``), which in the live tree was a block; bash and zsh read arithmetic only. What runs inside still counts."""
    line = "cd /opt/tenmon-ark-live && (( n > 1 )) && echo many"
    assert judge(checkers[shell], line) == "allow"
    assert judge(checkers[shell], "(( $(pkill node) > 0 ))") == "block"


# ---------------------------------------------------------------------------------------------------------------
# zsh's own syntax (round 17): everyday zsh the parsers could not read was refused (blocked) at the zsh prompt;
# it is now judged as the bash text that runs at least what zsh runs (tenmon_guard.zshsyntax). Each form: an
# everyday line now allowed, and the same form carrying a forbidden act that zsh runs (checked in a real zsh
# first) and that still blocks. LIVE stands for the live tree, a temporary directory the policy is pointed at.

SYNTAX_EVERYDAY = [
    "git show HEAD^",  # (round 25: extended glob operators widened only where they may glob)
    "setopt extendedglob; ls -d /tmp/^x *~*.bak",
    "echo a#b $# ~/notes",
    "sleep 100 &!",
    "npm run dev &|",
    "for f (*.log) gzip $f",
    "for f in a b; print $f",
    "for f in *.log; { gzip $f }",
    "for x y (a 1 b 2) print $x=$y",
    "foreach f (*.c); gzip $f; end",
    "for ((i=0; i<3; i++)) print $i",
    "select x (a b c) { print $x; break }",
    "repeat 5 { echo tick; sleep 1 }",
    "() { echo $1 } x",
    "function { echo hi }",
    "if [[ -f x ]] { echo y } else { echo n }",
    "if [[ -d dist ]] { ls dist } elif [[ -d build ]] { ls build }",
    "if [[ $x == y ]] then echo y; fi",
    "while (( i < 3 )) { (( i++ )) }",
    "until [[ -f done ]] { sleep 5 }",
    "ls -d dist(/)",
    "rm *.tmp(N)",
    "ls **/*.log(.om[1,5])",
    "print -l **/*(.Lk+500)",
    "ls *.txt(#q.)",
    "ls *.(jpg|png)",
    "for f (*.jpg(N)) convert $f ${f:r}.png",
    'lines=(${(f)"$(cat file.txt)"})',
    'print -l ${(ou)${(f)"$(ls)"}}',
    "{ ls; echo done }",
    "{ls}",
    "for f (a) ls $f &! ls",
    "mcd() { mkdir -p /tmp/x && cd /tmp/x }",
    "rm -rf /tmp/zsh-reading/dist(N)",
    # round 18
    "ls (foo|bar).txt",
    "cp (README|LICENSE)* /tmp/zsh-reading/",
    "ls -d (src|lib)/*",
    "ls (#i)readme*",
    "print -rl -- *(:t)",
    "print -l *(.:r)",
    "autoload -Uz ~/.zfunc/*(:t)",
    "print -l ${^path}/ls(N)",
    "if [[ -f x ]] echo yes",
    "if (( $+commands[git] )) echo has git",
    "while [[ ! -f /tmp/ready ]] sleep 1",
    "until [[ -f /tmp/done ]] sleep 1",
    "for f (*) if [[ -d $f ]] echo $f",
    "case $x { a) echo a ;; }",
    "case $OSTYPE { (darwin*) echo mac ;; (linux*) echo linux }",
    "echo $(() { echo anon $1 } a)",
    'echo "$(() { echo hi })"',
    "echo $((1 + (2 * 3)))",
    "local -a files; files=(*.txt(N) (a|b).c)",
    "vimdiff =(ls a) =(ls b)",
    "alias -g L='| less'",
    "{ make } always { echo cleanup }",
    "ls >>| /tmp/zsh-reading.log",
    "echo hi >! /tmp/zsh-reading.txt",
    "if [[ $f == (#i)*.jpg ]] echo jpeg",
    # round 19
    "function ll la { ls -l $@ }",
    "function a b () { echo hi }",
    "echo $(case $OSTYPE { linux*) echo linux })",
    "x=$(case a { a) echo $(case b { b) ls }) })",
    "if { [[ -n $x ]] && [[ $x == y ]] } { echo ok }\n",
    "while { [[ ! -f /tmp/ready ]] } { sleep 1 }",
    "{ [[ -n $x ]] && [[ $x == y ]] } && echo ok",
    "ls (foo | bar).txt",  # blanks in a glob group: one pattern in zsh
    "ls (a|\nb).txt",
]

# (line, what zsh runs among other things)
SYNTAX_MISSES = [
    ("sleep 1 &! pkill node", "pkill node"),
    ("sleep 1 &| pkill node", "pkill node"),
    ("for f (a) pkill node", "pkill node"),
    ("for f in x node; pkill $f", "pkill node"),
    ("for f in node; { pkill $f }", "pkill node"),
    ("for k v (a node) pkill $v", "pkill node"),
    ("foreach f (node); pkill $f; end", "pkill node"),
    ("for ((i=0; i<1; i++)) pkill node", "pkill node"),
    # (zsh's pushd and popd take -q, -s, -L, -P, which bash's refuses: the stack and the cwd were left as they were)
    ("pushd -q LIVE; rm -rf dist", "rm -rf dist"),
    ("pushd -q LIVE; pushd -qs /; popd -q; rm -rf $PWD/dist", "rm -rf LIVE/dist"),
    ("for f (a) echo $f; pkill node", "pkill node"),
    ("repeat 1 { fuser -k 3000/tcp }", "fuser -k 3000/tcp"),
    ("() { fuser -k 3000/tcp }", "fuser -k 3000/tcp"),
    ("() { pkill $1 } node", "pkill node"),
    ("function { pkill $1 } node", "pkill node"),
    ("if [[ -z x ]] { ls } else { pkill node }", "pkill node"),
    ("if [[ -n x ]] then pkill node; fi", "pkill node"),
    ("n=0; while (( n < 1 )) { pkill node; (( n++ )) }", "pkill node"),
    ("{ pkill node }", "pkill node"),
    ("{ fuser -k 3000/tcp }", "fuser -k 3000/tcp"),
    ("{pkill node}", "pkill node"),  # bash: a command named {pkill; zsh: a group
    ("{{ fuser -k 3000/tcp }}", "fuser -k 3000/tcp"),
    ("for f (a) echo $f &! { pkill node }", "pkill node"),
    ("echo $({pkill node})", "pkill node"),  # zsh's syntax inside a substitution
    ("x=${y:-`{pkill node}`}", "pkill node"),
    ("case x in (x) {pkill node};; esac", "pkill node"),
    ("case x in x) for f (a) pkill node\nesac", "pkill node"),
    ("ls *(e:'pkill node':)", "pkill node"),
    ('lines=(${(f)"$(pkill node)"})', "pkill node"),
    ("rm -rf LIVE/dist(N)", "rm -rf LIVE/dist"),
    ("rm -rf LIVE/(dist|x)", "rm -rf LIVE/dist"),
    ("for f (LIVE/dist(N)) rm -rf $f", "rm -rf LIVE/dist"),
    # round 18
    ("cd LIVE && rm -rf (dist|x)", "rm -rf dist"),
    ("rm -rf LIVE/(dist|x)(:a)", "rm -rf LIVE/dist"),
    ("rm -rf LIVE/*(:h)", "rm -rf LIVE"),
    ("cd LIVE && rm -rf *(:t)", "rm -rf dist"),
    ("echo (a|$(pkill node))", "pkill node"),
    ("echo x(a|$(pkill node))", "pkill node"),
    ("ls (b|`pkill node`)*", "pkill node"),
    ("echo (#i)BIN $(pkill node)", "pkill node"),
    ("if [[ -n x ]] pkill node", "pkill node"),
    ("if [[ -n x ]] echo a && pkill node", "pkill node"),
    ("if [[ -n x ]] { pkill node } ; echo", "pkill node"),
    ("n=0; while (( n++ < 1 )) pkill node", "pkill node"),
    ("n=0; until (( n++ >= 1 )) pkill node", "pkill node"),
    ("for f (a) if [[ -n x ]] pkill node", "pkill node"),
    ("case x { x) pkill node ;; }", "pkill node"),
    ("case x { (x) pkill node }", "pkill node"),
    ("case x { x) for f (a) pkill node }", "pkill node"),
    ("echo $(() { pkill $1 } node)", "pkill node"),
    ('echo "$(() { fuser -k 3000/tcp })"', "fuser -k 3000/tcp"),
    ("x=$(() { echo $(pkill node) })", "pkill node"),
    ("echo =(pkill node)", "pkill node"),
    ("a=(*(e:'pkill node':))", "pkill node"),
    ("a=((bin|x) $(pkill node))", "pkill node"),
    ("echo ${^path}/ls(N) $(pkill node)", "pkill node"),
    ("repeat $(pkill node) echo hi &!", "pkill node"),  # the count's word was dropped
    ("repeat `pkill node` { echo hi } &!", "pkill node"),
    ("ls *.(c|`pkill node`)", "pkill node"),  # the * standing for a group had dropped what it expands
    ("if [[ -n a ]] {pkill node}; ls", "pkill node"),
    ("if [[ -n a ]] () { pkill $1 } node", "pkill node"),
    ("n=0; while (( n++ < 1 )) (pkill node)", "pkill node"),
    ("{ pkill node } &!; ls *(.)", "pkill node"),  # (was read as nothing: & disown; ;)
    ("{ echo a } always { pkill node }", "pkill node"),
    ("{ false } always { pkill node }; echo", "pkill node"),
    ("setopt extendedglob; [[ a == (#i)A ]] && pkill node", "pkill node"),
    # round 19
    ("function a b { pkill node }; b", "pkill node"),  # one body, two names
    ("function a b () { fuser -k 3000/tcp }; b", "fuser -k 3000/tcp"),
    ("echo $(case a { a) pkill node })", "pkill node"),  # a pattern's ) does not close the substitution
    ("echo $(case a in a) pkill node;; esac) &!", "pkill node"),
    ("x=$(case a { a) echo $(case b { b) pkill node }) })", "pkill node"),
    ("if { [[ -n a ]] && [[ -n b ]] } { pkill node }\n", "pkill node"),  # a group as the condition
    ("if { pkill node } then ls; fi", "pkill node"),
    ("x=0; while { (( x++ < 1 )) } { pkill node }", "pkill node"),
    ("echo (a | $(pkill node)).txt", "pkill node"),
    ("ls (x|\n$(pkill node))", "pkill node"),
    # round 25: EXTENDED_GLOB's operators (set in most zshrc files) match names bash's reading took for one name
    ("setopt extendedglob; rm -rf LIVE/../^bin", "rm -rf LIVE/../live"),
    ("setopt extendedglob; rm -rf LIVE/../*~*bin", "rm -rf LIVE/../live"),
    ("setopt extendedglob; rm -rf LIVE/../(#i)LI*", "rm -rf LIVE/../live"),
    ("setopt extendedglob; rm -rf LIVE/../l#ive", "rm -rf LIVE/../live"),
]


@pytest.fixture
def live(tmp_path: Path) -> Path:
    """A live tree with a dist in it (a qualifier such as ``(N)`` drops a path that does not exist)."""
    (tmp_path / "live" / "dist").mkdir(parents=True)
    return tmp_path / "live"


@pytest.mark.parametrize("line", SYNTAX_EVERYDAY)
def test_everyday_zsh_syntax_is_read(checkers: dict[str, Checker], line: str) -> None:
    assert judge(checkers["zsh"], line) == "allow", zsh_reading(line)


@pytest.mark.parametrize(("line", "runs"), SYNTAX_MISSES)
def test_zsh_syntax_carrying_a_forbidden_act_blocks(tmp_path: Path, live: Path, line: str, runs: str) -> None:
    line, runs = line.replace("LIVE", str(live)), runs.replace("LIVE", str(live))
    assert runs in zsh_runs(tmp_path, line).splitlines(), f"zsh does not run {runs!r} for {line!r}"
    checker = Checker(Guard(load_policy([str(POLICY)], {"live_dir": str(live)})), "hook", "zsh")
    assert judge(checker, line) == "block", zsh_reading(line)


@pytest.mark.parametrize(
    ("line", "reading"),
    [
        ("sleep 100 &!", "sleep 100 & disown; "),
        ("a 2>&1 &| b >&| c", "a 2>&1 & disown;  b >& c"),
        ("for f (*.log(N)) gzip $f", "for f in *.log; do gzip $f; done"),
        ("for f in a b; print $f", "for f in a b; do print $f; done"),
        ("for f (a) sleep 1 &", "for f in a; do sleep 1  & done"),
        ("foreach f (a b)\ngzip $f\nend", "for f in a b; do gzip $f\ndone"),
        ("() { echo $1 } x", "_zsh_anonymous () { echo $1 ; }; _zsh_anonymous x"),
        ("mcd() { cd $1 }", "mcd() { cd $1 ; }"),
        ("if [[ a ]] { b } else { c }", "if [[ a ]] ; then b ; else c ; fi"),
        ("ls *(.om[1,5]) dist(/) *.(a|b)", "ls * dist *.*"),
        ("ls *(e:'x y':) *(+f)", "ls *$(eval 'x y') *$(f)"),
        ("case $x in (a) ls *(N);; esac", "case $x in (a) ls *;; esac"),
        ("case $x in a|b) {ls} esac", "case $x in a|b) { ls; } \nesac"),
        ('echo "$(ls &!)" <(a &|)', 'echo "$(ls & disown; )" <(a & disown; )'),
        ("echo {a,b} ${x} $((1+2)) '(x)' a=(x y)", "echo {a,b} ${x} $((1+2)) '(x)' a=(x y)"),
        ("ls (a|b).txt (#i)x* (c|$(d))", "ls *.txt * *$(d)"),  # (round 25: glob flags widen their component)
        ("ls *(:t) a/*(:t) a/*(.:h) *(:r) a/*(:A)", 'ls * "${RANDOM}"a/* a "${RANDOM}"* a/*'),
        ("if [[ a ]] b && c; d", "if [[ a ]] ; then b && c; fi; d"),
        # (round 22: a word opening with { after ]] is the brace form's body, as zsh 5.9 reads if [[ c ]] {a} else {b})
        ("if [[ a ]] {b} &! c; d", "if [[ a ]] ; then b; fi & disown;  c; d"),
        ("if (( a )) (b)", "if (( a )) ; then (b); fi"),
        ("while (( a )) b &", "while (( a )) ; do b  & done"),
        ("case $x { (a) b ;; c) d }", "case $x in (a) b ;; c) d \nesac"),
        ("echo $(() { e $1 } a) $((1+(2)))", "echo $(_zsh_anonymous () { e $1 ; }; _zsh_anonymous a) $((1+(2)))"),
        ("f=(*.c(N) x) =(ls)", "f=(*.c x) <(ls)"),
        ("for f in *.c; do ls $f; done", "for f in *.c; do ls $f; done"),  # (only blanks would move: as is)
        ("{ a } always { b }", "{ a ; } ; { b ; }"),
        ("a >! b >>! c &>! d >&! e 2>! f >>| g '>!' x>!y", "a >| b >> c &> d >& e 2>| f >> g '>!' x>|y"),
    ],
)
def test_syntax_reading(line: str, reading: str) -> None:
    assert zsh_syntax(line) == reading


@pytest.mark.parametrize(
    "line",
    [
        "ls *(P:-rf:)",  # P adds words before each path
        "ls *(:s/a/b/)",  # a modifier changes the path
        "ls *(u:root:)",  # delimiters this reading does not take apart
        "for f (a) pkill node; do",
        "if [[ $a ]] { b } elif [[ c ]] pkill node",  # elif's short form (after a test not decided)
    ],
)
def test_forms_left_refused(checkers: dict[str, Checker], line: str) -> None:
    """What zsh may run, or which paths, is not read for these: still refused (a qualifier that changes the
    words is refused even where bash would read the text as an extended glob)."""
    assert judge(checkers["zsh"], line) in ("block", "incomplete")


def test_a_line_about_to_run_is_never_unfinished(checkers: dict[str, Checker]) -> None:
    """``{ pkill node }`` looked unfinished to ``bash -n`` and the hook let zsh read on, while zsh ran it; and
    preexec (hint ``history``: the line is running) let an unfinished-looking line through. A line zsh is
    running is complete: what the parsers cannot read there blocks."""
    zsh = checkers["zsh"]
    line = "case $x { (a) pkill node;; }"
    request = Request(id=1, command=line, cwd="/tmp", door="hook", audit=False, hint="history")
    assert zsh.judge(request).decision == "block"
    assert judge(zsh, "for f in a b; do") == "incomplete"


def test_no_comment_at_the_zsh_prompt(checkers: dict[str, Checker], tmp_path: Path) -> None:
    """An interactive zsh reads ``#`` as a plain character (unless INTERACTIVE_COMMENTS), so ``echo # ; pkill node``
    runs ``pkill node``; bash's reading has a comment there and allowed it. A real interactive ``zsh -f`` reading
    the line from stdin (not ``-c``: a ``-c`` string has comments) shows it; a comment that hides nothing stays
    allowed."""
    assert "pkill node" in zsh_typed_runs(tmp_path, "echo # ; pkill node").splitlines()
    assert judge(checkers["zsh"], "echo # ; pkill node") == "block"
    assert judge(checkers["bash"], "echo # ; pkill node") == "allow"
    assert judge(checkers["zsh"], "ls -l # the long listing") == "allow"


def test_global_aliases(checkers: dict[str, Checker]) -> None:
    """Round 18: ``alias -g L='| less'`` was refused (its text judged as a command: ``| less`` reads as nothing);
    a global alias's text stands after a word, and is judged there. A text that runs something still blocks
    where it is defined, and a later line is judged with the alias expanded: the hook sends the shell's global
    aliases with each line, and zsh expands them in any position (on the next line, not the defining one)."""
    zsh = checkers["zsh"]
    assert judge(zsh, "alias -g L='| less' G='| grep -i'") == "allow"
    assert judge(zsh, "alias -g K='; pkill node'") == "block"
    assert judge(zsh, "alias -g P='| xargs kill -9'") == "warn"  # (kill -9 of what it reads: not known)
    galiases = {"G": "| grep -i", "P": "| xargs kill -9", "K": "; pkill node"}
    for line, decision in [("ls G foo", "allow"), ("pgrep -f dist/index.js P", "block"), ("echo K", "block")]:
        request = Request(id=1, command=line, cwd="/tmp", door="hook", audit=False, global_aliases=galiases)
        assert zsh.judge(request).decision == decision, line


def test_a_path_modifier_makes_the_word_unknown(live: Path) -> None:
    """Round 18: ``*(:r)`` (each path without its extension) names paths the guard cannot compute: the word is
    not known (an unknown part before the glob), never allowed for rm (zsh runs ``rm -rf LIVE/dist`` here)."""
    checker = Checker(Guard(load_policy([str(POLICY)], {"live_dir": str(live)})), "hook", "zsh")
    assert judge(checker, f"rm -rf {live}/*(:r)") in ("warn", "block")
    assert judge(checker, f"rm -rf {live}/../*(:e)") in ("warn", "block")
    assert judge(checker, "print -l *(:r)") == "allow"


@pytest.mark.parametrize(
    ("line", "checks"),
    [
        ("for f (*.c) ls $f", 2),  # bash's reading (unread), then zsh's syntax, which is also zsh's reading
        ("a=(pkill node); $a", 2),  # bash's reading, then zsh's
        ("pkill node; x=(a b); echo $x", 1),  # bash's reading blocks: nothing is stricter
        ("for f in *.c; do ls $f; done", 1),  # read alike
        ("ls -l", 1),
        ("echo one | tr o 0 | wc -c >/dev/null", 1),  # round 26: zsh's echo of plain words prints bash's bytes
        ("echo 'pk\\x69ll node' | sh", 2),  # (and decodes the escape: zsh's reading, judged besides)
    ],
)
def test_readings_judged_once(line: str, checks: int) -> None:
    """Cost per line, round 18: the zsh door judged a line's syntax reading and then its zsh reading, most often
    the same text, and judged zsh's reading when bash's already blocked. Each text is judged once a request."""

    texts: list[str] = []

    class Counting(Guard):
        def check(self, text: str, context: Any = None) -> Any:
            texts.append(text)
            return super().check(text, context)

    judge(Checker(Counting(load_policy([str(POLICY)], {})), "hook", "zsh"), line)
    assert len(texts) == checks, texts


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("case $x {", "a) ls ;; }"),
        ("case $x {\na) ls ;;", "}"),
        ("for f (*.txt) {", "ls $f }"),
        ("for f (*.txt) {\nls $f", "}"),
        ("foreach f (*.txt)\nls $f", "end"),
        ("if [[ -f x ]] {\nls\n} else {", "ls -l }"),
        ("while (( i < 3 )) {", "(( i++ )) }"),
        ("() {\nls $1", "} a"),
        ("repeat 3 {", "ls }"),
        ("select x (a b) {", "break }"),
    ],
)
def test_zsh_constructs_left_open_read_on(checkers: dict[str, Checker], tmp_path: Path, text: str, rest: str) -> None:
    """Round 18: a zsh construct typed over several lines (``for f (*.txt) {`` then Enter) was refused at its first
    line: ``bash -n`` reads it as a syntax error, not as unfinished. zsh reads on (a real interactive zsh shows its
    PS2 for it); the door answers ``incomplete`` and judges the whole text when it is complete."""
    assert_zsh_reads_on(text, tmp_path)
    assert judge(checkers["zsh"], text) == "incomplete"
    assert judge(checkers["zsh"], f"{text}\n{rest}") == "allow"
    assert judge(checkers["zsh"], f"{text}\npkill node\n{rest}") == "block"


def assert_zsh_reads_on(text: str, tmp_path: Path) -> None:
    """A real interactive zsh shows its PS2 after ``text``: it reads on."""
    script = f"PS1='P1> '; PS2='CONT> '\n{text}\n"
    done = subprocess.run(
        [require_program("zsh"), "-f", "-i", "-s"],
        input=script,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TERM": "dumb"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert "CONT> " in done.stdout + done.stderr, "zsh does not read on"


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("ls (a|", "b).txt"),
        ("ls *.(c|", "h)"),
        ("echo $(case $x {", "a) ls })"),
        ("echo $(case $x { a)", "ls })"),
        ("echo $(ls", ")"),
        ("function a b", "{ ls }"),
    ],
)
def test_left_open_in_a_word_reads_on(checkers: dict[str, Checker], tmp_path: Path, text: str, rest: str) -> None:
    """Round 19: a glob group or a substitution left open at the end of a line (``ls (a|`` then Enter) was refused
    (or, for ``ls *.(c|``, read as a complete glob); zsh reads on (its PS2), so the door answers ``incomplete`` and
    judges the whole text when it is complete."""
    assert_zsh_reads_on(text, tmp_path)
    assert judge(checkers["zsh"], text) == "incomplete"
    assert judge(checkers["zsh"], f"{text}\n{rest}") == "allow"
    request = Request(id=1, command=text, cwd="/tmp", door="hook", audit=False, hint="history")
    assert checkers["zsh"].judge(request).decision != "allow"  # (the hook refuses an incomplete line zsh runs)


@pytest.mark.parametrize("redirection", [">!", ">>!", ">>|", "&>!", "&>|", ">&!", ">&|", "&>>|", "2>!"])
def test_clobbering_redirections(live: Path, tmp_path: Path, redirection: str) -> None:
    """Round 18: zsh's ``>!`` (and ``>>!``, ``&>!``, ``>&!``, ``|`` for ``!``) writes its file even under
    NO_CLOBBER; bash reads ``echo x >! FILE`` as a write to a file named ``!`` with FILE an argument, and the zsh
    door allowed ``echo x >! LIVE/dist/index.js`` while zsh wrote into the live tree."""
    target = live / "dist" / "index.js"
    line = f"echo x {redirection} {target}"
    subprocess.run([require_program("zsh"), "-f", "-c", line], cwd=tmp_path, capture_output=True, check=False)
    assert target.exists(), f"zsh did not write {target} for {line!r}"
    checker = Checker(Guard(load_policy([str(POLICY)], {"live_dir": str(live)})), "hook", "zsh")
    assert judge(checker, line) == "block", zsh_reading(line)
    assert judge(checker, f"echo x {redirection} {tmp_path}/out.txt") == "allow"


def test_cd_with_two_arguments(live: Path, tmp_path: Path) -> None:
    """Round 18: ``cd OLD NEW`` in zsh changes to the current directory with OLD replaced by NEW (bash: too many
    arguments, no change), so ``cd REPO && cd repo live && rm -rf dist`` removed the live tree's dist and was
    allowed (the bash reading left the shell in REPO). The directory is ``${PWD/repo/live}``, not known statically:
    never allowed for rm; a plain ``cd`` to one directory reads as before."""
    repo = tmp_path / "repo"
    (repo / "dist").mkdir(parents=True)
    zsh = require_program("zsh")
    moved = subprocess.run([zsh, "-f", "-c", f"cd {repo} && cd repo live && pwd"], capture_output=True, text=True)
    assert moved.stdout.strip() == str(live)
    checker = Checker(Guard(load_policy([str(POLICY)], {"live_dir": str(live)})), "hook", "zsh")
    assert judge(checker, f"cd {repo} && cd repo live && rm -rf dist") in ("warn", "block")
    assert judge(checker, f"cd {repo} && rm -rf dist") == "allow"
    assert zsh_reading("cd a b; cd $a b; pushd x y") == 'cd "${PWD/a/b}"; cd "${RANDOM}"; pushd "${PWD/x/y}"'


def test_suffix_aliases(checkers: dict[str, Checker]) -> None:
    """Round 18: ``alias -s log='pkill node; :'`` makes ``x.log`` (a command word ending in .log) run
    ``pkill node; : x.log``; the hook sends the suffix aliases of a line's words, expanded in command position."""
    zsh = checkers["zsh"]
    suffixes = {"log": "pkill node; :", "txt": "less"}
    for line, decision, expanded in [
        ("x.log", "block", "pkill node; : x.log"),
        ("echo x.log; a.txt", "allow", "echo x.log; less a.txt"),
        ("'x.log'", "allow", "'x.log'"),
        ("echo $(x.log)", "block", "echo $(pkill node; : x.log)"),
    ]:
        request = Request(id=1, command=line, cwd="/tmp", door="hook", audit=False, suffix_aliases=suffixes)
        outcome = zsh.judge(request)
        assert (outcome.decision, outcome.expanded) == (decision, expanded), line


@pytest.mark.parametrize(
    ("body", "decision"),
    [("for x (a b) echo $x", "allow"), ("if [[ -n $1 ]] print $1", "allow"), ("for x ($1) pkill $x", "block")],
)
def test_function_bodies_in_zsh_syntax(checkers: dict[str, Checker], body: str, decision: str) -> None:
    """Round 18: the body of a function the line calls (sent by the hook) in zsh's own syntax was refused as
    unread, at each call; it is read as that syntax written as bash's, as the line is."""
    request = Request(id=1, command="f node", cwd="/tmp", door="hook", audit=False, functions={"f": body})
    assert checkers["zsh"].judge(request).decision == decision


# ---------------------------------------------------------------------------------------------------------------
# Round 19: zsh's commands that run other text or name paths their own way, allowed (or only warned) while zsh ran
# the kill or the write. Each is run first in a real zsh -f (typed on an interactive one's stdin where the feature
# needs the prompt: AUTO_CD, sched, precmd hooks), then judged.


def zsh_typed_runs(tmp_path: Path, text: str) -> str:
    """What an interactive ``zsh -f`` reading ``text`` on its stdin (as typed lines) runs: the stand-ins' log."""
    zsh_runs(tmp_path, ":")  # (the stand-ins)
    env = {"PATH": str(tmp_path / "bin"), "LC_ALL": "C", "HOME": str(tmp_path), "TERM": "dumb"}
    subprocess.run(
        [require_program("zsh"), "-f", "-i", "-s"],
        input="disable kill\n" + text + "\n",
        text=True,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        timeout=30,
        check=False,
    )
    log = tmp_path / "argv.log"
    return log.read_text() if log.exists() else ""


# (line, what zsh runs among other things, whether the feature needs an interactive zsh)
ROUND19_MISSES = [
    ("functions[f]='pkill node'; f", "pkill node", False),  # assigning to $functions defines f
    ("functions[f]='fuser -k 3000/tcp'", "", False),  # (defined: a later call runs it, with no body sent)
    ("ls ${(e):-'$(pkill node)'}", "pkill node", False),  # (e) runs what the default word's value holds
    ("ls ${(e)${:-'$(pkill node)'}}", "pkill node", False),
    ("x='$(pkill node)'; ls ${(e)x:-a}", "pkill node", False),
    ("ls ${(ez)x:-'$(pkill node)'}", "pkill node", False),
    ("exec - pkill node", "pkill node", False),  # precommand modifiers after exec
    ("exec noglob pkill node", "pkill node", False),
    ("emulate sh -c 'pkill node'", "pkill node", False),
    ("emulate zsh -o extendedglob -c 'fuser -k 3000/tcp'", "fuser -k 3000/tcp", False),
    ("zmodload zsh/zpty; zpty w 'pkill node; print done'; zpty -r w x '*done*'", "pkill node", False),
    ("sched +0 pkill node\n:", "pkill node", True),  # run before the next prompt
    ("cdpath=(LIVE); cd dist && rm -rf ../dist", "rm -rf ../dist", False),  # (no dist here: cd found it)
    ("setopt autocd; LIVE && rm -rf dist", "rm -rf dist", True),  # AUTO_CD: a directory alone is cd
]

ROUND19_EVERYDAY = [
    "functions[greet]='echo hi'; greet",
    "echo ${(e):-'$HOME'} ${:-hello}",
    "x=hello; print -l ${(e)x:-default}",  # (round 21: x known; see test_e_flag_splices_a_value_not_known)
    "exec -l zsh",
    "exec - zsh",
    "emulate -L zsh",
    "emulate sh -c 'ls -l'",
    "zmodload zsh/zpty; zpty -b w ls -l",
    "sched +0:10 echo tea is ready",
    "sched",
    "autoload -Uz edit-command-line; zle -N edit-command-line; bindkey '^xe' edit-command-line",
    "autoload -Uz add-zsh-hook; add-zsh-hook precmd vcs_info",
    "chpwd_functions=(${chpwd_functions:#_z} _z)",
    "cdpath=(~ ~/src /tmp)",
    "zmodload zsh/files; zf_rm -f /tmp/zsh-reading.log",
    "clear; ls",
    "..; ls",
]


@pytest.mark.parametrize(("line", "runs", "typed"), ROUND19_MISSES)
def test_round19_zsh_commands_that_run_text(tmp_path: Path, live: Path, line: str, runs: str, typed: bool) -> None:
    line, runs = line.replace("LIVE", str(live)), runs.replace("LIVE", str(live))
    ran = (zsh_typed_runs if typed else zsh_runs)(tmp_path, line).splitlines()
    assert not runs or runs in ran, f"zsh does not run {runs!r} for {line!r}: {ran}"
    checker = Checker(Guard(load_policy([str(POLICY)], {"live_dir": str(live)})), "hook", "zsh")
    assert judge(checker, line) == "block", zsh_reading(line)


@pytest.mark.parametrize("line", ROUND19_EVERYDAY)
def test_round19_everyday_forms_allowed(checkers: dict[str, Checker], line: str) -> None:
    assert judge(checkers["zsh"], line) == "allow", zsh_reading(line)


def test_e_flag_splices_a_value_not_known(checkers: dict[str, Checker], tmp_path: Path) -> None:
    """``${(e)x}`` expands what x holds again, its substitutions run: with x not known (read from a file here),
    the value may hold any command. A real zsh -f runs the one the file holds."""
    (tmp_path / "value").write_text("$(pkill node)\n")
    line = "x=$(<value); print -l ${(e)x:-default}"
    assert "pkill node" in zsh_runs(tmp_path, line).splitlines()
    assert judge(checkers["zsh"], line) == "warn", zsh_reading(line)


def test_zf_builtins_are_the_commands(tmp_path: Path, live: Path) -> None:
    """``zmodload zsh/files`` adds builtins ``zf_rm``, ``zf_mv``, ``zf_ln``... (and makes ``rm`` one): a command
    named ``zf_rm`` was unknown (a warning) while zsh removed the live tree's dist. A real zsh -f shows it."""
    zsh = require_program("zsh")
    line = f"zmodload zsh/files && zf_rm -rf {live}/dist"
    subprocess.run([zsh, "-f", "-c", line], env={"PATH": "/nonexistent"}, capture_output=True, check=False)
    assert not (live / "dist").exists()
    checker = Checker(Guard(load_policy([str(POLICY)], {"live_dir": str(live)})), "hook", "zsh")
    for each in (line, f"zf_mv {live}/dist /tmp/x", f"zf_ln -sf /tmp/x {live}/dist", f"zf_chmod 000 {live}"):
        assert judge(checker, each) == "block", each


@pytest.mark.parametrize(
    "line",
    ["add-zsh-hook precmd f", "precmd_functions+=(f)", "chpwd_functions=(f $chpwd_functions)", "zle -N w f"],
)
def test_hooks_registered_run_their_function(checkers: dict[str, Checker], tmp_path: Path, line: str) -> None:
    """A function registered as a hook (``add-zsh-hook precmd f``, ``precmd_functions+=(f)``, a zle widget) runs
    before each prompt (or key) with no line the guard judges: the registration is read as a call of ``f``, whose
    body the hook sends. A real interactive zsh runs a registered precmd function at its next prompt."""
    ran = zsh_typed_runs(tmp_path, "autoload -Uz add-zsh-hook; f() { sleep 1 }; add-zsh-hook precmd f\n:")
    assert "sleep 1" in ran.splitlines()
    for body, decision in (("pkill node", "block"), ("print -P %~", "allow")):
        request = Request(id=1, command=line, cwd="/tmp", door="hook", audit=False, functions={"f": body})
        assert checkers["zsh"].judge(request).decision == decision, (line, body)


HOOK = Path(__file__).resolve().parents[1] / "shell-hooks" / "tenmon-guard.zsh"


def shipped_body(name: str) -> str:
    """The body the zsh hook sends for zsh's own autoloadable function ``name`` (its __tg_function_body, run in a
    real zsh -f on the file zsh ships)."""
    text = HOOK.read_text()
    start = text.index("__tg_function_body() {")
    function = text[start : text.index("\n}\n", start) + 3]
    script = f"{function}\nautoload -Uz {name}\n__tg_function_body {name}\nprint -rn -- $REPLY"
    done = subprocess.run([require_program("zsh"), "-f", "-c", script], capture_output=True, check=False)
    return done.stdout.decode("utf-8", "surrogateescape")


@pytest.mark.parametrize(
    ("name", "line", "decision"),
    [
        ("zmv", "zmv '(*).txt' '$1.md'", "allow"),
        ("zmv", "zmv -n '(**/)(*).jpg' '$1$2.png'", "allow"),
        ("zmv", "zmv '(*)' '/opt/tenmon-ark-live/$1'", "block"),  # moves every file into the live tree
        ("zmv", "cd /opt/tenmon-ark-live && zmv -C '(*).js' 'old/$1.js'", "block"),
        ("zmv", "zmv '(*).txt' '$(pkill node)$1'", "block"),  # zmv evaluates the replacement
        ("zmv", "zmv -p pkill '(node)' x", "block"),  # -p PROG: PROG runs on each pair
        ("zargs", "zargs -- *.log -- gzip", "allow"),
        ("zargs", "zargs -l 2 -- node -- pkill", "warn"),  # an option the reading does not take apart
        ("zcalc", "zcalc", "allow"),
        ("zcalc", "zcalc -e '$(pkill node)'", "block"),  # its arguments are evaluated
        ("regexp-replace", "regexp-replace x b 'c$MATCH'", "allow"),
        ("regexp-replace", "regexp-replace x b '$(pkill node)'", "block"),  # the replacement is evaluated
        ("run-help", "run-help ls", "allow"),
        ("colors", "colors", "allow"),
        ("tetriscurses", "tetriscurses", "allow"),
        ("is-at-least", "is-at-least 5.8 && echo new", "allow"),
        ("add-zsh-hook", "add-zsh-hook precmd vcs_info", "allow"),
        ("zed", "zed /opt/tenmon-ark-live/dist/index.js", "block"),  # writes the file it edits
        ("zmathfuncdef", "zmathfuncdef f 'x+1'", "warn"),  # code run later, in arithmetic
    ],
)
def test_zsh_misc_functions(checkers: dict[str, Checker], name: str, line: str, decision: str) -> None:
    """Round 19: zsh's Misc functions (zmv, zcalc, run-help...) were refused (unread) at every call, their bodies
    zsh code the parsers cannot read. Each shipped body is known (data/zsh_functions.yaml) and stands for what the
    function does; zmv, zargs, zcalc and regexp-replace are read at the call as what they run (checked in zsh:
    zmv -p rm ran rm on each pair, a $(...) in zmv's replacement, zcalc's or regexp-replace's ran)."""
    body = shipped_body(name)
    request = Request(id=1, command=line, cwd="/tmp", door="hook", audit=False, functions={name: body})
    assert checkers["zsh"].judge(request).decision == decision, (line, "zsh is not 5.9? the fingerprints are")


def test_a_function_named_as_zsh_s_own_is_read_as_itself(checkers: dict[str, Checker]) -> None:
    """Only the shipped body is known: the user's own ``zmv`` (or zsh's of another version) is read as before."""
    for body in ("pkill node", shipped_body("colors") + "\npkill node"):
        request = Request(id=1, command="colors", cwd="/tmp", door="hook", audit=False, functions={"colors": body})
        assert checkers["zsh"].judge(request).decision == "block", body[-40:]


def test_zmv_runs_what_it_is_read_as(tmp_path: Path) -> None:
    """zmv -p PROG runs PROG on each source and target, and evaluates the replacement (real zsh, stand-ins)."""
    (tmp_path / "a.txt").write_text("a")
    ran = zsh_runs(tmp_path, "autoload -U zmv; zmv -p rm '(*).txt' '$(pkill node)x/$1'").splitlines()
    assert "pkill node" in ran and "rm -- a.txt x/a" in ran, ran


# Round 22: zsh's fc -l lists whatever other options are given (bash's -s and -e - re-run even with -l).


@pytest.mark.parametrize(
    ("line", "reruns"),
    [
        ("fc -l -s", False),
        ("fc -ls", False),
        ("fc -e - -l pkill", False),
        ("fc -le - pkill", False),
        ("fc -s pkill", True),
        ("fc -e - pkill", True),
    ],
)
def test_fc_list_in_zsh(checkers: dict[str, Checker], tmp_path: Path, line: str, reruns: bool) -> None:
    """zsh's ``fc -l`` lists with ``-s`` or ``-e -`` given too (typed on an interactive zsh -f after a line that
    ran pkill): allowed in the zsh door, while bash re-runs the line for the same words and its door refuses them."""
    ran = zsh_typed_runs(tmp_path, "pkill node\n" + line)
    assert ran == "pkill node\n" * (2 if reruns else 1), ran
    assert judge(checkers["zsh"], line) == ("block" if reruns else "allow")
    assert judge(checkers["bash"], line) == "block"


def test_fc_option_values_in_zsh(checkers: dict[str, Checker]) -> None:
    """zsh's -t (time format) and -m (pattern) take a value as -e does: ``fc -t -l 1`` runs the editor on line 1
    (seen in zsh 5.9: vi opened) and then runs its text; ``fc -l -t %H 1`` lists."""
    assert judge(checkers["zsh"], "fc -t -l 1") == "block"
    assert judge(checkers["zsh"], "fc -m -l 1") == "block"
    assert judge(checkers["zsh"], "fc -l -t %H 1") == "allow"


# Round 22: zsh's brace bodies opened by a word that starts with ``{`` where a body begins (else, always, a loop's,
# an anonymous function's, after a condition's ]]), foreach with a brace body (no end), and function NAME...; {
# body } (a separator before the body). Each was refused (unread, or incomplete and then refused as zsh ran it).
ROUND22_MISSES = [
    ("if {false} {ls} else {pkill node}", "pkill node"),
    ("if [[ -z x ]] {ls} else {pkill node}", "pkill node"),
    ("{ls} always {pkill node}", "ls \npkill node"),
    ("() {pkill node}", "pkill node"),
    ("foreach i (1 2) { pkill node }", "pkill node\npkill node"),
    ("foreach i (node) {pkill $i}", "pkill node"),
    ("function f g; { pkill node }; g", "pkill node"),
    ("function f; {pkill node}; f", "pkill node"),
]
ROUND22_EVERYDAY = [
    "if {false} {ls} else {ls}",
    "if [[ -n x ]] {ls} else {ls}",
    "foreach f (a b) { ls $f }",
    "function f g; { ls }; g",
    "{ls} always {echo done}",
]


@pytest.mark.parametrize(("line", "runs"), ROUND22_MISSES)
def test_round22_brace_bodies(checkers: dict[str, Checker], tmp_path: Path, line: str, runs: str) -> None:
    assert zsh_runs(tmp_path, line) == runs + "\n", f"zsh does not run {runs!r} for {line!r}"
    assert judge(checkers["zsh"], line) == "block", zsh_syntax(line)


@pytest.mark.parametrize("line", ROUND22_EVERYDAY)
def test_round22_everyday_brace_bodies_allowed(checkers: dict[str, Checker], tmp_path: Path, line: str) -> None:
    assert "ls" in zsh_runs(tmp_path, line), line
    assert judge(checkers["zsh"], line) == "allow", zsh_syntax(line)


# Round 24: zsh's special parameters. zsh/parameter's ``commands`` (the program a name runs), ``aliases`` and its
# kin, ``nameddirs``, ``dis_functions``; zsh's ``hash NAME=PATH``; zsh/mapfile's ``mapfile`` (each key a file:
# assigning writes it, unsetting removes it); zsh's prompts. Each was allowed while zsh ran the stand-in or wrote
# the file (bash's BASH_CMDS, BASH_ALIASES, hash -p, alias block). BIN is the stand-ins' directory.

# (line, what zsh runs among other things, whether typed on an interactive zsh: aliases expand on the next line)
ROUND24_MISSES = [
    ("commands[ls]=BIN/pkill; ls node", "pkill node", False),
    ("hash ls=BIN/pkill; ls node", "pkill node", False),
    ("commands=(ls BIN/pkill); ls node", "pkill node", False),
    ("typeset 'commands[ls]=BIN/pkill'; ls node", "pkill node", False),
    (": ${commands[ls]::=BIN/pkill}; ls node", "pkill node", False),
    ("dis_functions[f]='pkill node'; enable -f f; f", "pkill node", False),
    ("functions+=([ls]='pkill node'); ls", "pkill node", False),
    ("functions=(ls 'pkill node'); ls", "pkill node", False),
    ("typeset 'functions[ls]=pkill node'; ls", "pkill node", False),
    ('x="*(e{pkill node})"; echo $~x', "pkill node", False),  # GLOB_SUBST: the value's qualifier runs
    ("x='*(e{pkill node})'; setopt globsubst; echo $x", "pkill node", False),
    ("print 'pkill node' > f; . ./f", "pkill node", False),  # print's text known (was: print of unknown use)
    ("print -l x 'pkill node' > f; /bin/sh f", "pkill node", False),
    ("print 'pkill node' > f; READNULLCMD=/bin/sh; < f", "pkill node", False),  # < FILE alone runs $READNULLCMD
    ("print 'pkill node' > f; NULLCMD=/bin/sh; < f >> argv.log", "pkill node", False),
    ("print 'pkill node' > mk; fpath=(. $fpath); autoload -U mk; mk", "pkill node", False),  # its body: mk
    (
        "zmodload zsh/files; mkdir b; print 'pkill node' > b/ls; chmod 755 b/ls; path=($PWD/b $path); ls",
        "pkill node",
        False,
    ),  # PATH
    ("aliases[ll]='pkill node'\nll", "pkill node", True),
    ("galiases[X]='; pkill node'\necho X", "pkill node", True),
    ("saliases[log]='pkill node;:'\nx.log", "pkill node", True),
    ("aliases=(ll 'pkill node')\nll", "pkill node", True),
    ("setopt promptsubst; PROMPT='$(pkill node)> '\n:", "pkill node", True),
]


@pytest.mark.parametrize(("line", "runs", "typed"), ROUND24_MISSES)
def test_round24_special_parameters(
    checkers: dict[str, Checker], tmp_path: Path, line: str, runs: str, typed: bool
) -> None:
    """The first line blocks (the hook judges each typed line: the alias is refused where it is defined)."""
    line = line.replace("BIN", str(tmp_path / "bin"))
    ran = (zsh_typed_runs if typed else zsh_runs)(tmp_path, line)
    assert runs in ran.splitlines() or runs in ran, f"zsh does not run {runs!r} for {line!r}: {ran}"
    first = line.split("\n")[0]
    assert judge(checkers["zsh"], first) == "block", zsh_reading(first)


@pytest.mark.parametrize(
    "line", ["read 'commands[ls]' <<< BIN/pkill; ls node", "print -v 'commands[ls]' BIN/pkill; ls node"]
)
def test_round24_a_value_not_known(checkers: dict[str, Checker], tmp_path: Path, line: str) -> None:
    """A builtin that assigns the table (``read``, ``print -v``): the program ls now runs is not known statically
    (here it is read from a here-string; zsh runs pkill): a doubt, never allowed."""
    line = line.replace("BIN", str(tmp_path / "bin"))
    assert "pkill node" in zsh_runs(tmp_path, line).splitlines()
    assert judge(checkers["zsh"], line) == "warn", zsh_reading(line)
    assert judge(checkers["zsh"], line.replace("ls node", "echo hi")) == "allow"


# each writes (or, for unset, removes) LIVE/dist/index.js in zsh 5.9 with zsh/mapfile loaded
ROUND24_MAPFILE = [
    "mapfile[LIVE/dist/index.js]=x",
    "mapfile[LIVE/dist/index.js]+=x",
    "mapfile=([LIVE/dist/index.js]=x)",
    "mapfile=(LIVE/dist/index.js x)",
    "unset 'mapfile[LIVE/dist/index.js]'",
    "unset mapfile\\[LIVE/dist/index.js\\]",
    ": ${mapfile[LIVE/dist/index.js]::=x}",
    "typeset 'mapfile[LIVE/dist/index.js]=x'",
    "local 'mapfile[LIVE/dist/index.js]=x'",
    "print -v 'mapfile[LIVE/dist/index.js]' x",
    "printf -v 'mapfile[LIVE/dist/index.js]' x",
    "read 'mapfile[LIVE/dist/index.js]' <<< x",
    "getopts c 'mapfile[LIVE/dist/index.js]' -c",
    "let 'mapfile[LIVE/dist/index.js]=1'",
    "(( mapfile[LIVE/dist/index.js]++ ))",
    "mapfile[LIVE/dist/index.js]=x ls",
]


@pytest.mark.parametrize("line", ROUND24_MAPFILE)
def test_round24_mapfile_writes(tmp_path: Path, live: Path, line: str) -> None:
    """zsh/mapfile: the file a key names is written by an assignment (of any kind) and removed by unset; judged as
    that write whether or not the line loads the module (a .zshrc may have)."""
    line = line.replace("LIVE", str(live))
    target = live / "dist" / "index.js"
    target.write_text("the app\n")
    zsh_runs(tmp_path, "zmodload zsh/mapfile; " + line)
    assert not target.exists() or target.read_text() != "the app\n", f"zsh did not write {target} for {line!r}"
    checker = Checker(Guard(load_policy([str(POLICY)], {"live_dir": str(live)})), "hook", "zsh")
    assert judge(checker, line) == "block", zsh_reading(line)
    assert judge(checker, "zmodload zsh/mapfile; " + line) == "block", zsh_reading(line)


ROUND24_EVERYDAY = [
    "hash -r",
    "hash -d proj=/srv/proj",
    "hash vi=/usr/bin/vim",
    "print $commands[ls]",
    "(( $+commands[git] )) && echo has git",
    "if (( ${+commands[git]} )); then echo git; fi",
    "print $aliases[ll]",
    "print -rl -- ${(k)aliases}",
    "aliases[ll]='ls -l'",
    "galiases[L]='| less'",
    "commands[vi]=/usr/bin/vim",
    "nameddirs[proj]=/srv/proj",
    "zmodload zsh/mapfile; echo $mapfile[/etc/hostname]",
    'lines=("${(f@)mapfile[/etc/hosts]}")',
    "mapfile[/tmp/notes.txt]='hello'",
    "unset 'mapfile[/tmp/notes.txt]'",
    "man zshmodules | grep mapfile",
    "PROMPT='%n@%m %~ %# '",
    "RPROMPT='%*'",
    "print $functions[f]",
    "(( $+functions[compdef] )) && echo yes",
    "x='*.txt'; ls $~x",
    "x='*(.om[1,3])'; ls ${~x}",
    "print hello > /tmp/zsh-reading.txt; cat /tmp/zsh-reading.txt",
    "< README.md",
    "READNULLCMD=less; < README.md",
    "zmodload zsh/system; sysopen -r -u fd /etc/hostname",
    "zmodload zsh/system; sysopen -w -o creat -u fd /tmp/zsh-reading.log",
    "autoload -Uz compinit; compinit",
    "setopt cdablevars extendedglob; cd /tmp && ls",
    "unsetopt caseglob; ls *.TXT",
    "print 'echo hi' > mk; fpath=(. $fpath); autoload -U mk; mk",
]


ROUND24_EXPANSIONS = [
    ("x=/tmp/x; rm -rf $x:s:/tmp:LIVE:", "rm -rf LIVE/x"),  # unbraced :s (read as a path under /tmp before)
    ("x=/tmp/x; rm -rf $x:s:/tmp/x:LIVE:", "rm -rf LIVE"),
    ("x=pkill; $x:s/a/b/ node", "pkill node"),
    ("x=pkill; $x:c node", "pkill node"),  # :c (the command's path), :q were left as text after the value
    ("x=pkill; $x:q node", "pkill node"),
    ("x=\"'pkill'\"; $x:Q node", "pkill node"),  # :Q removes the quotes the value holds
    ("setopt cdablevars; l=LIVE; cd l && rm -rf dist", "rm -rf dist"),  # cd l went to $l (bash's cdable_vars)
    ("pushd LIVE; pushd /; cd +1 && rm -rf dist", "rm -rf dist"),  # cd +N: the stack's Nth entry (bash: ./+1)
    ("options[cdablevars]=on; l=LIVE; cd l && rm -rf dist", "rm -rf dist"),  # options[...]: setopt
    ("zmodload zsh/mapfile; cd LIVE && rm -rf ${(k)mapfile}", "rm -rf dist"),  # mapfile's keys: the cwd's files
    ("a=(x LIVE); rm -rf ${a:1}", "rm -rf LIVE"),  # an array's offset: its elements (bash: of its first)
    ("a=(x LIVE y); rm -rf ${a:1:1}", "rm -rf LIVE"),
    ("a=(x LIVE); rm -rf ${a: -1}", "rm -rf LIVE"),
]


@pytest.mark.parametrize(("line", "runs"), ROUND24_EXPANSIONS)
def test_round24_expansions(tmp_path: Path, live: Path, line: str, runs: str) -> None:
    """zsh's ``:s/old/new/`` modifier unbraced, and an offset on an array, were read as bash reads them (a literal
    ``:s/...`` after the value; a substring of the first element): allowed while zsh removed the live tree. The
    value is now computed as bash's ``${x/old/new}``, ``${a[@]:1}``, which the guard does not follow: a doubt."""
    line, runs = line.replace("LIVE", str(live)), runs.replace("LIVE", str(live))
    assert runs in zsh_runs(tmp_path, line).splitlines(), line
    checker = Checker(Guard(load_policy([str(POLICY)], {"live_dir": str(live)})), "hook", "zsh")
    assert judge(checker, line) in ("warn", "block"), zsh_reading(line)


def test_round24_sysopen_writes(tmp_path: Path, live: Path) -> None:
    """zsh/system's ``sysopen -w`` (or ``-a``, ``-o creat``/``trunc``) opens a file to write: read as its write."""
    target = live / "dist" / "index.js"
    target.write_text("the app\n")
    line = f"zmodload zsh/system; sysopen -w -u fd {target}; syswrite -o $fd XX"
    zsh_runs(tmp_path, line)
    assert target.read_text().startswith("XX")
    checker = Checker(Guard(load_policy([str(POLICY)], {"live_dir": str(live)})), "hook", "zsh")
    assert judge(checker, line) == "block", zsh_reading(line)
    assert judge(checker, f"zmodload zsh/system; sysopen -r -u fd {target}") != "block"  # (a read)


@pytest.mark.parametrize("line", ROUND24_EVERYDAY)
def test_round24_everyday_forms_allowed(checkers: dict[str, Checker], line: str) -> None:
    assert judge(checkers["zsh"], line) == "allow", zsh_reading(line)


def test_round24_named_directories(tmp_path: Path, live: Path) -> None:
    """``nameddirs[l]=DIR`` names a directory as ``hash -d l=DIR`` does: ``~l/dist`` is DIR/dist (real zsh)."""
    done = subprocess.run(
        [require_program("zsh"), "-f", "-c", f"nameddirs[l]={live}; print ~l/dist"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.strip() == f"{live}/dist"
    checker = Checker(Guard(load_policy([str(POLICY)], {"live_dir": str(live)})), "hook", "zsh")
    assert judge(checker, f"nameddirs[l]={live}; rm -rf ~l/dist") == "block"
    assert judge(checker, f"nameddirs[l]={live}; ls ~l/dist") == "allow"


@pytest.mark.parametrize(
    ("line", "reading"),
    [
        ("commands[ls]=/x; ls", "BASH_CMDS['ls']=/x; commands[ls]=/x; ls"),
        ("hash a=/x b; hash -r", "hash -p /x a; hash b; hash -r"),
        ("aliases[a]='b c'", "BASH_ALIASES['a']='b c'; aliases[a]='b c'"),
        ("galiases[G]='| x'", "alias -g 'G'='| x'; galiases[G]='| x'"),
        ("nameddirs[d]=/x", "hash -d d=/x; d=/x; nameddirs[d]=/x"),
        ("mapfile[/a]=x; unset 'mapfile[/b]'", ": > '/a'; mapfile[/a]=x; rm -f -- '/b'; unset 'mapfile[/b]'"),
        ("mapfile=(/a x /b y)", ": > '/a'; : > '/b'; mapfile=(/a x /b y)"),
        ("mapfile[$f]=x; commands[$n]=y", ': > "${RANDOM}"; mapfile[$f]=x; BASH_CMDS=("${RANDOM}"); commands[$n]=y'),
        ("read 'aliases[a]'", "BASH_ALIASES['a']=\"${RANDOM}\"; read 'aliases[a]'"),
        ("if x; then mapfile[/a]=1; fi", "if x; then : > '/a'; mapfile[/a]=1; fi"),
        ("echo ${mapfile[/b]:-x} ${+commands[x]} $+aliases[y]", "same"),  # (reads: no write added)
        ("RPROMPT='$(a)'; PROMPT2=x", "PS1='$(a)'; PS1=x"),
        ("echo $x:s/a/b/ $x:gs:/a:b $x:h:s/a/b/ $x:s/*/b/", 'echo "${x/a/b}" "${x//\\/a/b}" "${RANDOM}" "${RANDOM}"'),
        (
            'a=(x y); echo ${a:1} ${a: -1:1} "${a:1}" ${b:1}',
            'a=(x y); echo "${a[@]:1}" "${a[@]: -1:1}" "${a[*]:1}" ${b:1}',
        ),
    ],
)
def test_round24_reading(line: str, reading: str) -> None:
    assert zsh_reading(line, True) == (line if reading == "same" else reading)  # (a line at the prompt)


# round 25: named directories under CDABLE_VARS, path's elements, $commands[NAME], modifiers on values the line
# gives (chains, braced :s), computed as zsh 5.9 does
ROUND25_MISSES = [
    ("setopt cdablevars; hash -d l=LIVE; cd l && rm -rf dist", "rm -rf dist"),  # cd l: ~l (see below)
    ("setopt cdablevars; nameddirs[l]=LIVE; cd l && rm -rf dist", "rm -rf dist"),
    ("$commands[pkill] node", "pkill node"),  # the path of pkill's program
    ("${commands[pkill]} node", "pkill node"),
    ("x=/tmp/pkill/y; $x:h:t node", "pkill node"),  # a chain (a doubt before)
    ("x=/tmp/pkill/y; ${x:h:t} node", "pkill node"),
    ("x=LIVE/dist/y/z; rm -rf ${x:h:h}", "rm -rf LIVE/dist"),
    ("x=/tmp/dist; rm -rf ${x:s:/tmp:LIVE:}", "rm -rf LIVE/dist"),  # braced :s (bash read an offset)
    ("zmodload zsh/files; mkdir b; print 'pkill node' > b/ls; chmod 755 b/ls; path[1,0]=$PWD/b; ls", "pkill node"),
]


@pytest.mark.parametrize(("line", "runs"), ROUND25_MISSES)
def test_round25_zsh_reading_blocks(tmp_path: Path, live: Path, line: str, runs: str) -> None:
    line, runs = line.replace("LIVE", str(live)), runs.replace("LIVE", str(live))
    assert runs in zsh_runs(tmp_path, line).splitlines(), line
    checker = Checker(Guard(load_policy([str(POLICY)], {"live_dir": str(live)})), "hook", "zsh")
    assert judge(checker, line) == "block", zsh_reading(line)


ROUND25_EVERYDAY = [
    "hash -d proj=/srv/proj; setopt cdablevars; cd proj && ls",
    "hash -d b=/tmp/zsh-reading-build; cd ~b && rm -rf dist",  # ~b: the named directory (bash: a user's home)
    "print $commands[ls]",
    "(( $+commands[git] )) && git status",
    "x=/tmp/ls/y; $x:h:t -l",
    "x=/srv/app/releases/v2; ls $x:h:h",
    "path[1,0]=/usr/local/bin; ls -l",
    "path[1,0]=~/bin; ls",
    "print 'echo a' > /tmp/zsh-reading.sh; sh /tmp/zsh-reading.sh",  # print: zsh's builtin, its text known
    "zsh -c 'for f (*.log) gzip $f'",  # zsh's syntax: bash's reading fails, zsh's stands alone
]


@pytest.mark.parametrize("line", ROUND25_EVERYDAY)
def test_round25_everyday_forms_allowed(checkers: dict[str, Checker], line: str) -> None:
    assert judge(checkers["zsh"], line) == "allow", zsh_reading(line)


@pytest.mark.parametrize(
    ("value", "modifiers", "result"),
    [
        ("abc", "h", "."),
        ("/opt", "h", "/"),
        ("/a/b/", "h", "/a"),
        ("//a", "h", "//"),
        ("a//b", "h", "a"),
        ("/a/b/", "t", "b"),
        ("/tmp/pkill/y", "h:t", "pkill"),
        ("/tmp/pkill/y", "t:h", "."),
    ],
)
def test_round25_modifiers_as_zsh_computes_them(value: str, modifiers: str, result: str) -> None:
    """The modifiers computed on a known value give what a real ``zsh -f`` prints."""
    done = subprocess.run(
        [require_program("zsh"), "-f", "-c", f"x='{value}'; print -rn -- \"${{x:{modifiers}}}\""],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.stdout == result
    assert zsh_reading(f"x={value}; ls ${{x:{modifiers}}}") == f"x={value}; ls '{result}'"


def test_round25_zsh_text_bash_cannot_read(tmp_path: Path) -> None:
    """``zsh -c TEXT`` in zsh's own syntax: bash's reading of TEXT fails and was refused in every door; zsh's
    reading is judged alone (a pkill in it blocks). A real zsh runs the loop's command."""
    (tmp_path / "a.log").write_text("x")
    ran = zsh_runs(tmp_path, "for f (*.log) ls $f")
    assert "ls a.log" in ran.splitlines()
    guard = Guard(load_policy([str(POLICY)], {}))
    for door in ("hook", "agent", "sudo"):
        checker = Checker(guard, door)
        request = Request(id=1, command="zsh -c 'for f (*.log) gzip $f'", cwd="/tmp", door=door, audit=False)
        assert checker.judge(request).decision == "allow", door
        request = Request(id=1, command="zsh -c 'for f (*.log) pkill node'", cwd="/tmp", door=door, audit=False)
        assert checker.judge(request).decision == "block", door


@pytest.mark.parametrize("named", ["hash -d l=LIVE", "nameddirs[l]=LIVE"])
def test_round25_cdablevars_goes_to_a_named_directory(tmp_path: Path, live: Path, named: str) -> None:
    """Under CDABLE_VARS, ``cd l`` (no directory l here) goes to ``~l``, a named directory (zsh 5.9)."""
    line = f"setopt cdablevars; {named.replace('LIVE', str(live))}; cd l && print -rn -- $PWD"
    done = subprocess.run(
        [require_program("zsh"), "-f", "-c", line],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.stdout == str(live)


# round 26: echo lines whose words can bring no backslash to zsh's echo, and ones that can
LITERAL_ECHOES = [
    "echo one",
    "echo -n 'a b' c=d",
    "echo -E x,y:z",
    "echo ''",
    "echo -e 10% >/dev/null",
    "echo a=b @x 2>/dev/null",
]
ZSH_ECHOES = [
    "echo 'a\\tb'",
    "echo a\\\\tb",
    'echo "$x"',
    "echo $x",
    "echo ~",
    "echo =ls",
    "echo *",
    "echo {a,b}",
    "echo `printf x`",
    "echo a>$f",
    "echo - x",
    "echo -n '-' x",
]


def _echo_output(tmp_path: Path, argv: list[str], words: str) -> bytes:
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "HOME": str(tmp_path), "x": "a\\tb"}
    return subprocess.run([*argv, words], env=env, cwd=tmp_path, capture_output=True, timeout=30, check=False).stdout


@pytest.mark.parametrize("words", LITERAL_ECHOES)
def test_round26_literal_echo_is_read_as_bash(tmp_path: Path, words: str) -> None:
    """zsh's echo decodes backslash escapes (bash's with -e): zsh's reading writes it ``echo -e``, and the zsh
    door judged that second text for every echo whose output a pipe or a file takes (``echo one | tr o 0`` cost
    twice the checker's time). Where no word can bring a backslash (nor is ``-``), zsh's echo prints bash's bytes
    (a real zsh and a real bash, compared here): the reading keeps the line, judged once."""
    line = f"{words} | cat"
    assert zsh_reading(line) == line
    zsh = _echo_output(tmp_path, [require_program("zsh"), "-f", "-c"], words)
    bash = _echo_output(tmp_path, [require_program("bash"), "--norc", "-c"], words)
    assert zsh == bash


@pytest.mark.parametrize("words", ZSH_ECHOES)
def test_round26_echo_that_may_decode_stays_zsh_s(words: str) -> None:
    """A word that is, or may expand to, text holding a backslash (a variable, ``~``, a glob, a command's output):
    zsh's echo decodes it, and the reading still says so; and a word `-`, the end of zsh's options, which it drops."""
    assert "echo -e" in zsh_reading(f"{words} | cat"), zsh_reading(f"{words} | cat")


def test_round26_decoding_echo_still_blocks(checkers: dict[str, Checker], tmp_path: Path) -> None:
    """The near miss: the escape zsh's echo decodes makes the kill (a real zsh prints pkill, bash pk\\x69ll)."""
    zsh = _echo_output(tmp_path, [require_program("zsh"), "-f", "-c"], "echo 'pk\\x69ll node'")
    assert zsh == b"pkill node\n"
    assert judge(checkers["zsh"], "echo 'pk\\x69ll node' | sh") == "block"
    assert judge(checkers["zsh"], "echo pkill node | sh") == "block"
    assert judge(checkers["zsh"], "echo one | tr o 0 | wc -c >/dev/null") == "allow"


def _judge_at_prompt(checker: Checker, line: str, functions: dict[str, str] | None = None) -> str:
    """As the zsh hook's widgets ask: the whole line typed at the prompt (hint prompt)."""
    request = Request(
        id=1, command=line, cwd="/tmp", door="hook", audit=False, functions=functions or {}, hint="prompt"
    )
    return checker.judge(request).decision


# round 26: what zsh's echo or print writes reaches a command though the line has no > | ` $( in it
OUTPUT_TAKEN = [
    (". <(echo 'pk\\x69ll node')", "pkill node"),
    ("source =(echo 'pk\\x69ll node')", "pkill node"),
    (". <(print 'pk\\x69ll node')", "pkill node"),
]


@pytest.mark.parametrize(("line", "runs"), OUTPUT_TAKEN)
def test_round26_output_given_as_a_file_is_read_as_zsh_prints_it(
    checkers: dict[str, Checker], tmp_path: Path, line: str, runs: str
) -> None:
    """The zsh reading left echo and print as bash's where a line's output could only go to the terminal, told by
    the line having none of ``>``, ``|``, a backquote, ``$(``: ``<(...)`` and ``=(...)`` hand it to a command as a
    file (allowed before; a real zsh runs the kill)."""
    assert zsh_runs(tmp_path, line) == runs + "\n"
    assert _judge_at_prompt(checkers["zsh"], line) == "block", zsh_reading(line, True)
    assert _judge_at_prompt(checkers["zsh"], line.replace(". ", "sh ").replace("source ", "sh ")) == "block"


def test_round26_a_function_body_is_read_as_zsh_prints_it(checkers: dict[str, Checker], tmp_path: Path) -> None:
    """A function defined at an earlier prompt, its output piped at this one: its body's echo prints what zsh's
    echo decodes (allowed before: the body, read alone, looked like a line printing to the terminal)."""
    body = "echo 'pk\\x69ll node'"
    assert zsh_runs(tmp_path, f"f() {{ {body} }}; f | . /dev/stdin") == "pkill node\n"
    assert _judge_at_prompt(checkers["zsh"], "f | sh", {"f": body}) == "block"
    assert _judge_at_prompt(checkers["zsh"], "f > x; sh x", {"f": "\t" + body}) == "block"


@pytest.mark.parametrize(
    ("line", "functions"),
    [
        ('echo "$HOME"; print -l $path', {}),
        ("wc -l < /etc/hostname; echo 'a\\tb'", {}),
        ("greet you", {"greet": 'echo "hi $1"'}),
        ("greet you | grep hi", {"greet": 'echo "hi $1"'}),
    ],
)
def test_round26_everyday_output_stays_allowed(
    checkers: dict[str, Checker], line: str, functions: dict[str, str]
) -> None:
    assert _judge_at_prompt(checkers["zsh"], line, functions) == "allow"
