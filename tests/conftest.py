"""Shared fixtures: where the repository is, and how to run the real ``tenmon-guard`` CLI.

Kept deliberately small. Tests run the CLI as ``python -m tenmon_guard`` with the interpreter running pytest, from
the repository root, with ``TENMON_GUARD_POLICY`` removed from the environment so that a developer's own policy
setting never changes a test's outcome.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["sigterm_teardown"]  # a run stopped with SIGTERM still tears its fixtures down

RunGuard = Callable[..., "subprocess.CompletedProcess[str]"]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (the directory holding ``tenmon_guard/`` and ``policies/``)."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def default_policy() -> Path:
    """The bundled TENMON-ARK policy pack, passed explicitly so that /etc/tenmon-guard never leaks into tests."""
    return REPO_ROOT / "policies" / "tenmon-ark.yaml"


@pytest.fixture(scope="session")
def guard_argv() -> list[str]:
    """The argv prefix that runs the CLI: ``[python, -m, tenmon_guard]``."""
    return [sys.executable, "-m", "tenmon_guard"]


@pytest.fixture(scope="session")
def run_guard(guard_argv: list[str]) -> RunGuard:
    """Run ``tenmon-guard ARGS...`` and return the finished process (text, UTF-8, stdout and stderr captured).

    ``stdin`` is the text written to its standard input; ``timeout`` (seconds) bounds the run so a hang fails the
    test instead of stalling the suite."""

    def run(
        args: Sequence[str], *, stdin: str | None = None, timeout: float = 120.0
    ) -> subprocess.CompletedProcess[str]:
        env = {key: value for key, value in os.environ.items() if key != "TENMON_GUARD_POLICY"}
        return subprocess.run(
            [*guard_argv, *args],
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=REPO_ROOT,
            env=env,
            timeout=timeout,
            check=False,
        )

    return run
