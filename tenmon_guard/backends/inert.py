"""Which statements of a tree a caller may leave unread because nothing in them can matter to it.

The linter reads whole repositories, and most of a script is ``echo``, ``[ ... ]``, ``grep``: commands the
knowledge base knows write nothing, that no rule names and that change nothing the guard tracks. Reading them
costs most of the time and never yields a finding. A statement is *inert* to a caller that names such commands
when every one of these holds (anything else is read as usual, so an error here only costs time):

* it is a simple command, pipeline, and-or list, negation or ``[[ ]]`` on one line (a newline inside may be
  tree-sitter reading on where bash stops: that check is the reader's);
* every command name in it is written as one of the caller's inert names (not quoted, no expansion), or is a
  plain name the caller knows nothing of whose operands cannot make a path: such a command (``_debug "$msg"``,
  ``log_end_msg 0``) gives a finding only through a path among its operands (:class:`InertCommands`), unless the
  text names a protected place it may have moved into (there a relative name is such a path); neither may be the
  name of a function the text defines (a call runs the body with its arguments: ``run pkill node``);
* nothing in it assigns (``x=``, ``local``, ``for``, ``unset``, ``${x:=...}``, ``${a[i++]}``), expands a prompt
  (``${x@P}`` runs what x holds), feeds text to a command (heredoc, here-string), or redirects output other than to
  a descriptor or ``/dev/null``;
* where the text writes a command substitution inside brackets anywhere (``x='b[$(cmd)]'``: a value that runs cmd
  when arithmetic evaluates it), or reads values as it runs (``read``, ``mapfile``: the text read may be such a
  value), nothing in it evaluates arithmetic or a name given as text (``${a[x]}``,
  ``${s:x}``, ``${!x}``, ``test -v 'a[x]'``);
* it holds no backquote and no ``((`` (read by the builder from the text, not the tree), and every ``$(``,
  ``<(`` and ``>(`` in it opens a substitution tree-sitter read (whose command names are then checked above);
* the text defines no alias and binds no name with ``hash -p`` (``alias k=pkill; k node``, ``hash -p /bin/rm cat; cat
  FILE``, or through the arrays ``BASH_ALIASES`` and ``BASH_CMDS``: then no name is known to be inert);
* the text may make no program of the name: it writes no path ending ``/NAME`` (``cp /usr/bin/pkill
  /usr/local/bin/grep; grep node``, ``printf ... > /usr/local/bin/safe; safe``: the builder runs such a copy or
  written file by its bare name), and it changes no ``PATH``, names no ``bin`` directory alone (``cp safe
  /usr/local/bin/``) and writes no name not known into one (``bin/$n``): then no name is known to be inert;
* the text does not read ``$_`` (every command sets it to its last argument: ``ls -d /opt/x; rm -rf "$_"``), nor
  ``$!`` (a command started in the background is the job it names: ``node x & sleep 9 & kill -9 $!``), nor
  gives ``kill`` a job spec (``kill -9 %2``: which job it is depends on every one started before);
* it is no condition of an ``if`` or ``elif``: a test there may decide which branch runs;
* none of the backend's rewrites and no line continuation between tokens lies in it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the engine imports this module without loading tree-sitter (the sudo door parses nothing)
    from tree_sitter import Node as TSNode


@dataclass(frozen=True)
class InertCommands:
    """What the caller says about command names. ``names`` are inert whatever their operands. ``known`` are the
    names that mean something to the caller (rules, knowledge base, builtins it tracks): any other name written
    plainly is inert when its operands cannot make a path (no ``/``, ``~``, backslash or backquote, and no
    variable that is ever given such a value in the text). ``known`` None: no other name is inert."""

    names: frozenset[str] = frozenset()
    known: frozenset[str] | None = None
    # commands a rule forbids: among the operands of a command of unknown use, one may be a command it runs
    # (``sg root pkill node``), which makes the statement one to read
    runs: frozenset[str] = frozenset()
    # the last names of the paths rules protect: in a text that mentions one, a command line may move into such a
    # path, where a plain relative name is a path in it (``cd LIVE; mytool .env``): no unknown name is inert there
    places: frozenset[str] = frozenset()
    # an if's or elif's conditions are read: a test there may decide which branch runs (not in a text sh reads,
    # where none decides: the builder's _decides)
    conditions: bool = True

    def __bool__(self) -> bool:
        return bool(self.names) or self.known is not None


NOTHING_INERT = InertCommands()

QUERY = """
(command_name) @name
(function_definition name: (word) @function)
(variable_assignment) @state
(declaration_command) @state
(unset_command) @state
(for_statement) @state
(c_style_for_statement) @state
(heredoc_redirect) @state
(herestring_redirect) @state
(file_redirect) @redirect
(command_substitution) @substitution
(process_substitution) @substitution
"""

SKIPPABLE = frozenset({"command", "redirected_statement", "pipeline", "list", "negated_command", "test_command"})

# ``2>&1``, ``>&-``, ``<&3``, ``>/dev/null``, ``2>> /dev/null``, ``< file``: write nothing a rule could protect.
_HARMLESS_REDIRECT = re.compile(
    r"[0-9]*(?:[<>]&[ \t]*(?:[0-9]+|-)|(?:>|>>|&>|&>>|>\|)[ \t]*/dev/null|<(?![<>&(])[^\n]*)"
)
_OPENERS = re.compile(r"[$<>]\(")
# ``${X:=d}`` sets X (``${a[k]:=d}`` an element, ``${!r:=d}`` the variable r names); ``${X@P}`` expands X as a
# prompt, running the command substitutions it holds
_ASSIGNING_EXPANSION = re.compile(r"\$\{(?:!?(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+)(?:\[[^\]]*\])?:?=|[^{}]*@P\})")
# arithmetic in a subscript or a [[ ]] that steps a variable (``: ${a[i++]}``, ``[[ i++ -eq 0 ]]``)
_NAMED_FD = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\}[<>]")  # ``{fd}>f``: bash sets fd
_STEPPING = re.compile(r"\[[^\]\n]*(?:\+\+|--)")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:+@%-]*")
# What may make a path of an operand: a slash, a tilde, an escape (``$'\057'``), a backquote, an indirection.
_PATH_MAKING = re.compile(r"[/~\\`]|\$\{!")
_REFERENCE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_PATH_VALUE = re.compile(r"[/~\\`$(]")
_LOOP_NAME = re.compile(r"for[ \t]+([A-Za-z_][A-Za-z0-9_]*)")  # a literal first: searched fast
_SELECT_NAME = re.compile(r"select[ \t]+([A-Za-z_][A-Za-z0-9_]*)")
_ALIAS = re.compile(r"\balias\b")
_JOB_SPEC = re.compile(r"kill\b[^\n;&|]*[ \t][\"']?%")  # ``kill -9 %1``, ``kill "%node"``
_LAST_ARGUMENT = r"\$(?:_(?![A-Za-z0-9_])|\{_[}:#%/@^,-])"  # ``$_``, ``${_}``, ``${_%/*}`` (compiled on use: rare)
# what may make a program of any name: a PATH changed, a bin directory named alone (the destination of cp, install -t,
# ln) or with a name not known in it
_MAKES_ANY_PROGRAM = re.compile(r"\bPATH\+?=|bin/[$`\"']|bin/?(?=[\s;&|)\"']|$)", re.MULTILINE)
_MAKES_ANY_PROGRAM_STARTS = ("PATH", "bin")  # what each of its matches starts with (see _found_at)
# the last names of the paths a text writes (or names at all): a program of that name may be made there
_PATH_LAST_NAME = re.compile(r"/([A-Za-z0-9_.:+@%-]+)")
_HASH_BINDING = re.compile(r"\bhash\b[^\n;&|]*[ \t]-[A-Za-z]*p")  # ``hash -p /bin/rm cat``: cat runs rm
# a command substitution written inside brackets (``x='b[$(cmd)]'``, escaped: ``\$(``, ``\x24(``): a value that
# runs cmd when arithmetic evaluates it; then an expansion that evaluates arithmetic or a name given as text
# (``${a[x]}``, ``${s:x}``, ``${!x}``, ``test -v NAME``, ``wait -p NAME``) is read
_BRACKETED_CODE = re.compile(r"\[[^\]\n]*(?:\$\(|`|\\\$|\\x24|\\0?44|\\u0024)")
_READS_VALUES = re.compile(r"\b(?:read|mapfile|readarray)\b")
_READS_VALUES_STARTS = ("read", "mapfile")
# (and [[ X -eq Y ]], whose operands are arithmetic; [ X -eq Y ] only converts them, read alike: only time is lost)
_EVALUATING_EXPANSION = re.compile(
    r"\$\{(?:!|#?[A-Za-z_0-9@*]+(?:\[|:(?![-=?+])))|(?:^|[ \t])-(?:[vp]|eq|ne|lt|le|gt|ge)[ \t]"
)
_SHELL_SET = frozenset({"PWD", "OLDPWD", "HOME"})  # what cd, pushd and tilde give the builder


def _found_at(pattern: re.Pattern[str], text: str, starts: tuple[str, ...]) -> bool:
    """``pattern.search(text) is not None``, for a pattern each of whose matches starts with one of ``starts``: it
    is tried only where one of them is (``\\b`` looks at the character before, as in a search). A regex that starts
    with ``\\b`` or an alternation is tried at every character of the text by ``search``; ``str.find`` skips to the
    few places where it may match."""
    for start in starts:
        at = text.find(start)
        while at >= 0:
            if pattern.match(text, at) is not None:
                return True
            at = text.find(start, at + 1)
    return False


def _path_variables(text: str) -> frozenset[str]:
    """Names that may hold a path somewhere in ``text``: given (``NAME=``, ``NAME+=``, ``NAME[i]=``, in a command,
    an export or an eval string alike) a value with a path-making character or one that may go on to the next
    line (an odd quote, a trailing backslash), a loop's values, or set by the shell. Every ``=`` counts, so a
    name is at worst taken for a path holder it is not (one look at each ``=``: a regex over the whole text was
    the slowest part of linting)."""
    names = set(_SHELL_SET)
    names.update(_LOOP_NAME.findall(text))
    names.update(_SELECT_NAME.findall(text))
    at = text.find("=")
    while at >= 0:
        line_end = text.find("\n", at)
        value = text[at + 1 : line_end if line_end >= 0 else len(text)]
        if _PATH_VALUE.search(value) or value.count('"') % 2 or value.count("'") % 2 or value.endswith("\\"):
            names.add(_name_before(text, at))
        at = text.find("=", at + 1)
    return frozenset(names)


def _name_before(text: str, equals: int) -> str:
    """The name assigned by the ``=`` at ``equals`` (``NAME=``, ``NAME+=``, ``NAME[i]=``)."""
    end = equals
    if end and text[end - 1] == "+":
        end -= 1
    if end and text[end - 1] == "]":
        end = max(text.rfind("[", 0, end - 1), 0)
    start = end
    while start and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    return text[start:end]


class InertStatements:
    """Built once per tree; :meth:`inert` answers per statement node."""

    def __init__(
        self,
        text: str,
        captures: dict[str, list[TSNode]],
        commands: InertCommands,
        marks: Iterable[int],
    ) -> None:
        self.text = text
        self.conditions = commands.conditions
        # every command is read where one may stand for any other before it: ``$_`` is the last argument of the
        # command before, ``$!`` the last job started, and a job spec one of those started, whichever it is
        self.reads_all = (
            (("$_" in text or "${_" in text) and re.search(_LAST_ARGUMENT, text) is not None)
            or "$!" in text
            or "${!}" in text
            or ("%" in text and _found_at(_JOB_SPEC, text, ("kill",)))
        )
        self.bracketed_code = "[" in text and _BRACKETED_CODE.search(text) is not None
        # ``[[ s =~ re ]]`` sets BASH_REMATCH: read where the text reads it
        self.rematch = "BASH_REMATCH" in text
        # (a value read as the line runs may be b[$(cmd)] too: read x; echo ${a[x]})
        self.bracketed_code = self.bracketed_code or _found_at(_READS_VALUES, text, _READS_VALUES_STARTS)
        interesting = list(marks)
        interesting.extend(n.start_byte for n in captures.get("state", ()))
        names, known = commands.names, commands.known
        if known is not None and any(place in text for place in commands.places):
            known = None
        path_variables: frozenset[str] | None = None
        # an alias defined in the text, or a program bound to a name (hash -p), may give any name a new meaning
        # (tried only where the word is: a regex that starts with \b steps through the whole text)
        aliasing = (
            _found_at(_ALIAS, text, ("alias",))
            or _found_at(_HASH_BINDING, text, ("hash",))
            or "BASH_CMDS" in text  # (bash's hash table as an array: BASH_CMDS[cat]=/bin/rm)
            or "BASH_ALIASES" in text
            or _found_at(_MAKES_ANY_PROGRAM, text, _MAKES_ANY_PROGRAM_STARTS)
        )
        # names a program may be made of on the line (a copy, a link, a file written: run by the bare name)
        made = frozenset(_PATH_LAST_NAME.findall(text)) if "/" in text else frozenset()
        # a function the text defines runs its body with the call's arguments: a call of it is read
        defined = {text[n.start_byte : n.end_byte] for n in captures.get("function", ())}
        for node in captures.get("name", ()):
            name = text[node.start_byte : node.end_byte]
            if name in defined or name in made:
                interesting.append(node.start_byte)
                continue
            if name in names and not aliasing and not _assigns(text, node.end_byte, name):
                continue
            unknown = (
                known is not None and not aliasing and name not in known and _PLAIN_NAME.fullmatch(name) is not None
            )
            if unknown:
                if path_variables is None:  # the text is scanned once, and only when it calls such a command
                    path_variables = _path_variables(text)
                if _operands_make_no_path(text, node, path_variables) and not _names_one_of(text, node, commands.runs):
                    continue  # an unknown command judged only by paths among its operands, and it has none
            interesting.append(node.start_byte)
        for node in captures.get("redirect", ()):
            if not _HARMLESS_REDIRECT.fullmatch(text, node.start_byte, node.end_byte):
                interesting.append(node.start_byte)
        self.marks = sorted(interesting)
        self.substitutions = {n.start_byte for n in captures.get("substitution", ())}
        # A call whose output goes on into a pipe or a file (``f | sh``, ``f > /tmp/k; sh /tmp/k``) has its body
        # read again with that output: what an inert ``echo`` in it prints is then what runs. Which function a call
        # runs, and which others that one calls, is the builder's business: every body is read.
        self.bodies: list[tuple[int, int]] = []
        calls = [n for n in captures.get("name", ()) if text[n.start_byte : n.end_byte] in defined]
        if any(_output_goes_on(text, n) for n in calls):
            self.bodies = [
                (n.parent.start_byte, n.parent.end_byte) for n in captures.get("function", ()) if n.parent is not None
            ]

    def inert(self, node: TSNode) -> bool:
        if node.type not in SKIPPABLE or self.reads_all:
            return False
        if self.conditions and _in_condition(node):
            return False
        start, end = node.start_byte, node.end_byte
        text = self.text
        if text.find("\n", start, end) >= 0 or text.find("`", start, end) >= 0 or text.find("((", start, end) >= 0:
            return False
        if text.find("${", start, end) >= 0 and _ASSIGNING_EXPANSION.search(text, start, end) is not None:
            return False  # ``: ${X:=/path}`` sets X, ``echo ${X@P}`` runs what X holds
        if self.rematch and text.find("=~", start, end) >= 0:
            return False
        if text.find("}", start, end) >= 0 and _NAMED_FD.search(text, start, end) is not None:
            return False  # ``: {fd}>/dev/null`` sets fd
        if self.bracketed_code and _EVALUATING_EXPANSION.search(text, start, end) is not None:
            return False  # ``x='b[$(cmd)]'; echo ${a[x]}`` runs cmd
        if (text.find("++", start, end) >= 0 or text.find("--", start, end) >= 0) and _STEPPING.search(
            text, start, end
        ):
            return False
        index = bisect.bisect_left(self.marks, start)
        if index < len(self.marks) and self.marks[index] < end:
            return False
        if self.bodies and any(low <= start and end <= high for low, high in self.bodies):
            return False
        return all(m.start() in self.substitutions for m in _OPENERS.finditer(text, start, end))


def _in_condition(node: TSNode) -> bool:
    """Is the statement among an ``if``'s or ``elif``'s conditions? A test there may decide which branch runs
    (tenmon_guard/conditions.py): left out, both would be read, and the findings differ."""
    parent = node.parent
    if parent is None or parent.type not in ("if_statement", "elif_clause"):
        return False
    for child in parent.children:
        if child.type == "then":
            return False
        if child == node:
            return True
    return False


# Inert commands that set a variable through an option (``printf -v NAME``): the builder tracks what they set.
_ASSIGNING_OPTIONS = {"printf": "-v"}


def _assigns(text: str, end: int, name: str) -> bool:
    """Whether the command whose name ends at ``end`` sets a variable (its assigning option comes first)."""
    option = _ASSIGNING_OPTIONS.get(name)
    if option is None:
        return False
    while end < len(text) and text[end] in " 	":
        end += 1
    return text.startswith(option, end)


def _output_goes_on(text: str, name: TSNode) -> bool:
    """Does the output of the command whose name is ``name`` go on into another command or a file: it stands before
    the last command of a pipeline, or in a statement whose redirections write elsewhere than a descriptor or
    ``/dev/null`` (``{ f; } > out``), at any depth."""
    child = name.parent
    node = child.parent if child is not None else None
    while child is not None and node is not None:
        if node.type == "pipeline" and node.named_children and node.named_children[-1] != child:
            return True
        if node.type == "redirected_statement" and any(
            r.type == "file_redirect" and not _HARMLESS_REDIRECT.fullmatch(text, r.start_byte, r.end_byte)
            for r in node.children
        ):
            return True
        child, node = node, node.parent
    return False


def _names_one_of(text: str, name: TSNode, commands: frozenset[str]) -> bool:
    """Whether an operand of the command whose name is ``name`` is one of ``commands`` (quotes aside)."""
    command = name.parent
    if command is None or not commands:
        return False
    return any(w.strip("'\"") in commands for w in text[name.end_byte : command.end_byte].split())


def _operands_make_no_path(text: str, name: TSNode, path_variables: frozenset[str]) -> bool:
    command = name.parent
    if command is None:
        return False
    start, end = name.end_byte, command.end_byte
    if _PATH_MAKING.search(text, start, end):
        return False
    return not any(m.group(1) in path_variables for m in _REFERENCE.finditer(text, start, end))
