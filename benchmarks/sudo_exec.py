"""Wall time the sudo door adds: ``tenmon-guard exec -- true`` against ``true`` (run by hand, not by pytest).

Measures, interleaved so machine load hits every variant alike:

- ``true``: the floor.
- ``python -IB -c pass``: the interpreter's own start, which no Python door can avoid.
- ``python -ISB -c pass``: the same without site processing, as the launcher runs.
- the launcher ``tenmon-guard install`` writes (``#!PYTHON -ISB``), as sudo runs it, ``-- true``.
- the console script, ``tenmon-guard exec -- true``.

The guard's modules are byte-compiled first, as ``tenmon-guard install`` does (the launcher runs with -B and never
writes .pyc files, so a module without one would be compiled on every run). Prints the median and 90th percentile
in ms, the median added over ``true`` and the ratio. Target: under 100 ms added at the median. ``--importtime``
also prints the slowest imports of the launcher (``python -X importtime``), which is where the time goes.

    .venv/bin/python benchmarks/sudo_exec.py [--runs 40] [--importtime]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tenmon_guard.doors.install import Layout, compile_package, import_roots, launcher_text  # noqa: E402


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, check=False)
    elapsed = (time.perf_counter() - start) * 1000
    if result.returncode != 0:
        raise SystemExit(f"{argv}: exit {result.returncode}: {result.stderr.decode(errors='replace').strip()}")
    return elapsed


def write_launcher(directory: Path) -> Path:
    layout = Layout(directory, directory / "etc", directory / "sudoers.d", "bench")
    path = directory / "tenmon-guard-exec"
    path.write_text(launcher_text(sys.executable, layout, str(directory / "audit.jsonl"), import_roots(sys.executable)))
    path.chmod(0o755)
    return path


def importtime(launcher: Path, env: dict[str, str], top: int = 15) -> str:
    result = subprocess.run(
        [sys.executable, "-ISB", "-X", "importtime", str(launcher), "--", "true"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    rows: list[tuple[int, int, str]] = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line[len("import time:") :].split("|")
        rows.append((int(cumulative), int(own), name.rstrip()))
    rows.sort(reverse=True)
    lines = [f"{'cumulative ms':>13} {'self ms':>8}  module"]
    lines += [f"{c / 1000:13.1f} {s / 1000:8.1f}  {n}" for c, s, n in rows[:top]]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--importtime", action="store_true")
    args = parser.parse_args()
    true = shutil.which("true") or "/bin/true"
    compile_package()  # as `tenmon-guard install` does: the launcher (-B) never writes .pyc files itself
    console = Path(sys.executable).with_name("tenmon-guard")
    with tempfile.TemporaryDirectory(prefix="tenmon-guard-bench-") as tmp:
        directory = Path(tmp)
        directory.chmod(0o755)
        launcher = write_launcher(directory)
        env = {k: v for k, v in os.environ.items() if k != "TENMON_GUARD_POLICY"}
        env["TENMON_GUARD_AUDIT_LOG"] = str(directory / "audit.jsonl")
        variants = {
            "true": [true],
            "python -IB -c pass": [sys.executable, "-IB", "-c", "pass"],
            "python -ISB -c pass": [sys.executable, "-ISB", "-c", "pass"],
            "launcher -- true": [str(launcher), "--", "true"],
            "tenmon-guard exec -- true": [str(console), "exec", "--", "true"],
        }
        for argv in variants.values():  # warm the page cache and any .pyc
            timed(argv, env)
        samples: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(args.runs):
            for name, argv in variants.items():
                samples[name].append(timed(argv, env))
        base = statistics.median(samples["true"])
        print(f"runs: {args.runs} each, interleaved; python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
        print(f"{'variant':<28}{'median ms':>10}{'p90 ms':>9}{'added ms':>10}{'ratio':>8}")
        for name, values in samples.items():
            median = statistics.median(values)
            p90 = statistics.quantiles(values, n=10)[-1]
            print(f"{name:<28}{median:10.1f}{p90:9.1f}{median - base:10.1f}{median / base:8.1f}")
        added = statistics.median(samples["launcher -- true"]) - base
        print(f"\nlauncher adds {added:.1f} ms at the median (target < 100 ms): {'OK' if added < 100 else 'OVER'}")
        if args.importtime:
            print("\nslowest imports of the launcher (one run):")
            print(importtime(launcher, env))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
