"""``tenmon-guard check --batch --requests json``: the long-lived checker's protocol with a context per request
(DESIGN.md's contract), through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

LIVE = "/opt/tenmon-ark-live"


def _ask(requests: list[object], *args: str) -> list[dict[str, object]]:
    frames = b"".join((r if isinstance(r, str) else json.dumps(r)).encode() + b"\0" for r in requests)
    proc = subprocess.run(
        [sys.executable, "-m", "tenmon_guard", "check", "--batch", "--requests", "json", *args],
        input=frames,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    return [json.loads(line) for line in proc.stdout.decode().splitlines()]


def test_each_request_is_judged_in_its_own_cwd_and_door_and_answered_with_its_id() -> None:
    replies = _ask(
        [
            {"id": 1, "command": "rm -rf dist", "cwd": LIVE},
            {"id": 2, "command": "rm -rf dist", "cwd": "/tmp"},
            {"id": "x", "command": 'rm -rf "$D"', "door": "sudo"},
            {"id": 4, "command": 'rm -rf "$D"', "door": "hook"},
        ]
    )
    assert [(r["id"], r["decision"]) for r in replies] == [(1, "block"), (2, "allow"), ("x", "block"), (4, "warn")]


def test_home_names_the_directory_a_tilde_means(tmp_path: Path) -> None:
    """With the shell's HOME the tilde is a known path (inside the live tree: blocked; elsewhere: allowed);
    without it, or with a HOME that is not absolute, it is not known statically (a warning at the hook door)."""
    replies = _ask(
        [
            {"id": 1, "command": "rm -rf ~/dist", "home": LIVE},
            {"id": 2, "command": "rm -rf ~/dist", "home": str(tmp_path)},
            {"id": 3, "command": "rm -rf ~/dist"},
            {"id": 4, "command": "rm -rf ~/dist", "home": "relative/home"},
            {"id": 5, "command": 'rm -rf "$HOME"/dist', "home": LIVE},
        ],
        "--door",
        "hook",
    )
    assert [r["decision"] for r in replies] == ["block", "allow", "warn", "warn", "block"]
    assert replies[0]["findings"][0]["rule"] == "live-dir-direct-write"


def test_cdpath_names_where_cd_may_go() -> None:
    """With the shell's CDPATH, ``cd NAME`` may go to NAME in one of its directories (bash looks there first): in
    the live tree a removal there is blocked, and ``$PWD`` is not known (one of two directories)."""
    replies = _ask(
        [
            {"id": 1, "command": "cd tenmon-ark-live && rm -rf dist", "cwd": "/tmp", "cdpath": "/opt"},
            {"id": 2, "command": "cd tenmon-ark-live && rm -rf dist", "cwd": "/tmp"},
            {"id": 3, "command": "cd tenmon-ark-live && rm -rf dist", "cwd": "/tmp", "cdpath": "/srv:/home"},
            {"id": 4, "command": "cd dist && rm -rf $PWD", "cwd": "/tmp", "cdpath": ".:" + LIVE},
            {"id": 5, "command": "cd ./tenmon-ark-live && rm -rf dist", "cwd": "/tmp", "cdpath": "/opt"},
        ],
        "--door",
        "hook",
    )
    assert [r["decision"] for r in replies] == ["block", "allow", "allow", "warn", "allow"]
    assert replies[0]["findings"][0]["rule"] == "live-dir-direct-write"


def test_options_say_which_shell_options_are_on() -> None:
    """The shell's options the builder follows, as the hooks send them: under autocd a directory given alone is a
    cd; options it does not follow, and a value that is no list, change nothing."""
    line = LIVE + "; rm -rf dist"
    replies = _ask(
        [
            {"id": 1, "command": line, "cwd": "/tmp", "options": ["autocd"]},
            {"id": 2, "command": line, "cwd": "/tmp"},
            {"id": 3, "command": line, "cwd": "/tmp", "options": ["extglob", 7]},
            {"id": 4, "command": line, "cwd": "/tmp", "options": "autocd"},
        ],
        "--door",
        "hook",
    )
    assert [r["decision"] for r in replies] == ["block", "allow", "allow", "allow"]


def test_variables_give_the_values_the_line_starts_with() -> None:
    """The values of the shell's variables the line names: a known path, in or out of the live tree; in a new shell
    only the exported ones are known; a value that is not a string is none. $PWD's is taken where given: the hooks
    send it only where a line assigned it away from the shell's directory (``PWD=LIVE`` at a prompt in /tmp, then
    ``rm -rf $PWD/dist`` removes the live dist); the cwd is the directory itself."""
    line, inner = "rm -rf $D/dist", "bash -c 'rm -rf $D/dist'"
    replies = _ask(
        [
            {"id": 1, "command": line, "cwd": "/tmp", "variables": {"D": LIVE}},
            {"id": 2, "command": line, "cwd": "/tmp", "variables": {"D": "/srv/other"}},
            {"id": 3, "command": line, "cwd": "/tmp"},
            {"id": 4, "command": inner, "cwd": "/tmp", "variables": {"D": LIVE}, "exported": ["D"]},
            {"id": 5, "command": inner, "cwd": "/tmp", "variables": {"D": "/srv/o"}},
            {"id": 6, "command": line, "cwd": "/tmp", "variables": {"D": 7}},
            {"id": 7, "command": "rm -rf $PWD/dist", "cwd": "/tmp", "variables": {"PWD": LIVE}},
        ],
        "--door",
        "hook",
    )
    assert [r["decision"] for r in replies] == ["block", "allow", "warn", "block", "warn", "warn", "block"]


def test_a_bad_request_is_refused_and_the_next_one_still_answered() -> None:
    replies = _ask(["not json", {"id": 2, "command": 7}, {"id": 3, "command": "ls"}])
    assert [r["decision"] for r in replies] == ["block", "block", "allow"]
    assert all(f["rule"] == "guard-error" for r in replies[:2] for f in r["findings"])
    assert replies[2]["id"] == 3
