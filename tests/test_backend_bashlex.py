"""The bashlex backend: the IR shape of every construct it reads, exact spans, and "not read" for everything else.

Shapes are written with the words as they appear in the text (``text[span]``), so a wrong offset shows up as a
wrong word. Every successful parse is also checked for the span invariants the model builder relies on.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenmon_guard.backends.bashlex_backend import MAX_NESTING, BashlexBackend
from tenmon_guard.model import Span
from tenmon_guard.syntax import (
    CommandList,
    Compound,
    Node,
    ParsedScript,
    Pipeline,
    RedirectSyntax,
    SimpleCommand,
    SubstitutionSyntax,
    WordSyntax,
)

BACKEND = BashlexBackend()


# -- rendering the IR with the text it points at --------------------------------------------------------------------


def _at(text: str, span: Span) -> str:
    return text[span.start : span.end]


def _word(text: str, word: WordSyntax) -> Any:
    written = _at(text, word.span)
    if not word.substitutions:
        return written
    return (written, [_sub(text, s) for s in word.substitutions])


def _sub(text: str, sub: SubstitutionSyntax) -> Any:
    return (sub.kind, _at(text, sub.span), [_shape(text, n) for n in sub.body])


def _redirect(text: str, red: RedirectSyntax) -> Any:
    target = _word(text, red.target) if red.target is not None else None
    if red.heredoc is not None:
        return (red.fd, red.op, target, _at(text, red.heredoc), red.heredoc_quoted)
    return (red.fd, red.op, target)


def _shape(text: str, node: Node) -> Any:
    if isinstance(node, SimpleCommand):
        out: tuple[Any, ...] = ("cmd", [_word(text, w) for w in node.words])
        if node.assignments:
            out += ({"assign": [_word(text, w) for w in node.assignments]},)
        if node.redirects:
            out += ([_redirect(text, r) for r in node.redirects],)
        return out
    if isinstance(node, Pipeline):
        return ("!pipe" if node.negated else "pipe", [_shape(text, s) for s in node.stages])
    if isinstance(node, CommandList):
        return ("list", [_shape(text, i) for i in node.items], list(node.operators))
    assert isinstance(node, Compound)
    out = (node.kind, [_shape(text, n) for n in node.body])
    if node.name is not None:
        out += ({"name": node.name},)
    if node.words:
        out += ({"words": [_word(text, w) for w in node.words]},)
    if node.redirects:
        out += ([_redirect(text, r) for r in node.redirects],)
    return out


def _check_spans(text: str, node: Node, outer: Span) -> None:
    """Every node lies inside its parent; every word is non-empty and unpadded; substitutions lie in their word."""
    assert outer.start <= node.span.start <= node.span.end <= outer.end, (node, outer)
    words: list[WordSyntax] = []
    children: list[Node] = []
    if isinstance(node, SimpleCommand):
        words = [*node.assignments, *node.words]
        words += [r.target for r in node.redirects if r.target is not None]
        for earlier, later in itertools.pairwise(words):
            if later in node.words or later in node.assignments:
                assert earlier.span.end <= later.span.start
    elif isinstance(node, Pipeline):
        children = list(node.stages)
    elif isinstance(node, CommandList):
        children = list(node.items)
        assert len(node.operators) in (len(node.items) - 1, len(node.items))
    else:
        words = list(node.words)
        children = list(node.body)
    for word in words:
        written = _at(text, word.span)
        assert written and written[0] not in " \t\n", written
        assert written[-1] not in " \t\n" or written[-2:-1] == "\\", written
        for sub in word.substitutions:
            assert word.span.start <= sub.span.start < sub.span.end <= word.span.end
            for inner in sub.body:
                _check_spans(text, inner, sub.span)
    for child in children:
        _check_spans(text, child, node.span)


def read(text: str) -> list[Any]:
    """The shapes of a text bashlex must read whole."""
    parsed = BACKEND.parse(text)
    assert parsed.unread == [], parsed.unread
    for node in parsed.nodes:
        _check_spans(text, node, Span(0, len(text)))
    return [_shape(text, n) for n in parsed.nodes]


def unread(text: str) -> tuple[int, str]:
    """Where and why a text is not read; the region always runs to the end and nothing is half-read."""
    parsed = BACKEND.parse(text)
    assert parsed.nodes == []
    assert len(parsed.unread) == 1
    region = parsed.unread[0]
    assert region.span.end == len(text)
    assert 0 <= region.span.start < len(text)
    assert region.reason.startswith("bashlex: ")
    assert "\n" not in region.reason and "Traceback" not in region.reason
    return region.span.start, region.reason


# -- what it reads ----------------------------------------------------------------------------------------------------

READ_CASES: list[tuple[str, list[Any]]] = [
    # simple commands, assignments
    ("ls -la /tmp", [("cmd", ["ls", "-la", "/tmp"])]),
    ("A=1 B+=2 rm -rf x", [("cmd", ["rm", "-rf", "x"], {"assign": ["A=1", "B+=2"]})]),
    ("A=1 >f B=2 cmd C=3", [("cmd", ["cmd", "C=3"], {"assign": ["A=1", "B=2"]}, [(None, ">", "f")])]),
    ("x=1", [("cmd", [], {"assign": ["x=1"]})]),
    ("a[1]=x cmd", [("cmd", ["cmd"], {"assign": ["a[1]=x"]})]),
    ('"A"=1 cmd', [("cmd", ['"A"=1', "cmd"])]),
    ("echo a=b", [("cmd", ["echo", "a=b"])]),
    # quoting as written
    ("'r'\"m\" -rf x", [("cmd", ["'r'\"m\"", "-rf", "x"])]),
    ("$'\\x72\\x6d' -rf x", [("cmd", ["$'\\x72\\x6d'", "-rf", "x"])]),
    ("echo $'it\\'s' b", [("cmd", ["echo", "$'it\\'s'", "b"])]),
    ("echo \\; \\& \"|\" 'a b'", [("cmd", ["echo", "\\;", "\\&", '"|"', "'a b'"])]),
    ("r\\m -rf x", [("cmd", ["r\\m", "-rf", "x"])]),
    ("echo {a,b}c *.txt ~/x", [("cmd", ["echo", "{a,b}c", "*.txt", "~/x"])]),
    # line continuations
    ("rm \\\n-rf x", [("cmd", ["rm", "-rf", "x"])]),
    ("r\\\nm -rf x", [("cmd", ["r\\\nm", "-rf", "x"])]),
    ("echo a \\\n  b c\\\n  d", [("cmd", ["echo", "a", "b", "c", "d"])]),
    ("{ a; } \\\n", [("group", [("cmd", ["a"])])]),
    ("echo a\\\\\n", [("cmd", ["echo", "a\\\\"])]),
    # comments and blank lines
    ("echo a # rm -rf /\n# only\n\necho b", [("cmd", ["echo", "a"]), ("cmd", ["echo", "b"])]),
    ("echo a;#rm -rf x", [("cmd", ["echo", "a"])]),
    ("echo a &#x\necho b", [("list", [("cmd", ["echo", "a"])], ["&"]), ("cmd", ["echo", "b"])]),
    ("echo a\\#b c#d", [("cmd", ["echo", "a\\#b", "c#d"])]),
    # pipelines and lists
    ("a | b |& c", [("pipe", [("cmd", ["a"]), ("cmd", ["b"]), ("cmd", ["c"])])]),
    ("! a | b", [("!pipe", [("cmd", ["a"]), ("cmd", ["b"])])]),
    ("! a", [("!pipe", [("cmd", ["a"])])]),
    (
        "a && b || c; d &",
        [("list", [("cmd", ["a"]), ("cmd", ["b"]), ("cmd", ["c"]), ("cmd", ["d"])], ["&&", "||", ";", "&"])],
    ),
    ("a;", [("cmd", ["a"])]),
    ("a &", [("list", [("cmd", ["a"])], ["&"])]),
    ("a &&\n b", [("list", [("cmd", ["a"]), ("cmd", ["b"])], ["&&"])]),
    ("a |\n b", [("pipe", [("cmd", ["a"]), ("cmd", ["b"])])]),
    ("a\nb; c\n\nd", [("cmd", ["a"]), ("list", [("cmd", ["b"]), ("cmd", ["c"])], [";"]), ("cmd", ["d"])]),
    ("a || ! b", [("list", [("cmd", ["a"]), ("!pipe", [("cmd", ["b"])])], ["||"])]),
    # compounds
    ("(cd /x && rm y)", [("subshell", [("list", [("cmd", ["cd", "/x"]), ("cmd", ["rm", "y"])], ["&&"])])]),
    ("( (a) )", [("subshell", [("subshell", [("cmd", ["a"])])])]),
    (
        "(a; b) 2>/dev/null",
        [("subshell", [("list", [("cmd", ["a"]), ("cmd", ["b"])], [";"])], [(2, ">", "/dev/null")])],
    ),
    ("{ a; b; } > out", [("group", [("list", [("cmd", ["a"]), ("cmd", ["b"])], [";"])], [(None, ">", "out")])]),
    (
        "if a; then b; elif c; then d; else e; fi",
        [("if", [("cmd", ["a"]), ("cmd", ["b"]), ("cmd", ["c"]), ("cmd", ["d"]), ("cmd", ["e"])])],
    ),
    ("if ! a | b\nthen c\nfi", [("if", [("!pipe", [("cmd", ["a"]), ("cmd", ["b"])]), ("cmd", ["c"])])]),
    ("while a; do b; done > f", [("while", [("cmd", ["a"]), ("cmd", ["b"])], [(None, ">", "f")])]),
    ("until a; do b; c; done", [("until", [("cmd", ["a"]), ("list", [("cmd", ["b"]), ("cmd", ["c"])], [";"])])]),
    (
        'for i in 1 "2" $(seq 3); do rm $i; done',
        [
            (
                "for",
                [("cmd", ["rm", "$i"])],
                {"name": "i"},
                {"words": ["1", '"2"', ("$(seq 3)", [("command", "$(seq 3)", [("cmd", ["seq", "3"])])])]},
            )
        ],
    ),
    ("for f in a b\ndo\n  rm $f\ndone", [("for", [("cmd", ["rm", "$f"])], {"name": "f"}, {"words": ["a", "b"]})]),
    ("for i; do b; done", [("for", [("cmd", ["b"])], {"name": "i"})]),
    ("f() { a; b; }", [("function", [("group", [("list", [("cmd", ["a"]), ("cmd", ["b"])], [";"])])], {"name": "f"})]),
    ("function g { a; }", [("function", [("group", [("cmd", ["a"])])], {"name": "g"})]),
    ("function h() ( a )", [("function", [("subshell", [("cmd", ["a"])])], {"name": "h"})]),
    ("f() { a; } 2>&1", [("function", [("group", [("cmd", ["a"])], [(2, ">&", "1")])], {"name": "f"})]),
    # substitutions
    (
        "kill -9 $(pgrep -f 'node dist/index.js')",
        [
            (
                "cmd",
                [
                    "kill",
                    "-9",
                    (
                        "$(pgrep -f 'node dist/index.js')",
                        [
                            (
                                "command",
                                "$(pgrep -f 'node dist/index.js')",
                                [("cmd", ["pgrep", "-f", "'node dist/index.js'"])],
                            )
                        ],
                    ),
                ],
            )
        ],
    ),
    ("echo `id -u`", [("cmd", ["echo", ("`id -u`", [("command", "`id -u`", [("cmd", ["id", "-u"])])])])]),
    (
        "echo $(echo $(id))",
        [
            (
                "cmd",
                [
                    "echo",
                    (
                        "$(echo $(id))",
                        [
                            (
                                "command",
                                "$(echo $(id))",
                                [("cmd", ["echo", ("$(id)", [("command", "$(id)", [("cmd", ["id"])])])])],
                            )
                        ],
                    ),
                ],
            )
        ],
    ),
    (
        "echo `echo \\`id\\``",
        [
            (
                "cmd",
                [
                    "echo",
                    (
                        "`echo \\`id\\``",
                        # escapes inside backquotes: left to the builder, which unescapes and reads the text
                        [("backquote", "`echo \\`id\\``", [])],
                    ),
                ],
            )
        ],
    ),
    (
        'x"$(a)"y`b`',
        [
            (
                "cmd",
                [
                    (
                        'x"$(a)"y`b`',
                        [("command", "$(a)", [("cmd", ["a"])]), ("command", "`b`", [("cmd", ["b"])])],
                    )
                ],
            )
        ],
    ),
    ("echo 'a'$(id)'b'", [("cmd", ["echo", ("'a'$(id)'b'", [("command", "$(id)", [("cmd", ["id"])])])])]),
    ("echo ${x:-$(id)}", [("cmd", ["echo", ("${x:-$(id)}", [("command", "$(id)", [("cmd", ["id"])])])])]),
    ('echo "${x:-"$(id)"}"', [("cmd", ["echo", ('"${x:-"$(id)"}"', [("command", "$(id)", [("cmd", ["id"])])])])]),
    ("echo '$(id)' \"\\$(id)\" \\$x", [("cmd", ["echo", "'$(id)'", '"\\$(id)"', "\\$x"])]),
    ("echo $'\\x72$(id)'", [("cmd", ["echo", "$'\\x72$(id)'"])]),
    (
        'echo "$(echo ")")"',
        [("cmd", ["echo", ('"$(echo ")")"', [("command", '$(echo ")")', [("cmd", ["echo", '")"'])])])])],
    ),
    ('echo x"it\'s $(id)"', [("cmd", ["echo", ('x"it\'s $(id)"', [("command", "$(id)", [("cmd", ["id"])])])])]),
    (
        "echo $(a # ) comment\n)",
        [("cmd", ["echo", ("$(a # ) comment\n)", [("command", "$(a # ) comment\n)", [("cmd", ["a"])])])])],
    ),
    ("echo $()", [("cmd", ["echo", ("$()", [("command", "$()", [])])])]),
    (
        "diff <(ls a) >(cat)",
        [
            (
                "cmd",
                [
                    "diff",
                    ("<(ls a)", [("process_in", "<(ls a)", [("cmd", ["ls", "a"])])]),
                    (">(cat)", [("process_out", ">(cat)", [("cmd", ["cat"])])]),
                ],
            )
        ],
    ),
    ("cat < <(ls)", [("cmd", ["cat"], [(None, "<", ("<(ls)", [("process_in", "<(ls)", [("cmd", ["ls"])])]))])]),
    (
        "x=$(rm -rf y) cmd",
        [
            (
                "cmd",
                ["cmd"],
                {"assign": [("x=$(rm -rf y)", [("command", "$(rm -rf y)", [("cmd", ["rm", "-rf", "y"])])])]},
            )
        ],
    ),
    (
        'a=1 b="$(c | d)"',
        [
            (
                "cmd",
                [],
                {
                    "assign": [
                        "a=1",
                        ('b="$(c | d)"', [("command", "$(c | d)", [("pipe", [("cmd", ["c"]), ("cmd", ["d"])])])]),
                    ]
                },
            )
        ],
    ),
    # redirects, every operator, with and without fd
    (
        "cmd >a >>b >|c &>d &>>e <f <>g 2>h 10>>i",
        [
            (
                "cmd",
                ["cmd"],
                [
                    (None, ">", "a"),
                    (None, ">>", "b"),
                    (None, ">|", "c"),
                    (None, "&>", "d"),
                    (None, "&>>", "e"),
                    (None, "<", "f"),
                    (None, "<>", "g"),
                    (2, ">", "h"),
                    (10, ">>", "i"),
                ],
            )
        ],
    ),
    (
        "cmd 2>&1 >&2 1>&- 3<&0 <&- >& 2 2>&1- >&$fd",
        [
            (
                "cmd",
                ["cmd"],
                [
                    (2, ">&", "1"),
                    (None, ">&", "2"),
                    (1, ">&", "-"),
                    (3, "<&", "0"),
                    (None, "<&", "-"),
                    (None, ">&", "2"),
                    (2, ">&", "1-"),
                    (None, ">&", "$fd"),
                ],
            )
        ],
    ),
    ("echo hi>out", [("cmd", ["echo", "hi"], [(None, ">", "out")])]),
    ("cmd >f<g", [("cmd", ["cmd"], [(None, ">", "f"), (None, "<", "g")])]),
    (">f", [("cmd", [], [(None, ">", "f")])]),
    ("echo > /opt/x 2> '/y z'", [("cmd", ["echo"], [(None, ">", "/opt/x"), (2, ">", "'/y z'")])]),
    ("cat <<< 'rm -rf x'", [("cmd", ["cat"], [(None, "<<<", "'rm -rf x'")])]),
    ("bash 0<<<$(id)", [("cmd", ["bash"], [(0, "<<<", ("$(id)", [("command", "$(id)", [("cmd", ["id"])])]))])]),
    # heredocs
    (
        "cat <<EOF\nhello $x\nEOF\necho after",
        [("cmd", ["cat"], [(None, "<<", "EOF", "hello $x\n", False)]), ("cmd", ["echo", "after"])],
    ),
    ("cat <<'EOF'\n$(rm -rf /)\nEOF", [("cmd", ["cat"], [(None, "<<", "'EOF'", "$(rm -rf /)\n", True)])]),
    ('cat <<"EOF"\nx\nEOF\n', [("cmd", ["cat"], [(None, "<<", '"EOF"', "x\n", True)])]),
    ("cat <<\\EOF\nx\nEOF\n", [("cmd", ["cat"], [(None, "<<", "\\EOF", "x\n", True)])]),
    ('cat <<E"O"F\nx\nEOF\n', [("cmd", ["cat"], [(None, "<<", 'E"O"F', "x\n", True)])]),
    ("cat <<EOF\nEOF", [("cmd", ["cat"], [(None, "<<", "EOF", "", False)])]),
    (
        "cat <<-EOF\n\tx\n\t\ty\n\tEOF\nz",
        [("cmd", ["cat"], [(None, "<<-", "EOF", "\tx\n\t\ty\n", False)]), ("cmd", ["z"])],
    ),
    ("cat << EOF\nx\n EOF\nEOF\n", [("cmd", ["cat"], [(None, "<<", "EOF", "x\n EOF\n", False)])]),
    (
        "cat <<A <<-'B' 3<<C\na\nA\n\tb\n\tB\nc\nC\necho done",
        [
            (
                "cmd",
                ["cat"],
                [(None, "<<", "A", "a\n", False), (None, "<<-", "'B'", "\tb\n", True), (3, "<<", "C", "c\n", False)],
            ),
            ("cmd", ["echo", "done"]),
        ],
    ),
    (
        "cat <<A && cat <<B | sh\na\nA\nb\nB",
        [
            (
                "list",
                [
                    ("cmd", ["cat"], [(None, "<<", "A", "a\n", False)]),
                    ("pipe", [("cmd", ["cat"], [(None, "<<", "B", "b\n", False)]), ("cmd", ["sh"])]),
                ],
                ["&&"],
            )
        ],
    ),
    # heredocs inside compounds: bashlex on its own reads the first body line as a command here
    (
        "f()\n{\n  cat <<END\nx <p>\nEND\n}\n",
        [("function", [("group", [("cmd", ["cat"], [(None, "<<", "END", "x <p>\n", False)])])], {"name": "f"})],
    ),
    (
        "{ cat <<END\n: <<'X'\nEND\nrm -rf /live\nX\n}",
        [
            (
                "group",
                [
                    (
                        "list",
                        [
                            ("cmd", ["cat"], [(None, "<<", "END", ": <<'X'\n", False)]),
                            ("cmd", ["rm", "-rf", "/live"]),
                            ("cmd", ["X"]),
                        ],
                        [";", ";"],
                    )
                ],
            )
        ],
    ),
    (
        "while read x; do cat <<EOF\n$x\nEOF\ndone",
        [("while", [("cmd", ["read", "x"]), ("cmd", ["cat"], [(None, "<<", "EOF", "$x\n", False)])])],
    ),
    (
        "x=$(cat <<EOF\nhi )\nEOF\n)\necho",
        [
            (
                "cmd",
                [],
                {
                    "assign": [
                        (
                            "x=$(cat <<EOF\nhi )\nEOF\n)",
                            [
                                (
                                    "command",
                                    "$(cat <<EOF\nhi )\nEOF\n)",
                                    [("cmd", ["cat"], [(None, "<<", "EOF", "hi )\n", False)])],
                                )
                            ],
                        )
                    ]
                },
            ),
            ("cmd", ["echo"]),
        ],
    ),
    # odd but valid
    ("echo a\r\necho b", [("cmd", ["echo", "a\r"]), ("cmd", ["echo", "b"])]),
    ("echo a\x00b", [("cmd", ["echo", "a\x00b"])]),
]


@pytest.mark.parametrize(("text", "expected"), READ_CASES, ids=[c[0][:40] for c in READ_CASES])
def test_reads(text: str, expected: list[Any]) -> None:
    assert read(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "# only a comment", "# a\n\n   # b\n", "\\\n"])
def test_nothing_to_read(text: str) -> None:
    assert BACKEND.parse(text) == ParsedScript(nodes=[], unread=[])


def test_spans_of_nodes() -> None:
    text = "A=1 rm -rf x 2>&1 | tee log && (cd /y; ls) &"
    [top] = BACKEND.parse(text).nodes
    assert isinstance(top, CommandList)
    assert _at(text, top.span) == text
    pipeline, subshell = top.items
    assert _at(text, pipeline.span) == "A=1 rm -rf x 2>&1 | tee log"
    assert isinstance(pipeline, Pipeline)
    first = pipeline.stages[0]
    assert isinstance(first, SimpleCommand)
    assert _at(text, first.span) == "A=1 rm -rf x 2>&1"
    assert _at(text, first.redirects[0].span) == "2>&1"
    assert _at(text, subshell.span) == "(cd /y; ls)"


def test_heredoc_spans() -> None:
    text = "cat <<EOF >out\nbody\nEOF\n"
    [command] = BACKEND.parse(text).nodes
    assert isinstance(command, SimpleCommand)
    assert _at(text, command.span) == "cat <<EOF >out"
    heredoc = command.redirects[0]
    assert _at(text, heredoc.span) == "<<EOF"
    assert heredoc.heredoc == Span(15, 20)


def test_backticks_with_escapes_are_left_to_the_builder() -> None:
    """Word values inside backquotes come from the unescaped text (``\\$HOME`` is ``$HOME`` there, which expands),
    so the body is not read here: the builder removes the escapes and reads it, as with the tree-sitter backend."""
    text = 'echo "`echo \\"a\\" \\$HOME`"'
    [command] = BACKEND.parse(text).nodes
    assert isinstance(command, SimpleCommand)
    [sub] = command.words[1].substitutions
    assert (sub.kind, sub.body, _at(text, sub.span)) == ("backquote", (), '`echo \\"a\\" \\$HOME`')


# -- what it does not read --------------------------------------------------------------------------------------------

UNREAD_CASES: list[tuple[str, int, str]] = [
    ('echo "abc', 0, "unexpected end of input"),
    ("echo 'abc", 0, "unexpected end of input"),
    ('echo a\necho "abc\necho d', 7, "unexpected end of input"),
    ("echo $(ls", 0, "unexpected end of input"),
    ("echo )", 5, "unexpected token ')'"),
    ("ls\necho )", 8, "unexpected token ')'"),
    ("a && ", 0, "unexpected end of input"),
    ("cat <<EOF\nno end", 0, "here-document"),
    ("case x in a) b;; esac", 0, "cannot read case command"),
    ("ls; case $1 in *) rm x;; esac", 0, "cannot read case command"),
    ("echo $((1+2))", 5, "arithmetic"),
    ('echo "$((1+2))"', 5, "arithmetic"),
    ("echo $[1+2]", 5, "arithmetic"),
    ("((i++))", 0, "(( ))"),
    ("[[ -f x ]] && rm x", 3, "unexpected token"),
    ("x=1 [[ a", 4, "[["),
    ("time ls", 0, "time"),
    ("coproc ls", 0, "coproc"),
    ("select x in a; do b; done", 0, "select"),
    ("for ((i=0; i<3; i++)); do b; done", 4, "unexpected token '('"),
    ("a=(1 2)", 2, "unexpected token '('"),
    ("exec {fd}>/tmp/x", 5, "named file descriptors"),
    ("echo $(case x in a) b;; esac)", 5, ""),
    ("echo $(a;;)", 8, "unexpected token ';;'"),
    ("echo a$\\\n(id)", 5, ""),
    ('cat <<A; echo "x\ny"\nb\nA', 7, "heredoc body"),
    ("echo `ls", 0, "unexpected end of input"),
    ("while a\ndo b\ndone", 0, ""),
]


@pytest.mark.parametrize(("text", "position", "reason"), UNREAD_CASES, ids=[c[0][:40] for c in UNREAD_CASES])
def test_not_read(text: str, position: int, reason: str) -> None:
    start, why = unread(text)
    assert start == position
    assert reason in why


@pytest.mark.parametrize(
    "text",
    [
        "(" * 10_000 + "a" + ")" * 10_000,
        "echo " + "$(" * 10_000 + "a" + ")" * 10_000,
        "echo " + "${x:-" * 10_000 + "}" * 10_000,
    ],
)
def test_absurd_nesting_is_refused_quickly(text: str) -> None:
    """Refused where the nesting passes the limit, near the start: the rest is never read (how long that takes
    is the benchmarks' to measure, not a timed assertion on a shared machine)."""
    start, reason = unread(text)
    assert "nesting" in reason
    assert start <= MAX_NESTING * 6 + 5


def test_nesting_within_the_limit_is_read() -> None:
    depth = MAX_NESTING - 5
    text = "echo " + "$(echo " * depth + "x" + ")" * depth
    [command] = read(text)
    assert command[0] == "cmd"


def test_too_long_text_is_left_to_the_other_parser() -> None:
    backend = BashlexBackend(max_chars=100)
    parsed = backend.parse("echo " + "a " * 100)
    assert parsed.nodes == [] and "too long" in parsed.unread[0].reason


def test_recursion_error_is_caught() -> None:
    """Even with almost no stack left, parse answers instead of raising."""

    def near_the_limit(depth: int) -> ParsedScript:
        if depth > 0:
            return near_the_limit(depth - 1)
        return BACKEND.parse("echo " + "$(echo " * 40 + "x" + ")" * 40)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(400)
    try:
        parsed = near_the_limit(300)
    finally:
        sys.setrecursionlimit(limit)
    assert parsed.nodes or "nesting" in parsed.unread[0].reason


# -- robustness ---------------------------------------------------------------------------------------------------

_PIECES = [
    "echo",
    "rm",
    "-rf",
    " ",
    " ",
    "\n",
    ";",
    "&&",
    "||",
    "|",
    "&",
    "(",
    ")",
    "{",
    "}",
    "$(",
    "`",
    "'",
    '"',
    "\\",
    "<",
    ">",
    ">>",
    "2>&1",
    "<<",
    "<<-",
    "<<<",
    "EOF",
    "'EOF'",
    "\t",
    "#",
    "$",
    "${",
    "x=",
    "if",
    "then",
    "fi",
    "for",
    "in",
    "do",
    "done",
    "while",
    "case",
    "esac",
    "))",
    "((",
    "$((",
    "[[",
    "]]",
    "!",
    "a",
    "/opt/x",
    "\x00",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_never_raises_and_spans_hold(pieces: list[str]) -> None:
    text = "".join(pieces)
    parsed = BACKEND.parse(text)
    if parsed.unread:
        assert parsed.nodes == []
        [region] = parsed.unread
        assert 0 <= region.span.start < region.span.end == len(text)
        assert "\n" not in region.reason
    for node in parsed.nodes:
        _check_spans(text, node, Span(0, len(text)))


def test_import_writes_no_file(tmp_path: Path) -> None:
    """bashlex ships parsetab.py and a PLY that could regenerate tables: importing and parsing must write nothing,
    neither in the package nor in the working directory."""
    import bashlex

    package = Path(bashlex.__file__).parent

    def snapshot() -> dict[str, tuple[int, int]]:
        return {str(p): (p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(package.rglob("*"))}

    before = snapshot()
    script = (
        "from tenmon_guard.backends.bashlex_backend import BashlexBackend\n"
        "r = BashlexBackend().parse(\"cat <<'E'\\nx\\nE\\necho $(id)\")\n"
        "assert r.nodes and not r.unread\n"
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, check=True, timeout=60)
    assert snapshot() == before
    assert list(tmp_path.iterdir()) == []
