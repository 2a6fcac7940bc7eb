"""``read`` splits a line at an IFS of one character that is no blank (``IFS=, read -r a b``) as bash 5 does: each
line below is read into one, two and three names and an array by a real bash, and the values the model gives the
names must be the ones bash printed, every one of them known (they were not known: ``IFS=, read -r a b <<<
"pkill,node"; $a $b`` was a command name and arguments not known, which the policy lets run)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tenmon_guard.builder import Builder
from tenmon_guard.engine import parse_tree_sitter_first
from tenmon_guard.model import ShellAtStart

BASH = shutil.which("bash") or "bash"  # no skip: without bash the run fails, and says why
LINES = ["x,y", "x,y,z", "x,y,z,", "x,,y", ",x,y", "x,y,", "x", "", "x,", ",", ",,", ",,x,", "x,y,,"]
NAMES = ["a", "a b", "a b c", "-a arr"]


@pytest.mark.parametrize("names", NAMES)
@pytest.mark.parametrize("line", LINES)
def test_read_splits_at_one_delimiter_as_bash(line: str, names: str) -> None:
    read = f"IFS=, read -r {names} <<< '{line}'; "
    shown = ['"${arr[@]}"'] if names.startswith("-a") else [f'"${n}"' for n in names.split()]
    done = subprocess.run([BASH, "-c", read + "printf '<%s>' " + " ".join(shown)], capture_output=True, text=True)
    text = read + "echo " + " ".join(shown)
    model = Builder(parse_tree_sitter_first).build(text, parse_tree_sitter_first(text), ("test",), ShellAtStart())
    values = [w.value for w in model.invocations[-1].args]
    assert None not in values, (text, values)
    printed = "".join(f"<{v}>" for v in values) or "<>"  # (printf prints its format once with no argument)
    assert printed == done.stdout, (text, values, done.stdout)


def test_a_command_read_at_a_delimiter_is_judged() -> None:
    from judged import lint_decisions, policy_guard

    from tenmon_guard.verdict import Decision

    assert lint_decisions(policy_guard(), 'IFS=, read -r a b <<< "pkill,node"; $a $b') == {Decision.BLOCK}
    assert lint_decisions(policy_guard(), 'IFS=, read -r a b <<< "pkill,ssh"; $a $b') == {Decision.ALLOW}
