"""``shopt -s cdspell`` (set in many a .bashrc): an interactive bash's ``cd`` to a directory that is not there goes to
one a typo away, and says so. ``cd /opt/tenmon-ark-lvie && rm -rf dist`` then removes the live dist.

Each typo is first given to a real interactive bash (``bash -i``), to see where its cd goes; the guard, told the
option as the hook tells it, must refuse the line exactly where bash lands in the live tree.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from test_hook_bash import require_program

from tenmon_guard.engine import Context, Guard, shell_state
from tenmon_guard.paths import spelled_directories
from tenmon_guard.policy import load_policy

POLICY = Path(__file__).resolve().parent.parent / "policies" / "tenmon-ark.yaml"

TYPOS = [
    "opt/tenmon-ark-lvie",  # (two letters swapped)
    "opt/tenmon-ark-liv",  # (one missing)
    "opt/tenmon-ark-livee",  # (one too many)
    "opt/tenmon-ark-lxve",  # (one wrong)
    "opt/tenmno-ark-live",
    "Opt/tenmon-ark-live",
    "opt/tenmon-ark-lvei",  # (two typos: no correction)
    "opt/other",
    "opt/othre",
    "opt/tenmon-ark-live",
]


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    (tmp_path / "opt" / "tenmon-ark-live" / "dist").mkdir(parents=True)
    (tmp_path / "opt" / "other").mkdir()
    (tmp_path / "opt" / "tenmon-ark-repo").mkdir()
    return tmp_path


def _bash_goes(root: Path, typed: str) -> str:
    bash = require_program("bash")
    script = f"shopt -s cdspell; cd {root}/{typed} >/dev/null 2>&1 && pwd"
    out = subprocess.run(
        [bash, "--norc", "--noprofile", "-i", "-c", script],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    return out.stdout.strip()


@pytest.mark.parametrize("typed", TYPOS)
def test_a_cd_a_typo_away_is_followed(tree: Path, typed: str) -> None:
    live = tree / "opt" / "tenmon-ark-live"
    guard = Guard(load_policy([str(POLICY)], {"live_dir": str(live)}))
    goes = _bash_goes(tree, typed)
    line = f"cd {tree}/{typed} && rm -rf dist"
    told = Context(door="hook", cwd=str(tree), **shell_state({"options": ["cdspell"]}))
    verdict = guard.check(line, told)
    assert verdict.decision.label == ("block" if goes == str(live) else "allow"), (goes, verdict.findings)
    if goes == str(live) and typed != "opt/tenmon-ark-live":
        plain = guard.check(line, Context(door="hook", cwd=str(tree)))
        assert plain.decision.label == "allow"  # (without the option: cd fails, and rm runs nowhere)
        script = guard.check(
            line, Context(door="lint", cwd=str(tree), dirstack_known=True, **shell_state({"options": ["cdspell"]}))
        )
        assert script.decision.label == "allow"  # (a script's shell is not interactive: no correction)


def test_the_directories_a_typo_away(tree: Path) -> None:
    opt = tree / "opt"
    assert spelled_directories(str(opt / "tenmon-ark-live")) == []
    assert spelled_directories(str(opt / "tenmon-ark-lvie")) == [str(opt / "tenmon-ark-live")]
    assert spelled_directories(str(opt / "nothing-near")) == []
    for n in range(12):
        (opt / f"d{n}x").mkdir()
    assert spelled_directories(str(opt / "dx")) == [None]  # (past the limit: somewhere not known)
