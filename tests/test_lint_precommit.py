"""The real ``pre-commit run --all-files`` in a temporary git repository whose ``.pre-commit-config.yaml`` points
at this checkout: it fails on a forbidden ops script with the right FILE:LINE, and passes once the line is fixed
or suppressed with a reason.

pre-commit installs a hook from a committed revision, so the test commits a snapshot of this checkout's working
tree (the package, the policies, the hooks file) into a temporary repository and points ``repo:`` at that: the
hooks tested are the code in the tree, committed or not (in CI the two are the same). pre-commit then builds its
own virtualenv and installs the package from PyPI-resolved dependencies, which needs the network and takes a
while (about a minute here); PRE_COMMIT_HOME is a temporary directory shared by the tests of this module.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "data" / "lint" / "repo"
PACKAGE_PATHS = ("pyproject.toml", "README.md", "COPYING", ".pre-commit-hooks.yaml", "tenmon_guard", "policies")
TIMEOUT = 900

if os.environ.get("CI") == "true":  # the test extra has it: under CI its absence fails, never skips
    import pre_commit
else:
    pytest.importorskip("pre_commit")


def _git(cwd: Path, *args: str) -> str:
    identity = (
        "-c",
        "user.name=tenmon-guard tests",
        "-c",
        "user.email=tests@localhost",
        "-c",
        "init.defaultBranch=main",
    )
    done = subprocess.run(["git", *identity, *args], cwd=cwd, capture_output=True, text=True, check=True, timeout=120)
    return done.stdout.strip()


def _snapshot(destination: Path) -> str:
    """This checkout's package files committed into a fresh repository; returns the commit."""
    destination.mkdir()
    for name in PACKAGE_PATHS:
        source = REPO_ROOT / name
        if source.is_dir() and not source.is_symlink():
            shutil.copytree(source, destination / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists() or source.is_symlink():
            shutil.copy2(source, destination / name, follow_symlinks=False)
    _git(destination, "init", "-q")
    _git(destination, "add", "-A")
    _git(destination, "commit", "-q", "-m", "snapshot for the pre-commit test")
    return _git(destination, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, Path]]:
    base = tmp_path_factory.mktemp("precommit")
    source = base / "tenmon-guard"
    revision = _snapshot(source)
    yield source, revision, base / "home"


@pytest.fixture()
def work(tmp_path: Path, hooks_repo: tuple[Path, str, Path]) -> Path:
    """A repository with ops scripts and a pre-commit config using both hooks."""
    source, revision, _ = hooks_repo
    root = tmp_path / "ops-repo"
    root.mkdir()
    for name in ("ops/restart_bad.sh", "ops/clean.sh", "api/scripts/deploy_live.sh", "bin/zsh-tool"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(FIXTURE / name, root / name)
    (root / "policies").mkdir()
    shutil.copy2(REPO_ROOT / "policies" / "tenmon-ark.yaml", root / "policies" / "tenmon-ark.yaml")
    (root / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {source}\n"
        f"    rev: {revision}\n"
        "    hooks:\n"
        "      - id: tenmon-guard-lint\n"
        "        args: [--policy, policies/tenmon-ark.yaml]\n"
        "      - id: tenmon-guard-validate-policy\n"
    )
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    return root


def pre_commit(root: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TENMON_GUARD_", "PRE_COMMIT", "VIRTUAL_ENV"))}
    env["PRE_COMMIT_HOME"] = str(home)
    env["PRE_COMMIT_COLOR"] = "never"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    print(f"pre-commit run took {time.monotonic() - started:.1f}s\n{done.stdout}\n{done.stderr}")
    return done


def _replace_line(path: Path, number: int, *new: str) -> None:
    lines = path.read_text().splitlines()
    lines[number - 1 : number] = list(new)
    path.write_text("\n".join(lines) + "\n")


def test_precommit_fails_then_passes_when_fixed(work: Path, hooks_repo: tuple[Path, str, Path]) -> None:
    home = hooks_repo[2]
    failed = pre_commit(work, home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "ops/restart_bad.sh:6:1: force-kill-by-port" in failed.stdout
    assert "ops/clean.sh:" not in failed.stdout
    assert "api/scripts/deploy_live.sh:" not in failed.stdout  # exempt: the approved deploy script

    _replace_line(work / "ops" / "restart_bad.sh", 6, "bash /opt/tenmon-ark-repo/api/scripts/ops/restart_api.sh")
    _git(work, "add", "-A")
    fixed = pre_commit(work, home)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr


def test_precommit_lints_scripts_found_by_their_shebang_only(work: Path, hooks_repo: tuple[Path, str, Path]) -> None:
    """Red team 15: with ``types: [shell]`` pre-commit handed over a ``#!`` script only when it was executable
    (and not ``#!/usr/bin/env -i bash`` at all): a committed ``restart-node`` without the x bit, run as
    ``bash ops/restart-node``, passed unread."""
    home = hooks_repo[2]
    _replace_line(work / "ops" / "restart_bad.sh", 6, "true")
    (work / "ops" / "restart-node").write_text("#!/bin/bash\nset -e\npkill node\n")
    (work / "ops" / "drain").write_text("#!/usr/bin/env -i bash\nfuser -k 3000/tcp\n")
    (work / "ops" / "drain").chmod(0o755)
    (work / "ops" / "README.md").write_text("Never run pkill node here.\n")
    _git(work, "add", "-A")
    failed = pre_commit(work, home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "ops/restart-node:3:1: kill-app-bypassing-systemd" in failed.stdout
    assert "ops/drain:2:1: force-kill-by-port" in failed.stdout
    assert "README.md:" not in failed.stdout


def test_precommit_shows_warnings_of_a_passing_run(work: Path, hooks_repo: tuple[Path, str, Path]) -> None:
    """Red team 15: warnings do not fail the commit, and pre-commit hid everything a passing hook printed: text
    no parser reads (here bash's ``true &;`` syntax error) or an ``rm`` of a variable went unseen."""
    home = hooks_repo[2]
    _replace_line(work / "ops" / "restart_bad.sh", 6, 'rm -rf "$TARGET/dist"', "true &; pkill node")
    _git(work, "add", "-A")
    passed = pre_commit(work, home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "ops/restart_bad.sh:6:1: unknown-target" in passed.stdout
    assert "ops/restart_bad.sh:7:" in passed.stdout and " unread " in passed.stdout


def test_precommit_passes_when_suppressed_with_a_reason(work: Path, hooks_repo: tuple[Path, str, Path]) -> None:
    home = hooks_repo[2]
    script = work / "ops" / "restart_bad.sh"
    _replace_line(script, 6, "# tenmon-guard: allow force-kill-by-port", "fuser -k 3000/tcp")
    _git(work, "add", "-A")
    no_reason = pre_commit(work, home)
    assert no_reason.returncode == 1
    assert "ops/restart_bad.sh:6:1: suppression-without-reason" in no_reason.stdout
    assert "ops/restart_bad.sh:7:1: force-kill-by-port" in no_reason.stdout

    _replace_line(script, 6, "# tenmon-guard: allow force-kill-by-port -- staging host: the API never runs here")
    _git(work, "add", "-A")
    suppressed = pre_commit(work, home)
    assert suppressed.returncode == 0, suppressed.stdout + suppressed.stderr


def test_precommit_validates_policy_files(work: Path, hooks_repo: tuple[Path, str, Path]) -> None:
    home = hooks_repo[2]
    _replace_line(work / "ops" / "restart_bad.sh", 6, "true")
    policy = work / "policies" / "tenmon-ark.yaml"
    policy.write_text(policy.read_text().replace("decision: block", "decision: blok", 1))
    _git(work, "add", "-A")
    broken = pre_commit(work, home)
    assert broken.returncode != 0
    assert "policies/tenmon-ark.yaml" in broken.stdout and "blok" in broken.stdout
