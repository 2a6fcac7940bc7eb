"""Break-glass is binding: no record, no run; the policy files alone decide it; what runs is what was recorded.

Every test runs the real ``tenmon-guard override`` in a subprocess against a temporary live tree (``--var
live_dir=...``) whose ``dist`` must still be whole after a refused run, and a temporary audit log.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tenmon_guard.doors.override import scrubbed_environment

REPO_ROOT = Path(__file__).resolve().parent.parent
POLICY = REPO_ROOT / "policies" / "tenmon-ark.yaml"
NOTHING_RUN = "the override record could not be written, so nothing was run."
IN_THE_LOG = "This is in the audit log"


@dataclass
class Box:
    """A temporary live tree, audit log and scratch directory."""

    root: Path
    live: Path
    log: Path

    @property
    def index(self) -> Path:
        return self.live / "dist" / "index.js"

    def whole(self) -> bool:
        return self.index.is_file() and self.index.read_text() == "app\n"

    def records(self) -> list[dict[str, object]]:
        if not self.log.is_file():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="ascii").splitlines()]

    def override(
        self, *words: str, policy: Path = POLICY, extra_args: tuple[str, ...] = (), **env: str
    ) -> subprocess.CompletedProcess[str]:
        """``tenmon-guard override --reason test ... -- WORDS`` with this checkout's code, from the scratch dir."""
        environ = {key: value for key, value in os.environ.items() if key != "TENMON_GUARD_POLICY"}
        environ.update({"PYTHONPATH": str(REPO_ROOT), "TENMON_GUARD_AUDIT_LOG": str(self.log), "NO_COLOR": "1"})
        environ.update(env)
        argv = [sys.executable, "-m", "tenmon_guard", "override", "--policy", str(policy)]
        argv += ["--var", f"live_dir={self.live}", *extra_args, "--reason", "test", "--", *words]
        return subprocess.run(
            argv, cwd=self.root, env=environ, capture_output=True, text=True, timeout=120, check=False
        )


@pytest.fixture
def box(tmp_path: Path) -> Box:
    live = tmp_path / "live"
    (live / "dist").mkdir(parents=True)
    (live / "dist" / "index.js").write_text("app\n")
    return Box(root=tmp_path, live=live, log=tmp_path / "audit.jsonl")


def _refusing_pack(tmp_path: Path) -> Path:
    """The shipped pack with ``break_glass: refuse``."""
    text = POLICY.read_text(encoding="utf-8")
    assert "  break_glass: allow" in text
    pack = tmp_path / "refusing" / "tenmon-ark.yaml"
    pack.parent.mkdir()
    pack.write_text(text.replace("  break_glass: allow", "  break_glass: refuse", 1), encoding="utf-8")
    return pack


# ---------------------------------------------------------------------------------------------------------------
# No record, no run


def test_override_runs_and_records_when_the_log_is_writable(box: Box) -> None:
    done = box.override("rm", "-rf", f"{box.live}/dist")
    assert done.returncode == 0, done.stderr
    assert IN_THE_LOG in done.stderr
    assert not box.index.exists()  # break-glass still works: the refused line ran
    record = box.records()[-1]
    assert record["decision"] == "override" and record["command"] == f"rm -rf {box.live}/dist"


def _bad_log(box: Box, kind: str) -> Path:
    if kind == "directory":
        return box.root
    if kind == "device":
        return Path("/dev/null")
    if kind == "fifo":
        os.mkfifo(box.root / "fifo")
        return box.root / "fifo"
    if kind == "parent-missing":
        return box.root / "missing" / "audit.jsonl"
    assert kind == "parent-is-a-file"
    (box.root / "afile").write_text("")
    return box.root / "afile" / "audit.jsonl"


# (A directory without write permission is no failure for root, whom CI runs as: left out.)
@pytest.mark.parametrize("kind", ["directory", "device", "fifo", "parent-missing", "parent-is-a-file"])
def test_no_record_no_run(box: Box, kind: str) -> None:
    log = _bad_log(box, kind)
    done = box.override("rm", "-rf", f"{box.live}/dist", TENMON_GUARD_AUDIT_LOG=str(log))
    assert done.returncode == 2
    assert box.whole()
    lines = [line for line in done.stderr.splitlines() if line.startswith("tenmon-guard: audit log")]
    assert len(lines) == 1 and lines[0].endswith(NOTHING_RUN), done.stderr
    assert IN_THE_LOG not in done.stderr and "OVERRIDE" not in done.stderr
    assert "Traceback" not in done.stderr
    assert not (box.root / "missing").exists()  # the variable's path never makes directories


def test_an_allowed_line_is_not_run_without_its_record_either(box: Box) -> None:
    marker = box.root / "ran"
    done = box.override("touch", str(marker), TENMON_GUARD_AUDIT_LOG="/dev/null")
    assert done.returncode == 2 and not marker.exists()


# ---------------------------------------------------------------------------------------------------------------
# break_glass comes from the policy files only


def test_var_cannot_loosen_a_refusing_policy(box: Box) -> None:
    pack = _refusing_pack(box.root)
    done = box.override("rm", "-rf", f"{box.live}/dist", policy=pack, extra_args=("--var", "break_glass=allow"))
    assert done.returncode == 1
    assert box.whole()
    assert "--var break_glass=... is ignored" in done.stderr
    assert "refused by the policy" in done.stderr
    assert box.records()[-1]["override"] == "refused"


def test_var_break_glass_is_ignored_with_a_note_when_it_would_tighten(box: Box) -> None:
    marker = box.root / "ran"
    done = box.override("touch", str(marker), extra_args=("--var", "break_glass=refuse"))
    assert done.returncode == 0, done.stderr
    assert marker.exists()  # the shipped pack says allow; only the files decide
    assert "--var break_glass=... is ignored" in done.stderr


# ---------------------------------------------------------------------------------------------------------------
# What runs is what was recorded


def test_bash_env_does_not_run_around_the_recorded_line(box: Box) -> None:
    evil = box.root / "evil.sh"
    evil.write_text(f"rm -rf {box.live}/dist\n")
    done = box.override("true", BASH_ENV=str(evil), ENV=str(evil))
    assert done.returncode == 0, done.stderr
    assert box.whole()
    assert box.records()[-1]["command"] == "true"


@pytest.mark.parametrize(
    "env",
    [
        {"BASH_FUNC_true%%": "() { WIPE; }"},  # what `export -f true` puts in the environment
        {"SHELLOPTS": "xtrace", "PS4": "$(WIPE)+ "},  # bash itself ignores PS4 from the environment for root
        {"BASHOPTS": "extdebug"},  # extdebug at startup sources the debugger's start file
    ],
    ids=["exported-function", "xtrace-ps4", "bashopts"],
)
def test_exported_functions_and_inherited_options_do_not_run(box: Box, env: dict[str, str]) -> None:
    wipe = f"rm -rf {box.live}/dist"
    done = box.override("true", **{name: value.replace("WIPE", wipe) for name, value in env.items()})
    assert done.returncode == 0, done.stderr
    assert box.whole()
    assert done.stderr == ""  # no trace, no debugger: bash ran the recorded line and nothing else


def test_the_scrubbed_environment_keeps_the_rest() -> None:
    environ = {
        "PATH": "/usr/bin",
        "HOME": "/root",
        "LANG": "C.UTF-8",
        "BASH_ENV": "/x",
        "ENV": "/x",
        "SHELLOPTS": "xtrace",
        "BASHOPTS": "extglob",
        "PS4": "$(x)",
        "BASH_FUNC_ls%%": "() { :; }",
        "BASH_FUNC_ls()": "() { :; }",
    }
    assert scrubbed_environment(environ) == {"PATH": "/usr/bin", "HOME": "/root", "LANG": "C.UTF-8"}
