"""Glob components read as bash reads them: each pattern is expanded by a real bash in a directory of known names,
and :func:`tenmon_guard.paths.bash_glob` must match exactly the names bash lists (or say it cannot tell)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenmon_guard.model import glob_start
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
    script = 'shopt -s nullglob extglob; for f in $1; do printf "%s\\0" "$f"; done'
    done = subprocess.run([bash, "-c", script, "bash", pattern], cwd=root, capture_output=True, check=True)
    return set(done.stdout.decode().split("\0")[:-1])


@pytest.fixture(scope="module")
def names(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("globs")
    for name in NAMES:
        (root / name).touch()
    return root


def _compare(pattern: str, root: Path, names: list[str] = NAMES) -> bool:
    matcher = bash_glob(pattern)
    if matcher is None:
        return False  # the guard says it cannot tell: allowed, and not compared
    ours = {n for n in names if matcher.match(n)}
    theirs = _bash_matches(pattern, root) & set(names)  # (a word that is no glob is passed as is, file or not)
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


# Extended patterns (``shopt -s extglob``, on in interactive bash on Debian): names with the characters they treat
# specially, fixed patterns of everyday use and of the corners, and random nested groups.
EXTENDED_NAMES = [*NAMES, "a", "b", "ab", "aab", "abab", "a(b)", "a|b", "keep.txt", "x.gz", "live", "a.gz.txt"]
EXTENDED_FIXED = [
    "!(*.gz)",
    "!(keep.txt)",
    "!(*.gz|keep.txt)",
    "*.@(gz|txt)",
    "@(a|b)",
    "?(a)b",
    "+(a)b",
    "*(ab)",
    "+(ab|a)",
    "!(a|b)",
    "a!(b)",
    "a!(*b)",
    "tenmon-ark-!(live)",
    "tenmon-ark-!(li*)",
    "tenmon-ark-@(li|x)ve",
    "tenmon-ark-+([a-z])",
    "tenmon-ark-l!(x)e",
    "a@(\\(b\\))",
    "a@([|]b)",
    "a@(\\|b)",
    "@(a|!(b))",
    "@(!(a)|b)",
    "+([[:alpha:]])",
    "!(!(a))",
    "@()",
    "a@(|b)",
    "a(b)",
]
_ATOMS = st.sampled_from(["a", "b", "l", "i", "v", "e", "-", "*", "?", "[ab]", "[!a]", "\\(", ".", "gz", "live"])


def _group(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    alternatives = st.lists(st.lists(inner, max_size=3).map("".join), min_size=1, max_size=3)
    return st.builds(lambda op, alts: op + "(" + "|".join(alts) + ")", st.sampled_from("!@?*+"), alternatives)


@pytest.fixture(scope="module")
def extended_names(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("extglobs")
    for name in EXTENDED_NAMES:
        (root / name).touch()
    return root


@pytest.mark.parametrize("pattern", EXTENDED_FIXED)
def test_fixed_extended_patterns(pattern: str, extended_names: Path) -> None:
    assert _compare(pattern, extended_names, EXTENDED_NAMES), f"{pattern!r} was not read"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.recursive(_ATOMS, _group, max_leaves=12), min_size=1, max_size=4))
def test_random_extended_patterns(pieces: list[str], extended_names: Path) -> None:
    pattern = "".join(pieces)
    if glob_start(pattern) is not None:  # (a word that is no glob is not expanded at all)
        _compare(pattern, extended_names, EXTENDED_NAMES)


@pytest.mark.parametrize("pattern", ["*?(a)", "a*!(b)", "*+(|a)", "!(a", "@(a|b"])
def test_extended_patterns_bash_reads_oddly_are_not_told(pattern: str) -> None:
    """What follows a ``*`` that may match nothing, or a group that never closes: bash's answer depends on special
    cases (and on its version); the guard says it cannot tell."""
    assert bash_glob(pattern) is None
