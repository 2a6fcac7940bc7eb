"""zsh's grammar where it is not bash's, written as the bash text that runs the same commands.

The guard's parsers read bash, so a zsh line in zsh's own syntax was refused as ``unread`` (blocked) at the zsh
prompt: ``sleep 100 &!``, ``for f (*.log) gzip $f``, ``() { echo $1 } x``, ``rm *.tmp(N)``. Worse, a brace group
closed without ``;`` (``{ pkill node }``) looked *unfinished* to ``bash -n``, and the hook lets an unfinished line
through to the shell to read more, while zsh runs it. :func:`zsh_syntax` rewrites these forms; the rule it keeps is
that **the translation runs at least every command zsh runs, with every argument that can name a path or a
process** (stricter is fine, looser never). A form it cannot translate with that certainty is left as it is (the
parsers refuse it: ``unread``), or, where bash's parsers would read the original as something harmless, made
unreadable on purpose (:data:`REFUSED`).

What it translates (zsh with its default options, SHORT_LOOPS and BARE_GLOB_QUAL on, IGNORE_BRACES off):

- ``cmd &!`` / ``cmd &|`` (background and disown): ``cmd & disown``;
- short and alternate loops: ``for f (a b) cmd``, ``for f in a b; cmd``, ``for f in a b; { list }``,
  ``for ((...)) cmd``, ``foreach f (a b) list end``, ``select``, ``repeat N cmd`` (``for _ in 1``: the body once),
  several names ``for k v (...)`` (one nested loop per name over all the words: every value reaches every name);
- the brace forms ``if cond { list } elif cond { list } else { list }``, ``while cond { list }``, ``until``;
  ``then``/``do`` straight after ``]]`` or ``))``; the short forms ``if [[ c ]] sublist``, ``while (( c ))
  sublist``, ``until ...`` (the condition ended by ``]]`` or ``))``, the body a sublist, ended as a short loop's);
- ``case word { (pattern) list ;; }``: ``case word in ... esac``; ``{ try } always { always }``: both groups;
- zsh's clobbering redirections ``>!``, ``>>!``, ``&>!``, ``>&!`` (``|`` for ``!``): ``>|``, ``>>``, ``&>``, ``>&``;
- a ``}`` with no separator before it (``{ pkill node }``, ``f() { cmd }``): ``; }``; zsh's lexer also opens a
  group with a word that starts with ``{`` at command position and closes it with a ``}`` that ends a word
  (``{pkill node}`` runs ``pkill node``; bash reads a command named ``{pkill``): ``{ pkill node; }``; so does
  such a word where a body opens (``else {b}``, ``always {b}``, ``() {b}``, a loop's ``{b}``, after a
  condition's ``]]``); ``foreach f (a b) { list }`` (no ``end``) and ``function f g; { list }`` (a separator
  before the body) as the other loops and functions are;
- anonymous functions ``() { body } args`` and ``function { body } args``: a function defined and called with
  the arguments (the engine follows a call into its body with its arguments);
- glob qualifiers (``*(.)``, ``dist(/)``, ``*.tmp(N)``, ``**/*(.om[1,5])``, ``(#q...)``): the glob without them
  (a qualifier only filters which paths the glob yields), except those that run code or change the words:
  ``e:code:`` and ``+cmd`` are read as the code they run (``$(eval code)``); path modifiers (``*(:t)``,
  ``*(.:r)``) make the word's value unknown (``:h`` of ``dir/glob`` is ``dir``; ``:a``, ``:A``, and ``:t`` with no
  ``/``, keep the glob); ``P``, ``:s/a/b/`` and qualifiers whose delimiters are unclear are refused; an
  alternation group (``*.(jpg|png)``, also at the start of a word: ``(foo|bar).txt``, ``(#i)readme*``) is ``*``
  there (more paths, never fewer), followed by the expansions written in it (``(a|$(cmd))``: zsh runs ``cmd``);
- the elements of an array assignment (``files=(*.txt(N))``), read as words;
- ``=(cmd)`` (the output of ``cmd`` in a temporary file): ``<(cmd)``;
- ``$(( ... ) ...)`` whose ``((`` does not close with ``))`` (``$(() { echo $1 } a)``): a command
  substitution, as zsh's lexer reads it.

The syntax inside command and process substitutions and backquotes is translated the same way, and so are the
lists of ``case`` items (their patterns are kept).

What it leaves refused: text still
unfinished (``foreach`` before its ``end``), here-documents, ``elif``'s short form.

Why the translation may stand in for the refusal (serve's ``zsh_syntax_findings``): the zsh door knows the shell
is zsh. Text the parsers cannot read is no line bash would run, and no zsh option gives it a bash reading either;
what runs is zsh's reading of it, and the translation runs at least every command of that reading with every
argument that can name a path or a process. Its words keep bash's expansion there (the reading of a zsh set to
SH_WORD_SPLIT or KSH_ARRAYS), zsh's own expansions are judged besides (``zshread``), the stricter verdict stands.
Checked against a real ``zsh -f`` with stand-ins: tests/test_zsh_reading.py, and a generator of nested forms
(round 17: 2,269 lines, none where zsh ran ``pkill node`` and the door did not block).

Imported only for zsh requests, and only after a cheap test on the text (:func:`may_need`).
"""

from __future__ import annotations

import re

from tenmon_guard.shellscan import paren_end, skip_quoted

#: Text both parsers refuse (a stray parenthesis): a form zsh runs code for that this module cannot translate.
REFUSED = "\n)"
#: The characters or words without which no rewrite here applies.
_MARKERS = re.compile(
    r"[&]\||&!|>[>&]?[!|]|[({}]|\bfor\b|\bforeach\b|\bselect\b|\brepeat\b|\bif\b|\bwhile\b|\buntil\b|\bfunction\b"
    r"|\balways\b|\^|\S[~#]|<[0-9]*-[0-9]*>"
)
#: zsh's clobbering redirections (``>!``, ``>>|``, ``&>!``...): the bash operator that writes the same file.
_CLOBBER = re.compile(r"(&>>|>>&|&>|>&|>>|>)[!|]")
_CLOBBER_BASH = {"&>>": "&>>", ">>&": "&>>", "&>": "&>", ">&": ">&", ">>": ">>", ">": ">|"}
_OPERATORS = ("&&", "||", "|&", "&!", "&|", ";;", ";&", ";|", "&", "|", ";", "\n", "(", ")")
_SEPARATORS = frozenset({";", "\n", "&", "&&", "||", "|", "|&", "(", "&!", "&|", ";;", ";&", ";|"})
_ASSIGNMENT = re.compile(r"[A-Za-z_]\w*(\[[^]]*\])?\+?=")
_IDENT = re.compile(r"[A-Za-z_]\w*\Z")
#: Qualifier letters that only filter or order the paths a glob yields (with their numeric arguments).
_FILTER_QUALIFIER = re.compile(r"(?:#q)?[-/.@=p*%rwxARWXIEsStUGfFNDnYoOLlmacdkKMh^,\[\]0-9#]*\Z")
_OPEN_BRACES = ("brace", "anon", "bdo", "bthen", "belse")
#: Bodies that end at the end of their sublist (a separator, a closing word): short loops and the short ``if``.
_SHORT = ("short", "shortif")
#: Modifiers among glob qualifiers that change each path into one other word (``*(:t)``, ``*(.:r)``), no code.
_PATH_MODIFIERS = re.compile(r"(?::[aAcehlPqQrtu])+\Z")
#: zsh's own unknown value (a word whose value is computed from the paths): any path, as the engine reads it.
_UNKNOWN = '"${RANDOM}"'
#: What :func:`_group` answers for qualifiers with modifiers (followed by the modifiers).
_MODIFIED = "\0modified"
#: Glob flags in a pattern (``(#i)``, ``(#b)``, ``(#a1)``).
_GLOB_FLAGS = re.compile(r"\(#[a-zA-Z0-9]+\)")
_GLOB_CHARS = frozenset("*?[]<>()|^~#\"'$`\\{}")
_STOP_WORDS = frozenset({"}", "done", "fi", "esac", "end", "then", "else", "elif", "do"})
#: Words after which the next word is still in command position (for reserved words such as ``{``).
_PRECOMMANDS = frozenset({"!", "time", "noglob", "nocorrect", "coproc", "-"})
_HEREDOC = re.compile(r"<<(?!<)")
_CASE = re.compile(r"\bcase\b")
_FUNCTION_NAME = re.compile(r"[\w.:+@-]+")


class Unsupported(Exception):
    """A form this module does not translate: the text is left to the parsers, which refuse it."""


class Unfinished(Unsupported):
    """The text ends with a construct still open (``for f (*.c) {``, ``case $x {``, ``foreach f (a)``)."""


def may_need(text: str) -> bool:
    """Whether :func:`zsh_syntax` could change ``text`` (cheap; most lines have none of the markers)."""
    return _MARKERS.search(text) is not None


def zsh_syntax(text: str) -> str:
    """The bash text that runs what zsh runs for ``text``'s zsh-only syntax; ``text`` when it has none or when a
    form in it is not translated (then the parsers refuse it as before)."""
    if not may_need(text) or _HEREDOC.search(text):
        return text  # (a here-document's lines are not commands: left to the parsers)
    try:
        tokens = _tokens(text)
        bash = _Translator(tokens).run()
    except Unsupported:
        return text
    if bash != text and _unblanked(_tokens(bash)) == _unblanked(tokens):
        return text  # only blanks moved (for f in a; do x; done): the same text to bash, judged once, not twice
    return bash


def unfinished(text: str) -> bool:
    """Whether zsh reads on after ``text`` (at its prompt: the next line continues it) for a construct of its own
    syntax left open, ``for f (*.c) {`` or ``case $x {``, which ``bash -n`` reads as a syntax error: the hook
    lets zsh read the rest, and judges the whole text then (and a line zsh runs is never unfinished)."""
    if not may_need(text) or _HEREDOC.search(text):
        return False
    try:
        _Translator(_tokens(text)).run()
    except Unfinished:
        return True
    except Unsupported:
        return False
    return False


def _unblanked(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [token for token in tokens if token[0] != "b"]


# ---------------------------------------------------------------------------------------------------------------
# Tokens: words (quotes, substitutions and glob parentheses inside them kept whole), blanks and operators


def _tokens(text: str) -> list[tuple[str, str]]:
    """``(kind, text)`` pairs: ``b`` blanks, ``o`` operators, ``w`` words (redirections are part of words)."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t":
            j = i
            while j < n and text[j] in " \t":
                j += 1
            out.append(("b", text[i:j]))
            i = j
        elif c == "\\" and text.startswith("\\\n", i):
            out.append(("b", "\\\n"))
            i += 2
        elif text.startswith("((", i):
            j = paren_end(text, i)
            out.append(("w", text[i:j]))
            i = j
        elif (op := _operator(text, i)) is not None:
            out.append(("o", op))
            i += len(op)
        else:
            j = _word_end(text, i)
            out.append(("w", text[i:j]))
            i = j
    return out


def _operator(text: str, i: int) -> str | None:
    if text.startswith("&>", i):
        return None  # &> file: a redirection, part of a word
    return next((op for op in _OPERATORS if text.startswith(op, i)), None)


def _word_end(text: str, i: int) -> int:
    j, n = i, len(text)
    while j < n:
        ch = text[j]
        if ch in " \t\n;)":
            break
        if ch in "\"'`\\" or (ch == "$" and text[j + 1 : j + 2] in ("(", "{", "'")):
            j = _skip(text, j)
        elif ch in "<>":
            j += 1
            if j < n and text[j] == "(":
                j = paren_end(text, j)  # <(...) >(...)
            while j < n and text[j] in "&|!>":
                j += 1
        elif ch == "&":
            if not text.startswith("&>", j) and not (j > i and text[j - 1] in "<>"):
                break
            j += 1
        elif ch == "|":
            break
        elif ch == "(":
            if j == i or text.startswith("()", j):
                break  # a subshell, or name() of a function definition
            j = paren_end(text, j)
        else:
            j += 1
    return max(j, i + 1)


def _skip(text: str, i: int) -> int:
    """Where the quoted piece at ``text[i]`` ends (:func:`skip_quoted`), but a command substitution holding a
    ``case`` ends where zsh's parser ends it: a pattern's ``)`` (``$(case $x { a) ls })``, ``$(case $x in a) ls;;
    esac)``) does not close it. The first ``)`` after which its text is complete zsh is the one."""
    end = skip_quoted(text, i)
    if not text.startswith("$(", i) or text.startswith("$((", i) or _CASE.search(text, i, end) is None:
        return end
    k, left_open = end, False
    while 0 < k <= len(text):
        try:
            _Translator(_tokens(text[i + 2 : k - 1])).run()
            return k
        except Unsupported as error:
            left_open = isinstance(error, Unfinished)
            k = text.find(")", k) + 1
    if left_open:
        raise Unfinished  # (no ``)`` completes it: zsh reads on, echo $(case $x { a)
    return end


def _unbalanced_close(word: str) -> bool:
    """Whether the ``}`` ending ``word`` closes nothing inside it (no ``{`` of a brace expansion, a ``${`` is
    stepped over with its own ``}``): zsh then reads it as the end of an open group."""
    depth, i, n = 0, 0, len(word)
    while i < n:
        ch = word[i]
        if ch in "\"'`\\" or (ch == "$" and word[i + 1 : i + 2] in ("(", "{", "'")):
            i = _skip(word, i)
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        i += 1
    return depth < 0


# ---------------------------------------------------------------------------------------------------------------
# Words: glob qualifiers and alternation groups


def bash_word(word: str) -> str:
    """A word as bash reads it: the commands of its substitutions translated, zsh's redirections written as
    bash's, then its glob."""
    return glob_word(_redirections(_substitutions(word)))


def _redirections(word: str) -> str:
    """zsh's ``>!`` / ``>>!`` / ``&>!`` / ``>&!`` (and ``|`` for ``!``: write even under NO_CLOBBER) as bash's
    ``>|`` ``>>`` ``&>`` ``>&``: bash reads ``echo x >! FILE`` as a write to a file named ``!``, FILE an
    argument, while zsh writes FILE."""
    if ">" not in word or _CLOBBER.search(word) is None:
        return word
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if (end := _quoted_end(word, i)) is not None:
            out.append(word[i:end])
            i = end
        elif (m := _CLOBBER.match(word, i)) is not None:
            out.append(_CLOBBER_BASH[m.group(1)])
            i = m.end()
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _quoted_end(word: str, i: int) -> int | None:
    """Where the quoted or escaped piece (quotes, a backslash, ``$(..)``, ``${..}``, ``$'..'``) that starts at
    ``word[i]`` ends; None when none starts there. What such a piece holds is no glob group and no redirection."""
    if word[i] in "\"'`\\" or (word[i] == "$" and word[i + 1 : i + 2] in ("(", "{", "'")):
        return _skip(word, i)
    return None


def _substitutions(word: str) -> str:
    """The bodies of the command and process substitutions in ``word`` (also within double quotes and
    ``${...}``), each translated: ``$({pkill node})`` runs ``pkill node`` in zsh."""
    if "(" not in word and "`" not in word:
        return word
    out: list[str] = []
    i, n, in_double = 0, len(word), False
    while i < n:
        ch = word[i]
        if ch == "\\":
            out.append(word[i : i + 2])
            i += 2
        elif ch == '"':
            in_double = not in_double
            out.append(ch)
            i += 1
        elif ch == "'" and not in_double:
            end = skip_quoted(word, i)
            out.append(word[i:end])
            i = end
        elif word.startswith("$((", i) and _arithmetic(word, i + 1):
            end = paren_end(word, i + 1)
            out.append(word[i:end])
            i = end
        elif (ch in "$<>" or (ch == "=" and i == 0)) and word[i + 1 : i + 2] == "(":
            end = _skip(word, i) if ch == "$" else paren_end(word, i + 1)
            closed = word[end - 1 : end] == ")"
            if not closed:
                raise Unfinished  # (zsh reads on: echo $(ls)
            body = zsh_syntax(word[i + 2 : end - 1 if closed else end])
            out.append(("<" if ch == "=" else ch) + "(" + body + (")" if closed else ""))  # =(cmd): a file
            i = end
        elif ch == "`":
            end = word.find("`", i + 1)
            if end < 0:
                raise Unfinished  # (zsh reads on: echo `ls)
            out.append("`" + zsh_syntax(word[i + 1 : end]) + "`"[: int(end < n)])
            i = end + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _arithmetic(text: str, i: int) -> bool:
    """Whether the ``((`` at ``text[i]`` (after a ``$``) is arithmetic: zsh's reading (its lexer's
    ``cmd_or_math``) is that the inner ``(`` closes right before the outer one; otherwise ``$((...)...)`` is a
    command substitution whose text starts with ``(``: ``$(() { echo $1 } a)``."""
    inner = paren_end(text, i + 1)
    return text[inner : inner + 1] == ")" and paren_end(text, i) == inner + 1


def glob_word(word: str, start: bool = False) -> str:
    """A word as bash globbing reads it: qualifiers dropped (or their code kept as a command substitution),
    alternation groups ``(a|b)`` widened to ``*``. :data:`REFUSED` for a qualifier that changes the words.
    ``start``: the word starts with a group (``(foo|bar).txt``; the tokens of :func:`_group_word`)."""
    if _ASSIGNMENT.match(word):
        return _array_assignment(word)
    if "(" not in word or word.startswith(("=(", "<(", ">(")):
        return word
    out: list[str] = []
    component = 0  # where the path component being read starts in out
    flagged = False  # glob flags ((#i), (#a1)...) in it: the component matches more than its text, read as *
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if (end := _quoted_end(word, i)) is not None:
            out.append(word[i:end])
            i = end
        elif ch == "(" and ((i == 0 and start) or (i > 0 and word[i - 1] not in "<>=$")):
            end = paren_end(word, i)
            if word[end - 1 : end] != ")":
                raise Unfinished  # (zsh reads on for a group left open: ls (a|)
            inner = word[i + 1 : end - 1]
            flagged = flagged or (inner.startswith("#") and not inner.startswith("#q"))
            group = _group(inner, at_end=end == n)
            if group.startswith(_MODIFIED):
                return _modified("".join(out), group[len(_MODIFIED) :])
            out.append(group)
            i = end
        else:
            if ch == "/":
                if flagged:
                    out[component:] = ["*"]
                component, flagged = len(out) + 1, False
            out.append(ch)
            i += 1
    if flagged:
        out[component:] = ["*"]
    return "".join(out)


def extended_glob(word: str) -> str:
    """A word whose zsh glob may use EXTENDED_GLOB's operators (set in most zshrc files), as a bash glob that
    matches at least what zsh's does: ``pat~excluded`` the pattern alone (the exclusion dropped), and a path
    component with ``^`` (all names but), ``#``/``##`` (repetition), ``(#i)``-style flags or a ``<N-M>`` number range
    in it ``*``. zsh 5.9 ran ``rm -rf /opt/^tenmon-ark-repo`` on the live tree, which bash's reading took for a
    name of its own. Quoted pieces and substitutions are left as they are; a word with none of these stays whole."""
    pieces: list[str] = []  # the word's components so far, each (text, widened)
    component: list[str] = []
    wide = False
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if (end := _quoted_end(word, i)) is not None:
            component.append(word[i:end])
            i = end
            continue
        if ch == "$" and i + 1 < n:
            component.append(word[i : i + 2])  # ('$#', '$~x': a parameter, no pattern)
            i += 2
            continue
        if ch == "~" and i > 0 and word[i - 1] not in "=:":
            break  # (the exclusion: the rest of the word)
        if ch == "/":
            pieces.append("*" if wide else "".join(component))
            pieces.append("/")
            component, wide = [], False
        elif ch == "^" or (ch == "#" and i > 0) or _NUMBER_RANGE.match(word, i) is not None:
            wide = True
            component.append(ch)
        else:
            component.append(ch)
        i += 1
    pieces.append("*" if wide else "".join(component))
    return "".join(pieces)


_NUMBER_RANGE = re.compile(r"<[0-9]*-[0-9]*>")


def _modified(glob: str, modifiers: str) -> str:
    """A glob whose paths modifiers change (``*(:t)``, ``dist/*(:h)``): the word's value is computed from the
    paths, so it is not known (the glob's text kept after the unknown part, its substitutions still read); but
    ``:h`` of a glob under a plain directory is that directory, and ``:a`` ``:A`` ``:P`` (the absolute or real
    path) name the paths the glob names, as ``:t`` does for a glob with no ``/``."""
    if not modifiers.strip(":aAP") or ("/" not in glob and not modifiers.strip(":aAPt")):
        return glob  # (``*(:t)``: the names the glob yields in the current directory are their own tails)
    head, slash, tail = glob.rpartition("/")
    plain_head = slash and head and not _GLOB_CHARS.intersection(head) and _GLOB_CHARS.intersection(tail)
    return head if modifiers == ":h" and plain_head else _UNKNOWN + glob


def _array_assignment(word: str) -> str:
    """``name=(words)``: each element as a word (``files=(*.txt(N))`` is ``files=(*.txt)``)."""
    m = _ASSIGNMENT.match(word)
    assert m is not None
    rest = word[m.end() :]
    if not rest.startswith("(") or paren_end(rest, 0) != len(rest):
        return word
    tokens = _tokens(rest[1:-1])
    out: list[str] = []
    j = 0
    while j < len(tokens):
        kind, text = tokens[j]
        if kind == "w":
            out.append(bash_word(text))
        elif (kind, text) == ("o", "("):
            text, j = _group_word(tokens, j)
            out.append(glob_word(_substitutions(text), start=True))
            continue
        elif kind == "o" and text != "\n":
            raise Unsupported  # (not a list of words)
        else:
            out.append(text)
        j += 1
    return word[: m.end()] + "(" + "".join(out) + ")"


def _group_word(tokens: list[tuple[str, str]], j: int) -> tuple[str, int]:
    """The word that starts with the glob group at ``tokens[j]`` (a ``(``): its groups and the word parts next to
    them, and the index after it. Blanks and newlines inside a group are part of it (zsh reads ``(a | b).txt``
    as one pattern with blanks in it); another operator inside a group is not taken apart here: refused."""
    parts: list[str] = []
    depth = 0
    while j < len(tokens):
        kind, text = tokens[j]
        if (kind, text) == ("o", "("):
            depth += 1
        elif (kind, text) == ("o", ")") and depth > 0:
            depth -= 1
        elif not (kind == "w" or (depth > 0 and (kind == "b" or (kind, text) in (("o", "|"), ("o", "\n"))))):
            break
        parts.append(text)
        j += 1
    if depth:
        raise Unfinished if j == len(tokens) else Unsupported  # (zsh reads on for a group left open: ls (a|)
    return "".join(parts), j


def _group(inner: str, at_end: bool) -> str:
    """A parenthesised part of a glob: an alternation (``*``) or, at the word's end, qualifiers (modifiers among
    them: :data:`_MODIFIED` and the modifiers)."""
    if "|" in inner or not at_end:
        return "*" + _expansions(inner)
    body = inner[2:] if inner.startswith("#q") else inner
    if _FILTER_QUALIFIER.match(body):
        return ""
    filters, colon, modifiers = body.partition(":")
    if colon and _FILTER_QUALIFIER.match(filters) and _PATH_MODIFIERS.match(colon + modifiers):
        return _MODIFIED + colon + modifiers
    code = _qualifier_code(body)
    return REFUSED if code is None else code


def _expansions(text: str) -> str:
    """The expansions in a glob group's text (``$x``, ``${x}``, ``$(cmd)``, backquotes, double quotes holding
    them), one after the other: zsh expands them before it globs (``(a|$(pkill node))`` runs ``pkill node``), so
    the ``*`` that stands for the group keeps them, read."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "\"'`\\$":
            end = _skip(text, i) if ch != "$" or text[i + 1 : i + 2] in ("(", "{", "'") else i + 1
            if ch == "$" and end == i + 1:
                m = re.match(r"\$(?:[A-Za-z_]\w*|[0-9#?@*$!-])", text[i:])
                end = i + (m.end() if m else 1)
            piece = text[i:end]
            if ch in "$`" or (ch == '"' and ("$" in piece or "`" in piece)):
                out.append(piece)
            i = end
        else:
            i += 1
    return "".join(out)


def _qualifier_code(body: str) -> str | None:
    """``e:code:`` / ``+cmd`` among filtering qualifiers: the code as a substitution that runs it; None: refused."""
    out: list[str] = []
    i, n = 0, len(body)
    while i < n:
        ch = body[i]
        if ch == "e" and i + 1 < n:
            close = {"(": ")", "[": "]", "{": "}", "<": ">"}.get(body[i + 1], body[i + 1])
            end = body.find(close, i + 2)
            if end < 0 or close.isalnum():
                return None
            out.append("$(eval " + body[i + 2 : end] + ")")
            i = end + 1
        elif ch == "+":
            m = re.match(r"\+([A-Za-z_]\w*)", body[i:])  # zsh: a name of letters, digits and underscores
            if m is None:
                if body[i + 1 : i + 2].isdigit():
                    i += 1
                    continue
                return None
            out.append("$(" + m.group(1) + ")")
            i += m.end()
        elif _FILTER_QUALIFIER.match(ch):
            i += 1
        else:
            return None
    return "".join(out)


# ---------------------------------------------------------------------------------------------------------------
# The translator: one pass over the tokens, a stack of what is open


class _Translator:
    """Walks the tokens once, writing bash; ``stack`` holds what is open (kind, loop count)."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.i = 0
        self.out: list[str] = []
        self.stack: list[tuple[str, int]] = []
        self.command = True  # at command position
        self.ended = True  # the last thing written ends a command list (a separator or nothing)
        self.last = ""  # the last word or operator written

    def run(self) -> str:
        while self.i < len(self.tokens):
            kind, text = self.tokens[self.i]
            self.i += 1
            if kind == "b":
                self.out.append(text)
            elif kind == "o":
                self._operator(text)
            else:
                self._word(text)
        self._close_short()
        if self.stack:
            raise Unfinished  # the parsers say so (or the shell asks for more)
        return "".join(self.out)

    # -- writing

    def _write(self, text: str, ends: bool, command: bool) -> None:
        self.out.append(text)
        self.ended, self.command, self.last = ends, command, text

    def _separate(self) -> None:
        """A ``;`` unless the last thing written already ends the list."""
        if not self.ended:
            self.out.append("; ")
            self.ended = True

    def _peek(self, skip_newlines: bool = False) -> tuple[int, str, str]:
        """The next token that is not a blank (nor a newline, if asked): index, kind, text."""
        j = self.i
        while j < len(self.tokens):
            kind, text = self.tokens[j]
            if kind != "b" and not (skip_newlines and text in (";", "\n") and kind == "o"):
                return j, kind, text
            j += 1
        return j, "", ""

    # -- operators

    def _operator(self, op: str) -> None:
        if op in ("&!", "&|"):
            if self.stack and self.stack[-1][0] in _SHORT:
                self._close_short(background=True)
                self._separate()
                self.command = True
                return
            self._write("& disown", ends=False, command=True)
            self._separate()
            return
        if op in (";", "\n", "&", ";;", ";&", ";|"):
            if op == "&" and self.stack and self.stack[-1][0] in _SHORT:
                self._close_short(background=True)
                return
            self._close_short()
            if op != "\n" and self.out[-1:] == ["; "]:
                self.out.pop()  # (``cmd &!; ls``: the ``;`` written after ``disown`` is this one)
            self._write(op, ends=True, command=True)
            if op in (";;", ";&", ";|") and self.stack and self.stack[-1][0] == "item":
                self.stack.pop()
                self._pattern()
            return
        if op == "(":
            if self._short_start():
                self._short_body()  # if [[ c ]] (cmd), if [[ c ]] () { cmd }
            if self.command and self._anonymous():
                return
            if not self.command:  # a glob group at the start of a word: (foo|bar).txt
                word, self.i = _group_word(self.tokens, self.i - 1)
                self._write(extended_glob(glob_word(_substitutions(word), start=True)), ends=False, command=False)
                return
            self.stack.append(("paren", 0))
            self._write(op, ends=True, command=True)
            return
        if op == ")":
            self._close_short()
            if not self.stack or self.stack[-1][0] != "paren":
                raise Unsupported
            self.stack.pop()
            self._write(op, ends=False, command=False)
            return
        self._write(op, ends=False, command=True)  # && || | |&

    def _opening(self, j: int, kind: str, text: str) -> bool:
        """Is the token at ``j`` the ``{`` that opens a body (zsh's lexer also opens it with a word that starts
        with ``{``: ``else {pkill node}``, ``() {pkill node}``, the rest of the word then read as the body's)?
        When it is, it is taken: the next token read is the body's first."""
        if kind != "w" or not text.startswith("{"):
            return False
        if text == "{":
            self.i = j + 1
        else:
            self.tokens[j : j + 1] = [("b", " "), ("w", text[1:])]
            self.i = j
        return True

    def _anonymous(self) -> bool:
        """``() { body } args``: a function defined and called with the arguments. False: a subshell."""
        j, kind, text = self._peek()
        if (kind, text) != ("o", ")"):
            return False
        self.i = j + 1
        k, kind, text = self._peek()
        if not self._opening(k, kind, text):
            raise Unfinished if kind == "" else Unsupported
        self.stack.append(("anon", 0))
        self._write("_zsh_anonymous () {", ends=True, command=True)
        return True

    # -- words

    def _word(self, word: str) -> None:
        if (self.command or self._short_start()) and word.startswith("{") and len(word) > 1:
            # zsh: {pkill node} is a group running pkill node, {{ x }} two groups; after a condition's ]] or ))
            # it opens the brace form's body (if [[ -n x ]] {ls} else {pkill node}: zsh 5.9 runs pkill node)
            self._word("{")
            self.out.append(" ")
            self._word(word[1:])
            return
        if len(word) > 1 and word.endswith("}") and self._open_braces() and _unbalanced_close(word):
            self._word(word[:-1])  # zsh: { pkill node} closes the group after node
            self._word("}")
            return
        if word == "}" and (self._in_brace_case() or (self.stack and self.stack[-1][0] in (*_OPEN_BRACES, *_SHORT))):
            self._close_short()
            if self._in_brace_case():
                self._end_case()
                return
            if not self.stack or self.stack[-1][0] not in _OPEN_BRACES:
                raise Unsupported
            self._close_brace()
            return
        if self.stack and self.stack[-1][0] == "cond" and self._cond_ends(word):
            return
        if self.command and self._reserved(word):
            return
        if word == "[[":
            self._copy_until("]]")
            return
        keeps = _ASSIGNMENT.match(word) is not None or word in _PRECOMMANDS
        bash = _substitutions(word) if word.startswith("((") else bash_word(word)  # arithmetic: read alike
        if not self.command and not keeps and not word.startswith("(("):
            bash = extended_glob(bash)
        self._write(bash, ends=False, command=self.command and keeps)

    def _open_braces(self) -> bool:
        return any(kind in _OPEN_BRACES for kind, _ in self.stack)

    def _copy_until(self, closer: str) -> None:
        """``[[ ... ]]`` as it is (its operators are not command separators), but for the glob flags of its
        patterns, ``(#i)``, which are dropped (they change what matches, and a test runs nothing)."""
        self._write("[[", ends=False, command=False)
        while self.i < len(self.tokens):
            _, text = self.tokens[self.i]
            self.i += 1
            flags = self.tokens[self.i - 1 : self.i + 2]
            if [kind for kind, _ in flags] == ["o", "w", "o"] and _GLOB_FLAGS.fullmatch("".join(t for _, t in flags)):
                self.i += 2
                continue
            self.out.append(_substitutions(text) if text != closer else text)
            if text == closer:
                break
        self.last = closer

    def _reserved(self, word: str) -> bool:
        """Reserved words at command position; True when handled."""
        if word in ("for", "select", "foreach"):
            self._loop(word)
        elif word == "repeat":
            self._repeat()
        elif word in ("if", "while", "until"):
            self.stack.append(("cond", {"if": 0, "while": 1, "until": 1}[word]))
            self._write(word, ends=True, command=True)
        elif word == "elif":
            self._close_short()
            if not self.stack or self.stack[-1][0] != "if":
                raise Unsupported
            self.stack.append(("cond", 2))
            self._write(word, ends=True, command=True)
        elif word in ("then", "else", "do"):
            self._close_short()
            self._write(word, ends=True, command=True)
        elif word in ("fi", "done"):
            self._close_short()
            opener = {"fi": "if", "done": "do"}[word]
            if not self.stack or self.stack[-1][0] != opener:
                raise Unsupported
            _, loops = self.stack.pop()
            self._separate()
            self._write("; ".join([word] * max(loops, 1)), ends=False, command=False)
        elif word == "end" and self.stack and self.stack[-1][0] == "foreach":
            self._close_short()
            _, loops = self.stack.pop()
            self._separate()
            self._write("; ".join(["done"] * loops), ends=False, command=False)
        elif word == "{":
            self.stack.append(("brace", 0))
            self._write(word, ends=True, command=True)
        elif word == "always" and self.last == "}":
            self._always()
        elif word == "function":
            self._function()
        elif word == "case":
            self._case()
        elif word == "esac" and len(self.stack) > 1 and self.stack[-1][0] == "item" and self.stack[-2][0] == "case":
            self._end_case()
        else:
            return self._definition(word)
        return True

    def _always(self) -> None:
        """``{ try-list } always { always-list }``: both lists run, one after the other."""
        j, kind, text = self._peek()
        if not self._opening(j, kind, text):
            raise Unfinished if kind == "" else Unsupported
        self._separate()
        self.stack.append(("brace", 0))
        self._write("{", ends=True, command=True)

    def _definition(self, word: str) -> bool:
        """``name() { ... }``: the body's ``{`` is at command position."""
        j, kind, text = self._peek()
        k, kind2, text2 = (j + 1, *self.tokens[j + 1]) if j + 1 < len(self.tokens) else (j, "", "")
        if not ((kind, text) == ("o", "(") and (kind2, text2) == ("o", ")")) or not _IDENT.match(word):
            return False
        self.out.append(word + "".join(t for _, t in self.tokens[self.i : k + 1]))
        self.i = k + 1
        self.ended, self.command, self.last = True, True, ")"
        return True

    def _function(self) -> None:
        """``function name { ... }`` as is; ``function { ... } args`` is an anonymous function."""
        j, kind, text = self._peek()
        if (kind, text) == ("w", "{"):
            self.i = j + 1
            self.stack.append(("anon", 0))
            self._write("_zsh_anonymous () {", ends=True, command=True)
            return
        names = self._more_names(j) if kind == "w" else []
        for name in names:  # function a b { body }: one body, both names (b written as a call of a)
            self.out.append(f'{name} () {{ {text} "$@"; }}; ')
        self._write("function", ends=False, command=False)
        if kind == "w":
            self.out.append("".join(t for _, t in self.tokens[self.i : j + 1]))
            self.i = j + 1
            m, kind, text = self._peek()
            if (kind, text) == ("o", "("):
                if self.tokens[m + 1 : m + 2] != [("o", ")")]:
                    raise Unsupported
                self.out.append("".join(t for _, t in self.tokens[self.i : m + 2]))
                self.i = m + 2
            n, kind, text = self._peek(skip_newlines=True)
            separated = any(k == "o" for k, _ in self.tokens[self.i : n])
            if separated and self._opening(n, kind, text):
                # function f; { body }: zsh takes separators before the body (zsh 5.9 defines f), bash a newline
                self.out.append(" ")
                self.stack.append(("brace", 0))
                self._write("{", ends=True, command=True)
                return
            self.ended, self.command = True, True

    def _more_names(self, j: int) -> list[str]:
        """After ``function NAME`` at ``tokens[j]``: the further names before its body (zsh defines each with the
        same body), taken out of the tokens; [] when there are none or they are not plain names."""
        names: list[str] = []
        k = j + 1
        while k < len(self.tokens):
            kind, text = self.tokens[k]
            if kind == "b":
                k += 1
                continue
            if kind != "w" or text.startswith("{") or not _FUNCTION_NAME.fullmatch(text):
                break
            names.append(text)
            k += 1
        if names and _FUNCTION_NAME.fullmatch(self.tokens[j][1]):
            del self.tokens[j + 1 : k]
            self.tokens.insert(j + 1, ("b", " "))
            return names
        return []

    # -- case: the head and the patterns as they are (patterns are not commands; bash reads zsh's ``(a)``), the
    # items' lists translated; only the ``in`` form (``case $x { ... }`` is refused)

    def _case(self) -> None:
        """``case word in ... esac``, and zsh's ``case word { ... }`` (written with ``in`` and ``esac``)."""
        self.out.append("case")
        while self.i < len(self.tokens):
            kind, text = self.tokens[self.i]
            self.i += 1
            if (kind, text) in (("w", "in"), ("w", "{")):
                self.out.append("in")
                self.stack.append(("case" if text == "in" else "bcase", 0))
                self._pattern()
                return
            if kind == "o" and text != "\n":
                raise Unsupported
            self.out.append(bash_word(text) if kind == "w" else text)
        raise Unfinished

    def _in_brace_case(self) -> bool:
        """In an item of ``case word { ... }``, where a ``}`` ends the case."""
        return len(self.stack) > 1 and self.stack[-1][0] == "item" and self.stack[-2][0] == "bcase"

    def _end_case(self) -> None:
        """``esac`` (or the ``}`` of the brace form) after an item's list."""
        self._close_short()
        self.stack.pop()
        self.stack.pop()
        self.out.append("\n")  # (an item's ;; is optional before esac; a newline ends its list)
        self._write("esac", ends=False, command=False)

    def _pattern(self) -> None:
        """The next item's pattern through its ``)`` (then the item's list is open), or the case's ``esac``."""
        while self.i < len(self.tokens) and (self.tokens[self.i][0] == "b" or self.tokens[self.i] == ("o", "\n")):
            self.out.append(self.tokens[self.i][1])
            self.i += 1
        closer = "}" if self.stack[-1][0] == "bcase" else "esac"
        if self.i < len(self.tokens) and self.tokens[self.i] == ("w", closer):
            self.i += 1
            self.stack.pop()
            self._write("esac", ends=False, command=False)
            return
        if self.i < len(self.tokens) and self.tokens[self.i] == ("o", "("):
            self.out.append("(")
            self.i += 1
        while self.i < len(self.tokens):
            kind, text = self.tokens[self.i]
            self.i += 1
            if kind == "o" and text not in ("|", ")"):
                raise Unsupported
            self.out.append(bash_word(text) if kind == "w" else text)
            if text == ")":
                self.stack.append(("item", 0))
                self.ended, self.command, self.last = True, True, ")"
                return
        raise Unfinished

    # -- conditions of if / while / until

    def _cond_ends(self, word: str) -> bool:
        """In a condition: ``{`` (brace form) or ``then``/``do`` after ``]]``/``))`` with no separator; any other
        word there starts the short form's body (``if [[ -f x ]] echo y``, ``while (( i < 3 )) sleep 1``: a
        sublist, ended as a short loop's is), and is then read as a command (False)."""
        closed = self.command or self._short_start()
        if not closed or (word == "{" and self.last in ("if", "elif", "while", "until")):
            return False  # (a ``{`` first in the condition opens a group there: if { [[ a ]] && [[ b ]] } { ls })
        if word not in ("{", "then", "do"):
            if self.command:
                return False
            self._short_body()
            self._word(word)
            return True
        _, role = self.stack.pop()  # 0 if, 1 while/until, 2 elif
        self._separate()
        if word == "{":
            self.stack.append(("bthen" if role != 1 else "bdo", 1))
            self._write("then" if role != 1 else "do", ends=True, command=True)
            return True
        if (word == "then") != (role != 1):
            raise Unsupported
        if role != 2:
            self.stack.append(("if" if role == 0 else "do", 1))
        self._write(word, ends=True, command=True)
        return True

    def _short_start(self) -> bool:
        """In a condition ended by ``]]`` or ``))`` with no separator after it (what follows is a body)."""
        if not self.stack or self.stack[-1][0] != "cond" or self.command:
            return False
        return self.last == "]]" or (self.last.startswith("((") and self.last.endswith("))"))

    def _short_body(self) -> None:
        """``if [[ c ]] cmd`` / ``while (( c )) cmd``: ``then``/``do`` before the body, ``fi``/``done`` after it."""
        role = self.stack[-1][1]
        if role == 2:
            raise Unsupported  # (elif's short form: not taken apart)
        self.stack.pop()
        self._separate()
        self._write("then" if role == 0 else "do", ends=True, command=True)
        self.out.append(" ")
        self.stack.append(("shortif", 0) if role == 0 else ("short", 1))

    # -- braces

    def _close_brace(self) -> None:
        self._close_short()
        kind, loops = self.stack.pop()
        self._separate()
        if kind == "brace":
            self._write("}", ends=False, command=True)  # (zsh: a reserved word may follow: } esac)
        elif kind == "anon":
            self._write("}; _zsh_anonymous", ends=False, command=False)
        elif kind == "bdo":
            self._write("; ".join(["done"] * loops), ends=False, command=False)
        elif kind == "belse":
            self._write("fi", ends=False, command=False)
        else:
            self._after_then()

    def _after_then(self) -> None:
        """After ``if c { a }``: ``elif``, ``else { b }`` or the end of the ``if``."""
        j, kind, text = self._peek(skip_newlines=True)
        if (kind, text) == ("w", "elif"):
            self.i = j + 1
            self.stack.append(("cond", 0))
            self._write("elif", ends=True, command=True)
        elif (kind, text) == ("w", "else"):
            self.i = j + 1
            k, kind, text = self._peek(skip_newlines=True)
            if not self._opening(k, kind, text):
                raise Unfinished if kind == "" else Unsupported
            self.stack.append(("belse", 1))
            self._write("else", ends=True, command=True)
        else:
            self._write("fi", ends=False, command=False)

    # -- loops

    def _loop(self, keyword: str) -> None:
        """``for``/``select``/``foreach``: the head as bash's ``for name in words; do``, then the body."""
        j, kind, text = self._peek()
        if kind == "w" and text.startswith("((") and keyword == "for":
            self.i = j + 1
            self._write("for " + text, ends=False, command=False)
            self._body(1, keyword)
            return
        names: list[str] = []
        while kind == "w" and _IDENT.match(text) and text != "in":
            names.append(text)
            self.i = j + 1
            j, kind, text = self._peek()
        if not names:
            raise Unfinished if kind == "" else Unsupported
        words = self._loop_words(kind, text, j)
        bash = "select" if keyword == "select" else "for"
        if words is None:
            self._write(f"{bash} {names[0]}", ends=False, command=False)  # for f; do ... ("$@")
            self._body(1, keyword)
            return
        head = "; do ".join(f"{bash} {name} in {words}" for name in names)
        self._write(head, ends=False, command=False)
        self._body(len(names), keyword)

    def _loop_words(self, kind: str, text: str, j: int) -> str | None:
        """The words of ``(a b)`` or ``in a b``; None for neither (the positional parameters)."""
        if (kind, text) == ("o", "("):
            closer = ")"
        elif (kind, text) == ("w", "in"):
            closer = ""
        else:
            return None
        self.i = j + 1
        words: list[str] = []
        while self.i < len(self.tokens):
            kind, text = self.tokens[self.i]
            if kind == "o":
                if closer and text == ")":
                    self.i += 1
                    break
                if closer and text == "\n":
                    self.i += 1
                    continue
                if closer or text not in (";", "\n"):
                    raise Unsupported
                break
            if kind == "w":
                words.append(bash_word(text))
            self.i += 1
        return " ".join(words) if words else '""'

    def _body(self, loops: int, keyword: str) -> None:
        """After a loop's head: ``do list done``, ``{ list }``, ``list end`` (foreach) or one sublist."""
        j, kind, text = self._peek(skip_newlines=True)
        self.out.append("; ")
        if self._opening(j, kind, text):  # (foreach's too: foreach f (a b) { list }, no end; zsh 5.9)
            self.stack.append(("bdo", loops))
        elif keyword == "foreach":
            self.i = j
            self.stack.append(("foreach", loops))
        elif (kind, text) == ("w", "do"):
            self.i = j + 1
            self.stack.append(("do", loops))
        elif (kind == "w" and text not in _STOP_WORDS) or (kind, text) == ("o", "("):
            self.i = j
            self.stack.append(("short", loops))
        else:
            raise Unfinished if kind == "" else Unsupported
        self._write("do", ends=True, command=True)
        self.out.append(" ")

    def _repeat(self) -> None:
        """``repeat N body``: the body once (what it runs does not depend on the count), after the count's word,
        which zsh expands (``repeat $(pkill node) echo`` runs ``pkill node``; the count was dropped)."""
        j, kind, count = self._peek()
        if kind != "w":
            raise Unfinished if kind == "" else Unsupported
        self.i = j + 1
        word = _substitutions(count) if count.startswith("((") else bash_word(count)
        self._write(f"for _zsh_repeat in 1 {word}", ends=False, command=False)
        self._body(1, "repeat")

    def _close_short(self, background: bool = False) -> None:
        """End the short loop bodies open on top: at a separator, a closing word or the end."""
        while self.stack and self.stack[-1][0] in _SHORT:
            kind, loops = self.stack.pop()
            if background:
                self.out.append(" & ")
                self.ended = True
                background = False
            self._separate()
            self._write("fi" if kind == "shortif" else "; ".join(["done"] * loops), ends=False, command=False)
