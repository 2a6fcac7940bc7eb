"""After commands that may not run, every value bash can leave in a variable is one the model judges.

The builder reads a script straight through; where a part may not run (after ``&&``/``||``, a branch, a case
item, a loop's pass), a variable it sets holds either value afterwards. Reading it straight through, as before
stop 26, ``x=node; [ -e f ] && x=ssh; pkill "$x"`` was judged as ``pkill ssh`` alone and allowed. So random
programs of assignments under conditions on files (and a cd) are run by a real bash once for each set of those
files present, and what bash prints at the end must be among the values the model judges the last command with:
its readings (one per value it keeps) hold bash's words, or say they do not know them.
"""

from __future__ import annotations

import itertools
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from tenmon_guard.builder import Builder
from tenmon_guard.engine import parse_bashlex_first, parse_tree_sitter_first
from tenmon_guard.model import ShellAtStart

BASH = shutil.which("bash") or "bash"  # no skip: without bash the run fails, and says why
FILES = ("f0", "f1", "f2")
VALUES = ("a", "b", "c", "/opt/tenmon-ark-live")
PROGRAMS = 160
CASE_PATTERNS = ["a", "'a'", '"b"', "A", "b*", "?", "[ab]", "*", "-v", '"-v"', "ab", "x"]


def _statement(rng: random.Random, depth: int) -> str:
    """One random statement: an assignment, or one under a condition on a file."""
    var = rng.choice("xy")
    plain = f"{var}={rng.choice(VALUES)}"
    if depth >= 2 or rng.random() < 0.3:
        return plain if rng.random() < 0.85 else f"cd {rng.choice(['/tmp', '/'])}"
    test = f"[ -e {rng.choice(FILES)} ]"
    body = "; ".join(_statement(rng, depth + 1) for _ in range(rng.randint(1, 2)))
    other = "; ".join(_statement(rng, depth + 1) for _ in range(rng.randint(1, 2)))
    form = rng.randrange(10)
    if form == 0:
        return f"{test} && {plain}"
    if form == 1:
        return f"{test} || {plain}"
    if form == 2:
        return f"if {test}; then {body}; fi"
    if form == 3:
        return f"if {test}; then {body}; else {other}; fi"
    if form == 4:
        return f"if {test}; then {body}; elif [ -e {rng.choice(FILES)} ]; then {other}; else {plain}; fi"
    if form == 5:
        name = rng.choice(FILES)
        return f"case $(ls {name} 2>/dev/null) in {name}) {body};; *) {other};; esac"
    if form == 6:
        return f"for v in a b; do {body}; {test} && break; {other}; done"
    if form == 8:  # a subject known: bash runs the first item whose pattern matches, and only it
        subject = rng.choice(["a", "b", "A", "ab", "-v"])
        items = []
        for _ in range(rng.randint(1, 3)):
            patterns = "|".join(rng.sample(CASE_PATTERNS, rng.randint(1, 2)))
            items.append(f"{patterns}) {_statement(rng, depth + 1)};;")
        return f"s={subject}; case $s in {' '.join(items)} esac"
    if form == 7:  # (a few names: a function may be defined anew on a path that may not run, and either body runs)
        name = "fn"
        return f"{name}() {{ {body}; {test} && return; {other}; }}; {name}"
    if form == 9:
        return f"{test} && {plain} || {other}"
    return plain


def _program(seed: int) -> str:
    rng = random.Random(seed)
    return "x=start; y=start; " + "; ".join(_statement(rng, 0) for _ in range(rng.randint(2, 4)))


def _bash_values(program: str, where: Path) -> set[tuple[str, str, str]]:
    """x, y and the cwd bash ends with, for each set of the files present."""
    seen = set()
    for present in itertools.product((False, True), repeat=len(FILES)):
        for name, there in zip(FILES, present, strict=True):
            path = where / name
            if there:
                path.touch()
            elif path.exists():
                path.unlink()
        # (the files are looked up where the program starts; a cd moves away from them, as bash does too)
        done = subprocess.run(
            [BASH, "--norc", "--noprofile", "-c", program + '; printf \'%s\\0\' "$x" "$y" "$PWD"'],
            cwd=where,
            capture_output=True,
            text=True,
            timeout=10,
        )
        assert done.returncode == 0, (program, done.stderr)
        x, y, pwd, _ = done.stdout.split("\0")
        seen.add((x, y, pwd))
    return seen


def _model_values(program: str, parse: object, where: Path) -> list[tuple[str | None, str | None, str | None]]:
    """The words of each reading of the final printf (None: a word the model does not know)."""
    text = program + '; printf \'%s\\0\' "$x" "$y" "$PWD"'
    model = Builder(parse).build(text, parse(text), ("test",), ShellAtStart(cwd=str(where)))  # type: ignore[arg-type,operator]
    assert not model.unread, (program, model.unread)
    last = [inv for inv in model.invocations if inv.name == "printf"]
    assert last, program
    return [tuple(word.value for word in inv.argv[2:5]) for inv in last]  # type: ignore[misc]


def _covered(value: tuple[str, str, str], readings: list[tuple[str | None, str | None, str | None]]) -> bool:
    return any(all(m is None or m == b for m, b in zip(reading, value, strict=True)) for reading in readings)


@pytest.mark.parametrize("parse", [parse_tree_sitter_first, parse_bashlex_first], ids=["tree-sitter", "bashlex"])
def test_every_value_bash_leaves_is_judged(parse: object, tmp_path: Path) -> None:
    missed = []
    for seed in range(PROGRAMS):
        program = _program(seed)
        for name in FILES:  # (the model is built with none of them there, as at the first run)
            (tmp_path / name).unlink(missing_ok=True)
        readings = _model_values(program, parse, tmp_path)
        for value in _bash_values(program, tmp_path):
            if not _covered(value, readings):
                missed.append(f"{program!r}: bash left {value}, the model judged {readings}")
    assert not missed, "\n".join(missed[:10])


@pytest.mark.parametrize(
    ("program", "values"),
    [
        ("x=node; [ -e f0 ] && x=ssh", {"node", "ssh"}),
        ("if [ -e f0 ]; then x=a; else x=b; fi", {"a", "b"}),
        ("case $(ls f0 2>/dev/null) in f0) x=a;; *) x=b;; esac", {"a", "b"}),
        ("for x in a b; do [ -e f0 ] && break; done", {"a", "b"}),
        ("s=b; case $s in a) x=a;; b|c) x=b;; *) x=c;; esac", {"b"}),  # (the subject known: one item runs)
        ("fn() { x=a; }; [ -e f0 ] && fn() { x=b; }; fn", {"a", "b"}),  # (the last definition may not be made)
        # (b may match B under shopt -s nocasematch, and a glob is not decided: from there every item may run)
        ("s=B; x=a; case $s in b) x=b;; [A-Z]) x=c;; esac", {"a", "b", "c"}),
    ],
)
def test_each_value_is_one_reading(program: str, values: set[str], tmp_path: Path) -> None:
    """Where every path's value is known, the model judges exactly those values, none left unknown (a value not
    known would be judged strictly too, but as a doubt: ``pkill "$x"`` is to block, not to warn)."""
    readings = _model_values(program, parse_tree_sitter_first, tmp_path)
    assert {reading[0] for reading in readings} == values
    assert {value[0] for value in _bash_values(program, tmp_path)} <= values


def test_the_same_values_joined_again_are_the_same_value() -> None:
    """A join of the same values makes the value that stands for them once: each new one compared unequal, so a
    shell whose variable was joined again looked changed (a function's call "moved", a trap judged again)."""
    from tenmon_guard.choices import Choices

    choices = Choices()
    first = choices.either("y", "b", "a")
    assert choices.either("y", "b", "a") is first
    assert choices.either("y", "a", "b") is first
    assert choices.either("y", "b", "c") is not first
    assert choices.of(first) == ("a", "b")


def test_a_call_where_the_same_values_are_joined_again_is_not_a_doubt(tmp_path: Path) -> None:
    """The function is defined where y may be a or b, and called 70 times after a join of the same two values:
    each call was taken for one where y may hold something else, read again, and past 64 such calls the linter
    doubted the call. bash removes tg-b each time (tg-a is left): nothing the policy forbids."""
    from judged import lint_decisions, policy_guard

    from tenmon_guard.verdict import Decision

    for name in ("tg-a", "tg-b"):
        (tmp_path / name).mkdir()
    join = "y=b; [ -e /nonexistent ] && y=a"
    program = "\n".join([join, f'f() {{ rm -rf "{tmp_path}/tg-$y"; }}', *[f"{join}; f"] * 70])
    subprocess.run([BASH, "-c", program], check=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tg-a"]
    assert lint_decisions(policy_guard(), program) == {Decision.ALLOW}
