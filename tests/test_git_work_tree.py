"""git writes the files of its work tree anywhere below it: run where the work tree is an ancestor of the live tree
(``git -C /opt reset --hard``, ``cd / && git stash``), it writes the live tree too. Each form is run by a real git on
a scratch root whose work tree holds opt/tenmon-ark-live, and the guard, told that scratch live tree, judges the
same form: a block where it overwrites or deletes all it holds there, a doubt where it writes files by names the
line does not show. Ancestors by their path only: git never writes through a link it meets in its tree (it
replaces it), so a directory holding a link into the live tree is no ancestor (tests/test_disk_links.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tenmon_guard.engine import Context, Guard
from tenmon_guard.policy import load_policy

POLICY = Path(__file__).resolve().parent.parent / "policies" / "tenmon-ark.yaml"


def _git(root: Path, *args: str, cwd: Path | None = None) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(root)}
    subprocess.run(["git", *args], cwd=cwd or root, env=env, check=True, capture_output=True)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A work tree at ``tmp_path``/root holding opt/tenmon-ark-live/dist/index.js (committed, then changed) and an
    untracked new.js beside it."""
    assert shutil.which("git"), "git is needed to see what it writes"
    root = tmp_path / "root"
    dist = root / "opt" / "tenmon-ark-live" / "dist"
    dist.mkdir(parents=True)
    (dist / "index.js").write_text("v1\n")
    _git(root, "init", "-q", ".")
    _git(root, "add", ".")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x")
    (dist / "index.js").write_text("local\n")
    (dist / "new.js").write_text("untracked\n")
    return root


def _guard(root: Path) -> Guard:
    return Guard(load_policy([str(POLICY)], {"live_dir": str(root / "opt" / "tenmon-ark-live")}))


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        (("reset", "-q", "--hard"), "block"),
        (("clean", "-fdxq"), "block"),
        (("checkout", "-q", "."), "block"),
        (("stash", "-q"), "warn"),
    ],
)
def test_git_run_above_the_live_tree_writes_it(root: Path, form: tuple[str, ...], expected: str) -> None:
    dist = root / "opt" / "tenmon-ark-live" / "dist"
    _git(root, "-C", str(root / "opt"), *form)
    assert (dist / "index.js").read_text() == "v1\n" or not (dist / "new.js").exists()  # git wrote the live tree
    line = f"git -C {root / 'opt'} {' '.join(form)}"
    for door in ("hook", "agent", "sudo", "lint"):
        verdict = _guard(root).check(line, Context(door=door, cwd=str(root)))
        refused = expected if door in ("hook", "lint") else "block"
        assert verdict.decision.label == refused, (door, verdict)
    beside = f"git -C {root.parent} {' '.join(form)}"  # (tmp_path: the live tree's ancestor too)
    assert _guard(root).check(beside, Context(door="hook", cwd=str(root))).decision.label == expected


def test_the_paths_a_subcommand_is_limited_to_are_what_it_writes(root: Path) -> None:
    """git rm, mv, clean, restore and checkout -- write the paths they are given (git rm deletes them from the work
    tree too), and only those: the same forms on a path beside the live tree are allowed."""
    live = root / "opt" / "tenmon-ark-live"
    _git(root, "-C", str(root / "opt"), "rm", "-rqf", "tenmon-ark-live")
    assert not (live / "dist" / "index.js").exists()
    guard = _guard(root)
    for form in ("rm -rf tenmon-ark-live", "mv tenmon-ark-live old", "clean -fdx tenmon-ark-live", "checkout -- ."):
        verdict = guard.check(f"git -C {root / 'opt'} {form}", Context(door="hook", cwd=str(root)))
        assert verdict.decision.label == "block", (form, verdict)
    for form in ("rm --cached -r tenmon-ark-live", f"clean -fdx {root.parent / 'other'}", "checkout -- ../x"):
        verdict = guard.check(f"git -C {root / 'opt'} {form}", Context(door="hook", cwd=str(root)))
        assert verdict.decision.label == "allow", (form, verdict)


def test_git_in_a_tree_beside_the_live_tree_is_allowed(root: Path) -> None:
    """The same forms in a work tree that is no ancestor of the live tree, one holding a link into it included."""
    other = root.parent / "other"
    other.mkdir()
    (other / "l2").symlink_to(root / "opt" / "tenmon-ark-live")
    for form in ("reset --hard", "clean -fdx", "checkout .", "stash", "pull"):
        verdict = _guard(root).check(f"git {form}", Context(door="hook", cwd=str(other), disk=True))
        assert verdict.decision.label == "allow", (form, verdict)


def test_apply_with_unsafe_paths_writes_where_the_patch_says(root: Path, tmp_path: Path) -> None:
    """git apply --unsafe-paths writes a patch's ../ names outside the directory it runs in (refused without it)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = "../root/opt/tenmon-ark-live/dist/evil.js"
    (elsewhere / "p.diff").write_text(f"--- /dev/null\n+++ b/{target}\n@@ -0,0 +1 @@\n+evil\n")
    _git(root, "apply", "--unsafe-paths", "p.diff", cwd=elsewhere)
    assert (root / "opt" / "tenmon-ark-live" / "dist" / "evil.js").exists()
    verdict = _guard(root).check("git apply --unsafe-paths p.diff", Context(door="hook", cwd=str(elsewhere)))
    assert verdict.decision.label == "warn", verdict
    plain = _guard(root).check("git apply p.diff", Context(door="hook", cwd=str(elsewhere)))
    assert plain.decision.label == "allow", plain
