"""One-shot wall time of ``tenmon-guard agent-hook`` on a harmless command (target: median under 150 ms).

An agent starts the hook once per shell or file tool call, so the whole process counts: interpreter start, imports,
policy load, both parsers, the audit write. Run by hand::

    .venv/bin/python benchmarks/agent_hook.py [--runs 40] [--importtime]

It prints the median and spread for: the interpreter alone (the floor), an event for a read-only tool (no engine),
a harmless Bash command through the Claude, Gemini and generic protocols, a refused one, and the file tools (a file
write is judged without a parser); then Read and the harmless command through the isolated launcher that
``tenmon-guard install --agent`` writes (``#!PYTHON -ISB``: no site processing), which is what the README installs.
``--importtime`` adds the slowest imports of one run (``python -X importtime``), which is where the time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tenmon_guard.doors.install import agent_launcher_text, compile_package, import_roots  # noqa: E402

DATA = ROOT / "tests" / "data" / "agent"
TARGET_MS = 150.0


def _hook_command() -> list[str]:
    """The installed console script if there is one next to this interpreter (what an agent would run)."""
    script = Path(sys.executable).parent / "tenmon-guard"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tenmon_guard"]


def _payload(name: str, command: str | None) -> bytes:
    data = json.loads((DATA / name).read_text(encoding="utf-8"))
    if command is not None:
        data["tool_input"]["command"] = command
    return json.dumps(data).encode()


def _file_payload(name: str, path: str) -> bytes:
    data = json.loads((DATA / name).read_text(encoding="utf-8"))
    data["tool_input"]["file_path"] = path
    return json.dumps(data).encode()


Samples = tuple[list[float], list[float]]  # wall times, CPU times (user + sys of the child), in ms


def _time(argv: list[str], stdin: bytes, runs: int, env: dict[str, str], expect: int = 0, warm: bool = True) -> Samples:
    """Wall time per run, and the child's CPU time: on a busy machine the CPU time is close to what the wall time
    would be on an idle one (the hook does no waiting of its own)."""
    for _ in range(3 if warm else 0):  # warm the page cache and the .pyc files
        subprocess.run(argv, input=stdin, capture_output=True, env=env, check=False)
    wall, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(argv, input=stdin, capture_output=True, env=env, check=False)
        wall.append((time.perf_counter() - start) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000)
        if result.returncode != expect:
            raise SystemExit(f"{argv}: exit {result.returncode}: {result.stderr.decode(errors='replace')}")
    return wall, cpu


def _time_pair(
    first: list[str], second: list[str], stdin: bytes, runs: int, env: dict[str, str]
) -> tuple[Samples, Samples]:
    """Two commands timed in alternation, so that a change of load over the run falls on both alike."""
    one: Samples = ([], [])
    two: Samples = ([], [])
    for _ in range(runs):
        for argv, out in ((first, one), (second, two)):
            wall, cpu = _time(argv, stdin, 1, env, warm=False)
            out[0].extend(wall)
            out[1].extend(cpu)
    return one, two


def _row(name: str, samples: Samples) -> str:
    wall, cpu = sorted(samples[0]), samples[1]
    p90 = wall[min(len(wall) - 1, int(len(wall) * 0.9))]
    return (
        f"{name:<44} median {statistics.median(wall):6.1f} ms  p90 {p90:6.1f}  min {wall[0]:6.1f}  "
        f"max {wall[-1]:6.1f}  | cpu median {statistics.median(cpu):6.1f}"
    )


def _importtime(stdin: bytes, env: dict[str, str], top: int) -> None:
    argv = [sys.executable, "-X", "importtime", "-m", "tenmon_guard", "agent-hook"]
    result = subprocess.run(argv, input=stdin, capture_output=True, env=env, check=False)
    rows = []
    for line in result.stderr.decode(errors="replace").splitlines():
        if not line.startswith("import time:") or "|" not in line or "self [us]" in line:
            continue
        self_us, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|", 2))
        rows.append((int(cumulative), int(self_us), name))
    print(f"\nslowest imports of one run (cumulative / self, microseconds), top {top}:")
    for cumulative, self_us, name in sorted(rows, reverse=True)[:top]:
        print(f"  {cumulative:>8} {self_us:>8}  {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40, help="timed runs per case (at least 30)")
    parser.add_argument("--importtime", action="store_true", help="also show the slowest imports of one run")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    runs = max(args.runs, 30)
    hook = [*_hook_command(), "agent-hook"]
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, TENMON_GUARD_AUDIT_LOG=os.path.join(tmp, "audit.jsonl"))
        harmless = _payload("claude-pretooluse-bash.json", "git status")
        print(f"{runs} runs each; hook: {' '.join(hook)}; python {sys.version.split()[0]}")
        print(_row("python -c pass (floor)", _time([sys.executable, "-c", "pass"], b"", runs, env)))
        other = _payload("claude-pretooluse-read.json", None)
        print(_row("claude, Read (passes, no engine)", _time(hook, other, runs, env)))
        claude = _time(hook, harmless, runs, env)
        print(_row("claude, Bash: git status", claude))
        gemini = _payload("gemini-beforetool-shell.json", "git status")
        print(_row("gemini, run_shell_command: git status", _time([*hook, "--format", "gemini"], gemini, runs, env)))
        generic = json.dumps({"command": "git status", "cwd": "/tmp"}).encode()
        print(_row("json, command: git status", _time([*hook, "--format", "json"], generic, runs, env)))
        blocked = _payload("claude-pretooluse-bash.json", "sudo pkill -9 node")
        print(_row("claude, Bash: sudo pkill -9 node (refused)", _time(hook, blocked, runs, env, expect=2)))
        edit = _file_payload("claude-pretooluse-edit.json", "/opt/tenmon-ark-repo/api/src/index.ts")
        print(_row("claude, Edit of the repository (no parser)", _time(hook, edit, runs, env)))
        write = _file_payload("claude-pretooluse-write.json", "/opt/tenmon-ark-live/dist/index.js")
        print(_row("claude, Write into the live tree (refused)", _time(hook, write, runs, env, expect=2)))
        launcher = Path(tmp) / "tenmon-guard-agent-hook"
        launcher.write_text(agent_launcher_text(sys.executable, import_roots(sys.executable)), encoding="utf-8")
        launcher.chmod(0o755)
        compile_package()  # the launcher runs with -B, as install byte-compiles the package for it
        print(_row("launcher: claude, Read", _time([str(launcher)], other, runs, env)))
        _time([str(launcher)], harmless, 3, env)  # warm
        plain, isolated = _time_pair(hook, [str(launcher)], harmless, runs, env)
        print(_row("alternating: console script, Bash", plain))
        print(_row("alternating: launcher, Bash", isolated))
        median = statistics.median(claude[0])
        verdict = "under" if median < TARGET_MS else "OVER"
        print(f"\nharmless one-shot median {median:.1f} ms: {verdict} the {TARGET_MS:.0f} ms target", end="")
        print(f" (cpu median {statistics.median(claude[1]):.1f} ms; load average {os.getloadavg()[0]:.2f})")
        median = statistics.median(isolated[0])
        verdict = "under" if median < TARGET_MS else "OVER"
        print(f"through the launcher: median {median:.1f} ms: {verdict} the target", end="")
        print(f" (cpu median {statistics.median(isolated[1]):.1f} ms)")
        if args.importtime:
            _importtime(harmless, env, args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
