"""The tree-sitter-bash backend: complete, error-tolerant and fast, read into :mod:`tenmon_guard.syntax`.

tree-sitter-bash reads nearly every real script, but where it disagrees with bash it often disagrees silently
(no ERROR node), and a guard cannot afford that. So besides walking the tree this module:

* Parses a copy of the text of the same length, so that byte offsets in it are character offsets in the text
  and encoding can never fail: every character outside printable ASCII (tab and newline kept), NUL and lone
  surrogates included, becomes ``j`` (a word character for bash too: U+00A0 or ``\r`` stay inside words, where
  tree-sitter would split them; ``j`` is in no keyword or test operator), and so does every ``$`` that bash
  reads as a plain character (tree-sitter fails on ``sed s/x$//``).
* Rewrites that copy, offsets unchanged, where tree-sitter misreads, and parses again:

  - heredocs become ``< DELIM`` with the body blanked, the body found here by bash's rules (several heredocs on
    a line, a delimiter before ``;``, a heredoc before ``&&``/``|``/``&`` all defeat tree-sitter);
  - backquotes (``echo `a` `b``` is one substitution to tree-sitter) become one plain word each, their inside
    read on its own;
  - ``time`` and ``coproc``, read as command names (``time { rm x; }`` would be a command named ``{``), are
    blanked and remembered; ``[`` becomes a plain command name (tree-sitter's test expression fails on
    ``[ x = ~ ]``, ``[ \\( a \\) ]``, a missing ``]``, and misses ``[ a > b ]``'s redirection);
  - ``<>`` becomes ``< ``; ``for x do`` becomes ``for x;do``; in ``A=1 >f && b`` the ``=`` becomes a letter
    (read back as an assignment); the swallowed quote of a case pattern such as ``?*' '?*`` becomes plain
    letters; ``((a) | b)`` becomes ``( (a) | b)``; a lone ``-`` before ``2>...`` (dropped) becomes a letter;
  - a newline tree-sitter reads through (``a= b=`` then a ``while`` loop on the next line comes out as a command
    named ``while``) becomes ``;``.
* Checks what it cannot rewrite and leaves it unread: text between tokens that is in no node; a line
  continuation joining operators or keywords (one inside a word, ``r\\<newline>m``, is merged); a reserved word
  read as a command name; a backquote or ``$(`` bash would expand that no substitution covers (parts of
  ``${x#pattern}`` tree-sitter keeps as text are first read on their own); backquotes whose backslash escapes
  change what runs.
* Reads each top-level statement whole or not at all: a statement with an ERROR or MISSING node in it, or a shape
  this module does not understand, becomes one :class:`UnreadSyntax` covering the statement, and reading goes on
  with the next statement. After an error over several lines (tree-sitter's recovery may merge several
  statements into one error), the shortest piece from its start to a later line that reads on its own is read,
  else its first line is unread, and the rest is parsed again.

Words are spans of the text as written (quotes included), one per shell word even where tree-sitter splits a word
(``$"x"``). Redirections keep the words tree-sitter hangs on them (``rm >/dev/null -rf x``: ``-rf`` and ``x`` are
arguments of ``rm``). Never raises; nesting deeper than :data:`MAX_DEPTH` and work beyond the time limit are
unread text. One parser per process, made on first use, shared under a lock.

Shapes, where :mod:`tenmon_guard.syntax` leaves a choice: top-level statements (and those of a body) are separate
nodes; ``x &`` is ``CommandList((x,), ("&",))``, and ``a && b &`` one list with operators ``&&``, ``&``; ``! x``
and ``time x`` are one-stage pipelines (``negated``, ``timed``); ``[ ... ]`` is a simple command named ``[``;
the words of ``[[ ]]``, ``(( ))`` and ``for (( ))`` are their whitespace-separated tokens, operators included; a
function's body is its one compound command; a coproc's ``name`` is None unless written; ``>&-`` is op ``>&``
with target ``-``; a heredoc redirection spans the operator and the delimiter; ``{fd}>f`` has no fd.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import itertools
import os
import re
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from types import ModuleType

from tree_sitter import Language, Parser, Point, Query, QueryCursor, Range, Tree
from tree_sitter import Node as TSNode

from tenmon_guard.backends.inert import NOTHING_INERT, InertCommands, InertStatements
from tenmon_guard.backends.inert import QUERY as INERT_QUERY
from tenmon_guard.model import Span
from tenmon_guard.syntax import (
    CommandList,
    Compound,
    Node,
    ParsedScript,
    Pipeline,
    RedirectSyntax,
    SimpleCommand,
    SubstitutionSyntax,
    UnreadSyntax,
    WordSyntax,
)

MAX_DEPTH = 100
"""Nesting (statements inside substitutions inside statements ...) beyond which a statement is left unread."""

TIME_LIMIT = 2.0
"""Seconds one :meth:`TreeSitterBackend.parse` may spend on a short text; what is left after that is unread."""

TIME_PER_MEGABYTE = 20.0
"""Extra seconds per MB of text: reading is linear, so a long real script (acme.sh: 1.1 MB) is read whole
whatever the machine's load, while a pathological text is still cut off in bounded time."""

MAX_SPLIT_ROUNDS = 4
"""Parses after ending commands that tree-sitter read across a newline (see ``_Reader._one_line``)."""

MAX_RESUME_TRIES = 12
"""Longer and longer pieces tried, after such an error, to find its first statement that reads on its own."""

MAX_RESYNCS = 200
"""Parses again after a syntax error over several lines (each skips at least one line)."""

MAX_REWRITE_ROUNDS = 32
"""Parses after rewriting (tree-sitter sees one more heredoc of a line each time)."""
_DIRECT_PARSE_LIMIT = 1 << 16  # longer texts are parsed through a callback that can stop at the deadline
_CHUNK = 1 << 16

_PLACEHOLDER = "j"
_SEMICOLON = ord(";")
# ``\x`` and ``$$`` are skipped whole; a ``$`` that starts no expansion is a literal.
_LITERAL_DOLLAR = re.compile(r"\\.|\$\$|\$(?![A-Za-z0-9_@*#?!$\-{(\['\"])", re.DOTALL)
_LONE_DOLLAR = re.compile(r"\$(?![A-Za-z0-9_@*#?!$\-{(\['\"])")  # what every literal ``$`` above is
# tree-sitter drops a lone ``-`` before a redirection with an fd (``xz -cd - 2>&1``); ``j`` it keeps.
_DASH_BEFORE_FD = re.compile(r"(?<=[ \t])-(?=[ \t]+[0-9]+[<>])")
# ``for NAME do`` at the start of a command (POSIX allows it; tree-sitter does not).
_FOR_DO = re.compile(r"(?:^|(?<=[\n;&|(){}]))([ \t]*for[ \t]+[A-Za-z_][A-Za-z0-9_]*)([ \t]+)do(?=[\s;])")
_FOR_NAME_DO = re.compile(r"for[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]+do(?=[\s;])")  # in every match of the above
# What may come right before a command: ``[`` after it starts a command (looked for only near tree-sitter errors).
_COMMAND_BEFORE = re.compile(rb"(?:^|[\n;&|(){}]|\b(?:if|then|elif|else|do|while|until|!))[ \t]*\Z")
# Every substitution tree-sitter reads has one of these in its text (``$(``, ``<(``, ``$((``, ``$[``, a backquote).
_MAY_SUBSTITUTE = re.compile(r"[(`]|\$\[")
# what starts a substitution whose commands run: bash runs ``<(...)`` in the operand of an unquoted ``${y:-<(cmd)}``,
# which tree-sitter reads as plain text
_MAY_RUN = re.compile(r"`|[$<>]\(")
# What every check of a word in _Reader._word needs: what _MAY_SUBSTITUTE and _BLANK find, a backquote, ``$(``.
_WORD_SPECIAL = re.compile(r"[(`\[ \t\n]")
# In ``[ ... ]``: characters of shell operators, read by tree-sitter as test operators (``[ a > b ]``).
_TEST_SHELL_CHARS = re.compile(rb"[<>&|;()\\\n]")
_TEST_EXPRESSIONS = frozenset(
    {"binary_expression", "unary_expression", "parenthesized_expression", "negated_expression"}
)
"""What tree-sitter makes of the expression in ``[[ ]]`` (the way up from ``=~`` to the test)."""
_ARITH_EXPRESSIONS = _TEST_EXPRESSIONS | {"ternary_expression", "postfix_expression", "variable_assignment"}
"""What tree-sitter makes of an arithmetic expression (the way up from a glued literal to it)."""
# What may not stand right before or after ``time`` or ``coproc`` read as a command name.
_WORD_CHAR = re.compile(r"[\w.-]")
_NOT_PLAIN = re.compile("[^\t\n\x20-\x7e]")
_BLANK = re.compile("[ \t\n]")
_BEFORE_COMMENT = frozenset(b" \t\n;&|()<>")  # what may stand right before a ``#`` that starts a comment
_NOT_NEWLINE = re.compile(rb"[^\n]")
_ENDS_A_WORD = frozenset(" \t\n;&|()<>")  # bash's metacharacters: what may follow a ``{`` that is a word of its own
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_COMPOUND_START = re.compile(r"(?:\{[\s]|\(|\[\[\s|(?:if|while|until|for|select|case)(?=[\s;]))")
_DIGITS = re.compile(r"[0-9]+")
_FD_VARIABLE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:\[[^]]*\])?\}")  # ``{fd}``, ``{a[i]}``
_CONTINUATIONS = re.compile(r"(?:\\\n)+")
_BLANKS = re.compile(rb"(?:[ \t\n]|\\\n)*")
# A line continuation with text right before and after it joins what tree-sitter reads as two tokens.
_JOINING_CONTINUATION = re.compile(r"(?<=[^\s\\])(?:\\\n)+(?=\S)")

_STATEMENTS = frozenset(
    {
        "command",
        "redirected_statement",
        "pipeline",
        "list",
        "negated_command",
        "subshell",
        "compound_statement",
        "if_statement",
        "while_statement",
        "for_statement",
        "c_style_for_statement",
        "case_statement",
        "test_command",
        "function_definition",
        "declaration_command",
        "unset_command",
        "variable_assignment",
        "variable_assignments",
        "file_redirect",
        "herestring_redirect",
        "heredoc_redirect",
    }
)
_RESERVED = frozenset(
    {"if", "then", "elif", "else", "fi", "case", "esac", "for", "select", "while", "until", "do", "done", "in"}
    | {"function", "coproc", "{", "}", "[[", "]]", "!"}
)
_CLAUSES = frozenset({"do_group", "elif_clause", "else_clause"})
_BRANCH_KEYWORDS = frozenset({"then", "elif", "else", "do"})  # each starts a part that may not run
_REDIRECTS = frozenset({"file_redirect", "herestring_redirect", "heredoc_redirect"})
_SUBSTITUTIONS = frozenset({"command_substitution", "process_substitution", "arithmetic_expansion"})
_WORD_UNITS = frozenset(
    {
        "word",
        "string",
        "raw_string",
        "ansi_c_string",
        "translated_string",
        "concatenation",
        "simple_expansion",
        "expansion",
        "command_substitution",
        "process_substitution",
        "arithmetic_expansion",
        "number",
        "extglob_pattern",
        "regex",
        "test_operator",
        "brace_expression",
        "variable_name",
    }
)
_COMMENT = frozenset({"comment"})
_OPAQUE = _WORD_UNITS | _COMMENT
# Inside ``[ ]`` bash reads these as operators of the shell, tree-sitter as operators of the test.
_SHELL_OPERATORS = frozenset({"<", ">", ">>", "<<", "&>", "&", "&&", "|", "||", ";", "(", ")", "|&"})


class _Unread(Exception):
    """Abandons the statement being read; its text becomes an :class:`UnreadSyntax` with this reason."""

    def __init__(self, reason: str, span: Span | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.span = span


class _OutOfTime(Exception):
    """The time limit was reached: the rest of the text is unread."""


# -- the parser ------------------------------------------------------------------------------------------------


_lock = threading.Lock()
_state: dict[str, object] = {}


def _language() -> Language:
    language = _state.get("language")
    if not isinstance(language, Language):
        language = Language(_grammar_binding().language())
        _state["language"] = language
    return language


def _kind_ids(names: frozenset[str]) -> frozenset[int]:
    """The node kinds (``Node.kind_id``) whose type is one of ``names``: a walk over every node of a tree compares
    an int instead of building each node's type string. An alias has its own id with the same name: all count."""
    ids = _kinds.get(names)
    if ids is None:
        language = _language()
        ids = frozenset(i for i in range(language.node_kind_count) if language.node_kind_for_id(i) in names)
        _kinds[names] = ids
    return ids


_kinds: dict[frozenset[str], frozenset[int]] = {}


def _grammar_binding() -> ModuleType:
    """tree-sitter-bash's compiled grammar, loaded without running the package's ``__init__``.

    That ``__init__`` imports ``importlib.resources`` (for a highlighting query this guard never reads): about 10 ms
    on every one-shot check, sudo exec and agent hook, a tenth of the sudo door's budget. The extension module next
    to it is the grammar itself; where it cannot be found that way, the package is imported as usual.
    """
    import importlib.machinery
    import importlib.util
    import sys

    name = "tree_sitter_bash._binding"
    if name in sys.modules:
        return sys.modules[name]
    package = importlib.util.find_spec("tree_sitter_bash")
    for directory in (package.submodule_search_locations or []) if package is not None else []:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = os.path.join(directory, "_binding" + suffix)
            if os.path.isfile(path):
                loader = importlib.machinery.ExtensionFileLoader(name, path)
                spec = importlib.util.spec_from_file_location(name, path, loader=loader)
                if spec is not None:
                    module = importlib.util.module_from_spec(spec)
                    loader.exec_module(module)
                    sys.modules[name] = module
                    return module
    import tree_sitter_bash

    return tree_sitter_bash


def _parser() -> Parser:
    """One parser for the process, made on first use (callers hold ``_lock``: a parser is not thread-safe)."""
    parser = _state.get("parser")
    if not isinstance(parser, Parser):
        parser = Parser(_language())
        _state["parser"] = parser
    return parser


def _query(key: str, source: str) -> Query:
    query = _state.get(key)
    if not isinstance(query, Query):
        query = Query(_language(), source)
        _state[key] = query
    return query


def _ts_parse(src: bytes, deadline: float, window: Range | None = None) -> Tree:
    """Parse ``src``; long input goes through a callback that gives up at ``deadline``. With ``window``, only
    that part is read (the rest is blank anyway): a piece read on its own (a backquote, a part of ``${x#...}``)
    costs its own length, not the whole script's, so a long script with many of them stays linear."""
    parser = _parser()
    if window is not None:
        parser.included_ranges = [window]
    try:
        if len(src) <= _DIRECT_PARSE_LIMIT:
            return parser.parse(src)

        def read(offset: int, _point: Point) -> bytes:
            return src[offset : offset + _CHUNK]

        def progress(_offset: int, _has_error: bool) -> bool:
            return time.monotonic() > deadline

        try:
            return parser.parse(read, progress_callback=progress)
        except ValueError:  # cancelled by ``progress``
            parser.reset()
            raise _OutOfTime() from None
    finally:
        if window is not None:
            del parser.included_ranges  # back to the whole text


def _window(text: str, window: tuple[int, int] | None) -> Range | None:
    if window is None:
        return None
    starts = _line_starts(text)
    points = []
    for offset in window:
        row = bisect.bisect_right(starts, offset) - 1
        points.append(Point(row, offset - starts[row]))
    return Range(points[0], points[1], window[0], window[1])


@functools.lru_cache(maxsize=4)
def _line_starts(text: str) -> list[int]:
    """Where each line of ``text`` starts: every piece of a long script read on its own needs its row."""
    return [0, *(m.end() for m in re.finditer("\n", text))]


# -- rewriting what tree-sitter misreads -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Heredoc:
    """A heredoc read here: the parsed copy now holds ``< DELIM`` at its operator and blanks over body and end
    line. ``delimiter`` is the delimiter word as written, ``body`` the lines before the end line."""

    op: str
    delimiter: Span
    quoted: bool
    body: Span


class _Regions:
    """Blanked heredoc bodies (with their end lines), disjoint, kept sorted for bisection."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        index = bisect.bisect_left(self.starts, start)
        self.starts.insert(index, start)
        self.ends.insert(index, end)

    def containing(self, pos: int) -> int | None:
        """The end of the region ``pos`` lies in, if any."""
        index = bisect.bisect_right(self.starts, pos) - 1
        if index >= 0 and pos < self.ends[index]:
            return self.ends[index]
        return None

    def skip(self, pos: int) -> int:
        end = self.containing(pos)
        while end is not None:
            pos = end
            end = self.containing(pos)
        return pos


@dataclass
class _Rewrites:
    """Everything blanked out of the parsed copy, keyed by the offset where tree-sitter now sees something."""

    heredocs: dict[int, _Heredoc] = field(default_factory=dict)
    regions: _Regions = field(default_factory=_Regions)
    timed: dict[int, int] = field(default_factory=dict)  # start of the timed pipeline -> start of ``time``
    coprocs: dict[int, tuple[int, str | None]] = field(default_factory=dict)  # -> start of ``coproc``, name
    read_write: set[int] = field(default_factory=set)  # ``<>`` written as ``< ``
    herestrings: set[int] = field(default_factory=set)  # ``<<<`` after a group, written as ``<  ``
    backquotes: _Regions = field(default_factory=_Regions)  # `...` written as jjjjj, read on their own
    arith_subs: _Regions = field(default_factory=_Regions)  # ``$(..)`` after another in a run, blanked
    assignment_names: set[int] = field(default_factory=set)  # ``A=1 >f && x``: ``A=1`` written as a name
    moved_parens: set[int] = field(default_factory=set)  # ``((a) | b)`` written as ``( (a) | b)``, one left
    patterns: _Regions = field(default_factory=_Regions)  # extended patterns (``!(x)``) written as jjjj in a word
    plain: bytes = b""  # the parsed copy before any rewriting
    ends_input: bool = False  # the text is all the shell reads (``bash -c TEXT``): see _rewrite_trailing_backslash
    depth: int = 0  # nesting of the text read here (inside backquotes read on their own)


def _lex_delimiter(text: str, i: int) -> tuple[int, str, bool] | None:
    """The heredoc delimiter word at ``i``: its end, its value after quote removal, whether any of it was quoted."""
    n, j, out, quoted = len(text), i, [], False
    while j < n:
        c = text[j]
        if c in " \t\n;&|()<>":
            break
        if c == "'":
            k = text.find("'", j + 1)
            if k < 0:
                return None
            out.append(text[j + 1 : k])
            quoted, j = True, k + 1
        elif c == '"':
            k = j + 1
            while k < n and text[k] != '"':
                if text[k] == "\\" and k + 1 < n and text[k + 1] in '$`"\\\n':
                    k += 1
                out.append(text[k])
                k += 1
            if k >= n:
                return None
            quoted, j = True, k + 1
        elif c == "\\":
            if j + 1 < n and text[j + 1] != "\n":
                out.append(text[j + 1])
            quoted, j = True, j + 2
        elif c == "`" or (c == "$" and text.startswith("(", j + 1)):
            return None
        elif c == "$" and j + 1 < n and text[j + 1] in "'\"":
            j += 1
        else:
            out.append(c)
            j += 1
    if j == i:
        return None
    return min(j, n), "".join(out), quoted


def _line_end(text: str, i: int) -> int:
    """Offset just after the newline that ends the logical line containing ``i`` (line continuations skipped)."""
    while True:
        k = text.find("\n", i)
        if k < 0:
            return len(text)
        backslashes = 0
        while k - backslashes - 1 >= i and text[k - backslashes - 1] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            return k + 1
        i = k + 1


def _heredoc_at(text: str, op: TSNode, start: TSNode, regions: _Regions) -> _Heredoc | None:
    """Read the heredoc whose operator is ``op`` by bash's rules (tree-sitter only locates the operator)."""
    i = op.end_byte
    while i < len(text) and text[i] in " \t":
        i += 1
    lexed = _lex_delimiter(text, i)
    if lexed is None:
        return None
    delim_end, value, quoted = lexed
    body_start = _line_end(text, delim_end)
    sibling = start.next_sibling
    while sibling is not None and sibling.type != "heredoc_body":
        sibling = sibling.next_sibling
    if (
        sibling is not None
        and not _body_read_as_words(text, start, sibling)
        and not _syntax_in_body(start, sibling, body_start)
    ):
        line_start = text.rfind("\n", 0, sibling.start_byte) + 1
        if line_start > delim_end:
            body_start = max(body_start, line_start)
    body_start = regions.skip(body_start)
    pos, n = body_start, len(text)
    strip = op.type == "<<-"
    while pos < n:
        k = text.find("\n", pos)
        end = n if k < 0 else k
        line = text[pos:end]
        if (line.lstrip("\t") if strip else line) == value:
            return _Heredoc(op.type, Span(i, delim_end), quoted, Span(body_start, pos))
        pos = end + 1
    return _Heredoc(op.type, Span(i, delim_end), quoted, Span(body_start, n))


_BARE_NEWLINE = re.compile(r"(?<!\\)\n")


def _syntax_in_body(start: TSNode, body: TSNode, body_start: int) -> bool:
    """Whether tree-sitter read lines of a heredoc's body as the syntax after the operator (``cat <<EOF ||`` then a
    body line ``}``: it took ``}`` for the command after ``||``, which bash reads after the body). Nothing of the
    command is on the lines after the operator's until the body ends; the body it found then starts too late."""
    node = start.next_sibling
    while node is not None and node != body:
        if node.start_byte >= body_start:
            return True
        node = node.next_sibling
    return False


def _body_read_as_words(text: str, start: TSNode, body: TSNode) -> bool:
    r"""Whether tree-sitter took the first lines of a heredoc's body for words of the command (a body line that starts
    ``\$(`` or ``\$'``): a word with a newline in it, not escaped, between the delimiter and the body it found.
    Its body then starts too late; bash's starts on the next line."""
    node = start.next_sibling
    while node is not None and node != body:
        words = [node] if node.type == "word" else [c for c in node.children if c.type == "word"]
        if any(_BARE_NEWLINE.search(text, w.start_byte, w.end_byte) for w in words):
            return True
        node = node.next_sibling
    return False


def _blank(buf: bytearray, start: int, end: int) -> None:
    buf[start:end] = _NOT_NEWLINE.sub(b" ", bytes(buf[start:end]))


def _skip_blanks(text: str, i: int) -> int:
    n = len(text)
    while i < n:
        if text[i] in " \t":
            i += 1
        elif text.startswith("\\\n", i):
            i += 2
        else:
            break
    return i


def _token_end(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i] not in " \t\n;&|()<>":
        i += 1
    return i


def _time_options(text: str, end: int, inner: int) -> tuple[int, int]:
    """Skip ``-p`` and ``--`` (each optional, in this order) after ``time``: the new end of the keyword and the
    start of what it times."""
    for option in ("-p", "--"):
        if text.startswith(option, inner) and _token_end(text, inner) == inner + 2:
            end = inner + 2
            inner = _skip_blanks(text, end)
    return end, inner


def _starts_command(text: str, i: int) -> bool:
    return i < len(text) and text[i] not in "\n;&|)#"


# What every rewrite below looks for, found in one pass over the tree (one query per rewrite walked it 8 times).
# No text predicates: on a tree parsed through a callback (long input) they read the text back chunk by chunk,
# 20 times slower than the walk itself.
_REWRITE_QUERY = """
(heredoc_start) @heredoc
(ERROR) @error
(command_substitution) @substitution
(extglob_pattern) @pattern
("((") @double_parens
("[") @bracket
(";&") @fallthrough
(";;&") @fallthrough
"""


def _contains(buf: bytearray, needle: bytes) -> bool:
    """``needle in buf``, where ``buf`` may be long and blank but for a piece read alone: CPython looks for a
    needle of two bytes in such a buffer byte by byte (about 1 ms for 700 KB, once per piece: a long script with
    many pieces was read in time growing with the square of its length), and for its first byte alone with memchr
    (8 us). The buffer rarely holds that byte."""
    return needle[:1] in buf and needle in buf


def _rewrite_captures(
    tree: Tree, buf: bytearray, inert: bool = False
) -> tuple[dict[str, list[TSNode]], dict[str, list[TSNode]] | None]:
    """The nodes the rewrites below look at. Each rewrite needs an error in the tree or one of these bytes
    (``<<``, a backquote, ``[``, a quote and a parenthesis), so for text with none of them, the common one-line
    command, the query is not run: compiling it costs about 6 ms once per process, on every one-shot check.
    With ``inert`` (the linter's reading), the inert query's captures of the same tree too, found in the same walk
    over the tree (a query costs mostly that walk): the reader takes them if no rewrite changes the tree."""
    rewrites = (
        tree.root_node.has_error or _contains(buf, b"<<") or b"`" in buf or b"[" in buf or (b"'" in buf and b"(" in buf)
    )
    if not inert:
        return (QueryCursor(_query("rewrites", _REWRITE_QUERY)).captures(tree.root_node) if rewrites else {}), None
    both = QueryCursor(_query("rewrites+inert", _REWRITE_QUERY + _inert_query())).captures(tree.root_node)
    found: dict[str, list[TSNode]] = {}
    inert_found: dict[str, list[TSNode]] = {}
    for name, nodes in both.items():
        if name.startswith(_INERT_PREFIX):
            inert_found[name[len(_INERT_PREFIX) :]] = nodes
        elif rewrites:
            found[name] = nodes
    return found, inert_found


_INERT_PREFIX = "inert_"


def _inert_query() -> str:
    """The inert query with its capture names prefixed, to be run with the rewrites' (which has one of its names)."""
    return re.sub(r"@([A-Za-z_]+)", "@" + _INERT_PREFIX + r"\1", INERT_QUERY)


def _rewrite_heredocs(starts: list[TSNode], text: str, buf: bytearray, rw: _Rewrites, deadline: float) -> bool:
    if not starts or b"<<" not in buf:  # no capture first: a piece read alone has a long, blank buf
        return False
    changed = False
    for start in sorted(starts, key=lambda n: n.start_byte):
        op = start.prev_sibling
        if time.monotonic() > deadline:
            raise _OutOfTime()
        if op is None or op.type not in ("<<", "<<-") or op.start_byte in rw.heredocs:
            continue
        if rw.regions.containing(op.start_byte) is not None:
            continue
        found = _heredoc_at(text, op, start, rw.regions)
        if found is None:
            continue
        region_end = _line_end(text, found.body.end) if found.body.end < len(text) else len(text)
        rw.heredocs[op.start_byte] = found
        rw.regions.add(found.body.start, region_end)
        buf[op.start_byte : op.end_byte] = b"<" + b" " * (op.end_byte - op.start_byte - 1)
        _blank(buf, found.body.start, region_end)
        changed = True
    return changed


def _rewrite_read_write(errors: list[TSNode], text: str, buf: bytearray, rw: _Rewrites) -> bool:
    """tree-sitter-bash has no ``<>``: it reports an error at the ``<`` or the ``>``. Write ``< `` instead."""
    if not errors or b"<>" not in buf:
        return False
    changed = False
    for error in errors:
        start, end = error.start_byte, error.end_byte
        written = text[start:end]
        if written == ">" and text.startswith("<>", start - 1):
            pos = start - 1
        elif written == "<" and text.startswith("<>", start):
            pos = start
        else:
            continue
        if pos not in rw.read_write and rw.regions.containing(pos) is None:
            rw.read_write.add(pos)
            buf[pos + 1] = ord(" ")
            changed = True
    return changed


def _rewrite_group_herestrings(errors: list[TSNode], text: str, buf: bytearray, rw: _Rewrites) -> bool:
    """tree-sitter-bash has no ``<<<`` after a ``{ ..; }`` group (bats-preprocess: ``} <<<"$(<"$f")"``): it
    reports an error at ``<<`` and reads the last ``<`` as a file redirection. Write ``<  `` instead (the same
    operator position and target), read back as ``<<<``."""
    if not errors or b"<<<" not in buf:
        return False
    changed = False
    for error in errors:
        pos = error.start_byte
        if text[pos : error.end_byte] != "<<" or not text.startswith("<<<", pos) or pos in rw.herestrings:
            continue
        before = error.prev_sibling
        if before is None or before.type != "compound_statement" or rw.regions.containing(pos) is not None:
            continue
        rw.herestrings.add(pos)
        buf[pos : pos + 3] = b"<  "
        changed = True
    return changed


def _rewrite_backquotes(substitutions: list[TSNode], text: str, buf: bytearray, rw: _Rewrites) -> bool:
    """tree-sitter-bash misreads backquotes (``echo `a` `b``` is one substitution ``a` `b``): each is found
    here by bash's rule (it ends at the next unescaped backquote), written as one plain word in the parsed copy,
    and its inside read on its own when the word is read."""
    if not substitutions or b"`" not in buf:
        return False
    changed = False
    for node in substitutions:
        start = node.start_byte
        if buf[start : start + 1] != b"`" or rw.backquotes.containing(start) is not None:
            continue
        if rw.regions.containing(start) is not None:
            continue
        i, n = start + 1, len(text)
        while i < n and text[i] != "`":
            i += 2 if text[i] == "\\" else 1
        if i >= n:
            continue
        rw.backquotes.add(start, i + 1)
        buf[start : i + 1] = _PLACEHOLDER.encode() * (i + 1 - start)
        changed = True
    return changed


def _rewrite_pattern_quotes(patterns: list[TSNode], text: str, buf: bytearray) -> bool:
    """A case pattern such as ``?*' '?*`` or ``less' '4[5-9]*``: tree-sitter's pattern token swallows the quote
    and the statement fails. The quoted part (plain text to bash) is written as ``j``s."""
    if not patterns or b"'" not in buf:
        return False
    changed = False
    for node in patterns:
        quote = node.end_byte - 1  # the swallowed quote ends the token, unescaped
        if (
            text[quote] != "'"
            or (len(text[node.start_byte : quote]) - len(text[node.start_byte : quote].rstrip("\\"))) % 2
        ):
            continue
        close = text.find("'", quote + 1)
        if close > quote:
            buf[quote : close + 1] = _PLACEHOLDER.encode() * (close + 1 - quote)
            changed = True
    return changed


def _rewrite_fallthrough(terminators: list[TSNode], text: str, buf: bytearray) -> bool:
    """``case $x in a) b;& esac``: tree-sitter reads bash 4's ``;&`` and ``;;&`` except after the last item. There
    they are written as ``;;``: which items run does not change what the case is read as (every item's commands
    are read as ones that may run)."""
    changed = False
    for node in terminators:
        parent = node.parent
        if parent is None or parent.type != "case_item" or buf[node.start_byte : node.end_byte] == b";;":
            continue
        if not _esac_follows(text, node.end_byte):
            continue
        buf[node.start_byte : node.end_byte] = b";;" + b" " * (node.end_byte - node.start_byte - 2)
        changed = True
    return changed


def _esac_follows(text: str, i: int) -> bool:
    """Whether ``esac`` is the next word after ``i`` (blanks, newlines and comments between)."""
    n = len(text)
    while i < n:
        if text[i] in " \t\n":
            i += 1
        elif text[i] == "#":  # (a comment ends at the newline, a backslash before it or not)
            newline = text.find("\n", i)
            i = n if newline < 0 else newline + 1
        else:
            break
    return text.startswith("esac", i) and (i + 4 == n or text[i + 4] in " \t\n;&|()<>")


def _rewrite_extended_patterns(tree: Tree, text: str, buf: bytearray, rw: _Rewrites) -> bool:
    """``ls !(*.gz)``, ``rm @(a|b).txt``: words with extended patterns (interactive bash on Debian has ``extglob``
    on), which tree-sitter reads only as case patterns and otherwise fails on. Where it failed, each group (operator
    to closing parenthesis, found by bash's rules) is written as one run of ``j`` inside the word, keeping what bash
    expands in it (quotes, ``$x``, ``$(..)``, backquotes) for tree-sitter to read. Only statements that failed are
    touched: ``!(x)`` read as a negated subshell, or ``f@()`` as a function, stay as they were read."""
    root = tree.root_node
    if not root.has_error:
        return False
    changed = False
    opener = _extended_opener().search(buf)
    while opener is not None:
        at = opener.start()
        close = _group_end(text, at + 2) if _extended_at(root, text, buf, at, rw) else None
        if close is None:
            opener = _extended_opener().search(buf, at + 1)
            continue
        _write_group(text, buf, at, close)
        rw.patterns.add(at, close + 1)
        changed = True
        opener = _extended_opener().search(buf, close + 1)
    return changed


@functools.cache
def _extended_opener() -> re.Pattern[bytes]:
    """An extended pattern's operator and parenthesis (compiled when a statement first fails)."""
    return re.compile(rb"[!@?+*]\(")


def _extended_at(root: TSNode, text: str, buf: bytearray, at: int, rw: _Rewrites) -> bool:
    """Whether bash opens an extended pattern at ``at`` where tree-sitter failed: the operator is unquoted text of a
    word (or a ``!``), not escaped, right before ``(``, and the smallest node holding both is or holds an error."""
    if buf[at + 1] != ord("(") or buf[at] != ord(text[at]) or rw.patterns.containing(at) is not None:
        return False
    if rw.regions.containing(at) is not None or rw.backquotes.containing(at) is not None:
        return False
    backslashes = 0
    while at - backslashes > 0 and text[at - backslashes - 1] == "\\":
        backslashes += 1
    if backslashes % 2:
        return False
    operator = root.descendant_for_byte_range(at, at + 1)
    if operator is None or operator.type not in ("word", "!"):
        return False
    ancestors = set()
    node: TSNode | None = operator
    while node is not None:
        ancestors.add(node.id)
        node = node.parent
    node = root.descendant_for_byte_range(at + 1, at + 2)
    while node is not None and node.id not in ancestors:
        node = node.parent
    return node is not None and (node.is_error or node.has_error)


def _group_end(text: str, start: int) -> int | None:
    """Where the parenthesis that closes a group whose text starts at ``start`` is, by bash's parse_matched_pair:
    quotes, escapes, ``${..}`` and backquotes are skipped, other parentheses (``$(..)`` included) nest. None when
    it never closes, or holds what is left unread rather than guessed: a newline, a process substitution, or a
    ``$(..)`` with a case or a comment in it (bash reads those with its parser, not by counting)."""
    depth, i, n = 1, start, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c in "'\"`" or (c == "$" and text.startswith("{", i + 1)):
            skip = _quoted_end(text, i)
            if skip is None:
                return None
            i = skip
            continue
        if c == "\n" or (c in "<>" and text.startswith("(", i + 1)):
            return None
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                inside = text[start:i]
                if "$(" in inside and ("case" in inside or "#" in inside):
                    return None
                return i
        i += 1
    return None


def _quoted_end(text: str, i: int) -> int | None:
    """Just past the quoted string, backquoted text or ``${..}`` that starts at ``i`` (``$'..'`` from its quote);
    None when it never ends."""
    c, n = text[i], len(text)
    if c == "'":
        if i > 0 and text[i - 1] == "$":  # $'..': backslash escapes inside
            j = i + 1
            while j < n and text[j] != "'":
                j += 2 if text[j] == "\\" else 1
            return j + 1 if j < n else None
        close = text.find("'", i + 1)
        return close + 1 if close >= 0 else None
    if c == "`":
        j = i + 1
        while j < n and text[j] != "`":
            j += 2 if text[j] == "\\" else 1
        return j + 1 if j < n else None
    closer = '"' if c == '"' else "}"
    j = i + (1 if c == '"' else 2)
    while j < n:
        d = text[j]
        if d == "\\":
            j += 2
        elif d == closer:
            return j + 1
        elif d == "`" or (d in "'\"" and closer == "}") or (d == "$" and text.startswith("{", j + 1)):
            end = _quoted_end(text, j)
            if end is None:
                return None
            j = end
        elif d == "$" and text.startswith("(", j + 1):
            end = _group_end(text, j + 2)
            if end is None:
                return None
            j = end + 1
        else:
            j += 1  # (a ``{`` is no nesting: ``${y:-a{b}`` ends at the first ``}``; a ``${`` is, above)
    return None


def _write_group(text: str, buf: bytearray, at: int, close: int) -> None:
    """Write the group ``[at, close]`` as ``j``s, but for the quoted strings, backquotes, escapes and expansions in it
    (kept for tree-sitter to read as parts of the word)."""
    i = at
    while i <= close:
        c = text[i]
        if c == "\\":
            i += 2
        elif c in "'\"`" or (c == "$" and text.startswith("{", i + 1)):
            end = _quoted_end(text, i)
            i = end if end is not None else close + 1
        elif c == "$" and text.startswith("(", i + 1):
            end = _group_end(text, i + 2)
            i = end + 1 if end is not None else close + 1
        elif c == "$":
            i += 1
        else:
            buf[i] = ord(_PLACEHOLDER)
            i += 1


def _rewrite_expansions(tree: Tree, text: str, buf: bytearray, rw: _Rewrites) -> bool:
    """tree-sitter fails on many ``${...}`` operands bash reads as text (``${name:$i:1}``, ``${x//</\\&lt;}``,
    ``${x#*\\"a\\":[}``), and the error costs the whole statement though only the word's span matters: what a word
    means is read from the source text (:mod:`tenmon_guard.words`). A ``${`` tree-sitter read as an expansion in a
    place it read without error, whose expansion holds an error, is written from its ``${`` to the ``}`` where bash
    ends it as ``${jjj}``; each ``$(..)`` in it is kept (``${j-jj$(..)j}``), so the commands in it are still read.
    Only on a tree with an error: the common text pays nothing."""
    root = tree.root_node
    if not root.has_error:
        return False
    changed = False
    stack = [root]
    while stack:
        node = stack.pop()
        for child in node.children:
            if child.is_error or not child.has_error:
                continue  # (what error recovery made of some text is no place to trust a ``${``)
            if child.type == "expansion" and _write_expansion(text, buf, child.start_byte, rw):
                changed = True
            else:
                stack.append(child)
    return _rewrite_misread_expansions(root, text, buf, rw) or changed


def _rewrite_misread_expansions(root: TSNode, text: str, buf: bytearray, rw: _Rewrites) -> bool:
    """In text tree-sitter failed on, a ``${..}`` it misread: bash 5.2 ends ``${x#*{}`` at its first ``}`` where
    tree-sitter nests the ``{`` and fails with the ``${`` itself in an error, or reads on past the ``}`` (acme.sh
    dns_servercow.sh: 33 lines into one word, its function an error); ``"${v%\\'}"`` fails likewise. Within each
    outermost error, a ``${`` token tree-sitter lexed as opening an expansion that ends elsewhere than bash ends
    it, or as a token of the error itself, is written as :func:`_write_expansion` writes one (then bash's extent
    is what is read; the reader's check that no expansion runs past its end stays)."""
    changed = False
    for error in _errors(root):
        if not error.is_error:
            continue
        at = buf.find(b"${", error.start_byte, error.end_byte)
        while at >= 0:
            if _misread_expansion_at(root, text, at):
                changed = _write_expansion(text, buf, at, rw) or changed
            at = buf.find(b"${", at + 2, error.end_byte)
    return changed


def _misread_expansion_at(root: TSNode, text: str, at: int) -> bool:
    """Whether tree-sitter read the ``${`` at ``at`` as a token of an error, or as opening an expansion that does
    not end where bash ends it."""
    opener = root.descendant_for_byte_range(at, at + 2)
    if opener is None or opener.type != "${" or opener.parent is None:
        return False
    expansion = opener.parent
    return expansion.is_error or (expansion.type == "expansion" and expansion.end_byte != _quoted_end(text, at))


def _write_expansion(text: str, buf: bytearray, start: int, rw: _Rewrites) -> bool:
    """Write the ``${..}`` at ``start`` as :func:`_rewrite_expansions` says, if bash's end of it is known and its
    inside holds nothing but text, quotes, ``${..}``, ``$((..))`` and ``$(..)``."""
    if not text.startswith("${", start) or buf[start : start + 2] != b"${" or rw.regions.containing(start) is not None:
        return False
    out = bytearray(buf)
    kept: list[tuple[int, int]] = []
    close = _brace_body(text, start + 2, out, kept)
    if close is None or close == start + 2:
        return False
    if kept:  # a default value holds them: ``${j-..}``
        if kept[0][0] < start + 4:
            return False
        out[start + 2 : start + 4] = b"j-"
    buf[start : close + 1] = out[start : close + 1]
    return True


def _brace_body(text: str, i: int, out: bytearray, kept: list[tuple[int, int]], closer: str = "}") -> int | None:
    """The ``}`` that ends the ``${`` whose inside starts at ``i``, as bash 5 reads it: the first one not quoted,
    escaped or nested in ``$(..)``/``${..}`` (a ``{`` does not nest: ``${x#*{}`` ends at its first ``}``); with
    ``closer`` ``"``, the end of a double-quoted string in it. The inside is written into ``out`` as ``j``s but for
    nested ``${`` and ``}`` and each ``$(..)``, kept whole (and listed in ``kept``). None where that is not known or
    not so simple: a newline, a backquote, a process substitution, a ``$(..)`` :func:`_group_end` does not end."""
    n = len(text)
    while i < n:
        c = text[i]
        if c == closer:
            return i
        if c in "\n`" or (c in "<>" and closer == "}" and text.startswith("(", i + 1)):
            return None
        if c == "$" and text.startswith("{", i + 1):
            close = _brace_body(text, i + 2, out, kept)
            if close is None:
                return None
            out[i : i + 2], out[close] = b"${", ord("}")
            kept.append((i, close + 1))  # (after a name tree-sitter wants an operator: ``${j-jj${jjj}}``)
            i = close + 1
            continue
        if c == "$" and text.startswith("(", i + 1) and not text.startswith("((", i + 1):
            close = _group_end(text, i + 2)
            if close is None:
                return None
            kept.append((i, close + 1))
            out[i : close + 1] = text[i : close + 1].encode("ascii", "replace")
            i = close + 1
            continue
        if c == '"' and closer == "}":
            close = _brace_body(text, i + 1, out, kept, '"')
            if close is None:
                return None
            out[i], out[close] = ord(_PLACEHOLDER), ord(_PLACEHOLDER)
            i = close + 1
            continue
        end = _plain_piece_end(text, i, closer)
        if end is None:
            return None
        out[i:end] = _PLACEHOLDER.encode() * (end - i)
        i = end
    return None


def _plain_piece_end(text: str, i: int, closer: str) -> int | None:
    """Past the piece of a ``${..}``'s inside at ``i`` written as ``j``s by :func:`_brace_body`: a character, an
    escape, a single-quoted string (not in double quotes), an arithmetic expansion with no substitution in it."""
    c, n = text[i], len(text)
    if c == "\\":
        return None if i + 1 >= n or text[i + 1] == "\n" else i + 2
    if closer == "}" and (c == "'" or (c == "$" and text.startswith("'", i + 1))):
        end = _quoted_end(text, i + (c == "$"))
        return None if end is None or "\n" in text[i:end] else end
    if c == "$" and text.startswith("((", i + 1):
        close = _group_end(text, i + 2)
        if close is None or re.search(r"[`\n]|\$\(", text[i + 3 : close]):
            return None
        return close + 1
    return i + 1


def _rewrite_regexes(tree: Tree, text: str, buf: bytearray, rw: _Rewrites) -> bool:
    """The regex of ``[[ x =~ RE ]]`` is one word to bash, lexed as any word but that ``(..)`` groups (blanks and
    all) and ``|`` are part of it; tree-sitter's regex token fails on many (``^\\[([^]]+)\\]``, ``"a b"(c)``,
    ``"$p"-(x)``) and the error costs the whole statement. So does the pattern after ``==``, ``!=`` or ``=``
    (``[[ $a = *x* || $a = *y* ]]``: tree-sitter ends the test after the first pattern). A regex or a pattern is
    no command: where the ``[[ ]]`` holds an error, it is written as ``j``s from where bash starts it to where
    bash ends it, keeping each ``$(..)``, backquote and ``${..}`` in it for tree-sitter to read
    (:func:`_write_regex`); its span is listed with the patterns, whose blanks are part of the word. Only on a
    tree with an error: the common text pays nothing."""
    root = tree.root_node
    if not root.has_error:
        return False
    changed = False
    for match in _test_operator().finditer(buf):
        end = _regex_at(root, text, buf, match, rw)
        if end is not None:
            rw.patterns.add(end[0], end[1])
            changed = True
    return changed


@functools.cache
def _test_operator() -> re.Pattern[bytes]:
    """An operator of ``[[ ]]`` whose right operand is a regex or a pattern (compiled when a text first fails)."""
    return re.compile(rb"=~|[=!]=|=")


def _regex_at(
    root: TSNode, text: str, buf: bytearray, operator: re.Match[bytes], rw: _Rewrites
) -> tuple[int, int] | None:
    """Rewrite the regex or pattern after ``operator`` if tree-sitter read it as the operator of a ``[[ ]]`` that
    holds an error; its span, or None when left as it was."""
    at, after = operator.span()
    node = root.descendant_for_byte_range(at, after)
    if node is None or node.type != operator.group().decode() or rw.regions.containing(at) is not None:
        return None
    if not _in_failed_test(node):
        return None
    start = after
    while start < len(text) and text[start] in " \t":
        start += 1
    out = bytearray(buf)
    backquotes: list[tuple[int, int]] = []
    end = _write_regex(text, start, out, backquotes, regex=node.type == "=~")
    if end is None or end == start or rw.patterns.containing(start) is not None:
        return None
    if node.type != "=~" and out.find(b"$", start, end) >= 0 and out[start] == out[end - 1] == ord(_PLACEHOLDER):
        out[start] = out[end - 1] = ord('"')  # (tree-sitter ends the test at ``jj${j}jj ||``, not at a string)
    buf[start:end] = out[start:end]
    for first, last in backquotes:
        rw.backquotes.add(first, last)
    return start, end


def _in_failed_test(operator: TSNode) -> bool:
    """Whether the ``=~`` (or ``==``, ``!=``, ``=``) token ``operator`` is in a ``[[ ]]`` that holds an error, or in
    an error that starts with the ``[[`` (recovery gave up on the test: ``[[ x =~ ^(a)"$(b)" ]]``). Either way bash
    lexes the operand as its word: text tree-sitter put anywhere else (a plain word, a ``(`` after a word) is a
    syntax error to bash."""
    parent = operator.parent
    while parent is not None:
        if parent.type == "test_command":
            return parent.has_error
        if parent.is_error and parent.child_count and parent.children[0].type == "[[":
            return True
        if parent.type not in _TEST_EXPRESSIONS and not parent.is_error:
            return False
        parent = parent.parent
    return False


def _write_regex(
    text: str, start: int, out: bytearray, backquotes: list[tuple[int, int]], regex: bool = True
) -> int | None:
    """Where bash ends the regex word that starts at ``start`` (read_token_word with PST_REGEXP: a blank, newline,
    ``;``, ``&``, ``<``, ``>`` or ``)`` outside a group ends it), written into ``out`` as ``j``s but for the
    substitutions and ``${..}`` in it. None where that is not known or not so simple: a newline or a line
    continuation in it, a ``<(``/``>(`` anywhere in it (bash runs a process substitution glued in a group),
    a group or quote that never closes; not ``regex`` (a pattern), a ``(`` or ``|`` (an extended pattern)."""
    i, n, depth = start, len(text), 0
    while i < n:
        c = text[i]
        if c == "\n" or (depth == 0 and c in " \t;&<>)"):
            break
        if not regex and c in "(|":
            return None
        end = _regex_piece_end(text, i, out, backquotes)
        if end is None:
            return None
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        i = end
    if depth or re.search(r"[<>]\(", text[start:i]):
        return None
    return i


def _regex_piece_end(text: str, i: int, out: bytearray, backquotes: list[tuple[int, int]]) -> int | None:
    """Past the piece of a regex word at ``i`` (a character, an escape, a quoted string, a substitution or
    ``${..}``), written into ``out``: plain text as ``j``s, a ``$(..)`` as it is, a ``${..}`` and a double-quoted
    string as :func:`_brace_body` writes them, a backquoted one as ``j``s listed in ``backquotes``."""
    c, n = text[i], len(text)
    dollar = c == "$" and i + 1 < n
    if c == "\\":
        if i + 1 >= n or text[i + 1] == "\n":
            return None
        end = i + 2
    elif c == "'" or (dollar and text[i + 1] == "'"):
        quoted = _quoted_end(text, i + (c == "$"))
        if quoted is None or "\n" in text[i:quoted]:
            return None
        end = quoted
    elif c == '"' or (dollar and text[i + 1] == '"'):
        quote = i + (c == "$")
        kept: list[tuple[int, int]] = []
        close = _brace_body(text, quote + 1, out, kept, '"')
        if close is None:
            return None
        out[i : quote + 1] = _PLACEHOLDER.encode() * (quote + 1 - i)
        out[close] = ord(_PLACEHOLDER)
        return close + 1
    elif dollar and text[i + 1] == "{":
        return _regex_expansion(text, i, out)
    elif dollar and text[i + 1] == "(":
        close = _group_end(text, i + 2)
        if close is None:
            return None
        out[i : close + 1] = text[i : close + 1].encode("ascii", "replace")
        return close + 1
    elif c == "`":  # (tree-sitter's regex token takes a backquote apart: read on its own, as _rewrite_backquotes)
        quoted = _quoted_end(text, i)
        if quoted is None:
            return None
        end = quoted
        backquotes.append((i, end))
    else:
        end = i + 1
    out[i:end] = _PLACEHOLDER.encode() * (end - i)
    return end


def _regex_expansion(text: str, i: int, out: bytearray) -> int | None:
    """Past the ``${..}`` at ``i`` in a regex, written into ``out`` as :func:`_write_expansion` writes one."""
    kept: list[tuple[int, int]] = []
    close = _brace_body(text, i + 2, out, kept)
    if close is None or close == i + 2 or (kept and kept[0][0] < i + 4):
        return None
    out[i : i + 2], out[close] = b"${", ord("}")
    if kept:
        out[i + 2 : i + 4] = b"j-"
    return close + 1


def _rewrite_case_patterns(errors: list[TSNode], text: str, buf: bytearray, rw: _Rewrites) -> bool:
    """``case $s in *\\]*)``, ``*[\\]]*)``, ``*\\)*)``: tree-sitter's pattern token ends at the backslash and the
    whole case fails. A pattern is no command: in a case item whose patterns hold an error, each pattern of plain
    text (characters, escapes, quoted strings with no ``$`` or backquote in them) is written as ``j``s up to the
    ``)`` where bash ends the list (:func:`_pattern_list_end`); its span is listed with the patterns."""
    changed = False
    for error in errors:
        item = error.parent
        while item is not None and item.type not in ("case_item", "case_statement"):
            item = item.parent
        if item is None or item.type != "case_item" or not _item_starts_a_pattern(item):
            continue
        start = item.start_byte + (text[item.start_byte] == "(")
        if rw.patterns.containing(start) is not None:
            continue
        out = bytearray(buf)
        end = _pattern_list_end(text, start, out)
        if end is None or error.start_byte > end or end == start:
            continue
        buf[start:end] = out[start:end]
        rw.patterns.add(start, end)
        changed = True
    return changed


def _item_starts_a_pattern(item: TSNode) -> bool:
    """Whether the case item ``item`` starts where bash reads a pattern: after ``in`` or an item's terminator."""
    before = item.prev_sibling
    if before is None:
        return False
    if before.type == "case_item":
        last = before.child(before.child_count - 1)
        return last is not None and last.type in (";;", ";&", ";;&")
    return before.type == "in"


def _pattern_list_end(text: str, start: int, out: bytearray) -> int | None:
    """Where the ``)`` that ends the case patterns at ``start`` is, the plain text of each pattern written into
    ``out`` as ``j``s (``|`` and blanks between them kept). None where a pattern holds more than plain text: a
    ``$``, a backquote, a ``(`` (an extended pattern), a newline, an operator of the shell."""
    i, n = start, len(text)
    while i < n:
        c = text[i]
        if c == ")":
            return i
        if c in " \t|":
            i += 1
            continue
        if c in "$`(\n;&<>":
            return None
        if c == "\\":
            if i + 1 >= n or text[i + 1] == "\n":
                return None
            end = i + 2
        elif c in "'\"":
            quoted = _quoted_end(text, i)
            if quoted is None or re.search(r"[$`\n]", text[i:quoted]):
                return None
            end = quoted
        else:
            end = i + 1
        out[i:end] = _PLACEHOLDER.encode() * (end - i)
        i = end
    return None


def _rewrite_glued_literals(errors: list[TSNode], text: str, buf: bytearray) -> bool:
    """``$(((0x${first}) / 256))``, ``(( x = 0x$h ))``: bash expands the ``${first}`` and then reads the number
    ``0x..``; tree-sitter reads no literal glued to an expansion in arithmetic and fails, nor a base before one
    (``$((10#$month))``, common where a leading zero must not read as octal). An error that is only letters,
    digits, ``_`` and ``#`` in the source, right before a ``$``, in an arithmetic expression, is written as blanks
    for tree-sitter: it is a literal (no command can be in it) and the expansion after it is read as before. (The
    value is computed from the source text, base and all.)"""
    changed = False
    for error in errors:
        start, end = error.start_byte, error.end_byte
        literal = text[start:end]
        plain = literal.replace("_", "a").replace("#", "a")
        if end >= len(buf) or buf[end] != ord("$") or not (literal.isascii() and plain.isalnum()):
            continue
        if buf[start:end] != literal.encode() or not _in_arithmetic(error):
            continue
        buf[start:end] = b" " * (end - start)
        changed = True
    return changed


def _rewrite_trailing_backslash(errors: list[TSNode], buf: bytearray) -> bool:
    """bash reads a backslash that ends its input as itself (``bash -c 'echo a\\'`` prints ``a\\``; nested text
    ends so: ``compgen -W "$w"`` with a word ``\\`` split from a list continued over lines); tree-sitter fails on
    it. Written as a letter for tree-sitter: the word keeps its text, read from the source. Only for text that is
    all its shell reads (``ends_input``): a line typed at a prompt that ends so asks for the next line."""
    end = len(buf) - 1
    if not errors or end < 0 or buf[end] != ord("\\"):
        return False
    if (len(buf) - len(buf.rstrip(b"\\"))) % 2 == 0 or not any(e.start_byte <= end <= e.end_byte for e in errors):
        return False
    buf[end] = ord("_")
    return True


def _rewrite_escaped_blanks(tree: Tree, buf: bytearray) -> bool:
    """``sed -e \\ 's/|//g'`` (tc's and devlink's bash completions): bash reads a backslash before a blank as that
    blank, a word or the start of one (`` s/|//g``); tree-sitter drops the two characters from its tree with no
    error, and the reading refused the statement as text it skipped. An escaped blank no token of the tree holds
    (its backslash not itself escaped) is written as two letters: the word it starts is read from the source text
    as bash reads it. Only where the text holds one (the common text pays a search)."""
    if not _contains(buf, b"\\ ") and not _contains(buf, b"\\\t"):
        return False
    root = tree.root_node
    changed = False
    for match in _ESCAPED_BLANK.finditer(buf):
        at = match.end() - 2
        if (match.end() - match.start()) % 2 == 1:
            continue  # (an even run of backslashes: the blank is not escaped)
        holder = root.descendant_for_byte_range(at, at + 2)
        if holder is None or holder.child_count == 0 or holder.type in _HOLDING_TEXT:
            continue
        buf[at : at + 2] = _PLACEHOLDER.encode() * 2
        changed = True
    return changed


_ESCAPED_BLANK = re.compile(rb"\\+[ \t]")
# nodes whose text holds an escaped blank as their own (a word, a string, a comment): tree-sitter dropped none there
_HOLDING_TEXT = frozenset(
    {"word", "concatenation", "string", "raw_string", "ansi_c_string", "translated_string", "comment", "heredoc_body"}
)


def _rewrite_arith_runs(tree: Tree, text: str, buf: bytearray, rw: _Rewrites) -> bool:
    """``$(($x$y))``, ``$((0x$h$l))``, ``$((${a}#${b}))``, ``$[$x$y]``, ``(( z = $a$b ))``, ``for ((i=$a$b; ..))``:
    bash expands each piece of a run written with nothing between and reads the number the run makes; tree-sitter
    reads one operand there and fails. In each arithmetic text holding only what arithmetic does (no quote,
    backslash, backquote or newline; a ``;`` only between the parts of a ``for ((..))`` header), a run of two or
    more pieces with a ``$`` among them is written for tree-sitter as one: a ``${..}`` or ``$((..))`` with more than
    a name in it, else the first ``$(..)``, is kept as written (one such in a run, else the text stays unread), the
    first plain ``$name``/``${name}`` where there is none, and the rest (letters, digits, ``#``, other plain
    parameters) is written as blanks. A further ``$(..)`` in a run of a ``$((..))`` or ``$[..]`` is blanked too and
    read on its own (``rw.arith_subs``: bash runs it as it runs the one kept). The value is computed from the source
    text, every piece in it (:func:`tenmon_guard.builder._arith_value`). Only on a tree with an error."""
    if not tree.root_node.has_error:
        return False
    changed = False
    for opener, start, end in _arith_texts(tree, text):
        if buf[start:end] != text[start:end].encode("ascii", "replace"):
            continue
        runs = _arith_pieces(text, start, end, header=opener == "for")
        for run in runs:
            changed = _blank_run(run, text, buf, rw if opener in ("$((", "$[") else None) or changed
    return changed


def _arith_texts(tree: Tree, text: str) -> list[tuple[str, int, int]]:
    """Each arithmetic text of ``text`` this reading may rewrite: its opener (``$((``, ``$[``, ``((``, or ``for`` for
    the header of ``for ((..))``) and the bounds of the text between its brackets. The expansions are found in the
    text (their brackets counted); ``((`` as a command and a loop's header only where tree-sitter read them so (a
    ``((`` may be two subshells, whose words must never be blanked)."""
    found: list[tuple[str, int, int]] = []
    for opener, closer in (("$((", "))"), ("$[", "]")):
        at = text.find(opener)
        while at >= 0:
            end = _arith_end(text, at + len(opener), closer)
            if end is not None:
                found.append((opener, at + len(opener), end - len(closer)))
            at = text.find(opener, at + len(opener))
    if "((" in text:
        stack = [tree.root_node]
        while stack:
            node = stack.pop()
            if node.type in ("compound_statement", "c_style_for_statement"):
                header = _double_paren_header(node, text)
                if header is not None:
                    found.append(("for" if node.type == "c_style_for_statement" else "((", *header))
            if node.has_error:
                stack.extend(node.children)
    return found


def _double_paren_header(node: TSNode, text: str) -> tuple[int, int] | None:
    """The bounds of the text between the ``((`` and ``))`` of an arithmetic command or a loop's header; None where
    ``node`` is neither, or where that text is not all arithmetic (see :func:`_arith_end`)."""
    opener = next((c for c in node.children if c.type == "(("), None)
    if opener is None or (node.type == "compound_statement" and node.children[0].type != "(("):
        return None
    start = opener.end_byte
    end = _arith_end(text, start, "))", header=node.type == "c_style_for_statement")
    if end is None or text[end - 2 : end] != "))":
        return None
    return start, end - 2


_ARITH_PLAIN = re.compile(r"\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*|[0-9])")
_ARITH_OPERATORS = frozenset(" \t+-*/%<>=!&|^~?:,()")


def _arith_end(text: str, start: int, closer: str = "))", header: bool = False) -> int | None:
    """Where the arithmetic text starting at ``start`` ends (after its ``closer``, ``))`` or ``]``), counting
    brackets; None where its text holds what this reading leaves to tree-sitter (a quote, a backslash, a backquote,
    a newline, a ``;`` outside a loop's ``header``)."""
    opening, closing = ("(", ")") if closer == "))" else ("[", "]")
    depth = 0
    for i in range(start, len(text)):
        c = text[i]
        if c in "'\"\\`\n" or (c == ";" and not header):
            return None
        if c == opening:
            depth += 1
        elif c == closing:
            if depth == 0:
                return i + len(closer) if text.startswith(closer, i) else None
            depth -= 1
    return None


def _arith_pieces(text: str, start: int, end: int, header: bool = False) -> list[list[tuple[str, int, int]]]:
    """The runs of pieces with nothing between in arithmetic text ``text[start:end]``: each piece ``P`` (a plain
    parameter), ``S`` (another expansion or substitution, as written) or ``L`` (letters, digits, ``_``, ``#``); only
    runs of two or more with a ``$`` among them. Empty where the text holds anything else (a ``;`` is an operator
    only in a loop's ``header``)."""
    runs: list[list[tuple[str, int, int]]] = []
    current: list[tuple[str, int, int]] = []
    i = start
    while i < end:
        c = text[i]
        if c == "$":
            plain = _ARITH_PLAIN.match(text, i, end)
            close = plain.end() if plain else _expansion_close(text, i, end)
            if close is None:
                return []
            current.append(("P" if plain else "S", i, close))
            i = close
        elif c.isalnum() or c in "_#":
            j = i
            while j < end and (text[j].isalnum() or text[j] in "_#"):
                j += 1
            current.append(("L", i, j))
            i = j
        elif c in _ARITH_OPERATORS or (header and c == ";"):
            runs.append(current)
            current = []
            i += 1
        else:
            return []
    runs.append(current)
    return [r for r in runs if len(r) > 1 and any(kind != "L" for kind, _, _ in r)]


def _expansion_close(text: str, at: int, end: int) -> int | None:
    """The end of the ``$(..)``, ``${..}`` or special parameter (``$#``, ``$$``) at ``at``, counting brackets."""
    if at + 1 >= end:
        return None
    opener = text[at + 1]
    if opener not in "({":
        return at + 2
    closer = ")" if opener == "(" else "}"
    depth = 0
    for i in range(at + 1, end):
        if text[i] == opener:
            depth += 1
        elif text[i] == closer:
            depth -= 1
            if depth == 0:
                return i + 1
    return None


def _blank_run(run: list[tuple[str, int, int]], text: str, buf: bytearray, rw: _Rewrites | None) -> bool:
    """Write a run as one operand for tree-sitter (see :func:`_rewrite_arith_runs`); False where it holds two
    expansions that must stay as written. With ``rw`` (an expansion's text), ``$(..)`` after the one kept are
    blanked and recorded in ``rw.arith_subs``, to be read on their own."""
    kept = [p for p in run if p[0] == "S"]
    command = [p for p in kept if _command_substitution(text, p[1])]
    others = [p for p in kept if not _command_substitution(text, p[1])]
    if len(others) > 1 or (len(kept) > 1 and rw is None):
        return False
    keep = others[0] if others else command[0] if command else next(p for p in run if p[0] == "P")
    for piece in run:
        if piece[1] == keep[1]:  # (by place: mypyc boxes a tuple anew, so identity never holds)
            continue
        buf[piece[1] : piece[2]] = b" " * (piece[2] - piece[1])
        if piece[0] == "S" and rw is not None:
            rw.arith_subs.add(piece[1], piece[2])
    return True


def _command_substitution(text: str, at: int) -> bool:
    """Whether the expansion at ``at`` is a ``$(..)`` command substitution (not a ``$((..))``)."""
    return text.startswith("$(", at) and not text.startswith("$((", at)


def _in_arithmetic(node: TSNode) -> bool:
    """Whether ``node`` is in an arithmetic expression: ``$((..))``, ``((..))`` or the head of ``for ((..))``,
    with nothing but expressions between."""
    parent = node.parent
    while parent is not None:
        kind = parent.type
        if kind in ("arithmetic_expansion", "c_style_for_statement"):
            return True
        if kind == "compound_statement":
            return parent.child_count > 0 and parent.children[0].type == "(("
        if kind not in _ARITH_EXPRESSIONS:
            return False
        parent = parent.parent
    return False


def _rewrite_double_parens(openers: list[TSNode], buf: bytearray, rw: _Rewrites) -> bool:
    """``((a; b) | c)`` is two subshells to bash (its arithmetic fails), an error to tree-sitter. When a space or
    tab comes before, the first ``(`` is moved onto it: ``( (a; b) | c)``, and the subshell's span moved back.
    Never onto a newline: that glued the command onto the line before, into its comment or its last command
    (``true`` then ``((fuser -k 3000/tcp) )`` on the next line was allowed); at a line's start the text stays
    unread, which every door reports."""
    changed = False
    for node in openers:
        start = node.start_byte
        parent = node.parent
        if parent is None or not (parent.has_error or parent.is_error) or start == 0:
            continue
        if buf[start - 1 : start] in (b" ", b"\t") and buf[start : start + 2] == b"((":
            buf[start - 1 : start + 1] = b"( "
            rw.moved_parens.add(start - 1)
            changed = True
    return changed


def _rewrite_brackets(brackets: list[TSNode], buf: bytearray) -> bool:
    """``[ ... ]`` is a plain command to bash; tree-sitter reads its words as a test expression and fails on
    many (``[ x = ~ ]``, ``[ \\( a \\) ]``, a missing ``]``) or misses redirections in it (``[ a > b ]``). The
    ``[`` is written as ``j``: tree-sitter then reads a plain command, whose first word is still ``[`` here.
    A test expression read without error and with no character that could be an operator of the shell is left
    as it is (its words are the same either way), which spares most scripts a second parse."""
    if not brackets or (b"[ " not in buf and b"[\t" not in buf):
        return False
    changed = False
    for node in brackets:
        start = node.start_byte
        parent = node.parent
        if parent is None or buf[start + 1 : start + 2] not in (b" ", b"\t", b"\n"):
            continue
        if (
            parent.type == "test_command"
            and not parent.has_error
            and not _TEST_SHELL_CHARS.search(buf, start, parent.end_byte)
        ):
            continue
        if parent.type == "test_command" or (parent.type == "ERROR" and _COMMAND_BEFORE.search(buf, 0, start)):
            buf[start] = ord(_PLACEHOLDER)
            changed = True
    return changed


def _rewrite_lone_assignments(errors: list[TSNode], buf: bytearray, rw: _Rewrites) -> bool:
    """``A=1 >f && x``: tree-sitter wants a command name after ``A=1 >f`` and fails. The ``=`` of the last
    assignment is written as ``j``, so that tree-sitter reads a command name there, read back as the assignment."""
    changed = False
    for error in errors:
        command = error.parent
        if command is None or command.type != "command":
            continue
        last: TSNode | None = None
        for child in command.children:
            if child == error:
                break
            if child.type == "variable_assignment":
                last = child
            elif child.type not in _REDIRECTS:
                last = None
                break
        if last is None or last.start_byte in rw.assignment_names:
            continue
        equals = next((c for c in last.children if c.type in ("=", "+=")), None)
        value = last.child_by_field_name("value")
        if equals is None or (value is not None and value.type == "array"):
            continue
        buf[equals.start_byte : equals.end_byte] = _PLACEHOLDER.encode() * (equals.end_byte - equals.start_byte)
        rw.assignment_names.add(last.start_byte)
        changed = True
    return changed


def _keyword_command(word: TSNode) -> TSNode | None:
    """The command ``word`` names, when bash would read ``word`` as a reserved word there."""
    name = word.parent
    command = name.parent if name is not None else None
    if command is None or command.type != "command" or command.start_byte != word.start_byte:
        return None
    outer = command.parent
    if outer is not None and outer.type == "redirected_statement":
        command, outer = outer, outer.parent
    if outer is not None and outer.type == "pipeline":
        first = outer.named_child(0)
        if first is None or first.start_byte != command.start_byte:
            return None
    return command


def _rewrite_keywords(tree: Tree, text: str, buf: bytearray, rw: _Rewrites, deadline: float) -> bool:
    changed = False
    root = tree.root_node
    for word in _keyword_names(root, text):
        if time.monotonic() > deadline:
            raise _OutOfTime()
        kw_start, kw_end = word.start_byte, word.end_byte
        if _keyword_command(word) is None or rw.regions.containing(kw_start) is not None:
            continue
        keyword = text[kw_start:kw_end]
        end = kw_end
        inner = _skip_blanks(text, end)
        name: str | None = None
        if keyword == "time":
            end, inner = _time_options(text, end, inner)
            while text.startswith("time", inner) and _token_end(text, inner) == inner + 4:  # ``time time x``
                end, inner = _time_options(text, inner + 4, _skip_blanks(text, inner + 4))
        else:
            m = _NAME.match(text, inner)
            if m and _token_end(text, inner) == m.end():
                after = _skip_blanks(text, m.end())
                if _COMPOUND_START.match(text, after):
                    name, end, inner = m.group(), m.end(), after
        if inner == end or not _starts_command(text, inner):
            continue
        _blank(buf, kw_start, end)
        if keyword == "time":
            rw.timed[inner] = kw_start
        else:
            rw.coprocs[inner] = (kw_start, name)
        changed = True
    return changed


# compound commands after which bash takes a ``}`` as the end of the group around them with no ``;`` between
_ENDS_BEFORE_BRACE = frozenset(
    {"while_statement", "for_statement", "c_style_for_statement", "if_statement", "case_statement",
     "compound_statement", "subshell", "test_command"}
)  # fmt: skip
# a test or an arithmetic command that tree-sitter made an ERROR of when a } followed it: its kind, its ends
_CLOSED_BEFORE_BRACE = {"test_command": ("[[", "]]"), "compound_statement": ("((", "))")}


def _rewrite_closing_braces(tree: Tree, text: str, buf: bytearray) -> bool:
    """``{ case $a in x) ;; esac }``, ``coproc { while read l; do ...; done }``: after a compound command bash reads
    ``}`` as a reserved word, so it closes the group with no ``;`` before it; tree-sitter wants one (a MISSING
    ``;``). The blank before the brace is written as ``;``, which means the same there. After a simple command the
    brace is a word (``{ echo a }`` is unfinished): tree-sitter's error is another one, never rewritten here.
    A lone ``[[ .. ]]`` or ``(( .. ))`` before the brace (``f() { [[ -f x ]] }``) is an ERROR around it instead."""
    root = tree.root_node
    if not root.has_error:
        return False
    changed = False
    for error in _errors(root):
        parent = error.parent
        if error.is_missing and error.type == ";":
            before, at = error.prev_sibling, error.start_byte
            if before is None or before.type not in _ENDS_BEFORE_BRACE or before.end_byte != at:
                continue
        elif error.is_error and error.named_child_count == 1:
            inner, at = error.named_children[0], error.end_byte
            ends = _CLOSED_BEFORE_BRACE.get(inner.type)
            if ends is None or inner.end_byte != at or not text.startswith(ends[0], error.start_byte):
                continue
            if not text.startswith(ends[1], at - 2):
                continue
        else:
            continue
        if parent is None or parent.type != "compound_statement" or at >= len(text) or text[at] not in " \t":
            continue
        brace = _skip_blanks(text, at)
        if brace < len(text) and text[brace] == "}" and buf[at] in b" \t":
            buf[at] = _SEMICOLON
            changed = True
    return changed


def _keyword_names(root: TSNode, text: str) -> list[TSNode]:
    """The command names written ``time`` or ``coproc``, in text order: looked up where the text has the word (a
    handful of places, most in comments and strings), not by walking every command name of the tree."""
    found: list[TSNode] = []
    first, last = root.start_byte, root.end_byte
    for keyword in ("time", "coproc"):
        at = text.find(keyword, first, last)
        while at >= 0:  # (str.find, then a look at each side: a regex over the whole text took ten times longer)
            end = at + len(keyword)
            if (at and _WORD_CHAR.match(text, at - 1)) or _WORD_CHAR.match(text, end):
                at = text.find(keyword, end, last)
                continue
            node = root.descendant_for_byte_range(at, end)
            if node is not None and node.type == "word" and (node.start_byte, node.end_byte) == (at, end):
                parent = node.parent
                if parent is not None and parent.type == "command_name":
                    found.append(node)
            at = text.find(keyword, end, last)
    return sorted(found, key=lambda n: n.start_byte)


# -- reading the tree ------------------------------------------------------------------------------------------


def _errors(node: TSNode) -> Iterable[TSNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.is_error or current.is_missing:
            yield current
        elif current.has_error:
            stack.extend(reversed(current.children))


def _missing_command_name(node: TSNode) -> bool:
    """tree-sitter's own gap: ``A=1 >f`` (assignments and redirects, no command) has a MISSING command name."""
    name = node.parent
    command = name.parent if name is not None else None
    return (
        node.is_missing
        and node.type == "word"
        and name is not None
        and name.type == "command_name"
        and command is not None
        and command.type == "command"
        and command.named_child_count >= 2
        and command.children[-1] == name
    )


@dataclass(frozen=True)
class _Reading:
    """What reading one top-level statement gave: to the script, and to the reader (see _Readings.reading_of)."""

    nodes: tuple[Node, ...]
    unread: tuple[UnreadSyntax, ...]
    comments: tuple[Span, ...]
    splits: tuple[int, ...]
    misread: tuple[int, ...]
    used_marks: frozenset[int]


_Outputs = tuple[int, int, int, int, int]
_NO_MARKS: frozenset[int] = frozenset()


class _Readings:
    """The top-level statements read from one tree, for the read of the next tree of the same text. After a split
    or a misread ``${`` (see :func:`_read`) the whole text is parsed and read again, though one statement changed:
    a long script with a few of them in one function (acme.sh: four reads of 8,600 lines) was read several times
    over. A statement is given as it was read before only when nothing it is read from differs: the same nodes
    (kinds, byte ranges, fields, MISSING marks) over the same parsed bytes, with the same rewrites, the same
    gaps tree-sitter skipped and the same inert marks around it (see :meth:`reading_of`)."""

    def __init__(
        self, root: TSNode, parsed: bytes, rw: _Rewrites, inert: InertStatements | None, skipped: list[tuple[int, int]]
    ) -> None:
        self.root = root
        self.parsed = parsed
        self.rw = _rewrites_state(rw)  # (a copy: the rewrites are added to between reads)
        self.inert = inert
        self.skipped = skipped
        # each statement read: its nodes and separator, where what it gave begins and ends in outputs, and the
        # marks it used (see _Reader._outputs); the readings themselves are cut from the lists only when asked for
        self.statements: dict[tuple[int, int], tuple[list[TSNode], TSNode | None, _Outputs, _Outputs, frozenset[int]]]
        self.statements = {}
        self.outputs: tuple[list[Node], list[UnreadSyntax], list[Span], list[int], list[int]] = ([], [], [], [], [])
        self.shapes: dict[tuple[int, int], list[int]] = {}
        self._children: list[TSNode] | None = None
        self._starts: list[int] = []
        self._substitutions: list[int] = []

    def record(
        self,
        members: list[TSNode],
        separator: TSNode | None,
        span: Span,
        given: tuple[_Outputs, _Outputs],
        used: frozenset[int],
    ) -> None:
        self.statements[(span.start, span.end)] = (members, separator, given[0], given[1], used)

    def same_context(self, new: _Readings) -> bool:
        """Whether what every statement is read with, beyond its own nodes, is the same in ``new``."""
        if (self.root.start_byte, self.root.end_byte) != (new.root.start_byte, new.root.end_byte) or self.rw != new.rw:
            return False
        if self.inert is None or new.inert is None:
            return self.inert is None and new.inert is None
        old, now = self.inert, new.inert
        # (the bodies are only searched, in the order the query found them, which may change from tree to tree)
        flags = (old.reads_all, old.bracketed_code, sorted(old.bodies))
        return flags == (now.reads_all, now.bracketed_code, sorted(now.bodies))

    def reading_of(
        self, members: list[TSNode], separator: TSNode | None, span: Span, new: _Readings
    ) -> _Reading | None:
        """What the statement of ``members`` in the tree of ``new`` gave when read from this tree, if it is read
        from the same things; None otherwise."""
        found = self.statements.get((span.start, span.end))
        if found is None:
            return None
        old_members, old_separator, first, last, used = found
        start = min(span.start, members[0].start_byte)
        end = max(span.end, separator.end_byte if separator is not None else span.end)
        if (old_separator is None) != (separator is None) or self.parsed[start:end] != new.parsed[start:end]:
            return None
        if self._around(start, end) != new._around(start, end):
            return None
        if old_members[0] not in self._top_nodes(start, end) or members[0] not in new._top_nodes(start, end):
            return None
        if self._shape(start, end) != new._shape(start, end):
            return None
        nodes, unread, comments, splits, misread = self.outputs
        return _Reading(
            tuple(nodes[first[0] : last[0]]),
            tuple(unread[first[1] : last[1]]),
            tuple(comments[first[2] : last[2]]),
            tuple(splits[first[3] : last[3]]),
            tuple(misread[first[4] : last[4]]),
            used,
        )

    def _shape(self, start: int, end: int) -> list[int]:
        """The nodes of the statement over ``[start, end]`` (see :func:`_shape`), kept for the read after."""
        shape = self.shapes.get((start, end))
        if shape is None:
            shape = self.shapes[(start, end)] = _shape(self._top_nodes(start, end))
        return shape

    def _around(self, start: int, end: int) -> tuple[object, ...]:
        """The gaps, inert marks and substitution starts a statement over ``[start, end)`` is read with."""
        gaps = [g for g in self.skipped if g[0] < end and start < g[1]]
        if self.inert is None:
            return (gaps,)
        if not self._substitutions and self.inert.substitutions:
            self._substitutions = sorted(self.inert.substitutions)
        return (gaps, _within(self.inert.marks, start, end), _within(self._substitutions, start, end))

    def _top_nodes(self, start: int, end: int) -> list[TSNode]:
        """The children of the root that start in ``[start, end]`` (the statement's, its separator, comments)."""
        if self._children is None:
            self._children = self.root.children
            self._starts = [c.start_byte for c in self._children]
        first = bisect.bisect_left(self._starts, start)
        last = bisect.bisect_right(self._starts, end)
        return self._children[first:last]


def _within(positions: list[int], start: int, end: int) -> list[int]:
    """The sorted ``positions`` in ``[start, end]``."""
    return positions[bisect.bisect_left(positions, start) : bisect.bisect_right(positions, end)]


def _rewrites_state(rw: _Rewrites) -> tuple[object, ...]:
    """All a reader reads of the rewrites, as a value (the regions are compared by their bounds)."""
    return (
        dict(rw.heredocs),
        (list(rw.regions.starts), list(rw.regions.ends)),
        dict(rw.timed),
        dict(rw.coprocs),
        frozenset(rw.read_write),
        frozenset(rw.herestrings),
        (list(rw.backquotes.starts), list(rw.backquotes.ends)),
        (list(rw.arith_subs.starts), list(rw.arith_subs.ends)),
        frozenset(rw.assignment_names),
        frozenset(rw.moved_parens),
        (list(rw.patterns.starts), list(rw.patterns.ends)),
        rw.plain,
        rw.depth,
    )


def _joining_continuations(text: str, first: int, last: int) -> list[int]:
    """Where the matches of :data:`_JOINING_CONTINUATION` in ``text[first:last]`` start: runs of backslash-newline
    with a character before them that is neither blank nor a backslash, and a character after them (before
    ``last``) that is not blank, or more than one backslash-newline. Found from each ``\\<newline>`` on, not by
    the regex, which tries its look-behind at every character of a long script (tests/test_backend_treesitter.py
    holds the two to the same answers)."""
    found: list[int] = []
    at = text.find("\\\n", first, last)
    while at >= 0:
        end = at + 2
        while text.startswith("\\\n", end, last):
            end += 2
        before = text[at - 1] if at > 0 else " "
        # (the regex's run may stop before its last pair: a run of two or more is always followed by a backslash)
        if not before.isspace() and before != "\\" and (end - at > 2 or (end < last and not text[end].isspace())):
            found.append(at)
        at = text.find("\\\n", end, last)
    return found


def _shape(nodes: Sequence[TSNode]) -> list[int]:
    """Every node of the subtrees of ``nodes``, in order, as ints: its kind, byte range and field, and for a node
    of no width whether tree-sitter made it up (MISSING). Two statements of equal shapes over equal bytes are the
    same to the reader."""
    shape: list[int] = []
    for top in nodes:
        cursor = top.walk()
        while True:
            node = cursor.node
            if node is None:
                break
            start, end = node.start_byte, node.end_byte
            shape += (node.kind_id, start, end, cursor.field_id or 0, start == end and node.is_missing)
            if cursor.goto_first_child():
                continue
            while not cursor.goto_next_sibling():
                if not cursor.goto_parent():
                    break
            else:
                continue
            break
        shape.append(-1)  # (the end of one subtree)
    return shape


class _Reader:
    """Turns one tree into syntax nodes. Every method may raise :class:`_Unread` for the statement at hand."""

    def __init__(self, text: str, rw: _Rewrites, deadline: float, inert: InertCommands = NOTHING_INERT) -> None:
        self.text = text
        self.rw = rw
        self.deadline = deadline
        self.inert_commands = inert
        self.inert: InertStatements | None = None
        self.inert_captures: dict[str, list[TSNode]] | None = None  # the inert query's, when found with the rewrites'
        # Inside a substitution, a pipeline or a redirected compound every command is kept: what it prints or
        # where it writes is how another command's operand or a redirection is judged.
        self.keep_all = 0
        self.depth = 0
        self.ticks = 0
        self.used_marks: set[int] = set()
        self.joins: list[int] = []
        self.splits: list[int] = []
        # where a ``${`` was read past its end with no error in the tree (``"${v%\\'}"``): written as
        # :func:`_write_expansion` writes one, then read again
        self.misread: list[int] = []
        self.resume: list[int] = []
        self.comments: list[Span] | None = None
        self.comment_spans: list[Span] = []  # every comment met while reading, for ParsedScript.comments
        self.parsed = b""
        # the statements read from the tree before this one (the text read again after a split or a misread
        # ``${``), and those read from this one: see _Readings
        self.previous: _Readings | None = None
        self.readings: _Readings | None = None

    # -- top level -----------------------------------------------------------------------------------------

    def program(self, root: TSNode, parsed: bytes) -> ParsedScript:
        """The top-level statements. At a syntax error over several lines, only its first line is unread and
        reading stops with ``resume`` set to the next line: tree-sitter's recovery has made one error of what
        may be several statements, so the caller parses again from there."""
        script = ParsedScript()
        self.root = root
        self.parsed = parsed
        # the regex is slow on long text: only where this tree is, only when there is a continuation at all
        first, last = root.start_byte, root.end_byte
        joining = self.text.find("\\\n", first, last) >= 0
        self.joins = _joining_continuations(self.text, first, last) if joining else []
        skipped = _skipped(root, parsed, self.comment_spans)
        if self.inert_commands:
            self.inert = self._inert_statements(root)
        groups = self._top_groups(root)
        readings = self.readings = _Readings(root, parsed, self.rw, self.inert, skipped)
        readings.outputs = (script.nodes, script.unread, self.comment_spans, self.splits, self.misread)
        before = self.previous if self.previous is not None and self.previous.same_context(readings) else None
        for members, separator in groups:
            span = self._group_span(members)
            if span.start == span.end:  # only MISSING nodes tree-sitter put in blank text
                continue
            if before is not None and self._read_before(script, members, separator, span, before, readings):
                continue
            mark, used = self._outputs(script), self._used()
            try:
                stop = self._top_statement(script, members, separator, span, skipped)
            finally:
                self.depth = self.rw.depth
            if stop:
                break
            readings.record(members, separator, span, (mark, self._outputs(script)), self._used_since(used))
        for start, end in skipped:  # skipped text outside every statement
            if not self.resume or end <= self.resume[0]:
                script.unread.append(UnreadSyntax(Span(start, end), "tree-sitter: text it skipped"))
        script.comments = self.comment_spans
        return script

    def _outputs(self, script: ParsedScript) -> _Outputs:
        """How much reading has given so far, to each list of :attr:`_Readings.outputs`."""
        return len(script.nodes), len(script.unread), len(self.comment_spans), len(self.splits), len(self.misread)

    def _used(self) -> frozenset[int] | None:
        """The marks used so far, when a statement may use more (only ``time`` and ``coproc`` have marks)."""
        return frozenset(self.used_marks) if self.rw.timed or self.rw.coprocs else None

    def _used_since(self, used: frozenset[int] | None) -> frozenset[int]:
        return _NO_MARKS if used is None else frozenset(self.used_marks - used)

    def _read_before(
        self,
        script: ParsedScript,
        members: list[TSNode],
        separator: TSNode | None,
        span: Span,
        before: _Readings,
        readings: _Readings,
    ) -> bool:
        """Give what the read before this one gave for the statement, if it was read from the same tree, the same
        text and the same context there (see :class:`_Readings`); False if it must be read."""
        reading = before.reading_of(members, separator, span, readings)
        if reading is None:
            return False
        mark = self._outputs(script)
        script.nodes.extend(reading.nodes)
        script.unread.extend(reading.unread)
        self.comment_spans.extend(reading.comments)
        self.splits.extend(reading.splits)
        self.misread.extend(reading.misread)
        self.used_marks.update(reading.used_marks)
        readings.record(members, separator, span, (mark, self._outputs(script)), reading.used_marks)
        return True

    def _top_statement(
        self,
        script: ParsedScript,
        members: list[TSNode],
        separator: TSNode | None,
        span: Span,
        skipped: list[tuple[int, int]],
    ) -> bool:
        """Read one top-level statement into ``script``. True: reading stops there (the rest is read from
        ``resume``, or not at all once time is up)."""
        try:
            error = self._group_error(members)
            if error is not None:
                next_line = _line_end(self.text, span.start)
                if next_line < span.end:
                    self.resume = self._resume_points(members, next_line)
                    end = len(self.text[span.start : self.resume[0]].rstrip()) + span.start
                    script.unread.append(UnreadSyntax(Span(span.start, end), error))
                    return True
                script.unread.append(UnreadSyntax(span, error))
                return False
            if skipped and any(a < span.end and span.start < b for a, b in skipped):
                raise _Unread("tree-sitter: text it skipped")
            statements = [m for m in members if m.type != "comment"]
            nodes = [self.statement(m) for m in statements if not self._leave_out(m)]
            background = separator is not None and separator.type == "&"
            if background and separator is not None and nodes and not self._leave_out(statements[-1]):
                nodes[-1] = self._background(nodes[-1], separator.end_byte)
            if self.joins:
                self._check_joins(span, separator.end_byte if separator is not None else span.end, nodes)
            script.nodes.extend(nodes)
        except _Unread as exc:
            script.unread.append(UnreadSyntax(exc.span or span, exc.reason))
        except (RecursionError, MemoryError):
            script.unread.append(UnreadSyntax(span, "tree-sitter: nesting too deep"))
        except _OutOfTime:
            script.unread.append(
                UnreadSyntax(Span(span.start, max(len(self.text), span.end)), "tree-sitter: time limit reached")
            )
            return True
        return False

    def _inert_statements(self, root: TSNode) -> InertStatements:
        rw = self.rw
        marks = [*rw.heredocs, *rw.timed, *rw.coprocs, *rw.read_write, *rw.herestrings, *rw.assignment_names]
        marks.extend(rw.moved_parens)
        marks.extend(rw.backquotes.starts)
        marks.extend(self.joins)
        captures = self.inert_captures
        if captures is None:
            captures = QueryCursor(_query("inert", INERT_QUERY)).captures(root)
        commands = self.inert_commands
        if commands.known is not None:  # a reserved word read as a command name is an unread statement
            commands = replace(commands, known=commands.known | _RESERVED)
        return InertStatements(self.text, captures, commands, marks)

    @contextlib.contextmanager
    def _keeping_all(self, when: bool = True) -> Iterator[None]:
        """Inside: no statement is left out (see ``keep_all``)."""
        self.keep_all += when
        try:
            yield
        finally:
            self.keep_all -= when

    def _leave_out(self, node: TSNode) -> bool:
        """A statement the caller has no use for (see :mod:`tenmon_guard.backends.inert`)."""
        return self.inert is not None and not self.keep_all and self.inert.inert(node)

    def _resume_points(self, members: Sequence[TSNode], after: int) -> list[int]:
        """Where reading may go on after a syntax error over several lines, first choice first: ``after`` (the
        next line), then the nodes inside the error that begin a later line (``after`` may be inside a string
        that spans lines; those are not)."""
        text = self.text
        found: set[int] = set()
        stack = list(members)
        while stack:
            node = stack.pop()
            start = node.start_byte
            if node.end_byte <= after:
                continue
            if start >= after and node.is_named and not node.is_error:
                line_start = text.rfind("\n", 0, start) + 1
                if not text[line_start:start].strip():
                    found.add(start)
            if node.type not in _OPAQUE:
                stack.extend(node.children)
        return [after, *sorted(p for p in found if p > after)][:MAX_RESUME_TRIES]

    def _check_joins(self, span: Span, limit: int, nodes: Sequence[Node]) -> None:
        """A line continuation between two non-blank characters must lie inside a word: elsewhere it joins what
        tree-sitter read as two tokens (``&\\<newline>&`` is ``&&``, ``fo\\<newline>r`` is ``for``)."""
        first = bisect.bisect_left(self.joins, span.start)
        last = bisect.bisect_right(self.joins, limit)
        if first == last:
            return
        words = list(_word_spans(nodes))
        for pos in self.joins[first:last]:
            if any(w.start < pos and pos + 2 <= w.end for w in words):
                continue
            if self.rw.regions.containing(pos) is not None or self._in_comment(pos):
                continue
            raise _Unread("tree-sitter: line continuation inside a token", Span(span.start, max(span.end, limit)))

    def _in_comment(self, pos: int) -> bool:
        if self.comments is None:
            captures = QueryCursor(_query("comments", "(comment) @c")).captures(self.root)
            self.comments = sorted(Span(c.start_byte, c.end_byte) for c in captures.get("c", []))
        index = bisect.bisect_right(self.comments, Span(pos, len(self.text) + 1)) - 1
        return index >= 0 and self.comments[index].start <= pos < self.comments[index].end

    def _merge(self, nodes: Iterable[TSNode]) -> list[list[TSNode]]:
        """Group nodes into shell words. tree-sitter splits a word at a line continuation (``r\\<newline>m`` is
        ``rm`` to bash) and in a few other places (``$"x"`` is ``$`` then a string)."""
        words: list[list[TSNode]] = []
        text = self.text
        for node in nodes:
            self._tick()
            if words:
                end = words[-1][-1].end_byte
                start = node.start_byte
                if end == start or (start > end and text[end] == "\\" and _CONTINUATIONS.fullmatch(text, end, start)):
                    words[-1].append(node)
                    continue
            words.append([node])
        return words

    def _top_groups(self, root: TSNode) -> list[tuple[list[TSNode], TSNode | None]]:
        """Top-level statements as bash delimits them (``;``, ``&``, newline): tree nodes, the ``;`` or ``&``."""
        groups: list[tuple[list[TSNode], TSNode | None]] = []
        current: list[TSNode] = []
        for child in root.children:
            if child.type == "comment":
                continue
            if not child.is_named and child.type in (";", "&") and not child.is_missing:
                if current:
                    groups.append((current, child))
                    current = []
                continue
            if current and self._newline_between(current[-1], child):
                groups.append((current, None))
                current = []
            current.append(child)
        if current:
            groups.append((current, None))
        return groups

    def _newline_between(self, left: TSNode, right: TSNode) -> bool:
        return "\n" in self.text[left.end_byte : right.start_byte].replace("\\\n", "")

    def _group_span(self, members: Sequence[TSNode]) -> Span:
        start = members[0].start_byte
        while True:
            origin = self.rw.timed.get(start)
            if origin is None and start in self.rw.coprocs:
                origin = self.rw.coprocs[start][0]
            if origin is None or origin >= start:
                break
            start = origin
        return Span(start, max(m.end_byte for m in members))

    def _group_error(self, members: Sequence[TSNode]) -> str | None:
        for member in members:
            if not member.is_named:
                return f"tree-sitter: unexpected {member.type!r}"
            if not (member.has_error or member.is_error or member.is_missing):
                continue
            for error in _errors(member):
                if _missing_command_name(error):
                    continue
                if error.is_missing:
                    return f"tree-sitter: missing {error.type!r}" if not error.is_named else "tree-sitter: missing word"
                return "tree-sitter: syntax error"
        return None

    # -- statements ------------------------------------------------------------------------------------------

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Unread("tree-sitter: nesting too deep")
        if time.monotonic() > self.deadline:
            raise _OutOfTime()

    def statement(self, node: TSNode) -> Node:
        self._enter()
        try:
            start = node.start_byte
            kind = node.type
            if kind != "list" and start not in self.used_marks:
                if start in self.rw.timed:
                    self.used_marks.add(start)
                    return self._timed(self._statement(node), self.rw.timed[start])
                if start in self.rw.coprocs and kind not in ("pipeline", "negated_command"):
                    self.used_marks.add(start)
                    origin, name = self.rw.coprocs[start]
                    inner = self._statement(node)
                    return Compound(Span(origin, inner.span.end), "coproc", body=(inner,), name=name)
            return self._statement(node)
        finally:
            self.depth -= 1

    def _timed(self, inner: Node, origin: int) -> Pipeline:
        span = Span(origin, inner.span.end)
        if isinstance(inner, Pipeline) and not inner.timed:
            return replace(inner, span=span, timed=True)
        return Pipeline(span, (inner,), timed=True)

    def _statement(self, node: TSNode) -> Node:
        kind = node.type
        if kind == "command":
            return self._command(node)
        if kind == "redirected_statement":
            return self._redirected(node)
        if kind == "pipeline":
            return self._pipeline(node)
        if kind == "list":
            return self._list(node)
        if kind == "negated_command":
            return self._negated(node)
        if kind in ("declaration_command", "unset_command"):
            return self._declaration(node)
        if kind == "variable_assignment":
            return SimpleCommand(self._span(node), assignments=(self._word([node]),))
        if kind == "variable_assignments":
            words = tuple(self._word([c]) for c in node.named_children if c.type == "variable_assignment")
            return SimpleCommand(self._span(node), assignments=words)
        if kind in _REDIRECTS:
            redirect, extra = self._redirect(node)
            words = tuple(self._word(w) for w in extra)
            return SimpleCommand(_cover([redirect.span, *(w.span for w in words)]), words=words, redirects=(redirect,))
        if kind == "test_command":
            return self._test(node)
        return self._compound(node)

    def _span(self, node: TSNode) -> Span:
        return Span(node.start_byte, node.end_byte)

    def _sequence(self, children: Iterable[TSNode], groups: list[int] | None = None) -> list[Node]:
        """The commands among ``children`` in order; ``&`` puts the one before it in the background. ``groups``, when
        given, gets the index where each part that may run or not starts (see :attr:`Compound.groups`)."""
        nodes: list[Node] = []
        pending = [iter(children)]
        left_out = False  # the statement before a ``&`` was left out: the ``&`` is not the one before's
        while pending:
            child = next(pending[-1], None)
            if child is None:
                pending.pop()
                continue
            kind = child.type
            if not child.is_named:
                if kind == "&" and nodes and not left_out:
                    nodes[-1] = self._background(nodes[-1], child.end_byte)
                elif groups is not None and kind in _BRANCH_KEYWORDS:
                    groups.append(len(nodes))
            elif kind in _STATEMENTS:
                left_out = self._leave_out(child)
                if not left_out:
                    nodes.append(self.statement(child))
            elif kind in _CLAUSES:
                pending.append(iter(child.children))
            elif kind != "comment":
                raise _Unread(f"tree-sitter: cannot read {kind}")
        return nodes

    def _background(self, node: Node, end: int) -> CommandList:
        span = Span(node.span.start, max(end, node.span.end))
        if isinstance(node, CommandList) and len(node.operators) == len(node.items) - 1:
            return replace(node, span=span, operators=(*node.operators, "&"))
        return CommandList(span, (node,), ("&",))

    def _list(self, node: TSNode) -> CommandList:
        items: list[Node] = []
        operators: list[str] = []
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type == "list":
                stack.extend(reversed(current.children))
            elif not current.is_named:
                operators.append(current.type)
            elif current.type != "comment":
                item = self.statement(current)
                if isinstance(item, CommandList) and len(item.operators) == len(item.items) - 1:
                    # tree-sitter hangs ``x && cat <<A || y`` as (x && cat <<A) || y: one flat and-or list
                    operators.extend(item.operators)
                    items.extend(item.items)
                else:
                    items.append(item)
        if len(operators) != len(items) - 1:
            raise _Unread("tree-sitter: cannot read this list")
        return CommandList(self._span(node), tuple(items), tuple(operators))

    def _pipeline(self, node: TSNode) -> Pipeline:
        stages: list[Node] = []
        negated = False
        stack = list(reversed(node.children))
        while stack:
            child = stack.pop()
            if child.type == "pipeline":
                stack.extend(reversed(child.children))
            elif child.type == "negated_command" and not stages:
                negated = True
                inner = self._negated(child)
                stages.extend(inner.stages)
            elif child.is_named and child.type != "comment":
                with self._keeping_all():
                    stages.append(self.statement(child))
        return Pipeline(self._span(node), tuple(stages), negated=negated)

    def _negated(self, node: TSNode) -> Pipeline:
        inner = [c for c in node.named_children if c.type != "comment"]
        if len(inner) != 1:
            raise _Unread("tree-sitter: cannot read this negation")
        stage = self.statement(inner[0])
        if isinstance(stage, Pipeline) and not stage.negated:
            return replace(stage, span=self._span(node), negated=True)
        return Pipeline(self._span(node), (stage,), negated=True)

    # -- simple commands -------------------------------------------------------------------------------------

    def _command(self, node: TSNode) -> SimpleCommand:
        assignments: list[WordSyntax] = []
        pieces: list[TSNode] = []
        redirects: list[RedirectSyntax] = []
        extra: list[list[TSNode]] = []
        named = False
        # Fields by node type (cheaper than asking for each child's field): the children are assignments, the
        # name, redirections and arguments, and a comment only after a line continuation.
        for child in node.children:
            self._tick()
            kind = child.type
            if kind == "command_name":
                named = True
                if child.start_byte in self.rw.assignment_names:
                    assignments.append(self._word([child]))
                elif child.start_byte != child.end_byte:  # tree-sitter's MISSING name in ``A=1 >f``
                    pieces.append(child)
            elif kind in _REDIRECTS:
                redirect, more = self._redirect(child)
                redirects.append(redirect)
                extra.extend(more)
            elif kind == "variable_assignment" and not named:
                assignments.append(self._word([child]))
            elif kind != "comment":
                pieces.append(child)
        first = node.child(0)
        if first is not None and first.type == "command_name" and self._text(first) in _RESERVED:
            # bash reads a reserved word there as syntax: tree-sitter has lost its way (``a; fi``)
            raise _Unread(f"tree-sitter: {self._text(first)!r} read as a command")
        return self._simple(assignments, self._merge(pieces), redirects, extra)

    def _text(self, node: TSNode) -> str:
        return self.text[node.start_byte : node.end_byte]

    def _glued_fds(
        self, words: Sequence[WordSyntax], redirects: Sequence[RedirectSyntax]
    ) -> tuple[tuple[WordSyntax, ...], tuple[RedirectSyntax, ...]]:
        """A word glued to the redirection after it that tree-sitter reads as an argument: an fd (``0<<<x``,
        ``0<&-``) or a ``{name}`` fd variable (``{fd}>f``, whose fd is not known statically)."""
        ends = {w.span.end: i for i, w in enumerate(words)}
        dropped: set[int] = set()
        fixed: list[RedirectSyntax] = []
        for red in redirects:
            index = ends.get(red.span.start)
            if red.fd is None and index is not None and index > 0:  # never the command name
                word = words[index]
                written = self.text[word.span.start : word.span.end]
                if _DIGITS.fullmatch(written):
                    dropped.add(index)
                    red = replace(red, span=Span(word.span.start, red.span.end), fd=int(written))
                elif _FD_VARIABLE.fullmatch(written):
                    dropped.add(index)
                    red = replace(red, span=Span(word.span.start, red.span.end))
            fixed.append(red)
        return tuple(w for i, w in enumerate(words) if i not in dropped), tuple(fixed)

    def _simple(
        self,
        assignments: Sequence[WordSyntax],
        words: Sequence[Sequence[TSNode]],
        redirects: Sequence[RedirectSyntax],
        extra: Sequence[Sequence[TSNode]] = (),
    ) -> SimpleCommand:
        """A simple command from its parts; ``extra`` are words tree-sitter hung on a redirection."""
        read = [self._word(w) for w in words]
        if extra:
            read = sorted([*read, *(self._word(w) for w in extra)], key=_start)
        ordered = tuple(sorted(redirects, key=_start)) if len(redirects) > 1 else tuple(redirects)
        ends: list[WordSyntax | RedirectSyntax] = [*assignments[:1], *assignments[-1:], *read[:1], *read[-1:]]
        ends.extend((*ordered[:1], *ordered[-1:]))
        if not ends:
            raise _Unread("tree-sitter: empty command")
        final_words, final_redirects = self._glued_fds(read, ordered) if ordered and read else (tuple(read), ordered)
        command = SimpleCommand(_cover([e.span for e in ends]), tuple(assignments), final_words, final_redirects)
        self._one_line(command)
        return command

    def _one_line(self, command: SimpleCommand) -> None:
        """A newline between the parts of a simple command ends it in bash; tree-sitter sometimes reads on, with
        no error (``a= b=`` then ``while ...`` on the next line is read as a command ``while`` with assignments).
        The statement is unread, and the blank or newline right after the part before the gap is noted in
        ``splits``: written as ``;`` (same meaning to bash there) it makes tree-sitter stop, on the next parse."""
        span, text = command.span, self.text
        if text.find("\n", span.start, span.end) < 0:
            return
        parts = sorted(
            [*(w.span for w in command.assignments), *(w.span for w in command.words)]
            + [r.span for r in command.redirects]
        )
        for left, right in itertools.pairwise(parts):
            k = text.find("\n", left.end, right.start)
            while k >= 0:
                backslashes = 0
                while k - backslashes - 1 >= left.end and text[k - backslashes - 1] == "\\":
                    backslashes += 1
                if backslashes % 2 == 0:
                    after = text[left.end + 1 : left.end + 2]
                    if text[left.end] in " \t\n" and after not in (";", "&", "|"):
                        self.splits.append(left.end)
                    raise _Unread("tree-sitter: a simple command read across a newline")
                k = text.find("\n", k + 1, right.start)

    def _declaration(self, node: TSNode) -> SimpleCommand:
        """``local x=$(..)``, ``export A=b``, ``declare -a``, ``unset -f``: the keyword is the command's first word."""
        pieces = [c for c in node.children if c.type != "comment"]
        if not pieces or pieces[0].is_named:
            raise _Unread(f"tree-sitter: cannot read this {node.type}")
        redirects: list[RedirectSyntax] = []
        extra: list[list[TSNode]] = []
        words: list[TSNode] = []
        for piece in pieces:
            if piece.type in _REDIRECTS:
                redirect, more = self._redirect(piece)
                redirects.append(redirect)
                extra.extend(more)
            else:
                words.append(piece)
        return self._simple((), self._merge(words), redirects, extra)

    def _redirected(self, node: TSNode) -> Node:
        body: Node | None = None
        redirects: list[RedirectSyntax] = []
        extra: list[list[TSNode]] = []
        for index, child in enumerate(node.children):
            role = node.field_name_for_child(index)
            if role == "body":
                with self._keeping_all():
                    body = self.statement(child)
            elif role == "redirect" or child.type in _REDIRECTS:
                redirect, more = self._redirect(child)
                redirects.append(redirect)
                extra.extend(more)
            elif child.type != "comment":
                raise _Unread(f"tree-sitter: cannot read {child.type} after a command")
        if body is None:
            return self._simple((), (), redirects, extra)
        return self._attach(body, redirects, extra)

    def _attach(self, node: Node, redirects: Sequence[RedirectSyntax], extra: Sequence[Sequence[TSNode]]) -> Node:
        """Redirections (and the words tree-sitter hung on them) written after ``node`` belong to its last command."""
        if isinstance(node, SimpleCommand):
            extra_words = [self._word(w) for w in extra]
            words = tuple(sorted([*node.words, *extra_words], key=_start))
            ordered = tuple(sorted([*node.redirects, *redirects], key=_start))
            span = _cover([node.span, *(w.span for w in extra_words), *(r.span for r in redirects)])
            words, ordered = self._glued_fds(words, ordered)
            command = SimpleCommand(span, node.assignments, words, ordered)
            self._one_line(command)
            return command
        if isinstance(node, Compound):
            if extra:
                raise _Unread("tree-sitter: words after a compound command")
            span = _cover([node.span, *(r.span for r in redirects)])
            ordered = tuple(sorted([*node.redirects, *redirects], key=lambda r: r.span.start))
            return replace(node, span=span, redirects=ordered)
        if isinstance(node, Pipeline) and node.stages:
            last = self._attach(node.stages[-1], redirects, extra)
            return replace(node, span=_cover([node.span, last.span]), stages=(*node.stages[:-1], last))
        if isinstance(node, CommandList) and node.items and len(node.operators) < len(node.items):
            last = self._attach(node.items[-1], redirects, extra)
            return replace(node, span=_cover([node.span, last.span]), items=(*node.items[:-1], last))
        raise _Unread("tree-sitter: cannot attach a redirection")

    # -- redirections ----------------------------------------------------------------------------------------

    def _redirect(self, node: TSNode) -> tuple[RedirectSyntax, list[list[TSNode]]]:
        """One redirection, and the words written after its target (they belong to the command)."""
        if node.type == "heredoc_redirect":
            raise _Unread("tree-sitter: cannot read this heredoc")
        fd: int | None = None
        op: TSNode | None = None
        targets: list[TSNode] = []
        for index, child in enumerate(node.children):
            role = node.field_name_for_child(index)
            if role == "descriptor":
                digits = self.text[child.start_byte : child.end_byte]
                fd = int(digits) if _DIGITS.fullmatch(digits) else None
            elif op is None and not child.is_named:
                op = child
            elif child.type == "comment":
                continue
            elif role == "destination" or child.is_named or child.type == "$":
                targets.append(child)
            else:
                raise _Unread(f"tree-sitter: cannot read {child.type!r} in a redirection")
        if op is None:
            raise _Unread("tree-sitter: redirection without an operator")
        words = self._merge(targets)
        start = node.start_byte
        heredoc = self.rw.heredocs.get(op.start_byte)
        if heredoc is not None:
            target = WordSyntax(heredoc.delimiter)
            if words and words[0][0].start_byte == heredoc.delimiter.start:
                words = words[1:]
            span = Span(start, heredoc.delimiter.end)
            return RedirectSyntax(span, heredoc.op, target, fd, heredoc.body, heredoc.quoted), words
        text = op.type
        if text == "<" and op.start_byte in self.rw.read_write:
            text = "<>"
        elif text == "<" and op.start_byte in self.rw.herestrings:
            text = "<<<"
        if text in (">&-", "<&-"):
            dash = Span(op.end_byte - 1, op.end_byte)
            return RedirectSyntax(Span(start, op.end_byte), text[:2], WordSyntax(dash), fd), words
        if not words:
            raise _Unread("tree-sitter: redirection without a target")
        target_word = self._word(words[0])
        return RedirectSyntax(Span(start, target_word.span.end), text, target_word, fd), words[1:]

    # -- compound commands -----------------------------------------------------------------------------------

    def _compound(self, node: TSNode) -> Compound:
        kind = node.type
        span = self._span(node)
        children = node.children
        first = children[0].type if children else ""
        if kind == "subshell":
            if span.start in self.rw.moved_parens:
                span = Span(span.start + 1, span.end)
            return Compound(span, "subshell", body=tuple(self._sequence(children)))
        if kind == "compound_statement":
            if first == "((":
                return Compound(span, "arith", words=self._tokens(children[1:-1]))
            self._brace_is_a_word(children[0])
            return Compound(span, "group", body=tuple(self._sequence(children)))
        if kind == "if_statement" or kind == "while_statement":
            groups: list[int] = []
            body = tuple(self._sequence(children, groups))
            name = "if" if kind == "if_statement" else "until" if first == "until" else "while"
            return Compound(span, name, body=body, groups=tuple(groups))
        if kind == "for_statement":
            return self._for(node, "select" if first == "select" else "for")
        if kind == "c_style_for_statement":
            return self._arith_for(node)
        if kind == "case_statement":
            return self._case(node)
        if kind == "function_definition":
            return self._function(node)
        raise _Unread(f"tree-sitter: cannot read {kind}")

    def _brace_is_a_word(self, brace: TSNode) -> None:
        """bash opens a group only with a ``{`` that is a word of its own; tree-sitter also with one glued to the
        word after it. ``{fuser,} -k 3000/tcp`` is a brace expansion that runs fuser, and the ``}`` on a later line
        a syntax error, but tree-sitter read a group running ``fuser,}`` (check and lint allowed it)."""
        after = _CONTINUATIONS.match(self.text, brace.end_byte)
        end = after.end() if after else brace.end_byte
        if brace.type == "{" and end < len(self.text) and self.text[end] not in _ENDS_A_WORD:
            raise _Unread("tree-sitter: '{' glued to the word after it read as a group")

    def _fields(self, node: TSNode) -> list[tuple[str | None, TSNode]]:
        return [(node.field_name_for_child(i), c) for i, c in enumerate(node.children)]

    def _for(self, node: TSNode, kind: str) -> Compound:
        name: str | None = None
        values: list[TSNode] = []
        body: list[Node] = []
        for role, child in self._fields(node):
            if role == "variable":
                name = self.text[child.start_byte : child.end_byte]
            elif role == "value":
                values.append(child)
            elif role == "body":
                body.extend(self._sequence([child]))
        words = tuple(self._word(w) for w in self._merge(values))
        return Compound(self._span(node), kind, body=tuple(body), words=words, name=name)

    def _arith_for(self, node: TSNode) -> Compound:
        header: list[TSNode] = []
        body: list[Node] = []
        for role, child in self._fields(node):
            if role == "body":
                body.extend(self._sequence([child]))
            elif role is not None:
                header.append(child)
        return Compound(self._span(node), "arith_for", body=tuple(body), words=self._tokens(header))

    def _case(self, node: TSNode) -> Compound:
        words: list[WordSyntax] = []
        body: list[Node] = []
        groups: list[int] = []
        arms: list[int] = []
        for role, child in self._fields(node):
            if role == "value":
                words.append(self._word([child]))
            elif child.type == "case_item":
                patterns: list[TSNode] = []
                commands: list[TSNode] = []
                for item_role, part in self._fields(child):
                    if item_role == "value":
                        patterns.append(part)
                    elif part.is_named or part.type == "&":
                        commands.append(part)
                merged = self._merge(patterns)
                words.extend(self._word(w) for w in merged)
                arms.append(len(merged))
                groups.append(len(body))
                body.extend(self._sequence(commands))
            elif child.is_named and child.type != "comment":
                raise _Unread(f"tree-sitter: cannot read {child.type} in case")
        return Compound(
            self._span(node), "case", body=tuple(body), words=tuple(words), groups=tuple(groups), arms=tuple(arms)
        )

    def _function(self, node: TSNode) -> Compound:
        name: str | None = None
        body: list[Node] = []
        redirects: list[RedirectSyntax] = []
        redirected = any(c.type in _REDIRECTS for c in node.children)
        for role, child in self._fields(node):
            if role == "name":
                name = self.text[child.start_byte : child.end_byte]
            elif role == "body":
                with self._keeping_all(redirected):
                    body.append(self.statement(child))
            elif role == "redirect" or child.type in _REDIRECTS:
                redirect, extra = self._redirect(child)
                if extra:
                    raise _Unread("tree-sitter: words after a function definition")
                redirects.append(redirect)
        return Compound(self._span(node), "function", body=tuple(body), redirects=tuple(redirects), name=name)

    def _test(self, node: TSNode) -> Node:
        children = node.children
        if children and children[0].type == "[[":
            return Compound(self._span(node), "test", words=self._tokens(children[1:-1]))
        units = self._units(children)
        for unit in units:
            if not unit.is_named and unit.type in _SHELL_OPERATORS:
                raise _Unread(f"tree-sitter: {unit.type!r} inside [ ] is an operator of the shell")
        words = tuple(self._word(w) for w in self._merge(units))
        command = SimpleCommand(self._span(node), words=words)
        self._one_line(command)
        return command

    def _units(self, nodes: Iterable[TSNode]) -> list[TSNode]:
        """The leaves (whole words kept whole) of an expression, in order."""
        units: list[TSNode] = []
        stack = list(reversed(list(nodes)))
        while stack:
            node = stack.pop()
            if node.type == "comment":
                continue
            if node.type in _WORD_UNITS or node.child_count == 0:
                units.append(node)
            else:
                stack.extend(reversed(node.children))
        return units

    def _tokens(self, nodes: Iterable[TSNode]) -> tuple[WordSyntax, ...]:
        """Operands and operators of ``[[ ]]``/``(( ))`` as whitespace-separated words, so substitutions are seen."""
        return tuple(self._word(w) for w in self._merge(self._units(nodes)))

    # -- words -----------------------------------------------------------------------------------------------

    def _tick(self) -> None:
        """Called for each piece of a long list: checks the clock now and then."""
        self.ticks += 1
        if not self.ticks & 1023 and time.monotonic() > self.deadline:
            raise _OutOfTime()

    def _word(self, nodes: Sequence[TSNode]) -> WordSyntax:
        self._tick()
        first = nodes[0]
        start, end = first.start_byte, nodes[-1].end_byte
        text = self.text
        if _WORD_SPECIAL.search(text, start, end) is None:  # most words: nothing below can apply
            return WordSyntax(Span(start, end))
        substitutions: tuple[SubstitutionSyntax, ...] = ()
        if (len(nodes) > 1 or first.child_count) and _MAY_SUBSTITUTE.search(text, start, end):
            leaf = first.child(0) if first.type == "command_name" and first.child_count == 1 else first
            if len(nodes) > 1 or leaf is None or leaf.child_count or leaf.type in _SUBSTITUTIONS:
                substitutions = self._substitutions(nodes)
        if _BLANK.search(text, start, end) is not None:
            if _blank_in_a_token(nodes, text, self.rw.patterns):
                raise _Unread("tree-sitter: a word with a blank in it")
            misread = _expansion_past_its_end(nodes, text)
            if misread is not None:
                self.misread.append(misread)
                raise _Unread("tree-sitter: a ${...} read past the } that ends it")
        if text.find("`", start, end) >= 0:
            substitutions = self._with_backquotes(start, end, substitutions)
        if self.rw.arith_subs.starts:
            substitutions = self._with_arith_subs(start, end, substitutions)
        if _MAY_RUN.search(text, start, end) is not None and self._missed_substitution(start, end, substitutions):
            substitutions = self._with_opaque_parts(nodes, substitutions)
            if self._missed_substitution(start, end, substitutions):
                raise _Unread("tree-sitter: a substitution it did not read")
        return WordSyntax(Span(start, end), substitutions)

    def _with_opaque_parts(
        self, nodes: Sequence[TSNode], found: tuple[SubstitutionSyntax, ...]
    ) -> tuple[SubstitutionSyntax, ...]:
        """tree-sitter reads the pattern of ``${x#$(a)}`` or ``${x/a/`b`}`` as plain text: such a part is read on
        its own, as a word, and the substitutions in it are added to ``found``."""
        extra: list[SubstitutionSyntax] = []
        stack = list(nodes)
        while stack:
            node = stack.pop()
            if node.child_count:
                stack.extend(node.children)
                continue
            start, end = node.start_byte, node.end_byte
            piece = self.text[start:end]
            if _MAY_RUN.search(piece) is None or any(s.span.start <= start < s.span.end for s in found):
                continue
            self._enter()
            try:
                alone = bytearray(b" ") * len(self.rw.plain)
                alone[start:end] = self.rw.plain[start:end]
                inner = _Rewrites(plain=self.rw.plain, depth=self.depth)
                script, again = _read(self.text, alone, inner, self.deadline, window=(start, end))
            finally:
                self.depth -= 1
            read = script.nodes[0] if len(script.nodes) == 1 and not script.unread and not again else None
            if not isinstance(read, SimpleCommand) or read.assignments or read.redirects or len(read.words) != 1:
                continue
            if read.words[0].span != Span(start, end):
                continue
            extra.extend(read.words[0].substitutions)
        return tuple(sorted([*found, *extra], key=lambda s: s.span.start)) if extra else found

    def _with_backquotes(
        self, start: int, end: int, found: tuple[SubstitutionSyntax, ...]
    ) -> tuple[SubstitutionSyntax, ...]:
        """``found`` and the backquoted substitutions in ``[start, end)``, each read on its own. One written straight
        in an arithmetic expansion (``$(( `fuser -k 3000/tcp` ))``) goes with that expansion's own substitutions:
        the rewrites hide it from tree-sitter there, and arithmetic runs it as it runs a ``$(...)``."""
        regions = self.rw.backquotes
        index = bisect.bisect_left(regions.starts, start)
        extra: list[SubstitutionSyntax] = []
        in_arith: dict[int, list[SubstitutionSyntax]] = {}
        while index < len(regions.starts) and regions.starts[index] < end:
            first, last = regions.starts[index], regions.ends[index]
            owner = next((s for s in found if s.span.start <= first < s.span.end), None)
            if owner is None:  # outermost only
                extra.append(self._backquoted(first, last))
            elif owner.kind == "arith" and not any(n.span.start <= first < n.span.end for n in owner.nested):
                in_arith.setdefault(owner.span.start, []).append(self._backquoted(first, last))
            index += 1
        if in_arith:
            found = tuple(_with_nested(s, in_arith.get(s.span.start, ())) for s in found)
        if not extra:
            return found
        return tuple(sorted([*found, *extra], key=lambda s: s.span.start))

    def _with_arith_subs(
        self, start: int, end: int, found: tuple[SubstitutionSyntax, ...]
    ) -> tuple[SubstitutionSyntax, ...]:
        """``found`` with each ``$(..)`` blanked in a run of an arithmetic expansion in ``[start, end)`` (see
        :func:`_rewrite_arith_runs`) among that expansion's nested substitutions, each read on its own."""
        regions = self.rw.arith_subs
        index = bisect.bisect_left(regions.starts, start)
        in_arith: dict[int, list[SubstitutionSyntax]] = {}
        while index < len(regions.starts) and regions.starts[index] < end:
            first, last = regions.starts[index], regions.ends[index]
            owner = _innermost_holder(found, first)
            if owner is None:
                raise _Unread("tree-sitter: a substitution in arithmetic it did not read")
            if owner.kind != "arith":  # (in a substitution's body: read with the word it is in there)
                index += 1
                continue
            in_arith.setdefault(owner.span.start, []).append(self._alone(first, last))
            index += 1
        return tuple(_nested_in(s, in_arith) for s in found) if in_arith else found

    def _alone(self, start: int, end: int, opener: int = 2) -> SubstitutionSyntax:
        """The ``$(..)`` (or, ``opener`` 1, the backquote) at ``[start, end)``, blanked in the parsed copy, read on
        its own."""
        self._enter()
        try:
            alone = bytearray(b" ") * len(self.rw.plain)
            alone[start + opener : end - 1] = self.rw.plain[start + opener : end - 1]
            inner = _Rewrites(plain=self.rw.plain, depth=self.depth)
            script, resume = _read(self.text, alone, inner, self.deadline, window=(start + opener, end - 1))
            if script.unread or resume:
                raise _Unread(script.unread[0].reason if script.unread else "tree-sitter: syntax error")
            return SubstitutionSyntax(Span(start, end), "command", body=tuple(script.nodes))
        finally:
            self.depth -= 1

    def _backquoted(self, start: int, end: int) -> SubstitutionSyntax:
        inside = self.text[start + 1 : end - 1]
        if re.search(r'\\[$`\\"]', inside):
            return SubstitutionSyntax(Span(start, end), "backquote")  # the builder unescapes and reads it
        return self._alone(start, end, opener=1)

    def _missed_substitution(self, start: int, end: int, found: Sequence[SubstitutionSyntax]) -> bool:
        """Whether the word has a backquote or ``$(`` that bash expands outside every substitution tree-sitter
        found (it reads ``${x/a/`b`}`` as plain text, for one)."""
        text = self.text
        i, double = start, False
        while i < end:
            c = text[i]
            if c == "\\":
                i += 2
            elif c == "'" and not double:
                if i > start and text[i - 1] == "$":  # $'..': backslash escapes inside
                    i += 1
                    while i < end and text[i] != "'":
                        i += 2 if text[i] == "\\" else 1
                    i += 1
                else:
                    close = text.find("'", i + 1, end)
                    i = end if close < 0 else close + 1
            elif c == '"':
                double = not double
                i += 1
            elif c == "`" or (text.startswith("(", i + 1) and (c == "$" or (c in "<>" and not double))):
                covering = next((s for s in found if s.span.start <= i < s.span.end), None)
                if covering is None:
                    return True
                i = covering.span.end
            else:
                i += 1
        return False

    def _substitutions(self, nodes: Sequence[TSNode]) -> tuple[SubstitutionSyntax, ...]:
        """The outermost substitutions anywhere inside ``nodes`` (in strings, in ``${x:-$(y)}`` ...)."""
        found: list[SubstitutionSyntax] = []
        stack = list(reversed(nodes))
        while stack:
            node = stack.pop()
            if node.type in _SUBSTITUTIONS:
                found.append(self._substitution(node))
            elif node.child_count:
                stack.extend(reversed(node.children))
        return tuple(found)

    def _substitution(self, node: TSNode) -> SubstitutionSyntax:
        self._enter()
        try:
            span = self._span(node)
            if self.parsed[span.start : span.start + 1].isspace():
                # in a string, after an expansion (``"$x $(date)"``), tree-sitter's ``$(`` token takes the blanks
                # before it: the substitution starts at its ``$``, where the word's expansion looks for it
                start = span.start
                while self.parsed[start : start + 1].isspace():
                    start += 1
                span = Span(start, span.end)
            children = node.children
            opener = children[0].type if children else ""
            if node.type == "arithmetic_expansion":
                return SubstitutionSyntax(span, "arith", nested=self._substitutions(children[1:-1]))
            if opener == "`":
                inside = self.text[node.start_byte + 1 : node.end_byte - 1]
                if re.search(r'\\[$`\\"]', inside):
                    return SubstitutionSyntax(span, "backquote")  # the builder unescapes and reads it
            if node.type == "process_substitution":
                kind = "process_in" if opener == "<(" else "process_out"
            else:
                kind = "command"
            if _skipped(node, self.parsed, self.comment_spans):
                raise _Unread("tree-sitter: text it skipped")
            with self._keeping_all():
                return SubstitutionSyntax(span, kind, body=tuple(self._sequence(children)))
        finally:
            self.depth -= 1


def _blank_in_a_token(nodes: Sequence[TSNode], text: str, patterns: _Regions) -> bool:
    """tree-sitter sometimes makes one word token of ``{ {`` or ``[ [`` (``rm -rf { {/opt/x,y}`` is then read as
    one word, where bash passes ``{``, ``/opt/x`` and ``y``). A blank in a plain word token is never part of a shell
    word unless a backslash escapes it; strings and expansions are other node types and are not looked into."""
    pieces: list[TSNode] = []
    stack = list(reversed(nodes))
    while stack:  # (a command's name is a command_name around its word: ``x='a'`` NL ``\pkill node`` made one
        node = stack.pop()  # command of two lines, the name a word token with the newline in it; lint allowed)
        if node.type in ("concatenation", "command_name"):
            stack.extend(reversed(node.children))
        else:
            pieces.append(node)
    for piece in pieces:
        if piece.type != "word" or text.find("`", piece.start_byte, piece.end_byte) >= 0:
            continue  # (a backquote with escapes is one word token here, read again by the builder)
        for blank in _BLANK.finditer(text, piece.start_byte, piece.end_byte):
            at = blank.start()
            backslashes = 0
            while at - backslashes - 1 >= piece.start_byte and text[at - backslashes - 1] == "\\":
                backslashes += 1
            if backslashes % 2 == 0 and patterns.containing(at) is None:  # (``!(a b)`` is one word to bash)
                return True
    return False


def _innermost_holder(found: Sequence[SubstitutionSyntax], at: int) -> SubstitutionSyntax | None:
    """The substitution among ``found`` (or nested in them) whose text holds ``at`` and none inside it does."""
    owner: SubstitutionSyntax | None = None
    level: Sequence[SubstitutionSyntax] = found
    while True:
        holder = next((s for s in level if s.span.start <= at < s.span.end), None)
        if holder is None:
            return owner
        owner = holder
        level = holder.nested


def _nested_in(sub: SubstitutionSyntax, more: dict[int, list[SubstitutionSyntax]]) -> SubstitutionSyntax:
    """``sub`` with ``more[start]`` among the nested substitutions of the expansion at ``start``, at any depth."""
    nested = tuple(_nested_in(n, more) for n in sub.nested) if sub.nested else sub.nested
    if nested != sub.nested:
        sub = replace(sub, nested=nested)
    return _with_nested(sub, more.get(sub.span.start, ()))


def _with_nested(sub: SubstitutionSyntax, more: Sequence[SubstitutionSyntax]) -> SubstitutionSyntax:
    """``sub`` with ``more`` among its nested substitutions, in text order."""
    if not more:
        return sub
    return replace(sub, nested=tuple(sorted([*sub.nested, *more], key=lambda s: s.span.start)))


def _expansion_past_its_end(nodes: Sequence[TSNode], text: str) -> int | None:
    """tree-sitter reads ``${y:-(}`` as opening a group, and its expansion runs on to some later ``}``, taking the
    lines between into one word (``x=${y:-(}`` then ``{ kill -9 $PID`` and ``}`` on the next lines: kill was never
    read, lint allowed it). bash ends the expansion at the first ``}`` not quoted or nested. Only words with a
    blank in them are looked at: a misread that swallows lines always has one. Returns where that ``${`` is."""
    if text.find("${", nodes[0].start_byte, nodes[-1].end_byte + 1) < 0:
        return None  # (no node of these can start with one: most quoted words with a blank)
    stack = list(nodes)
    while stack:
        node = stack.pop()
        expansion = node.type == "expansion" and text.startswith("${", node.start_byte)
        if expansion and _quoted_end(text, node.start_byte) != node.end_byte:
            return node.start_byte
        stack.extend(node.children)
    return None


def _skipped(root: TSNode, parsed: bytes, comments: list[Span] | None = None) -> list[tuple[int, int]]:
    """Text between the tokens of ``root`` that is not blank: tree-sitter sometimes drops a token with no error
    (``sudo >|j - 3>&-`` has no node for ``-``). Words count as one token each (their spans are what is read);
    the statements inside a substitution are checked when it is read, so each node is visited once. The comments
    met on the way (``#`` where bash starts one) are added to ``comments``."""
    gaps: list[tuple[int, int]] = []
    cursor = root.walk()
    last = root.start_byte
    at_root = True
    # (locals, and kinds compared as ints: this loop runs for every node of every tree)
    opaque = _kind_ids(_OPAQUE)
    comment = _kind_ids(_COMMENT)
    while True:
        node = cursor.node
        if node is None:
            return gaps
        if at_root or (node.kind_id not in opaque and node.child_count):
            at_root = False
            if cursor.goto_first_child():
                continue
        else:
            start = node.start_byte
            # (the parsed copy holds no \r, \v or \f, so bytes.isspace() is the common, cheap case of _BLANKS)
            if start > last and not parsed[last:start].isspace() and not _BLANKS.fullmatch(parsed, last, start):
                gaps.append((last, start))
            if parsed[start : start + 1] == b"#" and node.kind_id in comment:
                if start and parsed[start - 1] not in _BEFORE_COMMENT:
                    # ``echo [ [# ; rm ...``: to bash that ``#`` is inside a word, not a comment; the line is not read
                    gaps.append((parsed.rfind(b"\n", 0, start) + 1, node.end_byte))
                elif comments is not None:
                    comments.append(Span(start, node.end_byte))
            end = node.end_byte
            if end > last:
                last = end
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                if root.end_byte > last and not _BLANKS.fullmatch(parsed, last, root.end_byte):
                    gaps.append((last, root.end_byte))
                return gaps


def _word_spans(nodes: Iterable[Node]) -> Iterable[Span]:
    """Every word span in ``nodes``, substitution bodies included."""
    stack: list[Node | SubstitutionSyntax] = list(nodes)
    while stack:
        item = stack.pop()
        words: list[WordSyntax] = []
        if isinstance(item, SimpleCommand):
            words = [*item.assignments, *item.words, *(r.target for r in item.redirects if r.target is not None)]
        elif isinstance(item, Compound):
            words = [*item.words, *(r.target for r in item.redirects if r.target is not None)]
            stack.extend(item.body)
        elif isinstance(item, Pipeline):
            stack.extend(item.stages)
        elif isinstance(item, CommandList):
            stack.extend(item.items)
        else:
            yield item.span
            stack.extend(item.body)
            stack.extend(item.nested)
        for word in words:
            yield word.span
            stack.extend(word.substitutions)


def _start(item: WordSyntax | RedirectSyntax) -> int:
    return item.span.start


def _cover(spans: Sequence[Span]) -> Span:
    """The span from the first start to the last end (a loop: two generators cost more, for every command)."""
    start, end = spans[0].start, spans[0].end
    for span in spans:
        if span.start < start:
            start = span.start
        if span.end > end:
            end = span.end
    return Span(start, end)


def _plain(text: str) -> str:
    """The text tree-sitter parses: same length, every character outside printable ASCII (but tab and newline)
    replaced, and so is every ``$`` that bash reads as a plain character (``sed s/x$//``: tree-sitter fails)."""
    if _NOT_PLAIN.search(text) is not None:
        text = _NOT_PLAIN.sub(_PLACEHOLDER, text)
    # Each rewrite first looks for what every match holds, with a pattern that starts with a literal (fast); most
    # scripts have none, and the full patterns, with a callback per ``\x`` or lookbehinds, cost far more.
    if _LONE_DOLLAR.search(text) is not None:
        text = _LITERAL_DOLLAR.sub(_literal_dollar, text)
    if " - " in text or "\t- " in text:
        text = _DASH_BEFORE_FD.sub(_PLACEHOLDER, text)
    if _FOR_NAME_DO.search(text) is not None:
        text = _FOR_DO.sub(_for_do, text)
    return text


def _for_do(match: re.Match[str]) -> str:
    """``for x do``: ``for x;do``, which tree-sitter reads (it fails on the first)."""
    return match.group(1) + ";" + match.group(2)[1:] + "do"


def _literal_dollar(match: re.Match[str]) -> str:
    return _PLACEHOLDER if match.group() == "$" else match.group()


class TreeSitterBackend:
    """Reads shell text with tree-sitter-bash. See the module docstring for what it corrects."""

    name = "tree-sitter"

    def __init__(self, time_limit: float = TIME_LIMIT, time_per_megabyte: float = TIME_PER_MEGABYTE) -> None:
        self.time_limit = time_limit
        self.time_per_megabyte = time_per_megabyte

    def parse(self, text: str, inert: InertCommands = NOTHING_INERT, *, ends_input: bool = False) -> ParsedScript:
        """Read ``text``; never raises (every failure is an :class:`UnreadSyntax`). Statements that run only
        commands ``inert`` says are of no interest (and do nothing else of interest) may be left out: see
        :mod:`tenmon_guard.backends.inert`. ``ends_input``: the text is all its shell reads (nested text: ``bash -c
        TEXT``), not a line a shell may continue."""
        try:
            with _lock:
                return self._parse(text, inert, ends_input)
        except _OutOfTime:
            return _all_unread(text, "tree-sitter: time limit reached")
        except (RecursionError, MemoryError):
            return _all_unread(text, "tree-sitter: input too large or too deeply nested")
        except Exception as exc:  # never raise to a door: the text is reported as unread instead
            return _all_unread(text, f"tree-sitter: internal error ({type(exc).__name__})")

    def _parse(self, text: str, inert: InertCommands, ends_input: bool = False) -> ParsedScript:
        deadline = time.monotonic() + self.time_limit + self.time_per_megabyte * len(text) / 1_000_000
        plain = _plain(text).encode("ascii")
        buf = bytearray(plain)
        rw = _Rewrites(plain=plain, ends_input=ends_input)
        script = ParsedScript()
        read_from = 0
        for _ in range(MAX_RESYNCS):
            part, candidates = _read(text, buf, rw, deadline, inert)
            script.nodes.extend(part.nodes)
            if not candidates:
                script.unread.extend(part.unread)
                script.comments.extend(part.comments)
                break
            # A syntax error over several lines: tree-sitter's recovery may have made one error of several
            # statements. The shortest piece from its start to a later line that reads on its own is read so;
            # otherwise its first line is unread. Reading goes on after it (what is done is blanked).
            error = part.unread.pop()
            script.unread.extend(part.unread)
            script.comments.extend(c for c in part.comments if c.end <= error.span.start)  # the rest: read again
            resume = candidates[0]
            for candidate in candidates:
                end = error.span.start + len(text[error.span.start : candidate].rstrip())
                piece = bytearray(b" ") * len(buf)
                piece[error.span.start : end] = buf[error.span.start : end]
                alone, again = _read(text, piece, _Rewrites(plain=plain), deadline, window=(error.span.start, end))
                if not again and not alone.unread:
                    script.nodes.extend(alone.nodes)
                    script.comments.extend(alone.comments)
                    resume = candidate
                    break
            else:
                script.unread.append(error)
            _blank(buf, 0, resume)
            read_from = resume
        else:
            script.unread.append(UnreadSyntax(Span(read_from, len(text)), "tree-sitter: too many errors"))
        script.unread = _merge_unread(text, script.unread)
        if script.unread and script.comments:
            script.comments = _outside(script.comments, script.unread)
        return script


def _read(
    text: str,
    buf: bytearray,
    rw: _Rewrites,
    deadline: float,
    inert: InertCommands = NOTHING_INERT,
    window: tuple[int, int] | None = None,
) -> tuple[ParsedScript, list[int]]:
    """Parse ``buf`` (rewriting it as tree-sitter needs) and read it; where reading may go on after a syntax error
    over several lines, if there was one (then the last unread region is that error's first line)."""
    included = _window(text, window)
    previous: _Readings | None = None  # the statements read the round before (see _Readings)
    for _ in range(MAX_SPLIT_ROUNDS):
        tree = _ts_parse(bytes(buf), deadline, included)
        inert_found: dict[str, list[TSNode]] | None = None
        for _ in range(MAX_REWRITE_ROUNDS):
            found, inert_found = _rewrite_captures(tree, buf, bool(inert))
            errors = found.get("error", [])
            changed = _rewrite_heredocs(found.get("heredoc", []), text, buf, rw, deadline)
            in_words = _rewrite_expansions(tree, text, buf, rw)
            in_words = _rewrite_regexes(tree, text, buf, rw) or in_words
            in_words = _rewrite_case_patterns(errors, text, buf, rw) or in_words
            in_words = (rw.ends_input and _rewrite_trailing_backslash(errors, buf)) or in_words
            glued = _rewrite_arith_runs(tree, text, buf, rw)
            glued = _rewrite_glued_literals(errors, text, buf) or glued
            if glued or in_words:  # first: their errors misled the rewrites below
                tree = _ts_parse(bytes(buf), deadline, included)
                inert_found = None
                continue
            changed = _rewrite_keywords(tree, text, buf, rw, deadline) or changed
            changed = _rewrite_closing_braces(tree, text, buf) or changed
            changed = _rewrite_read_write(errors, text, buf, rw) or changed
            changed = _rewrite_group_herestrings(errors, text, buf, rw) or changed
            changed = _rewrite_backquotes(found.get("substitution", []), text, buf, rw) or changed
            changed = _rewrite_brackets(found.get("bracket", []), buf) or changed
            changed = _rewrite_escaped_blanks(tree, buf) or changed
            changed = _rewrite_lone_assignments(errors, buf, rw) or changed
            changed = _rewrite_pattern_quotes(found.get("pattern", []), text, buf) or changed
            changed = _rewrite_double_parens(found.get("double_parens", []), buf, rw) or changed
            changed = _rewrite_fallthrough(found.get("fallthrough", []), text, buf) or changed
            changed = _rewrite_extended_patterns(tree, text, buf, rw) or changed
            if not changed:
                break
            tree = _ts_parse(bytes(buf), deadline, included)
            inert_found = None  # (found in the tree before)
        reader = _Reader(text, rw, deadline, inert)
        reader.inert_captures = inert_found
        reader.depth = rw.depth
        reader.previous = previous
        script = reader.program(tree.root_node, bytes(buf))
        previous = reader.readings
        splits = [pos for pos in reader.splits if buf[pos] != _SEMICOLON]
        before = bytes(buf)
        for at in reader.misread:
            _write_expansion(text, buf, at, rw)
        if not splits and buf == before:
            break
        for pos in splits:  # end the command where bash ends it, and read again
            buf[pos] = _SEMICOLON
    return script, reader.resume


def _merge_unread(text: str, regions: list[UnreadSyntax]) -> list[UnreadSyntax]:
    """Unread regions separated by blanks only are one region (with the first one's reason)."""
    merged: list[UnreadSyntax] = []
    for region in sorted(regions, key=lambda r: (r.span.start, r.span.end)):
        if merged and (
            merged[-1].span.end >= region.span.start or text[merged[-1].span.end : region.span.start].isspace()
        ):
            last = merged[-1]
            merged[-1] = UnreadSyntax(Span(last.span.start, max(last.span.end, region.span.end)), last.reason)
        else:
            merged.append(region)
    return merged


def _outside(comments: list[Span], unread: list[UnreadSyntax]) -> list[Span]:
    """The comments that lie outside unread text (``unread`` merged, in order): in a statement tree-sitter could
    not read, what its error recovery took for a comment may be text of a string or a heredoc."""
    starts = [region.span.start for region in unread]
    kept = []
    for comment in comments:
        index = bisect.bisect_right(starts, comment.start) - 1
        if index < 0 or comment.start >= unread[index].span.end:
            kept.append(comment)
    return kept


def _all_unread(text: str, reason: str) -> ParsedScript:
    return ParsedScript(unread=[UnreadSyntax(Span(0, len(text)), reason)])
