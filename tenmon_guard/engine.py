"""The one entry point every door calls: text (or argv, or a path written directly) plus context in, verdict out.

Both parsers read a command line that is about to run; a violation that either shows is blocked, so a parser
differential is never a way around the guard. The linter may ask for tree-sitter alone (``both_parsers=False``).
What tree-sitter leaves unread is re-read by bashlex statement by statement, and the reverse.
"""

from __future__ import annotations

import dataclasses
import shlex
from collections.abc import Mapping, Sequence
from typing import Any

from tenmon_guard import cycles
from tenmon_guard.backends.inert import NOTHING_INERT, InertCommands
from tenmon_guard.builder import DECODING_ECHO_SHELLS, TRACKED_BUILTINS, Builder, ParseFn
from tenmon_guard.frozen import record
from tenmon_guard.knowledge import load_knowledge
from tenmon_guard.matcher import GUARD_ERROR, Hit, MatchContext, Matcher
from tenmon_guard.model import CommandModel, ShellAtStart, Span
from tenmon_guard.paths import DiskMemo
from tenmon_guard.policy.types import Policy
from tenmon_guard.spans import shift
from tenmon_guard.syntax import ParsedScript, UnreadSyntax
from tenmon_guard.verdict import Decision, Finding, Verdict, decide


@record
class Context(ShellAtStart):
    """Where the command runs: the shell it starts in (what :class:`ShellAtStart` holds, as the builder reads it),
    and how it is checked. ``door`` selects the per-door settings (unknown/unread decisions); ``script_path`` is
    the file being linted (for ``exempt_paths``); ``proc_root`` lets literal PIDs be looked up (``/proc``).
    ``placing``: the caller places each finding on a line of the text (the linter), so a finding in nested shell
    text carries where its command is written (``Finding.at``) and findings that differ only there are kept
    apart."""

    door: str = "check"
    script_path: str | None = None
    both_parsers: bool = True
    proc_root: str | None = None
    disk: bool = False  # the command runs on this machine now: symlinks on its disk count (paths.disk_reach)
    findings_only: bool = False  # the caller wants findings, not the whole model: inert statements may be left out
    placing: bool = False


def shell_state(request: Mapping[str, object]) -> dict[str, Any]:
    """The shell's state a JSON request sends (the hooks' ``serve`` and ``check --batch --requests json`` alike), as
    :class:`Context` fields: ``home`` (absolute), ``cdpath``, ``options`` (a list of names), ``variables`` (names to
    string values, ``exported`` naming some of them), ``dirstack`` (the directory stack below the cwd, top first:
    absolute paths), ``oldpwd`` and ``left`` (absolute), ``hashed`` (names to absolute paths), ``limits``
    (ulimit's letters to finite soft limits), ``attributes`` (names to letters of ``luci``), ``namerefs`` (names
    to the variables they refer to). A field missing or not of its form is left out: the builder then
    takes it as not known."""
    state: dict[str, Any] = {}
    home, cdpath, options = request.get("home"), request.get("cdpath"), request.get("options")
    if isinstance(home, str) and home.startswith("/"):
        state["home"] = home
    for name in ("oldpwd", "left"):
        value = request.get(name)
        if isinstance(value, str) and value.startswith("/"):
            state[name] = value
    registered = request.get("registered")
    if isinstance(registered, list):
        state["registered"] = tuple(sorted({r for r in registered if isinstance(r, str) and r}))
    hashed = request.get("hashed")
    if isinstance(hashed, dict):
        pairs = ((k, v) for k, v in hashed.items() if isinstance(v, str) and v.startswith("/") and "/" not in k)
        state["hashed"] = tuple(sorted(pairs))
    if isinstance(cdpath, str) and cdpath:
        state["cdpath"] = cdpath
    if isinstance(options, list):
        state["options"] = frozenset(o for o in options if isinstance(o, str))
    attributes = request.get("attributes")
    if isinstance(attributes, dict):  # (name -> the letters of lucI it has: case conversions, integer)
        pairs = ((k, v) for k, v in attributes.items() if isinstance(k, str) and isinstance(v, str) and v)
        state["attributes"] = tuple(sorted((k, v) for k, v in pairs if set(v) <= set("luci")))
    namerefs = request.get("namerefs")
    if isinstance(namerefs, dict):  # (name -> the variable it refers to)
        state["namerefs"] = tuple(
            sorted((k, v) for k, v in namerefs.items() if isinstance(k, str) and isinstance(v, str))
        )
    limits = request.get("limits")
    if isinstance(limits, dict):  # (ulimit's letter -> a finite soft limit: t, v, d)
        given = [(k, v) for k, v in limits.items() if k in ("t", "v", "d") and isinstance(v, str) and v.isdigit()]
        if given:
            state["limits"] = tuple(sorted(given))
    values, exported = request.get("variables"), request.get("exported")
    if isinstance(values, dict):
        marked = set(exported) if isinstance(exported, list) else set()
        state["variables"] = tuple(
            sorted((name, value, name in marked) for name, value in values.items() if isinstance(value, str))
        )
    stack = request.get("dirstack")
    if (
        isinstance(stack, list)
        and len(stack) <= _STACK_SENT
        and all(isinstance(entry, str) and entry.startswith("/") and "\0" not in entry for entry in stack)
    ):
        state["dirstack"] = tuple(stack)
    return state


# a deeper stack is taken as not known rather than read whole on every line (bash's is as deep as pushd made it)
_STACK_SENT = 256


class _LazyBackend:
    """A backend imported on first use: the sudo door's ``exec -- true`` needs no parser at all, and bashlex is
    loaded through :mod:`tenmon_guard.backends.bashlex_tables` (precomputed tables, no 80 ms rebuild)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._backend: Any = None
        # a ParsedScript is never changed
        self._last: tuple[tuple[str, InertCommands, bool], ParsedScript] | None = None

    def parse(self, text: str, inert: InertCommands = NOTHING_INERT, *, ends_input: bool = False) -> ParsedScript:
        """``ends_input`` (tree-sitter only): see TreeSitterBackend.parse."""
        if self._backend is None:
            if self.name == "bashlex":
                from tenmon_guard.backends.bashlex_tables import import_bashlex

                import_bashlex()
                from tenmon_guard.backends.bashlex_backend import BashlexBackend

                self._backend = BashlexBackend()
            else:
                from tenmon_guard.backends.treesitter_backend import TreeSitterBackend

                self._backend = TreeSitterBackend()
        key = (text, inert, ends_input)
        if self._last is not None and self._last[0] == key:
            return self._last[1]  # both readings of one check ask tree-sitter for the same text
        result: ParsedScript
        if ends_input and self.name != "bashlex":
            result = self._backend.parse(text, inert, ends_input=True)
        else:
            result = self._backend.parse(text, inert) if inert else self._backend.parse(text)
        self._last = (key, result)
        return result


_TREE_SITTER = _LazyBackend("tree-sitter")
_BASHLEX = _LazyBackend("bashlex")


def _reread(text: str, first: ParsedScript, other: _LazyBackend, ends_input: bool = False) -> ParsedScript:
    """Fill the regions ``first`` left unread with what the other parser reads of them."""
    if not first.unread:
        return first
    parse = other.parse
    nodes = list(first.nodes)
    unread: list[UnreadSyntax] = []
    for region in first.unread:
        piece = text[region.span.start : region.span.end]
        second = parse(piece, ends_input=ends_input and region.span.end == len(text))
        if second.unread or (not second.nodes and piece.strip() and not piece.lstrip().startswith("#")):
            unread.append(region)
            continue
        nodes.extend(shift(second.nodes, region.span.start))
    nodes.sort(key=lambda n: n.span.start)
    return ParsedScript(nodes=nodes, unread=unread, comments=first.comments)


def parse_tree_sitter_first(text: str, inert: InertCommands = NOTHING_INERT) -> ParsedScript:
    return _reread(text, _TREE_SITTER.parse(text, inert), _BASHLEX)


def parse_nested_tree_sitter_first(text: str, inert: InertCommands = NOTHING_INERT) -> ParsedScript:
    """For nested shell text (``bash -c TEXT``, eval's, a cron line's): it is all its shell reads, so a backslash
    that ends it is itself, where a line typed at a prompt that ends so is continued."""
    return _reread(text, _TREE_SITTER.parse(text, inert, ends_input=True), _BASHLEX)


def parse_bashlex_first(text: str, ends_input: bool = False) -> ParsedScript:
    """``ends_input``: nested text (see :func:`parse_nested_tree_sitter_first`)."""
    whole = _BASHLEX.parse(text)
    if not whole.unread:
        return whole
    # bashlex rejects the whole text for one statement it cannot read: read statement by statement,
    # using tree-sitter's statement boundaries, and leave to tree-sitter only what bashlex cannot read.
    ts = _TREE_SITTER.parse(text, ends_input=ends_input)
    nodes = []
    unread = list(ts.unread)
    for node in ts.nodes:
        piece = text[node.span.start : node.span.end]
        mine = _BASHLEX.parse(piece)
        if mine.unread:
            unread.append(UnreadSyntax(node.span, mine.unread[0].reason))
            continue
        nodes.extend(shift(mine.nodes, node.span.start))
    return _reread(text, ParsedScript(nodes=nodes, unread=unread), _TREE_SITTER, ends_input)


def parse_nested_bashlex_first(text: str, inert: InertCommands = NOTHING_INERT) -> ParsedScript:
    """Nested shell text, bashlex first (see :func:`parse_nested_tree_sitter_first`)."""
    return parse_bashlex_first(text, ends_input=True)


#: The definitions of a prompt's shell functions, as each parser read them alone (see _after_definitions).
_DEFINITIONS: dict[tuple[Any, str, InertCommands], ParsedScript] = {}
_DEFINITIONS_KEPT = 16


def _after_definitions(parse: Any, text: str, defined: int, inert: InertCommands = NOTHING_INERT) -> ParsedScript:
    """``parse(text)`` for a text whose first ``defined`` characters are the definitions of the shell functions a
    hook sent (the same few bodies at every Enter that calls them): those are read once and kept, the line after
    them is read on its own. Only definitions read whole are kept; a line is then read as a statement of its own,
    which is what it is after them (each definition ends with a newline). Definitions with text not read are read
    again with the line, as one text."""
    read: Any = (lambda piece: parse(piece, inert)) if inert else parse
    if not defined:
        return read(text)
    key = (parse, text[:defined], inert)
    head = _DEFINITIONS.get(key)
    if head is None:
        head = read(key[1])
        if head.unread:
            return read(text)
        if len(_DEFINITIONS) >= _DEFINITIONS_KEPT:
            _DEFINITIONS.clear()
        _DEFINITIONS[key] = head
    line = read(text[defined:])
    return ParsedScript(
        nodes=head.nodes + shift(line.nodes, defined),
        unread=shift(line.unread, defined),
        comments=head.comments + shift(line.comments, defined),
    )


class Guard:
    """A loaded policy, ready to judge commands. Build once, call many times (the long-lived checker does)."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.knowledge = load_knowledge()
        self.matcher = Matcher(policy, self.knowledge)
        silent = self.matcher.silent_commands(TRACKED_BUILTINS)
        self.inert = InertCommands(*silent) if silent is not None else NOTHING_INERT
        self._sh_inert = dataclasses.replace(self.inert, conditions=False)
        self._exempt_cache: dict[frozenset[str], Guard] = {}
        self._recent: tuple[str, Context, tuple[CommandModel, ...]] | None = None

    def models(self, text: str, context: Context = Context()) -> list[CommandModel]:
        """The model from each parser (tree-sitter first; bashlex second when both parsers are asked for).

        The last text's models are kept: the hook door reads a line's command words (for aliases and the shell
        functions it calls) and then checks the same line, and a model is immutable, so the second reading is free.
        """
        recent = self._recent
        if recent is not None and recent[0] == text and recent[1] == context:
            return list(recent[2])
        inert = self.inert if context.findings_only else NOTHING_INERT
        if inert and context.shell in DECODING_ECHO_SHELLS:  # (no test decides where sh reads: see InertCommands)
            inert = self._sh_inert
        defined = context.prompt_definitions
        out = [
            _build(
                parse_nested_tree_sitter_first,
                text,
                _after_definitions(parse_tree_sitter_first, text, defined, inert),
                "tree-sitter",
                context,
            )
        ]
        if context.both_parsers:
            parsed = _after_definitions(parse_bashlex_first, text, defined)
            out.append(_build(parse_nested_bashlex_first, text, parsed, "bashlex", context))
        self._recent = (text, context, tuple(out))
        return out

    def forget(self) -> None:
        """Let go of the last text's models (see :meth:`models`): the linter calls it after each file, while the
        cycle collector is paused, so the collection that follows does not walk a whole model that is about to be
        dropped anyway (it was most of the collector's time over a repository)."""
        self._recent = None
        for guard in self._exempt_cache.values():
            guard._recent = None

    def check(self, text: str, context: Context = Context()) -> Verdict:
        try:
            with cycles.paused():
                guard = self._for_script(context.script_path)
                findings: list[Finding] = []
                match_context = self._match_context(context)  # one for both parsers' models: disk lookups once
                for model in guard.models(text, context):
                    findings.extend(guard.matcher.findings(model, match_context))
                return decide(text, findings)
        except Exception as error:  # the boundary: a guard that cannot decide says so
            return _guard_error(text, error)

    def comments(self, text: str, context: Context = Context()) -> tuple[Span, ...]:
        """Where ``text`` has shell comments, as the parser read it (nested shell text placed in it included): the
        linter takes suppressions only from these. Free right after :meth:`check` of the same text and context
        (the models are kept); none when the text cannot be read at all."""
        try:
            return self._for_script(context.script_path).models(text, context)[0].comments
        except Exception:  # check has reported it as a guard error
            return ()

    def explain(
        self, text: str, context: Context = Context()
    ) -> list[tuple[CommandModel, list[tuple[Finding, Hit | None]]]]:
        guard = self._for_script(context.script_path)
        match_context = self._match_context(context)
        return [(m, guard.matcher.explain(m, match_context)) for m in guard.models(text, context)]

    def check_argv(self, argv: Sequence[str], context: Context = Context()) -> Verdict:
        """Judge an argv that will be exec'd as is (the sudo door): no shell re-reads it."""
        text = shlex.join(argv)
        try:
            findings: list[Finding] = []
            parsers = (
                (parse_nested_tree_sitter_first, parse_nested_bashlex_first)
                if context.both_parsers
                else (parse_nested_tree_sitter_first,)
            )
            match_context = self._match_context(context)
            with cycles.paused():
                for parse in parsers:
                    model = Builder(parse).build_argv(text, list(argv), context.cwd)
                    findings.extend(self.matcher.findings(model, match_context))
            return decide(text, findings)
        except Exception as error:
            return _guard_error(text, error)

    def check_write(self, path: str, context: Context = Context()) -> Verdict:
        """Judge a write of the file ``path`` by a program that is no shell (an agent's file tool): the rules that
        protect paths from writes decide, as for ``> PATH`` in a shell (see :meth:`Builder.build_write`). A relative
        path is taken from ``context.cwd``; none known, the path is not known (unknown-target). No parser runs."""
        try:
            guard = self._for_script(context.script_path)
            model = Builder(parse_nested_tree_sitter_first).build_write(path, path, context.cwd)
            return decide(path, guard.matcher.findings(model, self._match_context(context)))
        except Exception as error:
            return _guard_error(path, error)

    def _match_context(self, context: Context) -> MatchContext:
        disk = DiskMemo() if context.disk else None  # what paths lead to on disk, kept for this check
        return MatchContext(door=context.door, proc_root=context.proc_root, disk=disk, placing=context.placing)

    def _for_script(self, script_path: str | None) -> Guard:
        """The guard without the rules that exempt this script (the approved deploy script may rsync into live)."""
        if script_path is None or not any(r.exempt_paths for r in self.policy.rules):
            return self
        exempt = frozenset(
            r.id for r in self.policy.rules if any(_path_matches(script_path, p) for p in r.exempt_paths)
        )
        if not exempt:
            return self  # most files of a repository: no new guard per file
        if exempt not in self._exempt_cache:
            import dataclasses

            rules = tuple(r for r in self.policy.rules if r.id not in exempt)
            self._exempt_cache[exempt] = Guard(dataclasses.replace(self.policy, rules=rules))
        return self._exempt_cache[exempt]


def _build(parse: ParseFn, text: str, parsed: ParsedScript, parser: str, context: Context) -> CommandModel:
    """One parser's model of ``text``, with what the context knows of the shell it runs in."""
    return Builder(parse).build(text, parsed, (parser,), context)


def _path_matches(path: str, pattern: str) -> bool:
    """Glob match where ``**/`` may also stand for no directory (``**/scripts/x.sh`` matches ``scripts/x.sh``)."""
    import fnmatch

    candidates = [pattern]
    while candidates[-1].startswith("**/"):
        candidates.append(candidates[-1][3:])
    return any(fnmatch.fnmatchcase(path, c) for c in candidates)


def _guard_error(text: str, error: BaseException) -> Verdict:
    message = f"the guard failed while checking this command ({type(error).__name__}: {error})"
    return Verdict(text, Decision.BLOCK, (Finding(GUARD_ERROR, Decision.BLOCK, message, None, (0, len(text))),))


__all__ = ["Context", "Guard", "Span"]
