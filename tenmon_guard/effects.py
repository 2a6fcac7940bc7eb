"""What an invocation does, in the terms rules speak: the options it was given, the signal it sends and to what,
the paths it writes. Driven by ``data/commands.yaml``; the matcher never looks at raw argv."""

from __future__ import annotations

import functools
import posixpath
import re
import shlex
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from tenmon_guard.frozen import fill_fields_directly
from tenmon_guard.knowledge import CommandSpec, InlineCode, Knowledge, OptionSpec
from tenmon_guard.model import Invocation, Literal, Part, Span, Unknown, Word, literal_word, spreads
from tenmon_guard.mounts import MountChange
from tenmon_guard.options import Option, ParsedArgs, parse_args, value_text
from tenmon_guard.signals import dash_signal, normalise_signal

if TYPE_CHECKING:  # programs.py is imported where a sed or awk program is read: most checks never need it
    from tenmon_guard.programs import ProgramEffects

SIGNAL_UNKNOWN = "?"


@dataclass(frozen=True)
class SignalEffect:
    """A signal sent. ``signal`` is the canonical name, or ``?`` when not known statically. ``kind`` is the target
    kind from the knowledge base (pids, pattern, names, units, ports, files_or_ports, all) and ``targets`` the operand
    words."""

    signal: str
    kind: str
    targets: tuple[Word, ...]
    full: bool = False
    exact: bool = False
    regex: bool = False
    ignore_case: bool = False
    inverse: bool = False  # pkill -v: every process the pattern does NOT select
    also: tuple[str, ...] = ()  # other signals it may be (``kill ${SIG:--9}``: KILL, or what SIG holds: ``?``)
    maybe: bool = False  # whether it is sent at all is not known (``systemctl $ACTION UNIT``)


@dataclass(frozen=True)
class WriteTarget:
    """A path operand the invocation writes; ``recursive`` when the operation reaches into what the path holds
    (so an ancestor of a protected path counts); ``opens`` when the write opens the path, following a symlink
    there to the file it names (``>``, ``>>``); ``link_itself`` when it acts on a symlink there itself (``rm``,
    ``mv``, ``ln`` remove, rename or replace the name: lstat, not stat). The doors that read the disk follow a
    final link for neither; for a write with neither, whether it follows one is not known."""

    word: Word
    recursive: bool = False
    opens: bool = False
    # A recursive write that reaches only entries named so (``find DIR -name '*.pyc' -delete``): every one of these
    # globs must match an entry's name for it to be written. Empty: any entry.
    names: tuple[str, ...] = ()
    link_itself: bool = False
    # DEST/NAME that is written only when DEST is a directory itself: a link DEST is replaced instead (``ln -sfn T
    # LINK`` replaces LINK; with a real directory DEST it makes DEST/T).
    dir_itself: bool = False
    # The mount at the path is what changes (``umount PATH``, ``mount --move PATH X``), not the files it shows: a
    # second name mounts give a protected directory is no name of it here (unmounting it leaves the directory as it
    # is). Not None: the other mounts it takes too (by source name, ``-A``, ``-a``), see mounts.MountChange.
    mount_change: MountChange | None = None
    # A recursive write that enters the links it meets below the path (``find -L . -delete``, ``chown -R -L``:
    # ``follow_links_options``): a link there that leads into a protected path is written through.
    follows_links: bool = False


@dataclass(frozen=True)
class Effects:
    name: str | None
    spec: CommandSpec | None
    args: ParsedArgs
    signal: SignalEffect | None
    writes: tuple[WriteTarget, ...]
    # None: the command's use of its path operands is not known (neither a known writer nor a known reader)
    unknown_use: bool


_NO_OPTIONS = OptionSpec()


def effects_of(inv: Invocation, knowledge: Knowledge) -> Effects:
    name = inv.name
    spec = knowledge.spec(name)
    option_spec = spec.options if spec is not None else _NO_OPTIONS
    is_signal = spec is not None and spec.kind == "signal"
    dash_special = _dash_signal_words(inv) if spec is not None and spec.flag("dash_signal") else frozenset()
    negative = is_signal and spec is not None and spec.extra.get("targets") == "pids"
    lead = _expanded_signal_word(inv) if negative and spec is not None and spec.flag("dash_signal") else None
    words = inv.args[1:] if lead is not None else inv.args
    args = parse_args(words, option_spec, dash_special=dash_special, negative_operands=negative)
    spread = _spread(inv.args)
    signal = None
    if spec is not None and sends_signals(spec):
        # (bash's kill reads options before its first operand only: its first word is the lead, read below)
        signal = _signal(spec, args, None if negative or spread is None else _spread(words, options_only=True))
    if signal is not None and lead is not None:
        signal = _with_lead(signal, lead)
    writes = list(_redirect_writes(inv))
    if spec is not None:
        writes.extend(_writes(spec, args, inv))
        if (
            spread is not None
            and _spread_may_write(spec, args, spread, words)
            and all(t.word is not spread for t in writes)
        ):
            writes.append(WriteTarget(spread, recursive=True))  # ``cp "$@"``: its last word, or ``-t DIR``, ...
    known = (
        spec is not None
        and spec.extra.get("role") != "unknown"
        and not _operands_unknown(spec, args)
        and not spec.flag("path_operands_unknown")
    ) or (name in knowledge.readers)
    if spec is not None and not known:
        known = _shows_unless(spec, args) if "shows_unless_options" in spec.extra else _reads_only(spec, inv)
    if not known and spec is not None and "read_subcommands" in spec.extra:
        known = _read_subcommand(spec, args)
    if not known and name in knowledge.shows_only:
        known = (  # pm2 logs $APP; not pip list $X (it may be --log=FILE: a program with write_options)
            bool(args.operands)
            and args.operands[0].value in knowledge.shows_only[name]
            and not (spec is not None and spec.list("write_options") and _words_not_known(args))
        )
    if not known and spec is not None and spec.extra.get("role") == "cwd_subcommands":
        matched = listed_subcommand(spec, args)  # bun pm ls: the knowledge says this form only shows
        known = matched is not None and _read_only_form(spec, args, *matched)
    entry = knowledge.inline_code.get(name) if name is not None else None
    if entry is not None and (entry.argument_writes or entry.argument_terms):
        targets, unknown = _argument_writes(inv, entry)
        writes.extend(targets)
        known = known and not unknown
    return Effects(name, spec, args, signal, tuple(writes), unknown_use=not known and name is not None)


_WRITING_KINDS = frozenset({"writer", "find"})


def _spread(words: Sequence[Word], options_only: bool = False) -> Word | None:
    """The first word that may be any number of words, options among them (:func:`model.spreads`): what a writer
    given one writes is not known (``cp "$@"`` copies to whatever comes last, or to ``-t DIR``). ``options_only``:
    the first where an option may still be read, before ``--`` (``systemctl "$@"`` may be ``systemctl kill -s
    KILL tenmon-ark-api``, ``fuser "$@"`` ``fuser -k 3000/tcp``). None for nearly every command (a word with no
    unknown part is passed over at once)."""
    for word in words:
        if options_only and word.value == "--":
            return None
        if word.unknowns and spreads(word):
            return word
    return None


def _spread_may_write(spec: CommandSpec, args: ParsedArgs, spread: Word, words: Sequence[Word]) -> bool:
    """Whether a writer given a word that may be any words may write what that word names: not when an option
    given before makes it write nothing (``gzip -cd "$@"``), nor after a subcommand that writes nothing
    (``git rev-parse "$@"``); where only an option would write (``curl "$@"``, ``git log "$@"``: ``--output=FILE``),
    only when the word comes before ``--``."""
    if spec.kind not in _WRITING_KINDS or args.has(*spec.list("no_write_options")) or spec.flag("of_unknown_use"):
        return False  # (docker "$@": what its words may run is no doubt either, only what they mention)
    by_option = spec.extra.get("role") == "none"
    listed = spec.list("subcommands")
    verb = _given_verb(args, spread) if listed else None
    if verb is not None:
        if verb in listed:
            return True
        by_option = True
        if verb not in (spec.extra.get("subcommand_write_options") or {}):
            return False
    return not by_option or _spread(words, options_only=True) is not None


def _given_verb(args: ParsedArgs, spread: Word) -> str | None:
    """The subcommand, when it is known and given before a word that may be any words (which then cannot be
    another subcommand): the first operand that is not an option a parameter may give (``git ${dir:+-C "$dir"}
    log``, whose first word is ``-C DIR`` or nothing)."""
    for word in args.operands:
        head = word.parts[0] if len(word.parts) == 1 else None
        if not (isinstance(head, Unknown) and head.name is not None and _DEFAULT_DASH.search(head.name)):
            return word.value if word is not spread else None
    return None


def _argument_writes(inv: Invocation, entry: InlineCode) -> tuple[list[WriteTarget], bool]:
    """Code that acts on its own arguments, the operands after it (``perl -e 'unlink @ARGV' FILE``, ``python3 -c
    'import os, sys; os.remove(sys.argv[1])' FILE``): they are what it writes when the code hands them to a call
    that writes or deletes (``argument_writes``); when it reads them (``argument_terms``) and may write at all (a
    path marker), what it does with them is not known (True as the second value)."""
    args = _code_args(inv, entry)
    code = [value_text(v) for v in args.values(*entry.code_options)] if args.operands else []
    if not code or any(c is None for c in code):
        return [], False
    text = "\n".join(c for c in code if c is not None)
    if entry.argument_writes and _marker(entry.argument_writes).search(text):
        return [WriteTarget(w, recursive=True) for w in args.operands], False
    terms = bool(entry.argument_terms) and _marker(entry.argument_terms).search(text) is not None
    return [], terms and bool(entry.path_markers) and _any_of(entry.path_markers).search(text) is not None


def inline_code(inv: Invocation, knowledge: Knowledge) -> tuple[Word, ...]:
    """The words of an invocation that are code the guard does not read (``python3 -c CODE``, ``awk 'PROG'``,
    ``tmux new -d 'CMD'``), as ``inline_code`` in the knowledge base describes them; those without one of the
    entry's markers (awk's ``system(``) are left out: they run nothing."""
    entry = knowledge.inline_code.get(inv.name) if inv.name is not None else None
    if entry is None:
        return ()
    args = _code_args(inv, entry)
    words = _code_words(inv, entry, args)
    if entry.language and words:
        read = _program(entry, words)
        if read is not None and read.complete:
            words = []  # the guard read all of it: what it writes and runs is in the model (Builder._program)
    if entry.markers:
        words = [w for w in words if any(_marker(m).search(word_text(w)) for m in entry.markers)]
    if words and entry.variable_options:
        # awk -v d=PATH: the code computes its command or file from what the variables hold
        words.extend(_as_word(v, inv) for v in args.values(*entry.variable_options))
    if entry.text_options or entry.text_variables:
        # shell text in option values: the builder reads what is known; a text not known is code not read here
        texts = shell_texts(inv.args, inv.assignments, entry, inv.span)
        words.extend(w for w in texts if w.value is None)
    if entry.code_text_options:
        words.extend(w for _, w in code_texts(inv.args, entry, inv.span) if w.value is None)
    return tuple(words)


def unknown_code(inv: Invocation, knowledge: Knowledge) -> Word | None:
    """The first code word given on the line of which nothing is known statically (``python3 -c "$X"``, ``awk
    "$PROG" FILE``, ``perl -e "$(cat f)"``): it may be any code, as ``bash -c "$X"`` may be any command. Operands that
    may be code or a file (``sqlite3 "$DB"``: ``code_operands``) are not counted: a name not known is no code."""
    return next((w for w in certain_code_words(inv, knowledge) if w.value is None and not word_text(w).strip()), None)


def code_words(inv: Invocation, knowledge: Knowledge) -> tuple[Word, ...]:
    """Every word of an invocation that is code (``python3 -c CODE``, ``perl -e CODE``, awk's program), whether
    or not the guard reads it: none of them is a path operand."""
    entry = knowledge.inline_code.get(inv.name) if inv.name is not None else None
    if entry is None:
        return ()
    return tuple(_code_words(inv, entry, _code_args(inv, entry)))


def program_text(inv: Invocation, knowledge: Knowledge, files: Sequence[str] = ()) -> str | None:
    """The sed script or awk program given on the command line (tenmon_guard/programs.py), with the text of the
    script files the line makes known (``sed -f /dev/stdin <<< SCRIPT``); None for another command or a program not
    known statically (``awk -f FILE``, ``sed "$SCRIPT"``)."""
    entry = knowledge.inline_code.get(inv.name) if inv.name is not None else None
    if entry is None or not entry.language:
        return None
    texts = [w.value for w in _code_words(inv, entry, _code_args(inv, entry))] + list(files)
    if not texts or any(t is None for t in texts):
        return None
    return "\n".join(t for t in texts if t is not None)


def program_operands(inv: Invocation, knowledge: Knowledge) -> tuple[ParsedArgs, tuple[Word, ...]]:
    """A sed or awk invocation's arguments as it reads them, and its operands after the program (its input files,
    and awk's ``NAME=VALUE`` assignments)."""
    entry = knowledge.inline_code[inv.name or ""]
    args = _code_args(inv, entry)
    operands = args.operands
    if entry.code_operand and operands and not args.has(*entry.file_options, *entry.code_options):
        operands = operands[1:]
    return args, operands


def program_files(inv: Invocation, knowledge: Knowledge) -> list[Word | str]:
    """The script files a sed or awk invocation is given (``-f FILE``)."""
    entry = knowledge.inline_code[inv.name or ""]
    return _code_args(inv, entry).values(*entry.file_options)


def stdin_code_option(inv: Invocation, knowledge: Knowledge) -> str | None:
    """The code option (``-c``, ``-e``) an interpreter that reads its program on stdin stands for: ``python3 -``,
    ``node`` with no script (a heredoc, a pipe) run the text as ``python3 -c TEXT`` would. None when the program
    comes from an argument or a file (``python3 -m json.tool``, ``node app.js``), or for another command. A script
    option naming stdin reads it there too where the entry says so (``make -f - <<< RULES``: ``script_stdin``);
    ``stdin_operands`` operands may come first that are no script (``psql DBNAME``, ``sqlite3 FILE``)."""
    entry = knowledge.inline_code.get(inv.name) if inv.name is not None else None
    if entry is None or not (entry.stdin_code or entry.script_stdin) or not entry.code_options:
        return None
    args = _code_args(inv, entry)
    if args.unknown_options or args.has(*entry.code_options):
        return None
    if args.has(*entry.file_options):
        files = args.values(*entry.file_options)
        stdin = {"-", *knowledge.stdin_files}
        named = entry.script_stdin and all(value_text(f) in stdin for f in files)
        return entry.code_options[0] if named else None  # make -f - reads its makefile on stdin
    if not entry.stdin_code:
        return None
    script = args.operands[entry.stdin_operands :]
    if script and script[0].value != "-":
        return None
    return entry.code_options[0]


def script_files(inv: Invocation, knowledge: Knowledge) -> tuple[str, list[Word | str]] | None:
    """The code option an interpreter's script files stand for, and the words naming them: ``python3 x.py``,
    ``perl <(...)``, ``php -f FILE``, ``make -f FILE`` (or make's Makefile, with no ``-f``). A file the line makes
    known (written on it, a process substitution, stdin by a name) is code as ``python3 -c TEXT`` is. None when
    code is given by an option, or for another command; the languages the guard reads (sed, awk) and programs
    whose operands are code themselves (sqlite3) are read elsewhere."""
    entry = knowledge.inline_code.get(inv.name) if inv.name is not None else None
    if entry is None or not entry.code_options or entry.language or entry.code_operand or entry.code_operands:
        return None
    args = _code_args(inv, entry)
    if args.unknown_options or args.has(*entry.code_options):
        return None
    if args.has(*entry.file_options):
        return entry.code_options[0], list(args.values(*entry.file_options))
    if entry.default_files:
        return entry.code_options[0], list(entry.default_files)
    script = args.operands[entry.stdin_operands :] if entry.stdin_code or entry.script_operand else []
    if not script or script[0].value == "-":
        return None
    return entry.code_options[0], [script[0]]


def module_files(inv: Invocation, knowledge: Knowledge) -> tuple[str, list[str]] | None:
    """The code option an interpreter's modules stand for, and the files of the modules it loads by an option
    (knowledge ``module_options``: ``python3 -m x`` runs ./x.py, ``node -r ./x.js`` loads ./x.js first): a
    module the line wrote is code as ``python3 -c TEXT`` is. None for another command or none given."""
    entry = knowledge.inline_code.get(inv.name) if inv.name is not None else None
    if entry is None or not (entry.module_options or entry.startup_variables) or not entry.code_options:
        return None
    args = _code_args(inv, entry)
    files: list[str] = []
    for option, template in entry.module_options:
        for value in args.values(option):
            text = value_text(value)
            if text is not None and text:
                name = text.replace(".", "/") if template.endswith(".py") else text
                files.append(template.format(name))
    if not args.has(*entry.environment_off_options):
        files.extend(_startup_files(inv, entry, args))
    return (entry.code_options[0], files) if files else None


def module_directories(inv: Invocation, knowledge: Knowledge) -> tuple[str, list[str]] | None:
    """The code option an interpreter's modules stand for, and the directories it looks for the modules its code
    imports in (knowledge ``module_search``): ``PYTHONPATH=DIR``'s, ``perl -I DIR``'s, and the script's directory
    (the cwd for ``-c``, ``-m`` and stdin) where it comes first. A module the line wrote there may be what
    ``import json`` loads in place of the library's (checked with python 3.11: ``json.py`` in the cwd shadows it
    for ``python3 -c 'import json'``). Relative names as given; None for another command or none."""
    entry = knowledge.inline_code.get(inv.name) if inv.name is not None else None
    if entry is None or not entry.search_suffix or not entry.code_options:
        return None
    args = _code_args(inv, entry)
    found: list[str] = []
    if not args.has(*entry.environment_off_options):
        for name, assigned in inv.assignments:
            if name in entry.search_variables and assigned.value:
                found.extend(d for d in assigned.value.split(":") if d)
    found.extend(t for t in (value_text(v) for v in args.values(*entry.search_options)) if t)
    if entry.search_script_directory and not args.has(*entry.search_script_directory_off):
        script = script_files(inv, knowledge)  # (none: -c, stdin; python -m NAME: the cwd too)
        text = value_text(script[1][0]) if script is not None and script[1] else "."
        if text is not None:
            base = posixpath.dirname(text) or "." if script is not None else "."
            found.append(posixpath.join(base, entry.search_subdirectory) if entry.search_subdirectory else base)
            if entry.search_ancestors:  # (node: require("x") from /opt/a/dist/i.js looks in /opt/a/node_modules too)
                found.extend(_ancestors(base, entry.search_subdirectory))
    return (entry.code_options[0], found) if found else None


def _ancestors(base: str, subdirectory: str) -> list[str]:
    """``subdirectory`` in each directory above ``base`` up to the root: by name for an absolute ``base``, else by
    as many ``..`` as a path may have (what is above the root is the root)."""
    if base.startswith("/"):
        above = []
        while base != "/":
            base = posixpath.dirname(base)
            above.append(posixpath.join(base, subdirectory))
        return above
    return [posixpath.join(base, *([".."] * n), subdirectory) for n in range(1, _MAX_DEPTH)]


_MAX_DEPTH = 16  # (directories above a relative script's, for a cwd known later)


def _startup_files(inv: Invocation, entry: InlineCode, args: ParsedArgs) -> list[str]:
    """The files the environment makes an interpreter run as it starts (knowledge ``startup_variables``):
    ``PYTHONPATH=DIR``'s DIR/sitecustomize.py and DIR/usercustomize.py (NAME: the files in each directory of
    the colon-separated list); ``PYTHONSTARTUP=FILE`` (an empty list: the file itself) only where it reads its
    program on stdin (``python3 -i``, or at a terminal), not with a script, -c or -m."""
    files: list[str] = []
    interactive = not args.has(*entry.code_options, *entry.file_options) and not args.operands
    for name, assigned in inv.assignments:
        names = entry.startup_variables.get(name)
        if names is None or assigned.value is None or not assigned.value:
            continue
        if not names:
            files.extend([assigned.value] if interactive else [])
            continue
        files.extend(f"{d.rstrip('/') or '.'}/{n}" for d in assigned.value.split(":") for n in names)
    return files


def _code_args(inv: Invocation, entry: InlineCode) -> ParsedArgs:
    """The invocation's arguments as the command reads them. An option of ``dash_ends_value`` takes the next word
    only when it does not start with a dash: ``node -p CODE`` but ``node -p -e CODE`` (-p alone, then -e CODE)."""
    words = inv.args
    if entry.parameters:
        words = _parameters_read(words, entry)
    if entry.dash_ends_value:
        words = tuple(
            w
            for k, w in enumerate(words)
            if not (w.value in entry.dash_ends_value and k + 1 < len(words) and words[k + 1].literal_prefix[:1] == "-")
        )
    args = parse_args(words, entry.options)
    for name, assigned in inv.assignments:  # (NODE_OPTIONS='--require ./k.js' node: options the environment gives)
        if name in entry.option_words_variables and assigned.value is not None:
            given = [literal_word(w, inv.span) for w in assigned.value.split()]
            args = ParsedArgs(
                parse_args(given, entry.options).options + args.options, args.operands, args.unknown_options
            )
    return args


def _parameters_read(words: Sequence[Word], entry: InlineCode) -> tuple[Word, ...]:
    """The words as a program that reads PowerShell-style parameters sees them (knowledge ``parameters``): ``-comm``,
    ``-ENC``, ``--File`` and ``/c`` spelled as the parameter they name; the value of a ``rest_options`` parameter is
    the words after it joined by spaces (``pwsh -c pkill node`` runs ``pkill node``), that of an ``opaque_options``
    one code not known (``pwsh -enc BASE64``). The first word that names no parameter (a script) ends them."""
    out: list[Word] = []
    k = 0
    while k < len(words):
        name = _parameter(words[k].value, entry)
        if name is None:
            break
        out.append(Word(words[k].text, words[k].span, (Literal(name),)))
        rest = words[k + 1 :]
        if name in entry.rest_options and rest and rest[0].value != "-":
            joined = " ".join(w.value for w in rest if w.value is not None)
            known = all(w.value is not None for w in rest)
            value = Literal(joined, True) if known else Unknown("command")
            return (*out, Word(" ".join(w.text for w in rest), rest[0].span, (value,)))
        if name in entry.opaque_options and rest:
            return (*out, Word(rest[0].text, rest[0].span, (Unknown("command"),)), *rest[1:])
        k += 1
        if name in entry.options.with_value and rest:
            out.append(rest[0])  # (-ExecutionPolicy Bypass: its value, then more parameters)
            k += 1
            if name in entry.file_options:
                break  # (the script's own arguments follow)
    return (*out, *words[k:])


def _parameter(value: str | None, entry: InlineCode) -> str | None:
    """The parameter a word names (``-NAME``), or None: no lead, or no parameter fits (pwsh then takes it for its
    script file)."""
    lead = next((lead for lead in entry.parameter_leads if value is not None and value.startswith(lead)), None)
    if lead is None or value is None:
        return None
    key = value[len(lead) :].lower()
    fits = (c for name, shortest, c in entry.parameters if len(key) >= len(shortest) and name.startswith(key))
    found = next(fits, None)
    return None if found is None else f"-{found}"


def certain_code_words(inv: Invocation, knowledge: Knowledge) -> tuple[Word, ...]:
    """The code words that are nothing else: option values and the program operand (``python3 -c CODE``, ``awk
    PROG``). Not the operands that may be code (``code_operands``: ``sqlite3 DB SQL``, ``ed FILE``), which may as
    well be the files the program opens."""
    entry = knowledge.inline_code.get(inv.name) if inv.name is not None else None
    if entry is None:
        return ()
    return tuple(_code_words(inv, entry, _code_args(inv, entry), operands=False))


def _code_words(inv: Invocation, entry: InlineCode, args: ParsedArgs, operands: bool = True) -> list[Word]:
    """The words of an invocation that are code, in order (``sed -e A -e B``: A then B); ``operands``: with the
    operands that may be code (``code_operands``)."""
    words = [_as_word(v, inv) for v in args.values(*entry.code_options)]
    words += [_module_code(v, inv) for v in args.values(*entry.module_code_options)]
    given = list(args.operands)
    if entry.code_operand and given and not args.has(*entry.file_options, *entry.code_options):
        words.append(given[0])
    subcommand = not entry.code_subcommands or any(w.value in entry.code_subcommands for w in given)
    switched = not entry.code_operands_options or args.has(*entry.code_operands_options)
    if operands and entry.code_operands and subcommand and switched:
        words.extend(given)
    return words


def _module_code(value: Word | str, inv: Invocation) -> Word:
    """The code a module option's value is (knowledge ``module_code_options``: perl -M'X;CODE' runs ``use X;CODE;``):
    its text as code; a value not known, code not known."""
    word = _as_word(value, inv)
    return literal_word(f"use {word.value};", inv.span) if word.value is not None else word


def _program(entry: InlineCode, words: list[Word]) -> ProgramEffects | None:
    """The program the code words make (joined by newlines, as sed and gawk join their ``-e`` pieces), read;
    None when a piece is not known statically."""
    texts = [w.value for w in words]
    if not texts or any(t is None for t in texts):
        return None
    from tenmon_guard.programs import read_program

    return read_program(entry.language, "\n".join(t for t in texts if t is not None))


def shell_texts(
    args: Sequence[Word], environment: Sequence[tuple[str, Word]], entry: InlineCode, span: Span
) -> tuple[Word, ...]:
    """The shell text a command runs from its own option values (``args``: its words after the name) and its
    environment: ``tar --checkpoint-action=exec=CMD``, ``git -c alias.x='!CMD'``, ``ssh -o ProxyCommand=CMD``,
    ``man -P CMD``, ``LESSOPEN='|CMD %s' less``. Each value counts only after one of its keys (``exec=``; none: the
    whole value), so ``git -c color.ui=auto`` and ``ssh -o StrictHostKeyChecking=no`` give none. The builder reads
    them as nested shell text (``sh -c CMD``)."""
    found: list[Word] = []
    if entry.text_options or entry.text_operands or entry.word_options:
        parsed = parse_args(args, entry.options)
        given = _option_values(parsed, entry.plus_option, span)
        if entry.option_variables:
            given += _variable_options(environment, entry, span)
        for name, value in given:
            keys = entry.text_keys(name)
            if keys:
                found.extend(_after_key(value, keys))
            elif name in entry.word_options:  # expanded as the words of a command that does nothing
                found.append(Word(value.text, value.span, (Literal(": ", True), *value.parts)))
        for word in parsed.unknown_options:
            found.extend(_attached_texts(word, entry))
        if entry.subcommand_texts:
            found.extend(_subcommand_texts(args, parsed, entry))
        if entry.text_operand_syntax[0] or entry.text_operand_syntax[1]:
            found.extend(_address_texts(parsed.operands, entry.text_operands, entry.text_operand_syntax))
        else:
            found.extend(_operand_texts(parsed.operands, entry.text_operands))
    for subcommand, (option, *valued) in entry.config_subcommands:
        found.extend(_stored_texts(args, subcommand, entry.text_keys(option), valued))
    if entry.module_texts:
        found.extend(_module_texts(args, entry, span))
    if entry.function_texts:
        found.extend(_function_texts(args, entry))
    variables = dict(entry.text_variables)
    for name, value in environment:
        if name in variables:
            found.extend(_after_key(value, variables[name]))
    return tuple(found)


def _module_texts(args: Sequence[Word], entry: InlineCode, span: Span) -> list[Word]:
    """``ansible HOSTS -m shell -a CMD`` (knowledge ``module_texts``): the text options' values, where the module
    named (the last one, as the program's own parser keeps) runs them as a command; ``-m copy -a 'src=X dest=Y'``
    gives none."""
    spec = dict(entry.module_texts)
    parsed = parse_args(args, entry.options)
    named = [value_text(v) for v in parsed.values(*spec.get("module_options", ()))]
    module = named[-1] if named else next(iter(spec.get("default", ())), None)
    values = [v if isinstance(v, Word) else literal_word(v, span) for v in parsed.values(*spec.get("text_options", ()))]
    if module is not None:
        prefix = next((p for p in spec.get("prefixes", ()) if module.startswith(p)), "")
        bare = module.removeprefix(prefix)
        if bare not in spec.get("runs_text", ()):
            cases = dict(entry.module_commands).get(bare, ())
            return [c for c in (_module_command(v, cases) for v in values) if c is not None]
    return values


def _function_texts(args: Sequence[Word], entry: InlineCode) -> list[Word]:
    """``salt TARGET cmd.run CMD`` (knowledge ``function_texts``): the operand after the function, where the
    function runs it as a command (or is not known statically: it may be one that does); ``salt TARGET test.ping``
    gives none. A function not known statically with nothing after it gives none either."""
    spec = dict(entry.function_texts)
    at = int(next(iter(spec.get("at", ())), "0"))
    operands = parse_args(args, entry.options).operands
    if len(operands) <= at + 1:
        return []
    function = operands[at].value
    return [operands[at + 1]] if function is None or function in spec.get("runs_text", ()) else []


_PLACEHOLDER = re.compile(r"\{([^}]*)\}")


def _module_command(value: Word, cases: Sequence[tuple[tuple[tuple[str, tuple[str, ...]], ...], str]]) -> Word | None:
    """The shell command a data module's KEY=VALUE arguments (split as the shell splits words) stand for; None when
    no case fits or they cannot be split (their words are then read as any command's are). Arguments not known
    statically are given back as they are: as shell text, a command not known."""
    text = value.value
    if text is None:
        return value if cases else None
    try:
        words = shlex.split(text) if cases else None
    except ValueError:
        words = None
    if words is None:
        return None
    given = dict(w.split("=", 1) for w in words if "=" in w)
    for when, template in cases:
        if not all(key in given and ("*" in wanted or given[key] in wanted) for key, wanted in when):
            continue
        missing = False

        def fill(m: re.Match[str]) -> str:
            nonlocal missing
            found = next((given[k] for k in m.group(1).split("|") if k in given), None)
            missing = missing or found is None
            return shlex.quote(found or "")

        command = _PLACEHOLDER.sub(fill, template)
        if not missing:
            return literal_word(command, value.span)
    return None


def _operand_texts(operands: Sequence[Word], keys: tuple[str, ...]) -> list[Word]:
    """The shell text of operands whose known beginning holds one of keys (ext::CMD: git's ext transport
    runs CMD); an operand not known that shows no key is an operand, not text."""
    found: list[Word] = []
    for word in operands if keys else ():
        for key in keys:
            match = _marker(key).match(word.literal_prefix)
            if match is not None:
                found.append(_as_shell_text(word.without_prefix(match.end()), key))
                break
    return found


def _subcommand_texts(args: Sequence[Word], parsed: ParsedArgs, entry: InlineCode) -> list[Word]:
    """The shell text of a subcommand's own options (knowledge ``subcommand_text_options``): ``git rebase -x 'CMD'
    HEAD~3``, ``git -C DIR difftool --extcmd=CMD``, read with that subcommand's options after its name only."""
    if not parsed.operands:
        return []
    name = parsed.operands[0]
    options = dict(entry.subcommand_texts).get(name.value or "")
    if options is None:
        return []
    at = next((k for k, w in enumerate(args) if w is name), None)
    if at is None:
        return []
    given = parse_args(list(args)[at + 1 :], options)
    values = given.values(*options.with_value, *options.optional_value)
    return [v if isinstance(v, Word) else literal_word(v, name.span) for v in values]


def _address_texts(operands: Sequence[Word], keys: tuple[str, ...], syntax: tuple[str, str, str]) -> list[Word]:
    """The shell text of operands that are addresses (``socat - 'EXEC:pkill node,pty'``, ``SYSTEM:CMD``, two
    addresses joined by ``!!``): each address's text after a key, up to where its options start (``syntax``: PARTS,
    END, UNSURE regexes). Text that holds what the program reads as its own quoting or escapes (``EXEC:"a,b"``,
    ``\\,``) is a command not known, as is an operand not known whose known beginning shows a key."""
    parts, end, unsure = syntax
    found: list[Word] = []
    for word in operands if keys else ():
        if word.value is None:
            if any(_marker(key).match(word.literal_prefix) for key in keys):
                found.append(Word(word.text, word.span, (Unknown("command"),)))
            continue
        for address in re.split(parts, word.value) if parts else [word.value]:
            match = next((m for m in (_marker(key).match(address) for key in keys) if m is not None), None)
            if match is None:
                continue
            text = address[match.end() :]
            text = re.split(end, text, maxsplit=1)[0] if end else text
            if unsure and re.search(unsure, text):
                found.append(Word(word.text, word.span, (Unknown("command"),)))
            else:
                found.append(literal_word(text, word.span))
    return found


def stored_values(args: Sequence[Word], subcommand: str, keys: tuple[str, ...], valued: Sequence[str]) -> list[Word]:
    """What ``git config [--global] KEY VALUE`` stores for a KEY one of ``keys`` matches (the rest of KEY=VALUE after
    it): ``git config core.hooksPath DIR`` is DIR for every later git command."""
    return _stored_texts(args, subcommand, keys, list(valued))


def _stored_texts(args: Sequence[Word], subcommand: str, keys: tuple[str, ...], valued: list[str]) -> list[Word]:
    """``git config [--global] KEY VALUE`` (``git config set KEY VALUE``): the shell text a later run takes from
    KEY=VALUE, by the keys of the option that sets it for one run (``git config core.pager CMD`` is every later
    ``git -c core.pager=CMD``): judged where it is stored, as an alias is."""
    values = [w.value for w in args]
    if subcommand not in values:
        return []
    rest = args[values.index(subcommand) + 1 :]
    operands: list[Word] = []
    skip = False
    for word in rest:
        text = word.value
        if skip:
            skip = False
        elif text is not None and text.startswith("-") and text != "-":
            skip = text in valued
        else:
            operands.append(word)
    if operands[:1] and operands[0].value == "set" and len(operands) > 2:
        operands = operands[1:]
    if len(operands) < 2 or operands[0].value is None:
        return []
    key, value = operands[0], operands[1]
    joined = Word(key.text, key.span, (*key.parts, Literal("=", True), *value.parts))
    return _after_key(joined, keys)


def _as_shell_text(text: Word, key: str) -> Word:
    """The text after a key, as shell text: after ``ext::`` it is git's own argument list, which :func:`ext_command`
    writes as the shell words it stands for; any other is shell text already."""
    if not key.endswith("ext::") or text.value is None:
        return text
    return literal_word(ext_command(text.value), text.span)


# what git's ext:: transport puts for %s and %S (the service run on the other side; upload-pack for a fetch)
_EXT_ESCAPES = {" ": " ", "%": "%", "s": "upload-pack", "S": "git-upload-pack"}


def ext_command(spec: str) -> str:
    """The command of git's ``ext::`` remote, as shell text: git splits it at spaces itself, ``% `` being a space
    within an argument and ``%%`` a percent (``ext::sh -c pkill% node`` runs sh with -c and ``pkill node``); an
    argument that starts ``%G`` or ``%V`` is git's own, not passed. Each argument is quoted for the shell."""
    import shlex

    words: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(spec):
        char = spec[i]
        if char == "%" and i + 1 < len(spec):
            current.append(_EXT_ESCAPES.get(spec[i + 1], spec[i : i + 2]))  # (%G, %V: kept, dropped below)
            i += 2
            continue
        if char == " ":
            words.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    words.append("".join(current))
    return " ".join(shlex.quote(w) for w in words if w and not w.startswith(("%G", "%V")))


def _variable_options(environment: Sequence[tuple[str, Word]], entry: InlineCode, span: Span) -> list[tuple[str, Word]]:
    """Option values the environment gives (knowledge ``option_variables``): git reads GIT_CONFIG_KEY_n and
    GIT_CONFIG_VALUE_n, for each n below GIT_CONFIG_COUNT, as ``-c KEY=VALUE``, and each quoted item of
    GIT_CONFIG_PARAMETERS (``'KEY=VALUE'`` or ``'KEY'='VALUE'``) too. A count not known stands for every pair
    given; a list not known is one value not known."""
    env = dict(environment)
    out: list[tuple[str, Word]] = []
    for option, count_name, key_prefix, value_prefix, list_name in entry.option_variables:
        count = env.get(count_name) if count_name else None
        if count is not None and key_prefix and value_prefix:
            limit = int(count.value) if count.value is not None and count.value.isdigit() else None
            for name, key in env.items():
                index = name[len(key_prefix) :] if name.startswith(key_prefix) else ""
                value = env.get(value_prefix + index) if index.isdigit() else None
                if value is not None and (limit is None or int(index) < limit):
                    joined = Word(key.text, key.span, (*key.parts, Literal("=", True), *value.parts))
                    out.append((option, joined))
        listed = env.get(list_name) if list_name else None
        if listed is not None:
            items = _quoted_items(listed.value) if listed.value is not None else None
            if items is None:
                out.append((option, listed))
            else:
                out.extend((option, literal_word(item, span)) for item in items)
    return out


def _quoted_items(text: str) -> list[str] | None:
    """The items of a list git quoted for the shell (GIT_CONFIG_PARAMETERS: ``'a.b=c' 'x'='y'``), each with its
    quotes removed; None when a quote is not closed."""
    items: list[str] = []
    current: list[str] | None = None
    i = 0
    while i < len(text):
        char = text[i]
        if char in " \t\n":
            if current is not None:
                items.append("".join(current))
            current, i = None, i + 1
            continue
        current = [] if current is None else current
        if char == "'":
            end = text.find("'", i + 1)
            if end < 0:
                return None
            current.append(text[i + 1 : end])
            i = end + 1
        elif char == "\\" and i + 1 < len(text):
            current.append(text[i + 1])
            i += 2
        else:
            current.append(char)
            i += 1
    if current is not None:
        items.append("".join(current))
    return items


def code_texts(args: Sequence[Word], entry: InlineCode, span: Span) -> list[tuple[str, Word]]:
    """Code of another language a command runs from its option values (knowledge ``code_text_options``): ``gdb -ex
    'python CODE'`` and ``vim -c 'py3 CODE'`` run CODE as ``python3 -c CODE`` would. Pairs of that program and the
    code, which the builder judges as the program given it; a value not known statically may be any of them."""
    if not entry.code_text_options:
        return []
    found: list[tuple[str, Word]] = []
    keyed = dict(entry.code_text_options)
    for name, value in _option_values(parse_args(args, entry.options), entry.plus_option, span):
        for key, program in keyed.get(name, ()):
            texts = _after_key(value, (key,))
            found.extend((program, text) for text in texts)
            if value.value is not None and texts:
                break  # a known value is one program's code
    return found


def _option_values(parsed: ParsedArgs, plus: str, span: Span) -> list[tuple[str, Word]]:
    """The options given a value, as (name, value word); with ``plus`` (``-c`` for vim), an operand written
    ``+TEXT`` too, as that option given TEXT (``vim +CMD FILE``)."""
    out = [
        (o.name, o.value if isinstance(o.value, Word) else literal_word(o.value, span))
        for o in parsed.options
        if o.value is not None
    ]
    if plus:
        out.extend((plus, w.without_prefix(1)) for w in parsed.operands if w.literal_prefix.startswith("+"))
    return out


def plus_operands(args: ParsedArgs, plus: str) -> ParsedArgs:
    """``args`` with each operand written ``+TEXT`` read as the option ``plus`` given TEXT (``vim +CMD FILE`` is
    ``vim -c CMD FILE``): the files are the other operands."""
    if not plus or not any(w.literal_prefix.startswith("+") for w in args.operands):
        return args
    given = tuple(Option(plus, w.without_prefix(1), w) for w in args.operands if w.literal_prefix.startswith("+"))
    files = tuple(w for w in args.operands if not w.literal_prefix.startswith("+"))
    return ParsedArgs(args.options + given, files, args.unknown_options)


def _attached_texts(word: Word, entry: InlineCode) -> list[Word]:
    """An option word not known statically whose known beginning names a text option with its value attached
    (``--checkpoint-action="exec=$C"``, ``-P"$PAGER"``): the option parser leaves it aside, its value is read."""
    prefix = word.literal_prefix
    for name, keys in entry.text_options:
        if name.startswith("--"):
            attached = name + "="
        elif len(name) == 2:
            attached = name  # a short option: its value follows it in the same word
        else:
            continue  # a one-dash long option (gdb -ex) takes its value from the next word only
        if prefix.startswith(attached):
            return _after_key(word.without_prefix(len(attached)), keys)
    return []


def _after_key(word: Word, keys: tuple[str, ...]) -> list[Word]:
    """The part of a value after the first key that matches at its start (case as the regex says). A value not
    known statically is read after a key its known beginning holds (``"ProxyCommand=$CMD"``: ``$CMD``); one whose
    beginning holds none may be any key's: all of it is kept."""
    text = word.value if word.value is not None else word.literal_prefix
    for key in keys:
        match = _marker(key).match(text)
        if match is not None:
            if word.value is not None:
                return [_as_shell_text(literal_word(text[match.end() :], word.span), key)]
            return [word.without_prefix(match.end())]
    return [word] if word.value is None else []


def path_counts(inv: Invocation, knowledge: Knowledge, text: str, term: str) -> bool:
    """Does a protected path the code mentions count, as code that may write or delete it? It does where the code
    shows it may run a command or write a file at all (a path marker, case ignored: ``shutil.rmtree``,
    ``fs.rmSync``, ``File.delete``), and where the path is anything but the whole argument of a call that only
    reads (``require(PATH)``, ``open(PATH)``, ``readFileSync(PATH, 'utf8')``): code the guard does not read may
    reach it any other way (``f['r'+'m'](PATH)``). Always, for a command whose entry lists no path markers."""
    entry = knowledge.inline_code.get(inv.name) if inv.name is not None else None
    if entry is None or not entry.path_markers:
        return True
    if _any_of(entry.path_markers).search(text):
        return True
    return bool(entry.read_calls) and _mentioned_outside(text, term, _read_call(entry.read_calls))


def code_may_write(inv: Invocation, knowledge: Knowledge, text: str) -> bool:
    """Does code the guard does not read show it may write a file or run a command at all (a path marker, case
    ignored: ``shutil.rmtree("dist")``, ``unlink glob "dist/*"``)? Then a relative name in it is a path in the
    cwd. Always, for a command whose entry lists no path markers."""
    entry = knowledge.inline_code.get(inv.name) if inv.name is not None else None
    if entry is None or not entry.path_markers:
        return True
    return _any_of(entry.path_markers).search(text) is not None


def app_counts(inv: Invocation, knowledge: Knowledge, text: str) -> bool:
    """Does a mention of the app (``node``, ``dist/index.js``) in code the guard does not read count, as code that
    may signal it? Where the code shows a way to signal a process or run a command (an app marker, case ignored:
    ``os.kill``, ``process.kill``, ``subprocess``, ``system``); always, for a command whose entry lists none."""
    entry = knowledge.inline_code.get(inv.name) if inv.name is not None else None
    if entry is None or not entry.app_markers:
        return True
    return _any_of(entry.app_markers).search(text) is not None


def force_kills(inv: Invocation, knowledge: Knowledge, text: str) -> bool:
    """Does code the guard does not read send SIGKILL (knowledge ``force_kill``: ``os.kill(pid, 9)``, ``kill
    'KILL', $pid``)? To a process it computes (a PID file, a listing), the API's among them, as ``kill -9 "$PID"``
    may: it need not mention the app."""
    entry = knowledge.inline_code.get(inv.name) if inv.name is not None else None
    return entry is not None and bool(entry.force_kill) and _marker(entry.force_kill).search(text) is not None


def _mentioned_outside(text: str, term: str, read_call: re.Pattern[str]) -> bool:
    """Is ``term`` mentioned (as :func:`word_mentions` finds it) other than at the start of a string literal that
    is the whole argument of a read call (``read_call`` matches the text before it)?"""
    start = 0
    while True:
        i = text.find(term, start)
        if i < 0:
            return False
        start = i + 1
        if not _token_at(text, i, term):
            continue
        whole_argument = _STRING_ARGUMENT_END.match(text, i + len(term)) is not None
        if not (whole_argument and read_call.search(text, max(0, i - 80), i)):
            return True


_STRING_ARGUMENT_END = re.compile(r"""[^'"\s()]*['"]\s*[,)]""")  # the rest of the literal, then , or )


@functools.lru_cache(maxsize=16)
def _any_of(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


@functools.lru_cache(maxsize=16)
def _read_call(names: str) -> re.Pattern[str]:
    r"""``NAME(`` then the opening quote, at the end of the searched text (``require('``, ``open("``)."""
    return re.compile(rf"""\b(?:{names})\s*\(\s*['"]$""")


@functools.lru_cache(maxsize=64)
def _marker(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _operands_unknown(spec: CommandSpec, args: ParsedArgs) -> bool:
    """Is what the command does with its operands not known: always (``operands_unknown``), or unless one of
    ``operands_unknown_unless`` gives it its program (``perl gen.pl`` runs gen.pl, which may write anything; with
    ``perl -e CODE FILE`` the operands are the code's, judged by what it says of them: inline_code)."""
    if spec.flag("operands_unknown"):
        return True
    unless = spec.list("operands_unknown_unless")
    return bool(unless) and not args.has(*unless)


def _reads_only(spec: CommandSpec, inv: Invocation) -> bool:
    """A command whose use of its operands is not known (role ``unknown``: ``node FILE`` runs FILE) only reads them
    when one of its ``reader_options`` comes before the first operand (``node --check FILE``); after it, the words
    are the script's own arguments."""
    for word in inv.args:
        if word.value is None or not word.value.startswith("-"):
            return False
        if word.value in spec.list("reader_options"):
            return True
    return False


def _shows_unless(spec: CommandSpec, args: ParsedArgs) -> bool:
    """A builtin that only shows unless one of ``shows_unless_options`` is given (a letter of a bundle too), and,
    when it has ``reader_options``, one of those is: ``enable -a`` lists builtins, ``enable -f LIB NAME`` loads one;
    ``fc -l`` lists the history, ``fc -l -s`` re-runs a line of it in bash. A word not known statically may be any
    option."""
    if _words_not_known(args):
        return False
    readers = spec.list("reader_options")
    if readers and not args.has(*readers):
        return False
    return not args.has(*spec.list("shows_unless_options"))


def _words_not_known(args: ParsedArgs) -> bool:
    """Is a word where an option may be not known statically (it may be any option)?"""
    return bool(args.unknown_options) or any(w.value is None for w in args.optional_operands)


def _dash_signal_words(inv: Invocation) -> frozenset[str]:
    """``kill -9 -1``: only the first word can name the signal this way; later ``-N`` are process groups."""
    first = inv.args[0].value if inv.args else None
    return frozenset([first]) if first is not None and dash_signal(first) is not None else frozenset()


def _expanded_signal_word(inv: Invocation) -> Word | None:
    """kill's first word when an expansion makes it: bash's kill reads a first word that starts with ``-`` as the
    signal (``-$((3*3))``, ``-$SIG``), and ``"$@"`` or ``${SIG:--9}`` may start with one."""
    first = inv.args[0] if inv.args else None
    if first is None or first.value is not None:
        return None
    prefix = first.literal_prefix
    if prefix.startswith("-") and prefix != "--":
        return first
    head = first.parts[0]
    if prefix or not isinstance(head, Unknown) or head.kind != "variable" or head.name is None:
        return None
    return first if spreads(first) or _DEFAULT_DASH.search(head.name) else None


_DEFAULT_DASH = re.compile(r"^\w+:?[-=+]-")  # ${SIG:--9}, ${SIG--KILL}, ${X:+-9}


def _with_lead(signal: SignalEffect, lead: Word) -> SignalEffect:
    """The signal an expanded first word names: ``?`` (arithmetic the builder computes, ``-$((3*3))``, is a known
    word already), or the one a parameter's default word names. The positional parameters (``"$@"``) may expand to
    the signal and PIDs both."""
    named: str | None = None
    head = lead.parts[0]
    several = spreads(lead)
    targets = (lead, *signal.targets) if several else signal.targets
    also: tuple[str, ...] = ()
    default = _default_signal(head) if len(lead.parts) == 1 else None
    if default is not None:  # ``${SIG:--9}``: -9 unless SIG is set (``${X:+-9}``: -9 or no word at all)
        named, also = default
        also = (signal.signal,) if also == ("+",) else also
    return SignalEffect(
        named or SIGNAL_UNKNOWN,
        signal.kind,
        targets,
        signal.full,
        signal.exact,
        signal.regex,
        signal.ignore_case,
        signal.inverse,
        also,
    )


_DEFAULTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*:?([-=+])(-[A-Za-z0-9+]+)")  # ``${SIG:--9}``, ``${S+-KILL}``


def _default_signal(part: Part) -> tuple[str, tuple[str, ...]] | None:
    """The signal a parameter whose value is not known names through its operator's word, and what else the word
    may be: ``${SIG:--9}`` is KILL or SIG's value (``?``); ``${X:+-9}`` is KILL or nothing (``+``)."""
    if not isinstance(part, Unknown) or part.kind != "variable" or part.name is None:
        return None
    match = _DEFAULTED.fullmatch(part.name)
    named = dash_signal(match.group(2)) if match else None
    if match is None or named is None:
        return None
    return named, ("+",) if match.group(1) == "+" else (SIGNAL_UNKNOWN,)


def _signal(spec: CommandSpec, args: ParsedArgs, spread: Word | None = None) -> SignalEffect | None:
    """The signal the command sends and to whom. ``spread``: a word where options may be read that may be any
    number of words (``"$@"``): the subcommand, a required option, the signal and the targets may all be in it,
    so the signal is not known and the word is a target."""
    if args.has(*spec.list("no_signal_options")):
        return None
    if spread is not None and not _verb_without_signal(spec, args, spread):
        found = _signal(spec, args)
        kind = str(spec.extra.get("targets", "pids"))
        if found is None:
            return SignalEffect(SIGNAL_UNKNOWN, kind, (spread,))
        targets = found.targets if any(t is spread for t in found.targets) else (*found.targets, spread)
        return replace(found, signal=SIGNAL_UNKNOWN, targets=targets)
    operands = list(args.operands)
    if spec.extra.get("subcommands"):
        sub = _signal_subcommand(spec, operands)
        if sub is None:
            return _any_subcommand(spec, args) if operands and operands[0].value is None else None
        spec, operands = sub, operands[1:]
    if not _required(spec, args):
        return None
    methods = spec.extra.get("methods")
    if isinstance(methods, dict):
        return _method_signal(spec, methods, args, operands)
    if "signal_values" in spec.extra or "signal_assignments" in spec.extra:
        return _value_signal(spec, args, operands)
    signal: str = str(spec.extra.get("default", "TERM"))
    for option in args.options:
        named = dash_signal(option.name) if option.value is None and spec.flag("dash_signal") else None
        if named is not None:
            signal = named
        elif option.name in spec.list("signal_options"):
            text = value_text(option.value)
            signal = (normalise_signal(text) or SIGNAL_UNKNOWN) if text is not None else SIGNAL_UNKNOWN
    if args.unknown_options and spec.flag("dash_signal"):
        signal = SIGNAL_UNKNOWN  # kill -$SIG ...
    return SignalEffect(
        signal=signal,
        kind=str(spec.extra.get("targets", "pids")),
        targets=tuple(operands) + _option_targets(spec, args),
        full=args.has(*spec.list("full_options")),
        exact=args.has(*spec.list("exact_options")),
        regex=args.has(*spec.list("regex_options")),
        ignore_case=args.has(*spec.list("ignore_case_options"))
        or (spec.flag("ignore_case") and not args.has(*spec.list("case_sensitive_options"))),
        inverse=args.has(*spec.list("inverse_options")),
    )


def sends_signals(spec: CommandSpec | None) -> bool:
    """Whether the command may send a signal: one of the ``signals`` table, or another kind of command (a wrapper
    given no command: ``strace -p PID -e inject=...``) that ``signal_values`` says signals through an option."""
    return spec is not None and (spec.kind == "signal" or "signal_values" in spec.extra)


def _any_subcommand(spec: CommandSpec, args: ParsedArgs) -> SignalEffect | None:
    """``systemctl $ACTION UNIT``: a subcommand not known may be any that signals; the signal each would send with
    these options and operands is a reading, and a doubt only (``systemctl $ACTION -s KILL tenmon-ark-api`` may be
    kill, or status)."""
    verb = args.operands[0]
    found = []
    for name in spec.extra["subcommands"]:
        effect = _signal(spec, replace(args, operands=(literal_word(name, verb.span), *args.operands[1:])))
        if effect is not None:
            found.append(effect)
    if not found:
        return None
    first = found[0]
    others = tuple(dict.fromkeys(s for e in found for s in (e.signal, *e.also) if s != first.signal))
    return replace(first, also=(*first.also, *others), maybe=True)


def _verb_without_signal(spec: CommandSpec, args: ParsedArgs, spread: Word) -> bool:
    """``systemctl restart "$@"``: the subcommand comes before the words that may be anything and sends no signal
    (they can hold options and units, not another subcommand)."""
    if not spec.extra.get("subcommands"):
        return False
    verb = _given_verb(args, spread)
    return verb is not None and _signal_subcommand(spec, [literal_word(verb, spread.span)]) is None


def _signal_subcommand(spec: CommandSpec, operands: list[Word]) -> CommandSpec | None:
    """The spec for the subcommand the first operand names (``systemctl kill``), None when it names none that
    signals. ``subcommands`` is a list of names, or a mapping of each to the keys it sets over the command's own
    (``systemctl reboot``: every process, with --force twice)."""
    listed = spec.extra["subcommands"]
    name = operands[0].value if operands else None
    if name is None or name not in listed:
        return None
    own = listed.get(name) if isinstance(listed, dict) else None
    if not own:
        return spec
    return CommandSpec(spec.name, spec.kind, spec.options, {**spec.extra, "subcommands": None, **own})


def _required(spec: CommandSpec, args: ParsedArgs) -> bool:
    """One of ``requires_options`` is given (fuser -k), ``requires_times`` times in all when set (``-ff``, ``--force
    --force``); true when none is required."""
    wanted = spec.list("requires_options")
    if not wanted:
        return True
    times = int(spec.extra.get("requires_times", 1))
    return sum(1 for o in args.options if o.name in wanted) >= times


def _value_signal(spec: CommandSpec, args: ParsedArgs, operands: list[Word]) -> SignalEffect | None:
    """A signal the command sends only when an option's value says so (``gdb -p PID -ex kill``, ``strace -p PID -e
    inject=all:signal=KILL``, ``prlimit --pid PID --cpu=1``), or a ``NAME=VALUE`` operand after the targets
    (``systemctl set-property UNIT MemoryMax=1``): every signal a value may mean is a reading, ``?`` for a value not
    known statically. No such value: no signal."""
    values = spec.extra.get("signal_values") or {}
    readings: list[str] = []
    for option in args.options:
        table = values.get(option.name)
        if table:
            readings.extend(_value_readings(table, _option_text(spec, option)))
    count = spec.extra.get("target_operands")
    targets = operands[:count] if isinstance(count, int) else operands
    assignments = spec.extra.get("signal_assignments") or {}
    for word in operands[len(targets) :] if assignments else ():
        readings.extend(_assignment_readings(assignments, word))
    if not readings:
        return None
    first, *others = dict.fromkeys(readings)
    named = _option_targets(spec, args, "name_target_options")
    if named:  # (cpulimit -e node -s KILL: the processes whose executable has that name)
        return SignalEffect(first, "names", named, also=tuple(others))
    given = _option_targets(spec, args)
    if spec.flag("command_targets") and not given:
        # (timeout -s KILL 5 CMD, prlimit --cpu=1 CMD: the process signalled is the command it starts)
        skip = int(spec.extra.get("skip_operands", 0) or 0)
        return SignalEffect(first, "command", tuple(operands[skip:]), also=tuple(others))
    kind = str(spec.extra.get("targets", "pids"))
    return SignalEffect(first, kind, tuple(targets) + given, also=tuple(others))


def _option_text(spec: CommandSpec, option: Option) -> str | None:
    """An option's value as text; a flag (``--kill-on-exit``) or an optional value left out is the empty text."""
    if option.value is not None:
        return value_text(option.value)
    return None if spec.options.takes_value(option.name) else ""


def _assignment_readings(table: dict[str, Any], word: Word) -> list[str]:
    """``NAME=VALUE``: the signals ``table[NAME]`` gives VALUE; a name not known statically may be any of them."""
    known = word.value if word.value is not None else word.literal_prefix
    name, equals, value = known.partition("=")
    if not equals:
        return [SIGNAL_UNKNOWN] if word.value is None else []
    entry = table.get(name)
    if not entry:
        return []
    return _value_readings(entry, value if word.value is not None else None)


def _value_readings(table: dict[str, Any], text: str | None) -> list[str]:
    """The signals a value means: each regular expression of ``table`` that matches at its start gives its signal,
    or the signal its ``signal`` group captured (``signal=KILL``); a value not known statically may be any."""
    if text is None:
        return [SIGNAL_UNKNOWN]
    readings = []
    for pattern, named in table.items():
        match = _marker(str(pattern)).match(text)
        if match is None:
            continue
        captured = match.groupdict().get("signal")
        given = captured if captured is not None else str(named)
        readings.append(normalise_signal(given) or SIGNAL_UNKNOWN)
    return readings


def _method_signal(
    spec: CommandSpec, methods: dict[str, Any], args: ParsedArgs, operands: list[Word]
) -> SignalEffect | None:
    """A D-Bus call that signals a unit (``busctl call SERVICE OBJECT INTERFACE METHOD SIGNATURE ARGS...``, as
    systemctl kill does it: ``KillUnit ssi UNIT all 9``). ``methods`` gives, per method, the index among ARGS of the
    unit (or ``object``: the unit is the object path) and of the signal number; ``call`` where the client takes the
    object, the method (``INTERFACE.METHOD`` too) and ARGS, and how it writes an argument (``int32:9``). Other
    methods send no signal (StopUnit is what systemctl stop does); a method not known statically may be any."""
    call = spec.extra.get("call") or {}
    method_word = _call_part(call.get("method"), args, operands)
    object_word = _call_part(call.get("object"), args, operands)
    start = call.get("arguments")
    if method_word is None or not isinstance(start, int):
        return None
    syntax = str(call.get("argument_syntax") or "")
    arguments = [_bus_argument(w, syntax) for w in operands[start:]]
    kind = str(spec.extra.get("targets", "units"))
    if method_word.value is None:
        return SignalEffect(SIGNAL_UNKNOWN, kind, (*((object_word,) if object_word else ()), *arguments))
    where = methods.get(method_word.value.rpartition(".")[2])
    if not isinstance(where, dict):
        return None
    target, number = where.get("target"), where.get("signal")
    if target == "object":
        targets: tuple[Word, ...] = (_bus_path_unit(object_word),) if object_word is not None else ()
    else:
        targets = tuple(arguments[target : target + 1]) if isinstance(target, int) else ()
    text = arguments[number].value if isinstance(number, int) and number < len(arguments) else None
    signal = (normalise_signal(text) or SIGNAL_UNKNOWN) if text is not None else SIGNAL_UNKNOWN
    return SignalEffect(signal, kind, targets)


def _call_part(where: Any, args: ParsedArgs, operands: list[Word]) -> Word | None:
    """Part of a D-Bus call: the operand at an index, or the value of one of a list of options (gdbus --method)."""
    if isinstance(where, int):
        return operands[where] if where < len(operands) else None
    if isinstance(where, list):
        given = [o for o in args.options if o.name in where and o.value is not None]
        if not given:
            return None
        last = given[-1]
        return last.value if isinstance(last.value, Word) else literal_word(str(last.value), last.word.span)
    return None


def _bus_argument(word: Word, syntax: str) -> Word:
    """A D-Bus argument as its value: ``syntax`` is a regular expression whose ``value`` group is the value
    (dbus-send's ``int32:9``, gdbus' GVariant text ``'all'``, ``int32 9``); the word itself when it does not match
    or is not known statically."""
    if not syntax or word.value is None:
        return word
    match = _marker(syntax).fullmatch(word.value)
    return literal_word(match["value"], word.span) if match is not None else word


_BUS_ESCAPE = re.compile(r"_([0-9a-fA-F]{2})")


def _bus_path_unit(word: Word) -> Word:
    """``/org/freedesktop/systemd1/unit/tenmon_2dark_2dapi_2eservice`` -> ``tenmon-ark-api.service`` (systemd
    escapes each byte of a unit name that is not alphanumeric as ``_XX``)."""
    if word.value is None:
        return word
    last = word.value.rstrip("/").rpartition("/")[2]
    return literal_word(_BUS_ESCAPE.sub(lambda m: chr(int(m[1], 16)), last), word.span)


def _option_targets(spec: CommandSpec, args: ParsedArgs, key: str = "target_options") -> tuple[Word, ...]:
    """Targets given as option values: ``kill-port --port 3000``; with ``key`` ``name_target_options``, the
    executable names (or paths) of the processes chosen (``cpulimit -e node``, ``-P /usr/bin/node``)."""
    wanted = spec.list(key)
    return tuple(
        o.value if isinstance(o.value, Word) else literal_word(o.value, o.word.span)
        for o in args.options
        if o.name in wanted and o.value is not None
    )


def _url_operand_writes(spec: CommandSpec, args: ParsedArgs) -> list[WriteTarget]:
    """``curl -T FILE file:///PATH``: an upload to a URL that names a local file writes that file (knowledge
    ``url_operand_writes``: {options: the upload options, prefix: a regex of the URL's start before the path})."""
    found = spec.extra.get("url_operand_writes")
    if not isinstance(found, dict) or not args.has(*found.get("options", ())):
        return []
    prefix = _marker(str(found.get("prefix")))
    out: list[WriteTarget] = []
    wanted = found.get("url_options", ())
    urls = [
        o.value if isinstance(o.value, Word) else literal_word(o.value, o.word.span)
        for o in args.options
        if o.name in wanted and o.value is not None
    ]
    for word in [*args.operands, *urls]:  # (curl --url URL, as in a config: url = file:///PATH)
        first = word.parts[0] if word.parts else None
        matched = prefix.match(first.text) if isinstance(first, Literal) else None
        if matched is not None:
            out.append(WriteTarget(word.without_prefix(matched.end()), opens=True))
    return out


def _redirect_writes(inv: Invocation) -> list[WriteTarget]:
    return [WriteTarget(r.target, opens=True) for r in inv.redirects if r.writes and r.target is not None]


def _writes(spec: CommandSpec, args: ParsedArgs, inv: Invocation) -> list[WriteTarget]:
    if "plus_option" in spec.extra:  # vim +CMD FILE is vim -c CMD FILE
        args = plus_operands(args, str(spec.extra["plus_option"]))
    if _alone_no_write(spec, args):
        return []
    stdout = spec.flag("dash_is_stdout")  # wget -O -, curl -o -: standard output, no file
    values: list[Word | str] = list(args.values(*spec.list("write_options")))
    if "write_option_keys" in spec.extra:  # wget -e output_document=FILE
        values.extend(keyed_values(args, spec.extra["write_option_keys"], inv.span))
    if "named_write_values" in spec.extra:  # vim -c 'w FILE'
        values.extend(_named_in_values(args, spec.extra["named_write_values"]))
    entries = keyed_values(args, spec.extra.get("entry_write_option_keys"), inv.span)  # docker run -v /opt:/o
    values = [v for v in values if not (stdout and value_text(v) == "-")]
    out = [WriteTarget(_as_word(v, inv)) for v in values]
    out += [WriteTarget(_joined(_as_word(v, inv), (Unknown(NAME),)), recursive=True) for v in entries]
    recursive = args.has(*spec.list("recursive_options")) or spec.flag("always_recursive")
    role = str(spec.extra.get("role", "none"))
    if args.has(*spec.list("no_write_options")) or keyed_values(args, spec.extra.get("no_write_option_keys"), inv.span):
        return [*out, *_table_doubts(spec, args, inv)]  # (mount -a: nothing, but mount -T FILE -a: not known)
    out.extend(_cwd_writes(spec, args, inv))
    out.extend(_url_operand_writes(spec, args))
    out.extend(_subcommand_option_writes(spec, args, inv))
    if "subcommand_operand_writes" in spec.extra:
        out.extend(_subcommand_operand_writes(spec, args, inv))
    if args.has(*spec.list("directory_options")) or _found_in_values(args, spec.extra.get("operand_write_values")):
        role = "operands"
    if args.has(*spec.list("source_delete_options")):
        out.extend(WriteTarget(w, recursive=True) for w in _sources(spec, args, inv))
    if args.has(*spec.list("source_unmount_options")) or _found_in_values(
        args, spec.extra.get("source_unmount_option_keys")
    ):
        out.extend(WriteTarget(w, recursive=True, mount_change=MountChange()) for w in _moved_mounts(spec, args, inv))
    if spec.kind == "wrapper" and (spec.flag("edit_all") or args.has(*spec.list("edit_options"))):
        role = "operands"  # sudoedit / sudo -e: every operand is edited in place
    elif spec.kind == "find" and any(w.value in spec.list("delete_actions") for w in inv.args):
        role, recursive = "find_starts", True
    if args.has(*spec.list("name_only_options")):
        role = "none"  # mktemp -t NAME: a name in the directory a write option or variable gives, not a path
    handler = _ROLES.get(role)
    if handler is not None:
        found = handler(spec, args, inv, recursive)
        if args.has(*spec.list("link_itself_options")):  # touch -h LINK: the link's own times, not its file's
            found = [WriteTarget(t.word, t.recursive, names=t.names, link_itself=True) for t in found]
        elif spec.flag("opens_operands"):
            found = [WriteTarget(t.word, t.recursive, True, t.names) for t in found]
        elif _removes_links(spec, inv):
            found = [replace(t, link_itself=True) for t in found]
        elif spec.flag("unmounts"):
            found = _unmounted(spec, args, found, inv)
        elif spec.flag("mounts_at_target"):  # mount X TARGET: what lies there is hidden (see MountChange.made)
            found = [replace(t, mount_change=MountChange(made=True)) for t in found]
        out.extend(found)
    follow = spec.list("follow_links_options")
    if follow and (args.has(*follow) or any(w.value in follow for w in inv.args)):  # (find's -L is no option)
        out = [replace(t, follows_links=True) if t.recursive else t for t in out]
    if spec.flag("remote_paths"):
        out = [WriteTarget(_strip_host(t.word), t.recursive) for t in out]
    return out


def _unmounted(spec: CommandSpec, args: ParsedArgs, found: list[WriteTarget], inv: Invocation) -> list[WriteTarget]:
    """``umount X``: the mount at X, or the mounts of the source X names when none is there (``umount /dev/sdb1``);
    with one of ``all_targets_options`` every mount of that file system (``umount -A X``). With one of
    ``table_options`` (``umount -a``) every mount of the table, of the types a ``type_options`` value lists: one
    target that stands for them all (the cwd's word; it names nothing itself)."""
    pick = MountChange(by_source=True, all_targets=args.has(*spec.list("all_targets_options")))
    targets = [replace(t, mount_change=pick) for t in found]
    if args.has(*spec.list("table_options")):
        types = args.values(*spec.list("type_options"))
        listed = (value_text(types[-1]) if types else None) or ""  # (a list not known: umount's own default)
        targets.append(WriteTarget(_cwd_word(inv), True, mount_change=MountChange(table=True, types=listed)))
    return targets


def _moved_mounts(spec: CommandSpec, args: ParsedArgs, inv: Invocation) -> list[Word]:
    """The mount points ``mount --move SRC DEST`` takes away from where they are (``source_unmount_options``): the
    ``source_options`` value (``--source SRC``), else every operand but the target (the last one, unless the
    target is given by ``write_options``: ``--target DEST``)."""
    given = args.values(*spec.list("source_options"))
    if given:
        return [_as_word(v, inv) for v in given]
    if args.values(*spec.list("write_options")):
        return list(args.operands)
    return list(args.operands[:-1])


def _alone_no_write(spec: CommandSpec, args: ParsedArgs) -> bool:
    """``mount --make-private DIR`` changes how mounts propagate from DIR, no file: one of ``alone_no_write_options``
    with a single path (an operand or a ``write_options`` value), no other option with a value and none of
    ``bind_options`` (``mount --make-private -B SRC DIR`` mounts too)."""
    options = spec.list("alone_no_write_options")
    if not options or not args.has(*options) or args.unknown_options or args.has(*spec.list("bind_options")):
        return False
    writes = spec.list("write_options")
    if len(args.operands) + len(args.values(*writes)) != 1:
        return False
    return not any(o.value is not None and o.name not in writes for o in args.options)


def _removes_links(spec: CommandSpec, inv: Invocation) -> bool:
    """Does the command remove the names it is given, a symlink by itself (``unlinks``: rm, rmdir, unlink; ``rm -r
    LINK`` removes the link, ``rm -r LINK/`` what it leads to), unless one of ``unlinks_unless_options`` makes it
    follow them (``find LINK -delete`` removes the link; ``find -L LINK -delete`` what it leads to)? Not ``umount``:
    its ``unlinks`` is the name of a bind mount made on the line; a symlink on disk it follows (it canonicalises)."""
    if spec.flag("unlinks"):
        return not spec.flag("unmounts")
    unless = spec.list("unlinks_unless_options")
    return bool(unless) and not any(w.value in unless for w in inv.args)


def _acts_on_links(spec: CommandSpec, args: ParsedArgs) -> bool:
    """With one of ``unlinks_options`` (``ln -n``/``-T``, ``mv -T``), a link named as the destination is acted on
    itself, never entered as a directory."""
    options = spec.list("unlinks_options")
    return bool(options) and args.has(*options)


def _cwd_writes(spec: CommandSpec, args: ParsedArgs, inv: Invocation) -> list[WriteTarget]:
    """Tools that save into the cwd under a name of their own (``curl -O URL``, ``wget URL``) or build the project
    there (``tsc``, ``make``): the cwd is written, or the directory a chdir option enters (``make -C DIR``), unless
    one of ``cwd_free_options`` sends the file elsewhere (``wget -O FILE``) or writes nothing (``tsc --noEmit``)."""
    given = spec.flag("writes_cwd") or args.has(*spec.list("cwd_write_options"))
    if not given or args.has(*spec.list("cwd_free_options")):
        return []
    return [WriteTarget(_entered(d)) for d in _chdirs(spec, args, inv)] or [WriteTarget(_cwd_word(inv))]


def keyed_values(args: ParsedArgs, mapping: Any, span: Span) -> list[Word]:
    """Option values that say something after a key (``git -c core.worktree=DIR``): ``mapping`` is
    ``{OPTION: [KEY_REGEX, ...]}``; the rest of each value after a matching key, or, when the regex has an
    ``escaped`` group, what it holds with its backslash escapes undone (``mount -o upperdir=DIR,workdir=W``: an
    item of a comma list, a backslash before a comma keeps it in). A value not known statically is left out: it is
    another option's business to doubt it."""
    if not isinstance(mapping, dict):
        return []
    out: list[Word] = []
    for option, keys in mapping.items():
        for value in args.values(str(option)):
            text = value_text(value)
            if text is None:
                continue
            for key in keys or ():
                match = _marker(str(key)).match(text)
                if match is None:
                    continue
                escaped = match.groupdict().get("escaped")
                found = text[match.end() :] if escaped is None else re.sub(r"\\(.)", r"\1", escaped, flags=re.S)
                out.append(literal_word(found, span))
    return out


def _found_in_values(args: ParsedArgs, mapping: Any) -> bool:
    """Is one of the regexes of ``mapping`` (``{OPTION: [REGEX, ...]}``) found in a value of its option (``view -c
    '%d|wq!'``: an ex command that writes)? In a value known only in part, its known text is searched."""
    if not isinstance(mapping, dict):
        return False
    for option, regexes in mapping.items():
        for value in args.values(str(option)):
            text = value if isinstance(value, str) else word_text(value)
            if any(_marker(str(r)).search(text) for r in regexes or ()):
                return True
    return False


def _named_in_values(args: ParsedArgs, mapping: Any) -> list[str]:
    """The names the group ``file`` of the regexes of ``mapping`` (``{OPTION: [REGEX, ...]}``) finds in the known
    values of their option (``vim -c 'w /tmp/x'``: /tmp/x)."""
    if not isinstance(mapping, dict):
        return []
    found: list[str] = []
    for option, regexes in mapping.items():
        for value in args.values(str(option)):
            text = value_text(value)
            if text is None:
                continue
            for regex in regexes or ():
                found.extend(m.group("file") for m in _marker(str(regex)).finditer(text))
    return found


def _sources(spec: CommandSpec, args: ParsedArgs, inv: Invocation) -> list[Word]:
    """The operands a command reads from, which ``source_delete_options`` delete once done (rsync
    --remove-source-files, tar --remove-files, zip -m, 7z a -sdel): all but the destination for a copy, all but the
    archive for zip (and its subcommand for 7z), tar's members in its -C directory."""
    role = spec.extra.get("role")
    if role in ("destination", "move"):
        return list(args.operands if args.values("-t", "--target-directory") else args.operands[:-1])
    if role == "first_operand":
        return list(args.operands[1:])
    if role == "cwd_subcommands":
        return list(args.operands[2:])  # (7z a -sdel ARCHIVE FILES)
    if role == "tar_extract":
        return _tar_members(spec, args, inv)
    return list(args.operands)


def _as_word(value: Word | str, inv: Invocation) -> Word:
    if isinstance(value, Word):
        return value
    return literal_word(value, inv.span)


def _cwd_word(inv: Invocation) -> Word:
    """``.``: commands that write where they run (tar -x, unzip, npm ci, ln with one operand)."""
    return literal_word(".", inv.span)


def _operands(spec: CommandSpec, args: ParsedArgs, inv: Invocation, recursive: bool) -> list[WriteTarget]:
    return [WriteTarget(w, recursive) for w in args.operands]


def _destination(spec: CommandSpec, args: ParsedArgs, inv: Invocation, recursive: bool) -> list[WriteTarget]:
    """The destination, and what each source becomes in it when it is a directory: ``cp -r /tmp/tenmon-ark-live
    /opt/`` writes ``/opt/tenmon-ark-live``. Whether the destination is a directory is the file system's to say;
    the guard assumes it may be one unless the copy says otherwise (``-T``).

    For the doors that read the disk: a command that replaces its destination (``replaces_destination``: mv, ln,
    install) acts on a link there itself (``mv X LINK-TO-FILE`` replaces the link); one that opens it
    (``opens_destination``: cp) writes the file it leads to; DEST/NAME goes through a link to a directory either
    way, except with ``unlinks_options`` (``ln -sfn T LINK`` replaces LINK, ``ln -sfn T LINK/`` makes LINK/T)."""
    targets = args.values("-t", "--target-directory")
    if targets:
        dirs, sources = [_as_word(t, inv) for t in targets], list(args.operands)
    elif len(args.operands) >= 2:
        dirs, sources = [args.operands[-1]], list(args.operands[:-1])
    elif len(args.operands) == 1 and spec.name == "ln":
        return [WriteTarget(_cwd_word(inv))]
    else:
        return []
    itself = _acts_on_links(spec, args)
    replaced = itself or spec.flag("replaces_destination")
    opened = not replaced and spec.flag("opens_destination")
    names = [_last_component(spec, w) for w in sources]
    entered = not itself and None in names  # rsync -a --delete x/ DEST: x's contents go into DEST, entered
    out = [WriteTarget(_entered(d) if entered else d, recursive, opened, link_itself=replaced) for d in dirs]
    if not args.has(*spec.list("no_target_directory_options")):
        out.extend(
            WriteTarget(_joined(d, name), recursive, dir_itself=itself and not (d.value or "").endswith("/"))
            for d in dirs
            for name in names
            if name is not None
        )
        if entered:  # (rsync -a src/ /opt/, cp -r src/. /opt/: src's entries, not known, go into DEST by their names)
            out.extend(WriteTarget(_joined(d, (Unknown(NAME),)), recursive) for d in dirs)
    return out


# The kind of an unknown part that is one file name, no /: the name a copy of a source not known gets in a directory.
NAME = "name"
# The kind of an unknown part that is an entry find reached below its start without going through a link (``{}``
# of ``find DIR -exec``); its ``name`` holds the -name globs the entry matches, NUL-joined (None: any name).
FOUND = "found"


def _last_component(spec: CommandSpec, source: Word) -> tuple[Part, ...] | None:
    """The name a source gets inside a destination directory, as word parts; None when it adds no name (``.``,
    or rsync's ``dir/``, which copies the contents). A name not known statically (``$SRC``, ``*``) is an unknown
    part: the copy may then land on any name in that directory."""
    if spec.flag("remote_paths"):
        source = _strip_host(source)
    name: list[Literal] = []
    for part in reversed(source.parts):
        if isinstance(part, Unknown):  # one name (a basename holds no /), whatever it is
            return (Unknown(NAME, part.name, part.producers),)
        text = part.text
        if not name and text.endswith("/"):
            if spec.flag("trailing_slash_copies_contents"):
                return None
            text = text.rstrip("/")
        _, slash, tail = text.rpartition("/")
        name.insert(0, Literal(tail, part.quoted))
        if slash:
            break
    if "".join(p.text for p in name) in ("", ".", ".."):
        return None
    if Word(source.text, source.span, tuple(name)).is_glob:
        return (Unknown("glob"),)  # the source's glob matches names in the source directory, not here
    return tuple(name)


def _entered(directory: Word) -> Word:
    """A directory a tool enters (chdir, opendir: ``tar -C DIR``, ``git -C DIR``, rsync's destination of a
    directory's contents) as ``DIR/``: the kernel follows a final link there as it does for a trailing slash, so
    the doors that read the disk judge it where the link leads, not as a name that may be a link itself."""
    if directory.literal_prefix.endswith("/") and directory.is_static:
        return directory
    return Word(directory.text, directory.span, (*directory.parts, Literal("/", True)))


def _joined(directory: Word, name: tuple[Part, ...]) -> Word:
    """``directory/name`` as one word (the destination's own text and span, for messages)."""
    return Word(directory.text, directory.span, (*directory.parts, Literal("/", True), *name))


def _move(spec: CommandSpec, args: ParsedArgs, inv: Invocation, recursive: bool) -> list[WriteTarget]:
    out = _destination(spec, args, inv, recursive)
    sources = args.operands if args.values("-t", "--target-directory") else args.operands[:-1]
    renamed = spec.flag("unlinks_sources")  # mv LINK X renames the link, not what it leads to
    return out + [WriteTarget(w, recursive=True, link_itself=renamed) for w in sources]


def _after_first(spec: CommandSpec, args: ParsedArgs, inv: Invocation, recursive: bool) -> list[WriteTarget]:
    files = args.operands if args.has(*spec.list("reference_options")) else args.operands[1:]
    return [WriteTarget(w, recursive) for w in files]


def _after_option_values(spec: CommandSpec, args: ParsedArgs, inv: Invocation, recursive: bool) -> list[WriteTarget]:
    return [WriteTarget(w, recursive) for w in args.operands]


def _sed_in_place(spec: CommandSpec, args: ParsedArgs, inv: Invocation, recursive: bool) -> list[WriteTarget]:
    in_place = any(o.name in spec.list("in_place_options") or o.name.startswith("--in-place") for o in args.options)
    if not in_place:
        return []
    files = args.operands if args.has(*spec.list("script_options")) else args.operands[1:]
    return [WriteTarget(w) for w in files]


def _perl_in_place(spec: CommandSpec, args: ParsedArgs, inv: Invocation, recursive: bool) -> list[WriteTarget]:
    if not args.has(*(spec.list("in_place_options") or ("-i",))):
        return []
    files = args.operands if args.has(*(spec.list("script_options") or ("-e", "-E"))) else args.operands[1:]
    return [WriteTarget(w) for w in files]


def _key_value(spec: CommandSpec, args: ParsedArgs, inv: Invocation, recursive: bool) -> list[WriteTarget]:
    out = []
    for word in args.operands:
        for key in spec.list("keys"):
            prefix = key + "="
            if word.literal_prefix.startswith(prefix):
                out.append(WriteTarget(word.without_prefix(len(prefix))))
    return out


def _chdir_chain(spec: CommandSpec, args: ParsedArgs, inv: Invocation) -> list[Word]:
    """The directories the chdir options enter, in order; each relative one is taken from the one before, as tar
    does (``tar -C /opt -C tenmon-ark-live`` ends in /opt/tenmon-ark-live). Empty when none is given."""
    dirs: list[Word] = []
    for value in args.values(*spec.list("chdir_options")):
        word = _as_word(value, inv)
        if dirs and not word.literal_prefix.startswith("/"):
            word = _joined(dirs[-1], word.parts)
        dirs.append(word)
    return dirs


def _extract_dir(spec: CommandSpec, args: ParsedArgs, inv: Invocation, members: bool) -> list[WriteTarget]:
    """The directory an archive is extracted into, and the entries the archive holds there, not known (``cd / &&
    tar -xf A``, ``unzip A -d /opt``: A may hold opt/tenmon-ark-live/dist/index.js): a name in DIR with all below
    it (members with .. or a leading / are refused unless told otherwise: _members_anywhere). ``members``: the
    line names the members extracted (each judged on its own)."""
    dirs = _extraction_dirs(spec, args, inv) or [_cwd_word(inv)]
    entries = [] if members else [WriteTarget(_joined(dirs[-1], (Unknown(NAME),)), recursive=True)]
    return [WriteTarget(_entered(d)) for d in dirs] + entries


def _extraction_dirs(spec: CommandSpec, args: ParsedArgs, inv: Invocation) -> list[Word]:
    """Where an archive is extracted: the chdir options' directories, or, given one of ``top_level_options`` with
    a value (``tar -x --one-top-level=DIR``), only DIR, a relative one taken from the last of them (empty: the
    cwd)."""
    dirs = _chdir_chain(spec, args, inv)
    tops = args.values(*spec.list("top_level_options"))
    if not tops:
        return dirs
    top = _as_word(tops[-1], inv)
    if dirs and not top.literal_prefix.startswith("/"):
        top = _joined(dirs[-1], top.parts)
    return [top]


def _tar_members(spec: CommandSpec, args: ParsedArgs, inv: Invocation, dirs: list[Word] | None = None) -> list[Word]:
    """The members tar's operands name, as paths: relative ones lie in the last of ``dirs`` (by default the -C
    directories), or the cwd."""
    dirs = _chdir_chain(spec, args, inv) if dirs is None else dirs
    base = dirs[-1] if dirs else _cwd_word(inv)
    return [m if m.literal_prefix.startswith("/") else _joined(base, m.parts) for m in args.operands]


def _tar_extract(spec: CommandSpec, args: ParsedArgs, inv: Invocation, recursive: bool) -> list[WriteTarget]:
    """Extracting writes into -C DIR (or the cwd), and each member named on the line with all it holds (``cd / &&
    tar -xf A opt/tenmon-ark-live``); creating writes the -f archive. Old-style ``tar xzf A``."""
    old_style = inv.args[0].value if inv.args else None
    bundle = old_style if old_style is not None and not old_style.startswith("-") else ""
    out: list[WriteTarget] = []
    archives = [WriteTarget(_as_word(v, inv)) for v in args.values(*spec.list("file_options"))]
    if bundle and "f" in bundle and not archives and len(args.operands) > 1:
        archives = [WriteTarget(args.operands[1])]
    if args.has(*spec.list("create_options")) or any(c in bundle for c in "cruA"):
        out.extend(archives)
    if args.has(*spec.list("extract_options")) or "x" in bundle:
        into = _extraction_dirs(spec, args, inv)
        members = _tar_members(spec, args, inv, into)
        out.extend(_extract_dir(spec, args, inv, bool(members)))
        out.extend(WriteTarget(m, recursive=True) for m in members)
        if _members_anywhere(spec, args, bundle):
            out.append(WriteTarget(Word("", inv.span, (Unknown("option"),)), recursive=True))
    return out


def _members_anywhere(spec: CommandSpec, args: ParsedArgs, bundle: str) -> bool:
    """Does the archive's own names say where its members go, absolute ones and ``..`` kept (``tar -xPf A``, ``tar
    --absolute-names``; cpio -i unless ``--no-absolute-filenames``)? Then it writes wherever the archive says: a
    place not known (``tar --transform 's,^,/opt/x/,' -xPf A`` writes /opt/x)."""
    if args.has(*spec.list("anywhere_options")) or any(c in bundle for c in spec.list("anywhere_letters")):
        return True
    return spec.flag("anywhere_by_default") and not args.has(*spec.list("relative_members_options"))


def _cwd_subcommands(spec: CommandSpec, args: ParsedArgs, inv: Invocation, recursive: bool) -> list[WriteTarget]:
    """``npm ci``, ``git pull``: the subcommand rewrites the project it runs in (the cwd, ``-C DIR``, or a tree named
    by ``chdir_variables`` such as ``GIT_WORK_TREE=DIR``). Some also write an operand (``git clone REPO DIR``,
    ``pnpm deploy DIR``): ``operand_writes`` gives its index after the subcommand."""
    matched = listed_subcommand(spec, args)
    if matched is None or _read_only_form(spec, args, *matched):
        return []
    subcommand, used = matched
    chdirs = _chdirs(spec, args, inv)
    trees = chdirs + [w for name, w in inv.assignments if name in spec.list("chdir_variables")]
    out = [WriteTarget(_entered(d)) for d in trees or [_cwd_word(inv)]]
    tree = (trees or [_cwd_word(inv)])[-1]
    pathspecs = _pathspecs(spec, args, subcommand, used)
    if pathspecs is not None:  # (git rm -r dist, git clean -fd dist, git checkout -- dist: those paths only)
        for word in pathspecs:
            relative = bool(chdirs) and not word.literal_prefix.startswith("/")
            out.append(WriteTarget(_joined(chdirs[-1], word.parts) if relative else word, recursive=True))
    elif _overwrites_tree(spec, args, subcommand, used):  # (git -C /opt reset --hard: all of /opt's tracked files)
        out.append(WriteTarget(_entered(tree), recursive=True))
    elif spec.flag("archive_entries"):  # (7z x A -o/opt: A's entries, by names not known, with all below them)
        out.append(WriteTarget(_joined(tree, (Unknown(NAME),)), recursive=True))
    elif subcommand in spec.list("tree_entry_subcommands"):
        # cd / && git stash: the repository's files, by names not known; git replaces a link it meets there by what
        # it writes (a link on disk is no way into the live tree: ancestors by their path only)
        out.append(WriteTarget(_joined(tree, (Unknown(NAME),)), recursive=True, link_itself=True))
    anywhere = (spec.extra.get("subcommand_anywhere_options") or {}).get(subcommand)
    if anywhere and args.has(*anywhere):  # (git apply --unsafe-paths: a patch's ../ and absolute names are written)
        out.append(WriteTarget(Word("", inv.span, (Unknown("option"),)), recursive=True))
    index = (spec.extra.get("operand_writes") or {}).get(subcommand)
    rest = args.operands[used:]
    if isinstance(index, int) and index < len(rest):
        word = rest[index]
        relative = bool(chdirs) and not word.literal_prefix.startswith("/")
        out.append(WriteTarget(_joined(chdirs[-1], word.parts) if relative else word))
    return out


def _pathspecs(spec: CommandSpec, args: ParsedArgs, subcommand: str, used: int) -> list[Word] | None:
    """The paths a subcommand limits what it writes to (knowledge ``pathspec_writes``: git rm, mv, clean, restore
    take them as operands, checkout after ``--``), each written with all below it; an empty list where an option
    makes it write none of them (``git rm --cached``: the index only). None where it takes none or is given none,
    or one names the whole tree (``:/``, magic pathspecs): then the tree is what it writes."""
    given = (spec.extra.get("pathspec_writes") or {}).get(subcommand)
    if not isinstance(given, dict):
        return None
    operands = list(args.operands[used:])
    if given.get("after_dashes"):
        count = args.before_dashes
        operands = [] if count is None else list(args.operands[max(count, used) :])
    if not operands or any(w.literal_prefix.startswith(":") for w in operands):
        return None
    return [] if args.has(*(given.get("none") or ())) else operands


def _overwrites_tree(spec: CommandSpec, args: ParsedArgs, subcommand: str, used: int) -> bool:
    """Is this a form that overwrites or deletes what its tree holds below where it runs, whatever the repository
    names (knowledge ``tree_overwrite_forms``: each list's words all given, as options or operands): ``git reset
    --hard``, ``git clean -f -d``, ``git checkout .``? A tree that is an ancestor of a protected one reaches it."""
    forms = (spec.extra.get("tree_overwrite_forms") or {}).get(subcommand)
    if not forms:
        return False
    operands = {w.value for w in args.operands[used:]}
    return any(all(args.has(w) or w in operands for w in form) for form in forms)


def _chdirs(spec: CommandSpec, args: ParsedArgs, inv: Invocation) -> list[Word]:
    """The directories a program's options enter, and those its option values name as its tree (``git -c
    core.worktree=DIR``). With ``chdir_chain``, each relative one is taken from the one before (``git -C /opt -C
    tenmon-ark-live`` works in /opt/tenmon-ark-live); otherwise each from the cwd."""
    if spec.flag("chdir_chain"):
        chdirs = _chdir_chain(spec, args, inv)
    else:
        chdirs = [_as_word(d, inv) for d in args.values(*spec.list("chdir_options"))]
    return chdirs + keyed_values(args, spec.extra.get("chdir_option_keys"), inv.span)


def _subcommand_option_writes(spec: CommandSpec, args: ParsedArgs, inv: Invocation) -> list[WriteTarget]:
    """What a subcommand writes where its options say (``subcommand_write_options``: ``git checkout-index
    --prefix=DIR/``, ``git archive -o FILE``, ``docker image save -o FILE``), a relative path taken from the
    directory the program enters. The subcommand need not rewrite the project (``archive`` only reads it)."""
    by_subcommand = spec.extra.get("subcommand_write_options")
    if not isinstance(by_subcommand, dict):
        return []
    named = _named_subcommand(args, by_subcommand)
    options = by_subcommand.get(named[0]) if named is not None else None
    if not options:
        return []
    chdirs = _chdirs(spec, args, inv)
    out: list[WriteTarget] = []
    for value in args.values(*options):
        word = _as_word(value, inv)
        relative = bool(chdirs) and not word.literal_prefix.startswith("/")
        out.append(WriteTarget(_joined(chdirs[-1], word.parts) if relative else word, recursive=True))
    return out


def _subcommand_operand_writes(spec: CommandSpec, args: ParsedArgs, inv: Invocation) -> list[WriteTarget]:
    """The operand a subcommand writes, by its index after the subcommand (``subcommand_operand_writes``: ``7z a
    ARCHIVE FILES`` writes ARCHIVE; -1: the last of two or more, ``gsutil cp SRC... DEST``), where the subcommand
    does not rewrite the tree it runs in."""
    by_subcommand = spec.extra["subcommand_operand_writes"]
    named = _named_subcommand(args, by_subcommand) if isinstance(by_subcommand, dict) else None
    if named is None:
        return []
    index = by_subcommand[named[0]]
    rest = args.operands[named[1] :]
    if not isinstance(index, int) or index >= len(rest) or (index < 0 and len(rest) < 2):
        return []
    word = rest[index]
    if word.value == "-" and spec.flag("dash_is_stdout"):
        return []  # (docker cp CTR:/app -: a tar stream on standard output)
    elsewhere = spec.extra.get("elsewhere_paths")  # (docker cp ./dist CTR:/app: a path in the container)
    first = word.parts[0] if word.parts else None
    if elsewhere and isinstance(first, Literal) and _marker(str(elsewhere)).match(first.text):
        return []
    chdirs = _chdirs(spec, args, inv)  # (git -C DIR bundle create ../x: from DIR)
    relative = bool(chdirs) and not word.literal_prefix.startswith("/")
    return [WriteTarget(_joined(chdirs[-1], word.parts) if relative else word)]


def _read_subcommand(spec: CommandSpec, args: ParsedArgs) -> bool:
    """A subcommand that only reads its operands but the one it writes (knowledge ``read_subcommands``, its writes
    in ``subcommand_operand_writes``): ``aws s3 sync LIVE s3://backup`` reads the live tree, and a protected path
    among its operands is no doubt."""
    return _named_subcommand(args, spec.list("read_subcommands")) is not None


def _read_only_form(spec: CommandSpec, args: ParsedArgs, subcommand: str, used: int) -> bool:
    """A form of a writing subcommand that only shows (knowledge ``read_only_operands``, ``read_only_options``,
    ``read_only_unless``): ``git stash list``, bare ``npm run``, ``git clean -n``, ``npm install --dry-run``, ``git
    checkout --help``. A word not known statically may be any option (``git apply --check $OPT``: --apply) or
    operand: not such a form then."""
    if args.unknown_options or any(w.value is None for w in args.operands[used:]):
        return False
    words = (spec.extra.get("read_only_operands") or {}).get(subcommand)
    if words:
        following = args.operands[used : used + 1]
        if (following[0].value if following else "") in words:
            return True
    forms = spec.extra.get("read_only_options") or {}
    options = (*(forms.get(subcommand) or ()), *(forms.get("*") or ()))
    if not any(
        o.name in options and (o.value is None or value_text(o.value) not in (None, "false")) for o in args.options
    ):
        return False
    return not args.has(*((spec.extra.get("read_only_unless") or {}).get(subcommand) or ()))


def _named_subcommand(args: ParsedArgs, names: Collection[str]) -> tuple[str, int] | None:
    """The one of ``names`` the operands start with, two-word ones (``audit fix``, ``s3 sync``) first, and how
    many operand words it takes."""
    values = [w.value for w in args.operands[:2]]
    if len(values) == 2 and f"{values[0]} {values[1]}" in names:
        return f"{values[0]} {values[1]}", 2
    if values and values[0] in names:
        return str(values[0]), 1
    return None


def listed_subcommand(spec: CommandSpec, args: ParsedArgs) -> tuple[str, int] | None:
    """The listed subcommand the operands start with, and how many operand words it takes: two-word entries
    (``audit fix``) first; ``default_subcommand`` when there is no operand and no ``no_default_options``
    (bare ``yarn`` installs, ``yarn --version`` does not); with ``scripts_by_name``, any first operand but the
    ``showing_subcommands`` (``yarn tsc`` runs the project's script or binary tsc, ``yarn info`` only shows)."""
    values = [w.value for w in args.operands[:2]]
    named = _named_subcommand(args, spec.list("subcommands"))
    if named is not None:
        return named
    default = spec.extra.get("default_subcommand")
    if not values and default and not args.has(*spec.list("no_default_options")):
        return str(default), 0
    if values and spec.flag("scripts_by_name") and values[0] not in spec.list("showing_subcommands"):
        return values[0] or "", 1  # (yarn tsc, pnpm compile: a script of the project; a word not known may be one)
    return None


def _first_operand(spec: CommandSpec, args: ParsedArgs, inv: Invocation, recursive: bool) -> list[WriteTarget]:
    return [WriteTarget(w) for w in args.operands[:1]]


def _last_operand(spec: CommandSpec, args: ParsedArgs, inv: Invocation, recursive: bool) -> list[WriteTarget]:
    """``mount [SOURCE] TARGET``: the last operand is what changes (what lies there is hidden by the mount); under
    a ``target_prefix_options`` directory when one is given (``mount --target-prefix /opt SRC /x`` covers /opt/x)."""
    doubts = _table_doubts(spec, args, inv)
    prefixes = args.values(*spec.list("target_prefix_options"))
    if not prefixes:
        return [*doubts, *(WriteTarget(w, recursive) for w in args.operands[-1:])]
    prefix = value_text(prefixes[-1])
    # (the prefix is joined to the target however it is given: an operand or --target DIR)
    given = [*args.operands[-1:], *(_as_word(v, inv) for v in args.values(*spec.list("write_options")))]
    return [*doubts, *(WriteTarget(under_prefix(w, prefix), recursive) for w in given)]


def _table_doubts(spec: CommandSpec, args: ParsedArgs, inv: Invocation) -> list[WriteTarget]:
    """``mount -T FILE``: what it mounts, and where, is in a table the line names (``table_file_options``), which
    may cover the live tree: a write to a place not known. (``mount -a`` alone reads /etc/fstab, root's own.)"""
    if not args.values(*spec.list("table_file_options")):
        return []
    return [WriteTarget(Word("", inv.span, (Unknown("option"),)), recursive=True)]


def under_prefix(word: Word, prefix: str | None) -> Word:
    """``word`` (absolute or not) as a path under the directory ``prefix`` (not known: None)."""
    if prefix is None:
        return Word(word.text, word.span, (Unknown("option"),))
    lead = len(word.literal_prefix) - len(word.literal_prefix.lstrip("/"))
    rest = word.without_prefix(lead).parts if lead else word.parts
    return Word(word.text, word.span, (Literal(prefix.rstrip("/") + "/", True), *rest))


def _unzip_extract(spec: CommandSpec, args: ParsedArgs, inv: Invocation, recursive: bool) -> list[WriteTarget]:
    if args.has("-l", "-t", "-v", "-Z"):
        return []
    out = _extract_dir(spec, args, inv, len(args.operands) > 1)  # (unzip ARCHIVE [MEMBER...])
    if args.has(*spec.list("anywhere_options")):  # (unzip -: keeps ../ and absolute names: members go anywhere)
        out.append(WriteTarget(Word("", inv.span, (Unknown("option"),)), recursive=True))
    return out


def find_start_points(spec: CommandSpec, args: Sequence[Word]) -> tuple[list[Word], int]:
    """find's start points among its arguments, and the index of its expression's first word. find's own options
    come first, as its parser reads them: flags (``leading_options``: -H -L -P), ``leading_valued_options`` with
    their value the next word (``-D tree``), ``leading_attached_options`` with it attached (``-O3``: ``-O 3`` is
    refused), then an optional ``--``. Missed, ``find -O3 /opt/live -delete`` would hide its start."""
    flags, valued = spec.list("leading_options"), spec.list("leading_valued_options")
    attached = spec.list("leading_attached_options")
    i = 0
    while i < len(args):
        value = args[i].value
        if value == "--":
            i += 1
            break
        if value in valued:
            i += 2
        elif value in flags or (value is not None and value.startswith(attached) and value not in attached):
            i += 1
        else:
            break
    starts = []
    while i < len(args):
        value = args[i].value
        if value is not None and (value.startswith("-") or value in ("(", "!", ")")):
            break
        starts.append(args[i])
        i += 1
    return starts, i


def _find_starts(spec: CommandSpec, args: ParsedArgs, inv: Invocation, recursive: bool) -> list[WriteTarget]:
    names = _find_names(spec, inv)
    out = [WriteTarget(word, recursive=True, names=names) for word in find_start_points(spec, inv.args)[0]]
    return out or [WriteTarget(_cwd_word(inv), recursive=True, names=names)]


def _find_names(spec: CommandSpec, inv: Invocation) -> tuple[str, ...]:
    """The ``-name`` globs every entry find acts on must match, when the expression is one plain conjunction of
    tests whose arity is known (``name_tests``, ``narrowing_value_tests``, ``narrowing_plain``) and each glob is
    known; else none: any entry may be acted on (``-o``, ``!``, a ``-name`` inside ``-exec ... ;``, a start not
    known, which may be a word of the expression)."""
    starts, start = find_start_points(spec, inv.args)
    if any(w.value is None for w in starts):
        return ()
    return find_name_globs(spec, [w.value for w in inv.args[start:]])


def find_name_globs(spec: CommandSpec, values: Sequence[str | None]) -> tuple[str, ...]:
    """The ``-name`` globs of find's expression words ``values`` (see :func:`_find_names`); the builder asks it of
    the tests before an ``-exec`` action too (what ``{}`` stands for)."""
    names: list[str] = []
    i = 0
    while i < len(values):
        value = values[i]
        if value in spec.list("name_tests") or value in spec.list("narrowing_value_tests"):
            if i + 1 >= len(values) or values[i + 1] is None:
                return ()
            if value in spec.list("name_tests"):
                names.append(str(values[i + 1]))
            i += 2
        elif value in spec.list("narrowing_plain"):
            i += 1
        else:
            return ()
    return tuple(names)


def _patch(spec: CommandSpec, args: ParsedArgs, inv: Invocation, recursive: bool) -> list[WriteTarget]:
    out = [WriteTarget(_as_word(v, inv)) for v in args.values("-o", "--output")]
    dirs = [WriteTarget(_as_word(v, inv), recursive=True) for v in args.values("-d", "--directory")]
    if not args.operands and not out and not dirs:
        dirs = [WriteTarget(_cwd_word(inv), recursive=True)]  # the files the patch names, under the cwd
    return out + dirs + [WriteTarget(w) for w in args.operands[:1]]


_ROLES = {
    "operands": _operands,
    "destination": _destination,
    "move": _move,
    "after_first": _after_first,
    "operands_after_option_values": _after_option_values,
    "sed_in_place": _sed_in_place,
    "perl_in_place": _perl_in_place,
    "key_value": _key_value,
    "tar_extract": _tar_extract,
    "unzip_extract": _unzip_extract,
    "find_starts": _find_starts,
    "first_operand": _first_operand,
    "last_operand": _last_operand,
    "cwd_subcommands": _cwd_subcommands,
    "patch": _patch,
}


# scp://[user@]host[:port]/path (a second slash: an absolute path), [user@][IPv6]:path (compiled when first used)
_REMOTE_SPELLING = r"scp://[^/]*/|(?:[^/@:\[]*@)?\[[^\]/]*\]:"


def _strip_host(word: Word) -> Word:
    """``host:/path``, ``user@host:path``, ``user@[::1]:path`` and ``scp://host//path`` -> the path (``./a:b`` and
    ``/a:b`` are local)."""
    first = word.parts[0] if word.parts else None
    if not isinstance(first, Literal) or first.text.startswith(("/", ".")):
        return word
    spelled = _marker(_REMOTE_SPELLING).match(first.text) if "/" in first.text or "[" in first.text else None
    if spelled is not None:
        return word.without_prefix(spelled.end())
    head, sep, _ = first.text.partition(":")
    if not sep or "/" in head:
        return word
    return word.without_prefix(len(head) + 1)


@functools.lru_cache(maxsize=4096)
def word_mentions(text: str, term: str) -> bool:
    """Does ``text`` contain ``term`` as a whole token (``node`` in ``node dist/index.js``, not in ``nodejs``)?"""
    start = 0
    while True:
        i = text.find(term, start)
        if i < 0:
            return False
        if _token_at(text, i, term):
            return True
        start = i + 1


def _token_at(text: str, i: int, term: str) -> bool:
    """Is the ``term`` found at ``i`` a whole token (no name character joined to it on either side)?"""
    before = text[i - 1] if i > 0 else " "
    after = text[i + len(term)] if i + len(term) < len(text) else " "
    return not (before.isalnum() or before in "_-.") and not (after.isalnum() or after in "_-")


def word_text(word: Word) -> str:
    """The known text of a word, unknown parts as a space (so they never join two known pieces into a term)."""
    return "".join(p.text if isinstance(p, Literal) else " " for p in word.parts)


fill_fields_directly(SignalEffect, WriteTarget, Effects)
