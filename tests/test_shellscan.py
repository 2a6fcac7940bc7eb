"""The quotes open around each unknown piece of shell text known in part (shellscan.piece_quoting).

A wrong answer here is a silent allow: a piece taken as expanded where it sits in single quotes was read as the
literal stand-in text (``bash -c "rm -rf '$D'"`` allowed). Each case is checked against real bash: the piece is
replaced by ``$P`` with P set, and bash either prints P's value (expanded) or the text ``$P`` (quoted).
"""

from __future__ import annotations

import subprocess

import pytest

from tenmon_guard.shellscan import ANSI_C, EXPANDED, SINGLE, piece_quoting

CASES = [
    (["rm -rf ", None], [EXPANDED]),
    (["rm -rf '", None, "'"], [SINGLE]),
    (['rm -rf "', None, '"'], [EXPANDED]),
    (["rm -rf $'", None, "'"], [ANSI_C]),
    (["echo 'a' ", None, " 'b'"], [EXPANDED]),
    (['echo "it\'s "', None], [EXPANDED]),
    (["echo \\'", None], [EXPANDED]),
    (["echo \"$(echo '", None, "')\""], [SINGLE]),
    (["echo ${x:-'", None, "'}"], [SINGLE]),
    (["echo '", None, "' ", None, " '", None, "'"], [SINGLE, EXPANDED, SINGLE]),
    (["echo $'it\\'s ", None, "'"], [ANSI_C]),
    (["echo hi # it's ", None], [EXPANDED]),
    (["echo `echo '", None, "'`"], [None]),
    (["cat <<'E'\n", None, "\nE"], [None]),
    (["echo ) '", None, "'"], [None]),
]


@pytest.mark.parametrize(("pieces", "expected"), CASES)
def test_piece_quoting(pieces: list[str | None], expected: list[str | None]) -> None:
    assert piece_quoting(pieces) == expected


@pytest.mark.parametrize(
    ("pieces", "expected"), [c for c in CASES if None not in c[1] and "#" not in "".join(p for p in c[0] if p)]
)
def test_bash_agrees(pieces: list[str | None], expected: list[str | None]) -> None:
    """bash expands ``$P`` where the scan says a piece is expanded, and keeps it as text in (ANSI-C) quotes."""
    text = "".join("$P" if p is None else p for p in pieces)
    script = f"P=VALUE; printf '%s\\n' {text.removeprefix('rm -rf ').removeprefix('echo ')}"
    out = subprocess.run(["bash", "--norc", "-c", script], capture_output=True, text=True, check=True).stdout
    shown = out.count("VALUE")
    assert shown == expected.count(EXPANDED), (text, out)
