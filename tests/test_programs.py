"""What the guard computes of sed scripts and awk programs (sedrun.py, awkvalues.py), held to the real tools: GNU
sed's output for scripts run on known text, the commands its ``e`` and ``s///e`` run, and the strings an awk (mawk or
gawk, as installed) builds for a command or a file. The scripts run only print: sed with ``--sandbox`` (no ``e``,
``w``, ``r``), except for ``e`` tests whose every command is an ``echo`` of a marker; awk programs only ``printf``."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenmon_guard import sedrun
from tenmon_guard.programs import NOT_KNOWN, ProgramInput, computed_effects, read_program

SED = shutil.which("sed") or "sed"
AWK = shutil.which("awk") or "awk"


def _sed(script: str, text: str, quiet: bool = False, extended: bool = False, sandbox: bool = True) -> str | None:
    argv = [SED, *(["--sandbox"] if sandbox else []), *(["-n"] if quiet else []), *(["-E"] if extended else [])]
    run = subprocess.run([*argv, "-e", script], input=text, capture_output=True, text=True, timeout=10)
    return run.stdout if run.returncode == 0 else None


def _ours(script: str, text: str, quiet: bool = False, extended: bool = False) -> str | None:
    try:
        return sedrun.run(script, text, quiet, extended).output
    except sedrun.Unsupported:
        return None


# -- sed output ----------------------------------------------------------------------------------------------------

SCRIPTS = [
    ("s/a*/x/g", "baaac\n"),
    ("p", "a\nb"),
    ("$a foo", "a"),
    ("$i foo", "a"),
    ("=", "a\nb\n"),
    ("n;s/a/X/", "a\n"),
    ("N;N;s/a/X/", "a\nb\n"),
    ("$!N;s/\\n/-/", "a\nb\nc\n"),
    ("s/\\(a\\)\\(b\\)/\\2\\1/", "abab\n"),
    ("s/b/[\\q\\/\\t\\&]/", "abc\n"),
    ("2,3d", "1\n2\n3\n4\n"),
    ("/2/,/3/d", "1\n2\n3\n4\n2\n"),
    ("0,/1/d", "1\n2\n1\n"),
    ("1~2d", "1\n2\n3\n4\n5\n"),
    ("2,+1d", "1\n2\n3\n4\n5\n"),
    ("/x/{s/x/y/;p}", "ax\nb\n"),
    ("y/abc/xyz/", "aabbcc\n"),
    ("h;G", "a\nb\n"),
    ("s/[[:digit:]]\\+/N/g", "a1b22c333\n"),
    ("s/o/0/2g", "foo boo\n"),
    ("a\\\n   x", "a\n"),
    ("a\\   x", "a\n"),
    ("c\\\nnew", "a\nb\n"),
    ("1q", "a\nb\n"),
    ("1Q", "a\nb\n"),
    ("s/^/> /", "a\nb\n"),
    ("s/$/ </", "a\nb\n"),
    ("s/.*/[&]/", "hello world\n"),
    ("/A/Id", "a\nb\n"),
    ("s/a\\{2,\\}/X/", "a aa aaa\n"),
    ("1!G;h;$!d", "1\n2\n3\n"),
    ("s|/|_|g", "/opt/x\n"),
    ("s/[]]/X/", "a]b\n"),
    ("s/[^a-c]/X/g", "abcdef\n"),
    ("s/\\w\\+/W/g", "foo bar-baz\n"),
    ("s/x/y/", ""),
]


@pytest.mark.parametrize(("script", "text"), SCRIPTS)
def test_sed_output_as_gnu_sed(script: str, text: str) -> None:
    assert _ours(script, text) == _sed(script, text)


@pytest.mark.parametrize(
    ("script", "text"),
    [("s/(a)(b)/\\2\\1/", "abab\n"), ("s/a+/X/", "caaat\n"), ("s/^(.*)\\/(.+)\\.py$/\\1|\\2/", "/usr/x/y.py\n")],
)
def test_sed_extended_output_as_gnu_sed(script: str, text: str) -> None:
    assert _ours(script, text, extended=True) == _sed(script, text, extended=True)


@pytest.mark.parametrize(
    "script",
    [
        "s/a\\|b/x/",
        "s/\\(a*\\)*/x/",
        "b end",
        "s/a/\\U&/",
        "s/[\\n]/x/",
        "r /etc/hostname",
        "//d",
        "s/x/y/w /dev/stdout",
    ],
)
def test_sed_beyond_the_subset_is_not_known(script: str) -> None:
    assert _ours(script, "ab\n") is None


_REGEX_PIECES = ["a", "b", ".", "a*", "[ab]", "[^a]", "^", "$", "b\\+", "a\\{1,2\\}", "[[:digit:]]", "\\.", " ", "x\\?"]
_REPLACEMENT_PIECES = ["x", "&", "-", "\\n", "\\&", "Y"]
_ADDRESSES = ["", "1", "2", "$", "/a/", "/b/I", "1,2", "/a/,/b/", "2,+1", "0~2", "2,1", "1!", "$!", "/a/!"]
_COMMANDS = st.one_of(
    st.builds(
        lambda r, p, f: f"s/{r}/{p}/{f}",
        st.lists(st.sampled_from(_REGEX_PIECES), min_size=1, max_size=4).map("".join),
        st.lists(st.sampled_from(_REPLACEMENT_PIECES), max_size=3).map("".join),
        st.sampled_from(["", "g", "2", "p", "I", "2g", "gp"]),
    ),
    st.sampled_from(["p", "d", "=", "y/ab/ba/", "h", "G", "x", "n", "N", "q", "Q", "P", "z", "H;$!d;x", "{p;p}"]),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    commands=st.lists(st.tuples(st.sampled_from(_ADDRESSES), _COMMANDS), min_size=1, max_size=4),
    lines=st.lists(st.text(alphabet="ab1. A", max_size=6), max_size=5),
    newline=st.booleans(),
    quiet=st.booleans(),
)
def test_sed_scripts_as_gnu_sed(commands: list[tuple[str, str]], lines: list[str], newline: bool, quiet: bool) -> None:
    """Random scripts of the subset on random text: where sed accepts the script and the guard runs it, both print
    the same."""
    script = "\n".join(address + command for address, command in commands)
    text = "\n".join(lines) + ("\n" if newline and lines else "")
    real = _sed(script, text, quiet)
    ours = _ours(script, text, quiet)
    if real is not None and ours is not None:
        assert ours == real


# -- sed e ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "lines"),
    [
        ("e", ["echo RAN-1", "echo RAN-2"]),
        ("2e", ["echo RAN-1", "echo RAN-2", "echo RAN-3"]),
        ("/2/!e", ["echo RAN-1", "echo RAN-2", "echo RAN-3"]),
        ("s/^/echo RAN-/e", ["1", "2"]),
        ("s/x/echo RAN-&/e", ["a", "x", "xb"]),
        ("/b/s/.*/echo RAN-b/e", ["a", "b"]),
        ("$!d;s/^/echo RAN-/e", ["1", "2", "3"]),
        ("s/a/b/;s/b/echo RAN-b/e", ["a", "c"]),
    ],
)
def test_sed_commands_as_gnu_sed(script: str, lines: list[str]) -> None:
    """The commands ``e`` and ``s///e`` run with known input: each is ``echo RAN-...``, and sed prints what ran."""
    text = "".join(line + "\n" for line in lines)
    real = _sed(script, text, sandbox=False)
    assert real is not None
    ran = {line for line in real.splitlines() if line.startswith("RAN-")}  # (a line not run prints "echo RAN-")
    reading = read_program("sed", script)
    computed = computed_effects("sed", script, reading, ProgramInput(text=text))
    predicted = {c[0] for c in computed.commands if c != NOT_KNOWN and c[0] is not None}
    assert {c.removeprefix("echo ") for c in predicted} == ran
    assert all(c.startswith("echo RAN-") for c in predicted)


@pytest.mark.parametrize(
    ("script", "extended", "command"),
    [
        ("1s/.*/rm -rf \\/opt\\/x/e", False, ("rm -rf /opt/x",)),
        ("s|.*|rm -rf /opt/x&|e", False, ("rm -rf /opt/x", None)),
        ("s/^/rm -rf /e", False, ("rm -rf ", None)),
        ("s/x/rm/e", False, (None, "rm", None)),
        ("/^(.*)\\/(.+)\\.py$/s,,rm \\1/\\2.pyc,e", True, ("rm ", None, "/", None, ".pyc")),
        ("e", False, NOT_KNOWN),
        ("s/a\\|b/x/e", False, NOT_KNOWN),
    ],
)
def test_sed_commands_of_input_not_known(script: str, extended: bool, command: tuple[str | None, ...]) -> None:
    """Without the input, an ``s///e`` runs its replacement with what is not known where the match may leave the
    pattern space (a bare ``e``: all of it)."""
    computed = computed_effects("sed", script, read_program("sed", script), ProgramInput(extended=extended))
    assert computed.commands == (command,)


# -- awk -------------------------------------------------------------------------------------------------------------

_AWK_PIECES = st.sampled_from(
    [
        '"a"',
        '"\\057opt"',
        '"\\t"',
        '"\\\\x"',
        '"\\""',
        '"x\\101y"',
        '"-"',
        "1",
        "23",
        "$0",
        "$1",
        "$3",
        "$9",
        "ARGV[1]",
        'ENVIRON["TG_X"]',
        "v",
        "w",
        'sprintf("%s=%d", "k", 7)',
        'sprintf("[%s]", $2)',
        'toupper("ab")',
        '("p" "q")',
        "FILENAME",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(_AWK_PIECES, min_size=1, max_size=4), where=st.sampled_from(["BEGIN", "", "END"]))
def test_awk_values_as_awk(pieces: list[str], where: str) -> None:
    """The strings a write's target takes, computed, against what the installed awk prints for the same expression
    (records from stdin, an operand assignment in ARGV[1], ENVIRON from the environment, v from -v, w assigned)."""
    expression = " ".join(pieces)
    program = f'BEGIN {{ w = "W1" }} {where} {{ print "x" > ({expression}) }}'
    shown = f'BEGIN {{ w = "W1" }} {where} {{ printf "%s\\n", ({expression}) }}'
    text = "a b c\nd e\n"
    real = subprocess.run(
        [AWK, "-v", "v=V\\tv", shown, "q=zz"],
        input=text,
        capture_output=True,
        text=True,
        env={**os.environ, "TG_X": "envx"},
        timeout=10,
    )
    assert real.returncode == 0, real.stderr
    inputs = ProgramInput(
        records=tuple((line, None) for line in text.splitlines()),
        operands=("q=zz",),
        environment={"TG_X": "envx"},
        variables=(("v", "V\\tv"), ("q", "zz")),
    )
    computed = computed_effects("awk", program, read_program("awk", program), inputs)
    values = {target for _, target in computed.writes}
    if "FILENAME" in pieces and where != "BEGIN":
        assert all(None in v for v in values)  # stdin: mawk says "-", gawk ""
        return
    assert all(None not in v for v in values), values
    assert {v[0] for v in values} == set(real.stdout.splitlines())


@pytest.mark.parametrize(
    ("program", "kind", "expected"),
    [
        ('BEGIN{system("rm -rf /opt/" "x/dist")}', "command", ("rm -rf /opt/x/dist",)),
        ('BEGIN{print "P" > "\\057opt\\057x\\057.env"}', "write", ("/opt/x/.env",)),
        ('BEGIN{system(sprintf("rm -rf /opt/%s/dist", "x"))}', "command", ("rm -rf /opt/x/dist",)),
        ('BEGIN{print "P" > ARGV[1]}', "write", ("/opt/x/.env",)),
        ('BEGIN{print "P" > ENVIRON["D"]}', "write", ("/env/d",)),
        ('BEGIN{cmd = "date +%s"; cmd | getline t}', "command", ("date +%s",)),
        ("{system($0)}", "command", ("rm -rf /opt/x", "ls")),
        ('{system("rm " $2)}', "command", ("rm -rf", "rm ")),
        ("BEGIN{system(x)}", "command", NOT_KNOWN),
        ('{sub(/a/, "b"); system($0)}', "command", NOT_KNOWN),
        ("{system(x + 1)}", "command", NOT_KNOWN),
    ],
)
def test_awk_sites(program: str, kind: str, expected: tuple[str | None, ...]) -> None:
    inputs = ProgramInput(
        records=(("rm -rf /opt/x", None), ("ls", None)),
        operands=("/opt/x/.env",),
        environment={"D": "/env/d"},
    )
    computed = computed_effects("awk", program, read_program("awk", program), inputs)
    found = computed.commands if kind == "command" else tuple(t for _, t in computed.writes)
    expected_set = {expected} if expected == NOT_KNOWN or len(expected) == 1 else {(e,) for e in expected}
    assert set(found) == expected_set


def test_awk_variable_given_from_itself_is_known_only_in_part() -> None:
    """Each value a variable is given is one it may hold; one made from the variable itself is not known where it
    refers to it."""
    program = '{cmd = "a"; cmd = cmd "b"; system(cmd)}'
    computed = computed_effects("awk", program, read_program("awk", program), ProgramInput())
    assert set(computed.commands) == {("a",), (None, "b")}


def test_awk_getline_after_a_concatenation_is_judged_both_ways() -> None:
    """gawk pipes the whole concatenation into getline, mawk only its last value: both commands are judged."""
    program = 'BEGIN{"echo " "date" | getline}'
    reading = read_program("awk", program)
    computed = {c[0] for c in computed_effects("awk", program, reading, ProgramInput()).commands}
    assert computed | set(reading.commands) == {"echo date", "date"}


def test_awk_print_into_a_shell_feeds_it_the_printed_text() -> None:
    program = '{print "rm -rf " $1 | "sh"}'
    inputs = ProgramInput(records=(("/opt/x", None), ("/tmp/y", None)))
    computed = computed_effects("awk", program, read_program("awk", program), inputs)
    assert computed.feeds == ((("sh",), ("rm -rf /opt/x\nrm -rf /tmp/y\n",)),)
