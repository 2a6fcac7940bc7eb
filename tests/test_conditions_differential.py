"""An ``if`` or ``&&`` on a test whose words are known runs one way only, in the model as in the shell: a real bash,
zsh and dash run every condition below with every value below, and each branch the shell ran must be in the model
(a branch the model leaves out never runs). The model must also leave branches out, or this would pass with
nothing decided: a floor on how many conditions it decides.

Where it decides nothing, both branches are read, as before (a file test, a value not known, ``-a``, a pattern,
``==`` in ``[`` outside bash: zsh stops the line at it), and so in any text sh (dash) reads: the values the guard
computes are bash's, and dash makes others of some.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tenmon_guard.builder import Builder
from tenmon_guard.conditions import outcome_of_conditional, outcome_of_test, same_ignoring_case
from tenmon_guard.engine import parse_tree_sitter_first
from tenmon_guard.model import ShellAtStart

SHELLS = {"bash": "bash", "zsh": "zsh", "sh": "dash"}  # the shell the model is told, and the program run
VALUES = ["", "stop", "STOP", "status", "st*", "a b", "1", "01", "-1", "-n", "!", "=", "(", " 1"]
TESTS = [
    '[ "$v" = stop ]',
    '[ "$v" != stop ]',
    '[ "$v" == stop ]',
    "[ $v = stop ]",
    '[ -z "$v" ]',
    '[ -n "$v" ]',
    "[ -n $v ]",
    '[ "$v" ]',
    "[ $v ]",
    '[ ! "$v" = stop ]',
    '! [ "$v" = stop ]',
    '[ "$v" -eq 1 ]',
    '[ "$v" -lt 2 ]',
    '[ "$v" -ge -1 ]',
    'test "$v" = stop',
    "test $v",
    '[ "$v" = stop -o x = x ]',
    '[ "$v" = "$v" ]',
    '[ "$v" = "st*" ]',
    "[ $v = 'st*' ]",
    '[ "$v" = ! ]',
    '[ ! = "$v" ]',
    '[ "(" "$v" ")" ]',
    '[ ! "$v" ]',
    '[ -f "$v" ]',
    '[ "$v" = stop ] && [ -n "$v" ]',
    '[ "$v" = stop ] || [ "$v" = status ]',
    '[ -z "$v" ] || [ "$v" -gt 0 ]',
    "[[ $v == stop ]]",
    "[[ $v = stop ]]",
    "[[ $v != stop ]]",
    '[[ $v == "st*" ]]',
    "[[ $v == st* ]]",
    "[[ $v == STOP ]]",
    "[[ -z $v ]]",
    "[[ -n $v ]]",
    "[[ $v ]]",
    "[[ ! $v == stop ]]",
    "[[ $v -eq 1 ]]",
    "[[ $v == stop && -n $v ]]",
    "[[ $v == $v ]]",
    '[[ "$v" == "$v" ]]',
]
# the forms each test is put in: THEN and ELSE stand for commands the model names, and the shell prints
FORMS = [
    "if {t}; then THEN; else ELSE; fi",
    "if {t}; then THEN; fi; ELSE",
    "{t} && THEN || ELSE",
    "{t} || THEN; ELSE",
    "if false; then :; elif {t}; then THEN; else ELSE; fi",
    "if {t}; then :; elif {t}; then THEN; else ELSE; fi",
]
# with nocasematch: ``[[ == ]]`` and case patterns then match without regard to case (bash only)
PREFIXES = {"bash": ["", "shopt -s nocasematch; "], "zsh": [""], "sh": [""]}


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


def _lines(shell: str) -> list[str]:
    return [
        f"{prefix}v={_quoted(value)}; " + form.format(t=test)
        for prefix in PREFIXES[shell]
        for test in TESTS
        if not (shell == "sh" and test.startswith("[["))  # (a syntax error in dash: it reads nothing)
        for form in FORMS
        for value in VALUES
    ]


def _ran(shell: str, lines: list[str], where: Path) -> list[set[str]]:
    """Which of THEN and ELSE the shell ran for each line: each in a subshell of its own, so that a line the shell
    stops (zsh at a bare ``==``) stops only there."""
    script = "".join(
        "( " + line.replace("THEN", f"echo {k}:THEN").replace("ELSE", f"echo {k}:ELSE") + " )\n"
        for k, line in enumerate(lines)
    )
    done = subprocess.run([SHELLS[shell]], input=script, capture_output=True, text=True, cwd=where, timeout=300)
    ran: list[set[str]] = [set() for _ in lines]
    for printed in done.stdout.splitlines():
        k, _, branch = printed.partition(":")
        ran[int(k)].add(branch)
    return ran


def _modeled(shell: str, line: str, where: Path) -> set[str]:
    text = line.replace("THEN", "tgthen").replace("ELSE", "tgelse")
    start = ShellAtStart(cwd=str(where), shell=shell)
    model = Builder(parse_tree_sitter_first).build(text, parse_tree_sitter_first(text), ("test",), start)
    names = {inv.name for inv in model.invocations}
    return {branch for branch in ("THEN", "ELSE") if "tg" + branch.lower() in names}


@pytest.mark.parametrize("shell", sorted(SHELLS))
def test_each_branch_the_shell_runs_is_in_the_model(shell: str, tmp_path: Path) -> None:
    assert shutil.which(SHELLS[shell]), f"{SHELLS[shell]} is not installed: the project's setup installs it"
    lines = _lines(shell)
    ran = _ran(shell, lines, tmp_path)
    assert sum(1 for r in ran if r) > len(lines) * 0.8, "the shell ran too few branches: the script went wrong"
    missed, decided = [], 0
    for line, branches in zip(lines, ran, strict=True):
        modeled = _modeled(shell, line, tmp_path)
        if branches - modeled:
            missed.append((line, sorted(branches), sorted(modeled)))
        decided += len(modeled) < 2
    assert not missed, missed[:10]
    if shell == "sh":  # (the values are bash's, and dash makes others of some: $'a' is $a there, {a,b} itself)
        assert decided == 0, decided
        return
    # (a floor under what is decided, so that a change deciding much less is seen: at its writing, bash 3,614 of
    # 6,720 lines, zsh 1,738 of 3,360)
    floors = {"bash": 3300, "zsh": 1550}
    assert decided >= floors[shell], (shell, decided, len(lines))


def test_an_if_on_a_known_value_reads_one_branch() -> None:
    """The forms a helper from an rc file is written in: with $1 known, one branch, and that is the one."""
    cases = {
        'set -- status; if [ "$1" = stop ]; then tgthen; else tgelse; fi': {"tgelse"},
        'set -- stop; if [ "$1" = stop ]; then tgthen; else tgelse; fi': {"tgthen"},
        'set -- stop; if [ "$1" == stop ]; then tgthen; else tgelse; fi': {"tgthen"},
        'set -- status; [ "$1" = stop ] && tgthen; tgelse': {"tgelse"},
        "set -- status; [[ $1 == stop ]] && tgthen || tgelse": {"tgelse"},
        'set -- a; if [ $# -eq 0 ]; then tgthen; elif [ "$1" = a ]; then tgelse; fi': {"tgelse"},
        # not decided: a file test, a value not known, a pattern
        'set -- stop; if [ -e "$1" ]; then tgthen; else tgelse; fi': {"tgthen", "tgelse"},
        'if [ "$1" = stop ]; then tgthen; else tgelse; fi': {"tgthen", "tgelse"},
        "set -- stop; if [[ $1 == s* ]]; then tgthen; else tgelse; fi": {"tgthen", "tgelse"},
        # not the builtin: a function or an alias named so
        'set -- status; [() { :; }; if [ "$1" = stop ]; then tgthen; else tgelse; fi': {"tgthen", "tgelse"},
        'set -- status; test() { :; }; if test "$1" = stop; then tgthen; fi; tgelse': {"tgthen", "tgelse"},
        # a redirection that may fail, a trap that may skip the test (extdebug)
        'set -- status; if [ "$1" = stop ] 2>/nonexistent/x; then tgthen; else tgelse; fi': {"tgthen", "tgelse"},
        'set -- status; shopt -s extdebug; trap false DEBUG; if [ "$1" = stop ]; then tgthen; else tgelse; fi': {
            "tgthen",
            "tgelse",
        },
    }
    for text, expected in cases.items():
        model = Builder(parse_tree_sitter_first).build(
            text, parse_tree_sitter_first(text), ("test",), ShellAtStart(shell="bash")
        )
        names = {inv.name for inv in model.invocations} & {"tgthen", "tgelse"}
        assert names == expected, (text, names)


def test_what_the_tests_decide() -> None:
    assert outcome_of_test(["a", "=", "a"], zsh=False) is True
    assert outcome_of_test(["!", "=", "x"], zsh=False) is False  # (three words, a comparison in the middle)
    assert outcome_of_test(["a", "==", "a"], zsh=True) is None
    assert outcome_of_test(["01", "-eq", "1"], zsh=False) is None  # (a leading zero: each shell reads it its way)
    assert outcome_of_test(["-f", "x"], zsh=False) is None
    assert outcome_of_conditional([("$v", "stop"), ("==", "=="), ("st*", "st*")]) is None
    assert outcome_of_conditional([("$v", "stop"), ('"=="', "=="), ("x", "x")]) is None  # (a quoted operator: a string)
    assert same_ignoring_case("stop", "STOP") is None
    assert same_ignoring_case("é", "É") is None  # (the locale decides)
    assert same_ignoring_case("stop", "status") is False
