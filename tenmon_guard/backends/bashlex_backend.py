"""The bashlex backend: bash's own grammar (as ported by bashlex 0.18) turned into the syntax IR.

bashlex recovers structure well where it reads at all, but it has blind spots that must never turn into a silent
misreading, because a misread command line is a way around the guard. So this module takes from bashlex only what
it gets right -- which words form which command, how commands chain, where redirections and compounds sit -- and
decides everything else itself, from the source text:

- bashlex is told not to expand words at all (``expansionlimit=-1``): its own expansion skips substitutions in
  words that start and end with a single quote (``'a'$(rm x)'b'``), looks inside ``$'..'``, misses ``$(..)``
  inside ``${..}``, stops a backtick at an escaped backtick and misplaces positions after a heredoc. Instead every
  word is scanned here, following bash's quoting, and each substitution body is parsed on its own (backtick bodies
  after the backslash removal bash does), so that every position is an exact offset into the original text. The
  scan also checks that the word is well formed (no unquoted blank or operator), which catches a tokenizer that
  went astray, and that nothing but blanks lies between a command's words.
- Statements are read one at a time, skipping comments and blank lines here: bashlex's own loop turns the comment
  in ``a;#rm -rf x`` into a command and fails on empty or comment-only text. A word's span ends before a line
  continuation that bashlex counts into it.
- Heredocs: bashlex rejects quoted delimiters (``<<'EOF'``), the most common kind in scripts, and inside ``{ }``,
  ``if`` and loops it starts the body one line late and reads the first body line as a command. A replacement for
  its heredoc reader (:func:`_read_heredoc`, installed once for the process) and an eager queue
  (:class:`_HeredocQueue`) fix both; every body is then checked to start on the line bash starts it.
- Constructs bashlex reads silently but wrongly (``((i++))`` as two subshells, ``[[`` as a command, ``{fd}>file``
  as a word and a redirect) are refused, so the pipeline re-reads the text with tree-sitter.

Whatever bashlex cannot read, or reads in a way that fails these checks, comes back as one
:class:`~tenmon_guard.syntax.UnreadSyntax` from the failing position to the end of the text; :meth:`parse` never
raises. Nesting deeper than :data:`MAX_NESTING` and texts longer than :data:`MAX_CHARS` are refused up front, in
linear time, because bashlex's recursion and its per-level re-parsing would otherwise crash or crawl.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from bashlex import ast as bl_ast
from bashlex import errors as bl_errors
from bashlex import heredoc as bl_heredoc
from bashlex import parser as bl_parser
from bashlex import tokenizer as bl_tokenizer

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

MAX_CHARS = 65_536
"""Longer texts are left to tree-sitter: bashlex reads about 30,000 words a second, so this bounds a call to
about a second."""

MAX_NESTING = 50
"""Deepest nesting of ``(``/``{`` accepted. bashlex recurses per ``$(`` level (it overflows Python's stack near
200) and re-parses each level, so absurd nesting is refused before bashlex sees it."""

_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=")
_NAMED_FD = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:\[[^]]*\])?\}")  # ``{fd}``, ``{a[i]}``
_NESTING = re.compile(r"[(){}]")
_NOT_IMPLEMENTED = re.compile(r"type = \{([^}]*)\}")
_BLANKS = re.compile(r"(?:[ \t]|\\\n)*")
_WORD_BREAKS = frozenset(" \t\n;&|()<>")
_LIST_OPERATORS = frozenset(("&&", "||", ";", "&"))
_REDIRECT_OPS = frozenset((">", ">>", ">|", "&>", "&>>", "<", "<>", ">&", "<&", "<<", "<<-", "<<<"))
_CASE_PARTS = {"pattern": "case command", "pattern list": "case command", "case clause": "case command"}


class _Unread(Exception):
    """Raised inside the conversion: the text from ``pos`` on cannot be read faithfully."""

    def __init__(self, pos: int, reason: str) -> None:
        super().__init__(reason)
        self.pos = pos
        self.reason = reason


class BashlexBackend:
    """Parser backend on bashlex; see the module docstring for what it trusts bashlex with and what it checks."""

    name = "bashlex"

    def __init__(self, max_chars: int = MAX_CHARS, max_nesting: int = MAX_NESTING) -> None:
        self.max_chars = max_chars
        self.max_nesting = max_nesting

    def parse(self, text: str) -> ParsedScript:
        """Read ``text``; any failure becomes one unread region from the failing position to the end."""
        try:
            if len(text) > self.max_chars:
                raise _Unread(0, f"bashlex: text too long to read ({len(text)} characters)")
            deep = _nesting_overflow(text, self.max_nesting)
            if deep is not None:
                raise _Unread(deep, f"bashlex: nesting deeper than {self.max_nesting} levels")
            nodes = _parse_frame(_Frame(text, 0, None), 0, self.max_nesting)
            return ParsedScript(nodes=nodes)
        except _Unread as failure:
            return _unread(text, failure.pos, failure.reason)
        except RecursionError:
            return _unread(text, 0, "bashlex: nesting too deep")
        except Exception as error:  # any bashlex failure at all must become "not read", never escape
            return _unread(text, 0, _reason(error))


def _unread(text: str, pos: int, reason: str) -> ParsedScript:
    """One unread region from ``pos`` to the end, never empty for a non-empty text."""
    start = max(0, min(pos, len(text)))
    if start >= len(text) and text:
        start = text.rfind("\n", 0, len(text) - 1) + 1
    return ParsedScript(nodes=[], unread=[UnreadSyntax(Span(start, len(text)), reason)])


def _reason(error: BaseException) -> str:
    """A short one-line reason naming bashlex, from any exception it raised."""
    if isinstance(error, bl_errors.ParsingError):
        message = str(error.message)
        if message.startswith("unexpected EOF"):
            detail = "unexpected end of input" + message[len("unexpected EOF") :]
        else:
            detail = message
    elif isinstance(error, NotImplementedError):
        found = _NOT_IMPLEMENTED.search(str(error))
        what = found.group(1) if found else str(error)
        detail = f"cannot read {_CASE_PARTS.get(what, what)}"
    elif isinstance(error, AssertionError):
        detail = "construct not supported (internal assertion)"
    elif isinstance(error, RecursionError):
        detail = "nesting too deep"
    else:
        detail = f"internal error ({type(error).__name__})"
    detail = " ".join(detail.split())
    if len(detail) > 100:
        detail = detail[:97] + "..."
    return f"bashlex: {detail}"


def _nesting_overflow(text: str, limit: int) -> int | None:
    """Where ``(``/``{`` nesting first exceeds ``limit``, in one linear pass (quotes ignored: conservative)."""
    if text.count("(") + text.count("{") <= limit:
        return None
    depth = 0
    for match in _NESTING.finditer(text):
        if match.group() in "({":
            depth += 1
            if depth > limit:
                return match.start()
        elif depth:
            depth -= 1
    return None


# -- heredocs ---------------------------------------------------------------------------------------------------


def _heredoc_delimiter(raw: str) -> str:
    """The delimiter a heredoc body ends at: the word after quote removal (``'EOF'``, ``"EOF"``, ``\\EOF`` -> EOF)."""
    if "$'" in raw or '$"' in raw:
        raise NotImplementedError("type = {heredoc delimiter with $'..' or $\"..\"}")
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        ch = raw[i]
        if ch == "\\" and i + 1 < n:
            out.append(raw[i + 1])
            i += 2
        elif ch == "'":
            close = raw.find("'", i + 1)
            close = n if close < 0 else close
            out.append(raw[i + 1 : close])
            i = close + 1
        elif ch == '"':
            i += 1
            while i < n and raw[i] != '"':
                if raw[i] == "\\" and i + 1 < n and raw[i + 1] in '\\"$`':
                    i += 1
                out.append(raw[i])
                i += 1
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _read_heredoc(tokenizer: Any, redirnode: Any, lineno: int, killleading: bool) -> str:
    """Stands in for ``bashlex.heredoc.makeheredoc``, which compares body lines with the delimiter *as written*
    and so never finds the end of ``<<'EOF'``. Reads the body lines up to the delimiter line (tabs stripped for
    ``<<-``) and records the heredoc node with bashlex's convention: ``pos`` runs from the first body line to the
    end of the delimiter line."""
    delimiter = _heredoc_delimiter(redirnode.output.word)
    start = tokenizer._shell_input_line_index
    body: list[str] = []
    while True:
        line_start = tokenizer._shell_input_line_index
        line = tokenizer.readline(False)
        if line is None:
            source = tokenizer.source
            raise bl_errors.ParsingError(
                f"here-document delimited by end of input (wanted {delimiter!r})", source, min(start, len(source))
            )
        content = line[:-1] if line.endswith("\n") else line
        if (content.lstrip("\t") if killleading else content) == delimiter:
            break
        body.append(line)
    document = "".join(body)
    redirnode.heredoc = bl_ast.node(kind="heredoc", value=document, pos=(start, line_start + len(content)))
    return document


class _HeredocQueue(list[Any]):
    """bashlex's queue of heredocs waiting for the end of their line, made to read a body at once when the line
    has already ended.

    bashlex queues a heredoc when the parser reduces its redirection, and reads the queue when the tokenizer reads
    a newline. Inside ``{ }``, ``if`` and loops the parser needs the next token before it reduces, so the newline
    is already read when the heredoc is queued: bashlex then reads the first body line as a command and starts the
    body one line late -- with a crafted first line (``: <<'X'``), real commands after the delimiter become the
    body of a heredoc that does not exist. When the token just read is that newline, the body starts right here."""

    def __init__(self, tokenizer: Any) -> None:
        super().__init__()
        self.tokenizer = tokenizer

    def append(self, item: Any) -> None:
        current = getattr(self.tokenizer, "_current_token", None)
        if getattr(current, "ttype", None) is bl_tokenizer.tokentype.NEWLINE:
            node, killleading = item
            bl_heredoc.makeheredoc(self.tokenizer, node, 0, killleading)
            return
        super().append(item)


def _install_heredoc_reader() -> None:
    """Put :func:`_read_heredoc` in place of bashlex's reader, once, and only over the 0.18 signature we know."""
    current = getattr(bl_heredoc, "makeheredoc", None)
    if current is _read_heredoc:
        return
    code = getattr(current, "__code__", None)
    if code is not None and code.co_varnames[:4] == ("tokenizer", "redirnode", "lineno", "killleading"):
        bl_heredoc.makeheredoc = _read_heredoc


# -- positions ----------------------------------------------------------------------------------------------------


class _Frame:
    """A string given to bashlex and where each of its characters sits in the original text.

    Plain slices of the text only need ``base``. A backtick body is the text with some backslashes removed, so it
    carries tables: ``starts[i]`` is where the source of character ``i`` begins (at the removed backslash, so that
    a span includes it) with one more entry for the end, and ``ends[i]`` is just after that source."""

    __slots__ = ("base", "ends", "src", "starts")

    def __init__(self, src: str, base: int, starts: list[int] | None = None, ends: list[int] | None = None) -> None:
        self.src = src
        self.base = base
        self.starts = starts
        self.ends = ends

    def at(self, pos: int) -> int:
        return self.base + pos if self.starts is None else self.starts[pos]

    def span(self, start: int, end: int) -> Span:
        if self.starts is None or self.ends is None:
            return Span(self.base + start, self.base + end)
        if end <= start:
            return Span(self.starts[start], self.starts[start])
        return Span(self.starts[start], self.ends[end - 1])

    def slice(self, start: int, end: int) -> _Frame:
        if self.starts is None or self.ends is None:
            return _Frame(self.src[start:end], self.base + start)
        return _Frame(self.src[start:end], 0, self.starts[start : end + 1], self.ends[start:end])

    def unescaped(self, start: int, end: int, in_dquotes: bool) -> _Frame:
        """A backtick body: bash removes the backslash before ``$``, `````, ``\\`` (and ``"`` inside double quotes)."""
        special = '$`\\"' if in_dquotes else "$`\\"
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        i = start
        while i < end:
            starts.append(self.at(i))
            if self.src[i] == "\\" and i + 1 < end and self.src[i + 1] in special:
                i += 1
            chars.append(self.src[i])
            ends.append(self.span(i, i + 1).end)
            i += 1
        starts.append(self.at(end))
        return _Frame("".join(chars), 0, starts, ends)


# -- statements -----------------------------------------------------------------------------------------------------


def _skip_trivia(src: str, i: int) -> int:
    """Past blanks, newlines, line continuations and comments between statements."""
    n = len(src)
    while i < n:
        ch = src[i]
        if ch in " \t\n":
            i += 1
        elif ch == "\\" and src.startswith("\\\n", i):
            i += 2
        elif ch == "#":
            newline = src.find("\n", i)
            i = n if newline < 0 else newline
        else:
            break
    return i


def _after_statement(src: str, i: int, frame: _Frame) -> int:
    """Past the end of a statement's line; anything but a comment there means bashlex's boundary is not bash's."""
    n = len(src)
    while i < n and (src[i] in " \t" or src.startswith("\\\n", i)):
        i += 2 if src[i] == "\\" else 1
    if i < n and src[i] == "#":
        newline = src.find("\n", i)
        i = n if newline < 0 else newline
    if i >= n:
        return n
    if src[i] != "\n":
        raise _Unread(frame.at(i), "bashlex: unexpected text after a statement")
    return i + 1


def _without_final_continuation(src: str) -> int:
    """Where the text ends once a final line continuation is dropped: bash ignores it, bashlex fails on it."""
    stop = len(src)
    while stop >= 2 and src.startswith("\\\n", stop - 2):
        slashes = stop - 1 - len(src[: stop - 1].rstrip("\\"))
        if slashes % 2 == 0:
            break
        stop -= 2
    return stop


def _parse_frame(frame: _Frame, depth: int, limit: int) -> list[Node]:
    """Every statement of ``frame.src``, read one at a time so that a failure has a statement to point at."""
    src = frame.src
    nodes: list[Node] = []
    stop = _without_final_continuation(src)
    i = _skip_trivia(src, 0)
    while i < len(src):
        statement = src[i:stop]
        tree = _bashlex_statement(statement, frame, i)
        converter = _Converter(frame, i, depth, limit)
        nodes.append(converter.node(tree))
        converter.check_heredocs()
        end = i + max(tree.pos[1], converter.heredoc_end)
        i = _skip_trivia(src, _after_statement(src, end, frame))
    return nodes


def _bashlex_statement(statement: str, frame: _Frame, offset: int) -> Any:
    """bashlex's tree for the first statement of ``statement``; its failures become :class:`_Unread`."""
    try:
        reader = bl_parser._parser(statement, expansionlimit=-1)
        reader.redirstack = reader.tok.redirstack = _HeredocQueue(reader.tok)
        tree = reader.parse()
    except bl_errors.ParsingError as error:
        raise _Unread(frame.at(offset + _error_offset(error, statement)), _reason(error)) from None
    except RecursionError:
        raise _Unread(frame.at(offset), "bashlex: nesting too deep") from None
    except Exception as error:  # NotImplementedError, AssertionError, IndexError, TypeError ...
        raise _Unread(frame.at(offset), _reason(error)) from None
    if not isinstance(tree, bl_ast.node) or not isinstance(getattr(tree, "pos", None), tuple):
        raise _Unread(frame.at(offset), "bashlex: no statement found")
    return tree


def _error_offset(error: bl_errors.ParsingError, statement: str) -> int:
    """Where in ``statement`` a ParsingError points. bashlex gives positions in whatever string it was parsing
    (the statement, or a substitution inside a word); an error at end of input points at the statement start."""
    message = str(error.message)
    if message.startswith(("unexpected EOF", "here-document")):
        return 0
    source = error.s if isinstance(error.s, str) else ""
    base = statement.find(source) if source else -1
    if base < 0 or not isinstance(error.position, int):
        return 0
    return max(0, min(base + error.position, len(statement)))


# -- word scanning --------------------------------------------------------------------------------------------------


class _Sub:
    """A substitution found in a word: its extent and its body's extent, in the frame's string."""

    __slots__ = ("body_end", "body_start", "end", "in_dquotes", "kind", "start")

    def __init__(self, kind: str, start: int, end: int, body_start: int, body_end: int, in_dquotes: bool) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.body_start = body_start
        self.body_end = body_end
        self.in_dquotes = in_dquotes


class _Scanner:
    """Finds the outermost substitutions of one word, following bash's quoting, and checks the word is whole.

    Positions are indexes into ``src``; nothing is read at or past ``end`` (the end of the word bashlex found).
    ``subs`` is the list being filled, or None while skipping over text inside a substitution."""

    def __init__(self, src: str, end: int, frame: _Frame, depth: int, limit: int) -> None:
        self.src = src
        self.end = end
        self.frame = frame
        self.depth = depth
        self.limit = limit
        self.start = 0

    def fail(self, pos: int, what: str) -> _Unread:
        """Points at the start of the word: once the scan and bashlex disagree, nothing in the word is sure."""
        return _Unread(self.frame.at(self.start), f"bashlex: {what}")

    def deeper(self, depth: int, pos: int) -> int:
        if depth + 1 > self.limit:
            raise self.fail(pos, "nesting too deep")
        return depth + 1

    def word(self, start: int) -> list[_Sub]:
        src, end = self.src, self.end
        subs: list[_Sub] = []
        self.start = i = start
        while i < end:
            ch = src[i]
            if ch == "\\":
                i += 2
            elif ch == "'":
                i = self.single_quoted(i + 1)
            elif ch == '"':
                i = self.double_quoted(i + 1, self.depth, subs)
            elif ch == "`":
                i = self.backtick(i, subs, in_dquotes=False)
            elif ch == "$":
                i = self.dollar(i, self.depth, subs, in_dquotes=False)
            elif ch in "<>" and i + 1 < end and src[i + 1] == "(":
                close = self.command(i + 2, self.deeper(self.depth, i))
                kind = "process_in" if ch == "<" else "process_out"
                subs.append(_Sub(kind, i, close, i + 2, close - 1, in_dquotes=False))
                i = close
            elif ch in _WORD_BREAKS:
                raise self.fail(i, f"unexpected {ch!r} inside a word")
            else:
                i += 1
        if i != end:
            raise self.fail(start, "word ends inside an escape")
        return subs

    def single_quoted(self, i: int) -> int:
        close = self.src.find("'", i, self.end)
        if close < 0:
            raise self.fail(i - 1, "unterminated single quote")
        return close + 1

    def ansi_c(self, i: int) -> int:
        src, end = self.src, self.end
        while i < end:
            if src[i] == "\\":
                i += 2
            elif src[i] == "'":
                return i + 1
            else:
                i += 1
        raise self.fail(i, "unterminated $'...'")

    def double_quoted(self, i: int, depth: int, subs: list[_Sub] | None) -> int:
        src, end = self.src, self.end
        while i < end:
            ch = src[i]
            if ch == "\\":
                i += 2
            elif ch == '"':
                return i + 1
            elif ch == "$":
                i = self.dollar(i, depth, subs, in_dquotes=True)
            elif ch == "`":
                i = self.backtick(i, subs, in_dquotes=True)
            else:
                i += 1
        raise self.fail(i, "unterminated double quote")

    def dollar(self, i: int, depth: int, subs: list[_Sub] | None, in_dquotes: bool) -> int:
        """At a ``$``: returns the index after what it starts (``$(..)``, ``${..}``, ``$'..'``, ``$".."``)."""
        src = self.src
        nxt = src[i + 1] if i + 1 < self.end else ""
        if nxt == "(":
            if subs is not None and src.startswith("((", i + 1):
                raise self.fail(i, "cannot read arithmetic expansion")
            close = self.command(i + 2, self.deeper(depth, i))
            if subs is not None:
                subs.append(_Sub("command", i, close, i + 2, close - 1, in_dquotes))
            return close
        if nxt == "{":
            return self.parameter(i + 2, self.deeper(depth, i), subs, in_dquotes)
        if nxt == "[" and subs is not None:
            raise self.fail(i, "cannot read arithmetic expansion")
        if nxt == "'" and not in_dquotes:
            return self.ansi_c(i + 2)
        if nxt == '"' and not in_dquotes:
            return self.double_quoted(i + 2, depth, subs)
        return i + 1

    def backtick(self, i: int, subs: list[_Sub] | None, in_dquotes: bool) -> int:
        src, end = self.src, self.end
        j = i + 1
        while j < end and src[j] != "`":
            j += 2 if src[j] == "\\" else 1
        if j >= end:
            raise self.fail(i, "unterminated backtick")
        if subs is not None:
            subs.append(_Sub("command", i, j + 1, i + 1, j, in_dquotes))
        return j + 1

    def parameter(self, i: int, depth: int, subs: list[_Sub] | None, in_dquotes: bool) -> int:
        """Inside ``${...}``: substitutions in the operand run too (``${x:-$(id)}``, and unquoted ``${x:-<(id)}``).
        It ends at the first ``}`` not quoted or nested in another expansion: a ``{`` opens nothing (``${y:-a{b}``
        is ``a{b`` when y is empty; bash 5.2)."""
        src, end = self.src, self.end
        while i < end:
            ch = src[i]
            if ch == "\\":
                i += 2
            elif ch == "}":
                return i + 1
            elif ch in "<>" and not in_dquotes and i + 1 < end and src[i + 1] == "(":
                close = self.command(i + 2, self.deeper(depth, i))
                if subs is not None:
                    kind = "process_in" if ch == "<" else "process_out"
                    subs.append(_Sub(kind, i, close, i + 2, close - 1, in_dquotes=False))
                i = close
            elif ch == "'" and not in_dquotes:
                i = self.single_quoted(i + 1)
            elif ch == '"':
                i = self.double_quoted(i + 1, depth, subs)
            elif ch == "$":
                i = self.dollar(i, depth, subs, in_dquotes)
            elif ch == "`":
                i = self.backtick(i, subs, in_dquotes)
            else:
                i += 1
        raise self.fail(i, "unterminated ${...}")

    def command(self, i: int, depth: int) -> int:
        """Inside ``$(...)``/``<(...)``: the index after the matching ``)``, past quotes, comments and heredocs."""
        src, end = self.src, self.end
        level = 1
        word_start = True
        heredocs: list[tuple[str, bool]] = []
        while i < end:
            ch = src[i]
            if ch == "\\":
                i += 2
                word_start = False
            elif ch == "\n":
                i = self.heredoc_bodies(i + 1, heredocs) if heredocs else i + 1
                heredocs = []
                word_start = True
            elif ch in " \t;&|":
                i += 1
                word_start = True
            elif ch == "#" and word_start:
                newline = src.find("\n", i, end)
                i = end if newline < 0 else newline
            elif ch == "'":
                i = self.single_quoted(i + 1)
                word_start = False
            elif ch == '"':
                i = self.double_quoted(i + 1, depth, None)
                word_start = False
            elif ch == "`":
                i = self.backtick(i, None, in_dquotes=False)
                word_start = False
            elif ch == "$":
                i = self.dollar(i, depth, None, in_dquotes=False)
                word_start = False
            elif ch == "<" and src.startswith("<<", i) and not src.startswith("<<<", i):
                i = self.heredoc_operator(i + 2, heredocs)
                word_start = True
            elif ch == "(":
                level += 1
                if depth + level > self.limit:
                    raise self.fail(i, "nesting too deep")
                i += 1
                word_start = True
            elif ch == ")":
                level -= 1
                i += 1
                if level == 0:
                    return i
                word_start = True
            else:
                i += 1
                word_start = ch in "<>"
        raise self.fail(i, "unterminated substitution")

    def heredoc_operator(self, i: int, heredocs: list[tuple[str, bool]]) -> int:
        """After ``<<`` inside a substitution: notes the delimiter so the body is skipped at the next newline."""
        src, end = self.src, self.end
        strip = i < end and src[i] == "-"
        i += 1 if strip else 0
        while i < end and src[i] in " \t":
            i += 1
        start = i
        while i < end and src[i] not in _WORD_BREAKS:
            if src[i] == "\\":
                i += 2
            elif src[i] in "'\"":
                close = src.find(src[i], i + 1, end)
                if close < 0:
                    raise self.fail(i, "unterminated quote in a heredoc delimiter")
                i = close + 1
            else:
                i += 1
        if i == start:
            raise self.fail(start, "missing heredoc delimiter")
        heredocs.append((_heredoc_delimiter(src[start:i]), strip))
        return i

    def heredoc_bodies(self, i: int, heredocs: list[tuple[str, bool]]) -> int:
        src, end = self.src, self.end
        for delimiter, strip in heredocs:
            while True:
                if i >= end:
                    raise self.fail(end, "unterminated heredoc in a substitution")
                newline = src.find("\n", i, end)
                line_end = end if newline < 0 else newline
                line = src[i:line_end]
                if strip:
                    line = line.lstrip("\t")
                if line == delimiter:
                    i = line_end + 1 if newline >= 0 else end
                    break
                if line.startswith(delimiter) and line[len(delimiter) :].lstrip(" \t").startswith(")"):
                    return i + (line_end - i) - len(line) + len(delimiter)
                i = line_end + 1
        return i


def _line_end(src: str, i: int) -> int:
    """The newline ending the line at ``i``, past line continuations (the end of the text if there is none)."""
    while True:
        newline = src.find("\n", i)
        if newline < 0:
            return len(src)
        slashes = newline - len(src[:newline].rstrip("\\"))
        if slashes % 2 == 0:
            return newline
        i = newline + 1


def _redirect_at(parts: list[Any], index: int, pos: int) -> bool:
    """Whether ``parts[index]`` is a redirection written right at ``pos`` (``{fd}>file``: no blank between)."""
    return index < len(parts) and parts[index].kind == "redirect" and parts[index].pos[0] == pos


# -- conversion -----------------------------------------------------------------------------------------------------


class _Converter:
    """Turns one bashlex statement tree into IR nodes. bashlex positions are relative to the statement, which
    starts at ``shift`` in ``frame.src``."""

    def __init__(self, frame: _Frame, shift: int, depth: int, limit: int) -> None:
        self.frame = frame
        self.src = frame.src
        self.shift = shift
        self.depth = depth
        self.limit = limit
        self.heredoc_end = 0
        self.heredocs: list[tuple[int, int, int]] = []

    def span(self, start: int, end: int) -> Span:
        return self.frame.span(self.shift + start, self.shift + end)

    def text(self, start: int, end: int) -> str:
        return self.src[self.shift + start : self.shift + end]

    def fail(self, pos: int, what: str) -> _Unread:
        return _Unread(self.frame.at(min(self.shift + pos, len(self.src))), f"bashlex: {what}")

    def node(self, tree: Any) -> Node:
        kind = tree.kind
        if kind == "command":
            return self.command(tree)
        if kind == "pipeline":
            return self.pipeline(tree)
        if kind == "list":
            return self.command_list(tree)
        if kind == "compound":
            return self.compound(tree)
        if kind == "function":
            return self.function(tree)
        raise self.fail(tree.pos[0], f"unexpected {kind} node")

    # simple commands and words

    def command(self, tree: Any) -> SimpleCommand:
        assignments: list[WordSyntax] = []
        words: list[WordSyntax] = []
        redirects: list[RedirectSyntax] = []
        parts = tree.parts
        for index, part in enumerate(parts):
            if part.kind == "redirect":
                redirects.append(self.redirect(part))
                continue
            if part.kind not in ("word", "assignment"):
                raise self.fail(part.pos[0], f"unexpected {part.kind} in a command")
            written = self.written(part)
            if _NAMED_FD.fullmatch(written) and _redirect_at(parts, index + 1, part.pos[1]):
                raise self.fail(part.pos[0], "cannot read named file descriptors ({fd}>file)")
            if not words and _ASSIGNMENT.match(written):
                assignments.append(self.word(part))
            else:
                if not words and written in ("[[", "(("):
                    raise self.fail(part.pos[0], f"cannot read {written} ... compound")
                words.append(self.word(part))
        self.check_gaps(parts)
        spans = [w.span for w in assignments] + [w.span for w in words] + [r.span for r in redirects]
        if not spans:
            raise self.fail(tree.pos[0], "empty command")
        return SimpleCommand(
            span=Span(min(s.start for s in spans), max(s.end for s in spans)),
            assignments=tuple(assignments),
            words=tuple(words),
            redirects=tuple(redirects),
        )

    def check_gaps(self, parts: list[Any]) -> None:
        """Only blanks and line continuations may lie between a command's words: anything else there is text
        bashlex's tokenizer passed over, and a command read without it is not the command that runs."""
        for before, after in itertools.pairwise(parts):
            gap = self.text(before.pos[1], after.pos[0])
            if gap and not _BLANKS.fullmatch(gap):
                raise self.fail(before.pos[1], "text between words that bashlex did not read")

    def bounds(self, part: Any) -> tuple[int, int]:
        """A word's start and end in the frame's string. bashlex ends a word after a line continuation that
        follows it (``c\\<newline>``); that is not part of the word, so it is cut off here."""
        start, end = self.shift + part.pos[0], self.shift + part.pos[1]
        src = self.src
        while end - start > 2 and src.startswith("\\\n", end - 2):
            slashes = end - 1 - start - len(src[start : end - 1].rstrip("\\"))
            if slashes % 2 == 0:
                break
            end -= 2
        return start, end

    def written(self, part: Any) -> str:
        """A word as written (for names and checks; values are the model builder's business)."""
        start, end = self.bounds(part)
        return self.src[start:end]

    def word(self, part: Any) -> WordSyntax:
        start, end = self.bounds(part)
        subs = _Scanner(self.src, end, self.frame, self.depth, self.limit).word(start)
        return WordSyntax(self.frame.span(start, end), tuple(self.substitution(sub) for sub in subs))

    def substitution(self, sub: _Sub) -> SubstitutionSyntax:
        if self.depth + 1 > self.limit:
            raise _Unread(self.frame.at(sub.start), "bashlex: nesting too deep")
        if self.src[sub.start] == "`":
            if re.search(r'\\[$`\\"]', self.src[sub.body_start : sub.body_end]):
                # Escapes inside backquotes: word values must come from the unescaped text, so (as the tree-sitter
                # backend does) the builder removes the escapes and reads that text itself.
                return SubstitutionSyntax(span=self.frame.span(sub.start, sub.end), kind="backquote")
            inner = self.frame.unescaped(sub.body_start, sub.body_end, sub.in_dquotes)
        else:
            inner = self.frame.slice(sub.body_start, sub.body_end)
        body = _parse_frame(inner, self.depth + 1, self.limit)
        return SubstitutionSyntax(span=self.frame.span(sub.start, sub.end), kind=sub.kind, body=tuple(body))

    def redirect(self, tree: Any) -> RedirectSyntax:
        op = tree.type
        start, end = tree.pos[0], tree.pos[1]
        if op not in _REDIRECT_OPS:
            raise self.fail(start, f"unexpected redirection {op!r}")
        fd = tree.input
        op_start = start
        if fd is not None:
            digits = self.text(start, end)
            count = len(digits) - len(digits.lstrip("0123456789"))
            if not isinstance(fd, int) or count == 0 or int(digits[:count]) != fd:
                raise self.fail(start, "cannot read this redirection's file descriptor")
            op_start = start + count
        if self.text(op_start, op_start + len(op)) != op:
            raise self.fail(start, "redirection operator not where bashlex put it")
        output = tree.output
        heredoc: Span | None = None
        quoted = False
        if isinstance(output, bl_ast.node):
            target_end = output.pos[1]
            if op in ("<<", "<<-"):
                first, last = self.bounds(output)
                target = WordSyntax(self.frame.span(first, last))
                heredoc = self.heredoc_body(tree, last)
                quoted = any(ch in self.src[first:last] for ch in "'\"\\")
            else:
                target = self.word(output)
        else:
            target_start = op_start + len(op)
            while self.text(target_start, target_start + 1) in (" ", "\t"):
                target_start += 1
            target_end = end
            written = self.text(target_start, end)
            if not (written == "-" == output or (written.isdigit() and int(written) == output)):
                raise self.fail(start, "cannot find this redirection's target")
            target = WordSyntax(self.span(target_start, end))
        return RedirectSyntax(
            span=self.span(start, target_end),
            op=op,
            target=target,
            fd=fd,
            heredoc=heredoc,
            heredoc_quoted=quoted,
        )

    def heredoc_body(self, tree: Any, target_end: int) -> Span:
        """From the first body line to the start of the delimiter line (bashlex's pos ends after that line)."""
        document = getattr(tree, "heredoc", None)
        if document is None:
            raise self.fail(tree.pos[0], "heredoc without a body")
        body_start, line_end = document.pos
        delimiter_line = self.src.rfind("\n", self.shift + body_start - 1, self.shift + line_end) + 1 - self.shift
        self.heredoc_end = max(self.heredoc_end, line_end)
        self.heredocs.append((target_end, self.shift + body_start, self.shift + line_end))
        return self.span(body_start, max(body_start, delimiter_line))

    def check_heredocs(self) -> None:
        """Each body must start where bash starts it: on the line after its operator's line, or after the body of
        the heredoc before it on the same line. Anything else means bashlex read part of a body as commands."""
        previous_line_end = -1
        previous_delimiter_end = -1
        for target_end, body_start, delimiter_end in sorted(self.heredocs):
            line_end = _line_end(self.src, target_end)
            expected = previous_delimiter_end + 1 if line_end == previous_line_end else line_end + 1
            if body_start != expected:
                raise _Unread(self.frame.at(target_end), "bashlex: heredoc body not where bash reads it")
            previous_line_end, previous_delimiter_end = line_end, delimiter_end

    # structure

    def pipeline(self, tree: Any) -> Node:
        negated = False
        stages: list[Node] = []
        for part in tree.parts:
            if part.kind == "reservedword" and part.word == "!":
                negated = not negated
            elif part.kind == "pipe":
                if part.pipe not in ("|", "|&"):
                    raise self.fail(part.pos[0], f"unexpected pipe {part.pipe!r}")
            else:
                stages.append(self.node(part))
        if not stages:
            raise self.fail(tree.pos[0], "empty pipeline")
        if len(stages) == 1 and not negated:
            return stages[0]
        return Pipeline(
            span=Span(self.span(*tree.parts[0].pos).start, stages[-1].span.end),
            stages=tuple(stages),
            negated=negated,
        )

    def command_list(self, tree: Any) -> Node:
        items: list[Node] = []
        operators: list[str] = []
        last_end = 0
        for part in tree.parts:
            if part.kind == "operator":
                op = ";" if part.op == "\n" else part.op
                if op not in _LIST_OPERATORS or len(operators) != len(items) - 1:
                    raise self.fail(part.pos[0], f"unexpected operator {part.op!r}")
                operators.append(op)
                last_end = self.span(*part.pos).end
            else:
                if len(operators) != len(items):
                    raise self.fail(part.pos[0], "two commands without an operator")
                items.append(self.node(part))
                last_end = items[-1].span.end
        if not items:
            raise self.fail(tree.pos[0], "empty list")
        if len(operators) == len(items) and operators[-1] == ";":
            operators.pop()
            last_end = items[-1].span.end
        if len(items) == 1 and not operators:
            return items[0]
        return CommandList(span=Span(items[0].span.start, last_end), items=tuple(items), operators=tuple(operators))

    def compound(self, tree: Any) -> Compound:
        parts = tree.list
        first = parts[0]
        name: str | None = None
        words: list[WordSyntax] = []
        body: list[Node] = []
        groups: list[int] = []
        if first.kind == "reservedword" and first.word in ("(", "{") and len(parts) >= 3:
            kind = "subshell" if first.word == "(" else "group"
            if kind == "subshell" and self.text(first.pos[0], first.pos[0] + 2) == "((":
                raise self.fail(first.pos[0], "cannot read (( )) arithmetic commands")
            body = [self.node(part) for part in parts[1:-1]]
            core_end = parts[-1].pos[1]
        elif first.kind in ("if", "while", "until", "for") and len(parts) == 1:
            kind = first.kind
            name, words, body, groups = self.clauses(first)
            core_end = first.pos[1]
        else:
            raise self.fail(tree.pos[0], "unexpected compound command")
        redirects = tuple(self.redirect(r) for r in tree.redirects)
        end = max([self.span(first.pos[0], core_end).end] + [r.span.end for r in redirects])
        return Compound(
            span=Span(self.span(*first.pos).start, end),
            kind=kind,
            body=tuple(body),
            words=tuple(words),
            redirects=redirects,
            name=name,
            groups=tuple(groups) if kind != "for" else (),
        )

    def clauses(self, tree: Any) -> tuple[str | None, list[WordSyntax], list[Node], list[int]]:
        """The parts of if/while/until/for: every command list in order, and for ``for`` the name and the words;
        where each part that may run or not starts (see :attr:`Compound.groups`)."""
        name: str | None = None
        words: list[WordSyntax] = []
        body: list[Node] = []
        groups: list[int] = []
        in_words = False
        for part in tree.parts:
            if part.kind == "reservedword":
                in_words = tree.kind == "for" and part.word == "in"
                if part.word in ("then", "elif", "else", "do"):
                    groups.append(len(body))
            elif part.kind == "word":
                if tree.kind != "for":
                    raise self.fail(part.pos[0], f"unexpected word in {tree.kind}")
                if name is None:
                    name = self.written(part)
                elif in_words:
                    words.append(self.word(part))
                else:
                    raise self.fail(part.pos[0], "unexpected word in for")
            elif part.kind == "operator":
                continue
            else:
                body.append(self.node(part))
        if tree.kind == "for" and name is None:
            raise self.fail(tree.pos[0], "for without a name")
        return name, words, body, groups

    def function(self, tree: Any) -> Compound:
        body = self.node(tree.body)
        start = self.span(tree.parts[0].pos[0], tree.parts[0].pos[0]).start
        return Compound(
            span=Span(start, body.span.end),
            kind="function",
            body=(body,),
            name=self.written(tree.name),
        )


_install_heredoc_reader()
