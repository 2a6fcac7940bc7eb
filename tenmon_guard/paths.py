"""Path arithmetic without touching the file system: normalising, resolving against a cwd, and deciding whether a
path, a glob or a partly known word can reach a protected path."""

from __future__ import annotations

import enum
import fnmatch
import posixpath
import re

from tenmon_guard.model import Literal, Word


class Reach(enum.IntEnum):
    """Whether a written word reaches a protected path: NO, MAYBE (not known statically) or YES."""

    NO = 0
    MAYBE = 1
    YES = 2


def normalise(path: str) -> str:
    """``//opt/./x/../y/`` -> ``/opt/y``. Leading ``//`` is ``/`` on Linux."""
    norm = posixpath.normpath(path)
    if norm.startswith("//"):
        norm = "/" + norm.lstrip("/")
    return norm


def resolve(path: str, cwd: str | None) -> str | None:
    """Absolute, normalised path; None when relative and the cwd is unknown."""
    if path.startswith("/"):
        return normalise(path)
    if cwd is None:
        return None
    return normalise(posixpath.join(cwd, path))


def is_within(path: str, base: str) -> bool:
    return path == base or path.startswith(base.rstrip("/") + "/")


def _glob_text(word: Word) -> str:
    """The word as a glob pattern: quoted text escaped so it matches only itself."""
    out = []
    for part in word.parts:
        assert isinstance(part, Literal)
        out.append(re.sub(r"([*?\[])", r"[\1]", part.text) if part.quoted else part.text)
    return "".join(out)


def _components(path: str) -> list[str]:
    return [c for c in path.split("/") if c]


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
        if not fnmatch.fnmatchcase(target[i], component):
            return Reach.NO
    if len(pat) == len(target):
        return Reach.YES
    return Reach.YES if recursive else Reach.NO


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
        return _glob_reach(_normalise_glob(text), base, recursive)
    return _prefix_reach(word, cwd, base, recursive)


def _normalise_glob(text: str) -> str:
    parts: list[str] = []
    for component in text.split("/"):
        if component in ("", "."):
            continue
        if component == ".." and parts and not any(c in parts[-1] for c in "*?["):
            parts.pop()
            continue
        parts.append(component)
    return "/" + "/".join(parts)


def _path_reach(path: str, base: str, recursive: bool) -> Reach:
    if is_within(path, base):
        return Reach.YES
    if recursive and is_within(base, path):
        return Reach.YES
    return Reach.NO


def _prefix_reach(word: Word, cwd: str | None, base: str, recursive: bool) -> Reach:
    """A word with unknown parts: judge by its known prefix (``/opt/tenmon-ark-live/$X`` is inside; ``/tmp/$X`` is
    not; ``$X`` alone may be anything)."""
    prefix = word.literal_prefix
    if not prefix:
        return Reach.MAYBE
    if not prefix.startswith("/"):
        if cwd is None:
            return Reach.MAYBE
        prefix = posixpath.join(cwd, prefix)
    if "/.." in prefix or any(c in prefix for c in "*?["):
        return Reach.MAYBE
    directory, _, partial = prefix.rpartition("/")
    directory = normalise(directory or "/")
    if is_within(directory, base):
        return Reach.YES
    if is_within(base, directory):
        # base lies under the known directory: the unknown rest may name it (or an ancestor of it)
        rest = base[len(directory.rstrip("/")) + 1 :]
        first = rest.split("/", 1)[0]
        return Reach.MAYBE if first.startswith(partial) else Reach.NO
    return Reach.NO
