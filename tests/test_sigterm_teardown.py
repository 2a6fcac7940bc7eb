"""A test run stopped with SIGTERM still tears its fixtures down (tests/sigterm_teardown.py): a real pytest runs a
test whose fixture makes a file and removes it on teardown, and is sent SIGTERM while the test runs. Without the
plugin the file stays (what a killed sudo door run left: a grant in /etc/sudoers.d); with it, it is gone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
A_TEST = """
import time
from pathlib import Path

import pytest


@pytest.fixture
def grant():
    made = Path({made!r})
    made.write_text("grant")
    yield made
    made.unlink()


def test_runs_long(grant):
    Path({started!r}).write_text("started")
    time.sleep(60)
"""


@pytest.mark.parametrize("plugin", [True, False])
def test_a_run_stopped_with_sigterm_tears_its_fixtures_down(tmp_path: Path, plugin: bool) -> None:
    made, started = tmp_path / "grant", tmp_path / "started"
    test_file = tmp_path / "test_long.py"
    test_file.write_text(A_TEST.format(made=str(made), started=str(started)))
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", os.devnull, str(test_file)]
    if plugin:
        argv[3:3] = ["-p", "sigterm_teardown"]
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    with subprocess.Popen(argv, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as run:
        deadline = time.monotonic() + 60
        while not started.exists():
            assert run.poll() is None and time.monotonic() < deadline, run.stdout.read() if run.stdout else ""
            time.sleep(0.05)
        assert made.exists()
        run.send_signal(signal.SIGTERM)
        run.wait(timeout=30)
    assert made.exists() is not plugin
