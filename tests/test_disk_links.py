"""Symlinks already on disk, in the doors that run a command here and now (hook, sudo, agent): a path through a
link is judged where it leads. The check and lint doors judge text only, so the same line there depends on nothing
but the text.

The live tree is a real temporary directory and the links are real; nothing is ever run, only judged.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tenmon_guard.doors import agent
from tenmon_guard.engine import Context, Guard
from tenmon_guard.mounts import (
    MountChange,
    match_fstype,
    other_names,
    overlay_doubts,
    parse_mounts,
    read_mounts,
    unmounted_elsewhere,
    unmounted_points,
)
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


@pytest.mark.parametrize(
    ("piped", "exec_form", "expected"),
    [
        ("find plain -print0 | xargs -0 rm -f", "find plain -exec rm -f {} +", "allow"),
        ("find . -name '*.pyc' -print0 | xargs -0 rm -f", "find . -name '*.pyc' -exec rm -f {} +", "allow"),
        ("find lnk/ -print0 | xargs -0 rm -f", "find lnk/ -exec rm -f {} +", "block"),
        ("find . -name '*.js' -print0 | xargs -0 tee", "find . -name '*.js' -exec tee {} +", "warn"),
        ("find . -type f -print0 | xargs -0 sed -i s/a/b/", "find . -type f -exec sed -i s/a/b/ {} +", "warn"),
    ],
)
def test_find_print0_into_xargs_0_is_find_exec(
    place: tuple[Guard, Path], piped: str, exec_form: str, expected: str
) -> None:
    """Round 18 (READMEs): ``find START -print0 | xargs -0 CMD`` gives CMD the paths find prints, the start or
    entries under it, as ``find START -exec CMD {} +`` gives them: judged the same in every door that reads the
    disk (a link there that find lists, or leads through, counts alike)."""
    guard, work = place
    assert _decision(guard, piped, work) == expected
    for door in ("hook", "agent", "sudo"):
        assert _decision(guard, piped, work, door=door) == _decision(guard, exec_form, work, door=door)


@pytest.mark.parametrize(
    "line",
    [
        "find plain | xargs rm -f",  # split at blanks and newlines: ./a b is ./a and b
        "find plain -print0 |& xargs -0 rm -f",  # find's errors are in the items too
        "find plain -print0 | sort -z | xargs -0 rm -f",  # another command feeds xargs
        "find plain -name a -print0 -o -print0 | xargs -0 rm -f",
        "find plain -print0 -exec echo {} \\; | xargs -0 rm -f",  # what -exec runs prints into the pipe
        "find plain $T -print0 | xargs -0 rm -f",  # a word of the expression not known
        "find plain -print0 | xargs -0 -a list rm -f",  # the items come from a file
        "find plain -print0 | xargs -0 -d ' ' rm -f",  # the last separator given splits, at blanks
        "find plain -fprint0 /dev/stdout -o -print0 | xargs -0 rm -f",  # a file find prints into may be stdout
    ],
)
def test_other_paths_into_xargs_stay_not_known(place: tuple[Guard, Path], line: str) -> None:
    guard, work = place
    assert _decision(guard, line, work) == "warn"


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
    # removing or renaming one name leaves the inode the other names share (a pnpm store's hard links)
    assert _decision(guard, "rm -f h", work) == "allow"
    assert _decision(guard, "mv h h.old", work) == "allow"


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


def _refused_under_sudo(guard: Guard, line: str, cwd: Path) -> None:
    """A doubt (or a refusal) in the hook, a refusal in the sudo door."""
    assert _decision(guard, line, cwd) in ("warn", "block")
    assert _decision(guard, line, cwd, door="sudo") == "block"


@pytest.fixture
def copies(tmp_path: Path) -> tuple[Guard, Path]:
    """Red team 8's set-up: links to the live tree in h, a relative one that leads nowhere from h (``rl -> live``)
    but to the live tree from tmp_path, a harmless link and plain files and directories."""
    live = tmp_path / "live"
    (live / "dist").mkdir(parents=True)
    (live / "dist" / "index.js").write_text("x\n")
    (tmp_path / "rel").mkdir()
    h = tmp_path / "h"
    (h / "real").mkdir(parents=True)
    (h / "newdir").mkdir()
    (h / "new.txt").write_text("n\n")
    (h / "cur").symlink_to(live)
    (h / "f").symlink_to(live / "dist" / "index.js")
    (h / "rl").symlink_to("live")
    (h / "reld").symlink_to("../live/dist")
    (h / "other").symlink_to(tmp_path / "rel")
    (h / "sub").mkdir()
    (h / "sub" / "lnk").symlink_to(live)
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "cur").write_text("a plain file\n")
    policy = load_policy([POLICY], {"live_dir": str(live)})
    return Guard(policy), h


@pytest.mark.parametrize(
    "line",
    [
        # a backup keeps the old link under a new name
        "ln -sfn -b new.txt cur; rm -rf cur~/dist",
        "ln -sfn --backup=numbered new.txt cur; rm -rf cur.~1~/dist",
        "mv -b new.txt f; echo x > f~",
        # a copy of a copy, a move of a move
        "cp -P cur g && cp -P g g2 && rm -f g2/dist/index.js",
        "mv cur g; mv g g2; rm -f g2/dist/index.js",
        # the copy's directory, the source's or the later path's through a link on disk
        "cp -P cur other/g; rm -f ../rel/g/dist/index.js",
        "cp -P other/../h/cur g; rm -f g/dist/index.js",
        # globbed sources and later paths
        "cp -P cu[r] g; rm -f g/dist/index.js",
        "cp -P cur g; rm -f g*/dist/index.js",
        "rsync -a cur g; rm -f g/dist/index.js",
        # operands not known
        "echo cur g | xargs cp -P; rm -f g/dist/index.js",
        # a directory holding a link, copied or moved
        "cp -a ../h ../h2; rm -f ../h2/cur/dist/index.js",
        "mv ../h ../h2; rm -f ../h2/cur/dist/index.js",
        # a link on disk to a name the line makes
        "ln -s ../live live; rm -f rl/dist/index.js",
        "cp -P cur live; rm -f rl/dist/index.js",
        # a relative link copied where it leads elsewhere
        "cp -P rl ../x; rm -f ../x/dist/index.js",
        # red team 9
        # the unknown part may name a link below the known directory, and the path goes on through it
        "find . -maxdepth 1 -name cur -exec rm -rf {}/ \\;",
        "find . -type l -exec rm -rf {}/ +",
        "rm -rf ./$(ls)/dist",
        "rm -rf ./$X/dist",
        # entries a copy into a directory replaces are kept as backups there (or in the backup directory)
        "rsync -ab ../s/ ./; rm -rf cur~/dist",
        "cp -rb ../s/. ./; rm -rf cur~/dist",
        "rsync -a -b --suffix=.old ../s/ ./; rm -rf cur.old/dist",
        "rsync -a --backup-dir=../bk ../s/ ./; rm -f ../bk/cur/dist/index.js",
        # red team 10 (X, S set to what does it)
        # an unknown part may hold / (X=ub/lnk), or be followed by a pattern; the name it begins in is looked at
        # (a value that climbs out with .. is not: README, Limits)
        "rm -rf ./s$X/dist",
        "rm -rf ./$X*/dist",
        "cp new.txt ./$X.js",
        # a copy whose destination has a part not known may land anywhere; into a directory that is a link
        'cp -P cur "real/$X"; rm -f g/dist/index.js',
        'cp -P "$S" other/; rm -f ../rel/g/dist/index.js',
        # a copy of a name not known onto a new name may be a link itself
        'cp -P "$S" g && rm -rf g/dist',
        'cp -P "$S" g && rm -rf g/',
        'cp -P "$S" g && cd g && rm -rf dist',
        # a directory copied or moved holds the link the line made in it
        "ln -s ../../live real/l; cp -a real r2; rm -rf r2/l/dist",
        "ln -s ../../live real/l; mv real r2; rm -rf r2/l/dist",
        # round 18: a link copied or moved into the directory that holds it is DEST/NAME, still a link
        "mv sub/lnk . && rm -rf lnk/dist",
        "cp -a sub/lnk . && rm -rf lnk/dist",
        "cp -a sub/lnk ../ && rm -f ../lnk/dist/index.js",
        "curl -LO https://example.com/dl/tool && install tool .. && rm -rf cur/dist",
        "rsync -a --rsync-path='sudo rsync' web1:/srv/app/ cur/dist/",
    ],
)
def test_names_the_line_makes_from_links_are_not_taken_for_harmless(copies: tuple[Guard, Path], line: str) -> None:
    """Red teams 8, 9 and 10: each of these deleted or wrote the live file when run; the disk cannot show the names
    yet, or the unknown part may name a link there."""
    guard, h = copies
    _refused_under_sudo(guard, line, h)


@pytest.mark.parametrize(
    "line",
    [
        "cp -a cur/. g; rm -f g/dist/index.js",  # the entries of the directory are copied, not the link
        "cp -r newdir g; rm -rf g/x",
        "cp -r real g2 && echo x > g2/notes",
        "mkdir -p out && cp new.txt out/ && rm -f out/new.txt",
        "ln -s ../rel d2 && rm -rf d2/x",
        "mv cur old",
        "cp -b new.txt ../rel/ && rm -rf ../rel/x",
        # red team 9's false positives and the everyday-lines hunt's
        'cp "$X" other/; echo done > newlog.txt',  # copies of names not known land in other/ only
        'for f in *.txt; do cp "$f" "$f.bak"; done; echo ok > report.txt',
        "cp *.txt real/ && echo ok >> copied.log",
        "npm run build && mv build out && rm -rf out/cache",  # build is made by npm, not copied from a link
        "mkdir -p build && cp -r build dist && rm -rf dist/tmp",
        "rm -f real/$X.log",
        "rm -rf real/$X/dist",
        "cp -b new.txt app.conf && rm -f app.conf~",
        # the everyday-lines hunt: a dated backup of a live file; a link swapped to a release not there here
        "cd real && cp -a ../../live/dist/index.js backup-$(date +%F)",
        "ln -s ../live l3; ln -sfn /nonexistent/releases/v2 l3",
        # copies of names not known make names only below the directory their known part names
        'LOG_DIR=other/logs; rotate() { mv "$LOG_DIR/$1" "$LOG_DIR/$1.$(date +%F)"; }; rotate app.log',
        # only the entries the unknown name may begin with are looked at: none begins with split_ or deploy-
        """awk '{print > "split_" $1 ".log"}' access.log""",
        "cp -a ../live/.env deploy-$(date +%F).env",
        # round 18 (READMEs): a copy into the directory that holds its source (here, or an ancestor) lands at
        # DEST/NAME; it never turns the directory itself into a copy, whatever else the line writes there
        "curl -o real/tool https://example.com/dl/tool && cp real/tool . && echo ok > notes.txt",
        "curl -LO https://example.com/dl/tool && install tool .. && echo ok > notes.txt",
        "mv sub/lnk . && echo ok > notes.txt",
        # the program --rsync-path names is run with no operand of the line's own: it copies nothing named here
        "rsync -a --rsync-path='sudo rsync' web1:/srv/app/ ./backup/",
    ],
)
def test_names_made_from_plain_files_stay_harmless(copies: tuple[Guard, Path], line: str) -> None:
    guard, h = copies
    (h.parent / "rel" / "logs").mkdir()
    assert _decision(guard, line, h) == "allow"


def _root_or_skip(why: str) -> None:
    if os.geteuid() != 0:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"these tests run as root (as CI does): {why}")
        pytest.skip(f"{why} needs root")


def test_an_absolute_link_under_a_chroot_is_a_doubt(place: tuple[Guard, Path]) -> None:
    """Red team 7: under ``chroot ROOT``, ``/l2 -> /app/dist`` leads to ROOT/app/dist, not to the guard's /app/dist:
    a path through a link on disk below another root is not known here."""
    guard, work = place
    root = work / "root"
    (root / "tmp").mkdir(parents=True)
    (root / "l2").symlink_to("/app/dist")
    assert _decision(guard, f"chroot {root} rm -f /l2/index.js", work) == "warn"
    assert _decision(guard, f"chroot {root} rm -f /l2/index.js", work, door="sudo") == "block"
    assert _decision(guard, f"chroot {root} rm -rf /tmp/x", work) == "allow"
    assert _decision(guard, f"chroot {root} ls /l2", work) == "allow"


def test_another_process_root_is_judged_where_it_is(place: tuple[Guard, Path], tmp_path: Path) -> None:
    """Red team 7: ``/proc/PID/root`` of a chrooted process is its root directory here, and of a process in another
    mount namespace (a container) a tree this guard cannot see: real processes, one chrooted, one unshared."""
    _root_or_skip("chroot and unshare")
    guard, work = place
    root = tmp_path / "croot"
    (root / "app").mkdir(parents=True)
    (root / "app" / "dist").symlink_to(work.parent / "live" / "dist")
    chrooted = subprocess.Popen(
        [sys.executable, "-c", f"import os, time; os.chroot({str(root)!r}); print('in', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE,
        text=True,
    )
    unshared = subprocess.Popen(["unshare", "-m", "sleep", "60"])
    try:
        assert chrooted.stdout is not None and chrooted.stdout.readline().strip() == "in"
        assert _decision(guard, f"rm -f /proc/{chrooted.pid}/root/app/dist/index.js", work) == "block"
        # the same magic link spelled otherwise (red team 9): a thread's, with // or /./
        pid = chrooted.pid
        for spelling in (f"/proc/{pid}/task/{pid}/root", f"/proc/{pid}//root", f"/proc/{pid}/./root"):
            assert _decision(guard, f"rm -f {spelling}/app/dist/index.js", work) == "block", spelling
        assert _decision(guard, f"rm -rf /proc/{chrooted.pid}/root/tmp/x", work) == "allow"
        for _ in range(100):  # until unshare has made its namespace and run sleep
            if os.readlink(f"/proc/{unshared.pid}/ns/mnt") != os.readlink("/proc/self/ns/mnt"):
                break
            time.sleep(0.05)
        assert _decision(guard, f"rm -rf /proc/{unshared.pid}/root/srv/app", work) == "warn"
        assert _decision(guard, f"rm -rf /proc/{unshared.pid}/root/srv/app", work, door="check", disk=False) == "allow"
    finally:
        for process in (chrooted, unshared):
            process.kill()
            process.wait()
        assert chrooted.stdout is not None
        chrooted.stdout.close()


def test_mount_table_lines_end_at_a_newline_only() -> None:
    """The kernel escapes a newline in a path, and no other line break: a mount point with ``\\f``, ``\\v``, ``\\x1c``,
    U+0085 or U+2028 in it is one name (str.splitlines cut it there: the name before the break was taken)."""
    points = ["/m/a\fb", "/m/v\vt", "/m/e\x1cf", "/m/u\x85x", "/m/c\u2028d", "/m/n\\012l"]
    table = "27 1 254:0 / / rw - ext4 /dev/vda rw\n" + "".join(
        f"{40 + i} 27 254:0 /opt/live {p} rw - ext4 /dev/vda rw\n" for i, p in enumerate(points)
    )
    assert other_names("/opt/live", parse_mounts(table)) == (*points[:-1], "/m/n\nl")
    assert other_names("/m", parse_mounts(table)) == ("/opt/live",)  # the mounts in /m show it: rm -r goes in


def test_the_mount_a_path_is_on_is_found_through_the_mount_tree() -> None:
    """From the root mount down through the child at the first point on the way, by the ID and PARENT ID fields;
    not the deepest point, nor the last line: a bind over a parent hides the tmpfs below it, and a mount moved on
    top of an older one (its child) is listed before it."""
    over_a_parent = (
        "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
        "54 27 0:40 / /p2/sub rw - tmpfs t rw\n"
        "55 27 254:0 /src2 /p2 rw - ext4 /dev/vda rw\n"
    )
    assert other_names("/p2/sub/live", parse_mounts(over_a_parent)) == ("/src2/sub/live",)
    moved_on_top = (
        "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
        "52 53 254:0 /src /st rw - ext4 /dev/vda rw\n"
        "53 27 0:39 / /st rw - tmpfs t rw\n"
    )
    assert other_names("/st/live", parse_mounts(moved_on_top)) == ("/src/live",)
    under_a_later_one = (
        "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
        "53 27 254:0 /src /st rw - ext4 /dev/vda rw\n"
        "54 53 0:39 / /st rw - tmpfs t rw\n"
    )
    assert other_names("/st/live", parse_mounts(under_a_later_one)) == ()


def test_a_file_system_mounted_inside_a_protected_path_is_a_part_of_it() -> None:
    """A tmpfs at LIVE/dist shown at /m/d2 too: /m/d2 is a name of the live dist (its device is not the live tree's)."""
    table = (
        "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
        "58 27 0:41 / /live/dist rw - tmpfs t rw\n"
        "59 27 0:41 / /m/d2 rw - tmpfs t rw\n"
        "60 27 0:41 /uploads /m/up rw - tmpfs t rw\n"
        "61 27 0:42 / /elsewhere rw - tmpfs t rw\n"
    )
    assert other_names("/live", parse_mounts(table)) == ("/m/d2", "/m/up")
    assert other_names("/live/dist/uploads/a", parse_mounts(table)) == ("/m/d2/uploads/a", "/m/up/a")


def test_an_overlay_shows_its_upper_directory() -> None:
    """Writes through an overlay land in its upperdir (super options after `` - ``, octal escapes, then overlayfs's
    own: ``\\,`` and ``\\\\``); its lowerdir is only read. A relative upperdir (kept as given) is a doubt."""
    table = (
        "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
        "45 27 0:39 / /ov/mnt rw - overlay overlay rw,lowerdir=/ov/lo,upperdir=/live,workdir=/ov/work,uuid=on\n"
        "46 27 0:40 / /ov/low rw - overlay overlay rw,lowerdir=/live,upperdir=/ov/up,workdir=/ov/w2\n"
        "47 27 0:41 / /ov/c rw - overlay overlay rw,lowerdir=/x,upperdir=/a\\134\\054b,workdir=/w3\n"
        "48 27 0:42 / /ov/s rw - overlay overlay rw,lowerdir=/x,upperdir=/b\\134\\134s/live,workdir=/w4\n"
        "49 27 0:43 / /ov/rel rw - overlay overlay rw,lowerdir=l/x,upperdir=diff,workdir=work\n"
        "50 27 0:39 /dist /ov/b rw - ext4 /dev/vda rw\n"
        "51 27 0:44 / /ov/sp rw shared:3 - overlay overlay rw,upperdir=/s\\040p/live,workdir=/w5\n"
    )
    mounts = parse_mounts(table)
    assert other_names("/live", mounts) == ("/ov/mnt", "/ov/b")  # /ov/b: a bind of the overlay's dist
    assert other_names("/live/dist", mounts) == ("/ov/mnt/dist", "/ov/b")
    assert other_names("/a,b/c", mounts) == ("/ov/c/c",)
    assert other_names("/b\\s", mounts) == ("/ov/s",)
    assert other_names("/s p/live/x", mounts) == ("/ov/sp/x",)
    assert overlay_doubts(mounts) == ("/ov/rel",)


def test_an_unmount_reaches_the_peers_of_a_shared_parent() -> None:
    """After ``mount --rbind / /mnt/r`` with ``/`` shared, ``/mnt/r/opt`` is a peer's child at ``/opt``: unmounting it
    unmounts ``/opt`` too. A second name whose parent has no peer showing that place removes that name only."""
    table = (
        "27 1 254:0 / / rw shared:1 - ext4 /dev/vda rw\n"
        "30 27 0:50 / /opt rw shared:2 - ext4 /dev/vdb rw\n"
        "60 27 254:0 / /mnt/r rw shared:1 - ext4 /dev/vda rw\n"
        "61 60 0:50 / /mnt/r/opt rw shared:2 - ext4 /dev/vdb rw\n"
        "62 27 0:50 /live /m/x1 rw shared:2 - ext4 /dev/vdb rw\n"
        "70 27 254:0 /srv /slave rw shared:5 master:1 - ext4 /dev/vda rw\n"
        "71 27 254:0 /srv /slave2 rw master:5 - ext4 /dev/vda rw\n"
    )
    mounts = parse_mounts(table)
    assert "/opt" in unmounted_elsewhere("/mnt/r", mounts)
    assert unmounted_elsewhere("/mnt/r/opt", mounts) == ("/opt",)
    assert unmounted_elsewhere("/m/x1", mounts) == ("/mnt/r/m/x1",)
    assert unmounted_elsewhere("/srv/a", mounts) == ()  # not a mount point: nothing unmounted
    private = parse_mounts(table.replace("shared:1", "").replace("shared:2", ""))
    assert unmounted_elsewhere("/mnt/r", private) == ()


def test_umount_picks_mounts_by_source_file_system_and_type() -> None:
    """rt9: ``umount SOURCE`` takes the mounts of that source when none is at the operand, ``-A`` every mount of
    the same file system (the device field), ``-a [-t TYPES]`` every mount of the table but ``/`` (of those types;
    without ``-t`` not proc, sysfs ...). The source and type are the fields after `` - ``, escaped as paths are."""
    table = (
        "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
        "40 27 0:39 / /live/dist rw - tmpfs rt9dist rw\n"
        "41 27 0:39 / /mnt/y rw - tmpfs rt9dist rw\n"
        "42 27 0:40 / /scratch rw - tmpfs my\\040tmp rw\n"
        "43 27 254:0 /srv /mnt/srv rw - ext4 /dev/vda rw\n"
        "44 27 0:22 / /proc rw - proc proc rw\n"
        "45 27 0:41 / /cut rw -\n"
    )
    mounts = parse_mounts(table)
    assert (mounts[1].fstype, mounts[1].source) == ("tmpfs", "rt9dist")
    assert mounts[3].source == "my tmp"
    assert (mounts[6].fstype, mounts[6].source) == ("", "")  # a line cut short
    by_source = MountChange(by_source=True)
    assert unmounted_points("/home/u/rt9dist", ("rt9dist", "/home/u/rt9dist"), by_source, mounts) == (
        "/live/dist",
        "/mnt/y",
    )
    assert unmounted_points("/mnt/y", ("/mnt/y",), by_source, mounts) == ("/mnt/y",)  # a mount point first
    assert unmounted_points("/x/rt9dist", ("rt9dist",), MountChange(), mounts) == (
        "/x/rt9dist",
    )  # mount --move: no source
    assert unmounted_points("/scratch", ("my tmp",), by_source, mounts) == ("/scratch",)
    every = MountChange(by_source=True, all_targets=True)
    assert unmounted_points("/mnt/y", (), every, mounts) == ("/live/dist", "/mnt/y")
    assert unmounted_points("/mnt/srv", (), every, mounts) == ("/", "/mnt/srv")  # -A of the root's file system
    assert unmounted_points("/", (), MountChange(table=True, types="tmpfs"), mounts) == (
        "/live/dist",
        "/mnt/y",
        "/scratch",
    )
    assert "/proc" not in unmounted_points("/", (), MountChange(table=True), mounts)
    assert "/" not in unmounted_points("/", (), MountChange(table=True), mounts)
    assert unmounted_points("/", (), MountChange(table=True, types="ext4"), mounts) == ("/mnt/srv",)
    assert match_fstype("tmpfs", "ext4,TMPFS")  # compared without case
    assert not match_fstype("tmpfs", "notmpfs,ext4") and match_fstype("xfs", "notmpfs,ext4")  # "no" before the list
    assert match_fstype("tmpfs", "tmpfs,noext4") and not match_fstype("ext4", "tmpfs,noext4")  # before one name
    assert not match_fstype("xfs", "tmpfs,noext4")


@contextlib.contextmanager
def _mounts(commands: list[list[str]]) -> Iterator[None]:
    """Run the ``mount`` commands (as root, under a test's tmp_path only); unmount what they made, last first."""
    if os.geteuid() != 0:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("these tests run as root (as CI does): they make mounts")
        pytest.skip("mounts need root")
    made: list[str] = []
    try:
        for argv in commands:
            result = subprocess.run(argv, capture_output=True, text=True, check=False)
            assert result.returncode == 0, f"{argv} failed: {result.stderr}"
            made.append(argv[-1])
        yield
    finally:
        for point in reversed(made):
            subprocess.run(["umount", point], check=True)


@pytest.fixture
def kernel_names(place: tuple[Guard, Path]) -> Iterator[tuple[Guard, Path]]:
    """The live tree shown again where the old reading missed it: at a bind whose name holds a vertical tab, through
    an overlay whose upperdir it is, and (its dist a tmpfs of its own) at a bind of that tmpfs; plus a plain bind
    at work/shown to unmount; a tmpfs of one's own (named tenmon-other) at work/own, bound at work/own2."""
    guard, work = place
    live = work.parent / "live"
    odd, over, d2, shown = work / "v\vt", work / "ov", work / "d2", work / "shown"
    lower, scratch, own, own2 = work.parent / "lower", work.parent / "ovwork", work / "own", work / "own2"
    for directory in (odd, over, d2, shown, lower, scratch, own, own2):
        directory.mkdir()
    upper = f"lowerdir={lower},upperdir={live},workdir={scratch}"
    commands = [
        ["mount", "--bind", str(live), str(odd)],
        ["mount", "--bind", str(live), str(shown)],
        ["mount", "-t", "overlay", "overlay", "-o", upper, str(over)],
        ["mount", "-t", "tmpfs", "tenmon-test", str(live / "dist")],
        ["mount", "--bind", str(live / "dist"), str(d2)],
        ["mount", "-t", "tmpfs", "tenmon-other", str(own)],
        ["mount", "--bind", str(own), str(own2)],
    ]
    with _mounts(commands):
        (live / "dist" / "index.js").write_text("x\n")
        yield guard, work


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("rm -rf $'v\\vt/dist'", "block"),  # a bind whose name holds a vertical tab
        ("echo x > ov/dist/index.js", "block"),  # through the overlay: lands in its upperdir, the live tree
        ("cd ov && rm -rf dist", "block"),
        ("rm -f d2/index.js", "block"),  # the live dist is a tmpfs; d2 shows it too
        ("echo x > d2/index.js", "block"),
        ("rm -rf d2/*", "block"),
        ("umount shown", "allow"),  # removes a second name only
        ("umount -l shown", "allow"),
        ("umount d2", "allow"),
        ("umount ov", "allow"),
        ("umount -R ../work", "allow"),
        ("mount --make-rprivate shown", "allow"),
        ("umount ../live/dist", "block"),  # the live path would show what lies under the tmpfs
        ("umount lnk", "block"),  # umount follows the link: it is the live dist
        ("echo x > notes.txt", "allow"),
        ("rm -rf plain/x", "allow"),
        ("ls ov/dist d2", "allow"),
    ],
)
def test_names_the_kernel_gives_through_other_mounts(
    kernel_names: tuple[Guard, Path], line: str, expected: str
) -> None:
    guard, work = kernel_names
    assert _decision(guard, line, work) == expected


# rt9: umount picks mounts in other ways than by the mount point it is given: by the source name (the tmpfs at the
# live dist is named tenmon-test), every mount of the same file system (-A: d2 is a bind of that tmpfs), the whole
# table (-a, -t TYPES; judged only, never run); mount --move SRC takes the mount at SRC away as umount does.
OTHER_WAYS_TO_UNMOUNT = [
    ("umount tenmon-test", "block"),
    ("umount -l tenmon-test", "block"),
    ("umount -A d2", "block"),
    ("umount --all-targets d2", "block"),
    ("umount -a -t tmpfs", "block"),
    ("umount -O size=0 -a", "block"),
    ("umount -a", "block"),
    ("mount --move ../live/dist own3", "block"),
    ("mount -M ../live/dist own3", "block"),
    ("mount -o move ../live/dist own3", "block"),
    ("mount --move --source lnk --target own3", "block"),  # through the link: the live dist
    # near misses: a file system of one's own, a second name, types not there, a dry run
    ("umount tenmon-other", "allow"),
    ("umount -A own2", "allow"),
    ("umount -a -t iso9660", "allow"),
    ("umount --fake -a", "allow"),
    ("mount --move d2 own3", "allow"),
    ("mount --move own2 own3", "allow"),
    ("mount -a", "allow"),
]


@pytest.mark.parametrize(("line", "expected"), OTHER_WAYS_TO_UNMOUNT)
def test_other_ways_to_unmount_are_judged_by_the_mounts_they_take(
    kernel_names: tuple[Guard, Path], line: str, expected: str
) -> None:
    guard, work = kernel_names
    assert _decision(guard, line, work) == expected
    assert _decision(guard, line, work, door="sudo") == expected
    # the text alone names the live dist only in mount --move ../live/dist (as in umount ../live/dist)
    text = "block" if "../live" in line else "allow"
    assert _decision(guard, line, work, door="check", disk=False) == text


@pytest.mark.parametrize(
    ("line", "hook"),
    [
        # find -L enters lnk (checked for real on a scratch tree: find -L . -type f -delete emptied the link's target)
        ("find -L . -name index.js -exec rm -f {} +", "warn"),
        ("find -L . -type f -delete", "warn"),
        ("find . -follow -delete", "warn"),
        ("chown -R -L app .", "warn"),
        ("chgrp -RL app .", "warn"),
        # a variable may hold a slash: ./$X is lnk/index.js as well as one name
        ("rm -f ./$X", "warn"),
        ('rm -f "./$X"', "warn"),
        # near misses: links not entered (removed or left as they are), a directory with no link in it
        ("find . -name index.js -exec rm -f {} +", "allow"),
        ("find . -type f -delete", "allow"),
        ("chown -R app .", "allow"),
        ("rm -rf ./*", "allow"),
        ("rm -f ./plain/$X", "allow"),
    ],
)
def test_writes_that_enter_the_links_below_them(place: tuple[Guard, Path], line: str, hook: str) -> None:
    """readme18: a recursive write that follows the links it meets (follow_links_options), and a relative path
    whose unknown part may hold a slash, reach the live dist through lnk; both were allowed in every door."""
    guard, work = place
    assert _decision(guard, line, work) == hook
    assert _decision(guard, line, work, door="sudo") == ("block" if hook == "warn" else "allow")


def test_unmounting_the_kernel_interfaces_kills_nothing(place: tuple[Guard, Path]) -> None:
    """tldr's ``umount -a`` was refused by force-kill-by-kernel: it takes the mounts over /sys/fs/cgroup, which holds
    the API's cgroup.kill. No mount change writes a kernel interface file (knowledge: kernel_interfaces); content
    written to one still does. Judged against this machine's own mount table, which must have such a mount."""
    mounts = read_mounts() or ()
    taken = [m for m in mounts if m.point.startswith("/sys/fs/cgroup") and m.fstype not in ("sysfs", "proc")]
    assert taken, "this test needs a mount at /sys/fs/cgroup that umount -a takes (cgroup2, cgroup or tmpfs)"
    guard, work = place
    for door in ("hook", "sudo"):
        assert _decision(guard, "umount -a", work, door=door) == "allow"
        assert _decision(guard, "umount /sys/fs/cgroup", work, door=door) == "allow"
        kill = "echo 1 > /sys/fs/cgroup/system.slice/tenmon-ark-api.service/cgroup.kill"
        assert _decision(guard, kill, work, door=door) == "block"
        assert _decision(guard, "echo i > /proc/sysrq-trigger", work, door=door) == "block"


def test_a_mount_over_a_second_name_hides_the_live_dist_only_through_a_shared_peer(
    place: tuple[Guard, Path],
) -> None:
    """rt9 mount-over-a-private-second-name-refused: a mount made over a private bind of the live dist hides that
    name only (checked for real: the dist still holds index.js); over a shared peer it propagates onto the live dist
    (then empty). The live dist is a shared tmpfs, bound at work/peer (its peer) and at work/alias (private)."""
    guard, work = place
    live = work.parent / "live"
    peer, alias = work / "peer", work / "alias"
    peer.mkdir()
    alias.mkdir()
    commands = [
        ["mount", "-t", "tmpfs", "--make-shared", "tenmon-test", str(live / "dist")],
        ["mount", "--bind", str(live / "dist"), str(peer)],
        ["mount", "--bind", "--make-private", str(live / "dist"), str(alias)],
    ]
    with _mounts(commands):
        for line, expected in (
            ("mount -t tmpfs none alias", "allow"),
            ("mount --bind plain alias", "allow"),
            ("mount -t tmpfs none peer", "block"),
            ("mount --bind plain peer", "block"),
            ("mount -t tmpfs none lnk", "block"),  # the link leads to the live dist itself
            ("mount -t tmpfs none ..", "block"),  # above the live tree
        ):
            assert _decision(guard, line, work) == expected, line
            assert _decision(guard, line, work, door="sudo") == expected, line


def test_a_bind_over_a_parent_and_a_mount_moved_on_top_are_what_the_path_shows(tmp_path: Path) -> None:
    """live_dir is shown through the top mount at each point (a bind made later over its parent; a bind moved onto a
    tmpfs): the directory that top mount shows is the live tree, under its own name too."""
    for part in ("src2/sub/live/dist", "p2/sub", "src/live/dist", "stage", "st"):
        (tmp_path / part).mkdir(parents=True)
    t = str(tmp_path)
    commands = [
        ["mount", "-t", "tmpfs", "tenmon-test", f"{t}/p2/sub"],
        ["mount", "--bind", f"{t}/src2", f"{t}/p2"],
        ["mount", "-t", "tmpfs", "tenmon-test", f"{t}/st"],
    ]
    with _mounts(commands), _mounts([["mount", "--bind", f"{t}/src", f"{t}/stage"]]):
        moved = subprocess.run(["mount", "--move", f"{t}/stage", f"{t}/st"], capture_output=True, text=True)
        assert moved.returncode == 0, moved.stderr
        try:
            for live, written in ((f"{t}/p2/sub/live", f"{t}/src2/sub/live/dist"), (f"{t}/st/live", f"{t}/src/live")):
                guard = Guard(load_policy([POLICY], {"live_dir": live}))
                assert _decision(guard, f"rm -rf {written}", tmp_path) == "block"
                assert _decision(guard, f"rm -rf {t}/src2/x {t}/src/x", tmp_path) == "allow"
        finally:  # the moved bind is at st now: back to stage, where _mounts unmounts it
            subprocess.run(["mount", "--move", f"{t}/st", f"{t}/stage"], check=True)


# rt8: a program the guard does not know, given a path through a link on disk (or run in a directory a link leads
# into the live tree), is judged as with the live path itself: a doubt (the hook warns, the agent and sudo doors
# refuse). lnk -> LIVE/dist, l2 -> LIVE, f.js -> LIVE/dist/index.js. make is known since round 19 to build the
# project it runs in (its Makefile's rules write there): in the tree a link leads into, a write of it.
UNKNOWN_THROUGH_LINKS = [
    ("printf ',d\\nw\\nq\\n' | ed -s lnk/index.js", "warn"),
    ("sqlite3 lnk/index.js .dump", "warn"),
    ("make -C lnk clean", "block"),
    ("vim f.js", "warn"),
    ("cd l2 && make clean", "block"),
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


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("rm -rf lnk/$X", "block"),  # whatever $X is, it is in the directory the link leads to
        ("rm -rf l2/$(ls)", "block"),
        ("echo x > lnk/$N", "block"),
        ("find lnk/ -type f -exec rm {} \\;", "block"),  # the found names are under where the link leads
        ("rm -rf plain/$X", "allow"),
    ],
)
def test_a_word_with_parts_not_known_is_followed_by_its_known_directory(
    place: tuple[Guard, Path], line: str, expected: str
) -> None:
    """The helper of red team 8's round: a path with an unknown part was never followed on disk."""
    guard, work = place
    assert _decision(guard, line, work) == expected
    assert _decision(guard, line, work, door="check", disk=False) == "allow"


def test_the_name_a_copy_gets_is_one_name(copies: tuple[Guard, Path]) -> None:
    """The name a copy of a source not known gets in a directory is one file name (a basename holds no /): only the
    links directly in the directory may be it, not links further below (the everyday-lines hunt: ``cp_out() { cp
    "$1" /tmp/; }`` walked all of a big /tmp). A path that goes on below an unknown part still looks below."""
    guard, h = copies
    box = h / "box"
    (box / "inner").mkdir(parents=True)
    (box / "inner" / "lnk").symlink_to(h.parent / "live")
    assert _decision(guard, 'cp_out() { cp "$1" ./; }; cp_out ../new.txt', box) == "allow"
    assert _decision(guard, "rm -rf ./$X/dist", box) == "warn"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # find without -L does not go through links below its start: {} is one of the names -name gives
        ("find . -name '*.log' -exec truncate -s 0 {} +", "allow"),
        ("find . -name f.js -exec truncate -s 0 {} +", "warn"),  # f.js itself is a link to a live file
        ("find -L . -name '*.log' -exec truncate -s 0 {} +", "warn"),  # -L: through lnk, into the live dist
        ("find . -name '*.log' -exec rm -f {} +", "allow"),
    ],
)
def test_what_find_exec_is_given_is_an_entry_of_its_names(place: tuple[Guard, Path], line: str, expected: str) -> None:
    """The agent-door hunt: find -exec at a directory holding a link into the live tree was a doubt whatever it
    matched."""
    guard, work = place
    assert _decision(guard, line, work) == expected


def test_a_copied_directory_holding_a_link_that_leads_nowhere_is_harmless(copies: tuple[Guard, Path]) -> None:
    """The agent-door hunt: an editor's lock link (``.#index.ts -> user@host.123:456``) or a stale ``.bin`` link
    made every path below a copy of its directory a doubt; a link that leads nowhere is harmless unless the line
    makes where it leads."""
    guard, h = copies
    (h / "newdir" / ".#index.ts").symlink_to("root@devbox.12345:1700000000")
    assert _decision(guard, "cp -r newdir s2 && rm -rf s2/routes", h) == "allow"
    assert _decision(guard, "mv newdir src.old && echo x > src.old/index.ts", h) == "allow"
    made = "ln -s ../../live newdir/root@devbox.12345:1700000000; cp -a newdir s2; rm -rf s2/.#index.ts/dist"
    assert _decision(guard, made, h) in ("warn", "block")


@pytest.mark.parametrize(
    ("line", "hook", "text_only"),
    [
        ('rm -rf "$(realpath l2)/dist"', "block", "allow"),  # realpath prints where the link leads
        # (text only: an archive not known extracted into a directory not known may write anything below it)
        ('tar -xf /tmp/a.tar -C "$(readlink -f l2)"', "block", "warn"),
        (': > "$(realpath f.js)"', "block", "allow"),
        ('rm -rf "$(readlink l2)/dist"', "block", "allow"),  # the link's target, as written in it (absolute here)
        # dirname prints lnk: rm removes the link itself, as ``rm -rf lnk`` (checked: the live dist stays); with a
        # slash after it, where the link leads (dirname's output was not known before 51d53db, and its argument,
        # which leads into the live tree, was judged instead: a block)
        ('rm -rf "$(dirname lnk/index.js)"', "allow", "allow"),
        ('rm -rf "$(dirname lnk/index.js)/"', "block", "allow"),
        ("find lnk/ -name '*.js' | xargs rm -f", "block", "warn"),
        ('rm -rf "$(realpath plain)/dist"', "allow", "allow"),
        ('rm -f "$(dirname f.js)/x"', "allow", "allow"),  # dirname does not follow the last link: f.js's own directory
    ],
)
def test_what_a_path_producer_prints_is_followed_through_links_on_disk(
    place: tuple[Guard, Path], line: str, hook: str, text_only: str
) -> None:
    """fuzz round 14: ``rm -rf "$(realpath LINK)/dist"`` was allowed by the hook while ``rm -rf LINK/dist`` was
    refused: the producer's argument was judged as text only. The check door reads text only."""
    guard, work = place
    assert _decision(guard, line, work) == hook
    assert _decision(guard, line, work, door="check", disk=False) == text_only


def test_rm_of_what_dirname_prints_removes_the_link_not_where_it_leads(place: tuple[Guard, Path]) -> None:
    """``rm -rf "$(dirname lnk/index.js)"`` is ``rm -rf lnk``: a real bash removes the link and leaves the live dist
    it leads to whole, so the line is allowed; with a slash after it, rm goes where the link leads (refused)."""
    guard, work = place
    live_dist = Path(os.readlink(work / "lnk"))
    assert _decision(guard, 'rm -rf "$(dirname lnk/index.js)"', work) == "allow"
    assert _decision(guard, 'rm -rf "$(dirname lnk/index.js)/"', work) == "block"
    subprocess.run(["bash", "-c", 'rm -rf "$(dirname lnk/index.js)"'], cwd=work, check=True)
    assert not (work / "lnk").is_symlink() and (live_dist / "index.js").exists()
