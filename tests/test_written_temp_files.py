"""A file the line writes at a path not known (``f=$(mktemp)``, ``d=$(mktemp -d)``, ``/tmp/$RANDOM``), run later
by a path written the same way, runs what was written there.

The files the line writes were kept by their path, so one whose path is not known was not kept at all:
``f=$(mktemp); echo 'pkill node' > "$f"; sh "$f"``, the usual way a script makes and runs a temporary script, was
allowed (``sh "$f"`` taken for a script on disk). Each program here is run by a real bash in a fresh directory (a
logging stand-in for pkill first on PATH) and must make it run ``pkill node``; the linter and both parsers must
refuse it. The mirrors write a harmless text, or write the dangerous one where it is written over after.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from judged import lint_decisions, policy_guard
from stand_ins import bash_in_work

from tenmon_guard.verdict import Decision

WRITTEN_AND_RUN = [
    'f=$(mktemp -p .); echo \'pkill node\' > "$f"; sh "$f"',
    'f=$(mktemp -p .); echo \'pkill node\' > "$f"; . "$f"',
    'f=$(mktemp -p .); echo \'pkill node\' > "$f"; bash < "$f"',
    'f=$(mktemp -p .); g=$f; echo \'pkill node\' > "$f"; sh "$g"',
    'd=$(mktemp -d -p .); echo \'pkill node\' > "$d/x"; sh "$d/x"',
    'f=./$RANDOM; echo \'pkill node\' > "$f"; sh "$f"',
    'f=$(mktemp -p .)\ncat > "$f" <<EOF\npkill node\nEOF\nbash "$f"',
    'f=$(mktemp -p .); echo \'pkill node\' | tee "$f" >/dev/null; sh "$f"',
    'f=$(mktemp -p .); echo \'pkill \\\' > "$f"; echo node >> "$f"; sh "$f"',
    'f=$(mktemp -p .); w() { echo \'pkill node\' > "$f"; }; w; sh "$f"',
    'f=$(mktemp -p .); echo \'echo hi\' > "$f"; [ -e F ] && echo \'pkill node\' > "$f"; sh "$f"',
    # a copy into such a path holds what its source held
    'f=$(mktemp -p .); echo \'pkill node\' > a; cp a "$f"; sh "$f"',
    'f=$(mktemp -p .); g=$(mktemp -p .); echo \'pkill node\' > "$f"; cp "$f" "$g"; sh "$g"',
    'f=$(mktemp -p .); cp <(echo pkill node) "$f"; . "$f"',
    # (and a file opened for reading and writing as stdout: ``1<>`` writes what is printed, at any path)
    "echo 'pkill node' 1<> k; sh k",
    # (a value that may be one of several: set again in a loop, or where that may not run)
    'for i in 1 2; do f=$(mktemp -p .); echo \'pkill node\' > "$f"; done; sh "$f"',
    'f=$(mktemp -p .); echo \'pkill node\' > "$f"; [ -e G ] && f=$(mktemp -p .); sh "$f"',
    # (a program copied into such a directory, found there by its name through PATH)
    'd=$(mktemp -d -p .); PATH=$d:$PATH; cp "$(command -v pkill)" "$d/ls"; ls node',
    # (and a body or a trap, read where it is defined, run where PATH now finds such a program by a name it runs)
    'mkdir -p b; cp "$(command -v pkill)" b/ls; f() { ls node; }; PATH=$PWD/b:$PATH; f',
    'mkdir -p b; cp "$(command -v pkill)" b/ls; f() { ls node; }; PATH=$PWD/b:$PATH f',
    "trap 'ls node' EXIT; mkdir -p b; cp \"$(command -v pkill)\" b/ls; PATH=$PWD/b:$PATH",
    # (a script named without a slash: ``.`` looks it up in PATH, and bash where it is not in the cwd)
    "mkdir -p b; echo 'pkill node' > b/s; PATH=$PWD/b:$PATH; . s",
    "mkdir -p b; echo 'pkill node' > b/s; PATH=$PWD/b:$PATH . s",
    "mkdir -p b; echo 'pkill node' > b/s; PATH=$PWD/b:$PATH bash s",
    # (and read back: ``$(cat F)`` and ``$(< F)`` print what the line wrote into F)
    "echo pkill > c; $(cat c) node",
    'f=$(mktemp -p .); echo pkill > "$f"; x=$(< "$f"); $x node',
    'f=$(mktemp -p .); echo \'pkill node\' 1<> "$f"; sh "$f"',
]
HARMLESS = [
    'f=$(mktemp -p .); echo \'echo hi\' > "$f"; sh "$f"',
    'f=$(mktemp -p .); echo \'pkill node\' > "$f"; echo \'echo hi\' > "$f"; sh "$f"',
]


def _decisions(script: str, work: Path) -> set[Decision]:
    return lint_decisions(policy_guard(), script, str(work))


@pytest.mark.parametrize("program", WRITTEN_AND_RUN)
def test_a_file_at_a_path_not_known_runs_what_was_written(program: str, tmp_path: Path) -> None:
    ran, logged, work = bash_in_work(tmp_path, program, {"F": ""})
    assert "node" in logged.split(), (program, ran.stderr)
    if "PATH=" in program and "cp " in program:  # (a copy of a program not known: a doubt)
        assert Decision.ALLOW not in _decisions(program, work), program
    else:
        assert _decisions(program, work) == {Decision.BLOCK}, program


@pytest.mark.parametrize("program", HARMLESS)
def test_harmless_text_at_a_path_not_known_is_allowed(program: str, tmp_path: Path) -> None:
    ran, logged, work = bash_in_work(tmp_path, program)
    assert ran.stdout.split() == ["hi"] and not logged, (program, ran.stderr)
    assert _decisions(program, work) == {Decision.ALLOW}, program
