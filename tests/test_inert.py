"""The linter's reading for findings only (``Context.findings_only``) leaves inert statements out: it must give
exactly the findings of the complete reading, on the corpus, the held-out corpus, the machine's scripts and the
shapes where leaving a statement out would change what another command is judged to do."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from test_corpus import CORPUS, HELDOUT
from test_lint_real_scripts import machine_scripts

from tenmon_guard.backends.treesitter_backend import TreeSitterBackend
from tenmon_guard.engine import Context, Guard
from tenmon_guard.policy import load_policy
from tenmon_guard.policy.types import Match
from tenmon_guard.verdict import Decision, Verdict

POLICY = Path(__file__).resolve().parent.parent / "policies" / "tenmon-ark.yaml"
COMPLETE = Context(door="lint", both_parsers=False)
FINDINGS_ONLY = Context(door="lint", both_parsers=False, findings_only=True)
LIVE = "/opt/tenmon-ark-live"


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard(load_policy([POLICY], {}))


def _same(guard: Guard, text: str) -> tuple[Verdict, Verdict]:
    return guard.check(text, COMPLETE), guard.check(text, FINDINGS_ONLY)


# Each must be judged (not allowed) by both readings, with the same findings: the inert-looking statement in it
# is what makes another command's operand, input, directory or output known.
SHAPES = [
    f"echo {LIVE}/dist | xargs rm -rf",  # a pipeline stage prints the path
    f"x=$(dirname {LIVE}/dist/a); rm -rf $x",  # a substitution prints it
    f"cd {LIVE}; sleep 1 & rm -rf dist",  # a backgrounded reader must not take the & from the cd before it
    f"{{ echo a; }} > {LIVE}/dist/x",  # a redirected group writes even when its body is all readers
    f"while true; do echo a; done > {LIVE}/dist/x",
    f"f() {{ echo a; }} > {LIVE}/dist/x\nf",
    "ls $(kill -9 $(pgrep -f dist/index.js))",  # a reader whose operand runs a command
    "echo ${x#$(pkill node)}",  # a substitution tree-sitter keeps as text
    "echo `pkill node`",
    "cat <<EOF\n$(pkill node)\nEOF",  # a heredoc body runs its substitutions
    f"[ -f x ] && echo a >{LIVE}/dist/x",
    f"echo a >> {LIVE}/dist/x",
    f"echo a 2>{LIVE}/dist/log",
    "echo a; \\\nkill -9 $(pgrep node)",  # a line continuation between statements
    "((pkill node) )",
    f"for d in {LIVE}/dist; do echo $d; done | xargs rm -rf",
    "pgrep node | while read p; do echo $p; done | xargs kill -9",
    f"true && rm -rf {LIVE}/dist",
    # an unknown command is judged by the paths among its operands: every way a variable can hold one
    f"x={LIVE}/dist; mytool $x",
    f"cd {LIVE}; mytool $PWD",
    f"for d in {LIVE}; do mytool $d; done",
    f'x="{LIVE}/\ndist"\nmytool "$x"',
    "mytool $'\\x2fopt\\x2ftenmon-ark-live\\x2fdist'",
    f'export "x={LIVE}/dist"; mytool $x',
    f"command export x={LIVE}/dist; mytool $x",
    f"a=({LIVE}/dist); mytool ${{a[0]}}",
    f"y={LIVE}; x=$y; mytool $x",
    f"p={LIVE}/dist; f() {{ mytool $p; }}",
    "a; fi",  # a reserved word read as a command name is unread
    "x='b[$(pkill node)]'; [[ $x -eq 1 ]]",  # [[ -eq ]] evaluates its operands as arithmetic
    "read x; [[ $x -eq 1 ]]",  # a value read as the line runs may be b[$(cmd)]
    "read -a a; : ${b[a]}",
    # a program made on the line, run by its bare name (stop 22: the linter left these out, and allowed them)
    "install /usr/bin/pkill /usr/local/bin/safe; safe node",
    "cp /usr/bin/pkill /usr/local/bin/grep; grep node",
    "ln -s /usr/bin/pkill /tmp/b/ls; export PATH=/tmp/b:$PATH; ls node",
    "ln -s /usr/bin/pkill grep; PATH=.:$PATH; grep node",
    "printf '#!/bin/sh\\npkill node\\n' > /usr/local/bin/safe; chmod +x /usr/local/bin/safe; safe",
]


@pytest.mark.parametrize("text", SHAPES)
def test_shapes_where_leaving_out_would_matter(guard: Guard, text: str) -> None:
    complete, findings_only = _same(guard, text)
    assert complete.decision != Decision.ALLOW, complete
    assert findings_only.to_json() == complete.to_json()


def test_inert_statements_are_left_out(guard: Guard) -> None:
    """Not a vacuous comparison: a script of readers reads to (almost) nothing."""
    text = "".join(f'echo "line {n}" >&2\n[ -f /etc/x{n} ] || grep -q a /etc/y{n} 2>/dev/null\n' for n in range(50))
    text += f"rm -rf {LIVE}/dist\n"
    backend = TreeSitterBackend()
    assert len(backend.parse(text).nodes) == 101
    assert len(backend.parse(text, guard.inert).nodes) == 1
    complete, findings_only = _same(guard, text)
    assert findings_only.decision == Decision.BLOCK
    assert findings_only.to_json() == complete.to_json()


def test_inert_names_are_readers_no_rule_names_and_no_tracked_builtin(guard: Guard) -> None:
    names = guard.inert.names
    assert {"echo", "[", "grep", "true", "printf"} <= names
    assert not names & {"kill", "pkill", "fuser", "rm", "cp", "systemctl", "cd", "read", "export", "xargs", "eval"}


def test_corpus_and_heldout_give_the_same_findings(guard: Guard) -> None:
    differ = [e.cmd for e in (*CORPUS, *HELDOUT) if _differs(guard, e.cmd)]
    assert not differ, differ[:10]


def test_a_test_that_decides_a_branch_is_read(guard: Guard) -> None:
    """``[ "$x" = b ]`` is inert, but as an if's condition it decides which branch runs: left out, both branches
    were read, and the findings-only reading refused what the whole one allowed (savelog, git-mergetool)."""
    text = f'x=a\nif [ "$x" = b ]; then\n  rm -rf {LIVE}/dist\nelif test "$x" = c; then\n  rm -rf {LIVE}\nfi\n'
    complete, findings_only = _same(guard, text)
    assert complete.decision.label == "allow", complete.findings
    assert complete.to_json() == findings_only.to_json()


def test_machine_scripts_give_the_same_findings(guard: Guard) -> None:
    scripts = machine_scripts()
    assert len(scripts) >= 20
    differ = []
    for path in scripts:
        text = Path(path).read_text(encoding="utf-8", errors="surrogateescape")
        if _differs(guard, text):
            differ.append(path)
    assert not differ, differ[:10]


def _differs(guard: Guard, text: str) -> bool:
    complete, findings_only = _same(guard, text)
    return complete.to_json() != findings_only.to_json()


@pytest.mark.parametrize(
    "match",
    [Match(options=("-n",)), Match(commands=("echo",)), Match(commands=("echo",), options=("-n",))],
)
def test_a_reader_is_judged_where_a_rule_may_hold_on_it(guard: Guard, match: Match) -> None:
    """The matcher passes over a known reader no rule names (echo, grep, local: 46% of the benchmark's
    commands) without working out its effects, while no rule of no command matches on more than writes (round 22);
    a rule that names it, or that matches any command on an option, still holds on it, by every reading."""
    line = "echo -n hi"
    assert guard.check(line, FINDINGS_ONLY).findings == ()
    rule = dataclasses.replace(guard.policy.rules[0], id="reader-rule", match=match)
    widened = Guard(dataclasses.replace(guard.policy, rules=(*guard.policy.rules, rule)))
    for context in (COMPLETE, FINDINGS_ONLY, Context(door="check")):
        assert [f.rule for f in widened.check(line, context).findings] == ["reader-rule"], context


def test_whole_text_patterns_are_tried_where_their_words_are() -> None:
    """InertStatements tries its whole-text patterns (alias, hash -p, a PATH or bin directory written, read/mapfile)
    only where the word each match starts with is, for speed: that gives what a search of the whole text gives,
    word boundaries included (the character before is looked at, a Unicode letter counts as a word character)."""
    import random

    from tenmon_guard.backends import inert

    cases = [
        (inert._READS_VALUES, inert._READS_VALUES_STARTS),
        (inert._ALIAS, ("alias",)),
        (inert._HASH_BINDING, ("hash",)),
        (inert._MAKES_ANY_PROGRAM, inert._MAKES_ANY_PROGRAM_STARTS),
        (inert._JOB_SPEC, ("kill",)),
    ]
    words = ["read", "mapfile", "readarray", "alias", "hash", "PATH", "bin", "bin/", "=", "+", "-p", " ", "\t", "\n"]
    words += ["kill", "%"]
    words += ["_", "x", "\u00e9", "$", "`", '"', "'", ";", "|", ")", "-", "p", "9", "/", "\u00a0"]
    rng = random.Random(23)
    found = 0
    for _ in range(20000):
        text = "".join(rng.choice(words) for _ in range(rng.randint(0, 10)))
        for pattern, starts in cases:
            expected = pattern.search(text) is not None
            assert inert._found_at(pattern, text, starts) == expected, (pattern.pattern, text)
            found += expected
    assert found > 1000  # (the texts match often enough for the test to say something)


def test_a_job_left_out_would_leave_an_earlier_one_named(guard: Guard) -> None:
    """``$!`` names the last job started: a reader started in the background after the API is that job (the kill
    is allowed), and leaving it out would make ``$!`` the API's."""
    text = "node dist/index.js &\nsleep 30 &\nkill -9 $!\n"
    complete, findings_only = _same(guard, text)
    assert complete.decision == Decision.ALLOW
    assert findings_only.to_json() == complete.to_json()
    assert guard.check(text.replace("sleep 30 &\n", ""), FINDINGS_ONLY).decision == Decision.BLOCK
