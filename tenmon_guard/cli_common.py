"""Pieces every subcommand shares: policy options, loading the policy, the error boundary."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tenmon_guard.errors import PolicyError, TenmonGuardError

if TYPE_CHECKING:
    from tenmon_guard.policy.types import Policy

EXIT_OK = 0
EXIT_BLOCK = 1
EXIT_ERROR = 2


class UsageError(TenmonGuardError):
    """Bad command-line use: one line, exit 2."""


class HelpFormatter(argparse.HelpFormatter):
    """argparse's own formatter, told the terminal's width. Without it, argparse asks ``shutil`` for the width each
    time an argument is added, and importing shutil (which brings zlib, bz2 and lzma) costs about 4 ms of every
    one-shot start (a sudo through the door, an agent's tool call), help or not."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24) -> None:
        super().__init__(prog, indent_increment, max_help_position, width=terminal_columns() - 2)


def terminal_columns() -> int:
    """What ``shutil.get_terminal_size().columns`` gives: $COLUMNS, else the terminal on stdout, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def add_policy_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--policy", action="append", default=[], metavar="PATH", help="policy file or directory (repeatable)"
    )
    parser.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE", help="set a policy variable (repeatable)"
    )


def parse_vars(items: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, eq, value = item.partition("=")
        if not eq or not name:
            raise UsageError(f"--var {item!r}: expected NAME=VALUE")
        out[name] = value
    return out


def load_from_args(
    args: argparse.Namespace, *, trusted_only: bool = False, environ: dict[str, str] | None = None
) -> Policy:
    """The policy the arguments and environment ask for (see DESIGN.md's lookup)."""
    from tenmon_guard.policy import load_policy, resolve_policy_paths

    env = dict(os.environ) if environ is None else environ
    is_root = os.geteuid() == 0
    chosen = resolve_policy_paths(args.policy, env, is_root, trusted_only=trusted_only)
    overrides = {} if trusted_only else parse_vars(args.var)
    return load_policy(chosen.system, overrides, user_paths=chosen.user, require_root_owned=chosen.require_root_owned)


def run_guarded(func: Callable[[], int], *, on_error: int = EXIT_ERROR) -> int:
    """The error boundary: typed errors become their one-line messages, anything else one line too; never a
    traceback. ``on_error`` is the exit code for failures (doors that must fail closed choose theirs)."""
    try:
        return func()
    except PolicyError as error:
        for message in error.messages:
            print(f"tenmon-guard: {message}", file=sys.stderr)
        return on_error
    except TenmonGuardError as error:
        print(f"tenmon-guard: {error}", file=sys.stderr)
        return on_error
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return on_error
    except Exception as error:  # the last line of defence: say what failed, never a traceback
        print(f"tenmon-guard: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return on_error
