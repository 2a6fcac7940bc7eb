"""Path arithmetic without touching the file system: normalising, resolving against a cwd, and deciding whether a
path, a glob or a partly known word can reach a protected path."""

from __future__ import annotations

import enum
import functools
import os
import posixpath
import re
import stat
from collections.abc import Collection, Mapping
from typing import Any

from tenmon_guard.model import (
    EXTENDED_OPERATORS,
    Literal,
    Part,
    Unknown,
    Word,
    extended_pattern_at,
    glob_start,
    literal_word,
)
from tenmon_guard.mounts import (
    MOUNT_TABLE,
    Mount,
    MountChange,
    mounted_elsewhere,
    other_names,
    overlay_doubts,
    read_mounts,
    unmounted_elsewhere,
    unmounted_points,
)


class Reach(enum.IntEnum):
    """Whether a written word reaches a protected path: NO, MAYBE (not known statically) or YES."""

    NO = 0
    MAYBE = 1
    YES = 2


def normalise(path: str) -> str:
    """``//opt/./x/../y/`` -> ``/opt/y``. Leading ``//`` is ``/`` on Linux. Remembered: the matcher asks for the
    same few paths again and again (each protected path, for every path operand of every command: about 200,000
    times over a fleet's scripts), and normpath costs ten times a lookup."""
    norm = _NORMALISED.get(path)
    if norm is None:
        norm = posixpath.normpath(path)
        if norm.startswith("//"):
            norm = "/" + norm.lstrip("/")
        if len(_NORMALISED) >= _NORMALISED_MAX:
            _NORMALISED.clear()
        _NORMALISED[path] = norm
    return norm


# The names under which a process opens one of its own descriptors (/dev/stdin and its names are knowledge's
# stdin_files: what reads stdin is judged through them).
_DESCRIPTOR_PATH = re.compile(r"/(?:dev/fd|proc/(?:self|thread-self)/fd)/([0-9]+)")
_DESCRIPTOR_NAMES = {"/dev/stdout": 1, "/dev/stderr": 2}


def descriptor_named(path: str) -> int | None:
    """The descriptor a path opens in the process that opens it (``/dev/fd/3``: its fd 3), or None."""
    if not path.startswith(("/dev/", "/proc/")):
        return None
    found = _DESCRIPTOR_PATH.fullmatch(path)
    return int(found.group(1)) if found else _DESCRIPTOR_NAMES.get(path)


_NORMALISED: dict[str, str] = {}
_NORMALISED_MAX = 4096


def resolve(path: str, cwd: str | None) -> str | None:
    """Absolute, normalised path; None when relative and the cwd is unknown, when it goes through another
    process's ``/proc/PID/cwd``, or when it goes on beneath a descriptor (see :data:`_UNDER_DESCRIPTOR`)."""
    if not path.startswith("/"):
        if cwd is None:
            return None
        path = posixpath.join(cwd, path)
    if path.startswith("/dev/") and _UNDER_DESCRIPTOR.match(path):
        return None
    if "/proc" not in path:
        return normalise(path)
    return _through_proc(path, cwd)


# A descriptor open on a directory is a way into it: ``rm -rf /dev/fd/3/dist 3</opt/tenmon-ark-live`` removes
# /opt/tenmon-ark-live/dist (/dev/fd/N, /dev/stdin ... and /proc/PID/fd/N are magic links to what is open). Where
# the descriptor leads is the redirections' and the running shell's: a path beneath one is not known.
_UNDER_DESCRIPTOR = re.compile(r"/dev/+(?:fd/+[0-9]+|stdin|stdout|stderr)/")


# /proc/PID/root is the root directory of that process and /proc/PID/cwd its working directory (magic links the
# kernel follows whatever they point to): /proc/self/root/opt/x is /opt/x, /proc/self/cwd/x is ./x of the command.
_PROC_PIDS = re.compile(r"self|thread-self|[0-9]+")
_PROC_LINKS = ("root", "cwd")


def _through_proc(path: str, cwd: str | None) -> str | None:
    """Walk ``path`` (absolute) component by component as the kernel does, replacing ``/proc/PID/root`` with ``/``
    (any process's root: a chrooted one's is elsewhere, but ``/`` is the reading that can name the live tree) and
    ``/proc/self/cwd`` with ``cwd``. None when the result is not known (another process's cwd, an unknown cwd)."""
    stack: list[str] = []
    if path.endswith("/") and _DESCRIPTOR_PATH.fullmatch(path.rstrip("/")):
        return None  # the directory a descriptor is open on (/proc/self/fd/3/)
    for component in path.split("/"):
        if component in ("", "."):
            continue
        if len(stack) == 4 and stack[0] == "proc" and stack[2] == "fd":
            return None  # beneath a descriptor (/proc/self/fd/3/dist): where it leads is not known
        if component == "..":
            if stack:
                stack.pop()
            continue
        stack.append(component)
        if len(stack) == 5 and stack[0] == "proc" and stack[2] == "task" and stack[3].isdigit():
            stack = ["proc", stack[1], stack[4]]  # a thread's links are its process's (/proc/PID/task/TID/root)
        if len(stack) != 3 or stack[0] != "proc" or stack[2] not in _PROC_LINKS:
            continue
        if not _PROC_PIDS.fullmatch(stack[1]):
            continue
        if stack[2] == "root":
            stack = []
        elif stack[1] in ("self", "thread-self") and cwd is not None and cwd.startswith("/"):
            stack = _components(normalise(cwd))
        else:
            return None
    return "/" + "/".join(stack)


MAX_LINK_HOPS = 40  # the kernel's limit (ELOOP)


def follow_links(path: str, links: Mapping[str, str | None], mounts: Collection[str] = ()) -> tuple[str | None, bool]:
    """Walk ``path`` (absolute, ``..`` not yet collapsed) component by component as the kernel does, through the
    ``links`` a command line made (link -> where it leads, as an absolute path; None: not known): ``/tmp/l/../x``
    after ``ln -s /opt/live /tmp/l`` is ``/opt/x``. Those of them in ``mounts`` are bind mounts: ``..`` at a
    mount's root goes back to the mount point's parent, as the kernel takes it (``/m/y/../z`` after ``mount --bind
    /opt/live /m/y`` is ``/m/z``), not to the parent of the directory shown there. Returns the normalised path
    (None when it goes through a link to a place not known, or loops) and whether a link was followed."""
    hops = [0]
    stack = _walk(path, links, mounts, hops)
    return (None if stack is None else "/" + "/".join(stack)), hops[0] > 0


def _walk(
    path: str,
    links: Mapping[str, str | None],
    mounts: Collection[str],
    hops: list[int],
    made_after: frozenset[str] = frozenset(),
) -> list[str] | None:
    """The components ``path`` leads to (see :func:`follow_links`); ``hops`` counts the links followed, in all.
    ``made_after``: mounts not there yet where the path is read (a mount's source is found before it is made:
    ``/srv/data`` of a bind on /srv is the directory under the mount)."""
    stack: list[str] = []
    frames: list[tuple[int, list[str]]] = []  # mounts crossed: the depth of the root shown, the mount point
    pending = path.split("/")[::-1]  # the next component last
    while pending:
        component = pending.pop()
        if component in ("", "."):
            continue
        if component == "..":
            if frames and len(stack) == frames[-1][0]:
                stack = frames.pop()[1][:-1]  # at a mount's root: the mount point's parent
            elif stack:
                stack.pop()
            continue
        stack.append(component)
        here = "/" + "/".join(stack)
        if here not in links or here in made_after:
            continue
        hops[0] += 1
        target = links[here]
        if target is None or hops[0] > MAX_LINK_HOPS:
            return None
        if here in mounts:
            root = _walk(target, links, mounts, hops, made_after | {here})
            if root is None:
                return None
            frames.append((len(root), stack))
            stack = root
            continue
        stack, frames = [], []  # a link's target is read from /: the mounts crossed before are left behind
        pending.extend(target.split("/")[::-1])
    return stack


def is_within(path: str, base: str) -> bool:
    return path == base or path.startswith(base.rstrip("/") + "/")


def _glob_text(word: Word) -> str:
    """The word as a glob pattern: quoted text escaped so it matches only itself (``'@'(a)`` opens no extended
    pattern, a quoted ``|`` parts no alternatives)."""
    out = []
    for part in word.parts:
        assert isinstance(part, Literal)
        out.append(_quoted_glob(part.text) if part.quoted else part.text)
    return "".join(out)


def _quoted_glob(text: str) -> str:
    """Quoted text as glob text that matches only itself."""
    return re.sub(r"([()|\\])", r"\\\1", re.sub(r"([*?\[])", r"[\1]", text))


def caseless_glob(word: Word) -> Word:
    """The word as bash matches it under ``shopt -s nocaseglob``: in each path component that holds a glob
    character (or a part not known, which may hold one), a letter matches either case (``/opt/TENMON-ARK-LIVE*``
    names /opt/tenmon-ark-live). A component without one is a name bash looks up as written, not a pattern it
    matches: its case counts (``/OPT/tenmon*`` names nothing under /opt)."""
    components: list[list[Part]] = [[]]
    for part in word.parts:
        if isinstance(part, Unknown):
            components[-1].append(part)
            continue
        for k, piece in enumerate(part.text.split("/")):
            if k:
                components.append([])
            if piece:
                components[-1].append(Literal(piece, part.quoted))
    out: list[Part] = []
    for k, component in enumerate(components):
        if k:
            out.append(Literal("/", True))
        if any(isinstance(p, Unknown) or (not p.quoted and glob_start(p.text) is not None) for p in component):
            out.extend(Literal(_caseless(p), False) if isinstance(p, Literal) else p for p in component)
        else:
            out.extend(component)
    return Word(word.text, word.span, tuple(out))


def _caseless(part: Literal) -> str:
    """A piece of a glob component as glob text in which each letter matches either case: ``a`` as ``[aA]``, a
    bracket expression with the other case of its letters added; quoted glob characters match only themselves."""
    text = _quoted_glob(part.text) if part.quoted else part.text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n:
            nxt = text[i + 1]
            out.append(f"[{nxt.lower()}{nxt.upper()}]" if nxt.isalpha() else text[i : i + 2])
            i += 2
        elif c == "[":
            bracket = bracket_expression(text, i + 1)
            if bracket is None:  # not read here (nor is it by bash_glob): left as it is
                out.append(text[i:])
                break
            if not bracket[0]:
                out.append(c)
                i += 1
                continue
            out.append(_caseless_bracket(text[i + 1 : bracket[1] - 1]))
            i = bracket[1]
        else:
            out.append(f"[{c.lower()}{c.upper()}]" if c.isalpha() and c.lower() != c.upper() else c)
            i += 1
    return "".join(out)


def _caseless_bracket(inside: str) -> str:
    """A bracket expression (``inside`` its brackets) that also matches the other case of its letters and letter
    ranges (``[a-e]`` as ``[A-Ea-e]``), put first, where they cannot join a range of their own. (Patterns compiled
    on use: nocaseglob is rare.)"""
    plain = re.sub(r"\[:[a-z]*:\]", "", re.sub(r"\[([.=])(.)\1\]", r"\2", inside)).lstrip("!^")
    extra = "".join(m.group(0).swapcase() for m in re.finditer(r"[A-Za-z]-[A-Za-z]|[A-Za-z]", plain))
    at = 1 if inside[:1] in ("!", "^") else 0
    at += inside[at : at + 1] == "]"  # (a first ] is one of the characters, not the end)
    at += inside[at : at + 1] == "-"
    return "[" + inside[:at] + extra + inside[at:] + "]"


def _components(path: str) -> list[str]:
    return [c for c in path.split("/") if c]


def glob_pattern(word: Word, cwd: str | None) -> str | None:
    """A glob word as an absolute pattern (quoted text matching only itself), taken from ``cwd`` when relative;
    None when a part is not known or the cwd is."""
    if not all(isinstance(part, Literal) for part in word.parts):
        return None
    text = _glob_text(word)
    if text.startswith("/"):
        return text
    return None if cwd is None else f"{cwd.rstrip('/')}/{text}"


def glob_may_name(pattern: str, path: str) -> bool:
    """May the absolute glob ``pattern`` name ``path`` itself (a ``..`` or a bracket not read here: it may)?"""
    if len(_components(pattern)) != len(_components(path)) and "**" not in _components(pattern):
        return any(c in (".", "..") for c in _components(pattern))
    return _glob_reach(pattern, path, False) is not Reach.NO


def _glob_reach(pattern: str, base: str, recursive: bool) -> Reach:
    """Can the absolute glob ``pattern`` name ``base``, something inside it, or (recursive) an ancestor of it?"""
    pat, target = _components(pattern), _components(base)
    for i, component in enumerate(pat):
        if component == "**":
            return Reach.YES
        if i >= len(target):
            return Reach.YES  # the glob names something inside base
        if component in (".", ".."):
            return Reach.MAYBE  # ../ after a glob: the file system decides
        matcher = bash_glob(component)
        if matcher is None:
            return Reach.MAYBE  # a bracket expression read here differently from bash: not known
        if matcher.match(target[i]) is None:
            return Reach.NO
    if len(pat) == len(target):
        return Reach.YES
    return Reach.YES if recursive else Reach.NO


# POSIX character classes in bracket expressions, as in the C locale (what bash matches file names with)
_CLASSES = {
    "alpha": "a-zA-Z",
    "upper": "A-Z",
    "lower": "a-z",
    "digit": "0-9",
    "xdigit": "0-9A-Fa-f",
    "alnum": "a-zA-Z0-9",
    "word": "a-zA-Z0-9_",
    "space": " \\t\\n\\r\\f\\v",
    "blank": " \\t",
    "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "print": " -~",
    "graph": "!-~",
    "cntrl": "\\x00-\\x1f\\x7f",
}


@functools.lru_cache(maxsize=1024)
def bash_glob(component: str) -> re.Pattern[str] | ExtendedPattern | None:
    """One path component of a glob as bash matches it: ``*``, ``?``, bracket expressions with ``!`` or ``^``
    negation, ranges, POSIX classes (``[[:alpha:]]``), collating symbols and equivalence classes of one character
    (``[[.l.]]``, ``[[=l=]]``), backslash escapes (``[\\l]`` is ``l``) and extended patterns (``!(x)``, see
    :class:`ExtendedPattern`). Python's fnmatch reads ``[^r]`` as ``^`` or ``r`` and knows no classes, so
    ``rm -rf /opt/tenmon-ark-[^r]ive`` looked harmless. None for what is not read here (a class it does not know, a
    longer collating element, an extended pattern that never closes): the caller cannot tell then."""
    if extended_pattern_at(component) >= 0:
        return ExtendedPattern.read(component)
    out: list[str] = []
    i, n = 0, len(component)
    while i < n:
        c = component[i]
        if c == "\\":
            out.append(re.escape(component[i + 1] if i + 1 < n else "\\"))
            i += 2
        elif c == "*":
            out.append(".*")
            i += 1
        elif c == "?":
            out.append(".")
            i += 1
        elif c == "[":
            bracket = bracket_expression(component, i + 1)
            if bracket is None:
                return None
            if not bracket[0]:  # no closing bracket: a plain ``[``
                out.append(re.escape(c))
                i += 1
            else:
                out.append(bracket[0])
                i = bracket[1]
        else:
            out.append(re.escape(c))
            i += 1
    try:
        return re.compile("".join(out) + r"\Z", re.DOTALL)
    except re.error:  # a range backwards (``[z-a]``): bash's reading depends on the locale
        return None


# An item of an extended pattern: ("lit", char), ("any",), ("star",), ("set", regex of one character) or
# ("group", operator, alternatives), each alternative a tuple of items.
_Item = tuple[Any, ...]


class ExtendedPattern:
    """A glob component with extended patterns (``?(..)``, ``*(..)``, ``+(..)``, ``@(..)``, ``!(..)``, ``|`` between
    alternatives), matched as bash's extmatch does (lib/glob/sm_loop.c): ``!(p)`` matches any piece that matches
    none of its alternatives, the rest of the component matching what follows. A regex cannot say that, so the
    match is computed here: the set of positions each item can end at, which stays polynomial where backtracking
    would not. Names are matched as ``*`` is elsewhere here, a leading dot included."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[_Item, ...]) -> None:
        self.items = items

    @classmethod
    def read(cls, component: str) -> ExtendedPattern | None:
        """The pattern, or None when part of it is not read here (a group that never closes, a bracket expression
        :func:`bracket_expression` cannot read)."""
        items = _extended_items(component)
        return cls(items) if items is not None and not _star_before_empty(items) else None

    def match(self, name: str) -> bool | None:
        """True when ``name`` matches as a whole, else None (as ``re.Pattern.match`` answers)."""
        return True if len(name) in _ends(self.items, name, {0}) else None


MAX_PATTERN_NESTING = 32
"""Groups inside groups beyond which an extended pattern is not read (the caller cannot tell)."""


def _extended_items(pattern: str, depth: int = 0) -> tuple[_Item, ...] | None:
    """The items of ``pattern``; a ``(``, ``)`` or ``|`` that opens no group is a plain character, as in bash."""
    if depth > MAX_PATTERN_NESTING:
        return None
    items: list[_Item] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c in EXTENDED_OPERATORS and pattern.startswith("(", i + 1):
            group = _extended_group(pattern, i, depth)
            if group is None:
                return None
            items.append(group[0])
            i = group[1]
        elif c == "\\":
            items.append(("lit", pattern[i + 1] if i + 1 < n else "\\"))
            i += 2
        elif c == "*":
            items.append(("star",))
            i += 1
        elif c == "?":
            items.append(("any",))
            i += 1
        elif c == "[":
            bracket = bracket_expression(pattern, i + 1)
            if bracket is None:
                return None
            if not bracket[0]:
                items.append(("lit", c))
                i += 1
                continue
            try:
                items.append(("set", re.compile(bracket[0], re.DOTALL)))
            except re.error:  # a range backwards (``[z-a]``): bash's reading depends on the locale
                return None
            i = bracket[1]
        else:
            items.append(("lit", c))
            i += 1
    return tuple(items)


def _extended_group(pattern: str, at: int, depth: int) -> tuple[_Item, int] | None:
    """The group whose operator is at ``at``, and where it ends; None when it never closes."""
    end = _pattern_scan(pattern, at + 2, False)
    if end is None:
        return None
    alternatives: list[tuple[_Item, ...]] = []
    start = at + 2
    while True:
        stop = _pattern_scan(pattern, start, True)
        if stop is None:
            return None
        items = _extended_items(pattern[start : stop - 1], depth + 1)
        if items is None:
            return None
        alternatives.append(items)
        if stop == end:
            return ("group", pattern[at], tuple(alternatives)), end
        start = stop


def _star_before_empty(items: tuple[_Item, ...]) -> bool:
    """Whether a ``*`` (and any ``?`` right after it) comes before a ``!(``, ``?(`` or ``*(`` group or before items
    that can all match nothing (``*+(|a)``), here or in an alternative. bash tries what follows a ``*`` only where
    some of the name is left, with special cases for those groups that differ from what they mean elsewhere and
    between versions (``live*!(x)]`` matches ``live`` in bash 5.2): the answer is left to the file system."""
    for k, item in enumerate(items):
        if item[0] == "group" and any(_star_before_empty(alternative) for alternative in item[2]):
            return True
        if item[0] != "star":
            continue
        rest = items[k + 1 :]
        while rest and rest[0][0] in ("star", "any"):
            rest = rest[1:]
        if rest and ((rest[0][0] == "group" and rest[0][1] in "!?*") or all(_may_be_empty(i) for i in rest)):
            return True
    return False


def _may_be_empty(item: _Item) -> bool:
    """Whether ``item`` can match the empty string."""
    kind = item[0]
    if kind == "star":
        return True
    if kind != "group":
        return False
    operator, alternatives = item[1], item[2]
    if operator in "?*":
        return True
    empty = any(all(_may_be_empty(i) for i in alternative) for alternative in alternatives)
    return not empty if operator == "!" else empty


def _pattern_scan(pattern: str, start: int, at_bar: bool) -> int | None:
    """bash's glob_patscan: just past the ``)`` that closes the group whose text starts at ``start`` (or, with
    ``at_bar``, past the ``|`` that ends this alternative, whichever comes first); bracket expressions and
    escaped characters are skipped, other parentheses nest. None when the group never closes."""
    parens, in_bracket, first, closing = 0, False, -1, ""
    i, n = start, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            if not in_bracket:
                in_bracket = True
                first = i + 1 + (pattern[i + 1 : i + 2] in ("!", "^"))
            elif pattern[i + 1 : i + 2] in (":", ".", "="):
                closing = pattern[i + 1]
        elif c == "]" and in_bracket:
            if closing and pattern[i - 1] == closing:
                closing = ""
            elif i != first:
                in_bracket = False
        elif c == "(" and not in_bracket:
            parens += 1
        elif c == ")" and not in_bracket:
            if parens == 0:
                return i + 1
            parens -= 1
        elif c == "|" and at_bar and not in_bracket and parens == 0:
            return i + 1
        i += 1
    return None


def _ends(items: tuple[_Item, ...], name: str, starts: set[int]) -> set[int]:
    """Every position of ``name`` where ``items`` can end when they start at one of ``starts``."""
    positions = starts
    for item in items:
        if not positions:
            break
        kind = item[0]
        if kind == "star":
            positions = set(range(min(positions), len(name) + 1))
        elif kind == "group":
            positions = _group_ends(item[1], item[2], name, positions)
        else:
            positions = {p + 1 for p in positions if p < len(name) and _one(item, name[p])}
    return positions


def _one(item: _Item, char: str) -> bool:
    kind = item[0]
    if kind == "lit":
        return bool(char == item[1])
    if kind == "set":
        return item[1].match(char) is not None
    return True  # ``?``


def _group_ends(operator: str, alternatives: tuple[tuple[_Item, ...], ...], name: str, starts: set[int]) -> set[int]:
    """Where a group can end: once (``@``), at most once (``?``), once or more (``+``), any number of times (``*``),
    or, for ``!``, after any piece that no alternative matches."""

    def once(where: set[int]) -> set[int]:
        found: set[int] = set()
        for alternative in alternatives:
            found |= _ends(alternative, name, where)
        return found

    if operator == "!":
        unmatched: set[int] = set()
        for start in starts:
            matched = once({start})
            unmatched.update(end for end in range(start, len(name) + 1) if end not in matched)
        return unmatched
    if operator == "@":
        return once(starts)
    if operator == "?":
        return starts | once(starts)
    repeated: set[int] = set()
    frontier = starts
    while frontier:
        frontier = once(frontier) - repeated
        repeated |= frontier
    return repeated | starts if operator == "*" else repeated


def bracket_expression(component: str, start: int) -> tuple[str, int] | None:
    """The regex of the bracket expression opened before ``start`` (as bash reads it) and where it ends; ("", start)
    when it never closes; None when it holds what is not read here."""
    n = len(component)
    j = start
    negate = j < n and component[j] in "!^"
    if negate:
        j += 1
    items: list[str] = []
    first = True
    while j < n and (component[j] != "]" or first):
        first = False
        if component.startswith("[:", j):
            close = component.find(":]", j + 2)
            if close < 0 or component[j + 2 : close] not in _CLASSES:
                return None
            items.append(_CLASSES[component[j + 2 : close]])
            j = close + 2
        elif component.startswith("[.", j) or component.startswith("[=", j):
            close = component.find(component[j + 1] + "]", j + 2)
            if close != j + 3:
                return None  # a multi-character collating element or an empty one
            items.append(re.escape(component[j + 2]))
            j = close + 2
        elif component[j] == "\\" and j + 1 < n:
            items.append(re.escape(component[j + 1]))
            j += 2
        elif j + 2 < n and component[j + 1] == "-" and component[j + 2] != "]":
            if component[j] == "[" or component.startswith(("[:", "[.", "[="), j + 2):
                return None  # a class or a collating element as a range's end
            items.append(re.escape(component[j]) + "-" + re.escape(component[j + 2]))
            j += 3
        else:
            items.append(re.escape(component[j]))
            j += 1
    if j >= n:
        return "", start
    return "[" + ("^" if negate else "") + "".join(items) + "]", j + 1


def word_reach(word: Word, cwd: str | None, base: str, recursive: bool) -> Reach:
    """Does ``word`` (a path operand) reach ``base``? ``recursive``: the operation descends, so an ancestor of base
    counts (``rm -r /opt`` deletes ``/opt/tenmon-ark-live``)."""
    base = normalise(base)
    if word.is_static and not word.is_glob:
        value = word.value
        assert value is not None
        if not value:
            # ``rm -rf ""`` names nothing: the kernel refuses an empty path (it is not the cwd). An empty value that
            # came from a variable may be stale (a function the guard does not follow can have set it): not known.
            return Reach.MAYBE if "$" in word.text else Reach.NO
        path = resolve(value, cwd)
        if path is None:
            return Reach.MAYBE
        return _path_reach(path, base, recursive)
    if word.is_static:  # a glob
        text = _glob_text(word)
        if not text.startswith("/"):
            if cwd is None:
                return Reach.MAYBE
            text = posixpath.join(cwd, text)
        pattern = _glob_through_proc(_normalise_glob(text), cwd)
        return Reach.MAYBE if pattern is None else _glob_reach(pattern, base, recursive)
    return _prefix_reach(word, cwd, base, recursive)


def _normalise_glob(text: str) -> str:
    parts: list[str] = []
    for component in text.split("/"):
        if component in ("", "."):
            continue
        if component == ".." and parts and glob_start(parts[-1]) is None:
            parts.pop()
            continue
        parts.append(component)
    return "/" + "/".join(parts)


def _glob_through_proc(pattern: str, cwd: str | None) -> str | None:
    """:func:`_through_proc` for a normalised glob: ``/proc/*/root/opt/x`` can name ``/opt/x`` (``*`` matches
    ``self``). None when it goes through a working directory that is not known (``/proc/*/cwd``)."""
    while pattern.startswith("/proc/"):
        parts = _components(pattern)
        if len(parts) < 3 or parts[2] not in _PROC_LINKS:
            return pattern
        pid = parts[1]
        if not _PROC_PIDS.fullmatch(pid) and glob_start(pid) is None:
            return pattern
        rest = "/".join(parts[3:])
        if parts[2] == "root":
            pattern = "/" + rest
        elif pid in ("self", "thread-self") and cwd is not None:
            pattern = _normalise_glob(posixpath.join(cwd, rest))
        else:
            return None
    return pattern


class DiskMemo:
    """What paths led to on disk, kept for one check (the same protected bases are asked about for every written
    path, and a path for every base): not longer, since a deploy may move a link at any time."""

    __slots__ = ("bases", "devices", "doubts", "files", "forms", "mount_table", "mounts", "origins", "reaches")

    def __init__(self, mount_table: str = MOUNT_TABLE) -> None:
        self.forms: dict[str, tuple[str, str]] = {}  # path -> (its directories followed, all of it followed)
        self.bases: dict[str, tuple[str, ...]] = {}  # protected path -> its names: as written, where it leads, mounts
        self.devices: dict[tuple[str, bool], str] = {}  # (path, as a hard-linked file) -> device, "" when not one
        self.files: dict[str, bool] = {}  # path -> is it there, and no directory
        self.origins: dict[tuple[object, ...], bool] = {}  # what a made name comes from: free of links?
        self.reaches: dict[tuple[object, ...], Reach] = {}  # what a path on disk reaches (_disk_path_reach)
        self.mount_table = mount_table
        self.mounts: tuple[Mount, ...] | None = None  # read on first use: most checks write nothing
        self.doubts: tuple[str, ...] | None = None  # mount points where writes land somewhere not known


def _written_path(word: Word, cwd: str | None) -> str | None:
    """The absolute path a static word names (a glob's text for a glob), not normalised: ``..`` after a link is the
    disk's to take. None when it names none (empty, or relative with the cwd not known)."""
    value = _glob_text(word) if word.is_glob else word.value
    if not value or value.startswith("/"):
        return value or None
    return None if cwd is None else f"{cwd.rstrip('/')}/{value}"


def spelled_directories(path: str, limit: int = 8, files: bool = False) -> list[str | None]:
    """Where an interactive bash's ``cd PATH`` under ``shopt -s cdspell`` may go when PATH (absolute) is not a
    directory: each component that is not there replaced by an entry of its parent a typo away (two neighbouring
    letters swapped, one letter wrong, one letter more or fewer: bash's correction, seen with bash 5.2), as the
    directories on disk are now. [] when PATH is a directory (cd goes there) or nothing is a typo away; [None] past
    ``limit`` candidates (somewhere not known). ``files``: the last component may name any file (zsh's CORRECT_ALL
    mends an argument that names nothing so). The disk is read only for a line judged at a prompt that has the
    option: it is where that shell is about to look."""
    if (os.path.lexists if files else os.path.isdir)(path):
        return []
    parts = [p for p in path.split("/") if p]
    found = ["/"]
    for i, part in enumerate(parts):
        there = os.path.lexists if files and i == len(parts) - 1 else os.path.isdir
        step: list[str] = []
        for base in found:
            exact = posixpath.join(base, part)
            if there(exact):
                step.append(exact)
                continue
            try:
                names = os.listdir(base)
            except OSError:
                continue
            step.extend(p for p in (posixpath.join(base, n) for n in names if a_typo_away(n, part)) if there(p))
        if len(step) > limit:
            return [None]
        if not step:
            return []
        found = step
    return [p for p in found if p != path]


def a_typo_away(name: str, typed: str) -> bool:
    """Is ``name`` ``typed`` with one typo mended: two neighbouring letters swapped, one wrong, one more, one less."""
    if name == typed or abs(len(name) - len(typed)) > 1:
        return False
    i = 0
    while i < min(len(name), len(typed)) and name[i] == typed[i]:
        i += 1
    if len(name) == len(typed):
        if name[i + 1 :] == typed[i + 1 :]:
            return True  # (one letter wrong)
        return name[i : i + 2] == typed[i : i + 2][::-1] and name[i + 2 :] == typed[i + 2 :]
    if len(name) < len(typed):
        return name[i:] == typed[i + 1 :]  # (one letter too many typed)
    return name[i + 1 :] == typed[i:]  # (one letter missing)


def disk_reach(
    word: Word,
    cwd: str | None,
    base: str,
    recursive: bool,
    final_link: Reach,
    memo: DiskMemo,
    dir_itself: bool = False,
    mount_change: MountChange | None = None,
) -> Reach:
    """Does ``word`` reach ``base`` through symlinks that already exist on disk? A link made in an earlier command
    (``ln -s /opt/tenmon-ark-live/dist ~/d``) is a second name for the live tree that the text alone never shows.
    Only for a door that runs the command here and now (the hook, the sudo and agent doors). ``memo`` keeps what
    each path led to during one check (the same protected bases are asked about for every written path).

    YES when the path reaches ``base`` with every directory above its last component followed, as the kernel
    follows them for every writer (``rm ~/d/index.js``, ``cd ~/d && rm -rf x``). A last component that is a link
    leading into ``base`` counts as ``final_link`` says: YES for a write that opens the path (``>``, ``tee``), NO
    for one that acts on the link itself (``rm LINK``, ``mv LINK X``, ``ln -sfn T LINK``: it removes, renames or
    replaces the name only), MAYBE where which of the two is not known. ``dir_itself``: the path is DEST/NAME,
    written only when DEST is a directory itself; a link there is replaced instead (``ln -sfn T LINK``), so the
    path is NO when DEST is a link. A path below something that is no directory is NO: nothing is there (ENOTDIR).
    ``..`` is taken as the kernel takes it, from where the link leads. ``base`` is followed as well (a live tree
    that is a link to the current release). A path through the process's own links (/proc/self,
    /dev/fd, /dev/stdout ...) is first taken as :func:`resolve` takes it for the command's process (its root, its
    cwd), then followed from there: followed here, those links would lead into this guard's process.
    ``mount_change``: the write changes the mounts at the path (``umount PATH``, ``mount --move PATH X``, ``mount X
    PATH``), judged by :func:`_mount_change_reach` (``umount -a``: by the table alone). A word with parts not known
    is judged by the directory its known prefix names (:func:`_disk_prefix_reach`)."""
    if mount_change is not None and mount_change.table:
        return _mount_change_reach("/", (), base, memo, mount_change)
    if mount_change is not None and (not word.is_static or word.is_glob):
        # (umount rt$X, umount -A $DEV: which mounts it takes is not known; any at, in or above the protected path)
        every = _mount_change_reach("/", (), base, memo, MountChange(table=True))
        return Reach.MAYBE if every != Reach.NO else Reach.NO
    if not word.is_static:
        return _disk_prefix_reach(word, cwd, base, final_link, memo)
    value = _written_path(word, cwd)
    if value is None:
        return Reach.NO
    if value.startswith(_PROCESS_OWN):
        elsewhere = _other_root(value)
        if elsewhere is not None:
            if isinstance(elsewhere, Reach) or word.is_glob:
                return Reach.MAYBE
            return disk_reach(literal_word(elsewhere, word.span), cwd, base, recursive, final_link, memo, dir_itself)
        own = resolve(value, cwd) if not word.is_glob else None
        if own is None or own.startswith(_PROCESS_OWN):
            return Reach.NO  # another process's, or a file of the process itself: word_reach judges it
        value = own
    if value.startswith("/sys/"):
        return Reach.NO  # the kernel's own links; no one makes others there
    if mount_change is not None and not word.is_glob:
        return _mount_change_reach(value, (word.value or "", normalise(value)), base, memo, mount_change)
    bases = _bases(base, memo)
    if word.is_glob:
        return _disk_glob_reach(value, bases, recursive, final_link, dir_itself, memo)
    key = (value, bases, recursive, final_link, dir_itself)  # (many commands of a line write the same few paths)
    found = memo.reaches.get(key)
    if found is None:
        found = memo.reaches[key] = _disk_path_reach(value, bases, recursive, final_link, dir_itself, memo)
    return found


def _mount_change_reach(path: str, written: tuple[str, ...], base: str, memo: DiskMemo, pick: MountChange) -> Reach:
    """``umount PATH`` (``-l``, ``-R``) removes the mount at PATH (every link followed: umount canonicalises it) and
    those below it, not the files they show: unmounting a second name of the live tree (``mount --bind LIVE /mnt/x``
    made earlier; ``umount /mnt/x``) leaves the tree as it is, so the other names mounts give it are no names here.
    What counts is whether the unmount changes what the protected path shows: a mount at, inside or above it
    (``umount LIVE/dist`` with a file system mounted there), here or where the unmount propagates to
    (:func:`tenmon_guard.mounts.unmounted_elsewhere`). Which mounts go is :func:`tenmon_guard.mounts.unmounted_points`'
    reading of ``pick``: by source name (``written``: the operand as written and as a path), every mount of the
    same file system (``-A``), the whole table (``-a``). A mount made at PATH (``pick.made``: ``mount X PATH``) hides
    what lies there the same way: over a second name it hides that name only, unless it propagates to the protected
    path (:func:`tenmon_guard.mounts.mounted_elsewhere`)."""
    whole = _followed(path, memo)
    mounts = _mounts(memo)
    if pick.made:
        places: tuple[str, ...] | list[str] = (whole, *mounted_elsewhere(whole, mounts))
    else:
        names = (*written, whole, *_tagged_device(written[0] if written else ""))
        points = unmounted_points(whole, names, pick, mounts)
        # (the table holds every place an unmount of its mounts propagates to, of the same type: no need to look)
        places = points if pick.table else [q for p in points for q in (p, *unmounted_elsewhere(p, mounts))]
    own = _own_names(base, memo)
    return Reach.YES if any(_in_or_above(p, own) for p in places) else Reach.NO


# umount LABEL=x (UUID=, PARTUUID=, PARTLABEL=): the device udev names under /dev/disk, which the table shows.
_TAGS = {"LABEL": "by-label", "UUID": "by-uuid", "PARTUUID": "by-partuuid", "PARTLABEL": "by-partlabel"}


def _tagged_device(written: str) -> tuple[str, ...]:
    """The device a ``TAG=VALUE`` operand names (umount looks it up as a source), through the link udev keeps for it;
    () for another operand, or when no such link is there (nothing is unmounted by it then)."""
    tag, equal, value = written.partition("=")
    folder = _TAGS.get(tag) if equal and value and "/" not in value else None
    if folder is None:
        return ()
    link = f"/dev/disk/{folder}/{value}"
    return (os.path.realpath(link),) if os.path.lexists(link) else ()


def kept_link_reach(
    word: Word,
    cwd: str | None,
    kept: tuple[tuple[str, str], ...],
    base: str,
    recursive: bool,
    final_link: Reach,
    memo: DiskMemo,
    dir_itself: bool = False,
) -> Reach:
    """Does ``word`` reach ``base`` through a copy of a symlink the line made (``cp -a ~/lnk ~/o; rm -f
    ~/o/index.js``, ``mv ~/lnk ~/o``)? ``kept``: the (copy, source) paths of the line's copies that keep links
    (``CommandModel.kept_links``). A source that is a symlink on disk now is copied as that link, so a path through
    the copy is judged as the same path through the source; a source that is no link was copied as a new file or
    directory of its own, which no rule protects for being a copy."""
    if not word.is_static:
        return Reach.NO
    value = _written_path(word, cwd)
    if value is None:
        return Reach.NO
    slash = "/" if value.endswith(("/", "/.")) else ""  # (rm -rf COPY/ empties where the link leads)
    value = _normalise_glob(value) if word.is_glob else normalise(value)
    best = Reach.NO
    for copy, source in kept:
        if not is_within(value, copy) or not os.path.islink(source):
            continue
        target = os.readlink(source)
        # (a relative link copied elsewhere leads from its new directory: the same text, taken from there)
        lead = source if target.startswith("/") else posixpath.join(posixpath.dirname(copy), target)
        through = lead + value[len(copy) :] + slash
        bases = _bases(base, memo)
        found = (
            _disk_glob_reach(through, bases, recursive, final_link, dir_itself, memo)
            if word.is_glob
            else _disk_path_reach(through, bases, recursive, final_link, dir_itself, memo)
        )
        best = max(best, found)
    return best


MadeName = tuple[str | None, str | None, str, int]


def made_name_reach(
    word: Word,
    cwd: str | None,
    made: tuple[MadeName, ...],
    base: str,
    final_link: Reach,
    memo: DiskMemo,
) -> Reach:
    """Does ``word`` go through a name the line itself makes, from something that may lead into ``base``? The disk
    shows what is there now; a name the line copies, moves, links or backs up there (``made``:
    ``CommandModel.made_names``) leads where its origin leads, which the disk reading cannot follow yet
    (``cp -P cur g && cp -P g g2 && rm -f g2/dist/x``, ``ln -sfn -b NEW cur; rm -rf cur~/dist``, ``xargs cp -P``
    given names not known, a link on disk to a name the line makes). MAYBE when a directory on the path (or its last
    name, for a write that follows a final link) is such a name and its origin is not known to be free of links
    into ``base``: a link that leads there or nowhere yet, a directory holding one (or more entries than are looked
    at), a name not there now that the line makes so. Copies of plain files and directories, and of names the
    line's other commands make (``npm run build && mv build out``), are free."""
    if not word.is_static:
        return Reach.NO
    value = _written_path(word, cwd)
    if value is None:
        return Reach.NO
    if value.startswith(_PSEUDO):
        return Reach.NO
    bases = _bases(base, memo)
    parts = value.split("/")
    last = max((k for k, p in enumerate(parts) if p not in ("", ".", "..")), default=0)
    entered = last < len(parts) - 1  # (NAME/, NAME/.: the last name is gone through, as a directory)
    for k in range(1, last + 1):
        part = parts[k]
        if part in ("", ".", ".."):
            continue
        if k == last and final_link == Reach.NO and not entered:
            break
        prefix = "/".join(parts[: k + 1])
        if glob_start(part) is not None:  # names the line makes in this directory may match the pattern
            directory = _followed("/".join(parts[:k]) or "/", memo)
            if any(_makes_inside(directory, entry, made, bases, memo) for entry in made):
                return Reach.MAYBE
            break
        through, whole = _forms(prefix, memo)
        final = k == last and not entered
        if any(_makes(name, entry, made, bases, memo, final) for name in {through, whole} for entry in made):
            return Reach.MAYBE
    return Reach.NO


def _makes(
    name: str, entry: MadeName, made: tuple[MadeName, ...], bases: tuple[str, ...], memo: DiskMemo, final: bool
) -> bool:
    """Does the line make ``name`` (or a directory holding it) from an origin that may lead into ``bases``? Copies of
    names not known count only for a name a path goes through (not for ``> NEW``, most often a new file), and only
    below their destination when it is known (``cp "$X" DIR/``)."""
    path, origin, kind, _ = entry
    if path is None:  # copies of names not known, anywhere: a name not there now may be one of them
        return not final and not os.path.lexists(name)
    path = _forms(path, memo)[0]
    if kind == "backup":  # NAME~, NAME.~1~, NAME+SUFFIX: the destination as it is before the line replaces it
        head, tail = posixpath.split(path)
        if name == path or posixpath.dirname(name) != head or not posixpath.basename(name).startswith(tail):
            return False
        return not _origin_free(path, head, "copy", made, bases, memo)
    if kind in ("backups-in", "backup-dir"):  # entries a copy into a directory replaces, kept under new names
        if name == path or not is_within(name, path):
            return False
        if kind == "backup-dir":
            original = None if origin is None else origin.rstrip("/") + name[len(path) :]
        else:
            original = _backup_original(name, origin)
            if original is None:
                return False
        return original is None or not _origin_free(original, posixpath.dirname(original), "copy", made, bases, memo)
    if kind == "copy" and origin is None and not is_within(name, path):
        path = _followed(path, memo)  # (copies into a directory that is a link land where it leads: cp "$S" other/)
    if not is_within(name, path):
        return False
    if kind == "copy" and origin is None:  # copies of names not known: below a directory, or the name itself
        return not final and (name != path or not os.path.isdir(name))
    return not _origin_free(origin, posixpath.dirname(path), kind, made, bases, memo)


def _backup_original(name: str, suffix: str | None) -> str | None:
    """The name a backup name was made from (``cur~``, ``cur.~2~``, ``cur`` + the suffix given), None when it is
    none of these."""
    head, tail = posixpath.split(name)
    if suffix and tail.endswith(suffix) and len(tail) > len(suffix):
        return posixpath.join(head, tail[: -len(suffix)])
    found = re.fullmatch(r"(.+?)(?:\.~[0-9]+~|~)", tail)
    return posixpath.join(head, found.group(1)) if found is not None else None


def _makes_inside(
    directory: str, entry: MadeName, made: tuple[MadeName, ...], bases: tuple[str, ...], memo: DiskMemo
) -> bool:
    """Does the line make a name in ``directory`` (matched by a glob there) from an origin that may lead into
    ``bases``?"""
    path, origin, kind, _ = entry
    if path is None:
        return True
    path = _forms(path, memo)[0]
    if posixpath.dirname(path) != directory and not is_within(path, directory) and not is_within(directory, path):
        return False
    if kind in ("backup", "backups-in", "backup-dir") or origin is None:
        return True
    return not _origin_free(origin, posixpath.dirname(path), kind, made, bases, memo)


# At most this many entries of a copied directory are looked at for links; more, and the copy is a doubt.
_ORIGIN_ENTRIES = 2000


def _origin_free(
    origin: str | None, into: str, kind: str, made: tuple[MadeName, ...], bases: tuple[str, ...], memo: DiskMemo
) -> bool:
    """Is what a copy (or link) made in directory ``into`` from ``origin`` free of links into ``bases``?"""
    if origin is None:
        return False
    key = (origin, into, kind, bases, made)
    found = memo.origins.get(key)
    if found is None:
        memo.origins[key] = False  # (a name made from itself, through other copies: not free)
        found = memo.origins[key] = _free_now(origin, into, kind, made, bases, memo)
    return found


def _free_now(
    origin: str, into: str, kind: str, made: tuple[MadeName, ...], bases: tuple[str, ...], memo: DiskMemo
) -> bool:
    if kind == "link":  # a symlink to origin, made in ``into``; where it leads not there now: as an origin not there
        end = os.path.realpath(origin)
        if not os.path.lexists(end):
            return not any(_makes(end, entry, made, bases, memo, False) for entry in made)
        return _leads_clear(end, bases)
    # ``cp -a LINK/. COPY`` copies what the directory holds, not the link; otherwise the origin's directories are
    # followed as the kernel follows them (``other/../h/cur``), its name itself not
    origin = os.path.realpath(origin) if origin.endswith("/") else _forms(origin, memo)[0]
    try:
        info = os.lstat(origin)
    except OSError:  # not there now: made by the line; free unless a copy or link of the line makes it
        return not any(_makes(origin, entry, made, bases, memo, False) for entry in made)
    if stat.S_ISLNK(info.st_mode):  # the copy is a link with the same text, in ``into`` (a relative one leads
        target = os.readlink(origin)  # from there)
        return _leads_clear(os.path.realpath(posixpath.join(into, target)), bases)
    if not stat.S_ISDIR(info.st_mode):
        return True
    # a name the line makes inside the directory is copied with it (ln -s LIVE real/l; cp -a real r2)
    if _made_inside(origin, made, bases, memo):
        return False
    seen = 0
    for directory, dirs, files in os.walk(origin):
        for name in (*dirs, *files):
            seen += 1
            path = posixpath.join(directory, name)
            if seen > _ORIGIN_ENTRIES:
                return False
            if not os.path.islink(path):
                continue
            target = os.readlink(path)
            inside = posixpath.normpath(posixpath.join(posixpath.relpath(directory, origin), target))
            if not target.startswith("/") and (inside == ".." or inside.startswith("../")):
                return False  # a relative link that leaves the copied directory leads elsewhere from the copy
            end = os.path.realpath(path)
            if not os.path.lexists(end):  # leads nowhere now (an editor's lock, a stale .bin link): as an origin
                if any(_makes(end, entry, made, bases, memo, False) for entry in made):
                    return False
                continue
            if not _leads_clear(end, bases):
                return False
    return True


def _made_inside(directory: str, made: tuple[MadeName, ...], bases: tuple[str, ...], memo: DiskMemo) -> bool:
    """Does the line make a name inside ``directory`` from an origin that may lead into ``bases`` (``ln -s LIVE
    real/l; cp -a real r2``: the copy holds that link, which the disk does not show yet)?"""
    for entry in made:
        if entry[0] is None or entry[2] == "backup-dir":
            continue
        name = _forms(entry[0], memo)[0]
        if is_within(name, directory) and _makes(name, entry, made, bases, memo, False):
            return True
    return False


def _leads_clear(path: str, bases: tuple[str, ...]) -> bool:
    """Is ``path`` there now, and neither in nor above a protected path?"""
    return os.path.exists(path) and not _in_or_above(path, bases)


def _in_or_above(path: str, bases: tuple[str, ...]) -> bool:
    """Does ``path`` lie in one of ``bases``, or hold one (what a link leads to, written or deleted whole)?"""
    return any(_path_reach(path, b, True) == Reach.YES for b in bases)


def crosses_links(word: Word, cwd: str | None, memo: DiskMemo) -> bool:
    """Does the path ``word`` names go through a symlink on disk now (a glob: through any at all, or a match not
    known)? For a command under another root, where those links lead is not where they lead for this guard."""
    if not word.is_static:
        return False
    value = _written_path(word, cwd)
    if value is None:
        return False
    paths = [value]
    if word.is_glob:
        matches = _disk_glob_matches(value)
        if matches is None:
            return True
        paths = matches
    for path in paths:
        whole = _forms(path.rstrip("/") or "/", memo)[1]
        if whole != normalise(path):
            return True
    return False


_PROC_ROOT = re.compile(r"/proc/([0-9]+)(?:/task/([0-9]+))?/(root|cwd)(?=/|$)")
MOUNT_NAMESPACE = "/proc/self/ns/mnt"


def _other_root(value: str) -> str | Reach | None:
    """``/proc/PID/root/...`` (or ``cwd``, or a thread's ``/proc/PID/task/TID/...``) of another process: on disk a
    chrooted process's root is a directory here (``/proc/PID/root/app/dist`` is ``ROOT/app/dist``, returned), and
    its cwd the directory it reads as; a process in another mount namespace (a container) sees other mounts
    altogether (MAYBE: where the path leads is not known here). None when its root is this one's (then the text's
    reading, :func:`resolve`, stands), or the process cannot be looked at (then the command cannot either)."""
    found = _PROC_ROOT.match(normalise(value)) if "/proc/" in value else None
    if found is None:
        return None
    pid, thread, link = found.groups()
    process = f"/proc/{pid}/task/{thread}" if thread else f"/proc/{pid}"
    try:
        if os.readlink(f"{process}/ns/mnt") != os.readlink(MOUNT_NAMESPACE):
            return Reach.MAYBE
        where = os.readlink(f"{process}/{link}")
    except OSError:
        return None
    if (link == "root" and where == "/") or not where.startswith("/"):
        return None
    return normalise(where + "/" + normalise(value)[found.end() :])


def _disk_prefix_reach(word: Word, cwd: str | None, base: str, final_link: Reach, memo: DiskMemo) -> Reach:
    """A word with parts not known (``~/cur/$X``, ``cur/$(ls)``, ``-exec rm {}`` under ``find cur/``): the
    directory its known prefix names is followed on disk (each directory it matches, for a glob), and judged as
    :func:`_prefix_reach` judges it in the text: in a protected directory (or one of its other names), anything;
    above one, whatever the unknown rest may name. Below it, the unknown part may name a link there (``rm -rf
    ./$(ls)/dist``, ``find . -exec rm -rf {}/ ";"``): a doubt when the path goes on through what it names and a link
    below the directory leads into a protected path (or more entries are there than are looked at), or when the
    write follows a final link and a link there of the last name's pattern does."""
    prefix = word.literal_prefix
    if not prefix:
        return Reach.NO  # ($X alone: the text's reading judges it)
    if not prefix.startswith("/"):
        if cwd is None:
            return Reach.NO
        prefix = cwd.rstrip("/") + "/" + prefix
    directory, _, partial = prefix.rpartition("/")
    if not directory or directory.startswith(_PSEUDO):
        return Reach.NO
    if glob_start(directory) is None:
        directories = [directory]
    else:
        found = _disk_glob_matches(directory)
        if found is None:
            return Reach.MAYBE
        directories = [d for d in found if os.path.isdir(d)]
    bases = _bases(base, memo)
    after = word.parts[_first_unknown(word) :]
    goes_on = any(isinstance(p, Literal) and "/" in p.text for p in after)  # (./$X/dist, {}/)
    glob_at = glob_start(partial)
    known = partial if glob_at is None else partial[:glob_at]
    best = Reach.NO
    for here in directories:
        followed = _followed(here, memo)
        for name in bases:
            if is_within(followed, name):
                return Reach.YES
            if is_within(name, followed):
                first = name[len(followed.rstrip("/")) + 1 :].split("/", 1)[0]
                if first.startswith(known):
                    best = Reach.MAYBE
        if best != Reach.NO:
            continue
        # (an unknown part may hold / and .. after a link: s$X/dist with X=ub/lnk, ./$X with X=lnk/index.js, what
        # find -L reaches through lnk; but the name it begins in must be there, so only the entries that name may
        # begin with are looked at, and what is below them). Only a part that is one name, with nothing written
        # after it, never goes through a link (a copy's name, a glob's match; a write that acts on a link itself)
        if (
            not goes_on
            and final_link == Reach.NO
            and all(isinstance(p, Literal) or p.kind in _ONE_NAME or p.kind == "found" for p in after)
        ):
            continue
        entries = [p for p in after if isinstance(p, Unknown) and p.kind == "found"]
        if entries and len(entries) == len([p for p in after if isinstance(p, Unknown)]):
            # what find reached without following a link: a link among them, of the names it matches, is one
            globs = tuple(entries[0].name.split("\0")) if entries[0].name else ()
            if _found_links(followed, globs, bases):
                best = Reach.MAYBE
            continue
        one_name = not goes_on and all(isinstance(p, Literal) or p.kind in _ONE_NAME for p in after)
        if _links_through(followed, partial, bases, memo, not one_name):
            best = Reach.MAYBE
    return best


def links_below_reach(word: Word, cwd: str | None, base: str, memo: DiskMemo) -> Reach:
    """A recursive write that enters the links it meets (``find -L DIR -delete``): is there, below the directory
    ``word`` names on disk now, a link that leads into (or above) ``base``? MAYBE then (what the write's tests pick
    there is not read), or where more entries are there than are looked at. A word not known is judged by the text."""
    value = word.value
    path = resolve(value, cwd) if value else None
    if path is None or not os.path.isdir(path):
        return Reach.NO
    return Reach.MAYBE if _found_links(path, (), _bases(base, memo)) else Reach.NO


def _found_links(start: str, globs: tuple[str, ...], bases: tuple[str, ...]) -> bool:
    """Is there, below ``start`` (links not entered, as find walks without ``-L``), a link whose name matches every
    glob and that leads into (or above) one of ``bases``? More entries than are looked at: a doubt."""
    matchers = [bash_glob(g) for g in globs]
    if any(m is None for m in matchers):
        return True
    seen = 0
    for here, dirs, files in os.walk(start):
        for name in (*dirs, *files):
            seen += 1
            if seen > _ORIGIN_ENTRIES:
                return True
            path = posixpath.join(here, name)
            if not os.path.islink(path) or not all(m.match(name) is not None for m in matchers if m is not None):
                continue
            if _in_or_above(os.path.realpath(path), bases):
                return True
    return False


_THROUGH = "through"  # (DiskMemo.origins: what _links_through found)
# Unknown parts that stand for one file name, no / (effects.NAME: the name a copy of a source not known gets; a
# glob's match): nothing below the name is reached through it.
_ONE_NAME = frozenset({"name", "glob"})


def _links_through(directory: str, lead: str, bases: tuple[str, ...], memo: DiskMemo, below: bool = True) -> bool:
    """Is there, among the entries of ``directory`` whose name begins with ``lead`` (a glob's text), a link that
    leads into (or above) one of ``bases``, or (``below``) a directory holding one? More entries than are looked
    at: a doubt. Kept for the check (a line writing many paths below one directory asks again and again)."""
    key = (_THROUGH, directory, lead, bases, below)
    found = memo.origins.get(key)
    if found is None:
        found = memo.origins[key] = _entries_link_into(directory, lead, bases, memo, below)
    return found


def _entries_link_into(directory: str, lead: str, bases: tuple[str, ...], memo: DiskMemo, below: bool) -> bool:
    try:
        names = os.listdir(directory)
    except OSError:
        return False
    matcher = bash_glob(lead + "*") if glob_start(lead) is not None else None
    if glob_start(lead) is not None and matcher is None:
        return True
    candidates = [n for n in names if (matcher.match(n) is not None if matcher is not None else n.startswith(lead))]
    if len(candidates) > _ORIGIN_ENTRIES:
        return True
    for name in candidates:
        path = posixpath.join(directory, name)
        if os.path.islink(path):
            end = os.path.realpath(path)
            if _in_or_above(end, bases):
                return True
            path = end
        if below and os.path.isdir(path) and _links_below(path, bases, memo):
            return True
    return False


def _first_unknown(word: Word) -> int:
    return next((k for k, p in enumerate(word.parts) if isinstance(p, Unknown)), len(word.parts))


def _links_below(directory: str, bases: tuple[str, ...], memo: DiskMemo) -> bool:
    """Is there a link below ``directory`` that leads into (or above) one of ``bases``, or more entries than are
    looked at?"""
    key = (directory, bases)
    found = memo.origins.get(key)
    if found is None:
        found = memo.origins[key] = _found_links(directory, (), bases)
    return found


# Kernel file systems: their links lead into the asking process (/proc/self, /dev/fd) or are the kernel's own.
_PSEUDO = ("/proc/", "/dev/", "/sys/")
# Where links lead into the process that follows them (/dev/fd is a link to /proc/self/fd). Elsewhere under /dev
# (/dev/shm, /dev/mqueue) anyone may make links, as in /tmp.
_PROCESS_OWN = ("/proc/", "/dev/fd/", "/dev/stdin", "/dev/stdout", "/dev/stderr")


def _bases(base: str, memo: DiskMemo) -> tuple[str, ...]:
    """The protected path as written and, when they differ, where it leads on disk now and the other places mounts
    show it at (:func:`tenmon_guard.mounts.other_names`). Kernel file systems and patterns are taken as written."""
    found = memo.bases.get(base)
    if found is None:
        own = _own_names(base, memo)
        if _as_written(base):
            found = own
        else:
            names = list(own)
            names.extend(n for n in other_names(own[-1], _mounts(memo)) if n not in names)
            found = tuple(names)
        memo.bases[base] = found
    return found


def _own_names(base: str, memo: DiskMemo) -> tuple[str, ...]:
    """The protected path as written and, when it differs, where it leads on disk now (no mount's names)."""
    written = normalise(base)
    if _as_written(base):
        return (written,)
    followed = _followed(base, memo)
    return (written,) if followed == written else (written, followed)


def _as_written(base: str) -> bool:
    """Kernel file systems and patterns are taken as written."""
    return base.startswith(_PSEUDO) or any(c in base for c in "*?[")


def _mounts(memo: DiskMemo) -> tuple[Mount, ...]:
    if memo.mounts is None:
        memo.mounts = read_mounts(memo.mount_table) or ()
    return memo.mounts


def _in_doubt(path: str, recursive: bool, memo: DiskMemo) -> bool:
    """Is ``path`` through (or, for a recursive write, above) a mount whose writes land where the table does not
    say (:func:`tenmon_guard.mounts.overlay_doubts`)?"""
    if memo.doubts is None:
        memo.doubts = overlay_doubts(_mounts(memo))
    return any(is_within(path, d) or (recursive and is_within(d, path)) for d in memo.doubts)


def _followed(path: str, memo: DiskMemo) -> str:
    """Where ``path`` leads, every link followed."""
    return _forms(path.rstrip("/") + "/", memo)[1]


def _forms(path: str, memo: DiskMemo) -> tuple[str, str]:
    """``path`` with the directories above its last component followed, and with all of it followed. A path given
    with a trailing ``/`` (or ending in ``.`` or ``..``) has no last component of its own: both are the same."""
    found = memo.forms.get(path)
    if found is None:
        head, tail = posixpath.split(path)
        if tail in ("", ".", ".."):
            whole = os.path.realpath(path)
            found = (whole, whole)
        else:
            through = posixpath.join(_followed(head or "/", memo), tail)
            found = (through, os.path.realpath(through) if os.path.islink(through) else through)
        memo.forms[path] = found
    return found


def _disk_path_reach(
    path: str, bases: tuple[str, ...], recursive: bool, final_link: Reach, dir_itself: bool, memo: DiskMemo
) -> Reach:
    """One path on disk (see :func:`disk_reach`). For a write on a final link itself, the link is a name like any
    other: neither where it leads nor a file with other names (the inode it removes or renames is the link's own,
    which is no regular file); the directories above it are still followed."""
    head, tail = posixpath.split(path)
    if tail not in ("", ".", ".."):
        if dir_itself and _is_link(head, memo):
            return Reach.NO  # ln -sfn T LINK replaces LINK: nothing is made in the directory it leads to
        if _not_a_directory(_followed(head, memo), memo):
            return Reach.NO  # DEST/NAME with DEST a file (mv X LINK-TO-FILE replaces the link): nothing is there
    through, whole = _forms(path, memo)
    if any(_path_reach(through, b, recursive) == Reach.YES for b in bases):
        return Reach.YES
    if whole != through:
        if final_link == Reach.NO:
            return Reach.NO
        if any(_path_reach(whole, b, recursive) == Reach.YES for b in bases):
            return final_link
    if _in_doubt(through, recursive, memo) or (whole != through and _in_doubt(whole, recursive, memo)):
        return Reach.MAYBE
    if final_link == Reach.NO:  # rm, unlink, mv's source: only this name goes, not the inode the others share
        return Reach.NO
    return Reach.MAYBE if _hard_linked_near(whole, bases, memo) else Reach.NO


def _not_a_directory(path: str, memo: DiskMemo) -> bool:
    """Is ``path`` something other than a directory on disk now? No name below it can be written (ENOTDIR): the
    DEST/NAME a copy or move into a directory would make, when DEST is a file."""
    found = memo.files.get(path)
    if found is None:
        try:
            found = not stat.S_ISDIR(os.stat(path).st_mode)
        except OSError:
            found = False  # missing, or not known: a directory may be made there first
        memo.files[path] = found
    return found


def _is_link(path: str, memo: DiskMemo) -> bool:
    """Is the last component of ``path`` a symlink on disk (the directories above it followed)?"""
    through, whole = _forms(path, memo)
    return through != whole


def _hard_linked_near(path: str, bases: tuple[str, ...], memo: DiskMemo) -> bool:
    """A regular file with more than one name, on the file system a protected path is on: one of its other names
    may be inside it (``ln LIVE/dist/index.js ~/h``, then ``truncate -s0 ~/h``). Which, only a walk of the whole
    protected tree could say: a doubt."""
    device = _device(path, memo, linked_file=True)
    return bool(device) and any(_device(base, memo) == device for base in bases)


def _device(path: str, memo: DiskMemo, linked_file: bool = False) -> str:
    """The device ``path`` is on ("" when it is missing, or, with ``linked_file``, not a regular file with more
    than one name)."""
    found = memo.devices.get((path, linked_file))
    if found is None:
        try:
            info = os.stat(path)
            plain = not linked_file or (info.st_nlink > 1 and stat.S_ISREG(info.st_mode))
            found = str(info.st_dev) if plain else ""
        except OSError:
            found = ""
        memo.devices[(path, linked_file)] = found
    return found


# At most this many of a glob's matches on disk are followed; more, and the glob is a doubt.
_DISK_MATCHES = 2000


def _disk_glob_reach(
    pattern: str, bases: tuple[str, ...], recursive: bool, final_link: Reach, dir_itself: bool, memo: DiskMemo
) -> Reach:
    """A glob with linked directories before it (``cd ~/d && rm -rf *``) or among what it matches
    (``rm -rf ~/l*/index.js``, ``~/lnk`` a link to the live dist): the directories before its first pattern component
    are followed, then each path it matches now is judged as a path. A doubt when what it matches is not known."""
    components = pattern.split("/")
    first = next((i for i, c in enumerate(components) if glob_start(c) is not None), len(components))
    prefix = _followed("/".join(components[:first]) or "/", memo)
    followed = _normalise_glob(posixpath.join(prefix, *components[first:]))
    reach = max(_glob_reach(followed, b, recursive) for b in bases)
    if reach == Reach.YES:
        return reach
    matches = _disk_glob_matches(pattern)
    if matches is None:
        return Reach.MAYBE
    slash = "/" if pattern.endswith("/") else ""  # bash keeps it: rm -rf l*/ names lnk/, through the link
    for match in matches:
        reach = max(reach, _disk_path_reach(match + slash, bases, recursive, final_link, dir_itself, memo))
        if reach == Reach.YES:
            break
    return reach


def _disk_glob_matches(pattern: str) -> list[str] | None:
    """The paths the glob names on disk now, matched as bash matches them (:func:`bash_glob`: ``[^x]``, classes,
    extended patterns; a leading dot only by a pattern that starts with one). None when that is not known: a
    component not read here, or more than :data:`_DISK_MATCHES` paths."""
    current = ["/"]
    for component in (c for c in pattern.split("/") if c):
        if glob_start(component) is None:
            plain = re.sub(r"\\(.)", r"\1", component)
            current = [posixpath.join(p, plain) for p in current]
            continue
        matcher = bash_glob(component)
        if matcher is None:
            return None
        found: list[str] = []
        for directory in current:
            try:
                names = os.listdir(directory)
            except OSError:
                continue
            for name in names:
                if name.startswith(".") and not component.startswith("."):
                    continue
                if matcher.match(name) is not None:
                    found.append(posixpath.join(directory, name))
            if len(found) > _DISK_MATCHES:
                return None
        current = found
    return current


def _path_reach(path: str, base: str, recursive: bool) -> Reach:
    if is_within(path, base):
        return Reach.YES
    if recursive and is_within(base, path):
        return Reach.YES
    return Reach.NO


# Entries of /proc/PID/ that lead elsewhere (the process's root, cwd, open files, mappings, executable, threads,
# each with their own such links): a path through them is not a per-process file.
_PROC_LEADING = frozenset({"root", "cwd", "fd", "exe", "map_files", "task", "..", "."})


def _proc_entry_reach(word: Word, base: str, recursive: bool) -> Reach | None:
    """``/proc/$PID/oom_score_adj``: what is not known is a process (the variable after ``/proc/`` holds a PID),
    and the known rest names one of its own files. Such a file is a protected path only when the policy protects
    that file of some process; None when the rest is not known or leads elsewhere (``/proc/$PID/root/...``)."""
    parts = word.parts
    first = next(k for k, p in enumerate(parts) if isinstance(p, Unknown))
    rest = parts[first + 1 :]
    if not rest or not all(isinstance(p, Literal) for p in rest):
        return None
    tail = "".join(p.text for p in rest if isinstance(p, Literal))
    names = _components(tail)
    if not tail.startswith("/") or not names:
        return None
    if names[0] == "root":  # the process's root: / (the reading that can name base) or a chroot's, not known
        path = resolve("/" + "/".join(names[1:]), None)
        return Reach.YES if path is not None and _path_reach(path, base, recursive) == Reach.YES else None
    if any(n in _PROC_LEADING for n in names):
        return None
    protected = _components(base)
    if len(protected) < 2:
        return Reach.YES if is_within("/proc", base) else Reach.NO  # base is / or /proc: the file lies in it
    if protected[0] != "proc" or not _PROC_PIDS.fullmatch(protected[1]):
        return Reach.NO  # base is not a file of a process: a process's own file is not it, nor above it
    inside = _path_reach("/" + "/".join(names), "/" + "/".join(protected[2:]), recursive)
    return Reach.NO if inside == Reach.NO else Reach.MAYBE


def _prefix_reach(word: Word, cwd: str | None, base: str, recursive: bool) -> Reach:
    """A word with unknown parts: judge by its known prefix (``/opt/tenmon-ark-live/$X`` is inside; ``/tmp/$X`` is
    not; ``$X`` alone may be anything)."""
    prefix = word.literal_prefix
    if not prefix:
        return Reach.NO if word.names_a_pipe else Reach.MAYBE
    if not prefix.startswith("/"):
        if cwd is None:
            return Reach.MAYBE
        prefix = posixpath.join(cwd, prefix)
    if "/.." in prefix:
        return Reach.MAYBE
    glob_at = glob_start(prefix)
    if glob_at is not None:  # what a glob character starts may be anything, as the unknown part is
        prefix = prefix[:glob_at]
    directory, _, partial = prefix.rpartition("/")
    resolved = resolve(directory or "/", cwd)
    if resolved is None:
        return Reach.MAYBE  # /proc/PID/cwd/$X: another process's working directory
    directory = resolved
    if directory == "/proc" and not partial:
        entry = _proc_entry_reach(word, base, recursive)
        if entry is not None:
            return entry
    if is_within(directory, base):
        return Reach.YES
    if is_within(base, directory):
        # base lies under the known directory: the unknown rest may name it (or an ancestor of it)
        rest = base[len(directory.rstrip("/")) + 1 :]
        first = rest.split("/", 1)[0]
        return Reach.MAYBE if first.startswith(partial) else Reach.NO
    return Reach.NO
