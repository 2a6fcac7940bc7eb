"""The engine's own behaviour between parsers and doors."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tenmon_guard.engine import Context, Guard
from tenmon_guard.policy import load_policy

POLICY = Path(__file__).resolve().parent.parent / "policies" / "tenmon-ark.yaml"


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard(load_policy([str(POLICY)], {}))


def test_the_last_texts_models_are_read_once(guard: Guard) -> None:
    """The hook door reads a line's command words, then checks it: the second reading is the first's models."""
    first = guard.models("ls /tmp; pkill node", Context(door="hook"))
    again = guard.models("ls /tmp; pkill node", Context(door="hook"))
    assert again == first and all(a is b for a, b in zip(again, first, strict=True))
    other = guard.models("ls /tmp; pkill node", Context(door="hook", cwd="/opt"))
    assert all(a is not b for a, b in zip(other, first, strict=True))  # another context is another reading
    assert guard.check("ls /tmp; pkill node", Context(door="hook")).decision.label == "block"


# A file written directly (an agent's Write tool) is judged as bash's ``> 'PATH'`` is: same rules, same decisions,
# relative paths, ``..`` and /proc links resolved the same way, from every kind of cwd.
WRITTEN = [
    "/opt/tenmon-ark-live/dist/index.js",
    "/opt/tenmon-ark-live",
    "/opt/tenmon-ark-live-old/x",
    "/opt/tenmon-ark-repo/api/src/index.ts",
    "/tmp/../opt/tenmon-ark-live/x",
    "//opt//tenmon-ark-live/./x",
    "/opt/tenmon-ark-live/../tenmon-ark-repo/x",
    "/proc/self/root/opt/tenmon-ark-live/x",
    "/proc/self/cwd/x",
    "/proc/1/cwd/x",
    "dist/index.js",
    "../tenmon-ark-live/dist/a",
    "",
    "/opt/tenmon-ark-live/*",
    "/opt/tenmon-ark-*/x",
    "$HOME/x",
    "/sys/fs/cgroup/system.slice/tenmon-ark-api.service/cgroup.kill",
    "/proc/sysrq-trigger",
]


@pytest.mark.parametrize("cwd", ["/tmp", "/opt/tenmon-ark-live", "/opt/tenmon-ark-live/dist/../..", None])
def test_a_direct_write_is_judged_as_a_redirection_to_its_path(guard: Guard, cwd: str | None) -> None:
    context = Context(door="agent", cwd=cwd, proc_root="/proc")
    for path in WRITTEN:
        direct = guard.check_write(path, context)
        shell = guard.check("> " + shlex.quote(path), context)
        assert [(f.rule, f.decision) for f in direct.findings] == [(f.rule, f.decision) for f in shell.findings], path
        assert direct.decision == shell.decision
        assert direct.command == path and all(f.span == (0, len(path)) for f in direct.findings)


def test_a_relative_write_without_a_cwd_is_not_known(guard: Guard) -> None:
    unknown = guard.check_write("dist/index.js", Context(door="agent"))
    assert [(f.rule, f.decision.label) for f in unknown.findings] == [("unknown-target", "block")]
    inside = guard.check_write("dist/index.js", Context(door="agent", cwd="/opt/tenmon-ark-live"))
    assert [(f.rule, f.decision.label) for f in inside.findings] == [("live-dir-direct-write", "block")]


def test_a_direct_write_loads_no_parser() -> None:
    """There is no shell text: an agent's Write costs the policy and the matcher, not tree-sitter or bashlex."""
    code = (
        "import sys\n"
        "from tenmon_guard.engine import Context, Guard\n"
        "from tenmon_guard.policy import load_policy\n"
        f"guard = Guard(load_policy([{str(POLICY)!r}], {{}}))\n"
        "verdict = guard.check_write('/opt/tenmon-ark-live/dist/index.js', Context(door='agent'))\n"
        "assert verdict.decision.label == 'block', verdict\n"
        "loaded = [m for m in sys.modules if m.startswith(('bashlex', 'tree_sitter')) or m.endswith('_backend')]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
