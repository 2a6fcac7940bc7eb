"""Many functions that call each other: what the guard works out about their bodies takes one walk of the call graph.

Where a line makes a file, the guard asks which command names a function's body (and the functions it calls) runs,
to know whether PATH matters at the call. That question walked every path through the call graph afresh, with no
answer kept but the outermost: 2^n paths where each of n functions may call those after it. nvm.sh's functions, as
the bash hook sends them, took 140 s to judge for ``nvm --version``; the hook's deadline then answered "not known"
(a warning) for a line that runs ``pkill node``. Here 40 such functions end in one that runs ``pkill node``: a real
bash runs it, and the linter and the hook's checker must refuse it, the checker within the time the hook waits.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from stand_ins import pkill_stand_in, run_bash

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
