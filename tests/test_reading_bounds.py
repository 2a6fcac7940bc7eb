"""Texts built to be read for hours: the guard's reading of them is bounded, and where it stops it says so.

Many functions that call each other. Where a line makes a file, the guard asks which command names a function's
body (and the functions it calls) runs, to know whether PATH matters at the call. That question walked every path
through the call graph afresh, with no answer kept but the outermost: 2^n paths where each of n functions may call
those after it. nvm.sh's functions, as the bash hook sends them, took 140 s to judge for ``nvm --version``; the
hook's deadline then answered "not known" (a warning) for a line that runs ``pkill node``. Here 40 such functions
end in one that runs ``pkill node``: a real bash runs it, and the linter and the hook's checker must refuse it, the
checker within the time the hook waits.

Loops nested in loops. The body of ``for i in a b`` is read once for each value, so n nested loops read the
innermost body 2^n times. Past its limit on commands read, the guard went on visiting every one of them to note it
was not read: 32 nested loops took hours. It now stops there and reports the text not read, with its line; what it
found before stopping stands.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from judged import lint_decisions, policy_guard
from stand_ins import pkill_stand_in, run_bash

from tenmon_guard.verdict import Decision

FUNCTIONS = 40
MADE = "/tmp/tenmon-guard-test-made"  # the file the line writes: then PATH may matter to what a body runs


def _bodies() -> dict[str, str]:
    """The functions as ``declare -f`` prints them: each runs once (its own flag) and calls every one after it;
    the last runs pkill node."""
    bodies = {}
    for i in range(FUNCTIONS - 1):
        calls = "".join(f"    f{j};\n" for j in range(i + 1, FUNCTIONS))
        bodies[f"f{i}"] = f'f{i} () \n{{ \n    [ -n "$s{i}" ] && return;\n    s{i}=1;\n{calls}}}'
    bodies[f"f{FUNCTIONS - 1}"] = f"f{FUNCTIONS - 1} () \n{{ \n    pkill node\n}}"
    return bodies


def _script() -> str:
    return "\n".join([f"echo hi > {MADE}", *_bodies().values(), "f0", ""])


def test_bash_runs_pkill_node(tmp_path: Path) -> None:
    bin_dir, log = pkill_stand_in(tmp_path)
    done = run_bash(["-c", _script()], bin_dir)
    assert done.returncode == 0, done.stderr
    assert log.read_text().splitlines()[0] == "node"


def test_the_linter_refuses_it(tmp_path: Path) -> None:
    script = tmp_path / "ops.sh"
    script.write_text(_script())
    done = subprocess.run(
        [sys.executable, "-m", "tenmon_guard", "lint", str(script)],
        capture_output=True,
        text=True,
        timeout=300,  # (the walk of every path: years at 40 functions; one walk: under a second)
        check=False,
    )
    pkill_line = _script().splitlines().index("    pkill node") + 1
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{script}:{pkill_line}:5: kill-app-bypassing-systemd" in done.stdout


def test_the_hooks_checker_refuses_it_within_the_time_the_hook_waits() -> None:
    request = {"id": 1, "command": f"echo hi > {MADE}; f0", "cwd": "/tmp", "functions": _bodies()}
    done = subprocess.run(
        [sys.executable, "-m", "tenmon_guard", "serve", "--format", "json", "--timeout", "20"],
        input=json.dumps(request).encode() + b"\0",
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    ready, reply = (json.loads(line) for line in done.stdout.decode().splitlines())
    assert ready["ready"] is True
    assert reply["decision"] == "block", reply
    assert "kill-app-bypassing-systemd" in {f["rule"] for f in reply["findings"]}


NESTED = 32


def _nested_loops(innermost: str, after_each: str = "") -> str:
    """NESTED loops over two values, each adding its value to x; ``innermost`` in the last one."""
    heads = "".join(f"for i{k} in a b; do x=$x$i{k}\n" for k in range(NESTED))
    return heads + innermost + "\n" + f"done{after_each}\n" * NESTED


def _lint(script: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    path = tmp_path / "ops.sh"
    path.write_text(script)
    done = subprocess.run(
        [sys.executable, "-m", "tenmon_guard", "lint", str(path)],
        capture_output=True,
        text=True,
        timeout=300,  # (hours before the reading stopped at its limit; seconds now)
        check=False,
    )
    return done, path


def test_nested_loops_are_read_to_a_limit_that_is_reported(tmp_path: Path) -> None:
    script = _nested_loops('echo "$x"')  # (2^32 passes: no real shell runs it to the end)
    done, path = _lint(script, tmp_path)
    assert "Traceback" not in done.stderr
    stops = [line for line in done.stdout.splitlines() if "too many commands to check" in line]
    assert len(stops) == 1, done.stdout
    assert stops[0].startswith(f"{path}:") and " unread " in stops[0]
    assert Decision.ALLOW not in lint_decisions(policy_guard(), script)


@pytest.mark.parametrize("door", ["agent", "hook"])
def test_a_door_that_runs_the_text_refuses_what_it_stopped_reading(door: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tenmon_guard", "check", "--json", "--door", door, _nested_loops('echo "$x"')],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    verdict = json.loads(done.stdout)
    assert verdict["decision"] == "block"
    assert {f["rule"] for f in verdict["findings"]} == {"unread"}
    assert all("too many commands to check" in f["message"] for f in verdict["findings"])


def test_what_was_found_before_the_reading_stopped_stands(tmp_path: Path) -> None:
    script = _nested_loops("pkill node; break", after_each="; break")
    bin_dir, log = pkill_stand_in(tmp_path)
    ran = run_bash(["-c", script], bin_dir)
    assert ran.returncode == 0, ran.stderr
    assert log.read_text() == "node\n"  # (each loop breaks after its first pass)
    done, path = _lint(script, tmp_path)
    assert done.returncode == 1, done.stdout
    assert f"{path}:{NESTED + 1}:1: kill-app-bypassing-systemd" in done.stdout
    assert "too many commands to check" in done.stdout
