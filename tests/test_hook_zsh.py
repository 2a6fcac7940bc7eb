"""The interactive door in a real zsh: the hook sourced from .zshrc, driven through a pty.

Same world as the bash tests (a real ``node dist/index.js``, a temporary live_dir with dist/, the approved
scripts in a temporary repo_dir), same promises: a forbidden line leaves the app alive and dist/ intact, the screen
names the rule and the approved command, and the prompt holds the approved command; harmless lines run.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_hook_bash import (
    EVASIONS,
    HELPERS,
    PROBE,
    RESTART_NOTICE,
    SEEDS,
    GuardedShell,
    World,
    assert_a_restarted_checker_holds_no_lock_of_the_users,
    assert_a_restarted_checker_keeps_no_disk_busy,
    assert_allexport_goes_with_each_line,
    assert_cd_dash_goes_with_each_line,
    assert_cdpath_goes_with_each_line,
    assert_dirstack_goes_with_each_line,
    assert_failed_cd_stays,
    assert_guarded_without_proc,
    assert_hashed_programs_go_with_each_line,
    assert_history_expanded_again_is_judged,
    assert_history_reruns_are_refused,
    assert_history_verified,
    assert_home_goes_with_each_line,
    assert_ifs_goes_with_each_line,
    assert_last_job_goes_with_the_line,
    assert_limits_go_with_each_line,
    assert_names_past_the_scan_go_with_the_line,
    assert_odd_function_names_go_with_the_line,
    assert_real_directory_goes_with_each_line,
    assert_refused,
    assert_refused_after,
    assert_registered_functions_go_with_the_line,
    assert_selected_case_items,
    assert_variables_go_with_the_line,
    audit_records,
    checker_pid,
    clean,
    job_at_the_prompt,
    make_world,
    require_program,
    require_root,
    restart_told_of,
    shell_without_proc,
)

ZSH_SETUP = """\
setopt nounset ksh_arrays sh_word_split
unsetopt prompt_sp
alias k9='kill -9'
alias -g NODE='$(pgrep -f dist/index.js)'
alias -s pidx='pkill -9 node; :' txtx=cat
f() { pkill -9 node; }
stopit() { kill -9 "$@"; }
halt() { stopit "$@"; }
__tg_mine() { pkill -9 node; }
"""

# evasions whose bash spelling means the same in zsh
SHARED = [
    "alias-to-kill-9",
    "function-body",
    "function-arguments",
    "function-named-like-the-hook",
    "function-calls-function",
    "cd-then-relative",
    "cd-and-relative",
    "literal-pid",
    "xargs",
    "pidof",
    "bash-c",
    "env-wrapper",
    "backslash-command",
    "command-builtin",
    "eval",
    "loop",
    "time-wrapper",
    "mv-live",
    "redirect-into-live",
    "rsync-delete",
    "find-delete",
    "sudo-user",
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    require_program("zsh")
    yield from make_world(tmp_path_factory.mktemp("hook-zsh"))


@pytest.fixture(scope="module")
def zsh(world: World) -> Iterator[GuardedShell]:
    shell = GuardedShell(world, "zsh", setup=ZSH_SETUP)
    yield shell
    shell.close()


@pytest.fixture(autouse=True)
def home_dir(request: pytest.FixtureRequest) -> None:
    if "zsh" in request.fixturenames:
        shell = request.getfixturevalue("zsh")
        shell.type(f"cd {shell.world.home}")


@pytest.mark.parametrize("sudo", ["", "sudo "], ids=["plain", "sudo"])
@pytest.mark.parametrize("seed", SEEDS)
def test_seed_commands_are_refused(zsh: GuardedShell, world: World, seed: str, sudo: str) -> None:
    line = sudo + seed.format(port=world.port, live=world.live, repo=world.repo)
    assert_refused(world, zsh.type(line), world.verdict(line))


@pytest.mark.parametrize("name", SHARED)
def test_evasions_are_refused(zsh: GuardedShell, world: World, name: str) -> None:
    before, line, judged = EVASIONS[name]
    values = {"port": world.port, "live": world.live, "repo": world.repo, "pid": world.pid, "root": world.root}
    for step in before:
        zsh.type(step.format(**values))
    line = line.format(**values)
    judged = (judged or line).format(**values)
    cwd = None
    if judged.startswith("@live "):
        judged, cwd = judged[len("@live ") :], world.live
    assert_refused(world, zsh.type(line), world.verdict(judged, cwd))


@pytest.mark.parametrize(
    ("before", "line", "judged"),
    [
        (["print -s 'pkill -9 node'"], "!!", "pkill -9 node"),
        (["print -s 'fuser -k {port}/tcp'", "echo other"], "!fuser", "fuser -k {port}/tcp"),
        ([], "kill -9 NODE", "kill -9 $(pgrep -f dist/index.js)"),
        ([], "=fuser -k {port}/tcp", "fuser -k {port}/tcp"),  # =cmd is the command's path (bash: a word =fuser)
    ],
    ids=["bang-bang", "bang-prefix", "global-alias", "equals-command"],
)
def test_zsh_expansions_are_judged_as_they_run(
    zsh: GuardedShell, world: World, before: list[str], line: str, judged: str
) -> None:
    for step in before:
        zsh.type(step.format(port=world.port))
    assert_refused(world, zsh.type(line), world.verdict(judged.format(port=world.port)))


def test_pasted_multiline_is_judged_whole(zsh: GuardedShell, world: World) -> None:
    text = f"echo first-line\nrm -rf {world.live}/dist\necho third-line"
    typed = zsh.paste(text)
    assert_refused(world, typed, world.verdict(text))


def test_continued_command_is_judged_whole_and_abandoned(zsh: GuardedShell, world: World) -> None:
    zsh.child.send("for p in $(pgrep -f dist/index.js); do\r")
    typed = zsh.type("kill -9 $p; done")
    assert "BLOCKED" in typed.output and "sigkill-app" in typed.output
    # zle send-break left the continuation; the approved command waits on the new prompt
    assert typed.buffer.startswith("bash ") and "restart_api.sh" in typed.buffer
    world.assert_intact()


def test_multiline_loop_runs(zsh: GuardedShell) -> None:
    zsh.child.send("for i in 1 2; do\r")
    typed = zsh.type("echo loop-$i; done")
    assert "loop-1\nloop-2" in typed.output


def test_multiline_zsh_loop_runs(zsh: GuardedShell) -> None:
    """Round 18: zsh's own constructs typed over several lines were refused at their first line (``bash -n`` read
    ``for i (1 2) {`` as a syntax error, not as unfinished)."""
    zsh.child.send("for i (1 2) {\r")
    typed = zsh.type("echo zloop-$i }")
    assert "zloop-1\nzloop-2" in typed.output


def test_multiline_zsh_case_is_judged_whole(zsh: GuardedShell, world: World) -> None:
    zsh.child.send("case x {\r")
    typed = zsh.type("x) pkill -9 node ;; }")
    assert "BLOCKED" in typed.output
    world.assert_intact()


def test_global_alias_defined_and_used(zsh: GuardedShell, world: World) -> None:
    """Round 18: ``alias -g G='| grep'`` was refused (its text read as a command); the next line expands it (a
    global alias from the rc file hiding a kill, NODE in ZSH_SETUP: the global-alias case above)."""
    zsh.type("alias -g GX='| grep zsh-galias'")
    typed = zsh.type("print -l one zsh-galias-two GX")
    assert "zsh-galias-two" in typed.output and "one\n" not in typed.output
    assert "BLOCKED" in zsh.type("alias -g KX='; pkill -9 node'").output  # (its text runs a kill where used)
    world.assert_intact()


def test_suffix_aliases_are_judged_as_they_run(zsh: GuardedShell, world: World) -> None:
    """Round 18: zsh's suffix aliases (``alias -s pidx='pkill -9 node; :'`` in the rc file) make a command word
    ending in ``.pidx`` run the alias's text; the hook did not send them, and ``app.pidx`` was judged as a command
    named app.pidx. The hook sends the suffix aliases of the line's words; the checker expands them."""
    typed = zsh.type("app.pidx")
    assert "BLOCKED" in typed.output and "sigkill-app" in typed.output
    world.assert_intact()
    (world.home / "notes.txtx").write_text("suffix-alias-read\n")
    assert "suffix-alias-read" in zsh.type("notes.txtx").output


def test_autoloaded_functions_are_read_from_their_file(zsh: GuardedShell, world: World) -> None:
    """Round 18: a function marked for autoloading (how oh-my-zsh and prezto ship theirs) has a stub for a body,
    ``builtin autoload -XU``, until its first call; the hook sent the stub and ``tgkill`` was allowed while zsh
    loaded the file and ran ``pkill -9 node``. The hook sends the file's text (and a call after it, when the file
    defines the function: zsh then runs the file and calls the function)."""
    functions_dir = world.home / "zfuncs"
    functions_dir.mkdir(exist_ok=True)
    (functions_dir / "tgkill").write_text("pkill -9 node\n")
    (functions_dir / "tgkshkill").write_text("tgkshkill() {\n  pkill -9 node\n}\n")
    (functions_dir / "tghello").write_text("echo autoload-hello $1\n")
    zsh.type(f"fpath=({functions_dir} $fpath); autoload -Uz tgkill tgkshkill tghello")
    assert "autoload-hello you" in zsh.type("tghello you").output
    for line in ("tgkill", "tgkshkill", "echo; tgkill"):
        assert "BLOCKED" in zsh.type(line).output, line
    world.assert_intact()


@pytest.mark.parametrize(("keys", "label"), [("\x1ba", "accept-and-hold"), ("\x0f", "accept-line-and-down-history")])
def test_other_accepting_widgets_are_judged(zsh: GuardedShell, world: World, keys: str, label: str) -> None:
    typed = zsh.keys("pkill -9 node" + keys)
    assert "BLOCKED" in typed.output, label
    zsh.child.send("\x15")
    world.assert_intact()


def test_a_widget_calling_the_builtin_accept_is_caught_at_line_finish(zsh: GuardedShell, world: World) -> None:
    zsh.type("my-accept() { zle .accept-line }; zle -N my-accept; bindkey '^Xz' my-accept")
    typed = zsh.keys("echo not-yet; pkill -9 node; echo nor-this\x18z")
    assert "BLOCKED" in typed.output
    assert "not-yet\n" not in typed.output.replace("echo not-yet", "")
    ok = zsh.keys("echo via-own-widget\x18z")
    assert "via-own-widget" in ok.output.split("echo via-own-widget", 1)[-1]
    world.assert_intact()


def test_sourced_file_is_judged_command_by_command(zsh: GuardedShell, world: World) -> None:
    script = world.root / "sourced.zsh"
    script.write_text("echo sourced-start\npkill -9 node\necho sourced-end\n")
    typed = zsh.type(f"source {script}")
    assert "sourced-start" in typed.output and "BLOCKED" in typed.output
    assert "sourced-end" not in typed.output
    world.assert_intact()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("echo hello-from-zsh", "hello-from-zsh"),
        ("ls {live}/dist", "index.js"),
        ("bash {repo}/api/scripts/ops/restart_api.sh", "RESTARTED-BY-SCRIPT"),
        ("bash {repo}/api/scripts/deploy_live.sh", "DEPLOYED-BY-SCRIPT"),
        ("kill -0 {pid} && echo app-is-there", "app-is-there"),
    ],
)
def test_approved_and_harmless_commands_run(zsh: GuardedShell, world: World, line: str, expected: str) -> None:
    line = line.format(live=world.live, repo=world.repo, pid=world.pid)
    typed = zsh.type(line)
    assert "BLOCKED" not in typed.output
    assert expected in typed.output.split(line, 1)[-1], typed.output
    assert typed.buffer == ""
    world.assert_intact()


def test_home_goes_with_each_line(zsh: GuardedShell, world: World) -> None:
    assert_home_goes_with_each_line(zsh, world)


def test_cdpath_goes_with_each_line(zsh: GuardedShell, world: World) -> None:
    assert_cdpath_goes_with_each_line(zsh, world)


def test_the_directory_stack_goes_with_each_line(zsh: GuardedShell, world: World) -> None:
    assert_dirstack_goes_with_each_line(zsh, world, empty_sent=False)


def test_where_cd_dash_goes_goes_with_each_line(zsh: GuardedShell, world: World) -> None:
    """zsh's ``cd -`` goes to the directory it left even after OLDPWD is set elsewhere (zsh 5.9)."""
    assert_cd_dash_goes_with_each_line(zsh, world)
    assert_cd_dash_goes_with_each_line(zsh, world, f" && OLDPWD={world.root}")


def test_ifs_goes_with_each_line(zsh: GuardedShell, world: World) -> None:
    """zsh splits an unquoted ``$(...)`` and ``${=a}`` by IFS (``$a`` too, under this shell's sh_word_split)."""
    assert_ifs_goes_with_each_line(zsh, world, "${=a}")


def test_hashed_programs_go_with_each_line(zsh: GuardedShell, world: World) -> None:
    assert_hashed_programs_go_with_each_line(zsh, world, "hash ls=/bin/rm")


def test_allexport_goes_with_each_line(zsh: GuardedShell, world: World) -> None:
    assert_allexport_goes_with_each_line(zsh, world, "setopt allexport", "unsetopt allexport")


def test_the_shells_glob_options_go_with_each_line(zsh: GuardedShell, world: World) -> None:
    """The hook sends the user's options, read before its functions reset them (emulate -L zsh): with
    NO_CASE_GLOB set at an earlier prompt, ``rm -rf PARENT/LIV*/dist`` matches the live tree; refused, and the tree
    stays whole (it was allowed, and ran: the options were read after the reset, and never sent)."""
    line = f"rm -rf {world.live.parent}/LIV*/dist"
    assert_refused_after(zsh, world, "setopt nocaseglob", [line], ["unsetopt nocaseglob"])


def test_a_command_name_zsh_mends_is_judged(zsh: GuardedShell, world: World) -> None:
    """With CORRECT set at an earlier prompt, zsh asks ``correct 'tuoch' to 'touch' [nyae]?`` and on y runs touch
    (zsh 5.9): ``tuoch LIVE/dist/new`` is judged as touch too, refused before zsh asks, and the tree stays whole (it
    was allowed: a program of unknown name)."""
    line = f"tuoch {world.live}/dist/new"
    assert_refused_after(zsh, world, "setopt correct", [line], ["unsetopt correct"])


def test_an_argument_zsh_mends_is_judged(zsh: GuardedShell, world: World) -> None:
    """With CORRECT_ALL (oh-my-zsh's ENABLE_CORRECTION), zsh asks ``correct 'PARENT/lvie/dist' to 'PARENT/live/dist'
    [nyae]?`` for an argument that names nothing, and on y runs rm on the live dist (zsh 5.9): refused before zsh
    asks, and the tree stays whole (it was allowed: a path outside the live tree)."""
    line = f"rm -rf {world.live.parent}/lvie/dist"
    assert_refused_after(zsh, world, "setopt correctall", [line], ["unsetopt correctall"])


def test_a_function_registered_earlier_and_defined_again_is_judged(zsh: GuardedShell, world: World) -> None:
    undo = "precmd_functions=(${precmd_functions:#tgf})"
    assert_registered_functions_go_with_the_line(zsh, world, "tgf() { : }; precmd_functions+=(tgf)", undo)


def test_a_trap_that_changes_the_shell_between_later_lines_is_a_doubt(zsh: GuardedShell, world: World) -> None:
    """As in bash (test_hook_bash), and zsh's trap functions too: ``TRAPUSR2() { x=node; }`` runs on the signal,
    between the commands of later lines (it was allowed), and chpwd at each of their cds; one whose body changes
    nothing is not a doubt."""
    try:
        for line in ("trap 'tgx=node' USR2", "TRAPUSR2() { tgx=node }"):
            typed = zsh.type(line)
            assert "WARNING" in typed.output and "unknown-command" in typed.output, (line, typed.output)
            zsh.type("trap - USR2")
        typed = zsh.type("TRAPUSR2() { : }")
        assert "WARNING" not in typed.output, typed.output
        typed = zsh.type("chpwd() { tgx=node }")  # (run at each cd of a later line)
        assert "WARNING" in typed.output and "unknown-command" in typed.output, typed.output
    finally:
        zsh.type("trap - USR2")
        zsh.type("unfunction chpwd 2>/dev/null")
    world.assert_intact()


def test_case_attributes_go_with_each_line(zsh: GuardedShell, world: World) -> None:
    """As in bash (test_hook_bash): ``typeset -l`` at an earlier prompt makes ``x=NODE`` hold node."""
    assert_refused_after(zsh, world, "typeset -l tgv", ["tgv=NODE; pkill $tgv"], ["unset tgv"])


def test_posix_builtins_goes_with_each_line(zsh: GuardedShell, world: World) -> None:
    """As bash's POSIX mode (test_hook_bash): after ``setopt posix_builtins``, ``x=node :`` leaves x node."""
    assert_refused_after(
        zsh, world, "setopt posix_builtins", ["tgx=ssh; tgx=node :; pkill $tgx"], ["unsetopt posix_builtins; unset tgx"]
    )


def test_variables_the_line_names_go_with_it(zsh: GuardedShell, world: World) -> None:
    assert_variables_go_with_the_line(zsh, world)


def test_the_last_job_goes_with_a_line_that_names_it(zsh: GuardedShell) -> None:
    assert_last_job_goes_with_the_line(zsh)


def test_the_shells_limits_go_with_each_line(zsh: GuardedShell, world: World) -> None:
    assert_limits_go_with_each_line(zsh, world)


def test_a_history_line_run_again_is_refused(zsh: GuardedShell, world: World) -> None:
    assert_history_reruns_are_refused(zsh, world, "print -s 'pkill -9 node'", ["r pkill", "fc -e - pkill"])


def test_history_expanded_again_as_the_line_runs_is_judged(world: World, tmp_path: Path) -> None:
    assert_history_expanded_again_is_judged(world, tmp_path, "zsh", "print -s")


def test_names_past_the_hooks_scan_still_go_with_the_line(world: World, tmp_path: Path) -> None:
    assert_names_past_the_scan_go_with_the_line(world, tmp_path, "zsh")


def test_functions_named_like_paths_go_with_the_line(world: World, tmp_path: Path) -> None:
    # (a glob with no match is an error in zsh: tg*x runs nothing)
    assert_odd_function_names_go_with_the_line(world, tmp_path, "zsh", ["/usr/bin/tgx", "tg#x"])


def test_the_real_directory_goes_with_each_line(zsh: GuardedShell, world: World) -> None:
    assert_real_directory_goes_with_each_line(zsh, world)


def test_a_cd_that_fails_leaves_the_shell_where_it_is(zsh: GuardedShell, world: World) -> None:
    assert_failed_cd_stays(zsh, world)


@pytest.mark.parametrize("helper", sorted(HELPERS))
def test_a_function_runs_what_its_arguments_select(world: World, tmp_path: Path, helper: str) -> None:
    assert_selected_case_items(world, tmp_path, "zsh", HELPERS[helper])


def test_hook_functions_defined_at_a_prompt_are_judged_where_they_run(zsh: GuardedShell, world: World) -> None:
    """zsh runs chpwd at each cd, precmd before each prompt, TRAPINT at C-c: ``chpwd() { rm -rf dist/index.js; }``
    typed in one directory, then ``cd LIVE``, removed the live file, no line calling chpwd. Where it runs is not
    known: a warning (here with a name that is nowhere, and the function removed at once)."""
    for line in ("chpwd() { rm -rf tg-nothing-here; }", "TRAPUSR2() { rm -rf tg-nothing-here; }"):
        typed = zsh.type(line)
        assert "WARNING" in typed.output and "unknown-target" in typed.output, typed.output
    zsh.type("unfunction chpwd TRAPUSR2")
    assert "WARNING" not in zsh.type("tg_plain() { rm -rf tg-nothing-here; }").output
    # a function of the user's registered to run later: a hook array's, add-zsh-hook's (chpwd_functions+=(f) with
    # f() { rm -rf dist/index.js; }, then cd LIVE, removed the live file)
    for line in ("chpwd_functions+=(tg_plain)", "add-zsh-hook precmd tg_plain"):
        typed = zsh.type(line)
        assert "WARNING" in typed.output and "unknown-target" in typed.output, typed.output
    zsh.type("chpwd_functions=(); add-zsh-hook -d precmd tg_plain; unfunction tg_plain")
    world.assert_intact()


def test_warning_runs_after_the_warning(zsh: GuardedShell) -> None:
    typed = zsh.type('kill -9 $NOT_SET_ANYWHERE 2>/dev/null; echo "after-warning"')
    assert "WARNING" in typed.output
    assert "after-warning" in typed.output.split("WARNING", 1)[-1]


def test_killed_checker_is_restarted_and_the_next_line_judged(world: World) -> None:
    shell = GuardedShell(world, "zsh", setup=ZSH_SETUP, env={"TENMON_GUARD_TIMEOUT": "2"})
    try:
        first = checker_pid(shell)
        os.kill(first, signal.SIGKILL)
        began = time.monotonic()
        typed = shell.type("pkill -9 node", timeout=30)
        assert time.monotonic() - began < 25
        assert_refused(world, typed, world.verdict("pkill -9 node"))
        assert checker_pid(shell) != first
    finally:
        shell.close()


def test_a_restarted_checker_leaves_dollar_bang_and_the_users_coproc_alone(world: World) -> None:
    """The checker is a process substitution, not a coproc: starting it again leaves $! naming the user's job (a
    coproc set it to the checker) and the user's own coproc working (zsh has one coproc slot: a checker started as
    a coproc took it, and the user's `print -p` went to the checker)."""
    shell = GuardedShell(world, "zsh", setup=ZSH_SETUP, env={"TENMON_GUARD_TIMEOUT": "2"})
    try:
        shell.type("coproc cat")
        with job_at_the_prompt(shell) as job:
            first = checker_pid(shell)
            os.kill(first, signal.SIGKILL)
            told = shell.type("echo one", timeout=30).output + shell.type("echo two").output
            assert RESTART_NOTICE not in told, told
            assert checker_pid(shell) != first
            assert f"now={job}" in shell.type("echo now=$!").output
            typed = shell.type("print -p ping; read -p reply; echo got=$reply")
            assert "got=ping" in typed.output, typed.output
            os.kill(job, 0)
    finally:
        shell.close()


def test_a_restarted_checker_holds_no_lock_of_the_users(world: World) -> None:
    shell = GuardedShell(world, "zsh", setup=ZSH_SETUP, env={"TENMON_GUARD_TIMEOUT": "2"})
    assert_a_restarted_checker_holds_no_lock_of_the_users(shell, world)


def test_a_restarted_checker_keeps_no_disk_busy(world: World) -> None:
    require_root("mounting a file system")
    shell = GuardedShell(world, "zsh", setup=ZSH_SETUP, env={"TENMON_GUARD_TIMEOUT": "2"})
    assert_a_restarted_checker_keeps_no_disk_busy(shell, world)


def test_guarded_without_proc(world: World) -> None:
    assert_guarded_without_proc(shell_without_proc(world, "zsh", ZSH_SETUP), world)


def test_without_proc_the_checker_is_a_coproc_and_a_restart_says_what_it_did_to_dollar_bang(world: World) -> None:
    """Where the checker's reply pipe cannot be opened again through /proc, it is a coproc, as before: starting it
    again sets $! to it, and the user whose job $! named is told the job's PID."""
    shell = shell_without_proc(world, "zsh", ZSH_SETUP)
    try:
        with job_at_the_prompt(shell) as job:
            restart_told_of(shell, job)
    finally:
        shell.close()


def test_stopped_checker_never_hangs_the_prompt(world: World) -> None:
    shell = GuardedShell(world, "zsh", setup=ZSH_SETUP, env={"TENMON_GUARD_TIMEOUT": "1"})
    first = checker_pid(shell)
    try:
        os.kill(first, signal.SIGSTOP)
        began = time.monotonic()
        typed = shell.type("echo still-responsive", timeout=20)
        assert time.monotonic() - began < 8
        assert "NOT checked" in typed.output
        assert "still-responsive" in typed.output.split("NOT checked", 1)[-1]
        shell.type("echo second-timeout", timeout=20)  # two timeouts in a row: the checker is replaced
        typed = shell.type("pkill -9 node", timeout=30)
        assert_refused(world, typed, world.verdict("pkill -9 node"))
        assert checker_pid(shell) != first
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(first, signal.SIGKILL)
        shell.close()


def test_status_reports_the_guard(zsh: GuardedShell) -> None:
    typed = zsh.type("tenmon-guard status")
    assert "This shell is guarded" in typed.output and "zsh" in typed.output
    assert re.search(r"answers:\s+\d+\.\d+ ms median", typed.output), typed.output
    assert "PROBLEM" not in typed.output


def test_refusals_are_audited(zsh: GuardedShell, world: World) -> None:
    zsh.type("pkill -9 node")
    mine = [r for r in audit_records(world) if r["command"] == "pkill -9 node" and r.get("shell") == "zsh"]
    assert mine and mine[-1]["decision"] == "block" and mine[-1]["tty"]


def test_wait_does_not_wait_for_the_checker(zsh: GuardedShell) -> None:
    typed = zsh.type("wait; echo waited-ok", timeout=20)
    assert "waited-ok" in typed.output.split("echo waited-ok", 1)[-1]


def test_the_users_reply_survives_the_hook(zsh: GuardedShell) -> None:
    """What the user's read left in REPLY is the next line's to read, as in a zsh with no hook: the hook's JSON helper
    answers in REPLY, and `echo $REPLY` printed the line itself, quoted as JSON."""
    zsh.type("read -r <<< 'typed-answer'")
    assert "r=typed-answer:" in zsh.type('echo "r=$REPLY:$HOME"').output


def test_the_users_zerr_trap_runs_only_for_the_users_commands(zsh: GuardedShell) -> None:
    """The user's TRAPZERR runs once for a failed command and not at all for a line that succeeds, as with no hook:
    a helper of the hook returned 1 at every line judged, and the trap ran there too."""
    zsh.type("TRAPZERR() { print -r -- ZERR-RAN; }")
    try:
        assert "ZERR-RAN" not in zsh.type("echo ok").output
        assert zsh.type("false").output.count("ZERR-RAN") == 1
    finally:
        zsh.type("unfunction TRAPZERR")


def test_set_x_traces_the_users_commands_not_the_hooks_code(zsh: GuardedShell) -> None:
    """Under the user's set -x the screen shows the user's commands traced and none of the hook's code, as in a zsh with
    no hook: the widget, preexec and precmd of the hook printed some 30 trace lines at every Enter."""

    def traced_line(line: str) -> str:
        # (the probe widget is traced too, its text holding the mark quoted: wait for its output proper)
        zsh.child.send(line + "\r" + PROBE)
        zsh.child.expect_exact("\n<<BUF::FUB>>", timeout=60)
        return clean(zsh.child.before)

    traced_line("set -x")
    try:
        output = traced_line('echo "traced:$HOME"')
        assert f"> echo traced:{zsh.world.home}" in output, output
        assert "__tg_" not in output, output
    finally:
        traced_line("set +x")


def test_hist_verify_puts_the_expanded_line_back_and_it_is_judged_when_accepted(world: World) -> None:
    """Under setopt hist_verify, !! puts the expanded line back on the prompt and runs nothing, as with no hook (the
    widget's own expansion left zsh nothing to expand, and !! ran at once); the line put back is judged when
    accepted."""
    zsh = GuardedShell(world, "zsh", setup="setopt hist_verify")
    try:
        assert_history_verified(zsh, world, "print -s")
    finally:
        zsh.close()
    world.assert_intact()


def test_the_hooks_variables_stay_out_of_the_environment_under_allexport(zsh: GuardedShell) -> None:
    """Under the user's ALL_EXPORT the programs a line runs get the user's parameters, not the hook's: the options
    helper set three globals before the entry points' emulate -L zsh, and env listed them."""
    zsh.type("setopt allexport")
    try:
        zsh.type("echo judged-under-allexport")
        assert "tg-vars=0:" in zsh.type('echo "tg-vars=$(env | grep -c "^__tg_"):"').output
    finally:
        zsh.type("unsetopt allexport")
