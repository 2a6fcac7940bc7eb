"""`make demo`: the guard deciding on a handful of forbidden and approved commands with the bundled policies."""

from __future__ import annotations

import os
import sys

from tenmon_guard.engine import Context, Guard
from tenmon_guard.policy import load_policy, packaged_policy_dir

COMMANDS = [
    "sudo fuser -k 3000/tcp",
    'sudo kill -9 $(pgrep -f "node dist/index.js")',
    "sudo pkill -9 node",
    "sudo rm -rf /opt/tenmon-ark-live/dist",
    "sudo cp -r /opt/tenmon-ark-repo/api/dist /opt/tenmon-ark-live/",
    "cd /opt/tenmon-ark-live && sudo bash -c 'rm -rf dist'",
    "bash /opt/tenmon-ark-repo/api/scripts/ops/restart_api.sh",
    "sudo systemctl restart tenmon-ark-api.service",
    "bash /opt/tenmon-ark-repo/api/scripts/deploy_live.sh",
    "sudo journalctl -u tenmon-ark-api.service -f --lines=50",
    "echo 'never run: rm -rf /opt/tenmon-ark-live/dist'",
]
# colours only on a terminal, and never with NO_COLOR set (https://no-color.org): a log or a pipe gets plain text
PAINT = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
COLOURS = {"allow": "\033[32m", "warn": "\033[33m", "block": "\033[1;31m", "suggestion": "\033[36m", "end": "\033[0m"}


def _paint(text: str, colour: str) -> str:
    return f"{COLOURS[colour]}{text}{COLOURS['end']}" if PAINT else text


def main() -> None:
    guard = Guard(load_policy([packaged_policy_dir()]))
    for command in COMMANDS:
        verdict = guard.check(command, Context(door="check", cwd="/root"))
        label = verdict.decision.label
        print(f"{_paint(f'{label.upper():5}', label)}  {command}")
        for finding in verdict.findings:
            print(f"       {finding.rule}: {finding.message}")
            if finding.suggestion:
                print(f"       instead: {_paint(finding.suggestion, 'suggestion')}")
        print()


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:  # (make demo | head): the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
