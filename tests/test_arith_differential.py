"""Every arithmetic value the guard computes (``kill -$((011)) PID`` is ``kill -9 PID``) is the one bash computes.

Random expressions of bash's integer constants (octal, hex, ``BASE#DIGITS``), operators and variables set on the
line before are given to a real bash (``echo $((EXPR))``, the expression passed as an argument, never as shell
source) and to :func:`tenmon_guard.arith.evaluate`: where the guard gives a value it must be bash's, and where bash
refuses the expression the guard must not give one. No piece holds ``$``, a quote or a backquote, so bash runs
nothing but the arithmetic.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenmon_guard.arith import evaluate

BASH = shutil.which("bash") or "/bin/bash"
VARIABLES = {"x": "5", "y": "011", "z": "x*2", "e": ""}
PRELUDE = "".join(f"{name}='{value}'; " for name, value in VARIABLES.items())
PIECES = [
    "0", "1", "9", "011", "08", "064#@", "01#1", "0x9", "0X1f", "0x", "8#11", "2#101", "16#ff", "36#Z", "64#@",
    "64#_", "37#Z", "2#",
    "99999999999999999999", "9223372036854775807", "x", "y", "z", "e", "u", " ", "+", "-", "*", "/", "%", "**",
    "<<", ">>", "<", ">", "<=", "==", "!=", "&", "|", "^", "&&", "||", "!", "~", "?", ":", ",", "(", ")",
]  # fmt: skip


def _bash(expression: str) -> int | None:
    run = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", PRELUDE + 'echo "$(($1))"', "_", expression],
        capture_output=True,
        timeout=10,
        check=False,
    )
    if run.returncode != 0 or run.stderr:
        return None
    return int(run.stdout.decode().strip())


def _compare(expression: str) -> None:
    got = evaluate(expression, VARIABLES.get)
    if got is not None:
        assert got == _bash(expression), f"{expression!r}: guard {got} but bash {_bash(expression)}"


@pytest.mark.parametrize(
    "expression",
    ["011", "0x9", "8#11", "10 - 1", "-2**2", "2**3**2", "2**63", "64#_", "36#z", "1 ? 2 , 3 : 4", "0 && 1/0",
     "1 || 1/0", "0 ? 1/0 : 3", "-7/2", "-7%2", "1<<63", "~5", "!0", "z+y", "e", "", "10#09",
     "-9223372036854775808/-1"],
)  # fmt: skip
def test_known_expressions_as_bash(expression: str) -> None:
    assert evaluate(expression, VARIABLES.get) is not None, expression
    _compare(expression)


@pytest.mark.parametrize("expression", ["08", "1/0", "2**-1", "x=1", "x++", "--x", "a[1]", "1 ?", "(1", "u", "$x"])
def test_what_is_not_computed(expression: str) -> None:
    assert evaluate(expression, VARIABLES.get) is None, expression


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(st.sampled_from(PIECES), min_size=1, max_size=7))
def test_random_expressions_as_bash(pieces: list[str]) -> None:
    _compare(" ".join(pieces) if len(pieces) % 2 else "".join(pieces))


_ATOMS = st.sampled_from([p for p in PIECES if p[0].isalnum()])
_BINARY = st.sampled_from(["+", "-", "*", "/", "%", "**", "<<", ">>", "<", ">", "<=", ">=", "==", "!=", "&", "|", "^",
                           "&&", "||", ","])  # fmt: skip
_EXPRESSIONS = st.recursive(
    _ATOMS,
    lambda inner: st.one_of(
        st.tuples(st.sampled_from(["-", "+", "!", "~", "- "]), inner).map("".join),
        st.tuples(inner, _BINARY, inner).map(" ".join),
        inner.map(lambda e: f"({e})"),
        st.tuples(inner, inner, inner).map(lambda t: f"{t[0]} ? {t[1]} : {t[2]}"),
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expression=_EXPRESSIONS)
def test_well_formed_expressions_as_bash(expression: str) -> None:
    _compare(expression)
