"""What a PID-producing pipeline selects: ``$(pgrep nod)``, ``$(ps aux | grep '[n]ode' | awk '{print $2}')``,
``$(lsof -t -i :2999-3001)``. A producer is judged by what it really selects (its pattern searched in the app's
process name and command line, its port range, its directory), not by whether a word mentions an app term: ``pgrep
nod`` selects node, ``pgrep -f 'sleep 3000'`` does not. Each command's way of selecting is its kind in the
knowledge base (``pid_selectors``); an input the guard cannot know makes the answer MAYBE, never NO.
"""

from __future__ import annotations

import os
import posixpath
import re
import warnings
from collections.abc import Callable, Iterable

from tenmon_guard.effects import word_mentions
from tenmon_guard.frozen import record
from tenmon_guard.knowledge import CommandSpec, Knowledge, OptionSpec
from tenmon_guard.model import JOB, CommandModel, Invocation, Literal, Unknown, Word
from tenmon_guard.options import ParsedArgs, parse_args, value_text
from tenmon_guard.paths import Reach, is_within, resolve
from tenmon_guard.policy.types import AppSelector


@record
class Selection:
    """What one stage outputs about the app: whether its PID is among them, and the rows (text lines) in which it
    appears there, for the filters that follow; ``rows`` is None when the output's form is not known."""

    reach: Reach
    rows: tuple[str, ...] | None = None


OWN_PID = "$"  # the name of ``$$``'s piece: the PID of the shell itself

NOTHING = Selection(Reach.NO)
NOT_KNOWN = Selection(Reach.MAYBE)


# -- regular expressions ---------------------------------------------------------------------------------------------


def compile_pattern(pattern: str, ignore_case: bool = False, perl: bool = False) -> re.Pattern[str] | None:
    """The pattern (an ERE; ``perl``: a PCRE, as ``grep -P`` reads it) as a Python regex; None when Python cannot
    read it."""
    try:
        with warnings.catch_warnings():  # a pattern like 'node[[' makes re warn about future set syntax
            warnings.simplefilter("ignore")
            return re.compile(pattern if perl else _from_ere(pattern), re.IGNORECASE if ignore_case else 0)
    except (re.error, RecursionError, OverflowError):
        return None


# GNU ERE escapes Python reads the same way; any other backslash before a letter or digit is that character
_GNU_ESCAPES = frozenset("wWsSbB123456789")


def _from_ere(pattern: str) -> str:
    """glibc's ERE (pgrep, pkill, grep -E) in Python's syntax: ``\\o`` is ``o`` there (``pkill 'n\\ode'`` kills
    node; Python refuses the escape), ``\\<``/``\\>`` are word edges, and a backslash inside brackets is itself
    (``[\\d]`` is a backslash or d, not a digit)."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt in "<>":
                out.append(r"\b")
            elif nxt.isalnum() and nxt not in _GNU_ESCAPES:
                out.append(re.escape(nxt))
            else:
                out.append(pattern[i : i + 2])
            i += 2
        elif c == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                element = pattern.startswith(("[:", "[.", "[="), j)  # [:alpha:] and the like end at :] .] =]
                close = pattern.find(pattern[j + 1 : j + 2] + "]", j + 2) if element else -1
                j = close + 2 if close > 0 else j + 1
            if j >= n:
                out.append(pattern[i:])
                break
            out.append(pattern[i : j + 1].replace("\\", "\\\\"))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def search(pattern: str, candidates: Iterable[str], exact: bool, ignore_case: bool = False) -> bool:
    """Does the pattern (pgrep/pkill: an ERE) find one of ``candidates``; ``exact``: match one whole. A pattern
    Python cannot read is taken as plain text."""
    compiled = compile_pattern(pattern, ignore_case) or re.compile(re.escape(pattern))
    if exact:
        return any(compiled.fullmatch(c) for c in candidates)
    return any(compiled.search(c) for c in candidates)


def pattern_candidates(app: AppSelector, full: bool) -> tuple[str, ...]:
    """What a pkill/pgrep pattern is tried against. Command lines are tried even without ``-f``: ``pkill
    dist/index.js`` kills nothing today, but its intent is unmistakable and one ``-f`` away."""
    units = tuple(u.removesuffix(".service") for u in app.units if u.endswith(".service"))  # not its slice
    names = tuple(n[:15] for n in app.names)
    return names + units + (app.cmdlines if full else ())


def inverse_selects(pattern: str, app: AppSelector, full: bool, exact: bool, ignore_case: bool = False) -> bool:
    """pgrep/pkill ``-v PATTERN`` select every process the pattern does not match: the app is among them unless
    the pattern matches what it is tried against (its name, ``-f``: its command line)."""
    own = app.cmdlines if full else tuple(n[:15] for n in app.names)
    return any(not search(pattern, (c,), exact, ignore_case) for c in own)


_BRE_SWAP = frozenset("|+?(){}")


def bre_to_ere(pattern: str) -> str:
    """grep's default syntax: ``\\|``, ``\\(`` ... are the operators and ``|``, ``(`` ... plain characters."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            following = pattern[i + 1]
            out.append(following if following in _BRE_SWAP else char + following)
            i += 2
            continue
        out.append("\\" + char if char in _BRE_SWAP else char)
        i += 1
    return "".join(out)


# -- how the app appears in each kind of output ----------------------------------------------------------------------


def program_names(app: AppSelector) -> tuple[str, ...]:
    """The names its process runs under: ``node`` (names, and the program of each command line)."""
    return app.names + tuple(c.split()[0].rsplit("/", 1)[-1] for c in app.cmdlines if c.split())


def app_dirs(app: AppSelector) -> tuple[str, ...]:
    """Directories the app's files are in (the script of ``node /opt/x/dist/index.js``: ``/opt/x/dist``)."""
    out = []
    for cmdline in app.cmdlines:
        for word in cmdline.split()[1:]:
            if word.startswith("/"):
                out.append(posixpath.dirname(word))
    return tuple(out)


def process_rows(app: AppSelector) -> tuple[str, ...]:
    """The app's line in ``ps aux``, ``ps -eo pid,args``, ``pgrep -a``: its name and command line."""
    rows = [f"tenmon 1234 0.5 1.2 987654 65432 ? Ssl 10:00 0:42 {c}" for c in app.cmdlines]
    return tuple(rows) + tuple(f"1234 {c}" for c in app.cmdlines) + app.cmdlines + app.names


def socket_rows(app: AppSelector) -> tuple[str, ...]:
    """The app's line in ``lsof -i``, ``ss -ltnp``, ``netstat -tlnp`` (and their address fields alone)."""
    rows = []
    for name in program_names(app):
        for port in app.ports:
            rows += [
                f"{name} 1234 tenmon 21u IPv6 0t0 TCP *:{port} (LISTEN)",
                f'LISTEN 0 511 *:{port} *:* users:(("{name}",pid=1234,fd=21))',
                f"tcp6 0 0 :::{port} :::* LISTEN 1234/{name}",
                f"*:{port}",
                f"0.0.0.0:{port}",
                f"[::]:{port}",
            ]
    return tuple(rows)


def file_rows(app: AppSelector) -> tuple[str, ...]:
    """The app's line in ``lsof +D DIR`` and ``lsof FILE``."""
    return tuple(f"{n} 1234 tenmon cwd DIR 8,1 4096 2 {d}" for n in program_names(app) for d in app_dirs(app))


# -- the pipeline ----------------------------------------------------------------------------------------------------


class PidSelection:
    """Judges the PIDs an unknown word part holds, from the commands that produced it, for one app."""

    def __init__(self, model: CommandModel, app: AppSelector, knowledge: Knowledge) -> None:
        self.model = model
        self.app = app
        self.knowledge = knowledge

    def reach(self, part: Unknown) -> Reach:
        """YES when the part's PIDs include the app's, NO when its producers provably select something else."""
        if part.kind == "file":  # what a file holds (``xargs kill < FILE``, ``read p < FILE``)
            return pid_file_selection(part.name, self.app).reach
        if part.kind == JOB:  # ``$!``: the process a command started in the background runs as
            reach = max((self._started(i) for i in part.producers), default=Reach.MAYBE)
            return max(reach, Reach.MAYBE) if part.name else reach  # (``%1``: or a job started before the text)
        if part.kind == "variable" and part.name == OWN_PID:
            return Reach.NO  # ``$$``: the shell reading the text, never the app's process
        pieces = part.kind == "variable"  # (P="$x $(pgrep nginx)": the producers' PIDs, and what $x holds)
        if part.kind not in ("command", "stdin", "variable") or not part.producers:
            return Reach.MAYBE
        members = frozenset(part.producers)
        feeding = self._feeding(members)
        outputs = [i for i in part.producers if i not in feeding]
        reach = max((self._stage(i, members).reach for i in outputs), default=Reach.MAYBE)
        return max(reach, Reach.MAYBE) if pieces else reach

    def _started(self, index: int) -> Reach:
        """The process ``$!`` names after ``CMD &``: the command's own, or a wrapper's that execs it (``nohup node
        x``). A wrapper that stays the parent (sudo, timeout), nested text (run by a shell of its own, which may
        exec the command or not), a name not known to the knowledge base (a script that may ``exec node``) and any
        program that runs code or commands may be the app; a plain program that only reads (``sleep``, ``tail``:
        knowledge ``readers``, with no entry of their own) is not. (``f &`` names no command here: the builder
        gives ``$!`` no job for it.)"""
        inv = self.model.invocations[index]
        knowledge = self.knowledge
        if inv.at is not None or any(w.name not in knowledge.exec_wrappers for w in inv.wrappers):
            return Reach.MAYBE
        reach = command_reach(inv.argv, inv.cwd, self.app, knowledge)
        name = inv.name
        # (a shell or a wrapper among the readers has an entry of its own: bash script.sh may exec node)
        own = name in knowledge.readers and knowledge.spec(name) is None and name not in knowledge.inline_code
        if reach == Reach.NO and (name in program_names(self.app) or own):
            return Reach.NO
        return max(reach, Reach.MAYBE)

    def _feeding(self, members: frozenset[int]) -> frozenset[int]:
        """Members whose output goes elsewhere than the part: into a later stage or into another member's words."""
        out: set[int] = set()
        for index in members:
            inv = self.model.invocations[index]
            out.update(inv.stdin_producers)
            out.update(i for w in inv.argv for u in w.unknowns if u.kind != JOB for i in u.producers)
        return frozenset(out)

    def _stage(self, index: int, members: frozenset[int]) -> Selection:
        inv = self.model.invocations[index]
        kind = self.knowledge.pid_selectors.get(inv.name or "")
        if kind in _SOURCES:
            return _SOURCES[kind](self, inv)
        if kind in _FILTERS or not inv.argv:
            upstream = [i for i in inv.stdin_producers if i in members]
            inputs = [self._stage(i, members) for i in _immediate(upstream, self.model)]
            listed = _proc_files_listed(self, inv) if kind == "grep" and not inputs else None
            if listed is not None:
                return listed
            inputs = inputs or self._files_read(inv)
            if not inputs:
                return NOT_KNOWN
            return _FILTERS[kind](self, inv, _union(inputs)) if kind in _FILTERS else _union(inputs)
        return NOT_KNOWN

    def _files_read(self, inv: Invocation) -> list[Selection]:
        """What a stage nothing in the line feeds reads: the file its stdin comes from (``$(< FILE)``), else its
        operands, a filter's files (``cat FILE``, ``head -1 FILE``: a pattern or script operand counts as a file
        not known). Each is judged by :func:`pid_file_selection`."""
        redirected = [r for r in inv.redirects if r.op == "<" and r.fd in (None, 0)]
        if redirected:
            return [pid_file_selection(redirected[-1].path, self.app)]
        if not inv.argv:
            return []
        texts = [value_text(word) for word in self.args(inv).operands]
        return [pid_file_selection(resolve(t, inv.cwd) if t is not None else None, self.app) for t in texts]

    def args(self, inv: Invocation, with_value: Iterable[str] = ()) -> ParsedArgs:
        spec = self.knowledge.spec(inv.name)
        options = spec.options.with_value if spec is not None else frozenset()
        return parse_args(inv.args, OptionSpec(options | frozenset(with_value)))

    def path_reach(self, word: Word | str | None, cwd: str | None, recursive: bool = True) -> Reach:
        """A file or directory operand (lsof +D DIR, fuser FILE): does it hold the app's files?"""
        text = word if isinstance(word, str) else value_text(word)
        if text is None:
            return Reach.MAYBE
        path = resolve(text, cwd)
        if path is None:
            return Reach.MAYBE
        dirs = app_dirs(self.app)
        if any(is_within(d, path) or is_within(path, d) for d in dirs):
            return Reach.YES
        return Reach.NO

    def port_reach(self, text: str | None) -> Reach:
        return port_reach(text, self.app)

    def sockets_reach(self, inv: Invocation) -> Reach:
        """Does the filter of ``ss -K`` (``sport = :3000``) name the app's sockets, as when ss lists them? A filter by
        the other end (``dst DB``, ``dport = :5432``) may name the app's own connections out (to its database): not
        known; one by other local ports only does not."""
        reach = _sockets(self, inv).reach
        text = " ".join(w.value or "" for w in inv.args)
        if reach == Reach.NO and (_REMOTE_END.search(text) or not _LOCAL_END.search(text)):
            return Reach.MAYBE
        return reach


def command_reach(argv: tuple[Word, ...], cwd: str | None, app: AppSelector, knowledge: Knowledge) -> Reach:
    """Whether a command started here is the app (a wrapper that signals what it runs, ``timeout -s KILL 5 node
    dist/index.js``): its program is one of the app's and one of its words is the script of an app command line,
    as written (``dist/index.js``, as pkill -f sees it) or from the cwd (``cd LIVE && ... node dist/index.js``).
    A program or word not known statically may be it; so may a program that runs a project's script (knowledge
    ``project_scripts``: ``npm start``, whose package.json is not read here and may start the API, as the API's
    own does); another program or script is not."""
    if not argv:
        return Reach.NO
    program = argv[0].value
    if program is None:
        return Reach.MAYBE
    name = program.rsplit("/", 1)[-1]
    if name not in program_names(app):
        spec = knowledge.spec(name)
        return Reach.MAYBE if spec is not None and "project_scripts" in spec.extra and argv[1:] else Reach.NO
    scripts = {w for c in app.cmdlines for w in c.split()[1:]}
    best = Reach.NO
    for word in argv[1:]:
        value = word.value
        if value is None:
            best = Reach.MAYBE
        elif value in scripts or (cwd is not None and os.path.normpath(os.path.join(cwd, value)) in scripts):
            return Reach.YES
    return best


def service_units(app: AppSelector) -> frozenset[str]:
    """The units the app's processes are in (its service, not the slice that holds it)."""
    return frozenset(unit for unit in app.units if not unit.endswith(".slice"))


def parents_reach(text: str | None, app: AppSelector) -> Reach:
    """Processes selected by parent (``pkill -P 1``, ``ps --ppid 1``; a comma list): a service systemd started is a
    child of PID 1, so 1 selects the app's main process; other parents do not (its own children are not it)."""
    if text is None or not service_units(app):
        return Reach.MAYBE
    parents = [p.strip() for p in text.split(",")]
    if any(not (p.isascii() and p.isdigit()) for p in parents):
        return Reach.MAYBE
    return _yes_no(any(int(p) == 1 for p in parents))


def cgroups_reach(text: str | None, app: AppSelector) -> Reach:
    """Processes selected by cgroup (``pkill --cgroup /system.slice/tenmon-ark-api.service``; a comma list): the
    app's are in its unit's cgroup."""
    if text is None:
        return Reach.MAYBE
    units = service_units(app)
    return _yes_no(any(units.intersection(group.split("/")) for group in text.split(",")))


def criteria_reach(args: ParsedArgs, spec: CommandSpec, app: AppSelector, cwd: str | None) -> Reach | None:
    """pgrep/pkill's selections besides the pattern (each must hold, as a pattern must too): by parent, by cgroup,
    by PID file; another criterion (``-u USER``, ``-t TTY`` ...) is not known statically. None when none is given."""
    reaches = [parents_reach(value_text(v), app) for v in args.values(*spec.list("parent_options"))]
    reaches += [cgroups_reach(value_text(v), app) for v in args.values(*spec.list("cgroup_options"))]
    for value in args.values(*spec.list("pidfile_options")):
        text = value_text(value)
        reaches.append(pid_file_selection(resolve(text, cwd) if text is not None else None, app).reach)
    if args.has(*spec.list("criteria_options")):
        reaches.append(Reach.MAYBE)
    return min(reaches) if reaches else None


_CGROUP_ROOT = "/sys/fs/cgroup/"
_CGROUP_PID_FILES = frozenset({"cgroup.procs", "cgroup.threads", "tasks"})  # (tasks: cgroup v1)


def pid_file_selection(path: str | None, app: AppSelector) -> Selection:
    """The PIDs in a file the kernel keeps: a cgroup's ``cgroup.procs`` (``cgroup.threads``, v1's ``tasks``) lists
    the processes in that cgroup itself, so the app's are in its unit's cgroup
    (/sys/fs/cgroup/system.slice/tenmon-ark-api.service/cgroup.procs), perhaps in one below it, and in no other
    (another unit's, a slice's, the root's). What any other file holds is not known."""
    if path is None or not path.startswith(_CGROUP_ROOT):
        return NOT_KNOWN
    directory, _, name = path.rpartition("/")
    if name not in _CGROUP_PID_FILES:
        return NOT_KNOWN
    leaves = {unit for unit in app.units if not unit.endswith(".slice")}  # a slice holds units, no process itself
    components = directory.split("/")
    if components[-1] in leaves:
        return Selection(Reach.YES)
    return Selection(Reach.MAYBE if leaves.intersection(components) else Reach.NO)


def port_reach(text: str | None, app: AppSelector) -> Reach:
    """A port list (``3000``, ``2999-3001``, ``80,3000``) or service name; ``None``: not known."""
    if text is None:
        return Reach.MAYBE
    best = Reach.NO
    for item in text.split(","):
        low, _, high = item.strip().partition("-")
        if not _port_number(low) or (high and not _port_number(high)):
            best = max(best, Reach.MAYBE)  # a service name (http): not resolved here
            continue
        top = int(high) if high else int(low)
        if any(_port_number(p) and int(low) <= int(p) <= top for p in app.ports):
            return Reach.YES
    return best


def _port_number(text: str) -> bool:
    return text.isdigit() and len(text) <= 6


def _immediate(upstream: list[int], model: CommandModel) -> list[int]:
    """The stages right before one (each stage lists every earlier one as feeding it)."""
    earlier = {i for j in upstream for i in model.invocations[j].stdin_producers}
    nested = {
        i for j in upstream for w in model.invocations[j].argv for u in w.unknowns if u.kind != JOB for i in u.producers
    }
    return [i for i in upstream if i not in earlier and i not in nested]


def _union(inputs: list[Selection]) -> Selection:
    reach = max(s.reach for s in inputs)
    if any(s.rows is None for s in inputs):
        return Selection(reach, None)
    return Selection(reach, tuple(r for s in inputs for r in s.rows or ()))


def _yes_no(holds: bool) -> Reach:
    return Reach.YES if holds else Reach.NO


def _best(reaches: Iterable[Reach]) -> Reach:
    return max(reaches, default=Reach.NO)


# -- sources ---------------------------------------------------------------------------------------------------------


def _pgrep(sel: PidSelection, inv: Invocation) -> Selection:
    """pgrep PATTERN: an ERE searched in the process name (``-f``: the command line); ``-v`` inverts, ``-x``
    anchors, ``-i`` ignores case; without a pattern, its other criteria select (:func:`criteria_reach`: ``-P 1``
    selects the app, ``-u tenmon`` is not known)."""
    args = sel.args(inv)
    rows = process_rows(sel.app)
    if args.unknown_options:
        return Selection(Reach.MAYBE, rows)
    if not args.operands:
        spec = sel.knowledge.spec(inv.name)
        criteria = criteria_reach(args, spec, sel.app, inv.cwd) if spec is not None else Reach.MAYBE
        if criteria is None:
            return Selection(Reach.NO, rows)  # no selection at all: pgrep refuses to run
        return Selection(Reach.MAYBE if args.has("-v", "--inverse") else criteria, rows)
    full, exact = args.has("-f", "--full"), args.has("-x", "--exact")
    ignore_case, inverse = args.has("-i", "--ignore-case"), args.has("-v", "--inverse")
    best = Reach.NO
    for word in args.operands:
        value = word.value
        if value is None:
            best = max(best, Reach.MAYBE)
        elif inverse:
            if inverse_selects(value, sel.app, full, exact, ignore_case):
                return Selection(Reach.YES, rows)
        elif search(value, pattern_candidates(sel.app, True), exact, ignore_case):
            return Selection(Reach.YES, rows)
    return Selection(best, rows)


def _pidof(sel: PidSelection, inv: Invocation) -> Selection:
    """pidof NAME...: exact program names."""
    programs = program_names(sel.app)
    reaches = []
    for word in sel.args(inv, ("-o", "--omit-pid")).operands:
        value = word.value
        reaches.append(
            Reach.MAYBE if value is None else Reach.YES if value.rsplit("/", 1)[-1] in programs else Reach.NO
        )
    return Selection(_best(reaches))


_PS_VALUES = ("-o", "-O", "-C", "-p", "-q", "-u", "-U", "-g", "-G", "-t", "-s", "--pid", "--ppid", "--quick-pid",
              "--user", "--User", "--group", "--Group", "--sid", "--tty", "--sort", "--format", "-k", "--cols",
              "--columns", "--rows", "--lines", "-N")  # fmt: skip
_PS_CRITERIA = ("-p", "-q", "-u", "-U", "-g", "-G", "-t", "-s", "--pid", "--quick-pid", "--user", "--User",
                "--group", "--Group", "--sid", "--tty", "-a", "-d", "-N", "--deselect")  # fmt: skip


_PS_BY_PID = ("-p", "--pid", "-q", "--quick-pid", "-s", "--sid")
_PS_OTHER_CRITERIA = tuple(c for c in _PS_CRITERIA if c not in _PS_BY_PID)


def _ps(sel: PidSelection, inv: Invocation) -> Selection:
    """ps -e / -A / aux: every process; -C NAMES: by name; --ppid 1: the services systemd started; -p PIDS (and -s
    SIDS: systemd makes each service's main process a session and group leader) from what produced them, so ``ps -o
    pgid= -p $(pgrep -f dist/index.js)`` prints the app's group; -u ...: not known; nothing: this terminal's. (ps
    selects what any of its selections does.)"""
    args = sel.args(inv, _PS_VALUES)
    rows = process_rows(sel.app)
    # (an operand not known statically is a PID list: ps PIDS is ps -p PIDS)
    by_pid = [_produced_pids_reach(sel, w) for w in args.operands if w.value is None]
    by_pid += [_produced_pids_reach(sel, value) for value in args.values(*_PS_BY_PID)]
    if Reach.YES in by_pid:
        return Selection(Reach.YES, rows)
    if args.unknown_options or any(w.value is None for w in args.operands):
        return Selection(Reach.MAYBE, rows)
    bsd = "".join(w.value or "" for w in args.operands)
    if args.has("-e", "-A") or ("a" in bsd and "x" in bsd):
        return Selection(Reach.YES, rows)
    reaches = []
    for value in args.values("-C"):
        text = value_text(value)
        names = text.split(",") if text is not None else None
        reaches.append(
            Reach.MAYBE if names is None else Reach.YES if set(names) & set(program_names(sel.app)) else Reach.NO
        )
    reaches.extend(parents_reach(value_text(v), sel.app) for v in args.values("--ppid"))
    reaches.extend(by_pid)
    if args.has(*_PS_OTHER_CRITERIA) or bsd:
        reaches.append(Reach.MAYBE)
    return Selection(_best(reaches), rows)


def _produced_pids_reach(sel: PidSelection, value: Word | str) -> Reach:
    """A PID list given as a value: the app's when a command that produced it selects the app; a literal PID or
    a variable not known."""
    if isinstance(value, str) or not value.unknowns:
        return Reach.MAYBE
    return _best(sel.reach(part) for part in value.unknowns)


_LSOF_VALUES = ("-c", "-p", "-u", "-g", "-d", "+D", "+d", "-s", "-F", "-k", "-o", "-r", "+r", "-T", "-S", "-D", "-z")
_LSOF_INTERNET = re.compile(r"^-[abhlnNOPRtUVwX]*i(.*)$")  # -i, -ti, -nPiTCP:3000: flags bundled before -i
_LSOF_ADDRESS = re.compile(r"^(?:[46])?(?:tcp|udp)?(?:@\S*?)?(?::(?P<ports>\S*))?$", re.IGNORECASE)


def _lsof(sel: PidSelection, inv: Invocation) -> Selection:
    """lsof selections (any of them, as lsof ORs them): ``-i`` with no address is every network file; ``-i
    :2999-3001`` a port range; ``+D DIR`` files under a directory; ``-c NAME`` a name prefix; no selection: every
    process."""
    words = list(inv.args)
    reaches: list[Reach] = []
    selected = False
    i = 0
    while i < len(words):
        word, text = words[i], words[i].value
        following = words[i + 1] if i + 1 < len(words) else None
        if text is None:
            reaches.append(Reach.MAYBE)
        elif internet := _LSOF_INTERNET.match(text):
            selected = True
            address: Word | str | None = internet[1] or None
            if address is None and following is not None and _is_address(following):
                address, i = following, i + 1
            reaches.append(_address_reach(sel, address))
        elif text in _LSOF_VALUES or (text[:2] in _LSOF_VALUES and len(text) > 2):
            value: Word | str | None = text[2:] if len(text) > 2 else following
            i += 0 if len(text) > 2 else 1
            selected = True
            reaches.append(_lsof_value_reach(sel, inv, text[:2], value))
        elif not text.startswith(("-", "+")):
            selected = True
            reaches.append(sel.path_reach(word, inv.cwd))
        i += 1
    rows = socket_rows(sel.app) + file_rows(sel.app) + process_rows(sel.app)
    return Selection(_best(reaches) if selected else max(_best(reaches), Reach.YES), rows)


def _is_address(word: Word) -> bool:
    prefix = word.literal_prefix
    return not prefix.startswith(("-", "+")) and (
        word.value is None or ":" in prefix or "@" in prefix or prefix.lower().startswith(("tcp", "udp", "4", "6"))
    )


def _address_reach(sel: PidSelection, address: Word | str | None) -> Reach:
    """``-i [46][proto][@host][:ports]``: no port part is every port of that kind."""
    if address is None:
        return Reach.YES
    text = address if isinstance(address, str) else address.value
    if text is None:
        return Reach.MAYBE
    match = _LSOF_ADDRESS.match(text)
    if match is None:
        _, colon, ports = text.rpartition(":")
        return sel.port_reach(ports) if colon else Reach.YES
    return sel.port_reach(match["ports"]) if match["ports"] is not None else Reach.YES


def _lsof_value_reach(sel: PidSelection, inv: Invocation, option: str, value: Word | str | None) -> Reach:
    text = value if isinstance(value, str) else value_text(value)
    if option in ("+D", "+d"):
        return sel.path_reach(value, inv.cwd)
    if option == "-c":
        if text is None:
            return Reach.MAYBE
        if text.startswith("/"):
            return Reach.YES if search(text.strip("/ix"), program_names(sel.app), False, "i" in text[-2:]) else Reach.NO
        return Reach.YES if any(n.startswith(text) for n in program_names(sel.app)) else Reach.NO
    if option in ("-p", "-u", "-g"):
        return Reach.MAYBE
    return Reach.NO  # output and behaviour options (-d FD, -s, -F ...) select nothing by themselves


_REMOTE_END = re.compile(r"\b(?:dst|dport|dev|cgroup)\b")  # ss filters by the other end (or not by port)
_LOCAL_END = re.compile(r"\b(?:sport|src)\b")


def _sockets(sel: PidSelection, inv: Invocation) -> Selection:
    """ss / netstat: every socket, or those a filter expression (``sport = :3000``) names."""
    args = sel.args(inv, ("-f", "--family", "-A", "--query", "-F", "--filter", "-N", "--net"))
    rows = socket_rows(sel.app)
    words = args.operands
    if args.unknown_options or any(w.value is None for w in words):
        return Selection(Reach.MAYBE, rows)
    text = " ".join(w.value or "" for w in words)
    if not re.search(r"\d", text):
        return Selection(Reach.YES, rows)  # no filter, or one by state: the app's sockets are among them
    ports = [p for p in sel.app.ports if word_mentions(text.replace(":", " "), p)]
    return Selection(Reach.YES if ports else Reach.NO, rows)


def _fuser(sel: PidSelection, inv: Invocation) -> Selection:
    """fuser PORT/PROTO, -n PROTO PORT, FILE: the processes using them."""
    args = sel.args(inv)
    namespace = [value_text(v) for v in args.values("-n", "--namespace")]
    reaches = [Reach.MAYBE] if args.unknown_options else []
    for word in args.operands:
        text = word.value
        if text is None:
            reaches.append(Reach.MAYBE)
            continue
        port, slash, proto = text.partition("/")
        if (slash and proto in ("tcp", "udp")) or (namespace and namespace[0] in ("tcp", "udp")):
            reaches.append(sel.port_reach(port.split(",")[0] or None))
        else:
            reaches.append(sel.path_reach(word, inv.cwd))
    return Selection(_best(reaches))


def _everything(sel: PidSelection, inv: Invocation) -> Selection:
    """pstree: every process, unless given a PID or user."""
    args = sel.args(inv)
    return Selection(Reach.MAYBE if args.operands else Reach.YES, process_rows(sel.app))


_CGLS_UNIT_OPTIONS = ("-u", "--unit", "--user-unit")


def _cgroup_tree(sel: PidSelection, inv: Invocation) -> Selection:
    """systemd-cgls: a row (PID and command line) for each process of the cgroup tree it shows: every process by
    default; with ``-u``/``--unit``, the units named (operands, or a value given with ``=``) and what they hold;
    otherwise the cgroup paths its operands name (``/system.slice``) and what is below them."""
    args = sel.args(inv, ("-M", "--machine"))
    rows = process_rows(sel.app)
    if args.unknown_options:
        return Selection(Reach.MAYBE, rows)
    by_unit = args.has(*_CGLS_UNIT_OPTIONS)
    names = [value_text(v) for v in args.values(*_CGLS_UNIT_OPTIONS)] + [w.value for w in args.operands]
    if not names:
        return Selection(Reach.MAYBE if by_unit else Reach.YES, rows)  # (-u alone: the caller's own unit)
    judge = _unit_tree_reach if by_unit else _cgroup_path_reach
    return Selection(_best(judge(name, sel.app) for name in names), rows)


def _unit_tree_reach(name: str | None, app: AppSelector) -> Reach:
    """A unit's tree holds the app's processes when it is one of its units (its service, a slice that holds it; a
    service's name may leave out ``.service``) or the root slice."""
    if name is None:
        return Reach.MAYBE
    return _yes_no(name == "-.slice" or name in app.units or f"{name}.service" in app.units)


def _cgroup_path_reach(path: str | None, app: AppSelector) -> Reach:
    """A cgroup path's tree (``/system.slice/tenmon-ark-api.service``) holds the app's processes when it is the root,
    or a cgroup of one of its units or below its service."""
    if path is None:
        return Reach.MAYBE
    components = [c for c in path.split("/") if c]
    if not components or components[-1] in app.units:
        return Reach.YES
    return _yes_no(bool(service_units(app).intersection(components)))


def _arguments(sel: PidSelection, inv: Invocation) -> Selection:
    """echo WORDS, printf FORMAT WORDS: they print their words, so the PIDs in what they print come from what
    produced those words (``$(echo $(pidof node))``, ``$(printf '%s\\n' $(pgrep node))``). A word not known
    otherwise (a variable, a format) may be any PID. (Words all known make a known output: no producer then.)"""
    words = inv.args
    if inv.name == "printf":
        if words[:1] and (words[0].value or "").startswith("-v"):
            return NOTHING  # printf -v NAME: into a variable, nothing printed
        if words[:1] and words[0].value is None:
            return NOT_KNOWN
        words = words[1:]
    return Selection(_best(sel.reach(part) for word in words for part in word.unknowns))


def _units(sel: PidSelection, inv: Invocation) -> Selection:
    """systemctl show/status UNIT: the unit's processes (MainPID)."""
    operands = sel.args(inv).operands
    if not operands or operands[0].value not in ("show", "status"):
        return NOT_KNOWN
    reaches = []
    for word in operands[1:]:
        value = word.value
        names = sel.app.units + tuple(u.removesuffix(".service") for u in sel.app.units)
        reaches.append(Reach.MAYBE if value is None else Reach.YES if value in names else Reach.NO)
    return Selection(_best(reaches))


# -- filters ---------------------------------------------------------------------------------------------------------

_GREP_VALUES = ("-e", "--regexp", "-f", "--file", "-m", "--max-count", "-A", "--after-context", "-B",
                "--before-context", "-C", "--context", "-d", "--directories", "-D", "--devices", "--label")  # fmt: skip


def _grep(sel: PidSelection, inv: Invocation, given: Selection) -> Selection:
    """grep PATTERN on the rows the app appears in: kept when it matches (``-v``: when it does not)."""
    args = sel.args(inv, _GREP_VALUES)
    if given.reach == Reach.NO:
        return given
    patterns: list[Word | str] = args.values("-e", "--regexp") or list(args.operands[:1])
    if args.has("-f", "--file") or args.unknown_options or not patterns:
        return Selection(min(given.reach, Reach.MAYBE), given.rows)
    texts = [value_text(p) for p in patterns]
    if any(t is None for t in texts):
        return Selection(min(given.reach, Reach.MAYBE), given.rows)
    if given.rows is None:
        return given
    test = _grep_test(args, [t for t in texts if t is not None], inv.name or "grep")
    if test is None:
        return given  # a pattern Python cannot read (grep -P 'pid=\K\d+'): taken to keep the app
    invert = args.has("-v", "--invert-match")
    kept = tuple(r for r in given.rows if test(r) != invert)
    return Selection(given.reach, kept) if kept else NOTHING


_PROC_FILE = re.compile(r"/proc/([^/]+)/(cmdline|comm)")
_LISTING = ("-l", "--files-with-matches", "-L", "--files-without-match")


def _proc_files_listed(sel: PidSelection, inv: Invocation) -> Selection | None:
    """``grep -l PATTERN /proc/[0-9]*/cmdline``: the names of the process files whose text matches, each holding a
    PID (``| cut -d/ -f3``): the app's is listed when the pattern finds its command line (``comm``: its name).
    ``-L`` and ``-v`` list the others. None when this is not such a listing."""
    args = sel.args(inv, _GREP_VALUES)
    given = args.values("-e", "--regexp")
    files = list(args.operands) if given else list(args.operands[1:])
    if not args.has(*_LISTING) or not files:
        return None
    found = [_PROC_FILE.fullmatch(_written(word)) for word in files]
    if not all(m is not None and (m[1].isdigit() or any(c in m[1] for c in "*?[")) for m in found):
        return None  # another file, or /proc/self/... (grep's own)
    patterns = [value_text(p) for p in (given or args.operands[:1])]
    if args.has("-f", "--file") or args.unknown_options or any(p is None for p in patterns):
        return NOT_KNOWN
    test = _grep_test(args, [p for p in patterns if p is not None], inv.name or "grep")
    if test is None:
        return NOT_KNOWN
    texts = sel.app.cmdlines + sel.app.names if any(m is not None and m[2] == "cmdline" for m in found) else ()
    texts += sel.app.names if any(m is not None and m[2] == "comm" for m in found) else ()
    others = args.has("-L", "--files-without-match") != args.has("-v", "--invert-match")
    return Selection(_yes_no(any(test(t) != others for t in texts)))


def _written(word: Word) -> str:
    """A word as written when it is known text or a glob (its pattern characters kept); "" otherwise."""
    if not word.is_static:
        return ""
    return "".join(p.text for p in word.parts if isinstance(p, Literal))


def _grep_test(args: ParsedArgs, texts: list[str], name: str) -> Callable[[str], bool] | None:
    """One row matches when one of the patterns (one per line of each) does."""
    lines = [line for t in texts for line in t.split("\n")]
    if args.has("-F", "--fixed-strings") or name == "fgrep":
        regexes = [re.escape(line) for line in lines]
    elif args.has("-E", "--extended-regexp", "-P", "--perl-regexp") or name == "egrep":
        regexes = lines
    else:
        regexes = [bre_to_ere(line) for line in lines]
    if args.has("-w", "--word-regexp"):
        regexes = [rf"(?<!\w)(?:{r})(?!\w)" for r in regexes]
    perl = args.has("-P", "--perl-regexp")
    compiled = [compile_pattern(r, args.has("-i", "-y", "--ignore-case"), perl) for r in regexes]
    if any(c is None for c in compiled):
        return None
    whole = args.has("-x", "--line-regexp")
    return lambda row: any((c.fullmatch(row) if whole else c.search(row)) for c in compiled if c is not None)


_AWK_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_AWK_REGEX = re.compile(r"(?:^|[\s(!~&|,;])/((?:[^/\\\n]|\\.)+)/")


def _awk(sel: PidSelection, inv: Invocation, given: Selection) -> Selection:
    """awk PROGRAM: ``{print $2}`` keeps every row; a condition of ``/regex/`` or ``$2 == "text"`` keeps the rows it
    can match (any of them, so ``&&`` keeps more than awk would); anything the guard cannot evaluate keeps them all."""
    args = sel.args(inv, ("-F", "-v", "-f", "--field-separator", "--assign", "--file"))
    if given.reach == Reach.NO or given.rows is None or args.has("-f", "--file"):
        return given
    program = value_text(args.operands[0]) if args.operands else None
    if program is None:
        return Selection(min(given.reach, Reach.MAYBE), given.rows)
    condition = program.split("{", 1)[0]  # the pattern before the first action; in an action nothing is judged
    regexes = [compile_pattern(r.replace("\\/", "/")) for r in _AWK_REGEX.findall(condition)]
    strings = _AWK_STRING.findall(condition)
    if not (regexes or strings) or "!" in condition or any(r is None for r in regexes):
        return given
    kept = tuple(
        row
        for row in given.rows
        if any(r.search(row) for r in regexes if r is not None) or any(t in row for t in strings)
    )
    return Selection(given.reach, kept) if kept else NOTHING


def _pass(sel: PidSelection, inv: Invocation, given: Selection) -> Selection:
    """cut, sed, sort, head ...: reshape the rows; the app's PID is taken to go through."""
    return given


_SOURCES: dict[str, Callable[[PidSelection, Invocation], Selection]] = {
    "pattern": _pgrep,
    "names": _pidof,
    "ps": _ps,
    "lsof": _lsof,
    "sockets": _sockets,
    "files_or_ports": _fuser,
    "everything": _everything,
    "units": _units,
    "arguments": _arguments,
    "cgroup_tree": _cgroup_tree,
}
_FILTERS: dict[str, Callable[[PidSelection, Invocation, Selection], Selection]] = {
    "grep": _grep,
    "awk": _awk,
    "pass": _pass,
}
