"""Programs that, run as root through the sudo door, take commands the door never sees (round 25).

The door checks the argv it execs; these programs then read more commands of their own: top's ``k`` sends any
signal to any pid, sftp's ``!cmd`` runs it in a local shell, a pager's ``!sh`` (dmesg -H, dpkg -l, apt changelog),
sed's program in a file or on stdin (its ``e`` runs shell text). The door's own rules (policies/doors/sudo.yaml)
refuse them. Judged through the door's prepare (policy, lookup, judge), never run; what sed -f runs is shown by a
real sed with a stand-in pkill first on PATH.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from stand_ins import bash_in_work
from test_hook_bash import require_program

POLICY = Path(__file__).resolve().parent.parent / "policies" / "tenmon-ark.yaml"

REFUSED = [
    (["top"], "sudo-interactive-escape"),
    (["sftp", "admin@backup"], "sudo-interactive-escape"),
    (["sed", "-f", "fix.sed", "hosts"], "sudo-sed-script-file"),
    (["sed", "-n", "-f", "-", "hosts"], "sudo-sed-script-file"),
    (["sed", "--file=fix.sed", "-i", "hosts"], "sudo-sed-script-file"),
    (["dmesg", "-H"], "sudo-paged-output"),
    (["dpkg", "-l"], "sudo-paged-listing"),
    (["apt-get", "changelog", "nginx"], "sudo-paged-changelog"),
]
ALLOWED = [
    ["sed", "-i", "-e", "s/old/new/", "hosts"],
    ["dmesg", "-T"],
    ["ps", "aux"],
]


def _plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> tuple[str, list[str]]:
    from tenmon_guard.doors import sudo

    require_program(argv[0])
    work = tmp_path / "work"
    work.mkdir()
    (work / "hosts").write_text("127.0.0.1 localhost\n")
    (work / "fix.sed").write_text("1e pkill node\n")
    monkeypatch.chdir(work)
    invoker = sudo.Invoker(trusted=True, privileged=False, sudo_user=None)
    config = sudo.DoorConfig(config_dir=str(tmp_path / "etc"))
    plan = sudo.prepare(argv, [str(POLICY)], [], config, invoker, {})
    return plan.verdict.decision.label, sorted({f.rule for f in plan.verdict.findings})


@pytest.mark.parametrize(("argv", "rule"), REFUSED)
def test_programs_taking_commands_the_door_never_sees_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], rule: str
) -> None:
    assert _plan(tmp_path, monkeypatch, argv) == ("block", [rule])


@pytest.mark.parametrize("argv", ALLOWED)
def test_their_everyday_neighbours_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> None:
    assert _plan(tmp_path, monkeypatch, argv) == ("allow", [])


def test_sed_runs_the_shell_text_of_a_program_file(tmp_path: Path) -> None:
    """Why ``sed -f`` is refused: GNU sed runs a program file's ``e`` command through the shell."""
    require_program("sed")
    ran, pkills, _ = bash_in_work(tmp_path, "sed -f fix.sed hosts", {"fix.sed": "1e pkill node\n", "hosts": "x\n"})
    assert ran.returncode == 0, ran.stderr
    assert pkills == "node\n"
