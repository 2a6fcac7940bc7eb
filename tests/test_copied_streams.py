"""A copy of the copier's own stdin (``/dev/stdin``, ``/proc/self/fd/0``) or of a ``<(...)`` holds what is fed to
it, as ``tee FILE`` does: a shell that runs the copy later on the line runs that text.

``echo 'pkill node' | cp /dev/stdin k; sh k`` was allowed (the copy was taken for a copy of the program /dev/stdin,
or of a file on disk, whose text the guard does not judge), and so were ``install /dev/stdin k; ./k`` and ``cp
<(echo pkill node) k; sh k``; bash runs ``pkill node`` for each. Each program here is run by a real bash in a fresh
directory (a logging stand-in for pkill first on PATH) and must make it run ``pkill node``; the linter and both
parsers must refuse it. The mirror feeds a harmless text and must be allowed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from judged import lint_decisions, policy_guard
from stand_ins import bash_in_work

from tenmon_guard.verdict import Decision

COPIED = [
    "echo 'pkill node' | cp /dev/stdin k; sh k",
    "echo 'pkill node' | install /dev/stdin k; ./k",
    "cp /dev/stdin k <<< 'pkill node'; bash k",
    "echo 'pkill node' | cp /proc/self/fd/0 k; . ./k",
    "cp <(echo pkill node) k; sh k",
    "ln -s a l; echo 'pkill node' > a; cp l k; sh k",
]
HARMLESS = [
    "echo 'echo hi' | cp /dev/stdin k; sh k",
    "cp <(echo echo hi) k; sh k",
]


def _decisions(script: str, work: Path) -> set[Decision]:
    return lint_decisions(policy_guard(), script, str(work))


@pytest.mark.parametrize("program", COPIED)
def test_a_copy_of_what_is_fed_runs_that_text(program: str, tmp_path: Path) -> None:
    ran, logged, work = bash_in_work(tmp_path, program)
    assert "node" in logged.split(), (program, ran.stderr)
    assert _decisions(program, work) == {Decision.BLOCK}, program


@pytest.mark.parametrize("program", HARMLESS)
def test_a_copy_of_harmless_text_is_allowed(program: str, tmp_path: Path) -> None:
    ran, logged, work = bash_in_work(tmp_path, program)
    assert ran.stdout.split() == ["hi"] and not logged, (program, ran.stderr)
    assert _decisions(program, work) == {Decision.ALLOW}, program
