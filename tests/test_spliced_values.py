"""A value not known, spliced into text a shell reads, is code: each form is run in a real bash whose value holds a
``pkill node`` (a stand-in pkill that only logs), and the guard must not allow what bash was seen to run.

bash splices the value into the text before it reads it, whatever quotes the text puts around it: ``bash -c "echo
'$X'"`` runs pkill when X holds ``'; pkill node; '``. The near misses, values that cannot hold code (getopt's quoted
output, ``${x@Q}``, printf's ``%q``, a number), are run with the same hostile input, seen to run nothing, and allowed.

Code of another language is the same (``python3 -c "print('$X')"``, ``awk "BEGIN{print \\"$X\\"}"``, ``sed
"s/a/$B/"``): each interpreter is run for real on the value, which breaks out of the quotes or the command the code
puts around it and calls the pkill stand-in. Its near misses give the same values as data (``awk -v``, an argument
the code reads).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from stand_ins import bash_in_work

from tenmon_guard.engine import Context, Guard
from tenmon_guard.policy import load_policy
from tenmon_guard.verdict import Decision

POLICY = Path(__file__).resolve().parent.parent / "policies" / "tenmon-ark.yaml"
# what breaks out of no quotes, of single quotes and of double quotes around the piece
PLAIN, SINGLE, DOUBLE = "x; pkill node", "'; pkill node; '", '"; pkill node; "'

# Each form reads the hostile value from the file $F (the guard cannot know what a file holds) or, for a pattern
# and find, from a file name in the working directory.
SPLICED = [
    ('X=$(cat "$F"); eval echo $X', PLAIN),
    ('eval echo "$(cat "$F")"', PLAIN),
    ('X=$(cat "$F"); bash -c "echo $X"', PLAIN),
    ('X=$(cat "$F"); bash -c "echo \'$X\'"', SINGLE),
    ('X=$(cat "$F"); sh -c "echo \\"$X\\""', DOUBLE),
    ('X=$(cat "$F"); echo "echo $X" | sh', PLAIN),
    ('X=$(cat "$F"); bash <<< "echo $X"', PLAIN),
    ('X=$(cat "$F"); trap "echo $X" EXIT', PLAIN),
    ('X=$(cat "$F"); echo "echo $X" > k.sh; sh k.sh', PLAIN),
    ('for f in *.log; do bash -c "echo $f"; done', PLAIN),
    ('find . -name "*.log" -exec sh -c "echo {}" \\;', PLAIN),
    ('set -- "$(cat "$F")"; args=$(getopt -u -o ab -- "$@"); eval set -- "$args"', PLAIN),
    ('set -- "$(cat "$F")"; args=$(getopt ab "$@"); eval set -- "$args"', PLAIN),
    ('X=$(cat "$F"); printf \'echo %s\\n\' "$X" | sh', PLAIN),
]
DATA = [
    'set -- "$(cat "$F")"; args=$(getopt -o ab -- "$@"); eval set -- "$args"',
    'x=$(cat "$F"); eval "y=${x@Q}"',
    'x=$(cat "$F"); printf \'echo %q\\n\' "$x" | sh',
    'x=$(cat "$F"); bash -c "echo ${#x} $$ $((1 + 2))"',
    'T=$(mktemp -d); trap "rmdir \'$T\'" EXIT; bash -c "echo $(date +%s)"',
    'find . -name "*.log" -exec sh -c \'echo "$1"\' sh {} \\;',
]

# (program, line, value): each value closes what the code opens around it and calls pkill
SPLICED_CODE = [
    ("python3", 'X=$(cat "$F"); python3 -c "print(\'$X\')"', "'); import os; os.system('pkill node'); print('"),
    ("perl", 'X=$(cat "$F"); perl -e "print q($X)"', ');system("pkill node");print q('),
    ("node", 'X=$(cat "$F"); node -e "console.log(\\"$X\\")"',
     '");require("child_process").execSync("pkill node");console.log("'),
    ("awk", 'X=$(cat "$F"); awk "BEGIN{print \\"$X\\"}"', '"; system("pkill node"); print "'),
    ("sed", 'B=$(cat "$F"); echo a | sed "s/a/$B/"', "b/;e pkill node\n#"),
]  # fmt: skip
CODE_AS_DATA = [
    ("awk", 'X=$(cat "$F"); awk -v x="$X" "BEGIN{print x}"'),
    ("python3", 'X=$(cat "$F"); python3 -c "import sys; print(sys.argv[1])" "$X"'),
    ("python3", 'D=$(mktemp -d); python3 -c "print(\'$D\', $$, $((1 + 2)))"; rmdir "$D"'),
    ("sed", 'echo a | sed "s/a/$(date +%s)/"'),
]


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard(load_policy([str(POLICY)], {}))


def _run(tmp_path: Path, line: str, value: str) -> str:
    """What pkill calls ``line`` makes in a real bash, with ``value`` in the file $F and, where it can be one,
    in a file name."""
    files = {"value": value + "\n"}
    if "/" not in value:  # (no file name holds one)
        files[f"a{value}.log"] = ""
    return bash_in_work(tmp_path, f"F=value && {line}", files)[1]


@pytest.mark.parametrize(("line", "value"), SPLICED)
def test_a_value_spliced_into_shell_text_is_not_allowed(tmp_path: Path, guard: Guard, line: str, value: str) -> None:
    assert "node" in _run(tmp_path, line, value)  # bash ran the pkill the value holds
    for door, decision in (("check", Decision.WARN), ("lint", Decision.WARN), ("agent", Decision.BLOCK)):
        verdict = guard.check(line, Context(door=door, cwd=str(tmp_path)))
        assert verdict.decision == decision, (door, verdict)
        assert "unknown-command" in {f.rule for f in verdict.findings}


@pytest.mark.parametrize("line", DATA)
@pytest.mark.parametrize("value", [PLAIN, SINGLE, DOUBLE])
def test_a_value_that_cannot_hold_code_is_allowed(tmp_path: Path, guard: Guard, line: str, value: str) -> None:
    assert _run(tmp_path, line, value) == ""  # the same hostile input runs nothing
    verdict = guard.check(line, Context(door="agent", cwd=str(tmp_path)))
    assert verdict.decision == Decision.ALLOW, verdict


def test_the_message_names_the_pieces(guard: Guard) -> None:
    verdict = guard.check('X=$(cat f); bash -c "ls $X $1"', Context(door="check", cwd="/tmp"))
    (finding,) = verdict.findings
    assert "spliced into it ($(…), $1)" in finding.message, finding.message


@pytest.mark.parametrize(("program", "line", "value"), SPLICED_CODE, ids=[c[0] for c in SPLICED_CODE])
def test_a_value_spliced_into_code_is_not_allowed(
    tmp_path: Path, guard: Guard, program: str, line: str, value: str
) -> None:
    assert shutil.which(program), f"{program} is needed to see what it runs"
    assert "node" in _run(tmp_path, line, value)  # the interpreter ran the pkill the value holds
    for door, decision in (("check", Decision.WARN), ("lint", Decision.WARN), ("agent", Decision.BLOCK)):
        verdict = guard.check(line, Context(door=door, cwd=str(tmp_path)))
        assert verdict.decision == decision, (door, verdict)
        (finding,) = verdict.findings
        assert f"given to {program} is run with values not known statically spliced" in finding.message


@pytest.mark.parametrize(("program", "line"), CODE_AS_DATA)
def test_a_value_given_to_code_as_data_is_allowed(tmp_path: Path, guard: Guard, program: str, line: str) -> None:
    assert shutil.which(program), f"{program} is needed to see what it runs"
    for n, value in enumerate((PLAIN, SINGLE, DOUBLE, SPLICED_CODE[0][2], SPLICED_CODE[3][2])):
        (tmp_path / str(n)).mkdir()
        assert _run(tmp_path / str(n), line, value) == ""  # the same hostile input runs nothing
    verdict = guard.check(line, Context(door="agent", cwd=str(tmp_path)))
    assert verdict.decision == Decision.ALLOW, verdict


def test_what_the_known_code_reaches_is_the_finding_told(guard: Guard) -> None:
    """Code known in part that names what a rule protects: that finding says more than the splice, and is told."""
    line = 'python3 -c "import shutil; shutil.rmtree(\\"/opt/tenmon-ark-live/dist\\"); print($N)"'
    verdict = guard.check(line, Context(door="check", cwd="/tmp"))
    (finding,) = verdict.findings
    assert verdict.decision == Decision.WARN
    assert "mentions '/opt/tenmon-ark-live'" in finding.message, finding.message


# (program, line): a program known in part whose known text writes the file DEST, whatever plain text $B holds (no
# / nor newline: a value holding one is code, the splice's doubt)
WRITES_IN_PART = [
    ("sed", 'B=$(cat "$F"); sed "s/a/$B/w DEST" in.txt'),
    ("awk", 'B=$(cat "$F"); awk "{print \\"$B\\" > \\"DEST\\"}" in.txt'),
    ("sed", 'sed "s/a/$(date +%s)/w DEST" in.txt'),
]
LIVE = "/opt/tenmon-ark-live/dist/index.js"


@pytest.mark.parametrize(("program", "line"), WRITES_IN_PART)
def test_a_program_known_in_part_is_read_for_what_its_known_text_writes(
    tmp_path: Path, guard: Guard, program: str, line: str
) -> None:
    """The program is read with its pieces standing in as values not known: a file its known text names is written
    (GNU sed and awk, run for real on plain values that hold a quote, a ; and a space), so the live tree's blocks."""
    assert shutil.which(program), f"{program} is needed to see what it writes"
    for n, value in enumerate(("plain", "x; d", "x'y", 'x"y' if program == "sed" else "x y")):
        (tmp_path / str(n)).mkdir()
        work = bash_in_work(tmp_path / str(n), f"F=value && {line.replace('DEST', 'out')}", _value_and_input(value))[2]
        assert (work / "out").exists(), (value, line)
    verdict = guard.check(line.replace("DEST", LIVE), Context(door="check", cwd=str(tmp_path)))
    assert verdict.decision == Decision.BLOCK, verdict
    assert "live-dir-direct-write" in {f.rule for f in verdict.findings}
    elsewhere = guard.check(line.replace("DEST", "/tmp/out"), Context(door="check", cwd=str(tmp_path)))
    assert "live-dir-direct-write" not in {f.rule for f in elsewhere.findings}


def _value_and_input(value: str) -> dict[str, str]:
    return {"value": value + "\n", "in.txt": "a\n"}


def test_a_piece_never_makes_a_name_known(guard: Guard) -> None:
    """A piece in the name a program writes leaves that part not known: a doubt where the known part may reach the
    live tree, never the stand-in's text taken for a path."""
    for line in ('sed "s/a/b/w /opt/$D/x" in.txt', 'awk "{print > \\"$D/x\\"}" in.txt'):
        verdict = guard.check(line, Context(door="check", cwd="/tmp"))
        assert "unknown-target" in {f.rule for f in verdict.findings}, (line, verdict)
        assert all("tenmon_guard_piece" not in f.message for f in verdict.findings)


@pytest.mark.parametrize("line", ['awk "{system(\\$0); print $(date +%s)}" in.txt', 'sed "s/x/$(date +%s)/e" in.txt'])
def test_what_a_program_known_in_part_computes_is_not_known(tmp_path: Path, guard: Guard, line: str) -> None:
    """A program known in part runs a command it computes (its input's): with a value that holds no code the
    splice is no doubt, but that command is one not known (each allowed before; the input here runs pkill)."""
    files = {"in.txt": "x; pkill node\n"}
    assert "node" in bash_in_work(tmp_path, line, files)[1]
    verdict = guard.check(line, Context(door="check", cwd=str(tmp_path)))
    assert verdict.decision == Decision.WARN, verdict
    assert {f.rule for f in verdict.findings} == {"unknown-command"}
