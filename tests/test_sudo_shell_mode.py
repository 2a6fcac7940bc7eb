"""``sudo -s CMD`` and ``sudo -i CMD``: sudo hands its command words to the shell as one text, each character a
backslash escapes but letters, digits, ``_``, ``-`` and ``$``. The guard reads that text, not the words joined:
``sudo -i bash -c 'rm -rf LIVE/dist'`` runs ``rm -rf LIVE/dist`` (the joined words ran ``bash -c rm``, which was
allowed). A real sudo, run as root, says what its shell receives.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from test_hook_bash import guard_bin, require_program

from tenmon_guard.builder import _shell_escaped

POLICY = Path(__file__).resolve().parent.parent / "policies" / "tenmon-ark.yaml"

WORDS = [
    ["one two", "three"],
    ["a'b", 'c"d', "e\\f"],
    ["x;y", "p|q", "m&n", "(s)", "<r>", "`t`"],
    ["$HOME", "${HOME}", "$(id -u)", "$'z'"],
    ["*", "?", "[ab]", "~", "#c", "!e"],
    ["tab\there", "new\nline", ""],
    ["caf\u00e9", "-n", "--", "_u_", "%s"],
]


@pytest.mark.parametrize("words", WORDS, ids=[" ".join(w).encode("unicode_escape").decode() for w in WORDS])
def test_the_shell_receives_what_sudo_gives_it(words: list[str]) -> None:
    sudo = require_program("sudo")
    if os.geteuid() != 0:
        pytest.skip("sudo without a password: run as root (CI does)")
    argv = ["printf", "<%s>\\n", *words]
    env = {**os.environ, "SHELL": "/bin/bash", "HOME": "/root"}
    real = subprocess.run([sudo, "-s", *argv], capture_output=True, text=True, env=env, check=False, timeout=30)
    text = " ".join(_shell_escaped(w) for w in argv)
    modelled = subprocess.run(["bash", "-c", text], capture_output=True, text=True, env=env, check=False, timeout=30)
    assert (real.returncode, real.stdout) == (modelled.returncode, modelled.stdout), (real.stderr, text)


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("sudo -i bash -c 'rm -rf /opt/tenmon-ark-live/dist'", 1),
        ("sudo -s sh -c 'cd /opt/tenmon-ark-live && rm -rf dist'", 1),
        ("sudo -i bash -c 'pkill -9 node'", 1),
        ("sudo -i bash -c 'systemctl restart tenmon-ark-api'", 0),
        ("sudo -s echo 'x; pkill node'", 0),  # (the ; is escaped: echo prints it)
    ],
)
def test_the_guard_judges_that_text(line: str, code: int) -> None:
    done = subprocess.run(
        [guard_bin(), "check", "--policy", str(POLICY), "--door", "hook", "--cwd", "/tmp", "--", line],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == code, done.stdout + done.stderr
