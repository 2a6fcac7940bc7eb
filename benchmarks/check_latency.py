"""In-process check latency (p50, p99) for one-line commands, and the wall time of a one-shot `tenmon-guard check`.

Run by hand: `.venv/bin/python benchmarks/check_latency.py`. Targets (issue 2): in-process p50 < 1 ms, p99 < 5 ms.
Both parsers read each command, as on a command line about to run (door "hook").
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tenmon_guard.engine import Context, Guard  # noqa: E402
from tenmon_guard.policy import load_policy, packaged_policy_dir  # noqa: E402

COMMANDS = [
    "ls -la",
    "git status",
    "sudo systemctl restart tenmon-ark-api.service",
    "sudo journalctl -u tenmon-ark-api.service -f --lines=50",
    'sudo kill -9 $(pgrep -f "node dist/index.js")',
    "sudo rm -rf /opt/tenmon-ark-live/dist",
    "cd /opt/tenmon-ark-repo/api && bash scripts/deploy_live.sh",
    "ps aux | grep 'node dist/index.js' | awk '{print $2}' | xargs kill -9",
    "curl -v http://127.0.0.1:3000/api/audit",
    'for f in /opt/tenmon-ark-live/dist/*.map; do rm "$f"; done',
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def in_process(rounds: int = 300) -> list[float]:
    guard = Guard(load_policy([packaged_policy_dir()]))
    context = Context(door="hook", cwd="/root")
    for command in COMMANDS:
        guard.check(command, context)  # warm up: lazy imports, caches
    samples = []
    for _ in range(rounds):
        for command in COMMANDS:
            start = time.perf_counter()
            guard.check(command, context)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def one_shot(runs: int = 20) -> list[float]:
    argv = [str(ROOT / ".venv" / "bin" / "tenmon-guard"), "check", "--", "ls -la"]
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=False)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    samples = in_process()
    print(f"in-process check, both parsers, {len(samples)} checks of {len(COMMANDS)} commands:")
    p50, p99 = statistics.median(samples), percentile(samples, 0.99)
    print(f"  p50 {p50:.3f} ms   p99 {p99:.3f} ms   max {max(samples):.3f} ms")
    shots = one_shot()
    python = []
    for _ in range(10):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=False)
        python.append((time.perf_counter() - start) * 1000)
    print(f"one-shot `tenmon-guard check -- 'ls -la'` wall time, {len(shots)} runs:")
    print(f"  median {statistics.median(shots):.1f} ms   (bare python startup: {statistics.median(python):.1f} ms)")


if __name__ == "__main__":
    main()
