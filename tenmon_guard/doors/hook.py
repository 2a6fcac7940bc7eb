"""``tenmon-guard hook bash|zsh``: the one line that turns the guard on, for ~/.bashrc, /etc/bash.bashrc,
/etc/profile.d/ or ~/.zshrc.

The line sources the hook file from where this installation keeps it and names this installation's executable,
so it works whatever PATH the shell has (root's secure_path included). It is safe in files that other shells
read: it does nothing unless the shell is the right one and interactive. ``--policy``/``--var`` given here are
passed to the shell's checker.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
from pathlib import Path

from tenmon_guard.cli_common import EXIT_OK, UsageError, add_policy_arguments

HOOK_FILES = {"bash": "tenmon-guard.bash", "zsh": "tenmon-guard.zsh"}
SHARE_DIRS = ("/usr/share/tenmon-guard/shell-hooks", "/usr/local/share/tenmon-guard/shell-hooks")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", choices=sorted(HOOK_FILES), help="the shell to guard")
    add_policy_arguments(parser)
    parser.add_argument("--timeout", type=float, help="seconds to wait for a verdict (default 3)")
    parser.add_argument("--path", action="store_true", help="print only the hook file's path")


def hook_dirs() -> list[Path]:
    """Where the hook files may be: $TENMON_GUARD_HOOK_DIR, beside the package (a checkout or an editable
    install), then the system share directories."""
    out = []
    configured = os.environ.get("TENMON_GUARD_HOOK_DIR")
    if configured:
        out.append(Path(configured))
    package = Path(__file__).resolve().parent.parent
    out.append(package / "shell-hooks")
    out.append(package.parent / "shell-hooks")
    out.extend(Path(d) for d in SHARE_DIRS)
    return out


def find_hook(shell: str) -> Path:
    name = HOOK_FILES[shell]
    for directory in hook_dirs():
        candidate = directory / name
        if candidate.is_file():
            return candidate.resolve()
    searched = ", ".join(str(d) for d in hook_dirs())
    raise UsageError(f"hook: {name} not found (looked in {searched}; set TENMON_GUARD_HOOK_DIR)")


def executable() -> str:
    """This installation's ``tenmon-guard``: the script that is running, else the one beside this Python."""
    argv0 = Path(sys.argv[0])
    if argv0.name == "tenmon-guard" and argv0.exists():
        return str(argv0.resolve() if not argv0.is_absolute() else argv0)
    beside = Path(sys.executable).parent / "tenmon-guard"
    if beside.exists():
        return str(beside)
    found = shutil.which("tenmon-guard")
    if found:
        return found
    raise UsageError("hook: cannot find the tenmon-guard executable (is it installed?)")


def line(shell: str, hook: Path, binary: str, checker_args: list[str], timeout: float | None) -> str:
    settings = [f"TENMON_GUARD_BIN={shlex.quote(binary)}"]
    if checker_args:
        settings.append(f"TENMON_GUARD_ARGS={shlex.quote(' '.join(checker_args))}")
    if timeout is not None:
        settings.append(f"TENMON_GUARD_TIMEOUT={shlex.quote(f'{timeout:g}')}")
    body = "; ".join([*settings, f". {shlex.quote(str(hook))}"])
    if shell == "bash":
        return f'if [ -n "${{BASH_VERSION-}}" ] && case $- in *i*) true;; *) false;; esac; then {body}; fi'
    return f'if [ -n "${{ZSH_VERSION-}}" ] && [[ -o interactive ]]; then {body}; fi'


def run(args: argparse.Namespace) -> int:
    hook = find_hook(args.shell)
    if args.path:
        print(hook)
        return EXIT_OK
    checker_args: list[str] = []
    for path in args.policy:
        checker_args += ["--policy", str(Path(path).resolve())]
    for item in args.var:
        checker_args += ["--var", item]
    if any(any(c.isspace() for c in a) for a in checker_args):
        raise UsageError("hook: --policy/--var values with blanks cannot be passed to the checker; use a config file")
    print(line(args.shell, hook, executable(), checker_args, args.timeout))
    return EXIT_OK
