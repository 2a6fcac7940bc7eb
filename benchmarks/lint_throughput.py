"""Lint throughput: lines per second of ``tenmon-guard lint`` beside ShellCheck on the same files, same run.

Run by hand (not by pytest)::

    .venv/bin/python benchmarks/lint_throughput.py [--corpus DIR]... [--jobs N] [--scales 1,10,100]

The files: this machine's own shell scripts (dpkg maintainer scripts, /etc/init.d, sh/bash tools in /usr/bin,
/usr/sbin and git's libexec), plus every sh/bash file under each ``--corpus DIR`` (public repositories brought
for measurement only: keep them outside this repository).

What is measured, each as wall time:

1. ``shellcheck`` over all files, one process (files in batches), and the same split over ``--jobs`` processes.
2. ``tenmon-guard lint`` over all files as a user runs it (a fresh process: start-up, policy load, discovery,
   linting, JSON written to /dev/null), with one worker and with ``--jobs`` workers.
3. Linearity: the linter's core (``lint_files``, in this process) over the machine's scripts repeated 1x, 10x and
   100x (many files), and over one file made of clean scripts concatenated 1x, 10x, 100x (one long file).

The target is 50 times ShellCheck's throughput, and lines/second that stay flat as input grows.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tenmon_guard.engine import Context, Guard  # noqa: E402
from tenmon_guard.lint.discovery import classify, discover  # noqa: E402
from tenmon_guard.lint.runner import Job, default_jobs, lint_files, lint_text  # noqa: E402
from tenmon_guard.policy import load_policy  # noqa: E402

POLICY = ROOT / "policies" / "tenmon-ark.yaml"
BATCH = 400  # files per ShellCheck process (keeps argv short)
TARGET_RATIO = 50.0


def machine_scripts() -> list[str]:
    """The same set tests/test_lint_real_scripts.py lints."""
    kinds = ("postinst", "preinst", "postrm", "prerm", "config")
    paths = sorted(p for k in kinds for p in glob.glob(f"/var/lib/dpkg/info/*.{k}"))
    paths += sorted(glob.glob("/etc/init.d/*"))
    for directory in ("/usr/bin", "/usr/sbin", "/usr/lib/git-core"):
        if not os.path.isdir(directory):
            continue
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            if not os.path.islink(path) and os.path.isfile(path) and classify(path, explicit=False) == ("shell", None):
                paths.append(path)
    return [p for p in paths if os.path.isfile(p) and classify(p, explicit=True) == ("shell", None)]


def count_lines(paths: Sequence[str]) -> int:
    total = 0
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        total += data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    return total


def timed(argv_list: list[list[str]]) -> float:
    """Wall seconds to run every argv at once (concurrently) and wait for all."""
    started = time.perf_counter()
    processes = [
        subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env()) for argv in argv_list
    ]
    for process in processes:
        process.wait()
    return time.perf_counter() - started


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "TENMON_GUARD_POLICY"}


def shellcheck_time(paths: Sequence[str], processes: int) -> float:
    """ShellCheck over ``paths`` split across ``processes`` concurrent workers, each running its batches in turn."""
    groups = [list(paths[n::processes]) for n in range(processes)]
    scripts = []
    for group in groups:
        batches = [group[i : i + BATCH] for i in range(0, len(group), BATCH)]
        scripts.append(" ; ".join(_quote(["shellcheck", "-f", "gcc", *b]) for b in batches) or "true")
    return timed([["sh", "-c", script] for script in scripts])


def _quote(argv: Sequence[str]) -> str:
    import shlex

    return " ".join(shlex.quote(a) for a in argv)


def guard_cli_time(paths: Sequence[str], jobs: int, list_file: str) -> float:
    """``tenmon-guard lint`` as a user runs it; the file list is passed through ``xargs`` in one invocation."""
    with open(list_file, "w") as handle:
        handle.write("\0".join(paths))
    argv = [sys.executable, "-m", "tenmon_guard", "lint", "--policy", str(POLICY), "--format", "json"]
    argv += ["--output", os.devnull, "-j", str(jobs)]
    return timed([["xargs", "-0", "-x", "-s", "2000000", "-a", list_file, *argv]])


def core_rate(job: Job, paths: Sequence[str], lines: int, jobs: int) -> tuple[float, float]:
    started = time.perf_counter()
    results = lint_files(job, list(paths), jobs)
    elapsed = time.perf_counter() - started
    assert len(results) == len(paths)
    return elapsed, lines / elapsed


def clean_block(job: Job, paths: Sequence[str], want_lines: int) -> str:
    """Whole scripts the engine reads without an unread region, concatenated to about ``want_lines`` lines."""
    pieces: list[str] = []
    total = 0
    for path in paths:
        text = Path(path).read_text(encoding="utf-8", errors="surrogateescape")
        if not text.endswith("\n"):
            text += "\n"
        verdict = job.guard.check(text, Context(door="lint", both_parsers=False))
        if any(f.rule in ("unread", "guard-error") for f in verdict.findings):
            continue
        pieces.append(text)
        total += text.count("\n")
        if total >= want_lines:
            break
    return "".join(pieces)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", action="append", default=[], help="a directory of public scripts (repeatable)")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="parallel workers for both tools")
    parser.add_argument("--scales", default="1,10,100", help="linearity multipliers")
    parser.add_argument("--skip-shellcheck", action="store_true")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]

    machine = machine_scripts()
    extra = list(discover(args.corpus).files) if args.corpus else []
    everything = machine + extra
    lines = count_lines(everything)
    size = sum(os.path.getsize(p) for p in everything)
    print(
        f"corpus: {len(everything)} files, {lines} lines, {size / 1e6:.1f} MB "
        f"(machine: {len(machine)} files, {count_lines(machine)} lines; --corpus: {len(extra)} files)"
    )
    print(f"cpus: {default_jobs()}, jobs: {args.jobs}, load average: {os.getloadavg()[0]:.2f}")
    figures: dict[str, object] = {"files": len(everything), "lines": lines, "jobs": args.jobs}

    with tempfile.TemporaryDirectory() as scratch:
        list_file = os.path.join(scratch, "files")
        rows: list[tuple[str, float]] = []
        if not args.skip_shellcheck and shutil.which("shellcheck"):
            rows.append(("shellcheck, 1 process", shellcheck_time(everything, 1)))
            if args.jobs > 1:
                rows.append((f"shellcheck, {args.jobs} processes", shellcheck_time(everything, args.jobs)))
        rows.append(("tenmon-guard lint -j1", guard_cli_time(everything, 1, list_file)))
        if args.jobs > 1:
            rows.append((f"tenmon-guard lint -j{args.jobs}", guard_cli_time(everything, args.jobs, list_file)))
        print(f"\n{'tool':<32}{'seconds':>10}{'lines/s':>12}")
        for name, seconds in rows:
            print(f"{name:<32}{seconds:>10.2f}{lines / seconds:>12.0f}")
        figures["side_by_side"] = {name: {"seconds": s, "lines_per_second": lines / s} for name, s in rows}
        sc = [s for n, s in rows if n.startswith("shellcheck")]
        tg = [s for n, s in rows if n.startswith("tenmon-guard")]
        if sc:
            ratio_single = sc[0] / tg[0]
            ratio_best = min(sc) / min(tg)
            print(
                f"\nratio (1 process each): {ratio_single:.1f}x; best of each: {ratio_best:.1f}x; "
                f"target {TARGET_RATIO:.0f}x: {'met' if ratio_best >= TARGET_RATIO else 'NOT met'}"
            )
            figures["ratio"] = {"single": ratio_single, "best": ratio_best}

    policy = load_policy([POLICY], {})
    job = Job(Guard(policy), frozenset(r.id for r in policy.rules), lambda p: p)
    base_lines = count_lines(machine)
    print(f"\nlinearity, many files (machine scripts x N, in-process lint_files, -j{args.jobs}):")
    print(f"{'scale':>6}{'files':>9}{'lines':>11}{'seconds':>10}{'lines/s':>12}")
    many = []
    for scale in scales:
        seconds, rate = core_rate(job, machine * scale, base_lines * scale, args.jobs)
        many.append({"scale": scale, "seconds": seconds, "lines_per_second": rate})
        print(f"{scale:>6}{len(machine) * scale:>9}{base_lines * scale:>11}{seconds:>10.2f}{rate:>12.0f}")
    block = clean_block(job, machine, 2000)
    block_lines = block.count("\n")
    print(f"\nlinearity, one file (clean scripts concatenated, {block_lines} lines x N, lint_text):")
    print(f"{'scale':>6}{'lines':>11}{'seconds':>10}{'lines/s':>12}")
    single = []
    for scale in scales:
        text = block * scale
        started = time.perf_counter()
        lint_text(job, text, "big.sh")
        seconds = time.perf_counter() - started
        single.append({"scale": scale, "seconds": seconds, "lines_per_second": block_lines * scale / seconds})
        print(f"{scale:>6}{block_lines * scale:>11}{seconds:>10.2f}{block_lines * scale / seconds:>12.0f}")
    figures["linearity"] = {"many_files": many, "one_file": single}
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
