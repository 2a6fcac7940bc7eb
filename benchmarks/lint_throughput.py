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
   With ``--compiled``, the optional mypyc build (setup.py) is made in a scratch directory and timed the same way.
3. The floor: what any run of a Python linter that parses with tree-sitter pays at least, per subset: a fresh
   process that lints one empty file (start-up, imports, policy load), plus tree-sitter's own parse of every file
   (read and parsed in this process, nothing else done). ShellCheck's time over that floor is the highest ratio such
   a design could reach on the subset, however fast everything after the parse became. A second floor adds one
   visit of every node of those trees from Python (a cursor reading each node's type, nothing else): the highest
   ratio for a design whose Python code looks at each node once, before it does any work with it.
4. Linearity: the linter's core (``lint_files``, in this process) over the machine's scripts repeated 1x, 10x and
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tenmon_guard.engine import Context, Guard  # noqa: E402
from tenmon_guard.lint.discovery import classify, discover  # noqa: E402
from tenmon_guard.lint.runner import Job, default_jobs, lint_files, lint_text  # noqa: E402
from tenmon_guard.policy import load_policy  # noqa: E402

POLICY = ROOT / "policies" / "tenmon-ark.yaml"
BATCH = 400  # files per ShellCheck process (keeps argv short)
TARGET_RATIO = 50.0
FLOOR = "floor: start-up + parse"
VISIT_FLOOR = "floor + visit each node"


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


def timed(argv_list: list[list[str]], compiled: str | None = None) -> float:
    """Wall seconds to run every argv at once (concurrently) and wait for all. ``compiled``: the directory of a
    compiled copy, put first on the module path (from ``/``: ``python -m`` looks in the working directory first)."""
    env, cwd = _env(), None
    if compiled is not None:
        env["PYTHONPATH"], cwd = compiled, "/"
    started = time.perf_counter()
    processes = [
        subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
        for argv in argv_list
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


def guard_cli_time(paths: Sequence[str], jobs: int, list_file: str, compiled: str | None = None) -> float:
    """``tenmon-guard lint`` as a user runs it; the file list is passed through ``xargs`` in one invocation."""
    with open(list_file, "w") as handle:
        handle.write("\0".join(os.path.abspath(p) for p in paths))
    argv = [sys.executable, "-m", "tenmon_guard", "lint", "--policy", str(POLICY), "--format", "json"]
    argv += ["--output", os.devnull, "-j", str(jobs)]
    return timed([["xargs", "-0", "-x", "-s", "2000000", "-a", list_file, *argv]], compiled)


def build_compiled(directory: str) -> str:
    """The optional compiled build (setup.py, ``TENMON_GUARD_COMPILE=1``) installed into ``directory``."""
    argv = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps"]
    argv += ["--no-build-isolation", "--target", directory, str(ROOT)]
    subprocess.run(argv, check=True, cwd=ROOT, env={**_env(), "TENMON_GUARD_COMPILE": "1"}, capture_output=True)
    return directory


def startup_time(scratch: str, list_file: str) -> float:
    """A user's run over one empty script: what every run costs before the first line is read."""
    empty = os.path.join(scratch, "empty.sh")
    Path(empty).write_text("")
    return min(guard_cli_time([empty], 1, list_file) for _ in range(3))


def parse_time(paths: Sequence[str]) -> tuple[float, float]:
    """Read every file and parse it with tree-sitter-bash, nothing else: the cost of the parse alone. Then, apart,
    the cost of visiting every node of those trees once from Python (a cursor, reading each node's type): what any
    design that looks at each node from Python pays at least, before it does anything with what it sees."""
    import tree_sitter_bash
    from tree_sitter import Language, Parser

    parser = Parser(Language(tree_sitter_bash.language()))
    parsing = visiting = 0.0
    for path in paths:
        with open(path, "rb") as handle:
            started = time.perf_counter()
            tree = parser.parse(handle.read())
        parsed = time.perf_counter()
        _visit(tree.walk())
        parsing += parsed - started
        visiting += time.perf_counter() - parsed
    return parsing, visiting


def _visit(cursor: Any) -> int:
    """Every node once, depth first, in document order."""
    count = 0
    while True:
        count += 1
        _ = cursor.node.type
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return count


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


def side_by_side(
    name: str,
    paths: Sequence[str],
    jobs: int,
    shellcheck: bool,
    list_file: str,
    compiled: str | None,
    startup: float | None,
) -> dict[str, float]:
    """Both tools over one set of files; returns seconds per variant."""
    lines = count_lines(paths)
    rows: dict[str, float] = {}
    if startup is not None:
        parsing, visiting = parse_time(paths)
        rows[FLOOR] = startup + parsing
        rows[VISIT_FLOOR] = startup + parsing + visiting
    if shellcheck:
        rows["shellcheck -P1"] = shellcheck_time(paths, 1)
        if jobs > 1:
            rows[f"shellcheck -P{jobs}"] = shellcheck_time(paths, jobs)
    for variant, copy in (("tenmon-guard", None), ("compiled", compiled)):
        if variant == "compiled" and copy is None:
            continue
        rows[f"{variant} -j1"] = guard_cli_time(paths, 1, list_file, copy)
        if jobs > 1:
            rows[f"{variant} -j{jobs}"] = guard_cli_time(paths, jobs, list_file, copy)
    print(f"\n{name}: {len(paths)} files, {lines} lines (load average {os.getloadavg()[0]:.2f})")
    print(f"  {'tool':<22}{'seconds':>10}{'lines/s':>12}")
    for tool, seconds in rows.items():
        print(f"  {tool:<22}{seconds:>10.2f}{lines / seconds:>12.0f}")
    _print_ratio(rows)
    return rows


def _print_ratio(rows: dict[str, float]) -> None:
    sc = [s for n, s in rows.items() if n.startswith("shellcheck")]
    for floor in (FLOOR, VISIT_FLOOR):
        if sc and floor in rows:
            print(f"  ceiling: ShellCheck -P1 / {floor} = {sc[0] / rows[floor]:.1f}x")
    for variant in ("tenmon-guard", "compiled"):
        tg = [s for n, s in rows.items() if n.startswith(variant + " ")]
        if sc and tg:
            best = min(sc) / min(tg)
            verdict = "met" if best >= TARGET_RATIO else "NOT met"
            print(
                f"  {variant}: ratio, 1 process each: {sc[0] / tg[0]:.1f}x; all cores each: {best:.1f}x"
                f" (target 50x: {verdict})"
            )


def linearity_many(job: Job, base: Sequence[str], scales: Sequence[int], jobs: int) -> list[dict[str, float]]:
    base_lines = count_lines(base)
    print(f"\nlinearity, many files (machine scripts x N, in-process lint_files, -j{jobs}):")
    print(f"{'scale':>6}{'files':>9}{'lines':>11}{'seconds':>10}{'lines/s':>12}")
    out = []
    for scale in scales:
        seconds, rate = core_rate(job, list(base) * scale, base_lines * scale, jobs)
        out.append({"scale": scale, "seconds": seconds, "lines_per_second": rate})
        print(f"{scale:>6}{len(base) * scale:>9}{base_lines * scale:>11}{seconds:>10.2f}{rate:>12.0f}")
    return out


def linearity_one_file(job: Job, base: Sequence[str], scales: Sequence[int], lines: int) -> list[dict[str, object]]:
    """One long file. If the engine gives up on it (an ``unread`` finding), the rate is not a rate: say so."""
    block = clean_block(job, base, lines)
    block_lines = block.count("\n")
    print(f"\nlinearity, one file (clean scripts concatenated, {block_lines} lines x N, lint_text):")
    print(f"{'scale':>6}{'lines':>11}{'seconds':>10}{'lines/s':>12}")
    out: list[dict[str, object]] = []
    for scale in scales:
        started = time.perf_counter()
        result = lint_text(job, block * scale, "big.sh")
        seconds = time.perf_counter() - started
        gave_up = [f.message for f in result.findings if f.rule in ("unread", "guard-error")]
        rate = block_lines * scale / seconds
        note = f"  NOT READ: {gave_up[0]}" if gave_up else ""
        print(f"{scale:>6}{block_lines * scale:>11}{seconds:>10.2f}{rate:>12.0f}{note}")
        out.append({"scale": scale, "seconds": seconds, "lines_per_second": rate, "gave_up": bool(gave_up)})
    return out


def byte_compiled() -> None:
    """Write the package's bytecode, as installing it does: a process reads each module from __pycache__. Where
    the environment forbids writing it on import (PYTHONDONTWRITEBYTECODE, set on some machines), a module edited
    since was compiled from source in every timed process, and start-up timed Python's compiler (0.52 s against
    about 0.24 s with the bytecode written, measured in stop 21)."""
    import compileall

    import tenmon_guard

    compileall.compile_dir(os.path.dirname(tenmon_guard.__file__), quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", action="append", default=[], help="a directory of public scripts (repeatable)")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="parallel workers for both tools")
    parser.add_argument("--scales", default="1,10,100", help="linearity multipliers")
    parser.add_argument("--one-file-lines", type=int, default=200, help="base size for the one-file linearity")
    parser.add_argument("--skip-shellcheck", action="store_true")
    parser.add_argument("--skip-linearity", action="store_true")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument(
        "--compiled", action="store_true", help="also build the optional compiled copy (mypyc) and time it"
    )
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    shellcheck = not args.skip_shellcheck and shutil.which("shellcheck") is not None

    subsets = [("machine scripts", machine_scripts())]
    subsets += [(os.path.basename(os.path.normpath(d)), list(discover([d]).files)) for d in args.corpus]
    print(f"cpus: {default_jobs()}, jobs: {args.jobs}; {'shellcheck ' if shellcheck else 'no shellcheck '}")
    per_subset: dict[str, object] = {}
    figures: dict[str, object] = {"jobs": args.jobs, "subsets": per_subset}
    totals: dict[str, float] = {}
    byte_compiled()
    with tempfile.TemporaryDirectory() as scratch:
        list_file = os.path.join(scratch, "files")
        compiled = build_compiled(os.path.join(scratch, "compiled")) if args.compiled else None
        startup = startup_time(scratch, list_file)
        print(f"start-up (one empty script, best of 3): {startup:.3f} s")
        for name, paths in subsets:
            rows = side_by_side(name, paths, args.jobs, shellcheck, list_file, compiled, startup)
            per_subset[name] = {"files": len(paths), "lines": count_lines(paths), "seconds": rows}
            for tool, seconds in rows.items():
                totals[tool] = totals.get(tool, 0.0) + seconds
    if len(subsets) > 1:
        lines = sum(count_lines(p) for _, p in subsets)
        print(f"\nall: {sum(len(p) for _, p in subsets)} files, {lines} lines")
        for tool, seconds in totals.items():
            print(f"  {tool:<22}{seconds:>10.2f}{lines / seconds:>12.0f}")
        _print_ratio(totals)
    figures["totals"] = totals
    if not args.skip_linearity:
        policy = load_policy([POLICY], {})
        job = Job(Guard(policy), frozenset(r.id for r in policy.rules), lambda p: p)
        machine = subsets[0][1]
        figures["linearity"] = {
            "many_files": linearity_many(job, machine, scales, args.jobs),
            "one_file": linearity_one_file(job, machine, scales, args.one_file_lines),
        }
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
