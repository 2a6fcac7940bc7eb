"""The directory stack of a shell at a prompt holds what earlier lines pushed.

``pushd LIVE`` at one prompt and ``pushd /tmp`` at the next leave the live tree on the stack, and ``pushd && rm -rf
dist`` (the top two swapped), ``pushd +1``, ``popd`` at a third prompt remove the live dist. The guard sees one line
at a time and was allowed it: it took the stack to be the cwd alone, so each of those failed and ran nothing. At a
prompt the part of the stack below what the line pushed is not known (a doubt); a script starts a new shell, whose
stack is the cwd alone (the linter and the sudo door: the line is allowed, and bash refuses the pushd).

The hooks send the stack with each line, and where ``cd -`` goes: bash's $OLDPWD, and zsh's own record of the
directory it left (``~-``), which an assignment to OLDPWD does not change.

Each line is run first in a real bash (or zsh) with a logging stand-in for ``rm``, to show where it runs.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from test_hook_bash import require_program

from tenmon_guard.engine import Context, Guard, shell_state
from tenmon_guard.policy import load_policy

POLICY = Path(__file__).resolve().parent.parent / "policies" / "tenmon-ark.yaml"

# (line, does it reach the live tree when the stack holds LIVE below the cwd)
LINES = [
    ("pushd && rm -rf dist", True),
    ("pushd +1 && rm -rf dist", True),
    ("pushd -1 && rm -rf dist", True),
    ("popd && rm -rf dist", True),
    ("popd -0; rm -rf dist", False),
]


def _bash_runs_in(tmp_path: Path, line: str, earlier: list[str]) -> list[str]:
    """Where a real interactive-free bash runs the stand-in ``rm`` of ``line`` after the ``earlier`` lines."""
    bash = require_program("bash")
    script = 'rm() { echo "RAN $PWD"; }\n' + "".join(f"{e} >/dev/null 2>&1\n" for e in earlier) + line + "\n"
    out = subprocess.run(
        [bash, "--norc", "--noprofile", "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=30
    )
    return [ln.removeprefix("RAN ") for ln in out.stdout.splitlines() if ln.startswith("RAN ")]


@pytest.fixture()
def world(tmp_path: Path) -> tuple[Guard, Path, Path]:
    live, other = tmp_path / "live", tmp_path / "other"
    (live / "dist").mkdir(parents=True)
    other.mkdir()
    return Guard(load_policy([str(POLICY)], {"live_dir": str(live)})), live, other


@pytest.mark.parametrize(("line", "reaches"), LINES)
def test_a_stack_from_earlier_prompts_is_not_known(world: tuple[Guard, Path, Path], line: str, reaches: bool) -> None:
    guard, live, other = world
    runs = _bash_runs_in(other, line, [f"pushd {live}", f"pushd {other}"])
    assert (str(live) in runs) == reaches, runs
    for door, doubt in (("hook", "warn"), ("agent", "block")):
        verdict = guard.check(line, Context(door=door, cwd=str(other)))
        assert verdict.decision.label == doubt, (door, verdict.findings)
        assert {f.rule for f in verdict.findings} == {"unknown-target"}


@pytest.mark.parametrize(("line", "reaches"), LINES)
def test_a_new_shell_starts_with_the_cwd_alone(world: tuple[Guard, Path, Path], line: str, reaches: bool) -> None:
    guard, live, other = world
    assert str(live) not in _bash_runs_in(other, line, [])
    verdict = guard.check(line, Context(door="lint", cwd=str(other), dirstack_known=True))
    assert verdict.decision.label == "allow", verdict.findings


def test_what_the_line_pushed_is_known(world: tuple[Guard, Path, Path]) -> None:
    guard, live, other = world
    for line, decision in (
        (f"pushd {live} && pushd /tmp && pushd && rm -rf dist", "block"),  # (swapped back into the live tree)
        (f"pushd {live} && pushd /tmp && pushd +1 && rm -rf dist", "block"),
        ("pushd /tmp && popd && rm -rf dist", "allow"),  # (back where it was: other)
        ("pushd /tmp && pushd +1 && pushd +1 && rm -rf dist", "warn"),  # (the second rotation: an earlier entry)
        ("dirs -c; pushd && rm -rf dist", "allow"),  # (the stack is the cwd alone: pushd fails)
        ("pushd build; make; popd", "allow"),
    ):
        verdict = guard.check(line, Context(door="hook", cwd=str(other)))
        assert verdict.decision.label == decision, (line, verdict.findings)


@pytest.mark.parametrize(("line", "reaches"), LINES)
def test_a_stack_the_shell_sends_is_followed(world: tuple[Guard, Path, Path], line: str, reaches: bool) -> None:
    """The hooks send the stack below the cwd (bash's DIRSTACK past its first entry): each line then goes where
    bash goes, a block where it reaches the live tree, allowed where it does not; an empty stack sent is known."""
    guard, live, other = world
    assert (str(live) in _bash_runs_in(other, line, [f"pushd {live}", f"pushd {other}"])) == reaches
    for door in ("hook", "agent"):
        verdict = guard.check(line, Context(door=door, cwd=str(other), dirstack=(str(live), str(other))))
        assert verdict.decision.label == ("block" if reaches else "allow"), (door, verdict.findings)
        verdict = guard.check(line, Context(door=door, cwd=str(other), dirstack=()))
        assert verdict.decision.label == "allow", (door, verdict.findings)


def test_a_stack_sent_in_another_form_is_not_known(world: tuple[Guard, Path, Path]) -> None:
    """What a request sends that is not a list of absolute paths is left out: the stack stays not known."""
    guard, _live, other = world
    for sent in (["dist"], "/opt", [1], ["/a\0b"], ["/tmp"] * 300):
        state = shell_state({"dirstack": sent})
        assert "dirstack" not in state, sent
        verdict = guard.check("popd && rm -rf dist", Context(door="hook", cwd=str(other), **state))
        assert verdict.decision.label == "warn", (sent, verdict.findings)
    assert shell_state({"dirstack": ["/tmp", "/"]})["dirstack"] == ("/tmp", "/")


def _shell_runs_in(shell: str, cwd: Path, line: str) -> list[str]:
    """Where a real bash or zsh runs the stand-in ``rm`` of ``line``."""
    program = require_program(shell)
    args = [program, "--norc", "--noprofile", "-c"] if shell == "bash" else [program, "-f", "-c"]
    script = 'rm() { echo "RAN $PWD $*"; }\n' + line + "\n"
    out = subprocess.run([*args, script], capture_output=True, text=True, cwd=cwd, timeout=30)
    return [ln.removeprefix("RAN ") for ln in out.stdout.splitlines() if ln.startswith("RAN ")]


def test_zsh_goes_back_to_the_directory_it_left(world: tuple[Guard, Path, Path]) -> None:
    """After ``OLDPWD=X``, bash's ``cd -`` goes to X, zsh's (and its ``~-``) to the directory it left: read as
    either, a line that zsh runs in the live tree is never allowed."""
    guard, live, other = world
    line = f"cd {live}; cd {other}; OLDPWD={other}; cd - && rm -rf dist"
    assert _shell_runs_in("bash", other, line) == [f"{other} -rf dist"]
    assert _shell_runs_in("zsh", other, line) == [f"{live} -rf dist"]
    tilde = f"cd {live}; cd {other}; OLDPWD={other}; rm -rf ~-/dist"
    assert _shell_runs_in("zsh", other, tilde) == [f"{other} -rf {live}/dist"]
    for door, doubt in (("hook", "warn"), ("agent", "block")):
        for text in (line, f"zsh -c '{line}'"):
            assert guard.check(text, Context(door=door, cwd=str(other))).decision.label == "block", (door, text)
        verdict = guard.check(f"zsh -c '{tilde}'", Context(door=door, cwd=str(other)))
        assert verdict.decision.label == doubt, (door, verdict.findings)
    plain = f"cd {live}; cd {other}; cd - && rm -rf dist"  # (both shells: the live tree)
    assert guard.check(plain, Context(door="hook", cwd=str(other))).decision.label == "block"
    away = f"cd {other}; cd /; cd - && rm -rf ./build"
    assert guard.check(away, Context(door="hook", cwd=str(live))).decision.label == "allow"


def test_where_cd_dash_goes_is_sent(world: tuple[Guard, Path, Path]) -> None:
    """The hooks send $OLDPWD (and zsh's ``~-``, as ``left``): ``cd - && rm -rf dist`` at a prompt goes where they
    say; nothing sent, it is not known."""
    guard, live, other = world
    for sent, decision in (
        ({"oldpwd": str(live)}, "block"),
        ({"oldpwd": str(other)}, "allow"),
        ({"oldpwd": str(other), "left": str(live)}, "block"),  # (zsh after OLDPWD=other)
        ({"left": str(other)}, "warn"),  # ($OLDPWD not known)
        ({}, "warn"),
        ({"oldpwd": "relative"}, "warn"),
    ):
        for line in ("cd - && rm -rf dist", "rm -rf ~-/dist"):
            verdict = guard.check(line, Context(door="hook", cwd=str(other), **shell_state(sent)))
            if decision == "block" and line.startswith("rm") and "left" in sent:
                assert verdict.decision.label == "warn", (sent, line, verdict.findings)  # (bash's ~- is $OLDPWD)
                continue
            assert verdict.decision.label == decision, (sent, line, verdict.findings)


def _hook_judge(guard: Guard, shell: str, cwd: Path) -> Callable[[str], str]:
    """The decision on a line as the hook of ``shell`` judges it in ``cwd`` (zsh's readings too: cdpath, disable)."""
    from tenmon_guard.doors.serve import Checker, Request

    checker = Checker(guard, "hook", shell)
    return lambda text: checker.judge(Request(id=1, command=text, cwd=str(cwd), door="hook", audit=False)).decision


# pushd finds a relative directory as cd does: through CDPATH (zsh's cdpath too) and, under cdable_vars, a variable
PUSHD_FINDS = [
    ("bash", "CDPATH={parent}; pushd live >/dev/null && rm -rf dist"),
    ("bash", "shopt -s cdable_vars; d={live}; pushd d >/dev/null && rm -rf dist"),
    ("zsh", "cdpath=({parent}); pushd live >/dev/null && rm -rf dist"),
]


@pytest.mark.parametrize(("shell", "line"), PUSHD_FINDS)
def test_pushd_finds_a_directory_as_cd_does(world: tuple[Guard, Path, Path], shell: str, line: str) -> None:
    """Each ran rm -rf dist in the live tree (bash and zsh) and was allowed: pushd took the name from the cwd alone.
    The same line with CDPATH elsewhere stays allowed."""
    guard, live, other = world
    judged = _hook_judge(guard, shell, other)

    text = line.format(parent=live.parent, live=live)
    assert _shell_runs_in(shell, other, text) == [f"{live} -rf dist"], text
    assert judged(text) == "block", text
    assert judged(line.format(parent=other, live=other)) == "allow"


# an entry of the stack changed by assignment (bash's DIRSTACK[N], zsh's dirstack[N]): where popd then goes
STACK_ASSIGNED = [
    ("bash", "pushd {other} >/dev/null; DIRSTACK[1]={target}; popd >/dev/null && rm -rf dist"),
    ("bash", "pushd / >/dev/null; pushd {other} >/dev/null; DIRSTACK[1]={target}; pushd +1 >/dev/null && rm -rf dist"),
    ("zsh", "pushd {other} >/dev/null; dirstack[1]={target}; popd >/dev/null && rm -rf dist"),
]


@pytest.mark.parametrize(("shell", "line"), STACK_ASSIGNED)
def test_an_entry_of_the_stack_assigned_is_where_popd_goes(
    world: tuple[Guard, Path, Path], shell: str, line: str
) -> None:
    """bash lets DIRSTACK's entries be assigned (zsh: dirstack's), and popd or ``pushd +N`` then goes there: each
    removed the live dist and was allowed, the stack taken as pushd left it. The same with another directory
    stays allowed."""
    guard, live, other = world
    judged = _hook_judge(guard, shell, other)

    text = line.format(other=other, target=live)
    assert _shell_runs_in(shell, other, text) == [f"{live} -rf dist"], text
    assert judged(text) == "block", text
    assert judged(line.format(other=other, target=other)) == "allow"


# a builtin turned off (bash's enable -n, zsh's disable) runs what PATH finds: no cd there, the shell stays put
TURNED_OFF = [
    ("bash", "enable -n cd; cd {other} 2>/dev/null; rm -rf dist"),
    ("bash", "enable -n pushd; pushd {other} 2>/dev/null; rm -rf dist"),
    ("bash", "[ -e /nonexistent ] || enable -n cd; cd {other} 2>/dev/null; rm -rf dist"),
    ("zsh", "disable cd; cd {other} 2>/dev/null; rm -rf dist"),
]


@pytest.mark.parametrize(("shell", "line"), TURNED_OFF)
def test_a_builtin_turned_off_changes_nothing(world: tuple[Guard, Path, Path], shell: str, line: str) -> None:
    """Run in the live tree, each removed its dist and was allowed: the cd was taken to have gone. A builtin the
    line may have turned off may or may not change the shell. One that is not cd turned off changes nothing."""
    guard, live, other = world
    judged = _hook_judge(guard, shell, live)

    text = line.format(other=other)
    assert _shell_runs_in(shell, live, text) == [f"{live} -rf dist"], text
    assert judged(text) == "block", text
    assert judged(f"enable -n echo; cd {other}; rm -rf dist") == "allow"
