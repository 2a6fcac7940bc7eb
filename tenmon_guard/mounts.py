"""Other names a directory has on this machine through mounts: a bind mount shows a directory at a second place.

``mount --bind /opt/tenmon-ark-live /mnt/x`` (run earlier, by root) makes ``/mnt/x/dist`` the live dist under a
name no symlink explains: the kernel reaches the same files through another mount of the same file system. The
doors that judge a command about to run here (hook, sudo, agent) take a protected directory's names from the
mount table of their process, whose namespace is the command's: every mount of the file system it lies on that
shows it, or shows a part of it, is one more name of it; so is every mount of a file system mounted inside it
(a tmpfs at ``LIVE/dist`` bound elsewhere too), and an overlay whose upper directory lies in or above it (what is
written through the overlay lands there).
"""

from __future__ import annotations

import posixpath
import re

from tenmon_guard.frozen import record

MOUNT_TABLE = "/proc/self/mountinfo"


@record
class Mount:
    """One line of the mount table: the directory ``root`` of the file system ``device`` shown at ``point``.
    ``ident`` and ``parent`` place it in the tree of mounts (the kernel's lookup walks it, not the text). ``upper``:
    an overlay's upper directory as the table shows it ("" for other file systems). ``group``: its peer group,
    ``master``: the group it receives mounts and unmounts from (0: none; see :func:`unmounted_elsewhere`).
    ``fstype`` and ``source``: the fields after `` - `` (``tmpfs``, the name it was mounted from: ``umount SOURCE``
    and ``umount -a -t TYPE`` pick mounts by them, see :func:`unmounted_points`)."""

    ident: int
    parent: int
    device: str
    root: str
    point: str
    upper: str = ""
    group: int = 0
    master: int = 0
    fstype: str = ""
    source: str = ""


def read_mounts(table: str = MOUNT_TABLE) -> tuple[Mount, ...] | None:
    """The mounts in the order the table lists them; None when the table cannot be read (no /proc)."""
    try:
        with open(table, encoding="utf-8", errors="surrogateescape") as handle:
            return parse_mounts(handle.read())
    except OSError:
        return None


def parse_mounts(text: str) -> tuple[Mount, ...]:
    """The lines of a mount table: ``ID PARENT MAJOR:MINOR ROOT POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER``.
    Lines end at ``\\n`` only: the kernel escapes a newline in a path, but no other line break (``\\f``, ``\\v``,
    U+2028 ... are a path's own characters, which ``str.splitlines`` would cut at)."""
    mounts = []
    for line in text.split("\n"):
        fields = line.split(" ")
        if len(fields) < 5 or not fields[0].isdigit() or not fields[1].isdigit():
            continue
        group, master, upper, fstype, source = 0, 0, "", "", ""
        tail = fields[6:]
        if "-" in tail:
            sep = tail.index("-")
            group, master = _propagation(tail[:sep])
            fstype, source = _unescape(_field(tail, sep + 1)), _unescape(_field(tail, sep + 2))
            if fstype == "overlay" and len(tail) > sep + 3:
                upper = _option_value(_unescape(tail[sep + 3]), "upperdir")
        root, point = _unescape(fields[3]), _unescape(fields[4])
        mounts.append(
            Mount(int(fields[0]), int(fields[1]), fields[2], root, point, upper, group, master, fstype, source)
        )
    return tuple(mounts)


def _field(fields: list[str], index: int) -> str:
    """The field at ``index``, "" past the end (a table cut short)."""
    return fields[index] if index < len(fields) else ""


_ESCAPE = re.compile(r"\\([0-7]{3})")


def _unescape(field: str) -> str:
    """The kernel writes a space, tab, newline and backslash in a path as ``\\040``, ``\\011``, ``\\012``, ``\\134``
    (and a comma in an option value as ``\\054``)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), field) if "\\" in field else field


def _propagation(optional: list[str]) -> tuple[int, int]:
    """The peer group (``shared:N``) and master group (``master:N``) among a line's optional fields."""
    group = master = 0
    for tag in optional:
        name, _, number = tag.partition(":")
        if number.isdigit():
            if name == "shared":
                group = int(number)
            elif name == "master":
                master = int(number)
    return group, master


def _option_value(options: str, key: str) -> str:
    """The value of ``key=`` among comma-separated super options, as the file system took it: overlayfs reads a
    backslash as escaping the next character (``upperdir=/a\\,b`` is the directory ``/a,b``) and shows its options
    as they were given. "" when the key is not there."""
    prefix = key + "="
    if prefix not in options:
        return ""
    if "\\" not in options:  # (the usual case, read without a walk over each character)
        return next((p[len(prefix) :] for p in options.split(",") if p.startswith(prefix)), "")
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in options:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ",":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return next((p[len(prefix) :] for p in parts if p.startswith(prefix)), "")


# At most this many places are followed from one protected path (names of names): a table made to loop stops here.
_MOST_PLACES = 256


def other_names(path: str, mounts: tuple[Mount, ...]) -> tuple[str, ...]:
    """The other places ``path`` (absolute, normalised, links followed) is shown at, or where a part of it is.

    A mount showing a directory that holds ``path`` gives its name there (``/opt`` bound to ``/mnt/o``:
    ``/mnt/o/tenmon-ark-live``); a mount showing a directory inside ``path`` gives its mount point (``dist`` bound
    to ``/mnt/d``: what is written below ``/mnt/d`` is written below ``path``). A file system mounted inside
    ``path`` is a part of it: its other mounts are names of that part; so are the names of a name (an overlay's
    upper directory bound again). A name hidden by a later mount on top of it is given all the same: taking it for
    one can only refuse more. Names inside ``path`` or inside another name add nothing and are left out."""
    if not mounts:
        return ()
    tree = _tree_of(mounts)
    starts = [path, *_submount_points(path, tree)]
    seen = set(starts)
    queue = list(starts)
    found: list[str] = []
    while queue:
        for name in _shown_at(queue.pop(0), tree):
            if name not in seen and len(seen) < _MOST_PLACES:
                seen.add(name)
                queue.append(name)
                found.append(name)
    outer = [n for n in found if not _within(n, path)]
    return tuple(n for n in outer if not any(o != n and _within(n, o) for o in outer))


class _Tree:
    """The mounts of a table, indexed for finding the mount a path is on (:meth:`mount_of`), built once per
    question: a host with containers lists hundreds of mounts."""

    __slots__ = ("at", "listed", "mounts", "uppers")

    def __init__(self, mounts: tuple[Mount, ...]) -> None:
        self.mounts = mounts
        self.listed = {m.ident for m in mounts}
        self.at: dict[str, list[Mount]] = {}
        for mount in mounts:
            self.at.setdefault(mount.point, []).append(mount)
        self.uppers: dict[int, tuple[str, str] | None] = {}

    def mount_of(self, path: str) -> Mount | None:
        """The mount ``path`` is on, found as the kernel finds it: from the root mount (one whose parent is not in
        the table) down through the child mounted at each directory on the way; a mount on top of another at the
        same point is its child, so it is taken after it. Not by path length or table order: a mount made later
        over a parent hides deeper ones, and a mount moved on top of an older one is listed before it."""
        current: Mount | None = None
        for point in _prefixes(path):
            here = self.at.get(point)
            while here:
                parent = current.ident if current is not None else None
                step = None
                for mount in here:  # (the last listed, should a table give two at one place)
                    child = mount.parent not in self.listed if parent is None else mount.parent == parent
                    if child and mount is not current:
                        step = mount
                if step is None:
                    break
                current = step
                here = [m for m in here if m is not step]
        return current

    def upper(self, mount: Mount) -> tuple[str, str] | None:
        """An overlay's absolute upper directory as (device, path on it): every write through the overlay lands
        there. None for other mounts, and for a relative one (see :func:`overlay_doubts`). A lower directory is
        only read (copy-up writes the upper one)."""
        if not mount.upper.startswith("/"):
            return None
        if mount.ident not in self.uppers:
            upper = posixpath.normpath(mount.upper)
            home = self.mount_of(upper)
            found = (
                None if home is None or home is mount else (home.device, _join(home.root, _below(upper, home.point)))
            )
            self.uppers[mount.ident] = found
        return self.uppers[mount.ident]


_last_tree: _Tree | None = None


def _tree_of(mounts: tuple[Mount, ...]) -> _Tree:
    """The index of ``mounts``, made once for a table: a check asks about every protected path (and an unmount
    where it propagates) with the one table it read (the same tuple: kept while it is the one asked about)."""
    global _last_tree
    tree = _last_tree  # (read once: another thread's check may put its own table there meanwhile)
    if tree is None or tree.mounts is not mounts:
        tree = _last_tree = _Tree(mounts)
    return tree


def _prefixes(path: str) -> list[str]:
    """``/a/b`` -> ``/``, ``/a``, ``/a/b``."""
    parts = [p for p in path.split("/") if p]
    return ["/"] + ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


def _shown_at(place: str, tree: _Tree) -> list[str]:
    """The places that show the directory at ``place``, or a part of it, or a directory holding it (with the same
    path below): the mounts of the file system it is on, and the overlays whose upper directory is there."""
    home = tree.mount_of(place)
    if home is None:
        return []
    inside = _join(home.root, _below(place, home.point))
    names: list[str] = []
    for mount in tree.mounts:
        if mount.device == home.device:
            shows: str | None = mount.root
        else:
            upper = tree.upper(mount) if mount.upper else None
            shows = upper[1] if upper is not None and upper[0] == home.device else None
        if shows is None:
            continue
        if _within(inside, shows):
            name = _join(mount.point, _below(inside, shows))
        elif _within(shows, inside):
            name = mount.point
        else:
            continue
        if name != place and name not in names:
            names.append(name)
    return names


def _submount_points(path: str, tree: _Tree) -> list[str]:
    """The mount points inside ``path`` (not ``path`` itself) whose mount is the one seen there: file systems that
    are a part of ``path``."""
    points: list[str] = []
    for point in tree.at:
        if point != path and _within(point, path):
            top = tree.mount_of(point)
            if top is not None and top.point == point:
                points.append(point)
    return points


def overlay_doubts(mounts: tuple[Mount, ...]) -> tuple[str, ...]:
    """The mount points of overlays whose upper directory the table gives relative to the cwd of whoever mounted
    them (``upperdir=diff``): where writes through them land is not known."""
    return tuple(m.point for m in mounts if m.upper and not m.upper.startswith("/"))


def unmounted_elsewhere(point: str, mounts: tuple[Mount, ...]) -> tuple[str, ...]:
    """The other places ``umount POINT`` may unmount: an unmount propagates from a shared mount (``shared:N``) to the
    mount at the same place in each of its peers (same N) and slaves (``master:N``, and theirs in turn). An unmount
    of a second name whose parent has no peers removes that name only; after ``mount --rbind / /mnt/r`` with ``/``
    shared, ``umount -R /mnt/r`` unmounts the mounts under ``/`` too. The mounts at ``point`` and below all count
    (``umount -R``, ``umount -l``)."""
    by_id = {m.ident: m for m in mounts}
    places: list[str] = []
    for gone in mounts:
        parent = by_id.get(gone.parent)
        if parent is None or not parent.group or not _within(gone.point, point) or parent is gone:
            continue
        places.extend(p for p in _propagated(parent, gone.point, mounts) if p not in places)
    return tuple(places)


def mounted_elsewhere(point: str, mounts: tuple[Mount, ...]) -> tuple[str, ...]:
    """The other places a mount made at ``point`` shows up at: a mount propagates from the mount it lands on (the one
    ``point`` lies on, or the top one at ``point``: the new one goes on top) when that one is shared, to the same
    place in its peers and slaves. Over a private second name of the live dist, nowhere else: it hides that name
    only; over a shared one, over the live dist too."""
    parent = _tree_of(mounts).mount_of(point)
    if parent is None or not parent.group:
        return ()
    return tuple(_propagated(parent, point, mounts))


def _propagated(parent: Mount, point: str, mounts: tuple[Mount, ...]) -> list[str]:
    """The places a mount (or an unmount) at ``point``, a child of ``parent``, is repeated at: the same directory of
    the parent's file system in each mount of its peer group and of the groups that receive from it."""
    dentry = _join(parent.root, _below(point, parent.point))
    groups = _receivers(parent.group, mounts)
    places: list[str] = []
    for other in mounts:
        if other is parent or not (other.group in groups or other.master in groups):
            continue
        if _within(dentry, other.root):
            place = _join(other.point, _below(dentry, other.root))
            if place != point and place not in places:
                places.append(place)
    return places


@record
class MountChange:
    """A write that changes the mounts at a path rather than the files there. ``made``: a mount is made at the path
    (``mount X TARGET``): it shows there and where it propagates to (:func:`mounted_elsewhere`). Otherwise mounts
    are taken away (``umount``, ``mount --move SRC``), picked beyond the one at the path as follows.
    ``by_source``: an operand that is no mount point names the mounts of that source (``umount /dev/sdb1``, ``umount
    NAME`` for a tmpfs mounted as NAME), as umount looks it up when no mount is there. ``all_targets``: every mount
    of the same file system goes too (``umount -A``). ``table``: the operand says nothing; every mount of the table
    whose type ``types`` matches goes (``umount -a [-t TYPES]``)."""

    by_source: bool = False
    all_targets: bool = False
    table: bool = False
    types: str = ""
    made: bool = False


# The types umount -a leaves when no -t is given (util-linux umount.c), and the root mount it never takes.
_TABLE_DEFAULT_TYPES = "noproc,nodevfs,nodevpts,nosysfs,norpc_pipefs,nonfsd,noselinuxfs"


def unmounted_points(
    point: str, names: tuple[str, ...], pick: MountChange, mounts: tuple[Mount, ...]
) -> tuple[str, ...]:
    """The mount points ``pick`` takes away given ``point`` (the operand, every link followed) and ``names`` (the
    operand as written and as a path: what a mount's source field may say). The mounts at ``point`` when there are
    any; else, by source, the mounts of that source (umount takes the last one made; judging each refuses no less);
    with ``all_targets``, every mount of their file system (the device field). ``point`` itself when no mount is
    picked (nothing is unmounted then; the path stays what is judged, as before). Where each unmount propagates to
    is :func:`unmounted_elsewhere`'s business."""
    if pick.table:
        pattern = pick.types or _TABLE_DEFAULT_TYPES
        return tuple(m.point for m in mounts if m.point != "/" and match_fstype(m.fstype, pattern))
    found = [m for m in mounts if m.point == point]
    if not found and pick.by_source:
        found = [m for m in mounts if m.source and m.source in names]
    if not found:
        return (point,)
    if pick.all_targets:
        devices = {m.device for m in found}
        found = [m for m in mounts if m.device in devices]
    return tuple(dict.fromkeys(m.point for m in found))


def match_fstype(fstype: str, pattern: str) -> bool:
    """Does a ``-t`` list take a file system of type ``fstype``, as libmount's ``mnt_match_fstype`` reads it: names
    separated by commas, compared without case; ``no`` before the list takes every type but those listed, ``no``
    before one name leaves that one out (``-t nonfs,tmpfs``: neither nfs nor tmpfs; ``-t tmpfs,noext4``: tmpfs)."""
    negated = pattern[:2].lower() == "no"
    items = (pattern[2:] if negated else pattern).lower().split(",")
    kind = fstype.lower()
    for item in items:
        if item[:2] == "no" and item[2:] == kind:
            return False
        if item == kind:
            return not negated
    return negated


def _receivers(group: int, mounts: tuple[Mount, ...]) -> set[int]:
    """``group`` and the peer groups of its slaves, theirs in turn: where what happens in ``group`` is repeated."""
    groups = {group}
    grown = True
    while grown:
        grown = False
        for mount in mounts:
            if mount.master in groups and mount.group and mount.group not in groups:
                groups.add(mount.group)
                grown = True
    return groups


def _within(path: str, base: str) -> bool:
    return base == "/" or path == base or path.startswith(base + "/")


def _below(path: str, base: str) -> str:
    """``path`` relative to ``base`` (which holds it): "" for ``base`` itself."""
    return "" if path == base else path[len(base) :].lstrip("/") if base != "/" else path.lstrip("/")


def _join(base: str, rest: str) -> str:
    return posixpath.join(base, rest) if rest else base
