"""The engine's own behaviour between parsers and doors."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from stand_ins import bash_in_work, logged, pkill_stand_in, run_bash

from tenmon_guard import paths
from tenmon_guard.builder import MAX_MOVED_CALLS
from tenmon_guard.effects import ext_command
from tenmon_guard.engine import Context, Guard
from tenmon_guard.policy import load_policy
from tenmon_guard.verdict import Decision

POLICY = Path(__file__).resolve().parent.parent / "policies" / "tenmon-ark.yaml"


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard(load_policy([str(POLICY)], {}))


def test_the_last_texts_models_are_read_once(guard: Guard) -> None:
    """The hook door reads a line's command words, then checks it: the second reading is the first's models."""
    first = guard.models("ls /tmp; pkill node", Context(door="hook"))
    again = guard.models("ls /tmp; pkill node", Context(door="hook"))
    assert again == first and all(a is b for a, b in zip(again, first, strict=True))
    other = guard.models("ls /tmp; pkill node", Context(door="hook", cwd="/opt"))
    assert all(a is not b for a, b in zip(other, first, strict=True))  # another context is another reading
    assert guard.check("ls /tmp; pkill node", Context(door="hook")).decision.label == "block"


# A file written directly (an agent's Write tool) is judged as bash's ``> 'PATH'`` is: same rules, same decisions,
# relative paths, ``..`` and /proc links resolved the same way, from every kind of cwd.
WRITTEN = [
    "/opt/tenmon-ark-live/dist/index.js",
    "/opt/tenmon-ark-live",
    "/opt/tenmon-ark-live-old/x",
    "/opt/tenmon-ark-repo/api/src/index.ts",
    "/tmp/../opt/tenmon-ark-live/x",
    "//opt//tenmon-ark-live/./x",
    "/opt/tenmon-ark-live/../tenmon-ark-repo/x",
    "/proc/self/root/opt/tenmon-ark-live/x",
    "/proc/self/cwd/x",
    "/proc/1/cwd/x",
    "/dev/fd/3/dist/index.js",
    "/proc/self/fd/0/x",
    "dist/index.js",
    "../tenmon-ark-live/dist/a",
    "",
    "/opt/tenmon-ark-live/*",
    "/opt/tenmon-ark-*/x",
    "$HOME/x",
    "/sys/fs/cgroup/system.slice/tenmon-ark-api.service/cgroup.kill",
    "/proc/sysrq-trigger",
]


@pytest.mark.parametrize("cwd", ["/tmp", "/opt/tenmon-ark-live", "/opt/tenmon-ark-live/dist/../..", None])
def test_a_direct_write_is_judged_as_a_redirection_to_its_path(guard: Guard, cwd: str | None) -> None:
    context = Context(door="agent", cwd=cwd, proc_root="/proc")
    for path in WRITTEN:
        direct = guard.check_write(path, context)
        shell = guard.check("> " + shlex.quote(path), context)
        assert [(f.rule, f.decision) for f in direct.findings] == [(f.rule, f.decision) for f in shell.findings], path
        assert direct.decision == shell.decision
        assert direct.command == path and all(f.span == (0, len(path)) for f in direct.findings)


def test_a_path_beneath_a_descriptor_is_not_known() -> None:
    """/dev/fd/N, /dev/stdin and /proc/PID/fd/N lead to what is open there, a directory too: beneath one, a path
    is not known (``rm -rf /dev/fd/3/dist 3</opt/tenmon-ark-live`` removes the live tree's dist)."""
    for path in (
        "/dev/fd/3/dist",
        "/dev/fd/3/",
        "/dev//fd/3/x",
        "/dev/stdin/x",
        "/proc/self/fd/3/dist",
        "/proc/thread-self/fd/0/",
        "/proc/1/fd/4/x",
        "/proc/self/fd/3/..",
        "/proc/1/task/1/fd/3/x",
    ):
        assert paths.resolve(path, "/tmp") is None, path
    for path in ("/dev/fd/3", "/dev/stdin", "/proc/self/fd/3", "/proc/self/fd/", "/dev/fd/../null"):
        assert paths.resolve(path, "/tmp") is not None, path


def test_git_ext_commands_are_split_as_git_splits_them() -> None:
    """git's ext:: transport splits its command at spaces itself: ``% `` is a space inside an argument, ``%%`` a
    percent, ``%s``/``%S`` the service, and an argument starting ``%G``/``%V`` is git's own."""
    assert ext_command("sh -c pkill% -9% node") == "sh -c 'pkill -9 node'"
    assert ext_command("ssh -p 2222 %G/repo host git-%s") == "ssh -p 2222 host git-upload-pack"
    assert ext_command("sh -c echo% %%s") == "sh -c 'echo %s'"
    assert ext_command("  a%") == "a%"


def test_a_relative_write_without_a_cwd_is_not_known(guard: Guard) -> None:
    unknown = guard.check_write("dist/index.js", Context(door="agent"))
    assert [(f.rule, f.decision.label) for f in unknown.findings] == [("unknown-target", "block")]
    inside = guard.check_write("dist/index.js", Context(door="agent", cwd="/opt/tenmon-ark-live"))
    assert [(f.rule, f.decision.label) for f in inside.findings] == [("live-dir-direct-write", "block")]


def test_a_direct_write_loads_no_parser() -> None:
    """There is no shell text: an agent's Write costs the policy and the matcher, not tree-sitter or bashlex."""
    code = (
        "import sys\n"
        "from tenmon_guard.engine import Context, Guard\n"
        "from tenmon_guard.policy import load_policy\n"
        f"guard = Guard(load_policy([{str(POLICY)!r}], {{}}))\n"
        "verdict = guard.check_write('/opt/tenmon-ark-live/dist/index.js', Context(door='agent'))\n"
        "assert verdict.decision.label == 'block', verdict\n"
        "loaded = [m for m in sys.modules if m.startswith(('bashlex', 'tree_sitter')) or m.endswith('_backend')]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def _past_the_limit(tail: str) -> str:
    """A line whose first calls spend the re-reading of calls made where a function may run something else."""
    calls = " ".join(f"d=/tmp/{n}; g;" for n in range(MAX_MOVED_CALLS + 6))
    return f"d=/tmp; g() {{ ls $d; }}; {calls} {tail}"


@pytest.mark.parametrize(
    "tail",
    [
        "f() { rm -rf dist; }; cd /opt/tenmon-ark-live; f",
        "pkill() { :; }; f() { pkill node; }; unset -f pkill; f",
    ],
)
def test_a_call_past_the_limit_of_calls_read_again_is_a_doubt(guard: Guard, tail: str) -> None:
    """Calls of a function where it may run something else (another directory, other values, a function it
    calls gone) are read again up to a limit; past it the call is not followed, and the guard says it cannot
    decide instead of taking the body as read where it was defined (which allowed these)."""
    verdict = guard.check(_past_the_limit(tail), Context())
    assert verdict.decision.name == "WARN"
    assert any(f.rule == "unknown-command" and "past" in f.message for f in verdict.findings)


def test_a_call_of_a_function_that_changes_the_shell_past_the_limit_is_a_doubt_where_it_moves(guard: Guard) -> None:
    """A function that changes the caller's shell (``x=1``) was read again at each call on a budget of its own,
    moved or not; past it, a call where the body runs something else was passed over in silence (stop 27: the last
    call, with D the live tree, allowed). Calls where it does not move no longer spend the calls read where it does,
    and past those a call is a doubt."""
    calls = "; ".join(["f"] * (MAX_MOVED_CALLS + 6))
    define = 'D=/tmp; f() { x=1; rm -rf "$D/dist"; }'
    verdict = guard.check(f"{define}; {calls}; D=/opt/tenmon-ark-live; f", Context(door="lint"))
    assert verdict.decision == Decision.BLOCK, verdict
    moving = "; ".join(f"D=/tmp/{n}; f" for n in range(MAX_MOVED_CALLS + 6))
    verdict = guard.check(f"{define}; {moving}; D=/opt/tenmon-ark-live; f", Context(door="lint"))
    assert any(f.rule == "unknown-command" and "past" in f.message for f in verdict.findings), verdict


def test_a_call_past_the_limit_that_runs_only_readers_is_no_doubt(guard: Guard) -> None:
    verdict = guard.check(_past_the_limit("f() { uname -a; }; cd /opt/tenmon-ark-live; f"), Context())
    assert not any("past" in f.message for f in verdict.findings)


@pytest.mark.parametrize(
    ("text", "decision"),
    [
        ("fc -s pkill", "block"),
        ("fc -e - pkill", "block"),
        ("fc -s", "block"),
        ("fc", "block"),  # the editor's text then runs
        ("fc -e vim -5", "block"),
        ("fc -s $X", "block"),
        ("fc -l", "allow"),
        ("fc -ln -5", "allow"),
        ("fc -nl 1 3", "allow"),
        ("fc -l -s", "block"),  # (bash: -s re-runs even with -l; round 21)
        ("fc -ls", "block"),
        ("fc -l -e -", "block"),
        ("fc -l -e vim", "allow"),  # (-l with an editor only lists)
        ("fc -el 1", "block"),  # (round 22: -e takes the rest of its word: the editor l, not -l)
        ("fc -l -e- 1", "block"),
        ("echo fc -s", "allow"),
    ],
)
def test_fc_running_a_history_line_is_unread_text(guard: Guard, text: str, decision: str) -> None:
    """fc runs a line of the shell's history, which the guard does not see (sessions without the guard leave lines
    there): text it cannot read, refused at the prompt, though bash reads it. Listing runs nothing."""
    verdict = guard.check(text, Context(door="hook"))
    assert verdict.decision.label == decision
    if decision == "block":
        assert [f.rule for f in verdict.findings] == ["unread"]
        assert "history" in verdict.findings[0].message


@pytest.mark.parametrize(
    "script",
    [
        "printf 'pkill node' > k; chmod +x k; ./k",  # no #! line: bash runs the file itself
        "printf '#!/bin/sh\\npkill node\\n' > k; chmod +x k; ./k",
        "printf '#!/usr/bin/env sh\\npkill node\\n' > k; chmod +x k; env ./k",
    ],
)
def test_a_file_the_line_wrote_is_read_where_it_runs_by_its_path(guard: Guard, script: str, tmp_path: Path) -> None:
    """A file the line writes and then runs by its path runs what it holds (bash itself when it has no #! line,
    else the interpreter named there): it is read as ``sh FILE`` is, never passed over as a program on disk."""
    ran, pkilled, work = bash_in_work(tmp_path, script)
    assert (ran.returncode, pkilled) == (0, "node\n"), ran.stderr
    verdict = guard.check(script, Context(door="hook", cwd=str(work)))
    assert verdict.decision == Decision.BLOCK
    assert {f.rule for f in verdict.findings} == {"kill-app-bypassing-systemd"}


@pytest.mark.parametrize(
    ("line", "unknown"),
    [
        ("pwsh -e cABrAGkAbABsACAAbgBvAGQAZQA=", True),  # -EncodedCommand's shortest
        ("pwsh -EC cABrAGkAbABsACAAbgBvAGQAZQA=", True),
        ("pwsh -ep Bypass --encodedcom cABrAGkAbABsACAAbgBvAGQAZQA=", True),  # past a parameter's value
        ("pwsh /co pkill node", True),  # -Command: the words after it, joined
        ("pwsh -ex Bypass -c Get-Date", False),
        ("pwsh -f ./x.ps1 -e node", False),  # the script's own arguments
        ("pwsh ./x.ps1 -c pkill node", False),  # the first word naming no parameter is the script
    ],
)
def test_powershell_parameters_are_read_as_pwsh_reads_them(guard: Guard, line: str, unknown: bool) -> None:
    """pwsh takes a parameter after -, -- or /, case-insensitively, by any prefix at least as long as its shortest,
    the first of its list that fits (CommandLineParameterParser); -EncodedCommand's value is code not read."""
    verdict = guard.check(line, Context(door="hook", cwd="/tmp"))
    assert ({f.rule for f in verdict.findings} == {"unknown-command"}) is unknown, verdict


@pytest.mark.parametrize(
    ("line", "kills"),
    [
        ("python3 -c 'import os; os.kill(int(open(\"/run/a.pid\").read()), 9)'", True),
        ("python3 -c 'import psutil; psutil.Process(int(open(\"/run/a.pid\").read())).kill()'", True),
        ("ruby -e 'Process.kill(:KILL, File.read(\"/run/a.pid\").to_i)'", True),
        ("php -r 'posix_kill((int) file_get_contents(\"/run/a.pid\"), SIGKILL);'", True),
        ("perl -e 'kill -9, getpgrp'", True),
        ("python3 -c 'import os; os.kill(9999, 15)'", False),
        ("node -e 'process.kill(process.pid, 0)'", False),
        ("perl -e 'print 9'", False),
    ],
)
def test_code_that_sends_sigkill_is_an_unknown_command(guard: Guard, line: str, kills: bool) -> None:
    """Code the guard does not read that sends SIGKILL (knowledge force_kill) may send it to the API's PID, read
    from a file or a listing, as kill -9 \"$PID\" may: an unknown command even when it names no app term."""
    verdict = guard.check(line, Context(door="hook", cwd="/tmp"))
    assert ({f.rule for f in verdict.findings} == {"unknown-command"}) is kills, verdict


@pytest.mark.parametrize(
    "script",
    [
        "read x; (( x ))",
        "read x; echo $(( x + 1 ))",
        "read x; [[ $x -eq 1 ]]",
        "read x; a[x]=1",
        'read -r x; echo "${!x}"',
        'read -r name; printf -v "$name" %s 1',
        'read -r name; declare -n r="$name"; echo $r',
    ],
)
def test_a_value_read_as_the_line_runs_is_code_where_bash_evaluates_it(
    guard: Guard, script: str, tmp_path: Path
) -> None:
    """Arithmetic evaluates the value of each variable it names, and a variable name given to a builtin has its
    subscript evaluated: a value read on stdin (typed, or from a pipe) may be a[$(cmd)], which bash then runs."""
    bin_dir, log = pkill_stand_in(tmp_path)
    bash = run_bash(["-c", f"printf '%s\\n' 'a[$(pkill node)]' | {{ {script}; }}"], bin_dir)
    assert logged(log) == "node\n", bash.stderr
    verdict = guard.check(script, Context(door="hook", cwd="/tmp"))
    assert {f.rule for f in verdict.findings} == {"unknown-command"}, verdict


def test_a_value_read_from_a_file_or_used_as_text_is_no_code(guard: Guard) -> None:
    """A file's contents are not judged (as a script file's are not), nor a value read and only printed or
    compared as text; nor the quoted key of an array the line does not make indexed (most likely associative)."""
    for script in (
        "read -r x < count.txt; (( x > 0 ))",
        "read -r x; printf '%s\\n' \"$x\"; [[ $x == y ]]",
        'read -r k; echo "${SEEN["$k"]}"; SEEN+=(["$k"]=1)',
    ):
        assert guard.check(script, Context(door="hook", cwd="/tmp")).findings == (), script


@pytest.mark.parametrize(
    ("line", "rules"),
    [
        ("socat - 'EXEC:pkill node,pty'", {"kill-app-bypassing-systemd"}),
        ("socat -u 'exec:ls!!system:pkill node' -", {"kill-app-bypassing-systemd"}),
        ("socat - 'EXEC:\"pkill node,x\"'", {"unknown-command"}),
        ('socat - "EXEC:$CMD"', {"unknown-command"}),
        ("socat - EXEC:cat,pty", set()),
        ("socat - TCP:localhost:3000", set()),
    ],
)
def test_socat_addresses_are_read_up_to_their_options(guard: Guard, line: str, rules: set[str]) -> None:
    """socat runs the command of an EXEC: or SYSTEM: address (any case); its options follow a comma and two
    addresses may share an operand joined by !!. A command holding socat's own quoting is not known."""
    verdict = guard.check(line, Context(door="hook", cwd="/tmp"))
    assert {f.rule for f in verdict.findings} == rules, verdict


@pytest.mark.parametrize(
    ("script", "rules"),
    [
        ("printf 'pkill node' > k.sh; bash k.s*", {"kill-app-bypassing-systemd"}),  # a glob naming the file written
        ("printf 'pkill node' > k.sh; source [k].sh", {"kill-app-bypassing-systemd"}),
        ("printf 'pkill node\\n' > k; split -l1 k p_; bash p_aa", {"unknown-command"}),  # split's pieces
        ("printf 'pkill node\\n' > k; split -l1 k; chmod +x xaa; ./xaa", {"unknown-command"}),  # its default prefix
        ("printf 'pkill node\\n' > k; sort -o t k; sh t", {"unknown-command"}),  # a file written by an option
        ("printf 'pkill node\\n' > k; uniq k t; . ./t", {"unknown-command"}),  # by an operand
        # a path not known under where the line wrote it (find's {}, a loop variable), or what find or ls print
        ("mkdir d; echo 'pkill node' > d/x.sh; chmod +x d/x.sh; find d -exec {} \\;", {"kill-app-bypassing-systemd"}),
        ("mkdir d; echo 'pkill node' > d/x.sh; for f in $(ls d); do bash d/$f; done", {"kill-app-bypassing-systemd"}),
        ("mkdir d; echo 'pkill node' > d/x.sh; find d -type f | xargs bash", {"kill-app-bypassing-systemd"}),
        ('mkdir d; echo \'pkill node\' > d/x.sh; bash "$(find "$PWD/d" -type f)"', {"kill-app-bypassing-systemd"}),
        ("mkdir d; echo 'pkill node' > d/x.sh; ls d/*.sh | xargs -n1 sh", {"kill-app-bypassing-systemd"}),
        ("mkdir d; echo 'pkill node' > d/x.sh; echo : > d/y; find d -type f | xargs -n1 sh", {"unknown-command"}),
        ('cp "$(command -v pkill)" x && ./x node', {"unknown-command"}),  # a copy of a program not known
        # a script read from a process substitution whose commands wrote a file too: what they print is still read
        # (stop 22: allowed for a while, the path not known taken for one under a written file and found none)
        ("echo 'pkill node' > f; source <(cat f | tee o)", {"unknown-command"}),
        ("echo 'pkill node' > f; bash <(cat f > o; cat o)", {"unknown-command"}),
    ],
)
def test_a_file_made_on_the_line_is_read_where_it_runs(
    guard: Guard, script: str, rules: set[str], tmp_path: Path
) -> None:
    """A file a command of the line made, by a redirection, an option or an operand, and that a shell then runs
    (by a glob that names it too) runs what it holds: the text written when the guard knows it, else text not known
    (an unknown command), never a file on disk passed over."""
    ran, pkilled, work = bash_in_work(tmp_path, script)
    assert (ran.returncode, pkilled) == (0, "node\n"), ran.stderr
    verdict = guard.check(script, Context(door="hook", cwd=str(work)))
    assert {f.rule for f in verdict.findings} == rules, verdict


def test_a_file_only_chmodded_or_copied_from_disk_is_a_file_on_disk(guard: Guard) -> None:
    """chmod, touch and a copy of a file on disk leave what the file holds as it was (knowledge keeps_contents): a
    script on disk, not judged; nor is the command's own write (make -C DIR writes DIR and reads DIR/Makefile)."""
    for script in (
        "echo x > /tmp/log; chmod +x ./deploy.sh && ./deploy.sh",
        "echo x > /tmp/log; cp /srv/tools/run.sh /tmp/run.sh && bash /tmp/run.sh",
        "echo x > /tmp/log; make -C /opt/tenmon-ark-repo/api",
    ):
        assert guard.check(script, Context(door="hook", cwd="/tmp")).findings == (), script


@pytest.mark.parametrize(
    "script",
    [
        "printf 'import os; os.system(\"pkill node\")\\n' > json.py; python3 -c 'import json'",
        "mkdir p; printf 'import os; os.system(\"pkill node\")\\n' > p/json.py; PYTHONPATH=p python3 -c 'import json'",
        "mkdir pl; printf 'system(\"pkill node\");1;\\n' > pl/X.pm; PERL5LIB=pl perl -MX -e 1",
        "mkdir pl; printf 'system(\"pkill node\");1;\\n' > pl/X.pm; perl -Ipl -MX -e 1",
    ],
)
def test_a_module_written_where_imports_are_looked_for_is_code(guard: Guard, script: str, tmp_path: Path) -> None:
    """A module the line writes where the interpreter looks for the ones its code imports (python's cwd for -c and
    PYTHONPATH, perl's PERL5LIB and -I) is what ``import json`` or ``-MX`` loads: its code is judged (here code the
    guard does not read that runs a command naming the app: an unknown command), never passed over."""
    assert shutil.which("python3") and shutil.which("perl"), "python3 and perl are needed"
    ran, pkilled, work = bash_in_work(tmp_path, script)
    assert (ran.returncode, pkilled) == (0, "node\n"), ran.stderr
    verdict = guard.check(script, Context(door="hook", cwd=str(work)))
    assert {f.rule for f in verdict.findings} == {"unknown-command"}, verdict
    isolated = script.replace("python3 -c", "python3 -I -c")
    if isolated != script and "PYTHONPATH" not in script:
        assert guard.check(isolated, Context(door="hook", cwd=str(work))).findings == (), isolated


@pytest.mark.parametrize(
    ("line", "rules"),
    [
        ("git rebase -x 'pkill node' HEAD~1", {"kill-app-bypassing-systemd"}),
        ("git -C /srv/app difftool --extcmd='pkill node' HEAD", {"kill-app-bypassing-systemd"}),
        ("git grep -O'pkill node' x", {"kill-app-bypassing-systemd"}),
        ('git rebase -x "$CMD" HEAD~1', {"unknown-command"}),
        ("git clean -fdx -e 'pkill node'", set()),  # clean's -x takes no value; -e is a pattern
        ("git cherry-pick -x abc123", set()),
        ("git grep -O x", set()),  # -O's value is attached only: x is the pattern
    ],
)
def test_a_subcommand_option_value_is_shell_text_only_after_that_subcommand(
    guard: Guard, line: str, rules: set[str]
) -> None:
    """git rebase -x, difftool -x/--extcmd and grep -O run their value as shell text (knowledge
    subcommand_text_options); the same letters of other subcommands are other options."""
    verdict = guard.check(line, Context(door="hook", cwd="/tmp"))
    assert {f.rule for f in verdict.findings} == rules, verdict


@pytest.mark.parametrize(
    "script",
    [
        "mkdir b; printf '#!/bin/sh\\npkill node\\n' > b/ls; chmod +x b/ls; PATH=$PWD/b:$PATH ls",
        "printf '#!/bin/sh\\npkill node\\n' > tsc; chmod +x tsc; PATH=.:$PATH tsc",
        "mkdir b; printf '#!/bin/sh\\npkill node\\n' > b/git-x; chmod +x b/git-x; PATH=$PWD/b:$PATH git x",
    ],
)
def test_a_file_the_line_wrote_in_path_runs_by_its_name(guard: Guard, script: str, tmp_path: Path) -> None:
    """bash looks a command name up in PATH's directories in order (git x looks up git-x): a file the line wrote
    in one runs, read as it is when run by its path; a PATH not known may hold any directory."""
    ran, pkilled, work = bash_in_work(tmp_path, script)
    assert pkilled == "node\n", ran.stderr
    verdict = guard.check(script, Context(door="hook", cwd=str(work)))
    assert {f.rule for f in verdict.findings} == {"kill-app-bypassing-systemd"}, verdict


# Round 22: a module made by an option (curl -o, sort -o: text the guard does not know) where python looks for
# what it imports, including what it imports by itself as it starts (checked with python 3.11.2 and stubs that log
# their name: on PYTHONPATH, encodings, sitecustomize and usercustomize at every start, readline and rlcompleter
# in interactive mode; in the cwd, readline and rlcompleter for python3 -i whose stdin is no terminal; at a terminal
# they are imported before the cwd is searched, cpython gh-92345)
@pytest.mark.parametrize(
    "script",
    [
        "sort -o json.py ../src.txt; python3 -c 'import json'",
        "sort -o readline.py ../src.txt; python3 -i < /dev/null",
        "sort -o rlcompleter.py ../src.txt; python3 -i < /dev/null",
        "mkdir p; sort -o p/encodings.py ../src.txt; PYTHONPATH=p python3 -c pass",
        "mkdir p; sort -o p/usercustomize.py ../src.txt; PYTHONPATH=p python3 -c pass",
    ],
)
def test_a_module_made_where_imports_are_looked_for_is_code_not_known(
    guard: Guard, script: str, tmp_path: Path
) -> None:
    """A module a command made by an option (its text not known) where the interpreter looks for imports runs
    code the guard does not know, as a script file made so does: an unknown command (allowed before)."""
    assert shutil.which("python3") and shutil.which("sort"), "python3 and sort are needed"
    (tmp_path / "src.txt").write_text('import os; os.system("pkill node")\n')
    bin_dir, log = pkill_stand_in(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    home = f"HOME={shlex.quote(str(tmp_path))}"  # (an interactive python writes its history there)
    ran = run_bash(["-c", f"cd {shlex.quote(str(work))} && export {home} && {script}"], bin_dir)
    assert logged(log) == "node\n", ran.stderr
    verdict = guard.check(script, Context(door="hook", cwd=str(work)))
    assert {f.rule for f in verdict.findings} == {"unknown-command"}, verdict
    isolated = script.replace("python3 -", "python3 -I -")
    assert guard.check(isolated, Context(door="hook", cwd=str(work))).findings == (), isolated


# Round 22: a variable's value of several pieces, one a command's output, keeps that command as its producer
@pytest.mark.parametrize(
    ("script", "killed", "rule"),
    [
        ('P="$x $(pgrep node)"; kill -9 $P', "-9 17 4242", "sigkill-app"),
        ('P="$(pgrep node) $x"; kill -9 $P', "-9 4242 17", "sigkill-app"),
        ("P=$(pgrep node)$x; kill -9 $P", "-9 424217", "sigkill-app"),
        ("P=${x}$(pidof node); kill -9 $P", "-9 174242", "sigkill-app"),
        # the other piece may hold the app's PID whatever the producer selects: a doubt (allowed before: the
        # prefix "1" made the value one of a command's output alone)
        ('P="1 $(pgrep nginx) $x"; kill -9 $P', "-9 1 4242 17", "unknown-target"),
        ('P="1$x $(pgrep nginx)"; kill -9 $P', "-9 117 4242", "unknown-target"),
        # a loop over words of which one is a command's output: the variable may hold the others too (allowed before)
        ("for p in $x $(pgrep nginx); do kill -9 $p; done", "-9 17\n-9 4242", "unknown-target"),
        ('P="$x $(pgrep nginx)"; for p in $P; do kill -9 $p; done', "-9 17\n-9 4242", "unknown-target"),
        ('P="$x $(pgrep node)"; for p in $P; do kill -9 $p; done', "-9 17\n-9 4242", "sigkill-app"),
        # round 23: text glued to the output makes its first or last PID another number, one not known (allowed
        # before: read as the output alone); a sign or leading zeros keep it; a blank between splits it off
        ('P="1$(pgrep nginx)"; kill -9 $P', "-9 14242", "unknown-target"),
        ("kill -9 1$(pgrep nginx)", "-9 14242", "unknown-target"),
        ('P="$(pgrep nginx)0"; kill -9 $P', "-9 42420", "unknown-target"),
        ('P="1$(pgrep node)"; kill -9 $P', "-9 14242", "sigkill-app"),  # (node's other PIDs)
        ('P="0$(pgrep nginx)"; kill -9 $P', "-9 04242", None),
        ('P="1 $(pgrep nginx)"; kill -9 $P', "-9 1 4242", None),
        # a loop over known words and outputs: the body for each (a warning before: the variable may hold others)
        ("for p in 1 $(pgrep nginx); do kill -9 $p; done", "-9 1\n-9 4242", None),
        ("for p in 1 $(pgrep node); do kill -9 $p; done", "-9 1\n-9 4242", "sigkill-app"),
    ],
)
def test_a_value_of_pieces_keeps_its_producers(guard: Guard, script: str, killed: str, rule: str | None) -> None:
    """``P="$x $(pgrep node)"; kill -9 $P`` kills what pgrep node prints, whatever $x holds (real bash, with
    kill, pgrep and pidof as functions that only print): judged as ``kill -9 $(pgrep node)`` is (a warning
    before: the value of two pieces lost its producer)."""
    stand_ins = 'kill() { echo "$*"; }; pgrep() { echo 4242; }; pidof() { echo 4242; }; x=17; '
    bash = shutil.which("bash")
    assert bash is not None, "bash is needed to check what bash runs"
    ran = subprocess.run(
        [bash, "--norc", "-c", stand_ins + script], capture_output=True, text=True, timeout=30, check=False
    )
    assert ran.stdout == killed + "\n", ran.stderr
    verdict = guard.check(script, Context(door="hook", cwd="/tmp"))
    assert {f.rule for f in verdict.findings} == ({rule} if rule else set()), verdict


def test_a_value_of_pieces_is_no_path_of_its_producers(guard: Guard) -> None:
    """The producers a value of pieces keeps count for the PIDs it holds; as a path it is the variable not known
    it was (acme.sh's _initpath: tr and cut were given ``/``, which holds the live tree, and the mv was refused as
    a write of it once the value kept them)."""
    script = 'H="$(echo "$U" | tr -s / | cut -d / -f 2)"\nOLD="$C/$H"\nmv "$OLD/account.key" "$K"\n'
    for door in ("hook", "lint"):
        verdict = guard.check(script, Context(door=door, cwd="/tmp"))
        assert {f.rule for f in verdict.findings} == {"unknown-target"}, (door, verdict)


# Round 23: an archive extracted into a directory where the interpreter looks for modules, or above one (tar -x -C
# DIR): its entries are by names not known, one may be what the code imports (python 3.11 and node 20, run here on
# archives whose json.py and node_modules/x call the pkill stand-in)
@pytest.mark.parametrize(
    "script",
    [
        "mkdir w; tar -xf ../py.tar -C w; cd w && python3 -c 'import json'",
        "mkdir lib; tar -xf ../py.tar -C lib; PYTHONPATH=lib python3 -c 'import json'",
        "mkdir -p o/a/d; printf 'require(\"x\")' > o/a/d/i.js; tar -xf ../node.tar -C o; node o/a/d/i.js",
    ],
)
def test_a_module_extracted_where_imports_are_looked_for_is_code_not_known(
    guard: Guard, script: str, tmp_path: Path
) -> None:
    assert shutil.which("python3") and shutil.which("node") and shutil.which("tar"), "python3, node, tar are needed"
    src = tmp_path / "src"
    (src / "node_modules" / "x").mkdir(parents=True)
    (src / "json.py").write_text('import os; os.system("pkill node")\n')
    (src / "node_modules" / "x" / "index.js").write_text('require("child_process").execSync("pkill node")\n')
    subprocess.run(["tar", "-cf", str(tmp_path / "py.tar"), "-C", str(src), "json.py"], check=True)
    subprocess.run(["tar", "-cf", str(tmp_path / "node.tar"), "-C", str(src), "node_modules"], check=True)
    bin_dir, log = pkill_stand_in(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    ran = run_bash(
        ["-c", f"cd {shlex.quote(str(work))} && export HOME={shlex.quote(str(tmp_path))} && {script}"], bin_dir
    )
    assert logged(log) == "node\n", ran.stderr
    verdict = guard.check(script, Context(door="hook", cwd=str(work)))
    assert {f.rule for f in verdict.findings} == {"unknown-command"}, verdict
    elsewhere = script.replace("-C w;", "-C other;").replace("-C lib;", "-C other;").replace("-C o;", "-C other;")
    assert guard.check(elsewhere, Context(door="hook", cwd=str(work))).findings == (), elsewhere


# Round 24: the API started under a timer or a limit that kills it (the wrapper's options were dropped before the
# rules ran; allowed before in every door)
@pytest.mark.parametrize(
    ("script", "handled", "rule"),
    [
        ("timeout -s KILL 1 node dist/index.js", False, "sigkill-app"),
        ("timeout -k 1 1 node dist/index.js", True, "sigkill-app"),  # (TERM first: the stand-in's handler exits)
        ("timeout -s KILL 1 bash -c 'node dist/index.js; echo'", False, "sigkill-app"),
        ("prlimit --cpu=1 node dist/index.js", False, "sigkill-app"),
        ("ulimit -t 1; node dist/index.js", False, "sigkill-app"),
        ("timeout 1 node dist/index.js", True, None),  # a smoke test: TERM, node's handler runs
        ("ulimit -n 512; timeout 1 node dist/index.js", True, None),
    ],
)
def test_the_app_started_under_a_kill(
    guard: Guard, tmp_path: Path, script: str, handled: bool, rule: str | None
) -> None:
    """A stand-in node that handles TERM and burns CPU, run by a real bash: under timeout -s KILL, prlimit --cpu or
    ulimit -t its handler never runs (SIGKILL), and the line blocks as sigkill-app; a plain timeout sends TERM."""
    assert shutil.which("timeout") and shutil.which("prlimit"), "coreutils' timeout and util-linux' prlimit are needed"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    node = bin_dir / "node"
    node.write_text('#!/bin/bash\ntrap "echo HANDLED; exit 0" TERM\nwhile :; do :; done\n')
    node.chmod(0o755)
    ran = run_bash(["-c", script], bin_dir)
    assert ("HANDLED" in ran.stdout) == handled, (ran.stdout, ran.stderr)
    verdict = guard.check(script, Context(door="hook", cwd="/tmp"))
    assert {f.rule for f in verdict.findings} == ({rule} if rule else set()), verdict


# Round 24: curl's config files the line wrote: -K FILE, CURL_HOME/.curlrc, XDG_CONFIG_HOME/.curlrc (curl 7.88),
# and a config's upload-file with url = file:///PATH
@pytest.mark.parametrize(
    "script",
    [
        "printf 'output = LIVE/x.js\\n' > H/.curlrc; CURL_HOME=H curl -s file://SRC",
        "printf 'output = LIVE/x.js\\n' > H/.curlrc; XDG_CONFIG_HOME=H curl -s file://SRC",
        "printf 'upload-file = SRC\\nurl = file://LIVE/x.js\\n' > H/k; curl -s -K H/k",
        "printf -- '--output-dir LIVE\\n-O\\n' > H/k; curl -s -K H/k file:///tmp/../SRC",
    ],
)
def test_a_curl_config_the_line_wrote_writes_where_it_says(guard: Guard, tmp_path: Path, script: str) -> None:
    """A real curl reads the config the line wrote and writes into the (stand-in) live tree; the same line naming
    the live tree blocks (allowed before: CURL_HOME's .curlrc was not read, nor a config's url = file://)."""
    curl = shutil.which("curl")
    assert curl is not None, "curl is needed"
    live, home, src = tmp_path / "live", tmp_path / "h", tmp_path / "x.js"
    live.mkdir()
    home.mkdir()
    src.write_text("payload\n")
    real = script.replace("LIVE", str(live)).replace("H/", f"{home}/").replace("H ", f"{home} ")
    real = real.replace("SRC", str(src))
    ran = subprocess.run(
        ["bash", "--norc", "-c", real],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "nohome")},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert (live / "x.js").read_text() == "payload\n", (ran.stdout, ran.stderr)
    line = script.replace("LIVE", "/opt/tenmon-ark-live/dist").replace("H/", "/tmp/h/").replace("H ", "/tmp/h ")
    line = line.replace("SRC", "/tmp/x.js")
    verdict = guard.check(line, Context(door="hook", cwd="/tmp"))
    assert verdict.decision == Decision.BLOCK, verdict
    assert {f.rule for f in verdict.findings} == {"live-dir-direct-write"}, verdict


@pytest.mark.parametrize(
    ("script", "rule"),
    [
        ("limit cputime 1; node dist/index.js", "sigkill-app"),  # (zsh: SIGXCPU at the soft limit)
        ("limit -s addressspace 100k && node dist/index.js", "sigkill-app"),  # (SIGSEGV at start)
        ("limit descriptors 4096; node dist/index.js", None),
    ],
)
def test_zsh_limit_applies_to_what_the_shell_starts_after(
    guard: Guard, tmp_path: Path, script: str, rule: str | None
) -> None:
    """zsh's limit builtin, as bash's ulimit (round 24): a real zsh runs the stand-in node under it, which a
    signal ends (not its TERM handler); judged as prlimit's limit on that command."""
    zsh = shutil.which("zsh")
    assert zsh is not None, "zsh is needed to check what zsh runs"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    node = bin_dir / "node"
    node.write_text('#!/bin/bash\ntrap "exit 0" TERM\nend=$((SECONDS + 3)); while [ $SECONDS -lt $end ]; do :; done\n')
    node.chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "LC_ALL": "C"}
    ran = subprocess.run([zsh, "-f", "-c", script], env=env, capture_output=True, timeout=60, check=False)
    assert (ran.returncode < 0 or ran.returncode > 128) == (rule is not None), ran  # (a signal ended it)
    verdict = guard.check(script, Context(door="hook", cwd="/tmp"))
    assert {f.rule for f in verdict.findings} == ({rule} if rule else set()), verdict


def test_a_definitions_own_redirection_is_made_at_each_call(tmp_path: Path) -> None:
    """``f() { ...; } > "$2"`` opens its second argument at each call, whatever the body runs (bash makes the file
    though the case selects no item). A call read with its arguments made none of it: the definition's reading,
    where $2 is not known, was a doubt, and so was the line. The call names the live tree: refused."""
    live = tmp_path / "live"
    (live / "dist").mkdir(parents=True)
    script = f'f() {{ case $1 in a) echo;; esac; }} > "$2"\nf b {live}/dist/x\n'
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False)
    assert (live / "dist" / "x").exists(), done.stderr
    guard = Guard(load_policy([str(POLICY)], {"live_dir": str(live)}))
    assert guard.check(script, Context(door="lint", cwd="/tmp")).decision == Decision.BLOCK


def test_a_case_subject_is_one_word(tmp_path: Path) -> None:
    """bash neither splits nor globs a case's subject: with x='a b', ``case $x in 'a b')`` selects that item, and
    ``a)`` none. The subject was split as a command's arguments are, into two words, and then every item was taken
    to run (a pkill node that bash never runs was refused)."""
    ran, killed, _ = bash_in_work(tmp_path, "x='a b'; case $x in a) pkill node;; 'a b') pkill sshd;; esac")
    assert killed == "sshd\n", ran.stderr
    guard = Guard(load_policy([str(POLICY)], {}))
    verdict = guard.check("x='a b'; case $x in a) pkill node;; 'a b') pkill sshd;; esac", Context(door="lint"))
    assert verdict.decision == Decision.ALLOW, verdict
    verdict = guard.check("x='a b'; case $x in a) pkill sshd;; 'a b') pkill node;; esac", Context(door="lint"))
    assert verdict.decision == Decision.BLOCK, verdict


@pytest.mark.parametrize("line", ["x=pkillQ; ${x/q} node", "x=pkQillQ; ${x//q/} node", "x=Qpkill; ${x/#q} node"])
def test_a_replacement_that_may_ignore_case_is_not_known(tmp_path: Path, line: str) -> None:
    """bash replaces without regard to case under ``shopt -s nocasematch`` (which the hook does not send, and a
    line may set): these run pkill node there. They were allowed, the pattern matched as written (pkillQ runs
    nothing). What they make is not known now; a pattern whose match does not depend on case is still computed."""
    _, killed, _ = bash_in_work(tmp_path, f"shopt -s nocasematch; {line}")
    assert killed == "node\n"
    guard = Guard(load_policy([str(POLICY)], {}))
    assert guard.check(line, Context(door="hook")).decision == Decision.WARN
    assert guard.check("x=pkill-q; ${x/-q} node", Context(door="hook")).decision == Decision.BLOCK


# The bodies of a prompt's shell functions, as the bash hook sends them: bodies each parser reads whole, and ones
# bashlex cannot (case, [[ ]], arrays) or no parser can; the lines after them as typed.
PROMPT_BODIES = [
    'f () \n{ \n    "$@"\n}',
    'f () \n{ \n    if [ "$1" = kill ]; then\n        pkill node;\n    else\n        echo up;\n    fi\n}',
    'f () \n{ \n    cat <<EOF\n$1\nEOF\n\n    echo "$(( $2 + 1 ))"\n}',
    "f () \n{ \n    case $1 in \n        a)\n            pkill node\n        ;;\n    esac\n}",
    "f () \n{ \n    a=(1 2);\n    [[ $1 == x ]] && echo ${a[@]}\n}",
    "f () \n{ \n    echo $((\n}",
]
PROMPT_LINES = ["f x", "f kill; echo done # note", "x=$(f 1) && f a", "f <<EOF\nbody\nEOF", "f 'a"]


@pytest.mark.parametrize("body", PROMPT_BODIES)
def test_definitions_before_a_line_are_read_once_and_the_line_as_ever(body: str) -> None:
    """The hook door checks the definitions of the functions a line calls followed by the line, at each Enter: the
    definitions are read once (engine._after_definitions) and the line alone. Tree-sitter's reading of the whole
    text is the same. So is bashlex's when it reads the definitions whole; where it cannot (it then reads the whole
    text statement by statement), the line is read as it is with no definitions before it, and every command of
    the line is still there."""
    from tenmon_guard import engine
    from tenmon_guard.doors.serve import definitions

    defs = definitions({"f": body}).text
    for line in PROMPT_LINES:
        text = defs + line
        alone = engine.parse_tree_sitter_first(text)
        for _ in range(2):  # (the second time, the definitions kept)
            assert engine._after_definitions(engine.parse_tree_sitter_first, text, len(defs)) == alone
        whole = engine.parse_bashlex_first(text)
        split = engine._after_definitions(engine.parse_bashlex_first, text, len(defs))
        if not engine._BASHLEX.parse(defs).unread:
            assert split == whole, (body, line)
        else:
            assert split.unread == whole.unread and _simple_commands(split) == _simple_commands(whole), (body, line)


def _simple_commands(value: object) -> list[tuple[int, int]]:
    """Where the simple commands of a parsed text are, however its statements are grouped."""
    from dataclasses import fields, is_dataclass

    from tenmon_guard.syntax import SimpleCommand

    found: list[tuple[int, int]] = []
    if isinstance(value, SimpleCommand):
        found.append((value.span.start, value.span.end))
    if isinstance(value, (list, tuple)):
        for item in value:
            found += _simple_commands(item)
    elif is_dataclass(value) and not isinstance(value, type):
        for field in fields(value):
            found += _simple_commands(getattr(value, field.name))
    return sorted(found)


def test_a_function_defined_again_is_judged_by_its_new_body() -> None:
    """The definitions read are kept by their text: a function defined again at a later prompt is judged by what it
    is now, at once, and by what it was when it is defined back."""
    from tenmon_guard.doors.serve import Checker, Request

    checker = Checker(Guard(load_policy([str(POLICY)], {})), "hook")
    bodies = ["f () \n{ \n    echo up\n}", "f () \n{ \n    pkill node\n}"]
    decisions = []
    for n, body in enumerate([*bodies, *bodies, bodies[0]]):
        request = Request(id=n, command="f status", cwd=None, door="hook", functions={"f": body})
        decisions.append(checker.judge(request).decision)
    assert decisions == ["allow", "block", "allow", "block", "allow"]
