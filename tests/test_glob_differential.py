"""Glob components read as bash reads them: each pattern is expanded by a real bash in a directory of known names,
and :func:`tenmon_guard.paths.bash_glob` must match exactly the names bash lists (or say it cannot tell)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenmon_guard.paths import bash_glob

NAMES = ["tenmon-ark-live", "tenmon-ark-lime", "tenmon-ark-Live", "x*y", "a[b", "a]b", "a-b", "a^b", "a!b", "Z9", "_q"]
FIXED = [
    "tenmon-ark-[[:alpha:]]ive",
    "tenmon-ark-[[:lower:]]ive",
    "tenmon-ark-[^r]ive",
    "tenmon-ark-[!r]ive",
    "tenmon-ark-[\\l]ive",
    "tenmon-ark-[[.l.]]ive",
    "tenmon-ark-[[=l=]]ive",
    "tenmon-ark-[[:upper:]]ive",
    "x[*]y",
    "a[[]b",
    "a[]]b",
    "a[]-]b",
    "a[\\^]b",
    "[[:digit:][:upper:]]9",
    "[!a-z]*",
    "*[[:punct:]]*",
    "a[",
]
PIECES = ["t", "a", "l", "i", "v", "e", "-", "*", "?", "[", "]", "!", "^", "\\", "[:alpha:]", "[:lower:]", "[.l.]"]


def _bash_matches(pattern: str, root: Path) -> set[str]:
    bash = shutil.which("bash")
    assert bash is not None, "bash is needed to compare globs with bash"
    script = 'shopt -s nullglob; for f in $1; do printf "%s\\0" "$f"; done'
    done = subprocess.run([bash, "-c", script, "bash", pattern], cwd=root, capture_output=True, check=True)
    return set(done.stdout.decode().split("\0")[:-1])


@pytest.fixture(scope="module")
def names(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("globs")
    for name in NAMES:
        (root / name).touch()
    return root


def _compare(pattern: str, root: Path) -> bool:
    matcher = bash_glob(pattern)
    if matcher is None:
        return False  # the guard says it cannot tell: allowed, and not compared
    ours = {n for n in NAMES if matcher.match(n)}
    theirs = _bash_matches(pattern, root) & set(NAMES)  # (a word that is no glob is passed as is, file or not)
    assert ours == theirs, (pattern, ours, theirs)
    return True


@pytest.mark.parametrize("pattern", FIXED)
def test_fixed_patterns(pattern: str, names: Path) -> None:
    assert _compare(pattern, names), f"{pattern!r} was not read"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.sampled_from(PIECES), min_size=1, max_size=8))
def test_random_patterns(pieces: list[str], names: Path) -> None:
    pattern = "".join(pieces)
    _compare(pattern, names)
