"""The ``#!`` line is read as the Linux kernel reads it: each line here is put at the top of a real script whose
interpreter is a stand-in that writes the words it was started with, the script is run, and the words the kernel
gave must be the ones :func:`read_hashbang` says. The builder, the sudo door and the linter all read the line so."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tenmon_guard.hashbang import HashBang, program_name, read_hashbang

# what follows ``#!INTERP`` on the line (the stand-in's path is put in for INTERP)
LINES = [
    "#!{i}",
    "#! {i}",
    "#!\t{i}",
    "#!{i} -e",
    "#!{i}  -e  ",
    "#!{i}\t-S a  b\t",
    "#!{i} -S python3 -u",
    "#!{i} a\0b",  # the kernel reads the line as a C string: the NUL ends it
    "#!{i}\0 -e",
    "#!{i} 'a b'",  # no quoting: the argument is the rest of the line as written
]


def _stand_in(tmp_path: Path) -> Path:
    """An interpreter (itself a script: Linux allows that) that writes its arguments, one per line, to a log."""
    log = tmp_path / "argv.log"
    stand_in = tmp_path / "interp"
    stand_in.write_text(f'#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > {log}\n')
    stand_in.chmod(0o755)
    return stand_in


@pytest.mark.parametrize("line", LINES)
def test_the_line_is_read_as_the_kernel_reads_it(tmp_path: Path, line: str) -> None:
    interp = _stand_in(tmp_path)
    script = tmp_path / "script"
    text = line.format(i=interp) + "\necho\n"
    script.write_text(text)
    script.chmod(0o755)
    subprocess.run([str(script), "given"], check=True, timeout=30)
    given = (tmp_path / "argv.log").read_text().split("\n")[:-1]
    bang = read_hashbang(text)
    assert bang is not None and bang.interpreter == str(interp)
    assert given == [*([bang.argument] if bang.argument else []), str(script), "given"]


def test_a_carriage_return_is_part_of_the_name(tmp_path: Path) -> None:
    """A script saved with CRLF line ends names ``/bin/sh\\r``: the kernel finds no such file."""
    interp = _stand_in(tmp_path)
    script = tmp_path / "script"
    text = f"#!{interp}\r\necho\n"
    script.write_text(text)
    script.chmod(0o755)
    with pytest.raises(FileNotFoundError):
        subprocess.run([str(script)], check=True, timeout=30)
    assert read_hashbang(text) == HashBang(f"{interp}\r", None)


@pytest.mark.parametrize("text", ["echo hi\n", "#!\n", "#! \t\n", "# comment\n", ""])
def test_no_interpreter(text: str) -> None:
    assert read_hashbang(text) is None
    assert program_name(text) is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("#!/bin/sh\necho", "sh"),
        ("#!/usr/bin/env -S python3 -u\n", "python3"),
        ("#!/usr/bin/env -Sbash -e", "bash"),
        ("#!/usr/bin/env -i PATH=/bin bash", "bash"),
        ("#!/usr/bin/env -u HOME -- sh", "sh"),
        ("#!/usr/bin/env -C /tmp dash", "dash"),
        ("#!/usr/bin/env --split-string=bash -x", "bash"),
        ("#!/bin/busybox sh", "sh"),
        ("#!/usr/bin/env", None),
    ],
)
def test_the_program_a_script_is_written_for(text: str, name: str | None) -> None:
    assert program_name(text) == name
