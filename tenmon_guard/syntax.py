"""What a parser backend hands to the model builder.

Backends only recover *structure*: which words form which simple command, how commands are chained, where
substitutions and heredocs sit. Everything about what a word means (quotes, escapes, ``$'..'``, globs, braces,
variables) is decided once, by :mod:`tenmon_guard.words`, from the source text and the spans given here. That is
what makes two very different parsers produce the same model.

All spans are character offsets into the text that was parsed (not bytes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from tenmon_guard.frozen import fill_fields_directly
from tenmon_guard.model import Span


@dataclass(frozen=True)
class SubstitutionSyntax:
    """``$(...)``, backticks, ``<(...)``/``>(...)`` or ``$((...))`` inside a word.

    ``kind`` is "command", "process_in", "process_out" or "arith". ``body`` is the parsed inner script for command
    and process substitutions (None for arithmetic, whose inner substitutions are listed in ``nested``).
    ``backquote``: a backquoted substitution whose text holds backslash escapes (nested backquotes): its body is
    not given; the builder removes the escapes as bash does and reads the result as nested shell text.
    """

    span: Span
    kind: str
    body: tuple[Node, ...] = ()
    nested: tuple[SubstitutionSyntax, ...] = ()


@dataclass(frozen=True)
class WordSyntax:
    """One shell word as written: its span and the substitutions found inside it (outermost only)."""

    span: Span
    substitutions: tuple[SubstitutionSyntax, ...] = ()


@dataclass(frozen=True)
class RedirectSyntax:
    """A redirection. ``op`` is the operator as written without the fd (``>``, ``>>``, ``&>``, ``>|``, ``<``,
    ``<<``, ``<<-``, ``<<<``, ``>&``, ``<&``, ``<>``, ``&>>``). ``fd`` is the explicit fd number if one was written.
    For heredocs ``target`` is the delimiter word and ``heredoc`` the body span (without the closing delimiter);
    ``heredoc_quoted`` is true when the delimiter was quoted (no expansion in the body)."""

    span: Span
    op: str
    target: WordSyntax | None
    fd: int | None = None
    heredoc: Span | None = None
    heredoc_quoted: bool = False


@dataclass(frozen=True)
class SimpleCommand:
    """``VAR=x cmd arg... >redir``. ``assignments`` are the ``NAME=value`` (or ``NAME+=value``) prefix words;
    ``words`` are the command word and its arguments. Either may be empty (a bare assignment, a bare redirect)."""

    span: Span
    assignments: tuple[WordSyntax, ...] = ()
    words: tuple[WordSyntax, ...] = ()
    redirects: tuple[RedirectSyntax, ...] = ()


@dataclass(frozen=True)
class Pipeline:
    """``a | b | c``. Each stage runs in its own subshell; ``negated`` for ``! a``; ``time`` for ``time a | b``."""

    span: Span
    stages: tuple[Node, ...]
    negated: bool = False
    timed: bool = False


@dataclass(frozen=True)
class CommandList:
    """``a && b || c ; d & e``: ``items[i]`` is followed by ``operators[i]`` (``&&``, ``||``, ``;``, ``&``,
    newline as ``;``). ``operators`` may be one shorter than ``items``."""

    span: Span
    items: tuple[Node, ...]
    operators: tuple[str, ...] = ()


@dataclass(frozen=True)
class Compound:
    """Any compound command: ``subshell`` ``( )``, ``group`` ``{ }``, ``if``, ``while``, ``until``, ``for``,
    ``arith_for``, ``select``, ``case``, ``test`` (``[[ ]]``), ``arith`` (``(( ))``), ``function``, ``coproc``.

    ``body`` holds every command inside, in source order (conditions, branches, loop bodies, case arms).
    ``words`` holds words that are evaluated but are not commands (the ``for`` list, the ``case`` subject and
    patterns, the operands of ``[[ ]]`` and ``(( ))``) so that substitutions in them are seen. ``name`` is the
    function or coproc name, or the loop variable. ``redirects`` apply to the whole compound.

    ``groups``: where in ``body`` a part starts that runs or not apart from the one before it, in order: after
    ``then``, at ``elif`` and ``else``, after ``do`` of ``while``/``until``, at each ``case`` item. Which values a
    variable may hold after the compound depends on it: in ``if c; then x=a; else x=b; fi`` x is a or b, where
    reading the body straight through would leave b alone. ``arms``: for a ``case``, how many patterns each item
    has, in order (``words`` holds the subject, then every item's patterns)."""

    span: Span
    kind: str
    body: tuple[Node, ...] = ()
    words: tuple[WordSyntax, ...] = ()
    redirects: tuple[RedirectSyntax, ...] = ()
    name: str | None = None
    groups: tuple[int, ...] = ()
    arms: tuple[int, ...] = ()  # a case's: how many of ``words`` (after the subject) each item's patterns are


Node = Union[SimpleCommand, Pipeline, CommandList, Compound]


@dataclass(frozen=True)
class UnreadSyntax:
    """A region the backend could not read, with its reason (the parser's own message where it has one)."""

    span: Span
    reason: str


@dataclass
class ParsedScript:
    """A backend's whole answer: top-level nodes in order, and what it could not read. ``comments``: the shell
    comments in the text it read, sorted (outside unread text; a backend that does not tell gives none)."""

    nodes: list[Node] = field(default_factory=list)
    unread: list[UnreadSyntax] = field(default_factory=list)
    comments: list[Span] = field(default_factory=list)


fill_fields_directly(
    SubstitutionSyntax, WordSyntax, RedirectSyntax, SimpleCommand, Pipeline, CommandList, Compound, UnreadSyntax
)
