"""``tenmon-guard serve``: the long-lived checker behind one interactive shell.

It speaks the ``check --batch --requests json`` protocol (NUL-separated JSON requests on stdin, one reply line per
request, flushed) and adds what an interactive shell needs that a one-shot check cannot know:

- ``aliases`` / ``global_aliases`` / ``suffix_aliases`` (zsh) / ``functions`` in a request: the shell's own view of
  the command words.
  An alias in command position is expanded the way the shell expands it before judging (so ``alias k9='kill -9'``
  cannot hide ``kill -9``); the definitions of the functions the line calls are judged before it, so the engine
  follows each call with its arguments (``f() { "$@"; }`` then ``f pkill node`` is ``pkill node``).
- ``command_frame: true``: the command text follows as the next NUL-terminated frame, raw. The bash hook's DEBUG
  trap writes ``fc -ln -0`` straight into the pipe that way, without a fork (``strip: "fc"`` removes fc's indent).
- Incomplete input (``for i in 1 2; do`` before its ``done``) is answered ``incomplete`` instead of a block, so the
  shell can read the next line; what is unreadable for any other reason still blocks. ``bash -n`` decides, and only
  for text the parsers could not read, so the common path costs nothing. For zsh it reads zsh's grammar written as
  bash's (``{ pkill node }`` is complete in zsh); the zsh hook refuses an ``incomplete`` for a line zsh is running.
- ``--shell zsh``: zsh's reading is judged besides bash's (:func:`zsh_findings`), and a line in zsh's own syntax
  the parsers cannot read (``sleep 1 &!``, ``for f (*.log) gzip $f``) is judged as that syntax written as bash's
  (:func:`zsh_syntax_findings`) instead of being refused.
- ``{"op": "prefetch", "command": TEXT}``: no reply; the parsers read TEXT ahead of its request (the zsh hook sends
  it before gathering the shell's state for it: :meth:`Checker.prefetch`).
- ``trace``: the line runs code the text does not show (``fc``, ``source``, ``eval``); the hook then judges each
  command as it runs.
- ``--format shell``: a reply bash and zsh read with one ``read`` builtin, no JSON parser and no fork: fields
  separated by US (0x1f), the message already rendered (ANSI colour when asked), backslashes and newlines escaped
  for ``printf %b``.
- Every warn and block is audited here (the checker knows the verdict, the cwd and the terminal: its stderr is the
  shell's). The first line out is a ready line (``ready`` fields, or ``{"ready": true, ...}``), or an error line.

Importing this module must stay light: no rich, no prompt_toolkit (rendering is plain ANSI in ``render``).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from tenmon_guard.cli_common import EXIT_ERROR, EXIT_OK, add_policy_arguments, load_from_args
from tenmon_guard.errors import PolicyError, TenmonGuardError
from tenmon_guard.frames import frames
from tenmon_guard.frozen import record
from tenmon_guard.policy.types import DOORS
from tenmon_guard.shellscan import skip_quoted

SEP = "\x1f"
MAX_ALIAS_EXPANSIONS = 64
#: the command words of a text, as (start, end) offsets
CommandSpans = Callable[[str], list[tuple[int, int]]]
#: Command names whose effect the text of the line does not show: the hook traces each command they run.
TRACE_COMMANDS = frozenset({"fc", "r", "source", ".", "eval", "history"})
#: Words after which the next word is again in command position (bash and zsh reserved words).
_COMMAND_STARTERS = frozenset({"then", "do", "else", "elif", "if", "while", "until", "!", "time", "{", "coproc"})
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=")
_TRAILING_BACKSLASH = re.compile(r"(?:^|[^\\])(?:\\\\)*\\\Z")


# ---------------------------------------------------------------------------------------------------------------
# Requests


@record
class Request:
    """One line to judge, with the shell's view of its command words."""

    id: Any
    command: str
    cwd: str | None
    door: str
    aliases: Mapping[str, str] = field(default_factory=dict)
    global_aliases: Mapping[str, str] = field(default_factory=dict)
    suffix_aliases: Mapping[str, str] = field(default_factory=dict)  # zsh's alias -s: suffix -> text
    functions: Mapping[str, str] = field(default_factory=dict)
    color: bool = False
    hint: str = ""
    audit: bool = True
    op: str = "check"
    home: str | None = None  # the shell's HOME as the line starts (absolute), when the hook sends it
    cdpath: str | None = None  # and its CDPATH (where ``cd NAME`` looks), when set
    options: frozenset[str] = frozenset()  # and its options that change where cd goes (autocd, set -P ...)
    variables: tuple[tuple[str, str, bool], ...] = ()  # and the values of the variables the line names
    dirstack: tuple[str, ...] | None = None  # and its directory stack below the cwd, top first, when sent
    oldpwd: str | None = None  # and its OLDPWD (where bash's ``cd -`` goes), when set
    left: str | None = None  # and the directory it left (zsh's ``cd -``, ``~-``), when sent
    hashed: tuple[tuple[str, str], ...] = ()  # and the programs its hash table binds the line's names to
    registered: tuple[str, ...] = ()  # and the functions the line defines that it calls later on its own
    limits: tuple[tuple[str, str], ...] = ()  # and its finite soft limits that end a process (ulimit -St 1)
    attributes: tuple[tuple[str, str], ...] = ()  # and the case and integer attributes of the line's variables
    namerefs: tuple[tuple[str, str], ...] = ()  # and what those that are namerefs refer to


@record
class Outcome:
    """What the hook needs: the decision (``incomplete`` added), the verdict in JSON, and the text judged."""

    decision: str
    verdict: dict[str, Any]
    expanded: str
    trace: bool = False
    elapsed_ms: float = 0.0


def _text_map(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str)}


def parse_request(raw: dict[str, Any], command: str, default_door: str) -> Request:
    from tenmon_guard.engine import shell_state

    door = raw.get("door") if raw.get("door") in DOORS else default_door
    cwd = raw.get("cwd") if isinstance(raw.get("cwd"), str) and raw.get("cwd") else None
    return Request(
        id=raw.get("id"),
        command=command,
        cwd=cwd,
        door=str(door),
        aliases=_text_map(raw.get("aliases")),
        global_aliases=_text_map(raw.get("global_aliases")),
        suffix_aliases=_text_map(raw.get("suffix_aliases")),
        functions=_text_map(raw.get("functions")),
        color=bool(raw.get("color")),
        hint=str(raw.get("hint") or ""),
        audit=raw.get("audit", True) is not False,
        op=str(raw.get("op") or "check"),
        **shell_state(raw),
    )


def strip_fc(text: str) -> str:
    """``fc -ln`` indents the first line of an entry with a tab and a space (bash) or prints it as is (zsh)."""
    if text.startswith("\t "):
        text = text[2:]
    elif text.startswith("\t"):
        text = text[1:]
    return text[:-1] if text.endswith("\n") else text


# ---------------------------------------------------------------------------------------------------------------
# Aliases, as the shell expands them


_METACHARS = frozenset(" \t\n;&|()<>")


def _word_end(text: str, i: int) -> tuple[int, bool]:
    """End of the word starting at ``i`` and whether any part of it is quoted or escaped."""
    n = len(text)
    quoted = False
    while i < n and text[i] not in _METACHARS:
        c = text[i]
        if c in "\\'\"`" or (c == "$" and i + 1 < n and text[i + 1] in "'({"):
            quoted = quoted or c in "\\'\"" or (c == "$" and text[i + 1] == "'")
            i = skip_quoted(text, i)
        else:
            i += 1
    return i, quoted


@dataclass
class _Scan:
    """Alias expansion state: the text being rewritten and the regions where an alias may not recur."""

    text: str
    blocked: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, alias name)
    expansions: int = 0
    command_words: list[tuple[str, int, int]] = field(default_factory=list)


def expand_aliases(
    text: str,
    aliases: Mapping[str, str],
    global_aliases: Mapping[str, str] | None = None,
    command_spans: CommandSpans | None = None,
    suffix_aliases: Mapping[str, str] | None = None,
) -> tuple[str, list[tuple[str, int, int]]]:
    """The text with aliases expanded as the shell would, and the command words found (name, start, end).

    An unquoted word in command position that names an alias is replaced by its value, which is read again (so
    ``alias k='kill -9'`` then ``k 1`` reads ``kill -9 1``); an alias never expands inside its own expansion; a
    value ending in a blank makes the next word a command word too (``alias sudo='sudo '``). zsh's global aliases
    expand in any position, its suffix aliases in command position (``alias -s log=less``: ``x.log`` reads
    ``less x.log``).

    The scan below knows the common positions. ``command_spans`` (the parsers' command words, see
    :func:`parsed_command_spans`) catches the rest, where the grammar decides: after a case pattern, in a
    function body, after ``time -p``, in a substitution inside a here-string."""
    globals_ = global_aliases or {}
    scan = _Scan(text)
    _scan_aliases(scan, aliases, globals_, suffix_aliases or {})
    if command_spans is not None and aliases:
        _expand_parsed_commands(scan, aliases, command_spans)
    return scan.text, scan.command_words


def _scan_aliases(
    scan: _Scan, aliases: Mapping[str, str], globals_: Mapping[str, str], suffixes: Mapping[str, str]
) -> None:
    i, command_pos = 0, True
    check_from: int | None = None  # after an alias ending in a blank: the next word from here is checked too
    while i < len(scan.text):
        t = scan.text
        c = t[i]
        if c in " \t":
            i += 1
            continue
        if c == "#" and (i == 0 or t[i - 1] in " \t\n;&|()"):
            end = t.find("\n", i)
            i = len(t) if end < 0 else end
            continue
        if c in "\n;&|(":
            i += 1
            command_pos, check_from = True, None
            continue
        if c == ")":
            i += 1
            command_pos = False
            continue
        if c in "<>":
            i = _skip_redirection(t, i)
            continue
        end, quoted = _word_end(t, i)
        word = t[i:end]
        next_after_alias = check_from is not None and i >= check_from
        replacement, name = None, word
        if not quoted and not _blocked(scan, i, word):
            if (command_pos or next_after_alias) and word in aliases:
                replacement = aliases[word]
            elif word in globals_:
                replacement = globals_[word]
        suffix = word.rpartition(".")[2] if suffixes and "." in word[1:] else ""
        if replacement is None and not quoted and suffix in suffixes and (command_pos or next_after_alias):
            name = "." + suffix  # (the word stays, after the alias's text: x.log is less x.log)
            replacement = None if _blocked(scan, i, name) else f"{suffixes[suffix]} {word}"
        if replacement is not None and scan.expansions < MAX_ALIAS_EXPANSIONS:
            _splice(scan, i, end, name, replacement)
            check_from = i + len(replacement) if replacement[-1:] in (" ", "\t") else None
            command_pos = command_pos or next_after_alias
            continue  # the value is read again from its start, in the position the word had
        if next_after_alias:
            check_from = None
        if "$(" in word or "`" in word:
            inner_text, inner_words = _expand_substitutions(word, aliases, globals_, suffixes)
            scan.command_words.extend((name, i + a, i + b) for name, a, b in inner_words)
            if inner_text != word:
                _splice(scan, i, end, "", inner_text)
                scan.blocked.pop()
                end = i + len(inner_text)
                word = inner_text
        is_command = command_pos or next_after_alias
        if is_command and not _ASSIGNMENT.match(word):
            scan.command_words.append((word, i, end))
        if is_command and _ASSIGNMENT.match(word):
            command_pos = True  # assignments keep command position: ``X=1 k9`` expands k9
        elif word in _COMMAND_STARTERS and command_pos:
            command_pos = True
        else:
            command_pos = False
        i = end


def _expand_parsed_commands(scan: _Scan, aliases: Mapping[str, str], command_spans: CommandSpans) -> None:
    """Aliases at the command words the parsers find and the scan missed, one at a time (each expansion is read
    again, as the shell reads it), within the same limit on expansions."""
    while scan.expansions < MAX_ALIAS_EXPANSIONS:
        text = scan.text
        found = next(
            (
                (start, end)
                for start, end in command_spans(text)
                if text[start:end] in aliases and not _blocked(scan, start, text[start:end])
            ),
            None,
        )
        if found is None:
            return
        start, end = found
        word = text[start:end]
        _splice(scan, start, end, word, aliases[word])
        scan.command_words.append((aliases[word].split(" ", 1)[0], start, start + len(aliases[word])))


def parsed_command_spans(guard: Any, context: Any) -> CommandSpans:
    """Where the parsers find command words that bash reads as the command's name (not after a wrapper such as
    sudo, where bash does not expand aliases): what :func:`expand_aliases` checks after its scan."""

    def spans(text: str) -> list[tuple[int, int]]:
        found: set[tuple[int, int]] = set()
        for model in guard.models(text, context):
            for invocation in model.invocations:
                if invocation.argv and not invocation.wrappers:
                    span = invocation.argv[0].span
                    found.add((span.start, span.end))
        return sorted(found)

    return spans


def _expand_substitutions(
    word: str, aliases: Mapping[str, str], globals_: Mapping[str, str], suffixes: Mapping[str, str]
) -> tuple[str, list[tuple[str, int, int]]]:
    """Aliases inside the command substitutions of a word (``$( )`` and backquotes, in or out of double quotes),
    which the shell expands when it reads them."""
    out: list[str] = []
    words: list[tuple[str, int, int]] = []
    i, n, in_double = 0, len(word), False
    while i < n:
        c = word[i]
        if c == "\\":
            out.append(word[i : i + 2])
            i += 2
        elif c == "'" and not in_double:
            end = skip_quoted(word, i)
            out.append(word[i:end])
            i = end
        elif c == '"':
            in_double = not in_double
            out.append(c)
            i += 1
        elif (c == "$" and word[i + 1 : i + 2] == "(" and word[i + 2 : i + 3] != "(") or c == "`":
            end = skip_quoted(word, i)
            opener, closer = ("$(", ")") if c == "$" else ("`", "`")
            inner = word[i + len(opener) : end - 1] if word[end - 1 : end] == closer else word[i + len(opener) : end]
            expanded, inner_words = expand_aliases(inner, aliases, globals_, suffix_aliases=suffixes)
            base = sum(len(piece) for piece in out) + len(opener)
            words.extend((name, base + a, base + b) for name, a, b in inner_words)
            out.append(opener + expanded + (closer if word[end - 1 : end] == closer else ""))
            i = end
        else:
            out.append(c)
            i += 1
    return "".join(out), words


def _skip_redirection(text: str, i: int) -> int:
    """Past a redirection operator and its target word (the target is never an alias)."""
    n = len(text)
    while i < n and text[i] in "<>&|-":
        i += 1
    while i < n and text[i] in " \t":
        i += 1
    if i < n and text[i] not in _METACHARS:
        i, _ = _word_end(text, i)
    return i


def _blocked(scan: _Scan, position: int, word: str) -> bool:
    return any(start <= position < end and name == word for start, end, name in scan.blocked)


def _splice(scan: _Scan, start: int, end: int, word: str, value: str) -> None:
    delta = len(value) - (end - start)
    shifted = []
    for b_start, b_end, name in scan.blocked:
        if b_start >= end:
            shifted.append((b_start + delta, b_end + delta, name))
        elif b_end >= end:
            shifted.append((b_start, b_end + delta, name))
        else:
            shifted.append((b_start, b_end, name))
    shifted.append((start, start + len(value), word))
    scan.blocked = shifted
    scan.text = scan.text[:start] + value + scan.text[end:]
    scan.expansions += 1


# ---------------------------------------------------------------------------------------------------------------
# Functions: the shell's definitions are judged before the line, as the engine judges a text that defines and
# calls them (it follows each call with its arguments: shift, ${@:2}, a split $1, nested calls)

#: The guard's own shell functions (shell-hooks/sudo-function.sh), by exact name: a call of ``sudo`` is judged as
#: the sudo command it stands for (the function hands it to tenmon-sudo, whose door checks it again as root), not
#: by the function's body, which would only add a warning to every sudo. A name, not a text in a body: a user's
#: function whose body mentions ``__tg_`` or ``tenmon-sudo`` is judged like any other.
GUARD_FUNCTIONS = frozenset({"sudo", "sudoedit", "_tenmon_sudo_path"})
# How much sooner than the shell stops waiting (``--timeout``) the checker answers a line it has not decided, and
# the least time it takes to decide one: a line it is still judging when the shell gives up is not only unchecked,
# it holds the checker, so the next line waits behind it and goes unchecked too (with nvm loaded, every ``nvm``
# line was so: 119 function bodies judged anew at each Enter, 5 to 10 s).
ANSWER_MARGIN = 1.0
LEAST_DEADLINE = 0.5
#: Words that may name a function, as the bash hook's scan (``__tg_scan_words``) splits a text.
_NAME_WORDS = re.compile(r"""[^\s;&|(){}<>`"'$=]+""")


@record
class Definitions:
    """Function definitions, one text judged before the line, and where each one is in it."""

    text: str
    regions: tuple[tuple[str, int, int], ...] = ()

    def owner(self, offset: int) -> str | None:
        """The function whose definition holds ``offset``."""
        return next((name for name, start, end in self.regions if start <= offset < end), None)


def definition_text(name: str, body: str) -> str:
    """A definition the parsers read: bash sends what ``declare -f`` prints (``f () \\n{ ...}``), zsh the body
    alone (``$functions[f]``), which is put in a definition of that name."""
    if body.startswith(f"{name} () \n"):
        return body
    return f"{name} () \n{{\n{body}\n}}"


def definitions(functions: Mapping[str, str], names: set[str] | None = None) -> Definitions:
    """The definitions of ``names`` (default: all) of the shell's functions, in the order the shell sent them."""
    parts: list[str] = []
    regions: list[tuple[str, int, int]] = []
    at = 0
    for name, body in functions.items():
        if names is not None and name not in names:
            continue
        text = definition_text(name, body) + "\n"
        regions.append((name, at, at + len(text)))
        parts.append(text)
        at += len(text)
    return Definitions("".join(parts), tuple(regions))


def called_functions(models: list[Any], functions: Mapping[str, str]) -> dict[str, tuple[int, int]]:
    """The shell functions the line may run, each with the span of the call on the line that reaches it.

    A call is a command of the line named as a function (``$x`` with ``x=f`` too: the model knows its value), or a
    word given to such a call (``f g ARGS`` may run g); a function runs the functions its definition names. More
    than runs is fine (their definitions are only judged); ``type f``, ``unset -f f``, ``echo f`` do not count, so
    a body that is not run does not block the line that removes it. A function's name may look like a path
    (``/bin/ls() { ...; }``: the command ``/bin/ls`` runs it), which the model names by its last part: the word
    as written counts too, and so does a name that is a glob (``xa*b``: with no file to match, bash runs the
    function of that name)."""
    calls: dict[str, tuple[int, int]] = {}
    for model in models:
        for inv in model.invocations:
            if inv.name not in functions and not (inv.argv and _named(inv.argv[0], functions)):
                continue
            span = (inv.span.start, inv.span.end)
            for word in inv.argv:
                for name in _named(word, functions):
                    calls.setdefault(name, span)
    waiting = list(calls)
    while waiting:
        name = waiting.pop()
        for word in _NAME_WORDS.findall(functions[name]):
            if word in functions and word not in calls:
                calls[word] = calls[name]
                waiting.append(word)
    return calls


def _definitions_not_run(guard: Any, text: str, context: Any) -> list[tuple[Any, ...]]:
    """Where the definitions are whose bodies, as read there, stand for nothing the line runs, by each parser's
    reading (CommandModel.definitions_not_run); the models are the check's own, kept (Guard.models). None when the
    models cannot be made."""
    try:
        return [model.definitions_not_run for model in guard.models(text, context)]
    except Exception:  # (the check has told it: a guard error)
        return []


def _named(word: Any, functions: Mapping[str, str]) -> list[str]:
    """The functions a word names: by its value, or as written when its value is not known (a glob)."""
    value = word.value
    if value is not None:
        return [value] if value in functions else []
    return [word.text] if word.text in functions else []


def judge_line(
    guard: Any,
    line: str,
    functions: Mapping[str, str],
    context: Any,
) -> list[Any]:
    """The findings on ``line`` with the definitions of the shell functions it calls judged before it (none: the
    line alone). A finding in a definition points at the call on the line that reaches it; the engine follows each
    call with its arguments, which keep what produced them (``stopit $(pgrep -f dist/index.js)``)."""
    own = {name: body for name, body in functions.items() if name not in GUARD_FUNCTIONS}
    if not own:
        return list(guard.check(line, context).findings)
    try:
        calls = called_functions(guard.models(line, context), own)
    except Exception:  # the check below says what cannot be read; here every function sent may run
        calls = dict.fromkeys(own, (0, len(line)))
    if not calls:
        return list(guard.check(line, context).findings)
    from tenmon_guard.matcher import GUARD_ERROR, UNREAD
    from tenmon_guard.model import offset_within

    defs = definitions(own, set(calls))
    offset = len(defs.text)
    findings: list[Any] = []
    text = defs.text + line
    context = dataclasses.replace(context, prompt_definitions=offset)
    verdict = guard.check(text, context)
    not_run = _definitions_not_run(guard, text, context)
    for finding in verdict.findings:
        start, end = finding.span
        if start >= offset:
            findings.append(dataclasses.replace(finding, span=(start - offset, end - offset)))
            continue
        name = defs.owner(start)
        if (
            not_run
            and all(offset_within(start, spans) for spans in not_run)
            and finding.rule not in (UNREAD, GUARD_ERROR)
        ):
            # what the guard cannot read, or failed on, may be what any call runs
            continue  # (a body the line does not run as it was read where defined: f --version with f's kill arm)
        span = calls.get(name or "", (0, len(line)))
        message = f"(function {name}) {finding.message}" if name else finding.message
        findings.append(dataclasses.replace(finding, message=message, span=span))
    return findings


# ---------------------------------------------------------------------------------------------------------------
# Judging


#: Findings already computed for a text and the function bodies sent with it, within one request.
Judged = dict[tuple[str, tuple[tuple[str, str], ...]], list[Any]]


def judged(guard: Any, text: str, functions: Mapping[str, str], context: Any, memo: Judged | None) -> list[Any]:
    """:func:`judge_line`, once per text and bodies in a request (``memo``): the zsh door's readings are often the
    same text (a line in zsh's syntax with no zsh expansion: the syntax reading is the zsh reading)."""
    if memo is None:
        return judge_line(guard, text, functions, context)
    key = (text, tuple(sorted(functions.items())))
    if key not in memo:
        memo[key] = judge_line(guard, text, functions, context)
    return memo[key]


def zsh_findings(
    guard: Any,
    line: str,
    functions: Mapping[str, str],
    context: Any,
    bash: list[Any],
    memo: Judged | None = None,
    at_prompt: bool = False,
) -> list[Any]:
    """The findings on what zsh runs for ``line``, when zsh reads it otherwise than bash and that reading is the
    stricter (``a=(pkill node); $a`` runs ``pkill node`` in zsh, ``pkill`` in bash). The bash text of zsh's
    reading (:mod:`tenmon_guard.zshread`) is judged; its findings point at the whole line (their spans are in the
    other text). ``bash``: the findings of bash's reading, which stand whatever this adds (a zsh with SH_WORD_SPLIT
    or KSH_ARRAYS set reads like bash); when they block, nothing is stricter and zsh's reading is not judged.
    ``at_prompt``: ``line`` is a whole line typed at the prompt (:func:`tenmon_guard.zshread.zsh_reading`); the
    bodies of the functions never are (what calls them may pipe what they print)."""
    from tenmon_guard.verdict import Decision
    from tenmon_guard.zshread import zsh_reading

    strictest = max((f.decision for f in bash), default=Decision.ALLOW)
    if strictest >= Decision.BLOCK:
        return []
    reading = zsh_reading(line, at_prompt)
    bodies = {name: zsh_reading(body) for name, body in functions.items()}
    if reading == line and bodies == dict(functions):
        return []
    found = judged(guard, reading, bodies, context, memo)
    if max((f.decision for f in found), default=Decision.ALLOW) <= strictest:
        return []
    whole = (0, len(line))
    note = f"(as zsh reads it: {reading}) " if reading != line else "(as zsh reads it) "
    return [dataclasses.replace(f, message=note + f.message, span=whole, at=None) for f in found]


def zsh_builtin_findings(
    guard: Any,
    line: str,
    functions: Mapping[str, str],
    context: Any,
    bash: list[Any],
    memo: Judged | None = None,
    at_prompt: bool = False,
) -> list[Any]:
    """bash's reading of a line that runs zsh's own builtins (``print``, ``hash NAME=PATH``, ``setopt``, ``zf_rm``:
    :func:`tenmon_guard.zshread.zsh_builtins_reading`), where it was a doubt: the findings on the line with those
    builtins written as what they do, their words still read as bash reads them. No option makes zsh run
    ``print`` as a program (bash's reading took it for one whose output is not known: ``print 'echo a' > f; sh f``
    was a doubt). The line as bash reads it stands where it blocks, is allowed, or where this does not read."""
    from tenmon_guard.verdict import Decision

    if max((f.decision for f in bash), default=Decision.ALLOW) != Decision.WARN:
        return bash
    from tenmon_guard.zshread import zsh_builtins_reading

    def read_line(text: str) -> str:
        return zsh_builtins_reading(text, at_prompt)

    label = "zsh's builtins read"
    return _other_reading(guard, line, functions, context, bash, memo, read_line, label, zsh_builtins_reading)


def zsh_syntax_findings(
    guard: Any, line: str, functions: Mapping[str, str], context: Any, bash: list[Any], memo: Judged | None = None
) -> list[Any]:
    """bash's reading of a line in zsh's own syntax (``sleep 1 &!``, ``for f (*.log) gzip $f``, ``rm *.tmp(N)``),
    which the parsers cannot read (``bash``: their findings, an ``unread`` among them): the findings on the same
    line with that syntax written as bash's (:mod:`tenmon_guard.zshsyntax`), its expansions still read as bash
    reads them; ``bash`` itself when the translation does not read either.

    Why this may replace the refusal: text the parsers cannot read is not a line bash would run, and no zsh option
    makes zsh run a bash reading of it (there is none); what runs is zsh's reading of its syntax, which the
    translation writes out running at least every command zsh runs, with every argument that can name a path or
    a process. The options that make zsh expand like bash (SH_WORD_SPLIT, KSH_ARRAYS) are what this reading keeps;
    zsh's own expansions are judged besides (:func:`zsh_findings`), and the stricter verdict stands as before."""
    if not any(f.rule == "unread" for f in bash):
        return bash
    from tenmon_guard.zshread import zsh_syntax_reading

    return _other_reading(guard, line, functions, context, bash, memo, zsh_syntax_reading, "as zsh reads it")


def _other_reading(
    guard: Any,
    line: str,
    functions: Mapping[str, str],
    context: Any,
    bash: list[Any],
    memo: Judged | None,
    read: Callable[[str], str],
    label: str,
    read_body: Callable[[str], str] | None = None,
) -> list[Any]:
    """The findings on ``read``'s text of the line and of the function bodies sent with it, each message telling
    that reading (``label``), placed on the whole line; ``bash`` where the reading changes nothing or does not read
    either. ``read_body``: how a body is read, when not as the line is."""
    text = read(line)
    bodies = {name: (read_body or read)(body) for name, body in functions.items()}
    if text == line and bodies == dict(functions):
        return bash
    found = judged(guard, text, bodies, context, memo)
    if any(f.rule == "unread" for f in found):
        return bash
    note = f"({label}: {text.strip()}) "
    return [dataclasses.replace(f, message=note + f.message, span=(0, len(line)), at=None) for f in found]


def is_incomplete(text: str) -> bool:
    """Whether an interactive shell would ask for more input (PS2) after this text. ``bash -n`` reads it without
    running anything; zsh's ``-n`` does not tell an unfinished text from a wrong one, and for these constructs
    the two shells agree."""
    if _TRAILING_BACKSLASH.search(text):
        return True
    try:
        done = subprocess.run(
            ["bash", "-n"],
            input=(text + "\n").encode("utf-8", errors="surrogateescape"),
            capture_output=True,
            timeout=5,
            env={"LC_ALL": "C", "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    err = done.stderr.decode("utf-8", errors="replace")
    if done.returncode != 0:
        return "unexpected end of file" in err or "unexpected EOF" in err
    return "delimited by end-of-file" in err


class Checker:
    """One loaded policy and the shell-facing logic around :class:`Guard`."""

    def __init__(self, guard: Any, door: str, shell: str = "bash", timeout: float = 0.0) -> None:
        """``timeout``: how long the shell waits for an answer (0: as long as it takes); a line not decided
        :data:`ANSWER_MARGIN` seconds before then is answered as not known (:meth:`judge`)."""
        self.guard = guard
        self.door = door
        self.shell = shell
        self.deadline = max(timeout - ANSWER_MARGIN, LEAST_DEADLINE) if timeout > 0 else 0.0
        self.served = 0
        self.total_ms = 0.0
        self.started = time.time()

    def judge(self, request: Request) -> Outcome:
        from tenmon_guard.engine import Context
        from tenmon_guard.verdict import Decision, decide

        began = time.perf_counter()
        context = Context(
            door=request.door,
            cwd=request.cwd,
            proc_root=_proc_root(request.door),
            disk=request.door in _ON_THIS_MACHINE,
            shell=self.shell,  # the interactive shell reads ``(( ))`` as arithmetic, as bash does
            home=request.home,
            cdpath=request.cdpath,
            options=request.options,
            variables=request.variables,
            dirstack=request.dirstack,
            oldpwd=request.oldpwd,
            left=request.left,
            hashed=request.hashed,
            registered=request.registered,
            limits=request.limits,
            attributes=request.attributes,
            namerefs=request.namerefs,
        )
        expanded, command_words = expand_aliases(
            request.command,
            request.aliases,
            request.global_aliases,
            parsed_command_spans(self.guard, context),
            request.suffix_aliases,
        )
        functions = request.functions
        if self.shell == "zsh" and functions:
            from tenmon_guard.zshfunctions import known_functions

            functions = known_functions(functions, expanded)  # zsh's own zmv, run-help...: as what they do
        from tenmon_guard import deadline

        try:
            with deadline.within(self.deadline):
                findings = self._findings(expanded, functions, context, request.hint)
        except deadline.DeadlineExceeded as late:
            findings = [self._undecided(expanded, functions, late.seconds)]
        verdict = decide(expanded, findings)
        trace = any(name in TRACE_COMMANDS for name, _, _ in command_words)
        decision = verdict.decision.label
        if verdict.decision == Decision.BLOCK and self._only_unread(verdict) and self._incomplete(expanded):
            decision = "incomplete"
        elapsed = (time.perf_counter() - began) * 1000
        self.served += 1
        self.total_ms += elapsed
        return Outcome(decision, verdict.to_json(), expanded, trace, elapsed)

    def _findings(self, expanded: str, functions: Mapping[str, str], context: Any, hint: str | None) -> list[Any]:
        findings = judge_line(self.guard, expanded, functions, context)
        if self.shell == "zsh":
            memo: Judged = {}
            # the whole line from the prompt's widgets; zle-line-finish, preexec and the DEBUG trap (one command
            # of a line, whose output the line may pipe) ask with the hint history
            at_prompt = hint in ("prompt", "next")
            findings = zsh_builtin_findings(self.guard, expanded, functions, context, findings, memo, at_prompt)
            findings = zsh_syntax_findings(self.guard, expanded, functions, context, findings, memo)
            findings += zsh_findings(self.guard, expanded, functions, context, findings, memo, at_prompt)
        return findings

    def _undecided(self, line: str, functions: Mapping[str, str], seconds: float) -> Any:
        """The finding for a line not decided in time: what it runs is not known, and the policy's ``unknown``
        setting for the door decides, as when no answer comes at all (the README's "Never hangs the prompt")."""
        from tenmon_guard.matcher import UNKNOWN_COMMAND
        from tenmon_guard.verdict import Decision, Finding

        own = [name for name in functions if name not in GUARD_FUNCTIONS]
        called = f" (with the {len(own)} shell functions it may call)" if own else ""
        message = (
            f"the checker did not finish judging this line within {seconds:g} s{called}: what it runs is not known"
        )
        decision = self.guard.policy.settings.unknown.get(self.door, Decision.WARN)
        return Finding(UNKNOWN_COMMAND, decision, message, None, (0, len(line)))

    def prefetch(self, text: object, hint: object = None) -> None:
        """Read ``text`` with both parsers ahead of its request, while the shell is still gathering its state (the
        zsh hook sends the line first, then spends most of a millisecond on the aliases, functions and variables it
        names): the request's check then finds the parse done. This only fills the parsers' own cache of their last
        text (:class:`tenmon_guard.engine._LazyBackend`), which is keyed on everything a parse depends on (the
        text, the inert commands, where the input ends) and whose results are never changed, so a check gets the
        same reading it would make itself: a verdict cannot change, only its time. The calls are those a hook
        request's check makes first (its context leaves out nothing inert and asks both parsers). For zsh, zsh's
        reading of the text is made too (:func:`tenmon_guard.zshread.zsh_reading`, kept for its arguments: a
        pure function of them), as the request's ``hint`` will ask for it. Nothing is answered; an error here
        is the check's to report."""
        if not isinstance(text, str):
            return
        from tenmon_guard.engine import parse_bashlex_first, parse_tree_sitter_first

        with contextlib.suppress(Exception):
            parse_tree_sitter_first(text)
            parse_bashlex_first(text)
            if self.shell == "zsh":
                from tenmon_guard.zshread import zsh_reading

                zsh_reading(text, hint in ("prompt", "next"))

    def _incomplete(self, text: str) -> bool:
        """Whether the shell will ask for more of this text (the hook then lets it read on). For zsh, zsh's
        grammar decides (``{ pkill node }`` is complete in zsh, unfinished for ``bash -n``: the hook let zsh run
        it). A line zsh is about to run is complete whatever the answer: the zsh hook's preexec and DEBUG trap
        refuse an ``incomplete`` (its zle-line-finish hook asks with the same hint about a line zsh may still
        continue, ``for i in 1 2; do``: there it must stay incomplete)."""
        if self.shell != "zsh":
            return is_incomplete(text)
        from tenmon_guard.zshsyntax import unfinished, zsh_syntax

        return unfinished(text) or is_incomplete(zsh_syntax(text))

    @staticmethod
    def _only_unread(verdict: Any) -> bool:
        from tenmon_guard.verdict import Decision

        return all(f.rule == "unread" for f in verdict.findings if f.decision == Decision.BLOCK)


# Doors whose command runs on this machine right after the check: its /proc and its disk are the command's.
_ON_THIS_MACHINE = ("hook", "sudo", "agent")


def _proc_root(door: str) -> str | None:
    return "/proc" if door in _ON_THIS_MACHINE and os.path.isdir("/proc/self") else None


def audit(request: Request, outcome: Outcome, shell: str) -> None:
    """Warn and block decisions go to the audit log (allow and incomplete do not: they are not decisions)."""
    if not request.audit or outcome.decision not in ("warn", "block"):
        return
    from tenmon_guard import audit as audit_log

    extra: dict[str, Any] = {"shell": shell, "shell_pid": os.getppid()}
    if outcome.expanded != request.command:
        extra["expanded"] = outcome.expanded
    rules = [str(f["rule"]) for f in outcome.verdict["findings"]]
    audit_log.record(request.door, request.command, outcome.decision, rules, cwd=request.cwd, extra=extra)


# ---------------------------------------------------------------------------------------------------------------
# Replies


def shell_escape(text: str) -> str:
    """For ``printf %b`` in bash and zsh, on one line with no field separator."""
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace(SEP, " ").replace("\0", "")


def first_suggestion(verdict: Mapping[str, Any]) -> str:
    for finding in verdict["findings"]:
        if finding["decision"] == "block" and finding.get("suggestion"):
            return str(finding["suggestion"])
    for finding in verdict["findings"]:
        if finding.get("suggestion"):
            return str(finding["suggestion"])
    return ""


def confirm_tokens(verdict: Mapping[str, Any]) -> list[str]:
    """The tokens to type when every blocking finding asks for a confirmation (else none: a plain block)."""
    blocking = [f for f in verdict["findings"] if f["decision"] == "block"]
    if not blocking or any(not f.get("confirm") for f in blocking):
        return []
    tokens: list[str] = []
    for finding in blocking:
        token = "".join(str(finding["confirm"]).split())
        if token not in tokens:
            tokens.append(token)
    return tokens


def shell_reply(request: Request, outcome: Outcome) -> str:
    from tenmon_guard.render import render_ansi

    verdict = outcome.verdict
    message = ""
    suggestion = first_suggestion(verdict)
    hint = request.hint if outcome.decision == "block" else ""
    if hint == "prompt" and not suggestion:
        hint = "kept"
    if hint in ("history", "next") and not suggestion:
        hint = ""
    if outcome.decision in ("warn", "block"):
        message = render_ansi(verdict, color=request.color, original=request.command, hint=hint)
    rules = " ".join(str(f["rule"]) for f in verdict["findings"])
    fields = [
        str(request.id),
        outcome.decision,
        "t" if outcome.trace else "",
        shell_escape(suggestion),
        " ".join(confirm_tokens(verdict)),
        shell_escape(rules),
        shell_escape(message),
    ]
    return SEP.join(fields) + "\n"


def json_reply(request: Request, outcome: Outcome) -> str:
    reply = dict(outcome.verdict)
    reply["id"] = request.id
    if outcome.decision == "incomplete":
        reply["incomplete"] = True
    if outcome.expanded != request.command:
        reply["expanded"] = outcome.expanded
    if outcome.trace:
        reply["trace"] = True
    return json.dumps(reply, ensure_ascii=True) + "\n"


def error_reply(request_id: Any, message: str, shell_format: bool) -> str:
    if shell_format:
        return SEP.join([str(request_id), "error", "", "", "", "guard-error", shell_escape(message)]) + "\n"
    return json.dumps({"id": request_id, "error": message}, ensure_ascii=True) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# The loop


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_policy_arguments(parser)
    parser.add_argument("--door", choices=DOORS, default="hook", help="judge as this door would (default: hook)")
    parser.add_argument("--format", choices=("json", "shell"), default="json", help="reply format")
    parser.add_argument(
        "--shell", default="bash", help="the shell this checker serves (how it reads a line; for the audit log)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="how long the shell waits for an answer: a line not decided a second before is answered as not known "
        "(the policy's unknown setting decides), so the checker is free for the next one (default: no limit)",
    )


def run(args: argparse.Namespace) -> int:
    shell_format = args.format == "shell"
    out = sys.stdout
    try:
        from tenmon_guard.engine import Guard

        policy = load_from_args(args)
        guard = Guard(policy)
        checker = Checker(guard, args.door, args.shell, max(args.timeout, 0.0))
        checker.judge(Request(id=0, command="true", cwd="/", door=args.door, audit=False))  # warm the parsers
    except PolicyError as error:
        _write(out, startup_error("; ".join(error.messages), shell_format))
        return EXIT_ERROR
    except TenmonGuardError as error:
        _write(out, startup_error(str(error), shell_format))
        return EXIT_ERROR
    except Exception as error:  # the shell shows this line; a traceback would say less
        _write(out, startup_error(f"internal error: {type(error).__name__}: {error}", shell_format))
        return EXIT_ERROR
    scratch = _scratch_file() if shell_format and args.shell == "bash" else None
    _leave_the_start_directory()
    _write(out, ready_line(policy, args.door, shell_format, scratch.fileno() if scratch else None))
    serve_loop(checker, sys.stdin.buffer, out, shell_format, args.shell)
    return EXIT_OK


def _leave_the_start_directory() -> None:
    """Work in /, not where the shell was when it started the checker: each request names its own cwd, and the
    directory held kept its file system busy for as long as the checker ran (a checker started again in a shell
    sitting on a mounted disk: ``umount`` of it said "target is busy"). An audit log the environment names by a
    relative path (read at each record) is made absolute first, so it stays the file it named."""
    from tenmon_guard.audit import ENV_PATH

    configured = os.environ.get(ENV_PATH)
    if configured and not os.path.isabs(configured):
        os.environ[ENV_PATH] = os.path.abspath(configured)
    with contextlib.suppress(OSError):
        os.chdir("/")


def _scratch_file() -> IO[bytes] | None:
    """A file with no name, open for as long as the checker runs, that the bash hook writes and reads again through
    ``/proc/PID/fd/N``: how it reads the bodies of the functions a line calls (``declare -f`` prints them; into a
    file it costs no fork, where ``$(declare -f ...)`` forks the shell, about a millisecond at each Enter that
    calls a function). Private to this user (0600) and gone with the checker. None where no such file can be had;
    the hook then forks."""
    import tempfile

    try:
        return tempfile.TemporaryFile()
    except OSError:
        return None


def startup_error(message: str, shell_format: bool) -> str:
    """Instead of the ready line: why the checker cannot serve (a bad policy, most often)."""
    if shell_format:
        return SEP.join(["error", shell_escape(message)]) + "\n"
    return json.dumps({"ready": False, "error": message}, ensure_ascii=True) + "\n"


def ready_line(policy: Any, door: str, shell_format: bool, scratch: int | None = None) -> str:
    """``scratch``: the descriptor of the checker's scratch file (see _scratch_file), the shell format's last field."""
    from tenmon_guard import __version__

    unknown = policy.settings.unknown.get(door)
    unknown_label = unknown.label if unknown is not None else "warn"
    sources = [str(s) for s in policy.sources]
    if shell_format:
        fields = ["ready", str(os.getpid()), unknown_label, ":".join(sources), __version__, sys.executable]
        fields.append("" if scratch is None else str(scratch))
        return SEP.join(shell_escape(f) for f in fields) + "\n"
    info = {"ready": True, "pid": os.getpid(), "unknown": unknown_label, "policies": sources, "version": __version__}
    return json.dumps(info) + "\n"


def serve_loop(checker: Checker, stream: IO[bytes], out: IO[str], shell_format: bool, shell: str) -> None:
    """Requests in, replies out. A request may announce raw frames that follow it: the command text
    (``command_frame``) and function bodies (``function_frames``: names, one frame each, in order)."""
    raw: dict[str, Any] | None = None
    command: str | None = None
    functions: dict[str, str] = {}
    waiting: list[str] = []
    for frame in frames(stream, os.getppid()):
        text = frame.decode("utf-8", errors="surrogateescape")
        if raw is not None and waiting:
            what = waiting.pop(0)
            if what == "\0command":
                command = strip_fc(text) if raw.get("strip") == "fc" else text
            else:
                functions[what] = text
            if not waiting:
                _answer(checker, {**raw, "functions": functions}, command or "", out, shell_format, shell)
                raw = None
            continue
        try:
            raw = json.loads(text, strict=False)
            if not isinstance(raw, dict):
                raise ValueError("a request is a JSON object")
        except ValueError as error:
            raw = None
            _write(out, error_reply(None, f"bad request: {error}", shell_format))
            continue
        if raw.get("op") in ("ping", "status"):
            _write(out, status_reply(checker, raw, shell_format))
            raw = None
            continue
        if raw.get("op") == "prefetch":  # (no reply: see Checker.prefetch)
            checker.prefetch(raw.get("command"), raw.get("hint"))
            raw = None
            continue
        names = raw.get("function_frames")
        waiting = [str(n) for n in names] if isinstance(names, list) else []
        functions = _text_map(raw.get("functions"))
        command = raw.get("command") if isinstance(raw.get("command"), str) else None
        if raw.get("command_frame"):
            waiting.insert(0, "\0command")
        if waiting:
            continue
        if command is None:
            _write(out, error_reply(raw.get("id"), "bad request: no string 'command'", shell_format))
        else:
            _answer(checker, raw, command, out, shell_format, shell)
        raw = None


def _answer(checker: Checker, raw: dict[str, Any], command: str, out: IO[str], shell_format: bool, shell: str) -> None:
    try:
        request = parse_request(raw, command, checker.door)
        outcome = checker.judge(request)
        audit(request, outcome, shell)
        _write(out, shell_reply(request, outcome) if shell_format else json_reply(request, outcome))
    except Exception as error:  # never die on one request: the shell would fall back for every line after it
        _write(out, error_reply(raw.get("id"), f"internal error: {type(error).__name__}: {error}", shell_format))


def status_reply(checker: Checker, raw: Mapping[str, Any], shell_format: bool) -> str:
    mean = checker.total_ms / checker.served if checker.served else 0.0
    if shell_format:
        fields = [
            str(raw.get("id")),
            "pong",
            str(checker.served),
            f"{mean:.2f}",
            f"{time.time() - checker.started:.0f}",
        ]
        return SEP.join(fields) + "\n"
    info = {"id": raw.get("id"), "pong": True, "served": checker.served, "mean_ms": round(mean, 3)}
    return json.dumps(info) + "\n"


def _write(out: IO[str], line: str) -> None:
    out.write(line)
    out.flush()
