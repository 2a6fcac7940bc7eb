"""The command knowledge base (``data/commands.yaml``), loaded once and typed."""

from __future__ import annotations

import functools
import json
import os
from dataclasses import field
from typing import Any

from tenmon_guard.frozen import record


@record
class OptionSpec:
    """How one command reads its options (GNU style).

    ``with_value``: options that take a value (the next word, ``=value`` or the rest of a short bundle).
    ``optional_value``: options whose value can only be attached (``--backup=numbered``, ``-i.bak``); the word after
    them is never theirs. ``long_names``: every long option known for the command. ``abbreviations``: its options
    are parsed by getopt_long, which takes an unambiguous prefix of a long option for that option (``--sig=9``).
    ``old_style``: a first word without a dash is a bundle of short options whose values are the words after it
    (``tar xfC ARCHIVE DIR``). ``single_dash``: the command reads ``-word`` as one option, never as letters.
    ``whole``: the one-dash words that are one option, not a bundle, where others are bundles (``7z a -sdel``).
    """

    with_value: frozenset[str] = frozenset()
    optional_value: frozenset[str] = frozenset()
    long_names: frozenset[str] = frozenset()
    abbreviations: bool = False
    old_style: bool = False
    single_dash: bool = False  # every option is one word, never a bundle of letters (ip -netns NAME, ip -all)
    whole: frozenset[str] = frozenset()
    # one-dash options of several letters that take a value take it attached too, after = or not (zip's own
    # parser: -TT=CMD, -TTCMD as -TT CMD)
    attached_whole: bool = False

    def takes_value(self, option: str) -> bool:
        return option in self.with_value

    def value_attached_only(self, option: str) -> bool:
        return option in self.optional_value

    def long_option(self, name: str) -> tuple[str, ...]:
        """The known long option(s) ``name`` stands for. An exact name is itself (getopt_long prefers it); a prefix
        of several is ambiguous (the tool refuses it), and all of them are returned so that no reading escapes."""
        if not self.abbreviations or name in self.long_names:
            return (name,)
        found = tuple(sorted(known for known in self.long_names if known.startswith(name)))
        return found or (name,)


@record
class CommandSpec:
    """Everything known about one command; ``extra`` keeps the role-specific keys of the data file."""

    name: str
    # wrapper, shell, su, eval, source, alias, deferred, key_binding, find, signal, writer, stdin_runner, multiplexer
    kind: str
    options: OptionSpec = OptionSpec()
    extra: dict[str, Any] = field(default_factory=dict)

    def list(self, key: str) -> tuple[str, ...]:
        """Kept on the spec once made: the builder and the matcher ask a spec for the same lists tens of times in one
        check (46 calls for the benchmark's typical line), and ``extra`` never changes after loading."""
        lists: dict[str, tuple[str, ...]] | None = self.__dict__.get("_lists")
        if lists is None:
            lists = self.__dict__["_lists"] = {}
        found = lists.get(key)
        if found is None:
            found = lists[key] = tuple(str(v) for v in self.extra.get(key, ()) or ())
        return found

    def flag(self, key: str) -> bool:
        return bool(self.extra.get(key, False))


# The code option a program read on stdin stands for when the command has none of its own (``tclsh <<< CODE``,
# ``ed -s FILE <<< CMDS``): a word no command line can give (an argument ends at its first NUL).
STDIN_CODE = "-\x00stdin"


@record
class InlineCode:
    """Where a command takes code the guard does not read (``python3 -c CODE``, ``awk 'PROG'``, ``tmux new -d
    'CMD'``): ``code_options`` give it as their value; ``code_operand``: the first operand is the program unless a
    ``file_options`` option names a file for it; ``code_operands``: every operand may be code, when one of
    ``code_subcommands`` is among them (if any are listed) or one of ``code_operands_options`` is given.
    ``markers``: regular expressions of which one must be found for the code to run a command or write a file at
    all (awk's ``system(``); none: any code may. ``path_markers`` (case ignored): the same, for a protected path
    the code mentions to count where it is only the whole argument of one of ``read_calls`` (``node -e
    "require(PATH)"`` only reads it); anywhere else it counts. ``app_markers`` (case ignored): one must be found
    for a mention of the app (``node``, ``dist/index.js``) to count, as code that may signal it or run a command
    (``os.kill``, ``subprocess``); ``print(open(".../dist/index.js").read())`` cannot. ``language``: a small
    language the guard reads itself (``sed``, ``awk``: tenmon_guard/programs.py)."""

    options: OptionSpec
    code_options: tuple[str, ...] = ()
    file_options: tuple[str, ...] = ()
    code_operand: bool = False
    code_operands: bool = False
    code_subcommands: tuple[str, ...] = ()
    code_operands_options: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()
    path_markers: tuple[str, ...] = ()
    app_markers: tuple[str, ...] = ()
    read_calls: str = ""  # a regex of the calls that only read a path given whole (require, open, readFileSync)
    dash_ends_value: tuple[str, ...] = ()  # options whose value is the next word unless it starts with - (node -p)
    variable_options: tuple[str, ...] = ()  # options that set variables the code reads (awk -v NAME=VALUE)
    stdin_code: bool = False  # with no code option and no script (or ``-``), the program is read on stdin
    # how many operands may be given that are no script, the program still read on stdin (``psql DBNAME USER``: 2;
    # ``sqlite3 FILE``: 1, its SQL then the next operand)
    stdin_operands: int = 0
    # a file_options value of ``-`` (or a name of stdin) is the program read on stdin (``make -f -``), with or
    # without stdin_code
    script_stdin: bool = False
    # the script files read when no code and no file option is given (make: GNUmakefile, makefile, Makefile in the
    # cwd, the first found)
    default_files: tuple[str, ...] = ()
    # options naming the directory the program enters before it reads its script files (make -C DIR reads
    # DIR/Makefile, and -f FILE there)
    script_chdir_options: tuple[str, ...] = ()
    # the first operand is a script file when no code or file option is given (as it is for stdin_code programs)
    script_operand: bool = False
    # the shell text of its options runs later, in this shell, when it calls on it (complete -C CMD, -W WORDS: at the
    # next completion), wherever later lines took the shell
    texts_run_later: bool = False
    # options that load a module, with the file it is in (OPTION, TEMPLATE): python -m a.b runs a/b.py ({}.py, the
    # dots as slashes), node -r ./x.js loads ./x.js ({})
    module_options: tuple[tuple[str, str], ...] = ()
    # variables whose words are options the program reads as its own (NODE_OPTIONS='--require ./k.js')
    option_words_variables: tuple[str, ...] = ()
    # options whose value is code the program runs as it loads a module (perl -M'strict;system(...)' runs
    # "use strict;system(...);")
    module_code_options: tuple[str, ...] = ()
    # variables naming files the interpreter runs as it starts: {VARIABLE: [FILE NAME, ...]} for a list of
    # directories to find them in (PYTHONPATH: sitecustomize.py), {VARIABLE: []} for a file run where the program
    # is read on stdin (PYTHONSTARTUP); environment_off_options: options that make it ignore them (python3 -E, -I)
    startup_variables: dict[str, tuple[str, ...]] = field(default_factory=dict)
    environment_off_options: tuple[str, ...] = ()
    # where the interpreter looks for the modules code imports (module_search: variables: lists of directories,
    # PYTHONPATH, PERL5LIB; options: one directory each, perl -I; script_directory: the script's directory, or the
    # cwd for -c, -m and stdin, comes first, unless one of script_directory_off_options; suffix: a module's file
    # name ends so): a module the line wrote there may be what ``import json`` or ``use X`` loads: its code
    search_variables: tuple[str, ...] = ()
    search_options: tuple[str, ...] = ()
    search_suffix: str = ""
    search_script_directory: bool = False
    search_script_directory_off: tuple[str, ...] = ()
    search_subdirectory: str = ""  # (node: the modules are in node_modules under the script's directory)
    search_ancestors: bool = False  # (node: and in node_modules under each directory above it, up to /)
    # the program is otherwise of unknown use (docker: what it does with its operands is not known; only the
    # compose file it reads is code): its operands are still looked at for a command it may run (docker exec C CMD)
    of_unknown_use: bool = False
    # parameters read as PowerShell reads its own (pwsh -comm, -ENC, --file, /c): after one of parameter_leads, a
    # case-insensitive prefix of NAME at least as long as SHORTEST, the first in this order that fits; each is
    # read as -NAME (-CANONICAL for an alias: [ec, e, encodedcommand]). rest_options: the value is every word
    # after it, joined by spaces (pwsh -c pkill node); opaque_options: the value is code the guard cannot read
    # (base64: pwsh -EncodedCommand), an unknown program
    parameters: tuple[tuple[str, str, str], ...] = ()
    parameter_leads: tuple[str, ...] = ()
    rest_options: tuple[str, ...] = ()
    opaque_options: tuple[str, ...] = ()
    # what stdin feeds it is mostly data, a dump another program printed (pg_dump db | psql other): only known
    # text there is judged as its program, never text not known (which an interpreter's stdin is an unknown command)
    stdin_data: bool = False
    # code that acts on its own arguments (the operands after it): argument_writes, a regex of code that hands them
    # to a call that writes or deletes (perl -e 'unlink @ARGV' FILE: FILE is written); argument_terms, a regex of
    # code that reads them: with a path marker too, what the code does with them is not known
    argument_writes: str = ""
    # a regex of code that sends SIGKILL (os.kill(PID, 9), process.kill(PID, "SIGKILL"), kill 9, PID): to a process
    # the code computes, the API's among them, as kill -9 "$PID" may (case kept)
    force_kill: str = ""
    argument_terms: str = ""
    language: str = ""
    # for a language the guard reads: options by what they tell it (quiet: sed -n; extended: sed -E; separator:
    # awk -F; not_one_stream: options after which the input is not one stream of lines, not computed: sed -z, -s)
    program_options: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # options and variables whose value (after a leading key matched by one of the regexes: ``exec=``,
    # ``alias.x=!``, ``ProxyCommand=``; an empty regex: the whole value) is shell text the command runs
    text_options: tuple[tuple[str, tuple[str, ...]], ...] = ()
    text_variables: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # variables the shell text runs with, each holding a name that starts with an operand's text (or a default):
    # (NAME, operand index, default); ``split --filter=CMD PREFIX``: FILE is PREFIXaa, PREFIXab ...
    text_environment: tuple[tuple[str, int, str], ...] = ()
    # options whose value, after a leading key, is code another program runs as its code option's value:
    # (OPTION, ((KEY_REGEX, PROGRAM), ...)); ``gdb -ex 'python CODE'`` runs CODE as ``python3 -c CODE`` would
    code_text_options: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    # an operand written ``+TEXT`` is this option with the value TEXT (``vim +CMD`` is ``vim -c CMD``)
    plus_option: str = ""
    # options whose value is a program run on each operand from an index on, and on each file under it
    # (``rg --pre CMD PATTERN PATH`` runs ``CMD FILE``): (OPTION, index); from 0 when one of ``pattern_options``
    # gives what the first operand otherwise is (``rg -e PATTERN``)
    operand_programs: tuple[tuple[str, int], ...] = ()
    pattern_options: tuple[str, ...] = ()
    # operands whose text after a leading key is run by the shell (``git ls-remote 'ext::CMD'``)
    text_operands: tuple[str, ...] = ()
    # how such an operand is written when it is an address of several parts (socat's ``EXEC:CMD,OPTION...``, two
    # addresses joined by ``!!``): (PARTS, END, UNSURE) regexes: PARTS separates addresses, END ends the text (its
    # options follow), UNSURE marks text whose own quoting the program reads (its reading there is not known)
    text_operand_syntax: tuple[str, str, str] = ("", "", "")
    # options of a subcommand whose value is shell text (git rebase -x CMD, git difftool --extcmd CMD): read only
    # after that subcommand, where the same letter elsewhere is another option (git clean -x takes no value):
    # (SUBCOMMAND, how its options are read)
    subcommand_texts: tuple[tuple[str, OptionSpec], ...] = ()
    # options whose value the shell expands as words, running its substitutions (``compgen -W '$(CMD)'``)
    word_options: tuple[str, ...] = ()
    # variables that give an option more values (git's GIT_CONFIG_COUNT, GIT_CONFIG_KEY_n, GIT_CONFIG_VALUE_n and
    # GIT_CONFIG_PARAMETERS are more -c KEY=VALUE): (OPTION, COUNT, KEY_PREFIX, VALUE_PREFIX, LIST), each "" when
    # the command has none
    option_variables: tuple[tuple[str, str, str, str, str], ...] = ()
    # subcommands that store what an option sets, for later runs: (SUBCOMMAND, (OPTION, VALUED...)); ``git config
    # KEY VALUE`` keeps what ``git -c KEY=VALUE`` gives one run (its keys, see text_options); VALUED: the
    # subcommand's options that take the next word (``--file FILE``)
    config_subcommands: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # config files whose settings are the option ``stands_for`` given each (ssh -F FILE: each line is -o LINE;
    # git's .git/config, GIT_CONFIG_GLOBAL=FILE, -c include.path=FILE: each key = value of a [section] is -c
    # section.key=value): {format: [lines|ini], stands_for: [OPTION], options: [...], variables: [...],
    # cwd_files: [...], option_keys: [KEY_REGEX under stands_for]}; read when the line wrote the file
    config_files: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # a program that runs one module of its own on hosts, the module named by an option (ansible HOSTS -m shell -a
    # CMD): {module_options: [...], text_options: [...], default: [MODULE], runs_text: [MODULE...], prefixes:
    # [...]}: with a module of runs_text (after any of prefixes: ansible.builtin.shell), or the default when none is
    # named, or one not known statically, the values of text_options are shell text; any other module takes data
    module_texts: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # what each module that takes data (KEY=VALUE ...) does, as the shell command that does the same: (MODULE,
    # ((WHEN, TEMPLATE), ...)); the first whose WHEN holds (each KEY given one of its VALUES, ``*``: any), its
    # ``{KEY}`` (``{path|dest}``: the first given) filled in; ansible -m file -a 'path=P state=absent' is rm -rf P
    module_commands: tuple[tuple[str, tuple[tuple[tuple[tuple[str, tuple[str, ...]], ...], str], ...]], ...] = ()
    # a program that runs one function of its own, named by an operand, whose next operand is a command (salt
    # TARGET cmd.run CMD): {at: [N], runs_text: [FUNCTION...]}: the operand after the Nth (0-based) is shell text
    # where that one names a function of runs_text, or one not known statically
    function_texts: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def runs_option_values(self) -> bool:
        """Does the command run something its option values or its environment give (the builder reads it)?"""
        return bool(
            self.text_options
            or self.text_variables
            or self.code_text_options
            or self.operand_programs
            or self.text_operands
            or self.subcommand_texts
            or self.word_options
            or self.option_variables
            or self.config_subcommands
            or self.module_texts
            or self.function_texts
        )

    def text_keys(self, option: str) -> tuple[str, ...]:
        return next((keys for name, keys in self.text_options if name == option), ())

    def program_option(self, kind: str) -> tuple[str, ...]:
        return next((names for name, names in self.program_options if name == kind), ())


@record
class RunnerSubcommand:
    """One subcommand of a :class:`Knowledge` ``subcommand_runners`` program that runs a command (``ip netns
    exec``): ``words``, each the set of spellings the program accepts for it (a prefix: ``net``, ``netn``,
    ``netns``); ``spec``, the wrapper the rest of the line is read as; ``no_skip_options``, options of the program
    itself after which that wrapper skips no operand (``ip -all netns exec CMD`` names no namespace)."""

    words: tuple[frozenset[str], ...]
    spec: CommandSpec
    no_skip_options: tuple[str, ...] = ()


@record
class SubcommandRunner:
    """A program that runs a command given after one of its subcommands; its own options come first."""

    options: OptionSpec
    subcommands: tuple[RunnerSubcommand, ...]


@record
class QuotingProducer:
    """A command whose output is quoted for the shell to read back (see ``quoting_producers``)."""

    unquoted_options: frozenset[str]
    unquoted_variables: frozenset[str]


@record
class Knowledge:
    specs: dict[str, CommandSpec]
    readers: frozenset[str]
    shells: frozenset[str]
    pid_selectors: dict[str, str] = field(default_factory=dict)  # name -> how it selects (selection.py)
    path_producers: frozenset[str] = frozenset()
    data_producers: frozenset[str] = frozenset()  # output never code, given only known plain arguments
    quoting_producers: dict[str, QuotingProducer] = field(default_factory=dict)  # output quoted for the shell
    link_resolvers: frozenset[str] = frozenset()
    # commands that print the paths of files under their operands: find DIR... (before its expression), ls PATH...
    path_listers: dict[str, str] = field(default_factory=dict)
    # writers that leave what a file holds as it was, or empty (chmod, touch, rm): a file they touch is no file the
    # line made, whose text a shell running it later would read (see Builder._made_on_line)
    keeps_contents: frozenset[str] = frozenset()
    # the PATH a shell has when the line does not set it (a written file in one of these runs by its name), and
    # the directory package runners look in first (npx tsc: node_modules/.bin/tsc)
    default_path: tuple[str, ...] = ()
    local_bin_runners: dict[str, str] = field(default_factory=dict)
    # programs that run PREFIX-NAME from PATH for a subcommand NAME they do not have (git x: git-x)
    path_subcommands: dict[str, str] = field(default_factory=dict)
    # interpreters whose options in the environment (NODE_OPTIONS) reach every process of theirs a command starts
    preloading_interpreters: tuple[str, ...] = ()
    # variables naming libraries every program loads (LD_PRELOAD), and variables holding code an interpreter runs
    # (PERL5DB: perl -d runs it): {VARIABLE: PROGRAM}
    preloaded_libraries: tuple[str, ...] = ()
    environment_code: dict[str, str] = field(default_factory=dict)
    # every variable of the three above and of the preloading interpreters' options (a command with none of them
    # set is not looked at)
    environment_preloads: frozenset[str] = frozenset()
    # what in an in-place edit's program may make a file cron or systemd runs run something (Builder._harmless_edit)
    edit_markers: str = "(?!)"
    deferred_variables: dict[str, str] = field(default_factory=dict)  # NAME -> shell | prompt
    hook_functions: str = "(?!)"  # the names of functions the shell runs on its own (a regex, whole name)
    # the variables some command runs (part of) the value of as shell text (its shell_text_variables: PAGER,
    # GIT_PAGER, EDITOR, LESSOPEN ...), each with the commands that do
    program_text_variables: dict[str, tuple[str, ...]] = field(default_factory=dict)
    stdin_files: frozenset[str] = frozenset()  # /dev/stdin and its other names
    kernel_interfaces: tuple[str, ...] = ()  # /proc, /sys: only content written to their files acts
    # a cgroup's files: those that move processes into it (cgroup.procs) and those whose write kills its processes
    # (cgroup.kill; memory.max: the OOM killer)
    cgroup_members: tuple[str, ...] = ()
    cgroup_kills: tuple[str, ...] = ()
    cgroup_tools: dict[str, Any] = field(default_factory=dict)  # root, classify, set: see commands.yaml
    inline_code: dict[str, InlineCode] = field(default_factory=dict)
    # commands that run shell text from an option value or their environment (man -P CMD): read as nested text
    shell_text_commands: frozenset[str] = frozenset()
    # programs that run a command after a subcommand (ip netns exec, npm exec): name -> how
    subcommand_runners: dict[str, SubcommandRunner] = field(default_factory=dict)
    # programs with no entry of their own whose listed subcommands only show (pm2 logs): name -> subcommands
    shows_only: dict[str, frozenset[str]] = field(default_factory=dict)

    # wrappers that exec the command they run: the process ``$!`` names after ``nohup node x &`` is node
    exec_wrappers: frozenset[str] = frozenset()

    def spec(self, name: str | None) -> CommandSpec | None:
        return self.specs.get(name) if name is not None else None


def _long_names(entry: dict[str, Any]) -> frozenset[str]:
    """Every long option an entry names, in any of its lists: all of them count when a prefix is resolved."""
    names: set[str] = set()
    for value in entry.values():
        if isinstance(value, list):
            names.update(str(v) for v in value if str(v).startswith("--") and len(str(v)) > 2)
    return frozenset(names)


def _options(entry: dict[str, Any], abbreviations: bool = False, old_style: bool = False) -> OptionSpec:
    return OptionSpec(
        with_value=frozenset(str(o) for o in entry.get("options_with_value", ()) or ()),
        optional_value=frozenset(str(o) for o in entry.get("options_with_optional_value", ()) or ()),
        long_names=_long_names(entry),
        abbreviations=abbreviations,
        old_style=old_style,
        single_dash=bool(entry.get("single_dash_options", False)),
        whole=frozenset(str(o) for o in entry.get("whole_options", ()) or ()),
        attached_whole=bool(entry.get("attached_whole_options", False)),
    )


def _spellings(word: str) -> list[str]:
    """``net[ns]`` -> net, netn, netns: a name the program also accepts shortened to any prefix of at least the
    part before the bracket (iproute2's ``matches()``); a name without a bracket is itself."""
    head, bracket, rest = word.partition("[")
    if not bracket:
        return [word]
    tail = rest.rstrip("]")
    return [head + tail[:n] for n in range(len(tail) + 1)]


def _spelled(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry whose lists of names may hold ``-n[etns]`` spellings, with each written out."""
    return {
        k: [s for v in value for s in _spellings(str(v))] if isinstance(value, list) else value
        for k, value in entry.items()
    }


def _subcommand_runner(name: str, entry: dict[str, Any]) -> SubcommandRunner:
    """A ``subcommand_runners`` entry: the program's own options, and per subcommand (``"net[ns] e[xec]"``) the
    wrapper its arguments are read as, named after both (``ip netns exec``)."""
    own = _spelled(entry)
    subcommands = []
    for words, sub in (entry.get("subcommands") or {}).items():
        sub = _spelled(dict(sub or {}))
        whole = str(words).replace("[", "").replace("]", "")
        spec = CommandSpec(f"{name} {whole}", "wrapper", _options(sub), sub)
        spellings = tuple(frozenset(_spellings(w)) for w in str(words).split())
        skip_none = tuple(str(o) for o in sub.get("no_skip_options", ()) or ())
        subcommands.append(RunnerSubcommand(spellings, spec, skip_none))
    return SubcommandRunner(_options(own), tuple(subcommands))


def _inline_code(spec: CommandSpec | None, entry: dict[str, Any]) -> InlineCode:
    """An ``inline_code`` entry; its options are read with the command's own option spec too (``perl -pe CODE``,
    ``screen -S NAME -X ...``), so that no option value is taken for code or the other way round."""

    def names(key: str) -> tuple[str, ...]:
        return tuple(str(v) for v in entry.get(key, ()) or ())

    own = _options(entry)
    code_texts = _code_texts(entry.get("code_text_options"))
    programs = tuple((str(o), int(i)) for o, i in (entry.get("operand_program_options") or {}).items())
    text = (
        tuple(str(o) for o in entry.get("shell_text_options") or {})
        + tuple(o for o, _ in code_texts)
        + tuple(o for o, _ in programs)
        + names("shell_word_options")
    )
    code = names("code_options")
    if not code and (entry.get("stdin_code") or entry.get("script_stdin")):
        code = (STDIN_CODE,)  # (tclsh, ed: the program read on stdin has no option of its own to stand for)
    base = spec.options if spec is not None else OptionSpec()
    plus = entry.get("plus_option") or (spec.extra.get("plus_option") if spec is not None else None)
    options = OptionSpec(
        with_value=own.with_value | base.with_value | frozenset(code + names("file_options") + text),
        optional_value=own.optional_value | base.optional_value,
        long_names=own.long_names | base.long_names | frozenset(t for t in text if t.startswith("--")),
        abbreviations=base.abbreviations,
        old_style=base.old_style,
        whole=own.whole | base.whole,
        attached_whole=base.attached_whole,
    )
    return InlineCode(
        text_options=_keyed(entry.get("shell_text_options")),
        text_variables=_keyed(entry.get("shell_text_variables")),
        text_environment=_text_environment(entry.get("shell_text_environment")),
        code_text_options=code_texts,
        plus_option=str(plus or ""),
        operand_programs=programs,
        pattern_options=names("pattern_options"),
        text_operands=names("shell_text_operands"),
        text_operand_syntax=_operand_syntax(entry.get("shell_text_operand_syntax")),
        subcommand_texts=tuple(
            (str(name), _options(given)) for name, given in (entry.get("subcommand_text_options") or {}).items()
        ),
        word_options=names("shell_word_options"),
        option_variables=_option_variables(entry.get("option_variables")),
        config_subcommands=_keyed(entry.get("config_subcommands")),
        config_files=_keyed(entry.get("config_files")),
        options=options,
        code_options=code,
        file_options=names("file_options"),
        code_operand=bool(entry.get("code_operand", False)),
        code_operands=bool(entry.get("code_operands", False)),
        code_subcommands=names("code_subcommands"),
        code_operands_options=names("code_operands_options"),
        markers=names("markers"),
        path_markers=names("path_markers"),
        app_markers=names("app_markers"),
        read_calls=str(entry.get("read_calls") or ""),
        dash_ends_value=names("dash_ends_value"),
        variable_options=names("variable_options"),
        stdin_code=bool(entry.get("stdin_code", False)),
        stdin_operands=int(entry.get("stdin_operands") or 0),
        script_stdin=bool(entry.get("script_stdin", False)),
        default_files=names("default_files"),
        script_chdir_options=names("script_chdir_options"),
        script_operand=bool(entry.get("script_operand", False)),
        texts_run_later=bool(entry.get("texts_run_later", False)),
        module_options=tuple((str(o), str(t)) for o, t in (entry.get("module_options") or {}).items()),
        option_words_variables=names("option_words_variables"),
        module_code_options=names("module_code_options"),
        startup_variables={str(k): tuple(map(str, v or ())) for k, v in (entry.get("startup_variables") or {}).items()},
        search_variables=tuple(str(v) for v in (entry.get("module_search") or {}).get("variables", ())),
        search_options=tuple(str(v) for v in (entry.get("module_search") or {}).get("options", ())),
        search_suffix=str((entry.get("module_search") or {}).get("suffix", "")),
        search_script_directory=bool((entry.get("module_search") or {}).get("script_directory")),
        search_subdirectory=str((entry.get("module_search") or {}).get("subdirectory", "")),
        search_ancestors=bool((entry.get("module_search") or {}).get("ancestors")),
        search_script_directory_off=tuple(
            str(v) for v in (entry.get("module_search") or {}).get("script_directory_off_options", ())
        ),
        environment_off_options=names("environment_off_options"),
        of_unknown_use=bool(entry.get("of_unknown_use", False)),
        parameters=tuple((str(p[0]), str(p[1]), str((*p, p[0])[2])) for p in entry.get("parameters") or ()),
        parameter_leads=names("parameter_leads"),
        rest_options=names("rest_options"),
        opaque_options=names("opaque_options"),
        stdin_data=bool(entry.get("stdin_data", False)),
        argument_writes=str(entry.get("argument_writes") or ""),
        force_kill=str(entry.get("force_kill") or ""),
        argument_terms=str(entry.get("argument_terms") or ""),
        language=str(entry.get("language") or ""),
        program_options=_keyed(entry.get("program_options")),
        module_texts=_keyed(entry.get("module_texts")),
        module_commands=_module_commands(entry.get("module_commands")),
        function_texts=_keyed(entry.get("function_texts")),
    )


def _module_commands(
    mapping: Any,
) -> tuple[tuple[str, tuple[tuple[tuple[tuple[str, tuple[str, ...]], ...], str], ...]], ...]:
    """``{MODULE: [{when: {KEY: [VALUE...]}, run: TEMPLATE}, ...]}`` as tuples (InlineCode.module_commands)."""
    if not isinstance(mapping, dict):
        return ()
    return tuple(
        (
            str(module),
            tuple(
                (
                    tuple((str(k), tuple(str(v) for v in values)) for k, values in (case.get("when") or {}).items()),
                    str(case["run"]),
                )
                for case in cases
            ),
        )
        for module, cases in mapping.items()
    )


def _program_text_variables(inline: dict[str, InlineCode]) -> dict[str, tuple[str, ...]]:
    """Each variable some command runs as shell text (``shell_text_variables``), with the commands that do."""
    found: dict[str, list[str]] = {}
    for command, entry in inline.items():
        for name, _ in entry.text_variables:
            found.setdefault(name, []).append(command)
    return {name: tuple(commands) for name, commands in found.items()}


def _keyed(mapping: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``{OPTION: [KEY_REGEX, ...]}`` as pairs; a key list left empty means the whole value."""
    if not isinstance(mapping, dict):
        return ()
    return tuple((str(name), tuple(str(k) for k in (keys or [""]))) for name, keys in mapping.items())


def _operand_syntax(mapping: Any) -> tuple[str, str, str]:
    """``{parts: REGEX, end: REGEX, unsure: REGEX}`` (``shell_text_operand_syntax``), each "" when not given."""
    if not isinstance(mapping, dict):
        return ("", "", "")
    return (str(mapping.get("parts") or ""), str(mapping.get("end") or ""), str(mapping.get("unsure") or ""))


def _code_texts(mapping: Any) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """``{OPTION: {KEY_REGEX: PROGRAM, ...}}`` as pairs (``code_text_options``)."""
    if not isinstance(mapping, dict):
        return ()
    return tuple(
        (str(option), tuple((str(k), str(p)) for k, p in (keys or {}).items())) for option, keys in mapping.items()
    )


def _option_variables(mapping: Any) -> tuple[tuple[str, str, str, str, str], ...]:
    """``{OPTION: {count: NAME, key: PREFIX, value: PREFIX, list: NAME}}`` as tuples (``option_variables``)."""
    if not isinstance(mapping, dict):
        return ()
    out: list[tuple[str, str, str, str, str]] = []
    for option, names in mapping.items():
        given = {k: str(v or "") for k, v in (names or {}).items()}
        out.append(
            (str(option), given.get("count", ""), given.get("key", ""), given.get("value", ""), given.get("list", ""))
        )
    return tuple(out)


def _text_environment(mapping: Any) -> tuple[tuple[str, int, str], ...]:
    """``{NAME: [OPERAND_INDEX, DEFAULT]}`` as triples (``shell_text_environment``)."""
    if not isinstance(mapping, dict):
        return ()
    return tuple((str(name), int(where[0]), str(where[1])) for name, where in mapping.items())


@functools.lru_cache(maxsize=1)
def load_knowledge() -> Knowledge:
    # commands.json is generated from commands.yaml (scripts/gen_knowledge.py): JSON loads in a fraction of the time
    # a plain path next to this module: importlib.resources would import zipfile & co. on every check
    with open(os.path.join(os.path.dirname(__file__), "data", "commands.json"), encoding="utf-8") as handle:
        text = handle.read()
    data = json.loads(text)
    specs: dict[str, CommandSpec] = {}
    getopt_long = frozenset(str(n) for n in data.get("getopt_long", ()) or ())
    old_style = frozenset(str(n) for n in data.get("old_style_options", ()) or ())

    def options(name: str, entry: dict[str, Any]) -> OptionSpec:
        return _options(entry, name in getopt_long, name in old_style)

    for name, entry in data["wrappers"].items():
        specs[name] = CommandSpec(name, "wrapper", options(name, entry or {}), dict(entry or {}))
    shells = data["shells"]
    for name in shells["names"]:
        specs[name] = CommandSpec(name, "shell", options(name, shells), dict(shells))
    for name, entry in data["su"].items():
        specs[name] = CommandSpec(name, "su", options(name, entry), dict(entry))
    for name, entry in (data.get("stdin_runners") or {}).items():
        specs[name] = CommandSpec(name, "stdin_runner", options(name, entry or {}), dict(entry or {}))
    for name, entry in (data.get("multiplexers") or {}).items():
        specs[name] = CommandSpec(name, "multiplexer", options(name, entry or {}), dict(entry or {}))
    for name in data["eval"]:
        specs[name] = CommandSpec(name, "eval")
    for name in data.get("aliases", ()):
        specs[name] = CommandSpec(name, "alias")
    for name in data.get("sources", ()):
        specs[name] = CommandSpec(name, "source")
    for name, entry in (data.get("key_bindings") or {}).items():
        specs[name] = CommandSpec(name, "key_binding", options(name, entry or {}), dict(entry or {}))
    for name, entry in (data.get("deferred") or {}).items():
        specs[name] = CommandSpec(name, "deferred", OptionSpec(), dict(entry or {}))
    specs["find"] = CommandSpec("find", "find", options("find", data["find"]), dict(data["find"]))
    for name, entry in data["signals"].items():
        specs[name] = CommandSpec(name, "signal", options(name, entry), dict(entry))
    for name, entry in data["writers"].items():
        specs[name] = CommandSpec(name, "writer", options(name, entry), dict(entry))
    inline = {str(n): _inline_code(specs.get(str(n)), e or {}) for n, e in (data.get("inline_code") or {}).items()}
    runners = {str(n): _subcommand_runner(str(n), e or {}) for n, e in (data.get("subcommand_runners") or {}).items()}
    preloading = [str(n) for n in data.get("preloading_interpreters", ())]
    watched = {
        *(str(v) for v in data.get("preloaded_libraries", ())),
        *(str(v) for v in (data.get("environment_code") or {})),
        *(v for n in preloading for v in inline[n].option_words_variables),
    }
    return Knowledge(
        environment_preloads=frozenset(watched),
        edit_markers=str(data.get("edit_markers") or "(?!)"),
        subcommand_runners=runners,
        inline_code=inline,
        shell_text_commands=frozenset(n for n, e in inline.items() if e.runs_option_values()),
        program_text_variables=_program_text_variables(inline),
        specs=specs,
        readers=frozenset(data["readers"]),
        shows_only={str(n): frozenset(str(s) for s in subs) for n, subs in (data.get("shows_only") or {}).items()},
        shells=frozenset(shells["names"]),
        pid_selectors={str(k): str(v) for k, v in (data.get("pid_selectors") or {}).items()},
        path_producers=frozenset(data.get("path_producers", ())),
        data_producers=frozenset(data.get("data_producers", ())),
        quoting_producers={
            str(name): QuotingProducer(
                frozenset(str(o) for o in entry.get("unquoted_options", ())),
                frozenset(str(v) for v in entry.get("unquoted_variables", ())),
            )
            for name, entry in (data.get("quoting_producers") or {}).items()
        },
        link_resolvers=frozenset(data.get("link_resolvers", ())),
        path_listers={str(n): str(f) for n, f in (data.get("path_listers") or {}).items()},
        keeps_contents=frozenset(data.get("keeps_contents", ())),
        default_path=tuple(str(d) for d in data.get("default_path", ())),
        local_bin_runners={str(n): str(d) for n, d in (data.get("local_bin_runners") or {}).items()},
        path_subcommands={str(n): str(t) for n, t in (data.get("path_subcommands") or {}).items()},
        preloading_interpreters=tuple(str(n) for n in data.get("preloading_interpreters", ())),
        preloaded_libraries=tuple(str(n) for n in data.get("preloaded_libraries", ())),
        environment_code={str(n): str(p) for n, p in (data.get("environment_code") or {}).items()},
        stdin_files=frozenset(data.get("stdin_files", ())),
        kernel_interfaces=tuple(str(p) for p in data.get("kernel_interfaces", ())),
        cgroup_members=tuple(str(n) for n in (data.get("cgroup_files") or {}).get("members", ())),
        cgroup_kills=tuple(str(n) for n in (data.get("cgroup_files") or {}).get("kills", ())),
        cgroup_tools={k: v for k, v in (data.get("cgroup_files") or {}).items() if k not in ("members", "kills")},
        deferred_variables={str(k): str(v) for k, v in (data.get("deferred_variables") or {}).items()},
        hook_functions=str(data.get("hook_functions") or "(?!)"),
        exec_wrappers=frozenset(str(n) for n in data.get("exec_wrappers", ())),
    )
