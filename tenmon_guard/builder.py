"""Lowering: from a backend's syntax to the flat command model.

This is where wrappers are seen through, ``cd``/``pushd`` and same-line assignments are applied, and nested shell
text (``bash -c``, ``eval``, heredocs fed to a shell, ``watch``, ``su -c``) is parsed again. It is done once, here,
for every rule and every door.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import functools
import itertools
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from tenmon_guard import arith, filters, paths
from tenmon_guard.choices import ABSENT, Choices
from tenmon_guard.conditions import holds_pattern_syntax, outcome_of_conditional, outcome_of_test, same_ignoring_case
from tenmon_guard.effects import (
    FOUND,
    certain_code_words,
    code_texts,
    code_words,
    find_name_globs,
    find_start_points,
    keyed_values,
    module_directories,
    module_files,
    program_files,
    program_operands,
    program_text,
    script_files,
    shell_texts,
    stdin_code_option,
    stored_values,
    under_prefix,
    word_text,
)
from tenmon_guard.elsewhere import (
    APT_CONFIG,
    CRON_TABLE,
    LOCAL,
    LOGROTATE_CONFIG,
    REMOTE,
    SCRIPT,
    SYSTEM_CRON_TABLE,
    SYSTEMD_UNIT,
    TMPFILES_CONFIG,
    UDEV_RULES,
    UNKNOWN_HOME,
    Subcommand,
    apt_settings,
    batch_steps,
    batch_words,
    config_settings,
    cron_jobs,
    environment_file,
    installed_files,
    installed_kind,
    line_commands,
    logrotate_olddirs,
    logrotate_paths,
    logrotate_scripts,
    manager_defaults,
    own_command_lines,
    placed,
    readline_macro,
    readline_shell_binding,
    remote_directory,
    remote_path_named,
    subcommands,
    tmpfiles_paths,
    typed_lines,
    udev_commands,
    unit_commands,
    unit_environment,
    unit_of,
    unit_settings,
)
from tenmon_guard.frozen import fill_fields_directly
from tenmon_guard.hashbang import program_name, read_hashbang
from tenmon_guard.knowledge import CommandSpec, InlineCode, Knowledge, OptionSpec, SubcommandRunner, load_knowledge
from tenmon_guard.model import (
    JOB,
    CommandModel,
    Invocation,
    Literal,
    Matches,
    Part,
    Redirect,
    ShellAtStart,
    Span,
    Unknown,
    Unread,
    Word,
    Wrapper,
    glob_start,
    literal_word,
    names_an_argument,
    plain_word,
)
from tenmon_guard.options import ParsedArgs, parse_args, value_text
from tenmon_guard.printfparts import printf_in_part
from tenmon_guard.shellscan import ANSI_C, SINGLE, piece_quoting, skip_quoted
from tenmon_guard.signals import listed
from tenmon_guard.syntax import (
    CommandList,
    Compound,
    Node,
    ParsedScript,
    Pipeline,
    RedirectSyntax,
    SimpleCommand,
    SubstitutionSyntax,
    WordSyntax,
)
from tenmon_guard.words import (
    _DEFAULT_IFS,
    ASSIGNED_ANYWHERE,
    BACKGROUND_PID,
    LEFT,
    POSITIONAL,
    SCRIPT_NAME,
    Env,
    Keyed,
    Value,
    _skip_balanced,
    _subscript_close,
    array_items,
    array_key,
    expand_word,
    make_array,
    next_index,
    no_substitutions,
    plain_source,
    split_assignment,
    split_element_assignment,
)

if TYPE_CHECKING:  # programs.py is imported where a sed or awk program is read: most lines never need it
    from tenmon_guard.programs import Computed, ProgramInput, Text

ParseFn = Callable[[str], ParsedScript]
MAX_NESTING = 12
MAX_LOOP_VALUES = 16
MAX_LOOP_PASSES = 2  # passes of a loop read again until where they start settles (see Builder._passes)
MAX_INVOCATIONS = 20_000
# Commands read (a loop's body once per value, a function's body again at a call...), per build: the largest script
# of the benchmark's 1,593 reads 14,545; nested loops read their bodies a product of times (2^n for n loops of two
# values), so a text built to do that would otherwise be read for hours (see _StopReading).
MAX_READINGS = 200_000
MAX_VALUE_CHARS = 1 << 16
MAX_ARRAY_ELEMENTS = 1024
MAX_PROGRAM_RECORDS = 256  # input lines of sed or awk computed one by one
# Calls whose body is read again with their arguments, per build: of functions that run an argument as a command,
# and of functions whose arguments only reach other commands (the rest of their calls are judged as commands).
MAX_RUNNING_CALLS = 2048
MAX_REACHING_CALLS = 64
MAX_CHANGING_CALLS = 64  # and of functions that only change the caller's shell (cd, variables)
MAX_MOVED_CALLS = 64  # and of the others, called where the cwd or a variable they read is not what it was
MAX_KEPT = 64  # texts kept to run later (traps, PROMPT_COMMAND) judged again where their shell goes
MAX_KEPT_READINGS = 8  # and how many times each
MAX_NESTED_READ = 256  # nested texts whose parse is kept for the rest of a build (see Builder._parse_nested)
MAX_OWN_COMMANDS = 4  # a multiplexer's command in the text of another of its commands (tmux if-shell ... 'run ...')
RUNS_ARGUMENTS, REACHES_COMMANDS = 2, 1


_Value = Value  # what a variable holds (see :data:`words.Env`)
_ARRAY_OPERAND = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(\+?)=\((.*)\)", re.DOTALL)  # declare -a NAME=(...)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ELEMENT_KEY = re.compile(r"\[([^]]*)\](\+?)=")  # ``[5]=v``, ``[k]=v`` in an array literal
_MACHINE_CODE = "\x7fELF"  # how an ELF program or shared object starts
_REMOTE_PATH = re.compile(r"[^/]*:")  # ``host:path``, ``user@host:path``: a copy made on another machine
LAST_ARGUMENT = "_"  # the env key of ``$_``, the last argument of the command before (words read it as a name)
# the env key of the jobs the text started: a tuple of their ``$!`` pieces (None where that is not known), or None
# where which jobs it started is not known (a function's body read where it is defined); no variable is named so
JOBS = "%"
# the method that lowers a command of each knowledge kind (see _dispatch; others are emitted as they are)
_HANDLERS = {
    "wrapper": "_wrapper",
    "shell": "_shell",
    "su": "_su",
    "eval": "_eval",
    "source": "_source",
    "alias": "_alias",
    "deferred": "_deferred",
    "key_binding": "_key_binding",
    "find": "_find",
    "stdin_runner": "_stdin_runner",
    "multiplexer": "_multiplexer",
}
# id of a knowledge -> it, and its plain readers (see Builder._plain_readers)
_PLAIN_READERS: dict[int, tuple[Knowledge, frozenset[str]]] = {}
_UNSET = Unknown("unset")  # compares unequal to any value a variable holds


@dataclass
class _Snapshot:
    """What of a shell :meth:`Builder._join` compares: its variables and where it is, at a point the commands
    that follow may not get past, and the rest of what a command may change there (:class:`_Rest`)."""

    env: dict[str, _Value]
    cwd: str | None
    other_cwds: tuple[str | None, ...]
    rest: _Rest

    @staticmethod
    def of(state: _State) -> _Snapshot:
        return _Snapshot(dict(state.env), state.cwd, state.other_cwds, _Rest.of(state))

    @staticmethod
    def left_by(shell: _State) -> _Snapshot:
        """What a copy of the shell left, the copy being dropped after: its variables are not copied again."""
        return _Snapshot(shell.env, shell.cwd, shell.other_cwds, _Rest.of(shell, copied=False))

    def restore(self, state: _State) -> None:
        """Put ``state`` back as it was here (another branch starts from this point)."""
        state.env.clear()
        state.env.update(self.env)
        state.cwd = self.cwd
        state.other_cwds = self.other_cwds
        self.rest.restore(state)


_ALIASING = frozenset({"expand_aliases"})
# (shared by the snapshots of shells that have none: never changed, only compared and copied)
_NO_ENTRIES: dict[str, Any] = {}
_NO_NAMES: frozenset[str] = frozenset()


@dataclass(slots=True)
class _Rest:
    """The parts of a shell besides its variables and cwd that a command that may not run can change, as they are
    at a snapshot (copies: the shell goes on changing its own). Read straight through, ``[ -e F ] && unalias
    pkill`` or ``if c; then hash -p /bin/true pkill; else pkill node; fi`` left the other path's ``pkill node``
    judged as the alias or the program it may not be, and allowed."""

    aliases: dict[str, str]
    other_aliases: dict[str, tuple[str | None, ...]]
    hashed: dict[str, str | None]
    other_hashed: dict[str, tuple[str | None, ...]]
    cases: dict[str, str]
    refs: dict[str, str]
    integers: frozenset[str]
    exported: frozenset[str]
    maybe_exported: frozenset[str]
    allexport: bool
    shopts: frozenset[str]
    dirstack: tuple[str | None, ...]
    dirstack_open: bool
    left: str | None
    limits: tuple[tuple[Word | str, ...], ...]
    fresh_aliases: frozenset[str]
    kept: int
    locals: dict[str, tuple[bool, _Value]] | None
    maybe_locals: frozenset[str]
    volatile: frozenset[str]
    volatile_cwds: tuple[str | None, ...]

    @staticmethod
    def of(state: _State, copied: bool = True) -> _Rest:
        """The rest of ``state`` as it is now; ``copied`` False for a shell that is dropped after (its tables are
        taken as they are, not copied)."""

        def kept(table: dict[str, Any]) -> dict[str, Any]:
            return dict(table) if table and copied else table or _NO_ENTRIES

        return _Rest(
            kept(state.aliases),
            kept(state.other_aliases),
            kept(state.hashed),
            kept(state.other_hashed),
            kept(state.cases),
            kept(state.refs),
            frozenset(state.integers) if state.integers else _NO_NAMES,
            frozenset(state.exported) if state.exported else _NO_NAMES,
            state.maybe_exported,
            state.allexport,
            state.shopts,
            tuple(state.dirstack),
            state.dirstack_open,
            state.left,
            state.limits,
            state.fresh_aliases,
            state.kept,
            None if state.locals is None else dict(state.locals) if state.locals else _NO_ENTRIES,
            state.maybe_locals,
            state.volatile,
            state.volatile_cwds,
        )

    def left_as(self, state: _State, own_locals: bool = True) -> bool:
        """Is ``state`` as it was here (but for its variables and cwd; and its locals, without ``own_locals``: a
        function's, compared with its caller's shell)?"""
        return (
            self.shopts == state.shopts
            and self.kept == state.kept
            and self.left == state.left
            and self.dirstack_open == state.dirstack_open
            and self.allexport == state.allexport
            and self.limits == state.limits
            and self.fresh_aliases == state.fresh_aliases
            and self.maybe_exported == state.maybe_exported
            and self.dirstack == tuple(state.dirstack)
            and self.aliases == state.aliases
            and self.other_aliases == state.other_aliases
            and self.hashed == state.hashed
            and self.other_hashed == state.other_hashed
            and self.cases == state.cases
            and self.refs == state.refs
            and self.integers == state.integers
            and self.exported == state.exported
            and self.volatile == state.volatile
            and self.volatile_cwds == state.volatile_cwds
            and (not own_locals or (self.locals == state.locals and self.maybe_locals == state.maybe_locals))
        )

    def restore(self, state: _State) -> None:
        state.aliases = dict(self.aliases)
        state.other_aliases = dict(self.other_aliases)
        state.hashed = dict(self.hashed)
        state.other_hashed = dict(self.other_hashed)
        state.cases = dict(self.cases)
        state.refs = dict(self.refs)
        state.integers = set(self.integers)
        state.exported = set(self.exported)
        state.maybe_exported = self.maybe_exported
        state.allexport = self.allexport
        state.shopts = self.shopts
        state.dirstack = list(self.dirstack)
        state.dirstack_open = self.dirstack_open
        state.left = self.left
        state.limits = self.limits
        state.fresh_aliases = self.fresh_aliases
        state.kept = self.kept
        state.locals = None if self.locals is None else dict(self.locals)
        state.maybe_locals = self.maybe_locals
        state.volatile = self.volatile
        state.volatile_cwds = self.volatile_cwds

    def join(self, state: _State) -> None:
        """``state`` after a part that may have stopped here instead: what either path leaves it may hold. What
        cannot be kept as alternatives becomes not known (a conversion, a reference, a program, the stack), never
        one path's alone; a set that only adds what may happen (integers, limits, options but expand_aliases) is
        their union."""
        if state.aliases != self.aliases or state.other_aliases != self.other_aliases:
            for name in {*self.aliases, *state.aliases, *self.other_aliases, *state.other_aliases}:
                here = state.aliases.get(name)
                texts = dict.fromkeys(
                    (
                        here,
                        self.aliases.get(name),
                        *state.other_aliases.get(name, ()),
                        *self.other_aliases.get(name, ()),
                    )
                )
                first = here if here is not None else next((t for t in texts if t is not None), None)
                if first is None:
                    continue
                state.aliases[name] = first
                alternatives = tuple(t for t in texts if t != first)
                if alternatives:
                    state.other_aliases[name] = alternatives
        if state.hashed != self.hashed or state.other_hashed != self.other_hashed:
            for name in {*self.hashed, *state.hashed, *self.other_hashed, *state.other_hashed}:
                here = state.hashed.get(name, _ON_PATH)
                programs = dict.fromkeys(
                    (
                        here,
                        self.hashed.get(name, _ON_PATH),
                        *state.other_hashed.get(name, ()),
                        *self.other_hashed.get(name, ()),
                    )
                )
                first = here if here != _ON_PATH else next((p for p in programs if p != _ON_PATH), _ON_PATH)
                if first == _ON_PATH:
                    continue
                state.hashed[name] = first
                alternatives = tuple(p for p in programs if p != first)
                if alternatives:
                    state.other_hashed[name] = alternatives
        for name in {*self.cases, *state.cases}:
            if state.cases.get(name) != self.cases.get(name):
                # each conversion it may have ("": none), as ``l|u``: an assignment holds either value
                ways = {w for c in (state.cases.get(name, ""), self.cases.get(name, "")) for w in c.split(_EITHER_CASE)}
                state.cases[name] = "?" if "?" in ways else _EITHER_CASE.join(sorted(ways))
        for name in {*self.refs, *state.refs}:
            if state.refs.get(name) != self.refs.get(name):
                # (each variable it may name, itself where it is no reference: writes may land on any of them)
                ways = {w for r in (state.refs.get(name, name), self.refs.get(name, name)) for w in _referred(r)}
                state.refs[name] = "" if "" in ways else _EITHER_REF + _EITHER_REF.join(sorted(ways))
        state.integers |= self.integers
        if state.exported != self.exported or state.allexport != self.allexport:
            # (a new shell may or may not have them: not known there)
            state.maybe_exported = state.maybe_exported | (self.exported ^ state.exported)
            if state.allexport != self.allexport:
                state.allexport = False  # (what is not exported is not known in a new shell)
        state.maybe_exported = state.maybe_exported | self.maybe_exported
        if state.shopts != self.shopts:
            # (expand_aliases where both have it: where it may be off, the command as written is judged too)
            state.shopts = (state.shopts | self.shopts) - ((state.shopts ^ self.shopts) & _ALIASING)
        if tuple(state.dirstack) != self.dirstack or state.dirstack_open != self.dirstack_open:
            state.dirstack, state.dirstack_open = [], True  # (popd, ~1: where, not known)
        if state.left != self.left:
            state.left = None
        state.limits = tuple(dict.fromkeys((*state.limits, *self.limits)))
        state.fresh_aliases = state.fresh_aliases | self.fresh_aliases
        state.kept = max(state.kept, self.kept)
        if state.locals is not None and self.locals is not None and state.locals.keys() != self.locals.keys():
            # (``[ -e F ] && local x; x=node``: at return x is the caller's again, or node)
            either = frozenset(state.locals.keys() ^ self.locals.keys())
            for name in self.locals.keys() - state.locals.keys():
                state.locals[name] = self.locals[name]
            state.maybe_locals = state.maybe_locals | either
        state.maybe_locals = state.maybe_locals | self.maybe_locals
        state.volatile = state.volatile | self.volatile  # (a trap set on either path may run)
        state.volatile_cwds = tuple(dict.fromkeys((*state.volatile_cwds, *self.volatile_cwds)))


@dataclass
class _PassStart:
    """Where a pass of a loop starts (see Builder._passes): the shapes of what the loop reads, where the line is
    (the cwd and the others it may be in), the rest of the shell. (A class, not a tuple: mypyc's C for a tuple
    first set in a loop was rejected by gcc's -Werror=maybe-uninitialized.)"""

    shapes: frozenset[tuple[str, frozenset[object]]]
    where: tuple[str | None, ...]
    rest: _Rest


_NOT_KNOWN = Unknown("command")  # text that runs, not known statically


def _may_be_key(key: tuple[object, ...], written: tuple[object, ...]) -> bool:
    """May a path written as ``key`` be the one written as ``written`` (see _path_key): the same known text, and
    where a value not known stands, one that may come from a command that made the written one's."""
    if len(key) != len(written):
        return False
    for mine, theirs in zip(key, written, strict=True):
        if isinstance(mine, str) or isinstance(theirs, str):
            if mine != theirs:
                return False
            continue
        assert isinstance(mine, tuple) and isinstance(theirs, tuple)
        if mine[0] != theirs[0] or not set(mine[2]) & set(theirs[2]):  # (kind, and a producer in common)
            return False
    return True


def _path_key(word: Word) -> tuple[object, ...]:
    """How a path not known is written, as a key: its known text and the values not known in it (what made each),
    whatever the quoting (``"$f"``, ``$f``, ``"$d"/x``)."""
    key: list[object] = []
    for part in word.parts:
        if isinstance(part, Literal):
            if key and isinstance(key[-1], str):
                key[-1] += part.text
            else:
                key.append(part.text)
        else:
            key.append((part.kind, part.name, part.producers, part.prefix))
    return tuple(key)


# the names of a process's own stdin: a copy of one is what it reads
_STDIN_FILES = frozenset({"/dev/stdin", "/dev/fd/0", "/proc/self/fd/0", "/proc/thread-self/fd/0"})


@dataclass
class _State:
    """What the shell knows while it runs the line: cwd, variables, the pushd stack."""

    cwd: str | None
    env: dict[str, _Value] = field(default_factory=dict)
    dirstack: list[str | None] = field(default_factory=list)
    exported: set[str] = field(default_factory=set)  # ``export X``, ``declare -x X``
    allexport: bool = False  # ``set -a``
    aliases: dict[str, str] = field(default_factory=dict)  # ``alias k='pkill node'``: NAME -> its text
    # inside a function: what ``local`` (or ``declare`` without -g) made local, with the value it hid (whether it
    # was set, and to what), restored when the call returns; None outside functions
    locals: dict[str, tuple[bool, _Value]] | None = None
    integers: set[str] = field(default_factory=set)  # ``declare -i x``: what is assigned to x is arithmetic
    refs: dict[str, str] = field(default_factory=dict)  # ``declare -n r=c``: r -> c ("": a reference to nothing known)
    hashed: dict[str, str | None] = field(default_factory=dict)  # ``hash -p PATH NAME``: NAME -> PATH (None: not known)
    # where else the cwd may be (a cd searched through CDPATH, or to a variable's value under cdable_vars)
    other_cwds: tuple[str | None, ...] = ()
    # the shell options set on the line that change what commands do (see _FOLLOWED_SHOPTS): ``shopt -s
    # cdable_vars``: ``cd NAME`` may go to $NAME
    shopts: frozenset[str] = frozenset()
    # ``declare -l x`` (-u, -c): what is assigned to x is converted to lower case (upper, capitalised); ``l|``: to
    # lower case or not at all (where the declare may not have run: see _Rest.join); "?": it is
    # converted in a way not known
    cases: dict[str, str] = field(default_factory=dict)
    kept: int = 0  # how many texts to run later (traps) were set: a function that sets one changes the shell
    # the functions this shell has: a subshell's copy shares the dict until it defines or unsets one (a definition
    # replaces the dict, never changes it); a new shell (``bash -c``) starts with none
    functions: dict[str, _Function] = field(default_factory=dict)
    # functions defined only in commands that may not run (``false && pkill() { :; }``, a branch): a call of one may
    # run the command of that name instead
    maybe_defined: frozenset[str] = frozenset()
    # of those, the ones defined after a ``cd DIR &&`` (``cd LIVE && f() { ls; }; f``): name -> (the cwd where it is
    # defined, the cwd where it is not: the cd failed); a call of it in the first runs the command of that name in
    # the second
    skipped_cwds: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    # aliases defined (or made to expand, by shopt -s expand_aliases) since bash read the complete command being
    # lowered: bash expands aliases as it reads, so in that command they are not expanded yet
    fresh_aliases: frozenset[str] = frozenset()
    # entries below ``dirstack`` not known (a shell at a prompt: earlier lines may have pushed any): ``pushd`` with
    # no operand, an index past the known ones or counted from the bottom goes where the text does not say
    dirstack_open: bool = False
    # limits and timers that signal what the shell starts, each as the words of a wrapper that does it, ending with
    # ``--`` (``ulimit -t 1``: prlimit --cpu=1 --; ``timeout -s KILL 5 CMD``: timeout -s KILL -- 5, for CMD and all
    # it starts): every process the shell starts after it has them, those of a new shell started from it too
    limits: tuple[tuple[Word | str, ...], ...] = ()
    # the directory the last cd left (None: not known): bash's ``cd -`` goes to $OLDPWD, zsh's to this one even
    # after OLDPWD is assigned (``OLDPWD=/var; cd -`` went back to the directory left, in zsh 5.9)
    left: str | None = None
    # the shell goes on after the text: a prompt's, where later lines, unseen here, may change its cwd and variables
    # before a text it keeps runs (a trap, PROMPT_COMMAND: see Builder._defer)
    lives_on: bool = False
    # the definitions a function may still have besides its last, replaced where the new one may not have been made
    # (``f() { x=LIVE; }; [ -e F ] && f() { x=/tmp; }; f``: either body runs); a new dict at each change
    other_definitions: dict[str, tuple[_Function, ...]] = field(default_factory=dict)
    # the texts an alias may have besides its own in ``aliases``, where a definition or unalias may not have run
    # (None: no alias, the name runs as written): ``alias pkill=true; [ -e F ] && unalias pkill; pkill node``
    other_aliases: dict[str, tuple[str | None, ...]] = field(default_factory=dict)
    # the programs a name of ``hashed`` may run besides its own there, where a ``hash`` may not have run
    # (``_ON_PATH``: no entry, the name is found on PATH)
    other_hashed: dict[str, tuple[str | None, ...]] = field(default_factory=dict)
    # variables that may or may not be exported: a new shell started from here may or may not have them
    maybe_exported: frozenset[str] = frozenset()
    # of ``locals``, those made local only where a command that may not run made them: after the call, either value
    maybe_locals: frozenset[str] = frozenset()
    # what a trap that may run between any two commands (DEBUG, ERR, RETURN, a signal: any but EXIT) changes when it
    # runs: those variables are not known at any later command, and the line may be in the directories it leaves
    volatile: frozenset[str] = frozenset()
    volatile_cwds: tuple[str | None, ...] = ()
    # where the last cd or pushd may have left the shell as it was, that cd having failed (_staying): the item
    # after ``cd DIR &&`` runs only where it did not; not copied (read right after that cd, in the same shell)
    staying: tuple[str | None, ...] = ()

    def copy(self) -> _State:
        return _State(
            self.cwd,
            dict(self.env),
            list(self.dirstack),
            set(self.exported),
            self.allexport,
            dict(self.aliases),
            None if self.locals is None else dict(self.locals),
            set(self.integers),
            dict(self.refs),
            dict(self.hashed),
            self.other_cwds,
            self.shopts,
            dict(self.cases),
            self.kept,
            self.functions,
            self.maybe_defined,
            dict(self.skipped_cwds),
            self.fresh_aliases,
            self.dirstack_open,
            self.limits,
            self.left,
            self.lives_on,
            self.other_definitions,
            dict(self.other_aliases),
            dict(self.other_hashed),
            self.maybe_exported,
            self.maybe_locals,
            self.volatile,
            self.volatile_cwds,
        )

    def target(self, name: str) -> str:
        """The variable a name written stands for: itself, or what the reference it is names (``declare -n r=c``:
        c; a chain is followed, as bash does, up to a few links). A write through a reference that is not one
        known variable lands where is not known, so it leaves "" (no variable) and makes each variable it may
        land on not known: an element's array, each a reference may name (``[ -e F ] && declare -n x=y; x=v``:
        x or y), or, for a reference to nothing known (``declare -n r=$1; r=v``), every variable."""
        for _ in range(8):
            if name not in self.refs:
                return name
            name = self.refs[name]
            if name.startswith(_ELEMENT_REF):  # (an element: what is written through it makes the array not known)
                self.env[name[1:]] = None
                return ""
            if name.startswith(_EITHER_REF):
                for each in _referred(name):
                    if each.startswith(_ELEMENT_REF):
                        self.env[each[1:]] = None
                    else:  # (each may be a reference of its own, followed; or the name itself, where it may be none)
                        own = each in self.refs and self.refs[each] != name
                        self.env[self.target(each) if own else each] = None
                return ""
            if not name:
                self.write_anywhere()
                return ""
        return ""

    def write_anywhere(self) -> None:
        """A command wrote a variable whose name is not known (``printf -v "$1" %s v``, ``read "$n"``, ``declare
        "$k=$v"``, through ``declare -n r=$1``): any variable may hold anything after it, none is known."""
        for each in self.env:
            self.env[each] = None

    def read_target(self, name: str) -> str | None:
        """The variable a name read stands for (see ``target``); None where a reference is not to one known
        variable: what it reads is not known."""
        for _ in range(8):
            if name not in self.refs:
                return name
            name = self.refs[name]
            if not name or name.startswith((_EITHER_REF, _ELEMENT_REF)):
                return None
        return None

    def view(self) -> Env:
        """The variables as words read them: through the references (``$r`` is c's value), and DIRSTACK (``~1``,
        ``${DIRSTACK[1]}``) as pushd left it, and ``~-`` where bash's ($OLDPWD) and zsh's (the directory left) may
        differ."""
        if self.refs or self.dirstack or self.left != self.env.get("OLDPWD"):
            return _Referenced(self)
        return self.env

    def make_local(self, name: str) -> None:
        """``local NAME``: the caller's NAME comes back when the function returns."""
        if self.locals is not None and name not in self.locals:
            self.locals[name] = (name in self.env, self.env.get(name))

    def footprint(self, before: _State, moved: bool) -> _Footprint | None:
        """What a function body changed in the caller's shell (this state, after it, against ``before``): whether
        it moved (directory, stack; or ``moved``: it ran cd, pushd or popd) and the variables, not its own (its
        locals, its positional parameters), that it set. None when it left the shell as it found it."""
        own = {POSITIONAL, LAST_ARGUMENT, *(n for n in self.locals or () if n not in self.maybe_locals)}
        if self.env.get(BACKGROUND_PID) is None:
            own.add(BACKGROUND_PID)  # (read where defined, ``$!`` is not known; a body that starts a job sets it)
        if self.env.get(JOBS) is None:
            own.add(JOBS)  # (nor are the jobs started before the call)
        names = frozenset(
            k for k in (set(self.env) | set(before.env)) - own if self.env.get(k, _UNSET) != before.env.get(k, _UNSET)
        )
        moved = moved or self.cwd != before.cwd or self.dirstack != before.dirstack
        other = (
            self.aliases != before.aliases
            or self.exported != before.exported
            or self.allexport != before.allexport
            or self.kept != before.kept
            or not _Rest.of(before).left_as(self, own_locals=False)  # (``f() { hash -p /usr/bin/pkill k; }; f; k``)
        )
        return _Footprint(moved, names) if moved or names or other else None

    def child(self, assignments: Sequence[tuple[str, Word]], ctx: _Ctx) -> _State:
        """What a new shell started from here (``bash -c``, ``sh -s``, ``su -c``) knows: only the exported variables
        (a variable set here and not exported is empty there: ``p=-old; bash -c 'rm -rf /opt/x$p'`` removes
        /opt/x), and the command's own assignments. Through sudo, su, ssh and the like, whose environment is
        reset, not even those. Whatever else the new shell finds in its environment is not known."""
        reset = any(w.name in _ENV_RESETTING for w in ctx.wrappers)
        if self.allexport and not reset:
            env = dict(self.env)
        else:
            keep = _INHERITED_THROUGH_RESET if reset else self.exported | _INHERITED
            env = {k: v for k, v in self.env.items() if k in keep}
        env.pop("IFS", None)  # a new shell starts with the default IFS
        env.pop(BACKGROUND_PID, None)  # (and has started no job)
        env[JOBS] = ()
        for name in [n for n in self.maybe_exported if n in env]:
            env[name] = None  # (exported where a command that may not run exported it, or unexported)
        for name, word in assignments:
            env[name] = _capped(_env_value(word, name))
        return _State(self.cwd, env, [], set(), False, other_cwds=self.other_cwds, limits=self.limits)


class _Referenced(Mapping[str, _Value]):
    """The variables of a shell with namerefs, each name read through its reference."""

    def __init__(self, state: _State) -> None:
        self.state = state

    def __getitem__(self, name: str) -> _Value:
        if name == "DIRSTACK" and self.state.dirstack and name not in self.state.env:
            return (self.state.cwd, *reversed(self.state.dirstack))  # (``dirs``: the cwd first)
        if name == LEFT and self.state.left == self.state.env.get("OLDPWD"):
            raise KeyError(name)  # (``~-`` is $OLDPWD in both shells)
        if name == LEFT:
            return None  # (bash's ``~-`` is $OLDPWD, zsh's the directory left: which, not known)
        target = self.state.read_target(name)
        return None if target is None else self.state.env[target]

    def __iter__(self) -> Iterator[str]:
        return iter(self.state.env)

    def __len__(self) -> int:
        return len(self.state.env)


@dataclass(frozen=True)
class _Footprint:
    """What a function's body changes in the shell that calls it (as read where it is defined)."""

    moves: bool  # the directory or the directory stack
    names: frozenset[str]  # variables


@dataclass(frozen=True)
class _Function:
    """A function as defined: the text it is in, its definition, its body as read there (and the index of the
    body's first invocation), the shell it was read in and what its body changes in a caller's shell; the names
    its body runs, and the functions there were when it was read (a call where one of those names is no longer a
    function runs something else: ``pkill() { :; }; f() { pkill node; }; unset -f pkill; f``)."""

    text: str
    node: Compound
    body: tuple[Invocation, ...]
    first: int
    defined_in: _Place
    changing: _Footprint | None
    calls: frozenset[str]
    functions: dict[str, _Function]


_NOT_HASHED: tuple[Mapping[str, str | None], Mapping[str, tuple[str | None, ...]]] = ({}, {})


@dataclass(frozen=True)
class _Place:
    """The shell a text that runs later was read in (a function's body where it is defined, a trap's action where
    it is set): its directory (and the others it may be) and its variables. Bash expands the text when it runs,
    in the shell as it is then."""

    cwd: str | None
    other_cwds: tuple[str | None, ...]
    env: Mapping[str, _Value]
    limits: tuple[tuple[Word | str, ...], ...] = ()  # (ulimit -t 1 before a call: what it starts is limited)
    # the hash table: a name the text runs is looked up when it runs (``f() { ls node; }; hash -p /usr/bin/pkill ls;
    # f`` runs pkill)
    hashed: tuple[Mapping[str, str | None], Mapping[str, tuple[str | None, ...]]] = _NOT_HASHED
    # and the options (``f() { echo 'pk\0151ll node' | sh; }; shopt -s xpg_echo; f`` runs pkill)
    shopts: frozenset[str] = frozenset()

    @staticmethod
    def of(state: _State) -> _Place:
        hashed = (dict(state.hashed), dict(state.other_hashed)) if state.hashed or state.other_hashed else _NOT_HASHED
        return _Place(state.cwd, state.other_cwds, dict(state.env), state.limits, hashed, state.shopts)

    def differs(self, state: _State, names: Iterable[str]) -> bool:
        """Is ``state`` elsewhere, does one of the variables ``names`` hold another value there, or have the hash
        table or the options changed?"""
        if state.cwd != self.cwd or state.other_cwds != self.other_cwds or state.limits != self.limits:
            return True
        if state.shopts != self.shopts:
            return True
        if (state.hashed or state.other_hashed or self.hashed[0]) and self.hashed != (state.hashed, state.other_hashed):
            return True
        return any(state.env.get(n, _UNSET) != self.env.get(n, _UNSET) for n in names)


@dataclass
class _Kept:
    """Shell text kept to run later (``trap TEXT EXIT``, ``PROMPT_COMMAND=TEXT``), with the shell it is kept in
    (``state``, which goes on changing), the variables the text names, where that shell was when the text was last
    judged and how many times it was judged again."""

    payload: Word | str
    span: Span
    ctx: _Ctx
    state: _State
    names: tuple[str, ...]
    place: _Place
    readings: int = 0
    between: bool = False  # it may run between any two commands (a trap on anything but EXIT)
    # the words of its known text that may name functions, and the functions as they were when it was last judged:
    # one defined after it is set is what runs (``trap f DEBUG; f() { x=node; }``)
    calls: tuple[str, ...] = ()
    functions: Mapping[str, _Function] | None = None


_CALLED = re.compile(r"[^\s;&|()<>'\"`$]+")  # (a word of shell text: it may name a function)
_READS_ARGUMENTS = re.compile(r"\$\{?[#!]?[0-9@*#]|\b(?:shift|getopts)\b")  # (a body that reads its arguments)
_AT_EXIT = frozenset({"EXIT", "0"})  # trap's conditions that run the action only as the shell exits
# a trap's action set at a prompt that changes the shell between later lines' commands: what they run is not known
_CHANGED_BETWEEN = Unknown("what a trap, or a function the shell runs on its own, changes before later commands")
# zsh's functions that run in this shell between commands: its trap functions but TRAPEXIT, chpwd (at each cd), and
# preexec and zshaddhistory (before each later line runs: the hook judges the line before them)
_ZSH_TRAP = re.compile(r"(?:TRAP(?!EXIT\Z)[A-Z0-9]+|chpwd|preexec|zshaddhistory)\Z")


def _may_run_between(state: _State, ran: _State) -> None:
    """A trap's action that may run between any two later commands (``trap 'x=node' DEBUG; x=ssh; pkill $x`` runs
    pkill node; so do ERR, RETURN and signal traps): ``ran`` is the shell after it ran here. What it changed is not
    known at any later command (see _trap_may_have_run)."""
    names = frozenset(
        k for k in {*ran.env, *state.env} if k != LAST_ARGUMENT and ran.env.get(k, _UNSET) != state.env.get(k, _UNSET)
    )
    if names - state.volatile:
        state.volatile = state.volatile | names
    if ran.cwd != state.cwd or ran.other_cwds != state.other_cwds:
        # (where a cd in it leads depends on where it runs: a relative one, not known)
        state.volatile_cwds = tuple(dict.fromkeys((*state.volatile_cwds, ran.cwd, *ran.other_cwds, None)))


def _trap_may_have_run(state: _State) -> None:
    """Before a command, a trap that runs between commands may have run: its variables are not known, and the line
    may be in a directory it leaves."""
    for name in state.volatile:
        state.env[name] = None
    if state.volatile_cwds:
        others = (*state.other_cwds, *state.volatile_cwds)
        state.other_cwds = tuple(c for c in dict.fromkeys(others) if c != state.cwd)


def _kept_names(payload: Word | str) -> tuple[str, ...]:
    """The variables a kept text names, in its known parts."""
    return tuple(dict.fromkeys(_variables_named(_literal_text(payload))))


def _literal_text(payload: Word | str) -> str:
    """A text kept to run later, as far as it is known: its literal parts."""
    return payload if isinstance(payload, str) else "".join(p.text for p in payload.parts if type(p) is Literal)


def _where_kept_runs(state: _State, names: tuple[str, ...]) -> _State:
    """The shell at a prompt as a text it keeps may find it when it runs: a trap or PROMPT_COMMAND set at one prompt
    runs after lines this text does not show (``trap 'rm -rf dist' EXIT``, then ``cd LIVE``, then ``exit``; ``trap
    '$x node' EXIT`` with x=echo, then ``x=pkill``): its cwd and the variables the text names are not known."""
    later = state.copy()
    _chdir(later, None)
    for name in names:
        later.env[name] = None
    later.lives_on = False  # (read once more, not again from there)
    return later


def _variables_named(text: str) -> list[str]:
    """The variables a text expands (``$D``, ``${D%/}``, ``${#a[@]}``, ``${!r}``): a cheap reading of the text, which
    may name more than bash expands (a name in single quotes), never fewer of the plain forms. IFS too, where it
    expands anything: it splits what is expanded (``cmd='pkill:node'; f() { $cmd; }; IFS=:; f`` runs pkill). (PATH:
    see Builder._with_path.)"""
    names = re.findall(r"\$\{?[#!]?([A-Za-z_][A-Za-z0-9_]*)", text)
    return [*names, "IFS"] if "$" in text or "`" in text else names


def _forget(footprint: _Footprint | None, state: _State) -> None:
    """A call whose body is not read again: what it would change is no longer known."""
    if footprint is None:
        return
    if footprint.moves:
        state.dirstack = []
        _chdir(state, None)
    for name in footprint.names:
        state.env[name] = None


class _StopReading(BaseException):
    """The build has read as much as it may (MAX_INVOCATIONS, MAX_READINGS): reading stops at once, everywhere, and
    where it stopped is text not read (a finding of its own, never an allow). Reading on to note every command not
    read, as it did, took as long as reading them. A BaseException: nothing between the command and the build
    catches it."""

    def __init__(self, where: Unread) -> None:
        super().__init__(where.reason)
        self.where = where


@dataclass(frozen=True)
class _Ctx:
    """How the commands being lowered are reached."""

    wrappers: tuple[Wrapper, ...] = ()
    in_subst: bool = False
    in_function: str | None = None
    via_call: bool = False  # the body of a function, read again for a call
    span: Span | None = None  # set inside nested text: every span is the outer payload's
    depth: int = 0
    stdin_producers: tuple[int, ...] = ()
    stdin_text: str | None = None
    # stdin not known and not a pipe (``{ bash; } <<< "$X"``, ``bash -c bash <<< "$X"``): what a shell inside reads
    stdin_unknown: Unknown | None = None
    redirects: tuple[Redirect, ...] = ()
    in_aliases: frozenset[str] = frozenset()  # aliases being expanded: bash does not expand one inside itself
    root: str | None = "/"  # the root directory the commands see (chroot DIR: DIR), None when not known
    # nested text that is a verbatim piece of the text given, and where that piece starts in it
    placed: tuple[str, int] | None = None
    at: Span | None = None  # where the command being lowered is written, inside nested text that is placed
    stdin_errors: bool = False  # a ``|&`` joins the pipe: the producers' errors are in stdin too
    # (_through and _in_substitution make a _Ctx with its fields in this order)


@dataclass(frozen=True)
class _Command:
    """A command about to be dispatched: its argv and what came with it."""

    argv: list[Word]
    span: Span
    assignments: tuple[tuple[str, Word], ...]
    redirects: tuple[Redirect, ...]
    stdin: str | Unknown | None  # what a redirection gives it to read: known text, not known (Unknown), or nothing
    # what its redirections give its other descriptors to read (``3<<<TEXT``, ``3< <(echo ...)``): a shell given
    # /dev/fd/3 as its script reads that (see _descriptor_text); an fd redirected otherwise (``3>F``) is not known
    inputs: tuple[tuple[int, str | Unknown], ...] = ()


class Builder:
    """Builds one :class:`CommandModel`. ``parse_nested`` reads nested shell text (same backend preference as
    the caller's)."""

    def __init__(self, parse_nested: ParseFn, knowledge: Knowledge | None = None) -> None:
        self.parse_nested = parse_nested
        self.knowledge = knowledge or load_knowledge()
        self.invocations: list[Invocation] = []
        self.unread: list[Unread] = []
        self._stdin_text: dict[int, str] = {}  # invocation index -> heredoc/here-string text it reads
        # text known in part that an Unknown stands for (a heredoc with ``$X`` in it, what ``echo "... $X"`` or ``cat``
        # of such a heredoc printed into a file): id of the Unknown -> it, and its pieces (see _printed_word)
        self._in_part: dict[int, tuple[Unknown, Word]] = {}
        self._stdin_in_part: dict[int, Word] = {}  # invocation index -> heredoc known in part it reads
        self._written: dict[str, str | Unknown] = {}  # path -> what the line wrote into it (Unknown: not known)
        # a path not known (``f=$(mktemp); echo TEXT > "$f"``), by how it is written (see _path_key) -> what was written
        self._written_unknown: dict[tuple[object, ...], str | Unknown] = {}
        # and the copies made at such paths (see _written_on_path), and the last names of all those paths
        self._copied_unknown: set[tuple[object, ...]] = set()
        self._unknown_names: set[str] = set()
        self._projects_read: set[str] = set()  # project files whose scripts are being read (npm run x runs npm run y)
        # what the invocations that made files made, with where each is written (_made_on_line), and how many
        # invocations were looked at (most make none: a lookup goes through those that did)
        self._made: list[tuple[Span, tuple[tuple[str, str], ...]]] = []
        self._made_upto = 0
        self._hook_directories: set[str | None] = set()  # stored by the line (git config core.hooksPath DIR)
        self._configured: dict[str, list[Word]] = {}  # programs stored by the line (npm config set script-shell X)
        self._links: dict[str, str | None] = {}  # a link the line made -> the path it leads to (None: not known)
        self._program_copies: dict[str, str] = {}  # a copy the line made of a file on disk -> that file (_copied_files)
        self._other_copies: dict[
            str, tuple[str, ...]
        ] = {}  # and the copies it may still be (made where a new one may not be)
        self._kept_links: list[tuple[str, str, int]] = []  # (copy, source, maker) of cp -a/-P, mv: see kept_links
        self._made_names: list[tuple[str | None, str | None, str, int]] = []  # see CommandModel.made_names
        self._mounted: set[str] = set()  # those of the links that are bind mounts: their own name leads on too
        self._mounts_unknown = False  # a mount from a table (mount -a, -T FILE, mount DIR): what it binds is not known
        self._shadows: set[int] = set()  # copies of commands judged in another directory the line may be in
        self._choices = Choices()  # the values variables may hold where what set them may not have run
        self._forked: set[int] = set()  # commands judged with each value a variable may hold: no one output
        self._jumps = 0  # how many break, continue and return commands were lowered (see _commands)
        self._maybe_depth = 0  # how many commands that may not run the one being lowered is in (see _maybe_run)
        self._calling: set[str] = set()  # functions whose bodies are being lowered for a call (no recursion)
        self._prompt_definitions = 0  # see ShellAtStart.prompt_definitions
        # the prompt's functions whose definitions are being read, innermost last (None: the text's own commands),
        # and (reading, function): where that reading needs the function's body as read where it is defined
        self._readings_of: list[str | None] = [None]
        self._stood_for: set[tuple[str | None, str]] = set()
        self._prompt_functions: dict[str, Span] = {}  # the names of those definitions, and where each is
        self._piped_out = False  # the command being lowered prints into a pipe another stage reads (see _call)
        self._called: list[set[str]] = []  # per definition being read, the functions its body calls
        self._unfollowed: set[str] = set()  # functions a call of which elsewhere was past the limit (see _call)
        # the functions (a shell's) that _taking_arguments and _reading were worked out for: they depend on which
        # names are functions, so they are emptied when another set is asked about
        self._cached_for: dict[str, _Function] | None = None
        self._taking_arguments: dict[str, int] = {}  # see _takes_arguments
        # name -> its body, and what of it may take the call's arguments (see _argument_uses)
        self._uses: dict[str, tuple[tuple[Invocation, ...], tuple[tuple[int, str | None, bool], ...]]] = {}
        self._plain: frozenset[str] | None = None  # see _plain_readers
        self._reading: dict[str, frozenset[str]] = {}  # see _variables_read
        self._named_in: dict[str, frozenset[str]] = {}  # see _variables_named_in
        self._running: dict[str, frozenset[str]] = {}  # see _names_run
        self._calls_reached: dict[str, frozenset[str]] = {}  # see _reached
        self._readings = 0  # commands read, see MAX_READINGS
        self._calls_left = {
            "runs": MAX_RUNNING_CALLS,
            "reaches": MAX_REACHING_CALLS,
            "changes": MAX_CHANGING_CALLS,
            "moved": MAX_MOVED_CALLS,
            "own": MAX_MOVED_CALLS,  # calls that only redirect or pipe what the body does (past them: not known)
        }
        self._waiting: dict[tuple[str, ...], str | None] = {}  # text typed into a pane without an end (see _typed)
        self._given = ""  # the text given
        self._arith_shell = False  # the text given is read by a shell for which ((...)) is only arithmetic
        self._posix_special: bool | None = None  # see build
        self._basenames: frozenset[str] = frozenset()  # see _made_basenames
        self._basenames_size: tuple[int, int, int, int] = (0, 0, 0, 0)
        self._zsh = False  # the text given is a zsh line (its ``r`` re-runs a history line)
        self._text_shell: str | None = None  # the shell that reads the text given, where the caller knows it
        # the last of each that was read, with what it decided (see _status_of): a simple command with the
        # invocations it made, a ``[[ ]]``, a list of commands
        self._last_simple: tuple[SimpleCommand, int, int] | None = None
        self._last_test: tuple[Compound, bool | None] | None = None
        self._last_list: tuple[CommandList, bool | None] | None = None
        # the functions of the prompt's shell that it calls on its own (ShellAtStart.registered)
        self._registered: frozenset[str] = frozenset()
        self._comments: list[Span] = []  # its shell comments, and those of nested text placed in it
        self._bodies_at: dict[int, tuple[str, int]] = {}  # id of a heredoc's body text -> it, where it is written
        self._kept: dict[int, list[_Kept]] = {}  # id of a shell's state -> the texts it keeps to run later
        self._frames: list[str] = []  # the functions being called, the outermost first (FUNCNAME)
        self._kept_count = 0
        self._panes: dict[tuple[str, ...], _State] = {}  # the shell of each pane keys were typed into (see _pane)
        self._buffers: dict[tuple[str, str], str | None] = {}  # (program, buffer) -> the text the line put in it
        self._launch_dirs: dict[str, str | None] = {}  # program -> where it starts what it runs (screen chdir)
        # nested text read so far, by its text: a function body read again for a call, a loop's body per value, reads
        # the same ``bash -c`` text, array literal or alias again (a ParsedScript is never changed; see _parse_nested)
        self._nested_read: dict[str, ParsedScript] = {}
        self._pipeline_printed: tuple[Node | None, str | None] = (None, None)  # the last pipeline read, its output
        self._last_stage: tuple[Pipeline, int] | None = None  # the last pipeline read, where its last stage starts

    def build(self, text: str, parsed: ParsedScript, parsers: tuple[str, ...], start: ShellAtStart) -> CommandModel:
        """The model of ``text``, read by a shell that starts as ``start`` says (what the caller knows of it)."""
        cwd, arguments = start.cwd, start.arguments
        state = _State(paths.normalise(cwd) if cwd else None, {"PWD": cwd} if cwd else {})
        if start.home is not None and start.home.startswith("/"):
            state.env["HOME"] = start.home
        if start.cdpath:
            state.env["CDPATH"] = start.cdpath
        if start.oldpwd is not None and start.oldpwd.startswith("/"):
            state.env["OLDPWD"] = state.left = start.oldpwd
        if start.left is not None and start.left.startswith("/"):
            state.left = start.left
        for name, program in start.hashed:
            if program.startswith("/"):
                state.hashed[name] = program
        state.shopts = state.shopts | (start.options & _STARTING_OPTIONS)
        state.allexport = "allexport" in start.options  # (set -a at an earlier prompt: what the line sets is exported)
        if start.shell in DECODING_ECHO_SHELLS:
            state.shopts = state.shopts | {DECODING_ECHO}
        if not start.dirstack_known:
            state.shopts = state.shopts | {INTERACTIVE}  # (a line at a prompt; a new shell started from it is not)
        state.dirstack_open = state.lives_on = not start.dirstack_known
        state.env[JOBS] = ()  # (none started in the text yet; jobs started before it are not known: see _job_specs)
        if start.dirstack is not None:
            state.dirstack = [paths.normalise(entry) for entry in reversed(start.dirstack)]
            state.dirstack_open = False
        if start.limits:  # (set at an earlier prompt: what the line starts has them, as after ``ulimit -St 1``)
            _ulimit([a for letter, value in start.limits for a in ("-" + letter, value)], state)
        for name, value, exported in start.variables:
            # (PWD is the cwd, unless given: the hooks send it where a line assigned it away from the shell's directory)
            if _NAME.fullmatch(name) and (name not in _SHELL_OWN or name == "PWD") and not name.startswith(_STAND_IN):
                state.env[name] = _capped(value)
                if exported:
                    state.exported.add(name)
            elif name == BACKGROUND_PID and value.isascii() and value.isdigit():
                state.env[name] = value  # (the last job started at an earlier prompt: its PID, looked up in /proc)
        for name, letters in start.attributes:  # (``declare -l x`` at an earlier prompt)
            if _NAME.fullmatch(name):
                case = "".join(c for c in "luc" if c in letters)
                if case:
                    state.cases[name] = case if len(case) == 1 else "?"
                if "i" in letters:
                    state.integers.add(name)
        for name, target in start.namerefs:  # (``declare -n r=x`` at an earlier prompt)
            if _NAME.fullmatch(name):
                _refer(state, name, target)
        self._given = text
        self._arith_shell = start.shell in ARITH_SHELLS
        # does an assignment before eval or ``.`` (or ``:``) stay after it: yes in a POSIX shell, not in bash or zsh
        self._posix_special = (
            True if start.shell in _POSIX_SPECIAL_SHELLS else False if start.shell in _TEMPORARY_PREFIX_SHELLS else None
        )
        if "posix" in start.options:  # (the prompt's shell: bash's set -o posix, zsh's POSIX_BUILTINS)
            self._posix_special = True
        elif self._posix_special is False and _may_turn_posix_on(text, start.shell == "zsh"):
            # bash in POSIX mode keeps an assignment before a special builtin (``set -o posix; x=node :; pkill $x``
            # runs pkill node), as zsh does with POSIX_BUILTINS (``emulate sh -c 'x=node :'``): a text that may
            # turn it on is read with either value, everywhere (a function defined before it may be called after)
            self._posix_special = None
        self._zsh = start.shell == "zsh"
        self._text_shell = start.shell
        if self._zsh:  # (zsh runs a pipeline's last command in this shell: echo b | read x sets x)
            state.shopts = state.shopts | {"lastpipe"}
        self._registered = frozenset(start.registered)
        self._prompt_definitions = start.prompt_definitions
        self._comments.extend(parsed.comments)
        if arguments is not None:
            unknown_from = next((i for i, v in enumerate(arguments) if v is None), len(arguments))
            _bind_arguments(state, [v if i < unknown_from else None for i, v in enumerate(arguments)])
        try:
            self._script(text, parsed, state, _Ctx())
            for kept in list(self._kept.values()):
                self._judge_kept(kept)
        except _StopReading as stop:
            self.unread.append(stop.where)
        return CommandModel(
            source=text,
            invocations=tuple(self.invocations),
            unread=tuple(self.unread),
            parsers=parsers,
            comments=tuple(self._comments),
            kept_links=tuple(self._kept_links),
            made_names=tuple(self._made_names),
            definitions_not_run=self._definitions_not_run(),
        )

    def build_argv(self, text: str, argv: list[str], cwd: str | None) -> CommandModel:
        """An argv that is exec'd without a shell (the sudo door): every word is exactly its string."""
        state = _State(paths.normalise(cwd) if cwd else None, {"PWD": cwd} if cwd else {})
        span = Span(0, len(text))
        words = [literal_word(arg, span) for arg in argv]
        if words:
            try:
                self._dispatch(_Command(words, span, (), (), None), state, _Ctx())
            except _StopReading as stop:  # (bash -c TEXT: the text is read)
                self.unread.append(stop.where)
        return CommandModel(
            source=text,
            invocations=tuple(self.invocations),
            unread=tuple(self.unread),
            parsers=("argv",),
            kept_links=tuple(self._kept_links),
            made_names=tuple(self._made_names),
        )

    def build_write(self, text: str, path: str, cwd: str | None) -> CommandModel:
        """A file written directly by a program that is no shell (an agent's Write or Edit tool): the model is the
        one bash's bare output redirection ``> PATH`` gets, with PATH one word whose value is exactly its string.
        That redirection writes exactly that file and runs nothing, so every rule that protects a path from writes
        sees it (with ``..``, ``/proc/self/root`` and relative paths resolved as for any write), and no rule about a
        command or a signal does. Made without a parser: there is no shell text to read."""
        state = _State(paths.normalise(cwd) if cwd else None, {"PWD": cwd} if cwd else {})
        span = Span(0, len(text))
        target = literal_word(path, span)
        written = Redirect(">", span, target, None, paths.resolve(path, state.cwd))
        self._emit([], span, (), (written,), state, _Ctx())
        return CommandModel(
            source=text, invocations=tuple(self.invocations), unread=tuple(self.unread), parsers=("write",)
        )

    # -- structure ---------------------------------------------------------------------------------------------

    def _script(self, text: str, parsed: ParsedScript, state: _State, ctx: _Ctx) -> None:
        origin = ctx.placed[1] if ctx.placed is not None and ctx.placed[0] is text else None
        for region in parsed.unread:
            at = None if origin is None else Span(origin + region.span.start, origin + region.span.end)
            self.unread.append(Unread(ctx.span or region.span, region.reason, at or ctx.at))
        end = 0
        for node in parsed.nodes:
            # bash reads a line's commands (to its newline) before it runs them: aliases defined before are in effect
            if state.fresh_aliases and not ctx.in_aliases and (not end or "\n" in text[end : node.span.start]):
                state.fresh_aliases = frozenset()
            end = node.span.end
            self._node(text, node, state, ctx)

    def _node(self, text: str, node: Node, state: _State, ctx: _Ctx) -> None:
        placed = ctx.placed
        if placed is not None and placed[0] is text:  # nested text written as is: this command's own place
            ctx = dataclasses.replace(ctx, at=Span(placed[1] + node.span.start, placed[1] + node.span.end))
        self._readings += 1
        if len(self.invocations) > MAX_INVOCATIONS or self._readings > MAX_READINGS:
            stopped = Unread(ctx.span or node.span, "too many commands to check: the guard stopped here", ctx.at)
            raise _StopReading(stopped)
        if state.volatile or state.volatile_cwds:
            _trap_may_have_run(state)
        if isinstance(node, SimpleCommand):
            self._simple(text, node, state, ctx)
        elif isinstance(node, Pipeline):
            self._pipeline(text, node, state, ctx)
        elif isinstance(node, CommandList):
            skipped: str | Unknown | None = _UNSET  # the cwd where the item after ``&&`` is skipped, when not this
            stops: list[_Snapshot] = []  # the shell where the chain of ``&&`` and ``||`` may stop
            jumps: list[_Snapshot] = []  # and where a ``break``, ``continue`` or ``return`` may leave the rest
            status: bool | None = None  # whether the item before surely succeeded or failed (see _status_of)
            for i, item in enumerate(node.items):
                background = i < len(node.operators) and node.operators[i] == "&"
                jumped = self._jumps
                chained = i and node.operators[i - 1] in ("&&", "||")
                if chained and status is not None and status == (node.operators[i - 1] == "||"):
                    continue  # (``[ "$1" = stop ] && pkill node``, $1 known to be status: it does not run)
                if chained and status is not None and not background:
                    self._node(text, item, state, ctx)  # (it surely runs: the status before it is that of the chain)
                    status = self._status_of(text, item, state)
                    skipped = _UNSET
                elif chained:
                    after = skipped if node.operators[i - 1] == "&&" else _UNSET
                    if not background:
                        stops.append(_Snapshot.of(state))
                    if after is not _UNSET and state.staying:  # (after ``cd DIR &&``: it went, or this does not run)
                        state.other_cwds = tuple(c for c in state.other_cwds if c not in state.staying)
                        _set_pwd(state)
                    self._maybe_run(
                        text, item, state.copy() if background else state, ctx, after
                    )  # (as the one before ends)
                    if background:  # (the list before it ran in the same subshell: ``$!`` is that shell's PID)
                        _started_job(state, None)
                    skipped = _UNSET
                    status = None
                else:
                    if stops:
                        self._join(state, stops)
                        stops = []
                    first, cwd = len(self.invocations), state.cwd
                    self._node(text, item, state.copy() if background else state, ctx)
                    if background:
                        _started_job(state, self._job(item, first, ctx))
                    skipped = cwd if self._only_cd_since(first) and cwd != state.cwd else _UNSET
                    status = None if background else self._status_of(text, item, state)
                if self._jumps != jumped:  # (a break, continue or return: the items after it may not run)
                    jumps.append(_Snapshot.of(state))
            if stops:
                self._join(state, stops)
            if jumps:
                self._join(state, jumps)
            self._last_list = (node, status)
        elif node.kind in _BRANCHING:
            self._maybe_run(text, node, state, ctx)  # (each kind joins what its parts leave: see _branches)
        else:
            self._compound(text, node, state, ctx)

    def _job(self, item: Node, first: int, ctx: _Ctx) -> Unknown | None:
        """What ``$!`` names after ``item`` was started in the background (its commands lowered from ``first``
        on): the process of a simple command, or of a pipeline's last stage, which the shell forks and the command
        runs in (an exec'ing wrapper, ``nohup node x &``, too: the matcher judges its wrappers). None for anything
        else: a group, a subshell, a loop, and a function's body (its commands are in the function: ``f &``) run in
        a shell whose PID it is."""
        if isinstance(item, Pipeline):
            if self._last_stage is None or self._last_stage[0] is not item:
                return None
            item, first = item.stages[-1], self._last_stage[1]
        if not isinstance(item, SimpleCommand):
            return None
        started = tuple(
            i
            for i in range(first, len(self.invocations))
            if not self.invocations[i].in_substitution and self.invocations[i].in_function == ctx.in_function
        )
        return Unknown(JOB, producers=started) if started else None

    def _join(self, state: _State, stops: list[_Snapshot]) -> None:
        """The shell after commands that may have stopped at each of ``stops`` (the state there), or gone on to
        ``state``: a variable changed since holds either value (:mod:`tenmon_guard.choices`), the line may be in
        each cwd it was in, and the rest of the shell is joined as :meth:`_Rest.join` says (functions: see
        ``_State.other_definitions``)."""
        env = state.env
        choices = self._choices
        for stop in stops:
            before = stop.env
            if before != env:  # (a value standing for several is equal to itself alone)
                # (most values are the very objects they were: those that are not are found in one pass, a long
                # script's shell holding hundreds of variables at each of thousands of joins)
                held = before.get
                for name in [name for name, new in env.items() if held(name, ABSENT) is not new]:
                    old, new = held(name, ABSENT), env[name]
                    if old != new:
                        # (``$_`` changes at every command: not known, as before, where it may be either)
                        env[name] = choices.either(name, old, new) if name != LAST_ARGUMENT else None
                if not env.keys() >= before.keys():
                    for name, old in before.items():
                        if name not in env:
                            env[name] = choices.either(name, old, ABSENT)
            if stop.cwd != state.cwd or stop.other_cwds != state.other_cwds:
                others = (*state.other_cwds, stop.cwd, *stop.other_cwds)
                state.other_cwds = tuple(c for c in dict.fromkeys(others) if c != state.cwd)
            if not stop.rest.left_as(state):
                stop.rest.join(state)

    def _maybe_run(
        self, text: str, node: Node, state: _State, ctx: _Ctx, skipped: str | Unknown | None = _UNSET
    ) -> None:
        """Commands that may run or not (after ``&&`` or ``||``, in a branch or a loop), all lowered here as if they
        ran: ``$_`` after them is the last argument of a command that ran, known only when that is one value.
        ``skipped``: the cwd where they do not run, when it is not the cwd they run in (after ``cd DIR &&``, the cd
        failed: the cwd before it), for the functions they define."""
        before = state.env.get(LAST_ARGUMENT, _UNSET)
        functions = state.functions
        self._maybe_depth += 1
        try:
            if isinstance(node, Compound):
                self._compound(text, node, state, ctx)
            else:
                self._node(text, node, state, ctx)
        finally:
            self._maybe_depth -= 1
        if state.functions is not functions:  # (a definition replaces the dict)
            new = {k for k in state.functions if k not in functions}
            if new:
                state.maybe_defined = state.maybe_defined | new
                for name in new:
                    if isinstance(skipped, Unknown):
                        state.skipped_cwds.pop(name, None)
                    else:
                        state.skipped_cwds[name] = (state.cwd, skipped)
        if state.env.get(LAST_ARGUMENT, _UNSET) != before:
            state.env[LAST_ARGUMENT] = None

    def _pipeline(self, text: str, node: Pipeline, state: _State, ctx: _Ctx) -> None:
        producers: list[int] = []
        stdin_text: str | None = ctx.stdin_text
        # each stage runs in a subshell; under ``shopt -s lastpipe`` (a shell without job control) the last one runs
        # in this shell (``echo /opt/x | read d`` sets d)
        last = len(node.stages) - 1 if "lastpipe" in state.shopts else len(node.stages)
        errors = ctx.stdin_errors
        for k, stage in enumerate(node.stages):
            first = len(self.invocations)
            errors = errors or (k > 0 and "|&" in text[node.stages[k - 1].span.end : stage.span.start])
            stage_ctx = (
                ctx  # (the first stage reads what the pipeline reads)
                if not producers and stdin_text is ctx.stdin_text
                else _piped(ctx, ctx.stdin_producers + tuple(producers), stdin_text, producers, errors)
            )
            piped, self._piped_out = self._piped_out, self._piped_out or k < len(node.stages) - 1
            try:
                self._node(text, stage, state.copy() if len(node.stages) > 1 and k != last else state, stage_ctx)
            finally:
                self._piped_out = piped
            produced = list(range(first, len(self.invocations)))
            producers.extend(produced)
            stdin_text = self._printed_text(produced, stage, ctx.in_subst)
        self._pipeline_printed = (node, stdin_text)  # (what its last stage prints: a ``$( )`` of it, see below)
        self._last_stage = (node, first)  # (where its last stage's commands start: see _job)

    def _printed_text(self, produced: list[int], stage: Node | None = None, in_subst: bool = False) -> str | None:
        """What a pipeline stage prints, when it is one command whose output is known (fed to a shell: parsed), or a
        group of commands run one after the other, each of whose output is known (``{ echo 'cd DIR'; echo 'rm -rf
        dist'; } | bash``). The commands of substitutions in the stage print into its words, not into the pipe; in a
        pipeline that is itself in a substitution every command is, and a stage with one of its own has more
        commands than the stage names, so its text is not known (``<(echo -k 3000/tcp | xargs fuser)``)."""
        top = [i for i in produced if in_subst or not self.invocations[i].in_substitution]
        one = self._one(top)
        if one is not None:
            return self._piped_output(one)
        commands = _sequence(stage) if isinstance(stage, Compound) else None
        main = [i for i in top if i not in self._shadows]
        if commands is None or len(commands) != len(main):
            return None
        printed = [self._exact_output(i) for i in main]
        return "".join(p for p in printed if p is not None) if None not in printed else None

    def _exact_output(self, index: int) -> str | None:
        """What ``echo`` or ``printf`` prints, final newline included (to join it to what comes next)."""
        inv = self.invocations[index]
        values = [w.value for w in inv.args]
        if inv.name not in ("echo", "printf") or any(v is None for v in values) or index in self._forked:
            return None
        if _stdout_moved(inv) is not None:
            return None
        if inv.name == "echo":
            return filters.echo_output([v for v in values if v is not None], newline=True)
        return self._output_of(index)

    def _piped_output(self, index: int) -> str | None:
        """What one command prints into the pipe or the substitution it is in (see _output_of). Where a redirection
        sends its output to a file, nothing, for echo and printf (``$(echo x 2>&1 >/dev/null)`` is empty: it was
        taken for x); where it goes to another descriptor, nothing known."""
        inv = self.invocations[index]
        moved = _stdout_moved(inv)
        if moved is None:
            return self._output_of(index)
        into_file = moved == "file" and inv.name in ("echo", "printf")
        return "" if into_file and self._output_of(index) is not None else None

    def _one(self, indices: Sequence[int]) -> int | None:
        """The one command among ``indices`` (its copies for other directories the line may be in aside); None when
        there are several."""
        main = [i for i in indices if i not in self._shadows] if self._shadows else indices
        return main[0] if len(main) == 1 else None

    def _output_of(self, index: int) -> str | None:
        """What one command prints, when known: ``echo``/``printf`` of known words, ``pwd`` (the directory it runs
        in), and what ``cat``, ``tee``, ``base64 -d`` and ``tr`` make of known stdin (see :mod:`filters`)."""
        inv = self.invocations[index]
        values = [w.value for w in inv.args]
        if any(v is None for v in values) or index in self._forked:  # (forked: one of several outputs)
            return None
        words = [v for v in values if v is not None]
        if inv.name == "echo":
            return filters.echo_output(words)
        if inv.name == "printf":
            return filters.printf_output(words[0], words[1:]) if words else None
        if inv.name == "pwd" and all(w in ("-L", "-P") for w in words):
            return inv.cwd
        if inv.name == "basename":
            found = filters.basename_output(words)
            return found + "\n" if found is not None else None
        if inv.name == "dirname":
            return filters.dirname_output(words)
        if inv.name == "kill" and words:
            return self._signal_list(inv, words)
        stdin = self._stdin_text.get(index)
        if stdin is None:
            return None
        if inv.name in ("cat", "tee"):
            return filters.passthrough_output(inv.name, words, stdin)
        if inv.name == "base64":
            return filters.base64_output(words, stdin)
        if inv.name == "tr":
            return filters.tr_output(words, stdin)
        if inv.name in ("head", "tail"):
            return filters.head_output(inv.name, words, stdin)
        if inv.name == "rev":
            return filters.rev_output(words, stdin)
        if inv.name == "cut":
            return filters.cut_output(words, stdin)
        if inv.name == "sed":
            return self._sed_output(inv, stdin)
        return None

    def _read_back(self, inv: Invocation) -> list[str | Unknown] | None:
        """What ``cat FILE...`` (no options) or ``< FILE`` prints, where the line wrote every FILE (``pgrep node >
        /tmp/p; kill -9 $(cat /tmp/p)``): each file's text, or what it holds not known (by its producers); None
        where one is a file on disk."""
        if inv.name == "cat" and inv.args and not inv.redirects:
            files = [(w, paths.resolve(w.value, inv.cwd) if w.value is not None else None) for w in inv.args]
            if any(w.value is not None and w.value.startswith("-") for w, _ in files):
                return None
        elif inv.name is None and not inv.args and len(inv.redirects) == 1 and inv.redirects[0].op == "<":
            red = inv.redirects[0]
            if red.target is None:
                return None
            files = [(red.target, red.path)]
        else:
            return None
        read: list[str | Unknown] = []
        for word, path in files:
            found = self._file_contents(word, path)
            if found is None:
                return None
            read.append(found)
        return read

    def _pwd_elsewhere(self, index: int, state: _State) -> bool:
        """``pwd`` run after a cd to a directory the guard cannot name (``cd ~/app; rm -rf "$(pwd)/dist"``): its output
        is that directory, as unknown as ``$PWD`` is there, not a path of pwd's own making (which the matcher lets
        through). At the start of a script (no cd yet) the directory is the caller's, as before."""
        inv = self.invocations[index]
        return inv.name == "pwd" and inv.cwd is None and "PWD" in state.env and state.env["PWD"] is None

    def _sed_output(self, inv: Invocation, stdin: str) -> str | None:
        """What ``sed SCRIPT`` prints of known stdin, when its script runs here (sedrun.py) and runs no command."""
        script = program_text(inv, self.knowledge) if not program_files(inv, self.knowledge) else None
        args, operands = program_operands(inv, self.knowledge)
        entry = self.knowledge.inline_code["sed"]
        if script is None or any(w.value != "-" for w in operands) or args.has(*entry.program_option("not_one_stream")):
            return None
        from tenmon_guard import sedrun

        try:
            done = sedrun.run(
                script, stdin, args.has(*entry.program_option("quiet")), args.has(*entry.program_option("extended"))
            )
        except sedrun.Unsupported:
            return None
        return done.output if not done.commands else None

    def _signal_list(self, inv: Invocation, words: list[str]) -> str | None:
        """bash's own ``kill -l KILL`` (9) and ``kill -l 9`` (KILL): not /bin/kill's, which differs."""
        spec = self.knowledge.spec("kill")
        if inv.wrappers or inv.argv[0].value != "kill" or spec is None or words[0] not in spec.list("list_options"):
            return None
        operands = words[2:] if words[1:2] == ["--"] else words[1:]
        return listed(operands)

    def _compound(self, text: str, node: Compound, state: _State, ctx: _Ctx) -> None:
        redirects, inner = self._own_redirects(text, node, state, ctx)
        first = len(self.invocations)
        if node.kind == "coproc":
            _started_job(state, None)  # (the coprocess's shell, started as a job is)
        if node.kind in ("subshell", "coproc"):
            state = state.copy()
        outer = state
        if node.kind == "function":
            state = state.copy()
            state.locals, state.maybe_locals = {}, frozenset()
            state.env.pop(POSITIONAL, None)  # read where defined, ``$1`` is a call's argument: not known
            state.env[LAST_ARGUMENT] = None  # (and ``$_`` is the last argument of what ran before the call)
            state.env[BACKGROUND_PID] = None  # (``$!``: the last job started before the call)
            state.env[JOBS] = None  # (and the jobs started before it)
            if node.name:  # (this call's name first, whoever calls it: see _run_body; zsh has no FUNCNAME)
                state.env["FUNCNAME"] = None if self._zsh else (node.name, None)
            inner = _in_function(inner, node.name, inner.via_call, inner.span, inner.depth, inner.placed)
            self._called.append(set())
            if node.name and self._prompt_definition(text, node, ctx):
                self._prompt_functions[node.name] = node.span
                self._readings_of.append(node.name)
            else:
                self._readings_of.append(self._readings_of[-1])
        values: list[Word] = []
        each: list[list[Word]] = []  # (per word as written: a case's subject and patterns)
        for k, word in enumerate(node.words):
            # (``[[ ]]`` neither splits nor globs what it expands: ``[[ -v $x ]]`` is one name, as ``"$x"``; nor does
            # a case's subject: ``case $1 in`` with no argument is the empty word, which no item but ``*`` selects)
            fields = node.kind != "test" and not (k == 0 and node.kind == "case")
            expanded = self._words(text, word, state, inner, fields=fields)
            values.extend(expanded)
            if node.arms or node.kind == "test":
                each.append(expanded)
        if node.kind == "test":
            self._last_test = (node, self._conditional_status(text, node, each))
        self._evaluated(self._compound_code(text, node, values, state, inner), node.span, state, inner)
        if node.kind in ("arith", "arith_for"):
            _forget_arith_assigned(_arith_header(text, node.span), state)
        if (
            node.kind == "arith"
            and text.startswith("((", node.span.start)
            and not (self._arith_shell and text is self._given and _arithmetic_to_bash(text, node.span))
        ):
            # bash reads ((...)) as arithmetic, but sh/dash read it as two subshells: judge both readings (only
            # bash's in a file bash is known to read). Text
            # that is no shell at all (``(( (n % 2) == 0 ))``) is a syntax error to sh, which then runs none of
            # it: bash's reading is the one judged, and the line is not unread for it.
            inside = text[node.span.start + 2 : max(node.span.start + 2, node.span.end - 2)]
            as_commands = self._parse_nested(inside)
            if not as_commands.unread:
                self._payload(inside, ctx.span or node.span, state.copy(), inner, parsed=as_commands)
        if node.kind in ("for", "select") and node.name:
            if not node.words and _NO_IN_LIST.match(text, node.span.start):
                values = _positional_words(state, node.span)  # ``for f; do``: the positional parameters
            self._loop(text, node, values, state, inner)
        elif node.kind == "while" and self._read_loop(text, node, state, inner):
            pass
        elif node.groups and node.kind in _BRANCHING:
            items = _case_items(text, node, each) if node.arms and _decides(state) else None
            self._branches(text, node, state, inner, items)
        elif node.kind == "arith_for":  # (for ((...)): its body runs no time or many, as a while's does)

            def one_pass() -> None:
                before = _Snapshot.of(state)
                self._commands(text, node.body, state, inner)
                self._join(state, [before])

            self._passes(text, node, state, lambda: None, one_pass)
        else:
            self._commands(text, node.body, state, inner)
        if redirects and len(self.invocations) == first:
            self._emit([], ctx.span or node.span, (), (), state, inner)
        called = self._called.pop() if node.kind == "function" else set()
        if node.kind == "function":
            self._readings_of.pop()
        if node.kind == "function" and node.name:
            if "FUNCNAME" in outer.env:  # (not a change the body makes to its caller's shell)
                state.env["FUNCNAME"] = outer.env["FUNCNAME"]
            else:
                state.env.pop("FUNCNAME", None)
            body = tuple(self.invocations[first:])
            body_names = {inv.name for inv in body}
            footprint = state.footprint(outer, moved=bool(body_names & _MOVING))
            if footprint is None and body_names & _SHELL_CHANGING:
                footprint = _Footprint(False, frozenset())  # it changes something, to the value it had here
            if self._zsh and footprint is not None and _ZSH_TRAP.match(node.name):
                # (zsh runs TRAPDEBUG after each command, TRAPZERR after a failing one, TRAPINT on a signal, chpwd at
                # each cd: what its body changes is not known at any later command, as for ``trap TEXT DEBUG``)
                volatile = outer.volatile, outer.volatile_cwds
                _may_run_between(outer, state)
                if outer.lives_on and volatile != (outer.volatile, outer.volatile_cwds):
                    self._not_known(ctx.span or node.span, outer, ctx, _CHANGED_BETWEEN)
            calls = frozenset(n for n in body_names | called if n is not None and n != node.name)
            if node.name in self._prompt_functions:  # (where it stands for a run, so do those its reading runs)
                self._stood_for.update((node.name, name) for name in calls)
            defined = _Function(text, node, body, first, _Place.of(outer), footprint, calls, state.functions)
            replaced = outer.functions.get(node.name)
            if self._maybe_depth and replaced is not None:  # (the definition may not be made: the last one stands)
                kept = outer.other_definitions.get(node.name, ())
                outer.other_definitions = {**outer.other_definitions, node.name: (*kept, replaced)}
            elif not self._maybe_depth and node.name in outer.other_definitions:
                outer.other_definitions = {k: v for k, v in outer.other_definitions.items() if k != node.name}
            outer.functions = {**outer.functions, node.name: defined}  # (a new dict: copies that share it keep theirs)
            if node.name in outer.maybe_defined:
                outer.maybe_defined = outer.maybe_defined - {node.name}
            if outer.lives_on and (re.match(self.knowledge.hook_functions, node.name) or node.name in self._registered):
                self._hook_function(text, node, outer, ctx)
            if outer.kept and self._kept and id(outer) in self._kept:  # (``trap f DEBUG; f() { x=node; }``)
                self._judge_kept(self._kept[id(outer)])

    def _own_redirects(self, text: str, node: Compound, state: _State, ctx: _Ctx) -> tuple[tuple[Redirect, ...], _Ctx]:
        """A compound's own redirections, made in ``state``, and the context of the commands inside: they write
        where those say, and read the compound's own stdin (known text, or not known)."""
        if not node.redirects:  # (most compounds have none)
            return (), ctx
        lowered = [self._redirect(text, r, state, ctx) for r in node.redirects]
        redirects = tuple(r for r, _ in lowered)
        inner = dataclasses.replace(ctx, redirects=ctx.redirects + redirects)
        fed = [self._redirected_stdin(r, body) for r, body in lowered if r.op in _STDIN_OPS and r.fd in (None, 0)]
        if fed:
            last = fed[-1]
            inner = dataclasses.replace(
                inner,
                stdin_text=last if isinstance(last, str) else None,
                stdin_unknown=last if isinstance(last, Unknown) else None,
            )
        return redirects, inner

    def _commands(self, text: str, commands: Sequence[Node], state: _State, ctx: _Ctx) -> None:
        """Commands one after the other, where one may leave the rest unrun (``[ -e f ] && break``, ``return``,
        ``continue``): what the commands after it change holds either value (as after ``&&``)."""
        stops: list[_Snapshot] = []
        for child in commands:
            jumps = self._jumps
            self._node(text, child, state, ctx)
            if self._jumps != jumps:  # (a break, continue or return in it, run or not)
                stops.append(_Snapshot.of(state))
        if stops:
            self._join(state, stops)

    def _branches(
        self, text: str, node: Compound, state: _State, ctx: _Ctx, items: tuple[frozenset[int], bool] | None = None
    ) -> None:
        """The body of an ``if``, ``case`` or loop, by its parts that may run or not (``Compound.groups``): the
        variables and cwd after it are those any path through it leaves (:meth:`_join`). After ``if c; then x=a;
        else x=b; fi``, x is a or b; after ``x=a; [ ... ] && x=b`` or a loop's body, a or b. ``items``: of a case,
        the items that may run and whether one surely does (:func:`_case_items`); the others are not read."""
        bounds = [*node.groups, len(node.body)]
        parts = [node.body[a:b] for a, b in itertools.pairwise(bounds)]
        lead = node.body[: bounds[0]]
        for child in lead:  # (an if's or a loop's first condition: it runs)
            self._node(text, child, state, ctx)
        if node.kind == "if":
            self._if_branches(text, parts, self._status_of(text, lead[-1], state) if lead else None, state, ctx)
            return
        exclusive = node.kind == "if" or (node.kind == "case" and not _falls_through(text, node))
        if not exclusive:  # a loop's body, case items that may fall through: each part from where the last ended

            def one_pass() -> None:
                for part in parts:
                    before = _Snapshot.of(state)
                    self._commands(text, part, state, ctx)
                    self._join(state, [before])

            if node.kind not in _LOOPING:
                one_pass()
                return

            def condition() -> None:  # (again, from where the last pass left)
                for child in lead:
                    self._node(text, child, state, ctx)

            self._passes(text, node, state, condition, one_pass)
            return
        # one item runs (a case's items: see _case_items), from where the shell was before it
        ends: list[_Snapshot] = []
        for k, part in enumerate(parts):
            if items is None or k in items[0]:  # (not: its patterns do not match the subject, or one before did)
                self._branch(text, part, state, ctx, ends)
        if not (_catches_all(text, node) or (items is not None and items[1])):
            ends.append(_Snapshot.of(state))  # (no item may run)
        self._joined_branches(state, ends)

    def _if_branches(
        self, text: str, parts: Sequence[Sequence[Node]], status: bool | None, state: _State, ctx: _Ctx
    ) -> None:
        """An if's parts after its first condition (whose ``status`` is known or None: see _status_of): then-body,
        elif-condition, then-body, ..., and the else-body where there is one (an even number of parts). A
        then-body runs unless its condition surely failed, and where it surely succeeded nothing after it runs; an
        elif's condition runs where the one before may have failed, from where it left the shell; the else-body
        runs where every condition may have failed. No branch runs where there is no else."""
        ends: list[_Snapshot] = []
        has_else = len(parts) % 2 == 0
        for k, part in enumerate(parts):
            if has_else and k == len(parts) - 1:
                self._branch(text, part, state, ctx, ends)  # (every condition before it failed, or may have)
                break
            if k % 2 == 1:  # an elif's condition
                for child in part:
                    self._node(text, child, state, ctx)
                status = self._status_of(text, part[-1], state) if part else None
                continue
            if status is not False:
                self._branch(text, part, state, ctx, ends)
            if status is True:
                break  # (it ran: no condition after it is tested, no other body runs)
        else:
            ends.append(_Snapshot.of(state))  # (no else: where every condition failed, no branch runs)
        self._joined_branches(state, ends)

    def _branch(self, text: str, part: Sequence[Node], state: _State, ctx: _Ctx, ends: list[_Snapshot]) -> None:
        """One branch of an if or a case, read from where the shell is before it, which is kept: where it ends goes
        into ``ends``."""
        start = _Snapshot.of(state)
        self._commands(text, part, state, ctx)
        ends.append(_Snapshot.of(state))
        start.restore(state)

    def _status_of(self, text: str, node: Node, state: _State) -> bool | None:
        """Did ``node``, just read, surely succeed (True) or fail (False)? Known only of a test that decides (see
        :mod:`tenmon_guard.conditions`), ``!`` before one, and ``&&`` and ``||`` lists of them; None for anything
        else. Not where the line set a trap: under ``shopt -s extdebug`` a DEBUG trap may skip the test."""
        if state.kept or not _decides(state):
            return None
        if isinstance(node, SimpleCommand):
            return self._test_status(text, node, state)
        if isinstance(node, Compound):
            last_test = self._last_test
            return last_test[1] if last_test is not None and last_test[0] is node else None
        if isinstance(node, CommandList):
            last_list = self._last_list
            return last_list[1] if last_list is not None and last_list[0] is node else None
        if len(node.stages) == 1:
            status = self._status_of(text, node.stages[0], state)
            return None if status is None else status != node.negated
        return None

    def _test_status(self, text: str, node: SimpleCommand, state: _State) -> bool | None:
        """What ``[ ARGS ]`` or ``test ARGS``, written so, decided: where each invocation it made (one per value a
        variable may hold) is the builtin with known arguments, and they all decide alike. Not where the name may
        run something else (a function, an alias, a builtin turned off), nor with a redirection, which may fail."""
        last = self._last_simple
        if last is None or last[0] is not node or node.redirects or node.assignments or not node.words:
            return None
        name = text[node.words[0].span.start : node.words[0].span.end]
        if name not in ("[", "test") or name in state.functions or name in state.aliases or _may_be_off(name, state):
            return None
        # ``==`` is bash's: zsh stops the line at it ("= not found")
        comparing = self._text_shell == "bash" and text is self._given
        found: set[bool | None] = set()
        for inv in self.invocations[last[1] : last[2]]:
            values = [w.value for w in inv.argv]
            if values[:1] != [name] or None in values or (name == "[" and values[-1] != "]"):
                return None
            args = cast("list[str]", values[1 : -1 if name == "[" else None])
            found.add(None if "==" in args and not comparing else outcome_of_test(args, self._zsh))
        return found.pop() if len(found) == 1 else None

    def _conditional_status(self, text: str, node: Compound, words: list[list[Word]]) -> bool | None:
        """What ``[[ WORDS ]]`` decided, in a text that bash or zsh reads (sh runs a command named ``[[``, which
        is not found: the test fails)."""
        if node.redirects or self._text_shell not in ("bash", "zsh") or text is not self._given:
            return None
        if any(len(expanded) != 1 for expanded in words):
            return None
        written = [text[w.span.start : w.span.end] for w in node.words]
        return outcome_of_conditional([(w, e[0].value) for w, e in zip(written, words, strict=True)])

    def _joined_branches(self, state: _State, ends: list[_Snapshot]) -> None:
        """The shell after one of several branches ran, each ending as one of ``ends`` (one at least)."""
        last = ends.pop()
        last.restore(state)
        self._join(state, ends)

    def _hook_function(self, text: str, node: Compound, state: _State, ctx: _Ctx) -> None:
        """A function the shell runs on its own, defined at a prompt (knowledge ``hook_functions``, or one an earlier
        prompt registered: ShellAtStart.registered): ``chpwd() { rm -rf dist; }`` then ``cd LIVE`` removed the live
        dist (zsh runs chpwd at each cd), as ``tgf() { rm -rf dist; }`` after ``trap tgf EXIT`` did at exit, no line
        calling it. Its body is judged as well where later lines may take the shell, as a trap's action is
        (:func:`_where_kept_runs`)."""
        later = _where_kept_runs(state, _kept_names(text[node.span.start : node.span.end]))
        if node.name:
            self._stands_for(node.name)
        self._compound(text, node, later, ctx)

    def _prompt_definition(self, text: str, node: Compound, ctx: _Ctx | None = None) -> bool:
        """Is ``node`` one of the functions the prompt's shell has, sent before the line
        (:attr:`ShellAtStart.prompt_definitions`)? ``ctx``: where it is being read, when it is (not for a call): one
        of them is a definition at the top of that text (one inside it belongs to the function that makes it, whose
        text holds it: ``f() { case $1 in a) g() { ...; };; esac; }``)."""
        return (
            bool(self._prompt_definitions)
            and text is self._given
            and node.span.end <= self._prompt_definitions
            and (ctx is None or (ctx.depth == 0 and not ctx.via_call and ctx.in_function is None))
        )

    def _stands_for(self, name: str) -> None:
        """The reading being made needs the body of ``name`` as read where it is defined: a call not read again (the
        body takes nothing from it, the limit on calls, recursion), or the shell runs it on its own."""
        self._stood_for.add((self._readings_of[-1], name))

    def _definitions_not_run(self) -> tuple[Span, ...]:
        """Where the prompt's functions are defined whose bodies, as read there, stand for nothing the text runs."""
        run = self._definitions_run()
        return tuple(span for name, span in self._prompt_functions.items() if name not in run)

    def _definitions_run(self) -> frozenset[str]:
        """The prompt's functions whose bodies, as read where they are defined, stand for what the text runs: those
        the text's own readings need, and those their readings need in turn (a name such a reading runs that is a
        function by the time it runs counts too: ``f() { g; }`` is read before g is defined)."""
        if not self._stood_for:
            return frozenset()
        needs: dict[str | None, set[str]] = {}
        for reading, name in self._stood_for:
            needs.setdefault(reading, set()).add(name)
        run: set[str] = set()
        waiting: list[str | None] = [None]
        while waiting:
            for name in needs.get(waiting.pop(), ()):
                if name not in run:
                    run.add(name)
                    waiting.append(name)
        return frozenset(run)

    def _parse_nested(self, text: str) -> ParsedScript:
        """``parse_nested`` of ``text``, read once per build: parsing is a function of the text alone (the same parser,
        no inert commands), and what it returns is never changed, so a text read again (at each call of a function
        whose body holds it) shares the first reading. Bounded, for a text that makes many different ones."""
        known = self._nested_read.get(text)
        if known is None:
            known = self.parse_nested(text)
            if len(self._nested_read) < MAX_NESTED_READ:
                self._nested_read[text] = known
        return known

    def _only_cd_since(self, first: int) -> bool:
        """Did the commands lowered since ``first`` come to one ``cd``/``pushd`` (a failed one leaves the cwd)?"""
        made = self.invocations[first:]
        return len(made) == 1 and made[0].name in ("cd", "pushd") and not made[0].wrappers

    def _other_definitions_called(self, cmd: _Command, state: _State, ctx: _Ctx) -> list[_Snapshot]:
        """A call of a function that may still have another definition (``_State.other_definitions``) runs that
        one instead, in a copy of the shell: the shells it leaves, to join with the one the last definition leaves."""
        name = cmd.argv[0].value or ""
        left: list[_Snapshot] = []
        for other in state.other_definitions.get(name, ()):
            shell = state.copy()
            shell.functions = {**state.functions, name: other}
            shell.other_definitions = {k: v for k, v in state.other_definitions.items() if k != name}
            self._call(cmd, shell, ctx)
            left.append(_Snapshot.left_by(shell))
        return left

    def _called_where_skipped(self, cmd: _Command, state: _State, ctx: _Ctx) -> bool:
        """``cd LIVE && f() { ls; }; f``: where ``f`` is not defined, the cd failed, and the command ``f`` runs where
        the line was, not in LIVE (the body, read where it is defined, is what runs there). A program, not a builtin,
        only: it runs in a process of its own, so this shell is left as it was (a builtin of the name, ``cd`` say, is
        read in this shell as before)."""
        name = cmd.argv[0].value
        where = state.skipped_cwds.get(name) if name is not None and name not in _BASH_BUILTINS else None
        if where is None or where[0] != state.cwd or where[1] == state.cwd:
            return False
        there = state.copy()
        there.cwd = where[1]
        self._dispatch(cmd, there, ctx)
        if there.env.get(LAST_ARGUMENT, _UNSET) != state.env.get(LAST_ARGUMENT, _UNSET):
            state.env[LAST_ARGUMENT] = None
        return True

    def _functions_of(self, state: _State) -> dict[str, _Function]:
        """The functions ``state``'s shell has; the caches that depend on which names are functions follow it."""
        functions = state.functions
        if functions is not self._cached_for:
            self._cached_for = functions
            self._taking_arguments.clear()
            self._reading.clear()
            self._named_in.clear()
            self._running.clear()
            self._calls_reached.clear()
        return functions

    def _takes_arguments(self, name: str, functions: dict[str, _Function], seen: frozenset[str] = frozenset()) -> int:
        """What a call's arguments can change in a function's body, as read where it is defined (with arguments
        not known): RUNS_ARGUMENTS when an argument is a command name (``"$@"``, ``$1``), or is passed to a function
        that runs it; REACHES_COMMANDS when one reaches a redirection's target or a command other than a known reader
        or a function that takes none of its own; 0 otherwise (``log() { printf '%s' "$*"; }`` and ``debug() {
        log "$@"; }`` are read once, not at each of their calls)."""
        known = self._taking_arguments.get(name)
        if known is not None:
            return known
        takes = 0
        for use, callee, reaches in self._argument_uses(name, functions[name]):
            if use == RUNS_ARGUMENTS:
                takes = RUNS_ARGUMENTS
                break
            if use == REACHES_COMMANDS:
                takes = max(takes, REACHES_COMMANDS)
            elif callee is not None and callee in functions and callee != name and callee not in seen:
                takes = max(takes, self._takes_arguments(callee, functions, seen | {name}))
            elif reaches:
                takes = max(takes, REACHES_COMMANDS)
            if takes == RUNS_ARGUMENTS:
                break
        self._taking_arguments[name] = takes
        return takes

    def _argument_uses(self, name: str, function: _Function) -> tuple[tuple[int, str | None, bool], ...]:
        """The commands of a function's body that a call's arguments may reach, in order, as what
        :meth:`_takes_arguments` reads of each: (RUNS_ARGUMENTS, ...) for a command name that is an argument (the
        last one: nothing after it counts), (REACHES_COMMANDS, ...) for a redirection's target, (0, NAME, reaches)
        for an argument among the operands of NAME (``reaches``: whatever NAME is, the argument may go on). These
        depend on the body alone, which is fixed once defined; which other names are functions does not, so it is
        asked at each reckoning (that cache is emptied whenever a function is defined)."""
        body = function.body
        known = self._uses.get(name)
        if known is not None and known[0] is body:
            return known[1]
        readers = self._plain_readers()
        used = _used_outputs(body) if body else frozenset()
        first = function.first
        uses: list[tuple[int, str | None, bool]] = []
        for k, inv in enumerate(body):
            if inv.argv and names_an_argument(inv.argv[0]):
                uses.append((RUNS_ARGUMENTS, inv.name, True))
                break
            targets = [r.target for r in inv.redirects if r.target is not None]
            if any(names_an_argument(w) for w in targets):
                uses.append((REACHES_COMMANDS, inv.name, True))
            elif any(names_an_argument(w) for w in inv.argv):
                # (what a reader prints may be a PID, a path, a command; ``local d=$1``: d may reach anything)
                reaches = (
                    inv.name not in readers or inv.name in _DECLARATIONS or inv.in_substitution or first + k in used
                )
                uses.append((0, inv.name, reaches))
        found = tuple(uses)
        self._uses[name] = (body, found)
        return found

    def _plain_readers(self) -> frozenset[str]:
        """The readers no knowledge gives another meaning: ``kill``, ``pkill``, ``sed`` and ``find`` are readers of
        their operands as paths, but what they are given decides what they signal, write or run."""
        if self._plain is None:
            knowledge = self.knowledge
            known = _PLAIN_READERS.get(id(knowledge))  # (the same for every text one knowledge builds)
            if known is None or known[0] is not knowledge:
                plain = frozenset(
                    n for n in knowledge.readers if knowledge.spec(n) is None and n not in knowledge.inline_code
                )
                if len(_PLAIN_READERS) >= 8:  # (tests make many knowledges; a program, one)
                    _PLAIN_READERS.clear()
                known = _PLAIN_READERS[id(knowledge)] = (knowledge, plain)
            self._plain = known[1]
        return self._plain

    def _call(self, cmd: _Command, state: _State, ctx: _Ctx) -> bool:
        """A call of a function (see _called_body), with the call's ``NAME=value`` set for the time it runs
        (``x=node f`` with ``f() { pkill $x; }`` runs pkill node), as bash and dash do."""
        if not cmd.assignments:
            return self._called_body(cmd, state, ctx)
        saved = _prefix_assigned(cmd, state)
        try:
            return self._called_body(cmd, state, ctx)
        finally:
            self._prefix_done(saved, state, False)

    def _called_body(self, cmd: _Command, state: _State, ctx: _Ctx) -> bool:
        """A call of a function the text defined, whose body uses its arguments or changes the caller's shell: the
        body is lowered again, in the caller's shell, with the call's arguments as ``$@`` (``run() { echo "+ $*";
        "$@"; }; run rm -rf /opt/x`` runs rm; after ``go() { cd /opt/x; }; go`` the directory is /opt/x). What it
        made ``local`` is restored after it. The body was judged where it is defined, with arguments not known;
        this is what the call adds. A body that neither uses its arguments nor changes anything is not read again.
        False when the call is not followed (recursion, the limit on calls): the call is then judged as a command
        of unknown use, and what the body changes is no longer known."""
        name = cmd.argv[0].value or ""
        functions = self._functions_of(state)
        function = functions[name]
        text, node = function.text, function.node
        takes = self._takes_arguments(name, functions)
        footprint = function.changing
        # the call's own redirections and stdin, and the pipes it reads and prints into, are the call's: the body
        # read where it is defined wrote to none of them and read the terminal (``f > LIVE/x``, ``f | sh``, ``f <<<
        # TEXT`` or ``echo TEXT | f`` with ``f() { bash; }``)
        piped_in = ctx.stdin_text is not None or ctx.stdin_unknown is not None or bool(ctx.stdin_producers)
        own = bool(cmd.redirects) or cmd.stdin is not None or piped_in or self._piped_out
        moved = self._moved_since(name, state)
        same = not takes and footprint is None and not moved
        if same and not own and self._selected_by_arguments(function):
            same, moved = False, True  # (read again with the call's arguments: see _selected_by_arguments)
        if same and not own:
            self._stands_for(name)
            return True  # the body, read where it is defined, is what the call runs: nothing to add
        ctx = _called_with(cmd, ctx) if cmd.redirects or cmd.stdin is not None else ctx
        # A function that runs its arguments is followed at every call (up to a bound that only a text built to
        # exhaust it reaches); one whose arguments only reach other commands, that only changes the shell, or that
        # is called in another directory or with other values of what it reads (``f() { rm -rf dist; }; cd LIVE;
        # f``), or whose own redirections or pipes differ, at its first calls.
        budget = (
            "own"
            if same
            else "runs"
            if takes == RUNS_ARGUMENTS
            else "reaches"
            if takes
            else "moved"
            if moved
            else "changes"
        )
        if name in self._calling or ctx.depth >= MAX_NESTING or self._calls_left[budget] <= 0:
            _forget(footprint, state)
            self._stands_for(name)
            if (
                budget == "moved"
                and name not in self._calling
                and name not in self._unfollowed
                and not self._harmless_anywhere(function, functions)
            ):
                # what the body runs here is not what was judged where it is defined, and it is not read again: a
                # guard that cannot decide says so (once per function: a long script calls many times over)
                self._unfollowed.add(name)
                call = " ".join(w.text for w in cmd.argv)
                said = (
                    f"`{call}` (a function called where it may run something else, past {MAX_MOVED_CALLS} such calls)"
                )
                self._emit([Word(said, cmd.span, (_NOT_KNOWN,))], cmd.span, (), (), state, ctx)
            elif own and not takes:  # its redirections are still made; what it prints is not known
                self._emit([], cmd.span, (), (), state, ctx)
            return not takes
        self._calls_left[budget] -= 1
        first = len(self.invocations)
        self._run_body(name, text, node, cmd, state, ctx)
        if cmd.redirects and len(self.invocations) == first:  # (a body that runs nothing still opens them)
            self._emit([], cmd.span, (), (), state, ctx)
        return True

    def _selected_by_arguments(self, function: _Function) -> bool:
        """Is ``function`` one of the prompt's functions whose body reads its arguments? Read where it is defined,
        every ``case`` item of it counts; a call with its arguments runs those it selects (``f() { case $1 in
        kill) pkill node;; *) echo v;; esac; }``, then ``f --version``: the line runs echo). Only where the hook sends
        the prompt's functions: elsewhere the reading where defined is reported anyway."""
        node = function.node
        return (
            self._prompt_definition(function.text, node)
            and _READS_ARGUMENTS.search(function.text, node.span.start, node.span.end) is not None
        )

    def _harmless_anywhere(self, function: _Function, functions: dict[str, _Function]) -> bool:
        """Whether a call runs only plain readers that write nothing, wherever it is made and whatever the values
        (``nvm_get_os() { uname -a | ...; }``): such a call, not read again, still needs no doubt. A name the body
        runs that is no function now is the command it names."""
        readers = self._plain_readers()
        for reached in _reachable(function, functions):
            if any(inv.name not in readers or any(r.writes for r in inv.redirects) for inv in reached.body):
                return False
            if any(name not in functions and name not in readers for name in reached.calls):
                return False
        return True

    def _moved_since(self, name: str, state: _State) -> bool:
        """Is a function called where its body, read where it is defined, may do something else: in another
        directory, or with another value of a variable it (or a function it calls) reads? Bash expands the body at
        each call, in the caller's shell as it is then."""
        functions = self._functions_of(state)
        function = functions[name]
        names = self._with_path(self._variables_read(name, functions), lambda: self._names_run(name, functions))
        return _other_functions(function, functions) or function.defined_in.differs(state, names)

    def _with_path(self, names: Iterable[str], runs: Callable[[], Iterable[str]]) -> Iterable[str]:
        """The variables a text that runs later reads, and PATH where the line made a file of a name it runs: the
        names are looked up in PATH as it is when it runs (``f() { ls node; }``, then ``PATH=/tmp/bin`` where the
        line copied pkill to /tmp/bin/ls, then ``f``). A name the line made no file of runs the same program, as
        judged, wherever it is found."""
        if self._made_anything() and not self._made_basenames().isdisjoint(runs()):
            return (*names, "PATH")
        return names

    def _made_anything(self) -> bool:
        return bool(self._written or self._program_copies or self._links or self._unknown_names)

    def _made_basenames(self) -> frozenset[str]:
        """The last names of the files the line made (written, copied, linked), kept while they stay the same."""
        size = (len(self._written), len(self._program_copies), len(self._links), len(self._unknown_names))
        if size != self._basenames_size:
            made = (posixpath.basename(p) for p in (*self._written, *self._program_copies, *self._links))
            self._basenames = frozenset((*made, *self._unknown_names))
            self._basenames_size = size
        return self._basenames

    def _names_run(self, name: str, functions: dict[str, _Function]) -> frozenset[str]:
        """The command names a function's body runs, with those of the functions it calls."""
        known = self._running.get(name)
        if known is None:
            known = frozenset(
                inv.name for called in self._reached(name, functions) for inv in functions[called].body if inv.name
            )
            self._running[name] = known
        return known

    def _variables_read(self, name: str, functions: dict[str, _Function]) -> frozenset[str]:
        """The variables a function's body names (``$D``, ``${D%/}``, ``${a[@]}``), with those of the functions it
        calls, from its text: a call reads their values as they are then."""
        known = self._reading.get(name)
        if known is None:
            known = frozenset().union(*(self._variables_named_in(c, functions) for c in self._reached(name, functions)))
            self._reading[name] = known
        return known

    def _variables_named_in(self, name: str, functions: dict[str, _Function]) -> frozenset[str]:
        """The variables one function's own body names (read once: each function that calls it asks again)."""
        known = self._named_in.get(name)
        if known is None:
            node = functions[name].node
            known = self._named_in[name] = frozenset(
                _variables_named(functions[name].text[node.span.start : node.span.end])
            )
        return known

    def _reached(self, name: str, functions: dict[str, _Function]) -> frozenset[str]:
        """The function and those it may call, directly or through others. A walk with one set of those seen: a
        walk of every path (each caller asking its callees afresh) took minutes on nvm's 118 functions."""
        known = self._calls_reached.get(name)
        if known is not None:
            return known
        seen = {name}
        waiting = [name]
        while waiting:
            for inv in functions[waiting.pop()].body:
                if inv.name is not None and inv.name in functions and inv.name not in seen:
                    seen.add(inv.name)
                    waiting.append(inv.name)
        found = frozenset(seen)
        self._calls_reached[name] = found
        return found

    def _run_body(self, name: str, text: str, node: Compound, cmd: _Command, state: _State, ctx: _Ctx) -> None:
        """Lower a function's body for one call, in the caller's shell, then restore what is the call's own: the
        positional parameters and the variables it made local."""
        had, saved = POSITIONAL in state.env, state.env.get(POSITIONAL)
        state.env[POSITIONAL] = _call_arguments(cmd.argv[1:])
        # (what a call adds is told at the call: the body's commands are not placed where they are written)
        inner = _in_function(ctx, name, True, ctx.span or cmd.span, ctx.depth + 1, None)
        outer_locals, state.locals = state.locals, {}
        outer_maybe, state.maybe_locals = state.maybe_locals, frozenset()
        outer_refs = dict(state.refs)
        self._calling.add(name)
        # FUNCNAME is the calls' names, this one first (bash ignores what is assigned to it; below them: not known)
        had_name, saved_name = "FUNCNAME" in state.env, state.env.get("FUNCNAME")
        self._frames.append(name)
        state.env["FUNCNAME"] = None if self._zsh else (*reversed(self._frames), None)
        try:
            # the definition's own redirections are made at each call, with its arguments (``f() { case $1 in
            # a) ls;; esac; } > LIVE/x``, then ``f b``: LIVE/x is written though no command runs)
            redirects, inner = self._own_redirects(text, node, state, inner)
            first = len(self.invocations)
            for child in node.body:
                self._node(text, child, state, inner)
            if redirects and len(self.invocations) == first:
                self._emit([], inner.span or node.span, (), (), state, inner)
        finally:
            self._calling.discard(name)
            self._frames.pop()
            if had_name:
                state.env["FUNCNAME"] = saved_name
            else:
                state.env.pop("FUNCNAME", None)
            for local, (was_set, value) in (state.locals or {}).items():
                if local in state.maybe_locals:  # (made local where that may not have run: either value)
                    state.env[local] = self._choices.either(
                        local, state.env.get(local, ABSENT), value if was_set else ABSENT
                    )
                elif was_set:
                    state.env[local] = value
                else:
                    state.env.pop(local, None)
                if local in outer_refs:  # ``local -n r``: a reference of the call's own
                    state.refs[local] = outer_refs[local]
                else:
                    state.refs.pop(local, None)
            state.locals, state.maybe_locals = outer_locals, outer_maybe
            if had:
                state.env[POSITIONAL] = saved
            else:
                state.env.pop(POSITIONAL, None)

    def _compound_code(self, text: str, node: Compound, values: list[Word], state: _State, ctx: _Ctx) -> list[str]:
        """What ``(( ))`` and ``[[ ]]`` evaluate beyond their text: the values of the variables in arithmetic
        (``(( x ))``, ``[[ x -eq 0 ]]``) and the subscript of ``[[ -v 'a[$(cmd)]' ]]``."""
        if node.kind in ("arith", "arith_for"):
            return _arith_code(_arith_header(text, node.span), state.view())
        if node.kind != "test":
            return []
        words = [w.value for w in values]
        if "=~" in words:
            state.env["BASH_REMATCH"] = None  # (what the pattern matched: ``[[ node =~ n.* ]]``, not computed)
        # (as test -v's: ``[[ -v a[y] ]]`` is a glob word; ``read x; [[ -v $x ]]`` a name the line read, which may
        # be a[$(cmd)]: any command, as for printf -v "$x")
        names = [w.value if w.value is not None else _plain_text(w) or _read_name(w, k) for k, w in enumerate(values)]
        code: list[str] = []
        for name in _named_variables("test", names):
            if name.startswith(_READ_NAME):
                self._emit([Word("", node.span, (Unknown("stdin"),))], node.span, (), (), state, _in_substitution(ctx))
            else:
                code.extend(_name_code(name, state.view()))
        if any(w in _ARITH_TESTS for w in words):
            code.extend(c for w in values for c in _arith_code(w.text, state.view()))
            for w in values:  # (``[[ i++ -eq 0 ]]`` changes i)
                _forget_arith_assigned(w.text, state)
        return code

    def _read_loop(self, text: str, node: Compound, state: _State, ctx: _Ctx) -> bool:
        """``while read l; do $l; done <<< TEXT`` (or fed by a pipeline stage whose output is known): the body is
        lowered once per line, the condition's read taking that line; False when this is not such a loop (its
        condition is not a plain read, the text is not known or has more than :data:`MAX_LOOP_VALUES` lines, or
        a backslash joins lines)."""
        fed = ctx.stdin_text
        condition = node.body[0] if node.body else None
        if fed is None or not isinstance(condition, SimpleCommand) or not condition.words or "\\" in fed:
            return False
        first = condition.words[0].span
        if text[first.start : first.end] != "read" or any(r.op in _STDIN_OPS for r in condition.redirects):
            return False
        lines = fed.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) > MAX_LOOP_VALUES:
            return False
        for k in range(len(lines)):
            step = dataclasses.replace(ctx, stdin_text="".join(line + "\n" for line in lines[k:]))
            self._pass(text, node, state, step)
        self._node(text, condition, state, dataclasses.replace(ctx, stdin_text=""))  # the read that ends it
        return True

    def _loop(self, text: str, node: Compound, values: list[Word], state: _State, ctx: _Ctx) -> None:
        """``for x in a b c``: the body is lowered once per known value (globs kept as patterns), so
        ``rm -rf $x`` is judged for each; values from substitutions keep their producers."""
        assert node.name is not None
        if values and len(values) <= MAX_LOOP_VALUES and all(w.is_static for w in values):
            for k, word in enumerate(values):
                value = "".join(p.text for p in word.parts if isinstance(p, Literal))
                known = _cased(state, node.name, Matches(value) if word.is_glob else value)
                self._pass(text, node, state, ctx, known, first=not k)
            return
        outputs = all(_an_output(w) for w in values)
        if not outputs and len(values) <= MAX_LOOP_VALUES and all(w.is_static or _an_output(w) for w in values):
            # known words and commands' outputs (for p in 1 $(pgrep nginx)): the body once for each known word and
            # once for each output, as bash runs it with each of their values
            for k, word in enumerate(values):
                if word.is_static:
                    value = "".join(p.text for p in word.parts if isinstance(p, Literal))
                    held: _Value = _cased(state, node.name, Matches(value) if word.is_glob else value)
                else:
                    held = Unknown("command", producers=word.unknowns[0].producers)
                self._pass(text, node, state, ctx, held, first=not k)
            # (an output may be many words, each a pass: a b $(seq 3) makes five)
            outputs_held = Unknown(
                "command", producers=tuple(p for w in values for u in w.unknowns for p in u.producers)
            )
            self._passes(text, node, state, lambda: None, lambda: self._pass(text, node, state, ctx, outputs_held))
            return
        producers = tuple(dict.fromkeys(i for w in values for u in w.unknowns for i in u.producers))
        # each word a command's output: the variable holds theirs; other words besides (for p in $x $(pgrep nginx),
        # a literal, a value of pieces): theirs and maybe others, a value of pieces (see _env_value)
        piece = Unknown("command", producers=producers) if outputs else Unknown("variable", node.name, producers)
        held_each = piece if producers else None
        self._passes(text, node, state, lambda: None, lambda: self._pass(text, node, state, ctx, held_each))

    def _passes(
        self, text: str, node: Compound, state: _State, enter: Callable[[], None], body: Callable[[], None]
    ) -> None:
        """The passes of a loop whose passes no list of known values counts (``while``, ``until``, ``for ((...))``,
        ``for x in $(cmd)``): the body (``body``: one pass, joined with where it started) is read from where the
        last pass left the shell, for as long as a pass starts (after ``enter``: the condition again) elsewhere
        than the one before, in what the loop's text reads: ``x=ssh; while c; do pkill $x; x=node; done`` runs
        ``pkill node`` at its second pass, which one pass never judged. Past :data:`MAX_LOOP_PASSES`, what still
        changes is not known, and the body is read once more with it so. The condition of the first pass is the
        caller's (it surely runs)."""
        read = _carried(text, node)
        entry = self._entry(state, read)
        body()
        changed: list[str] = []
        moved = False
        for _ in range(MAX_LOOP_PASSES):
            before = _Snapshot.of(state)
            enter()
            now = self._entry(state, read)
            if now == entry:
                self._join(state, [before])
                return
            changed = [name for name, shape in now.shapes if (name, shape) not in entry.shapes]
            moved = now.where != entry.where
            entry = now
            body()
            self._join(state, [before])
        # (what still changes may hold what the passes read and more: each, and a value not known)
        for name in changed:
            state.env[name] = self._choices.either(name, state.env.get(name, ABSENT), None)
        if moved and state.cwd is not None:
            state.other_cwds = tuple(dict.fromkeys((*state.other_cwds, None)))
        body()

    def _entry(self, state: _State, read: set[str]) -> _PassStart:
        """Where a pass of a loop starts, as :meth:`_passes` compares it: what the text reads, the cwd, the rest."""
        shapes = frozenset((name, self._shape(state.env.get(name, _UNSET))) for name in read)
        rest = _Rest.of(state)
        rest.locals, rest.maybe_locals = None, frozenset()  # (a local made at one pass is the same at the next)
        return _PassStart(shapes, (state.cwd, *state.other_cwds), rest)

    def _shape(self, value: _Value | Unknown) -> frozenset[object]:
        """What of a value a pass of a loop may change: its possible values, each value not known as one (a
        command's output is a new one at each pass, and as unknown as the last)."""
        possible = self._choices.of(value) if isinstance(value, Unknown) else None
        return frozenset(_shaped(v) for v in (possible if possible is not None else (value,)))

    def _pass(
        self, text: str, node: Compound, state: _State, ctx: _Ctx, value: _Value | Unknown = _UNSET, first: bool = False
    ) -> None:
        """One pass through a loop's body with its variable set to ``value`` (_UNSET: no variable): the loop may
        not get to it (``first``: the first of a list of words, which it does get to), or stop part way
        (``break``), so what it changes holds either value after it."""
        named = value is not _UNSET and node.name is not None
        if named and first:
            state.env[node.name or ""] = value
        before = _Snapshot.of(state)
        if named and not first:
            state.env[node.name or ""] = value
        self._commands(text, node.body, state, ctx)
        self._join(state, [before])

    # -- words ---------------------------------------------------------------------------------------------------

    def _substitutions(
        self, text: str, subs: tuple[SubstitutionSyntax, ...], state: _State, ctx: _Ctx, word_start: int | None = None
    ) -> dict[int, tuple[int, tuple[int, ...], str | None]]:
        """Lower every substitution body (it runs, so it is checked) and say which invocations produce its text,
        and the text when it is known (``$(pwd)`` after a cd)."""
        found: dict[int, tuple[int, tuple[int, ...], str | None]] = {}
        if not subs:
            return found
        sub_ctx = _in_substitution(ctx)
        piped, self._piped_out = self._piped_out, False  # (what a substitution prints goes into the word)
        try:
            self._lower_substitutions(text, subs, state, ctx, sub_ctx, word_start, found)
        finally:
            self._piped_out = piped
        return found

    def _lower_substitutions(
        self,
        text: str,
        subs: tuple[SubstitutionSyntax, ...],
        state: _State,
        ctx: _Ctx,
        sub_ctx: _Ctx,
        word_start: int | None,
        found: dict[int, tuple[int, tuple[int, ...], str | None]],
    ) -> None:
        for sub in subs:
            first = len(self.invocations)
            if sub.kind == "backquote":
                quoted = word_start is not None and _in_double_quotes(text, word_start, sub.span.start)
                inside = _unescape_backquoted(
                    text[sub.span.start + 1 : max(sub.span.start + 1, sub.span.end - 1)], quoted
                )
                self._payload(inside, ctx.span or sub.span, state.copy(), sub_ctx)
            inner = state.copy()  # one subshell: what a line in it sets (cd, a variable, an alias) holds for the next
            for child in sub.body:
                self._node(text, child, inner, sub_ctx)
            if sub.nested:
                self._substitutions(text, sub.nested, state, ctx)
            if sub.kind == "arith":
                self._evaluated(_arith_code(text[sub.span.start : sub.span.end], state.view()), sub.span, state, ctx)
            producers = tuple(range(first, len(self.invocations))) if sub.kind != "arith" else ()
            one = self._one(producers) if sub.kind in _OUTPUT_SUBSTITUTIONS else None
            output = self._piped_output(one) if one is not None else None
            if one is None and sub.kind in _OUTPUT_SUBSTITUTIONS and len(sub.body) == 1:
                # a pipeline's output is what its last stage prints, as it feeds a shell (``$(echo pkill | cat)``)
                piped, printed = self._pipeline_printed
                output = printed if piped is sub.body[0] else None
            if output is None and one is not None and (self._written or self._written_unknown):
                read = self._read_back(self.invocations[one])  # (``$(cat F)``, ``$(< F)`` of a file the line wrote)
                if read is not None and all(isinstance(r, str) for r in read):
                    output = "".join(r for r in read if isinstance(r, str))
                elif read is not None:
                    producers += tuple(p for r in read if isinstance(r, Unknown) for p in r.producers)
            if output is None and one is not None and self._pwd_elsewhere(one, inner):
                producers = ()  # like ``$PWD``: a directory a cd went to, not a path of pwd's own making
            if sub.kind == "arith":
                output = _arith_value(text[sub.span.start : sub.span.end], state.view())
                _forget_arith_assigned(text[sub.span.start : sub.span.end], state)
            found[sub.span.start] = (sub.span.end, producers, output)

    def _words(
        self, text: str, word: WordSyntax, state: _State, ctx: _Ctx, assignment: bool = False, fields: bool = True
    ) -> list[Word]:
        subs = word.substitutions
        plain = None if subs else plain_source(text, word.span)
        if plain is not None and "[" not in plain:  # most words: one literal, nothing set, run or evaluated
            one = plain_word(plain, word.span if ctx.span is None else ctx.span)
            if one.is_glob and state.shopts and "nocaseglob" in state.shopts:
                return [paths.caseless_glob(one)]
            return [one]
        lookup = self._substitutions(text, subs, state, ctx, word.span.start).get if subs else no_substitutions
        assigned: dict[str, str | Unknown] = {}
        prompted: list[str | None] = []
        arithmetic: list[str] = []
        # (state.view(), without the call)
        env = _Referenced(state) if state.refs or state.dirstack or state.left != state.env.get("OLDPWD") else state.env
        words = expand_word(
            text,
            word.span,
            env,
            lookup,
            assignment=assignment,
            fields=fields,
            assigned=assigned,
            prompted=prompted,
            at=ctx.span,
            arithmetic=arithmetic,
            zsh=self._zsh,
        )
        if arithmetic:  # ``${a[i]}``, ``${y:i}``, ``${!x}``: the values of the variables named run their subscripts
            code = [c for expression in arithmetic for c in _arith_code(expression, state.view())]
            self._evaluated(code, word.span, state, ctx)
        if assigned:  # ``${X:=d}`` (through a reference, as any assignment; ``${!r:=d}``: a name not known)
            for name, value in assigned.items():
                if name == ASSIGNED_ANYWHERE:
                    state.write_anywhere()
                else:
                    state.env[state.target(name)] = value
        if text.find("[", word.span.start, word.span.end) >= 0:
            _forget_subscript_assigned(text[word.span.start : word.span.end], state)
        if prompted:
            self._prompted(prompted, ctx.span or word.span, state, ctx)
        if state.shopts and "nocaseglob" in state.shopts:
            words = [paths.caseless_glob(w) if w.is_glob else w for w in words]
        return words

    def _prompted(self, values: list[str | None], span: Span, state: _State, ctx: _Ctx) -> None:
        """``${X@P}`` expands X as a prompt: the command substitutions X holds run (``x='$(pkill node)'; echo
        ${x@P}``), judged as substitutions are; a value not known may hold any, so it is a command not known."""
        for value in values:
            if value is None:
                sub_ctx = dataclasses.replace(ctx, in_subst=True, stdin_producers=(), stdin_text=None, redirects=())
                self._emit([Word("", span, (Unknown("command"),))], span, (), (), state, sub_ctx)
            else:
                self._evaluated(_prompt_substitutions(value), span, state, ctx)

    def _redirect(
        self, text: str, red: RedirectSyntax, state: _State, ctx: _Ctx
    ) -> tuple[Redirect, str | Unknown | None]:
        target = None
        if text.startswith("{", red.span.start):
            # ``{fd}>FILE``: bash assigns the descriptor it opens (10 or more, not known here) to the variable
            named = text[red.span.start + 1 : text.find("}", red.span.start, red.span.end)]
            if "[" in named:  # ``{a[i]}>FILE``: to the element, evaluating its subscript
                self._evaluated(_name_code(named, state.view()), red.span, state, ctx)
            state.env[state.target(named.partition("[")[0])] = None
        if red.target is not None and red.heredoc is None:
            # (a here-string's word is neither split nor globbed: ``IFS=k; x='pkill node'; bash <<< $x``)
            expanded = self._words(text, red.target, state, ctx, fields=red.op != "<<<")
            target = (
                expanded[0]
                if len(expanded) == 1
                else Word(
                    text[red.target.span.start : red.target.span.end], ctx.span or red.target.span, (Unknown("brace"),)
                )
            )
        path = None
        if target is not None and target.value is not None and red.op not in ("<<<",):
            path = paths.resolve(target.value, state.cwd)
        body: str | Unknown | None = None
        if red.heredoc is not None:
            body = written = text[red.heredoc.start : red.heredoc.end]
            if red.op == "<<-":
                body = "\n".join(line.lstrip("\t") for line in body.split("\n"))
            if not red.heredoc_quoted:
                made = self._heredoc_substitutions(body, ctx.span or red.heredoc, state, ctx)
                body = self._expanded_body(body, state, ctx.span or red.heredoc, made)
            if isinstance(body, str):
                self._place_body(body, written, red.heredoc.start, text, ctx)
        elif red.op == "<<<" and target is not None and target.value is not None:
            body = target.value + "\n"  # bash ends a here-string with a newline
        return Redirect(red.op, ctx.span or red.span, target, red.fd, path), body

    def _expanded_body(self, body: str, state: _State, span: Span, made: list[tuple[int, ...]]) -> str | Unknown:
        """An unquoted heredoc's body as the command reads it (see :func:`_heredoc_expanded`). Known only in part
        (``bash <<E`` with a line ``apt-get install -y $PKG``), it is stdin not known that remembers its pieces, so a
        shell, cron or a login script reading it judges what is known in it (see :meth:`_printed_word`). ``made``:
        the commands of each of its substitutions, in order (see :meth:`_heredoc_substitutions`), kept with the
        pieces they print (``kill -9 $(pgrep node)``) when each piece can be matched to its substitution."""
        if "$" not in body and "`" not in body:
            return _heredoc_unescaped(body)
        expanded = _heredoc_expanded(body, state)
        if isinstance(expanded, str):
            return expanded
        fed = Unknown("stdin")
        if expanded is not None:
            parts = list(expanded.parts)
            printed = [k for k, p in enumerate(parts) if isinstance(p, Unknown) and p.kind == "command"]
            if len(printed) == len(made) and "$((" not in body:
                for k, producers in zip(printed, made, strict=True):
                    parts[k] = Unknown("command", producers=producers)
            self._in_part[id(fed)] = (fed, Word(body, span, tuple(parts)))
        return fed

    def _place_body(self, body: str, written: str, start: int, text: str, ctx: _Ctx) -> None:
        """Remember where a heredoc's body is written when the command gets it exactly as written (no tab stripped,
        no escape removed), so a shell that reads it places its commands there (see :meth:`_origin`)."""
        origin = self._text_origin(text, ctx)
        if origin is not None and body == written:
            self._bodies_at[id(body)] = (body, origin + start)

    def _text_origin(self, text: str, ctx: _Ctx) -> int | None:
        """Where ``text``, being lowered, starts in the text given; None when it is not a verbatim piece of it, or
        when a function's body is read for a call (what the call adds is told at the call)."""
        if ctx.via_call:
            return None
        if text is self._given:
            return 0
        placed = ctx.placed
        return placed[1] if placed is not None and placed[0] is text else None

    def _origin(self, payload: Word | str, text: str, ctx: _Ctx) -> int | None:
        """Where nested shell text starts in the text given, when it is written there as is: a heredoc's body
        (see :meth:`_place_body`) or one word whose text is the payload, bare or in one pair of quotes (``bash -c
        '...'``, ``ssh host "..."``). None otherwise (escapes, expansions, words joined): its commands are then
        placed at the command that runs them."""
        if ctx.via_call:
            return None
        if isinstance(payload, str):
            known = self._bodies_at.get(id(payload))
            return known[1] if known is not None and known[0] is payload else None
        inner = _verbatim_offset(payload.text, text)
        if inner is None:
            return None
        source = self._given
        if ctx.span is None:  # the words' spans are their own
            start = payload.span.start
            if not source.startswith(payload.text, start):
                return None
        elif ctx.at is not None:  # in nested text placed in the text given: the one place the word is written
            start = source.find(payload.text, ctx.at.start, ctx.at.end)
            if start < 0 or source.find(payload.text, start + 1, ctx.at.end) >= 0:
                return None
        else:
            return None
        return start + inner

    def _evaluated(self, code: list[str], span: Span, state: _State, ctx: _Ctx) -> None:
        """Command substitutions bash runs while it evaluates a subscript or an arithmetic value: judged as
        substitutions are."""
        if not code:
            return
        sub_ctx = _in_substitution(ctx)
        for inside in dict.fromkeys(code):
            self._payload(inside, ctx.span or span, state.copy(), sub_ctx)

    def _evaluated_names(self, inv: Invocation, state: _State, ctx: _Ctx) -> None:
        """Builtins that take a variable name evaluate its subscript (``printf -v 'a[$(cmd)]'``, ``read``,
        ``declare``, ``unset``, ``test -v``); ``let`` evaluates arithmetic, and the values of the variables in it."""
        args = [w.value for w in inv.args]
        code: list[str] = []
        # (``declare a[i]=v``, ``unset a[i]``: a name written with a subscript is a glob word, its value not known)
        refs = inv.name in _DECLARATIONS and any((a or "").startswith("-") and "n" in (a or "") for a in args)
        names = [
            w.value if w.value is not None else _plain_text(w) or _read_name(w, k, refs) for k, w in enumerate(inv.args)
        ]
        for name in _named_variables(inv.name or "", names):
            if name.startswith(_READ_NAME):  # (read x; printf -v "$x" ...: a name typed may be a[$(cmd)])
                self._emit([Word("", inv.span, (Unknown("stdin"),))], inv.span, (), (), state, _in_substitution(ctx))
            code.extend(_name_code(name, state.view()))
        if inv.name in ("mapfile", "readarray"):
            self._mapfile_callback(inv, args, state, ctx)
        if inv.name == "let":
            for expression, written in zip(args, inv.args, strict=True):  # each one a quoted expression
                code.extend(_expression_code(expression or "", state.view()))
                _forget_arith_assigned(expression if expression is not None else written.text, state)
        if inv.name in _DECLARATIONS:
            code.extend(self._integer_code(args, state))
            self._declared_tables(inv, names, state, ctx)
        self._evaluated(code, inv.span, state, ctx)

    def _declared_tables(self, inv: Invocation, args: list[str | None], state: _State, ctx: _Ctx) -> None:
        """``declare -A BASH_CMDS=(...)``, ``declare BASH_ALIASES[k]=TEXT``: bash's tables assigned by a declaration
        (see :meth:`_shell_table`)."""
        for arg in args:
            if arg is None or arg.startswith(("-", "+")) or not arg.startswith(tuple(_SHELL_TABLES)):
                continue
            name = _declared_name(arg)
            table, _, subscript = name.partition("[")
            rest = arg[len(name) :]
            if table in _SHELL_TABLES and rest.startswith(("=", "+=")):
                key: str | bool = subscript[:-1] if subscript else False
                value = literal_word(rest.partition("=")[2], inv.span)
                self._shell_table(table, value, key, inv.span, state, ctx)

    def _integer_code(self, args: list[str | None], state: _State) -> list[str]:
        """``declare -i x=EXPR``: integer variables (this one, or one declared so before) are assigned arithmetic,
        and remembered as such for later assignments (``declare -i x; x='a[$(cmd)]'``)."""
        flags = "".join(a[1:] for a in args if a is not None and a.startswith("-"))
        code: list[str] = []
        for arg in args:
            if arg is None or arg.startswith(("-", "+")):
                continue
            name, eq, value = arg.partition("=")
            target = state.target(name.rstrip("+"))
            if "i" in flags:
                state.integers.add(target)
            if eq and target in state.integers:
                code.extend(_expression_code(value, state.view()))
            if eq and "n" in flags:  # ``declare -n r='a[$(cmd)]'``: each use of r evaluates the subscript
                code.extend(_name_code(value, state.view()))
            if eq and value.startswith("("):  # ``declare -a a=([i]=v)``
                code.extend(_keys_code(value, state.view()))
        return code

    def _mapfile_callback(self, inv: Invocation, args: list[str | None], state: _State, ctx: _Ctx) -> None:
        """``mapfile -C CODE``: CODE runs as a command (with an index and a line after it) as lines are read, in
        this shell, no time or many: what it changes may be either way after (read twice, as a loop's body is, so
        what one run sets for the next is seen too)."""
        found = _builtin_options(args, _MAPFILE_VALUED)
        if found is None or "C" not in found[0]:
            return
        callback = found[0]["C"]
        inner = _through(ctx, Wrapper(inv.name or "mapfile", inv.span))
        if callback is None:
            self._emit([Word("", inv.span, (Unknown("command"),))], inv.span, (), (), state, inner)
            return
        saved = _prefix_assigned(inv, state)  # (``x=node mapfile -C 'pkill $x #'``: the callback sees x node)
        for _ in range(MAX_LOOP_PASSES):
            before = _Snapshot.of(state)
            self._maybe_depth += 1
            try:
                self._payload(callback + _CALLBACK_ARGUMENTS, inv.span, state, inner)
            finally:
                self._maybe_depth -= 1
            self._join(state, [before])
        self._prefix_done(saved, state, False)

    def _heredoc_substitutions(self, body: str, span: Span, state: _State, ctx: _Ctx) -> list[tuple[int, ...]]:
        """``$(...)`` and backquotes in an unquoted heredoc body run when the heredoc is read: check them. Returns
        the commands of each, in order (what printed the text it puts in the body)."""
        sub_ctx = _in_substitution(ctx)
        made = []
        for inside in _body_substitutions(body):
            first = len(self.invocations)
            self._payload(inside, span, state.copy(), sub_ctx)
            made.append(tuple(range(first, len(self.invocations))))
        return made

    # -- simple commands -------------------------------------------------------------------------------------------

    def _array_elements(self, inside: str, state: _State, old: _Value, append: bool) -> _Value:
        """``a=(x "y z" $v)``, ``a=([5]=x y)``, ``m=([k]=v)``, ``a+=(z)``: the array it makes (``old`` is what the
        variable held: an associative array stays one, ``+=`` adds after its last index); None when not known."""
        nested = ": " + inside
        parsed = self._parse_nested(nested)
        first = parsed.nodes[0] if parsed.nodes and not parsed.unread else None
        if not isinstance(first, SimpleCommand):
            return None
        if append and not isinstance(old, (tuple, Keyed)) and not (isinstance(old, str) and old):
            return None  # after a variable unset, empty or not known, where the new elements go is not known
        items, associative = array_items(old) if append or isinstance(old, Keyed) else ({}, False)
        if not append:
            items = {}
        index = next_index(items) if not associative else 0
        for word in first.words[1:]:
            keyed = _ELEMENT_KEY.match(nested, word.span.start, word.span.end)
            if keyed is not None:
                key = array_key(keyed.group(1), associative) if not keyed.group(2) else None
                if key is None:
                    return None  # a subscript bash evaluates, or ``[k]+=v``: not read here
                value_span = Span(keyed.end(), word.span.end)
                value = expand_word(nested, value_span, state.view(), no_substitutions, assignment=True)
                items[key] = value[0].value if value else ""
                index = int(key) + 1 if not associative else index
            elif associative:
                return None  # ``m=(k1 v1 k2 v2)`` (bash 5.1): not read here
            else:
                for expanded in expand_word(nested, word.span, state.view(), no_substitutions):
                    items[str(index)] = expanded.value
                    index += 1
        return make_array(items, associative)

    def _assignment_words(
        self, text: str, word: WordSyntax, state: _State, ctx: _Ctx
    ) -> tuple[str, Word, str | bool | None, bool, Span] | None:
        """One assignment of a statement: its name, its value as a word, its subscript (``x[K]=v``: the text bash
        expands it to, None when not known; False for the whole variable), whether it appends, and the span of its
        value. Substitutions in the subscript run too (``a[$(cmd)]=1``)."""
        split = split_assignment(text, word.span)
        if split is not None:
            name, value_span, append = split
            value = self._words(text, WordSyntax(value_span, word.substitutions), state, ctx, assignment=True)
            if text.startswith("(", value_span.start) and "[" in text[value_span.start : value_span.end]:
                keys = _keys_code(text[value_span.start : value_span.end], state.view())
                self._evaluated(keys, word.span, state, ctx)  # (x='b[$(cmd)]'; a=([x]=1))
            return name, value[0], False, append, value_span
        element = split_element_assignment(text, word.span)
        if element is None:
            return None
        name, subscript_span, value_span, append = element
        inside = tuple(s for s in word.substitutions if s.span.start < subscript_span.end)
        subscript = self._words(text, WordSyntax(subscript_span, inside), state, ctx, assignment=True)
        written = text[subscript_span.start : subscript_span.end]
        self._evaluated(_arith_code(written, state.view()), word.span, state, ctx)  # (x='b[$(cmd)]'; a[x]=1)
        _forget_arith_assigned(text[subscript_span.start : subscript_span.end], state)  # (``b[i++]=1`` changes i)
        rest = tuple(s for s in word.substitutions if s.span.start >= subscript_span.end)
        value = self._words(text, WordSyntax(value_span, rest), state, ctx, assignment=True)
        return name, value[0], subscript[0].value, append, value_span

    def _assign(
        self,
        text: str,
        name: str,
        assigned: Word,
        subscript: str | bool | None,
        append: bool,
        value_span: Span,
        state: _State,
    ) -> None:
        """Apply one assignment of a statement with no command to the shell's variables (through a reference:
        after ``declare -n r=c``, ``r=v`` sets c)."""
        name = state.target(name)
        if name == "PATH":
            state.hashed.clear()  # bash empties its table of programs when PATH changes
        if name == ("dirstack" if self._zsh else "DIRSTACK"):
            array = text[value_span.start + 1 : value_span.end - 1] if _array_literal(text, value_span) else None
            _stack_assigned(subscript, _env_value(assigned, name) if array is None else array, array is not None, state)
        old = state.env.get(name)
        if subscript is not False:
            new: _Value = _set_element(
                old, subscript if isinstance(subscript, str) else None, _env_value(assigned, name), append
            )
        elif _array_literal(text, value_span):
            new = self._array_elements(text[value_span.start + 1 : value_span.end - 1], state, old, append)
        else:
            new = _appended(old, _env_value(assigned, name)) if append else _env_value(assigned, name)
            new = _integer_value(state, name, new, append)
        case = state.cases.get(name) if state.cases else None
        if case is not None and _EITHER_CASE in case:  # (``[ -e F ] && declare -l x; x=NODE``: node or NODE)
            first, *others = (_converted_value(way, new) for way in case.split(_EITHER_CASE))
            for other in others:
                first = self._choices.either(name, first, other)
            state.env[name] = _capped(first)
            return
        state.env[name] = _capped(_cased(state, name, new))

    def _deferred_array(self, name: str, inside: str, span: Span, state: _State, ctx: _Ctx) -> None:
        """``PROMPT_COMMAND=(a b)``, ``+=(c)``, ``declare -a PROMPT_COMMAND=(...)``: bash 5.1 runs each element, so
        each element the literal (``inside`` its parentheses) gives is judged as an assignment's value is, before it
        is assigned. An element that is the variable's own value, not known (``("${PROMPT_COMMAND[@]}" CMD)``), is
        what it held: not judged again."""
        if name not in self.knowledge.deferred_variables:
            return
        nested = ": " + inside
        parsed = self._parse_nested(nested)
        first = parsed.nodes[0] if parsed.nodes and not parsed.unread else None
        if not isinstance(first, SimpleCommand):
            self._not_known(span, state, ctx)
            return
        own = re.compile(r"\$\{?" + re.escape(name) + r"\b")
        for word in first.words[1:]:
            keyed = _ELEMENT_KEY.match(nested, word.span.start, word.span.end)
            start = keyed.end() if keyed is not None else word.span.start
            for element in expand_word(nested, Span(start, word.span.end), state.view(), no_substitutions):
                if element.value is None and own.search(nested, start, word.span.end):
                    continue
                self._deferred_variable(name, Word(element.text, span, element.parts), span, state, ctx)

    def _known_stdin(self, index: int, redirects: tuple[Redirect, ...], ctx: _Ctx) -> str | None:
        """The text a command reads on stdin when it is known: its own heredoc or here-string, else what the
        pipeline stage or the loop it is in feeds it (``while read l; do ...; done <<< TEXT``)."""
        if index in self._stdin_text:
            return self._stdin_text[index]
        if _redirects_stdin(redirects):
            return None
        return ctx.stdin_text

    def _unknown_stdin(self, inv: Invocation, redirects: tuple[Redirect, ...], ctx: _Ctx) -> Unknown | None:
        """What a builtin reads on stdin when it is not known text (``read``, ``mapfile``): a file it is redirected
        from (a ``file`` piece naming it), what a process substitution's commands print (``mapfile -t P < <(pgrep
        node)``), what a pipeline or here-string's producers print, or the stdin of the loop it is in (``while read
        p; do ...; done < FILE``); None for the terminal."""
        own = [r for r in redirects if r.op in _STDIN_OPS and r.fd in (None, 0)]
        if own and own[-1].op == "<" and own[-1].target is not None:
            found = self._file_contents(own[-1].target, own[-1].path)
            return found if isinstance(found, Unknown) else Unknown("file", name=own[-1].path)
        if inv.stdin_producers:
            return Unknown("stdin", producers=inv.stdin_producers)
        return ctx.stdin_unknown if not own else None

    def _declared_arrays(self, inv: Invocation, state: _State) -> dict[str, _Value]:
        """The arrays a declaration makes: ``declare -a x=(a b)``, ``local -A m=([k]=v)``, ``declare -A m`` and
        ``local -a x`` (empty: a local is a new variable)."""
        flags = "".join(w.value[1:] for w in inv.args if w.value and w.value.startswith("-"))
        fresh = state.locals is not None and (inv.name == "local" or (inv.name != "export" and "g" not in flags))
        found: dict[str, _Value] = {}
        for word in inv.args:
            literal = _ARRAY_OPERAND.fullmatch(word.text)
            bare = _NAME.fullmatch(word.value or "") if "A" in flags or "a" in flags else None
            name = literal.group(1) if literal else bare.group() if bare else None
            if name is None:
                continue
            name = state.target(name)
            old = state.env.get(name)
            if fresh:
                old = ()
            if "A" in flags and not (isinstance(old, Keyed) and old.associative):
                old = Keyed((), associative=True)
            if literal is None:
                found[name] = old
            else:
                made = self._array_elements(literal.group(3), state, old, bool(literal.group(2)))
                found[name] = _capped(made)
        return found

    def _simple(self, text: str, node: SimpleCommand, state: _State, ctx: _Ctx) -> None:
        start = len(self.invocations)
        self._simple_readings(text, node, state, ctx)
        self._last_simple = (node, start, len(self.invocations))

    def _simple_readings(self, text: str, node: SimpleCommand, state: _State, ctx: _Ctx) -> None:
        readings = self._choices.readings(text[node.span.start : node.span.end], state.env) if self._choices else None
        if readings is None:
            self._simple_once(text, node, state, ctx)
            return
        # a variable it expands may hold one of several values: the command judged with each (the first in this
        # shell, the others in copies whose commands are copies too), the shell after it holding what each left
        values = list(readings)
        copies = [state.copy() for _ in values[1:]]
        first = len(self.invocations)
        for k, (values_k, shell) in enumerate(zip(values, [state, *copies], strict=True)):
            shell.env.update(values_k)
            start = len(self.invocations)
            self._simple_once(text, node, shell, ctx)
            if k:
                self._shadows.update(range(start, len(self.invocations)))
        self._forked.update(range(first, len(self.invocations)))
        if copies:
            self._join(state, [_Snapshot.left_by(copy) for copy in copies])

    def _simple_once(self, text: str, node: SimpleCommand, state: _State, ctx: _Ctx) -> None:
        if DECODING_ECHO in state.shopts and node.assignments:
            node = _posix_assignments(text, node)
        if "keyword" in state.shopts and len(node.words) > 1:
            # ``set -k``: every word written as an assignment is one, of the command's environment
            assigning = tuple(w for w in node.words[1:] if split_assignment(text, w.span) is not None)
            kept = tuple(w for w in node.words if w not in assigning)
            node = dataclasses.replace(node, assignments=(*node.assignments, *assigning), words=kept)
        statements: list[tuple[str, Word, str | bool | None, bool, Span]] = []
        for word in node.assignments:  # (a loop, not comprehensions: most commands have no assignment)
            found = self._assignment_words(text, word, state, ctx)
            if found is not None:
                statements.append(found)
        # the command's own environment: whole variables (``x[0]=v cmd`` is not passed on)
        assignments = [(name, value) for name, value, subscript, _, _ in statements if subscript is False]
        for name, value, subscript, append, value_span in statements:
            if subscript is False and _array_literal(text, value_span):
                if not node.words:  # (an array in a command's prefix is not kept)
                    inside = text[value_span.start + 1 : value_span.end - 1]
                    self._deferred_array(state.target(name), inside, ctx.span or node.span, state, ctx)
                continue
            self._deferred_variable(state.target(name), value, ctx.span or node.span, state, ctx, append)
        argv: list[Word] = []
        for word in node.words:
            # ``export x=$v``: a declaration's NAME=value operand is expanded as an assignment (no field splitting)
            declaring = bool(argv) and argv[0].value in _DECLARATIONS and split_assignment(text, word.span) is not None
            expanded = self._words(text, word, state, ctx, assignment=declaring)
            argv.extend([_not_globbed(w) for w in expanded] if declaring else expanded)
        redirects: list[Redirect] = []
        stdin: str | Unknown | None = None
        inputs: dict[int, str | Unknown] = {}
        for red in node.redirects:
            redirect, body = self._redirect(text, red, state, ctx)
            redirects.append(redirect)
            fd = redirect.fd if redirect.fd is not None else 0 if redirect.op in _INPUT_OPS else None
            if fd is None:
                continue  # (stdout: reading it is the terminal's, see _descriptor_text)
            given: str | Unknown | None
            if redirect.op in _STDIN_OPS or redirect.op == "<>":
                given = self._redirected_input(redirect, body, inputs)
            elif redirect.op == "<&":
                given = _duplicated_input(redirect, inputs, stdin)
            else:
                given = _NOT_KNOWN_INPUT
            if fd == 0:
                stdin = given
            else:
                inputs[fd] = _NOT_KNOWN_INPUT if given is None else given
        if not argv:
            for name, assigned, subscript, append, value_span in statements:
                if state.target(name) in state.integers:
                    self._evaluated(_expression_code(assigned.value or "", state.view()), node.span, state, ctx)
                self._assign(text, name, assigned, subscript, append, value_span, state)
                if state.target(name) in _SHELL_TABLES:
                    self._shell_table(state.target(name), assigned, subscript, node.span, state, ctx)
            if redirects or ctx.redirects:
                self._emit([], ctx.span or node.span, tuple(assignments), tuple(redirects), state, ctx)
            state.env[LAST_ARGUMENT] = ""  # (bash empties ``$_`` after a statement of assignments alone)
            return
        if redirects:
            fed = tuple(
                i for r in redirects if r.op == "<<<" and r.target for u in r.target.unknowns for i in u.producers
            )
            if fed:
                ctx = dataclasses.replace(ctx, stdin_producers=ctx.stdin_producers + fed)
        alias = self._alias_of(argv[0], node, state, ctx) if state.aliases else None
        if alias is not None:
            where = ctx.span or node.span
            expanding = ctx.in_aliases | {alias}
            inner = _through(dataclasses.replace(ctx, in_aliases=expanding), Wrapper("alias", where))
            # where a definition or an unalias may not have run, the alias may hold another text, or be none
            texts = state.other_aliases.get(alias, ())
            first, copies = len(self.invocations), []
            for other_text in texts:
                if other_text is not None:
                    copies.append(state.copy())
                    chained = _chained_aliases(text, node, other_text, state.aliases, expanding)
                    self._payload(other_text + chained, where, copies[-1], inner)
            if copies:
                self._shadows.update(range(first, len(self.invocations)))
            rest = _chained_aliases(text, node, state.aliases[alias], state.aliases, expanding)
            self._payload(state.aliases[alias] + rest, where, state, inner)
            if copies:
                self._forked.update(range(first, len(self.invocations)))
                self._join(state, [_Snapshot.left_by(copy) for copy in copies])
            if "expand_aliases" in state.shopts and alias not in state.fresh_aliases and None not in texts:
                return
            # a shell that is not interactive expands no alias unless ``shopt -s expand_aliases`` ran: the
            # command as written is judged too (alias fuser=true, then fuser -k 3000/tcp runs fuser in a script)
        programs: tuple[str | None, ...] = ()
        written = argv[0]
        if state.hashed:
            argv[0] = self._hashed(written, state, any(name == "PATH" for name, *_ in statements), True)
            if argv[0] is not written and state.other_hashed:
                programs = _other_programs(written.value, state)
        command = _Command(
            argv, ctx.span or node.span, tuple(assignments), tuple(redirects), stdin, tuple(inputs.items())
        )
        for program in programs:  # (where a ``hash`` may not have run: the program it found, or the name on PATH)
            named = written if program == _ON_PATH else _hashed_word(written, program)
            self._judged_as(command, [named, *argv[1:]], state, ctx)
        if stdin is not None and len(argv) == 1 and argv[0].value == "exec":
            # ``exec < <(echo CMD)`` with no command: a shell that reads its commands on stdin (the interactive one,
            # ``bash -s``, ``... | bash``) reads the next ones from there
            self._run_text(stdin, command, state.copy(), _through(ctx, Wrapper("exec", command.span)))
        self._dispatch(command, state, ctx, written=True)
        if state.shopts and state.shopts >= _CORRECTING:
            self._mended(command, state, ctx)
        if state.shopts and state.shopts >= _CORRECTING_ALL:
            self._mended_arguments(command, state, ctx)
        state.env[LAST_ARGUMENT] = _env_value(argv[-1])  # ``$_``: the last argument of the command just run
        if "autocd" in state.shopts:
            self._autocd(argv, state)

    def _mended(self, command: _Command, state: _State, ctx: _Ctx) -> None:
        """zsh's CORRECT: an interactive zsh asks ``correct 'pkil' to 'pkill' [nyae]?`` for a command name it does
        not find, and on ``y`` runs the mended one (zsh 5.9: ``pkil node`` ran pkill). A name the knowledge does not
        know (nor a function, nor a builtin) is judged as each known program a typo away as well, copies of the
        command that change nothing of the shell (a mended ``cdd DIR`` moves no cwd here)."""
        first = command.argv[0]
        name = first.value
        if not name or "/" in name or name in state.functions or name in _BASH_BUILTINS:
            return
        if self.knowledge.spec(name) is not None or name in self.knowledge.readers:
            return
        for mended in (n for n in self.knowledge.specs if paths.a_typo_away(n, name)):
            self._judged_as(command, [literal_word(mended, first.span), *command.argv[1:]], state, ctx)

    def _mended_arguments(self, command: _Command, state: _State, ctx: _Ctx) -> None:
        """zsh's CORRECT_ALL (oh-my-zsh's ENABLE_CORRECTION): an argument that names no file is mended, once the
        user says y, to a path a typo away on disk (zsh 5.9: ``ls -d /x/lvie/dist`` asked to list /x/live/dist). The
        command is judged with each such path in that argument's place as well; past a few, with a path not known
        there (a piece the shell fills in itself, as a tilde of a user not known)."""
        for i, word in enumerate(command.argv[1:], 1):
            value = word.value
            if not value or value.startswith("-") or word.is_glob:
                continue
            path = paths.resolve(value, state.cwd)
            if path is None:
                continue
            for mended in paths.spelled_directories(path, files=True):
                argv = list(command.argv)
                argv[i] = (
                    literal_word(mended, word.span)
                    if mended is not None
                    else Word(word.text, word.span, (Unknown("tilde"),))
                )
                self._judged_as(command, argv, state, ctx)

    def _judged_as(self, command: _Command, argv: list[Word], state: _State, ctx: _Ctx) -> None:
        """``command`` judged as well with ``argv`` for its words (a reading the shell may make of it), in a copy of
        the shell: its commands are copies (``_shadows``), and nothing of it changes the shell the line goes on in."""
        start = len(self.invocations)
        self._dispatch(dataclasses.replace(command, argv=argv), state.copy(), ctx, written=True)
        self._shadows.update(range(start, len(self.invocations)))

    def _autocd(self, argv: list[Word], state: _State) -> None:
        """``shopt -s autocd``: an interactive shell runs a command name that is a directory, given alone, as ``cd
        -- NAME`` (``/opt/x`` moves there; ``dist x`` is cd with two operands, an error). Whether NAME is a
        directory, the file system says: it is one more directory the line may be in, unless the name is one of a
        command the shell finds first (a builtin, a function, a program the knowledge knows)."""
        name = argv[0].value if len(argv) == 1 else None
        if not name or name in state.functions or name in _BASH_BUILTINS:
            return
        if "/" not in name and (self.knowledge.spec(name) is not None or name in self.knowledge.readers):
            return
        target = paths.resolve(name, state.cwd)
        state.other_cwds = tuple(c for c in dict.fromkeys((*state.other_cwds, target)) if c != state.cwd)
        _set_pwd(state)

    def _hashed(self, first: Word, state: _State, path_set: bool = False, others_judged: bool = False) -> Word:
        """The program a command name runs after ``hash -p PROGRAM NAME``: the shell looks NAME up in its table before
        PATH (``hash -p /bin/rm cat; cat FILE`` removes FILE), after its functions and builtins. A PATH assignment,
        even one for this command alone, empties the table. An entry that may hold another (``_State.other_hashed``)
        gives a program not known, unless the caller judges the others too (``others_judged``)."""
        if path_set:
            state.hashed.clear()
            return first
        name = first.value
        if name is not None and _ANY_NAME in state.hashed and name not in state.hashed:
            name = _ANY_NAME  # (after ``BASH_CMDS=(...)``: any name may run any program)
        if name is None or name not in state.hashed or name in state.functions or name in _BASH_BUILTINS:
            return first
        program = state.hashed[name]
        if program is not None and not others_judged and _other_programs(first.value, state):
            program = None
        return _hashed_word(first, program)

    def _alias_of(self, first: Word, node: SimpleCommand, state: _State, ctx: _Ctx) -> str | None:
        r"""The alias a command's first word names, when it is written plainly (``\k`` and ``'k'`` are not expanded)
        and the command comes first in its statement (a name after an assignment is expanded too, but rarely
        written so)."""
        name = first.value
        if not state.aliases or name not in state.aliases or name in ctx.in_aliases or node.assignments:
            return None
        if not node.words or first.parts != (Literal(name, quoted=False),) or first.text != name:
            return None  # (``rm""`` is quoted: bash does not expand it, though its value is rm)
        return name

    def _alias(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        """``alias NAME=TEXT``: TEXT runs later wherever NAME is a command; judged now, as a trap's action is,
        and remembered for the rest of the text."""
        self._emit(cmd.argv, cmd.span, cmd.assignments, cmd.redirects, state, ctx)
        global_alias = any(w.value == "-g" for w in cmd.argv[1:])
        for word in cmd.argv[1:]:
            if word.value is None and not word.literal_prefix.startswith("-"):
                # ``alias k="$X"``: text not known statically runs wherever k is a command (as ``eval "$X"``); so
                # may ``alias "$1"`` (no = written: most likely a query, but $1 may be ``ls=pkill node``)
                self._not_known(cmd.span, state, self._wrapped(cmd, spec, ctx))
                continue
            name, eq, body = (word.value or "").partition("=")
            if eq and name and not name.startswith("-"):
                if global_alias and body.lstrip()[:1] in ("|", "&", ";"):
                    body = ": " + body  # zsh's alias -g G='| grep': text after a word, not a command
                self._define_alias(name, body, cmd.span, state, self._wrapped(cmd, spec, ctx))

    def _define_alias(self, name: str, body: str, span: Span, state: _State, ctx: _Ctx) -> None:
        """An alias NAME of TEXT (``alias``, ``BASH_ALIASES[NAME]=TEXT``): TEXT is judged now, and remembered."""
        self._payload(body, span, state.copy(), ctx)
        state.aliases[name] = body
        state.other_aliases.pop(name, None)
        state.fresh_aliases = state.fresh_aliases | {name}

    def _shell_table(
        self, name: str, assigned: Word, subscript: str | bool | None, span: Span, state: _State, ctx: _Ctx
    ) -> None:
        """bash's own tables as arrays: ``BASH_CMDS[NAME]=PROGRAM`` is ``hash -p PROGRAM NAME`` and
        ``BASH_ALIASES[NAME]=TEXT`` is ``alias NAME=TEXT`` (``BASH_CMDS[ls]=/bin/rm; ls -rf DIR`` runs rm). The
        whole array assigned, or a name not known: which names now run what is not known (every later command name
        not known, for BASH_CMDS; the text, for BASH_ALIASES)."""
        value = assigned.value if isinstance(subscript, str) else None
        if name == "BASH_CMDS":
            if isinstance(subscript, str):
                state.hashed[subscript] = value
            else:
                state.hashed[_ANY_NAME] = None
        elif isinstance(subscript, str) and value is not None:
            self._define_alias(subscript, value, span, state, _through(ctx, Wrapper("alias", span)))
        else:
            self._not_known(span, state, _through(ctx, Wrapper("alias", span)))

    def _dispatch(self, cmd: _Command, state: _State, ctx: _Ctx, written: bool = False) -> None:
        """See through wrappers until the command that really runs. ``written``: the command is written in shell
        text (any: a function defined or imported in ``bash -c TEXT`` is called there), where a name may be a
        function's; after sudo, env, command or exec it is a program again."""
        argv = cmd.argv
        if (
            written
            and cmd.assignments
            and argv
            and argv[0].value in _SPECIAL_KEEPING
            and self._posix_special is not False
        ):
            self._special_assignments(cmd, state)
        if argv and written and argv[0].value in state.functions:
            if self._called:  # (a call read once leaves no invocation: the definition being read is told)
                self._called[-1].add(argv[0].value or "")
            maybe = argv[0].value in state.maybe_defined
            before = _Snapshot.of(state) if maybe else None  # (not defined: the command of that name runs)
            others = self._other_definitions_called(cmd, state, ctx)
            called = self._call(cmd, state, ctx)
            if before is not None:
                others.append(before)
            if others:
                self._join(state, others)
            if called and not maybe:
                return
            if self._called_where_skipped(cmd, state, ctx):
                return
        if argv and self._prompt_functions and (argv[0].value is None or argv[0].value in self._prompt_functions):
            # a command of the name of one of the prompt's functions, not called as it here: a new shell given it in
            # its environment runs it (``export -f f; bash -c f``); one whose name is not known may be any of them
            # (a glob that matches no file: ``tg*x`` runs the function of that name). Their bodies as read where they
            # are defined stand for what runs.
            for function in (argv[0].value,) if argv[0].value is not None else sorted(self._prompt_functions):
                self._stands_for(function)
        if argv and (
            ("/" in (argv[0].value or "") and (self._written or self.invocations))
            or (argv[0].value is None and self._written and "/" in argv[0].literal_prefix)
        ):  # (a path, or one not known whose start names a directory: find /tmp/d -exec {} \;)
            self._written_program(cmd, state, ctx)
        elif argv and argv[0].value and (self._written or self._program_copies or self._links):
            self._run_from_path(cmd, state, ctx)
        elif argv and self._unknown_names and _basename(argv[0].value) in self._unknown_names:
            self._run_from_path(cmd, state, ctx)  # (a name the line made a file of, at a path not known)
        if (
            argv
            and (cmd.assignments or state.env)
            and not self.knowledge.environment_preloads.isdisjoint({*state.env, *(n for n, _ in cmd.assignments)})
        ):
            self._environment_preloads(cmd, state, ctx)
        name = _basename(argv[0].value) if argv else None
        if argv and argv[0].value == "kill" and all(w.name in _BUILTIN_RUNNERS for w in ctx.wrappers):
            cmd = dataclasses.replace(cmd, argv=_job_specs(argv, state))  # (the builtin: it reads job specs)
            argv = cmd.argv
        listed = self.knowledge.spec(name)
        if listed is not None and ("option_files" in listed.extra or "option_file_variables" in listed.extra):
            cmd = self._option_files(cmd, listed, state, ctx)
            argv = cmd.argv
        if name in self.knowledge.shell_text_commands:
            self._option_texts(cmd, name, state, ctx)
        if written and (name == "fc" or (name == "r" and self._zsh)) and _reruns_history(cmd.argv[1:], name, self._zsh):
            # the shell runs a line of its history (lines of sessions without the guard are there too), which the
            # guard does not see: text it cannot read, refused where it is about to run
            self.unread.append(Unread(ctx.span or cmd.span, _HISTORY_RERUN, ctx.at))
        spec = self.knowledge.spec(name)
        runner = self.knowledge.subcommand_runners.get(name) if name is not None else None
        if runner is not None and self._subcommand_runner(cmd, runner, spec, state, ctx):
            return
        if spec is None or not argv:
            self._emit_command(cmd, state, ctx)
            if name in self.knowledge.inline_code:
                self._program(cmd, state, ctx)
            return
        method = _HANDLERS.get(spec.kind)
        if method is None:
            if "variable_values" in spec.extra:
                cmd = self._variable_values(cmd, spec, state)
                argv = cmd.argv
            if "directory_variables" in spec.extra:
                cmd = self._directory_variables(cmd, spec, state)
                argv = cmd.argv
            self._note_stdin(cmd, ctx)
            self._emit(argv, cmd.span, cmd.assignments, cmd.redirects, state, ctx)
            if "command_after" in spec.extra or "started_program_options" in spec.extra:
                self._started_command(cmd, spec, state, ctx)
            if "hook_directory" in spec.extra:
                self._hooks_run(cmd, spec, state, ctx)
            if spec.flag("runs_directory_operands") and self._written:
                self._directory_run(cmd, spec, state, ctx)
            if "shell_program_options" in spec.extra or "shell_program_operands" in spec.extra:
                self._shell_program(cmd, spec, state, ctx)
            if "project_scripts" in spec.extra and (self._written or len(self.invocations) > 1):
                self._project_scripts(cmd, spec, state, ctx)
            if "stdin_edits" in spec.extra:
                self._stdin_edits(cmd, spec, state, ctx)
            if "unit_file_subcommands" in spec.extra and (self._written or len(self.invocations) > 1):
                self._linked_units(cmd, spec, state, ctx)
            if "environment_subcommands" in spec.extra:
                self._service_environment(cmd, spec, state, ctx)
            if "project_programs" in spec.extra and len(self.invocations) > 1:
                self._project_programs(cmd, spec, state, ctx)
            if spec.flag("copies_stdin"):
                self._copied_stdin(cmd, spec, state, ctx)
            elif spec.flag("copies_files"):  # (a file the line wrote, or a program on disk: _program_copies)
                self._copied_files(cmd, spec, state, ctx)
            if "in_place_options" in spec.extra and self._written:
                self._edited_in_place(cmd, spec, state)
            if name in self.knowledge.inline_code:
                self._program(cmd, state, ctx)
            return
        if cmd.redirects:
            # The command's own redirections are opened before it runs, whatever it then runs: ``bash -c ls >
            # FILE`` and ``ssh host uptime > FILE`` write FILE. (Where the handler passes them on to the command
            # it finds, the two findings are one: same rule, same span.)
            self._emit([], cmd.span, (), cmd.redirects, state, ctx)
        getattr(self, method)(cmd, spec, state, ctx)

    def _started_command(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        """A command a program starts that is no wrapper: the words after a marker (knowledge ``command_after``:
        ``gdb --args PROG ARGS``, run by gdb's ``run``), or, given one of its ``start_options``, the program the
        first of ``started_program_options`` given names, with the words after ``--`` (``start-stop-daemon
        --start --exec /usr/bin/pkill -- -9 node``; ``--startas`` before ``--exec``), in its ``chdir_options``
        directory."""
        words = cmd.argv[1:]
        values = [w.value for w in words]
        argv: list[Word] = []
        for marker in spec.list("command_after"):
            if marker in values:
                argv = words[values.index(marker) + 1 :]
                break
        parsed = parse_args(words, spec.options) if spec.list("start_options") else None
        inner = state.copy()
        if parsed is not None and parsed.has(*spec.list("start_options")):
            groups = spec.extra.get("started_program_options") or []
            given = next((parsed.values(*g) for g in groups if parsed.values(*g)), [])
            if given:
                rest = words[values.index("--") + 1 :] if "--" in values else []
                argv = [*_as_words(given[-1:], cmd.span), *rest]
            chdir = parsed.values(*spec.list("chdir_options"))
            if chdir:
                where = value_text(chdir[-1])
                inner.cwd = paths.resolve(where, state.cwd) if where is not None else None
        if argv:
            name = cmd.argv[0].value or ""
            self._dispatch(_Command(argv, cmd.span, (), (), None), inner, _through(ctx, Wrapper(name, cmd.span)))

    def _subcommand_runner(
        self, cmd: _Command, runner: SubcommandRunner, spec: CommandSpec | None, state: _State, ctx: _Ctx
    ) -> bool:
        """A program that runs a command after one of its subcommands (knowledge ``subcommand_runners``: ``ip
        netns exec NS CMD``, ``machinectl shell HOST CMD``, ``npm exec PKG``): after the program's own options and
        the subcommand's words, the rest is read as the arguments of the wrapper the subcommand is. A program that
        is also a writer (``npm ci`` rewrites the project) is judged as one too. False when no such subcommand is
        given (``ip addr``, ``npm ci``): the program is then what it is otherwise."""
        parsed = parse_args(cmd.argv[1:], runner.options, stop_at_first_operand=True)
        operands = parsed.operands
        chosen = next(
            (
                sub
                for sub in runner.subcommands
                if len(operands) >= len(sub.words)
                and all(w.value in s for w, s in zip(operands, sub.words, strict=False))
            ),
            None,
        )
        if chosen is None:
            return False
        wrapper = chosen.spec
        if parsed.has(*chosen.no_skip_options):
            wrapper = dataclasses.replace(wrapper, extra={**wrapper.extra, "skip_operands": 0})
        if spec is not None:
            self._emit_command(cmd, state, ctx)
        elif cmd.redirects:
            self._emit([], cmd.span, (), cmd.redirects, state, ctx)  # opened before it runs anything (as _dispatch)
        self._wrapper(cmd, wrapper, state, ctx, start=len(cmd.argv) - len(operands) + len(chosen.words))
        return True

    def _option_texts(self, cmd: _Command, name: str, state: _State, ctx: _Ctx) -> None:
        """Shell text the command hands to a shell from its option values and its environment (knowledge
        ``shell_text_options``/``shell_text_variables``: ``man -P CMD``, ``git -c alias.x='!CMD' x``,
        ``LESSOPEN='|CMD %s' less``): read as ``sh -c CMD`` is, in a new shell started from here, so that a known
        text is judged as the commands it holds and one not known is an unknown command. Its environment is the
        command's own assignments and what this shell exported (``export PAGER=CMD; man ls``), when known: an
        exported value not known is judged no more than one the shell was started with (``export
        EDITOR="${EDITOR:-vim}"`` in a .bashrc)."""
        entry = self.knowledge.inline_code[name]
        child = state.child(cmd.assignments, ctx)
        environment = list(cmd.assignments)
        given = {n for n, _ in cmd.assignments}
        for variable in [v for v, _ in entry.text_variables] + _option_variable_names(entry, child):
            value = child.env.get(variable) if variable not in given else None
            if isinstance(value, str):
                environment.append((variable, literal_word(value, cmd.span)))
        inner = _through(ctx, Wrapper(name, cmd.span))
        if entry.text_environment:
            _text_environment(child, parse_args(cmd.argv[1:], entry.options), entry)
        settings = self._config_file_words(cmd, entry, child, inner) if entry.config_files and self._written else []
        for text in shell_texts([*settings, *cmd.argv[1:]], environment, entry, cmd.span):
            self._payload(text, cmd.span, child.copy(), inner)
            if entry.texts_run_later and state.lives_on:  # (complete -C CMD: at a completion after later lines)
                self._payload(text, cmd.span, _where_kept_runs(state, _kept_names(text)), inner)
        for program, code in code_texts(cmd.argv[1:], entry, cmd.span):
            self._code_text(program, code, cmd.span, child.copy(), inner)
        if entry.operand_programs:
            for argv in _operand_programs(parse_args(cmd.argv[1:], entry.options), entry, cmd.span):
                self._dispatch(_Command(argv, cmd.span, (), (), None), child.copy(), inner)

    def _config_file_words(self, cmd: _Command, entry: InlineCode, child: _State, inner: _Ctx) -> list[Word]:
        """``printf 'Host x\n ProxyCommand pkill node' > c; ssh -F c x``, ``printf '[core]\npager = pkill node' >>
        .git/config; git log``: a config file the line wrote (knowledge ``config_files``: named by an option, a
        variable, an option's value after a key, or found in the cwd), its settings as the options they stand for
        (``-o LINE``, ``-c KEY=VALUE``), for the command's shell text to be read from. A file not known there
        may set anything: an unknown command."""
        spec = dict(entry.config_files)
        form, option = (spec.get("format") or ("lines",))[0], (spec.get("stands_for") or ("",))[0]
        parsed = parse_args(cmd.argv[1:], entry.options)
        names: list[str | None] = [value_text(v) for v in parsed.values(*spec.get("options", ()))]
        if spec.get("equals_attached"):  # (apt-get -c=FILE)
            names = [n[1:] if n is not None and n.startswith("=") else n for n in names]
        names += [w.value for w in keyed_values(parsed, {option: spec.get("option_keys", ())}, cmd.span)]
        names += [v if isinstance(v, str) else None for v in (child.env.get(n) for n in spec.get("variables", ()))]
        names += list(spec.get("cwd_files", ()))
        words: list[Word] = []
        for name in names:
            path = paths.resolve(name, child.cwd) if name else None
            text = self._file_contents(literal_word(name or "", cmd.span), path) if path is not None else None
            if isinstance(text, Unknown) and not _a_file(text):
                self._not_known(cmd.span, child, inner, text)
            elif isinstance(text, str):
                for setting in config_settings(text, form):
                    words += [literal_word(option, cmd.span), literal_word(setting, cmd.span)]
        return words

    def _code_text(self, program: str, code: Word, span: Span, state: _State, ctx: _Ctx) -> None:
        """Code another program runs from a command's option value (``gdb -ex 'python CODE'``): judged as that
        program given it with its code option (``python3 -c CODE``), which says what the code may do."""
        entry = self.knowledge.inline_code.get(program)
        option = entry.code_options[0] if entry is not None and entry.code_options else None
        if option is None or code.value is None:
            return  # (code not known is the command's own unread code: effects.inline_code)
        argv = [literal_word(program, span), literal_word(option, span), code]
        self._dispatch(_Command(argv, span, (), (), None), state, ctx)

    def _program(self, cmd: _Command, state: _State, ctx: _Ctx) -> None:
        """The command just emitted (one of the knowledge's ``inline_code``), when it is sed or awk with a program
        the guard reads (programs.py): the shell text its ``e CMD``, ``system("CMD")``, ``print | "CMD"`` or ``"CMD"
        | getline`` runs is judged as ``sh -c``'s, each file its ``w FILE`` or ``print > "FILE"`` writes as a
        redirection of it, and what it computes (``sed e``, ``system("rm " $0)``, ``print > ARGV[1]``) from what
        the line makes known (:meth:`_program_sites`). Also an interpreter that reads its program on stdin
        (:meth:`_stdin_program`)."""
        inv = self.invocations[-1]
        self._spliced_code(inv, cmd, state, ctx)
        self._stdin_program(inv, cmd, state, ctx)
        self._file_program(inv, cmd, state, ctx)
        entry = self.knowledge.inline_code.get(inv.name or "")
        if entry is None or not entry.language:
            return
        inner = _through(ctx, Wrapper(inv.name or "", cmd.span))
        files, from_stdin = self._program_files(inv, cmd, state, ctx, inner)
        script = program_text(inv, self.knowledge, files)
        pieces: dict[str, Unknown] = {}
        if script is None:
            script, pieces = _program_in_part(code_words(inv, self.knowledge), files)
        if script is None:
            return
        from tenmon_guard.programs import computed_effects, read_program

        found = read_program(entry.language, script)
        for op, name in found.writes:
            target = _unmarked(name, pieces, cmd.span) if pieces else literal_word(name, cmd.span)
            path = paths.resolve(target.value, state.cwd) if target.value is not None else None
            self._emit([], cmd.span, (), (Redirect(op, cmd.span, target, None, path),), state, inner)
        for command in found.commands:
            payload = _unmarked(command, pieces, cmd.span) if pieces else command
            self._payload(payload, cmd.span, state.child(cmd.assignments, inner), inner)
        if found.sites and pieces:
            # (a piece that may hold code made the program an unknown command already: _spliced_code)
            if not any(self._may_hold_code(p, state, shell=False) for p in pieces.values()):
                self._program_sites(_sites_not_known(found.sites), cmd, state, inner, ())
        elif found.sites:
            inputs = self._program_input(inv, cmd, state, ctx, from_stdin)
            reads_stdin = inputs.records and any(name is None for _, name in inputs.records)
            producers = ctx.stdin_producers if reads_stdin else ()
            self._program_sites(computed_effects(entry.language, script, found, inputs), cmd, state, inner, producers)

    def _program_files(
        self, inv: Invocation, cmd: _Command, state: _State, ctx: _Ctx, inner: _Ctx
    ) -> tuple[list[str], bool]:
        """The text of the script files (``-f FILE``) the line makes known: stdin (``sed -f - FILE <<< SCRIPT``,
        ``-f /dev/stdin``), a file it wrote; and whether stdin was one. A script from a pipe whose text is not known
        is an unknown command (``curl URL | sed -f - FILE``: its ``e`` and ``w`` may do anything); a script file on
        disk is not judged, as a shell script given by name is not."""
        texts: list[str] = []
        from_stdin = False
        for value in program_files(inv, self.knowledge):
            word = value if isinstance(value, Word) else literal_word(value, cmd.span)
            found: str | Unknown | None
            if word.value == "-" or word.value in self.knowledge.stdin_files:
                from_stdin = True
                found = self._stdin_of(cmd, ctx)
            else:
                found = self._file_text(word, cmd, state, ctx)  # (/dev/fd/3 3<<<SCRIPT, a file the line wrote)
            if isinstance(found, str):
                texts.append(found)
            elif isinstance(found, Unknown) and found is not _A_FILE:
                self._not_known(cmd.span, state, inner, found)
        return texts, from_stdin

    def _program_input(
        self, inv: Invocation, cmd: _Command, state: _State, ctx: _Ctx, script_from_stdin: bool
    ) -> ProgramInput:
        """What the line makes known about this run of sed or awk (see :class:`ProgramInput`): its input (the files
        it names, or stdin: a here-string, what an ``echo`` before it prints, a file the line wrote), its operands,
        its environment, awk's ``-v`` values."""
        entry = self.knowledge.inline_code[inv.name or ""]
        args, operands = program_operands(inv, self.knowledge)
        awk = entry.language == "awk"
        given = [_awk_assignment(w) if awk else None for w in operands]
        files = [w for w, assigned in zip(operands, given, strict=True) if assigned is None]
        text, records = self._program_records(files, cmd, state, ctx, script_from_stdin)
        variables = [
            _awk_assignment(v if isinstance(v, Word) else literal_word(v, cmd.span), given=True)
            for v in args.values(*entry.variable_options)
        ]
        separators = args.values(*entry.program_option("separator"))
        environment = state.child(cmd.assignments, ctx).env
        from tenmon_guard.programs import ProgramInput

        return ProgramInput(
            text=None if args.has(*entry.program_option("not_one_stream")) else text,
            records=records,
            operands=tuple(w.value for w in operands),
            environment={k: v for k, v in environment.items() if isinstance(v, str)},
            variables=tuple(v for v in variables + given if v is not None),
            separator=(value_text(separators[-1]) or "") if separators else None,
            quiet=args.has(*entry.program_option("quiet")),
            extended=args.has(*entry.program_option("extended")),
        )

    def _program_records(
        self, files: list[Word], cmd: _Command, state: _State, ctx: _Ctx, script_from_stdin: bool
    ) -> tuple[str | None, tuple[tuple[str | None, str | None], ...]]:
        """The program's input as one text (None when any part is not known) and as records with the file each
        comes from (a record None where the text is not known; the file None for stdin)."""
        sources: list[tuple[str | Unknown | None, str | None]] = []
        for word in files or [literal_word("-", cmd.span)]:
            name = word.value if files else None
            if word.value == "-" or word.value in self.knowledge.stdin_files:
                sources.append(("" if script_from_stdin else self._stdin_of(cmd, ctx), name))
            else:
                path = paths.resolve(word.value, state.cwd) if word.value is not None else None
                sources.append((self._file_contents(word, path), name))
        texts = [t + "\n" if t and not t.endswith("\n") else t for t, _ in sources if isinstance(t, str)]
        records: list[tuple[str | None, str | None]] = []
        for text, name in sources:
            if not isinstance(text, str) or text.count("\n") > MAX_PROGRAM_RECORDS:
                records.append((None, name))
            else:
                records.extend((line, name) for line in text.removesuffix("\n").split("\n") if text)
        whole = "".join(texts) if len(texts) == len(sources) else None
        return whole, tuple(records)

    def _program_sites(
        self, computed: Computed, cmd: _Command, state: _State, ctx: _Ctx, producers: tuple[int, ...]
    ) -> None:
        """Judge what a program computes: each file it writes as a redirection, each command as ``sh -c`` runs it,
        each text it prints into a command as that command's stdin (into a shell: as the commands it runs). A part
        not known is an unknown piece of the word (from the commands that feed the program, when it reads stdin)."""
        span = cmd.span
        for op, target in computed.writes:
            word = _text_word(target, span, producers)
            path = paths.resolve(word.value, state.cwd) if word.value is not None else None
            self._emit([], span, (), (Redirect(op, span, word, None, path),), state, ctx)
        for command in computed.commands:
            self._payload(_text_word(command, span, producers), span, state.child(cmd.assignments, ctx), ctx)
        for command, printed in computed.feeds:
            word = _text_word(command, span, producers)
            child = state.child(cmd.assignments, ctx)
            if None not in printed:
                self._payload(word, span, child, ctx, stdin="".join(p for p in printed if p is not None))
            elif word.value is not None and _basename(word.value) in self.knowledge.shells:
                self._payload(_text_word(printed, span, producers), span, child, ctx)  # print ... | "sh"
            else:
                self._payload(word, span, child, ctx, stdin=Unknown("stdin", producers=producers))

    def _stdin_program(self, inv: Invocation, cmd: _Command, state: _State, ctx: _Ctx) -> None:
        """``python3 - <<EOF``, ``echo CODE | node``: known text on the stdin of an interpreter that reads its program
        there is its code, judged as that of ``python3 -c CODE`` (its code option) would be. A program not known
        (``curl URL | python3``) is an unknown command, as ``curl URL | bash`` is; a file's (``cat x.py |
        python3``) is not judged, as a script file given by name is not."""
        option = stdin_code_option(inv, self.knowledge)
        if option is None:
            return
        code = self._stdin_of(cmd, ctx)
        inner = _through(ctx, Wrapper("stdin", cmd.span))
        if isinstance(code, str):
            argv = [inv.argv[0], literal_word(option, cmd.span), literal_word(code, cmd.span)]
            self._emit(argv, cmd.span, (), (), state, inner)
        elif isinstance(code, Unknown) and not _a_file(code) and not self._stdin_data(inv):
            self._emit([Word("", cmd.span, (code,))], cmd.span, (), (), state, inner)

    def _file_program(self, inv: Invocation, cmd: _Command, state: _State, ctx: _Ctx) -> None:
        """``echo 'os.system("pkill node")' > /tmp/k.py; python3 /tmp/k.py``, ``perl <(echo CODE)``, ``make -f
        <(printf RULES)``: an interpreter's script file whose text the line makes known is its code, judged as that
        of its code option would be (``bash FILE`` is read the same way); so is a module it loads by an option
        (``python3 -m k``, ``node -r ./k.js``). A text not known there is an unknown program (``curl URL > k.py;
        python3 k.py``); a file on disk is not judged, as a shell script's is not."""
        entry = self.knowledge.inline_code.get(inv.name or "")
        environment: tuple[str, ...] = ()
        if entry is not None:
            environment = (*entry.option_words_variables, *entry.startup_variables, *entry.search_variables)
        exported = _with_exported(inv, state, environment)
        loaded = module_files(exported, self.knowledge)
        searched = (
            self._searched_modules(exported, state)
            if entry is not None and (self._written or len(self.invocations) > 1)
            else None
        )
        found = [f for f in (script_files(inv, self.knowledge), loaded, searched) if f is not None]
        if not found:
            return
        option = found[0][0]
        files: list[Word | str] = [f for _, given in found for f in given]
        inner = _through(ctx, Wrapper(inv.name or "", cmd.span))
        entry = self.knowledge.inline_code[inv.name or ""]
        if entry.script_chdir_options:  # (make -C DIR: DIR/Makefile)
            state = _in_directory(state, parse_args(inv.args, entry.options), entry.script_chdir_options)
        for value in files:
            word = value if isinstance(value, Word) else literal_word(value, cmd.span)
            text = self._file_text(word, cmd, state, ctx)
            if isinstance(text, str):
                argv = [inv.argv[0], literal_word(option, cmd.span), literal_word(text, cmd.span)]
                self._emit(argv, cmd.span, (), (), state, inner)
            elif isinstance(text, Unknown) and not _a_file(text):
                if word.value in self.knowledge.stdin_files and self._stdin_data(inv):
                    continue  # (pg_dump db | psql -f /dev/stdin other: a dump)
                self._emit([Word("", cmd.span, (text,))], cmd.span, (), (), state, inner)

    def _environment_preloads(self, cmd: _Command, state: _State, ctx: _Ctx) -> None:
        """``NODE_OPTIONS='--require /tmp/p.js' npm -v``: options an interpreter takes from the environment
        (knowledge ``option_words_variables``: NODE_OPTIONS, PERL5OPT, RUBYOPT) reach every process of it the command
        starts, npm, tsc or a script with a ``#!`` line: judged as that interpreter given them (``node -e ''``), so a
        module the line wrote that they load is read."""
        own = self.knowledge.inline_code.get(_basename(cmd.argv[0].value) or "")
        environment = state.child(cmd.assignments, ctx).env
        inner = _through(ctx, Wrapper(_basename(cmd.argv[0].value) or "", cmd.span))
        for variable in self.knowledge.preloaded_libraries:  # (LD_PRELOAD=/tmp/x.so ls: machine code it loads)
            value = environment.get(variable)
            for library in value.replace(":", " ").split() if isinstance(value, str) else ():
                path = paths.resolve(library, state.cwd)
                found = self._written.get(path) if path is not None else None
                if found is None and path is not None:
                    found = self._made_on_line(path, cmd.span)
                if found is not None:
                    self._not_known(cmd.span, state, inner, found if isinstance(found, Unknown) else _NOT_KNOWN)
        for program in self.knowledge.preloading_interpreters:
            entry = self.knowledge.inline_code[program]
            variables = [v for v in entry.option_words_variables if own is None or v not in own.option_words_variables]
            if not any(isinstance(environment.get(v), str) for v in variables):
                continue  # (none set, or the command is that interpreter: read with its own options)
            argv = [
                literal_word(program, cmd.span),
                literal_word(entry.code_options[0], cmd.span),
                literal_word("", cmd.span),
            ]
            self._dispatch(_Command(argv, cmd.span, cmd.assignments, (), None), state.copy(), inner)
        for variable, program in self.knowledge.environment_code.items():  # (PERL5DB=CODE perl -d: perl runs CODE)
            value = environment.get(variable)
            if isinstance(value, str) and value:
                code = self.knowledge.inline_code[program].code_options[0]
                argv = [literal_word(program, cmd.span), literal_word(code, cmd.span), literal_word(value, cmd.span)]
                self._dispatch(_Command(argv, cmd.span, (), (), None), state.copy(), inner)

    def _run_from_path(self, cmd: _Command, state: _State, ctx: _Ctx) -> None:
        """A command name bash looks up in PATH, or the program a command runs for a subcommand it does not have
        (knowledge ``path_subcommands``: git x runs git-x, kubectl x kubectl-x), that finds a file the line wrote:
        that file runs, judged as run by its path (see :meth:`_written_on_path`)."""
        argv = cmd.argv
        found = self._written_on_path(argv[0].value or "", cmd, state, ctx)
        rest = argv[1:]
        template = self.knowledge.path_subcommands.get(_basename(argv[0].value) or "")
        if found is None and template is not None:
            spec = self.knowledge.spec(_basename(argv[0].value))
            options = spec.options if spec is not None else OptionSpec()
            operands = parse_args(argv[1:], options, stop_at_first_operand=True).operands
            if operands and operands[0].value:
                found = self._written_on_path(template.format(operands[0].value), cmd, state, ctx)
                rest = argv[len(argv) - len(operands) + 1 :]
        if found is not None and found in self._links:  # (a link the line made there: run through it)
            named = _Command([literal_word(found, argv[0].span), *rest], cmd.span, cmd.assignments, (), None)
            self._emit(named.argv, cmd.span, cmd.assignments, (), state, ctx)
        elif found is not None:  # (PATH=/tmp/bin:$PATH ls, the line having written /tmp/bin/ls)
            named = _Command([literal_word(found, argv[0].span), *rest], cmd.span, cmd.assignments, (), None)
            self._written_program(named, state, ctx)

    def _written_on_path(self, name: str, cmd: _Command, state: _State, ctx: _Ctx) -> str | None:
        """``printf '#!/bin/sh\\npkill node' > /tmp/bin/ls; chmod +x /tmp/bin/ls; PATH=/tmp/bin:$PATH ls``: a name
        bash looks up in PATH finds a file the line wrote in one of its directories, first in their order: that
        file runs (judged as run by its path). PATH as the line sets it (a value not known may hold any directory),
        else the usual one; a package runner (npx tsc, knowledge ``local_bin_runners``) looks in the project's
        node_modules/.bin first. None when no file the line wrote has the name."""
        found = [p for p in [*self._written, *self._program_copies, *self._links] if posixpath.basename(p) == name]
        if not found and name in self._unknown_names and not isinstance(state.env.get("PATH", ""), str):
            # (``d=$(mktemp -d); PATH=$d:$PATH; cp /usr/bin/pkill "$d/ls"; ls``: a file the line made at a path not
            # known, in a directory PATH may hold: what runs is not known)
            self._not_known(cmd.span, state, ctx)
            return None
        if not found:
            return None
        held = state.env.get("PATH", _UNSET)
        value: str | Unknown | None = held if isinstance(held, (str, Unknown)) or held is None else None
        for assigned, word in cmd.assignments:
            if assigned == "PATH":
                value = _env_value(word)
        if value is not _UNSET and not isinstance(value, str):
            return found[0]  # (PATH=$DIR:$PATH: any directory)
        listed = value.split(":") if isinstance(value, str) else list(self.knowledge.default_path)
        runners = self.knowledge.local_bin_runners
        local = [runners[w.name] for w in ctx.wrappers if w.name in runners]
        for directory in [*local, *listed]:
            where = paths.resolve(directory or ".", state.cwd)
            hit = next((p for p in found if posixpath.dirname(p) == where), None)
            if hit is not None:
                return hit
        return None

    def _searched_modules(self, inv: Invocation, state: _State) -> tuple[str, list[Word | str]] | None:
        """``printf 'import os; os.system(...)' > json.py; python3 -c 'import json'``, ``PERL5LIB=DIR perl -MX``: the
        modules the line wrote where the interpreter looks for the ones its code imports (see
        effects.module_directories), each code it may run: which its code imports, the guard does not read."""
        given = module_directories(inv, self.knowledge)
        if given is None:
            return None
        option, directories = given
        prefixes = tuple(
            d.rstrip("/") + "/" for d in (paths.resolve(d, state.cwd) for d in directories) if d is not None
        )
        suffix = self.knowledge.inline_code[inv.name or ""].search_suffix
        files: list[Word | str] = [p for p in self._written if p.startswith(prefixes) and p.endswith(suffix)]
        # a module a command made by an operand or option (curl -o json.py URL, tar -x -C DIR) holds what the guard
        # does not know (cp, mv keep what the file held: none), as a script file made so does
        self._update_made()
        made = [p for _, entries in self._made for p, how in entries if how == "file" and p.startswith(prefixes)]
        files.extend(p for p in made if p.endswith(suffix) and p not in files)
        # an archive extracted into a directory searched, or above one (tar -x -C DIR, unzip -d DIR), holds modules
        # by names not known (json.py, node_modules/x): one may be what the code imports, of text not known
        extracted = [p for _, entries in self._made for p, how in entries if how == "dir"]
        files.extend(
            f"{prefix}{_MODULE_NOT_KNOWN}{suffix}"
            for prefix in prefixes
            if any(paths.is_within(prefix.rstrip("/"), d) for d in extracted)
        )
        return (option, files) if files else None

    def _written_program(self, cmd: _Command, state: _State, ctx: _Ctx) -> None:
        """``printf '#!/bin/sh\\npkill node' > /tmp/k; chmod +x /tmp/k; /tmp/k``: a file the line wrote, run by its
        path, is run by the interpreter its first line names (``#!INTERP [ARG]``), or by a shell when it names none
        (bash runs such a file itself): judged as that interpreter given the file (``sh /tmp/k``), which reads it.
        What the line wrote there not known is a shell script not known (an unknown command)."""
        first = cmd.argv[0].value or ""
        path = paths.resolve(first, state.cwd) if first else None
        origin = self._copied_program(path)
        for other in self._other_copies.get(path or "", ()) if origin is not None else ():
            # (a copy made anew where that may not run: the earlier one may be what runs, a program apart)
            shadowed = len(self.invocations)
            if other:
                self._run_copy(other, cmd, state.copy(), ctx)
            else:
                self._not_known(cmd.span, state, ctx)
            self._shadows.update(range(shadowed, len(self.invocations)))
        if origin == "":  # (cp "$(which x)" /tmp/p; /tmp/p: a program not known)
            self._not_known(cmd.span, state, ctx)
            return
        if origin is not None:  # (a copy of a program on disk runs as that program: cp /usr/bin/pkill /tmp/ls)
            self._run_copy(origin, cmd, state, ctx)
            return
        if path is not None:
            text = self._file_contents(cmd.argv[0], path)
        elif cmd.argv[0].is_glob:  # (find d -exec {} \;: every path under d, d/**)
            text = self._written_glob(cmd.argv[0], state.cwd) if self._written else None
        else:  # (a path not known under where the line wrote one)
            text = self._written_below(cmd.argv[0], state.cwd)
        if text is None and path is not None:
            text = self._made_on_line(path, cmd.span)  # (split F /tmp/p_; chmod +x /tmp/p_aa; /tmp/p_aa)
        if text is None:
            return
        bang = read_hashbang(text) if isinstance(text, str) else None
        if bang is not None and paths.resolve(bang.interpreter, state.cwd) in self._written:
            bang = None  # (a script as another's interpreter: read as a shell's, not followed again)
        words = [literal_word(w, cmd.span) for w in (bang.words if bang is not None else ["sh"])]
        argv = [*words, cmd.argv[0], *cmd.argv[1:]]
        inner = _through(ctx, Wrapper(_basename(first) or first, cmd.span))
        self._dispatch(_Command(argv, cmd.span, cmd.assignments, (), cmd.stdin, cmd.inputs), state, inner)

    def _run_copy(self, origin: str, cmd: _Command, state: _State, ctx: _Ctx) -> None:
        """A copy the line made of the program ``origin``, run by its path: it runs as that program."""
        first = cmd.argv[0].value or ""
        argv = [literal_word(origin, cmd.argv[0].span), *cmd.argv[1:]]
        named = _Command(argv, cmd.span, cmd.assignments, cmd.redirects, cmd.stdin, cmd.inputs)
        self._dispatch(named, state, _through(ctx, Wrapper(_basename(first) or first, cmd.span)))

    def _copied_program(self, path: str | None) -> str | None:
        """The file on disk that the file at ``path`` is a copy of, made by the line (``cp /usr/bin/pkill /tmp/ls``,
        ``install /usr/bin/kill /usr/local/bin/safe``), followed through copies of copies; None when it is none, or
        the copies go round."""
        seen: set[str] = set()
        while path is not None and path in self._program_copies and path not in seen:
            seen.add(path)
            path = self._program_copies[path]
        return path if seen and path is not None and (path == "" or path not in self._program_copies) else None

    def _hooks_run(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        """``echo 'pkill node' > .git/hooks/pre-commit; git commit``: a program that runs the files of its hook
        directory (knowledge ``hook_directory`` under where it works, or the one an option's value names after a
        key: ``git -c core.hooksPath=DIR``) runs the ones the line wrote there, each judged as run by its path."""
        parsed = parse_args(cmd.argv[1:], spec.options)
        where = _in_directory(state, parsed, spec.list("chdir_options"))
        keys = spec.extra.get("hook_directory_keys") or {}
        for found in keys.values():  # (git config core.hooksPath DIR: every later git command's)
            for word in stored_values(cmd.argv[1:], "config", tuple(found), spec.list("config_valued_options")):
                self._hook_directories.add(paths.resolve(word.value, where.cwd) if word.value is not None else None)
        if not self._written and len(self.invocations) < 2:
            return
        named = keyed_values(parsed, keys, cmd.span)
        given = named[-1].value if named else str(spec.extra["hook_directory"])
        directories = {paths.resolve(given, where.cwd) if given is not None else None, *self._hook_directories}
        inner = _through(ctx, Wrapper(_basename(cmd.argv[0].value) or "", cmd.span))
        prefixes = tuple(d.rstrip("/") + "/" for d in directories if d is not None)
        self._update_made()  # (sed -i on a hook, curl -o into the hook directory: what it holds is not known)
        made = [p for _, entries in self._made for p, how in entries if how == "file" and p.startswith(prefixes)]
        for path in dict.fromkeys([*(p for p in self._written if p.startswith(prefixes)), *made]):
            self._dispatch(_Command([literal_word(path, cmd.span)], cmd.span, (), (), None), where.copy(), inner)

    def _directory_run(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        """``printf '#!/bin/sh\npkill node' > /tmp/d/x; chmod +x /tmp/d/x; run-parts /tmp/d``: a program that runs
        every file of the directories its operands name (knowledge ``runs_directory_operands``; not with one of
        ``stop_options``: run-parts --test, --list only name them) runs those the line wrote, each as by its path."""
        parsed = parse_args(cmd.argv[1:], spec.options)
        if parsed.has(*spec.list("stop_options")):
            return
        inner = _through(ctx, Wrapper(_basename(cmd.argv[0].value) or "", cmd.span))
        for word in parsed.operands:
            directory = paths.resolve(word.value, state.cwd) if word.value is not None else None
            if directory is None:
                continue
            for path in [p for p in self._written if posixpath.dirname(p) == directory.rstrip("/")]:
                self._dispatch(_Command([literal_word(path, cmd.span)], cmd.span, (), (), None), state.copy(), inner)

    def _project_scripts(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        """``echo '{"scripts":{"x":"pkill node"}}' > package.json && npm run x``: a project file the line wrote
        (knowledge ``project_scripts``: FILE: KEY, in the directory the command works in) whose KEY object holds
        the shell text the command runs (npm run, start, test, and install's lifecycle scripts): each script is
        judged as run. A file not read as JSON is an unknown command."""
        where = _in_directory(state, parse_args(cmd.argv[1:], spec.options), spec.list("chdir_options"))
        for name, key in (spec.extra.get("project_scripts") or {}).items():
            path = paths.resolve(str(name), where.cwd)
            text = self._written.get(path) if path is not None else None
            if text is None and path is not None:  # (sed -i, curl -o on package.json: what it holds is not known)
                text = self._made_on_line(path, cmd.span)
            if text is None or path is None or path in self._projects_read:
                continue  # (a script that runs another of the same file: each is judged once already)
            inner = _through(ctx, Wrapper(_basename(cmd.argv[0].value) or "", cmd.span))
            scripts = _json_strings(text, str(key)) if isinstance(text, str) else None
            if scripts is None:
                self._not_known(cmd.span, where, inner, text if isinstance(text, Unknown) else _NOT_KNOWN)
                continue
            self._projects_read.add(path)
            try:
                for script in scripts:
                    self._payload(script, cmd.span, where.child((), inner), inner)
            finally:
                self._projects_read.discard(path)

    def _project_programs(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        """``printf 'yarnPath: /tmp/k.js' > .yarnrc.yml; yarn x``: a config the line wrote in the directory the
        command works in (knowledge ``project_programs``: FILE: [REGEX, RUNNER]) names the program it runs in its
        place (the REGEX's group file, from the config's directory): judged as ``RUNNER FILE`` (a file the line
        wrote there is read). A config whose text is not known is an unknown command."""
        where = _in_directory(state, parse_args(cmd.argv[1:], spec.options), spec.list("chdir_options"))
        inner = _through(ctx, Wrapper(_basename(cmd.argv[0].value) or "", cmd.span))
        for name, (pattern, runner) in (spec.extra.get("project_programs") or {}).items():
            path = paths.resolve(str(name), where.cwd)
            text = self._written.get(path) if path is not None else None
            if text is None and path is not None:  # (curl -o .yarnrc.yml URL: a config not known)
                text = self._made_on_line(path, cmd.span)
            if isinstance(text, Unknown):
                self._not_known(cmd.span, where, inner, text)
                continue
            for found in re.finditer(str(pattern), text) if text is not None else ():  # (each plugin yarn loads)
                argv = [literal_word(str(runner), cmd.span), literal_word(found.group("file"), cmd.span)]
                self._dispatch(_Command(argv, cmd.span, (), (), None), where.copy(), inner)

    def _service_environment(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        """``systemctl set-environment NODE_OPTIONS='--require /tmp/p.js'`` (knowledge ``environment_subcommands``):
        every service systemd starts after it, the API's node among them, gets NAME=VALUE: the options an interpreter
        takes from the environment are judged as given to it (see :meth:`_environment_preloads`)."""
        parsed = parse_args(cmd.argv[1:], spec.options)
        operands = parsed.operands
        if not operands or operands[0].value not in spec.list("environment_subcommands"):
            return
        assigned = [
            (n, literal_word(v, w.span)) for w in operands[1:] for n, eq, v in [(w.value or "").partition("=")] if eq
        ]
        if assigned and not self.knowledge.environment_preloads.isdisjoint(n for n, _ in assigned):
            service = _Command([literal_word("systemd", cmd.span)], cmd.span, tuple(assigned), (), None)
            self._environment_preloads(service, state, ctx)

    def _linked_units(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        """``printf '[Service]\nExecStart=/usr/bin/pkill node' > /tmp/x.service; systemctl enable --now
        /tmp/x.service``: a unit file given by its path (knowledge ``unit_file_subcommands``: link, enable) is linked
        into systemd's directories and runs from there: what the line wrote into it is judged as a unit installed
        there is, what an option made there (curl -o) is a unit not known."""
        parsed = parse_args(cmd.argv[1:], spec.options)
        operands = parsed.operands
        if not operands or operands[0].value not in spec.list("unit_file_subcommands"):
            return
        for word in operands[1:]:
            path = paths.resolve(word.value, state.cwd) if word.value is not None and "/" in word.value else None
            if path is None:
                continue
            text = self._file_contents(word, path)
            text = self._made_on_line(path, cmd.span) if text is None else text
            self._installed(text, SYSTEMD_UNIT, spec, cmd.span, _later(ctx, "systemd", cmd.span), path)

    def _stdin_edits(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        """``printf '[Service]\nKillSignal=SIGKILL' | systemctl edit --stdin tenmon-ark-api``: an edit that takes the
        new text on stdin (knowledge ``stdin_edits``: the subcommand, its stdin options) writes it into each unit's
        drop-in (override.conf, or --drop-in=NAME; the unit file itself with --full; under /run with --runtime) and
        reloads: judged as ``tee FILE`` given the same stdin (what a drop-in there does is judged where it is)."""
        table = spec.extra["stdin_edits"]
        parsed = parse_args(cmd.argv[1:], spec.options)
        operands = parsed.operands
        if not operands or operands[0].value != table["subcommand"] or not parsed.has(*table["stdin_options"]):
            return
        base = table["runtime_directory"] if parsed.has(*table["runtime_options"]) else table["directory"]
        named = [value_text(v) for v in parsed.values(*table["drop_in_options"])]
        drop_in = named[-1] if named else "override.conf"
        for unit in operands[1:]:
            name = unit.value if unit.value is None or "." in unit.value else unit.value + ".service"
            if name is None or drop_in is None:
                word = Word(unit.text, unit.span, (Unknown("option"),))
            elif parsed.has(*table["full_options"]):
                word = literal_word(f"{base}/{name}", cmd.span)
            else:
                conf = drop_in if drop_in.endswith(".conf") else drop_in + ".conf"
                word = literal_word(f"{base}/{name}.d/{conf}", cmd.span)
            argv = [literal_word("tee", cmd.span), word]
            inner = _through(ctx, Wrapper(_basename(cmd.argv[0].value) or "", cmd.span))
            self._dispatch(_Command(argv, cmd.span, (), (), cmd.stdin, cmd.inputs), state.copy(), inner)

    def _shell_program(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        """``npm --script-shell=PROGRAM run build``, ``npm_config_script_shell=PROGRAM npm start``: the program the
        command runs its scripts with (``PROGRAM -c SCRIPT``, SCRIPT from a file on disk), judged as run: a file the
        line wrote is read, ``pkill`` is pkill. A shell runs the scripts as the default one does: nothing more."""
        environment = state.child(cmd.assignments, ctx).env
        given: list[Word | str] = [
            v for v in (environment.get(n) for n in spec.list("shell_program_variables")) if isinstance(v, str)
        ]
        parsed = parse_args(cmd.argv[1:], spec.options)
        given += self._configured_programs(cmd, spec, parsed, state, environment)
        given += parsed.values(*spec.list("shell_program_options"))
        assigned = _operand_assignments(cmd, parsed, spec, environment)
        given += [w for name, w in assigned if name in spec.list("shell_program_operands")]
        flags = [w for name, w in assigned if name in spec.list("shell_flags_operands")]
        if not given and not flags:
            return
        word = (
            given[-1]
            if given and isinstance(given[-1], Word)
            else literal_word(str(given[-1] if given else "sh"), cmd.span)
        )
        if _basename(word.value) in self.knowledge.shells and not flags:
            return
        inner = _through(ctx, Wrapper(_basename(cmd.argv[0].value) or "", cmd.span))
        if word.value is None or (flags and flags[-1].value is None):  # (a program not known: as man -P "$X" is)
            self._emit([word if word.value is None else flags[-1]], cmd.span, (), (), state, inner)
            return
        options = _split_flags(flags[-1]) if flags else [literal_word("-c", cmd.span)]
        if options is None:
            self._not_known(cmd.span, state, inner, _NOT_KNOWN)
            return
        # (a shell given flags: the recipes, from a makefile on disk, are not judged, as a script on disk is not;
        # what the flags run is: .SHELLFLAGS='-c pkill\ node;')
        shell = _basename(word.value) in self.knowledge.shells
        argv = [word, *options, literal_word("true", cmd.span) if shell else Word("", cmd.span, (_A_FILE,))]
        where = _in_directory(state, parsed, spec.list("chdir_options"))
        self._dispatch(_Command(argv, cmd.span, (), (), None), where.copy(), inner)

    def _edited_in_place(self, cmd: _Command, spec: CommandSpec, state: _State) -> None:
        """``printf 'pkill nodx' > /tmp/k; sed -i s/nodx/node/ /tmp/k; sh /tmp/k``: a file the line wrote, edited in
        place (knowledge ``in_place_options``: sed -i, perl -pi), no longer holds what was written: what a shell
        then reads there is not known (an unknown command), not the text before the edit."""
        parsed = parse_args(cmd.argv[1:], spec.options)
        if not parsed.has(*spec.list("in_place_options")):
            return
        inv = self.invocations[-1]
        edited = Unknown("command", producers=(len(self.invocations) - 1,))
        for word in parsed.operands:
            path = paths.resolve(word.value, state.cwd) if word.value is not None else None
            old = self._written.get(path) if path is not None else None
            if path is None or old is None:
                continue
            new = self._sed_edit(inv, old) if inv.name == "sed" and isinstance(old, str) else None
            self._put_written(path, new if new is not None else edited)

    def _put_written(self, path: str, content: str | Unknown) -> None:
        """What the line wrote into ``path``. Where the write may not run (after ``&&``, in a branch), what the file
        held before may be what a later command reads: ``echo 'pkill node' > f; [ -e F ] && echo ok > f; . f`` runs
        pkill where F is absent (read straight through, the last write alone was judged, and allowed)."""
        old = self._written.get(path)
        if self._maybe_depth and old is not None and old != content:
            content = _either_text(old, content)
        self._written[path] = content
        if path in self._program_copies:  # (cp /bin/true k; echo 'pkill node' > k; ./k runs the text: bash, as sh)
            if self._maybe_depth:  # (or the copy: which program, then, is not known)
                self._other_copies[path] = (*self._other_copies.get(path, ()), "")
            else:
                del self._program_copies[path]
                self._other_copies.pop(path, None)

    def _written_at_unknown(self, word: Word) -> str | Unknown | None:
        """What the line wrote at a path not known written as ``word`` is, or may be: the file written by the same
        value, or by one of the values it may hold (``f`` set again in a loop or a branch: a value not known made by
        any of the commands that made them); either text where it may be several. None: no such file."""
        key = _path_key(word)
        found = self._written_unknown.get(key)
        if found is not None:
            return found
        texts = [text for written, text in self._written_unknown.items() if _may_be_key(key, written)]
        if not texts:
            return None
        first = texts[0]
        for other in texts[1:]:
            first = first if other == first else _either_text(first, other)
        return first

    def _put_written_unknown(self, word: Word, content: str | Unknown, op: str = ">") -> None:
        """What the line wrote into a file whose path is not known, kept by how the path is written: a shell that
        later runs a path written the same way runs that text. Appended to, or written where that may not run, it
        holds text not known or either text (see _put_written)."""
        key = _path_key(word)
        old = self._written_unknown.get(key)
        if old is not None and op.endswith(">>"):
            content = old + "\n" + content if isinstance(old, str) and isinstance(content, str) else _NOT_KNOWN
        elif old is not None and self._maybe_depth and old != content:
            content = _either_text(old, content)
        self._written_unknown[key] = content
        self._remember_unknown_name(key)

    def _remember_unknown_name(self, key: tuple[object, ...]) -> None:
        """The last name of a path not known the line made a file at (``"$d/ls"``: ls), for the names run later."""
        last = key[-1] if key else None
        if isinstance(last, str) and "/" in last:
            self._unknown_names.add(last.rsplit("/", 1)[1])

    def _sed_edit(self, inv: Invocation, text: str) -> str | None:
        """What ``sed -i SCRIPT FILE`` leaves in a file that held ``text``, when its script runs here (sedrun.py)
        and runs no command; None otherwise."""
        if program_files(inv, self.knowledge):
            return None
        script = program_text(inv, self.knowledge)
        args, _ = program_operands(inv, self.knowledge)
        entry = self.knowledge.inline_code["sed"]
        if script is None:
            return None
        from tenmon_guard import sedrun

        try:
            done = sedrun.run(
                script, text, args.has(*entry.program_option("quiet")), args.has(*entry.program_option("extended"))
            )
        except sedrun.Unsupported:
            return None
        return done.output if not done.commands else None

    def _option_files(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> _Command:
        """A file of commands an option names (knowledge ``option_files`` {OPTION: STANDS_FOR}: ``gdb -x FILE``
        runs each line of FILE as ``-ex LINE``), which the line wrote: the command as if each line were given so,
        after its own words. A file written with text not known: an unknown command. The same file may be named by
        a variable of the command's environment (knowledge ``option_file_variables`` {NAME: STANDS_FOR}:
        ``WGETRC=FILE wget`` reads FILE's lines as ``-e LINE``)."""
        added: list[Word] = []
        for word, stands_for in self._named_option_files(cmd, spec, state, ctx):
            text = self._stdin_of(cmd, ctx) if word.value == "-" else self._file_text(word, cmd, state, ctx)
            keyed = not stands_for or "option_file_keys" in spec.extra  # (lines of KEY = VALUE)
            if isinstance(text, Unknown) and keyed and text.producers:
                # (echo "user = $U:$P" | curl -K -, echo "header = X: $T" > rc; WGETRC=rc wget: a value not
                # known after a key that writes nothing)
                text = self._in_values_only(text, _written_option_keys(spec))
            if isinstance(text, Unknown) and not _a_file(text):
                self._not_known(cmd.span, state, _through(ctx, Wrapper(spec.name, cmd.span)), text)
            elif isinstance(text, str):
                for line in (line.strip() for line in text.splitlines()):
                    if not line or line.startswith("#"):
                        continue
                    words = [stands_for, line] if stands_for else _config_line_options(line)
                    added += [literal_word(w, cmd.span) for w in words]
        if not added:
            return cmd
        at = next((k for k, w in enumerate(cmd.argv) if k and w.value in ("--args", "-args")), len(cmd.argv))
        return dataclasses.replace(cmd, argv=[*cmd.argv[:at], *added, *cmd.argv[at:]])

    def _named_option_files(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> list[tuple[Word, str]]:
        """The files of commands ``cmd`` reads, each with the option its lines stand for: named by an option
        (``option_files``) or by a variable of its environment (``option_file_variables``: its own assignment or
        an exported one; a value not known names a file the guard cannot look at, as an option's does)."""
        given = spec.extra.get("option_files") or {}
        named: list[tuple[Word, str]] = []
        for option in parse_args(cmd.argv[1:], spec.options).options:
            stands_for = given.get(option.name)
            if stands_for is not None and option.value is not None:
                word = option.value if isinstance(option.value, Word) else literal_word(option.value, cmd.span)
                named.append((word, str(stands_for)))
        variables = spec.extra.get("option_file_variables") or {}
        directories = spec.extra.get("option_file_dirs") or {}
        if variables or directories:
            environment = state.child(cmd.assignments, ctx).env
            for variable, stands_for in variables.items():
                value = environment.get(variable)
                if isinstance(value, str) and value:
                    named.append((literal_word(value, cmd.span), str(stands_for)))
            for variable, file in directories.items():  # (CURL_HOME=DIR curl reads DIR/.curlrc: its own lines)
                value = environment.get(variable)
                if isinstance(value, str) and value:
                    named.append((literal_word(posixpath.join(value, str(file)), cmd.span), ""))
        return named

    def _configured_programs(
        self, cmd: _Command, spec: CommandSpec, parsed: ParsedArgs, state: _State, environment: Mapping[str, _Value]
    ) -> list[Word]:
        """The program a config gives (knowledge ``shell_program_config``: npm's ``script-shell``): set earlier on
        the line (``npm config set script-shell FILE``, kept for later runs), or in a config file the line wrote
        (``.npmrc`` in the project, ``~/.npmrc``, ``--userconfig FILE``, ``NPM_CONFIG_USERCONFIG=FILE``) as
        ``KEY=VALUE`` lines. A config file written with text not known may set it: a program not known."""
        config = spec.extra.get("shell_program_config")
        if not isinstance(config, dict):
            return []
        key = str(config.get("key"))
        name = _basename(cmd.argv[0].value) or ""
        stored = _config_set(parsed.operands, config.get("set_subcommands") or [], key)
        if stored is not None:
            self._configured.setdefault(name, []).append(stored)
        where = _in_directory(state, parsed, spec.list("chdir_options"))
        home = environment.get("HOME")
        files: list[str | None] = [value_text(v) for v in parsed.values(*config.get("options", ()))]
        files += [v if isinstance(v, str) else None for v in (environment.get(n) for n in config.get("variables", ()))]
        files += [f"{home}/{f}" if isinstance(home, str) else None for f in config.get("home_files", ())]
        files += list(config.get("cwd_files", ()))
        found: list[Word] = list(self._configured.get(name, ()))
        for file in files:
            path = paths.resolve(file, where.cwd) if file else None
            text = self._written.get(path) if path is not None else None
            if isinstance(text, Unknown):  # (echo "//r/:_authToken=$T" > .npmrc: a value not known, no key)
                text = self._in_values_only(text, frozenset({_config_key(key)}))
            if isinstance(text, Unknown):
                found.append(Word("", cmd.span, (text,)))
            elif isinstance(text, str):
                found += [literal_word(v, cmd.span) for k, v in _ini_pairs(text) if k == key]
        return found

    def _in_values_only(self, text: Unknown, keys: frozenset[str]) -> str | Unknown:
        """A config file one ``echo`` wrote, known but for pieces that each stand after the ``=`` of a line whose
        key is known (``echo "//registry/:_authToken=$TOKEN" > .npmrc``): its text, each such piece left empty (its
        keys are all known). Anything else stays not known (a piece where a key may be, or in the value of one of
        ``keys``)."""
        printed = self._printed_word(Unknown("stdin", producers=text.producers))
        if printed is None:
            return text
        line = ""
        out: list[str] = []
        for part in printed.parts:
            if isinstance(part, Literal):
                line = (line + part.text).rpartition("\n")[2]
                out.append(part.text)
            elif "=" not in line or _config_key(line.partition("=")[0]) in keys:
                return text
        return "".join(out)

    def _stdin_data(self, inv: Invocation) -> bool:
        """Is what the command reads on stdin mostly data (``pg_dump db | psql other``: a dump), so that a text not
        known there is no unknown program (knowledge ``stdin_data``)?"""
        entry = self.knowledge.inline_code.get(inv.name or "")
        return entry is not None and entry.stdin_data

    def _emit_command(self, cmd: _Command, state: _State, ctx: _Ctx) -> None:
        self._note_stdin(cmd, ctx)
        self._emit(cmd.argv, cmd.span, cmd.assignments, cmd.redirects, state, ctx)

    def _note_stdin(self, cmd: _Command, ctx: _Ctx) -> None:
        """The known text the command about to be emitted reads: its heredoc or here-string, or what the pipeline
        stage before it printed (what ``cat``, ``tee``, ``tr`` then print is known too)."""
        if isinstance(cmd.stdin, str):
            self._stdin_text[len(self.invocations)] = cmd.stdin
        elif isinstance(cmd.stdin, Unknown) and id(cmd.stdin) in self._in_part:
            self._stdin_in_part[len(self.invocations)] = self._in_part[id(cmd.stdin)][1]
        elif ctx.stdin_text is not None and not _redirects_stdin(cmd.redirects):
            self._stdin_text[len(self.invocations)] = ctx.stdin_text

    # -- text a shell reads from somewhere else than its arguments ---------------------------------------------

    def _stdin_of(self, cmd: _Command, ctx: _Ctx) -> str | Unknown | None:
        """What the command reads on stdin: known text (a heredoc, a here-string, an ``echo`` before it in a
        pipeline), an Unknown when something not known feeds it (``base64 -d | bash``), None for the terminal."""
        if cmd.stdin is not None:
            return cmd.stdin
        if ctx.stdin_text is not None:
            return ctx.stdin_text
        if ctx.stdin_unknown is not None:
            return ctx.stdin_unknown
        if ctx.stdin_producers:
            return (
                _A_FILE if self._cat_of_files(ctx.stdin_producers) else Unknown("stdin", producers=ctx.stdin_producers)
            )
        return None

    def _cat_of_files(self, producers: tuple[int, ...]) -> bool:
        """``cat setup.sh | bash``: the last stage only copies files the line did not write, which a shell reads as
        it reads a script file it is given."""
        top = [i for i in producers if not self.invocations[i].in_substitution]
        last = self.invocations[top[-1]] if top else None
        if last is None or last.name != "cat" or not last.args:
            return False
        files = [w.value for w in last.args]
        return all(f is not None and f != "-" and paths.resolve(f, last.cwd) not in self._written for f in files)

    def _redirected_stdin(self, redirect: Redirect, body: str | Unknown | None) -> str | Unknown:
        """Stdin after ``<<``, ``<<<`` or ``<``: the text when it is known; a file's contents are not (a ``file``
        piece naming the file, see :func:`_a_file`) unless the line wrote them or they come from ``< <(echo ...)``."""
        if body is not None:
            return body
        target = redirect.target
        if redirect.op == "<<<" or target is None:
            producers = tuple(i for u in target.unknowns for i in u.producers) if target is not None else ()
            fed = Unknown("stdin", producers=producers)
            if target is not None and any(isinstance(p, Literal) for p in target.parts):
                # known in part (``bash <<< "apt-get install -y $PKG"``): its pieces, for a shell reading it
                self._in_part[id(fed)] = (fed, Word(target.text, target.span, (*target.parts, Literal("\n"))))
            return fed
        found = self._file_contents(target, redirect.path)
        return Unknown("file", name=redirect.path) if found is None else found

    def _redirected_input(
        self, redirect: Redirect, body: str | Unknown | None, earlier: dict[int, str | Unknown]
    ) -> str | Unknown:
        """What an input redirection gives to read; from /dev/fd/N, what the redirections before it gave N (bash
        makes them in order: in ``at now 3<<<TEXT < /dev/fd/3`` stdin is TEXT; in ``at now < /dev/fd/3 3<<<TEXT``
        it is the shell's own fd 3, not known)."""
        fd = paths.descriptor_named(redirect.target.value or "") if redirect.target is not None else None
        given = _descriptor_reads(fd, earlier) if fd is not None and redirect.op == "<" else None
        return self._redirected_stdin(redirect, body) if given is None else given

    def _file_text(self, word: Word, cmd: _Command, state: _State, ctx: _Ctx) -> str | Unknown | None:
        """The text of a script file a shell or ``source`` runs, when the line makes it known: stdin under one of
        its names (/dev/stdin), a process substitution, a file written earlier. None for any other file."""
        if word.value in self.knowledge.stdin_files:
            return self._stdin_of(cmd, ctx)
        fd = paths.descriptor_named(word.value) if word.value is not None else None
        if fd is not None:
            return _descriptor_text(cmd, fd)
        path = paths.resolve(word.value, state.cwd) if word.value is not None else None
        if path is None and word.is_glob and self._written:
            return self._written_glob(word, state.cwd)
        if path is None and word.value is None and self._written:
            below = self._written_below(word, state.cwd)
            if below is not None:  # (else what it is, as for any path: <(cat f | tee /tmp/o) prints f)
                return below
        found = self._file_contents(word, path)
        if word.value and "/" not in word.value and (self._written or self._links):
            # (``. NAME`` looks NAME up in PATH, and ``bash NAME`` does where it is not in the cwd: ``echo 'pkill
            # node' > /tmp/s; PATH=/tmp:$PATH; . s``; either file may be the one read)
            on_path = self._written_on_path(word.value, cmd, state, ctx)
            text = self._written.get(on_path) if on_path is not None else None
            if text is not None and found is None:
                found = text
            elif text is not None and found is not None and text != found:
                found = _either_text(found, text)
        if isinstance(found, str) and found.startswith(_MACHINE_CODE):
            return Unknown("command")  # (a program or shared object the line wrote: machine code, not read)
        made = found is None and path is not None and self.invocations
        return self._made_on_line(path, cmd.span) if made and path is not None else found

    def _file_contents(self, word: Word, path: str | None) -> str | Unknown | None:
        """``<(echo ...)``: what its commands print (an Unknown when not known); a path the line wrote: what
        was written; None otherwise."""
        if word.text.startswith("<(") and len(word.parts) == 1 and isinstance(word.parts[0], Unknown):
            producers = word.parts[0].producers
            one = self._one(producers)
            printed = self._piped_output(one) if one is not None else None
            return printed if printed is not None else Unknown("command", producers=producers)
        if path is not None and path in self._written:
            return self._written[path]
        if path is None and self._written_unknown and word.value is None:
            # (``f=$(mktemp); echo 'pkill node' > "$f"; sh "$f"``: the same value not known names the same file)
            return self._written_at_unknown(word)
        if path is not None and self._links:  # (ln -s /tmp/k /tmp/l; bash /tmp/l reads /tmp/k)
            followed, _ = paths.follow_links(path, self._links, self._mounted)
            if followed is not None and followed in self._written:
                return self._written[followed]
        return None

    def _written_glob(self, word: Word, cwd: str | None) -> str | Unknown | None:
        """``printf 'pkill node' > /tmp/s.sh; bash /tmp/s.*``: a glob the shell expands to a file the line wrote
        names that file: its text when it is the one file the glob may name of those the line wrote, else text not
        known. None when it may name none of them (a file on disk)."""
        pattern = paths.glob_pattern(word, cwd)
        if pattern is None:
            return Unknown("command")
        named = [p for p in self._written if paths.glob_may_name(pattern, p)]
        if not named:
            return None
        return self._written[named[0]] if len(named) == 1 else Unknown("command")

    def _written_below(self, word: Word, cwd: str | None) -> str | Unknown | None:
        """``echo 'pkill node' > /tmp/d/x.sh; find /tmp/d -exec bash {} +``, ``for f in $(ls /tmp/d); do bash /tmp/d/$f;
        done``: a path whose known start names where the line wrote a file may be that file: its text when it is the
        one such file, else text not known. None when its start names none of them, or nothing at all."""
        prefix = word.literal_prefix
        head, slash, start = prefix.rpartition("/")
        directory = paths.resolve(head + slash, cwd) if slash else None
        if directory is not None:
            begins = directory.rstrip("/") + "/" + start
            named = [p for p in self._written if p.startswith(begins)]
        elif not prefix and len(word.parts) == 1 and isinstance(word.parts[0], Unknown):
            named = self._written_listed(word.parts[0])
        else:
            return None
        if not named:
            return None
        return self._written[named[0]] if len(named) == 1 else Unknown("command")

    def _written_listed(self, piece: Unknown) -> list[str]:
        """The files the line wrote that the commands printing ``piece`` may list (``find DIR ... | xargs bash``,
        ``bash "$(ls DIR/*.sh)"``): those under a directory find starts from, or that an operand of ls names or holds
        (knowledge ``path_listers``: {NAME: find|ls})."""
        listers = self.knowledge.path_listers
        named: list[str] = []
        for index in piece.producers:
            inv = self.invocations[index]
            form = listers.get(inv.name or "")
            if form is None:
                continue
            args = list(inv.args)
            roots = args[: next((k for k, w in enumerate(args) if (w.value or "-")[:1] in "-(!"), len(args))]
            if form == "ls":
                roots = [w for w in args if not (w.value or "").startswith("-")]
            for root in roots or [literal_word(".", inv.span)]:
                named += [p for p in self._written if _lists(root, inv.cwd, p)]
        return named

    def _made_on_line(self, path: str, span: Span) -> Unknown | None:
        """``curl -o /tmp/k.sh URL; bash /tmp/k.sh``, ``sort -o F A``, ``uniq A F``, ``split A /tmp/p_; sh
        /tmp/p_aa``, ``tar -xf T -C /tmp/o; bash /tmp/o/k.sh``: a file an earlier command of the line wrote by an
        operand or an option (not a redirection, remembered as written) holds text the guard does not know: a shell
        or interpreter running it runs an unknown command. Writers that keep what a file holds (knowledge
        ``keeps_contents``: chmod, touch, cp of a file on disk) make none, nor the command itself (``span``: ``make -C
        DIR`` writes DIR and reads DIR/Makefile). None when no command made the path."""
        self._update_made()
        for made_span, made in self._made:
            if made_span == span:
                continue
            for place, kind in made:
                if place == path or (kind == "dir" and paths.is_within(path, place)):
                    return Unknown("command")
                if kind == "prefix" and path.startswith(place) and posixpath.dirname(path) == posixpath.dirname(place):
                    return Unknown("command")
        return None

    def _update_made(self) -> None:
        """Compute what the invocations emitted since the last call made (see :meth:`_made_by`)."""
        for index in range(self._made_upto, len(self.invocations)):
            inv = self.invocations[index]
            made = self._made_by(inv)
            if made:
                self._made.append((inv.span, made))
        self._made_upto = len(self.invocations)

    def _made_by(self, inv: Invocation) -> tuple[tuple[str, str], ...]:
        """The paths an invocation makes files at (see :meth:`_made_on_line`), each with how: ``file`` (that path),
        ``dir`` (names inside it: tar -x -C DIR, not the cwd builds and extractions write by default, whose files a
        line runs after as the project's own: make, npm run build, tar -xf T) or ``prefix`` (split's pieces)."""
        from tenmon_guard.effects import WriteTarget, effects_of

        spec = self.knowledge.spec(inv.name) if inv.name not in self.knowledge.keeps_contents else None
        if spec is None:
            return ()
        prefix = spec.extra.get("names_by_prefix")
        writes = effects_of(inv, self.knowledge).writes
        if prefix is not None and not writes:  # (split FILE: ./xaa, ./xab ...)
            writes = (WriteTarget(literal_word(str(prefix), inv.span)),)
        found: list[tuple[str, str]] = []
        for target in writes:
            place = paths.resolve(target.word.value, inv.cwd) if target.word.value is not None else None
            if place is None:
                continue
            inside = (target.word.value or "").endswith("/") and target.word.text not in (".", "./")
            found.append((place, "prefix" if prefix is not None else "dir" if inside else "file"))
        return tuple(found)

    def _run_text(self, script: str | Unknown | None, cmd: _Command, state: _State, ctx: _Ctx) -> bool:
        """Judge the text a shell runs: known text is read as commands, text not known is an unknown command.
        False when there is none to judge (the terminal, a file the line did not write)."""
        if script is None or _a_file(script):
            return False
        if isinstance(script, Unknown):
            printed = self._printed_word(script)
            if printed is not None:  # ``echo "apt-get install $PKG" | sudo sh``
                self._payload(printed, cmd.span, state, ctx)
            else:
                self._emit([Word("", cmd.span, (script,))], cmd.span, (), (), state, ctx)
        else:
            self._payload(script, cmd.span, state, ctx)
        return True

    def _printed_word(self, fed: Unknown) -> Word | None:
        """The text one ``echo`` of words known in part prints into a pipe (``echo "0 0 * * * certbot renew
        $FLAGS" | crontab -``), as one word of the same pieces, so a shell or cron reading it judges what is known
        in it as shell text known in part is judged (see :meth:`_partly_known_payload`) instead of losing it all.
        Its options are read as bash's echo reads them (``-n``: no newline; ``-e``: ``\\n``, ``\\t`` and ``\\\\``
        decoded). None for anything else: several commands, a first word that may be an option (``echo $X`` with
        ``X=-e``), another backslash, or one without ``-e`` (zsh's echo decodes it, bash's does not), a glob."""
        remembered = self._in_part.get(id(fed))
        if remembered is not None and remembered[0] is fed:
            return remembered[1]
        if fed.kind != "stdin":
            return None
        one = self._one([i for i in fed.producers if not self.invocations[i].in_substitution])
        return self._printed_in_part(one) if one is not None else None

    def _printed_in_part(self, index: int) -> Word | None:
        """What one command prints when it is known in part (see :meth:`_printed_word`): an ``echo`` of words known
        in part, a ``printf`` of them (:mod:`tenmon_guard.printfparts`), or ``cat``/``tee`` passing on a heredoc known
        in part."""
        inv = self.invocations[index]
        heredoc = self._stdin_in_part.get(index)
        if heredoc is not None:
            values = [w.value for w in inv.args]
            if inv.name in ("cat", "tee") and all(v is not None for v in values):
                given = [v for v in values if v is not None]
                return heredoc if filters.passthrough_output(inv.name, given, "") is not None else None
            return None
        if inv.name == "printf":
            return printf_in_part(inv.args)  # printf 'rm -rf %s\n' "$D" prints what echo "rm -rf $D" does
        if inv.name != "echo" or not inv.args or any(w.is_glob for w in inv.args):
            return None
        args, decoding, newline = _echo_options(inv.args)
        first = args[0].parts[0] if args and args[0].parts else None
        if not isinstance(first, Literal) or not first.text or first.text.startswith("-"):
            return None
        words: list[Word] = []
        for word in args:
            parts: list[Part] = []
            for part in word.parts:
                if isinstance(part, Literal) and "\\" in part.text:
                    decoded = _echo_escapes(part.text) if decoding else None
                    if decoded is None:
                        return None
                    part = Literal(decoded, part.quoted)
                parts.append(part)
            words.append(Word(word.text, word.span, tuple(parts)))
        joined = _join(words)
        if isinstance(joined, str):
            return None
        return Word(joined.text, joined.span, (*joined.parts, *((Literal("\n"),) if newline else ())))

    def _installed_file(self, word: Word, kind: str, cwd: str | None, span: Span, ctx: _Ctx) -> None:
        """A file a command reads as a file of an installed kind (``bind -f FILE``, ``INPUTRC=FILE bash``: an
        inputrc), which the line wrote: judged as that text installed (knowledge ``installed_formats``, of the
        entry that describes the kind). A file the line did not write is what it is on disk: not judged here."""
        path = paths.resolve(word.value, cwd) if word.value is not None else None
        text = self._file_contents(word, path)
        owner = next(
            (o for o in self.knowledge.specs.values() if kind in (o.extra.get("installed_formats") or {})), None
        )
        if text is not None and owner is not None:
            self._installed(text, kind, owner, span, _later(ctx, owner.name, span), path)

    def _startup_files(self, cmd: _Command, spec: CommandSpec, child: _State, ctx: _Ctx) -> None:
        """``BASH_ENV=FILE bash -c ...``: a non-interactive shell expands the variable (substitutions run) and
        runs the file first. Both are judged: the expansion as text, the file when the line makes it known."""
        given = dict(cmd.assignments)
        for name in spec.list("startup_file_variables"):
            word = given.get(name)
            value = child.env.get(name) if word is None else word.value
            if word is not None and word.value is None:
                self._run_text(self._file_contents(word, None), cmd, child, ctx)  # ``<(...)``; else some file
            elif isinstance(value, str) and value:
                inner = _through(ctx, Wrapper(name, cmd.span))
                self._payload(": " + value, cmd.span, child.copy(), inner)
                found = self._file_contents(literal_word(value, cmd.span), paths.resolve(value, child.cwd))
                self._run_text(found, cmd, child.copy(), inner)
        for name, kind in (spec.extra.get("startup_installed_variables") or {}).items():
            value = given[name].value if name in given else child.env.get(name)
            if isinstance(value, str) and value:  # (INPUTRC=FILE bash: readline reads FILE)
                word = literal_word(value, cmd.span)
                self._installed_file(word, str(kind), child.cwd, cmd.span, _through(ctx, Wrapper(name, cmd.span)))
        table = (spec.extra.get("startup_directory_variables") or {}).get(_basename(cmd.argv[0].value) or "", {})
        for name, files in table.items():  # (ZDOTDIR=DIR zsh: DIR/.zshenv, and .zshrc when interactive)
            value = given[name].value if name in given else child.env.get(name)
            if not isinstance(value, str) or not value:
                continue
            inner = _through(ctx, Wrapper(name, cmd.span))
            for file in files:
                path = paths.resolve(posixpath.join(value, str(file)), child.cwd)
                self._run_text(self._file_contents(literal_word(value, cmd.span), path), cmd, child.copy(), inner)

    def _remember_writes(self, index: int) -> None:
        """``echo 'pkill node' > /tmp/k.sh``: what a command printed into a file, for a shell or ``source`` that
        runs the file later on the line (not known: an Unknown, judged as an unknown command)."""
        inv = self.invocations[index]
        for red in inv.redirects:
            output = red.op in _OUTPUT_OPS or (red.op == "<>" and red.fd not in (None, 0))  # (``1<> FILE`` writes)
            if not output or red.path == "/dev/null":
                continue  # (what is written to /dev/null is not there to read: it reads empty)
            printed = self._output_of(index) if red.fd in (None, 1) else None
            if red.path is None:
                if red.target is not None and red.target.value is None:  # (``> "$f"``: see _put_written_unknown)
                    made = printed if printed is not None else Unknown("command", producers=(index,))
                    self._put_written_unknown(red.target, made, red.op)
                continue
            old = self._written.get(red.path)
            if red.op.endswith(">>") and red.path in self._written:
                printed = old + "\n" + printed if isinstance(old, str) and printed is not None else None
            elif printed is None and red.fd in (None, 1):
                in_part = self._printed_in_part(index)
                if in_part is not None:
                    written = Unknown("command", producers=(index,))
                    self._in_part[id(written)] = (written, in_part)
                    self._put_written(red.path, written)
                    continue
            self._put_written(red.path, printed if printed is not None else Unknown("command", producers=(index,)))

    def _remember_links(self, inv: Invocation, spec: CommandSpec, written: Invocation) -> None:
        """``ln -s TARGET LINK``, ``ln TARGET... DIR``, ``ln -t DIR TARGET...``, ``cp -s``/``cp -l``: the links the
        command makes, for the paths through them later on the line (``ln -s /opt/x /tmp/l && rm -rf /tmp/l/dist``).
        A destination that may be a directory gets the link inside it too (which one it is, the file system says).
        A symbolic link's relative target is taken from the link's directory (``ln -sr``: from the cwd). A
        destination that is a link the line made (``written``: the command before links were followed) is replaced
        where it leads to no directory: where it leads then is not known (``ln -s /usr/bin/pkill k; ln -sf /bin/true
        k`` left /usr/bin/pkill taken for a link to true)."""
        args = parse_args(inv.args, spec.options)
        if spec.list("link_options") and not args.has(*spec.list("link_options")):
            return
        symbolic = args.has(*spec.list("symbolic_options")) and not args.has(*spec.list("relative_options"))
        sources = [_link_target(w) for w in args.operands]
        dirs = [value_text(v) for v in args.values("-t", "--target-directory")]
        whole: list[str | None] = []  # a destination that is the link itself
        if not dirs and len(sources) == 1:
            dirs = ["."]  # ln TARGET: the link is ./NAME
        elif not dirs and len(sources) > 1:
            dest, sources = args.operands[-1].value, sources[:-1]
            own = parse_args(written.args, spec.options).operands
            named = own[-1].value if len(own) == len(args.operands) else dest  # (the link as written)
            whole = [named] if len(sources) == 1 else []
            dirs = [] if args.has(*spec.list("no_target_directory_options")) else [dest]
        for source in sources:
            for link in whole:
                # (a link followed elsewhere: replaced, or the new one made inside what it leads to)
                self._link(link, source if link == dest else None, symbolic, inv.cwd)
            name = (
                posixpath.basename(source.rstrip("/")) if source is not None and _PART_NOT_KNOWN not in source else None
            )
            for directory in dirs:
                self._link(
                    posixpath.join(directory, name) if directory is not None and name else None,
                    source,
                    symbolic,
                    inv.cwd,
                )

    def _remember_link_dests(self, inv: Invocation, spec: CommandSpec) -> None:
        """``rsync -a --link-dest=/opt/x src/ /tmp/new/``: the files of the destination that are unchanged from
        DIR's (knowledge ``link_dest_options``) are hard links of them, a second name of the same file: a later write
        into one (``>> /tmp/new/dist/index.js``) writes DIR's file. The destination is remembered as a link to DIR
        (a relative DIR is taken from the destination, as rsync does); a remote destination makes none here."""
        args = parse_args(inv.args, spec.options)
        given = [value_text(v) for v in args.values(*spec.list("link_dest_options"))]
        if not given or len(args.operands) < 2:
            return
        dest = args.operands[-1].value
        if dest is not None and _REMOTE_PATH.match(dest):
            return
        base = paths.resolve(dest, inv.cwd) if dest is not None else None
        for directory in given:
            target = directory
            if directory is not None and not directory.startswith("/"):
                target = posixpath.join(base, directory) if base is not None else None
            self._link(dest, target, False, inv.cwd)

    def _remember_copies(self, written: Invocation, inv: Invocation, spec: CommandSpec, index: int) -> None:
        """What a copy, move or link makes, read once for both records: the copies of links (``kept_links``) and
        every name made (``made_names``). ``written``: the invocation before the line's links were followed."""
        args = parse_args(inv.args, spec.options)
        pairs = _copies(args, spec, inv.cwd)
        if "link_keeping_options" in spec.extra or spec.flag("keeps_links"):
            self._remember_kept_links(written, inv, spec, args, pairs, index)
        if spec.flag("makes_names") or "backup_options" in spec.extra:
            self._remember_made_names(inv, spec, args, pairs, index)

    def _remember_kept_links(
        self,
        written: Invocation,
        inv: Invocation,
        spec: CommandSpec,
        args: ParsedArgs,
        pairs: list[tuple[Word, str]],
        index: int,
    ) -> None:
        """``cp -a lnk other``, ``cp -r``, ``cp -P``, ``mv lnk other``: a source that is a symlink is copied (or moved)
        as the link it is, so the copy leads where the link leads. Whether a source is one, only the disk says: the
        pairs go into the model (``CommandModel.kept_links``) for the doors that read the disk (``rm -f
        other/index.js`` later on the line). ``link_keeping_options`` keep links unless a later one of
        ``link_following_options`` follows them (``cp -aL``); ``keeps_links``: always (mv renames the link itself).
        A source written with a trailing ``/`` (or ``/.``) names the directory the link leads to, whose entries are
        copied. A source that is a link the line made (``ln -s LIVE s; mv s g``) makes the copy a link to the same
        place, in every door (``written``: the invocation as written, before the line's links were followed)."""
        if not _keeps_links(args, spec):
            return
        for source, copy in pairs:
            if source.value is None or source.value.endswith(("/", "/.")) or source.value == ".":
                continue
            source_path, copy_path = paths.resolve(source.value, inv.cwd), paths.resolve(copy, inv.cwd)
            if source_path is not None and copy_path is not None and _PART_NOT_KNOWN not in copy_path:
                self._kept_links.append((copy_path, source_path, index))
        if self._links:
            for source, copy in _copies(parse_args(written.args, spec.options), spec, written.cwd):
                made = self._made_link(source.value, written.cwd)
                if made is not None and made in self._links:
                    self._link(copy, self._links[made], False, written.cwd)

    def _made_link(self, path: str | None, cwd: str | None) -> str | None:
        """The key under which :meth:`_link` would remember a link at ``path`` (a trailing ``/`` names where one
        leads, not the link)."""
        return None if path is None or path.endswith("/") else self._link_place(path, cwd)

    def _link_place(self, link: str | None, cwd: str | None) -> str | None:
        """Where a link named ``link`` (relative to ``cwd``) lies: its directory followed through the links and
        mounts the line made, its own name not (the key of ``_links``). None when that is not known."""
        if link is None or (not link.startswith("/") and cwd is None):
            return None
        where = link if link.startswith("/") else posixpath.join(cwd or "/", link)
        parent, _, last = where.rstrip("/").rpartition("/")
        followed, _ = paths.follow_links(parent or "/", self._links, self._mounted)
        if followed is None or not last or last in (".", ".."):
            return None
        return posixpath.join(followed, last)

    def _remember_made_names(
        self, inv: Invocation, spec: CommandSpec, args: ParsedArgs, pairs: list[tuple[Word, str]], index: int
    ) -> None:
        """The names a copy, move, link or backup makes (``CommandModel.made_names``), for the doors that read the
        disk: a later path through a name the line makes leads where what was copied there leads, which the disk
        does not show yet (``cp -P cur g && cp -P g g2 && rm -f g2/dist/x``, ``ln -sfn -b NEW cur; rm -rf cur~/dist``).
        ``makes_names``: the destinations are copies of the sources (cp, mv, install, rsync); ``backup_options``: the
        destination's old file is kept under a new name next to it (``NAME~``, ``NAME.~1~``, ``NAME`` + suffix). A
        copy whose operands are not known (``xargs cp -P``, a glob) may make any name."""
        if args.has(*spec.list("backup_options")) or args.has(*spec.list("backup_dir_options")):
            self._remember_backups(inv, spec, args, pairs, index)
        if not spec.flag("makes_names"):
            return
        targets = [value_text(v) for v in args.values("-t", "--target-directory")]
        if not args.operands and not targets:
            return  # nothing named, nothing copied (``--rsync-path=/usr/bin/rsync``'s rsync: the usage text)
        if any(w.value is None for w in args.operands) or None in targets or not pairs:
            # the copies' names are not known: below (or at) the destination when it is known (cp "$X" DIR/), else
            # anywhere (a destination with a part not known may hold .., "real/$X" with X=../g)
            if targets:
                last: str | None = targets[0]
            elif args.operands:
                last = args.operands[-1].value
            else:
                last = None
            where = paths.resolve(last, inv.cwd) if last is not None else None
            self._made_names.append((where if where and _PART_NOT_KNOWN not in where else None, None, "copy", index))
            return
        follows = not _keeps_links(args, spec)
        for source, copy in pairs:
            made = paths.resolve(copy, inv.cwd)
            # (as written: a .. after a link on disk is taken from where the link leads, on disk)
            origin = _joined(source.value, inv.cwd) if source.value is not None else None
            if origin is not None and source.value is not None and (follows or source.value.endswith(("/", "/."))):
                origin = origin.rstrip("/") + "/"  # where a link leads is copied (cp -L, LINK/.), not the link
            if made is not None and _PART_NOT_KNOWN not in made:
                self._made_names.append((made, origin, "copy", index))

    def _remember_backups(
        self, inv: Invocation, spec: CommandSpec, args: ParsedArgs, pairs: list[tuple[Word, str]], index: int
    ) -> None:
        """What a copy with backups keeps: the destination's old file next to it (``NAME~``, ``NAME.~1~``, NAME and
        the ``-S`` suffix: kind "backup", the suffix as origin), every entry a copy into a directory replaces
        (``cp -rb DIR/. ./``, ``rsync -ab DIR/ ./``: kind "backups-in"), and, with a backup directory (``rsync
        --backup-dir=D``), the replaced entries under D (kind "backup-dir", the destination as origin)."""
        suffixes = [value_text(v) for v in args.values(*spec.list("suffix_options"))]
        suffix = suffixes[-1] if suffixes else None
        for _, copy in pairs:
            made = paths.resolve(copy, inv.cwd)
            if made is None or _PART_NOT_KNOWN in made:
                continue
            self._made_names.append((made, suffix, "backup", index))
            self._made_names.append((made, suffix, "backups-in", index))
            for directory in args.values(*spec.list("backup_dir_options")):
                text = value_text(directory)
                where = paths.resolve(text, inv.cwd) if text is not None else None
                self._made_names.append((where, made, "backup-dir", index))

    def _link(self, link: str | None, target: str | None, symbolic: bool, cwd: str | None) -> str | None:
        """Remember that ``link`` leads to ``target`` (both as written, relative to ``cwd``); the link's path as
        remembered (None when it is not known)."""
        made = self._link_place(link, cwd)
        if made is None:
            return None
        if target is not None and not target.startswith("/"):
            base = posixpath.dirname(made) if symbolic else cwd
            target = posixpath.join(base, target) if base is not None else None
        if self._maybe_depth and made in self._links and self._links[made] != target:
            target = None  # (made anew where that may not run: it may lead to either, so where is not known)
        self._links[made] = target
        self._made_names.append((made, target, "link", len(self.invocations) - 1))
        return made

    def _remember_mount(self, inv: Invocation, spec: CommandSpec) -> None:
        """``mount --bind /opt/x /mnt``: the mount point is a second name of the directory (``bind_options``, or an
        option value that says so: ``-o bind``), which later paths on the line go through, as through a link; unlike a
        link's, its own name leads there too (``rm -rf /mnt`` empties /opt/x). An overlay is one for what is written
        through it: it lands in its upper directory (``bind_source_option_keys``: ``-o upperdir=/opt/x``). ``umount``
        (``unmounts``) ends it."""
        args = parse_args(inv.args, spec.options)
        if spec.flag("unmounts"):
            for word in args.operands:
                path = paths.resolve(word.value, inv.cwd) if word.value is not None else None
                if path in self._mounted and not self._maybe_depth:  # (an unmount that may not run: still there)
                    self._mounted.discard(path)
                    self._links.pop(path, None)
            return
        binding = args.has(*spec.list("bind_options")) or _option_key_found(args, spec.extra.get("bind_option_keys"))
        sources = _as_words(args.values(*spec.list("source_options")), inv.span)
        operands = [*sources, *args.operands, *_as_words(args.values(*spec.list("write_options")), inv.span)]
        if _from_table(args, spec, len(operands)):
            self._mounts_unknown = True
            return
        shown = keyed_values(args, spec.extra.get("bind_source_option_keys"), inv.span)  # -o upperdir=DIR
        shown_type = _type_source(args, spec) if operands and not binding else None
        if shown and operands:
            source, point = shown[-1], operands[-1]
        elif binding and len(operands) == 2:
            source, point = operands
        elif shown_type is not None:
            source, point = literal_word(shown_type, inv.span), operands[-1]  # (mount -t cgroup2 none /mnt/cg)
        else:
            return
        point = _target_prefixed(point, args, spec)
        made = self._link(point.value, source.value, False, inv.cwd)
        if made is not None:
            self._mounted.add(made)

    def _seen(self, inv: Invocation, root: str | None) -> Invocation:
        """The invocation with its paths as the file system takes them: under the root of a chroot it runs in, then
        through the links the line made. After a mount from a table, any path may lead anywhere (as under a root
        not known)."""
        argv, opened, cwd = list(inv.argv), inv.redirects, inv.cwd
        root = None if self._mounts_unknown else root
        if root != "/":
            argv, opened, cwd = _in_root(argv, opened, cwd, root)
        if self._links:
            spec = self.knowledge.specs.get(inv.name) if inv.name is not None else None
            follow = not _unlinks(spec, inv)
            sources = _moved_sources(spec, inv) if follow else frozenset()
            mounts = spec is None or not spec.flag("unmounts")  # umount MOUNT_POINT: the mount itself
            argv, opened, cwd = self._through_links(argv, opened, cwd, follow, sources, mounts)
        if root != "/":
            return dataclasses.replace(inv, argv=tuple(argv), redirects=opened, cwd=cwd, root=root)
        return dataclasses.replace(inv, argv=tuple(argv), redirects=opened, cwd=cwd)

    def _through_links(
        self,
        argv: list[Word],
        redirects: tuple[Redirect, ...],
        cwd: str | None,
        follow_last: bool,
        sources: frozenset[int] = frozenset(),
        mounts: bool = True,
    ) -> tuple[list[Word], tuple[Redirect, ...], str | None]:
        """The words of a command, its redirections' targets and its cwd seen through the links the line made: a
        path through one is the path it leads to (``rm -rf /tmp/l/dist`` after ``ln -s /opt/x /tmp/l`` is ``rm -rf
        /opt/x/dist``; ``echo > /tmp/env`` writes the file the link names). Options and plain names are left. A command
        that removes what it is given (``follow_last`` False: rm, unlink) removes a link named by itself, not where it
        leads (``rm -rf /tmp/l``; ``rm -rf /tmp/l/`` empties the directory it leads to). ``sources``: the argv
        indexes of what ``mv`` renames, a link named by itself being renamed, not where it leads."""
        physical = cwd
        if cwd is not None:
            physical, _ = paths.follow_links(cwd, self._links, self._mounted)
            physical = None if physical is not None and _PART_NOT_KNOWN in physical else physical
        logical = cwd if physical is not None else None  # (a relative name is walked from it: .. at a mount)
        words = [
            w
            if k == 0 and "/" not in w.literal_prefix
            else self._linked_word(w, physical, follow_last and k not in sources, mounts, logical)
            for k, w in enumerate(argv)
        ]
        seen: list[Redirect] = []
        for red in redirects:
            target = (
                self._linked_word(red.target, physical, True, True, logical)
                if red.target is not None and red.op != "<<<"
                else None
            )
            if target is None or target is red.target:
                seen.append(red)
                continue
            path = paths.resolve(target.value, physical) if target.value is not None else None
            seen.append(Redirect(red.op, red.span, target, red.fd, path))
        return words, tuple(seen), physical

    def _linked_word(
        self, word: Word, cwd: str | None, follow_last: bool, mounts: bool = True, logical: str | None = None
    ) -> Word:
        """``word`` through the links the line made: all of it when its value is known (its last name too, when
        ``follow_last`` or it ends with /), else the directories before its first unknown part or wildcard
        (``/tmp/l/$X`` is ``/opt/x/$X``); ``KEY=PATH`` by its path (``of=``). The word itself when no link is on its
        way. ``cwd`` is the directory the command is in, ``logical`` the name the shell reached it by: a relative
        name is walked from that name, which keeps the mounts crossed on the way (``cd /m/y; rm -rf ../y/dist``
        after ``mount --bind LIVE /m/y``: ``..`` at the mount's root is /m)."""
        prefix = word.literal_prefix
        if not prefix or prefix.startswith("-"):
            return word
        lead = ""
        key, eq, after = prefix.partition("=")
        if eq and after.startswith("/") and "/" not in key:
            lead, prefix = key + "=", after
        whole = word.value is not None and (
            follow_last or word.value.endswith("/") or (mounts and self._mount_point(word.value[len(lead) :], cwd))
        )
        if not whole:
            wild = glob_start(prefix) if word.value is None else None
            cut = len(prefix) if wild is None else wild
            prefix = prefix[: prefix.rfind("/", 0, cut) + 1]
            if not prefix:
                return word
        if not prefix.startswith("/") and cwd is None:
            return word
        followed, hit = paths.follow_links(posixpath.join(cwd or "/", prefix), self._links, self._mounted)
        if logical is not None and logical != cwd and not prefix.startswith("/") and self._mounted:
            # a cwd reached through a mount: ``..`` at its root leads back out of it, which its physical name loses
            walked, _ = paths.follow_links(posixpath.join(logical, prefix), self._links, self._mounted)
            hit, followed = hit or walked != followed, walked
        if not hit:
            return word
        head = _followed_parts(lead, followed)
        if whole:
            return Word(word.text, word.span, head)
        rest = word.without_prefix(len(lead) + len(prefix)).parts
        return Word(word.text, word.span, (*head, Literal("/", True), *rest))

    def _mount_point(self, path: str, cwd: str | None) -> bool:
        """Is ``path`` (relative to ``cwd``) a bind mount the line made?"""
        if not self._mounted or (not path.startswith("/") and cwd is None):
            return False
        return paths.normalise(posixpath.join(cwd or "/", path)) in self._mounted

    def _bind_paths(
        self, cmd: _Command, spec: CommandSpec, parsed: ParsedArgs, state: _State, ctx: _Ctx
    ) -> tuple[dict[str, str | None], set[str]] | None:
        """``systemd-run -p BindPaths=SRC:DEST CMD`` (``bind_pair_option_keys``): CMD runs with SRC mounted at DEST (in
        its root), a mount the line made for CMD alone. Made here, as ``mount --bind`` makes one; what the line had
        before is returned, for the caller to put back when CMD is judged. None when nothing is bound."""
        pairs = list(_bind_pairs(keyed_values(parsed, spec.extra.get("bind_pair_option_keys"), cmd.span)))
        if not pairs or ctx.root is None:
            return None
        saved = (dict(self._links), set(self._mounted))
        for source, point in pairs:
            made = self._link(_rooted_path(point, ctx.root), source, False, state.cwd)
            if made is not None:
                self._mounted.add(made)
        return saved

    def _wrapped(self, cmd: _Command, spec: CommandSpec, ctx: _Ctx, user: str | None = None) -> _Ctx:
        return _through(ctx, Wrapper(spec.name, cmd.span, user))

    def _own_writes(
        self, cmd: _Command, spec: CommandSpec, parsed: ParsedArgs, skip: int, state: _State, ctx: _Ctx
    ) -> None:
        """A wrapper that writes a file of its own before it runs the command (``strace -o FILE CMD``, ``time -o``,
        ``script -O LOG -c TEXT``, ``script -c TEXT TYPESCRIPT``): the wrapper is judged too, with its options and
        the operands it keeps (not the command's words, whose options are not its own)."""
        if "role" not in spec.extra and not parsed.has(*spec.list("write_options")):
            return
        kept = len(cmd.argv) - len(parsed.operands) + min(skip, len(parsed.operands))
        self._emit(cmd.argv[:kept], cmd.span, (), (), state, ctx)

    def _limited(self, inv: Invocation, state: _State) -> None:
        """A command started under a limit or a timer set on the line that signals it is judged with that signal:
        ``ulimit -t 1; node dist/index.js`` as ``prlimit --cpu=1 -- node dist/index.js`` (SIGXCPU, then SIGKILL),
        ``timeout -s KILL 5 bash -c 'node dist/index.js'`` as ``timeout -s KILL -- 5 node dist/index.js`` (timeout
        signals its command's whole process group)."""
        for head in state.limits:
            argv = (*(_limit_word(w, inv.span) if isinstance(w, str) else w for w in head), *inv.argv)
            self.invocations.append(dataclasses.replace(inv, argv=argv, redirects=(), assignments=()))

    def _command_signalled(self, spec: CommandSpec, parsed: ParsedArgs, state: _State, cmd: _Command) -> _State:
        """A wrapper that signals the command it runs when an option says so (``timeout -s KILL 5 CMD``, ``timeout
        -k 1 5 CMD``, ``prlimit --cpu=1 CMD``): what it starts, and all they start, are judged as under it (see
        _limited; a ``--`` ends its options before its own operands, the command's options are not its own). The
        state the command runs in, a copy when it changes."""
        table = spec.extra.get("signal_values") or {}
        skip = int(spec.extra.get("skip_operands", 0) or 0)
        if len(parsed.operands) <= skip or not any(o.name in table for o in parsed.options):
            return state
        options = list(cmd.argv[: len(cmd.argv) - len(parsed.operands)])
        if options[-1].value == "--":
            options.pop()
        head: tuple[Word | str, ...] = (*options, "--", *parsed.operands[:skip])
        inner = state.copy()
        inner.limits = (*state.limits, head)
        return inner

    def _wrapper(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx, start: int = 1) -> None:
        """A command that runs the command its operands give (``start``: where the wrapper's own arguments begin,
        after a subcommand's words: ``ip netns exec NS CMD``)."""
        args = cmd.argv[start:]
        if spec.list("stop_options") and any(w.value in spec.list("stop_options") for w in args[:1]):
            self._emit(cmd.argv, cmd.span, cmd.assignments, cmd.redirects, state, ctx)
            return
        args, marker, rest = _marked(args, spec)
        parsed = parse_args(args, spec.options, stop_at_first_operand=True)
        if parsed.has(*spec.list("stop_options")) or (spec.flag("edit_all") or parsed.has(*spec.list("edit_options"))):
            self._emit(cmd.argv, cmd.span, cmd.assignments, cmd.redirects, state, ctx)
            return
        skip = int(spec.extra.get("skip_operands", 0) or 0) if marker is None else 0
        self._own_writes(cmd, spec, parsed, skip, state, ctx)
        user = next((value_text(v) for v in parsed.values(*spec.list("user_options"))), None)
        inner_ctx = self._wrapped(cmd, spec, ctx, user)
        # what the command it runs reads: the wrapper's own stdin (ssh prod bash -s <<'EOF'), unless an option
        # gives it none (ssh -n)
        fed = None if parsed.has(*spec.list("no_stdin_options")) else self._stdin_of(cmd, ctx)
        inner_state = _in_directory(state, parsed, spec.list("chdir_options"), spec.extra.get("chdir_option_keys"))
        if spec.flag("command_targets") and marker is None:
            inner_state = self._command_signalled(spec, parsed, inner_state, cmd)
        operands = list(parsed.operands) if marker is None else _marked_command(marker, rest, spec, parsed, cmd.span)
        if spec.flag("dash_option") and operands and operands[0].value == "-":
            operands.pop(0)  # ``env - CMD`` (-i), ``sg - GROUP``: an option, not the command
        assignments = list(cmd.assignments)
        if spec.flag("takes_assignments"):
            while operands and _env_assignment_name(operands[0]) is not None:
                word = operands.pop(0)
                name = _env_assignment_name(word)
                assert name is not None
                assignments.append((name, word.without_prefix(len(name) + 1)))
        passed = cmd.redirects  # (opened by the shell, outside a root the command enters: judged there already)
        if spec.flag("root_operand") or spec.list("root_options") or "root_option_keys" in spec.extra:
            entered = self._entered_root(cmd, spec, parsed, operands, inner_state, inner_ctx)
            if entered is not None:
                inner_state, inner_ctx, passed = entered[0], entered[1], ()
        bound = (
            self._bind_paths(cmd, spec, parsed, inner_state, inner_ctx)
            if "bind_pair_option_keys" in spec.extra
            else None
        )
        try:
            for value in parsed.values(*spec.list("split_string_options")):
                self._payload(value, cmd.span, inner_state, inner_ctx, operands, stdin=fed)
                return
            for value in parsed.values(*spec.list("shell_command_options")):
                self._payload(value, cmd.span, inner_state.child(assignments, inner_ctx), inner_ctx, stdin=fed)
                return
            operands = operands[skip:]
            if spec.flag("package_operand") and operands:
                operands[0] = _package_command(operands[0])  # npx kill-port@2: the package's command, kill-port
            if len(operands) > 1 and operands[0].value in spec.list("operand_shell_command"):
                self._payload(operands[1], cmd.span, inner_state.child(assignments, inner_ctx), inner_ctx, stdin=fed)
                return  # flock FILE -c TEXT
            if (spec.flag("joins_as_shell") or (spec.flag("single_word_shell") and len(operands) == 1)) and operands:
                joined = _one_text(operands)  # (xterm -e 'CMD': one word runs through the shell)
                self._payload(joined, cmd.span, inner_state.child(assignments, inner_ctx), inner_ctx, stdin=fed)
                return
            shell = parsed.has(*spec.list("shell_options")) or spec.flag("stdin_shell")
            if shell or (spec.flag("shell_without_command") and not operands):
                inner_child = inner_state.child(assignments, inner_ctx)
                if operands:
                    text = _escaped_join(operands) if spec.flag("escapes_for_shell") else _one_text(operands)
                    self._payload(text, cmd.span, inner_child, inner_ctx, stdin=fed)
                    return
                if self._run_text(fed, cmd, inner_child, inner_ctx):  # sudo -s, ssh prod <<'EOF': a shell reads stdin
                    return
            if spec.flag("appends_stdin"):
                sources = _argument_sources(operands, spec) if spec.list("argument_markers") else None
                if sources is not None and self._run_inputs(*sources, cmd, spec, inner_state, inner_ctx, assignments):
                    return
                listed = self._arg_file_text(cmd, spec, parsed, state)
                read = (
                    _words_read(fed, spec, parsed, cmd.span)
                    if listed is None
                    else _words_read(listed, spec, parsed, cmd.span, spec.list("arg_file_options"))
                )
                fed = self._arguments_read(cmd, spec, parsed, state, ctx)
                if not operands and not spec.flag("runs_through_shell"):
                    operands = [Word(str(spec.extra.get("default_command", "echo")), cmd.span, (Literal("echo"),))]
                replace = [value_text(v) for v in parsed.values(*spec.list("replace_options"))]
                if not replace and parsed.has(*spec.list("replace_options")):
                    replace = [str(spec.extra.get("replace_default", "{}"))]  # xargs -i / --replace: {}
                if replace and replace[0]:
                    operands = [_replace_in_word(w, replace[0], fed) for w in operands]
                else:
                    added = self._printed_paths(cmd, spec, parsed, ctx) or [
                        Word("", cmd.span, (dataclasses.replace(fed, words=True),))  # (any number of words)
                    ]
                    if spec.flag("runs_through_shell") and [w.value for w in operands] == ["{}"]:
                        operands = []  # (parallel {}: each input, not quoted, is the command line)
                    if spec.flag("runs_through_shell") and not (operands and _plain_words(operands)):
                        inputs = read if read is not None else added  # with no command, each is a command line
                        text = _join([*operands, *_quoted_inputs(inputs, cmd.span)] if operands else inputs)
                        self._payload(text, cmd.span, inner_state.child(assignments, inner_ctx), inner_ctx)
                        return  # parallel 'pkill node' < list: the command is shell text
                    operands = [*operands, *(read if read is not None else added)]
            if not operands:
                self._emit(cmd.argv, cmd.span, cmd.assignments, cmd.redirects, state, ctx)
                return
            if state.hashed and spec.flag("hash_lookup"):
                operands[0] = self._hashed(operands[0], state)  # ``command NAME``, ``exec NAME``: the shell finds NAME
            inner = _Command(operands, cmd.span, tuple(assignments), passed, cmd.stdin, cmd.inputs)
            self._dispatch(inner, inner_state, inner_ctx)
        finally:
            if bound is not None:
                self._links, self._mounted = bound

    def _run_inputs(
        self,
        command: list[Word],
        sources: list[list[Word]],
        cmd: _Command,
        spec: CommandSpec,
        state: _State,
        ctx: _Ctx,
        assignments: list[tuple[str, Word]],
    ) -> bool:
        """``parallel CMD ::: A B ::: C``: the command runs once for each input, one from each source (A C, B C),
        given as its last words or where ``{}`` stands; with no command, each input is a command line. It reads no
        stdin then. Where the command's words are more than plain words they are shell text (``parallel 'kill -9
        {}' ::: 4242``). False, for the caller's reading, when a word is not known or a replacement string other
        than ``{}`` is used (``{.}``, ``{1}``), or there are too many runs to look at each."""
        if any(w.value is None or _OTHER_REPLACEMENT.search(w.value) for w in command):
            return False
        runs = list(itertools.islice(itertools.product(*sources), _MAX_INPUT_RUNS + 1))
        replaces = any("{}" in (w.value or "") for w in command)
        if len(runs) > _MAX_INPUT_RUNS or (replaces and any(w.value is None for s in sources for w in s)):
            return False
        child = state.child(assignments, ctx)
        for inputs in runs:
            words = [*command]
            if not words:
                self._payload(_join(list(inputs)), cmd.span, child, ctx)  # parallel ::: 'CMD1' 'CMD2'
            elif replaces:
                from shlex import quote  # (rare: parallel's inputs only)

                # (a replacement string in the command's name: parallel quotes no input, parallel {} ::: 'pkill node')
                raw = re.match(r"[^ \t\n=]*\{\}", " ".join(w.value or "" for w in words)) is not None
                given = " ".join((w.value or "") if raw else quote(w.value or "") for w in inputs)
                text = " ".join((w.value or "").replace("{}", given) for w in words)
                self._payload(text, cmd.span, child, ctx)
            elif _plain_words(words):
                self._dispatch(_Command([*words, *inputs], cmd.span, tuple(assignments), (), cmd.stdin), state, ctx)
            else:
                self._payload(_join([*words, *_quoted_inputs(list(inputs), cmd.span)]), cmd.span, child, ctx)
        return True

    def _arguments_read(
        self, cmd: _Command, spec: CommandSpec, parsed: ParsedArgs, state: _State, ctx: _Ctx
    ) -> Unknown:
        """What stands for the words xargs reads and adds to the command: the lines of the file ``-a FILE`` names
        (``-a <(pgrep node)``: what its commands print), else of its stdin: a file it is redirected from (a
        ``file`` piece naming it), a process substitution or here-string, what the pipeline or a loop feeds it."""
        named = parsed.values(*spec.list("arg_file_options"))
        given = named[-1] if named else None
        if given is not None and not self._names_stdin(value_text(given)):
            word = given if isinstance(given, Word) else literal_word(given, cmd.span)
            path = paths.resolve(word.value, state.cwd) if word.value is not None else None
            found = self._file_contents(word, path)
            return found if isinstance(found, Unknown) else Unknown("file", name=path)
        if isinstance(cmd.stdin, Unknown):
            return cmd.stdin
        if cmd.stdin is None and ctx.stdin_unknown is not None and not ctx.stdin_producers:
            return ctx.stdin_unknown
        return Unknown("stdin", producers=ctx.stdin_producers)

    def _printed_paths(self, cmd: _Command, spec: CommandSpec, parsed: ParsedArgs, ctx: _Ctx) -> list[Word] | None:
        """``find . -type f -print0 | xargs -0 sed -i CMD``: the items xargs adds are the paths find printed, each
        its start or an entry under it, as ``{}`` of ``find . -type f -exec sed -i CMD {} +`` (the words before
        the one ``-print0``; knowledge ``null_print_action``). Only NUL-separated items of a find alone on the pipe,
        its expression known, no other action printing (``stdout_actions``), no redirection (its errors): split
        anywhere else, a path's name may be cut into words that name anything (``./a /opt/x`` is the directory
        ``a `` holding opt). None otherwise."""
        find = self.knowledge.specs.get("find")
        if find is None or cmd.stdin is not None or len(ctx.stdin_producers) != 1 or ctx.stdin_errors:
            return None
        if not parsed.has(*spec.list("null_options")):
            return None
        if parsed.has(*spec.list("arg_file_options"), *spec.list("delimiter_options")):
            return None  # (xargs -0 -d ' ': the last delimiter given splits, here at blanks)
        producer = self.invocations[ctx.stdin_producers[0]]
        values = [w.value for w in producer.args]
        action = find.extra.get("null_print_action")
        if producer.name != "find" or producer.redirects or None in values or values.count(action) != 1:
            return None
        if any(v in find.list("stdout_actions") or v in find.list("write_options") for v in values):
            return None  # (-fprint0 /dev/stdout prints there too)
        starts, at = find_start_points(find, producer.args)
        tests = producer.args[at : values.index(action)]
        entry = _found_entry(find, producer.args, tests)
        return _found_paths(starts or [literal_word(".", cmd.span)], tests, find, cmd.span, entry)

    def _arg_file_text(self, cmd: _Command, spec: CommandSpec, parsed: ParsedArgs, state: _State) -> str | None:
        """The text of the file ``xargs -a FILE`` reads its words from, when the line makes it known (``-a <(printf
        '%s\\n' -k 3000/tcp)``, a file the line wrote); None otherwise."""
        named = parsed.values(*spec.list("arg_file_options"))
        given = named[-1] if named else None
        if given is None or self._names_stdin(value_text(given)):
            return None
        word = given if isinstance(given, Word) else literal_word(given, cmd.span)
        fd = paths.descriptor_named(word.value) if word.value is not None else None
        if fd is not None:
            found = _descriptor_text(cmd, fd)  # (xargs -a /dev/fd/3 fuser 3<<<'-k 3000/tcp')
            return found if isinstance(found, str) else None
        path = paths.resolve(word.value, state.cwd) if word.value is not None else None
        found = self._file_contents(word, path)
        return found if isinstance(found, str) else None

    def _names_stdin(self, name: str | None) -> bool:
        """``-`` and the names of stdin (/dev/stdin ...), as an option that names a file to read takes them."""
        return name == "-" or name in self.knowledge.stdin_files

    def _entered_root(
        self, cmd: _Command, spec: CommandSpec, parsed: ParsedArgs, operands: list[Word], state: _State, ctx: _Ctx
    ) -> tuple[_State, _Ctx] | None:
        """``chroot NEWROOT CMD``, ``sudo -R DIR CMD``, ``unshare -R DIR CMD``: the command sees NEWROOT as /, so its
        absolute paths lie under it (``chroot /opt rm -rf /tenmon-ark-live/dist`` removes /opt/tenmon-ark-live/dist);
        a root not known makes every path it names not known. chroot starts in its new root (unless told not to), the
        others keep the cwd's name. ``root_option_keys``: a root in an option's value (``systemd-run -p
        RootDirectory=DIR``). ``unknown_root_options``, ``unknown_root_option_keys``: the command sees a mount table not
        known (``nsenter -t PID -m``: the target's; ``systemd-run -p RootImage=IMG``), unless a root is given. None when
        the command enters no root."""
        given: list[Word | str | None] = list(parsed.values(*spec.list("root_options")))
        given.extend(keyed_values(parsed, spec.extra.get("root_option_keys"), cmd.span))
        if not given and parsed.has(*spec.list("root_options")):
            given = [None]  # nsenter -r: the target process's root
        if not given and (
            parsed.has(*spec.list("unknown_root_options"))
            or keyed_values(parsed, spec.extra.get("unknown_root_option_keys"), cmd.span)
            or _keyed_not_known(parsed, spec)
        ):
            given = [None]
        if spec.flag("root_operand") and operands:
            given.append(operands[0])
        if not given:
            return None
        text = value_text(given[-1])
        new = paths.resolve(text, state.cwd) if text is not None else None
        root = paths.normalise(ctx.root + "/" + new) if new is not None and ctx.root is not None else None
        if ctx.redirects:
            self._emit([], cmd.span, (), (), state, ctx)  # what the shell opened around it: outside the new root
        inner = state.copy()
        if spec.flag("root_chdir") and not parsed.has(*spec.list("no_chdir_options")):
            inner.cwd = "/"
        return inner, dataclasses.replace(ctx, root=root, redirects=())

    def _shell(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        plus, loose = _shell_option_words(cmd.argv[1:], spec.options.with_value)
        kept = [w for i, w in enumerate(cmd.argv[1:]) if i not in plus and i not in loose]
        parsed = parse_args(kept, spec.options, stop_at_first_operand=True)
        if parsed.has(*spec.list("no_run_options")) and not plus and all(w.value is not None for w in cmd.argv[1:]):
            # ``bash -n``: a syntax check (unless ``+n``/``+o noexec``, or a word not known, turns it off again)
            self._emit(cmd.argv, cmd.span, cmd.assignments, cmd.redirects, state, ctx)
            return
        child = state.child(cmd.assignments, ctx)
        if _basename(cmd.argv[0].value) in DECODING_ECHO_SHELLS:
            child.shopts = child.shopts | {DECODING_ECHO}
        inner = self._wrapped(cmd, spec, ctx)
        if any(name.startswith(_IMPORTED_FUNCTION) for name in child.env):
            self._imported_functions(cmd, child, inner)
        if parsed.has("-s", *spec.list("command_options")):
            self._unsure_options(cmd, plus | loose, parsed.unknown_options, child, inner)
        self._startup_files(cmd, spec, child, inner)
        for given in parsed.values(*spec.list("startup_file_options")):  # ``bash --rcfile <(echo pkill node)``
            if isinstance(given, Word):
                self._run_text(self._file_text(given, cmd, state, ctx), cmd, child.copy(), inner)
        if parsed.has(*spec.list("command_options")):
            if parsed.operands:
                _set_arguments(child, parsed.operands[1:])
                zsh_text = _zsh_reading_of(cmd.argv[0], parsed.operands[0].value)
                if zsh_text is not None:  # (zsh's reading judged besides bash's, as the zsh hook judges a line)
                    self._payload(zsh_text, cmd.span, child.copy(), inner, stdin=self._stdin_of(cmd, ctx))
                if zsh_text is None or not self._bash_fails(parsed.operands[0].value):
                    self._payload(parsed.operands[0], cmd.span, child, inner, stdin=self._stdin_of(cmd, ctx))
            else:
                self._emit(cmd.argv, cmd.span, cmd.assignments, cmd.redirects, state, ctx)
            return
        operands = list(parsed.operands)
        if operands and operands[0].value == "-":  # a lone - ends the options, as -- does
            operands = operands[1:]
        if parsed.has("-s") or not operands:
            _set_arguments(child, [cmd.argv[0], *operands])  # ``bash -s ARG...``: $0 is the shell, ARGs are $1...
            script = self._stdin_of(cmd, ctx)
        else:
            _set_arguments(child, operands)  # ``bash FILE ARG...``: $0 is FILE
            script = self._file_text(operands[0], cmd, state, ctx)
        zsh_text = _zsh_reading_of(cmd.argv[0], script)
        if zsh_text is not None:  # (``zsh FILE``, ``zsh -s``: the text read as zsh reads it too)
            self._payload(zsh_text, cmd.span, child.copy(), inner)
            if self._bash_fails(script):
                return
        if not self._run_text(script, cmd, child, inner):
            self._emit(cmd.argv, cmd.span, cmd.assignments, cmd.redirects, state, ctx)  # a script file, a terminal
            if operands and operands[0].value is not None and not parsed.has("-s"):
                # the script, whose text is not known, is a program of unknown use given the words after it: a
                # protected path among them is a doubt (``bash cleanup.sh LIVE/dist``), as for ``./cleanup.sh``
                self._emit(operands, cmd.span, (), (), state, ctx)

    def _bash_fails(self, text: str | Unknown | None) -> bool:
        """Whether bash's reading of text zsh runs leaves part of it unread (``zsh -c 'for f (*.log) gzip $f'``):
        that text is zsh's own syntax, no text bash would run; zsh's reading, judged, stands alone (it is refused
        in turn where it does not read)."""
        return isinstance(text, str) and bool(self._parse_nested(text).unread)

    def _unset_functions(self, args: list[str | None], state: _State) -> None:
        """``unset -f NAME``, and ``unset NAME`` where no variable NAME is known to be set, remove the function:
        NAME then runs what PATH finds (``pkill() { :; }; unset -f pkill; pkill node`` runs pkill). A name not
        known statically may be any function's: all are forgotten. A forgotten function's calls are judged as the
        commands they name; its body was judged where it was defined."""
        flags, names = _unset_operands(args)
        if "v" in flags or "n" in flags:
            return
        forget = set()
        for name in names:
            if name is None:
                forget = set(state.functions)
                break
            if "f" in flags or state.target(name) not in state.env:  # (bash unsets a set variable, not the function)
                forget.add(name)
        if forget & state.functions.keys():
            state.functions = {k: v for k, v in state.functions.items() if k not in forget}

    def _imported_functions(self, cmd: _Command, child: _State, ctx: _Ctx) -> None:
        """bash defines a function NAME from each ``BASH_FUNC_NAME%%`` variable of its environment whose value starts
        with ``() {`` (``env 'BASH_FUNC_ls%%=() { rm -rf /opt/x; }' bash -c ls`` runs rm): each is read as that
        definition in the new shell, so its body is judged and a call of NAME there runs it. A value not known may
        define anything."""
        for name, value in list(child.env.items()):
            if not (name.startswith(_IMPORTED_FUNCTION) and name.endswith("%%")):
                continue
            function = name[len(_IMPORTED_FUNCTION) : -2]
            if isinstance(value, str):
                if value.startswith("() {") and function:
                    self._read_or_not_known(f"{function} {value}", cmd.span, child, ctx)
            else:
                self._not_known(cmd.span, child, ctx)

    def _unsure_options(
        self, cmd: _Command, taken: set[int], unknown: tuple[Word, ...], child: _State, inner: _Ctx
    ) -> None:
        """A shell that runs text it was given (``-c TEXT``, ``-s``) with words not known among its options
        (``bash $OPTS -c TEXT``, ``-$X``, ``+$X``): they were read as options, but each may hold any, ``-c`` and
        another text too. What it expands to is an unknown command."""
        words = [cmd.argv[1 + i] for i in sorted(taken) if cmd.argv[1 + i].value is None] + list(unknown)
        for word in words:
            self._emit([word.without_prefix(len(word.literal_prefix))], cmd.span, (), (), child, inner)

    def _su(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        """``su [options] [-] [USER [ARGS...]]``: options anywhere (getopt permutes them), ARGS go to USER's shell
        (``su root -- -c TEXT``). ``runuser -u USER COMMAND...`` runs COMMAND itself, as a wrapper does."""
        parsed = parse_args(cmd.argv[1:], spec.options)
        if parsed.has(*spec.list("user_options")):
            self._wrapper(cmd, spec, state, ctx)
            return
        operands = list(parsed.operands)
        if operands and operands[0].value == "-":
            operands.pop(0)
        user = operands[0].value if operands else "root"
        inner = self._wrapped(cmd, spec, ctx, user)
        for value in parsed.values(*spec.list("command_options")):
            self._payload(value, cmd.span, state.child(cmd.assignments, inner), inner, stdin=self._stdin_of(cmd, ctx))
            return
        if len(operands) > 1:
            argv = [literal_word("sh", cmd.span), *operands[1:]]
            shell = _Command(argv, cmd.span, cmd.assignments, cmd.redirects, cmd.stdin, cmd.inputs)
            self._shell(shell, self.knowledge.specs["sh"], state, inner)
            return
        if not self._run_text(self._stdin_of(cmd, ctx), cmd, state.child(cmd.assignments, inner), inner):
            self._emit(cmd.argv, cmd.span, cmd.assignments, cmd.redirects, state, ctx)

    def _stdin_runner(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        """``at now <<< 'cmd'``, ``echo cmd | batch``: the text on stdin (or in the file an option or the first
        operand names) runs later, through sh; ``crontab`` installs it as a cron table (``reads``)."""
        self._emit_command(cmd, state, ctx)
        parsed = parse_args(cmd.argv[1:], spec.options)
        if parsed.has(*spec.list("stop_options")):
            return
        text = self._runner_text(cmd, spec, parsed, state, ctx)
        reads = str(spec.extra.get("reads", "shell"))
        if reads == "shell":
            self._run_text(text, cmd, state.child(cmd.assignments, ctx), self._wrapped(cmd, spec, ctx))
        elif reads == "batch":
            operands = parsed.operands if spec.flag("host_operand") else []
            host = operands[0].value if operands else None
            inner = self._wrapped(cmd, spec, ctx)
            if spec.flag("gets_named_file") and self._get_named_file(operands, spec, cmd, state, inner):
                return
            self._batch(text, spec, remote_directory(host), cmd, state, inner)
        elif parsed.has(*spec.list("image_options")):
            return  # (systemd-tmpfiles --image=IMG: the paths are the image's, not this machine's)
        else:
            roots = [value_text(v) for v in parsed.values(*spec.list("root_options"))]
            root = (roots[-1] or _PART_NOT_KNOWN) if roots else None
            self._installed(text, reads, spec, cmd.span, _later(ctx, spec.name, cmd.span), root=root)

    def _get_named_file(
        self, operands: Sequence[Word], spec: CommandSpec, cmd: _Command, state: _State, ctx: _Ctx
    ) -> bool:
        """``sftp HOST:PATH [LOCAL]``: with LOCAL, sftp runs ``get PATH LOCAL`` and nothing else (True: no batch is
        read); without, ``get PATH`` into the current directory when PATH is no directory on the host, else its
        batch in PATH (both judged; a trailing slash says a directory). The text is sftp's own, unquoted."""
        target = operands[0].value if operands else None
        path = remote_path_named(target)
        if target is None or path is None:
            return False
        local = operands[1].value if len(operands) > 1 else ""
        remote = remote_directory(target)
        if local is None or remote is None or any(c in remote + local for c in "$`"):
            if len(operands) > 1:
                self._not_known(cmd.span, state, ctx)  # (a get into a place not known: it may write anything)
            return len(operands) > 1
        if len(operands) > 1 or not path.endswith("/"):
            self._batch(f"get {remote} {local}".rstrip(), spec, UNKNOWN_HOME, cmd, state, ctx)
        return len(operands) > 1

    def _batch(
        self, text: str | Unknown | None, spec: CommandSpec, remote: str | None, cmd: _Command, state: _State, ctx: _Ctx
    ) -> None:
        """A file-transfer batch (``sftp HOST:DIR <<< 'rm dist/index.js'``): each of its commands judged as the shell
        command that does the same, its remote names in the remote directory (``rm DIR/dist/index.js``), its local
        ones here; ``!CMD`` in the local shell. A batch not known (a file, the terminal, text not known) may do
        anything in the remote directory: an unknown command there, which counts where that directory is protected;
        and here, where its ``get`` writes and its ``!CMD`` runs: an unknown command (a batch read from the terminal
        is the person typing, judged as they type nothing here)."""
        if not isinstance(text, str):
            if remote is not None:
                self._emit(
                    [Word("", cmd.span, (_NOT_KNOWN,)), literal_word(remote, cmd.span)], cmd.span, (), (), state, ctx
                )
            if text is not None:
                said = f"the batch of `{spec.name}` (the commands it reads)"
                self._emit([Word(said, cmd.span, (_NOT_KNOWN,))], cmd.span, (), (), state, ctx)
            return
        here: dict[str, str | None] = {REMOTE: remote, LOCAL: state.cwd}
        for step in batch_steps(text, spec):
            if step.shell is not None:
                self._payload(step.shell, cmd.span, state.child((), ctx), ctx)
                continue
            words = self._batch_words(step.arguments, cmd.span, state, ctx)
            if words is None:
                self._not_known(cmd.span, state, ctx)
                continue
            sided = placed(step.how, words, _word_value, literal_word(".", cmd.span))
            resolved = [_side_word(side, word, here) for side, word in sided]
            if step.how[0] == "cd":
                side = step.how[1] if len(step.how) > 1 else REMOTE
                target = resolved[0].value if resolved else (UNKNOWN_HOME if side == REMOTE else None)
                here[side] = paths.normalise(target) if target is not None else None
            else:
                argv = [literal_word(step.how[0], cmd.span), *resolved]
                self._dispatch(_Command(argv, cmd.span, (), (), None), state.child((), ctx), ctx)

    def _batch_words(self, arguments: str, span: Span, state: _State, ctx: _Ctx) -> list[Word] | None:
        """A batch command's words. In a heredoc that is not quoted the shell expands ``$NAME`` and ``$(...)``
        before the batch is read (``sftp prod <<EOF`` / ``rm $F``): such words are expanded as the shell would,
        with what the line knows; other words are as written (a glob still matches)."""
        if "$" not in arguments and "`" not in arguments:
            found = batch_words(arguments)
            return None if found is None else [Word(w, span, (Literal(w),)) for w in found]
        text = ": " + arguments
        parsed = self._parse_nested(text)
        node = parsed.nodes[0] if len(parsed.nodes) == 1 and not parsed.unread else None
        if not isinstance(node, SimpleCommand) or node.redirects or node.assignments:
            return None
        inner = dataclasses.replace(ctx, span=ctx.span or span, depth=ctx.depth + 1)
        return [w for syntax in node.words[1:] for w in self._words(text, syntax, state, inner)]

    def _runner_text(
        self, cmd: _Command, spec: CommandSpec, parsed: ParsedArgs, state: _State, ctx: _Ctx
    ) -> str | Unknown | None:
        """The text a stdin runner reads: the file one of ``file_options`` (or, with ``file_operand``, the first
        operand) names, when the line makes it known; its stdin when none is named, or ``-``."""
        named: list[Word | str] = list(parsed.values(*spec.list("file_options")))
        if not named and spec.flag("file_operand") and parsed.operands:
            named = [parsed.operands[0]]
        if not named:
            return self._stdin_of(cmd, ctx)
        word = named[-1] if isinstance(named[-1], Word) else literal_word(named[-1], cmd.span)
        if word.value == "-":
            return self._stdin_of(cmd, ctx)
        return self._file_text(word, cmd, state, ctx)

    def _installed(
        self,
        text: str | Unknown | None,
        kind: str,
        owner: CommandSpec,
        span: Span,
        ctx: _Ctx,
        path: str | None = None,
        root: str | None = None,
    ) -> None:
        """What cron will run from a table or a script the line installs (``crontab <<< TABLE``, ``echo TEXT | sudo
        tee /etc/cron.hourly/x``): each job's command, as shell text run by a new shell in a home directory the
        guard does not know. Text not known is an unknown command; a file's text is not judged (as a script file
        a shell runs is not)."""
        if text is None or _a_file(text):
            return
        state = _State(None)
        if isinstance(text, Unknown):
            kept = self._kept_table(text, owner)
            if kept is None:
                printed = self._printed_word(text)
                data = (_installed_format(owner, kind) or {}).get("known_only")
                if (printed is None or not self._installed_in_part(printed, kind, span, ctx, owner)) and not data:
                    self._not_known(span, state, ctx, text)  # (known_only: a config's text not known is data)
                return
            text = "\n".join(kept)
        if kind == SCRIPT:
            self._script_text(text, span, state, ctx)
            return
        if kind == LOGROTATE_CONFIG:
            for script in logrotate_scripts(text):
                self._read_or_not_known(script, span, state.copy(), ctx)
            for directory in logrotate_olddirs(text):  # (olddir DIR: rotated logs moved in, by names not known)
                named = Word(directory + "/", span, (Literal(directory + "/"), Unknown("option")))
                self._dispatch(_Command([literal_word("touch", span), named], span, (), (), None), state.copy(), ctx)
            for pattern in logrotate_paths(text):  # (rotated: renamed away, truncated or removed, as rm -f PATTERN)
                named = Word(pattern, span, (Literal(pattern),)) if pattern else Word("", span, (Unknown("option"),))
                argv = [literal_word("rm", span), literal_word("-f", span), named]
                self._dispatch(_Command(argv, span, (), (), None), state.copy(), ctx)
            return
        if kind == TMPFILES_CONFIG:  # (R /opt/x: judged as the removal it may be, rm -rf /opt/x)
            for path in tmpfiles_paths(text):  # (under --root=DIR: DIR/PATH)
                if root is not None and path is not None:
                    path = None if _PART_NOT_KNOWN in root else posixpath.join(root, path.lstrip("/"))
                named = literal_word(path, span) if path is not None else Word("", span, (Unknown("option"),))
                argv = [literal_word("rm", span), literal_word("-rf", span), named]
                self._dispatch(_Command(argv, span, (), (), None), state.copy(), ctx)
            return
        if kind == APT_CONFIG:  # (its hooks run at the next apt run, apt-daily's too: as apt-get -o SETTING)
            argv = [literal_word("apt-get", span)]
            for setting in apt_settings(text):
                argv += [literal_word("-o", span), literal_word(setting, span)]
            self._dispatch(_Command(argv, span, (), (), None), state.copy(), ctx)
            return
        if kind == UDEV_RULES:  # (run at the next device event: udevadm trigger, a disk plugged in)
            for command in udev_commands(text):
                self._read_or_not_known(command, span, state.copy(), ctx)
            return
        if kind == SYSTEMD_UNIT:
            for command in unit_commands(text):
                self._read_or_not_known(command, span, state.copy(), ctx)
            self._unit_settings(text, path, span, state, ctx)
            return
        form = _installed_format(owner, kind)
        if form is not None:
            self._installed_form(text, form, span, state, ctx)
            return
        for job in cron_jobs(text, user_field=kind == SYSTEM_CRON_TABLE):
            if job.shell is not None and _basename(job.shell) not in self.knowledge.shells:
                self._not_known(span, state, ctx)  # SHELL=/usr/bin/perl: the commands are not shell text
                continue
            self._read_or_not_known(job.command, span, state.copy(), ctx, job.stdin)

    def _installed_form(self, text: str, form: dict[str, Any], span: Span, state: _State, ctx: _Ctx) -> None:
        """A file read later in a form the knowledge base describes (``installed_formats`` of the entry listing
        it): ``lines`` the lines that run a command (anacrontab, modprobe.d's install), each read as shell text;
        ``code`` a program whose code the file is (needrestart's conf.d: perl), judged as given it with its code
        option; ``defaults`` settings given to every unit (systemd's system.conf: DefaultLimitCPU= is each
        unit's LimitCPU=, as unit ``unit``); ``script`` a script (a completion script); ``settings`` a config
        whose settings are a program's option values
        (git's gitconfig as -c, a vimrc as -c; ``before``: words once before them, npm config set); ``not_read``
        what runs is not text (ld.so.preload's libraries, loaded into every program): an unknown command."""
        if "lines" in form:
            for command in line_commands(text, str(form["lines"])):
                self._read_or_not_known(command, span, state.copy(), ctx)
        elif "code" in form:
            program = str(form["code"])
            option = self.knowledge.inline_code[program].code_options[0]
            argv = [literal_word(program, span), literal_word(option, span), literal_word(text, span)]
            self._dispatch(_Command(argv, span, (), (), None), state.copy(), ctx)
        elif "defaults" in form:
            self._unit_settings(manager_defaults(text, str(form["defaults"])), None, span, state, ctx, form.get("unit"))
        elif form.get("script"):
            self._script_text(text, span, state, ctx)
        elif "settings" in form:
            given = form["settings"]
            argv = [literal_word(str(w), span) for w in (given["program"], *(given.get("before") or ()))]
            first = len(argv)
            named = [literal_word(str(given["option"]), span)] if given.get("option") else []
            for setting in config_settings(text, str(given["format"])):
                if given["format"] == "options":  # (curlrc: output = FILE is --output FILE)
                    argv += [literal_word(w, span) for w in _config_line_options(setting)]
                else:
                    argv += [*named, literal_word(setting, span)]
            if len(argv) > first:
                self._dispatch(_Command(argv, span, (), (), None), state.copy(), ctx)
        elif form.get("not_read") and any(ln.strip() and not ln.lstrip().startswith("#") for ln in text.splitlines()):
            self._not_known(span, state, ctx)

    def _unit_settings(
        self, text: str, path: str | None, span: Span, state: _State, ctx: _Ctx, unit: str | None = None
    ) -> None:
        """A unit file or drop-in the line writes (``KillSignal=SIGKILL`` into .../NAME.service.d/k.conf)
        gives the unit its settings at the next daemon-reload: judged as ``systemctl set-property NAME KEY=VALUE``
        is (SIGKILL as the stop signal, a memory limit the kernel OOM-kills at). A drop-in for more than one unit,
        or a path not known, names a unit not known (``unit``: the one the caller knows it is for). Its
        ``Environment=`` (and an ``EnvironmentFile=`` the line wrote) reach the unit's processes at their next start:
        judged as ``systemctl set-environment`` is (NODE_OPTIONS loading a module the line wrote)."""
        settings = unit_settings(text)
        if not settings:
            return
        unit = unit if unit is not None else unit_of(path) if path is not None else None
        named = literal_word(unit, span) if unit is not None else Word("", span, (Unknown("option"),))
        argv = [literal_word("systemctl", span), literal_word("set-property", span), literal_word("--", span), named]
        argv += [literal_word(setting, span) for setting in settings]
        self._dispatch(_Command(argv, span, (), (), None), state.copy(), ctx)
        assigned, files = unit_environment(settings)
        for name in files:
            written = self._written.get(paths.resolve(name, "/") or "")
            assigned += environment_file(written) if isinstance(written, str) else []
        if assigned and not self.knowledge.environment_preloads.isdisjoint(n for n, _ in assigned):
            words = tuple((n, literal_word(v, span)) for n, v in assigned)
            self._environment_preloads(_Command([literal_word("systemd", span)], span, words, (), None), state, ctx)

    def _installed_in_part(
        self, printed: Word, kind: str, span: Span, ctx: _Ctx, owner: CommandSpec | None = None
    ) -> bool:
        """A table or script known in part installed for cron (``echo "0 0 * * * root sleep $S && certbot renew"
        | sudo tee -a /etc/crontab``): each job read as shell text known in part, its unknown pieces standing in
        as variables. False (not known) when an unknown piece is anywhere but in a job's command: in a time field,
        the user, a setting or a comment it may make a job of its own."""
        text, stand_ins, glued = _stand_in_text(printed)
        if glued:
            return False
        if kind == SCRIPT:
            program = program_name(text)
            if program is not None and program not in self.knowledge.shells:
                return False
            self._payload(printed, span, _State(None), ctx)
            return True
        if kind == LOGROTATE_CONFIG:
            return self._logrotate_in_part(printed, text, stand_ins, span, ctx)
        if kind == APT_CONFIG:
            return self._apt_in_part(printed, text, stand_ins, span, ctx)
        form = _installed_format(owner, kind) if owner is not None else None
        if form is not None and ("lines" in form or "settings" in form):
            self._form_in_part(text, form, stand_ins, span, ctx)
            return True
        if kind not in (CRON_TABLE, SYSTEM_CRON_TABLE):
            return False  # (a udev rule, a unit known in part: not read)
        jobs = cron_jobs(text, user_field=kind == SYSTEM_CRON_TABLE)
        run = "".join(job.command for job in jobs)  # (not in a job's stdin: text after % that a shell may run)
        if any(text.count(name) != run.count(name) for name in stand_ins):
            return False
        for job in jobs:
            if job.shell is not None and _basename(job.shell) not in self.knowledge.shells:
                self._not_known(span, _State(None), ctx)
                continue
            state = _State(None)
            state.env.update(stand_ins)
            self._read_or_not_known(job.command, span, state, ctx, job.stdin)
            self._spliced([p for n, p in stand_ins.items() if n in job.command], printed, span, _State(None), ctx)
        return True

    def _form_in_part(
        self, text: str, form: dict[str, Any], stand_ins: dict[str, Unknown], span: Span, ctx: _Ctx
    ) -> None:
        """A file of a described form known in part (``echo "options zfs zfs_arc_max=$ARC" > /etc/modprobe.d/zfs.conf``,
        ``echo "//registry.npmjs.org/:_authToken=$T" > /root/.npmrc``): the commands of a ``lines`` form read
        with the unknown pieces standing in as variables (a piece in a line that runs nothing is data there), and
        the settings of a ``settings`` form given to the program as words holding them (``script-shell=$X``: a
        program not known)."""
        state = _State(None)
        state.env.update(stand_ins)
        if "lines" in form:
            for command in line_commands(text, str(form["lines"])):
                self._read_or_not_known(command, span, state.copy(), ctx)
            return
        given = form["settings"]
        words = [str(given["program"]), *(str(w) for w in given.get("before") or ())]
        option = [str(given["option"])] if given.get("option") else []
        for setting in config_settings(text, str(given["format"])):
            if given["format"] == "options":  # (curlrc: each line an option and its value)
                words += [_with_stand_ins(w) for w in _config_line_options(setting)]
            else:
                words += [*option, _with_stand_ins(setting)]
        self._payload(" ".join(words), span, state, ctx)

    def _apt_in_part(self, printed: Word, text: str, stand_ins: dict[str, Unknown], span: Span, ctx: _Ctx) -> bool:
        """An apt config known in part (``echo "Acquire::http::Proxy \"$PROXY\";" | sudo tee
        /etc/apt/apt.conf.d/95proxy``): its settings with the unknown pieces standing in as variables, a piece in
        a hook's command spliced into the text sh runs. False (not known) when a piece is outside a value, where it
        may be a key or a setting of its own."""
        settings = apt_settings(text)
        values = "".join(s.partition("=")[2] for s in settings)
        if any(text.count(name) != values.count(name) for name in stand_ins):
            return False
        state = _State(None)
        state.env.update(stand_ins)
        argv = [literal_word("apt-get", span)]
        for setting in settings:
            argv += [literal_word("-o", span), literal_word(setting, span)]
        self._dispatch(_Command(argv, span, (), (), None), state, ctx)
        entry = self.knowledge.inline_code["apt-get"]
        hooks = "".join(w.text for w in shell_texts(argv[1:], [], entry, span))
        self._spliced([p for n, p in stand_ins.items() if n in hooks], printed, span, _State(None), ctx)
        return True

    def _logrotate_in_part(
        self, printed: Word, text: str, stand_ins: dict[str, Unknown], span: Span, ctx: _Ctx
    ) -> bool:
        """A logrotate config known in part (``$LOGS/*.log {`` in a heredoc): its scripts read with the unknown
        pieces standing in as variables. False (not known) when a piece outside them ends its line, where it may
        hold a line of its own (a script's keyword)."""
        scripts = logrotate_scripts(text)
        inside = "".join(scripts)
        for name in stand_ins:
            outside = text.count(name) - inside.count(name)
            trailing = len(re.findall(re.escape("${" + name + "}") + r"[ \t]*(?:\n|$)", text))
            if outside and trailing:
                return False
        for script in scripts:
            state = _State(None)
            state.env.update(stand_ins)
            self._read_or_not_known(script, span, state, ctx)
            self._spliced([p for n, p in stand_ins.items() if n in script], printed, span, _State(None), ctx)
        return True

    def _read_or_not_known(self, text: str, span: Span, state: _State, ctx: _Ctx, stdin: str | None = None) -> None:
        """Text run later or elsewhere that may not be shell text at all: a cron job cut at its first ``%``, keys
        typed into a pane that runs psql or node. What the parsers read is judged; text they do not read is an
        unknown command (a warning), not unread text refused: a shell given it would stop at the syntax error, and
        a program that is not a shell is not known."""
        if not self._all_read(lambda: self._payload(text, span, state, ctx, stdin=stdin), text):
            self._emit([Word(text, span, (_NOT_KNOWN,))], span, (), (), state, ctx)  # (named by its text)

    def _all_read(self, reading: Callable[[], None], text: str) -> bool:
        """Run ``reading`` (a nested text that may not be shell text) and say whether the parsers read all of it;
        what they did not read is not recorded as unread (the caller reports it as it must), and a text they did not
        read whole has no comments (it may not be shell text at all). A text known in part (``text``, holding
        stand-ins) is not read either when a command got a stand-in for an unknown piece as literal text (see
        :func:`_stand_in_text`): the piece was in quotes the scan did not see, and what the command was given is not
        known. (Only such a text is looked at for them: this runs for every nested text read.)"""
        unread, comments, first = len(self.unread), len(self._comments), len(self.invocations)
        try:
            reading()
        finally:
            complete = len(self.unread) == unread and not (
                _STAND_IN in text and _stand_in_kept(self.invocations[first:])
            )
            del self.unread[unread:]
            if not complete:
                del self._comments[comments:]
        return complete

    def _script_text(self, text: str, span: Span, state: _State, ctx: _Ctx) -> None:
        """A script file's text: shell text, unless its ``#!`` line names another interpreter (not read: unknown)."""
        program = program_name(text)
        if program is not None and program not in self.knowledge.shells:
            self._not_known(span, state, ctx)
            return
        self._payload(text, span, state, ctx)

    def _kept_table(self, fed: Unknown, owner: CommandSpec) -> list[str] | None:
        """The new text among what commands feed a table, when the rest only keeps the table installed or a file's
        lines: ``(crontab -l; echo LINE) | crontab -`` adds LINE, ``crontab -l | grep -v x | crontab -`` nothing.
        None when a command prints something not known (``curl URL | crontab -``), or when no command prints it
        (``crontab <<< "$TABLE"``: what feeds the table is more than the substitutions in it)."""
        kept: list[str] = []
        filters = owner.list("table_filters")
        commands = [i for i in fed.producers if not self.invocations[i].in_substitution]
        if not commands:
            return None
        for index in commands:
            inv = self.invocations[index]
            if not inv.argv or inv.name in filters:
                continue
            if inv.name == owner.name and parse_args(inv.args, owner.options).has(*owner.list("listing_options")):
                continue
            printed = self._output_of(index)
            if printed is None:
                return None
            kept.append(printed)
        return kept

    def _installed_writes(self, inv: Invocation, ctx: _Ctx) -> None:
        """Output redirected into a file cron runs (``echo '* * * * * root pkill node' >> /etc/crontab``): what the
        line wrote there is judged as what cron will run."""
        files = installed_files(self.knowledge)
        for red in inv.redirects:
            found = installed_kind(red.path, files) if red.path is not None and red.op in _OUTPUT_OPS else None
            if found is not None:
                kind, owner = found
                written = self._written.get(red.path or "")
                self._installed(written, kind, owner, inv.span, _later(ctx, "cron", inv.span), red.path)
            if red.op in _OUTPUT_OPS:
                self._cgroup_kill(red.path, inv.span, ctx)

    def _cgroup_kill(self, path: str | None, span: Span, ctx: _Ctx) -> None:
        """``echo $(pidof node) > /sys/fs/cgroup/x/cgroup.procs; echo 1 > /sys/fs/cgroup/x/cgroup.kill``: a write
        that makes the kernel kill a cgroup's processes (knowledge ``cgroup_files``: cgroup.kill, a memory limit)
        kills those the line moved into it (cgroup.procs, tasks): judged as ``kill -KILL PIDS`` with what the line
        wrote there (the API's PIDs block as kill -9 of them does; a cgroup the line moved nothing into is judged
        by its path alone)."""
        if path is None or posixpath.basename(path) not in self.knowledge.cgroup_kills:
            return
        folder = posixpath.dirname(path)
        for name in self.knowledge.cgroup_members:
            moved = self._written.get(posixpath.join(folder, name))
            if moved is None:
                continue
            pids = (
                [literal_word(p, span) for p in moved.split()] if isinstance(moved, str) else [Word("", span, (moved,))]
            )
            argv = [literal_word("kill", span), literal_word("-KILL", span), *pids]
            self._dispatch(_Command(argv, span, (), (), None), _State(None), ctx)

    def _cgroup_tool(self, inv: Invocation, ctx: _Ctx) -> None:
        """libcgroup's tools (knowledge ``cgroup_files``): ``cgclassify -g memory:x $(pidof node)`` moves the PIDs
        into cgroup x, remembered as written into its cgroup.procs (for a kill there later on the line, see
        :meth:`_cgroup_kill`); ``cgset -r memory.max=1 x`` writes x/memory.max, judged as ``tee`` of that file (the
        API's own cgroup blocks by its path; a cgroup the line moved its PIDs into, as kill -KILL of them)."""
        tools = self.knowledge.cgroup_tools
        root = str(tools.get("root") or "/sys/fs/cgroup")
        classify = (tools.get("classify") or {}).get(inv.name)
        option = str(classify or (tools.get("set") or {}).get(inv.name))
        values: list[str | None] = []
        operands: list[Word] = []
        words = list(inv.args)
        for i, word in enumerate(words):
            text = word.value
            if i and words[i - 1].value == option:
                continue  # (the option's value, taken below)
            if text == option:
                values.append(words[i + 1].value if i + 1 < len(words) else None)
            elif text is not None and text.startswith(option):
                values.append(text[len(option) :])
            elif text is None or not text.startswith("-"):
                operands.append(word)
        if classify:
            moved = next((u for w in operands for u in w.unknowns), None)
            pids = moved if moved is not None else " ".join(w.value or "" for w in operands)
            for value in values:
                cgroup = value.partition(":")[2] if value is not None else ""
                if cgroup:
                    self._put_written(posixpath.join(root, cgroup.lstrip("/"), "cgroup.procs"), pids)
            return
        for value in values:
            name = value.partition("=")[0] if value is not None else ""
            for path in (w.value for w in operands if w.value is not None) if name else ():
                argv = [
                    literal_word("tee", inv.span),
                    literal_word(posixpath.join(root, path.lstrip("/"), name), inv.span),
                ]
                self._dispatch(_Command(argv, inv.span, (), (), None), _State(None), ctx)

    def _installed_edits(self, inv: Invocation, ctx: _Ctx) -> None:
        """``sed -i 's/x/pkill node/' /etc/systemd/system/NAME.service.d/o.conf``, ``curl -o /etc/cron.d/x URL``: a file
        cron, systemd or logrotate runs, written by an operand or an option (edited in place, downloaded) by a command
        that does not keep what it holds, holds what the guard does not know: judged as an unknown table, unit or
        script installed there. Redirections and copies are read where they are (what they put there is known)."""
        files = installed_files(self.knowledge)
        cwd = inv.cwd or ""
        if not files.heads or not (
            any(w.value and files.mentioned.search(w.value) for w in inv.argv) or (cwd + "/").startswith(files.heads)
        ):
            return
        spec = self.knowledge.specs[inv.name or ""]
        if spec.flag("copies_stdin") or spec.flag("copies_files") or self._harmless_edit(inv, spec):
            return  # (tee, cp: what they copy is read where it is known; an edit that adds nothing that runs)
        opened = {red.path for red in inv.redirects}
        replaced = self._replaced_lines(inv, spec)
        made: str | Unknown = Unknown("command") if replaced is None else "\n".join(replaced)
        for place, how in self._made_by(inv):
            found = installed_kind(place, files) if how == "file" and place not in opened else None
            if found is not None:
                kind, owner = found
                self._installed(made, kind, owner, inv.span, _later(ctx, "cron", inv.span), place)

    def _replaced_lines(self, inv: Invocation, spec: CommandSpec) -> list[str] | None:
        """``sed -i 's/^#PermitRootLogin.*/PermitRootLogin no/' /etc/ssh/sshd_config``: an in-place edit whose every
        script replaces whole lines (a pattern from ``^`` to a final ``.*``) by known text (no ``&``, no backslash)
        makes lines of that text alone: judged as that text installed there (an uncommented line holds text not
        known, ``s/^#//``: None, as for any other edit)."""
        if not spec.list("in_place_options") or not parse_args(inv.args, spec.options).has(
            *spec.list("in_place_options")
        ):
            return None
        texts = [w.value for w in certain_code_words(inv, self.knowledge)]
        lines: list[str] = []
        for text in texts:
            whole = _WHOLE_LINE_EDIT.fullmatch(text.strip()) if text is not None else None
            if whole is None:
                return None
            lines.append(whole["new"])
        return lines or None

    def _harmless_edit(self, inv: Invocation, spec: CommandSpec) -> bool:
        """An edit in place (knowledge ``in_place_options``: sed -i, perl -pi) by a program the guard knows whose text
        shows nothing that runs or kills (knowledge ``edit_markers``): ``sed -i 's/create 0640 a b/create 0640 a
        c/' /etc/logrotate.d/nginx`` leaves the file what it was, as far as running goes. A program not known, or
        one that mentions a command (``s/^ExecStop=.*/ExecStop=pkill node/``), is no harmless edit."""
        in_place = spec.list("in_place_options")
        if not in_place or not parse_args(inv.args, spec.options).has(*in_place):
            return False
        texts = [w.value for w in certain_code_words(inv, self.knowledge)]
        if not texts or any(t is None for t in texts):
            return False
        return not any(re.search(self.knowledge.edit_markers, t) for t in texts if t is not None)

    def _copied_stdin(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        """``echo TEXT | sudo tee /etc/cron.hourly/x``: a command that copies its stdin into its file operands
        (``copies_stdin``) installs TEXT where cron runs it."""
        files = installed_files(self.knowledge)
        parsed = parse_args(cmd.argv[1:], spec.options)
        keys = spec.list("keys")  # dd of=FILE: the files are given after a key; dd if=FILE copies FILE instead
        sources = _keyed_operands(parsed.operands, spec.list("source_keys"))
        for word in _keyed_operands(parsed.operands, keys) if keys else parsed.operands:
            path = paths.resolve(word.value, state.cwd) if word.value is not None else None
            found = installed_kind(path, files) if path is not None else None
            text = self._copied_text(sources[-1], state) if sources else self._stdin_of(cmd, ctx)
            if path is None and word.value is None:  # (tee "$f": kept by how the path is written)
                self._put_written_unknown(
                    word, text if text is not None and not parsed.has("-a", "--append") else _NOT_KNOWN
                )
            if path is not None:  # (echo 'pkill node' | tee /tmp/k; bash /tmp/k: what a shell runs later on the line)
                self._put_written(path, text if text is not None and not parsed.has("-a", "--append") else _NOT_KNOWN)
                self._cgroup_kill(path, cmd.span, ctx)
            if found is not None:
                kind, owner = found
                self._installed(text, kind, owner, cmd.span, _later(ctx, "cron", cmd.span), path)

    def _copy_source_text(self, source: Word, cmd: _Command, state: _State, ctx: _Ctx) -> str | Unknown | None:
        """What a copy (cp, mv, install) reads from ``source``: see _copied_text; and a source that is the
        copier's own stdin holds what is fed to it (``echo 'pkill node' | cp /dev/stdin /tmp/k``)."""
        text = self._copied_text(source, state)
        if text is None and source.value is not None and paths.resolve(source.value, state.cwd) in _STDIN_FILES:
            fed = self._stdin_of(cmd, ctx)
            return _NOT_KNOWN if fed is None or fed is _A_FILE else fed
        return text

    def _copied_text(self, source: Word, state: _State) -> str | Unknown | None:
        """What a copy reads from a file: what the line wrote there, when it did, or what a ``<(...)`` prints (None
        otherwise: a file's text is judged no more than ``crontab FILE`` judges it)."""
        path = paths.resolve(source.value, state.cwd) if source.value is not None else None
        return self._file_contents(source, path)  # (or what a ``<(...)`` prints, or through a link the line made)

    def _copied_files(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        """``echo TABLE > /tmp/x; mv /tmp/x /etc/cron.d/``: a command that copies files (``copies_files``: cp, mv,
        install SOURCE... DEST, or -t DIR) gives DEST (or DEST/NAME) the text the line wrote into a source. Known
        text in a file cron runs is judged as what cron will run; the copy keeps the text for a shell that runs
        it later on the line (``cp /tmp/x /tmp/y; bash /tmp/y``)."""
        parsed = parse_args(cmd.argv[1:], spec.options)
        if parsed.has(*spec.list("link_options"), *spec.list("directory_options")):
            return  # links (remembered as links), or directories made
        files = installed_files(self.knowledge)
        operands = parsed.operands
        if len(operands) == 2 and operands[1].value is None and not parsed.values("-t", "--target-directory"):
            # (``cp SOURCE "$f"``: a copy at a path not known, kept by how it is written; see _put_written_unknown)
            text = self._copy_source_text(operands[0], cmd, state, ctx)
            if text is not None:
                self._put_written_unknown(operands[1], text)
            else:  # (a program, or a file on disk, copied there: what runs by its name through PATH is not known)
                self._copied_unknown.add(_path_key(operands[1]))
                self._remember_unknown_name(_path_key(operands[1]))
        for source, target in _copies(parsed, spec, state.cwd):
            text = self._copy_source_text(source, cmd, state, ctx)
            path = paths.resolve(target, state.cwd)
            origin = paths.resolve(source.value, state.cwd) if source.value is not None else None
            if text is None and path is not None and _PART_NOT_KNOWN not in path:
                # (cp /usr/bin/pkill /tmp/ls; /tmp/ls node runs pkill; a source not known: "", a program not known)
                copied = origin if origin is not None and _PART_NOT_KNOWN not in origin else ""
                before = self._program_copies.get(path)
                if self._maybe_depth and before is not None and before != copied:
                    # (copied anew where that may not run: the copy made before may be what runs)
                    self._other_copies[path] = (*self._other_copies.get(path, ()), before)
                elif not self._maybe_depth:
                    self._other_copies.pop(path, None)
                self._program_copies[path] = copied
            if text is None or path is None:
                continue
            self._put_written(path, text)
            found = installed_kind(path, files)
            if found is not None:
                kind, owner = found
                self._installed(text, kind, owner, cmd.span, _later(ctx, "cron", cmd.span), path)

    def _not_known(self, span: Span, state: _State, ctx: _Ctx, what: Unknown = _NOT_KNOWN) -> None:
        """Text that runs but is not known statically: an unknown command (a finding where it is run)."""
        self._emit([Word("", span, (what,))], span, (), (), state, ctx)

    def _multiplexer(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        """tmux and screen: what they run in a new session, window or pane (``tmux new -d 'CMD'``, ``screen -dm
        CMD``) and what they type into the shell of one (``tmux send-keys -t x 'CMD' Enter``), as ``multiplexers``
        in the knowledge base describes their subcommands. One whose back end may be another (``also_read_as``:
        byobu is tmux or screen) is read as each."""
        self._emit(cmd.argv, cmd.span, cmd.assignments, (), state, ctx)
        self._multiplexer_reading(cmd, spec, state, ctx)
        other = self.knowledge.spec(str(spec.extra.get("also_read_as") or "")) if "also_read_as" in spec.extra else None
        if other is not None and other.kind == "multiplexer":
            self._multiplexer_reading(cmd, other, state, ctx)

    def _multiplexer_reading(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        """What the multiplexer ``spec`` describes runs, given the words of ``cmd``."""
        args = cmd.argv[1:]
        if args and args[0].value in spec.list("stop_options"):
            return
        parsed = parse_args(args, spec.options, stop_at_first_operand=True)
        inner = self._wrapped(cmd, spec, ctx)
        for value in parsed.values(*spec.list("shell_command_options")):
            self._payload(value, cmd.span, state.child((), inner), inner)
        operands = list(parsed.operands)
        if spec.list("command_options") and not parsed.has(*spec.list("command_options")):
            default = spec.extra.get("default_runs")
            if default and operands:
                self._multiplexer_runs(str(default), operands, cmd, state, inner)
            return
        separator = spec.extra.get("separator")
        start = 0
        for i in range(len(operands) + 1):
            if i == len(operands) or (separator and operands[i].value == separator):
                self._multiplexer_command(operands[start:i], spec, cmd, state, inner)
                start = i + 1

    def _multiplexer_command(
        self, words: list[Word], spec: CommandSpec, cmd: _Command, state: _State, ctx: _Ctx, depth: int = 0
    ) -> None:
        """One subcommand and its arguments (``new-session -d 'CMD'``); a subcommand not known statically, given
        arguments, may be any of them."""
        if not words:
            return
        if words[0].value is None and len(words) > 1:
            self._not_known(cmd.span, state, ctx)
            return
        for sub in subcommands(spec, words[0].value):
            parsed = parse_args(words[1:], sub.options, stop_at_first_operand=True)
            here = _in_directory(state, parsed, sub.list("chdir_options"))
            operands = list(parsed.operands)
            runs = sub.entry.get("runs")
            if runs and operands and not parsed.has(*sub.list("not_shell_options")):
                skip = sub.entry.get("skip_first_operand")
                if skip and operands[0].value is not None and re.fullmatch(str(skip), operands[0].value):
                    operands = operands[1:]
                self._multiplexer_runs(str(runs), operands, cmd, self._launched(spec.name, state, parsed, sub), ctx)
            if sub.entry.get("types") and not parsed.has(*sub.list("no_keys_options")):
                keys = [w.value for w in operands]
                if parsed.has(*sub.list("hex_options")):
                    keys = [_hex_character(k) for k in keys]
                literal = parsed.has(*sub.list("literal_options"), *sub.list("hex_options"))
                self._typed(sub, keys, literal, _targets(spec.name, sub, parsed), cmd, here, ctx)
            if sub.entry.get("sets_buffer"):
                self._set_buffer(sub, parsed, spec.name)
            if sub.entry.get("pastes_buffer"):
                self._paste_buffer(sub, parsed, spec.name, cmd, here, ctx)
            if sub.entry.get("option_runs") and not parsed.has(*sub.list("unset_options")):
                self._option_runs(sub, operands, cmd, here, ctx)
            if sub.entry.get("sets_directory"):
                self._set_directory(spec.name, operands, state)
            own = sub.entry.get("commands")
            if isinstance(own, int) and depth < MAX_OWN_COMMANDS:
                for word in operands[own:]:
                    self._multiplexer_text(word, spec, cmd, state, ctx, depth + 1)
            own = sub.entry.get("command_words")
            if isinstance(own, int) and depth < MAX_OWN_COMMANDS:
                self._multiplexer_command(operands[own:], spec, cmd, state, ctx, depth + 1)

    def _typed(
        self,
        sub: Subcommand,
        keys: list[str | None],
        literal: bool,
        where: tuple[str, ...],
        cmd: _Command,
        state: _State,
        ctx: _Ctx,
    ) -> None:
        """Keys typed into the shell of a pane (``tmux send-keys -t x 'CMD' Enter``): each line they end is run
        there, in that pane's shell, after the lines typed into it before (``send-keys 'cd /opt/x' Enter 'rm -rf
        dist' Enter`` removes /opt/x/dist). What is left without an end waits for the next keys sent to the same
        pane on the line (``send-keys -t x 'CMD'; send-keys -t x Enter``)."""
        lines, waiting = typed_lines(keys, sub.entry, literal, self._waiting.get(where, ""))
        self._waiting[where] = waiting
        if not lines:
            return
        pane = self._pane(where, state, ctx)
        for line in lines:
            if line is None:
                self._not_known(cmd.span, pane, ctx)
            else:
                self._read_or_not_known(line, cmd.span, pane, ctx)

    def _pane(self, where: tuple[str, ...], state: _State, ctx: _Ctx) -> _State:
        """The shell of the pane ``where`` names (its program, then its targets; none: the current pane), as the
        lines typed into it on this line left it: first a shell started from here. A pane not named, or named by a
        word not known, may be any pane the line typed into: each of their directories is one it may be in."""
        pane = self._panes.get(where)
        if pane is None:
            pane = self._panes[where] = state.child((), ctx)
        if len(where) == 1 or "\0" in where:
            others = (p.cwd for w, p in self._panes.items() if w[0] == where[0] and w != where)
            pane.other_cwds = tuple(c for c in dict.fromkeys((*pane.other_cwds, *others)) if c != pane.cwd)
        return pane

    def _set_buffer(self, sub: Subcommand, parsed: ParsedArgs, program: str) -> None:
        """``tmux set-buffer [-b NAME] TEXT``, ``screen -X register R TEXT``: the text a later paste types (``-a``
        adds to it); a buffer filled from a file (``load-buffer``, ``readbuf``) holds text not known."""
        names = _buffer_names(sub, parsed)
        operands = parsed.operands
        index = sub.entry.get("text_operand")
        text = operands[index].value if isinstance(index, int) and index < len(operands) else None
        if names is None:  # a buffer not known: none of them is known any longer
            self._buffers.update(dict.fromkeys(k for k in self._buffers if k[0] == program))
            return
        for name in names:
            if parsed.has(*sub.list("append_options")):
                before = self._buffers.get((program, name))
                text = before + text if before is not None and text is not None else None
            self._buffers[(program, name)] = text

    def _paste_buffer(
        self, sub: Subcommand, parsed: ParsedArgs, program: str, cmd: _Command, state: _State, ctx: _Ctx
    ) -> None:
        """``tmux paste-buffer [-b NAME]``, ``screen -X paste REGISTERS``: the buffer's text is typed into the pane
        (a line it ends runs there); a buffer the line did not fill holds text not known, which may run anything.
        ``screen -X paste a b`` copies register a into b: nothing is typed."""
        names = _buffer_names(sub, parsed)
        texts = [self._buffers.get((program, n)) for n in names] if names is not None else [None]
        text = None if any(t is None for t in texts) else "".join(t for t in texts if t is not None)
        index = sub.entry.get("name_operand")
        if isinstance(index, int) and len(parsed.operands) > index + 1:
            into = parsed.operands[index + 1].value
            if into is not None:
                self._buffers[(program, into)] = text
            return
        if text is None:
            self._not_known(cmd.span, state, ctx)
            return
        self._typed(sub, [text], True, _targets(program, sub, parsed), cmd, state, ctx)

    def _option_runs(self, sub: Subcommand, operands: list[Word], cmd: _Command, state: _State, ctx: _Ctx) -> None:
        """``tmux set -g default-command TEXT``: an option whose value is shell text the multiplexer runs later (in
        each new window) is judged when it is set. An option name not known may be one of them; tmux takes a
        prefix of a name."""
        if len(operands) < 2:
            return
        option = operands[0].value
        runs = sub.entry.get("option_runs") or {}
        if option is not None and not any(name.startswith(option) for name in runs):
            return
        value = operands[1]
        if value.value is None:
            self._payload(value, cmd.span, state.child((), ctx), ctx)
        else:
            self._read_or_not_known(value.value, cmd.span, state.child((), ctx), ctx)

    def _set_directory(self, program: str, operands: list[Word], state: _State) -> None:
        """``screen -X chdir DIR``: what the multiplexer starts after it starts in DIR (none: a home not known)."""
        home = state.env.get("HOME")
        target = operands[0].value if operands else home if isinstance(home, str) and home else None
        self._launch_dirs[program] = paths.resolve(target, state.cwd) if target is not None else None

    def _launched(self, program: str, state: _State, parsed: ParsedArgs, sub: Subcommand) -> _State:
        """Where a subcommand starts what it runs: its own directory option, else the directory the line moved the
        multiplexer to (``screen -X chdir DIR``), else here."""
        if program in self._launch_dirs:
            moved = state.copy()
            _chdir(moved, self._launch_dirs[program])
            state = moved
        return _in_directory(state, parsed, sub.list("chdir_options"))

    def _multiplexer_runs(self, runs: str, operands: list[Word], cmd: _Command, state: _State, ctx: _Ctx) -> None:
        """What a subcommand runs: its first operand as shell text (``runs: shell``, or ``runs: command`` given one
        word), or the operands as a command and its arguments."""
        if not operands:
            return
        if runs == "shell" or (runs == "command" and len(operands) == 1):
            self._payload(operands[0], cmd.span, state.child((), ctx), ctx)
        else:
            self._dispatch(_Command(operands, cmd.span, (), (), cmd.stdin), state.child((), ctx), ctx)

    def _multiplexer_text(
        self, word: Word, spec: CommandSpec, cmd: _Command, state: _State, ctx: _Ctx, depth: int
    ) -> None:
        """A command line in the multiplexer's own language (``tmux if-shell 'true' 'run-shell "pkill node"'``):
        shell-like words, ``;`` between commands."""
        lines = own_command_lines(word.value, str(spec.extra.get("separator") or ";"))
        if lines is None:
            self._not_known(cmd.span, state, ctx)
            return
        for line in lines:
            self._multiplexer_command([literal_word(w, cmd.span) for w in line], spec, cmd, state, ctx, depth)

    def _source(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        """``source FILE``, ``. FILE``: the file's text runs in this shell. It is judged when the line makes it known
        (``source <(echo pkill node)``, ``. /dev/stdin <<< 'pkill node'``, a file written earlier on the line)."""
        args = cmd.argv[1:]
        if args and args[0].value == "--":
            args = args[1:]
        script = self._file_text(args[0], cmd, state, ctx) if args else None
        saved = _prefix_assigned(cmd, state)
        ran = self._run_text(script, cmd, state, self._wrapped(cmd, spec, ctx))
        self._prefix_done(saved, state, self._posix_special)
        if not ran:
            self._emit(cmd.argv, cmd.span, cmd.assignments, cmd.redirects, state, ctx)

    def _eval(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        args = cmd.argv[1:]
        if args and args[0].value == "--":  # eval's end of options (``eval -- 'pkill node'``)
            args = args[1:]
        if args:
            saved = _prefix_assigned(cmd, state)
            self._payload(
                _one_text(args), cmd.span, state, self._wrapped(cmd, spec, ctx), stdin=self._stdin_of(cmd, ctx)
            )
            self._prefix_done(saved, state, self._posix_special)
            return
        self._emit(cmd.argv, cmd.span, cmd.assignments, cmd.redirects, state, ctx)

    def _special_assignments(self, cmd: _Command, state: _State) -> None:
        """``x=node :`` (``export``, ``set``, another special builtin): a POSIX shell keeps the assignment after it
        (dash, bash --posix: a later ``pkill $x`` runs pkill node); bash and zsh do not. Where which shell reads the
        text is not known, either."""
        saved = _prefix_assigned(cmd, state)
        if self._posix_special is None:
            self._prefix_done(saved, state, None)

    def _prefix_done(self, saved: dict[str, _Value | object], state: _State, persists: bool | None) -> None:
        """After a command that ran in this shell with ``NAME=value`` before it (see _prefix_assigned): bash gives
        the variables back the values they had (whatever the command set them to); a POSIX shell keeps what the
        command left for its special builtins (eval, ``.``: ``x=node eval :`` leaves x node in dash, bash --posix);
        ``persists`` None: either."""
        if persists:
            return
        for name, old in saved.items():
            if persists is None:
                was = ABSENT if old is _UNSET else cast(_Value, old)
                state.env[name] = self._choices.either(name, was, state.env.get(name, ABSENT))
            elif old is _UNSET:
                state.env.pop(name, None)
            else:
                state.env[name] = cast(_Value, old)

    def _deferred_variable(
        self, name: str, value: Word, span: Span, state: _State, ctx: _Ctx, append: bool = False
    ) -> None:
        """``PROMPT_COMMAND=...``, ``PS1=...``: what the shell will run from this value, judged now. An appended
        part runs after what the value held (``PROMPT_COMMAND+='; history -a'``, the common .bashrc line): it is
        judged without the operator that joins it, which alone is no command (it was refused as unread)."""
        kind = self.knowledge.deferred_variables.get(name)
        if kind is None:
            if state.lives_on and not append and name in self.knowledge.program_text_variables:
                self._program_text_variable(name, value, span, state, ctx)
            return
        inner = _through(ctx, Wrapper(name, span))
        if kind == "shell":
            joined = _JOINING_OPERATOR.match(value.value or "") if append else None
            payload: Word | str = value if joined is None else (value.value or "")[joined.end() :]
            self._payload(payload, span, state.copy(), inner)
            self._defer(payload, span, state, inner)
            return
        if kind == "file":
            self._deferred_file(value, span, state, inner, append)
            return
        # a prompt: its known text is expanded when shown (``\$`` first becomes ``$`` for a user other than root)
        known = "".join(p.text for p in value.parts if isinstance(p, Literal))
        found = _body_substitutions(known) + _body_substitutions(known.replace("\\$", "$"))
        for inside in dict.fromkeys(found):
            self._payload(inside, span, state.copy(), inner)
            self._defer(inside, span, state, inner)

    def _program_text_variable(self, name: str, value: Word, span: Span, state: _State, ctx: _Ctx) -> None:
        """``export GIT_PAGER='pkill node'`` at one prompt, ``git log`` at the next: a program of a later line runs
        the value as shell text (knowledge: the variables of commands' ``shell_text_variables``: PAGER, GIT_PAGER,
        EDITOR, LESSOPEN after its ``|`` ...), and the hook sends only the variables a line names (``git log`` names
        none: git ran the stand-in pkill as its pager, in bash 5.2 through a pty). A known value set at a prompt is
        judged as each command that reads it would run it, in a new shell, here and where later lines may take the
        shell; one not known is judged no more than one the shell was started with (``export
        EDITOR="${EDITOR:-vim}"``)."""
        if value.value is None:
            return
        inner = _through(ctx, Wrapper(name, span))
        child = state.child((), ctx)
        texts: dict[str | None, Word] = {}
        for command in self.knowledge.program_text_variables[name]:
            for text in shell_texts((), [(name, value)], self.knowledge.inline_code[command], span):
                texts.setdefault(text.value, text)
        for text in texts.values():
            self._payload(text, span, child.copy(), inner)
            known = text.value if text.value is not None else ""
            self._payload(text, span, _where_kept_runs(child, _kept_names(known)), inner)

    def _deferred_file(self, value: Word, span: Span, state: _State, ctx: _Ctx, append: bool) -> None:
        """``HISTFILE=PATH``: the file the shell writes later (its history, when it exits), judged as a write of it
        now. A value not known is not judged (``HISTFILE=~/.history_$HOSTNAME`` in a .bashrc): what is written
        there is judged where it is certain (``history -w``, see :meth:`_variable_values`)."""
        path = value.value
        if not path or append:
            return
        target = literal_word(path, span)
        self._emit([], span, (), (Redirect(">>", span, target, None, paths.resolve(path, state.cwd)),), state, ctx)

    def _variable_values(self, cmd: _Command, spec: CommandSpec, state: _State) -> _Command:
        """An option given without its value that then takes the file a variable names (knowledge
        ``variable_values``: ``history -w`` writes $HISTFILE): the command as if the value were written after it
        (a variable the line did not set: as bash starts, not a protected file; set to something not known: a
        file not known)."""
        defaults = spec.extra.get("variable_values") or {}
        parsed = parse_args(cmd.argv[1:], spec.options)
        missing = next((o for o in parsed.options if o.value is None and o.name in defaults), None)
        if missing is None:
            return cmd
        word = _variable_word(str(defaults[missing.name]), cmd, state)
        if word is None:
            return cmd
        at = next(k for k, w in enumerate(cmd.argv) if w is missing.word) + 1
        return dataclasses.replace(cmd, argv=[*cmd.argv[:at], word, *cmd.argv[at:]])

    def _directory_variables(self, cmd: _Command, spec: CommandSpec, state: _State) -> _Command:
        """A directory a variable names when the command is given none, or only a name (knowledge
        ``directory_variables``: ``TMPDIR=/opt/x mktemp -d``, ``mktemp -t NAME``, ``mktemp --tmpdir``): the command
        as if the option it stands for were given that directory. Not set on the line: as bash starts (``/tmp``)."""
        parsed = parse_args(cmd.argv[1:], spec.options)
        for name, option in (spec.extra.get("directory_variables") or {}).items():
            named = parsed.has(*spec.list("name_only_options")) or not parsed.operands
            if not named and not (
                parsed.has(*spec.list("write_options")) and not parsed.values(*spec.list("write_options"))
            ):
                continue
            word = _variable_word(name, cmd, state)
            if word is None:
                continue
            cmd = dataclasses.replace(cmd, argv=[cmd.argv[0], literal_word(str(option), cmd.span), word, *cmd.argv[1:]])
        return cmd

    def _deferred(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        """``trap ACTION SIGNAL...``: the action runs later, in this shell, with whatever it holds then."""
        operands = cmd.argv[1:]
        while operands and operands[0].value in spec.list("skip_options"):
            done = operands[0].value == "--"
            operands = operands[1:]
            if done:
                break
        if len(operands) < 2 or operands[0].value in spec.list("reset_actions"):
            self._emit(cmd.argv, cmd.span, cmd.assignments, cmd.redirects, state, ctx)
            return
        inner = self._wrapped(cmd, spec, ctx)
        # (on anything but EXIT it may run between any two later commands: what it changes is not known there)
        between = any(
            v is None or v.upper().removeprefix("SIG") not in _AT_EXIT for v in (w.value for w in operands[1:])
        )
        between = between and not self._ends_in_exit(operands[0])  # (``trap 'rm -f "$t"; exit 1' INT``)
        ran = state.copy()
        self._payload(operands[0], cmd.span, ran, inner)
        if between:
            volatile = state.volatile, state.volatile_cwds
            _may_run_between(state, ran)
            if state.lives_on and volatile != (state.volatile, state.volatile_cwds):
                # (at a prompt it runs between the commands of later lines too, which this text does not show)
                self._not_known(cmd.span, state, inner, _CHANGED_BETWEEN)
        self._defer(operands[0], cmd.span, state, inner, between)

    def _ends_in_exit(self, payload: Word) -> bool:
        """Whether an action surely ends with ``exit``: after it runs, no later command does."""
        text = payload.value
        if text is None:
            return False
        parsed = self._parse_nested(text)
        last: Node | None = parsed.nodes[-1] if parsed.nodes and not parsed.unread else None
        while isinstance(last, CommandList):
            if len(last.items) > 1 and last.operators[len(last.items) - 2] != ";":
                return False  # (``c && exit``: it may not)
            last = last.items[-1]
        if not isinstance(last, SimpleCommand) or last.assignments or not last.words:
            return False
        return text[last.words[0].span.start : last.words[0].span.end] == "exit"

    def _defer(self, payload: Word | str, span: Span, state: _State, ctx: _Ctx, between: bool = False) -> None:
        """Shell text the shell keeps to run later (a trap's action, PROMPT_COMMAND), just judged where it is set:
        kept with the shell it is set in, to be judged again wherever that shell goes (see :meth:`_judge_kept`)."""
        state.kept += 1
        if self._kept_count >= MAX_KEPT:
            return
        self._kept_count += 1
        names = _kept_names(payload)
        calls = tuple(dict.fromkeys(_CALLED.findall(_literal_text(payload))))
        self._kept.setdefault(id(state), []).append(
            _Kept(
                payload,
                span,
                ctx,
                state,
                names,
                _Place.of(state),
                between=between,
                calls=calls,
                functions=state.functions,
            )
        )
        if state.lives_on:
            self._payload(payload, span, _where_kept_runs(state, names), ctx)

    def _judge_kept(self, kept: list[_Kept]) -> None:
        """Text kept to run later runs in the shell as it is then, not as it was when the text was set: bash -c
        "trap 'rm -rf dist' EXIT; cd LIVE" removes LIVE/dist, and so does ``trap 'rm -rf "$D"' EXIT`` after
        D=LIVE/dist. A trap may run at any point after it is set (a signal, an error, ``exit``; PROMPT_COMMAND
        after the line): each text is judged again after each command that leaves its shell elsewhere or changes a
        value the text reads (up to MAX_KEPT_READINGS times), and as the line ends."""
        for text in kept:
            if text.readings >= MAX_KEPT_READINGS:
                continue
            names = self._with_path(self._kept_reads(text), functools.partial(tuple, text.calls))
            functions = text.state.functions
            redefined = functions is not text.functions and any(
                functions.get(c) is not (text.functions or {}).get(c) for c in text.calls
            )
            if not redefined and not text.place.differs(text.state, names):
                continue
            text.readings += 1
            text.place = _Place.of(text.state)
            text.functions = functions
            ran = text.state.copy()
            self._payload(text.payload, text.span, ran, text.ctx)
            if text.between:
                _may_run_between(text.state, ran)

    def _kept_reads(self, text: _Kept) -> tuple[str, ...]:
        """The variables a kept text reads when it runs: those it names, and those the functions it calls read (``f()
        { pkill $X; }; trap f EXIT; X=node`` runs pkill node as the shell exits: a doubt, when only the trap's own
        text counted)."""
        functions = self._functions_of(text.state)
        called = [name for name in text.calls if name in functions]
        if not called:
            return text.names
        read = (v for name in called for v in sorted(self._variables_read(name, functions)))
        return tuple(dict.fromkeys((*text.names, *read)))

    def _key_binding(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        r"""``bind -x 'KEYSEQ: CMD'``: CMD runs in this shell when the key is pressed; ``bind '"KEYSEQ": "TEXT"'``: TEXT
        is typed then, and a line it ends runs (``"\C-m": "\C-urm -rf /opt/x\C-j"`` replaces every line with that
        one). Judged when bound, as a trap's action is; a binding not known may run anything."""
        self._emit(cmd.argv, cmd.span, cmd.assignments, cmd.redirects, state, ctx)
        parsed = parse_args(cmd.argv[1:], spec.options)
        inner = self._wrapped(cmd, spec, ctx)
        for option, kind in (spec.extra.get("installed_options") or {}).items():
            for value in parsed.values(option):  # (bind -f FILE: FILE read as an inputrc)
                word = value if isinstance(value, Word) else literal_word(value, cmd.span)
                self._installed_file(word, str(kind), state.cwd, cmd.span, inner)
        for value in parsed.values(*spec.list("shell_binding_options")):
            text = value_text(value)
            command = readline_shell_binding(text) if text is not None else None
            if text is None:
                self._not_known(cmd.span, state, inner)
            elif command is not None:
                self._read_or_not_known(command, cmd.span, state.copy(), inner)
                if state.lives_on:  # (pressed after later lines: see _where_kept_runs)
                    self._read_or_not_known(command, cmd.span, _where_kept_runs(state, _kept_names(command)), inner)
        for operand in parsed.operands:
            macro = readline_macro(operand.value) if operand.value is not None else None
            if operand.value is None:
                self._not_known(cmd.span, state, inner)
            elif macro is not None:
                lines, _ = typed_lines([macro], spec.extra, True)
                for line in lines:
                    if line is None:
                        self._not_known(cmd.span, state, inner)
                    else:
                        self._read_or_not_known(line, cmd.span, state.copy(), inner)
                        if state.lives_on:
                            self._read_or_not_known(line, cmd.span, _where_kept_runs(state, _kept_names(line)), inner)

    def _find(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> None:
        """find runs ``-exec`` commands on what it finds: ``{}`` is a path under the start paths. With ``... ;``
        find puts the path wherever ``{}`` is inside a word (``-exec rm -rf {}/ ;`` empties the start); with ``{}
        +`` only a whole ``{}`` (find refuses any other)."""
        argv = self._listed_starts(cmd, spec, state, ctx)
        self._emit(argv, cmd.span, cmd.assignments, cmd.redirects, state, ctx)
        args = argv[1:]
        starts, at = find_start_points(spec, args)
        i = at
        while i < len(args):
            if args[i].value in spec.list("exec_actions"):
                j, whole_only = _action_end(args, i + 1)
                command = args[i + 1 : j]
                entry = _found_entry(spec, args, args[at:i])
                found = _found_paths(starts, args[at:i], spec, cmd.span, entry)
                for path in found if any(_holds_braces(w, whole_only) for w in command) else found[:1]:
                    inner = [_braces_replaced(w, path, whole_only) for w in command]
                    if inner:
                        self._dispatch(_Command(inner, cmd.span, (), (), None), state, self._wrapped(cmd, spec, ctx))
                i = j
            i += 1

    def _listed_starts(self, cmd: _Command, spec: CommandSpec, state: _State, ctx: _Ctx) -> list[Word]:
        """find's argv with the start points a ``start_file_options`` file lists (``find -files0-from LIST
        -delete``) in the place of start points, and the option left out: the paths the file holds when the line
        makes its text known (written earlier, ``<(printf ...)``, stdin for ``-``), else a start not known. What
        find acts on is otherwise never seen (it was taken as the cwd)."""
        options = spec.list("start_file_options")
        args = cmd.argv[1:]
        given = [k for k, w in enumerate(args[:-1]) if w.value in options]
        if not given:
            return cmd.argv
        listed = [w for k in given for w in self._listed_in(args[k + 1], cmd, state, ctx)]
        skipped = {k for at in given for k in (at, at + 1)}
        at = find_start_points(spec, args)[1]
        rest = [w for k, w in enumerate(args) if k >= at and k not in skipped]
        return [cmd.argv[0], *args[:at], *listed, *rest]

    def _listed_in(self, word: Word, cmd: _Command, state: _State, ctx: _Ctx) -> list[Word]:
        """The start points a file of NUL-separated paths holds (see _listed_starts): one word each when its text is
        known (a path that starts with ``-`` taken from the cwd, as find takes it), else one word not known."""
        name = word.value
        text: str | Unknown | None
        if name is not None and self._names_stdin(name):
            text = self._stdin_of(cmd, ctx) or Unknown("stdin")
        else:
            path = paths.resolve(name, state.cwd) if name is not None else None
            text = self._file_contents(word, path) or Unknown("file", name=path)
        if not isinstance(text, str):
            return [Word(word.text, word.span, (text,))]
        names = [n for n in text.split("\0") if n]
        return [literal_word("./" + n if n.startswith("-") else n, word.span) for n in names]

    def _payload(
        self,
        payload: Word | str,
        span: Span,
        state: _State,
        ctx: _Ctx,
        trailing: list[Word] | None = None,
        *,
        stdin: str | Unknown | None = None,
        parsed: ParsedScript | None = None,
    ) -> None:
        """Parse and lower nested shell text; text not known statically is an unknown command. ``stdin``: what the
        command that runs the text gives it to read (``bash -c bash <<< TEXT``: the inner bash runs TEXT); text
        judged for later (a trap, an alias) reads nothing known. ``parsed``: the text's parse, when the caller
        has it already (only for a ``str`` payload with no ``trailing``)."""
        text = payload if isinstance(payload, str) else payload.value
        if text is None:
            assert isinstance(payload, Word)
            if any(isinstance(p, Literal) for p in payload.parts):
                self._partly_known_payload(payload, span, state, ctx, stdin)
            else:
                self._emit([payload], span, (), (), state, ctx)
            return
        if trailing:
            rest = _join(trailing)
            if not isinstance(rest, str):  # ``env -S 'kill -9' $(pidof node)``: known text, then words not known
                joined = Word(f"{text} {rest.text}", rest.span, (Literal(f"{text} "), *rest.parts))
                self._partly_known_payload(joined, span, state, ctx, stdin, arguments=True)
                return
            text = f"{text} {rest}"
        if ctx.depth >= MAX_NESTING:
            self.unread.append(Unread(ctx.span or span, "nested shell text too deep to read", ctx.at))
            return
        if parsed is None or trailing:
            parsed = self._parse_nested(text)
        origin = self._origin(payload, text, ctx)
        if origin is not None and parsed.comments:
            self._comments.extend(Span(origin + c.start, origin + c.end) for c in parsed.comments)
        self._script(text, parsed, state, _nested(ctx, span, stdin, None if origin is None else (text, origin)))

    def _partly_known_payload(
        self,
        payload: Word,
        span: Span,
        state: _State,
        ctx: _Ctx,
        stdin: str | Unknown | None,
        *,
        arguments: bool = False,
    ) -> None:
        """Shell text known only in part (``bash -c "rm -rf /opt/app/$D"``, ``trap "rm -f $tmp" EXIT``). It is
        read with each unknown piece standing in as a variable whose value is that piece, so it is judged as the
        same command written directly would be: ``/opt/app/⟨$D⟩`` is in the live tree, ``rm -rf ⟨$D⟩`` may be,
        ``kill -9 $(pgrep node)`` keeps its producer. A text that does not parse that way (the unknown part must
        close a quote, say) cannot be judged: it is an unknown command, as a text known in nothing is.
        ``arguments``: the unknown pieces are whole arguments after known text (``env -S 'kill -9' $(pidof x)``),
        given to the command as they are, not spliced into text a shell reads (see :meth:`_spliced`)."""
        text, stand_ins, glued = _stand_in_text(payload)
        read = ctx.depth < MAX_NESTING and not glued
        if read:
            hidden = {name: state.env[name] for name in stand_ins if name in state.env}
            state.env.update(stand_ins)
            try:
                read = self._all_read(
                    lambda: self._script(text, self._parse_nested(text), state, _nested(ctx, span, stdin)), text
                )
            finally:
                for name in stand_ins:
                    state.env.pop(name, None)
                state.env.update(hidden)
            if read and not arguments:
                # a pattern the outer shell expands (``for f in *.log; do bash -c "gzip $f"``): names of files
                globbed = [Unknown("glob", name=payload.text)] if payload.is_glob else []
                self._spliced([*stand_ins.values(), *globbed], payload, span, state, ctx)
        if not read:
            producers = tuple(i for u in payload.unknowns for i in u.producers)
            whole = Word(payload.text, payload.span, (Unknown("command", producers=producers),))
            self._emit([whole], span, (), (), state, ctx)

    def _spliced(self, pieces: Iterable[Unknown], payload: Word, span: Span, state: _State, ctx: _Ctx) -> None:
        """Shell text known in part has been read with its unknown pieces as words; but bash splices a piece's value
        into the text before reading it, so a value holding ``; pkill node`` is a command of its own, whatever
        quotes the text puts around it. A piece that may hold code is an unknown command where the text runs."""
        spliced = [p for p in pieces if self._may_hold_code(p, state)]
        if spliced:
            self._emit_spliced("spliced", payload.text, spliced, span, state, ctx)

    def _spliced_code(self, inv: Invocation, cmd: _Command, state: _State, ctx: _Ctx) -> None:
        r"""Code of another language known in part (``python3 -c "print('$X')"``, ``awk "{print \$$N}"``, ``sed
        "s/a/$B/"``): as with shell text (:meth:`_spliced`), the program reads a piece's value as part of its code,
        so a value holding ``'); os.system('pkill node'); ('`` runs it. Code of which nothing is known is the
        matcher's (``effects.unknown_code``). A sed or awk program known in part is not read (``program_text``):
        what its known text names is the matcher's (``effects.inline_code``), the finding that says more."""
        for word in certain_code_words(inv, self.knowledge):
            if word.value is not None or not word_text(word).strip():
                continue
            spliced = [p for p in word.unknowns if self._may_hold_code(p, state, shell=False)]
            if spliced:
                inner = _through(ctx, Wrapper(inv.name or "", cmd.span))
                self._emit_spliced("spliced code", word.text, spliced, cmd.span, state, inner)

    def _emit_spliced(self, kind: str, text: str, spliced: list[Unknown], span: Span, state: _State, ctx: _Ctx) -> None:
        """The unknown command a text with values spliced into it is: one piece naming them, from their producers."""
        producers = tuple(i for u in spliced for i in u.producers)
        names = ", ".join(dict.fromkeys(_piece_name(p) for p in spliced))
        self._emit([Word(text, span, (Unknown(kind, names, producers),))], span, (), (), state, ctx)

    def _may_hold_code(self, piece: Unknown, state: _State, *, shell: bool = True) -> bool:
        """Can the value of ``piece``, spliced into shell text (or, not ``shell``, into code of another language),
        be more than data? Not a number (``$$``, ``$((...))``, ``${#x}``), a home directory, nor the output of a
        command that prints data given known plain arguments (``data_producers``: ``$(mktemp -d)``, ``$(date
        +%s)``). In shell text, nor a value quoted for the shell (``${x@Q}``, printf's ``%q``, getopt's output:
        ``quoting_producers``): that quoting means nothing to python or awk."""
        if (piece.quoted and shell) or piece.kind in ("arith", "tilde"):
            return False
        if piece.kind == "variable":
            if piece.name is None or (not shell and piece.name.endswith("@Q")):
                return True
            return _DATA_VARIABLE.fullmatch(piece.name) is None
        if piece.kind != "command" or not piece.producers:
            return True
        return not all(self._prints_data(self.invocations[i], state, shell) for i in piece.producers)

    def _prints_data(self, producer: Invocation, state: _State, shell: bool = True) -> bool:
        if producer.redirects:
            return False
        quoting = self.knowledge.quoting_producers.get(producer.name or "")
        if quoting is not None:
            if not shell:
                return False
            values = [w.value for w in producer.args]
            return (
                bool(values)
                and (values[0] or "").startswith("-")
                and quoting.unquoted_options.isdisjoint(values)
                and quoting.unquoted_variables.isdisjoint([*state.env, *(name for name, _ in producer.assignments)])
            )
        if producer.name not in self.knowledge.data_producers:
            return False
        return all(w.value is not None and _CODE_CHARACTERS.search(w.value) is None for w in producer.args)

    def _emit(
        self,
        argv: list[Word],
        span: Span,
        assignments: tuple[tuple[str, Word], ...],
        redirects: tuple[Redirect, ...],
        state: _State,
        ctx: _Ctx,
    ) -> None:
        around = ctx.redirects + redirects  # (a group's redirections are opened first, the command's own after)
        if state.shopts and argv and argv[0].value == "echo" and not state.shopts.isdisjoint(_ECHO_DECODING):
            argv = _decoding_echo(argv, DECODING_ECHO in state.shopts)
        if around and any("/fd/" in (w.value or "") or "/dev/std" in (w.value or "") for w in argv):
            argv = _through_descriptors(argv, around)
        inv = Invocation(
            argv=tuple(argv),
            span=span,
            redirects=redirects + ctx.redirects,
            cwd=state.cwd,
            wrappers=ctx.wrappers,
            assignments=assignments,
            stdin_producers=ctx.stdin_producers,
            in_substitution=ctx.in_subst,
            in_function=ctx.in_function,
            via_call=ctx.via_call,
            at=ctx.at,
        )
        # what is judged is what the command touches in the file system; the shell itself (cd, variables) goes on
        # with the names as it sees them
        seen = self._seen(inv, ctx.root) if ctx.root != "/" or self._links or self._mounts_unknown else inv
        others = state.other_cwds
        self.invocations.append(seen)
        if inv.name in _JUMPS:
            self._jumps += 1
        if state.limits and inv.name not in _BASH_BUILTINS:
            self._limited(seen, state)
        if inv.redirects:
            self._remember_writes(len(self.invocations) - 1)
            self._installed_writes(inv, ctx)
        if inv.name not in self.knowledge.keeps_contents and inv.name in self.knowledge.specs:
            self._installed_edits(seen, ctx)
        name = inv.name
        maker = self.knowledge.specs.get(name) if name is not None else None
        if maker is not None and maker.extra:  # (what follows reads only its extra keys: most specs have none)
            if "makes_links" in maker.extra:
                self._remember_links(seen, maker, inv)
            elif "bind_options" in maker.extra or maker.flag("unmounts"):
                self._remember_mount(seen, maker)
            if _copies_names(maker):
                self._remember_copies(inv, seen, maker, len(self.invocations) - 1)
            if "link_dest_options" in maker.extra:
                self._remember_link_dests(seen, maker)
        tools = self.knowledge.cgroup_tools
        if name in (tools.get("classify") or {}) or name in (tools.get("set") or {}):
            self._cgroup_tool(seen, ctx)
        if name == "wait":  # (``wait -p NAME``: it sets NAME, evaluating its subscript; nothing else is read)
            self._evaluated_names(inv, state, ctx)
        if name in _BUILTIN_SWITCHES:
            _switch_builtins(name, [w.value for w in inv.args], state, self._zsh)
        if name not in _BUILTINS_READ:  # a command that changes nothing of the shell's own (see _apply_builtin)
            if state.kept and self._kept:
                kept = self._kept.get(id(state))
                if kept:
                    self._judge_kept(kept)
            for other in others:  # the same command, judged in each other directory the line may be in
                self._shadows.add(len(self.invocations))
                self.invocations.append(self._seen(dataclasses.replace(inv, cwd=other), ctx.root))
            return
        # a builtin the line may have turned off (``enable -n cd``) runs what PATH finds, here nothing: what it would
        # change may be changed or not (``enable -n cd; cd /tmp; rm -rf dist`` in the live tree removes its dist)
        unchanged = _Snapshot.of(state) if _may_be_off(name, state) else None
        if name in _EVALUATING:
            self._evaluated_names(inv, state, ctx)
        arrays = self._declared_arrays(inv, state) if name in _DECLARATIONS else {}
        deferred = bool(arrays) and not self.knowledge.deferred_variables.keys().isdisjoint(arrays)
        for word in inv.args if deferred else ():  # ``declare -a PROMPT_COMMAND=(a b)``
            literal = _ARRAY_OPERAND.fullmatch(word.text)
            if literal is not None:
                self._deferred_array(state.target(literal[1]), literal[3], span, state, ctx)
        if name == "unset" and state.functions:
            self._unset_functions([w.value for w in inv.args], state)
        elif name in _ZSH_FUNCTION_REMOVERS and self._zsh and state.functions:
            _zsh_remove_functions(name, [w.value for w in inv.args], state)
        reads = name in _READERS_OF_STDIN
        before = self._deferred_values(state) if _sets_variables(inv) else None
        if self._zsh and _zsh_builtin(inv, [w.value for w in inv.args], state):
            pass
        elif reads:
            index = len(self.invocations) - 1
            _apply_builtin(
                inv, state, self._known_stdin(index, redirects, ctx), self._unknown_stdin(inv, redirects, ctx)
            )
        elif inv.assignments and name in _READING_PREFIX:
            # (``HOME=/opt/x cd``, ``OLDPWD=/opt/x cd -``: the builtin reads its own assignments, bash then gives
            # the values back)
            saved = _prefix_assigned(inv, state)
            _apply_builtin(inv, state)
            self._prefix_done(saved, state, False)
        else:
            _apply_builtin(inv, state)
        if name in ("set", "shopt") and self._posix_special is False and _may_set_posix(inv):
            self._posix_special = None  # (bash in POSIX mode from here, or not: either, see build)
        if arrays:
            state.env.update({k: _cased(state, k, v) for k, v in arrays.items()} if state.cases else arrays)
        if before is not None:
            self._deferred_changes(before, span, state, ctx)
        if state.kept and self._kept:
            kept = self._kept.get(id(state))
            if kept:
                self._judge_kept(kept)
        if name in _DECLARATIONS:
            referring = any((w.value or "").startswith("-") and "n" in (w.value or "") for w in inv.args)
            for word in inv.args:
                name = _assignment_name(word)
                if name is not None and not (deferred and _ARRAY_OPERAND.fullmatch(word.text)):
                    target = name if referring else state.target(name)
                    self._deferred_variable(target, word.without_prefix(len(name) + 1), span, state, ctx)
        if unchanged is not None:
            self._join(state, [unchanged])
        for other in others:  # the same command, judged in each other directory the line may be in
            self._shadows.add(len(self.invocations))
            self.invocations.append(self._seen(dataclasses.replace(inv, cwd=other), ctx.root))

    def _deferred_values(self, state: _State) -> dict[str, _Value | Unknown]:
        """What the variables the shell runs later hold now (see :meth:`_deferred_changes`)."""
        return {name: state.env.get(name, _UNSET) for name in self.knowledge.deferred_variables}

    def _deferred_changes(self, before: dict[str, _Value | Unknown], span: Span, state: _State, ctx: _Ctx) -> None:
        """A builtin that set a variable the shell runs later (``printf -v PROMPT_COMMAND 'pkill node'``, ``read
        PROMPT_COMMAND <<< TEXT``, ``mapfile``, through a reference): its new value is judged as an assignment's
        is (every element of an array: bash runs each one of PROMPT_COMMAND's)."""
        for name, old in before.items():
            new = state.env.get(name, _UNSET)
            if new == old:
                continue
            for value in _new_elements(old, new):
                if isinstance(value, str):
                    word = literal_word(value, span)
                else:
                    word = Word("", span, (value if isinstance(value, Unknown) else Unknown("variable", name=name),))
                self._deferred_variable(name, word, span, state, ctx)


def _array_literal(text: str, value_span: Span) -> bool:
    """Is an assignment's value an array literal (``x=(a b)``)?"""
    return text.startswith("(", value_span.start) and text[value_span.end - 1 : value_span.end] == ")"


def _sets_variables(inv: Invocation) -> bool:
    """A builtin that sets the variables it is given the names of: read, mapfile, ``printf -v NAME``."""
    if inv.name == "printf":
        return bool(inv.args) and (inv.args[0].value or "").startswith("-v")
    return inv.name in _READERS_OF_STDIN


def _new_elements(old: _Value | Unknown, new: _Value | Unknown) -> list[str | Unknown | None]:
    """The elements of a variable's new value that it did not hold before at the same index (a scalar is an array of
    one element; None: an element, or the order of the elements, not known)."""
    if not isinstance(new, (tuple, Keyed)):
        return [new]
    items, _ = array_items(new)
    if isinstance(new, Keyed) and new.values() is None:
        return [None]
    if not isinstance(old, (str, tuple, Keyed)):  # (an element not known is the one the variable held)
        return [v for v in items.values() if v is not None]
    before = array_items(old)[0]
    return [v for k, v in items.items() if k not in before or before[k] != v]


def _call_arguments(words: Sequence[Word]) -> tuple[str | Unknown | None, ...]:
    """A call's arguments as its body's positional parameters. A word not known may be several words, or none: from
    it on, no argument is known where it stands. What produced such words is kept (``f $(pgrep node)`` with ``f()
    { kill -9 "$@"; }`` signals the PIDs pgrep prints, as ``kill -9 $(pgrep node)`` does): the parameter at a
    position from there on may be any of their fields. So is a file whose lines xargs gives (``xargs bash -c CMD _ <
    FILE``), when nothing produced the words before it."""
    values = [w.value for w in words]
    unknown_from = next((i for i, v in enumerate(values) if v is None), len(values))
    out: list[str | Unknown | None] = list(values[:unknown_from])
    producers: tuple[int, ...] = ()
    read: Unknown | None = None
    for word in words[unknown_from:]:
        if word.value is None:
            producers += tuple(i for u in word.unknowns for i in u.producers if i not in producers)
            read = read or next((u for u in word.unknowns if u.kind == "file" and u.name), None)
        out.append(Unknown("command", producers=producers) if producers else read)
    return tuple(out)


def _used_outputs(body: tuple[Invocation, ...]) -> frozenset[int]:
    """The invocations whose output another one of ``body`` reads: an earlier pipeline stage, a substitution."""
    used: set[int] = set()
    for inv in body:
        used.update(inv.stdin_producers)
        used.update(i for w in inv.argv for u in w.unknowns for i in u.producers)
    return frozenset(used)


def _unlinks(spec: CommandSpec | None, inv: Invocation) -> bool:
    """Does the command act on a link it is given itself, not on where it leads (``rm LINK``, ``ln -sfn T LINK``)?"""
    if spec is None:
        return False
    if spec.flag("unlinks"):
        return True
    options = spec.list("unlinks_options")
    return bool(options) and parse_args(inv.args, spec.options).has(*options)


def _moved_sources(spec: CommandSpec | None, inv: Invocation) -> frozenset[int]:
    """The argv indexes of what a command that renames (``unlinks_sources``: mv) renames: every operand but the
    destination, or all of them with a target directory option (``mv -t DIR A B``). ``mv LINK X`` renames the link;
    ``mv X LINK`` moves X into the directory LINK leads to, if it leads to one (so the destination is followed)."""
    if spec is None or not spec.flag("unlinks_sources"):
        return frozenset()
    parsed = parse_args(inv.args, spec.options)
    operands = list(parsed.operands)
    if not parsed.values(*spec.list("target_directory_options")):
        operands = operands[:-1]
    chosen = {id(w) for w in operands}
    return frozenset(k for k, w in enumerate(inv.argv) if id(w) in chosen)


_PART_NOT_KNOWN = "\0"  # in a link's target: a part of the name not known (no file name holds a NUL)


def _link_target(word: Word) -> str | None:
    """What a link made from ``word`` leads to, as text: its value; its known beginning and a part not known
    (``vmlinuz-$ver``: a name in the link's directory, ``/opt/x/$X``: something in /opt/x); None when nothing of it
    is known (``$X`` may be any path)."""
    if word.value is not None:
        return word.value
    prefix = word.literal_prefix
    return prefix + _PART_NOT_KNOWN if prefix and not word.is_glob else None


def _followed_parts(lead: str, followed: str | None) -> tuple[Literal | Unknown, ...]:
    """A path found through the links as word parts: its known text, a part not known where a link's target was
    not known (``/opt/$X``: ``/opt/`` and the unknown part), all of it not known for a target not known at all."""
    if followed is None:
        return (Unknown("link"),)
    pieces = (lead + followed).split(_PART_NOT_KNOWN)
    parts: list[Literal | Unknown] = []
    for k, piece in enumerate(pieces):
        if k:
            parts.append(Unknown("link"))
        if piece:
            parts.append(Literal(piece, True))
    return tuple(parts)


def _in_root(
    argv: list[Word], redirects: tuple[Redirect, ...], cwd: str | None, root: str | None
) -> tuple[list[Word], tuple[Redirect, ...], str | None]:
    """A command inside a chroot, its paths seen from outside: each absolute one (words after the command name,
    redirection targets, the cwd) under the root, or not known under a root not known."""
    host_cwd = _rooted_path(cwd, root)
    words = [w if k == 0 else _rooted(w, root) for k, w in enumerate(argv)]
    seen: list[Redirect] = []
    for red in redirects:
        target = _rooted(red.target, root) if red.target is not None and red.op != "<<<" else red.target
        path = paths.resolve(target.value, host_cwd) if target is not None and target.value is not None else None
        seen.append(Redirect(red.op, red.span, target, red.fd, path) if target is not red.target else red)
    return words, tuple(seen), host_cwd


def _rooted_path(path: str | None, root: str | None) -> str | None:
    if path is None or root is None:
        return None
    return paths.normalise(root + "/" + paths.normalise(path))  # ``/..`` inside the root is the root


def _rooted(word: Word, root: str | None) -> Word:
    """``/tenmon-ark-live/dist`` under the root ``/opt``: ``/opt/tenmon-ark-live/dist`` (``KEY=PATH`` by its path)."""
    lead = _path_lead(word.literal_prefix)
    if lead is None:
        return word
    rest = word.without_prefix(len(lead)).parts if lead else word.parts
    if word.value is not None:
        rest = (Literal(paths.normalise(word.value[len(lead) :]), True),)  # ``/..`` inside the root is the root
    head: Literal | Unknown = Literal(root.rstrip("/"), True) if root is not None else Unknown("root")
    return Word(word.text, word.span, ((Literal(lead, True),) if lead else ()) + (head, *rest))


def _path_lead(prefix: str) -> str | None:
    """What comes before an absolute path in a word: nothing (``/x``), or ``KEY=`` (``of=/x``); None when the word
    is no absolute path."""
    if prefix.startswith("/"):
        return ""
    key, eq, after = prefix.partition("=")
    return key + eq if eq and after.startswith("/") and "/" not in key and not key.startswith("-") else None


def _shell_option_words(words: Sequence[Word], with_value: frozenset[str]) -> tuple[set[int], set[int]]:
    """Where, among a shell's options before the first operand, its ``+x`` options are (``bash +x -c TEXT``,
    ``+o noexec``, ``+O extglob`` with its value, ``+$X``), and the words not known statically that stand before
    more options (``bash $OPTS -c TEXT``). Both would be taken for the script's name by an option reader, which
    then misses ``-c``: a + option turns a setting off; a word not known may be options, or none (it is empty)."""
    plus: set[int] = set()
    loose: list[int] = []
    last_option = -1
    i = 0
    while i < len(words):
        word = words[i]
        value = word.value if word.value is not None else word.literal_prefix
        known = word.value is not None
        if value.startswith("+") and (len(value) > 1 or not known):
            plus.add(i)
            if known and value in with_value:
                plus.add(i + 1)
                i += 1
        elif not known and not value:
            loose.append(i)  # ``$OPTS``: options, or the script's name (``-$X`` is an option the reader keeps)
        elif not known and not value.startswith("-"):
            break  # ``x$Y``: no option, the script's name
        elif value == "--" or not value.startswith("-"):
            break
        elif known and value in with_value:
            i += 1
        if known:
            last_option = i
        i += 1
    return plus, {k for k in loose if k < last_option}


def _started_job(state: _State, job: Unknown | None) -> None:
    """A job started in the background: ``$!`` names it (None: a process not known, a subshell's), and the
    shell's table of jobs has it last."""
    state.env[BACKGROUND_PID] = job
    table = state.env.get(JOBS)
    if isinstance(table, tuple):
        state.env[JOBS] = (*table, job)


def _job_specs(argv: Sequence[Word], state: _State) -> list[Word]:
    """The builtin kill's job specs (``%1``, ``%%``, ``%+``, ``%-``, ``%node``, ``%?index``) as the jobs they may
    name: ``node dist/index.js & sleep 1; kill -9 %1`` SIGKILLs node. Jobs started before the text (at an earlier
    prompt; in the shell that sources a file) may be there too, and take the first numbers; a number is given again
    once the jobs that had it have ended. So a spec may name any job the text started, or one it did not (the
    matcher's floor, see ``Unknown.name``); where one the text started is not known, it is not known at all."""
    table = state.env.get(JOBS)
    jobs = [job for job in table if isinstance(job, Unknown)] if isinstance(table, tuple) else []
    known = isinstance(table, tuple) and len(jobs) == len(table)
    producers = tuple(dict.fromkeys(i for job in jobs for i in job.producers))
    out = list(argv[:1])
    for word in argv[1:]:
        spec = word.value
        if spec is None or not spec.startswith("%"):
            out.append(word)
        else:
            part = Unknown(JOB, name=spec, producers=producers) if known else Unknown("variable", name=spec)
            out.append(Word(word.text, word.span, (part,)))
    return out


def _set_arguments(child: _State, words: Sequence[Word]) -> None:
    """``bash -c TEXT NAME ARG...``: TEXT runs with NAME as ``$0`` and the ARGs as ``$1``... (none: ``$1`` is
    empty), so ``bash -c 'rm -rf "$1"' _ DIR`` removes DIR. A word not known may be several words or none: from it
    on, no argument is known where it stands, but what produced it is kept, as for a function's call (``pgrep node
    | xargs -n1 bash -c 'kill -9 $0'``: xargs gives each PID as NAME)."""
    _bind_arguments(child, _call_arguments(words))


def _bind_arguments(child: _State, arguments: Sequence[str | Unknown | None]) -> None:
    """``$0`` and ``$1``... of a shell from the arguments it runs with (as :func:`_call_arguments` gives them:
    None or an Unknown from the first word not known statically on)."""
    child.env[POSITIONAL] = tuple(arguments[1:])
    if arguments and arguments[0] is not None:
        child.env[SCRIPT_NAME] = arguments[0]
    else:
        child.env.pop(SCRIPT_NAME, None)


_IMPORTED_FUNCTION = "BASH_FUNC_"  # (then NAME%%): a function a new bash defines from its environment
_JOINING_OPERATOR = re.compile(r"\s*(?:;|&&|\|\||\||&)\s*")  # what joins an appended command to the ones before it


def _word_value(word: Word) -> str | None:
    return word.value


def _side_word(side: str, word: Word, here: dict[str, str | None]) -> Word:
    """A name in a file-transfer batch: on a side (remote, local), a path, absolute or in that side's directory
    (not known where the directory is not); a glob still matches (``rm dist/*``). Other words are as they are."""
    if side not in here or word.literal_prefix.startswith("/") or not word.parts:
        return word
    if isinstance(word.parts[0], Unknown) and not word.parts[0].producers:
        return word  # ``$F``: may be an absolute path
    directory = here[side]
    head: Part = Unknown("variable", name="PWD") if directory is None else Literal(directory.rstrip("/") + "/")
    joined = Word(word.text, word.span, (head, *word.parts))
    value = joined.value
    return Word(word.text, word.span, (Literal(paths.normalise(value)),)) if value is not None else joined


# sed's s command replacing a whole line (s/^PATTERN.*/TEXT/ with any delimiter, flags g, I or a number) by text
# with no & and no backslash (no part of the old line, no escape)
_WHOLE_LINE_EDIT = re.compile(
    r"s(?P<d>[^\w\s\\])\^(?:(?!(?P=d)).)*\.\*\$?(?P=d)(?P<new>(?:(?!(?P=d))[^&\\\n])*)(?P=d)[gI0-9]*"
)


def _later(ctx: _Ctx, name: str, span: Span) -> _Ctx:
    """Where text that runs later, out of this line (a cron job), is read: through name, with nothing of the
    line's pipeline or redirections."""
    return dataclasses.replace(
        _through(ctx, Wrapper(name, span)), stdin_producers=(), stdin_text=None, stdin_unknown=None, redirects=()
    )


def _through(ctx: _Ctx, wrapper: Wrapper) -> _Ctx:
    """``ctx`` one layer deeper; past :data:`MAX_NESTING` layers the list stops growing (the text is still read:
    ``_payload`` bounds the depth and reports what it cannot read)."""
    if len(ctx.wrappers) >= MAX_NESTING:
        return ctx
    return _Ctx(
        (*ctx.wrappers, wrapper),
        ctx.in_subst,
        ctx.in_function,
        ctx.via_call,
        ctx.span,
        ctx.depth,
        ctx.stdin_producers,
        ctx.stdin_text,
        ctx.stdin_unknown,
        ctx.redirects,
        ctx.in_aliases,
        ctx.root,
        ctx.placed,
        ctx.at,
        ctx.stdin_errors,
    )


def _in_substitution(ctx: _Ctx) -> _Ctx:
    """Where the commands of a substitution (or of code bash evaluates as one) run: in a subshell whose output is
    taken, with none of the command's pipeline, stdin or redirections. (``dataclasses.replace`` with these
    fields, spelled out: it is made for every word that holds a substitution.)"""
    return _Ctx(
        ctx.wrappers,
        True,
        ctx.in_function,
        ctx.via_call,
        ctx.span,
        ctx.depth,
        (),
        None,
        None,
        (),
        ctx.in_aliases,
        ctx.root,
        ctx.placed,
        ctx.at,
    )


def _piped(ctx: _Ctx, producers: tuple[int, ...], stdin_text: str | None, piped: Sequence[int], errors: bool) -> _Ctx:
    """A pipeline stage after the first: it reads what ``producers`` print (known as ``stdin_text``, or not), not
    the pipeline's own stdin when a stage before it printed (``piped``). (``dataclasses.replace`` spelled out, as
    :func:`_through`: it is made for most stages of every pipeline.)"""
    return _Ctx(
        ctx.wrappers,
        ctx.in_subst,
        ctx.in_function,
        ctx.via_call,
        ctx.span,
        ctx.depth,
        producers,
        stdin_text,
        None if piped else ctx.stdin_unknown,
        ctx.redirects,
        ctx.in_aliases,
        ctx.root,
        ctx.placed,
        ctx.at,
        errors,
    )


def _in_function(
    ctx: _Ctx, name: str | None, via_call: bool, span: Span | None, depth: int, placed: tuple[str, int] | None
) -> _Ctx:
    """Where a function's body is read: where it is defined, or for a call (``via_call``, one level deeper, every
    span the call's, placed nowhere). (``dataclasses.replace`` spelled out, as :func:`_through`.)"""
    return _Ctx(
        ctx.wrappers,
        ctx.in_subst,
        name,
        via_call,
        span,
        depth,
        ctx.stdin_producers,
        ctx.stdin_text,
        ctx.stdin_unknown,
        ctx.redirects,
        ctx.in_aliases,
        ctx.root,
        placed,
        ctx.at,
        ctx.stdin_errors,
    )


def _appended(old: _Value, new: _Value) -> _Value:
    """``NAME+=value``: the old value with the new one after it, when both are known (else not known); on an
    array, its element 0."""
    if isinstance(old, str) and isinstance(new, str):
        return old + new
    if isinstance(old, (tuple, Keyed)):
        return _set_element(old, "0", new, append=True)
    return None


def _set_element(old: _Value, subscript: str | None, value: _Value, append: bool) -> _Value:
    """``x[K]=v`` (``+=``: v after the element's text): the array after it. A subscript not known, or one bash
    would evaluate, makes the whole array not known."""
    items, associative = array_items(old)
    key = array_key(subscript, associative) if subscript is not None else None
    if key is None:
        return None
    known = value if isinstance(value, str) else None
    if append:
        before = items.get(key, "")
        known = before + known if isinstance(before, str) and known is not None else None
    items[key] = known
    return make_array(items, associative)


def _capped(value: _Value) -> _Value:
    """A value past :data:`MAX_VALUE_CHARS` is no longer tracked (not known): ``v=$v$v`` thirty times would
    otherwise double it thirty times, gigabytes for a line bash runs in no time."""
    if isinstance(value, str):
        return value if len(value) <= MAX_VALUE_CHARS else None
    elements = value.values() if isinstance(value, Keyed) and not value.associative else value
    if isinstance(value, Keyed) and value.associative:
        elements = tuple(v for _, v in value.items)
    if isinstance(elements, tuple) and (
        len(elements) > MAX_ARRAY_ELEMENTS or sum(len(v) for v in elements if isinstance(v, str)) > MAX_VALUE_CHARS
    ):
        return None
    return value


def _variable_word(name: str, cmd: _Command, state: _State) -> Word | None:
    """What the variable ``name`` holds where ``cmd`` runs (its own ``NAME=value`` first), as the word the command
    is given in its place (``history -w`` writes $HISTFILE, ``mktemp`` makes its file in $TMPDIR): its text; its
    known start and an unknown piece for the rest; nothing of it known (or an array): an unknown piece. None when
    it is not set (as bash starts: the command's own default)."""
    given = dict(cmd.assignments)
    value = _env_value(given[name], name) if name in given else state.view().get(name, "")
    if value == "":
        return None
    span = cmd.span
    if isinstance(value, str):
        return literal_word(value, span)
    if isinstance(value, Unknown) and value.prefix:
        return Word("", span, (Literal(value.prefix, True), Unknown(value.kind, value.name, value.producers)))
    return Word("", span, (value if isinstance(value, Unknown) else Unknown("variable", name=name),))


def _env_value(word: Word, name: str | None = None) -> str | Unknown | None:
    """What a variable holds after ``NAME=word``: its text; the unknown part (with its producers) when the whole
    value is one substitution (``PID=$(pgrep node)``); the known text it starts with and an unknown piece for all
    the rest (``D=/opt/app/$(date +%F)``, ``LOG=/var/log/x-$USER.log``: judged as the same path written out is);
    None when nothing of it is known. A value of several pieces, one a command's output (``P="$x $(pgrep node)"``,
    ``P=$(pgrep node)$x``, ``P="1 $x $(pgrep node)"``), is the variable ``name`` not known, as any value not known
    is, that keeps the commands as its producers: its PIDs are theirs and maybe others (selection.py), as a path
    it is the variable not known (matcher.py)."""
    if word.value is not None:
        return word.value
    unknowns = word.unknowns
    prefix = word.literal_prefix
    producers = tuple(dict.fromkeys(i for u in unknowns for i in u.producers))
    if not prefix:
        if (
            len(unknowns) == 1
            and unknowns[0].producers
            and all(not p.text for p in word.parts if isinstance(p, Literal))
        ):
            return unknowns[0]
        return Unknown("variable", name, producers) if producers and name and not word.is_glob else None
    if word.is_glob:
        return None
    first = unknowns[0]
    if len(unknowns) == 1:
        return Unknown(first.kind, first.name, producers, prefix)
    if producers and name:
        return Unknown("variable", name, producers, prefix)
    return Unknown("command", first.name, producers, prefix)


def _unescape_backquoted(inside: str, quoted: bool = False) -> str:
    """Inside backquotes bash drops the backslash before ``$``, a backquote and a backslash; in backquotes inside
    double quotes also before ``"`` (``x="`pkill \\"node\\"`"`` runs ``pkill node``)."""
    escaped = '$`\\"' if quoted else "$`\\"
    out: list[str] = []
    i = 0
    while i < len(inside):
        if inside[i] == "\\" and i + 1 < len(inside) and inside[i + 1] in escaped:
            out.append(inside[i + 1])
            i += 2
        else:
            out.append(inside[i])
            i += 1
    return "".join(out)


def _in_double_quotes(text: str, start: int, at: int) -> bool:
    """Whether ``at`` lies inside a double-quoted string of the word that starts at ``start``: quotes, escapes and
    the substitutions before it in the word are skipped over as bash reads them."""
    i, double = start, False
    while i < at:
        c = text[i]
        if c == "\\":
            i += 2
        elif c == '"':
            double = not double
            i += 1
        elif (c == "'" and not double) or c == "`" or (c == "$" and text.startswith(("(", "{"), i + 1)):
            i = skip_quoted(text, i, at)
        else:
            i += 1
    return double


_HEREDOC_TO_QUOTED = re.compile(r'\\[$`\\\n]|\\|"')  # (see _as_quoted)
_HEREDOC_ESCAPE = re.compile(r"\\([$`\\\n])")  # what a backslash escapes in an unquoted heredoc


def _heredoc_expanded(body: str, state: _State) -> str | Word | None:
    """An unquoted heredoc's body as the command reads it, expanded by the shell that feeds it: its variables take
    the values they have there, and quotes in it are plain text (``x=/opt/app; bash <<E`` with a line ``rm -rf
    '$x/dist'`` removes /opt/app/dist; the text as written, read by the shell it feeds, expands nothing in the
    quotes, and ``$x`` is empty there). A body with a part not known (what a substitution prints, a variable not
    known) is a Word of its pieces; None when it does not expand to one text (``"$@"``)."""
    quoted = '"' + _HEREDOC_TO_QUOTED.sub(_as_quoted, body) + '"'
    words = expand_word(quoted, Span(0, len(quoted)), state.view(), no_substitutions)
    if len(words) != 1:
        return None
    value = words[0].value
    return value if value is not None else words[0]


def _as_quoted(match: re.Match[str]) -> str:
    """A heredoc's text inside double quotes, with the same value: a backslash escapes the same characters there
    and ``"`` too, which the heredoc keeps as it is."""
    found = match.group(0)
    if found == '"':
        return '\\"'
    return found if len(found) == 2 else "\\\\"


def _heredoc_unescaped(body: str) -> str:
    r"""An unquoted heredoc's body as the command reads it: bash drops the backslash before ``$``, a backquote and a
    backslash, and a backslash-newline (``bash <<EOF`` with a line ``\$(pkill node)`` runs pkill). Its expansions
    are left as written: the substitutions were judged where they run, and a shell reading the text reads them
    as the ones it expands."""
    if "\\" not in body:
        return body
    return _HEREDOC_ESCAPE.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), body)


def _prompt_substitutions(prompt: str) -> list[str]:
    """The command substitutions a prompt runs when shown (``\\$`` first becomes ``$`` for a user other than root)."""
    return list(dict.fromkeys(_body_substitutions(prompt) + _body_substitutions(prompt.replace("\\$", "$"))))


def _body_substitutions(body: str) -> list[str]:
    """The texts of the command substitutions in an unquoted heredoc body (escaped ``\\$`` is literal)."""
    found: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            i += 2
        elif body.startswith("$((", i):
            end = _skip_balanced(body, i + 1, len(body))
            found.extend(_body_substitutions(body[i + 3 : max(i + 3, end - 2)]))
            i = end
        elif body.startswith("$(", i):
            end = _skip_balanced(body, i + 1, len(body))
            found.append(body[i + 2 : max(i + 2, end - 1)])
            i = end
        elif ch == "`":
            end = _skip_balanced(body, i, len(body))
            found.append(_unescape_backquoted(body[i + 1 : max(i + 1, end - 1)]))
            i = end
        else:
            i += 1
    return found


_ARITH_TESTS = frozenset({"-eq", "-ne", "-lt", "-le", "-gt", "-ge"})
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_ARITH_DEPTH = 8
# a variable arithmetic assigns: ``++i``, ``i--``, ``i = 1``, ``a[k] += 2`` (not ``i == 1``, ``i <= 1``)
_ARITH_ASSIGNED = re.compile(
    r"(?:\+\+|--)\s*([A-Za-z_]\w*)|([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*(?:\+\+|--|(?:<<|>>|[-+*/%&^|])?=(?!=))"
)


# a variable arithmetic assigns whose name an expansion gives: ``$1 = 7``, ``++$n``, ``${v}+=1``
_ARITH_EXPANDED_ASSIGNED = re.compile(
    r"(?:\+\+|--)\s*\$|\$(?:\{[^}]*\}|\w+|.)\s*(?:\[[^\]]*\])?\s*(?:\+\+|--|(?:<<|>>|[-+*/%&^|])?=(?!=))"
)


def _forget_arith_assigned(expression: str, state: _State) -> None:
    """Arithmetic that assigns a variable (``(( i++ ))``, ``$(( i = 1 ))``, ``let i+=1``) leaves it with a value the
    guard does not compute: it is not known after, never the value it had before (``a=(x pkill); i=0; (( i++ ));
    ${a[i]} node`` ran pkill node in bash and was allowed, the guard reading ${a[0]})."""
    if "=" not in expression and "++" not in expression and "--" not in expression:
        return
    if "$(" in expression or "`" in expression:
        expression = _without_commands(expression)  # (``a[$($c --)]``: the -- is rm's, not c--)
    if "$" in expression and _ARITH_EXPANDED_ASSIGNED.search(expression):
        state.write_anywhere()  # (``(( $1 = 7 ))``: a name an expansion gives)
    for m in _ARITH_ASSIGNED.finditer(expression):
        state.env[state.target(m.group(1) or m.group(2))] = None


def _without_commands(text: str) -> str:
    """``text`` with each command substitution (``$(...)``, backquotes) a blank: what arithmetic in it assigns is
    judged on the rest (``$((...))`` is arithmetic: kept)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith("$((", i):
            out.append("$((")
            i += 3
        elif text.startswith("$(", i) or text[i] == "`":
            i = max(i + 1, _skip_balanced(text, i + (text[i] == "$"), len(text)))
            out.append(" ")
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _named_variables(name: str, args: list[str | None]) -> list[str]:
    """The variable names a builtin is given, as text (``printf -v NAME``, ``read NAME...``/``-a NAME``,
    ``declare NAME[=v]``, ``unset NAME``, ``test -v NAME``, ``wait -p NAME``): bash evaluates a subscript in them."""
    known = [a for a in args if a is not None]
    pairs = list(itertools.pairwise(known))
    if name in ("printf", "test", "["):
        return [b for a, b in pairs if a == "-v"]
    if name == "wait":
        return [b for a, b in pairs if a == "-p"]
    if name == "unset":
        return [a for a in known if not a.startswith("-")]
    if name == "read":
        return [a for a in known if not a.startswith("-")] + [
            b for a, b in pairs if a.startswith("-") and a.endswith("a")
        ]
    if name in _DECLARATIONS:
        return [_declared_name(a) for a in known if not a.startswith(("-", "+"))]
    return []


def _declared_name(operand: str) -> str:
    """The NAME or NAME[SUBSCRIPT] of a declaration's operand: up to its ``=``, which may not be one inside the
    subscript (``a[$(X=1 cmd)]=1``)."""
    open_at = operand.find("[")
    equals = operand.find("=")
    if open_at < 0 or 0 <= equals < open_at:
        return operand.partition("=")[0]
    close = _subscript_close(operand, open_at + 1, len(operand))
    return operand if close is None else operand[: close + 1]


def _subscript_code(name: str) -> list[str]:
    """The command substitutions in the subscript of a variable name given as text (``a[$(cmd)]``)."""
    open_at = name.find("[")
    return _body_substitutions(name[open_at:]) if open_at >= 0 else []


_READ_NAME = "\x00read "  # stands for a variable name a builtin is given that the line read as it ran


def _read_name(word: Word, index: int, refs: bool = False) -> str | None:
    """A name operand not known whose text was read as the line ran (``read x; printf -v "$x" %s 1``): bash
    evaluates its subscript, which the text read may hold (``a[$(cmd)]``); None for any other word. ``refs``: a
    declaration of namerefs, whose values are names too (``declare -n r="$x"``)."""
    if "=" in word.literal_prefix and not refs:
        return None  # (local target="$entry": the name is written, only the value was read)
    read = any(isinstance(p, Unknown) and p.kind in _READ_AT_RUN_TIME for p in word.parts)
    return f"{_READ_NAME}{index}" if read else None


def _posix_assignments(text: str, node: SimpleCommand) -> SimpleCommand:
    """A command as sh (dash) reads it: ``x+=b`` and ``a[1]=b`` are no assignments there but the command's name
    (not found: ``x=a; x+=b`` leaves x as it was), the words after it its arguments. (DECODING_ECHO in the shell's
    options marks a text sh reads.)"""
    for k, word in enumerate(node.assignments):
        split = split_assignment(text, word.span)
        if split is None or split[2]:
            return dataclasses.replace(
                node, assignments=node.assignments[:k], words=(*node.assignments[k:], *node.words)
            )
    return node


def _not_globbed(word: Word) -> Word:
    """A declaration's NAME=value operand, which bash does not glob (x='[a]'; declare -n r=r$x refers to
    r[a] even where a file r=ra exists): its text taken as quoted."""
    if not word.is_glob:
        return word
    return Word(word.text, word.span, tuple(Literal(p.text, True) if isinstance(p, Literal) else p for p in word.parts))


def _plain_text(word: Word) -> str | None:
    """The text of a word made of literal text only (a glob pattern as written), None otherwise."""
    texts = [p.text for p in word.parts if isinstance(p, Literal)]
    return "".join(texts) if len(texts) == len(word.parts) else None


def _name_code(name: str, env: Env) -> list[str]:
    """What bash runs as it evaluates the subscript of a variable name given as text: the substitutions written in
    it, and, the subscript being arithmetic, those the values of the variables it names hold (``x='b[$(cmd)]';
    printf -v 'a[x]' %s 1`` runs cmd)."""
    open_at = name.find("[")
    return _subscript_code(name) + _arith_code(name[open_at:], env) if open_at >= 0 else []


_LITERAL_KEY = re.compile(r"[(\s]\[([^\]]*)\]\+?=")  # ``[i]=`` in an array literal ``(x [i]=y)``


def _keys_code(literal: str, env: Env) -> list[str]:
    """An array literal's subscripts (``a=([i]=x)``) are arithmetic for an indexed array: the substitutions the
    values of the variables they name hold run (an associative array's keys are not evaluated: judged all the same,
    which array it is may not be known)."""
    code: list[str] = []
    for m in _LITERAL_KEY.finditer(literal):
        key = m.group(1)
        quoted = len(key) > 1 and key[0] == key[-1] == '"'  # (a whole quoted key: most likely an associative one)
        code.extend(c for c in _arith_code(key, env) if not (quoted and c.startswith('"$')))
    return code


def _chained_aliases(
    text: str, node: SimpleCommand, body: str, aliases: dict[str, str], expanding: frozenset[str]
) -> str:
    """The text after an alias's name, as bash reads it: when the alias's text ends in a blank, the next word is
    expanded too if it is an alias written plainly, and so on (``alias k='fuser ' a='-k 3000/tcp'``; ``k a``
    runs fuser -k 3000/tcp)."""
    end = node.words[0].span.end
    out: list[str] = []
    for word in node.words[1:]:
        if not body.endswith((" ", "\t")):
            break
        name = text[word.span.start : word.span.end]
        if name not in aliases or name in expanding:
            break
        body = aliases[name]
        out.append(text[end : word.span.start] + body)
        end = word.span.end
    return "".join(out) + text[end : node.span.end]


_SUBSCRIPT = re.compile(r"\[([^\]]*)\]")


def _forget_subscript_assigned(written: str, state: _State) -> None:
    """A subscript is arithmetic bash evaluates as it expands the word: ``${a[i++]}`` and ``b[i++]=1`` change i."""
    if "++" in written or "--" in written or "=" in written:
        for m in _SUBSCRIPT.finditer(written):
            _forget_arith_assigned(m.group(1), state)


ARITH_SHELLS = frozenset({"bash", "rbash", "ksh", "mksh", "zsh"})  # shells that read ``((...))`` as arithmetic
_POSIX_MODE = re.compile(r"posix|POSIXLY_CORRECT")  # what names bash's POSIX mode (see _may_turn_posix_on)


def _may_turn_posix_on(text: str, zsh: bool) -> bool:
    """Whether a text may turn on what keeps an assignment before a special builtin: bash's POSIX mode (``set -o
    posix``, ``shopt -so posix``, POSIXLY_CORRECT), zsh's POSIX_BUILTINS (``setopt posix_builtins``, in any case and
    with any underscores, as zsh reads option names; ``emulate sh`` or ``ksh``, also with ``-c TEXT``)."""
    if not zsh:
        return _POSIX_MODE.search(text) is not None
    folded = text.lower().replace("_", "")
    return "posix" in folded or "emulate" in folded  # (the zsh reading writes ``emulate sh -c`` with set -o posix)


def _may_set_posix(inv: Invocation) -> bool:
    """Whether ``set`` or ``shopt`` may turn bash's POSIX mode on: an option named ``posix`` or one not known
    (``set -o "$mode"``; text built at run time, as eval's, which the scan of the text given did not see)."""
    values = [w.value for w in inv.args]
    return any(v is None or v == "posix" for v in values) and any(
        v is None or (v[:1] in ("-", "+") and "o" in v[1:]) for v in values
    )


# where ``x=v eval ...`` (``.``, ``:``, another special builtin) leaves x set after it, and where it does not
_POSIX_SPECIAL_SHELLS = frozenset({"sh", "dash", "ksh", "mksh", "posix"})
_TEMPORARY_PREFIX_SHELLS = frozenset({"bash", "rbash", "zsh"})
# builtins that read variables the assignments before them may set (cd: HOME, OLDPWD, CDPATH)
_READING_PREFIX = frozenset({"cd", "pushd", "popd"})
# POSIX's special builtins whose assignments before them stay (eval and ``.``: see Builder._eval, _source)
_SPECIAL_KEEPING = frozenset(
    {":", "break", "continue", "exec", "exit", "export", "readonly", "return", "set", "shift", "times", "trap", "unset"}
)


def _prefix_assigned(cmd: _Command | Invocation, state: _State) -> dict[str, _Value | object]:
    """``x=node eval 'pkill $x'``, ``x=node . FILE``, ``x=node f``: what runs in this shell sees the command's own
    assignments (bash runs pkill node). They are set here; the values they replace are returned (see
    Builder._prefix_done)."""
    saved: dict[str, _Value | object] = {}
    for name, word in cmd.assignments:
        target = state.target(name)
        if not target:
            continue
        if target not in saved:
            saved[target] = state.env.get(target, _UNSET)
        state.env[target] = _capped(_cased(state, target, _env_value(word, target)))
    return saved


def _arithmetic_to_bash(text: str, span: Span) -> bool:
    """Does bash read the ``((`` at ``span`` as an arithmetic command, never as two subshells? bash reads from the
    second ``(`` to its matching ``)`` and takes arithmetic when a ``)`` comes right after: so the command must end
    ``))`` and the parentheses between must pair up there. Quotes, backslashes, comments, heredocs (a newline) and
    case patterns in a substitution may hide a parenthesis from this count, so text that may hold one is taken as
    it was (both readings judged)."""
    if not text.endswith("))", span.start, span.end) or "case" in text[span.start : span.end]:
        return False
    depth = 1
    for i in range(span.start + 2, span.end - 1):
        c = text[i]
        if c in "'\"`\\\n" or (c == "#" and text[i - 1] not in "${"):
            return False
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i == span.end - 2
    return False


def _arith_header(text: str, span: Span) -> str:
    """The arithmetic of ``(( ... ))`` or of the header of ``for (( ...; ...; ... ))`` (not the loop's body)."""
    end = text.find("))", span.start, span.end)
    return text[span.start : end if end >= 0 else span.end]


def _expression_code(expression: str, env: Env) -> list[str]:
    """The substitutions run when text given as a quoted arithmetic expression is evaluated (``let 'EXPR'``, a value
    assigned to an integer variable): its own subscripts and the values of the variables in it."""
    return _subscript_code(expression) + _arith_code(expression, env)


def _arith_code(expression: str, env: Env, depth: int = 0) -> list[str]:
    """The command substitutions arithmetic runs when it evaluates ``expression``: bash evaluates the value of each
    variable in it as an expression in turn (``x='a[$(cmd)]'; (( x ))`` runs cmd). Substitutions written in the
    expression itself are the parser's; those in values are found here."""
    code = _subscript_code(expression) if depth else []
    if depth >= MAX_ARITH_DEPTH:
        return code
    for name in dict.fromkeys(_IDENTIFIER.findall(expression)):
        value = env.get(name)
        if isinstance(value, str) and value and not value.isdigit():
            code.extend(_arith_code(value, env, depth + 1))
        elif isinstance(value, Unknown) and value.kind in _READ_AT_RUN_TIME:
            code.append(f'"${name}"')  # (read x; (( x )): x may hold a[$(cmd)]: any command, as "$x" run is)
    return code


def _arith_value(written: str, env: Env) -> str | None:
    """What ``$((EXPR))`` or ``$[EXPR]`` expands to when the guard computes bash's value (arith.py: ``$((011))`` is
    9), the variables in it taking their known values; None otherwise (a substitution in it, a variable not known).
    bash expands ``$name`` and ``${name}`` in the text before it evaluates it, so their known text is put in their
    place (``t=09; $((10#$t))`` is 9; ``t=1+2; $((2*$t))`` is 4, where ``$((2*t))`` is 6)."""
    if written.startswith("$((") and written.endswith("))"):
        expression = written[3:-2]
    elif written.startswith("$[") and written.endswith("]"):
        expression = written[2:-1]
    else:
        return None
    if "`" in expression or "$" in _ARITH_PARAMETER.sub("", expression):
        return None
    if "$" in expression:
        values = [_known_text(env.get(m.group(1) or m.group(2))) for m in _ARITH_PARAMETER.finditer(expression)]
        if any(v is None for v in values):
            return None
        texts = iter(values)
        expression = _ARITH_PARAMETER.sub(lambda _: next(texts) or "", expression)
    value = arith.evaluate(expression, lambda name: _known_text(env.get(name)))
    return str(value) if value is not None else None


# a parameter bash expands in arithmetic text before evaluating it: ``$name``, ``${name}``
_ARITH_PARAMETER = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


def _known_text(value: Value | None) -> str | None:
    return value if isinstance(value, str) else None


def _assignment_name(word: Word) -> str | None:
    """``NAME=...`` as an env operand (the value may be unknown: ``"PATH=$PATH"``)."""
    prefix = word.literal_prefix
    name, eq, _ = prefix.partition("=")
    if eq and name and (name[0].isalpha() or name[0] == "_") and all(c.isalnum() or c == "_" for c in name):
        return name
    return None


def _sequence(node: Compound) -> list[SimpleCommand] | None:
    """The simple commands of a ``{ ...; }`` or ``( ... )`` run one after the other (``;`` and newlines only, no
    redirection); None for anything else."""
    if node.kind not in ("group", "subshell") or node.redirects:
        return None
    found: list[SimpleCommand] = []
    for child in node.body:
        items = child.items if isinstance(child, CommandList) else (child,)
        operators = child.operators if isinstance(child, CommandList) else ()
        if any(op not in (";", "\n") for op in operators) or not all(isinstance(i, SimpleCommand) for i in items):
            return None
        found.extend(i for i in items if isinstance(i, SimpleCommand))
    return found


_AWK_ASSIGNMENT = r"[A-Za-z_][A-Za-z0-9_]*="  # (compiled on first use, by re's cache)


def _awk_assignment(word: Word, given: bool = False) -> tuple[str, str | None] | None:
    """An awk ``NAME=VALUE`` operand (or, ``given``, a ``-v`` value) as its name and value (None: not known); None
    for an operand that is a file. A ``-v`` value whose name is not known may set any variable (name "")."""
    prefix = word.value if word.value is not None else word.literal_prefix
    match = re.match(_AWK_ASSIGNMENT, prefix)
    if match is None:
        return ("", None) if given else None
    name = match.group()[:-1]
    return name, word.value[match.end() :] if word.value is not None else None


def _an_output(word: Word) -> bool:
    """Is ``word`` one command's output (or stdin's) and nothing else, whose words a loop over it takes?"""
    part = word.parts[0] if len(word.parts) == 1 else None
    return isinstance(part, Unknown) and part.kind in ("command", "stdin")


def _text_word(text: Text, span: Span, producers: tuple[int, ...]) -> Word:
    """A string a program computed, as a word: its known pieces quoted text, the others unknown parts (coming from
    ``producers``, the commands that feed the program, if any)."""
    kind = "stdin" if producers else "command"
    parts = tuple(Literal(p, True) if p is not None else Unknown(kind, producers=producers) for p in text)
    return Word("".join(p if p is not None else "…" for p in text), span, parts or (Literal("", True),))


# a piece not known of a sed or awk program, as the program is read with it: a word of letters that sed's and awk's
# escapes leave whole, neither a delimiter, a blank, a quote nor a separator of either language
_PIECE = "_tenmon_guard_piece_"
_PIECE_MARK = re.compile(r"_tenmon_guard_piece_([0-9]+)_")


def _program_in_part(words: Sequence[Word], files: Sequence[str]) -> tuple[str | None, dict[str, Unknown]]:
    """A sed or awk program known in part (``sed "s/a/$B/w FILE"``), each piece not known written as a mark
    (``_tenmon_guard_piece_N_``) the readers take as a name or as text, with those pieces by mark; None for a
    program known in nothing, or with a pattern the shell expands. What the program names around the marks is read
    as it is written (``w FILE``, ``print > "FILE"``, ``system("CMD")``); a mark is turned back into its piece in
    what the reading gives (:func:`_unmarked`), so no piece becomes known text. GNU sed 4.9 writes ``s/a/$B/w
    FILE``'s FILE whatever ``$B`` holds short of a ``/``, a newline or a last backslash (which make it code, the
    splice doubt's: ``Builder._spliced_code``)."""
    if not words or any(w.is_glob for w in words) or not any(w.unknowns for w in words):
        return None, {}
    pieces: dict[str, Unknown] = {}
    texts: list[str] = []
    for word in words:
        written: list[str] = []
        for part in word.parts:
            if isinstance(part, Unknown):
                mark = f"{_PIECE}{len(pieces)}_"
                pieces[mark] = part
                written.append(mark)
            else:
                written.append(part.text)
        texts.append("".join(written))
    if not any(t.strip(" \t\n") for t in "".join(texts).split(_PIECE)):
        return None, {}  # (nothing known but the pieces: the matcher's code not known)
    return "\n".join([*texts, *files]), pieces


def _unmarked(text: str, pieces: Mapping[str, Unknown], span: Span) -> Word:
    """A name or command text read from a program known in part, as a word: its marks the pieces they stand for,
    the rest quoted text (see :func:`_program_in_part`)."""
    parts: list[Literal | Unknown] = []
    at = 0
    for mark in _PIECE_MARK.finditer(text):
        piece = pieces.get(mark[0])
        if piece is None:
            continue
        if mark.start() > at:
            parts.append(Literal(text[at : mark.start()], True))
        parts.append(piece)
        at = mark.end()
    if at < len(text) or not parts:
        parts.append(Literal(text[at:], True))
    shown = _PIECE_MARK.sub(lambda m: _piece_name(pieces[m[0]]) if m[0] in pieces else m[0], text)
    return Word(shown, span, tuple(parts))


def _sites_not_known(sites: Sequence[object]) -> Computed:
    """What a program known in part computes (``awk "{system(\\$0)} $X"``): not known, one command or file for
    each place it computes one. Its sites are not worked out: a mark would be taken as the text it is (a regular
    expression matching it, a ``length()`` of it), making known what the piece's value decides."""
    from tenmon_guard.programs import NOT_KNOWN, AwkSite, Computed

    writes = tuple((s.op, NOT_KNOWN) for s in sites if isinstance(s, AwkSite) and s.kind == "write")
    commands = tuple(NOT_KNOWN for s in sites if not (isinstance(s, AwkSite) and s.kind == "write"))
    return Computed(commands=commands[:1], writes=writes[:1])


def _installed_format(owner: CommandSpec, kind: str) -> dict[str, Any] | None:
    """How the files of ``kind`` that ``owner`` lists are read (its ``installed_formats``; see _installed_form)."""
    form = (owner.extra.get("installed_formats") or {}).get(kind)
    return form if isinstance(form, dict) else None


def _env_assignment_name(word: Word) -> str | None:
    """``NAME=...`` as a wrapper's operand (``env``, ``sudo``): any word with an ``=`` after its first character,
    not only a shell name (``env 'BASH_FUNC_ls%%=() { ...; }' bash`` passes a function to bash)."""
    name, eq, _ = word.literal_prefix.partition("=")
    return name if eq and name else None


def _basename(value: str | None) -> str | None:
    if value is None:
        return None
    return value.rsplit("/", 1)[-1] if "/" in value else value


def _zsh_reading_of(shell: Word, text: str | Unknown | None) -> str | None:
    """The text ``zsh -c TEXT`` runs, as bash text (:mod:`tenmon_guard.zshread`: ``zsh -c 'a=(pkill node); $a'``
    runs ``pkill node``, ``commands[ls]=PATH`` changes what ls runs), when it differs from TEXT; None otherwise
    (another shell, a text not known statically). Imported only for zsh."""
    if _basename(shell.value) != "zsh" or not isinstance(text, str) or _a_file(text):
        return None
    from tenmon_guard.zshread import zsh_reading

    reading = zsh_reading(text)
    return reading if reading != text else None


_NO_IN_LIST = re.compile(r"(?:for|select)[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*(?:;|\n|do\b)")


def _text_environment(child: _State, parsed: ParsedArgs, entry: InlineCode) -> None:
    """The variables a command gives the shell text it runs (knowledge ``shell_text_environment``): a name that
    starts with an operand's text, or a default (``split --filter='gzip > $FILE.gz' F part-``: FILE is part-aa,
    part-ab ...), the rest not known."""
    for name, index, default in entry.text_environment:
        operand = parsed.operands[index] if index < len(parsed.operands) else None
        start = default if operand is None else operand.value
        child.env[name] = Unknown("variable", name=name, prefix=start) if start else None


def _keyed_not_known(parsed: ParsedArgs, spec: CommandSpec) -> bool:
    """Is a value of an option that may give a root, a bind or a cwd in it after a key (``systemd-run -p KEY=VALUE``)
    not known statically, its key included or one of those (``-p "$P"``, ``-p RootDirectory=$R``)? It may then be
    any of them: the command's paths are not known."""
    mappings = [spec.extra.get(k) for k in ("root_option_keys", "bind_pair_option_keys", "chdir_option_keys")]
    for mapping in mappings:
        for option, keys in mapping.items() if isinstance(mapping, dict) else ():
            for value in parsed.values(str(option)):
                if isinstance(value, str) or value.value is not None:
                    continue
                key, eq, _ = value.literal_prefix.partition("=")
                if not eq or any(re.match(str(k), key + eq) for k in keys or ()):
                    return True
    return False


def _bind_pairs(values: Sequence[Word]) -> Iterator[tuple[str, str]]:
    """The (source, mount point) pairs of ``SRC[:DEST[:OPTIONS]]`` items separated by spaces (systemd ``BindPaths=``;
    a ``-`` before SRC: no error when it is missing); an item without DEST binds SRC on itself and changes no name."""
    for value in values:
        for item in (value.value or "").split():
            source, _, rest = item.removeprefix("-").partition(":")
            point = rest.partition(":")[0]
            if source.startswith("/") and point.startswith("/") and point != source:
                yield source, point


def _from_table(args: ParsedArgs, spec: CommandSpec, operands: int) -> bool:
    """Does ``mount`` take what it mounts from a table (``table_options``: ``mount -a``, ``-T FILE``; or a single
    operand, ``table_operands``, looked up in /etc/fstab as a source or a mount point)? Such a table may bind any
    directory anywhere. Not when it only changes a mount's flags (``-o remount``: ``no_write_option_keys``) or
    propagation, or names its source otherwise (``table_free_options``: ``--make-private DIR``, ``-L LABEL DIR``)."""
    if args.has(*spec.list("table_free_options")) or _option_key_found(args, spec.extra.get("no_write_option_keys")):
        return False
    return args.has(*spec.list("table_options")) or operands == spec.extra.get("table_operands")


def _target_prefixed(point: Word, args: ParsedArgs, spec: CommandSpec) -> Word:
    """The mount point under a ``target_prefix_options`` directory (``mount --target-prefix /m --bind SRC y``
    mounts at /m/y; an absolute target too: ``/m`` + ``/y``)."""
    given = args.values(*spec.list("target_prefix_options"))
    return under_prefix(point, value_text(given[-1])) if given else point


def _option_key_found(args: ParsedArgs, mapping: object) -> bool:
    """Does a value of an option of ``mapping`` (``{OPTION: [REGEX, ...]}``) match one of its regexes at its start
    (``mount -o ro,bind``)?"""
    if not isinstance(mapping, dict):
        return False
    for option, regexes in mapping.items():
        for value in args.values(str(option)):
            text = value_text(value)
            if text is not None and any(re.match(str(r), text) for r in regexes or ()):
                return True
    return False


def _type_source(args: ParsedArgs, spec: CommandSpec) -> str | None:
    """A file system mounted by its type that shows the tree its usual mount point shows (knowledge
    ``type_sources``: another mount of cgroup2 is the same hierarchy as /sys/fs/cgroup, of proc the same
    /proc): that directory; None for any other type (a type not known is a device's, whatever it holds)."""
    known = spec.extra.get("type_sources") or {}
    for value in args.values(*spec.list("type_options")):
        text = value_text(value)
        for name in (text or "").split(","):
            if name in known:
                return str(known[name])
    return None


def _as_words(values: Sequence[Word | str], span: Span) -> list[Word]:
    return [v if isinstance(v, Word) else literal_word(v, span) for v in values]


def _keyed_operands(operands: Sequence[Word], keys: Sequence[str]) -> list[Word]:
    """The values of ``KEY=VALUE`` operands for the given keys (``of=FILE`` -> FILE), in order."""
    return [w.without_prefix(len(k) + 1) for w in operands for k in keys if w.literal_prefix.startswith(k + "=")]


def _joined(path: str, cwd: str | None) -> str | None:
    """``path`` made absolute from ``cwd`` without collapsing ``..`` (None when relative and the cwd is not known)."""
    if path.startswith("/"):
        return path
    return posixpath.join(cwd, path) if cwd is not None else None


def _copies_names(spec: CommandSpec) -> bool:
    """Does the command copy, move or back up names (see :meth:`Builder._remember_copies`)?"""
    extra = spec.extra
    return (
        "link_keeping_options" in extra
        or "backup_options" in extra
        or spec.flag("keeps_links")
        or (spec.flag("makes_names"))
    )


def _keeps_links(parsed: ParsedArgs, spec: CommandSpec) -> bool:
    """Does the copy keep a source that is a symlink a link? ``keeps_links``: always (mv); otherwise when the last
    of ``link_keeping_options`` and ``link_following_options`` given is a keeping one (``cp -aL`` follows)."""
    if spec.flag("keeps_links"):
        return True
    keeping, following = spec.list("link_keeping_options"), spec.list("link_following_options")
    last = ""
    for option in parsed.options:
        last = "keep" if option.name in keeping else "follow" if option.name in following else last
    return last == "keep"


def _copies(parsed: ParsedArgs, spec: CommandSpec, cwd: str | None) -> list[tuple[Word, str]]:
    """The (source, destination as written) pairs of a copy: each source into ``-t DIR`` as DIR/NAME; otherwise into
    the last operand, which is the new name of a lone source, or a directory that gets DEST/NAME (which one, the
    file system says; unless ``-T``). Destinations not known statically are left out. A destination that holds the
    source (``cp bin/app .``, ``install ./f /tmp/`` run in /tmp/w) is a directory whenever the source is there: it
    gets DEST/NAME, never becomes the copy (cp and mv refuse a source onto itself)."""
    operands = list(parsed.operands)
    dirs = [d for d in (value_text(v) for v in parsed.values("-t", "--target-directory")) if d is not None]
    whole: str | None = None
    if not dirs and len(operands) >= 2 and operands[-1].value is not None:
        dest, operands = operands[-1].value, operands[:-1]
        no_target = parsed.has(*spec.list("no_target_directory_options"))
        whole = dest if len(operands) == 1 and (no_target or not _holds(dest, operands[0].value, cwd)) else None
        dirs = [] if no_target else [dest]
    out: list[tuple[Word, str]] = [(operands[0], whole)] if whole is not None else []
    for source in operands:
        name = _basename((source.value or "").rstrip("/")) if source.value else None
        out.extend((source, posixpath.join(d, name)) for d in dirs if name)
    return out


def _holds(directory: str, source: str | None, cwd: str | None) -> bool:
    """Does ``directory`` hold the file ``source`` names, by the text (``.`` holds ``bin/app``)? A source ending in
    ``/``, ``.`` or ``..`` names a directory's contents or climbs: not counted."""
    if source is None or source.endswith("/") or source.rsplit("/", 1)[-1] in (".", ".."):
        return False
    where, inside = paths.resolve(directory, cwd), paths.resolve(source, cwd)
    return where is not None and inside is not None and inside != where and paths.is_within(inside, where)


def _option_variables_named(entry: InlineCode, name: str) -> bool:
    """Is ``name`` one of the variables that give the command option values (GIT_CONFIG_COUNT, GIT_CONFIG_KEY_0)?"""
    for _, count, key, value, whole in entry.option_variables:
        if name in (count, whole) or (key and name.startswith(key)) or (value and name.startswith(value)):
            return True
    return False


def _option_variable_names(entry: InlineCode, child: _State) -> list[str]:
    """The variables of a new shell's environment that give the command option values (``export
    GIT_CONFIG_COUNT=1 ...; git x``)."""
    if not entry.option_variables:
        return []
    return [name for name in child.env if _option_variables_named(entry, name)]


def _operand_programs(parsed: ParsedArgs, entry: InlineCode, span: Span) -> list[list[Word]]:
    """The commands a program runs on its file operands (knowledge ``operand_program_options``: ``rg --pre CMD
    PATTERN PATH`` runs ``CMD PATH``, and ``CMD FILE`` for each file under a directory PATH): each as an argv, the
    files under a path standing as a name below it not known. No path operand: the cwd."""
    out: list[list[Word]] = []
    for option, start in entry.operand_programs:
        programs = parsed.values(option)
        if not programs:
            continue
        operands = parsed.operands if parsed.has(*entry.pattern_options) else parsed.operands[start:]
        files = list(operands) or [literal_word(".", span)]
        below = [Word(f.text, f.span, (*f.parts, Literal("/", True), Unknown("glob"))) for f in files]
        for program in programs:
            word = program if isinstance(program, Word) else literal_word(program, span)
            out.extend([word, f] for f in files + below)
    return out


def _positional_words(state: _State, span: Span) -> list[Word]:
    """``"$@"`` as the words a loop with no ``in`` list goes over: each parameter's value where it is known, an
    unknown piece (with what produced it) where not; none when the parameters are not known at all (a script's)."""
    params = state.env.get(POSITIONAL)
    if not isinstance(params, tuple):
        return []
    words: list[Word] = []
    for value in params:
        if isinstance(value, str):
            words.append(literal_word(value, span))
        else:
            words.append(Word("", span, (value if isinstance(value, Unknown) else Unknown("variable", name="@"),)))
    return words


_VERBATIM_QUOTES = (("'", "'"), ('"', '"'), ("$'", "'"), ('$"', '"'))


def _verbatim_offset(written: str, value: str) -> int | None:
    """Where ``value`` starts in a word ``written`` so, when it is the word's text itself, bare or in one pair of
    quotes (each of its characters then stands where it is written); None otherwise."""
    if written == value:
        return 0
    for opening, closing in _VERBATIM_QUOTES:
        if (
            len(written) == len(opening) + len(value) + len(closing)
            and written.startswith(opening)
            and written.endswith(closing)
            and written[len(opening) : len(written) - len(closing)] == value
        ):
            return len(opening)
    return None


def _redirects_stdin(redirects: Sequence[Redirect]) -> bool:
    """Does one of the command's own redirections give it another stdin (``<``, ``<<``, ``<<<``)?"""
    return any(r.op in _STDIN_OPS and r.fd in (None, 0) for r in redirects)


def _nested(ctx: _Ctx, span: Span, stdin: str | Unknown | None, placed: tuple[str, int] | None = None) -> _Ctx:
    """Where nested shell text is read: one level deeper, every span the outer payload's, reading ``stdin``;
    ``placed``: the text and where it is written in the text given, when it is written there as is."""
    return _Ctx(  # (dataclasses.replace spelled out, as _through)
        ctx.wrappers,
        ctx.in_subst,
        ctx.in_function,
        ctx.via_call,
        ctx.span or span,
        ctx.depth + 1,
        ctx.stdin_producers,
        stdin if isinstance(stdin, str) else None,
        stdin if isinstance(stdin, Unknown) else None,
        ctx.redirects,
        ctx.in_aliases,
        ctx.root,
        placed,
        ctx.at,
        ctx.stdin_errors,
    )


def _targets(program: str, sub: Subcommand, parsed: ParsedArgs) -> tuple[str, ...]:
    """The pane keys are typed into: the program, then the values of the target options (NUL: one not known)."""
    targets = (value_text(v) for v in parsed.values(*sub.list("target_options")))
    return (program, *(t if t is not None else "\0" for t in targets))


def _buffer_names(sub: Subcommand, parsed: ParsedArgs) -> list[str] | None:
    """The buffers a subcommand names: the value of its name option, or its name operand (with name_letters,
    each character one: screen's paste ab); "" for the newest one. None when a name is not known."""
    option = sub.entry.get("name_option")
    index = sub.entry.get("name_operand")
    if option:
        given = parsed.values(str(option))
        if not given:
            return [""]
        name = value_text(given[-1])
    elif isinstance(index, int):
        if index >= len(parsed.operands):
            return [""]
        name = parsed.operands[index].value
    else:
        return [""]
    if name is None:
        return None
    return list(name) if sub.entry.get("name_letters") else [name]


def _hex_character(key: str | None) -> str | None:
    """tmux send-keys -H 6c: the character a key written as its hex code stands for (None: not one)."""
    if key is None or not re.fullmatch(r"[0-9A-Fa-f]{1,2}", key):
        return None
    return chr(int(key, 16))


def _in_directory(state: _State, parsed: ParsedArgs, options: Sequence[str], keys: object = None) -> _State:
    """Where a command runs what it runs when an option of its names a directory (``sudo -D DIR``, ``tmux new -c
    DIR``; ``keys``: in an option's value after a key, ``systemd-run -p WorkingDirectory=DIR``): a copy of ``state``
    there (the last such option counts), or ``state`` itself when none is given. Such an option given without its
    optional value (``nsenter -w``: the target process's directory) is a directory not known."""
    here = state
    values: list[Word | str | None] = [o.value for o in parsed.options if o.name in options]
    if keys:
        values.extend(keyed_values(parsed, keys, Span(0, 0)))
    for value in values:
        here = state.copy()
        text = value_text(value) if value is not None else None
        here.cwd = paths.resolve(text, state.cwd) if text is not None else None
    return here


def _config_set(operands: Sequence[Word], subcommands: Sequence[Sequence[str]], key: str) -> Word | None:
    """The value ``npm config set KEY VALUE`` (or ``KEY=VALUE``; ``npm set``) stores for ``key``: None when the
    operands do not set it."""
    values = [w.value for w in operands]
    for words in subcommands:
        if values[: len(words)] != list(words):
            continue
        rest = operands[len(words) :]
        for k, word in enumerate(rest):
            if word.value == key and k + 1 < len(rest):
                return rest[k + 1]
            if word.literal_prefix.startswith(key + "="):
                return word.without_prefix(len(key) + 1)
    return None


def _ini_pairs(text: str) -> list[tuple[str, str]]:
    """The KEY=VALUE lines of an ini-like config (.npmrc), blanks around each trimmed; comments (# ;) left out."""
    pairs: list[tuple[str, str]] = []
    for line in text.splitlines():
        key, eq, value = line.strip().partition("=")
        if eq and key and key[0] not in "#;":
            pairs.append((key.strip(), value.strip()))
    return pairs


def _lists(root: Word, cwd: str | None, path: str) -> bool:
    """May find or ls given ``root`` (a directory, a file, a glob) print ``path``?"""
    if root.is_glob:
        pattern = paths.glob_pattern(root, cwd)
        return pattern is not None and paths.glob_may_name(pattern, path)
    place = paths.resolve(root.value, cwd) if root.value is not None else None
    return place is not None and (path == place or paths.is_within(path, place))


def _written_option_keys(spec: CommandSpec) -> frozenset[str]:
    """The option names (without dashes) of a command that write a file, or read another config: a config line
    setting one to a value not known is not known."""
    names = [*spec.list("write_options"), *spec.list("cwd_write_options"), *(spec.extra.get("option_files") or {})]
    return frozenset(_config_key(str(n)) for n in [*names, *spec.list("option_file_keys")])


def _config_key(key: str) -> str:
    """A config key as the programs that read one match it: without dashes, underscores or case (wgetrc's
    ``Output-Document`` is ``output_document``; curl's ``--output`` is ``output``)."""
    return key.strip().lower().replace("-", "").replace("_", "")


def _config_line_options(line: str) -> list[str]:
    """A line of a config whose lines are long options (curl -K: ``output = FILE``, ``--output FILE``, ``-o:
    FILE``): the option and its value as words (a quoted value unquoted, its backslash escapes kept)."""
    match = re.match(r"(-{0,2})([A-Za-z0-9][A-Za-z0-9-]*)\s*[=:\s]?\s*(.*)$", line)
    if match is None:
        return []
    dashes, key, value = match.groups()
    option = (dashes or ("-" if len(key) == 1 else "--")) + key
    if len(value) > 1 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return [option, value] if value else [option]


def _with_exported(inv: Invocation, state: _State, names: Sequence[str]) -> Invocation:
    """The invocation with the variables of ``names`` the line exported before it as assignments of its own
    (``export PYTHONPATH=DIR; python3``: the program reads them from its environment as it does ``X=1 cmd``'s)."""
    given = {name for name, _ in inv.assignments}
    extra = tuple(
        (name, literal_word(value, inv.span))
        for name in names
        if name not in given and name in state.exported and isinstance(value := state.env.get(name), str)
    )
    return dataclasses.replace(inv, assignments=extra + inv.assignments) if extra else inv


def _operand_assignments(cmd: _Command, parsed: ParsedArgs, spec: CommandSpec, env: Env) -> list[tuple[str, Word]]:
    """The ``NAME=VALUE`` operands a program reads as its own variables (``make SHELL=/tmp/s``), and those in the
    words of a variable it reads as operands (knowledge ``operand_words_variables``: ``MAKEFLAGS='SHELL=/tmp/s'``),
    in order, the environment's first: each NAME with its VALUE (a word not known when the operand is not)."""
    words = [
        literal_word(w, cmd.span)
        for name in spec.list("operand_words_variables")
        for w in (str(env.get(name)).split() if isinstance(env.get(name), str) else ())
    ]
    out: list[tuple[str, Word]] = []
    for word in [*words, *parsed.operands]:
        name = word.literal_prefix.partition("=")[0] if "=" in word.literal_prefix else ""
        if not _MAKE_VARIABLE.fullmatch(name):
            continue
        value = word.value
        rest = value.partition("=")[2] if value is not None else None
        out.append((name, literal_word(rest, cmd.span) if rest is not None else Word("", cmd.span, (_NOT_KNOWN,))))
    return out


_MAKE_VARIABLE = re.compile(r"\.?[A-Za-z_][A-Za-z0-9_]*")  # (make's own: .SHELLFLAGS)


def _split_flags(value: Word) -> list[Word] | None:
    """The words make gives its shell from ``.SHELLFLAGS`` (split at blanks, a backslash or quotes keeping one in:
    ``.SHELLFLAGS='-c pkill\\ node;'`` runs ``sh -c 'pkill node;'``); None when the text cannot be split."""
    import shlex  # (rare: make .SHELLFLAGS only)

    try:
        return [literal_word(w, value.span) for w in shlex.split(value.value or "", posix=True)]
    except ValueError:
        return None


def _called_with(cmd: _Command, ctx: _Ctx) -> _Ctx:
    """What a function's body runs with at a call: the call's redirections, as a compound's are its commands', and
    what the call's own stdin redirection gives it to read (known text, or not known)."""
    inner = dataclasses.replace(ctx, redirects=ctx.redirects + cmd.redirects)
    if cmd.stdin is None:
        return inner
    return dataclasses.replace(
        inner,
        stdin_text=cmd.stdin if isinstance(cmd.stdin, str) else None,
        stdin_unknown=cmd.stdin if isinstance(cmd.stdin, Unknown) else None,
        stdin_producers=(),
    )


def _with_stand_ins(text: str) -> str:
    """``text`` as one double-quoted shell word whose stand-ins (``${__tenmon_guard_unknown_N}``, see
    :func:`_stand_in_text`) expand and nothing else does."""
    pieces = re.split(r"(\$\{" + re.escape(_STAND_IN) + r"[0-9]+\})", text)
    quoted = (p if i % 2 else re.sub(r'(["\\$`])', r"\\\1", p) for i, p in enumerate(pieces))
    return '"' + "".join(quoted) + '"'


def _stand_in_text(payload: Word) -> tuple[str, dict[str, Unknown], bool]:
    """Shell text known in part, each unknown piece written as a variable whose value is that piece
    (``${__tenmon_guard_unknown_N}``), with those pieces by name; and whether the text cannot be read so: a known
    ``$`` or backslash just before an unknown piece makes one token with it (``\\$$X`` may be ``$(``), or a piece is
    a variable not known whose fallback word may be code (``eval echo ${x:-'$(pkill node)'}``: with x unset, the
    word is what the text holds there). A piece in single or ANSI-C quotes has them closed around its stand-in (see
    :data:`_STAND_IN_FORMS`); where the scan cannot tell the quotes, a stand-in the reading then takes as literal
    text makes the text not read (see :meth:`Builder._all_read`)."""
    pieces: list[str] = []
    stand_ins: dict[str, Unknown] = {}
    quoting = iter(piece_quoting([p.text if isinstance(p, Literal) else None for p in payload.parts]))
    for part in payload.parts:
        if isinstance(part, Literal):
            pieces.append(part.text)
        else:
            name = f"{_STAND_IN}{len(stand_ins)}"
            stand_ins[name] = part
            pieces.append(_STAND_IN_FORMS.get(next(quoting), "${%s}") % name)
    glued = any(
        isinstance(part, Unknown) and isinstance(before, Literal) and before.text.endswith(("$", "\\"))
        for before, part in zip(payload.parts, payload.parts[1:], strict=False)
    ) or any(_code_fallback(part) for part in stand_ins.values())
    return "".join(pieces), stand_ins, glued


# ``${X-W}``, ``${X:-W}``, ``${X=W}``, ``${X:=W}``, ``${X+W}``, ``${X:+W}`` (X a name, a positional or special
# parameter): the expansion's text, as an unknown piece's name, and its word W
_FALLBACK = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-]):?[-=+](.*)", re.DOTALL)
_CODE_CHARACTERS = re.compile(r"[$`;&|<>()'\"\\\n]")


def _code_fallback(part: Unknown) -> bool:
    """Is ``part`` a variable not known given with a fallback word that may be code once spliced into shell text?"""
    if part.kind != "variable" or not part.name:
        return False
    fallback = _FALLBACK.fullmatch(part.name)
    return fallback is not None and _CODE_CHARACTERS.search(fallback[1]) is not None


# variables whose value is a number, and values quoted for the shell (``${x@Q}``): spliced into shell text, they
# add no command
_DATA_VARIABLE = re.compile(r"[$!?#]|#.+|RANDOM|SRANDOM|SECONDS|EPOCHSECONDS|LINENO|PPID|BASHPID|UID|EUID|.+@Q")


def _piece_name(piece: Unknown) -> str:
    """How a message names an unknown piece: ``$X``, ``$(...)``."""
    if piece.kind == "variable" and piece.name:
        plain = len(piece.name) == 1 or piece.name.isidentifier()
        return f"${piece.name}" if plain else f"${{{piece.name}}}"
    if piece.kind == "glob":
        return "the names of files a pattern matches"
    return "$(…)" if piece.kind == "command" else "⟨…⟩"


_STAND_IN = "__tenmon_guard_unknown_"
_MODULE_NOT_KNOWN = "\u27e8module\u27e9"  # a module by a name not known, in a directory an archive was extracted into
# a stand-in as written where the text has quotes open: in ``'...'`` the value stands between the quotes, so the
# quotes are closed around it (``rm -rf '$D'`` is read as ``rm -rf ''"${piece}"''``, the piece as one word)
_STAND_IN_FORMS: dict[str | None, str] = {SINGLE: "'\"${%s}\"'", ANSI_C: "'\"${%s}\"$'"}


def _stand_in_kept(invocations: Sequence[Invocation]) -> bool:
    """Did a command get a stand-in (see :func:`_stand_in_text`) as literal text, not as the piece it stands for?"""
    for inv in invocations:
        words = [*inv.argv, *(w for _, w in inv.assignments), *(r.target for r in inv.redirects if r.target)]
        for word in words:
            if _STAND_IN in word.text and any(isinstance(p, Literal) and _STAND_IN in p.text for p in word.parts):
                return True
    return False


def _one_text(words: list[Word] | tuple[Word, ...]) -> Word | str:
    """The text of words run as one shell text (``eval``, ``ssh host``): a lone word itself, which says where the
    text is written (``ssh prod '...'`` over several lines), else the words joined."""
    return words[0] if len(words) == 1 else _join(words)


def _shell_escaped(value: str) -> str:
    """A word as ``sudo -s``/``sudo -i`` hands it to the shell: a backslash before every character but letters,
    digits, ``_``, ``-`` and ``$`` (sudo's parse_args.c), so each word stays one word and only ``$NAME`` expands."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "_-$") else "\\" + c for c in value)


def _escaped_join(words: list[Word]) -> Word | str:
    """The text ``sudo -s WORDS`` runs: each word escaped, joined with spaces; a piece not known statically stays
    a piece of the text (the value sudo escapes is one word's part, whatever it holds)."""
    if all(w.value is not None for w in words):
        return " ".join(_shell_escaped(w.value or "") for w in words)
    parts: list[Literal | Unknown] = []
    for k, word in enumerate(words):
        if k:
            parts.append(Literal(" "))
        parts.extend(Literal(_shell_escaped(p.text)) if isinstance(p, Literal) else p for p in word.parts)
    return Word(" ".join(w.text for w in words), words[0].span, tuple(parts))


def _join(words: list[Word] | tuple[Word, ...]) -> Word | str:
    """Words joined with spaces, as eval and watch do; a Word with an unknown part when any is unknown."""
    values = [w.value for w in words]
    if all(v is not None for v in values):
        return " ".join(v for v in values if v is not None)
    parts: list[Literal | Unknown] = []
    for k, word in enumerate(words):
        if k:
            parts.append(Literal(" "))
        parts.extend(word.parts)
    return Word(" ".join(w.text for w in words), words[0].span, tuple(parts))


def _marked(args: list[Word], spec: CommandSpec) -> tuple[list[Word], str | None, list[Word]]:
    """For a wrapper whose command follows a marker word (knowledge ``runs_after``: ``capsh -- ARGS`` runs bash
    with ARGS, ``xterm -e CMD``): the wrapper's own words before the first marker, the marker, and the words after
    it. A word not known statically may be a marker: the command is then not known from it on (``capsh $X -c
    TEXT``). The marker is None for a wrapper without markers, and "" when none is given (it runs nothing)."""
    markers = spec.extra.get("runs_after")
    if not markers:
        return args, None, []
    for index, word in enumerate(args):
        if word.value is None:
            return args[:index], "", args[index:]
        if word.value in markers:
            return args[:index], word.value, args[index + 1 :]
    return args, "", []


def _marked_command(marker: str, rest: list[Word], spec: CommandSpec, parsed: ParsedArgs, span: Span) -> list[Word]:
    """The command a marker starts: the program it names (``--``: /bin/bash, or the value of an option that
    ``program_options`` says names it for that marker: ``capsh --shell=/bin/sh --``) with the words after it, or
    those words alone (``-e``)."""
    program = str((spec.extra.get("runs_after") or {}).get(marker) or "")
    choosing = spec.extra.get("program_options") or {}
    named = parsed.values(*(option for option, markers in choosing.items() if marker in markers))
    if program and named:
        given = named[-1]
        return [given if isinstance(given, Word) else literal_word(given, span), *rest]
    return [literal_word(program, span), *rest] if program else rest


def _package_command(word: Word) -> Word:
    """The command a package runner runs for a package named with its version (``npx kill-port@2``, ``bunx
    @scope/tool@latest``): the package's command has its name, without scope or version."""
    value = word.value
    if value is None:
        return word
    name = value.rpartition("/")[2] if value.startswith("@") else value
    if "@" not in name[1:] or "/" in name or ":" in name:
        return word
    return literal_word(name[: name.index("@", 1)], word.span)


def _words_read(
    fed: object, spec: CommandSpec, parsed: ParsedArgs, span: Span, allowed: Sequence[str] = ()
) -> list[Word] | None:
    """The words xargs adds to the command when its stdin is known text (``echo -k 3000/tcp | xargs fuser``,
    ``xargs cp <<< 'x /opt/app/'``: one run with all of them); None when they are not known or an option reads or
    groups them otherwise (``stdin_words_unless``: -a, -0, -d, -n, -L ...), which stay one piece not known.
    With only -0 (``null_options``) the words are the NUL-separated items (``printf '%s\\0' -k 3000/tcp | xargs -0
    fuser`` runs ``fuser -k 3000/tcp``). ``allowed``: options that do not change that (-a, when ``fed`` is its file)."""
    if not isinstance(fed, str):
        return None
    null = spec.list("null_options")
    if parsed.has(*(o for o in spec.list("stdin_words_unless") if o not in null and o not in allowed)):
        return None
    words = _null_items(fed) if parsed.has(*null) else filters.xargs_words(fed)
    return None if words is None else [literal_word(w, span) for w in words]


def _null_items(text: str) -> list[str]:
    """The items ``xargs -0`` reads: separated by NUL, a last one without its NUL too."""
    items = text.split("\0")
    if items[-1] == "":
        items.pop()
    return items


_MAX_INPUT_RUNS = 16  # parallel's runs looked at one by one; more are read as one run with inputs not known
_OTHER_REPLACEMENT = re.compile(r"\{(?:\.|/|//|/\.|#|%|\+/|\+\.|\.\.|\+\.\.|-?\d+[^}]*|=.*?=)\}")
_PLAIN_WORD = re.compile(r"[A-Za-z0-9_@%+=:,./-]+\Z")


def _argument_sources(operands: list[Word], spec: CommandSpec) -> tuple[list[Word], list[list[Word]]] | None:
    """``parallel CMD ::: A B :::: FILE``: the command's words and each input source's words (``argument_markers``;
    after one of ``argument_file_markers`` each word names a file, whose lines are not known: one piece standing for
    any number of inputs). None without a marker: the inputs come from stdin, as xargs reads them."""
    markers = spec.list("argument_markers")
    file_markers = spec.list("argument_file_markers")
    first = next((k for k, w in enumerate(operands) if w.value in markers), None)
    if first is None:
        return None
    sources: list[list[Word]] = []
    from_files = False
    for word in operands[first:]:
        if word.value in markers:
            from_files = word.value in file_markers
            sources.append([])
        elif from_files:
            sources[-1].append(Word("", word.span, (Unknown("file", name=word.value, words=True),)))
        else:
            sources[-1].append(word)
    return operands[:first], sources


def _plain_words(words: Sequence[Word]) -> bool:
    """Words a shell reads back as the same words (no quoting, expansion or operator in their values)."""
    return all(w.value is not None and _PLAIN_WORD.match(w.value) for w in words)


def _quoted_inputs(inputs: list[Word], span: Span) -> list[Word]:
    """Inputs added to shell text: each known one quoted into one word, as parallel quotes it; one not known stays a
    piece not known."""
    from shlex import quote  # (rare: parallel's inputs only)

    return [w if w.value is None else literal_word(quote(w.value), span) for w in inputs]


def _replace_in_word(word: Word, token: str, replacement: Unknown) -> Word:
    """``xargs -I{}``: each ``{}`` in a known part stands for an input line."""
    parts: list[Literal | Unknown] = []
    for part in word.parts:
        if isinstance(part, Literal) and token in part.text:
            pieces = part.text.split(token)
            for k, piece in enumerate(pieces):
                if k:
                    parts.append(replacement)
                if piece:
                    parts.append(Literal(piece, part.quoted))
        else:
            parts.append(part)
    return Word(word.text, word.span, tuple(parts))


def _action_end(args: Sequence[Word], start: int) -> tuple[int, bool]:
    """Where the command of a find action that starts at ``start`` ends, and whether a ``+`` ends it (then only a
    whole ``{}`` is replaced). ``;`` ends it; ``+`` only right after a whole ``{}``: elsewhere it is an argument
    (``find /opt/live -exec rm -rf + {} ;`` removes what it finds)."""
    for j in range(start, len(args)):
        value = args[j].value
        if value == ";":
            return j, False
        if value == "+" and j > start and args[j - 1].value == "{}":
            return j, True
    return len(args), False


def _holds_braces(word: Word, whole_only: bool) -> bool:
    """Does find replace something in ``word``: a whole ``{}``, or (``whole_only`` false) ``{}`` inside it."""
    if word.value == "{}":
        return True
    return not whole_only and "{}" in "".join(p.text for p in word.parts if isinstance(p, Literal))


def _braces_replaced(word: Word, path: Word, whole_only: bool) -> Word:
    """``word`` with each ``{}`` find replaces given the parts of ``path`` (the other characters keep their own
    quoting: ``x{}*`` stays a glob after the path). A ``{}`` may be spelt across parts (``'{'}``)."""
    if word.value == "{}":
        return path
    if not _holds_braces(word, whole_only):
        return word
    chars: list[tuple[str, bool] | Unknown] = []
    for part in word.parts:
        chars.extend([(c, part.quoted) for c in part.text] if isinstance(part, Literal) else [part])
    parts: list[Literal | Unknown] = []
    k = 0
    while k < len(chars):
        item = chars[k]
        after = chars[k + 1] if k + 1 < len(chars) else None
        if isinstance(item, tuple) and item[0] == "{" and isinstance(after, tuple) and after[0] == "}":
            parts.extend(path.parts)
            k += 2
            continue
        if isinstance(item, Unknown):
            parts.append(item)
        elif parts and isinstance(parts[-1], Literal) and parts[-1].quoted == item[1]:
            parts[-1] = Literal(parts[-1].text + item[0], item[1])
        else:
            parts.append(Literal(item[0], item[1]))
        k += 1
    return Word(word.text, word.span, tuple(parts))


_ANY_ENTRY = Unknown("stdin")  # what ``{}`` stands for when nothing more is known of it


def _found_path(start: Word | None, span: Span, found: Unknown = _ANY_ENTRY) -> Word:
    if start is not None and start.value is not None:
        return Word("{}", span, (Literal(start.value.rstrip("/") + "/", True), found))
    return Word("{}", span, (found,))


def _found_entry(spec: CommandSpec, args: Sequence[Word], tests: Sequence[Word]) -> Unknown:
    """What ``{}`` stands for below the start: an entry find reached without going through a link (kind
    ``FOUND``, with the ``-name`` globs it must match, NUL-joined, as ``name``), unless find follows links (``-L``,
    ``-H``, ``-follow``: ``unlinks_unless_options``), when it may be anything (``stdin``, as before)."""
    if any(w.value in spec.list("unlinks_unless_options") for w in args):
        return _ANY_ENTRY
    names = find_name_globs(spec, [w.value for w in tests])
    return Unknown(FOUND, "\0".join(names) or None)


def _found_paths(
    starts: list[Word], tests: Sequence[Word], spec: CommandSpec, span: Span, entry: Unknown = _ANY_ENTRY
) -> list[Word]:
    """What ``{}`` of a find action can be, given the expression before the action: the one path a lone ``-path P``
    test pins (``find / -path /opt/x/dist -exec rm -rf {} +`` removes /opt/x/dist; a pattern is known up to its
    first wildcard); else a path under the start, and the start itself when no test can leave it out (``find /opt
    -exec rm -rf {} +`` removes /opt first of all). With several starts, what it can be under each of them
    (``find /etc/app /var/log/app -type f -exec chmod 0640 {} +`` changes files there only)."""
    if 1 < len(starts) <= MAX_FIND_STARTS:
        return [path for start in starts for path in _found_paths([start], tests, spec, span, entry)]
    start = starts[0] if len(starts) == 1 else None
    values = [w.value for w in tests]
    if start is None or any(v is None or v in spec.list("branching") for v in values):
        return [_found_path(start, span, entry)]
    pins = [values[k + 1] for k, v in enumerate(values[:-1]) if v in spec.list("path_tests")]
    if len(pins) == 1 and pins[0] is not None:
        pin = pins[0]
        wild = next((k for k, c in enumerate(pin) if c in "*?[\\"), None)
        if wild is None:
            return [literal_word(pin, span)]
        return [Word("{}", span, (Literal(pin[:wild], True), Unknown("stdin")))]
    depth = _untested_depth(values, spec)
    if start.value is None or depth is None:
        return [_found_path(start, span, entry)]
    # nothing filters what it finds: the start, and everything under it down to -maxdepth (as globs: ``/opt/*/*``)
    base = start.value.rstrip("/")
    levels = [base + "/**"] if depth > MAX_FIND_LEVELS else [base + "/*" * k for k in range(1, depth + 1)]
    return [literal_word(start.value, span)] + [Word("{}", span, (Literal(level),)) for level in levels]


MAX_FIND_LEVELS = 8  # a deeper -maxdepth is taken as none
MAX_FIND_STARTS = 16  # more start points than this: {} is a path not known (each start is one more command judged)


def _untested_depth(values: Sequence[str | None], spec: CommandSpec) -> int | None:
    """When only find's options (``-xdev``, ``-maxdepth 2``) come before an action, nothing filters what it finds:
    how deep it goes (past MAX_FIND_LEVELS: no limit). None when a test may leave paths out (``-type f``, and
    ``-mindepth 1`` leaves the start out)."""
    valued = spec.list("valued_non_tests")
    depth = MAX_FIND_LEVELS + 1
    k = 0
    while k < len(values):
        value = values[k]
        if value in valued:
            after = values[k + 1] if k + 1 < len(values) else None
            if value == "-maxdepth":
                if after is None or not after.isdigit():
                    return None
                depth = min(depth, int(after))
            k += 2
        elif value in spec.list("non_tests"):
            k += 1
        else:
            return None
    return depth


_OUTPUT_SUBSTITUTIONS = frozenset({"command", "backquote"})  # ``<(...)`` is a file name, not the output
_STDIN_OPS = frozenset({"<", "<<", "<<-", "<<<"})
_INPUT_OPS = _STDIN_OPS | {"<&", "<>"}  # the redirections that act on stdin when no fd is written
_OUTPUT_OPS = frozenset({">", ">|", ">>", "&>", "&>>"})
_A_FILE = Unknown("file")  # stdin from a file whose contents are not known: read like a script file, not judged
_NOT_KNOWN_INPUT = Unknown("stdin")  # what a descriptor holds that the line does not make known


def _duplicated_input(
    redirect: Redirect, earlier: dict[int, str | Unknown], stdin: str | Unknown | None
) -> str | Unknown | None:
    """What ``<&N`` (``<&N-``) gives to read: what N reads as the redirections before it left it (``bash
    3<<<'pkill node' <&3`` runs pkill); a descriptor above stderr that none of them set is the shell's own, not
    known. ``<&-`` closes it: nothing to read. None: stdin as it was (``<&0``), or the terminal."""
    source = redirect.target.value if redirect.target is not None else None
    if source is None:
        return _NOT_KNOWN_INPUT
    source = source.removesuffix("-")
    if not source:
        return ""
    if not source.isdigit():
        return _NOT_KNOWN_INPUT
    number = int(source)
    return stdin if number == 0 else _descriptor_reads(number, earlier)


def _descriptor_text(cmd: _Command, fd: int) -> str | Unknown | None:
    """What a shell reads from /dev/fd/N given as its script: what the command's own redirection of N gives it
    (``bash /dev/fd/3 3<<<'pkill node'`` runs pkill). Any other descriptor above stderr holds what the shell had
    open before, which the line does not tell (``exec 3< <(...)`` earlier, the caller's): not known, never a
    script the guard may pass over. Stdout and stderr not redirected are the terminal, as stdin is."""
    return _descriptor_reads(fd, dict(cmd.inputs))


def _descriptor_reads(fd: int, given: Mapping[int, str | Unknown]) -> str | Unknown | None:
    """What descriptor ``fd`` reads, ``given`` what the command's redirections so far gave its descriptors: that,
    else for stdin, stdout and stderr the terminal (None), else the shell's own descriptor, which the line does not
    tell (not known)."""
    found = given.get(fd)
    if found is not None:
        return found
    return None if fd <= 2 else _NOT_KNOWN_INPUT


_BENEATH_DESCRIPTOR = re.compile(
    r"(?:/dev/+fd/+(?P<fd>[0-9]+)|/proc/+(?:self|thread-self)/+fd/+(?P<proc>[0-9]+)|/dev/+(?P<std>stdin|stdout|stderr))/"
)
_STANDARD_FDS = {"stdin": 0, "stdout": 1, "stderr": 2}


def _through_descriptors(argv: list[Word], redirects: tuple[Redirect, ...]) -> list[Word]:
    """``rm -rf /dev/fd/3/dist 3</opt/tenmon-ark-live``: the command's own redirection opens fd 3 on the directory
    before it runs, and the kernel leads the command's /dev/fd/3 (/proc/self/fd/3, /dev/stdin for fd 0) there: a
    path beneath it is a path beneath that directory. Only the command's own redirections say so (the last of an
    fd counts); an fd the shell opened otherwise stays not known (paths.resolve)."""
    opened: dict[int, str | None] = {}
    for red in redirects:
        default = 0 if red.op.startswith("<") else 1
        fd = red.fd if red.fd is not None else default
        opened[fd] = red.path if red.op in ("<", ">", ">>", ">|", "<>") and red.target is not None else None
    out: list[Word] = []
    for word in argv:
        match = _BENEATH_DESCRIPTOR.match(word.value or "")
        where = opened.get(_descriptor_number(match)) if match is not None else None
        if match is None or where is None or word.value is None:
            out.append(word)
            continue
        out.append(literal_word(where.rstrip("/") + "/" + word.value[match.end() :], word.span))
    return out


def _descriptor_number(match: re.Match[str]) -> int:
    """The fd a match of :data:`_BENEATH_DESCRIPTOR` names."""
    number = match.group("fd") or match.group("proc")
    return int(number) if number is not None else _STANDARD_FDS[match.group("std")]


def _json_strings(text: str, key: str) -> list[str] | None:
    """The string values of the object ``key`` names in a JSON document (package.json's scripts); None when the
    text is no JSON object (npm would refuse it; what it holds is not known here)."""
    import json

    try:
        document = json.loads(text)
    except ValueError:
        return None
    found = document.get(key, {}) if isinstance(document, dict) else None
    if not isinstance(found, dict):
        return None if found is None else []
    # (deno's tasks may be objects: {"command": TEXT, "dependencies": [...]}; composer's scripts lists of them)
    commands = [v.get("command") if isinstance(v, dict) else v for v in found.values()]
    listed = [c for v in commands if isinstance(v, list) for c in v]
    return [v for v in [*commands, *listed] if isinstance(v, str)]


def _a_file(value: str | Unknown) -> bool:
    """What a file holds, not known (:data:`_A_FILE`, or ``Unknown("file", name=PATH)`` when the path is known: the
    PIDs in a unit's cgroup.procs are the unit's): a shell reads it as it reads a script file it is given."""
    return isinstance(value, Unknown) and value.kind == "file"


_DECLARATIONS = frozenset({"export", "declare", "typeset", "local", "readonly"})
_MOVING = frozenset({"cd", "pushd", "popd"})
_BRANCHING = frozenset({"if", "case", "while", "until", "for", "arith_for", "select"})  # run their commands or not
_LOOPING = frozenset({"while", "until", "arith_for"})  # (for and select: see Builder._loop)
_READ_AT_RUN_TIME = frozenset({"stdin"})  # values read as the line runs (read x from the terminal or a pipe)
_READERS_OF_STDIN = frozenset({"read", "mapfile", "readarray"})  # builtins whose variables come from stdin
# Builtins that evaluate the subscript of a variable name they are given, or arithmetic (see _named_variables)
_EVALUATING = frozenset({"printf", "read", "unset", "test", "[", "let", "mapfile", "readarray"}) | _DECLARATIONS
# Commands in a function's body that change the caller's shell even when the value they set is the one it had
_ZSH_FUNCTION_REMOVERS = frozenset({"unfunction", "unhash", "disable"})  # (zsh's unset -f: _zsh_remove_functions)
_SHELL_CHANGING = (
    _MOVING
    | {"read", "mapfile", "readarray", "unset", "export", "readonly", "alias", "unalias"}
    | _ZSH_FUNCTION_REMOVERS
)
# the builtins _apply_builtin reads (every other command leaves the shell's state as it was)
_APPLIED = (
    _DECLARATIONS
    | _READERS_OF_STDIN
    | {"cd", "shopt", "pushd", "popd", "dirs", "hash", "shift", "set", "unset", "getopts", "printf", "ulimit", "limit"}
    | {"unalias"}
    | _ZSH_FUNCTION_REMOVERS
)
_BUILTINS_READ = _APPLIED | _EVALUATING  # the commands _emit reads as the shell's builtins (the others: emitted)
# Wrappers that start the command with an environment of their own making (sudo's env_reset, a login shell, a
# remote host): a variable exported here is not known there.
_ENV_RESETTING = frozenset(
    {"sudo", "doas", "su", "runuser", "pkexec", "ssh", "machinectl", "systemd-run", "at", "batch"}
)
# What a new shell has from its environment in any case (it is the same machine, user and directory).
_INHERITED = frozenset({"PWD", "HOME", "PATH"})
# sudo (env_reset), su and a login shell set HOME to the target user's home, which is not known: ``sudo -u app bash
# -c 'rm -rf ~/dist'`` removes dist in app's home, not in the caller's
_INHERITED_THROUGH_RESET = _INHERITED - {"HOME"}
# bash's builtins: found before its hash table, whatever ``hash -p`` binds their names to
# fmt: off
_BASH_BUILTINS = frozenset({
    ".", ":", "[", "alias", "bg", "bind", "break", "builtin", "caller", "cd", "command", "compgen", "complete",
    "compopt", "continue", "declare", "dirs", "disown", "echo", "enable", "eval", "exec", "exit", "export", "false",
    "fc", "fg", "getopts", "hash", "help", "history", "jobs", "kill", "let", "local", "logout", "mapfile", "popd",
    "printf", "pushd", "pwd", "read", "readarray", "readonly", "return", "set", "shift", "shopt", "source",
    "suspend", "test", "times", "trap", "true", "type", "typeset", "ulimit", "umask", "unalias", "unset", "wait",
})
# fmt: on
_DECLARED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(\+?=|$)")  # a name declared alone, or given a value
_ASSIGNING = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")  # a name given a value (what follows may not be known)

TRACKED_BUILTINS = frozenset(
    {"cd", "pushd", "popd", "unset", "read", "mapfile", "readarray", "set", "shift", "hash", "shopt", "getopts", "let"}
    | {"ulimit", "limit"}
    | _ZSH_FUNCTION_REMOVERS
    | {"break", "continue", "return"}  # (the commands after them may not run: see Builder._commands)
    | _DECLARATIONS
)
"""Commands whose effect on the shell :func:`_apply_builtin` remembers: a reading that leaves them out is wrong.
(``printf -v NAME`` too: a reading that leaves out printf reads it when -v follows, see backends/inert.py.)"""


_HISTORY_RERUN = (
    "fc runs a line of the shell's history, which the guard does not see; use !! or !PREFIX (expanded on the "
    "prompt and judged) or type the command"
)


def _echo_options(args: Sequence[Word]) -> tuple[list[Word], bool, bool]:
    """bash's echo: the leading words made of ``-n``, ``-e`` and ``-E`` letters only are options (the last of
    ``e``/``E`` counts). The operands, whether escapes are decoded, whether a newline ends the output."""
    rest = list(args)
    decoding, newline = False, True
    while rest and re.fullmatch(r"-[neE]+", rest[0].value or ""):
        for letter in (rest.pop(0).value or "")[1:]:
            if letter == "n":
                newline = False
            else:
                decoding = letter == "e"
    return rest, decoding, newline


_ECHO_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\"}


def _echo_escapes(text: str) -> str | None:
    """``echo -e`` of ``text``: ``\\n``, ``\\t``, ``\\\\`` decoded; None for any other escape (``\\c`` ends the output,
    ``\\x41`` and the others make characters not worth following here)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] != "\\":
            out.append(text[i])
            i += 1
            continue
        decoded = _ECHO_ESCAPES.get(text[i + 1 : i + 2])
        if decoded is None:
            return None
        out.append(decoded)
        i += 2
    return "".join(out)


_FC_LETTERS = frozenset("elnrsIDdfiEtmLPWAR")
"""fc's option letters in bash and zsh (a word of others is not read as options)."""


def _reruns_history(args: Sequence[Word], name: str, zsh: bool = False) -> bool:
    """Does ``fc ARGS`` run lines of the shell's history: unless ``-l`` lists them (or, in zsh, ``-R``/``-W``/``-A``
    read or write a history file and ``-p``/``-P`` push or pop one), it re-runs one (``-s``, ``-e -``) or runs what
    an editor makes of them. bash's ``-s`` and ``-e -`` re-run even with ``-l`` (fc -l -s, fc -ls: checked in bash
    5.2); zsh's ``-l`` lists whatever else is given (checked in zsh 5.9). An option's value is the rest of its word
    or the next word (``fc -el`` runs the editor ``l``; zsh's ``fc -t -l`` takes ``-l`` as the time format and runs
    the editor). zsh's ``r`` is ``fc -e -``. A word not known may be any option."""
    if name == "r":
        return True
    with_value = "etm" if zsh else "e"
    lists = reruns = False
    pending: str | None = None
    for word in args:
        value = word.value
        if value is None:
            return True
        if pending is not None:
            reruns = reruns or (pending == "e" and value == "-")
            pending = None
            continue
        if value[:1] != "-" or value[1:2] not in _FC_LETTERS:
            break  # (``-5`` is a history offset, an operand)
        for at, letter in enumerate(value[1:], start=2):
            if letter in with_value:
                given = value[at:]
                pending = None if given else letter
                reruns = reruns or (letter == "e" and given == "-")
                break
            if letter not in _FC_LETTERS:
                return True  # (fc refuses the word, or it is read otherwise than here)
            reruns = reruns or letter == "s"
            lists = lists or letter in "lRWApP"
    if pending is not None:
        return True  # (an option's value not given: fc reports it, or the word is not known)
    return not lists if zsh else reruns or not lists


def _set_positional(args: tuple[Word, ...]) -> tuple[bool, tuple[str | None, ...] | None]:
    """Whether ``set`` changes the positional parameters (not with options alone: ``set -e``, ``set -o pipefail``)
    and what they become: the words after its options (``set -- pkill node``, ``set -e a b``), None when a word is
    not known (how many there are is not known either)."""
    i = 0
    while i < len(args):
        value = args[i].value
        if value is None:
            return True, None
        if value in ("--", "-"):
            i += 1
            break
        if value[:1] not in ("-", "+"):
            break
        i += 2 if value.endswith("o") else 1  # ``-o NAME``, ``-euo pipefail``
    else:
        return False, None
    values = [w.value for w in args[i:]]
    return True, None if any(v is None for v in values) else tuple(values)


_JUMPS = frozenset({"break", "continue", "return"})  # commands that may leave the ones after them unrun


def _case_items(text: str, node: Compound, words: list[list[Word]]) -> tuple[frozenset[int], bool] | None:
    """Which items of a case may run, and whether one surely does, when the subject is known: bash runs the first
    item with a pattern that matches it (``nvm --version`` takes 1 of nvm's 40). A pattern decides only where its
    value is known and no pattern (``*`` alone matches anything), and, as ``shopt -s nocasematch`` may be on, where it
    equals the subject (a match) or differs from it in more than case (none); at the first that does not decide,
    that item and every one after it may run. None where nothing is decided (a subject not known, an item that
    falls through to the next: ``;&``, ``;;&``)."""
    subject = words[0] if words else []
    if len(subject) != 1 or subject[0].value is None or _falls_through(text, node):
        return None
    value = subject[0].value
    index = 1
    for k, count in enumerate(node.arms):
        patterns = words[index : index + count]
        written = node.words[index : index + count]
        index += count
        for pattern, syntax in zip(patterns, written, strict=True):
            raw = text[syntax.span.start : syntax.span.end]
            if raw == "*":
                return frozenset({k}), True
            # (a pattern written with what a glob may mean is not compared as a string: zsh's extended globs,
            # ``k#ill`` and ``^x``, match kkill and kill where EXTENDED_GLOB is set, an option the hook does not send)
            known = pattern[0].value if len(pattern) == 1 and not _PATTERN_ACTIVE.search(raw) else None
            if known is not None and any(
                isinstance(p, Literal) and not p.quoted and holds_pattern_syntax(p.text) for p in pattern[0].parts
            ):
                known = None  # (nor a value an unquoted expansion gives it: p='st\atus'; case status in $p) matches)
            matched = None if known is None else same_ignoring_case(value, known)
            if matched:
                return frozenset({k}), True
            if matched is None:
                return frozenset(range(k, len(node.arms))), False
    return frozenset(), False


_PATTERN_ACTIVE = re.compile(r"[][*?#^~()<>|]|[!@+]\(")  # what may make a pattern match more than itself


def _falls_through(text: str, node: Compound) -> bool:
    """Whether an item of a case may run the next one too (``;&``, ``;;&``; a text that only holds one, quoted, is
    taken as if it did)."""
    return ";&" in text[node.span.start : node.span.end]


def _catches_all(text: str, node: Compound) -> bool:
    """Whether a case's last item is ``*)``: some item then always runs."""
    last = node.words[-1].span if len(node.words) > 1 else None
    return last is not None and text[last.start : last.end] == "*"


def _chdir(state: _State, target: str | None, others: tuple[str | None, ...] = ()) -> None:
    if target != state.cwd or target is None:
        state.env["OLDPWD"] = state.left = state.cwd
    state.cwd = target
    state.other_cwds = tuple(o for o in dict.fromkeys(others) if o != target)
    _set_pwd(state)


def _set_pwd(state: _State) -> None:
    """``$PWD`` is the cwd, unless the line may be in other directories too (a cd through CDPATH, autocd): which
    one it is in, the file system says, so $PWD is not known (``CDPATH=LIVE; cd dist && rm -rf $PWD``)."""
    state.env["PWD"] = None if state.other_cwds else state.cwd


def _cd_targets(inv: Invocation, args: list[str | None], state: _State) -> list[str | None]:
    """Where ``cd`` may go, first the plain reading: HOME without an operand, OLDPWD for ``-``, DIR from the cwd (from
    each cwd the line may be in). A relative name may also be found through CDPATH (``CDPATH=/opt cd tenmon-ark-live``)
    or, under cdable_vars, be a variable holding the directory: which one it is, the file system says, so each is a
    cwd the line may be in (None: not known)."""
    operands = [a for a in args if a is None or not a.startswith("-") or a == "-"]
    physical = _physical_cd(args[: args.index(operands[0])] if operands else args, state)
    upward = bool(operands) and (operands[0] is None or ".." in operands[0].split("/"))
    if upward and (physical or "physical-pwd" in state.shopts):
        return [None]
    if physical:
        state.shopts = state.shopts | {"physical-pwd"}  # $PWD is where links led: a later ``..`` starts there
    if not operands:  # (HOME as it is: a relative one is taken from the cwd; an empty one, bash and zsh stay)
        home = state.env.get("HOME")
        return [paths.resolve(home or ".", state.cwd) if isinstance(home, str) else None]
    arg = operands[0]
    if arg is None:
        return [None]
    if arg == "-":
        old = state.env.get("OLDPWD")
        found = [old if isinstance(old, str) else None]
        return found if state.left == found[0] else [*found, state.left]  # (zsh: the directory left)
    found = [paths.resolve(arg, cwd) for cwd in (state.cwd, *state.other_cwds)]
    if arg.startswith(("/", "./", "../")) or arg in (".", ".."):
        return found
    found.extend(_cdpath_dirs(inv, arg, state))
    if "cdable_vars" in state.shopts and _NAME.fullmatch(arg):
        value = state.view().get(arg)
        found.append(paths.resolve(value, state.cwd) if isinstance(value, str) and value else None)
    return found


def _staying(target: str | None, others: Sequence[str | None], state: _State) -> tuple[str | None, ...]:
    """Where the shell stays when its ``cd`` fails: the cwds it may be in now, for a line at a prompt whose cd goes
    to no directory on disk (``cd nosuch; rm -r ../live/dist`` stays, and removes the live dist from where the shell
    is; a directory the line makes first is not there yet either: then the line is judged in both). Only at a
    prompt, whose disk is the one the line runs on; a script's cd is taken to succeed."""
    if INTERACTIVE not in state.shopts or any(p is not None and os.path.isdir(p) for p in (target, *others)):
        return ()
    if target is None and not others:
        return ()  # (where it goes is not known: nor, then, is the cwd)
    return (state.cwd, *state.other_cwds)


def _physical_cd(options: list[str | None], state: _State) -> bool:
    """``cd -P`` (or any cd under ``set -P``/``set -o physical``) goes where the links on disk lead, and leaves $PWD
    there. Relative paths from it are followed on disk by the doors that can (paths.disk_reach), but a ``..`` in
    it, or in a later cd, is taken from where the links led: that directory is not known from the text
    (``cd -P lnk/.. && rm -rf dist`` where lnk leads into the live tree). The last of -L and -P counts, as in
    bash."""
    physical = "physical" in state.shopts
    for option in options:
        if option is None or not option.startswith("-") or option == "--":
            continue
        for letter in option[1:]:
            if letter in "LP":
                physical = letter == "P"
    return physical


def _cdpath_dirs(inv: Invocation, arg: str, state: _State) -> list[str | None]:
    """The directories ``cd ARG`` may find through a CDPATH the line set (an empty entry is the cwd)."""
    given = dict(inv.assignments).get("CDPATH")
    if given is None and "CDPATH" not in state.env:
        return []  # (one from the environment is not known: not judged, as before)
    searched = given.value if given is not None else state.env.get("CDPATH")
    if not isinstance(searched, str):
        return [None]
    return [paths.resolve(posixpath.join(entry, arg) if entry else arg, state.cwd) for entry in searched.split(":")]


def _shopt(args: list[str | None], state: _State) -> None:
    """``shopt -s NAME`` (``-u``: off) of the options the builder follows; an option not known may be any of them
    (set: it may be on; unset: it may still be on). ``shopt -o`` names ``set -o`` options: none of these."""
    if "-o" in args:
        return
    named = _FOLLOWED_SHOPTS.intersection(a for a in args if a is not None)
    if None in args:  # (expand_aliases that may be on is not known on: a command named as an alias is judged too)
        named = _FOLLOWED_SHOPTS - {"expand_aliases"} if "-s" in args else _ALIASING
    if "-s" in args:
        if "expand_aliases" in named and "expand_aliases" not in state.shopts:
            state.fresh_aliases = state.fresh_aliases | frozenset(state.aliases)
        state.shopts = state.shopts | named
    elif "-u" in args:
        state.shopts = state.shopts - named


# cdable_vars: cd NAME may go to $NAME; nocaseglob: globs match either case; autocd: a directory's name is a cd to
# it (interactive shells); lastpipe: a pipeline's last command runs in this shell (without job control: scripts)
# expand_aliases: an alias is expanded (not known on: the command as written runs too)
# xpg_echo: the echo builtin decodes escapes as echo -e does; cdspell: an interactive shell's cd to a directory
# that is not there goes to one a typo away
_FOLLOWED_SHOPTS = frozenset(
    {"cdable_vars", "nocaseglob", "autocd", "lastpipe", "expand_aliases", "xpg_echo", "cdspell"}
)
# the shell reads the text at a prompt (see ShellAtStart.dirstack_known): options of interactive shells apply
INTERACTIVE = "interactive"
# zsh's CORRECT at a prompt (the zsh hook sends it): a command name not found may run as one a typo away
_CORRECTING = frozenset({"correct", INTERACTIVE})
# and CORRECT_ALL: an argument that names no file may be a path a typo away
_CORRECTING_ALL = frozenset({"correct_all", INTERACTIVE})
# cdspell in an interactive shell (bash 5.2: ``shopt -s cdspell; cd /opt/tenmon-ark-lvie`` goes to the live tree):
# the directories a typo away on disk are cwds the line may be in (paths.spelled_directories)
_SPELLING = frozenset({"cdspell", INTERACTIVE})
# the wrappers through which ``kill`` is still the shell's builtin, which reads job specs (``command kill %1``)
_BUILTIN_RUNNERS = frozenset({"command", "builtin", "eval"})
# variables a caller's values do not set (engine.Context.variables): the cwd's and HOME, given apart
_SHELL_OWN = frozenset({"PWD", "OLDPWD", "HOME", "CDPATH"})
# the options a caller may say the shell has on as the line starts (engine.Context.options)
_STARTING_OPTIONS = frozenset(
    {"autocd", "cdable_vars", "nocaseglob", "physical", "keyword", "xpg_echo", "cdspell", "correct", "correct_all"}
)
# The echo builtin of these shells decodes escapes with no option (dash, Debian's sh: ``echo 'pk\0151ll node' | sh``
# runs pkill). In a shell that has it (or bash's xpg_echo), an ``echo`` is read as bash's ``echo -e`` of words
# that print the same (:func:`_decoding_echo`); a new shell started from it starts without it.
DECODING_ECHO = "decoding-echo"
DECODING_ECHO_SHELLS = frozenset({"sh", "dash"})
_ECHO_DECODING = frozenset({DECODING_ECHO, "xpg_echo"})


def _decoding_echo(argv: list[Word], dash: bool) -> list[Word]:
    """An ``echo`` that decodes escapes, as bash's ``echo -e`` of words that print the same: under xpg_echo, the
    same words; dash's (``dash``), which takes no option but a first ``-n``, decodes ``\\0NNN`` and the letters
    bash does but for ``\\e``, ``\\x`` and ``\\u`` (``\\x41`` prints as it is: its backslash doubled for bash),
    and prints a first ``-e`` (bash's ``\\055e``). A word not known stays as it is: what it prints is not known."""
    head, args = argv[0], argv[1:]
    if not dash:
        return [head, literal_word("-e", head.span), *args]
    options = "-e"
    if args and args[0].value == "-n":
        options, args = "-ne", args[1:]
    out = [head, literal_word(options, head.span)]
    for i, word in enumerate(args):
        value = word.value
        if value is None or word.is_glob:
            out.append(word)
            continue
        text = _DASH_UNDECODED.sub(lambda m: m.group() if m.group() == "\\\\" else "\\" + m.group(), value)
        if i == 0 and re.fullmatch(r"-[neE]+", text):
            text = "\\055" + text[1:]
        out.append(word if text == value else literal_word(text, word.span))
    return out


# a backslash pair, or an escape bash's echo -e decodes and dash's does not
_DASH_UNDECODED = re.compile(r"\\\\|\\[eExuU]")


def _stack_index(operand: str, size: int) -> int | None:
    """``+N`` counts from the left of ``dirs``, ``-N`` from the right; None when it is not one or is out of range."""
    if not _is_stack_index(operand):
        return None
    n = int(operand[1:])
    index = n if operand[0] == "+" else size - 1 - n
    return index if 0 <= index < size else None


def _is_stack_index(operand: str) -> bool:
    return len(operand) > 1 and operand[0] in "+-" and operand[1:].isdigit()


def _open_entry(operand: str, size: int, state: _State) -> bool:
    """Does ``+N``/``-N`` name an entry of the stack's part not known (see ``_State.dirstack_open``): past the
    known entries, or counted from the bottom, which is not known."""
    if not state.dirstack_open or not _is_stack_index(operand):
        return False
    return operand[0] == "-" or int(operand[1:]) >= size


def _stack_assigned(subscript: str | bool | None, value: object, literal: bool, state: _State) -> None:
    """``DIRSTACK[N]=DIR`` (zsh: ``dirstack[N]=DIR``) changes the Nth entry of the directory stack below the cwd, where
    a later popd or ``pushd +N`` goes (``pushd /tmp; DIRSTACK[1]=LIVE; popd && rm -rf dist`` removes the live dist).
    An absolute DIR at an entry the line knows (one it pushed) is that entry; any other assignment (a relative or
    unknown DIR, an entry below those, a whole array: zsh's ``dirstack=(...)``) leaves the stack's entries not known
    (the cwd stays where it is)."""
    entries = len(state.dirstack)
    index = int(subscript) if isinstance(subscript, str) and subscript.isdigit() else None
    if (
        not literal and index is not None and 1 <= index <= entries and isinstance(value, str) and value.startswith("/")
    ):  # (the entries the line pushed are known, whatever is below them)
        state.dirstack[entries - index] = paths.normalise(value)
        return
    if index == 0 and not literal:
        return  # (bash: the cwd's own entry; cd and pushd still go from the real cwd)
    state.dirstack, state.dirstack_open = [], True


def _stack_not_known(state: _State) -> None:
    """The cwd is an entry of the stack's part not known, and every entry moved: nothing of it is known now."""
    state.dirstack, state.dirstack_open = [], True
    _chdir(state, None)


def _pushd(inv: Invocation, args: list[str | None], state: _State) -> None:
    """``pushd DIR`` (cwd pushed, cd DIR: found as cd finds it, through CDPATH too), ``pushd -n DIR`` (DIR stacked,
    no cd), ``pushd +N`` (the stack rotated: its Nth entry becomes the cwd), ``pushd`` (the top two swapped). The
    stack is ``dirs``: the cwd first."""
    stack = [state.cwd, *reversed(state.dirstack)]
    others: tuple[str | None, ...] = ()
    state.staying = ()
    no_cd = "-n" in args
    operands = [a for a in args if a != "-n"]
    if not operands:
        if len(stack) < 2:
            if state.dirstack_open:  # (the top two swapped: the second is an earlier line's)
                state.dirstack = [state.cwd]
                _chdir(state, None)
            return
        stack[0], stack[1] = stack[1], stack[0]
    elif operands[0] is None:
        stack = [None, *stack]  # not known: nor is the cwd
    elif _open_entry(operands[0], len(stack), state):
        _stack_not_known(state)
        return
    elif (index := _stack_index(operands[0], len(stack))) is not None:
        # (rotated: the entries above the Nth go to the bottom, below a part not known: where, not known)
        stack = stack[index:] if state.dirstack_open else stack[index:] + stack[:index]
    elif operands[0].startswith("-") or operands[0].startswith("+"):
        return  # an option or an index out of range: an error, nothing changes
    elif no_cd:
        stack.insert(1, paths.resolve(operands[0], state.cwd))
    else:
        # (``CDPATH=/opt; pushd tenmon-ark-live`` goes to /opt/tenmon-ark-live, as cd does: each a cwd it may be)
        target, *found = _cd_targets(inv, [operands[0]], state)
        stack.insert(0, target)
        state.staying = _staying(target, found, state)
        others = (*found, *state.staying)
    state.dirstack = list(reversed(stack[1:]))
    _chdir(state, stack[0], others)


def _popd(args: list[str | None], state: _State) -> None:
    """``popd`` (the cwd dropped, cd to the next), ``popd -n`` (the next dropped, no cd), ``popd +N``."""
    stack = [state.cwd, *reversed(state.dirstack)]
    no_cd = "-n" in args
    operands = [a for a in args if a != "-n"]
    if operands and operands[0] is None:
        state.dirstack = []
        _chdir(state, None)
        return
    if operands and operands[0] is not None and operands[0].startswith("-") and _open_entry(operands[0], 0, state):
        _stack_not_known(state)  # (counted from a bottom not known: it may be the cwd)
        return
    index = _stack_index(operands[0], len(stack)) if operands and operands[0] is not None else (1 if no_cd else 0)
    if len(stack) < 2 and index == 0 and state.dirstack_open:
        _stack_not_known(state)  # (the next entry is an earlier line's)
        return
    if index is None or len(stack) < 2:
        return
    del stack[index]
    state.dirstack = list(reversed(stack[1:]))
    if index == 0:
        _chdir(state, stack[0])


_READ_VALUED = "adinNptu"  # read's options that take a value
_MAPFILE_VALUED = "dnOsuCc"


def _builtin_options(args: list[str | None], valued: str) -> tuple[dict[str, str | None], list[str | None]] | None:
    """The options of read or mapfile (``-ra NAME``, ``-d ''``, ``-t``) and the operands after them; None when a
    word before the operands is not known."""
    options: dict[str, str | None] = {}
    i = 0
    while i < len(args):
        word = args[i]
        if word is None:
            return None
        if word == "--":
            i += 1
            break
        if not word.startswith("-") or word == "-":
            break
        for j, letter in enumerate(word[1:], start=1):
            if letter in valued:
                attached = word[j + 1 :]
                if not attached:
                    i += 1
                options[letter] = attached or (args[i] if i < len(args) else None)
                break
            options[letter] = ""
        i += 1
    return options, args[i:]


def _read_line(text: str, delim: str, raw: bool) -> list[tuple[str, bool]]:
    """The characters read takes from its input up to the delimiter: (character, escaped by a backslash). Without
    ``-r`` a backslash escapes the next character and a backslash-newline joins the next line."""
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and not raw:
            if i + 1 < len(text) and text[i + 1] != "\n":
                out.append((text[i + 1], True))
            i += 2
            continue
        if ch == delim:
            break
        out.append((ch, False))
        i += 1
    return out


def _read_fields(chars: list[tuple[str, bool]], ifs: str, count: int | None) -> list[str]:
    """Split what read took by a whitespace IFS, as read does: leading and trailing IFS blanks dropped, fields
    separated by runs of them; with ``count`` names, the last one takes the rest of the line as it is."""
    blank = [not escaped and ch in ifs for ch, escaped in chars]
    start, end = 0, len(chars)
    while start < end and blank[start]:
        start += 1
    while end > start and blank[end - 1]:
        end -= 1
    fields: list[str] = []
    i = start
    while i < end:
        if count is not None and len(fields) == count - 1:
            fields.append("".join(ch for ch, _ in chars[i:end]))
            return fields
        j = i
        while j < end and not blank[j]:
            j += 1
        fields.append("".join(ch for ch, _ in chars[i:j]))
        while j < end and blank[j]:
            j += 1
        i = j
    return fields


def _one_delimiter(ifs: str, plain: bool) -> bool:
    """An IFS of one character that is no blank (``IFS=, read a b``), where the text has no escapes to read."""
    return plain and len(ifs) == 1 and ifs not in _DEFAULT_IFS


def _delimited_fields(chars: list[tuple[str, bool]], ifs: str, count: int | None) -> list[str]:
    """Split what read took at each ``ifs`` (one character, no blank), as bash 5 does: empty fields count, and the
    last name takes the rest of the line, less one delimiter that ends it after a single field (``x,y,`` read into
    a and b: b is y; ``x,y,z,``: b is y,z,); an array's elements stop before a delimiter that ends the line."""
    line = "".join(ch for ch, _ in chars)
    if count is None:
        parts = line.split(ifs)
        return parts[:-1] if parts[-1] == "" else parts
    parts = line.split(ifs, count - 1)
    if len(parts) == count:
        rest = parts[-1]
        if rest.endswith(ifs) and ifs not in rest[:-1]:
            parts[-1] = rest[:-1]
    return parts


def _read(inv: Invocation, state: _State, stdin: str | None, fed: _Value) -> None:
    """``read [-r] [-a ARRAY] [-d DELIM] [NAME...]`` from known text (``read -r a b <<< 'pkill node'``): the values,
    split as read splits them, for an IFS of blanks or an empty one; anything else is ``fed`` (not known)."""
    args = [w.value for w in inv.args]
    found = _builtin_options(args, _READ_VALUED)
    names = [v for v in (found[1] if found else args) if v is None or not v.startswith("-")]
    options = found[0] if found else {}
    array = options.get("a")
    targets = [*(n for n in names if n is not None), *([array] if array else [])] or ["REPLY"]
    given = dict(inv.assignments).get("IFS")
    ifs = given.value if given is not None else state.env.get("IFS", _DEFAULT_IFS)
    delim = options.get("d", "\n")
    readable = (
        found is not None
        and stdin is not None
        and isinstance(ifs, str)
        and (all(c in _DEFAULT_IFS for c in ifs) or _one_delimiter(ifs, "r" in options or "\\" not in stdin))
        and delim is not None
        and not ({"n", "N"} & set(options))
        and options.get("u", "0") == "0"
    )
    if found is None or None in names or ("a" in options and array is None):
        state.write_anywhere()  # (``read -r "$1"``: a name not known; or a word not known where names may be)
        return
    if not readable or stdin is None or not isinstance(ifs, str) or delim is None:
        for name in targets:
            state.env[state.target(name)] = fed
        return
    chars = _read_line(stdin, delim[:1] or "\0", "r" in options)
    split = _delimited_fields if _one_delimiter(ifs, True) else _read_fields
    if array:
        target = state.target(array)
        elements = tuple(split(chars, ifs, None) if ifs else ["".join(c for c, _ in chars)])
        state.env[target] = None if target in state.integers else _capped(_cased(state, target, elements))
        return
    named = [n for n in names if n is not None]  # (all of them: see above)
    if not named:
        state.env["REPLY"] = _cased(state, "REPLY", "".join(ch for ch, _ in chars))  # REPLY keeps the line whole
        return
    fields = split(chars, ifs, len(named)) if ifs else ["".join(c for c, _ in chars)]
    for k, name in enumerate(named):
        target = state.target(name)
        # (into an integer variable, read assigns arithmetic: ``declare -i x; read x <<< a`` is a's value)
        value = _integer_value(state, target, fields[k] if k < len(fields) else "", False)
        state.env[target] = _capped(_cased(state, target, value))


def _mapfile(inv: Invocation, state: _State, stdin: str | None, fed: _Value) -> None:
    """``mapfile [-t] [-d DELIM] [ARRAY]`` (readarray) from known text: one element per line; other options (a
    count, an origin, a callback) make the array not known."""
    args = [w.value for w in inv.args]
    found = _builtin_options(args, _MAPFILE_VALUED)
    operands = [v for v in (found[1] if found else args) if v is None or not v.startswith("-")]
    if found is None or operands[:1] == [None]:
        state.write_anywhere()  # (``mapfile -t "$1"``: an array whose name is not known)
        return
    name = state.target(operands[0] if operands and operands[0] is not None else "MAPFILE")
    options = found[0] if found else {}
    delim = options.get("d", "\n")
    if found is None or stdin is None or delim is None or set(options) - {"t", "d"}:
        state.env[name] = fed
        return
    delim = delim[:1] or "\0"
    pieces = stdin.split(delim)
    lines = [p + ("" if "t" in options else delim) for p in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])
    state.env[name] = _capped(_cased(state, name, tuple(lines)))


def _declare(name: str, inv: Invocation, state: _State) -> None:
    """``export``, ``declare``, ``typeset``, ``local``, ``readonly``: the variables they set, export or make local,
    and the references ``-n`` makes (``declare -n r=c``: r reads and writes c)."""
    flags = "".join(w.value[1:] for w in inv.args if w.value and w.value.startswith("-"))
    unexport = name == "export" and "n" in flags
    exporting = (name == "export" and not unexport) or "x" in flags
    referring = name != "export" and "n" in flags
    # ``declare +n r``: r is a plain variable again, its value the name it referred to
    unreferring = name != "export" and any(w.value and w.value.startswith("+") and "n" in w.value for w in inv.args)
    # in a function, local, declare and typeset (without -g) make the name local to the call
    localising = state.locals is not None and (name == "local" or (name in ("declare", "typeset") and "g" not in flags))
    case = _case_attribute(inv.args) if name in _CASE_DECLARATIONS else None
    unnamed = any(w.value is None and not _ASSIGNING.match(w.literal_prefix) for w in inv.args)
    if unnamed and not set(flags) & set("pfF"):
        state.write_anywhere()  # (``declare "$k=$v"``, ``local "$1"``: a name not known, set or made local)
    for word in inv.args:
        declared = _DECLARED.match(word.literal_prefix)
        if case is not None and declared is not None and not referring:
            _set_case(state, state.target(declared.group(1)), case)
        if declared is not None and localising and not word.literal_prefix.startswith("-"):
            state.make_local(declared.group(1))
            if not declared.group(2) and not referring:
                state.env[declared.group(1)] = ""  # ``local x``: x is unset in the function
        if declared is not None:
            exported = declared.group(1) if referring else state.target(declared.group(1))  # (through a reference)
            if exporting:
                state.exported.add(exported)
            elif unexport:
                state.exported.discard(exported)
        value = word.value
        if referring and declared is not None:
            _refer(
                state, declared.group(1), value.partition("=")[2] if value is not None and declared.group(2) else None
            )
        elif value is not None and "=" in value and not value.startswith("-"):
            key, _, val = value.partition("=")
            append = key.endswith("+")
            key = state.target(key[:-1] if append else key)
            new = _appended(state.env.get(key), val) if append else val
            state.env[key] = _capped(_cased(state, key, _integer_value(state, key, new, append)))
        elif value is None and declared is not None and declared.group(2):
            # ``export X=$(...)``: X is no longer what it was; ``local p=$1``: p holds what made the argument
            target = state.target(declared.group(1))
            given = _env_value(word.without_prefix(declared.end()), target) if declared.group(2) == "=" else None
            state.env[target] = _cased(state, target, given)
        if unreferring and not referring and declared is not None and declared.group(1) in state.refs:
            was = state.refs.pop(declared.group(1))
            state.env[declared.group(1)] = was or None


_CASE_DECLARATIONS = frozenset({"declare", "typeset", "local"})
_EITHER_CASE = "|"  # in _State.cases: the conversions a variable may have, where a declare may not have run
_CASE_CONVERSIONS: dict[str, Callable[[str], str]] = {
    "l": str.lower,
    "u": str.upper,
    "c": lambda text: text[:1].upper() + text[1:].lower(),
}


def _case_attribute(words: Sequence[Word]) -> str | None:
    """The case attribute ``declare`` gives the names it declares, from its options (the words before the first
    name): "l", "u" or "c" (``-l``, ``-u``, ``-c``), "" when it takes it away (``+l``; ``-l -u`` together: bash
    then converts nothing), "?" when an option is not known, None when it leaves it as it was."""
    given: set[str] = set()
    removed = False
    for word in words:
        value = word.value
        if value is None and word.literal_prefix[:1] in ("", "-", "+"):
            return "?"
        if value is None or value == "--" or value[:1] not in ("-", "+"):
            break
        letters = set(value[1:]) & _CASE_LETTERS
        if value[0] == "-":
            given |= letters
        else:
            removed = removed or bool(letters)
    if not given:
        return "" if removed else None
    if given == {"l", "u"}:
        return ""
    return given.pop() if len(given) == 1 else "?"


_CASE_LETTERS = frozenset("luc")


def _set_case(state: _State, name: str, case: str) -> None:
    if case:
        state.cases[name] = case
    else:
        state.cases.pop(name, None)


def _cased(state: _State, name: str, value: _Value) -> _Value:
    """What a variable with a case attribute holds after an assignment (``declare -l d; d=/OPT/X``: /opt/x); not
    known when the conversion is not."""
    case = state.cases.get(name) if state.cases else None
    if case is None:
        return value
    return _converted_value(case, value)


def _converted_value(case: str, value: _Value) -> _Value:
    """``value`` converted as a case attribute says ("": not at all; not known for one not known, or several)."""
    if not case:
        return value
    convert = _CASE_CONVERSIONS.get(case)
    if convert is None:
        return None
    if isinstance(value, str):
        return convert(value)
    if isinstance(value, Unknown):
        return dataclasses.replace(value, prefix=convert(value.prefix)) if value.prefix else value
    if isinstance(value, tuple):
        return tuple(_converted(convert, element) for element in value)
    if isinstance(value, Keyed):
        items = tuple((key, _converted_text(convert, element)) for key, element in value.items)
        return Keyed(items, value.associative)
    return value


def _converted(convert: Callable[[str], str], element: str | Unknown | None) -> str | Unknown | None:
    return convert(element) if isinstance(element, str) else element


def _converted_text(convert: Callable[[str], str], element: str | None) -> str | None:
    return convert(element) if element is not None else None


def _integer_value(state: _State, name: str, value: _Value, append: bool) -> _Value:
    """What an integer variable (``declare -i``) holds after an assignment: bash evaluates it, so only a plain
    number assigned (not added: ``n+=2`` adds) is known as written."""
    if name not in state.integers:
        return value
    return value if not append and isinstance(value, str) and re.fullmatch(r"-?[1-9][0-9]*|0", value) else None


def _refer(state: _State, name: str, target: str | None) -> None:
    """``declare -n NAME=TARGET``; without a target, NAME refers to the variable its value names. A target not known
    (or not a name) is a reference to nothing known: reading NAME is not known."""
    if target is None and "=" not in name:
        current = state.env.get(name)
        target = current if isinstance(current, str) else None
    element = _ELEMENT.fullmatch(target) if target is not None else None
    if element is not None:  # ``declare -n r='a[1]'``: r reads and writes an element of a, not tracked
        state.refs[name] = _ELEMENT_REF + element.group(1)
        return
    state.refs[name] = target if target is not None and _NAME.fullmatch(target) else ""


_ELEMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\[[^\]]*\]")
_SHELL_TABLES = frozenset({"BASH_CMDS", "BASH_ALIASES"})  # bash's hash table and aliases, as arrays
_ANY_NAME = ""  # in the hash table: every name (its entries are not known)
_EITHER_FILE = "__tenmon_guard_either"  # (a variable no text sets: see _either_text)
# what mapfile gives its callback after the code: the index and the line read (not known: a variable no text sets)
_CALLBACK_ARGUMENTS = ' 0 "$__tenmon_guard_line"'
_ON_PATH = "\x00"  # in _State.other_hashed: no entry, the name is found on PATH
_ELEMENT_REF = "["  # refs: a reference to an element of the array named after it
_EITHER_REF = "|"  # refs: a reference that may name any of the names it separates (see _Rest.join)


def _referred(reference: str) -> list[str]:
    """The variables (and elements) a reference of ``_State.refs`` may name; "" for any variable."""
    return reference[1:].split(_EITHER_REF) if reference.startswith(_EITHER_REF) else [reference]


def _hash(args: list[str | None], state: _State) -> None:
    """``hash -p PROGRAM NAME...`` binds each NAME to PROGRAM (not known: None), ``-d NAME...`` forgets them, ``-r``
    forgets all."""
    program: str | None = ""
    forget = False
    i = 0
    while i < len(args) and (args[i] or "-").startswith("-") and args[i] != "--":
        letters = args[i]
        if letters is None:  # a word not known may be -p and a program not known
            program = None
            i += 1
            continue
        if "r" in letters:
            state.hashed.clear()
            state.other_hashed.clear()
        forget = forget or "d" in letters
        if "p" in letters:
            program = args[i + 1] if i + 1 < len(args) else None
            i += 1
        i += 1
    given = args[i + (args[i : i + 1] == ["--"]) :]
    if None in args:  # (``hash -d "$1"``, or a word not known that may be -r: any entry may be gone)
        for name in state.hashed:
            if _ON_PATH not in state.other_hashed.get(name, ()):
                state.other_hashed[name] = (*state.other_hashed.get(name, ()), _ON_PATH)
    if None in args and not forget and any(a is not None and a.startswith("-") and "p" in a for a in args):
        state.hashed[_ANY_NAME] = None  # (``hash -p PROGRAM "$1"``: a name not known runs it)
    names = [a for a in given if a is not None]
    for name in names:
        if forget:
            state.hashed.pop(name, None)
        elif program != "":
            state.hashed[name] = program
        state.other_hashed.pop(name, None)


# ulimit's options whose limit ends a process that passes it (bash's ulimit: -t seconds of CPU time, -v and -d in
# units of 1024 bytes), as prlimit's options (bytes)
_LIMIT_NOT_KNOWN = "\x00"  # a limit's value not known statically, in state.limits (see Builder._limited)
_ULIMIT_SIGNALLING = {"t": ("--cpu", 1), "v": ("--as", 1024), "d": ("--data", 1024)}


def _limit_word(text: str, span: Span) -> Word:
    """A word of a limit's wrapper (``--cpu=1``), its value not known where it ends with _LIMIT_NOT_KNOWN."""
    if not text.endswith(_LIMIT_NOT_KNOWN):
        return literal_word(text, span)
    known = text[: -len(_LIMIT_NOT_KNOWN)]
    return Word(known, span, (Literal(known), Unknown("variable")))


def _ulimit(args: list[str | None], state: _State) -> None:
    """``ulimit -t 1``, ``ulimit -Sv 1000``: the limits every command the shell starts after has (state.limits,
    judged as ``prlimit --cpu=1 CMD``). Each option letter takes the next operand as its limit (bash: ``ulimit -t 1
    -v 2``); unlimited (or no value: a report) sets no limit, a value not known one not known."""
    pending: list[str] = []
    limits = [str(w) for h in state.limits if h[0] == "prlimit" for w in h[1:-1]]
    for arg in args:
        if arg is not None and arg.startswith("-") and arg[1:].isalpha():
            pending.extend(arg[1:])
            continue
        while pending and pending[0] not in "tvdbcefiklmnpqrsuxPRT":
            pending.pop(0)  # (-H, -S, -a: no resource)
        if not pending:
            continue
        letter = pending.pop(0)
        if letter not in _ULIMIT_SIGNALLING:
            continue
        option, unit = _ULIMIT_SIGNALLING[letter]
        limits = [x for x in limits if not x.startswith(option + "=")]
        if arg is None:
            limits.append(option + "=" + _LIMIT_NOT_KNOWN)  # (ulimit -t $N: a limit not known, maybe one)
        elif arg.isdigit():
            limits.append(f"{option}={int(arg) * unit}")
    others = tuple(x for x in state.limits if x[0] != "prlimit")
    state.limits = (*others, ("prlimit", *limits, "--")) if limits else others


# zsh's limit RESOURCE VALUE: the resources whose limit ends a process that passes it, as prlimit's options, and
# the unit of a bare number (cputime: seconds; the sizes: kilobytes)
_ZSH_LIMITS = {"cputime": ("--cpu", 1), "addressspace": ("--as", 1024), "vmemorysize": ("--as", 1024),
               "datasize": ("--data", 1024)}  # fmt: skip
_ZSH_TIME = re.compile(r"(?:(?:(\d+):)?(\d+):)?(\d+)([smh]?)")
_ZSH_SIZE = re.compile(r"(\d+)([kmg]?)", re.IGNORECASE)


def _zsh_limit(args: list[str | None], state: _State) -> None:
    """zsh's ``limit [-hs] RESOURCE VALUE...`` (``limit cputime 1``, ``limit addressspace 100k``): as ``ulimit``,
    the limits every command the shell starts after has (zshbuiltins(1): a time as [[h:]m:]s or with an s, m or h
    unit; a size in kilobytes, or with a k, m or g unit). ``unlimited`` or a value not read sets none."""
    words = [a for a in args if a is None or not (a.startswith("-") and a[1:].isalpha())]
    limits = [str(w) for h in state.limits if h[0] == "prlimit" for w in h[1:-1]]
    for resource, value in zip(words[::2], words[1::2], strict=False):
        if resource not in _ZSH_LIMITS or value is None:
            continue
        option, unit = _ZSH_LIMITS[resource]
        limits = [x for x in limits if not x.startswith(option + "=")]
        amount = _zsh_amount(value, unit)
        if amount is not None:
            limits.append(f"{option}={amount}")
    others = tuple(x for x in state.limits if x[0] != "prlimit")
    state.limits = (*others, ("prlimit", *limits, "--")) if limits else others


def _zsh_amount(value: str, unit: int) -> int | None:
    """A zsh limit's value in seconds (unit 1) or bytes (unit 1024: a bare number is kilobytes)."""
    if unit == 1:
        timed = _ZSH_TIME.fullmatch(value)
        if timed is None:
            return None
        hours, minutes, seconds, suffix = timed.groups()
        scale = {"": 1, "s": 1, "m": 60, "h": 3600}[suffix]
        return int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds) * scale
    sized = _ZSH_SIZE.fullmatch(value)
    if sized is None:
        return None
    return int(sized[1]) * {"": 1024, "k": 1024, "m": 1 << 20, "g": 1 << 30}[sized[2].lower()]


def _carried(text: str, node: Compound) -> set[str]:
    """The variables a pass of a loop may read as the pass before left them: those its text names (the positional
    parameters too), but its own variable (each pass sets it) and those a statement of the pass surely sets,
    directly in the loop's body and before any statement that names them (``line=$(...); echo "$line"``): a pass
    reads those as it set them itself."""
    named = {*_variables_named(text[node.span.start : node.span.end]), POSITIONAL} - {node.name or ""}
    seen: set[str] = set()
    killed: set[str] = set()
    for statement in node.body:  # (a while's condition, then its body; a for's body)
        if isinstance(statement, SimpleCommand) and not statement.words and not statement.redirects:
            sets = {text[w.span.start : w.span.end].split("=", 1)[0] for w in statement.assignments}
            seen |= set(_variables_named(text[statement.span.start : statement.span.end]))  # (values first)
            killed |= {n for n in sets if n not in seen}
            continue
        named_here = set(_variables_named(text[statement.span.start : statement.span.end]))
        if isinstance(statement, Compound) and statement.kind in ("for", "select") and statement.name:
            named_here.discard(statement.name)  # (an inner loop's own variable: it reads what it set)
        seen |= named_here
    return named - killed


def _shaped(value: object) -> object:
    """A value as a pass of a loop compares it (see Builder._shape): a value not known is ``?``."""
    if isinstance(value, Unknown):
        return "?"
    if isinstance(value, tuple):
        return tuple(_shaped(v) for v in value)
    return value if value is None or isinstance(value, str) else repr(value)


def _either_text(old: str | Unknown, new: str | Unknown) -> str | Unknown:
    """A file's text where it may hold ``old`` or ``new``: as shell text, each in a branch of an ``if`` whose
    condition is not known, so a shell reading it judges both and what either leaves (as text only: a text not
    known stands for both)."""
    if isinstance(old, Unknown) or isinstance(new, Unknown):
        producers = tuple(dict.fromkeys(p for u in (old, new) if isinstance(u, Unknown) for p in u.producers))
        return Unknown("command", producers=producers)
    return f'if [ -n "${{{_EITHER_FILE}-}}" ]; then :\n{old}\nelse :\n{new}\nfi\n'  # (``:``: a text may be empty)


def _other_programs(name: str | None, state: _State) -> tuple[str | None, ...]:
    """The programs besides its entry that ``name`` may run (where a ``hash`` may not have run)."""
    if name is not None and name not in state.hashed:
        name = _ANY_NAME
    return state.other_hashed.get(name or _ANY_NAME, ())


def _hashed_word(first: Word, program: str | None) -> Word:
    """The command name ``first`` as the program the hash table gives for it (None: not known)."""
    return Word(first.text, first.span, (Literal(program, True),) if program is not None else (Unknown("hash"),))


def _letters_and_names(args: list[str | None]) -> tuple[set[str], list[str | None]]:
    """A builtin's option letters (``-fm``, up to ``--`` or the first word that is none) and the names after them."""
    letters: set[str] = set()
    for k, arg in enumerate(args):
        if arg == "--":
            return letters, args[k + 1 :]
        if arg is None or not arg.startswith("-") or arg == "-":
            return letters, args[k:]
        letters.update(arg[1:])
    return letters, []


_BUILTIN_SWITCHES = frozenset({"enable", "disable"})
_TURNED_OFF = "enable -n "  # (in _State.shopts, then a builtin's name, or * for any: one the line may have turned off)


def _switch_builtins(name: str, args: list[str | None], state: _State, zsh: bool) -> None:
    """``enable -n NAME`` (zsh: ``disable NAME``) turns a builtin off, ``enable NAME`` on again. Kept as options the
    shell may have: a branch that may not run leaves it off or on (the union of the two, see _Rest.join); a name
    not known may be any builtin. Other forms (``enable -f``, listing, zsh's ``disable -f`` of functions) are not
    this."""
    letters, names = _letters_and_names(args)
    if not names or (name == "disable" and not zsh):
        return
    off = "n" in letters if name == "enable" else True
    if letters - ({"n", "s"} if name == "enable" else {"m"}):
        return
    if off:
        patterns = "m" in letters
        state.shopts = state.shopts | {
            _TURNED_OFF + ("*" if n is None or (patterns and _PATTERN_ACTIVE.search(n)) else n) for n in names
        }
    else:
        state.shopts = state.shopts - {_TURNED_OFF + n for n in names if n is not None}


def _may_be_off(name: str | None, state: _State) -> bool:
    """Has the line perhaps turned this builtin off (see _switch_builtins)? Two lookups in the shell's options, at
    each builtin read: no walk over them."""
    return bool(name) and (_TURNED_OFF + (name or "") in state.shopts or _TURNED_OFF + "*" in state.shopts)


def _zsh_remove_functions(name: str, args: list[str | None], state: _State) -> None:
    """zsh's ``unfunction NAME``, ``unhash -f NAME`` and ``disable -f NAME`` (bash's ``unset -f``): the name then runs
    what PATH finds (``pkill() { :; }; unfunction pkill; pkill node`` runs pkill). With ``-m`` the names are
    patterns: each function one may match may be gone (its calls are judged as the function and as the command); a
    name not known may be any."""
    letters, names = _letters_and_names(args)
    if name != "unfunction" and "f" not in letters:
        return  # (unhash and disable of the hash table, aliases, reserved words)
    gone: set[str] = set()
    maybe: set[str] = set()
    for written in names:
        if written is None:
            maybe.update(state.functions)
        elif "m" in letters and _PATTERN_ACTIVE.search(written):
            # (zsh's own patterns, ``(a|b)`` and ``k#``, are not fnmatch's: every function may match one)
            extended = "(" in written or "#" in written or "^" in written or "~" in written
            maybe.update(f for f in state.functions if extended or fnmatch.fnmatchcase(f, written))
        else:
            gone.add(written)
    if gone & state.functions.keys():
        state.functions = {k: v for k, v in state.functions.items() if k not in gone}
    if maybe - gone:
        state.maybe_defined = state.maybe_defined | ((maybe - gone) & state.functions.keys())


def _unalias(args: list[str | None], state: _State) -> None:
    """``unalias NAME``, ``unalias -a``: the alias is no more (read straight through, ``alias pkill=true`` then
    ``unalias pkill`` left ``pkill node`` judged as ``true node`` in a script that expands aliases). A name not
    known may be any: each alias may then be none."""
    names = args[1:] if args[:1] == ["--"] else args
    if "-a" in args[:1]:
        state.aliases.clear()
        state.other_aliases.clear()
        return
    for name in names:
        if name is None:
            for known in state.aliases:
                state.other_aliases[known] = (*state.other_aliases.get(known, ()), None)
            continue
        state.aliases.pop(name, None)
        state.other_aliases.pop(name, None)


def _decides(state: _State) -> bool:
    """May a test or a case's subject decide what runs in the text being read? Not where sh (dash) reads it: the
    values here are bash's, and dash makes others of some (``$'a'`` is ``$a`` there, ``{a,b}`` itself)."""
    return DECODING_ECHO not in state.shopts


def _stdout_moved(inv: Invocation) -> str | None:
    """Where the redirections send the command's output, when elsewhere than it would go: "file" where the last of
    them that moves it writes a file (``$(echo x >/dev/null)`` is empty), "descriptor" where it goes to another
    (``$(echo x 2>&1 >&3)`` goes to fd 3: what it prints there is not known here); None where none moves it."""
    moved: str | None = None
    for r in inv.redirects:
        if r.op in ("&>", "&>>") or (r.op in _OUTPUT_OPS and r.fd in (None, 1)) or (r.op, r.fd) == ("<>", 1):
            moved = "file"
        elif r.op == ">&" and r.fd in (None, 1):
            moved = "file" if r.target_is_file else "descriptor"
    return moved


# zsh's options of pushd and popd (and ``--``), which bash's refuses ("invalid option"): pushd -q DIR goes to DIR
_ZSH_STACK_OPTIONS = re.compile(r"-[qsLPn]+|--")


def _zsh_builtin(inv: Invocation, args: list[str | None], state: _State) -> bool:
    """Where zsh does otherwise than bash with what bash's builtin would change: True when it is done here. zsh 5.9
    has no mapfile or readarray (a command not found), nor namerefs (``typeset -n``: "bad option"), nor ``read -a``
    (its arrays are ``read -A``); and ``unset 'a[2]'`` empties that element (counted from 1), which bash's removes:
    the array is then not known here. Each had left a value zsh does not make (``declare -n r=x; r=b`` changed
    x), which a test or a case then decided on."""
    name = inv.name
    options = "".join(a[1:] for a in args if a is not None and a[:1] in ("-", "+") and a not in ("-", "--"))
    if name in ("mapfile", "readarray"):
        return True
    if name in _DECLARATIONS and "n" in options:
        return True
    if name == "read" and "a" in options:
        return True
    if name in ("pushd", "popd"):
        # its own options (-q: quiet, -s, -L, -P: how links are followed) before the operands; bash knows only -n
        leading = [a or "" for a in itertools.takewhile(lambda a: a and _ZSH_STACK_OPTIONS.fullmatch(a), args)]
        if leading:
            rest = ["-n"] * any("n" in a for a in leading) + args[len(leading) :]
            _pushd(inv, rest, state) if name == "pushd" else _popd(rest, state)
            return True
    if name == "unset" and any(a is None or "[" in a for a in args):
        for arg in args:
            base = (arg or "").partition("[")[0]
            if _NAME.fullmatch(base):
                state.env[state.target(base)] = Unknown("variable", name=base)
            elif arg is None:
                state.write_anywhere()
        return False  # (and what bash's unset does with the other names)
    return False


def _cd(inv: Invocation, args: list[str | None], state: _State) -> None:
    target, *others = _cd_targets(inv, args, state)
    if state.shopts >= _SPELLING:
        others += [c for p in (target, *others) if p is not None for c in paths.spelled_directories(p)]
    state.staying = _staying(target, others, state)
    _chdir(state, target, (*others, *state.staying))


def _apply_builtin(inv: Invocation, state: _State, stdin: str | None = None, fed: Unknown | None = None) -> None:
    """What the shell itself remembers after a command: cd, pushd/popd, exported and declared variables. ``stdin``
    is the text read and mapfile read when it is known, ``fed`` what stands for it otherwise."""
    name = inv.name
    if name not in _APPLIED:
        return
    args = [w.value for w in inv.args]
    if name == "cd":
        _cd(inv, args, state)
    elif name == "shopt":
        _shopt(args, state)
    elif name == "pushd":
        _pushd(inv, args, state)
    elif name == "popd":
        _popd(args, state)
    elif name == "dirs" and any(a is not None and a.startswith("-") and "c" in a[1:] for a in args):
        state.dirstack, state.dirstack_open = [], False  # (dirs -c: the stack is the cwd alone)
    elif name in _DECLARATIONS:
        _declare(name, inv, state)
    elif name == "hash":
        _hash(args, state)
    elif name == "unalias":
        _unalias(args, state)
    elif name == "ulimit":
        _ulimit(args, state)
    elif name == "limit":
        _zsh_limit(args, state)
    elif name == "shift":
        params = state.env.get(POSITIONAL)
        if isinstance(params, tuple):
            count = args[0] if args else "1"
            state.env[POSITIONAL] = params[int(count) :] if count is not None and count.isdigit() else None
    elif name == "set":
        changes, positional = _set_positional(inv.args)
        if changes:
            state.env[POSITIONAL] = _capped(positional)
        for before, value in zip([None, *args], args, strict=False):
            if value == "allexport" and before in ("-o", "+o"):
                state.allexport = before == "-o"
            elif value in ("keyword", "physical") and before in ("-o", "+o"):
                state.shopts = state.shopts | {value} if before == "-o" else state.shopts - {value}
            elif value and value[0] in "-+" and value[1:].isalpha() and value[1:] != "o":
                if "a" in value[1:]:
                    state.allexport = value[0] == "-"
                for letter, option in (("k", "keyword"), ("P", "physical")):
                    if letter in value[1:]:
                        state.shopts = state.shopts | {option} if value[0] == "-" else state.shopts - {option}
    elif name == "unset":
        flags, names = _unset_operands(args)
        if "f" in flags:  # functions only: ``x=/opt/app; unset -f x; rm -rf $x`` still removes /opt/app
            return
        if None in names:
            state.write_anywhere()  # (``unset "$1"``: any variable may be unset)
        for value in names:
            if value == "IFS":
                state.env.pop("IFS", None)  # an unset IFS splits as the default does (an empty one never splits)
            elif value is not None:
                if "n" in flags:  # ``unset -n r``: the reference itself (bash leaves a plain variable alone)
                    if state.refs.pop(value, None) is not None:
                        state.env[value] = ""
                elif "[" in value and value.endswith("]"):
                    _unset_element(value, state)
                else:
                    state.env[state.target(value)] = ""
    elif name == "getopts":
        _getopts(args, state)
    elif name in ("read", "mapfile", "readarray"):
        # (from the terminal: what the person types, which arithmetic may evaluate as code: a stdin piece)
        typed = fed if fed is not None or stdin is not None else Unknown("stdin")
        (_read if name == "read" else _mapfile)(inv, state, stdin, typed)
    elif name == "printf" and args[:1] and (args[0] or "").startswith("-v"):
        _printf_v(args, state)


def _unset_element(written: str, state: _State) -> None:
    """``unset 'a[1]'``: that element is gone, the others keep their indexes (``${a[*]}`` of ``(1 2 3)`` is then
    "1 3"); ``a[@]`` and ``a[*]`` unset the whole array. A subscript bash evaluates (``a[i]``, ``a[-1]``) leaves
    the array not known. (It was taken for a variable named ``a[1]``, and the array left whole.)"""
    name, _, subscript = written[:-1].partition("[")
    if not _NAME.fullmatch(name):
        return
    target = state.target(name)
    if subscript in ("@", "*"):
        state.env[target] = ""
        return
    items, associative = array_items(state.env.get(target))
    key = array_key(subscript, associative)
    if key is None or isinstance(state.env.get(target), Unknown):
        state.env[target] = Unknown("variable", name=target)
        return
    items.pop(key, None)
    state.env[target] = make_array(items, associative) if items else ""


def _other_functions(function: _Function, now: dict[str, _Function]) -> bool:
    """Whether a name the body runs (or a function it calls runs) was a function where that body was read and is
    none now: the command it names runs, and was never judged there. (A name that became a function, or another
    one, runs a body judged where that was defined, with arguments not known: nothing new runs unjudged.)"""
    return any(
        name not in now and name in reached.functions
        for reached in _reachable(function, now)
        if reached.functions is not now
        for name in reached.calls
    )


def _reachable(function: _Function, now: dict[str, _Function]) -> list[_Function]:
    """The function, and the functions (as they are now) its body calls, theirs in turn: each once."""
    found, seen, waiting = [function], {id(function)}, [function]
    while waiting:
        for name in waiting.pop().calls:
            current = now.get(name)
            if current is not None and id(current) not in seen:
                seen.add(id(current))
                found.append(current)
                waiting.append(current)
    return found


def _unset_operands(args: list[str | None]) -> tuple[frozenset[str], list[str | None]]:
    """``unset``'s option letters and the names it is given. Options end at ``--`` or at the first word that is
    not one; a word not known statically is a name. Both ``-f`` and ``-v`` is refused by bash (nothing is unset):
    the letters are then empty of both and the names empty."""
    flags: set[str] = set()
    index = 0
    while index < len(args):
        value = args[index]
        if value == "--":
            index += 1
            break
        if value is None or len(value) < 2 or not value.startswith("-"):
            break
        flags.update(value[1:])
        index += 1
    if not flags <= set("fnv") or {"f", "v"} <= flags:
        return frozenset(), []
    return frozenset(flags), args[index:]


def _getopts(args: list[str | None], state: _State) -> None:
    """``getopts OPTSTRING NAME [ARGS...]`` (the positional parameters without ARGS): NAME and OPTARG hold the
    option found and its value. A call may be any one of a loop's (``while getopts``), so each holds what every
    call would give it when that is one value (``getopts a: o -a /opt/x``: OPTARG is /opt/x), else it is not known."""
    name = args[1] if len(args) > 1 else None
    if name is None and len(args) > 1:
        state.write_anywhere()  # (``getopts a "$1"``: a name not known)
        return
    given = tuple(args[2:]) if len(args) > 2 else state.env.get(POSITIONAL)
    start = state.env.get("OPTIND", "1")
    found = None
    if args[:1] != [None] and args and isinstance(given, tuple) and isinstance(start, str) and start.isdigit():
        found = _getopts_results(args[0] or "", given[max(int(start) - 1, 0) :])
    letters = {letter for letter, _ in found} if found else set()
    values = {value for _, value in found} if found else set()
    if name is not None:
        state.env[state.target(name)] = letters.pop() if len(letters) == 1 else "?" if found == [] else None
    state.env["OPTARG"] = values.pop() if len(values) == 1 else "" if found == [] else None


def _getopts_results(optstring: str, words: Sequence[str | Unknown | None]) -> list[tuple[str, str]] | None:
    """What successive getopts calls set over ``words``: (NAME's value, OPTARG's; "" for unset), up to the end of the
    options; None when a word is not known."""
    silent = optstring.startswith(":")
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(words):
        word = words[i]
        if not isinstance(word, str):
            return None
        if word == "--" or not word.startswith("-") or word == "-":
            break
        for j in range(1, len(word)):
            letter = word[j]
            at = optstring.find(letter, int(silent)) if letter != ":" else -1
            if at < 0:
                out.append(("?", letter if silent else ""))
                continue
            if optstring[at + 1 : at + 2] != ":":
                out.append((letter, ""))
                continue
            if j + 1 < len(word):
                out.append((letter, word[j + 1 :]))
            elif i + 1 < len(words):
                value = words[i + 1]
                if not isinstance(value, str):
                    return None
                out.append((letter, value))
                i += 1
            else:
                out.append((":", letter) if silent else ("?", ""))
            break
        i += 1
    return out


_ELEMENT_NAME = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\[([^]]*)\]")  # ``printf -v 'a[1]' ...``


def _printf_v(args: list[str | None], state: _State) -> None:
    """``printf -v NAME FORMAT ARGS...``: NAME (or an element, ``a[1]``) holds what printf would print, not known
    for a directive other than %s. A name not known may be any variable: none is known after it."""
    name, rest = (
        (args[0][2:], args[1:]) if args[0] and len(args[0]) > 2 else (args[1] if len(args) > 1 else None, args[2:])
    )
    if name is None and len(args) > 1:
        state.write_anywhere()
        return
    if name is None or not rest:
        return
    values = [a for a in rest if a is not None]
    printed = filters.printf_output(values[0], values[1:]) if len(values) == len(rest) else None
    element = _ELEMENT_NAME.fullmatch(name)
    if element is not None:
        target = state.target(element.group(1))
        state.env[target] = _capped(_set_element(state.env.get(target), element.group(2), printed, False))
    elif _NAME.fullmatch(name):
        target = state.target(name)
        state.env[target] = _capped(_cased(state, target, _integer_value(state, target, printed, False)))


fill_fields_directly(_Ctx, _Command)
