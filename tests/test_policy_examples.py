"""Every bundled policy's own examples hold, through the command a user runs (``tenmon-guard policy test``).

A rule's examples are its documentation: a reader learns from them what it blocks and what it lets through. An
example that no longer holds misleads, so each bundled file is tested as a user would test their own copy.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BUNDLED = sorted(REPO.glob("policies/*.yaml")) + sorted(REPO.glob("policies/doors/*.yaml"))


def test_bundled_policies_are_found() -> None:
    names = {p.relative_to(REPO).as_posix() for p in BUNDLED}
    assert {"policies/tenmon-ark.yaml", "policies/doors/sudo.yaml", "policies/doors/agent.yaml"} <= names


@pytest.mark.parametrize("policy", BUNDLED, ids=lambda p: p.relative_to(REPO).as_posix())
def test_bundled_policy_examples_hold(policy: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "tenmon_guard", "policy", "test", str(policy)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert " 0 failed" in run.stdout, run.stdout
