"""Other names a directory has on this machine through mounts: a bind mount shows a directory at a second place.

``mount --bind /opt/tenmon-ark-live /mnt/x`` (run earlier, by root) makes ``/mnt/x/dist`` the live dist under a
name no symlink explains: the kernel reaches the same files through another mount of the same file system. The
doors that judge a command about to run here (hook, sudo, agent) take a protected directory's names from the
mount table of their process, whose namespace is the command's: every mount of the file system it lies on that
shows it, or shows a part of it, is one more name of it.
"""

from __future__ import annotations

import posixpath
import re

from tenmon_guard.frozen import record

MOUNT_TABLE = "/proc/self/mountinfo"


@record
class Mount:
    """One line of the mount table: the directory ``root`` of the file system ``device`` shown at ``point``."""

    device: str
    root: str
    point: str


def read_mounts(table: str = MOUNT_TABLE) -> tuple[Mount, ...] | None:
    """The mounts in the order they were made; None when the table cannot be read (no /proc)."""
    try:
        with open(table, encoding="utf-8", errors="surrogateescape") as handle:
            return parse_mounts(handle.read())
    except OSError:
        return None


def parse_mounts(text: str) -> tuple[Mount, ...]:
    """The lines of a mount table: ``ID PARENT MAJOR:MINOR ROOT POINT OPTIONS ... - TYPE SOURCE OPTIONS``."""
    mounts = []
    for line in text.splitlines():
        fields = line.split(" ")
        if len(fields) >= 5:
            mounts.append(Mount(fields[2], _unescape(fields[3]), _unescape(fields[4])))
    return tuple(mounts)


_ESCAPE = re.compile(r"\\([0-7]{3})")


def _unescape(field: str) -> str:
    """The kernel writes a space, tab, newline and backslash in a path as ``\\040``, ``\\011``, ``\\012``, ``\\134``."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), field) if "\\" in field else field


def other_names(path: str, mounts: tuple[Mount, ...]) -> tuple[str, ...]:
    """The other places ``path`` (absolute, normalised, links followed) is shown at, or where a part of it is.

    A mount showing a directory that holds ``path`` gives its name there (``/opt`` bound to ``/mnt/o``:
    ``/mnt/o/tenmon-ark-live``); a mount showing a directory inside ``path`` gives its mount point (``dist`` bound
    to ``/mnt/d``: what is written below ``/mnt/d`` is written below ``path``). A name hidden by a later mount on
    top of it is given all the same: taking it for one can only refuse more."""
    home = _mount_of(path, mounts)
    if home is None:
        return ()
    inside = _join(home.root, _below(path, home.point))
    names: list[str] = []
    for mount in mounts:
        if mount.device != home.device:
            continue
        if _within(inside, mount.root):
            name = _join(mount.point, _below(inside, mount.root))
        elif _within(mount.root, inside):
            name = mount.point
        else:
            continue
        if name != path and name not in names:
            names.append(name)
    return tuple(names)


def _mount_of(path: str, mounts: tuple[Mount, ...]) -> Mount | None:
    """The mount ``path`` is on: the deepest mount point above it, the last made where several share it."""
    found: Mount | None = None
    for mount in mounts:
        if _within(path, mount.point) and (found is None or len(mount.point) >= len(found.point)):
            found = mount
    return found


def _within(path: str, base: str) -> bool:
    return base == "/" or path == base or path.startswith(base + "/")


def _below(path: str, base: str) -> str:
    """``path`` relative to ``base`` (which holds it): "" for ``base`` itself."""
    return "" if path == base else path[len(base) :].lstrip("/") if base != "/" else path.lstrip("/")


def _join(base: str, rest: str) -> str:
    return posixpath.join(base, rest) if rest else base
