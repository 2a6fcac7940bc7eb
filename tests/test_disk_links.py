"""Symlinks already on disk, in the doors that run a command here and now (hook, sudo, agent): a path through a
link is judged where it leads. The check and lint doors judge text only, so the same line there depends on nothing
but the text.

The live tree is a real temporary directory and the links are real; nothing is ever run, only judged.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tenmon_guard.doors import agent
from tenmon_guard.engine import Context, Guard
from tenmon_guard.mounts import other_names, parse_mounts
from tenmon_guard.policy import load_policy

REPO = Path(__file__).resolve().parent.parent
POLICY = REPO / "policies" / "tenmon-ark.yaml"


@pytest.fixture
def place(tmp_path: Path) -> tuple[Guard, Path]:
    live = tmp_path / "live"
    (live / "dist").mkdir(parents=True)
    (live / "dist" / "index.js").write_text("x\n")
    work = tmp_path / "work"
    work.mkdir()
    (work / "lnk").symlink_to(live / "dist")
    (work / "l2").symlink_to(live)
    (work / "f.js").symlink_to(live / "dist" / "index.js")
    (work / "plain").mkdir()
    policy = load_policy([REPO / "policies" / "tenmon-ark.yaml"], {"live_dir": str(live)})
    return Guard(policy), work


def _decision(guard: Guard, line: str, cwd: Path, door: str = "hook", disk: bool = True) -> str:
    return guard.check(line, Context(door=door, cwd=str(cwd), disk=disk)).decision.label


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("rm -f lnk/index.js", "block"),
        ("rm -rf l2/dist", "block"),
        ("cd lnk && rm -rf *", "block"),
        ("cd l2 && rm -rf dist", "block"),
        ("rm -rf l*/index.js", "block"),  # a glob that matches a link, then a path through it
        ("echo x > lnk/../dist/index.js", "block"),  # .. from where the link leads, as the kernel takes it
        ("cp app.js lnk/", "block"),
        ("echo x > f.js", "block"),  # > opens the path: a final link is followed
        ("tee f.js", "block"),  # tee opens its files (knowledge: opens_operands)
        ("truncate -s 0 f.js", "block"),
        ("mv f.js old.js", "allow"),  # mv renames the link itself (see test_a_write_on_a_final_link_itself)
        ("rm lnk", "allow"),
        # the glob's matches on disk, matched as bash matches (negated brackets, classes, extended patterns)
        ("rm -f [^z]nk/index.js", "block"),
        ("rm -f l[[:alpha:]]k/index.js", "block"),
        ("shopt -s extglob; rm -f @(lnk)/index.js", "block"),
        # cd -P leaves $PWD where the links led: a .. from there is not known from the text
        ("cd -P lnk/.. && rm -rf dist", "warn"),
        ("cd -P lnk; cd ..; rm -rf dist", "warn"),
        ("set -o physical; cd lnk/..; rm -rf dist", "warn"),
        ("cd lnk/.. && rm -rf dist", "allow"),  # a logical cd: lnk/.. is this directory
        ("cd -P lnk && rm -f index.js", "block"),
        # the process's own links are taken as the command's (its cwd), then followed
        ("rm -f /proc/self/cwd/lnk/index.js", "block"),
        ("echo x > /dev/stdout", "allow"),
        # a copy of a link made on the line (cp -P/-d/-a/-r keep a link a link; mv renames it) leads where it leads
        ("cp -P lnk other; rm -f other/index.js", "block"),
        ("cp -a lnk other && rm -rf other/*", "block"),
        ("cp -a lnk other && rm -rf other/", "block"),  # a trailing slash goes where the copied link leads
        ("mv lnk other && rm -f other", "allow"),  # rm acts on the renamed link itself
        ("cp -r lnk other; cd other && rm -f index.js", "block"),
        ("cp -La lnk other; rm -f other/index.js", "block"),  # the last of -L and -a wins: -a keeps the link
        ("cp -P lnk plain/; rm -f plain/lnk/index.js", "block"),
        ("cp -aL lnk other; rm -f other/index.js", "allow"),  # -L last: a copy of the directory's files
        ("cp lnk/ other; rm -f other/index.js", "allow"),  # lnk/ is the directory itself
        ("cp -a plain other; rm -rf other/x", "allow"),  # no link: a directory of its own
        ("cp -a lnk other; ls other/", "allow"),
        ("ls -l lnk/", "allow"),
        ("cat f.js", "allow"),
        ("rm -rf plain/x", "allow"),
        ("echo x > notes.txt", "allow"),
    ],
)
def test_the_hook_follows_links_on_disk(place: tuple[Guard, Path], line: str, expected: str) -> None:
    guard, work = place
    assert _decision(guard, line, work) == expected


# Writers that act on a final link itself (they remove, rename or replace the name: lstat) and those that go where
# it leads, as the real GNU tools (coreutils 9.1, findutils 4.9) did on stand-in trees. lnk -> LIVE/dist,
# l2 -> LIVE, f.js -> LIVE/dist/index.js.
ON_THE_LINK = [
    ("rm lnk", "allow"),
    ("rm -r lnk", "allow"),  # rm -r does not enter a link
    ("rm -f l2", "allow"),  # sudo rm ~/cur: the link to the whole live tree, not the tree
    ("rm -f f.js", "allow"),
    ("unlink lnk", "allow"),
    ("rmdir lnk", "allow"),  # fails: Not a directory
    ("mv lnk old", "allow"),
    ("mv l2 old", "allow"),
    ("mv f.js old.js", "allow"),
    ("mv -T x lnk", "allow"),  # -T: replaces the link
    ("mv x f.js", "allow"),  # a link to a file: rename replaces the link
    ("ln -sfn /srv/releases/42 l2", "allow"),  # the atomic-deploy swap of a link of one's own
    ("ln -sfn NEW lnk", "allow"),
    ("ln -sfT NEW lnk", "allow"),
    ("ln -sf NEW f.js", "allow"),  # a link to a file: replaced even without -n
    ("install x f.js", "allow"),  # install removes its destination first
    ("find lnk -delete", "allow"),  # find -P (the default): the start itself, not entered
    ("rm -f l*", "allow"),  # the glob's matches on disk are the links themselves
    ("ln -sfn -t lnk NEW", "allow"),  # fails: with -n, -t LINK is no directory
    # where the link leads: these stay
    ("rm -rf lnk/", "block"),  # a trailing slash follows the link: rm empties dist
    ("rm -rf l*/", "block"),  # bash keeps the slash on each match: lnk/ and l2/, followed
    ("rm -rf lnk/.", "block"),  # (rm refuses . itself; judged as the directory it names)
    ("rm -f l2/dist", "block"),  # the directories above the last name are followed
    ("mv l2/dist old", "block"),
    ("ln -sfn NEW l2/dist", "block"),
    ("mv x lnk", "block"),  # moves x INTO dist
    ("mv -t lnk x", "block"),
    ("ln -sf NEW lnk", "block"),  # without -n: makes dist/NEW
    ("ln -sfn NEW lnk/", "block"),  # a trailing slash: -n does not hold, dist/NEW is made
    ("cp x lnk", "block"),  # into dist
    ("cp x f.js", "block"),  # cp writes through a link to a file
    ("find lnk/ -delete", "block"),
    ("find -L lnk -delete", "warn"),  # -L, -H, -follow: find follows the start into dist
    ("find lnk -follow -delete", "warn"),
]


@pytest.mark.parametrize(("line", "expected"), ON_THE_LINK)
def test_a_write_on_a_final_link_itself(place: tuple[Guard, Path], line: str, expected: str) -> None:
    guard, work = place
    (work / "x").write_text("x\n")
    assert _decision(guard, line, work) == expected
    assert _decision(guard, line, work, door="sudo") == ("allow" if expected == "allow" else "block")
    assert _decision(guard, line, work, door="check", disk=False) == "allow"  # the text names no live path


@pytest.mark.parametrize(("line", "expected"), ON_THE_LINK)
def test_the_agent_door_on_a_final_link(
    place: tuple[Guard, Path], monkeypatch: pytest.MonkeyPatch, line: str, expected: str
) -> None:
    """The same lines through the agent door as the hook runs it (--var live_dir): a doubt is refused there."""
    _, work = place
    monkeypatch.setenv("TENMON_GUARD_AUDIT_LOG", str(work.parent / "audit.jsonl"))
    parser = argparse.ArgumentParser()
    agent.add_arguments(parser)
    insecure = [] if os.geteuid() == 0 else ["--insecure-policy"]
    args = parser.parse_args(["--policy", str(POLICY), "--var", f"live_dir={work.parent / 'live'}", *insecure])
    request = {"hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": str(work), "tool_input": {"command": line}}
    answer = agent.answer(args, lambda: json.dumps(request).encode())
    assert answer.code == (0 if expected == "allow" else 2), answer


@pytest.mark.parametrize("door", ["check", "lint"])
def test_text_only_doors_do_not_look_at_the_disk(place: tuple[Guard, Path], door: str) -> None:
    guard, work = place
    assert _decision(guard, "rm -f lnk/index.js", work, door=door, disk=False) == "allow"


def test_a_live_tree_that_is_a_link_is_protected_where_it_leads(tmp_path: Path) -> None:
    """An atomic deploy often swaps a link to the current release: the release's own path is the live tree too."""
    release = tmp_path / "releases" / "42"
    (release / "dist").mkdir(parents=True)
    (tmp_path / "current").symlink_to(release)
    policy = load_policy([REPO / "policies" / "tenmon-ark.yaml"], {"live_dir": str(tmp_path / "current")})
    guard = Guard(policy)
    assert _decision(guard, f"rm -rf {release}/dist", tmp_path) == "block"
    assert _decision(guard, f"rm -rf {tmp_path}/releases/41/dist", tmp_path) == "allow"
    assert _decision(guard, f"rm -rf {release}/dist", tmp_path, door="check", disk=False) == "allow"


def test_a_glob_with_more_matches_than_followed_is_a_doubt(place: tuple[Guard, Path]) -> None:
    guard, work = place
    many = work / "many"
    many.mkdir()
    for i in range(2100):
        (many / f"d{i:04}").mkdir()
    assert _decision(guard, "rm -f many/*/index.js", work) == "warn"
    assert _decision(guard, "rm -f many/d000*/index.js", work) == "allow"


def test_a_file_with_another_name_on_the_live_file_system_is_a_doubt(place: tuple[Guard, Path]) -> None:
    """``ln LIVE/dist/index.js ~/h`` made earlier: ~/h is the live file under another name."""
    guard, work = place
    live_file = work.parent / "live" / "dist" / "index.js"
    (work / "h").hardlink_to(live_file)
    (work / "single").write_text("x\n")
    assert _decision(guard, "truncate -s 0 h", work) == "warn"
    assert _decision(guard, "echo x > single", work) == "allow"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("find . -name '*.pyc' -delete", "allow"),
        ("find . -name 'settings.json' -delete", "block"),
        ("find . -name '[^x]ettings.json' -delete", "block"),  # find's fnmatch negates with ^ too
        ("find . -name '[[:lower:]]ettings.json' -delete", "block"),
        ("find . -exec true -name '*.pyc' ';' -delete", "block"),  # a -name inside -exec is no test
        ("find . -name '*.pyc' -o -name '*.json' -delete", "block"),
    ],
)
def test_find_name_narrows_a_delete_only_where_it_can(tmp_path: Path, line: str, expected: str) -> None:
    """A file rule (no /**) is out of reach of find -name globs its name does not match, when it is no directory."""
    project = tmp_path / "project"
    (project / "conf").mkdir(parents=True)
    (project / "conf" / "settings.json").write_text("{}\n")
    policy_file = tmp_path / "p.yaml"
    policy_file.write_text(
        "tenmon-guard-policy: 1\nname: t\nrules:\n  - id: settings\n    decision: block\n    message: m\n"
        f"    match:\n      writes: [{project}/conf/settings.json]\n"
    )
    guard = Guard(load_policy([policy_file], {}))
    assert _decision(guard, line, project) == expected


@pytest.fixture
def mounted(place: tuple[Guard, Path]) -> Iterator[tuple[Guard, Path]]:
    """The live tree shown at work/shown and its dist at work/view by bind mounts (made by root earlier)."""
    guard, work = place
    live = work.parent / "live"
    mounts = [(live, work / "shown"), (live / "dist", work / "view")]
    if os.geteuid() != 0:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("these tests run as root (as CI does): they make bind mounts")
        pytest.skip("bind mounts need root")
    made = []
    try:
        for source, point in mounts:
            point.mkdir()
            result = subprocess.run(["mount", "--bind", str(source), str(point)], capture_output=True, text=True)
            assert result.returncode == 0, f"mount --bind failed: {result.stderr}"
            made.append(point)
        yield guard, work
    finally:
        for point in reversed(made):
            subprocess.run(["umount", str(point)], check=True)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("rm -rf shown/dist", "block"),
        ("rm -f view/index.js", "block"),
        ("echo x > view/index.js", "block"),
        ("cd shown && rm -rf dist", "block"),
        ("rm -f v*/index.js", "block"),  # the glob's match is the mounted dist
        ("rm -rf ../work", "block"),  # holds the mounts: rm -r goes into them
        ("ls shown/dist", "allow"),
        ("rm -rf plain/x", "allow"),
    ],
)
def test_a_bind_mount_is_another_name_of_what_it_shows(mounted: tuple[Guard, Path], line: str, expected: str) -> None:
    guard, work = mounted
    assert _decision(guard, line, work) == expected
    assert _decision(guard, line, work, door="check", disk=False) in ("allow", expected)


def test_mount_table_lines_give_other_names() -> None:
    """The mount table as the kernel writes it (octal escapes in paths), read by the same code as /proc's."""
    table = (
        "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
        "42 27 254:0 /opt/app\\040live /mnt/x rw - ext4 /dev/vda rw\n"
        "43 27 254:0 /opt/app\\040live/dist /srv/d rw - ext4 /dev/vda rw\n"
        "44 27 0:23 / /dev/shm rw - tmpfs tmpfs rw\n"
    )
    mounts = parse_mounts(table)
    assert other_names("/opt/app live", mounts) == ("/mnt/x", "/srv/d")
    assert other_names("/opt/app live/dist/x", mounts) == ("/mnt/x/dist/x", "/srv/d/x")
    assert other_names("/mnt/x/dist", mounts) == ("/opt/app live/dist", "/srv/d")
    assert other_names("/opt/other", mounts) == ()
    assert other_names("/dev/shm/x", mounts) == ()


# rt8: a program the guard does not know, given a path through a link on disk (or run in a directory a link leads
# into the live tree), is judged as with the live path itself: a doubt (the hook warns, the agent and sudo doors
# refuse). lnk -> LIVE/dist, l2 -> LIVE, f.js -> LIVE/dist/index.js.
UNKNOWN_THROUGH_LINKS = [
    ("printf ',d\\nw\\nq\\n' | ed -s lnk/index.js", "warn"),
    ("sqlite3 lnk/index.js .dump", "warn"),
    ("make -C lnk clean", "warn"),
    ("vim f.js", "warn"),
    ("cd l2 && make clean", "warn"),
    ("cd l2; python3 -c 'import shutil; shutil.rmtree(\"dist\")'", "warn"),
    # near misses: the same programs on names of one's own
    ("make -C plain clean", "allow"),
    ("vim notes.txt", "allow"),
    ("cd plain && make clean", "allow"),
    ("cd plain; python3 -c 'import shutil; shutil.rmtree(\"dist\")'", "allow"),
]


@pytest.mark.parametrize(("line", "expected"), UNKNOWN_THROUGH_LINKS)
def test_unknown_programs_are_read_through_links_on_disk(place: tuple[Guard, Path], line: str, expected: str) -> None:
    guard, work = place
    refused = "allow" if expected == "allow" else "block"
    assert _decision(guard, line, work) == expected
    assert _decision(guard, line, work, door="agent") == refused
    assert _decision(guard, line, work, door="sudo") == refused
    assert _decision(guard, line, work, door="check", disk=False) == "allow"  # the text names no live path


# rt8: a directory a tool enters (chdir, opendir) follows a final link there, as cd does: a write into where it
# leads, not a doubt (rsync -a --delete x/ LINK replaced the stand-in live tree's content; tar -C LINK extracted
# into it). touch -h / chown -h act on a link itself (checked on stand-ins: only the link's times and owner changed).
ENTERED_AND_ITSELF = [
    ("rsync -a --delete plain/ l2", "block"),
    ("tar xf /tmp/a.tar -C l2", "block"),
    ("tar xf /tmp/a.tar --directory=lnk", "block"),
    ("git -C l2 clean -fdx", "block"),
    ("npm --prefix l2 ci", "block"),
    ("unzip a.zip -d lnk", "block"),
    ("cd l2 && tar xf /tmp/a.tar", "block"),
    ("touch -h f.js", "allow"),
    ("touch -h l2", "allow"),
    ("chown -h nobody lnk", "allow"),
    ("touch -h l2/", "block"),  # a trailing slash names where the link leads
    ("touch f.js", "block"),
    # near misses: the same on directories of one's own
    ("rsync -a --delete plain/ backup", "allow"),
    ("tar xf /tmp/a.tar -C plain", "allow"),
    ("git -C l2 status", "allow"),
]


@pytest.mark.parametrize(("line", "expected"), ENTERED_AND_ITSELF)
def test_entered_directories_follow_a_final_link(place: tuple[Guard, Path], line: str, expected: str) -> None:
    guard, work = place
    assert _decision(guard, line, work) == expected
    assert _decision(guard, line, work, door="agent") == expected
    assert _decision(guard, line, work, door="sudo") == expected
