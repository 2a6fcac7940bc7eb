"""zsh's reading of a line, written as bash text, so that the guard (whose parsers read bash) can judge what zsh runs.

The zsh hook sends its lines to ``tenmon-guard serve --shell zsh``. The parsers read them as bash would, and where
zsh runs something else for the same text, the guard judged a command that is not the one that runs:
``a=(fuser -k 3000/tcp); $a`` runs ``fuser -k 3000/tcp`` in zsh (bash: ``fuser``). :func:`zsh_reading` rewrites
the constructs zsh reads differently into the bash text that runs the same thing; serve judges both texts and the
stricter verdict stands (a zsh with SH_WORD_SPLIT or KSH_ARRAYS set reads like bash, so the bash reading stays
judged too). What it rewrites:

- an unquoted ``$a`` / ``${a}`` of a name the line assigns as an array (``a=(...)``, ``a[1]=...``, ``typeset -a``):
  all its elements (``"${a[@]}"``); ``$argv`` is ``"$@"``;
- subscripts, braced or not and also in double quotes, 1-based: ``$a[1]`` is ``${a[0]}`` for an array, the first
  character (``${a:0:1}``) for a scalar; ranges ``$a[2,3]``; a subscript it cannot compute is an unknown value;
  an assignment ``a[1]=x`` is ``a[0]=x``;
- ``$=a``, ``${=a}``, ``$~a``, ``${~a}`` and the splitting flags ``${(z)a}``, ``${(s: :)a}``, ``${(f)a}``: the
  unquoted (split) value; ``${(L)a}``, ``${(U)a}``, ``${(P)a}``: ``${a,,}``, ``${a^^}``, ``${!a}``; ``${(e)a}``
  (the value expanded again, its substitutions run): an ``eval`` of it;
- the modifiers ``:t :h :r :e :l :u``, braced or not (``$x:t``): ``${x##*/}`` and so on;
- ``zargs [options --] inputs -- command args`` (zsh's xargs): the commands it runs, ``command args inputs``;
- ``cd OLD NEW`` (also ``chdir``, ``pushd``): the current directory with OLD replaced by NEW, ``${PWD/OLD/NEW}``;
- ``=cmd`` at the start of a word (the command's path; the guard knows commands by name): ``cmd``;
- ``~name`` of a parameter the line assigns or of ``hash -d name=dir``: that directory;
- the precommand modifiers ``noglob``, ``nocorrect``, ``-`` and ``repeat N`` before a command: removed;
- zsh's special parameters that change what a name runs or write files (``commands[ls]=PATH``, ``hash
  ls=PATH``, ``aliases[k]=TEXT`` and its kin, ``functions``, ``nameddirs``, zsh/mapfile's ``mapfile[FILE]=TEXT``,
  the prompts): the bash statements doing the same (:func:`_special_parameters`); a quoted value holding a glob
  qualifier that runs code, on a line using a value as a pattern (``$~x``, GLOB_SUBST): its reading as a glob;
- ``#`` at the start of a word: a plain character (zsh reads no comment at its prompt unless INTERACTIVE_COMMENTS
  is set: ``echo # ; pkill node`` runs ``pkill node``; bash's reading, judged too, has the comment).

Imported only for zsh requests; it imports nothing but ``re``, the quote scanner and the record decorator.
"""

from __future__ import annotations

import functools
import re
from dataclasses import field

from tenmon_guard.frozen import record
from tenmon_guard.shellscan import paren_end, skip_quoted
from tenmon_guard.zshsyntax import zsh_syntax

#: Arrays zsh has without an assignment on the line.
_SHELL_ARRAYS = frozenset({"path", "fpath", "cdpath", "manpath", "pipestatus", "mailpath", "module_path"})
_ARRAY_ASSIGNED = re.compile(
    r"(?:^|[\s;&|(){}])([A-Za-z_]\w*)(?:\+?=\(|\[[^]=]*\]\+?=)|(?:-[aA]|set\s+-A)\s+([A-Za-z_]\w*)"
)
_SCALAR_ASSIGNED = re.compile(r"(?:^|[\s;&|(){}])([A-Za-z_]\w*)=(?!\()")
_NAMED_DIR = re.compile(r"\bhash\s+-d\s+([A-Za-z_]\w*)=([^\s;&|()'\"`$]+)")
_NAME = re.compile(r"[A-Za-z_]\w*")
_BRACED = re.compile(r"([=~^]*)(?:\(([^)]*)\))?([A-Za-z_]\w*)(?:\[([^]]*)\])?((?::[a-zA-Z])*)\Z")
_NESTED = re.compile(r"\$\{\(([^)]*)\)([\"$].*)\}\Z", re.DOTALL)
#: ``${:-WORD}`` (no name: always the word), ``${(flags)rest}``, ``name:-word`` and its kin.
_EMPTY_DEFAULT = re.compile(r"\$\{:[-=](.*)\}\Z", re.DOTALL)
_FLAGGED = re.compile(r"\$\{\(([^)]*)\)(.*)\}\Z", re.DOTALL)
_DEFAULTED = re.compile(r"([A-Za-z_]\w*)?:?[-=+?](.*)\Z", re.DOTALL)
_UNBRACED = re.compile(r"([=~^]*)([A-Za-z_]\w*)")
_UNBRACED_MODIFIERS = re.compile(r"(?::[threluaAPqQcx](?![\w]))+|(?::[threluaAPqQcx])+")
#: ``${a:1}``, ``${a: -1}``, ``${a:1:2}``: for an array, zsh's slice of its elements (bash: of the first one).
_ARRAY_OFFSET = re.compile(r"([A-Za-z_]\w*):(\s*-?\d+)(?::(\s*-?\d+))?\Z")
#: The history-style substitution modifier ``:s/old/new/`` (``:gs`` for each occurrence), unbraced.
_SUBSTITUTION_MODIFIER = re.compile(r":(g?)s([^\w\s])")
_SUBSCRIPT_ASSIGNMENT = re.compile(r"([A-Za-z_]\w*)\[(\d+)\](\+?=)")
_TILDE = re.compile(r"~([A-Za-z_]\w*)(?=/|$|[\s;&|)])")
_SEP_FLAG = re.compile(r"([sj])(.).*?\2")
_INDEX = re.compile(r"(-?\d+)(?:\s*,\s*(-?\d+))?")
_SPLIT_FLAGS = frozenset("zf0=")
_KNOWN_FLAGS = frozenset("zf0=@LUPe")
#: zsh modifiers as the bash expansion of ``name`` that does the same; "" leaves the value as it is.
_MODIFIER_EXPANSIONS = {
    "t": "${{{}##*/}}",
    "h": "${{{}%/*}}",
    "r": "${{{}%.*}}",
    "e": "${{{}##*.}}",
    "l": "${{{},,}}",
    "u": "${{{}^^}}",
    "a": "",
    "A": "",
    "P": "",
    "q": "",
    "Q": "",
    "c": "",  # (the command's path: the guard knows a command by its name)
    "x": "",
}
_MODIFIERS = re.compile(r"(^|[;&|({\n]|\b(?:then|do|else)\s)(\s*)(?:(?:noglob|nocorrect|-|repeat\s+\w+)\s+)+")
_WORD_START = frozenset(" \t\n;&|(")
#: ``cd OLD NEW`` (and ``chdir``, ``pushd``): zsh changes to the current directory with OLD replaced by NEW.
_CD_SUBSTITUTE = re.compile(
    r"(^|[;&|({\n]|\b(?:then|do|else)\s)(\s*)(cd|chdir|pushd)(\s+)([^\s;&|()<>-][^\s;&|()<>]*)\s+([^\s;&|()<>]+)"
    r"(?=\s*(?:$|[;&|)}\n]))"
)
#: ``cd +N`` / ``cd -N`` (and chdir): zsh changes to that entry of the directory stack, which earlier lines built
#: (zsh 5.9: ``pushd DIR; pushd /; cd +1`` went to DIR); bash reads a directory named ``+1``. Not known.
_CD_STACK = re.compile(r"(^|[;&|({\n]|\b(?:then|do|else)\s)(\s*)(cd|chdir)(\s+)[+-]\d+(?=\s*(?:$|[;&|)}\n]))")
_PLAIN = re.compile(r"[\w.,:+@%^-]+")
#: zsh's =(...) at the start of a word (a file holding the output), not an array assignment (a=(x y), a+=(z))
_EQUALS_SUBSTITUTION = re.compile(r"(?:^|[\s;&|(<>])=\(")
#: A word of echo's that cannot bring a backslash to zsh's echo: letters, digits and punctuation zsh expands in no
#: way (no ``$``, backquote, glob character, ``~``, ``{``, ``!``, ``#``, ``^``, no ``=`` first), or single quotes
#: with no backslash in them; each may carry a redirection to such a plain target (``>/dev/null``, ``2>&1``), which
#: the reading keeps as it is in any case
_ECHO_LITERAL = re.compile(r"(?!=)(?:[\w./:+,%@=-]|'[^'\\]*')*(?:\d*(?:>>|>\||&>|>&|>|<)(?:[\w./:+,%@=-]+|&\d|&-))?")
#: A constant with leading zeros (not a base's, a float's nor part of a name): zsh reads it as decimal.
_LEADING_ZEROS = re.compile(r"(?<![\w$#.])0+([0-9]+)(?![\w.#])")
#: An echo word written out, and one that is an option of echo's (zsh's as bash's).
_ECHO_PLAIN = re.compile(r"(?:[\w./:+,%@=-]|'[^'\\]*')+")
_ECHO_OPTION = re.compile(r"-[neE]+")
#: ``zargs [options --] inputs -- command args`` (zsh's xargs): the command with the inputs after its arguments.
_ZARGS = re.compile(r"(^|[;&|({\n]|\b(?:then|do|else)\s)(\s*)zargs(?=[ \t])")
_ZARGS_FLAGS = frozenset({"-t", "-r", "-x", "-p", "--verbose", "--no-run-if-empty", "--exit", "--interactive"})
#: Where a command starts (as for zargs).
_COMMAND_START = r"(^|[;&|({\n]|\b(?:then|do|else)\s)(\s*)"
#: zsh's commands that run other text or name paths their own way (:func:`_zsh_commands`); a cheap test first.
_ZSH_COMMANDS_HINT = re.compile(
    r"zf_|emulate|sched|zpty|exec|add-z|zle|_functions|functions\[|cdpath|zmv|zcalc|regexp-replace|hash|print|echo|sysopen|autoload|setopt|path\+?=\(|path\["
)
_ZSH_COMMAND = re.compile(
    _COMMAND_START + r"((?:zf_(?:rm|mv|ln|chmod|chown|chgrp|mkdir|rmdir)|emulate|sched|zpty|exec|add-zsh-hook|zle"
    r"|add-zle-hook-widget|zmv|zcalc|regexp-replace|hash|print|echo|sysopen|autoload|setopt|unsetopt)(?=[ \t;&|)\n]|$)"
    r"|(?:precmd|preexec|chpwd|periodic|zshexit|zshaddhistory)_functions\+?=\(|(?:dis_)?functions\[[\w:.+-]+\]\+?="
    r"|(?:cd)?path\+?=\(|path\[[^]\s'\"`$]*\]\+?=\(?)"
)
#: A command of one plain word followed by more of the list in the same shell (``;``, ``&&``, ``||``, a newline):
#: under AUTO_CD (oh-my-zsh sets it) a directory's name given alone is a ``cd`` to it.
_AUTO_CD = re.compile(
    _COMMAND_START + r"(?!(?:then|do|else|fi|done|esac|end|\}|\{)\s)[\w./~+@%-]+[ \t]*(?:;(?!;)|&&|\|\||\n)\s*\S"
)
_ZMV_GROUP = re.compile(r"\(([^()]*)\)")
_PATH_WORD = re.compile(r"[\w./+@%-]+")
_NO_GLOB = ("noglob", "nocorrect", "-")
#: Characters without which zsh reads a line as bash does (but for the modifier words).
_MARKS = frozenset("$=~#")
#: Stands for a value that cannot be known (serve judges it unknown, like any variable it has no value for).
UNKNOWN = '"${RANDOM}"'
#: The longest range of elements (``$a[1,3]``) written out element by element.
_MAX_RANGE = 16


@record
class _Names:
    """What the line says about its names: arrays, scalars, named directories (``hash -d``)."""

    arrays: frozenset[str]
    scalars: frozenset[str]
    directories: dict[str, str]
    #: plain values certain where the line expands them (:func:`_known_values`), for the modifiers computed here
    values: dict[str, str] = field(default_factory=dict)
    #: the line writes zsh's table of commands (``commands[ls]=...``, ``hash ls=...``): $commands[NAME] not known
    commands_assigned: bool = False
    #: False: only what bash cannot read at all is rewritten (nested flags), the rest stays as bash reads it.
    expansions: bool = True
    #: an unquoted scalar is one word, as zsh has it (see :func:`_whole`): where a test or a case may decide on
    #: how many words there are, and not in a text with a heredoc, whose body would hold the quotes
    whole_scalars: bool = False


@record
class _Param:
    """One parameter expansion as zsh reads it."""

    prefix: str
    flags: str | None
    name: str
    sub: str | None
    modifiers: str
    in_double: bool


@functools.lru_cache(maxsize=256)  # (a pure function of its arguments: the zsh hook asks it ahead, see serve)
def zsh_reading(text: str, at_prompt: bool = False) -> str:
    """The bash text that runs what zsh runs for ``text`` (``text`` itself when nothing is read differently).
    ``at_prompt``: ``text`` is a whole line typed at the prompt, whose output is the terminal unless the line
    itself sends it elsewhere (:func:`_to_terminal`); a function's body, ``zsh -c``'s text or one command of
    a line may have its output piped by what calls it.

    zsh's own syntax (``&!``, short loops, brace bodies, glob qualifiers: :mod:`tenmon_guard.zshsyntax`) is
    written as bash's first. A cheap test then: a line with no ``$``, ``=``, ``~``, ``#`` and no modifier word is
    returned as is."""
    text = _CD_SUBSTITUTE.sub(_cd_substitute, zsh_syntax(text))
    if "cd" in text:
        text = _CD_STACK.sub(r"\1\2\3\4" + UNKNOWN, text)
    if "zargs" in text:
        text = _zargs_commands(text)
    auto_cd = _AUTO_CD.search(text) is not None
    if _ZSH_COMMANDS_HINT.search(text):
        text = _zsh_commands(text, at_prompt)
    if _TABLES_HINT.search(text):
        text = _special_parameters(text)
    if "hash" in text:
        text = _NAMED_DIR.sub(lambda m: _cdable_named_directory(m, text), text)
    if _GLOB_SUBST.search(text):
        text = _substituted_qualifiers(text)
    if "NULLCMD=" in text:
        text = _NULL_COMMAND.sub(_null_command, text)
    if "((" in text and _LEADING_ZEROS.search(text):
        text = _decimal_constants(text)
    if auto_cd:
        text = "shopt -s autocd; " + text  # (the builder follows bash's autocd: a directory's name given alone)
    if not _MARKS.intersection(text) and not _MODIFIERS.search(text):
        return text
    return _MODIFIERS.sub(r"\1\2", _rewrite(text, _names(text)))


def _decimal_constants(text: str) -> str:
    """zsh reads a constant with leading zeros in arithmetic as decimal (``$((010))`` is 10; bash's is 8, octal),
    unless OCTAL_ZEROES is set, which the hook does not send: in ``$((...))`` and ``((...))`` such a constant is
    written without its zeros (``x=$((010)); case $x in 8) ;; *) pkill node;; esac`` ran pkill and was allowed).
    Single-quoted text is left as it is."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] == "'" or text.startswith(("$'", "\\"), i):
            end = skip_quoted(text, i)
            out.append(text[i:end])
            i = end
            continue
        if text.startswith("((", i):
            end = _arithmetic_end(text, i)
            if end > 0:
                out.append("((" + _LEADING_ZEROS.sub(r"\1", text[i + 2 : end - 2]) + "))")
                i = end
                continue
        out.append(text[i])
        i += 1
    return "".join(out)


def _arithmetic_end(text: str, i: int) -> int:
    """The index after the ``))`` that closes the ``((`` at ``text[i]``; -1 if none."""
    end = paren_end(text, i)
    return end if end >= i + 4 and text.startswith("))", end - 2) else -1


def _cdable_named_directory(m: re.Match[str], text: str) -> str:
    """``hash -d NAME=DIR``: under CDABLE_VARS zsh's ``cd NAME`` (NAME no directory) goes to ``~NAME``, a named
    directory as well as a parameter (zsh 5.9: ``setopt cdablevars; hash -d l=DIR; cd l`` went to DIR). The builder
    follows bash's cdable_vars, which looks at a variable: read as ``NAME=DIR`` besides, where the line names NAME
    nowhere else but as a named directory, a word (``cd NAME``) or the key of nameddirs (its value as a parameter
    is then read nowhere). The option may have been set at an earlier prompt: the hook sends it as set."""
    name = m.group(1)
    for use in re.finditer(r"(?<![\w/.-])" + name + r"(?![\w/.-])", text):
        before = text[max(0, use.start() - 3) : use.start()]
        if not (before.endswith((" ", "\t", "~", "[")) and not before.endswith("$")) or before.endswith("${"):
            return m.group(0)
        after = text[use.end() : use.end() + 1]
        if after == "=" and not before.endswith(("-d ", "[")):
            return m.group(0)  # (NAME=...: a parameter of the line)
    return m.group(0) + f"; {name}={m.group(2)}"


def _cd_substitute(m: re.Match[str]) -> str:
    """``cd repo live`` in ``/opt/tenmon-ark-repo`` changes to ``/opt/tenmon-ark-live`` (bash: too many
    arguments, no change): the directory is ``${PWD/repo/live}``; not known when the words are not plain."""
    old, new = m.group(5), m.group(6)
    plain = _PLAIN.fullmatch(old) is not None and _PLAIN.fullmatch(new) is not None
    where = '"${PWD/' + old + "/" + new + '}"' if plain else UNKNOWN
    return m.group(1) + m.group(2) + m.group(3) + m.group(4) + where


def zsh_syntax_reading(text: str) -> str:
    """zsh's syntax written as bash's and the expansions bash cannot read at all (flags on a nested word,
    ``${(f)"$(ls)"}``) rewritten, every other expansion left as bash reads it: the reading of a zsh whose options
    make it expand like bash (SH_WORD_SPLIT, KSH_ARRAYS), for a line the parsers cannot read as it is."""
    text = zsh_syntax(text)
    if "${(" not in text:
        return text
    names = _names(text)
    return _rewrite(text, _Names(names.arrays, names.scalars, names.directories, expansions=False))


def zsh_builtins_reading(text: str, at_prompt: bool = False) -> str:
    """``text`` with zsh's builtins that run text or name paths their own way written as what they do
    (:func:`_zsh_commands`: ``print`` as ``echo -e``, ``hash NAME=PATH``, ``setopt``...), every expansion left as
    bash reads it: the builtins mean the same whatever options make zsh expand like bash. So does ``~NAME`` of a
    ``hash -d NAME=DIR`` the line runs: DIR (bash reads the home of a user NAME, not known)."""
    text = _zsh_commands(text, at_prompt) if _ZSH_COMMANDS_HINT.search(text) else text
    return _named_tildes(text) if "~" in text and "hash" in text else text


def _named_tildes(text: str) -> str:
    """``text`` with each ``~NAME`` at a word's start, outside quotes, of a directory ``hash -d`` names there
    written as that directory."""
    directories = {m.group(1): m.group(2) for m in _NAMED_DIR.finditer(text)}
    if not directories:
        return text
    out: list[str] = []
    i, n, in_double = 0, len(text), False
    while i < n:
        c = text[i]
        at_word_start = not in_double and (i == 0 or text[i - 1] in _WORD_START)
        if c == "\\" or (c in "'`" and not in_double) or text.startswith(("$'", "$(", "${"), i):
            end = skip_quoted(text, i)
            out.append(text[i:end])
            i = end
        elif c == '"':
            in_double = not in_double
            out.append(c)
            i += 1
        elif at_word_start and (m := _TILDE.match(text, i)) and m.group(1) in directories:
            out.append(directories[m.group(1)])
            i = m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _zargs_commands(text: str) -> str:
    """Each ``zargs`` command written as the commands it runs (:func:`_zargs`); one it does not take apart stays."""
    out: list[str] = []
    pos = 0
    for m in _ZARGS.finditer(text):
        if m.start() < pos:
            continue
        end = _command_end(text, m.end())
        commands = _zargs(_split_words(text[m.end() : end]))
        if commands is not None:
            out.append(text[pos : m.start()] + m.group(1) + m.group(2) + commands)
            pos = end
    return "".join(out) + text[pos:]


def _zsh_commands(text: str, at_prompt: bool = False) -> str:
    """zsh's commands that run text or name paths otherwise than bash reads them, each written as what runs
    (:func:`_zsh_command`); one not taken apart stays as it is. ``at_prompt``: see :func:`zsh_reading`."""
    terminal = at_prompt and _to_terminal(text)
    out: list[str] = []
    pos = 0
    for m in _ZSH_COMMAND.finditer(text):
        if m.start() < pos:
            continue
        head = m.group(3)
        if terminal and head in ("print", "echo"):
            continue  # (its text goes to the terminal: read alike, judged once)
        if head == "echo" and _literal_echo(text[m.end() : _command_end(text, m.end())]):
            continue  # (zsh's echo prints what bash's does: read alike, judged once)
        if head.endswith("("):
            close = _array_end(text, m.end())
            if close < 0:
                continue  # (not closed: the parsers refuse the text)
            rewritten = _hook_array(head, _split_words(text[m.end() : close]), text[m.start(3) : close + 1])
            end = close + 1
        elif head == "autoload":
            end = _command_end(text, m.end())
            rewritten = _autoload(_split_words(text[m.end() : end]), text[m.start(3) : end], text)
        else:
            end = _command_end(text, m.end())
            rewritten = _zsh_command(head, _split_words(text[m.end() : end]), text[m.start(3) : end])
        out.append(text[pos : m.start()] + m.group(1) + m.group(2) + rewritten)
        pos = end
    return "".join(out) + text[pos:]


def _to_terminal(line: str) -> bool:
    """Whether what a line typed at the prompt prints can only go to the terminal: nothing in it redirects,
    pipes or captures output (``>``, ``|``, a backquote, ``$(``), nor hands it to a command as a file or a
    coprocess (``<(...)`` and zsh's ``=(...)``, ``coproc``: zsh 5.9 ran ``pkill node`` for ``sh <(echo
    'pk\\x69ll node')``, which was allowed; ``<`` is taken whole, ``sh <&p`` reads a coprocess)."""
    if any(c in line for c in "<>|`") or "$(" in line or "coproc" in line:
        return False
    return "=(" not in line or _EQUALS_SUBSTITUTION.search(line) is None


def _literal_echo(words_text: str) -> bool:
    """Whether zsh's ``echo`` with these words prints what bash's does, so it need not be read as ``echo -e``.

    zsh's echo differs from bash's in decoding backslash escapes (bash's -e) and in taking a word ``-`` for the end
    of its options, which it drops (zsh 5.9: ``echo - x`` prints ``x``, bash ``- x``); its options are otherwise
    bash's (-n, -e, -E, in any order and combined). Where no word is ``-`` and none can hold a backslash once zsh
    has expanded it (each is plain text or single-quoted text without one, :data:`_ECHO_LITERAL`), the two print
    the same bytes: the bash reading of the line is zsh's, judged already (a line whose only zsh difference was
    such an echo was judged twice: ``echo one | tr o 0``, ``test -d /tmp && echo yes >/dev/null``)."""
    words = _split_words(words_text)
    return all(_ECHO_LITERAL.fullmatch(word) and word.replace("'", "") != "-" for word in words)


def _echo_operands(words: list[str]) -> list[str]:
    """zsh's echo words as bash's echo takes them: a word ``-`` among the options ends them and is dropped (zsh
    5.9: ``echo -`` prints an empty line, bash's ``-``; ``x=$(echo -); case $x in -) ;; *) pkill node;; esac``
    ran pkill and was allowed). Only a word written out is known to be one. A word after it that bash's echo may
    take for an option (``echo - -n`` prints -n) makes what it prints not known."""
    for k, word in enumerate(words):
        value = _echo_value(word)
        if value == "-":
            rest = words[k + 1 :]
            after = _echo_value(rest[0]) if rest else ""
            return words[:k] + ([UNKNOWN] if after is None or _ECHO_OPTION.fullmatch(after) else []) + rest
        if value is None or not _ECHO_OPTION.fullmatch(value):
            break
    return words


def _echo_value(word: str) -> str | None:
    """The value of an echo word written out; None for any other."""
    return word.replace("'", "") if _ECHO_PLAIN.fullmatch(word) else None


def _array_end(text: str, i: int) -> int:
    """The index of the ``)`` closing an array assignment's ``(`` (before ``text[i]``); -1 if none."""
    n = len(text)
    while i < n and text[i] != ")":
        i = skip_quoted(text, i) if text[i] in "\\'\"`$" else i + 1
    return i if i < n else -1


def _hook_array(head: str, words: list[str], original: str) -> str:
    """``precmd_functions+=(f)`` (and the other hook arrays) runs ``f`` before each prompt, with no line the hook
    judges: read as the assignment and a call of each function named; ``cdpath=(dir)`` makes ``cd NAME`` look in
    dir: the bash ``CDPATH`` the builder follows (not known when a word is not a plain path)."""
    if head.startswith("path"):  # (zsh's path is PATH: path=(DIR $path) makes DIR's programs run first)
        return _path_assigned(head, words)
    if head.startswith("cdpath"):
        plain = all(_PATH_WORD.fullmatch(w) for w in words)
        value = ":".join(words) if plain else UNKNOWN
        return "CDPATH=" + ('"${CDPATH}:' + value.strip('"') + '"' if "+=" in head and plain else value)
    own = head.rstrip("+=(")
    words = [w for w in words if own not in w]  # (${precmd_functions:#f}: the functions already there)
    calls = [w for w in words if _PLAIN.fullmatch(w)]
    return (
        original + "".join("; " + _later_call(c) for c in calls) + ("; " + UNKNOWN if len(calls) < len(words) else "")
    )


def _later_call(name: str) -> str:
    """A function zsh calls later, with no line judged (a hook array's, add-zsh-hook's, a zle widget's): written as
    the bash text that keeps a call to run later in this shell, ``PROMPT_COMMAND+=(f)``, judged now and where later
    lines may take the shell (``chpwd_functions+=(f)`` with ``f() { rm -rf dist; }``, then ``cd LIVE``, removed the
    live dist: zsh 5.9 through a pty with the hook)."""
    return f"PROMPT_COMMAND+=({name})"


def _path_assigned(head: str, words: list[str]) -> str:
    """``path=(DIR $path)``, ``path+=(DIR)``, ``path[1,0]=DIR``, ``path[1]=DIR``: zsh's path array is PATH, so the
    bash ``PATH=...`` the builder follows. An element or a range written (zsh 5.9: ``path[1,0]=DIR; ls`` and
    ``path[1]=DIR; ls`` ran DIR/ls) is read as DIR put first: where the programs named after are looked for first
    (a range may drop entries too: that only makes fewer programs found). Not known when a word is not a plain
    path."""
    parts = ["${PATH}" if "path" in w and "$" in w else w for w in words]
    known = all(p == "${PATH}" or _PATH_WORD.fullmatch(p) for p in parts)
    if head.startswith("path["):
        parts = [*parts, "${PATH}"]
    elif "+=" in head:
        parts = ["${PATH}", *parts]
    return 'PATH="' + (":".join(parts) if known else UNKNOWN.strip('"')) + '"'


def _zsh_command(head: str, words: list[str], original: str) -> str:
    """One command (its name ``head``, its words after it) as the bash text that runs what zsh runs:

    - ``zf_rm`` and the other builtins of ``zmodload zsh/files``: the command they stand for;
    - ``exec noglob cmd`` / ``exec - cmd``: zsh's precommand modifiers after exec (``exec cmd``);
    - ``emulate [-R] sh [options] -c CODE``, ``sched [-o] TIME CMD...`` (run at that time, from the prompt),
      ``zpty [-eb] NAME CMD...`` (run on a pseudo-terminal): ``eval`` of the code;
    - ``functions[f]=CODE``: the definition of ``f`` with that body; ``add-zsh-hook HOOK f`` and ``zle -N WIDGET
      [f]``: the registration, then a call of ``f`` (it runs at each prompt, or key, with no line judged)."""
    if head.startswith("zf_"):
        return " ".join([head[3:], *words])
    if head.startswith("path["):  # (path[1,0]=DIR, path[1]=DIR: an element of PATH)
        return _path_assigned(head, words[:1]) + "".join("; " + " ".join(words[1:]) for _ in words[1:2])
    if head.startswith(("functions[", "dis_functions[")):  # (a disabled one runs after enable -f)
        value, rest = (words[0], words[1:]) if words else ("''", [])
        definition = head[head.index("[") + 1 : head.index("]")] + " () { eval " + value + "; }"
        return definition + "".join("; " + " ".join(rest) for _ in rest[:1])  # (an assignment before a command)
    if head == "hash":
        return _hash(words, original)
    if head == "print":
        return _print(words, original)
    if head == "echo":
        # zsh's echo decodes escapes unless -E (or BSD_ECHO) says not: ``echo 'pk\x69ll node' | sh`` runs pkill in
        # zsh 5.9; bash's echo -e, whose last -e/-E counts as zsh's does
        return " ".join(["echo", "-e", *_echo_operands(words)])
    if head == "sysopen" and words:
        return _sysopen(words, original)
    if head in ("setopt", "unsetopt"):
        return original + "".join("; " + s for s in _options_set(words, head == "setopt"))
    if head == "exec":
        if not words or words[0] not in _NO_GLOB:
            return original
        while words and words[0] in _NO_GLOB:
            words = words[1:]
        return " ".join(["exec", *words])
    code = _run_code(head, words)
    if code is None:
        return original
    return code


def _hash(words: list[str], original: str) -> str:
    """zsh's ``hash NAME=PATH`` puts PATH in the table of the programs names run (``hash ls=/usr/bin/pkill; ls
    node`` runs pkill): bash's ``hash -p PATH NAME``. With options (``-d``: named directories, ``-r``...): as is."""
    if not any("=" in w for w in words) or any(w.startswith("-") for w in words):
        return original
    each = [
        f"hash -p {w.partition('=')[2] or UNKNOWN} {w.partition('=')[0]}" if "=" in w else f"hash {w}" for w in words
    ]
    return "; ".join(each)


def _autoload(words: list[str], original: str, text: str) -> str:
    """``autoload [-Uz...] NAME``: NAME's body is the file NAME found in $fpath (or the path given, ``autoload
    /dir/NAME``), run at each call. A file the line writes (``print 'pkill node' > mk; fpath=(. $fpath);
    autoload mk; mk`` ran pkill in zsh 5.9), or a path given: read as a definition of NAME running that file."""
    definitions = []
    for word in words:
        if word.startswith(("-", "+")) or not _PATH_WORD.fullmatch(word):
            continue
        name = word.rsplit("/", 1)[-1]
        written = re.search(r">[>|!]?\s*([\w./~+@%-]*/)?" + re.escape(name) + r"(?=[\s;&|)]|$)", text)
        if "/" in word:
            definitions.append(f"{name} () {{ . {word}; }}")
        elif written is not None and _NAME.fullmatch(name):
            target = written.group(0).lstrip(">|!").strip()
            definitions.append(f"{name} () {{ . {target if '/' in target else './' + target}; }}")
    return original + "".join("; " + d for d in definitions)


#: zsh's options that change where ``cd`` goes or what a word names (normalised: lower case, no ``_``), as the
#: bash options the builder follows (the hook sends them as set when the line starts, by the same names).
_ZSH_OPTIONS = {
    "cdablevars": ("shopt -s cdable_vars", "shopt -u cdable_vars"),
    "caseglob": ("shopt -u nocaseglob", "shopt -s nocaseglob"),
    "chaselinks": ("set -P", "set +P"),
    "autocd": ("shopt -s autocd", "shopt -u autocd"),
}


def _options_set(words: list[str], on: bool) -> list[str]:
    """``setopt cdablevars`` (``CDABLE_VARS``, ``unsetopt nocdablevars``): then ``cd NAME`` may go to $NAME (zsh
    5.9: ``setopt cdablevars; l=DIR; cd l`` went to DIR): bash's ``shopt -s cdable_vars``, and the like."""
    out = []
    for word in words:
        name = word.lower().replace("_", "")
        value = on
        if name not in _ZSH_OPTIONS and name.startswith("no") and name[2:] in _ZSH_OPTIONS:
            name, value = name[2:], not on
        if name in _ZSH_OPTIONS:
            out.append(_ZSH_OPTIONS[name][0 if value else 1])
    return out


def _sysopen(words: list[str], original: str) -> str:
    """zsh/system's ``sysopen [-arw] [-m MODE] [-o OPTS] -u FD FILE``: opened to write (``-w``, ``-a``, or ``-o``
    with creat or trunc), FILE is written (in place, appended, emptied: checked in zsh 5.9) by what follows
    (``syswrite -o $fd``, ``print -u $fd``): read as a write of FILE besides."""
    flags, options, k = "", "", 0
    while k < len(words) - 1 and words[k].startswith("-"):
        flags += words[k][1:]
        if words[k][-1:] in ("m", "o", "u"):
            options += words[k + 1] if words[k].endswith("o") else ""
            k += 1
        k += 1
    if not (set(flags) & set("wa") or re.search(r"creat|trunc", options)):
        return original
    return f"{original}; : >> {words[-1]}"


def _print(words: list[str], original: str) -> str:
    """zsh's ``print`` only writes its arguments (escapes read unless -r; -l one a line, -n no newline): bash's
    ``echo -e`` / ``printf '%b\\n'``, which the guard knows, so the text it writes into a file is known (``print
    'pkill node' > f; . ./f`` runs pkill; bash's ``print`` is another program, of unknown use). With any other
    option (-v, -s, -z, -u, -P, -f...): as is."""
    flags = ""
    while words and words[0].startswith("-") and words[0] not in ("-", "--"):
        flags += words[0][1:]
        words = words[1:]
    if words[:1] in (["-"], ["--"]):
        words = words[1:]
    if "v" in flags and words:  # (print -v NAME ...: NAME is assigned what it would print, not known here)
        return " ".join(["printf", "-v", words[0], "%s", UNKNOWN, *words[1:]])
    if not set(flags) <= set("rnlNE"):
        return original
    if "l" in flags or "N" in flags:
        return " ".join(["printf", "'%s\\n'" if "r" in flags else "'%b\\n'", *words])
    return " ".join(["echo", *(["-n"] if "n" in flags else []), "-E" if "r" in flags else "-e", *words])


def _run_code(head: str, words: list[str]) -> str | None:
    """The code ``emulate -c``, ``sched``, ``zpty``, ``add-zsh-hook`` and ``zle -N`` run (None: they run none)."""
    if head == "emulate":
        if "-c" not in words[:-1]:
            return None
        at = words.index("-c")
        # (as sh or ksh, zsh keeps an assignment before a special builtin: POSIX_BUILTINS, bash's POSIX mode)
        posix = "set -o posix; " if set(words[:at]) & {"sh", "ksh"} else ""
        return posix + "eval " + words[at + 1]
    if head == "sched":
        rest = words[1:] if words[:1] == ["-o"] else words
        if len(rest) < 2 or not rest[0].lstrip("+")[:1].isdigit():
            return None
        return "eval " + " ".join(rest[1:])
    if head == "zpty":
        while words and re.fullmatch(r"-[eb]+", words[0]):
            words = words[1:]
        if len(words) < 2 or words[0].startswith("-"):
            return None
        return "eval " + " ".join(words[1:])
    if head in ("add-zsh-hook", "add-zle-hook-widget"):  # -U -z -k: how to autoload it; -d -D: removed; -L: list
        operands = [w for w in words if not w.startswith("-")]
        if len(operands) != 2 or any(w.startswith("-") and set(w[1:]) & set("dDL") for w in words):
            return None
        return f"{head} {' '.join(words)}; {_later_call(operands[1])}"
    if head == "zmv":
        return _zmv(words)
    if head == "zcalc":  # zcalc [-e] EXPR...: each argument evaluated (its substitutions run), then its prompt
        exprs = [w for w in words if not w.startswith("-")]
        return " ".join(["zcalc", *words]) + "".join("; eval printf %s " + w for w in exprs)
    if head == "regexp-replace" and len(words) == 3:  # VAR REGEX REPLACEMENT: the replacement is evaluated
        return f"regexp-replace {' '.join(words)}; eval printf %s {words[2]}"
    if head == "zle" and words[:1] == ["-N"] and len(words) in (2, 3):
        return f"zle -N {' '.join(words[1:])}; {_later_call(words[-1])}"
    return None


def _zmv(words: list[str]) -> str | None:
    """``zmv [-fin...] [-C|-L|-p PROG|-o OPTS] 'SRC-PATTERN' 'DEST'``: each path the pattern matches moved (``-C``
    copied, ``-L`` linked, ``-p`` given to PROG) to DEST, which zmv evaluates (``$1`` is the first group; a
    substitution in it runs). Read as that command on the pattern's glob (its groups ``*``) and DEST as written
    (its literal text names the directory the paths go to), and an ``eval`` of DEST. None: not taken apart."""
    program, options, k = "mv", [], 0
    while k < len(words) and words[k].startswith("-") and words[k] != "--":
        flags = words[k][1:]
        if flags[:1] in ("p", "P", "o"):
            value = flags[1:] or (words[k + 1] if k + 1 < len(words) else "")
            k += 1 if flags[1:] else 2
            if flags[0] == "o":
                options.append(value)
            else:
                program = value
            continue
        if not re.fullmatch(r"[fiMnqQsvwWCL]+", flags):
            return None
        program = "cp" if "C" in flags else "ln" if "L" in flags else program
        k += 1
    operands = words[k + 1 :] if words[k : k + 1] == ["--"] else words[k:]
    if len(operands) != 2 or not program:
        return None
    source, dest = operands
    unquoted = source[1:-1] if len(source) > 1 and source[0] == source[-1] and source[0] in "'\"" else source
    glob = unquoted
    while (group := _ZMV_GROUP.search(glob)) is not None:  # (a) is a group there: a; (a|b) is *
        inner = group.group(1)
        glob = glob[: group.start()] + ("*" if "|" in inner else inner) + glob[group.end() :]
    return " ".join([f"eval printf %s {dest};", program, *options, "--", glob, dest])


def _command_end(text: str, i: int) -> int:
    """Where the simple command going on at ``text[i]`` ends (an unquoted separator, or the end)."""
    n = len(text)
    while i < n and text[i] not in ";&|\n)":
        i = skip_quoted(text, i) if text[i] in "\\'\"`$" else i + 1
    return i


def _split_words(text: str) -> list[str]:
    words: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] in " \t":
            i += 1
            continue
        j = i
        while j < n and text[j] not in " \t":
            j = skip_quoted(text, j) if text[j] in "\\'\"`$" else j + 1
        words.append(text[i:j])
        i = j
    return words


def _zargs(words: list[str]) -> str | None:
    """``zargs -- a b -- pkill -f`` runs ``pkill -f a b``; with ``-n N`` a command per N inputs, with ``-i`` /
    ``-I STR`` one per input, STR (``{}``) replaced by it. None: not taken apart (other options, an input that
    expands to several words with ``-n``)."""
    seps = [k for k, w in enumerate(words) if w == "--"]
    if len(seps) >= 2:
        options, inputs, command = words[: seps[0]], words[seps[0] + 1 : seps[1]], words[seps[1] + 1 :]
    elif len(seps) == 1 and seps[0] > 0 and not any(w.startswith("-") for w in words[: seps[0]]):
        options, inputs, command = [], words[: seps[0]], words[seps[0] + 1 :]
    else:
        return None
    per, replace, k = 0, "", 0
    while k < len(options):
        option = options[k]
        value = options[k + 1] if k + 1 < len(options) else ""
        if option in _ZARGS_FLAGS:
            k += 1
        elif option in ("-n", "-P", "-I") or (option[:2] in ("-n", "-P", "-I") and len(option) > 2):
            given = option[2:] or value
            k += 1 if option[2:] else 2
            if option.startswith("-n"):
                if not given.isdigit() or int(given) < 1:
                    return None
                per = int(given)
            elif option.startswith("-I"):
                replace = given
        elif option == "-i":
            replace, k = "{}", k + 1
        else:
            return None
    if not command or not inputs:
        return None if command else ""
    if replace:
        return "; ".join(" ".join(w.replace(replace, i) for w in command) for i in inputs)
    if per and any(_PLAIN.fullmatch(i) is None for i in inputs):
        return None
    per = per or len(inputs)
    return "; ".join(" ".join(command + inputs[b : b + per]) for b in range(0, len(inputs), per))


def _names(text: str) -> _Names:
    """Names the text assigns as arrays (``a=(...)``, ``a+=(...)``, ``a[1]=x``, ``typeset -a a``, ``set -A a``)
    and as scalars, and the named directories it defines."""
    arrays = frozenset(m.group(1) or m.group(2) for m in _ARRAY_ASSIGNED.finditer(text)) | _SHELL_ARRAYS
    scalars = frozenset(m.group(1) for m in _SCALAR_ASSIGNED.finditer(text)) - arrays
    directories = {m.group(1): m.group(2) for m in _NAMED_DIR.finditer(text)}
    values = _known_values(text, scalars) if ":" in text else {}
    assigned = "commands" in text and (
        text.count("commands") > len(_COMMANDS_READ.findall(text)) or "hash" in text or "BASH_CMDS" in text
    )
    whole = _DECIDING.search(text) is not None and "<<" not in text.replace("<<<", "")
    return _Names(arrays, scalars, directories, values=values, commands_assigned=assigned, whole_scalars=whole)


#: the length of a parameter: ``${#x}``, and zsh's ``$#x``
_LENGTH = re.compile(r"\$\{#([A-Za-z_]\w*)\}|\$#([A-Za-z_]\w*)")
#: a test or a case, which may decide what runs by a value's words (elsewhere bash's splitting of an unquoted $x
#: makes more words than zsh's, which is judged the stricter way: the line is judged as bash reads it too, and so
#: each line is judged once where the two readings are alike)
_DECIDING = re.compile(r"(?:^|[\s;&|({])(?:\[\[?|test|case)(?=\s)")


#: ``$commands[NAME]``, ``${commands[NAME]}``: a read of zsh's table of commands (any other mention may write it)
_COMMANDS_READ = re.compile(r"\$(?:commands\[[\w.+-]+\]|\{commands\[[\w.+-]+\]\})")


def _known_values(text: str, scalars: frozenset[str]) -> dict[str, str]:
    """The names the line gives a plain value once, in a statement that always runs before any other word of it
    (nothing before but plain statements: no group, pipe, ``&&``/``||``, substitution or compound command), and
    names nowhere else but expanded (``$x``, ``${x...}``) after it: their value where they are expanded is that
    one (a loop, ``read``, another assignment, a flag or subscript elsewhere: not known here)."""
    values: dict[str, str] = {}
    for m in _PLAIN_ASSIGNMENT.finditer(text):
        name = m.group(2)
        if name not in scalars or _NOT_PLAIN_BEFORE.search(text, 0, m.start(2)):
            continue
        uses = [u.start() for u in re.finditer(r"(?<![\w-])" + name + r"\b", text) if u.start() != m.start(2)]
        if all(u > m.start(2) and (text[u - 1] == "$" or text.startswith("${", u - 2)) for u in uses):
            values[name] = m.group(3)
    return values


#: ``NAME=VALUE`` of plain text, a statement of its own (after the line's start, ``;`` or a newline)
_PLAIN_ASSIGNMENT = re.compile(r"(^|[;\n])\s*([A-Za-z_]\w*)=([\w./+@%,:-]+)(?=[ \t]*(?:$|[;\n]))")
_NOT_PLAIN_BEFORE = re.compile(
    r"[(){}|&`<>]|\$\(|\b(?:if|then|else|elif|while|until|for|foreach|case|select|function|repeat|do)\b"
)


def _rewrite(text: str, names: _Names) -> str:
    out: list[str] = []
    i, n, in_double = 0, len(text), False
    while i < n:
        c = text[i]
        at_word_start = not in_double and (i == 0 or text[i - 1] in _WORD_START)
        if c == "\\" or (c in "'`" and not in_double) or text.startswith(("$'", "$(("), i):
            end = skip_quoted(text, i)  # (arithmetic, $((...)), is read alike)
            out.append(text[i:end])
            i = end
        elif not in_double and text.startswith("((", i) and (end := _arithmetic_end(text, i)) > 0:
            out.append(text[i:end])  # (and so is ((...)))
            i = end
        elif c == '"':
            in_double = not in_double
            out.append(c)
            i += 1
        elif text.startswith("$(", i):
            end = skip_quoted(text, i)
            closed = text[end - 1 : end] == ")"
            out.append("$(" + _rewrite(text[i + 2 : end - 1 if closed else end], names) + (")" if closed else ""))
            i = end
        elif c == "$" and (names.expansions or text.startswith("${", i)):
            piece, i = _parameter(text, i, names, in_double)
            out.append(piece)
        elif not names.expansions:
            out.append(c)
            i += 1
        elif at_word_start and (m := _SUBSCRIPT_ASSIGNMENT.match(text, i)) and m.group(1) in names.arrays:
            out.append(f"{m.group(1)}[{max(int(m.group(2)) - 1, 0)}]{m.group(3)}")  # a[1]=x: 1-based
            i = m.end()
        elif at_word_start and c == "=" and _NAME.match(text, i + 1):
            i += 1  # =cmd: the command's path
        elif at_word_start and c == "#":
            out.append("\\#")  # no comment at zsh's prompt unless INTERACTIVE_COMMENTS (bash's reading has one)
            i += 1
        elif at_word_start and (m := _TILDE.match(text, i)) and _named_directory(m.group(1), names) is not None:
            out.append(_named_directory(m.group(1), names) or "")
            i = m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _named_directory(name: str, names: _Names) -> str | None:
    """``~name``: a directory ``hash -d`` named, or the value of a parameter the line assigns (zsh takes a
    parameter whose value is an absolute path as a named directory)."""
    if name in names.directories:
        return names.directories[name]
    if name in names.scalars:
        return '"${' + name + '}"'
    return None


def _parameter(text: str, i: int, names: _Names, in_double: bool) -> tuple[str, int]:
    """The bash text for the parameter expansion at ``text[i]`` (a ``$``) and the index after it."""
    length = _LENGTH.match(text, i) if names.expansions and text.startswith(("$#", "${#"), i) else None
    if length is not None:  # (zsh's ${#a} of an array counts its elements, as bash's ${#a[@]}; $#x is ${#x})
        name = length.group(1) or length.group(2)
        return "${#" + name + ("[@]" if name in names.arrays else "") + "}", length.end()
    if text.startswith("${", i):
        end = skip_quoted(text, i)
        m = _BRACED.match(text[i + 2 : end - 1]) if text[end - 1 : end] == "}" else None
        offset = _ARRAY_OFFSET.match(text[i + 2 : end - 1]) if m is None and names.expansions else None
        if offset is not None and offset.group(1) in names.arrays:
            every = "*" if in_double else "@"
            body = "${" + offset.group(1) + f"[{every}]:" + text[i + 2 + offset.end(1) + 1 : end - 1] + "}"
            return (body if in_double else '"' + body + '"'), end
        subst = _BRACED_SUBSTITUTION.match(text, i + 2, end - 1) if m is None and names.expansions else None
        if subst is not None and text[end - 1 : end] == "}":
            return _braced_substituted(subst, text[subst.end() : end - 1], names, in_double), end
        if m is None:
            return _nested(text[i:end], names), end
        if not names.expansions:
            return text[i:end], end
        param = _Param(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), in_double)
    else:
        m = _UNBRACED.match(text, i + 1)
        if m is None:
            return "$", i + 1
        end, sub = m.end(), None
        if end < len(text) and text[end] == "[":
            close = text.find("]", end)
            if close > 0:
                sub, end = text[end + 1 : close], close + 1
        modifiers = _UNBRACED_MODIFIERS.match(text, end)
        if modifiers is not None:
            end = modifiers.end()
        if _SUBSTITUTION_MODIFIER.match(text, end):
            return _substituted(text, end, m.group(2), sub is None and not modifiers, in_double)
        param = _Param(m.group(1), None, m.group(2), sub, modifiers.group(0) if modifiers else "", in_double)
    piece = _expansion(param, names)
    return (text[i:end] if piece is None else piece), end


def _substituted(text: str, i: int, name: str, plain: bool, in_double: bool) -> tuple[str, int]:
    """``$x:s/OLD/NEW/`` (``:gs`` each one; any delimiter; the last one may be left out at the word's end): x with
    OLD replaced by NEW, bash's ``${x/OLD/NEW}`` (checked in zsh 5.9: ``x=/tmp/x; rm -rf $x:s/tmp/opt/`` removed
    /opt/x, read as a path under /tmp before). Not known where OLD or NEW is not plain text (``&``, a pattern, a
    substitution), or after another modifier or a subscript."""
    m = _SUBSTITUTION_MODIFIER.match(text, i)
    assert m is not None
    delimiter, j, parts = m.group(2), m.end(), ["", ""]
    for k in range(2):
        while j < len(text) and text[j] != delimiter and not text[j].isspace() and text[j] not in ";&|()<>\"`'$":
            if text[j] == "\\" and j + 1 < len(text):
                j += 1
            parts[k] += text[j]
            j += 1
        if j < len(text) and text[j] == delimiter:
            j += 1
        elif k == 0:
            return UNKNOWN, j
    old, new = parts
    if not plain or not old or any(_PATH_WORD.fullmatch(p) is None for p in (old, new or "x")):
        return UNKNOWN, j
    body = "${" + name + ("//" if m.group(1) else "/") + old.replace("/", "\\/") + "/" + new + "}"
    return (body if in_double else '"' + body + '"'), j


def _braced_substituted(m: re.Match[str], rest: str, names: _Names, in_double: bool) -> str:
    """``${x:s/OLD/NEW/}`` (``:gs``; other modifiers before it, ``${x:h:s/tmp/opt/}``): computed on a value the
    line gives, else bash's ``${x/OLD/NEW}`` where it comes alone (zsh 5.9: ``x=/tmp/a; rm -rf ${x:s/tmp/opt/}``
    removed /opt/a). Not known where OLD or NEW is not plain, or where text is left after it (zsh refuses
    ``${x:s/a/b/c/}``: unrecognized modifier)."""
    name, letters, each, delimiter = m.group(1), [x for x in m.group(2).split(":") if x], m.group(3), m.group(4)
    old, sep, tail = rest.partition(delimiter)
    new, _, left = tail.partition(delimiter)
    plain = all(_PATH_WORD.fullmatch(x) for x in (old, new or "x")) and not left and (sep or not old)
    value = names.values.get(name)
    if not plain or not old:
        return UNKNOWN
    if value is not None:
        computed = _zsh_modified(value, [*((x, "", "", False) for x in letters), ("s", old, new, bool(each))])
        if computed is not None:
            return _literal(computed)
    if letters:
        return UNKNOWN
    body = "${" + name + ("//" if each else "/") + old.replace("/", "\\/") + "/" + new + "}"
    return body if in_double else '"' + body + '"'


#: ``${name:s/`` and its kin: the name, the modifiers before, ``g``, the delimiter (the rest is read after)
_BRACED_SUBSTITUTION = re.compile(r"([A-Za-z_]\w*)((?::[a-zA-Z])*):(g?)s([^\w\s}])")


def _nested(expansion: str, names: _Names) -> str:
    """``${(f)"$(cmd)"}``, ``${(j:,:)${=x}}``: flags applied to a nested word, whose value zsh computes (the
    substitution runs): that word, read as zsh reads it, its value changed by the flags (split, joined, cased),
    which name no other command. What they make of it is not known here: so are the value and how many words it
    makes (a test or a case decided on the word as if no flag changed it). ``e`` (the value run as code) and
    ``P`` (a name taken from the value) are not read: the text is left as it is (the parsers refuse it)."""
    if (empty := _EMPTY_DEFAULT.match(expansion)) is not None:
        return _rewrite(empty.group(1), names)  # ${:-WORD}: WORD
    flagged = _FLAGGED.match(expansion)
    if flagged is not None and "e" in _SEP_FLAG.sub("", flagged.group(1)):
        return _evaluated(flagged.group(2), names)
    m = _NESTED.match(expansion)
    if m is None or set(_SEP_FLAG.sub("", m.group(1))) & {"e", "P"}:
        return expansion
    return (UNKNOWN if m.group(1) else "") + _rewrite(m.group(2), names)


def _evaluated(rest: str, names: _Names) -> str:
    """``${(e)REST}`` where REST is no plain name (``${(e)x:-WORD}``, ``${(e):-WORD}``, ``${(e)${...}}``,
    ``${(e)"$(cmd)"}``): zsh expands the value again, running the substitutions in it, as ``eval`` of it does
    (each value it may have: the parameter's, or the default word's)."""
    if rest.startswith(("$", '"')):
        return "$(eval printf %s " + _rewrite(rest, names) + ")"
    m = _DEFAULTED.match(rest)
    if m is None:
        return '$(eval printf %s "${' + rest + '}")'
    head = '$(eval printf %s "${' + m.group(1) + '}")' if m.group(1) else ""
    return head + "$(eval printf %s " + _rewrite(m.group(2), names) + ")"


def _expansion(p: _Param, names: _Names) -> str | None:
    """bash for one zsh expansion; None: read alike (or not understood: the bash reading stands alone)."""
    flagset = set(_SEP_FLAG.sub(lambda m: "z" if m.group(1) == "s" else "", p.flags or ""))
    if p.name == "mapfile" and "k" in flagset and p.sub is None and not p.in_double:
        return "* .[!.]*"  # (zsh/mapfile's keys: the files in the cwd, dot files too; rm ${(k)mapfile})
    if not flagset <= _KNOWN_FLAGS:
        return None
    if p.name == "argv":
        return "$*" if p.in_double and p.sub is None else _quoted(_positional(p.sub), p)
    split = bool(flagset & _SPLIT_FLAGS) or "=" in p.prefix or "~" in p.prefix
    if p.modifiers:
        return _with_modifiers(p, split, names)
    if "e" in flagset:
        return _quoted('$(eval "printf %s \\"${' + p.name + '}\\"")', p)
    if flagset & {"L", "U", "P"}:
        if p.sub is not None:
            return UNKNOWN
        body = "${!" + p.name + "}" if "P" in flagset else "${" + p.name + (",," if "L" in flagset else "^^") + "}"
        return body if split else _quoted(body, p)
    array = p.name in names.arrays
    if p.name == "commands" and p.sub is not None and not names.commands_assigned:
        name = p.sub.strip().strip("'\"")
        if _PLAIN.fullmatch(name) and not flagset:  # (the path of NAME's program; the guard knows it by name)
            return _quoted(name, p)
    if p.sub is not None:
        body = _subscript(p.name, p.sub.strip(), array, p.in_double)
        return body if split or body == UNKNOWN else _quoted(body, p)
    if split:
        return "${" + p.name + "}"
    if not array:
        return _whole(p) if names.whole_scalars else None
    return "${" + p.name + "[*]}" if p.in_double else '"${' + p.name + '[@]}"'


def _whole(p: _Param) -> str | None:
    """An unquoted scalar, plain (``$x``, ``${x}``): zsh neither splits nor globs its value, and drops it where
    empty (bash's ``${x:+"$x"}``). Read as bash reads ``$x``, ``x='a b'; set -- $x; [ $# = 1 ] && pkill node``
    gave two arguments, and the branch zsh runs was left out."""
    if p.in_double or p.prefix or p.flags or p.modifiers:
        return None
    return "${" + p.name + ':+"${' + p.name + '}"}'


def _literal(value: str) -> str:
    """A value the guard computed, as one word of bash text that expands to it."""
    return "'" + value.replace("'", "'\\''") + "'"


def _zsh_modified(value: str, modifiers: list[tuple[str, str, str, bool]]) -> str | None:
    """``value`` through zsh's modifiers in turn (each: its letter, and for ``s`` the old text, the new, ``g``), as
    zsh 5.9 computes them (hist.c's remtpath, remlpaths, the :s substitution); None for one not computed here."""
    for letter, old, new, each in modifiers:
        if letter == "h":
            value = _zsh_head(value)
        elif letter == "t":
            stripped = value.rstrip("/") if value.endswith("/") else value
            value = stripped[stripped.rfind("/") + 1 :]
        elif letter in "lu" and value.isascii():
            value = value.lower() if letter == "l" else value.upper()
        elif letter == "s" and old and not any(c in "&\\" for c in new):
            value = value.replace(old, new) if each else value.replace(old, new, 1)
        elif letter not in ("q", "x"):  # (quoting for the shell: the value zsh runs is the same)
            return None
    return value


def _zsh_head(value: str) -> str:
    """zsh's ``:h``: trailing slashes ignored, the last name and the slashes before it removed; ``.`` for a name
    alone, ``/`` for the root (``x=/opt; print $x:h`` prints /, ``x=abc`` prints .: zsh 5.9)."""
    i = len(value) - 1
    while i >= 0 and value[i] == "/":
        i -= 1
    while i >= 0 and value[i] != "/":
        i -= 1
    if i < 0:
        return "/" if value.startswith("/") else "."
    while i > 0 and value[i - 1] == "/":
        i -= 1
    if i > 0:
        return value[:i]
    return "//" if value[1:2] == "/" and value[2:3] not in ("/", "") else "/"  # (``//a``: a root of its own)


def _quoted(body: str, p: _Param) -> str:
    """zsh does not split an unquoted expansion: a quoted one in bash (as is within double quotes)."""
    return body if p.in_double or body.startswith('"') else f'"{body}"'


def _positional(sub: str | None) -> str:
    """``$argv`` is the positional parameters: ``$argv[2]`` is ``$2``."""
    if sub is None or sub.strip() in ("@", "*"):
        return '"$@"'
    index = sub.strip()
    return "${" + index + "}" if index.isdigit() else UNKNOWN


def _with_modifiers(p: _Param, split: bool, names: _Names) -> str | None:
    """``$x:t`` and the like: one modifier that changes the value (the others leave a path as it is); a chain of
    them (``$x:h:t``) on a value the line gives computed as zsh does (:func:`_zsh_modified`)."""
    letters = [m for m in p.modifiers.split(":") if m]
    value = names.values.get(p.name) if p.sub is None and not p.flags and not split else None
    if value is not None:
        computed = _zsh_modified(value, [(m, "", "", False) for m in letters])
        if computed is not None:
            return _literal(computed)
    changing = [m for m in letters if _MODIFIER_EXPANSIONS.get(m) != ""]
    if "Q" in letters:  # (the value with its quotes removed: x="'pkill'"; $x:Q runs pkill)
        return UNKNOWN
    if any(m not in _MODIFIER_EXPANSIONS for m in letters):
        return None
    if p.sub is not None or len(changing) > 1:
        return UNKNOWN
    body = _MODIFIER_EXPANSIONS[changing[0]].format(p.name) if changing else "${" + p.name + "}"
    return body if split else _quoted(body, p)


def _subscript(name: str, sub: str, array: bool, in_double: bool) -> str:
    """``$name[sub]`` in zsh (1-based; a scalar's subscript counts characters) as bash."""
    if sub in ("@", "*"):
        return "${" + name + "[" + sub + "]}"
    m = _INDEX.fullmatch(sub)
    if m is None:
        return UNKNOWN
    first = int(m.group(1))
    last = int(m.group(2)) if m.group(2) is not None else None
    if first == 0 or (last is not None and (first < 0 or last < first)):
        return UNKNOWN
    start = first - 1 if first > 0 else first
    if last is None:
        return "${" + name + f"[{start}]" + "}" if array else "${" + name + f": {start}:1" + "}"
    count = last - first + 1
    if not array:
        return "${" + name + f":{start}:{count}" + "}"
    if count > _MAX_RANGE:
        return "${" + name + f"[@]:{start}:{count}" + "}"
    elements = ["${" + name + f"[{k}]" + "}" for k in range(start, start + count)]
    return " ".join(elements) if in_double else " ".join(f'"{e}"' for e in elements)


# ---------------------------------------------------------------------------------------------------------------
# zsh's special parameters whose assignment changes what a name runs, or writes a file (round 24)

#: A cheap test for :func:`_special_parameters`.
_TABLES_HINT = re.compile(r"commands|aliases|functions|mapfile|nameddirs|options|PROMPT|RPS|PS3")
#: ``commands``, ``aliases`` (and ``galiases``, ``saliases``, their ``dis_`` kin), ``nameddirs`` (zsh/parameter) and
#: ``mapfile`` (zsh/mapfile), written with a subscript, or assigned whole; a ``${`` (with flags) before it is told.
_TABLE = re.compile(
    r"(\$\{[#+=~^!]*(?:\([^)]*\))?[#+=~^!]*)?(?<![\w$/.#+=~^!-])"
    r"((?:dis_)?(?:[gs]?aliases|functions)|commands|mapfile|nameddirs|options)(?:(\\?\[)|(?=\+?=\())"
)
#: After the subscript's ``]``: an assignment (``=``, ``+=``, arithmetic's ``op=``, ``${x::=y}``) or ``++``/``--``.
_TABLE_ASSIGNED = re.compile(r"\\?\](::=|:=|\+=|(?:\*\*|<<|>>|[-*/%&|^])=|=(?!=)|\+\+|--)")
#: Commands that assign a parameter named by an argument (``read 'mapfile[f]'``, ``print -v``, ``zparseopts -A``...).
_NAMED_WRITERS = frozenset(
    {
        *("read", "print", "printf", "getopts", "vared", "sysread", "strftime", "zformat", "zstyle", "zparseopts"),
        *("set", "typeset", "declare", "local", "export", "readonly", "integer", "float", "private", "unset"),
        *("zstat", "zselect", "sysopen", "pcre_match", "zregexparse", "compadd", "let"),
    }
)
_PLAIN_KEY = re.compile(r"[\w./@%+,:-]+")
#: A value used as a pattern: ``$~x``, ``${~x}``, or any value once GLOB_SUBST is set.
_GLOB_SUBST = re.compile(r"\$\{?[=^]*~|glob_?subst", re.IGNORECASE)
_QUOTED = re.compile(r"'([^']*\([^']*)'|\"([^\"$`\\]*\([^\"$`\\]*)\"")
#: A command of redirections alone (``< FILE``): zsh runs ``$READNULLCMD < FILE`` (``$NULLCMD`` with an output).
_NULL_COMMAND = re.compile(_COMMAND_START + r"(?=\d*<[^<(&]|\d*>[^>(&|])")
_REDIRECTION = re.compile(r"\d*(?:>>|>\||<>|<|>)\s*[^\s;&|()<>]+")
#: zsh's prompts (their ``$(...)`` run at each prompt under PROMPT_SUBST, which oh-my-zsh sets): bash's PS1.
_PROMPTS = re.compile(_COMMAND_START + r"(?:PROMPT[234]?|RPROMPT2?|RPS[12]|SPROMPT|PS3)(?=\+?=)")


def _special_parameters(text: str) -> str:
    """zsh's special parameters written as what they do, the bash text put before the command that writes them:

    - ``commands[NAME]=PATH`` (zsh's hash table: the program NAME runs): bash's ``BASH_CMDS[NAME]=PATH``;
    - ``functions[NAME]=BODY`` in the forms :func:`_zsh_command` does not take (``functions+=([f]=BODY)``,
      ``typeset 'functions[f]=BODY'``, ``read``...): the definition of NAME running BODY;
    - ``aliases[NAME]=TEXT`` (``saliases``, ``dis_aliases``...): ``BASH_ALIASES[NAME]=TEXT``; ``galiases``:
      ``alias -g NAME=TEXT``; ``nameddirs[NAME]=DIR``: ``hash -d NAME=DIR``;
    - ``mapfile[FILE]=TEXT`` writes FILE, ``unset 'mapfile[FILE]'`` removes it (whether or not the line loads
      zsh/mapfile: a .zshrc may have): ``: > FILE``, ``rm -f -- FILE``;
    - the same written by a builtin that assigns a named parameter (``read``, ``print -v``, ``typeset``, ``let``,
      ``(( ))``, ``${x::=y}``...): the value is not known; a key not known statically, or the whole table assigned
      (``mapfile=(...)``, ``set -A commands ...``): which file, or which name, is not known;
    - ``PROMPT=``, ``RPROMPT=`` and the other prompts: ``PS1=`` (a ``$(...)`` in them runs at each prompt)."""
    text = _PROMPTS.sub(r"\1\2PS1", text)
    inserts: dict[int, list[str]] = {}
    start = 0
    while start < len(text):
        end = _statement_end(text, start)
        segment = text[start:end]
        if _TABLES_HINT.search(segment):
            at = start + len(segment) - len(segment.lstrip())
            head = re.match(r"(?:(?:then|do|else|elif|if|while|until|!|\{|time)\s+)*", text[at:end])
            at += head.end() if head else 0
            extra = _segment_writes(text[at:end])
            if extra:
                inserts.setdefault(at, []).extend(extra)
        start = end + 1
    for at in sorted(inserts, reverse=True):
        text = text[:at] + "; ".join(inserts[at]) + "; " + text[at:]
    return text


def _null_command(m: re.Match[str]) -> str:
    """``READNULLCMD=sh; < FILE`` runs ``sh < FILE`` (checked in zsh 5.9): the command zsh runs for a command of
    redirections alone, named, on a line that sets it (its default, a pager or cat, only shows the file)."""
    end = _command_end(m.string, m.end())
    rest = m.string[m.end() : end]
    if _REDIRECTION.sub("", rest).strip():
        return m.group(0)  # (a word that is no redirection: a command)
    name = "READNULLCMD" if ">" not in rest else "NULLCMD"
    return m.group(1) + m.group(2) + '"${' + name + '}" '


def _substituted_qualifiers(text: str) -> str:
    """A quoted value holding a glob qualifier that runs code (``x='*(e{pkill node})'; echo $~x``, ``*(+f)``):
    used as a pattern (``$~x``, GLOB_SUBST), its qualifier runs for each path (checked in zsh 5.9: the stand-in
    ran). The value's own reading as a glob (:func:`zsh_syntax`: ``*$(eval 'pkill node')``) is judged besides,
    for each such quoted text on a line that uses a value as a pattern (which value is not followed)."""
    extra = []
    for m in _QUOTED.finditer(text):
        value = m.group(1) if m.group(1) is not None else m.group(2)
        reading = zsh_syntax(": " + value)
        if "$(" in reading and reading != ": " + value:
            extra.append(reading)
    return text + "".join("\n" + e for e in extra)


def _segment_writes(segment: str) -> list[str]:
    """The bash statements for the special parameters one simple command (``segment``) writes."""
    words = _split_words(segment)
    command = next((w for w in words if not re.match(r"[\w\[\]'\"$/.:-]*\+?=", w)), "")
    named = command in _NAMED_WRITERS
    out: list[str] = []
    for m in _TABLE.finditer(segment):
        braced, table, bracket = m.group(1), m.group(2), m.group(3)
        if bracket is None:  # table=( / table+=(: the whole table, each pair written
            if braced is None:
                for key, value in _pairs(segment, segment.index("(", m.end())):
                    out.extend(_table_statement(table, key, value, unset=False))
            continue
        close = _subscript_end(segment, m.end())
        if close < 0:
            continue
        key = segment[m.end() : close]
        op = _TABLE_ASSIGNED.match(segment, close)
        if braced is not None and (op is None or op.group(1) not in ("::=", ":=", "=")):
            continue  # (a read: ${mapfile[f]}, ${+commands[git]})
        if op is None and not named:
            continue  # (a read in arithmetic, a pattern)
        value = _assigned_value(segment, m, op)
        out.extend(_table_statement(table, key, value, unset=op is None and command == "unset"))
    for word in words[1:] if named else ():
        if _unquoted(word) in ("mapfile", "commands", "aliases", "galiases", "saliases", "nameddirs", "functions"):
            out.extend(_table_statement(_unquoted(word), None, UNKNOWN, unset=command == "unset"))
    return out


def _assigned_value(segment: str, m: re.Match[str], op: re.Match[str] | None) -> str:
    """The value written by ``table[key]=VALUE`` (a word), ``'table[key]=VALUE'`` (a quoted argument, typeset's),
    ``${table[key]::=VALUE}``; not known for the other forms (``read``, ``print -v``, arithmetic)."""
    if op is None or op.group(1) not in ("=", ":=", "::="):
        return UNKNOWN
    before = segment[m.start() - 1] if m.start() else " "
    if m.group(1) is not None:
        value = segment[op.end() : skip_quoted(segment, m.start(1)) - 1]
    elif before in "'\"":
        value = segment[op.end() : segment.find(before, op.end())]
        literal = before == "'" or not set("$`\\") & set(value)
        return "'" + value + "'" if literal else UNKNOWN
    elif op.group(1) == "=" and before in _WORD_START:
        return segment[op.end() : _word_end(segment, op.end())] or "''"
    else:
        return UNKNOWN
    return value if _PLAIN_KEY.fullmatch(value) else UNKNOWN


def _table_statement(table: str, key: str | None, value: str, unset: bool) -> list[str]:
    """The bash statement doing what writing ``table[key]`` (None: the whole table) does in zsh."""
    plain = _unquoted(key) if key is not None else None
    if plain is not None and _PLAIN_KEY.fullmatch(plain) is None:
        plain = None  # (a key with a substitution, a pattern or a tilde: not known)
    quoted = "'" + plain + "'" if plain is not None else UNKNOWN
    if table == "mapfile":
        if key is None:
            return [] if unset else [": > " + UNKNOWN]  # (unset mapfile removes no file)
        return ["rm -f -- " + quoted] if unset else [": > " + quoted]
    if unset or (table == "nameddirs" and (plain is None or _NAME.fullmatch(plain) is None)):
        return []
    if table == "options":  # (options[cdablevars]=on is setopt cdablevars)
        return _options_set([plain or ""], value.strip("'\"") == "on") if key is not None else []
    if table == "nameddirs":
        return [f"hash -d {plain}={value}"]
    if table == "commands":
        return [f"BASH_CMDS[{quoted}]={value}" if plain is not None else f"BASH_CMDS=({UNKNOWN})"]
    if table.endswith("functions"):  # (the body, run at each call of the name: not known, any name's)
        known = plain is not None and _NAME.fullmatch(plain) is not None
        return [f"{plain} () {{ eval {value}; }}" if known else f"eval {UNKNOWN}"]
    if plain is not None and table.endswith("galiases"):
        return [f"alias -g {quoted}={value}"]
    return [f"BASH_ALIASES[{quoted}]={value}" if plain is not None else f"BASH_ALIASES=({UNKNOWN})"]


def _statement_end(text: str, i: int) -> int:
    """Where the simple command going on at ``text[i]`` ends, as :func:`_command_end`, stepping over the
    parentheses of an array assigned (``a=(x y)``)."""
    n = len(text)
    while i < n and text[i] not in ";&|\n)":
        if text.startswith("=(", i):
            close = _array_end(text, i + 2)
            i = close + 1 if close > 0 else n
        else:
            i = skip_quoted(text, i) if text[i] in "\\'\"`$" else i + 1
    return i


def _pairs(text: str, opening: int) -> list[tuple[str | None, str]]:
    """The keys and values of ``(k v ...)`` or ``([k]=v ...)`` opened at ``text[opening]``; ``(None, unknown)``
    where they are not known (a word that may split, an odd count, a list not closed)."""
    close = _array_end(text, opening + 1)
    words = _split_words(text[opening + 1 : close]) if close > 0 else ["$"]
    if any("$" in w or "`" in w for w in words):
        return [(None, UNKNOWN)]
    pairs: list[tuple[str | None, str]] = []
    if all(w.startswith("[") and "]=" in w for w in words):
        for w in words:
            key, _, value = w[1:].partition("]=")
            pairs.append((key, value or "''"))
        return pairs
    if len(words) % 2 or any(w.startswith("[") for w in words):
        return [(None, UNKNOWN)]
    return list(zip(words[::2], words[1::2], strict=True))


def _subscript_end(text: str, i: int) -> int:
    """The index of the ``]`` (or ``\\]``) closing a subscript opened before ``text[i]``; -1 if none."""
    n = len(text)
    while i < n and text[i] != "]":
        if text.startswith("\\]", i):
            return i
        i = skip_quoted(text, i) if text[i] in "\\'\"`$" else i + 1
    return i if i < n else -1


def _word_end(text: str, i: int) -> int:
    """Where the word going on at ``text[i]`` ends (an unquoted blank or separator)."""
    n = len(text)
    while i < n and text[i] not in " \t;&|\n)":
        i = skip_quoted(text, i) if text[i] in "\\'\"`$" else i + 1
    return i


def _unquoted(word: str) -> str:
    """``word`` without its quotes and backslashes (a ``$`` in it stays: its value is not known)."""
    return re.sub(r"\\(.)|'([^']*)'|\"([^\"$`]*)\"", lambda m: m.group(1) or m.group(2) or m.group(3) or "", word)
