"""The command line. Subcommands are plain functions returning an exit code; ``main`` is the only exit.

Only the chosen subcommand's module is imported, so ``check`` stays fast (no rich, no prompt_toolkit).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from tenmon_guard import __version__
from tenmon_guard.cli_common import EXIT_ERROR, HelpFormatter, UsageError, run_guarded

# subcommand -> module with add_arguments(parser) and run(args) -> int
SUBCOMMANDS = {
    "check": "tenmon_guard.commands.check",
    "explain": "tenmon_guard.commands.explain",
    "policy": "tenmon_guard.commands.policy",
    "lint": "tenmon_guard.doors.lint",
    "exec": "tenmon_guard.doors.sudo",
    "install": "tenmon_guard.doors.install",
    "uninstall": "tenmon_guard.doors.install_remove",
    "agent-hook": "tenmon_guard.doors.agent",
    "hook": "tenmon_guard.doors.hook",
    "status": "tenmon_guard.doors.status",
    "override": "tenmon_guard.doors.override",
    "serve": "tenmon_guard.doors.serve",
}
DESCRIPTIONS = {
    "check": "judge a command line (exit 0 allow/warn, 1 block, 2 error)",
    "explain": "show what the guard sees in a command and which rule decides",
    "policy": "validate policy files or run their examples",
    "lint": "lint shell scripts (pre-commit)",
    "exec": "the sudo door: check ARGV, then run exactly it",
    "install": "install the sudo door, or the agent hook's launcher",
    "uninstall": "remove what install installed",
    "agent-hook": "the hook for AI coding agents' shell and file tools",
    "hook": "print the shell hook line for bash or zsh",
    "status": "is this shell guarded, by which policies, how fast",
    "override": "run one refused command on purpose, with a reason (audited)",
    "serve": "",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _usage() -> str:
    lines = [f"usage: tenmon-guard COMMAND [ARGS]   (version {__version__})", "", "commands:"]
    for name, text in DESCRIPTIONS.items():
        if text:
            lines.append(f"  {name:<11} {text}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0 if args else EXIT_ERROR
    if args[0] == "--version":
        print(__version__)
        return 0
    name = args[0]
    if name not in SUBCOMMANDS:
        print(f"tenmon-guard: unknown command {name!r}\n{_usage()}", file=sys.stderr)
        return EXIT_ERROR

    def run() -> int:
        try:
            module = importlib.import_module(SUBCOMMANDS[name])
        except ModuleNotFoundError as error:
            if error.name and error.name.startswith("tenmon_guard"):
                raise UsageError(f"{name}: not available in this version") from None
            raise
        parser = _Parser(prog=f"tenmon-guard {name}", description=DESCRIPTIONS.get(name), formatter_class=HelpFormatter)
        module.add_arguments(parser)
        parsed = parser.parse_args(args[1:])
        return int(module.run(parsed))

    return run_guarded(run, on_error=EXIT_ERROR)


def entry() -> None:
    raise SystemExit(main())
