"""Added latency per Enter: an interactive bash (or zsh) with the tenmon-guard hook against the same shell without it.

Run by hand, not by the test suite:

    .venv/bin/python benchmarks/hook_latency.py [--shell bash|zsh] [--rounds 400] [--json]
    .venv/bin/python benchmarks/hook_latency.py --rc 'export NVM_DIR=/tmp/nvm; . /path/to/nvm.sh --no-use' \
        --line 'nvm --version' --rounds 6

``--rc`` adds a line to both shells' start-up file before the hook (what a user's rc file loads: a version
manager's functions, aliases); ``--line`` replaces the ordinary lines with the given ones.

Each shell runs in a real pty. For each line, the text is typed and its echo awaited first; the clock runs from
the Enter key to the next prompt on the screen, which is what a person feels. Lines are ordinary admin commands
the policy allows (a refused line is not an Enter latency: it stays on the prompt). Both shells get the same lines
in the same order, interleaved round by round so that machine noise falls on both alike. Target (issue 3): added
p50 under 5 ms, p99 under 20 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import select
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROMPT = "BENCH-PROMPT> "
LINES = [
    "true",
    "echo hello",
    "ls / >/dev/null",
    "cd /tmp && cd - >/dev/null",
    "echo one | tr o 0 | wc -c >/dev/null",
    "for i in 1 2 3; do :; done",
    "test -d /tmp && echo yes >/dev/null",
    'x=$(date +%s); echo "$x" >/dev/null',
    "ps -o pid= -p $$ >/dev/null",
    "kill -0 $$",
    "cat /etc/hostname >/dev/null",
    "grep -c root /etc/passwd >/dev/null",
]

# --functions: lines that call shell functions (the hook then sends the bodies, and reads callees' with a fork)
FUNCTIONS = 'greet() { echo "hi $1" >/dev/null; }\nouter() { greet "$@"; }\n'
FUNCTION_LINES = ["greet you", "outer me", "greet you; true", "outer me | cat >/dev/null"]


class Pty:
    """A shell on a pty, read and written with plain os calls (no expect library in the measured path)."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # child
            os.execvpe(argv[0], argv, env)
        self.buffer = b""

    def read_until(self, marker: bytes, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while marker not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"waiting for {marker!r}; have {self.buffer[-300:]!r}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                self.buffer += os.read(self.fd, 65536)
        self.buffer = self.buffer[self.buffer.index(marker) + len(marker) :]

    def write(self, data: str) -> None:
        os.write(self.fd, data.encode())

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGHUP)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


def start(shell: str, guarded: bool, workdir: Path, guard_bin: str, rc_lines: str = "") -> Pty:
    """A shell on a pty whose start-up file runs ``rc_lines``, then (``guarded``) the hook."""
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
        "HOME": str(workdir),
        "TERM": "xterm",
        "LANG": "C.UTF-8",
        "NO_COLOR": "1",
        "HISTFILE": "/dev/null",
        "INPUTRC": "/dev/null",
        "TENMON_GUARD_BIN": guard_bin,
        "TENMON_GUARD_ARGS": f"--policy {REPO / 'policies' / 'tenmon-ark.yaml'}",
        "TENMON_GUARD_AUDIT_LOG": str(workdir / "audit.jsonl"),
    }
    hook = f". {REPO / 'shell-hooks' / f'tenmon-guard.{shell}'}\n" if guarded else ""
    hook = rc_lines + hook
    if shell == "bash":
        rc = workdir / f"bashrc-{int(guarded)}"
        rc.write_text(f"PS1='{PROMPT}'\n{hook}")
        argv = ["bash", "--rcfile", str(rc), "-i"]
    else:
        zdot = workdir / f"zdot-{int(guarded)}"
        zdot.mkdir(exist_ok=True)
        (zdot / ".zshrc").write_text(f"PS1='{PROMPT}'\nunsetopt prompt_sp\n{hook}")
        env["ZDOTDIR"] = str(zdot)
        argv = ["zsh", "-i"]
    shell_pty = Pty(argv, env)
    shell_pty.read_until(PROMPT.encode())
    if guarded:  # the checker starts in the background at the first prompt: let it be ready before measuring
        shell_pty.write("true\r")
        shell_pty.read_until(PROMPT.encode(), timeout=60)
    return shell_pty


def enter_latency(shell: Pty, line: str) -> float:
    shell.write(line)
    shell.read_until(line[-12:].encode())  # the echo of what was typed
    began = time.perf_counter()
    shell.write("\r")
    shell.read_until(PROMPT.encode())
    return (time.perf_counter() - began) * 1000


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": statistics.median(values),
        "p90": percentile(values, 0.90),
        "p99": percentile(values, 0.99),
        "max": max(values),
        "mean": statistics.fmean(values),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shell", choices=("bash", "zsh"), default="bash")
    parser.add_argument("--rounds", type=int, default=400, help="lines per shell (default 400)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--functions", action="store_true", help="lines that call shell functions (one calls another)")
    parser.add_argument("--rc", action="append", default=[], help="a line for both rc files, before the hook")
    parser.add_argument("--line", action="append", default=[], help="a line to time (repeatable; replaces the set)")
    args = parser.parse_args()
    lines = args.line or (FUNCTION_LINES if args.functions else LINES)
    rc_lines = (FUNCTIONS if args.functions else "") + "".join(line + "\n" for line in args.rc)
    guard_bin = str(Path(sys.executable).parent / "tenmon-guard")
    if not Path(guard_bin).exists():
        guard_bin = shutil.which("tenmon-guard") or "tenmon-guard"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        plain = start(args.shell, False, work, guard_bin, rc_lines)
        guarded = start(args.shell, True, work, guard_bin, rc_lines)
        times: dict[str, list[float]] = {"plain": [], "guarded": []}
        try:
            # the guarded shell really judges: this line must be refused. It runs nothing if it is not (a checker
            # that cannot start lets lines run with a warning): false stops the list before pkill
            guarded.write("false && pkill -9 node\r")
            guarded.read_until(b"BLOCKED")
            guarded.read_until(PROMPT.encode())
            guarded.write("\x15")
            for _ in range(20):  # warm both (page cache, first-time paths)
                enter_latency(plain, "true")
                enter_latency(guarded, "true")
            for n in range(args.rounds):
                line = lines[n % len(lines)]
                times["plain"].append(enter_latency(plain, line))
                times["guarded"].append(enter_latency(guarded, line))
        finally:
            plain.close()
            guarded.close()
    result = {name: summary(values) for name, values in times.items()}
    added = {key: result["guarded"][key] - result["plain"][key] for key in ("p50", "p90", "p99", "mean")}
    report = {"shell": args.shell, "rounds": args.rounds, "functions": args.functions, **result, "added": added}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    kind = "lines given" if args.line else "lines calling shell functions" if args.functions else "lines"
    print(f"{args.shell}, {args.rounds} Enter presses each ({kind}), real pty, ms from Enter to the next prompt")
    print(f"{'':10}{'p50':>9}{'p90':>9}{'p99':>9}{'max':>9}{'mean':>9}")
    for name in ("plain", "guarded"):
        row = result[name]
        print(f"{name:10}" + "".join(f"{row[k]:9.2f}" for k in ("p50", "p90", "p99", "max", "mean")))
    print(f"{'added':10}{added['p50']:9.2f}{added['p90']:9.2f}{added['p99']:9.2f}{'':9}{added['mean']:9.2f}")
    print("target: added p50 < 5 ms, p99 < 20 ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
