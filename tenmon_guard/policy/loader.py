"""Loading policy files into typed, validated records, and finding which files to load.

Why so strict: a policy is what stands between a tired operator and a broken production service. A misspelt key,
a list where a string was meant or an undefined ``${variable}`` must never quietly turn into "this rule matches
nothing", so every one of them is an error, and all errors of all files are reported at once as
``FILE:LINE: KEY.PATH: what is wrong`` (list indexes count from 0). Nothing here prints or exits: the doors do.

Loading runs in phases, because a ``${var}`` in one file may be defined in another:

1. find the files (layers SYSTEM then USER), refuse files root must not trust, read and parse them (yamlpos);
2. collect every file's ``variables``, apply ``--var`` overrides, resolve references between variables;
3. validate each document into records, expanding ``${var}`` in every string value;
4. combine the files: SYSTEM files add up; a USER file may add, and may only tighten what SYSTEM says.
"""

from __future__ import annotations

import itertools
import os
import re
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tenmon_guard.errors import PolicyError
from tenmon_guard.frozen import record
from tenmon_guard.policy import yamlpos
from tenmon_guard.policy.types import DOORS, AppSelector, Examples, Layer, Match, Policy, Rule, Settings
from tenmon_guard.policy.yamlpos import YBad, YMap, YNode, YScalar, YSeq, join_index, join_key
from tenmon_guard.signals import normalise_signal, signal_range
from tenmon_guard.verdict import Decision

PathLike = str | os.PathLike[str]

FORMAT_VERSION = 1
VERSION_KEY = "tenmon-guard-policy"
SYSTEM_POLICY_DIR = Path("/etc/tenmon-guard/policies.d")
POLICY_ENV = "TENMON_GUARD_POLICY"

#: Finding ids the engine itself uses; a rule may not take one.
RESERVED_RULE_IDS = frozenset({"unread", "unknown-command", "unknown-target", "guard-error"})

_RULE_ID = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
_APP_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")
_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_REFERENCE = re.compile(r"\$(\$?)\{([^}]*)(\}?)")
_PORT = re.compile(r"[0-9]{1,5}\Z")

_TOP_KEYS = (VERSION_KEY, "name", "description", "variables", "settings", "apps", "rules")
_RULE_KEYS = ("id", "decision", "doubt", "message", "suggestion", "confirm", "match", "exempt_paths", "examples")
_MATCH_KEYS = ("commands", "subcommands", "options", "signals", "targets", "writes")
_APP_KEYS = ("names", "cmdlines", "terms", "units", "ports")
_EXAMPLE_KEYS = ("block", "warn", "allow")
_SETTING_KEYS = ("unknown", "unread")
_RULE_DECISIONS = {"block": Decision.BLOCK, "warn": Decision.WARN}
_DOUBT_DECISIONS = {"block": Decision.BLOCK, "warn": Decision.WARN, "allow": Decision.ALLOW}
_SETTING_DECISIONS = {"allow": Decision.ALLOW, "warn": Decision.WARN, "block": Decision.BLOCK}

# ----------------------------------------------------------------------------------------------------------------
# Finding the files


@record
class PolicyPaths:
    """What :func:`resolve_policy_paths` chose. ``ignored``: paths left out because only trusted layers count
    (the sudo door), so the door can say so instead of silently ignoring a ``--policy``."""

    system: tuple[Path, ...]
    user: tuple[Path, ...] = ()
    require_root_owned: bool = False
    ignored: tuple[Path, ...] = ()


def packaged_policy_dir() -> Path:
    """The default pack shipped in the package (``tenmon_guard/policies``; in a source tree that is a symlink to
    the repository's ``policies/``, so an editable install and a wheel see the same files)."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "policies"
    if packaged.is_dir():
        return packaged
    return here.parent / "policies"


def resolve_policy_paths(
    cli_paths: Sequence[PathLike],
    environ: Mapping[str, str],
    is_root: bool,
    *,
    trusted_only: bool = False,
    system_dir: Path = SYSTEM_POLICY_DIR,
) -> PolicyPaths:
    """The lookup of DESIGN.md. SYSTEM layer: the ``--policy`` paths if any, else ``/etc/tenmon-guard/policies.d``
    if it holds a ``*.yaml``, else the packaged pack. USER layers on top: each entry of ``$TENMON_GUARD_POLICY``
    (``:``-separated), then ``$XDG_CONFIG_HOME/tenmon-guard/policies.d`` (``~/.config/...``) if it holds a
    ``*.yaml``. ``trusted_only`` (a non-root user under the sudo door): everything the user controls is left out.
    ``is_root``: files must then be root-owned and writable only by root (``require_root_owned``)."""
    ignored: list[Path] = []
    if cli_paths and not trusted_only:
        system: tuple[Path, ...] = tuple(Path(p) for p in cli_paths)
    else:
        ignored.extend(Path(p) for p in cli_paths)
        system = (system_dir,) if _has_policy_files(system_dir) else (packaged_policy_dir(),)
    user: list[Path] = [Path(entry) for entry in environ.get(POLICY_ENV, "").split(":") if entry]
    config = _user_config_dir(environ)
    if config is not None and _has_policy_files(config):
        user.append(config)
    if trusted_only:
        ignored.extend(user)
        user = []
    return PolicyPaths(system=system, user=tuple(user), require_root_owned=is_root, ignored=tuple(ignored))


def _user_config_dir(environ: Mapping[str, str]) -> Path | None:
    base = environ.get("XDG_CONFIG_HOME", "")
    if not base.startswith("/"):
        home = environ.get("HOME", "")
        if not home:
            return None
        base = os.path.join(home, ".config")
    return Path(base) / "tenmon-guard" / "policies.d"


def _has_policy_files(directory: Path) -> bool:
    """True if the directory holds a ``*.yaml``, and also if it exists but cannot be listed: falling back to
    another policy because of a permission problem would change the rules silently; the loader reports it."""
    try:
        return any(_is_policy_name(name) for name in os.listdir(directory))
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True


def _is_policy_name(name: str) -> bool:
    return name.endswith(".yaml") and not name.startswith(".")


# ----------------------------------------------------------------------------------------------------------------
# Collecting errors


class _Sink:
    """All errors of a load, ordered by file then line so the output reads like the files."""

    def __init__(self) -> None:
        self._items: list[tuple[int, int, int, str]] = []

    def add(self, order: int, line: int, text: str) -> None:
        if not text.isprintable():  # a key or file name with a newline must not break the one-line format
            text = "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
        self._items.append((order, line, len(self._items), text))

    def __bool__(self) -> bool:
        return bool(self._items)

    def messages(self) -> list[str]:
        return [item[3] for item in sorted(self._items)]


@dataclass
class _File:
    """One policy file being loaded: where errors about it go."""

    display: str
    path: Path
    layer: Layer
    order: int
    sink: _Sink
    root: YMap | None = None

    def error(self, line: int, path: str, message: str) -> None:
        where = f"{self.display}:{line}: "
        self.sink.add(self.order, line, where + (f"{path}: {message}" if path else message))

    def source(self, line: int) -> str:
        return f"{self.display}:{line}"


class _Invalid(Exception):
    """Raised by a value check with the text of what is wrong."""


# ----------------------------------------------------------------------------------------------------------------
# Public entry point


def load_policy(
    paths: Sequence[PathLike],
    overrides: Mapping[str, str] | None = None,
    *,
    user_paths: Sequence[PathLike] = (),
    require_root_owned: bool = False,
    known: Mapping[str, str] | None = None,
) -> Policy:
    """Load, validate and combine policy files (each a file or a directory of ``*.yaml``).

    ``paths`` form the SYSTEM layer, ``user_paths`` the USER layer. ``overrides`` (``--var NAME=VALUE``) replace
    variable defaults, taken literally. ``known``: values the door itself knows (the agent door: the agent's
    home), which replace the defaults of the variables a file defines and are ignored for a name none defines (an
    admin's copy may leave a rule and its variable out); ``overrides`` still win over them. Raises
    :class:`PolicyError` with every mistake found."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if isinstance(user_paths, (str, os.PathLike)):
        user_paths = [user_paths]
    sink = _Sink()
    gather = _Gatherer(sink, require_root_owned)
    files = gather.files(paths, Layer.SYSTEM) + gather.files(user_paths, Layer.USER)
    if not files and not sink:
        sink.add(0, 0, "no policy files given")
    for policy_file in files:
        _read(policy_file)
    parsed = [f for f in files if f.root is not None]
    expander = _Expander(sink)
    expander.collect(parsed)
    expander.apply_known(known or {})
    expander.apply_overrides(overrides or {})
    expander.resolve_all()
    documents = [_validate_document(f, expander) for f in parsed]
    policy = _combine(documents, expander.values, [f.display for f in files])
    if sink:
        raise PolicyError(sink.messages())
    return policy


class _Gatherer:
    """Expands each entry (a file, or a directory's ``*.yaml`` sorted by name) into files to read, refusing what
    root must not trust. A file reached twice is read once, in its first (most trusted) place."""

    def __init__(self, sink: _Sink, require_root_owned: bool) -> None:
        self.sink = sink
        self.require_root_owned = require_root_owned
        self.seen: set[str] = set()
        self.order = itertools.count()

    def files(self, entries: Sequence[PathLike], layer: Layer) -> list[_File]:
        found: list[_File] = []
        for entry in entries:
            display = os.fspath(entry)
            path = Path(display)
            try:
                mode = path.stat().st_mode
            except OSError as exc:
                self.sink.add(next(self.order), 0, f"{display}: cannot read: {_strerror(exc)}")
                continue
            if not self._trusted(path, display):
                continue
            members = self._members(path, display) if stat.S_ISDIR(mode) else [(path, display)]
            for member, member_display in members:
                real = os.path.realpath(member)
                if real in self.seen or (member is not path and not self._trusted(member, member_display)):
                    continue
                self.seen.add(real)
                found.append(_File(member_display, member, layer, next(self.order), self.sink))
        return found

    def _trusted(self, path: Path, display: str) -> bool:
        problem = _ownership_problem(path) if self.require_root_owned else None
        if problem:
            self.sink.add(next(self.order), 0, f"{display}: refused: {problem}")
        return problem is None

    def _members(self, path: Path, display: str) -> list[tuple[Path, str]]:
        try:
            names = sorted(name for name in os.listdir(path) if _is_policy_name(name))
        except OSError as exc:
            self.sink.add(next(self.order), 0, f"{display}: cannot read: {_strerror(exc)}")
            return []
        if not names:
            self.sink.add(next(self.order), 0, f"{display}: no *.yaml policy files in this directory")
        return [(path / name, os.path.join(display, name)) for name in names]


def _read(policy_file: _File) -> None:
    """Read and parse one file into ``policy_file.root``; every failure is one clean message."""
    try:
        with open(policy_file.path, "rb", opener=_open_nonblocking) as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                policy_file.sink.add(policy_file.order, 0, f"{policy_file.display}: not a regular file")
                return
            data = handle.read()
    except OSError as exc:
        policy_file.sink.add(policy_file.order, 0, f"{policy_file.display}: cannot read: {_strerror(exc)}")
        return
    try:
        tree, problems = yamlpos.parse(yamlpos.decode(data))
    except yamlpos.YamlError as exc:
        policy_file.error(exc.line, "", exc.message)
        return
    for problem in problems:
        policy_file.error(problem.line, problem.path, problem.message)
    if tree is None:
        policy_file.error(1, "", f"empty policy file (a policy starts with '{VERSION_KEY}: {FORMAT_VERSION}')")
    elif not isinstance(tree, YMap):
        policy_file.error(tree.line, "", f"expected a mapping at the top level; got {_got(tree)}")
    else:
        policy_file.root = tree


def _open_nonblocking(path: str, flags: int) -> int:
    """Opening a FIFO named like a policy must not hang the guard; the regular-file check follows."""
    return os.open(path, flags | os.O_NONBLOCK)


def _strerror(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def _ownership_problem(path: Path) -> str | None:
    """Why root must not read this path, or None. The file (or directory), every directory above it, and the same
    for its real path after symlinks, must be root-owned and not writable by group or others (an ancestor may be
    world-writable with the sticky bit, like /tmp: nobody else can replace root's entries there)."""
    absolute = Path(os.path.abspath(path))
    chains = [absolute, Path(os.path.realpath(path))]
    for chain in chains:
        for index, current in enumerate([chain, *chain.parents]):
            try:
                info = os.lstat(current)
            except OSError as exc:
                return f"cannot check {current}: {_strerror(exc)}"
            what = "it is" if index == 0 and chain == absolute else f"{current} is"
            if info.st_uid != 0:
                return f"{what} owned by {_user_name(info.st_uid)}, not root{_ROOT_NOTE}"
            if stat.S_ISLNK(info.st_mode):
                continue
            sticky_dir = index > 0 and stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_ISVTX
            if info.st_mode & 0o022 and not sticky_dir:
                mode = f"{stat.S_IMODE(info.st_mode):04o}"
                return f"{what} writable by group or others (mode {mode}){_ROOT_NOTE}"
    return None


_ROOT_NOTE = " (running as root, tenmon-guard reads only policy files that root owns and only root can write)"


def _user_name(uid: int) -> str:
    import pwd  # only on this error path

    try:
        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except KeyError:
        return f"uid {uid}"


# ----------------------------------------------------------------------------------------------------------------
# Variables


@record
class _VarDef:
    name: str
    text: str
    line: int
    file: _File


class _Expander:
    """Holds every file's variables and resolves ``${name}`` references; ``$${`` is a literal ``${``.

    A variable that failed (undefined reference, cycle) is ``broken``: it was reported once, and strings that use
    it are not reported again."""

    def __init__(self, sink: _Sink) -> None:
        self.sink = sink
        self.defs: dict[str, _VarDef] = {}
        self.values: dict[str, str] = {}
        self.broken: set[str] = set()
        self._resolving: list[str] = []

    def collect(self, files: Iterable[_File]) -> None:
        for policy_file in files:
            assert policy_file.root is not None
            node = _entry(policy_file.root, "variables")
            if node is None or isinstance(node, YBad):
                continue
            if not isinstance(node, YMap):
                policy_file.error(node.line, "variables", f"expected a mapping of name: value; got {_got(node)}")
                continue
            for key, value in node.entries:
                self._define(policy_file, key, value)

    def _define(self, policy_file: _File, key: YScalar, value: YNode) -> None:
        path = join_key("variables", key.text)
        if not _VAR_NAME.match(key.text):
            policy_file.error(key.line, path, "not a valid variable name (letters, digits and _; not a digit first)")
            return
        if isinstance(value, YBad):
            self.broken.add(key.text)
            return
        if not isinstance(value, YScalar) or value.kind != "string":
            policy_file.error(value.line, path, f"expected a string; got {_got(value, want_string=True)}")
            self.broken.add(key.text)
            return
        previous = self.defs.get(key.text)
        if previous is None:
            self.defs[key.text] = _VarDef(key.text, value.text, value.line, policy_file)
        elif previous.text != value.text:
            where = previous.file.source(previous.line)
            if previous.file.layer is Layer.SYSTEM and policy_file.layer is Layer.USER:
                message = f"a user policy may not change the system variable '{key.text}' (set at {where})"
            else:
                message = f"variable '{key.text}' is already defined differently at {where}"
            policy_file.error(value.line, path, message)

    def apply_known(self, known: Mapping[str, str]) -> None:
        """Values a door knows for variables a file may define: taken literally where one does, else ignored."""
        for name, value in known.items():
            if name in self.defs:
                self.values[name] = value
                self.broken.discard(name)

    def apply_overrides(self, overrides: Mapping[str, str]) -> None:
        for name, value in overrides.items():
            if name in self.defs:
                self.values[name] = value
                self.broken.discard(name)
            elif name not in self.broken:
                hint = _did_you_mean(name, self.defs) or f" (defined: {', '.join(sorted(self.defs)) or 'none'})"
                self.sink.add(-1, 0, f"--var {name}: no policy file defines this variable{hint}")

    def resolve_all(self) -> None:
        for name in self.defs:
            try:
                self.resolve(name)
            except RecursionError:  # a chain of hundreds of variables: report, never a traceback
                definition = self.defs[name]
                message = "references nested too deeply"
                definition.file.error(definition.line, join_key("variables", name), message)
                self.broken.update(other for other in self.defs if other not in self.values)

    def resolve(self, name: str) -> str | None:
        if name in self.values:
            return self.values[name]
        if name in self.broken:
            return None
        definition = self.defs[name]
        if name in self._resolving:
            cycle = [*self._resolving[self._resolving.index(name) :], name]
            definition.file.error(definition.line, join_key("variables", name), f"cycle: {' -> '.join(cycle)}")
            self.broken.update(cycle)
            return None
        self._resolving.append(name)
        try:
            value, errors = self.expand(definition.text, definition.file.layer)
        finally:
            self._resolving.pop()
        for message in errors:
            definition.file.error(definition.line, join_key("variables", name), message)
        if value is None or name in self.broken:
            self.broken.add(name)
            return None
        self.values[name] = value
        return value

    def expand(self, text: str, layer: Layer) -> tuple[str | None, list[str]]:
        """The text with references replaced; None if it cannot be (errors say why, or a broken variable).

        Text from a SYSTEM file sees only SYSTEM variables: a user must not be able to fill in a system rule."""
        if "${" not in text:
            return text, []
        errors: list[str] = []
        failed = False

        def substitute(found: re.Match[str]) -> str:
            nonlocal failed
            literal, name, closed = found.groups()
            if literal:
                return found.group(0)[1:]
            if not closed:
                errors.append("unterminated '${' (write $${ for a literal ${)")
            elif not _VAR_NAME.match(name):
                errors.append(f"'${{{name}}}' is not a variable reference (write $${{ for a literal ${{)")
            elif name in self.defs and self.defs[name].file.layer > layer:
                errors.append(f"undefined variable '{name}' in a system policy (only a user policy defines it)")
            elif name in self.defs:
                value = self.resolve(name)
                if value is not None:
                    return value
            elif name not in self.broken:
                hint = _did_you_mean(name, self.defs) or f" (write $${{{name}}} for a literal ${{{name}}})"
                errors.append(f"undefined variable '{name}'{hint}")
            failed = True
            return ""

        result = _REFERENCE.sub(substitute, text)
        return (None if failed else result), errors


# ----------------------------------------------------------------------------------------------------------------
# Validating one document


@dataclass
class _RuleInfo:
    """A rule and where its keys are, for messages about it. ``rule`` is None when the rule itself is invalid
    (already reported) but its id is known, so a duplicate id is still found in the same round."""

    id: str
    source: str
    rule: Rule | None
    path: str
    lines: dict[str, int]
    file: _File


@dataclass
class _AppInfo:
    app: AppSelector
    line: int
    file: _File


@dataclass
class _Document:
    file: _File
    apps: list[_AppInfo] = field(default_factory=list)
    settings: list[tuple[str, str, Decision, int]] = field(default_factory=list)
    rules: list[_RuleInfo] = field(default_factory=list)


class _Checker:
    """Type checks for one file; each returns None after reporting, so callers just skip what failed."""

    def __init__(self, policy_file: _File, expander: _Expander) -> None:
        self.file = policy_file
        self.expander = expander

    def error(self, line: int, path: str, message: str) -> None:
        self.file.error(line, path, message)

    def fields(self, node: YNode, path: str, allowed: Sequence[str], required: Sequence[str] = ()) -> dict[str, YNode]:
        """A mapping's entries by key, after reporting unknown keys and missing required ones."""
        if isinstance(node, YBad):
            return {}
        if not isinstance(node, YMap):
            self.error(node.line, path, f"expected a mapping; got {_got(node)}")
            return {}
        found: dict[str, YNode] = {}
        for key, value in node.entries:
            if key.text in allowed:
                found[key.text] = value
            else:
                hint = _did_you_mean(key.text, allowed) or f" (expected one of: {', '.join(allowed)})"
                self.error(key.line, join_key(path, key.text), f"unknown key{hint}")
        for name in required:
            if name not in found:
                self.error(node.line, join_key(path, name), "required key is missing")
        return found

    def string(
        self,
        node: YNode,
        path: str,
        *,
        check: Callable[[str], str] | None = None,
        expand: bool = True,
        integers: bool = False,
    ) -> str | None:
        """A non-empty string after ``${var}`` expansion, passed through ``check``. ``integers``: a YAML integer is
        taken as written (signal and port numbers: ``9`` means what ``"9"`` means)."""
        if isinstance(node, YBad):
            return None
        if integers and isinstance(node, YScalar) and node.kind == "integer":
            node = YScalar(node.text, "string", node.line)
        if not isinstance(node, YScalar) or node.kind != "string":
            self.error(node.line, path, f"expected a string; got {_got(node, want_string=True)}")
            return None
        text: str | None = node.text
        if expand:
            text, errors = self.expander.expand(node.text, self.file.layer)
            for message in errors:
                self.error(node.line, path, message)
        if text is None:
            return None
        if not text.strip():
            self.error(node.line, path, "expected a non-empty string")
            return None
        if check is not None:
            try:
                return check(text)
            except _Invalid as exc:
                self.error(node.line, path, str(exc))
                return None
        return text

    def strings(
        self,
        node: YNode,
        path: str,
        *,
        check: Callable[[str], str] | None = None,
        allow_empty: bool = False,
        integers: bool = False,
    ) -> tuple[str, ...] | None:
        if isinstance(node, YBad):
            return None
        if not isinstance(node, YSeq):
            self.error(node.line, path, f"expected a list of strings; got {_got(node)}")
            return None
        if not node.items and not allow_empty:
            self.error(node.line, path, "expected a non-empty list")
            return None
        values = [
            self.string(item, join_index(path, i), check=check, integers=integers) for i, item in enumerate(node.items)
        ]
        if any(value is None for value in values):
            return None
        return tuple(value for value in values if value is not None)

    def choice(self, node: YNode, path: str, choices: Mapping[str, Decision]) -> Decision | None:
        if isinstance(node, YBad):
            return None
        if isinstance(node, YScalar) and node.kind == "string" and node.text in choices:
            return choices[node.text]
        self.error(node.line, path, f"expected one of {', '.join(choices)}; got {_got(node)}")
        return None


def _validate_document(policy_file: _File, expander: _Expander) -> _Document:
    assert policy_file.root is not None
    check = _Checker(policy_file, expander)
    document = _Document(policy_file)
    top = check.fields(policy_file.root, "", _TOP_KEYS, required=(VERSION_KEY, "name"))
    if VERSION_KEY in top:
        _check_version(check, top[VERSION_KEY])
    if "name" in top:
        check.string(top["name"], "name")
    if "description" in top:
        check.string(top["description"], "description")
    if "settings" in top:
        document.settings = _settings(check, top["settings"])
    if "apps" in top:
        document.apps = _apps(check, top["apps"])
    if "rules" in top:
        document.rules = _rules(check, top["rules"])
    return document


def _check_version(check: _Checker, node: YNode) -> None:
    if isinstance(node, YBad):
        return
    if isinstance(node, YScalar) and node.kind == "integer":
        if _int(node.text) == FORMAT_VERSION:
            return
        message = f"unsupported format version {node.text}; this tenmon-guard reads version {FORMAT_VERSION}"
    else:
        message = f"expected the format version {FORMAT_VERSION} (an integer); got {_got(node)}"
    check.error(node.line, VERSION_KEY, message)


def _int(text: str) -> int | None:
    try:
        return int(text.replace("_", ""), 0)
    except ValueError:
        return None


def _settings(check: _Checker, node: YNode) -> list[tuple[str, str, Decision, int]]:
    found: list[tuple[str, str, Decision, int]] = []
    for kind, doors in check.fields(node, "settings", _SETTING_KEYS).items():
        path = join_key("settings", kind)
        for door, value in check.fields(doors, path, DOORS).items():
            decision = check.choice(value, join_key(path, door), _SETTING_DECISIONS)
            if decision is not None:
                found.append((kind, door, decision, value.line))
    return found


def _apps(check: _Checker, node: YNode) -> list[_AppInfo]:
    if isinstance(node, YBad):
        return []
    if not isinstance(node, YMap):
        check.error(node.line, "apps", f"expected a mapping of app name: selectors; got {_got(node)}")
        return []
    apps: list[_AppInfo] = []
    for key, value in node.entries:
        path = join_key("apps", key.text)
        if not _APP_NAME.match(key.text):
            check.error(key.line, path, "not a valid app name (letters, digits, - and _)")
            continue
        found = check.fields(value, path, _APP_KEYS)
        if isinstance(value, YMap) and not found and not value.entries:
            check.error(value.line, path, f"expected at least one of {', '.join(_APP_KEYS)}")
            continue
        lists = {
            name: check.strings(
                item, join_key(path, name), check=_check_port if name == "ports" else None, integers=name == "ports"
            )
            for name, item in found.items()
        }
        if found and all(item is not None for item in lists.values()):
            selectors = {name: item for name, item in lists.items() if item is not None}
            apps.append(_AppInfo(AppSelector(name=key.text, **selectors), key.line, check.file))
    return apps


def _rules(check: _Checker, node: YNode) -> list[_RuleInfo]:
    if isinstance(node, YBad):
        return []
    if not isinstance(node, YSeq):
        check.error(node.line, "rules", f"expected a list of rules; got {_got(node)}")
        return []
    rules = [_rule(check, item, join_index("rules", index)) for index, item in enumerate(node.items)]
    return [rule for rule in rules if rule is not None]


def _rule(check: _Checker, node: YNode, path: str) -> _RuleInfo | None:
    found = check.fields(node, path, _RULE_KEYS, required=("id", "decision", "message", "match"))
    if not found:
        return None
    rule_id = (
        check.string(found["id"], join_key(path, "id"), check=_check_rule_id, expand=False) if "id" in found else None
    )
    decision = (
        check.choice(found["decision"], join_key(path, "decision"), _RULE_DECISIONS) if "decision" in found else None
    )
    message = check.string(found["message"], join_key(path, "message")) if "message" in found else None
    doubt = check.choice(found["doubt"], join_key(path, "doubt"), _DOUBT_DECISIONS) if "doubt" in found else None
    optional = {
        name: check.string(found[name], join_key(path, name)) for name in ("suggestion", "confirm") if name in found
    }
    exempt: tuple[str, ...] | None = ()
    if "exempt_paths" in found:
        exempt = check.strings(found["exempt_paths"], join_key(path, "exempt_paths"))
    examples = _examples(check, found["examples"], join_key(path, "examples")) if "examples" in found else Examples()
    match = _match(check, found["match"], join_key(path, "match")) if "match" in found else None
    if rule_id is None:
        return None
    lines = {name: value.line for name, value in found.items()}
    match_node = found.get("match")
    if isinstance(match_node, YMap):
        lines.update({f"match.{key.text}": value.line for key, value in match_node.entries})
    source = check.file.source(node.line)
    if decision is None or message is None or exempt is None or examples is None or match is None:
        return _RuleInfo(rule_id, source, None, path, lines, check.file)
    if None in optional.values() or ("doubt" in found and doubt is None):
        return _RuleInfo(rule_id, source, None, path, lines, check.file)
    rule = Rule(
        id=rule_id,
        decision=decision,
        message=message,
        match=match,
        suggestion=optional.get("suggestion"),
        confirm=optional.get("confirm"),
        exempt_paths=exempt,
        doubt=doubt,
        examples=examples,
        source=source,
        layer=check.file.layer,
    )
    return _RuleInfo(rule_id, source, rule, path, lines, check.file)


def _match(check: _Checker, node: YNode, path: str) -> Match | None:
    found = check.fields(node, path, _MATCH_KEYS)
    if not isinstance(node, YMap):
        return None
    if not node.entries:
        check.error(node.line, path, f"expected at least one of {', '.join(_MATCH_KEYS)}")
        return None
    lists: dict[str, tuple[str, ...] | None] = {}
    for name, value in found.items():
        if name != "targets":
            lists[name] = check.strings(
                value, join_key(path, name), check=_MATCH_CHECKS.get(name), integers=name == "signals"
            )
    targets = None
    if "targets" in found:
        targets = check.string(found["targets"], join_key(path, "targets"), check=_check_app_reference)
    complete = len(found) == len(node.entries) and ("targets" not in found or targets is not None)
    if not complete or any(value is None for value in lists.values()):
        return None
    return Match(
        commands=lists.get("commands") or (),
        subcommands=lists.get("subcommands") or (),
        options=lists.get("options") or (),
        signals=_signals(lists.get("signals") or ()),
        targets=targets,
        writes=lists.get("writes") or (),
    )


def _examples(check: _Checker, node: YNode, path: str) -> Examples | None:
    found = check.fields(node, path, _EXAMPLE_KEYS)
    if not isinstance(node, YMap):
        return None
    lists = {name: check.strings(value, join_key(path, name), allow_empty=True) for name, value in found.items()}
    if len(found) < len(node.entries) or any(value is None for value in lists.values()):
        return None
    return Examples(
        block=lists.get("block") or (),
        warn=lists.get("warn") or (),
        allow=lists.get("allow") or (),
    )


# ----------------------------------------------------------------------------------------------------------------
# Value checks (raise _Invalid with the message; return the value to keep, possibly normalised)


def _check_rule_id(text: str) -> str:
    if not _RULE_ID.match(text):
        raise _Invalid(f"expected lowercase letters, digits and -, starting with a letter or digit; got {text!r}")
    if text in RESERVED_RULE_IDS:
        raise _Invalid(f"'{text}' is reserved for the guard's own findings ({', '.join(sorted(RESERVED_RULE_IDS))})")
    return text


def _check_command(text: str) -> str:
    if "/" in text:
        name = text.rstrip("/").rsplit("/", 1)[-1]
        raise _Invalid(f"expected a command name, not a path (commands are matched by name: {name!r}); got {text!r}")
    return text


def _check_option(text: str) -> str:
    if not text.startswith("-") or text.strip("-") == "" or " " in text:
        raise _Invalid(f"expected an option such as -k or --kill; got {text!r}")
    return text


def _check_signal(text: str) -> str:
    """Signals are stored in the spelling the matcher uses (``9``, ``sigkill`` -> ``KILL``); ``ANY`` is any; a range
    ``FIRST..LAST`` (``RTMIN..RTMAX``) is kept as the names it spans, space-separated (``_signals`` splits it)."""
    name = "ANY" if text.strip().upper() == "ANY" else normalise_signal(text)
    if name is None and ".." in text:
        spanned = signal_range(text)
        name = " ".join(spanned) if spanned else None
    if name is None:
        raise _Invalid(
            f"expected a signal name or number (KILL, SIGKILL, 9, ...), a range of them (RTMIN..RTMAX) or ANY; "
            f"got {text!r}"
        )
    return name


def _signals(checked: tuple[str, ...]) -> tuple[str, ...]:
    """The signals a rule names, once each, a range as every signal in it."""
    return tuple(dict.fromkeys(name for item in checked for name in item.split()))


def _check_write_pattern(text: str) -> str:
    """A path, or a path with ``/**`` at its end (what is below it too): the only forms the matcher knows. Any
    other glob (``**/.env``, ``/opt/*/dist``) would never match, and a rule that silently protects nothing is
    worse than an error."""
    if not text.startswith("/"):
        raise _Invalid(f"expected an absolute path (/PATH, or /PATH/** for what is below it too); got {text!r}")
    body = text[:-3] if text.endswith("/**") else text
    if any(c in body for c in "*?["):
        raise _Invalid(
            f"only a trailing /** is understood in a path pattern (/PATH, /PATH/**); got {text!r}, "
            "which would never match"
        )
    return text


def _check_port(text: str) -> str:
    if not _PORT.match(text) or not 0 < int(text) < 65536:
        raise _Invalid(f"expected a TCP port number (1-65535); got {text!r}")
    return text


def _check_app_reference(text: str) -> str:
    if not _APP_NAME.match(text):
        raise _Invalid(f"expected the name of an app defined under apps; got {text!r}")
    return text


_MATCH_CHECKS: dict[str, Callable[[str], str]] = {
    "commands": _check_command,
    "options": _check_option,
    "signals": _check_signal,
    "writes": _check_write_pattern,
}


# ----------------------------------------------------------------------------------------------------------------
# Combining layers


def _combine(documents: list[_Document], variables: dict[str, str], sources: list[str]) -> Policy:
    """SYSTEM documents add up (a rule id or app defined twice is an error); USER documents may add rules and
    apps, raise settings and tighten a SYSTEM rule, never loosen or change one."""
    apps = _combine_apps(documents)
    settings = _combine_settings(documents)
    system_apps = {name for name, info in apps.items() if info.file.layer is Layer.SYSTEM}
    rules: list[Rule] = []
    where: dict[str, _RuleInfo] = {}
    position: dict[str, int] = {}
    for document in documents:
        for info in document.rules:
            if info.rule is not None:
                _check_target(info, info.rule, system_apps if info.file.layer is Layer.SYSTEM else set(apps))
            previous = where.get(info.id)
            if previous is None:
                where[info.id] = info
                if info.rule is not None:
                    position[info.id] = len(rules)
                    rules.append(info.rule)
            elif previous.file.layer is Layer.SYSTEM and info.file.layer is Layer.USER:
                if (
                    info.rule is not None
                    and previous.rule is not None
                    and _check_tightening(info, info.rule, previous.rule)
                ):
                    rules[position[info.id]] = info.rule
                    where[info.id] = info
            else:
                info.file.error(
                    info.lines["id"],
                    join_key(info.path, "id"),
                    f"duplicate rule id '{info.id}' (first defined at {previous.source})",
                )
    return Policy(
        rules=tuple(rules),
        apps={name: info.app for name, info in apps.items()},
        variables=dict(variables),
        settings=settings,
        sources=tuple(sources),
    )


def _combine_apps(documents: list[_Document]) -> dict[str, _AppInfo]:
    apps: dict[str, _AppInfo] = {}
    for document in documents:
        for info in document.apps:
            previous = apps.get(info.app.name)
            if previous is None:
                apps[info.app.name] = info
                continue
            if previous.app == info.app:
                continue
            where = previous.file.source(previous.line)
            if previous.file.layer is Layer.SYSTEM and info.file.layer is Layer.USER:
                message = f"a user policy may not change the system app '{info.app.name}' (defined at {where})"
            else:
                message = f"app '{info.app.name}' is already defined differently at {where}"
            info.file.error(info.line, join_key("apps", info.app.name), message)
    return apps


def _combine_settings(documents: list[_Document]) -> Settings:
    defaults = Settings()
    effective = {"unknown": dict(defaults.unknown), "unread": dict(defaults.unread)}
    set_by: dict[tuple[str, str], str] = {}
    for layer in (Layer.SYSTEM, Layer.USER):
        for document in documents:
            if document.file.layer is not layer:
                continue
            for kind, door, decision, line in document.settings:
                path = f"settings.{kind}.{door}"
                current = effective[kind][door]
                origin = set_by.get((kind, door))
                if layer is Layer.SYSTEM and origin is not None and decision != current:
                    document.file.error(line, path, f"conflicts with {origin} ({current.label})")
                elif layer is Layer.USER and decision < current:
                    origin_text = origin or "the built-in default"
                    document.file.error(
                        line,
                        path,
                        f"a user policy may not lower this from {current.label} to {decision.label} "
                        f"(set by {origin_text})",
                    )
                elif layer is Layer.SYSTEM or decision > current:
                    effective[kind][door] = decision
                    set_by[(kind, door)] = document.file.source(line)
    return Settings(unknown=effective["unknown"], unread=effective["unread"])


def _check_target(info: _RuleInfo, rule: Rule, known: set[str]) -> None:
    target = rule.match.targets
    if target is None or target in known:
        return
    scope = "a system policy" if info.file.layer is Layer.SYSTEM else "any policy"
    defined = ", ".join(sorted(known)) or "none"
    info.file.error(
        info.lines.get("match.targets", info.lines["match"]),
        join_key(info.path, "match.targets"),
        f"no app named '{target}' is defined in {scope} (defined: {defined})",
    )


def _check_tightening(info: _RuleInfo, rule: Rule, system: Rule) -> bool:
    """A USER rule reusing a SYSTEM rule's id replaces it only if it is at least as strict: same match, decision
    not lower, no new exempt path, no new or different confirm token (a confirm lets a person go ahead)."""
    problems: list[tuple[str, str]] = []
    where = f"system rule '{rule.id}' ({system.source})"
    if rule.decision < system.decision:
        problems.append(
            ("decision", f"a user policy may not lower {where} from {system.decision.label} to {rule.decision.label}")
        )
    if rule.doubt is not None and (system.doubt is None or rule.doubt < system.doubt):
        problems.append(("doubt", f"a user policy may not lower what a doubt on {where} gives"))
    if rule.match != system.match:
        problems.append(
            (
                "match",
                f"a user policy may redefine {where} only to tighten it, with the same match; "
                "give a rule that matches something else a new id",
            )
        )
    added = [path for path in rule.exempt_paths if path not in system.exempt_paths]
    if added:
        problems.append(("exempt_paths", f"a user policy may not add exempt paths to {where}: {', '.join(added)}"))
    if rule.confirm is not None and rule.confirm != system.confirm:
        problems.append(("confirm", f"a user policy may not add or change the confirm of {where}"))
    for key, message in problems:
        info.file.error(info.lines.get(key, info.lines["id"]), join_key(info.path, key), message)
    return not problems


# ----------------------------------------------------------------------------------------------------------------
# Helpers


def _entry(node: YMap, key: str) -> YNode | None:
    for entry_key, value in node.entries:
        if entry_key.text == key:
            return value
    return None


def _got(node: YNode, *, want_string: bool = False) -> str:
    """How a wrong value is shown: strings quoted as written, other scalars with their YAML type."""
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    if isinstance(node, YBad):
        return "an unsupported value"
    if node.kind == "string":
        return repr(node.text)
    if node.kind == "null":
        return "nothing (null)"
    article = "an" if node.kind[0] in "aeiou" else "a"
    if want_string:
        return f'{node.text} ({article} {node.kind}; write "{node.text}" for a string)'
    return f"{node.text} ({article} {node.kind})"


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    import difflib  # only on error paths

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    return f"; did you mean '{close[0]}'?" if close else ""
