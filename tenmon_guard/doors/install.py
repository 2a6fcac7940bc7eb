"""``tenmon-guard install --sudo --group GROUP`` installs the sudo door, ``tenmon-guard install --agent`` the agent
hook's launcher; with ``--dry-run`` either shows what it would do.

What ``--sudo`` writes (each file root-owned; ``uninstall`` removes exactly these, listed in a manifest):

- ``PREFIX/sbin/tenmon-guard-exec`` (0755): the launcher sudoers grants. A tiny script whose ``#!`` line runs the
  interpreter this package is installed in with ``-ISB`` (isolated: no PYTHONPATH, PYTHONHOME, user site or current
  directory on sys.path; no site processing, so no .pth file runs; no .pyc written), with the directories the guard
  and its libraries are imported from (asked of that interpreter) and the configuration directory baked in. The
  console script pip generates is not used: its ``#!`` line has no ``-I``.
- ``PREFIX/bin/tenmon-sudo`` (0755): ``sudo`` for guarded shells (shell-hooks/tenmon-sudo, pointed at the launcher).
- ``CONFIG/policies.d/*.yaml`` (0644): the policy pack, with ``--var`` values written into its variables (under
  sudo, ``--var`` on the command line is ignored, so this is how a machine sets its paths and port).
- ``CONFIG/sudo-door.d/escapes.yaml`` (0644): the door's own rules (policies/doors/sudo.yaml).
- ``SUDOERS_DIR/NAME`` (0440): the snippet (shell-hooks/sudoers), checked with ``visudo -cf`` before it is moved
  into place, then the whole configuration with ``visudo -c`` (a failure removes it again).
- ``CONFIG/install-NAME.json``: the manifest.

What ``--agent`` writes: ``PREFIX/bin/tenmon-guard-agent-hook`` (0755), a launcher like the sudo door's that runs
``tenmon-guard agent-hook`` with ``-ISB``; ``CONFIG/agent-door.d/agent-state.yaml`` (0644), the door's own rules
(policies/doors/agent.yaml; the door reads /etc/tenmon-guard/agent-door.d, so a copy under another PREFIX is not
read); and its manifest ``CONFIG/install-agent-hook.json``. An agent starts its
hooks with its own environment and user: through pip's console script, a ``.pth`` or ``usercustomize`` file the
agent wrote into its user site-packages (or a ``PYTHONPATH`` it was started with) would run inside the guard and
could answer "allow" to everything. Isolated, the hook imports only from root's directories (and skips site
processing, a few ms per tool call).

PREFIX is /usr/local and CONFIG /etc/tenmon-guard unless ``--prefix`` is given, which moves CONFIG to
``PREFIX/etc/tenmon-guard`` too (tests install whole doors under a temporary prefix); the snippet always goes to
/etc/sudoers.d (``--sudoers-dir``), the only place sudo reads it from.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tenmon_guard.cli_common import EXIT_OK, UsageError, parse_vars
from tenmon_guard.doors import agent as agent_door
from tenmon_guard.doors import sudo as door
from tenmon_guard.errors import TenmonGuardError
from tenmon_guard.frozen import record

DEFAULT_PREFIX = Path("/usr/local")
DEFAULT_CONFIG = Path(door.DEFAULT_CONFIG_DIR)
DEFAULT_SUDOERS_DIR = Path("/etc/sudoers.d")
DEFAULT_NAME = "tenmon-guard"
LAUNCHER_NAME = "tenmon-guard-exec"
AGENT_LAUNCHER_NAME = "tenmon-guard-agent-hook"
AGENT_NAME = "agent-hook"  # the agent launcher's manifest: install-agent-hook.json
MANIFEST_VERSION = 1

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")  # sudo ignores sudoers.d names with a dot or ending in ~
_SAFE_GROUP = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_SUDOERS_WORD = re.compile(r"[A-Za-z0-9_./@+-]+\Z")  # needs no sudoers escaping
_SHEBANG_MAX = 255
_TOP_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*\s*:")


class InstallError(TenmonGuardError):
    """Something that stops the install before anything is written (or that undoes a half-written one)."""


@record
class Layout:
    """Where everything goes."""

    prefix: Path
    config_dir: Path
    sudoers_dir: Path
    name: str

    @property
    def launcher(self) -> Path:
        return self.prefix / "sbin" / LAUNCHER_NAME

    @property
    def agent_launcher(self) -> Path:
        return self.prefix / "bin" / AGENT_LAUNCHER_NAME

    @property
    def tenmon_sudo(self) -> Path:
        return self.prefix / "bin" / "tenmon-sudo"

    @property
    def policy_dir(self) -> Path:
        return self.config_dir / door.POLICY_SUBDIR

    @property
    def door_dir(self) -> Path:
        return self.config_dir / door.DOOR_POLICY_SUBDIR

    @property
    def sudoers_file(self) -> Path:
        return self.sudoers_dir / self.name

    @property
    def manifest(self) -> Path:
        return self.config_dir / f"install-{self.name}.json"


@record
class Planned:
    """One file to write."""

    path: Path
    content: bytes
    mode: int


@dataclass
class Plan:
    layout: Layout
    door: str = "sudo"  # or "agent": what the summary says, and whether there is a sudoers snippet to validate
    files: list[Planned] = field(default_factory=list)
    dirs: list[Path] = field(default_factory=list)  # to create, parents first
    warnings: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------------------------------------------
# CLI


def add_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--sudo", action="store_true", help="install the sudo door")
    which.add_argument(
        "--agent", action="store_true", help=f"install the agent hook's launcher, PREFIX/bin/{AGENT_LAUNCHER_NAME}"
    )
    parser.add_argument("--group", help="(--sudo) the admin group that gets root through the guard")
    parser.add_argument("--prefix", type=Path, help="programs in PREFIX/sbin and PREFIX/bin (default /usr/local)")
    parser.add_argument("--config-dir", type=Path, help="policies and manifest (default /etc/tenmon-guard)")
    parser.add_argument("--sudoers-dir", type=Path, default=DEFAULT_SUDOERS_DIR, help="default /etc/sudoers.d")
    parser.add_argument(
        "--name", help=f"the snippet's file name (default {DEFAULT_NAME}; the manifest's, {AGENT_NAME} for --agent)"
    )
    parser.add_argument(
        "--policy", action="append", default=[], metavar="PATH", help="policy files or directories to install"
    )
    parser.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE", help="write this variable into the pack"
    )
    parser.add_argument("--audit-log", help="audit log path baked into the launcher (default: the audit default)")
    parser.add_argument("--python", help="interpreter for the launcher (default: this one)")
    parser.add_argument("--nopasswd", action="store_true", help="grant without a password (tests, automation)")
    parser.add_argument("--dry-run", action="store_true", help="print what would be written; change nothing")


# Options of the sudo door alone (the agent hook reads the system policy and logs where `agent-hook` always does)
_SUDO_ONLY = {
    "group": "--group",
    "policy": "--policy",
    "var": "--var",
    "nopasswd": "--nopasswd",
    "audit_log": "--audit-log",
}


def run(args: argparse.Namespace) -> int:
    if args.agent:
        given = [flag for key, flag in _SUDO_ONLY.items() if getattr(args, key)]
        if given or args.sudoers_dir != DEFAULT_SUDOERS_DIR:
            raise UsageError(f"install --agent: not with {', '.join(given or ['--sudoers-dir'])} (options of --sudo)")
        layout = make_layout(args.prefix, args.config_dir, args.sudoers_dir, args.name or AGENT_NAME)
        plan = build_agent_plan(layout, python=args.python or sys.executable)
        done = f"installed the agent hook's launcher: {layout.agent_launcher} (use it as the hook's command)"
    else:
        if not args.group:
            raise UsageError("install --sudo: --group GROUP is required (the admin group that gets root through it)")
        layout = make_layout(args.prefix, args.config_dir, args.sudoers_dir, args.name or DEFAULT_NAME)
        plan = build_plan(
            layout,
            group=args.group,
            policy_paths=[Path(p) for p in args.policy],
            variables=parse_vars(args.var),
            audit_log=args.audit_log,
            python=args.python or sys.executable,
            nopasswd=args.nopasswd,
            check_group=not args.dry_run,
        )
        done = f"installed the sudo door for group {args.group}: {layout.sudoers_file}, {layout.launcher}"
    for warning in plan.warnings:
        print(f"tenmon-guard: warning: {warning}", file=sys.stderr)
    if args.dry_run:
        print(describe(plan))
        return EXIT_OK
    if os.geteuid() != 0:
        raise UsageError("install: run as root (or add --dry-run to see what it would write)")
    apply(plan)
    print(done)
    print(f"remove it with: tenmon-guard uninstall{_uninstall_options(layout)}")
    return EXIT_OK


def make_layout(prefix: Path | None, config_dir: Path | None, sudoers_dir: Path, name: str) -> Layout:
    if not _SAFE_NAME.match(name):
        raise UsageError(f"--name {name!r}: letters, digits, - and _ only (sudo ignores names with a dot)")
    for label, path in (("--prefix", prefix), ("--config-dir", config_dir), ("--sudoers-dir", sudoers_dir)):
        if path is not None and not path.is_absolute():
            raise UsageError(f"{label} {path}: expected an absolute path")
    config = config_dir or (prefix / "etc" / "tenmon-guard" if prefix is not None else DEFAULT_CONFIG)
    return Layout(prefix or DEFAULT_PREFIX, config, sudoers_dir, name)


def _uninstall_options(layout: Layout) -> str:
    out = ""
    if layout.config_dir != DEFAULT_CONFIG:
        out += f" --config-dir {layout.config_dir}"
    if layout.name != DEFAULT_NAME:
        out += f" --name {layout.name}"
    return out


# ----------------------------------------------------------------------------------------------------------------
# Planning (reads only)


def build_plan(
    layout: Layout,
    *,
    group: str,
    policy_paths: Sequence[Path],
    variables: dict[str, str],
    audit_log: str | None,
    python: str,
    nopasswd: bool,
    check_group: bool = True,
) -> Plan:
    """Everything the install would write, validated: policies load with the variables, the snippet passes
    ``visudo -cf``, the interpreter and the package it imports are root's alone."""
    if not _SAFE_GROUP.match(group):
        raise UsageError(f"--group {group!r}: expected a plain group name")
    plan = Plan(layout)
    _check_group(group, plan, strict=check_group)
    sources = _pack_sources(policy_paths)
    policies = _rewrite_variables(sources, variables)
    door_source = _door_source()
    policy = _validate_policies(policies, door_source)
    plan.warnings.extend(_runtime_trust_problems(python))
    for directory in (layout.launcher.parent, layout.tenmon_sudo.parent, layout.policy_dir, layout.door_dir):
        for missing in _missing_dirs(directory):
            if missing not in plan.dirs:
                plan.dirs.append(missing)
    launcher = launcher_text(python, layout, audit_log, import_roots(python))
    plan.files.append(Planned(layout.launcher, launcher.encode(), 0o755))
    plan.files.append(Planned(layout.tenmon_sudo, tenmon_sudo_text(layout).encode(), 0o755))
    for name, text in policies:
        plan.files.append(Planned(layout.policy_dir / name, text.encode(), 0o644))
    plan.files.append(Planned(layout.door_dir / "escapes.yaml", door_source.read_bytes(), 0o644))
    snippet = sudoers_text(layout, group, policy.variables, nopasswd, plan.warnings)
    validate_sudoers(snippet)
    plan.files.append(Planned(layout.sudoers_file, snippet.encode(), 0o440))
    plan.warnings.extend(broader_rules(group, exclude=layout.sudoers_file))
    return plan


def build_agent_plan(layout: Layout, *, python: str) -> Plan:
    """The agent hook's launcher: the interpreter and the package it imports must be root's alone (warned, as for
    the sudo door), or the agent could change the guard it runs."""
    plan = Plan(layout, door="agent")
    plan.warnings.extend(_runtime_trust_problems(python))
    roots = import_roots(python)
    for path, what in [(python, "the interpreter"), *((root, "the guard's modules") for root in roots)]:
        closed = closed_to_others(path, directory=what != "the interpreter")
        if closed is not None:
            plan.warnings.append(
                f"{path}: {closed} is closed to other users, so an agent that runs as a user other than root "
                f"cannot start {what}: every tool call would be refused (install the guard with an interpreter "
                "and in a directory others can read)"
            )
    door_dir = layout.config_dir / agent_door.DOOR_POLICY_SUBDIR
    for directory in (layout.agent_launcher.parent, layout.config_dir, door_dir):
        plan.dirs.extend(d for d in _missing_dirs(directory) if d not in plan.dirs)
    launcher = agent_launcher_text(python, roots)
    plan.files.append(Planned(layout.agent_launcher, launcher.encode(), 0o755))
    source = _door_source("agent")
    plan.files.append(Planned(door_dir / agent_door.DOOR_POLICY_FILE, source.read_bytes(), 0o644))
    return plan


def closed_to_others(path: str, *, directory: bool) -> str | None:
    """The first place on the way to ``path`` (symlinks resolved) that other users cannot pass: a directory without
    search permission for others, or ``path`` itself (a directory others cannot list and search, a program they
    cannot execute). An agent usually runs as an ordinary user; mode bits for others are what it can count on."""
    real = os.path.realpath(path)
    ancestors = [os.path.dirname(real)]
    while ancestors[-1] != "/":
        ancestors.append(os.path.dirname(ancestors[-1]))
    needed = stat.S_IROTH | stat.S_IXOTH if directory else stat.S_IXOTH
    for place, bits in [*((a, stat.S_IXOTH) for a in reversed(ancestors)), (real, needed)]:
        try:
            if os.stat(place).st_mode & bits != bits:
                return place
        except OSError:
            return place
    return None


def _check_group(group: str, plan: Plan, *, strict: bool) -> None:
    import grp

    try:
        grp.getgrnam(group)
    except KeyError:
        message = f"no group named {group!r} on this machine (create it with: groupadd {group})"
        if strict:
            raise InstallError(message) from None
        plan.warnings.append(message)


def _pack_sources(policy_paths: Sequence[Path]) -> list[Path]:
    """The policy files to install: ``--policy`` files and directories' ``*.yaml``, else the packaged pack."""
    from tenmon_guard.policy import packaged_policy_dir

    entries = list(policy_paths) or [packaged_policy_dir()]
    files: list[Path] = []
    for entry in entries:
        if entry.is_dir():
            files.extend(sorted(p for p in entry.iterdir() if p.suffix == ".yaml" and not p.name.startswith(".")))
        elif entry.is_file():
            files.append(entry)
        else:
            raise InstallError(f"{entry}: no such policy file or directory")
    if not files:
        raise InstallError(f"no *.yaml policy files in {', '.join(map(str, entries))}")
    names = [f.name for f in files]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InstallError(f"two policy files with the same name: {', '.join(duplicates)}")
    return files


def _door_source(name: str = "sudo") -> Path:
    """A door's own rules as packaged (``policies/doors/NAME.yaml``)."""
    from tenmon_guard.policy import packaged_policy_dir

    path = packaged_policy_dir() / "doors" / f"{name}.yaml"
    if not path.is_file():
        raise InstallError(f"the {name} door's policy is missing from the package ({path})")
    return path


def _rewrite_variables(sources: Sequence[Path], variables: dict[str, str]) -> list[tuple[str, str]]:
    """Each file's text with ``--var`` values written over the defaults in its top-level ``variables:``. The rest
    of the file (comments, layout) is kept as it is, so the installed copy reads like the packaged one."""
    remaining = dict(variables)
    out: list[tuple[str, str]] = []
    for source in sources:
        text = source.read_text(encoding="utf-8")
        text, used = set_variables(text, remaining)
        for name in used:
            remaining.pop(name, None)
        out.append((source.name, text))
    if remaining:
        raise InstallError(f"--var {', '.join(sorted(remaining))}: no policy file defines it under variables:")
    return out


def set_variables(text: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """Replace ``  NAME: value`` lines of the top-level ``variables:`` mapping; returns the text and the names set.
    Values are written as YAML double-quoted strings (JSON strings are valid YAML)."""
    lines = text.splitlines(keepends=True)
    used: list[str] = []
    inside = False
    for index, line in enumerate(lines):
        if _TOP_KEY.match(line):
            inside = line.split(":", 1)[0].strip() == "variables"
            continue
        if not inside:
            continue
        match = re.match(r"^(\s+)([A-Za-z_][A-Za-z0-9_]*)(\s*:\s*)(.*?)(\r?\n)?$", line)
        if match and match.group(2) in values:
            indent, name, sep, _old, newline = match.groups()
            lines[index] = f"{indent}{name}{sep.rstrip()} {json.dumps(values[name])}{newline or ''}"
            used.append(name)
    return "".join(lines), used


def _validate_policies(policies: Sequence[tuple[str, str]], door_source: Path):  # type: ignore[no-untyped-def]
    """Load what would be installed, exactly as the door will (pack + door rules), from a private staging dir."""
    from tenmon_guard.policy import load_policy

    with tempfile.TemporaryDirectory(prefix="tenmon-guard-install-") as staging:
        pack = Path(staging) / door.POLICY_SUBDIR
        pack.mkdir()
        for name, text in policies:
            (pack / name).write_text(text, encoding="utf-8")
        return load_policy([pack, door_source])


def _runtime_trust_problems(python: str) -> list[str]:
    """Root will run this interpreter and import this package: anyone else able to change them would own root.
    Each problem is a warning here (a test tree may be set up oddly); the door itself refuses untrusted programs."""
    problems: list[str] = []
    if not python.startswith("/"):
        raise InstallError(f"--python {python}: expected an absolute path")
    if len(python) + 5 > _SHEBANG_MAX or any(c.isspace() for c in python):
        raise InstallError(f"{python}: cannot be used in a #! line (too long or contains spaces)")
    try:
        door.trusted_realpath(python, True, what="interpreter")
    except door.Refusal as error:
        problems.append(str(error))
    for module in LAUNCHER_MODULES:
        problems.extend(_package_problems(module))
    return problems


def _package_problems(module: str) -> list[str]:
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return []
    out: list[str] = []
    for location in spec.submodule_search_locations:
        try:
            door.trusted_realpath(location, True, what="package directory")
        except door.Refusal as error:
            out.append(str(error))
            continue
        for root, dirs, files in os.walk(location):
            for name in dirs + files:
                path = os.path.join(root, name)
                info = os.lstat(path)
                if info.st_uid != 0 or (info.st_mode & 0o022 and not os.path.islink(path)):
                    out.append(f"{path}: not root's alone (uid {info.st_uid}, mode {info.st_mode & 0o7777:04o})")
                    return out
    return out


def _missing_dirs(directory: Path) -> list[Path]:
    missing: list[Path] = []
    current = directory
    while not current.exists():
        missing.append(current)
        current = current.parent
    return list(reversed(missing))


# ----------------------------------------------------------------------------------------------------------------
# The generated files


def launcher_text(python: str, layout: Layout, audit_log: str | None, roots: Sequence[str]) -> str:
    return (
        f"#!{python} -ISB\n"
        "# tenmon-guard: the sudo door's launcher (GPL-3.0-or-later). Written by `tenmon-guard install --sudo`;\n"
        "# do not edit, install again. -I: isolated from the caller's environment (no PYTHONPATH, PYTHONHOME, user\n"
        "# site, current directory on sys.path); -S: no site processing, so no .pth file runs as root, and the\n"
        "# guard imports from exactly the directories below; -B: writes no .pyc files anywhere.\n"
        "import sys\n"
        "\n"
        f"sys.path[:0] = {list(roots)!r}\n"
        "try:\n"
        "    from tenmon_guard.doors.sudo import launcher_main\n"
        "except ImportError as error:\n"
        "    sys.stderr.write(f'tenmon-guard-exec: cannot load the guard ({error}); nothing was run. '\n"
        "                     'Install the sudo door again.\\n')\n"
        f"    sys.exit({door.EXIT_REFUSED})\n"
        "\n"
        f"sys.exit(launcher_main(sys.argv[1:], config_dir={str(layout.config_dir)!r}, audit_log={audit_log!r}))\n"
    )


def agent_launcher_text(python: str, roots: Sequence[str]) -> str:
    """``tenmon-guard agent-hook`` isolated from the agent. Anything that goes wrong before the guard answers is a
    refusal (exit 2): Claude Code lets a tool call run when a hook fails any other way."""
    return (
        f"#!{python} -ISB\n"
        "# tenmon-guard: the agent hook's launcher (GPL-3.0-or-later). Written by `tenmon-guard install --agent`;\n"
        "# do not edit, install again. It runs `tenmon-guard agent-hook ARGS`. -I: isolated from the agent's\n"
        "# environment (no PYTHONPATH, PYTHONHOME, user site where the agent could put a .pth file, current\n"
        "# directory on sys.path); -S: no site processing, the guard imports from exactly the directories below;\n"
        "# -B: writes no .pyc files.\n"
        "import sys\n"
        "\n"
        f"sys.path[:0] = {list(roots)!r}\n"
        "try:\n"
        "    from tenmon_guard.main import main\n"
        "except BaseException as error:\n"
        "    sys.stderr.write(f'tenmon-guard-agent-hook: cannot load the guard ({error}); refused. '\n"
        "                     'Install the agent hook again.\\n')\n"
        "    sys.exit(2)\n"
        "\n"
        "sys.exit(main(['agent-hook', *sys.argv[1:]]))\n"
    )


LAUNCHER_MODULES = ("tenmon_guard", "bashlex", "yaml", "tree_sitter", "tree_sitter_bash")

_ROOTS_PROBE = """
import importlib.util, json, os, sys
roots = []
for name in sys.argv[1:]:
    spec = importlib.util.find_spec(name)
    if spec is None:
        sys.exit(f"{name} is not installed for this interpreter")
    places = list(spec.submodule_search_locations or []) or [spec.origin or ""]
    for place in places:
        root = os.path.dirname(os.path.realpath(place))
        if root not in roots:
            roots.append(root)
print(json.dumps(roots))
"""


def import_roots(python: str) -> list[str]:
    """Where ``python`` imports the guard and its libraries from, asked of that interpreter itself (with its
    site-packages, as ``python -I`` sees them). The launcher runs with -S and puts exactly these on sys.path:
    site processing and the .pth files it runs cost a fifth of a sudo's start-up, and they are code run as root."""
    try:
        result = subprocess.run(
            [python, "-I", "-c", _ROOTS_PROBE, *LAUNCHER_MODULES],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise InstallError(f"{python}: cannot run it to find the guard's modules ({error})") from None
    try:
        roots = json.loads(result.stdout) if result.returncode == 0 else None
    except ValueError:
        roots = None
    if not isinstance(roots, list) or not roots or not all(isinstance(r, str) and r.startswith("/") for r in roots):
        why = (result.stderr.strip().splitlines() or ["no answer"])[-1]
        raise InstallError(f"{python}: cannot find the guard's modules with it ({why})")
    return roots


def _template(name: str) -> str:
    """A file from shell-hooks/ (next to the package in a source tree; installed as package data otherwise)."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "shell-hooks" / name, here.parent / "shell-hooks" / name):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise InstallError(f"template shell-hooks/{name} is missing from this installation")


def tenmon_sudo_text(layout: Layout) -> str:
    text = _template("tenmon-sudo")
    if "@TENMON_GUARD_EXEC@" not in text:
        raise InstallError("shell-hooks/tenmon-sudo has no @TENMON_GUARD_EXEC@ placeholder")
    return text.replace("@TENMON_GUARD_EXEC@", str(layout.launcher))


def sudoers_text(layout: Layout, group: str, variables: dict[str, str], nopasswd: bool, warnings: list[str]) -> str:
    alias = "TENMON_GUARD_" + re.sub(r"[^A-Z0-9]", "_", layout.name.upper())
    approved = approved_commands(variables, warnings)
    commands = f"{alias}_EXEC"
    approved_alias = "# (no approved commands: the policy defines none of service, restart_script, deploy_script)"
    if approved:
        approved_alias = f"Cmnd_Alias {alias}_APPROVED = " + ", \\\n    ".join(approved)
        commands += f", {alias}_APPROVED"
    launcher = str(layout.launcher)
    if not _SUDOERS_WORD.match(launcher):
        raise InstallError(f"{launcher}: the launcher path must not need escaping in sudoers")
    values = {
        "@GROUP@": group,
        "@EXEC@": launcher,
        "@CONFIG_DIR@": str(layout.config_dir),
        "@ALIAS@": alias,
        "@APPROVED_ALIAS@": approved_alias,
        "@TAG@": "NOPASSWD: " if nopasswd else "",
        "@COMMANDS@": commands,
    }
    text = _template("sudoers")
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def approved_commands(variables: dict[str, str], warnings: list[str]) -> list[str]:
    """The operations guide's approved commands, allowed by sudoers as themselves (exact arguments). A script is
    granted so only when root alone can change it and every directory above it: sudo runs it as root unread, so an
    admin able to edit it (or to put a file where it is missing) would have root. Other scripts are left to the
    door, which reads a script before running it and refuses one that is not root's."""
    wanted: list[list[str]] = []
    if variables.get("service"):
        wanted.append(["systemctl", "restart", variables["service"]])
    for key in ("restart_script", "deploy_script"):
        script = variables.get(key)
        if not script:
            continue
        try:
            door.trusted_realpath(script, True, what="approved script")
        except door.Refusal as error:
            warnings.append(f"not allowing 'bash {script}' directly in sudoers ({error}); it runs through the door")
            continue
        wanted.append(["bash", script])
    out: list[str] = []
    for argv in wanted:
        if not all(_SUDOERS_WORD.match(word) for word in argv[1:]):
            warnings.append(f"not allowing {' '.join(argv)!r} directly: it would need sudoers escaping")
            continue
        program = shutil.which(argv[0], path=door.FIXED_PATH) or f"/usr/bin/{argv[0]}"
        out.append(" ".join([program, *argv[1:]]))
    return out


def validate_sudoers(text: str) -> None:
    """``visudo -cf`` on the snippet alone, before anything is installed."""
    visudo = shutil.which("visudo", path=door.FIXED_PATH)
    if visudo is None:
        raise InstallError("visudo not found: install the sudo package first")
    with tempfile.NamedTemporaryFile("w", prefix="tenmon-guard-sudoers-", delete=False) as handle:
        handle.write(text)
        name = handle.name
    try:
        result = subprocess.run([visudo, "-cf", name], capture_output=True, text=True, check=False)
    finally:
        os.unlink(name)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().replace(name, "snippet")
        raise InstallError(f"the sudoers snippet does not validate (visudo -cf): {detail}")


# ----------------------------------------------------------------------------------------------------------------
# Broader rules that void the scheme


def broader_rules(group: str, *, exclude: Path, sudoers: Path = Path("/etc/sudoers")) -> list[str]:
    """Lines in sudoers that grant members of ``group`` more than the door: any rule whose command list is ``ALL``
    for ``ALL``, for ``%group``, for a group a member belongs to, or for a member by name."""
    members = group_members(group)
    groups_of_members = {g for user in members for g in _groups_of(user)}
    out: list[str] = []
    for path in _sudoers_files(sudoers):
        if path == exclude:
            continue
        for number, line in _logical_lines(path):
            who = _grants_all(line)
            if who is None:
                continue
            hit = None
            if who == "ALL":
                hit = "everyone"
            elif who.startswith("%") and (who[1:] == group or who[1:] in groups_of_members):
                users = sorted(u for u in members if who[1:] == group or who[1:] in _groups_of(u))
                hit = f"members of {group} ({', '.join(users) or 'none yet'})"
            elif who in members:
                hit = f"{who}, a member of {group}"
            if hit:
                out.append(
                    f"{path}:{number}: '{line.strip()}' gives {hit} root without the guard "
                    f"(sudo -s works through it); remove it or take them out of that group"
                )
    return out


def group_members(group: str) -> set[str]:
    import grp
    import pwd

    try:
        info = grp.getgrnam(group)
    except KeyError:
        return set()
    members = set(info.gr_mem)
    members.update(p.pw_name for p in pwd.getpwall() if p.pw_gid == info.gr_gid)
    return members


def _groups_of(user: str) -> set[str]:
    import grp
    import pwd

    names = {g.gr_name for g in grp.getgrall() if user in g.gr_mem}
    with contextlib.suppress(KeyError):
        names.add(grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name)
    return names


def _sudoers_files(main: Path) -> list[Path]:
    files = [main]
    try:
        lines = main.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    for line in lines:
        match = re.match(r"^\s*[@#]includedir\s+(\S+)", line)
        if match:
            directory = Path(match.group(1))
            try:
                names = sorted(os.listdir(directory))
            except OSError:
                continue
            files.extend(directory / n for n in names if "." not in n and not n.endswith("~"))
    return files


def _logical_lines(path: Path) -> Iterable[tuple[int, str]]:
    try:
        raw = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return
    pending = ""
    start = 0
    for number, line in enumerate(raw, 1):
        if not pending:
            start = number
        stripped = line.split("#", 1)[0] if not line.lstrip().startswith("#include") else ""
        if stripped.rstrip().endswith("\\"):
            pending += stripped.rstrip()[:-1] + " "
            continue
        yield start, pending + stripped
        pending = ""


def _grants_all(line: str) -> str | None:
    """The principal of a user spec whose command list includes a bare ``ALL`` (``%sudo ALL=(ALL:ALL) ALL``)."""
    text = line.strip()
    if not text or text.split()[0] in ("Defaults", "Cmnd_Alias", "User_Alias", "Host_Alias", "Runas_Alias"):
        return None
    if text.startswith("Defaults") or "=" not in text:
        return None
    principal = text.split()[0]
    commands = text.split("=", 1)[1]
    commands = re.sub(r"\([^)]*\)", " ", commands)
    commands = re.sub(r"\b[A-Z_]+:", " ", commands)
    words = [w.strip() for w in commands.split(",")]
    return principal if any(w == "ALL" for w in words) else None


# ----------------------------------------------------------------------------------------------------------------
# Applying


def describe(plan: Plan) -> str:
    """The dry run: every directory and file, with the text of each small generated file."""
    lines = [f"tenmon-guard install --{plan.door} (dry run: nothing written)"]
    for directory in plan.dirs:
        lines.append(f"would create directory {directory} (root, 0755)")
    for item in plan.files:
        lines.append(f"would write {item.path} (root, {item.mode:04o}, {len(item.content)} bytes)")
    lines.append(f"would write {plan.layout.manifest} (root, 0644)")
    lines.append("would byte-compile the tenmon_guard package (the launcher itself never writes .pyc files)")
    for item in plan.files:
        if item.path in (plan.layout.sudoers_file, plan.layout.launcher, plan.layout.agent_launcher):
            lines.append(f"\n--- {item.path}")
            lines.append(item.content.decode().rstrip("\n"))
    return "\n".join(lines)


def apply(plan: Plan) -> None:
    """Write the plan. Files other than ours are never overwritten; on failure what was written is removed."""
    layout = plan.layout
    if layout.manifest.exists():
        raise InstallError(
            f"already installed ({layout.manifest}); remove it first: "
            f"tenmon-guard uninstall{_uninstall_options(layout)}"
        )
    for item in plan.files:
        if item.path.exists() or item.path.is_symlink():
            raise InstallError(f"{item.path} exists and was not installed by tenmon-guard; not overwriting it")
    created_dirs: list[Path] = []
    written: list[Planned] = []
    try:
        for directory in plan.dirs:
            directory.mkdir(mode=0o755)
            os.chown(directory, 0, 0)
            os.chmod(directory, 0o755)
            created_dirs.append(directory)
        _check_installed_dirs(plan)
        ordered = [f for f in plan.files if f.path != layout.sudoers_file]
        ordered += [f for f in plan.files if f.path == layout.sudoers_file]  # the grant goes in last
        for item in ordered:
            if item.path == layout.sudoers_file:
                _write_manifest(plan, created_dirs, [*written, item])  # so a failure below can be uninstalled
            write_file(item)
            written.append(item)
        if plan.door == "sudo":
            _check_whole_sudoers()
        compile_package()
        _write_manifest(plan, created_dirs, written)
    except BaseException:
        for item in reversed(written):
            _remove_quietly(item.path)
        _remove_quietly(layout.manifest)
        for directory in reversed(created_dirs):
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise


def compile_package() -> None:
    """Byte-compile the guard now, as root, once: the launcher runs with -B (it never writes), so a module without
    a current .pyc would be compiled again on every sudo (tens of ms). Not in the manifest: .pyc files belong to
    the package, like pip's."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("tenmon_guard")
    for location in (spec.submodule_search_locations or []) if spec else []:
        if not compileall.compile_dir(location, quiet=1):
            print(f"tenmon-guard: warning: could not byte-compile everything in {location}", file=sys.stderr)


def _check_installed_dirs(plan: Plan) -> None:
    """The door refuses what is not root's alone; better to say so now than at the first sudo or tool call."""
    for directory in dict.fromkeys(item.path.parent for item in plan.files):
        try:
            door.trusted_realpath(str(directory), True, what="directory")
        except door.Refusal as error:
            raise InstallError(str(error)) from None


def write_file(item: Planned) -> None:
    """Atomically: a root-owned temporary file in the same directory (its name has a dot, so sudo ignores it while
    it is incomplete), synced, then renamed into place."""
    directory = item.path.parent
    fd, temporary = tempfile.mkstemp(prefix=f".{item.path.name}.", suffix=".tmp", dir=directory)
    try:
        os.fchown(fd, 0, 0)
        os.fchmod(fd, item.mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(item.content)
            handle.flush()
            os.fsync(handle.fileno())
        os.rename(temporary, item.path)
    except BaseException:
        _remove_quietly(Path(temporary))
        raise


def _check_whole_sudoers() -> None:
    visudo = shutil.which("visudo", path=door.FIXED_PATH)
    if visudo is None:
        raise InstallError("visudo not found")
    result = subprocess.run([visudo, "-c"], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise InstallError(f"sudo's configuration does not validate with the snippet (visudo -c): {detail}")


def _write_manifest(plan: Plan, created_dirs: list[Path], written: list[Planned]) -> None:
    manifest = {
        "tenmon-guard-install": MANIFEST_VERSION,
        "installed": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "name": plan.layout.name,
        "sudoers": str(plan.layout.sudoers_file) if plan.door == "sudo" else None,
        "files": [
            {"path": str(item.path), "sha256": hashlib.sha256(item.content).hexdigest(), "mode": f"{item.mode:04o}"}
            for item in written
        ],
        "dirs": [str(d) for d in created_dirs],
    }
    content = (json.dumps(manifest, indent=2) + "\n").encode()
    write_file(Planned(plan.layout.manifest, content, 0o644))


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
