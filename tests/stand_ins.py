"""A ``pkill`` that only logs its arguments, first on a real bash's PATH: how tests see what bash would run."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path


def pkill_stand_in(directory: Path) -> tuple[Path, Path]:
    """``directory``/bin holding a ``pkill`` that appends its arguments, one line a call, to the log returned."""
    bin_dir = directory / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = directory / "pkill.log"
    log.unlink(missing_ok=True)
    stand_in = bin_dir / "pkill"
    stand_in.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> {log}\n')
    stand_in.chmod(0o755)
    return bin_dir, log


def run_bash(args: list[str], bin_dir: Path) -> subprocess.CompletedProcess[str]:
    """A real bash with ``bin_dir`` first on PATH."""
    bash = shutil.which("bash")
    assert bash is not None, "bash is needed to check what bash runs"
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "LC_ALL": "C"}
    return subprocess.run([bash, *args], env=env, capture_output=True, text=True, timeout=30, check=False)


def logged(log: Path) -> str:
    return log.read_text() if log.exists() else ""


def bash_in_work(
    tmp_path: Path, script: str, files: Mapping[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], str, Path]:
    """``script`` run by a real bash in a fresh directory ``tmp_path``/work holding ``files`` (name -> text), with
    the pkill stand-in first on PATH: bash's result, the pkill calls it logged, and the directory."""
    bin_dir, log = pkill_stand_in(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    for name, text in (files or {}).items():
        (work / name).write_text(text)
    ran = run_bash(["-c", f"cd {shlex.quote(str(work))} && {script}"], bin_dir)
    return ran, logged(log), work
