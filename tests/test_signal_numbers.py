"""The signal the guard reads from a signal word is the one bash's kill sends for it (``kill -s +9 PID`` is
SIGKILL). bash reads kill's and trap's signal words with the same function (``decode_signal``), so each word is
given to a real bash's ``trap -- '' WORD`` and ``trap -p`` says which signal it named: no signal is ever sent."""

from __future__ import annotations

import shutil
import subprocess

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenmon_guard.signals import NUMBERS, normalise_signal

BASH = shutil.which("bash") or "/bin/bash"
_PIECES = st.sampled_from(["", "+", "-", " ", "\t", "\n", "0", "1", "9", "15", "31", "SIG", "sig", "KILL", "Kill", "x"])


def _bash_signal(word: str) -> str | None:
    """The signal bash's trap names for the word (``KILL``, ``0`` for EXIT), or None when bash refuses it."""
    run = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", 'trap -- "" "$1" 2>/dev/null && trap -p', "_", word],
        capture_output=True,
        timeout=10,
        check=False,
    )
    if run.returncode != 0 or not run.stdout:
        return None
    name = run.stdout.decode().split("\n", 1)[0].rsplit(" ", 1)[-1]
    return "0" if name == "EXIT" else name.removeprefix("SIG")


def _compare(word: str) -> None:
    """Where bash names a signal the guard names the same one. Where bash refuses the word (nothing is sent) the
    guard may still read one (`` KILL`` is judged as KILL), but never a number bash refuses (``+ 9``, ``9a``)."""
    expected = _bash_signal(word)
    got = normalise_signal(word)
    if expected in NUMBERS.values() or expected == "0":
        assert got == expected, f"{word!r}: guard {got} but bash {expected}"
    elif expected is None and any(c.isdigit() for c in word) and not any(c.isalpha() for c in word):
        assert got is None, f"{word!r}: guard {got} but bash refuses it"


def test_plus_sign_and_blanks_as_bash() -> None:
    for word in ("+9", " 9", "9 ", "\t+9\t", "+0", "-0", "010", "+ 9", "-9", " KILL", "9\n", "+KILL"):
        _compare(word)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(_PIECES, min_size=1, max_size=4))
def test_signal_words_as_bash(pieces: list[str]) -> None:
    _compare("".join(pieces))
