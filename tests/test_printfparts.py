"""What printf prints when its arguments are known in part (tenmon_guard.printfparts), round 21.

``printf 'rm -rf %s\\n' "$D" | sh`` feeds a shell the text ``echo "rm -rf $D" | sh`` does: it is read in part, as
the echo is, where it was an unknown command. The known text printf prints is checked against real bash's printf
(format reused for extra arguments, missing ones, ``%q``, ``%b``, ``%d`` in octal and hex, ``\\n`` in the format), and
the verdicts of the printf forms against those of the echo forms in every door.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tenmon_guard.engine import Context, Guard
from tenmon_guard.model import Literal, Span, Unknown, Word
from tenmon_guard.policy import load_policy
from tenmon_guard.printfparts import printf_in_part

POLICY = Path(__file__).resolve().parent.parent / "policies" / "tenmon-ark.yaml"
DOORS = ("hook", "agent", "sudo", "lint")


def _known(value: str) -> Word:
    return Word(repr(value), Span(0, 1), (Literal(value, quoted=True),))


def _bash_printf(args: list[str]) -> str:
    out = subprocess.run(["bash", "--norc", "-c", 'printf "$@"', "printf", *args], capture_output=True, check=False)
    return out.stdout.decode()


def _one_line(text: str) -> str:
    return text.replace("|", " ").replace("\n", " ")


KNOWN = [
    ["rm -rf %s\\n", "/tmp/a", "/tmp/b"],
    ["rm %s %s\\n", "a", "b", "c"],
    ["rm -rf %s %s|%d|%b|%q|\\n", "a"],
    ["pkill -%d node\\n", "9"],
    ["%d %d %d\\n", "010", "0x10", "-7"],
    ["%b", "rm -rf a\\nrm -rf b\\n"],
    ["%q\\n", "a'b $(echo SUB)", "", "a b"],
    ["100%% %s\\n", "done"],
    ["\\tx\\\\y %s", "z"],
    ["--", "rm %s\\n", "x"],
    ["no directive\\n", "ignored", "args"],
]


@pytest.mark.parametrize("args", KNOWN)
def test_known_text_is_what_bash_prints(args: list[str]) -> None:
    """With every argument known, the printed text is bash's own (``%q``'s quoting may differ in form, so it is
    compared as the words a shell reads back)."""
    printed = printf_in_part([_known(a) for a in args])
    assert printed is not None and printed.value is not None
    expected = _bash_printf(args)
    if "%q" in args[0]:
        read_back = ["bash", "--norc", "-c", 'for w in "$@"; do :; done; eval "set -- $1"; printf "<%s>" "$@"', "-"]
        ours, theirs = (
            subprocess.run([*read_back, _one_line(text)], capture_output=True, text=True).stdout
            for text in (printed.value, expected)
        )
        assert ours == theirs and ours.count("<") >= len(args) - 1
    else:
        assert printed.value == expected


@pytest.mark.parametrize(
    "args",
    [
        ["%5s\\n", "x"],  # a width
        ["%x\\n", "10"],  # a directive not followed
        ["%d\\n", "'A"],  # a character's code
        ["%d\\n", "08"],  # not an octal number: bash says so
        ["%b|%s\\n", "x\\cy", "z"],  # \c ends all output
        ["-v", "x", "%s", "y"],  # assigns, prints nothing here
    ],
)
def test_what_is_not_followed_is_not_known(args: list[str]) -> None:
    assert printf_in_part([_known(a) for a in args]) is None


D = Unknown("variable", name="D")
QUOTED_D = Unknown("variable", name="D", quoted=True)  # as %q gives it: read back as one word


def _in_part(text: str) -> Word:
    return Word(text, Span(0, 1), (D,))


def test_a_piece_not_known_is_printed_where_its_directive_is() -> None:
    printed = printf_in_part([_known("rm -rf %s\\n"), _in_part('"$D"')])
    assert printed is not None and printed.parts == (Literal("rm -rf "), D, Literal("\n"))


def test_q_gives_a_piece_not_known_as_one_word_in_double_quotes() -> None:
    printed = printf_in_part([_known("rm -rf %q\\n"), _in_part('"$D"')])
    assert printed is not None
    assert printed.parts == (Literal("rm -rf "), Literal('"'), QUOTED_D, Literal('"'), Literal("\n"))


def test_q_keeps_the_known_text_of_such_an_argument_literal() -> None:
    """printf %q escapes all of its argument: in the double quotes given, its ``$``, quotes and backslashes are."""
    word = Word('"\\$(pkill node) \\"$D"', Span(0, 1), (Literal('$(pkill node) "', quoted=True), D))
    printed = printf_in_part([_known("echo %q\\n"), word])
    assert printed is not None
    assert printed.parts == (
        Literal("echo "),
        Literal('"'),
        Literal('\\$(pkill node) \\"'),
        QUOTED_D,
        Literal('"'),
        Literal("\n"),
    )


def test_an_unquoted_piece_may_be_several_arguments() -> None:
    """``printf 'rm -rf %s\\n' $D``: D may split into words, each taking the format again: not followed."""
    assert printf_in_part([_known("rm -rf %s\\n"), _in_part("$D")]) is None


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard(load_policy([str(POLICY)], {}))


SAME_AS_ECHO = [
    ("printf 'rm -rf %s\\n' \"$D\" | sh", 'echo "rm -rf $D" | sh'),
    ("printf 'rm -rf /opt/tenmon-ark-live/%s\\n' \"$D\" | sh", 'echo "rm -rf /opt/tenmon-ark-live/$D" | sh'),
    ("printf 'apt-get install -y %s\\n' \"$PKG\" | sudo sh", 'echo "apt-get install -y $PKG" | sudo sh'),
    ("printf 'pkill -9 node %s\\n' \"$X\" | sh", 'echo "pkill -9 node $X" | sh'),
    ("printf '0 3 * * * rm -rf %s\\n' \"$D\" | crontab -", 'echo "0 3 * * * rm -rf $D" | crontab -'),
    ('printf "rm -rf $D\\n" | sh', 'echo "rm -rf $D" | sh'),
]


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize(("printf", "echo"), SAME_AS_ECHO)
def test_printf_known_in_part_is_judged_as_the_same_echo(guard: Guard, printf: str, echo: str, door: str) -> None:
    def judged(command: str) -> tuple[str, list[str]]:
        verdict = guard.check(command, Context(door=door, cwd="/tmp"))
        return verdict.decision.label, sorted({f.rule for f in verdict.findings})

    assert judged(printf) == judged(echo)


@pytest.mark.parametrize(
    "command",
    [
        "printf 'pkill -9 %s\\n' node | sh",
        "printf 'pkill -%d node\\n' 9 | sh",
        "printf '%s\\n' \"ls $D\" 'pkill -9 node' | sh",  # the format again for the second argument
        "printf '%b' \"rm -rf $D\\npkill -9 node\\n\" | sh",
        "printf 'rm -rf /opt/tenmon-ark-live/%q\\n' \"$D\" | sh",
        "printf 'rm -rf /opt/tenmon-ark-live/%s\\n' \"$D\" > /tmp/k.sh; sh /tmp/k.sh",
        # %s: the shell runs the $( the text holds
        "printf 'echo %s\\n' \"\\$(pkill node) $D\" | sh",
    ],
)
def test_a_kill_or_a_live_tree_write_printed_into_a_shell_blocks(guard: Guard, command: str) -> None:
    for door in DOORS:
        assert guard.check(command, Context(door=door, cwd="/tmp")).decision.label == "block", (command, door)


def test_q_keeps_a_substitution_in_its_argument_text(guard: Guard) -> None:
    """The same text through %q is one literal word: echo prints it, nothing runs (checked in bash 5.2)."""
    command = "printf 'echo %q\\n' \"\\$(pkill node) $D\" | sh"
    for door in DOORS:
        assert guard.check(command, Context(door=door, cwd="/tmp")).decision.label == "allow", door


def test_bash_runs_q_of_a_value_as_one_word() -> None:
    """What ``%q`` is read as: a value with blanks, quotes and a substitution reaches the command as one word."""
    script = (
        "rm(){ printf '<%s>' \"$@\"; }; "
        'printf \'rm -rf %q\\n\' "$D" | { while IFS= read -r line; do eval "$line"; done; }'
    )
    env = {"D": "/opt/tenmon-ark-live/dist x'y $(echo SUB)", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(["bash", "--norc", "-c", script], capture_output=True, text=True, env=env).stdout
    assert out == "<-rf></opt/tenmon-ark-live/dist x'y $(echo SUB)>"
