"""An ``echo`` whose escapes the shell decodes writes other text than its words: what a shell then runs is that text.

bash's echo decodes escapes only with ``-e``, or under ``shopt -s xpg_echo`` (which an admin may set in .bashrc:
the hooks send it); dash's (Debian's ``sh``) always decodes ``\\0NNN``, ``\\n`` and the other letters, takes no
option but ``-n``, and leaves ``\\x41`` as it is; zsh's decodes unless ``-E``. Each line is run first in the real
shell with a logging stand-in for ``pkill`` first in PATH, to show what runs; then judged.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from test_hook_bash import require_program

from tenmon_guard.engine import Context, Guard
from tenmon_guard.policy import load_policy

POLICY = Path(__file__).resolve().parent.parent / "policies" / "tenmon-ark.yaml"

# (shell, line, does the stand-in pkill run with the argument node)
LINES = [
    ("dash", r"echo 'pk\0151ll node' | sh", True),
    ("dash", r"echo 'pkill\0040node' | sh", True),
    ("dash", r"echo 'pkill\tnode' | sh", True),
    ("dash", r"echo -n 'pkill node' | sh", True),
    ("dash", r"echo 'true\x0a\x23 ; pkill node' | sh", True),  # (dash leaves \x: no newline, no comment)
    ("dash", r"echo 'pk\x69ll node' | sh", False),  # (pkx69ll: no such command)
    ("dash", r"echo -e 'pkill node' | sh", False),  # (dash prints -e: a command named -e)
    ("dash", r"echo 'ls\0040-l' | sh", False),
    ("bash", r"shopt -s xpg_echo; echo 'pk\x69ll node' | bash", True),
    ("bash", r"shopt -s xpg_echo; echo -E 'pk\x69ll node' | bash", False),
    ("bash", r"echo 'pk\x69ll node' | bash", False),
    ("bash", r"""sh -c "echo 'pk\\0151ll node' | sh" """, True),
    ("bash", r"""sh -c "echo 'pk\\0151ll node' | bash" """, True),
    ("bash", r"""bash -c "echo 'pk\\0151ll node' | sh" """, False),  # (bash's echo: no -e)
]


def _runs(tmp_path: Path, shell: str, line: str) -> bool:
    program = require_program(shell)
    require_program("dash")
    bin_dir, log = tmp_path / "bin", tmp_path / "argv.log"
    bin_dir.mkdir()
    (bin_dir / "pkill").write_text(f'#!/bin/sh\nprintf "%s\\n" "pkill $*" >> {log}\n')
    (bin_dir / "pkill").chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "LC_ALL": "C", "HOME": str(tmp_path)}
    args = [program, "--norc", "--noprofile", "-c", line] if shell == "bash" else [program, "-c", line]
    subprocess.run(args, env=env, cwd=tmp_path, capture_output=True, timeout=30, check=False)
    return log.exists() and "pkill node\n" in log.read_text()


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard(load_policy([str(POLICY)], {}))


@pytest.mark.parametrize(("shell", "line", "runs"), LINES)
def test_what_echo_writes_is_what_runs(guard: Guard, tmp_path: Path, shell: str, line: str, runs: bool) -> None:
    assert _runs(tmp_path, shell, line) == runs, (shell, line)
    text = line if shell == "bash" else f'sh -c "{line}"'
    for door in ("hook", "agent", "sudo"):
        verdict = guard.check(text, Context(door=door, cwd=str(tmp_path)))
        if runs:
            assert verdict.decision.label == "block", (door, text, verdict.findings)
        else:
            assert all(f.rule.startswith("unknown") for f in verdict.findings), (door, text, verdict.findings)


def test_a_sh_script_is_read_as_dash_reads_it(guard: Guard, tmp_path: Path) -> None:
    """The linter tells the engine a ``#!/bin/sh`` file's shell: its echo decodes as dash's does."""
    script = "#!/bin/sh\necho 'pk\\0151ll node' | sh\n"
    verdict = guard.check(script, Context(door="lint", cwd=str(tmp_path), shell="sh", dirstack_known=True))
    assert verdict.decision.label == "block", verdict.findings
    bash = guard.check(script, Context(door="lint", cwd=str(tmp_path), shell="bash", dirstack_known=True))
    assert bash.decision.label == "allow", bash.findings


# dash makes other values than bash of what bash alone reads: x+=b is a command there (not found: x stays), $'a'
# is $ and a, {a,b} itself. (line run by dash, whether pkill node runs)
DASH_VALUES = [
    ("x=pkill; x+=x; $x node", True),
    ("x=pk; x+=ill; $x node", False),
    ("x=a; x+=b; case $x in ab) ;; *) pkill node;; esac", True),
    ("x=$'a'; case $x in a) ;; *) pkill node;; esac", True),
    ("x=$'a'; [ \"$x\" = a ] || pkill node", True),
    ('set -- {a,b}; [ "$1" = a ] || pkill node', True),
]


@pytest.mark.parametrize(("line", "runs"), DASH_VALUES)
def test_values_dash_makes_otherwise(guard: Guard, tmp_path: Path, line: str, runs: bool) -> None:
    """A ``#!/bin/sh`` script (and ``sh -c``) is read with the values dash gives: an assignment bash alone makes is
    a command; and no test or case item decides there (the values the guard computes are bash's, which selected
    the item that does not run: ``x=$'a'; case $x in a) ;; *) pkill node;; esac`` was allowed)."""
    assert _runs(tmp_path, "dash", line) == runs, line
    texts = [(f"#!/bin/sh\n{line}\n", "lint", "sh")]
    if "'" not in line:
        texts.append((f"sh -c '{line}'", "hook", "bash"))
    for text, door, shell in texts:
        verdict = guard.check(text, Context(door=door, cwd=str(tmp_path), shell=shell, dirstack_known=door == "lint"))
        assert (verdict.decision.label == "block") == runs, (text, verdict.findings)


def test_the_hook_sends_xpg_echo(guard: Guard, tmp_path: Path) -> None:
    """``shopt -s xpg_echo`` at an earlier prompt (or in .bashrc): the hooks send it with the other options."""
    from tenmon_guard.engine import shell_state

    line = r"echo 'pk\x69ll node' | bash"
    sent = Context(door="hook", cwd=str(tmp_path), **shell_state({"options": ["xpg_echo"]}))
    assert guard.check(line, sent).decision.label == "block"
    assert guard.check(line, Context(door="hook", cwd=str(tmp_path))).decision.label == "allow"
