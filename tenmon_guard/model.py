"""The command model: the one seam between parsers and everything that judges commands.

A command line (or a script) becomes a flat tuple of :class:`Invocation` records. Wrappers (sudo, env, bash -c ...)
are already seen through, quotes removed, ``cd`` and same-line assignments applied. Rules and doors only ever see
this model, never a parser tree, so both parser backends can be held to producing the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import field
from typing import Any, Generic, TypeVar, Union, overload

from tenmon_guard.frozen import record

_T = TypeVar("_T")


class _cached(Generic[_T]):
    """``functools.cached_property`` without its per-instance lock (Python 3.11 takes one on every first read,
    a measurable cost over the hundreds of thousands of words of a linted repository). Words are never shared
    between threads while their views are computed, and computing a view twice would give the same value."""

    def __init__(self, compute: Callable[[Any], _T]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> _cached[_T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> _T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> _T | _cached[_T]:
        if instance is None:
            return self
        value = self.compute(instance)
        instance.__dict__[self.name] = value  # read from the instance from now on: no call at all
        return value


@record(order=True)
class Span:
    """Character offsets ``[start, end)`` in the text the user gave (not in a nested ``bash -c`` string)."""

    start: int
    end: int


def offset_within(offset: int, spans: Sequence[Span]) -> bool:
    """Whether one of ``spans`` holds ``offset``."""
    return any(span.start <= offset < span.end for span in spans)


@record
class Literal:
    """Text whose value is known. ``quoted`` text never acts as a glob."""

    text: str
    quoted: bool = False


@record
class Unknown:
    """A piece whose value cannot be known statically.

    ``kind`` says where it comes from: ``variable`` (with ``name``), ``command`` (a substitution, whose
    invocations are ``producers``, indexes into :attr:`CommandModel.invocations`), ``arith``, ``tilde``,
    ``stdin`` (arguments that xargs reads), ``brace`` (an expansion too large to enumerate), ``spliced`` (what the
    values of the pieces ``name`` lists add to the shell text they are spliced into, from ``producers``),
    ``spliced code`` (the same, spliced into code of another language: ``python3 -c "print('$X')"``), ``job``
    (``$!``: the PID of the process one of ``producers`` runs as, started in the background; not their output; with
    ``name``, a job spec of kill's, ``%1``, which may name a job started before the text as well).

    ``prefix``: only in what a variable holds, the known text its value starts with (``D=/opt/app/$(date)``:
    ``/opt/app/``, then this piece, which stands for all the rest); a word that expands the variable gets the
    prefix as known text and the piece without it, so no word holds a prefixed piece.

    ``words``: the piece stands for any number of words, as the words xargs reads and adds to a command do (see
    :func:`spreads`).

    ``quoted``: the value was quoted for the shell (printf's ``%q``): spliced into shell text, it is read back as
    one word, never as code."""

    kind: str
    name: str | None = None
    producers: tuple[int, ...] = ()
    prefix: str = ""
    words: bool = False
    quoted: bool = False


Part = Union[Literal, Unknown]
JOB = "job"  # the kind of :class:`Unknown` that ``$!`` is after a command started in the background


@record
class Word:
    """One argument after expansion: a sequence of parts. Brace expansion has already produced separate words.

    Derived views (value, is_glob, ...) are cached: rules ask for them many times per word."""

    text: str
    span: Span
    parts: tuple[Part, ...]

    @_cached
    def value(self) -> str | None:
        """The word's value when it is fully known and not a glob; None otherwise."""
        views = self.__dict__  # (is_glob read and kept without its descriptor: every word's value is asked for)
        glob = views.get("is_glob")
        if glob is None:
            glob = views["is_glob"] = _is_glob(self.parts)
        if glob:
            return None
        parts = self.parts
        if len(parts) == 1:  # most words: one piece
            first = parts[0]
            return first.text if isinstance(first, Literal) else None
        out = []
        for part in parts:
            if isinstance(part, Unknown):
                return None
            out.append(part.text)
        return "".join(out)

    @_cached
    def is_static(self) -> bool:
        return all(isinstance(p, Literal) for p in self.parts)

    @_cached
    def is_glob(self) -> bool:
        """Whether bash expands the word as a pattern: an unquoted ``*``, ``?``, bracket expression or extended
        pattern (``!(x)``, ``@(a|b)``). A bracket expression may hold quoted or escaped characters (``[\\l]``,
        ``["l"]``): they count as plain ones."""
        return _is_glob(self.parts)

    @_cached
    def literal_prefix(self) -> str:
        """The known text before the first unknown part (globs included as written)."""
        out = []
        for part in self.parts:
            if isinstance(part, Unknown):
                break
            out.append(part.text)
        return "".join(out)

    @_cached
    def names_a_pipe(self) -> bool:
        """The word is one process substitution, ``>(cmd)`` or ``<(cmd)``: bash gives the command /dev/fd/N, a pipe
        to or from commands that are judged on their own, never a path a rule protects (``tee >(gzip > out.gz)``)."""
        return len(self.parts) == 1 and isinstance(self.parts[0], Unknown) and self.text[:2] in ("<(", ">(")

    @_cached
    def unknowns(self) -> tuple[Unknown, ...]:
        return tuple(p for p in self.parts if isinstance(p, Unknown))

    def without_prefix(self, count: int) -> Word:
        """The word less its first ``count`` known characters (``of=/x`` -> ``/x``, ``NAME=$V`` -> ``$V``)."""
        parts = list(self.parts)
        while count and parts and isinstance(parts[0], Literal):
            first = parts[0]
            if len(first.text) <= count:
                count -= len(first.text)
                parts.pop(0)
            else:
                parts[0] = Literal(first.text[count:], first.quoted)
                count = 0
        return Word(self.text, self.span, tuple(parts) or (Literal("", True),))

    def display(self) -> str:
        """A readable rendering: known text as is, unknown parts as ``⟨$name⟩`` / ``⟨$(…)⟩``."""
        out = []
        for part in self.parts:
            if isinstance(part, Literal):
                out.append(part.text)
            elif part.kind == "variable":
                out.append(f"⟨${part.name}⟩")
            elif part.kind == "command":
                out.append("⟨$(…)⟩")
            elif part.kind == "spliced":
                out.append(f"⟨{part.name}⟩")
            else:
                out.append(f"⟨{part.kind}⟩")
        return "".join(out)


def _is_glob(parts: tuple[Part, ...]) -> bool:
    """See :attr:`Word.is_glob`."""
    for part in parts:  # (a character a glob needs: most words have none)
        if isinstance(part, Literal) and not part.quoted:
            text = part.text
            if "*" in text or "?" in text or "[" in text or "(" in text:
                break
    else:
        return False
    plain = (p.text if not p.quoted else "x" * len(p.text) for p in parts if isinstance(p, Literal))
    return _has_glob("".join(plain))


def _has_glob(text: str) -> bool:
    """``*``, ``?``, a bracket expression with its closing ``]`` (a lone ``[`` is the test command) or an extended
    pattern (``!(x)``, ``@(a|b)``, ``+(x)``)."""
    if "*" in text or "?" in text:
        return True
    open_at = text.find("[")
    return (open_at >= 0 and "]" in text[open_at + 2 :]) or extended_pattern_at(text) >= 0


EXTENDED_OPERATORS = "?*+@!"
"""What opens an extended pattern when ``(`` follows: interactive bash on Debian has ``extglob`` on (bash-completion
sets it), and in a script, where it is off, such a word is a syntax error and nothing of the line runs, so it is
always read as a pattern."""


def extended_pattern_at(text: str, start: int = 0) -> int:
    """Where the first extended pattern of ``text`` at or after ``start`` opens (its operator), -1 when none."""
    at = text.find("(", start + 1)
    while at > 0:
        if text[at - 1] in EXTENDED_OPERATORS:
            return at - 1
        at = text.find("(", at + 1)
    return -1


def glob_start(text: str) -> int | None:
    """Where the first wildcard of the glob ``text`` is (``*``, ``?``, ``[`` or an extended pattern's operator):
    what comes from there on may name anything, as an unknown part may. None when there is none."""
    found = [k for k in (text.find("*"), text.find("?"), text.find("["), extended_pattern_at(text)) if k >= 0]
    return min(found) if found else None


class Matches(str):
    """What a loop variable holds in ``for f in /opt/*``: a pattern that stands for each path it matches. bash
    binds the variable to one matching path at a time, so ``"$f"`` names such a path: its expansion stays a
    pattern, quoted or not."""

    __slots__ = ()


def plain_word(text: str, span: Span) -> Word:
    """A word written as one unquoted piece (no quote, escape or expansion: most words of a script). Its views are
    known as it is made, and nearly every such word is asked its value: they are stored at once, as the cached
    views would store them."""
    word = Word(text, span, (Literal(text, quoted=False),))
    if "*" not in text and "?" not in text and "[" not in text and "(" not in text:  # (else: is_glob decides)
        views = word.__dict__
        views["is_glob"] = False
        views["value"] = text
        views["literal_prefix"] = text
        views["unknowns"] = ()
    return word


def literal_word(text: str, span: Span) -> Word:
    """A word whose value is exactly ``text`` (argv given without a shell, words the guard makes itself)."""
    return Word(text=text, span=span, parts=(Literal(text, quoted=True),))


@record
class Redirect:
    """A redirection of an invocation (or of a compound around it). ``op`` as in :mod:`tenmon_guard.syntax`;
    ``target`` is the file word (None for heredocs); ``path`` is the target resolved against the cwd when known."""

    op: str
    span: Span
    target: Word | None
    fd: int | None = None
    path: str | None = None

    @property
    def writes(self) -> bool:
        return self.op in (">", ">>", ">|", "&>", "&>>", "<>") or (self.op == ">&" and self.target_is_file)

    @property
    def target_is_file(self) -> bool:
        """``>&2`` and ``>&-`` duplicate or close a descriptor; ``>&file`` writes a file. ``>&$FD`` is taken as a
        descriptor (its usual use) unless the known part of it is a path."""
        if self.target is None:
            return False
        value = self.target.value
        if value is None:
            return "/" in self.target.literal_prefix
        return not (value.isdigit() or value == "-")


@record
class Wrapper:
    """One layer an invocation came through: ``sudo``, ``env``, ``bash -c``, ``eval``, ``xargs``, ``$(...)``..."""

    name: str
    span: Span
    user: str | None = None  # sudo -u / su USER / doas -u


@record
class Invocation:
    """One command that will run: argv as words, its redirections, where it runs and how it got there.

    ``cwd`` is the absolute working directory in effect, or None when it cannot be known statically.
    ``stdin_producers`` are the invocations whose output feeds this one's stdin (earlier pipeline stages),
    ``in_substitution`` is true for commands inside ``$(...)``/backticks/process substitutions.
    ``in_function`` names the function whose body holds the command; ``via_call`` marks the body read again for a
    call of that function defined in the same text, with the call's arguments (what the call adds).
    ``argv0`` is the command name with any directory stripped (``/usr/bin/rm`` -> ``rm``) when known.
    ``at`` is where the command itself is written, for a command of nested shell text (``bash -c '...'``, a heredoc
    fed to a shell) that is a verbatim piece of the text: ``span`` is then the whole outer command's."""

    argv: tuple[Word, ...]
    span: Span
    redirects: tuple[Redirect, ...] = ()
    cwd: str | None = None
    wrappers: tuple[Wrapper, ...] = ()
    assignments: tuple[tuple[str, Word], ...] = ()
    stdin_producers: tuple[int, ...] = ()
    in_substitution: bool = False
    in_function: str | None = None
    via_call: bool = False  # lowered again for a call of ``in_function`` (with the call's arguments)
    at: Span | None = None
    # under a chroot (or a root not known: None), its paths already taken from here; links on disk below the root
    # lead elsewhere for it than for this guard (an absolute target starts at its root)
    root: str | None = "/"

    @_cached
    def name(self) -> str | None:
        """Cached, as the word views are: the matcher and the builder ask for it about 17 times an invocation."""
        if not self.argv:
            return None
        value = self.argv[0].value
        if value is None:
            return None
        return value.rsplit("/", 1)[-1] if "/" in value and not value.endswith("/") else value

    @_cached
    def args(self) -> tuple[Word, ...]:
        return self.argv[1:]


@record
class Unread:
    """Text that no parser read: it is a finding of its own, never skipped. ``at``: as for an invocation."""

    span: Span
    reason: str
    at: Span | None = None


@record
class ShellAtStart:
    """What the caller knows of the shell that reads a text, as the text starts; the builder follows the text from
    there. ``cwd``: the shell's real working directory (None: not known, relative paths are then not known).
    ``arguments``: the words a script file runs with (``$0``, ``$1``...; None for a word not known), when they are
    known (the sudo door execs a known argv); None: its positional parameters are not known. ``shell``: the shell
    known to read the text (the linter: a file whose ``#!`` line or extension names it), None when not known; bash
    reads ``(( ))`` as arithmetic only, where sh would run two subshells. ``home``: the shell's HOME (an absolute
    path), when the caller knows it (the interactive hooks send it with each line: ``echo ... >> ~/.bashrc`` is then
    a known path); None: ``~`` and ``$HOME`` are not known. ``cdpath``: the shell's CDPATH, when the caller knows it
    (the hooks send it too: with ``CDPATH=/opt``, ``cd tenmon-ark-live`` goes there); None: only a CDPATH the text
    sets is followed. ``options``: the shell's options, by their bash names, that the builder follows (``autocd``,
    ``cdable_vars``, ``nocaseglob``, ``physical`` for set -P, ``keyword`` for set -k, ``xpg_echo``, ``allexport``
    for set -a, ``cdspell``; zsh's ``correct`` and ``correct_all``), as the hooks send them;
    others are ignored. ``variables``: values of the shell's variables (name, value, exported), for those the line
    names that the caller knows (the hooks send them: ``D=/opt/x`` at one prompt, ``rm -rf $D/dist`` at the next);
    any other variable is not known. ``dirstack_known``: the directory stack is the cwd alone as the text starts
    (a script, which a new shell reads); False for a line typed at a prompt, where earlier lines may have pushed
    directories (``pushd LIVE`` at one prompt, ``pushd /tmp`` at the next, then ``pushd && rm -rf dist``).
    ``dirstack``: the directory stack below the cwd, top first (bash's ``DIRSTACK`` past its first entry, zsh's
    ``dirstack``), when the caller knows it (the hooks send it with each line): the stack is then known whole, and
    ``pushd`` at that prompt goes where it says; None: as ``dirstack_known`` says. ``oldpwd``: the shell's OLDPWD
    (where bash's ``cd -`` goes), when the caller knows it (the hooks send it). ``left``: the directory the shell
    left, where zsh's ``cd -`` and ``~-`` go whatever OLDPWD was set to (the zsh hook sends it); None: OLDPWD's.
    ``hashed``: (name, program) of the shell's table of programs, for the names the line may run that are bound to
    a program of another name (``hash -p /usr/bin/pkill ls`` at an earlier prompt: ``ls node`` runs pkill), as the
    hooks send them. ``registered``: the functions the line defines that the shell calls later with no line naming
    them (an earlier prompt's ``trap f EXIT``, ``PROMPT_COMMAND=f``, ``complete -F f x``, zsh's
    ``precmd_functions+=(f)``), as the hooks send them: each body is judged where later lines may take the shell.
    ``limits``: the shell's finite soft limits that end a process passing them, as ulimit's letter and value (``t``
    seconds of CPU time, ``v`` and ``d`` in KiB), as the hooks send them: every command the text starts has them
    (``ulimit -St 1`` at one prompt, ``node dist/index.js`` at the next). ``attributes``: (name, letters) of the
    variables the line names or assigns that have an attribute changing what is assigned to them: ``l``, ``u``,
    ``c`` (case: ``declare -l x`` at one prompt, ``x=NODE; pkill $x`` at the next runs pkill node) and ``i``
    (integer); ``namerefs``: (name, the variable it refers to) of those that are references (``declare -n r=x`` at
    one prompt, ``r=node; pkill $x`` at the next); both as the hooks send them. ``prompt_definitions``: how many
    characters at the start of the text are definitions of the functions the prompt's shell has (the hook door puts
    those the line may call before the line): which of them the line runs is told in
    CommandModel.definitions_not_run."""

    cwd: str | None = None
    arguments: tuple[str | None, ...] | None = None
    shell: str | None = None
    home: str | None = None
    cdpath: str | None = None
    options: frozenset[str] = frozenset()
    variables: tuple[tuple[str, str, bool], ...] = ()
    dirstack_known: bool = False
    dirstack: tuple[str, ...] | None = None
    oldpwd: str | None = None
    left: str | None = None
    hashed: tuple[tuple[str, str], ...] = ()
    registered: tuple[str, ...] = ()
    limits: tuple[tuple[str, str], ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()
    namerefs: tuple[tuple[str, str], ...] = ()
    prompt_definitions: int = 0


@record
class CommandModel:
    """Everything the guard knows about one command line or script. ``comments``: where the shell comments are, as
    the parser read them (the linter takes suppressions only from these), nested shell text placed in the text
    included. ``kept_links``: (copy, source, maker) of the line's copies that keep a source that is a symlink a link
    (``cp -a``, ``mv``), ``maker`` the index of the invocation that copies: what the copy leads to is known only on
    disk (:func:`paths.kept_link_reach`). ``made_names``: (name, origin, kind, maker) of the names the line's copies
    (kind "copy": origin is what was copied), links ("link": origin is where it leads) and backups ("backup") make,
    name None when not known (:func:`paths.made_name_reach`). ``definitions_not_run``: where the functions the
    prompt's shell has (ShellAtStart.prompt_definitions) are defined whose bodies as read there stand for nothing
    the text runs (each call of them was read again with its arguments, or there is none): what that reading shows,
    there, is no command the text runs (``f() { case $1 in kill) pkill node;; esac; }``, then ``f --version``)."""

    source: str
    invocations: tuple[Invocation, ...] = ()
    unread: tuple[Unread, ...] = ()
    parsers: tuple[str, ...] = field(default=())
    comments: tuple[Span, ...] = ()
    kept_links: tuple[tuple[str, str, int], ...] = ()
    made_names: tuple[tuple[str | None, str | None, str, int], ...] = ()
    definitions_not_run: tuple[Span, ...] = ()


def names_an_argument(word: Word) -> bool:
    """A word that holds a positional parameter (``"$@"``, ``$1``, ``${@:2}``) whose value is not known: in a
    function's body read where it is defined, the arguments of a call."""
    return any(isinstance(p, Unknown) and p.name is not None and p.name[:1] in _ARGUMENT_STARTS for p in word.parts)


_ARGUMENT_STARTS = frozenset("@*#0123456789")


def spreads(word: Word) -> bool:
    """Whether the word may stand for any number of words, options among them: the positional parameters
    (``"$@"``, ``${@:2}``, an unquoted ``$*``), all the elements of an array not known (``"${a[@]}"``), the words
    xargs reads. Passing a list of arguments on, options included, is what these are for: ``cp "$@"`` copies to
    whatever the last of them is, ``fuser "$@"`` may be ``fuser -k 3000/tcp``. One unquoted ``$x`` is taken as
    one word (``kill $PID`` is everyday use: the policy's call, see kill-app-pid-bypassing-systemd)."""
    for part in word.unknowns:
        if part.words:
            return True
        name = part.name
        if part.kind != "variable" or not name or name[0] == "#":  # (``${#a[@]}`` counts: one word)
            continue
        if name[0] == "@" or "[@]" in name:
            return True
        if (name[0] == "*" or "[*]" in name) and '"' not in word.text:  # ("$*" is one word)
            return True
    return False
