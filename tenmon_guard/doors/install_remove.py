"""``tenmon-guard uninstall``: remove exactly what ``tenmon-guard install`` wrote, as its manifest lists.

The sudoers snippet goes first (the grant is revoked before the launcher disappears), then the other files, the
manifest, and the directories the install created, if they are empty. A file changed since it was installed (an
administrator edited the installed policy) is kept, and said so, unless ``--force``: its edits are not ours to
delete. The snippet is always removed: leaving a grant behind is worse than losing an edit to it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

from tenmon_guard.cli_common import EXIT_OK, UsageError
from tenmon_guard.doors import install
from tenmon_guard.doors import sudo as door
from tenmon_guard.errors import TenmonGuardError
from tenmon_guard.frozen import record


class UninstallError(TenmonGuardError):
    """The manifest is missing, unreadable or not root's."""


@record
class Entry:
    path: Path
    sha256: str


@record
class Manifest:
    path: Path
    files: tuple[Entry, ...]
    dirs: tuple[Path, ...]
    sudoers: Path | None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--prefix", type=Path, help="as given to install (its config dir is PREFIX/etc/tenmon-guard)")
    parser.add_argument("--config-dir", type=Path, help="as given to install (default /etc/tenmon-guard)")
    parser.add_argument("--name", default=install.DEFAULT_NAME, help="as given to install (default tenmon-guard)")
    parser.add_argument("--force", action="store_true", help="also remove installed files changed since")
    parser.add_argument("--dry-run", action="store_true", help="print what would be removed; change nothing")


def run(args: argparse.Namespace) -> int:
    layout = install.make_layout(args.prefix, args.config_dir, install.DEFAULT_SUDOERS_DIR, args.name)
    if os.geteuid() != 0 and not args.dry_run:
        raise UsageError("uninstall: run as root (or add --dry-run)")
    manifest = read_manifest(layout.manifest, enforce=os.geteuid() == 0)
    for line in remove(manifest, force=args.force, dry_run=args.dry_run):
        print(line)
    return EXIT_OK


def read_manifest(path: Path, *, enforce: bool) -> Manifest:
    """The manifest, only if root alone could have written it: uninstall deletes what it lists, as root."""
    try:
        door.trusted_realpath(str(path), enforce, what="manifest")
        data = json.loads(path.read_text(encoding="utf-8"))
    except door.Refusal as error:
        if not path.exists():
            raise UninstallError(f"nothing to uninstall: no manifest at {path}") from None
        raise UninstallError(str(error)) from None
    except (OSError, ValueError) as error:
        raise UninstallError(f"{path}: cannot read the install manifest: {error}") from None
    if not isinstance(data, dict) or data.get("tenmon-guard-install") != install.MANIFEST_VERSION:
        raise UninstallError(f"{path}: not a tenmon-guard install manifest (version {install.MANIFEST_VERSION})")
    try:
        files = tuple(Entry(Path(f["path"]), str(f["sha256"])) for f in data["files"])
        dirs = tuple(Path(d) for d in data["dirs"])
        sudoers = Path(data["sudoers"]) if data.get("sudoers") else None
    except (KeyError, TypeError) as error:
        raise UninstallError(f"{path}: malformed install manifest ({error})") from None
    if any(not p.is_absolute() for p in [*(f.path for f in files), *dirs]):
        raise UninstallError(f"{path}: malformed install manifest (relative path)")
    return Manifest(path, files, dirs, sudoers)


def remove(manifest: Manifest, *, force: bool, dry_run: bool) -> list[str]:
    """Remove the manifest's files (the sudoers snippet first), the manifest, then its empty directories."""
    verb = "would remove" if dry_run else "removed"
    lines: list[str] = []
    ordered = sorted(manifest.files, key=lambda e: 0 if e.path == manifest.sudoers else 1)
    for entry in ordered:
        is_snippet = entry.path == manifest.sudoers
        state = _state(entry)
        if state == "missing":
            lines.append(f"already gone: {entry.path}")
            continue
        if state == "changed" and not (force or is_snippet):
            lines.append(f"kept (changed since it was installed; --force removes it): {entry.path}")
            continue
        if not dry_run:
            entry.path.unlink()
        lines.append(f"{verb} {entry.path}")
    if not dry_run:
        manifest.path.unlink()
    lines.append(f"{verb} {manifest.path}")
    for directory in sorted(manifest.dirs, key=lambda p: len(p.parts), reverse=True):
        if dry_run:
            lines.append(f"would remove directory {directory} if empty")
            continue
        try:
            directory.rmdir()
            lines.append(f"removed directory {directory}")
        except FileNotFoundError:
            continue
        except OSError:
            lines.append(f"kept directory {directory} (not empty)")
    return lines


def _state(entry: Entry) -> str:
    try:
        digest = hashlib.sha256(entry.path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "missing"
    except OSError as error:
        print(f"tenmon-guard: {entry.path}: {error.strerror or error}", file=sys.stderr)
        return "changed"
    return "same" if digest == entry.sha256 else "changed"
