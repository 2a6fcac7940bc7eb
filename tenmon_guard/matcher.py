"""Rules against the model: one pure function from (policy, model, context) to findings.

Each condition of a rule answers YES, MAYBE (not known statically) or NO; the weakest answer decides. All YES is
the rule's own finding; YES and MAYBE is an ``unknown-target`` finding whose decision the door's settings give.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

from tenmon_guard.effects import (
    FOUND,
    Effects,
    SignalEffect,
    WriteTarget,
    app_counts,
    certain_code_words,
    code_may_write,
    effects_of,
    force_kills,
    inline_code,
    path_counts,
    unknown_code,
    word_mentions,
    word_text,
)
from tenmon_guard.knowledge import Knowledge
from tenmon_guard.model import (
    JOB,
    CommandModel,
    Invocation,
    Literal,
    Redirect,
    Span,
    Unknown,
    Word,
    literal_word,
    names_an_argument,
    offset_within,
    spreads,
)
from tenmon_guard.options import ParsedArgs
from tenmon_guard.paths import (
    DiskMemo,
    Reach,
    bash_glob,
    crosses_links,
    disk_reach,
    is_within,
    kept_link_reach,
    links_below_reach,
    made_name_reach,
    normalise,
    word_reach,
)
from tenmon_guard.policy.types import AppSelector, Policy, Rule
from tenmon_guard.selection import (
    PidSelection,
    command_reach,
    criteria_reach,
    inverse_selects,
    pattern_candidates,
    port_reach,
    search,
)
from tenmon_guard.verdict import Decision, Finding

UNREAD = "unread"
UNKNOWN_COMMAND = "unknown-command"
UNKNOWN_TARGET = "unknown-target"
GUARD_ERROR = "guard-error"
RESERVED_RULES = (UNREAD, UNKNOWN_COMMAND, UNKNOWN_TARGET, GUARD_ERROR)


@dataclass(frozen=True)
class MatchContext:
    door: str
    proc_root: str | None = None  # resolve literal PIDs through /proc (interactive door)
    # Follow the symlinks on this machine's disk in written paths (paths.disk_reach): what each path led to, kept
    # for one check; None: judge the text alone. (A mutable part of a frozen context: the lookups are the same
    # answers however often they are asked.)
    disk: DiskMemo | None = None
    placing: bool = False  # findings carry where a nested command is written (see engine.Context)


@dataclass(frozen=True)
class Hit:
    """A rule that held on an invocation, for ``explain``."""

    rule: Rule
    invocation: int
    reach: Reach


def _silent_readers(policy: Policy, knowledge: Knowledge) -> frozenset[str]:
    """The commands in which no finding can be made when they have no redirection (``echo``, ``[``, ``local``,
    ``grep``): known readers with no spec and no inline code, which no rule names. Such an invocation writes
    nothing, sends no signal and is of known use, so each rule of no command (one matching on writes alone) says
    NO, and there is no command name, operand or code to doubt; :meth:`Matcher.explain` passes it over without
    working out its effects. Empty when a rule of no command matches on anything but writes."""
    named: set[str] = set()
    for rule in policy.rules:
        m = rule.match
        if not m.commands and (not m.writes or m.subcommands or m.options or m.signals or m.targets):
            return frozenset()
        named.update(m.commands)
    return frozenset(
        n for n in knowledge.readers if knowledge.spec(n) is None and n not in knowledge.inline_code and n not in named
    )


def _at(span: Span | None, ctx: MatchContext) -> tuple[int, int] | None:
    """Where a finding in nested shell text is written, when the caller places findings (see engine.Context)."""
    return (span.start, span.end) if span is not None and ctx.placing else None


class Matcher:
    def __init__(self, policy: Policy, knowledge: Knowledge) -> None:
        self.policy = policy
        self.knowledge = knowledge
        self.code_terms = _code_terms(policy)
        self.run_names = _run_names(policy)
        self.approved = _approved_programs(policy, knowledge)
        self._rules_for: dict[str | None, tuple[Rule, ...]] = {}  # see _rules_of
        self._silent = _silent_readers(policy, knowledge)

    def _rules_of(self, name: str | None) -> tuple[Rule, ...]:
        """The rules that may hold on a command named name, in the policy's order: those of no command or of
        this one (any other one's answer is NO at its first test, see _rule)."""
        rules = self._rules_for.get(name)
        if rules is None:
            rules = tuple(r for r in self.policy.rules if not r.match.commands or name in r.match.commands)
            self._rules_for[name] = rules
        return rules

    def silent_commands(
        self, tracked: frozenset[str]
    ) -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]] | None:
        """What no rule can find in, for a reading that wants findings only (the engine tells the parser): the
        known readers (no writes, no signal, no unknown use) that no rule names and that are not among the
        ``tracked`` builtins the builder learns from; every name a rule or the knowledge base gives a meaning
        to (any other command is of unknown use: a finding only through a path among its operands, a
        redirection, or a command a rule forbids among its operands); the names of those commands
        (:meth:`_runs_operands`); and the last names of the protected paths (in one, a relative name is such a
        path). None when a rule matches on options alone, so that any command may match."""
        knowledge = self.knowledge
        readers = {n for n in knowledge.readers if knowledge.spec(n) is None and n not in knowledge.inline_code}
        known = set(knowledge.specs) | set(knowledge.readers) | set(tracked) | set(knowledge.inline_code)
        known.update(knowledge.subcommand_runners)
        places: set[str] = set()
        for rule in self.policy.rules:
            m = rule.match
            known.update(m.commands)
            places.update(_place(p) for p in m.writes)
            if m.writes or m.targets or m.signals:
                continue  # needs a write or a signal, which a reader's invocation does not have
            if not m.commands:
                return None
            readers.difference_update(m.commands)
        return frozenset(readers - tracked), frozenset(known), self.run_names, frozenset(places)

    def findings(self, model: CommandModel, ctx: MatchContext) -> list[Finding]:
        return [f for f, _ in self.explain(model, ctx)]

    def explain(self, model: CommandModel, ctx: MatchContext) -> list[tuple[Finding, Hit | None]]:
        out: list[tuple[Finding, Hit | None]] = []
        unread_decision = self.policy.settings.unread.get(ctx.door, Decision.BLOCK)
        for region in model.unread:
            out.append(
                (
                    Finding(
                        UNREAD,
                        unread_decision,
                        f"this text could not be read, so it cannot be checked ({region.reason})",
                        None,
                        (region.span.start, region.span.end),
                        at=_at(region.at, ctx),
                    ),
                    None,
                )
            )
        in_bodies: set[tuple[str | None, str, Decision]] = set()
        shared: set[Finding] = set()
        calls: list[tuple[Invocation, list[tuple[Finding, Hit | None]]]] = []
        silent = self._silent
        for index, inv in enumerate(model.invocations):
            if not inv.redirects and inv.name in silent:
                continue  # (no finding in it, see _silent_readers: 46% of the benchmark's invocations)
            eff = effects_of(inv, self.knowledge)
            found = list(self._invocation(model, index, inv, eff, ctx))
            if inv.at is not None and ctx.placing and found:
                at = (inv.at.start, inv.at.end)
                found = [(dataclasses.replace(f, at=at), hit) for f, hit in found]
            if inv.via_call:
                calls.append((inv, found))
                continue
            for item in found:
                if item[0].span != (inv.span.start, inv.span.end):  # a compound's redirection: told once
                    if item[0] in shared:
                        continue
                    shared.add(item[0])
                out.append(item)
            if inv.in_function is not None and not offset_within(inv.span.start, model.definitions_not_run):
                in_bodies.update((inv.in_function, f.rule, f.decision) for f, _ in found)
        # A call of a function adds what its arguments change: a finding the body already gave where it is
        # defined (same rule, same decision) is not repeated at every call of it (unless that reading stands for
        # nothing the text runs, and is not told: CommandModel.definitions_not_run).
        for inv, found in calls:
            out.extend(item for item in found if (inv.in_function, item[0].rule, item[0].decision) not in in_bodies)
        return out

    def _invocation(
        self, model: CommandModel, index: int, inv: Invocation, eff: Effects, ctx: MatchContext
    ) -> Iterator[tuple[Finding, Hit | None]]:
        unknown = self.policy.settings.unknown.get(ctx.door, Decision.WARN)
        span = (inv.span.start, inv.span.end)
        held: list[tuple[Finding, Hit | None]] = []
        doubts: list[tuple[Finding, Hit | None]] = []
        for rule in self._rules_of(eff.name):
            reach = self._rule(model, rule, inv, eff, ctx)
            if reach == Reach.NO:
                continue
            shared = self._shared_redirect(model, rule, inv, eff, ctx, reach) if rule.match.writes else None
            where = span if shared is None else (shared.start, shared.end)
            if reach == Reach.YES:
                suggestion = rule.suggestion
                held.append(
                    (
                        Finding(rule.id, rule.decision, rule.message, suggestion, where, rule.confirm),
                        Hit(rule, index, reach),
                    )
                )
            else:
                what = _what(inv) if shared is None else "redirection"
                message = f"cannot tell statically whether this {what} is what rule {rule.id} forbids: {rule.message}"
                decision = min(unknown, rule.decision, unknown if rule.doubt is None else rule.doubt)
                if decision == Decision.ALLOW:
                    continue  # the rule says a doubt about it is not worth a finding (kill $PID: SIGTERM)
                doubts.append(
                    (Finding(UNKNOWN_TARGET, decision, message, rule.suggestion, where), Hit(rule, index, reach))
                )
        yield from held
        # A doubt about one rule adds nothing where another rule holds on the same command at least as strongly
        # (echo LIVE/dist | xargs rm -rf: it writes the live tree, whether or not it might also be a cgroup.kill).
        # Doubts of one decision say the same (the verdict keeps one per span): the first rule's is the one told.
        strongest = max((f.decision for f, _ in held), default=None)
        told: set[Decision] = set()
        for doubt in doubts:
            decision = doubt[0].decision
            if (strongest is None or decision > strongest) and decision not in told:
                told.add(decision)
                yield doubt
        if inv.name is None and inv.argv:
            finding = self._unknown_command(model, index, inv, ctx, unknown)
            if finding is not None:
                yield finding, None
        elif self.run_names and self._of_unknown_use(inv.name):
            runs = self._runs_operands(model, inv, ctx, unknown)
            if runs is not None:
                yield runs, None
        code = self._inline_code(model, inv, unknown, ctx.disk)
        if code is not None:
            yield code, None

    def _shared_redirect(
        self, model: CommandModel, rule: Rule, inv: Invocation, eff: Effects, ctx: MatchContext, reach: Reach
    ) -> Span | None:
        """The redirections of a compound around the command (``{ echo a; echo b; } >> "$f"``, a function body's)
        when the rule holds on the command only through them: the finding is theirs, told once (see
        :meth:`explain`), not once for every command inside. None when the command's own writes hold as well.
        A body read again for a call (``log "$@" >> "$LOG"``) has every span the call's: its redirections are told
        as the call's (``return`` carrying the call's ``>> "$LOG"`` is no command that writes)."""
        own = inv.span
        if inv.via_call:
            targets = [r.target for r in inv.redirects if r.writes and r.target is not None]
            around = [own] if targets else []
            kept = tuple(t for t in eff.writes if not any(t.word is target for target in targets))
        else:
            around = [
                r.span
                for r in inv.redirects
                if r.writes and r.target is not None and not (own.start <= r.span.start and r.span.end <= own.end)
            ]
            kept = tuple(t for t in eff.writes if not any(a.start <= t.word.span.start < a.end for a in around))
        if not around:
            return None
        if (
            len(kept) == len(eff.writes)
            or self._rule(model, rule, inv, dataclasses.replace(eff, writes=kept), ctx) == reach
        ):
            return None
        return Span(min(a.start for a in around), max(a.end for a in around))

    def _inline_code(
        self, model: CommandModel, inv: Invocation, decision: Decision, disk: DiskMemo | None
    ) -> Finding | None:
        """Code the guard does not read (``python3 -c CODE``, ``awk 'PROG'``, ``tmux new -d 'CMD'``): an
        unknown-command finding when it mentions what a rule protects, since it may do what the rule forbids, or
        when it may signal a process and is given the app's PIDs (``node -e 'process.kill(...)' $(pgrep node)``),
        or when it may write and runs in a protected directory (through links on disk, for the doors that read it).
        Code that mentions none of it (``python3 -c 'print(1)'``) is left alone; code of which nothing is known
        (``python3 -c "$X"``) may be any code."""
        hidden = unknown_code(inv, self.knowledge)
        if hidden is not None:
            return Finding(
                UNKNOWN_COMMAND,
                decision,
                f"the code given to {inv.name} ({hidden.display()}) is not known statically: it may be any code",
                None,
                (inv.span.start, inv.span.end),
            )
        for word in inline_code(inv, self.knowledge):
            text = word_text(word)
            counts_app = app_counts(inv, self.knowledge, text)
            given = self._pids_given(model, inv, word) if counts_app else None
            if given is not None:
                return Finding(
                    UNKNOWN_COMMAND,
                    decision,
                    f"the guard does not read the code given to {inv.name}, which may signal the API's processes its "
                    f"arguments name (rule {given})",
                    None,
                    (inv.span.start, inv.span.end),
                )
            if force_kills(inv, self.knowledge, text):
                return Finding(
                    UNKNOWN_COMMAND,
                    decision,
                    f"the guard does not read the code given to {inv.name}, which sends SIGKILL to a process it "
                    'computes: the API\'s may be one (as kill -9 "$PID" may)',
                    None,
                    (inv.span.start, inv.span.end),
                )
            for term, rule_id in self.code_terms:
                if word_mentions(text, term) and (
                    path_counts(inv, self.knowledge, text, term) if term.startswith("/") else counts_app
                ):
                    return Finding(
                        UNKNOWN_COMMAND,
                        decision,
                        f"the guard does not read the code given to {inv.name}, and it mentions {term!r}, which rule "
                        f"{rule_id} protects",
                        None,
                        (inv.span.start, inv.span.end),
                    )
            where = self._protected_cwd(inv, disk) if code_may_write(inv, self.knowledge, text) else None
            if where is not None:
                return Finding(
                    UNKNOWN_COMMAND,
                    decision,
                    f"the guard does not read the code given to {inv.name}, which may write or run commands, and it "
                    f"runs in {inv.cwd}, which rule {where} protects (a relative name there is a path in it)",
                    None,
                    (inv.span.start, inv.span.end),
                )
        return None

    def _protected_cwd(self, inv: Invocation, disk: DiskMemo | None) -> str | None:
        """The rule that protects the directory a command runs in from writes, if one does; with ``disk``, the
        directory as the links on disk lead (``cd ~/cur`` with ``~/cur`` a link to the live tree: it runs there)."""
        if inv.cwd is None:
            return None
        here = literal_word(inv.cwd, inv.span)
        for rule in self.policy.rules:
            if any(_reaches(here, None, _base(p), disk) for p in rule.match.writes):
                return rule.id
        return None

    def _unknown_command(
        self, model: CommandModel, index: int, inv: Invocation, ctx: MatchContext, decision: Decision
    ) -> Finding | None:
        """A command name not known statically: a finding when it could be a whole command (a lone word not known,
        which may split into a command and its arguments: ``bash -c "$X"``, ``eval "$X"``, ``$line``, ``"${cmd[@]}"``)
        or when its arguments touch what a rule protects. A function body's own ``"$@"`` is not one: each call of
        the function in the text is judged with its arguments (the builder follows them)."""
        span = (inv.span.start, inv.span.end)
        head = inv.argv[0]
        whole_payload = len(inv.argv) == 1 and not head.literal_prefix and not _a_functions_arguments(head, inv)
        touches = any(self._protected(model, w, inv) for w in inv.argv)
        if not (whole_payload or touches):
            return None
        spliced = head.parts[0] if whole_payload and isinstance(head.parts[0], Unknown) else None
        if spliced is not None and spliced.kind == "spliced":
            what = (
                f"the shell text {head.text} is run with values not known statically spliced into it "
                f"({spliced.name}): bash reads them as part of the text, so a value may hold any command "
                "(after a ; or in a $(…))"
            )
        elif spliced is not None and spliced.kind == "spliced code":
            # (built right after the program's own command: what its code's known text reaches is the finding
            # that says more, where there is one, on the same command)
            if index and self._inline_code(model, model.invocations[index - 1], decision, ctx.disk) is not None:
                return None
            program = inv.wrappers[-1].name if inv.wrappers else "its program"
            what = (
                f"the code {head.text} given to {program} is run with values not known statically spliced into it "
                f"({spliced.name}): {program} reads them as part of its code, so a value may hold any code (give "
                "values as data instead: awk -v NAME=VALUE, an argument the code reads, an environment variable)"
            )
        elif whole_payload and head.text.split(maxsplit=1)[1:]:  # shell text (``bash -c "rm -rf $D"``), not a name
            what = f"the shell text {head.text} is not known statically: what is not known may be any command"
        else:
            what = f"the command name {head.display()!r} is not known statically"
        return Finding(
            UNKNOWN_COMMAND,
            decision,
            what + (" and its arguments touch what a rule protects" if touches else ""),
            None,
            span,
        )

    def _of_unknown_use(self, name: str | None) -> bool:
        """A program neither the knowledge base nor a rule gives a meaning: what it does with its operands is not
        known (it may run them as a command, as ``sg GROUP CMD`` and ``docker exec CTR CMD`` do)."""
        knowledge = self.knowledge
        spec = knowledge.spec(name)  # (docker: its mounts are known, what it runs is not: of_unknown_use)
        return (
            name is not None
            and (spec is None or spec.flag("of_unknown_use"))
            and name not in knowledge.readers
            and (name not in knowledge.inline_code or knowledge.inline_code[name].of_unknown_use)
            and name not in knowledge.subcommand_runners
            and name not in self.run_names
        )

    def _runs_operands(
        self, model: CommandModel, inv: Invocation, ctx: MatchContext, decision: Decision
    ) -> Finding | None:
        """A program of unknown use whose operands hold, where a command may start, a command a rule forbids as
        they give it (``mytool pkill node``, ``frob run kill -9 $(pidof node)``): if the program runs them, the
        forbidden thing is done, so it is an unknown-command finding. Only names a rule matches with a further
        condition (a signal, a target, a write, an option) are looked for, and only a rule that certainly holds on
        the words from there counts: ``foo kill``, ``apt-get install killall`` and ``sudo apt-get install vim``
        stay silent."""
        for tail_words in self._commands_in_operands(inv):
            tail = dataclasses.replace(inv, argv=tail_words, redirects=())
            eff = effects_of(tail, self.knowledge)
            for rule in self.policy.rules:
                if self._rule(model, rule, tail, eff, ctx) == Reach.YES:
                    shown = " ".join(w.display() for w in tail.argv)
                    return Finding(
                        UNKNOWN_COMMAND,
                        min(decision, rule.decision),
                        f"the guard does not know what {inv.name} does with its arguments; if it runs them as a "
                        f"command, {shown!r} is what rule {rule.id} forbids: {rule.message}",
                        rule.suggestion,
                        (inv.span.start, inv.span.end),
                    )
        return None

    def _commands_in_operands(self, inv: Invocation) -> Iterator[tuple[Word, ...]]:
        """Where among a program's operands a forbidden command may start: at an operand that names one (``mytool
        pkill node``), and inside an operand that is text for some language to run (``mytool 'pkill node'``,
        ``sqlite3 db '.shell pkill node'``, ``psql -c '\\! pkill node'``, ``Rscript -e 'system("pkill node")'``):
        there the text is cut at shell and call punctuation and each piece's words are the command's, quotes and a
        leading ``!`` (an escape to the shell in ed, vi, psql) left out. A cut that is too simple only costs a doubt
        more or less; the program's use is not known either way."""
        names = self.run_names
        for start in range(1, len(inv.argv)):
            word = inv.argv[start]
            value = word.value
            if value is None:
                continue
            if value.rpartition("/")[2] in names:
                yield inv.argv[start:]
            elif any(c in value for c in _TEXT_BREAKS):
                for piece in _PIECE_BREAKS.split(value):
                    words = [w.strip("'\"").lstrip("!") for w in piece.split()]
                    for at, name in enumerate(words):
                        if name.rpartition("/")[2] in names:
                            yield tuple(literal_word(w, word.span) for w in words[at:])
                            break

    def _protected(self, model: CommandModel, word: Word, inv: Invocation) -> bool:
        for rule in self.policy.rules:
            if any(word_reach(word, inv.cwd, _base(p), _recursive(p)) == Reach.YES for p in rule.match.writes):
                return True
            app = self.policy.apps.get(rule.match.targets) if rule.match.targets else None
            if app is not None and (
                self._mentions_app(word, app)
                or any(self._producers_reach(model, u, app) == Reach.YES for u in word.unknowns)
            ):
                return True
        return False

    # -- one rule on one invocation --------------------------------------------------------------------------

    def _rule(self, model: CommandModel, rule: Rule, inv: Invocation, eff: Effects, ctx: MatchContext) -> Reach:
        """The weakest answer of the rule's conditions; the yes-or-no ones first (they decide most invocations),
        then those that may answer MAYBE, stopping at the first NO."""
        m = rule.match
        if m.commands and eff.name not in m.commands:
            return Reach.NO
        if m.subcommands and not (eff.args.operands and eff.args.operands[0].value in m.subcommands):
            return Reach.NO
        result = Reach.YES
        if m.options and not eff.args.has(*m.options):
            if not _may_hold_options(eff.args):
                return Reach.NO
            result = Reach.MAYBE  # fuser $OPTS 3000/tcp, fuser -$K 3000/tcp
        if m.signals:
            result = min(result, _signal_reach(eff.signal, m.signals))
        if m.targets and result != Reach.NO:
            app = self.policy.apps.get(m.targets)
            result = min(result, self._targets(model, inv, eff, app, ctx) if app else Reach.NO)
        if m.writes and result != Reach.NO:
            result = min(result, self._writes(model, inv, eff, m.writes, ctx.disk))
        return result

    def _writes(
        self, model: CommandModel, inv: Invocation, eff: Effects, patterns: tuple[str, ...], disk: DiskMemo | None
    ) -> Reach:
        best = Reach.NO
        for target in eff.writes:
            names = target.names or _found_names(target.word)
            for pattern in patterns:
                if names and disk is not None and _named_out(_base(pattern), pattern, names):
                    continue  # find -name '*.pyc' -delete (or -exec rm {} +) acts on no file of this name
                if target.mount_change is not None and any(
                    is_within(_base(pattern), root) for root in self.knowledge.kernel_interfaces
                ):
                    continue  # (umount -a: no mount change writes a kernel interface file, cgroup.kill included)
                if target.mount_change is not None and target.mount_change.table:
                    best = max(best, _table_unmount_reach(target, inv, _base(pattern), disk))
                    continue
                reach = word_reach(target.word, inv.cwd, _base(pattern), target.recursive)
                if reach == Reach.MAYBE and not target.word.literal_prefix:
                    produced = self._produced_path_reach(model, target.word, pattern, target.recursive, disk)
                    reach = produced if self._only_path_producers(model, target.word) else max(reach, produced)
                if disk is not None and reach != Reach.YES:
                    reach = max(reach, _disk_write_reach(model, inv, target, _base(pattern), disk))
                best = max(best, reach)
                if best == Reach.YES:
                    return best
        if eff.unknown_use:
            # A command the guard does not know, given a protected path (or, on disk, a link that leads into one):
            # it may write it.
            named_only = eff.spec is not None and eff.spec.flag("path_operands_unknown")  # (npm run x -- /p)
            for word in self._path_words(inv, patterns, None if named_only else disk, named_only):
                if any(_reaches(word, inv.cwd, _base(p), disk) for p in patterns):
                    return Reach.MAYBE
        # (``source FILE`` is left in the model only when the guard did not read FILE's text: it runs unread here)
        sourced = eff.spec is not None and eff.spec.kind == "source"
        if (eff.unknown_use or sourced) and self._runs_unseen_in(inv, eff, patterns, disk):
            return Reach.MAYBE if not _bare_repl(model, inv, eff) else best
        return best

    def _runs_unseen_in(self, inv: Invocation, eff: Effects, patterns: tuple[str, ...], disk: DiskMemo | None) -> bool:
        """A command of unknown use run in a protected tree may write there by names it never shows (``cd LIVE &&
        ./build.sh``, ``bash build.sh``, a tool's own output directory): a doubt, whatever its operands. Not for an
        approved command (see :func:`_approved_programs`: it must run from anywhere), nor for code given inline
        (``node -e CODE``: judged as code, see _inline_code), nor where the knowledge base says what the command
        writes in the tree it runs in (``make``, ``tsc``, ``bun``: its cwd writes are in ``eff.writes``; ``make -n``
        and ``bun outdated`` write none)."""
        if inv.cwd is None or _says_cwd_writes(eff):
            return False
        here = literal_word(inv.cwd, inv.span)
        if not any(_reaches(here, None, _base(p), disk) for p in patterns):
            return False
        return not self._approved(inv) and not certain_code_words(inv, self.knowledge)

    def _approved(self, inv: Invocation) -> bool:
        """Does the invocation run a program a rule's suggestion runs, by its path from the cwd (``bash
        ../tenmon-ark-repo/api/scripts/deploy_live.sh`` run in the live tree)?"""
        program = inv.argv[0].value if inv.argv and self.approved else None
        if program is None or inv.cwd is None:
            return False
        return normalise(program if program.startswith("/") else f"{inv.cwd}/{program}") in self.approved

    def _path_words(
        self, inv: Invocation, patterns: tuple[str, ...], disk: DiskMemo | None, named_only: bool = False
    ) -> Iterator[Word]:
        """The arguments of a command of unknown use that may be paths: a word with a slash in its known text, and,
        where the cwd lies in or above a protected path, a relative name too (``dos2unix .env``, ``make clean``,
        ``fakeroot rm -rf dist`` in the live tree are the same commands as with the absolute paths). For the doors
        that read the disk, any relative name too (``make -C dl``, ``vim f``: links there may lead into one);
        ``named_only``: words with a slash only (npm's subcommands and script names are no paths). Not
        an option word, nor the code an interpreter is given (``python3 -c CODE``: its own finding, see
        _inline_code); an operand that may be code or a file it opens is both (``sqlite3 DB SQL``, ``ed FILE``)."""
        near = inv.cwd is not None and _near_cwd(inv.cwd, patterns) and not named_only
        bare = near or (disk is not None and inv.cwd is not None)
        code: set[int] | None = None
        for word in inv.args:
            prefix = word.literal_prefix
            if "/" in prefix:
                yield from _embedded_paths(word)
            if "/" in prefix and (prefix.startswith("/") or not bare):
                yield word
                continue
            if not bare or not prefix or prefix.startswith("-"):
                continue
            if code is None:
                code = {id(w) for w in certain_code_words(inv, self.knowledge)}
            if id(word) not in code:
                yield word

    def _only_path_producers(self, model: CommandModel, word: Word) -> bool:
        """Every unknown part comes from commands that make paths of their own (``$(mktemp -d)``; not a value of
        pieces, ``D="$x$(mktemp -d)"``, whose other pieces are not known)."""
        unknowns = word.unknowns
        return bool(unknowns) and all(
            u.kind != "variable"
            and u.producers
            and all(model.invocations[i].name in self.knowledge.path_producers for i in u.producers)
            for u in unknowns
        )

    def _produced_path_reach(
        self, model: CommandModel, word: Word, pattern: str, recursive: bool, disk: DiskMemo | None
    ) -> Reach:
        """A path that comes from another command's output (``find LIVE | xargs rm``, ``echo LIVE | xargs rm``):
        it reaches the protected path when a producer was given that path. For the doors that read the disk, also
        through links there, as ``rm -rf LINK/dist`` does: a directory on the way (``find LINK/ | xargs rm``,
        ``"$(dirname LINK/x)/dist"``), and a last link for a producer that prints where it leads (``realpath
        LINK``, ``readlink -f LINK``; ``find LINK`` lists the link itself)."""
        base = _base(pattern)
        # (a variable's value of pieces keeps its producers for the PIDs it holds: as a path, it is the variable
        # not known it was before, not a producer's path: CA_DIR="$CA_HOME/$(echo "$U" | cut -d / -f 3-)")
        for part in (u for u in word.unknowns if u.kind not in ("variable", JOB)):
            for index in part.producers:
                producer = model.invocations[index]
                final = Reach.YES if producer.name in self.knowledge.link_resolvers else Reach.NO
                for arg in producer.args:
                    if word_reach(arg, producer.cwd, base, recursive) == Reach.YES:
                        return Reach.YES
                    if disk is not None and disk_reach(arg, producer.cwd, base, recursive, final, disk) == Reach.YES:
                        return Reach.YES
        return Reach.NO

    def _targets(
        self, model: CommandModel, inv: Invocation, eff: Effects, app: AppSelector, ctx: MatchContext
    ) -> Reach:
        signal = eff.signal
        if signal is None:
            return Reach.NO
        kind = signal.kind
        if kind == "pids":
            return max((self._pid_reach(model, w, app, ctx) for w in signal.targets), default=Reach.NO)
        if kind in ("pattern", "names") and not signal.targets and eff.spec is not None:
            # pkill -P 1, pkill --cgroup UNIT'S-CGROUP, start-stop-daemon --stop --pidfile FILE: selected by other
            # criteria (none at all: MAYBE, as ever)
            criteria = criteria_reach(eff.args, eff.spec, app, inv.cwd)
            return Reach.MAYBE if criteria is None or signal.inverse else criteria
        if kind == "pattern":
            return max(_pattern_reach(signal, app), self._produced_names_reach(model, signal, app))
        if kind == "names":
            return max(_names_reach(signal, app), self._produced_names_reach(model, signal, app))
        if kind == "inputs":  # fkill NAME PID :PORT: each input read by its form
            return max((self._input_reach(model, signal, w, app, ctx) for w in signal.targets), default=Reach.MAYBE)
        if kind == "units":
            return max((_unit_reach(w, app) for w in signal.targets), default=Reach.NO)
        if kind == "ports":
            return max((port_reach(w.value, app) for w in signal.targets), default=Reach.NO)
        if kind == "all":
            return Reach.YES  # killall5, reboot -f: every process, the app's with the rest
        if kind == "sockets":  # ss -K FILTER: the sockets its filter names
            return PidSelection(model, app, self.knowledge).sockets_reach(inv)
        if kind == "command":  # timeout -s KILL 5 CMD, prlimit --cpu=1 CMD: the command it starts
            return command_reach(signal.targets, inv.cwd, app, self.knowledge)
        return Reach.NO

    def _input_reach(
        self, model: CommandModel, signal: SignalEffect, word: Word, app: AppSelector, ctx: MatchContext
    ) -> Reach:
        """One input of fkill: ``:PORT`` a port, a decimal number a PID, anything else a process name. A word not
        known statically may be any of the three (PIDs or names from the command that printed them)."""
        value = word.value
        if value is not None and value.startswith(":"):
            return port_reach(value[1:], app)
        if value is not None and _DECIMAL.fullmatch(value):
            return self._pid_reach(model, word, app, ctx)
        named = dataclasses.replace(signal, targets=(word,))
        reach = max(_names_reach(named, app), self._produced_names_reach(model, named, app))
        return reach if value is not None else max(reach, self._pid_reach(model, word, app, ctx))

    def _pid_reach(self, model: CommandModel, word: Word, app: AppSelector, ctx: MatchContext) -> Reach:
        value = word.value
        if value is not None:
            # kill reads a PID as a decimal number, signs and leading zeros allowed (bash's builtin and procps:
            # -01 is -1, 0123 is 123, +123 is 123)
            number = int(value) if _DECIMAL.fullmatch(value) else None
            if number is None and value.startswith("%"):
                return Reach.MAYBE  # bash's job spec (%, %1, %node, %?index): a job of the shell's, maybe the app
            if number is None or number == 0:
                return Reach.NO  # (0: the caller's own process group)
            if number < 0:
                return Reach.YES if number == -1 else Reach.MAYBE  # -1: every process; -PGID: a group
            return Reach.NO if ctx.proc_root is None else _proc_reach(ctx.proc_root, str(number), app)
        best = Reach.NO
        for part in word.unknowns:
            best = max(best, self._producers_reach(model, part, app))
        # text glued to a list of PIDs makes its first or last one another number (P=\"1$(pgrep nginx)\"; kill -9 $P:
        # 11234, then nginx's others): a PID not known, besides the producers'
        return max(best, Reach.MAYBE) if best == Reach.NO and _glued_pid(word) else best

    def _pids_given(self, model: CommandModel, inv: Invocation, code: Word) -> str | None:
        """The rule whose app an argument of the command (the code aside) holds PIDs of, from what produced it."""
        for rule in self.policy.rules:
            app = self.policy.apps.get(rule.match.targets) if rule.match.targets else None
            if app is None:
                continue
            for word in inv.args:
                if word is not code and any(self._producers_reach(model, u, app) == Reach.YES for u in word.unknowns):
                    return rule.id
        return None

    def _producers_reach(self, model: CommandModel, part: Unknown, app: AppSelector) -> Reach:
        """PIDs from other commands' output: what those commands really select (selection.py)."""
        return PidSelection(model, app, self.knowledge).reach(part)

    def _produced_names_reach(self, model: CommandModel, signal: SignalEffect, app: AppSelector) -> Reach:
        """``echo node | xargs pkill``: a pattern read from a producer's output names the app when the producer
        was given it."""
        for word in signal.targets:
            for part in word.unknowns:
                for index in part.producers if part.kind != JOB else ():
                    if any(self._mentions_app(w, app) for w in model.invocations[index].args):
                        return Reach.YES
        return Reach.NO

    def _mentions_app(self, word: Word, app: AppSelector | None) -> bool:
        if app is None:
            return False
        text = word_text(word)
        plain = text.replace("\\", "")  # a regex-escaped selector: 'dist/index\.js'
        return any(word_mentions(text, term) or word_mentions(plain, term) for term in app.terms if term)


def _code_terms(policy: Policy) -> tuple[tuple[str, str], ...]:
    """What code the guard cannot read must not mention, each with the rule that protects it: the paths a rule
    protects from writes, the terms of the app a rule targets (not its port: ``awk '$3 > 3000'`` is ordinary), and
    the commands a rule forbids whatever their target (fuser)."""
    terms: list[tuple[str, str]] = []
    for rule in policy.rules:
        m = rule.match
        terms.extend((_base(p), rule.id) for p in m.writes if "*" not in _base(p))
        app = policy.apps.get(m.targets) if m.targets else None
        if app is not None:
            terms.extend((t, rule.id) for t in app.terms if t and not t.isdigit())
        if not m.targets and not m.writes:
            terms.extend((c, rule.id) for c in m.commands)
    return tuple(dict.fromkeys(terms))


_TEXT_BREAKS = " \t\n"  # an operand with none of these holds one word: a name, an option, a path
# where a command in a language's text ends or a call's argument starts: shell operators, parentheses, quotes of
# strings that hold a command line (``system("pkill node")``), backquotes, commas between arguments
_PIECE_BREAKS = re.compile(r"[;&|()`,\n{}\[\]]+")


_STDIN_OPS = frozenset({"<", "<<", "<<-", "<<<", "<>", "<&"})


def _bare_repl(model: CommandModel, inv: Invocation, eff: Effects) -> bool:
    """An interpreter started alone (``node``, ``python3 -i``, ``cd LIVE && node``: knowledge ``repl_options``) reads
    what the person types at the terminal and shows each result: it writes nothing of itself where it runs, and what
    is typed into it is no more seen by the guard here than anywhere else (where it can name the live tree by its
    absolute path as well). No doubt then for its cwd. But its stdin from a file, a pipe or a here-text makes it run
    that text (a script, unseen), as do operands, and its environment may make it load code as it starts
    (``NODE_OPTIONS=--require ./x.js node``, ``PYTHONSTARTUP``, ``export`` or ``exec <`` earlier on the line): only
    a line of this command and ``cd``s is one."""
    spec = eff.spec
    if spec is None or "repl_options" not in spec.extra or inv.in_substitution or inv.in_function:
        return False
    if inv.assignments or inv.stdin_producers or any(_reads_stdin(r) for r in inv.redirects):
        return False
    if any(other is not inv and other.name not in ("cd", "pushd") for other in model.invocations):
        return False
    return all(w.value in spec.list("repl_options") for w in inv.args)


def _reads_stdin(redirect: Redirect) -> bool:
    return redirect.op in _STDIN_OPS and redirect.fd in (None, 0)


def _says_cwd_writes(eff: Effects) -> bool:
    """Knowledge that tells what the command writes in its cwd: the tree its subcommands rewrite, or the cwd it
    builds into (``writes_cwd``, ``cwd_write_options``)."""
    spec = eff.spec
    return spec is not None and (
        spec.extra.get("role") == "cwd_subcommands" or spec.flag("writes_cwd") or bool(spec.list("cwd_write_options"))
    )


def _approved_programs(policy: Policy, knowledge: Knowledge) -> frozenset[str]:
    """The scripts and programs the policy's suggestions run by an absolute path (``bash ${restart_script}``,
    ``bash ${deploy_script}``, ``sudo /srv/deploy.sh``): the operations guide's approved commands, which run from
    any directory, the live tree too, without a doubt about what they might write there."""
    found: set[str] = set()
    for rule in policy.rules:
        words = (rule.suggestion or "").split()
        while words and words[0] == "sudo":
            words = words[1:]
        if len(words) > 1 and words[0] in knowledge.shells:
            words = words[1:]
        if words and words[0].startswith("/"):
            found.add(normalise(words[0]))
    return frozenset(found)


def _run_names(policy: Policy) -> frozenset[str]:
    """The commands a rule forbids as they are given (a signal, a target, a write or an option besides the name):
    among the operands of a program of unknown use, each may be the command it runs. Rules that match a name alone
    (the sudo door's root shells and editors: ``apt-get install vim``) are about the program being started, which
    an operand does not say."""
    return frozenset(
        c
        for rule in policy.rules
        for c in rule.match.commands
        if rule.match.signals or rule.match.targets or rule.match.writes or rule.match.options
    )


def _may_hold_options(args: ParsedArgs) -> bool:
    """An option word not known statically (``-$K``), an expansion before another operand (``$OPTS 3000/tcp``,
    ``"$O" 3000/tcp``: quoted, it is still one word that may be ``-k``), or a word that may be any number of words
    (``fuser "$@"``, :func:`model.spreads`): each may be the option a rule asks for."""
    if args.unknown_options:
        return True
    operands = args.operands
    return any(_whole_expansion(w) for w in operands[:-1]) or any(
        w.unknowns and spreads(w) for w in args.optional_operands[-1:]
    )


def _whole_expansion(word: Word) -> bool:
    return all(isinstance(p, Unknown) and p.kind in _EXPANSIONS for p in word.parts)


_EXPANSIONS = frozenset({"variable", "command", "stdin", "file"})  # what a variable may hold: any word


def _what(inv: Invocation) -> str:
    return f"{inv.name} command" if inv.name else "command"


def _base(pattern: str) -> str:
    return pattern[:-3] if pattern.endswith("/**") else pattern


def _final_link(target: WriteTarget) -> Reach:
    """What a final symlink on disk that leads into a protected path counts as for this write: followed by a write
    that opens the path (``>``, ``tee``), a name like any other for one that acts on the link itself (``rm``, ``mv``,
    ``ln``), a doubt for another writer (``cp`` writes through it)."""
    if target.opens:
        return Reach.YES
    return Reach.NO if target.link_itself else Reach.MAYBE


def _disk_write_reach(model: CommandModel, inv: Invocation, target: WriteTarget, base: str, disk: DiskMemo) -> Reach:
    """Does the write reach ``base`` on this machine's disk: through links and mounts there now
    (:func:`paths.disk_reach`), under a chroot through any link, or through names the line's other commands make
    (copies of links: YES; other names that may lead there: MAYBE)? Those commands' own writes are not read through
    what they make themselves (``cp -P lnk DIR/``)."""
    final = _final_link(target)
    word, cwd = target.word, inv.cwd
    reach = disk_reach(word, cwd, base, target.recursive, final, disk, target.dir_itself, target.mount_change)
    if reach == Reach.NO and inv.root != "/" and crosses_links(word, cwd, disk):
        reach = Reach.MAYBE  # (under a chroot an absolute link leads from its root, not ours)
    if reach != Reach.YES and model.kept_links:
        kept = tuple((c, s) for c, s, by in model.kept_links if model.invocations[by] is not inv)
        reach = max(reach, kept_link_reach(word, cwd, kept, base, target.recursive, final, disk, target.dir_itself))
    # (DEST/NAME of ln -n, mv -T: a DEST the line makes is a link, replaced, or a directory of its own: nothing goes
    # through it)
    if reach == Reach.NO and model.made_names and not target.dir_itself:
        made = tuple(m for m in model.made_names if model.invocations[m[3]] is not inv)
        if made:
            reach = made_name_reach(word, cwd, made, base, final, disk)
    if reach == Reach.NO and target.follows_links:
        reach = links_below_reach(word, cwd, base, disk)
    return reach


def _table_unmount_reach(target: WriteTarget, inv: Invocation, base: str, disk: DiskMemo | None) -> Reach:
    """``umount -a [-t TYPES]``: the mount table picks what goes, the text names nothing (the doors that judge the
    text alone let it be); the doors that read the disk judge every mount it takes."""
    if disk is None:
        return Reach.NO
    return disk_reach(target.word, inv.cwd, base, True, Reach.NO, disk, mount_change=target.mount_change)


def _recursive(pattern: str) -> bool:
    return pattern.endswith("/**")


def _found_names(word: Word) -> tuple[str, ...]:
    """The -name globs of the entry find reached that ``word`` ends with (``{}`` of ``find . -name GLOB -exec``)."""
    last = word.parts[-1] if word.parts else None
    if isinstance(last, Unknown) and last.kind == FOUND and last.name:
        return tuple(last.name.split("\0"))
    return ()


def _named_out(base: str, pattern: str, globs: tuple[str, ...]) -> bool:
    """Is the protected path out of reach of a recursive write narrowed to ``globs`` (``find -name``)? Only when it
    is no directory on disk now (a directory's entries may have any name, and a rule covers what is below the path
    it names) and its own name matches not every glob. Known only where the disk is the command's."""
    if _recursive(pattern) or _named(base, globs):
        return False
    return not os.path.isdir(base)


def _named(path: str, globs: tuple[str, ...]) -> bool:
    """May the last name of ``path`` match every glob, as find's ``-name`` matches (GNU fnmatch: ``[^x]``, classes,
    escapes, a leading dot no special)? A glob not read here may."""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    for glob in globs:
        matcher = bash_glob(glob)
        if matcher is not None and matcher.match(name) is None:
            return False
    return True


def _signal_reach(signal: SignalEffect | None, wanted: tuple[str, ...]) -> Reach:
    if signal is None:
        return Reach.NO
    readings = (signal.signal, *signal.also)
    if "ANY" in wanted or any(s in wanted for s in readings):
        return Reach.MAYBE if signal.maybe else Reach.YES
    return Reach.MAYBE if "?" in readings else Reach.NO


def _pattern_reach(signal: SignalEffect, app: AppSelector) -> Reach:
    patterns = list(signal.targets)
    if not patterns:
        return Reach.MAYBE  # pkill -u user: selects by other criteria
    best = Reach.NO
    for word in patterns:
        value = word.value if not word.is_glob else word_text(word)
        if value is None:
            best = max(best, Reach.MAYBE)
        elif signal.inverse:
            if inverse_selects(value, app, signal.full, signal.exact, signal.ignore_case):
                return Reach.YES  # pkill -v nginx: every process but nginx
        elif search(value, pattern_candidates(app, True), signal.exact, signal.ignore_case):
            return Reach.YES
    return best


def _names_reach(signal: SignalEffect, app: AppSelector) -> Reach:
    if not signal.targets:
        return Reach.MAYBE  # killall -u tenmon: every process of the user, selected by other criteria
    best = Reach.NO
    programs = app.names + tuple(c.split()[0].rsplit("/", 1)[-1] for c in app.cmdlines if c.split())
    for word in signal.targets:
        value = word.value
        if value is None:
            best = max(best, Reach.MAYBE)
        elif signal.regex:
            candidates = programs + tuple(u.removesuffix(".service") for u in app.units)
            if search(value, candidates, False, signal.ignore_case):
                return Reach.YES
        else:
            name = value.rsplit("/", 1)[-1]
            if name in programs or (signal.ignore_case and name.lower() in {p.lower() for p in programs}):
                return Reach.YES
    return best


def _unit_reach(word: Word, app: AppSelector) -> Reach:
    value = word.value if not word.is_glob else word_text(word)
    if value is None:
        return Reach.MAYBE
    for unit in app.units:
        if value in (unit, unit.removesuffix(".service")) or fnmatch.fnmatchcase(unit, value):
            return Reach.YES
    return Reach.NO


_DECIMAL = re.compile(r"[+-]?[0-9]+")
_SAME_PID = re.compile(r"[+]?0*")  # what kill reads before a PID as the same number: a sign, leading zeros


def _glued_pid(word: Word) -> bool:
    """Does known text touch an unknown part of ``word`` with no blank between (``1$(pgrep x)``, ``$(pgrep x)0``)?
    The PID the part starts or ends with is then another number (a sign or zeros before it keep it)."""
    parts = word.parts
    for k, part in enumerate(parts):
        if not isinstance(part, Unknown):
            continue
        before = parts[k - 1] if k else None
        after = parts[k + 1] if k + 1 < len(parts) else None
        same = k == 1 and isinstance(before, Literal) and _SAME_PID.fullmatch(before.text) is not None
        if isinstance(before, Literal) and before.text and not before.text[-1].isspace() and not same:
            return True
        if isinstance(after, Literal) and after.text and not after.text[0].isspace():
            return True
    return False


def _proc_reach(proc_root: str, pid: str, app: AppSelector) -> Reach:
    """A literal PID: read what it runs (the interactive door knows the machine it runs on)."""
    try:
        with open(os.path.join(proc_root, pid, "cmdline"), "rb") as handle:
            cmdline = handle.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except OSError:
        return Reach.NO
    if any(word_mentions(cmdline, term) for term in app.terms if term and not term.isdigit()):
        return Reach.YES
    return Reach.NO


def _place(pattern: str) -> str:
    """The last name of a protected path, as a text that may move into it must mention it (``tenmon-ark-live``);
    one that is a pattern (or the root) may be named any way: then the empty text, which every text holds."""
    name = _base(pattern).rstrip("/").rsplit("/", 1)[-1]
    return "" if any(c in name for c in "*?[") else name


# an absolute path starting a word or written after ``=``, ``:`` or ``,`` in it, up to the next ``:`` or ``,``
_EMBEDDED_PATH = re.compile(r"(?:^|(?<=[=:,]))/[^:,]*")
_SPACED_PATH = re.compile(r"(?<=\s)/[^\s;:,'\"]*")  # (lftp -e 'mirror /x /opt/y': a path among words)


def _embedded_paths(word: Word) -> Iterator[Word]:
    """The absolute paths written inside a word's known text after ``=``, ``:``, ``,`` or a blank: a program of
    unknown use may take them as paths (``--dir=/opt/x``, ``docker run -v /opt/x:/app``, ``--mount
    type=bind,src=/opt/x``, ``systemd-nspawn --bind=/opt/x:/y``: the container writes the directory the host has
    there; ``lftp -e 'mirror /x /opt/x'``: its own commands)."""
    text = word.literal_prefix
    for m in _SPACED_PATH.finditer(text):
        yield literal_word(m.group(), word.span)
    if "=/" not in text and ":/" not in text and ",/" not in text:
        return
    for m in _EMBEDDED_PATH.finditer(text):
        yield literal_word(m.group(), word.span)


def _reaches(word: Word, cwd: str | None, base: str, disk: DiskMemo | None) -> bool:
    """Does a path given to a command of unknown use (or its cwd) certainly name ``base`` or a path in it: by its
    text, or, with ``disk``, through the links on disk (a final one too: the command may open it)?"""
    if word_reach(word, cwd, base, False) == Reach.YES:
        return True
    return disk is not None and disk_reach(word, cwd, base, False, Reach.YES, disk) == Reach.YES


def _near_cwd(cwd: str, patterns: tuple[str, ...]) -> bool:
    """Can a relative name reach a protected path from ``cwd``: does the cwd lie in one, or above one (``cd /opt;
    x tenmon-ark-live``)? A pattern with a glob is left to :func:`word_reach`."""
    for pattern in patterns:
        base = _base(pattern)
        if any(c in base for c in "*?[") or is_within(cwd, base) or is_within(base, cwd):
            return True
    return False


def _a_functions_arguments(word: Word, inv: Invocation) -> bool:
    """``"$@"``, ``$1``, ``${@:2}`` in a function's body, read where it is defined (not for a call)."""
    return inv.in_function is not None and not inv.via_call and names_an_argument(word)
