"""What the guard says ``echo``, ``printf``, ``base64 -d``, ``tr``, ``cat``, ``tee``, ``head``, ``tail``, ``rev``,
``basename``, ``dirname`` and ``cut`` print, against what bash and coreutils (util-linux's rev) really print for
the same input (their output may be fed to a shell: ``base64 -d <<< ... | bash``). Every text is passed to bash
as an argument, never as shell source."""

from __future__ import annotations

import base64
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenmon_guard import filters

BASH = shutil.which("bash") or "/bin/bash"

# Pieces of text with escapes, kept to ASCII output (bash writes other code points as the locale says)
_PIECES = st.sampled_from(
    [
        "a",
        "Z",
        " ",
        "%",
        "\\\\",
        "\\n",
        "\\t",
        "\\e",
        "\\q",
        "\\",
        "\\0",
        "\\07",
        "\\0101",
        "\\101",
        "\\1",
        "\\17",
        "\\x41",
        "\\x4",
        "\\xG",
        "\\u0041",
        "\\u41",
        "\\U00000041",
        "\\c",
        "\\a",
        "-",
        "-e",
        "-n",
    ]
)
_TEXTS = st.lists(_PIECES, max_size=8).map("".join)


def _bash(script: str, *args: str, stdin: str = "") -> bytes:
    run = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", script, "_", *args], input=stdin.encode(), capture_output=True, timeout=10
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(_TEXTS, min_size=1, max_size=3))
def test_echo_as_bash(words: list[str]) -> None:
    printed = _bash('echo "$@"', *words)
    model = filters.echo_output(words)
    # the model leaves out the final newline (what a shell reads is the same with or without it)
    assert printed in (model.encode() + b"\n", model.encode())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.lists(st.sampled_from(["%s", "%b", "%%", "x", "\\n", "|", "\\x41"]), max_size=5).map("".join),
    args=st.lists(_TEXTS, max_size=3),
)
def test_printf_as_bash(fmt: str, args: list[str]) -> None:
    printed = _bash('printf "$@"', fmt, *args)
    assert filters.printf_output(fmt, args).encode() == printed  # type: ignore[union-attr]


def test_printf_other_directives_are_not_known() -> None:
    assert filters.printf_output("%d\\n", ["3"]) is None
    assert filters.printf_output("%5s", ["x"]) is None


@pytest.mark.parametrize(
    ("sets", "text"),
    [
        (["a-z", "n-za-m"], "cxvyy abqr"),
        (["a-z", "A-Z"], "hello, World"),
        (["[:lower:]", "[:upper:]"], "mixed Case"),
        (["-d", "x-z"], "xylophone zebra"),
        (["abc", "x"], "aabbcc"),
        (["a-c", "\\n"], "abcabc"),
        (["\\\\", "/"], "a\\b\\c"),
        (["a-", "b"], "a-b-c"),
    ],
)
def test_tr_as_coreutils(sets: list[str], text: str) -> None:
    printed = _bash('tr "$@"', *sets, stdin=text)
    assert filters.tr_output(sets, text) == printed.decode()


@pytest.mark.parametrize("sets", [["-s", "a"], ["[:digit:]", "x"], ["[=a=]", "b"], ["z-a", "b"]])
def test_tr_beyond_the_model_is_not_known(sets: list[str]) -> None:
    assert filters.tr_output(sets, "abc") is None


@pytest.mark.parametrize("text", ["pkill node", "ls -l\nuptime\n", "", "ünïcode"])
@pytest.mark.parametrize("options", [["-d"], ["--decode"], ["-d", "-i"]])
def test_base64_decode_as_coreutils(text: str, options: list[str]) -> None:
    encoded = base64.b64encode(text.encode()).decode()
    wrapped = "\n".join(encoded[i : i + 8] for i in range(0, len(encoded), 8)) + "\n"
    printed = _bash('base64 "$@"', *options, stdin=wrapped)
    assert filters.base64_output(options, wrapped) == printed.decode()


def test_base64_that_does_not_decode_is_not_known() -> None:
    assert filters.base64_output(["-d"], "not base64!\n") is None
    assert filters.base64_output([], "cGtpbGw=") is None  # encoding, not decoding
    assert filters.base64_output(["-d", "-w", "0"], "cGtpbGw=") is None


@pytest.mark.parametrize(
    ("name", "args"), [("cat", []), ("cat", ["-"]), ("tee", ["/dev/null"]), ("tee", ["-a", "/dev/null"])]
)
def test_cat_and_tee_print_what_they_read(name: str, args: list[str]) -> None:
    printed = _bash(f'{name} "$@"', *args, stdin="pkill node\n")
    assert filters.passthrough_output(name, args, "pkill node\n") == printed.decode()


def test_cat_of_a_file_is_not_its_stdin() -> None:
    assert filters.passthrough_output("cat", ["/etc/hostname"], "x") is None


@pytest.mark.parametrize("text", ["a\nb\nc\nd\n", "a\nb\nc", "", "one", "\n\n"])
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("head", []),
        ("head", ["-1"]),
        ("head", ["-n", "2"]),
        ("head", ["-n2"]),
        ("head", ["--lines=3"]),
        ("head", ["-n", "-1"]),
        ("head", ["-n", "0"]),
        ("tail", ["-1"]),
        ("tail", ["-n", "2"]),
        ("tail", ["-n", "+2"]),
        ("tail", ["-n", "-2"]),
        ("tail", []),
        ("rev", []),
    ],
)
def test_head_tail_and_rev_as_coreutils(name: str, args: list[str], text: str) -> None:
    printed = _bash(f'{name} "$@"', *args, stdin=text)
    model = filters.rev_output(args, text) if name == "rev" else filters.head_output(name, args, text)
    assert model == printed.decode()


@pytest.mark.parametrize(("name", "args"), [("head", ["-c", "3"]), ("tail", ["-f"]), ("head", ["/etc/hostname"])])
def test_head_beyond_the_model_is_not_known(name: str, args: list[str]) -> None:
    assert filters.head_output(name, args, "abc\n") is None


@pytest.mark.parametrize(("words", "printed"), [(["a"], "a\n"), (["-n", "a"], "a"), (["-e", "a\\cb"], "a")])
def test_echo_with_its_newline(words: list[str], printed: str) -> None:
    assert filters.echo_output(words, newline=True) == _bash('echo "$@"', *words).decode() == printed


_PATH_NAMES = ["/a/b", "/a/b/", "a", "a/", "/", "//", "///", "", "a//b", "/a//b//", "./x", "../x/y", "x.sh", "a/b.sh"]


@pytest.mark.parametrize("name", _PATH_NAMES)
def test_basename_and_dirname_print_what_coreutils_prints(name: str) -> None:
    """``$(basename "$0")`` and ``$(dirname "$0")`` are in most scripts: what they print is known where the name is
    (``a=$(basename /x/pkill); $a node`` runs pkill node). Options are not read (None)."""
    for suffix in ([], [".sh"], ["b"]):
        done = subprocess.run(["basename", name, *suffix], capture_output=True, text=True, check=True)
        assert (filters.basename_output([name, *suffix]) or "") + "\n" == done.stdout, (name, suffix)
    done = subprocess.run(["dirname", name], capture_output=True, text=True, check=True)
    assert filters.dirname_output([name]) == done.stdout, name
    assert filters.basename_output(["-a", name]) is None and filters.dirname_output(["-z", name]) is None


_CUT_INPUTS = ["pkill,node\n", "a,b,c\nd,e\nnodelim\n", "x\n", ",,\n", "a,b", "tab\there\n", "", "\n", "a\n\nb\n"]
_CUT_FORMS = [["-d,", "-f1"], ["-d", ",", "-f2"], ["-d,", "-f1,3"], ["-d,", "-f2-"], ["-d,", "-f-2"], ["-c1-3"]]
_CUT_FORMS += [["-c", "2,4"], ["-f2"], ["-d,", "-f3-4"], ["-c3-"], ["-s", "-d,", "-f2"]]


@pytest.mark.parametrize("text", _CUT_INPUTS)
def test_cut_prints_what_coreutils_prints(text: str) -> None:
    """``$(cut -d, -f1 <<< "$line")``: the field cut prints is known where the text is. Another form is not read."""
    for form in _CUT_FORMS:
        done = subprocess.run(["cut", *form], input=text, capture_output=True, text=True, check=True)
        assert filters.cut_output(form, text) == done.stdout, (form, text)
    assert filters.cut_output(["-b1"], text) is None and filters.cut_output(["-d,", "-f1", "-c1"], text) is None
